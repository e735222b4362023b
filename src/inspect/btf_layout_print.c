// SPDX-License-Identifier: GPL-2.0
/*
 * Rendering of a struct layout as C text laid out as pahole lays it out (so
 * people who know pahole read it at once, and the e2e test can compare the
 * two).  Type names come from libbpf's btf_dump, which already knows how C
 * spells pointers to arrays and function pointers.
 *
 * The JSON renderer (schema in docs/struct.md) is in btf_layout_json.c; the
 * helpers both share (struct printer, type names, member paths) are declared
 * in btf_layout_printer.h and defined here.  Split so each file keeps to one
 * output format and stays within the project's file size guideline.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "inspect/btf_layout.h"
#include "inspect/btf_layout_printer.h"

/*
 * pahole's columns: at depth 1 (one tab) the type is padded to 26 columns
 * and "name;" to 21 more, so the offset comment starts at column 57 with
 * 8-column tabs; each level deeper takes 8 columns from both.  Past depth 4
 * pahole hands printf a negative width, which printf treats as its absolute
 * value; we do the same so deep lines line up as pahole's do.
 */
#define TYPE_COLS 26
#define LINE_COLS 48

/* explanations beside members: one line, the rest is in --json */
#define NOTE_COLS 72

static void dump_printf(void *ctx, const char *fmt, va_list args)
{
	struct printer *p = ctx;
	va_list ap;
	int n;

	va_copy(ap, args);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || p->err)
		return;
	if (p->len + n + 1 > p->cap) {
		size_t cap = (p->len + n + 1) * 2;
		char *b = realloc(p->buf, cap);

		if (!b) {
			p->err = -ENOMEM;
			return;
		}
		p->buf = b;
		p->cap = cap;
	}
	vsnprintf(p->buf + p->len, p->cap - p->len, fmt, args);
	p->len += n;
}

/*
 * btf_dump appends "___2" to the second of two types with one name (vmlinux
 * has a few), because it is made to print compilable headers.  A layout
 * shows the name the source uses, so the suffix goes.
 */
