#!/bin/bash
# netscope index on a copy of tests/fixtures/index: what a second run
# reindexes (by content, through headers, removed and added files), that a
# header inline stays stored once and keeps an owner, that a unit that does
# not parse is indexed as far as it parses and listed, that one or two
# workers write the same index, and every bad input: another tree, another
# schema, a file that is no index, bad options.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SRC=$TMP/tree
DB=$TMP/ix.sqlite
cp -r "$ROOT/tests/fixtures/index" "$SRC"
q() { sqlite3 "$DB" "$1"; }
# index ARGS...: run netscope index on the copy, output in $TMP/out, status in $RC
index() {
	"$NETSCOPE" index --src "$SRC" --db "$DB" "$@" >"$TMP/out" 2>&1
	RC=$?
}
# the plan line: "indexing N of M units (a new, b changed, c after a header changed)"
plan() { grep -o '^indexing [0-9]* of [0-9]* units\? ([^)]*)' "$TMP/out"; }
# the rows that make the index, without row or unit ids: equal dumps are
# equal indexes.  An empty dump (a broken query) fails the test that uses it.
dump() {
	sqlite3 -bail "$1" "
SELECT 'F', f.usr, f.name, fl.path, f.line, f.end_line, f.is_static, f.is_inline, f.in_header,
       coalesce(f.summary, '') FROM functions f JOIN files fl ON fl.id = f.file_id;
SELECT 'C', cf.usr, coalesce(c.callee_usr, ''), c.kind, coalesce(c.via, ''), fl.path, c.line, c.col
       FROM calls c JOIN functions cf ON cf.id = c.caller_id JOIN files fl ON fl.id = c.file_id;
SELECT 'A', coalesce(af.usr, ''), a.record, a.member, a.mode, coalesce(a.via, ''), fl.path, a.line, a.col
       FROM accesses a LEFT JOIN functions af ON af.id = a.func_id JOIN files fl ON fl.id = a.file_id;
SELECT 'R', r.record, r.member, r.func_usr, coalesce(r.holder, ''), r.kind, fl.path, r.line
       FROM fnrefs r JOIN files fl ON fl.id = r.file_id;" | sort
}
# same_index NAME DUMP1 DUMP2: both hold rows of every kind, and the same rows
same_index() {
	local kinds
	kinds=$(cut -c1 "$2" | sort -u | tr -d '\n')
	if [ "$kinds" != ACFR ]; then
		not_ok "$1" "the dump $2 lacks some kind of row (has: '$kinds')"
	elif ! diff "$2" "$3" >"$TMP/diff"; then
		not_ok "$1" "$(head -20 "$TMP/diff")"
	else
		ok "$1"
	fi
}

# ---- the first run ----
index -J 1
check_eq "first_run_exits_0_despite_a_unit_with_errors" "0" "$RC"
check_eq "first_run_plans_both_units_as_new" \
	"indexing 2 of 2 units (2 new, 0 changed, 0 after a header changed)" "$(plan)"
check_eq "unit_with_errors_is_counted" "1" \
	"$(grep -c '^indexed 2 units in .* 1 ok, 1 with errors, 0 failed$' "$TMP/out")"
check "unit_with_errors_is_listed_with_its_first_error" \
	grep -qx "  peer.c: peer.c:7: use of undeclared identifier 'missing_len'" "$TMP/out"
check_eq "unit_with_errors_is_indexed_as_far_as_it_parses" "errors|1|peer_len" \
	"$(q "SELECT u.status, u.errors, (SELECT group_concat(name) FROM functions WHERE name = 'peer_len')
	      FROM units u JOIN files f ON f.id = u.file_id WHERE f.path = 'peer.c'")"
check_eq "header_inline_is_stored_once" "1" "$(q "SELECT count(*) FROM functions WHERE name = 'skb_headlen'")"
dump "$DB" >"$TMP/first.dump"

# ---- nothing changed ----
index
check_eq "unchanged_tree_exits_0" "0" "$RC"
check "unchanged_tree_is_up_to_date" grep -q "is up to date: 2 units checked, nothing to reindex" "$TMP/out"
touch -d '2001-02-03 04:05:06' "$SRC/proto.c" "$SRC/include/fix_skb.h"
index
check "new_mtime_same_content_is_up_to_date" grep -q "is up to date: 2 units checked" "$TMP/out"
dump "$DB" >"$TMP/second.dump"
same_index "up_to_date_runs_leave_the_rows_alone" "$TMP/first.dump" "$TMP/second.dump"

# ---- a .c changes ----
printf '\nint added_later(struct sk_buff *skb)\n{\n\treturn skb->len;\n}\n' >>"$SRC/proto.c"
index
check_eq "changed_c_file_is_the_only_unit_reindexed" \
	"indexing 1 of 2 units (0 new, 1 changed, 0 after a header changed)" "$(plan)"
