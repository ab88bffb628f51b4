// SPDX-License-Identifier: GPL-2.0-only
/* The gate's report as a terminal table, markdown, JUnit XML or JSON. */
#include "compare_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "table.h"
#include "util.h"

static const char *test_name(const struct fb_comparison *r)
{
	return !strcmp(r->mode, "ab") ?
		"Wilcoxon signed-rank test on the log ratios new/base of interleaved run pairs" :
		"Mann-Whitney U test on the raw samples";
}

static const char *estimate_name(const struct fb_comparison *r)
{
	static const char *const ab[] = {
		[FB_RUN_BEST] = "Hodges-Lehmann estimate of the pair ratios of each run's best GB/s",
		[FB_RUN_MEDIAN] = "Hodges-Lehmann estimate of the pair ratios of each run's median GB/s",
		[FB_RUN_MEAN] = "Hodges-Lehmann estimate of the pair ratios of each run's mean GB/s",
	};

	return !strcmp(r->mode, "ab") ? ab[r->opts.run_stat] : "ratio of mean GB/s";
}

/* "fail" (exit 1), "inconclusive" (exit 3 unless allowed) or "pass". */
static const char *gate_word(const struct fb_comparison *r)
{
	return r->fail ? "fail" : r->inconclusive ? "inconclusive" : "pass";
}

int fb_cmp_gate_status(const struct fb_comparison *r)
{
	if (r->fail)
		return FB_EXIT_FAIL;
	if (r->inconclusive && !r->opts.allow_inconclusive)
		return FB_EXIT_INCONCLUSIVE;
	return FB_EXIT_OK;
}

json_object *fb_comparison_json(const struct fb_comparison *r)
{
	json_object *d = json_object_new_object(), *cells = json_object_new_array(), *s, *side;

	json_object_object_add(d, "schema", json_object_new_string(FB_CMP_SCHEMA));
	json_object_object_add(d, "schema_version", json_object_new_int(FB_CMP_SCHEMA_VERSION));
	json_object_object_add(d, "mode", json_object_new_string(r->mode));
	json_object_object_add(d, "threshold_pct", json_object_new_double(r->opts.threshold_pct));
	json_object_object_add(d, "alpha", json_object_new_double(r->opts.alpha));
	json_object_object_add(d, "ci_level", json_object_new_double(1 - r->opts.alpha));
	json_object_object_add(d, "test", json_object_new_string(test_name(r)));
	json_object_object_add(d, "estimate", json_object_new_string(estimate_name(r)));
	if (!strcmp(r->mode, "ab"))
		json_object_object_add(d, "run_statistic",
				       json_object_new_string(fb_run_stat_name(r->opts.run_stat)));
	side = json_object_new_object();
	json_object_object_add(side, "source", json_object_new_string(r->base));
	json_object_object_add(side, "machine", json_object_new_string(r->base_machine));
	json_object_object_add(d, "base", side);
	side = json_object_new_object();
	json_object_object_add(side, "source", json_object_new_string(r->new_));
	json_object_object_add(side, "machine", json_object_new_string(r->new_machine));
	json_object_object_add(d, "new", side);
	if (r->differ[0])
		json_object_object_add(d, "sides_differ_in", json_object_new_string(r->differ));
	json_object_object_add(d, "notes", json_object_get(r->notes));
	for (size_t i = 0; i < r->nrows; i++) {
		const struct fb_cmp_row *row = &r->rows[i];
		json_object *c = json_object_new_object(), *st, *ci;

		json_object_object_add(c, "label", json_object_new_string(row->label));
		json_object_object_add(c, "name", json_object_new_string(row->full));
		json_object_object_add(c, "config", json_object_get(row->config));
		json_object_object_add(c, "verdict", json_object_new_string(fb_verdict_name(row->verdict)));
		for (int k = 0; k < 2; k++) {
			st = json_object_new_object();
			json_object_object_add(st, "n", json_object_new_int64((int64_t)(k ? row->nb : row->na)));
			json_object_object_add(st, "mean_gbps", fb_json_number(k ? row->mean_b : row->mean_a));
			json_object_object_add(st, "sd_gbps", fb_json_number(k ? row->sd_b : row->sd_a));
			json_object_object_add(c, k ? "new" : "base", st);
		}
		json_object_object_add(c, "change_pct", fb_json_number(row->change_pct));
		ci = json_object_new_array();
		json_object_array_add(ci, fb_json_number(row->ci_lo_pct));
		json_object_array_add(ci, fb_json_number(row->ci_hi_pct));
		json_object_object_add(c, "ci_pct", ci);
		json_object_object_add(c, "p", fb_json_number(row->p));
		if (row->note[0])
			json_object_object_add(c, "note", json_object_new_string(row->note));
		if (row->ratios) {
			json_object *ra = json_object_new_array();

			for (size_t j = 0; j < row->npairs; j++)
				json_object_array_add(ra, fb_json_number(row->ratios[j]));
			json_object_object_add(c, "pair_ratios", ra);
		}
		json_object_array_add(cells, c);
	}
	json_object_object_add(d, "cells", cells);
	s = json_object_new_object();
	json_object_object_add(s, "cells", json_object_new_int64((int64_t)r->nrows));
	json_object_object_add(s, "matched", json_object_new_int64((int64_t)r->matched));
	json_object_object_add(s, "gated", json_object_new_int64((int64_t)r->gated));
	for (int v = 0; v <= FB_V_ONLY_NEW; v++) {
		char k[32];

		snprintf(k, sizeof(k), "%s", fb_verdict_name((enum fb_verdict)v));
		for (char *p = k; *p; p++)
			if (*p == ' ')
				*p = '_';
		json_object_object_add(s, k, json_object_new_int64((int64_t)r->count[v]));
	}
	json_object_object_add(d, "summary", s);
	s = json_object_new_object();
	json_object_object_add(s, "cells", json_object_new_int64((int64_t)r->geomean.n));
	json_object_object_add(s, "base_gbps", fb_json_number(r->geomean.base));
	json_object_object_add(s, "new_gbps", fb_json_number(r->geomean.new_));
	json_object_object_add(s, "change_pct", fb_json_number(r->geomean.change_pct));
	json_object_object_add(d, "geomean", s);
	json_object_object_add(d, "gate", json_object_new_string(gate_word(r)));
	if (r->inconclusive)
		json_object_object_add(d, "inconclusive", json_object_new_string(r->inconclusive));
	json_object_object_add(d, "allow_inconclusive", json_object_new_boolean(r->opts.allow_inconclusive));
	return d;
}

