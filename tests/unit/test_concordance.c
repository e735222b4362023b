// SPDX-License-Identifier: GPL-2.0
/*
 * The seed concordance against a fake kernel (kallsyms, clones and BTF
 * answered by tables): every status a function can get, every way a
 * stand-in is found (rule, preferring what the trace saw; _noprof, __name
 * and clone guesses), the why of each, unreadable kallsyms/BTF, rules
 * errors with line numbers, the built-in rules, and both renderings.
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
#include "analysis/concordance.h"
#include "common/json.h"
#include "render/concordance_out.h"

/* the fake kernel */
static const char *const syms[] = {
	"here", "wrapper_target", "stand_a", "stand_b", "alloc_thing_noprof", "__inline_fn", "seen_fn",
	"only_clones.isra.0", "only_clones.cold", "seen_by_clone.constprop.0", "do_syscall_64",
};
static const char *const btf_funcs[] = { "here", "inline_fn", "inline_nothing", "seen_fn", "do_syscall_64" };
static int kernel_err;	/* non-zero: kallsyms and BTF unreadable */

static int has(const char *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], name))
			return 1;
	return 0;
}

static int fake_in_kallsyms(void *arg, const char *name)
{
	return kernel_err ? kernel_err : has(syms, sizeof(syms) / sizeof(syms[0]), name);
}

static int fake_clones(void *arg, const char *name, void (*each)(void *ctx, const char *clone), void *ctx)
{
	size_t len = strlen(name);
	int n = 0;

	if (kernel_err)
		return kernel_err;
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		if (!strncmp(syms[i], name, len) && syms[i][len] == '.') {
			each(ctx, syms[i]);
			n++;
		}
	return n;
}

static int fake_in_btf(void *arg, const char *name)
{
	return kernel_err ? kernel_err : has(btf_funcs, sizeof(btf_funcs) / sizeof(btf_funcs[0]), name);
}

static const struct conc_lookup fake = { .in_kallsyms = fake_in_kallsyms, .clones = fake_clones,
					 .in_btf = fake_in_btf };

static const char rules_text[] =
	"# a test table\n"
	"exp9\tseen_fn\t-\t-\n"
	"exp9\tseen_by_clone\t-\t-\n"
	"exp9\there\tstand_a,stand_b\tpresent, the trace missed it\n"
	"exp9\tonly_clones\t-\t-\n"
	"exp9\tgone_quiet\t-\t-\n"
	"exp9\tinline_fn\t-\t-\n"
	"exp9\tinline_nothing\t-\t-\n"
	"exp9\talloc_thing\t-\t-\n"
	"exp9\trenamed\tgone_too\trenamed in 9.9\n"
	"exp9\twrapper\twrapper_target\tan inline over wrapper_target\n"
	"exp8\there\t-\t-\n";

static struct conc_rules *rules;
static struct conc_seen *seen;

static int setup(void **state)
{
	char err[256];

	rules = conc_rules__new();
	seen = conc_seen__new();
	if (conc_rules__parse(rules, rules_text, "t.rules", err, sizeof(err)))
		return -1;
	conc_seen__add(seen, "seen_fn", CONC_HOW_EVENT, 12);
	conc_seen__add(seen, "seen_fn+0x1a", CONC_HOW_STACK, 3);
	conc_seen__add(seen, "seen_by_clone.constprop.0", CONC_HOW_SAMPLE, 5);
	conc_seen__add(seen, "stand_b", CONC_HOW_STACK, 40);
	return 0;
}

static int teardown(void **state)
{
	conc_rules__free(rules);
	conc_seen__free(seen);
	return 0;
}

static const struct conc_row *row_of(const struct conc_result *r, const char *function)
{
	for (size_t i = 0; i < r->n_rows; i++)
		if (!strcmp(r->rows[i].function, function))
			return &r->rows[i];
	fail_msg("no row for %s", function);
	return NULL;
}