ADDED=$(grep -n '^int added_later' "$SRC/proto.c" | cut -d: -f1)
check_eq "function_added_to_the_c_file_is_found" "proto.c|$ADDED" \
	"$(q "SELECT fl.path, f.line FROM functions f JOIN files fl ON fl.id = f.file_id WHERE f.name = 'added_later'")"
check_eq "reindexed_unit_has_no_duplicate_rows" "0" \
	"$(q "SELECT count(*) FROM (SELECT 1 FROM accesses GROUP BY func_id, record, member, mode, file_id, line, col
	      HAVING count(*) > 1)")"

# ---- a header changes: every unit that read it ----
printf '\nstatic inline unsigned int skb_tail_len(const struct sk_buff *skb)\n{\n\treturn skb->data_len;\n}\n' \
	>>"$SRC/include/fix_skb.h"
index
check_eq "changed_header_reindexes_every_unit_reading_it" \
	"indexing 2 of 2 units (0 new, 0 changed, 2 after a header changed)" "$(plan)"
check_eq "new_header_inline_is_stored_once" "1" "$(q "SELECT count(*) FROM functions WHERE name = 'skb_tail_len'")"
check_eq "old_header_inline_is_still_stored_once" "1" "$(q "SELECT count(*) FROM functions WHERE name = 'skb_headlen'")"

# ---- a run of some files leaves the others stale, not forgotten ----
printf '\n/* a comment: new content */\n' >>"$SRC/include/fix_skb.h"
printf '\n/* and here */\n' >>"$SRC/peer.c"
index proto.c
check_eq "partial_run_indexes_only_the_file_named" \
	"indexing 1 of 1 unit (0 new, 0 changed, 1 after a header changed)" "$(plan)"
index
check_eq "unit_left_out_of_a_partial_run_is_still_stale" \
	"indexing 1 of 2 units (0 new, 1 changed, 0 after a header changed)" "$(plan)"
index
check "after_both_runs_the_index_is_up_to_date" grep -q "is up to date: 2 units checked" "$TMP/out"

# ---- a unit that failed is tried again ----
q "UPDATE units SET status = 'failed' WHERE file_id = (SELECT id FROM files WHERE path = 'proto.c')"
index
check_eq "failed_unit_is_tried_again" \
	"indexing 1 of 2 units (0 new, 0 changed, 0 after a header changed, 1 failed last time)" "$(plan)"
check_eq "retried_unit_is_ok" "ok" \
	"$(q "SELECT status FROM units WHERE file_id = (SELECT id FROM files WHERE path = 'proto.c')")"

