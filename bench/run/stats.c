// SPDX-License-Identifier: GPL-2.0-only
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

/* ---- Tests for the regression gate (compare, ab) ---- */

/* Upper tail of the standard normal distribution. */
static double fb_normal_sf(double z)
{
	return 0.5 * erfc(z / sqrt(2.0));
}

struct ranked {
	double v;
	size_t i;
};

static int cmp_ranked(const void *a, const void *b)
{
	double x = ((const struct ranked *)a)->v, y = ((const struct ranked *)b)->v;

	return (x > y) - (x < y);
}

/*
 * 1-based ranks of v[0..n) into r[], ties given their average rank (as
 * scipy's rankdata); returns the tie term sum(t^3 - t) over tie groups.
 */
static double rank_average(const double *v, size_t n, double *r)
{
	struct ranked *s = malloc((n ? n : 1) * sizeof(*s));
	double tie = 0;

	if (!s)
		return NAN;
	for (size_t i = 0; i < n; i++)
		s[i] = (struct ranked){ v[i], i };
	qsort(s, n, sizeof(*s), cmp_ranked);
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j + 1 < n && s[j + 1].v == s[i].v)
			j++;
		/* Positions i..j (0-based) share the mean of ranks i+1..j+1. */
		for (size_t k = i; k <= j; k++)
			r[s[k].i] = (double)(i + j + 2) / 2.0;
		if (j > i) {
			double t = (double)(j - i + 1);

			tie += t * t * t - t;
		}
		i = j + 1;
	}
	free(s);
	return tie;
}

/*
 * P(U >= u) for samples of m and n values without ties.  The counts of U
 * are the coefficients of the Gaussian binomial [m+n choose m](q), built as
 * prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i); each step is scaled by i/(n+i)
 * so the coefficients stay probabilities and never overflow.
 */
static double mwu_exact_sf(size_t m, size_t n, double u)
{
	size_t deg = 0, len = m * n + m + 2;
	double *c, sf = 0;

	if (m > n) {
		size_t t = m;

		m = n;
		n = t;
	}
	c = calloc(len, sizeof(*c));
	if (!c)
		return NAN;
	c[0] = 1;
	for (size_t i = 1; i <= m; i++) {
		size_t k = n + i, top = deg + k;

		for (size_t j = top; j >= k; j--)   /* times (1 - q^k) */
			c[j] -= c[j - k];
		for (size_t j = i; j <= top; j++)   /* divided by (1 - q^i) */
			c[j] += c[j - i];
		deg += n;
		for (size_t j = 0; j <= top; j++)
			c[j] = j <= deg ? c[j] * (double)i / (double)k : 0;
	}
	for (size_t j = 0; j <= deg; j++)
		if ((double)j >= u - 1e-9)
			sf += c[j];
	free(c);
	return sf;
}

double fb_mann_whitney(const double *a, size_t na, const double *b, size_t nb, double *p)
{
	size_t n = na + nb;
	double *v, *r, tie, r1 = 0, u1, u2, u;

	*p = NAN;
	if (!na || !nb)
		return NAN;
	v = malloc(n * sizeof(*v));
	r = malloc(n * sizeof(*r));
	if (!v || !r) {
		free(v);
		free(r);
		return NAN;
	}
	memcpy(v, a, na * sizeof(*v));
	memcpy(v + na, b, nb * sizeof(*v));
	tie = rank_average(v, n, r);
	if (isnan(tie)) { /* out of memory: no ranks, no p */
		free(v);
		free(r);
		return NAN;
	}
	for (size_t i = 0; i < na; i++)
		r1 += r[i];
	u1 = r1 - (double)na * (double)(na + 1) / 2.0;
	u2 = (double)na * (double)nb - u1;
	u = u1 > u2 ? u1 : u2;
	if ((na <= 8 || nb <= 8) && tie == 0) {
		*p = 2 * mwu_exact_sf(na, nb, u);
	} else {
		double mu = (double)na * (double)nb / 2.0, dn = (double)n;
		double s = sqrt((double)na * (double)nb / 12.0 * ((dn + 1) - tie / (dn * (dn - 1))));

		/* Every value equal: no evidence of any difference. */
		*p = s > 0 ? 2 * fb_normal_sf((u - mu - 0.5) / s) : 1.0;
	}
	if (*p > 1)
		*p = 1;
	free(v);
	free(r);
	return u1;
}

