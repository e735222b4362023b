// SPDX-License-Identifier: GPL-2.0
/*
 * The lab over two real devices (--devices DEV_A,DEV_B): instead of a veth
 * pair, the caller's two devices are moved into the lab's namespaces,
 * DEV_A into ns a and DEV_B into ns b, and given back at the end.  Two
 * NICs on one wire (or one QEMU hub) then carry the lab's packets the way
 * a real network does: the receiving device's interrupt, its NAPI poll,
 * GRO, netif_receive_skb, where veth has only the sender's backlog.
 *
 * A device leaves its namespace with `ip link set dev X netns NS`; the
 * kernel sets it down and drops its addresses and per-device sysctls on
 * the way (dev_change_net_namespace(), net/core/dev.c), so only spare
 * devices are taken: never loopback (it cannot move), never veth (the lab
 * makes its own), never one in use (an address, or a port of a bridge or
 * bond), since moving it would cut whatever used it.
 *
 * Giving back is explicit and synchronous, `ip -n NS link set dev X netns
 * <our pid>`, then up again if it was up: when a namespace dies the kernel
 * also pushes its physical devices back, but to the initial namespace
 * only, later (a workqueue, default_device_exit_net()) and renamed to
 * devN on a name clash.  After a SIGKILL the next start finds the stale
 * namespace and gives its devices back the same way before removing it
 * (lab_devices_reclaim()); whether they were up died with the killed run,
 * so they come back down.
 */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "common/log.h"
#include "workload/internal.h"

/* the device's driver as ethtool names it ("e1000", "veth"); "" when it has none */
static void dev_driver(int fd, const char *name, char *buf, size_t len)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { 0 };

	buf[0] = '\0';
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
		snprintf(buf, len, "%.*s", (int)sizeof(info.driver), info.driver);
}

static int dev_flags(int fd, const char *name, short *flags)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr))
		return -errno;
	*flags = ifr.ifr_flags;
	return 0;
}

/*
 * An address that says the device is in use: any IPv4 one, and IPv6 ones
 * but link-local (fe80::/10, which the kernel gives any device that is up).
 */
static bool dev_address(const char *name, char *buf, size_t len)
{
	struct ifaddrs *ifa, *a;
	bool found = false;

	if (getifaddrs(&ifa))
		return false;
	for (a = ifa; a && !found; a = a->ifa_next) {
		if (!a->ifa_addr || strcmp(a->ifa_name, name))
			continue;
		if (a->ifa_addr->sa_family == AF_INET) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)a->ifa_addr)->sin_addr, buf, len);
			found = true;
		} else if (a->ifa_addr->sa_family == AF_INET6) {
			const struct in6_addr *in6 = &((struct sockaddr_in6 *)a->ifa_addr)->sin6_addr;

			if (IN6_IS_ADDR_LINKLOCAL(in6))
				continue;
			inet_ntop(AF_INET6, in6, buf, len);
			found = true;
		}
	}
	freeifaddrs(ifa);
	return found;
}

/*
 * The bridge or bond the device is a port of, from sysfs; only when sysfs
 * shows this namespace (its ifindex matches), else nothing is said.
 */
static bool dev_master(const char *name, unsigned int ifindex, char *buf, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX], idx[32] = "";
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", name);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(idx, sizeof(idx), f))
		idx[0] = '\0';
	fclose(f);
	if (strtoul(idx, NULL, 10) != ifindex)
		return false;
	snprintf(path, sizeof(path), "/sys/class/net/%s/master", name);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = '\0';
	snprintf(buf, len, "%.*s", IFNAMSIZ, strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
	return true;
}

static int check_one(int fd, const char *name)
{
	char driver[40], what[INET6_ADDRSTRLEN + IFNAMSIZ];
	unsigned int ifindex;
	short flags = 0;

	if (!name[0] || strlen(name) >= IFNAMSIZ) {
		ns_err("bad --devices name '%s': expected a device name of at most %d characters",
		       name, IFNAMSIZ - 1);
		return -EINVAL;
	}
	ifindex = if_nametoindex(name);
	if (!ifindex) {
		ns_err("no device '%s' in this network namespace ('ip link' lists them)", name);
		return -ENODEV;
	}
	if (dev_flags(fd, name, &flags) == 0 && (flags & IFF_LOOPBACK)) {
		ns_err("refusing device '%s': it is the loopback device, which cannot leave its "
		       "namespace", name);
		return -EINVAL;
	}
	dev_driver(fd, name, driver, sizeof(driver));
	if (!strcmp(driver, "veth")) {
		ns_err("refusing device '%s': it is a veth device; without --devices the lab makes "
		       "its own veth pair", name);
		return -EINVAL;
	}
	if (dev_master(name, ifindex, what, sizeof(what))) {
		ns_err("refusing device '%s': it is a port of '%s', and moving it into the lab's "
		       "namespace would take it out of there", name, what);
		return -EBUSY;
	}
	if (dev_address(name, what, sizeof(what))) {
		if (flags & IFF_UP)
			ns_err("refusing device '%s': it is up with address %s, so it carries this "
			       "machine's traffic, and moving it into the lab's namespace would cut "
			       "this machine's network there (give a spare device, or take its "
			       "addresses off first: ip addr flush dev %s)", name, what, name);
		else
			ns_err("refusing device '%s': it has address %s, which moving it into the "
			       "lab's namespace would drop (take its addresses off first: ip addr "
			       "flush dev %s)", name, what, name);
		return -EBUSY;
	}
	return 0;
}

