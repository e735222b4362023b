// SPDX-License-Identifier: GPL-2.0
/*
 * netscope callers FUNC / netscope callees FUNC: call trees from the typed
 * source index, calls through function pointers resolved by the ops tables
 * that fill them (src/index/query_tree.c builds the tree, this prints it).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/args.h"
#include "cmd/cmd.h"
#include "cmd/xref.h"
#include "common/json.h"
#include "common/log.h"
#include "common/parse.h"
#include "index/query.h"

#define MAX_DEPTH 16
/* sites listed on a node's line before "+N more" */
#define SHOW_SITES 3

static void usage(FILE *out, const char *cmd)
{
	bool callers = !strcmp(cmd, "callers");

	fprintf(out,
		"Usage: netscope %s FUNC [--depth N] [--all] [--db FILE] [--src DIR] [--json]\n"
		"\n", cmd);
	if (callers)
		fprintf(out,
			"The functions that call FUNC, as a tree to N levels, from the typed source\n"
			"index ('netscope index' builds it), each with the file:line of its calls.\n"
			"A function stored in a function-pointer member (tcp_v4_rcv in\n"
			"net_protocol.handler, by the tcp_protocol initializer) is also called by\n"
			"every call through that member: those callers are marked\n"
			"[indirect via net_protocol.handler, tcp_protocol at FILE:LINE].\n");
	else
		fprintf(out,
			"The functions FUNC calls, as a tree to N levels, from the typed source\n"
			"index ('netscope index' builds it), each with the file:line of its calls.\n"
			"A call through a function-pointer member (ipprot->handler(skb)) lists every\n"
			"function the index saw stored in that member:\n"
			"  tcp_v4_rcv [indirect via net_protocol.handler, tcp_protocol at FILE:LINE]\n"
			"Direct calls spelled inside INDIRECT_CALL_*() are marked [INDIRECT_CALL_2].\n");
	fprintf(out,
		"Several calls to one function are one line with every call site. A function\n"
		"already on the path is marked [cycle] and not followed; one already expanded\n"
		"above is marked [see above] (--all expands it again). Static functions of one\n"
		"name in several files each get their own tree.\n"
		"\n"
		"Options:\n"
		"  -D, --depth N    levels to follow (default 1, at most %d)\n"
		"  -a, --all        expand a function again wherever it appears\n"
		"  -d, --db FILE    the index (default: netscope-index.sqlite in the tree)\n"
		"  -s, --src DIR    the tree whose index to read (default: the fetched tree)\n"
		"  -j, --json       JSON output\n"
		"  -h, --help       show this help\n"
		"\n"
		"EXAMPLES:\n", MAX_DEPTH);
	if (callers)
		fprintf(out,
			"  netscope callers tcp_v4_rcv\n"
			"  netscope callers --depth 3 tcp_rcv_established\n"
			"  netscope callers sock_def_readable --json | jq '.roots[0].children[].name'\n");
	else
		fprintf(out,
			"  netscope callees ip_protocol_deliver_rcu\n"
			"  netscope callees --depth 2 tcp_v4_rcv\n"
			"  netscope callees __netif_receive_skb_core --json\n");
}

/* ---- text ---- */

static const char *kind_name(enum ixq_call_kind k)
{
	static const char *const names[] = {
		[IXQ_CALL_DIRECT] = "direct", [IXQ_CALL_MACRO] = "macro",
		[IXQ_CALL_POINTER] = "pointer", [IXQ_CALL_CALLBACK] = "callback",
	};

	return names[k];
}

static void print_sites(const struct ixq_node *n, FILE *out)
{
	const char *file = NULL;
	size_t i;

	for (i = 0; i < n->nr_sites && i < SHOW_SITES; i++) {
		const struct ixq_site *s = &n->sites[i];

		/* "net/ipv4/tcp_ipv4.c:2300, 2350": the file once while it stays the same */
		if (file && !strcmp(file, s->file))
			fprintf(out, ", %u", s->line);
		else
			fprintf(out, "%s%s:%u", i ? ", " : "", s->file, s->line);
		file = s->file;
	}
	if (n->nr_sites > SHOW_SITES)
		fprintf(out, " +%zu more", n->nr_sites - SHOW_SITES);
	if (n->nr_sites > 1)
		fprintf(out, " (%zu calls)", n->nr_sites);
}

