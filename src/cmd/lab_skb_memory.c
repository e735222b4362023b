// SPDX-License-Identifier: GPL-2.0
/*
 * netscope lab skb-memory: experiment 5 of the reference study, "memory
 * allocation for an arriving packet".  The study read __alloc_skb and
 * named GFP_ATOMIC; the lab records the allocations themselves (`--events
 * default,kmem`: the kmem tracepoints filtered in BPF to the skb caches
 * and the skb allocation functions) during a few TCP connections, and
 * shows: what was allocated where and from which cache, GFP flags by
 * context (softirq allocations are atomic), every packet linked to the
 * allocation of its sk_buff and data, lifetimes, clones and fclones, and
 * __alloc_skb's steps read from the source index beside the numbers.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/lab.h"
#include "common/json.h"
#include "index/explainer.h"
#include "render/html.h"
#include "render/skbmem_out.h"

static const char *const original[] = {
	"(read net/core/skbuff.c) __alloc_skb: kmem_cache_alloc_node(cache, ...), kmalloc_reserve()",
	"\"In networking, GFP_ATOMIC is a crucial flag\": no allocation was traced",
	NULL,
};

static const char *const record_args[] = { NULL };

/*
 * __alloc_skb's steps, each found in the indexed source by a pattern of
 * its first line (the first line of the function at or after the previous
 * step's that holds it), and what the trace shows of it.  Written against
 * 6.1 to 6.18, where the order of these lines is the same.
 */
static const struct alloc_step {
	const char *pattern;
	const char *what;
} steps[] = {
	{ "SKB_ALLOC_FCLONE)", "the cache: skbuff_fclone_cache when the caller asks for SKB_ALLOC_FCLONE "
			       "(TCP's data and SYNs: alloc_skb_fclone), else skbuff_cache, the slab "
			       "named skbuff_head_cache" },
	{ "__GFP_MEMALLOC", "gfp_mask is the caller's (GFP_KERNEL from a socket's sk_allocation in a "
			    "task, GFP_ATOMIC in softirq); only __GFP_MEMALLOC is added, for receive "
			    "buffers while a memalloc socket (swap over the network) exists" },
	{ "napi_skb_cache_get", "SKB_ALLOC_NAPI without FCLONE: the sk_buff comes from the per-CPU NAPI "
				"cache, refilled in bulk: no kmem event for it" },
	{ "kmem_cache_alloc_node(", "the sk_buff: one kmem_cache_alloc event at __alloc_skb "
				    "(GFP_DMA masked off)" },
	{ "kmalloc_reserve(", "the data (skb->head): skbuff_small_head for small heads (the event's call "
			      "site is kmalloc_reserve), else kmalloc with the size rounded up by "
			      "kmalloc_size_roundup, so a kmalloc event asks exactly what it gets" },
	{ "__build_skb_around(", "the sk_buff is built around the data: head, data, tail, end, truesize" },
	{ "SKB_FCLONE_ORIG", "an fclone's first sk_buff: the second one, allocated with it, is what "
			     "skb_clone() hands out without allocating (tcp_transmit_skb clones each "
			     "segment it sends)" },
	{ "kmem_cache_free(cache", "no data: the sk_buff goes back to its cache" },
};

#define N_STEPS (sizeof(steps) / sizeof(steps[0]))

struct step_line {
	char where[160];
	char text[160];
};

struct alloc_source {
	bool have_index;
	char source[2 * PATH_MAX + 32];
	char note[256];
	char defined[160];
	char doc_gfp[200];	/* the kernel-doc's sentence on GFP_ATOMIC */
	struct step_line lines[N_STEPS];
};

static void trim(char *s)
{
	char *p = s;

	while (*p == ' ' || *p == '\t' || *p == '*')
		p++;
	memmove(s, p, strlen(p) + 1);
	s[strcspn(s, "\n")] = 0;
}

