// SPDX-License-Identifier: GPL-2.0
/*
 * The seed concordance as text and JSON.
 *
 * JSON:
 *   { "experiment": "exp3", "kallsyms_read": bool, "btf_read": bool,
 *     "functions": [ { "experiment", "function",
 *         "btf": true|false|null, "kallsyms": true|false|null (null: could
 *         not be read), "clones": [ "skb_push.cold" ],
 *         "seen": { "event": N, "stack": N, "sample": N },
 *         "status": "seen"|"not seen"|"inlined"|"absent"|"unknown",
 *         "stand_in": null | { "function", "from": "rule"|"guess: ...",
 *                              "kallsyms": true|false|null,
 *                              "seen": { "event", "stack", "sample" } },
 *         "why": "..." } ] }
 */
#include <inttypes.h>
#include <string.h>
#include "common/json.h"
#include "render/concordance_out.h"

static const char *yes_no(int v)
{
	return v > 0 ? "yes" : v == 0 ? "no" : "?";
}

/* "event 12, stack 40" or "-" */
static const char *seen_text(const uint64_t seen[CONC_HOW__N], char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int h = 0; h < CONC_HOW__N; h++)
		if (seen[h] && used < len)
			used += snprintf(buf + used, len - used, "%s%s %" PRIu64, used ? ", " : "",
					 conc_how_name(h), seen[h]);
	return used ? buf : "-";
}

void concordance_out_text(const struct conc_result *r, FILE *out)
{
	char seen[96];

	fprintf(out, "Seed concordance: %s\n", r->experiment);
	if (!r->kallsyms_read)
		fputs("  !! /proc/kallsyms could not be read: presence is unknown ('?')\n", out);
	if (!r->btf_read)
		fputs("  !! no vmlinux BTF: the BTF column is unknown ('?')\n", out);
	fprintf(out, "\n  %-5s %-22s %-4s %-9s %-22s %-9s %s\n", "exp", "function", "BTF", "kallsyms", "seen",
		"status", "stand-in");
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct conc_row *row = &r->rows[i];

		fprintf(out, "  %-5s %-22s %-4s %-9s %-22s %-9s", row->experiment, row->function,
			yes_no(row->in_btf), yes_no(row->in_kallsyms), seen_text(row->seen, seen, sizeof(seen)),
			conc_status_name(row->status));
		if (row->stand_in)
			fprintf(out, " %s (%s; %s)", row->stand_in, conc_from_name(row->stand_in_from),
				row->stand_in_kallsyms == 0 ? "not in kallsyms"
				: row->stand_in_seen[0] || row->stand_in_seen[1] || row->stand_in_seen[2]
					? seen_text(row->stand_in_seen, seen, sizeof(seen))
					: "not seen either");
		fputc('\n', out);
		for (size_t c = 0; c < row->n_clones; c++)
			fprintf(out, "  %-5s   clone %s\n", "", row->clones[c]);
		fprintf(out, "  %-5s   why: %s\n", "", row->why);
	}
}

static void tri_json(struct json_writer *w, const char *key, int v)
{
	json_key(w, key);
	if (v < 0)
		json_null(w);
	else
		json_bool(w, v);
}

static void seen_json(struct json_writer *w, const uint64_t seen[CONC_HOW__N])
{
	json_key(w, "seen");
	json_obj_begin(w);
	for (int h = 0; h < CONC_HOW__N; h++)
		json_kv_u64(w, conc_how_name(h), seen[h]);
	json_obj_end(w);
}

void concordance_out_json(const struct conc_result *r, struct json_writer *w)
{
	json_obj_begin(w);
	json_kv_str(w, "experiment", r->experiment);
	json_kv_bool(w, "kallsyms_read", r->kallsyms_read);
	json_kv_bool(w, "btf_read", r->btf_read);
	json_key(w, "functions");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct conc_row *row = &r->rows[i];

		json_obj_begin(w);
		json_kv_str(w, "experiment", row->experiment);
		json_kv_str(w, "function", row->function);
		tri_json(w, "btf", row->in_btf);
		tri_json(w, "kallsyms", row->in_kallsyms);
		json_key(w, "clones");
		json_arr_begin(w);
		for (size_t c = 0; c < row->n_clones; c++)
			json_str(w, row->clones[c]);
		json_arr_end(w);
		seen_json(w, row->seen);
		json_kv_str(w, "status", conc_status_name(row->status));
		json_key(w, "stand_in");
		if (!row->stand_in) {
			json_null(w);
		} else {
			json_obj_begin(w);
			json_kv_str(w, "function", row->stand_in);
			json_kv_str(w, "from", conc_from_name(row->stand_in_from));
			tri_json(w, "kallsyms", row->stand_in_kallsyms);
			seen_json(w, row->stand_in_seen);
			json_obj_end(w);
		}
		json_kv_str(w, "why", row->why);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}
