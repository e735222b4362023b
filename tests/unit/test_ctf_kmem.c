// SPDX-License-Identifier: GPL-2.0
/*
 * The CTF export's kmem events: one netscope event, two LTTng names by a
 * field (`event ... when SOURCE&MASK` in data/lttng.rules).  kmem_alloc
 * is kmem_kmalloc when its flags say kmalloc, else kmem_cache_alloc;
 * kmem_free kmem_kfree or kmem_cache_free; the page events one name each;
 * LTTng's field names; bad `when` rules refused with their line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "export/ctf_map.h"
#include "trace/model.h"

static const char *field_names(const struct ctf_class *c, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < c->nf && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? " " : "", c->f[i].name);
	return buf;
}

static void kmem_events_take_lttng_names_and_fields(void **state)
{
	struct ctf_map m;
	char err[256] = "", buf[512];

	(void)state;
	assert_int_equal(ctf_map_builtin(&m, err, sizeof(err)), 0);
	assert_string_equal(m.by_type[NS_EV_KMEM_ALLOC]->name, "kmem_cache_alloc");
	assert_string_equal(field_names(m.by_type[NS_EV_KMEM_ALLOC], buf, sizeof(buf)),
			    "call_site ptr bytes_req bytes_alloc gfp_flags ns_cache ns_kmem_flags ns_netns");
	assert_string_equal(m.when[NS_EV_KMEM_ALLOC]->name, "kmem_kmalloc");
	assert_string_equal(field_names(m.when[NS_EV_KMEM_ALLOC], buf, sizeof(buf)),
			    "call_site ptr bytes_req bytes_alloc gfp_flags ns_kmem_flags ns_netns");
	assert_string_equal(m.by_type[NS_EV_KMEM_FREE]->name, "kmem_cache_free");
	assert_string_equal(m.when[NS_EV_KMEM_FREE]->name, "kmem_kfree");
	assert_string_equal(field_names(m.when[NS_EV_KMEM_FREE], buf, sizeof(buf)),
			    "call_site ptr ns_bytes_alloc ns_kmem_flags");
	assert_string_equal(m.by_type[NS_EV_PAGE_ALLOC]->name, "kmem_mm_page_alloc");
	assert_string_equal(field_names(m.by_type[NS_EV_PAGE_ALLOC], buf, sizeof(buf)),
			    "page order gfp_flags ns_call_site ns_kmem_flags");
	assert_string_equal(m.by_type[NS_EV_PAGE_FREE]->name, "kmem_mm_page_free");
	assert_null(m.when[NS_EV_PAGE_ALLOC]);
	assert_null(m.when[NS_EV_KFREE_SKB]);
	/* the `when` classes have ids of their own, after the event types */
	assert_true(m.when[NS_EV_KMEM_ALLOC]->id >= CTF_ID_EXTRA);
	assert_true(m.when[NS_EV_KMEM_FREE]->id >= CTF_ID_EXTRA);
	assert_int_not_equal(m.when[NS_EV_KMEM_ALLOC]->id, m.when[NS_EV_KMEM_FREE]->id);
	ctf_map_free(&m);
}

static void the_flag_chooses_the_name(void **state)
{
	struct ctf_map m;
	char err[256] = "";
	struct ns_event ev = { .type = NS_EV_KMEM_ALLOC, .aux2 = 0x200 | 1 };

	(void)state;
	assert_int_equal(ctf_map_builtin(&m, err, sizeof(err)), 0);
	assert_string_equal(ctf_map_class(&m, &ev)->name, "kmem_cache_alloc");
	ev.aux2 = 0x100 | 0x200;	/* kmalloc at an skb call site */
	assert_string_equal(ctf_map_class(&m, &ev)->name, "kmem_kmalloc");
	ev.type = NS_EV_KMEM_FREE;
	assert_string_equal(ctf_map_class(&m, &ev)->name, "kmem_kfree");
	ev.aux2 = 2;
	assert_string_equal(ctf_map_class(&m, &ev)->name, "kmem_cache_free");
	ev.type = NS_EV_KFREE_SKB;
	ev.aux2 = 0x100;		/* no `when` rule: the flag means nothing here */
	assert_string_equal(ctf_map_class(&m, &ev)->name, "skb_kfree");
	ev.type = NS_EV__COUNT + 3;	/* a type of a newer netscope */
	assert_string_equal(ctf_map_class(&m, &ev)->name, "netscope_unknown_type");
	ctf_map_free(&m);
}

static void expect_error(const char *rules, const char *msg)
{
	struct ctf_map m;
	char err[256] = "";

	assert_int_not_equal(ctf_map_build(&m, rules, "t.rules", err, sizeof(err)), 0);
	if (!strstr(err, msg))
		fail_msg("expected '%s' in '%s'", msg, err);
	assert_int_equal(m.n, 0);
}

static void bad_when_rules_are_refused_with_their_line(void **state)
{
	(void)state;
	expect_error("event kmem_alloc x when\n", "t.rules:1: 'when' without SOURCE&MASK");
	expect_error("event kmem_alloc x when aux2 a=skb\n", "t.rules:1: 'when aux2' is not 'when SOURCE&MASK'");
	expect_error("event kmem_alloc x when comm&1 a=skb\n", "'comm' is not an integer source");
	expect_error("event kmem_alloc x when aux3&1 a=skb\n", "'aux3' is not an integer source");
	expect_error("event kmem_alloc x when aux2&0 a=skb\n", "the mask is not a non-zero number");
	expect_error("event kmem_alloc x when aux2&0x1q a=skb\n", "the mask is not a non-zero number");
	expect_error("event kmem_alloc x when aux2&1 a=skb\nevent kmem_alloc y when aux2&2 a=skb\n",
		     "t.rules:2: second event ... when rule for 'kmem_alloc'");
}

static void a_when_rule_alone_leaves_the_rest_native(void **state)
{
	struct ctf_map m;
	char err[256] = "";
	struct ns_event ev = { .type = NS_EV_KMEM_ALLOC };

	(void)state;
	assert_int_equal(ctf_map_build(&m, "event kmem_alloc km when aux2&0x100 p=skb_head\n", "t.rules",
				       err, sizeof(err)), 0);
	assert_string_equal(ctf_map_class(&m, &ev)->name, "kmem_alloc");
	assert_int_equal(ctf_map_class(&m, &ev)->kind, CTF_CLASS_NATIVE);
	ev.aux2 = 0x100;
	assert_string_equal(ctf_map_class(&m, &ev)->name, "km");
	ctf_map_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kmem_events_take_lttng_names_and_fields),
		cmocka_unit_test(the_flag_chooses_the_name),
		cmocka_unit_test(bad_when_rules_are_refused_with_their_line),
		cmocka_unit_test(a_when_rule_alone_leaves_the_rest_native),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
