/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CTF export's event classes: which CTF event each netscope event
 * becomes, with which fields, read from the mapping table data/lttng.rules
 * (netscope event -> LTTng event name and fields).  Event types the table
 * does not name become a class of their own name carrying every field of
 * the record, so a new event type is exported before anyone maps it.
 */
#ifndef NS_EXPORT_CTF_MAP_H
#define NS_EXPORT_CTF_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "trace/model.h"	/* struct ns_event */

/* where a field's value comes from */
enum ctf_src_kind {
	CTF_SRC_INT,		/* an integer member of struct ns_event */
	CTF_SRC_ZERO,		/* a field LTTng has and netscope does not know: 0 */
	CTF_SRC_ADDR,		/* saddr/daddr: a sequence of the family's 4 or 16 bytes */
	CTF_SRC_TEXT16,		/* comm: char[16], zero-filled after the first NUL */
	CTF_SRC_STRING,		/* ifname: NUL-terminated string */
	CTF_SRC_LOCATION_SYM,	/* "symbol+0xoff" of location, "" when unknown */
};

struct ctf_src {
	const char *name;	/* as the rules spell it */
	enum ctf_src_kind kind;
	uint16_t off;		/* offset in struct ns_event */
	uint8_t size;		/* bytes of an integer */
	bool is_signed, hex, big_endian;
};

/* the sources, in struct ns_event order; NULL-terminated by name */
extern const struct ctf_src ctf_srcs[];
const struct ctf_src *ctf_src_find(const char *name);

struct ctf_field {
	char *name;		/* CTF field name (written with a leading '_') */
	const struct ctf_src *src;
	int enum_kind;		/* enum ns_name_kind naming the values, or -1 */
};

enum ctf_class_kind {
	CTF_CLASS_EVENT,	/* an `event` rule: a netscope event under its LTTng name */
	CTF_CLASS_NATIVE,	/* no rule: the netscope name, every field */
	CTF_CLASS_UNKNOWN,	/* types this build has no name for: every field and the type */
	CTF_CLASS_TCP_SEGMENT,	/* a `tcp_segment` rule: one more event per TCP segment */
	CTF_CLASS_PROCESS,	/* the `process` rule: the state dump of the threads seen */
};

struct ctf_class {
	char *name;
	uint16_t id;		/* the CTF event id */
	enum ctf_class_kind kind;
	int ns_type;		/* the netscope event it comes from, -1 for process/unknown */
	/* an `event NETSCOPE/AUX` rule: only the events of that type whose aux is
	 * this (irq_vector_entry/local_timer: which irq_vectors tracepoint) */
	bool by_aux;
	int32_t aux;
	struct ctf_field *f;
	size_t nf;
	size_t max_size;	/* bytes of its largest payload */
	/* an `event ... when SOURCE&MASK` rule: the events whose SOURCE has a bit of
	 * MASK set take this class, the others the type's rule without `when` */
	const struct ctf_src *when_src;
	uint64_t when_mask;
};

/* CTF ids: event types keep their number, the other classes follow NS_EV_SLOTS */
#define CTF_ID_UNKNOWN 0	/* NS_EV_NONE is never captured */
#define CTF_ID_EXTRA NS_EV_SLOTS

struct ctf_map {
	struct ctf_class *cls;			/* every class, by id order */
	size_t n;
	struct ctf_class *by_type[NS_EV__COUNT];	/* index 0: the unknown class */
	struct ctf_class *segment[NS_EV__COUNT];	/* tcp_segment class of a type, or NULL */
	struct ctf_class *when[NS_EV__COUNT];	/* a type's `when` class, or NULL */
	struct ctf_class *process;		/* NULL when the table has no process rule */
	struct ctf_class **aux_cls;		/* the by_aux classes */
	size_t n_aux;
	bool has_aux[NS_EV__COUNT];		/* a type some by_aux class names */
};

/* the class an event is written as: its (type, aux) rule, else its type's `when` rule when the
 * event's field has a bit of the mask, else its type's, else the unknown one */
const struct ctf_class *ctf_map_class(const struct ctf_map *m, const struct ns_event *ev);

/*
 * Build the classes from a rules text (origin names it in messages:
 * "data/lttng.rules").  0, or a negative errno and err says which line
 * and why.  Every netscope event type gets a class.
 */
int ctf_map_build(struct ctf_map *m, const char *rules, const char *origin, char *err, size_t errlen);
/* the built-in table, data/lttng.rules */
int ctf_map_builtin(struct ctf_map *m, char *err, size_t errlen);
void ctf_map_free(struct ctf_map *m);

#endif
