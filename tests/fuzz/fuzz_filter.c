// SPDX-License-Identifier: GPL-2.0
/*
 * The capture filters and the event list as the command line gives them
 * (capture/filter.c): --netns, --host, --port, --proto, --ifname, --pid
 * and --events.  The input is a list of options, one a line: a selector
 * byte (which option, modulo 7) then its value.  All of them go to one
 * filter, as repeated options do, and the filter is then described.
 */
#include <stdint.h>
#include "capture/filter.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct capture_filter f = { 0 };
	uint64_t mask = 0;
	char *text = fuzz_str(data, size), *line, *next, err[256], desc[512];
	int all = 0;

	if (!text)
		return 0;
	for (line = text; line < text + size; line = next) {
		char *nl = memchr(line, '\n', (size_t)(text + size - line));
		char *arg = line + 1;

		next = nl ? nl + 1 : text + size;
		if (nl)
			*nl = '\0';
		if (arg > text + size)
			break;
		/* a value with its own copy, so reads past its end are caught */
		arg = strdup(arg);
		if (!arg)
			break;
		switch ((uint8_t)line[0] % 7) {
		case 0: filter_parse_netns(&f, arg, &all, err, sizeof(err)); break;
		case 1: filter_parse_host(&f, arg, err, sizeof(err)); break;
		case 2: filter_parse_port(&f, arg, err, sizeof(err)); break;
		case 3: filter_parse_proto(&f, arg, err, sizeof(err)); break;
		case 4: filter_parse_ifname(&f, arg, err, sizeof(err)); break;
		case 5: filter_parse_pid(&f, arg, err, sizeof(err)); break;
		case 6: events_parse(arg, &mask, err, sizeof(err)); break;
		}
		free(arg);
	}
	filter_describe(&f, desc, sizeof(desc));
	free(text);
	return 0;
}
