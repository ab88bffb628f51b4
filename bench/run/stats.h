/* SPDX-License-Identifier: GPL-2.0-only */
/* The one statistics module: every backend's samples go through here. */
#ifndef FB_STATS_H
#define FB_STATS_H
#include <stddef.h>

struct fb_stats {
	size_t n;
	double mean, sd, median, min, max;
	double ci_lo, ci_hi;     /* 95% confidence interval of the mean */
};

/* Student's t two-sided 95% quantile for df degrees of freedom. */
double fb_t95(size_t df);
/* Statistics of x[0..n); x is not modified. */
void fb_stats_compute(const double *x, size_t n, struct fb_stats *s);
/* Half-width of the CI relative to the mean, in percent (inf for n < 2). */
double fb_stats_ci_pct(const struct fb_stats *s);

/*
 * Tests for the regression gate.  Each returns the statistic and stores the
 * two-sided p-value, computed the way scipy 1.10 does by default so results
 * can be checked against it.
 */
/* Mann-Whitney U of a against b; returns U of a.  Exact distribution when
 * the smaller sample has at most 8 values and there are no ties, else the
 * normal approximation with tie and continuity correction.  p is 1 when
 * every value is equal, NaN when a side is empty. */
double fb_mann_whitney(const double *a, size_t na, const double *b, size_t nb, double *p);
/* Smallest two-sided p-value the exact U test can give for these sizes:
 * below it the test can never reject (3 vs 3 values: 0.1). */
double fb_mann_whitney_min_p(size_t na, size_t nb);
/* Wilcoxon signed-rank test of d (paired differences) against 0; returns
 * min(W+, W-) after dropping zeros.  Exact for up to 50 values without zeros
 * or ties, else the normal approximation with tie correction. */
double fb_wilcoxon(const double *d, size_t n, double *p);
/* Smallest two-sided p the exact signed-rank test can give for n pairs
 * without zeros: 2 / 2^n (5 pairs: 0.0625). */
double fb_wilcoxon_min_p(size_t n);
/* sd of a ratio of two independent means (first-order error propagation:
 * relative sds add in quadrature); a NaN sd counts as 0. */
double fb_ratio_sd(double num, double num_sd, double den, double den_sd);
/* Percentile bootstrap CI at level (e.g. 0.95) from iters resamples, with a
 * fixed-seed generator so the same input always gives the same interval:
 * of mean(b) / mean(a), each side resampled on its own ... */
void fb_bootstrap_ratio_ci(const double *a, size_t na, const double *b, size_t nb,
			   unsigned iters, double level, unsigned long long seed,
			   double *lo, double *hi);
/* ... and of any statistic of one sample x (fb_mean, fb_hodges_lehmann). */
void fb_bootstrap_ci(const double *x, size_t n, double (*stat)(const double *, size_t),
		     unsigned iters, double level, unsigned long long seed,
		     double *lo, double *hi);
double fb_mean(const double *x, size_t n);
/* exp(mean(log x)); NaN when n is 0 or some x is not positive. */
double fb_geomean(const double *x, size_t n);
/* Hodges-Lehmann estimate: the median of the pairwise means (x_i + x_j) / 2,
 * i <= j; the location estimate that goes with the signed-rank test. */
double fb_hodges_lehmann(const double *x, size_t n);

#endif
