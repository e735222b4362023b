// SPDX-License-Identifier: GPL-2.0
/*
 * The runner of the capture labs (cmd/lab.h): options, the recording (the
 * same `netscope record` a user would run, so the lab shows its command),
 * the analyses of the trace, and the sections every lab prints around its
 * own findings.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "analysis/concordance.h"
#include "cmd/cmd.h"
#include "cmd/lab.h"
#include "cmd/lab_outputs.h"
#include "cmd/report_file.h"
#include "common/json.h"
#include "common/log.h"
#include "common/parse.h"
#include "render/concordance_out.h"
#include "render/funcs_out.h"
#include "render/report.h"

/*
 * What each way of watching the kernel would add, said when this kernel
 * denies it: the gaps of the report are never silent.
 */
static const struct {
	enum feature_id id;
	const char *what;
} method_gaps[] = {
	{ FEAT_FENTRY, "fentry/fexit: every call of chosen functions with its arguments, "
		       "return value and duration" },
	{ FEAT_KPROBE_MULTI, "kprobe.multi: a thousand functions attached in one go, hit counts "
			     "per function" },
	{ FEAT_KPROBE, "kprobes: hit counts per function" },
	{ FEAT_FTRACE_FUNCTION, "the ftrace function profiler of the experiment "
				"(set_ftrace_filter, function_profile_enabled, trace_stat)" },
	{ FEAT_FTRACE_FUNCTION_GRAPH, "ftrace's function_graph: nested calls with durations" },
	{ FEAT_PERF_SAMPLING, "CPU samples: the profile and most of the call graph below" },
	{ FEAT_PERF_CALLCHAIN, "the kernel call chains of CPU samples" },
	{ FEAT_PROG_TP_BTF, "typed tracepoint programs (tp_btf): raw_tp does the same, slower" },
};

const char *lab_method_gap(enum feature_id id)
{
	for (size_t i = 0; i < sizeof(method_gaps) / sizeof(method_gaps[0]); i++)
		if (method_gaps[i].id == id)
			return method_gaps[i].what;
	return NULL;
}

static void usage(const struct capture_lab *lab, FILE *out)
{
	char rate[32] = "as fast as possible";

	if (lab->rate)
		snprintf(rate, sizeof(rate), "%" PRIu64, lab->rate);
	fprintf(out,
		"Usage: netscope lab %s [--count N] [--rate N] [--duration S] [--seed N]\n"
		"       [--sample-freq HZ] [--method M] [-o FILE] [--funcs GLOBS] [--depth N]\n"
		"       [--min-count N] [--top N] [--json] [--html FILE] [--perfetto FILE]\n"
		"       [--pcapng FILE] [--ctf DIR] [--force] [--devices A,B]\n"
		"\n%s.\n\n"
		"The lab makes two private namespaces (198.18.0.1 <-> 198.18.0.2, no route out),\n"
		"runs its workload there (%s), records it with netscope record, and\n"
		"explains the trace: what was done, how this kernel could be watched and what\n"
		"that hid, what the kernel did, and where to look next.\n"
		"\n"
		"Options:\n"
		"  --count N         workload size (default %" PRIu64 ")\n"
		"  --rate N          per second (default %s)\n"
		"  --duration S      bound on the workload's time (default %g s)\n"
		"  --seed N          syn-flood: the same seed, the same random sources\n"
		"  --sample-freq HZ  CPU samples per second and CPU (default %u; 0: none)\n"
		"  --method M        how to watch the kernel: bpf-func (this lab's kernel functions,\n"
		"                    data/lab_funcs.rules, by fentry, kprobe.multi or kprobes),\n"
		"                    ftrace, tracepoints; default: the first this kernel allows,\n"
		"                    in that order (the report says which and why not the others)\n"
		"  -o, --output FILE keep the trace (for netscope report FILE --view ...)\n"
		"  --funcs GLOBS     functions the profile shows (default '%s'); the functions\n"
		"                    traced are data/lab_funcs.rules'\n"
		"  --depth N         call graph levels (default %u)\n"
		"  --min-count N     call graph nodes of fewer samples and stacks are left out\n"
		"  -n, --top N       rows per table (default 10)\n"
		"  -j, --json        the same content as one JSON object (docs/labs.md)\n"
		"  --html FILE       also write the report as one self-contained HTML page\n"
		"                    (docs/html.md)\n"
		"  --perfetto FILE, --pcapng FILE, --ctf DIR\n"
		"                    also write the trace in that format (as netscope export does)\n"
		"  -f, --force       replace those outputs if they exist (never otherwise)\n"
		"  --devices A,B     the workload over two devices of this namespace (say, two\n"
		"                    NICs on one wire) instead of a veth pair: A moves into the\n"
		"                    first namespace, B into the second, both come back at the end\n"
		"  -h, --help        show this help\n"
		"\n"
		"EXAMPLES:\n"
		"  netscope lab %s\n"
		"  netscope lab %s -o %s.ns && netscope report %s.ns --view latency\n",
		lab->name, lab->title, lab->scenario, lab->count, rate, lab->duration, lab->sample_hz,
		lab->funcs ? lab->funcs : "*", lab->depth, lab->name, lab->name, lab->name,
		lab->name);
	if (lab->more_usage)
		fputs(lab->more_usage, out);
}

