// SPDX-License-Identifier: GPL-2.0-only
#include "shapes.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* +1: a is better than b beyond the noise; -1: b better; 0: within it. */
static int compare(const struct fb_ref_value *a, const struct fb_ref_value *b, bool lower_better)
{
	double noise = (isnan(a->sd) ? 0 : a->sd) + (isnan(b->sd) ? 0 : b->sd);
	double floor = 0.02 * fmax(fabs(a->mean), fabs(b->mean));
	double d = lower_better ? b->mean - a->mean : a->mean - b->mean;

	if (noise < floor)
		noise = floor;
	return d > noise ? 1 : d < -noise ? -1 : 0;
}

/* "Most" of n compared steps: more than half. */
bool fb_shape_most(int k, int n)
{
	return 2 * k > n;
}

static void tally(struct fb_shape_result *r, int c)
{
	r->n++;
	if (c > 0)
		r->plus++;
	else if (c < 0)
		r->minus++;
	else
		r->same++;
}

static int first_data_col(const struct fb_ref_table *t)
{
	for (int c = 0; c < t->ncols; c++)
		if (t->cols[c].num < 0)
			return c;
	return -1;
}

static void eval_rise(const struct fb_ref_shape *s, const struct fb_ref_table *t,
		      struct fb_shape_result *r)
{
	char a[32], b[32];

	if (!strcmp(s->axis, t->cols_axis)) {
		for (int i = 0; i < t->nrows; i++) {
			const struct fb_ref_row *row = &t->rows[i];
			int lo = -1, hi = -1;

			for (int c = 0; c < t->ncols; c++) {
				if (t->cols[c].num >= 0 || !fb_ref_has_value(&row->v[c]))
					continue;
				if (lo < 0)
					lo = c;
				hi = c;
			}
			if (lo < 0 || lo == hi)
				continue;
			if (!r->n)
				snprintf(r->detail, sizeof(r->detail), "%s: %s %s -> %s %s",
					 row->label, t->cols[lo].label,
					 fb_ref_value_str(&row->v[lo], a, sizeof(a)), t->cols[hi].label,
					 fb_ref_value_str(&row->v[hi], b, sizeof(b)));
			tally(r, compare(&row->v[hi], &row->v[lo], t->lower_better));
		}
		return;
	}
	for (int c = 0; c < t->ncols; c++) {
		int lo = -1, hi = -1;

		if (t->cols[c].num >= 0)
			continue;
		for (int i = 0; i < t->nrows; i++) {
			if (!fb_ref_has_value(&t->rows[i].v[c]))
				continue;
			if (lo < 0)
				lo = i;
			hi = i;
		}
		if (lo < 0 || lo == hi)
			continue;
		if (!r->n)
			snprintf(r->detail, sizeof(r->detail), "%s%s%s %s -> %s %s",
				 t->ncols > 1 ? t->cols[c].label : "", t->ncols > 1 ? ": " : "",
				 t->rows[lo].label, fb_ref_value_str(&t->rows[lo].v[c], a, sizeof(a)),
				 t->rows[hi].label, fb_ref_value_str(&t->rows[hi].v[c], b, sizeof(b)));
		tally(r, compare(&t->rows[hi].v[c], &t->rows[lo].v[c], t->lower_better));
	}
}

static void eval_beats(const struct fb_ref_shape *s, const struct fb_ref_table *t,
		       struct fb_shape_result *r)
{
	int ca = fb_ref_col_index(t, s->a), cb = fb_ref_col_index(t, s->b);
	char a[32], b[32];

	if (ca < 0 || cb < 0)
		return;
	for (int i = 0; i < t->nrows; i++) {
		const struct fb_ref_row *row = &t->rows[i];

		if (!fb_ref_has_value(&row->v[ca]) || !fb_ref_has_value(&row->v[cb]))
			continue;
		if (!r->n)
			snprintf(r->detail, sizeof(r->detail), "%s: %s vs %s", row->label,
				 fb_ref_value_str(&row->v[ca], a, sizeof(a)),
				 fb_ref_value_str(&row->v[cb], b, sizeof(b)));
		tally(r, compare(&row->v[ca], &row->v[cb], t->lower_better));
	}
}

static void eval_beats_table(const struct fb_ref_table *ta, const struct fb_ref_table *tb,
			     struct fb_shape_result *r)
{
	int ca = first_data_col(ta), cb = first_data_col(tb);
	char a[32], b[32];

	if (ca < 0 || cb < 0)
		return;
	for (int i = 0; i < ta->nrows; i++) {
		int j = fb_ref_row_index(tb, ta->rows[i].label);

		if (j < 0 || !fb_ref_has_value(&ta->rows[i].v[ca]) ||
		    !fb_ref_has_value(&tb->rows[j].v[cb]))
			continue;
		tally(r, compare(&ta->rows[i].v[ca], &tb->rows[j].v[cb], ta->lower_better));
		/* The most telling row: the last one compared. */
		snprintf(r->detail, sizeof(r->detail), "%s: %s vs %s", ta->rows[i].label,
			 fb_ref_value_str(&ta->rows[i].v[ca], a, sizeof(a)),
			 fb_ref_value_str(&tb->rows[j].v[cb], b, sizeof(b)));
	}
}

