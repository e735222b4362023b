// SPDX-License-Identifier: GPL-2.0
/* The "packets" view (render/packets_out.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "common/json.h"
#include "render/latency_out.h"
#include "render/packets_out.h"
#include "trace/model.h"

const char *packets_tuple_str(const struct rr_tuple *t, char *buf, size_t len)
{
	size_t at;

	buf[0] = '\0';
	if (!t->valid)
		return buf;
	at = snprintf(buf, len, "%s", t->proto);
	if (at < len && t->src[0] && t->has_ports)
		at += snprintf(buf + at, len - at,
			       strchr(t->src, ':') ? " [%s]:%u → [%s]:%u" : " %s:%u → %s:%u", t->src,
			       t->sport, t->dst, t->dport);
	else if (at < len && t->src[0])
		at += snprintf(buf + at, len - at, " %s → %s", t->src, t->dst);
	if (at < len && t->tcp_flags[0])
		at += snprintf(buf + at, len - at, " [%s]", t->tcp_flags);
	if (at < len && t->ifname[0])
		snprintf(buf + at, len - at, " on %s", t->ifname);
	return buf;
}

void packets_print_text(FILE *out, const struct rr_journeys *j)
{
	char tuple[160], dt[32];

	if (!j->sampled) {
		fprintf(out, "packets: not sampled\n");
		return;
	}
	fprintf(out, "packets: %zu of %" PRIu64 " (the first %u closed, then dropped ones: up to %u"
		" of each reason, %u in all)\n", j->n_sample, j->packets, j->sample_first,
		j->sample_per_reason, j->sample_dropped);
	if (j->dropped_unsampled)
		fprintf(out, "  %" PRIu64 " more dropped packets are not in the sample\n",
			j->dropped_unsampled);
	for (size_t i = 0; i < j->n_sample; i++) {
		const struct rr_packet *p = &j->sample[i];
		uint64_t first = p->n_steps ? p->steps[0].ts : 0;

		fprintf(out, "\n  packet %" PRIu64 ": %s%s%s%s  %s\n", p->id, p->fate,
			p->reason ? " " : "", p->reason ? p->reason : "",
			p->partial ? " (first event not seen)" : "",
			packets_tuple_str(&p->tuple, tuple, sizeof(tuple)));
		for (size_t k = 0; k < p->n_steps; k++) {
			const struct rr_packet_step *s = &p->steps[k];

			fprintf(out, "    %14.6f  +%-9s %s\n", s->ts / 1e9,
				latency_fmt_ns(s->ts - first, dt, sizeof(dt)), ns_event_name(s->type));
		}
		if (p->cut)
			fprintf(out, "    ... more events than a journey keeps\n");
	}
}

void packets_print_json(struct json_writer *w, const struct rr_journeys *j)
{
	json_obj_begin(w);
	json_kv_bool(w, "sampled", j->sampled);
	json_kv_u64(w, "packets", j->packets);
	json_kv_u64(w, "sample_first", j->sample_first);
	json_kv_u64(w, "sample_dropped", j->sample_dropped);
	json_kv_u64(w, "sample_per_reason", j->sample_per_reason);
	json_kv_u64(w, "dropped_unsampled", j->dropped_unsampled);
	json_key(w, "sample");
	json_arr_begin(w);
	for (size_t i = 0; i < j->n_sample; i++) {
		const struct rr_packet *p = &j->sample[i];
		char tuple[160];

		json_obj_begin(w);
		json_kv_u64(w, "id", p->id);
		json_kv_str(w, "fate", p->fate);
		json_key(w, "reason");
		if (p->reason)
			json_str(w, p->reason);
		else
			json_null(w);
		json_kv_bool(w, "partial", p->partial);
		json_kv_bool(w, "cut", p->cut);
		json_kv_str(w, "selected", p->for_drop ? "dropped" : "first");
		json_kv_str(w, "packet", packets_tuple_str(&p->tuple, tuple, sizeof(tuple)));
		json_key(w, "steps");
		json_arr_begin(w);
		for (size_t k = 0; k < p->n_steps; k++) {
			json_obj_begin(w);
			json_kv_str(w, "event", ns_event_name(p->steps[k].type));
			json_kv_u64(w, "ts_ns", p->steps[k].ts);
			json_obj_end(w);
		}
		json_arr_end(w);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}
