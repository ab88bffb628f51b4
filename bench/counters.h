/* Per-cell event counts through PAPI (hardware or perf software events). */
#ifndef FB_COUNTERS_H
#define FB_COUNTERS_H
#include <stdbool.h>
#include <stddef.h>

#define FB_MAX_COUNTERS 8

struct fb_counters {
	size_t n;
	char name[FB_MAX_COUNTERS][96];   /* events that work here */
	char unavailable[512];            /* what was asked but cannot count here */
};

/* A worker's event set; opaque outside counters.c. */
struct fb_counter_thread {
	int eventset;
	long long values[FB_MAX_COUNTERS];
	bool running;
};

/*
 * Resolve a comma list of PAPI event names.  Events that cannot be counted
 * on this machine are dropped with a note in c->unavailable; a name PAPI does
 * not know at all is an error.  Returns 0, -1 (err), or FB_EXIT_SKIP-like 4
 * when PAPI itself is missing from the build.
 */
int fb_counters_setup(struct fb_counters *c, const char *list, char *err, size_t errlen);
int fb_counters_thread_init(const struct fb_counters *c, struct fb_counter_thread *t);
void fb_counters_thread_start(struct fb_counter_thread *t);
/* Stop and add this interval into acc[]. */
void fb_counters_thread_stop(struct fb_counter_thread *t, double *acc, size_t n);
void fb_counters_thread_fini(struct fb_counter_thread *t);

#endif
