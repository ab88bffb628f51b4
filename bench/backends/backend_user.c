// SPDX-License-Identifier: GPL-2.0-only
/*
 * The userspace backend: the kernel's copy primitives run by pinned
 * pthreads over buffers bound to NUMA nodes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "evict.h"
#include "memory.h"
#include "primitives.h"
#include "results.h"
#include "util.h"
#include "workers.h"

/* The source and destination, reused from cell to cell while the nodes,
 * the backing and the source pattern stay. */
struct user_buffers {
	struct fb_buffer src, dst;
	bool valid;
	int src_node, dst_node;
	enum fb_backing backing;
	int folio_class;         /* what auto and hugetlb backing depend on */
	bool src_zero;
};
/*
 * A run's buffers, from its first prepare to shutdown: faulting GiBs in
 * again for every cell would take longer than the cell.  File-level because
 * the backend interface (backend.h) gives a backend no per-run handle to
 * keep them in; the functions below take them as an argument.
 */
static struct user_buffers run_buffers;

struct user_ctx {
	const struct fb_cell *c;
	const struct fb_run_opts *o;
	fb_copy_fn copy;
	unsigned char *src, *dst;
	uint64_t bytes;
	struct fb_sweep sweep;
	int nworkers;
	struct fb_workers team;
	bool warmed;
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

static int ensure_buffers(struct user_buffers *kept, const struct fb_cell *c, uint64_t bytes,
			  char *err, size_t errlen)
{
	/* auto: 4K pages below 2M folios, THP from 2M; hugetlb: 2M or 1G pages */
	int fclass = c->folio_size >= (1ULL << 30) ? 2 : c->folio_size >= (2ULL << 20) ? 1 : 0;

	if (kept->valid && kept->src.len >= bytes && kept->src_node == c->src_node &&
	    kept->dst_node == c->dst_node && kept->backing == c->backing &&
	    kept->folio_class == fclass &&
	    kept->src_zero == c->src_zero)
		return 0;
	if (kept->valid) {
		fb_buffer_free(&kept->src);
		fb_buffer_free(&kept->dst);
		kept->valid = false;
	}
	if (fb_buffer_alloc(&kept->src, bytes, c->src_node, c->backing, c->folio_size, err, errlen))
		return -1;
	if (fb_buffer_alloc(&kept->dst, bytes, c->dst_node, c->backing, c->folio_size, err, errlen)) {
		fb_buffer_free(&kept->src);
		return -1;
	}
	if (fb_buffer_check_node(&kept->src, err, errlen) ||
	    fb_buffer_check_node(&kept->dst, err, errlen)) {
		fb_buffer_free(&kept->src);
		fb_buffer_free(&kept->dst);
		return -1;
	}
	/* Zeros copy a few percent faster on some machines (perf bench's source
	 * is zeros); the pattern is the default so misplaced bytes show. */
	if (c->src_zero)
		memset(kept->src.addr, 0, bytes);
	else
		fill_pattern(kept->src.addr, bytes);
	kept->valid = true;
	kept->src_node = c->src_node;
	kept->dst_node = c->dst_node;
	kept->backing = c->backing;
	kept->folio_class = fclass;
	kept->src_zero = c->src_zero;
	return 0;
}

/*
 * Copy [off, off+len) of one folio per page (folio_copy's loop) or at once.
 * Userspace has no kmap or cond_resched to leave out, so batch-impl
 * copy_page (the per-page primitive with batched overhead) runs the same
 * loop as per page: what the module saves there, this cannot show.
 */
static void copy_span(const struct user_ctx *u, uint64_t off, uint64_t len)
{
	if (u->c->mode == FB_MODE_BATCHED && u->c->batch_impl != FB_BATCH_COPY_PAGE) {
		u->copy(u->dst + off, u->src + off, len);
		return;
	}
	for (uint64_t p = 0; p < len; p += FB_PAGE_SIZE) {
		uint64_t n = len - p < FB_PAGE_SIZE ? len - p : FB_PAGE_SIZE;

		u->copy(u->dst + off + p, u->src + off + p, n);
	}
}

/* One worker's share of an iteration, split the way mtcopy splits. */
static void copy_share(void *arg, int t)
{
	const struct user_ctx *u = arg;
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

static void *user_prepare(const struct fb_cell *c, const struct fb_run_opts *o,
			  struct fb_result *r, char *err, size_t errlen)
{
	const struct fb_primitive *p = fb_primitive_find(c->primitive);
	struct user_ctx *u;

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
	if (ensure_buffers(&run_buffers, c, u->bytes, err, errlen))
		goto fail;
	u->src = run_buffers.src.addr;
	u->dst = run_buffers.dst.addr;
	/* Verification must see a destination the copy has yet to write. */
	if (c->verify)
		memset(u->dst, c->src_zero ? 0xff : 0, u->bytes);
	snprintf(r->backing_src, sizeof(r->backing_src), "%s", run_buffers.src.backing);
	snprintf(r->backing_dst, sizeof(r->backing_dst), "%s", run_buffers.dst.backing);
	snprintf(r->implementation, sizeof(r->implementation), "userspace %s", p->name);
	if (c->evict == FB_EVICT_SWEEP && fb_sweep_init(&u->sweep, o->llc_bytes)) {
		snprintf(err, errlen, "--evict sweep: cannot allocate the sweep buffer");
		goto fail;
	}
	if (fb_workers_start(&u->team, u->nworkers, c->cpus, o->counters, copy_share, u,
			     err, errlen))
		goto fail;
	r->extra = fb_extra_cpus_used(c, u->nworkers);
	return u;
fail:
	fb_sweep_free(&u->sweep);
	free(u);
	return NULL;
}

static void evict_before(struct user_ctx *u)
{
	fb_evict_before(u->c->evict, u->src, u->dst, u->bytes, &u->sweep);
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
			fb_workers_pass(&u->team);
		}
		u->warmed = true;
		u->team.counting = true;
	}
	for (i = 0; i < n && !fb_interrupted; i++) {
		evict_before(u);
		ns[i] = fb_workers_pass(&u->team);
		if (u->o->inject_slowdown_pct > 0) {
			/* Spin as if inside the timing: this iteration's copy time T
			 * becomes T / (1 - pct/100), so its GB/s is pct percent below
			 * what the copy alone gave. */
			double pct = u->o->inject_slowdown_pct;
			uint64_t t0 = fb_now_ns(), extra = (uint64_t)(ns[i] * pct / (100 - pct));

			while (fb_now_ns() - t0 < extra)
				;
			ns[i] += (double)(fb_now_ns() - t0);
		}
	}
	return (int)i;
}

static int user_finish(void *ctx, struct fb_result *r, char *err, size_t errlen)
{
	struct user_ctx *u = ctx;
	int rc = 0;

	r->counters_valid = fb_workers_stop(&u->team, r->counter_totals);
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
	fb_sweep_free(&u->sweep);
	free(u);
	return rc;
}

static int user_probe(const struct fb_cell *cells, size_t n, char *err, size_t errlen)
{
	return FB_EXIT_OK;
}

static void release_buffers(struct user_buffers *kept)
{
	if (kept->valid) {
		fb_buffer_free(&kept->src);
		fb_buffer_free(&kept->dst);
		kept->valid = false;
	}
}

static void user_shutdown(void)
{
	release_buffers(&run_buffers);
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
