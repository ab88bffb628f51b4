/* SPDX-License-Identifier: GPL-2.0-only */
/* Cache state before a timed iteration: flush ranges or sweep the LLC. */
#ifndef FB_EVICT_H
#define FB_EVICT_H
#include <stdbool.h>
#include <stddef.h>

enum fb_evict { FB_EVICT_NONE, FB_EVICT_SRC, FB_EVICT_BOTH, FB_EVICT_SWEEP };

/* Named in bench/sweep/axis.c, the axis registry. */
const char *fb_evict_name(enum fb_evict e);
int fb_evict_parse(const char *s, enum fb_evict *e);

typedef void (*fb_flush_line_fn)(const void *line);
/* Flush every cache line of [addr, addr+len) with clflushopt (or clflush). */
void fb_flush_range(const void *addr, size_t len);
/*
 * Does fb_flush_range() flush at all?  False off x86 (and on x86 without
 * CLFLUSH), where fb_flush_range() is a no-op: refuse --evict src|both then.
 */
bool fb_flush_supported(void);
/* "clflushopt", "clflush" or "none". */
const char *fb_flush_insn(void);
/* Line size fb_flush_range() steps by (CPUID's CLFLUSH size, else 64). */
size_t fb_flush_line(void);
/* The same walk with a given per-line operation (for tests). */
void fb_flush_range_with(const void *addr, size_t len, size_t line,
			 fb_flush_line_fn flush_line);

/* A buffer twice the LLC size, read and written to push other data out. */
struct fb_sweep {
	unsigned char *buf;
	size_t len;
};
int fb_sweep_init(struct fb_sweep *s, size_t llc_bytes);
void fb_sweep_run(struct fb_sweep *s);
/* A cell's eviction before a timed pass: src flushes src, both flushes dst
 * too (either may be NULL), sweep runs s. */
void fb_evict_before(enum fb_evict e, const void *src, const void *dst, size_t len,
		     struct fb_sweep *s);
void fb_sweep_free(struct fb_sweep *s);

#endif
