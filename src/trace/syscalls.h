/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The socket-related syscalls netscope reports (NS_EV_SYSCALL): their names
 * and numbers.  Numbers differ per architecture (connect is 42 on x86_64,
 * 203 on arm64), so the table is built from <sys/syscall.h> of this build,
 * never written as numbers; a call the architecture lacks (poll, select on
 * arm64) is simply not in it.
 */
#ifndef NS_SYSCALLS_H
#define NS_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>

struct ns_syscall {
	uint32_t nr;
	const char *name;
};

/* the table, in the order of the list in syscalls.c; *n set to its length */
const struct ns_syscall *ns_syscall_table(size_t *n);
/* NULL for a number not in the table */
const char *ns_syscall_name(uint32_t nr);
/* -1 for a name not in the table (or not on this architecture) */
int64_t ns_syscall_by_name(const char *name);
/*
 * Set the bit of every syscall of the table in mask (words of 64 bits,
 * bit nr % 64 of word nr / 64); numbers at or above words * 64 are left
 * out.  Returns the number of bits set.
 */
int ns_syscall_mask(uint64_t *mask, size_t words);
/* "41=socket,42=connect,..." for a trace's metadata: the mapping it was
 * captured with, so a reader on another architecture names them right */
void ns_syscall_describe(char *buf, size_t len);

#endif