/* The header row above nrows rows of cells, in the one table look. */
void fb_cmp_grid(FILE *f, bool md, int ncols, const char *const *head, const bool *right,
		 char **cells, size_t nrows)
{
	const char **all = calloc((nrows + 1) * (size_t)ncols, sizeof(*all));

	if (!all)
		return;
	for (int c = 0; c < ncols; c++)
		all[c] = head[c];
	for (size_t i = 0; i < nrows * (size_t)ncols; i++)
		all[ncols + i] = cells[i];
	fb_grid_print(f, md ? FB_TABLE_MARKDOWN : FB_TABLE_TEXT, all, nrows + 1, ncols, right);
	free(all);
}

static void fmt_p(double p, char *buf, size_t len)
{
	if (isnan(p))
		snprintf(buf, len, "-");
	else if (p < 0.0001)
		snprintf(buf, len, "<0.0001");
	else
		snprintf(buf, len, "%.4f", p);
}

static void fmt_gbps(double mean, double sd, size_t n, bool ab, char *buf, size_t len)
{
	if (isnan(mean))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f±%.2f (%s%zu)", mean, sd, ab ? "runs " : "n=", n);
}

/* Seven text slots per row, SLOT bytes each. */
#define SLOT 448

static char *row_cells(const struct fb_cmp_row *row, bool ab, bool md)
{
	char *c = calloc(7, SLOT);
	const char *v = fb_verdict_name(row->verdict);
	bool loud = md && (row->verdict == FB_V_REGRESSED || row->verdict == FB_V_IMPROVED);

	snprintf(c, SLOT, "%s", row->label);
	fmt_gbps(row->mean_a, row->sd_a, row->na, ab, c + SLOT, SLOT);
	fmt_gbps(row->mean_b, row->sd_b, row->nb, ab, c + 2 * SLOT, SLOT);
	if (isnan(row->change_pct))
		snprintf(c + 3 * SLOT, SLOT, "-");
	else
		snprintf(c + 3 * SLOT, SLOT, "%s%+.1f%%%s", loud ? "**" : "", row->change_pct, loud ? "**" : "");
	if (isnan(row->ci_lo_pct))
		snprintf(c + 4 * SLOT, SLOT, "-");
	else
		snprintf(c + 4 * SLOT, SLOT, "%+.1f%% .. %+.1f%%", row->ci_lo_pct, row->ci_hi_pct);
	fmt_p(row->p, c + 5 * SLOT, SLOT);
	snprintf(c + 6 * SLOT, SLOT, "%s%s%s%s%s", loud ? "**" : "", v, loud ? "**" : "",
		 row->note[0] ? "; " : "", row->note);
	return c;
}

