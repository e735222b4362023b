// SPDX-License-Identifier: GPL-2.0
/*
 * CTF 1.8 metadata, as text (export/ctf_tsdl.h).  The shape follows what
 * lttng-modules 2.13 writes for a kernel session, because TraceCompass
 * decides from it that a trace is an LTTng kernel trace: env.domain
 * "kernel", env.tracer_name "lttng-modules" and its version, cpu_id in
 * the packet context, a clock named "monotonic" whose uuid is the host's
 * boot id.  Field names are written with a leading underscore, as LTTng
 * does: TSDL strips one, and the names cannot then collide with a TSDL
 * keyword.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "export/ctf_stream.h"
#include "export/ctf_tsdl.h"

void ctf_uuid_str(const uint8_t u[16], char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool ctf_uuid_parse(const char *s, uint8_t u[16])
{
	int n = 0;

	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash) {
			if (s[i] != '-')
				return false;
			continue;
		}
		int v = hexval(s[i]);
		if (v < 0)
			return false;
		if (n % 2 == 0)
			u[n / 2] = v << 4;
		else
			u[n / 2] |= v;
		n++;
	}
	return s[36] == '\0';
}

/* a TSDL string literal: quotes, backslashes and control bytes escaped */
static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void env_str(FILE *f, const char *key, const char *value)
{
	fprintf(f, "\t%s = ", key);
	put_str(f, value ? value : "");
	fputs(";\n", f);
}

/* "ns_drop_reason_u32": an enum's name for a kind over one integer type */
static void enum_name(char *buf, size_t len, int kind, const struct ctf_src *s)
{
	snprintf(buf, len, "ns_%s_%c%d", ns_name_kind_str(kind), s->is_signed ? 's' : 'u', s->size * 8);
}

static void int_type(FILE *f, unsigned bits, bool is_signed, bool hex, bool big_endian, bool text)
{
	fprintf(f, "integer { size = %u; align = 8; signed = %d; encoding = %s; base = %d;%s }", bits,
		is_signed, text ? "UTF8" : "none", hex ? 16 : 10, big_endian ? " byte_order = be;" : "");
}

static bool enum_has_names(const struct ns_names *names, int kind)
{
	return names && kind >= 0 && names->n[kind] > 0;
}

static void put_enum(FILE *f, int kind, const struct ctf_src *s, const struct ns_names *names)
{
	char name[64];
	unsigned bits = s->size * 8;

	enum_name(name, sizeof(name), kind, s);
	fprintf(f, "enum %s : ", name);
	int_type(f, bits, s->is_signed, false, s->big_endian, false);
	fputs(" {\n", f);
	for (size_t i = 0; i < names->n[kind]; i++) {
		const struct ns_name_entry *e = &names->e[kind][i];
		int64_t v = s->is_signed ? (int64_t)(int32_t)e->value : (int64_t)e->value;

		/* a value the field's integer cannot hold cannot occur: no label */
		if (bits < 32 && (uint64_t)e->value >= (1ull << bits))
			continue;
		fputc('\t', f);
		put_str(f, e->name);
		fprintf(f, " = %" PRId64 ",\n", v);
	}
	fputs("};\n\n", f);
}

static void put_field(FILE *f, const struct ctf_field *fl, const struct ns_names *names)
{
	const struct ctf_src *s = fl->src;
	char name[64];

	fputs("\t\t", f);
	switch (s->kind) {
	case CTF_SRC_INT:
	case CTF_SRC_ZERO:
		if (enum_has_names(names, fl->enum_kind)) {
			enum_name(name, sizeof(name), fl->enum_kind, s);
			fprintf(f, "enum %s", name);
		} else {
			int_type(f, s->size * 8, s->is_signed, s->hex, s->big_endian, false);
		}
		fprintf(f, " _%s;\n", fl->name);
		break;
	case CTF_SRC_ADDR:
		/* 4 bytes for IPv4, 16 for IPv6, none without an address */
		fprintf(f, "uint8_t _%s_length;\n\t\t", fl->name);
		int_type(f, 8, false, false, false, false);
		fprintf(f, " _%s[_%s_length];\n", fl->name, fl->name);
		break;
	case CTF_SRC_TEXT16:
		int_type(f, 8, false, false, false, true);
		fprintf(f, " _%s[%u];\n", fl->name, (unsigned)s->size);
		break;
	case CTF_SRC_STRING:
	case CTF_SRC_LOCATION_SYM:
		fprintf(f, "string _%s;\n", fl->name);
		break;
	}
}

/* every (enum, integer type) pair the used classes name, once, in class order */
static void put_enums(FILE *f, const struct ctf_map *m, const bool *used, const struct ns_names *names)
{
	char done[64][64];
	size_t ndone = 0;

	for (size_t i = 0; i < m->n; i++) {
		if (!used[i])
			continue;
		for (size_t k = 0; k < m->cls[i].nf; k++) {
			const struct ctf_field *fl = &m->cls[i].f[k];
			char name[64];
			bool seen = false;

			if (!enum_has_names(names, fl->enum_kind))
				continue;
			enum_name(name, sizeof(name), fl->enum_kind, fl->src);
			for (size_t d = 0; d < ndone && !seen; d++)
				seen = !strcmp(done[d], name);
			if (seen || ndone == 64)
				continue;
			snprintf(done[ndone++], sizeof(done[0]), "%s", name);
			put_enum(f, fl->enum_kind, fl->src, names);
		}
	}
}

