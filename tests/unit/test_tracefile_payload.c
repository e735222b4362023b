// SPDX-License-Identifier: GPL-2.0
/*
 * Packet bytes in the trace file (format 1.2, PAYLOADS chunks): the record's
 * encoding, round trips through the writer and reader, their order against
 * the events, readers that do not ask, and malformed records.
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
#include "trace/tracefile.h"
#include "trace/tracefile_format.h"

static char path[64];

static int setup(void **state)
{
	int fd;

	(void)state;
	strcpy(path, "/tmp/test_tf_payload.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

/* the bytes of packet i: a pattern of its own, so a mix-up shows */
static void fill_bytes(uint8_t *b, uint32_t n, uint64_t id)
{
	for (uint32_t k = 0; k < n; k++)
		b[k] = (uint8_t)(id * 31 + k * 7);
}

static uint32_t cap_of(uint64_t id)
{
	/* 0, 1, a header's worth, and the most a capture copies */
	static const uint32_t caps[] = { 0, 1, 40, 92, 1500 };

	return caps[id % 5];
}

static struct ns_payload_rec make_rec(uint64_t id, uint8_t *buf)
{
	uint32_t cap = cap_of(id);

	fill_bytes(buf, cap, id);
	return (struct ns_payload_rec){
		.packet_id = id, .ts_ns = 1000 + id, .orig_len = cap + (uint32_t)(id % 3),
		.cap_len = cap, .type = id % 2 ? NS_EV_NET_DEV_QUEUE : NS_EV_NETIF_RECEIVE_SKB,
		.flags = id % 3 ? NS_PAYLOAD_CUT_LINEAR : 0, .data = buf,
	};
}

static void check_rec(const struct ns_payload_rec *p, uint64_t id)
{
	uint8_t want[1500];
	struct ns_payload_rec w = make_rec(id, want);

	assert_int_equal(p->packet_id, id);
	assert_int_equal(p->ts_ns, w.ts_ns);
	assert_int_equal(p->orig_len, w.orig_len);
	assert_int_equal(p->cap_len, w.cap_len);
	assert_int_equal(p->type, w.type);
	assert_int_equal(p->flags, w.flags);
	if (w.cap_len)
		assert_memory_equal(p->data, want, w.cap_len);
}

/* n events of packets 1..n, each followed by its packet's bytes, as record does */
static void write_trace(size_t n, enum ns_tf_codec codec, bool with_stats)
{
	struct ns_capture_stats st = { .payload_produced = n, .payload_lost = 2,
				       .payload_captured = n, .payload_unmatched = 1,
				       .payload_cut = 3 };
	char err[256];
	struct tracefile_writer *w = tfw_open(path, NULL, NULL, err, sizeof(err));
	uint8_t buf[1500];

	assert_non_null(w);
	assert_int_equal(tfw_set_codec(w, codec, codec == NS_TF_CODEC_ZSTD ? 1 : 0), 0);
	for (uint64_t id = 1; id <= n; id++) {
		struct ns_event ev = { .ts_ns = 1000 + id, .packet_id = id, .type = NS_EV_NET_DEV_QUEUE };
		struct ns_payload_rec p = make_rec(id, buf);

		assert_int_equal(tfw_add_event(w, &ev), 0);
		assert_int_equal(tfw_add_payload(w, &p), 0);
	}
	assert_int_equal(tfw_close(w, with_stats ? &st : NULL), 0);
}

static void record_layout_is_little_endian_fields_then_bytes(void **state)
{
	uint8_t data[3] = { 0xaa, 0xbb, 0xcc };
	struct ns_payload_rec p = { .packet_id = 0x0102030405060708ull, .ts_ns = 0x1112131415161718ull,
				    .orig_len = 0x21222324, .cap_len = 3, .type = 0x3132,
				    .flags = NS_PAYLOAD_CUT_LINEAR, .data = data }, q;
	static const uint8_t want[NS_TF_PAYLOAD_HDR_SIZE + 3] = {
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,	/* packet_id */
		0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11,	/* ts_ns */
		0x24, 0x23, 0x22, 0x21,				/* orig_len */
		0x03, 0x00, 0x00, 0x00,				/* cap_len */
		0x32, 0x31, 0x01, 0x00,				/* type, flags, reserved */
		0xaa, 0xbb, 0xcc,
	};
	struct ns_tf_buf b = { 0 };

	(void)state;
	ns_tf_payload_encode(&b, &p);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(b.p, want, sizeof(want));
	assert_int_equal(ns_tf_payload_check(b.p, b.len, 1), 0);
	assert_int_equal(ns_tf_payload_decode(b.p, b.len, &q), sizeof(want));
	assert_int_equal(q.packet_id, p.packet_id);
	assert_int_equal(q.ts_ns, p.ts_ns);
	assert_int_equal(q.orig_len, p.orig_len);
	assert_int_equal(q.cap_len, 3);
	assert_int_equal(q.type, p.type);
	assert_int_equal(q.flags, NS_PAYLOAD_CUT_LINEAR);
	assert_ptr_equal(q.data, b.p + NS_TF_PAYLOAD_HDR_SIZE);
	ns_tf_buf_free(&b);
}

