// SPDX-License-Identifier: GPL-2.0
/*
 * bench/bpf_lines PROG_ID... < addresses: where the CPU samples that fell
 * in JIT-compiled BPF programs land in their source, by line.
 *
 * perf can name the program a sample hit (bpf_prog_<tag>_<name>) but
 * annotates its instructions only when built with binutils' libopcodes,
 * which Debian's perf is not ("Please link with binutils's libopcode to
 * enable BPF annotation").  The kernel keeps what is needed anyway: each
 * program's BTF line info (instruction offset -> file, line, source text)
 * and, for a JIT-compiled program, the JIT address of each line-info
 * record (jited_line_info).  A sample's address maps to the last record at
 * or below it.
 *
 * Input: one sample per line, its address in hex (as `perf script -F ip`
 * prints it); addresses outside the given programs are counted apart.
 * Output: "count<TAB>program<TAB>file:line<TAB>source", one row per line
 * hit, unsorted (bench/handler_lines.sh sorts and totals).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

struct prog_lines {
	char name[BPF_OBJ_NAME_LEN];
	__u64 lo, hi;		/* JIT image range over all its functions */
	__u32 n;		/* line-info records */
	struct bpf_line_info *li;
	__u64 *addr;		/* JIT address of each record */
	unsigned long *hits;
	struct btf *btf;
};

static int prog_lines_load(struct prog_lines *p, __u32 id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), nli, njli, nfn;
	__u64 *ksyms;
	__u32 *flens;
	int fd = bpf_prog_get_fd_by_id(id);

	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len)) {
		fprintf(stderr, "bpf_lines: program %u: %s\n", id, strerror(errno));
		return -1;
	}
	nli = info.nr_line_info;
	njli = info.nr_jited_line_info;
	nfn = info.nr_jited_ksyms;
	if (!nli || njli != nli || !nfn || !info.btf_id) {
		fprintf(stderr, "bpf_lines: program %u has no JIT line info (%u/%u records)\n", id,
			njli, nli);
		return -1;
	}
	snprintf(p->name, sizeof(p->name), "%s", info.name);
	p->n = nli;
	p->li = calloc(nli, sizeof(*p->li));
	p->addr = calloc(nli, sizeof(*p->addr));
	p->hits = calloc(nli, sizeof(*p->hits));
	ksyms = calloc(nfn, sizeof(*ksyms));
	flens = calloc(nfn, sizeof(*flens));
	if (!p->li || !p->addr || !p->hits || !ksyms || !flens)
		return -1;
	memset(&info, 0, sizeof(info));
	info.nr_line_info = nli;
	info.line_info_rec_size = sizeof(*p->li);
	info.line_info = (__u64)(unsigned long)p->li;
	info.nr_jited_line_info = nli;
	info.jited_line_info_rec_size = sizeof(__u64);
	info.jited_line_info = (__u64)(unsigned long)p->addr;
	info.nr_jited_ksyms = nfn;
	info.jited_ksyms = (__u64)(unsigned long)ksyms;
	info.nr_jited_func_lens = nfn;
	info.jited_func_lens = (__u64)(unsigned long)flens;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		fprintf(stderr, "bpf_lines: program %u: %s\n", id, strerror(errno));
		return -1;
	}
	p->lo = ~0ull;
	for (__u32 i = 0; i < nfn; i++) {
		if (ksyms[i] < p->lo)
			p->lo = ksyms[i];
		if (ksyms[i] + flens[i] > p->hi)
			p->hi = ksyms[i] + flens[i];
	}
	free(ksyms);
	free(flens);
	p->btf = btf__load_from_kernel_by_id(info.btf_id);
	if (!p->btf) {
		fprintf(stderr, "bpf_lines: program %u: its BTF: %s\n", id, strerror(errno));
		return -1;
	}
	return 0;
}

/* the record whose JIT address is the greatest at or below addr */
static long prog_lines_find(const struct prog_lines *p, __u64 addr)
{
	long best = -1;

	if (addr < p->lo || addr >= p->hi)
		return -1;
	/* records are in instruction order, but subprograms may be laid out
	 * apart from it: a linear scan, not a bisection */
	for (__u32 i = 0; i < p->n; i++)
		if (p->addr[i] <= addr && (best < 0 || p->addr[i] >= p->addr[best]))
			best = i;
	return best;
}

int main(int argc, char **argv)
{
	struct prog_lines *progs;
	unsigned long outside = 0, bad = 0;
	char buf[256];
	int n = argc - 1;

	if (n < 1) {
		fprintf(stderr, "usage: bpf_lines PROG_ID... < addresses\n");
		return 2;
	}
	progs = calloc(n, sizeof(*progs));
	if (!progs)
		return 1;
	for (int i = 0; i < n; i++) {
		char *end;
		unsigned long id = strtoul(argv[i + 1], &end, 10);

		if (*end || !id) {
			fprintf(stderr, "bpf_lines: '%s' is not a program id\n", argv[i + 1]);
			return 2;
		}
		if (prog_lines_load(&progs[i], id))
			return 1;
	}
	while (fgets(buf, sizeof(buf), stdin)) {
		char *end;
		__u64 addr = strtoull(buf, &end, 16);
		int found = 0;

		if (end == buf) {
			bad++;
			continue;
		}
		for (int i = 0; i < n && !found; i++) {
			long r = prog_lines_find(&progs[i], addr);

			if (r >= 0) {
				progs[i].hits[r]++;
				found = 1;
			}
		}
		if (!found)
			outside++;
	}
	for (int i = 0; i < n; i++) {
		struct prog_lines *p = &progs[i];

		for (__u32 r = 0; r < p->n; r++) {
			const char *file, *line, *base;

			if (!p->hits[r])
				continue;
			file = btf__name_by_offset(p->btf, p->li[r].file_name_off);
			line = btf__name_by_offset(p->btf, p->li[r].line_off);
			base = file ? strrchr(file, '/') : NULL;
			while (line && (*line == ' ' || *line == '\t'))
				line++;
			printf("%lu\t%s\t%s:%u\t%s\n", p->hits[r], p->name,
			       base ? base + 1 : file ? file : "?",
			       BPF_LINE_INFO_LINE_NUM(p->li[r].line_col), line ? line : "");
		}
	}
	fprintf(stderr, "bpf_lines: %lu samples outside the programs, %lu unreadable lines\n",
		outside, bad);
	return 0;
}
