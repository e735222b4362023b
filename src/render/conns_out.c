// SPDX-License-Identifier: GPL-2.0
/* The "conns" view: a ladder per connection, its segments and sockets, from the result only. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "render/conns_out.h"

#define ARROW_W 44	/* columns of an arrow: the ladder fits 100 with its note */
#define NOTE_W 44

static double ms(int64_t ns)
{
	return (double)ns / 1e6;
}

/* columns of a UTF-8 string (box drawing and arrows are one column each) */
static size_t cols(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void repeat(FILE *out, const char *s, size_t n)
{
	while (n--)
		fputs(s, out);
}

static void seg_label(const struct conn_segment *s, char *buf, size_t len)
{
	size_t at = snprintf(buf, len, "%s seq=%" PRIu32, s->flags_str, s->seq);

	if (s->flags & 0x10)
		at += snprintf(buf + at, len - at, " ack=%" PRIu32, s->ack);
	if (s->payload > 0 && at < len)
		snprintf(buf + at, len - at, " len=%" PRId64, s->payload);
}

static void arrow(FILE *out, const struct conn_segment *s)
{
	char label[64];
	size_t n;

	seg_label(s, label, sizeof(label));
	n = cols(label) + 2;
	if (s->dir == CONN_C2S) {
		fprintf(out, "──%s ", label);
		repeat(out, "─", n + 3 < ARROW_W ? ARROW_W - n - 3 : 0);
		fputs(">", out);
	} else {
		fputs("<", out);
		repeat(out, "─", n + 3 < ARROW_W ? ARROW_W - n - 3 : 0);
		fprintf(out, " %s──", label);
	}
}

static void note(FILE *out, const struct conn_segment *s)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "%s → %s", s->sender ? s->sender : "-",
		 s->receiver ? s->receiver : "-");
	if (cols(buf) > NOTE_W)
		snprintf(buf + NOTE_W - 3, sizeof(buf) - NOTE_W + 3, "...");
	fprintf(out, "  %s", buf);
}

/* a state change on the ladder: the client's at the left, the others at the right */
static void state_line(FILE *out, enum conn_side side, const struct conn_state *st,
		       const struct conn_sock *s)
{
	bool tw = s->time_wait && s->time_wait_ns == st->t_ns;
	char buf[64];

	fprintf(out, "%9.3f  ", ms(st->t_ns));
	if (side == CONN_CLIENT) {
		fprintf(out, "%s%s\n", st->to, tw ? " (TIME_WAIT)" : "");
		return;
	}
	snprintf(buf, sizeof(buf), "%s%s%s", side == CONN_LISTENER ? "listener " : "", st->to,
		 tw ? " (TIME_WAIT)" : "");
	fprintf(out, "%*s\n", ARROW_W, buf);
}

static void ladder(FILE *out, const struct conn *k)
{
	size_t si[CONN_SIDE__COUNT] = { 0 }, g = 0;
	char l[80], r[80];

	snprintf(l, sizeof(l), "client %s", k->client);
	snprintf(r, sizeof(r), "server %s", k->server);
	int gap = (int)(ARROW_W - 1 - strlen(l));

	if (gap < (int)strlen(r) + 2)
		gap = (int)strlen(r) + 2;
	fprintf(out, "%9s  %s%*s\n", "t(ms)", l, gap, r);
	for (;;) {
		int best = -1;
		int64_t t = INT64_MAX;

		for (int s = 0; s < CONN_SIDE__COUNT; s++)
			if (si[s] < k->side[s].n_states && k->side[s].states[si[s]].t_ns < t) {
				t = k->side[s].states[si[s]].t_ns;
				best = s;
			}
		if (g < k->n_segs && k->segs[g].t_ns <= t) {
			fprintf(out, "%9.3f  ", ms(k->segs[g].t_ns));
			arrow(out, &k->segs[g]);
			note(out, &k->segs[g]);
			fputc('\n', out);
			g++;
			continue;
		}
		if (best < 0)
			break;
		state_line(out, best, &k->side[best].states[si[best]], &k->side[best]);
		si[best]++;
	}
}

static void segments_table(FILE *out, const struct conn *k)
{
	fprintf(out, "  %3s %9s %9s %3s %-9s %10s %10s %5s %7s  %-24s %s\n", "#", "sent(ms)",
		"recv(ms)", "dir", "flags", "seq", "ack", "len", "payload", "sent by", "received by");
	for (size_t i = 0; i < k->n_segs; i++) {
		const struct conn_segment *s = &k->segs[i];
		char sent[24] = "-", recv[24] = "-", ack[24] = "-", pay[24] = "?";

		if (s->sent)
			snprintf(sent, sizeof(sent), "%.3f", ms(s->t_ns));
		if (s->received)
			snprintf(recv, sizeof(recv), "%.3f", ms(s->rx_ns));
		if (s->flags & 0x10)
			snprintf(ack, sizeof(ack), "%" PRIu32, s->ack);
		if (s->payload >= 0)
			snprintf(pay, sizeof(pay), "%" PRId64, s->payload);
		fprintf(out, "  %3zu %9s %9s %3s %-9s %10" PRIu32 " %10s %5" PRIu32 " %7s  %-24s %s",
			i + 1, sent, recv, s->dir == CONN_C2S ? "c→s" : "s→c", s->flags_str, s->seq,
			ack, s->len, pay, s->sender ? s->sender : "-", s->receiver ? s->receiver : "-");
		if (s->receiver_event)
			fprintf(out, " (%s)", s->receiver_event);
		fputc('\n', out);
	}
	if (k->segs_cut)
		fprintf(out, "  ... %" PRIu64 " more segments not kept\n", k->segs_cut);
}