/* The summary row below the cells; NULL when no cell has both sides. */
static char *geomean_cells(const struct fb_comparison *r)
{
	char *c;

	if (!r->geomean.n || isnan(r->geomean.change_pct))
		return NULL;
	c = calloc(7, SLOT);
	if (!c)
		return NULL;
	snprintf(c, SLOT, "geomean (%zu cell%s)", r->geomean.n, r->geomean.n == 1 ? "" : "s");
	snprintf(c + SLOT, SLOT, "%.2f", r->geomean.base);
	snprintf(c + 2 * SLOT, SLOT, "%.2f", r->geomean.new_);
	snprintf(c + 3 * SLOT, SLOT, "%+.1f%%", r->geomean.change_pct);
	snprintf(c + 4 * SLOT, SLOT, "-");
	snprintf(c + 5 * SLOT, SLOT, "-");
	snprintf(c + 6 * SLOT, SLOT, "summary, not gated");
	return c;
}

static void render_rows(FILE *f, const struct fb_comparison *r, bool md)
{
	bool ab = !strcmp(r->mode, "ab");
	char ci[32], hbase[48], hnew[48];
	const char *head[7] = { "cell", hbase, hnew, "change", ci, "p", "verdict" };
	static const bool right[7] = { false, true, true, true, true, true, false };
	char **cells = calloc(r->nrows * 7 + 7, sizeof(*cells));
	char **blocks = calloc(r->nrows + 1, sizeof(*blocks));

	snprintf(ci, sizeof(ci), "%g%% CI", 100 * (1 - r->opts.alpha));
	/* ab: mean±sd over the runs of each run's best (median, mean) GB/s. */
	snprintf(hbase, sizeof(hbase), "%s GB/s%s%s%s", ab ? "A" : "base", ab ? " (" : "",
		 ab ? fb_run_stat_name(r->opts.run_stat) : "", ab ? ")" : "");
	snprintf(hnew, sizeof(hnew), "%s GB/s%s%s%s", ab ? "B" : "new", ab ? " (" : "",
		 ab ? fb_run_stat_name(r->opts.run_stat) : "", ab ? ")" : "");
	for (size_t i = 0; i < r->nrows; i++) {
		blocks[i] = row_cells(&r->rows[i], ab, md);
		for (int c = 0; c < 7; c++)
			cells[i * 7 + c] = blocks[i] + SLOT * c;
	}
	blocks[r->nrows] = geomean_cells(r);
	for (int c = 0; blocks[r->nrows] && c < 7; c++)
		cells[r->nrows * 7 + c] = blocks[r->nrows] + SLOT * c;
	fb_cmp_grid(f, md, 7, head, right, cells, r->nrows + (blocks[r->nrows] != NULL));
	for (size_t i = 0; i <= r->nrows; i++)
		free(blocks[i]);
	free(blocks);
	free(cells);
}

/* "FAIL", "PASS", or when nothing was gated "INCONCLUSIVE" (with
 * --allow-inconclusive "PASS (inconclusive allowed)") and why. */
static void gate_head(FILE *f, const struct fb_comparison *r)
{
	if (r->fail)
		fputs("FAIL: ", f);
	else if (!r->inconclusive)
		fputs("PASS: ", f);
	else
		fprintf(f, "%s: %s; ", r->opts.allow_inconclusive ?
			"PASS (inconclusive allowed)" : "INCONCLUSIVE", r->inconclusive);
}

