// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for bench/machine/memory.c: node checks and node-bound buffers. */
#include "memory.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

static long read_long(const char *path, long dflt)
{
	FILE *f = fopen(path, "r");
	long v = dflt;
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = dflt;
		fclose(f);
	}
	return v;
}

static int thp_never(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	char line[128] = "";
	if (!f)
		return 1;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	return strstr(line, "[never]") != NULL || !strchr(line, '[');
}

static int all_fill(const struct fb_buffer *b)
{
	const unsigned char *p = b->addr;
	for (size_t i = 0; i < b->len; i++)
		if (p[i] != FB_BUFFER_FILL)
			return 0;
	return 1;
}

/* Allocate, then check node, pattern and the sanity every backing shares. */
static int alloc_checked(struct fb_buffer *b, size_t len, enum fb_backing req,
			 size_t folio, const char *label)
{
	char err[256] = "", what[512];
	int rc = fb_buffer_alloc(b, len, 0, req, folio, err, sizeof(err));
	snprintf(what, sizeof(what), "%s: %zu bytes on node 0 allocated%s%s", label, len,
		 rc ? " -- " : "", rc ? err : "");
	check(rc == 0, what);
	if (rc)
		return -1;
	snprintf(what, sizeof(what), "%s: len %zu, map_len %zu >= len, node 0, backing \"%s\"",
		 label, b->len, b->map_len, b->backing);
	check(b->addr && b->len == len && b->map_len >= len && b->node == 0 &&
	      b->requested == req, what);
	err[0] = '\0';
	rc = fb_buffer_check_node(b, err, sizeof(err));
	snprintf(what, sizeof(what), "%s: every page on node 0%s%s", label,
		 rc ? " -- " : "", err);
	check(rc == 0, what);
	snprintf(what, sizeof(what), "%s: buffer holds the fill pattern", label);
	check(all_fill(b), what);
	snprintf(what, sizeof(what), "%s: thp_fraction %.3f in [0,1]", label, b->thp_fraction);
	check(b->thp_fraction >= 0.0 && b->thp_fraction <= 1.0, what);
	return 0;
}