static void strip_dup_suffixes(char *s)
{
	char *w = s;

	for (char *r = s; *r;) {
		if (r[0] == '_' && r[1] == '_' && r[2] == '_' && isdigit((unsigned char)r[3]) &&
		    r > s && (isalnum((unsigned char)r[-1]))) {
			char *q = r + 3;

			while (isdigit((unsigned char)*q))
				q++;
			if (!isalnum((unsigned char)*q) && *q != '_') {
				r = q;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
}

/* btf_dump prints a pointer to an anonymous struct with its whole body on
 * several lines; a layout line needs it on one */
static void squeeze_space(char *s)
{
	char *w = s;
	bool space = false;

	for (char *r = s; *r; r++) {
		if (isspace((unsigned char)*r)) {
			space = true;
			continue;
		}
		if (space && w != s)
			*w++ = ' ';
		space = false;
		*w++ = *r;
	}
	*w = '\0';
}

/*
 * libbpf 1.1 prints a prototype without parameters as "()", which in C
 * means "unspecified"; BTF's empty list is "(void)", as pahole prints it.
 */
static void void_params(struct printer *p)
{
	size_t count = 0, len = strlen(p->buf);
	char *out, *w;

	for (const char *s = p->buf; (s = strstr(s, "()")); s += 2)
		count++;
	if (!count)
		return;
	out = malloc(len + 4 * count + 1);
	if (!out) {
		p->err = -ENOMEM;
		return;
	}
	w = out;
	for (const char *r = p->buf; *r;) {
		if (r[0] == '(' && r[1] == ')') {
			memcpy(w, "(void)", 6);
			w += 6;
			r += 2;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	free(p->buf);
	p->buf = out;
	p->len = w - out;
	p->cap = len + 4 * count + 1;
}

/* The C declaration of type id with field name (may be ""), in p->buf. */
const char *printer__type_decl(struct printer *p, __u32 id, const char *field)
{
	LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts, .field_name = field);
	int err;

	p->len = 0;
	if (p->buf)
		p->buf[0] = '\0';
	err = btf_dump__emit_type_decl(p->dump, id, &opts);
	if (err && !p->err)
		p->err = err;
	if (p->err || !p->buf)
		return "?";
	squeeze_space(p->buf);
	strip_dup_suffixes(p->buf);
	void_params(p);
	return p->buf;
}

/* Arrays and function pointers wrap the name: "char cb[48]", "void (*f)(...)". */
static bool decl_wraps_name(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t) {
		if (btf_is_array(t) || btf_is_func_proto(t))
			return true;
		if (!btf_is_ptr(t) && !btf_is_mod(t) && !btf_is_type_tag(t))
			return false;
		t = btf__type_by_id(btf, t->type);
	}
	return false;
}

static bool is_ident(int c)
{
	return isalnum(c) || c == '_';
}

/*
 * Split a member into pahole's two columns: "void" and "(*destructor)(struct
 * sk_buff *)", "char" and "cb[48]", "struct sock *" and "sk".  Returns a
 * malloc'ed type column; *name points into it (after its NUL) or to the
 * member's name.
 */
static char *member_columns(struct printer *p, const struct btf_layout_member *lm, const char **name)
{
	size_t nl = strlen(lm->name);
	const char *full;

	*name = lm->name;
	if (!nl || !decl_wraps_name(p->btf, lm->type_id))
		return strdup(printer__type_decl(p, lm->type_id, ""));

	full = printer__type_decl(p, lm->type_id, lm->name);
	for (const char *s = full; (s = strstr(s, lm->name)); s++) {
		size_t at = s - full, cut = at, type_end;
		char *dup;

		/* the member's own name: a whole identifier, then '[' or ')' */
		if ((at && is_ident(full[at - 1])) || (s[nl] && s[nl] != '[' && s[nl] != ')'))
			continue;
		while (cut && full[cut - 1] == '*')
			cut--;
		if (cut && full[cut - 1] == '(')
			cut--;
		else
			cut = at;
		/* "type\0name": both columns in one allocation */
		dup = malloc(strlen(full) + 2);
		if (!dup)
			return NULL;
		memcpy(dup, full, cut);
		type_end = cut;
		while (type_end && dup[type_end - 1] == ' ')
			type_end--;
		dup[type_end] = '\0';
		*name = strcpy(dup + type_end + 1, full + cut);
		return dup;
	}
	/* name not found (should not happen): the whole declaration as type */
	*name = "";
	return strdup(full);
}

static void indent(struct printer *p, int depth)
{
	for (int i = 0; i < depth; i++)
		fputc('\t', p->out);
}

/*
 * One line of text at a depth.  Blank lines are only promised (pahole puts
 * one around every XXX comment but none before a closing brace) and written
 * when another line follows.
 */
static void __attribute__((format(printf, 3, 4)))
put(struct printer *p, int depth, const char *fmt, ...)
{
	va_list ap;

	if (p->blank)
		fputc('\n', p->out);
	p->blank = false;
	indent(p, depth);
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
}

static void blank(struct printer *p)
{
	p->blank = true;
}

static int abs_cols(int c)
{
	return c < 0 ? -c : c;
}

/* "x.y" for member name of the struct being printed, in buf */
const char *printer__member_path(const struct printer *p, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s%s", (int)p->path_len, p->path, name);
	return buf;
}

/* the explanation as a trailing comment cut to one line, or "(undocumented)" */
static void note_for(const struct printer *p, const char *name, char *out, size_t size)
{
	const struct btf_layout_notes *notes = p->l->notes;
	char path[sizeof(p->path) + 128];
	const char *doc;
	bool marked = false;
	size_t n = 0;

	out[0] = '\0';
	if (!notes || !name[0])
		return;
	doc = notes->doc(notes->ctx, printer__member_path(p, name, path, sizeof(path)), &marked);
	if (!doc) {
		if (marked)
			snprintf(out, size, " /* (undocumented) */");
		return;
	}
	n = snprintf(out, size, " /* ");
	for (const char *d = doc; *d && n + 8 < size; d++) {
		if ((size_t)(d - doc) >= NOTE_COLS) {
			n += snprintf(out + n, size - n, "...");
			break;
		}
		/* a comment end inside the text would end ours early */
		out[n++] = d[0] == '*' && d[1] == '/' ? '-' : *d;
	}
	snprintf(out + n, size - n, " */");
}

/* "type name;" or "} name;" padded so the comment lands where pahole's does */
static void put_line(struct printer *p, int depth, const char *content, const char *comment,
		     const char *name)
{
	int cols = LINE_COLS - 8 * (depth - 1);
	char note[NOTE_COLS + 32];

	note_for(p, name, note, sizeof(note));
	put(p, depth, "%-*s %s%s\n", cols > 0 ? cols : 0, content, comment, note);
}

/* the macros that name this member, as the header defines them */
static void put_aliases(struct printer *p, const char *name, int depth)
{
	const struct btf_layout_notes *notes = p->l->notes;
	const char *names[MAX_ALIASES], *paths[MAX_ALIASES];
	char path[sizeof(p->path) + 128];
	int n;

	if (!notes || !name[0])
		return;
	n = notes->aliases(notes->ctx, printer__member_path(p, name, path, sizeof(path)), names, paths,
			   MAX_ALIASES);
	for (int i = 0; i < n; i++)
		put(p, depth, "/* #define %s %s */\n", names[i], paths[i]);
}

/* entering a nested struct: its members are "name." + member ("" when anonymous) */
size_t printer__path_push(struct printer *p, const char *name)
{
	size_t old = p->path_len;

	if (name[0] && old + strlen(name) + 2 < sizeof(p->path))
		p->path_len += snprintf(p->path + old, sizeof(p->path) - old, "%s.", name);
	return old;
}

static const char *plural(__u32 n)
{
	return n == 1 ? "" : "s";
}

static void put_cacheline(struct printer *p, __u32 offset, int depth)
{
	__u32 cl = offset / BTF_LAYOUT_CACHELINE;
	__u32 ago = offset % BTF_LAYOUT_CACHELINE;

	if (cl <= p->last_cacheline)
		return;
	p->last_cacheline = cl;
	if (ago)
		put(p, depth, "/* --- cacheline %u boundary (%u bytes) was %u byte%s ago --- */\n",
		    cl, cl * BTF_LAYOUT_CACHELINE, ago, plural(ago));
	else
		put(p, depth, "/* --- cacheline %u boundary (%u bytes) --- */\n",
		    cl, cl * BTF_LAYOUT_CACHELINE);
}

const char *printer__kind_str(__u16 kind)
{
	return kind == BTF_KIND_UNION ? "union" : "struct";
}

/*
 * What pahole prints between a member and the next: the tail padding of the
 * member's struct type, holes, and for bitfields the declaration the source
 * most likely had (an unnamed ":N" filling a bit hole inside one storage
 * unit, a ":0" starting a new unit early, a unit shared with the next
 * plain members).
 */
/* where the storage unit of the run of bitfields ending at member i ends */
static __u32 run_unit_end(const struct btf_layout_node *n, __u32 i)
{
	__u32 end = n->members[i].offset + n->members[i].size;

	while (i > 0 && n->members[i - 1].bit_size) {
		i--;
		if (n->members[i].offset + n->members[i].size > end)
			end = n->members[i].offset + n->members[i].size;
	}
	return end;
}

static void put_after(struct printer *p, const struct btf_layout_node *n, __u32 i, int depth)
{
	const struct btf_layout_member *lm = &n->members[i];
	const struct btf_layout_member *next = i + 1 < n->nr_members ? &n->members[i + 1] : NULL;
	int tcols = abs_cols(TYPE_COLS - 8 * (depth - 1));
	__u32 unit_end = lm->bit_size ? run_unit_end(n, i) : 0;
	const char *type = NULL;
	bool combined;

	/* the next member starts inside this bitfield's storage unit */
	combined = lm->bit_size && next && next->offset != lm->offset && next->offset < unit_end &&
		   !(next->bit_size && lm->bit_hole);
	if (lm->bit_size && next && next->bit_size && lm->bit_hole)
		type = printer__type_decl(p, lm->type_id, "");
	if (lm->type_padding || lm->bit_hole || lm->hole || combined) {
		blank(p);
		if (lm->type_padding)
			put(p, depth, "/* XXX last struct has %u byte%s of padding */\n",
			    lm->type_padding, plural(lm->type_padding));
		if (lm->bit_hole)
			put(p, depth, "/* XXX %u bit%s hole, try to pack */\n", lm->bit_hole,
			    plural(lm->bit_hole));
		if (lm->hole)
			put(p, depth, "/* XXX %u byte%s hole, try to pack */\n", lm->hole, plural(lm->hole));
		if (type && next->offset < unit_end)
			put(p, depth, "%-*s :%u;\n", tcols, type, lm->bit_hole);
		if (combined)
			put(p, depth, "/* Bitfield combined with next fields */\n");
		blank(p);
	}
	if (type && next->offset >= unit_end) {
		put(p, depth, "/* Force alignment to the next boundary: */\n");
		put(p, depth, "%-*s :0;\n", tcols, type);
		blank(p);
	}
}

/* A bitfield whose storage unit starts inside the plain member before it */
static void put_before(struct printer *p, const struct btf_layout_node *n, __u32 i, int depth)
{
	const struct btf_layout_member *lm = &n->members[i];
	const struct btf_layout_member *prev = i ? &n->members[i - 1] : NULL;

	if (!lm->bit_size || !prev || prev->bit_size ||
	    lm->offset >= prev->offset + prev->size || n->kind != BTF_KIND_STRUCT)
		return;
	blank(p);
	put(p, depth, "/* Bitfield combined with previous fields */\n");
	blank(p);
}

/* "const " for "const struct { ... } x;": qualifiers before the type */
static const char *qualifiers(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	bool c = false, v = false;

	while (t && (btf_is_mod(t) || btf_is_type_tag(t))) {
		c |= btf_is_const(t);
		v |= btf_is_volatile(t);
		t = btf__type_by_id(btf, t->type);
	}
	return c && v ? "const volatile " : c ? "const " : v ? "volatile " : "";
}

/* "[2][3]" for an array type, "" otherwise */
void printer__array_suffix(const struct btf *btf, __u32 id, bool flex, char *buf, size_t size)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	size_t len = 0;

	buf[0] = '\0';
	while (t && (btf_is_mod(t) || btf_is_type_tag(t) || btf_is_array(t))) {
		if (btf_is_array(t)) {
			__u32 nelems = btf_array(t)->nelems;

			if (flex && !nelems && !len)
				len += snprintf(buf + len, size - len, "[]");
			else
				len += snprintf(buf + len, size - len, "[%u]", nelems);
			if (len >= size)
				break;
			t = btf__type_by_id(btf, btf_array(t)->type);
		} else {
			t = btf__type_by_id(btf, t->type);
		}
	}
}

/*
 * A zero-length array at the end of a struct is a C99 flexible array member
 * ("sg[]"); BTF encodes it as [0], so pahole guesses the same way.
 */
bool printer__is_flex_array(const struct btf *btf, const struct btf_layout_node *n, __u32 i)
{
	const struct btf_type *t;

	if (n->kind != BTF_KIND_STRUCT || i + 1 != n->nr_members || n->members[i].size)
		return false;
	t = btf__type_by_id(btf, btf_layout__skip_mods(btf, n->members[i].type_id));
	return t && btf_is_array(t) && btf_array(t)->nelems == 0;
}

/* anonymous enum member type (after qualifiers), or NULL */
const struct btf_type *printer__anon_enum(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, btf_layout__skip_mods(btf, id));

	return t && btf_is_any_enum(t) && !t->name_off ? t : NULL;
}

/* pahole writes an anonymous enum out in full, values aligned */
static void put_anon_enum(struct printer *p, const struct btf_type *t, int depth)
{
	int width = 0;
	bool is_signed = btf_kflag(t);

	for (int i = 0; i < btf_vlen(t); i++) {
		__u32 off = btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off;
		int l = (int)strlen(btf__name_by_offset(p->btf, off));

		if (l > width)
			width = l;
	}
	put(p, depth, "enum {\n");
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *name;
		__u64 v;

		if (btf_is_enum(t)) {
			name = btf__name_by_offset(p->btf, btf_enum(t)[i].name_off);
			v = is_signed ? (__u64)(__s64)btf_enum(t)[i].val : (__u32)btf_enum(t)[i].val;
		} else {
			name = btf__name_by_offset(p->btf, btf_enum64(t)[i].name_off);
			v = btf_enum64_value(&btf_enum64(t)[i]);
		}
		if (is_signed)
			put(p, depth + 1, "%-*s = %lld,\n", width, name, (long long)v);
		else
			put(p, depth + 1, "%-*s = %llu,\n", width, name, (unsigned long long)v);
	}
}

