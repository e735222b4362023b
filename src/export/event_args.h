/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An event's fields as named arguments (Perfetto debug annotations, Chrome
 * JSON "args"), listed once so both formats carry the same keys.  Fields
 * the event does not have are left out; type-specific ones come as
 * "detail", the text `netscope trace` prints (render/event_line.c), so an
 * event type added later is described without a change here.
 */
#ifndef NS_EXPORT_EVENT_ARGS_H
#define NS_EXPORT_EVENT_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "render/event_line.h"
#include "trace/tracefile.h"

struct arg_sink {
	void *ctx;
	void (*str)(void *ctx, const char *key, const char *v);
	void (*uint)(void *ctx, const char *key, uint64_t v);
	void (*sint)(void *ctx, const char *key, int64_t v);
	void (*ptr)(void *ctx, const char *key, uint64_t v);	/* a kernel address */
	void (*boolean)(void *ctx, const char *key, bool v);
	void (*strs)(void *ctx, const char *key, const char *const *v, size_t n);
};

/* the keys, for interning: every key event_args() may pass, NULL-terminated */
extern const char *const event_arg_keys[];

/*
 * Call the sink once per field of ev.  With tr, the event's kernel stack
 * (if the trace has it) comes as "stack", innermost frame first.
 */
void event_args(const struct event_fmt *fmt, struct tracefile_reader *tr,
		const struct ns_event *ev, const struct arg_sink *s);

/* kmem events (export/event_args_kmem.c): their fields under their own names */
bool event_args_is_kmem(const struct ns_event *ev);
void event_args_kmem(const struct event_fmt *fmt, const struct ns_event *ev, const struct arg_sink *s);

#endif
