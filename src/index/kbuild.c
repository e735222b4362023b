// SPDX-License-Identifier: GPL-2.0
/*
 * Which .c files a configuration builds under a directory, from the
 * object lists the makefile evaluator (kbuild_make.c) leaves; every .c
 * file under one (--all-files); and the file lists both fill.  This is
 * the part that knows Kbuild rather than make.
 *
 * What Kbuild does with the lists (scripts/Makefile.lib, 6.x):
 *   obj-y/obj-m name objects (foo.o) and subdirectories (sub/);
 *   foo.o is a composite when foo-objs, foo-y (and for obj-m foo-m), or
 *   foo- is non-empty; its parts are expanded the same way, recursively.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "common/log.h"
#include "index/kbuild_priv.h"

/* snprintf() into a path buffer: 0, or -ENAMETOOLONG rather than a path cut short */
static int __attribute__((format(printf, 3, 4))) path_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* 1 when tree/rel is a regular file, 0 when not, -ENAMETOOLONG */
static int file_exists(const char *tree, const char *rel)
{
	char path[8192];
	struct stat st;
	int err;

	err = path_fmt(path, sizeof(path), "%s/%s", tree, rel);
	if (err)
		return err;
	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* "net/ipv4/./a/../b.c" -> "net/ipv4/b.c" (lexically; a/.. is a/.. in the tree, no symlinks there) */
static void normalize(char *path)
{
	char *parts[256], *save, *tok, buf[8192];
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..") && n > 0 && strcmp(parts[n - 1], "..")) {
			n--;
			continue;
		}
		if (n < 256)
			parts[n++] = tok;
	}
	path[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(path, "/");
		strcat(path, parts[i]);
	}
}

int kbuild_list_add(struct kbuild_list *l, const char *path, const char *modname)
{
	struct kbuild_file *f;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct kbuild_file *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	f = &l->v[l->n];
	f->path = strdup(path);
	if (!modname) {
		const char *s = strrchr(path, '/');

		s = s ? s + 1 : path;
		f->modname = strndup(s, strcspn(s, "."));
	} else {
		f->modname = strdup(modname);
	}
	if (!f->path || !f->modname) {
		free(f->path);
		free(f->modname);
		return -ENOMEM;
	}
	l->n++;
	return 0;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct kbuild_file *)a)->path, ((const struct kbuild_file *)b)->path);
}

void kbuild_list_sort(struct kbuild_list *l)
{
	size_t w = 0;

	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof(l->v[0]), cmp_file);
	for (size_t i = 0; i < l->n; i++) {
		if (w && !strcmp(l->v[w - 1].path, l->v[i].path)) {
			free(l->v[i].path);
			free(l->v[i].modname);
			continue;
		}
		l->v[w++] = l->v[i];
	}
	l->n = w;
}

void kbuild_list_free(struct kbuild_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].modname);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

struct selector {
	const struct kbuild_config *cfg;
	const char *tree;
	struct kbuild_list *out;
	struct strmap seen_dirs;
	int err;	/* -ELOOP: a makefile had a loop make refuses (said at once) */
};

/* the concatenated values of base<suffix> for each suffix */
static char *suffix_search(struct mk *m, const char *base, const char *const *suffixes)
{
	struct sbuf b = {};
	char name[1024];

	for (int i = 0; suffixes[i]; i++) {
		char *v;

		snprintf(name, sizeof(name), "%s%s", base, suffixes[i]);
		v = kb_var_value(m, name);
		if (v && *v)
			kb_sb_word(&b, v, strlen(v));
		free(v);
	}
	return kb_sb_take(&b);
}

static int select_dir(struct selector *s, const char *dir);

/* the composites being expanded, innermost first */
struct composite {
	const char *base;
	const struct composite *up;
};

/*
 * an object of obj-y/obj-m: foo.o is foo.c, or a composite of its parts;
 * -ELOOP (said) for a composite that contains itself, which make refuses
 * ("Circular foo.o <- foo.o dependency dropped") and Kbuild cannot link
 */
static int add_object(struct selector *s, struct mk *m, const char *word, size_t wn,
		      const char *const *suffixes, const char *modname, int depth,
		      const struct composite *up)
{
	char base[1024], path[8192], *parts, *presence;
	/* foo- counts too: a composite whose parts are all configured out */
	const char *probe[8];
	int np = 0, err = 0;

	for (; suffixes[np] && np < 6; np++)
		probe[np] = suffixes[np];
	probe[np++] = "-";
	probe[np] = NULL;
	if (wn < 3 || memcmp(word + wn - 2, ".o", 2) || wn - 2 >= sizeof(base))
		return 0;
	memcpy(base, word, wn - 2);
	base[wn - 2] = '\0';
	presence = suffix_search(m, base, probe);
	if (!presence)
		return -ENOMEM;
	if (*presence && depth < 8) {
		/* a composite: its parts, named relative to the same directory */
		const char *slash = strrchr(base, '/'), *mod = modname ? modname : slash ? slash + 1 : base;
		const struct composite self = { base, up };
		const char *p, *w;
		size_t pn;

		for (const struct composite *c = up; c; c = c->up)
			if (!strcmp(c->base, base)) {
				ns_err("composite object '%s.o' contains itself in '%s'", base, m->file);
				free(presence);
				return -ELOOP;
			}
		parts = suffix_search(m, base, suffixes);
		if (!parts) {
			free(presence);
			return -ENOMEM;
		}
		p = parts;
		while (!err && (w = kb_next_word(&p, &pn)))
			err = add_object(s, m, w, pn, suffixes, mod, depth + 1, &self);
		free(parts);
		free(presence);
		return err;
	}
	free(presence);
	/* a path too long to form fails the selection: skipping it would lose a file silently */
	err = path_fmt(path, sizeof(path), "%s/%s.c", m->dir, base);
	if (err)
		return err;
	normalize(path);
	err = file_exists(s->tree, path);
	if (err < 0)
		return err;
	/* assembler (.S) and files generated at build time have no .c in the tree */
	if (!err) {
		ns_dbg(1, "kbuild: %s/%s.o has no .c in the tree", m->dir, base);
		return 0;
	}
	const char *slash = strrchr(base, '/');

	return kbuild_list_add(s->out, path, modname ? modname : slash ? slash + 1 : base);
}

