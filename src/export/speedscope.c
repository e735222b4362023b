// SPDX-License-Identifier: GPL-2.0
/*
 * netscope export --to speedscope: the profile's call graph as a speedscope
 * "sampled" profile (https://www.speedscope.app, file format
 * src/lib/file-format-spec.ts of jlfwong/speedscope): the stacks and
 * weights of `--to folded` (render_callgraph_stacks(), the one walk of the
 * call graph), frames shared and named once.  Weights are time
 * (nanoseconds) when they are CPU samples at a known frequency, else
 * counts (unit "none").  docs/export.md, "speedscope".
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/json.h"
#include "common/log.h"
#include "common/strmap.h"
#include "export/analysis_run.h"
#include "export/output.h"
#include "render/profile.h"

#define SPEEDSCOPE_SCHEMA "https://www.speedscope.app/file-format-schema.json"

struct ss_walk {
	struct json_writer *w;
	struct ns_strmap frames;	/* name -> index in frame_names */
	const char **frame_names;	/* the map's copies */
	size_t n_frames, cap_frames;
	uint64_t unit_weight;		/* one stack's count in the profile's unit */
	uint64_t total;
	int err;
};

static int64_t frame_index(struct ss_walk *s, const char *name)
{
	uint32_t i;
	const char *copy;

	if (ns_strmap_get(&s->frames, name, &i))
		return i;
	if (s->n_frames == s->cap_frames) {
		size_t ncap = s->cap_frames ? s->cap_frames * 2 : 256;
		const char **nf = realloc(s->frame_names, ncap * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		s->frame_names = nf;
		s->cap_frames = ncap;
	}
	copy = ns_strmap_put(&s->frames, name, (uint32_t)s->n_frames);
	if (!copy)
		return -ENOMEM;
	s->frame_names[s->n_frames] = copy;
	return (int64_t)s->n_frames++;
}

static void sum_weight(void *arg, const char *const *path, unsigned int n, uint64_t weight)
{
	struct ss_walk *s = arg;

	s->total += weight * s->unit_weight;
}

/* speedscope's sampled stacks list frames from the root (outermost) on, as path does */
static void put_sample(void *arg, const char *const *path, unsigned int n, uint64_t weight)
{
	struct ss_walk *s = arg;

	json_arr_begin(s->w);
	for (unsigned int d = 0; d < n; d++) {
		int64_t i = frame_index(s, path[d]);

		if (i < 0) {
			s->err = (int)i;
			break;
		}
		json_u64(s->w, (uint64_t)i);
	}
	json_arr_end(s->w);
}

static void put_weight(void *arg, const char *const *path, unsigned int n, uint64_t weight)
{
	struct ss_walk *s = arg;

	json_u64(s->w, weight * s->unit_weight);
}

static void write_profile(struct ss_walk *s, const struct stackprof_result *r,
			  const struct ns_meta *meta)
{
	const char *sc = ns_meta_get(meta, "scenario"), *ver = ns_meta_get(meta, "netscope.version");
	bool samples = render_callgraph_by_samples(r);
	char name[160], exporter[64];

	/* a CPU sample stands for 1/hz seconds: whole nanoseconds keep the file exact */
	s->unit_weight = samples && r->sample_hz > 0 ? (uint64_t)llround(1e9 / r->sample_hz) : 1;
	render_callgraph_stacks(r, sum_weight, s);
	snprintf(name, sizeof(name), "netscope%s%s: %s", sc ? " " : "", sc ? sc : "",
		 samples ? "kernel stacks of CPU samples" : "kernel stacks of events");
	snprintf(exporter, sizeof(exporter), "netscope %s", ver ? ver : "");

	json_obj_begin(s->w);
	json_kv_str(s->w, "$schema", SPEEDSCOPE_SCHEMA);
	json_kv_str(s->w, "exporter", exporter);
	json_kv_str(s->w, "name", name);
	json_kv_u64(s->w, "activeProfileIndex", 0);
	json_key(s->w, "profiles");
	json_arr_begin(s->w);
	json_obj_begin(s->w);
	json_kv_str(s->w, "type", "sampled");
	json_kv_str(s->w, "name", name);
	json_kv_str(s->w, "unit", s->unit_weight > 1 ? "nanoseconds" : "none");
	json_kv_u64(s->w, "startValue", 0);
	json_kv_u64(s->w, "endValue", s->total);
	json_key(s->w, "samples");
	json_arr_begin(s->w);
	render_callgraph_stacks(r, put_sample, s);
	json_arr_end(s->w);
	json_key(s->w, "weights");
	json_arr_begin(s->w);
	render_callgraph_stacks(r, put_weight, s);
	json_arr_end(s->w);
	json_obj_end(s->w);
	json_arr_end(s->w);
	/* the frames last: they are named as the samples above meet them */
	json_key(s->w, "shared");
	json_obj_begin(s->w);
	json_key(s->w, "frames");
	json_arr_begin(s->w);
	for (size_t i = 0; i < s->n_frames; i++) {
		json_obj_begin(s->w);
		json_kv_str(s->w, "name", s->frame_names[i]);
		json_obj_end(s->w);
	}
	json_arr_end(s->w);
	json_obj_end(s->w);
	json_obj_end(s->w);
}

int export_speedscope(struct export_src *src, const char *out, const struct export_opts *o)
{
	struct export_analysis ea;
	struct ss_walk s = { 0 };
	FILE *f;
	int ret = 1;

	(void)o;
	if (export_analysis_run(&ea, src, RR_PART_PROFILE))
		goto out;
	export_warn_no_stacks(&ea, src->path);
	f = export_fopen(out);
	if (!f)
		goto out;
	s.w = json_new(f);
	if (s.w) {
		write_profile(&s, &report_result(ea.rep)->profile, tfr_meta(src->tr));
		fputc('\n', f);
		json_free(s.w);
	}
	ret = export_fclose(f, out);
	if (!ret && (!s.w || s.err)) {
		ns_err("cannot export '%s': %s", src->path, strerror(ENOMEM));
		ret = 1;
	}
out:
	ns_strmap_free(&s.frames);
	free(s.frame_names);
	export_analysis_free(&ea);
	return ret;
}
