// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cache state before a timed iteration: flush ranges or sweep the LLC.
 *
 * Flushing follows the kernel's clflush_cache_range(): a full fence, one
 * clflushopt (or clflush) per cache line touched by the range, a full fence.
 * Off x86 there is no flush here (fb_flush_supported() says so) and callers
 * refuse --evict src|both; the LLC sweep works everywhere.
 */
#include "evict.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu.h"

#if defined(__x86_64__) || defined(__i386__)
#define FB_X86 1
#else
#define FB_X86 0
#endif

#define SWEEP_LINE 64
#define SWEEP_DEFAULT_LLC ((size_t)4 << 20) /* -> 8 MiB sweep when LLC unknown */

/* ---- flush ---- */

/*
 * Which flush instruction and line size: this CPU's as cpu.c read them from
 * CPUID (FB_F_CLFLUSH, FB_F_CLFLUSHOPT, clflush_line), not a second cache.
 */
enum flush_kind { FLUSH_NONE, FLUSH_CLFLUSH, FLUSH_CLFLUSHOPT };

static enum flush_kind flush_kind(void)
{
#if FB_X86
	const struct fb_cpu *cpu = fb_this_cpu();

	if (!cpu->flag[FB_F_CLFLUSH])
		return FLUSH_NONE;
	return cpu->flag[FB_F_CLFLUSHOPT] ? FLUSH_CLFLUSHOPT : FLUSH_CLFLUSH;
#else
	return FLUSH_NONE;
#endif
}

static size_t flush_line(void)
{
	size_t line = fb_this_cpu()->clflush_line;

	return line && !(line & (line - 1)) ? line : 64;
}

bool fb_flush_supported(void)
{
	return flush_kind() != FLUSH_NONE;
}

const char *fb_flush_insn(void)
{
	switch (flush_kind()) {
	case FLUSH_CLFLUSHOPT: return "clflushopt";
	case FLUSH_CLFLUSH: return "clflush";
	default: return "none";
	}
}

size_t fb_flush_line(void)
{
	return flush_line();
}

/*
 * First and one-past-last line addresses covering [addr, addr+len); equal
 * when len is 0.  Shared by the real flush and the test walk so they agree.
 */
static void line_span(const void *addr, size_t len, size_t line,
		      uintptr_t *first, uintptr_t *end)
{
	uintptr_t a = (uintptr_t)addr;
	*first = a & ~(uintptr_t)(line - 1);
	*end = len ? ((a + len - 1) & ~(uintptr_t)(line - 1)) + line : *first;
}

void fb_flush_range_with(const void *addr, size_t len, size_t line,
			 fb_flush_line_fn flush_line)
{
	uintptr_t p, end;
	if (!line || (line & (line - 1)))
		line = 64; /* not a power of two: use the common line size */
	line_span(addr, len, line, &p, &end);
	for (; p != end; p += line)
		flush_line((const void *)p);
}

#if FB_X86
static inline void mfence(void)
{
	__asm__ __volatile__("mfence" ::: "memory");
}
#endif

void fb_flush_range(const void *addr, size_t len)
{
#if FB_X86
	enum flush_kind k = flush_kind();
	size_t line = flush_line();
	uintptr_t p, end;
	if (k == FLUSH_NONE || !len)
		return;
	line_span(addr, len, line, &p, &end);
	/* Inline loops (not fb_flush_range_with) to keep a call out of each line. */
	mfence();
	if (k == FLUSH_CLFLUSHOPT) {
		for (; p != end; p += line)
			/* 66 0f ae /7; the mnemonic needs binutils >= 2.26. */
			__asm__ __volatile__("clflushopt %0" : "+m"(*(volatile char *)p));
	} else {
		for (; p != end; p += line)
			__asm__ __volatile__("clflush %0" : "+m"(*(volatile char *)p));
	}
	mfence();
#else
	/* Documented no-op: see fb_flush_supported(). */
	(void)addr;
	(void)len;
#endif
}

/* ---- LLC sweep ---- */

int fb_sweep_init(struct fb_sweep *s, size_t llc_bytes)
{
	void *p;
	s->buf = NULL;
	s->len = 0;
	if (!llc_bytes)
		llc_bytes = SWEEP_DEFAULT_LLC;
	if (llc_bytes > SIZE_MAX / 2)
		return -1;
	s->len = 2 * llc_bytes; /* twice the LLC: no set keeps old lines */
	p = mmap(NULL, s->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		s->len = 0;
		return -1;
	}
	s->buf = p;
	memset(s->buf, 1, s->len); /* prefault: no page faults inside a sweep */
	return 0;
}

void fb_sweep_run(struct fb_sweep *s)
{
	/*
	 * Read-modify-write each line.  The write matters: it leaves the cache
	 * full of dirty sweep lines, so the timed copy's misses also pay the
	 * write-backs a cold, busy cache would make them pay (a read-only sweep
	 * leaves clean lines that are dropped for free).
	 */
	volatile unsigned char *p = s->buf;
	for (size_t i = 0; i < s->len; i += SWEEP_LINE)
		p[i] = (unsigned char)(p[i] + 1);
}

void fb_sweep_free(struct fb_sweep *s)
{
	if (s->buf)
		munmap(s->buf, s->len);
	s->buf = NULL;
	s->len = 0;
}

void fb_evict_before(enum fb_evict e, const void *src, const void *dst, size_t len,
		     struct fb_sweep *s)
{
	switch (e) {
	case FB_EVICT_BOTH:
		if (dst)
			fb_flush_range(dst, len);
		/* fall through */
	case FB_EVICT_SRC:
		if (src)
			fb_flush_range(src, len);
		break;
	case FB_EVICT_SWEEP:
		fb_sweep_run(s);
		break;
	case FB_EVICT_NONE:
		break;
	}
}
