// SPDX-License-Identifier: GPL-2.0
/*
 * Packet memory: GFP names from a recorded kmem format file (trace/gfp.c,
 * through libtraceevent), the kmem site ranges from kallsyms
 * (capture/kmem.c), and the skb-memory analysis on hand-made events:
 * packets linked to their allocation, fclone seconds, lifetimes, GFP by
 * context, what is alive at the end (analysis/skbmem.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "analysis/skbmem.h"
#include "capture/kmem.h"
#include "common/textfile.h"
#include "trace/gfp.h"
#include "trace/ksyms.h"

#ifndef FIXTURES
#define FIXTURES "tests/fixtures"
#endif

/* the 6.18 kernel this was recorded on: tests/fixtures/kmem/kmalloc.format */
#define K_GFP_KERNEL 0xcc0u
#define K_GFP_ATOMIC 0x820u
#define K_NOWARN 0x2000u
#define K_NOMEMALLOC 0x80000u

static void load_table(const char *file, struct gfp_table *t)
{
	char *text = NULL, err[256] = "";

	assert_int_equal(ns_read_text_file(file, &text, err, sizeof(err)), 0);
	assert_int_equal(gfp_table_from_format(t, text, err, sizeof(err)), 0);
	free(text);
}

static void gfp_flags_are_named_from_the_recorded_format_file(void **state)
{
	struct gfp_table t;
	char buf[256];

	load_table(FIXTURES "/kmem/kmalloc.format", &t);
	/* the kernel's order: composites first, as trace_print_flags prints */
	assert_string_equal(t.flags[0].name, "GFP_TRANSHUGE");
	assert_int_equal(gfp_value(&t, "GFP_KERNEL"), K_GFP_KERNEL);
	assert_int_equal(gfp_value(&t, "GFP_ATOMIC"), K_GFP_ATOMIC);
	assert_int_equal(gfp_value(&t, "__GFP_NOWARN"), K_NOWARN);
	assert_int_equal(gfp_value(&t, "__GFP_NOT_A_FLAG"), 0);
	assert_string_equal(gfp_decode(&t, K_GFP_KERNEL, buf, sizeof(buf)), "GFP_KERNEL");
	assert_string_equal(gfp_decode(&t, K_GFP_ATOMIC, buf, sizeof(buf)), "GFP_ATOMIC");
	assert_string_equal(gfp_decode(&t, K_GFP_ATOMIC | K_NOWARN | K_NOMEMALLOC, buf, sizeof(buf)),
			    "GFP_ATOMIC|__GFP_NOWARN|__GFP_NOMEMALLOC");
	assert_string_equal(gfp_decode(&t, K_GFP_KERNEL | K_NOWARN, buf, sizeof(buf)),
			    "GFP_KERNEL|__GFP_NOWARN");
	/* bits the table does not name stay in hex */
	assert_string_equal(gfp_decode(&t, K_GFP_KERNEL | 0x80000000u, buf, sizeof(buf)),
			    "GFP_KERNEL|0x80000000");
	assert_string_equal(gfp_decode(&t, 0, buf, sizeof(buf)), "none");
	/* __GFP_DIRECT_RECLAIM decides: GFP_KERNEL may sleep, GFP_ATOMIC not */
	assert_int_equal(gfp_may_sleep(&t, K_GFP_KERNEL), 1);
	assert_int_equal(gfp_may_sleep(&t, K_GFP_ATOMIC | K_NOWARN), 0);
	gfp_table_free(&t);
}

static void page_alloc_format_has_the_same_flag_table(void **state)
{
	struct gfp_table a, b;

	load_table(FIXTURES "/kmem/kmalloc.format", &a);
	load_table(FIXTURES "/kmem/mm_page_alloc.format", &b);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		assert_string_equal(a.flags[i].name, b.flags[i].name);
		assert_int_equal(a.flags[i].value, b.flags[i].value);
	}
	gfp_table_free(&a);
	gfp_table_free(&b);
}

