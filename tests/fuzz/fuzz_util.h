/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers the libFuzzer harnesses share.  A harness runs millions of times
 * in one process: every fd it opens is closed and every allocation freed
 * before it returns, or the leak detector (and fd exhaustion) stops it.
 */
#ifndef NS_FUZZ_UTIL_H
#define NS_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

#endif
