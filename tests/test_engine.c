// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine with a fake backend whose iterations take the nanoseconds a
 * script gives: fixed repetitions, the adaptive loop (CI target, cap, time
 * budget), a cell's status (skipped, failed), and an interruption, which
 * leaves a partial run of the cells done before it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "engine.h"
#include "results.h"
#include "util.h"
#include "check.h"

/* What the fake backend does with cell id i. */
struct script {
	double ns[4];             /* iteration k takes ns[k % 4] */
	int prepare_status;       /* nonzero: prepare fails with it */
	int fail_at;              /* iterate fails (FB_EXIT_FAIL) at this call, 0 never */
	int interrupt_at;         /* SIGINT arrives during this iterate call, 0 never */
};

static struct script scripts[8];
static unsigned calls[8], iterations[8], finished[8], want_sizes[8][64];

static void *fake_prepare(const struct fb_cell *c, const struct fb_run_opts *o,
			  struct fb_result *r, char *err, size_t errlen)
{
	const struct script *s = &scripts[c->id];

	if (s->prepare_status) {
		r->status = s->prepare_status;
		snprintf(err, errlen, "cell %d cannot run here", c->id);
		return NULL;
	}
	snprintf(r->implementation, sizeof(r->implementation), "fake");
	return (void *)c;
}

static int fake_iterate(void *ctx, unsigned n, double *ns, struct fb_result *r, char *err,
			size_t errlen)
{
	const struct fb_cell *c = ctx;
	const struct script *s = &scripts[c->id];
	unsigned call = ++calls[c->id];

	if (call < 64)
		want_sizes[c->id][call] = n;
	if (s->fail_at && call == (unsigned)s->fail_at) {
		r->status = FB_EXIT_FAIL;
		snprintf(err, errlen, "cell %d: the copy went wrong", c->id);
		return -1;
	}
	for (unsigned k = 0; k < n; k++)
		ns[k] = s->ns[iterations[c->id]++ % 4];
	if (s->interrupt_at && call == (unsigned)s->interrupt_at)
		fb_interrupted = SIGINT;
	return (int)n;
}

static int fake_finish(void *ctx, struct fb_result *r, char *err, size_t errlen)
{
	finished[((const struct fb_cell *)ctx)->id]++;
	return 0;
}

static int fake_probe(const struct fb_cell *cells, size_t n, char *err, size_t errlen)
{
	return FB_EXIT_OK;
}

static const struct fb_backend fake = {
	.name = "fake", .probe = fake_probe, .prepare = fake_prepare,
	.iterate = fake_iterate, .finish = fake_finish,
};

static struct fb_cell cells[8];

static void reset(size_t n)
{
	memset(scripts, 0, sizeof(scripts));
	memset(calls, 0, sizeof(calls));
	memset(iterations, 0, sizeof(iterations));
	memset(finished, 0, sizeof(finished));
	memset(want_sizes, 0, sizeof(want_sizes));
	fb_interrupted = 0;
	for (size_t i = 0; i < n; i++) {
		memset(&cells[i], 0, sizeof(cells[i]));
		cells[i].id = (int)i;
		cells[i].backend = "fake";
		snprintf(cells[i].primitive, sizeof(cells[i].primitive), "fake");
		cells[i].folio_size = 1 << 20;      /* 1 MiB per iteration */
		cells[i].folio_count = 1;
		cells[i].threads = 1;
		cells[i].kernel_model = -1;
		for (int k = 0; k < 4; k++)
			scripts[i].ns[k] = 1e6;     /* 1 ms: 1.048576 GB/s */
	}
}

static void free_results(struct fb_result *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fb_result_free(&r[i]);
}

static int near(double a, double b)
{
	return a > b * (1 - 1e-9) && a < b * (1 + 1e-9);
}

static void test_fixed(void)
{
	struct fb_run_opts o = { .reps = 5 };
	struct fb_result r[2];
	size_t done = 0;
	int rc;

	reset(2);
	scripts[1].ns[1] = 2e6;             /* 1, 2, 1, 1, 1 ms */
	rc = fb_engine_run(&fake, cells, 2, &o, r, &done, false);
	check(rc == FB_EXIT_OK && done == 2, "fixed reps: both cells ran, exit 0");
	check(r[0].n == 5 && calls[0] == 1 && want_sizes[0][1] == 5,
	      "fixed reps: one call for 5 timed iterations");
	check(r[0].bytes == 1 << 20 && near(r[0].gbps.mean, 1.048576) && r[0].gbps.sd == 0,
	      "1 MiB in 1 ms each: 1.048576 GB/s, sd 0");
	check(near(r[1].gbps.mean, (4 * 1.048576 + 0.524288) / 5) &&
	      near(r[1].samples_ns[1], 2e6) && r[1].gbps.n == 5,
	      "one 2 ms iteration: the mean of the five rates, the samples as given");
	check(finished[0] == 1 && finished[1] == 1 && r[0].verified == -1 && !r[0].status,
	      "each cell finished once; status ok, not verified");
	free_results(r, 2);
}

