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

#include "analysis/result_layers.h"

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
 * A second opinion from the source index: the index's layer of the file a
 * function is defined in ("TCP", "device": src/index/layers.c; NULL when
 * unknown), used for the functions no rule names.  A hook, so that the
 * analyses stay below the index (the glue in cmd/ asks it).  Function rules win over paths because
 * one file holds several layers: net/core/dev.c has the device layer,
 * the NAPI poll loop and the NET_RX softirq handler.
 */
typedef const char *(*layer_rules_index_layer_fn)(void *arg, const char *function);
void layer_rules__set_index_layer(struct layer_rules *r, layer_rules_index_layer_fn index_layer,
				  void *arg);

/* function's layer; NS_LAYER_OTHER when nothing says */
enum ns_layer layer_rules__classify(struct layer_rules *r, const char *function);
/* function's direction marker; NS_DIR_NONE when it is none */
enum ns_dir layer_rules__marker(struct layer_rules *r, const char *function);

/*
 * The source index's layer names (src/index/layers.c: "TCP", "IPv4",
 * "device", "socket", "TCP (IPv6)", ...) mapped onto the fixed set;
 * NS_LAYER_OTHER for the names that map to none.
 */
enum ns_layer layer_of_index_layer(const char *ix_layer_name);

#endif
