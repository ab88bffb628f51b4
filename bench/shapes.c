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
	else if (r->plus)
		r->verdict = "yes";
	else
		r->verdict = "no";
}
