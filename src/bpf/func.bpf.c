// SPDX-License-Identifier: GPL-2.0
/*
 * netscope's per-function programs: one event at the entry (and, with
 * fexit, the return) of each traced kernel function, into the capture's
 * own stream.  This object declares the capture core's maps and
 * configuration (capture_maps.bpf.h) and builds its events with the same
 * core (capture_event.bpf.h); user space hands it the capture object's
 * maps before load (bpf_map__reuse_fd), so the events share one ring
 * buffer, one set of counters, one stack map and the packets' namespace
 * tracking (capture/func_attach.c).
 *
 * One program serves every function: it finds the function by its
 * address (bpf_get_func_ip: fentry 5.15, kprobe.multi 5.18) in func_info,
 * which says where the struct sk_buff * and struct sock * arguments are,
 * and reads them with bpf_get_func_arg (fentry/fexit, 5.17) or from the
 * registers (kprobes).  fentry programs are typed by their target, so user
 * space loads the template once per function; kprobe.multi attaches the
 * one program to every function with one link.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "netscope.h"
#include "decode.h"

char LICENSE[] SEC("license") = "GPL";

#include "capture_maps.bpf.h"
#include "capture_event.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by user space: one entry per function */
	__type(key, __u64);	/* the function's address (kallsyms) */
	__type(value, struct ns_func_info);
} func_info SEC(".maps");

/*
 * The address the program is given is the function's, or 4 bytes past it
 * on kernels built with IBT, where kprobes skip the ENDBR64 instruction
 * (arch_adjust_kprobe_addr, 5.18); the event keeps the kallsyms address.
 */
static __always_inline const struct ns_func_info *find_func(__u64 *ip)
{
	const struct ns_func_info *fi = bpf_map_lookup_elem(&func_info, ip);

	if (!fi) {
		*ip -= 4;
		fi = bpf_map_lookup_elem(&func_info, ip);
	}
	return fi;
}

static __always_inline int emit(void *ctx, __u16 type, __u64 ip, __u64 skb, __u64 sk, __s64 ret,
				bool ret_skb)
{
	struct ns_event *e = ev_begin(ctx, type);

	if (!e)
		return 0;
	e->location = ip;
	if (sk)
		e->sk = sk;
	if (skb)
		ev_skb(e, (const struct sk_buff *)skb, L3_AT_NONE);
	else if (sk)
		ev_sock(e, &((const struct sock *)sk)->__sk_common);
	if (type == NS_EV_FUNC_EXIT) {
		/* aux: the int most functions return; aux2: a pointer's high half */
		e->aux = (__s32)ret;
		e->aux2 = (__u32)((__u64)ret >> 32);
		/* user space gives the new skb its argument's packet id */
		if (ret_skb)
			e->flags |= NS_F_RET_SKB;
	}
	return ev_submit(ctx, e);
}

/* an argument of an fentry/fexit program, 0 when absent */
static __always_inline __u64 tracing_arg(void *ctx, __s8 n)
{
	__u64 v = 0;

	if (n < 0 || n >= NS_FUNC_MAX_ARGS)
		return 0;
	if (bpf_get_func_arg(ctx, n, &v))
		return 0;
	return v;
}

SEC("fentry")
int func_fentry(__u64 *ctx)
{
	__u64 ip = bpf_get_func_ip(ctx);
	const struct ns_func_info *fi = find_func(&ip);

	if (!fi)
		return 0;
	return emit(ctx, NS_EV_FUNC_ENTRY, ip, tracing_arg(ctx, fi->skb_arg),
		    tracing_arg(ctx, fi->sk_arg), 0, false);
}

SEC("fexit")
int func_fexit(__u64 *ctx)
{
	__u64 ip = bpf_get_func_ip(ctx), ret = 0;
	const struct ns_func_info *fi = find_func(&ip);

	if (!fi)
		return 0;
	bpf_get_func_ret(ctx, &ret);
	return emit(ctx, NS_EV_FUNC_EXIT, ip, tracing_arg(ctx, fi->skb_arg),
		    tracing_arg(ctx, fi->sk_arg), (__s64)ret, fi->ret_skb && ret);
}

/* the n-th argument register of a kprobe at a function's entry */
static __always_inline __u64 regs_arg(struct pt_regs *regs, __s8 n)
{
	switch (n) {
	case 0: return PT_REGS_PARM1_CORE(regs);
	case 1: return PT_REGS_PARM2_CORE(regs);
	case 2: return PT_REGS_PARM3_CORE(regs);
	case 3: return PT_REGS_PARM4_CORE(regs);
	case 4: return PT_REGS_PARM5_CORE(regs);
	default: return 0;
	}
}

static __always_inline int on_kprobe(struct pt_regs *regs)
{
	__u64 ip = bpf_get_func_ip(regs);
	const struct ns_func_info *fi = find_func(&ip);

	if (!fi)
		return 0;
	return emit(regs, NS_EV_FUNC_ENTRY, ip, regs_arg(regs, fi->skb_arg),
		    regs_arg(regs, fi->sk_arg), 0, false);
}

SEC("kprobe.multi")
int func_kprobe_multi(struct pt_regs *regs)
{
	return on_kprobe(regs);
}

/* the last resort: one perf-event kprobe per function, this program on each */
SEC("kprobe")
int func_kprobe(struct pt_regs *regs)
{
	return on_kprobe(regs);
}
