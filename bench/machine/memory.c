// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark buffers on a chosen NUMA node with a chosen page backing.
 *
 * Layout of a non-hugetlb buffer (PROT_NONE guards keep the kernel from
 * merging the buffer's VMA with a neighbouring one, e.g. the previous buffer
 * we allocated with the same flags and policy; a merged VMA would make the
 * THP fraction read from /proc/self/smaps describe both buffers):
 *
 *   [guard 4K][addr .. addr+map_len, 2 MiB aligned for THP][guard 4K]
 */
#include "memory.h"
#include "util.h"

#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << MAP_HUGE_SHIFT)
#endif
#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB (30 << MAP_HUGE_SHIFT)
#endif

#define SZ_4K ((size_t)4096)
#define SZ_2M ((size_t)2 << 20)
#define SZ_1G ((size_t)1 << 30)
#define GUARD SZ_4K

static size_t round_up(size_t x, size_t a)
{
	return (x + a - 1) / a * a;
}

/* ---- nodes ---- */

/* libnuma wants numa_available() called before anything else; cache it. */
static bool have_numa(void)
{
	static int avail = 2;
	if (avail == 2)
		avail = numa_available() >= 0;
	return avail;
}

static int max_node(void)
{
	return have_numa() ? numa_max_node() : 0;
}

/* /proc/meminfo field in bytes, -1 when absent. */
static long long meminfo_bytes(const char *field)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	size_t flen = strlen(field);
	long long v = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, field, flen) == 0 && line[flen] == ':') {
			v = strtoll(line + flen + 1, NULL, 10) * 1024;
			break;
		}
	}
	fclose(f);
	return v;
}

static bool node_has_memory(int node)
{
	long long size;
	if (node < 0 || node > max_node())
		return false;
	if (!have_numa())
		return node == 0;
	if (!numa_bitmask_isbitset(numa_nodes_ptr, (unsigned)node))
		return false;
	size = numa_node_size64(node, NULL);
	return size > 0;
}

/* "0", "0-3,6": the nodes with memory, for error messages. */
static void memory_nodes_list(char *out, size_t outlen)
{
	int maxn = max_node(), n = 0;
	size_t used = 0;
	out[0] = '\0';
	while (n <= maxn) {
		int first, last;
		if (!node_has_memory(n)) {
			n++;
			continue;
		}
		first = last = n;
		while (last + 1 <= maxn && node_has_memory(last + 1))
			last++;
		if (used < outlen) {
			int w = first == last
				? snprintf(out + used, outlen - used, "%s%d", used ? "," : "", first)
				: snprintf(out + used, outlen - used, "%s%d-%d", used ? "," : "", first, last);
			if (w > 0)
				used += (size_t)w;
		}
		n = last + 1;
	}
	if (!out[0])
		snprintf(out, outlen, "none");
}

int fb_node_check(int node, char *err, size_t errlen)
{
	char list[128];
	bool present;
	if (node_has_memory(node))
		return 0;
	memory_nodes_list(list, sizeof(list));
	present = node >= 0 && node <= max_node() &&
		(!have_numa() || numa_bitmask_isbitset(numa_nodes_ptr, (unsigned)node));
	if (err && errlen)
		snprintf(err, errlen, "node %d: %s (nodes with memory: %s)", node,
			 present ? "NUMA node has no memory" : "no such NUMA node", list);
	return -1;
}

/* A "Node N <key> <kB> kB" line of the node's meminfo, in bytes (0 if absent). */
static long long node_meminfo_bytes(int node, const char *key)
{
	char path[96], line[256];
	long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", node);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *k = strstr(line, key);

		if (k && sscanf(k + strlen(key), "%lld", &v) == 1) {
			v *= 1024;
			break;
		}
	}
	fclose(f);
	return v;
}

long long fb_node_free_bytes(int node)
{
	long long sum = 0, fr;
	if (node < 0) {
		/* MemAvailable counts reclaimable page cache; MemFree does not. */
		long long avail = meminfo_bytes("MemAvailable");
		if (avail >= 0)
			return avail;
		for (int n = 0; n <= max_node(); n++)
			if (node_has_memory(n) && numa_node_size64(n, &fr) > 0)
				sum += fr;
		return sum;
	}
	if (!node_has_memory(node))
		return -1;
	if (!have_numa())
		return meminfo_bytes("MemFree");
	if (numa_node_size64(node, &fr) < 0)
		return -1;
	/* Clean page cache is reclaimable, as MemAvailable counts it. */
	fr += node_meminfo_bytes(node, "Inactive(file):") + node_meminfo_bytes(node, "Active(file):");
	long long avail = meminfo_bytes("MemAvailable");
	return avail >= 0 && fr > avail ? avail : fr;
}

/* ---- buffers ---- */

/* The bracketed word of .../transparent_hugepage/enabled; "never" if absent. */
static void thp_mode(char *out, size_t outlen)
{
	if (fb_sysfs_choice_read("/sys/kernel/mm/transparent_hugepage/enabled", out, outlen))
		snprintf(out, outlen, "never");
}

