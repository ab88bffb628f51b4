// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench/machine/migrate.c: the counter parsers on /proc/vmstat and /proc/interrupts
 * text recorded on Debian's 6.1 and 6.12 (QEMU guests, after migrations) and
 * on this host; sysfs choices; mTHP probe, apply and restore on a fake
 * sysfs directory (6.12-like and 6.1-like); the folio-size classification
 * of kpageflags words; the data pattern; and, as root, the folio mix of
 * real buffers against smaps.
 */
#include "migrate.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

static char *data(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "data/migrate/%s", name);
	return fb_read_text(path);
}

/* Recorded counters: file, then the six vmstat values and the TLB sum. */
static const struct {
	const char *vmstat, *interrupts;
	long long v[FB_VM_COUNT], tlb;
} recorded[] = {
	/* Debian 6.1.0-56 guest, 2 nodes, after 64 MiB moves of 4K and 2M. */
	{ "vmstat-6.1.txt", "interrupts-6.1.txt", { 943104, 0, 1160, 0, 0, 0 }, 67 + 56013 },
	/* Debian 6.12.117 guest, same runs. */
	{ "vmstat-6.12.txt", "interrupts-6.12.txt", { 943104, 0, 1160, 0, 0, 0 }, 44 + 276 },
	/* This development host (one node: no migrations), kernel 6.18. */
	{ "vmstat-host-6.18.txt", "interrupts-host-6.18.txt", { 0, 0, 0, 0, 0, 0 }, 21964 + 16244 },
};

static void test_counters(void)
{
	struct fb_vmstat v;
	char what[160];

	for (size_t i = 0; i < sizeof(recorded) / sizeof(recorded[0]); i++) {
		char *t = data(recorded[i].vmstat), *irq = data(recorded[i].interrupts);
		int same = 1;

		if (!t || !irq) {
			snprintf(what, sizeof(what), "recorded %s and %s readable", recorded[i].vmstat,
				 recorded[i].interrupts);
			check(0, what);
			free(t);
			free(irq);
			continue;
		}
		snprintf(what, sizeof(what), "%s: all six migration counters found", recorded[i].vmstat);
		check(fb_vmstat_parse(t, &v) == FB_VM_COUNT, what);
		for (int k = 0; k < FB_VM_COUNT; k++)
			same &= v.v[k] == recorded[i].v[k];
		snprintf(what, sizeof(what), "%s: values as recorded (pgmigrate_success %lld)",
			 recorded[i].vmstat, v.v[FB_VM_PGMIGRATE_SUCCESS]);
		check(same, what);
		snprintf(what, sizeof(what), "%s: TLB shootdowns summed over CPUs = %lld",
			 recorded[i].interrupts, recorded[i].tlb);
		check(fb_tlb_shootdowns_parse(irq) == recorded[i].tlb, what);
		free(t);
		free(irq);
	}

	/* Lines that only start like a counter are not it; absent ones are -1. */
	check(fb_vmstat_parse("pgmigrate_success_x 5\npgmigrate_fail 7\nthp_migration_success 1\n", &v) == 2 &&
	      v.v[FB_VM_PGMIGRATE_SUCCESS] == -1 && v.v[FB_VM_PGMIGRATE_FAIL] == 7 &&
	      v.v[FB_VM_THP_MIGRATION_SUCCESS] == 1 && v.v[FB_VM_NUMA_PAGES_MIGRATED] == -1,
	      "vmstat: prefixes do not match, missing counters are -1");
	check(fb_vmstat_parse("", &v) == 0, "vmstat: empty text finds nothing");
	check(fb_tlb_shootdowns_parse("           CPU0       CPU1\n  0:         10          0   IO-APIC    2-edge      timer\n") == -1,
	      "interrupts without a TLB line: -1 (architectures without TLB IPIs)");
	check(fb_tlb_shootdowns_parse("  NMI:  1 2   Non-maskable interrupts\n  TLB:  7 8 9 4000000000   TLB shootdowns\n") ==
	      7 + 8 + 9 + 4000000000LL, "TLB line: every CPU column, 64-bit sums, indented label");
	check(fb_tlb_shootdowns_parse("TLB:\n") == 0, "TLB line without counts sums to 0");
}