/* __alloc_skb in the indexed tree: its kernel-doc line on GFP_ATOMIC and each step's line */
static void read_source(struct alloc_source *as)
{
	struct ix_explainer ix = { 0 };
	char *where = NULL, *summary = NULL, path[PATH_MAX + 200], line[512], *colon;
	unsigned long def, no = 0, doc_from;
	size_t step = 0;
	FILE *f;

	memset(as, 0, sizeof(*as));
	if (ix_explainer_open(&ix, NULL, NULL, false))
		return;
	as->have_index = true;
	snprintf(as->source, sizeof(as->source), "%s", ix.source);
	snprintf(as->note, sizeof(as->note), "%s", ix.note);
	if (!ix_explainer_function(&ix, "__alloc_skb", &where, &summary))
		goto out;
	snprintf(as->defined, sizeof(as->defined), "%s", where);
	colon = strrchr(where, ':');
	if (!colon)
		goto out;
	*colon = 0;
	def = strtoul(colon + 1, NULL, 10);
	doc_from = def > 30 ? def - 30 : 1;
	snprintf(path, sizeof(path), "%s/%s", ix.meta.tree, where);
	f = fopen(path, "r");
	if (!f)
		goto out;
	while (fgets(line, sizeof(line), f)) {
		if (++no < doc_from)
			continue;
		if (no < def) {
			/* the kernel-doc above: its sentence on interrupts and GFP_ATOMIC */
			if (strstr(line, "GFP_ATOMIC") || (strstr(line, "interrupts") && !as->doc_gfp[0])) {
				char t[200];

				snprintf(t, sizeof(t), "%.190s", line);
				trim(t);
				snprintf(as->doc_gfp + strlen(as->doc_gfp), sizeof(as->doc_gfp) - strlen(as->doc_gfp),
					 "%s%s", as->doc_gfp[0] ? " " : "", t);
			}
			continue;
		}
		if (no > def && line[0] == '}')
			break;
		if (step < N_STEPS && strstr(line, steps[step].pattern)) {
			snprintf(as->lines[step].where, sizeof(as->lines[step].where), "%s:%lu", where, no);
			snprintf(as->lines[step].text, sizeof(as->lines[step].text), "%.150s", line);
			trim(as->lines[step].text);
			step++;
		}
	}
	fclose(f);
out:
	free(where);
	free(summary);
	ix_explainer_close(&ix);
}

/* ---- what the run shows ---- */

struct facts {
	int64_t sent;		/* IP OutRequests of both namespaces; -1 without counters */
	uint64_t skb_allocs;	/* sk_buffs allocated (skbuff_head_cache + fclone) */
	uint64_t softirq_allocs, softirq_atomic, task_sleep, task_atomic;
	uint64_t head_cache, fclone_cache, small_head, kmalloc_data, pages;
};

static void gather(const struct lab_run *r, struct facts *f)
{
	const struct skbmem_result *m = &r->res->skbmem;
	const struct counters_row *a = lab_counter(r, "a", "Ip", "OutRequests");
	const struct counters_row *b = lab_counter(r, "b", "Ip", "OutRequests");

	memset(f, 0, sizeof(*f));
	f->sent = a && b ? a->delta + b->delta : -1;
	for (size_t i = 0; i < m->n_sites; i++) {
		const struct skbmem_site *s = &m->sites[i];

		if (s->kind == SKBMEM_KIND_SKB)
			f->skb_allocs += s->allocs;
		f->softirq_allocs += s->by_ctx[NS_CTX_SOFTIRQ];
		if (!strcmp(s->cache, "skbuff_head_cache"))
			f->head_cache += s->allocs;
		else if (!strcmp(s->cache, "skbuff_fclone_cache"))
			f->fclone_cache += s->allocs;
		else if (!strcmp(s->cache, "skbuff_small_head"))
			f->small_head += s->allocs;
		else if (!strcmp(s->cache, "kmalloc"))
			f->kmalloc_data += s->allocs;
		else if (s->kind == SKBMEM_KIND_PAGE)
			f->pages += s->allocs;
	}
	f->softirq_atomic = m->ctx_atomic[NS_CTX_SOFTIRQ];
	f->task_sleep = m->ctx_sleep[NS_CTX_TASK];
	f->task_atomic = m->ctx_atomic[NS_CTX_TASK];
}