static void print_members(struct printer *p, const struct btf_layout_node *n, int depth);

static int grow(struct printer *p, char **buf, size_t *cap, size_t need)
{
	char *b;

	if (need <= *cap)
		return 0;
	b = realloc(*buf, need * 2);
	if (!b) {
		p->err = -ENOMEM;
		return -ENOMEM;
	}
	*buf = b;
	*cap = need * 2;
	return 0;
}

static void print_member(struct printer *p, const struct btf_layout_node *n, __u32 i, int depth,
			 char **content, size_t *cap)
{
	const struct btf_layout_member *lm = &n->members[i];
	bool flex = printer__is_flex_array(p->btf, n, i);
	const struct btf_type *et = printer__anon_enum(p->btf, lm->type_id);
	int tcols = abs_cols(TYPE_COLS - 8 * (depth - 1));
	char comment[64], bits[16] = "", suffix[64];
	const char *name;
	char *type;
	size_t nl;

	put_cacheline(p, lm->offset, depth);
	if (lm->bit_size) {
		snprintf(bits, sizeof(bits), ":%u", lm->bit_size);
		snprintf(comment, sizeof(comment), "/* %5u:%2u %2u */", lm->offset, lm->bit_offset,
			 lm->size);
	} else {
		snprintf(comment, sizeof(comment), "/* %5u %5u */", lm->offset, lm->size);
	}

	/* written out in full: "struct {" ... "} name;" */
	if (lm->nested || et) {
		const struct btf_layout_node *c = lm->nested;
		const char *q = qualifiers(p->btf, lm->type_id);

		if (et)
			put_anon_enum(p, et, depth);
		else if (c->name[0])
			put(p, depth, "%s%s %s {\n", q, printer__kind_str(c->kind), c->name);
		else
			put(p, depth, "%s%s {\n", q, printer__kind_str(c->kind));
		if (c) {
			size_t old = printer__path_push(p, lm->name);

			print_members(p, c, depth + 1);
			p->path_len = old;
		}
		/* no blank line before a closing brace */
		p->blank = false;
		printer__array_suffix(p->btf, lm->type_id, flex, suffix, sizeof(suffix));
		if (grow(p, content, cap, strlen(lm->name) + sizeof(suffix) + sizeof(bits) + 40))
			return;
		snprintf(*content, *cap, "}%s%s%s%s%s;", c && c->packed ? " __attribute__((__packed__))" : "",
			 lm->name[0] ? " " : "", lm->name, suffix, bits);
		put_line(p, depth, *content, comment, lm->name);
		put_aliases(p, lm->name, depth);
		return;
	}

	type = member_columns(p, lm, &name);
	if (!type) {
		p->err = -ENOMEM;
		return;
	}
	nl = strlen(name);
	if (!grow(p, content, cap, strlen(type) + nl + tcols + 32)) {
		snprintf(*content, *cap, "%-*s %s%s;", tcols, type, name, bits);
		/* "sg[0]" → "sg[]" for a flexible array member */
		if (flex && nl >= 3 && !strcmp(name + nl - 3, "[0]")) {
			char *s = strstr(*content, name) + nl - 3;

			memmove(s + 1, s + 2, strlen(s + 2) + 1);
		}
		put_line(p, depth, *content, comment, lm->name);
		put_aliases(p, lm->name, depth);
	}
	free(type);
}

