// SPDX-License-Identifier: GPL-2.0-only
/*
 * The gate's tests and verdicts: two result files (Mann-Whitney U on the
 * samples, bootstrap CI of the ratio of means) or interleaved ab pairs
 * (Wilcoxon signed-rank on the log ratios, Hodges-Lehmann), a note where a
 * row needs one, and the counts and geometric means of a report.
 */
#include "compare_int.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "axis.h"
#include "results.h"
#include "stats.h"
#include "util.h"

/* The bootstrap's seed: fixed, so a report is the same every time. */
#define BOOT_SEED 0x666f6c696f62ULL

/*
 * enough: the test can reach alpha at these sample sizes.  A significant
 * change beyond the threshold is a verdict; "unchanged" needs the CI inside
 * +-threshold, since a CI reaching past it cannot rule out such a change.
 */
static enum fb_verdict decide(const struct fb_cmp_row *row, bool enough, const struct fb_gate_opts *o)
{
	double t = o->threshold_pct;

	if (!enough)
		return FB_V_TOO_FEW;
	if (row->p < o->alpha && row->change_pct < -t)
		return FB_V_REGRESSED;
	if (row->p < o->alpha && row->change_pct > t)
		return FB_V_IMPROVED;
	if (row->ci_lo_pct >= -t && row->ci_hi_pct <= t)
		return FB_V_UNCHANGED;
	return FB_V_INCONCLUSIVE;
}

static struct fb_cmp_row *add_row(struct fb_comparison *r, json_object *cfg, enum fb_verdict v)
{
	struct fb_cmp_row *row;
	struct fb_cmp_row *rows = realloc(r->rows, (r->nrows + 1) * sizeof(*rows));

	if (!rows)
		abort(); /* a handful of rows: out of memory here is not recoverable */
	r->rows = rows;
	row = &rows[r->nrows++];
	memset(row, 0, sizeof(*row));
	row->config = cfg;
	row->verdict = v;
	row->mean_a = row->mean_b = row->sd_a = row->sd_b = NAN;
	row->change_pct = row->ci_lo_pct = row->ci_hi_pct = row->p = NAN;
	return row;
}

static void note(struct fb_comparison *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct fb_comparison *r, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_object_array_add(r->notes, json_object_new_string(buf));
}

static void primitive_note(struct fb_cmp_row *row, json_object *ca, json_object *cb)
{
	const char *pa = fb_cmp_cfg_str(ca, "primitive", "-"), *pb = fb_cmp_cfg_str(cb, "primitive", "-");

	if (strcmp(pa, pb))
		snprintf(row->note, sizeof(row->note), "primitive %s -> %s", pa, pb);
}

