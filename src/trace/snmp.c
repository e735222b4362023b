// SPDX-License-Identifier: GPL-2.0
/*
 * SNMP counter snapshots: the /proc text parsers and the metadata string.
 * The kernel prints /proc/net/snmp and /proc/net/netstat as pairs of lines
 * with the same "Group:" prefix, names then values (snmp_seq_show_ipstats()
 * and netstat_seq_show() in net/ipv4/proc.c); /proc/net/snmp6 is one
 * "name value" per line (snmp6_seq_show_item() in net/ipv6/proc.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace/snmp.h"

/* characters the metadata string uses as separators cannot be in a name */
static bool name_ok(const char *s, size_t len, size_t max)
{
	if (!len || len >= max)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] == ' ' || s[i] == ',' || s[i] == '=' || s[i] == ':' || s[i] == '\t' ||
		    s[i] == '\n' || s[i] == '.')
			return false;
	return true;
}

static int add_n(struct snmp_snap *s, const char *group, size_t glen, const char *name,
		 size_t nlen, int64_t value)
{
	struct snmp_counter *c;

	if (!name_ok(group, glen, SNMP_GROUP_LEN) || !name_ok(name, nlen, SNMP_NAME_LEN))
		return -ENAMETOOLONG;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct snmp_counter *v = realloc(s->c, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->c = v;
		s->cap = cap;
	}
	c = &s->c[s->n++];
	memcpy(c->group, group, glen);
	c->group[glen] = '\0';
	memcpy(c->name, name, nlen);
	c->name[nlen] = '\0';
	c->value = value;
	return 0;
}

int snmp_snap_add(struct snmp_snap *s, const char *group, const char *name, int64_t value)
{
	return add_n(s, group, strlen(group), name, strlen(name), value);
}

const struct snmp_counter *snmp_snap_find(const struct snmp_snap *s, const char *group,
					  const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->c[i].name, name) && !strcmp(s->c[i].group, group))
			return &s->c[i];
	return NULL;
}

void snmp_snap_free(struct snmp_snap *s)
{
	free(s->c);
	memset(s, 0, sizeof(*s));
}

/*
 * A decimal number of exactly len characters, with an optional '-': the
 * kernel prints unsigned longs with %lu and a few signed fields with %ld.
 */
static int parse_value(const char *p, size_t len, int64_t *out)
{
	char buf[32], *end;
	bool neg;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, p, len);
	buf[len] = '\0';
	neg = buf[0] == '-';
	if (buf[neg] < '0' || buf[neg] > '9')
		return -EINVAL;
	errno = 0;
	if (neg) {
		long long v = strtoll(buf, &end, 10);

		*out = v;
	} else {
		unsigned long long v = strtoull(buf, &end, 10);

		*out = (int64_t)v;	/* the bit pattern: deltas wrap as the kernel's do */
	}
	return errno || *end ? -EINVAL : 0;
}

/* the next line of text: [*line, *line + *len); false at the end */
static bool next_line(const char **p, const char **line, size_t *len)
{
	const char *nl;

	if (!**p)
		return false;
	*line = *p;
	nl = strchr(*p, '\n');
	*len = nl ? (size_t)(nl - *p) : strlen(*p);
	*p = nl ? nl + 1 : *p + *len;
	return true;
}

/* the next space-separated field of [*p, end); false when none is left */
static bool next_field(const char **p, const char *end, const char **f, size_t *len)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
	if (*p >= end)
		return false;
	*f = *p;
	while (*p < end && **p != ' ' && **p != '\t')
		(*p)++;
	*len = *p - *f;
	return true;
}

