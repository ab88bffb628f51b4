// SPDX-License-Identifier: GPL-2.0-only
#include "workers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int fb_pin_self(int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
}

int fb_thread_create_on(pthread_t *tid, int cpu, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	cpu_set_t one;
	int rc = pthread_attr_init(&attr);

	if (rc)
		return rc;
	if (cpu >= 0) {
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		rc = pthread_attr_setaffinity_np(&attr, sizeof(one), &one);
	}
	if (!rc)
		rc = pthread_create(tid, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return rc;
}

static void start_counting(struct fb_worker *w)
{
	memset(w->counts, 0, sizeof(w->counts));
	fb_counters_thread_start(&w->ct);
}

static void stop_counting(struct fb_worker *w)
{
	const struct fb_counters *k = w->team->counters;

	fb_counters_thread_stop(&w->ct, w->counts, k->n);
	if (w->ct.lost)
		w->team->counters_failed = 1; /* an interval went uncounted */
	for (size_t e = 0; e < k->n; e++)
		w->totals[e] += w->counts[e];
}

/*
 * Without counters a pass is: start barrier, share, end barrier.  With
 * counters the threads also meet before it (to start counting) and after
 * it (to stop), so no counter syscall falls inside the timed region and
 * the counts are complete when the pass returns.
 */
static void *worker_main(void *arg)
{
	struct fb_worker *w = arg;
	struct fb_workers *t = w->team;
	bool count;

	if (t->counters && fb_counters_thread_init(t->counters, &w->ct))
		t->counters_failed = 1;
	for (;;) {
		pthread_barrier_wait(t->counters ? &t->arm : &t->start);
		if (t->quit)
			break;
		count = t->counters && t->counting;
		if (count)
			start_counting(w);
		if (t->counters)
			pthread_barrier_wait(&t->start);
		t->share(t->arg, w->index);
		pthread_barrier_wait(&t->end);
		if (count)
			stop_counting(w);
		if (t->counters)
			pthread_barrier_wait(&t->done);
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
	if (n < 1) {
		snprintf(err, errlen, "no threads");
		return -1;
	}
	t->n = n;
	t->share = share;
	t->arg = arg;
	t->counters = counters;
	sched_getaffinity(0, sizeof(t->saved_affinity), &t->saved_affinity);
	/* A CPU this process may not use (a cpuset, taskset) would leave the
	 * thread where it was while the result names the CPU asked for. */
	for (int i = 0; i < n; i++) {
		if (!CPU_ISSET(cpus[i], &t->saved_affinity)) {
			snprintf(err, errlen, "cpu %d is not in this process's CPU affinity mask",
				 cpus[i]);
			return -1;
		}
	}
	t->w = calloc((size_t)n, sizeof(*t->w));
	if (!t->w) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < n; i++)
		t->w[i] = (struct fb_worker){ .team = t, .index = i, .cpu = cpus[i] };
	rc = fb_pin_self(cpus[0]);
	if (rc) {
		snprintf(err, errlen, "cannot pin to cpu %d: %s", cpus[0], strerror(rc));
		goto fail;
	}
	if (counters && fb_counters_thread_init(counters, &t->w[0].ct)) {
		snprintf(err, errlen, "--counters: cannot start the event set");
		goto fail;
	}
	if (n > 1) {
		pthread_barrier_init(&t->start, NULL, (unsigned)n);
		pthread_barrier_init(&t->end, NULL, (unsigned)n);
		if (counters) {
			pthread_barrier_init(&t->arm, NULL, (unsigned)n);
			pthread_barrier_init(&t->done, NULL, (unsigned)n);
		}
		for (int i = 1; i < n; i++) {
			/* pinned from birth: it never runs anywhere else */
			rc = fb_thread_create_on(&t->w[i].tid, cpus[i], worker_main, &t->w[i]);
			if (rc) {
				/* Started threads wait on a barrier sized for all. */
				fprintf(stderr, "foliobench: cannot start a thread on cpu %d: %s\n",
					cpus[i], strerror(rc));
				exit(FB_EXIT_FAIL);
			}
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
	struct fb_worker *w0 = &t->w[0];
	bool count = t->counters && t->counting;
	uint64_t t0, t1;

	if (t->counters && t->n > 1)
		pthread_barrier_wait(&t->arm);
	if (count)
		start_counting(w0);
	t0 = fb_now_ns();
	if (t->n > 1)
		pthread_barrier_wait(&t->start);
	t->share(t->arg, 0);
	if (t->n > 1)
		pthread_barrier_wait(&t->end);
	t1 = fb_now_ns();
	if (count)
		stop_counting(w0);
	if (t->counters && t->n > 1)
		pthread_barrier_wait(&t->done);
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

bool fb_workers_stop(struct fb_workers *t, double *totals)
{
	bool counted = t->counters != NULL;

	if (!t->w)
		return false;
	if (t->n > 1) {
		t->quit = 1;
		pthread_barrier_wait(t->counters ? &t->arm : &t->start);
		for (int i = 1; i < t->n; i++)
			pthread_join(t->w[i].tid, NULL);
		pthread_barrier_destroy(&t->start);
		pthread_barrier_destroy(&t->end);
		if (t->counters) {
			pthread_barrier_destroy(&t->arm);
			pthread_barrier_destroy(&t->done);
		}
	}
	if (t->counters)
		fb_counters_thread_fini(&t->w[0].ct);
	/* a thread whose event set would not start counted nothing */
	counted = counted && !t->counters_failed;
	for (size_t e = 0; counted && totals && e < t->counters->n; e++)
		for (int i = 0; i < t->n; i++)
			totals[e] += t->w[i].totals[e];
	sched_setaffinity(0, sizeof(t->saved_affinity), &t->saved_affinity);
	free(t->w);
	t->w = NULL;
	return counted;
}
