// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a session's ring buffer: events one by one or in batches, packet
 * bytes, heartbeats; the reorder buffer and the heartbeat rounds of
 * batched capture (capture_batch.bpf.h); names of interrupted tasks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>
#include "capture.skel.h"
#include "capture/ftrace_session.h"
#include "capture/session_private.h"
#include "common/log.h"

/* The name of a pid seen in irq context (the interrupted task): from the
 * task-context events of that pid, else /proc; best effort. */
static void fill_comm(struct capture_session *s, struct ns_event *ev)
{
	size_t slot = ev->pid % (sizeof(s->comms) / sizeof(s->comms[0]));
	char path[64];
	FILE *f;

	if (ev->comm[0]) {
		s->comms[slot].pid = ev->pid;
		memcpy(s->comms[slot].comm, ev->comm, NS_COMM_LEN);
		return;
	}
	if (!ev->pid) {
		snprintf(ev->comm, NS_COMM_LEN, "swapper/%u", ev->cpu);
		return;
	}
	if (s->comms[slot].pid != ev->pid || !s->comms[slot].comm[0]) {
		s->comms[slot].pid = ev->pid;
		s->comms[slot].comm[0] = '\0';
		snprintf(path, sizeof(path), "/proc/%u/comm", ev->pid);
		f = fopen(path, "r");
		if (f) {
			if (fgets(s->comms[slot].comm, NS_COMM_LEN, f))
				s->comms[slot].comm[strcspn(s->comms[slot].comm, "\n")] = '\0';
			fclose(f);
		}
	}
	memcpy(ev->comm, s->comms[slot].comm, NS_COMM_LEN);
}

void capture_on_payload(struct capture_session *s, capture_payload_fn fn, void *ctx)
{
	s->payload_fn = fn;
	s->payload_ctx = ctx;
}

/*
 * A packet's bytes (payload.bpf.h), sent right after an event of the same
 * packet: that event has been through identity_assign() already, so the
 * packet's id is known, unless the event itself was lost.
 */
static int on_payload(struct capture_session *s, const void *data, size_t size)
{
	struct ns_payload h;
	struct ns_payload_rec p;

	memcpy(&h, data, sizeof(h));
	if (h.cap_len > size - sizeof(h) || h.cap_len > NS_SNAPLEN_MAX)
		return 0; /* not from our BPF object */
	p = (struct ns_payload_rec){
		.packet_id = identity_lookup(&s->ids, h.skb, h.skb_head),
		.ts_ns = h.ts_ns,
		.orig_len = h.orig_len,
		.cap_len = h.cap_len,
		.type = h.type,
		.flags = h.flags,
		.data = (const uint8_t *)data + sizeof(h),
	};
	if (!p.packet_id) {
		s->payload_unmatched++;
		return 0;
	}
	s->payload_captured++;
	if (p.flags & NS_PAYLOAD_CUT_LINEAR)
		s->payload_cut++;
	return s->payload_fn ? s->payload_fn(s->payload_ctx, &p) : 0;
}

_Static_assert(_Alignof(struct ns_event) <= 8, "ring records are 8-byte aligned");

/* an event in time order: its packet, its task's name, the consumer */
static int deliver(void *ctx, struct ns_event *ev)
{
	struct capture_session *s = ctx;

	if (ev->type < NS_EV__COUNT)
		s->captured[ev->type]++;
	identity_assign(&s->ids, ev);
	fill_comm(s, ev);
	return s->fn ? s->fn(s->fn_ctx, ev) : 0;
}

/*
 * A ring record: packet bytes, a heartbeat, or events back to back (one,
 * or a batch of up to NS_BATCH).  Batched events wait in the reorder
 * buffer; without batching the ring's order is the events' order.
 */
int session_on_sample(void *ctx, void *data, size_t size)
{
	struct capture_session *s = ctx;
	struct ns_event ev;
	uint64_t kind;

	if (size >= sizeof(kind)) {
		memcpy(&kind, data, sizeof(kind));
		if (kind == NS_RECORD_PAYLOAD && size >= sizeof(struct ns_payload))
			return on_payload(s, data, size);
		if (kind == NS_RECORD_HEARTBEAT && size >= sizeof(struct ns_heartbeat)) {
			struct ns_heartbeat hb;

			memcpy(&hb, data, sizeof(hb));
			reorder_heartbeat(&s->reorder, hb.cpu, hb.ts_ns);
			return 0;
		}
	}
	s->records++;
	s->batched += size / sizeof(ev);
	for (size_t off = 0; off + sizeof(ev) <= size; off += sizeof(ev)) {
		int err;

		if (!s->batching) {
			/* a copy: the consumer may write to it (comm, ids) */
			memcpy(&ev, (const char *)data + off, sizeof(ev));
			err = deliver(s, &ev);
		} else {
			/* copied once, into its queue; ring records are 8-byte
			 * aligned, as much as an event needs */
			err = reorder_push(&s->reorder,
					   (const struct ns_event *)((const char *)data + off));
			if (err)
				ns_err("cannot hold events to sort them: %s", strerror(-err));
		}
		if (err < 0)
			return err;
	}
	return 0;
}

