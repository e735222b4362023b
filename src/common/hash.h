/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FNV-1a of a string: the hash of netscope's in-memory string tables
 * (files, USRs, make variables).  Never stored: a change of it changes no
 * file.
 */
#ifndef NETSCOPE_COMMON_HASH_H
#define NETSCOPE_COMMON_HASH_H

#include <stdint.h>

static inline uint64_t ns_str_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;	/* the 64-bit offset basis */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

#endif