static void every_function_gets_a_status_a_stand_in_when_needed_and_a_why(void **state)
{
	struct conc_result *r = concordance__build(rules, "exp9", &fake, seen);
	const struct conc_row *row;

	assert_non_null(r);
	assert_int_equal(r->n_rows, 10);
	assert_true(r->kallsyms_read && r->btf_read);
	for (size_t i = 0; i < r->n_rows; i++)
		assert_true(r->rows[i].why && r->rows[i].why[0]);

	row = row_of(r, "seen_fn");
	assert_int_equal(row->status, CONC_SEEN);
	assert_int_equal(row->in_btf, 1);
	assert_int_equal(row->in_kallsyms, 1);
	assert_int_equal(row->seen[CONC_HOW_EVENT], 12);
	assert_int_equal(row->seen[CONC_HOW_STACK], 3);	/* "+0x1a" cut */
	assert_null(row->stand_in);
	assert_string_equal(row->why, "seen in this trace");

	row = row_of(r, "seen_by_clone");
	assert_int_equal(row->status, CONC_SEEN);
	assert_int_equal(row->in_kallsyms, 0);
	assert_int_equal(row->n_clones, 1);
	assert_int_equal(row->seen[CONC_HOW_SAMPLE], 5);
	assert_string_equal(row->why, "seen in this trace through its compiler clone seen_by_clone.constprop.0");

	/* both stand-ins are present; the one the trace saw wins over the first */
	row = row_of(r, "here");
	assert_int_equal(row->status, CONC_NOT_SEEN);
	assert_string_equal(row->stand_in, "stand_b");
	assert_int_equal(row->stand_in_from, CONC_FROM_RULE);
	assert_int_equal(row->stand_in_seen[CONC_HOW_STACK], 40);
	assert_string_equal(row->why, "present, the trace missed it");

	row = row_of(r, "only_clones");
	assert_int_equal(row->status, CONC_NOT_SEEN);
	assert_int_equal(row->in_kallsyms, 0);
	assert_int_equal(row->n_clones, 2);
	assert_int_equal(row->stand_in_from, CONC_FROM_CLONE);
	assert_non_null(strstr(row->why, "only compiler clones are in kallsyms (only_clones."));

	row = row_of(r, "inline_fn");
	assert_int_equal(row->status, CONC_INLINED);
	assert_string_equal(row->stand_in, "__inline_fn");
	assert_int_equal(row->stand_in_from, CONC_FROM_UNDERSCORE);
	assert_string_equal(row->why, "a BTF FUNC but no symbol: inlined into its callers; __inline_fn is in "
				      "kallsyms (guess: __name)");

	row = row_of(r, "inline_nothing");
	assert_int_equal(row->status, CONC_INLINED);
	assert_null(row->stand_in);
	assert_non_null(strstr(row->why, "no probe can see it"));

	row = row_of(r, "alloc_thing");
	assert_int_equal(row->status, CONC_ABSENT);
	assert_int_equal(row->in_btf, 0);
	assert_string_equal(row->stand_in, "alloc_thing_noprof");
	assert_int_equal(row->stand_in_from, CONC_FROM_NOPROF);
	assert_string_equal(row->why, "not in this kernel; alloc_thing_noprof is (guess: _noprof)");

	row = row_of(r, "gone_quiet");
	assert_int_equal(row->status, CONC_ABSENT);
	assert_null(row->stand_in);
	assert_non_null(strstr(row->why, "no rule names a stand-in"));

	/* the rule's stand-in is gone too and nothing can be guessed: said, not hidden */
	row = row_of(r, "renamed");
	assert_int_equal(row->status, CONC_ABSENT);
	assert_null(row->stand_in);
	assert_string_equal(row->why, "renamed in 9.9");

	row = row_of(r, "wrapper");
	assert_int_equal(row->status, CONC_ABSENT);
	assert_string_equal(row->stand_in, "wrapper_target");
	assert_int_equal(row->stand_in_kallsyms, 1);
	assert_int_equal(row->stand_in_seen[CONC_HOW_EVENT], 0);
	conc_result__free(r);
}

