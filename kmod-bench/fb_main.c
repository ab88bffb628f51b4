// SPDX-License-Identifier: GPL-2.0
/*
 * foliobench: measures the kernel's folio_copy()/folio_mc_copy() per page
 * against the batched copies the RFC proposes, on kernel workers or
 * dmaengine channels. /dev/foliobench takes two ioctls (INFO, RUN) on the
 * structs of uapi/foliobench_uapi.h; a RUN returns raw nanoseconds per
 * iteration and computes no statistics.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/workqueue.h>
#include "foliobench.h"

#ifdef CONFIG_X86
#include <asm/cpufeature.h>
#endif

/* one RUN or INFO at a time */
static DEFINE_MUTEX(fb_lock);
struct workqueue_struct *fb_wq;

unsigned int fb_cap_pct = 50;

static int fb_cap_pct_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int ret = kstrtouint(val, 0, &v);

	if (ret)
		return ret;
	if (v < 1 || v > 100)
		return -EINVAL;
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops fb_cap_pct_ops = {
	.set = fb_cap_pct_set,
	.get = param_get_uint,
};

module_param_cb(cap_pct, &fb_cap_pct_ops, &fb_cap_pct, 0644);
MODULE_PARM_DESC(cap_pct,
		 "a run may take at most this percentage of a node's free memory (1..100, default 50)");

#ifdef FB_FAULT_INJECT
/* the test build only (fb_test_foliobench.ko, kmod-bench/tests/Kbuild) */
int fb_fail_folio_index = -1;
module_param_named(fail_folio_index, fb_fail_folio_index, int, 0644);
MODULE_PARM_DESC(fail_folio_index,
		 "TEST ONLY: the list copy (folios_mc_copy) treats its batch copy of this folio index as failed, to exercise the per-folio fallback; -1 (default) off");
#else
const int fb_fail_folio_index = -1;	/* no fault injection in a release */
#endif

static int fb_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return nonseekable_open(inode, file);
}

/*
 * The first 8 bytes of every struct: on a mismatch they are overwritten
 * with the module's abi_version and struct_size.
 */
struct fb_header {
	u32 abi_version;
	u32 struct_size;
};

static int fb_get_args(void __user *uarg, void *karg, u32 size,
		       const char *what)
{
	struct fb_header h;
	int ret;

	if (copy_from_user(&h, uarg, sizeof(h)))
		return -EFAULT;
	if (h.abi_version == FOLIOBENCH_ABI_VERSION && h.struct_size == size)
		return copy_from_user(karg, uarg, size) ? -EFAULT : 0;

	if (h.abi_version != FOLIOBENCH_ABI_VERSION) {
		pr_warn_ratelimited("%s: invalid abi_version=%u (module has %u)\n",
				    what, h.abi_version, FOLIOBENCH_ABI_VERSION);
		ret = -EPROTO;
	} else {
		pr_warn_ratelimited("%s: invalid struct_size=%u (module has %u)\n",
				    what, h.struct_size, size);
		ret = -EINVAL;
	}
	h.abi_version = FOLIOBENCH_ABI_VERSION;
	h.struct_size = size;
	if (copy_to_user(uarg, &h, sizeof(h)))
		return -EFAULT;
	return ret;
}

/* ---- INFO ---- */

static void fb_func_info(struct foliobench_func_info *fi,
			 const struct fb_func *fn)
{
	strscpy(fi->name, fn->name, sizeof(fi->name));
	strscpy(fi->desc, fn->desc, sizeof(fi->desc));
	fi->func = fn->func;
	fi->batched = fn->batched;
	fi->batch_impl = fn->batch_impl;
	fi->impl = fn->impl;
	fi->inner_impl = fn->inner_impl;
}

