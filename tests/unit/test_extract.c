// SPDX-License-Identifier: GPL-2.0
/*
 * The libclang extractor on tests/fixtures/index/, whose answers are known:
 * WRITE_ONCE/READ_ONCE/smp_store_release as the x86 kernel defines them,
 * a TCP_SKB_CB accessor, a #define sk_state alias, anonymous unions, an
 * INDIRECT_CALL_2 with retpoline on, ops tables, and a header inline shared
 * by two units.  Every record is checked by file, line, column, mode and
 * via.
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
#include "index/extract.h"

#define FIX "tests/fixtures/index/"
#define PROTO FIX "proto.c"
#define PEER FIX "peer.c"
#define HDR FIX "include/fix_skb.h"

static const char *const args[] = { "-I", FIX "include", "-std=gnu11" };
#define NARGS ((int)(sizeof(args) / sizeof(args[0])))

/* Everything a unit reported, strings copied (the sink's are borrowed). */
struct rec {
	char kind;		/* f(unc) c(all) a(ccess) r (fnref) d(ep) e(rror) */
	char *func;		/* usr of the function, caller or holder */
	char *a, *b;		/* name/record/callee/path, member/summary */
	char *via;
	int mode;		/* ix_mode, ix_call_kind or ix_fnref_kind */
	char *file;
	unsigned line, col;
	unsigned end_line;
	bool is_static, is_inline, in_header;
};

struct log {
	struct rec *v;
	size_t n, cap;
	char *claimed[64];
	size_t nclaimed;
	int stop_after;		/* > 0: the access callback asks to stop at that count */
	unsigned naccess;
};

static char *dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static struct rec *add(struct log *l, char kind)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		assert_non_null(l->v);
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	l->v[l->n].kind = kind;
	return &l->v[l->n++];
}

static int on_func(void *ctx, const struct ix_func *f)
{
	struct rec *r = add(ctx, 'f');

	r->func = dup(f->usr);
	r->a = dup(f->name);
	r->b = dup(f->summary);
	r->file = dup(f->loc.file);
	r->line = f->loc.line;
	r->col = f->loc.col;
	r->end_line = f->end_line;
	r->is_static = f->is_static;
	r->is_inline = f->is_inline;
	r->in_header = f->in_header;
	return 0;
}

static int on_call(void *ctx, const struct ix_call *c)
{
	struct rec *r = add(ctx, 'c');

	r->func = dup(c->caller_usr);
	r->a = dup(c->callee_name);
	r->b = dup(c->callee_usr);
	r->via = dup(c->via);
	r->mode = c->kind;
	r->file = dup(c->loc.file);
	r->line = c->loc.line;
	r->col = c->loc.col;
	return 0;
}

static int on_access(void *ctx, const struct ix_access *a)
{
	struct log *l = ctx;
	struct rec *r = add(ctx, 'a');

	r->func = dup(a->func_usr);
	r->a = dup(a->record);
	r->b = dup(a->member);
	r->via = dup(a->via);
	r->mode = a->mode;
	r->file = dup(a->loc.file);
	r->line = a->loc.line;
	r->col = a->loc.col;
	return l->stop_after && ++l->naccess >= (unsigned)l->stop_after;
}

static int on_fnref(void *ctx, const struct ix_fnref *f)
{
	struct rec *r = add(ctx, 'r');
	char buf[256];

	snprintf(buf, sizeof(buf), "%s.%s", f->record, f->member);
	r->a = dup(buf);
	r->b = dup(f->func_name);
	r->func = dup(f->holder);
	r->via = dup(f->func_usr);
	r->mode = f->kind;
	r->file = dup(f->loc.file);
	r->line = f->loc.line;
	r->col = f->loc.col;
	return 0;
}

static int on_dep(void *ctx, const char *path)
{
	add(ctx, 'd')->file = dup(path);
	return 0;
}

static int on_diag(void *ctx, const char *file, unsigned line, const char *msg)
{
	struct rec *r = add(ctx, 'e');

	r->file = dup(file);
	r->line = line;
	r->a = dup(msg);
	return 0;
}

