// SPDX-License-Identifier: GPL-2.0
/*
 * netscope index: build or bring up to date the SQLite source index of a
 * tree (functions, calls, member accesses, function-pointer stores) that
 * the xref queries read.  Selection (kbuild.c), flags (kflags.c), staleness
 * and writing (store.c), parallel parsing (driver.c).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "cmd/args.h"
#include "cmd/cmd.h"
#include "common/log.h"
#include "common/parse.h"
#include "index/clang_api.h"
#include "index/driver.h"
#include "index/extract.h"
#include "index/kbuild.h"
#include "index/kflags.h"
#include "index/store.h"
#include "inspect/source.h"

static const char *const default_dirs[] = { "net/core", "net/ipv4", "net/ipv6", NULL };
/* failures listed in the summary; the rest is in the index (units.first_error) */
#define MAX_LISTED 30

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: netscope index [--src DIR] [--db FILE] [-J N] [--rebuild] [--all-files] [PATH...]\n"
		"\n"
		"Parse the C files of a source tree with libclang and store what they do\n"
		"in an SQLite index: functions, calls (direct, through INDIRECT_CALL_*, through\n"
		"function pointers), struct member accesses (read, write, address taken, ...)\n"
		"and functions stored in function-pointer members. 'netscope xref' and the\n"
		"reports read it.\n"
		"\n"
		"PATHs are relative to the tree: a directory gives the .c files the tree's\n"
		"configuration builds there (its Kbuild Makefiles, subdirectories followed), a\n"
		"file is taken as given. Default: net/core net/ipv4 net/ipv6 (a kernel tree),\n"
		"the whole tree (a plain C tree: no kernel Makefile; -I DIR/include).\n"
		"\n"
		"A second run indexes only what changed: a unit is parsed again when its .c\n"
		"or any header it read changed (by content). An index made under another\n"
		"configuration is rebuilt. A kernel tree needs its generated headers\n"
		"(include/generated/autoconf.h): 'netscope source fetch' brings them.\n"
		"\n"
		"Options:\n"
		"  -s, --src DIR    the source tree; default: the one 'netscope source fetch' got\n"
		"  -d, --db FILE    the index file; default: DIR/" IX_DB_NAME ", where the\n"
		"                   queries look for it\n"
		"  -J, --jobs N     parse with N worker processes (default: online CPUs)\n"
		"  -r, --rebuild    start the index over (also one of another tree)\n"
		"  -a, --all-files  every .c under the PATHs, whatever the configuration\n"
		"  -v, --verbose    more messages\n"
		"  -h, --help       show this help\n"
		"\n"
		"Exit status: 0 when the index is written (units with errors or failed are\n"
		"listed), 1 on bad input or when no unit could be indexed, 2 on a bad\n"
		"option, 130 when interrupted (the units done are kept; run again to go on).\n"
		"\n"
		"EXAMPLES:\n"
		"  netscope source fetch && netscope index\n"
		"  netscope index -J 8 net/ipv4 net/core\n"
		"  netscope index net/ipv4/tcp.c net/ipv4/tcp_input.c\n"
		"  netscope index --src ~/linux --db /tmp/linux.sqlite net/ipv4\n"
		"  sqlite3 /var/cache/netscope/linux-source-6.12/" IX_DB_NAME " \\\n"
		"      \"SELECT status, count(*) FROM units GROUP BY status\"\n");
}

struct plan {
	struct kbuild_list files;
	struct ix_job *jobs;
	size_t njobs, cap;
	unsigned by_why[IX_FAILED_BEFORE + 1];
};

