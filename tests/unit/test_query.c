// SPDX-License-Identifier: GPL-2.0
/*
 * The index queries on a small index written here from schema.h: a receive
 * path with an ops table (net_protocol.handler), INDIRECT_CALL_2, a call
 * cycle, two static functions of one name, a function only called, a
 * header inline, and member uses of every mode.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "index/layers.h"
#include "index/query.h"
#include "index/schema.h"
#include "inspect/source.h"

static char db_path[64];

static const char fixture_sql[] =
	"INSERT INTO files(id, path, hash, size, mtime_ns) VALUES"
	" (1, 'net/ipv4/ip_input.c', 'h', 0, 0), (2, 'net/ipv4/tcp_ipv4.c', 'h', 0, 0),"
	" (3, 'net/ipv4/af_inet.c', 'h', 0, 0), (4, 'net/ipv4/udp.c', 'h', 0, 0),"
	" (5, 'net/ipv4/tcp.c', 'h', 0, 0), (6, 'include/net/sock.h', 'h', 0, 0),"
	" (7, 'net/core/sock.c', 'h', 0, 0), (8, 'net/ipv4/tcp_input.c', 'h', 0, 0);\n"
	"INSERT INTO functions(id, usr, name, file_id, line, col, end_line, is_static, is_inline,"
	" in_header, summary, unit_id) VALUES"
	" (1, 'c:@F@ip_local_deliver_finish', 'ip_local_deliver_finish', 1, 220, 12, 240, 1, 0, 0, NULL, 1),"
	" (2, 'c:@F@ip_protocol_deliver_rcu', 'ip_protocol_deliver_rcu', 1, 190, 6, 215, 0, 0, 0,"
	"   'ip_protocol_deliver_rcu - deliver to the protocol handler', 1),"
	" (3, 'c:@F@tcp_v4_rcv', 'tcp_v4_rcv', 2, 2160, 5, 2400, 0, 0, 0,"
	"   'tcp_v4_rcv() - receive a TCP segment', 2),"
	" (4, 'c:@F@udp_rcv', 'udp_rcv', 4, 2500, 5, 2530, 0, 0, 0, NULL, 4),"
	" (5, 'c:@F@tcp_v4_do_rcv', 'tcp_v4_do_rcv', 2, 1800, 5, 1850, 0, 0, 0, NULL, 2),"
	" (6, 'c:@F@tcp_rcv_established', 'tcp_rcv_established', 8, 6000, 6, 6200, 0, 0, 0, NULL, 8),"
	" (7, 'c:tcp.c@F@set_state', 'set_state', 5, 2900, 13, 2920, 1, 0, 0, NULL, 5),"
	" (8, 'c:udp.c@F@set_state', 'set_state', 4, 100, 13, 110, 1, 0, 0, NULL, 4),"
	" (9, 'c:@F@tcp_close', 'tcp_close', 5, 2980, 6, 3020, 0, 0, 0, NULL, 5),"
	" (10, 'c:@F@sock_def_readable', 'sock_def_readable', 7, 3300, 6, 3320, 0, 0, 0, NULL, 7),"
	" (11, 'c:@F@sock_init_data', 'sock_init_data', 7, 3390, 6, 3420, 0, 0, 0, NULL, 7),"
	" (12, 'c:@F@tcp_data_ready', 'tcp_data_ready', 8, 4990, 6, 5010, 0, 0, 0, NULL, 8),"
	" (13, 'c:sock.h@F@sk_state_load', 'sk_state_load', 6, 2000, 19, 2004, 1, 1, 1, NULL, 5);\n"
	"INSERT INTO calls(caller_id, callee_usr, callee_name, kind, via, file_id, line, col, unit_id) VALUES"
	/* ip_protocol_deliver_rcu: INDIRECT_CALL_2(ipprot->handler, tcp_v4_rcv, udp_rcv, skb) */
	" (2, NULL, NULL, 'pointer', 'net_protocol.handler', 1, 205, 10, 1),"
	" (2, 'c:@F@tcp_v4_rcv', 'tcp_v4_rcv', 'macro', 'INDIRECT_CALL_2', 1, 205, 10, 1),"
	" (2, 'c:@F@udp_rcv', 'udp_rcv', 'macro', 'INDIRECT_CALL_2', 1, 205, 10, 1),"
	/* and a call through a local variable, which nothing resolves */
	" (2, NULL, NULL, 'pointer', 'edemux', 1, 207, 4, 1),"
	" (1, 'c:@F@ip_protocol_deliver_rcu', 'ip_protocol_deliver_rcu', 'direct', NULL, 1, 230, 2, 1),"
	/* two calls to one callee: one node, two sites */
	" (3, 'c:@F@tcp_v4_do_rcv', 'tcp_v4_do_rcv', 'direct', NULL, 2, 2350, 9, 2),"
	" (3, 'c:@F@tcp_v4_do_rcv', 'tcp_v4_do_rcv', 'direct', NULL, 2, 2300, 9, 2),"
	/* defined outside the index */
	" (3, 'c:@F@kfree_skb', 'kfree_skb', 'direct', NULL, 2, 2390, 3, 2),"
	/* a cycle: tcp_v4_do_rcv -> tcp_rcv_established -> tcp_v4_do_rcv */
	" (5, 'c:@F@tcp_rcv_established', 'tcp_rcv_established', 'direct', NULL, 2, 1820, 3, 2),"
	" (6, 'c:@F@tcp_v4_do_rcv', 'tcp_v4_do_rcv', 'direct', NULL, 8, 6100, 3, 8),"
	/* the two set_state statics, each called in its own file */
	" (9, 'c:tcp.c@F@set_state', 'set_state', 'direct', NULL, 5, 3000, 2, 5),"
	" (9, 'c:tcp.c@F@set_state', 'set_state', 'direct', NULL, 5, 3010, 2, 5),"
	" (4, 'c:udp.c@F@set_state', 'set_state', 'direct', NULL, 4, 2510, 2, 4),"
	" (12, NULL, NULL, 'pointer', 'sock.sk_data_ready', 8, 5000, 2, 8);\n"
	"INSERT INTO fnrefs(record, member, func_usr, func_name, holder, kind, file_id, line, unit_id) VALUES"
	" ('net_protocol', 'handler', 'c:@F@tcp_v4_rcv', 'tcp_v4_rcv', 'tcp_protocol', 'init', 3, 1234, 3),"
	" ('net_protocol', 'handler', 'c:@F@udp_rcv', 'udp_rcv', 'udp_protocol', 'init', 3, 1240, 3),"
	" ('sock', 'sk_data_ready', 'c:@F@sock_def_readable', 'sock_def_readable', 'sock_init_data',"
	"  'assign', 7, 3400, 7);\n"
	"INSERT INTO accesses(func_id, record, member, mode, via, file_id, line, col, unit_id) VALUES"
	" (9, 'sock', 'sk_state', 'write', 'WRITE_ONCE,sk_state', 5, 3001, 3, 5),"
	" (9, 'sock', 'sk_state', 'read', 'sk_state', 5, 2990, 8, 5),"
	" (9, 'sock', 'sk_state', 'rw', NULL, 5, 3005, 3, 5),"
	" (9, 'sock', 'sk_flags', 'read', NULL, 5, 2995, 3, 5),"
	" (3, 'sock', 'sk_state', 'read', NULL, 2, 2210, 7, 2),"
	" (3, 'sock', 'sk_state', 'read', NULL, 2, 2200, 7, 2),"
	" (3, 'sk_buff', 'len', 'read', NULL, 2, 2170, 7, 2),"
	" (NULL, 'sock', 'sk_state', 'init', NULL, 3, 1300, 4, 3),"
	" (4, 'sock', 'sk_state', 'addr', NULL, 4, 2520, 9, 4),"
	" (5, 'sock', 'sk_state', 'size', NULL, 2, 1805, 9, 2),"
	" (13, 'sock', 'sk_state', 'read', 'smp_load_acquire', 6, 2002, 9, 5);\n";