static void print_marks(const struct ixq_node *n, FILE *out)
{
	if (n->kind == IXQ_CALL_MACRO)
		fprintf(out, " [%s]", n->via ? n->via : "macro");
	if (n->kind == IXQ_CALL_CALLBACK)
		fprintf(out, " [callback, passed to %s]", n->via ? n->via : "a function");
	if (n->kind == IXQ_CALL_POINTER && n->stop == IXQ_STOP_UNRESOLVED)
		fprintf(out, " [indirect via %s: no indexed code stores a function there]",
			n->via ? n->via : "a pointer");
	else if (n->kind == IXQ_CALL_POINTER && n->nr_stores) {
		const struct ixq_store *s = &n->stores[0];

		fprintf(out, " [indirect via %s, %s%s%s:%u", n->via, s->holder ? s->holder : "",
			s->holder ? (s->assign ? " assigns it at " : " at ") : "stored at ", s->file, s->line);
		if (n->nr_stores > 1)
			fprintf(out, " +%zu more", n->nr_stores - 1);
		fputc(']', out);
	}
	switch (n->stop) {
	case IXQ_STOP_CYCLE:
		fprintf(out, " [cycle]");
		break;
	case IXQ_STOP_REPEAT:
		fprintf(out, " [see above]");
		break;
	case IXQ_STOP_UNDEFINED:
		fprintf(out, " [not defined in the index]");
		break;
	case IXQ_STOP_LIMIT:
		fprintf(out, " [not expanded: tree too large]");
		break;
	default:
		break;
	}
}

static void print_node(const struct ixq_node *n, const char *prefix, bool last, FILE *out)
{
	char sub[4 * MAX_DEPTH + 8];

	fprintf(out, "%s%s ", prefix, last ? "`--" : "|--");
	if (n->func.name)
		fputs(n->func.name, out);
	else
		fprintf(out, "(*%s)()", n->via ? n->via : "?");
	fputs("  ", out);
	print_sites(n, out);
	print_marks(n, out);
	fputc('\n', out);
	snprintf(sub, sizeof(sub), "%s%s", prefix, last ? "    " : "|   ");
	for (size_t i = 0; i < n->nr_children; i++)
		print_node(&n->children[i], sub, i + 1 == n->nr_children, out);
}

static void print_root(const struct ixq_node *r, enum ixq_dir dir, FILE *out)
{
	if (r->func.id)
		fprintf(out, "%s  %s:%u-%u%s\n", r->func.name, r->func.file, r->func.line, r->func.end_line,
			r->func.is_static ? " (static)" : "");
	else
		fprintf(out, "%s  (not defined in the index: called from it)\n", r->func.name);
	if (!r->nr_children)
		fprintf(out, "    (%s)\n", dir == IXQ_CALLERS ? "no caller in the index" :
			r->stop == IXQ_STOP_UNDEFINED ? "its body is not in the index" : "calls nothing");
	for (size_t i = 0; i < r->nr_children; i++)
		print_node(&r->children[i], "", i + 1 == r->nr_children, out);
}

/* ---- JSON ---- */

static const char *stop_name(enum ixq_stop s)
{
	static const char *const names[] = {
		[IXQ_STOP_NONE] = NULL, [IXQ_STOP_DEPTH] = "depth", [IXQ_STOP_CYCLE] = "cycle",
		[IXQ_STOP_REPEAT] = "repeat", [IXQ_STOP_UNDEFINED] = "undefined",
		[IXQ_STOP_UNRESOLVED] = "unresolved", [IXQ_STOP_LIMIT] = "limit",
	};

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : NULL;
}

static void json_opt_str(struct json_writer *w, const char *key, const char *v)
{
	json_key(w, key);
	if (v)
		json_str(w, v);
	else
		json_null(w);
}

static void json_func(struct json_writer *w, const struct ixq_func *f)
{
	json_opt_str(w, "name", f->name);
	json_opt_str(w, "file", f->file);
	json_kv_u64(w, "line", f->line);
	json_kv_u64(w, "end_line", f->end_line);
	json_kv_bool(w, "static", f->is_static);
	json_kv_bool(w, "defined", f->id != 0);
}

