// SPDX-License-Identifier: GPL-2.0
/*
 * The CTF export's event classes from data/lttng.rules (export/ctf_map.h):
 * the rules are parsed all or nothing, every bad line named with its
 * number, and every event type this build has gets a class.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/data.h"
#include "export/ctf_map.h"
#include "trace/model.h"
#include "trace/names.h"

#define INT(member, sign, hx, be)                                                         \
	{ #member, CTF_SRC_INT, offsetof(struct ns_event, member),                        \
	  sizeof(((struct ns_event *)0)->member), sign, hx, be }

/*
 * Every member of struct ns_event a rule can name, in the struct's
 * order (the order of a native class's fields), then the derived ones.
 * hex: addresses and bit sets print in hex.  l3_proto is written in
 * network byte order, as LTTng writes skb->protocol.
 */
const struct ctf_src ctf_srcs[] = {
	INT(skb, false, true, false),
	INT(sk, false, true, false),
	INT(location, false, true, false),
	INT(packet_id, false, false, false),
	INT(pid, true, false, false),
	INT(tid, true, false, false),
	INT(netns, false, false, false),
	INT(ifindex, true, false, false),
	INT(len, false, false, false),
	INT(stack_id, true, false, false),
	INT(stack_key, false, true, false),
	INT(reason, false, false, false),
	INT(aux, true, false, false),
	INT(aux2, false, false, false),
	INT(seq, false, false, false),
	INT(ack_seq, false, false, false),
	INT(type, false, false, false),
	INT(cpu, false, false, false),
	INT(l3_proto, false, true, true),
	INT(sport, false, false, false),
	INT(dport, false, false, false),
	INT(ctx, false, false, false),
	INT(hdr, false, true, false),
	INT(family, false, false, false),
	INT(l4_proto, false, false, false),
	INT(tcp_flags, false, true, false),
	INT(flags, false, true, false),
	{ "saddr", CTF_SRC_ADDR, offsetof(struct ns_event, saddr), 16 },
	{ "daddr", CTF_SRC_ADDR, offsetof(struct ns_event, daddr), 16 },
	{ "comm", CTF_SRC_TEXT16, offsetof(struct ns_event, comm), NS_COMM_LEN },
	{ "ifname", CTF_SRC_STRING, offsetof(struct ns_event, ifname), NS_IFNAME_LEN },
	INT(skb_head, false, true, false),
	{ "location_sym", CTF_SRC_LOCATION_SYM, offsetof(struct ns_event, location), 8 },
	{ "zero32", CTF_SRC_ZERO, 0, 4, true, false, false },
	{ "zero64", CTF_SRC_ZERO, 0, 8, false, true, false },
	{ NULL },
};

/* a member appended to struct ns_event must be added above, or native classes lose it */
_Static_assert(sizeof(struct ns_event) == offsetof(struct ns_event, skb_head) + sizeof(__u64),
	       "struct ns_event has a member ctf_srcs does not list");

