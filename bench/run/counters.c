// SPDX-License-Identifier: GPL-2.0-only
#include "counters.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* ---- generic events: perf_event_open(2) ---- */

#define LLC_READ(result) (PERF_COUNT_HW_CACHE_LL | (PERF_COUNT_HW_CACHE_OP_READ << 8) | \
			  ((uint64_t)(result) << 16))

/* perf(1)'s names; "perf::NAME" (PAPI's libpfm4 spelling) means the same. */
static const struct generic {
	const char *name;
	uint32_t type;
	uint64_t config;
	bool kernel;     /* happens only in kernel mode: a user-only count is always 0 */
} generic[] = {
	{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, false },
	{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, false },
	{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, true },
	{ "cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, true },
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, false },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, false },
	{ "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES, false },
	{ "LLC-loads", PERF_TYPE_HW_CACHE, LLC_READ(PERF_COUNT_HW_CACHE_RESULT_ACCESS), false },
	{ "LLC-load-misses", PERF_TYPE_HW_CACHE, LLC_READ(PERF_COUNT_HW_CACHE_RESULT_MISS), false },
};
#define NGENERIC ((int)(sizeof(generic) / sizeof(generic[0])))

const char *fb_counters_generic_names(void)
{
	static char buf[256];

	if (!buf[0])
		for (int g = 0, off = 0; g < NGENERIC; g++)
			off += snprintf(buf + off, sizeof(buf) - (size_t)off, "%s%s", g ? "," : "",
					generic[g].name);
	return buf;
}

static int generic_find(const char *name)
{
	if (!strncmp(name, "perf::", 6))
		name += 6;
	for (int g = 0; g < NGENERIC; g++)
		if (!strcasecmp(name, generic[g].name))
			return g;
	return -1;
}

/*
 * One event of the calling thread, user space only (PAPI's default domain,
 * and all perf_event_paranoid 2 allows), except the scheduler's events,
 * which only kernel mode sees.  Hardware events are pinned: the kernel
 * either counts them all the time or not at all, never a multiplexed share
 * scaled up to look like a count.
 */
