// SPDX-License-Identifier: GPL-2.0
/*
 * RUN: the checks of every input, then the run loop (allocate, fill, set
 * up the engine, warm up, time the iterations, verify, write the samples).
 * The ioctl plumbing that calls these is fb_main.c's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/nodemask.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "foliobench.h"

/* ---- RUN: validation ---- */

static int fbk_bad(struct foliobench_run *r, u32 field, const char *name,
		  u64 val)
{
	r->bad_field = field;
	pr_warn_ratelimited("RUN: invalid %s=%llu\n", name, val);
	return -EINVAL;
}

/* Which engine a range holds for (engine is checked before the others). */
enum fbk_range_on { FBK_ON_ANY, FBK_ON_CPU, FBK_ON_DMA };

/* One u32 input of struct foliobench_run and the values it may take. */
struct fbk_range {
	size_t off;
	u32 field;			/* FOLIOBENCH_FIELD_*, for bad_field */
	const char *name;
	enum fbk_range_on on;
	u32 min, max;
};

#define FBK_RANGE(f, id, where, lo, hi) {				\
	.off = offsetof(struct foliobench_run, f),			\
	.field = FOLIOBENCH_FIELD_##id, .name = #f, .on = where,	\
	.min = lo, .max = hi,						\
}

/*
 * In this order: the first field out of its range is the one named. A field
 * the engine does not use must be 0 (max 0). What depends on other fields
 * or on the machine (nodes, online CPUs, functions, pointers) is checked in
 * fbk_validate().
 */
static const struct fbk_range fbk_ranges[] = {
	FBK_RANGE(reserved_in, RESERVED, FBK_ON_ANY, 0, 0),
	FBK_RANGE(func, FUNC, FBK_ON_ANY, 0, FOLIOBENCH_NR_FUNCS - 1),
	FBK_RANGE(batched, BATCHED, FBK_ON_ANY, 0, FOLIOBENCH_KERNEL_MODE),
	FBK_RANGE(engine, ENGINE, FBK_ON_ANY, 0, FOLIOBENCH_ENGINE_DMA),
	FBK_RANGE(order, ORDER, FBK_ON_ANY, 0, FBK_MAX_ORDER),
	FBK_RANGE(nr_folios, NR_FOLIOS, FBK_ON_ANY, 1, FOLIOBENCH_MAX_FOLIOS),
	FBK_RANGE(gfp_movable, GFP_MOVABLE, FBK_ON_ANY, 0, FOLIOBENCH_MOVABLE_OFF),
	FBK_RANGE(reserved_cpu, RESERVED, FBK_ON_ANY, 0, 0),
	FBK_RANGE(batch_impl, BATCH_IMPL, FBK_ON_ANY, 0,
		 FOLIOBENCH_NR_BATCH_IMPLS - 1),
	FBK_RANGE(reserved_batch, RESERVED, FBK_ON_ANY, 0, 0),
	/* CPU engine */
	FBK_RANGE(nr_threads, NR_THREADS, FBK_ON_CPU, 1, FOLIOBENCH_MAX_THREADS),
	FBK_RANGE(placement, PLACEMENT, FBK_ON_CPU, 0, FOLIOBENCH_PLACE_LIST),
	FBK_RANGE(split, SPLIT, FBK_ON_CPU, 0, FOLIOBENCH_SPLIT_FOLIO),
	FBK_RANGE(nr_dma_chans, NR_DMA_CHANS, FBK_ON_CPU, 0, 0),
	FBK_RANGE(dma_timeout_ms, DMA_TIMEOUT_MS, FBK_ON_CPU, 0, 0),
	FBK_RANGE(inline_copy, INLINE_COPY, FBK_ON_CPU, 0, 1),
	FBK_RANGE(dma_map, DMA_MAP, FBK_ON_CPU, 0, 0),
	FBK_RANGE(dma_request, DMA_REQUEST, FBK_ON_CPU, 0, 0),
	FBK_RANGE(dma_near, DMA_NEAR, FBK_ON_CPU, 0, 0),
	FBK_RANGE(dma_irq, DMA_IRQ, FBK_ON_CPU, 0, 0),
	/* DMA engine */
	FBK_RANGE(nr_threads, NR_THREADS, FBK_ON_DMA, 0, 0),
	FBK_RANGE(placement, PLACEMENT, FBK_ON_DMA, 0, 0),
	FBK_RANGE(split, SPLIT, FBK_ON_DMA, 0, 0),
	FBK_RANGE(nr_dma_chans, NR_DMA_CHANS, FBK_ON_DMA, 1,
		 FOLIOBENCH_MAX_DMA_CHANS),
	FBK_RANGE(dma_timeout_ms, DMA_TIMEOUT_MS, FBK_ON_DMA, 0,
		 FOLIOBENCH_MAX_DMA_TIMEOUT_MS),
	FBK_RANGE(inline_copy, INLINE_COPY, FBK_ON_DMA, 0, 0),
	FBK_RANGE(dma_map, DMA_MAP, FBK_ON_DMA, 0, FOLIOBENCH_DMA_MAP_PAGE),
	FBK_RANGE(dma_request, DMA_REQUEST, FBK_ON_DMA, 0,
		 FOLIOBENCH_DMA_REQUEST_BATCH),
	FBK_RANGE(dma_near, DMA_NEAR, FBK_ON_DMA, 0, FOLIOBENCH_DMA_NEAR_DST),
	FBK_RANGE(dma_irq, DMA_IRQ, FBK_ON_DMA, 0, FOLIOBENCH_DMA_IRQ_LAST),
	/* both */
	FBK_RANGE(evict, EVICT, FBK_ON_ANY, 0, FOLIOBENCH_EVICT_BOTH),
	FBK_RANGE(verify, VERIFY, FBK_ON_ANY, 0, 1),
	FBK_RANGE(warmup, WARMUP, FBK_ON_ANY, 0, FOLIOBENCH_MAX_WARMUP),
	FBK_RANGE(iterations, ITERATIONS, FBK_ON_ANY, 1,
		 FOLIOBENCH_MAX_ITERATIONS),
};