static void print_members(struct printer *p, const struct btf_layout_node *n, int depth)
{
	__u32 start_cacheline = p->last_cacheline;
	char *content = NULL;
	size_t cap = 0;

	/* a struct may start with unused bits ("u32 invalid:1" at bit 31) */
	if (n->lead_bit_hole || n->lead_hole) {
		blank(p);
		if (n->lead_bit_hole)
			put(p, depth, "/* XXX %u bit%s hole, try to pack */\n", n->lead_bit_hole,
			    plural(n->lead_bit_hole));
		if (n->lead_hole)
			put(p, depth, "/* XXX %u byte%s hole, try to pack */\n", n->lead_hole,
			    plural(n->lead_hole));
		blank(p);
	}
	for (__u32 i = 0; i < n->nr_members && !p->err; i++) {
		/*
		 * Members of a union overlap: each starts from the cache
		 * line the union starts in, as pahole shows them.
		 */
		if (n->kind == BTF_KIND_UNION)
			p->last_cacheline = start_cacheline;
		put_before(p, n, i, depth);
		print_member(p, n, i, depth, &content, &cap);
		put_after(p, n, i, depth);
	}
	/* and after the union pahole goes on from where it started */
	if (n->kind == BTF_KIND_UNION)
		p->last_cacheline = start_cacheline;
	free(content);
}

