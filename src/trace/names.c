// SPDX-License-Identifier: GPL-2.0
/*
 * Names of kernel enum values, read from BTF.  Which enum holds what:
 *
 *  drop_reason  enum skb_drop_reason (include/net/dropreason-core.h), plus
 *               the subsystem enums registered with
 *               drop_reasons_register_subsys() (ovs_drop_reason,
 *               mac80211_drop_reason, ...): their values carry the
 *               subsystem id in the upper 16 bits (SKB_DROP_REASON_SUBSYS_SHIFT,
 *               kernel 6.4, "net: extend drop reasons for multiple
 *               subsystems"), so they never collide with the core reasons.
 *  tcp_state    the anonymous enum of include/net/tcp_states.h
 *  rst_reason   enum sk_rst_reason (include/net/rstreason.h, 6.10)
 *  softirq      the anonymous enum of include/linux/interrupt.h
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <bpf/btf.h>
#include "trace/names.h"

static const char *const kind_str[NS_NAMES__COUNT] = {
	[NS_NAMES_DROP_REASON] = "drop_reason",
	[NS_NAMES_TCP_STATE] = "tcp_state",
	[NS_NAMES_RST_REASON] = "rst_reason",
	[NS_NAMES_SOFTIRQ] = "softirq",
};

/* What the kernel puts in front of (or after) the names we keep. */
#define DROP_PREFIX "SKB_DROP_REASON_"
#define RST_PREFIX "SK_RST_REASON_"
#define SOFTIRQ_SUFFIX "_SOFTIRQ"
#define TCP_PREFIX "TCP_"

const char *ns_name_kind_str(enum ns_name_kind kind)
{
	if ((unsigned int)kind >= NS_NAMES__COUNT)
		return "unknown";
	return kind_str[kind];
}

int ns_name_kind_by_str(const char *s)
{
	for (int i = 0; i < NS_NAMES__COUNT; i++)
		if (!strcmp(kind_str[i], s))
			return i;
	return -1;
}

static struct ns_name_entry *find_entry(const struct ns_names *names, enum ns_name_kind kind,
					uint32_t value)
{
	const struct ns_name_entry *e = names->e[kind];
	size_t lo = 0, hi = names->n[kind];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e[mid].value == value)
			return (struct ns_name_entry *)&e[mid];
		if (e[mid].value < value)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int ns_names_add(struct ns_names *names, enum ns_name_kind kind, uint32_t value, const char *name)
{
	struct ns_name_entry *e;
	size_t n, i;

	if (!names || !name || (unsigned int)kind >= NS_NAMES__COUNT)
		return -EINVAL;
	/* the first name of a value wins: BTF has aliases (__RX_DROP_MONITOR_REASON) */
	if (find_entry(names, kind, value))
		return 0;
	n = names->n[kind];
	/* capacity is implicit (16, then powers of two): the struct has no cap
	 * field and a table only ever grows; kept sorted by value */
	if (n == 0 || (n >= 16 && (n & (n - 1)) == 0)) {
		e = realloc(names->e[kind], (n ? n * 2 : 16) * sizeof(*e));
		if (!e)
			return -ENOMEM;
		names->e[kind] = e;
	}
	e = names->e[kind];
	/* BTF lists values mostly in order, so this shift is usually empty */
	for (i = n; i > 0 && e[i - 1].value > value; i--)
		e[i] = e[i - 1];
	e[i].value = value;
	e[i].name = strdup(name);
	if (!e[i].name) {
		memmove(&e[i], &e[i + 1], (n - i) * sizeof(*e));
		return -ENOMEM;
	}
	names->n[kind] = n + 1;
	return 0;
}

