// SPDX-License-Identifier: GPL-2.0
/* The "skb-memory" view: packet memory, text or JSON. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "render/latency_out.h"
#include "render/skbmem_out.h"
#include "trace/model.h"

const char *skbmem_kind_name(enum skbmem_kind k)
{
	static const char *const names[] = { "skb", "data", "page", "other" };

	return k < SKBMEM_KINDS ? names[k] : "?";
}

static void life_line(FILE *out, const char *label, const struct skbmem_life *l)
{
	char a[16], b[16], c[16], d[16];

	fprintf(out, "  %-28s n=%-8" PRIu64, label, l->count);
	if (l->count)
		fprintf(out, " p50 %-8s p90 %-8s p99 %-8s max %s", latency_fmt_ns(l->p50_ns, a, sizeof(a)),
			latency_fmt_ns(l->p90_ns, b, sizeof(b)), latency_fmt_ns(l->p99_ns, c, sizeof(c)),
			latency_fmt_ns(l->max_ns, d, sizeof(d)));
	fputc('\n', out);
}

/* powers of two from the first to the last that holds a value */
static void life_bars(FILE *out, const struct skbmem_life *l)
{
	uint64_t most = 0;
	int lo = 65, hi = -1;

	for (int p = 0; p < 65; p++) {
		if (!l->by_pow2[p])
			continue;
		lo = p < lo ? p : lo;
		hi = p;
		most = l->by_pow2[p] > most ? l->by_pow2[p] : most;
	}
	for (int p = lo; p <= hi && most; p++) {
		char from[16];
		int width = (int)(l->by_pow2[p] * 40 / most), q = p;

		/* a run of empty powers is one line */
		while (q + 1 <= hi && !l->by_pow2[q] && !l->by_pow2[q + 1])
			q++;
		if (q > p) {
			char to[16];

			fprintf(out, "    >= %-8s %8d (up to %s)\n", latency_fmt_ns(1ull << (p - 1), from, sizeof(from)),
				0, latency_fmt_ns(1ull << q, to, sizeof(to)));
			p = q;
			continue;
		}
		latency_fmt_ns(p ? 1ull << (p - 1) : 0, from, sizeof(from));
		fprintf(out, "    >= %-8s %8" PRIu64 " %.*s\n", from, l->by_pow2[p], width,
			"########################################");
	}
}

