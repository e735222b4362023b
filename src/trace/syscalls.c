// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include "trace/syscalls.h"

/*
 * The calls an application makes on a socket's life: create, connect or
 * accept, move data (the socket calls and the generic fd ones: read/write
 * work on sockets and are what many programs use), wait for readiness, set
 * options, close.  Each entry exists only where <sys/syscall.h> defines
 * SYS_<name> for this architecture.
 */
#define S(name) { SYS_##name, #name },
static const struct ns_syscall table[] = {
#ifdef SYS_socket
	S(socket)
#endif
#ifdef SYS_connect
	S(connect)
#endif
#ifdef SYS_accept
	S(accept)
#endif
#ifdef SYS_accept4
	S(accept4)
#endif
#ifdef SYS_bind
	S(bind)
#endif
#ifdef SYS_listen
	S(listen)
#endif
#ifdef SYS_sendto
	S(sendto)
#endif
#ifdef SYS_recvfrom
	S(recvfrom)
#endif
#ifdef SYS_sendmsg
	S(sendmsg)
#endif
#ifdef SYS_recvmsg
	S(recvmsg)
#endif
#ifdef SYS_sendmmsg
	S(sendmmsg)
#endif
#ifdef SYS_recvmmsg
	S(recvmmsg)
#endif
#ifdef SYS_read
	S(read)
#endif
#ifdef SYS_write
	S(write)
#endif
#ifdef SYS_readv
	S(readv)
#endif
#ifdef SYS_writev
	S(writev)
#endif
#ifdef SYS_close
	S(close)
#endif
#ifdef SYS_shutdown
	S(shutdown)
#endif
#ifdef SYS_poll
	S(poll)
#endif
#ifdef SYS_ppoll
	S(ppoll)
#endif
#ifdef SYS_select
	S(select)
#endif
#ifdef SYS_pselect6
	S(pselect6)
#endif
#ifdef SYS_epoll_wait
	S(epoll_wait)
#endif
#ifdef SYS_epoll_pwait
	S(epoll_pwait)
#endif
#ifdef SYS_epoll_pwait2
	S(epoll_pwait2)
#endif
#ifdef SYS_epoll_ctl
	S(epoll_ctl)
#endif
#ifdef SYS_setsockopt
	S(setsockopt)
#endif
#ifdef SYS_getsockopt
	S(getsockopt)
#endif
};
#undef S

#define TABLE_N (sizeof(table) / sizeof(table[0]))

const struct ns_syscall *ns_syscall_table(size_t *n)
{
	*n = TABLE_N;
	return table;
}

const char *ns_syscall_name(uint32_t nr)
{
	for (size_t i = 0; i < TABLE_N; i++)
		if (table[i].nr == nr)
			return table[i].name;
	return NULL;
}

int64_t ns_syscall_by_name(const char *name)
{
	for (size_t i = 0; i < TABLE_N; i++)
		if (!strcmp(table[i].name, name))
			return table[i].nr;
	return -1;
}

int ns_syscall_mask(uint64_t *mask, size_t words)
{
	int set = 0;

	memset(mask, 0, words * sizeof(*mask));
	for (size_t i = 0; i < TABLE_N; i++) {
		uint32_t nr = table[i].nr;

		if (nr / 64 >= words || (mask[nr / 64] & (1ull << (nr % 64))))
			continue;
		mask[nr / 64] |= 1ull << (nr % 64);
		set++;
	}
	return set;
}

void ns_syscall_describe(char *buf, size_t len)
{
	size_t off = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < TABLE_N && off < len; i++) {
		int n = snprintf(buf + off, len - off, "%s%u=%s", off ? "," : "", table[i].nr,
				 table[i].name);

		if (n < 0 || (size_t)n >= len - off) {
			buf[off] = '\0';
			break;
		}
		off += n;
	}
}