/* -EINVAL with bad_field and a log line naming the field, value and range. */
static int fbk_check_ranges(struct foliobench_run *r)
{
	enum fbk_range_on engine = FBK_ON_ANY;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fbk_ranges); i++) {
		const struct fbk_range *c = &fbk_ranges[i];
		u32 v = *(const u32 *)((const u8 *)r + c->off);

		if (c->on != FBK_ON_ANY && c->on != engine)
			continue;
		if (v < c->min || v > c->max) {
			r->bad_field = c->field;
			pr_warn_ratelimited("RUN: invalid %s=%u (allowed %u..%u%s)\n",
					    c->name, v, c->min, c->max,
					    c->on == FBK_ON_CPU ? " on the CPU engine" :
					    c->on == FBK_ON_DMA ? " on the DMA engine" : "");
			return -EINVAL;
		}
		if (c->field == FOLIOBENCH_FIELD_ENGINE)
			engine = v == FOLIOBENCH_ENGINE_DMA ? FBK_ON_DMA : FBK_ON_CPU;
	}
	return 0;
}

static bool fbk_node_ok(u32 nid)
{
	return nid < MAX_NUMNODES && node_state(nid, N_MEMORY);
}

/* The output arrays the run writes must be user memory of their size. */
static int fbk_check_user_arrays(struct foliobench_run *r)
{
	if (!r->samples)
		return fbk_bad(r, FOLIOBENCH_FIELD_SAMPLES, "samples", 0);
	if (!access_ok(u64_to_user_ptr(r->samples),
		       (size_t)r->iterations * sizeof(u64))) {
		r->bad_field = FOLIOBENCH_FIELD_SAMPLES;
		return -EFAULT;
	}
	if (r->cpus_used &&
	    !access_ok(u64_to_user_ptr(r->cpus_used),
		       (size_t)r->nr_threads * sizeof(u32))) {
		r->bad_field = FOLIOBENCH_FIELD_CPUS_USED;
		return -EFAULT;
	}
	if (r->worker_times &&
	    !access_ok(u64_to_user_ptr(r->worker_times),
		       (u64)r->iterations * r->nr_threads *
		       sizeof(struct foliobench_worker_time))) {
		r->bad_field = FOLIOBENCH_FIELD_WORKER_TIMES;
		return -EFAULT;
	}
	return 0;
}