const char *ns_names_lookup(const struct ns_names *names, enum ns_name_kind kind, uint32_t value)
{
	const struct ns_name_entry *e;

	if (!names || (unsigned int)kind >= NS_NAMES__COUNT)
		return NULL;
	e = find_entry(names, kind, value);
	return e ? e->name : NULL;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* does the user's `name` denote the kept name `kept` of a table of `kind`? */
static bool name_matches(enum ns_name_kind kind, const char *kept, const char *name)
{
	size_t n;

	if (!strcasecmp(kept, name))
		return true;
	switch (kind) {
	case NS_NAMES_DROP_REASON:
		return starts_with(name, DROP_PREFIX) && !strcasecmp(kept, name + strlen(DROP_PREFIX));
	case NS_NAMES_RST_REASON:
		return starts_with(name, RST_PREFIX) && !strcasecmp(kept, name + strlen(RST_PREFIX));
	case NS_NAMES_TCP_STATE:
		/* "ESTABLISHED" for "TCP_ESTABLISHED" */
		return starts_with(kept, TCP_PREFIX) && !strcasecmp(kept + strlen(TCP_PREFIX), name);
	case NS_NAMES_SOFTIRQ:
		/* "NET_RX_SOFTIRQ" for "NET_RX" */
		n = strlen(kept);
		return ends_with(name, SOFTIRQ_SUFFIX) && strlen(name) == n + strlen(SOFTIRQ_SUFFIX) &&
		       !strncasecmp(kept, name, n);
	default:
		return false;
	}
}

int64_t ns_names_value(const struct ns_names *names, enum ns_name_kind kind, const char *name)
{
	if (!names || !name || (unsigned int)kind >= NS_NAMES__COUNT)
		return -1;
	for (size_t i = 0; i < names->n[kind]; i++)
		if (name_matches(kind, names->e[kind][i].name, name))
			return names->e[kind][i].value;
	return -1;
}

void ns_names_free(struct ns_names *names)
{
	if (!names)
		return;
	for (int k = 0; k < NS_NAMES__COUNT; k++) {
		for (size_t i = 0; i < names->n[k]; i++)
			free(names->e[k][i].name);
		free(names->e[k]);
		names->e[k] = NULL;
		names->n[k] = 0;
	}
}

/* --- BTF ---------------------------------------------------------------- */

struct enum_member {
	const char *name;
	uint64_t value;
};

static size_t enum_vlen(const struct btf_type *t)
{
	return btf_is_any_enum(t) ? btf_vlen(t) : 0;
}

/* Member i of an ENUM or ENUM64 (64-bit enums came with kernel 6.0). */
static struct enum_member enum_member(const struct btf *btf, const struct btf_type *t, size_t i)
{
	struct enum_member m;

	if (btf_is_enum(t)) {
		const struct btf_enum *e = btf_enum(t) + i;

		m.name = btf__name_by_offset(btf, e->name_off);
		/* 32-bit values; drop reasons with subsystem bits look negative
		 * in a signed enum, so take the bits, not the sign */
		m.value = (uint32_t)e->val;
	} else {
		const struct btf_enum64 *e = btf_enum64(t) + i;

		/* struct btf_enum64 is { name_off, val_lo32, val_hi32 } */
		m.name = btf__name_by_offset(btf, *(const uint32_t *)e);
		m.value = btf_enum64_value(e);
	}
	if (!m.name)
		m.name = "";
	return m;
}

static bool enum_has(const struct btf *btf, const struct btf_type *t, const char *name)
{
	for (size_t i = 0; i < enum_vlen(t); i++)
		if (!strcmp(enum_member(btf, t, i).name, name))
			return true;
	return false;
}

/*
 * Add the members of enum t to the table of `kind`: names with `prefix`
 * stripped (or `suffix` cut), skipping the members `skip` says are not values.
 * With subsys_only, only values with subsystem bits are taken.
 */
static int add_enum(struct ns_names *names, enum ns_name_kind kind, const struct btf *btf,
		    const struct btf_type *t, const char *prefix, const char *suffix,
		    bool (*skip)(const char *name), bool subsys_only)
{
	char buf[256];

	for (size_t i = 0; i < enum_vlen(t); i++) {
		struct enum_member m = enum_member(btf, t, i);
		const char *name = m.name;
		int err;

		if (!*name || m.value > UINT32_MAX || (skip && skip(name)))
			continue;
		if (subsys_only && !(m.value >> 16))
			continue;
		if (prefix && starts_with(name, prefix) && name[strlen(prefix)])
			name += strlen(prefix);
		if (suffix && ends_with(name, suffix) && strlen(name) > strlen(suffix)) {
			snprintf(buf, sizeof(buf), "%.*s", (int)(strlen(name) - strlen(suffix)), name);
			name = buf;
		}
		err = ns_names_add(names, kind, (uint32_t)m.value, name);
		if (err)
			return err;
	}
	return 0;
}

/* SKB_DROP_REASON_MAX, SKB_DROP_REASON_SUBSYS_MASK: bounds, not reasons */
static bool skip_drop_core(const char *name)
{
	return starts_with(name, DROP_PREFIX "SUBSYS_") || !strcmp(name, DROP_PREFIX "MAX");
}

/* __OVS_DROP_REASON (the subsystem base), OVS_DROP_REASON_MAX, aliases */
static bool skip_drop_subsys(const char *name)
{
	return starts_with(name, "__") || ends_with(name, "_MAX") || strstr(name, "SUBSYS");
}

static bool skip_tcp_state(const char *name)
{
	return !strcmp(name, "TCP_MAX_STATES");
}

static bool skip_rst(const char *name)
{
	return !strcmp(name, RST_PREFIX "MAX");
}

static bool skip_softirq(const char *name)
{
	return !strcmp(name, "NR_SOFTIRQS");
}

int ns_names_from_btf(struct ns_names *names, const struct btf *btf)
{
	bool have_tcp = false, have_softirq = false;
	__u32 n;
	int err;

	if (!names || !btf)
		return -EINVAL;
	n = btf__type_cnt(btf);
	/* module BTF is split: its own types follow those of vmlinux */
	for (__u32 id = btf__base_btf(btf) ? btf__type_cnt(btf__base_btf(btf)) : 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *tname;

		if (!t || !btf_is_any_enum(t))
			continue;
		tname = btf__name_by_offset(btf, t->name_off);
		if (!tname)
			tname = "";
		err = 0;
		if (!strcmp(tname, "skb_drop_reason")) {
			err = add_enum(names, NS_NAMES_DROP_REASON, btf, t, DROP_PREFIX, NULL,
				       skip_drop_core, false);
		} else if (ends_with(tname, "_drop_reason")) {
			err = add_enum(names, NS_NAMES_DROP_REASON, btf, t, NULL, NULL,
				       skip_drop_subsys, true);
		} else if (!strcmp(tname, "sk_rst_reason")) {
			err = add_enum(names, NS_NAMES_RST_REASON, btf, t, RST_PREFIX, NULL, skip_rst,
				       false);
		} else if (!have_tcp && enum_has(btf, t, "TCP_ESTABLISHED") &&
			   enum_has(btf, t, "TCP_CLOSE")) {
			/* BPF_TCP_ESTABLISHED... (uapi bpf.h) never match these names */
			have_tcp = true;
			err = add_enum(names, NS_NAMES_TCP_STATE, btf, t, NULL, NULL, skip_tcp_state,
				       false);
		} else if (!have_softirq && enum_has(btf, t, "HI_SOFTIRQ")) {
			have_softirq = true;
			err = add_enum(names, NS_NAMES_SOFTIRQ, btf, t, NULL, SOFTIRQ_SUFFIX,
				       skip_softirq, false);
		}
		if (err)
			return err;
	}
	for (int k = 0; k < NS_NAMES__COUNT; k++)
		if (names->n[k])
			return 0;
	return -ENOENT;
}

int ns_names_from_kernel(struct ns_names *names)
{
	struct btf *vmlinux;
	struct dirent *de;
	DIR *dir;
	int err;

	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return -errno;
	err = ns_names_from_btf(names, vmlinux);
	/* subsystem drop reasons live in modules (openvswitch, mac80211) */
	dir = opendir("/sys/kernel/btf");
	while (dir && (de = readdir(dir))) {
		char path[512];
		struct btf *mod;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/btf/%s", de->d_name);
		mod = btf__parse_split(path, vmlinux);
		if (!mod)
			continue; /* a module unloaded meanwhile: not worth failing */
		if (!ns_names_from_btf(names, mod))
			err = 0;
		btf__free(mod);
	}
	if (dir)
		closedir(dir);
	btf__free(vmlinux);
	return err;
}
