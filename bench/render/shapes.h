/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The checks of a seed's claims on a table in the seed's layout (shape
 * lines of runners/reference/NAME.ref): does throughput rise along an axis,
 * does one column beat another, does one table beat another, does a sweep
 * plateau.  They run on the seed's numbers and on ours alike.
 */
#ifndef FB_SHAPES_H
#define FB_SHAPES_H
#include <stdio.h>

#include "reference.h"

/*
 * One shape check on one table (b: the other table of a BEATS_TABLE, in the
 * same world: the seed's or ours).  Per row (or column) a step is "+" when
 * the claim holds beyond the noise (the two sds added, at least 2%), "-"
 * when the opposite holds beyond it, "=" otherwise.  verdict, "most" meaning
 * more than half of the steps compared (fb_shape_most):
 *   "yes"          + in most steps, - in none
 *   "no"           - in most steps, + in none
 *   "mixed"        + in some steps, - in others
 *   "within noise" neither: = in most, or too few steps beyond the noise
 *   "n/a"          nothing to compare
 */
struct fb_shape_result {
	const char *verdict;
	int plus, minus, same, n;
	char detail[160]; /* e.g. "4K 1.72 -> 2M 10.73 at 1" for the first step */
};
void fb_ref_shape_eval(const struct fb_ref_shape *s, const struct fb_ref_table *t,
		       const struct fb_ref_table *b, struct fb_shape_result *r);
bool fb_shape_most(int k, int n);

/* What a claim's verdict depends on in the run: its machine (0: not
 * recorded), and whether it is a copy beside the seed's migration figures. */
struct fb_shape_run {
	int llc_domains, numa_nodes;
	bool copy_phase;
};

enum fb_shape_agreement { FB_SHAPE_AGREES, FB_SHAPE_DIFFERS, FB_SHAPE_CANNOT_TELL };

/*
 * Seed against ours on one claim.  "agrees": both "yes" (or both "no",
 * including a claim the post only states in words); "differs": ours is the
 * opposite or "mixed"; "cannot tell" otherwise, with why as "REASON: detail"
 * (REASON is one of a few short phrases, which the runners' summary counts):
 * the claim cannot show in this run (one LLC domain for a placement claim,
 * one NUMA node for a direction claim, one value of a rise's axis, a copy
 * run for a claim about migration), or
 * either side has nothing to compare, or ours is within noise, or the
 * seed's own numbers are not "yes"/"no".
 */
struct fb_shape_verdict {
	enum fb_shape_agreement agreement;
	char why[240]; /* "" unless cannot tell */
};
const char *fb_shape_agreement_str(enum fb_shape_agreement a);
/* seed/ours: the results on the seed's tables and ours; oa/ob: our tables
 * the claim was checked on (ob: the other table of a BEATS_TABLE). */
void fb_shape_judge(const struct fb_ref_shape *s, const struct fb_shape_result *seed,
		    const struct fb_shape_result *ours, const struct fb_ref_table *oa,
		    const struct fb_ref_table *ob, const struct fb_shape_run *m,
		    struct fb_shape_verdict *v);

/* One claim's report line: "shape: TEXT: seed WORDS; ours WORDS -> VERDICT
 * (why)", markdown "- shape: ...: **VERDICT** (why)"; ours NULL (no run):
 * the seed's words only, v unused. */
void fb_shape_print(FILE *f, bool markdown, const struct fb_ref_shape *s,
		    const struct fb_shape_result *seed, const struct fb_shape_result *ours,
		    const struct fb_shape_verdict *v);

#endif
