// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include "common/json.h"

#define JSON_MAX_DEPTH 256	/* call trees nest two levels per frame, 64 frames deep */

struct json_writer {
	FILE *out;
	int depth;
	/* per level: has an element been written yet (so a comma is due) */
	bool nonempty[JSON_MAX_DEPTH];
	bool after_key;
};

struct json_writer *json_new(FILE *out)
{
	struct json_writer *w = calloc(1, sizeof(*w));

	if (w)
		w->out = out;
	return w;
}

void json_free(struct json_writer *w)
{
	free(w);
}

/* Called before every value or key: writes the separating comma. */
static void sep(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0 && w->nonempty[w->depth])
		fputc(',', w->out);
	if (w->depth > 0)
		w->nonempty[w->depth] = true;
}

static void open(struct json_writer *w, char c)
{
	sep(w);
	fputc(c, w->out);
	if (w->depth < JSON_MAX_DEPTH - 1)
		w->depth++;
	w->nonempty[w->depth] = false;
}

static void close_(struct json_writer *w, char c)
{
	fputc(c, w->out);
	if (w->depth > 0)
		w->depth--;
}

void json_obj_begin(struct json_writer *w) { open(w, '{'); }
void json_obj_end(struct json_writer *w) { close_(w, '}'); }
void json_arr_begin(struct json_writer *w) { open(w, '['); }
void json_arr_end(struct json_writer *w) { close_(w, ']'); }

static void put_escaped(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

void json_key(struct json_writer *w, const char *key)
{
	sep(w);
	put_escaped(w->out, key);
	fputc(':', w->out);
	w->after_key = true;
}

void json_str(struct json_writer *w, const char *s)
{
	sep(w);
	if (s)
		put_escaped(w->out, s);
	else
		fputs("null", w->out);
}

void json_u64(struct json_writer *w, uint64_t v)
{
	sep(w);
	fprintf(w->out, "%" PRIu64, v);
}

void json_i64(struct json_writer *w, int64_t v)
{
	sep(w);
	fprintf(w->out, "%" PRId64, v);
}

void json_double(struct json_writer *w, double v)
{
	sep(w);
	if (isfinite(v))
		fprintf(w->out, "%.6g", v);
	else
		fputs("null", w->out);
}

void json_u64_thousandths(struct json_writer *w, uint64_t v)
{
	sep(w);
	fprintf(w->out, "%" PRIu64 ".%03u", v / 1000, (unsigned)(v % 1000));
}

void json_bool(struct json_writer *w, bool v)
{
	sep(w);
	fputs(v ? "true" : "false", w->out);
}

void json_null(struct json_writer *w)
{
	sep(w);
	fputs("null", w->out);
}