static int add_job(struct plan *p, const char *rel, const char *modname)
{
	if (p->njobs == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct ix_job *v = realloc(p->jobs, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->jobs = v;
		p->cap = cap;
	}
	p->jobs[p->njobs++] = (struct ix_job){ .rel = rel, .modname = modname };
	return 0;
}

/* PATH as given -> relative to the tree; -EINVAL (after a message) when outside it */
static int tree_rel(const struct ix_flags *f, const char *arg, char *rel, size_t size)
{
	char full[PATH_MAX * 2], *real;
	size_t tl = strlen(f->tree);

	if (arg[0] == '/')
		snprintf(full, sizeof(full), "%s", arg);
	else
		snprintf(full, sizeof(full), "%s/%s", f->tree, arg);
	real = realpath(full, NULL);
	if (!real) {
		ns_err("'%s' is not in the tree '%s'", arg, f->tree);
		return -ENOENT;
	}
	if (!strcmp(real, f->tree)) {
		snprintf(rel, size, "%s", "");
	} else if (!strncmp(real, f->tree, tl) && real[tl] == '/') {
		snprintf(rel, size, "%s", real + tl + 1);
	} else {
		ns_err("'%s' is outside the tree '%s'", arg, f->tree);
		free(real);
		return -EINVAL;
	}
	free(real);
	return 0;
}

/* *refused: a Makefile was refused (said), what the others build is selected */
static int select_files(const struct ix_flags *f, char **paths, int npaths, bool all_files,
			struct kbuild_list *out, bool *refused)
{
	struct kbuild_config *cfg = NULL;
	const char *defaults[] = { ".", NULL };
	const char *const *list = f->kernel ? default_dirs : defaults;
	int err = 0;

	if (f->kernel && !all_files) {
		err = kbuild_config_load(f->config, &cfg);
		if (err) {
			ns_err("cannot read the configuration '%s': %s", f->config, strerror(-err));
			return err;
		}
	}
	for (int i = 0; !err && (npaths ? i < npaths : !!list[i]); i++) {
		const char *arg = npaths ? paths[i] : list[i];
		char rel[PATH_MAX], full[PATH_MAX * 2];
		struct stat st;

		err = tree_rel(f, arg, rel, sizeof(rel));
		if (err)
			break;
		snprintf(full, sizeof(full), "%s/%s", f->tree, rel);
		if (stat(full, &st)) {
			ns_err("cannot open '%s': %s", full, strerror(errno));
			err = -errno;
			break;
		}
		size_t before = out->n;

		if (S_ISREG(st.st_mode)) {
			size_t len = strlen(rel);

			if (len < 3 || strcmp(rel + len - 2, ".c")) {
				ns_err("'%s' is not a .c file: give .c files or directories", arg);
				err = -EINVAL;
				break;
			}
			err = kbuild_list_add(out, rel, NULL);
		} else if (!S_ISDIR(st.st_mode)) {
			ns_err("'%s' is neither a file nor a directory", arg);
			err = -EINVAL;
		} else if (cfg) {
			err = kbuild_select(cfg, f->tree, rel[0] ? rel : ".", out);
			if (err == -ELOOP) {
				*refused = true;
				err = 0;
			} else if (err == -ENOENT)
				ns_err("'%s' has no Kbuild or Makefile to say what is built there: give its "
				       ".c files, or --all-files", arg);
			else if (err)
				ns_err("cannot read the Makefiles under '%s': %s", arg, strerror(-err));
		} else {
			err = kbuild_all_files(f->tree, rel[0] ? rel : ".", out);
			if (err)
				ns_err("cannot list '%s': %s", arg, strerror(-err));
		}
		if (!err && out->n == before)
			ns_warn("no .c file to index under '%s'%s", arg,
				cfg ? " in this configuration (--all-files takes every one)" : "");
	}
	kbuild_config_free(cfg);
	if (!err)
		kbuild_list_sort(out);
	if (!err && !out->n) {
		ns_err("nothing to index");
		err = -ENOENT;
	}
	return err;
}

/* bigger units first: the last ones to finish are then short ones */
static const char *sort_tree;

static long long file_size(const char *rel)
{
	char path[PATH_MAX * 2];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", sort_tree, rel);
	return stat(path, &st) ? 0 : (long long)st.st_size;
}

struct sized_job {
	struct ix_job job;
	long long size;
};

static int cmp_size(const void *a, const void *b)
{
	const struct sized_job *x = a, *y = b;

	return x->size < y->size ? 1 : x->size > y->size ? -1 : strcmp(x->job.rel, y->job.rel);
}

static void order_jobs(const struct ix_flags *f, struct ix_job *jobs, size_t n)
{
	struct sized_job *v = calloc(n, sizeof(*v));

	if (!v)
		return;
	sort_tree = f->tree;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct sized_job){ .job = jobs[i], .size = file_size(jobs[i].rel) };
	qsort(v, n, sizeof(*v), cmp_size);
	for (size_t i = 0; i < n; i++)
		jobs[i] = v[i].job;
	free(v);
}