/* The driver's claim table in miniature: first come, first reported. */
static bool on_claim(void *ctx, const char *usr)
{
	struct log *l = ctx;

	for (size_t i = 0; i < l->nclaimed; i++)
		if (!strcmp(l->claimed[i], usr))
			return false;
	assert_true(l->nclaimed < 64);
	l->claimed[l->nclaimed++] = strdup(usr);
	return true;
}

static void log_free(struct log *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].func);
		free(l->v[i].a);
		free(l->v[i].b);
		free(l->v[i].via);
		free(l->v[i].file);
	}
	for (size_t i = 0; i < l->nclaimed; i++)
		free(l->claimed[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static CXIndex index_;

static int setup(void **state)
{
	if (ix_clang_load())
		return -1;
	index_ = clang_createIndex(0, 0);
	return index_ ? 0 : -1;
}

static int teardown(void **state)
{
	clang_disposeIndex(index_);
	return 0;
}

static int extract(const char *path, struct log *l, struct ix_unit_stats *st)
{
	struct ix_sink sink = {
		.ctx = l, .func = on_func, .call = on_call, .access = on_access,
		.fnref = on_fnref, .dep = on_dep, .diag = on_diag, .claim = on_claim,
	};

	return ix_extract_unit(index_, path, args, NARGS, &sink, st);
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* How many records match exactly; func NULL matches file scope only. */
static int count(const struct log *l, char kind, const char *func, const char *a, const char *b,
		 int mode, const char *via, const char *file, unsigned line, unsigned col)
{
	int n = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct rec *r = &l->v[i];

		if (r->kind == kind && str_eq(r->func, func) && str_eq(r->a, a) &&
		    str_eq(r->b, b) && r->mode == mode && str_eq(r->via, via) &&
		    str_eq(r->file, file) && r->line == line && r->col == col)
			n++;
	}
	return n;
}

static int count_kind(const struct log *l, char kind, const char *func)
{
	int n = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == kind && (!func || str_eq(l->v[i].func, func)))
			n++;
	return n;
}

static const struct rec *find_func(const struct log *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == 'f' && !strcmp(l->v[i].a, name))
			return &l->v[i];
	return NULL;
}

#define ACCESS(l, fn, rec, mem, mode, via, file, line, col) \
	count(l, 'a', fn, rec, mem, mode, via, file, line, col)

static struct log proto;	/* proto.c, extracted once for most tests */

static int setup_proto(void **state)
{
	struct ix_unit_stats st;

	if (setup(state))
		return -1;
	memset(&proto, 0, sizeof(proto));
	return extract(PROTO, &proto, &st) || st.errors ? -1 : 0;
}

static int teardown_proto(void **state)
{
	log_free(&proto);
	return teardown(state);
}

static void write_once_of_sk_state_writes_sock_common_skc_state(void **state)
{
	const char *fn = "c:@F@set_state";

	/* the macro alias sk_state = __sk_common.skc_state gives both members */
	assert_int_equal(ACCESS(&proto, fn, "sock_common", "skc_state", IX_WRITE,
				"WRITE_ONCE,sk_state", PROTO, 13, 17), 1);
	assert_int_equal(ACCESS(&proto, fn, "sock", "__sk_common", IX_WRITE,
				"WRITE_ONCE,sk_state", PROTO, 13, 17), 1);
	/*
	 * the size checks and typeof inside WRITE_ONCE evaluate nothing and
	 * sit where the write is spelled: they are the macro's, not uses
	 */
	assert_int_equal(ACCESS(&proto, fn, "sock_common", "skc_state", IX_SIZE,
				"WRITE_ONCE,sk_state", PROTO, 13, 17), 0);
	assert_int_equal(ACCESS(&proto, fn, "sock", "__sk_common", IX_SIZE,
				"WRITE_ONCE,sk_state", PROTO, 13, 17), 0);
	/* and nothing is read: the six copies of the argument are one access each */
	assert_int_equal(count_kind(&proto, 'a', fn), 2);
}

static void read_once_of_sk_state_is_a_read(void **state)
{
	const char *fn = "c:proto.c@F@get_state";

	assert_int_equal(ACCESS(&proto, fn, "sock_common", "skc_state", IX_READ,
				"READ_ONCE,sk_state", PROTO, 22, 23), 1);
	assert_int_equal(ACCESS(&proto, fn, "sock_common", "skc_state", IX_WRITE,
				"READ_ONCE,sk_state", PROTO, 22, 23), 0);
	assert_int_equal(count_kind(&proto, 'a', fn), 2);
}

