// SPDX-License-Identifier: GPL-2.0
/*
 * The kmem events' fields as named arguments (export/event_args.h): the
 * record's generic members mean other things for them (docs/EVENTS.md:
 * skb_head is the object, sk the kmem_cache, len the bytes requested or
 * the page order, aux the bytes allocated, reason the GFP flags), so they
 * get the names `netscope trace --json` gives them (render/event_line.c)
 * instead of "sk" and "len".
 */
#include <stdio.h>
#include "export/event_args.h"
#include "trace/ksyms.h"

bool event_args_is_kmem(const struct ns_event *ev)
{
	return ev->type == NS_EV_KMEM_ALLOC || ev->type == NS_EV_KMEM_FREE ||
	       ev->type == NS_EV_PAGE_ALLOC || ev->type == NS_EV_PAGE_FREE;
}

void event_args_kmem(const struct event_fmt *fmt, const struct ns_event *ev, const struct arg_sink *s)
{
	bool slab = ev->type == NS_EV_KMEM_ALLOC || ev->type == NS_EV_KMEM_FREE;
	bool alloc = ev->type == NS_EV_KMEM_ALLOC || ev->type == NS_EV_PAGE_ALLOC;
	char buf[128];

	s->ptr(s->ctx, "ptr", ev->skb_head);
	if (ev->location && fmt->ksyms)
		s->str(s->ctx, "call_site", ksyms__fmt(fmt->ksyms, ev->location, buf, sizeof(buf)));
	else if (ev->location)
		s->ptr(s->ctx, "call_site", ev->location);
	if (slab) {
		s->boolean(s->ctx, "kmalloc", ev->aux2 & NS_KMEM_KMALLOC);
		if (ev->aux2 & NS_KMEM_CACHE_MASK)
			s->uint(s->ctx, "cache_id", ev->aux2 & NS_KMEM_CACHE_MASK);
		if (ev->sk)
			s->ptr(s->ctx, "kmem_cache", ev->sk);
		if (alloc)
			s->uint(s->ctx, "bytes_req", ev->len);
		s->sint(s->ctx, "bytes_alloc", ev->aux);
	} else {
		s->uint(s->ctx, "order", ev->len);
	}
	if (alloc)
		s->uint(s->ctx, "gfp_flags", ev->reason);
}