struct orphans {
	struct plan *p;
	char **names;
	size_t n, cap;
};

static int orphan_cb(void *ctx, const char *rel)
{
	struct orphans *o = ctx;
	char *copy;

	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 16;
		char **v = realloc(o->names, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		o->names = v;
		o->cap = cap;
	}
	copy = strdup(rel);
	if (!copy)
		return -ENOMEM;
	o->names[o->n++] = copy;
	return add_job(o->p, copy, NULL);
}

static void print_failures(const struct ix_run *run, const char *status, const char *title)
{
	size_t shown = 0, total = 0;

	for (size_t i = 0; i < run->nfailures; i++)
		total += !strcmp(run->failures[i].status, status);
	if (!total)
		return;
	printf("%s:\n", title);
	for (size_t i = 0; i < run->nfailures; i++) {
		const struct ix_failure *fl = &run->failures[i];

		if (strcmp(fl->status, status))
			continue;
		if (shown++ == MAX_LISTED) {
			printf("  ... and %zu more (SELECT f.path, u.first_error FROM units u JOIN files f "
			       "ON f.id = u.file_id WHERE u.status = '%s')\n", total - MAX_LISTED, status);
			break;
		}
		printf("  %s: %s\n", fl->rel, fl->first_error[0] ? fl->first_error : "(no message)");
	}
}

static void summary(struct ix_store *s, const char *db, const struct ix_run *run, int nworkers)
{
	unsigned ok, errors, failed, done = run->ok + run->errors + run->failed;
	struct ix_store_counts c;

	ix_store_counts(s, &c);
	printf("%s %u unit%s in %.1f s with %d worker%s: %u ok, %u with errors, %u failed\n",
	       run->interrupted ? "interrupted after" : "indexed", done, PLURAL(done), run->seconds, nworkers,
	       PLURAL(nworkers), run->ok, run->errors, run->failed);
	printf("wrote %lu functions, %lu calls, %lu member accesses, %lu function-pointer stores\n",
	       c.functions, c.calls, c.accesses, c.fnrefs);
	if (!ix_store_totals(s, &ok, &errors, &failed))
		printf("the index %s holds %u unit%s (%u ok, %u with errors, %u failed)\n", db,
		       ok + errors + failed, PLURAL(ok + errors + failed), ok, errors, failed);
	print_failures(run, "errors", "units with errors (indexed as far as clang parsed them)");
	print_failures(run, "failed", "failed units (not in the index)");
	if (run->interrupted)
		printf("every unit indexed so far is kept: run the same command again to go on\n");
}

static int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