/* pahole's summary, with its rules for which lines appear */
static void print_summary(struct printer *p)
{
	const struct btf_layout *l = p->l;
	const struct btf_layout_node *n = &l->root;

	blank(p);
	put(p, 1, "/* size: %u, cachelines: %u, members: %u */\n", n->size, l->cachelines,
	    n->nr_members);
	if (n->nr_holes || (n->nr_bit_holes && n->sum_members)) {
		put(p, 1, "/* sum members: %u", n->sum_members);
		if (n->nr_holes)
			fprintf(p->out, ", holes: %u, sum holes: %u", n->nr_holes, n->sum_holes);
		fprintf(p->out, " */\n");
	}
	if (n->nr_bit_holes)
		put(p, 1, "/* sum bitfield members: %u bits, bit holes: %u, sum bit holes: %u bits */\n",
		    n->sum_bitfield_bits, n->nr_bit_holes, n->sum_bit_holes);
	else if (n->nr_holes && n->sum_bitfield_bits)
		put(p, 1, "/* sum bitfield members: %u bits (%u bytes) */\n", n->sum_bitfield_bits,
		    n->sum_bitfield_bits / 8);
	if (n->padding)
		put(p, 1, "/* padding: %u */\n", n->padding);
	if (n->nr_paddings)
		put(p, 1, "/* paddings: %u, sum paddings: %u */\n", n->nr_paddings, n->sum_paddings);
	if (n->bit_padding)
		put(p, 1, "/* bit_padding: %u bits */\n", n->bit_padding);
	if (l->last_cacheline)
		put(p, 1, "/* last cacheline: %u bytes */\n", l->last_cacheline);
}

