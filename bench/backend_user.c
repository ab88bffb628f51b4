/*
 * The userspace backend: the kernel's copy primitives run by pinned
 * pthreads over buffers bound to NUMA nodes.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "evict.h"
#include "memory.h"
#include "primitives.h"
#include "util.h"

/* Buffers are reused across cells with the same nodes and backing. */
static struct {
	struct fb_buffer src, dst;
	bool valid;
	int src_node, dst_node;
	enum fb_backing backing;
	bool huge_folios;
} cache;

struct user_ctx;

struct worker {
	struct user_ctx *u;
	int index, cpu;
	pthread_t tid;
	struct fb_counter_thread ct;
	double counts[FB_MAX_COUNTERS];
};

struct user_ctx {
	const struct fb_cell *c;
	const struct fb_run_opts *o;
	fb_copy_fn copy;
	unsigned char *src, *dst;
	uint64_t bytes;
	struct fb_sweep sweep;
	int nworkers;
	struct worker *w;
	pthread_barrier_t start, end;
	volatile int quit;
	bool warmed;
	bool counting;           /* false during warm-up: no events counted */
	cpu_set_t saved_affinity;
};

/* The source pattern: every 8 bytes differ, so misplaced copies show. */
static void fill_pattern(unsigned char *p, uint64_t len)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (uint64_t i = 0; i + 8 <= len; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + i, &x, 8);
	}
}

static int ensure_buffers(const struct fb_cell *c, uint64_t bytes, char *err, size_t errlen)
{
	bool huge = c->folio_size >= (2ULL << 20);

	if (cache.valid && cache.src.len >= bytes && cache.src_node == c->src_node &&
	    cache.dst_node == c->dst_node && cache.backing == c->backing &&
	    (c->backing != FB_BACK_AUTO || cache.huge_folios == huge))
		return 0;
	if (cache.valid) {
		fb_buffer_free(&cache.src);
		fb_buffer_free(&cache.dst);
		cache.valid = false;
	}
	if (fb_buffer_alloc(&cache.src, bytes, c->src_node, c->backing, c->folio_size, err, errlen))
		return -1;
	if (fb_buffer_alloc(&cache.dst, bytes, c->dst_node, c->backing, c->folio_size, err, errlen)) {
		fb_buffer_free(&cache.src);
		return -1;
	}
	if (fb_buffer_check_node(&cache.src, err, errlen) ||
	    fb_buffer_check_node(&cache.dst, err, errlen)) {
		fb_buffer_free(&cache.src);
		fb_buffer_free(&cache.dst);
		return -1;
	}
	fill_pattern(cache.src.addr, bytes);
	cache.valid = true;
	cache.src_node = c->src_node;
	cache.dst_node = c->dst_node;
	cache.backing = c->backing;
	cache.huge_folios = huge;
	return 0;
}

/* Copy [off, off+len) of one folio per page (folio_copy's loop) or at once. */
static void copy_span(const struct user_ctx *u, uint64_t off, uint64_t len)
{
	if (u->c->mode == FB_MODE_BATCHED) {
		u->copy(u->dst + off, u->src + off, len);
		return;
	}
	for (uint64_t p = 0; p < len; p += FB_PAGE_SIZE) {
		uint64_t n = len - p < FB_PAGE_SIZE ? len - p : FB_PAGE_SIZE;

		u->copy(u->dst + off + p, u->src + off + p, n);
	}
}

/* One worker's share of an iteration, split the way mtcopy splits. */
static void copy_share(const struct user_ctx *u, int t)
{
	const struct fb_cell *c = u->c;
	uint64_t fs = c->folio_size, nf = c->folio_count, T = (uint64_t)u->nworkers;

	if (c->split == FB_SPLIT_CHUNK) {
		uint64_t chunk = fs / T, lo = chunk * (uint64_t)t;
		uint64_t len = (uint64_t)t == T - 1 ? fs - lo : chunk;

		for (uint64_t f = 0; f < nf; f++)
			if (len)
				copy_span(u, f * fs + lo, len);
	} else {
		uint64_t f0 = nf * (uint64_t)t / T, f1 = nf * (uint64_t)(t + 1) / T;

		for (uint64_t f = f0; f < f1; f++)
			copy_span(u, f * fs, fs);
	}
}

