// SPDX-License-Identifier: GPL-2.0
/*
 * netscope xref STRUCT.MEMBER | STRUCT: who reads, writes or takes the
 * address of a struct member, from the typed source index (src/index/
 * query_xref.c computes, this file prints); and what the index query
 * commands share (xref.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/args.h"
#include "cmd/cmd.h"
#include "cmd/xref.h"
#include "common/json.h"
#include "common/log.h"
#include "index/query.h"
#include "index/schema.h"
#include "index/store.h"

/* ---- shared by xref, callers, callees, where ---- */

struct ixq *xref_open(const char *db, const char *src)
{
	char path[PATH_MAX], why[PATH_MAX * 3];
	struct ixq_meta m;
	struct ixq *q;
	int err;

	if (!db) {
		err = ix_default_db(src, path, sizeof(path));
		if (err == -ENOENT && src) {
			ns_err("cannot open source tree '%s': no such directory", src);
			return NULL;
		}
		if (err == -ENOENT) {
			ns_err("no source index: no --db FILE or --src DIR given and no kernel source "
			       "tree fetched; 'netscope source fetch' then 'netscope index' build one");
			return NULL;
		}
		if (err) {
			ns_err("cannot name the index of '%s': %s", src ? src : "the fetched tree",
			       strerror(-err));
			return NULL;
		}
		db = path;
	}
	err = ixq__open(db, &q, &m);
	switch (err) {
	case 0:
		return q;
	case -ENOENT:
		if (src)
			ns_err("no source index at '%s'; 'netscope index --src %s' builds it", db, src);
		else if (db == path)
			ns_err("no source index at '%s'; 'netscope index' builds it", db);
		else
			ns_err("no source index at '%s'; 'netscope index --db %s' builds it", db, db);
		break;
	default:
		ns_err("%s", ixq__open_error(err, db, &m, why, sizeof(why)));
		break;
	}
	return NULL;
}

void xref_version_note(const struct ixq_meta *m, FILE *out)
{
	if (!m->version_differs)
		return;
	if (m->tree_version[0])
		fprintf(out, "note: the index is of linux %s (%s), the running kernel is %s: "
			"lines and functions may differ from what runs\n", m->tree_version, m->tree, m->running);
	else
		fprintf(out, "note: the index's tree (%s) has no kernel version, the running kernel is %s: "
			"lines and functions may differ from what runs\n", m->tree, m->running);
}

void xref_json_index(struct json_writer *w, const struct ixq_meta *m)
{
	json_key(w, "index");
	json_obj_begin(w);
	json_kv_str(w, "db", m->db);
	json_kv_str(w, "tree", m->tree);
	json_key(w, "tree_version");
	if (m->tree_version[0])
		json_str(w, m->tree_version);
	else
		json_null(w);
	json_kv_str(w, "running_kernel", m->running);
	json_kv_bool(w, "version_differs", m->version_differs);
	json_obj_end(w);
}

void xref_unknown_func(struct ixq *q, const char *name)
{
	struct ixq_names near;
	char list[512] = "";
	size_t len = 0;

	if (ixq__suggest_funcs(q, name, XREF_MAX_SUGGEST, &near) || !near.n) {
		ns_err("no function named '%s' in the index", name);
		return;
	}
	for (int i = 0; i < near.n && len < sizeof(list); i++)
		len += snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", near.name[i]);
	ns_err("no function named '%s' in the index; did you mean: %s?", name, list);
	ixq__names_free(&near);
}

const char *xref_loc(char *buf, size_t size, const char *file, unsigned line)
{
	snprintf(buf, size, "%s:%u", file ? file : "?", line);
	return buf;
}

