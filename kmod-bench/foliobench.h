/* SPDX-License-Identifier: GPL-2.0 */
/*
 * foliobench: in-kernel benchmark of folio_copy()/folio_mc_copy(), per page
 * and batched, on kernel workers or dmaengine channels. Internal interfaces.
 */
#ifndef FOLIOBENCH_H
#define FOLIOBENCH_H

#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/types.h>
#include "fb_exports.h"
#include "uapi/foliobench_uapi.h"

/*
 * Largest buddy order: MAX_ORDER changed meaning in 6.4 and became
 * MAX_PAGE_ORDER in 6.8; the pages of the largest block did not.
 */
#define FB_MAX_ORDER	ilog2(MAX_ORDER_NR_PAGES)

/*
 * One selectable copy function: an entry of fb_funcs[], picked by
 * (func, batched, batch_impl). @copy copies one whole folio; @copy_range copies the
 * bytes [off, off + len) of a folio (the chunk split), per page or batched
 * like @copy; @fallback is the per-folio copy the list copy falls back to.
 * @whole_folios: no chunk split (the list copy, and the kernel's own
 * functions in FOLIOBENCH_KERNEL_MODE, copy whole folios only).
 */
struct fb_func {
	const char *name;
	const char *desc;
	u32 func;
	u32 batched;
	u32 batch_impl;			/* FOLIOBENCH_BATCH_* */
	u32 impl;
	u32 inner_impl;
	bool list;
	bool whole_folios;
	int (*copy)(struct folio *dst, struct folio *src);
	int (*copy_range)(struct folio *dst, struct folio *src, size_t off,
			  size_t len);
	int (*fallback)(struct folio *dst, struct folio *src);
};

extern const struct fb_func fb_funcs[];
extern const unsigned int fb_nr_funcs;
const struct fb_func *fb_func_find(u32 func, u32 batched, u32 batch_impl);
extern const char fb_chunk_pp_desc[];
u32 fb_kernel_patches(void);

/* The folios of one run: src[i] is copied to dst[i]. */
struct fb_folios {
	struct folio **src;
	struct folio **dst;
	u32 nr;
	unsigned int order;
	size_t size;			/* folio_size() of each */
	u32 src_zones, dst_zones;	/* FOLIOBENCH_ZONE_* they came from */
};

int fb_folios_alloc(struct fb_folios *fs, u32 nr, unsigned int order,
		    int src_nid, int dst_nid, u32 policy, u32 *obtained);
void fb_folios_free(struct fb_folios *fs);
int fb_node_check_cap(int src_nid, int dst_nid, u32 nr, unsigned int order,
		      u32 policy);
void fb_folios_fill(struct fb_folios *fs);
void fb_folios_poison_dst(struct fb_folios *fs);
int fb_folios_verify(struct fb_folios *fs, u32 *bad);
int fb_folios_evict(struct fb_folios *fs, bool dst);
bool fb_can_evict(void);

extern unsigned int fb_cap_pct;
/* a module parameter only in the test build (tests/Kbuild: FB_FAULT_INJECT) */
#ifdef FB_FAULT_INJECT
extern int fb_fail_folio_index;
#else
extern const int fb_fail_folio_index;
#endif

/* State of one run shared by the engines. */
struct fb_run_ctx {
	struct fb_folios fs;
	const struct fb_func *fn;
	unsigned long *copied;		/* list copy: "content copied" marker */
	u32 fail_index;			/* list copy: fault injection, test only */
	atomic64_t list_fallbacks;
	u64 dma_fallbacks;
	bool dma_timeout;
	bool cpu_moved;			/* a copy ran off its CPU: EAGAIN */
};

int fb_list_copy(struct fb_run_ctx *ctx, struct list_head *dst_list,
		 struct list_head *src_list, u32 first);

extern struct workqueue_struct *fb_wq;

/* CPU engine: workers bound to CPUs */
struct fb_cpu_engine;
u32 fb_llc_id(unsigned int cpu);
int fb_cpu_setup(struct fb_run_ctx *ctx, const struct foliobench_run *r,
		 const u32 *cpu_list, struct fb_cpu_engine **out);
int fb_cpu_iteration(struct fb_cpu_engine *e, u64 *ns,
		     struct foliobench_worker_time *times);
void fb_cpu_report(struct fb_cpu_engine *e, struct foliobench_run *r,
		   u32 *cpus);
void fb_cpu_teardown(struct fb_cpu_engine *e);

/* DMA engine: dmaengine DMA_MEMCPY channels */
struct fb_dma_engine;
int fb_dma_setup(struct fb_run_ctx *ctx, const struct foliobench_run *r,
		 struct fb_dma_engine **out, struct foliobench_run *res);
int fb_dma_iteration(struct fb_dma_engine *e, u64 *ns);
void fb_dma_teardown(struct fb_dma_engine *e);
int fb_dma_list(struct foliobench_dma_chan_info *info, unsigned int max,
		bool *more);
int fb_dma_validate(struct foliobench_run *r);
void fb_dma_exit(void);

/* INFO: what the running kernel selected for its copy routines */
void fb_kinfo_fill(struct foliobench_info *in);

#endif /* FOLIOBENCH_H */
