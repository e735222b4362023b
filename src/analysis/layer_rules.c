// SPDX-License-Identifier: GPL-2.0
/*
 * Layer and direction rules: parsing (every bad line named with its
 * number), first-match classification by fnmatch(3), and a cache of every
 * answer, since the same few hundred functions fill millions of frames.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/layer_rules.h"
#include "common/textfile.h"
#include "common/data.h"
#include "common/strmap.h"

static const char *const layer_names[NS_LAYER__N] = {
	[NS_LAYER_SYSCALL] = "syscall",	  [NS_LAYER_SOCKET] = "socket",
	[NS_LAYER_TCP] = "tcp",		  [NS_LAYER_UDP] = "udp",
	[NS_LAYER_ICMP] = "icmp",	  [NS_LAYER_IP] = "ip",
	[NS_LAYER_NEIGHBOUR] = "neighbour", [NS_LAYER_DEVICE] = "device",
	[NS_LAYER_DRIVER] = "driver",	  [NS_LAYER_SOFTIRQ] = "softirq",
	[NS_LAYER_MEMORY] = "memory",	  [NS_LAYER_OTHER] = "other",
};

const char *ns_layer_name(enum ns_layer l)
{
	return (unsigned)l < NS_LAYER__N ? layer_names[l] : "?";
}

int ns_layer_from_name(const char *name)
{
	for (int l = 0; l < NS_LAYER__N; l++)
		if (!strcmp(layer_names[l], name))
			return l;
	return -1;
}

int ns_layer_level(enum ns_layer l)
{
	static const int level[NS_LAYER__N] = {
		[NS_LAYER_SYSCALL] = 0, [NS_LAYER_SOCKET] = 2, [NS_LAYER_TCP] = 4,
		[NS_LAYER_UDP] = 4,	[NS_LAYER_ICMP] = 4,   [NS_LAYER_IP] = 6,
		[NS_LAYER_NEIGHBOUR] = 7, [NS_LAYER_DEVICE] = 8, [NS_LAYER_DRIVER] = 10,
		[NS_LAYER_SOFTIRQ] = 12, [NS_LAYER_MEMORY] = -1, [NS_LAYER_OTHER] = -1,
	};

	return (unsigned)l < NS_LAYER__N ? level[l] : -1;
}

int ns_layer_adjacent(enum ns_layer a, enum ns_layer b)
{
	int la = ns_layer_level(a), lb = ns_layer_level(b), d = la > lb ? la - lb : lb - la;

	return la >= 0 && lb >= 0 && d >= 1 && d <= 2;
}

const char *ns_dir_name(enum ns_dir d)
{
	return d == NS_DIR_RX ? "RX" : d == NS_DIR_TX ? "TX" : "?";
}

struct rule {
	char *glob;
	int value;		/* enum ns_layer or enum ns_dir */
};

struct rule_table {
	struct rule *v;
	size_t n, cap;
};

struct layer_rules {
	struct rule_table t[2];	/* by enum layer_rules_kind */
	/* function as given -> 1 + layer + (dir << 8): every answer, once */
	struct ns_strmap cache;
	layer_rules_index_layer_fn index_layer;
	void *file_arg;
};

struct layer_rules *layer_rules__new(void)
{
	return calloc(1, sizeof(struct layer_rules));
}

static void table_truncate(struct rule_table *t, size_t n)
{
	while (t->n > n)
		free(t->v[--t->n].glob);
}

void layer_rules__clear(struct layer_rules *r, enum layer_rules_kind kind)
{
	table_truncate(&r->t[kind], 0);
	ns_strmap_free(&r->cache);
}

size_t layer_rules__count(const struct layer_rules *r, enum layer_rules_kind kind)
{
	return r->t[kind].n;
}

void layer_rules__free(struct layer_rules *r)
{
	if (!r)
		return;
	for (int k = 0; k < 2; k++) {
		table_truncate(&r->t[k], 0);
		free(r->t[k].v);
	}
	ns_strmap_free(&r->cache);
	free(r);
}

static int value_of(enum layer_rules_kind kind, const char *word)
{
	if (kind == LAYER_RULES_LAYERS)
		return ns_layer_from_name(word);
	if (!strcmp(word, "RX"))
		return NS_DIR_RX;
	if (!strcmp(word, "TX"))
		return NS_DIR_TX;
	return -1;
}

