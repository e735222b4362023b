/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The labs: an experiment of the reference study as one command that sets
 * up its namespaces, runs its workload, captures, analyses and prints a
 * report to read top to bottom (docs/labs.md).
 *
 * `lab structs` (lab_structs.c) reads the source and BTF only.  The
 * capture labs share one runner (lab_capture.c): options, the recording,
 * the analyses, and the sections every lab has (what was done, how this
 * kernel was watched and what that hid, events lost, the functions the
 * experiment names, where to look next); each lab (lab_synflood.c,
 * lab_layers.c) describes its workload and adds its own findings.
 */
#ifndef NS_CMD_LAB_H
#define NS_CMD_LAB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "analysis/result.h"
#include "analysis/result_concordance.h"
#include "capture/features.h"
#include "cmd/args.h"
#include "cmd/lab_method.h"
#include "render/profile.h"
#include "trace/model.h"

struct json_writer;

int lab_structs_main(int argc, char **argv, const struct cmd_common *co);

/* What the user can change of a capture lab; 0 / NULL: the lab's default. */
struct lab_opts {
	uint64_t count, rate, seed;
	double duration;
	unsigned int sample_hz;
	bool sample_hz_set;	/* --sample-freq given (0 is a value: no samples) */
	const char *output;	/* -o FILE: keep the trace there */
	const char *funcs;	/* profile filter */
	enum lab_method method;	/* --method; AUTO: the first that works (lab_method.h) */
	unsigned int top, depth;
	uint64_t min_count;
	bool json;
	/* written beside the report (cmd/lab_outputs.c); NULL: not asked */
	const char *html;		/* --html FILE: the report as one HTML page */
	const char *perfetto, *pcapng, *ctf;	/* the trace through these exporters */
	bool force;			/* replace those outputs if they exist */
	const char *devices;		/* --devices A,B: the workload over two devices, not veth */
};

struct capture_lab;

/* What a capture lab has once its workload ran: what its sections read. */
struct lab_run {
	const struct capture_lab *lab;
	const struct lab_opts *o;
	const char *trace;		/* the trace file */
	bool trace_kept;		/* -o: it stays after the lab */
	char *record_cmd;		/* the netscope record command line that ran */
	const struct report_result *res;
	const struct ns_meta *meta;
	struct features ft;		/* what this kernel allows, found by trying */
	struct lab_method_plan method;	/* how it was watched: the method chosen, why not the others */
	struct conc_result *conc;	/* the experiment's functions; NULL if it could not be built */
	struct profile_view pv;		/* how the profile and call graph are shown */
};

struct capture_lab {
	const char *name;		/* `netscope lab NAME` */
	const char *title;
	const char *summary;		/* one line, for `lab list` */
	const char *experiment;		/* the concordance's experiment: "exp2" */
	const char *const *original;	/* the reference experiment's commands, NULL-ended */
	const char *scenario;
	const char *const *record_args;	/* more `netscope record` options, NULL-ended */
	const char *events;
	uint64_t count, rate;		/* defaults; 0: the scenario's */
	double duration;
	unsigned int sample_hz;
	const char *funcs;		/* the profile's default filter */
	unsigned int depth;		/* the call graph's default depth */
	unsigned int parts;		/* analyses beyond the default report's */
	/* the lab's own findings, between the common sections; 0 or 1 (failed, said) */
	int (*text)(const struct lab_run *r, FILE *out);
	void (*json)(const struct lab_run *r, struct json_writer *w);
	/*
	 * The same findings on the HTML page (--html), with the blocks of
	 * render/html.h (tables, bars, html_flame_svg()); NULL: the page shows
	 * what text() prints, in a <pre> (cmd/lab_html.c).
	 */
	void (*html)(const struct lab_run *r, FILE *out);
	/* commands to run next, NULL-ended */
	const char *const *next;
	/* called just before and just after the recording (snapshots of /proc); NULL: none */
	void (*before_record)(void);
	void (*after_record)(void);
	/* a mode of the lab outside the shared runner (interrupts --ifname): -1 when
	 * argv does not ask for it, else its exit code; NULL: none */
	int (*own_mode)(const struct capture_lab *lab, int argc, char **argv,
			const struct cmd_common *co);
	const char *more_usage;	/* that mode's options, for --help; NULL: none */
};

extern const struct capture_lab lab_syn_flood;
extern const struct capture_lab lab_layers;
extern const struct capture_lab lab_drops;
extern const struct capture_lab lab_handshake;
extern const struct capture_lab lab_interrupts;
extern const struct capture_lab lab_skb_memory;

/* Run a capture lab: argv[0] is its name.  Returns the exit code. */
int lab_capture_main(const struct capture_lab *lab, int argc, char **argv,
		     const struct cmd_common *co);

/* ---- for the labs' sections ---- */

/* "== title" and a blank line before it */
void lab_heading(FILE *out, const char *title);
/* a counter's row in namespace label ("a", "b"), NULL when the trace has none */
const struct counters_row *lab_counter(const struct lab_run *r, const char *label,
				       const char *group, const char *name);
/* events of one type the trace holds */
uint64_t lab_events(const struct lab_run *r, unsigned int type);
/* what a way of watching the kernel would add, said when it is denied; NULL: nothing said */
const char *lab_method_gap(enum feature_id id);
/* the profile's row of a function (clone suffixes ignored), NULL when never seen */
const struct sp_func *lab_function(const struct lab_run *r, const char *name);

#endif
