/* SPDX-License-Identifier: GPL-2.0 */
/* One event as one line of text (in the spirit of pwru) or one JSON object. */
#ifndef NS_EVENT_LINE_H
#define NS_EVENT_LINE_H

#include <stdint.h>
#include <stdio.h>
#include "trace/model.h"
#include "trace/ksyms.h"
#include "trace/names.h"

struct event_fmt {
	const struct ns_names *names;
	const struct ksyms *ksyms; /* NULL: addresses stay numeric */
	uint64_t t0_ns;		   /* times are shown relative to this */
};

/* "schema_version" of each event_json_print() line (docs/EVENTS.md): keys are only added */
#define EVENT_JSON_SCHEMA 1

void event_line_header(FILE *out);
void event_line_print(FILE *out, const struct event_fmt *fmt, const struct ns_event *ev);
void event_json_print(FILE *out, const struct event_fmt *fmt, const struct ns_event *ev,
		      const uint64_t *stack, int nframes);
/* "198.18.0.1:80" / "[::1]:80"; ports left out for ICMP and when absent */
const char *event_endpoint(const struct ns_event *ev, int dst, char *buf, size_t len);
/* "TCP", "UDP", "ICMP", "ARP", "IP", or "-": the PROTO column */
const char *event_proto(const struct ns_event *ev);
/* type-specific details: "reason=NO_SOCKET at tcp_v4_rcv+0x96" */
const char *event_detail(const struct event_fmt *fmt, const struct ns_event *ev, char *buf, size_t len);

#endif
