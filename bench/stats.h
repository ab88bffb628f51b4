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

#endif
