// SPDX-License-Identifier: GPL-2.0
/*
 * The received packets of the "interrupts" view, one by one, with the path
 * that brought each (analysis/softirq_rx.h): text and JSON, from the
 * result only.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include "render/softirq_out.h"

static const char *const path_text[SIRQ_RX__COUNT] = {
	[SIRQ_RX_DEVICE] = "a device's interrupt: hardirq -> NET_RX -> napi_poll(dev)",
	[SIRQ_RX_BACKLOG] = "the backlog: netif_rx -> NET_RX -> napi_poll(backlog)",
	[SIRQ_RX_NAPI] = "a device's NAPI with no hardirq of that device before it",
	[SIRQ_RX_NO_POLL] = "no napi_poll after it in its run (recorded without napi?)",
};

static void pkt_text(FILE *out, const struct sirq_rx_pkt *p)
{
	fprintf(out, "  packet #%" PRIu64 " on %s, %s, cpu %u:\n    ", p->packet_id, p->ifname,
		p->what, p->cpu);
	if (p->irq >= 0)
		fprintf(out, "hardirq %s (irq %d) -> ", p->irq_name, p->irq);
	fprintf(out, "NET_RX (raised by %s%s; ran %s) -> ", p->run_from,
		p->irq >= 0 ? (p->irq_raised_run ? ", this hardirq" : ", not this hardirq") : "",
		p->where == SIRQ_WHERE_IRQ_EXIT ? "at the hardirq's exit" :
		p->where == SIRQ_WHERE_KSOFTIRQD ? "in ksoftirqd" : "in a task at local_bh_enable");
	if (p->path == SIRQ_RX_NO_POLL)
		fprintf(out, "(no poll seen) -> ");
	else
		fprintf(out, "napi_poll(%s: %u packet%s) -> ", p->poll_dev[0] ? p->poll_dev :
			"backlog", p->poll_work, p->poll_work == 1 ? "" : "s");
	fprintf(out, "%s\n", p->steps);
}

void softirq_print_rx_paths(FILE *out, const struct softirq_result *r, unsigned int top)
{
	uint64_t all = 0;

	if (top == UINT_MAX)
		top = 0;
	for (int i = 0; i < SIRQ_RX__COUNT; i++)
		all += r->rx_paths[i];
	fprintf(out, "packets received in NET_RX runs: %" PRIu64 ", by the way they came\n", all);
	for (int i = 0; i < SIRQ_RX__COUNT; i++)
		if (r->rx_paths[i] || i <= SIRQ_RX_BACKLOG)
			fprintf(out, "  %8" PRIu64 "  %s\n", r->rx_paths[i], path_text[i]);
	/* the first packets of each path, so both a NIC's and veth's show */
	for (int path = 0; path < SIRQ_RX__COUNT; path++) {
		unsigned int shown = 0;

		for (size_t i = 0; i < r->n_rx_pkts && shown < (top ? top : 3); i++)
			if (r->rx_pkts[i].path == path) {
				if (!shown++)
					fprintf(out, "the first packets of the %s path:\n",
						sirq_rx_path_name(path));
				pkt_text(out, &r->rx_pkts[i]);
			}
	}
	if (r->rx_pkts_not_kept)
		fprintf(out, "  (%" PRIu64 " packets past the first %zu are counted, not listed)\n",
			r->rx_pkts_not_kept, r->n_rx_pkts);
}

void softirq_rx_json(struct json_writer *w, const struct softirq_result *r)
{
	json_key(w, "rx_paths");
	json_obj_begin(w);
	for (int i = 0; i < SIRQ_RX__COUNT; i++)
		json_kv_u64(w, sirq_rx_path_name(i), r->rx_paths[i]);
	json_obj_end(w);
	json_key(w, "rx_packets");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_rx_pkts; i++) {
		const struct sirq_rx_pkt *p = &r->rx_pkts[i];

		json_obj_begin(w);
		json_kv_u64(w, "packet_id", p->packet_id);
		json_kv_u64(w, "ts", p->ts);
		json_kv_u64(w, "cpu", p->cpu);
		json_kv_str(w, "ifname", p->ifname);
		json_kv_str(w, "what", p->what);
		json_kv_str(w, "path", sirq_rx_path_name(p->path));
		json_key(w, "hardirq");
		if (p->irq >= 0) {
			json_obj_begin(w);
			json_kv_str(w, "name", p->irq_name);
			json_kv_i64(w, "irq", p->irq);
			json_kv_bool(w, "raised_the_run", p->irq_raised_run);
			json_obj_end(w);
		} else {
			json_null(w);
		}
		json_key(w, "net_rx");
		json_obj_begin(w);
		json_kv_str(w, "raised_by", p->run_from);
		json_kv_i64(w, "raise_irq", p->run_irq);
		json_kv_str(w, "where", sirq_where_name(p->where));
		json_obj_end(w);
		json_key(w, "napi_poll");
		if (p->path == SIRQ_RX_NO_POLL) {
			json_null(w);
		} else {
			json_obj_begin(w);
			json_kv_str(w, "dev", p->poll_dev);
			json_kv_u64(w, "work", p->poll_work);
			json_obj_end(w);
		}
		json_kv_str(w, "steps", p->steps);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_kv_u64(w, "rx_packets_not_kept", r->rx_pkts_not_kept);
}
