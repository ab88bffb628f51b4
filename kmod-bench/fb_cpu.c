// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU engine: N workers bound to CPUs (queue_work_on() + flush_work(),
 * as the mtcopy series does), placed by spreading over or filling LLC
 * domains, or on an explicit CPU list, with mtcopy's two work splits; or
 * inline, one copy on the calling thread.
 *
 * Timing: the workers wait at a start barrier, then each takes its own
 * start and end timestamp; a sample is max(end) - min(start), so the
 * kworker wake-ups before the barrier are not in it, and the raw per-worker
 * times show each worker's rate and the skew between them.  CPU hotplug is
 * held off during an iteration (cpus_read_lock(), as schedule_on_each_cpu()
 * does); a CPU gone between iterations, or a copy that ran elsewhere, fails
 * the run with -EAGAIN instead of timing a worker the kernel moved.
 */
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>
#include <linux/topology.h>
#include <linux/workqueue.h>
#include "foliobench.h"

struct fbk_worker {
	struct work_struct work;
	struct fbk_cpu_engine *e;
	unsigned int cpu;
	u32 first, count;		/* SPLIT_FOLIO: folios [first, +count) */
	size_t off, len;		/* SPLIT_CHUNK: bytes [off, +len) of each */
	struct list_head src_list;	/* list copy: the block as lists */
	struct list_head dst_list;
	u64 bytes;			/* copied per iteration */
	u64 start_ns, end_ns;
	bool moved;			/* started or ended off @cpu */
	int err;
};

struct fbk_cpu_engine {
	struct fbk_run_ctx *ctx;
	u32 split;
	u32 nr_workers;
	u32 nr_active;			/* workers 0..nr_active-1 have work */
	bool linked;			/* folios are on the workers' lists */
	bool inline_copy;		/* worker 0 runs on the calling thread */
	atomic_t arrived;		/* the start barrier */
	struct fbk_worker w[];
};

u32 fbk_llc_id(unsigned int cpu)
{
#if defined(FBK_HAVE_PER_CPU_LLC_ID)
	u32 id = per_cpu_llc_id(cpu);

	return id == BAD_APICID ? FOLIOBENCH_LLC_NONE : id;
#elif defined(FBK_HAVE_GET_LLC_ID)
	u32 id = get_llc_id(cpu);

	return id == BAD_APICID ? FOLIOBENCH_LLC_NONE : id;
#else
	return cpu_to_node(cpu);	/* no LLC id from this kernel: the node */
#endif
}

struct fbk_cpu_llc {
	u32 llc;
	u32 cpu;
};

