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
 * MODULE_VERSION: foliobench's version, as CMakeLists.txt's project() and
 * dkms.conf give it (the guest test compares it with `foliobench version`).
 * The ioctl ABI has its own number, FOLIOBENCH_ABI_VERSION.
 */
#define FBK_VERSION	"0.1.0"

/*
 * Largest buddy order: MAX_ORDER changed meaning in 6.4 and became
 * MAX_PAGE_ORDER in 6.8; the pages of the largest block did not.
 */
#define FBK_MAX_ORDER	ilog2(MAX_ORDER_NR_PAGES)

/*
 * One selectable copy function: an entry of fbk_funcs[], picked by
 * (func, batched, batch_impl). @copy copies one whole folio; @copy_range copies the
 * bytes [off, off + len) of a folio (the chunk split), per page or batched
 * like @copy; @fallback is the per-folio copy the list copy falls back to.
 * @whole_folios: no chunk split (the list copy, and the kernel's own
 * functions in FOLIOBENCH_KERNEL_MODE, copy whole folios only).
 */
struct fbk_func {
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

extern const struct fbk_func fbk_funcs[];
extern const unsigned int fbk_nr_funcs;
const struct fbk_func *fbk_func_find(u32 func, u32 batched, u32 batch_impl);
extern const char fbk_chunk_pp_desc[];
u32 fbk_kernel_patches(void);

/* The folios of one run: src[i] is copied to dst[i]. */
struct fbk_folios {
	struct folio **src;
	struct folio **dst;
	u32 nr;
	unsigned int order;
	size_t size;			/* folio_size() of each */
	u32 src_zones, dst_zones;	/* FOLIOBENCH_ZONE_* they came from */
};

int fbk_folios_alloc(struct fbk_folios *fs, u32 nr, unsigned int order,
		    int src_nid, int dst_nid, u32 policy, u32 *obtained);
void fbk_folios_free(struct fbk_folios *fs);
int fbk_node_check_cap(int src_nid, int dst_nid, u32 nr, unsigned int order,
		      u32 policy);
void fbk_folios_fill(struct fbk_folios *fs);
void fbk_folios_poison_dst(struct fbk_folios *fs);
int fbk_folios_verify(struct fbk_folios *fs, u32 *bad);
int fbk_folios_evict(struct fbk_folios *fs, bool dst);
bool fbk_can_evict(void);

extern unsigned int fbk_cap_pct;
/* a module parameter only in the test build (tests/Kbuild: FBK_FAULT_INJECT) */
#ifdef FBK_FAULT_INJECT
extern int fbk_fail_folio_index;
#else
extern const int fbk_fail_folio_index;
#endif

/* State of one run shared by the engines. */
struct fbk_run_ctx {
	struct fbk_folios fs;
	const struct fbk_func *fn;
	unsigned long *copied;		/* list copy: "content copied" marker */
	u32 fail_index;			/* list copy: fault injection, test only */
	atomic64_t list_fallbacks;
	u64 dma_fallbacks;
	bool dma_timeout;
	bool cpu_moved;			/* a copy ran off its CPU: EAGAIN */
};

int fbk_list_copy(struct fbk_run_ctx *ctx, struct list_head *dst_list,
		 struct list_head *src_list, u32 first);

extern struct workqueue_struct *fbk_wq;

/* CPU engine: workers bound to CPUs */
struct fbk_cpu_engine;
u32 fbk_llc_id(unsigned int cpu);
int fbk_cpu_setup(struct fbk_run_ctx *ctx, const struct foliobench_run *r,
		 const u32 *cpu_list, struct fbk_cpu_engine **out);
int fbk_cpu_iteration(struct fbk_cpu_engine *e, u64 *ns,
		     struct foliobench_worker_time *times);
void fbk_cpu_report(struct fbk_cpu_engine *e, struct foliobench_run *r,
		   u32 *cpus);
void fbk_cpu_teardown(struct fbk_cpu_engine *e);

/* DMA engine: dmaengine DMA_MEMCPY channels */
struct fbk_dma_engine;
int fbk_dma_setup(struct fbk_run_ctx *ctx, const struct foliobench_run *r,
		 struct fbk_dma_engine **out, struct foliobench_run *res);
int fbk_dma_iteration(struct fbk_dma_engine *e, u64 *ns);
void fbk_dma_teardown(struct fbk_dma_engine *e);
int fbk_dma_list(struct foliobench_dma_chan_info *info, unsigned int max,
		bool *more);
int fbk_dma_validate(struct foliobench_run *r);
void fbk_dma_exit(void);

/* INFO: what the running kernel selected for its copy routines */
void fbk_kinfo_fill(struct foliobench_info *in);

/* RUN (fb_run.c): every input checked, then the run itself */
int fbk_validate(struct foliobench_run *r, u32 **cpu_list);
int fbk_run(struct foliobench_run *r, const u32 *cpu_list);

#endif /* FOLIOBENCH_H */