# ---- the owner of a header inline goes away ----
OWNER=$(q "SELECT uf.path FROM functions f JOIN units u ON u.id = f.unit_id JOIN files uf ON uf.id = u.file_id
	   WHERE f.name = 'skb_headlen'")
OTHER=$([ "$OWNER" = proto.c ] && echo peer.c || echo proto.c)
rm "$SRC/$OWNER"
index
check_eq "removed_file_exits_0" "0" "$RC"
check "removed_file_is_said" grep -qx "removed 1 unit whose file is gone" "$TMP/out"
check_eq "removed_units_rows_are_gone" "0" \
	"$(q "SELECT count(*) FROM units u JOIN files f ON f.id = u.file_id WHERE f.path = '$OWNER'")"
check_eq "header_inline_of_a_removed_owner_is_owned_by_the_other_unit" "$OTHER" \
	"$(q "SELECT uf.path FROM functions f JOIN units u ON u.id = f.unit_id JOIN files uf ON uf.id = u.file_id
	      WHERE f.name = 'skb_headlen'")"

# ---- a new file ----
cp "$ROOT/tests/fixtures/index/$OWNER" "$SRC/$OWNER"
index
check_eq "added_file_is_new" "indexing 1 of 2 units (1 new, 0 changed, 0 after a header changed)" "$(plan)"

# ---- one worker or two: the same index ----
"$NETSCOPE" index --src "$SRC" --db "$TMP/j1.sqlite" -J 1 >/dev/null 2>&1
"$NETSCOPE" index --src "$SRC" --db "$TMP/j2.sqlite" -J 2 >/dev/null 2>&1
dump "$TMP/j1.sqlite" >"$TMP/j1.dump"
dump "$TMP/j2.sqlite" >"$TMP/j2.dump"
dump "$DB" >"$TMP/incremental.dump"
same_index "one_and_two_workers_write_the_same_rows" "$TMP/j1.dump" "$TMP/j2.dump"
same_index "incremental_index_equals_a_fresh_one" "$TMP/j1.dump" "$TMP/incremental.dump"

# ---- --rebuild ----
index --rebuild
check_eq "rebuild_indexes_every_unit_as_new" \
	"indexing 2 of 2 units (2 new, 0 changed, 0 after a header changed)" "$(plan)"

# ---- bad inputs ----
mkdir -p "$TMP/other"
cp "$ROOT/tests/fixtures/index/proto.c" "$TMP/other/"
cp -r "$ROOT/tests/fixtures/index/include" "$TMP/other/"
"$NETSCOPE" index --src "$TMP/other" --db "$DB" >"$TMP/out" 2>"$TMP/err"
check_eq "index_of_another_tree_exits_1" "1" "$?"
check "index_of_another_tree_is_refused_with_both_trees" grep -q \
	"the index '$DB' is of the tree '$SRC', not '$TMP/other': give another file with --db, or replace it with --rebuild" \
	"$TMP/err"
dump "$DB" >"$TMP/refused.dump"
same_index "refused_index_keeps_its_rows" "$TMP/j1.dump" "$TMP/refused.dump"

q "UPDATE meta SET value = '0' WHERE key = 'schema'"
index
check_eq "older_schema_is_rebuilt_and_exits_0" "0" "$RC"
check "older_schema_rebuild_is_said" grep -q "has schema 0, this netscope writes [0-9]*: rebuilding it" "$TMP/out"
check_eq "rebuilt_index_has_the_current_schema" "$(q "SELECT value FROM meta WHERE key = 'schema'")" \
	"$(sed -n 's/^#define IX_SCHEMA_VERSION //p' "$ROOT/src/index/schema.h")"

q "UPDATE meta SET value = '1' WHERE key = 'extractor'"
index
check_eq "index_of_older_extraction_rules_is_rebuilt" \
	"indexing 2 of 2 units (2 new, 0 changed, 0 after a header changed)" "$(plan)"
check "older_extraction_rules_are_said" grep -q "was made by other extraction rules (version 1, " "$TMP/out"

echo "not a database" >"$TMP/text.sqlite"
"$NETSCOPE" index --src "$SRC" --db "$TMP/text.sqlite" >"$TMP/out" 2>"$TMP/err"
check_eq "text_file_as_index_exits_1" "1" "$?"
check "text_file_is_not_an_index" grep -q "'$TMP/text.sqlite' is not a netscope index" "$TMP/err"
check_eq "text_file_is_left_alone" "not a database" "$(cat "$TMP/text.sqlite")"
sqlite3 "$TMP/foreign.sqlite" "CREATE TABLE t(x); INSERT INTO t VALUES (42);"
"$NETSCOPE" index --src "$SRC" --db "$TMP/foreign.sqlite" --rebuild >"$TMP/out" 2>"$TMP/err"
check_eq "foreign_database_exits_1_even_with_rebuild" "1" "$?"
check "foreign_database_is_named" grep -q "is an SQLite database but not a netscope index" "$TMP/err"
check_eq "foreign_database_is_left_alone" "42" "$(sqlite3 "$TMP/foreign.sqlite" 'SELECT x FROM t')"

"$NETSCOPE" index --src "$SRC" --db "$DB" -J 0 >"$TMP/out" 2>"$TMP/err"
check_eq "zero_jobs_exits_2" "2" "$?"
check "zero_jobs_is_named" grep -q "invalid number of jobs '0'" "$TMP/err"
"$NETSCOPE" index --src "$SRC" --db "$DB" /etc/hostname >"$TMP/out" 2>"$TMP/err"
check_eq "path_outside_tree_exits_1" "1" "$?"
check "path_outside_tree_is_named" grep -q "'/etc/hostname' is outside the tree '$SRC'" "$TMP/err"
"$NETSCOPE" index --src "$SRC" --db "$DB" include/fix_skb.h >"$TMP/out" 2>"$TMP/err"
check_eq "header_as_unit_exits_1" "1" "$?"
check "header_as_unit_is_named" grep -q "'include/fix_skb.h' is not a .c file" "$TMP/err"
"$NETSCOPE" index --src "$SRC" --db "$DB" nosuch.c >"$TMP/out" 2>"$TMP/err"
check_eq "missing_path_exits_1" "1" "$?"
check "missing_path_is_named" grep -q "'nosuch.c' is not in the tree '$SRC'" "$TMP/err"
"$NETSCOPE" index --src "$TMP/none" >"$TMP/out" 2>"$TMP/err"
check_eq "missing_tree_exits_1" "1" "$?"
check "missing_tree_is_named" grep -q "cannot open source tree '$TMP/none'" "$TMP/err"
NETSCOPE_SOURCE_CACHE=$TMP/no-cache "$NETSCOPE" index >"$TMP/out" 2>"$TMP/err"
check_eq "no_tree_at_all_exits_1" "1" "$?"
check "no_tree_at_all_names_the_fetch_command" grep -q "no source tree: 'netscope source fetch' gets" "$TMP/err"
NETSCOPE_SOURCE_CACHE=$TMP/no-cache "$NETSCOPE" xref sk_buff.cb >"$TMP/out" 2>"$TMP/err"
check_eq "query_without_index_or_tree_exits_1" "1" "$?"
check "query_without_index_or_tree_names_both_commands" grep -q \
	"'netscope source fetch' then 'netscope index' build one" "$TMP/err"
"$NETSCOPE" index --bogus >"$TMP/out" 2>"$TMP/err"
check_eq "unknown_option_exits_2" "2" "$?"
check "unknown_option_is_named" grep -q "unknown option '--bogus'" "$TMP/err"

echo "1..$TAP_N"
