#!/usr/bin/env python3
"""Facts of an exported timeline, one "key value" line each, for
tests/e2e/test_export_perfetto.sh to compare with `netscope report --json`
and with each other.

  export_facts.py perfetto DECODED.txt   protoc --decode=perfetto.protos.Trace output
  export_facts.py chrome FILE.json       --to chrome-json output
  export_facts.py report REPORT.json [INTERRUPTS.json]
                                         what the report says the same facts should be
                                         (INTERRUPTS.json: `report --view interrupts --json`)

Keys all three print: softirq_slices, irq_slices, events_by_name (every
event that is not a slice's entry or exit), journeys (one line per
distinct packet flow: count and event names in order), rx, tx, drops
(sums of the per-second counters), vector_slices (system vector runs per
tracepoint name, "local_timer:N,..."; the report's from INTERRUPTS.json).  The exports add checks of their own
(unknown_fields, unbalanced, flow_errors, ...), each 0 when all is well.
Flows are checked in time order (a viewer's), journeys listed in the
file's order (the report's).
"""
import collections
import json
import re
import sys

# counter tracks are named "<device> <metric>"
METRIC = {"rx": " rx packets/s", "tx": " tx packets/s", "drops": " drops/s"}
RUNS = ("softirq_entry", "softirq_exit", "irq_handler_entry", "irq_handler_exit",
        "irq_vector_entry", "irq_vector_exit")


def hardirq_kind(name):
    """A hardirq track's slice: an irq handler's ("irq 24 virtio0-input.0") or a system vector's."""
    return "hardirq" if name.startswith("irq ") else "vector"


def by_name(counter):
    return ",".join("%s:%d" % kv for kv in sorted(counter.items()))


def parse_text_format(text):
    """protoc's text output -> nested dicts of lists (every field repeated)."""
    root = collections.defaultdict(list)
    stack = [root]
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line == "}":
            stack.pop()
            continue
        if line.endswith("{"):
            child = collections.defaultdict(list)
            stack[-1][line[:-1].strip()].append(child)
            stack.append(child)
            continue
        key, _, value = line.partition(":")
        value = value.strip()
        if value.startswith('"'):
            value = value[1:-1].replace("\\'", "'").replace('\\"', '"')
        stack[-1][key].append(value)
    return root


def one(msg, key, default=None):
    v = msg.get(key)
    return v[0] if v else default


def emit(facts):
    for k, v in facts:
        print(k, v)


def journeys_lines(groups):
    """groups: packet id -> [event names in order]; flows need two events"""
    c = collections.Counter(" ".join(names) for names in groups.values() if len(names) >= 2)
    return [("journey", "%d %s" % (n, s)) for s, n in sorted(c.items())]


