"""Host-side checks of the NIC pair (tests/vm/guest/nic.sh): the interrupts
lab over two e1000 NICs joined by a QEMU hub, eth0 in the lab's first
namespace and eth1 in the second.

Called by check_guest.py: run(outdir, tap, check_eq, load).  Every
datagram the lab sent to the bound port (198.18.0.2:5353) must be received
on eth1 by the real NIC path, each under one packet id: eth1's hardirq
(its handler, named after the device, on the irq sysfs gives for it) ->
a NET_RX run -> napi_poll of eth1 -> napi_gro_receive_entry ->
netif_receive_skb; and delivered to the socket once (consume_skb in the
server's task, at udp_recvmsg where the kernel says where, from the
exported events).
"""
import json
import os


def _read(outdir, name):
    try:
        with open(os.path.join(outdir, name)) as f:
            return f.read().strip()
    except OSError:
        return None


def run(outdir, tap, check_eq, load):
    rc = _read(outdir, "nic-lab.rc")
    count = int(_read(outdir, "nic-count") or 0)
    irq = {d: _read(outdir, "nic-irq-" + d) for d in ("eth0", "eth1")}
    check_eq("nic_lab_exits_zero", "0", rc)
    if rc != "0":
        print("# " + (_read(outdir, "nic-lab.err") or "")[-600:].replace("\n", "\n# "))
        return
    lab = load("nic-lab.json")
    if not lab:
        return
    check_eq("nic_lab_names_its_devices_and_the_device_path", ("eth0,eth1", "device"),
             (lab.get("devices"), lab.get("rx_path")))
    intr = lab["interrupts"]
    pkts = intr["rx_packets"]
    # every packet crossed an e1000: none came by the backlog or without its hardirq
    check_eq("nic_every_received_packet_came_by_a_device_interrupt",
             {"device": len(pkts), "backlog": 0, "napi": 0, "no_poll": 0, "not_kept": 0},
             dict(intr["rx_paths"], not_kept=intr["rx_packets_not_kept"]))
    grams = [p for p in pkts if p["ifname"] == "eth1" and p["what"].startswith("UDP ")
             and p["what"].endswith("> 198.18.0.2:5353")]
    check_eq("nic_datagrams_received_on_eth1_equal_the_count_sent", count, len(grams))
    check_eq("nic_datagrams_have_one_packet_id_each", len(grams),
             len({p["packet_id"] for p in grams}))

    def chain(p):
        h = p["hardirq"] or {}
        n = p["napi_poll"] or {}
        return (p["path"], h.get("name"), str(h.get("irq")), n.get("dev"), p["steps"])

    want = ("device", "eth1", irq["eth1"], "eth1", "napi_gro_receive_entry netif_receive_skb")
    bad = [(p["packet_id"], chain(p)) for p in grams if chain(p) != want]
    tap("nic_each_datagram_goes_eth1_hardirq_napi_poll_gro_netif_receive_skb",
        bool(grams) and not bad, "want %r" % (want,), "other: %r" % bad[:5])
    # the NET_RX run was raised in a NIC's hardirq, or again by the run
    # before it (net_rx_action left a NAPI scheduled: since 6.6 one
    # scheduled while it runs raises nothing); never by a task, as veth's is
    raisers = {"hardirq eth1", "hardirq eth0", "softirq (a run raising again)"}
    odd = [(p["packet_id"], p["net_rx"]["raised_by"]) for p in grams
           if p["net_rx"]["raised_by"] not in raisers]
    tap("nic_datagram_runs_were_raised_in_hardirq_or_by_the_run_before", not odd,
        "raised by: %r" % odd[:5])
    own = [p for p in grams if p["hardirq"] and p["hardirq"]["raised_the_run"]]
    tap("nic_some_datagram_run_was_raised_in_eth1s_own_hardirq", bool(own),
        "raised by: %r" % sorted({p["net_rx"]["raised_by"] for p in grams}))
    check_eq("nic_raised_the_run_means_raised_in_eth1s_irq", True,
             all(p["hardirq"]["raised_the_run"] == (p["net_rx"]["raise_irq"] == int(irq["eth1"]))
                 for p in grams if p["hardirq"]))
    # the answers (ARP, ICMP port unreachable) come back on eth0 by eth0's hardirq
    back = [p for p in pkts if p["ifname"] == "eth0"]
    check_eq("nic_answers_come_back_on_eth0_by_its_hardirq", True,
             bool(back) and all(chain(p)[:4] == ("device", "eth0", irq["eth0"], "eth0")
                                for p in back))
    hard = {h["name"]: h["irq"] for h in intr["hardirqs"]}
    check_eq("nic_hardirqs_table_names_both_e1000_handlers",
             {"eth0": int(irq["eth0"] or -1), "eth1": int(irq["eth1"] or -1)},
             {k: v for k, v in hard.items() if k in ("eth0", "eth1")})
    # delivered: every datagram freed once by the server's recvmsg
    try:
        evs = [json.loads(l) for l in open(os.path.join(outdir, "nic-events.jsonl"))]
    except (OSError, ValueError) as e:
        tap("nic_events_export_reads", False, e)
        return
    # freed once, by the server's task (recvmsg); where the tracepoint has a
    # location (6.3+: Debian's 6.1 has none) it is udp_recvmsg
    ids = {p["packet_id"] for p in grams}
    got = [e["packet_id"] for e in evs if e["event"] == "consume_skb" and e["ctx"] == "task"
           and e["packet_id"] in ids
           and ("udp_recvmsg" in e.get("detail", "") or "at " not in e.get("detail", ""))]
    check_eq("nic_each_datagram_reaches_the_socket_once", sorted(ids), sorted(got))
    txt = _read(outdir, "nic-lab.txt") or ""
    tap("nic_lab_text_says_it_is_a_real_nic_path", "a real NIC path" in txt, txt[-400:])
