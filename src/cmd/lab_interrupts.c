// SPDX-License-Identifier: GPL-2.0
/*
 * netscope lab interrupts: experiment 4 of the reference study, "the
 * interrupt handler is within an irq_enter_rcu / irq_exit_rcu pair; the
 * exit manages soft interrupts".  In the lab's namespaces there is no
 * device interrupt at all: veth hands the packet to the backlog of the
 * sending CPU, raises NET_RX in the sender's context, and the sender runs
 * the softirq itself when it re-enables bottom halves.  The lab shows that
 * from the events (analysis/softirq.c): where each NET_RX run was raised
 * and where it ran, raise → entry and entry → exit, packets per napi_poll
 * against the budget, /proc/net/softnet_stat before and after, the share
 * of packet events in softirq and task context, and the hardirqs the
 * machine took meanwhile (irq_handler_*, irq_vectors).
 *
 * `--ifname DEV` watches a device of the current namespace instead,
 * sending nothing (lab_interrupts_dev.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/lab.h"
#include "cmd/lab_interrupts.h"
#include "common/json.h"
#include "index/query.h"
#include "index/store.h"
#include "render/html.h"
#include "render/softirq_out.h"

static const char *const original[] = {
	"(the study read the irq_enter_rcu / irq_exit_rcu pair around a NIC's handler in a",
	" function_graph trace of a real interface: irq_pair.png)",
	NULL,
};

/* irq: hardirq handlers, softirq raise/entry/exit; napi_poll; irq_vectors:
 * the local timer and IPIs, which have no irq_handler_* tracepoint */
static const char *const record_args[] = { NULL };

static struct softnet softnet_before, softnet_after;

static void snap_before(void)
{
	softnet_read(&softnet_before);
}

static void snap_after(void)
{
	softnet_read(&softnet_after);
}

/* the command that watches the pair itself where function tracing is allowed: the
 * whole machine, since the pair carries no packet for the lab's namespace filter */
#define IRQ_PAIR_RECORD "netscope record -o pair.ns --netns all --events default,irq,napi\n" \
	"    --method bpf-func --funcs irq_enter_rcu,irq_exit_rcu --scenario udp [--devices A,B]"

/* Where the experiment's pair is in this kernel, and what stands for it here. */
void lab_irq_pair_text(FILE *out, const struct softirq_result *s, const struct features *ft)
{
	static const char *const pair[] = { "irq_enter_rcu", "irq_exit_rcu" };
	char db[4096];

	for (int i = 0; i < 2; i++) {
		struct ixq_kernel k = { 0 };

		ixq__kernel_lookup(pair[i], &k);
		fprintf(out, "%-14s BTF: %s; kallsyms: %s", pair[i],
			!k.btf_read ? "not readable" : k.btf_func ? "a FUNC (fentry could attach)" :
			"no FUNC", !k.kallsyms_read ? "not readable" :
			k.text_syms ? "a text symbol (kprobe could attach)" : "no symbol");
		if (k.nr_clones)
			fprintf(out, "; compiler copies: %s", k.clones[0]);
		fputc('\n', out);
	}
	if (!ix_default_db(NULL, db, sizeof(db)) && access(db, R_OK) == 0)
		fprintf(out, "source index: %s (netscope where irq_exit_rcu: definition, callers)\n",
			db);
	else
		fprintf(out, "source index: not there ('netscope source fetch' then 'netscope index' "
			"build one; both functions are in kernel/softirq.c)\n");
	if (!ft)
		fprintf(out, "Where function tracing is allowed (netscope doctor says), the pair itself "
			"is watched by\n  " IRQ_PAIR_RECORD "\n");
	else if (ft->f[FEAT_FENTRY].ok || ft->f[FEAT_KPROBE_MULTI].ok || ft->f[FEAT_KPROBE].ok)
		fprintf(out, "Function tracing is allowed here (%s), so the pair itself can be watched "
			"around each\nhandler, irq_enter_rcu -> irq_handler_entry ... irq_handler_exit -> "
			"irq_exit_rcu -> the\nsoftirq runs inside it:\n  " IRQ_PAIR_RECORD "\n",
			ft->f[FEAT_FENTRY].ok ? "fentry" : ft->f[FEAT_KPROBE_MULTI].ok ? "kprobe.multi" :
			"kprobes");
	else
		fprintf(out, "Function tracing (fentry, kprobes, ftrace's function tracers) is denied "
			"here, so the\npair itself cannot be watched.\n");
	fprintf(out,
		"What brackets the same span, from tracepoints:\n"
		"  irq_enter_rcu() -> irq_handler_entry ... irq_handler_exit -> irq_exit_rcu()  (device irqs:\n"
		"    handle_irq_event() between the two; %" PRIu64 " handler runs in this trace)\n"
		"  irq_enter_rcu() -> <vector>_entry ... <vector>_exit -> irq_exit_rcu()  (x86 system\n"
		"    vectors: local timer, IPIs, irq_work; %" PRIu64 " vector events in this trace)\n"
		"and irq_exit_rcu() -> invoke_softirq() is the \"manages soft interrupts\" part: a softirq\n"
		"run right after a hardirq exit on the same CPU.  NET_RX runs with packets that ran so\n"
		"here: %" PRIu64 " of %" PRIu64 ".\n",
		s->irq_events / 2, s->vector_events, s->net_rx_where[SIRQ_WHERE_IRQ_EXIT],
		s->net_rx_runs_with_packets);
}