static void test_adaptive(void)
{
	struct fb_run_opts o = { .reps = 4, .adaptive = true, .ci_target_pct = 2,
				 .time_budget_s = 60, .max_reps = 40 };
	struct fb_result r[3];
	size_t done = 0;

	reset(3);
	/* cell 1 alternates 1 and 3 ms: its CI never gets within 2% */
	scripts[1].ns[1] = scripts[1].ns[3] = 3e6;
	/* cell 2: 1, 1.05, 0.95, 1 ms: tight after a few batches */
	scripts[2].ns[1] = 1.05e6;
	scripts[2].ns[2] = 0.95e6;
	check(fb_engine_run(&fake, cells, 3, &o, r, &done, false) == FB_EXIT_OK && done == 3,
	      "adaptive: three cells ran");
	check(r[0].n == 4 && calls[0] == 1, "constant time: the CI is 0 after the minimum 4");
	check(r[1].n == 40 && fb_stats_ci_pct(&r[1].gbps) > 2,
	      "1 and 3 ms alternating: repeated up to --max-reps 40, CI still wide");
	check(want_sizes[1][1] == 4 && want_sizes[1][2] == 1 && want_sizes[1][3] == 1 &&
	      want_sizes[1][calls[1]] >= 1,
	      "the loop grows by a quarter of the samples so far (at least 1)");
	{
		unsigned sum = 0;

		for (unsigned k = 1; k <= calls[1]; k++)
			sum += want_sizes[1][k];
		check(sum == 40, "the last batch is cut to reach the cap exactly");
	}
	check(r[2].n > 4 && r[2].n < 40 && fb_stats_ci_pct(&r[2].gbps) <= 2,
	      "5% noise: stops once the CI is within 2%");
	printf("# noisy cell: %zu samples, CI %.2f%%; tight cell: %zu samples, CI %.2f%%\n",
	       r[1].n, fb_stats_ci_pct(&r[1].gbps), r[2].n, fb_stats_ci_pct(&r[2].gbps));
	free_results(r, 3);

	/* A time budget of 0: the first batch is all there is time for. */
	reset(1);
	scripts[0].ns[1] = 3e6;
	o.time_budget_s = 0;
	fb_engine_run(&fake, cells, 1, &o, r, &done, false);
	check(r[0].n == 4 && calls[0] == 1, "--time-budget 0: the minimum only");
	free_results(r, 1);
}

static void test_status(void)
{
	struct fb_run_opts o = { .reps = 3 };
	struct fb_result r[4];
	size_t done = 0;
	int rc;

	reset(3);
	scripts[0].prepare_status = FB_EXIT_SKIP;
	rc = fb_engine_run(&fake, cells, 3, &o, r, &done, false);
	check(rc == FB_EXIT_SKIP && done == 3, "a skipped cell: the run goes on, exit 4");
	check(r[0].status == FB_EXIT_SKIP && strstr(r[0].message, "cannot run here") &&
	      r[0].n == 0 && !finished[0], "the skipped cell: status, message, no samples");
	check(r[1].status == FB_EXIT_OK && r[1].n == 3, "the other cells measured");
	free_results(r, 3);

	reset(4);
	scripts[0].prepare_status = FB_EXIT_SKIP;
	scripts[1].fail_at = 1;
	scripts[2].prepare_status = FB_EXIT_SKIP;
	rc = fb_engine_run(&fake, cells, 4, &o, r, &done, false);
	check(rc == FB_EXIT_FAIL && done == 4, "a failed cell wins over skipped ones: exit 1");
	check(r[1].status == FB_EXIT_FAIL && strstr(r[1].message, "went wrong") && finished[1] == 1,
	      "the failed cell: its message, and it was still finished (released)");
	check(r[3].status == FB_EXIT_OK && r[3].n == 3, "cells after a failure still run");
	free_results(r, 4);
}

static void test_interrupted(void)
{
	struct fb_run_opts o = { .reps = 2 };
	struct fb_result r[3];
	struct fb_run run = { 0 };
	char dir[] = "/tmp/fb_test_engine.XXXXXX";
	json_object *doc, *cells_json;
	size_t done = 9;
	int rc;

	reset(3);
	scripts[1].interrupt_at = 1;
	rc = fb_engine_run(&fake, cells, 3, &o, r, &done, false);
	check(rc == FB_EXIT_FAIL && done == 1, "SIGINT in cell 1: exit 1, one cell done");
	check(r[0].n == 2 && r[0].status == FB_EXIT_OK, "the cell before it is kept whole");
	check(r[1].n == 0 && !r[1].samples_ns && finished[1] == 1 && !calls[2],
	      "the cell cut short is dropped (released, not kept); the next never starts");
	check(fb_interrupt_status() == 130, "the shell's status for SIGINT: 130");
	free_results(r, 1);

	/* The same through the run: a partial run.json of what was done. */
	if (!mkdtemp(dir)) {
		check(0, "mkdtemp");
		return;
	}
	reset(3);
	scripts[1].interrupt_at = 1;
	rc = fb_run_cells(&run, "copy", dir, &fake, cells, 3, &o, r, false);
	check(rc == 130 && !strcmp(run.status, "interrupted") && run.ndone == 1 &&
	      run.nplanned == 3, "fb_run_cells: 130, status interrupted, 1 of 3 cells");
	run.machine = json_object_new_object();
	run.options = json_object_new_object();
	doc = fb_run_json(&run);
	cells_json = fb_json_path(doc, "cells");
	check(!strcmp(fb_json_str(doc, "status", ""), "interrupted") &&
	      fb_json_num(doc, "cells_planned", 0) == 3 && cells_json &&
	      json_object_array_length(cells_json) == 1,
	      "run.json: interrupted, 3 planned, the one cell done");
	json_object_put(doc);
	json_object_put(run.machine);
	json_object_put(run.options);
	free_results(r, run.ndone);
	fb_interrupted = 0;
	rmdir(dir);
}

int main(void)
{
	test_fixed();
	test_adaptive();
	test_status();
	test_interrupted();
	return check_finish();
}
