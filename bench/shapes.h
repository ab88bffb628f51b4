/*
 * The checks of a seed's claims on a table in the seed's layout (shape
 * lines of results/reference/NAME.ref): does throughput rise along an axis,
 * does one column beat another, does one table beat another, does a sweep
 * plateau.  They run on the seed's numbers and on ours alike.
 */
#ifndef FB_SHAPES_H
#define FB_SHAPES_H
#include "reference.h"

/*
 * One shape check on one table (b: the other table of a BEATS_TABLE, in the
 * same world: the seed's or ours).  Per row (or column) a step is "+" when
 * the claim holds beyond the noise (the two sds added, at least 2%), "-"
 * when the opposite holds beyond it, "=" otherwise.  verdict: "yes" (some
 * +, no -), "no" (no +), "mixed" (both), "n/a" (nothing to compare).
 */
struct fb_shape_result {
	const char *verdict;
	int plus, minus, same, n;
	char detail[160]; /* e.g. "4K 1.72 -> 2M 10.73 at 1" for the first step */
};
void fb_ref_shape_eval(const struct fb_ref_shape *s, const struct fb_ref_table *t,
		       const struct fb_ref_table *b, struct fb_shape_result *r);

#endif
