// SPDX-License-Identifier: GPL-2.0
/*
 * bench/report_speed FILE.ns [read|summary|ANALYSIS...] [--repeat N]
 *
 * Events per second through the report, on one core, without printing:
 *   read      only tfr_next() over every event (the trace reader alone:
 *             inflate and per-event copy), the floor of any report
 *   summary   the default report's analyses (counts, drops, tcp,
 *             journeys, callpaths), as `netscope report FILE`
 *   NAME      one analysis of the table (analysis/registry.c) alone:
 *             counts, drops, tcp, journeys, callpaths, profile, latency,
 *             counters, layers
 * For analyses, the events are first read into memory so that the figure
 * is the analysis's own cost; "+read" after the name (summary+read) times
 * reading and analysing together, as the command does.  Prints one line:
 * "MODE EVENTS events in S s: R events/s".  CPU time (CLOCK_PROCESS_CPUTIME_ID),
 * not wall time, so a loaded machine disturbs it less.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "analysis/analysis.h"
#include "cmd/report_file.h"
#include "trace/tracefile.h"

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct ns_event *load_all(const char *path, size_t *n)
{
	char err[512] = "";
	struct tracefile_reader *r = tfr_open(path, err, sizeof(err));
	struct ns_event *v = NULL;
	size_t cap = 0;
	int rc;

	if (!r) {
		fprintf(stderr, "report_speed: %s\n", err);
		exit(1);
	}
	*n = 0;
	for (;;) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 65536;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				exit(1);
		}
		rc = tfr_next(r, &v[*n]);
		if (rc <= 0)
			break;
		(*n)++;
	}
	tfr_close(r);
	return v;
}

static unsigned int parts_of(const char *mode)
{
	const struct analysis_ops *a;

	if (!strcmp(mode, "summary"))
		return RR_PART_DEFAULT;
	a = analysis_find(mode);
	if (!a) {
		fprintf(stderr, "report_speed: no analysis '%s'\n", mode);
		exit(2);
	}
	return a->parts;
}

/* read only: the reader's own speed */
static size_t run_read(const char *path)
{
	char err[512] = "";
	struct tracefile_reader *r = tfr_open(path, err, sizeof(err));
	struct ns_event ev;
	size_t n = 0;

	if (!r) {
		fprintf(stderr, "report_speed: %s\n", err);
		exit(1);
	}
	while (tfr_next(r, &ev) > 0)
		n++;
	tfr_close(r);
	return n;
}

/* read and analyse, as `netscope report` does (cmd/report_file.c) */
static size_t run_file(const char *path, unsigned int parts)
{
	struct report_ctx ctx = { .parts = parts };
	struct report_file rf;
	size_t n;

	if (report_file_run(&rf, path, &ctx))
		exit(1);
	n = rf.events;
	report_file_close(&rf);
	return n;
}

/* analyse events already in memory: the analyses' own cost */
static double run_mem(const char *path, unsigned int parts, const struct ns_event *v, size_t n)
{
	struct report_ctx ctx = { .parts = parts };
	struct report_file rf;
	double t0;

	if (report_file_open(&rf, path, &ctx))
		exit(1);
	t0 = cpu_now();
	rf.rep = report_new(&ctx);
	if (!rf.rep)
		exit(1);
	for (size_t i = 0; i < n; i++)
		report_feed(rf.rep, &v[i]);
	if (report_finish(rf.rep, NULL, false))
		exit(1);
	t0 = cpu_now() - t0;
	report_file_close(&rf);
	return t0;
}

int main(int argc, char **argv)
{
	int repeat = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: report_speed FILE.ns [read|summary|NAME[+read]...] [--repeat N]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = atoi(argv[i + 1]);
	for (int i = 2; i < argc; i++) {
		const char *mode = argv[i];
		char name[64];
		double best = 0;
		size_t n = 0;

		if (!strcmp(mode, "--repeat")) {
			i++;
			continue;
		}
		snprintf(name, sizeof(name), "%s", mode);
		char *plus = strstr(name, "+read");

		if (plus)
			*plus = '\0';
		/* the best of N runs: the least disturbed by other load */
		for (int k = 0; k < repeat; k++) {
			double t, t0 = cpu_now();

			if (!strcmp(name, "read")) {
				n = run_read(argv[1]);
				t = cpu_now() - t0;
			} else if (plus) {
				n = run_file(argv[1], parts_of(name));
				t = cpu_now() - t0;
			} else {
				struct ns_event *v = load_all(argv[1], &n);

				t = run_mem(argv[1], parts_of(name), v, n);
				free(v);
			}
			if (!k || t < best)
				best = t;
		}
		printf("%-16s %zu events in %.3f s: %.2f M events/s\n", mode, n, best,
		       best > 0 ? n / best / 1e6 : 0.0);
	}
	return 0;
}
