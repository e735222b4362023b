/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two renderers of a struct layout share: the printer state and the
 * helpers both the text (btf_layout_print.c, where these are defined) and the
 * JSON renderer (btf_layout_json.c) call, so both name types and members the
 * same way.  Private to src/inspect; the public API is btf_layout.h.
 */
#ifndef NS_BTF_LAYOUT_PRINTER_H
#define NS_BTF_LAYOUT_PRINTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include "inspect/btf_layout.h"

struct btf;
struct btf_type;
struct btf_dump;

/* the most aliases shown for one member */
#define MAX_ALIASES 64

struct printer {
	const struct btf_layout *l;
	const struct btf *btf;
	FILE *out;
	struct btf_dump *dump;
	char *buf;		/* what btf_dump printed last */
	size_t len, cap;
	int err;
	__u32 last_cacheline;	/* the last cache line boundary shown */
	bool blank;		/* a blank line is due before the next line */
	char path[512];		/* of the struct being printed: "" or "headers." */
	size_t path_len;
};

/* 0 or -errno; printer__fini frees what printer__init made */
int printer__init(struct printer *p, const struct btf_layout *l, FILE *out);
void printer__fini(struct printer *p);

/* The C declaration of type id with field name (may be ""), in p->buf. */
const char *printer__type_decl(struct printer *p, __u32 id, const char *field);

/* "x.y" for member name of the struct being printed, in buf */
const char *printer__member_path(const struct printer *p, const char *name, char *buf,
				 size_t size);

/* enter a nested struct's member name; returns the path_len to restore */
size_t printer__path_push(struct printer *p, const char *name);

/* "union" or "struct" */
const char *printer__kind_str(__u16 kind);

/* "[2][3]" for an array type, "" otherwise; "[]" first when flex */
void printer__array_suffix(const struct btf *btf, __u32 id, bool flex, char *buf, size_t size);

/* member i of n is a flexible array member (BTF's [0] at the end of a struct) */
bool printer__is_flex_array(const struct btf *btf, const struct btf_layout_node *n, __u32 i);

/* anonymous enum member type (after qualifiers), or NULL */
const struct btf_type *printer__anon_enum(const struct btf *btf, __u32 id);

#endif
