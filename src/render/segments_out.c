// SPDX-License-Identifier: GPL-2.0
/* The "segments" view: per namespace tables, text or JSON, from the result only. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include "render/segments_out.h"

static void ns_title(FILE *out, const struct seg_netns *n)
{
	if (n->label[0])
		fprintf(out, "namespace %s (%s, inode %u)\n", n->label, n->name, n->inode);
	else if (n->inode)
		fprintf(out, "namespace inode %u\n", n->inode);
	else
		fprintf(out, "events that named no namespace\n");
}

/* "NO_SOCKET 1000, TCP_LISTEN_OVERFLOW 3, 2 more (5)" */
static void reasons_line(FILE *out, const struct seg_reason *r, size_t n, unsigned int top)
{
	uint64_t rest = 0;
	size_t shown = 0;

	for (size_t i = 0; i < n; i++) {
		if (top && shown >= top) {
			rest += r[i].count;
			continue;
		}
		fprintf(out, "%s%s %" PRIu64, shown ? ", " : "", r[i].name, r[i].count);
		shown++;
	}
	if (n > shown)
		fprintf(out, ", %zu more (%" PRIu64 ")", n - shown, rest);
}

static void print_ns(FILE *out, const struct seg_netns *n, unsigned int top)
{
	const struct seg_syn_fate *f = &n->syn;
	size_t shown = 0;
	uint64_t rest = 0;

	ns_title(out, n);
	fprintf(out, "  %-4s", "");
	for (int c = 0; c < SEG_CLASS__COUNT; c++)
		fprintf(out, " %10s", seg_class_name(c));
	fprintf(out, " %10s\n", "total");
	for (int d = 0; d < SEG_DIR__COUNT; d++) {
		fprintf(out, "  %-4s", seg_dir_name(d));
		for (int c = 0; c < SEG_CLASS__COUNT; c++)
			fprintf(out, " %10" PRIu64, n->segments[d][c]);
		fprintf(out, " %10" PRIu64 "\n", n->total[d]);
	}
	if (n->n_syn_ports) {
		fprintf(out, "  SYNs by destination port:");
		for (size_t i = 0; i < n->n_syn_ports; i++) {
			if (top && shown >= top) {
				rest += n->syn_ports[i].count;
				continue;
			}
			fprintf(out, "%s %s %u: %" PRIu64, shown ? "," : "",
				seg_dir_name(n->syn_ports[i].dir), n->syn_ports[i].port,
				n->syn_ports[i].count);
			shown++;
		}
		if (n->n_syn_ports > shown)
			fprintf(out, ", %zu more (%" PRIu64 ")", n->n_syn_ports - shown, rest);
		fputc('\n', out);
	}
	if (f->received) {
		fprintf(out, "  received SYNs: %" PRIu64 " = consumed %" PRIu64 " + dropped %" PRIu64,
			f->received, f->consumed, f->dropped);
		if (f->forwarded)
			fprintf(out, " + passed on %" PRIu64, f->forwarded);
		fprintf(out, " + alive %" PRIu64, f->alive);
		if (f->evicted)
			fprintf(out, " + evicted %" PRIu64, f->evicted);
		fprintf(out, "%s\n", f->balanced ? "" : "  (does not add up: a bug, please report)");
		if (f->n_drop_reasons) {
			fprintf(out, "    dropped by reason: ");
			reasons_line(out, f->drop_reasons, f->n_drop_reasons, top);
			fputc('\n', out);
		}
	}
	fprintf(out, "  RSTs sent: %" PRIu64, n->rst_sent);
	if (n->n_rst_reasons) {
		fprintf(out, " (");
		reasons_line(out, n->rst_reasons, n->n_rst_reasons, top);
		fputc(')', out);
	}
	fprintf(out, "\n  SYN-ACK retransmissions: %" PRIu64 "\n", n->synack_retransmits);
	fprintf(out, "  drops (kfree_skb, every protocol): %" PRIu64, n->drops);
	if (n->n_drop_reasons) {
		fprintf(out, " (");
		reasons_line(out, n->drop_reasons, n->n_drop_reasons, top);
		fputc(')', out);
	}
	fputc('\n', out);
}

