// SPDX-License-Identifier: GPL-2.0
/*
 * The functions that use a struct's members most: what `netscope lab
 * structs` shows next to the most used members.  One grouped query over the
 * (record, member) index.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "index/query_lab.h"
#include "index/query_priv.h"

int ixq__record_funcs(struct ixq *q, const char *record, size_t max, struct ixq_func_use **out, size_t *nr)
{
	static const char sql[] =
		"SELECT func_id, count(*) AS uses, count(DISTINCT member),"
		" sum(mode IN ('read', 'rw')), sum(mode IN ('write', 'rw', 'init')), sum(mode = 'addr')"
		" FROM accesses WHERE record = ?1 AND func_id IS NOT NULL"
		" GROUP BY func_id ORDER BY uses DESC, func_id LIMIT ?2";
	struct ixq_func_use *v = NULL;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc = SQLITE_DONE, err = 0;

	*out = NULL;
	*nr = 0;
	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK)
		return ixq_sql_err(q);
	sqlite3_bind_text(st, 1, record, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	v = calloc(max ? max : 1, sizeof(*v));
	if (!v) {
		sqlite3_finalize(st);
		return -ENOMEM;
	}
	while (!err && n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ixq_func_use *u = &v[n];

		u->uses = sqlite3_column_int(st, 1);
		u->members = sqlite3_column_int(st, 2);
		u->reads = sqlite3_column_int(st, 3);
		u->writes = sqlite3_column_int(st, 4);
		u->addrs = sqlite3_column_int(st, 5);
		err = ixq_func_by_id(q, sqlite3_column_int64(st, 0), &u->func);
		if (!err)
			n++;
	}
	if (!err && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = ixq_sql_err(q);
	sqlite3_finalize(st);
	if (err) {
		ixq__record_funcs_free(v, n);
		return err;
	}
	*out = v;
	*nr = n;
	return 0;
}

void ixq__record_funcs_free(struct ixq_func_use *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ixq__func_clear(&v[i].func);
	free(v);
}
