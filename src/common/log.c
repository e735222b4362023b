// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include "common/log.h"
#include "common/json.h"

int ns_verbose;
bool ns_json_errors;

static void vmsg(const char *level, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (ns_json_errors) {
		struct json_writer *w = json_new(stderr);

		json_obj_begin(w);
		json_kv_str(w, level, buf);
		json_obj_end(w);
		json_free(w);
		fputc('\n', stderr);
	} else {
		fprintf(stderr, "netscope: %s: %s\n", level, buf);
	}
}

void ns_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
}

void ns_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning", fmt, ap);
	va_end(ap);
}

int ns_libbpf_print(int level, const char *fmt, va_list ap)
{
	/* libbpf levels: 0 warn, 1 info, 2 debug */
	if ((level == 2 && ns_verbose < 2) || ns_verbose < 1)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void ns_dbg(int level, const char *fmt, ...)
{
	va_list ap;

	if (ns_verbose < level)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
