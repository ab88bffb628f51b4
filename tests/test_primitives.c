// SPDX-License-Identifier: GPL-2.0-only
/*
 * Byte-exactness of every copy primitive usable on this CPU.
 *
 * Each copy is checked against glibc memcpy into a separate buffer of the
 * same layout: the whole window of destination plus GUARD bytes on either
 * side must match, so a short copy, a long copy and a stray store all
 * fail. The window is refilled with FILL before each copy and the source
 * never contains FILL, so a byte that was not written never matches by
 * chance.
 *
 * Prints one line per check and "N passed, N failed"; exits 0 or 1.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu.h"
#include "primitives.h"
#include "check.h"

#define GUARD 256
#define FILL 0xff
#define MAXLEN ((size_t)2 << 20)
#define MAXOFF 64
/* dst/ref layout: [GUARD][offset 0..63][len][GUARD], whole pages */
#define BUFLEN ((GUARD + MAXOFF + MAXLEN + GUARD + 4095) & ~(size_t)4095)

static unsigned char *src, *src_copy, *dst, *ref;

/* xorshift64: a fixed sequence, so failures reproduce */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct run {
	const struct fb_primitive *p;
	unsigned long copies;
	unsigned long errors;
};

/* One copy of len bytes at src + soff -> dst + GUARD + doff; false on mismatch. */
static int copy_one(struct run *r, size_t len, unsigned soff, unsigned doff)
{
	size_t win = GUARD + doff + len + GUARD;
	size_t i;

	memset(dst, FILL, win);
	memset(ref, FILL, win);
	memcpy(ref + GUARD + doff, src + soff, len);
	r->p->copy(dst + GUARD + doff, src + soff, len);
	r->copies++;
	if (!memcmp(dst, ref, win))
		return 1;
	if (r->errors++ < 5) {
		for (i = 0; i < win && dst[i] == ref[i]; i++)
			;
		printf("  %s: len %zu src+%u dst+%u: first bad byte at dst%+ld "
		       "(%s) got 0x%02x want 0x%02x\n", r->p->name, len, soff,
		       doff, (long)i - (long)(GUARD + doff),
		       i < GUARD + doff ? "guard before" :
		       i >= GUARD + doff + len ? "guard after" : "payload",
		       dst[i], ref[i]);
	}
	return 0;
}

/* Offsets that hit every alignment class of 8, 16, 32 and 64. */
static const unsigned edge_offs[] = { 0, 1, 3, 7, 8, 15, 16, 31, 32, 33, 48, 63 };
#define NR_EDGE (sizeof(edge_offs) / sizeof(edge_offs[0]))

static void test_small(const struct fb_primitive *p)
{
	struct run r = { p, 0, 0 };
	size_t len;
	unsigned a, b, k;

	for (len = 0; len <= 4096; len++) {
		if (len <= 320) {
			/* every branch of the short paths and first loop turns */
			for (a = 0; a < NR_EDGE; a++)
				for (b = 0; b < NR_EDGE; b++)
					copy_one(&r, len, edge_offs[a], edge_offs[b]);
		} else {
			copy_one(&r, len, 0, 0);
			copy_one(&r, len, len % 64, (len * 7) % 64);
			for (k = 0; k < 6; k++)
				copy_one(&r, len, next_rand() % 64, next_rand() % 64);
		}
	}
	printf("  %s: %lu copies of 0..4096 bytes\n", p->name, r.copies);
	checkf(!r.errors, "%s byte exact, sizes 0..4096%s", p->name, "");
}

static void test_all_offsets(const struct fb_primitive *p)
{
	static const size_t lens[] = { 1, 3, 7, 8, 15, 16, 31, 32, 33, 63, 64,
				       65, 127, 128, 255, 320, 383, 384, 385,
				       448, 4095, 4096, 4097 };
	struct run r = { p, 0, 0 };
	unsigned a, b, i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		for (a = 0; a < MAXOFF; a++)
			for (b = 0; b < MAXOFF; b++)
				copy_one(&r, lens[i], a, b);
	checkf(!r.errors, "%s byte exact, all 64x64 src/dst offsets%s", p->name, "");
}

static void test_large(const struct fb_primitive *p)
{
	static const size_t lens[] = { 4095, 4097, 8191, 8192, 12288 + 5,
				       65535, 65536, 65536 + 7, 1 << 20,
				       (1 << 20) + 1, (1 << 21) - 1, 1 << 21 };
	static const unsigned offs[][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 },
					    { 63, 17 }, { 8, 24 }, { 32, 0 },
					    { 5, 5 } };
	struct run r = { p, 0, 0 };
	unsigned i, j;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		for (j = 0; j < sizeof(offs) / sizeof(offs[0]); j++)
			copy_one(&r, lens[i], offs[j][0], offs[j][1]);
	checkf(!r.errors, "%s byte exact, 4095 B .. 2 MiB%s", p->name, "");
}

/*
 * Loads and stores must stay inside [src, src+len) and [dst, dst+len):
 * both buffers are placed flush against an inaccessible page, at the
 * start and at the end of their mapping, so one byte too far faults.
 * (The guard bytes above catch stray stores but not stray loads; ASan
 * does not see inside asm.) A fault is reported by the handler.
 */
#define EDGE_SPAN (3 * 4096)
static const char *volatile edge_what;
static volatile size_t edge_len;

static void edge_fault(int sig)
{
	char buf[160];
	int n = snprintf(buf, sizeof(buf),
			 "FAIL: %s touched memory outside its buffers (len %zu, signal %d)\n",
			 edge_what ? edge_what : "?", (size_t)edge_len, sig);

	if (n > 0)
		(void)!write(1, buf, (size_t)n);
	_exit(1);
}