static void sock_text(FILE *out, enum conn_side side, const struct conn_sock *s,
		      const struct conn *k)
{
	if (!s->seen) {
		fprintf(out, "  %s socket: no state change seen\n", conn_side_name(side));
		return;
	}
	fprintf(out, "  %s socket (sk 0x%" PRIx64 ", namespace %s)", conn_side_name(side), s->sk,
		s->label[0] ? s->label : "?");
	if (s->closed)
		fprintf(out, ": lived %.3f ms, %s at %.3f to CLOSE at %.3f\n", ms(s->last_ns - s->first_ns),
			s->states[0].to, ms(s->first_ns), ms(s->last_ns));
	else
		fprintf(out, ": from %s at %.3f ms, still open when the trace ended\n",
			s->states[0].to, ms(s->first_ns));
	for (size_t i = 0; i < s->n_states; i++)
		fprintf(out, "    %9.3f  %-12s → %-12s %s\n", ms(s->states[i].t_ns), s->states[i].from,
			s->states[i].to, s->states[i].function ? s->states[i].function : "");
	if (s->states_cut)
		fprintf(out, "    ... more changes not kept\n");
	if (s->srtt_samples)
		fprintf(out, "    srtt (tcp_probe, the kernel's smoothed RTT): last %" PRIu32
			" µs, min %" PRIu32 " µs over %" PRIu64 " samples; cwnd %" PRIu32 "\n",
			s->srtt_last_us, s->srtt_min_us, s->srtt_samples, s->cwnd_last);
	else if (side != CONN_LISTENER)
		fprintf(out, "    srtt: no tcp_probe on this socket (it fires in tcp_rcv_established)\n");
	if (s->time_wait)
		fprintf(out, "    TIME_WAIT at %.3f ms (%s): tcp_time_wait() gave the connection to a "
			"timewait sock\n      (inet_twsk_alloc, no tracepoint: the tracepoint shows %s → "
			"CLOSE of the full sock); it lives\n      TCP_TIMEWAIT_LEN (60 s) after, beyond "
			"this trace\n", ms(s->time_wait_ns),
			!strcmp(s->time_wait_how, "stack") ? "tcp_time_wait on the stack" :
			"FIN_WAIT2/CLOSING -> CLOSE not by a RST",
			s->n_states ? s->states[s->n_states - 1].from : "?");
	(void)k;
}

void conns_print_conn(FILE *out, const struct conn *k)
{
	fprintf(out, "connection %s → %s (client ISN %" PRIu32 ", server ISN %" PRIu32
		"; seq/ack below are relative to them)\n\n", k->client, k->server, k->client_isn,
		k->server_isn);
	ladder(out, k);
	fprintf(out, "\nsegments (len: skb->len at the receive entry, IP + TCP header + payload; "
		     "payload from seq/ack):\n");
	segments_table(out, k);
	fprintf(out, "\nsockets:\n");
	for (int s = 0; s < CONN_SIDE__COUNT; s++)
		sock_text(out, s, &k->side[s], k);
}

static void states_line(FILE *out, const struct conn_sock *s)
{
	if (!s->seen) {
		fputs("-", out);
		return;
	}
	fputs(s->states[0].from, out);
	for (size_t i = 0; i < s->n_states; i++)
		fprintf(out, ">%s", s->states[i].to);
}

void conns_print_line(FILE *out, const struct conn *k)
{
	fprintf(out, "  %s → %s: %zu segments, client ", k->client, k->server, k->n_segs);
	states_line(out, &k->side[CONN_CLIENT]);
	fputs(", server ", out);
	states_line(out, &k->side[CONN_SERVER]);
	if (k->side[CONN_CLIENT].srtt_samples || k->side[CONN_SERVER].srtt_samples)
		fprintf(out, ", srtt %" PRIu32 "/%" PRIu32 " µs", k->side[CONN_CLIENT].srtt_last_us,
			k->side[CONN_SERVER].srtt_last_us);
	fputc('\n', out);
}

void conns_print_text(FILE *out, const struct conns_result *r, unsigned int top)
{
	if (top == UINT_MAX)
		top = 0;
	fprintf(out, "TCP connections: %zu followed, %" PRIu64 " started in the trace\n", r->n,
		r->started);
	for (size_t i = 0; i < r->n; i++) {
		if (top && i >= top) {
			conns_print_line(out, &r->conns[i]);
			continue;
		}
		fputc('\n', out);
		conns_print_conn(out, &r->conns[i]);
		if (top && i + 1 == top && r->n > top)
			fprintf(out, "\nthe other %zu connections:\n", r->n - top);
	}
	if (!r->stacks && r->n)
		fprintf(out, "no event carried a stack: sending and receiving functions unknown "
			     "(record with --stack-policy sampled or all)\n");
	if (r->stray)
		fprintf(out, "%" PRIu64 " TCP segments of connections whose SYN the trace does not "
			"have: not shown\n", r->stray);
	if (r->evicted)
		fprintf(out, "warning: %" PRIu64 " connections evicted: more than %zu followed at once\n",
			r->evicted, r->conns_max);
}

