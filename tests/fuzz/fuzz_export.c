// SPDX-License-Identifier: GPL-2.0
/*
 * A trace file through the timeline exporters: `netscope export --to
 * perfetto` and `--to chrome-json` (export/timeline.c, perfetto.c,
 * chrome_json.c, protobuf.c, event_args.c), both passes, to a file in
 * /dev/shm removed after each run.  As fuzz_tracefile.c, each input is
 * exported with its chunk CRCs made right and, when that changed a byte,
 * as it is.
 */
#include <stdint.h>
#include "export/export.h"
#include "fuzz_util.h"

static char out[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	snprintf(out, sizeof(out), "/dev/shm/netscope-fuzz-export-%d", (int)getpid());
	return 0;
}

static void export_trace(const uint8_t *data, size_t size)
{
	static int (*const formats[])(struct export_src *, const char *, const struct export_opts *) = {
		export_perfetto, export_chrome_json,
	};
	const struct export_opts o = { 0 };
	char path[64], err[256];
	int fd = fuzz_memfd(data, size, path, sizeof(path));

	if (fd < 0)
		return;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct export_src src = { .path = path };

		src.tr = tfr_open(path, err, sizeof(err));
		if (!src.tr)
			break;
		unlink(out);
		formats[i](&src, out, &o);
		tfr_close(src.tr);
		unlink(out);
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_trace_twice(data, size, export_trace);
}
