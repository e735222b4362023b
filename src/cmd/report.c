// SPDX-License-Identifier: GPL-2.0
/*
 * netscope report FILE: read a trace file and print what the analyses make
 * of it (src/analysis/).  This file only parses options, reads the file and
 * reports errors; the analyses never see the file.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/report.h"
#include "analysis/result.h"
#include "cmd/args.h"
#include "cmd/cmd.h"
#include "cmd/explain.h"
#include "cmd/output_file.h"
#include "cmd/report_file.h"
#include "common/log.h"
#include "common/json.h"
#include "common/parse.h"
#include "render/html.h"
#include "render/report.h"
#include "render/views.h"
#include "trace/tracefile.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: netscope report FILE [--json] [--top N] [--db FILE | --no-explain]\n"
		"       netscope report FILE --view NAME[,NAME...] [--funcs GLOBS] [--depth N]\n"
		"                            [--min-count N] [--layers FILE]\n"
		"       netscope report FILE --html OUT [--force] [--top N] [--db FILE | --no-explain]\n"
		"\n"
		"What a trace file (from 'netscope record') shows: the capture (kernel, host,\n"
		"method, filter), lost events, counts and rates per event type, drops by\n"
		"reason and location, TCP resets by reason, TCP state transitions and socket\n"
		"state paths, and packet journeys: the most common event sequences of one\n"
		"packet, with the median time of each step and the events linked to them.\n"
		"The trace carries its own names and symbols: any machine can report it.\n"
		"Stacks the capture took become call trees per event type.  When a source\n"
		"index exists (`netscope index`), every function of those trees and of the\n"
		"journeys' steps is explained: file:line and its kernel-doc summary.\n"
		"\n"
		"Options:\n"
		"  -j, --json       one JSON object; errors are JSON too (schema: docs/report.md)\n"
		"  -n, --top N      rows per table (default %d; 0: all rows)\n"
		"  -d, --db FILE    explain from this source index (default: the fetched tree's,\n"
		"                   when it exists)\n"
		"      --no-explain do not explain, even when an index exists\n"
		"      --view LIST  what to show instead of the default report (the view 'summary'):\n"
		"                   summary, profile (kernel functions by CPU samples: self and total;\n"
		"                   events per tracepoint and CPU), callgraph (every stack merged into\n"
		"                   one tree, as ftrace's function_graph), folded (the same as folded\n"
		"                   stacks for flame graphs), layers (the stack's layers and the\n"
		"                   functions at their boundaries, RX and TX), latency (per-stage gaps\n"
		"                   of each packet: p50/p90/p99/max), counters (the lab namespaces'\n"
		"                   kernel counters before and after), segments (TCP segments per\n"
		"                   namespace by flags, the fate of received SYNs, resets and drops\n"
		"                   by reason), syscalls (socket syscalls per namespace and process:\n"
		"                   calls, errors, time in the call; record with --events\n"
		"                   default,syscalls), conns (TCP connections: segments in order\n"
		"                   with relative seq/ack, sender and receiver functions, both\n"
		"                   ends' states, srtt, TIME_WAIT), packets (single packets, every\n"
		"                   event of each: the first ones and a few dropped ones per reason),\n"
		"                   interrupts (softirq runs: raise, entry, exit, where each ran, the\n"
		"                   packets and polls inside; hardirqs; record with --events\n"
		"                   default,irq,napi,irq_vectors)\n"
		"      --funcs GLOBS  profile: only functions matching these globs ('net* tcp*', as\n"
		"                   ftrace's set_ftrace_filter)\n"
		"      --depth N    callgraph: levels shown (default: all)\n"
		"      --min-count N  callgraph: hide subtrees of fewer samples and stacks (default 1)\n"
		"      --layers FILE  layers: GLOB<TAB>LAYER rules replacing the built-in ones\n"
		"      --html OUT   write the report as one self-contained HTML page (docs/html.md):\n"
		"                   the default report, the profile, latency and layers views as\n"
		"                   tables, flame graphs of the call paths and CPU samples, packet\n"
		"                   timelines, the layers diagram; nothing on stdout\n"
		"  -f, --force      --html: replace OUT if it exists (it is never overwritten otherwise)\n"
		"  -v, --verbose    more messages on stderr\n"
		"  -h, --help       show this help\n"
		"\n"
		"Exit status: 0 when the report is printed, also for a trace cut off mid-write\n"
		"(a warning names the offset where it ends); 1 when the file cannot be read\n"
		"(missing, not a trace, corrupt, newer format); 2 for a usage error.\n"
		"\n"
		"EXAMPLES:\n"
		"  netscope record --scenario refused -o refused.ns && netscope report refused.ns\n"
		"  netscope report --top 3 flood.ns\n"
		"  netscope report --json flood.ns | jq '.drops.by_reason.rows'\n"
		"  netscope report flood.ns --view profile --funcs 'net* tcp*'\n"
		"  netscope report flood.ns --view callgraph --depth 12 --min-count 20\n"
		"  netscope report flood.ns --view folded > flood.folded\n"
		"  netscope report flood.ns --view segments --json | jq '.segments.namespaces'\n"
		"  netscope report flood.ns --html flood.html\n",
		REPORT_DEFAULT_TOP);
}

/* --view a,b: the views named, in order, each once; -EINVAL after a message */
static int parse_views(const char *list, const struct view_desc **views, size_t *n)
{
	char name[64], known[256];
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");
		const struct view_desc *d;
		bool dup = false;

		snprintf(name, sizeof(name), "%.*s", (int)len, p);
		d = view_find(name);
		if (!d) {
			view_names(known, sizeof(known));
			ns_err("unknown view '%s'; known: %s", name, known);
			return -EINVAL;
		}
		for (size_t i = 0; i < *n; i++)
			dup |= views[i] == d;
		if (!dup && *n < 16)
			views[(*n)++] = d;
		p += len + (p[len] == ',');
	}
	if (!*n) {
		ns_err("--view needs a view name");
		return -EINVAL;
	}
	return 0;
}

