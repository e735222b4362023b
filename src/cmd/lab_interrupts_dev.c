// SPDX-License-Identifier: GPL-2.0
/*
 * netscope lab interrupts --ifname DEV: the traffic a device of the current
 * namespace already carries, for --duration seconds, with nothing sent:
 * the device's hardirq -> NET_RX softirq -> napi_poll -> the packets that
 * poll received, linked per packet (analysis/softirq.c).  The recording is
 * `netscope record --netns <this namespace> --ifname DEV`: under the filter
 * the capture sends only the softirq runs that carried DEV's packets, each
 * with the raise that led to it (capture.bpf.c: note_raise()).
 *
 * Also /proc/net/softnet_stat, read by both modes.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "analysis/report.h"
#include "cmd/cmd.h"
#include "cmd/lab.h"
#include "cmd/lab_interrupts.h"
#include "cmd/report_file.h"
#include "common/json.h"
#include "common/log.h"
#include "common/parse.h"
#include "render/latency_out.h"
#include "render/report.h"
#include "render/softirq_out.h"

#define DEV_EVENTS "default,irq,napi,irq_vectors"
#define DEV_DURATION_DEFAULT 5.0

/* ---- /proc/net/softnet_stat ---- */

bool softnet_read(struct softnet *sn)
{
	FILE *f = fopen("/proc/net/softnet_stat", "r");
	char line[512];

	memset(sn, 0, sizeof(*sn));
	if (!f)
		return false;
	while (sn->n < SOFTNET_CPUS && fgets(line, sizeof(line), f)) {
		unsigned int v[16] = { 0 };
		int n = sscanf(line, "%x %x %x %x %x %x %x %x %x %x %x %x %x %x %x %x", &v[0], &v[1],
			       &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10], &v[11],
			       &v[12], &v[13], &v[14], &v[15]);

		if (n < 3)
			continue;
		/* the 13th column is the CPU (5.10+); before, lines are online CPUs in order */
		sn->row[sn->n].cpu = n >= 13 ? v[12] : sn->n;
		sn->row[sn->n].processed = v[0];
		sn->row[sn->n].dropped = v[1];
		sn->row[sn->n].time_squeeze = v[2];
		sn->n++;
	}
	fclose(f);
	sn->ok = sn->n > 0;
	return sn->ok;
}

void softnet_print_delta(FILE *out, const struct softnet *b, const struct softnet *a)
{
	if (!b->ok || !a->ok || a->n != b->n) {
		fprintf(out, "/proc/net/softnet_stat could not be read before and after\n");
		return;
	}
	fprintf(out, "per CPU, during the recording (the whole machine's, not only the lab's):\n");
	fprintf(out, "  %4s %12s %10s %14s\n", "cpu", "processed", "dropped", "time_squeeze");
	for (unsigned int i = 0; i < a->n; i++)
		fprintf(out, "  %4u %12u %10u %14u\n", a->row[i].cpu,
			a->row[i].processed - b->row[i].processed, a->row[i].dropped - b->row[i].dropped,
			a->row[i].time_squeeze - b->row[i].time_squeeze);
	fprintf(out, "time_squeeze counts net_rx_action() runs that stopped with work left: the\n"
		     "budget (netdev_budget packets) or the time limit (netdev_budget_usecs) ran out\n");
}

void softnet_json(struct json_writer *w, const struct softnet *b, const struct softnet *a)
{
	if (!b->ok || !a->ok || a->n != b->n) {
		json_null(w);
		return;
	}
	json_arr_begin(w);
	for (unsigned int i = 0; i < a->n; i++) {
		json_obj_begin(w);
		json_kv_u64(w, "cpu", a->row[i].cpu);
		json_kv_u64(w, "processed", a->row[i].processed - b->row[i].processed);
		json_kv_u64(w, "dropped", a->row[i].dropped - b->row[i].dropped);
		json_kv_u64(w, "time_squeeze", a->row[i].time_squeeze - b->row[i].time_squeeze);
		json_obj_end(w);
	}
	json_arr_end(w);
}

/* ---- the device mode ---- */

struct dev_opts {
	const char *ifname, *output;
	double duration;
	unsigned int top;
	bool json;
};

