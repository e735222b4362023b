/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The conns view's result: TCP connections followed by their 4-tuple, the
 * client being the end that sent the SYN.  Per connection, in time order:
 * every segment (direction, flags, seq/ack relative to each side's ISN,
 * lengths, the function that sent it and the one that received it), both
 * sockets' state changes, the listener's, srtt as tcp_probe saw it, TIME_WAIT
 * and the sockets' lifetimes (render/conns_out.c).  The analysis is
 * analysis/conns.h.  Times are nanoseconds from the connection's first
 * event (the client's CLOSE -> SYN_SENT, or its SYN).
 */
#ifndef NS_ANALYSIS_RESULT_CONNS_H
#define NS_ANALYSIS_RESULT_CONNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum conn_dir {
	CONN_C2S = 0,	/* client -> server */
	CONN_S2C,	/* server -> client */
};

enum conn_side {
	CONN_CLIENT = 0,	/* the socket that sent the SYN */
	CONN_SERVER,		/* the listener's child (SYN_RECV onwards) */
	CONN_LISTENER,		/* the listening socket the SYN reached */
	CONN_SIDE__COUNT,
};

const char *conn_side_name(enum conn_side s);	/* "client", "server", "listener" */

/* One state change of a socket (inet_sock_set_state). */
struct conn_state {
	int64_t t_ns;		/* from the connection's first event (the listener's are < 0) */
	char *from, *to;	/* "SYN_SENT": the kernel's name without "TCP_" */
	char *function;		/* the function that set it (its stack), NULL without one */
};

struct conn_sock {
	bool seen;		/* the trace has state events of this socket */
	uint64_t sk;
	uint32_t netns;
	char label[16];		/* the lab's namespace label ("a"), or "" */
	struct conn_state *states;
	size_t n_states;
	bool states_cut;	/* more changes than kept (CONNS_STATES_MAX) */
	bool closed;		/* reached CLOSE */
	int64_t first_ns, last_ns;	/* first and last state change: the lifetime */
	/*
	 * TIME_WAIT: tcp_time_wait() hands the connection to a timewait sock
	 * (inet_twsk_alloc(), no tracepoint) and closes the full socket, so
	 * the tracepoint shows FIN_WAIT2 (or CLOSING) -> CLOSE, never TIME_WAIT.
	 */
	bool time_wait;
	int64_t time_wait_ns;
	const char *time_wait_how;	/* static: "stack" (tcp_time_wait on it) or "inferred" */
	/* tcp_probe: the kernel's smoothed RTT (srtt_us >> 3, µs) on this socket */
	uint64_t srtt_samples;
	uint32_t srtt_last_us, srtt_min_us, cwnd_last;
};

struct conn_segment {
	int64_t t_ns;		/* first seen (sent, or received when the send was not seen) */
	bool sent, received;	/* seen at net_dev_queue / at a receive entry */
	int64_t rx_ns;		/* received, when received */
	enum conn_dir dir;
	uint8_t flags;		/* TCP flags */
	char flags_str[40];	/* "SYN,ACK" */
	uint32_t seq_raw, ack_raw;
	bool rel;		/* seq/ack relative to the ISNs (the SYN's and SYN-ACK's seq) */
	uint32_t seq, ack;	/* relative; ack only with the ACK flag */
	/* skb->len at the receive entry (IP + TCP header + payload), else at the
	 * send (with the link header); 0 when not seen */
	uint32_t len;
	/* payload from sequence numbers: the sender's next seq (or the peer's
	 * later ack) minus seq, SYN and FIN; -1 when not derivable */
	int64_t payload;
	uint64_t packet_id;
	char *sender;		/* the TCP function that sent it (see conns.h), NULL: no stack */
	char *sender_path;	/* "tcp_v4_connect → tcp_connect → __tcp_transmit_skb" */
	char *receiver;		/* the TCP function that received it, NULL: not seen */
	char *receiver_event;	/* the event whose stack said so ("tcp_probe", "state") */
};

struct conn {
	char client[64], server[64];	/* "198.18.0.1:41234" */
	uint32_t client_isn, server_isn;
	bool have_client_isn, have_server_isn;
	uint64_t first_ts;		/* CLOCK_MONOTONIC of t = 0 */
	struct conn_segment *segs;
	size_t n_segs;
	uint64_t segs_cut;		/* segments beyond CONNS_SEGS_MAX: not kept */
	struct conn_sock side[CONN_SIDE__COUNT];
};

struct conns_result {
	struct conn *conns;	/* by first event */
	size_t n;
	uint64_t started;	/* connections seen starting (a SYN) */
	uint64_t evicted;	/* followed connections dropped from the table (LRU) */
	size_t conns_max;
	uint64_t stray;		/* TCP segments of no followed connection (their SYN was not seen) */
	bool stacks;		/* the trace's events carried stacks */
};

void conns_result_free(struct conns_result *r);

#endif
