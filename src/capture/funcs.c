// SPDX-License-Identifier: GPL-2.0
/*
 * Function discovery (funcs.h).  The BTF says which functions take a
 * packet or a socket and how (their prototypes); kallsyms says which have
 * an out-of-line body to attach to (a function inlined everywhere has a
 * BTF FUNC only when one copy stayed out of line, but a function the
 * compiler only cloned, NAME.isra.0, has its BTF FUNC under NAME and no
 * NAME symbol: fentry and kprobe.multi by name both fail on it);
 * available_filter_functions says which ftrace can patch (notrace
 * functions and those in .noinstr.text are missing from it).
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "capture/features.h"
#include "capture/funcs.h"
#include "common/data.h"
#include "common/strmap.h"
#include "common/textfile.h"

struct deny_rule {
	char *glob;
	char *why;
};

struct func_private {
	struct ns_strmap names;	/* interned function names */
	struct deny_rule *deny;
	size_t ndeny;
	const char **traceable;
};

static const char *const status_names[FUNC__STATUS_COUNT] = {
	[FUNC_TRACEABLE] = "traceable",
	[FUNC_CLONED] = "cloned",
	[FUNC_NO_SYMBOL] = "inlined",
	[FUNC_NOTRACE] = "notrace",
	[FUNC_DENIED] = "denied",
};

static const char *const status_why[FUNC__STATUS_COUNT] = {
	[FUNC_TRACEABLE] = "traceable",
	[FUNC_CLONED] = "only compiler clones (NAME.isra.N, NAME.constprop.N) in kallsyms",
	[FUNC_NO_SYMBOL] = "no symbol in kallsyms (inlined)",
	[FUNC_NOTRACE] = "not in available_filter_functions (notrace, noinstr)",
	[FUNC_DENIED] = "denied by data/funcs_deny.rules",
};

const char *func_status_name(enum func_status s)
{
	return s < FUNC__STATUS_COUNT ? status_names[s] : "?";
}

const char *func_status_why(enum func_status s)
{
	return s < FUNC__STATUS_COUNT ? status_why[s] : "?";
}

/* "GLOB<TAB>WHY" lines; # comments and blank lines skipped */
static int parse_deny(struct func_private *p, const char *text, char *err, size_t errlen)
{
	int line = 0;

	for (const char *s = text; *s;) {
		const char *eol = strchrnul(s, '\n'), *tab;

		line++;
		if (*s != '#' && eol > s) {
			tab = memchr(s, '\t', eol - s);
			if (!tab || tab == s || tab + 1 >= eol) {
				snprintf(err, errlen, "data/funcs_deny.rules:%d: expected GLOB<TAB>WHY", line);
				return -EINVAL;
			}
			struct deny_rule *r = realloc(p->deny, (p->ndeny + 1) * sizeof(*r));

			if (!r)
				return -ENOMEM;
			p->deny = r;
			r = &p->deny[p->ndeny];
			r->glob = strndup(s, tab - s);
			r->why = strndup(tab + 1, eol - tab - 1);
			if (!r->glob || !r->why) {
				free(r->glob);
				free(r->why);
				return -ENOMEM;
			}
			p->ndeny++;
		}
		s = *eol ? eol + 1 : eol;
	}
	return 0;
}

static const char *denied(const struct func_private *p, const char *name)
{
	for (size_t i = 0; i < p->ndeny; i++)
		if (!fnmatch(p->deny[i].glob, name, 0))
			return p->deny[i].why;
	return NULL;
}

/*
 * The vmlinux text symbols of kallsyms into syms, and the names compiler
 * clones were made from (before the first '.') into clones.  Module
 * symbols are left out: the functions come from vmlinux BTF.
 */
static int read_kallsyms(const char *path, struct ns_strmap *syms, struct ns_strmap *clones)
{
	FILE *f = fopen(path, "r");
	char line[512], name[256], type;
	unsigned long long addr;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || strchr(line, '['))
			continue;
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		char *dot = strchr(name, '.');

		if (dot) {
			*dot = '\0';
			if (!ns_strmap_put(clones, name, 1))
				goto nomem;
		} else if (!ns_strmap_put(syms, name, 1)) {
			goto nomem;
		}
	}
	fclose(f);
	return 0;