static void flag_table_survives_the_metadata_round_trip(void **state)
{
	struct gfp_table t, back;
	char *text;

	load_table(FIXTURES "/kmem/kmalloc.format", &t);
	text = gfp_table_format(&t);
	assert_non_null(text);
	assert_int_equal(gfp_table_parse(&back, text), 0);
	assert_int_equal(back.n, t.n);
	for (size_t i = 0; i < t.n; i++) {
		assert_string_equal(back.flags[i].name, t.flags[i].name);
		assert_int_equal(back.flags[i].value, t.flags[i].value);
	}
	gfp_table_free(&back);
	assert_int_equal(gfp_table_parse(&back, "0x20=__GFP_HIGH,garbage"), -EINVAL);
	assert_null(back.flags);
	free(text);
	gfp_table_free(&t);
}

static void format_without_gfp_flags_is_refused_with_a_reason(void **state)
{
	static const char kfree_fmt[] =
		"name: kfree\nID: 655\nformat:\n"
		"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
		"\tfield:unsigned long call_site;\toffset:8;\tsize:8;\tsigned:0;\n"
		"\tfield:const void * ptr;\toffset:16;\tsize:8;\tsigned:0;\n\n"
		"print fmt: \"call_site=%pS ptr=%p\", (void *)REC->call_site, REC->ptr\n";
	struct gfp_table t;
	char err[256] = "";

	assert_int_equal(gfp_table_from_format(&t, kfree_fmt, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no __print_flags"));
	assert_int_equal(gfp_table_from_format(&t, "not a format", err, sizeof(err)), -EINVAL);
	assert_int_equal(t.n, 0);
}

/* ---- the sites of kallsyms ---- */

#define A_ALLOC 0xffffffff81e8d840ull
#define A_RESERVE 0xffffffff81e8a830ull
#define A_CLONE 0xffffffff81e91d50ull
#define A_COPY_COLD 0xffffffff8123f144ull

static struct ksyms *fixture_ksyms(void)
{
	struct ksyms *ks = ksyms__new();

	assert_non_null(ks);
	ksyms__add(ks, A_COPY_COLD, "skb_copy.cold", NULL);
	ksyms__add(ks, A_COPY_COLD + 0x16, "skb_copy_expand.cold", NULL);
	ksyms__add(ks, A_RESERVE, "kmalloc_reserve", NULL);
	ksyms__add(ks, A_RESERVE + 0x110, "napi_skb_cache_put", NULL);
	ksyms__add(ks, A_ALLOC, "__alloc_skb", NULL);
	ksyms__add(ks, A_ALLOC + 0x1c0, "napi_alloc_skb", NULL);
	ksyms__add(ks, A_ALLOC + 0x2e0, "kfree_skbmem", NULL);
	ksyms__add(ks, A_CLONE, "skb_clone", NULL);
	ksyms__add(ks, A_CLONE + 0x1f0, "skb_clone_sk", NULL);
	ksyms__add(ks, A_CLONE + 0x400, "__alloc_skb_noprof.isra.0", NULL);
	ksyms__add(ks, A_CLONE + 0x500, "zz_end", NULL);
	ksyms__sort(ks);
	return ks;
}

static void sites_cover_cold_parts_noprof_names_and_stop_at_the_next_symbol(void **state)
{
	static const char *const names[] = { "__alloc_skb", "kmalloc_reserve", "skb_copy",
					     "skb_clone", NULL };
	struct ksyms *ks = fixture_ksyms();
	struct kmem_site s[8];
	unsigned int n = kmem_resolve_sites(ks, names, s, 8);

	assert_int_equal(n, 5);
	/* sorted by address */
	assert_string_equal(s[0].name, "skb_copy.cold");
	assert_int_equal(s[0].lo, A_COPY_COLD);
	assert_int_equal(s[0].hi, A_COPY_COLD + 0x16);
	assert_string_equal(s[1].name, "kmalloc_reserve");
	assert_int_equal(s[1].hi, A_RESERVE + 0x110);
	assert_string_equal(s[2].name, "__alloc_skb");
	assert_int_equal(s[2].hi, A_ALLOC + 0x1c0); /* not napi_alloc_skb: another name */
	assert_string_equal(s[3].name, "skb_clone");
	assert_int_equal(s[3].hi, A_CLONE + 0x1f0); /* skb_clone_sk is another function */
	assert_string_equal(s[4].name, "__alloc_skb_noprof.isra.0");
	ksyms__free(ks);
}

/* ---- the analysis ---- */

#define SKB1 0xffff888100001000ull
#define SKB2 0xffff888100002000ull
#define FCL 0xffff888100004000ull
#define HEAD1 0xffff888100100000ull
#define HEAD2 0xffff888100100400ull
#define HEAD3 0xffff888100100800ull
#define SKB_SIZE 224

struct fixture {
	struct ns_meta meta;
	struct ksyms *ks;
	struct report_ctx ctx;
	struct skbmem_an *an;
	struct skbmem_result r;
	uint64_t next_id;
};

static struct ns_event kmem(uint16_t type, uint64_t ts, uint8_t ctx, uint64_t site, uint64_t ptr,
			    uint32_t cache_id, uint32_t req, uint32_t alloc, uint32_t gfp)
{
	struct ns_event e = { .type = type, .ts_ns = ts, .ctx = ctx, .location = site,
			      .skb_head = ptr, .len = req, .aux = alloc, .reason = gfp };

	e.aux2 = cache_id ? cache_id : NS_KMEM_KMALLOC;
	if (site == A_ALLOC || site == A_RESERVE || site == A_CLONE)
		e.aux2 |= NS_KMEM_SITE;
	if (cache_id == 0xff) /* a cache that is no skb cache of its own (merged) */
		e.aux2 = NS_KMEM_SITE;
	return e;
}

static struct ns_event packet(uint16_t type, uint64_t ts, uint64_t id, uint64_t skb, uint64_t head,
			      uint8_t flags)
{
	return (struct ns_event){ .type = type, .ts_ns = ts, .packet_id = id, .skb = skb,
				  .skb_head = head, .flags = flags };
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *text, err[256];

	assert_non_null(f);
	assert_int_equal(ns_read_text_file(FIXTURES "/kmem/kmalloc.format", &text, err, sizeof(err)), 0);
	ns_meta_set(&f->meta, "kmem.caches",
		    "1=skbuff_head_cache,2=skbuff_fclone_cache,3=skbuff_small_head,4=skbuff_ext_cache");
	ns_meta_set(&f->meta, "kmem.sk_buff_size", "224");
	ns_meta_set(&f->meta, "kmem.sk_buff_fclones_size", "452");
	ns_meta_set(&f->meta, "kmem.merged", "skbuff_fclone_cache=:0000512");
	ns_meta_set(&f->meta, "kmem.page_size", "4096");
	/* no kmem.gfp_flags: the analysis parses the format file itself */
	ns_meta_set(&f->meta, "kmem.format.kmalloc", text);
	free(text);
	f->ks = fixture_ksyms();
	f->ctx.meta = &f->meta;
	f->ctx.ksyms = f->ks;
	f->an = skbmem_new(&f->ctx);
	assert_non_null(f->an);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	skbmem_free(f->an);
	skbmem_result_free(&f->r);
	ksyms__free(f->ks);
	ns_meta_free(&f->meta);
	free(f);
	return 0;
}

static void feed(struct fixture *f, struct ns_event e)
{
	skbmem_feed(f->an, &e);
}

/*
 * A SYN-ACK built in softirq (skbuff_head_cache + small head), a TCP data
 * segment in task context (a merged fclone + kmalloc'd data) sent as the
 * fclone's second sk_buff, and an ACK whose sk_buff is still allocated at
 * the end; one packet from nowhere.
 */
static void run_workload(struct fixture *f)
{
	feed(f, kmem(NS_EV_KMEM_ALLOC, 1000, NS_CTX_SOFTIRQ, A_ALLOC + 0x5c, SKB1, 1, 224, 256,
		     K_GFP_ATOMIC));
	feed(f, kmem(NS_EV_KMEM_ALLOC, 1100, NS_CTX_SOFTIRQ, A_RESERVE + 0x40, HEAD1, 3, 704, 704,
		     K_GFP_ATOMIC | K_NOWARN | K_NOMEMALLOC));
	feed(f, packet(NS_EV_NET_DEV_QUEUE, 2000, 1, SKB1, HEAD1, NS_F_NEW_PACKET));
	feed(f, packet(NS_EV_CONSUME_SKB, 6000, 1, SKB1, HEAD1, NS_F_END_PACKET));
	feed(f, kmem(NS_EV_KMEM_FREE, 6100, NS_CTX_SOFTIRQ, 0, HEAD1, 3, 0, 704, 0));
	feed(f, kmem(NS_EV_KMEM_FREE, 6200, NS_CTX_SOFTIRQ, 0, SKB1, 1, 0, 256, 0));

	feed(f, kmem(NS_EV_KMEM_ALLOC, 10000, NS_CTX_TASK, A_ALLOC + 0x5c, FCL, 0xff, 512, 512,
		     K_GFP_KERNEL));
	feed(f, kmem(NS_EV_KMEM_ALLOC, 10100, NS_CTX_TASK, A_ALLOC + 0x80, HEAD2, 0, 2048, 2048,
		     K_GFP_KERNEL | K_NOWARN | K_NOMEMALLOC));
	feed(f, packet(NS_EV_NET_DEV_QUEUE, 12000, 2, FCL + SKB_SIZE, HEAD2, NS_F_NEW_PACKET));
	feed(f, packet(NS_EV_CONSUME_SKB, 30000, 2, FCL + SKB_SIZE, HEAD2, NS_F_END_PACKET));

	feed(f, kmem(NS_EV_KMEM_ALLOC, 40000, NS_CTX_SOFTIRQ, A_ALLOC + 0x5c, SKB2, 1, 224, 256,
		     K_GFP_ATOMIC | K_NOWARN));
	feed(f, kmem(NS_EV_KMEM_ALLOC, 40100, NS_CTX_SOFTIRQ, A_RESERVE + 0x40, HEAD3, 3, 704, 704,
		     K_GFP_ATOMIC | K_NOWARN | K_NOMEMALLOC));
	feed(f, packet(NS_EV_NET_DEV_QUEUE, 41000, 3, SKB2, HEAD3, NS_F_NEW_PACKET));
	feed(f, packet(NS_EV_NETIF_RECEIVE_SKB, 42000, 4, 0xffff888100009000ull, 0x1234000,
		       NS_F_NEW_PACKET));
	feed(f, packet(NS_EV_NET_DEV_QUEUE, 50000, 3, SKB2, HEAD3, 0)); /* not new: no second link */
	assert_int_equal(skbmem_finish(f->an, &f->r), 0);
}

static const struct skbmem_site *site(const struct skbmem_result *r, const char *cache,
				      const char *function)
{
	for (size_t i = 0; i < r->n_sites; i++)
		if (!strcmp(r->sites[i].cache, cache) && !strcmp(r->sites[i].function, function))
			return &r->sites[i];
	return NULL;
}

static void packets_link_to_their_sk_buff_and_head_allocations(void **state)
{
	struct fixture *f = *state;

	run_workload(f);
	assert_true(f->r.have_kmem);
	assert_int_equal(f->r.packets, 4);
	assert_int_equal(f->r.linked_skb, 2);		/* #1, #3 */
	assert_int_equal(f->r.linked_fclone, 1);	/* #2: FCL + sizeof(sk_buff) */
	assert_int_equal(f->r.linked_head, 3);
	assert_int_equal(f->r.unlinked, 1);
	assert_int_equal(f->r.n_unlinked_ids, 1);
	assert_int_equal(f->r.unlinked_ids[0], 4);
	assert_string_equal(f->r.unlinked_event[0], "netif_receive_skb");
	assert_int_equal(f->r.fclone_allocs, 1);
	assert_string_equal(f->r.fclone_merged, ":0000512");
	/* a journey starts at its allocation */
	assert_int_equal(f->r.n_examples, 3);
	assert_int_equal(f->r.examples[0].packet_id, 1);
	assert_string_equal(f->r.examples[0].function, "__alloc_skb");
	assert_string_equal(f->r.examples[0].cache, "skbuff_head_cache");
	assert_string_equal(f->r.examples[0].ctx, "softirq");
	assert_string_equal(f->r.examples[0].gfp, "GFP_ATOMIC");
	assert_string_equal(f->r.examples[0].first_event, "net_dev_queue");
	assert_int_equal(f->r.examples[0].to_first_ns, 1000);
	assert_true(f->r.examples[0].ended);
	assert_string_equal(f->r.examples[0].end_event, "consume_skb");
	assert_int_equal(f->r.examples[0].to_end_ns, 5000);
	assert_true(f->r.examples[0].mem_freed);
	assert_int_equal(f->r.examples[0].to_mem_free_ns, 5200);
	assert_string_equal(f->r.examples[1].link, "fclone-clone");
	assert_string_equal(f->r.examples[1].cache, "skbuff_fclone_cache");
	assert_false(f->r.examples[2].ended);
}

static void caches_sites_bytes_and_gfp_by_context(void **state)
{
	struct fixture *f = *state;
	const struct skbmem_site *s;

	run_workload(f);
	assert_int_equal(f->r.allocs, 6);
	assert_int_equal(f->r.frees, 2);
	s = site(&f->r, "skbuff_head_cache", "__alloc_skb");
	assert_non_null(s);
	assert_int_equal(s->allocs, 2);
	assert_int_equal(s->frees, 1);
	assert_int_equal(s->alive, 1);
	assert_int_equal(s->bytes_req, 448);
	assert_int_equal(s->bytes_alloc, 512);
	assert_int_equal(s->by_ctx[NS_CTX_SOFTIRQ], 2);
	assert_int_equal(s->kind, SKBMEM_KIND_SKB);
	assert_string_equal(s->example, "__alloc_skb+0x5c");
	/* the merged fclone asked for sizeof(struct sk_buff_fclones), got a 512-byte slot */
	s = site(&f->r, "skbuff_fclone_cache", "__alloc_skb");
	assert_non_null(s);
	assert_int_equal(s->bytes_req, 452);
	assert_int_equal(s->bytes_alloc, 512);
	s = site(&f->r, "kmalloc", "__alloc_skb");
	assert_non_null(s);
	assert_int_equal(s->kind, SKBMEM_KIND_DATA);
	s = site(&f->r, "skbuff_small_head", "kmalloc_reserve");
	assert_non_null(s);
	assert_int_equal(s->allocs, 2);
	/* sorted by allocations */
	assert_true(f->r.sites[0].allocs >= f->r.sites[f->r.n_sites - 1].allocs);
	/* every softirq allocation is atomic; the task's may sleep */
	assert_int_equal(f->r.ctx_atomic[NS_CTX_SOFTIRQ], 4);
	assert_int_equal(f->r.ctx_sleep[NS_CTX_SOFTIRQ], 0);
	assert_int_equal(f->r.ctx_sleep[NS_CTX_TASK], 2);
	assert_true(f->r.have_gfp_names);
	bool atomic_row = false;

	for (size_t i = 0; i < f->r.n_gfp; i++)
		if (!strcmp(f->r.gfp[i].ctx, "softirq") &&
		    !strcmp(f->r.gfp[i].flags, "GFP_ATOMIC|__GFP_NOWARN|__GFP_NOMEMALLOC")) {
			atomic_row = true;
			assert_int_equal(f->r.gfp[i].count, 2);
			assert_int_equal(f->r.gfp[i].may_sleep, 0);
		}
	assert_true(atomic_row);
}

static void lifetimes_and_what_is_alive_at_the_end(void **state)
{
	struct fixture *f = *state;

	run_workload(f);
	/* packets: alloc -> consume of #1 (5000 ns) and #2 (20000 ns from the fclone) */
	assert_int_equal(f->r.packet_life.count, 2);
	assert_int_equal(f->r.packet_life.min_ns, 5000);
	assert_int_equal(f->r.packet_life.max_ns, 20000);
	/* two values: the median is the first's bucket (hist.c: within 1.6 %) */
	assert_true(f->r.packet_life.p50_ns >= 5000 && f->r.packet_life.p50_ns <= 5000 * 65 / 64);
	assert_int_equal(f->r.packet_life.p99_ns, 20000);
	/* 5000 in [4096, 8192), 20000 in [16384, 32768) */
	assert_int_equal(f->r.packet_life.by_pow2[13], 1);
	assert_int_equal(f->r.packet_life.by_pow2[15], 1);
	/* kmem frees: the sk_buff after 5200 ns, the head after 5000 */
	assert_int_equal(f->r.life[SKBMEM_KIND_SKB].count, 1);
	assert_int_equal(f->r.life[SKBMEM_KIND_SKB].max_ns, 5200);
	assert_int_equal(f->r.life[SKBMEM_KIND_DATA].count, 1);
	assert_int_equal(f->r.life[SKBMEM_KIND_DATA].max_ns, 5000);
	/* alive: the fclone and its data, the ACK's sk_buff and head */
	assert_int_equal(f->r.alive, 4);
	assert_int_equal(f->r.alive_bytes, 512 + 2048 + 256 + 704);
	assert_int_equal(f->r.alive_ended, 1); /* the fclone's packet was consumed */
	assert_int_equal(f->r.alive_oldest_ns, 50000 - 10000);
}

static void free_of_an_unseen_allocation_and_reuse_without_free_are_counted(void **state)
{
	struct fixture *f = *state;

	feed(f, kmem(NS_EV_KMEM_FREE, 100, NS_CTX_TASK, 0, 0xdead000, 1, 0, 256, 0));
	feed(f, kmem(NS_EV_KMEM_ALLOC, 200, NS_CTX_TASK, A_ALLOC + 0x5c, SKB1, 1, 224, 256,
		     K_GFP_KERNEL));
	feed(f, kmem(NS_EV_KMEM_ALLOC, 300, NS_CTX_TASK, A_ALLOC + 0x5c, SKB1, 1, 224, 256,
		     K_GFP_KERNEL));
	assert_int_equal(skbmem_finish(f->an, &f->r), 0);
	assert_int_equal(f->r.frees_unmatched, 1);
	assert_int_equal(f->r.realloc_unfreed, 1);
	assert_int_equal(f->r.alive, 1);
}

static void trace_without_kmem_events_says_so(void **state)
{
	struct report_ctx ctx = { 0 };
	struct skbmem_an *an = skbmem_new(&ctx);
	struct skbmem_result r;
	struct ns_event e = packet(NS_EV_NET_DEV_QUEUE, 10, 1, SKB1, HEAD1, NS_F_NEW_PACKET);

	skbmem_feed(an, &e);
	assert_int_equal(skbmem_finish(an, &r), 0);
	assert_false(r.have_kmem);
	assert_false(r.have_gfp_names);
	assert_int_equal(r.packets, 1);
	assert_int_equal(r.unlinked, 1);
	skbmem_result_free(&r);
	skbmem_free(an);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gfp_flags_are_named_from_the_recorded_format_file),
		cmocka_unit_test(page_alloc_format_has_the_same_flag_table),
		cmocka_unit_test(flag_table_survives_the_metadata_round_trip),
		cmocka_unit_test(format_without_gfp_flags_is_refused_with_a_reason),
		cmocka_unit_test(sites_cover_cold_parts_noprof_names_and_stop_at_the_next_symbol),
		cmocka_unit_test_setup_teardown(packets_link_to_their_sk_buff_and_head_allocations, setup,
						teardown),
		cmocka_unit_test_setup_teardown(caches_sites_bytes_and_gfp_by_context, setup, teardown),
		cmocka_unit_test_setup_teardown(lifetimes_and_what_is_alive_at_the_end, setup, teardown),
		cmocka_unit_test_setup_teardown(
			free_of_an_unseen_allocation_and_reuse_without_free_are_counted, setup, teardown),
		cmocka_unit_test(trace_without_kmem_events_says_so),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
