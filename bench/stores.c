/*
 * Store kernels for write-once records and the backend that times them.
 *
 * Seed 004 fills ZONE_DEVICE struct pages from a cached template: the
 * generic code stores each 8-byte word (cached stores, which first read
 * every destination line into the cache: write-allocate), the patch stores
 * them with movnti and drains once with sfence, the reviewers ask for
 * memcpy_flushcache() instead.  Each kernel below is one of those store
 * sequences, or a reference (rep movsb, memcpy_orig: what memcpy() of the
 * template runs; clwb after cached stores; movdir64b's 64-byte store).
 */
#include "stores.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evict.h"
#include "memory.h"
#include "primitives.h"
#include "results.h"
#include "util.h"
#include "workers.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

void fb_stores_template(uint64_t *tmpl, size_t words)
{
	/* distinct nonzero words: a missed or misplaced store shows */
	for (size_t w = 0; w < words; w++)
		tmpl[w] = 0x9e3779b97f4a7c15ULL * (w + 1) ^ 0x5151515151515151ULL;
}

/*
 * The generic template copy (mm/mm_init.c before the seed's patch, and
 * asm-generic arch_optimize_store_u64): one plain 8-byte store per word.
 * volatile keeps the compiler from merging them into vector stores, as the
 * kernel (built without SSE) never does.
 */
static void st_cached(void *dst, uint64_t *tmpl, size_t words, size_t nrec, uint64_t index)
{
	volatile uint64_t *d = dst;

	for (size_t r = 0; r < nrec; r++, d += words) {
		tmpl[0] = index + r;
		for (size_t w = 0; w < words; w++)
			d[w] = tmpl[w];
	}
}

#if defined(__x86_64__)

/* The seed's x86-64 arch_optimize_store_u64 (movnti per word) and one
 * arch_optimize_store_drain (sfence) at the end. */
static void st_movnti(void *dst, uint64_t *tmpl, size_t words, size_t nrec, uint64_t index)
{
	long long *d = dst;

	for (size_t r = 0; r < nrec; r++, d += words) {
		tmpl[0] = index + r;
		for (size_t w = 0; w < words; w++)
			_mm_stream_si64(&d[w], (long long)tmpl[w]);
	}
	_mm_sfence();
}

/*
 * __memcpy_flushcache() (arch/x86/lib/usercopy_64.c) as it runs for an
 * 8-byte aligned record whose size is a multiple of 8: the 4x8-byte movnti
 * loop, then 8-byte movnti.  Its unaligned head and 4/1-byte tails (cached
 * copy plus clean_cache_range) cannot occur for such records.  Out of line
 * like the kernel's call; no fence, which the kernel leaves to its caller.
 */
__attribute__((noinline))
static void flushcache_record(void *dst, const void *src, size_t size)
{
	long long *d = dst;
	const long long *s = src;

	for (; size >= 32; size -= 32, d += 4, s += 4) {
		_mm_stream_si64(d, s[0]);
		_mm_stream_si64(d + 1, s[1]);
		_mm_stream_si64(d + 2, s[2]);
		_mm_stream_si64(d + 3, s[3]);
	}
	for (; size >= 8; size -= 8)
		_mm_stream_si64(d++, *s++);
}

static void st_flushcache(void *dst, uint64_t *tmpl, size_t words, size_t nrec, uint64_t index)
{
	char *d = dst;

	for (size_t r = 0; r < nrec; r++, d += words * 8) {
		tmpl[0] = index + r;
		flushcache_record(d, tmpl, words * 8);
	}
	_mm_sfence();   /* the caller's drain (pmem_wmb() and the like) */
}

/* memcpy() of the template per record, with the routine memcpy runs: rep
 * movsb (6.12+ with FSRM, 6.1 with ERMS) or memcpy_orig (6.12+ without
 * FSRM), from the primitive table. */
static void st_with(fb_copy_fn copy, void *dst, uint64_t *tmpl, size_t words, size_t nrec,
		    uint64_t index)
{
	char *d = dst;

	for (size_t r = 0; r < nrec; r++, d += words * 8) {
		tmpl[0] = index + r;
		copy(d, tmpl, words * 8);
	}
}

