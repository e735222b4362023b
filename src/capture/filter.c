// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include "capture/filter.h"
#include "common/parse.h"
#include "trace/model.h"

#define FAIL(...) do { snprintf(err, len, __VA_ARGS__); return -EINVAL; } while (0)

/*
 * A namespace lives while a process is in it or a file keeps it: look
 * for the inode in /proc/PID/ns/net and /run/netns (ip netns); one kept
 * only by an open descriptor or a bind mount elsewhere is not found.
 */
static bool netns_inode_exists(uint64_t ino)
{
	static const char *const dirs[][2] = { { "/proc", "/ns/net" }, { "/run/netns", "" } };
	bool found = false;

	for (size_t i = 0; i < 2 && !found; i++) {
		DIR *d = opendir(dirs[i][0]);
		struct dirent *de;

		if (!d)
			continue;
		while (!found && (de = readdir(d))) {
			char path[PATH_MAX];
			struct stat st;

			if (de->d_name[0] == '.' || (i == 0 && (de->d_name[0] < '0' || de->d_name[0] > '9')))
				continue;
			snprintf(path, sizeof(path), "%s/%s%s", dirs[i][0], de->d_name, dirs[i][1]);
			found = !stat(path, &st) && st.st_ino == ino;
		}
		closedir(d);
	}
	return found;
}

int filter_parse_netns(struct capture_filter *f, const char *arg, int *all, char *err, size_t len)
{
	char path[PATH_MAX];
	struct stat st;
	uint64_t ino;

	/* 'all' drops the filter: a namespace given with it would be ignored */
	if (!strcmp(arg, "all")) {
		if (f->netns_n)
			FAIL("bad --netns 'all': 'all' cannot be combined with other namespaces");
		*all = 1;
		return 0;
	}
	if (*all)
		FAIL("bad --netns '%s': 'all' cannot be combined with other namespaces", arg);
	if (f->netns_n >= NS_MAX_NETNS_FILTER)
		FAIL("too many --netns (at most %d)", NS_MAX_NETNS_FILTER);
	if (!ns_parse_u64(arg, UINT32_MAX, &ino) && ino) {
		if (!netns_inode_exists(ino))
			FAIL("bad --netns '%s': no network namespace has inode %s; give a name under "
			     "/run/netns, an inode number or 'all'", arg, arg);
		f->netns[f->netns_n++] = ino;
		return 0;
	}
	if (strchr(arg, '/'))
		snprintf(path, sizeof(path), "%s", arg);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", arg);
	if (stat(path, &st))
		FAIL("bad --netns '%s': %s is not a network namespace (%s); give a name under "
		     "/run/netns, an inode number or 'all'", arg, path, strerror(errno));
	f->netns[f->netns_n++] = st.st_ino;
	return 0;
}

int filter_parse_host(struct capture_filter *f, const char *arg, char *err, size_t len)
{
	memset(f->host, 0, sizeof(f->host));
	if (inet_pton(AF_INET, arg, f->host) == 1)
		f->host_family = AF_INET;
	else if (inet_pton(AF_INET6, arg, f->host) == 1)
		f->host_family = AF_INET6;
	else
		FAIL("bad --host '%s': not an IPv4 or IPv6 address", arg);
	return 0;
}

int filter_parse_port(struct capture_filter *f, const char *arg, char *err, size_t len)
{
	uint64_t v;

	if (ns_parse_u64(arg, 65535, &v) || !v)
		FAIL("bad --port '%s': expected a number from 1 to 65535", arg);
	f->port = v;
	return 0;
}

int filter_parse_proto(struct capture_filter *f, const char *arg, char *err, size_t len)
{
	if (!strcmp(arg, "tcp"))
		f->l4_proto = IPPROTO_TCP;
	else if (!strcmp(arg, "udp"))
		f->l4_proto = IPPROTO_UDP;
	else if (!strcmp(arg, "icmp"))
		f->l4_proto = IPPROTO_ICMP;
	else if (!strcmp(arg, "icmp6") || !strcmp(arg, "icmpv6"))
		f->l4_proto = IPPROTO_ICMPV6;
	else
		FAIL("bad --proto '%s': expected tcp, udp, icmp or icmp6", arg);
	return 0;
}

