// SPDX-License-Identifier: GPL-2.0
/* Kernel enum names from BTF: a synthetic BTF for exact cases, then the live kernel's. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "trace/names.h"

static void add_enum(struct btf *btf, const char *name, const char *const *names,
		     const int64_t *values, size_t n)
{
	assert_true(btf__add_enum(btf, name, 4) > 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(btf__add_enum_value(btf, names[i], values[i]), 0);
}

#define ADD_ENUM(btf, name, ...)                                                             \
	do {                                                                                 \
		static const struct { const char *n; int64_t v; } m_[] = { __VA_ARGS__ };     \
		const char *n_[sizeof(m_) / sizeof(m_[0])];                                  \
		int64_t v_[sizeof(m_) / sizeof(m_[0])];                                      \
		for (size_t i_ = 0; i_ < sizeof(m_) / sizeof(m_[0]); i_++) {                 \
			n_[i_] = m_[i_].n;                                                   \
			v_[i_] = m_[i_].v;                                                   \
		}                                                                            \
		add_enum(btf, name, n_, v_, sizeof(m_) / sizeof(m_[0]));                     \
	} while (0)

/* What a 6.10+ vmlinux (plus openvswitch and mac80211) looks like, in small. */
static struct btf *synthetic_btf(void)
{
	struct btf *btf = btf__new_empty();

	assert_non_null(btf);
	assert_true(btf__add_int(btf, "int", 4, BTF_INT_SIGNED) > 0);
	/* uapi/linux/bpf.h: must not be taken for the TCP states */
	ADD_ENUM(btf, NULL, { "BPF_TCP_ESTABLISHED", 1 }, { "BPF_TCP_CLOSE", 7 },
		 { "BPF_TCP_MAX_STATES", 14 });
	ADD_ENUM(btf, "skb_drop_reason", { "SKB_DROP_REASON_NOT_DROPPED_YET", 0 },
		 { "SKB_DROP_REASON_CONSUMED", 1 }, { "SKB_DROP_REASON_NOT_SPECIFIED", 2 },
		 { "SKB_DROP_REASON_NO_SOCKET", 3 }, { "SKB_DROP_REASON_MAX", 4 },
		 { "SKB_DROP_REASON_SUBSYS_MASK", 0xffff0000 });
	ADD_ENUM(btf, "skb_drop_reason_subsys", { "SKB_DROP_REASON_SUBSYS_CORE", 0 },
		 { "SKB_DROP_REASON_SUBSYS_MAC80211_UNUSABLE", 1 },
		 { "SKB_DROP_REASON_SUBSYS_OPENVSWITCH", 3 });
	ADD_ENUM(btf, "ovs_drop_reason", { "__OVS_DROP_REASON", 0x30000 },
		 { "OVS_DROP_LAST_ACTION", 0x30001 }, { "OVS_DROP_ACTION_ERROR", 0x30002 },
		 { "OVS_DROP_REASON_MAX", 0x30003 });
	ADD_ENUM(btf, "mac80211_drop_reason", { "RX_CONTINUE", 0 }, { "RX_QUEUED", 1 },
		 { "RX_DROP_MONITOR", 0x20000 }, { "__RX_DROP_MONITOR_REASON", 0x20000 },
		 { "RX_DROP_U_MIC_FAIL", 0x10001 });
	/* ends in _drop_reason but has no subsystem bits: not a drop reason table */
	ADD_ENUM(btf, "foo_drop_reason", { "FOO_A", 0 }, { "FOO_B", 1 });
	ADD_ENUM(btf, NULL, { "TCP_ESTABLISHED", 1 }, { "TCP_SYN_SENT", 2 }, { "TCP_CLOSE", 7 },
		 { "TCP_LISTEN", 10 }, { "TCP_NEW_SYN_RECV", 12 }, { "TCP_MAX_STATES", 14 });
	ADD_ENUM(btf, "sk_rst_reason", { "SK_RST_REASON_NOT_SPECIFIED", 0 },
		 { "SK_RST_REASON_NO_SOCKET", 1 }, { "SK_RST_REASON_MAX", 2 });
	ADD_ENUM(btf, NULL, { "HI_SOFTIRQ", 0 }, { "TIMER_SOFTIRQ", 1 }, { "NET_TX_SOFTIRQ", 2 },
		 { "NET_RX_SOFTIRQ", 3 }, { "RCU_SOFTIRQ", 9 }, { "NR_SOFTIRQS", 10 });
	return btf;
}

