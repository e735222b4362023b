// SPDX-License-Identifier: GPL-2.0
/*
 * netscope export --to folded: flame-graph input ("outer;...;inner count"),
 * the same lines as `netscope report FILE --view folded` prints: both
 * render the profile's call graph with render_callgraph_folded(), so there
 * is one folder, not two (docs/export.md, "folded").
 */
#include "export/analysis_run.h"
#include "export/output.h"
#include "render/profile.h"

int export_folded(struct export_src *src, const char *out, const struct export_opts *o)
{
	struct export_analysis ea;
	FILE *f;
	int ret = 1;

	(void)o;
	if (export_analysis_run(&ea, src, RR_PART_PROFILE))
		goto out;
	export_warn_no_stacks(&ea, src->path);
	f = export_fopen(out);
	if (!f)
		goto out;
	render_callgraph_folded(&report_result(ea.rep)->profile, f);
	ret = export_fclose(f, out);
out:
	export_analysis_free(&ea);
	return ret;
}