static void test_choice(void)
{
	char w[16];

	check(!fb_sysfs_choice("always [madvise] never\n", w, sizeof(w)) && !strcmp(w, "madvise"),
	      "choice: always [madvise] never -> madvise");
	check(!fb_sysfs_choice("always [inherit] madvise never\n", w, sizeof(w)) && !strcmp(w, "inherit"),
	      "choice: per-size inherit");
	check(!fb_sysfs_choice("never\n", w, sizeof(w)) && !strcmp(w, "never"), "choice: a bare word");
	check(fb_sysfs_choice("", w, sizeof(w)) == -1 && fb_sysfs_choice(NULL, w, sizeof(w)) == -1,
	      "choice: empty text is an error");
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int word_is(const char *dir, const char *name, const char *want)
{
	char path[512], w[16] = "";
	char *t;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	t = fb_read_text(path);
	fb_sysfs_choice(t, w, sizeof(w));
	free(t);
	return !strcmp(w, want);
}

static void test_mthp(void)
{
	char dir[] = "/tmp/fb-test-mthp-XXXXXX", sub[600], note[320], list[128];
	struct fb_mthp_info mi;
	json_object *ch;
	int rc;

	if (!mkdtemp(dir)) {
		check(0, "mkdtemp for a fake transparent_hugepage directory");
		return;
	}
	/* 6.12-like: per-size files; 8kB is file-only (no "enabled"). */
	put(dir, "enabled", "always madvise [never]\n");
	put(dir, "hpage_pmd_size", "2097152\n");
	for (const char *const *d = (const char *const[]){ "hugepages-8kB", "hugepages-64kB",
							     "hugepages-2048kB", NULL }; *d; d++) {
		snprintf(sub, sizeof(sub), "%s/%s", dir, *d);
		mkdir(sub, 0755);
	}
	put(dir, "hugepages-8kB/shmem_enabled", "always [never]\n");
	put(dir, "hugepages-64kB/enabled", "always inherit madvise [never]\n");
	put(dir, "hugepages-2048kB/enabled", "always [inherit] madvise never\n");

	fb_mthp_probe(dir, &mi);
	check(mi.thp && mi.per_size && mi.pmd_size == 2097152 && !strcmp(mi.global, "never"),
	      "probe 6.12-like: THP, per-size files, PMD 2M, global never");
	check(!strcmp(fb_mthp_offered_str(&mi, list, sizeof(list)), "4K, 64K, 2M"),
	      "probe: offers 4K, 64K, 2M; 8K has no anonymous enabled file");
	check(fb_mthp_offers(&mi, 65536) && !fb_mthp_offers(&mi, 8192) && !fb_mthp_offers(&mi, 32768),
	      "offers 64K, not 8K or 32K");

	rc = fb_mthp_apply(&mi, 4096, note, sizeof(note));
	check(rc == 0 && word_is(dir, "enabled", "never"), "apply 4K changes nothing (MADV_NOHUGEPAGE)");

	rc = fb_mthp_apply(&mi, 65536, note, sizeof(note));
	check(rc == 0 && word_is(dir, "enabled", "madvise") && word_is(dir, "hugepages-64kB/enabled", "madvise") &&
	      word_is(dir, "hugepages-2048kB/enabled", "never"),
	      "apply 64K: global madvise, 64K madvise, 2M never");
	check(strstr(note, "set for the run") && strstr(note, "get 64K"), note);
	ch = fb_mthp_changes_json();
	check(json_object_array_length(ch) == 3, "three settings recorded for the restore");
	json_object_put(ch);

	rc = fb_mthp_apply(&mi, 2097152, note, sizeof(note));
	check(rc == 0 && word_is(dir, "hugepages-64kB/enabled", "never") &&
	      word_is(dir, "hugepages-2048kB/enabled", "madvise"),
	      "apply 2M next: 64K never, 2M enabled");
	fb_mthp_restore();
	check(word_is(dir, "enabled", "never") && word_is(dir, "hugepages-64kB/enabled", "never") &&
	      word_is(dir, "hugepages-2048kB/enabled", "inherit"),
	      "restore: the values before the first change (never, never, inherit)");
	ch = fb_mthp_changes_json();
	check(json_object_array_length(ch) == 0, "nothing left to restore");
	json_object_put(ch);
	fb_mthp_restore();
	check(word_is(dir, "hugepages-2048kB/enabled", "inherit"), "a second restore does nothing");

	/* Settings a run may not change: all or nothing, and a note saying so. */
	if (geteuid() == 0) {
		pid_t pid;

		chmod(dir, 0755); /* readable by the unprivileged child */
		fflush(stdout);   /* or the child writes our buffer again */
		pid = fork();

		if (pid == 0) {
			/* As nobody, root's 0644 files are not writable. */
			if (setgid(65534) || setuid(65534))
				_exit(3);
			rc = fb_mthp_apply(&mi, 65536, note, sizeof(note));
			printf("# %s\n", note);
			fflush(stdout);
			_exit(rc == 1 && strstr(note, "needs root") && strstr(note, "using what the system allows")
			      ? 0 : 1);
		}
		int st = 0;

		waitpid(pid, &st, 0);
		check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "apply without permission: returns 1, says it needs root and runs as the system allows");
		check(word_is(dir, "enabled", "never") && word_is(dir, "hugepages-64kB/enabled", "never"),
		      "apply without permission: nothing changed");
	} else {
		printf("ok - apply without permission # SKIP needs root to drop to another user\n");
	}

	/* 6.1-like: the global switch and the PMD size only. */
	snprintf(sub, sizeof(sub), "rm -rf %s/hugepages-*", dir);
	if (system(sub) != 0)
		check(0, "remove the per-size directories");
	fb_mthp_probe(dir, &mi);
	check(mi.thp && !mi.per_size && !strcmp(fb_mthp_offered_str(&mi, list, sizeof(list)), "4K, 2M"),
	      "probe 6.1-like: offers 4K and the PMD size 2M only");
	rc = fb_mthp_apply(&mi, 2097152, note, sizeof(note));
	check(rc == 0 && word_is(dir, "enabled", "madvise"), "apply 2M on 6.1-like: global madvise");
	fb_mthp_restore();
	check(word_is(dir, "enabled", "never"), "restore on 6.1-like: never again");

	snprintf(sub, sizeof(sub), "rm -rf %s", dir);
	if (system(sub) != 0)
		check(0, "remove the fake directory");
	fb_mthp_probe("/nonexistent-thp", &mi);
	check(!mi.thp && mi.noffered == 1 && mi.offered[0] == 4096, "no THP in the kernel: 4K only");
}

