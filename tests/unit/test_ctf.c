// SPDX-License-Identifier: GPL-2.0
/*
 * The CTF export's parts: the mapping table (data/lttng.rules) gives every
 * event type a class, LTTng names where they exist and every field for the
 * rest; bad rules are refused with their line number; a data stream's
 * packets carry the header and context the metadata declares, in time
 * order; the metadata escapes what it quotes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "export/ctf_map.h"
#include "export/ctf_stream.h"
#include "export/ctf_tsdl.h"
#include "trace/model.h"

static const char *field_names(const struct ctf_class *c, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < c->nf && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? " " : "", c->f[i].name);
	return buf;
}

static void builtin_table_maps_drops_to_skb_kfree_with_the_drop_reason(void **state)
{
	struct ctf_map m;
	char err[256] = "", buf[512];
	const struct ctf_class *c;

	assert_int_equal(ctf_map_builtin(&m, err, sizeof(err)), 0);
	c = m.by_type[NS_EV_KFREE_SKB];
	assert_string_equal(c->name, "skb_kfree");
	assert_int_equal(c->id, NS_EV_KFREE_SKB);
	assert_string_equal(field_names(c, buf, sizeof(buf)),
			    "skbaddr location protocol reason rx_skaddr ns_location ns_packet_id "
			    "ns_l4_proto ns_saddr ns_daddr ns_sport ns_dport ns_netns");
	assert_int_equal(c->f[3].enum_kind, NS_NAMES_DROP_REASON);
	assert_true(c->f[2].src->big_endian);	/* protocol: network byte order, as LTTng */
	assert_string_equal(m.by_type[NS_EV_NETIF_RECEIVE_SKB]->name, "net_if_receive_skb");
	assert_string_equal(m.by_type[NS_EV_SOFTIRQ_ENTRY]->name, "irq_softirq_entry");
	assert_string_equal(field_names(m.by_type[NS_EV_SOFTIRQ_ENTRY], buf, sizeof(buf)), "vec");
	assert_string_equal(field_names(m.by_type[NS_EV_IRQ_HANDLER_ENTRY], buf, sizeof(buf)), "irq name");
	assert_string_equal(field_names(m.by_type[NS_EV_IRQ_HANDLER_EXIT], buf, sizeof(buf)), "irq ret");
	assert_string_equal(m.segment[NS_EV_NET_DEV_QUEUE]->name, "inet_sock_local_out");
	assert_string_equal(m.segment[NS_EV_NETIF_RECEIVE_SKB]->name, "inet_sock_local_in");
	assert_string_equal(field_names(m.segment[NS_EV_NET_DEV_QUEUE], buf, sizeof(buf)),
			    "sk seq ack_seq flags");
	assert_string_equal(m.process->name, "lttng_statedump_process_state");
	assert_string_equal(field_names(m.process, buf, sizeof(buf)),
			    "tid pid ppid name type mode submode status cpu file_table_address");
	ctf_map_free(&m);
}

static void unmapped_events_keep_their_name_and_every_field(void **state)
{
	struct ctf_map m;
	char err[256] = "", buf[512];
	const char *every = "skb sk location packet_id netns ifindex len stack_id stack_key reason aux aux2 "
			    "seq ack_seq l3_proto sport dport ctx hdr family l4_proto tcp_flags flags "
			    "saddr daddr comm ifname skb_head";

	assert_int_equal(ctf_map_builtin(&m, err, sizeof(err)), 0);
	assert_int_equal(m.by_type[NS_EV_NET_DEV_START_XMIT]->kind, CTF_CLASS_NATIVE);
	assert_string_equal(m.by_type[NS_EV_NET_DEV_START_XMIT]->name, "net_dev_start_xmit");
	assert_string_equal(field_names(m.by_type[NS_EV_NET_DEV_START_XMIT], buf, sizeof(buf)), every);
	/* types of a newer netscope than this build: one class, with the type */
	assert_int_equal(m.by_type[0]->id, CTF_ID_UNKNOWN);
	assert_string_equal(m.by_type[0]->name, "netscope_unknown_type");
	assert_non_null(strstr(field_names(m.by_type[0], buf, sizeof(buf)), " type "));
	ctf_map_free(&m);
}