/* Looked up once (st_prepare), not in the timed passes. */
static fb_copy_fn copy_rep_movsb, copy_memcpy_orig;

static void st_rep_movsb(void *dst, uint64_t *tmpl, size_t words, size_t nrec, uint64_t index)
{
	st_with(copy_rep_movsb, dst, tmpl, words, nrec, index);
}

static void st_memcpy_orig(void *dst, uint64_t *tmpl, size_t words, size_t nrec, uint64_t index)
{
	st_with(copy_memcpy_orig, dst, tmpl, words, nrec, index);
}

/* Cached stores, then clwb of each line the record touched (the pmem way of
 * making cached stores durable), one sfence at the end. */
__attribute__((target("clwb")))
static void st_clwb(void *dst, uint64_t *tmpl, size_t words, size_t nrec, uint64_t index)
{
	volatile uint64_t *d = dst;
	uintptr_t next = (uintptr_t)dst & ~(uintptr_t)63;

	for (size_t r = 0; r < nrec; r++, d += words) {
		uintptr_t end = (uintptr_t)(d + words);

		tmpl[0] = index + r;
		for (size_t w = 0; w < words; w++)
			d[w] = tmpl[w];
		/* lines wholly written by now; a shared line waits for the next record */
		for (; next + 64 <= end; next += 64)
			_mm_clwb((void *)next);
	}
	if (next < (uintptr_t)d)
		_mm_clwb((void *)next);
	_mm_sfence();
}

/* movdir64b: one 64-byte direct store per 64 bytes, write-combined like
 * movnti but never partial; needs a 64-byte aligned destination. */
static void st_movdir64b(void *dst, uint64_t *tmpl, size_t words, size_t nrec, uint64_t index)
{
	char *d = dst;

	for (size_t r = 0; r < nrec; r++) {
		tmpl[0] = index + r;
		for (size_t w = 0; w < words; w += 8, d += 64)
			__asm__ __volatile__("movdir64b (%1), %0"
					     : : "r"(d), "r"(tmpl + w) : "memory");
	}
	_mm_sfence();
}

static bool need_clwb(const struct fb_cpu *cpu, size_t record, const char **why)
{
	if (cpu->flag[FB_F_CLWB])
		return true;
	*why = "this CPU has no CLWB";
	return false;
}

static bool need_movdir64b(const struct fb_cpu *cpu, size_t record, const char **why)
{
	if (!cpu->flag[FB_F_MOVDIR64B]) {
		*why = "this CPU has no MOVDIR64B";
		return false;
	}
	if (record % 64) {
		*why = "movdir64b stores 64 bytes at a time: --record-size must be a multiple of 64";
		return false;
	}
	return true;
}

#endif /* __x86_64__ */

static const struct fb_store_kernel kernels[] = {
	{ "cached", "plain 8-byte stores per word (the generic template copy); write-allocate",
	  NULL, st_cached, -1, true },
#if defined(__x86_64__)
	{ "movnti", "movnti per word, one sfence at the end (seed 004's arch_optimize_store_u64)",
	  NULL, st_movnti, -1, true },
	{ "flushcache", "memcpy_flushcache() per record: 4x8-byte movnti loop, sfence at the end",
	  NULL, st_flushcache, FB_KR_MEMCPY_FLUSHCACHE, true },
	{ "rep_movsb", "memcpy() per record as rep movsb (6.12+ with FSRM, 6.1 with ERMS)",
	  NULL, st_rep_movsb, FB_KR_MEMCPY, true },
	{ "memcpy_orig", "memcpy() per record as memcpy_orig (6.12+ without FSRM)",
	  NULL, st_memcpy_orig, FB_KR_MEMCPY, false },
	{ "clwb", "plain stores, clwb per written line, sfence at the end (pmem write-back)",
	  need_clwb, st_clwb, -1, false },
	{ "movdir64b", "movdir64b per 64 bytes, sfence at the end (64-byte direct stores)",
	  need_movdir64b, st_movdir64b, -1, false },
#endif
};
#define NKERNELS (sizeof(kernels) / sizeof(kernels[0]))

const struct fb_store_kernel *fb_store_kernels(size_t *count)
{
	*count = NKERNELS;
	return kernels;
}