nomem:
	fclose(f);
	return -ENOMEM;
}

/* available_filter_functions: "NAME" or "NAME [module]" a line */
static int read_filter_functions(const char *path, struct ns_strmap *ok)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strchr(line, '['))
			continue;
		line[strcspn(line, " \t\n")] = '\0';
		if (line[0] && !ns_strmap_put(ok, line, 1)) {
			fclose(f);
			return -ENOMEM;
		}
	}
	/* a file that opens but refuses reads (EPERM on locked-down kernels) */
	int err = ferror(f) ? -EIO : 0;

	fclose(f);
	return err;
}

/* the struct a parameter points to ("sk_buff", "sock"), or NULL */
static const char *pointee_struct(const struct btf *btf, __u32 type)
{
	const struct btf_type *t = btf__type_by_id(btf, type);

	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_ptr(t))
		return NULL;
	t = btf__type_by_id(btf, t->type);
	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_struct(t))
		return NULL;
	return btf__name_by_offset(btf, t->name_off);
}

static int add_target(struct func_set *set, const struct func_target *ft)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 1024;
		struct func_target *f = realloc(set->f, cap * sizeof(*f));

		if (!f)
			return -ENOMEM;
		set->f = f;
		set->cap = cap;
	}
	set->f[set->n++] = *ft;
	return 0;
}

static int cmp_target(const void *a, const void *b)
{
	return strcmp(((const struct func_target *)a)->name, ((const struct func_target *)b)->name);
}

static bool matches(const struct func_sources *src, const char *name, unsigned char *hit)
{
	bool any = false;

	for (size_t i = 0; i < src->npatterns; i++)
		if (!fnmatch(src->patterns[i], name, 0)) {
			hit[i] = 1;
			any = true;
		}
	return any;
}

int funcs__discover(struct func_set *set, const struct func_sources *src, char *err, size_t errlen)
{
	struct ns_strmap syms = {}, clones = {}, filter = {};
	const struct btf *btf = src->btf;
	unsigned char *hit = NULL;
	char path[320];
	int ret;

	memset(set, 0, sizeof(*set));
	set->priv = calloc(1, sizeof(*set->priv));
	if (!set->priv)
		return -ENOMEM;
	if (!btf) {
		snprintf(err, errlen, "no kernel BTF: the functions' prototypes are unknown");
		return -ENOENT;
	}
	ret = parse_deny(set->priv, src->deny_rules ? src->deny_rules : ns_data_funcs_deny, err, errlen);
	if (ret)
		goto out;
	ret = read_kallsyms(src->kallsyms ? src->kallsyms : "/proc/kallsyms", &syms, &clones);
	if (ret) {
		snprintf(err, errlen, "cannot read '%s': %s", src->kallsyms ? src->kallsyms : "/proc/kallsyms",
			 strerror(-ret));
		goto out;
	}
	set->kallsyms_read = true;
	if (src->filter_functions) {
		snprintf(path, sizeof(path), "%s", src->filter_functions);
	} else {
		const char *tr = tracefs_path();

		snprintf(path, sizeof(path), "%s/available_filter_functions", tr ? tr : "/sys/kernel/tracing");
	}
	set->filter_list_read = read_filter_functions(path, &filter) == 0 && filter.n > 0;
	set->by_pattern = src->npatterns > 0;
	if (set->by_pattern && !(hit = calloc(src->npatterns, 1))) {
		ret = -ENOMEM;
		goto out;
	}

	for (__u32 id = 1; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id), *proto;
		struct func_target ft = { .btf_id = id, .skb_arg = -1, .sk_arg = -1 };
		const char *name;

		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		proto = btf__type_by_id(btf, t->type);
		if (!name || !*name || !proto || !btf_is_func_proto(proto))
			continue;
		if (ns_strmap_key(&set->priv->names, name))
			continue; /* a static function of the same name elsewhere: one name, one target */
		const struct btf_param *p = btf_params(proto);
		const char *s;

		ft.nargs = btf_vlen(proto);
		ft.has_ret = proto->type != 0;
		ft.ret_skb = ft.has_ret && (s = pointee_struct(btf, proto->type)) && !strcmp(s, "sk_buff");
		for (int i = 0; i < ft.nargs && i < FUNC_MAX_ARGS; i++) {
			const char *s = pointee_struct(btf, p[i].type);

			if (!s)
				continue;
			if (ft.skb_arg < 0 && !strcmp(s, "sk_buff"))
				ft.skb_arg = i;
			else if (ft.sk_arg < 0 && !strcmp(s, "sock"))
				ft.sk_arg = i;
		}
		if (set->by_pattern ? !matches(src, name, hit) : ft.skb_arg < 0 && ft.sk_arg < 0)
			continue;
		ft.name = ns_strmap_put(&set->priv->names, name, 1);
		if (!ft.name) {
			ret = -ENOMEM;
			goto out;
		}
		if (!ns_strmap_get(&syms, name, NULL))
			ft.status = ns_strmap_get(&clones, name, NULL) ? FUNC_CLONED : FUNC_NO_SYMBOL;
		else if (set->filter_list_read && !ns_strmap_get(&filter, name, NULL))
			ft.status = FUNC_NOTRACE;
		else if ((ft.deny_why = denied(set->priv, name)))
			ft.status = FUNC_DENIED;
		else
			ft.status = FUNC_TRACEABLE;
		set->count[ft.status]++;
		ret = add_target(set, &ft);
		if (ret)
			goto out;
	}
	for (size_t i = 0; i < src->npatterns; i++)
		if (!hit[i] && src->unmatched_ok) {
			set->unmatched++;
		} else if (!hit[i]) {
			snprintf(err, errlen, "'%s' matches no function of the kernel's BTF", src->patterns[i]);
			ret = -ENOENT;
			goto out;
		}
	if (set->n)
		qsort(set->f, set->n, sizeof(*set->f), cmp_target);
