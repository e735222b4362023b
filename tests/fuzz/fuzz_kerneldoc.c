// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel-doc parser (inspect/kerneldoc*.c) on a header's text, as
 * `netscope struct` reads one from a kernel tree: it finds "struct NAME {"
 * or "union NAME {", its kernel-doc comment, its members and their #if
 * conditions, and the #define aliases of its members.  The input's first
 * line names what to look for ("struct sock" or "union u"; anything else:
 * struct sock), the rest is the header.
 */
#include <stdint.h>
#include "inspect/kerneldoc.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char kind[16] = "struct", name[64] = "sock", *text;
	struct kdoc_struct s;
	size_t hl;

	if (nl) {
		char first[96];
		size_t fl = (size_t)(nl - data) < sizeof(first) - 1 ? (size_t)(nl - data) : sizeof(first) - 1;

		memcpy(first, data, fl);
		first[fl] = '\0';
		if (sscanf(first, "%15s %63s", kind, name) != 2 || (strcmp(kind, "struct") && strcmp(kind, "union"))) {
			strcpy(kind, "struct");
			strcpy(name, "sock");
		}
		size -= (size_t)(nl + 1 - data);
		data = nl + 1;
	}
	text = fuzz_str(data, size);
	if (!text)
		return 0;
	hl = size;
	kdoc__find_def(text, hl, kind, name);
	memset(&s, 0, sizeof(s));
	if (!kdoc__parse(text, hl, kind, name, &s)) {
		for (size_t i = 0; i < s.nr_fields; i++) {
			kdoc__doc(&s, s.fields[i].path);
			kdoc__field(&s, s.fields[i].path);
		}
		for (size_t i = 0; i < s.nr_entries; i++)
			kdoc__doc(&s, s.entries[i].name);
	}
	kdoc__free(&s);
	free(text);
	return 0;
}
