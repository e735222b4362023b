/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A streaming JSON writer.  Hand-written rather than json-c/jansson because
 * netscope streams millions of event lines and never needs a document tree;
 * bpftool's json_writer makes the same choice.  Commas and nesting are
 * tracked here so callers only say what comes next.
 */
#ifndef NS_JSON_H
#define NS_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json_writer;

struct json_writer *json_new(FILE *out);
void json_free(struct json_writer *w);

void json_obj_begin(struct json_writer *w);
void json_obj_end(struct json_writer *w);
void json_arr_begin(struct json_writer *w);
void json_arr_end(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);

void json_str(struct json_writer *w, const char *s);
void json_u64(struct json_writer *w, uint64_t v);
void json_i64(struct json_writer *w, int64_t v);
void json_double(struct json_writer *w, double v);
/* v / 1000 with exactly three decimals ("1234.567"): nanoseconds as the
 * microseconds of Chrome's trace format, with none of a double's rounding */
void json_u64_thousandths(struct json_writer *w, uint64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

static inline void json_kv_str(struct json_writer *w, const char *k, const char *v)
{ json_key(w, k); json_str(w, v); }
static inline void json_kv_u64(struct json_writer *w, const char *k, uint64_t v)
{ json_key(w, k); json_u64(w, v); }
static inline void json_kv_i64(struct json_writer *w, const char *k, int64_t v)
{ json_key(w, k); json_i64(w, v); }
static inline void json_kv_double(struct json_writer *w, const char *k, double v)
{ json_key(w, k); json_double(w, v); }
static inline void json_kv_bool(struct json_writer *w, const char *k, bool v)
{ json_key(w, k); json_bool(w, v); }

#endif
