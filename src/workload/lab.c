// SPDX-License-Identifier: GPL-2.0
/*
 * The lab: two named network namespaces, netscope-<pid>-a and -b, joined by
 * a veth pair (veth0 198.18.0.1/24 in a, veth1 198.18.0.2/24 in b), or by
 * two devices the caller lends (--devices, lab_devices.c), lo up in both,
 * and no default route, so nothing a scenario sends can leave them.
 *
 * Namespaces are made with `ip netns add` and configured with `ip -n`:
 * iproute2 already gets the details right (it makes /run/netns a shared
 * mount so the bind mounts propagate, and binds the namespace of an
 * unshared process onto /run/netns/NAME), and it is a declared dependency.
 * Removal is done here, the same way ip(8) does it (lazy unmount, then
 * unlink), because it must also work on the error paths and on stale labs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common/log.h"
#include "workload/internal.h"

#define NETNS_RUN_DIR	"/run/netns"
#define LAB_PREFIX	"netscope-"
#define IP_MAX_ARGS	24

static const char *const lab_addr[2] = { "198.18.0.1", "198.18.0.2" };
static const char *const lab_ifname[2] = { "veth0", "veth1" };

static void netns_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, NETNS_RUN_DIR "/%s", name);
}

/* As `ip netns del`: detach the bind mount, then remove the file. */
static int netns_remove(const char *name)
{
	char path[PATH_MAX];

	netns_path(path, sizeof(path), name);
	/* EINVAL: not a mount point (a half-made or hand-made entry) */
	if (umount2(path, MNT_DETACH) && errno != EINVAL && errno != ENOENT) {
		int err = -errno;

		ns_err("cannot remove namespace '%s': %s", name, strerror(-err));
		return err;
	}
	if (unlink(path) && errno != ENOENT) {
		int err = -errno;

		ns_err("cannot remove namespace '%s': %s", name, strerror(-err));
		return err;
	}
	return 0;
}