static void run_share(struct worker *w)
{
	bool count = w->u->o->counters && w->u->counting;

	if (count)
		fb_counters_thread_start(&w->ct);
	copy_share(w->u, w->index);
	if (count)
		fb_counters_thread_stop(&w->ct, w->counts, w->u->o->counters->n);
}

static int pin(pthread_t t, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(t, sizeof(set), &set);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	if (w->u->o->counters)
		fb_counters_thread_init(w->u->o->counters, &w->ct);
	for (;;) {
		pthread_barrier_wait(&w->u->start);
		if (w->u->quit)
			break;
		run_share(w);
		pthread_barrier_wait(&w->u->end);
	}
	if (w->u->o->counters)
		fb_counters_thread_fini(&w->ct);
	return NULL;
}

static void stop_workers(struct user_ctx *u)
{
	if (u->nworkers > 1) {
		u->quit = 1;
		pthread_barrier_wait(&u->start);
		for (int i = 1; i < u->nworkers; i++)
			pthread_join(u->w[i].tid, NULL);
		pthread_barrier_destroy(&u->start);
		pthread_barrier_destroy(&u->end);
	}
}

static void *user_prepare(const struct fb_cell *c, const struct fb_run_opts *o,
			  struct fb_result *r, char *err, size_t errlen)
{
	const struct fb_primitive *p = fb_primitive_find(c->primitive);
	struct user_ctx *u;
	json_object *cpus;
	int rc;

	if (!p) {
		snprintf(err, errlen, "primitive %s is not built", c->primitive);
		return NULL;
	}
	if ((c->evict == FB_EVICT_SRC || c->evict == FB_EVICT_BOTH) && !fb_flush_supported()) {
		snprintf(err, errlen, "--evict %s: this CPU has no cache-line flush instruction",
			 fb_evict_name(c->evict));
		return NULL;
	}
	u = calloc(1, sizeof(*u));
	if (!u)
		return snprintf(err, errlen, "out of memory"), NULL;
	u->c = c;
	u->o = o;
	u->copy = p->copy;
	u->bytes = fb_cell_bytes(c);
	u->nworkers = c->threads;
	if (ensure_buffers(c, u->bytes, err, errlen))
		goto fail;
	u->src = cache.src.addr;
	u->dst = cache.dst.addr;
	/* Verification must see a destination the copy has yet to write. */
	if (c->verify)
		memset(u->dst, 0, u->bytes);
	snprintf(r->backing_src, sizeof(r->backing_src), "%s", cache.src.backing);
	snprintf(r->backing_dst, sizeof(r->backing_dst), "%s", cache.dst.backing);
	snprintf(r->implementation, sizeof(r->implementation), "userspace %s", p->name);
	if (c->evict == FB_EVICT_SWEEP && fb_sweep_init(&u->sweep, o->llc_bytes)) {
		snprintf(err, errlen, "--evict sweep: cannot allocate the sweep buffer");
		goto fail;
	}
	u->w = calloc((size_t)u->nworkers, sizeof(*u->w));
	if (!u->w)
		goto fail;
	sched_getaffinity(0, sizeof(u->saved_affinity), &u->saved_affinity);
	/* The calling thread is worker 0, pinned like the others. */
	if (pin(pthread_self(), c->cpus[0])) {
		snprintf(err, errlen, "cannot pin to cpu %d", c->cpus[0]);
		goto fail;
	}
	u->w[0] = (struct worker){ .u = u, .index = 0, .cpu = c->cpus[0] };
	if (o->counters && fb_counters_thread_init(o->counters, &u->w[0].ct)) {
		snprintf(err, errlen, "--counters: cannot start the event set");
		goto fail;
	}
	if (u->nworkers > 1) {
		pthread_barrier_init(&u->start, NULL, (unsigned)u->nworkers);
		pthread_barrier_init(&u->end, NULL, (unsigned)u->nworkers);
		for (int i = 1; i < u->nworkers; i++) {
			u->w[i] = (struct worker){ .u = u, .index = i, .cpu = c->cpus[i] };
			rc = pthread_create(&u->w[i].tid, NULL, worker_main, &u->w[i]);
			if (rc) {
				/* Started workers wait on a barrier sized for all. */
				fprintf(stderr, "foliobench: pthread_create: %s\n", strerror(rc));
				exit(FB_EXIT_FAIL);
			}
			pin(u->w[i].tid, u->w[i].cpu);
		}
	}
	cpus = json_object_new_array();
	for (int i = 0; i < u->nworkers; i++)
		json_object_array_add(cpus, json_object_new_int(c->cpus[i]));
	r->extra = json_object_new_object();
	json_object_object_add(r->extra, "cpus_used", cpus);
	return u;
fail:
	if (u->w && o->counters)
		fb_counters_thread_fini(&u->w[0].ct);
	fb_sweep_free(&u->sweep);
	free(u->w);
	free(u);
	return NULL;
}