/* a record whose byte at `at` is set to v, checked alone */
static int check_patched(size_t at, uint8_t v, size_t cut)
{
	uint8_t data[8] = { 0 };
	struct ns_payload_rec p = { .packet_id = 1, .orig_len = 8, .cap_len = 8, .data = data }, q;
	struct ns_tf_buf b = { 0 };
	int ret;

	ns_tf_payload_encode(&b, &p);
	b.p[at] = v;
	ret = ns_tf_payload_check(b.p, b.len - cut, 1);
	/* what the check refuses, decoding refuses too */
	if (ret)
		assert_int_equal(ns_tf_payload_decode(b.p, b.len - cut, &q), 0);
	ns_tf_buf_free(&b);
	return ret;
}

static void malformed_records_are_refused(void **state)
{
	uint8_t data[8] = { 0 };
	struct ns_payload_rec p = { .packet_id = 1, .orig_len = 8, .cap_len = 8, .data = data };
	struct ns_tf_buf b = { 0 };

	(void)state;
	assert_int_equal(check_patched(0, 0, 0), 0);		/* the unpatched record is fine */
	assert_int_equal(check_patched(20, 9, 0), -EBADMSG);	/* cap_len 9 > orig_len 8 */
	assert_int_equal(check_patched(22, 1, 0), -EBADMSG);	/* cap_len 65544: past the chunk */
	assert_int_equal(check_patched(16, 0, 0), -EBADMSG);	/* orig_len 0 < cap_len */
	assert_int_equal(check_patched(27, 1, 0), -EBADMSG);	/* reserved byte set */
	assert_int_equal(check_patched(0, 1, 1), -EBADMSG);	/* one byte short */
	assert_int_equal(check_patched(0, 1, NS_TF_PAYLOAD_HDR_SIZE + 1), -EBADMSG); /* cut header */

	/* cap_len above the format's bound, even with the bytes there */
	ns_tf_payload_encode(&b, &p);
	ns_tf_put_le32(b.p + 16, 70000);
	ns_tf_put_le32(b.p + 20, 65536);
	assert_int_equal(ns_tf_payload_check(b.p, b.len, 1), -EBADMSG);
	/* count: one record is not two, and two are not one */
	ns_tf_buf_reset(&b);
	ns_tf_payload_encode(&b, &p);
	assert_int_equal(ns_tf_payload_check(b.p, b.len, 2), -EBADMSG);
	ns_tf_payload_encode(&b, &p);
	assert_int_equal(ns_tf_payload_check(b.p, b.len, 1), -EBADMSG);
	assert_int_equal(ns_tf_payload_check(b.p, b.len, 2), 0);
	ns_tf_buf_free(&b);
}

static void writer_refuses_a_record_no_reader_would_take(void **state)
{
	char err[256];
	struct tracefile_writer *w = tfw_open(path, NULL, NULL, err, sizeof(err));
	uint8_t data[4] = { 0 };

	(void)state;
	assert_non_null(w);
	assert_int_equal(tfw_add_payload(w, &(struct ns_payload_rec){ .packet_id = 1, .orig_len = 3,
								      .cap_len = 4, .data = data }),
			 -EINVAL);
	assert_int_equal(tfw_close(w, NULL), 0);
}

/*
 * Every payload comes out once, exact, and never before the event of its
 * packet: 3000 packets of up to 1500 bytes fill PAYLOADS chunks by size
 * (1 MiB) and by the events chunks (4096 events).
 */
static void payloads_round_trip_after_their_events(enum ns_tf_codec codec)
{
	const size_t n = 3000;
	char err[256];
	struct tracefile_reader *r;
	struct ns_capture_stats st;
	struct ns_payload_rec p;
	struct ns_event ev;
	uint64_t last_event = 0, next_payload = 1;
	unsigned int major, minor;

	write_trace(n, codec, true);
	r = tfr_open(path, err, sizeof(err));
	assert_non_null(r);
	tfr_want_payloads(r);
	tfr_version(r, &major, &minor, NULL);
	assert_int_equal(major, 1);
	assert_int_equal(minor, 2);
	for (;;) {
		int rc = tfr_next(r, &ev);

		assert_true(rc >= 0);
		if (rc) {
			assert_int_equal(ev.packet_id, last_event + 1);
			last_event = ev.packet_id;
		}
		while (tfr_next_payload(r, &p)) {
			assert_int_equal(p.packet_id, next_payload);
			assert_true(p.packet_id <= last_event);
			check_rec(&p, next_payload++);
		}
		if (!rc)
			break;
	}
	assert_int_equal(last_event, n);
	assert_int_equal(next_payload, n + 1);
	assert_false(tfr_truncated(r, NULL));
	assert_true(tfr_stats(r, &st));
	assert_int_equal(st.payload_produced, n);
	assert_int_equal(st.payload_lost, 2);
	assert_int_equal(st.payload_captured, n);
	assert_int_equal(st.payload_unmatched, 1);
	assert_int_equal(st.payload_cut, 3);
	tfr_close(r);
}

