// SPDX-License-Identifier: GPL-2.0
/*
 * The folios of a run: allocation on chosen nodes under a cap, the source
 * pattern, the destination poison, verification and cache eviction.
 *
 * CXL memory onlined movable (daxctl, memhp_default_state=online_movable)
 * sits in ZONE_MOVABLE, which GFP_KERNEL | __GFP_MOVABLE cannot reach: only
 * __GFP_MOVABLE together with __GFP_HIGHMEM does (gfp_zone(),
 * GFP_HIGHUSER_MOVABLE in include/linux/gfp.h). The module's folios are
 * pinned while a run lasts, so memory offlining of that range waits (or
 * fails) until the run ends and they are freed.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmstat.h>
#include "foliobench.h"

#ifdef FBK_HAVE_CLFLUSH_CACHE_RANGE
#include <asm/cacheflush.h>
#endif

#define FBK_POISON	0x5a

/* Does @nid have memory in ZONE_MOVABLE? */
static bool fbk_node_movable(int nid)
{
	return populated_zone(&NODE_DATA(nid)->node_zones[ZONE_MOVABLE]);
}

/* The gfp flags of the folios on @nid under RUN.gfp_movable @policy. */
static gfp_t fbk_node_gfp(int nid, u32 policy, unsigned int order)
{
	gfp_t gfp = GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN;

	if (policy == FOLIOBENCH_MOVABLE_ON ||
	    (policy == FOLIOBENCH_MOVABLE_AUTO && fbk_node_movable(nid))) {
		gfp |= __GFP_MOVABLE;
#ifndef CONFIG_HIGHMEM
		/* no highmem: this only opens ZONE_MOVABLE (linear map) */
		gfp |= __GFP_HIGHMEM;
#endif
	}
	/* a benchmark must not push a production node into reclaim storms */
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		gfp |= __GFP_NORETRY;
	return gfp;
}

/* Free pages of a node in every zone an allocation with @gfp may use. */
static unsigned long fbk_node_free_pages(int nid, gfp_t gfp)
{
	pg_data_t *pgdat = NODE_DATA(nid);
	enum zone_type highest = gfp_zone(gfp);
	unsigned long free = 0;
	int z;

	for (z = 0; z <= highest; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		if (populated_zone(zone))
			free += zone_page_state(zone, NR_FREE_PAGES);
	}
	return free;
}

static int fbk_check_node(int nid, u64 pages, u32 policy)
{
	u64 free = fbk_node_free_pages(nid, fbk_node_gfp(nid, policy, 0));
	u64 allowed = div_u64(free * fbk_cap_pct, 100);

	if (pages <= allowed)
		return 0;
	pr_warn_ratelimited("foliobench: refusing %llu KiB on node %d: cap is %llu KiB (cap_pct=%u of %llu KiB free)\n",
			    pages << (PAGE_SHIFT - 10), nid,
			    allowed << (PAGE_SHIFT - 10), fbk_cap_pct,
			    free << (PAGE_SHIFT - 10));
	return -ENOMEM;
}

/* -ENOMEM when the run would take more than cap_pct of a node's free memory. */
int fbk_node_check_cap(int src_nid, int dst_nid, u32 nr, unsigned int order,
		      u32 policy)
{
	u64 pages = (u64)nr << order;
	int ret;

	if (src_nid == dst_nid)
		return fbk_check_node(src_nid, 2 * pages, policy);
	ret = fbk_check_node(src_nid, pages, policy);
	if (!ret)
		ret = fbk_check_node(dst_nid, pages, policy);
	return ret;
}

/* FOLIOBENCH_ZONE_* bit of the zone @folio is in. */
static u32 fbk_zone_bit(struct folio *folio)
{
	switch (folio_zonenum(folio)) {
#ifdef CONFIG_ZONE_DMA
	case ZONE_DMA:
		return FOLIOBENCH_ZONE_DMA;
#endif
#ifdef CONFIG_ZONE_DMA32
	case ZONE_DMA32:
		return FOLIOBENCH_ZONE_DMA32;
#endif
#ifdef CONFIG_HIGHMEM
	case ZONE_HIGHMEM:
		return FOLIOBENCH_ZONE_HIGHMEM;
#endif
	case ZONE_MOVABLE:
		return FOLIOBENCH_ZONE_MOVABLE;
	default:
		return FOLIOBENCH_ZONE_NORMAL;
	}
}