static void summary_line(FILE *f, const struct fb_comparison *r)
{
	gate_head(f, r);
	fprintf(f, "%zu of %zu matched cells regressed, %zu improved, %zu unchanged",
		r->count[FB_V_REGRESSED], r->matched, r->count[FB_V_IMPROVED],
		r->count[FB_V_UNCHANGED]);
	if (r->count[FB_V_INCONCLUSIVE])
		fprintf(f, ", %zu inconclusive", r->count[FB_V_INCONCLUSIVE]);
	if (r->count[FB_V_TOO_FEW])
		fprintf(f, ", %zu with too few samples", r->count[FB_V_TOO_FEW]);
	if (r->count[FB_V_FAILED])
		fprintf(f, ", %zu failed", r->count[FB_V_FAILED]);
	fprintf(f, "; %zu of %zu gated", r->gated, r->matched);
	if (r->count[FB_V_ONLY_BASE])
		fprintf(f, "; %zu only in base", r->count[FB_V_ONLY_BASE]);
	if (r->count[FB_V_ONLY_NEW])
		fprintf(f, "; %zu only in new", r->count[FB_V_ONLY_NEW]);
}

static void rule_line(FILE *f, const struct fb_comparison *r)
{
	fprintf(f, "A cell regresses when new is slower by more than %g%% with p < %g (%s); "
		"it is unchanged when the CI lies within +-%g%%, else inconclusive; "
		"change: %s, with its %g%% bootstrap CI.",
		r->opts.threshold_pct, r->opts.alpha, test_name(r), r->opts.threshold_pct,
		estimate_name(r), 100 * (1 - r->opts.alpha));
}

static void render_text(FILE *f, const struct fb_comparison *r, bool md)
{
	bool ab = !strcmp(r->mode, "ab");
	size_t n = json_object_array_length(r->notes);

	if (md) {
		fprintf(f, "### foliobench %s: ", ab ? "ab" : "compare");
		summary_line(f, r);
		fprintf(f, "\n\n- base%s: `%s` (%s)\n- new%s: `%s` (%s)\n", ab ? " (A)" : "", r->base,
			r->base_machine, ab ? " (B)" : "", r->new_, r->new_machine);
		if (r->differ[0])
			fprintf(f, "- A and B differ in %s\n", r->differ);
		if (r->common[0])
			fprintf(f, "- every cell: %s\n", r->common);
		fputc('\n', f);
		rule_line(f, r);
		fputs("\n\n", f);
	} else {
		fprintf(f, "foliobench %s\n  base%s: %s (%s)\n  new%s:  %s (%s)\n", ab ? "ab" : "compare",
			ab ? " (A)" : "", r->base, r->base_machine, ab ? " (B)" : "", r->new_, r->new_machine);
		if (r->differ[0])
			fprintf(f, "  A and B differ in %s\n", r->differ);
		if (r->common[0])
			fprintf(f, "  every cell: %s\n", r->common);
		fputs("  ", f);
		rule_line(f, r);
		fputs("\n\n", f);
	}
	render_rows(f, r, md);
	if (n)
		fputc('\n', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%snote: %s\n", md ? "> " : "",
			json_object_get_string(json_object_array_get_idx(r->notes, i)));
	fputc('\n', f);
	if (md)
		fputs("**", f);
	summary_line(f, r);
	fputs(md ? "**\n" : "\n", f);
}

static void xml_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			/* XML 1.0 forbids most control characters even escaped. */
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				fputc(*s, f);
		}
	}
}