static void eval_plateau(const struct fb_ref_shape *s, const struct fb_ref_table *t,
			 struct fb_shape_result *r)
{
	int from = fb_ref_row_index(t, s->a), c = first_data_col(t), n = 0;
	double lo = INFINITY, hi = -INFINITY;
	const char *first = NULL, *last = NULL;

	if (from < 0 || c < 0)
		return;
	for (int i = from; i < t->nrows; i++) {
		const struct fb_ref_value *v = &t->rows[i].v[c];

		if (!fb_ref_has_value(v))
			continue;
		lo = fmin(lo, v->mean);
		hi = fmax(hi, v->mean);
		if (!first)
			first = t->rows[i].label;
		last = t->rows[i].label;
		n++;
	}
	if (n < 2)
		return;
	snprintf(r->detail, sizeof(r->detail), "%s..%s: %.2f..%.2f, %.1f%% apart", first, last, lo,
		 hi, hi > 0 ? 100 * (hi - lo) / hi : 0);
	tally(r, hi > 0 && (hi - lo) / hi <= 0.05 ? 1 : -1);
}

void fb_ref_shape_eval(const struct fb_ref_shape *s, const struct fb_ref_table *t,
		       const struct fb_ref_table *b, struct fb_shape_result *r)
{
	memset(r, 0, sizeof(*r));
	switch (s->kind) {
	case FB_SHAPE_RISE:
		eval_rise(s, t, r);
		break;
	case FB_SHAPE_BEATS:
		eval_beats(s, t, r);
		break;
	case FB_SHAPE_BEATS_TABLE:
		if (b)
			eval_beats_table(t, b, r);
		break;
	case FB_SHAPE_PLATEAU:
		eval_plateau(s, t, r);
		break;
	}
	if (!r->n)
		r->verdict = "n/a";
	else if (r->plus && r->minus)
		r->verdict = "mixed";
	else if (fb_shape_most(r->plus, r->n))
		r->verdict = "yes";
	else if (fb_shape_most(r->minus, r->n))
		r->verdict = "no";
	else
		r->verdict = "within noise";
}

/* ---- seed against ours ---- */

const char *fb_shape_agreement_str(enum fb_shape_agreement a)
{
	return a == FB_SHAPE_AGREES ? "agrees" : a == FB_SHAPE_DIFFERS ? "differs" : "cannot tell";
}

/* The value of axis in a selector "AXIS=VALUE[,...]"; false: not in it. */
static bool sel_value(const char *sel, const char *axis, char *val, size_t len)
{
	size_t n = strlen(axis);

	for (const char *p = sel; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		p += strspn(p, " \t");
		if (strncmp(p, axis, n) || p[n] != '=')
			continue;
		snprintf(val, len, "%.*s", (int)strcspn(p + n + 1, ","), p + n + 1);
		return true;
	}
	return false;
}

static bool sels_differ_in(const char *a, const char *b, const char *axis)
{
	char va[FB_REF_SEL], vb[FB_REF_SEL];
	bool ha = sel_value(a, axis, va, sizeof(va)), hb = sel_value(b, axis, vb, sizeof(vb));

	return ha != hb || (ha && strcmp(va, vb));
}

/* Does the claim set cells apart by axis: rise along it, columns or tables
 * that differ in it? */
static bool claim_compares(const struct fb_ref_shape *s, const struct fb_ref_table *a,
			   const struct fb_ref_table *b, const char *axis)
{
	int ca, cb;

	switch (s->kind) {
	case FB_SHAPE_RISE:
		return !strcmp(s->axis, axis);
	case FB_SHAPE_PLATEAU:
		return !strcmp(a->rows_axis, axis);
	case FB_SHAPE_BEATS:
		ca = fb_ref_col_index(a, s->a);
		cb = fb_ref_col_index(a, s->b);
		return ca >= 0 && cb >= 0 && sels_differ_in(a->cols[ca].sel, a->cols[cb].sel, axis);
	case FB_SHAPE_BEATS_TABLE:
		return b && sels_differ_in(a->where, b->where, axis);
	}
	return false;
}

static bool table_on_axis(const struct fb_ref_table *t, const char *axis)
{
	char v[FB_REF_SEL];

	return t && (!strcmp(t->rows_axis, axis) || !strcmp(t->cols_axis, axis) ||
		     sel_value(t->where, axis, v, sizeof(v)));
}

/* How many values of axis (the rows' or the columns') have a measured value
 * in t; one: the label of the last. */