static int fb_info(struct foliobench_info *in)
{
	u32 __user *llc = u64_to_user_ptr(in->llc_ids);
	unsigned int i, cpu;
	bool more;

	if (in->reserved_in) {
		pr_warn_ratelimited("INFO: invalid reserved_in=%u\n",
				    in->reserved_in);
		return -EINVAL;
	}
	if (!in->llc_ids && in->llc_ids_len) {
		pr_warn_ratelimited("INFO: invalid llc_ids_len=%u without llc_ids\n",
				    in->llc_ids_len);
		return -EINVAL;
	}

	strscpy(in->release, utsname()->release, sizeof(in->release));
	BUILD_BUG_ON(ARRAY_SIZE(in->funcs) < 6);
	in->nr_funcs = min_t(u32, fb_nr_funcs, ARRAY_SIZE(in->funcs));
	for (i = 0; i < in->nr_funcs; i++)
		fb_func_info(&in->funcs[i], &fb_funcs[i]);

	in->nr_online_cpus = num_online_cpus();
	in->nr_cpu_ids = nr_cpu_ids;
	in->nr_online_nodes = num_online_nodes();
	in->max_order = FB_MAX_ORDER;
	in->page_size = PAGE_SIZE;
	in->cap_pct = fb_cap_pct;
	in->fail_folio_index = READ_ONCE(fb_fail_folio_index);
	in->kernel_patches = fb_kernel_patches();
	if (fb_can_evict())
		in->flags |= FOLIOBENCH_INFO_F_EVICT;
#ifdef CONFIG_X86
	if (boot_cpu_has(X86_FEATURE_HYPERVISOR))
		in->flags |= FOLIOBENCH_INFO_F_HYPERVISOR;
#endif
	if (in->fail_folio_index >= 0)
		in->flags |= FOLIOBENCH_INFO_F_FAULT_INJECT;

	for (cpu = 0; cpu < nr_cpu_ids && cpu < in->llc_ids_len; cpu++) {
		u32 id = cpu_online(cpu) ? fb_llc_id(cpu) : FOLIOBENCH_LLC_NONE;

		if (put_user(id, llc + cpu))
			return -EFAULT;
	}

	in->nr_dma_chans = fb_dma_list(in->dma, ARRAY_SIZE(in->dma), &more);
	if (more)
		in->flags |= FOLIOBENCH_INFO_F_DMA_MORE;
	fb_kinfo_fill(in);
	return 0;
}

static long fb_ioctl_info(void __user *uarg)
{
	struct foliobench_info *in;
	int ret;

	in = kzalloc(sizeof(*in), GFP_KERNEL);
	if (!in)
		return -ENOMEM;
	ret = fb_get_args(uarg, in, sizeof(*in), "INFO");
	if (!ret)
		ret = fb_info(in);
	if (!ret && copy_to_user(uarg, in, sizeof(*in)))
		ret = -EFAULT;
	kfree(in);
	return ret;
}

/* ---- RUN: validation ---- */

static int fb_bad(struct foliobench_run *r, u32 field, const char *name,
		  u64 val)
{
	r->bad_field = field;
	pr_warn_ratelimited("RUN: invalid %s=%llu\n", name, val);
	return -EINVAL;
}

static bool fb_node_ok(u32 nid)
{
	return nid < MAX_NUMNODES && node_state(nid, N_MEMORY);
}

