#include "counters.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

#ifdef HAVE_PAPI
#include <papi.h>
#include <pthread.h>

static int papi_ready(char *err, size_t errlen)
{
	static int state; /* 0 untried, 1 ok, -1 failed */

	if (state)
		return state > 0 ? 0 : -1;
	if (PAPI_library_init(PAPI_VER_CURRENT) != PAPI_VER_CURRENT ||
	    PAPI_thread_init(pthread_self) != PAPI_OK) {
		snprintf(err, errlen, "--counters: PAPI failed to initialise");
		state = -1;
		return -1;
	}
	state = 1;
	return 0;
}

/* Can this event be added, started and read on this machine? */
static int try_event(const char *name, char *why, size_t whylen)
{
	int es = PAPI_NULL, code, rc;
	long long v;

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

int fb_counters_setup(struct fb_counters *c, const char *list, char *err, size_t errlen)
{
	char **names;
	size_t n, off = 0;

	memset(c, 0, sizeof(*c));
	if (papi_ready(err, errlen))
		return -1;
	fb_split_list(list, &names, &n);
	for (size_t i = 0; i < n; i++) {
		char why[128] = "";
		int rc = try_event(names[i], why, sizeof(why));

		if (rc == -2) {
			snprintf(err, errlen,
				 "--counters %s: PAPI does not know this event (papi_avail / papi_native_avail list them)",
				 names[i]);
			fb_free_list(names, n);
			return -1;
		}
		if (rc == 0 && c->n < FB_MAX_COUNTERS) {
			snprintf(c->name[c->n++], sizeof(c->name[0]), "%s", names[i]);
		} else if (off < sizeof(c->unavailable)) {
			off += (size_t)snprintf(c->unavailable + off, sizeof(c->unavailable) - off,
						"%s%s (%s)", off ? ", " : "", names[i],
						rc == 0 ? "too many events" : why);
		}
	}
	fb_free_list(names, n);
	return 0;
}

int fb_counters_thread_init(const struct fb_counters *c, struct fb_counter_thread *t)
{
	memset(t, 0, sizeof(*t));
	t->eventset = PAPI_NULL;
	if (!c->n)
		return 0;
	PAPI_register_thread();
	if (PAPI_create_eventset(&t->eventset) != PAPI_OK)
		return -1;
	for (size_t i = 0; i < c->n; i++) {
		int code;

		if (PAPI_event_name_to_code(c->name[i], &code) != PAPI_OK ||
		    PAPI_add_event(t->eventset, code) != PAPI_OK)
			return -1;
	}
	return 0;
}

void fb_counters_thread_start(struct fb_counter_thread *t)
{
	if (t->eventset != PAPI_NULL && PAPI_start(t->eventset) == PAPI_OK)
		t->running = true;
}

void fb_counters_thread_stop(struct fb_counter_thread *t, double *acc, size_t n)
{
	if (!t->running)
		return;
	if (PAPI_stop(t->eventset, t->values) == PAPI_OK)
		for (size_t i = 0; i < n && i < FB_MAX_COUNTERS; i++)
			acc[i] += (double)t->values[i];
	t->running = false;
}

void fb_counters_thread_fini(struct fb_counter_thread *t)
{
	if (t->eventset != PAPI_NULL) {
		PAPI_cleanup_eventset(t->eventset);
		PAPI_destroy_eventset(&t->eventset);
	}
	t->eventset = PAPI_NULL;
}

#else /* !HAVE_PAPI */

int fb_counters_setup(struct fb_counters *c, const char *list, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	snprintf(err, errlen, "--counters: this build has no PAPI (install libpapi-dev and rebuild)");
	return FB_EXIT_SKIP;
}

int fb_counters_thread_init(const struct fb_counters *c, struct fb_counter_thread *t)
{
	memset(t, 0, sizeof(*t));
	return 0;
}

void fb_counters_thread_start(struct fb_counter_thread *t) { }
void fb_counters_thread_stop(struct fb_counter_thread *t, double *acc, size_t n) { }
void fb_counters_thread_fini(struct fb_counter_thread *t) { }

#endif