static void unreadable_kallsyms_and_btf_make_rows_unknown_not_absent(void **state)
{
	struct conc_result *r;
	const struct conc_row *row;

	kernel_err = -EACCES;
	r = concordance__build(rules, "9", &fake, seen);
	kernel_err = 0;
	assert_non_null(r);
	assert_false(r->kallsyms_read);
	assert_false(r->btf_read);
	row = row_of(r, "gone_quiet");
	assert_int_equal(row->status, CONC_UNKNOWN);
	assert_int_equal(row->in_kallsyms, -1);
	assert_int_equal(row->in_btf, -1);
	assert_non_null(strstr(row->why, "kallsyms could not be read"));
	/* what the trace saw needs no kallsyms */
	assert_int_equal(row_of(r, "seen_fn")->status, CONC_SEEN);
	/* a rule's stand-in is still offered, its presence unknown */
	row = row_of(r, "wrapper");
	assert_string_equal(row->stand_in, "wrapper_target");
	assert_int_equal(row->stand_in_kallsyms, -1);
	conc_result__free(r);
}

static void experiments_are_named_expN_or_N_and_unknown_ones_refused(void **state)
{
	const char *names[4];
	struct conc_result *r;

	assert_int_equal(conc_rules__experiments(rules, names, 4), 2);
	assert_string_equal(names[0], "exp9");
	assert_string_equal(names[1], "exp8");
	r = concordance__build(rules, "8", &fake, seen);
	assert_int_equal(r->n_rows, 1);
	assert_string_equal(r->experiment, "exp8");
	conc_result__free(r);
	r = concordance__build(rules, "all", &fake, seen);
	assert_int_equal(r->n_rows, 11);
	conc_result__free(r);
	errno = 0;
	assert_null(concordance__build(rules, "exp7", &fake, seen));
	assert_int_equal(errno, ENOENT);
}

