// SPDX-License-Identifier: GPL-2.0
/*
 * The HTML page around the sections (render/html.h): escaping, the head
 * with its inline style and script, the table of contents, and the order
 * of the report's sections.  Nothing here refers to another file or host:
 * the page must open offline, from a mail attachment or a CI artifact.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "render/html.h"
#include "render/html_skbmem.h"

void html_esc_n(FILE *out, const char *s, size_t n)
{
	if (!s)
		return;
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = s[i];

		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			/* kernel names are ASCII; a control byte (damaged trace) must not reach the page */
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
				fputs("&#xFFFD;", out);
			else
				fputc(c, out);
		}
	}
}

void html_esc(FILE *out, const char *s)
{
	html_esc_n(out, s, (size_t)-1);
}

/*
 * The style: system fonts only (a web font would be a download), colours
 * that print, tables that scroll sideways on a narrow screen, and a focus
 * ring on everything the keyboard reaches.
 */
static const char page_css[] =
	":root{--fg:#1d1d1f;--muted:#5f6368;--line:#d0d4d9;--bg:#fff;--alt:#f5f7fa;--accent:#1a5fb4;"
	"--bar:#7aa7e0;--drop:#c01c28;--ok:#26a269}\n"
	"*{box-sizing:border-box}\n"
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
	"color:var(--fg);background:var(--bg);margin:0 auto;max-width:1280px;padding:0 1.2em 3em}\n"
	"header{border-bottom:2px solid var(--accent);padding:1em 0 .6em}\n"
	"h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.3em;margin:1.6em 0 .4em;"
	"border-bottom:1px solid var(--line);padding-bottom:.2em}h3{font-size:1.05em;margin:1.1em 0 .3em}\n"
	"code,pre,.mono,td.num,svg text{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,"
	"monospace}\n"
	"pre{background:var(--alt);padding:.6em;overflow-x:auto;white-space:pre-wrap}\n"
	"nav ol{columns:3 14em;padding-left:1.4em}\n"
	"a{color:var(--accent)}\n"
	"a:focus,summary:focus,[tabindex]:focus{outline:3px solid #e5a50a;outline-offset:2px}\n"
	".scroll{overflow-x:auto}\n"
	"table{border-collapse:collapse;margin:.4em 0 .8em;font-size:.93em}\n"
	"th,td{border:1px solid var(--line);padding:.2em .5em;text-align:left;vertical-align:top}\n"
	"th{background:var(--alt)}td.num{text-align:right;white-space:nowrap}\n"
	"tbody tr:nth-child(even){background:#fafbfc}\n"
	"td.bar{min-width:10em;width:30%}td.bar span{display:block;height:.8em;background:var(--bar);"
	"min-width:1px}\n"
	".warn{color:var(--drop);font-weight:600}.muted{color:var(--muted)}\n"
	".fate-dropped{color:var(--drop);font-weight:600}.fate-consumed{color:var(--ok)}\n"
	"details{margin:.4em 0;border:1px solid var(--line);border-radius:4px;padding:.2em .6em}\n"
	"summary{cursor:pointer;font-weight:600;padding:.2em 0}\n"
	"dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em}dl.kv dt{font-weight:600}"
	"dl.kv dd{margin:0}\n"
	"figure{margin:.4em 0 1em}svg{max-width:100%;height:auto;display:block}\n"
	"svg .frame rect{stroke:#fff;stroke-width:.5}svg .frame:focus rect,svg .frame:hover rect{"
	"stroke:#000;stroke-width:1.5}\n"
	"svg .frame:focus{outline:none}\n"
	"@media print{nav,.noprint{display:none}body{max-width:none;font-size:11px}"
	"details{border:none;padding:0}section{break-inside:auto}h2{break-after:avoid}"
	"table,svg{break-inside:avoid}a{color:inherit;text-decoration:none}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/*
 * The only script: open the <details> a link points at (the packet list
 * links to each timeline), and open every one before printing so that the
 * paper has what the screen hides.  The page reads the same without it.
 */
static const char page_js[] =
	"(function(){function openTarget(){var h=location.hash.slice(1);if(!h)return;"
	"var e=document.getElementById(h);if(e&&e.tagName==='DETAILS'){e.open=true;"
	"var s=e.querySelector('summary');if(s)s.focus();}}"
	"window.addEventListener('hashchange',openTarget);openTarget();"
	"window.addEventListener('beforeprint',function(){document.querySelectorAll('details')"
	".forEach(function(d){d.open=true;});});})();";

void html_begin(FILE *out, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      /* nothing may load: say so to the browser too */
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
	      "<meta name=\"generator\" content=\"netscope\">\n<title>", out);
	html_esc(out, title);
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header><h1>", page_css);
	html_esc(out, title);
	fputs("</h1></header>\n<main>\n", out);
}

