/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A team of pinned threads that run one share of a pass each and start
 * together from a barrier: the userspace copy and store backends time a
 * pass as the wall time from the start until every share is done.
 */
#ifndef FB_WORKERS_H
#define FB_WORKERS_H
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

#include "counters.h"

/* Pin the calling thread to cpu; 0 or an errno value. */
int fb_pin_self(int cpu);
/* pthread_create, the thread pinned to cpu from birth (cpu < 0: not
 * pinned); 0 or an errno value. */
int fb_thread_create_on(pthread_t *tid, int cpu, void *(*fn)(void *), void *arg);

/* Run share index of a pass (0..n-1); arg as given to fb_workers_start. */
typedef void (*fb_share_fn)(void *arg, int index);

struct fb_worker {
	struct fb_workers *team;
	int index, cpu;
	pthread_t tid;
	struct fb_counter_thread ct;
	double counts[FB_MAX_COUNTERS];  /* the last counted pass */
	double totals[FB_MAX_COUNTERS];  /* every counted pass */
};

struct fb_workers {
	int n;
	struct fb_worker *w;
	fb_share_fn share;
	void *arg;
	const struct fb_counters *counters;  /* NULL: none */
	bool counting;                       /* false: passes count no events */
	pthread_barrier_t start, end;
	pthread_barrier_t arm, done;         /* with counters: around a pass */
	volatile int quit;
	volatile int counters_failed;        /* a thread's event set did not start */
	cpu_set_t saved_affinity;
};

/*
 * Pin the calling thread (share 0) to cpus[0] and start n-1 threads pinned
 * to cpus[1..n); every CPU must be in the process's affinity mask.  Returns
 * 0, or -1 with err set and nothing left running.
 */
int fb_workers_start(struct fb_workers *t, int n, const int *cpus,
		     const struct fb_counters *counters, fb_share_fn share, void *arg,
		     char *err, size_t errlen);
/* One pass by every share; its wall time in ns (event counting, when on,
 * starts before and stops after the timed region). */
double fb_workers_pass(struct fb_workers *t);
/* Event counts of the last pass, summed over the shares, into v[]. */
void fb_workers_pass_counts(const struct fb_workers *t, double *v);
/*
 * Join the threads, end the counters, restore the caller's affinity; the
 * counts of every counted pass, summed over the shares, are added to
 * totals[] unless it is NULL.  True when the counts are valid: counters
 * were asked for and every thread's event set started.
 */
bool fb_workers_stop(struct fb_workers *t, double *totals);

#endif