static int interrupts_text(const struct lab_run *r, FILE *out)
{
	const struct softirq_result *s = &r->res->softirq;
	unsigned int top = r->o->top ? r->o->top : 10;
	const char *devices = ns_meta_get(r->meta, "lab.devices");
	uint64_t by_device = s->rx_paths[SIRQ_RX_DEVICE] + s->rx_paths[SIRQ_RX_NAPI];

	lab_heading(out, "Where the NET_RX softirqs of the lab's packets were raised and ran");
	if (devices)
		fprintf(out, "The lab's packets crossed real devices (%s): a real NIC path.  A frame's\n"
			     "arrival makes the receiving NIC interrupt; its handler schedules the\n"
			     "device's NAPI, which raises NET_RX (unless net_rx_action() is running\n"
			     "already and takes it in the same run); the softirq polls the device\n"
			     "(napi_poll), which hands each frame to GRO (napi_gro_receive) and up the\n"
			     "stack (netif_receive_skb).  veth, without --devices, has no interrupt:\n"
			     "the sender's netif_rx puts the packet on its own CPU's backlog.\n\n",
			devices);
	else
		fprintf(out, "veth has no interrupt: veth_xmit() puts the packet on the sending CPU's "
			     "backlog\n(netif_rx -> enqueue_to_backlog) and raises NET_RX in the sender's "
			     "context; the\nsender runs it when it re-enables bottom halves "
			     "(local_bh_enable -> do_softirq);\n--devices A,B runs the lab over two real "
			     "NICs instead\n\n");
	softirq_print_net_rx(out, s, top);
	lab_heading(out, "Each packet received: the way it came");
	softirq_print_rx_paths(out, s, top);
	lab_heading(out, "Runs that hit the budget or the time limit: /proc/net/softnet_stat");
	softnet_print_delta(out, &softnet_before, &softnet_after);
	lab_heading(out, "Hardware interrupts during the run");
	softirq_print_hardirqs(out, s, top);
	lab_heading(out, "The experiment's irq_enter_rcu / irq_exit_rcu pair");
	lab_irq_pair_text(out, s, &r->ft);
	if (!s->net_rx_runs_with_packets) {
		fprintf(out, "no NET_RX run carried the lab's packets: the capture missed them\n");
		return 1;
	}
	if (devices && !by_device) {
		fprintf(out, "no packet came through a device's NAPI poll on %s: the capture missed "
			"them\n", devices);
		return 1;
	}
	return 0;
}

static void interrupts_json(const struct lab_run *r, struct json_writer *w)
{
	const char *devices = ns_meta_get(r->meta, "lab.devices");

	json_key(w, "devices");
	if (devices)
		json_str(w, devices);
	else
		json_null(w);
	json_kv_str(w, "rx_path", devices ? "device" : "veth");
	json_key(w, "interrupts");
	softirq_print_json(w, &r->res->softirq);
	json_key(w, "softnet");
	softnet_json(w, &softnet_before, &softnet_after);
}

/* what a text printer of s wrote, escaped in a <pre> */
static void pre_text(FILE *out, void (*print)(FILE *, const struct softirq_result *,
						      const struct features *),
		     const struct softirq_result *s, const struct features *ft)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	if (!mem)
		return;
	print(mem, s, ft);
	if (!fclose(mem) && len) {
		fputs("<pre>", out);
		html_esc_n(out, buf, len);
		fputs("</pre>\n", out);
	}
	free(buf);
}

/*
 * The findings on the lab's page: what the lab shows and its verdict, the
 * softnet counters (the lab's own snapshots) and the irq pair; the charts
 * of the runs and hardirqs are the page's Interrupts section.
 */