/* Free hugetlb pages of page_size on node, -1 when unknown. */
static long node_free_hugepages(int node, size_t page_size)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/devices/system/node/node%d/hugepages/hugepages-%zukB/free_hugepages",
		 node, page_size >> 10);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/*
 * AnonHugePages / Size over the smaps VMAs that overlap [addr, addr+len).
 * The guards make that exactly one VMA, but stay correct-ish if not: a VMA
 * reaching past the range is counted for its overlap only.
 */
static double smaps_thp_fraction(const void *addr, size_t len)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	uintptr_t lo = (uintptr_t)addr, hi = lo + len;
	unsigned long long size_kb = 0, huge_kb = 0, overlap = 0;
	bool in = false, line_start = true;
	if (!f)
		return 0.0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		unsigned long long kb;
		/* Skip the rest of an over-long line (a long mapped path). */
		bool cont = !line_start;
		line_start = strchr(line, '\n') != NULL;
		if (cont)
			continue;
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2) {
			in = s < hi && e > lo;
			if (in) {
				uintptr_t os = s > lo ? s : lo, oe = e < hi ? e : hi;
				overlap = (oe - os) / 1024;
				size_kb += overlap;
			}
		} else if (in && sscanf(line, "AnonHugePages: %llu kB", &kb) == 1) {
			huge_kb += kb < overlap ? kb : overlap;
		}
	}
	fclose(f);
	if (!size_kb)
		return 0.0;
	return huge_kb >= size_kb ? 1.0 : (double)huge_kb / (double)size_kb;
}

static int bind_to_node(void *addr, size_t len, int node, char *err, size_t errlen)
{
	struct bitmask *mask;
	int rc;
	if (!have_numa())
		return 0; /* no NUMA kernel support: everything is node 0 */
	mask = numa_allocate_nodemask();
	if (!mask) {
		snprintf(err, errlen, "mbind: out of memory");
		return -1;
	}
	numa_bitmask_setbit(mask, (unsigned)node);
	/* size + 1: the kernel drops the last bit of maxnode (as libnuma does). */
	rc = mbind(addr, len, MPOL_BIND, mask->maskp, mask->size + 1, MPOL_MF_STRICT);
	numa_bitmask_free(mask);
	if (rc != 0) {
		snprintf(err, errlen, "mbind to node %d: %s%s", node, strerror(errno),
			 errno == EINVAL ? " (node outside this cpuset's mems?)" : "");
		return -1;
	}
	return 0;
}

/* Anonymous map of map_len at a 2 MiB boundary (when align), with guards. */
static void *map_aligned(size_t map_len, bool align)
{
	size_t slack = align ? SZ_2M : 0;
	size_t total = map_len + slack + 2 * GUARD;
	uintptr_t base, start, end;
	char *p = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	base = (uintptr_t)p;
	start = align ? round_up(base + GUARD, SZ_2M) : base + GUARD;
	end = start + map_len;
	/* Trim the slack; keep one PROT_NONE page on each side. */
	if (start - GUARD > base)
		munmap(p, start - GUARD - base);
	if (base + total > end + GUARD)
		munmap((void *)(end + GUARD), base + total - end - GUARD);
	if (mprotect((void *)start, map_len, PROT_READ | PROT_WRITE) != 0) {
		munmap((void *)(start - GUARD), map_len + 2 * GUARD);
		return NULL;
	}
	return (void *)start;
}