int filter_parse_ifname(struct capture_filter *f, const char *arg, char *err, size_t len)
{
	if (!*arg || strlen(arg) >= NS_IFNAME_LEN || strchr(arg, '/') || strchr(arg, ' '))
		FAIL("bad --ifname '%s': interface names are 1 to 15 characters without '/' or spaces",
		     arg);
	snprintf(f->ifname, sizeof(f->ifname), "%s", arg);
	return 0;
}

int filter_parse_pid(struct capture_filter *f, const char *arg, char *err, size_t len)
{
	uint64_t v;

	if (ns_parse_u64(arg, INT32_MAX, &v) || !v)
		FAIL("bad --pid '%s': expected a process id", arg);
	f->pid = v;
	return 0;
}

int events_parse(const char *list, uint64_t *mask, char *err, size_t len)
{
	char *copy = strdup(list), *save = NULL, *tok;
	uint64_t m = 0;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		bool remove = *tok == '-';
		const char *name = tok + remove;
		uint64_t bits = 0;
		int id;

		/* "all": every packet and CPU tracepoint; syscalls (per task,
		 * many) and kmem (every allocation of the machine goes through
		 * its filter) only when named, cpu samples only with --sample-freq */
		if (!strcmp(name, "all")) {
			for (int i = 1; i < NS_EV__COUNT; i++)
				if (ns_event_known(i))
					bits |= 1ull << i;
			bits &= ~(1ull << NS_EV_CPU_SAMPLE) & ~(1ull << NS_EV_SYSCALL) &
				~capture_kmem_events();
		} else if (!strcmp(name, "default"))
			bits = capture_default_events();
		/* the slab events; the page ones (every page of the machine goes
		 * through their filter, for the few skb page frags) by their own name */
		else if (!strcmp(name, "kmem"))
			bits = (1ull << NS_EV_KMEM_ALLOC) | (1ull << NS_EV_KMEM_FREE);
		else if (!strcmp(name, "kmem-pages"))
			bits = (1ull << NS_EV_PAGE_ALLOC) | (1ull << NS_EV_PAGE_FREE);
		else if ((id = ns_event_by_name(name)) > 0)
			bits = 1ull << id;
		else
			for (int i = 1; i < NS_EV__COUNT; i++)
				if (!strcmp(ns_event_group(i), name))
					bits |= 1ull << i;
		if (!bits) {
			snprintf(err, len, "bad --events: unknown event or group '%s'", name);
			ret = -EINVAL;
			break;
		}
		if (bits & (1ull << NS_EV_CPU_SAMPLE)) {
			snprintf(err, len, "bad --events: '%s': cpu samples are turned on by "
				 "--sample-freq HZ", name);
			ret = -EINVAL;
			break;
		}
		m = remove ? m & ~bits : m | bits;
	}
	free(copy);
	if (!ret && !m) {
		snprintf(err, len, "bad --events '%s': selects no event", list);
		ret = -EINVAL;
	}
	if (!ret)
		*mask = m;
	return ret;
}

void filter_describe(const struct capture_filter *f, char *buf, size_t len)
{
	size_t off = 0;
	char addr[INET6_ADDRSTRLEN];

#define ADD(...) off += snprintf(buf + off, off < len ? len - off : 0, __VA_ARGS__)
	buf[0] = '\0';
	if (!f->netns_n)
		ADD("netns=all");
	for (unsigned int i = 0; i < f->netns_n; i++)
		ADD("%snetns=%u", off ? "," : "", f->netns[i]);
	if (f->pid)
		ADD(",pid=%u", f->pid);
	if (f->l4_proto)
		ADD(",proto=%u", f->l4_proto);
	if (f->port)
		ADD(",port=%u", f->port);
	if (f->host_family && inet_ntop(f->host_family, f->host, addr, sizeof(addr)))
		ADD(",host=%s", addr);
	if (f->ifname[0])
		ADD(",ifname=%s", f->ifname);
#undef ADD
}
