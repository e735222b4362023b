// SPDX-License-Identifier: GPL-2.0
/* The output file of a single-file exporter (export/outfile.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "common/log.h"
#include "export/outfile.h"

/* OUT from OUT.tmp-PID, for messages; the path itself when it is not one */
static const char *shown(const char *tmp, char *buf, size_t len)
{
	const char *s = strrchr(tmp, '.');

	if (!s || strncmp(s, ".tmp-", 5) || !s[5] || strspn(s + 5, "0123456789") != strlen(s + 5))
		return tmp;
	snprintf(buf, len, "%.*s", (int)(s - tmp), tmp);
	return buf;
}

FILE *export_create(const char *tmp)
{
	char buf[4096];
	FILE *f = fopen(tmp, "wx");

	if (!f) {
		ns_err("cannot create '%s': %s", shown(tmp, buf, sizeof(buf)), strerror(errno));
		return NULL;
	}
	/* the exporters write many small pieces */
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	return f;
}

void export_write_error(const char *tmp, int err)
{
	char buf[4096];

	ns_err("cannot write '%s': %s", shown(tmp, buf, sizeof(buf)), strerror(err));
}

int export_close(FILE *f, const char *tmp)
{
	int err = ferror(f) ? (errno ? errno : EIO) : 0;

	if (fclose(f) && !err)
		err = errno ? errno : EIO;
	if (err) {
		export_write_error(tmp, err);
		return 1;
	}
	return 0;
}