int fb_buffer_alloc(struct fb_buffer *b, size_t len, int node, enum fb_backing req,
		    size_t folio_size, char *err, size_t errlen)
{
	char mode[32], dummy[8];
	enum fb_backing eff = req;
	const char *auto_note = "";
	void *p;

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	memset(b, 0, sizeof(*b));
	b->node = node;
	b->requested = req;
	if (len == 0) {
		snprintf(err, errlen, "buffer length is 0");
		return -1;
	}
	if (fb_node_check(node, err, errlen) != 0)
		return -1;

	thp_mode(mode, sizeof(mode));
	if (eff == FB_BACK_AUTO) {
		/* Small folios (incl. mTHP sizes) get base pages: order-0 copies. */
		if (folio_size < SZ_2M) {
			eff = FB_BACK_4K;
		} else if (strcmp(mode, "never") == 0) {
			eff = FB_BACK_4K;
			auto_note = " (THP disabled)";
		} else {
			eff = FB_BACK_THP;
		}
	}
	if (eff == FB_BACK_THP && strcmp(mode, "never") == 0) {
		snprintf(err, errlen, "thp: transparent hugepages are disabled "
			 "(/sys/kernel/mm/transparent_hugepage/enabled is \"never\")");
		return -1;
	}

	if (eff == FB_BACK_HUGETLB) {
		/* 1 GiB folios on 1 GiB pages, everything else on 2 MiB ones */
		size_t hp = folio_size >= SZ_1G ? SZ_1G : SZ_2M;
		const char *hname = hp == SZ_1G ? "1 GiB" : "2 MiB";
		const char *sysfs = hp == SZ_1G ?
			"/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages" :
			"/proc/sys/vm/nr_hugepages";
		size_t need = round_up(len, hp) / hp;
		long nfree = node_free_hugepages(node, hp);

		b->map_len = need * hp;
		/* Faulting a bound hugetlb page on a node without one is SIGBUS. */
		if (nfree >= 0 && (size_t)nfree < need) {
			if (nfree == 0)
				snprintf(err, errlen, "hugetlb: no free %s huge pages (see %s)",
					 hname, sysfs);
			else
				snprintf(err, errlen, "hugetlb: node %d has %ld free %s huge "
					 "pages, need %zu (see %s)", node, nfree, hname, need, sysfs);
			return -1;
		}
		p = mmap(NULL, b->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
			 MAP_HUGETLB | (hp == SZ_1G ? MAP_HUGE_1GB : MAP_HUGE_2MB), -1, 0);
		if (p == MAP_FAILED) {
			snprintf(err, errlen, "hugetlb: no free %s huge pages (see %s)", hname,
				 sysfs);
			return -1;
		}
		b->hugetlb = true;
		b->huge_page = hp;
	} else {
		bool thp = eff == FB_BACK_THP;
		/* THP: whole 2 MiB extents, so the tail can be a huge page too. */
		b->map_len = thp ? round_up(len, SZ_2M) : round_up(len, SZ_4K);
		p = map_aligned(b->map_len, thp);
		if (!p) {
			snprintf(err, errlen, "mmap %zu bytes: %s", b->map_len, strerror(errno));
			return -1;
		}
		if (madvise(p, b->map_len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) != 0 &&
		    thp) {
			snprintf(err, errlen, "madvise(MADV_HUGEPAGE): %s", strerror(errno));
			munmap((char *)p - GUARD, b->map_len + 2 * GUARD);
			return -1;
		}
	}
	b->addr = p;
	b->len = len;

	/* Policy first: the prefault below is what places the pages. */
	if (bind_to_node(p, b->map_len, node, err, errlen) != 0) {
		fb_buffer_free(b);
		b->node = node;
		b->requested = req;
		return -1;
	}
	memset(p, FB_BUFFER_FILL, len);

	if (b->hugetlb) {
		b->thp_fraction = 0.0;
		snprintf(b->backing, sizeof(b->backing), "hugetlb %s",
			 b->huge_page == SZ_1G ? "1G" : "2M");
	} else {
		int pct;
		b->thp_fraction = smaps_thp_fraction(p, b->map_len);
		/* Floor, so "100%" only ever means fully huge. */
		pct = (int)(b->thp_fraction * 100.0);
		if (eff == FB_BACK_THP)
			snprintf(b->backing, sizeof(b->backing), "THP 2M (%d%%)", pct);
		else if (b->thp_fraction > 0.0)
			snprintf(b->backing, sizeof(b->backing), "4K%s (+%d%% THP)", auto_note, pct);
		else
			snprintf(b->backing, sizeof(b->backing), "4K%s", auto_note);
	}
	return 0;
}

int fb_buffer_check_node(const struct fb_buffer *b, char *err, size_t errlen)
{
	enum { BATCH = 4096 };
	void *pages[BATCH];
	int status[BATCH];
	size_t npages, done = 0;
	char dummy[8];

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (!b->addr || !b->len) {
		snprintf(err, errlen, "buffer not allocated");
		return -1;
	}
	if (!have_numa()) {
		if (b->node == 0)
			return 0;
		snprintf(err, errlen, "no NUMA support: every page is on node 0, wanted %d",
			 b->node);
		return -1;
	}
	npages = round_up(b->len, SZ_4K) / SZ_4K;
	while (done < npages) {
		size_t n = npages - done < BATCH ? npages - done : BATCH;
		for (size_t i = 0; i < n; i++)
			pages[i] = (char *)b->addr + (done + i) * SZ_4K;
		/* nodes == NULL: only report where each page is. */
		if (move_pages(0, (unsigned long)n, pages, NULL, status, 0) != 0) {
			snprintf(err, errlen, "move_pages: %s", strerror(errno));
			return -1;
		}
		for (size_t i = 0; i < n; i++) {
			size_t off = (done + i) * SZ_4K;
			if (status[i] < 0) {
				snprintf(err, errlen, "page at offset 0x%zx: %s", off,
					 strerror(-status[i]));
				return -1;
			}
			if (status[i] != b->node) {
				snprintf(err, errlen, "page at offset 0x%zx is on node %d, wanted %d",
					 off, status[i], b->node);
				return -1;
			}
		}
		done += n;
	}
	return 0;
}

void fb_buffer_free(struct fb_buffer *b)
{
	if (b->addr) {
		if (b->hugetlb)
			munmap(b->addr, b->map_len);
		else
			munmap((char *)b->addr - GUARD, b->map_len + 2 * GUARD);
	}
	memset(b, 0, sizeof(*b));
}
