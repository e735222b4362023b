/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The views of a report (`netscope report FILE --view NAME,...`): each a
 * name, the result parts it needs and its text and JSON renderers.  The
 * default report is the view "summary"; the others show the analyses the
 * labs use (profile, call graph, layers, latency, counters) on any trace.
 */
#ifndef NS_RENDER_VIEWS_H
#define NS_RENDER_VIEWS_H

#include <stdbool.h>
#include <stdio.h>
#include "analysis/result.h"
#include "render/profile.h"

struct json_writer;

struct view_opts {
	struct profile_view profile;	/* profile and callgraph: filter, rows, depth */
};

struct view_desc {
	const char *name;
	unsigned int parts;		/* RR_PART_* the view needs */
	const char *summary;
	void (*text)(const struct report_result *res, const struct view_opts *o, FILE *out);
	/* a member (or members) of the caller's JSON object */
	void (*json)(struct json_writer *w, const struct report_result *res,
		     const struct view_opts *o);
	bool packet_sample;		/* needs report_ctx.packet_sample */
};

/* the views, NULL-terminated */
extern const struct view_desc view_table[];
const struct view_desc *view_find(const char *name);
/* "summary, profile, ..." for messages */
void view_names(char *buf, size_t len);

#endif
