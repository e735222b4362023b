/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CTF 1.8 metadata (TSDL text): trace and packet layout, the LTTng
 * kernel trace's environment, the clock, and one event declaration per
 * class the export used.  The layout must match what export/ctf_stream.c
 * and export/ctf.c write.
 */
#ifndef NS_EXPORT_CTF_TSDL_H
#define NS_EXPORT_CTF_TSDL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "export/ctf_map.h"
#include "trace/names.h"

struct ctf_tsdl_env {
	uint8_t uuid[16];		/* the trace's (packet headers carry it) */
	char clock_uuid[37];		/* the host's: its boot id, as LTTng's clock */
	const char *hostname;
	const char *kernel_release;
	const char *kernel_version;
	const char *netscope_version;
	const char *trace_name;		/* the input file's name */
	uint64_t offset_ns;		/* CLOCK_MONOTONIC -> CLOCK_REALTIME */
	int64_t events_lost;		/* by the capture; -1: the trace does not say */
	bool complete;			/* the input was read to its end chunk */
	uint64_t clamped;		/* events written at an earlier event's time */
	uint64_t left_out;		/* events whose time cannot be represented */
};

/*
 * Write the metadata to f: the classes used[i] marks (i indexes m->cls),
 * their enums named from names.  0, or -EIO when f fails.
 */
int ctf_tsdl_write(FILE *f, const struct ctf_tsdl_env *env, const struct ctf_map *m, const bool *used,
		   const struct ns_names *names);
/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" of 16 bytes into out[37] */
void ctf_uuid_str(const uint8_t u[16], char out[37]);
/* 16 bytes from a uuid's text; false when s is not one */
bool ctf_uuid_parse(const char *s, uint8_t u[16]);

#endif