void skbmem_print_text(FILE *out, const struct skbmem_result *r, unsigned int top)
{
	size_t rows = top && top != UINT_MAX ? top : SIZE_MAX;
	char age[16];

	fprintf(out, "skb memory\n");
	if (!r->have_kmem) {
		fprintf(out, "  the trace has no kmem events: record with --events default,kmem\n"
			     "  (netscope record -o F --scenario handshake --events default,kmem)\n");
		return;
	}
	fprintf(out, "  slab: %" PRIu64 " allocations, %" PRIu64 " frees; %" PRIu64 " bytes requested, "
		     "%" PRIu64 " allocated (slack %" PRIu64 ")\n", r->allocs, r->frees, r->bytes_req,
		r->bytes_alloc, r->bytes_alloc - (r->bytes_req < r->bytes_alloc ? r->bytes_req : r->bytes_alloc));
	fprintf(out, "  pages: %" PRIu64 " page-frag allocations, %" PRIu64 " frees\n", r->page_allocs,
		r->page_frees);
	if (r->frees_unmatched || r->realloc_unfreed || r->records_dropped)
		fprintf(out, "  %" PRIu64 " frees of unseen allocations, %" PRIu64 " addresses allocated "
			     "again without a free, %" PRIu64 " allocations past the analysis's cap\n",
			r->frees_unmatched, r->realloc_unfreed, r->records_dropped);

	fprintf(out, "\nby cache and call site\n");
	if (r->fclone_merged[0])
		fprintf(out, "  (SLUB merged skbuff_fclone_cache into slab %s, shared with other caches: its "
			     "allocations are told by their call site, __alloc_skb, not by the cache)\n",
			r->fclone_merged);
	fprintf(out, "  %8s %8s %6s %10s %10s %6s %8s %8s  %-20s %s\n", "allocs", "frees", "alive",
		"requested", "allocated", "slack%", "softirq", "task", "cache", "call site");
	for (size_t i = 0; i < r->n_sites && i < rows; i++) {
		const struct skbmem_site *s = &r->sites[i];
		double slack = s->bytes_alloc ? 100.0 * (double)(s->bytes_alloc - (s->bytes_req < s->bytes_alloc ?
						 s->bytes_req : s->bytes_alloc)) / s->bytes_alloc : 0;

		fprintf(out, "  %8" PRIu64 " %8" PRIu64 " %6" PRIu64 " %10" PRIu64 " %10" PRIu64
			     " %6.1f %8" PRIu64 " %8" PRIu64 "  %-20s %s (%s)\n", s->allocs, s->frees,
			s->alive, s->bytes_req, s->bytes_alloc, slack, s->by_ctx[NS_CTX_SOFTIRQ],
			s->by_ctx[NS_CTX_TASK], s->cache, s->function, skbmem_kind_name(s->kind));
	}
	if (r->n_sites > rows)
		fprintf(out, "  ... %zu more rows (--top N)\n", r->n_sites - rows);

	fprintf(out, "\nGFP flags by context%s\n", r->have_gfp_names ? " (names from the traced kernel's "
			  "kmem format file)" : " (the trace has no flag table: hex)");
	for (size_t i = 0; i < r->n_gfp; i++) {
		const struct skbmem_gfp *g = &r->gfp[i];

		fprintf(out, "  %-8s %8" PRIu64 "  %-48s %s\n", g->ctx, g->count, g->flags,
			g->may_sleep == 1 ? "may sleep" : g->may_sleep == 0 ? "atomic (cannot sleep)" : "");
	}
	for (int c = 0; c < 5; c++)
		if (r->ctx_sleep[c] || r->ctx_atomic[c])
			fprintf(out, "  %s context: %" PRIu64 " atomic, %" PRIu64 " may sleep\n",
				ns_ctx_name(c), r->ctx_atomic[c], r->ctx_sleep[c]);

	fprintf(out, "\npackets and their allocations\n");
	fprintf(out, "  %" PRIu64 " packets: %" PRIu64 " at an sk_buff allocation, %" PRIu64
		     " the second sk_buff of an fclone, %" PRIu64 " not linked; %" PRIu64
		     " with their data (head) allocation\n", r->packets, r->linked_skb, r->linked_fclone,
		r->unlinked, r->linked_head);
	if (r->n_unlinked_ids) {
		fprintf(out, "  not linked:");
		for (size_t i = 0; i < r->n_unlinked_ids; i++)
			fprintf(out, " #%" PRIu64 " (%s)", r->unlinked_ids[i], r->unlinked_event[i]);
		fprintf(out, "%s\n", r->unlinked > r->n_unlinked_ids ? " ..." : "");
	}
	fprintf(out, "  clones: %" PRIu64 " sk_buffs allocated by skb_clone, %" PRIu64
		     " fclone allocations, %" PRIu64 " packets on an fclone's second sk_buff\n",
		r->clone_allocs, r->fclone_allocs, r->linked_fclone);
	for (size_t i = 0; i < r->n_examples; i++) {
		const struct skbmem_example *x = &r->examples[i];
		char a[16], b[16];

		fprintf(out, "  #%-6" PRIu64 " %s %s at %s (%s, %s) → +%s %s", x->packet_id, x->link,
			x->cache, x->function, x->ctx, x->gfp,
			latency_fmt_ns(x->to_first_ns, a, sizeof(a)), x->first_event);
		if (x->ended)
			fprintf(out, " → +%s %s", latency_fmt_ns(x->to_end_ns, b, sizeof(b)), x->end_event);
		else
			fprintf(out, " → (no end event)");
		if (x->mem_freed)
			fprintf(out, ", sk_buff freed +%s\n", latency_fmt_ns(x->to_mem_free_ns, b, sizeof(b)));
		else
			fprintf(out, ", sk_buff not freed in the trace\n");
	}

	fprintf(out, "\nlifetimes\n");
	life_line(out, "packet: alloc → free/consume", &r->packet_life);
	life_bars(out, &r->packet_life);
	for (int k = 0; k < SKBMEM_KINDS; k++) {
		char label[40];

		snprintf(label, sizeof(label), "%s: alloc → kmem free", skbmem_kind_name(k));
		if (r->life[k].count)
			life_line(out, label, &r->life[k]);
	}
	fprintf(out, "\nalive at the end: %" PRIu64 " allocations, %" PRIu64 " bytes", r->alive,
		r->alive_bytes);
	if (r->alive)
		fprintf(out, "; oldest %s; %" PRIu64 " of them of packets that ended (returned where no "
			     "tracepoint sees: the NAPI skb cache, a bulk free)",
			latency_fmt_ns(r->alive_oldest_ns, age, sizeof(age)), r->alive_ended);
	fputc('\n', out);
}

static void life_json(struct json_writer *w, const char *key, const struct skbmem_life *l)
{
	json_key(w, key);
	json_obj_begin(w);
	json_kv_u64(w, "count", l->count);
	json_kv_u64(w, "min_ns", l->min_ns);
	json_kv_u64(w, "p50_ns", l->p50_ns);
	json_kv_u64(w, "p90_ns", l->p90_ns);
	json_kv_u64(w, "p99_ns", l->p99_ns);
	json_kv_u64(w, "max_ns", l->max_ns);
	json_obj_end(w);
}

