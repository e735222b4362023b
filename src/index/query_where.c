// SPDX-License-Identifier: GPL-2.0
/* What the index knows around one function: how connected it is. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "index/query_priv.h"

void ixq__func_stats_free(struct ixq_func_stats *s)
{
	for (size_t i = 0; i < s->nr_stores; i++) {
		free(s->stores[i].slot);
		free(s->stores[i].holder);
		free(s->stores[i].file);
	}
	free(s->stores);
	memset(s, 0, sizeof(*s));
}

/* one row of unsigned counts from a statement bound to usr or id */
static int counts(struct ixq *q, enum ixq_stmt_id id, const char *usr, long long num,
		  unsigned *a, unsigned *b, unsigned *c)
{
	sqlite3_stmt *st = ixq_stmt(q, id);
	int rc;

	if (!st)
		return -EIO;
	if (usr)
		sqlite3_bind_text(st, 1, usr, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, num);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*a = sqlite3_column_int(st, 0);
		*b = sqlite3_column_int(st, 1);
		if (c)
			*c = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : ixq_sql_err(q);
}

static int stores(struct ixq *q, const char *usr, struct ixq_func_stats *s)
{
	sqlite3_stmt *st = ixq_stmt(q, ST_FUNC_SLOTS);
	int rc, err = 0;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, usr, -1, SQLITE_STATIC);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ixq_store *v = realloc(s->stores, (s->nr_stores + 1) * sizeof(*v));
		struct ixq_store *r;
		char slot[512];

		if (!v) {
			err = -ENOMEM;
			break;
		}
		s->stores = v;
		r = &v[s->nr_stores++];
		memset(r, 0, sizeof(*r));
		snprintf(slot, sizeof(slot), "%s.%s", ixq_col_str(st, 0), ixq_col_str(st, 1));
		r->slot = strdup(slot);
		r->holder = ixq_col_dup(st, 2, &err);
		r->assign = !strcmp(ixq_col_str(st, 3), "assign");
		r->file = ixq_col_dup(st, 4, &err);
		r->line = sqlite3_column_int(st, 5);
		if (!r->slot)
			err = -ENOMEM;
	}
	if (!err && rc != SQLITE_DONE)
		err = ixq_sql_err(q);
	sqlite3_reset(st);
	return err;
}

int ixq__func_stats(struct ixq *q, const struct ixq_func *f, struct ixq_func_stats *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	err = counts(q, ST_STAT_CALLERS, f->usr, 0, &s->callers, &s->caller_sites, NULL);
	if (!err)
		err = counts(q, ST_STAT_INDIRECT, f->usr, 0, &s->indirect_callers, &s->indirect_sites, NULL);
	if (!err)
		err = stores(q, f->usr, s);
	/* a function only called has no body in the index: nothing it calls or uses */
	if (!err && f->id)
		err = counts(q, ST_STAT_CALLEES, NULL, f->id, &s->callees, &s->callee_sites,
			     &s->pointer_sites);
	if (!err && f->id)
		err = counts(q, ST_STAT_ACCESSES, NULL, f->id, &s->accesses, &s->members, NULL);
	if (err)
		ixq__func_stats_free(s);
	return err;
}
