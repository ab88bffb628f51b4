// SPDX-License-Identifier: GPL-2.0-only
/* The statistics module against values computed by hand. */
#include <math.h>
#include <stdio.h>

#include "stats.h"
#include "check.h"

static int near(double a, double b, double tol)
{
	return fabs(a - b) <= tol;
}

int main(void)
{
	/* Classic example: mean 5, sample variance 32/7. */
	const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	const double one[] = { 3.5 };
	const double odd[] = { 9, 1, 5 };
	struct fb_stats s;

	fb_stats_compute(x, 8, &s);
	check(s.n == 8, "n");
	check(near(s.mean, 5.0, 1e-12), "mean of 2,4,4,4,5,5,7,9 is 5");
	check(near(s.sd, sqrt(32.0 / 7.0), 1e-12), "sample sd is sqrt(32/7)");
	check(near(s.median, 4.5, 1e-12), "median of an even count averages the middle two");
	check(s.min == 2 && s.max == 9, "min and max");
	check(near(s.ci_hi - s.mean, 2.365 * sqrt(32.0 / 7.0) / sqrt(8.0), 1e-9),
	      "95% CI half-width uses t(7) = 2.365");
	check(near(s.mean - s.ci_lo, s.ci_hi - s.mean, 1e-12), "CI is symmetric");
	check(near(fb_stats_ci_pct(&s), 100 * (s.ci_hi - s.mean) / 5.0, 1e-12), "CI in percent");
	check(x[0] == 2 && x[7] == 9, "input left unsorted");

	fb_stats_compute(odd, 3, &s);
	check(s.median == 5, "median of an odd count is the middle value");

	fb_stats_compute(one, 1, &s);
	check(s.mean == 3.5 && s.sd == 0 && isnan(s.ci_lo), "one sample: no CI");
	check(isinf(fb_stats_ci_pct(&s)), "one sample: CI percent is infinite");

	fb_stats_compute(x, 0, &s);
	check(s.n == 0 && isnan(s.mean), "no samples: NaN, not zero");

	check(near(fb_t95(1), 12.706, 1e-9), "t(1)");
	check(near(fb_t95(30), 2.042, 1e-9), "t(30)");
	check(near(fb_t95(60), 2.000, 0.002), "t(60) ~ 2.000");
	check(near(fb_t95(1000), 1.962, 0.001), "t(1000) ~ 1.962");
	check(fb_t95(31) < fb_t95(30) && fb_t95(31) > fb_t95(60), "t decreases with df");

	/* Large offsets: Welford keeps the variance exact. */
	{
		double big[4] = { 1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4 };

		fb_stats_compute(big, 4, &s);
		check(near(s.sd, sqrt(5.0 / 3.0), 1e-6), "sd stable far from zero");
	}
	return check_finish();
}
