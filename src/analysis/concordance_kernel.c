// SPDX-License-Identifier: GPL-2.0
/*
 * The running kernel behind struct conc_lookup: the text symbols of
 * /proc/kallsyms by name (the concordance asks by name, never by address,
 * so this reads the file itself rather than the address-sorted symbol
 * table of the capture), their compiler clones by base name, and the
 * vmlinux BTF's FUNCs through libbpf.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "analysis/concordance.h"
#include "common/strmap.h"

struct clone_link {
	const char *name;	/* interned in syms */
	uint32_t next;		/* index + 1 of the next clone of the same base; 0 ends */
};

struct kernel {
	struct ns_strmap syms;		/* every text symbol name */
	struct ns_strmap first_clone;	/* base name -> index + 1 in clones */
	struct clone_link *clones;
	size_t n_clones, cap_clones;
	int kallsyms_err;		/* 0 or -errno */
	struct btf *btf;
	int btf_err;
};

static int add_clone(struct kernel *k, const char *name, const char *interned)
{
	char base[256];
	uint32_t head = 0;

	snprintf(base, sizeof(base), "%.*s", (int)strcspn(name, "."), name);
	if (k->n_clones == k->cap_clones) {
		size_t cap = k->cap_clones ? k->cap_clones * 2 : 1024;
		void *m = realloc(k->clones, cap * sizeof(*k->clones));

		if (!m)
			return -ENOMEM;
		k->clones = m;
		k->cap_clones = cap;
	}
	ns_strmap_get(&k->first_clone, base, &head);
	k->clones[k->n_clones] = (struct clone_link){ .name = interned, .next = head };
	if (!ns_strmap_put(&k->first_clone, base, ++k->n_clones))
		return -ENOMEM;
	return 0;
}

static int read_kallsyms(struct kernel *k)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], name[256], type;
	unsigned long long addr;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		const char *interned;

		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		/*
		 * text only: t/T, and w/W weak code symbols (as the capture's
		 * ksyms); addresses do not matter, so kptr_restrict's zeros do not either
		 */
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		interned = ns_strmap_put(&k->syms, name, 0);
		if (!interned || (strchr(name, '.') && add_clone(k, name, interned))) {
			fclose(f);
			return -ENOMEM;
		}
	}
	fclose(f);
	return k->syms.n ? 0 : -ENODATA;
}

static int in_kallsyms(void *arg, const char *name)
{
	struct kernel *k = arg;

	if (k->kallsyms_err)
		return k->kallsyms_err;
	return ns_strmap_get(&k->syms, name, NULL);
}

static int clones(void *arg, const char *name, void (*each)(void *ctx, const char *clone), void *ctx)
{
	struct kernel *k = arg;
	uint32_t i = 0;
	int n = 0;

	if (k->kallsyms_err)
		return k->kallsyms_err;
	ns_strmap_get(&k->first_clone, name, &i);
	/* in the reverse of kallsyms' order */
	for (; i; i = k->clones[i - 1].next, n++)
		each(ctx, k->clones[i - 1].name);
	return n;
}

static int in_btf(void *arg, const char *name)
{
	struct kernel *k = arg;

	if (!k->btf)
		return k->btf_err;
	return btf__find_by_name_kind(k->btf, name, BTF_KIND_FUNC) >= 0;
}

int conc_lookup__running(struct conc_lookup *l)
{
	struct kernel *k = calloc(1, sizeof(*k));

	if (!k)
		return -ENOMEM;
	k->kallsyms_err = read_kallsyms(k);
	if (k->kallsyms_err == -ENOMEM) {
		l->arg = k;
		conc_lookup__release(l);
		return -ENOMEM;
	}
	k->btf = btf__load_vmlinux_btf();
	if (!k->btf)
		k->btf_err = -errno;
	*l = (struct conc_lookup){ .arg = k, .in_kallsyms = in_kallsyms, .clones = clones, .in_btf = in_btf };
	return 0;
}

void conc_lookup__release(struct conc_lookup *l)
{
	struct kernel *k = l->arg;

	if (!k)
		return;
	ns_strmap_free(&k->syms);
	ns_strmap_free(&k->first_clone);
	free(k->clones);
	btf__free(k->btf);
	free(k);
	l->arg = NULL;
}