static int select_dir(struct selector *s, const char *dir)
{
	static const char *const sfx_y[] = { "-objs", "-y", NULL };
	static const char *const sfx_m[] = { "-objs", "-y", "-m", NULL };
	static const struct {
		const char *list;
		const char *const *suffixes;
	} lists[] = {
		{ "obj-y", sfx_y }, { "obj-m", sfx_m }, { "lib-y", sfx_y },
	};
	char path[8192];
	struct mk m = { .cfg = s->cfg, .tree = s->tree, .dir = dir };
	char *text;
	int err = 0;

	if (kb_map_find(&s->seen_dirs, dir))
		return 0;
	if (!kb_map_get(&s->seen_dirs, dir))
		return -ENOMEM;
	/* Kbuild prefers a file named Kbuild (scripts/Makefile.build: kbuild-file) */
	err = path_fmt(path, sizeof(path), "%s/%s/Kbuild", s->tree, dir);
	if (err)
		return err;
	text = kb_read_makefile(path);
	if (!text) {
		err = path_fmt(path, sizeof(path), "%s/%s/Makefile", s->tree, dir);
		if (err)
			return err;
		text = kb_read_makefile(path);
	}
	if (!text)
		return -ENOENT;
	m.file = path;
	err = kb_eval_text(&m, text);
	free(text);
	for (size_t i = 0; !err && i < sizeof(lists) / sizeof(lists[0]); i++) {
		char *val = kb_var_value(&m, lists[i].list);
		const char *p = val, *w;
		size_t wn;

		while (!err && p && (w = kb_next_word(&p, &wn))) {
			if (w[wn - 1] == '/') {
				char sub[8192];

				err = path_fmt(sub, sizeof(sub), "%s/%.*s", dir, (int)wn - 1, w);
				if (err)
					break;
				normalize(sub);
				err = select_dir(s, sub);
				/* a subdirectory without a makefile breaks the kernel build too */
				if (err == -ENOENT) {
					ns_dbg(1, "kbuild: %s has no Makefile", sub);
					err = 0;
				}
			} else {
				err = add_object(s, &m, w, wn, lists[i].suffixes, NULL, 0, NULL);
				/* said: the object is left out, the rest is still selected */
				if (err == -ELOOP) {
					s->err = err;
					err = 0;
				}
			}
		}
		free(val);
	}
	if (m.err)
		s->err = m.err;
	kb_map_free(&m.vars);
	return err;
}

int kbuild_select(const struct kbuild_config *cfg, const char *tree, const char *dir,
		  struct kbuild_list *out)
{
	struct selector s = { .cfg = cfg, .tree = tree, .out = out };
	char d[8192];
	int err;

	err = path_fmt(d, sizeof(d), "%s", dir);
	if (err)
		return err;
	normalize(d);
	err = select_dir(&s, d);
	if (!err)
		err = s.err;
	kb_map_free(&s.seen_dirs);
	return err;
}

static int walk_all(const char *tree, const char *rel, struct kbuild_list *out)
{
	char path[8192];
	struct dirent *e;
	DIR *d;
	int err = 0;

	err = path_fmt(path, sizeof(path), "%s/%s", tree, rel);
	if (err)
		return err;
	d = opendir(path);
	if (!d)
		return -errno;
	while (!err && (e = readdir(d))) {
		char sub[8192];
		struct stat st;
		size_t n = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		/* a path too long to form is skipped, like one lstat() fails on */
		if (path_fmt(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "", e->d_name) ||
		    path_fmt(path, sizeof(path), "%s/%s", tree, sub) || lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			err = walk_all(tree, sub, out);
		else if (S_ISREG(st.st_mode) && n > 2 && !strcmp(e->d_name + n - 2, ".c"))
			err = kbuild_list_add(out, sub, NULL);
	}
	closedir(d);
	return err;
}

int kbuild_all_files(const char *tree, const char *dir, struct kbuild_list *out)
{
	char d[8192];
	int err;

	err = path_fmt(d, sizeof(d), "%s", dir);
	if (err)
		return err;
	normalize(d);
	return walk_all(tree, d, out);
}