double fb_mann_whitney_min_p(size_t na, size_t nb)
{
	double c = 1;

	/* 2 / C(na+nb, na): only the most extreme arrangement, either way. */
	for (size_t i = 1; i <= na; i++)
		c = c * (double)(nb + i) / (double)i;
	return na && nb ? fmin(1.0, 2.0 / c) : 1.0;
}

double fb_ratio_sd(double num, double num_sd, double den, double den_sd)
{
	double rn = isnan(num_sd) ? 0 : num_sd / num, rd = isnan(den_sd) ? 0 : den_sd / den;

	return num / den * sqrt(rn * rn + rd * rd);
}

double fb_wilcoxon_min_p(size_t n)
{
	return fmin(1.0, ldexp(2.0, -(int)(n < 1000 ? n : 1000)));
}

double fb_wilcoxon(const double *d, size_t n, double *p)
{
	double *nz = malloc((n ? n : 1) * sizeof(*nz)), *absd, *r, tie, wp = 0, wm = 0, t;
	size_t m = 0;

	*p = NAN;
	if (!nz)
		return NAN;
	for (size_t i = 0; i < n; i++)
		if (d[i] != 0)
			nz[m++] = d[i];
	if (!m) {
		free(nz);
		return NAN;
	}
	absd = malloc(m * sizeof(*absd));
	r = malloc(m * sizeof(*r));
	if (!absd || !r) {
		free(nz);
		free(absd);
		free(r);
		return NAN;
	}
	for (size_t i = 0; i < m; i++)
		absd[i] = fabs(nz[i]);
	tie = rank_average(absd, m, r);
	if (isnan(tie)) { /* out of memory: no ranks, no p */
		free(nz);
		free(absd);
		free(r);
		return NAN;
	}
	for (size_t i = 0; i < m; i++)
		*(nz[i] > 0 ? &wp : &wm) += r[i];
	t = wp < wm ? wp : wm;
	if (m <= 50 && m == n && tie == 0) {
		/* Counts of subsets of ranks 1..m by sum: at most 2^50, exact in a double. */
		size_t top = m * (m + 1) / 2;
		double *c = calloc(top + 1, sizeof(*c)), tail = 0;

		if (c) {
			c[0] = 1;
			for (size_t k = 1; k <= m; k++)
				for (size_t s = top; s >= k; s--)
					c[s] += c[s - k];
			/* P(W+ <= t) by symmetry equals P(W+ >= top - t). */
			for (size_t s = 0; s <= (size_t)t; s++)
				tail += c[s];
			*p = 2 * tail / ldexp(1.0, (int)m);
			/* The centre of the distribution: no evidence either way. */
			if (2 * t == (double)top)
				*p = 1;
			free(c);
		}
	} else {
		double dm = (double)m, mn = dm * (dm + 1) / 4;
		/* Each tie group of size g removes (g^3 - g)/2 from the sum of squares. */
		double se = sqrt((dm * (dm + 1) * (2 * dm + 1) - 0.5 * tie) / 24);

		*p = se > 0 ? 2 * fb_normal_sf(fabs((t - mn) / se)) : 1.0;
	}
	if (*p > 1)
		*p = 1;
	free(nz);
	free(absd);
	free(r);
	return t;
}

/* xoshiro256** seeded through splitmix64: small, fast, and the same
 * sequence on every machine, so a bootstrap CI is reproducible. */
struct fb_rng {
	unsigned long long s[4];
};