static void json_node(struct json_writer *w, const struct ixq_node *n, bool root)
{
	json_obj_begin(w);
	json_func(w, &n->func);
	if (!root) {
		json_kv_str(w, "kind", kind_name(n->kind));
		json_opt_str(w, "via", n->via);
		json_key(w, "sites");
		json_arr_begin(w);
		for (size_t i = 0; i < n->nr_sites; i++) {
			json_obj_begin(w);
			json_kv_str(w, "file", n->sites[i].file);
			json_kv_u64(w, "line", n->sites[i].line);
			json_kv_u64(w, "col", n->sites[i].col);
			json_obj_end(w);
		}
		json_arr_end(w);
		json_key(w, "stored");
		json_arr_begin(w);
		for (size_t i = 0; i < n->nr_stores; i++) {
			json_obj_begin(w);
			json_kv_str(w, "slot", n->stores[i].slot);
			json_opt_str(w, "holder", n->stores[i].holder);
			json_kv_str(w, "how", n->stores[i].assign ? "assign" : "init");
			json_kv_str(w, "file", n->stores[i].file);
			json_kv_u64(w, "line", n->stores[i].line);
			json_obj_end(w);
		}
		json_arr_end(w);
	}
	json_opt_str(w, "stop", stop_name(n->stop));
	json_key(w, "children");
	json_arr_begin(w);
	for (size_t i = 0; i < n->nr_children; i++)
		json_node(w, &n->children[i], false);
	json_arr_end(w);
	json_obj_end(w);
}

static void print_json(const struct ixq_meta *m, const char *name, const struct ixq_tree *t, FILE *out)
{
	struct json_writer *w = json_new(out);

	json_obj_begin(w);
	json_kv_u64(w, "schema_version", XREF_JSON_SCHEMA);
	xref_json_index(w, m);
	json_kv_str(w, "function", name);
	json_kv_str(w, "direction", t->dir == IXQ_CALLERS ? "callers" : "callees");
	json_kv_u64(w, "depth", t->depth);
	json_kv_u64(w, "nodes", t->nr_nodes);
	json_kv_bool(w, "truncated", t->truncated);
	json_key(w, "roots");
	json_arr_begin(w);
	for (size_t i = 0; i < t->nr_roots; i++)
		json_node(w, &t->roots[i], true);
	json_arr_end(w);
	json_obj_end(w);
	json_free(w);
	fputc('\n', out);
}

static int run(int argc, char **argv, const struct cmd_common *co, enum ixq_dir dir)
{
	static const struct option longopts[] = {
		{ "depth", required_argument, NULL, 'D' },
		{ "all", no_argument, NULL, 'a' },
		{ "db", required_argument, NULL, 'd' },
		{ "src", required_argument, NULL, 's' },
		{ NULL },
	};
	struct ixq_tree_opts opts = { .dir = dir, .depth = 1 };
	const char *db = NULL, *src = NULL, *name;
	struct ixq_tree t;
	bool json = false;
	struct ixq *q;
	uint64_t depth;
	int c, err;

	if (co->help) {
		usage(stdout, argv[0]);
		return 0;
	}
	json = co->json;
	while ((c = getopt_long(argc, argv, "D:ad:s:", longopts, NULL)) != -1) {
		switch (c) {
		case 'D':
			if (ns_parse_u64(optarg, MAX_DEPTH, &depth) || depth < 1) {
				ns_err("invalid --depth '%s': give 1 to %d", optarg, MAX_DEPTH);
				return 2;
			}
			opts.depth = depth;
			break;
		case 'a':
			opts.repeat = true;
			break;
		case 'd':
			db = optarg;
			break;
		case 's':
			src = optarg;
			break;
		default:
			cmd_bad_option(argc, argv, longopts);
			usage(stderr, argv[0]);
			return 2;
		}
	}
	name = cmd_one_operand(argc, argv, "function name");
	if (!name) {
		usage(stderr, argv[0]);
		return 2;
	}
	q = xref_open(db, src);
	if (!q)
		return 1;
	err = ixq__call_tree(q, name, &opts, &t);
	if (err == -ENOENT) {
		xref_unknown_func(q, name);
		ixq__close(q);
		return 1;
	}
	if (err) {
		ns_err("cannot read the %s of '%s' from '%s': %s", dir == IXQ_CALLERS ? "callers" : "callees",
		       name, ixq__meta(q)->db, err == -EIO ? ixq__errmsg(q) : strerror(-err));
		ixq__close(q);
		return 1;
	}
	if (json) {
		print_json(ixq__meta(q), name, &t, stdout);
	} else {
		xref_version_note(ixq__meta(q), stdout);
		for (size_t i = 0; i < t.nr_roots; i++) {
			if (i)
				putchar('\n');
			print_root(&t.roots[i], dir, stdout);
		}
		if (t.truncated)
			printf("(the tree stopped at %zu functions: ask for less --depth)\n", t.nr_nodes);
	}
	ixq__tree_free(&t);
	ixq__close(q);
	return 0;
}

int cmd_callers(int argc, char **argv, const struct cmd_common *co)
{
	return run(argc, argv, co, IXQ_CALLERS);
}

int cmd_callees(int argc, char **argv, const struct cmd_common *co)
{
	return run(argc, argv, co, IXQ_CALLEES);
}
