// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel symbols from /proc/kallsyms, in the manner of retsnoop's ksyms.c:
 * one pass with fgets/strtoull, names copied into a string arena (a machine
 * has ~200k symbols; one malloc each would dominate the load time), then one
 * sort by address so ksyms__map_addr() is a binary search.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace/ksyms.h"

#define KSYMS_BLOCK_SZ (256 * 1024)

struct ksyms_block {
	struct ksyms_block *next;
	size_t used, size;
	char data[];
};

struct ksyms_arena {
	struct ksyms_block *head; /* block being filled; older ones follow */
};

/* Copy s (len bytes) into the arena; pointers stay valid until ksyms__free(). */
static char *arena_strdup(struct ksyms *ks, const char *s, size_t len)
{
	struct ksyms_arena *a = ks->arena;
	struct ksyms_block *b;
	char *p;

	if (!a) {
		a = calloc(1, sizeof(*a));
		if (!a)
			return NULL;
		ks->arena = a;
	}
	b = a->head;
	if (!b || b->size - b->used < len + 1) {
		size_t sz = len + 1 > KSYMS_BLOCK_SZ ? len + 1 : KSYMS_BLOCK_SZ;

		b = malloc(sizeof(*b) + sz);
		if (!b)
			return NULL;
		b->next = a->head;
		b->used = 0;
		b->size = sz;
		a->head = b;
	}
	p = b->data + b->used;
	memcpy(p, s, len);
	p[len] = '\0';
	b->used += len + 1;
	return p;
}

struct ksyms *ksyms__new(void)
{
	return calloc(1, sizeof(struct ksyms));
}

static int ksyms_add_len(struct ksyms *ks, uint64_t addr, const char *name, size_t name_len,
			 const char *module, size_t mod_len)
{
	struct ksym *sym;

	if (ks->n == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 4096;
		struct ksym *syms = realloc(ks->syms, cap * sizeof(*syms));

		if (!syms)
			return -ENOMEM;
		ks->syms = syms;
		ks->cap = cap;
	}
	sym = &ks->syms[ks->n];
	sym->addr = addr;
	sym->name = arena_strdup(ks, name, name_len);
	if (!sym->name)
		return -ENOMEM;
	sym->module = NULL;
	if (module) {
		/* kallsyms lists a module's symbols together: intern by the last one */
		if (ks->last_module && strlen(ks->last_module) == mod_len &&
		    !memcmp(ks->last_module, module, mod_len)) {
			sym->module = (char *)ks->last_module;
		} else {
			sym->module = arena_strdup(ks, module, mod_len);
			if (!sym->module)
				return -ENOMEM;
			ks->last_module = sym->module;
		}
	}
	ks->n++;
	return 0;
}

int ksyms__add(struct ksyms *ks, uint64_t addr, const char *name, const char *module)
{
	if (!ks || !name)
		return -EINVAL;
	return ksyms_add_len(ks, addr, name, strlen(name), module, module ? strlen(module) : 0);
}

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* aliases (_text/_stext) share an address: order them by name so that
	 * the symbol shown for an address does not depend on qsort */
	return strcmp(x->name, y->name);
}

void ksyms__sort(struct ksyms *ks)
{
	if (!ks || ks->n < 2)
		return;
	qsort(ks->syms, ks->n, sizeof(*ks->syms), ksym_cmp);
}

static bool is_text_type(char t)
{
	return t == 't' || t == 'T' || t == 'w' || t == 'W';
}

struct ksyms *ksyms__load(const char *path)
{
	struct ksyms *ks;
	size_t zero_addrs = 0, nonzero_addrs = 0;
	char line[1024]; /* KSYM_NAME_LEN is 512 since 6.1 */
	FILE *f;
	int err = 0;

	if (!path)
		path = "/proc/kallsyms";
	f = fopen(path, "re");
	if (!f)
		return NULL; /* errno from fopen */
	ks = ksyms__new();
	if (!ks) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	/* "ffffffff81000000 T _text" or "ffffffffc0a01000 t fn\t[module]" */
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *name, *end, *mod = NULL;
		size_t mod_len = 0;
		uint64_t addr;
		char type;