/* Exec ip(8) from the usual places; PATH may lack /sbin under sudo or cron. */
static void __attribute__((noreturn)) exec_ip(char **argv)
{
	static const char *const paths[] = { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		execv(paths[i], argv);
	execvp("ip", argv);
	dprintf(STDERR_FILENO, "cannot run 'ip': %s", strerror(errno));
	_exit(127);
}

int lab_ip(const char *what, const char *ns, ...)
{
	char *argv[IP_MAX_ARGS];
	char msg[512];
	int argc = 0, pipefd[2], status, err = 0;
	size_t len = 0;
	ssize_t n;
	va_list ap;
	pid_t pid;

	argv[argc++] = "ip";
	if (ns) {
		argv[argc++] = "-n";
		argv[argc++] = (char *)ns;
	}
	va_start(ap, ns);
	for (char *a; (a = va_arg(ap, char *)) && argc < IP_MAX_ARGS - 1;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;

	if (pipe2(pipefd, O_CLOEXEC)) {
		err = -errno;
		ns_err("cannot %s: %s", what, strerror(-err));
		return err;
	}
	pid = fork();
	if (pid < 0) {
		err = -errno;
		ns_err("cannot %s: %s", what, strerror(-err));
		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		/* ip's output is not ours to show; its error message is */
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		exec_ip(argv);
	}
	close(pipefd[1]);
	while (len < sizeof(msg) - 1 &&
	       ((n = read(pipefd[0], msg + len, sizeof(msg) - 1 - len)) > 0 ||
		(n < 0 && errno == EINTR)))
		len += n > 0 ? n : 0;
	close(pipefd[0]);
	msg[len] = '\0';
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			err = -errno;
			ns_err("cannot %s: %s", what, strerror(-err));
			return err;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	/* keep ip's first line: it says what the kernel refused */
	msg[strcspn(msg, "\n")] = '\0';
	if (!msg[0])
		snprintf(msg, sizeof(msg), "ip exited with status %d", WIFEXITED(status) ?
			 WEXITSTATUS(status) : 128 + WTERMSIG(status));
	ns_err("cannot %s: %s", what, msg);
	return -EIO;
}

int lab_sockaddr(const struct lab *lab, int i, uint16_t port, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	if (i < 0 || i > 1 || inet_pton(AF_INET, lab->addr[i], &sin->sin_addr) != 1 ||
	    !lab_addr_is_safe(ntohl(sin->sin_addr.s_addr))) {
		ns_err("refusing address '%s': not in 198.18.0.0/15",
		       i >= 0 && i <= 1 ? lab->addr[i] : "?");
		return -EINVAL;
	}
	return 0;
}

int lab_enter(const struct lab *lab, int i)
{
	char path[PATH_MAX];
	struct stat st;
	int fd, err = 0;

	if (i < 0 || i > 1 || !lab->ns[i][0])
		return -EINVAL;
	netns_path(path, sizeof(path), lab->ns[i]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/*
	 * The name must still be the namespace lab_create made: a scenario that
	 * ran in some other namespace could send to real networks.
	 */
	if (fstat(fd, &st)) {
		err = -errno;
	} else if (lab->netns_inode[i] && st.st_ino != lab->netns_inode[i]) {
		err = -ESTALE;
	} else if (setns(fd, CLONE_NEWNET)) {
		err = -errno;
	}
	close(fd);
	return err;
}

/* Run fn in namespace i from the calling thread, then come back. */
static int lab_in_netns(struct lab *lab, int i, int (*fn)(struct lab *, int))
{
	int self, err, err2;

	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	err = lab_enter(lab, i);
	if (err) {
		close(self);
		return err;
	}
	err = fn(lab, i);
	err2 = setns(self, CLONE_NEWNET) ? -errno : 0;
	close(self);
	if (err2) {
		/* a thread stuck in the lab would run the caller's code there */
		ns_err("cannot return from namespace '%s': %s", lab->ns[i], strerror(-err2));
		abort();
	}
	return err;
}

static int write_sysctl(const char *path, const char *val)
{
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/*
 * IPv6 off in the lab: otherwise every veth sends router solicitations, MLD
 * reports and DAD probes that show up in captures as packets nobody asked
 * for.  /proc/sys/net follows the netns of the thread that opens it.  Only
 * best effort: /proc/sys is read-only in many containers, and an "addrgenmode
 * none" on the veths (see lab_create) already keeps them silent.
 */
static int disable_ipv6(struct lab *lab, int i)
{
	int err;

	err = write_sysctl("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	if (!err)
		err = write_sysctl("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	if (err)
		ns_dbg(1, "ipv6 left on in namespace '%s': %s", lab->ns[i], strerror(-err));
	return 0;
}

static int read_ifindex(struct lab *lab, int i)
{
	unsigned int idx = if_nametoindex(lab->ifname[i]);

	if (!idx)
		return -errno;
	lab->ifindex[i] = (int)idx;
	return 0;
}

static int lab_setup_links(struct lab *lab, const char *const devices[2])
{
	char what[96];
	int err;

	snprintf(what, sizeof(what), "create veth pair in namespace '%s'", lab->ns[0]);
	if (devices)	/* addresses, lo and up below, as for the veth pair */
		err = lab_devices_move(lab, devices);
	else
		err = lab_ip(what, lab->ns[0], "link", "add", lab->ifname[0], "type", "veth",
			     "peer", "name", lab->ifname[1], "netns", lab->ns[1], NULL);
	if (err)
		return err;
	for (int i = 0; i < 2; i++) {
		char cidr[24];

		snprintf(cidr, sizeof(cidr), "%s/24", lab->addr[i]);
		snprintf(what, sizeof(what), "configure namespace '%s'", lab->ns[i]);
		err = lab_ip(what, lab->ns[i], "link", "set", "dev", lab->ifname[i],
			     "addrgenmode", "none", NULL);
		if (!err)
			err = lab_ip(what, lab->ns[i], "addr", "add", cidr, "dev", lab->ifname[i], NULL);
		if (!err)
			err = lab_ip(what, lab->ns[i], "link", "set", "dev", "lo", "up", NULL);
		if (!err)
			err = lab_ip(what, lab->ns[i], "link", "set", "dev", lab->ifname[i], "up", NULL);
		if (err)
			return err;
		err = lab_in_netns(lab, i, read_ifindex);
		if (err) {
			ns_err("cannot find '%s' in namespace '%s': %s", lab->ifname[i],
			       lab->ns[i], strerror(-err));
			return err;
		}
	}
	return 0;
}

int lab_create(struct lab *lab)
{
	return lab_create_on(lab, NULL);
}

int lab_create_on(struct lab *lab, const char *const devices[2])
{
	bool made[2] = { false, false };
	char path[PATH_MAX], what[96];
	struct stat st;
	int err = 0;

	memset(lab, 0, sizeof(*lab));
	/* before anything is made: a refused device leaves nothing behind */
	if (devices && (err = lab_devices_check(devices)))
		return err;
	for (int i = 0; i < 2; i++) {
		snprintf(lab->ns[i], sizeof(lab->ns[i]), LAB_PREFIX "%d-%c", (int)getpid(), 'a' + i);
		snprintf(lab->ifname[i], sizeof(lab->ifname[i]), "%s", lab_ifname[i]);
		snprintf(lab->addr[i], sizeof(lab->addr[i]), "%s", lab_addr[i]);
	}
	for (int i = 0; i < 2; i++) {
		netns_path(path, sizeof(path), lab->ns[i]);
		/* never adopt a namespace we did not make: it may hold real links */
		if (stat(path, &st) == 0) {
			ns_err("cannot create namespace '%s': %s", lab->ns[i], strerror(EEXIST));
			err = -EEXIST;
			goto cleanup;
		}
		snprintf(what, sizeof(what), "create namespace '%s'", lab->ns[i]);
		err = lab_ip(what, NULL, "netns", "add", lab->ns[i], NULL);
		if (err)
			goto cleanup;
		made[i] = true;
		if (stat(path, &st)) {
			err = -errno;
			ns_err("cannot create namespace '%s': %s", lab->ns[i], strerror(-err));
			goto cleanup;
		}
		lab->netns_inode[i] = (uint32_t)st.st_ino;
		err = lab_in_netns(lab, i, disable_ipv6);
		if (err) {
			ns_err("cannot enter namespace '%s': %s", lab->ns[i], strerror(-err));
			goto cleanup;
		}
	}
	err = lab_setup_links(lab, devices);
	if (err)
		goto cleanup;
	lab->created = true;
	ns_dbg(1, "lab: %s (netns %u) %s %s <-> %s %s (netns %u) %s", lab->ns[0],
	       lab->netns_inode[0], lab->ifname[0], lab->addr[0], lab->ifname[1],
	       lab->addr[1], lab->netns_inode[1], lab->ns[1]);
	return 0;

cleanup:
	/* the veth pair goes with its namespaces; lent devices go back first */
	lab_devices_give_back(lab);
	for (int i = 0; i < 2; i++)
		if (made[i])
			netns_remove(lab->ns[i]);
	memset(lab, 0, sizeof(*lab));
	return err;
}

void lab_destroy(struct lab *lab)
{
	if (!lab)
		return;
	lab_devices_give_back(lab);
	for (int i = 0; i < 2; i++) {
		char path[PATH_MAX];
		struct stat st;

		if (!lab->ns[i][0])
			continue;
		netns_path(path, sizeof(path), lab->ns[i]);
		/* only what is still ours: same name and same namespace */
		if (stat(path, &st) || (lab->netns_inode[i] && st.st_ino != lab->netns_inode[i]))
			continue;
		netns_remove(lab->ns[i]);
	}
	lab->created = false;
}

/* "netscope-<pid>-<suffix>": the pid, or 0 when the name is not a lab's. */
static pid_t lab_name_pid(const char *name)
{
	const char *p = name + strlen(LAB_PREFIX);
	char *end;
	long pid;

	if (strncmp(name, LAB_PREFIX, strlen(LAB_PREFIX)) || *p < '0' || *p > '9')
		return 0;
	errno = 0;
	pid = strtol(p, &end, 10);
	if (errno || end == p || *end != '-' || !end[1] || pid <= 0 || pid > INT32_MAX)
		return 0;
	return (pid_t)pid;
}

int lab_cleanup_stale(void)
{
	struct dirent *de;
	int removed = 0;
	DIR *dir;

	dir = opendir(NETNS_RUN_DIR);
	if (!dir)
		return 0;	/* no /run/netns: nothing was ever made */
	while ((de = readdir(dir))) {
		pid_t pid = lab_name_pid(de->d_name);
		char path[PATH_MAX];

		/* EPERM means the process lives (as another user): keep its lab */
		if (!pid || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		/* devices a killed `--devices` run lent it: back here, not to the kernel's
		 * later and initial-namespace-only return (lab_devices.c) */
		netns_path(path, sizeof(path), de->d_name);
		lab_devices_reclaim(de->d_name, path);
		if (netns_remove(de->d_name) == 0) {
			ns_dbg(1, "removed namespace '%s' of dead process %d", de->d_name, (int)pid);
			removed++;
		}
	}
	closedir(dir);
	return removed;
}
