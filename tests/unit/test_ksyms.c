// SPDX-License-Identifier: GPL-2.0
/* Kernel symbols from kallsyms text: fixtures, then the live /proc/kallsyms. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "trace/ksyms.h"

/* Out of order on purpose, with what real files hold: per-CPU symbols at 0,
 * aliases, data symbols, module and BPF program symbols. */
static const char fixture[] =
	"0000000000000000 A fixed_percpu_data\n"
	"0000000000001000 D cpu_number\n"
	"ffffffff81000000 T _stext\n"
	"ffffffff81000000 T _text\n"
	"ffffffff81a00000 T tcp_v4_rcv\n"
	"ffffffff81a00ff0 t tcp_v4_do_rcv\n"
	"ffffffff81900000 T ip_rcv\n"
	"ffffffff82000000 D init_net\n"
	"ffffffff81b00000 W weak_fn\n"
	"ffffffffc0a01000 t nft_do_chain\t[nf_tables]\n"
	"ffffffffc0a02000 t nft_lookup_eval\t[nf_tables]\n"
	"ffffffffc0b00000 T br_handle_frame\t[bridge]\n"
	"ffffffffa0001000 t bpf_prog_6deef7357e7b4530_sd_fw_ingress\t[bpf]\n"
	"ffffffffa0002000 t bpf_trampoline_6442459012\t[bpf]\n";

static char path[64];

