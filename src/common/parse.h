/* SPDX-License-Identifier: GPL-2.0 */
/* Numbers from the command line: whole strings only, no sign, no overflow. */
#ifndef NS_PARSE_H
#define NS_PARSE_H

#include <stdint.h>

/* decimal, at most max; 0 or -EINVAL */
int ns_parse_u64(const char *s, uint64_t max, uint64_t *out);
/* decimal with an optional K/M/G suffix (powers of 1024); 0 or -EINVAL */
int ns_parse_size(const char *s, uint64_t *out);

#endif
