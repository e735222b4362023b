/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers the libFuzzer harnesses share.  A harness runs millions of times
 * in one process: every fd it opens is closed and every allocation freed
 * before it returns, or the leak detector (and fd exhaustion) stops it.
 */
#ifndef NS_FUZZ_UTIL_H
#define NS_FUZZ_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdbool.h>
#include <zlib.h>
#include <sys/mman.h>

/*
 * The input as a file the code under test can open by name: a memfd,
 * named /proc/self/fd/N in path.  The fd (close it after use), or -1.
 */
static inline int fuzz_memfd(const uint8_t *data, size_t size, char *path, size_t len)
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		return -1;
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);

		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

/* the input as a NUL-terminated string (malloc'ed: ASan sees reads past its end) */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return NULL;
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * A trace file's chunk CRCs (docs/TRACE_FORMAT.md: payload crc32 at +20,
 * header crc32 at +28 of each 32-byte chunk header) set right in d, for
 * every whole chunk: a mutated trace would otherwise stop at the first
 * CRC check.  True if one changed.
 */
#define FUZZ_TRACE_FILE_HDR 32
#define FUZZ_TRACE_CHUNK_HDR 32

static inline uint32_t fuzz_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void fuzz_put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline bool fuzz_fix_trace_crcs(uint8_t *d, size_t size)
{
	bool changed = false;

	for (size_t off = FUZZ_TRACE_FILE_HDR; off + FUZZ_TRACE_CHUNK_HDR <= size;) {
		uint8_t *h = d + off;
		uint32_t stored = fuzz_get_u32(h + 8), crc;

		if (stored > size - off - FUZZ_TRACE_CHUNK_HDR)
			break;
		crc = (uint32_t)crc32(0, h + FUZZ_TRACE_CHUNK_HDR, stored);
		changed |= fuzz_get_u32(h + 20) != crc;
		fuzz_put_u32(h + 20, crc);
		crc = (uint32_t)crc32(0, h, 28);
		changed |= fuzz_get_u32(h + 28) != crc;
		fuzz_put_u32(h + 28, crc);
		off += FUZZ_TRACE_CHUNK_HDR + stored;
	}
	return changed;
}

/*
 * Run fn on a trace input twice: with its chunk CRCs set right (so the
 * mutation reaches the parsers), then, if that changed anything, as it is
 * (so the CRC checks are fuzzed too).  The body of every trace harness.
 */
static inline int fuzz_trace_twice(const uint8_t *data, size_t size,
				   void (*fn)(const uint8_t *data, size_t size))
{
	uint8_t *fixed = malloc(size ? size : 1);
	bool changed;

	if (!fixed)
		return 0;
	memcpy(fixed, data, size);
	changed = fuzz_fix_trace_crcs(fixed, size);
	fn(fixed, size);
	if (changed)
		fn(data, size);
	free(fixed);
	return 0;
}

#endif
