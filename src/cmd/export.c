// SPDX-License-Identifier: GPL-2.0
/*
 * netscope export FILE --to FORMAT OUT: a trace in a format another viewer
 * opens.  This file owns the input; the output's life (never overwrite
 * without --force, write to a temporary name renamed into place, remove it
 * on failure) is cmd/output_file.c's; the formats live in src/export/
 * (export/export.h).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/args.h"
#include "cmd/cmd.h"
#include "common/log.h"
#include "cmd/export_out.h"
#include "export/export.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: netscope export TRACE --to FORMAT OUT [--force]\n"
		"\n"
		"Write a trace file (from 'netscope record') in a format another viewer opens.\n"
		"\n"
		"Formats:\n");
	for (const struct exporter *e = ns_exporters; e->name; e++)
		fprintf(out, "  %-12s %s %s\n", e->name, e->to_dir ? "DIR " : "FILE", e->what);
	if (!ns_exporters[0].name)
		fprintf(out, "  (none in this build)\n");
	fprintf(out,
		"\n"
		"Options:\n"
		"  -t, --to FORMAT  the format (above)\n"
		"  -f, --force      replace OUT if it exists (it is never overwritten otherwise)\n"
		"  -v, --verbose    more messages on stderr\n"
		"  -h, --help       show this help\n"
		"\n"
		"OUT is written under a temporary name and renamed when complete: a failed\n"
		"export leaves nothing behind.  A truncated trace is exported up to where it\n"
		"stops, and the command says where; a corrupt chunk stops the export there too.\n"
		"\n"
		"Exit status: 0 when OUT is written (also from a truncated trace, with a\n"
		"warning); 1 when the trace cannot be read or OUT cannot be written; 2 for a\n"
		"usage error.\n");
}

/* say how the input ended, when it did not end at its end chunk */
static void say_end(const struct export_src *src)
{
	if (src->err)
		ns_warn("'%s' has a corrupt chunk (%s): exported the %" PRIu64 " events before it",
			src->path, tfr_error(src->tr) ? tfr_error(src->tr) : strerror(-src->err),
			src->events);
	else if (src->truncated)
		ns_warn("'%s' is truncated at offset %" PRIu64 " (cut off mid-write?): exported the"
			" %" PRIu64 " events before it", src->path, src->truncated_at, src->events);
}

int cmd_export(int argc, char **argv, const struct cmd_common *co)
{
	static const struct option longopts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL },
	};
	struct export_opts o = { 0 };
	struct output_file of;
	const struct exporter *ex = NULL;
	const char *to = NULL;
	int c;

	if (co->help) {
		usage(stdout);
		return 0;
	}
	while ((c = getopt_long(argc, argv, "t:f", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			to = optarg;
			break;
		case 'f':
			o.force = true;
			break;
		default:
			cmd_bad_option(argc, argv, longopts);
			usage(stderr);
			return 2;
		}
	}
	if (!to) {
		ns_err("missing --to FORMAT (netscope export TRACE --to FORMAT OUT)");
		usage(stderr);
		return 2;
	}
	ex = exporter_find(to);
	if (!ex) {
		ns_err("unknown export format '%s' (see netscope export --help)", to);
		return 2;
	}
	if (argc - optind != 2) {
		if (argc - optind < 2)
			ns_err("missing %s (netscope export TRACE --to %s %s)",
			       argc == optind ? "TRACE and OUT" : "OUT", ex->name, ex->to_dir ? "DIR" : "FILE");
		else
			ns_err("unexpected argument '%s' (one TRACE and one OUT)", argv[optind + 2]);
		usage(stderr);
		return 2;
	}
	if (output_file_begin(&of, argv[optind + 1], o.force))
		return 1;
	return export_trace_to(ex, argv[optind], &of);
}

int export_trace_to(const struct exporter *ex, const char *trace, struct output_file *of)
{
	struct export_opts o = { .force = of->force };
	struct export_src src = { .path = trace };
	char err[512] = "";
	int ret = 1;

	src.tr = tfr_open(src.path, err, sizeof(err));
	if (!src.tr) {
		ns_err("%s", err[0] ? err : strerror(errno));
		return 1;
	}
	if (ex->run(&src, of->tmp, &o))
		goto fail;
	if (src.err && !src.events) {
		ns_err("'%s': %s: nothing exported", src.path,
		       tfr_error(src.tr) ? tfr_error(src.tr) : strerror(-src.err));
		goto fail;
	}
	if (output_file_commit(of))
		goto done;
	say_end(&src);
	fprintf(stderr, "netscope: wrote %s (%s): %" PRIu64 " events\n", of->path, ex->name,
		src.events);
	ret = 0;
	goto done;
fail:
	output_file_abort(of);
done:
	tfr_close(src.tr);
	return ret;
}

const struct exporter *export_find_for(const char *name, const char *opt)
{
	const struct exporter *ex = exporter_find(name);

	if (!ex)
		ns_err("%s: this build has no %s exporter (netscope export --help lists the formats"
		       " it has)", opt, name);
	return ex;
}