int main(void)
{
	const size_t MiB = (size_t)1 << 20, len = 64 * MiB;
	char err[256], what[320];
	struct fb_buffer b;
	enum fb_backing bk;

	/* ---- backing names ---- */
	{
		int ok = 1;
		for (int i = FB_BACK_AUTO; i <= FB_BACK_HUGETLB; i++)
			if (fb_backing_parse(fb_backing_name((enum fb_backing)i), &bk) != 0 ||
			    bk != (enum fb_backing)i)
				ok = 0;
		check(ok && strcmp(fb_backing_name(FB_BACK_4K), "4k") == 0 &&
		      strcmp(fb_backing_name(FB_BACK_HUGETLB), "hugetlb") == 0,
		      "backing name/parse round trip (auto, 4k, thp, hugetlb)");
		bk = FB_BACK_THP;
		check(fb_backing_parse("4K", &bk) != 0 && fb_backing_parse("", &bk) != 0 &&
		      fb_backing_parse("huge", &bk) != 0 && fb_backing_parse(NULL, &bk) != 0 &&
		      bk == FB_BACK_THP, "bad backing names rejected");
	}

	/* ---- nodes ---- */
	err[0] = '\0';
	check(fb_node_check(0, err, sizeof(err)) == 0 && err[0] == '\0', "node 0 is fine");
	err[0] = '\0';
	check(fb_node_check(999, err, sizeof(err)) != 0 &&
	      strstr(err, "node 999: no such NUMA node (nodes with memory: ") == err &&
	      strstr(err, "0"), err[0] ? err : "node 999 rejected");
	err[0] = '\0';
	check(fb_node_check(-1, err, sizeof(err)) != 0 && strstr(err, "node -1:") == err &&
	      strstr(err, "nodes with memory"), err[0] ? err : "node -1 rejected");
	check(fb_node_check(999, NULL, 0) != 0, "node check without an error buffer");
	snprintf(what, sizeof(what), "free on node 0: %lld MiB; machine: %lld MiB",
		 fb_node_free_bytes(0) >> 20, fb_node_free_bytes(-1) >> 20);
	check(fb_node_free_bytes(0) > 0 && fb_node_free_bytes(-1) > 0, what);
	check(fb_node_free_bytes(999) < 0, "no free bytes for node 999");

	/* ---- bad allocations ---- */
	err[0] = '\0';
	check(fb_buffer_alloc(&b, 0, 0, FB_BACK_4K, 4096, err, sizeof(err)) != 0 && err[0] &&
	      b.addr == NULL, "len 0 rejected");
	err[0] = '\0';
	check(fb_buffer_alloc(&b, MiB, 999, FB_BACK_4K, 4096, err, sizeof(err)) != 0 &&
	      strstr(err, "node 999") && b.addr == NULL, "node 999 rejected by alloc");

	/* ---- 4k ---- */
	if (alloc_checked(&b, len, FB_BACK_4K, 4096, "4k") == 0) {
		snprintf(what, sizeof(what), "4k: backing \"%s\" is \"4K\", no THP", b.backing);
		check(strcmp(b.backing, "4K") == 0 && b.thp_fraction == 0.0 && !b.hugetlb, what);
		fb_buffer_free(&b);
		check(b.addr == NULL, "free resets the struct");
	}
	/* Odd length: the last byte is usable and page-rounding does not break checks. */
	if (alloc_checked(&b, 3 * MiB + 13, FB_BACK_4K, 4096, "4k odd") == 0)
		fb_buffer_free(&b);

	/* ---- thp ---- */
	if (thp_never()) {
		err[0] = '\0';
		check(fb_buffer_alloc(&b, len, 0, FB_BACK_THP, 2 * MiB, err, sizeof(err)) != 0 &&
		      strstr(err, "never"), "THP \"never\": thp request refused");
	} else {
		struct fb_buffer t2;
		if (alloc_checked(&b, len, FB_BACK_THP, 2 * MiB, "thp") == 0) {
			snprintf(what, sizeof(what), "thp: backing \"%s\" starts with THP, 2 MiB aligned",
				 b.backing);
			check(strncmp(b.backing, "THP 2M (", 8) == 0 &&
			      (uintptr_t)b.addr % (2 * MiB) == 0 && b.map_len % (2 * MiB) == 0, what);
			printf("      observed THP fraction for 64 MiB: %.4f (%s)\n",
			       b.thp_fraction, b.backing);
			/* A second THP buffer right away: its fraction is its own. */
			if (alloc_checked(&t2, len, FB_BACK_THP, 2 * MiB, "thp second") == 0) {
				printf("      second 64 MiB THP buffer: %.4f (%s)\n",
				       t2.thp_fraction, t2.backing);
				fb_buffer_free(&t2);
			}
			fb_buffer_free(&b);
		}
		if (alloc_checked(&b, 5 * MiB + 1, FB_BACK_THP, 2 * MiB, "thp odd") == 0) {
			check(b.map_len == 6 * MiB, "thp odd: mapped in whole 2 MiB extents");
			fb_buffer_free(&b);
		}
	}

	/* ---- auto ---- */
	if (alloc_checked(&b, len, FB_BACK_AUTO, 4096, "auto 4K folios") == 0) {
		snprintf(what, sizeof(what), "auto with 4K folios: backing \"%s\" is 4K", b.backing);
		check(strncmp(b.backing, "4K", 2) == 0 && b.thp_fraction == 0.0, what);
		fb_buffer_free(&b);
	}
	if (alloc_checked(&b, len, FB_BACK_AUTO, 2 * MiB, "auto 2M folios") == 0) {
		snprintf(what, sizeof(what), "auto with 2M folios: backing \"%s\"", b.backing);
		check(thp_never() ? strcmp(b.backing, "4K (THP disabled)") == 0
				  : strncmp(b.backing, "THP 2M (", 8) == 0, what);
		fb_buffer_free(&b);
	}

	/* ---- hugetlb (never changes nr_hugepages) ---- */
	{
		long nr = read_long("/proc/sys/vm/nr_hugepages", -1);
		long nfree = read_long("/sys/devices/system/node/node0/hugepages/"
				       "hugepages-2048kB/free_hugepages", -1);
		int rc;
		err[0] = '\0';
		rc = fb_buffer_alloc(&b, 2 * MiB, 0, FB_BACK_HUGETLB, 2 * MiB, err, sizeof(err));
		if (nr == 0 || nfree == 0) {
			snprintf(what, sizeof(what), "hugetlb with no huge pages fails: \"%s\"", err);
			check(rc != 0 && b.addr == NULL &&
			      strcmp(err, "hugetlb: no free 2 MiB huge pages "
				     "(see /proc/sys/vm/nr_hugepages)") == 0, what);
		} else if (rc == 0) {
			check(strcmp(b.backing, "hugetlb 2M") == 0 && b.hugetlb && all_fill(&b) &&
			      fb_buffer_check_node(&b, err, sizeof(err)) == 0,
			      "hugetlb 2 MiB buffer on node 0");
			fb_buffer_free(&b);
		} else {
			snprintf(what, sizeof(what), "hugetlb failure names hugetlb: \"%s\"", err);
			check(strncmp(err, "hugetlb: ", 9) == 0, what);
		}
	}

	return check_finish();
}
