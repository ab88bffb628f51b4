// SPDX-License-Identifier: GPL-2.0-only
/*
 * The gate's names (verdicts, run statistics, report formats), and cells'
 * matching keys and row labels, both from the axis registry (axis.h): the
 * key axes in the registry's order, each as fb_axis_key_text and
 * fb_axis_label have it.
 *
 * Not in the key: total_bytes (folio_size x folio_count), verify (outside
 * the timing), and cpus unless the user listed them: for spread/fill they
 * follow from the machine's topology.  A function cell is keyed by the
 * function; the primitive the modelled kernel picked is an outcome, and a
 * change of it is reported rather than hiding the cell.
 */
#include "compare_int.h"

#include <stdio.h>
#include <string.h>

#include "axis.h"
#include "results.h"
#include "table.h"
#include "util.h"

static const char *const verdict_names[] = {
	[FB_V_UNCHANGED] = "unchanged", [FB_V_IMPROVED] = "improved",
	[FB_V_REGRESSED] = "regressed", [FB_V_INCONCLUSIVE] = "inconclusive",
	[FB_V_TOO_FEW] = "too few samples",
	[FB_V_FAILED] = "failed", [FB_V_ONLY_BASE] = "only in base",
	[FB_V_ONLY_NEW] = "only in new",
};

const char *fb_verdict_name(enum fb_verdict v)
{
	return verdict_names[v];
}

static const char *const run_stat_names[] = { "best", "median", "mean" };

const char *fb_run_stat_name(enum fb_run_stat s)
{
	return run_stat_names[s];
}

int fb_run_stat_parse(const char *s, enum fb_run_stat *out)
{
	for (int i = 0; i < 3; i++) {
		if (!strcmp(s, run_stat_names[i])) {
			*out = (enum fb_run_stat)i;
			return 0;
		}
	}
	return -1;
}

int fb_cmp_fmt_parse(const char *s, enum fb_cmp_fmt *f)
{
	/* the one set of --format names (table.h); "text" is table too */
	int g = fb_format_parse(s, FB_FMT_BIT(FB_FMT_TABLE) | FB_FMT_BIT(FB_FMT_MARKDOWN) |
				FB_FMT_BIT(FB_FMT_JUNIT) | FB_FMT_BIT(FB_FMT_JSON));

	if (g < 0)
		return -1;
	*f = g == FB_FMT_TABLE ? FB_CMP_TABLE : g == FB_FMT_MARKDOWN ? FB_CMP_MARKDOWN :
	     g == FB_FMT_JUNIT ? FB_CMP_JUNIT : FB_CMP_JSON;
	return 0;
}

const char *fb_cmp_cfg_str(json_object *cfg, const char *k, const char *dflt)
{
	const char *s = fb_json_str(cfg, k, NULL);

	return s && *s ? s : dflt;
}

unsigned fb_cmp_key_axes(void)
{
	unsigned keys = 0;

	for (size_t i = 0; i < fb_naxes; i++)
		if (fb_axes[i].flags & FB_AXIS_KEY)
			keys |= 1u << i;
	return keys;
}

unsigned fb_cmp_axis_bit(const char *name)
{
	const struct fb_axis *a = fb_axis_find(name);

	return a ? 1u << (a - fb_axes) : 0;
}

void fb_cmp_key(json_object *config, unsigned mask, char *buf, size_t len)
{
	unsigned keys = fb_cmp_key_axes() & ~mask;
	size_t off = 0;
	char v[FB_CMP_KEYLEN / 2];

	buf[0] = '\0';
	for (size_t i = 0; i < fb_naxes && off < len; i++) {
		if (!(keys & (1u << i)))
			continue;
		fb_axis_key_text(&fb_axes[i], config, v, sizeof(v));
		off += (size_t)snprintf(buf + off, len - off, "%s=%s;", fb_axes[i].name, v);
	}
}

/* Key axes whose value differs between some of the configs. */
static unsigned varying_axes(json_object **cfgs, size_t n)
{
	unsigned vary = 0, keys = fb_cmp_key_axes();
	char a[256], b[256];

	for (size_t k = 0; k < fb_naxes; k++) {
		if (!(keys & (1u << k)))
			continue;
		for (size_t i = 1; i < n && !(vary & (1u << k)); i++) {
			fb_axis_key_text(&fb_axes[k], cfgs[0], a, sizeof(a));
			fb_axis_key_text(&fb_axes[k], cfgs[i], b, sizeof(b));
			if (strcmp(a, b))
				vary |= 1u << k;
		}
	}
	/* One direction text, on the source node's label, covers both nodes. */
	if (vary & fb_cmp_axis_bit("dst_node"))
		vary |= fb_cmp_axis_bit("src_node");
	return vary;
}

void fb_cmp_make_label(json_object *cfg, unsigned which, bool full, char *buf, size_t len)
{
	size_t off = 0;
	char t[256];

	buf[0] = '\0';
	for (size_t k = 0; k < fb_naxes && off < len; k++) {
		if (!(which & (1u << k)))
			continue;
		fb_axis_label(&fb_axes[k], cfg, full, t, sizeof(t));
		if (*t)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? " " : "", t);
	}
}

void fb_cmp_full_label(json_object *cfg, char *buf, size_t len)
{
	fb_cmp_make_label(cfg, fb_cmp_key_axes(), true, buf, len);
}

/* With one total per cell, the folio count follows from the folio size and
 * is no axis of its own (as in the tables); the common line names the total. */
unsigned fb_cmp_label_axes(json_object **cfgs, size_t n, char *common, size_t len)
{
	unsigned vary = varying_axes(cfgs, n), all = fb_cmp_key_axes();
	unsigned fsize = fb_cmp_axis_bit("folio_size"), fcount = fb_cmp_axis_bit("folio_count");
	bool one_total = true;
	char t[32];

	for (size_t i = 1; i < n && one_total; i++)
		one_total = fb_json_num(cfgs[i], "total_bytes", 0) == fb_json_num(cfgs[0], "total_bytes", 0);
	if (one_total && (vary & fsize)) {
		vary &= ~fcount;
		all &= ~fcount;
	}
	common[0] = '\0';
	if (n && vary) {
		fb_cmp_make_label(cfgs[0], all & ~vary, true, common, len);
		if (!(all & fcount) && strlen(common) + 40 < len)
			snprintf(common + strlen(common), len - strlen(common), "%s%s per cell",
				 common[0] ? " " : "",
				 fb_size_str((uint64_t)fb_json_num(cfgs[0], "total_bytes", 0), t, sizeof(t)));
	}
	return vary;
}
