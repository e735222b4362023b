// SPDX-License-Identifier: GPL-2.0
/*
 * Can the running kernel trace a function the source defines?  Found by
 * looking, not by version: a BTF FUNC is what fentry/fexit attach to, a
 * text symbol in kallsyms is what a kprobe needs.  A function the compiler
 * inlined everywhere has neither; one it cloned (.isra.0 after IPA-SRA
 * changed its arguments, .constprop.0 after constant propagation, .part.0
 * after partial inlining) is traceable only under the clone's name, with
 * arguments that may not match the source.
 *
 * kallsyms is streamed, not loaded (capture/ksyms.c keeps every symbol for
 * address lookups; here one name is wanted, and the scan costs ~40 ms).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include "index/query.h"

static bool is_text(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

static void scan_kallsyms(const char *name, struct ixq_kernel *k)
{
	size_t len = strlen(name);
	char line[512];
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return;
	k->kallsyms_read = true;
	while (fgets(line, sizeof(line), f)) {
		/* "ffffffff81a00000 T tcp_v4_rcv\t[module]" */
		char *type = strchr(line, ' '), *sym, *end, *mod;

		if (!type || !type[1] || type[2] != ' ' || !is_text(type[1]))
			continue;
		sym = type + 3;
		if (sym[0] != name[0] || strncmp(sym, name, len))
			continue;
		end = sym + strcspn(sym, "\t\n ");
		mod = strchr(end, '[');
		if (end == sym + len) {
			if (!k->text_syms++ && mod)
				snprintf(k->module, sizeof(k->module), "%.*s", (int)strcspn(mod + 1, "]"), mod + 1);
		} else if (sym[len] == '.' && k->nr_clones < IXQ_MAX_CLONES) {
			bool dup = false;

			*end = '\0';
			for (unsigned i = 0; i < k->nr_clones && !dup; i++)
				dup = !strcmp(k->clones[i], sym);
			if (!dup)
				snprintf(k->clones[k->nr_clones++], sizeof(k->clones[0]), "%s", sym);
		}
	}
	fclose(f);
}

int ixq__kernel_lookup(const char *name, struct ixq_kernel *k)
{
	struct btf *vmlinux, *mod = NULL;

	memset(k, 0, sizeof(*k));
	scan_kallsyms(name, k);
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
