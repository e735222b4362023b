// SPDX-License-Identifier: GPL-2.0
/*
 * SNMP counters of a network namespace.  /proc/net is a link to
 * /proc/self/net, whose files show the network namespace of the task that
 * opens them (proc_tgid_net_lookup() in fs/proc/proc_net.c), so a child
 * process joins the namespace with setns(CLONE_NEWNET), reads the files and
 * sends their text back over a pipe; the caller's own threads never change
 * namespace.  The child only calls open/read/write/_exit: after fork() in a
 * process with threads (the capture's consumer) nothing else is safe.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common/log.h"
#include "workload/netstat.h"

#define NETNS_RUN_DIR "/run/netns"

/* the files, in the order the child sends them */
static const struct {
	const char *path;
	bool optional;			/* snmp6: absent without IPv6 */
	int (*parse)(struct snmp_snap *, const char *);
} proc_files[] = {
	{ "/proc/self/net/snmp", false, snmp_parse_pairs },
	{ "/proc/self/net/netstat", false, snmp_parse_pairs },
	{ "/proc/self/net/snmp6", true, snmp_parse_snmp6 },
};
#define N_FILES (sizeof(proc_files) / sizeof(proc_files[0]))

/*
 * Pipe frames: { u32 file, i32 len } then len bytes of text when len > 0;
 * len 0 ends the file, len < 0 is -errno of opening or reading it.  File
 * SETNS_FRAME says the child could not join the namespace (len: -errno).
 */
#define SETNS_FRAME UINT32_MAX
struct frame {
	uint32_t file;
	int32_t len;
};

struct file_text {
	char *buf;
	size_t len, cap;
	int err;
	bool done;
};

static int write_all(int fd, const void *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p = (const char *)p + n;
		len -= n;
	}
	return 0;
}

static void __attribute__((noreturn)) child_send(int nsfd, int out)
{
	char buf[4096];

	if (setns(nsfd, CLONE_NEWNET)) {
		struct frame f = { .file = SETNS_FRAME, .len = -errno };

		write_all(out, &f, sizeof(f));
		_exit(1);
	}
	for (uint32_t i = 0; i < N_FILES; i++) {
		struct frame f = { .file = i };
		int fd = open(proc_files[i].path, O_RDONLY | O_CLOEXEC);
		ssize_t n;

		if (fd < 0) {
			f.len = -errno;
			if (write_all(out, &f, sizeof(f)))
				_exit(2);
			continue;
		}
		while ((n = read(fd, buf, sizeof(buf))) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			f.len = n < 0 ? -errno : (int32_t)n;
			if (write_all(out, &f, sizeof(f)) || (n > 0 && write_all(out, buf, n)))
				_exit(2);
			if (n < 0)
				break;
		}
		close(fd);
		if (n == 0) {
			f.len = 0;
			if (write_all(out, &f, sizeof(f)))
				_exit(2);
		}
	}
	_exit(0);
}

static int read_all(int fd, void *p, size_t len)
{
	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;	/* the child died before it said everything */
		p = (char *)p + n;
		len -= n;
	}
	return 0;
}

static int append(struct file_text *t, size_t len)
{
	if (t->len + len + 1 > t->cap) {
		size_t cap = (t->len + len + 1) * 2;
		char *b = realloc(t->buf, cap);

		if (!b)
			return -ENOMEM;
		t->buf = b;
		t->cap = cap;
	}
	return 0;
}

/* The files' text; *setns_err: -errno when the child could not join the namespace. */
static int receive(int in, struct file_text *texts, int *setns_err)
{
	struct frame f;
	int err;

	for (size_t left = N_FILES; left;) {
		struct file_text *t;

		err = read_all(in, &f, sizeof(f));
		if (err)
			return err;
		if (f.file == SETNS_FRAME) {
			*setns_err = f.len < 0 ? f.len : -EPROTO;
			return *setns_err;
		}
		if (f.file >= N_FILES || texts[f.file].done)
			return -EPROTO;
		t = &texts[f.file];
		if (f.len <= 0) {
			t->err = f.len;
			t->done = true;
			left--;
			continue;
		}
		err = append(t, f.len);
		if (!err)
			err = read_all(in, t->buf + t->len, f.len);
		if (err)
			return err;
		t->len += f.len;
		t->buf[t->len] = '\0';
	}
	return 0;
}

