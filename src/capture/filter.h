/* SPDX-License-Identifier: GPL-2.0 */
/* Parsing of the capture filters and the event list given on the command line. */
#ifndef NS_FILTER_H
#define NS_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include "capture/session.h"

/*
 * Each returns 0, or -EINVAL with a message in err naming the bad value.
 * --netns takes a name under /run/netns, the inode number of an existing
 * namespace, or "all" (then *all is set and no namespace filter applies);
 * *all comes in set when "all" was given before: it takes no other value.
 */
int filter_parse_netns(struct capture_filter *f, const char *arg, int *all, char *err, size_t len);
int filter_parse_host(struct capture_filter *f, const char *arg, char *err, size_t len);
int filter_parse_port(struct capture_filter *f, const char *arg, char *err, size_t len);
int filter_parse_proto(struct capture_filter *f, const char *arg, char *err, size_t len);
int filter_parse_ifname(struct capture_filter *f, const char *arg, char *err, size_t len);
int filter_parse_pid(struct capture_filter *f, const char *arg, char *err, size_t len);
/* comma-separated event names or groups (net, skb, tcp, sock, udp, irq, napi,
 * qdisc, syscalls), "default" or "all" (every group but syscalls); a leading
 * '-' removes: "default,-softirq_raise".  cpu_sample is refused: --sample-freq
 * turns it on */
int events_parse(const char *list, uint64_t *mask, char *err, size_t len);
/* "netns=4026532281,port=80" — what the filters are, for reports */
void filter_describe(const struct capture_filter *f, char *buf, size_t len);

#endif
