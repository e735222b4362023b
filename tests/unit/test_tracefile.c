// SPDX-License-Identifier: GPL-2.0
/* The trace file: round trips, cut-off files, damaged files, old and new formats. */
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
#include <sys/resource.h>
#include <sys/wait.h>
#include "trace/tracefile.h"
#include "trace/tracefile_format.h"

static char path[64];

static int setup(void **state)
{
	int fd;

	strcpy(path, "/tmp/test_tracefile.XXXXXX");
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

/* deterministic, different in every field */
static void fill_event(struct ns_event *ev, uint32_t i)
{
	uint8_t *p = (uint8_t *)ev;
	uint32_t x = i * 2654435761u + 1;

	for (size_t b = 0; b < sizeof(*ev); b++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[b] = x;
	}
	ev->type = i % NS_EV__COUNT;
	ev->packet_id = i;
}

static uint8_t *slurp(const char *p, size_t *len)
{
	FILE *f = fopen(p, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n ? n : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, n, f), (size_t)n);
	fclose(f);
	*len = n;
	return buf;
}

static void spit(const char *p, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(p, "wb");

	assert_non_null(f);
	if (len)
		assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

/* write n events in chunks of chunk_events; close (with END) or only flush */
static void write_trace(size_t n, size_t chunk_events, bool close_it)
{
	char err[256] = "";
	struct tracefile_writer *w = tfw_open(path, NULL, NULL, err, sizeof(err));
	struct ns_capture_stats stats = { .stack_err = 7 };
	struct ns_event ev;

	assert_non_null(w);
	assert_int_equal(tfw_set_chunk_events(w, chunk_events), 0);
	for (size_t i = 0; i < n; i++) {
		fill_event(&ev, i);
		assert_int_equal(tfw_add_event(w, &ev), 0);
	}
	if (close_it) {
		assert_int_equal(tfw_close(w, &stats), 0);
	} else {
		/* what a crash leaves: the flushed chunks, no stats, no END */
		size_t len;
		uint8_t *buf;

		assert_int_equal(tfw_flush(w, NULL), 0);
		buf = slurp(path, &len);
		assert_int_equal(tfw_close(w, &stats), 0);
		spit(path, buf, len);
		free(buf);
	}
}

/* events read until the end or an error; *rc gets the last return */
static size_t read_all(const char *p, int *rc, bool *truncated, uint64_t *trunc_off)
{
	char err[512] = "";
	struct tracefile_reader *r = tfr_open(p, err, sizeof(err));
	struct ns_event ev;
	size_t n = 0;
	int ret;

	if (!r) {
		*rc = -errno;
		return 0;
	}
	while ((ret = tfr_next(r, &ev)) == 1) {
		struct ns_event want;

		fill_event(&want, n);
		assert_memory_equal(&ev, &want, sizeof(ev));
		n++;
	}
	*rc = ret;
	*truncated = tfr_truncated(r, trunc_off);
	tfr_close(r);
	return n;
}

struct chunk_pos {
	size_t off;
	uint32_t type, count, stored_len;
};

/* walk the chunks of a well-formed file */
static size_t list_chunks(const uint8_t *buf, size_t len, struct chunk_pos *out, size_t max)
{
	size_t off = NS_TF_FILE_HDR_SIZE, n = 0;

	while (off + NS_TF_CHUNK_HDR_SIZE <= len && n < max) {
		struct ns_tf_chunk_hdr h;

		assert_true(ns_tf_chunk_hdr_decode(buf + off, &h));
		out[n++] = (struct chunk_pos){ off, h.type, h.count, h.stored_len };
		off += NS_TF_CHUNK_HDR_SIZE + h.stored_len;
	}
	return n;
}

static void roundtrip_keeps_every_event_field(void **state)
{
	struct ns_event ev, want;
	char err[256];
	struct tracefile_reader *r;
	size_t n = 10000;

	write_trace(n, NS_TF_DEFAULT_CHUNK_EVENTS, true);
	r = tfr_open(path, err, sizeof(err));
	assert_non_null(r);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(tfr_next(r, &ev), 1);
		fill_event(&want, i);
		assert_memory_equal(&ev, &want, sizeof(ev));
	}
	assert_int_equal(tfr_next(r, &ev), 0);
	assert_false(tfr_truncated(r, NULL));
	assert_null(tfr_error(r));
	tfr_close(r);
}