void fbk_folios_free(struct fbk_folios *fs)
{
	u32 i;

	for (i = 0; i < fs->nr; i++) {
		folio_put(fs->src[i]);
		folio_put(fs->dst[i]);
		cond_resched();
	}
	kvfree(fs->src);
	kvfree(fs->dst);
	fs->src = NULL;
	fs->dst = NULL;
	fs->nr = 0;
}

/*
 * Allocates @nr pairs of order-@order folios, sources on @src_nid and
 * destinations on @dst_nid. On failure everything is freed; *obtained says
 * how many pairs the nodes gave before it (-ENOSPC: fragmentation or not
 * enough memory; -EINTR: a signal). fs->src_zones and dst_zones say which
 * zones the folios came from.
 */
int fbk_folios_alloc(struct fbk_folios *fs, u32 nr, unsigned int order,
		    int src_nid, int dst_nid, u32 policy, u32 *obtained)
{
	gfp_t src_gfp = fbk_node_gfp(src_nid, policy, order);
	gfp_t dst_gfp = fbk_node_gfp(dst_nid, policy, order);
	int ret = 0;
	u32 i;

	memset(fs, 0, sizeof(*fs));
	fs->order = order;
	fs->size = PAGE_SIZE << order;
	*obtained = 0;
	fs->src = kvcalloc(nr, sizeof(*fs->src), GFP_KERNEL);
	fs->dst = kvcalloc(nr, sizeof(*fs->dst), GFP_KERNEL);
	if (!fs->src || !fs->dst) {
		ret = -ENOMEM;
		goto out;
	}

	for (i = 0; i < nr; i++) {
		struct folio *src, *dst;

		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		src = __folio_alloc_node(src_gfp, order, src_nid);
		if (!src) {
			ret = -ENOSPC;
			break;
		}
		dst = __folio_alloc_node(dst_gfp, order, dst_nid);
		if (!dst) {
			folio_put(src);
			ret = -ENOSPC;
			break;
		}
		fs->src[i] = src;
		fs->dst[i] = dst;
		fs->src_zones |= fbk_zone_bit(src);
		fs->dst_zones |= fbk_zone_bit(dst);
		fs->nr = i + 1;
		cond_resched();
	}
	*obtained = fs->nr;
out:
	if (ret)
		fbk_folios_free(fs);
	return ret;
}

/* A pattern unique to every 8 bytes of every folio, so a misplaced copy shows. */
void fbk_folios_fill(struct fbk_folios *fs)
{
	size_t words = fs->size / sizeof(u64), j;
	u32 i;

	for (i = 0; i < fs->nr; i++) {
		u64 *p = folio_address(fs->src[i]);
		u64 tag = (u64)(i + 1) << 40;

		for (j = 0; j < words; j++)
			p[j] = tag | j;
		cond_resched();
	}
}

void fbk_folios_poison_dst(struct fbk_folios *fs)
{
	u32 i;

	for (i = 0; i < fs->nr; i++) {
		memset(folio_address(fs->dst[i]), FBK_POISON, fs->size);
		cond_resched();
	}
}

/* 0 when every dst equals its src; else -EIO and the first bad index. */
int fbk_folios_verify(struct fbk_folios *fs, u32 *bad)
{
	u32 i;

	for (i = 0; i < fs->nr; i++) {
		if (memcmp(folio_address(fs->dst[i]),
			   folio_address(fs->src[i]), fs->size)) {
			*bad = i;
			return -EIO;
		}
		cond_resched();
	}
	return 0;
}

bool fbk_can_evict(void)
{
#ifdef FBK_HAVE_CLFLUSH_CACHE_RANGE
	return true;
#else
	return false;
#endif
}

/* clflush the sources (and destinations) out of every cache level. */
int fbk_folios_evict(struct fbk_folios *fs, bool dst)
{
#ifdef FBK_HAVE_CLFLUSH_CACHE_RANGE
	u32 i;

	for (i = 0; i < fs->nr; i++) {
		clflush_cache_range(folio_address(fs->src[i]), fs->size);
		if (dst)
			clflush_cache_range(folio_address(fs->dst[i]), fs->size);
		cond_resched();
	}
	return 0;
#else
	return -EOPNOTSUPP;
#endif
}
