#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Two-sided 95% Student t quantiles, df = 1..30 (standard table). */
static const double t95_table[30] = {
	12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
	2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
	2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
};

double fb_t95(size_t df)
{
	double z = 1.959964, z3, z5;

	if (df == 0)
		return INFINITY;
	if (df <= 30)
		return t95_table[df - 1];
	/* Cornish-Fisher expansion of t in terms of the normal quantile. */
	z3 = z * z * z;
	z5 = z3 * z * z;
	return z + (z3 + z) / (4.0 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * df * df);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void fb_stats_compute(const double *x, size_t n, struct fb_stats *s)
{
	double m2 = 0, mean = 0, half;
	double *sorted;

	memset(s, 0, sizeof(*s));
	s->n = n;
	if (n == 0) {
		s->mean = s->sd = s->median = s->min = s->max = NAN;
		s->ci_lo = s->ci_hi = NAN;
		return;
	}
	/* Welford: stable for samples far from zero. */
	for (size_t i = 0; i < n; i++) {
		double d = x[i] - mean;

		mean += d / (double)(i + 1);
		m2 += d * (x[i] - mean);
	}
	s->mean = mean;
	s->sd = n > 1 ? sqrt(m2 / (double)(n - 1)) : 0.0;

	sorted = malloc(n * sizeof(*sorted));
	if (sorted) {
		memcpy(sorted, x, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), cmp_double);
		s->min = sorted[0];
		s->max = sorted[n - 1];
		s->median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
		free(sorted);
	}
	if (n > 1) {
		half = fb_t95(n - 1) * s->sd / sqrt((double)n);
		s->ci_lo = mean - half;
		s->ci_hi = mean + half;
	} else {
		s->ci_lo = s->ci_hi = NAN;
	}
}

double fb_stats_ci_pct(const struct fb_stats *s)
{
	if (s->n < 2 || s->mean == 0)
		return INFINITY;
	return 100.0 * (s->ci_hi - s->mean) / fabs(s->mean);
}