static void core_drop_reasons_lose_prefix_and_bounds(void **state)
{
	struct btf *btf = synthetic_btf();
	struct ns_names names = { 0 };

	assert_int_equal(ns_names_from_btf(&names, btf), 0);
	assert_string_equal(ns_names_lookup(&names, NS_NAMES_DROP_REASON, 3), "NO_SOCKET");
	assert_string_equal(ns_names_lookup(&names, NS_NAMES_DROP_REASON, 2), "NOT_SPECIFIED");
	assert_null(ns_names_lookup(&names, NS_NAMES_DROP_REASON, 4));		/* MAX */
	assert_null(ns_names_lookup(&names, NS_NAMES_DROP_REASON, 0xffff0000));	/* SUBSYS_MASK */
	ns_names_free(&names);
	btf__free(btf);
}

static void subsystem_drop_reasons_keep_their_names(void **state)
{
	struct btf *btf = synthetic_btf();
	struct ns_names names = { 0 };

	assert_int_equal(ns_names_from_btf(&names, btf), 0);
	assert_string_equal(ns_names_lookup(&names, NS_NAMES_DROP_REASON, 0x30001),
			    "OVS_DROP_LAST_ACTION");
	assert_string_equal(ns_names_lookup(&names, NS_NAMES_DROP_REASON, 0x20000),
			    "RX_DROP_MONITOR");
	assert_string_equal(ns_names_lookup(&names, NS_NAMES_DROP_REASON, 0x10001),
			    "RX_DROP_U_MIC_FAIL");
	assert_null(ns_names_lookup(&names, NS_NAMES_DROP_REASON, 0x30000)); /* __OVS base */
	assert_null(ns_names_lookup(&names, NS_NAMES_DROP_REASON, 0x30003)); /* _MAX */
	/* RX_CONTINUE/RX_QUEUED and foo_drop_reason carry no subsystem bits:
	 * they must not shadow the core reasons 0 and 1 */
	assert_string_equal(ns_names_lookup(&names, NS_NAMES_DROP_REASON, 0), "NOT_DROPPED_YET");
	assert_string_equal(ns_names_lookup(&names, NS_NAMES_DROP_REASON, 1), "CONSUMED");
	assert_int_equal(ns_names_value(&names, NS_NAMES_DROP_REASON, "FOO_A"), -1);
	/* 4 core + 2 ovs + 2 mac80211 */
	assert_int_equal(names.n[NS_NAMES_DROP_REASON], 8);
	ns_names_free(&names);
	btf__free(btf);
}

static void tcp_states_come_from_the_enum_with_tcp_close(void **state)
{
	struct btf *btf = synthetic_btf();
	struct ns_names names = { 0 };

	assert_int_equal(ns_names_from_btf(&names, btf), 0);
	assert_string_equal(ns_names_lookup(&names, NS_NAMES_TCP_STATE, 1), "TCP_ESTABLISHED");
	assert_string_equal(ns_names_lookup(&names, NS_NAMES_TCP_STATE, 12), "TCP_NEW_SYN_RECV");
	assert_null(ns_names_lookup(&names, NS_NAMES_TCP_STATE, 14)); /* TCP_MAX_STATES */
	assert_int_equal(names.n[NS_NAMES_TCP_STATE], 5);
	ns_names_free(&names);
	btf__free(btf);
}

static void rst_reasons_and_softirqs_lose_prefix_and_suffix(void **state)
{
	struct btf *btf = synthetic_btf();
	struct ns_names names = { 0 };

	assert_int_equal(ns_names_from_btf(&names, btf), 0);
	assert_string_equal(ns_names_lookup(&names, NS_NAMES_RST_REASON, 1), "NO_SOCKET");
	assert_null(ns_names_lookup(&names, NS_NAMES_RST_REASON, 2));
	assert_string_equal(ns_names_lookup(&names, NS_NAMES_SOFTIRQ, 3), "NET_RX");
	assert_string_equal(ns_names_lookup(&names, NS_NAMES_SOFTIRQ, 1), "TIMER");
	assert_string_equal(ns_names_lookup(&names, NS_NAMES_SOFTIRQ, 9), "RCU");
	assert_null(ns_names_lookup(&names, NS_NAMES_SOFTIRQ, 10)); /* NR_SOFTIRQS */
	ns_names_free(&names);
	btf__free(btf);
}

