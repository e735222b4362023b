/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to kerneldoc.c and kerneldoc_body.c: the body scanner's entry and
 * the small helpers both files use.  The public API is kerneldoc.h.
 */
#ifndef NS_KERNELDOC_BODY_H
#define NS_KERNELDOC_BODY_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include "inspect/kerneldoc.h"

static inline bool kdoc__is_id(int c)
{
	return isalnum(c) || c == '_';
}

/* append item (elem bytes) to *arr of *nr items; 0 or -ENOMEM */
int kdoc__push(void **arr, size_t *nr, size_t elem, const void *item);

/* a copy of s[0..n) with runs of whitespace made one space, trimmed */
char *kdoc__collapse(const char *s, size_t n);

/*
 * The members of the body of the definition at def ("KIND NAME {" in s, the
 * header's text with comments blanked, len bytes): sets out->line and adds
 * out->fields.  0 or -ENOMEM.
 */
int kdoc__scan_body(const char *s, size_t len, const char *def, struct kdoc_struct *out);

#endif