static bool asks_device(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--ifname") || !strncmp(argv[i], "--ifname=", 9))
			return true;
	}
	return false;
}

static int parse_dev_opts(int argc, char **argv, struct dev_opts *o)
{
	static const struct option longopts[] = {
		{ "ifname", required_argument, NULL, 'i' },
		{ "duration", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "top", required_argument, NULL, 'n' },
		{ NULL },
	};
	uint64_t v;
	char *end;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:n:", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			o->ifname = optarg;
			break;
		case 'd':
			errno = 0;
			o->duration = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->duration > 0) || o->duration > 3600) {
				ns_err("bad --duration '%s': expected seconds, more than 0 and at most 3600",
				       optarg);
				return -EINVAL;
			}
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'n':
			if (ns_parse_size(optarg, &v) || !v) {
				ns_err("bad --top '%s': expected a positive whole number", optarg);
				return -EINVAL;
			}
			o->top = v > 100000 ? 100000 : (unsigned int)v;
			break;
		case ':':
			ns_err("option '%s' needs a value", argv[optind - 1]);
			return -EINVAL;
		default:
			ns_err("option '%s' does not apply with --ifname: that mode sends nothing and "
			       "takes --duration, -o, --top, --json", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		ns_err("unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (!o->ifname[0] || strlen(o->ifname) >= IFNAMSIZ) {
		ns_err("bad --ifname '%s': expected a device name of at most %d characters",
		       o->ifname, IFNAMSIZ - 1);
		return -EINVAL;
	}
	if (!if_nametoindex(o->ifname)) {
		ns_err("no device '%s' in this network namespace ('ip link' lists them)", o->ifname);
		return -ENODEV;
	}
	return 0;
}

static int record_dev(const struct dev_opts *o, const char *trace, char *cmd, size_t len)
{
	struct cmd_common quiet = { 0 };
	char duration[32];
	char *argv[] = { "record", "-o", (char *)trace, "--netns", "/proc/self/ns/net", "--ifname",
			 (char *)o->ifname, "--duration", duration, "--events", DEV_EVENTS,
			 "--sample-freq", "0", NULL };

	snprintf(duration, sizeof(duration), "%g", o->duration);
	snprintf(cmd, len, "netscope record -o %s --netns /proc/self/ns/net --ifname %s "
		 "--duration %s --events " DEV_EVENTS, trace, o->ifname, duration);
	fprintf(stderr, "netscope lab interrupts: %s\n", cmd);
	optind = 0;
	return cmd_record(sizeof(argv) / sizeof(argv[0]) - 1, argv, &quiet);
}

static bool arrived(const struct softirq_result *s)
{
	return s->rx_events || s->polls || s->net_rx_runs_with_packets;
}

static void run_text(FILE *out, const struct sirq_run *x, size_t i)
{
	char a[16], b[16];

	fprintf(out, "run %zu: cpu %u, raised by %s", i + 1, x->cpu, x->from);
	if (x->raised)
		fprintf(out, " (raise -> entry %s)", latency_fmt_ns(x->raise_ns, a, sizeof(a)));
	fprintf(out, ", ran %s (%s), %s: %" PRIu64 " polls, %" PRIu64 " packets received\n",
		x->where == SIRQ_WHERE_IRQ_EXIT ? "on hardirq exit" :
		x->where == SIRQ_WHERE_KSOFTIRQD ? "in ksoftirqd" : "in a task at local_bh_enable",
		x->comm, latency_fmt_ns(x->duration_ns, b, sizeof(b)), x->polls, x->rx_events);
	for (unsigned int k = 0; k < x->n_pkts; k++)
		fprintf(out, "    packet #%" PRIu64 " on %s: %s\n", x->pkts[k].packet_id,
			x->pkts[k].ifname, x->pkts[k].what);
	if (x->rx_events > x->n_pkts)
		fprintf(out, "    ... %" PRIu64 " more\n", x->rx_events - x->n_pkts);
}

