// SPDX-License-Identifier: GPL-2.0
/* Outputs written beside their final name and renamed into place (cmd/output_file.h). */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
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
	output_remove_tree(of->tmp);
	return 0;
}

FILE *output_file_open(struct output_file *of)
{
	FILE *f = fopen(of->tmp, "w");

	if (!f)
		ns_err("cannot write '%s': %s", of->path, strerror(errno));
	return f;
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

	errno = 0;
	if (fflush(f) || ferror(f))
		e = errno ? errno : EIO;
	if (fclose(f) && !e)
		e = errno ? errno : EIO;
	if (ok && e)
		ns_err("cannot write '%s': %s", of->path, strerror(e));
	if (!ok || e) {
		output_file_abort(of);
		return 1;
	}
	return output_file_commit(of);
}