/* a record of the ftrace instance: no skb, so no packet identity to assign */
void session_on_ftrace_event(void *ctx, struct ns_event *ev)
{
	struct capture_session *s = ctx;

	s->captured[ev->type]++;
	fill_comm(s, ev);
	/* a consumer that wants to stop (stdout gone) stops the run loop itself */
	if (s->fn)
		s->fn(s->fn_ctx, ev);
}

/*
 * Batched capture unless something needs each record in the ring right
 * after its event: packet bytes (identified by the event before them) and
 * kernel functions (their handlers can be preempted, so the heartbeat
 * could not vouch for them).  NETSCOPE_BATCH=0 turns it off, for
 * comparisons (bench/).
 */
bool session_batching_wanted(const struct capture_opts *o)
{
	const char *env = getenv("NETSCOPE_BATCH");

	if (env && !strcmp(env, "0"))
		return false;
	if (o->snaplen)
		return false;
	return o->func_mode == CAPTURE_FUNCS_OFF ||
	       (o->func_mode == CAPTURE_FUNCS_AUTO && !o->nfunc_patterns && !o->ngraph_roots);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* the reorder buffer and a first heartbeat round; -ENOTSUP when either
 * fails (no memory, no CPU list, a kernel that will not run the flush
 * program): the session is then opened again, unbatched */
int session_batching_start(struct capture_session *s)
{
	const char *what = "the reorder buffer";
	int err = reorder_init(&s->reorder, s->ncpus, 1u << 18);

	if (!err) {
		what = "the CPU list";
		err = heartbeat_init(&s->hb, bpf_program__fd(s->skel->progs.flush_batches),
				     s->ncpus);
	}
	if (!err) {
		for (int cpu = 0; cpu < s->ncpus; cpu++)
			if (!heartbeat_covers(&s->hb, cpu))
				reorder_cpu_done(&s->reorder, cpu);
		s->hb_last_ns = mono_ns();
		what = "the flush program";
		err = heartbeat_round(&s->hb);
	}
	if (err) {
		ns_dbg(1, "batched capture: %s: %s; capturing unbatched", what, strerror(-err));
		return -ENOTSUP;
	}
	return 0;
}

/*
 * Every CPU's batches into the ring, each followed by its heartbeat, and
 * the ring read: the events the heartbeats vouch for are then released
 * (all: every event held, at the end of the capture).
 */
static int batch_sync(struct capture_session *s, bool all)
{
	int err = heartbeat_round(&s->hb);
	long n;

	if (err)
		ns_dbg(1, "heartbeat: %s", strerror(-err));
	s->hb_last_ns = mono_ns();
	err = ring_buffer__consume(s->rb);
	if (err < 0 && err != -EINTR)
		return err;
	n = reorder_release(&s->reorder, all, deliver, s);
	return n < 0 ? (int)n : 0;
}

/*
 * How often each CPU's batches are flushed: what a quiet CPU's events wait
 * at most.  A round moves this thread to every online CPU in turn (a
 * round took 215 us on 2 idle CPUs here, 1.06 ms during a SYN flood,
 * mostly waiting to run on the busy CPU: `-v` prints it), so on a large
 * machine it runs less often: every 0.5 ms per CPU at least (20 ms up to
 * 40 CPUs).
 */
static uint64_t heartbeat_period_ns(const struct capture_session *s)
{
	uint64_t per_cpu = 500000ull * (uint64_t)s->hb.nonline;

	return per_cpu > 20000000ull ? per_cpu : 20000000ull;
}

/*
 * Sooner when this many events wait: under a flood the queues would
 * otherwise hold ~20-40 ms of events, megabytes the consumer writes and
 * reads back from beyond its caches; at most every 1 ms per CPU (2 ms on
 * two).
 */
#define HEARTBEAT_HELD 8192

static uint64_t heartbeat_min_ns(const struct capture_session *s)
{
	return 1000000ull * (uint64_t)(s->hb.nonline > 2 ? s->hb.nonline : 2);
}

int capture_poll(struct capture_session *s, int timeout_ms)
{
	if (s->batching && timeout_ms > (int)(heartbeat_period_ns(s) / 1000000))
		timeout_ms = (int)(heartbeat_period_ns(s) / 1000000);
	int n = ring_buffer__poll(s->rb, timeout_ms);

	if (n < 0 && n != -EINTR)
		return n;
	/* the BPF side wakes us only per batch: take what sits below the mark */
	int m = ring_buffer__consume(s->rb);

	if (m < 0 && m != -EINTR)
		return m;
	if (s->batching) {
		long r;

		uint64_t since = mono_ns() - s->hb_last_ns;

		if (since >= heartbeat_period_ns(s) ||
		    (s->reorder.held >= HEARTBEAT_HELD && since >= heartbeat_min_ns(s))) {
			int err = batch_sync(s, false);

			if (err)
				return err;
		} else if ((r = reorder_release(&s->reorder, false, deliver, s)) < 0) {
			return (int)r;
		}
	}
	/* the ftrace instance's records, after the ring's: each CPU's in order */
	int f = ftrace_session_poll(s->ftrace);

	if (f < 0)
		return f;
	return (n > 0 ? n : 0) + (m > 0 ? m : 0);
}

int capture_drain(struct capture_session *s)
{
	int n = ring_buffer__consume(s->rb);

	if (s->batching) {
		int err = batch_sync(s, true);

		if (err)
			n = err;
	}

	/* the capture ends here: the instance stops, its last records are read */
	ftrace_session_stop(s->ftrace);
	return n;
}
