#include "workers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int pin(pthread_t tid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(tid, sizeof(set), &set);
}

static void run_share(struct fb_worker *w)
{
	struct fb_workers *t = w->team;
	bool count = t->counters && t->counting;

	if (count) {
		memset(w->counts, 0, sizeof(w->counts));
		fb_counters_thread_start(&w->ct);
	}
	t->share(t->arg, w->index);
	if (count) {
		fb_counters_thread_stop(&w->ct, w->counts, t->counters->n);
		for (size_t e = 0; e < t->counters->n; e++)
			w->totals[e] += w->counts[e];
	}
}

static void *worker_main(void *arg)
{
	struct fb_worker *w = arg;
	struct fb_workers *t = w->team;

	if (t->counters)
		fb_counters_thread_init(t->counters, &w->ct);
	for (;;) {
		pthread_barrier_wait(&t->start);
		if (t->quit)
			break;
		run_share(w);
		pthread_barrier_wait(&t->end);
	}
	if (t->counters)
		fb_counters_thread_fini(&w->ct);
	return NULL;
}

int fb_workers_start(struct fb_workers *t, int n, const int *cpus,
		     const struct fb_counters *counters, fb_share_fn share, void *arg,
		     char *err, size_t errlen)
{
	int rc;

	memset(t, 0, sizeof(*t));
	t->n = n;
	t->share = share;
	t->arg = arg;
	t->counters = counters;
	t->w = calloc((size_t)n, sizeof(*t->w));
	if (!t->w) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < n; i++)
		t->w[i] = (struct fb_worker){ .team = t, .index = i, .cpu = cpus[i] };
	sched_getaffinity(0, sizeof(t->saved_affinity), &t->saved_affinity);
	if (pin(pthread_self(), cpus[0])) {
		snprintf(err, errlen, "cannot pin to cpu %d", cpus[0]);
		goto fail;
	}
	if (counters && fb_counters_thread_init(counters, &t->w[0].ct)) {
		snprintf(err, errlen, "--counters: cannot start the event set");
		goto fail;
	}
	if (n > 1) {
		pthread_barrier_init(&t->start, NULL, (unsigned)n);
		pthread_barrier_init(&t->end, NULL, (unsigned)n);
		for (int i = 1; i < n; i++) {
			rc = pthread_create(&t->w[i].tid, NULL, worker_main, &t->w[i]);
			if (rc) {
				/* Started threads wait on a barrier sized for all. */
				fprintf(stderr, "foliobench: pthread_create: %s\n", strerror(rc));
				exit(FB_EXIT_FAIL);
			}
			pin(t->w[i].tid, t->w[i].cpu);
		}
	}
	return 0;
fail:
	sched_setaffinity(0, sizeof(t->saved_affinity), &t->saved_affinity);
	free(t->w);
	t->w = NULL;
	return -1;
}

double fb_workers_pass(struct fb_workers *t)
{
	uint64_t t0, t1;

	t0 = fb_now_ns();
	if (t->n > 1)
		pthread_barrier_wait(&t->start);
	run_share(&t->w[0]);
	if (t->n > 1)
		pthread_barrier_wait(&t->end);
	t1 = fb_now_ns();
	return (double)(t1 - t0);
}

void fb_workers_pass_counts(const struct fb_workers *t, double *v)
{
	for (size_t e = 0; t->counters && e < t->counters->n; e++) {
		v[e] = 0;
		for (int i = 0; i < t->n; i++)
			v[e] += t->w[i].counts[e];
	}
}

void fb_workers_stop(struct fb_workers *t, double *totals)
{
	if (!t->w)
		return;
	if (t->n > 1) {
		t->quit = 1;
		pthread_barrier_wait(&t->start);
		for (int i = 1; i < t->n; i++)
			pthread_join(t->w[i].tid, NULL);
		pthread_barrier_destroy(&t->start);
		pthread_barrier_destroy(&t->end);
	}
	if (t->counters)
		fb_counters_thread_fini(&t->w[0].ct);
	for (size_t e = 0; totals && t->counters && e < t->counters->n; e++)
		for (int i = 0; i < t->n; i++)
			totals[e] += t->w[i].totals[e];
	sched_setaffinity(0, sizeof(t->saved_affinity), &t->saved_affinity);
	free(t->w);
	t->w = NULL;
}