static void smp_store_release_through_address_is_a_write(void **state)
{
	const char *fn = "c:proto.c@F@release_err";

	assert_int_equal(ACCESS(&proto, fn, "sock", "sk_err", IX_WRITE, "smp_store_release",
				PROTO, 27, 25), 1);
	assert_int_equal(ACCESS(&proto, fn, "sock", "sk_err", IX_ADDR, "smp_store_release",
				PROTO, 27, 25), 0);
}

static void tcp_skb_cb_takes_the_address_of_sk_buff_cb(void **state)
{
	const char *fn = "c:@F@proto_rcv";

	assert_int_equal(ACCESS(&proto, fn, "sk_buff", "cb", IX_ADDR, "TCP_SKB_CB", PROTO, 32, 2), 1);
	assert_int_equal(ACCESS(&proto, fn, "tcp_skb_cb", "seq", IX_WRITE, NULL, PROTO, 32, 19), 1);
	assert_int_equal(ACCESS(&proto, fn, "sk_buff", "cb", IX_ADDR, "TCP_SKB_CB", PROTO, 33, 2), 1);
	assert_int_equal(ACCESS(&proto, fn, "tcp_skb_cb", "end_seq", IX_RW, NULL, PROTO, 33, 19), 1);
	/* len sits in an anonymous union: it belongs to sk_buff */
	assert_int_equal(ACCESS(&proto, fn, "sk_buff", "len", IX_READ, NULL, PROTO, 33, 35), 1);
	assert_int_equal(ACCESS(&proto, fn, "sk_buff", "cb", IX_ADDR, "TCP_SKB_CB", PROTO, 34, 9), 1);
	assert_int_equal(ACCESS(&proto, fn, "tcp_skb_cb", "tcp_flags", IX_READ, NULL, PROTO, 34, 26), 1);
	assert_int_equal(count_kind(&proto, 'a', fn), 7);
}

static void memset_and_memcpy_write_their_destination_only(void **state)
{
	const char *fn = "c:@F@other_rcv";

	assert_int_equal(ACCESS(&proto, fn, "sk_buff", "cb", IX_WRITE, NULL, PROTO, 39, 14), 1);
	assert_int_equal(ACCESS(&proto, fn, "sk_buff", "cb", IX_SIZE, NULL, PROTO, 39, 33), 1);
	assert_int_equal(ACCESS(&proto, fn, "sk_buff", "data_len", IX_WRITE, NULL, PROTO, 40, 15), 1);
	/* the source of memcpy is passed by address */
	assert_int_equal(ACCESS(&proto, fn, "sk_buff", "len", IX_ADDR, NULL, PROTO, 40, 31), 1);
	assert_int_equal(ACCESS(&proto, fn, "sk_buff", "len", IX_SIZE, NULL, PROTO, 40, 48), 1);
	assert_int_equal(count(&proto, 'c', fn, "memset", "c:@F@memset", IX_CALL_DIRECT, NULL,
			       PROTO, 39, 2), 1);
}

static void increments_compound_and_nested_members(void **state)
{
	const char *fn = "c:proto.c@F@count";

	assert_int_equal(ACCESS(&proto, fn, "sock", "sk_drops", IX_RW, NULL, PROTO, 46, 6), 1);
	/* a member of an unnamed struct member is named by its path */
	assert_int_equal(ACCESS(&proto, fn, "sock", "sk_backlog.len", IX_RW, NULL, PROTO, 47, 19), 1);
	/* writing a.b.c writes a.b */
	assert_int_equal(ACCESS(&proto, fn, "sock", "sk_backlog", IX_RW, NULL, PROTO, 47, 8), 1);
	/* a typedef'd unnamed struct is known by its typedef */
	assert_int_equal(ACCESS(&proto, fn, "socket_lock_t", "owned", IX_WRITE, NULL, PROTO, 48, 14), 1);
	assert_int_equal(ACCESS(&proto, fn, "sock", "sk_lock", IX_WRITE, NULL, PROTO, 48, 6), 1);
	assert_int_equal(ACCESS(&proto, fn, "sock", "sk_drops", IX_ADDR, NULL, PROTO, 49, 25), 1);
	assert_int_equal(ACCESS(&proto, fn, "sock", "sk_err", IX_SIZE, "offsetof", PROTO, 50, 44), 1);
	assert_int_equal(ACCESS(&proto, fn, "sk_buff", "cb", IX_READ, NULL, PROTO, 51, 12), 1);
	/* an element write is a write of the array member */
	assert_int_equal(ACCESS(&proto, fn, "sk_buff", "cb", IX_WRITE, NULL, PROTO, 52, 7), 1);
	assert_int_equal(count_kind(&proto, 'a', fn), 9);
}

