// SPDX-License-Identifier: GPL-2.0-only
/*
 * Store methods for write-once records (the backend that times them is
 * backend_stores.c).
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

#include "primitives.h"
#include "util.h"

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

static const struct fb_store_method methods[] = {
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
#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

const struct fb_store_method *fb_store_methods(size_t *count)
{
	*count = NMETHODS;
	return methods;
}

const struct fb_store_method *fb_store_method_find(const char *name)
{
	for (size_t i = 0; name && i < NMETHODS; i++)
		if (!strcmp(methods[i].name, name))
			return &methods[i];
	return NULL;
}

int fb_store_kernel_bind(const struct fb_store_method *k, char *err, size_t errlen)
{
#if defined(__x86_64__)
	if (k->run == st_rep_movsb || k->run == st_memcpy_orig) {
		const struct fb_primitive *p =
			fb_primitive_find(k->run == st_rep_movsb ? "rep_movsb" : "memcpy_orig");

		if (!p) {
			snprintf(err, errlen, "store kernel %s: its copy routine is not built", k->name);
			return -1;
		}
		*(k->run == st_rep_movsb ? &copy_rep_movsb : &copy_memcpy_orig) = p->copy;
	}
#endif
	return 0;
}

bool fb_store_method_usable(const struct fb_store_method *k, const struct fb_cpu *cpu,
			    size_t record, const char **why)
{
	const char *dummy;

	if (!why)
		why = &dummy;
	*why = NULL;
	return !k->supported || k->supported(cpu, record, why);
}