		if (!strchr(line, '\n') && !feof(f)) {
			int c;

			/* longer than any kernel symbol: skip the whole line */
			while ((c = getc(f)) != EOF && c != '\n')
				;
			continue;
		}
		addr = strtoull(p, &end, 16);
		if (end == p || *end != ' ')
			continue;
		if (addr == 0) {
			/* kptr_restrict prints every address as 0; per-CPU
			 * symbols really start at 0 on x86: skip either way */
			zero_addrs++;
			continue;
		}
		nonzero_addrs++;
		type = end[1];
		if (!is_text_type(type) || end[2] != ' ')
			continue;
		name = end + 3;
		end = name + strcspn(name, " \t\n");
		if (end == name)
			continue;
		/*
		 * An assembler label that kallsyms keeps (".slowpath" inside
		 * __raw_callee_save___pv_queued_spin_unlock, ".E_copy" inside
		 * copy_mc_enhanced_fast_string): never a function, and kept it
		 * would name every address after it in the function that
		 * holds it.  Such names start with a dot; C symbols cannot.
		 */
		if (*name == '.')
			continue;
		if (*end == '\t' || *end == ' ') {
			char *m = end + strspn(end, " \t");

			if (*m == '[') {
				mod = m + 1;
				mod_len = strcspn(mod, "]\n");
			}
		}
		err = ksyms_add_len(ks, addr, name, end - name, mod, mod_len);
		if (err)
			break;
	}
	if (!err && ferror(f))
		err = -EIO;
	fclose(f);
	if (!err && nonzero_addrs == 0)
		err = zero_addrs ? -EPERM : -ENODATA;
	if (err) {
		ksyms__free(ks);
		errno = -err;
		return NULL;
	}
	ksyms__sort(ks);
	return ks;
}

const struct ksym *ksyms__map_addr(const struct ksyms *ks, uint64_t addr)
{
	size_t lo = 0, hi;

	if (!ks || !ks->n)
		return NULL;
	/* first index whose addr > target, then step back one */
	hi = ks->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	lo--;
	/* among aliases at one address, the first by name (see ksym_cmp) */
	while (lo > 0 && ks->syms[lo - 1].addr == ks->syms[lo].addr)
		lo--;
	return &ks->syms[lo];
}

const struct ksym *ksyms__find(const struct ksyms *ks, const char *name)
{
	if (!ks || !name)
		return NULL;
	for (size_t i = 0; i < ks->n; i++)
		if (!strcmp(ks->syms[i].name, name))
			return &ks->syms[i];
	return NULL;
}

const char *ksyms__fmt(const struct ksyms *ks, uint64_t addr, char *buf, size_t len)
{
	const struct ksym *sym = ksyms__map_addr(ks, addr);

	if (!len)
		return buf;
	if (!sym)
		snprintf(buf, len, "0x%" PRIx64, addr);
	else if (sym->module)
		snprintf(buf, len, "%s+0x%" PRIx64 " [%s]", sym->name, addr - sym->addr, sym->module);
	else
		snprintf(buf, len, "%s+0x%" PRIx64, sym->name, addr - sym->addr);
	return buf;
}

void ksyms__free(struct ksyms *ks)
{
	if (!ks)
		return;
	if (ks->arena) {
		struct ksyms_block *b = ks->arena->head;

		while (b) {
			struct ksyms_block *next = b->next;

			free(b);
			b = next;
		}
		free(ks->arena);
	}
	free(ks->syms);
	free(ks);
}

size_t ksyms__tracing_frames(const struct ksyms *ks, const uint64_t *ips, size_t n)
{
	static const char *const prefixes[] = { "bpf_prog_", "bpf_trace_run", "__bpf_trace_",
						"__traceiter_" };
	size_t i;

	for (i = 0; ks && i < n; i++) {
		const struct ksym *s = ksyms__map_addr(ks, ips[i]);
		bool tracing = false;

		if (!s)
			break;
		for (size_t p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++)
			if (!strncmp(s->name, prefixes[p], strlen(prefixes[p])))
				tracing = true;
		if (!tracing)
			break;
	}
	return i < n ? i : 0;
}