/* Parse what was read; the message names the file and the namespace. */
static int parse_texts(struct file_text *texts, const char *where, struct snmp_snap *out)
{
	for (size_t i = 0; i < N_FILES; i++) {
		int err = texts[i].err;

		if (err == -ENOENT && proc_files[i].optional)
			continue;
		if (!err)
			err = proc_files[i].parse(out, texts[i].buf ? texts[i].buf : "");
		if (err) {
			ns_err("cannot read '%s' of %s: %s", proc_files[i].path + strlen("/proc/self"),
			       where, err == -EINVAL ? "unexpected format" : strerror(-err));
			snmp_snap_free(out);
			return err;
		}
	}
	return 0;
}

static void free_texts(struct file_text *texts)
{
	for (size_t i = 0; i < N_FILES; i++)
		free(texts[i].buf);
}

int netstat_read_netns(const char *name, uint32_t netns_inode, struct snmp_snap *out)
{
	struct file_text texts[N_FILES] = {};
	char path[PATH_MAX], where[PATH_MAX + 16];
	int nsfd, pipefd[2], status, err = 0, setns_err = 0;
	struct stat st;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name);
	snprintf(where, sizeof(where), "namespace '%s'", name);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0) {
		err = -errno;
		ns_err("cannot open namespace '%s': %s", name, strerror(-err));
		return err;
	}
	/* the name must still be the namespace the caller made (see lab_enter()) */
	if (fstat(nsfd, &st)) {
		err = -errno;
	} else if (netns_inode && st.st_ino != netns_inode) {
		err = -ESTALE;
	} else if (pipe2(pipefd, O_CLOEXEC)) {
		err = -errno;
	}
	if (err) {
		if (err == -ESTALE)
			ns_err("cannot read counters of namespace '%s': no longer the namespace "
			       "that was made", name);
		else
			ns_err("cannot read counters of namespace '%s': %s", name, strerror(-err));
		close(nsfd);
		return err;
	}
	pid = fork();
	if (pid < 0) {
		err = -errno;
		ns_err("cannot read counters of namespace '%s': %s", name, strerror(-err));
		close(pipefd[0]);
		close(pipefd[1]);
		close(nsfd);
		return err;
	}
	if (pid == 0) {
		close(pipefd[0]);
		child_send(nsfd, pipefd[1]);
	}
	close(pipefd[1]);
	close(nsfd);
	err = receive(pipefd[0], texts, &setns_err);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (err) {
		/* without CAP_SYS_ADMIN setns says EPERM */
		if (setns_err)
			ns_err("cannot enter namespace '%s': %s", name, strerror(-setns_err));
		else
			ns_err("cannot read counters of namespace '%s': %s", name,
			       err == -EPIPE ? "reader process ended early" : strerror(-err));
		free_texts(texts);
		return err == -EPIPE ? -EIO : err;
	}
	err = parse_texts(texts, where, out);
	free_texts(texts);
	return err;
}

static int slurp(const char *path, struct file_text *t)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return t->err = -errno;
	for (;;) {
		int err = append(t, 4096);

		if (err) {
			close(fd);
			return t->err = err;
		}
		t->buf[t->len] = '\0';
		n = read(fd, t->buf + t->len, 4096);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		t->len += n;
		t->buf[t->len] = '\0';
	}
	if (n < 0)
		t->err = -errno;
	close(fd);
	return t->err;
}

int netstat_read_self(struct snmp_snap *out)
{
	struct file_text texts[N_FILES] = {};
	int err;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < N_FILES; i++)
		slurp(proc_files[i].path, &texts[i]);
	err = parse_texts(texts, "this namespace", out);
	free_texts(texts);
	return err;
}