static const char *expected(enum layer_rules_kind kind)
{
	return kind == LAYER_RULES_LAYERS ? "syscall, socket, tcp, udp, icmp, ip, neighbour, device, driver, "
					    "softirq, memory or other"
					  : "RX or TX";
}

/*
 * One line, comment and blank lines already gone: GLOB, one or more tabs,
 * VALUE, optional trailing blanks.  0 or a message in err.
 */
static int parse_line(struct rule_table *t, enum layer_rules_kind kind, char *line, const char *origin,
		      unsigned lineno, char *err, size_t errlen)
{
	char *tab = strchr(line, '\t'), *word, *end;
	int value;

	if (!tab) {
		snprintf(err, errlen, "%s:%u: no tab between the glob and the %s", origin, lineno,
			 kind == LAYER_RULES_LAYERS ? "layer" : "direction");
		return -EINVAL;
	}
	*tab = '\0';
	if (!*line || strchr(line, ' ')) {
		snprintf(err, errlen, "%s:%u: %s glob '%s'", origin, lineno, *line ? "blank in" : "empty", line);
		return -EINVAL;
	}
	for (word = tab + 1; *word == '\t'; word++)
		;
	for (end = word + strlen(word); end > word && (end[-1] == ' ' || end[-1] == '\t'); end--)
		;
	*end = '\0';
	if (strchr(word, '\t')) {
		snprintf(err, errlen, "%s:%u: more than two fields", origin, lineno);
		return -EINVAL;
	}
	value = value_of(kind, word);
	if (value < 0) {
		snprintf(err, errlen, "%s:%u: unknown %s '%s' (expected %s)", origin, lineno,
			 kind == LAYER_RULES_LAYERS ? "layer" : "direction", word, expected(kind));
		return -EINVAL;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 128;
		struct rule *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n].glob = strdup(line);
	if (!t->v[t->n].glob)
		return -ENOMEM;
	t->v[t->n++].value = value;
	return 0;
}

int layer_rules__parse(struct layer_rules *r, enum layer_rules_kind kind, const char *text,
		       const char *origin, char *err, size_t errlen)
{
	struct rule_table *t = &r->t[kind];
	size_t before = t->n;
	unsigned lineno = 0;
	char *copy = strdup(text), *line, *next;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (line = copy; line && !ret; line = next) {
		char *p;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		p = line + strcspn(line, "\r");
		*p = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (!*p || *p == '#')
			continue;
		if (p != line) {
			snprintf(err, errlen, "%s:%u: a rule starts with its glob, not a blank", origin, lineno);
			ret = -EINVAL;
			break;
		}
		ret = parse_line(t, kind, line, origin, lineno, err, errlen);
	}
	free(copy);
	if (ret)
		table_truncate(t, before);	/* all of text or nothing */
	ns_strmap_free(&r->cache);
	return ret;
}

int layer_rules__load_file(struct layer_rules *r, enum layer_rules_kind kind, const char *path,
			   char *err, size_t errlen)
{
	char *text;
	int ret = ns_read_text_file(path, &text, err, errlen);

	if (ret)
		return ret;
	ret = layer_rules__parse(r, kind, text, path, err, errlen);
	free(text);
	return ret;
}

struct layer_rules *layer_rules__builtin(char *err, size_t errlen)
{
	struct layer_rules *r = layer_rules__new();
	int ret;

	if (!r)
		return NULL;
	ret = layer_rules__parse(r, LAYER_RULES_LAYERS, ns_data_layers, "data/layers.rules", err, errlen);
	if (!ret)
		ret = layer_rules__parse(r, LAYER_RULES_MARKERS, ns_data_directions, "data/directions.rules",
					 err, errlen);
	if (ret) {
		layer_rules__free(r);
		errno = -ret;
		return NULL;
	}
	return r;
}

void layer_rules__set_index_layer(struct layer_rules *r, layer_rules_index_layer_fn index_layer,
				  void *arg)
{
	r->index_layer = index_layer;
	r->file_arg = arg;
	ns_strmap_free(&r->cache);
}

static int first_match(const struct rule_table *t, const char *name, int none)
{
	for (size_t i = 0; i < t->n; i++)
		if (!fnmatch(t->v[i].glob, name, 0))
			return t->v[i].value;
	return none;
}

