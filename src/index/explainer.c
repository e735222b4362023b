// SPDX-License-Identifier: GPL-2.0
/*
 * Explain mode over a source index (explainer.h).  Answers are looked up
 * per function name as the report asks; a report asks for a few hundred
 * names at most, and each lookup is one indexed query.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/log.h"
#include "index/explainer.h"
#include "index/store.h"

void ix_explainer_base_name(const char *sym, char *buf, size_t size)
{
	/* gcc names its copies name.isra.N, name.constprop.N, name.part.N, name.cold */
	static const char *const clone[] = { ".isra.", ".constprop.", ".part.", ".cold", ".lto_priv." };
	size_t len = strlen(sym);

	for (size_t i = 0; i < sizeof(clone) / sizeof(clone[0]); i++) {
		const char *c = strstr(sym, clone[i]);

		if (c && (size_t)(c - sym) < len)
			len = c - sym;
	}
	snprintf(buf, size, "%.*s", (int)len, sym);
}

bool ix_explainer_function(struct ix_explainer *e, const char *sym, char **where, char **summary)
{
	struct ixq_func *f = NULL;
	const struct ixq_func *pick = NULL;
	char name[256], buf[PATH_MAX + 32];
	size_t n = 0;
	bool found;

	ix_explainer_base_name(sym, name, sizeof(name));
	if (ixq__find_funcs(e->q, name, &f, &n) || !n) {
		ixq__funcs_free(f, n);
		return false;
	}
	/*
	 * Several definitions: statics of one name in several files.  The
	 * first outside a header is the likeliest to be the symbol; the count
	 * tells the reader there were others.
	 */
	for (size_t i = 0; i < n && !pick; i++)
		if (f[i].file && !f[i].in_header)
			pick = &f[i];
	if (!pick)
		pick = &f[0];
	found = pick->file != NULL;
	if (found) {
		if (n > 1)
			snprintf(buf, sizeof(buf), "%s:%u (1 of %zu definitions)", pick->file, pick->line, n);
		else
			snprintf(buf, sizeof(buf), "%s:%u", pick->file, pick->line);
		*where = strdup(buf);
		if (ixq__summary_text(pick))
			*summary = strdup(ixq__summary_text(pick));
	}
	ixq__funcs_free(f, n);
	return found;
}

size_t ix_explainer_firing(struct ix_explainer *e, const char *event, char **names, size_t max)
{
	struct ixq_tree_opts opts = { .dir = IXQ_CALLERS, .depth = 1 };
	struct ixq_tree t = { 0 };
	char tp[128];
	size_t n = 0;

	snprintf(tp, sizeof(tp), "trace_%s", event);
	if (ixq__call_tree(e->q, tp, &opts, &t))
		return 0;
	for (size_t r = 0; r < t.nr_roots; r++)
		for (size_t c = 0; c < t.roots[r].nr_children && n < max; c++) {
			const char *name = t.roots[r].children[c].func.name;
			bool dup = false;

			for (size_t k = 0; k < n && name; k++)
				dup |= !strcmp(names[k], name);
			if (name && !dup && (names[n] = strdup(name)))
				n++;
		}
	ixq__tree_free(&t);
	return n;
}

int ix_explainer_open(struct ix_explainer *e, const char *db, const char *trace_kernel, bool required)
{
	char path[PATH_MAX], kernel[64];
	int err;

	memset(e, 0, sizeof(*e));
	if (!db) {
		if (ix_default_db(NULL, path, sizeof(path))) {
			if (required)
				ns_err("no source index: `netscope source fetch` then `netscope index` build one");
			return -ENOENT;
		}
		db = path;
	}
	err = ixq__open(db, &e->q, &e->meta);
	if (err == -ENOENT && !required)
		return err;
	if (err) {
		char why[PATH_MAX * 3];

		if (err == -ENOENT)
			snprintf(why, sizeof(why), "no source index at '%s': `netscope index` builds one", db);
		else
			ixq__open_error(err, db, &e->meta, why, sizeof(why));
		/* an index asked for is an error; the default one only costs the explanations */
		if (required)
			ns_err("%s", why);
		else
			ns_warn("%s; the report is not explained", why);
		return err;
	}
	snprintf(e->source, sizeof(e->source), "the index of %s%s in %s",
		 e->meta.tree_version[0] ? "linux " : "", e->meta.tree_version[0] ? e->meta.tree_version :
		 e->meta.tree, db);
	/* the trace's kernel, not necessarily this machine's: the report may come from elsewhere */
	if (trace_kernel)
		snprintf(kernel, sizeof(kernel), "%.*s", (int)strcspn(trace_kernel, "-"), trace_kernel);
	else
		snprintf(kernel, sizeof(kernel), "%s", e->meta.running);
	if (strcmp(kernel, e->meta.tree_version))
		snprintf(e->note, sizeof(e->note), "the index is of linux %s, the trace of %s: lines, inlining and "
			 "call paths may differ", e->meta.tree_version[0] ? e->meta.tree_version : "(unknown)",
			 kernel);
	return 0;
}

void ix_explainer_close(struct ix_explainer *e)
{
	if (e->q)
		ixq__close(e->q);
	e->q = NULL;
}
