// SPDX-License-Identifier: GPL-2.0-only
#include "engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

volatile sig_atomic_t fb_interrupted;

static void on_signal(int sig)
{
	fb_interrupted = sig;
}

int fb_interrupt_status(void)
{
	return fb_interrupted ? 128 + fb_interrupted : 0;
}

void fb_engine_trap_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a closed terminal: keep what ran (and let migrate restore mTHP) */
	sigaction(SIGHUP, &sa, NULL);
}

void fb_result_free(struct fb_result *r)
{
	free(r->samples_ns);
	if (r->extra)
		json_object_put(r->extra);
	memset(r, 0, sizeof(*r));
}

static int grow(struct fb_result *r, size_t want)
{
	if (want <= r->cap)
		return 0;
	size_t cap = r->cap ? r->cap : 16;
	while (cap < want)
		cap *= 2;
	double *p = realloc(r->samples_ns, cap * sizeof(*p));
	if (!p)
		return -1;
	r->samples_ns = p;
	r->cap = cap;
	return 0;
}

static void compute_gbps(struct fb_result *r)
{
	double *g = malloc((r->n ? r->n : 1) * sizeof(*g));

	if (!g)
		return;
	for (size_t i = 0; i < r->n; i++)
		g[i] = r->samples_ns[i] > 0 ? r->bytes / r->samples_ns[i] : 0; /* bytes/ns = GB/s */
	fb_stats_compute(g, r->n, &r->gbps);
	free(g);
}

/* Timed iterations of one prepared cell: fixed count or until the CI is tight. */
static int measure(const struct fb_backend *be, void *ctx, const struct fb_run_opts *o,
		   struct fb_result *r, char *err, size_t errlen)
{
	uint64_t t_start = fb_now_ns();
	unsigned want = o->reps;

	for (;;) {
		int got;

		if (grow(r, r->n + want)) {
			r->status = FB_EXIT_FAIL;
			return snprintf(err, errlen, "out of memory for samples"), -1;
		}
		got = be->iterate(ctx, want, r->samples_ns + r->n, r, err, errlen);
		if (got < 0) {
			if (!r->status)
				r->status = FB_EXIT_FAIL;
			return -1;
		}
		r->n += (size_t)got;
		if (fb_interrupted)
			return 0;
		if (!o->adaptive)
			return 0;
		compute_gbps(r);
		if (fb_stats_ci_pct(&r->gbps) <= o->ci_target_pct || r->n >= o->max_reps ||
		    (fb_now_ns() - t_start) / 1e9 >= o->time_budget_s)
			return 0;
		/* Grow in batches: a kmod run pays allocation once per call. */
		want = (unsigned)(r->n / 4 > 1 ? r->n / 4 : 1);
		if (r->n + want > o->max_reps)
			want = o->max_reps - (unsigned)r->n;
	}
}

/*
 * Progress on stderr.  A terminal gets one line rewritten in place; a log
 * (CI, a file) gets a line when the first and the last cell are done and
 * otherwise at most one every FB_PROGRESS_EVERY_S seconds.  Both say how
 * long the run has taken and about how long the remaining cells will take
 * at the pace so far.
 */
#define FB_PROGRESS_EVERY_S 5

struct progress {
	bool on, tty;
	uint64_t t0, last;        /* ns: start of the run, last line (log) */
};

static const char *hms(double s, char *buf, size_t len)
{
	unsigned long t = s > 0 ? (unsigned long)(s + 0.5) : 0;

	if (t >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%lu:%02lu", t / 60, t % 60);
	return buf;
}

/* Cell i starts (r NULL) or is done (r its result). */
static void progress(struct progress *p, size_t i, size_t n, const struct fb_cell *c,
		     const struct fb_result *r)
{
	char label[160], el[24], left[24];
	uint64_t now = fb_now_ns();
	double elapsed = (now - p->t0) / 1e9;
	size_t done = i + (r ? 1 : 0);

	if (!p->on)
		return;
	if (!p->tty && (!r || (i && i + 1 < n && now - p->last < FB_PROGRESS_EVERY_S * 1000000000ULL)))
		return;
	p->last = now;
	fprintf(stderr, "%s[%zu/%zu] %s", p->tty ? "\r\033[K" : "", i + 1, n,
		fb_cell_label(c, label, sizeof(label)));
	if (r && r->status)
		fprintf(stderr, "  %s", r->status == FB_EXIT_SKIP ? "skipped" : "failed");
	else if (r && r->n)
		fprintf(stderr, "  %.2f GB/s", r->gbps.mean);
	fprintf(stderr, "  (%s elapsed", hms(elapsed, el, sizeof(el)));
	if (done && done < n)
		fprintf(stderr, ", about %s left", hms(elapsed / done * (n - done), left, sizeof(left)));
	fprintf(stderr, ")%s", p->tty ? "" : "\n");
	fflush(stderr);
}

int fb_engine_run(const struct fb_backend *be, const struct fb_cell *cells, size_t n,
		  const struct fb_run_opts *o, struct fb_result *results, size_t *ndone,
		  bool progress_on)
{
	int rc = FB_EXIT_OK;
	size_t i;
	struct progress pg = { .on = progress_on, .tty = isatty(2), .t0 = fb_now_ns() };

	pg.last = pg.t0;
	for (i = 0; i < n && !fb_interrupted; i++) {
		struct fb_result *r = &results[i];
		char err[FB_ERRLEN] = "";
		void *ctx;

		memset(r, 0, sizeof(*r));
		r->verified = -1;
		r->bytes = (double)fb_cell_bytes(&cells[i]);
		progress(&pg, i, n, &cells[i], NULL);
		ctx = be->prepare(&cells[i], o, r, err, sizeof(err));
		if (!ctx) {
			if (!r->status)
				r->status = FB_EXIT_FAIL;
			snprintf(r->message, sizeof(r->message), "%s", err);
			if (rc == FB_EXIT_OK || r->status == FB_EXIT_FAIL)
				rc = r->status;
			progress(&pg, i, n, &cells[i], r);
			continue;
		}
		if (!fb_interrupted)
			measure(be, ctx, o, r, err, sizeof(err));
		if (be->finish(ctx, r, r->status ? NULL : err, sizeof(err)) && !r->status)
			r->status = FB_EXIT_FAIL;
		if (r->status) {
			snprintf(r->message, sizeof(r->message), "%s", err);
			if (rc == FB_EXIT_OK || r->status == FB_EXIT_FAIL)
				rc = r->status;
		}
		if (fb_interrupted && r->status == FB_EXIT_OK) {
			/* A cell cut short is not a measurement: drop it. */
			fb_result_free(r);
			break;
		}
		compute_gbps(r);
		progress(&pg, i, n, &cells[i], r);
	}
	if (pg.on && pg.tty)
		fprintf(stderr, "\r\033[K");
	*ndone = i;
	if (fb_interrupted)
		rc = FB_EXIT_FAIL;
	return rc;
}
