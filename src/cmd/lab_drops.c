// SPDX-License-Identifier: GPL-2.0
/*
 * netscope lab drops: packets every layer must drop (the `drops` scenario:
 * a frame of an unknown ethertype, bad IP and TCP checksums, TTL 1 through
 * a router, closed TCP and UDP ports, a full receive buffer, a full accept
 * queue), each sent --count times, and for each: the drop reason the
 * kernel gave (named from BTF by the capture), where it was freed
 * (function+offset, and the source lines when an index is there), the
 * function's layer (data/layers.rules), the packet's journey up to the
 * drop, and the kernel counter that counted it, its delta beside the
 * trace's count.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/layer_rules.h"
#include "cmd/lab.h"
#include "common/json.h"
#include "index/explainer.h"

static const char *const original[] = {
	"(not in the reference study: issue 'netscope labs II', lab 3)",
	"dropwatch / perf record -e skb:kfree_skb, then nstat -az to find the counter of each drop",
	NULL,
};

/*
 * What the scenario sends (src/workload/drops.c) and what this kernel
 * (6.18) does with it, found by experiment; the report checks every row.
 * Reasons are the names of enum skb_drop_reason without the prefix, as the
 * capture reads them from BTF.  One counter per cause, in the namespace
 * that drops, chosen so that no other cause of the run moves it.
 */
static const struct drop_cause {
	const char *name, *sent;
	const char *reason;	/* enum skb_drop_reason, from BTF */
	const char *function;	/* that frees it (kfree_skb's location) */
	const char *set_in;	/* where the reason is chosen, when not there */
	const char *layer;	/* the layer of the cause */
	const char *ns, *group, *counter;	/* NULL group: no SNMP counter */
	const char *why;
} causes[] = {
	{ "unknown-ethertype", "Ethernet frames a -> b of ethertype 0x88b5 (AF_PACKET)",
	  "UNHANDLED_PROTO", "__netif_receive_skb_core", NULL, "device", "b", NULL, NULL,
	  "no packet_type handles the ethertype; the device counts it in rx_nohandler "
	  "(ip -s link), not in /proc/net/snmp: the lab has no snapshot of it" },
	{ "ip-bad-csum", "IPv4 datagrams b -> a whose header checksum is wrong (AF_PACKET)",
	  "IP_CSUM", "ip_rcv_core", NULL, "ip", "a", "IpExt", "InCsumErrors",
	  "ip_fast_csum() fails: IPSTATS_MIB_CSUMERRORS, then InHdrErrors too" },
	{ "ttl-expired", "UDP a -> 198.19.255.1 with TTL 1; b forwards it (ip_forward=1)",
	  "IP_INHDR", "ip_forward", NULL, "ip", "b", "Ip", "InHdrErrors",
	  "ttl <= 1: too_many_hops counts IPSTATS_MIB_INHDRERRORS and sends ICMP time "
	  "exceeded (rate limited: Icmp.OutTimeExcds counts fewer)" },
	{ "tcp-bad-csum", "TCP SYNs a -> b:9 with a wrong TCP checksum (raw socket)",
	  "TCP_CSUM", "tcp_v4_rcv", NULL, "tcp", "b", "Tcp", "InCsumErrors",
	  "veth keeps CHECKSUM_NONE, so tcp_v4_rcv verifies it: csum_error counts "
	  "TCP_MIB_CSUMERRORS (and InErrs)" },
	{ "tcp-closed-port", "connect() a -> b:9, where nothing listens",
	  "NO_SOCKET", "tcp_v4_rcv", NULL, "tcp", "b", "Tcp", "OutRsts",
	  "no socket: tcp_v4_send_reset answers each SYN (TCP_MIB_OUTRSTS); TCP has no "
	  "'no port' counter, the RST stands for it" },
	{ "udp-closed-port", "UDP datagrams a -> b:9, where nothing is bound",
	  "NO_SOCKET", "__udp4_lib_rcv", NULL, "udp", "b", "Udp", "NoPorts",
	  "no socket: UDP_MIB_NOPORTS and an ICMP port unreachable (rate limited)" },
	{ "socket-rcvbuf", "UDP datagrams a -> b:7070 to a socket with the smallest SO_RCVBUF, "
	  "never read", "SOCKET_RCVBUFF", "udp_queue_rcv_one_skb", NULL, "socket", "b", "Udp",
	  "RcvbufErrors", "__udp_enqueue_schedule_skb finds sk_rmem_alloc > sk_rcvbuf: "
	  "UDP_MIB_RCVBUFERRORS (and InErrors)" },
	{ "listen-overflow", "count+1 handshakes a -> b:7071 held in SYN_RECV (TCP_DEFER_ACCEPT), "
	  "backlog cut to 0, then one byte each", "TCP_LISTEN_OVERFLOW", "tcp_v4_rcv",
	  "tcp_check_req", "socket", "b", "TcpExt", "ListenOverflows",
	  "tcp_v4_syn_recv_sock finds the accept queue full (sk_acceptq_is_full): "
	  "LINUX_MIB_LISTENOVERFLOWS, and tcp_check_req sets the reason" },
};

