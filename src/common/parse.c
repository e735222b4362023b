// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include "common/parse.h"

static int parse(const char *s, uint64_t max, uint64_t *out, int suffixes)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	/* strtoull would accept "-1" (as a huge number) and leading blanks */
	if (!*s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	if (suffixes) {
		switch (*end) {
		case 'K': case 'k': shift = 10; end++; break;
		case 'M': case 'm': shift = 20; end++; break;
		case 'G': case 'g': shift = 30; end++; break;
		}
	}
	if (*end || v > (max >> shift))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

int ns_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	return parse(s, max, out, 0);
}

int ns_parse_size(const char *s, uint64_t *out)
{
	return parse(s, UINT64_MAX, out, 1);
}
