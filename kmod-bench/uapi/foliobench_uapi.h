/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * foliobench kernel module ABI: the one header shared by the module
 * (kmod-bench/) and userspace.
 *
 * /dev/foliobench; open() needs CAP_SYS_ADMIN (else EPERM). Two ioctls, each
 * on a versioned struct whose first two fields (abi_version, struct_size)
 * never move. Only __u32/__u64/char fields, padding explicit, sizes a
 * multiple of 8: the layout is the same for 32- and 64-bit userspace.
 *
 * Errors (errno) common to both ioctls:
 *   EPROTO  abi_version != FOLIOBENCH_ABI_VERSION; the module writes its own
 *           abi_version and struct_size back into the first 8 bytes.
 *   EINVAL  struct_size != sizeof(the struct) (header written back as for
 *           EPROTO), or a field is out of range: bad_field (RUN) names it,
 *           and the kernel log has a line naming field and value.
 *   EFAULT  a user pointer is bad.
 *   EBUSY   another RUN or INFO is in progress (one at a time).
 *   ENOTTY  unknown ioctl.
 * RUN only (the output fields are written back for all of these):
 *   ENOMEM  the folios would exceed the cap (module parameter cap_pct,
 *           default 50 % of the node's free memory in the zones the
 *           allocation may use (gfp_movable); flag OVER_CAP; a kernel
 *           log line says how much was asked and allowed), or the module's
 *           own bookkeeping could not be allocated.
 *   ENOSPC  not all folios could be allocated (fragmentation): nothing ran,
 *           folios_obtained says how many the node gave (flag PARTIAL_ALLOC).
 *   ENODEV  engine DMA: fewer DMA_MEMCPY channels than asked for (near
 *           the node dma_near names, if set); dma_chans_used says how many
 *           were found.
 *   EBUSY   engine DMA, flag DMA_QUARANTINED: an earlier run timed out on
 *           a channel that cannot be terminated; its memory is kept until
 *           the engine finishes, and DMA runs are refused until the module
 *           is reloaded.
 *   ETIMEDOUT  engine DMA: a channel timed out (or a fatal signal came)
 *           and cannot be terminated: flag DMA_QUARANTINED, the run ends.
 *   EOPNOTSUPP  evict on a kernel without clflush_cache_range (non-x86);
 *           engine DMA: dma_irq LAST on a channel that completes out of
 *           order (bad_field DMA_IRQ); a function this kernel cannot
 *           run (INFO impl UNAVAILABLE: bad_field BATCHED, or BATCH_IMPL
 *           for a batch_impl the kernel or architecture cannot run).
 *   EINTR   a signal ended the run between iterations, or while the
 *           folios were allocated; iterations_done samples were written
 *           (flag INTERRUPTED).
 *   EAGAIN  engine CPU: a copy did not run on the CPU cpus_used names (a
 *           CPU went offline between iterations, or the calling thread of
 *           an inline run moved): flag CPU_MOVED; iterations_done samples
 *           were written.  CPU hotplug is held off during each iteration.
 *   EIO     verify found a folio that differs from its source:
 *           mismatch_folio; never a sample for that iteration.
 *   EHWPOISON  a machine check in a copy (real memory error).
 */
#ifndef _UAPI_LINUX_FOLIOBENCH_H
#define _UAPI_LINUX_FOLIOBENCH_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define FOLIOBENCH_ABI_VERSION		3
#define FOLIOBENCH_DEVICE		"/dev/foliobench"

#define FOLIOBENCH_NAME_LEN		32
#define FOLIOBENCH_DESC_LEN		96
#define FOLIOBENCH_RELEASE_LEN		72
#define FOLIOBENCH_MAX_FUNCS		12
#define FOLIOBENCH_MAX_DMA_CHANS	16
#define FOLIOBENCH_MAX_THREADS		1024
#define FOLIOBENCH_MAX_FOLIOS		(1U << 20)
#define FOLIOBENCH_MAX_ITERATIONS	1000000
#define FOLIOBENCH_MAX_WARMUP		1000
#define FOLIOBENCH_DMA_TIMEOUT_MS	10000	/* default (dma_timeout_ms 0) */
#define FOLIOBENCH_MAX_DMA_TIMEOUT_MS	600000
#define FOLIOBENCH_LLC_NONE		0xffffffffU	/* offline or unknown */
#define FOLIOBENCH_NO_FOLIO		0xffffffffU

