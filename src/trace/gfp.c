// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include "trace/gfp.h"

static int add_flag(struct gfp_table *t, uint64_t value, const char *name)
{
	struct gfp_flag *f = realloc(t->flags, (t->n + 1) * sizeof(*f));

	if (!f)
		return -ENOMEM;
	t->flags = f;
	f[t->n].value = value;
	snprintf(f[t->n].name, sizeof(f[t->n].name), "%s", name);
	t->n++;
	return 0;
}

/* the __print_flags() of field gfp_flags, anywhere in the argument tree */
static const struct tep_print_arg *find_flags(const struct tep_print_arg *a, int depth)
{
	const struct tep_print_arg *r = NULL;

	for (; a && depth < 32 && !r; a = a->next) {
		switch (a->type) {
		case TEP_PRINT_FLAGS:
			if (a->flags.field && a->flags.field->type == TEP_PRINT_FIELD &&
			    a->flags.field->field.name && !strcmp(a->flags.field->field.name, "gfp_flags"))
				return a;
			break;
		case TEP_PRINT_OP:
			r = find_flags(a->op.left, depth + 1);
			if (!r)
				r = find_flags(a->op.right, depth + 1);
			break;
		case TEP_PRINT_TYPE:
			r = find_flags(a->typecast.item, depth + 1);
			break;
		default:
			break;
		}
	}
	return r;
}

int gfp_table_from_format(struct gfp_table *t, const char *format, char *err, size_t len)
{
	struct tep_handle *tep = tep_alloc();
	const struct tep_print_arg *fl;
	struct tep_event *ev;
	int ret = 0;

	memset(t, 0, sizeof(*t));
	if (!tep)
		return -ENOMEM;
	/* libtraceevent warns on stderr about helpers it cannot evaluate
	 * (vmemmap_base in mm_page_alloc's page=): not ours to show */
	tep_set_loglevel(TEP_LOG_NONE);
	if (tep_parse_event(tep, format, strlen(format), "kmem")) {
		snprintf(err, len, "cannot parse the tracepoint format");
		ret = -EINVAL;
		goto out;
	}
	ev = tep_get_event(tep, 0);
	fl = ev ? find_flags(ev->print_fmt.args, 0) : NULL;
	if (!fl) {
		snprintf(err, len, "the format's print fmt has no __print_flags of gfp_flags");
		ret = -EINVAL;
		goto out;
	}
	/* libtraceevent evaluated each flag's expression into a number */
	for (const struct tep_print_flag_sym *s = fl->flags.flags; s && !ret; s = s->next) {
		char *end;
		uint64_t v = strtoull(s->value, &end, 0);

		if (*end || !s->str) {
			snprintf(err, len, "flag value '%s' is not a number", s->value);
			ret = -EINVAL;
		} else {
			ret = add_flag(t, v, s->str);
		}
	}
	if (!ret && !t->n) {
		snprintf(err, len, "the __print_flags table is empty");
		ret = -EINVAL;
	}
out:
	if (ret)
		gfp_table_free(t);
	tep_free(tep);
	return ret;
}

int gfp_table_parse(struct gfp_table *t, const char *text)
{
	memset(t, 0, sizeof(*t));
	while (text && *text) {
		const char *end = text + strcspn(text, ","), *eq = memchr(text, '=', end - text);
		char name[40];
		char *num_end;
		uint64_t v = strtoull(text, &num_end, 0);

		if (!eq || num_end != eq || end - eq - 1 <= 0 || end - eq - 1 >= (long)sizeof(name)) {
			gfp_table_free(t);
			return -EINVAL;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(end - eq - 1), eq + 1);
		if (add_flag(t, v, name)) {
			gfp_table_free(t);
			return -ENOMEM;
		}
		text = *end ? end + 1 : end;
	}
	return t->n ? 0 : -EINVAL;
}

char *gfp_table_format(const struct gfp_table *t)
{
	size_t cap = t->n * 64 + 1, off = 0;
	char *s = malloc(cap);

	if (!s)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; i < t->n; i++)
		off += snprintf(s + off, cap - off, "%s0x%" PRIx64 "=%s", i ? "," : "",
				t->flags[i].value, t->flags[i].name);
	return s;
}

void gfp_table_free(struct gfp_table *t)
{
	free(t->flags);
	t->flags = NULL;
	t->n = 0;
}

uint64_t gfp_value(const struct gfp_table *t, const char *name)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (!strcmp(t->flags[i].name, name))
			return t->flags[i].value;
	return 0;
}

const char *gfp_decode(const struct gfp_table *t, uint64_t v, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	if (!v) {
		snprintf(buf, len, "none");
		return buf;
	}
	for (size_t i = 0; t && i < t->n && v; i++) {
		uint64_t f = t->flags[i].value;

		if (!f || (v & f) != f)
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s", off ? "|" : "",
				t->flags[i].name);
		v &= ~f;
	}
	if (v)
		snprintf(buf + off, off < len ? len - off : 0, "%s0x%" PRIx64, off ? "|" : "", v);
	return buf;
}

int gfp_may_sleep(const struct gfp_table *t, uint64_t v)
{
	uint64_t direct = gfp_value(t, "__GFP_DIRECT_RECLAIM");

	return direct ? !!(v & direct) : -1;
}
