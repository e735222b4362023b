// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of the overhead benchmark: empty tp_btf programs on the same
 * tracepoints netscope attaches to by default.  Whatever netscope costs
 * beyond this is its own work (decode, filter, ring buffer, stacks).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define EMPTY(tp) SEC("tp_btf/" #tp) int BPF_PROG(floor_##tp) { return 0; }

EMPTY(net_dev_queue)
EMPTY(net_dev_start_xmit)
EMPTY(net_dev_xmit)
EMPTY(netif_receive_skb)
EMPTY(netif_rx)
EMPTY(napi_gro_receive_entry)
EMPTY(netif_receive_skb_list_entry)
EMPTY(kfree_skb)
EMPTY(consume_skb)
EMPTY(tcp_send_reset)
EMPTY(tcp_receive_reset)
EMPTY(tcp_retransmit_skb)
EMPTY(tcp_retransmit_synack)
EMPTY(tcp_destroy_sock)
EMPTY(tcp_probe)
EMPTY(inet_sock_set_state)
EMPTY(sock_rcvqueue_full)
EMPTY(sock_exceed_buf_limit)
EMPTY(udp_fail_queue_rcv_skb)
EMPTY(irq_handler_entry)
EMPTY(irq_handler_exit)
EMPTY(softirq_raise)
EMPTY(softirq_entry)
EMPTY(softirq_exit)
EMPTY(napi_poll)
EMPTY(qdisc_enqueue)
EMPTY(qdisc_dequeue)