enum { OPT_COUNT = 1000, OPT_RATE, OPT_DURATION, OPT_SEED, OPT_FREQ, OPT_FUNCS, OPT_DEPTH,
       OPT_MIN_COUNT, OPT_HTML, OPT_PERFETTO, OPT_PCAPNG, OPT_CTF, OPT_METHOD, OPT_DEVICES };

static int parse_opts(const struct capture_lab *lab, int argc, char **argv, struct lab_opts *o)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "sample-freq", required_argument, NULL, OPT_FREQ },
		{ "output", required_argument, NULL, 'o' },
		{ "funcs", required_argument, NULL, OPT_FUNCS },
		{ "method", required_argument, NULL, OPT_METHOD },
		{ "depth", required_argument, NULL, OPT_DEPTH },
		{ "min-count", required_argument, NULL, OPT_MIN_COUNT },
		{ "top", required_argument, NULL, 'n' },
		{ "html", required_argument, NULL, OPT_HTML },
		{ "perfetto", required_argument, NULL, OPT_PERFETTO },
		{ "pcapng", required_argument, NULL, OPT_PCAPNG },
		{ "ctf", required_argument, NULL, OPT_CTF },
		{ "force", no_argument, NULL, 'f' },
		{ "devices", required_argument, NULL, OPT_DEVICES },
		{ NULL },
	};
	uint64_t v;
	char *end;
	int c;

	optind = 0;	/* glibc: 0 starts a new scan, options of argv[0] excluded */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:n:f", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_COUNT:
		case OPT_RATE:
		case OPT_SEED:
		case OPT_DEPTH:
		case OPT_MIN_COUNT:
		case 'n':
			if (ns_parse_size(optarg, &v) || !v) {
				ns_err("bad value '%s': expected a positive whole number", optarg);
				return -EINVAL;
			}
			if (c == OPT_COUNT)
				o->count = v;
			else if (c == OPT_RATE)
				o->rate = v;
			else if (c == OPT_SEED)
				o->seed = v;
			else if (c == OPT_DEPTH)
				o->depth = v > 64 ? 64 : (unsigned int)v;
			else if (c == OPT_MIN_COUNT)
				o->min_count = v;
			else
				o->top = v > 100000 ? 100000 : (unsigned int)v;
			break;
		case OPT_DURATION:
			errno = 0;
			o->duration = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->duration > 0) || o->duration > 3600) {
				ns_err("bad --duration '%s': expected seconds, more than 0 and at most 3600",
				       optarg);
				return -EINVAL;
			}
			break;
		case OPT_FREQ:
			if (ns_parse_u64(optarg, 20000, &v)) {
				ns_err("bad --sample-freq '%s': expected samples per second, 0 to 20000",
				       optarg);
				return -EINVAL;
			}
			o->sample_hz = (unsigned int)v;
			o->sample_hz_set = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_FUNCS:
			o->funcs = optarg;
			break;
		case OPT_METHOD:
			if (lab_method_parse(optarg, &o->method)) {
				ns_err("bad --method '%s': expected bpf-func, ftrace or tracepoints", optarg);
				return -EINVAL;
			}
			break;
		case OPT_HTML:
			o->html = optarg;
			break;
		case OPT_PERFETTO:
			o->perfetto = optarg;
			break;
		case OPT_PCAPNG:
			o->pcapng = optarg;
			break;
		case OPT_CTF:
			o->ctf = optarg;
			break;
		case 'f':
			o->force = true;
			break;
		case OPT_DEVICES:
			o->devices = optarg;	/* record checks it */
			break;
		default:
			cmd_bad_option(argc, argv, longopts);
			usage(lab, stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		ns_err("unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* ---- the recording ---- */

#define RECORD_ARGS_MAX 48

struct argv_buf {
	char *argv[RECORD_ARGS_MAX];
	char num[8][32];
	int argc, nums;
};

static void arg_add(struct argv_buf *a, const char *s)
{
	if (a->argc < RECORD_ARGS_MAX - 1)
		a->argv[a->argc++] = (char *)s;
	a->argv[a->argc] = NULL;
}

static void arg_num(struct argv_buf *a, const char *opt, const char *fmt, double v)
{
	if (a->nums >= 8)
		return;
	snprintf(a->num[a->nums], sizeof(a->num[0]), fmt, v);
	arg_add(a, opt);
	arg_add(a, a->num[a->nums++]);
}

/* the command line, shell-quoted where needed, for "what was done" */
static char *argv_string(char **argv)
{
	size_t len = 1;
	char *s, *p;

	for (int i = 0; argv[i]; i++)
		len += strlen(argv[i]) + 3;
	s = malloc(len + 16);
	if (!s)
		return NULL;
	p = s + sprintf(s, "netscope");
	for (int i = 0; argv[i]; i++) {
		bool quote = strpbrk(argv[i], " *?") != NULL;

		p += sprintf(p, quote ? " '%s'" : " %s", argv[i]);
	}
	return s;
}

static int record(struct lab_run *r)
{
	const struct capture_lab *lab = r->lab;
	const struct lab_opts *o = r->o;
	struct cmd_common quiet = { 0 };
	struct argv_buf a = { .argc = 0 };
	uint64_t count = o->count ? o->count : lab->count;
	uint64_t rate = o->rate ? o->rate : lab->rate;
	double duration = o->duration ? o->duration : lab->duration;
	unsigned int hz = o->sample_hz_set ? o->sample_hz : lab->sample_hz;
	const char *method_args[8];
	size_t n_method;

	arg_add(&a, "record");
	arg_add(&a, "-o");
	arg_add(&a, r->trace);
	arg_add(&a, "--scenario");
	arg_add(&a, lab->scenario);
	for (const char *const *x = lab->record_args; x && *x; x++)
		arg_add(&a, *x);
	if (count)
		arg_num(&a, "--count", "%.0f", (double)count);
	if (rate)
		arg_num(&a, "--rate", "%.0f", (double)rate);
	if (duration > 0)
		arg_num(&a, "--duration", "%g", duration);
	if (o->seed)
		arg_num(&a, "--seed", "%.0f", (double)o->seed);
	arg_num(&a, "--sample-freq", "%.0f", hz);
	if (lab->events) {
		arg_add(&a, "--events");
		arg_add(&a, lab->events);
	}
	/* what the chosen method adds: the lab's kernel functions for bpf-func */
	n_method = lab_method_record_args(&r->method, method_args, 8);
	for (size_t i = 0; i < n_method; i++)
		arg_add(&a, method_args[i]);
	if (o->devices) {
		arg_add(&a, "--devices");
		arg_add(&a, o->devices);
	}
	r->record_cmd = argv_string(a.argv);
	if (r->record_cmd)
		fprintf(stderr, "netscope lab %s: %s\n", lab->name, r->record_cmd);
	/* a new getopt scan for record's own options (glibc keeps state past optind = 1) */
	optind = 0;
	return cmd_record(a.argc, a.argv, &quiet);
}

/* ---- what the sections read ---- */

const struct counters_row *lab_counter(const struct lab_run *r, const char *label,
				       const char *group, const char *name)
{
	const struct counters_result *c = &r->res->counters;

	for (size_t i = 0; i < c->n_ns; i++) {
		if (strcmp(c->ns[i].label, label))
			continue;
		for (size_t k = 0; k < c->ns[i].n_rows; k++)
			if (!strcmp(c->ns[i].rows[k].group, group) && !strcmp(c->ns[i].rows[k].name, name))
				return &c->ns[i].rows[k];
	}
	return NULL;
}

uint64_t lab_events(const struct lab_run *r, unsigned int type)
{
	return type < RR_NTYPES ? r->res->events.count[type] : 0;
}

const struct sp_func *lab_function(const struct lab_run *r, const char *name)
{
	const struct stackprof_result *p = &r->res->profile;
	size_t len = strlen(name);

	for (size_t i = 0; i < p->n_funcs; i++)
		if (!strncmp(p->funcs[i].name, name, len) &&
		    (!p->funcs[i].name[len] || p->funcs[i].name[len] == '.'))
			return &p->funcs[i];
	return NULL;
}

void lab_heading(FILE *out, const char *title)
{
	fprintf(out, "\n== %s\n", title);
}

/* ---- the concordance: the experiment's functions in this kernel and this run ---- */

static void build_concordance(struct lab_run *r)
{
	const struct stackprof_result *p = &r->res->profile;
	struct conc_lookup lookup = { 0 };
	struct conc_rules *rules;
	struct conc_seen *seen;
	char err[256] = "";

	rules = conc_rules__builtin(err, sizeof(err));
	seen = conc_seen__new();
	if (!rules || !seen) {
		ns_warn("cannot build the concordance: %s", err[0] ? err : strerror(ENOMEM));
		goto out;
	}
	for (size_t i = 0; i < p->n_funcs; i++) {
		if (p->funcs[i].total)
			conc_seen__add(seen, p->funcs[i].name, CONC_HOW_SAMPLE, p->funcs[i].total);
		if (p->funcs[i].event_stacks)
			conc_seen__add(seen, p->funcs[i].name, CONC_HOW_STACK, p->funcs[i].event_stacks);
	}
	/* a traced function's entries are events at it (bpf-func: the funcs view) */
	for (size_t i = 0; i < r->res->funcs.n_rows; i++)
		if (r->res->funcs.rows[i].calls)
			conc_seen__add(seen, r->res->funcs.rows[i].name, CONC_HOW_EVENT,
				       r->res->funcs.rows[i].calls);
	/* a tracepoint named after a function (netif_receive_skb, kfree_skb) sees it */
	for (unsigned int t = 0; t < NS_EV__COUNT; t++)
		if (lab_events(r, t))
			conc_seen__add(seen, ns_event_name(t), CONC_HOW_EVENT, lab_events(r, t));
	conc_lookup__running(&lookup);
	r->conc = concordance__build(rules, r->lab->experiment, &lookup, seen);
	if (!r->conc)
		ns_warn("cannot build the concordance of %s: %s", r->lab->experiment, strerror(errno));
	conc_lookup__release(&lookup);
out:
	conc_seen__free(seen);
	conc_rules__free(rules);
}

/* ---- the common sections ---- */

static void text_done(const struct lab_run *r, FILE *out)
{
	lab_heading(out, "What was done");
	fprintf(out, "The reference experiment (Ubuntu 20.04, kernel 5.15, ftrace, LTTng) ran:\n");
	for (const char *const *c = r->lab->original; c && *c; c++)
		fprintf(out, "  %s\n", *c);
	if (r->o->devices)
		fprintf(out, "netscope ran the workload in two private namespaces (198.18.0.1 -> "
			"198.18.0.2, no route out)\nover the devices %s, lent to them and given back, "
			"and recorded it:\n  %s\n", r->o->devices, r->record_cmd ? r->record_cmd : "?");
	else
		fprintf(out, "netscope ran the workload in two private namespaces (198.18.0.1 -> "
			"198.18.0.2,\nno route out) and recorded it:\n  %s\n",
			r->record_cmd ? r->record_cmd : "?");
	fprintf(out, "then read the trace as `netscope report FILE --view summary,profile,callgraph,"
		     "latency,counters%s%s` does.\n", r->lab->parts & RR_PART_LAYERS ? ",layers" : "",
		r->lab->parts & RR_PART_SKBMEM ? ",skb-memory" : "");
}

static bool per_function_denied(const struct lab_run *r)
{
	return !r->ft.f[FEAT_FENTRY].ok && !r->ft.f[FEAT_KPROBE].ok &&
	       !r->ft.f[FEAT_KPROBE_MULTI].ok && !r->ft.f[FEAT_FTRACE_FUNCTION].ok;
}

static void text_watched(const struct lab_run *r, FILE *out)
{
	const struct rr_capture *cap = &r->res->capture;
	const struct rr_lost *lost = &r->res->lost;
	const char *sampling = ns_meta_get(r->meta, "capture.sampling");
	bool first = true;

	lab_heading(out, "How this kernel was watched");
	fprintf(out, "kernel %s; events through %s", cap->kernel ? cap->kernel : "?",
		cap->method ? cap->method : "?");
	fprintf(out, "; CPU samples: %s\n", sampling ? sampling : "off");
	lab_method_text(&r->method, r->meta, out);
	fprintf(out, "allowed here:");
	for (int i = 0; i < FEAT__COUNT; i++)
		if (r->ft.f[i].probed && r->ft.f[i].ok && i >= FEAT_PROG_TRACEPOINT) {
			fprintf(out, "%s %s", first ? "" : ",", feature_name(i));
			first = false;
		}
	fprintf(out, "\n");
	for (size_t i = 0; i < sizeof(method_gaps) / sizeof(method_gaps[0]); i++) {
		const struct feature *f = &r->ft.f[method_gaps[i].id];

		if (f->probed && !f->ok)
			fprintf(out, "denied: %-22s %s\n        missing: %s\n",
				feature_name(method_gaps[i].id), f->detail, method_gaps[i].what);
	}
	if (per_function_denied(r))
		fprintf(out, "so: functions are seen only where a stack or a CPU sample catches them: "
			     "no exact hit counts,\n    no durations, and a short or inlined function "
			     "can be missed (the concordance below says which)\n");
	if (lost->have_stats)
		fprintf(out, "events: %" PRIu64 " produced, %" PRIu64 " captured, %" PRIu64 " lost%s\n",
			lost->produced, lost->captured, lost->lost,
			lost->lost ? " (the ring buffer was full: counts below are low by that much)" :
				     "");
	else
		fprintf(out, "events: %" PRIu64 " read; the trace has no capture counters\n", lost->read);
	if (lost->truncated)
		fprintf(out, "the trace was cut off mid-write: the report covers what was written\n");
}

static void text_next(const struct lab_run *r, FILE *out)
{
	lab_heading(out, "Where to look next");
	for (const char *const *c = r->lab->next; c && *c; c++)
		fprintf(out, "  %s\n", *c);
	if (r->trace_kept)
		fprintf(out, "  netscope report %s --view latency,layers,segments   (the trace is kept)\n",
			r->trace);
	else
		fprintf(out, "  netscope lab %s -o FILE   keeps the trace for `netscope report FILE --view ...`\n",
			r->lab->name);
}

static int print_text(struct lab_run *r, FILE *out)
{
	int err;

	fprintf(out, "netscope lab %s: %s\n", r->lab->name, r->lab->title);
	text_done(r, out);
	text_watched(r, out);
	err = r->lab->text ? r->lab->text(r, out) : 0;
	if (lab_method_traces_funcs(&r->method)) {
		lab_heading(out, "Kernel functions: every call (netscope report FILE --view funcs)");
		funcs_print_text(out, &r->res->funcs, r->o->top ? r->o->top : 20);
	}
	lab_heading(out, "The functions the experiment names, in this kernel and this run");
	if (r->conc)
		concordance_out_text(r->conc, out);
	else if (!strcmp(r->lab->experiment, "-"))
		fprintf(out, "(none: this lab is not an experiment of the reference study)\n");
	else
		fprintf(out, "(not available: see the warning above)\n");
	text_next(r, out);
	return err;
}

static void json_strings(struct json_writer *w, const char *key, const char *const *s)
{
	json_key(w, key);
	json_arr_begin(w);
	for (; s && *s; s++)
		json_str(w, *s);
	json_arr_end(w);
}

static void print_json(const struct lab_run *r, FILE *out)
{
	const struct rr_lost *lost = &r->res->lost;
	struct json_writer *w = json_new(out);

	if (!w)
		return;
	json_obj_begin(w);
	json_kv_u64(w, "schema_version", REPORT_JSON_SCHEMA);
	json_kv_str(w, "lab", r->lab->name);
	json_kv_str(w, "title", r->lab->title);
	json_kv_str(w, "experiment", r->lab->experiment);
	json_key(w, "done");
	json_obj_begin(w);
	json_strings(w, "original", r->lab->original);
	json_kv_str(w, "record", r->record_cmd ? r->record_cmd : "");
	json_obj_end(w);
	json_key(w, "watched");
	json_obj_begin(w);
	json_kv_str(w, "method", r->res->capture.method ? r->res->capture.method : "");
	json_kv_str(w, "sampling", ns_meta_get(r->meta, "capture.sampling") ?
				   ns_meta_get(r->meta, "capture.sampling") : "off");
	json_key(w, "methods");
	json_obj_begin(w);
	for (int i = FEAT_PROG_TRACEPOINT; i < FEAT__COUNT; i++) {
		if (!r->ft.f[i].probed)
			continue;
		json_key(w, feature_name(i));
		json_obj_begin(w);
		json_kv_bool(w, "allowed", r->ft.f[i].ok);
		json_kv_str(w, "detail", r->ft.f[i].detail);
		json_obj_end(w);
	}
	json_obj_end(w);
	json_key(w, "not_seen");
	json_arr_begin(w);
	for (size_t i = 0; i < sizeof(method_gaps) / sizeof(method_gaps[0]); i++) {
		const struct feature *f = &r->ft.f[method_gaps[i].id];

		if (f->probed && !f->ok)
			json_str(w, method_gaps[i].what);
	}
	json_arr_end(w);
	json_kv_bool(w, "per_function_tracing", !per_function_denied(r));
	json_key(w, "method_choice");
	lab_method_json(&r->method, r->meta, w);
	json_obj_end(w);
	json_key(w, "events");
	json_obj_begin(w);
	json_kv_bool(w, "have_stats", lost->have_stats);
	json_kv_u64(w, "produced", lost->produced);
	json_kv_u64(w, "captured", lost->captured);
	json_kv_u64(w, "lost", lost->lost);
	json_kv_u64(w, "read", lost->read);
	json_kv_bool(w, "truncated", lost->truncated);
	json_obj_end(w);
	if (r->lab->json)
		r->lab->json(r, w);
	json_key(w, "profile");
	render_profile_json(w, &r->res->profile, &r->pv);
	json_key(w, "callgraph");
	render_callgraph_json(w, &r->res->profile, &r->pv);
	json_key(w, "funcs");
	if (lab_method_traces_funcs(&r->method))
		funcs_print_json(w, &r->res->funcs);
	else
		json_null(w);
	json_key(w, "concordance");
	if (r->conc)
		concordance_out_json(r->conc, w);
	else
		json_null(w);
	json_strings(w, "next", r->lab->next);
	json_key(w, "trace");
	if (r->trace_kept)
		json_str(w, r->trace);
	else
		json_null(w);
	json_obj_end(w);
	fputc('\n', out);
	json_free(w);
}

int lab_capture_main(const struct capture_lab *lab, int argc, char **argv,
		     const struct cmd_common *co)
{
	struct lab_opts o = { .json = co->json };
	struct lab_run r = { .lab = lab, .o = &o };
	struct report_ctx ctx = { 0 };
	struct report_file rf = { 0 };
	struct lab_outputs outs;
	char tmp[] = "/tmp/netscope-lab-XXXXXX";
	int ret = 1, fd, err;

	if (co->help) {
		usage(lab, stdout);
		return 0;
	}
	if (lab->own_mode && (ret = lab->own_mode(lab, argc, argv, co)) >= 0)
		return ret;
	ret = 1;
	if (parse_opts(lab, argc, argv, &o))
		return 2;
	/* before the workload: a refused output costs nothing */
	ret = lab_outputs_begin(&outs, &o);
	if (ret)
		return ret;
	ret = 1;
	if (o.output) {
		r.trace = o.output;
		r.trace_kept = true;
	} else {
		fd = mkstemp(tmp);
		if (fd < 0) {
			ns_err("cannot create a temporary trace in /tmp: %s", strerror(errno));
			lab_outputs_abort(&outs);
			return 1;
		}
		close(fd);
		r.trace = tmp;
	}
	r.pv = (struct profile_view){ .funcs = o.funcs ? o.funcs : lab->funcs, .top = o.top,
				      .depth = o.depth ? o.depth : lab->depth,
				      .min_count = o.min_count };
	/* the method first: a forced one that cannot work costs no workload */
	features_probe_all(&r.ft);
	err = lab_method_choose(&r.method, lab->name, o.method, &r.ft);
	if (err) {
		if (err != -EPERM)
			ns_err("cannot choose how to watch the kernel: %s", strerror(-err));
		goto out;
	}
	/* said as record says it: a fallback is never silent */
	for (size_t i = 0; i < r.method.n_probes; i++) {
		const struct lab_method_probe *p = &r.method.probes[i];

		if (p->method == LAB_METHOD_BPF_FUNC && p->tried && !p->usable && r.method.rules &&
		    r.method.chosen == LAB_METHOD_TRACEPOINTS)
			fprintf(stderr, "netscope lab %s: kernel functions not traced: %s; falling back to "
				"tracepoints, stacks and cpu samples\n", lab->name, p->why);
	}
	if (lab->before_record)
		lab->before_record();
	err = record(&r);
	if (lab->after_record)
		lab->after_record();
	if (err)
		goto out;
	ctx.top = o.top ? o.top : REPORT_DEFAULT_TOP;
	ctx.parts = RR_PART_DEFAULT | RR_PART_PROFILE | RR_PART_LATENCY | RR_PART_COUNTERS | lab->parts;
	if (lab_method_traces_funcs(&r.method))
		ctx.parts |= RR_PART_FUNCS;
	ctx.packet_sample = o.html != NULL;	/* the page's packet timelines */
	if (report_file_run(&rf, r.trace, &ctx))
		goto out;
	r.res = report_result(rf.rep);
	r.meta = ctx.meta;
	/* the call graph's default weight: a node worth a thousandth of the stacks */
	if (!r.pv.min_count)
		r.pv.min_count = (r.res->profile.samples + r.res->profile.event_stacks) / 1000 + 1;
	/* "-": a lab of no experiment of the study has no concordance rows */
	if (strcmp(lab->experiment, "-"))
		build_concordance(&r);
	if (o.json) {
		print_json(&r, stdout);
		ret = 0;
	} else {
		ret = print_text(&r, stdout);
	}
	if (fflush(stdout) || ferror(stdout)) {
		ns_err("cannot write the lab's report: %s", strerror(errno));
		ret = 1;
	}
	if (lab_outputs_write(&outs, &r))
		ret = 1;
out:
	lab_outputs_abort(&outs);
	conc_result__free(r.conc);
	lab_method_free(&r.method);
	report_file_close(&rf);
	free(r.record_cmd);
	if (!r.trace_kept)
		unlink(tmp);
	return ret;
}