static void dev_text(FILE *out, const struct dev_opts *o, const char *cmd,
		     const struct softirq_result *s, const struct softnet *b, const struct softnet *a)
{
	unsigned int top = o->top ? o->top : 10;

	fprintf(out, "netscope lab interrupts --ifname %s: what %s received in %g s (nothing sent)\n",
		o->ifname, o->ifname, o->duration);
	lab_heading(out, "What was done");
	fprintf(out, "  %s\n", cmd);
	lab_heading(out, "The device's hardirq -> NET_RX softirq -> napi_poll -> packets");
	if (!arrived(s)) {
		fprintf(out, "nothing arrived on %s in %g s: no packet was received, so there is no "
			"NET_RX run, poll or packet to link\n", o->ifname, o->duration);
	} else {
		softirq_print_net_rx(out, s, top);
		fputc('\n', out);
		for (size_t i = 0; i < s->n_runs && i < top; i++)
			run_text(out, &s->runs[i], i);
		if (s->n_runs > top)
			fprintf(out, "%zu more runs (--top N, or --json for all)\n", s->n_runs - top);
	}
	lab_heading(out, "Runs that hit the budget or the time limit: /proc/net/softnet_stat");
	softnet_print_delta(out, b, a);
	lab_heading(out, "Hardware interrupts during the run");
	softirq_print_hardirqs(out, s, top);
	lab_heading(out, "The experiment's irq_enter_rcu / irq_exit_rcu pair");
	lab_irq_pair_text(out, s, NULL);
}

static void dev_json(FILE *out, const struct dev_opts *o, const char *cmd,
		     const struct softirq_result *s, const struct softnet *b, const struct softnet *a)
{
	struct json_writer *w = json_new(out);

	if (!w)
		return;
	json_obj_begin(w);
	json_kv_u64(w, "schema_version", REPORT_JSON_SCHEMA);
	json_kv_str(w, "lab", "interrupts");
	json_kv_str(w, "mode", "device");
	json_kv_str(w, "ifname", o->ifname);
	json_kv_double(w, "duration", o->duration);
	json_kv_str(w, "record", cmd);
	json_kv_bool(w, "arrived", arrived(s));
	json_key(w, "interrupts");
	softirq_print_json(w, s);
	json_key(w, "softnet");
	softnet_json(w, b, a);
	json_key(w, "trace");
	if (o->output)
		json_str(w, o->output);
	else
		json_null(w);
	json_obj_end(w);
	fputc('\n', out);
	json_free(w);
}

int lab_interrupts_dev_main(const struct capture_lab *lab, int argc, char **argv,
			    const struct cmd_common *co)
{
	struct dev_opts o = { .ifname = "", .duration = DEV_DURATION_DEFAULT, .json = co->json };
	struct report_ctx ctx = { 0 };
	struct report_file rf = { 0 };
	struct softnet before, after;
	char tmp[] = "/tmp/netscope-lab-XXXXXX", cmd[512];
	const char *trace = tmp;
	int ret = 1, fd;

	(void)lab;
	if (!asks_device(argc, argv))
		return -1;
	if (parse_dev_opts(argc, argv, &o))
		return 2;
	if (o.output) {
		trace = o.output;
	} else {
		fd = mkstemp(tmp);
		if (fd < 0) {
			ns_err("cannot create a temporary trace in /tmp: %s", strerror(errno));
			return 1;
		}
		close(fd);
	}
	softnet_read(&before);
	if (record_dev(&o, trace, cmd, sizeof(cmd)))
		goto out;
	softnet_read(&after);
	ctx.top = REPORT_TOP_ALL;
	ctx.parts = RR_PART_DEFAULT | RR_PART_SOFTIRQ;
	if (report_file_run(&rf, trace, &ctx))
		goto out;
	if (o.json)
		dev_json(stdout, &o, cmd, &report_result(rf.rep)->softirq, &before, &after);
	else
		dev_text(stdout, &o, cmd, &report_result(rf.rep)->softirq, &before, &after);
	ret = 0;
	if (fflush(stdout) || ferror(stdout)) {
		ns_err("cannot write the lab's report: %s", strerror(errno));
		ret = 1;
	}
out:
	report_file_close(&rf);
	if (!o.output)
		unlink(tmp);
	return ret;
}