/* Checks every input; -EINVAL with bad_field and a log line naming it. */
static int fb_validate(struct foliobench_run *r, u32 **cpu_list)
{
	u32 max_threads = min_t(u32, num_online_cpus(), FOLIOBENCH_MAX_THREADS);
	bool on_cpu = r->engine == FOLIOBENCH_ENGINE_CPU;
	const struct fb_func *fn;
	u32 *list, i, j;
	int ret;

	if (r->reserved_in)
		return fb_bad(r, FOLIOBENCH_FIELD_RESERVED, "reserved_in",
			      r->reserved_in);
	if (r->func >= FOLIOBENCH_NR_FUNCS)
		return fb_bad(r, FOLIOBENCH_FIELD_FUNC, "func", r->func);
	if (r->batched > FOLIOBENCH_KERNEL_MODE)
		return fb_bad(r, FOLIOBENCH_FIELD_BATCHED, "batched", r->batched);
	if (r->engine > FOLIOBENCH_ENGINE_DMA)
		return fb_bad(r, FOLIOBENCH_FIELD_ENGINE, "engine", r->engine);
	if (r->order > FB_MAX_ORDER)
		return fb_bad(r, FOLIOBENCH_FIELD_ORDER, "order", r->order);
	if (!r->nr_folios || r->nr_folios > FOLIOBENCH_MAX_FOLIOS)
		return fb_bad(r, FOLIOBENCH_FIELD_NR_FOLIOS, "nr_folios",
			      r->nr_folios);
	if (!fb_node_ok(r->src_node))
		return fb_bad(r, FOLIOBENCH_FIELD_SRC_NODE, "src_node",
			      r->src_node);
	if (!fb_node_ok(r->dst_node))
		return fb_bad(r, FOLIOBENCH_FIELD_DST_NODE, "dst_node",
			      r->dst_node);
	if (r->gfp_movable > FOLIOBENCH_MOVABLE_OFF)
		return fb_bad(r, FOLIOBENCH_FIELD_GFP_MOVABLE, "gfp_movable",
			      r->gfp_movable);
	if (r->reserved_cpu)
		return fb_bad(r, FOLIOBENCH_FIELD_RESERVED, "reserved_cpu",
			      r->reserved_cpu);

	if (r->batch_impl >= FOLIOBENCH_NR_BATCH_IMPLS)
		return fb_bad(r, FOLIOBENCH_FIELD_BATCH_IMPL, "batch_impl",
			      r->batch_impl);
	if (r->reserved_batch)
		return fb_bad(r, FOLIOBENCH_FIELD_RESERVED, "reserved_batch",
			      r->reserved_batch);

	fn = fb_func_find(r->func, r->batched, FOLIOBENCH_BATCH_MEMCPY);
	if (!fn)	/* the list copy has no kernel mode */
		return fb_bad(r, FOLIOBENCH_FIELD_BATCHED, "batched", r->batched);
	/* the variants are of folio_copy batched, copied by CPUs */
	if (r->batch_impl) {
		fn = fb_func_find(r->func, r->batched, r->batch_impl);
		if (!fn || !on_cpu)
			return fb_bad(r, FOLIOBENCH_FIELD_BATCH_IMPL,
				      "batch_impl", r->batch_impl);
	}
	if (on_cpu) {
		if (!r->nr_threads || r->nr_threads > max_threads)
			return fb_bad(r, FOLIOBENCH_FIELD_NR_THREADS,
				      "nr_threads", r->nr_threads);
		if (r->placement > FOLIOBENCH_PLACE_LIST)
			return fb_bad(r, FOLIOBENCH_FIELD_PLACEMENT,
				      "placement", r->placement);
		if (r->split > FOLIOBENCH_SPLIT_FOLIO ||
		    (r->split == FOLIOBENCH_SPLIT_CHUNK && fn->whole_folios))
			return fb_bad(r, FOLIOBENCH_FIELD_SPLIT, "split",
				      r->split);
		if (r->nr_dma_chans)
			return fb_bad(r, FOLIOBENCH_FIELD_NR_DMA_CHANS,
				      "nr_dma_chans", r->nr_dma_chans);
		if (r->dma_timeout_ms)
			return fb_bad(r, FOLIOBENCH_FIELD_DMA_TIMEOUT_MS,
				      "dma_timeout_ms", r->dma_timeout_ms);
		if (r->placement == FOLIOBENCH_PLACE_LIST ? !r->cpu_list :
		    !!r->cpu_list)
			return fb_bad(r, FOLIOBENCH_FIELD_CPU_LIST, "cpu_list",
				      !!r->cpu_list);
		/* inline: one copy on the caller, wherever it is pinned */
		if (r->inline_copy > 1 ||
		    (r->inline_copy && (r->nr_threads != 1 ||
					r->placement == FOLIOBENCH_PLACE_LIST)))
			return fb_bad(r, FOLIOBENCH_FIELD_INLINE_COPY,
				      "inline_copy", r->inline_copy);
	} else {
		if (r->nr_threads)
			return fb_bad(r, FOLIOBENCH_FIELD_NR_THREADS,
				      "nr_threads", r->nr_threads);
		if (r->placement)
			return fb_bad(r, FOLIOBENCH_FIELD_PLACEMENT,
				      "placement", r->placement);
		if (r->split)
			return fb_bad(r, FOLIOBENCH_FIELD_SPLIT, "split",
				      r->split);
		if (!r->nr_dma_chans ||
		    r->nr_dma_chans > FOLIOBENCH_MAX_DMA_CHANS)
			return fb_bad(r, FOLIOBENCH_FIELD_NR_DMA_CHANS,
				      "nr_dma_chans", r->nr_dma_chans);
		if (r->dma_timeout_ms > FOLIOBENCH_MAX_DMA_TIMEOUT_MS)
			return fb_bad(r, FOLIOBENCH_FIELD_DMA_TIMEOUT_MS,
				      "dma_timeout_ms", r->dma_timeout_ms);
		if (r->cpu_list)
			return fb_bad(r, FOLIOBENCH_FIELD_CPU_LIST, "cpu_list",
				      1);
		if (r->cpus_used)
			return fb_bad(r, FOLIOBENCH_FIELD_CPUS_USED,
				      "cpus_used", 1);
		if (r->worker_times)
			return fb_bad(r, FOLIOBENCH_FIELD_WORKER_TIMES,
				      "worker_times", 1);
		if (r->inline_copy)
			return fb_bad(r, FOLIOBENCH_FIELD_INLINE_COPY,
				      "inline_copy", r->inline_copy);
	}
	ret = fb_dma_validate(r);
	if (ret)
		return ret;
	if (r->evict > FOLIOBENCH_EVICT_BOTH)
		return fb_bad(r, FOLIOBENCH_FIELD_EVICT, "evict", r->evict);
	if (r->verify > 1)
		return fb_bad(r, FOLIOBENCH_FIELD_VERIFY, "verify", r->verify);
	if (r->warmup > FOLIOBENCH_MAX_WARMUP)
		return fb_bad(r, FOLIOBENCH_FIELD_WARMUP, "warmup", r->warmup);
	if (!r->iterations || r->iterations > FOLIOBENCH_MAX_ITERATIONS)
		return fb_bad(r, FOLIOBENCH_FIELD_ITERATIONS, "iterations",
			      r->iterations);
	if (!r->samples)
		return fb_bad(r, FOLIOBENCH_FIELD_SAMPLES, "samples", 0);
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

	if (fn->impl == FOLIOBENCH_IMPL_UNAVAILABLE) {
		pr_warn_ratelimited("RUN: %s is not available on this kernel: %s\n",
				    fn->name, fn->desc);
		r->bad_field = fn->batch_impl ? FOLIOBENCH_FIELD_BATCH_IMPL :
			       FOLIOBENCH_FIELD_BATCHED;
		return -EOPNOTSUPP;
	}
	if (r->evict && !fb_can_evict()) {
		pr_warn_ratelimited("RUN: evict needs clflush_cache_range()\n");
		r->bad_field = FOLIOBENCH_FIELD_EVICT;
		return -EOPNOTSUPP;
	}

	if (r->placement != FOLIOBENCH_PLACE_LIST)
		return 0;
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
			return fb_bad(r, FOLIOBENCH_FIELD_CPU_LIST,
				      "cpu_list[]", cpu);
		}
	}
	*cpu_list = list;
	return 0;
}