static void value_by_name_takes_bare_or_prefixed_names(void **state)
{
	struct btf *btf = synthetic_btf();
	struct ns_names names = { 0 };

	assert_int_equal(ns_names_from_btf(&names, btf), 0);
	assert_int_equal(ns_names_value(&names, NS_NAMES_DROP_REASON, "NO_SOCKET"), 3);
	assert_int_equal(ns_names_value(&names, NS_NAMES_DROP_REASON, "SKB_DROP_REASON_NO_SOCKET"), 3);
	assert_int_equal(ns_names_value(&names, NS_NAMES_DROP_REASON, "no_socket"), 3);
	assert_int_equal(ns_names_value(&names, NS_NAMES_TCP_STATE, "TCP_LISTEN"), 10);
	assert_int_equal(ns_names_value(&names, NS_NAMES_TCP_STATE, "LISTEN"), 10);
	assert_int_equal(ns_names_value(&names, NS_NAMES_RST_REASON, "SK_RST_REASON_NO_SOCKET"), 1);
	assert_int_equal(ns_names_value(&names, NS_NAMES_SOFTIRQ, "NET_RX_SOFTIRQ"), 3);
	assert_int_equal(ns_names_value(&names, NS_NAMES_SOFTIRQ, "NET_RX"), 3);
	assert_int_equal(ns_names_value(&names, NS_NAMES_SOFTIRQ, "NET"), -1);
	assert_int_equal(ns_names_value(&names, NS_NAMES_DROP_REASON, "NO_SUCH_REASON"), -1);
	ns_names_free(&names);
	btf__free(btf);
}

static void enum64_drop_reasons_are_read(void **state)
{
	struct btf *btf = btf__new_empty();
	struct ns_names names = { 0 };

	assert_non_null(btf);
	assert_true(btf__add_enum64(btf, "wide_drop_reason", 8, false) > 0);
	assert_int_equal(btf__add_enum64_value(btf, "WIDE_DROP_A", 0x50001), 0);
	assert_int_equal(btf__add_enum64_value(btf, "WIDE_DROP_TOO_BIG", 0x100000001ull), 0);
	assert_int_equal(ns_names_from_btf(&names, btf), 0);
	assert_string_equal(ns_names_lookup(&names, NS_NAMES_DROP_REASON, 0x50001), "WIDE_DROP_A");
	assert_int_equal(names.n[NS_NAMES_DROP_REASON], 1); /* values beyond u32 skipped */
	ns_names_free(&names);
	btf__free(btf);
}

static void module_btf_adds_only_its_own_enums(void **state)
{
	struct btf *base = synthetic_btf();
	struct btf *mod = btf__new_empty_split(base);
	struct ns_names names = { 0 };

	assert_non_null(mod);
	ADD_ENUM(mod, "psp_drop_reason", { "PSP_DROP_X", 0x70001 });
	assert_int_equal(ns_names_from_btf(&names, mod), 0);
	assert_int_equal(names.n[NS_NAMES_DROP_REASON], 1);
	assert_int_equal(names.n[NS_NAMES_TCP_STATE], 0);
	assert_string_equal(ns_names_lookup(&names, NS_NAMES_DROP_REASON, 0x70001), "PSP_DROP_X");
	ns_names_free(&names);
	btf__free(mod);
	btf__free(base);
}

static void btf_without_any_table_is_enoent(void **state)
{
	struct btf *btf = btf__new_empty();
	struct ns_names names = { 0 };

	assert_true(btf__add_int(btf, "int", 4, BTF_INT_SIGNED) > 0);
	ADD_ENUM(btf, "color", { "RED", 0 }, { "GREEN", 1 });
	assert_int_equal(ns_names_from_btf(&names, btf), -ENOENT);
	for (int k = 0; k < NS_NAMES__COUNT; k++)
		assert_int_equal(names.n[k], 0);
	btf__free(btf);
}

static void added_names_stay_sorted_and_first_name_wins(void **state)
{
	struct ns_names names = { 0 };
	char buf[32];

	for (uint32_t v = 100; v > 0; v--) {
		snprintf(buf, sizeof(buf), "R%u", v);
		assert_int_equal(ns_names_add(&names, NS_NAMES_DROP_REASON, v * 3, buf), 0);
	}
	assert_int_equal(ns_names_add(&names, NS_NAMES_DROP_REASON, 30, "ALIAS"), 0);
	assert_int_equal(names.n[NS_NAMES_DROP_REASON], 100);
	for (size_t i = 1; i < 100; i++)
		assert_true(names.e[NS_NAMES_DROP_REASON][i - 1].value <
			    names.e[NS_NAMES_DROP_REASON][i].value);
	assert_string_equal(ns_names_lookup(&names, NS_NAMES_DROP_REASON, 30), "R10");
	assert_null(ns_names_lookup(&names, NS_NAMES_DROP_REASON, 31));
	assert_string_equal(ns_name_kind_str(NS_NAMES_SOFTIRQ), "softirq");
	assert_int_equal(ns_name_kind_by_str("tcp_state"), NS_NAMES_TCP_STATE);
	ns_names_free(&names);
}