def perfetto(path):
    text = open(path).read()
    facts = []
    # a field the subset .proto does not declare decodes as its bare number
    facts.append(("unknown_fields", len(re.findall(r"^\s*\d+\s*[:{]", text, re.M))))
    packets = parse_text_format(text)["packet"]
    clock = one(packets[0], "clock_snapshot")
    facts.append(("primary_clock", one(clock, "primary_trace_clock") if clock else None))
    facts.append(("first_clock_id", one(one(clock, "clocks"), "clock_id") if clock else None))
    starts = [i for i, p in enumerate(packets) if one(p, "sequence_flags") == "1"]
    firsts = [i for i, p in enumerate(packets) if one(p, "first_packet_on_sequence") == "true"]
    # "1 at 0": the sequence starts, once, in the file's first packet
    facts.append(("sequence_starts", "%d at %s" % (len(starts), ",".join(map(str, starts)))))
    facts.append(("first_packet_on_sequence", ",".join(map(str, firsts))))
    starts = [packets[i] for i in starts]
    if starts:
        facts.append(("default_clock", one(one(starts[0], "trace_packet_defaults"), "timestamp_clock_id")))
    tracks, names, interned_names = {}, {}, {}
    bad_seq = 0
    events = []
    for p in packets:
        if one(p, "trusted_packet_sequence_id") != "1":
            bad_seq += 1
        for idata in p.get("interned_data", []):
            for e in idata.get("event_names", []):
                interned_names[one(e, "iid")] = one(e, "name")
            for e in idata.get("debug_annotation_names", []):
                names[one(e, "iid")] = one(e, "name")
        td = one(p, "track_descriptor")
        if td:
            tracks[one(td, "uuid")] = td
        te = one(p, "track_event")
        if te:
            if one(p, "sequence_flags") != "2":
                bad_seq += 1
            events.append((int(one(p, "timestamp")), te))
    facts.append(("bad_sequence_packets", bad_seq))
    track_name = {u: one(t, "name") for u, t in tracks.items()}
    facts.append(("undeclared_tracks", sum(1 for _, te in events if one(te, "track_uuid") not in tracks)))
    cpu_tracks = sorted(n for n in track_name.values() if re.match(r"cpu \d+ ", n))
    facts.append(("cpu_tracks", ",".join(cpu_tracks)))
    facts.append(("badly_named_cpu_tracks",
                  sum(1 for n in cpu_tracks if not re.fullmatch(r"cpu \d+ (task|softirq|hardirq|nmi|unknown context)", n))))
    by_type = collections.Counter()
    unmatched = collections.Counter()
    slices = collections.Counter()
    vectors = collections.Counter()
    depth = collections.Counter()
    unbalanced = 0
    groups = collections.OrderedDict()
    flow_errors = 0
    flows = collections.defaultdict(list)
    counters = collections.Counter()
    for ts, te in sorted(events, key=lambda e: e[0]):
        typ = one(te, "type")
        tname = track_name.get(one(te, "track_uuid"), "")
        if typ == "TYPE_COUNTER":
            counters[tname] += int(one(te, "counter_value", 0))
            continue
        if typ == "TYPE_SLICE_BEGIN":
            kind = tname.rsplit(" ", 1)[-1]
            sname = interned_names.get(one(te, "name_iid"))
            if kind == "hardirq":
                kind = hardirq_kind(sname)
            if kind == "vector":
                vectors[sname] += 1
            slices[kind] += 1
            depth[tname] += 1
            continue
        if typ == "TYPE_SLICE_END":
            depth[tname] -= 1
            if depth[tname] < 0:
                unbalanced += 1
                depth[tname] = 0
            continue
        name = interned_names.get(one(te, "name_iid"))
        ann = {names.get(one(a, "name_iid")): a for a in te.get("debug_annotations", [])}
        if "unmatched" in ann:
            unmatched[name] += 1
            continue
        by_type[name] += 1
        pid = one(ann["packet_id"], "uint_value") if "packet_id" in ann else None
        if pid:
            flows[pid].append((te.get("flow_ids", []), te.get("terminating_flow_ids", []), "packet_end" in ann))
    # journeys as the report lists them: each packet's events in the file's order
    for _, te in events:
        if one(te, "type") != "TYPE_INSTANT":
            continue
        ann = {names.get(one(a, "name_iid")): a for a in te.get("debug_annotations", [])}
        if "packet_id" in ann and "unmatched" not in ann:
            groups.setdefault(one(ann["packet_id"], "uint_value"), []).append(interned_names.get(one(te, "name_iid")))
    unbalanced += sum(1 for v in depth.values() if v)
    facts.append(("unbalanced", unbalanced))
    for pid, evs in flows.items():
        fid = str(int(pid))
        for i, (f, t, end) in enumerate(evs):
            want = ([], [fid]) if i == len(evs) - 1 else ([fid], [])
            if len(evs) < 2:
                want = ([], [])
            if (f, t) != want:
                flow_errors += 1
    facts.append(("flow_errors", flow_errors))
    facts.append(("flows", sum(1 for evs in flows.values() if len(evs) >= 2)))
    facts.append(("softirq_slices", slices["softirq"]))
    facts.append(("irq_slices", slices["hardirq"]))
    facts.append(("events_by_name", ",".join("%s:%d" % kv for kv in sorted(by_type.items()))))
    facts.append(("unmatched_irq_entries", unmatched["irq_handler_entry"]))
    facts.append(("vector_slices", by_name(vectors)))
    facts.append(("unmatched_vector_entries", unmatched["irq_vector_entry"]))
    facts.append(("unmatched", sum(unmatched.values())))
    facts.extend(journeys_lines(groups))
    for m in ("rx", "tx", "drops"):
        facts.append((m, sum(v for k, v in counters.items() if k.endswith(METRIC[m]))))
    facts.append(("counter_tracks", sum(1 for t in tracks.values() if "counter" in t)))
    emit(facts)


