/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The syscalls view's result: the socket-related calls the trace saw
 * (NS_EV_SYSCALL enter/exit pairs), per namespace, process name and
 * syscall: calls, errors and the most common one, time in the call
 * (render/syscalls_out.c).  The analysis is analysis/syscalls.h.
 */
#ifndef NS_ANALYSIS_RESULT_SYSCALLS_H
#define NS_ANALYSIS_RESULT_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYS_NAME_LEN 32

/* One (namespace, comm, syscall): completed calls, an enter matched to its exit. */
struct sys_row {
	uint32_t netns;		/* inode of the calling task's namespace at enter */
	char label[16];		/* the lab's label of it ("a"), "" when not the lab's */
	char comm[16];
	char name[SYS_NAME_LEN]; /* "sendto"; "syscall#N" when the trace does not name it */
	uint32_t nr;
	uint64_t calls;
	uint64_t errors;	/* returned < 0 */
	char top_error[SYS_NAME_LEN]; /* the most common error, "EAGAIN"; "" when none */
	uint64_t top_error_count;
	uint64_t total_ns, max_ns; /* enter -> exit */
};

struct sys_netns {
	uint32_t inode;
	char name[64];		/* "netscope-123-a" of the metadata "lab.netns", or "" */
	char label[16];		/* "a", or "" */
	uint64_t calls, errors, total_ns;
};

/* A syscall seen, over every namespace and process. */
struct sys_name {
	char name[SYS_NAME_LEN];
	uint64_t calls;
};

struct syscalls_result {
	uint64_t events;	/* NS_EV_SYSCALL events: 0 means the trace was recorded without */
	uint64_t enters, exits;
	/* rows in the order of ns below, then by calls (descending), then first seen */
	struct sys_row *rows;
	size_t n_rows;
	/* the lab's namespaces first, by label, then the others by inode */
	struct sys_netns *ns;
	size_t n_ns;
	/* the syscalls seen, by calls: the capture keeps only socket-related
	 * numbers (trace/syscalls.c), so each one of them could touch a socket */
	struct sys_name *names;
	size_t n_names;
	uint64_t unmatched_exits;  /* an exit with no pending enter of its tid and number */
	uint64_t unmatched_enters; /* an enter followed by another enter of its tid: exit lost */
	uint64_t open_at_end;	   /* in the call when the trace ended (blocked in a wait) */
	uint64_t reordered;	   /* exit stamped before its enter (other CPU): time taken as 0 */
	uint64_t rows_overflow;	   /* calls of rows beyond the cap: not counted */
	uint64_t tids_evicted;	   /* pending-enter table full: the oldest was dropped */
	size_t tids_max;
};

void syscalls_result_free(struct syscalls_result *r);

#endif