/* ---- RUN ---- */

static void fb_run_name(struct foliobench_run *r, const struct fb_func *fn,
			bool chunk)
{
	strscpy(r->func_name, fn->name, sizeof(r->func_name));
	r->impl = fn->impl;
	r->inner_impl = fn->inner_impl;
	if (chunk && !fn->batched) {
		/* the kernel's functions copy whole folios only */
		strscpy(r->func_desc, fb_chunk_pp_desc, sizeof(r->func_desc));
		r->impl = FOLIOBENCH_IMPL_REIMPL;
		r->inner_impl = FOLIOBENCH_IMPL_REIMPL;
	} else {
		strscpy(r->func_desc, fn->desc, sizeof(r->func_desc));
	}
}

static int fb_engine_setup(struct fb_run_ctx *ctx, struct foliobench_run *r,
			   const u32 *cpu_list, struct fb_cpu_engine **cpu,
			   struct fb_dma_engine **dma)
{
	u32 *cpus;
	int ret;

	if (r->engine == FOLIOBENCH_ENGINE_DMA)
		return fb_dma_setup(ctx, r, dma, r);

	ret = fb_cpu_setup(ctx, r, cpu_list, cpu);
	if (ret)
		return ret;
	cpus = kvmalloc_array(r->nr_threads, sizeof(*cpus), GFP_KERNEL);
	if (!cpus)
		return -ENOMEM;
	fb_cpu_report(*cpu, r, cpus);
	if (r->cpus_used &&
	    copy_to_user(u64_to_user_ptr(r->cpus_used), cpus,
			 (size_t)r->nr_threads * sizeof(u32)))
		ret = -EFAULT;
	kvfree(cpus);
	return ret;
}

