// SPDX-License-Identifier: GPL-2.0
/*
 * The "syscalls" view on hand-made enter/exit sequences: pairing per tid,
 * errors and their names, time in the call, unmatched halves, namespaces
 * and the trace's own syscall numbering; what the renderers print.
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
#include "analysis/syscalls.h"
#include "common/json.h"
#include "render/syscalls_out.h"

#define NS_A 4026532178u
#define NS_B 4026532247u
/* numbers as the trace's metadata names them, not this architecture's */
#define NR_SENDTO 44
#define NR_RECVFROM 45
#define NR_EPOLL_WAIT 232

static struct ns_meta meta;
static struct report_ctx ctx;

static int setup(void **state)
{
	if (ns_meta_set(&meta, "lab.netns", "netscope-9-a=4026532178,netscope-9-b=4026532247") ||
	    ns_meta_set(&meta, "capture.syscalls", "44=sendto,45=recvfrom,232=epoll_wait"))
		return -1;
	ctx = (struct report_ctx){ .meta = &meta };
	return 0;
}

static int teardown(void **state)
{
	ns_meta_free(&meta);
	return 0;
}

static void sys(struct syscalls_an *s, uint32_t tid, uint32_t netns, const char *comm,
		uint32_t nr, uint32_t phase, int32_t ret, uint64_t ts)
{
	struct ns_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = NS_EV_SYSCALL;
	ev.ts_ns = ts;
	ev.pid = ev.tid = tid;
	ev.netns = netns;
	ev.reason = nr;
	ev.aux2 = phase;
	ev.aux = ret;
	snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
	syscalls_feed(s, &ev);
}

static const struct sys_row *row(const struct syscalls_result *r, const char *label,
				 const char *comm, const char *name)
{
	for (size_t i = 0; i < r->n_rows; i++)
		if (!strcmp(r->rows[i].label, label) && !strcmp(r->rows[i].comm, comm) &&
		    !strcmp(r->rows[i].name, name))
			return &r->rows[i];
	fail_msg("no row %s/%s/%s", label, comm, name);
	return NULL;
}

/*
 * client (tid 10, ns a): two sendto of 5 and 9 µs; server (tid 20, ns b):
 * recvfrom fails with EAGAIN twice, then returns 256 after 3 µs.
 */
static void build(struct syscalls_an *s)
{
	sys(s, 10, NS_A, "client", NR_SENDTO, NS_SYSCALL_ENTER, 0, 1000);
	sys(s, 20, NS_B, "server", NR_RECVFROM, NS_SYSCALL_ENTER, 0, 1500);
	sys(s, 10, NS_A, "client", NR_SENDTO, NS_SYSCALL_EXIT, 256, 6000);
	sys(s, 20, NS_B, "server", NR_RECVFROM, NS_SYSCALL_EXIT, -EAGAIN, 2000);
	sys(s, 20, NS_B, "server", NR_RECVFROM, NS_SYSCALL_ENTER, 0, 3000);
	sys(s, 20, NS_B, "server", NR_RECVFROM, NS_SYSCALL_EXIT, -EAGAIN, 3100);
	sys(s, 20, NS_B, "server", NR_RECVFROM, NS_SYSCALL_ENTER, 0, 4000);
	sys(s, 20, NS_B, "server", NR_RECVFROM, NS_SYSCALL_EXIT, 256, 7000);
	sys(s, 10, NS_A, "client", NR_SENDTO, NS_SYSCALL_ENTER, 0, 10000);
	sys(s, 10, NS_A, "client", NR_SENDTO, NS_SYSCALL_EXIT, 256, 19000);
}

static void exits_pair_with_the_last_enter_of_their_tid(void **state)
{
	struct syscalls_an *s = syscalls_new(&ctx, 0);
	struct syscalls_result r;
	const struct sys_row *c, *v;

	build(s);
	assert_int_equal(syscalls_finish(s, &r), 0);
	assert_int_equal(r.events, 10);
	assert_int_equal(r.enters, 5);
	assert_int_equal(r.exits, 5);
	assert_int_equal(r.n_rows, 2);
	c = row(&r, "a", "client", "sendto");
	assert_int_equal(c->calls, 2);
	assert_int_equal(c->errors, 0);
	assert_string_equal(c->top_error, "");
	assert_int_equal(c->total_ns, 5000 + 9000);
	assert_int_equal(c->max_ns, 9000);
	assert_int_equal(c->netns, NS_A);
	v = row(&r, "b", "server", "recvfrom");
	assert_int_equal(v->calls, 3);
	assert_int_equal(v->errors, 2);
	assert_string_equal(v->top_error, "EAGAIN");
	assert_int_equal(v->top_error_count, 2);
	assert_int_equal(v->total_ns, 500 + 100 + 3000);
	assert_int_equal(v->max_ns, 3000);
	assert_int_equal(r.unmatched_exits, 0);
	assert_int_equal(r.unmatched_enters, 0);
	assert_int_equal(r.open_at_end, 0);
	/* namespaces: the lab's by label, with their sums */
	assert_int_equal(r.n_ns, 2);
	assert_string_equal(r.ns[0].label, "a");
	assert_string_equal(r.ns[0].name, "netscope-9-a");
	assert_int_equal(r.ns[0].calls, 2);
	assert_int_equal(r.ns[1].errors, 2);
	/* the syscalls seen, by calls */
	assert_int_equal(r.n_names, 2);
	assert_string_equal(r.names[0].name, "recvfrom");
	assert_int_equal(r.names[0].calls, 3);
	syscalls_result_free(&r);
	syscalls_free(s);
}

