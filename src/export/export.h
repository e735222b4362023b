/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exporters: a netscope trace written in a format another viewer opens
 * (CTF for babeltrace2/TraceCompass, Perfetto, pcapng for Wireshark,
 * folded stacks, ...).  An exporter is a renderer: it reads the decoded
 * event stream (trace/tracefile.h reader: events, stacks, symbols, names,
 * metadata) and analysis results, never BPF or the file's chunks.
 *
 * `netscope export` (cmd/export.c) owns everything around the format: the
 * input, refusing to overwrite without --force, writing to a temporary
 * path renamed into place on success (so a failure leaves nothing behind),
 * and saying where a truncated trace stopped.  An exporter only writes.
 */
#ifndef NS_EXPORT_H
#define NS_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include "trace/tracefile.h"

struct export_src {
	const char *path;		/* the trace file */
	struct tracefile_reader *tr;	/* open, positioned at its first event */
	uint64_t events;		/* events read by export_next() so far */
	bool truncated;			/* set at the end: the file stops mid-write */
	uint64_t truncated_at;		/* offset of the first missing byte */
	int err;			/* negative errno of a corrupt chunk, else 0 */
	bool want_payloads;		/* export_want_payloads() was called */
};

/*
 * Next event of the trace: 1, or 0 at the end of what can be read (the
 * end, a truncated tail, or a corrupt chunk: src->truncated / src->err say
 * which, and the command reports it).  Exporters loop on this, not on
 * tfr_next(), so every format stops the same way.
 */
int export_next(struct export_src *src, struct ns_event *ev);
/*
 * Packet bytes (`record --snaplen N`): ask before the first export_next(),
 * then after each export_next() take the records that came with it until
 * export_next_payload() says 0 (1: *p filled, its data valid until the
 * next export_next()).  A payload comes after the first event of its
 * packet, at the latest once export_next() has said 0.
 */
void export_want_payloads(struct export_src *src);
int export_next_payload(struct export_src *src, struct ns_payload_rec *p);
/*
 * Back to the first event (a fresh reader of the same file), for formats
 * that need two passes.  0, or 1 after a message.
 */
int export_rewind(struct export_src *src);

struct export_opts {
	bool force;		/* --force: replace an existing output */
};

struct exporter {
	const char *name;	/* --to NAME */
	bool to_dir;		/* the output is a directory (CTF), else a file */
	const char *what;	/* one line for --help */
	/*
	 * Write src to out, a path that does not exist yet (a temporary name
	 * beside the final one: create it, as a file or a directory).  0, or
	 * 1 after a message; on failure the command removes out.
	 */
	int (*run)(struct export_src *src, const char *out, const struct export_opts *o);
};

/* The formats, in --help order; NULL-terminated by name. */
extern const struct exporter ns_exporters[];
const struct exporter *exporter_find(const char *name);

/* one function per format (src/export/<format>.c) */
int export_ctf(struct export_src *src, const char *out, const struct export_opts *o);
int export_pcapng(struct export_src *src, const char *out, const struct export_opts *o);
int export_perfetto(struct export_src *src, const char *out, const struct export_opts *o);
int export_chrome_json(struct export_src *src, const char *out, const struct export_opts *o);
int export_folded(struct export_src *src, const char *out, const struct export_opts *o);
int export_speedscope(struct export_src *src, const char *out, const struct export_opts *o);
int export_jsonl(struct export_src *src, const char *out, const struct export_opts *o);

#endif