const struct fb_store_kernel *fb_store_kernel_find(const char *name)
{
	for (size_t i = 0; name && i < NKERNELS; i++)
		if (!strcmp(kernels[i].name, name))
			return &kernels[i];
	return NULL;
}

bool fb_store_kernel_usable(const struct fb_store_kernel *k, const struct fb_cpu *cpu,
			    size_t record, const char **why)
{
	const char *dummy;

	if (!why)
		why = &dummy;
	*why = NULL;
	return !k->supported || k->supported(cpu, record, why);
}

/* ---- the backend ---- */

struct st_share {
	uint64_t *tmpl;          /* this worker's template: it stays in its cache */
	size_t first, nrec;      /* its records */
};

struct st_ctx {
	const struct fb_cell *c;
	const struct fb_run_opts *o;
	const struct fb_store_kernel *k;
	struct fb_buffer buf;
	size_t words;
	struct fb_sweep sweep;
	int nworkers;
	struct st_share *w;
	struct fb_workers team;
	bool warmed;
	double *per_pass;        /* [pass * events + event]: counts of each timed pass */
	size_t npass;
};

static void st_write_share(void *arg, int index)
{
	struct st_ctx *u = arg;
	const struct st_share *w = &u->w[index];

	if (w->nrec)
		u->k->run((char *)u->buf.addr + w->first * u->words * 8, w->tmpl, u->words, w->nrec,
			  w->first);
}

static void st_free(struct st_ctx *u)
{
	if (u->w)
		for (int i = 0; i < u->nworkers; i++)
			free(u->w[i].tmpl);
	free(u->w);
	fb_sweep_free(&u->sweep);
	if (u->buf.addr)
		fb_buffer_free(&u->buf);
	free(u->per_pass);
	free(u);
}

static void *st_prepare(const struct fb_cell *c, const struct fb_run_opts *o,
			struct fb_result *r, char *err, size_t errlen)
{
	const struct fb_store_kernel *k = fb_store_kernel_find(c->primitive);
	struct st_ctx *u;
	const char *why = NULL;

	if (!k || !fb_store_kernel_usable(k, fb_this_cpu(), c->folio_size, &why)) {
		snprintf(err, errlen, "store kernel %s: %s", c->primitive, k ? why : "not built");
		r->status = FB_EXIT_SKIP;
		return NULL;
	}
	u = calloc(1, sizeof(*u));
	if (!u)
		return snprintf(err, errlen, "out of memory"), NULL;
	u->c = c;
	u->o = o;
	u->k = k;
	u->words = c->folio_size / 8;
	u->nworkers = c->threads;
	/* the memmap is mapped with 2M pages (vmemmap), so THP where allowed */
	if (fb_buffer_alloc(&u->buf, fb_cell_bytes(c), c->dst_node, c->backing, 2ULL << 20,
			    err, errlen) ||
	    fb_buffer_check_node(&u->buf, err, errlen))
		goto fail;
	snprintf(r->backing_src, sizeof(r->backing_src), "template (cached)");
	snprintf(r->backing_dst, sizeof(r->backing_dst), "%s", u->buf.backing);
	snprintf(r->implementation, sizeof(r->implementation), "userspace store kernel %s", k->name);
	if (c->evict == FB_EVICT_SWEEP && fb_sweep_init(&u->sweep, o->llc_bytes)) {
		snprintf(err, errlen, "--evict sweep: cannot allocate the sweep buffer");
		goto fail;
	}
	if (k->run == st_rep_movsb || k->run == st_memcpy_orig) {
		const struct fb_primitive *p =
			fb_primitive_find(k->run == st_rep_movsb ? "rep_movsb" : "memcpy_orig");

		if (!p) {
			snprintf(err, errlen, "store kernel %s: its copy routine is not built", k->name);
			goto fail;
		}
		*(k->run == st_rep_movsb ? &copy_rep_movsb : &copy_memcpy_orig) = p->copy;
	}
	u->w = calloc((size_t)u->nworkers, sizeof(*u->w));
	if (!u->w) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (int i = 0; i < u->nworkers; i++) {
		struct st_share *w = &u->w[i];
		size_t n = c->folio_count;

		w->first = n * (size_t)i / (size_t)u->nworkers;
		w->nrec = n * (size_t)(i + 1) / (size_t)u->nworkers - w->first;
		/* 64-byte aligned: movdir64b reads its source whole */
		if (posix_memalign((void **)&w->tmpl, 64, u->words * 8)) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		fb_stores_template(w->tmpl, u->words);
	}
	if (fb_workers_start(&u->team, u->nworkers, c->cpus, o->counters, st_write_share, u,
			     err, errlen))
		goto fail;
	r->extra = fb_extra_cpus_used(c, u->nworkers);
	json_object_object_add(r->extra, "record_size", json_object_new_int64((int64_t)c->folio_size));
	json_object_object_add(r->extra, "records", json_object_new_int64((int64_t)c->folio_count));
	return u;
fail:
	st_free(u);
	return NULL;
}

