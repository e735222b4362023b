/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Struct and union layouts computed from BTF, the facts pahole prints:
 * member offsets and sizes, bitfields, holes and bit holes, tail padding,
 * cache lines.  The layout is computed once (btf_layout.c) and rendered as
 * text (btf_layout_print.c) or JSON (btf_layout_json.c), so both show the same numbers.
 *
 * Offsets are always absolute: bytes from the start of the type asked for,
 * also for members of nested (anonymous or --expand'ed) structs and unions,
 * as pahole prints them.
 */
#ifndef NS_BTF_LAYOUT_H
#define NS_BTF_LAYOUT_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

struct btf;

#define BTF_LAYOUT_CACHELINE 64

/* A run of unused bytes between two members (or before the first). */
struct btf_layout_hole {
	__u32 offset;		/* absolute byte offset where the hole starts */
	__u32 size;		/* bytes */
};

/* Unused bits of a bitfield's storage unit. */
struct btf_layout_bit_hole {
	__u32 offset;		/* absolute byte offset of the storage unit */
	__u32 bit_offset;	/* first unused bit within that unit (LSB first) */
	__u32 bits;
};

struct btf_layout_node;

struct btf_layout_member {
	const char *name;	/* "" when anonymous */
	__u32 type_id;		/* the member's type as declared */
	/*
	 * For a bitfield, offset and size describe its storage unit (the
	 * declared type's size, aligned down), and bit_offset is the first
	 * bit within that unit: pahole's "126: 2  1" is offset 126,
	 * bit_offset 2, size 1.
	 */
	__u32 offset;
	__u32 size;
	__u32 bit_offset;
	__u32 bit_size;		/* bitfield width; 0 when not a bitfield */
	/* what follows this member in its parent, printed right after it */
	__u32 bit_hole;		/* bits unused after this bitfield */
	__u32 hole;		/* bytes unused after this member */
	__u32 type_padding;	/* tail padding of the member's struct type */
	struct btf_layout_node *nested;	/* expanded struct/union, else NULL */
};

/* One struct or union: the type asked for, or an expanded member. */
struct btf_layout_node {
	__u32 type_id;		/* the struct/union itself (typedefs stripped) */
	__u16 kind;		/* BTF_KIND_STRUCT or BTF_KIND_UNION */
	const char *name;	/* "" when anonymous */
	__u32 offset;		/* absolute */
	__u32 size;
	__u32 nr_members;
	struct btf_layout_member *members;
	__u32 nr_holes;
	struct btf_layout_hole *holes;
	__u32 nr_bit_holes;
	struct btf_layout_bit_hole *bit_holes;
	bool packed;		/* members or size not naturally aligned */
	__u32 lead_hole;	/* bytes before the first member */
	__u32 lead_bit_hole;	/* bits before the first member */
	__u32 padding;		/* bytes after the last member */
	__u32 bit_padding;	/* bits unused in the last bitfield's unit */
	/* totals of this level only, as pahole's summary counts them */
	__u32 sum_members;	/* bytes of the members that are not bitfields */
	__u32 sum_bitfield_bits;
	__u32 sum_holes;
	__u32 sum_bit_holes;
	__u32 nr_paddings;	/* members whose struct type has tail padding */
	__u32 sum_paddings;
};

struct json_writer;

/*
 * What the kernel source says about members, shown beside them: filled by
 * the caller (src/cmd/struct.c from kernel-doc) so layouts stay BTF only.
 * Paths name members as C code does, through anonymous structs and unions:
 * "cb", "headers.mark", "__sk_common.skc_state".
 */
struct btf_layout_notes {
	/* the member's explanation, or NULL; *marked: say it has none */
	const char *(*doc)(void *ctx, const char *path, bool *marked);
	/* macros naming this member (or a member inside it): "#define name path" */
	int (*aliases)(void *ctx, const char *path, const char **names, const char **paths, int max);
	/* extra keys for the top-level JSON object */
	void (*json)(void *ctx, struct json_writer *w);
	void *ctx;
};

struct btf_layout {
	const struct btf *btf;
	const struct btf_layout_notes *notes;	/* NULL: BTF only */
	struct btf_layout_node root;
	__u32 cachelines;
	__u32 last_cacheline;	/* bytes used in the last cache line */
	bool expand;
	/* the typedef an anonymous struct was asked by (possible_net_t), or NULL */
	const char *typedef_name;
};

struct btf_layout_opts {
	/* expand named struct/union members too (anonymous ones always are) */
	bool expand;
};

/*
 * Find a struct or union by name ("sk_buff", "struct sk_buff", "union
 * bpf_attr", or a typedef that names one).  Returns its BTF id (typedefs
 * resolved) or -ENOENT.
 */
int btf_layout__find(const struct btf *btf, const char *name);

/*
 * Up to max names of structs/unions nearest to name by edit distance
 * (close enough to be a plausible typo), nearest first.  The strings belong
 * to btf.  Returns how many were stored.
 */
int btf_layout__suggest(const struct btf *btf, const char *name, const char **out, int max);

/* type id with const/volatile/restrict/type tags skipped */
__u32 btf_layout__skip_mods(const struct btf *btf, __u32 id);

/* Edit distance (insert, delete, substitute), exposed for tests. */
int btf_layout__edit_distance(const char *a, const char *b);

/*
 * Compute the layout of struct/union type_id.  Returns NULL with errno set
 * (EINVAL when type_id is not a struct or union, ENOMEM).
 */
struct btf_layout *btf_layout__build(const struct btf *btf, __u32 type_id,
				     const struct btf_layout_opts *opts);
void btf_layout__free(struct btf_layout *layout);

/* pahole-style C text; returns 0 or a negative errno */
int btf_layout__print_text(const struct btf_layout *layout, FILE *out);
/* the JSON document described in docs/struct.md; 0 or a negative errno */
int btf_layout__print_json(const struct btf_layout *layout, const char *btf_source, FILE *out);

#endif
