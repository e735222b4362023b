/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which program of the capture skeleton handles which event: every event
 * has a tp_btf and a raw_tp twin (the session loads one of them), a few
 * events are made of two tracepoints, and the irq_vectors events have a
 * pair of twins per vector.
 */
#ifndef NS_SESSION_PROGS_H
#define NS_SESSION_PROGS_H

#include <stdbool.h>
#include "bpf/netscope.h"

struct bpf_program;
struct capture_bpf;

/* btf[ev] and raw[ev]: the two twins of every handler, NULL where none;
 * hdr[ev]: the handler's variant with typed header reads (capture.bpf.c:
 * TRIPLET), NULL where none */
void capture_prog_table(struct capture_bpf *skel, struct bpf_program *btf[NS_EV__COUNT],
			struct bpf_program *raw[NS_EV__COUNT], struct bpf_program *hdr[NS_EV__COUNT]);
/* [vector][0 entry, 1 exit] of every irq_vectors tracepoint netscope has a
 * program for (capture.bpf.c: IRQ_VECTOR()) */
void capture_irq_vector_table(struct capture_bpf *skel, struct bpf_program *btf[][2],
			      struct bpf_program *raw[][2]);
/* the second program of an event made of two tracepoints (sys_exit,
 * kmalloc, kfree), or NULL */
struct bpf_program *capture_second_prog(struct capture_bpf *skel, int ev, bool btf);

#endif
