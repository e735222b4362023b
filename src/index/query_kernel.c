// SPDX-License-Identifier: GPL-2.0
/*
 * Can the running kernel trace a function the source defines?  Found by
 * looking, not by version: a BTF FUNC is what fentry/fexit attach to, a
 * text symbol in kallsyms is what a kprobe needs.  A function the compiler
 * inlined everywhere has neither; one it cloned (.isra.0 after IPA-SRA
 * changed its arguments, .constprop.0 after constant propagation, .part.0
 * after partial inlining) is traceable only under the clone's name, with
 * arguments that may not match the source.  A .cold symbol is no clone:
 * it is the part of a function gcc moved out of line as unlikely.
 *
 * Reading /proc/kallsyms costs ~70 ms of kernel time (it formats ~120k
 * lines on every read), more than the rest of 'netscope where' together.
 * So the names of its text symbols are kept, sorted, in a cache file in
 * /run (one file, replaced when stale), headed by the boot id and a crc32 of
 * /proc/modules, and made again when either differs: a module loaded or
 * unloaded changes the set.  BPF programs and ftrace trampolines, which
 * come and go without a module, are left out: no source function is one.
 * Without a writable /run the scan is done each time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/btf.h>
#include <zlib.h>
#include "index/query.h"

#ifndef IXQ_SYMS_CACHE
#define IXQ_SYMS_CACHE "/run/netscope/text-symbols"
#endif
#define CACHE_MAGIC "netscope-text-symbols 1"

static bool is_text(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

static char *read_all(const char *path, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = errno;
	ssize_t r = 0;

	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		errno = fd < 0 ? err : ENOMEM;	/* the caller tells a missing file by ENOENT */
		return NULL;
	}
	for (;;) {
		if (cap - n < 4096) {
			char *b = realloc(buf, cap *= 2);

			if (!b)
				break;
			buf = b;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r <= 0)
			break;
		n += r;
	}
	close(fd);
	if (r < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* "netscope-text-symbols 1 <boot id> <crc32 of /proc/modules>": what the cache must say */
static bool cache_key(char *key, size_t size)
{
	char boot[64] = "", *mods;
	size_t len = 0;
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	if (!f)
		return false;
	if (!fgets(boot, sizeof(boot), f))
		boot[0] = '\0';
	fclose(f);
	boot[strcspn(boot, "\n")] = '\0';
	mods = read_all("/proc/modules", &len);
	/* no /proc/modules: a kernel without modules, whose set never changes */
	if (!mods && errno == ENOENT)
		mods = strdup("");
	if (!boot[0] || !mods) {
		free(mods);
		return false;
	}
	snprintf(key, size, CACHE_MAGIC " %s %08lx\n", boot, crc32(0L, (const Bytef *)mods, (uInt)len));
	free(mods);
	return true;
}

struct sym {
	const char *name;
	size_t len;		/* of "name" or "name\tmodule" */
};

static int cmp_sym(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* the cache made from /proc/kallsyms (ixq__kernel_cache_make()) */
static char *build_cache(const char *key, size_t *len)
{
	size_t klen;
	char *raw = read_all("/proc/kallsyms", &klen), *out;

	if (!raw)
		return NULL;
	out = ixq__kernel_cache_make(key, raw, len);
	free(raw);
	return out;
}

char *ixq__kernel_cache_make(const char *key, char *raw, size_t *len)
{
	size_t n = 0, cap = 1 << 17, total = strlen(key), out_n;
	char *out, *line, *next;
	struct sym *v = malloc(cap * sizeof(*v));

	if (!v)
		return NULL;
	for (line = raw; *line; line = next) {
		/* "ffffffff81a00000 T tcp_v4_rcv\t[module]" */
		char *type = strchr(line, ' '), *sym, *end, *mod;

		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (!type || !type[1] || type[2] != ' ' || !is_text(type[1]))
			continue;
		sym = type + 3;
		end = sym + strcspn(sym, "\t ");
		mod = strchr(end, '[');
		if (mod && (!strncmp(mod, "[bpf]", 5) || !strncmp(mod, "[__builtin", 10)))
			continue;
		if (mod) {
			/* "name\tmodule" in place of "name\t[module]" */
			size_t ml = strcspn(mod + 1, "]");

			*end = '\t';
			memmove(end + 1, mod + 1, ml);
			end += 1 + ml;
		}
		if (n == cap) {
			struct sym *w = realloc(v, (cap *= 2) * sizeof(*v));

			if (!w)
				goto fail;
			v = w;
		}
		v[n++] = (struct sym){ sym, (size_t)(end - sym) };
		total += (size_t)(end - sym) + 1;
	}
	qsort(v, n, sizeof(*v), cmp_sym);
	out = malloc(total + 1);
	if (!out)
		goto fail;
	out_n = strlen(key);
	memcpy(out, key, out_n);
	for (size_t i = 0; i < n; i++) {
		memcpy(out + out_n, v[i].name, v[i].len);
		out_n += v[i].len;
		out[out_n++] = '\n';
	}
	out[out_n] = '\0';
	free(v);
	*len = out_n;
	return out;
fail:
	free(v);
	return NULL;
}

/* write the cache through a temporary file: a reader never sees half of one */
static void save_cache(const char *text, size_t len)
{
	char dir[] = IXQ_SYMS_CACHE, tmp[sizeof(IXQ_SYMS_CACHE) + 16];
	char *slash = strrchr(dir, '/');
	int fd;

	if (slash) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
	snprintf(tmp, sizeof(tmp), "%s.%d", IXQ_SYMS_CACHE, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, text, len) != (ssize_t)len || close(fd) || rename(tmp, IXQ_SYMS_CACHE))
		unlink(tmp);
}

/* the sorted text-symbol names, from the cache or made now */
static char *text_symbols(size_t *len)
{
	char key[256], *text;

	if (!cache_key(key, sizeof(key)))
		return build_cache("", len);
	text = read_all(IXQ_SYMS_CACHE, len);
	if (text && !strncmp(text, key, strlen(key)))
		return text;
	free(text);
	text = build_cache(key, len);
	if (text)
		save_cache(text, *len);
	return text;
}

/* the first line at or after the line holding p */
static const char *line_at(const char *start, const char *p)
{
	while (p > start && p[-1] != '\n')
		p--;
	return p;
}

void ixq__kernel_cache_find(const char *text, size_t len, const char *name, struct ixq_kernel *k)
{
	size_t nl = strlen(name);
	const char *body = strchr(text, '\n'), *end = text + len, *lo, *hi;

	if (!body)
		return;
	k->kallsyms_read = true;
	/* binary search by bytes for the first line not below name */
	lo = body + 1;
	hi = end;
	while (lo < hi) {
		const char *mid = line_at(lo, lo + (hi - lo) / 2);
		const char *eol = memchr(mid, '\n', end - mid);
		size_t ml = (eol ? eol : end) - mid, n = ml < nl ? ml : nl;
		int c = memcmp(mid, name, n);

		if (c < 0 || (!c && ml < nl))
			lo = eol ? eol + 1 : end;
		else
			hi = mid;
	}
	/* every line starting with name: the name itself, then its clones */
	for (const char *l = lo; l < end && !strncmp(l, name, nl);) {
		const char *eol = memchr(l, '\n', end - l);
		size_t ll = (eol ? eol : end) - l;
		char c = l[nl];

		if (c == '\t' || c == '\n' || nl == ll) {
			if (!k->text_syms++ && c == '\t')
				snprintf(k->module, sizeof(k->module), "%.*s", (int)(ll - nl - 1), l + nl + 1);
		} else if (c == '.' && strncmp(l + nl, ".cold", 5) && k->nr_clones < IXQ_MAX_CLONES) {
			/* .cold is the unlikely part gcc split off, no entry of the function */
			size_t sl = strcspn(l, "\t\n");
			bool dup = false;

			for (unsigned i = 0; i < k->nr_clones && !dup; i++)
				dup = strlen(k->clones[i]) == sl && !strncmp(k->clones[i], l, sl);
			if (!dup)
				snprintf(k->clones[k->nr_clones++], sizeof(k->clones[0]), "%.*s", (int)sl, l);
		}
		l = eol ? eol + 1 : end;
	}
}

int ixq__kernel_lookup(const char *name, struct ixq_kernel *k)
{
	struct btf *vmlinux, *mod = NULL;
	size_t len = 0;
	char *syms;

	memset(k, 0, sizeof(*k));
	syms = text_symbols(&len);
	if (syms)
		ixq__kernel_cache_find(syms, len, name, k);
	free(syms);
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return 0;
	k->btf_read = true;
	k->btf_func = btf__find_by_name_kind(vmlinux, name, BTF_KIND_FUNC) > 0;
	/* a module's functions are in its own split BTF, /sys/kernel/btf/<module> */
	if (!k->btf_func && k->module[0]) {
		mod = btf__load_module_btf(k->module, vmlinux);
		if (mod)
			k->btf_func = btf__find_by_name_kind(mod, name, BTF_KIND_FUNC) > 0;
	}
	btf__free(mod);
	btf__free(vmlinux);
	return 0;
}