static void roundtrip_keeps_meta_names_symbols_stacks_stats(void **state)
{
	struct ns_meta meta = { 0 };
	struct ns_names names = { 0 };
	struct ksyms *ks = ksyms__new();
	struct ns_capture_stats stats = { 0 }, got;
	uint64_t ips[3] = { 0xffffffff81000010, 0xffffffffc0001004, 0xffffffff81000120 };
	char err[256], buf[128];
	struct tracefile_writer *w;
	struct tracefile_reader *r;
	struct ns_event ev;
	const uint64_t *frames;
	size_t nframes;

	assert_int_equal(ns_meta_set(&meta, "kernel.release", "6.18.0-test"), 0);
	assert_int_equal(ns_meta_set(&meta, "hostname", "lab"), 0);
	assert_int_equal(ns_meta_set(&meta, "clock.mono_to_realtime_ns", "1700000000123456789"), 0);
	assert_int_equal(ns_names_add(&names, NS_NAMES_DROP_REASON, 2, "NO_SOCKET"), 0);
	assert_int_equal(ns_names_add(&names, NS_NAMES_DROP_REASON, 0x30001, "OVS_DROP_LAST_ACTION"), 0);
	assert_int_equal(ns_names_add(&names, NS_NAMES_TCP_STATE, 1, "TCP_ESTABLISHED"), 0);
	assert_int_equal(ns_names_add(&names, NS_NAMES_RST_REASON, 0, "NOT_SPECIFIED"), 0);
	assert_int_equal(ns_names_add(&names, NS_NAMES_SOFTIRQ, 3, "NET_RX"), 0);
	assert_int_equal(ksyms__add(ks, 0xffffffff81000000, "tcp_v4_rcv", NULL), 0);
	assert_int_equal(ksyms__add(ks, 0xffffffff81000100, "ip_rcv", NULL), 0);
	assert_int_equal(ksyms__add(ks, 0xffffffff81000180, "unused_fn", NULL), 0);
	assert_int_equal(ksyms__add(ks, 0xffffffffc0001000, "nft_do_chain", "nf_tables"), 0);
	ksyms__sort(ks);
	for (int i = 0; i < NS_EV__COUNT; i++) {
		stats.produced[i] = 1000 + i;
		stats.lost[i] = i;
		stats.captured[i] = 1000;
	}
	stats.stack_err = 3;
	stats.stack_taken = 42;
	stats.ids_evicted = 5;

	w = tfw_open(path, &meta, &names, err, sizeof(err));
	assert_non_null(w);
	assert_false(tfw_has_stack(w, 17));
	assert_int_equal(tfw_add_stack(w, 17, ips, 3, ks), 0);
	assert_true(tfw_has_stack(w, 17));
	fill_event(&ev, 0);
	ev.stack_id = 17;
	assert_int_equal(tfw_add_event(w, &ev), 0);
	assert_int_equal(tfw_close(w, &stats), 0);

	r = tfr_open(path, err, sizeof(err));
	assert_non_null(r);
	assert_string_equal(ns_meta_get(tfr_meta(r), "kernel.release"), "6.18.0-test");
	assert_string_equal(ns_meta_get(tfr_meta(r), "hostname"), "lab");
	assert_string_equal(ns_meta_get(tfr_meta(r), "clock.mono_to_realtime_ns"),
			    "1700000000123456789");
	assert_string_equal(ns_names_lookup(tfr_names(r), NS_NAMES_DROP_REASON, 2), "NO_SOCKET");
	assert_string_equal(ns_names_lookup(tfr_names(r), NS_NAMES_DROP_REASON, 0x30001),
			    "OVS_DROP_LAST_ACTION");
	assert_string_equal(ns_names_lookup(tfr_names(r), NS_NAMES_TCP_STATE, 1), "TCP_ESTABLISHED");
	assert_string_equal(ns_names_lookup(tfr_names(r), NS_NAMES_RST_REASON, 0), "NOT_SPECIFIED");
	assert_string_equal(ns_names_lookup(tfr_names(r), NS_NAMES_SOFTIRQ, 3), "NET_RX");
	/* only the symbols the stack uses are in the file */
	assert_int_equal(tfr_ksyms(r)->n, 3);
	assert_null(ksyms__find(tfr_ksyms(r), "unused_fn"));
	assert_string_equal(ksyms__fmt(tfr_ksyms(r), ips[0], buf, sizeof(buf)), "tcp_v4_rcv+0x10");
	assert_string_equal(ksyms__fmt(tfr_ksyms(r), ips[1], buf, sizeof(buf)),
			    "nft_do_chain+0x4 [nf_tables]");
	frames = tfr_stack(r, 17, &nframes);
	assert_non_null(frames);
	assert_int_equal(nframes, 3);
	assert_memory_equal(frames, ips, sizeof(ips));
	assert_null(tfr_stack(r, 18, &nframes));
	assert_int_equal(tfr_next(r, &ev), 1);
	assert_int_equal(ev.stack_id, 17);
	assert_int_equal(tfr_next(r, &ev), 0);
	assert_true(tfr_stats(r, &got));
	assert_memory_equal(&got, &stats, sizeof(got));
	tfr_close(r);
	ns_meta_free(&meta);
	ns_names_free(&names);
	ksyms__free(ks);
}