int snmp_parse_pairs(struct snmp_snap *s, const char *text)
{
	const char *p = text, *names, *values;
	size_t nlen, vlen;

	while (next_line(&p, &names, &nlen)) {
		const char *colon = memchr(names, ':', nlen), *ne, *ve, *n, *v;
		size_t glen, fl, vl;
		int err;

		if (!nlen)
			continue;	/* blank line: not something the kernel prints, harmless */
		if (!colon)
			return -EINVAL;
		glen = colon - names;
		/* the values line must carry the same "Group:" */
		if (!next_line(&p, &values, &vlen) || vlen <= glen ||
		    memcmp(values, names, glen + 1))
			return -EINVAL;
		ne = names + nlen;
		ve = values + vlen;
		n = colon + 1;
		v = values + glen + 1;
		for (;;) {
			const char *nf, *vf;
			bool more_n = next_field(&n, ne, &nf, &fl);
			bool more_v = next_field(&v, ve, &vf, &vl);
			int64_t val;

			if (more_n != more_v)
				return -EINVAL;	/* as many values as names */
			if (!more_n)
				break;
			err = parse_value(vf, vl, &val);
			if (!err)
				err = add_n(s, names, glen, nf, fl, val);
			if (err)
				return err;
		}
	}
	return 0;
}

int snmp_parse_snmp6(struct snmp_snap *s, const char *text)
{
	const char *p = text, *line;
	size_t len;

	while (next_line(&p, &line, &len)) {
		const char *q = line, *end = line + len, *name, *val, *six;
		size_t nl, vl;
		int64_t v;
		int err;

		if (!next_field(&q, end, &name, &nl))
			continue;
		if (!next_field(&q, end, &val, &vl))
			return -EINVAL;
		six = memchr(name, '6', nl);
		/* "Ip6InReceives" -> ("Ip6", "InReceives"); no '6': the name is the group */
		if (!six || six + 1 == name + nl)
			return -EINVAL;
		err = parse_value(val, vl, &v);
		if (!err)
			err = add_n(s, name, six + 1 - name, six + 1, name + nl - (six + 1), v);
		if (err)
			return err;
	}
	return 0;
}

char *snmp_snap_format(const struct snmp_snap *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs(SNMP_SNAP_TAG, f);
	for (size_t i = 0; i < s->n; i++) {
		const struct snmp_counter *c = &s->c[i];

		/* a run of one group shares its "Group:"; a group may come back later */
		if (i == 0 || strcmp(c->group, s->c[i - 1].group))
			fprintf(f, " %s:", c->group);
		else
			fputc(',', f);
		fputs(c->name, f);
		if (c->value)
			fprintf(f, "=%" PRId64, c->value);
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* "Name" or "Name=value" of group [g, g + glen) */
static int parse_item(struct snmp_snap *s, const char *g, size_t glen, const char *it, size_t len)
{
	const char *eq = memchr(it, '=', len);
	int64_t v = 0;
	int err;

	if (eq) {
		err = parse_value(eq + 1, it + len - (eq + 1), &v);
		if (err)
			return err;
		len = eq - it;
	}
	err = add_n(s, g, glen, it, len, v);
	return err == -ENAMETOOLONG ? -EINVAL : err;
}

int snmp_snap_parse(struct snmp_snap *s, const char *str)
{
	size_t tag = strlen(SNMP_SNAP_TAG);
	const char *p, *end, *tok;
	size_t tlen;

	if (strncmp(str, SNMP_SNAP_TAG, tag) || (str[tag] && str[tag] != ' '))
		return -EINVAL;
	p = str + tag;
	end = p + strlen(p);
	while (next_field(&p, end, &tok, &tlen)) {
		const char *colon = memchr(tok, ':', tlen), *it, *tend = tok + tlen;

		if (!colon || colon == tok || colon + 1 == tend)
			return -EINVAL;
		it = colon + 1;
		while (it < tend) {
			const char *comma = memchr(it, ',', tend - it);
			const char *iend = comma ? comma : tend;
			int err = parse_item(s, tok, colon - tok, it, iend - it);

			if (err)
				return err;
			if (comma && comma + 1 == tend)
				return -EINVAL;	/* trailing comma */
			it = comma ? comma + 1 : tend;
		}
	}
	return 0;
}
