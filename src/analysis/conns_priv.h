/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the conns analysis: the state conns.c builds from events and
 * conns_result.c turns into struct conns_result.  Not for other files.
 */
#ifndef NS_ANALYSIS_CONNS_PRIV_H
#define NS_ANALYSIS_CONNS_PRIV_H

#include "analysis/conns.h"
#include "analysis/internal.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10
#define IPPROTO_TCP_ 6

#define PKTS_MAX 65536		/* live packets followed */
#define PENDING_MAX 4096	/* sockets not yet tied to a connection */
#define PATH_MAX_FRAMES 4	/* frames of a sender path */
#define MATCH_WINDOW 8		/* latest segments searched for a receive under another id */

/* include/net/tcp_states.h: ABI (uapi bpf.h mirrors it); names from BTF win */
enum { ST_ESTABLISHED = 1, ST_SYN_SENT, ST_SYN_RECV, ST_FIN_WAIT1, ST_FIN_WAIT2, ST_TIME_WAIT,
       ST_CLOSE, ST_CLOSE_WAIT, ST_LAST_ACK, ST_LISTEN, ST_CLOSING, ST__N };

struct st_raw {
	uint64_t ts;
	uint32_t from, to;
	const char *fn;		/* ksyms' name: valid while ctx is */
};

struct life {
	bool seen, closed, tw;
	uint64_t sk;
	uint32_t netns;
	uint32_t gen;		/* listeners: which life of this sk */
	struct st_raw st[CONNS_STATES_MAX];
	uint8_t n;
	bool cut;
	uint64_t tw_ts;
	const char *tw_how;
	uint64_t srtt_n;
	uint32_t srtt_last, srtt_min, cwnd;
	/* listeners: the local endpoint */
	uint8_t addr[16];
	uint16_t port;
};

struct seg_raw {
	uint64_t ts, rx_ts, packet_id;
	bool sent, received;
	uint8_t dir, flags;
	uint32_t seq, ack, len_tx, len_rx, rx_netns;
	const char *sender, *receiver, *recv_ev;
	const char *path[PATH_MAX_FRAMES];
	uint8_t n_path;
};

struct conn_rec {
	uint32_t id;
	uint8_t family;
	uint8_t caddr[16], saddr[16];
	uint16_t cport, sport;
	uint32_t cisn, sisn;
	bool have_cisn, have_sisn;
	int32_t listener;	/* index in listeners, -1 */
	uint32_t listener_gen;
	struct life side[2];
	struct seg_raw *segs;
	size_t n, cap;
	uint64_t cut;
};

struct pkt {
	uint32_t conn;		/* 0: a segment of no followed connection */
	uint32_t seg;
};

struct link {
	uint32_t conn;
	uint8_t side;
};

struct conns_an {
	const struct report_ctx *ctx;
	struct report_ctx no_ctx;
	struct lru conns;	/* id -> conn_rec */
	struct u64map tuples;	/* tuple hash -> id of its latest connection */
	struct lru pkts;	/* packet id -> pkt */
	struct lru links;	/* sk -> link */
	struct lru pending;	/* sk -> life, not tied yet */
	struct life listeners[CONNS_LISTENERS_MAX];
	size_t n_listeners;
	uint32_t next_id, next_gen;
	uint32_t st[ST__N];	/* this trace's value of each state */
	uint64_t started, evicted, stray;
	size_t max;
	bool stacks, oom;
};

/* forget connection id (its segments too); conns.c */
void conns_drop(struct conns_an *c, uint32_t id, struct conn_rec *k);

#endif
