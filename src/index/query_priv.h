/* SPDX-License-Identifier: GPL-2.0 */
/* Inside the query library (query*.c): the handle and its statements. */
#ifndef NS_INDEX_QUERY_PRIV_H
#define NS_INDEX_QUERY_PRIV_H

#include <sqlite3.h>
#include "index/query.h"

/* Every statement the library runs, prepared once per handle on first use. */
enum ixq_stmt_id {
	ST_FUNCS_BY_NAME,
	ST_FUNC_BY_USR,
	ST_FUNC_BY_ID,
	ST_CALLEES,
	ST_CALLERS,
	ST_CALLED_USRS,
	ST_SLOT_FUNCS,
	ST_FUNC_SLOTS,
	ST_SLOT_CALLERS,
	ST_MEMBER_USES,
	ST_MEMBER_TOTALS,
	ST_RECORD_MODES,
	ST_RECORD_FUNCS,
	ST_RECORD_ANY,
	ST_NEXT_RECORD,
	ST_NEXT_SLOT_RECORD,
	ST_MEMBERS_OF,
	ST_FUNC_NAMES,
	ST_STAT_CALLERS,
	ST_STAT_INDIRECT,
	ST_STAT_CALLEES,
	ST_STAT_ACCESSES,
	ST_RECORD_VIAS,
	ST_NR,
};

struct ixq {
	sqlite3 *db;
	struct ixq_meta meta;
	sqlite3_stmt *st[ST_NR];
	char err[256];
};

/* The statement, reset and unbound, ready for binding; NULL after -EIO. */
sqlite3_stmt *ixq_stmt(struct ixq *q, enum ixq_stmt_id id);
/* Remember SQLite's message; returns -EIO (or -ENOMEM when that was it). */
int ixq_sql_err(struct ixq *q);
/* A column as a malloc'ed string, NULL for SQL NULL; *err = -ENOMEM on failure. */
char *ixq_col_dup(sqlite3_stmt *st, int col, int *err);
/* "" for NULL: for columns only compared, never kept */
const char *ixq_col_str(sqlite3_stmt *st, int col);
/* A function row (the columns of ST_FUNCS_BY_NAME) into f. */
int ixq_func_from_row(sqlite3_stmt *st, struct ixq_func *f);
/* The function with this usr, or f->id = 0 with only usr and name filled. */
int ixq_func_by_usr(struct ixq *q, const char *usr, const char *name, struct ixq_func *f);
int ixq_func_by_id(struct ixq *q, long long id, struct ixq_func *f);
enum ixq_mode ixq_mode_of(const char *s, bool *known);
/* "record.member" split at its first dot; false when via names no member */
bool ixq_split_slot(const char *via, char *record, size_t rsize, const char **member);

#endif