const struct ctf_src *ctf_src_find(const char *name)
{
	for (const struct ctf_src *s = ctf_srcs; s->name; s++)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

/*
 * A native class's fields: every member but the three the stream already
 * carries (pid and tid in the event context, cpu in the packet context)
 * and the type (the event's name says it).
 */
static bool native_field(const struct ctf_src *s)
{
	return s->kind != CTF_SRC_ZERO && s->kind != CTF_SRC_LOCATION_SYM && strcmp(s->name, "pid") &&
	       strcmp(s->name, "tid") && strcmp(s->name, "cpu") && strcmp(s->name, "type");
}

/* bytes a field takes at most (a string: its bound plus the NUL) */
static size_t field_max(const struct ctf_field *f)
{
	switch (f->src->kind) {
	case CTF_SRC_STRING:
		return NS_IFNAME_LEN + 1;
	case CTF_SRC_LOCATION_SYM:
		return 128;	/* export/ctf.c bounds symbol strings to this */
	case CTF_SRC_ADDR:
		return 1 + 16;	/* the length, the bytes */
	default:
		return f->src->size;
	}
}

static struct ctf_class *add_class(struct ctf_map *m, const char *name, uint16_t id,
				   enum ctf_class_kind kind, int ns_type)
{
	struct ctf_class *v = realloc(m->cls, (m->n + 1) * sizeof(*v)), *c;

	if (!v)
		return NULL;
	m->cls = v;
	c = &v[m->n];
	memset(c, 0, sizeof(*c));
	c->name = strdup(name);
	if (!c->name)
		return NULL;
	c->id = id;
	c->kind = kind;
	c->ns_type = ns_type;
	m->n++;
	return c;
}

static int add_field(struct ctf_class *c, const char *name, const struct ctf_src *src, int enum_kind)
{
	struct ctf_field *v = realloc(c->f, (c->nf + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	c->f = v;
	v[c->nf].name = strdup(name);
	if (!v[c->nf].name)
		return -ENOMEM;
	v[c->nf].src = src;
	v[c->nf].enum_kind = enum_kind;
	c->max_size += field_max(&v[c->nf]);
	c->nf++;
	return 0;
}

static int add_native_fields(struct ctf_class *c, bool with_type)
{
	int ret = 0;

	for (const struct ctf_src *s = ctf_srcs; s->name && !ret; s++)
		if (native_field(s) || (with_type && !strcmp(s->name, "type")))
			ret = add_field(c, s->name, s, -1);
	return ret;
}

static bool is_ident(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	return true;
}

/* one rule's words, continuation lines joined */
struct rule {
	char **w;
	size_t n;
	unsigned lineno;
};

/* FIELD=SOURCE[:ENUM] words from index `from` on into class c */
static int parse_fields(struct ctf_class *c, const struct rule *r, size_t from, const char *origin,
			char *err, size_t errlen)
{
	for (size_t i = from; i < r->n; i++) {
		char *eq = strchr(r->w[i], '='), *colon;
		const struct ctf_src *src;
		int kind = -1, ret;

		if (!eq) {
			snprintf(err, errlen, "%s:%u: '%s' is not FIELD=SOURCE", origin, r->lineno, r->w[i]);
			return -EINVAL;
		}
		*eq = '\0';
		colon = strchr(eq + 1, ':');
		if (colon) {
			*colon = '\0';
			kind = ns_name_kind_by_str(colon + 1);
			if (kind < 0) {
				snprintf(err, errlen,
					 "%s:%u: unknown enum '%s' (drop_reason, tcp_state, rst_reason or softirq)",
					 origin, r->lineno, colon + 1);
				return -EINVAL;
			}
		}
		if (!is_ident(r->w[i])) {
			snprintf(err, errlen, "%s:%u: field name '%s' is not an identifier", origin, r->lineno,
				 r->w[i]);
			return -EINVAL;
		}
		for (size_t k = 0; k < c->nf; k++)
			if (!strcmp(c->f[k].name, r->w[i])) {
				snprintf(err, errlen, "%s:%u: field '%s' twice in %s", origin, r->lineno,
					 r->w[i], c->name);
				return -EINVAL;
			}
		src = ctf_src_find(eq + 1);
		if (!src) {
			snprintf(err, errlen, "%s:%u: unknown source '%s' for field '%s'", origin, r->lineno,
				 eq + 1, r->w[i]);
			return -EINVAL;
		}
		if (kind >= 0 && src->kind != CTF_SRC_INT) {
			snprintf(err, errlen, "%s:%u: enum on '%s', which is not an integer", origin,
				 r->lineno, eq + 1);
			return -EINVAL;
		}
		ret = add_field(c, r->w[i], src, kind);
		if (ret)
			return ret;
	}
	return 0;
}

static const char *rule_kinds = "event, tcp_segment or process";

/*
 * The AUX of an `event NETSCOPE/AUX` rule: a number, or for the irq_vectors
 * events the tracepoint's name (aux is enum ns_irq_vector).  0 or -1.
 */
static int aux_of(int type, const char *s, int32_t *aux)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (*s && !*end && !errno && v >= INT32_MIN && v <= INT32_MAX) {
		*aux = (int32_t)v;
		return 0;
	}
	if (type == NS_EV_IRQ_VECTOR_ENTRY || type == NS_EV_IRQ_VECTOR_EXIT)
		for (unsigned int w = 1; w < NS_IRQV__COUNT; w++)
			if (!strcmp(ns_irq_vector_name(w), s)) {
				*aux = (int32_t)w;
				return 0;
			}
	return -1;
}

/* the by_aux class of (type, aux) among the classes made so far, or NULL */
static struct ctf_class *aux_class(const struct ctf_map *m, int type, int32_t aux)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->cls[i].by_aux && m->cls[i].ns_type == type && m->cls[i].aux == aux)
			return &m->cls[i];
	return NULL;
}

