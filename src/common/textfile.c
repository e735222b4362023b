// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/textfile.h"

int ns_read_text_file(const char *path, char **text, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r"), *m;
	char buf[8192];
	size_t len = 0, got;
	int ret = 0;

	*text = NULL;
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(-ret));
		return ret;
	}
	m = open_memstream(text, &len);
	if (!m) {
		fclose(f);
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, got, m);
	if (ferror(f))
		ret = -EIO;
	if (fclose(m) && !ret)
		ret = -ENOMEM;
	fclose(f);
	if (ret)
		snprintf(err, errlen, "cannot read '%s'", path);
	else if (memchr(*text, '\0', len)) {
		/* a NUL would end the text early without a word */
		snprintf(err, errlen, "'%s' is not a text file", path);
		ret = -EINVAL;
	}
	if (ret) {
		free(*text);
		*text = NULL;
	}
	return ret;
}
