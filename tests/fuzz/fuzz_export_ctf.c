// SPDX-License-Identifier: GPL-2.0
/*
 * A trace file through `netscope export --to ctf` (src/export/ctf*.c):
 * whatever the events hold (CPU numbers, types this build has no name
 * for, strings without a NUL, times going backwards, symbols), the
 * exporter writes within its buffers and frees what it took.  Read with
 * the chunks' CRCs made right, then as it is (fuzz_util.h), like
 * fuzz_tracefile.  The output goes to a directory in /dev/shm, removed
 * after each input.  The exporter's warnings (a damaged input's) would
 * fill the fuzzer's log at every run: stderr points at /dev/null
 * meanwhile, as fuzz_tracefile does for the file exporters.
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include "export/export.h"
#include "fuzz_util.h"

static char base[64];
static int devnull_fd = -1;

static void remove_base(void)
{
	rmdir(base);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	snprintf(base, sizeof(base), "/dev/shm/fuzz_export_ctf.XXXXXX");
	if (!mkdtemp(base))
		return 1;
	devnull_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	atexit(remove_base);
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void export_trace(const uint8_t *data, size_t size)
{
	struct export_opts o = { 0 };
	struct export_src src = { 0 };
	char path[64], out[128], err[256];
	int fd = fuzz_memfd(data, size, path, sizeof(path));

	if (fd < 0)
		return;
	src.path = path;
	src.tr = tfr_open(path, err, sizeof(err));
	if (src.tr) {
		int saved;

		snprintf(out, sizeof(out), "%s/out", base);
		fflush(stderr);
		saved = dup(2);
		if (saved >= 0 && devnull_fd >= 0)
			dup2(devnull_fd, 2);
		export_ctf(&src, out, &o);
		fflush(stderr);
		if (saved >= 0) {
			dup2(saved, 2);
			close(saved);
		}
		nftw(out, remove_one, 16, FTW_DEPTH | FTW_PHYS);
		tfr_close(src.tr);
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_trace_twice(data, size, export_trace);
}