#define N_CAUSES (sizeof(causes) / sizeof(causes[0]))

static const char *const record_args[] = { NULL };

/* function without its compiler clone suffix equals base */
static bool same_function(const char *function, const char *base)
{
	size_t n = strlen(base);

	return !strncmp(function, base, n) && (!function[n] || function[n] == '.');
}

/* drops of the cause in the trace, and its first location */
static uint64_t trace_count(const struct lab_run *r, const struct drop_cause *c,
			    const char **location)
{
	const struct rr_drops *d = &r->res->drops;
	uint64_t n = 0;

	*location = NULL;
	for (size_t i = 0; i < d->n_sites; i++) {
		if (strcmp(d->sites[i].reason, c->reason) ||
		    !same_function(d->sites[i].function, c->function))
			continue;
		n += d->sites[i].count;
		if (!*location)
			*location = d->sites[i].location;
	}
	return n;
}

/* the journey that ended in this cause's drop: same reason, and the protocol of its packets */
static const struct rr_sequence *journey(const struct lab_run *r, const struct drop_cause *c)
{
	const struct rr_journeys *j = &r->res->journeys;
	const char *proto = !strcmp(c->layer, "device") ? "eth" :
			    strstr(c->function, "udp") || !strcmp(c->name, "ttl-expired") ||
			    !strcmp(c->name, "ip-bad-csum") ? "UDP" : "TCP";

	for (size_t i = 0; i < j->n_seqs; i++) {
		const struct rr_sequence *s = &j->seqs[i];

		if (s->reason && !strcmp(s->reason, c->reason) && s->example.valid &&
		    !strncmp(s->example.proto, proto, strlen(proto)))
			return s;
	}
	return NULL;
}

/* ---- the source, when an index is there ---- */

struct source_lines {
	char where[128];	/* the function's definition */
	char set[160], set_text[160];	/* the line that names the reason */
	char freed[160], freed_text[160];	/* the first free after it */
};

static void trim(char *s)
{
	char *p = s;

	while (*p == ' ' || *p == '\t')
		p++;
	memmove(s, p, strlen(p) + 1);
	s[strcspn(s, "\n")] = 0;
}

/*
 * In the indexed tree, from the definition of function: the first line
 * naming the reason, and the first free (kfree_skb_reason, sk_skb_reason_drop)
 * at or after it, up to the function's closing brace.  A reading of the
 * source, not of the binary: inlining and another version may move lines.
 */
static bool scan_function(struct ix_explainer *ix, const char *function, const char *reason,
			  struct source_lines *sl, bool want_free)
{
	char *where = NULL, *summary = NULL, path[PATH_MAX + 160], line[512];
	unsigned long def, no = 0;
	bool found = false;
	char *colon;
	FILE *f;

