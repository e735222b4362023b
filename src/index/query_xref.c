// SPDX-License-Identifier: GPL-2.0
/*
 * Member accesses: the uses of one struct member grouped by file and
 * function, and the members of one struct ranked by use.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "index/query_priv.h"

void ixq__member_uses_free(struct ixq_member_uses *u)
{
	for (size_t i = 0; i < u->nr_groups; i++) {
		struct ixq_use_group *g = &u->groups[i];

		for (size_t j = 0; j < g->nr_uses; j++)
			free(g->uses[j].via);
		free(g->uses);
		free(g->file);
		free(g->func);
		free(g->func_file);
	}
	free(u->groups);
	memset(u, 0, sizeof(*u));
}

/* every use, whatever the mask, so totals can say what a filter hid */
static int member_totals(struct ixq *q, const char *record, const char *member, struct ixq_counts *c)
{
	sqlite3_stmt *st = ixq_stmt(q, ST_MEMBER_TOTALS);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, record, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, member, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		bool known;
		enum ixq_mode m = ixq_mode_of(ixq_col_str(st, 0), &known);

		/* a mode this netscope does not know is not counted as a read */
		if (known)
			c->n[m] += sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : ixq_sql_err(q);
}

static struct ixq_use_group *new_group(struct ixq_member_uses *u, sqlite3_stmt *st, int *err)
{
	struct ixq_use_group *g, *v = realloc(u->groups, (u->nr_groups + 1) * sizeof(*v));

	if (!v) {
		*err = -ENOMEM;
		return NULL;
	}
	u->groups = v;
	g = &v[u->nr_groups++];
	memset(g, 0, sizeof(*g));
	g->file = ixq_col_dup(st, 2, err);
	g->func_id = sqlite3_column_int64(st, 5);
	g->func = ixq_col_dup(st, 6, err);
	g->func_file = ixq_col_dup(st, 7, err);
	g->func_line = sqlite3_column_int(st, 8);
	return g;
}

int ixq__member_uses(struct ixq *q, const char *record, const char *member, unsigned mask,
		     struct ixq_member_uses *out)
{
	struct ixq_use_group *g = NULL;
	sqlite3_stmt *st;
	int rc, err;

	memset(out, 0, sizeof(*out));
	err = member_totals(q, record, member, &out->totals);
	if (err)
		return err;
	if (!ixq__count(&out->totals, IXQ_ALL_MODES))
		return -ENOENT;
	st = ixq_stmt(q, ST_MEMBER_USES);
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, record, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, member, -1, SQLITE_STATIC);
	/* rows come by file, then function: a new group whenever either changes */
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		bool known;
		enum ixq_mode m = ixq_mode_of(ixq_col_str(st, 0), &known);
		long long fid = sqlite3_column_int64(st, 5);
		struct ixq_use *uv;

		if (!known || !(mask & IXQ_BIT(m)))
			continue;
		if (!g || g->func_id != fid || strcmp(g->file, ixq_col_str(st, 2))) {
			bool new_file = !g || strcmp(g->file, ixq_col_str(st, 2));

			g = new_group(out, st, &err);
			if (!g)
				break;
			out->nr_files += new_file;
		}
		uv = realloc(g->uses, (g->nr_uses + 1) * sizeof(*uv));
		if (!uv) {
			err = -ENOMEM;
			break;
		}
		g->uses = uv;
		uv[g->nr_uses] = (struct ixq_use){
			.line = sqlite3_column_int(st, 3),
			.col = sqlite3_column_int(st, 4),
			.mode = m,
			.via = ixq_col_dup(st, 1, &err),
		};
		g->nr_uses++;
		g->counts.n[m]++;
		out->shown++;
	}
	if (!err && rc != SQLITE_DONE)
		err = ixq_sql_err(q);
	sqlite3_reset(st);
	/*
	 * A static inline in a header used by several files is one function
	 * (one id), but its uses all sit in the header: groups stay per
	 * (file, function), and a function counts once however many files.
	 */
	if (!err) {
		unsigned funcs = 0;

		for (size_t i = 0; i < out->nr_groups; i++) {
			bool seen = false;

			if (!out->groups[i].func_id)
				continue;
			for (size_t j = 0; j < i && !seen; j++)
				seen = out->groups[j].func_id == out->groups[i].func_id;
			funcs += !seen;
		}
		out->nr_funcs = funcs;
	}
	if (err)
		ixq__member_uses_free(out);
	return err;
}

void ixq__record_stats_free(struct ixq_record_stats *s)
{
	for (size_t i = 0; i < s->nr; i++)
		free(s->members[i].member);
	free(s->members);
	memset(s, 0, sizeof(*s));
}

static struct ixq_member_stat *stat_of(struct ixq_record_stats *s, const char *member, int *err)
{
	struct ixq_member_stat *v;

	/* rows come grouped by member, so the last one is the usual match */
	for (size_t i = s->nr; i-- > 0;)
		if (!strcmp(s->members[i].member, member))
			return &s->members[i];
	v = realloc(s->members, (s->nr + 1) * sizeof(*v));
	if (!v) {
		*err = -ENOMEM;
		return NULL;
	}
	s->members = v;
	memset(&v[s->nr], 0, sizeof(v[s->nr]));
	v[s->nr].member = strdup(member);
	if (!v[s->nr].member) {
		*err = -ENOMEM;
		return NULL;
	}
	return &v[s->nr++];
}

static int by_total(const void *a, const void *b)
{
	const struct ixq_member_stat *x = a, *y = b;

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return strcmp(x->member, y->member);
}

int ixq__record_members(struct ixq *q, const char *record, struct ixq_record_stats *out)
{
	sqlite3_stmt *st;
	int rc, err = 0;

	memset(out, 0, sizeof(*out));
	st = ixq_stmt(q, ST_RECORD_MODES);
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, record, -1, SQLITE_STATIC);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ixq_member_stat *m = stat_of(out, ixq_col_str(st, 0), &err);
		bool known;
		enum ixq_mode mode = ixq_mode_of(ixq_col_str(st, 1), &known);
		unsigned n = sqlite3_column_int(st, 2);

		if (!m || !known)
			continue;
		m->counts.n[mode] += n;
		m->total += n;
		out->total += n;
	}
	if (!err && rc != SQLITE_DONE)
		err = ixq_sql_err(q);
	sqlite3_reset(st);
	st = err ? NULL : ixq_stmt(q, ST_RECORD_FUNCS);
	if (!err && !st)
		err = -EIO;
	if (st) {
		sqlite3_bind_text(st, 1, record, -1, SQLITE_STATIC);
		while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct ixq_member_stat *m = stat_of(out, ixq_col_str(st, 0), &err);

			if (!m)
				continue;
			/* count(DISTINCT) skips the NULL of file scope */
			m->funcs = sqlite3_column_int(st, 1);
			m->file_scope = sqlite3_column_int(st, 2);
		}
		if (!err && rc != SQLITE_DONE)
			err = ixq_sql_err(q);
		sqlite3_reset(st);
	}
	if (err) {
		ixq__record_stats_free(out);
		return err;
	}
	if (!out->nr)
		return -ENOENT;
	qsort(out->members, out->nr, sizeof(*out->members), by_total);
	return 0;
}
