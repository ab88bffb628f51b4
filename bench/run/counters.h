/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-cell event counts.  The generic events (perf(1)'s names: task-clock,
 * page-faults, context-switches, cpu-migrations, cycles, instructions,
 * cache-misses, LLC-loads, LLC-load-misses) are read through
 * perf_event_open(2) directly, so they work wherever the kernel's
 * perf_event does, with or without PAPI; any other name is a PAPI preset
 * or native event (PAPI_TOT_CYC, amd64_fam19h_zen3::...).
 */
#ifndef FB_COUNTERS_H
#define FB_COUNTERS_H
#include <stdbool.h>
#include <stddef.h>

#define FB_MAX_COUNTERS 8

struct fb_counters {
	size_t n;
	char name[FB_MAX_COUNTERS][96];   /* events that work here */
	int generic[FB_MAX_COUNTERS];     /* index of a generic event, or -1: PAPI's */
	char unavailable[512];            /* what was asked but cannot count here */
};

/* A worker's counters; opaque outside counters.c. */
struct fb_counter_thread {
	int eventset;                     /* PAPI's, -1 (PAPI_NULL) if none */
	int fd[FB_MAX_COUNTERS];          /* perf_event fd of a generic event, else -1 */
	long long values[FB_MAX_COUNTERS];
	bool running;
	bool lost;                        /* an interval went uncounted: counts invalid */
};

/*
 * Resolve a comma list of event names.  Events that cannot be counted on
 * this machine are dropped with a note in c->unavailable; a name given
 * twice, or one neither the generic table nor PAPI knows, is an error (-1,
 * message in err).  4 (FB_EXIT_SKIP) when a PAPI name is asked of a build
 * without PAPI.  0 otherwise.
 */
int fb_counters_setup(struct fb_counters *c, const char *list, char *err, size_t errlen);
/* The generic events' names, comma-separated, for help and messages. */
const char *fb_counters_generic_names(void);
int fb_counters_thread_init(const struct fb_counters *c, struct fb_counter_thread *t);
void fb_counters_thread_start(struct fb_counter_thread *t);
/* Stop and add this interval into acc[]; sets t->lost if it went uncounted. */
void fb_counters_thread_stop(struct fb_counter_thread *t, double *acc, size_t n);
void fb_counters_thread_fini(struct fb_counter_thread *t);

#endif