	if (!ix_explainer_function(ix, function, &where, &summary))
		return false;
	if (!sl->where[0])
		snprintf(sl->where, sizeof(sl->where), "%s", where);
	colon = strrchr(where, ':');
	if (!colon)
		goto out;
	*colon = 0;
	def = strtoul(colon + 1, NULL, 10);
	snprintf(path, sizeof(path), "%s/%s", ix->meta.tree, where);
	f = fopen(path, "r");
	if (!f)
		goto out;
	while (fgets(line, sizeof(line), f)) {
		if (++no < def)
			continue;
		if (no > def && line[0] == '}')
			break;
		if (!found && strstr(line, reason) && strlen(reason) > 3) {
			const char *p = strstr(line, reason);

			/* the whole name: NO_SOCKET, not NO_SOCKET_FOO */
			if (p[strlen(reason)] == '_' || (p > line && p[-1] != '_' && p[-1] != ' ' &&
							 p[-1] != '(' && p[-1] != ','))
				continue;
			snprintf(sl->set, sizeof(sl->set), "%s:%lu", where, no);
			snprintf(sl->set_text, sizeof(sl->set_text), "%.150s", line);
			trim(sl->set_text);
			found = true;
		}
		if (want_free && found && (strstr(line, "kfree_skb_reason(") ||
					   strstr(line, "sk_skb_reason_drop("))) {
			snprintf(sl->freed, sizeof(sl->freed), "%s:%lu", where, no);
			snprintf(sl->freed_text, sizeof(sl->freed_text), "%.150s", line);
			trim(sl->freed_text);
			break;
		}
	}
	fclose(f);
out:
	free(where);
	free(summary);
	return found;
}

static void source_of(struct ix_explainer *ix, bool have_ix, const struct drop_cause *c,
		      struct source_lines *sl)
{
	memset(sl, 0, sizeof(*sl));
	if (!have_ix)
		return;
	if (c->set_in) {
		scan_function(ix, c->set_in, c->reason, sl, false);
		/* the free is in the caller: its first free after the label that frees */
		struct source_lines fl = { 0 };

		scan_function(ix, c->function, "discard_and_relse:", &fl, true);
		snprintf(sl->freed, sizeof(sl->freed), "%s", fl.freed);
		snprintf(sl->freed_text, sizeof(sl->freed_text), "%s", fl.freed_text);
		return;
	}
	scan_function(ix, c->function, c->reason, sl, true);
}

static const char *verdict(const struct counters_row *row, const struct drop_cause *c, uint64_t n,
			   uint64_t sent)
{
	if (!c->group)
		return "no SNMP counter";
	if (!row)
		return "counter not in the snapshots";
	if (row->delta == (int64_t)n && n == sent)
		return "matches";
	if (row->delta == (int64_t)n)
		return "matches the trace (not what was sent: see the journey)";
	return "differs";
}

static uint64_t sent_each(const struct lab_run *r)
{
	return r->o->count ? r->o->count : r->lab->count;
}

