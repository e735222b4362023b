/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which layer of the network stack a kernel function belongs to, and
 * whether it marks receive or transmit work: kernel knowledge kept as data
 * (data/layers.rules, data/directions.rules, compiled into the binary),
 * loadable from a file too (--layers FILE).
 *
 * Rules are GLOB<TAB>VALUE lines, fnmatch(3) globs over function names,
 * first match wins, '#' starts a comment.  Names are matched with their
 * compiler clone suffix cut (ep_item_poll.isra.0 is ep_item_poll), and
 * every answer is cached: classification runs once per stack frame.
 */
#ifndef NS_ANALYSIS_LAYER_RULES_H
#define NS_ANALYSIS_LAYER_RULES_H

#include <stddef.h>

/*
 * The fixed layer set, top (syscall) to bottom (softirq), then the two
 * that sit beside every level: memory (skb, slab and page allocation and
 * freeing) and other (no rule: locks, scheduler, tracing frames).
 */
enum ns_layer {
	NS_LAYER_SYSCALL,
	NS_LAYER_SOCKET,
	NS_LAYER_TCP,
	NS_LAYER_UDP,
	NS_LAYER_ICMP,
	NS_LAYER_IP,		/* L3: IP, routing, netfilter */
	NS_LAYER_NEIGHBOUR,
	NS_LAYER_DEVICE,	/* L2: net_device, qdisc, GRO, backlog */
	NS_LAYER_DRIVER,	/* NAPI polling, veth, loopback, NIC drivers */
	NS_LAYER_SOFTIRQ,	/* softirq and irq entry, the syscall entry code */
	NS_LAYER_MEMORY,
	NS_LAYER_OTHER,
	NS_LAYER__N
};

enum ns_dir {
	NS_DIR_NONE,		/* no marker: direction unknown */
	NS_DIR_RX,
	NS_DIR_TX,
};

/* "syscall", "tcp", ... as written in the rules files */
const char *ns_layer_name(enum ns_layer l);
/* the layer named name, or -1 */
int ns_layer_from_name(const char *name);
/*
 * The layer's level in the stack, top down: syscall 0, socket 2, tcp, udp
 * and icmp 4 (L4 is one level), ip 6, neighbour 7, device 8, driver 10,
 * softirq 12; -1 for memory and other, which have none.  neighbour is the
 * odd one, half-way: IP reaches the device through it only while the
 * hardware header is not cached (neigh_hh_output() is inlined into
 * ip_finish_output2()), and receive goes from device to ip directly.
 */
int ns_layer_level(enum ns_layer l);
/* a and b are next to each other in the stack: their levels differ by 1 or 2 */
int ns_layer_adjacent(enum ns_layer a, enum ns_layer b);
/* "RX", "TX", "?" */
const char *ns_dir_name(enum ns_dir d);

enum layer_rules_kind {
	LAYER_RULES_LAYERS,	/* GLOB<TAB>LAYER: data/layers.rules */
	LAYER_RULES_MARKERS,	/* GLOB<TAB>RX|TX: data/directions.rules */
};

struct layer_rules;

/* no rules: every function is 'other' with no marker */
struct layer_rules *layer_rules__new(void);
/*
 * The rules compiled into netscope (data/layers.rules and
 * data/directions.rules).  NULL with errno set; a message in err.
 */
struct layer_rules *layer_rules__builtin(char *err, size_t errlen);
/*
 * Append the rules in text, named origin in messages.  Returns 0, or
 * -EINVAL with "origin:LINE: what is wrong" in err, and then no rule of
 * text is kept; -ENOMEM.
 */
int layer_rules__parse(struct layer_rules *r, enum layer_rules_kind kind, const char *text,
		       const char *origin, char *err, size_t errlen);
/* layer_rules__parse() of a file; -errno with a message when it cannot be read */
int layer_rules__load_file(struct layer_rules *r, enum layer_rules_kind kind, const char *path,
			   char *err, size_t errlen);
/* forget the rules of kind (to replace the built-in ones by a file's) */
void layer_rules__clear(struct layer_rules *r, enum layer_rules_kind kind);
size_t layer_rules__count(const struct layer_rules *r, enum layer_rules_kind kind);
void layer_rules__free(struct layer_rules *r);

/*
 * A second opinion from the source index: the file a function is defined
 * in (NULL when unknown), whose path layer (layer_of_path()) is used for
 * the functions no rule names.  Function rules win over paths because
 * one file holds several layers: net/core/dev.c has the device layer,
 * the NAPI poll loop and the NET_RX softirq handler.
 */
typedef const char *(*layer_rules_file_of_fn)(void *arg, const char *function);
void layer_rules__set_file_of(struct layer_rules *r, layer_rules_file_of_fn file_of, void *arg);

/* function's layer; NS_LAYER_OTHER when nothing says */
enum ns_layer layer_rules__classify(struct layer_rules *r, const char *function);
/* function's direction marker; NS_DIR_NONE when it is none */
enum ns_dir layer_rules__marker(struct layer_rules *r, const char *function);

/*
 * The layer of a kernel source file, from the source index's path layers
 * (src/index/layers.c: "TCP", "IPv4", "device", "socket", ...) mapped onto
 * the fixed set; NS_LAYER_OTHER for paths that map to none.
 */
enum ns_layer layer_of_path(const char *path);
/* the same from an index layer name ("TCP (IPv6)" -> tcp) */
enum ns_layer layer_of_index_layer(const char *ix_layer_name);

#endif
