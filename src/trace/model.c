// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace/model.h"

/*
 * netscope's own event names: the kernel tracepoint each event type comes
 * from.  These are our wire numbers (bpf/netscope.h), not kernel facts.
 */
static const struct {
	const char *name;
	const char *group;
} event_names[NS_EV__COUNT] = {
	[NS_EV_NONE] = { "none", "" },
	[NS_EV_NET_DEV_QUEUE] = { "net_dev_queue", "net" },
	[NS_EV_NET_DEV_START_XMIT] = { "net_dev_start_xmit", "net" },
	[NS_EV_NET_DEV_XMIT] = { "net_dev_xmit", "net" },
	[NS_EV_NETIF_RECEIVE_SKB] = { "netif_receive_skb", "net" },
	[NS_EV_NETIF_RX] = { "netif_rx", "net" },
	[NS_EV_NAPI_GRO_RECEIVE_ENTRY] = { "napi_gro_receive_entry", "net" },
	[NS_EV_NETIF_RECEIVE_SKB_LIST_ENTRY] = { "netif_receive_skb_list_entry", "net" },
	[NS_EV_KFREE_SKB] = { "kfree_skb", "skb" },
	[NS_EV_CONSUME_SKB] = { "consume_skb", "skb" },
	[NS_EV_TCP_SEND_RESET] = { "tcp_send_reset", "tcp" },
	[NS_EV_TCP_RECEIVE_RESET] = { "tcp_receive_reset", "tcp" },
	[NS_EV_TCP_RETRANSMIT_SKB] = { "tcp_retransmit_skb", "tcp" },
	[NS_EV_TCP_RETRANSMIT_SYNACK] = { "tcp_retransmit_synack", "tcp" },
	[NS_EV_TCP_DESTROY_SOCK] = { "tcp_destroy_sock", "tcp" },
	[NS_EV_TCP_PROBE] = { "tcp_probe", "tcp" },
	[NS_EV_INET_SOCK_SET_STATE] = { "inet_sock_set_state", "sock" },
	[NS_EV_SOCK_RCVQUEUE_FULL] = { "sock_rcvqueue_full", "sock" },
	[NS_EV_SOCK_EXCEED_BUF_LIMIT] = { "sock_exceed_buf_limit", "sock" },
	[NS_EV_UDP_FAIL_QUEUE_RCV_SKB] = { "udp_fail_queue_rcv_skb", "udp" },
	[NS_EV_IRQ_HANDLER_ENTRY] = { "irq_handler_entry", "irq" },
	[NS_EV_IRQ_HANDLER_EXIT] = { "irq_handler_exit", "irq" },
	[NS_EV_SOFTIRQ_RAISE] = { "softirq_raise", "irq" },
	[NS_EV_SOFTIRQ_ENTRY] = { "softirq_entry", "irq" },
	[NS_EV_SOFTIRQ_EXIT] = { "softirq_exit", "irq" },
	[NS_EV_NAPI_POLL] = { "napi_poll", "napi" },
	[NS_EV_QDISC_ENQUEUE] = { "qdisc_enqueue", "qdisc" },
	[NS_EV_QDISC_DEQUEUE] = { "qdisc_dequeue", "qdisc" },
	/* not tracepoints: group "cpu" is no tracefs group, and syscalls come
	 * from raw_syscalls:sys_enter/sys_exit (capture/features.c) */
	[NS_EV_CPU_SAMPLE] = { "cpu_sample", "cpu" },
	[NS_EV_SYSCALL] = { "syscall", "syscalls" },
	/* one type for every irq_vectors:<name>_entry (and _exit) tracepoint */
	[NS_EV_IRQ_VECTOR_ENTRY] = { "irq_vector_entry", "irq_vectors" },
	[NS_EV_IRQ_VECTOR_EXIT] = { "irq_vector_exit", "irq_vectors" },
	/* each of kmem_alloc and kmem_free is two tracepoints: kmem_cache_alloc
	 * and kmalloc, kmem_cache_free and kfree (capture/features.c) */
	[NS_EV_KMEM_ALLOC] = { "kmem_alloc", "kmem" },
	[NS_EV_KMEM_FREE] = { "kmem_free", "kmem" },
	[NS_EV_PAGE_ALLOC] = { "mm_page_alloc", "kmem" },
	[NS_EV_PAGE_FREE] = { "mm_page_free", "kmem" },
	/* kernel functions (func.bpf.c): group "func" is no tracefs group */
	[NS_EV_FUNC_ENTRY] = { "func_entry", "func" },
	[NS_EV_FUNC_EXIT] = { "func_exit", "func" },
};