static int drops_text(const struct lab_run *r, FILE *out)
{
	struct layer_rules *rules = layer_rules__builtin(NULL, 0);
	struct ix_explainer ix = { 0 };
	bool have_ix = !ix_explainer_open(&ix, NULL, r->res->capture.kernel, false);
	uint64_t sent = sent_each(r), explained = 0;
	int ret = 0;

	lab_heading(out, "The drops, one cause at a time");
	fprintf(out, "each cause sent %" PRIu64 " times; reasons as this kernel's BTF names them "
		     "(enum skb_drop_reason)\n", sent);
	if (have_ix)
		fprintf(out, "source lines from %s%s%s\n", ix.source, ix.note[0] ? "\n  !! " : "",
			ix.note);
	else
		fprintf(out, "no source index: function+offset only (`netscope index build` makes one;"
			     " `netscope source fetch` first)\n");
	for (size_t i = 0; i < N_CAUSES; i++) {
		const struct drop_cause *c = &causes[i];
		const struct counters_row *row = c->group ? lab_counter(r, c->ns, c->group, c->counter) :
							     NULL;
		const struct rr_sequence *s = journey(r, c);
		const char *loc;
		uint64_t n = trace_count(r, c, &loc);
		struct source_lines sl;

		source_of(&ix, have_ix, c, &sl);
		fprintf(out, "\n%zu. %s (%s layer)\n", i + 1, c->name, c->layer);
		fprintf(out, "   sent:     %s\n", c->sent);
		fprintf(out, "   reason:   %s (%" PRIu64 " drops%s)\n", c->reason, n,
			n ? "" : ": expected, not seen");
		fprintf(out, "   where:    %s in namespace %s, layer %s by data/layers.rules\n",
			loc ? loc : c->function, c->ns,
			rules ? ns_layer_name(layer_rules__classify(rules, c->function)) : "?");
		if (sl.where[0])
			fprintf(out, "             %s defined at %s\n", c->function, sl.where);
		if (have_ix && !sl.set[0])
			fprintf(out, "             (the index has no line naming %s in %s)\n", c->reason,
				c->set_in ? c->set_in : c->function);
		if (sl.set[0])
			fprintf(out, "             reason set %s%s at %s: %s\n", c->set_in ? "in " : "",
				c->set_in ? c->set_in : "", sl.set, sl.set_text);
		if (sl.freed[0])
			fprintf(out, "             freed at %s: %s\n", sl.freed, sl.freed_text);
		fprintf(out, "   journey:  ");
		if (s) {
			for (size_t k = 0; k < s->n_steps; k++)
				fprintf(out, "%s%s", k ? " → " : "", ns_event_name(s->steps[k]));
			fprintf(out, " (%" PRIu64 " packets, e.g. %s %s%s%s)\n", s->count,
				s->example.proto, s->example.src, s->example.dst[0] ? " → " : "",
				s->example.dst);
		} else {
			fprintf(out, "(no journey ended in %s)\n", c->reason);
		}
		if (c->group && row)
			fprintf(out, "   counter:  %s %s.%s %+" PRId64 " beside %" PRIu64 " in the trace: %s\n",
				c->ns, c->group, c->counter, row->delta, n, verdict(row, c, n, sent));
		else
			fprintf(out, "   counter:  %s\n", verdict(row, c, n, sent));
		fprintf(out, "             %s\n", c->why);
		if (n == sent)
			explained++;
	}
	fprintf(out, "\n%" PRIu64 " of %zu causes dropped exactly as often as sent\n", explained,
		N_CAUSES);
	lab_heading(out, "Every drop of the run");
	for (size_t i = 0; i < r->res->drops.n_sites; i++) {
		const struct rr_drop_site *d = &r->res->drops.sites[i];
		const char *cause = "(a side effect: not one of the causes)";

		for (size_t k = 0; k < N_CAUSES; k++)
			if (!strcmp(d->reason, causes[k].reason) &&
			    same_function(d->function, causes[k].function))
				cause = causes[k].name;
		fprintf(out, "  %6" PRIu64 "  %-20s %-40s %s\n", d->count, d->reason, d->location, cause);
	}
	fprintf(out, "  (NOT_SPECIFIED at tcp_v4_rcv: the bare ACKs TCP_DEFER_ACCEPT ignores, "
		     "tcp_check_req)\n");
	if (have_ix)
		ix_explainer_close(&ix);
	layer_rules__free(rules);
	return ret;
}