static void payloads_round_trip_zstd(void **state)
{
	(void)state;
	payloads_round_trip_after_their_events(NS_TF_CODEC_ZSTD);
}

static void payloads_round_trip_stored(void **state)
{
	(void)state;
	payloads_round_trip_after_their_events(NS_TF_CODEC_NONE);
}

static void readers_that_do_not_ask_read_the_events_only(void **state)
{
	char err[256];
	struct tracefile_reader *r;
	struct ns_payload_rec p;
	struct ns_event ev;
	size_t events = 0;

	(void)state;
	write_trace(100, NS_TF_CODEC_ZSTD, false);
	r = tfr_open(path, err, sizeof(err));
	assert_non_null(r);
	while (tfr_next(r, &ev) == 1) {
		events++;
		assert_int_equal(tfr_next_payload(r, &p), 0);
	}
	assert_int_equal(events, 100);
	assert_null(tfr_error(r));
	tfr_close(r);
}

/* offset of the first chunk of type `type` in the file at buf, or 0 */
static size_t find_chunk(const uint8_t *buf, size_t len, uint32_t type)
{
	size_t at = NS_TF_FILE_HDR_SIZE;

	while (at + NS_TF_CHUNK_HDR_SIZE <= len) {
		struct ns_tf_chunk_hdr h;

		assert_true(ns_tf_chunk_hdr_decode(buf + at, &h));
		if (h.type == type)
			return at;
		at += NS_TF_CHUNK_HDR_SIZE + h.stored_len;
	}
	return 0;
}

/*
 * A PAYLOADS chunk whose CRCs are right but whose first record claims more
 * bytes than the chunk holds (a writer bug, or damage the CRC missed): a
 * corrupt chunk named by its offset, after the events before it.
 */
static void payload_longer_than_its_chunk_is_a_corrupt_chunk(void **state)
{
	char err[256];
	uint8_t hb[NS_TF_CHUNK_HDR_SIZE];
	struct tracefile_reader *r;
	struct ns_tf_chunk_hdr h;
	struct ns_payload_rec p;
	struct ns_event ev;
	size_t len, at, events = 0;
	uint8_t *buf;
	FILE *f;
	int rc;

	(void)state;
	write_trace(10, NS_TF_CODEC_NONE, false);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc(len);
	assert_int_equal(fread(buf, 1, len, f), len);
	fclose(f);
	at = find_chunk(buf, len, NS_TF_CHUNK_PAYLOADS);
	assert_true(at > 0);
	assert_true(ns_tf_chunk_hdr_decode(buf + at, &h));
	assert_int_equal(h.flags, 0); /* stored as is: patchable */
	/* packet 1's record (1 byte): cap_len and orig_len 60000 */
	ns_tf_put_le32(buf + at + NS_TF_CHUNK_HDR_SIZE + 16, 60000);
	ns_tf_put_le32(buf + at + NS_TF_CHUNK_HDR_SIZE + 20, 60000);
	h.payload_crc = ns_tf_crc32(buf + at + NS_TF_CHUNK_HDR_SIZE, h.stored_len);
	ns_tf_chunk_hdr_encode(&h, hb);
	memcpy(buf + at, hb, sizeof(hb));
	f = fopen(path, "wb");
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
	free(buf);

	r = tfr_open(path, err, sizeof(err));
	assert_non_null(r);
	tfr_want_payloads(r);
	while ((rc = tfr_next(r, &ev)) == 1)
		events++;
	assert_int_equal(rc, -EBADMSG);
	assert_int_equal(events, 10);
	assert_non_null(strstr(tfr_error(r), "bad payloads chunk"));
	assert_int_equal(tfr_next_payload(r, &p), 0);
	tfr_close(r);

	/* a reader that does not ask never looks inside: the events are all there */
	r = tfr_open(path, err, sizeof(err));
	assert_non_null(r);
	events = 0;
	while ((rc = tfr_next(r, &ev)) == 1)
		events++;
	assert_int_equal(rc, 0);
	assert_int_equal(events, 10);
	tfr_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record_layout_is_little_endian_fields_then_bytes),
		cmocka_unit_test(malformed_records_are_refused),
		cmocka_unit_test_setup_teardown(writer_refuses_a_record_no_reader_would_take, setup,
						teardown),
		cmocka_unit_test_setup_teardown(payloads_round_trip_zstd, setup, teardown),
		cmocka_unit_test_setup_teardown(payloads_round_trip_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(readers_that_do_not_ask_read_the_events_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(payload_longer_than_its_chunk_is_a_corrupt_chunk, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
