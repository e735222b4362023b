// SPDX-License-Identifier: GPL-2.0
/*
 * A trace file (docs/TRACE_FORMAT.md) through everything that reads one:
 * the reader (tfr_*), every analysis of the report (all RR_PART_* bits),
 * the text and JSON of the report and of every view, each event as
 * `netscope trace` prints it (event_line.c), and every exporter whose
 * output is a file (`netscope export`, src/export/).  A trace is a file
 * people pass around: none of this may trust it.
 *
 * Every chunk carries two crc32s (docs/TRACE_FORMAT.md): a mutated input
 * would almost always stop at the first one.  So each input is read twice:
 * with its CRCs made right (the reader then parses what the mutation
 * changed) and, when that changed a byte, as it is (the CRC checks).
 */
#include <stdint.h>
#include "analysis/report.h"
#include "cmd/report_file.h"
#include "common/json.h"
#include "export/export.h"
#include "render/event_line.h"
#include "render/html.h"
#include "render/report.h"
#include "render/views.h"
#include "fuzz_util.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	devnull = fopen("/dev/null", "w");
	return devnull ? 0 : 1;
}

/* each event as text and JSON lines, with its stack as the trace file holds it */
static void print_events(const char *path)
{
	struct tracefile_reader *tr;
	struct event_fmt fmt = { 0 };
	struct ns_event ev;
	char err[256];

	tr = tfr_open(path, err, sizeof(err));
	if (!tr)
		return;
	fmt.names = tfr_names(tr);
	fmt.ksyms = tfr_ksyms(tr);
	for (int i = 0; i < 4096 && tfr_next(tr, &ev) > 0; i++) {
		const uint64_t *ips = NULL;
		size_t n = 0, skip;

		if (!fmt.t0_ns)
			fmt.t0_ns = ev.ts_ns;
		if (ev.stack_id >= 0)
			ips = tfr_stack(tr, ev.stack_id, &n);
		n = n < NS_STACK_DEPTH ? n : NS_STACK_DEPTH;
		skip = ips ? ksyms__tracing_frames(fmt.ksyms, ips, n) : 0;
		event_line_print(devnull, &fmt, &ev);
		event_json_print(devnull, &fmt, &ev, ips ? ips + skip : NULL, (int)(n - skip));
	}
	tfr_close(tr);
}

static void print_report(const struct report_result *res)
{
	struct view_opts vo = { 0 };
	struct json_writer *w;

	render_report_text(res, devnull);
	render_report_json(res, devnull);
	render_report_html(res, "fuzz", devnull);
	for (const struct view_desc *v = view_table; v->name; v++) {
		v->text(res, &vo, devnull);
		if (!v->json)
			continue;
		w = json_new(devnull);
		if (!w)
			continue;
		json_obj_begin(w);
		v->json(w, res, &vo);
		json_obj_end(w);
		json_free(w);
	}
}

/*
 * Every file exporter, into a scratch file removed after each.  Their
 * messages (the summary line, a truncated input's warning) would fill the
 * fuzzer's log at every run, so stderr points at /dev/null meanwhile and is
 * restored before the next exporter: a crash report inside one is lost,
 * but libFuzzer still keeps the input that crashed.
 */
static void export_all(const char *path)
{
	struct export_opts o = { 0 };
	char out[64], err[256];
	int saved;

	snprintf(out, sizeof(out), "/dev/shm/netscope-fuzz-export-%d", (int)getpid());
	for (const struct exporter *e = ns_exporters; e->name; e++) {
		struct export_src src = { .path = path };

		if (e->to_dir)		/* a tree of files: not here */
			continue;
		src.tr = tfr_open(path, err, sizeof(err));
		if (!src.tr)
			return;
		unlink(out);
		fflush(stderr);
		saved = dup(2);
		if (saved >= 0)
			dup2(fileno(devnull), 2);
		e->run(&src, out, &o);
		fflush(stderr);
		if (saved >= 0) {
			dup2(saved, 2);
			close(saved);
		}
		unlink(out);
		tfr_close(src.tr);
	}
}

static void read_trace(const uint8_t *data, size_t size)
{
	struct report_ctx ctx = { .top = REPORT_DEFAULT_TOP };
	struct report_file rf = { 0 };
	char path[64];
	int fd = fuzz_memfd(data, size, path, sizeof(path));

	if (fd < 0)
		return;
	/* every analysis, as the report and its views together would ask */
	ctx.parts = RR_PART_COUNTS | RR_PART_DROPS | RR_PART_TCP | RR_PART_JOURNEYS |
		    RR_PART_CALLPATHS | RR_PART_PROFILE | RR_PART_LATENCY | RR_PART_COUNTERS |
		    RR_PART_LAYERS | RR_PART_SOFTIRQ | RR_PART_SKBMEM | RR_PART_FUNCS;
	ctx.packet_sample = true;	/* the packets view and the HTML page's timelines */
	if (!report_file_run(&rf, path, &ctx) && report_result(rf.rep))
		print_report(report_result(rf.rep));
	report_file_close(&rf);
	print_events(path);
	export_all(path);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_trace_twice(data, size, read_trace);
}
