// SPDX-License-Identifier: GPL-2.0
/*
 * Trace file codecs (format 1.1: zstd EVENTS chunks, deflate still read)
 * and the writer thread that compresses off the ring consumer's path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "trace/tracefile.h"
#include "trace/tracefile_codec.h"
#include "trace/tracefile_format.h"

#ifndef FIXTURES
#define FIXTURES "tests/fixtures"
#endif

static char path[64];

static int setup(void **state)
{
	int fd;

	strcpy(path, "/tmp/test_tfcodec.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	return 0;
}

/* like a capture: mostly repeated fields, a counter and a timestamp that move */
static void fill_event(struct ns_event *ev, uint32_t i)
{
	memset(ev, 0, sizeof(*ev));
	ev->ts_ns = 1000000000ull + i * 731ull;
	ev->skb = 0xffff888100000000ull + (i % 512) * 256;
	ev->packet_id = i / 7 + 1;
	ev->type = 1 + i % 9;
	ev->cpu = i & 1;
	ev->netns = 4026532000u + (i & 1);
	ev->seq = i * 2654435761u;
	ev->sport = 1024 + i % 50000;
	ev->dport = 80;
	ev->saddr[0] = 198, ev->saddr[1] = 18, ev->saddr[3] = i;
	ev->daddr[0] = 198, ev->daddr[1] = 18, ev->daddr[3] = 2;
	ev->stack_id = -1;
	strcpy(ev->ifname, "ns-b");
}

/* flags of the first EVENTS chunk of the file at path */
static uint32_t first_events_flags(void)
{
	FILE *f = fopen(path, "rb");
	uint8_t hb[NS_TF_CHUNK_HDR_SIZE];
	struct ns_tf_chunk_hdr h;
	long off = NS_TF_FILE_HDR_SIZE;

	assert_non_null(f);
	for (;;) {
		assert_int_equal(fseek(f, off, SEEK_SET), 0);
		assert_int_equal(fread(hb, 1, sizeof(hb), f), sizeof(hb));
		assert_true(ns_tf_chunk_hdr_decode(hb, &h));
		if (h.type == NS_TF_CHUNK_EVENTS)
			break;
		off += NS_TF_CHUNK_HDR_SIZE + h.stored_len;
	}
	fclose(f);
	return h.flags;
}

static void write_events(enum ns_tf_codec codec, int level, size_t n)
{
	struct ns_capture_stats st = { .stack_taken = 3 };
	char err[256] = "";
	struct tracefile_writer *w = tfw_open(path, NULL, NULL, err, sizeof(err));
	struct ns_event ev;

	assert_non_null(w);
	assert_int_equal(tfw_set_codec(w, codec, level), 0);
	for (size_t i = 0; i < n; i++) {
		fill_event(&ev, i);
		assert_int_equal(tfw_add_event(w, &ev), 0);
	}
	assert_int_equal(tfw_close(w, &st), 0);
}

static size_t read_back(size_t n)
{
	char err[512] = "";
	struct tracefile_reader *r = tfr_open(path, err, sizeof(err));
	struct ns_event ev, want;
	size_t got = 0;
	int rc;

	assert_non_null(r);
	while ((rc = tfr_next(r, &ev)) == 1) {
		fill_event(&want, got);
		assert_memory_equal(&ev, &want, sizeof(ev));
		got++;
	}
	assert_int_equal(rc, 0);
	assert_false(tfr_truncated(r, NULL));
	tfr_close(r);
	assert_int_equal(got, n);
	return got;
}

static void zstd_is_the_default_codec_and_round_trips(void **state)
{
	char err[256] = "";
	struct tracefile_writer *w = tfw_open(path, NULL, NULL, err, sizeof(err));
	struct ns_event ev;
	uint64_t raw, stored;

	assert_non_null(w);
	for (uint32_t i = 0; i < 20000; i++) {
		fill_event(&ev, i);
		assert_int_equal(tfw_add_event(w, &ev), 0);
	}
	assert_int_equal(tfw_flush(w, NULL), 0);
	tfw_sizes(w, NULL, &raw, &stored);
	assert_int_equal(raw, 20000 * sizeof(struct ns_event));
	assert_true(stored * 4 < raw);
	assert_int_equal(tfw_close(w, NULL), 0);
	assert_int_equal(first_events_flags(), NS_TF_CHUNK_ZSTD);
	read_back(20000);
}

