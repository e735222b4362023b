/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the Kbuild reader, shared by kbuild.c (which files a
 * configuration builds, and listing files), kbuild_config.c (loading a
 * configuration), kbuild_make.c (evaluating a makefile), kbuild_func.c
 * (make's functions) and kbuild_util.c (a string map and growing strings).
 */
#ifndef NETSCOPE_INDEX_KBUILD_PRIV_H
#define NETSCOPE_INDEX_KBUILD_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include "index/kbuild.h"

/* ---- a string map (open addressing, FNV-1a; kbuild_util.c) ---- */

struct var {
	char *name, *value;
	bool recursive;		/* '=' flavour: expanded when used */
	bool expanding;		/* being expanded: met again, it references itself */
	bool refused;		/* said so once */
};

struct strmap {
	struct var *slots;
	size_t cap, n;
};

struct var *kb_map_find(const struct strmap *m, const char *name);
/* the slot for name, created empty; NULL on ENOMEM */
struct var *kb_map_get(struct strmap *m, const char *name);
void kb_map_free(struct strmap *m);

/* ---- growing strings (kbuild_util.c) ---- */

/* out of memory sticks: later adds do nothing, kb_sb_take() gives NULL */
struct sbuf {
	char *s;
	size_t n, cap;
	bool oom;
};

void kb_sb_add(struct sbuf *b, const char *s, size_t n);
void kb_sb_str(struct sbuf *b, const char *s);
/* append a word, space-separated */
void kb_sb_word(struct sbuf *b, const char *w, size_t n);
/* the buffer's string (never NULL but on ENOMEM), ownership to the caller */
char *kb_sb_take(struct sbuf *b);
/* next whitespace-separated word of *p: its start, length in *n; NULL at the end */
const char *kb_next_word(const char **p, size_t *n);
/* s with its words separated by single spaces, malloc'ed; NULL on ENOMEM */
char *kb_strip_dup(const char *s);

/* ---- the evaluator (kbuild_make.c) ---- */

/* the state of one makefile being evaluated */
struct mk {
	struct strmap vars;
	const struct kbuild_config *cfg;
	const char *tree, *dir;
	const char *file;	/* the makefile, for messages */
	int depth;		/* of recursive expansion */
	int err;		/* -ELOOP once a loop make refuses was met (and said) */
};

/* append s[0..n) with its references expanded to out; 0 or -ENOMEM */
int kb_expand(struct mk *m, const char *s, size_t n, struct sbuf *out);
/* s[0..n) expanded, malloc'ed; NULL on ENOMEM */
char *kb_expand_str(struct mk *m, const char *s, size_t n);
/* a variable's value, expanded; NULL when unset */
char *kb_var_value(struct mk *m, const char *name);
/* split the arguments of a function at top-level commas (at most max; the last keeps the rest) */
int kb_split_args(const char *s, size_t n, const char **arg, size_t *len, int max);
/* evaluate one makefile's text (continuations already joined) line by line */
int kb_eval_text(struct mk *m, char *text);
/* read a makefile, joining backslash-continued lines as make does; NULL when unreadable */
char *kb_read_makefile(const char *path);

/* ---- make's functions (kbuild_func.c) ---- */

/* $(fn args): 1 when fn is a function handled here, 0 when s is a variable name */
int kb_call_function(struct mk *m, const char *s, size_t n, struct sbuf *out);
/* $(patsubst pat,rep,text) on the words of text, to out */
void kb_pattern_subst(struct sbuf *out, const char *pat, const char *rep, const char *text);

#endif
