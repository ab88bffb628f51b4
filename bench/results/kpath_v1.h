/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading schema 1 back: a v1 cell recorded its kernel path as one string,
 * "PREFIX MODEL: IMPL (WHY)", where PREFIX is the cell's mode ("batched
 * 6.12: memcpy_orig (no FSRM -> ...)") or, for stores, the routine
 * ("memcpy_flushcache 6.12: movnti loop (...)").  Only the v1 loader
 * (results.c) uses this; schema 2 records the fields themselves.
 */
#ifndef FB_KPATH_V1_H
#define FB_KPATH_V1_H
#include "kpath.h"

/*
 * The record a v1 string names.  A mode prefix gives the routine through
 * function (functions.h); impl names older versions wrote ("rep movsb
 * (memcpy FSRM)") become today's, and a why whose words before the arrow
 * older versions spelt otherwise ("key off, ERMS -> ...") gets today's
 * brief.  0, or -1 when the string is not "PREFIX: IMPL (...)": then the
 * record holds the string as impl, routine and model -1.
 */
int fb_kpath_v1_record(const char *recorded, const char *function,
		       struct fb_kpath_record *r);

#endif