static void typeof_is_size_and_unlikely_is_no_via(void **state)
{
	const char *fn = "c:proto.c@F@noisy";

	assert_int_equal(ACCESS(&proto, fn, "sk_buff", "len", IX_SIZE, NULL, PROTO, 86, 14), 1);
	assert_int_equal(ACCESS(&proto, fn, "sk_buff", "data_len", IX_SIZE, NULL, PROTO, 87, 14), 1);
	assert_int_equal(ACCESS(&proto, fn, "sk_buff", "data_len", IX_READ, NULL, PROTO, 87, 33), 1);
	assert_int_equal(ACCESS(&proto, fn, "sk_buff", "alt_len", IX_READ, NULL, PROTO, 89, 20), 1);
	assert_int_equal(count_kind(&proto, 'a', fn), 4);
}

static void designated_initializer_stores_handler(void **state)
{
	assert_int_equal(count(&proto, 'r', "proto", "net_protocol.handler", "proto_rcv",
			       IX_FNREF_INIT, "c:@F@proto_rcv", PROTO, 65, 13), 1);
	assert_int_equal(ACCESS(&proto, NULL, "net_protocol", "handler", IX_INIT, NULL, PROTO, 65, 3), 1);
	assert_int_equal(ACCESS(&proto, NULL, "net_protocol", "err_handler", IX_INIT, NULL, PROTO, 66, 3), 1);
	assert_int_equal(ACCESS(&proto, NULL, "net_protocol", "no_policy", IX_INIT, NULL, PROTO, 67, 3), 1);
	/* .err_handler = 0 stores no function */
	assert_int_equal(count(&proto, 'r', "proto", "net_protocol.err_handler", NULL, IX_FNREF_INIT,
			       NULL, PROTO, 66, 17), 0);
}

static void positional_and_nested_initializers_of_an_ops_table(void **state)
{
	assert_int_equal(count(&proto, 'r', "protos", "net_protocol.handler", "other_rcv",
			       IX_FNREF_INIT, "c:@F@other_rcv", PROTO, 71, 4), 1);
	assert_int_equal(count(&proto, 'r', "protos", "net_protocol.handler", "proto_rcv",
			       IX_FNREF_INIT, "c:@F@proto_rcv", PROTO, 72, 21), 1);
	assert_int_equal(ACCESS(&proto, NULL, "net_protocol", "handler", IX_INIT, NULL, PROTO, 71, 4), 1);
	assert_int_equal(ACCESS(&proto, NULL, "net_protocol", "err_handler", IX_INIT, NULL, PROTO, 71, 15), 1);
	assert_int_equal(ACCESS(&proto, NULL, "net_protocol", "no_policy", IX_INIT, NULL, PROTO, 71, 18), 1);
	assert_int_equal(ACCESS(&proto, NULL, "net_protocol", "handler", IX_INIT, NULL, PROTO, 72, 11), 1);
	assert_int_equal(count_kind(&proto, 'r', NULL), 4);
}

static void assigning_a_function_to_a_member_is_a_fnref(void **state)
{
	assert_int_equal(count(&proto, 'r', "install", "sock.sk_data_ready", "data_ready",
			       IX_FNREF_ASSIGN, "c:proto.c@F@data_ready", PROTO, 61, 6), 1);
	assert_int_equal(ACCESS(&proto, "c:proto.c@F@install", "sock", "sk_data_ready", IX_WRITE,
				NULL, PROTO, 61, 6), 1);
}

