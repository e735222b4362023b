/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a kernel header says about one struct or union: its kernel-doc
 * comment (Documentation/doc-guide/kernel-doc.rst: "struct NAME - summary"
 * then "@member: text" paragraphs), the member names of its body as the
 * source declares them (with the #if conditions around them), and the
 * "#define sk_state __sk_common.skc_state" aliases of its members.
 *
 * Parsing works on the text of one file; finding the file is source.c's job.
 */
#ifndef NS_KERNELDOC_H
#define NS_KERNELDOC_H

#include <stdbool.h>
#include <stddef.h>

/* "@name: text" of the kernel-doc comment; text has its whitespace collapsed */
struct kdoc_entry {
	char *name;		/* as written: "skc_state", "__sk_common.skc_state" */
	char *text;
};

/*
 * A member of the body.  Members of anonymous structs/unions are named as C
 * lets code name them (no prefix); members of a nested struct with a member
 * name are "name.member", as BTF layouts name them.
 */
struct kdoc_field {
	char *path;
	char *cond;		/* "CONFIG_X", "!CONFIG_Y && CONFIG_Z", or NULL */
	unsigned int line;
};

/* #define NAME PATH, where PATH starts with a member of the struct */
struct kdoc_alias {
	char *name;
	char *path;
	unsigned int line;
};

struct kdoc_struct {
	unsigned int line;	/* of "struct NAME {", 1-based */
	bool has_comment;	/* a kernel-doc comment names the struct */
	char *summary;		/* from "struct NAME - summary", or NULL */
	size_t nr_entries, nr_fields, nr_aliases;
	struct kdoc_entry *entries;
	struct kdoc_field *fields;
	struct kdoc_alias *aliases;
};

/* Where "KIND NAME {" begins a line in text (kind "struct" or "union"), or NULL. */
const char *kdoc__find_def(const char *text, size_t len, const char *kind, const char *name);

/*
 * Parse KIND NAME from a header's text (NUL-terminated, len bytes).
 * Returns 0, -ENOENT when the file does not define it, -ENOMEM.
 */
int kdoc__parse(const char *text, size_t len, const char *kind, const char *name,
		struct kdoc_struct *out);
void kdoc__free(struct kdoc_struct *s);

/*
 * The kernel-doc text of the member at path ("s.p"): the entry named by the
 * whole path, else by its last component (kernel-doc usually documents a
 * member of a nested anonymous union by its bare name).  NULL if none.
 */
const char *kdoc__doc(const struct kdoc_struct *s, const char *path);

/* The field scanned at path, or NULL. */
const struct kdoc_field *kdoc__field(const struct kdoc_struct *s, const char *path);

#endif
