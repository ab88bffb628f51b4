// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for bench/machine/evict.c: the flush walk, names, the LLC sweep. */
#include "evict.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

/* Recording flush op: remembers every address it is called with. */
#define REC_MAX 20000
static uintptr_t rec[REC_MAX];
static size_t nrec;
static void record(const void *line)
{
	if (nrec < REC_MAX)
		rec[nrec] = (uintptr_t)line;
	nrec++;
}

/* Expected calls: each line overlapping [a, a+len), once, ascending. */
static int walk_ok(uintptr_t a, size_t len, size_t line)
{
	uintptr_t first = a / line * line;
	size_t want = len ? ((a + len - 1) / line - a / line + 1) : 0;
	nrec = 0;
	fb_flush_range_with((const void *)a, len, line, record);
	if (nrec != want || nrec > REC_MAX) {
		printf("      a=%#lx len=%zu line=%zu: %zu calls, want %zu\n",
		       (unsigned long)a, len, line, nrec, want);
		return 0;
	}
	for (size_t i = 0; i < nrec; i++) {
		if (rec[i] != first + i * line) {
			printf("      call %zu at %#lx, want %#lx\n", i,
			       (unsigned long)rec[i], (unsigned long)(first + i * line));
			return 0;
		}
	}
	return 1;
}

int main(void)
{
	const uintptr_t base = 0x10000000; /* the walk never dereferences */
	char what[128];

	/* ---- fb_flush_range_with ---- */
	check(walk_ok(base, 0, 64), "len 0 flushes nothing");
	check(walk_ok(base + 13, 0, 64), "len 0 at a misaligned address flushes nothing");
	check(walk_ok(base, 1, 64), "len 1 aligned: one line");
	check(walk_ok(base + 63, 1, 64), "len 1 at the last byte of a line: one line");
	check(walk_ok(base + 63, 2, 64), "2 bytes straddling a line boundary: two lines");
	check(walk_ok(base + 1, 64, 64), "one line's worth, misaligned by 1: two lines");
	check(walk_ok(base, 64, 64), "exactly one aligned line: one line");
	check(walk_ok(base, 65, 64), "one line + 1 byte: two lines");
	check(walk_ok(base + 5, 200, 64), "misaligned start and end");
	check(walk_ok(base + 37, (1u << 20) + 13, 64), "1 MiB + 13 from a misaligned start");
	check(walk_ok(base, (1u << 20) + 13, 64), "1 MiB + 13 from an aligned start");
	check(walk_ok(base + 100, 1000, 128), "128-byte lines");
	nrec = 0;
	fb_flush_range_with((const void *)(base + 3), 100, 0, record);
	check(nrec == 2 && rec[0] == base && rec[1] == base + 64,
	      "line 0 falls back to 64-byte lines");

	/* ---- fb_flush_range on real memory ---- */
	{
		size_t n = (4u << 20) + 13;
		unsigned char *buf = malloc(n + 64);
		int ok = buf != NULL;
		if (buf) {
			for (size_t i = 0; i < n + 64; i++)
				buf[i] = (unsigned char)(i * 7 + 1);
			fb_flush_range(buf + 3, n);
			fb_flush_range(buf + 5, 0);
			fb_flush_range(buf + 63, 1);
			for (size_t i = 0; i < n + 64; i++)
				if (buf[i] != (unsigned char)(i * 7 + 1)) {
					ok = 0;
					break;
				}
		}
		snprintf(what, sizeof(what),
			 "fb_flush_range (%s, %zu-byte lines) on 4 MiB+13 keeps the data",
			 fb_flush_insn(), fb_flush_line());
		check(ok, what);
		free(buf);
	}
#if defined(__x86_64__) || defined(__i386__)
	check(fb_flush_supported() && fb_flush_line() >= 32,
	      "x86: a flush instruction is available");
#else
	check(!fb_flush_supported() && strcmp(fb_flush_insn(), "none") == 0,
	      "off x86: flushing reported unsupported");
#endif

	/* ---- names ---- */
	{
		int ok = 1;
		for (int e = FB_EVICT_NONE; e <= FB_EVICT_SWEEP; e++) {
			enum fb_evict got = FB_EVICT_NONE;
			if (fb_evict_parse(fb_evict_name((enum fb_evict)e), &got) != 0 ||
			    got != (enum fb_evict)e)
				ok = 0;
		}
		check(ok, "name/parse round trip for none, src, both, sweep");
		check(strcmp(fb_evict_name(FB_EVICT_BOTH), "both") == 0, "FB_EVICT_BOTH is \"both\"");
	}
	{
		static const char *bad[] = { "", "NONE", "Src", "swee", "sweeps", "all", " none" };
		int ok = 1;
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			enum fb_evict got = FB_EVICT_SWEEP;
			if (fb_evict_parse(bad[i], &got) == 0 || got != FB_EVICT_SWEEP)
				ok = 0;
		}
		enum fb_evict got = FB_EVICT_SWEEP;
		check(ok && fb_evict_parse(NULL, &got) != 0, "bad names rejected, output untouched");
	}

	/* ---- sweep ---- */
	{
		struct fb_sweep s;
		int ok = fb_sweep_init(&s, (size_t)3 << 20) == 0;
		check(ok && s.len == ((size_t)6 << 20) && s.buf, "sweep buffer is 2x the LLC (3 MiB -> 6 MiB)");
		if (ok) {
			unsigned char before = s.buf[64 * 10];
			fb_sweep_run(&s);
			fb_sweep_run(&s);
			check(s.buf[64 * 10] == (unsigned char)(before + 2) &&
			      s.buf[s.len - 64] == (unsigned char)(before + 2),
			      "sweep writes every line (each bumped once per run)");
		}
		fb_sweep_free(&s);
		check(s.buf == NULL && s.len == 0, "sweep free resets the struct");
		ok = fb_sweep_init(&s, 0) == 0;
		check(ok && s.len >= ((size_t)8 << 20), "unknown LLC (0) still sweeps >= 8 MiB");
		fb_sweep_free(&s);
		fb_sweep_free(&s); /* twice is harmless */
	}

	return check_finish();
}
