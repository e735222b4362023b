/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seed concordance: for each function a reference experiment names
 * (data/concordance.rules), what the running kernel and the trace say
 * about it: a BTF FUNC or not, a kallsyms symbol or only compiler clones
 * (.isra, .constprop, .part, .cold), seen in the trace or not, and when it
 * is absent or was not seen, what stands in for it and why.  Never a
 * silent gap: every function gets a status and a one-line why.
 *
 * The kernel is reached only through struct conc_lookup (function
 * pointers: tests give fakes, conc_lookup__running() the real kernel);
 * what the trace saw the caller says with conc_seen__add().
 */
#ifndef NS_ANALYSIS_CONCORDANCE_H
#define NS_ANALYSIS_CONCORDANCE_H

#include <stddef.h>
#include <stdint.h>
#include "analysis/result_concordance.h"

/* ---- the rules: data/concordance.rules or a file like it ---- */

struct conc_rules;

/* the compiled-in data/concordance.rules; NULL with errno, a message in err */
struct conc_rules *conc_rules__builtin(char *err, size_t errlen);
struct conc_rules *conc_rules__new(void);
/*
 * Append text's rules (EXPERIMENT<TAB>FUNCTION<TAB>STAND-INS<TAB>WHY;
 * STAND-INS '-' for none, then guesses are tried; WHY '-' for a why made
 * from what the kernel and trace show), all or none: -EINVAL with "origin:LINE: what is wrong" in err, or -ENOMEM.
 */
int conc_rules__parse(struct conc_rules *r, const char *text, const char *origin, char *err, size_t errlen);
int conc_rules__load_file(struct conc_rules *r, const char *path, char *err, size_t errlen);
/* the experiments named, in file order: up to max into out, returns how many there are */
size_t conc_rules__experiments(const struct conc_rules *r, const char **out, size_t max);
void conc_rules__free(struct conc_rules *r);

/* ---- what the trace saw ---- */


struct conc_seen;

struct conc_seen *conc_seen__new(void);
/* function (its clone suffix is cut: skb_push.cold counts as skb_push) seen count times; 0 or -ENOMEM */
int conc_seen__add(struct conc_seen *s, const char *function, enum conc_how how, uint64_t count);
void conc_seen__free(struct conc_seen *s);

/* ---- the running kernel ---- */

struct conc_lookup {
	void *arg;
	/* 1: a text symbol of exactly this name; 0: none; -errno: kallsyms unreadable */
	int (*in_kallsyms)(void *arg, const char *name);
	/*
	 * each(ctx, clone) for every compiler clone of name in kallsyms
	 * (name.isra.0, name.cold, ...); the number of clones, or -errno
	 */
	int (*clones)(void *arg, const char *name, void (*each)(void *ctx, const char *clone), void *ctx);
	/* 1: BTF has a FUNC of this name; 0: not; -errno: no BTF */
	int (*in_btf)(void *arg, const char *name);
};

/*
 * The running kernel: /proc/kallsyms (text symbols) and the vmlinux BTF
 * (libbpf's btf__load_vmlinux_btf()).  Either may be unreadable; its
 * lookups then answer -errno and rows say 'unknown'.  0 or -ENOMEM.
 */
int conc_lookup__running(struct conc_lookup *l);
void conc_lookup__release(struct conc_lookup *l);


/*
 * The rows of experiment ("exp3", "3", or "all") in rules order.  NULL
 * with errno: ENOENT for an experiment the rules do not name, ENOMEM.
 */
struct conc_result *concordance__build(const struct conc_rules *rules, const char *experiment,
				       const struct conc_lookup *k, const struct conc_seen *seen);

#endif
