// SPDX-License-Identifier: GPL-2.0
/* The export formats (export/export.h) and the event loop they share. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "common/log.h"
#include "export/export.h"

/*
 * One row per format.  A format whose exporter is not built yet is simply
 * not listed: `--to` offers only what works.
 */
const struct exporter ns_exporters[] = {
	{ "ctf", true, "CTF 1.8 for babeltrace2 and TraceCompass (as an LTTng kernel trace)", export_ctf },
	{ "pcapng", false, "the packets, headers rebuilt, each with its journey (Wireshark, tshark)",
	  export_pcapng },
	{ "folded", false, "folded stacks of CPU samples and event stacks (flame graphs)", export_folded },
	{ "speedscope", false, "the same stacks as a speedscope JSON profile", export_speedscope },
	{ "jsonl", false, "one JSON object per event, as 'trace --json' prints them", export_jsonl },
	{ "perfetto", false, "Perfetto protobuf trace: ui.perfetto.dev, trace_processor", export_perfetto },
	{ "chrome-json", false, "Chrome JSON trace events (small traces): ui.perfetto.dev, chrome://tracing", export_chrome_json },
	{ NULL },
};

const struct exporter *exporter_find(const char *name)
{
	for (const struct exporter *e = ns_exporters; e->name; e++)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

int export_next(struct export_src *src, struct ns_event *ev)
{
	int ret;

	if (src->err || !src->tr)
		return 0;
	ret = tfr_next(src->tr, ev);
	if (ret > 0) {
		src->events++;
		return 1;
	}
	if (ret < 0)
		src->err = ret;
	else
		src->truncated = tfr_truncated(src->tr, &src->truncated_at);
	return 0;
}

void export_want_payloads(struct export_src *src)
{
	src->want_payloads = true;
	if (src->tr)
		tfr_want_payloads(src->tr);
}

int export_next_payload(struct export_src *src, struct ns_payload_rec *p)
{
	return src->tr ? tfr_next_payload(src->tr, p) : 0;
}

int export_rewind(struct export_src *src)
{
	char err[512] = "";

	tfr_close(src->tr);
	src->tr = tfr_open(src->path, err, sizeof(err));
	if (!src->tr) {
		ns_err("cannot reopen '%s': %s", src->path, err[0] ? err : strerror(errno));
		return 1;
	}
	if (src->want_payloads)
		tfr_want_payloads(src->tr);
	src->events = 0;
	src->truncated = false;
	src->truncated_at = 0;
	src->err = 0;
	return 0;
}