/* what the trace shows of step i */
static void step_seen(const struct facts *f, const struct skbmem_result *m, size_t i, char *buf,
		      size_t len)
{
	switch (i) {
	case 0:
		snprintf(buf, len, "%" PRIu64 " from skbuff_head_cache, %" PRIu64 " from skbuff_fclone_cache%s",
			 f->head_cache, f->fclone_cache, m->fclone_merged[0] ? " (merged by SLUB: told by "
			 "its call site)" : "");
		break;
	case 1:
		snprintf(buf, len, "task context: %" PRIu64 " may sleep (GFP_KERNEL), %" PRIu64 " atomic; "
			 "softirq: %" PRIu64 " of %" PRIu64 " atomic", f->task_sleep, f->task_atomic,
			 f->softirq_atomic, f->softirq_allocs);
		break;
	case 3:
		snprintf(buf, len, "%" PRIu64 " sk_buffs allocated for %" PRId64 " IP packets sent",
			 f->skb_allocs, f->sent);
		break;
	case 4:
		snprintf(buf, len, "%" PRIu64 " heads from skbuff_small_head, %" PRIu64 " kmalloc'd; %" PRIu64
			 " of %" PRIu64 " packets found at their head allocation", f->small_head,
			 f->kmalloc_data, m->linked_head, m->packets);
		break;
	case 6:
		snprintf(buf, len, "%" PRIu64 " packets on an fclone's second sk_buff, %" PRIu64
			 " sk_buffs allocated by skb_clone", m->linked_fclone, m->clone_allocs);
		break;
	default:
		buf[0] = '\0';
	}
}

static int skbmem_lab_text(const struct lab_run *r, FILE *out)
{
	const struct skbmem_result *m = &r->res->skbmem;
	struct alloc_source as;
	struct facts f;
	char seen[256];

	gather(r, &f);
	lab_heading(out, "What the kernel allocated for the packets");
	skbmem_print_text(out, m, r->o->top ? r->o->top : 12);

	lab_heading(out, "Allocations against packets");
	if (f.sent >= 0)
		fprintf(out, "IP packets sent (Ip.OutRequests, both namespaces): %" PRId64 "\n", f.sent);
	fprintf(out, "sk_buffs allocated: %" PRIu64 " (%s)\n", f.skb_allocs,
		f.sent < 0 ? "no counters to compare with" :
		(int64_t)f.skb_allocs >= f.sent ? "at least one per packet sent" :
						  "FEWER than packets sent: some came from a cache no tracepoint sees");
	fprintf(out, "packets of the trace linked to their sk_buff's allocation: %" PRIu64 " of %" PRIu64
		     "%s\n", m->linked_skb + m->linked_fclone, m->packets,
		m->unlinked ? "" : " (every one)");
	fprintf(out, "softirq allocations: %" PRIu64 ", atomic: %" PRIu64 "%s\n", f.softirq_allocs,
		f.softirq_atomic, f.softirq_allocs && f.softirq_atomic == f.softirq_allocs ?
		" (all: a softirq cannot sleep, so GFP_ATOMIC)" : "");

	lab_heading(out, "__alloc_skb, step by step");
	read_source(&as);
	if (as.have_index) {
		fprintf(out, "from %s%s%s\n", as.source, as.note[0] ? "\n  !! " : "", as.note);
		if (as.defined[0])
			fprintf(out, "__alloc_skb defined at %s\n", as.defined);
		else
			fprintf(out, "(the index does not define __alloc_skb)\n");
		if (as.doc_gfp[0])
			fprintf(out, "kernel-doc: %s\n", as.doc_gfp);
	} else {
		fprintf(out, "no source index: the steps below without their lines.  `netscope source fetch`"
			     " and `netscope index`\nwould add each step's file:line and text from Debian's "
			     "kernel source, and the kernel-doc\n");
	}
	for (size_t i = 0; i < N_STEPS; i++) {
		fprintf(out, "%zu. %s\n", i + 1, steps[i].what);
		if (as.lines[i].where[0])
			fprintf(out, "   %s: %s\n", as.lines[i].where, as.lines[i].text);
		else if (as.have_index && as.defined[0])
			fprintf(out, "   (no line with '%s' in this version)\n", steps[i].pattern);
		step_seen(&f, m, i, seen, sizeof(seen));
		if (seen[0])
			fprintf(out, "   this run: %s\n", seen);
	}
	return 0;
}