/* ---- xref ---- */

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: netscope xref STRUCT.MEMBER [--mode MODES] [--db FILE] [--src DIR] [--json]\n"
		"       netscope xref STRUCT [--db FILE] [--src DIR] [--json]\n"
		"\n"
		"Where the kernel source uses a struct member, from the typed source index\n"
		"('netscope index' builds it): every function that reads it, writes it or\n"
		"takes its address, grouped by file and function, each use with its line\n"
		"and the macros it is written through (TCP_SKB_CB, WRITE_ONCE,sk_state),\n"
		"with totals per mode. Uses outside functions (initializers of static\n"
		"tables) are shown under their file. With STRUCT alone: every member the\n"
		"code uses, most used first, and the members of the running kernel's BTF\n"
		"that no indexed code uses.\n"
		"\n"
		"Modes: read (also atomic_read(&x), test_bit(n, &x)), write (=, WRITE_ONCE,\n"
		"memcpy destination, atomic_set), rw (+=, ++, atomic_inc(&x), set_bit),\n"
		"addr (&x, passed by address), init (designated initializer), size (sizeof,\n"
		"typeof: not evaluated). 'reads' count read and rw, 'writes' write, rw\n"
		"and init.\n"
		"\n"
		"Options:\n"
		"  -m, --mode MODES show only these modes, comma-separated: read (read and\n"
		"                   rw), write (write, rw and init), rw, addr, init, size,\n"
		"                   all\n"
		"  -d, --db FILE    the index (default: netscope-index.sqlite in the tree)\n"
		"  -s, --src DIR    the tree whose index to read (default: the tree\n"
		"                   'netscope source fetch' got)\n"
		"  -j, --json       JSON output\n"
		"  -h, --help       show this help\n"
		"\n"
		"EXAMPLES:\n"
		"  netscope xref sock_common.skc_state\n"
		"  netscope xref sk_buff.len --mode write\n"
		"  netscope xref tcp_skb_cb.seq --json | jq '.totals'\n"
		"  netscope xref sock\n"
		"  netscope xref --db ./netscope-index.sqlite net_protocol.handler\n");
}

/* "read 3, write 1" for the modes counted */
static void print_counts(const struct ixq_counts *c, FILE *out)
{
	int n = 0;

	for (int m = 0; m < IXQ_NR_MODES; m++)
		if (c->n[m])
			fprintf(out, "%s%s %u", n++ ? ", " : "", ixq__mode_name(m), c->n[m]);
}

static void json_counts(struct json_writer *w, const struct ixq_counts *c)
{
	json_obj_begin(w);
	for (int m = 0; m < IXQ_NR_MODES; m++)
		json_kv_u64(w, ixq__mode_name(m), c->n[m]);
	json_kv_u64(w, "reads", ixq__count(c, IXQ_READS));
	json_kv_u64(w, "writes", ixq__count(c, IXQ_WRITES));
	json_kv_u64(w, "total", ixq__count(c, IXQ_ALL_MODES));
	json_obj_end(w);
}

static void print_uses_text(const char *record, const char *member, const struct ixq_member_uses *u,
			    unsigned mask, FILE *out)
{
	const struct ixq_counts *t = &u->totals;
	const char *last_file = NULL;

	fprintf(out, "%s.%s: %u use%s in %u function%s, %u file%s\n", record, member, u->shown,
		PLURAL(u->shown), u->nr_funcs, PLURAL(u->nr_funcs), u->nr_files, PLURAL(u->nr_files));
	fprintf(out, "  reads %u, writes %u, addr %u, size %u  (", ixq__count(t, IXQ_READS),
		ixq__count(t, IXQ_WRITES), t->n[IXQ_ADDR], t->n[IXQ_SIZE]);
	print_counts(t, out);
	fprintf(out, ")\n");
	if (mask != IXQ_ALL_MODES)
		fprintf(out, "  shown: %u of %u uses (--mode)\n", u->shown, ixq__count(t, IXQ_ALL_MODES));
	for (size_t i = 0; i < u->nr_groups; i++) {
		const struct ixq_use_group *g = &u->groups[i];

		if (!last_file || strcmp(last_file, g->file))
			fprintf(out, "\n%s\n", g->file);
		last_file = g->file;
		if (g->func && g->func_file && strcmp(g->func_file, g->file))
			fprintf(out, "  %s (%s:%u): ", g->func, g->func_file, g->func_line);
		else if (g->func)
			fprintf(out, "  %s (line %u): ", g->func, g->func_line);
		else
			fprintf(out, "  (file scope): ");
		print_counts(&g->counts, out);
		fputc('\n', out);
		for (size_t j = 0; j < g->nr_uses; j++) {
			const struct ixq_use *s = &g->uses[j];

			if (s->via)
				fprintf(out, "    %5u  %-5s  via %s\n", s->line, ixq__mode_name(s->mode), s->via);
			else
				fprintf(out, "    %5u  %s\n", s->line, ixq__mode_name(s->mode));
		}
	}
}