static void test_classify(void)
{
	enum { N = 2 * 512 + 16 + 3 + 2 + 5 };
	static uint64_t pfn[N], kf[N];
	const uint64_t H = 1ULL << FB_KPF_COMPOUND_HEAD, T = 1ULL << FB_KPF_COMPOUND_TAIL;
	struct fb_folio_mix m;
	char s[96];
	size_t i = 0;

	/* Five tails of a folio that starts before the range. */
	for (int k = 0; k < 5; k++, i++) {
		pfn[i] = 5000 + (uint64_t)k;
		kf[i] = T;
	}
	for (int f = 0; f < 2; f++)          /* two 2M folios */
		for (int k = 0; k < 512; k++, i++) {
			pfn[i] = 0x100000 + (uint64_t)f * 4096 + (uint64_t)k;
			kf[i] = k ? T : H;
		}
	for (int k = 0; k < 16; k++, i++) {  /* a 64K folio */
		pfn[i] = 0x200000 + (uint64_t)k;
		kf[i] = k ? T : H;
	}
	for (int k = 0; k < 3; k++, i++) {   /* three 4K pages at consecutive frames */
		pfn[i] = 0x300000 + (uint64_t)k;
		kf[i] = 0;
	}
	pfn[i++] = 0;                        /* two pages whose frame was not visible */
	pfn[i++] = 0;
	fb_folio_mix_classify(pfn, kf, N, &m);
	check(m.npages == N && m.folios[9] == 2 && m.pages[9] == 1024, "classify: two 2M folios");
	check(m.folios[4] == 1 && m.pages[4] == 16, "classify: one 64K folio");
	check(m.folios[0] == 3 && m.pages[0] == 3, "classify: 4K pages at consecutive frames stay 4K");
	check(m.folios[2] == 1 && m.pages[2] == 5, "classify: tails without their head are one partial folio");
	check(m.unknown == 2 && fb_folio_mix_nfolios(&m) == 7, "classify: unknown pages, 7 folios");
	check(!strcmp(fb_folio_mix_str(&m, s, sizeof(s)), "2M 97%, 64K 1%, 16K 0%, 4K 0%, ? 0%"), s);
	check(fb_folio_mix_fraction(&m, 2 << 20) > 0.97 && fb_folio_mix_fraction(&m, 1 << 30) == 0,
	      "fraction of 2M and of an absent size");

	/* A tail at a frame that does not follow ends the folio. */
	pfn[0] = 10; kf[0] = H;
	pfn[1] = 11; kf[1] = T;
	pfn[2] = 99; kf[2] = T;
	pfn[3] = 100; kf[3] = T;
	fb_folio_mix_classify(pfn, kf, 4, &m);
	check(m.folios[1] == 2 && m.pages[1] == 4, "classify: discontiguous frames split folios");

	json_object *j = fb_folio_mix_json(&m);

	check(!strcmp(json_object_get_string(json_object_object_get(j, "source")), "kpageflags") &&
	      json_object_get_int(json_object_object_get(j, "folios")) == 2,
	      "mix JSON: source and folio count");
	json_object_put(j);
}

