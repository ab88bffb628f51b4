// SPDX-License-Identifier: GPL-2.0-only
/*
 * The gate's statistics: Mann-Whitney U and Wilcoxon signed-rank p-values
 * against scipy 1.10 (scipy.stats.mannwhitneyu(a, b) and
 * scipy.stats.wilcoxon(d) with default arguments unless noted; the numbers
 * are constants here, scipy is not needed to run the test), and the
 * bootstrap's reproducibility.  No timing anywhere.
 */
#include <math.h>
#include <stdio.h>

#include "stats.h"
#include "check.h"

#define N(x) (sizeof(x) / sizeof((x)[0]))

static void mwu(const char *what, const double *a, size_t na, const double *b, size_t nb,
		double want_u, double want_p)
{
	double p, u = fb_mann_whitney(a, na, b, nb, &p);
	char buf[160];

	snprintf(buf, sizeof(buf), "%s: U %.1f (scipy %.1f), p %.12g (scipy %.12g)", what, u,
		 want_u, p, want_p);
	check(fabs(u - want_u) < 1e-9 && fabs(p - want_p) <= 1e-9 * fmax(1, want_p) + 1e-12, buf);
}

static void wil(const char *what, const double *d, size_t n, double want_t, double want_p)
{
	double p, t = fb_wilcoxon(d, n, &p);
	char buf[160];

	snprintf(buf, sizeof(buf), "%s: T %.1f (scipy %.1f), p %.12g (scipy %.12g)", what, t,
		 want_t, p, want_p);
	check(fabs(t - want_t) < 1e-9 && fabs(p - want_p) <= 1e-9 * fmax(1, want_p) + 1e-12, buf);
}