static const char *write_fixture(const char *text)
{
	FILE *f;
	int fd;

	strcpy(path, "/tmp/test_ksyms.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void fixture_maps_addresses_inside_at_start_and_before_first(void **state)
{
	struct ksyms *ks = ksyms__load(write_fixture(fixture));
	const struct ksym *s;

	unlink(path);
	assert_non_null(ks);
	/* at the start */
	s = ksyms__map_addr(ks, 0xffffffff81a00000);
	assert_non_null(s);
	assert_string_equal(s->name, "tcp_v4_rcv");
	assert_null(s->module);
	/* inside */
	s = ksyms__map_addr(ks, 0xffffffff81a001a2);
	assert_string_equal(s->name, "tcp_v4_rcv");
	s = ksyms__map_addr(ks, 0xffffffff81a00ff8);
	assert_string_equal(s->name, "tcp_v4_do_rcv");
	/* before the first symbol (a heap pointer) */
	assert_null(ksyms__map_addr(ks, 0xffff888100000000));
	/* one byte before the first text symbol */
	assert_null(ksyms__map_addr(ks, 0xffffffff80ffffff));
	/* past the end of vmlinux text, before the BPF programs */
	assert_string_equal(ksyms__map_addr(ks, 0xffffffffa0000fff)->name, "weak_fn");
	/* aliases: the first name in order, whatever qsort did */
	assert_string_equal(ksyms__map_addr(ks, 0xffffffff81000010)->name, "_stext");
	ksyms__free(ks);
}

static void module_and_bpf_symbols_keep_their_module(void **state)
{
	struct ksyms *ks = ksyms__load(write_fixture(fixture));
	const struct ksym *a, *b;
	char buf[128];

	unlink(path);
	assert_non_null(ks);
	a = ksyms__map_addr(ks, 0xffffffffc0a01010);
	assert_string_equal(a->name, "nft_do_chain");
	assert_string_equal(a->module, "nf_tables");
	b = ksyms__find(ks, "nft_lookup_eval");
	assert_non_null(b);
	/* one copy of a module's name for all its symbols */
	assert_ptr_equal(a->module, b->module);
	assert_string_equal(ksyms__find(ks, "br_handle_frame")->module, "bridge");
	a = ksyms__map_addr(ks, 0xffffffffa0001040);
	assert_string_equal(a->name, "bpf_prog_6deef7357e7b4530_sd_fw_ingress");
	assert_string_equal(a->module, "bpf");
	assert_string_equal(ksyms__fmt(ks, 0xffffffffa0001040, buf, sizeof(buf)),
			    "bpf_prog_6deef7357e7b4530_sd_fw_ingress+0x40 [bpf]");
	ksyms__free(ks);
}

static void fmt_gives_name_plus_offset_or_bare_address(void **state)
{
	struct ksyms *ks = ksyms__load(write_fixture(fixture));
	char buf[128];

	unlink(path);
	assert_non_null(ks);
	assert_string_equal(ksyms__fmt(ks, 0xffffffff81a001a2, buf, sizeof(buf)), "tcp_v4_rcv+0x1a2");
	assert_string_equal(ksyms__fmt(ks, 0xffffffff81a00000, buf, sizeof(buf)), "tcp_v4_rcv+0x0");
	assert_string_equal(ksyms__fmt(ks, 0xffffffffc0a01004, buf, sizeof(buf)),
			    "nft_do_chain+0x4 [nf_tables]");
	assert_string_equal(ksyms__fmt(ks, 0x1234, buf, sizeof(buf)), "0x1234");
	ksyms__free(ks);
}

static void data_and_zero_address_symbols_are_not_kept(void **state)
{
	struct ksyms *ks = ksyms__load(write_fixture(fixture));

	unlink(path);
	assert_non_null(ks);
	assert_null(ksyms__find(ks, "init_net"));
	assert_null(ksyms__find(ks, "cpu_number"));
	assert_null(ksyms__find(ks, "fixed_percpu_data"));
	assert_non_null(ksyms__find(ks, "weak_fn"));
	assert_int_equal(ks->n, 11);
	ksyms__free(ks);
}

static void assembler_labels_do_not_hide_their_function(void **state)
{
	/* as 6.18's kallsyms has them: a local label inside a function */
	struct ksyms *ks = ksyms__load(write_fixture(
		"ffffffff8226e8f0 T __raw_callee_save___pv_queued_spin_unlock\n"
		"ffffffff8226e904 t .slowpath\n"
		"ffffffff8226e930 T native_queued_spin_lock_slowpath\n"));
	char buf[128];

	unlink(path);
	assert_non_null(ks);
	assert_int_equal(ks->n, 2);
	assert_null(ksyms__find(ks, ".slowpath"));
	assert_string_equal(ksyms__fmt(ks, 0xffffffff8226e90aull, buf, sizeof(buf)),
			    "__raw_callee_save___pv_queued_spin_unlock+0x1a");
	ksyms__free(ks);
}

static void live_kallsyms_has_no_label_names(void **state)
{
	struct ksyms *ks = ksyms__load(NULL);

	if (!ks) {
		print_message("# /proc/kallsyms not usable here (%s)\n", strerror(errno));
		skip();
	}
	for (size_t i = 0; i < ks->n; i++)
		assert_true(ks->syms[i].name[0] != '.');
	ksyms__free(ks);
}

static void zero_addresses_mean_restricted(void **state)
{
	/* what kptr_restrict shows an unprivileged reader */
	struct ksyms *ks = ksyms__load(write_fixture("0000000000000000 T _text\n"
						     "0000000000000000 T tcp_v4_rcv\n"
						     "0000000000000000 t nft_do_chain\t[nf_tables]\n"));

	unlink(path);
	assert_null(ks);
	assert_int_equal(errno, EPERM);
}

static void missing_file_and_empty_file_are_errors(void **state)
{
	assert_null(ksyms__load("/nonexistent/kallsyms"));
	assert_int_equal(errno, ENOENT);
	assert_null(ksyms__load(write_fixture("")));
	unlink(path);
	assert_int_equal(errno, ENODATA);
}

static void overlong_line_is_skipped_whole(void **state)
{
	static const char first[] = "ffffffff81000000 T first\n";
	static const char tail[] = "ffffffff81000300 T tail";
	char *text = calloc(1, 4096);
	struct ksyms *ks;
	size_t n;

	assert_non_null(text);
	strcpy(text, first);
	strcat(text, "ffffffff81000100 T ");
	n = strlen(text);
	memset(text + n, 'x', 2000);
	/* where the next read of a 1024-byte line buffer would start: it must
	 * not be taken for a line of its own */
	memcpy(text + strlen(first) + 1023, tail, strlen(tail));
	strcpy(text + n + 2000, "\nffffffff81000200 T last\n");
	ks = ksyms__load(write_fixture(text));
	unlink(path);
	free(text);
	assert_non_null(ks);
	assert_null(ksyms__find(ks, "tail"));
	assert_non_null(ksyms__find(ks, "first"));
	assert_non_null(ksyms__find(ks, "last"));
	assert_int_equal(ks->n, 2);
	ksyms__free(ks);
}

static void added_symbols_map_after_sort(void **state)
{
	struct ksyms *ks = ksyms__new();

	assert_int_equal(ksyms__add(ks, 0x2000, "b", NULL), 0);
	assert_int_equal(ksyms__add(ks, 0x1000, "a", "mod"), 0);
	ksyms__sort(ks);
	assert_string_equal(ksyms__map_addr(ks, 0x1fff)->name, "a");
	assert_string_equal(ksyms__map_addr(ks, 0x1fff)->module, "mod");
	assert_string_equal(ksyms__map_addr(ks, 0x2001)->name, "b");
	assert_null(ksyms__map_addr(ks, 0xfff));
	ksyms__free(ks);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void live_kallsyms_loads_fast_and_names_tcp_v4_rcv(void **state)
{
	struct ksyms *ks;
	const struct ksym *s;
	double t0, ms;

	t0 = now_ms();
	ks = ksyms__load(NULL);
	ms = now_ms() - t0;
	if (!ks && (errno == EPERM || errno == ENOENT || errno == EACCES)) {
		print_message("# /proc/kallsyms not usable here (%s)\n", strerror(errno));
		skip();
	}
	assert_non_null(ks);
	print_message("# %zu symbols loaded in %.1f ms\n", ks->n, ms);
	/* generous for slow CI machines; typically a few tens of ms */
	assert_true(ms < 1000);
	s = ksyms__find(ks, "tcp_v4_rcv");
	assert_non_null(s);
	assert_ptr_equal(ksyms__map_addr(ks, s->addr + 1), s);
	ksyms__free(ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixture_maps_addresses_inside_at_start_and_before_first),
		cmocka_unit_test(module_and_bpf_symbols_keep_their_module),
		cmocka_unit_test(fmt_gives_name_plus_offset_or_bare_address),
		cmocka_unit_test(data_and_zero_address_symbols_are_not_kept),
		cmocka_unit_test(assembler_labels_do_not_hide_their_function),
		cmocka_unit_test(live_kallsyms_has_no_label_names),
		cmocka_unit_test(zero_addresses_mean_restricted),
		cmocka_unit_test(missing_file_and_empty_file_are_errors),
		cmocka_unit_test(overlong_line_is_skipped_whole),
		cmocka_unit_test(added_symbols_map_after_sort),
		cmocka_unit_test(live_kallsyms_loads_fast_and_names_tcp_v4_rcv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