static void test_pattern(void)
{
	size_t len = 1 << 20;
	unsigned char *p = malloc(len);

	fb_mig_pattern_fill(p, len);
	check(fb_mig_pattern_check(p, len) == len, "pattern: intact buffer checks out");
	check(memcmp(p, p + 4096, 4096) != 0, "pattern: pages differ from each other");
	p[777777] ^= 1;
	check(fb_mig_pattern_check(p, len) == 777776, "pattern: a flipped bit is found at its word");
	free(p);
}

/* AnonHugePages of the smaps VMA holding addr, in 4K pages. */
static long smaps_huge_pages(void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	unsigned long s, e, kb;
	int in = 0;
	long pages = -1;

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2)
			in = (unsigned long)addr >= s && (unsigned long)addr < e;
		else if (in && sscanf(line, "AnonHugePages: %lu kB", &kb) == 1)
			pages = (long)kb / 4;
	}
	if (f)
		fclose(f);
	return pages;
}

static void test_real_mix(void)
{
	size_t len = 8 << 20;
	char err[256], s[96];
	struct fb_folio_mix m;
	char *raw, *p;

	if (access("/proc/kpageflags", R_OK)) {
		printf("ok - folio mix of real buffers # SKIP /proc/kpageflags not readable (needs root)\n");
		return;
	}
	raw = mmap(NULL, len + (2 << 20), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p = (char *)(((uintptr_t)raw + (2 << 20) - 1) & ~(uintptr_t)((2 << 20) - 1));
	madvise(p, len, MADV_NOHUGEPAGE);
	memset(p, 1, len);
	check(!fb_folio_mix_read(p, len, &m, err, sizeof(err)) && m.pages[0] == len / 4096 && !m.unknown,
	      "MADV_NOHUGEPAGE buffer: every page a 4K folio (kpageflags)");
	munmap(raw, len + (2 << 20));

	raw = mmap(NULL, len + (2 << 20), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p = (char *)(((uintptr_t)raw + (2 << 20) - 1) & ~(uintptr_t)((2 << 20) - 1));
	madvise(p, len, MADV_HUGEPAGE);
	memset(p, 1, len);
	long huge = smaps_huge_pages(p);
	int rc = fb_folio_mix_read(p, len, &m, err, sizeof(err));

	snprintf(err, sizeof(err), "MADV_HUGEPAGE buffer: kpageflags' 2M pages (%s) = smaps AnonHugePages (%ld pages)",
		 fb_folio_mix_str(&m, s, sizeof(s)), huge);
	check(!rc && huge >= 0 && (long)m.pages[9] == huge, err);
	munmap(raw, len + (2 << 20));
}

int main(void)
{
	test_counters();
	test_choice();
	test_mthp();
	test_classify();
	test_pattern();
	test_real_mix();
	return check_finish();
}
