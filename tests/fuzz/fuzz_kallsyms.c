// SPDX-License-Identifier: GPL-2.0
/*
 * The two readers of kernel symbol lists.  ksyms__load() (trace/ksyms.c)
 * reads /proc/kallsyms for a capture's stacks; `netscope where` keeps the
 * text-symbol names in a cache file in /run (index/query_kernel.c) and
 * reads it back with a binary search, and that file may be damaged.  The
 * input is used three ways: as kallsyms for ksyms__load(), as kallsyms
 * made into a cache, and as a cache file itself.  The name looked up is
 * the third word of the first line (a kallsyms line's name), else
 * tcp_v4_rcv.
 */
#include <stdint.h>
#include "index/query.h"
#include "trace/ksyms.h"
#include "fuzz_util.h"

static void lookup_symbols(const struct ksyms *ks, const char *name)
{
	static const uint64_t addrs[] = { 0, 1, 0xffffffff81000000ull, 0xffffffffc0000000ull, UINT64_MAX };
	char buf[160];

	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		ksyms__map_addr(ks, addrs[i]);
		ksyms__fmt(ks, addrs[i], buf, sizeof(buf));
	}
	/* every symbol's own address, and one past it */
	for (size_t i = 0; i < ks->n && i < 256; i++) {
		ksyms__fmt(ks, ks->syms[i].addr, buf, sizeof(buf));
		ksyms__fmt(ks, ks->syms[i].addr + 1, buf, sizeof(buf));
	}
	ksyms__find(ks, name);
	if (ks->n) {
		uint64_t ips[4] = { ks->syms[0].addr, ks->syms[ks->n - 1].addr, 0, 1 };

		ksyms__tracing_frames(ks, ips, 4);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], name[128] = "tcp_v4_rcv", *text, *cache;
	struct ixq_kernel k;
	struct ksyms *ks;
	size_t len = 0;
	int fd;

	text = fuzz_str(data, size);
	if (!text)
		return 0;
	if (sscanf(text, "%*s %*s %127[^ \t\n]", name) != 1)
		strcpy(name, "tcp_v4_rcv");

	fd = fuzz_memfd(data, size, path, sizeof(path));
	if (fd >= 0) {
		ks = ksyms__load(path);
		if (ks) {
			lookup_symbols(ks, name);
			ksyms__free(ks);
		}
		close(fd);
	}

	/* the input as a damaged cache file: its first line is the key */
	ixq__kernel_cache_find(text, size, name, &k);
	/* the input as kallsyms, made into a cache (in place: text is spent) */
	cache = ixq__kernel_cache_make("netscope-text-symbols 1 fuzz 0\n", text, &len);
	if (cache) {
		memset(&k, 0, sizeof(k));
		ixq__kernel_cache_find(cache, len, name, &k);
		free(cache);
	}
	free(text);
	return 0;
}