static void interrupts_html(const struct lab_run *r, FILE *out)
{
	const struct softirq_result *s = &r->res->softirq;
	const struct softnet *b = &softnet_before, *a = &softnet_after;
	const char *devices = ns_meta_get(r->meta, "lab.devices");

	if (devices) {
		fputs("<p>The lab's packets crossed real devices (", out);
		html_esc(out, devices);
		fputs("): a real NIC path, the receiving device's hardirq → NET_RX →"
		      " <code>napi_poll</code> of the device → GRO (<code>napi_gro_receive</code>) →"
		      " <code>netif_receive_skb</code>.</p>\n", out);
	} else {
		fputs("<p>veth has no interrupt: <code>veth_xmit()</code> puts the packet on the sending CPU's"
		      " backlog (<code>netif_rx</code> → <code>enqueue_to_backlog</code>) and raises NET_RX in"
		      " the sender's context; the sender runs it when it re-enables bottom halves"
		      " (<code>local_bh_enable</code> → <code>do_softirq</code>).</p>\n", out);
	}
	fprintf(out, "<p id=\"irq-verdict\" class=\"%s\">%" PRIu64 " of %" PRIu64 " NET_RX runs"
		" carried the lab's packets: %" PRIu64 " ran in a task at local_bh_enable, %" PRIu64
		" at a hardirq's exit, %" PRIu64 " in ksoftirqd. The section <a href=\"#interrupts\">"
		"Interrupts</a> draws them.</p>\n", s->net_rx_runs_with_packets ? "" : "warn",
		s->net_rx_runs_with_packets, s->net_rx_runs, s->net_rx_where[SIRQ_WHERE_TASK],
		s->net_rx_where[SIRQ_WHERE_IRQ_EXIT], s->net_rx_where[SIRQ_WHERE_KSOFTIRQD]);
	fputs("<h3>Runs that hit the budget or the time limit: /proc/net/softnet_stat</h3>\n", out);
	if (!b->ok || !a->ok || a->n != b->n) {
		fputs("<p>/proc/net/softnet_stat could not be read before and after.</p>\n", out);
	} else {
		fputs("<p>Per CPU, during the recording (the whole machine's, not only the lab's):</p>\n"
		      "<div class=\"scroll\"><table id=\"irq-softnet\"><thead><tr><th>CPU</th>"
		      "<th>processed</th><th>dropped</th><th>time_squeeze</th></tr></thead><tbody>\n", out);
		for (unsigned int i = 0; i < a->n; i++)
			fprintf(out, "<tr><td class=\"num\">%u</td><td class=\"num\">%u</td><td class="
				"\"num\">%u</td><td class=\"num\">%u</td></tr>\n", a->row[i].cpu,
				a->row[i].processed - b->row[i].processed,
				a->row[i].dropped - b->row[i].dropped,
				a->row[i].time_squeeze - b->row[i].time_squeeze);
		fputs("</tbody></table></div>\n<p class=\"muted\">time_squeeze counts net_rx_action()"
		      " runs that stopped with work left: the budget (netdev_budget packets) or the time"
		      " limit (netdev_budget_usecs) ran out.</p>\n", out);
	}
	fputs("<h3>The experiment's irq_enter_rcu / irq_exit_rcu pair</h3>\n", out);
	pre_text(out, lab_irq_pair_text, s, &r->ft);
}

static const char *const next[] = {
	"netscope report FILE --view interrupts      every vector and CPU, each run with its packets",
	"netscope lab interrupts --ifname eth0       a real device: hardirq -> NET_RX -> napi_poll",
	"netscope lab interrupts --devices A,B      the lab's traffic over two spare NICs on one wire",
	"netscope where irq_exit_rcu                 the pair in the source (with an index)",
	NULL,
};

const struct capture_lab lab_interrupts = {
	.name = "interrupts",
	.title = "interrupts and softirqs: where NET_RX is raised and runs, polls, hardirqs",
	.summary = "NET_RX raise -> entry -> exit per CPU, where it ran, packets per poll, hardirqs",
	.experiment = "exp4",
	.original = original,
	.scenario = "udp",
	.record_args = record_args,
	.events = "default,irq,napi,irq_vectors",
	.count = 2000,
	.duration = 10,
	.sample_hz = 0,
	.funcs = "*softirq* *irq* net_rx_action napi* process_backlog",
	.depth = 12,
	.parts = RR_PART_SOFTIRQ,
	.text = interrupts_text,
	.json = interrupts_json,
	.html = interrupts_html,
	.next = next,
	.before_record = snap_before,
	.after_record = snap_after,
	.own_mode = lab_interrupts_dev_main,
	.more_usage =
		"\nWatching a device instead (nothing is sent):\n"
		"  netscope lab interrupts --ifname DEV [--duration S] [-o FILE] [--top N] [--json]\n"
		"  the traffic DEV of this namespace already carries, for S seconds (default 5):\n"
		"  the device's hardirq -> NET_RX softirq -> napi_poll -> the packets of that poll\n",
};
