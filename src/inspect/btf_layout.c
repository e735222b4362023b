// SPDX-License-Identifier: GPL-2.0
/*
 * Struct/union layouts from BTF: where every member sits, and where the
 * holes are.  The rules follow what pahole reports so the two can be
 * compared member by member (tests/e2e/test_struct_pahole.sh):
 *
 *  - a bitfield is shown in its storage unit: the declared type's size,
 *    aligned down to that size (u16 bits at bit 1864 live in the unit at
 *    byte 232, from bit 8);
 *  - bits left in a bitfield's unit before the next member are a "bit hole",
 *    bytes between the end of that unit (or of a plain member) and the next
 *    member are a "hole";
 *  - what is left after the last member is tail padding (bit padding for a
 *    bitfield unit), not a hole;
 *  - totals (sum members, holes, paddings) count one level only: a nested
 *    struct's holes are shown inside it but not added to its parent's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "common/suggest.h"
#include "inspect/btf_layout.h"

/* const/volatile/restrict/type tags do not change a layout */
__u32 btf_layout__skip_mods(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_type_tag(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return id;
}

static __u32 skip_mods_and_typedefs(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_type_tag(t) || btf_is_typedef(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return id;
}

static const char *name_of(const struct btf *btf, const struct btf_type *t)
{
	const char *s = btf__name_by_offset(btf, t->name_off);

	return s ? s : "";
}

/*
 * Where a bitfield's storage unit starts and how long it is, in bits,
 * relative to its parent.  A field that straddles its declared type's unit
 * only happens in packed structs; it then gets the bytes it touches.
 */
static void bitfield_unit(__u32 bit, __u32 width, __u32 type_size, __u32 *unit_start, __u32 *unit_bits)
{
	__u32 ub = type_size ? type_size * 8 : 8;
	__u32 us = bit / ub * ub;

	if (bit + width > us + ub) {
		us = bit / 8 * 8;
		ub = (bit - us + width + 7) / 8 * 8;
	}
	*unit_start = us;
	*unit_bits = ub;
}

/* The end of a member in bits: its storage unit's end for a bitfield. */
static int member_end_bits(const struct btf *btf, const struct btf_type *t, int i, __u64 *end)
{
	const struct btf_member *m = btf_members(t) + i;
	__u32 bit = btf_member_bit_offset(t, i);
	__u32 width = btf_member_bitfield_size(t, i);
	__s64 sz = btf__resolve_size(btf, m->type);
	__u32 us, ub;

	if (sz < 0)
		return (int)sz;
	if (!width) {
		*end = bit + (__u64)sz * 8;
		return 0;
	}
	bitfield_unit(bit, width, (__u32)sz, &us, &ub);
	*end = (__u64)us + ub;
	return 0;
}

/*
 * Bytes after the last member of a struct: pahole reports them for a member
 * of that type ("last struct has 4 bytes of padding") because an outer
 * struct could put its next member there if the inner one were reordered.
 */
static __u32 struct_tail_padding(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	__u64 end = 0, e = 0;

	if (!t || !btf_is_struct(t))
		return 0;
	for (int i = 0; i < btf_vlen(t); i++) {
		if (member_end_bits(btf, t, i, &e))
			return 0;
		if (e > end)
			end = e;
	}
	end = (end + 7) / 8;
	return t->size > end ? (__u32)(t->size - end) : 0;
}

static int add_hole(struct btf_layout_node *n, __u32 offset, __u32 size)
{
	struct btf_layout_hole *h;

	h = realloc(n->holes, (n->nr_holes + 1) * sizeof(*h));
	if (!h)
		return -ENOMEM;
	n->holes = h;
	h[n->nr_holes++] = (struct btf_layout_hole){ .offset = offset, .size = size };
	n->sum_holes += size;
	return 0;
}

static int add_bit_hole(struct btf_layout_node *n, __u32 offset, __u32 bit_offset, __u32 bits)
{
	struct btf_layout_bit_hole *h;

	h = realloc(n->bit_holes, (n->nr_bit_holes + 1) * sizeof(*h));
	if (!h)
		return -ENOMEM;
	n->bit_holes = h;
	h[n->nr_bit_holes++] = (struct btf_layout_bit_hole){
		.offset = offset, .bit_offset = bit_offset, .bits = bits,
	};
	n->sum_bit_holes += bits;
	return 0;
}

/*
 * Walk a struct's members in order and record the unused space between
 * them.  All positions are bits relative to the node.  'end' is the end of
 * the bits used so far, 'unit_end' the end of the storage unit of the last
 * run of bitfields (equal to 'end' after a plain member), 'unit_start' the
 * start of the last bitfield's own unit.
 */
static int find_holes(const struct btf *btf, struct btf_layout_node *n)
{
	const struct btf_type *t = btf__type_by_id(btf, n->type_id);
	struct btf_layout_member *prev = NULL;
	__u64 end = 0, unit_end = 0, unit_start = 0;
	int err;

	for (__u32 i = 0; i <= n->nr_members; i++) {
		bool tail = i == n->nr_members;
		struct btf_layout_member *lm = tail ? NULL : &n->members[i];
		__u64 start = tail ? (__u64)n->size * 8 : btf_member_bit_offset(t, i);
		__u32 bits = 0, bytes = 0;
		__u64 bit_from = end;

		if (start > end) {
			/* first the rest of the last bitfield run's unit ... */
			__u64 stop = start < unit_end ? start : unit_end;
			/* ... then whole bytes up to the next member's unit ... */
			__u64 next_unit = lm && lm->bit_size ? (__u64)(lm->offset - n->offset) * 8 : start;

			if (stop > end) {
				bits = (__u32)(stop - end);
				end = stop;
			}
			if (next_unit < end)
				next_unit = end;
			bytes = (__u32)((next_unit - end) / 8);
			if (!bits)
				bit_from = end + (__u64)bytes * 8;
			/*
			 * ... and bits unused in that unit before the field
			 * ("u32 invalid:1" at bit 31), or cut from a byte
			 * ("__be16 a; u8 b:1;" with b at bit 18)
			 */
			bits += (__u32)((next_unit - end) % 8 + (start > next_unit ? start - next_unit : 0));
		}
		if (tail) {
			n->bit_padding = bits;
			n->padding = bytes;
			break;
		}
		if (bits) {
			/* in the unit of the bitfield before, else in its byte */
			bool in_unit = prev && prev->bit_size && bit_from < unit_end;
			__u32 off = in_unit ? prev->offset : n->offset + (__u32)(bit_from / 8);
			__u32 bit = in_unit ? (__u32)(bit_from - unit_start) : (__u32)(bit_from % 8);

			err = add_bit_hole(n, off, bit, bits);
			if (err)
				return err;
			if (prev)
				prev->bit_hole = bits;
			else
				n->lead_bit_hole = bits;
		}
		if (bytes) {
			err = add_hole(n, n->offset + (__u32)(end / 8), bytes);
			if (err)
				return err;
			/* a hole before the first member has no member to follow */
			if (prev)
				prev->hole = bytes;
			else
				n->lead_hole = bytes;
		}

		if (lm->bit_size) {
			__u64 us = (__u64)(lm->offset - n->offset) * 8;
			__u64 ue = us + (__u64)lm->size * 8;

			/*
			 * A run of bitfields of mixed types ("unsigned int a:3;
			 * bool b:1;") shares the widest unit the run has
			 * opened: the compiler packs the bools into the int.
			 */
			if (!prev || !prev->bit_size || ue > unit_end)
				unit_end = ue;
			unit_start = us;
			if (start + lm->bit_size > end)
				end = start + lm->bit_size;
		} else {
			__u64 e = start + (__u64)lm->size * 8;

			if (e > end)
				end = e;
			unit_start = start;
			unit_end = end;
		}
		prev = lm;
	}
	return 0;
}

static int build_node(const struct btf *btf, struct btf_layout_node *n, __u32 type_id,
		      __u32 offset, bool expand)
{
	const struct btf_type *t = btf__type_by_id(btf, type_id);
	const struct btf_member *m;
	__u64 max_end = 0;
	int err;

	if (!t || !btf_is_composite(t))
		return -EINVAL;
	n->type_id = type_id;
	n->kind = btf_kind(t);
	n->name = name_of(btf, t);
	n->offset = offset;
	n->size = t->size;
	n->nr_members = btf_vlen(t);
	n->members = calloc(n->nr_members ? n->nr_members : 1, sizeof(*n->members));
	if (!n->members)
		return -ENOMEM;

	m = btf_members(t);
	for (__u32 i = 0; i < n->nr_members; i++, m++) {
		struct btf_layout_member *lm = &n->members[i];
		__u32 bit = btf_member_bit_offset(t, i);
		__u32 width = btf_member_bitfield_size(t, i);
		__s64 sz = btf__resolve_size(btf, m->type);
		__u32 inner, us, ub;
		const struct btf_type *it;
		bool is_array = false, anon;

		if (sz < 0)
			return (int)sz;
		lm->name = btf__name_by_offset(btf, m->name_off);
		if (!lm->name)
			lm->name = "";
		lm->type_id = m->type;
		if (width) {
			bitfield_unit(bit, width, (__u32)sz, &us, &ub);
			lm->offset = offset + us / 8;
			lm->size = ub / 8;
			lm->bit_offset = bit - us;
			lm->bit_size = width;
			n->sum_bitfield_bits += width;
			if ((__u64)us + ub > max_end)
				max_end = (__u64)us + ub;
			continue;
		}
		lm->offset = offset + bit / 8;
		lm->size = (__u32)sz;
		n->sum_members += (__u32)sz;
		if (bit + (__u64)sz * 8 > max_end)
			max_end = bit + (__u64)sz * 8;

		/*
		 * Only a member declared as "struct x" or "struct { }" (not
		 * through a typedef or a qualifier), as pahole counts them;
		 * in a union the space after a smaller member is not lost.
		 */
		if (btf_is_struct(t)) {
			lm->type_padding = struct_tail_padding(btf, m->type);
			if (lm->type_padding) {
				n->nr_paddings++;
				n->sum_paddings += lm->type_padding;
			}
		}

		/*
		 * An anonymous struct/union has no name to print, so it is
		 * always shown inline, as in the source, also as the element
		 * of an array ("struct { ... } set[2];", offsets of element 0);
		 * named ones only with --expand, then through typedefs too.
		 */
		inner = btf_layout__skip_mods(btf, m->type);
		it = btf__type_by_id(btf, inner);
		while (it && btf_is_array(it)) {
			inner = btf_layout__skip_mods(btf, btf_array(it)->type);
			it = btf__type_by_id(btf, inner);
			is_array = true;
		}
		anon = it && btf_is_composite(it) && it->name_off == 0;
		if (!anon && expand && !is_array) {
			inner = skip_mods_and_typedefs(btf, m->type);
			it = btf__type_by_id(btf, inner);
		}
		if (it && btf_is_composite(it) && (anon || (expand && !is_array))) {
			lm->nested = calloc(1, sizeof(*lm->nested));
			if (!lm->nested)
				return -ENOMEM;
			err = build_node(btf, lm->nested, inner, lm->offset, expand);
			if (err)
				return err;
		}
	}

	if (btf_is_struct(t)) {
		err = find_holes(btf, n);
		if (err)
			return err;
	} else {
		/* a union has no holes, only what its largest member leaves over */
		max_end = (max_end + 7) / 8;
		n->padding = n->size > max_end ? (__u32)(n->size - max_end) : 0;
	}

	/*
	 * libbpf's btf__align_of() answers 1 for a struct whose members or
	 * size break their natural alignment: __attribute__((packed)) in the
	 * source (BTF has no attributes).  A struct of bytes is 1 anyway.
	 * A struct with holes is not packed: the misaligned member has a
	 * typedef with a smaller alignment BTF does not record
	 * ("typedef u64 compat_u64 __aligned(4)").
	 */
	if (btf__align_of(btf, type_id) == 1 && !n->nr_holes && !n->lead_hole) {
		m = btf_members(t);
		for (__u32 i = 0; i < n->nr_members; i++, m++)
			if (btf__align_of(btf, m->type) > 1)
				n->packed = true;
	}

	return 0;
}

static void free_node(struct btf_layout_node *n)
{
	for (__u32 i = 0; n->members && i < n->nr_members; i++) {
		if (n->members[i].nested) {
			free_node(n->members[i].nested);
			free(n->members[i].nested);
		}
	}
	free(n->members);
	free(n->holes);
	free(n->bit_holes);
}

struct btf_layout *btf_layout__build(const struct btf *btf, __u32 type_id,
				     const struct btf_layout_opts *opts)
{
	struct btf_layout *l;
	int err;

	l = calloc(1, sizeof(*l));
	if (!l) {
		errno = ENOMEM;
		return NULL;
	}
	l->btf = btf;
	l->expand = opts && opts->expand;
	err = build_node(btf, &l->root, type_id, 0, l->expand);
	if (err) {
		btf_layout__free(l);
		errno = -err;
		return NULL;
	}
	l->cachelines = (l->root.size + BTF_LAYOUT_CACHELINE - 1) / BTF_LAYOUT_CACHELINE;
	l->last_cacheline = l->root.size % BTF_LAYOUT_CACHELINE;
	return l;
}

void btf_layout__free(struct btf_layout *layout)
{
	if (!layout)
		return;
	free_node(&layout->root);
	free(layout);
}

int btf_layout__find(const struct btf *btf, const char *name)
{
	int kinds[2] = { BTF_KIND_STRUCT, BTF_KIND_UNION };
	int nkinds = 2, id;

	while (*name == ' ')
		name++;
	if (!strncmp(name, "struct ", 7)) {
		name += 7;
		nkinds = 1;
	} else if (!strncmp(name, "union ", 6)) {
		name += 6;
		kinds[0] = BTF_KIND_UNION;
		nkinds = 1;
	}
	while (*name == ' ')
		name++;
	for (int k = 0; k < nkinds; k++) {
		id = btf__find_by_name_kind(btf, name, kinds[k]);
		if (id > 0)
			return id;
	}
	/* typedef struct { ... } possible_net_t; names a struct too */
	if (nkinds == 2) {
		id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
		if (id > 0) {
			__u32 rid = skip_mods_and_typedefs(btf, id);
			const struct btf_type *t = btf__type_by_id(btf, rid);

			if (t && btf_is_composite(t))
				return (int)rid;
		}
	}
	return -ENOENT;
}

/* the typo finder lives in common/suggest.c, shared with the index queries */
int btf_layout__edit_distance(const char *a, const char *b)
{
	return suggest__distance(a, b);
}

int btf_layout__suggest(const struct btf *btf, const char *name, const char **out, int max)
{
	struct suggest sg;
	__u32 cnt = btf__type_cnt(btf);

	suggest__init(&sg, name, max);
	for (__u32 id = 1; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_composite(t) && t->name_off)
			suggest__add(&sg, name_of(btf, t));
	}
	for (int i = 0; i < sg.n; i++)
		out[i] = sg.out[i];
	return sg.n;
}
