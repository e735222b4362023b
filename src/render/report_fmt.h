/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the report's renderers (render/report_*.c): how many rows of a
 * table they show, and the call paths, printed by both.
 */
#ifndef NS_RENDER_REPORT_FMT_H
#define NS_RENDER_REPORT_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "analysis/result.h"

/*
 * Rows shown of a table of n rows, and the rows and count left out; both
 * renderers call this so that text and JSON hide the same rows.
 */
static inline size_t rr_shown(const struct report_result *res, size_t n, const void *rows,
			      size_t size, size_t count_off, uint64_t *omitted_count)
{
	size_t shown = n < res->top ? n : res->top;
	uint64_t rest = 0;

	for (size_t i = shown; i < n; i++)
		rest += *(const uint64_t *)((const unsigned char *)rows + i * size + count_off);
	*omitted_count = rest;
	return shown;
}

#define RR_SHOWN(res, arr, n, type, omitted) \
	rr_shown((res), (n), (arr), sizeof(type), offsetof(type, count), (omitted))

/* report_callpaths.c */
struct json_writer;
void callpaths_print_text(const struct report_result *res, FILE *out);
/* the functions behind the first nr_seqs journeys' steps */
void callpaths_print_steps(const struct report_result *res, size_t nr_seqs, FILE *out);
void callpaths_print_json(struct json_writer *w, const struct report_result *res);

#endif
