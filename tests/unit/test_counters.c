// SPDX-License-Identifier: GPL-2.0
/*
 * The "counters" view: deltas of two snapshots, the trace metadata that
 * carries them, the watch list and the renderers.  No kernel needed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/counters.h"
#include "common/json.h"
#include "render/counters_out.h"
#include "trace/snmp.h"
#include "common/textfile.h"

#define FIX "tests/fixtures/netstat/"

/* a fixture's text; the test stops here when it cannot be read */
static char *slurp(const char *path)
{
	char *text, err[256] = "";

	if (ns_read_text_file(path, &text, err, sizeof(err)))
		fail_msg("%s", err);
	return text;
}

static void load_fixture(struct snmp_snap *s)
{
	char *snmp = slurp(FIX "snmp"), *netstat = slurp(FIX "netstat"), *snmp6 = slurp(FIX "snmp6");

	memset(s, 0, sizeof(*s));
	assert_int_equal(snmp_parse_pairs(s, snmp), 0);
	assert_int_equal(snmp_parse_pairs(s, netstat), 0);
	assert_int_equal(snmp_parse_snmp6(s, snmp6), 0);
	free(snmp);
	free(netstat);
	free(snmp6);
}

static const struct counters_row *row(const struct counters_netns *ns, const char *g, const char *n)
{
	for (size_t i = 0; i < ns->n_rows; i++)
		if (!strcmp(ns->rows[i].group, g) && !strcmp(ns->rows[i].name, n))
			return &ns->rows[i];
	return NULL;
}

static void deltas_list_changed_watched_and_one_sided_counters_sorted(void **state)
{
	struct snmp_snap b = {}, a = {};
	struct counters_netns ns = {};
	const struct counters_row *r;

	snmp_snap_add(&b, "Udp", "OutDatagrams", 10);
	snmp_snap_add(&b, "TcpExt", "ListenOverflows", 0);
	snmp_snap_add(&b, "TcpExt", "DelayedACKs", 4);	/* unchanged, not watched */
	snmp_snap_add(&b, "Tcp", "CurrEstab", 5);	/* goes down */
	snmp_snap_add(&b, "Tcp", "OutRsts", 2);		/* watched, unchanged */
	snmp_snap_add(&b, "IcmpMsg", "InType3", 1);	/* gone after */
	snmp_snap_add(&a, "Tcp", "OutRsts", 2);
	snmp_snap_add(&a, "IcmpMsg", "OutType3", 20);	/* new after */
	snmp_snap_add(&a, "Tcp", "CurrEstab", 3);
	snmp_snap_add(&a, "TcpExt", "DelayedACKs", 4);
	snmp_snap_add(&a, "TcpExt", "ListenOverflows", 1500);
	snmp_snap_add(&a, "Udp", "OutDatagrams", 30);
	assert_int_equal(counters_diff(&b, &a, &ns), 0);

	assert_int_equal(ns.n_rows, 6);
	assert_int_equal(ns.unchanged, 1);
	assert_int_equal(ns.n_changed, 5);
	/* by group, then name */
	assert_string_equal(ns.rows[0].name, "InType3");
	assert_string_equal(ns.rows[1].name, "OutType3");
	assert_string_equal(ns.rows[2].name, "CurrEstab");
	assert_string_equal(ns.rows[3].name, "OutRsts");
	assert_string_equal(ns.rows[4].name, "ListenOverflows");
	assert_string_equal(ns.rows[5].name, "OutDatagrams");

	r = row(&ns, "TcpExt", "ListenOverflows");
	assert_true(r->before == 0 && r->after == 1500 && r->delta == 1500);
	assert_true(r->watched);
	assert_non_null(strstr(r->why, "tcp_conn_request"));
	r = row(&ns, "Tcp", "CurrEstab");
	assert_true(r->delta == -2);
	assert_false(r->watched);
	r = row(&ns, "Tcp", "OutRsts");
	assert_true(r->delta == 0 && r->watched);
	r = row(&ns, "IcmpMsg", "OutType3");
	assert_true(!r->in_before && r->in_after && r->delta == 20);
	r = row(&ns, "IcmpMsg", "InType3");
	assert_true(r->in_before && !r->in_after && r->delta == -1);
	assert_null(row(&ns, "TcpExt", "DelayedACKs"));
	free(ns.rows);
	snmp_snap_free(&a);
	snmp_snap_free(&b);
}

static void a_counter_that_wrapped_still_gives_its_increment(void **state)
{
	struct snmp_snap b = {}, a = {};
	struct counters_netns ns = {};

	snmp_snap_add(&b, "Ip", "InReceives", (int64_t)(UINT64_MAX - 1));
	snmp_snap_add(&a, "Ip", "InReceives", 1);
	assert_int_equal(counters_diff(&b, &a, &ns), 0);
	assert_int_equal(ns.n_rows, 1);
	assert_true(ns.rows[0].delta == 3);
	free(ns.rows);
	snmp_snap_free(&a);
	snmp_snap_free(&b);
}