static void render_junit(FILE *f, const struct fb_comparison *r)
{
	size_t skipped = r->count[FB_V_TOO_FEW] + r->count[FB_V_INCONCLUSIVE] +
			 r->count[FB_V_ONLY_BASE] + r->count[FB_V_ONLY_NEW];
	size_t failures = r->count[FB_V_REGRESSED], errors = r->count[FB_V_FAILED];
	size_t tests = r->nrows + (r->inconclusive != NULL);
	bool allowed = r->opts.allow_inconclusive;
	char suite[2300];

	/* A gate that decided nothing is one more case, so a dashboard does
	 * not show a suite of skips as green: an error, skipped if allowed. */
	if (r->inconclusive) {
		skipped += allowed;
		errors += !allowed;
	}
	snprintf(suite, sizeof(suite), "foliobench %s: %s vs %s", r->mode, r->base, r->new_);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<testsuites name=\"foliobench\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n",
		tests, failures, errors, skipped);
	fputs("  <testsuite name=\"", f);
	xml_escape(f, suite);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n",
		tests, failures, errors, skipped);
	fputs("    <properties>\n", f);
	fprintf(f, "      <property name=\"threshold_pct\" value=\"%g\"/>\n", r->opts.threshold_pct);
	fprintf(f, "      <property name=\"alpha\" value=\"%g\"/>\n", r->opts.alpha);
	fputs("      <property name=\"test\" value=\"", f);
	xml_escape(f, test_name(r));
	fputs("\"/>\n      <property name=\"base_machine\" value=\"", f);
	xml_escape(f, r->base_machine);
	fputs("\"/>\n      <property name=\"new_machine\" value=\"", f);
	xml_escape(f, r->new_machine);
	fputs("\"/>\n", f);
	fprintf(f, "      <property name=\"gated\" value=\"%zu\"/>\n", r->gated);
	if (r->geomean.n && !isnan(r->geomean.change_pct))
		fprintf(f, "      <property name=\"geomean_change_pct\" value=\"%.4f\"/>\n",
			r->geomean.change_pct);
	fputs("    </properties>\n", f);
	if (r->inconclusive) {
		fprintf(f, "    <testcase classname=\"foliobench.%s\" name=\"gate\" time=\"0\">\n", r->mode);
		fprintf(f, "      <%s%s message=\"inconclusive: ", allowed ? "skipped" : "error",
			allowed ? "" : " type=\"inconclusive\"");
		xml_escape(f, r->inconclusive);
		fputs(allowed ? " (--allow-inconclusive)\"/>\n" : "\"/>\n", f);
		fputs("    </testcase>\n", f);
	}
	for (size_t i = 0; i < r->nrows; i++) {
		const struct fb_cmp_row *row = &r->rows[i];
		char msg[512], p[32];

		fmt_p(row->p, p, sizeof(p));
		if (isnan(row->change_pct))
			snprintf(msg, sizeof(msg), "%s%s%s", fb_verdict_name(row->verdict),
				 row->note[0] ? ": " : "", row->note);
		else
			snprintf(msg, sizeof(msg),
				 "%s: %+.2f%% (CI %+.2f%% .. %+.2f%%), p %s, base %.3f GB/s, new %.3f GB/s%s%s",
				 fb_verdict_name(row->verdict), row->change_pct, row->ci_lo_pct,
				 row->ci_hi_pct, p, row->mean_a, row->mean_b, row->note[0] ? "; " : "",
				 row->note);
		fprintf(f, "    <testcase classname=\"foliobench.%s\" name=\"", r->mode);
		xml_escape(f, row->full);
		fputs("\" time=\"0\">\n", f);
		switch (row->verdict) {
		case FB_V_REGRESSED:
			fputs("      <failure type=\"regression\" message=\"", f);
			xml_escape(f, msg);
			fputs("\"/>\n", f);
			break;
		case FB_V_FAILED:
			fputs("      <error type=\"cell failed\" message=\"", f);
			xml_escape(f, msg);
			fputs("\"/>\n", f);
			break;
		case FB_V_TOO_FEW:
		case FB_V_INCONCLUSIVE:
		case FB_V_ONLY_BASE:
		case FB_V_ONLY_NEW:
			fputs("      <skipped message=\"", f);
			xml_escape(f, msg);
			fputs("\"/>\n", f);
			break;
		default:
			fputs("      <system-out>", f);
			xml_escape(f, msg);
			fputs("</system-out>\n", f);
		}
		fputs("    </testcase>\n", f);
	}
	fputs("  </testsuite>\n</testsuites>\n", f);
}

char *fb_cmp_json_text(json_object *d)
{
	const char *s = json_object_to_json_string_ext(d, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t n = strlen(s);
	char *t = malloc(n + 2);

	if (t) {
		memcpy(t, s, n);
		t[n] = '\n';
		t[n + 1] = '\0';
	}
	return t;
}

char *fb_comparison_render(const struct fb_comparison *r, enum fb_cmp_fmt fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (fmt == FB_CMP_JSON) {
		json_object *d = fb_comparison_json(r);
		char *t = fb_cmp_json_text(d);

		json_object_put(d);
		return t;
	}
	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	if (fmt == FB_CMP_JUNIT)
		render_junit(f, r);
	else
		render_text(f, r, fmt == FB_CMP_MARKDOWN);
	fclose(f);
	return buf;
}