static void location_symbols_precede_their_events(void **state)
{
	struct ksyms *ks = ksyms__new();
	char err[256], buf[128];
	struct tracefile_writer *w;
	struct tracefile_reader *r;
	struct ns_event ev;

	assert_int_equal(ksyms__add(ks, 0xffffffff81000000, "tcp_v4_do_rcv", NULL), 0);
	ksyms__sort(ks);
	w = tfw_open(path, NULL, NULL, err, sizeof(err));
	assert_non_null(w);
	fill_event(&ev, 0);
	ev.location = 0xffffffff81000042;
	assert_int_equal(tfw_add_symbol(w, ev.location, ks), 0);
	assert_int_equal(tfw_add_event(w, &ev), 0);
	assert_int_equal(tfw_close(w, NULL), 0);
	r = tfr_open(path, err, sizeof(err));
	assert_non_null(r);
	/* tfr_open stops at the first events chunk: its symbols are known */
	assert_string_equal(ksyms__fmt(tfr_ksyms(r), ev.location, buf, sizeof(buf)),
			    "tcp_v4_do_rcv+0x42");
	tfr_close(r);
	ksyms__free(ks);
}

static void file_cut_at_every_byte_of_last_chunk_reads_complete_chunks(void **state)
{
	struct chunk_pos c[64];
	size_t len, nc, last_events = 0, events_before = 0, total = 250;
	uint8_t *full;
	char cut[80];

	write_trace(total, 100, true);
	full = slurp(path, &len);
	nc = list_chunks(full, len, c, 64);
	for (size_t i = 0; i < nc; i++)
		if (c[i].type == NS_TF_CHUNK_EVENTS)
			last_events = i;
	for (size_t i = 0; i < last_events; i++)
		if (c[i].type == NS_TF_CHUNK_EVENTS)
			events_before += c[i].count;
	assert_int_equal(events_before, 200);
	assert_int_equal(c[last_events].count, 50);
	snprintf(cut, sizeof(cut), "%s.cut", path);
	/* every cut from the start of the last events chunk to one byte short of the end */
	for (size_t at = c[last_events].off; at < len; at++) {
		uint64_t off = 0;
		bool truncated = false;
		int rc;
		size_t n;

		spit(cut, full, at);
		n = read_all(cut, &rc, &truncated, &off);
		assert_int_equal(rc, 0);
		assert_true(truncated);
		if (at < c[last_events].off + NS_TF_CHUNK_HDR_SIZE + c[last_events].stored_len) {
			assert_int_equal(n, events_before);
			assert_int_equal(off, c[last_events].off);
		} else {
			assert_int_equal(n, total);
		}
	}
	unlink(cut);
	free(full);
}

static void crash_before_close_keeps_flushed_events(void **state)
{
	uint64_t off;
	bool truncated;
	size_t len;
	uint8_t *buf;
	int rc;

	write_trace(1000, 300, false);
	buf = slurp(path, &len);
	assert_int_equal(read_all(path, &rc, &truncated, &off), 1000);
	assert_int_equal(rc, 0);
	assert_true(truncated);
	assert_int_equal(off, len);
	/* the same, with zeroed blocks after the last write (a crash on ext4) */
	buf = realloc(buf, len + 4096);
	memset(buf + len, 0, 4096);
	spit(path, buf, len + 4096);
	assert_int_equal(read_all(path, &rc, &truncated, &off), 1000);
	assert_int_equal(rc, 0);
	assert_true(truncated);
	assert_int_equal(off, len);
	free(buf);
}