int cmd_index(int argc, char **argv, const struct cmd_common *co)
{
	static const struct option longopts[] = {
		{ "src", required_argument, NULL, 's' },
		{ "db", required_argument, NULL, 'd' },
		{ "jobs", required_argument, NULL, 'J' },
		{ "rebuild", no_argument, NULL, 'r' },
		{ "all-files", no_argument, NULL, 'a' },
		{ NULL },
	};
	const char *src = NULL, *db_arg = NULL;
	bool rebuild = false, all_files = false, refused = false;
	int nworkers = online_cpus(), c, err, ret = 1;
	char db[PATH_MAX];
	struct source_tree t;
	struct ix_flags f = {};
	struct ix_store *s = NULL;
	struct ix_run run = {};
	struct plan p = {};
	struct orphans orph = { .p = &p };
	unsigned removed = 0;
	char retried[48] = "";
	uint64_t v;

	if (co->help) {
		usage(stdout);
		return 0;
	}
	while ((c = getopt_long(argc, argv, "s:d:J:ra", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			src = optarg;
			break;
		case 'd':
			db_arg = optarg;
			break;
		case 'J':
			if (ns_parse_u64(optarg, 1024, &v) || !v) {
				ns_err("invalid number of jobs '%s' (1 to 1024)", optarg);
				return 2;
			}
			nworkers = (int)v;
			break;
		case 'r':
			rebuild = true;
			break;
		case 'a':
			all_files = true;
			break;
		default:
			cmd_bad_option(argc, argv, longopts);
			usage(stderr);
			return 2;
		}
	}
	if (!src) {
		if (source__default(&t)) {
			ns_err("no source tree: 'netscope source fetch' gets the running kernel's, "
			       "or give one with --src DIR");
			return 1;
		}
		src = t.dir;
	}
	/* before anything is read or written: without libclang nothing can be indexed */
	if (ix_clang_load() || ix_flags_init(&f, src))
		return 1;
	if (db_arg) {
		snprintf(db, sizeof(db), "%s", db_arg);
	} else if (ix_default_db(f.tree, db, sizeof(db))) {
		ns_err("the tree path '%s' is too long for an index file name", f.tree);
		goto out;
	}
	if (select_files(&f, argv + optind, argc - optind, all_files, &p.files, &refused))
		goto out;
	err = ix_store_open(db, &(struct ix_store_tree){
		.tree = f.tree, .version = f.version, .config = f.config,
		.config_hash = f.config_hash, .flags_hash = f.flags_hash, .extractor = IX_EXTRACT_VERSION,
	}, rebuild, &s);
	if (err)
		goto out;
	if (ix_store_refresh(s, &removed))
		goto out;
	if (removed)
		printf("removed %u unit%s whose file is gone\n", removed, PLURAL(removed));
	for (size_t i = 0; i < p.files.n; i++) {
		enum ix_why why;

		if (ix_store_need(s, p.files.v[i].path, &why))
			goto out;
		p.by_why[why]++;
		if (why != IX_FRESH && add_job(&p, p.files.v[i].path, p.files.v[i].modname)) {
			ns_err("out of memory");
			goto out;
		}
	}
	/* units that were removed may have owned header functions others must now report */
	if (!p.njobs && removed && ix_store_orphan_units(s, false, orphan_cb, &orph))
		goto out;
	if (!p.njobs) {
		unsigned ok, errors, failed;

		if (ix_store_totals(s, &ok, &errors, &failed))
			goto out;
		printf("the index %s is up to date: %zu unit%s checked, nothing to reindex "
		       "(it holds %u unit%s: %u ok, %u with errors, %u failed)\n",
		       db, p.files.n, PLURAL(p.files.n), ok + errors + failed, PLURAL(ok + errors + failed), ok,
		       errors, failed);
		ret = 0;
		goto out;
	}
	order_jobs(&f, p.jobs, p.njobs);
	if ((size_t)nworkers > p.njobs)
		nworkers = (int)p.njobs;
	if (p.by_why[IX_FAILED_BEFORE])
		snprintf(retried, sizeof(retried), ", %u failed last time", p.by_why[IX_FAILED_BEFORE]);
	printf("indexing %zu of %zu unit%s (%u new, %u changed, %u after a header changed%s%s) "
	       "of %s with %d worker%s into %s\n", p.njobs, p.files.n, PLURAL(p.files.n), p.by_why[IX_NEW],
	       p.by_why[IX_CHANGED], p.by_why[IX_DEP_CHANGED], retried,
	       orph.n ? ", some to own header functions of removed units" : "", f.tree, nworkers,
	       PLURAL(nworkers), db);
	fflush(stdout);
	err = ix_drive(s, &f, p.jobs, p.njobs, nworkers, &run);
	if (!err) {
		/* header functions whose owner was reindexed and did not report them again */
		size_t before = p.njobs;

		err = ix_store_orphan_units(s, run.crashed > 0, orphan_cb, &orph);
		if (!err && p.njobs > before) {
			printf("indexing %zu more unit%s to own header functions their previous owner "
			       "no longer reports\n", p.njobs - before, PLURAL(p.njobs - before));
			fflush(stdout);
			err = ix_drive(s, &f, p.jobs + before, p.njobs - before,
				       nworkers, &run);
		}
	}
	summary(s, db, &run, nworkers);
	if (run.interrupted)
		ret = 130;
	else if (!err && run.ok + run.errors)
		ret = 0;
	else if (!err)
		ns_err("no unit could be indexed");
out:
	if (ix_store_close(s) && !ret)
		ret = 1;
	if (refused && !ret) {
		ns_err("the objects of the refused Makefiles above are not indexed");
		ret = 1;
	}
	ix_run_free(&run);
	for (size_t i = 0; i < orph.n; i++)
		free(orph.names[i]);
	free(orph.names);
	free(p.jobs);
	kbuild_list_free(&p.files);
	ix_flags_free(&f);
	return ret;
}
