/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of kernel enum values (drop reasons, TCP states, reset reasons,
 * softirq vectors), read from the running kernel's BTF, never hard-coded:
 * enum skb_drop_reason is not stable ABI (values reordered between kernels,
 * subsystem bits in the upper 16 bits since 6.4).  A trace file stores the
 * tables it was captured with, so a report elsewhere names them right.
 */
#ifndef NS_NAMES_H
#define NS_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct btf;

enum ns_name_kind {
	NS_NAMES_DROP_REASON = 0, /* enum skb_drop_reason + *_drop_reason of subsystems */
	NS_NAMES_TCP_STATE,	  /* TCP_ESTABLISHED ... (anonymous enum in BTF) */
	NS_NAMES_RST_REASON,	  /* enum sk_rst_reason */
	NS_NAMES_SOFTIRQ,	  /* HI_SOFTIRQ ... NR_SOFTIRQS */
	NS_NAMES__COUNT,
};

struct ns_name_entry {
	uint32_t value;
	char *name; /* prefix stripped: "NO_SOCKET", "TCP_ESTABLISHED", "NET_RX" */
};

struct ns_names {
	struct ns_name_entry *e[NS_NAMES__COUNT];
	size_t n[NS_NAMES__COUNT];
};

const char *ns_name_kind_str(enum ns_name_kind kind); /* "drop_reason", ... */
int ns_name_kind_by_str(const char *s);		      /* -1 if unknown */
int ns_names_add(struct ns_names *names, enum ns_name_kind kind, uint32_t value, const char *name);
/*
 * Fill from BTF; returns 0, or negative errno when BTF lacks every table.
 * For split (module) BTF only the module's own types are read.
 */
int ns_names_from_btf(struct ns_names *names, const struct btf *btf);
/* vmlinux BTF plus every module's (/sys/kernel/btf/<module>), where
 * ovs_drop_reason and mac80211_drop_reason live */
int ns_names_from_kernel(struct ns_names *names);
/* NULL when the value has no name */
const char *ns_names_lookup(const struct ns_names *names, enum ns_name_kind kind, uint32_t value);
/* value by name (either with or without prefix); -1 if unknown */
int64_t ns_names_value(const struct ns_names *names, enum ns_name_kind kind, const char *name);
void ns_names_free(struct ns_names *names);

#endif