static void bad_crc_in_last_chunk_reads_as_truncated(void **state)
{
	struct chunk_pos c[64];
	size_t len, nc;
	uint8_t *buf;
	uint64_t off;
	bool truncated;
	int rc;

	/* no END: the last chunk in the file is an events chunk */
	write_trace(250, 100, false);
	buf = slurp(path, &len);
	nc = list_chunks(buf, len, c, 64);
	assert_int_equal(c[nc - 1].type, NS_TF_CHUNK_EVENTS);
	buf[len - 1] ^= 0xff; /* a torn last write */
	spit(path, buf, len);
	assert_int_equal(read_all(path, &rc, &truncated, &off), 200);
	assert_int_equal(rc, 0);
	assert_true(truncated);
	assert_int_equal(off, c[nc - 1].off);
	free(buf);
}

static void corrupt_crc_in_middle_is_reported_with_offset(void **state)
{
	struct chunk_pos c[64];
	char err[512], want[256];
	struct tracefile_reader *r;
	struct ns_event ev;
	size_t len, nc, mid = 0, seen_events = 0, n = 0;
	uint8_t *buf;
	int rc;

	write_trace(500, 100, true);
	buf = slurp(path, &len);
	nc = list_chunks(buf, len, c, 64);
	/* the third events chunk */
	for (size_t i = 0; i < nc; i++)
		if (c[i].type == NS_TF_CHUNK_EVENTS && ++seen_events == 3)
			mid = i;
	assert_true(mid > 0 && mid + 1 < nc);
	buf[c[mid].off + NS_TF_CHUNK_HDR_SIZE + 5] ^= 0x01;
	spit(path, buf, len);

	r = tfr_open(path, err, sizeof(err));
	assert_non_null(r);
	while ((rc = tfr_next(r, &ev)) == 1)
		n++;
	assert_int_equal(n, 200); /* the two chunks before the damage */
	assert_int_equal(rc, -EBADMSG);
	snprintf(want, sizeof(want), "'%s': corrupt chunk at offset %zu (crc mismatch)", path,
		 c[mid].off);
	assert_string_equal(tfr_error(r), want);
	/* and it stays an error */
	assert_int_equal(tfr_next(r, &ev), -EBADMSG);
	assert_false(tfr_truncated(r, NULL));
	tfr_close(r);
	free(buf);
}

static void newer_major_version_is_refused(void **state)
{
	char err[512] = "";
	size_t len;
	uint8_t *buf;

	write_trace(10, 100, true);
	buf = slurp(path, &len);
	ns_tf_put_le16(buf + 8, 2);
	ns_tf_put_le16(buf + 10, 0);
	spit(path, buf, len);
	assert_null(tfr_open(path, err, sizeof(err)));
	assert_non_null(strstr(err, "trace format 2.0 is newer than this netscope (1.x)"));
	free(buf);
}

static void newer_minor_version_is_read(void **state)
{
	size_t len;
	uint8_t *buf;
	uint64_t off;
	bool truncated;
	int rc;

	write_trace(10, 100, true);
	buf = slurp(path, &len);
	ns_tf_put_le16(buf + 10, NS_TRACE_VERSION_MINOR + 7);
	spit(path, buf, len);
	assert_int_equal(read_all(path, &rc, &truncated, &off), 10);
	assert_int_equal(rc, 0);
	assert_false(truncated);
	free(buf);
}