static int fb_run(struct foliobench_run *r, const u32 *cpu_list)
{
	u64 __user *samples = u64_to_user_ptr(r->samples);
	struct foliobench_worker_time __user *utimes =
		u64_to_user_ptr(r->worker_times);
	struct foliobench_worker_time *times = NULL;
	size_t times_size = 0;
	u32 it, total = r->warmup + r->iterations;
	struct fb_cpu_engine *cpu = NULL;
	struct fb_dma_engine *dma = NULL;
	struct fb_run_ctx *ctx;
	int ret;

	r->mismatch_folio = FOLIOBENCH_NO_FOLIO;
	r->bytes_per_iteration = (u64)r->nr_folios << (r->order + PAGE_SHIFT);
	fb_run_name(r, fb_func_find(r->func, r->batched, r->batch_impl), false);

	ret = fb_node_check_cap(r->src_node, r->dst_node, r->nr_folios,
				r->order, r->gfp_movable);
	if (ret) {
		r->flags |= FOLIOBENCH_RUN_F_OVER_CAP;
		return ret;
	}

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->fn = fb_func_find(r->func, r->batched, r->batch_impl);
	ctx->fail_index = READ_ONCE(fb_fail_folio_index);
	atomic64_set(&ctx->list_fallbacks, 0);
	if (ctx->fn->list && ctx->fail_index < r->nr_folios)
		r->flags |= FOLIOBENCH_RUN_F_FAULT_INJECTED;

	ret = fb_folios_alloc(&ctx->fs, r->nr_folios, r->order, r->src_node,
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
	fb_folios_fill(&ctx->fs);

	ret = fb_engine_setup(ctx, r, cpu_list, &cpu, &dma);
	if (r->split_used == FOLIOBENCH_SPLIT_CHUNK)
		fb_run_name(r, ctx->fn, true);
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
			fb_folios_poison_dst(&ctx->fs);
		if (r->evict)
			fb_folios_evict(&ctx->fs,
					r->evict == FOLIOBENCH_EVICT_BOTH);
		if (cpu)
			ret = fb_cpu_iteration(cpu, &ns, times);
		else
			ret = fb_dma_iteration(dma, &ns);
		if (ret)
			break;
		if (r->verify) {
			ret = fb_folios_verify(&ctx->fs, &r->mismatch_folio);
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
	fb_cpu_teardown(cpu);
	fb_dma_teardown(dma);
	bitmap_free(ctx->copied);
out_folios:
	fb_folios_free(&ctx->fs);
out_ctx:
	kfree(ctx);
	return ret;
}

static long fb_ioctl_run(void __user *uarg)
{
	struct foliobench_run *r;
	u32 *cpu_list = NULL;
	size_t out;
	int ret;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	ret = fb_get_args(uarg, r, sizeof(*r), "RUN");
	if (ret)
		goto out;

	/* outputs start clean whatever userspace left in them */
	out = offsetof(struct foliobench_run, iterations_done);
	memset((u8 *)r + out, 0, sizeof(*r) - out);
	ret = fb_validate(r, &cpu_list);
	if (!ret)
		ret = fb_run(r, cpu_list);
	if (copy_to_user(uarg, r, sizeof(*r)))
		ret = -EFAULT;
	kfree(cpu_list);
out:
	kfree(r);
	return ret;
}

static long fb_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	long ret;

	/* the size bits of cmd are ignored: struct_size is checked instead */
	if (_IOC_TYPE(cmd) != FOLIOBENCH_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;
	if (_IOC_NR(cmd) != _IOC_NR(FOLIOBENCH_IOC_INFO) &&
	    _IOC_NR(cmd) != _IOC_NR(FOLIOBENCH_IOC_RUN))
		return -ENOTTY;

	if (!mutex_trylock(&fb_lock))
		return -EBUSY;
	if (_IOC_NR(cmd) == _IOC_NR(FOLIOBENCH_IOC_INFO))
		ret = fb_ioctl_info(uarg);
	else
		ret = fb_ioctl_run(uarg);
	mutex_unlock(&fb_lock);
	return ret;
}

static const struct file_operations fb_fops = {
	.owner = THIS_MODULE,
	.open = fb_open,
	.unlocked_ioctl = fb_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice fb_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "foliobench",
	.fops = &fb_fops,
	.mode = 0600,
};

/*
 * 6.17+ WARNs at alloc_workqueue() unless WQ_PERCPU or WQ_UNBOUND is given;
 * before the flag existed per-CPU was the default.
 */
#ifdef FB_HAVE_WQ_PERCPU
#define FB_WQ_PERCPU WQ_PERCPU
#else
#define FB_WQ_PERCPU 0
#endif

static int __init fb_init(void)
{
	int ret;

	BUILD_BUG_ON(sizeof(struct foliobench_run) % 8);
	BUILD_BUG_ON(sizeof(struct foliobench_info) % 8);
	BUILD_BUG_ON(sizeof(struct foliobench_run) > _IOC_SIZEMASK);
	BUILD_BUG_ON(sizeof(struct foliobench_info) > _IOC_SIZEMASK);

	fb_wq = alloc_workqueue("foliobench",
				FB_WQ_PERCPU | WQ_HIGHPRI | WQ_CPU_INTENSIVE, 0);
	if (!fb_wq)
		return -ENOMEM;
	ret = misc_register(&fb_misc);
	if (ret) {
		destroy_workqueue(fb_wq);
		return ret;
	}
	return 0;
}

static void __exit fb_exit(void)
{
	misc_deregister(&fb_misc);
	fb_dma_exit();
	destroy_workqueue(fb_wq);
}

module_init(fb_init);
module_exit(fb_exit);

MODULE_DESCRIPTION("foliobench: folio_copy()/folio_mc_copy() per page vs batched, on CPUs or DMA");
MODULE_LICENSE("GPL");
