// SPDX-License-Identifier: GPL-2.0
/*
 * The capture skeleton's programs by event type (session_progs.h): apart
 * from session.c, which only picks and attaches them, so that the tables
 * grow with the events without growing the session's logic.
 */
#include <stddef.h>
#include "capture.skel.h"
#include "capture/session_progs.h"

/* The two twins of every handler, and the hdr variants, by event type. */
void capture_prog_table(struct capture_bpf *skel, struct bpf_program *btf[NS_EV__COUNT],
			struct bpf_program *raw[NS_EV__COUNT], struct bpf_program *hdr[NS_EV__COUNT])
{
#define P(ev, name)                                    \
	do {                                           \
		btf[ev] = skel->progs.btf_##name;      \
		raw[ev] = skel->progs.raw_##name;      \
	} while (0)
	P(NS_EV_NET_DEV_QUEUE, net_dev_queue);
	P(NS_EV_NET_DEV_START_XMIT, net_dev_start_xmit);
	P(NS_EV_NET_DEV_XMIT, net_dev_xmit);
	P(NS_EV_NETIF_RECEIVE_SKB, netif_receive_skb);
	P(NS_EV_NETIF_RX, netif_rx);
	P(NS_EV_NAPI_GRO_RECEIVE_ENTRY, napi_gro_receive_entry);
	P(NS_EV_NETIF_RECEIVE_SKB_LIST_ENTRY, netif_receive_skb_list_entry);
	P(NS_EV_KFREE_SKB, kfree_skb);
	P(NS_EV_CONSUME_SKB, consume_skb);
	P(NS_EV_TCP_SEND_RESET, tcp_send_reset);
	P(NS_EV_TCP_RECEIVE_RESET, tcp_receive_reset);
	P(NS_EV_TCP_RETRANSMIT_SKB, tcp_retransmit_skb);
	P(NS_EV_TCP_RETRANSMIT_SYNACK, tcp_retransmit_synack);
	P(NS_EV_TCP_DESTROY_SOCK, tcp_destroy_sock);
	P(NS_EV_TCP_PROBE, tcp_probe);
	P(NS_EV_INET_SOCK_SET_STATE, inet_sock_set_state);
	P(NS_EV_SOCK_RCVQUEUE_FULL, sock_rcvqueue_full);
	P(NS_EV_SOCK_EXCEED_BUF_LIMIT, sock_exceed_buf_limit);
	P(NS_EV_UDP_FAIL_QUEUE_RCV_SKB, udp_fail_queue_rcv_skb);
	P(NS_EV_IRQ_HANDLER_ENTRY, irq_handler_entry);
	P(NS_EV_IRQ_HANDLER_EXIT, irq_handler_exit);
	P(NS_EV_SOFTIRQ_RAISE, softirq_raise);
	P(NS_EV_SOFTIRQ_ENTRY, softirq_entry);
	P(NS_EV_SOFTIRQ_EXIT, softirq_exit);
	P(NS_EV_NAPI_POLL, napi_poll);
	P(NS_EV_QDISC_ENQUEUE, qdisc_enqueue);
	P(NS_EV_QDISC_DEQUEUE, qdisc_dequeue);
	/* and sys_exit, which follows sys_enter's choice (capture_open()) */
	P(NS_EV_SYSCALL, sys_enter);
	P(NS_EV_KMEM_ALLOC, kmem_cache_alloc);	/* and kmalloc */
	P(NS_EV_KMEM_FREE, kmem_cache_free);	/* and kfree */
	P(NS_EV_PAGE_ALLOC, mm_page_alloc);
	P(NS_EV_PAGE_FREE, mm_page_free);
	/* NS_EV_CPU_SAMPLE: the perf_event program, attached per CPU */
#undef P
#define H(ev, name) hdr[ev] = skel->progs.hdr_##name
	H(NS_EV_NET_DEV_QUEUE, net_dev_queue);
	H(NS_EV_NETIF_RECEIVE_SKB, netif_receive_skb);
	H(NS_EV_NETIF_RX, netif_rx);
	H(NS_EV_NAPI_GRO_RECEIVE_ENTRY, napi_gro_receive_entry);
	H(NS_EV_NETIF_RECEIVE_SKB_LIST_ENTRY, netif_receive_skb_list_entry);
	H(NS_EV_KFREE_SKB, kfree_skb);
	H(NS_EV_TCP_SEND_RESET, tcp_send_reset);
#undef H
}

/* The twins of every irq_vectors tracepoint netscope has a program for,
 * [which][0 entry, 1 exit] (capture.bpf.c: IRQ_VECTOR()). */
void capture_irq_vector_table(struct capture_bpf *skel, struct bpf_program *btf[][2],
			      struct bpf_program *raw[][2])
{
#define V(w, name)                                          \
	do {                                                \
		btf[w][0] = skel->progs.btf_##name##_entry; \
		btf[w][1] = skel->progs.btf_##name##_exit;  \
		raw[w][0] = skel->progs.raw_##name##_entry; \
		raw[w][1] = skel->progs.raw_##name##_exit;  \
	} while (0)
	V(NS_IRQV_LOCAL_TIMER, local_timer);
	V(NS_IRQV_RESCHEDULE, reschedule);
	V(NS_IRQV_CALL_FUNCTION, call_function);
	V(NS_IRQV_CALL_FUNCTION_SINGLE, call_function_single);
	V(NS_IRQV_IRQ_WORK, irq_work);
	V(NS_IRQV_X86_PLATFORM_IPI, x86_platform_ipi);
	V(NS_IRQV_ERROR_APIC, error_apic);
	V(NS_IRQV_SPURIOUS_APIC, spurious_apic);
	V(NS_IRQV_THERMAL_APIC, thermal_apic);
	V(NS_IRQV_THRESHOLD_APIC, threshold_apic);
	V(NS_IRQV_DEFERRED_ERROR_APIC, deferred_error_apic);
	V(NS_IRQV_REBOOT, reboot);
#undef V
}

/* The second program of an event made of two tracepoints, or NULL. */
struct bpf_program *capture_second_prog(struct capture_bpf *skel, int ev, bool btf)
{
	switch (ev) {
	case NS_EV_SYSCALL:
		return btf ? skel->progs.btf_sys_exit : skel->progs.raw_sys_exit;
	case NS_EV_KMEM_ALLOC:
		return btf ? skel->progs.btf_kmalloc : skel->progs.raw_kmalloc;
	case NS_EV_KMEM_FREE:
		return btf ? skel->progs.btf_kfree : skel->progs.raw_kfree;
	default:
		return NULL;
	}
}
