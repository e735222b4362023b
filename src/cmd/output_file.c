// SPDX-License-Identifier: GPL-2.0
/* Outputs written beside their final name and renamed into place (cmd/output_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmd/output_file.h"
#include "common/log.h"

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path) ? -errno : 0;
}

int output_remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) ? -errno : 0;
	return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) ? -errno : 0;
}

int output_file_begin(struct output_file *of, const char *path, bool force)
{
	char dir[PATH_MAX];
	struct stat st;

	memset(of, 0, sizeof(*of));
	of->path = path;
	of->force = force;
	if (!path || !path[0]) {
		ns_err("empty output path");
		return 1;
	}
	if (!lstat(path, &st) && !force) {
		ns_err("'%s' exists: not overwritten (--force replaces it)", path);
		return 1;
	}
	if (snprintf(of->tmp, sizeof(of->tmp), "%s.tmp-%d", path, (int)getpid()) >=
	    (int)sizeof(of->tmp)) {
		ns_err("output path too long: '%s'", path);
		of->tmp[0] = '\0';
		return 1;
	}
	/* access() sees a read-only mount too, also for root */
	snprintf(dir, sizeof(dir), "%s", path);
	if (access(dirname(dir), W_OK | X_OK)) {
		ns_err("cannot write '%s': %s", path, strerror(errno));
		of->tmp[0] = '\0';
		return 1;
	}
	output_remove_tree(of->tmp);
	return 0;
}

FILE *output_file_open(struct output_file *of)
{
	FILE *f = open_memstream(&of->buf, &of->len);

	if (!f)
		ns_err("cannot write '%s': %s", of->path, strerror(errno));
	return f;
}

/* the stream's bytes to the temporary path; 0 or a negative errno */
static int write_out(const struct output_file *of)
{
	int fd = open(of->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	size_t done = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (done < of->len) {
		n = write(fd, of->buf + done, of->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? -errno : -EIO;

			close(fd);
			return e;
		}
		done += n;
	}
	/* a file system that reports errors only at close (NFS) */
	return close(fd) ? -errno : 0;
}

int output_file_commit(struct output_file *of)
{
	struct stat st;
	int e;

	if (of->force && !lstat(of->path, &st) && (e = output_remove_tree(of->path))) {
		ns_err("cannot replace '%s': %s", of->path, strerror(-e));
		goto fail;
	}
	if (rename(of->tmp, of->path)) {
		ns_err("cannot write '%s': %s", of->path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	output_file_abort(of);
	return 1;
}

void output_file_abort(struct output_file *of)
{
	if (of->tmp[0])
		output_remove_tree(of->tmp);
}

int output_file_close(struct output_file *of, FILE *f, bool ok)
{
	int e = 0;

	/* a memory stream fails only out of memory */
	if (fclose(f))
		e = -ENOMEM;
	if (ok && !e)
		e = write_out(of);
	free(of->buf);
	of->buf = NULL;
	of->len = 0;
	if (ok && e)
		ns_err("cannot write '%s': %s", of->path, strerror(-e));
	if (!ok || e) {
		output_file_abort(of);
		return 1;
	}
	return output_file_commit(of);
}