/* PLACE_LIST: distinct online CPUs, copied in for the engine. */
static int fbk_copy_cpu_list(struct foliobench_run *r, u32 **cpu_list)
{
	u32 *list, i, j;

	list = memdup_user(u64_to_user_ptr(r->cpu_list),
			   (size_t)r->nr_threads * sizeof(u32));
	if (IS_ERR(list)) {
		r->bad_field = FOLIOBENCH_FIELD_CPU_LIST;
		return PTR_ERR(list);
	}
	for (i = 0; i < r->nr_threads; i++) {
		u32 cpu = list[i];
		bool dup = false;

		for (j = 0; j < i; j++)
			dup |= list[j] == cpu;
		if (cpu >= nr_cpu_ids || !cpu_online(cpu) || dup) {
			kfree(list);
			return fbk_bad(r, FOLIOBENCH_FIELD_CPU_LIST,
				      "cpu_list[]", cpu);
		}
	}
	*cpu_list = list;
	return 0;
}

/*
 * Checks every input: the ranges of fbk_ranges[], then the rules between
 * fields and against this machine; -EINVAL with bad_field and a log line
 * naming it (other errors as the uapi header says).
 */
int fbk_validate(struct foliobench_run *r, u32 **cpu_list)
{
	bool on_cpu = r->engine == FOLIOBENCH_ENGINE_CPU;
	const struct fbk_func *fn;
	int ret;

	ret = fbk_check_ranges(r);
	if (ret)
		return ret;
	if (!fbk_node_ok(r->src_node))
		return fbk_bad(r, FOLIOBENCH_FIELD_SRC_NODE, "src_node",
			      r->src_node);
	if (!fbk_node_ok(r->dst_node))
		return fbk_bad(r, FOLIOBENCH_FIELD_DST_NODE, "dst_node",
			      r->dst_node);

	fn = fbk_func_find(r->func, r->batched, FOLIOBENCH_BATCH_MEMCPY);
	if (!fn)	/* the list copy has no kernel mode */
		return fbk_bad(r, FOLIOBENCH_FIELD_BATCHED, "batched", r->batched);
	/* the variants are of folio_copy batched, copied by CPUs */
	if (r->batch_impl) {
		fn = fbk_func_find(r->func, r->batched, r->batch_impl);
		if (!fn || !on_cpu)
			return fbk_bad(r, FOLIOBENCH_FIELD_BATCH_IMPL,
				      "batch_impl", r->batch_impl);
	}
	if (on_cpu) {
		if (r->nr_threads > num_online_cpus())
			return fbk_bad(r, FOLIOBENCH_FIELD_NR_THREADS,
				      "nr_threads", r->nr_threads);
		if (r->split == FOLIOBENCH_SPLIT_CHUNK && fn->whole_folios)
			return fbk_bad(r, FOLIOBENCH_FIELD_SPLIT, "split",
				      r->split);
		if (r->placement == FOLIOBENCH_PLACE_LIST ? !r->cpu_list :
		    !!r->cpu_list)
			return fbk_bad(r, FOLIOBENCH_FIELD_CPU_LIST, "cpu_list",
				      !!r->cpu_list);
		/* inline: one copy on the caller, wherever it is pinned */
		if (r->inline_copy && (r->nr_threads != 1 ||
				       r->placement == FOLIOBENCH_PLACE_LIST))
			return fbk_bad(r, FOLIOBENCH_FIELD_INLINE_COPY,
				      "inline_copy", r->inline_copy);
	} else {
		if (r->cpu_list)
			return fbk_bad(r, FOLIOBENCH_FIELD_CPU_LIST, "cpu_list",
				      1);
		if (r->cpus_used)
			return fbk_bad(r, FOLIOBENCH_FIELD_CPUS_USED,
				      "cpus_used", 1);
		if (r->worker_times)
			return fbk_bad(r, FOLIOBENCH_FIELD_WORKER_TIMES,
				      "worker_times", 1);
	}
	ret = fbk_dma_validate(r);
	if (ret)
		return ret;
	ret = fbk_check_user_arrays(r);
	if (ret)
		return ret;

	if (fn->impl == FOLIOBENCH_IMPL_UNAVAILABLE) {
		pr_warn_ratelimited("RUN: %s is not available on this kernel: %s\n",
				    fn->name, fn->desc);
		r->bad_field = fn->batch_impl ? FOLIOBENCH_FIELD_BATCH_IMPL :
			       FOLIOBENCH_FIELD_BATCHED;
		return -EOPNOTSUPP;
	}
	if (r->evict && !fbk_can_evict()) {
		pr_warn_ratelimited("RUN: evict needs clflush_cache_range()\n");
		r->bad_field = FOLIOBENCH_FIELD_EVICT;
		return -EOPNOTSUPP;
	}

	if (r->placement != FOLIOBENCH_PLACE_LIST)
		return 0;
	return fbk_copy_cpu_list(r, cpu_list);
}

