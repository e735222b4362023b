// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include "common/json.h"
#include "render/event_line.h"
#include "trace/model.h"
#include "trace/syscalls.h"

/*
 * comm and ifname are fixed arrays, NUL-terminated only when shorter than
 * the array: a trace file may fill them to the last byte.  Never read them
 * as C strings, copy them out bounded.
 */
#define FIELD_STR(buf, field) (snprintf(buf, sizeof(buf), "%.*s", (int)sizeof(field), field), buf)

static const char *proto_name(const struct ns_event *ev)
{
	if (ev->l3_proto == 0x0806)
		return "ARP";
	switch (ev->l4_proto) {
	case IPPROTO_TCP: return "TCP";
	case IPPROTO_UDP: return "UDP";
	case IPPROTO_ICMP: return "ICMP";
	case IPPROTO_ICMPV6: return "ICMP6";
	case 0: return "-";
	default: return "IP";
	}
}

const char *event_endpoint(const struct ns_event *ev, int dst, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	const uint8_t *a = dst ? ev->daddr : ev->saddr;
	bool ports = (ev->hdr & NS_HDR_L4) && ev->l4_proto != IPPROTO_ICMP &&
		     ev->l4_proto != IPPROTO_ICMPV6;

	if (!(ev->hdr & NS_HDR_L3)) {
		snprintf(buf, len, "-");
		return buf;
	}
	inet_ntop(ev->family == AF_INET6 ? AF_INET6 : AF_INET, a, addr, sizeof(addr));
	if (!ports)
		snprintf(buf, len, "%s", addr);
	else if (ev->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", addr, dst ? ev->dport : ev->sport);
	else
		snprintf(buf, len, "%s:%u", addr, dst ? ev->dport : ev->sport);
	return buf;
}

static const char *name_or_num(const struct event_fmt *fmt, enum ns_name_kind k, uint32_t v,
			       char *buf, size_t len)
{
	const char *n = fmt->names ? ns_names_lookup(fmt->names, k, v) : NULL;

	if (n)
		return n;
	snprintf(buf, len, "%s#%u", ns_name_kind_str(k), v);
	return buf;
}

static const char *sym(const struct event_fmt *fmt, uint64_t addr, char *buf, size_t len)
{
	if (fmt->ksyms)
		return ksyms__fmt(fmt->ksyms, addr, buf, len);
	snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	return buf;
}

/* "connect", or "syscall#42" for a number outside netscope's table */
static const char *syscall_name(uint32_t nr, char *buf, size_t len)
{
	const char *n = ns_syscall_name(nr);

	if (n)
		return n;
	snprintf(buf, len, "syscall#%u", nr);
	return buf;
}

/* a function's return value: low half in aux, high half in aux2 (func.bpf.c) */
static int64_t func_ret(const struct ns_event *ev)
{
	return (int64_t)(((uint64_t)ev->aux2 << 32) | (uint32_t)ev->aux);
}

const char *event_detail(const struct event_fmt *fmt, const struct ns_event *ev, char *buf, size_t len)
{
	char a[96], b[96], f[40], name[NS_IFNAME_LEN + 1], comm[NS_COMM_LEN + 1];

	buf[0] = '\0';
	switch (ev->type) {
	case NS_EV_KFREE_SKB:
		snprintf(buf, len, "reason=%s at %s",
			 name_or_num(fmt, NS_NAMES_DROP_REASON, ev->reason, a, sizeof(a)),
			 sym(fmt, ev->location, b, sizeof(b)));
		break;
	case NS_EV_CONSUME_SKB:
		if (ev->location)
			snprintf(buf, len, "at %s", sym(fmt, ev->location, b, sizeof(b)));
		break;
	case NS_EV_TCP_SEND_RESET:
		snprintf(buf, len, "reason=%s state=%s",
			 name_or_num(fmt, NS_NAMES_RST_REASON, ev->reason, a, sizeof(a)),
			 ev->sk ? name_or_num(fmt, NS_NAMES_TCP_STATE, ev->aux2, b, sizeof(b)) : "-");
		break;
	case NS_EV_TCP_RECEIVE_RESET:
	case NS_EV_TCP_DESTROY_SOCK:
	case NS_EV_TCP_RETRANSMIT_SKB:
		snprintf(buf, len, "state=%s", name_or_num(fmt, NS_NAMES_TCP_STATE, ev->aux2, a, sizeof(a)));
		if (ev->type == NS_EV_TCP_RETRANSMIT_SKB)
			snprintf(buf + strlen(buf), len - strlen(buf), " seq=%u", ev->seq);
		break;
	case NS_EV_INET_SOCK_SET_STATE:
		snprintf(buf, len, "%s -> %s",
			 name_or_num(fmt, NS_NAMES_TCP_STATE, ev->reason, a, sizeof(a)),
			 name_or_num(fmt, NS_NAMES_TCP_STATE, ev->aux, b, sizeof(b)));
		break;
	case NS_EV_TCP_PROBE:
		snprintf(buf, len, "cwnd=%d srtt=%uus", ev->aux, ev->aux2);
		break;
	case NS_EV_SOCK_RCVQUEUE_FULL:
		snprintf(buf, len, "rmem=%d rcvbuf=%u", ev->aux, ev->aux2);
		break;
	case NS_EV_SOCK_EXCEED_BUF_LIMIT:
		snprintf(buf, len, "allocated=%d kind=%u", ev->aux, ev->aux2);
		break;
	case NS_EV_UDP_FAIL_QUEUE_RCV_SKB:
	case NS_EV_NET_DEV_XMIT:
		snprintf(buf, len, "rc=%d", ev->aux);
		break;
	case NS_EV_SOFTIRQ_RAISE:
	case NS_EV_SOFTIRQ_ENTRY:
	case NS_EV_SOFTIRQ_EXIT:
		snprintf(buf, len, "vec=%s", name_or_num(fmt, NS_NAMES_SOFTIRQ, ev->reason, a, sizeof(a)));
		break;
	case NS_EV_IRQ_HANDLER_ENTRY:
	case NS_EV_IRQ_HANDLER_EXIT:
		snprintf(buf, len, "irq=%u name=%s", ev->reason, FIELD_STR(name, ev->ifname));
		if (ev->type == NS_EV_IRQ_HANDLER_EXIT)
			snprintf(buf + strlen(buf), len - strlen(buf), " ret=%d", ev->aux);
		break;
	case NS_EV_NAPI_POLL:
		snprintf(buf, len, "work=%d budget=%u", ev->aux, ev->aux2);
		break;
	case NS_EV_QDISC_ENQUEUE:
	case NS_EV_QDISC_DEQUEUE:
		snprintf(buf, len, "qlen=%u", ev->aux2);
		break;
	case NS_EV_CPU_SAMPLE:
		/* the text line has no task columns: the sample's task is its point */
		snprintf(buf, len, "comm=%s pid=%u tid=%u stack_id=%d%s", FIELD_STR(comm, ev->comm),
			 ev->pid, ev->tid, ev->stack_id, ev->flags & NS_F_USER_MODE ? " (user mode)" : "");
		break;
	case NS_EV_KMEM_ALLOC:
	case NS_EV_KMEM_FREE:
		/* fields: docs/EVENTS.md; GFP names need the trace's table (--view skb-memory) */
		snprintf(buf, len, "ptr=0x%llx %s %s cache=%s%s bytes=%u/%d gfp=0x%x",
			 (unsigned long long)ev->skb_head, ev->type == NS_EV_KMEM_ALLOC ? "at" : "by",
			 ev->location ? sym(fmt, ev->location, a, sizeof(a)) : "?",
			 ev->aux2 & NS_KMEM_KMALLOC ? "kmalloc" : "", ev->aux2 & NS_KMEM_KMALLOC ? "" :
			 (snprintf(f, sizeof(f), "#%u", ev->aux2 & NS_KMEM_CACHE_MASK), f), ev->len, ev->aux,
			 ev->reason);
		break;
	case NS_EV_PAGE_ALLOC:
	case NS_EV_PAGE_FREE:
		snprintf(buf, len, "page=0x%llx order=%u%s%s gfp=0x%x", (unsigned long long)ev->skb_head,
			 ev->len, ev->location ? " at " : "",
			 ev->location ? sym(fmt, ev->location, a, sizeof(a)) : "", ev->reason);
		break;
	case NS_EV_FUNC_ENTRY:
	case NS_EV_FUNC_EXIT:
		if (fmt->ksyms)
			ksyms__fmt(fmt->ksyms, ev->location, a, sizeof(a));
		else
			snprintf(a, sizeof(a), "0x%llx", (unsigned long long)ev->location);
		a[strcspn(a, "+")] = '\0'; /* the function, not the offset */
		/* ftrace's records: a depth (function_graph), no arguments, no return value */
		if (ev->flags & NS_F_FTRACE_CALLS_ONLY)
			snprintf(buf, len, "func=%s (ftrace function)", a);
		else if (ev->flags & NS_F_FTRACE)
			snprintf(buf, len, "func=%s depth=%u (ftrace function_graph)", a, ev->reason);
		else if (ev->type == NS_EV_FUNC_EXIT)
			snprintf(buf, len, "func=%s ret=%lld", a, (long long)func_ret(ev));
		else
			snprintf(buf, len, "func=%s", a);
		break;
	case NS_EV_SYSCALL:
		if (ev->aux2 == NS_SYSCALL_ENTER)
			snprintf(f, sizeof(f), "enter arg0=%lld", (long long)ev->location);
		else
			snprintf(f, sizeof(f), "exit ret=%d", ev->aux);
		snprintf(buf, len, "%s %s comm=%s pid=%u tid=%u", syscall_name(ev->reason, a, sizeof(a)),
			 f, FIELD_STR(comm, ev->comm), ev->pid, ev->tid);
		break;
	default:
		break;
	}
	if ((ev->hdr & NS_HDR_L4) && (ev->l4_proto == IPPROTO_ICMP || ev->l4_proto == IPPROTO_ICMPV6)) {
		size_t o = strlen(buf);

		snprintf(buf + o, len - o, "%stype=%u code=%u", o ? " " : "", ev->sport, ev->dport);
	}
	if (ev->hdr & NS_HDR_TCP) {
		size_t o = strlen(buf);

		snprintf(buf + o, len - o, "%sseq=%u ack=%u", o ? " " : "", ev->seq, ev->ack_seq);
	}
	if (ev->hdr & NS_HDR_UNSET) {
		size_t o = strlen(buf);

		snprintf(buf + o, len - o, "%s(headers not set yet)", o ? " " : "");
	}
	(void)f;
	return buf;
}

void event_line_header(FILE *out)
{
	fprintf(out, "%-12s %3s %-7s %-8s %-22s %-9s %5s %-5s %-45s %-11s %s\n", "TIME", "CPU", "CTX",
		"PKT", "EVENT", "DEV", "LEN", "PROTO", "SRC > DST", "FLAGS", "DETAIL");
}

void event_line_print(FILE *out, const struct event_fmt *fmt, const struct ns_event *ev)
{
	char src[64], dst[64], flow[130], flags[40] = "", detail[256], pkt[24] = "-";
	char dev[NS_IFNAME_LEN + 1];
	bool cpu_event = ev->type >= NS_EV_IRQ_HANDLER_ENTRY && ev->type <= NS_EV_SOFTIRQ_EXIT;
	double t = ev->ts_ns >= fmt->t0_ns ? (ev->ts_ns - fmt->t0_ns) / 1e9 : 0;

	if (ev->hdr & NS_HDR_L3)
		snprintf(flow, sizeof(flow), "%s > %s", event_endpoint(ev, 0, src, sizeof(src)),
			 event_endpoint(ev, 1, dst, sizeof(dst)));
	else
		snprintf(flow, sizeof(flow), "-");
	if (ev->tcp_flags)
		ns_tcp_flags_str(ev->tcp_flags, flags, sizeof(flags));
	if (ev->packet_id)
		snprintf(pkt, sizeof(pkt), "#%llu", (unsigned long long)ev->packet_id);
	fprintf(out, "%-12.6f %3u %-7s %-8s %-22s %-9s %5u %-5s %-45s %-11s %s\n", t, ev->cpu,
		ns_ctx_name(ev->ctx), pkt, ns_event_name(ev->type),
		cpu_event || !ev->ifname[0] ? "-" : FIELD_STR(dev, ev->ifname), ev->len, proto_name(ev), flow,
		flags[0] ? flags : "-", event_detail(fmt, ev, detail, sizeof(detail)));
}

void event_json_print(FILE *out, const struct event_fmt *fmt, const struct ns_event *ev,
		      const uint64_t *stack, int nframes)
{
	struct json_writer *w = json_new(out);
	char buf[256], a[96], comm[NS_COMM_LEN + 1], dev[NS_IFNAME_LEN + 1];
	const char *n;

	json_obj_begin(w);
	json_kv_u64(w, "schema_version", EVENT_JSON_SCHEMA);
	json_kv_u64(w, "ts_ns", ev->ts_ns);
	json_kv_u64(w, "cpu", ev->cpu);
	json_kv_str(w, "ctx", ns_ctx_name(ev->ctx));
	json_kv_u64(w, "pid", ev->pid);
	json_kv_u64(w, "tid", ev->tid);
	json_kv_str(w, "comm", FIELD_STR(comm, ev->comm));
	json_kv_str(w, "event", ns_event_name(ev->type));
	json_kv_u64(w, "packet_id", ev->packet_id);
	json_kv_u64(w, "netns", ev->netns);
	json_kv_i64(w, "ifindex", ev->ifindex);
	json_kv_str(w, "ifname", FIELD_STR(dev, ev->ifname));
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)ev->skb);
	json_kv_str(w, "skb", buf);
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)ev->sk);
	json_kv_str(w, "sk", buf);
	json_kv_bool(w, "packet_start", ev->flags & NS_F_NEW_PACKET);
	json_kv_bool(w, "packet_end", ev->flags & NS_F_END_PACKET);
	json_kv_i64(w, "stack_id", ev->stack_id);
	json_kv_u64(w, "len", ev->len);
	json_kv_u64(w, "l3_proto", ev->l3_proto);
	json_kv_str(w, "proto", proto_name(ev));
	json_kv_bool(w, "headers_unset", ev->hdr & NS_HDR_UNSET);
	if (ev->hdr & NS_HDR_L3) {
		json_kv_str(w, "saddr", inet_ntop(ev->family == AF_INET6 ? AF_INET6 : AF_INET,
						  ev->saddr, a, sizeof(a)));
		json_kv_str(w, "daddr", inet_ntop(ev->family == AF_INET6 ? AF_INET6 : AF_INET,
						  ev->daddr, a, sizeof(a)));
		json_kv_bool(w, "addr_from_sock", ev->hdr & NS_HDR_FROM_SOCK);
		json_kv_bool(w, "headers_from_packet", ev->hdr & NS_HDR_FROM_PACKET);
	}
	if (ev->hdr & NS_HDR_L4) {
		json_kv_u64(w, "sport", ev->sport);
		json_kv_u64(w, "dport", ev->dport);
	}
	if (ev->hdr & NS_HDR_TCP) {
		json_kv_str(w, "tcp_flags", ns_tcp_flags_str(ev->tcp_flags, a, sizeof(a)));
		json_kv_u64(w, "seq", ev->seq);
		json_kv_u64(w, "ack_seq", ev->ack_seq);
	}
	switch (ev->type) {
	case NS_EV_KFREE_SKB:
		n = fmt->names ? ns_names_lookup(fmt->names, NS_NAMES_DROP_REASON, ev->reason) : NULL;
		json_kv_u64(w, "reason_code", ev->reason);
		json_kv_str(w, "reason", n);
		if (fmt->ksyms)
			json_kv_str(w, "location", ksyms__fmt(fmt->ksyms, ev->location, buf, sizeof(buf)));
		break;
	case NS_EV_TCP_SEND_RESET:
		n = fmt->names ? ns_names_lookup(fmt->names, NS_NAMES_RST_REASON, ev->reason) : NULL;
		json_kv_u64(w, "reason_code", ev->reason);
		json_kv_str(w, "reason", n);
		break;
	case NS_EV_INET_SOCK_SET_STATE:
		json_kv_str(w, "oldstate", fmt->names ? ns_names_lookup(fmt->names, NS_NAMES_TCP_STATE, ev->reason) : NULL);
		json_kv_str(w, "newstate", fmt->names ? ns_names_lookup(fmt->names, NS_NAMES_TCP_STATE, ev->aux) : NULL);
		break;
	case NS_EV_CPU_SAMPLE:
		json_kv_bool(w, "user_mode", ev->flags & NS_F_USER_MODE);
		break;
	case NS_EV_KMEM_ALLOC:
	case NS_EV_KMEM_FREE:
	case NS_EV_PAGE_ALLOC:
	case NS_EV_PAGE_FREE:
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)ev->skb_head);
		json_kv_str(w, "ptr", buf);
		if (ev->location && fmt->ksyms)
			json_kv_str(w, "call_site", ksyms__fmt(fmt->ksyms, ev->location, buf, sizeof(buf)));
		json_kv_u64(w, "cache_id", ev->aux2 & NS_KMEM_CACHE_MASK);
		json_kv_bool(w, "kmalloc", ev->aux2 & NS_KMEM_KMALLOC);
		json_kv_u64(w, ev->type >= NS_EV_PAGE_ALLOC ? "order" : "bytes_req", ev->len);
		if (ev->type < NS_EV_PAGE_ALLOC)
			json_kv_i64(w, "bytes_alloc", ev->aux);
		json_kv_u64(w, "gfp_flags", ev->reason);
		break;
	case NS_EV_FUNC_ENTRY:
	case NS_EV_FUNC_EXIT:
		if (fmt->ksyms)
			ksyms__fmt(fmt->ksyms, ev->location, a, sizeof(a));
		else
			snprintf(a, sizeof(a), "0x%llx", (unsigned long long)ev->location);
		a[strcspn(a, "+")] = '\0';
		json_kv_str(w, "func", a);
		if (ev->flags & NS_F_FTRACE) {
			json_kv_str(w, "tracer", ev->flags & NS_F_FTRACE_CALLS_ONLY ? "ftrace function" :
				    "ftrace function_graph");
			if (!(ev->flags & NS_F_FTRACE_CALLS_ONLY))
				json_kv_u64(w, "depth", ev->reason);
		} else if (ev->type == NS_EV_FUNC_EXIT) {
			json_kv_i64(w, "ret", func_ret(ev));
			json_kv_bool(w, "ret_skb", ev->flags & NS_F_RET_SKB);
		}
		break;
	case NS_EV_SYSCALL:
		json_kv_str(w, "syscall", ns_syscall_name(ev->reason));
		json_kv_u64(w, "syscall_nr", ev->reason);
		json_kv_str(w, "phase", ev->aux2 == NS_SYSCALL_ENTER ? "enter" : "exit");
		if (ev->aux2 == NS_SYSCALL_ENTER)
			json_kv_i64(w, "arg0", (int64_t)ev->location);
		else
			json_kv_i64(w, "ret", ev->aux);
		break;
	default:
		json_kv_str(w, "detail", event_detail(fmt, ev, buf, sizeof(buf)));
	}
	if (nframes > 0) {
		json_key(w, "stack");
		json_arr_begin(w);
		for (int i = 0; i < nframes; i++)
			json_str(w, fmt->ksyms ? ksyms__fmt(fmt->ksyms, stack[i], buf, sizeof(buf)) : "?");
		json_arr_end(w);
	}
	json_obj_end(w);
	json_free(w);
	fputc('\n', out);
}

/* "TCP", "UDP", "ICMP", "ARP", ...: the PROTO column, for the exporters' event fields */
const char *event_proto(const struct ns_event *ev)
{
	return proto_name(ev);
}