static void drops_json(const struct lab_run *r, struct json_writer *w)
{
	struct layer_rules *rules = layer_rules__builtin(NULL, 0);
	struct ix_explainer ix = { 0 };
	bool have_ix = !ix_explainer_open(&ix, NULL, r->res->capture.kernel, false);
	uint64_t sent = sent_each(r);

	json_kv_u64(w, "sent_each", sent);
	json_key(w, "source");
	if (have_ix)
		json_str(w, ix.source);
	else
		json_null(w);
	json_key(w, "causes");
	json_arr_begin(w);
	for (size_t i = 0; i < N_CAUSES; i++) {
		const struct drop_cause *c = &causes[i];
		const struct counters_row *row = c->group ? lab_counter(r, c->ns, c->group, c->counter) :
							     NULL;
		const struct rr_sequence *s = journey(r, c);
		const char *loc;
		uint64_t n = trace_count(r, c, &loc);
		struct source_lines sl;

		source_of(&ix, have_ix, c, &sl);
		json_obj_begin(w);
		json_kv_str(w, "name", c->name);
		json_kv_str(w, "sent", c->sent);
		json_kv_str(w, "layer", c->layer);
		json_kv_str(w, "function_layer",
			    rules ? ns_layer_name(layer_rules__classify(rules, c->function)) : "");
		json_kv_str(w, "reason", c->reason);
		json_kv_u64(w, "trace_count", n);
		json_kv_str(w, "function", c->function);
		json_key(w, "location");
		loc ? json_str(w, loc) : json_null(w);
		json_kv_str(w, "namespace", c->ns);
		json_key(w, "source");
		if (sl.where[0]) {
			json_obj_begin(w);
			json_kv_str(w, "defined", sl.where);
			json_kv_str(w, "reason_set", sl.set);
			json_kv_str(w, "reason_set_text", sl.set_text);
			json_kv_str(w, "freed", sl.freed);
			json_kv_str(w, "freed_text", sl.freed_text);
			json_obj_end(w);
		} else {
			json_null(w);
		}
		json_key(w, "journey");
		if (s) {
			json_obj_begin(w);
			json_key(w, "steps");
			json_arr_begin(w);
			for (size_t k = 0; k < s->n_steps; k++)
				json_str(w, ns_event_name(s->steps[k]));
			json_arr_end(w);
			json_kv_u64(w, "packets", s->count);
			json_kv_str(w, "proto", s->example.proto);
			json_kv_str(w, "src", s->example.src);
			json_kv_str(w, "dst", s->example.dst);
			json_obj_end(w);
		} else {
			json_null(w);
		}
		json_key(w, "counter");
		if (c->group) {
			json_obj_begin(w);
			json_kv_str(w, "namespace", c->ns);
			json_kv_str(w, "group", c->group);
			json_kv_str(w, "name", c->counter);
			json_key(w, "delta");
			row ? json_i64(w, row->delta) : json_null(w);
			json_obj_end(w);
		} else {
			json_null(w);
		}
		json_kv_str(w, "verdict", verdict(row, c, n, sent));
		json_kv_str(w, "why", c->why);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "all_drops");
	json_arr_begin(w);
	for (size_t i = 0; i < r->res->drops.n_sites; i++) {
		const struct rr_drop_site *d = &r->res->drops.sites[i];

		json_obj_begin(w);
		json_kv_str(w, "reason", d->reason);
		json_kv_str(w, "location", d->location);
		json_kv_u64(w, "count", d->count);
		json_obj_end(w);
	}
	json_arr_end(w);
	if (have_ix)
		ix_explainer_close(&ix);
	layer_rules__free(rules);
}

static const char *const next[] = {
	"netscope callers sk_skb_reason_drop         every place a reason is given",
	"netscope where tcp_check_req                where TCP_LISTEN_OVERFLOW is chosen",
	"netscope struct sk_buff                     what a drop frees",
	NULL,
};

const struct capture_lab lab_drops = {
	.name = "drops",
	.title = "a drop in every layer: reason, place, journey and counter",
	.summary = "8 causes of drops, each --count times: reason, location, layer, counter delta",
	.experiment = "-",
	.original = original,
	.scenario = "drops",
	.record_args = record_args,
	.events = "default",
	.count = 5,
	.duration = 10,
	.sample_hz = 0,
	.funcs = "*",
	.depth = 12,
	.text = drops_text,
	.json = drops_json,
	.next = next,
};