const struct ctf_class *ctf_map_class(const struct ctf_map *m, const struct ns_event *ev)
{
	if (ev->type >= NS_EV__COUNT)
		return m->by_type[0];
	if (m->has_aux[ev->type])
		for (size_t i = 0; i < m->n_aux; i++)
			if (m->aux_cls[i]->ns_type == (int)ev->type && m->aux_cls[i]->aux == ev->aux)
				return m->aux_cls[i];
	if (m->when[ev->type]) {
		const struct ctf_class *w = m->when[ev->type];
		const char *p = (const char *)ev + w->when_src->off;
		uint64_t v;

		switch (w->when_src->size) {
		case 1: { uint8_t x; memcpy(&x, p, 1); v = x; break; }
		case 2: { uint16_t x; memcpy(&x, p, 2); v = x; break; }
		case 4: { uint32_t x; memcpy(&x, p, 4); v = x; break; }
		default: memcpy(&v, p, 8);
		}
		if (v & w->when_mask)
			return w;
	}
	return m->by_type[ev->type];
}

/* "SOURCE&MASK" of an `event ... when` rule into c; -EINVAL after a message */
static int parse_when(struct ctf_class *c, const char *cond, const char *origin, unsigned lineno,
		      char *err, size_t errlen)
{
	const char *amp = strchr(cond, '&');
	char name[32], *end;
	unsigned long long mask;

	if (!amp || (size_t)(amp - cond) >= sizeof(name)) {
		snprintf(err, errlen, "%s:%u: 'when %s' is not 'when SOURCE&MASK'", origin, lineno, cond);
		return -EINVAL;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(amp - cond), cond);
	c->when_src = ctf_src_find(name);
	if (!c->when_src || c->when_src->kind != CTF_SRC_INT) {
		snprintf(err, errlen, "%s:%u: 'when %s': '%s' is not an integer source", origin, lineno,
			 cond, name);
		return -EINVAL;
	}
	errno = 0;
	mask = strtoull(amp + 1, &end, 0);
	if (errno || end == amp + 1 || *end || !mask) {
		snprintf(err, errlen, "%s:%u: 'when %s': the mask is not a non-zero number", origin,
			 lineno, cond);
		return -EINVAL;
	}
	c->when_mask = mask;
	return 0;
}