static void write_db(const char *tree_version, const char *schema)
{
	char *sql, *errmsg = NULL;
	sqlite3 *db;
	int fd;

	strcpy(db_path, "/tmp/test_query.XXXXXX");
	fd = mkstemp(db_path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_true(asprintf(&sql, "%s%s INSERT INTO meta VALUES ('tree', '/src/linux'),"
			     " ('tree_version', '%s'), ('schema', '%s');", IX_SCHEMA_SQL, fixture_sql,
			     tree_version, schema) > 0);
	if (sqlite3_exec(db, sql, NULL, NULL, &errmsg) != SQLITE_OK)
		fail_msg("fixture SQL: %s", errmsg);
	free(sql);
	sqlite3_close(db);
}

static char schema_now[16];

static int setup(void **state)
{
	struct ixq *q;

	write_db("6.12.117", schema_now);
	assert_int_equal(ixq__open(db_path, &q, NULL), 0);
	*state = q;
	return 0;
}

static int teardown(void **state)
{
	ixq__close(*state);
	unlink(db_path);
	return 0;
}

/* ---- opening ---- */

static void missing_file_is_enoent(void **state)
{
	struct ixq_meta m;
	struct ixq *q;

	assert_int_equal(ixq__open("/nonexistent/netscope-index.sqlite", &q, &m), -ENOENT);
	assert_null(q);
}

static void other_schema_is_refused_with_its_number(void **state)
{
	struct ixq_meta m;
	struct ixq *q;

	write_db("6.12.117", "0");
	assert_int_equal(ixq__open(db_path, &q, &m), -EPROTO);
	assert_null(q);
	assert_int_equal(m.schema, 0);
	unlink(db_path);
}

static void file_without_meta_is_not_an_index(void **state)
{
	char path[] = "/tmp/test_query_txt.XXXXXX";
	int fd = mkstemp(path);
	struct ixq *q;

	assert_true(write(fd, "not sqlite at all, just text\n", 29) == 29);
	close(fd);
	assert_int_equal(ixq__open(path, &q, NULL), -EINVAL);
	unlink(path);
}

static void version_differs_from_running_kernel_is_flagged(void **state)
{
	const struct ixq_meta *m = ixq__meta(*state);
	char running[64];

	source__running_version(running, sizeof(running));
	assert_string_equal(m->tree_version, "6.12.117");
	assert_string_equal(m->tree, "/src/linux");
	assert_string_equal(m->running, running);
	assert_int_equal(m->version_differs, strcmp(running, "6.12.117") != 0);
}

static void same_version_as_running_kernel_is_not_flagged(void **state)
{
	char running[64];
	struct ixq_meta m;
	struct ixq *q;

	source__running_version(running, sizeof(running));
	write_db(running, schema_now);
	assert_int_equal(ixq__open(db_path, &q, &m), 0);
	assert_false(m.version_differs);
	assert_false(ixq__meta(q)->version_differs);
	ixq__close(q);
	unlink(db_path);
	/* and an index whose tree has no version is never claimed to match */
	write_db("", schema_now);
	assert_int_equal(ixq__open(db_path, &q, &m), 0);
	assert_true(m.version_differs);
	ixq__close(q);
	unlink(db_path);
}

/* ---- member uses ---- */

static void member_uses_are_grouped_by_file_then_function(void **state)
{
	struct ixq_member_uses u;
	const struct ixq_use_group *g;

	assert_int_equal(ixq__member_uses(*state, "sock", "sk_state", IXQ_ALL_MODES, &u), 0);
	assert_int_equal(u.shown, 9);
	assert_int_equal(u.nr_files, 5);
	assert_int_equal(u.nr_funcs, 5);
	assert_int_equal(u.nr_groups, 6);
	/* files in path order; the header inline under the header */
	g = &u.groups[0];
	assert_string_equal(g->file, "include/net/sock.h");
	assert_string_equal(g->func, "sk_state_load");
	assert_int_equal(g->nr_uses, 1);
	assert_string_equal(g->uses[0].via, "smp_load_acquire");
	/* an initializer outside any function: file scope */
	g = &u.groups[1];
	assert_string_equal(g->file, "net/ipv4/af_inet.c");
	assert_null(g->func);
	assert_int_equal(g->func_id, 0);
	assert_int_equal(g->uses[0].mode, IXQ_INIT);
	assert_int_equal(g->uses[0].line, 1300);
	/* one function's uses by line, with their macros */
	g = &u.groups[2];
	assert_string_equal(g->func, "tcp_close");
	assert_int_equal(g->func_line, 2980);
	assert_int_equal(g->nr_uses, 3);
	assert_int_equal(g->uses[0].line, 2990);
	assert_int_equal(g->uses[0].mode, IXQ_READ);
	assert_int_equal(g->uses[1].line, 3001);
	assert_int_equal(g->uses[1].mode, IXQ_WRITE);
	assert_string_equal(g->uses[1].via, "WRITE_ONCE,sk_state");
	assert_int_equal(g->uses[2].mode, IXQ_RW);
	assert_null(g->uses[2].via);
	assert_int_equal(g->counts.n[IXQ_READ], 1);
	assert_int_equal(g->counts.n[IXQ_WRITE], 1);
	assert_int_equal(g->counts.n[IXQ_RW], 1);
	/* two functions of one file by their line: tcp_v4_do_rcv (1800) first */
	assert_string_equal(u.groups[3].file, "net/ipv4/tcp_ipv4.c");
	assert_string_equal(u.groups[3].func, "tcp_v4_do_rcv");
	assert_int_equal(u.groups[3].uses[0].mode, IXQ_SIZE);
	assert_string_equal(u.groups[4].func, "tcp_v4_rcv");
	assert_int_equal(u.groups[4].nr_uses, 2);
	assert_int_equal(u.groups[4].uses[0].line, 2200);
	assert_int_equal(u.groups[4].uses[1].line, 2210);
	assert_string_equal(u.groups[5].func, "udp_rcv");
	assert_int_equal(u.groups[5].uses[0].mode, IXQ_ADDR);
	/* totals: reads are read+rw, writes write+rw+init */
	assert_int_equal(u.totals.n[IXQ_READ], 4);
	assert_int_equal(ixq__count(&u.totals, IXQ_READS), 5);
	assert_int_equal(ixq__count(&u.totals, IXQ_WRITES), 3);
	assert_int_equal(u.totals.n[IXQ_ADDR], 1);
	assert_int_equal(u.totals.n[IXQ_SIZE], 1);
	ixq__member_uses_free(&u);
}

static void mode_filter_keeps_totals_of_every_mode(void **state)
{
	struct ixq_member_uses u;

	assert_int_equal(ixq__member_uses(*state, "sock", "sk_state", IXQ_WRITES, &u), 0);
	assert_int_equal(u.shown, 3);
	assert_int_equal(u.nr_groups, 2);
	assert_int_equal(u.nr_files, 2);
	assert_int_equal(u.nr_funcs, 1);
	assert_null(u.groups[0].func);			/* the init at file scope */
	assert_string_equal(u.groups[1].func, "tcp_close");
	assert_int_equal(u.groups[1].nr_uses, 2);	/* write and rw, not the read */
	assert_int_equal(ixq__count(&u.totals, IXQ_ALL_MODES), 9);
	ixq__member_uses_free(&u);
}

static void unknown_member_is_enoent_and_suggested(void **state)
{
	struct ixq_member_uses u;
	struct ixq_names n;

	assert_int_equal(ixq__member_uses(*state, "sock", "sk_stat", IXQ_ALL_MODES, &u), -ENOENT);
	assert_int_equal(ixq__suggest_members(*state, "sock", "sk_stat", 5, &n), 0);
	assert_int_equal(n.n, 1);
	assert_string_equal(n.name[0], "sk_state");
	ixq__names_free(&n);
	assert_true(ixq__has_record(*state, "sock"));
	assert_true(ixq__has_record(*state, "net_protocol"));	/* only in fnrefs */
	assert_false(ixq__has_record(*state, "sok"));
	assert_int_equal(ixq__suggest_records(*state, "sok", 5, &n), 0);
	assert_true(n.n >= 1);
	assert_string_equal(n.name[0], "sock");
	ixq__names_free(&n);
}

static void record_members_rank_by_use(void **state)
{
	struct ixq_record_stats s;

	assert_int_equal(ixq__record_members(*state, "sock", &s), 0);
	assert_int_equal(s.nr, 2);
	assert_int_equal(s.total, 10);
	assert_string_equal(s.members[0].member, "sk_state");
	assert_int_equal(s.members[0].total, 9);
	assert_int_equal(s.members[0].funcs, 5);
	assert_true(s.members[0].file_scope);
	assert_int_equal(s.members[0].counts.n[IXQ_READ], 4);
	assert_string_equal(s.members[1].member, "sk_flags");
	assert_int_equal(s.members[1].funcs, 1);
	assert_false(s.members[1].file_scope);
	ixq__record_stats_free(&s);
	assert_int_equal(ixq__record_members(*state, "nosuch", &s), -ENOENT);
}

/* ---- call trees ---- */

static void callees_expand_ops_slot_to_every_stored_function(void **state)
{
	struct ixq_tree_opts o = { .dir = IXQ_CALLEES, .depth = 1 };
	const struct ixq_node *r, *c;
	struct ixq_tree t;

	assert_int_equal(ixq__call_tree(*state, "ip_protocol_deliver_rcu", &o, &t), 0);
	assert_int_equal(t.nr_roots, 1);
	r = &t.roots[0];
	assert_string_equal(r->func.file, "net/ipv4/ip_input.c");
	assert_int_equal(r->nr_children, 5);
	/* at one site: the macro's direct call before the pointer call it guards */
	c = &r->children[0];
	assert_string_equal(c->func.name, "tcp_v4_rcv");
	assert_int_equal(c->kind, IXQ_CALL_MACRO);
	assert_string_equal(c->via, "INDIRECT_CALL_2");
	c = &r->children[1];
	assert_string_equal(c->func.name, "tcp_v4_rcv");
	assert_int_equal(c->kind, IXQ_CALL_POINTER);
	assert_string_equal(c->via, "net_protocol.handler");
	assert_int_equal(c->nr_stores, 1);
	assert_string_equal(c->stores[0].holder, "tcp_protocol");
	assert_string_equal(c->stores[0].file, "net/ipv4/af_inet.c");
	assert_int_equal(c->stores[0].line, 1234);
	assert_false(c->stores[0].assign);
	assert_int_equal(c->nr_sites, 1);
	assert_int_equal(c->sites[0].line, 205);
	assert_int_equal(c->func.line, 2160);	/* the definition, looked up by USR */
	assert_int_equal(r->children[2].kind, IXQ_CALL_MACRO);
	assert_string_equal(r->children[2].func.name, "udp_rcv");
	assert_int_equal(r->children[3].kind, IXQ_CALL_POINTER);
	assert_string_equal(r->children[3].func.name, "udp_rcv");
	assert_string_equal(r->children[3].stores[0].holder, "udp_protocol");
	/* through a variable: unresolved, no function */
	c = &r->children[4];
	assert_null(c->func.name);
	assert_string_equal(c->via, "edemux");
	assert_int_equal(c->stop, IXQ_STOP_UNRESOLVED);
	assert_int_equal(c->sites[0].line, 207);
	/* depth 1: children not expanded */
	assert_int_equal(r->children[0].stop, IXQ_STOP_DEPTH);
	ixq__tree_free(&t);
}

static void callers_through_slot_reach_function_stored_in_it(void **state)
{
	struct ixq_tree_opts o = { .dir = IXQ_CALLERS, .depth = 1 };
	const struct ixq_node *r;
	struct ixq_tree t;

	assert_int_equal(ixq__call_tree(*state, "tcp_v4_rcv", &o, &t), 0);
	r = &t.roots[0];
	assert_int_equal(r->nr_children, 2);
	assert_string_equal(r->children[0].func.name, "ip_protocol_deliver_rcu");
	assert_int_equal(r->children[0].kind, IXQ_CALL_MACRO);
	assert_string_equal(r->children[1].func.name, "ip_protocol_deliver_rcu");
	assert_int_equal(r->children[1].kind, IXQ_CALL_POINTER);
	assert_string_equal(r->children[1].via, "net_protocol.handler");
	assert_string_equal(r->children[1].stores[0].holder, "tcp_protocol");
	ixq__tree_free(&t);

	/* stored by an assignment, called through the sock's member */
	assert_int_equal(ixq__call_tree(*state, "sock_def_readable", &o, &t), 0);
	r = &t.roots[0];
	assert_int_equal(r->nr_children, 1);
	assert_string_equal(r->children[0].func.name, "tcp_data_ready");
	assert_string_equal(r->children[0].via, "sock.sk_data_ready");
	assert_true(r->children[0].stores[0].assign);
	assert_string_equal(r->children[0].stores[0].holder, "sock_init_data");
	assert_string_equal(r->children[0].sites[0].file, "net/ipv4/tcp_input.c");
	assert_int_equal(r->children[0].sites[0].line, 5000);
	ixq__tree_free(&t);
}

static void callers_to_depth_two_mark_repeats(void **state)
{
	struct ixq_tree_opts o = { .dir = IXQ_CALLERS, .depth = 2 };
	const struct ixq_node *r;
	struct ixq_tree t;

	assert_int_equal(ixq__call_tree(*state, "tcp_v4_rcv", &o, &t), 0);
	r = &t.roots[0];
	assert_int_equal(r->children[0].nr_children, 1);
	assert_string_equal(r->children[0].children[0].func.name, "ip_local_deliver_finish");
	assert_int_equal(r->children[0].children[0].sites[0].line, 230);
	assert_int_equal(r->children[0].children[0].stop, IXQ_STOP_DEPTH);
	/* the same caller again, through the pointer: not expanded twice */
	assert_int_equal(r->children[1].stop, IXQ_STOP_REPEAT);
	assert_int_equal(r->children[1].nr_children, 0);
	ixq__tree_free(&t);

	o.repeat = true;
	assert_int_equal(ixq__call_tree(*state, "tcp_v4_rcv", &o, &t), 0);
	assert_int_equal(t.roots[0].children[1].nr_children, 1);
	ixq__tree_free(&t);
}

static void duplicate_calls_merge_and_cycles_are_cut(void **state)
{
	struct ixq_tree_opts o = { .dir = IXQ_CALLEES, .depth = 3 };
	const struct ixq_node *r, *do_rcv, *est;
	struct ixq_tree t;

	assert_int_equal(ixq__call_tree(*state, "tcp_v4_rcv", &o, &t), 0);
	r = &t.roots[0];
	assert_int_equal(r->nr_children, 2);
	do_rcv = &r->children[0];
	assert_string_equal(do_rcv->func.name, "tcp_v4_do_rcv");
	assert_int_equal(do_rcv->nr_sites, 2);
	assert_int_equal(do_rcv->sites[0].line, 2300);
	assert_int_equal(do_rcv->sites[1].line, 2350);
	assert_string_equal(r->children[1].func.name, "kfree_skb");
	assert_int_equal(r->children[1].func.id, 0);
	assert_int_equal(r->children[1].stop, IXQ_STOP_UNDEFINED);
	est = &do_rcv->children[0];
	assert_string_equal(est->func.name, "tcp_rcv_established");
	assert_int_equal(est->nr_children, 1);
	assert_string_equal(est->children[0].func.name, "tcp_v4_do_rcv");
	assert_int_equal(est->children[0].stop, IXQ_STOP_CYCLE);
	assert_int_equal(est->children[0].sites[0].line, 6100);
	assert_int_equal(t.nr_nodes, 5);
	ixq__tree_free(&t);

	/* depth 2 stops before the cycle shows */
	o.depth = 2;
	assert_int_equal(ixq__call_tree(*state, "tcp_v4_rcv", &o, &t), 0);
	assert_int_equal(t.roots[0].children[0].children[0].stop, IXQ_STOP_DEPTH);
	assert_int_equal(t.roots[0].children[0].children[0].nr_children, 0);
	ixq__tree_free(&t);
}

static void same_name_statics_are_separate_roots(void **state)
{
	struct ixq_tree_opts o = { .dir = IXQ_CALLERS, .depth = 1 };
	struct ixq_tree t;

	assert_int_equal(ixq__call_tree(*state, "set_state", &o, &t), 0);
	assert_int_equal(t.nr_roots, 2);
	assert_string_equal(t.roots[0].func.file, "net/ipv4/tcp.c");
	assert_true(t.roots[0].func.is_static);
	assert_int_equal(t.roots[0].nr_children, 1);
	assert_string_equal(t.roots[0].children[0].func.name, "tcp_close");
	assert_int_equal(t.roots[0].children[0].nr_sites, 2);
	assert_string_equal(t.roots[1].func.file, "net/ipv4/udp.c");
	assert_int_equal(t.roots[1].nr_children, 1);
	assert_string_equal(t.roots[1].children[0].func.name, "udp_rcv");
	ixq__tree_free(&t);
}

static void function_only_called_has_callers_not_callees(void **state)
{
	struct ixq_tree_opts o = { .dir = IXQ_CALLERS, .depth = 1 };
	struct ixq_tree t;

	assert_int_equal(ixq__call_tree(*state, "kfree_skb", &o, &t), 0);
	assert_int_equal(t.nr_roots, 1);
	assert_int_equal(t.roots[0].func.id, 0);
	assert_null(t.roots[0].func.file);
	assert_int_equal(t.roots[0].nr_children, 1);
	assert_string_equal(t.roots[0].children[0].func.name, "tcp_v4_rcv");
	ixq__tree_free(&t);
	o.dir = IXQ_CALLEES;
	assert_int_equal(ixq__call_tree(*state, "kfree_skb", &o, &t), 0);
	assert_int_equal(t.roots[0].stop, IXQ_STOP_UNDEFINED);
	assert_int_equal(t.roots[0].nr_children, 0);
	ixq__tree_free(&t);
}

static void unknown_function_is_enoent_with_nearest_names(void **state)
{
	struct ixq_tree_opts o = { .dir = IXQ_CALLEES, .depth = 1 };
	struct ixq_names n;
	struct ixq_tree t;

	assert_int_equal(ixq__call_tree(*state, "tcp_v4_rvc", &o, &t), -ENOENT);
	assert_int_equal(ixq__suggest_funcs(*state, "tcp_v4_rvc", 5, &n), 0);
	assert_true(n.n >= 1);
	assert_string_equal(n.name[0], "tcp_v4_rcv");
	ixq__names_free(&n);
	/* nothing that near: names holding the one typed */
	assert_int_equal(ixq__suggest_funcs(*state, "deliver", 5, &n), 0);
	assert_int_equal(n.n, 2);
	/* both 23 characters: by name */
	assert_string_equal(n.name[0], "ip_local_deliver_finish");
	assert_string_equal(n.name[1], "ip_protocol_deliver_rcu");
	ixq__names_free(&n);
}

/* ---- functions ---- */

static void func_stats_count_direct_and_indirect_callers(void **state)
{
	struct ixq_func_stats s;
	struct ixq_func *f;
	size_t nr;

	assert_int_equal(ixq__find_funcs(*state, "tcp_v4_rcv", &f, &nr), 0);
	assert_int_equal(nr, 1);
	assert_string_equal(ixq__summary_text(&f[0]), "receive a TCP segment");
	assert_int_equal(ixq__func_stats(*state, &f[0], &s), 0);
	assert_int_equal(s.callers, 1);
	assert_int_equal(s.caller_sites, 1);
	assert_int_equal(s.indirect_callers, 1);
	assert_int_equal(s.indirect_sites, 1);
	assert_int_equal(s.callees, 2);		/* tcp_v4_do_rcv, kfree_skb */
	assert_int_equal(s.callee_sites, 3);
	assert_int_equal(s.pointer_sites, 0);
	assert_int_equal(s.accesses, 3);
	assert_int_equal(s.members, 2);
	assert_int_equal(s.nr_stores, 1);
	assert_string_equal(s.stores[0].slot, "net_protocol.handler");
	ixq__func_stats_free(&s);
	ixq__funcs_free(f, nr);

	assert_int_equal(ixq__find_funcs(*state, "ip_protocol_deliver_rcu", &f, &nr), 0);
	assert_string_equal(ixq__summary_text(&f[0]), "deliver to the protocol handler");
	assert_int_equal(ixq__func_stats(*state, &f[0], &s), 0);
	assert_int_equal(s.callees, 2);
	assert_int_equal(s.pointer_sites, 2);
	ixq__func_stats_free(&s);
	ixq__funcs_free(f, nr);
}

static void modes_parse_read_and_write_as_their_families(void **state)
{
	unsigned mask;
	const char *bad;
	size_t bad_len;

	assert_int_equal(ixq__mode_parse("read", &mask, &bad, &bad_len), 0);
	assert_int_equal(mask, IXQ_READS);
	assert_int_equal(ixq__mode_parse("write,addr", &mask, &bad, &bad_len), 0);
	assert_int_equal(mask, IXQ_WRITES | IXQ_BIT(IXQ_ADDR));
	assert_int_equal(ixq__mode_parse("size", &mask, &bad, &bad_len), 0);
	assert_int_equal(mask, IXQ_BIT(IXQ_SIZE));
	assert_int_equal(ixq__mode_parse("rw,bogus", &mask, &bad, &bad_len), -EINVAL);
	assert_int_equal(bad_len, 5);
	assert_memory_equal(bad, "bogus", 5);
}

static void layers_come_from_the_path(void **state)
{
	assert_string_equal(ix_layer("net/core/dev.c"), "device");
	assert_string_equal(ix_layer("net/ipv4/tcp_input.c"), "TCP");
	assert_string_equal(ix_layer("net/ipv4/ip_output.c"), "IPv4");
	assert_string_equal(ix_layer("net/ipv4/udp.c"), "UDP");
	assert_string_equal(ix_layer("net/core/skbuff.c"), "skb");
	assert_string_equal(ix_layer("net/core/sock.c"), "socket");
	assert_string_equal(ix_layer("net/ipv6/ip6_input.c"), "IPv6");
	assert_string_equal(ix_layer("net/ipv6/tcp_ipv6.c"), "TCP (IPv6)");
	assert_string_equal(ix_layer("net/ipv4/af_inet.c"), "INET sockets");
	assert_null(ix_layer("fs/read_write.c"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(missing_file_is_enoent),
		cmocka_unit_test(other_schema_is_refused_with_its_number),
		cmocka_unit_test(file_without_meta_is_not_an_index),
		cmocka_unit_test(same_version_as_running_kernel_is_not_flagged),
		cmocka_unit_test_setup_teardown(version_differs_from_running_kernel_is_flagged, setup, teardown),
		cmocka_unit_test_setup_teardown(member_uses_are_grouped_by_file_then_function, setup, teardown),
		cmocka_unit_test_setup_teardown(mode_filter_keeps_totals_of_every_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_member_is_enoent_and_suggested, setup, teardown),
		cmocka_unit_test_setup_teardown(record_members_rank_by_use, setup, teardown),
		cmocka_unit_test_setup_teardown(callees_expand_ops_slot_to_every_stored_function, setup, teardown),
		cmocka_unit_test_setup_teardown(callers_through_slot_reach_function_stored_in_it, setup, teardown),
		cmocka_unit_test_setup_teardown(callers_to_depth_two_mark_repeats, setup, teardown),
		cmocka_unit_test_setup_teardown(duplicate_calls_merge_and_cycles_are_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(same_name_statics_are_separate_roots, setup, teardown),
		cmocka_unit_test_setup_teardown(function_only_called_has_callers_not_callees, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_function_is_enoent_with_nearest_names, setup, teardown),
		cmocka_unit_test_setup_teardown(func_stats_count_direct_and_indirect_callers, setup, teardown),
		cmocka_unit_test(modes_parse_read_and_write_as_their_families),
		cmocka_unit_test(layers_come_from_the_path),
	};

	snprintf(schema_now, sizeof(schema_now), "%d", IX_SCHEMA_VERSION);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
