/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netscope trace file: self-contained, versioned, written as a stream of
 * chunks so that a file cut off mid-write stays readable up to its last
 * complete chunk.  Format: docs/TRACE_FORMAT.md.
 */
#ifndef NS_TRACEFILE_H
#define NS_TRACEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bpf/netscope.h"
#include "trace/ksyms.h"
#include "trace/model.h"
#include "trace/names.h"

#define NS_TRACE_VERSION_MAJOR 1
#define NS_TRACE_VERSION_MINOR 2 /* 1.1: zstd EVENTS chunks, STATS writer fields;
				  * 1.2: PAYLOADS chunks (--snaplen), their STATS */

struct tracefile_writer;

/* how EVENTS chunks are compressed (docs/TRACE_FORMAT.md, chunk flags) */
enum ns_tf_codec {
	NS_TF_CODEC_NONE = 0,
	NS_TF_CODEC_DEFLATE,	/* zlib stream, RFC 1950: format 1.0 */
	NS_TF_CODEC_ZSTD,	/* one zstd frame, RFC 8878: since 1.1, the default (level 1) */
};

/*
 * Create path and write the header, metadata and name tables.  Returns NULL
 * with errno set; err gets a message naming the problem.
 */
struct tracefile_writer *tfw_open(const char *path, const struct ns_meta *meta,
				  const struct ns_names *names, char *err, size_t errlen);
/*
 * Buffered; a full chunk is queued for the writer thread, which compresses
 * and writes it.  When the writer has fallen so far behind that no buffer
 * frees within a second, the event is dropped and counted
 * (tfw_writer_stats()): the caller, a ring consumer, never hangs on a disk.
 * A write error is returned by the next call (sticky).
 */
int tfw_add_event(struct tracefile_writer *w, const struct ns_event *ev);
/*
 * A packet's bytes (record --snaplen), added after an event of its packet:
 * buffered apart and written as a PAYLOADS chunk behind the events chunk
 * that holds those events.  -EINVAL for a record no reader would accept.
 */
int tfw_add_payload(struct tracefile_writer *w, const struct ns_payload_rec *p);
/*
 * Record stack `id` (frames, innermost first) before any event that names it
 * is flushed; frames are symbolized with ks and the symbols written once.
 */
int tfw_add_stack(struct tracefile_writer *w, int32_t id, const uint64_t *ips, size_t n,
		  const struct ksyms *ks);
bool tfw_has_stack(const struct tracefile_writer *w, int32_t id);
/*
 * Record the symbol containing addr (an event's location: the kfree_skb
 * caller, ...) so reports from the file can name it; written once, before
 * the next events chunk.  No-op when ks has no symbol there.
 */
int tfw_add_symbol(struct tracefile_writer *w, uint64_t addr, const struct ksyms *ks);
/* Events per EVENTS chunk (default 4096); flushes what is buffered first. */
int tfw_set_chunk_events(struct tracefile_writer *w, size_t n);
/* zlib level for EVENTS chunks, 0..9: switches the codec to deflate (format 1.0's). */
int tfw_set_level(struct tracefile_writer *w, int level);
/* codec and level for the EVENTS chunks from now on (default zstd level 1) */
int tfw_set_codec(struct tracefile_writer *w, enum ns_tf_codec codec, int level);
/*
 * How the writer thread kept up: times the caller waited for a free chunk
 * buffer, nanoseconds it waited, events dropped because none freed in time.
 */
void tfw_writer_stats(const struct tracefile_writer *w, uint64_t *stalls, uint64_t *stall_ns,
		      uint64_t *dropped);
/* Events added so far, and bytes of event records before/after deflate. */
void tfw_sizes(const struct tracefile_writer *w, uint64_t *events, uint64_t *raw_bytes,
	       uint64_t *stored_bytes);
/* Message of the first write error ("cannot write 'x': ..."), NULL if none. */
const char *tfw_error(const struct tracefile_writer *w);
/*
 * Queue the buffered events and a stats chunk (stats may be NULL) and
 * return without waiting for the writer: what a capture calls now and then
 * so that a file cut off by a crash still says how much was lost.
 */
int tfw_checkpoint(struct tracefile_writer *w, const struct ns_capture_stats *stats);
/* The same, then wait until all of it is in the file (fflush()ed). */
int tfw_flush(struct tracefile_writer *w, const struct ns_capture_stats *stats);
/*
 * Metadata known only at the end (the counters after the workload): the
 * entries of meta from index from on, in one more META chunk.  A reader
 * adds them to the metadata it has when it reaches them.  0 or -errno.
 */
int tfw_add_meta(struct tracefile_writer *w, const struct ns_meta *meta, size_t from);
/*
 * Flush, write the final stats and an end chunk, close, free w.  Returns 0
 * or -errno; the error is printed with ns_err() since w is gone afterwards.
 */
int tfw_close(struct tracefile_writer *w, const struct ns_capture_stats *stats);

struct tracefile_reader;

/* NULL on error with a message (naming the offset for corrupt files) in err. */
struct tracefile_reader *tfr_open(const char *path, char *err, size_t errlen);
/*
 * Next event: 1 and *ev filled, 0 at the end, negative errno on a corrupt
 * chunk (message in tfr_error()).  A truncated tail ends the stream with 0
 * and tfr_truncated() true.
 */
int tfr_next(struct tracefile_reader *r, struct ns_event *ev);
const struct ns_meta *tfr_meta(const struct tracefile_reader *r);
const struct ns_names *tfr_names(const struct tracefile_reader *r);
const struct ksyms *tfr_ksyms(const struct tracefile_reader *r);
/*
 * Packet bytes (PAYLOADS chunks, format 1.2): skipped unread unless asked
 * for, before the first tfr_next().  Then each chunk is checked whole when
 * it is reached (a malformed one is a corrupt chunk, as for events), and
 * tfr_next_payload() hands out its records: 1 and *p, or 0 when none is
 * waiting.  A chunk follows the events chunk of its packets, so the
 * payloads of a packet come out at the latest with the first event of the
 * next chunk, or at the end.  p->data stays valid until the next tfr_next().
 */
void tfr_want_payloads(struct tracefile_reader *r);
int tfr_next_payload(struct tracefile_reader *r, struct ns_payload_rec *p);
/* frames of stack id, NULL if the file has none by that id */
const uint64_t *tfr_stack(const struct tracefile_reader *r, int32_t id, size_t *n);
/* last stats chunk read so far; false if none */
bool tfr_stats(const struct tracefile_reader *r, struct ns_capture_stats *stats);
/* true if the file ended without its end chunk; offset of the first bad/missing byte */
bool tfr_truncated(const struct tracefile_reader *r, uint64_t *offset);
const char *tfr_error(const struct tracefile_reader *r);
/* format version and sizeof(struct ns_event) of the writer */
void tfr_version(const struct tracefile_reader *r, unsigned int *major, unsigned int *minor,
		 size_t *event_size);
void tfr_close(struct tracefile_reader *r);

#endif