static void indirect_call_2_gives_macro_edges_and_a_pointer_call(void **state)
{
	const char *fn = "c:@F@deliver";

	assert_int_equal(count(&proto, 'c', fn, "proto_rcv", "c:@F@proto_rcv", IX_CALL_MACRO,
			       "INDIRECT_CALL_2", PROTO, 81, 42), 1);
	assert_int_equal(count(&proto, 'c', fn, "other_rcv", "c:@F@other_rcv", IX_CALL_MACRO,
			       "INDIRECT_CALL_2", PROTO, 81, 53), 1);
	/* the fallback calls __f1, a copy of ipprot->handler: the slot is found again */
	assert_int_equal(count(&proto, 'c', fn, NULL, NULL, IX_CALL_POINTER,
			       "net_protocol.handler", PROTO, 81, 9), 1);
	/* so is the slot of a local function pointer initialized from a member */
	assert_int_equal(count(&proto, 'c', fn, NULL, NULL, IX_CALL_POINTER,
			       "net_protocol.handler", PROTO, 79, 6), 1);
	/* __builtin_expect (likely) is no call */
	assert_int_equal(count_kind(&proto, 'c', fn), 4);
	assert_int_equal(ACCESS(&proto, fn, "net_protocol", "handler", IX_READ, "INDIRECT_CALL_2",
				PROTO, 81, 33), 1);
}

static void function_passed_as_an_argument_is_a_callback_edge(void **state)
{
	const char *fn = "c:@F@start";

	assert_int_equal(count(&proto, 'c', fn, "hook", "c:proto.c@F@hook", IX_CALL_DIRECT, NULL,
			       PROTO, 109, 9), 1);
	/* at the place the function is named, with the parameter that takes it */
	assert_int_equal(count(&proto, 'c', fn, "finish", "c:proto.c@F@finish", IX_CALL_CALLBACK,
			       "hook(okfn)", PROTO, 109, 23), 1);
	/* &finish is the same function */
	assert_int_equal(count(&proto, 'c', fn, "finish", "c:proto.c@F@finish", IX_CALL_CALLBACK,
			       "hook(okfn)", PROTO, 109, 47), 1);
	assert_int_equal(count_kind(&proto, 'c', fn), 4);
	/* inside hook, the call through its parameter stays a pointer call */
	assert_int_equal(count(&proto, 'c', "c:proto.c@F@hook", NULL, NULL, IX_CALL_POINTER, "okfn",
			       PROTO, 99, 9), 1);
}

static void atomic_and_bit_calls_use_the_object_they_point_to(void **state)
{
	const char *fn = "c:@F@count_it";

	assert_int_equal(ACCESS(&proto, fn, "counted", "refs", IX_RW, NULL, PROTO, 127, 17), 1);
	assert_int_equal(ACCESS(&proto, fn, "counted", "refs", IX_WRITE, NULL, PROTO, 128, 17), 1);
	/* the bit operations take the object second */
	assert_int_equal(ACCESS(&proto, fn, "counted", "flags", IX_RW, NULL, PROTO, 129, 17), 1);
	assert_int_equal(ACCESS(&proto, fn, "counted", "refs", IX_READ, NULL, PROTO, 130, 25), 1);
	assert_int_equal(ACCESS(&proto, fn, "counted", "flags", IX_READ, NULL, PROTO, 130, 49), 1);
	/* none of them is a mere address-taking */
	assert_int_equal(count_kind(&proto, 'a', fn), 5);
}

static void atomic_value_first_long_family_and_bitop_macro(void **state)
{
	const char *fn = "c:@F@count_more";

	/* atomic_add(i, v): the object second */
	assert_int_equal(ACCESS(&proto, fn, "counted_more", "refs", IX_RW, NULL, PROTO, 149, 20), 1);
	/* atomic_long_read is a read of the atomic_long_ family, not atomic_'s "long_read" */
	assert_int_equal(ACCESS(&proto, fn, "counted_more", "bytes", IX_READ, NULL, PROTO, 150, 30), 1);
	/* bitop() compares &x with NULL too: that copy is no address-taking of its own */
	assert_int_equal(ACCESS(&proto, fn, "counted_more", "flags", IX_READ, "fix_test_bit", PROTO, 150, 59), 1);
	assert_int_equal(ACCESS(&proto, fn, "counted_more", "flags", IX_ADDR, "fix_test_bit", PROTO, 150, 59), 0);
	assert_int_equal(count_kind(&proto, 'a', fn), 3);
}