/* the views as the report's output: text one after another, JSON one object */
static void print_views(const struct report_result *res, const struct view_desc **views, size_t n,
			const struct view_opts *vo, bool json)
{
	struct json_writer *w;

	if (!json) {
		for (size_t i = 0; i < n; i++) {
			if (i)
				fputc('\n', stdout);
			views[i]->text(res, vo, stdout);
		}
		return;
	}
	w = json_new(stdout);
	if (!w)
		return;
	json_obj_begin(w);
	json_kv_u64(w, "schema_version", REPORT_JSON_SCHEMA);
	for (size_t i = 0; i < n; i++)
		if (views[i]->json)
			views[i]->json(w, res, vo);
	json_obj_end(w);
	fputc('\n', stdout);
	json_free(w);
}

/* the whole report as one HTML page into of (begun); 0, or 1 after a message */
static int write_html(const struct report_result *res, const char *trace, struct output_file *of)
{
	const char *base = strrchr(trace, '/');
	char title[PATH_MAX + 32];
	FILE *f = output_file_open(of);

	if (!f)
		return 1;
	snprintf(title, sizeof(title), "netscope report %s", base ? base + 1 : trace);
	render_report_html(res, title, f);
	if (output_file_close(of, f, true))
		return 1;
	fprintf(stderr, "netscope: wrote %s\n", of->path);
	return 0;
}