static void deflate_and_stored_chunks_still_round_trip(void **state)
{
	write_events(NS_TF_CODEC_DEFLATE, 1, 9000);
	assert_int_equal(first_events_flags(), NS_TF_CHUNK_DEFLATE);
	read_back(9000);
	write_events(NS_TF_CODEC_NONE, 0, 5000);
	assert_int_equal(first_events_flags(), 0);
	read_back(5000);
}

static void codec_rejects_damaged_or_mislabelled_data(void **state)
{
	struct ns_tf_codec_ctx *c = ns_tf_codec_new();
	enum ns_tf_codec codecs[] = { NS_TF_CODEC_DEFLATE, NS_TF_CODEC_ZSTD };
	size_t len = 64 * sizeof(struct ns_event);
	struct ns_event *src = malloc(len), *back = malloc(len);

	assert_non_null(c);
	for (int i = 0; i < 64; i++)
		fill_event(&src[i], i);
	for (size_t k = 0; k < 2; k++) {
		size_t cap = ns_tf_codec_bound(codecs[k], len);
		uint8_t *z = malloc(cap);
		size_t zlen = ns_tf_codec_compress(c, codecs[k], 1, z, cap, src, len);

		assert_true(zlen > 0 && zlen < len);
		assert_int_equal(ns_tf_codec_decompress(c, codecs[k], back, len, z, zlen), 0);
		assert_memory_equal(back, src, len);
		/* a raw length other than the data's */
		assert_int_equal(ns_tf_codec_decompress(c, codecs[k], back, len - 1, z, zlen), -EBADMSG);
		/* the other codec's label */
		assert_int_equal(ns_tf_codec_decompress(c, codecs[1 - k], back, len, z, zlen), -EBADMSG);
		/* a damaged byte in the middle, or a cut */
		z[zlen / 2] ^= 0x5a;
		assert_int_equal(ns_tf_codec_decompress(c, codecs[k], back, len, z, zlen) == 0 &&
					 !memcmp(back, src, len),
				 0);
		assert_int_equal(ns_tf_codec_decompress(c, codecs[k], back, len, z, zlen / 3), -EBADMSG);
		free(z);
	}
	ns_tf_codec_free(c);
	free(src);
	free(back);
}

/* A 1.0 trace written by netscope before format 1.1 (`netscope record
 * --scenario refused`, 2026-12-03): deflated chunks, no writer counters. */
static void format_1_0_deflate_trace_is_still_read(void **state)
{
	char err[512] = "";
	struct tracefile_reader *r = tfr_open(FIXTURES "/trace/refused-1.0-deflate.ns", err,
					      sizeof(err));
	struct ns_capture_stats st;
	uint64_t per_type[NS_EV__COUNT] = { 0 };
	unsigned int major, minor;
	size_t evsize, n = 0;
	struct ns_event ev;
	int rc;

	assert_non_null(r);
	tfr_version(r, &major, &minor, &evsize);
	assert_int_equal(major, 1);
	assert_int_equal(minor, 0);
	assert_int_equal(evsize, sizeof(struct ns_event));
	while ((rc = tfr_next(r, &ev)) == 1) {
		assert_true(ev.type > 0 && ev.type < NS_EV__COUNT);
		per_type[ev.type]++;
		n++;
	}
	assert_int_equal(rc, 0);
	assert_false(tfr_truncated(r, NULL));
	assert_true(tfr_stats(r, &st));
	assert_int_equal(n, 18);
	assert_int_equal(ns_stats_sum(st.captured), 18);
	for (int i = 0; i < NS_EV__COUNT; i++)
		assert_int_equal(per_type[i], st.captured[i]);
	assert_int_equal(per_type[NS_EV_KFREE_SKB], 1);
	assert_int_equal(st.writer_dropped, 0);
	assert_int_equal(st.writer_stalls, 0);
	assert_string_equal(ns_meta_get(tfr_meta(r), "scenario"), "refused");
	tfr_close(r);
}