/* ---- RUN ---- */

/* ---- RUN ---- */

static void fbk_run_name(struct foliobench_run *r, const struct fbk_func *fn,
			bool chunk)
{
	strscpy(r->func_name, fn->name, sizeof(r->func_name));
	r->impl = fn->impl;
	r->inner_impl = fn->inner_impl;
	if (chunk && !fn->batched) {
		/* the kernel's functions copy whole folios only */
		strscpy(r->func_desc, fbk_chunk_pp_desc, sizeof(r->func_desc));
		r->impl = FOLIOBENCH_IMPL_REIMPL;
		r->inner_impl = FOLIOBENCH_IMPL_REIMPL;
	} else {
		strscpy(r->func_desc, fn->desc, sizeof(r->func_desc));
	}
}

static int fbk_engine_setup(struct fbk_run_ctx *ctx, struct foliobench_run *r,
			   const u32 *cpu_list, struct fbk_cpu_engine **cpu,
			   struct fbk_dma_engine **dma)
{
	u32 *cpus;
	int ret;

	if (r->engine == FOLIOBENCH_ENGINE_DMA)
		return fbk_dma_setup(ctx, r, dma, r);

	ret = fbk_cpu_setup(ctx, r, cpu_list, cpu);
	if (ret)
		return ret;
	cpus = kvmalloc_array(r->nr_threads, sizeof(*cpus), GFP_KERNEL);
	if (!cpus)
		return -ENOMEM;
	fbk_cpu_report(*cpu, r, cpus);
	if (r->cpus_used &&
	    copy_to_user(u64_to_user_ptr(r->cpus_used), cpus,
			 (size_t)r->nr_threads * sizeof(u32)))
		ret = -EFAULT;
	kvfree(cpus);
	return ret;
}