static void every_type_has_one_class_and_names_and_ids_are_unique(void **state)
{
	struct ctf_map m;
	char err[256] = "";

	assert_int_equal(ctf_map_builtin(&m, err, sizeof(err)), 0);
	for (int t = 1; t < NS_EV__COUNT; t++) {
		assert_non_null(m.by_type[t]);
		assert_int_equal(m.by_type[t]->id, t);
		assert_int_equal(m.by_type[t]->ns_type, t);
	}
	for (size_t i = 0; i < m.n; i++)
		for (size_t k = i + 1; k < m.n; k++) {
			assert_string_not_equal(m.cls[i].name, m.cls[k].name);
			assert_true(m.cls[i].id < m.cls[k].id);	/* sorted, distinct */
		}
	ctf_map_free(&m);
}

static void every_event_rule_of_the_builtin_table_names_an_event_of_this_build(void **state)
{
	extern const char ns_data_lttng[];
	char *text = strdup(ns_data_lttng), *save = NULL;
	int rules = 0;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char kw[32], name[64];

		if (sscanf(line, "%31s %63s", kw, name) != 2)
			continue;
		if (strcmp(kw, "event") && strcmp(kw, "tcp_segment"))
			continue;
		rules++;
		name[strcspn(name, "/")] = '\0';	/* event NETSCOPE/AUX */
		if (ns_event_by_name(name) < 0)
			fail_msg("data/lttng.rules maps '%s', no event of this build", name);
	}
	assert_true(rules >= 20);
	free(text);
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

static void bad_rules_are_refused_with_their_line(void **state)
{
	expect_error("# c\nmap kfree_skb x a=skb\n", "t.rules:2: unknown rule 'map'");
	expect_error("event kfree_skb x a=skbb\n", "t.rules:1: unknown source 'skbb' for field 'a'");
	expect_error("event kfree_skb x a=reason:drops\n", "t.rules:1: unknown enum 'drops'");
	expect_error("event kfree_skb x a=comm:tcp_state\n", "enum on 'comm', which is not an integer");
	expect_error("event kfree_skb x a=skb\n\ta=sk\n", "t.rules:1: field 'a' twice in x");
	expect_error("event kfree_skb x a=skb\nevent consume_skb x a=skb\n", "t.rules:2: event name 'x' given twice");
	expect_error("event kfree_skb x a=skb\nevent kfree_skb y a=skb\n", "t.rules:2: second event rule for 'kfree_skb'");
	expect_error("\tx=skb\n", "t.rules:1: continuation line without a rule above");
	expect_error("event kfree_skb x skb\n", "'skb' is not FIELD=SOURCE");
	expect_error("event kfree_skb x-y a=skb\n", "event name 'x-y' is not an identifier");
	expect_error("event kfree_skb\n", "event rule without a netscope and an LTTng event name");
	/* a mapped name taking the name of an event left unmapped */
	expect_error("event kfree_skb consume_skb a=skb\n", "'consume_skb' is the name of a netscope event that has no rule");
}

static void a_rule_for_an_event_of_another_build_is_skipped(void **state)
{
	struct ctf_map m;
	char err[256] = "";

	assert_int_equal(ctf_map_build(&m, "event kmalloc_of_tomorrow kmem_kmalloc a=skb\n"
					   "event kfree_skb skb_kfree skbaddr=skb\n",
				       "t.rules", err, sizeof(err)),
			 0);
	assert_string_equal(m.by_type[NS_EV_KFREE_SKB]->name, "skb_kfree");
	for (size_t i = 0; i < m.n; i++)
		assert_string_not_equal(m.cls[i].name, "kmem_kmalloc");
	ctf_map_free(&m);
}