static void unmatched_halves_are_counted_not_paired(void **state)
{
	struct syscalls_an *s = syscalls_new(&ctx, 0);
	struct syscalls_result r;

	/* an exit whose enter came before the trace */
	sys(s, 30, NS_B, "server", NR_EPOLL_WAIT, NS_SYSCALL_EXIT, 1, 100);
	/* an exit of another number than the pending enter: not its call */
	sys(s, 31, NS_B, "server", NR_RECVFROM, NS_SYSCALL_ENTER, 0, 200);
	sys(s, 31, NS_B, "server", NR_SENDTO, NS_SYSCALL_EXIT, 4, 300);
	/* the recvfrom's exit was lost: the next enter replaces it */
	sys(s, 31, NS_B, "server", NR_EPOLL_WAIT, NS_SYSCALL_ENTER, 0, 400);
	sys(s, 31, NS_B, "server", NR_EPOLL_WAIT, NS_SYSCALL_EXIT, 1, 900);
	/* blocked when the trace ended */
	sys(s, 32, NS_A, "client", NR_EPOLL_WAIT, NS_SYSCALL_ENTER, 0, 1000);
	assert_int_equal(syscalls_finish(s, &r), 0);
	assert_int_equal(r.unmatched_exits, 2);
	assert_int_equal(r.unmatched_enters, 1);
	assert_int_equal(r.open_at_end, 1);
	assert_int_equal(r.n_rows, 1);
	assert_int_equal(row(&r, "b", "server", "epoll_wait")->calls, 1);
	assert_int_equal(row(&r, "b", "server", "epoll_wait")->total_ns, 500);
	syscalls_result_free(&r);
	syscalls_free(s);
}

static void numbers_the_trace_does_not_name_and_kernel_errnos_get_names(void **state)
{
	struct syscalls_an *s = syscalls_new(&ctx, 0);
	struct syscalls_result r;
	char buf[32];

	sys(s, 40, NS_A, "app", 999, NS_SYSCALL_ENTER, 0, 10);
	sys(s, 40, NS_A, "app", 999, NS_SYSCALL_EXIT, -512, 20);
	assert_int_equal(syscalls_finish(s, &r), 0);
	assert_string_equal(r.rows[0].name, "syscall#999");
	assert_string_equal(r.rows[0].top_error, "ERESTARTSYS");
	assert_string_equal(syscalls_errno_name(ECONNREFUSED, buf, sizeof(buf)), "ECONNREFUSED");
	assert_string_equal(syscalls_errno_name(4000, buf, sizeof(buf)), "errno#4000");
	syscalls_result_free(&r);
	syscalls_free(s);
}

static void renderers_show_rows_per_namespace_or_how_to_record(void **state)
{
	struct syscalls_an *s = syscalls_new(&ctx, 0);
	struct syscalls_result r, none;
	struct json_writer *w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	build(s);
	assert_int_equal(syscalls_finish(s, &r), 0);
	f = open_memstream(&buf, &len);
	syscalls_print_text(f, &r, 10);
	fclose(f);
	assert_non_null(strstr(buf, "namespace a (netscope-9-a, inode 4026532178): 2 calls, 0 failed"));
	assert_non_null(strstr(buf, "EAGAIN 2"));
	assert_non_null(strstr(buf, "recvfrom 3, sendto 2"));
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	w = json_new(f);
	syscalls_print_json(w, &r);
	json_free(w);
	fclose(f);
	assert_non_null(strstr(buf, "{\"netns\":4026532247,\"label\":\"b\",\"comm\":\"server\","
				    "\"syscall\":\"recvfrom\",\"nr\":45,\"calls\":3,\"errors\":2,"
				    "\"top_error\":\"EAGAIN\",\"top_error_count\":2,"
				    "\"total_ns\":3600,\"max_ns\":3000}"));
	assert_non_null(strstr(buf, "\"unmatched_exits\":0"));
	free(buf);
	syscalls_result_free(&r);
	syscalls_free(s);

	s = syscalls_new(NULL, 0);
	assert_int_equal(syscalls_finish(s, &none), 0);
	buf = NULL;
	f = open_memstream(&buf, &len);
	syscalls_print_text(f, &none, 10);
	fclose(f);
	assert_non_null(strstr(buf, "record with --events default,syscalls"));
	free(buf);
	syscalls_result_free(&none);
	syscalls_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exits_pair_with_the_last_enter_of_their_tid),
		cmocka_unit_test(unmatched_halves_are_counted_not_paired),
		cmocka_unit_test(numbers_the_trace_does_not_name_and_kernel_errnos_get_names),
		cmocka_unit_test(renderers_show_rows_per_namespace_or_how_to_record),
	};

	return cmocka_run_group_tests_name("syscall_calls", tests, setup, teardown);
}