static int fbk_cmp_llc(const void *a, const void *b)
{
	const struct fbk_cpu_llc *x = a, *y = b;

	if (x->llc != y->llc)
		return x->llc < y->llc ? -1 : 1;
	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

/*
 * Picks @n CPUs into @cpus. The online CPUs are sorted by (LLC id, CPU id);
 * fill takes them in that order (one LLC domain, then the next), spread
 * takes the first CPU of every domain, then the second of every domain, ...
 */
static int fbk_place(u32 placement, u32 n, const u32 *list, u32 *cpus)
{
	struct fbk_cpu_llc *c;
	unsigned int cpu;
	u32 nr = 0, k = 0, round, i, j;

	if (placement == FOLIOBENCH_PLACE_LIST) {
		memcpy(cpus, list, n * sizeof(*cpus));
		return 0;
	}

	c = kvmalloc_array(nr_cpu_ids, sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	for_each_online_cpu(cpu) {
		if (nr == nr_cpu_ids)
			break;
		c[nr].llc = fbk_llc_id(cpu);
		c[nr].cpu = cpu;
		nr++;
	}
	if (n > nr) {		/* a CPU went offline since validation */
		kvfree(c);
		return -EAGAIN;
	}
	sort(c, nr, sizeof(*c), fbk_cmp_llc, NULL);

	if (placement == FOLIOBENCH_PLACE_FILL) {
		for (k = 0; k < n; k++)
			cpus[k] = c[k].cpu;
	} else {
		for (round = 0; k < n; round++) {
			for (i = 0; i < nr && k < n; i = j) {
				for (j = i + 1; j < nr && c[j].llc == c[i].llc; j++)
					;
				if (round < j - i)
					cpus[k++] = c[i + round].cpu;
			}
		}
	}
	kvfree(c);
	return 0;
}

static int fbk_worker_copy(struct fbk_worker *w)
{
	struct fbk_run_ctx *ctx = w->e->ctx;
	const struct fbk_func *fn = ctx->fn;
	struct fbk_folios *fs = &ctx->fs;
	int ret = 0;
	u32 i;

	if (w->e->split == FOLIOBENCH_SPLIT_CHUNK) {
		for (i = 0; i < fs->nr && !ret; i++) {
			ret = fn->copy_range(fs->dst[i], fs->src[i], w->off,
					     w->len);
			cond_resched();
		}
	} else if (fn->list) {
		ret = fbk_list_copy(ctx, &w->dst_list, &w->src_list, w->first);
	} else {
		for (i = w->first; i < w->first + w->count && !ret; i++) {
			ret = fn->copy(fs->dst[i], fs->src[i]);
			cond_resched();
		}
	}
	return ret;
}

static void fbk_worker_fn(struct work_struct *work)
{
	struct fbk_worker *w = container_of(work, struct fbk_worker, work);
	struct fbk_cpu_engine *e = w->e;
	unsigned int cpu;

	if (!e->inline_copy) {
		/*
		 * Start together: the last worker to arrive releases all.
		 * cond_resched() lets a caller preempted on this CPU go on
		 * queueing the others.
		 */
		atomic_inc(&e->arrived);
		while ((u32)atomic_read(&e->arrived) < e->nr_active) {
			cpu_relax();
			cond_resched();
		}
	}
	cpu = raw_smp_processor_id();
	w->start_ns = ktime_get_ns();
	w->err = fbk_worker_copy(w);
	w->end_ns = ktime_get_ns();
	w->moved = cpu != w->cpu || raw_smp_processor_id() != w->cpu;
}

/*
 * mtcopy's split: with fewer folios than workers every folio is cut into
 * one chunk per worker (whole pages for a per-page function, cache lines
 * for a batched one); otherwise each worker gets a contiguous block of
 * whole folios. The list copy works on whole folios only.
 */
static u32 fbk_split(struct fbk_cpu_engine *e, u32 split, u32 n)
{
	struct fbk_folios *fs = &e->ctx->fs;
	u32 i, first = 0, active = 0;

	if (split == FOLIOBENCH_SPLIT_AUTO)
		split = fs->nr < n && !e->ctx->fn->whole_folios ?
			FOLIOBENCH_SPLIT_CHUNK : FOLIOBENCH_SPLIT_FOLIO;
	e->split = split;

	if (split == FOLIOBENCH_SPLIT_CHUNK) {
		/* per-page primitives get whole pages */
		size_t unit = e->ctx->fn->batched &&
			      e->ctx->fn->batch_impl != FOLIOBENCH_BATCH_COPY_PAGE ?
			      SMP_CACHE_BYTES : PAGE_SIZE;
		size_t chunk = roundup(DIV_ROUND_UP(fs->size, n), unit);

		for (i = 0; i < n; i++) {
			size_t off = chunk * i;

			if (off >= fs->size)
				break;
			e->w[i].off = off;
			e->w[i].len = min(chunk, fs->size - off);
			e->w[i].bytes = (u64)e->w[i].len * fs->nr;
			active++;
		}
		return active;
	}

	for (i = 0; i < n; i++) {
		struct fbk_worker *w = &e->w[i];
		u32 k;

		w->first = first;
		w->count = fs->nr / n + (i < fs->nr % n);
		w->bytes = (u64)w->count * fs->size;
		first += w->count;
		if (!w->count)
			break;
		active++;
		if (!e->ctx->fn->list)
			continue;
		/* folio->lru is free in folios the module allocated */
		for (k = w->first; k < w->first + w->count; k++) {
			list_add_tail(&fs->src[k]->lru, &w->src_list);
			list_add_tail(&fs->dst[k]->lru, &w->dst_list);
		}
		e->linked = true;
	}
	return active;
}

int fbk_cpu_setup(struct fbk_run_ctx *ctx, const struct foliobench_run *r,
		 const u32 *cpu_list, struct fbk_cpu_engine **out)
{
	struct fbk_cpu_engine *e;
	u32 *cpus, i, n = r->nr_threads;
	int ret;

	e = kvzalloc(struct_size(e, w, n), GFP_KERNEL);
	cpus = kvmalloc_array(n, sizeof(*cpus), GFP_KERNEL);
	if (!e || !cpus) {
		ret = -ENOMEM;
		goto err;
	}
	e->inline_copy = r->inline_copy;
	if (e->inline_copy)	/* the caller's CPU: it is expected pinned */
		cpus[0] = raw_smp_processor_id();
	else
		ret = fbk_place(r->placement, n, cpu_list, cpus);
	if (ret == -EAGAIN)
		ctx->cpu_moved = true;
	if (ret)
		goto err;

	e->ctx = ctx;
	e->nr_workers = n;
	for (i = 0; i < n; i++) {
		struct fbk_worker *w = &e->w[i];

		INIT_WORK(&w->work, fbk_worker_fn);
		INIT_LIST_HEAD(&w->src_list);
		INIT_LIST_HEAD(&w->dst_list);
		w->e = e;
		w->cpu = cpus[i];
	}
	e->nr_active = fbk_split(e, r->split, n);
	kvfree(cpus);
	*out = e;
	return 0;
err:
	kvfree(cpus);
	kvfree(e);
	return ret;
}

/*
 * One sample: max(end) - min(start) over the active workers; @times (NULL,
 * or nr_workers entries) gets each worker's raw times.
 */
int fbk_cpu_iteration(struct fbk_cpu_engine *e, u64 *ns,
		     struct foliobench_worker_time *times)
{
	u64 t0 = U64_MAX, t1 = 0;
	bool moved = false;
	u32 i;

	if (e->ctx->copied)
		bitmap_zero(e->ctx->copied, e->ctx->fs.nr);

	cpus_read_lock();
	for (i = 0; i < e->nr_active && !e->inline_copy; i++)
		moved |= !cpu_online(e->w[i].cpu);
	if (!moved) {
		atomic_set(&e->arrived, 0);
		if (e->inline_copy) {
			fbk_worker_fn(&e->w[0].work);
		} else {
			for (i = 0; i < e->nr_active; i++)
				queue_work_on(e->w[i].cpu, fbk_wq, &e->w[i].work);
			for (i = 0; i < e->nr_active; i++)
				flush_work(&e->w[i].work);
		}
	}
	cpus_read_unlock();
	if (moved)
		goto moved;

	for (i = 0; i < e->nr_active; i++) {
		struct fbk_worker *w = &e->w[i];

		t0 = min(t0, w->start_ns);
		t1 = max(t1, w->end_ns);
		moved |= w->moved;
		if (times) {
			times[i].start_ns = w->start_ns;
			times[i].end_ns = w->end_ns;
			times[i].bytes = w->bytes;
			times[i].cpu = w->cpu;
		}
	}
	*ns = t1 - t0;
	if (moved)
		goto moved;

	for (i = 0; i < e->nr_active; i++)
		if (e->w[i].err)
			return e->w[i].err;
	return 0;
moved:
	e->ctx->cpu_moved = true;
	pr_warn_ratelimited("foliobench: a worker's CPU went offline or the calling thread moved during the run: stopped\n");
	return -EAGAIN;
}

void fbk_cpu_report(struct fbk_cpu_engine *e, struct foliobench_run *r,
		   u32 *cpus)
{
	u32 i;

	r->split_used = e->split;
	r->threads_active = e->nr_active;
	for (i = 0; i < e->nr_workers; i++)
		cpus[i] = e->w[i].cpu;
}

void fbk_cpu_teardown(struct fbk_cpu_engine *e)
{
	struct fbk_folios *fs;
	u32 i;

	if (!e)
		return;
	fs = &e->ctx->fs;
	/* unlink the folios from the workers' lists before they are freed */
	for (i = 0; e->linked && i < fs->nr; i++) {
		list_del_init(&fs->src[i]->lru);
		list_del_init(&fs->dst[i]->lru);
	}
	kvfree(e);
}
