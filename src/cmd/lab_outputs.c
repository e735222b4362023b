// SPDX-License-Identifier: GPL-2.0
/* The files a capture lab writes beside its report (cmd/lab_outputs.h). */
#include <string.h>
#include "cmd/export_out.h"
#include "cmd/lab_outputs.h"
#include "common/log.h"
#include "cmd/lab_html.h"

int lab_outputs_begin(struct lab_outputs *lo, const struct lab_opts *o)
{
	const struct {
		const char *opt, *format, *path;
	} asked[LAB_OUTPUTS_MAX] = {
		{ "--html", NULL, o->html },
		{ "--perfetto", "perfetto", o->perfetto },
		{ "--pcapng", "pcapng", o->pcapng },
		{ "--ctf", "ctf", o->ctf },
	};

	memset(lo, 0, sizeof(*lo));
	for (size_t i = 0; i < LAB_OUTPUTS_MAX; i++) {
		const struct exporter *ex = NULL;

		if (!asked[i].path)
			continue;
		/* formats land one by one: ask by name, say which one this build lacks */
		if (asked[i].format && !(ex = export_find_for(asked[i].format, asked[i].opt)))
			goto usage;
		if (o->output && !strcmp(o->output, asked[i].path)) {
			ns_err("-o and %s name the same path '%s'", asked[i].opt, asked[i].path);
			goto usage;
		}
		for (size_t k = 0; k < lo->n; k++)
			if (!strcmp(lo->out[k].of.path, asked[i].path)) {
				ns_err("%s and %s name the same path '%s'", lo->out[k].opt, asked[i].opt,
				       asked[i].path);
				goto usage;
			}
		lo->out[lo->n].opt = asked[i].opt;
		lo->out[lo->n].ex = ex;
		if (output_file_begin(&lo->out[lo->n].of, asked[i].path, o->force)) {
			lab_outputs_abort(lo);
			return 1;
		}
		lo->out[lo->n++].pending = true;
	}
	if (o->force && !lo->n) {
		ns_err("--force goes with --html, --perfetto, --pcapng or --ctf");
		goto usage;
	}
	return 0;
usage:
	lab_outputs_abort(lo);
	return 2;
}

static int write_html(struct output_file *of, const struct lab_run *r)
{
	FILE *f = output_file_open(of);

	if (!f)
		return 1;
	render_lab_html(r, f);
	if (output_file_close(of, f, true))
		return 1;
	fprintf(stderr, "netscope: wrote %s\n", of->path);
	return 0;
}

int lab_outputs_write(struct lab_outputs *lo, const struct lab_run *r)
{
	int ret = 0;

	for (size_t i = 0; i < lo->n; i++) {
		struct output_file *of = &lo->out[i].of;

		lo->out[i].pending = false;	/* written or removed below, either way */
		if (lo->out[i].ex)
			ret |= export_trace_to(lo->out[i].ex, r->trace, of);
		else
			ret |= write_html(of, r);
	}
	return ret;
}

void lab_outputs_abort(struct lab_outputs *lo)
{
	for (size_t i = 0; i < lo->n; i++)
		if (lo->out[i].pending) {
			output_file_abort(&lo->out[i].of);
			lo->out[i].pending = false;
		}
}