/* 1 + layer + (dir << 8), from the cache or computed and cached */
static unsigned answer(struct layer_rules *r, const char *function)
{
	char base[256];
	uint32_t v;
	enum ns_layer layer;
	enum ns_dir dir;

	if (ns_strmap_get(&r->cache, function, &v))
		return v;
	/*
	 * GCC's clones keep the name before the first dot (tcp_poll.isra.0,
	 * skb_push.cold, __netif_receive_skb_core.constprop.0): their code is
	 * the function's, so is their layer.  "+0x1a" offsets go the same way.
	 */
	snprintf(base, sizeof(base), "%.*s", (int)strcspn(function, ".+"), function);
	layer = first_match(&r->t[LAYER_RULES_LAYERS], base, NS_LAYER_OTHER);
	if (layer == NS_LAYER_OTHER && r->index_layer)
		layer = layer_of_index_layer(r->index_layer(r->file_arg, base));
	dir = first_match(&r->t[LAYER_RULES_MARKERS], base, NS_DIR_NONE);
	v = 1 + layer + ((unsigned)dir << 8);
	ns_strmap_put(&r->cache, function, v);	/* out of memory: answer uncached */
	return v;
}

enum ns_layer layer_rules__classify(struct layer_rules *r, const char *function)
{
	return (answer(r, function) - 1) & 0xff;
}

enum ns_dir layer_rules__marker(struct layer_rules *r, const char *function)
{
	return (answer(r, function) - 1) >> 8;
}

/* the index's path layers (src/index/layers.c) onto the fixed set */
static const struct {
	const char *ix;
	enum ns_layer layer;
} ix_map[] = {
	{ "TCP", NS_LAYER_TCP },
	{ "TCP (IPv6)", NS_LAYER_TCP },
	/* MPTCP runs over TCP subflows: its functions sit where TCP's do */
	{ "MPTCP", NS_LAYER_TCP },
	{ "UDP", NS_LAYER_UDP },
	{ "UDP (IPv6)", NS_LAYER_UDP },
	{ "ICMP", NS_LAYER_ICMP },
	{ "ICMPv6", NS_LAYER_ICMP },
	{ "ping sockets", NS_LAYER_ICMP },
	{ "IPv4", NS_LAYER_IP },
	{ "IPv4 routing", NS_LAYER_IP },
	{ "IPv4 multicast routing", NS_LAYER_IP },
	{ "IGMP", NS_LAYER_IP },
	{ "IPv6", NS_LAYER_IP },
	{ "IPv6 routing", NS_LAYER_IP },
	{ "IPv6 addresses", NS_LAYER_IP },
	{ "netfilter", NS_LAYER_IP },
	{ "IPsec", NS_LAYER_IP },
	{ "ARP", NS_LAYER_NEIGHBOUR },
	{ "neighbour", NS_LAYER_NEIGHBOUR },
	{ "neighbour discovery", NS_LAYER_NEIGHBOUR },
	{ "device", NS_LAYER_DEVICE },
	{ "GRO", NS_LAYER_DEVICE },
	{ "traffic control", NS_LAYER_DEVICE },
	{ "flow dissector", NS_LAYER_DEVICE },
	{ "ethernet", NS_LAYER_DEVICE },
	{ "VLAN", NS_LAYER_DEVICE },
	{ "bridge", NS_LAYER_DEVICE },
	{ "drivers", NS_LAYER_DRIVER },
	{ "socket", NS_LAYER_SOCKET },
	{ "socket calls", NS_LAYER_SOCKET },
	{ "INET sockets", NS_LAYER_SOCKET },
	{ "INET sockets (IPv6)", NS_LAYER_SOCKET },
	{ "raw sockets", NS_LAYER_SOCKET },
	{ "raw sockets (IPv6)", NS_LAYER_SOCKET },
	{ "packet sockets", NS_LAYER_SOCKET },
	{ "unix sockets", NS_LAYER_SOCKET },
	{ "skb", NS_LAYER_MEMORY },
	{ "page pool", NS_LAYER_MEMORY },
	/* BPF, netlink, netns, netpoll, drop monitor, core, net, SCTP: no level of the stack */
};

enum ns_layer layer_of_index_layer(const char *ix_layer_name)
{
	if (!ix_layer_name)
		return NS_LAYER_OTHER;
	for (size_t i = 0; i < sizeof(ix_map) / sizeof(ix_map[0]); i++)
		if (!strcmp(ix_map[i].ix, ix_layer_name))
			return ix_map[i].layer;
	return NS_LAYER_OTHER;
}