/* RUN.func */
#define FOLIOBENCH_FUNC_FOLIO_COPY	0	/* folio_copy() */
#define FOLIOBENCH_FUNC_FOLIO_MC_COPY	1	/* folio_mc_copy() */
#define FOLIOBENCH_FUNC_FOLIOS_MC_COPY	2	/* list copy, per-folio marker */
#define FOLIOBENCH_NR_FUNCS		3

/*
 * RUN.batched / INFO.funcs[].batched: 0 per page (the module's per-page loop
 * where this kernel's export is batched), 1 batched as the RFC proposes,
 * FOLIOBENCH_KERNEL_MODE: whatever this kernel's own folio_copy() /
 * folio_mc_copy() does, per page on a baseline kernel, batched on one with
 * the RFC applied (whole folios only: no chunk split).
 */
#define FOLIOBENCH_KERNEL_MODE		2

/*
 * RUN.batch_impl / INFO.funcs[].batch_impl (ABI 3): how a batched folio_copy
 * copies a folio (seed 000's question: the per-page overhead saved vs the
 * primitive changed). Other than MEMCPY: func FOLIO_COPY, batched 1, engine
 * CPU only (else EINVAL); the folio is read through the linear map, so
 * HIGHMEM kernels refuse it (EOPNOTSUPP), and REP_MOVSQ is x86-64 only
 * (EOPNOTSUPP elsewhere). Per page and list copies: 0.
 */