static void functions_with_kernel_doc_summaries(void **state)
{
	const struct rec *f = find_func(&proto, "set_state");

	assert_non_null(f);
	assert_string_equal(f->func, "c:@F@set_state");
	assert_string_equal(f->file, PROTO);
	assert_int_equal(f->line, 11);
	assert_int_equal(f->col, 6);
	assert_int_equal(f->end_line, 14);
	assert_false(f->is_static);
	assert_false(f->in_header);
	assert_string_equal(f->b, "move a socket to a new state, and say so");

	f = find_func(&proto, "get_state");
	assert_non_null(f);
	assert_true(f->is_static);
	assert_false(f->is_inline);
	assert_string_equal(f->b, "the state, read once");

	f = find_func(&proto, "release_err");
	assert_non_null(f);
	assert_null(f->b);
	/* twenty-three in proto.c and the header inline it claimed */
	assert_int_equal(count_kind(&proto, 'f', NULL), 24);
}

static void header_inline_is_reported_by_the_first_unit_only(void **state)
{
	struct log l = { 0 };
	struct ix_unit_stats st;
	const struct rec *f;
	size_t first_n;

	assert_int_equal(extract(PROTO, &l, &st), 0);
	assert_int_equal(st.skipped, 0);
	f = find_func(&l, "skb_headlen");
	assert_non_null(f);
	assert_string_equal(f->file, HDR);
	assert_int_equal(f->line, 68);
	assert_true(f->in_header && f->is_static && f->is_inline);
	assert_string_equal(f->b, "bytes in the linear part");
	assert_int_equal(ACCESS(&l, "c:fix_skb.h@F@skb_headlen", "sk_buff", "len", IX_READ, NULL,
				HDR, 70, 14), 1);
	assert_int_equal(ACCESS(&l, "c:fix_skb.h@F@skb_headlen", "sk_buff", "data_len", IX_READ,
				NULL, HDR, 70, 25), 1);

	/* the same claim table: peer.c calls it but does not report it again */
	first_n = l.n;
	assert_int_equal(extract(PEER, &l, &st), 0);
	assert_int_equal(st.skipped, 1);
	for (size_t i = first_n; i < l.n; i++) {
		assert_false(l.v[i].kind == 'f' && !strcmp(l.v[i].a, "skb_headlen"));
		assert_false(str_eq(l.v[i].func, "c:fix_skb.h@F@skb_headlen"));
	}
	assert_int_equal(count(&l, 'c', "c:@F@peer_len", "skb_headlen", "c:fix_skb.h@F@skb_headlen",
			       IX_CALL_DIRECT, NULL, PEER, 9, 9), 1);
	log_free(&l);
}

static void unit_with_an_error_reports_it_and_the_rest(void **state)
{
	struct log l = { 0 };
	struct ix_unit_stats st;

	assert_int_equal(extract(PEER, &l, &st), 0);
	assert_false(st.failed);
	assert_int_equal(st.errors, 1);
	assert_string_equal(st.first_error,
			    PEER ":7: use of undeclared identifier 'missing_len'");
	assert_int_equal(count(&l, 'e', NULL, "use of undeclared identifier 'missing_len'", NULL, 0,
			       NULL, PEER, 7, 0), 1);
	/* the function with the error is still there, with its call */
	assert_non_null(find_func(&l, "peer_len"));
	assert_int_equal(count(&l, 'c', "c:@F@peer_len", "skb_headlen", "c:fix_skb.h@F@skb_headlen",
			       IX_CALL_DIRECT, NULL, PEER, 9, 9), 1);
	/* container_of's offsetof names the member without evaluating it */
	assert_int_equal(ACCESS(&l, "c:peer.c@F@sk_of", "sock", "__sk_common", IX_SIZE,
				"container_of", PEER, 14, 40), 1);
	log_free(&l);
}