def chrome(path):
    d = json.load(open(path))
    ev = d["traceEvents"]
    facts = []
    thread = {}
    for e in ev:
        if e["ph"] == "M" and e["name"] == "thread_name":
            thread[(e["pid"], e["tid"])] = e["args"]["name"]
    slices = collections.Counter()
    vectors = collections.Counter()
    depth = collections.Counter()
    unbalanced = 0
    by_type = collections.Counter()
    unmatched = collections.Counter()
    groups = collections.OrderedDict()
    flows = collections.defaultdict(list)
    counters = collections.Counter()
    # the importers sort by ts; a stable sort keeps the file's order of ties
    for e in sorted((e for e in ev if e["ph"] != "M"), key=lambda e: float(e["ts"])):
        t = thread.get((e["pid"], e.get("tid")), "")
        if e["ph"] == "C":
            counters[e["name"]] += e["args"]["value"]
        elif e["ph"] == "B":
            kind = t.rsplit(" ", 1)[-1]
            if kind == "hardirq":
                kind = hardirq_kind(e["name"])
            if kind == "vector":
                vectors[e["name"]] += 1
            slices[kind] += 1
            depth[t] += 1
        elif e["ph"] == "E":
            depth[t] -= 1
            if depth[t] < 0:
                unbalanced += 1
                depth[t] = 0
        elif e["ph"] == "X":
            if "unmatched" in e["args"]:
                unmatched[e["name"]] += 1
                continue
            by_type[e["name"]] += 1
            pid = e["args"].get("packet_id")
            if pid:
                flows[pid].append((e.get("bind_id"), e.get("flow_in", False), e.get("flow_out", False)))
    for e in ev:
        if e["ph"] == "X" and "unmatched" not in e["args"] and e["args"].get("packet_id"):
            groups.setdefault(e["args"]["packet_id"], []).append(e["name"])
    unbalanced += sum(1 for v in depth.values() if v)
    flow_errors = 0
    for pid, evs in flows.items():
        for i, (b, fin, fout) in enumerate(evs):
            if len(evs) < 2:
                want = (None, False, False)
            else:
                want = (pid, i > 0, i < len(evs) - 1)
            if (b, fin, fout) != want:
                flow_errors += 1
    facts.append(("cpu_tracks", ",".join(sorted(thread.values()))))
    facts.append(("unbalanced", unbalanced))
    facts.append(("flow_errors", flow_errors))
    facts.append(("flows", sum(1 for evs in flows.values() if len(evs) >= 2)))
    facts.append(("softirq_slices", slices["softirq"]))
    facts.append(("irq_slices", slices["hardirq"]))
    facts.append(("events_by_name", ",".join("%s:%d" % kv for kv in sorted(by_type.items()))))
    facts.append(("unmatched_irq_entries", unmatched["irq_handler_entry"]))
    facts.append(("vector_slices", by_name(vectors)))
    facts.append(("unmatched_vector_entries", unmatched["irq_vector_entry"]))
    facts.append(("unmatched", sum(unmatched.values())))
    facts.extend(journeys_lines(groups))
    for m in ("rx", "tx", "drops"):
        facts.append((m, sum(v for k, v in counters.items() if k.endswith(METRIC[m]))))
    emit(facts)


def report(path):
    d = json.load(open(path))
    by = {r["event"]: r["count"] for r in d["events"]["by_type"]}
    facts = []
    runs = d["journeys"].get("linking", {}).get("softirq", [])
    facts.append(("softirq_slices", sum(r["runs"] for r in runs)))
    facts.append(("irq_handler_entries", by.get("irq_handler_entry", 0)))
    facts.append(("irq_vector_entries", by.get("irq_vector_entry", 0)))
    if len(sys.argv) > 3:
        # the interrupts view's entry -> exit pairs per tracepoint: the slices
        vec = collections.Counter()
        for v in json.load(open(sys.argv[3]))["interrupts"]["irq_vectors"]:
            if v["duration"]["count"]:
                vec[v["name"]] += v["duration"]["count"]
        facts.append(("vector_slices", by_name(vec)))
    facts.append(("events_by_name", ",".join("%s:%d" % kv for kv in sorted(by.items()) if kv[0] not in RUNS)))
    c = collections.Counter()
    for s in d["journeys"]["sequences"]["rows"]:
        if len(s["steps"]) >= 2:
            c[" ".join(s["steps"])] += s["count"]
    facts.extend(("journey", "%d %s" % (n, s)) for s, n in sorted(c.items()))
    facts.append(("rx", by.get("netif_receive_skb", 0)))
    facts.append(("tx", by.get("net_dev_xmit", 0)))
    facts.append(("drops", by.get("kfree_skb", 0)))
    emit(facts)


if __name__ == "__main__":
    {"perfetto": perfetto, "chrome": chrome, "report": report}[sys.argv[1]](sys.argv[2])