int ctf_tsdl_write(FILE *f, const struct ctf_tsdl_env *env, const struct ctf_map *m, const bool *used,
		   const struct ns_names *names)
{
	char uuid[37];
	bool le = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

	ctf_uuid_str(env->uuid, uuid);
	fputs("/* CTF 1.8 */\n\n"
	      "/* written by netscope export --to ctf: an LTTng kernel trace in shape, see docs/export.md */\n\n",
	      f);
	fputs("typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n"
	      "typealias integer { size = 16; align = 8; signed = false; } := uint16_t;\n"
	      "typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n"
	      "typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n"
	      "typealias integer { size = 32; align = 8; signed = true; } := int32_t;\n\n",
	      f);
	fprintf(f,
		"trace {\n"
		"\tmajor = 1;\n"
		"\tminor = 8;\n"
		"\tuuid = \"%s\";\n"
		"\tbyte_order = %s;\n"
		"\tpacket.header := struct {\n"
		"\t\tuint32_t magic;\n"
		"\t\tuint8_t  uuid[16];\n"
		"\t\tuint32_t stream_id;\n"
		"\t\tuint64_t stream_instance_id;\n"
		"\t};\n"
		"};\n\n",
		uuid, le ? "le" : "be");

	fputs("env {\n", f);
	env_str(f, "hostname", env->hostname);
	env_str(f, "domain", "kernel");
	env_str(f, "sysname", "Linux");
	env_str(f, "kernel_release", env->kernel_release);
	env_str(f, "kernel_version", env->kernel_version);
	env_str(f, "tracer_name", "lttng-modules");
	fputs("\ttracer_major = 2;\n\ttracer_minor = 13;\n\ttracer_patchlevel = 0;\n", f);
	env_str(f, "trace_buffering_scheme", "global");
	env_str(f, "trace_name", env->trace_name);
	env_str(f, "netscope_version", env->netscope_version);
	if (env->events_lost >= 0)
		fprintf(f, "\tnetscope_events_lost = %" PRId64 ";\n", env->events_lost);
	fprintf(f, "\tnetscope_input_complete = %d;\n", env->complete);
	fprintf(f, "\tnetscope_events_reordered = %" PRIu64 ";\n", env->clamped);
	if (env->left_out)
		fprintf(f, "\tnetscope_events_left_out = %" PRIu64 ";\n", env->left_out);
	fputs("};\n\n", f);

	fprintf(f,
		"clock {\n"
		"\tname = \"monotonic\";\n"
		"\tuuid = \"%s\";\n"
		"\tdescription = \"Monotonic Clock\";\n"
		"\tfreq = 1000000000;\n"
		"\tprecision = 1;\n"
		"\toffset_s = %" PRIu64 ";\n"
		"\toffset = %" PRIu64 ";\n"
		"};\n\n"
		"typealias integer { size = 64; align = 8; signed = false; map = clock.monotonic.value; }"
		" := uint64_clock_monotonic_t;\n\n",
		env->clock_uuid, (uint64_t)(env->offset_ns / 1000000000u), (uint64_t)(env->offset_ns % 1000000000u));

	/* the layout ctf_stream.c writes (CTF_PACKET_PREFIX, CTF_EVENT_HEADER) */
	fputs("struct packet_context {\n"
	      "\tuint64_clock_monotonic_t timestamp_begin;\n"
	      "\tuint64_clock_monotonic_t timestamp_end;\n"
	      "\tuint64_t content_size;\n"
	      "\tuint64_t packet_size;\n"
	      "\tuint64_t packet_seq_num;\n"
	      "\tuint64_t events_discarded;\n"
	      "\tuint32_t cpu_id;\n"
	      "};\n\n"
	      "struct event_header {\n"
	      "\tuint16_t id;\n"
	      "\tuint64_clock_monotonic_t timestamp;\n"
	      "};\n\n"
	      "stream {\n"
	      "\tid = 0;\n"
	      "\tevent.header := struct event_header;\n"
	      "\tpacket.context := struct packet_context;\n"
	      "\tevent.context := struct {\n"
	      "\t\tint32_t _tid;\n"
	      "\t\tint32_t _pid;\n"
	      "\t};\n"
	      "};\n\n",
	      f);

	put_enums(f, m, used, names);
	for (size_t i = 0; i < m->n; i++) {
		const struct ctf_class *c = &m->cls[i];

		if (!used[i])
			continue;
		fprintf(f, "event {\n\tname = \"%s\";\n\tid = %u;\n\tstream_id = 0;\n\tfields := struct {\n",
			c->name, c->id);
		for (size_t k = 0; k < c->nf; k++)
			put_field(f, &c->f[k], names);
		fputs("\t};\n};\n\n", f);
	}
	return ferror(f) ? -EIO : 0;
}