static void bad_rules_are_named_with_their_line_and_keep_nothing(void **state)
{
	struct conc_rules *r = conc_rules__new();
	const char *names[2];
	char err[256];

	assert_int_equal(conc_rules__parse(r, "exp1\tf\t-\tok\nexp1\tg\t-\n", "c.rules", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "c.rules:2: 3 fields, expected 4 separated by tabs (experiment, function, "
				 "stand-ins or '-', why)");
	assert_int_equal(conc_rules__experiments(r, names, 2), 0);
	assert_int_equal(conc_rules__parse(r, "# x\nthree\tf\t-\twhy\n", "c.rules", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "c.rules:2: experiment 'three' is not expN");
	assert_int_equal(conc_rules__parse(r, "exp1\t\t-\twhy\n", "c.rules", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "c.rules:1: field 2 is empty");
	assert_int_equal(conc_rules__load_file(r, "/nonexistent/c.rules", err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "cannot open '/nonexistent/c.rules': No such file or directory");
	conc_rules__free(r);
}

static void builtin_rules_name_every_function_of_the_reference_experiments(void **state)
{
	static const char *const want[][2] = {
		{ "exp2", "tcp_v4_rcv" },	 { "exp2", "tcp_v4_send_reset" }, { "exp2", "tcp_v4_fill_cb" },
		{ "exp2", "netif_receive_skb" }, { "exp2", "kfree_skb" },	  { "exp3", "skb_push" },
		{ "exp3", "dev_queue_xmit" },	 { "exp3", "netif_receive_skb" }, { "exp3", "ip_rcv" },
		{ "exp3", "sock_poll" },	 { "exp3", "sockfd_lookup_light" }, { "exp3", "tcp_v4_rcv" },
		{ "exp4", "irq_enter_rcu" },	 { "exp4", "irq_exit_rcu" },	  { "exp5", "__alloc_skb" },
		{ "exp5", "kmem_cache_alloc_node" }, { "exp5", "kmalloc_reserve" }, { "exp5", "alloc_skb" },
	};
	char err[256] = "";
	struct conc_rules *b = conc_rules__builtin(err, sizeof(err));
	struct conc_result *all;

	if (!b)
		fail_msg("%s", err);
	all = concordance__build(b, "all", &fake, NULL);
	assert_int_equal(all->n_rows, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < all->n_rows; i++) {
		assert_string_equal(all->rows[i].experiment, want[i][0]);
		assert_string_equal(all->rows[i].function, want[i][1]);
	}
	conc_result__free(all);
	conc_rules__free(b);
}

static char *render(const struct conc_result *r, int json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (json) {
		struct json_writer *w = json_new(f);

		concordance_out_json(r, w);
		json_free(w);
	} else {
		concordance_out_text(r, f);
	}
	fclose(f);
	return buf;
}

static void renderings_show_status_stand_in_and_why(void **state)
{
	struct conc_result *r = concordance__build(rules, "exp9", &fake, seen);
	char *text = render(r, 0), *json;

	assert_non_null(strstr(text, "here "));
	assert_non_null(strstr(text, " stand_b (rule; stack 40)"));
	assert_non_null(strstr(text, " wrapper_target (rule; not seen either)"));
	assert_non_null(strstr(text, "clone only_clones.isra.0"));
	assert_non_null(strstr(text, "why: renamed in 9.9"));
	json = render(r, 1);
	assert_non_null(strstr(json, "{\"experiment\":\"exp9\",\"function\":\"seen_fn\",\"btf\":true,"
				     "\"kallsyms\":true,\"clones\":[],\"seen\":{\"event\":12,\"stack\":3,"
				     "\"sample\":0},\"status\":\"seen\",\"stand_in\":null,"
				     "\"why\":\"seen in this trace\"}"));
	assert_non_null(strstr(json, "\"stand_in\":{\"function\":\"alloc_thing_noprof\",\"from\":\"guess: _noprof\","
				     "\"kallsyms\":true"));
	free(text);
	free(json);
	conc_result__free(r);
	kernel_err = -EACCES;
	r = concordance__build(rules, "exp8", &fake, seen);
	kernel_err = 0;
	text = render(r, 0);
	json = render(r, 1);
	assert_non_null(strstr(text, "/proc/kallsyms could not be read"));
	assert_non_null(strstr(json, "\"btf\":null,\"kallsyms\":null"));
	free(text);
	free(json);
	conc_result__free(r);
}

static void count_clone(void *ctx, const char *clone)
{
	(*(int *)ctx)++;
}

/* the real lookup, by name; skipped parts where this machine hides kallsyms or BTF */
static void running_kernel_is_looked_up_by_name(void **state)
{
	struct conc_lookup k = { 0 };
	int n = 0;

	assert_int_equal(conc_lookup__running(&k), 0);
	if (k.in_kallsyms(k.arg, "tcp_v4_rcv") >= 0) {
		assert_int_equal(k.in_kallsyms(k.arg, "tcp_v4_rcv"), 1);
		assert_int_equal(k.in_kallsyms(k.arg, "no_such_function_in_any_kernel"), 0);
		assert_true(k.clones(k.arg, "no_such_function_in_any_kernel", count_clone, &n) == 0 && n == 0);
	}
	if (k.in_btf(k.arg, "tcp_v4_rcv") >= 0) {
		assert_int_equal(k.in_btf(k.arg, "tcp_v4_rcv"), 1);
		assert_int_equal(k.in_btf(k.arg, "no_such_function_in_any_kernel"), 0);
	}
	conc_lookup__release(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_function_gets_a_status_a_stand_in_when_needed_and_a_why),
		cmocka_unit_test(unreadable_kallsyms_and_btf_make_rows_unknown_not_absent),
		cmocka_unit_test(experiments_are_named_expN_or_N_and_unknown_ones_refused),
		cmocka_unit_test(bad_rules_are_named_with_their_line_and_keep_nothing),
		cmocka_unit_test(builtin_rules_name_every_function_of_the_reference_experiments),
		cmocka_unit_test(renderings_show_status_stand_in_and_why),
		cmocka_unit_test(running_kernel_is_looked_up_by_name),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
