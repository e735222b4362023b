/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "syscalls" view: the socket-related syscalls of a trace recorded
 * with --events ...,syscalls.  Each exit (NS_EV_SYSCALL, aux2 =
 * NS_SYSCALL_EXIT, aux = the return value) is matched to the last enter of
 * the same tid, when that enter has the same syscall number; a call is
 * counted at its exit, in the namespace and under the comm of its enter.
 *
 * Memory is bounded: pending enters sit in a table of at most
 * SYSCALLS_TIDS_MAX tids (the oldest is evicted and counted), rows are
 * capped at SYSCALLS_ROWS_MAX.
 */
#ifndef NS_ANALYSIS_SYSCALLS_H
#define NS_ANALYSIS_SYSCALLS_H

#include <stddef.h>
#include "analysis/report.h"
#include "analysis/result_syscalls.h"
#include "trace/model.h"

#define SYSCALLS_TIDS_MAX 65536	/* default threads with a pending enter at once */
#define SYSCALLS_ROWS_MAX 65536	/* (namespace, comm, syscall) rows */

struct syscalls_an;

/* ctx names the syscalls (metadata "capture.syscalls") and the lab's
 * namespaces; may be NULL.  tids_max 0: SYSCALLS_TIDS_MAX.  NULL: no memory. */
struct syscalls_an *syscalls_new(const struct report_ctx *ctx, size_t tids_max);
void syscalls_feed(struct syscalls_an *s, const struct ns_event *ev);
/* Fill out; 0 or -ENOMEM.  Free out with syscalls_result_free(). */
int syscalls_finish(struct syscalls_an *s, struct syscalls_result *out);
void syscalls_free(struct syscalls_an *s);
/* "EAGAIN" for 11; "ERESTARTSYS" and its kin (the kernel's, seen at sys_exit
 * before a signal restarts the call); "errno#N" when unknown */
const char *syscalls_errno_name(int err, char *buf, size_t len);

#endif
