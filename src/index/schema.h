/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SQLite schema of a netscope source index.  The store writes it, the
 * queries read it; bump IX_SCHEMA_VERSION on any change (an older index is
 * then rebuilt, never misread).
 *
 * Paths in files.path are relative to the tree root (meta 'tree').
 * functions.usr is clang's USR, so two static functions with one name in
 * two files stay two rows.  A header inline is stored once, owned by the
 * first unit that claimed it (functions.unit_id).
 */
#ifndef NETSCOPE_INDEX_SCHEMA_H
#define NETSCOPE_INDEX_SCHEMA_H

#define IX_SCHEMA_VERSION 2

#define IX_SCHEMA_SQL \
"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n" \
/* tree, tree_version (from the tree's Makefile), config (path of the .config */ \
/* or /proc/config.gz used), config_hash, schema, created, updated */ \
"CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,\n" \
"  hash TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL);\n" \
/* one row per indexed .c file; status 'ok' | 'errors' (parsed, with */ \
/* diagnostics) | 'failed' (no AST) */ \
"CREATE TABLE units(id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL UNIQUE REFERENCES files(id),\n" \
"  status TEXT NOT NULL, errors INTEGER NOT NULL, first_error TEXT,\n" \
"  seconds REAL NOT NULL, indexed_at INTEGER NOT NULL);\n" \
/* every file a unit read (its .c too), with the file's hash when it was */ \
/* read: the unit is stale when files.hash (now) differs */ \
"CREATE TABLE unit_deps(unit_id INTEGER NOT NULL, file_id INTEGER NOT NULL,\n" \
"  hash TEXT NOT NULL, PRIMARY KEY(unit_id, file_id)) WITHOUT ROWID;\n" \
"CREATE TABLE functions(id INTEGER PRIMARY KEY, usr TEXT NOT NULL UNIQUE, name TEXT NOT NULL,\n" \
"  file_id INTEGER NOT NULL, line INTEGER NOT NULL, col INTEGER NOT NULL, end_line INTEGER NOT NULL,\n" \
"  is_static INTEGER NOT NULL, is_inline INTEGER NOT NULL, in_header INTEGER NOT NULL,\n" \
"  summary TEXT, unit_id INTEGER NOT NULL);\n" \
/* kind: 'direct' | 'macro' | 'pointer' | 'callback' (callee passed as an */ \
/* argument, via "f(param)"); callee_usr NULL for 'pointer' */ \
"CREATE TABLE calls(caller_id INTEGER NOT NULL, callee_usr TEXT, callee_name TEXT,\n" \
"  kind TEXT NOT NULL, via TEXT, file_id INTEGER NOT NULL, line INTEGER NOT NULL,\n" \
"  col INTEGER NOT NULL, unit_id INTEGER NOT NULL);\n" \
/* mode: 'read' | 'write' | 'rw' | 'addr' | 'init' | 'size'; func_id NULL */ \
/* at file scope */ \
"CREATE TABLE accesses(func_id INTEGER, record TEXT NOT NULL, member TEXT NOT NULL,\n" \
"  mode TEXT NOT NULL, via TEXT, file_id INTEGER NOT NULL, line INTEGER NOT NULL,\n" \
"  col INTEGER NOT NULL, unit_id INTEGER NOT NULL);\n" \
/* kind: 'init' | 'assign' */ \
"CREATE TABLE fnrefs(record TEXT NOT NULL, member TEXT NOT NULL, func_usr TEXT NOT NULL,\n" \
"  func_name TEXT NOT NULL, holder TEXT, kind TEXT NOT NULL, file_id INTEGER NOT NULL,\n" \
"  line INTEGER NOT NULL, unit_id INTEGER NOT NULL);\n" \
"CREATE INDEX functions_name ON functions(name);\n" \
"CREATE INDEX calls_caller ON calls(caller_id);\n" \
"CREATE INDEX calls_callee ON calls(callee_usr);\n" \
"CREATE INDEX calls_callee_name ON calls(callee_name);\n" \
"CREATE INDEX calls_via ON calls(via) WHERE kind = 'pointer';\n" \
"CREATE INDEX calls_unit ON calls(unit_id);\n" \
"CREATE INDEX accesses_member ON accesses(record, member);\n" \
"CREATE INDEX accesses_func ON accesses(func_id);\n" \
"CREATE INDEX accesses_unit ON accesses(unit_id);\n" \
"CREATE INDEX fnrefs_slot ON fnrefs(record, member);\n" \
"CREATE INDEX fnrefs_func ON fnrefs(func_usr);\n" \
"CREATE INDEX fnrefs_unit ON fnrefs(unit_id);\n" \
"CREATE INDEX functions_unit ON functions(unit_id);\n"

#endif
