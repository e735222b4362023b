/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GFP flags by name, as the running kernel names them: the __print_flags()
 * table of a kmem tracepoint's print format (events/kmem/kmalloc/format),
 * parsed with libtraceevent, never bit values written down here.  The
 * table travels in a trace's metadata ("kmem.gfp_flags"), so a report on
 * another machine names the flags of the kernel that was traced.
 */
#ifndef NS_TRACE_GFP_H
#define NS_TRACE_GFP_H

#include <stddef.h>
#include <stdint.h>

struct gfp_flag {
	uint64_t value;
	char name[40];
};

/* the kernel's order: composites (GFP_KERNEL, GFP_ATOMIC) before single bits */
struct gfp_table {
	struct gfp_flag *flags;
	size_t n;
};

/*
 * From the text of a tracepoint format file whose print fmt has
 * __print_flags(REC->gfp_flags, ...) (kmem:kmalloc, kmem:kmem_cache_alloc,
 * kmem:mm_page_alloc).  0, or -EINVAL / -ENOMEM with a message in err.
 */
int gfp_table_from_format(struct gfp_table *t, const char *format, char *err, size_t len);
/* From the metadata form "0xcc0=GFP_KERNEL,0x820=GFP_ATOMIC,..."; 0 or -errno. */
int gfp_table_parse(struct gfp_table *t, const char *text);
/* The metadata form, malloc'd; NULL when out of memory. */
char *gfp_table_format(const struct gfp_table *t);
void gfp_table_free(struct gfp_table *t);

/* The value of a flag by name ("__GFP_DIRECT_RECLAIM"), 0 when the table lacks it. */
uint64_t gfp_value(const struct gfp_table *t, const char *name);
/*
 * Flags by name as the kernel's trace output prints them (trace_print_flags
 * and libtraceevent alike): each entry of the table in order whose bits are
 * all set, its bits then taken away; what is left in hex.  "none" for 0.
 */
const char *gfp_decode(const struct gfp_table *t, uint64_t v, char *buf, size_t len);
/*
 * Whether an allocation with these flags may sleep: __GFP_DIRECT_RECLAIM
 * (include/linux/gfp.h: gfpflags_allow_blocking()).  -1 when the table does
 * not name that bit.
 */
int gfp_may_sleep(const struct gfp_table *t, uint64_t v);

#endif
