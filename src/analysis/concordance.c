// SPDX-License-Identifier: GPL-2.0
/*
 * The seed concordance (concordance.h): rules parsing, and each row's
 * status, stand-in and why.
 *
 * A stand-in is looked for only when the function was not seen: first the
 * rule's stand-ins in their order, preferring one the trace saw, else the
 * first this kernel has; then, when the function is gone from kallsyms,
 * guesses this kernel confirms: NAME_noprof (6.10 renamed the allocators
 * when alloc_hooks() wrapped them for allocation profiling), __NAME (the
 * body behind an inline wrapper, as alloc_skb -> __alloc_skb), and the
 * function's own compiler clone when only clones are left.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/concordance.h"
#include "common/data.h"
#include "common/strmap.h"
#include "common/textfile.h"

struct conc_rule {
	char *experiment, *function, *why;
	char **stand_ins;
	size_t n_stand_ins;
};

struct conc_rules {
	struct conc_rule *v;
	size_t n, cap;
};

struct conc_seen {
	struct ns_strmap idx;	/* base name -> counts[] */
	uint64_t (*counts)[CONC_HOW__N];
	size_t n, cap;
};

const char *conc_how_name(enum conc_how h)
{
	static const char *const names[CONC_HOW__N] = { "event", "stack", "sample" };

	return (unsigned)h < CONC_HOW__N ? names[h] : "?";
}

