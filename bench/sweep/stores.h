/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The streaming-store study (seed 004): write-once records, struct page
 * sized (64 bytes by default), stored over a large range from a template
 * that stays in cache, the way ZONE_DEVICE memmap init fills struct pages.
 * The store kernels are a table like the copy primitives: adding one is one
 * entry in stores.c.  backend_stores.c runs them through the common engine.
 */
#ifndef FB_STORES_H
#define FB_STORES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cpu.h"
#include "kpath.h"

/*
 * Write nrec records of words 8-byte words each to dst from tmpl.  Before
 * each record, tmpl[0] is refreshed to index + r (the PFN-dependent field
 * the seed refreshes in its template), so every record differs.  A kernel
 * ends with the fence its kernel path needs (sfence after non-temporal
 * stores), once for the whole range, as the seed drains once.
 */
typedef void (*fb_store_fn)(void *dst, uint64_t *tmpl, size_t words, size_t nrec,
			    uint64_t index);

struct fb_store_method {
	const char *name;        /* CLI name: "cached", "movnti", ... */
	const char *description; /* one line: what it stores and which kernel code it models */
	/* NULL when always usable; else false with *why naming the missing flag */
	bool (*supported)(const struct fb_cpu *cpu, size_t record, const char **why);
	fb_store_fn run;
	int routine;             /* enum fb_kroutine whose path it is, or -1 */
	bool in_default;         /* run when --kernel is not given */
};

const struct fb_store_method *fb_store_methods(size_t *count);
const struct fb_store_method *fb_store_method_find(const char *name);
/* Before a kernel runs: the copy routine it calls per record (rep_movsb,
 * memcpy_orig) found in the primitives.  0, or -1 with err. */
int fb_store_kernel_bind(const struct fb_store_method *k, char *err, size_t errlen);
bool fb_store_method_usable(const struct fb_store_method *k, const struct fb_cpu *cpu,
			    size_t record, const char **why);

/* The record each slot must hold after a kernel ran: tmpl with word 0 = index. */
void fb_stores_template(uint64_t *tmpl, size_t words);

#endif
