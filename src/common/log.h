/* SPDX-License-Identifier: GPL-2.0 */
/* Messages to the user: one error printer that speaks text and JSON. */
#ifndef NS_LOG_H
#define NS_LOG_H

#include <stdarg.h>
#include <stdbool.h>

extern int ns_verbose;		/* -v: 1, -vv: 2 */
extern bool ns_json_errors;	/* --json: errors are JSON objects on stderr */

/* "netscope: error: <msg>" (git's wording: what is wrong first, lower case) */
void ns_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ns_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* printed only with -v (level 1) or -vv (level 2) */
void ns_dbg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* libbpf's print callback: its messages (verifier logs too) only with -v/-vv */
int ns_libbpf_print(int level, const char *fmt, va_list ap);

#endif