#define FOLIOBENCH_BATCH_MEMCPY		0	/* one memcpy() over the folio
						 * (the RFC's copy_highpages())
						 */
#define FOLIOBENCH_BATCH_COPY_PAGE	1	/* copy_page() on each page,
						 * without folio_copy()'s
						 * per-page kmap and cond_resched
						 */
#define FOLIOBENCH_BATCH_REP_MOVSQ	2	/* one rep movsq over the folio
						 * (a page-aligned fast path)
						 */
#define FOLIOBENCH_NR_BATCH_IMPLS	3

/* INFO.kernel_patches: what the kernel built against has (gen-exports.sh) */
#define FOLIOBENCH_KP_COPY_HIGHPAGES	(1U << 0)	/* RFC copy_highpages() */
#define FOLIOBENCH_KP_COPY_MC_HIGHPAGES	(1U << 1)	/* RFC copy_mc_highpages() */
#define FOLIOBENCH_KP_FOLIOS_MC_COPY	(1U << 2)	/* series folios_mc_copy() */
#define FOLIOBENCH_KP_MIGRATE_OFFLOAD	(1U << 3)	/* series migrate offload */
#define FOLIOBENCH_KP_BATCHED_FOLIO_COPY (1U << 4)	/* folio_copy() is batched */
#define FOLIOBENCH_KP_BATCHED_FOLIO_MC_COPY (1U << 5)	/* folio_mc_copy() too */

/* how a function is implemented (INFO.funcs[].impl, RUN.impl) */
#define FOLIOBENCH_IMPL_UNAVAILABLE	0
#define FOLIOBENCH_IMPL_NATIVE		1	/* calls the kernel's export */
#define FOLIOBENCH_IMPL_REIMPL		2	/* module reimplementation of a
						 * kernel function (not exported)
						 */
#define FOLIOBENCH_IMPL_MODULE		3	/* module code for a proposed
						 * helper in no released kernel
						 * (RFC copy_highpages, seed 002)
						 */

/* RUN.engine */
#define FOLIOBENCH_ENGINE_CPU		0	/* kernel workers on CPUs */
#define FOLIOBENCH_ENGINE_DMA		1	/* dmaengine DMA_MEMCPY channels */

/* RUN.placement (engine CPU) */
#define FOLIOBENCH_PLACE_SPREAD		0	/* round robin over LLC domains */
#define FOLIOBENCH_PLACE_FILL		1	/* fill one LLC domain, then next */
#define FOLIOBENCH_PLACE_LIST		2	/* RUN.cpu_list */

/* RUN.split (engine CPU), the mtcopy work split */
#define FOLIOBENCH_SPLIT_AUTO		0	/* CHUNK if nr_folios < nr_threads,
						 * else FOLIO (list copy: FOLIO)
						 */
#define FOLIOBENCH_SPLIT_CHUNK		1	/* every folio in nr_threads chunks */
#define FOLIOBENCH_SPLIT_FOLIO		2	/* contiguous blocks of folios */

/* RUN.evict: clflush before each iteration, outside the timing */
#define FOLIOBENCH_EVICT_NONE		0
#define FOLIOBENCH_EVICT_SRC		1
#define FOLIOBENCH_EVICT_BOTH		2

/* RUN.flags (output) */
#define FOLIOBENCH_RUN_F_OVER_CAP	(1U << 0)
#define FOLIOBENCH_RUN_F_PARTIAL_ALLOC	(1U << 1)
#define FOLIOBENCH_RUN_F_INTERRUPTED	(1U << 2)
#define FOLIOBENCH_RUN_F_VERIFY_FAILED	(1U << 3)
#define FOLIOBENCH_RUN_F_VERIFIED	(1U << 4)	/* every iteration checked */
#define FOLIOBENCH_RUN_F_DMA_FALLBACK	(1U << 5)	/* dma_fallbacks > 0 */
#define FOLIOBENCH_RUN_F_DMA_TIMEOUT	(1U << 6)
#define FOLIOBENCH_RUN_F_LIST_FALLBACK	(1U << 7)	/* list_fallbacks > 0 */
#define FOLIOBENCH_RUN_F_FAULT_INJECTED	(1U << 8)	/* fail_folio_index set */
#define FOLIOBENCH_RUN_F_DMA_QUARANTINED (1U << 16)	/* see ETIMEDOUT, EBUSY */
/* CPU engine and memory (ABI 2) */
#define FOLIOBENCH_RUN_F_CPU_MOVED	(1U << 17)	/* EAGAIN: see above */

/* RUN.gfp_movable: may the folios come from ZONE_MOVABLE? */
#define FOLIOBENCH_MOVABLE_AUTO		0	/* yes on a node that has
						 * ZONE_MOVABLE (CXL memory
						 * onlined movable), as user
						 * memory would; else no
						 */
#define FOLIOBENCH_MOVABLE_ON		1	/* yes, on every node */
#define FOLIOBENCH_MOVABLE_OFF		2	/* no: the kernel's zones only */

/* RUN.src_zones, dst_zones: the zones the folios came from */
#define FOLIOBENCH_ZONE_DMA		(1U << 0)
#define FOLIOBENCH_ZONE_DMA32		(1U << 1)
#define FOLIOBENCH_ZONE_NORMAL		(1U << 2)
#define FOLIOBENCH_ZONE_HIGHMEM		(1U << 3)
#define FOLIOBENCH_ZONE_MOVABLE		(1U << 4)

/* RUN.bad_field: which input was rejected with EINVAL */
#define FOLIOBENCH_FIELD_NONE		0
#define FOLIOBENCH_FIELD_STRUCT_SIZE	1
#define FOLIOBENCH_FIELD_FUNC		2
#define FOLIOBENCH_FIELD_BATCHED	3
#define FOLIOBENCH_FIELD_ENGINE		4
#define FOLIOBENCH_FIELD_ORDER		5
#define FOLIOBENCH_FIELD_NR_FOLIOS	6
#define FOLIOBENCH_FIELD_SRC_NODE	7
#define FOLIOBENCH_FIELD_DST_NODE	8
#define FOLIOBENCH_FIELD_NR_THREADS	9
#define FOLIOBENCH_FIELD_PLACEMENT	10
#define FOLIOBENCH_FIELD_SPLIT		11
#define FOLIOBENCH_FIELD_NR_DMA_CHANS	12
#define FOLIOBENCH_FIELD_DMA_TIMEOUT_MS	13
#define FOLIOBENCH_FIELD_EVICT		14
#define FOLIOBENCH_FIELD_VERIFY		15
#define FOLIOBENCH_FIELD_WARMUP		16
#define FOLIOBENCH_FIELD_ITERATIONS	17
#define FOLIOBENCH_FIELD_GFP_MOVABLE	18
#define FOLIOBENCH_FIELD_CPU_LIST	19
#define FOLIOBENCH_FIELD_SAMPLES	20
#define FOLIOBENCH_FIELD_CPUS_USED	21
#define FOLIOBENCH_FIELD_RESERVED	22
#define FOLIOBENCH_FIELD_DMA_MAP	23
#define FOLIOBENCH_FIELD_DMA_REQUEST	24
#define FOLIOBENCH_FIELD_DMA_NEAR	25
#define FOLIOBENCH_FIELD_DMA_IRQ	26
#define FOLIOBENCH_FIELD_DMA_PHASES	27
/* CPU engine (ABI 2) */
#define FOLIOBENCH_FIELD_WORKER_TIMES	28
#define FOLIOBENCH_FIELD_INLINE_COPY	29
/* batched variants (ABI 3) */
#define FOLIOBENCH_FIELD_BATCH_IMPL	30
#define FOLIOBENCH_NR_FIELDS		31

/* RUN.dma_map: how folios are mapped for the engine */
#define FOLIOBENCH_DMA_MAP_SGTABLE	0	/* sg_set_folio + dma_map_sgtable,
						 * one table per channel batch
						 * (DCBM)
						 */
#define FOLIOBENCH_DMA_MAP_PAGE		1	/* dma_map_page per folio */

/* RUN.dma_request: when channels are requested */
#define FOLIOBENCH_DMA_REQUEST_ONCE	0	/* at setup, untimed (dma_request_ns) */
#define FOLIOBENCH_DMA_REQUEST_BATCH	1	/* every iteration, timed, as DCBM
						 * pays it per migrate batch
						 */

/* RUN.dma_near: which channels */
#define FOLIOBENCH_DMA_NEAR_ANY		0	/* the first free ones */
#define FOLIOBENCH_DMA_NEAR_SRC		1	/* only on src_node's device(s) */
#define FOLIOBENCH_DMA_NEAR_DST		2	/* only on dst_node's */

/* RUN.dma_irq: which descriptors ask for an interrupt (and a callback) */
#define FOLIOBENCH_DMA_IRQ_EACH		0	/* every one: a result per folio */
#define FOLIOBENCH_DMA_IRQ_LAST		1	/* the last of a channel (DCBM);
						 * in-order channels only, the
						 * others by tx_status
						 */

/* RUN.dma_phases: per iteration, ns of each phase; they sum to the sample */
#define FOLIOBENCH_DMA_PHASE_REQUEST	0	/* dma_request: BATCH only, else 0 */
#define FOLIOBENCH_DMA_PHASE_MAP	1
#define FOLIOBENCH_DMA_PHASE_SUBMIT	2	/* prep, submit, issue_pending */
#define FOLIOBENCH_DMA_PHASE_WAIT	3	/* until every descriptor ended */
#define FOLIOBENCH_DMA_PHASE_UNMAP	4	/* and channel release (BATCH) */
#define FOLIOBENCH_DMA_PHASE_CPU	5	/* CPU copy of failed folios */
#define FOLIOBENCH_DMA_NR_PHASES	6

/* foliobench_dma_chan_info.flags */
#define FOLIOBENCH_DMA_CHAN_F_NO_ORDER	(1U << 0)	/* DMA_COMPLETION_NO_ORDER */
#define FOLIOBENCH_DMA_CHAN_F_TERMINATE	(1U << 1)	/* has device_terminate_all */

/* INFO.flags */
#define FOLIOBENCH_INFO_F_EVICT		(1U << 0)	/* clflush_cache_range */
#define FOLIOBENCH_INFO_F_HYPERVISOR	(1U << 1)	/* running in a VM */
#define FOLIOBENCH_INFO_F_DMA_MORE	(1U << 2)	/* more channels than dma[] */
#define FOLIOBENCH_INFO_F_FAULT_INJECT	(1U << 3)	/* fail_folio_index set */

/*
 * INFO.kflags, kflags_known: what the running kernel selected (x86), read
 * from the kernel: a bit in kflags_known says the module could tell, the
 * same bit in kflags says it is set.
 */
#define FOLIOBENCH_KF_FSRM		(1U << 0)	/* boot_cpu_has(FSRM) */
#define FOLIOBENCH_KF_ERMS		(1U << 1)	/* boot_cpu_has(ERMS) */
#define FOLIOBENCH_KF_REP_GOOD		(1U << 2)	/* boot_cpu_has(REP_GOOD) */
#define FOLIOBENCH_KF_FSRS		(1U << 3)	/* boot_cpu_has(FSRS); 6.1
							 * has no such feature
							 */
#define FOLIOBENCH_KF_MC_FRAGILE	(1U << 4)	/* copy_mc_fragile static
							 * key on (mce=recovery or
							 * a Xeon RAS quirk)
							 */

/* INFO.kconfig: options of the config the module was built against */
#define FOLIOBENCH_KC_PREEMPT_NONE	(1U << 0)
#define FOLIOBENCH_KC_PREEMPT_VOLUNTARY	(1U << 1)
#define FOLIOBENCH_KC_PREEMPT		(1U << 2)
#define FOLIOBENCH_KC_PREEMPT_RT	(1U << 3)
#define FOLIOBENCH_KC_PREEMPT_DYNAMIC	(1U << 4)
#define FOLIOBENCH_KC_PREEMPT_LAZY	(1U << 5)
#define FOLIOBENCH_KC_INIT_ON_ALLOC	(1U << 6)	/* ..._DEFAULT_ON */
#define FOLIOBENCH_KC_INIT_ON_FREE	(1U << 7)	/* ..._DEFAULT_ON */
#define FOLIOBENCH_KC_GIGANTIC_FOLIOS	(1U << 8)	/* HAVE_GIGANTIC_FOLIOS */
#define FOLIOBENCH_KC_SPARSEMEM_VMEMMAP	(1U << 9)
#define FOLIOBENCH_KC_KASAN		(1U << 10)
#define FOLIOBENCH_KC_DEBUG_VM		(1U << 11)

#define FOLIOBENCH_PATH_LEN		32
#define FOLIOBENCH_HOW_LEN		96

struct foliobench_func_info {
	char name[FOLIOBENCH_NAME_LEN];		/* "folio_copy", ... */
	char desc[FOLIOBENCH_DESC_LEN];		/* what runs, in words */
	__u32 func;			/* FOLIOBENCH_FUNC_* */
	__u32 batched;			/* 0 per page, 1 batched */
	__u32 impl;			/* FOLIOBENCH_IMPL_* */
	__u32 inner_impl;		/* impl of the per-folio kernel copy it
					 * calls (list copy: folio_mc_copy)
					 */
	__u32 batch_impl;		/* FOLIOBENCH_BATCH_* (ABI 3) */
	__u32 reserved;			/* 0 */
};

struct foliobench_dma_chan_info {
	char chan[FOLIOBENCH_NAME_LEN];		/* dma_chan_name(): "dma0chan1" */
	char dev[FOLIOBENCH_NAME_LEN];		/* dev_name() of the provider */
	char driver[FOLIOBENCH_NAME_LEN];	/* its driver: "idxd", "ioatdma" */
	__s32 node;			/* dev_to_node(); -1 none */
	__u32 flags;			/* FOLIOBENCH_DMA_CHAN_F_* */
};

struct foliobench_info {
	__u32 abi_version;		/* in: FOLIOBENCH_ABI_VERSION */
	__u32 struct_size;		/* in: sizeof(struct foliobench_info) */
	__u64 llc_ids;			/* in: 0 or user pointer to
					 * __u32[llc_ids_len]; out: LLC id per
					 * CPU id, FOLIOBENCH_LLC_NONE if offline
					 */
	__u32 llc_ids_len;		/* in: entries at llc_ids */
	__u32 reserved_in;		/* in: 0 */
	/* outputs */
	char release[FOLIOBENCH_RELEASE_LEN];	/* utsname()->release */
	__u32 nr_funcs;			/* valid entries in funcs[] */
	__u32 nr_online_cpus;
	__u32 nr_cpu_ids;		/* CPU ids are 0..nr_cpu_ids-1 */
	__u32 nr_online_nodes;
	__u32 max_order;		/* largest folio order RUN accepts */
	__u32 page_size;
	__u32 nr_dma_chans;		/* DMA_MEMCPY channels free now */
	__u32 flags;			/* FOLIOBENCH_INFO_F_* */
	__u32 cap_pct;			/* module parameter cap_pct */
	__s32 fail_folio_index;		/* module parameter of the test build
					 * (fb_test_foliobench.ko); -1 off and
					 * always in the release module
					 */
	__u32 kernel_patches;		/* FOLIOBENCH_KP_* */
	__u32 reserved_kp;		/* 0 */
	struct foliobench_func_info funcs[FOLIOBENCH_MAX_FUNCS];
	struct foliobench_dma_chan_info dma[FOLIOBENCH_MAX_DMA_CHANS];
	/*
	 * ABI 2: the copy routines this kernel patched in (x86; "" elsewhere).
	 * *_path names what runs: memcpy and copy_page the routine their
	 * first instruction jumps to ("memcpy_orig", "memcpy_erms",
	 * "copy_page_regs") or their own body's string copy ("rep movsb",
	 * "rep movsq"); copy_mc_to_kernel the routine one call of it ran
	 * ("copy_mc_fragile", "copy_mc_enhanced_fast_string", or "memcpy":
	 * then memcpy_path applies). "unknown" when the module cannot tell;
	 * *_how says how it was read.
	 */
	__u32 kflags;			/* FOLIOBENCH_KF_* */
	__u32 kflags_known;		/* FOLIOBENCH_KF_* */
	__u32 kconfig;			/* FOLIOBENCH_KC_* */
	__u32 reserved_kinfo;		/* 0 */
	char memcpy_path[FOLIOBENCH_PATH_LEN];
	char memcpy_how[FOLIOBENCH_HOW_LEN];
	char copy_page_path[FOLIOBENCH_PATH_LEN];
	char copy_page_how[FOLIOBENCH_HOW_LEN];
	char copy_mc_path[FOLIOBENCH_PATH_LEN];
	char copy_mc_how[FOLIOBENCH_HOW_LEN];
	__u64 reserved_out[2];
};

/*
 * RUN.worker_times: one per worker and timed iteration, iteration-major
 * ([iteration * nr_threads + worker]). The sample of an iteration is
 * max(end_ns) - min(start_ns) over its active workers; idle workers
 * (index >= threads_active) are all 0.
 */
struct foliobench_worker_time {
	__u64 start_ns;			/* ktime_get_ns() when the worker left
					 * the start barrier
					 */
	__u64 end_ns;			/* ... when its last copy returned */
	__u64 bytes;			/* bytes it copied in the iteration */
	__u32 cpu;			/* CPU it ran on */
	__u32 reserved;
};

struct foliobench_run {
	__u32 abi_version;		/* in: FOLIOBENCH_ABI_VERSION */
	__u32 struct_size;		/* in: sizeof(struct foliobench_run) */
	/* inputs; a field the engine does not use must be 0 */
	__u32 func;			/* FOLIOBENCH_FUNC_* */
	__u32 batched;			/* 0: per page, as a baseline kernel
					 * does; 1: batched, as the RFC
					 * proposes; FOLIOBENCH_KERNEL_MODE:
					 * this kernel's own function
					 */
	__u32 engine;			/* FOLIOBENCH_ENGINE_* */
	__u32 order;			/* folio order, 0..INFO.max_order */
	__u32 nr_folios;		/* 1..FOLIOBENCH_MAX_FOLIOS */
	__u32 src_node;			/* online node with memory */
	__u32 dst_node;
	__u32 gfp_movable;		/* FOLIOBENCH_MOVABLE_*: may the folios
					 * come from ZONE_MOVABLE (a CXL node
					 * onlined movable has only that zone)
					 */
	__u32 nr_threads;		/* CPU: 1..min(online CPUs,
					 * FOLIOBENCH_MAX_THREADS); DMA: 0
					 */
	__u32 placement;		/* CPU: FOLIOBENCH_PLACE_*; DMA: 0 */
	__u32 split;			/* CPU: FOLIOBENCH_SPLIT_*; DMA: 0 */
	__u32 nr_dma_chans;		/* DMA: 1..FOLIOBENCH_MAX_DMA_CHANS;
					 * CPU: 0
					 */
	__u32 dma_timeout_ms;		/* DMA: 0 (= 10000) or 1..600000; the
					 * wait is killable, in 100 ms slices
					 */
	__u32 evict;			/* FOLIOBENCH_EVICT_* */
	__u32 verify;			/* 0 or 1: compare every folio after
					 * every iteration (dst is poisoned
					 * before it), outside the timing
					 */
	__u32 warmup;			/* 0..FOLIOBENCH_MAX_WARMUP untimed */
	__u32 iterations;		/* 1..FOLIOBENCH_MAX_ITERATIONS */
	__u32 reserved_in;		/* 0 */
	__u64 cpu_list;			/* PLACE_LIST: user pointer to
					 * __u32[nr_threads], distinct online
					 * CPUs; else 0
					 */
	__u64 samples;			/* user pointer to __u64[iterations]:
					 * wall ns per iteration, start until
					 * every worker/channel is done
					 */
	__u64 cpus_used;		/* CPU: 0 or user pointer to
					 * __u32[nr_threads] (out); DMA: 0
					 */
	/* DMA inputs (engine CPU: all 0) */
	__u32 dma_map;			/* FOLIOBENCH_DMA_MAP_* */
	__u32 dma_request;		/* FOLIOBENCH_DMA_REQUEST_* */
	__u32 dma_near;			/* FOLIOBENCH_DMA_NEAR_* */
	__u32 dma_irq;			/* FOLIOBENCH_DMA_IRQ_* */
	__u64 dma_phases;		/* 0 or user pointer to __u64[iterations]
					 * [FOLIOBENCH_DMA_NR_PHASES] (out):
					 * valid for iterations_done entries
					 */
	/* CPU engine inputs (ABI 2) */
	__u64 worker_times;		/* CPU: 0 or user pointer to struct
					 * foliobench_worker_time
					 * [iterations * nr_threads] (out);
					 * DMA: 0
					 */
	__u32 inline_copy;		/* CPU: 1 = nr_threads 1 copies on the
					 * calling thread (no kworker wake-up
					 * in the sample; its CPU is the
					 * caller's: pin the caller), placement
					 * not LIST; DMA: 0
					 */
	__u32 reserved_cpu;		/* 0 */
	/* batched variants (ABI 3) */
	__u32 batch_impl;		/* FOLIOBENCH_BATCH_* (see there) */
	__u32 reserved_batch;		/* 0 */
	/* outputs */
	__u32 iterations_done;		/* samples written */
	__u32 folios_obtained;		/* pairs allocated (see ENOSPC) */
	__u32 impl;			/* FOLIOBENCH_IMPL_* of what ran */
	__u32 inner_impl;
	__u32 split_used;		/* FOLIOBENCH_SPLIT_CHUNK or _FOLIO */
	__u32 threads_active;		/* workers that got work */
	__u32 dma_chans_used;
	__u32 flags;			/* FOLIOBENCH_RUN_F_* */
	__u32 bad_field;		/* FOLIOBENCH_FIELD_* (EINVAL) */
	__u32 mismatch_folio;		/* EIO: first differing folio, else
					 * FOLIOBENCH_NO_FOLIO
					 */
	__u64 bytes_per_iteration;	/* nr_folios << (order + PAGE_SHIFT) */
	__u64 dma_fallbacks;		/* folios the CPU copied after a DMA
					 * error or timeout, all iterations
					 * (warmup included)
					 */
	__u64 list_fallbacks;		/* folios the list copy copied again
					 * one by one, all iterations
					 */
	/* memory outputs (ABI 2) */
	__u32 src_zones;		/* FOLIOBENCH_ZONE_* of the sources */
	__u32 dst_zones;		/* ... of the destinations */
	char func_name[FOLIOBENCH_NAME_LEN];
	char func_desc[FOLIOBENCH_DESC_LEN];
	struct foliobench_dma_chan_info dma[FOLIOBENCH_MAX_DMA_CHANS];
	/* DMA outputs */
	__u32 dma_map_used;		/* FOLIOBENCH_DMA_MAP_* that ran */
	__u32 dma_irq_used;		/* FOLIOBENCH_DMA_IRQ_* that ran */
	__u64 dma_request_ns;		/* REQUEST_ONCE: the setup request */
	__u64 dma_prep_retries;		/* prep returned NULL (ring full) and
					 * was retried after waiting
					 */
	__u64 reserved_out[2];
};

#define FOLIOBENCH_IOC_MAGIC	0xfb
#define FOLIOBENCH_IOC_INFO	_IOWR(FOLIOBENCH_IOC_MAGIC, 1, struct foliobench_info)
#define FOLIOBENCH_IOC_RUN	_IOWR(FOLIOBENCH_IOC_MAGIC, 2, struct foliobench_run)

#endif /* _UAPI_LINUX_FOLIOBENCH_H */
