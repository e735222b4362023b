#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make small trace files (docs/TRACE_FORMAT.md) for the corpus of
tests/fuzz/fuzz_tracefile.c from a trace `netscope record` wrote.

  trace_seed.py shrink IN OUT [N]  metadata and name tables cut down, the
                                   first N events kept (default all), stored
                                   raw (not deflated), so the fuzzer mutates
                                   the records themselves
  trace_seed.py deflate IN OUT     the same file with its events deflated
  trace_seed.py stacks IN OUT [N]  N (default 40) events, each with its own
                                   3-frame stack: a call-path tree of 120
                                   nodes, past 64 (the bug of callpaths.c
                                   child(), fixed in 0ea582b: freed memory)
  trace_seed.py fullnames IN OUT   every event's comm and ifname filling
                                   their arrays with no NUL (event_line.c
                                   printed them unbounded, fixed in 527dc8b)

A trace of `record --snaplen N` keeps its PAYLOADS chunks (format 1.2),
stored raw after the events chunk, with shrink: the packet bytes the
reader checks and the pcapng exporter writes.  Chunks compressed with zstd
(netscope's default) are read through the zstd command.

Offsets of struct ns_event are those of src/bpf/netscope.h on x86-64.
"""
import struct
import subprocess
import sys
import zlib

HDR = 32
EV_STACK_ID, EV_TS, EV_COMM, EV_IFNAME, EV_SKB_HEAD = 60, 0, 136, 152, 168
COMM_LEN = IFNAME_LEN = 16
META, NAMES, SYMBOLS, STACK, EVENTS, STATS, END, PAYLOADS = 1, 2, 3, 4, 5, 6, 7, 8


def inflate(p, flags):
    if flags & 1:
        return zlib.decompress(p)
    if flags & 2:
        return subprocess.run(['zstd', '-dc'], input=p, stdout=subprocess.PIPE, check=True).stdout
    return p


def read(path):
    d = open(path, 'rb').read()
    event_size, = struct.unpack_from('<I', d, 16)
    chunks, off = [], HDR
    while off + HDR <= len(d):
        t, fl, sl, rl, cnt = struct.unpack_from('<5I', d, off)
        p = d[off + HDR:off + HDR + sl]
        chunks.append([t, inflate(p, fl), cnt])
        off += HDR + sl
    return d[:HDR], event_size, chunks


def write(path, header, chunks, deflate=False):
    out = bytearray(header)
    for t, raw, cnt in chunks:
        p = zlib.compress(raw, 1) if deflate and t == EVENTS else raw
        h = struct.pack('<7I', t, int(p is not raw), len(p), len(raw), cnt, zlib.crc32(p), 0)
        out += h + struct.pack('<I', zlib.crc32(h)) + p
    open(path, 'wb').write(out)


def strs(p, q, n):
    v = []
    for _ in range(n):
        ln, = struct.unpack_from('<I', p, q)
        v.append(p[q + 4:q + 4 + ln])
        q += 4 + ln
    return v, q


def s(b):
    return struct.pack('<I', len(b)) + b


def shrink_meta(p, cnt):
    out, q = [], 0
    for _ in range(cnt):
        (k, v), q = strs(p, q, 2)
        if k.startswith(b'counters.'):
            # the tag and a few counters of two groups: the counters view
            # still has a before and an after to compare
            v = b' '.join([v.split(b' ')[0]] + [g.split(b':')[0] + b':' + b','.join(g.split(b':')[1].split(b',')[:6])
                                                for g in v.split(b' ')[1:3]])
        elif k == b'capture.events':
            v = v[:80].rsplit(b',', 1)[0]
        out.append(s(k) + s(v))
    return b''.join(out)


def shrink_names(p, cnt, used):
    out, q = [], 0
    for _ in range(cnt):
        (kind,), q = strs(p, q, 1)
        n, = struct.unpack_from('<I', p, q)
        q += 4
        keep = []
        for i in range(n):
            val, = struct.unpack_from('<I', p, q)
            (name,), q = strs(p, q + 4, 1)
            if i < 8 or val in used:
                keep.append(struct.pack('<I', val) + s(name))
        out.append(s(kind) + struct.pack('<I', len(keep)) + b''.join(keep))
    return b''.join(out)


def events(chunks, size):
    return [p[i * size:(i + 1) * size] for t, p, c in chunks if t == EVENTS for i in range(c)]


def shrink(src, dst, n=None):
    header, size, chunks = read(src)
    evs = events(chunks, size)[:n]
    used = {struct.unpack_from('<I', e, 68)[0] for e in evs}
    out = []
    for t, p, c in chunks:
        if t == META:
            p = shrink_meta(p, c)
        elif t == NAMES:
            p = shrink_names(p, c, used)
        out.append([t, p, c])
    write(dst, header, replace_events(out, evs))


def deflate(src, dst):
    header, size, chunks = read(src)
    write(dst, header, chunks, deflate=True)


def replace_events(chunks, evs, extra=()):
    out = [c for c in chunks if c[0] not in (EVENTS, STATS, END, PAYLOADS)]
    out += list(extra)
    out.append([EVENTS, b''.join(evs), len(evs)])
    # the packet bytes follow the events of their packets, as the writer puts them
    out += [c for c in chunks if c[0] == PAYLOADS]
    out += [c for c in chunks if c[0] in (STATS, END)][-2:]
    return out


def stacks(src, dst, n=40):
    header, size, chunks = read(src)
    base = next(e for e in events(chunks, size) if struct.unpack_from('<i', e, EV_STACK_ID)[0] >= 0)
    ts, = struct.unpack_from('<Q', base, EV_TS)
    extra, evs = [], []
    for i in range(n):
        sid = 5000 + i
        # three frames below every stored symbol, so named: "0x..." nodes, distinct per stack
        ips = [0x100000 + 0x100 * i + f for f in (0x10, 0x20, 0x30)]
        extra.append([STACK, struct.pack('<II3Q', sid, 3, *ips), 1])
        e = bytearray(base)
        struct.pack_into('<i', e, EV_STACK_ID, sid)
        struct.pack_into('<Q', e, EV_TS, ts + i * 1000)
        evs.append(bytes(e))
    write(dst, header, replace_events(chunks, evs, extra))


def fullnames(src, dst):
    header, size, chunks = read(src)
    evs = []
    for e in events(chunks, size):
        e = bytearray(e)
        e[EV_COMM:EV_COMM + COMM_LEN] = b'C' * COMM_LEN
        e[EV_IFNAME:EV_IFNAME + IFNAME_LEN] = b'I' * IFNAME_LEN
        # and no NUL after them inside the event (skb_head, the last field):
        # a reader running on stops only past the record, where ASan sees it
        e[EV_SKB_HEAD:EV_SKB_HEAD + 8] = b'H' * 8
        evs.append(bytes(e))
    write(dst, header, replace_events(chunks, evs))


if __name__ == '__main__':
    cmd = {'shrink': shrink, 'deflate': deflate, 'stacks': stacks, 'fullnames': fullnames}.get(sys.argv[1] if len(sys.argv) > 1 else '')
    if not cmd or len(sys.argv) < 4:
        sys.exit(__doc__)
    cmd(sys.argv[2], sys.argv[3], *[int(a) for a in sys.argv[4:]])
