// SPDX-License-Identifier: GPL-2.0
/*
 * The typed-load header decoder (src/bpf/decode_cast.bpf.h) run on crafted
 * packets, for tests/unit/test_decode_cast.c: user space writes a packet
 * into `packet`, runs this program (BPF_PROG_TEST_RUN) and compares what
 * it decoded with ns_decode_headers() (decode.h) on the same bytes.  The
 * lab is IPv4 only, so this is where the IPv6 path of the typed loads is
 * checked against the copying decoder.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "bpf/netscope.h"

char LICENSE[] SEC("license") = "GPL";

#include "decode_cast.bpf.h"

struct test_packet {
	__u32 l3_proto;	/* ethertype, host order */
	__u32 pad;
	__u8 bytes[128];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct test_packet);
} packet SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ns_event);
} decoded SEC(".maps");

SEC("syscall")
int decode(void *ctx)
{
	__u32 zero = 0;
	struct test_packet *p = bpf_map_lookup_elem(&packet, &zero);
	struct ns_event *e = bpf_map_lookup_elem(&decoded, &zero);

	if (!p || !e)
		return 1;
	__builtin_memset(e, 0, sizeof(*e));
	e->l3_proto = p->l3_proto;
	ns_decode_headers_cast(e, p->bytes);
	return 0;
}