static void add_note(struct fb_cmp_row *row, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_note(struct fb_cmp_row *row, const char *fmt, ...)
{
	size_t off = strlen(row->note);
	va_list ap;

	if (off && off + 2 < sizeof(row->note)) {
		memcpy(row->note + off, "; ", 3);
		off += 2;
	}
	va_start(ap, fmt);
	vsnprintf(row->note + off, sizeof(row->note) - off, fmt, ap);
	va_end(ap);
}

/* Kernel A/B: one kernel copies per page, the other batched (--mode kernel). */
static void implementation_note(struct fb_cmp_row *row, const struct fb_cmp_cell *a,
				const struct fb_cmp_cell *b)
{
	const char *ia = fb_json_str(a->cell, "implementation", ""),
		   *ib = fb_json_str(b->cell, "implementation", "");
	const char *ra = strstr(ia, "by this kernel") ? (strstr(ia, "batched") ? "batched" : "per page") : NULL;
	const char *rb = strstr(ib, "by this kernel") ? (strstr(ib, "batched") ? "batched" : "per page") : NULL;

	if (!strcmp(ia, ib))
		return;
	if (ra && rb)
		add_note(row, "base kernel copies %s, new kernel %s", ra, rb);
	else
		add_note(row, "implementation differs: base '%.60s', new '%.60s'", ia, ib);
}

/* The seed authors' log parser flags a row whose sd is 5% of the mean or more. */
#define FB_NOISY_SD_FRACTION 0.05

static void noise_note(struct fb_cmp_row *row)
{
	bool na = row->sd_a >= FB_NOISY_SD_FRACTION * row->mean_a;
	bool nb = row->sd_b >= FB_NOISY_SD_FRACTION * row->mean_b;

	if (na || nb)
		add_note(row, "noisy: sd %.1f%% / %.1f%% of the mean (>= 5%%)",
			 100 * row->sd_a / row->mean_a, 100 * row->sd_b / row->mean_b);
}

/* A kernel A/B is one CPU under two kernels; anything else is two machines. */
static void machines_note(struct fb_comparison *r, const struct fb_cmp_file *a,
			  const struct fb_cmp_file *b)
{
	const char *ka = strstr(a->machine, " · kernel "), *kb = strstr(b->machine, " · kernel ");

	if (!strcmp(a->machine, b->machine))
		return;
	if (ka && kb && ka - a->machine == kb - b->machine &&
	    !strncmp(a->machine, b->machine, (size_t)(ka - a->machine)))
		note(r, "base and new ran on the same CPU under different kernels (%s, %s): a kernel A/B",
		     ka + strlen(" · kernel "), kb + strlen(" · kernel "));
	else
		note(r, "base and new ran on different machines: differences may be the machines'");
}

static void failed_row(struct fb_cmp_row *row, const struct fb_cmp_cell *a, const struct fb_cmp_cell *b)
{
	const struct fb_cmp_cell *bad = strcmp(a->status, "ok") ? a : b;

	snprintf(row->note, sizeof(row->note), "%s in %s: %s", bad->status, bad == a ? "base" : "new",
		 fb_json_str(bad->cell, "message", "no message"));
}

/* Geometric means over the rows with both sides' GB/s, as Google
 * Benchmark's compare.py OVERALL_GEOMEAN: one figure for the whole sweep,
 * each cell weighted alike whatever its GB/s.  Not gated. */
static void geomean_row(struct fb_comparison *r)
{
	double *a = calloc(r->nrows + 1, sizeof(*a)), *b = calloc(r->nrows + 1, sizeof(*b));
	double *q = calloc(r->nrows + 1, sizeof(*q));
	size_t n = 0;

	for (size_t i = 0; a && b && q && i < r->nrows; i++) {
		const struct fb_cmp_row *row = &r->rows[i];

		if (isnan(row->change_pct) || !(row->mean_a > 0) || !(row->mean_b > 0))
			continue;
		a[n] = row->mean_a;
		b[n] = row->mean_b;
		q[n++] = 1 + row->change_pct / 100;
	}
	r->geomean.n = n;
	r->geomean.base = fb_geomean(a, n);
	r->geomean.new_ = fb_geomean(b, n);
	r->geomean.change_pct = 100 * (fb_geomean(q, n) - 1);
	free(a);
	free(b);
	free(q);
}

/* Labels, common axes, counts and the gate: shared by both kinds of report. */
static void finish_comparison(struct fb_comparison *r)
{
	json_object **cfgs = malloc((r->nrows ? r->nrows : 1) * sizeof(*cfgs));
	unsigned vary;
	size_t tested;

	for (size_t i = 0; i < r->nrows; i++)
		cfgs[i] = r->rows[i].config;
	vary = fb_cmp_label_axes(cfgs, r->nrows, r->common, sizeof(r->common));
	for (size_t i = 0; i < r->nrows; i++) {
		struct fb_cmp_row *row = &r->rows[i];

		fb_cmp_full_label(row->config, row->full, sizeof(row->full));
		if (vary)
			fb_cmp_make_label(row->config, vary, false, row->label, sizeof(row->label));
		else
			snprintf(row->label, sizeof(row->label), "%s", row->full);
		r->count[row->verdict]++;
		if (row->verdict == FB_V_REGRESSED)
			r->fail = true;
	}
	free(cfgs);
	r->matched = r->nrows - r->count[FB_V_ONLY_BASE] - r->count[FB_V_ONLY_NEW];
	r->gated = r->count[FB_V_REGRESSED] + r->count[FB_V_IMPROVED] + r->count[FB_V_UNCHANGED];
	tested = r->gated + r->count[FB_V_INCONCLUSIVE];
	/* A gate that decided nothing must not pass as if it had. */
	if (!r->gated)
		r->inconclusive = tested ? "no cell's change was conclusive: each CI reaches beyond the threshold" :
			"no cell had enough samples to test";
	geomean_row(r);
}

static void comparison_init(struct fb_comparison *r, const char *mode, const struct fb_gate_opts *o)
{
	memset(r, 0, sizeof(*r));
	r->mode = mode;
	r->opts = *o;
	r->notes = json_object_new_array();
}

static void file_notes(struct fb_comparison *r, const struct fb_cmp_file *f, const char *side)
{
	const char *status = fb_json_str(f->doc, "status", "complete");

	if (f->injected_pct > 0)
		note(r, "%s: injected slowdown of %g%% (copy --inject-slowdown): a test of the gate, not a measurement",
		     side, f->injected_pct);
	if (strcmp(status, "complete"))
		note(r, "%s: the run is marked %s; its completed cells are compared", side, status);
}

static void no_common(const struct fb_cmp_file *a, const struct fb_cmp_file *b, char *err, size_t errlen)
{
	char la[256], lb[256];

	fb_cmp_full_label(a->cells[0].config, la, sizeof(la));
	fb_cmp_full_label(b->cells[0].config, lb, sizeof(lb));
	snprintf(err, errlen, "%s and %s have no cell in common (%zu cells, e.g. '%s'; %zu cells, e.g. '%s')",
		 a->path, b->path, a->ncells, la, b->ncells, lb);
}

/* A matched pair of cells whose row still needs its statistics. */
struct stat_job {
	size_t row;
	const struct fb_cmp_cell *ca, *cb;
};

static void cell_stats(struct fb_cmp_row *row, const struct fb_cmp_cell *ca,
		       const struct fb_cmp_cell *cb, const struct fb_gate_opts *o)
{
	double lo, hi;

	row->na = ca->n;
	row->nb = cb->n;
	row->mean_a = ca->mean;
	row->sd_a = ca->sd;
	row->mean_b = cb->mean;
	row->sd_b = cb->sd;
	implementation_note(row, ca, cb);
	noise_note(row);
	row->change_pct = 100 * (cb->mean / ca->mean - 1);
	fb_mann_whitney(ca->gbps, ca->n, cb->gbps, cb->n, &row->p);
	fb_bootstrap_ratio_ci(ca->gbps, ca->n, cb->gbps, cb->n, o->boot_iters, 1 - o->alpha,
			      BOOT_SEED, &lo, &hi);
	row->ci_lo_pct = 100 * (lo - 1);
	row->ci_hi_pct = 100 * (hi - 1);
	/* Below FB_GATE_MIN_N, or when even the most extreme ordering
	 * could not reach alpha (3 vs 3: p >= 0.1), the test cannot speak. */
	row->verdict = decide(row, ca->n >= FB_GATE_MIN_N && cb->n >= FB_GATE_MIN_N &&
			      fb_mann_whitney_min_p(ca->n, cb->n) < o->alpha, o);
}

struct stat_slice {
	struct fb_comparison *r;
	const struct stat_job *jobs;
	size_t from, to;
	const struct fb_gate_opts *o;
};

static void *stat_slice_run(void *arg)
{
	const struct stat_slice *s = arg;

	for (size_t i = s->from; i < s->to; i++)
		cell_stats(&s->r->rows[s->jobs[i].row], s->jobs[i].ca, s->jobs[i].cb, s->o);
	return NULL;
}

/*
 * Every row's bootstrap is seeded alike and touches only its own row, so
 * large compares share the rows out over the online CPUs: the same report,
 * sooner (most of a 10^5-cell compare is these bootstraps).
 */
static void run_stat_jobs(struct fb_comparison *r, const struct stat_job *jobs, size_t n,
			  const struct fb_gate_opts *o)
{
	enum { MAX_THREADS = 16, MIN_ROWS_PER_THREAD = 512 };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nt = cpus > 1 ? (size_t)cpus : 1;
	struct stat_slice sl[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	bool started[MAX_THREADS] = { false };

	if (nt > MAX_THREADS)
		nt = MAX_THREADS;
	if (nt > n / MIN_ROWS_PER_THREAD)
		nt = n / MIN_ROWS_PER_THREAD ? n / MIN_ROWS_PER_THREAD : 1;
	for (size_t t = 0; t < nt; t++) {
		sl[t] = (struct stat_slice){ .r = r, .jobs = jobs, .o = o,
					     .from = n * t / nt, .to = n * (t + 1) / nt };
		/* slice 0 runs here; a thread that cannot start runs here too */
		started[t] = t && !pthread_create(&tid[t], NULL, stat_slice_run, &sl[t]);
	}
	for (size_t t = 0; t < nt; t++)
		if (!started[t])
			stat_slice_run(&sl[t]);
	for (size_t t = 1; t < nt; t++)
		if (started[t])
			pthread_join(tid[t], NULL);
}

int fb_cmp_files(const struct fb_cmp_file *a, const struct fb_cmp_file *b,
		 const struct fb_gate_opts *o, struct fb_comparison *r, char *err, size_t errlen)
{
	bool *used = calloc(b->ncells, sizeof(*used));
	struct stat_job *jobs = malloc(a->ncells * sizeof(*jobs));
	size_t matched = 0, njobs = 0;

	if (!used || !jobs)
		abort(); /* out of memory before any row: not recoverable */
	comparison_init(r, "compare", o);
	snprintf(r->base, sizeof(r->base), "%s", a->path);
	snprintf(r->new_, sizeof(r->new_), "%s", b->path);
	snprintf(r->base_machine, sizeof(r->base_machine), "%s", a->machine);
	snprintf(r->new_machine, sizeof(r->new_machine), "%s", b->machine);
	for (size_t i = 0; i < a->ncells; i++) {
		const struct fb_cmp_cell *ca = &a->cells[i], *cb = fb_cmp_find_cell(b, ca->key, 0);
		struct fb_cmp_row *row;

		if (!cb) {
			add_row(r, ca->config, FB_V_ONLY_BASE);
			continue;
		}
		used[cb - b->cells] = true;
		matched++;
		row = add_row(r, ca->config, FB_V_UNCHANGED);
		primitive_note(row, ca->config, cb->config);
		if (strcmp(ca->status, "ok") || strcmp(cb->status, "ok")) {
			row->verdict = FB_V_FAILED;
			failed_row(row, ca, cb);
			continue;
		}
		jobs[njobs++] = (struct stat_job){ .row = r->nrows - 1, .ca = ca, .cb = cb };
	}
	for (size_t i = 0; i < b->ncells; i++)
		if (!used[i])
			add_row(r, b->cells[i].config, FB_V_ONLY_NEW);
	free(used);
	run_stat_jobs(r, jobs, njobs, o);
	free(jobs);
	if (!matched) {
		no_common(a, b, err, errlen);
		fb_comparison_free(r);
		return -1;
	}
	machines_note(r, a, b);
	file_notes(r, a, "base");
	file_notes(r, b, "new");
	finish_comparison(r);
	return 0;
}

/* Key axes constant within each side but different between them: what an
 * A/B run deliberately varies (kernel model, backend, primitive, ...). */
static unsigned side_axes(const struct fb_cmp_file *a, const struct fb_cmp_file *b,
			  char *desc, size_t len)
{
	unsigned mask = 0, keys = fb_cmp_key_axes();
	size_t off = 0;

	desc[0] = '\0';
	for (size_t k = 0; k < fb_naxes; k++) {
		const struct fb_axis *ax = &fb_axes[k];
		char va[256], vb[256], v[256];
		bool const_a = true, const_b = true;

		if (!(keys & (1u << k)))
			continue;
		fb_axis_key_text(ax, a->cells[0].config, va, sizeof(va));
		fb_axis_key_text(ax, b->cells[0].config, vb, sizeof(vb));
		for (size_t i = 1; i < a->ncells && const_a; i++) {
			fb_axis_key_text(ax, a->cells[i].config, v, sizeof(v));
			const_a = !strcmp(v, va);
		}
		for (size_t i = 1; i < b->ncells && const_b; i++) {
			fb_axis_key_text(ax, b->cells[i].config, v, sizeof(v));
			const_b = !strcmp(v, vb);
		}
		if (const_a && const_b && strcmp(va, vb)) {
			mask |= 1u << k;
			if (off < len)
				off += (size_t)snprintf(desc + off, len - off, "%s%s: %s vs %s",
							off ? "; " : "", ax->name, va, vb);
		}
	}
	return mask;
}

static double run_value(const struct fb_cmp_cell *c, enum fb_run_stat s)
{
	return s == FB_RUN_BEST ? c->best : s == FB_RUN_MEDIAN ? c->median : c->mean;
}

int fb_cmp_pairs(const struct fb_cmp_file *a, const struct fb_cmp_file *b, size_t n,
		 const struct fb_gate_opts *o, struct fb_comparison *r, char *err, size_t errlen)
{
	unsigned mask;
	size_t matched = 0;
	bool *used;

	comparison_init(r, "ab", o);
	snprintf(r->base_machine, sizeof(r->base_machine), "%s", a[0].machine);
	snprintf(r->new_machine, sizeof(r->new_machine), "%s", b[0].machine);
	mask = side_axes(&a[0], &b[0], r->differ, sizeof(r->differ));
	used = calloc(b[0].ncells, sizeof(*used));
	for (size_t c = 0; c < a[0].ncells; c++) {
		const struct fb_cmp_cell *ca0 = &a[0].cells[c], *cb0;
		char key[FB_CMP_KEYLEN];
		struct fb_cmp_row *row;
		double *l, *ma, *mb, lo, hi;
		struct fb_stats s;
		bool failed = false;

		fb_cmp_key(ca0->config, mask, key, sizeof(key));
		cb0 = fb_cmp_find_cell(&b[0], key, mask);
		if (!cb0) {
			add_row(r, ca0->config, FB_V_ONLY_BASE);
			continue;
		}
		used[cb0 - b[0].cells] = true;
		matched++;
		row = add_row(r, ca0->config, FB_V_UNCHANGED);
		primitive_note(row, ca0->config, cb0->config);
		l = calloc(n, sizeof(*l));
		ma = calloc(n, sizeof(*ma));
		mb = calloc(n, sizeof(*mb));
		row->ratios = calloc(n, sizeof(*row->ratios));
		row->npairs = n;
		for (size_t i = 0; i < n; i++) {
			const struct fb_cmp_cell *ca = fb_cmp_find_cell(&a[i], key, mask);
			const struct fb_cmp_cell *cb = fb_cmp_find_cell(&b[i], key, mask);

			if (!ca || !cb) {
				char lab[256];

				fb_cmp_full_label(ca0->config, lab, sizeof(lab));
				snprintf(err, errlen, "%s: no cell '%s' (every run of a side must have the same cells)",
					 (!ca ? &a[i] : &b[i])->path, lab);
				free(l);
				free(ma);
				free(mb);
				free(used);
				fb_comparison_free(r);
				return -1;
			}
			if (strcmp(ca->status, "ok") || strcmp(cb->status, "ok")) {
				if (!failed)
					failed_row(row, ca, cb);
				failed = true;
				row->ratios[i] = NAN; /* no ratio: null in the JSON */
				continue;
			}
			ma[i] = run_value(ca, o->run_stat);
			mb[i] = run_value(cb, o->run_stat);
			row->ratios[i] = mb[i] / ma[i];
			l[i] = log(row->ratios[i]);
		}
		if (failed) {
			row->verdict = FB_V_FAILED;
		} else {
			double hl = fb_hodges_lehmann(l, n);

			fb_stats_compute(ma, n, &s);
			row->mean_a = s.mean;
			row->sd_a = s.sd;
			fb_stats_compute(mb, n, &s);
			row->mean_b = s.mean;
			row->sd_b = s.sd;
			row->na = row->nb = n;
			row->change_pct = 100 * (exp(hl) - 1);
			fb_wilcoxon(l, n, &row->p);
			if (isnan(row->p))
				row->p = 1; /* every ratio exactly 1: nothing changed */
			fb_bootstrap_ci(l, n, fb_hodges_lehmann, o->boot_iters, 1 - o->alpha, BOOT_SEED,
					&lo, &hi);
			row->ci_lo_pct = 100 * (exp(lo) - 1);
			row->ci_hi_pct = 100 * (exp(hi) - 1);
			row->verdict = decide(row, n >= 2 && fb_wilcoxon_min_p(n) < o->alpha, o);
		}
		free(l);
		free(ma);
		free(mb);
	}
	for (size_t i = 0; i < b[0].ncells; i++)
		if (!used[i])
			add_row(r, b[0].cells[i].config, FB_V_ONLY_NEW);
	free(used);
	if (!matched) {
		no_common(&a[0], &b[0], err, errlen);
		fb_comparison_free(r);
		return -1;
	}
	file_notes(r, &a[0], "A (base)");
	file_notes(r, &b[0], "B (new)");
	finish_comparison(r);
	return 0;
}

void fb_comparison_free(struct fb_comparison *r)
{
	for (size_t i = 0; i < r->nrows; i++)
		free(r->rows[i].ratios);
	free(r->rows);
	if (r->notes)
		json_object_put(r->notes);
	memset(r, 0, sizeof(*r));
}

