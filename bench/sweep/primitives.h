/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace copies of the kernel's x86-64 copy primitives, as a table:
 * adding a primitive is one entry in primitives.c.
 */
#ifndef FB_PRIMITIVES_H
#define FB_PRIMITIVES_H
#include <stdbool.h>
#include <stddef.h>
#include "cpu.h"

typedef void (*fb_copy_fn)(void *dst, const void *src, size_t len);

struct fb_primitive {
	const char *name;        /* CLI name: "rep_movsb", "memcpy_orig", ... */
	const char *description; /* one line: which kernel routine it copies */
	/* NULL when always usable; else returns false and sets *why. */
	bool (*supported)(const struct fb_cpu *cpu, const char **why);
	fb_copy_fn copy;
	bool nontemporal;        /* stores bypass the cache (needs sfence) */
};

const struct fb_primitive *fb_primitives(size_t *count);
const struct fb_primitive *fb_primitive_find(const char *name);
/* true when usable on cpu; otherwise *why says what is missing. */
bool fb_primitive_usable(const struct fb_primitive *p, const struct fb_cpu *cpu,
			 const char **why);

#endif
