// SPDX-License-Identifier: GPL-2.0-only
/*
 * Counters: the generic events' names, their counts through
 * perf_event_open(2), and their independence from PAPI's PMU support.
 * LIBPFM_FORCE_PMU=none makes libpfm4 find no PMU, so PAPI's perf_event
 * component is disabled, as on an Intel KVM guest without a PMU.  The one
 * count asserted is page faults on freshly mapped pages: no timing.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "counters.h"
#include "util.h"

static size_t index_of(const struct fb_counters *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->name[i], name))
			return i;
	return (size_t)-1;
}

/* Counted or named as unavailable, exactly one of the two. */
static void one_or_other(const struct fb_counters *c, const char *name)
{
	char what[128];
	bool counted = index_of(c, name) != (size_t)-1, named;

	snprintf(what, sizeof(what), "%s (", name);
	named = strstr(c->unavailable, what) != NULL;
	checkf(counted != named, "%s is %s", name,
	       counted ? "counted" : named ? "named as unavailable" : "neither counted nor named unavailable");
}

int main(void)
{
	struct fb_counters c;
	struct fb_counter_thread t;
	char err[FB_ERRLEN];
	double acc[FB_MAX_COUNTERS] = { 0 };
	size_t pages = 64, pf;
	int rc;

	setenv("LIBPFM_FORCE_PMU", "none", 1); /* before PAPI initialises */
	rc = fb_counters_setup(&c, "task-clock,perf::PAGE-FAULTS,Context-Switches,cpu-migrations",
			       err, sizeof(err));
	check(rc == 0, "generic software events: setup succeeds");
	/* User-space events: what perf_event_paranoid 2 allows anyone. */
	if (rc == 0 && (index_of(&c, "task-clock") || index_of(&c, "page-faults") != 1)) {
		printf("# SKIP perf_event cannot count software events here: %s\n", c.unavailable);
		return FB_EXIT_SKIP;
	}
	/* The scheduler's events need kernel mode: root or paranoid <= 1. */
	one_or_other(&c, "context-switches");
	one_or_other(&c, "cpu-migrations");
	check(c.n >= 2 && !strcmp(c.name[0], "task-clock") && !strcmp(c.name[1], "page-faults") &&
	      (c.n < 3 || !strcmp(c.name[2], "context-switches")),
	      "recorded under perf's names, whatever the spelling asked (perf::, case)");

	check(fb_counters_thread_init(&c, &t) == 0, "a thread's counters open");
	pf = index_of(&c, "page-faults");
	{
		long psz = sysconf(_SC_PAGESIZE);
		char *p = mmap(NULL, pages * (size_t)psz, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return 1;
		madvise(p, pages * (size_t)psz, MADV_NOHUGEPAGE);
		fb_counters_thread_start(&t);
		for (size_t i = 0; i < pages; i++)
			p[i * (size_t)psz] = 1; /* one fault per page */
		usleep(1000);           /* a sleep always switches out */
		fb_counters_thread_stop(&t, acc, c.n);
		munmap(p, pages * (size_t)psz);
	}
	checkf(!t.lost && acc[pf] >= (double)pages, "page-faults counts touching %zu new pages: %.0f",
	       pages, acc[pf]);
	checkf(acc[0] > 0, "task-clock counted the thread's time: %.0f ns", acc[0]);
	if (index_of(&c, "context-switches") == 2)
		checkf(acc[2] >= 1, "context-switches counts the sleep (in kernel mode): %.0f", acc[2]);
	else
		printf("ok - context-switches counts the sleep # SKIP %s\n", c.unavailable);
	fb_counters_thread_stop(&t, acc, c.n);
	check(!t.lost, "a second stop without a start adds nothing and loses nothing");
	fb_counters_thread_fini(&t);

	check(fb_counters_setup(&c, "cycles,instructions,cache-misses,LLC-loads,LLC-load-misses",
				err, sizeof(err)) == 0, "generic hardware events: setup succeeds with or without a PMU");
	one_or_other(&c, "cycles");
	one_or_other(&c, "instructions");
	one_or_other(&c, "cache-misses");
	one_or_other(&c, "LLC-loads");
	one_or_other(&c, "LLC-load-misses");

	rc = fb_counters_setup(&c, "task-clock,TASK-CLOCK", err, sizeof(err));
	checkf(rc == -1 && strstr(err, "task-clock given twice") && !c.n, "a name given twice: %s", err);
	rc = fb_counters_setup(&c, "NOT_AN_EVENT", err, sizeof(err));
#ifdef HAVE_PAPI
	checkf(rc == -1 && strstr(err, "NOT_AN_EVENT: neither a generic event (task-clock,"),
	       "an unknown name is an error naming the generic events: %s", err);
	rc = fb_counters_setup(&c, "task-clock,PAPI_TOT_CYC", err, sizeof(err));
	checkf(rc == 0 && c.n == 1 && strstr(c.unavailable, "PAPI_TOT_CYC ("),
	       "with PAPI's perf_event component disabled a preset is unavailable, the generic event counts: %s",
	       c.unavailable);
#else
	checkf(rc == -1 && strstr(err, "NOT_AN_EVENT: neither a generic event (task-clock,"),
	       "an unknown name is an error naming the generic events: %s", err);
	rc = fb_counters_setup(&c, "task-clock,PAPI_TOT_CYC", err, sizeof(err));
	checkf(rc == FB_EXIT_SKIP && strstr(err, "PAPI_TOT_CYC: this build has no PAPI"),
	       "a PAPI name in a build without PAPI cannot run here: %s", err);
#endif
	return check_finish();
}