int lab_devices_check(const char *const devices[2])
{
	int fd, err = 0;

	if (!strcmp(devices[0], devices[1])) {
		ns_err("bad --devices '%s,%s': expected two different devices, one for each "
		       "namespace", devices[0], devices[1]);
		return -EINVAL;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		ns_err("cannot look at devices: %s", strerror(-err));
		return err;
	}
	for (int i = 0; i < 2 && !err; i++)
		err = check_one(fd, devices[i]);
	close(fd);
	return err;
}

int lab_devices_move(struct lab *lab, const char *const devices[2])
{
	char what[128];
	short flags;
	int fd, err;

	/* checked by lab_create_on() before it made the namespaces */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	lab->on_devices = true;
	for (int i = 0; i < 2; i++) {
		snprintf(lab->ifname[i], sizeof(lab->ifname[i]), "%s", devices[i]);
		lab->dev_was_up[i] = dev_flags(fd, devices[i], &flags) == 0 && (flags & IFF_UP);
	}
	close(fd);
	for (int i = 0; i < 2; i++) {
		snprintf(what, sizeof(what), "move device '%s' into namespace '%s'", lab->ifname[i],
			 lab->ns[i]);
		err = lab_ip(what, NULL, "link", "set", "dev", lab->ifname[i], "netns", lab->ns[i],
			     NULL);
		if (err)
			return err;	/* the caller gives back what was moved */
		lab->dev_moved[i] = true;
	}
	return 0;
}

void lab_devices_give_back(struct lab *lab)
{
	char what[128], pid[16];

	if (!lab->on_devices)
		return;
	/* "netns PID": the namespace of this process, which the devices came from */
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	for (int i = 0; i < 2; i++) {
		if (!lab->dev_moved[i])
			continue;
		snprintf(what, sizeof(what), "give device '%s' back from namespace '%s'",
			 lab->ifname[i], lab->ns[i]);
		/* on failure the kernel gives it back when the namespace goes (said above) */
		if (lab_ip(what, lab->ns[i], "link", "set", "dev", lab->ifname[i], "netns", pid, NULL))
			continue;
		lab->dev_moved[i] = false;
		snprintf(what, sizeof(what), "set device '%s' up again", lab->ifname[i]);
		if (lab->dev_was_up[i])
			lab_ip(what, NULL, "link", "set", "dev", lab->ifname[i], "up", NULL);
		ns_dbg(1, "lab: device '%s' given back%s", lab->ifname[i],
		       lab->dev_was_up[i] ? ", up" : "");
	}
}

/* the devices of the namespace at path that --devices lent it: all but lo and veth */
static int lent_devices(const char *path, char names[][IFNAMSIZ], int max)
{
	struct if_nameindex *list;
	int self, fd, n = 0, err = 0, sock;

	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		close(self);
		return err;
	}
	close(fd);
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	list = if_nameindex();
	for (struct if_nameindex *p = list; p && p->if_index && n < max; p++) {
		char driver[40];
		short flags = 0;

		if (sock < 0 || (dev_flags(sock, p->if_name, &flags) == 0 && (flags & IFF_LOOPBACK)))
			continue;
		dev_driver(sock, p->if_name, driver, sizeof(driver));
		if (!strcmp(driver, "veth"))
			continue;
		snprintf(names[n++], IFNAMSIZ, "%s", p->if_name);
	}
	if (list)
		if_freenameindex(list);
	if (sock >= 0)
		close(sock);
	if (setns(self, CLONE_NEWNET)) {
		/* a thread stuck in a lab's namespace would run netscope's code there */
		ns_err("cannot return from namespace '%s': %s", path, strerror(errno));
		abort();
	}
	close(self);
	return n;
}

int lab_devices_reclaim(const char *ns_name, const char *path)
{
	char names[8][IFNAMSIZ], what[192], pid[16];
	int n = lent_devices(path, names, 8), given = 0;

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	for (int i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "give device '%s' back from namespace '%s'", names[i],
			 ns_name);
		if (lab_ip(what, ns_name, "link", "set", "dev", names[i], "netns", pid, NULL) == 0) {
			ns_warn("gave device '%s' back from namespace '%s' of a killed netscope run "
				"(it is down now)", names[i], ns_name);
			given++;
		}
	}
	return given;
}
