/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel symbol table: from /proc/kallsyms (live, BPF program symbols
 * included) or rebuilt from a trace file's symbol chunks.
 */
#ifndef NS_KSYMS_H
#define NS_KSYMS_H

#include <stddef.h>
#include <stdint.h>

struct ksym {
	uint64_t addr;
	char *name;
	char *module; /* NULL for vmlinux; "bpf" for BPF programs */
};

struct ksyms_arena;

struct ksyms {
	struct ksym *syms; /* sorted by addr once ksyms__sort() ran */
	size_t n, cap;
	/* private: names live in a few big blocks, not one malloc per symbol */
	struct ksyms_arena *arena;
	const char *last_module; /* interned module names: kallsyms groups them */
};

struct ksyms *ksyms__new(void);
/*
 * Only text symbols (t/T/w/W) are kept: stacks and skb free locations are
 * code addresses, and data symbols (per-CPU ones sit at small addresses)
 * would give heap pointers absurd "name+0x..." names.
 */
/* NULL with errno set; zero addresses (kptr_restrict) give -EPERM */
struct ksyms *ksyms__load(const char *path /* NULL: /proc/kallsyms */);
int ksyms__add(struct ksyms *ks, uint64_t addr, const char *name, const char *module);
void ksyms__sort(struct ksyms *ks);
/* the symbol containing addr (greatest start <= addr), or NULL */
const struct ksym *ksyms__map_addr(const struct ksyms *ks, uint64_t addr);
/* linear scan: for the rare lookups by name (attach targets), not per event */
const struct ksym *ksyms__find(const struct ksyms *ks, const char *name);
/* "func+0x1a", "func+0x1a [module]" (or "0xffff..." when unknown) into buf */
const char *ksyms__fmt(const struct ksyms *ks, uint64_t addr, char *buf, size_t len);
void ksyms__free(struct ksyms *ks);
/*
 * How many innermost frames of a stack taken in a tracepoint program are
 * the tracing machinery (the BPF program, bpf_trace_run*, __bpf_trace_*,
 * __traceiter_*), not the kernel code that hit the tracepoint.
 */
size_t ksyms__tracing_frames(const struct ksyms *ks, const uint64_t *ips, size_t n);

#endif