const char *conc_status_name(enum conc_status s)
{
	static const char *const names[] = { "seen", "not seen", "inlined", "absent", "unknown" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *conc_from_name(enum conc_from f)
{
	static const char *const names[] = { "none", "rule", "guess: _noprof", "guess: __name",
					     "guess: clone" };

	return (unsigned)f < sizeof(names) / sizeof(names[0]) ? names[f] : "?";
}

/* ---- rules ---- */

struct conc_rules *conc_rules__new(void)
{
	return calloc(1, sizeof(struct conc_rules));
}

static void rule_free(struct conc_rule *r)
{
	free(r->experiment);
	free(r->function);
	free(r->why);
	for (size_t i = 0; i < r->n_stand_ins; i++)
		free(r->stand_ins[i]);
	free(r->stand_ins);
}

void conc_rules__free(struct conc_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		rule_free(&r->v[i]);
	free(r->v);
	free(r);
}

static int split_stand_ins(struct conc_rule *rule, const char *list)
{
	if (!strcmp(list, "-"))
		return 0;
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		char **v = realloc(rule->stand_ins, (rule->n_stand_ins + 1) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		rule->stand_ins = v;
		v[rule->n_stand_ins] = strndup(p, len);
		if (!v[rule->n_stand_ins])
			return -ENOMEM;
		rule->n_stand_ins++;
		p += len + (p[len] == ',');
	}
	return 0;
}

static int parse_rule(struct conc_rules *r, char *line, const char *origin, unsigned lineno, char *err,
		      size_t errlen)
{
	char *field[4];
	struct conc_rule rule = { 0 };
	int n = 0, ret;

	for (char *p = line; n < 4; n++) {
		field[n] = p;
		p = n < 3 ? strchr(p, '\t') : NULL;
		if (n < 3 && !p)
			break;
		if (p)
			*p++ = '\0';
	}
	if (n < 4) {
		snprintf(err, errlen, "%s:%u: %d fields, expected 4 separated by tabs (experiment, function, "
			 "stand-ins or '-', why)", origin, lineno, n + 1);
		return -EINVAL;
	}
	for (int i = 0; i < 4; i++)
		if (!*field[i]) {
			snprintf(err, errlen, "%s:%u: field %d is empty", origin, lineno, i + 1);
			return -EINVAL;
		}
	if (strncmp(field[0], "exp", 3) || !field[0][3]) {
		snprintf(err, errlen, "%s:%u: experiment '%s' is not expN", origin, lineno, field[0]);
		return -EINVAL;
	}
	if (strchr(field[1], ' ') || strchr(field[2], ' ')) {
		snprintf(err, errlen, "%s:%u: a blank in a function name", origin, lineno);
		return -EINVAL;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct conc_rule *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	rule.experiment = strdup(field[0]);
	rule.function = strdup(field[1]);
	rule.why = strdup(field[3]);
	ret = rule.experiment && rule.function && rule.why ? split_stand_ins(&rule, field[2]) : -ENOMEM;
	if (ret) {
		rule_free(&rule);
		return ret;
	}
	r->v[r->n++] = rule;
	return 0;
}

int conc_rules__parse(struct conc_rules *r, const char *text, const char *origin, char *err, size_t errlen)
{
	size_t before = r->n;
	unsigned lineno = 0;
	char *copy = strdup(text), *line, *next;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (line = copy; line && !ret; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		line[strcspn(line, "\r")] = '\0';
		if (!*line || *line == '#')
			continue;
		ret = parse_rule(r, line, origin, lineno, err, errlen);
	}
	free(copy);
	while (ret && r->n > before)	/* all of text or nothing */
		rule_free(&r->v[--r->n]);
	return ret;
}

int conc_rules__load_file(struct conc_rules *r, const char *path, char *err, size_t errlen)
{
	char *text;
	int ret = ns_read_text_file(path, &text, err, errlen);

	if (ret)
		return ret;
	ret = conc_rules__parse(r, text, path, err, errlen);
	free(text);
	return ret;
}

struct conc_rules *conc_rules__builtin(char *err, size_t errlen)
{
	struct conc_rules *r = conc_rules__new();
	int ret;

	if (!r)
		return NULL;
	ret = conc_rules__parse(r, ns_data_concordance, "data/concordance.rules", err, errlen);
	if (ret) {
		conc_rules__free(r);
		errno = -ret;
		return NULL;
	}
	return r;
}

size_t conc_rules__experiments(const struct conc_rules *r, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++) {
		size_t j;

		for (j = 0; j < i && strcmp(r->v[j].experiment, r->v[i].experiment); j++)
			;
		if (j < i)
			continue;	/* named before */
		if (n < max)
			out[n] = r->v[i].experiment;
		n++;
	}
	return n;
}

/* ---- seen facts ---- */

struct conc_seen *conc_seen__new(void)
{
	return calloc(1, sizeof(struct conc_seen));
}

void conc_seen__free(struct conc_seen *s)
{
	if (!s)
		return;
	ns_strmap_free(&s->idx);
	free(s->counts);
	free(s);
}

int conc_seen__add(struct conc_seen *s, const char *function, enum conc_how how, uint64_t count)
{
	char base[256];
	uint32_t i;

	if ((unsigned)how >= CONC_HOW__N)
		return -EINVAL;
	snprintf(base, sizeof(base), "%.*s", (int)strcspn(function, ".+"), function);
	if (!ns_strmap_get(&s->idx, base, &i)) {
		if (s->n == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 64;
			void *m = realloc(s->counts, cap * sizeof(*s->counts));

			if (!m)
				return -ENOMEM;
			s->counts = m;
			s->cap = cap;
		}
		if (!ns_strmap_put(&s->idx, base, s->n))
			return -ENOMEM;
		i = s->n++;
		memset(s->counts[i], 0, sizeof(s->counts[i]));
	}
	s->counts[i][how] += count;
	return 0;
}

/* counts of name into out; whether any is non-zero */
static int seen_of(const struct conc_seen *s, const char *name, uint64_t out[CONC_HOW__N])
{
	uint32_t i;
	int any = 0;

	memset(out, 0, CONC_HOW__N * sizeof(uint64_t));
	if (!s || !ns_strmap_get(&s->idx, name, &i))
		return 0;
	for (int h = 0; h < CONC_HOW__N; h++) {
		out[h] = s->counts[i][h];
		any |= out[h] != 0;
	}
	return any;
}

/* ---- rows ---- */

static int tri(int v)
{
	return v < 0 ? -1 : v > 0;
}

static void no_clone(void *ctx, const char *clone)
{
}

/* in this kernel under its own name or a clone's: 1, 0, or -1 (cannot tell) */
static int present(const struct conc_lookup *k, const char *name)
{
	int sym = k->in_kallsyms(k->arg, name), clones;

	if (sym > 0)
		return 1;
	clones = k->clones(k->arg, name, no_clone, NULL);
	if (clones > 0)
		return 1;
	return sym < 0 ? -1 : 0;
}

static void add_clone(void *ctx, const char *clone)
{
	struct conc_row *row = ctx;
	char **v = realloc(row->clones, (row->n_clones + 1) * sizeof(*v));

	if (!v)
		return;		/* a clone less named; the row stays true otherwise */
	row->clones = v;
	v[row->n_clones] = strdup(clone);
	if (v[row->n_clones])
		row->n_clones++;
}

static int set_stand_in(struct conc_row *row, const struct conc_lookup *k, const struct conc_seen *seen,
			const char *name, enum conc_from from)
{
	row->stand_in = strdup(name);
	if (!row->stand_in)
		return -ENOMEM;
	row->stand_in_from = from;
	row->stand_in_kallsyms = present(k, name);
	seen_of(seen, name, row->stand_in_seen);
	return 0;
}

/* the rule's stand-in the trace saw, else the first this kernel has */
static int rule_stand_in(struct conc_row *row, const struct conc_rule *rule, const struct conc_lookup *k,
			 const struct conc_seen *seen)
{
	int first = -1;
	uint64_t counts[CONC_HOW__N];

	for (size_t i = 0; i < rule->n_stand_ins; i++) {
		if (seen_of(seen, rule->stand_ins[i], counts))
			return set_stand_in(row, k, seen, rule->stand_ins[i], CONC_FROM_RULE);
		if (first < 0 && present(k, rule->stand_ins[i]) != 0)
			first = (int)i;	/* present, or kallsyms unreadable: the rule is all we know */
	}
	return first < 0 ? 0 : set_stand_in(row, k, seen, rule->stand_ins[first], CONC_FROM_RULE);
}

static int guessed_stand_in(struct conc_row *row, const struct conc_lookup *k, const struct conc_seen *seen)
{
	char name[300];

	if (row->status == CONC_ABSENT || row->status == CONC_INLINED) {
		snprintf(name, sizeof(name), "%s_noprof", row->function);
		if (present(k, name) == 1)
			return set_stand_in(row, k, seen, name, CONC_FROM_NOPROF);
		snprintf(name, sizeof(name), "__%s", row->function);
		if (present(k, name) == 1)
			return set_stand_in(row, k, seen, name, CONC_FROM_UNDERSCORE);
	}
	if (row->in_kallsyms == 0 && row->n_clones)
		return set_stand_in(row, k, seen, row->clones[0], CONC_FROM_CLONE);
	return 0;
}

static char *why_of(const struct conc_row *row, const struct conc_rule *rule)
{
	char buf[1024];
	const char *s = row->stand_in;

	/* a rule's why is the kernel's story; '-' leaves it to what was found */
	if (strcmp(rule->why, "-") && (row->stand_in_from == CONC_FROM_RULE || row->stand_in_from == CONC_FROM_NONE))
		return strdup(rule->why);
	if (strcmp(rule->why, "-")) {
		snprintf(buf, sizeof(buf), "%s (no stand-in of the rule is in this kernel; %s is, %s)", rule->why,
			 s, conc_from_name(row->stand_in_from));
		return strdup(buf);
	}
	switch (row->status) {
	case CONC_SEEN:
		if (row->in_kallsyms != 1 && row->n_clones)
			snprintf(buf, sizeof(buf), "seen in this trace through its compiler clone %s",
				 row->clones[0]);
		else
			snprintf(buf, sizeof(buf), "seen in this trace");
		break;
	case CONC_NOT_SEEN:
		if (row->stand_in_from == CONC_FROM_CLONE)
			snprintf(buf, sizeof(buf), "only compiler clones are in kallsyms (%s): probe that name; "
				 "this run did not reach it", s);
		else
			snprintf(buf, sizeof(buf), "in this kernel, but this run did not reach it");
		break;
	case CONC_INLINED:
		if (s)
			snprintf(buf, sizeof(buf), "a BTF FUNC but no symbol: inlined into its callers; %s is in "
				 "kallsyms (%s)", s, conc_from_name(row->stand_in_from));
		else
			snprintf(buf, sizeof(buf), "a BTF FUNC but no symbol: inlined into every caller, no probe "
				 "can see it");
		break;
	case CONC_ABSENT:
		if (s)
			snprintf(buf, sizeof(buf), "not in this kernel; %s is (%s)", s,
				 conc_from_name(row->stand_in_from));
		else
			snprintf(buf, sizeof(buf), "in neither kallsyms nor BTF and no rule names a stand-in: "
				 "renamed, removed or an inline (data/concordance.rules can name one)");
		break;
	default:
		snprintf(buf, sizeof(buf), "kallsyms could not be read: whether this kernel has it is unknown");
	}
	return strdup(buf);
}

static int build_row(struct conc_row *row, const struct conc_rule *rule, const struct conc_lookup *k,
		     const struct conc_seen *seen)
{
	int ret = 0;

	row->experiment = strdup(rule->experiment);
	row->function = strdup(rule->function);
	if (!row->experiment || !row->function)
		return -ENOMEM;
	row->in_kallsyms = tri(k->in_kallsyms(k->arg, row->function));
	row->in_btf = tri(k->in_btf(k->arg, row->function));
	k->clones(k->arg, row->function, add_clone, row);
	if (seen_of(seen, row->function, row->seen))
		row->status = CONC_SEEN;
	else if (row->in_kallsyms == 1 || row->n_clones)
		row->status = CONC_NOT_SEEN;
	else if (row->in_btf == 1)
		row->status = CONC_INLINED;
	else if (row->in_kallsyms < 0)
		row->status = CONC_UNKNOWN;
	else
		row->status = CONC_ABSENT;
	if (row->status != CONC_SEEN) {
		ret = rule_stand_in(row, rule, k, seen);
		if (!ret && !row->stand_in)
			ret = guessed_stand_in(row, k, seen);
	}
	row->why = ret ? NULL : why_of(row, rule);
	return ret ? ret : row->why ? 0 : -ENOMEM;
}

struct conc_result *concordance__build(const struct conc_rules *rules, const char *experiment,
				       const struct conc_lookup *k, const struct conc_seen *seen)
{
	struct conc_result *r = calloc(1, sizeof(*r));
	char exp[64];
	int all = !strcmp(experiment, "all");

	if (!r)
		return NULL;
	/* "3" and "exp3" name the same experiment */
	snprintf(exp, sizeof(exp), "%s%s", experiment[0] >= '0' && experiment[0] <= '9' ? "exp" : "",
		 experiment);
	r->experiment = strdup(all ? "all" : exp);
	r->rows = calloc(rules->n ? rules->n : 1, sizeof(*r->rows));
	if (!r->experiment || !r->rows)
		goto oom;
	r->kallsyms_read = k->in_kallsyms(k->arg, "do_syscall_64") >= 0;
	r->btf_read = k->in_btf(k->arg, "do_syscall_64") >= 0;
	for (size_t i = 0; i < rules->n; i++) {
		if (!all && strcmp(rules->v[i].experiment, exp))
			continue;
		if (build_row(&r->rows[r->n_rows++], &rules->v[i], k, seen))
			goto oom;
	}
	if (!r->n_rows) {
		conc_result__free(r);
		errno = ENOENT;
		return NULL;
	}
	return r;
oom:
	conc_result__free(r);
	errno = ENOMEM;
	return NULL;
}

void conc_result__free(struct conc_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_rows; i++) {
		struct conc_row *row = &r->rows[i];

		free(row->experiment);
		free(row->function);
		for (size_t c = 0; c < row->n_clones; c++)
			free(row->clones[c]);
		free(row->clones);
		free(row->stand_in);
		free(row->why);
	}
	free(r->rows);
	free(r->experiment);
	free(r);
}