static void irq_vector_events_take_lttngs_x86_name_from_their_aux(void **state)
{
	struct ctf_map m;
	char err[256] = "", buf[64];
	struct ns_event ev = { .type = NS_EV_IRQ_VECTOR_ENTRY, .aux = NS_IRQV_LOCAL_TIMER, .reason = 236 };
	const struct ctf_class *c;

	assert_int_equal(ctf_map_builtin(&m, err, sizeof(err)), 0);
	c = ctf_map_class(&m, &ev);
	assert_string_equal(c->name, "x86_irq_vectors_local_timer_entry");
	assert_true(c->by_aux && c->aux == NS_IRQV_LOCAL_TIMER);
	assert_true(c->id >= CTF_ID_EXTRA);
	assert_string_equal(field_names(c, buf, sizeof(buf)), "vector");
	ev.type = NS_EV_IRQ_VECTOR_EXIT;
	assert_string_equal(ctf_map_class(&m, &ev)->name, "x86_irq_vectors_local_timer_exit");
	ev.aux = NS_IRQV_X86_PLATFORM_IPI;	/* LTTng calls it ipi */
	assert_string_equal(ctf_map_class(&m, &ev)->name, "x86_irq_vectors_ipi_exit");
	ev.aux = NS_IRQV_CALL_FUNCTION_SINGLE;
	assert_string_equal(ctf_map_class(&m, &ev)->name, "x86_irq_vectors_call_function_single_exit");
	/* LTTng has no reboot vector event, and an aux of a newer build has no rule:
	 * the netscope name and every field */
	ev.aux = NS_IRQV_REBOOT;
	c = ctf_map_class(&m, &ev);
	assert_string_equal(c->name, "irq_vector_exit");
	assert_int_equal(c->kind, CTF_CLASS_NATIVE);
	ev.aux = 99;
	assert_ptr_equal(ctf_map_class(&m, &ev), m.by_type[NS_EV_IRQ_VECTOR_EXIT]);
	/* the other types ignore aux: an aux of 1 on a drop is still skb_kfree */
	ev.type = NS_EV_KFREE_SKB;
	ev.aux = NS_IRQV_LOCAL_TIMER;
	assert_string_equal(ctf_map_class(&m, &ev)->name, "skb_kfree");
	ev.type = NS_EV__COUNT + 3;
	assert_ptr_equal(ctf_map_class(&m, &ev), m.by_type[0]);
	/* 11 tracepoints LTTng names, entry and exit */
	assert_int_equal(m.n_aux, 22);
	ctf_map_free(&m);

	/* a number is an aux too */
	assert_int_equal(ctf_map_build(&m, "event irq_vector_entry/2 resched vector=reason\n",
				       "t.rules", err, sizeof(err)), 0);
	ev = (struct ns_event){ .type = NS_EV_IRQ_VECTOR_ENTRY, .aux = NS_IRQV_RESCHEDULE };
	assert_string_equal(ctf_map_class(&m, &ev)->name, "resched");
	ctf_map_free(&m);
	expect_error("event irq_vector_entry/bogus x vector=reason\n",
		     "t.rules:1: unknown aux 'bogus' of irq_vector_entry");
	expect_error("event kfree_skb/local_timer x a=skb\n", "unknown aux 'local_timer' of kfree_skb");
	expect_error("event irq_vector_entry/local_timer x a=reason\nevent irq_vector_entry/1 y a=reason\n",
		     "t.rules:2: second event rule for 'irq_vector_entry/1'");
	expect_error("tcp_segment netif_receive_skb/1 x a=skb\n", "only an event rule takes /AUX");
}