static void not_a_trace_is_refused(void **state)
{
	static const char text[] = "#!/bin/sh\necho this is not a trace, but it is long enough\n";
	char err[512] = "", want[256];

	spit(path, (const uint8_t *)text, sizeof(text));
	assert_null(tfr_open(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "'%s' is not a netscope trace (bad magic)", path);
	assert_string_equal(err, want);

	spit(path, (const uint8_t *)"", 0);
	assert_null(tfr_open(path, err, sizeof(err)));
	assert_string_equal(err, want);

	assert_null(tfr_open("/nonexistent/x.nstrace", err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err, "cannot open '/nonexistent/x.nstrace': No such file or directory");
}

/* Append a chunk with the given header fields (valid header crc) to a file. */
static void append_chunk(FILE *f, uint32_t type, uint32_t flags, uint32_t stored, uint32_t raw,
			 uint32_t count, const void *payload, size_t payload_len)
{
	struct ns_tf_chunk_hdr h = { .type = type, .flags = flags, .stored_len = stored,
				     .raw_len = raw, .count = count };
	uint8_t hb[NS_TF_CHUNK_HDR_SIZE];

	h.payload_crc = ns_tf_crc32(payload, payload_len);
	ns_tf_chunk_hdr_encode(&h, hb);
	fwrite(hb, 1, sizeof(hb), f);
	if (payload_len)
		fwrite(payload, 1, payload_len, f);
}

static void write_file_header(FILE *f, uint32_t event_size)
{
	uint8_t h[NS_TF_FILE_HDR_SIZE] = { 0 };
	uint32_t bom = NS_TF_BYTE_ORDER_MARK;

	memcpy(h, NS_TF_MAGIC, 8);
	ns_tf_put_le16(h + 8, NS_TRACE_VERSION_MAJOR);
	ns_tf_put_le16(h + 10, NS_TRACE_VERSION_MINOR);
	memcpy(h + 12, &bom, 4);
	ns_tf_put_le32(h + 16, event_size);
	ns_tf_put_le32(h + 20, NS_TF_FILE_HDR_SIZE);
	fwrite(h, 1, sizeof(h), f);
}

/*
 * Lengths near 4 GiB with a valid header crc, then more data so it is not
 * taken for a cut-off.  Run in a child with a 256 MiB address-space limit:
 * an allocation of the claimed size would fail there and change the error.
 */
static void huge_length_field_does_not_allocate(void **state)
{
	static const uint8_t junk[4096] = { 1 };
	struct { uint32_t stored, raw, flags; } cases[] = {
		{ 0xfffffff0u, 0xfffffff0u, 0 },
		{ 16, 0xfffffff0u, NS_TF_CHUNK_DEFLATE },	/* zip bomb claim */
		{ 16, 60u << 20, NS_TF_CHUNK_DEFLATE },		/* under the limit, > 1032:1 */
		{ 16, 60u << 20, NS_TF_CHUNK_ZSTD },		/* > 32768:1, zstd's best */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FILE *f = fopen(path, "wb");
		pid_t pid;
		int status;

		assert_non_null(f);
		write_file_header(f, sizeof(struct ns_event));
		append_chunk(f, NS_TF_CHUNK_META, 0, 0, 0, 0, NULL, 0);
		append_chunk(f, 99 /* unknown: skipped */, cases[i].flags, cases[i].stored,
			     cases[i].raw, 0xffffffffu, junk, 16);
		fwrite(junk, 1, sizeof(junk), f);
		fclose(f);

		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct rlimit rl = { 256u << 20, 256u << 20 };
			char err[512] = "";
			struct tracefile_reader *r;
			struct ns_event ev;
			int rc = 0;

			setrlimit(RLIMIT_AS, &rl);
			r = tfr_open(path, err, sizeof(err));
			if (r) {
				while ((rc = tfr_next(r, &ev)) == 1)
					;
				snprintf(err, sizeof(err), "%s", tfr_error(r) ? tfr_error(r) : "");
			}
			/* exit 0 only for the length complaint at the second chunk */
			_exit(strstr(err, "corrupt chunk at offset 64 (length exceeds limit)") ? 0 : 1);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
}

/* An events chunk of `count` records of `size` bytes each, byte b of record i = i + b. */
static void write_sized_events(uint32_t size, uint32_t count)
{
	FILE *f = fopen(path, "wb");
	uint8_t *rec = malloc((size_t)size * count);

	assert_non_null(f);
	assert_non_null(rec);
	for (uint32_t i = 0; i < count; i++)
		for (uint32_t b = 0; b < size; b++)
			rec[(size_t)i * size + b] = (uint8_t)(i + b);
	write_file_header(f, size);
	append_chunk(f, NS_TF_CHUNK_EVENTS, 0, size * count, size * count, count, rec,
		     (size_t)size * count);
	append_chunk(f, NS_TF_CHUNK_END, 0, 0, 0, 0, NULL, 0);
	fclose(f);
	free(rec);
}

static void event_size_of_other_versions_is_cut_or_zero_filled(void **state)
{
	uint32_t sizes[] = { sizeof(struct ns_event) - 24, sizeof(struct ns_event) + 40 };

	for (size_t s = 0; s < 2; s++) {
		char err[256];
		struct tracefile_reader *r;
		struct ns_event ev;
		size_t copied = sizes[s] < sizeof(ev) ? sizes[s] : sizeof(ev);

		write_sized_events(sizes[s], 3);
		r = tfr_open(path, err, sizeof(err));
		assert_non_null(r);
		for (uint32_t i = 0; i < 3; i++) {
			const uint8_t *p = (const uint8_t *)&ev;

			assert_int_equal(tfr_next(r, &ev), 1);
			for (size_t b = 0; b < sizeof(ev); b++)
				assert_int_equal(p[b], b < copied ? (uint8_t)(i + b) : 0);
		}
		assert_int_equal(tfr_next(r, &ev), 0);
		tfr_close(r);
	}
}

/*
 * Flip random bytes: the reader must not crash or hang, and what it gives
 * is never wrong.  Every damaged file is refused with a message, or read
 * as exactly the events written, in order, up to where the damage is
 * reported (a corrupt chunk, a truncated tail); all of them, read to the
 * end with nothing reported, only when the flips hit nothing that matters.
 */
static void random_damage_is_reported_or_reads_the_undamaged_prefix(void **state)
{
	const size_t written = 300;
	size_t len;
	uint8_t *orig, *buf;
	uint32_t x = 12345;
	int reported = 0;

	write_trace(written, 64, true);
	orig = slurp(path, &len);
	buf = malloc(len);
	assert_non_null(buf);
	for (int iter = 0; iter < 400; iter++) {
		uint64_t off;
		char err[512] = "";
		struct tracefile_reader *r;
		struct ns_event ev, want;
		int flips = 1 + iter % 4, rc = 0;
		size_t n = 0;
		bool truncated;

		memcpy(buf, orig, len);
		for (int k = 0; k < flips; k++) {
			x = x * 1103515245u + 12345u;
			/* mostly in headers, where lengths live */
			size_t at = (iter & 1) ? (x >> 8) % len : (x >> 8) % 256;

			buf[at] ^= (uint8_t)(1u << ((x >> 4) & 7));
		}
		spit(path, buf, len);
		r = tfr_open(path, err, sizeof(err));
		if (!r) {
			if (!err[0])
				fail_msg("damaged file %d is refused with no message", iter);
			reported++;
			continue;
		}
		while (n < 100000 && (rc = tfr_next(r, &ev)) == 1) {
			fill_event(&want, n);
			if (n >= written || memcmp(&ev, &want, sizeof(ev)))
				fail_msg("damaged file %d: event %zu is not the one written", iter, n);
			n++;
		}
		truncated = tfr_truncated(r, &off);
		if (rc < 0 && !tfr_error(r))
			fail_msg("damaged file %d: read error %d with no message", iter, rc);
		if (rc == 0 && !truncated && n != written)
			fail_msg("damaged file %d: %zu of %zu events, and no damage reported", iter, n,
				 written);
		reported += rc < 0 || truncated;
		tfr_close(r);
	}
	/* the flips were damage the reader saw, not only bytes nobody reads */
	assert_true(reported > 200);
	free(buf);
	free(orig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(roundtrip_keeps_every_event_field, setup, teardown),
		cmocka_unit_test_setup_teardown(roundtrip_keeps_meta_names_symbols_stacks_stats, setup,
						teardown),
		cmocka_unit_test_setup_teardown(location_symbols_precede_their_events, setup, teardown),
		cmocka_unit_test_setup_teardown(file_cut_at_every_byte_of_last_chunk_reads_complete_chunks,
						setup, teardown),
		cmocka_unit_test_setup_teardown(crash_before_close_keeps_flushed_events, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_crc_in_last_chunk_reads_as_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(corrupt_crc_in_middle_is_reported_with_offset, setup,
						teardown),
		cmocka_unit_test_setup_teardown(newer_major_version_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(newer_minor_version_is_read, setup, teardown),
		cmocka_unit_test_setup_teardown(not_a_trace_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(huge_length_field_does_not_allocate, setup, teardown),
		cmocka_unit_test_setup_teardown(event_size_of_other_versions_is_cut_or_zero_filled, setup,
						teardown),
		cmocka_unit_test_setup_teardown(random_damage_is_reported_or_reads_the_undamaged_prefix, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
