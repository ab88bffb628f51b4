/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The functions under test, as data: one entry per name the CLI and the
 * results know (folio_copy, ...), with the kernel routine each mode
 * runs, and which backends have it.  plan, the kmod backend and paths all
 * read this table; nothing else compares function names.
 */
#ifndef FB_FUNCTIONS_H
#define FB_FUNCTIONS_H
#include <stdbool.h>
#include <stddef.h>
#include "kpath.h"

struct fb_function {
	const char *name;               /* "folio_copy" */
	unsigned kmod_func;             /* the module's FOLIOBENCH_FUNC_* */
	enum fb_kroutine per_page;      /* the routine a per-page copy runs per 4 KiB */
	enum fb_kroutine batched;       /* the routine a batched copy runs per folio */
	bool mc;                        /* machine-check safe (copy_mc_to_kernel) */
	bool list;                      /* copies a list of folios in one call (seed 002) */
	bool user;                      /* the user backend models it */
	bool kernel;                    /* the kernel exports it: --mode kernel can run it */
};

/* All of them, in the order help and errors list them. */
const struct fb_function *fb_functions(size_t *n);
/* By name; NULL when there is none. */
const struct fb_function *fb_function_find(const char *name);
/* The routine f runs per page (batched false) or per folio (true). */
enum fb_kroutine fb_function_routine(const struct fb_function *f, bool batched);
/* Whether a backend (kmod or not) can run f, in --mode kernel or not. */
bool fb_function_runs(const struct fb_function *f, bool kmod, bool kernel_mode);
/* "folio_copy, folio_mc_copy" : the names fb_function_runs allows. */
const char *fb_functions_allowed(bool kmod, bool kernel_mode, char *buf, size_t len);

#endif
