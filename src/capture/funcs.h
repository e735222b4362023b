/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Function discovery for the per-function backends (fentry/fexit,
 * kprobe.multi, kprobes): from the kernel's BTF, every function taking a
 * struct sk_buff * or a struct sock * in argument positions 1-5,
 * intersected with what can be traced (a text symbol in kallsyms and,
 * where readable, a line of available_filter_functions), minus the deny
 * list (data/funcs_deny.rules).  --funcs GLOB[,GLOB] and --funcs-file
 * choose other functions of the BTF instead.
 */
#ifndef NS_FUNCS_H
#define NS_FUNCS_H

#include <stdbool.h>
#include <stddef.h>

struct btf;

/* why a function of the BTF is (not) traced; the order is the order tested */
enum func_status {
	FUNC_TRACEABLE = 0,
	FUNC_CLONED,	   /* only compiler clones in kallsyms (NAME.isra.0, NAME.constprop.0) */
	FUNC_NO_SYMBOL,	   /* no text symbol at all: inlined everywhere */
	FUNC_NOTRACE,	   /* a symbol, but not in available_filter_functions */
	FUNC_DENIED,	   /* a rule of the deny list */
	FUNC__STATUS_COUNT,
};

#define FUNC_MAX_ARGS 5 /* positions looked at for the skb / sock */

struct func_target {
	const char *name;	/* interned in the set */
	int btf_id;		/* its BTF FUNC (fentry programs are loaded against it) */
	int skb_arg;		/* 0-based position of the first struct sk_buff *, -1 none */
	int sk_arg;		/* 0-based position of the first struct sock *, -1 none */
	int nargs;
	bool has_ret;		/* returns a value (fexit reports it) */
	bool ret_skb;		/* returns a struct sk_buff * */
	enum func_status status;
	const char *deny_why;	/* the deny rule's reason (status FUNC_DENIED) */
};

struct func_set {
	struct func_target *f;	 /* every candidate, sorted by name */
	size_t n, cap;
	size_t count[FUNC__STATUS_COUNT];
	bool filter_list_read;	 /* available_filter_functions could be read */
	bool kallsyms_read;
	bool by_pattern;	 /* chosen by --funcs / --funcs-file, not by argument type */
	size_t unmatched;	 /* patterns matching no function (unmatched_ok) */
	struct func_private *priv;
};

struct func_sources {
	const struct btf *btf;		/* vmlinux BTF */
	const char *kallsyms;		/* path; NULL: /proc/kallsyms */
	const char *filter_functions;	/* path; NULL: <tracefs>/available_filter_functions */
	const char *deny_rules;		/* text; NULL: data/funcs_deny.rules */
	/* patterns (fnmatch) choosing functions instead of the argument types; n 0: none */
	const char *const *patterns;
	size_t npatterns;
	/* a pattern matching no BTF function is skipped (counted in
	 * set->unmatched), not an error: the labs' sets name functions some
	 * kernels lack */
	bool unmatched_ok;
};

const char *func_status_name(enum func_status s);
/* a short reason, for doctor's summary ("inlined", "notrace", ...) */
const char *func_status_why(enum func_status s);

/*
 * Fill *set (zeroed first) from src.  0, or a negative errno with the
 * message in err: a bad deny rule, no BTF, kallsyms unreadable; a pattern
 * matching no BTF function is an error too (naming it).
 */
int funcs__discover(struct func_set *set, const struct func_sources *src, char *err, size_t errlen);
/* the names of the traceable functions, in set order (pointers into set); count in *n */
const char **funcs__traceable(const struct func_set *set, size_t *n);
void funcs__free(struct func_set *set);

/*
 * Split a --funcs value (comma-separated globs) or read a --funcs-file
 * (one glob a line, '#' comments) into *patterns (malloc'ed array of
 * malloc'ed strings); appends to what is there.  0 or -errno with err.
 */
int funcs__add_patterns(char ***patterns, size_t *n, const char *list);
int funcs__add_pattern_file(char ***patterns, size_t *n, const char *path, char *err, size_t errlen);
void funcs__free_patterns(char **patterns, size_t n);

#endif