static void every_watched_counter_exists_on_this_kernel_fixture(void **state)
{
	struct snmp_snap s;

	/* a typo in the table would never be shown: check each name against real files */
	load_fixture(&s);
	for (size_t i = 0; i < counters_watch_n; i++)
		if (!snmp_snap_find(&s, counters_watch[i].group, counters_watch[i].name))
			fail_msg("watched %s.%s not in the fixture", counters_watch[i].group,
				 counters_watch[i].name);
	snmp_snap_free(&s);
}

static void trace_metadata_gives_deltas_per_namespace_label(void **state)
{
	struct ns_meta m = {};
	struct counters_an *an;
	struct counters_result res;

	ns_meta_set(&m, "kernel.release", "6.12");
	ns_meta_set(&m, "counters.b.before", "snmp/1 TcpExt:ListenOverflows,ListenDrops=2");
	ns_meta_set(&m, "counters.a.before", "snmp/1 Udp:NoPorts");
	ns_meta_set(&m, "counters.b.after", "snmp/1 TcpExt:ListenOverflows=1500,ListenDrops=1502");
	ns_meta_set(&m, "counters.a.after", "snmp/1 Udp:NoPorts=5");
	ns_meta_set(&m, "counters.c.before", "snmp/1 Udp:NoPorts");
	ns_meta_set(&m, "counters.d.before", "snmp/1 Udp:NoPorts=");
	ns_meta_set(&m, "counters.d.after", "snmp/1 Udp:NoPorts");
	ns_meta_set(&m, "counters.nophase", "snmp/1");
	an = counters_new(&m);
	assert_non_null(an);
	assert_int_equal(counters_finish(an, &res), 0);
	assert_int_equal(res.n_ns, 4);
	/* order of first appearance */
	assert_string_equal(res.ns[0].label, "b");
	assert_string_equal(res.ns[1].label, "a");
	assert_string_equal(res.ns[2].label, "c");
	assert_string_equal(res.ns[3].label, "d");
	assert_int_equal(res.ns[0].n_rows, 2);
	assert_string_equal(res.ns[0].rows[0].name, "ListenDrops");
	assert_true(res.ns[0].rows[0].delta == 1500);
	assert_true(res.ns[0].rows[1].delta == 1500);
	assert_true(res.ns[1].rows[0].delta == 5);
	/* only a before snapshot: flagged, no rows */
	assert_true(res.ns[2].has_before && !res.ns[2].has_after);
	assert_int_equal(res.ns[2].n_rows, 0);
	/* a malformed snapshot is reported in the result, not fatal */
	assert_non_null(res.ns[3].error);
	assert_non_null(strstr(res.ns[3].error, "counters.d.before"));
	counters_result_free(&res);
	counters_free(an);
	ns_meta_free(&m);
}

static void renderers_show_before_after_and_increment(void **state)
{
	struct ns_meta m = {};
	struct counters_an *an;
	struct counters_result res;
	struct json_writer *w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ns_meta_set(&m, "counters.b.before", "snmp/1 TcpExt:ListenOverflows Tcp:OutRsts=4");
	ns_meta_set(&m, "counters.b.after", "snmp/1 TcpExt:ListenOverflows=1500 Tcp:OutRsts=4");
	an = counters_new(&m);
	assert_int_equal(counters_finish(an, &res), 0);

	f = open_memstream(&buf, &len);
	counters_print_text(f, &res);
	fclose(f);
	assert_non_null(strstr(buf, "counters of namespace 'b': 1 changed"));
	assert_non_null(strstr(buf, "TcpExt.ListenOverflows  0 → 1500         (+1500)"));
	assert_non_null(strstr(buf, "Tcp.OutRsts             4 → 4"));
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	w = json_new(f);
	counters_print_json(w, &res);
	json_free(w);
	fclose(f);
	assert_non_null(strstr(buf, "{\"group\":\"TcpExt\",\"name\":\"ListenOverflows\",\"before\":0,"
				    "\"after\":1500,\"delta\":1500,"));
	assert_non_null(strstr(buf, "\"label\":\"b\",\"has_before\":true,\"has_after\":true"));
	free(buf);
	counters_result_free(&res);
	counters_free(an);
	ns_meta_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deltas_list_changed_watched_and_one_sided_counters_sorted),
		cmocka_unit_test(a_counter_that_wrapped_still_gives_its_increment),
		cmocka_unit_test(every_watched_counter_exists_on_this_kernel_fixture),
		cmocka_unit_test(trace_metadata_gives_deltas_per_namespace_label),
		cmocka_unit_test(renderers_show_before_after_and_increment),
	};

	return cmocka_run_group_tests_name("counters", tests, NULL, NULL);
}