void segments_print_text(FILE *out, const struct segments_result *r, unsigned int top)
{
	if (top == UINT_MAX)
		top = 0;
	fprintf(out, "TCP segments: %" PRIu64 " (a packet counts once in each namespace it "
		"is seen in)\n", r->packets);
	if (!r->n_ns)
		fprintf(out, "  the trace has no TCP segment, reset or drop\n");
	for (size_t i = 0; i < r->n_ns; i++) {
		fputc('\n', out);
		print_ns(out, &r->ns[i], top);
	}
	if (r->n_ns && !r->lab)
		fprintf(out, "\nnamespaces by inode: the trace does not name the lab's (lab.netns)\n");
	if (r->unclassified)
		fprintf(out, "%" PRIu64 " TCP packets never seen at a receive or transmit event: "
			"not counted\n", r->unclassified);
	if (r->evicted)
		fprintf(out, "warning: %" PRIu64 " packets evicted: more than %zu alive at once\n",
			r->evicted, r->live_max);
	if (r->netns_overflow)
		fprintf(out, "warning: %" PRIu64 " events of namespaces beyond the first %zu: "
			"not counted\n", r->netns_overflow, r->netns_max);
	if (r->ports_overflow)
		fprintf(out, "warning: %" PRIu64 " SYNs to ports beyond the table: not counted "
			"by port\n", r->ports_overflow);
}

static void reasons_json(struct json_writer *w, const char *key, uint64_t total,
			 const struct seg_reason *r, size_t n)
{
	json_key(w, key);
	json_obj_begin(w);
	json_kv_u64(w, "total", total);
	json_key(w, "by_reason");
	json_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		json_obj_begin(w);
		json_kv_str(w, "reason", r[i].name);
		json_kv_u64(w, "value", r[i].value);
		json_kv_u64(w, "count", r[i].count);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}

static void ns_json(struct json_writer *w, const struct seg_netns *n)
{
	const struct seg_syn_fate *f = &n->syn;

	json_obj_begin(w);
	json_kv_u64(w, "inode", n->inode);
	json_kv_str(w, "name", n->name);
	json_kv_str(w, "label", n->label);
	json_key(w, "segments");
	json_obj_begin(w);
	for (int d = 0; d < SEG_DIR__COUNT; d++) {
		json_key(w, seg_dir_name(d));
		json_obj_begin(w);
		for (int c = 0; c < SEG_CLASS__COUNT; c++)
			json_kv_u64(w, seg_class_name(c), n->segments[d][c]);
		json_kv_u64(w, "total", n->total[d]);
		json_obj_end(w);
	}
	json_obj_end(w);
	json_key(w, "syn_ports");
	json_arr_begin(w);
	for (size_t i = 0; i < n->n_syn_ports; i++) {
		json_obj_begin(w);
		json_kv_str(w, "dir", seg_dir_name(n->syn_ports[i].dir));
		json_kv_u64(w, "port", n->syn_ports[i].port);
		json_kv_u64(w, "count", n->syn_ports[i].count);
		json_obj_end(w);
	}
	json_arr_end(w);
	json_key(w, "received_syns");
	json_obj_begin(w);
	json_kv_u64(w, "received", f->received);
	json_kv_u64(w, "consumed", f->consumed);
	json_kv_u64(w, "dropped", f->dropped);
	json_kv_u64(w, "forwarded", f->forwarded);
	json_kv_u64(w, "alive", f->alive);
	json_kv_u64(w, "evicted", f->evicted);
	json_kv_bool(w, "balanced", f->balanced);
	reasons_json(w, "drops", f->dropped, f->drop_reasons, f->n_drop_reasons);
	json_obj_end(w);
	reasons_json(w, "rsts_sent", n->rst_sent, n->rst_reasons, n->n_rst_reasons);
	json_kv_u64(w, "synack_retransmits", n->synack_retransmits);
	reasons_json(w, "drops", n->drops, n->drop_reasons, n->n_drop_reasons);
	json_obj_end(w);
}

void segments_print_json(struct json_writer *w, const struct segments_result *r)
{
	json_obj_begin(w);
	json_key(w, "namespaces");
	json_arr_begin(w);
	for (size_t i = 0; i < r->n_ns; i++)
		ns_json(w, &r->ns[i]);
	json_arr_end(w);
	json_kv_bool(w, "lab", r->lab);
	json_kv_u64(w, "packets", r->packets);
	json_kv_u64(w, "unclassified", r->unclassified);
	json_kv_u64(w, "evicted", r->evicted);
	json_kv_u64(w, "live_max", r->live_max);
	json_kv_u64(w, "netns_overflow", r->netns_overflow);
	json_kv_u64(w, "ports_overflow", r->ports_overflow);
	json_obj_end(w);
}