int main(void)
{
	/* Exact distribution: no ties, the smaller side at most 8 values. */
	static const double a1[] = { 1.1, 2.3, 3.5, 4.2, 5.9 };
	static const double b1[] = { 2.0, 6.1, 7.4, 8.8, 9.3, 10.5 };
	static const double a2[] = { 10.2, 10.9, 11.4 };
	static const double b2[] = { 9.1, 9.4, 9.6, 9.7, 9.9, 10.0, 10.1, 10.3, 10.4, 10.5,
				     10.6, 10.7, 10.8, 11.0, 11.1, 11.2, 11.3, 11.5, 11.6, 11.7 };
	static const double a3[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const double b3[] = { 9, 10, 11, 12, 13, 14, 15, 16 };
	/* Normal approximation: ties, or both sides above 8. */
	static const double a4[] = { 9.5, 9.5, 9.7, 9.8, 10.0, 10.0, 10.1, 10.2, 10.4, 10.4 };
	static const double b4[] = { 9.8, 9.9, 10.0, 10.2, 10.3, 10.4, 10.5, 10.5, 10.6, 10.8,
				     10.9, 11.0 };
	static const double a5[] = { 9.43, 9.19, 9.76, 9.35, 9.26, 9.58, 9.61, 9.02, 9.47 };
	static const double b5[] = { 8.70, 9.18, 9.26, 8.77, 8.91, 9.05, 8.66, 9.11, 8.84,
				     8.98, 9.21, 8.59 };
	static const double a6[] = { 1, 2, 2, 3 };
	static const double b6[] = { 2, 3, 4, 5, 5 };
	static const double same[] = { 4, 4, 4, 4 };

	mwu("exact 5 vs 6", a1, N(a1), b1, N(b1), 4.0, 0.05194805194805195);
	mwu("exact 3 vs 20", a2, N(a2), b2, N(b2), 37.0, 0.5725578769057029);
	mwu("exact 8 vs 8, fully separated", a3, N(a3), b3, N(b3), 0.0, 0.0001554001554001554);
	mwu("asymptotic 10 vs 12 with ties", a4, N(a4), b4, N(b4), 23.0, 0.01573805122359156);
	mwu("asymptotic 9 vs 12 (GB/s-like)", a5, N(a5), b5, N(b5), 100.5, 0.001074944376732353);
	mwu("small with ties -> asymptotic", a6, N(a6), b6, N(b6), 2.5, 0.07854585095119067);
	{
		double p, u = fb_mann_whitney(same, 4, same, 4, &p);

		check(u == 8 && p == 1, "all values equal: p = 1");
		fb_mann_whitney(a1, 0, b1, 6, &p);
		check(isnan(p), "an empty side: p is NaN");
	}
	check(fabs(fb_mann_whitney_min_p(3, 3) - 0.1) < 1e-12, "3 vs 3 can never reach p < 0.1");
	check(fabs(fb_mann_whitney_min_p(5, 5) - 2.0 / 252) < 1e-12, "5 vs 5: smallest p is 2/252");
	check(fabs(fb_mann_whitney_min_p(8, 8) - 0.0001554001554001554) < 1e-12,
	      "min p agrees with the exact test on separated samples");

	/* Wilcoxon signed-rank on log ratios. */
	{
		static const double d1[] = { 0.021, -0.013, 0.034, 0.008, -0.002, 0.045, 0.017,
					     -0.029, 0.011, 0.038 };
		static const double d2[] = { -0.10, -0.08, -0.12, -0.09, -0.11, -0.095 };
		/* scipy.stats.wilcoxon(d3, mode='approx'): zeros dropped, ties corrected. */
		static const double d3[] = { 0.5, -0.5, 1.0, 0.0, 2.0, 1.0, -1.5, 3.0, 0.5, 2.5,
					     1.0, -0.25 };
		static const double d4[] = {
			0.020368, 0.034649, 0.019913, -0.029095, 0.037161, 0.023391, -0.006109,
			0.027434, 0.020937, 0.018824, 0.010853, 0.026401, -0.012094, 0.005113,
			-0.004464, 0.027965, 0.011192, 0.001226, -0.013457, 0.002284, 0.010244,
			0.001732, 0.048822, 0.040202, -0.071335, -0.04667, 0.004757, -0.002666,
			0.016409, 0.01652, 0.073535, -0.023361, -0.001328, 0.071283, 0.029401,
			0.029892, -0.00542, -0.039442, 0.015024, 0.01327, -0.026821, -0.010497,
			0.007839, -0.018343, 0.007052, 0.012864, 0.011068, -0.005189, 0.027812,
			0.036735, 0.019625, -0.014547, 0.03195, -0.005043, 0.036375, -0.022154,
			0.037434, 0.009398, -0.027462, 0.000583 };
		static const double zeros[] = { 0, 0, 0 };
		double p;

		wil("exact, 10 pairs", d1, N(d1), 12.0, 0.130859375);
		wil("exact, 6 pairs all slower: 2/64", d2, N(d2), 0.0, 0.03125);
		wil("approximation with a zero and ties", d3, N(d3), 12.0, 0.06085441782734202);
		wil("approximation, 60 pairs", d4, N(d4), 551.0, 0.00737050105362817);
		fb_wilcoxon(zeros, 3, &p);
		check(isnan(p), "all differences zero: p is NaN (no test)");
	}

	/* Hodges-Lehmann: median of the 15 pairwise means of 1.1..5.9 is 3.5
	 * (scipy: numpy.median of the Walsh averages). */
	check(fabs(fb_hodges_lehmann(a1, N(a1)) - 3.5) < 1e-12, "Hodges-Lehmann of a1 is 3.5");
	{
		static const double out[] = { 0.01, 0.02, -0.01, 0.015, 0.005, -0.5 };

		check(fabs(fb_hodges_lehmann(out, N(out)) - 0.005) < 1e-12,
		      "Hodges-Lehmann shrugs off one outlier (0.005; the mean is -0.077)");
	}

	/* Bootstrap: reproducible, ordered, and sensible on degenerate input. */
	{
		double lo1, hi1, lo2, hi2, lo90, hi90, lo99, hi99, r = 0;
		double ma = 0, mb = 0;

		for (size_t i = 0; i < N(a5); i++)
			ma += a5[i] / N(a5);
		for (size_t i = 0; i < N(b5); i++)
			mb += b5[i] / N(b5);
		r = mb / ma;
		fb_bootstrap_ratio_ci(a5, N(a5), b5, N(b5), 2000, 0.95, 42, &lo1, &hi1);
		fb_bootstrap_ratio_ci(a5, N(a5), b5, N(b5), 2000, 0.95, 42, &lo2, &hi2);
		check(lo1 == lo2 && hi1 == hi2, "same input and seed: the same interval");
		check(lo1 < r && r < hi1, "ratio CI contains the ratio of means");
		check(lo1 > 0.93 && hi1 < 0.99, "ratio CI of a ~4% drop stays around 0.96");
		fb_bootstrap_ratio_ci(a5, N(a5), b5, N(b5), 2000, 0.90, 42, &lo90, &hi90);
		fb_bootstrap_ratio_ci(a5, N(a5), b5, N(b5), 2000, 0.99, 42, &lo99, &hi99);
		check(lo99 <= lo90 && hi90 <= hi99, "a 99% interval contains the 90% one");
		fb_bootstrap_ratio_ci(same, 4, same, 4, 500, 0.95, 1, &lo1, &hi1);
		check(lo1 == 1 && hi1 == 1, "constant samples: ratio CI is [1, 1]");
		fb_bootstrap_ci(a1, N(a1), fb_mean, 2000, 0.95, 7, &lo1, &hi1);
		check(lo1 < 3.4 && 3.4 < hi1 && lo1 >= 1.1 && hi1 <= 5.9,
		      "mean CI contains the mean and stays within the data");
		fb_bootstrap_ci(a1, N(a1), fb_hodges_lehmann, 2000, 0.95, 7, &lo2, &hi2);
		check(lo2 < 3.5 && 3.5 < hi2, "Hodges-Lehmann CI contains the estimate");
	}
	return check_finish();
}