int fbk_run(struct foliobench_run *r, const u32 *cpu_list)
{
	u64 __user *samples = u64_to_user_ptr(r->samples);
	struct foliobench_worker_time __user *utimes =
		u64_to_user_ptr(r->worker_times);
	struct foliobench_worker_time *times = NULL;
	size_t times_size = 0;
	u32 it, total = r->warmup + r->iterations;
	struct fbk_cpu_engine *cpu = NULL;
	struct fbk_dma_engine *dma = NULL;
	struct fbk_run_ctx *ctx;
	int ret;

	r->mismatch_folio = FOLIOBENCH_NO_FOLIO;
	r->bytes_per_iteration = (u64)r->nr_folios << (r->order + PAGE_SHIFT);
	fbk_run_name(r, fbk_func_find(r->func, r->batched, r->batch_impl), false);

	ret = fbk_node_check_cap(r->src_node, r->dst_node, r->nr_folios,
				r->order, r->gfp_movable);
	if (ret) {
		r->flags |= FOLIOBENCH_RUN_F_OVER_CAP;
		return ret;
	}

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->fn = fbk_func_find(r->func, r->batched, r->batch_impl);
	ctx->fail_index = READ_ONCE(fbk_fail_folio_index);
	atomic64_set(&ctx->list_fallbacks, 0);
	if (ctx->fn->list && ctx->fail_index < r->nr_folios)
		r->flags |= FOLIOBENCH_RUN_F_FAULT_INJECTED;

	ret = fbk_folios_alloc(&ctx->fs, r->nr_folios, r->order, r->src_node,
			      r->dst_node, r->gfp_movable, &r->folios_obtained);
	r->src_zones = ctx->fs.src_zones;
	r->dst_zones = ctx->fs.dst_zones;
	if (ret == -EINTR)
		r->flags |= FOLIOBENCH_RUN_F_INTERRUPTED;
	if (ret == -ENOSPC) {
		r->flags |= FOLIOBENCH_RUN_F_PARTIAL_ALLOC;
		pr_info_ratelimited("nodes %u/%u gave %u of %u order-%u folio pairs\n",
				    r->src_node, r->dst_node,
				    r->folios_obtained, r->nr_folios, r->order);
	}
	if (ret)
		goto out_ctx;
	if (ctx->fn->list) {
		ctx->copied = bitmap_zalloc(ctx->fs.nr, GFP_KERNEL);
		if (!ctx->copied) {
			ret = -ENOMEM;
			goto out_folios;
		}
	}
	fbk_folios_fill(&ctx->fs);

	ret = fbk_engine_setup(ctx, r, cpu_list, &cpu, &dma);
	if (r->split_used == FOLIOBENCH_SPLIT_CHUNK)
		fbk_run_name(r, ctx->fn, true);
	if (ret)
		goto out_engine;
	if (utimes) {
		times_size = (size_t)r->nr_threads * sizeof(*times);
		times = kvzalloc(times_size, GFP_KERNEL);
		if (!times) {
			ret = -ENOMEM;
			goto out_engine;
		}
	}

	for (it = 0; it < total; it++) {
		u64 ns;

		if (signal_pending(current)) {
			r->flags |= FOLIOBENCH_RUN_F_INTERRUPTED;
			ret = -EINTR;
			break;
		}
		if (r->verify)
			fbk_folios_poison_dst(&ctx->fs);
		if (r->evict)
			fbk_folios_evict(&ctx->fs,
					r->evict == FOLIOBENCH_EVICT_BOTH);
		if (cpu)
			ret = fbk_cpu_iteration(cpu, &ns, times);
		else
			ret = fbk_dma_iteration(dma, &ns);
		if (ret)
			break;
		if (r->verify) {
			ret = fbk_folios_verify(&ctx->fs, &r->mismatch_folio);
			if (ret) {
				r->flags |= FOLIOBENCH_RUN_F_VERIFY_FAILED;
				pr_err_ratelimited("%s: folio %u differs from its source after iteration %u\n",
						   ctx->fn->name,
						   r->mismatch_folio, it);
				break;
			}
		}
		if (it >= r->warmup) {
			if (put_user(ns, samples + (it - r->warmup)) ||
			    (times &&
			     copy_to_user(utimes + (size_t)(it - r->warmup) *
					  r->nr_threads, times, times_size))) {
				ret = -EFAULT;
				break;
			}
			r->iterations_done++;
		}
		cond_resched();
	}
	if (!ret && r->verify)
		r->flags |= FOLIOBENCH_RUN_F_VERIFIED;

out_engine:
	r->dma_fallbacks = ctx->dma_fallbacks;
	r->list_fallbacks = atomic64_read(&ctx->list_fallbacks);
	if (r->dma_fallbacks)
		r->flags |= FOLIOBENCH_RUN_F_DMA_FALLBACK;
	if (ctx->dma_timeout)
		r->flags |= FOLIOBENCH_RUN_F_DMA_TIMEOUT;
	if (r->list_fallbacks)
		r->flags |= FOLIOBENCH_RUN_F_LIST_FALLBACK;
	if (ctx->cpu_moved)
		r->flags |= FOLIOBENCH_RUN_F_CPU_MOVED;
	kvfree(times);
	fbk_cpu_teardown(cpu);
	fbk_dma_teardown(dma);
	bitmap_free(ctx->copied);
out_folios:
	fbk_folios_free(&ctx->fs);
out_ctx:
	kfree(ctx);
	return ret;
}