void html_end(FILE *out)
{
	fprintf(out, "</main>\n<script>%s</script>\n</body>\n</html>\n", page_js);
}

void html_toc(FILE *out, const struct html_toc *toc, size_t n)
{
	fputs("<nav aria-label=\"Contents\"><h2 id=\"contents\">Contents</h2><ol>\n", out);
	for (size_t i = 0; i < n; i++) {
		fputs("<li><a href=\"#", out);
		html_esc(out, toc[i].id);
		fputs("\">", out);
		html_esc(out, toc[i].title);
		fputs("</a></li>\n", out);
	}
	fputs("</ol></nav>\n", out);
}

void html_section(FILE *out, const char *id, const char *title)
{
	fputs("<section id=\"", out);
	html_esc(out, id);
	fputs("\" aria-labelledby=\"h-", out);
	html_esc(out, id);
	fputs("\">\n<h2 id=\"h-", out);
	html_esc(out, id);
	fputs("\">", out);
	html_esc(out, title);
	fputs("</h2>\n", out);
}

void html_section_end(FILE *out)
{
	fputs("</section>\n", out);
}

void html_count_bar(FILE *out, uint64_t count, uint64_t max)
{
	fprintf(out, "<td class=\"num\">%" PRIu64 "</td><td class=\"bar\" aria-hidden=\"true\">", count);
	if (max)
		fprintf(out, "<span style=\"width:%.1f%%\"></span>", 100.0 * count / max);
	fputs("</td>", out);
}

const char *html_fmt_ns(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 " ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1f µs", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.3f s", ns / 1e9);
	return buf;
}

void html_more(FILE *out, size_t n, size_t shown, uint64_t rest, const char *unit)
{
	if (n > shown)
		fprintf(out, "<p class=\"muted\">… %zu more rows, %" PRIu64 " %s (<code>--top</code>"
			" to see them)</p>\n", n - shown, rest, unit);
}

/* the sections in page order, with the part each needs */
static const struct {
	const char *id, *title;
	unsigned int parts;
	void (*print)(FILE *out, const struct report_result *res);
} sections[] = {
	{ "summary", "Summary", RR_PART_COUNTS, html_summary },
	{ "capture", "Capture", RR_PART_COUNTS, html_capture },
	{ "lost", "Lost events", RR_PART_COUNTS, html_lost },
	{ "events", "Events", RR_PART_COUNTS, html_events },
	{ "drops", "Drops", RR_PART_DROPS, html_drops },
	{ "resets", "TCP resets", RR_PART_TCP, html_resets },
	{ "states", "TCP states", RR_PART_TCP, html_states },
	{ "journeys", "Packet journeys", RR_PART_JOURNEYS, html_journeys },
	{ "packets", "Packet timelines", RR_PART_JOURNEYS, html_packets },
	{ "interrupts", "Interrupts", RR_PART_SOFTIRQ, html_interrupts },
	{ "latency", "Latency per stage", RR_PART_LATENCY, html_latency },
	{ "counters", "Kernel counters", RR_PART_COUNTERS, html_counters },
	{ "callpaths", "Call paths", RR_PART_CALLPATHS, html_callpaths },
	{ "profile", "CPU profile", RR_PART_PROFILE, html_profile_flame },
	{ "layers", "Layers", RR_PART_LAYERS, html_layers },
	{ "skbmem", "Packet memory", RR_PART_SKBMEM, html_skbmem },
};

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

static bool section_shown(const struct report_result *res, size_t i)
{
	if (!(res->parts & sections[i].parts))
		return false;
	/* the timelines need the sample of single packets, the layers a result */
	if (!strcmp(sections[i].id, "packets"))
		return res->journeys.sampled;
	if (!strcmp(sections[i].id, "layers"))
		return res->layers != NULL;
	/* a trace recorded without softirq events has nothing to draw there */
	if (!strcmp(sections[i].id, "interrupts"))
		return res->softirq.softirq_events > 0;
	if (!strcmp(sections[i].id, "skbmem"))
		return res->skbmem.have_kmem;
	return true;
}

size_t html_report_toc(const struct report_result *res, struct html_toc *toc, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < N_SECTIONS && n < max; i++)
		if (section_shown(res, i))
			toc[n++] = (struct html_toc){ sections[i].id, sections[i].title };
	return n;
}

void html_report_body(FILE *out, const struct report_result *res)
{
	for (size_t i = 0; i < N_SECTIONS; i++) {
		if (!section_shown(res, i))
			continue;
		html_section(out, sections[i].id, sections[i].title);
		sections[i].print(out, res);
		html_section_end(out);
	}
}

void render_report_html(const struct report_result *res, const char *title, FILE *out)
{
	struct html_toc toc[N_SECTIONS];

	html_begin(out, title);
	html_toc(out, toc, html_report_toc(res, toc, N_SECTIONS));
	html_report_body(out, res);
	html_end(out);
}