/* The records are the only buffer (the template stays cached): "both"
 * flushes them. */
static void st_evict(struct st_ctx *u)
{
	fb_evict_before(u->c->evict, NULL, u->buf.addr, u->buf.len, &u->sweep);
}

/* One pass over the whole range by every worker; ns of it. */
static double st_pass(struct st_ctx *u)
{
	st_evict(u);
	return fb_workers_pass(&u->team);
}

static int st_iterate(void *ctx, unsigned n, double *ns, struct fb_result *r,
		      char *err, size_t errlen)
{
	struct st_ctx *u = ctx;
	size_t nev = u->o->counters ? u->o->counters->n : 0;
	unsigned i;

	if (!u->warmed) {
		for (i = 0; i < u->o->warmup && !fb_interrupted; i++)
			st_pass(u);
		u->warmed = true;
		u->team.counting = true;
	}
	if (nev) {
		/* room for this batch's counts, allocated before its passes */
		double *p = realloc(u->per_pass, (u->npass + n) * nev * sizeof(*p));

		if (!p)
			return snprintf(err, errlen, "out of memory for counter values"), -1;
		u->per_pass = p;
	}
	for (i = 0; i < n && !fb_interrupted; i++) {
		ns[i] = st_pass(u);
		/* per pass, summed over the workers: a spread, not just a total */
		if (nev)
			fb_workers_pass_counts(&u->team, u->per_pass + u->npass++ * nev);
	}
	return (int)i;
}

static int st_finish(void *ctx, struct fb_result *r, char *err, size_t errlen)
{
	struct st_ctx *u = ctx;
	int rc = 0;

	r->counters_valid = fb_workers_stop(&u->team, r->counter_totals);
	if (r->counters_valid) {
		json_object *per = json_object_new_object();
		size_t nev = u->o->counters->n;

		for (size_t e = 0; e < nev; e++) {
			json_object *a = json_object_new_array();

			for (size_t p = 0; p < u->npass; p++)
				json_object_array_add(a, json_object_new_double(u->per_pass[p * nev + e]));
			json_object_object_add(per, u->o->counters->name[e], a);
		}
		json_object_object_add(r->extra, "counters_per_iteration", per);
	}
	if (u->c->verify && r->n) {
		uint64_t *want = malloc(u->words * 8);
		const uint64_t *got = u->buf.addr;

		if (!want) {
			if (err)
				snprintf(err, errlen, "verify: out of memory");
			st_free(u);
			return -1;
		}
		r->verified = 1;
		fb_stores_template(want, u->words);
		for (size_t i = 0; i < u->c->folio_count && r->verified; i++) {
			want[0] = i;
			if (memcmp(got + i * u->words, want, u->words * 8)) {
				r->verified = 0;
				if (err)
					snprintf(err, errlen, "verify: record %zu of %llu differs from the template",
						 i, (unsigned long long)u->c->folio_count);
				rc = -1;
			}
		}
		free(want);
	}
	st_free(u);
	return rc;
}

static int st_probe(const struct fb_cell *cells, size_t n, char *err, size_t errlen)
{
	return FB_EXIT_OK;
}

const struct fb_backend fb_backend_stores = {
	.name = "stores",
	.probe = st_probe,
	.prepare = st_prepare,
	.iterate = st_iterate,
	.finish = st_finish,
	.describe = NULL,
	.shutdown = NULL,
};
