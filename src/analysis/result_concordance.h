/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seed concordance's result: for each function a reference experiment
 * names, its status in this kernel and this trace, and what stands in for
 * it (render/concordance_out.c).  Built by analysis/concordance.h.
 */
#ifndef NS_ANALYSIS_RESULT_CONCORDANCE_H
#define NS_ANALYSIS_RESULT_CONCORDANCE_H

#include <stddef.h>
#include <stdint.h>

enum conc_how {
	CONC_HOW_EVENT,		/* an event at the function (probe, tracepoint site) */
	CONC_HOW_STACK,		/* a frame of a captured stack */
	CONC_HOW_SAMPLE,	/* a CPU sample in it */
	CONC_HOW__N
};
const char *conc_how_name(enum conc_how h);	/* "event", "stack", "sample" */

/* ---- the result ---- */

enum conc_status {
	CONC_SEEN,		/* in the trace, as itself or a clone */
	CONC_NOT_SEEN,		/* in this kernel (symbol or clone), not in the trace */
	CONC_INLINED,		/* a BTF FUNC but no symbol nor clone: inlined into every caller */
	CONC_ABSENT,		/* in neither kallsyms nor BTF: renamed, removed or a header inline */
	CONC_UNKNOWN,		/* not seen, and kallsyms and BTF could not be read */
};
const char *conc_status_name(enum conc_status s);	/* "seen", "not seen", ... */

enum conc_from {
	CONC_FROM_NONE,		/* no stand-in */
	CONC_FROM_RULE,		/* data/concordance.rules */
	CONC_FROM_NOPROF,	/* guessed: NAME_noprof (6.10 allocation profiling) */
	CONC_FROM_UNDERSCORE,	/* guessed: __NAME, the body behind a wrapper */
	CONC_FROM_CLONE,	/* guessed: NAME's compiler clone, the only symbol left */
};
const char *conc_from_name(enum conc_from f);	/* "rule", "guess: _noprof", ... */

struct conc_row {
	char *experiment, *function;
	int in_btf, in_kallsyms;	/* 1 yes, 0 no, -1 could not tell */
	char **clones;
	size_t n_clones;
	uint64_t seen[CONC_HOW__N];
	enum conc_status status;
	/* set when the function is not seen and something stands in for it */
	char *stand_in;
	enum conc_from stand_in_from;
	int stand_in_kallsyms;		/* 1, 0, -1 */
	uint64_t stand_in_seen[CONC_HOW__N];
	char *why;			/* one line, never NULL */
};

struct conc_result {
	char *experiment;
	struct conc_row *rows;
	size_t n_rows;
	int kallsyms_read, btf_read;	/* whether the lookups could answer at all */
};
void conc_result__free(struct conc_result *r);

#endif
