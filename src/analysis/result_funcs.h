/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The funcs view's result: the kernel functions a trace recorded with
 * --funcs / --method bpf-func saw (func_entry / func_exit events), per
 * function: calls, returns, the packets that passed, and with fexit the
 * time from entry to return (render/funcs_out.c).
 */
#ifndef NS_ANALYSIS_RESULT_FUNCS_H
#define NS_ANALYSIS_RESULT_FUNCS_H

#include <stddef.h>
#include <stdint.h>

struct func_row {
	char name[64];		/* from the trace's symbols; "0x..." without them */
	uint64_t calls;		/* func_entry events */
	uint64_t returns;	/* func_exit events */
	uint64_t packets;	/* entries that carried a packet id */
	uint64_t timed;		/* returns matched to their entry (same thread, nesting) */
	uint64_t total_ns, max_ns; /* entry -> return of the timed ones */
};

struct funcs_result {
	char method[64];	/* metadata "capture.funcs" ("fentry, 6 functions"); "" when off */
	uint64_t entries, exits;
	uint64_t unmatched_exits; /* a return with no entry of its thread open (lost, or before the capture) */
	struct func_row *rows;	/* by calls (descending), then name */
	size_t n_rows;
	uint64_t rows_overflow;	/* events of functions beyond the cap: not counted */
};

#endif
