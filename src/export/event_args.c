// SPDX-License-Identifier: GPL-2.0
/* An event's fields as named arguments (export/event_args.h). */
#include <stdio.h>
#include <string.h>
#include "export/event_args.h"

const char *const event_arg_keys[] = {
	"packet_id", "packet_start", "packet_end", "dev", "handler", "ifindex", "netns", "len",
	"proto", "src", "dst", "tcp_flags", "seq", "ack_seq", "skb", "sk", "pid", "tid", "comm",
	"detail", "stack",
	"ptr", "call_site", "kmalloc", "cache_id", "kmem_cache", "bytes_req", "bytes_alloc", "gfp_flags", "order",
	NULL,
};

#define STACK_SYM_LEN 96

void event_args(const struct event_fmt *fmt, struct tracefile_reader *tr,
		const struct ns_event *ev, const struct arg_sink *s)
{
	bool irq = ev->type == NS_EV_IRQ_HANDLER_ENTRY || ev->type == NS_EV_IRQ_HANDLER_EXIT;
	bool kmem = event_args_is_kmem(ev);	/* sk and len mean other things there */
	char buf[256], name[NS_COMM_LEN > NS_IFNAME_LEN ? NS_COMM_LEN + 1 : NS_IFNAME_LEN + 1];

	if (ev->packet_id) {
		s->uint(s->ctx, "packet_id", ev->packet_id);
		if (ev->flags & NS_F_NEW_PACKET)
			s->boolean(s->ctx, "packet_start", true);
		if (ev->flags & NS_F_END_PACKET)
			s->boolean(s->ctx, "packet_end", true);
	}
	/* fixed arrays, NUL-terminated only when shorter: copied out bounded */
	if (ev->ifname[0]) {
		snprintf(name, sizeof(name), "%.*s", (int)sizeof(ev->ifname), ev->ifname);
		/* an irq event's ifname holds the handler's name (capture.bpf.c on_irq) */
		s->str(s->ctx, irq ? "handler" : "dev", name);
	}
	/* a system vector's handler is its irq_vectors tracepoint (local_timer, ...) */
	if ((ev->type == NS_EV_IRQ_VECTOR_ENTRY || ev->type == NS_EV_IRQ_VECTOR_EXIT) &&
	    ns_irq_vector_name(ev->aux))
		s->str(s->ctx, "handler", ns_irq_vector_name(ev->aux));
	if (ev->ifindex && !irq)
		s->sint(s->ctx, "ifindex", ev->ifindex);
	if (ev->netns)
		s->uint(s->ctx, "netns", ev->netns);
	if (ev->len && !kmem)
		s->uint(s->ctx, "len", ev->len);
	if (ev->l3_proto || ev->l4_proto)
		s->str(s->ctx, "proto", event_proto(ev));
	if (ev->hdr & NS_HDR_L3) {
		s->str(s->ctx, "src", event_endpoint(ev, 0, buf, sizeof(buf)));
		s->str(s->ctx, "dst", event_endpoint(ev, 1, buf, sizeof(buf)));
	}
	if (ev->tcp_flags)
		s->str(s->ctx, "tcp_flags", ns_tcp_flags_str(ev->tcp_flags, buf, sizeof(buf)));
	if (ev->hdr & NS_HDR_TCP) {
		s->uint(s->ctx, "seq", ev->seq);
		s->uint(s->ctx, "ack_seq", ev->ack_seq);
	}
	if (ev->skb)
		s->ptr(s->ctx, "skb", ev->skb);
	if (ev->sk && !kmem)
		s->ptr(s->ctx, "sk", ev->sk);
	if (kmem)
		event_args_kmem(fmt, ev, s);
	/* in softirq and hardirq context: the task that was interrupted */
	s->uint(s->ctx, "pid", ev->pid);
	s->uint(s->ctx, "tid", ev->tid);
	if (ev->comm[0]) {
		snprintf(name, sizeof(name), "%.*s", (int)sizeof(ev->comm), ev->comm);
		s->str(s->ctx, "comm", name);
	}
	if (event_detail(fmt, ev, buf, sizeof(buf))[0])
		s->str(s->ctx, "detail", buf);
	if (tr && ev->stack_id >= 0) {
		size_t n = 0;
		const uint64_t *ips = tfr_stack(tr, ev->stack_id, &n);
		char syms[NS_STACK_DEPTH][STACK_SYM_LEN];
		const char *v[NS_STACK_DEPTH];

		size_t skip;

		if (!ips || !n)
			return;
		if (n > NS_STACK_DEPTH)
			n = NS_STACK_DEPTH;
		/* from the code that hit the tracepoint, as every analysis shows it */
		skip = fmt->ksyms ? ksyms__tracing_frames(fmt->ksyms, ips, n) : 0;
		ips += skip;
		n -= skip;
		if (!n)
			return;
		for (size_t i = 0; i < n; i++) {
			if (fmt->ksyms)
				ksyms__fmt(fmt->ksyms, ips[i], syms[i], sizeof(syms[i]));
			else
				snprintf(syms[i], sizeof(syms[i]), "0x%llx", (unsigned long long)ips[i]);
			v[i] = syms[i];
		}
		s->strs(s->ctx, "stack", v, n);
	}
}
