/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "syscalls" view as text and as JSON (schema: docs/views.md).  Both
 * read only struct syscalls_result.
 */
#ifndef NS_RENDER_SYSCALLS_OUT_H
#define NS_RENDER_SYSCALLS_OUT_H

#include <stdio.h>
#include "analysis/result_syscalls.h"
#include "common/json.h"

/* Per namespace, a row per (comm, syscall): calls, errors, time; `top` rows
 * per namespace (0 or UINT_MAX: all).  Without syscall events, how to record them. */
void syscalls_print_text(FILE *out, const struct syscalls_result *r, unsigned int top);
/* One JSON object (the caller places it); every row; times in ns. */
void syscalls_print_json(struct json_writer *w, const struct syscalls_result *r);

#endif