int printer__init(struct printer *p, const struct btf_layout *l, FILE *out)
{
	memset(p, 0, sizeof(*p));
	p->l = l;
	p->btf = l->btf;
	p->out = out;
	p->dump = btf_dump__new(l->btf, dump_printf, p, NULL);
	if (!p->dump)
		return -errno;
	return 0;
}

void printer__fini(struct printer *p)
{
	btf_dump__free(p->dump);
	free(p->buf);
}

int btf_layout__print_text(const struct btf_layout *layout, FILE *out)
{
	struct printer p;
	int err;

	err = printer__init(&p, layout, out);
	if (err)
		return err;
	/* "typedef struct { ... } possible_net_t;" as pahole prints it */
	if (!layout->root.name[0] && layout->typedef_name)
		fprintf(out, "typedef %s {\n", printer__kind_str(layout->root.kind));
	else if (!layout->root.name[0])
		fprintf(out, "%s {\n", printer__kind_str(layout->root.kind));
	else
		fprintf(out, "%s %s {\n", printer__kind_str(layout->root.kind), layout->root.name);
	print_members(&p, &layout->root, 1);
	if (!p.err) {
		print_summary(&p);
		fprintf(out, "}%s", layout->root.packed ? " __attribute__((__packed__))" : "");
		if (!layout->root.name[0] && layout->typedef_name)
			fprintf(out, " %s", layout->typedef_name);
		fprintf(out, ";\n");
	}
	err = p.err;
	printer__fini(&p);
	return err;
}