/* [PROT_NONE page][EDGE_SPAN read-write][PROT_NONE page] */
static unsigned char *edge_map(void)
{
	unsigned char *m = mmap(NULL, EDGE_SPAN + 2 * 4096, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	if (mprotect(m, 4096, PROT_NONE) ||
	    mprotect(m + 4096 + EDGE_SPAN, 4096, PROT_NONE))
		return NULL;
	return m + 4096;
}

static void test_edges(const struct fb_primitive *p, unsigned char *es,
		       unsigned char *ed)
{
	unsigned long errors = 0;
	size_t len, k;

	edge_what = p->name;
	memcpy(es, src, EDGE_SPAN);
	for (len = 0; len <= EDGE_SPAN; len += len < 600 ? 1 : 61) {
		/* src/dst flush with the end or start of their mapping */
		const unsigned char *s[2] = { es + EDGE_SPAN - len, es };
		unsigned char *d[2] = { ed + EDGE_SPAN - len, ed };

		edge_len = len;
		for (k = 0; k < 4; k++) {
			const unsigned char *sp = s[k & 1];
			unsigned char *dp = d[k >> 1];

			memset(ed, FILL, EDGE_SPAN);
			p->copy(dp, sp, len);
			if (memcmp(dp, sp, len) ||
			    (dp == ed && len < EDGE_SPAN &&
			     dp[len] != FILL) ||
			    (dp != ed && len < EDGE_SPAN &&
			     dp[-1] != FILL))
				errors++;
		}
	}
	edge_what = NULL;
	checkf(!errors, "%s stays inside src/dst at mapping edges%s", p->name, "");
}

static void test_table(const struct fb_primitive *tab, size_t n,
		       const struct fb_cpu *cpu)
{
	size_t i, j;
	int ok = n > 0, dup = 0, nt_ok = 1;

	for (i = 0; i < n; i++) {
		if (!tab[i].name || !*tab[i].name || !tab[i].description ||
		    !*tab[i].description || !tab[i].copy) {
			printf("  entry %zu incomplete\n", i);
			ok = 0;
		}
		for (j = 0; j < i; j++)
			if (tab[i].name && tab[j].name &&
			    !strcmp(tab[i].name, tab[j].name))
				dup = 1;
		if (tab[i].name && !strncmp(tab[i].name, "nt_", 3) &&
		    !tab[i].nontemporal)
			nt_ok = 0;
		if (tab[i].name && fb_primitive_find(tab[i].name) != &tab[i])
			ok = 0;
	}
	checkf(ok, "every table entry has a name, description and copy%s%s", "", "");
	checkf(!dup, "table names are unique%s%s", "", "");
	checkf(nt_ok, "nt_* entries are marked nontemporal%s%s", "", "");
	checkf(fb_primitive_find("nope") == NULL,
	      "fb_primitive_find(\"%s\") is NULL%s", "nope", "");
	checkf(fb_primitive_find("libc") != NULL,
	      "fb_primitive_find(\"%s\") exists%s", "libc", "");
	(void)cpu;

#if defined(__x86_64__)
	{
		const struct fb_primitive *p = fb_primitive_find("nt_avx512");
		const char *why = NULL;
		int usable = p && fb_primitive_usable(p, cpu, &why);

		checkf(p && usable == cpu->flag[FB_F_AVX512F] &&
		      (usable || (why && strstr(why, "avx512f"))),
		      "nt_avx512 usable iff avx512f (%s)%s",
		      usable ? "usable" : why ? why : "?", "");
		p = fb_primitive_find("movnti");
		checkf(p && p->nontemporal, "%s is nontemporal%s", "movnti", "");
	}
#endif
}

int main(void)
{
	const struct fb_cpu *cpu = fb_this_cpu();
	const struct fb_primitive *tab;
	unsigned char *es, *ed;
	size_t n, i;

	if (!cpu) {
		printf("FAIL: fb_this_cpu() returned NULL\n");
		return 1;
	}
	src = aligned_alloc(4096, BUFLEN);
	src_copy = aligned_alloc(4096, BUFLEN);
	dst = aligned_alloc(4096, BUFLEN);
	ref = aligned_alloc(4096, BUFLEN);
	if (!src || !src_copy || !dst || !ref) {
		printf("FAIL: out of memory\n");
		return 1;
	}
	/* random source bytes, never FILL */
	for (i = 0; i < BUFLEN; i++)
		src[i] = next_rand() % FILL;
	memcpy(src_copy, src, BUFLEN);

	es = edge_map();
	ed = edge_map();
	if (!es || !ed) {
		printf("FAIL: mmap of edge buffers\n");
		return 1;
	}
	signal(SIGSEGV, edge_fault);
	signal(SIGBUS, edge_fault);

	tab = fb_primitives(&n);
	test_table(tab, n, cpu);

	for (i = 0; i < n; i++) {
		const struct fb_primitive *p = &tab[i];
		const char *why = NULL;

		if (!fb_primitive_usable(p, cpu, &why)) {
			printf("skip %s: %s\n", p->name, why ? why : "unsupported");
			checkf(why && *why, "%s says why it is unusable%s", p->name, "");
			continue;
		}
		test_small(p);
		test_all_offsets(p);
		test_large(p);
		test_edges(p, es, ed);
		checkf(!memcmp(src, src_copy, BUFLEN), "%s left the source intact%s",
		      p->name, "");
		memcpy(src, src_copy, BUFLEN);
	}

	free(src);
	free(src_copy);
	free(dst);
	free(ref);
	return check_finish();
}