static void skbmem_lab_json(const struct lab_run *r, struct json_writer *w)
{
	const struct skbmem_result *m = &r->res->skbmem;
	struct alloc_source as;
	struct facts f;
	char seen[256];

	gather(r, &f);
	read_source(&as);
	json_key(w, "skb_memory");
	skbmem_print_json(w, m);
	json_key(w, "sent");
	f.sent >= 0 ? json_i64(w, f.sent) : json_null(w);
	json_kv_u64(w, "skb_allocs", f.skb_allocs);
	json_kv_u64(w, "softirq_allocs", f.softirq_allocs);
	json_kv_u64(w, "softirq_atomic", f.softirq_atomic);
	json_key(w, "alloc_skb");
	json_obj_begin(w);
	json_key(w, "source");
	as.have_index ? json_str(w, as.source) : json_null(w);
	json_key(w, "defined");
	as.defined[0] ? json_str(w, as.defined) : json_null(w);
	json_kv_str(w, "kernel_doc_gfp", as.doc_gfp);
	json_key(w, "steps");
	json_arr_begin(w);
	for (size_t i = 0; i < N_STEPS; i++) {
		json_obj_begin(w);
		json_kv_str(w, "what", steps[i].what);
		json_kv_str(w, "pattern", steps[i].pattern);
		json_key(w, "where");
		as.lines[i].where[0] ? json_str(w, as.lines[i].where) : json_null(w);
		json_key(w, "text");
		as.lines[i].where[0] ? json_str(w, as.lines[i].text) : json_null(w);
		step_seen(&f, m, i, seen, sizeof(seen));
		json_kv_str(w, "seen", seen);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}

/*
 * The lab's findings on the HTML page (--html): the allocations against
 * the packets and __alloc_skb's steps as tables; the charts of the
 * allocations are the report's "Packet memory" section (render/html_skbmem.c)
 * further down the page, where this links.
 */
static void skbmem_lab_html(const struct lab_run *r, FILE *out)
{
	const struct skbmem_result *m = &r->res->skbmem;
	struct alloc_source as;
	struct facts f;
	char seen[256];

	gather(r, &f);
	if (!m->have_kmem) {
		fputs("<p class=\"warn\">The trace has no kmem events: the kernel refused the kmem"
		      " tracepoints (see How this kernel was watched).</p>\n", out);
		return;
	}
	fputs("<h3>Allocations against packets</h3>\n<dl class=\"kv\">", out);
	if (f.sent >= 0)
		fprintf(out, "<dt>IP packets sent (Ip.OutRequests, both namespaces)</dt>"
			"<dd id=\"lab-skbmem-sent\">%" PRId64 "</dd>", f.sent);
	fprintf(out, "<dt>sk_buffs allocated</dt><dd><span id=\"lab-skbmem-skb-allocs\">%" PRIu64
		"</span> (%s)</dd>", f.skb_allocs, f.sent < 0 ? "no counters to compare with" :
		(int64_t)f.skb_allocs >= f.sent ? "at least one per packet sent" :
		"FEWER than packets sent: some came from a cache no tracepoint sees");
	fprintf(out, "<dt>packets linked to their sk_buff's allocation</dt><dd>%" PRIu64 " of %" PRIu64
		"%s</dd>", m->linked_skb + m->linked_fclone, m->packets, m->unlinked ? "" : " (every one)");
	fprintf(out, "<dt>softirq allocations, atomic</dt><dd><span id=\"lab-skbmem-softirq\">%" PRIu64
		"</span>, <span id=\"lab-skbmem-softirq-atomic\">%" PRIu64 "</span>%s</dd></dl>\n",
		f.softirq_allocs, f.softirq_atomic, f.softirq_allocs && f.softirq_atomic == f.softirq_allocs ?
		" (all: a softirq cannot sleep, so GFP_ATOMIC)" : "");
	fputs("<p>The allocations by cache and call site, bytes and slack, GFP flags by context and"
	      " lifetimes are drawn in <a href=\"#skbmem\">Packet memory</a>.</p>\n", out);

	fputs("<h3>__alloc_skb, step by step</h3>\n", out);
	read_source(&as);
	if (as.have_index) {
		fputs("<p>From <code>", out);
		html_esc(out, as.source);
		fputs("</code>", out);
		if (as.defined[0]) {
			fputs("; __alloc_skb defined at <code>", out);
			html_esc(out, as.defined);
			fputs("</code>", out);
		}
		fputs(".</p>\n", out);
		if (as.note[0]) {
			fputs("<p class=\"warn\">", out);
			html_esc(out, as.note);
			fputs("</p>\n", out);
		}
		if (as.doc_gfp[0]) {
			fputs("<p>kernel-doc: <q>", out);
			html_esc(out, as.doc_gfp);
			fputs("</q></p>\n", out);
		}
	} else {
		fputs("<p class=\"muted\">No source index: the steps without their lines. <code>netscope"
		      " source fetch</code> and <code>netscope index</code> add each step's file:line and"
		      " text.</p>\n", out);
	}
	fputs("<div class=\"scroll\"><table id=\"lab-skbmem-steps\"><thead><tr><th>#</th><th>step</th>"
	      "<th>source line</th><th>this run</th></tr></thead><tbody>\n", out);
	for (size_t i = 0; i < N_STEPS; i++) {
		fprintf(out, "<tr><td class=\"num\">%zu</td><td>", i + 1);
		html_esc(out, steps[i].what);
		fputs("</td><td>", out);
		if (as.lines[i].where[0]) {
			fputs("<code>", out);
			html_esc(out, as.lines[i].where);
			fputs("</code><br><code>", out);
			html_esc(out, as.lines[i].text);
			fputs("</code>", out);
		}
		fputs("</td><td>", out);
		step_seen(&f, m, i, seen, sizeof(seen));
		html_esc(out, seen);
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody></table></div>\n", out);
}

static const char *const next[] = {
	"netscope report FILE --view skb-memory --top 50   every cache and call site",
	"netscope callers __alloc_skb                      who allocates packets",
	"netscope struct sk_buff                           what is allocated",
	"netscope record -o F --scenario syn-flood --events default,kmem   a flood's allocations",
	NULL,
};

const struct capture_lab lab_skb_memory = {
	.name = "skb-memory",
	.title = "the memory of packets: allocations, GFP flags, lifetimes",
	.summary = "skb allocations by cache and call site, GFP by context, each packet's allocation",
	.experiment = "exp5",
	.original = original,
	.scenario = "handshake",
	.record_args = record_args,
	.events = "default,kmem,kmem-pages",
	.count = 5,
	.duration = 10,
	.sample_hz = 0,
	.funcs = "*alloc* *skb* kmem* kmalloc*",
	.depth = 12,
	.parts = RR_PART_SKBMEM,
	.text = skbmem_lab_text,
	.json = skbmem_lab_json,
	.html = skbmem_lab_html,
	.next = next,
};
