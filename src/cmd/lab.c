// SPDX-License-Identifier: GPL-2.0
/*
 * netscope lab: the table of labs, `lab list`, and dispatch to a lab.
 */
#include <stdio.h>
#include <string.h>
#include "cmd/cmd.h"
#include "cmd/lab.h"
#include "common/json.h"
#include "common/log.h"
#include "render/report.h"

struct lab_entry {
	const char *name;
	const char *experiment;	/* of the reference study, for the list */
	const char *summary;
	const struct capture_lab *capture; /* NULL: not a capture lab */
};

static const struct lab_entry labs[] = {
	{ "structs", "1", "sk_buff, sock, sock_common: layout, kernel-doc, where the code uses them",
	  NULL },
	{ "syn-flood", "2", NULL, &lab_syn_flood },
	{ "layers", "3", NULL, &lab_layers },
	{ "interrupts", "4", NULL, &lab_interrupts },
	{ "skb-memory", "5", NULL, &lab_skb_memory },
	/* labs of issue 'netscope labs II': no experiment of the reference study */
	{ "drops", "-", NULL, &lab_drops },
	{ "handshake", "-", NULL, &lab_handshake },
	{ NULL },
};

static const char *summary_of(const struct lab_entry *e)
{
	return e->capture ? e->capture->summary : e->summary;
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: netscope lab list\n"
		     "       netscope lab NAME [OPTIONS]   (netscope lab NAME --help)\n"
		     "\n"
		     "Each lab is an experiment of the reference study (shared/reference/\n"
		     "experiments.md) as one command: it sets up its namespaces, runs its\n"
		     "workload, captures, analyses and prints a report to read top to bottom.\n"
		     "\nLabs:\n");
	for (const struct lab_entry *e = labs; e->name; e++)
		fprintf(out, "  %-10s experiment %s: %s\n", e->name, e->experiment, summary_of(e));
	fprintf(out, "\nEXAMPLES:\n"
		     "  netscope lab list\n"
		     "  netscope lab syn-flood\n"
		     "  netscope lab layers --json > layers.json\n"
		     "  netscope lab syn-flood --count 100000 -o flood.ns\n");
}

static int lab_list(bool json)
{
	struct json_writer *w;

	if (!json) {
		for (const struct lab_entry *e = labs; e->name; e++)
			printf("%-10s experiment %s  %s\n", e->name, e->experiment, summary_of(e));
		return 0;
	}
	w = json_new(stdout);
	if (!w)
		return 1;
	json_obj_begin(w);
	json_kv_u64(w, "schema_version", REPORT_JSON_SCHEMA);
	json_key(w, "labs");
	json_arr_begin(w);
	for (const struct lab_entry *e = labs; e->name; e++) {
		json_obj_begin(w);
		json_kv_str(w, "name", e->name);
		json_kv_str(w, "experiment", e->experiment);
		json_kv_str(w, "summary", summary_of(e));
		json_kv_bool(w, "captures", e->capture != NULL);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
	putchar('\n');
	json_free(w);
	return 0;
}

int cmd_lab(int argc, char **argv, const struct cmd_common *co)
{
	char names[128] = "";

	if (argc < 2) {
		if (co->help) {
			usage(stdout);
			return 0;
		}
		ns_err("missing lab (netscope lab list shows them)");
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "list"))
		return lab_list(co->json);
	for (const struct lab_entry *e = labs; e->name; e++) {
		if (strcmp(argv[1], e->name))
			continue;
		if (e->capture)
			return lab_capture_main(e->capture, argc - 1, argv + 1, co);
		return lab_structs_main(argc - 1, argv + 1, co);
	}
	for (const struct lab_entry *e = labs; e->name; e++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 names[0] ? ", " : "", e->name);
	ns_err("unknown lab '%s': the labs are: %s", argv[1], names);
	return 2;
}
