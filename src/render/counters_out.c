// SPDX-License-Identifier: GPL-2.0
/* The "counters" view: text tables and JSON, from the result only. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "render/counters_out.h"

/* a value the snapshot did not have is shown as "-", not as the 0 it counts for */
static const char *value_str(bool present, int64_t v, char *buf, size_t len)
{
	if (!present)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%" PRId64, v);
	return buf;
}

static void print_ns(FILE *out, const struct counters_netns *ns)
{
	int wname = 0, wbefore = 1;
	bool any_watched = false;
	char b[32], a[32];

	fprintf(out, "counters of namespace '%s'", ns->label);
	if (ns->error) {
		fprintf(out, ": %s\n", ns->error);
		return;
	}
	if (!ns->has_before || !ns->has_after) {
		fprintf(out, ": no '%s' snapshot in the trace\n", ns->has_before ? "after" : "before");
		return;
	}
	fprintf(out, ": %zu changed, %zu unchanged not shown\n", ns->n_changed, ns->unchanged);
	for (size_t i = 0; i < ns->n_rows; i++) {
		const struct counters_row *r = &ns->rows[i];
		int n = (int)(strlen(r->group) + 1 + strlen(r->name));

		wname = n > wname ? n : wname;
		n = (int)strlen(value_str(r->in_before, r->before, b, sizeof(b)));
		wbefore = n > wbefore ? n : wbefore;
	}
	for (size_t i = 0; i < ns->n_rows; i++) {
		const struct counters_row *r = &ns->rows[i];
		char name[SNMP_GROUP_LEN + SNMP_NAME_LEN + 1], delta[32] = "";

		snprintf(name, sizeof(name), "%s.%s", r->group, r->name);
		if (r->delta)
			snprintf(delta, sizeof(delta), "(%+" PRId64 ")", r->delta);
		fprintf(out, "  %-*s  %*s → %-12s %-14s%s%s\n", wname, name, wbefore,
			value_str(r->in_before, r->before, b, sizeof(b)),
			value_str(r->in_after, r->after, a, sizeof(a)), delta,
			r->watched ? " *" : "",
			!r->in_before ? "  only after" : !r->in_after ? "  only before" : "");
		any_watched |= r->watched;
	}
	if (any_watched)
		fprintf(out, "  * watched (SYN floods, drops, errors): shown even when unchanged\n");
}

void counters_print_text(FILE *out, const struct counters_result *r)
{
	if (!r->n_ns) {
		fprintf(out, "counters: the trace holds no counter snapshots\n");
		return;
	}
	for (size_t i = 0; i < r->n_ns; i++) {
		if (i)
			fputc('\n', out);
		print_ns(out, &r->ns[i]);
	}
}

static void row_json(struct json_writer *w, const struct counters_row *r)
{
	json_obj_begin(w);
	json_kv_str(w, "group", r->group);
	json_kv_str(w, "name", r->name);
	json_kv_i64(w, "before", r->before);
	json_kv_i64(w, "after", r->after);
	json_kv_i64(w, "delta", r->delta);
	json_kv_bool(w, "in_before", r->in_before);
	json_kv_bool(w, "in_after", r->in_after);
	json_kv_bool(w, "watched", r->watched);
	json_key(w, "why");
	if (r->why)
		json_str(w, r->why);
	else
		json_null(w);
	json_obj_end(w);
}

void counters_print_json(struct json_writer *w, const struct counters_result *r)
{
	json_obj_begin(w);
	json_key(w, "namespaces");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_ns; i++) {
		const struct counters_netns *ns = &r->ns[i];

		json_obj_begin(w);
		json_kv_str(w, "label", ns->label);
		json_kv_bool(w, "has_before", ns->has_before);
		json_kv_bool(w, "has_after", ns->has_after);
		json_key(w, "error");
		if (ns->error)
			json_str(w, ns->error);
		else
			json_null(w);
		json_kv_u64(w, "changed", ns->n_changed);
		json_kv_u64(w, "unchanged_not_shown", ns->unchanged);
		json_key(w, "counters");
		json_arr_begin(w);
		for (size_t j = 0; j < ns->n_rows; j++)
			row_json(w, &ns->rows[j]);
		json_arr_end(w);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}