static int parse_rule(struct ctf_map *m, const struct rule *r, uint16_t *next_id, const char *origin,
		      char *err, size_t errlen)
{
	const char *kw = r->w[0];
	bool is_event = !strcmp(kw, "event"), is_seg = !strcmp(kw, "tcp_segment");
	struct ctf_class *c;
	size_t name_at = 2, fields_at;
	int type = -1;
	int32_t aux = 0;
	bool by_aux = false, when;

	if (!is_event && !is_seg && strcmp(kw, "process")) {
		snprintf(err, errlen, "%s:%u: unknown rule '%s' (%s)", origin, r->lineno, kw, rule_kinds);
		return -EINVAL;
	}
	if (!is_event && !is_seg)
		name_at = 1;
	if (r->n <= name_at) {
		snprintf(err, errlen, "%s:%u: %s rule without %s", origin, r->lineno, kw,
			 name_at == 2 ? "a netscope and an LTTng event name" : "an LTTng event name");
		return -EINVAL;
	}
	if (!is_ident(r->w[name_at])) {
		snprintf(err, errlen, "%s:%u: event name '%s' is not an identifier", origin, r->lineno,
			 r->w[name_at]);
		return -EINVAL;
	}
	/* event NETSCOPE LTTNG when SOURCE&MASK FIELD=SOURCE...: one of two names by a field */
	when = is_event && r->n > name_at + 1 && !strcmp(r->w[name_at + 1], "when");
	if (when && r->n <= name_at + 2) {
		snprintf(err, errlen, "%s:%u: 'when' without SOURCE&MASK", origin, r->lineno);
		return -EINVAL;
	}
	fields_at = name_at + 1 + (when ? 2 : 0);
	if (name_at == 2) {
		char *slash = strchr(r->w[1], '/');

		if (slash && !is_event) {
			snprintf(err, errlen, "%s:%u: only an event rule takes /AUX ('%s')", origin,
				 r->lineno, r->w[1]);
			return -EINVAL;
		}
		if (slash)
			*slash = '\0';
		type = ns_event_by_name(r->w[1]);
		if (type < 0)
			return 0;	/* an event of another build: skipped */
		if (slash && aux_of(type, slash + 1, &aux)) {
			snprintf(err, errlen, "%s:%u: unknown aux '%s' of %s (a number, or for "
				 "irq_vector_entry/exit a vector tracepoint: local_timer, ...)", origin,
				 r->lineno, slash + 1, r->w[1]);
			return -EINVAL;
		}
		if (slash && when) {
			snprintf(err, errlen, "%s:%u: a rule takes /AUX or 'when', not both ('%s')",
				 origin, r->lineno, r->w[1]);
			return -EINVAL;
		}
		if (slash ? aux_class(m, type, aux) != NULL :
		    when ? m->when[type] != NULL :
		    (is_event && m->by_type[type]) || (is_seg && m->segment[type])) {
			snprintf(err, errlen, "%s:%u: second %s%s rule for '%s%s%s'", origin, r->lineno, kw,
				 when ? " ... when" : "", r->w[1], slash ? "/" : "",
				 slash ? slash + 1 : "");
			return -EINVAL;
		}
		by_aux = slash != NULL;
	} else if (m->process) {
		snprintf(err, errlen, "%s:%u: second process rule", origin, r->lineno);
		return -EINVAL;
	}
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->cls[i].name, r->w[name_at])) {
			snprintf(err, errlen, "%s:%u: event name '%s' given twice", origin, r->lineno,
				 r->w[name_at]);
			return -EINVAL;
		}
	if (is_event && !by_aux && !when)
		c = add_class(m, r->w[name_at], type, CTF_CLASS_EVENT, type);
	else if (when)
		c = add_class(m, r->w[name_at], (*next_id)++, CTF_CLASS_EVENT, type);
	else if (by_aux)
		/* one type, several classes: its id comes after every other rule's
		 * (ctf_map_build), so the ids of the others stay what they were */
		c = add_class(m, r->w[name_at], 0, CTF_CLASS_EVENT, type);
	else
		c = add_class(m, r->w[name_at], (*next_id)++,
			      is_seg ? CTF_CLASS_TCP_SEGMENT : CTF_CLASS_PROCESS, type);
	if (!c)
		return -ENOMEM;
	c->by_aux = by_aux;
	c->aux = aux;
	if (when && parse_when(c, r->w[name_at + 2], origin, r->lineno, err, errlen))
		return -EINVAL;
	/* for the duplicate checks above (ctf_map_build indexes again at the end) */
	if (by_aux)
		;	/* aux_class() finds it among the classes */
	else if (when)
		m->when[type] = c;
	else if (is_event)
		m->by_type[type] = c;
	else if (is_seg)
		m->segment[type] = c;
	else
		m->process = c;
	return parse_fields(c, r, fields_at, origin, err, errlen);
}

/* the rules into words; a line starting with a blank continues the rule above */
static int split_rules(char *text, struct rule **out, size_t *nout, const char *origin, char *err,
		       size_t errlen)
{
	struct rule *v = NULL;
	size_t n = 0;
	unsigned lineno = 0;

	for (char *line = text, *next; line; line = next) {
		char *hash, *save = NULL, *w;
		bool cont = *line == ' ' || *line == '\t';

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		w = strtok_r(line, " \t\r", &save);
		if (!w)
			continue;
		if (cont && !n) {
			snprintf(err, errlen, "%s:%u: continuation line without a rule above", origin, lineno);
			goto fail;
		}
		if (!cont) {
			struct rule *nv = realloc(v, (n + 1) * sizeof(*nv));

			if (!nv)
				goto nomem;
			v = nv;
			v[n++] = (struct rule){ .lineno = lineno };
		}
		for (; w; w = strtok_r(NULL, " \t\r", &save)) {
			struct rule *r = &v[n - 1];
			char **nw = realloc(r->w, (r->n + 1) * sizeof(*nw));

			if (!nw)
				goto nomem;
			r->w = nw;
			r->w[r->n++] = w;
		}
	}
	*out = v;
	*nout = n;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	for (size_t i = 0; i < n; i++)
		free(v[i].w);
	free(v);
	return -EINVAL;
}

