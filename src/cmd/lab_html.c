// SPDX-License-Identifier: GPL-2.0
/*
 * A capture lab as one HTML page (`netscope lab NAME --html FILE`): the
 * lab's own sections around the report's (render/html.h).  It reads the
 * lab's run (cmd/lab.h: what was done, what this kernel allowed) and its
 * result.  The lab's findings and the concordance are shown as the text
 * report prints them, so a new lab is on the page without HTML of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/lab.h"
#include "render/concordance_out.h"
#include "render/html.h"
#include "cmd/lab_html.h"

/* what a text printer wrote, as a <pre>; false when it printed nothing or failed */
static bool pre_of(FILE *out, int (*print)(const struct lab_run *, FILE *), const struct lab_run *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	bool ok;

	if (!mem)
		return false;
	print(r, mem);
	ok = !fclose(mem) && len;
	if (ok) {
		fputs("<pre>", out);
		html_esc_n(out, buf, len);
		fputs("</pre>\n", out);
	}
	free(buf);
	return ok;
}

static int concordance_text(const struct lab_run *r, FILE *out)
{
	concordance_out_text(r->conc, out);
	return 0;
}

static void done(FILE *out, const struct lab_run *r)
{
	html_section(out, "done", "What was done");
	if (r->lab->original && r->lab->original[0]) {
		fputs("<p>The reference experiment (Ubuntu 20.04, kernel 5.15, ftrace, LTTng) ran:</p>"
		      "<pre>", out);
		for (const char *const *c = r->lab->original; *c; c++) {
			html_esc(out, *c);
			fputc('\n', out);
		}
		fputs("</pre>\n", out);
	}
	fputs("<p>netscope ran the workload in two private namespaces (198.18.0.1 → 198.18.0.2, no"
	      " route out) and recorded it:</p><pre>", out);
	html_esc(out, r->record_cmd ? r->record_cmd : "?");
	fputs("</pre>\n", out);
	html_section_end(out);
}

/* the method the lab chose and why not the others, as the text says it */
static void method_choice(FILE *out, const struct lab_run *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return;
	lab_method_text(&r->method, r->meta, m);
	if (fclose(m) == 0 && buf) {
		fputs("<pre id=\"method-choice\">", out);
		html_esc(out, buf);
		fputs("</pre>\n", out);
	}
	free(buf);
}

static void watched(FILE *out, const struct lab_run *r)
{
	const char *sampling = ns_meta_get(r->meta, "capture.sampling");

	html_section(out, "watched", "How this kernel was watched");
	fputs("<p>Events through ", out);
	html_esc(out, r->res->capture.method ? r->res->capture.method : "?");
	fputs("; CPU samples: ", out);
	html_esc(out, sampling ? sampling : "off");
	fputs(".</p>\n", out);
	method_choice(out, r);
	fputs("<div class=\"scroll\"><table id=\"methods\"><thead><tr><th>way of watching</th>"
	      "<th>here</th><th>detail</th><th>what it would add</th></tr></thead><tbody>\n", out);
	for (int i = FEAT_PROG_TRACEPOINT; i < FEAT__COUNT; i++) {
		const struct feature *f = &r->ft.f[i];
		const char *gap = lab_method_gap(i);

		if (!f->probed)
			continue;
		fputs("<tr><td>", out);
		html_esc(out, feature_name(i));
		fprintf(out, "</td><td class=\"%s\">%s</td><td>", f->ok ? "fate-consumed" : "warn",
			f->ok ? "allowed" : "denied");
		html_esc(out, f->detail);
		fputs("</td><td>", out);
		if (!f->ok && gap)
			html_esc(out, gap);
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody></table></div>\n", out);
	html_section_end(out);
}

static void next_steps(FILE *out, const struct lab_run *r)
{
	html_section(out, "next", "Where to look next");
	fputs("<pre>", out);
	for (const char *const *c = r->lab->next; c && *c; c++) {
		html_esc(out, *c);
		fputc('\n', out);
	}
	if (r->trace_kept) {
		fputs("netscope report ", out);
		html_esc(out, r->trace);
		fputs(" --view latency,layers,segments   (the trace is kept)\n", out);
	} else {
		fputs("netscope lab ", out);
		html_esc(out, r->lab->name);
		fputs(" -o FILE   keeps the trace for `netscope report FILE --view ...`\n", out);
	}
	fputs("</pre>\n", out);
	html_section_end(out);
}

void render_lab_html(const struct lab_run *r, FILE *out)
{
	struct html_toc toc[32];
	size_t n = 0;
	char title[256];

	snprintf(title, sizeof(title), "netscope lab %s: %s", r->lab->name, r->lab->title);
	toc[n++] = (struct html_toc){ "done", "What was done" };
	toc[n++] = (struct html_toc){ "watched", "How this kernel was watched" };
	if (r->lab->text || r->lab->html)
		toc[n++] = (struct html_toc){ "findings", "What the kernel did" };
	n += html_report_toc(r->res, toc + n, 32 - n - 2);
	toc[n++] = (struct html_toc){ "concordance", "The functions the experiment names" };
	toc[n++] = (struct html_toc){ "next", "Where to look next" };

	html_begin(out, title);
	html_toc(out, toc, n);
	done(out, r);
	watched(out, r);
	if (r->lab->html) {
		html_section(out, "findings", "What the kernel did");
		r->lab->html(r, out);
		html_section_end(out);
	} else if (r->lab->text) {
		html_section(out, "findings", "What the kernel did");
		fputs("<p class=\"muted\">As the lab's text report has it; the sections after this one"
		      " draw the analyses it read.</p>\n", out);
		if (!pre_of(out, r->lab->text, r))
			fputs("<p class=\"warn\">The lab's findings could not be printed.</p>\n", out);
		html_section_end(out);
	}
	html_report_body(out, r->res);
	html_section(out, "concordance", "The functions the experiment names");
	if (r->conc)
		pre_of(out, concordance_text, r);
	else
		fputs("<p>None: this lab is not an experiment of the reference study, or the"
		      " concordance could not be built.</p>\n", out);
	html_section_end(out);
	next_steps(out, r);
	html_end(out);
}