static void chunk_naming_two_codecs_is_corrupt(void **state)
{
	static const uint8_t junk[64] = { 1 };
	struct ns_tf_chunk_hdr h = { .type = NS_TF_CHUNK_EVENTS,
				     .flags = NS_TF_CHUNK_DEFLATE | NS_TF_CHUNK_ZSTD,
				     .stored_len = 16, .raw_len = sizeof(struct ns_event), .count = 1 };
	uint8_t fh[NS_TF_FILE_HDR_SIZE] = { 0 }, hb[NS_TF_CHUNK_HDR_SIZE];
	uint32_t bom = NS_TF_BYTE_ORDER_MARK;
	char err[512] = "";
	struct tracefile_reader *r;
	struct ns_event ev;
	FILE *f = fopen(path, "wb");

	memcpy(fh, NS_TF_MAGIC, 8);
	ns_tf_put_le16(fh + 8, 1);
	ns_tf_put_le16(fh + 10, 1);
	memcpy(fh + 12, &bom, 4);
	ns_tf_put_le32(fh + 16, sizeof(struct ns_event));
	ns_tf_put_le32(fh + 20, NS_TF_FILE_HDR_SIZE);
	fwrite(fh, 1, sizeof(fh), f);
	h.payload_crc = ns_tf_crc32(junk, 16);
	ns_tf_chunk_hdr_encode(&h, hb);
	fwrite(hb, 1, sizeof(hb), f);
	fwrite(junk, 1, sizeof(junk), f); /* more data after it: not a cut-off */
	fclose(f);
	r = tfr_open(path, err, sizeof(err));
	if (r) {
		assert_int_equal(tfr_next(r, &ev), -EBADMSG);
		snprintf(err, sizeof(err), "%s", tfr_error(r));
		tfr_close(r);
	}
	assert_non_null(strstr(err, "corrupt chunk at offset 32 (two codecs)"));
}

static void *drain_fifo(void *arg)
{
	char buf[65536];
	int fd = *(int *)arg;

	/* the fifo's reader end is non-blocking: poll until the writer closes */
	fcntl(fd, F_SETFL, 0);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The file is a fifo nobody reads: the writer thread blocks in write() for
 * good.  The caller (a ring consumer) fills the queue, waits about a second
 * for it, then drops and counts instead of hanging.
 */
static void stuck_writer_drops_and_counts_instead_of_blocking_the_caller(void **state)
{
	char fifo[80], err[256] = "";
	struct tracefile_writer *w;
	uint64_t stalls, stall_ns, dropped;
	struct ns_event ev;
	pthread_t t;
	int rfd;
	double t0;

	snprintf(fifo, sizeof(fifo), "%s.fifo", path);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	rfd = open(fifo, O_RDONLY | O_NONBLOCK); /* so that the writer's open does not block */
	assert_true(rfd >= 0);
	w = tfw_open(fifo, NULL, NULL, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(tfw_set_codec(w, NS_TF_CODEC_NONE, 0), 0);
	assert_int_equal(tfw_set_chunk_events(w, 512), 0);
	t0 = now_s();
	/* 40 chunks of 90 KB into a 64 KB pipe and a queue of 32 */
	for (uint32_t i = 0; i < 40 * 512; i++) {
		fill_event(&ev, i);
		assert_int_equal(tfw_add_event(w, &ev), 0);
	}
	tfw_writer_stats(w, &stalls, &stall_ns, &dropped);
	assert_true(now_s() - t0 < 5);
	assert_int_equal(stalls, 1);
	assert_true(stall_ns >= 900000000ull);
	assert_true(dropped > 0 && dropped < 40 * 512);
	assert_int_equal(pthread_create(&t, NULL, drain_fifo, &rfd), 0);
	assert_int_equal(tfw_close(w, NULL), 0);
	pthread_join(t, NULL);
	close(rfd);
	unlink(fifo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(zstd_is_the_default_codec_and_round_trips, setup,
						teardown),
		cmocka_unit_test_setup_teardown(deflate_and_stored_chunks_still_round_trip, setup,
						teardown),
		cmocka_unit_test(codec_rejects_damaged_or_mislabelled_data),
		cmocka_unit_test(format_1_0_deflate_trace_is_still_read),
		cmocka_unit_test_setup_teardown(chunk_naming_two_codecs_is_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(
			stuck_writer_drops_and_counts_instead_of_blocking_the_caller, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