static int by_id(const void *a, const void *b)
{
	const struct ctf_class *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

int ctf_map_build(struct ctf_map *m, const char *rules, const char *origin, char *err, size_t errlen)
{
	char *text = strdup(rules);
	struct rule *r = NULL;
	size_t nr = 0;
	uint16_t next_id = CTF_ID_EXTRA;
	int ret;

	memset(m, 0, sizeof(*m));
	if (!text)
		return -ENOMEM;
	ret = split_rules(text, &r, &nr, origin, err, errlen);
	for (size_t i = 0; i < nr && !ret; i++) {
		ret = parse_rule(m, &r[i], &next_id, origin, err, errlen);
	}
	for (size_t i = 0; i < m->n && !ret; i++)
		if (m->cls[i].by_aux)
			m->cls[i].id = next_id++;
	for (size_t i = 0; i < nr; i++)
		free(r[i].w);
	free(r);
	free(text);
	if (ret)
		goto fail;

	/* the event types no rule maps: their own name, every field */
	for (int t = 1; t < NS_EV__COUNT; t++) {
		if (m->by_type[t])
			continue;
		for (size_t i = 0; i < m->n; i++)
			if (!strcmp(m->cls[i].name, ns_event_name(t))) {
				snprintf(err, errlen, "%s: '%s' is the name of a netscope event that has no "
					 "rule: give it one", origin, ns_event_name(t));
				ret = -EINVAL;
				goto fail;
			}
		if (!add_class(m, ns_event_name(t), t, CTF_CLASS_NATIVE, t) ||
		    add_native_fields(&m->cls[m->n - 1], false)) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	if (!add_class(m, "netscope_unknown_type", CTF_ID_UNKNOWN, CTF_CLASS_UNKNOWN, -1) ||
	    add_native_fields(&m->cls[m->n - 1], true)) {
		ret = -ENOMEM;
		goto fail;
	}
	/* in id order (the metadata lists them so); realloc moved them: index them now */
	qsort(m->cls, m->n, sizeof(*m->cls), by_id);
	memset(m->by_type, 0, sizeof(m->by_type));
	memset(m->segment, 0, sizeof(m->segment));
	memset(m->when, 0, sizeof(m->when));
	m->process = NULL;
	for (size_t i = 0; i < m->n; i++)
		m->n_aux += m->cls[i].by_aux;
	m->aux_cls = m->n_aux ? calloc(m->n_aux, sizeof(*m->aux_cls)) : NULL;
	if (m->n_aux && !m->aux_cls) {
		ret = -ENOMEM;
		goto fail;
	}
	m->n_aux = 0;
	for (size_t i = 0; i < m->n; i++) {
		struct ctf_class *c = &m->cls[i];

		if (c->by_aux) {
			m->aux_cls[m->n_aux++] = c;
			m->has_aux[c->ns_type] = true;
		} else if (c->when_src)
			m->when[c->ns_type] = c;
		else if (c->kind == CTF_CLASS_EVENT || c->kind == CTF_CLASS_NATIVE)
			m->by_type[c->ns_type] = c;
		else if (c->kind == CTF_CLASS_TCP_SEGMENT)
			m->segment[c->ns_type] = c;
		else if (c->kind == CTF_CLASS_PROCESS)
			m->process = c;
		else
			m->by_type[0] = c;
	}
	return 0;
fail:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	ctf_map_free(m);
	return ret;
}

int ctf_map_builtin(struct ctf_map *m, char *err, size_t errlen)
{
	return ctf_map_build(m, ns_data_lttng, "data/lttng.rules", err, errlen);
}

void ctf_map_free(struct ctf_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		for (size_t k = 0; k < m->cls[i].nf; k++)
			free(m->cls[i].f[k].name);
		free(m->cls[i].f);
		free(m->cls[i].name);
	}
	free(m->cls);
	free(m->aux_cls);
	memset(m, 0, sizeof(*m));
}
