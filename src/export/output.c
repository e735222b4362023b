// SPDX-License-Identifier: GPL-2.0
/* The output file of a single-file exporter (export/output.h). */
#include <errno.h>
#include <stdio_ext.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "common/log.h"
#include "export/output.h"

const char *export_final_name(const char *tmp, char *buf, size_t len)
{
	const char *dot = strrchr(tmp, '.');
	char *end;

	/* "OUT.tmp-1234" -> "OUT"; any other name is shown as it is */
	if (dot && !strncmp(dot, ".tmp-", 5) && dot[5] && (strtoul(dot + 5, &end, 10), !*end))
		snprintf(buf, len, "%.*s", (int)(dot - tmp), tmp);
	else
		snprintf(buf, len, "%s", tmp);
	return buf;
}

FILE *export_fopen(const char *tmp)
{
	char name[4096];
	/* "x": the command removed any leftover of its own; never follow another's file */
	FILE *f = fopen(tmp, "wx");

	if (!f) {
		ns_err("cannot write '%s': %s", export_final_name(tmp, name, sizeof(name)),
		       strerror(errno));
		return NULL;
	}
	/* one thread writes it: no lock per character (the JSON writer puts one
	 * at a time), and a large buffer for the many small pieces */
	__fsetlocking(f, FSETLOCKING_BYCALLER);
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	return f;
}

void export_write_error(const char *tmp, int err)
{
	char name[4096];

	ns_err("cannot write '%s': %s", export_final_name(tmp, name, sizeof(name)), strerror(err));
}

int export_fclose(FILE *f, const char *tmp)
{
	bool failed = ferror(f);
	int err = 0;

	/* a failed write leaves its bytes buffered: flushing again names the cause (ENOSPC) */
	if (fflush(f))
		err = errno;
	if (fclose(f) && !err)
		err = errno;
	if (failed && !err)
		err = EIO;
	if (!err)
		return 0;
	export_write_error(tmp, err);
	return 1;
}