static int axis_values(const struct fb_ref_table *t, const char *axis, const char **one)
{
	bool rows = !strcmp(axis, t->rows_axis);
	int n = 0;

	if (!rows && strcmp(axis, t->cols_axis))
		return -1;
	for (int i = 0; i < (rows ? t->nrows : t->ncols); i++) {
		bool any = false;

		for (int j = 0; j < (rows ? t->ncols : t->nrows) && !any; j++) {
			int r = rows ? i : j, c = rows ? j : i;

			any = t->cols[c].num < 0 && fb_ref_has_value(&t->rows[r].v[c]);
		}
		if (any) {
			*one = rows ? t->rows[i].label : t->cols[i].label;
			n++;
		}
	}
	return n;
}

/* Why a claim cannot show in this run, from its machine and cells; false:
 * it can. */
static bool cannot_show(const struct fb_ref_shape *s, const struct fb_ref_table *a,
			const struct fb_ref_table *b, const struct fb_shape_run *m, char *why,
			size_t len)
{
	const char *one = NULL;

	if (!a)
		return false;
	if (m->llc_domains == 1 && claim_compares(s, a, b, "placement")) {
		snprintf(why, len, "one LLC domain: this run's machine has 1 LLC domain, where spread and fill place the threads on the same CPUs");
		return true;
	}
	if (m->numa_nodes == 1 && (claim_compares(s, a, b, "direction") ||
				   table_on_axis(a, "direction") || table_on_axis(b, "direction"))) {
		snprintf(why, len, "one NUMA node: this run's machine has 1 NUMA node, and the seed's directions run between nodes");
		return true;
	}
	if (s->kind == FB_SHAPE_RISE && axis_values(a, s->axis, &one) == 1) {
		snprintf(why, len, "one value of %s: this run has %s %s only", s->axis, s->axis, one);
		return true;
	}
	if (m->copy_phase) {
		snprintf(why, len, "copy phase: the seed's figures are page migration, this run's the copy alone");
		return true;
	}
	return false;
}

void fb_shape_judge(const struct fb_ref_shape *s, const struct fb_shape_result *seed,
		    const struct fb_shape_result *ours, const struct fb_ref_table *oa,
		    const struct fb_ref_table *ob, const struct fb_shape_run *m,
		    struct fb_shape_verdict *v)
{
	const char *sv = seed->n ? seed->verdict : s->stated >= 0 ? (s->stated ? "yes" : "no") : "n/a";
	const char *ov = ours->verdict;
	char *why = v->why;
	size_t len = sizeof(v->why);

	memset(v, 0, sizeof(*v));
	v->agreement = FB_SHAPE_CANNOT_TELL;
	if (cannot_show(s, oa, ob, m, why, len))
		return;
	if (!strcmp(sv, "n/a")) {
		snprintf(why, len, "no figures: the post gives none for this claim");
	} else if (!strcmp(ov, "n/a")) {
		snprintf(why, len, "nothing to compare: too few cells of this run for this claim");
	} else if (strcmp(sv, "yes") && strcmp(sv, "no")) {
		snprintf(why, len, "seed %s: the seed's own numbers show neither way", sv);
	} else if (!strcmp(ov, "within noise")) {
		snprintf(why, len, "within noise: ours holds in %d of %d, reversed in %d, within noise in %d; agreeing needs most",
			 ours->plus, ours->n, ours->minus, ours->same);
	} else {
		v->agreement = !strcmp(sv, ov) ? FB_SHAPE_AGREES : FB_SHAPE_DIFFERS;
	}
}

/* A side's result in words: "yes (holds in 5 of 5, ...; DETAIL)". */
static void shape_words(const struct fb_ref_shape *s, const struct fb_shape_result *r,
			bool seed, char *buf, size_t len)
{
	if (seed && s->stated >= 0 && !r->n) {
		snprintf(buf, len, "%s (stated in the post, no figures)", s->stated ? "yes" : "no");
		return;
	}
	if (!r->n) {
		snprintf(buf, len, "n/a (nothing to compare%s)", seed ? "" : " in this run");
		return;
	}
	snprintf(buf, len, "%s (holds in %d of %d, reversed in %d, within noise in %d; %s)",
		 r->verdict, r->plus, r->n, r->minus, r->same, r->detail);
}

void fb_shape_print(FILE *f, bool markdown, const struct fb_ref_shape *s,
		    const struct fb_shape_result *seed, const struct fb_shape_result *ours,
		    const struct fb_shape_verdict *v)
{
	const char *agree, *open = "", *close = "";
	char ws[256], wo[256];

	shape_words(s, seed, true, ws, sizeof(ws));
	if (!ours) {
		fprintf(f, markdown ? "- shape: %s: seed **%s**\n" : "shape: %s: seed %s\n", s->text, ws);
		return;
	}
	shape_words(s, ours, false, wo, sizeof(wo));
	agree = fb_shape_agreement_str(v->agreement);
	if (v->why[0]) {
		open = " (";
		close = ")";
	}
	fprintf(f, markdown ? "- shape: %s: seed %s; ours %s: **%s**%s%s%s\n" :
			      "shape: %s: seed %s; ours %s -> %s%s%s%s\n",
		s->text, ws, wo, agree, open, v->why, close);
}