int cmd_report(int argc, char **argv, const struct cmd_common *co)
{
	static const struct option longopts[] = {
		{ "top", required_argument, NULL, 'n' },
		{ "db", required_argument, NULL, 'd' },
		/* --index: the spelling before --db (as xref, callers, where have it), not in the help */
		{ "index", required_argument, NULL, 'i' },
		{ "no-explain", no_argument, NULL, 'X' },
		{ "view", required_argument, NULL, 'V' },
		{ "funcs", required_argument, NULL, 'F' },
		{ "depth", required_argument, NULL, 'D' },
		{ "min-count", required_argument, NULL, 'M' },
		{ "layers", required_argument, NULL, 'L' },
		{ "html", required_argument, NULL, 'H' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL },
	};
	struct report_file rf = { 0 };
	struct report_ctx ctx = { .top = REPORT_DEFAULT_TOP };
	bool json = false, no_explain = false;
	const char *db = NULL;
	struct ix_explainer ixe = { 0 };
	struct report_explainer ex;
	uint64_t v;
	const struct view_desc *views[16];
	size_t n_views = 0;
	struct view_opts vo = { 0 };
	const char *path, *html = NULL;
	struct output_file of = { 0 };
	bool force = false;
	int c, ret = 1, e;

	if (co->help) {
		usage(stdout);
		return 0;
	}
	json = co->json;
	while ((c = getopt_long(argc, argv, "n:d:i:f", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (cmd_parse_top(optarg, &ctx.top))
				return 2;
			if (!ctx.top)
				ctx.top = REPORT_TOP_ALL;
			break;
		case 'i':
			ns_warn("'--index' is deprecated: use '--db'");
			/* fall through */
		case 'd':
			db = optarg;
			break;
		case 'X':
			no_explain = true;
			break;
		case 'V':
			if (parse_views(optarg, views, &n_views))
				return 2;
			break;
		case 'F':
			vo.profile.funcs = optarg;
			break;
		case 'D':
		case 'M':
			if (ns_parse_u64(optarg, UINT32_MAX, &v) || !v) {
				ns_err("invalid --%s value '%s' (a number, 1 or more)",
				       c == 'D' ? "depth" : "min-count", optarg);
				return 2;
			}
			if (c == 'D')
				vo.profile.depth = (unsigned int)v;
			else
				vo.profile.min_count = v;
			break;
		case 'L':
			ctx.layer_rules = optarg;
			break;
		case 'H':
			html = optarg;
			break;
		case 'f':
			force = true;
			break;
		default:
			cmd_bad_option(argc, argv, longopts);
			usage(stderr);
			return 2;
		}
	}
	path = cmd_one_operand(argc, argv, "trace FILE");
	if (!path) {
		usage(stderr);
		return 2;
	}

	if (html && (json || n_views)) {
		ns_err("--html writes the whole report: without --json and --view");
		return 2;
	}
	if (force && !html) {
		ns_err("--force goes with --html OUT");
		return 2;
	}
	/* before reading: a refused output costs nothing */
	if (html && output_file_begin(&of, html, force))
		return 1;
	if (report_file_open(&rf, path, &ctx))
		goto cleanup;
	for (size_t i = 0; i < n_views; i++) {
		ctx.parts |= views[i]->parts;
		ctx.packet_sample |= views[i]->packet_sample;
	}
	if (!n_views)
		ctx.parts = RR_PART_DEFAULT;
	/* the page shows the views that need nothing but the trace, and single packets */
	if (html) {
		ctx.parts |= RR_PART_PROFILE | RR_PART_LATENCY | RR_PART_LAYERS | RR_PART_SOFTIRQ;
		ctx.parts |= RR_PART_SKBMEM;	/* a section only when the trace has kmem events */
		ctx.packet_sample = true;
	}
	for (size_t i = 0; json && i < n_views; i++)
		if (!views[i]->json) {
			ns_err("the view '%s' has no JSON form", views[i]->name);
			ret = 2;
			goto cleanup;
		}
	if (db && no_explain) {
		ns_err("--db and --no-explain contradict each other");
		ret = 2;
		goto cleanup;
	}
	/* the layers view asks the index where functions no rule names live */
	if ((ctx.parts & RR_PART_LAYERS) && !no_explain &&
	    !ix_explainer_open(&ixe, db, ns_meta_get(ctx.meta, "kernel.release"), false)) {
		ctx.index_layer = explain_index_layer;
		ctx.index_layer_arg = &ixe;
	}
	if (report_file_read(&rf, path, &ctx))
		goto cleanup;
	ns_dbg(1, "read %" PRIu64 " events from '%s'", rf.events, path);
	/* explain mode annotates the default report's call paths and journeys */
	if (!no_explain && (ctx.parts & RR_PART_DEFAULT)) {
		e = ctx.index_layer ? 0 :
			ix_explainer_open(&ixe, db, report_result(rf.rep)->capture.kernel, db != NULL);
		if (e && db)
			goto cleanup;
		if (!e)
			explain_from_index(&ixe, &ex);
		if (!e && (e = report_explain(rf.rep, &ex))) {
			ns_err("cannot explain the report: %s", strerror(-e));
			goto cleanup;
		}
	}
	if (html) {
		ret = write_html(report_result(rf.rep), path, &of);
		goto cleanup;
	}
	if (n_views)
		print_views(report_result(rf.rep), views, n_views, &vo, json);
	else if (json)
		render_report_json(report_result(rf.rep), stdout);
	else
		render_report_text(report_result(rf.rep), stdout);
	if (fflush(stdout) || ferror(stdout)) {
		ns_err("cannot write the report: %s", strerror(errno));
		goto cleanup;
	}
	ret = 0;
cleanup:
	/* a failure before the page was written leaves nothing behind */
	if (html && ret)
		output_file_abort(&of);
	report_file_close(&rf);
	ix_explainer_close(&ixe);
	return ret;
}
