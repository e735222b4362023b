/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A capture session: open the BPF object, fill its read-only configuration,
 * pick tp_btf or raw_tp for each tracepoint by probing, load, attach,
 * consume the ring buffer, read the counters; one cleanup path.
 */
#ifndef NS_SESSION_H
#define NS_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bpf/netscope.h"
#include "capture/features.h"
#include "trace/model.h"

struct capture_filter {
	uint32_t netns[NS_MAX_NETNS_FILTER]; /* inode numbers */
	unsigned int netns_n;		     /* 0: all namespaces */
	uint32_t pid;
	uint8_t l4_proto;
	uint16_t port;
	uint8_t host_family; /* AF_INET / AF_INET6, 0: any */
	uint8_t host[16];
	char ifname[NS_IFNAME_LEN];
};

/* kernel functions besides the tracepoints (--method, --funcs) */
enum capture_func_mode {
	CAPTURE_FUNCS_AUTO = 0, /* when --funcs/--funcs-file name some and a backend works */
	CAPTURE_FUNCS_OFF,	/* --method tracepoints */
	CAPTURE_FUNCS_ON,	/* --method bpf-func: an error when no backend works */
	CAPTURE_FUNCS_FTRACE,	/* --method ftrace: a private tracefs instance (ftrace_session.h) */
};

struct capture_opts {
	struct capture_filter filter;
	uint64_t events;	   /* bit per enum ns_event_type */
	enum ns_stack_mode stack_mode;
	uint64_t stack_interval_ns; /* sampled policy: one stack per site per interval */
	uint32_t ring_size;	   /* bytes, power of two */
	uint32_t softirq_mask;	   /* vectors recorded */
	bool force_raw_tp;	   /* skip tp_btf even where it works */
	uint32_t sample_freq;	   /* cpu samples per second and CPU; 0: none */
	enum capture_func_mode func_mode;
	char **func_patterns;	   /* --funcs/--funcs-file globs; none: the skb/sock functions */
	size_t nfunc_patterns;
	char **graph_roots;	   /* --graph-funcs: ftrace's set_graph_function; none: no roots */
	size_t ngraph_roots;
	int func_backend;	   /* enum func_backend (capture/func_attach.h); 0: auto */
	unsigned func_threads;	   /* fentry: --func-threads; 0: one per online CPU (at most 8) */
	bool func_no_exit;	   /* fentry: --no-fexit, entries only */
	uint32_t snaplen;	   /* packet bytes to record (--snaplen); 0: headers only */
};

/* default event set: everything but irq_handler_entry/exit (no NIC irqs on veth) */
uint64_t capture_default_events(void);
void capture_opts_default(struct capture_opts *o);
/* the kmem group (`--events kmem`): packet memory, never in the default or "all" */
uint64_t capture_kmem_events(void);
/* attached whatever the selection: they keep the per-CPU execution context */
uint64_t capture_context_events(void);

struct capture_session;

typedef int (*capture_event_fn)(void *ctx, const struct ns_event *ev);

/* Returns 0 or -errno; errors are printed with ns_err(). */
int capture_open(struct capture_session **out, const struct capture_opts *o,
		 const struct features *ft, capture_event_fn fn, void *ctx);
/* Where the packet bytes of --snaplen go (struct ns_payload_rec, with its
 * packet id), in ring order with the events; none: they are counted only. */
typedef int (*capture_payload_fn)(void *ctx, const struct ns_payload_rec *p);
void capture_on_payload(struct capture_session *s, capture_payload_fn fn, void *ctx);
/* Wait up to timeout_ms and hand every available event to fn. */
int capture_poll(struct capture_session *s, int timeout_ms);
/*
 * Events each CPU sends before it wakes the consumer, for a ring of
 * ring_size bytes on ncpus CPUs: all CPUs together hold at most a quarter
 * of the ring before one of them wakes it; at least 1.
 */
uint32_t capture_wakeup_mark(uint32_t ring_size, int ncpus);
/* Stop cpu sampling (before the last drain: samples would go on arriving
 * after it, and the counters read next would count them as produced). */
void capture_stop_sampling(struct capture_session *s);
/* Take whatever is left in the ring buffer. */
int capture_drain(struct capture_session *s);
void capture_stats(struct capture_session *s, struct ns_capture_stats *st);
/* frames of a stack (innermost first); returns their number, or -errno */
int capture_stack(struct capture_session *s, int32_t id, uint64_t *ips, size_t max);
/* how each event type is attached: "tp_btf", "raw_tp", "off" or "missing" */
const char *capture_event_method(const struct capture_session *s, unsigned int type);
/* cpu samples per second per CPU as they run; 0 when off or unavailable */
unsigned int capture_sample_freq(const struct capture_session *s);
/* CPUs sampled (0 when sampling is off) */
int capture_sample_cpus(const struct capture_session *s);
/* how kernel functions are traced ("fentry", "kprobe-multi", "kprobe",
 * "ftrace-function_graph", "ftrace-function"), or "off"; *nfuncs (may be
 * NULL) the functions attached */
const char *capture_func_method(const struct capture_session *s, size_t *nfuncs);
/* "tp_btf", "raw_tp" or "tp_btf+raw_tp" */
const char *capture_method(const struct capture_session *s);
/* how the packet handlers read headers: "typed loads" (bpf_rdonly_cast(),
 * the hdr_* handlers) or "copy" (bpf_probe_read_kernel()) */
const char *capture_header_reads(const struct capture_session *s);
/* the context events a capture with o attaches on this kernel only to keep
 * the execution context (the bench attaches its peers to the same) */
uint64_t capture_context_trackers(const struct capture_opts *o, const struct features *ft);
/* how handlers tell softirq from task context: "stack" or "softirq tracepoints" */
const char *capture_context_source(const struct capture_session *s);
/* what the kmem events were filtered by (capture/kmem.h); NULL when off */
struct kmem_config;
const struct kmem_config *capture_kmem(const struct capture_session *s);
void capture_close(struct capture_session *s);

#endif