static uint64_t u64_at(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint32_t u32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void stream_packets_carry_header_context_and_time_order(void **state)
{
	char path[] = "/tmp/test_ctf_streamXXXXXX", err[256] = "";
	uint8_t uuid[16], buf[2 * CTF_PACKET_BYTES], *p;
	struct ctf_stream s;
	size_t n, per_packet, events = 0;
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	for (int i = 0; i < 16; i++)
		uuid[i] = i * 17;
	assert_int_equal(ctf_stream_open(&s, path, 3, 3, uuid, err, sizeof(err)), 0);
	/* a 100-byte payload per event until a second packet starts */
	per_packet = (CTF_PACKET_BYTES - CTF_PACKET_PREFIX) / (CTF_EVENT_HEADER + 100);
	for (size_t i = 0; i < per_packet + 2; i++) {
		uint64_t ts = 1000 + i * 10;

		if (i == 5)
			ts = 990;	/* earlier than the event before: raised to its time */
		p = ctf_stream_reserve(&s, ts, 7, 100);
		memset(p, 0xab, 100);
		ctf_stream_commit(&s, p + 100);
		events++;
	}
	assert_int_equal(s.clamped, 1);
	assert_int_equal(ctf_stream_close(&s, err, sizeof(err)), 0);

	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	unlink(path);
	size_t first = CTF_PACKET_PREFIX + per_packet * (CTF_EVENT_HEADER + 100);
	assert_int_equal(n, first + CTF_PACKET_PREFIX + 2 * (CTF_EVENT_HEADER + 100));
	for (int k = 0; k < 2; k++) {
		const uint8_t *h = k ? buf + first : buf;
		size_t size = k ? n - first : first;

		assert_int_equal(u32_at(h), CTF_MAGIC);
		assert_memory_equal(h + 4, uuid, 16);
		assert_int_equal(u32_at(h + 20), 0);			/* stream_id */
		assert_int_equal(u64_at(h + 24), 3);			/* stream_instance_id */
		assert_int_equal(u64_at(h + 48), size * 8);		/* content_size, bits */
		assert_int_equal(u64_at(h + 56), size * 8);		/* packet_size */
		assert_int_equal(u64_at(h + 64), k);			/* packet_seq_num */
		assert_int_equal(u64_at(h + 72), 0);			/* events_discarded */
		assert_int_equal(u32_at(h + 80), 3);			/* cpu_id */
	}
	/* first packet: from the first event's time to its last's */
	assert_int_equal(u64_at(buf + 32), 1000);
	assert_int_equal(u64_at(buf + 40), 1000 + (per_packet - 1) * 10);
	assert_int_equal(u64_at(buf + first + 32), 1000 + per_packet * 10);
	/* the sixth event: id 7, at the fifth's time */
	p = buf + CTF_PACKET_PREFIX + 5 * (CTF_EVENT_HEADER + 100);
	assert_int_equal(p[0] | p[1] << 8, 7);
	assert_int_equal(u64_at(p + 2), 1040);
	assert_int_equal(events, per_packet + 2);
}

static void uuids_round_trip_and_bad_ones_are_refused(void **state)
{
	uint8_t u[16];
	char s[37];

	assert_true(ctf_uuid_parse("416c542d-de80-4bdd-b736-ac6e86c4922e", u));
	ctf_uuid_str(u, s);
	assert_string_equal(s, "416c542d-de80-4bdd-b736-ac6e86c4922e");
	assert_false(ctf_uuid_parse("416c542d-de80-4bdd-b736-ac6e86c4922", u));
	assert_false(ctf_uuid_parse("416c542dxde80-4bdd-b736-ac6e86c4922e", u));
	assert_false(ctf_uuid_parse("416c542d-de80-4bdd-b736-ac6e86c4922eX", u));
	assert_false(ctf_uuid_parse("g16c542d-de80-4bdd-b736-ac6e86c4922e", u));
}

static void metadata_escapes_quotes_and_declares_used_classes_only(void **state)
{
	struct ctf_map m;
	struct ctf_tsdl_env env = { .hostname = "a\"b\\c", .kernel_release = "6.18",
				    .offset_ns = 1796283171592258250ull, .events_lost = 3 };
	char err[256] = "", *text = NULL;
	size_t len = 0;
	bool *used;
	FILE *f;

	assert_int_equal(ctf_map_builtin(&m, err, sizeof(err)), 0);
	used = calloc(m.n, sizeof(*used));
	for (size_t i = 0; i < m.n; i++)
		used[i] = m.cls[i].id == NS_EV_KFREE_SKB;
	strcpy(env.clock_uuid, "416c542d-de80-4bdd-b736-ac6e86c4922e");
	f = open_memstream(&text, &len);
	assert_int_equal(ctf_tsdl_write(f, &env, &m, used, NULL), 0);
	fclose(f);
	assert_memory_equal(text, "/* CTF 1.8 */\n", 14);
	assert_non_null(strstr(text, "\thostname = \"a\\\"b\\\\c\";\n"));
	assert_non_null(strstr(text, "\tdomain = \"kernel\";\n"));
	assert_non_null(strstr(text, "\toffset_s = 1796283171;\n\toffset = 592258250;\n"));
	assert_non_null(strstr(text, "\tnetscope_events_lost = 3;\n"));
	assert_non_null(strstr(text, "name = \"skb_kfree\";"));
	assert_null(strstr(text, "name = \"skb_consume\";"));
	/* no names table: the drop reason is a plain integer, not an empty enum */
	assert_non_null(strstr(text, "base = 10; } _reason;"));
	free(text);
	free(used);
	ctf_map_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin_table_maps_drops_to_skb_kfree_with_the_drop_reason),
		cmocka_unit_test(unmapped_events_keep_their_name_and_every_field),
		cmocka_unit_test(every_type_has_one_class_and_names_and_ids_are_unique),
		cmocka_unit_test(every_event_rule_of_the_builtin_table_names_an_event_of_this_build),
		cmocka_unit_test(bad_rules_are_refused_with_their_line),
		cmocka_unit_test(a_rule_for_an_event_of_another_build_is_skipped),
		cmocka_unit_test(irq_vector_events_take_lttngs_x86_name_from_their_aux),
		cmocka_unit_test(stream_packets_carry_header_context_and_time_order),
		cmocka_unit_test(uuids_round_trip_and_bad_ones_are_refused),
		cmocka_unit_test(metadata_escapes_quotes_and_declares_used_classes_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