/* asked and how: what was asked for when it was resolved ("sock.sk_state", "macro" or "path") */
static void print_uses_json(const struct ixq_meta *m, const char *record, const char *member,
			    const char *asked, const char *how, const struct ixq_member_uses *u, unsigned mask,
			    FILE *out)
{
	struct json_writer *w = json_new(out);
	const char *last_file = NULL;

	json_obj_begin(w);
	json_kv_u64(w, "schema_version", XREF_JSON_SCHEMA);
	xref_json_index(w, m);
	json_kv_str(w, "record", record);
	json_kv_str(w, "member", member);
	json_key(w, "resolved_from");
	if (asked) {
		json_obj_begin(w);
		json_kv_str(w, "asked", asked);
		json_kv_str(w, "how", how);
		json_obj_end(w);
	} else {
		json_null(w);
	}
	json_key(w, "modes");
	json_arr_begin(w);
	for (int i = 0; i < IXQ_NR_MODES; i++)
		if (mask & IXQ_BIT(i))
			json_str(w, ixq__mode_name(i));
	json_arr_end(w);
	json_key(w, "totals");
	json_counts(w, &u->totals);
	json_kv_u64(w, "shown", u->shown);
	json_kv_u64(w, "functions", u->nr_funcs);
	json_kv_u64(w, "files", u->nr_files);
	json_key(w, "by_file");
	json_arr_begin(w);
	for (size_t i = 0; i < u->nr_groups; i++) {
		const struct ixq_use_group *g = &u->groups[i];

		if (!last_file || strcmp(last_file, g->file)) {
			if (last_file) {
				json_arr_end(w);
				json_obj_end(w);
			}
			json_obj_begin(w);
			json_kv_str(w, "file", g->file);
			json_key(w, "functions");
			json_arr_begin(w);
		}
		last_file = g->file;
		json_obj_begin(w);
		json_key(w, "function");
		if (g->func)
			json_str(w, g->func);
		else
			json_null(w);
		json_key(w, "defined_at");
		if (g->func) {
			json_obj_begin(w);
			json_kv_str(w, "file", g->func_file ? g->func_file : g->file);
			json_kv_u64(w, "line", g->func_line);
			json_obj_end(w);
		} else {
			json_null(w);
		}
		json_key(w, "counts");
		json_counts(w, &g->counts);
		json_key(w, "uses");
		json_arr_begin(w);
		for (size_t j = 0; j < g->nr_uses; j++) {
			json_obj_begin(w);
			json_kv_u64(w, "line", g->uses[j].line);
			json_kv_u64(w, "col", g->uses[j].col);
			json_kv_str(w, "mode", ixq__mode_name(g->uses[j].mode));
			json_key(w, "via");
			if (g->uses[j].via)
				json_str(w, g->uses[j].via);
			else
				json_null(w);
			json_obj_end(w);
		}
		json_arr_end(w);
		json_obj_end(w);
	}
	if (last_file) {
		json_arr_end(w);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
	json_free(w);
	fputc('\n', out);
}

static void print_members_text(const char *record, const struct ixq_record_stats *s,
			       const struct ixq_kernel_members *unused, FILE *out)
{
	fprintf(out, "%s: %zu member%s used, %u use%s\n\n", record, s->nr, PLURAL(s->nr), s->total,
		PLURAL(s->total));
	fprintf(out, "%-28s %6s %6s %6s %5s %5s %5s %5s %9s\n", "member", "total", "read", "write", "rw",
		"addr", "init", "size", "functions");
	for (size_t i = 0; i < s->nr; i++) {
		const struct ixq_member_stat *m = &s->members[i];

		fprintf(out, "%-28s %6u %6u %6u %5u %5u %5u %5u %9u%s\n", m->member, m->total,
			m->counts.n[IXQ_READ], m->counts.n[IXQ_WRITE], m->counts.n[IXQ_RW],
			m->counts.n[IXQ_ADDR], m->counts.n[IXQ_INIT], m->counts.n[IXQ_SIZE], m->funcs,
			m->file_scope ? " +file scope" : "");
	}
	if (!unused->found) {
		fprintf(out, "\n(the running kernel's BTF has no struct or union '%s': unused members not known)\n",
			record);
		return;
	}
	fprintf(out, "\nnot used by indexed code (%zu of the %zu members in the running kernel's BTF):%s",
		unused->nr, unused->nr_all, unused->nr ? "\n " : " none");
	/* wrapped: sk_buff leaves dozens */
	for (size_t i = 0, col = 1; i < unused->nr; i++) {
		size_t len = strlen(unused->names[i]) + 2;

		if (col + len > 100) {
			fputs("\n ", out);
			col = 1;
		}
		fprintf(out, " %s%s", unused->names[i], i + 1 < unused->nr ? "," : "");
		col += len;
	}
	fputc('\n', out);
}

static void print_members_json(const struct ixq_meta *meta, const char *record,
			       const struct ixq_record_stats *s, const struct ixq_kernel_members *unused,
			       FILE *out)
{
	struct json_writer *w = json_new(out);

	json_obj_begin(w);
	json_kv_u64(w, "schema_version", XREF_JSON_SCHEMA);
	xref_json_index(w, meta);
	json_kv_str(w, "record", record);
	json_kv_u64(w, "uses", s->total);
	json_key(w, "members");
	json_arr_begin(w);
	for (size_t i = 0; i < s->nr; i++) {
		const struct ixq_member_stat *m = &s->members[i];

		json_obj_begin(w);
		json_kv_str(w, "member", m->member);
		json_key(w, "counts");
		json_counts(w, &m->counts);
		json_kv_u64(w, "functions", m->funcs);
		json_kv_bool(w, "file_scope", m->file_scope);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "unused_in_btf");
	if (unused->found) {
		json_arr_begin(w);
		for (size_t i = 0; i < unused->nr; i++)
			json_str(w, unused->names[i]);
		json_arr_end(w);
	} else {
		json_null(w);
	}
	json_obj_end(w);
	json_free(w);
	fputc('\n', out);
}

static void unknown_record(struct ixq *q, const char *record)
{
	struct ixq_names near;
	char list[512] = "";
	size_t len = 0;

	if (!ixq__suggest_records(q, record, XREF_MAX_SUGGEST, &near) && near.n) {
		for (int i = 0; i < near.n && len < sizeof(list); i++)
			len += snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", near.name[i]);
		ns_err("no member of struct or union '%s' is used in the index; did you mean: %s?", record,
		       list);
		ixq__names_free(&near);
		return;
	}
	ns_err("no member of struct or union '%s' is used in the index", record);
}

static void unknown_member(struct ixq *q, const char *record, const char *member)
{
	struct ixq_names near;
	char list[512] = "";
	size_t len = 0;

	if (!ixq__has_record(q, record)) {
		unknown_record(q, record);
		return;
	}
	if (!ixq__suggest_members(q, record, member, XREF_MAX_SUGGEST, &near) && near.n) {
		for (int i = 0; i < near.n && len < sizeof(list); i++)
			len += snprintf(list + len, sizeof(list) - len, "%s%s.%s", i ? ", " : "", record,
					near.name[i]);
		ns_err("no use of '%s.%s' in the index; did you mean: %s?", record, member, list);
		ixq__names_free(&near);
		return;
	}
	ns_err("no use of '%s.%s' in the index ('netscope xref %s' lists the members used)", record,
	       member, record);
}

/* "struct sock" and "sock" are one record; "sock.sk_state" splits at the dot */
static int split_operand(const char *arg, char *record, size_t size, const char **member)
{
	const char *dot;

	if (!strncmp(arg, "struct ", 7))
		arg += 7;
	else if (!strncmp(arg, "union ", 6))
		arg += 6;
	dot = strchr(arg, '.');
	*member = NULL;
	if (!dot) {
		snprintf(record, size, "%s", arg);
		return record[0] ? 0 : -EINVAL;
	}
	if ((size_t)(dot - arg) >= size || dot == arg || !dot[1])
		return -EINVAL;
	memcpy(record, arg, dot - arg);
	record[dot - arg] = '\0';
	*member = dot + 1;
	return 0;
}

static int xref_member(struct ixq *q, const char *record, const char *member, unsigned mask, bool json)
{
	const struct ixq_meta *meta = ixq__meta(q);
	struct ixq_member_uses u;
	char alias_rec[256], alias_mem[256], resolved[600] = "", asked[600] = "";
	const char *how = NULL;
	int err;

	err = ixq__member_uses(q, record, member, mask, &u);
	/*
	 * sock.__sk_common.skc_state is a path into a named nested struct;
	 * sock.sk_state is "#define sk_state __sk_common.skc_state": either
	 * way, what the index holds is sock_common.skc_state
	 */
	if (err == -ENOENT && strchr(member, '.') &&
	    !ixq__resolve_path(record, member, alias_rec, sizeof(alias_rec), alias_mem, sizeof(alias_mem)) &&
	    (strcmp(alias_rec, record) || strcmp(alias_mem, member)))
		how = "path";
	else if (err == -ENOENT && !ixq__resolve_alias(q, record, member, alias_rec, sizeof(alias_rec),
						       alias_mem, sizeof(alias_mem)))
		how = "macro";
	if (how) {
		snprintf(resolved, sizeof(resolved), "%s.%s", alias_rec, alias_mem);
		snprintf(asked, sizeof(asked), "%s.%s", record, member);
		err = ixq__member_uses(q, alias_rec, alias_mem, mask, &u);
		if (!err) {
			record = alias_rec;
			member = alias_mem;
		}
	}
	if (err == -ENOENT) {
		unknown_member(q, record, member);
		return 1;
	}
	if (err) {
		ns_err("cannot read the uses of '%s.%s' from '%s': %s", record, member, meta->db,
		       err == -EIO ? ixq__errmsg(q) : strerror(-err));
		return 1;
	}
	if (json) {
		print_uses_json(meta, record, member, how ? asked : NULL, how, &u, mask, stdout);
	} else {
		xref_version_note(meta, stdout);
		if (how && !strcmp(how, "macro"))
			printf("note: the member is a macro of the source; its uses are those of %s\n", resolved);
		else if (how)
			printf("note: %s is %s, a member of a nested struct\n", asked, resolved);
		print_uses_text(record, member, &u, mask, stdout);
	}
	ixq__member_uses_free(&u);
	return 0;
}

static int xref_record(struct ixq *q, const char *record, bool json)
{
	const struct ixq_meta *meta = ixq__meta(q);
	struct ixq_kernel_members unused = {};
	struct ixq_record_stats s;
	int err = ixq__record_members(q, record, &s);

	if (err == -ENOENT) {
		unknown_record(q, record);
		return 1;
	}
	if (err) {
		ns_err("cannot read the members of '%s' from '%s': %s", record, meta->db,
		       err == -EIO ? ixq__errmsg(q) : strerror(-err));
		return 1;
	}
	err = ixq__kernel_unused_members(record, &s, &unused);
	if (err) {
		ns_err("cannot list the members of '%s' in BTF: %s", record, strerror(-err));
		ixq__record_stats_free(&s);
		return 1;
	}
	if (json) {
		print_members_json(meta, record, &s, &unused, stdout);
	} else {
		xref_version_note(meta, stdout);
		print_members_text(record, &s, &unused, stdout);
	}
	ixq__kernel_members_free(&unused);
	ixq__record_stats_free(&s);
	return 0;
}

int cmd_xref(int argc, char **argv, const struct cmd_common *co)
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "db", required_argument, NULL, 'd' },
		{ "src", required_argument, NULL, 's' },
		{ NULL },
	};
	const char *db = NULL, *src = NULL, *mode = NULL, *arg, *member, *bad;
	unsigned mask = IXQ_ALL_MODES;
	char record[256];
	bool json = false;
	struct ixq *q;
	size_t bad_len;
	int c, ret;

	if (co->help) {
		usage(stdout);
		return 0;
	}
	json = co->json;
	while ((c = getopt_long(argc, argv, "m:d:s:", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			mode = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 's':
			src = optarg;
			break;
		default:
			cmd_bad_option(argc, argv, longopts);
			usage(stderr);
			return 2;
		}
	}
	arg = cmd_one_operand(argc, argv, "STRUCT.MEMBER or STRUCT");
	if (!arg) {
		usage(stderr);
		return 2;
	}
	if (split_operand(arg, record, sizeof(record), &member)) {
		ns_err("cannot read '%s': give STRUCT.MEMBER (sock_common.skc_state) or STRUCT (sk_buff)", arg);
		return 2;
	}
	if (mode && ixq__mode_parse(mode, &mask, &bad, &bad_len)) {
		ns_err("unknown mode '%.*s' in --mode; modes: read, write, rw, addr, init, size, all", (int)bad_len,
		       bad);
		return 2;
	}
	if (mode && !member) {
		ns_err("--mode needs STRUCT.MEMBER");
		return 2;
	}
	q = xref_open(db, src);
	if (!q)
		return 1;
	ret = member ? xref_member(q, record, member, mask, json) : xref_record(q, record, json);
	ixq__close(q);
	return ret;
}