void skbmem_print_json(struct json_writer *w, const struct skbmem_result *r)
{
	json_obj_begin(w);
	json_kv_bool(w, "have_kmem", r->have_kmem);
	json_kv_bool(w, "gfp_names", r->have_gfp_names);
	json_key(w, "fclone_merged_into");
	r->fclone_merged[0] ? json_str(w, r->fclone_merged) : json_null(w);
	json_kv_u64(w, "allocs", r->allocs);
	json_kv_u64(w, "frees", r->frees);
	json_kv_u64(w, "page_allocs", r->page_allocs);
	json_kv_u64(w, "page_frees", r->page_frees);
	json_kv_u64(w, "bytes_req", r->bytes_req);
	json_kv_u64(w, "bytes_alloc", r->bytes_alloc);
	json_kv_u64(w, "frees_unmatched", r->frees_unmatched);
	json_kv_u64(w, "realloc_unfreed", r->realloc_unfreed);
	json_kv_u64(w, "records_dropped", r->records_dropped);
	json_key(w, "sites");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_sites; i++) {
		const struct skbmem_site *s = &r->sites[i];

		json_obj_begin(w);
		json_kv_str(w, "cache", s->cache);
		json_kv_str(w, "function", s->function);
		json_kv_str(w, "example", s->example);
		json_kv_str(w, "kind", skbmem_kind_name(s->kind));
		json_kv_u64(w, "allocs", s->allocs);
		json_kv_u64(w, "frees", s->frees);
		json_kv_u64(w, "alive", s->alive);
		json_kv_u64(w, "bytes_req", s->bytes_req);
		json_kv_u64(w, "bytes_alloc", s->bytes_alloc);
		json_key(w, "by_ctx");
		json_obj_begin(w);
		for (int c = 1; c < 5; c++)
			if (s->by_ctx[c])
				json_kv_u64(w, ns_ctx_name(c), s->by_ctx[c]);
		json_obj_end(w);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "gfp");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_gfp; i++) {
		const struct skbmem_gfp *g = &r->gfp[i];

		json_obj_begin(w);
		json_kv_str(w, "ctx", g->ctx);
		json_kv_str(w, "flags", g->flags);
		json_kv_u64(w, "value", g->value);
		json_key(w, "may_sleep");
		g->may_sleep < 0 ? json_null(w) : json_bool(w, g->may_sleep);
		json_kv_u64(w, "count", g->count);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "by_ctx");
	json_obj_begin(w);
	for (int c = 0; c < 5; c++) {
		if (!r->ctx_sleep[c] && !r->ctx_atomic[c])
			continue;
		json_key(w, ns_ctx_name(c));
		json_obj_begin(w);
		json_kv_u64(w, "atomic", r->ctx_atomic[c]);
		json_kv_u64(w, "may_sleep", r->ctx_sleep[c]);
		json_obj_end(w);
	}
	json_obj_end(w);
	json_key(w, "packets");
	json_obj_begin(w);
	json_kv_u64(w, "count", r->packets);
	json_kv_u64(w, "linked_skb", r->linked_skb);
	json_kv_u64(w, "linked_fclone", r->linked_fclone);
	json_kv_u64(w, "linked_head", r->linked_head);
	json_kv_u64(w, "unlinked", r->unlinked);
	json_key(w, "unlinked_ids");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_unlinked_ids; i++)
		json_u64(w, r->unlinked_ids[i]);
	json_arr_end(w);
	json_obj_end(w);
	json_key(w, "clones");
	json_obj_begin(w);
	json_kv_u64(w, "skb_clone_allocs", r->clone_allocs);
	json_kv_u64(w, "fclone_allocs", r->fclone_allocs);
	json_kv_u64(w, "fclone_second_packets", r->linked_fclone);
	json_obj_end(w);
	json_key(w, "lifetimes");
	json_obj_begin(w);
	life_json(w, "packet", &r->packet_life);
	for (int k = 0; k < SKBMEM_KINDS; k++)
		life_json(w, skbmem_kind_name(k), &r->life[k]);
	json_obj_end(w);
	json_key(w, "alive");
	json_obj_begin(w);
	json_kv_u64(w, "count", r->alive);
	json_kv_u64(w, "bytes", r->alive_bytes);
	json_kv_u64(w, "packet_ended", r->alive_ended);
	json_kv_u64(w, "oldest_ns", r->alive_oldest_ns);
	json_obj_end(w);
	json_key(w, "examples");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_examples; i++) {
		const struct skbmem_example *x = &r->examples[i];

		json_obj_begin(w);
		json_kv_u64(w, "packet_id", x->packet_id);
		json_kv_str(w, "link", x->link);
		json_kv_str(w, "cache", x->cache);
		json_kv_str(w, "function", x->function);
		json_kv_str(w, "ctx", x->ctx);
		json_kv_str(w, "gfp", x->gfp);
		json_kv_str(w, "first_event", x->first_event);
		json_kv_u64(w, "to_first_ns", x->to_first_ns);
		json_key(w, "to_mem_free_ns");
		x->mem_freed ? json_u64(w, x->to_mem_free_ns) : json_null(w);
		json_key(w, "end_event");
		x->ended ? json_str(w, x->end_event) : json_null(w);
		json_key(w, "to_end_ns");
		x->ended ? json_u64(w, x->to_end_ns) : json_null(w);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}