static void evict_before(struct user_ctx *u)
{
	switch (u->c->evict) {
	case FB_EVICT_BOTH:
		fb_flush_range(u->dst, u->bytes);
		/* fall through */
	case FB_EVICT_SRC:
		fb_flush_range(u->src, u->bytes);
		break;
	case FB_EVICT_SWEEP:
		fb_sweep_run(&u->sweep);
		break;
	case FB_EVICT_NONE:
		break;
	}
}

static int user_iterate(void *ctx, unsigned n, double *ns, struct fb_result *r,
			char *err, size_t errlen)
{
	struct user_ctx *u = ctx;
	unsigned i;

	if (!u->warmed) {
		/* Untimed: faults, TLB and the primitive's first-use costs. */
		for (i = 0; i < u->o->warmup && !fb_interrupted; i++) {
			evict_before(u);
			if (u->nworkers > 1)
				pthread_barrier_wait(&u->start);
			run_share(&u->w[0]);
			if (u->nworkers > 1)
				pthread_barrier_wait(&u->end);
		}
		u->warmed = true;
		u->counting = true;
	}
	for (i = 0; i < n && !fb_interrupted; i++) {
		uint64_t t0, t1;

		evict_before(u);
		t0 = fb_now_ns();
		if (u->nworkers > 1)
			pthread_barrier_wait(&u->start);
		run_share(&u->w[0]);
		if (u->nworkers > 1)
			pthread_barrier_wait(&u->end);
		t1 = fb_now_ns();
		ns[i] = (double)(t1 - t0);
	}
	return (int)i;
}

static int user_finish(void *ctx, struct fb_result *r, char *err, size_t errlen)
{
	struct user_ctx *u = ctx;
	int rc = 0;

	stop_workers(u);
	if (u->o->counters) {
		for (int i = 0; i < u->nworkers; i++)
			for (size_t k = 0; k < u->o->counters->n; k++)
				r->counter_totals[k] += u->w[i].counts[k];
		r->counters_valid = true;
		fb_counters_thread_fini(&u->w[0].ct);
	}
	if (u->c->verify && r->n) {
		const unsigned char *a = u->src, *b = u->dst;

		r->verified = !memcmp(a, b, u->bytes);
		if (!r->verified) {
			uint64_t off = 0;

			while (off < u->bytes && a[off] == b[off])
				off++;
			if (err)
				snprintf(err, errlen,
					 "verify: destination differs from source at byte %llu of %llu",
					 (unsigned long long)off, (unsigned long long)u->bytes);
			rc = -1;
		}
	}
	sched_setaffinity(0, sizeof(u->saved_affinity), &u->saved_affinity);
	fb_sweep_free(&u->sweep);
	free(u->w);
	free(u);
	return rc;
}

static int user_probe(const struct fb_cell *cells, size_t n, char *err, size_t errlen)
{
	return FB_EXIT_OK;
}

static void user_shutdown(void)
{
	if (cache.valid) {
		fb_buffer_free(&cache.src);
		fb_buffer_free(&cache.dst);
		cache.valid = false;
	}
}

const struct fb_backend fb_backend_user = {
	.name = "user",
	.probe = user_probe,
	.prepare = user_prepare,
	.iterate = user_iterate,
	.finish = user_finish,
	.describe = NULL,
	.shutdown = user_shutdown,
};