static void dependencies_are_the_file_and_its_includes(void **state)
{
	assert_int_equal(count_kind(&proto, 'd', NULL), 3);
	assert_int_equal(count(&proto, 'd', NULL, NULL, NULL, 0, NULL, PROTO, 0, 0), 1);
	assert_int_equal(count(&proto, 'd', NULL, NULL, NULL, 0, NULL, HDR, 0, 0), 1);
	assert_int_equal(count(&proto, 'd', NULL, NULL, NULL, 0, NULL,
			       FIX "include/fix_compiler.h", 0, 0), 1);
}

static void missing_file_fails_with_enoent(void **state)
{
	struct log l = { 0 };
	struct ix_unit_stats st;

	assert_int_equal(extract(FIX "no_such.c", &l, &st), -ENOENT);
	assert_true(st.failed);
	assert_non_null(strstr(st.first_error, "no_such.c"));
	assert_int_equal(l.n, 0);
	log_free(&l);
}

static void sink_asking_to_stop_ends_the_unit(void **state)
{
	struct log l = { .stop_after = 2 };
	struct ix_unit_stats st;

	assert_int_equal(extract(PROTO, &l, &st), -ECANCELED);
	assert_int_equal(count_kind(&l, 'a', NULL), 2);
	log_free(&l);
}

static void kernel_doc_one_liners(void **state)
{
	char buf[128];

	assert_true(ix_kdoc_summary("/**\n * tcp_v4_rcv - receive a TCP segment\n"
				    " * @skb: the buffer\n */", buf, sizeof(buf)));
	assert_string_equal(buf, "receive a TCP segment");
	assert_true(ix_kdoc_summary("/**\n * sk_foo() -  first part\n *   second part  \n *\n"
				    " * Long text.\n */", buf, sizeof(buf)));
	assert_string_equal(buf, "first part second part");
	assert_true(ix_kdoc_summary("/** inet_sk_state_store - update sk->sk_state */", buf,
				    sizeof(buf)));
	assert_string_equal(buf, "update sk->sk_state");
	/* prose is no kernel-doc */
	assert_false(ix_kdoc_summary("/**\n * Add all the base protocols.\n */", buf, sizeof(buf)));
	assert_false(ix_kdoc_summary("/* plain - comment */", buf, 0));
	/* truncated, still terminated */
	assert_true(ix_kdoc_summary("/** f - abcdefghij */", buf, 5));
	assert_string_equal(buf, "abcd");
}

int main(void)
{
	const struct CMUnitTest proto_tests[] = {
		cmocka_unit_test(write_once_of_sk_state_writes_sock_common_skc_state),
		cmocka_unit_test(read_once_of_sk_state_is_a_read),
		cmocka_unit_test(smp_store_release_through_address_is_a_write),
		cmocka_unit_test(tcp_skb_cb_takes_the_address_of_sk_buff_cb),
		cmocka_unit_test(memset_and_memcpy_write_their_destination_only),
		cmocka_unit_test(increments_compound_and_nested_members),
		cmocka_unit_test(typeof_is_size_and_unlikely_is_no_via),
		cmocka_unit_test(designated_initializer_stores_handler),
		cmocka_unit_test(positional_and_nested_initializers_of_an_ops_table),
		cmocka_unit_test(assigning_a_function_to_a_member_is_a_fnref),
		cmocka_unit_test(indirect_call_2_gives_macro_edges_and_a_pointer_call),
		cmocka_unit_test(function_passed_as_an_argument_is_a_callback_edge),
		cmocka_unit_test(atomic_and_bit_calls_use_the_object_they_point_to),
		cmocka_unit_test(atomic_value_first_long_family_and_bitop_macro),
		cmocka_unit_test(functions_with_kernel_doc_summaries),
		cmocka_unit_test(dependencies_are_the_file_and_its_includes),
	};
	const struct CMUnitTest unit_tests[] = {
		cmocka_unit_test(header_inline_is_reported_by_the_first_unit_only),
		cmocka_unit_test(unit_with_an_error_reports_it_and_the_rest),
		cmocka_unit_test(missing_file_fails_with_enoent),
		cmocka_unit_test(sink_asking_to_stop_ends_the_unit),
		cmocka_unit_test(kernel_doc_one_liners),
	};
	int failed = cmocka_run_group_tests_name("extract_proto", proto_tests, setup_proto,
						 teardown_proto);

	return failed + cmocka_run_group_tests_name("extract_units", unit_tests, setup, teardown);
}