static int generic_open(int g)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = generic[g].type;
	a.config = generic[g].config;
	a.disabled = 1;
	a.exclude_kernel = !generic[g].kernel;
	a.exclude_hv = 1;
	a.pinned = generic[g].type != PERF_TYPE_SOFTWARE;
	a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	return (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

/* The count since the last reset; -1 when the event was not counting all along. */
static int generic_read(int fd, long long *v)
{
	uint64_t r[3];

	if (read(fd, r, sizeof(r)) != (ssize_t)sizeof(r) || r[2] != r[1])
		return -1;
	*v = (long long)r[0];
	return 0;
}

static void generic_why(int g, int e, char *why, size_t len)
{
	char *p;

	switch (e) {
	case ENOENT:
	case EOPNOTSUPP:
		snprintf(why, len, "no PMU here counts it");
		break;
	case EACCES:
	case EPERM:
		p = fb_read_file("/proc/sys/kernel/perf_event_paranoid", 32, NULL);
		if (p)
			p[strcspn(p, "\n")] = '\0';
		snprintf(why, len, "%skernel.perf_event_paranoid = %s forbids it",
			 generic[g].kernel ? "counted in kernel mode, which " : "", p ? p : "?");
		free(p);
		break;
	case ENOSYS:
		snprintf(why, len, "this kernel has no perf_event_open(2)");
		break;
	default:
		snprintf(why, len, "perf_event_open: %s", strerror(e));
	}
}

/* Can this event be opened, enabled and read here? */
static int try_generic(int g, char *why, size_t whylen)
{
	int fd = generic_open(g);
	long long v;
	int rc;

	if (fd < 0) {
		generic_why(g, errno, why, whylen);
		return -1;
	}
	ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	rc = generic_read(fd, &v);
	if (rc)
		snprintf(why, whylen, "the kernel could not schedule it on the PMU");
	close(fd);
	return rc;
}

/* ---- PAPI presets and native events ---- */

#ifdef HAVE_PAPI
#include <papi.h>
#include <pthread.h>

_Static_assert(PAPI_NULL == -1, "struct fb_counter_thread marks 'no event set' as -1");

static int papi_ready(char *why, size_t whylen)
{
	static int state; /* 0 untried, 1 ok, -1 failed */

	if (!state)
		state = PAPI_library_init(PAPI_VER_CURRENT) == PAPI_VER_CURRENT &&
			PAPI_thread_init(pthread_self) == PAPI_OK ? 1 : -1;
	if (state < 0)
		snprintf(why, whylen, "PAPI failed to initialise");
	return state > 0 ? 0 : -1;
}

/* Can this event be added, started and read here?  -2: PAPI does not know it. */
static int try_papi(const char *name, char *why, size_t whylen)
{
	int es = PAPI_NULL, code, rc;
	long long v;

	if (papi_ready(why, whylen))
		return -1;
	if (PAPI_event_name_to_code((char *)name, &code) != PAPI_OK)
		return -2;
	if (PAPI_create_eventset(&es) != PAPI_OK)
		return -1;
	rc = PAPI_add_event(es, code);
	if (rc == PAPI_OK)
		rc = PAPI_start(es);
	if (rc == PAPI_OK)
		rc = PAPI_stop(es, &v);
	if (rc != PAPI_OK)
		snprintf(why, whylen, "%s", PAPI_strerror(rc));
	PAPI_cleanup_eventset(es);
	PAPI_destroy_eventset(&es);
	return rc == PAPI_OK ? 0 : -1;
}

static int papi_thread_init(const struct fb_counters *c, struct fb_counter_thread *t)
{
	PAPI_register_thread();
	if (PAPI_create_eventset(&t->eventset) != PAPI_OK)
		return -1;
	for (size_t i = 0; i < c->n; i++) {
		int code;

		if (c->generic[i] >= 0)
			continue;
		if (PAPI_event_name_to_code((char *)c->name[i], &code) != PAPI_OK ||
		    PAPI_add_event(t->eventset, code) != PAPI_OK)
			return -1;
	}
	return 0;
}

static void papi_start(struct fb_counter_thread *t)
{
	if (t->eventset != PAPI_NULL && PAPI_start(t->eventset) != PAPI_OK)
		t->lost = true;
}

static int papi_stop(struct fb_counter_thread *t)
{
	return PAPI_stop(t->eventset, t->values) == PAPI_OK ? 0 : -1;
}

static void papi_fini(struct fb_counter_thread *t)
{
	PAPI_cleanup_eventset(t->eventset);
	PAPI_destroy_eventset(&t->eventset);
}

#else /* !HAVE_PAPI */

/* Without PAPI, only what looks like a PAPI name (a preset, PMU::EVENT)
 * cannot run here; anything else is simply unknown. */
static int try_papi(const char *name, char *why, size_t whylen)
{
	return !strncmp(name, "PAPI_", 5) || strstr(name, "::") ? FB_EXIT_SKIP : -2;
}

static int papi_thread_init(const struct fb_counters *c, struct fb_counter_thread *t)
{
	return -1;
}

static void papi_start(struct fb_counter_thread *t) { }
static int papi_stop(struct fb_counter_thread *t) { return -1; }
static void papi_fini(struct fb_counter_thread *t) { }

#endif

/* ---- both ---- */

static void add_unavailable(struct fb_counters *c, const char *name, const char *why)
{
	size_t off = strlen(c->unavailable);

	if (off < sizeof(c->unavailable) - 1)
		snprintf(c->unavailable + off, sizeof(c->unavailable) - off, "%s%s (%s)",
			 off ? ", " : "", name, why);
}

int fb_counters_setup(struct fb_counters *c, const char *list, char *err, size_t errlen)
{
	char **names, seen[2 * FB_MAX_COUNTERS + 16][96];
	size_t n, nseen = 0;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	fb_split_list(list, &names, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		int g = generic_find(names[i]);
		const char *name = g >= 0 ? generic[g].name : names[i];
		char why[128] = "";
		int ok;

		for (size_t j = 0; j < nseen && !rc; j++) {
			if (!strcmp(seen[j], name)) {
				snprintf(err, errlen, "--counters %s: %s given twice", list, name);
				rc = -1;
			}
		}
		if (rc)
			break;
		if (nseen < sizeof(seen) / sizeof(seen[0]))
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", name);
		ok = g >= 0 ? try_generic(g, why, sizeof(why)) : try_papi(name, why, sizeof(why));
		if (ok == -2) {
			snprintf(err, errlen,
				 "--counters %s: neither a generic event (%s) nor one PAPI knows%s",
				 name, fb_counters_generic_names(),
#ifdef HAVE_PAPI
				 " (papi_avail / papi_native_avail list those)"
#else
				 " (this build has no PAPI)"
#endif
				 );
			rc = -1;
		} else if (ok == FB_EXIT_SKIP) {
			snprintf(err, errlen,
				 "--counters %s: this build has no PAPI (install libpapi-dev and rebuild); the generic events need none: %s",
				 name, fb_counters_generic_names());
			rc = FB_EXIT_SKIP;
		} else if (ok) {
			add_unavailable(c, name, why);
		} else if (c->n == FB_MAX_COUNTERS) {
			add_unavailable(c, name, "too many events");
		} else {
			c->generic[c->n] = g;
			snprintf(c->name[c->n++], sizeof(c->name[0]), "%s", name);
		}
	}
	fb_free_list(names, n);
	if (rc) {
		c->n = 0;
		c->unavailable[0] = '\0';
	}
	return rc;
}

int fb_counters_thread_init(const struct fb_counters *c, struct fb_counter_thread *t)
{
	bool papi = false;

	memset(t, 0, sizeof(*t));
	t->eventset = -1;
	for (size_t i = 0; i < FB_MAX_COUNTERS; i++)
		t->fd[i] = -1;
	for (size_t i = 0; i < c->n; i++) {
		if (c->generic[i] < 0) {
			papi = true;
			continue;
		}
		t->fd[i] = generic_open(c->generic[i]);
		if (t->fd[i] < 0)
			goto fail;
	}
	if (!papi || !papi_thread_init(c, t))
		return 0;
fail:
	fb_counters_thread_fini(t);
	t->lost = true; /* counts nothing: start and stop do nothing */
	return -1;
}

void fb_counters_thread_start(struct fb_counter_thread *t)
{
	if (t->lost)
		return;
	for (size_t i = 0; i < FB_MAX_COUNTERS; i++) {
		if (t->fd[i] >= 0) {
			ioctl(t->fd[i], PERF_EVENT_IOC_RESET, 0);
			ioctl(t->fd[i], PERF_EVENT_IOC_ENABLE, 0);
		}
	}
	papi_start(t);
	t->running = true;
}

void fb_counters_thread_stop(struct fb_counter_thread *t, double *acc, size_t n)
{
	long long v[FB_MAX_COUNTERS] = { 0 };
	size_t k = 0;

	if (!t->running)
		return;
	if (t->eventset != -1 && papi_stop(t))
		t->lost = true;
	for (size_t i = 0; i < n && i < FB_MAX_COUNTERS; i++) {
		if (t->fd[i] < 0) {
			v[i] = t->values[k++]; /* PAPI's, in the order they were added */
			continue;
		}
		ioctl(t->fd[i], PERF_EVENT_IOC_DISABLE, 0);
		if (generic_read(t->fd[i], &v[i]))
			t->lost = true;
	}
	for (size_t i = 0; !t->lost && i < n && i < FB_MAX_COUNTERS; i++)
		acc[i] += (double)v[i];
	t->running = false;
}

void fb_counters_thread_fini(struct fb_counter_thread *t)
{
	for (size_t i = 0; i < FB_MAX_COUNTERS; i++) {
		if (t->fd[i] >= 0)
			close(t->fd[i]);
		t->fd[i] = -1;
	}
	if (t->eventset != -1)
		papi_fini(t);
	t->eventset = -1;
}