/* the irq_vectors tracepoints, <name>_entry and <name>_exit (enum ns_irq_vector) */
static const char *const irq_vector_names[NS_IRQV__COUNT] = {
	[NS_IRQV_NONE] = "",
	[NS_IRQV_LOCAL_TIMER] = "local_timer",
	[NS_IRQV_RESCHEDULE] = "reschedule",
	[NS_IRQV_CALL_FUNCTION] = "call_function",
	[NS_IRQV_CALL_FUNCTION_SINGLE] = "call_function_single",
	[NS_IRQV_IRQ_WORK] = "irq_work",
	[NS_IRQV_X86_PLATFORM_IPI] = "x86_platform_ipi",
	[NS_IRQV_ERROR_APIC] = "error_apic",
	[NS_IRQV_SPURIOUS_APIC] = "spurious_apic",
	[NS_IRQV_THERMAL_APIC] = "thermal_apic",
	[NS_IRQV_THRESHOLD_APIC] = "threshold_apic",
	[NS_IRQV_DEFERRED_ERROR_APIC] = "deferred_error_apic",
	[NS_IRQV_REBOOT] = "reboot",
};

const char *ns_irq_vector_name(unsigned int which)
{
	return which && which < NS_IRQV__COUNT ? irq_vector_names[which] : NULL;
}

bool ns_event_known(unsigned int type)
{
	return type && type < NS_EV__COUNT && event_names[type].name;
}

const char *ns_event_name(unsigned int type)
{
	/* a number of the enum another build names (a gap here) is unknown too */
	return type < NS_EV__COUNT && event_names[type].name ? event_names[type].name : "unknown";
}

const char *ns_event_group(unsigned int type)
{
	return type < NS_EV__COUNT && event_names[type].group ? event_names[type].group : "";
}

bool ns_event_is_func(unsigned int type)
{
	return type == NS_EV_FUNC_ENTRY || type == NS_EV_FUNC_EXIT;
}

int ns_event_by_name(const char *name)
{
	for (int i = 1; i < NS_EV__COUNT; i++)
		if (event_names[i].name && !strcmp(event_names[i].name, name))
			return i;
	return -1;
}

const char *ns_ctx_name(unsigned int ctx)
{
	static const char *const names[] = {
		[NS_CTX_UNKNOWN] = "?", [NS_CTX_TASK] = "task", [NS_CTX_SOFTIRQ] = "softirq",
		[NS_CTX_HARDIRQ] = "hardirq", [NS_CTX_NMI] = "nmi",
	};
	return ctx < sizeof(names) / sizeof(names[0]) ? names[ctx] : "?";
}

const char *ns_tcp_flags_str(uint8_t flags, char *buf, size_t len)
{
	/* bit order of the TCP header's flag byte (RFC 9293, RFC 3168) */
	static const char *const bits[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
	size_t off = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (int i = 0; i < 8; i++) {
		if (!(flags & (1u << i)))
			continue;
		int n = snprintf(buf + off, len - off, "%s%s", off ? "|" : "", bits[i]);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += n;
	}
	return buf;
}

uint64_t ns_stats_sum(const uint64_t v[NS_EV__COUNT])
{
	uint64_t s = 0;

	for (int i = 0; i < NS_EV__COUNT; i++)
		s += v[i];
	return s;
}

int ns_meta_set(struct ns_meta *m, const char *key, const char *value)
{
	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->kv[i].key, key))
			continue;
		char *v = strdup(value);
		if (!v)
			return -ENOMEM;
		free(m->kv[i].value);
		m->kv[i].value = v;
		return 0;
	}
	struct ns_meta_kv *kv = realloc(m->kv, (m->n + 1) * sizeof(*kv));
	if (!kv)
		return -ENOMEM;
	m->kv = kv;
	kv[m->n].key = strdup(key);
	kv[m->n].value = strdup(value);
	if (!kv[m->n].key || !kv[m->n].value) {
		free(kv[m->n].key);
		free(kv[m->n].value);
		return -ENOMEM;
	}
	m->n++;
	return 0;
}

const char *ns_meta_get(const struct ns_meta *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->kv[i].key, key))
			return m->kv[i].value;
	return NULL;
}

void ns_meta_free(struct ns_meta *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->kv[i].key);
		free(m->kv[i].value);
	}
	free(m->kv);
	m->kv = NULL;
	m->n = 0;
}