static void sock_json(struct json_writer *w, const struct conn_sock *s)
{
	if (!s->seen) {
		json_null(w);
		return;
	}
	json_obj_begin(w);
	json_kv_u64(w, "sk", s->sk);
	json_kv_u64(w, "netns", s->netns);
	json_kv_str(w, "label", s->label);
	json_key(w, "states");
	json_arr_begin(w);
	for (size_t i = 0; i < s->n_states; i++) {
		json_obj_begin(w);
		json_kv_i64(w, "t_ns", s->states[i].t_ns);
		json_kv_str(w, "from", s->states[i].from);
		json_kv_str(w, "to", s->states[i].to);
		json_key(w, "function");
		s->states[i].function ? json_str(w, s->states[i].function) : json_null(w);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_kv_bool(w, "states_cut", s->states_cut);
	json_kv_bool(w, "closed", s->closed);
	json_kv_i64(w, "first_ns", s->first_ns);
	json_kv_i64(w, "last_ns", s->last_ns);
	json_kv_i64(w, "lifetime_ns", s->last_ns - s->first_ns);
	json_key(w, "time_wait");
	if (s->time_wait) {
		json_obj_begin(w);
		json_kv_i64(w, "t_ns", s->time_wait_ns);
		json_kv_str(w, "how", s->time_wait_how);
		json_obj_end(w);
	} else {
		json_null(w);
	}
	json_key(w, "srtt");
	if (s->srtt_samples) {
		json_obj_begin(w);
		json_kv_u64(w, "samples", s->srtt_samples);
		json_kv_u64(w, "last_us", s->srtt_last_us);
		json_kv_u64(w, "min_us", s->srtt_min_us);
		json_kv_u64(w, "cwnd", s->cwnd_last);
		json_obj_end(w);
	} else {
		json_null(w);
	}
	json_obj_end(w);
}

static void opt_str(struct json_writer *w, const char *key, const char *v)
{
	json_key(w, key);
	v ? json_str(w, v) : json_null(w);
}

void conns_conn_json(struct json_writer *w, const struct conn *k)
{
	json_obj_begin(w);
	json_kv_str(w, "client", k->client);
	json_kv_str(w, "server", k->server);
	json_kv_u64(w, "client_isn", k->client_isn);
	json_kv_u64(w, "server_isn", k->server_isn);
	json_kv_u64(w, "first_ts", k->first_ts);
	json_key(w, "segments");
	json_arr_begin(w);
	for (size_t i = 0; i < k->n_segs; i++) {
		const struct conn_segment *s = &k->segs[i];

		json_obj_begin(w);
		json_kv_i64(w, "t_ns", s->t_ns);
		json_key(w, "rx_ns");
		s->received ? json_i64(w, s->rx_ns) : json_null(w);
		json_kv_bool(w, "sent", s->sent);
		json_kv_bool(w, "received", s->received);
		json_kv_str(w, "dir", s->dir == CONN_C2S ? "c2s" : "s2c");
		json_kv_str(w, "flags", s->flags_str);
		json_kv_bool(w, "relative", s->rel);
		json_kv_u64(w, "seq", s->seq);
		json_key(w, "ack");
		(s->flags & 0x10) ? json_u64(w, s->ack) : json_null(w);
		json_kv_u64(w, "seq_raw", s->seq_raw);
		json_kv_u64(w, "ack_raw", s->ack_raw);
		json_kv_u64(w, "len", s->len);
		json_key(w, "payload");
		s->payload >= 0 ? json_i64(w, s->payload) : json_null(w);
		json_kv_u64(w, "packet_id", s->packet_id);
		opt_str(w, "sender", s->sender);
		opt_str(w, "sender_path", s->sender_path);
		opt_str(w, "receiver", s->receiver);
		opt_str(w, "receiver_event", s->receiver_event);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_kv_u64(w, "segments_cut", k->segs_cut);
	for (int s = 0; s < CONN_SIDE__COUNT; s++) {
		json_key(w, conn_side_name(s));
		sock_json(w, &k->side[s]);
	}
	json_obj_end(w);
}

void conns_print_json(struct json_writer *w, const struct conns_result *r)
{
	json_obj_begin(w);
	json_key(w, "connections");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n; i++)
		conns_conn_json(w, &r->conns[i]);
	json_arr_end(w);
	json_kv_u64(w, "started", r->started);
	json_kv_u64(w, "evicted", r->evicted);
	json_kv_u64(w, "conns_max", r->conns_max);
	json_kv_u64(w, "stray_segments", r->stray);
	json_kv_bool(w, "stacks", r->stacks);
	json_obj_end(w);
}
