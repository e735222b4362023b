/* SPDX-License-Identifier: GPL-2.0 */
/* A whole text file in memory: the rules files users give (--layers FILE). */
#ifndef NS_TEXTFILE_H
#define NS_TEXTFILE_H

#include <stddef.h>

/*
 * Read path into a malloc'ed, NUL-terminated *text.  0, or a negative
 * errno with the message in err ("cannot open 'x': ...", "cannot read
 * 'x'", "'x' is not a text file" for a file with a NUL byte).
 */
int ns_read_text_file(const char *path, char **text, char *err, size_t errlen);

#endif