/* --- the running kernel ------------------------------------------------- */

static struct ns_names *live; /* from the running kernel's BTF; NULL if none */

static int live_setup(void **state)
{
	struct btf *btf = btf__load_vmlinux_btf();

	live = calloc(1, sizeof(*live));
	if (!btf || !live || ns_names_from_btf(live, btf)) {
		ns_names_free(live);
		free(live);
		live = NULL;
	}
	btf__free(btf);
	return 0;
}

static int live_teardown(void **state)
{
	ns_names_free(live);
	free(live);
	return 0;
}

#define LIVE_NAMES()                                                          \
	({                                                                    \
		if (!live) {                                                  \
			print_message("# no usable /sys/kernel/btf/vmlinux\n"); \
			skip();                                               \
		}                                                             \
		(const struct ns_names *)live;                                \
	})

static void live_no_socket_drop_reason_names_its_value(void **state)
{
	const struct ns_names *names = LIVE_NAMES();
	int64_t v = ns_names_value(names, NS_NAMES_DROP_REASON, "NO_SOCKET");

	assert_true(v > 0);
	assert_string_equal(ns_names_lookup(names, NS_NAMES_DROP_REASON, v), "NO_SOCKET");
	print_message("# %zu drop reasons, NO_SOCKET = %" PRId64 "\n",
		      names->n[NS_NAMES_DROP_REASON], v);
}

static void live_tcp_state_1_is_tcp_established(void **state)
{
	const struct ns_names *names = LIVE_NAMES();

	assert_string_equal(ns_names_lookup(names, NS_NAMES_TCP_STATE, 1), "TCP_ESTABLISHED");
	assert_int_equal(ns_names_value(names, NS_NAMES_TCP_STATE, "TCP_CLOSE"), 7);
}

static void live_net_rx_softirq_is_found(void **state)
{
	const struct ns_names *names = LIVE_NAMES();
	int64_t v = ns_names_value(names, NS_NAMES_SOFTIRQ, "NET_RX");

	assert_true(v >= 0);
	assert_string_equal(ns_names_lookup(names, NS_NAMES_SOFTIRQ, v), "NET_RX");
	assert_null(ns_names_lookup(names, NS_NAMES_SOFTIRQ, names->n[NS_NAMES_SOFTIRQ] + 1));
}

static void live_unknown_value_has_no_name(void **state)
{
	const struct ns_names *names = LIVE_NAMES();

	assert_null(ns_names_lookup(names, NS_NAMES_DROP_REASON, 0xfffe));
	assert_null(ns_names_lookup(names, NS_NAMES_TCP_STATE, 999));
	assert_null(ns_names_lookup(names, NS_NAMES_RST_REASON, 0xffffffff));
}

static void live_kernel_with_modules_gives_the_same_core_names(void **state)
{
	const struct ns_names *names = LIVE_NAMES();
	struct ns_names all = { 0 };

	assert_int_equal(ns_names_from_kernel(&all), 0);
	assert_true(all.n[NS_NAMES_DROP_REASON] >= names->n[NS_NAMES_DROP_REASON]);
	assert_int_equal(all.n[NS_NAMES_TCP_STATE], names->n[NS_NAMES_TCP_STATE]);
	ns_names_free(&all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(core_drop_reasons_lose_prefix_and_bounds),
		cmocka_unit_test(subsystem_drop_reasons_keep_their_names),
		cmocka_unit_test(tcp_states_come_from_the_enum_with_tcp_close),
		cmocka_unit_test(rst_reasons_and_softirqs_lose_prefix_and_suffix),
		cmocka_unit_test(value_by_name_takes_bare_or_prefixed_names),
		cmocka_unit_test(enum64_drop_reasons_are_read),
		cmocka_unit_test(module_btf_adds_only_its_own_enums),
		cmocka_unit_test(btf_without_any_table_is_enoent),
		cmocka_unit_test(added_names_stay_sorted_and_first_name_wins),
		cmocka_unit_test(live_no_socket_drop_reason_names_its_value),
		cmocka_unit_test(live_tcp_state_1_is_tcp_established),
		cmocka_unit_test(live_net_rx_softirq_is_found),
		cmocka_unit_test(live_unknown_value_has_no_name),
		cmocka_unit_test(live_kernel_with_modules_gives_the_same_core_names),
	};

	return cmocka_run_group_tests(tests, live_setup, live_teardown);
}
