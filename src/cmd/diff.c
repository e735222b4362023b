// SPDX-License-Identifier: GPL-2.0
/*
 * netscope diff A B: what changed between two traces.  Both files go
 * through the report's analyses (cmd/report_file.h), the two results
 * through the diff (analysis/diff.h), the diff to a renderer
 * (render/diff_out.h).  This file only parses options and reads files.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/diff.h"
#include "analysis/report.h"
#include "cmd/args.h"
#include "cmd/cmd.h"
#include "cmd/report_file.h"
#include "common/log.h"
#include "render/diff_out.h"

/* the parts read from each trace: the default report and the views a diff compares */
#define DIFF_PARTS (RR_PART_DEFAULT | RR_PART_LATENCY | RR_PART_COUNTERS | RR_PART_PROFILE | \
		    RR_PART_SOFTIRQ | RR_PART_SKBMEM)

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: netscope diff A B [--json] [--top N] [--threshold PCT] [--all]\n"
		"\n"
		"What changed between two trace files (from 'netscope record'), B against A:\n"
		"kernel and capture differences first (a warning when the kernels differ), then\n"
		"events per type (counts and rates; irq, softirq and napi events among them),\n"
		"drops by reason and by reason and location, TCP resets and state transitions,\n"
		"packet journeys that appear, vanish or change their share of the packets, call\n"
		"sites of each tracepoint, per-stage latency (p50, p90, p99 side by side), the\n"
		"interrupts view's NET_RX runs (where they ran, raise → entry and entry → exit\n"
		"percentiles, packets per napi_poll, hardirqs per handler and vector), the\n"
		"lab namespaces' counter deltas, functions by CPU samples, and packet memory\n"
		"(traces recorded with --events ...,kmem: allocations by cache and call site,\n"
		"bytes and slack, GFP flags by context, lifetimes).  Rows are sorted by the\n"
		"size of their change.\n"
		"\n"
		"Options:\n"
		"  -j, --json       one JSON object with every row, the same ones too\n"
		"                   (schema: docs/diff.md)\n"
		"  -n, --top N      rows per section in text (default %d; 0: all)\n"
		"  -t, --threshold PCT  a relative change below PCT %% is no change (default %.0f);\n"
		"                   so is a change of fewer than %.0f events, drops, packets...;\n"
		"                   0: every difference counts\n"
		"  -a, --all        text: show the rows that stayed the same too\n"
		"  -v, --verbose    more messages on stderr\n"
		"  -h, --help       show this help\n"
		"\n"
		"Exit status: 0 when the diff is printed, changes or not; 1 when A or B cannot\n"
		"be read (the message says which); 2 for a usage error.\n"
		"\n"
		"EXAMPLES:\n"
		"  netscope record -o A.ns --scenario syn-flood --count 2000 --seed 3\n"
		"  netscope record -o B.ns --scenario syn-flood --count 2000 --seed 3 --closed-port 81\n"
		"  netscope diff A.ns B.ns\n"
		"  netscope diff A.ns B.ns --threshold 20 --top 5\n"
		"  netscope diff --json A.ns B.ns | jq '.sections.drop_locations.rows[0]'\n",
		REPORT_DEFAULT_TOP, 100 * DIFF_DEFAULT_THRESHOLD, DIFF_DEFAULT_MIN_ABS);
}

/* "5", "5%", "0.5": a percentage, 0..1000; -EINVAL after a message */
static int parse_threshold(const char *s, double *frac)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end != s && *end == '%')
		end++;
	if (errno || end == s || *end || !isfinite(v) || v < 0 || v > 1000) {
		ns_err("invalid --threshold value '%s' (a percentage, 0 to 1000)", s);
		return -EINVAL;
	}
	*frac = v / 100;
	return 0;
}

/* one trace through the analyses; 0, or 1 after a message naming which of A and B it was */
static int read_trace(struct report_file *rf, struct report_ctx *ctx, const char *path,
		      const char *which)
{
	ctx->top = REPORT_TOP_ALL;	/* every row: the diff matches rows by name */
	ctx->parts = DIFF_PARTS;
	if (!report_file_run(rf, path, ctx))
		return 0;
	ns_err("cannot read trace %s '%s'", which, path);
	return 1;
}

int cmd_diff(int argc, char **argv, const struct cmd_common *co)
{
	static const struct option longopts[] = {
		{ "top", required_argument, NULL, 'n' },
		{ "threshold", required_argument, NULL, 't' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL },
	};
	struct diff_opts dopts = {
		.threshold = DIFF_DEFAULT_THRESHOLD, .min_abs = DIFF_DEFAULT_MIN_ABS,
	};
	struct diff_text_opts topts = { .top = REPORT_DEFAULT_TOP };
	struct report_file rfa = { 0 }, rfb = { 0 };
	struct report_ctx ca = { 0 }, cb = { 0 };
	struct diff_result *d = NULL;
	int c, e, ret = 1;

	if (co->help) {
		usage(stdout);
		return 0;
	}
	while ((c = getopt_long(argc, argv, "n:t:a", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (cmd_parse_top(optarg, &topts.top))
				return 2;
			break;
		case 't':
			if (parse_threshold(optarg, &dopts.threshold))
				return 2;
			/* 0 asks for every difference: the floor for small counts goes too */
			dopts.min_abs = dopts.threshold ? DIFF_DEFAULT_MIN_ABS : 0;
			break;
		case 'a':
			topts.all = true;
			break;
		default:
			cmd_bad_option(argc, argv, longopts);
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		if (argc - optind < 2)
			ns_err("missing trace %s (netscope diff A B)", argc == optind ? "files A and B" : "B");
		else
			ns_err("unexpected argument '%s' (two traces, A and B)", argv[optind + 2]);
		usage(stderr);
		return 2;
	}
	dopts.path_a = argv[optind];
	dopts.path_b = argv[optind + 1];

	if (read_trace(&rfa, &ca, dopts.path_a, "A") || read_trace(&rfb, &cb, dopts.path_b, "B"))
		goto cleanup;
	e = diff_results(report_result(rfa.rep), report_result(rfb.rep), &dopts, &d);
	if (e) {
		ns_err("cannot compare the traces: %s", strerror(-e));
		goto cleanup;
	}
	if (co->json)
		diff_print_json(stdout, d);
	else
		diff_print_text(stdout, d, &topts);
	if (fflush(stdout) || ferror(stdout)) {
		ns_err("cannot write the diff: %s", strerror(errno));
		goto cleanup;
	}
	ret = 0;
cleanup:
	diff_result_free(d);
	report_file_close(&rfa);
	report_file_close(&rfb);
	return ret;
}