static unsigned long long rotl(unsigned long long x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static void rng_seed(struct fb_rng *g, unsigned long long seed)
{
	for (int i = 0; i < 4; i++) {
		unsigned long long z = (seed += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		g->s[i] = z ^ (z >> 31);
	}
}

static unsigned long long rng_next(struct fb_rng *g)
{
	unsigned long long *s = g->s, r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

/* A uniform index 0..n-1 (53 random bits: the bias is far below noise). */
static size_t rng_index(struct fb_rng *g, size_t n)
{
	size_t i = (size_t)((double)(rng_next(g) >> 11) * 0x1.0p-53 * (double)n);

	return i < n ? i : n - 1;
}

static double resample_mean(struct fb_rng *g, const double *x, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += x[rng_index(g, n)];
	return sum / (double)n;
}

/* The k-th smallest of v[0..n), v reordered around it (Hoare's FIND, as
 * Wirth gives it): O(n), where sorting the replicates was O(n log n) and
 * most of a large compare's time. */
static double select_kth(double *v, size_t n, size_t k)
{
	long l = 0, m = (long)n - 1, kk = (long)k;

	while (l < m) {
		double x = v[kk];
		long i = l, j = m;

		do {
			while (v[i] < x)
				i++;
			while (x < v[j])
				j--;
			if (i <= j) {
				double t = v[i];

				v[i++] = v[j];
				v[j--] = t;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			m = j;
	}
	return v[kk];
}

/* Linear-interpolated quantile q of v[from..n), v[from..] reordered, the
 * values before from all <= those after: the same value as on the sorted
 * replicates. */
static double quantile(double *v, size_t n, size_t from, double q, size_t *at)
{
	double h = q * (double)(n - 1), a, b;
	size_t lo = (size_t)floor(h);

	if (lo + 1 >= n)
		lo = n - 1;
	if (lo < from) /* cannot happen for lo <= hi quantiles; stay correct anyway */
		from = 0;
	a = select_kth(v + from, n - from, lo - from);
	*at = lo;
	if (lo + 1 >= n)
		return a;
	/* everything after lo is >= v[lo]: the next order statistic is their least */
	b = v[lo + 1];
	for (size_t i = lo + 2; i < n; i++)
		if (v[i] < b)
			b = v[i];
	return a + (h - (double)lo) * (b - a);
}

static void percentile_ci(double *v, size_t n, double level, double *lo, double *hi)
{
	size_t at;

	*lo = quantile(v, n, 0, (1 - level) / 2, &at);
	/* the high quantile lies after the low one: select among those only */
	*hi = quantile(v, n, at, 1 - (1 - level) / 2, &at);
}

void fb_bootstrap_ratio_ci(const double *a, size_t na, const double *b, size_t nb,
			   unsigned iters, double level, unsigned long long seed,
			   double *lo, double *hi)
{
	double *v = malloc((iters ? iters : 1) * sizeof(*v));
	struct fb_rng g;

	*lo = *hi = NAN;
	if (!v || !na || !nb || !iters) {
		free(v);
		return;
	}
	rng_seed(&g, seed);
	for (unsigned i = 0; i < iters; i++) {
		double ma = resample_mean(&g, a, na);

		v[i] = resample_mean(&g, b, nb) / ma;
	}
	percentile_ci(v, iters, level, lo, hi);
	free(v);
}

double fb_mean(const double *x, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += x[i];
	return n ? sum / (double)n : NAN;
}

double fb_geomean(const double *x, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++) {
		if (!(x[i] > 0))
			return NAN;
		sum += log(x[i]);
	}
	return n ? exp(sum / (double)n) : NAN;
}

double fb_hodges_lehmann(const double *x, size_t n)
{
	size_t m = n * (n + 1) / 2, k = 0;
	double *w, med;

	if (!n)
		return NAN;
	w = malloc(m * sizeof(*w));
	if (!w)
		return NAN;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i; j < n; j++)
			w[k++] = (x[i] + x[j]) / 2;
	qsort(w, m, sizeof(*w), cmp_double);
	med = m % 2 ? w[m / 2] : (w[m / 2 - 1] + w[m / 2]) / 2;
	free(w);
	return med;
}

void fb_bootstrap_ci(const double *x, size_t n, double (*stat)(const double *, size_t),
		     unsigned iters, double level, unsigned long long seed,
		     double *lo, double *hi)
{
	double *v = malloc((iters ? iters : 1) * sizeof(*v));
	double *r = malloc((n ? n : 1) * sizeof(*r));
	struct fb_rng g;

	*lo = *hi = NAN;
	if (!v || !r || !n || !iters)
		goto out;
	rng_seed(&g, seed);
	for (unsigned i = 0; i < iters; i++) {
		for (size_t j = 0; j < n; j++)
			r[j] = x[rng_index(&g, n)];
		v[i] = stat(r, n);
	}
	percentile_ci(v, iters, level, lo, hi);
out:
	free(v);
	free(r);
}