out:
	free(hit);
	ns_strmap_free(&syms);
	ns_strmap_free(&clones);
	ns_strmap_free(&filter);
	return ret;
}

const char **funcs__traceable(const struct func_set *set, size_t *n)
{
	size_t k = 0;

	*n = 0;
	if (!set->priv)
		return NULL;
	free(set->priv->traceable);
	set->priv->traceable = calloc(set->count[FUNC_TRACEABLE] + 1, sizeof(char *));
	if (!set->priv->traceable)
		return NULL;
	for (size_t i = 0; i < set->n; i++)
		if (set->f[i].status == FUNC_TRACEABLE)
			set->priv->traceable[k++] = set->f[i].name;
	*n = k;
	return set->priv->traceable;
}

void funcs__free(struct func_set *set)
{
	if (set->priv) {
		for (size_t i = 0; i < set->priv->ndeny; i++) {
			free(set->priv->deny[i].glob);
			free(set->priv->deny[i].why);
		}
		free(set->priv->deny);
		free(set->priv->traceable);
		ns_strmap_free(&set->priv->names);
		free(set->priv);
	}
	free(set->f);
	memset(set, 0, sizeof(*set));
}

static int push_pattern(char ***patterns, size_t *n, const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s))
		s++, len--;
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len)
		return 0;
	char **p = realloc(*patterns, (*n + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	*patterns = p;
	if (!(p[*n] = strndup(s, len)))
		return -ENOMEM;
	(*n)++;
	return 0;
}

int funcs__add_patterns(char ***patterns, size_t *n, const char *list)
{
	for (const char *s = list;;) {
		const char *comma = strchrnul(s, ',');
		int ret = push_pattern(patterns, n, s, comma - s);

		if (ret || !*comma)
			return ret;
		s = comma + 1;
	}
}

int funcs__add_pattern_file(char ***patterns, size_t *n, const char *path, char *err, size_t errlen)
{
	char *text;
	size_t before = *n;
	int ret = ns_read_text_file(path, &text, err, errlen);

	if (ret)
		return ret;
	for (const char *s = text; *s && !ret;) {
		const char *eol = strchrnul(s, '\n');

		if (*s != '#')
			ret = push_pattern(patterns, n, s, eol - s);
		s = *eol ? eol + 1 : eol;
	}
	free(text);
	if (!ret && *n == before) {
		snprintf(err, errlen, "'%s' names no function", path);
		ret = -EINVAL;
	}
	return ret;
}

void funcs__free_patterns(char **patterns, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(patterns[i]);
	free(patterns);
}
