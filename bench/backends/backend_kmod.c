// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kmod backend: the kernel's own folio_copy/folio_mc_copy, run by the
 * foliobench module through /dev/foliobench (kmod-bench/uapi).  The module
 * returns raw nanoseconds; statistics stay here.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE              /* sched_setaffinity, sched_getcpu */
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "backend.h"
#include "foliobench_uapi.h"
#include "functions.h"
#include "kpath.h"
#include "machine.h"
#include "results.h"
#include "util.h"

static const char load_hint[] =
	"the foliobench kernel module is not loaded (" FOLIOBENCH_DEVICE " is missing): "
	"build it with 'make -C /lib/modules/$(uname -r)/build M=$PWD/kmod-bench' and load it "
	"with 'insmod kmod-bench/foliobench.ko' (docs/kmod.md)";

static struct {
	int fd;
	struct foliobench_info info;
	__u32 *llc;              /* LLC id per CPU id */
	bool ready;
} kmod = { .fd = -1 };

struct kmod_ctx {
	const struct fb_cell *c;
	const struct fb_run_opts *o;
	struct foliobench_run req;
	__u64 *samples;
	unsigned cap;
	__u32 cpus_used[FB_MAX_THREADS];
	__u32 cpu_list[FB_MAX_THREADS];
	unsigned long long dma_fallbacks, list_fallbacks, dma_prep_retries;
	__u32 flags;
	__u32 src_zones, dst_zones;
	/* CPU engine: raw worker times of one RUN, and what they add up to
	 * over all RUNs of the cell */
	struct foliobench_worker_time *wt;
	size_t wt_cap;
	double *skew_start, *skew_end;   /* per sample, ns */
	size_t nskew, skew_cap;
	double worker_gbps_sum[FB_MAX_THREADS];
	unsigned worker_n[FB_MAX_THREADS];
	__u64 worker_bytes[FB_MAX_THREADS];
	int inline_cpu;                  /* --inline: the CPU the caller is pinned to */
	__u64 *phases;           /* this call's: [n][FOLIOBENCH_DMA_NR_PHASES] */
	__u64 *all_phases;       /* every timed iteration of the cell so far */
	size_t nphases, phases_cap;
};

static const char *const dma_phase_names[FOLIOBENCH_DMA_NR_PHASES] = {
	"request", "map", "submit", "wait", "unmap", "cpu_fallback",
};

static const char *impl_name(__u32 impl)
{
	switch (impl) {
	case FOLIOBENCH_IMPL_NATIVE:
		return "kernel";
	case FOLIOBENCH_IMPL_REIMPL:
		return "module reimplementation";
	case FOLIOBENCH_IMPL_MODULE:
		return "module code (proposed helper, in no released kernel)";
	default:
		return "unavailable";
	}
}

static const char *mode_name(__u32 batched)
{
	return batched == FOLIOBENCH_KERNEL_MODE ? "kernel" : batched ? "batched" : "per-page";
}

/* What the kernel the module was built against has of the RFC and series. */
static json_object *kernel_patches_json(__u32 kp)
{
	static const struct { __u32 bit; const char *name; } bits[] = {
		{ FOLIOBENCH_KP_COPY_HIGHPAGES, "copy_highpages" },
		{ FOLIOBENCH_KP_COPY_MC_HIGHPAGES, "copy_mc_highpages" },
		{ FOLIOBENCH_KP_FOLIOS_MC_COPY, "folios_mc_copy" },
		{ FOLIOBENCH_KP_MIGRATE_OFFLOAD, "migrate_offload" },
		{ FOLIOBENCH_KP_BATCHED_FOLIO_COPY, "batched_folio_copy" },
		{ FOLIOBENCH_KP_BATCHED_FOLIO_MC_COPY, "batched_folio_mc_copy" },
	};
	json_object *o = json_object_new_object();

	json_object_object_add(o, "patched", json_object_new_boolean(kp != 0));
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		json_object_object_add(o, bits[i].name, json_object_new_boolean(kp & bits[i].bit));
	return o;
}

static int open_module(char *err, size_t errlen)
{
	if (kmod.ready)
		return FB_EXIT_OK;
	kmod.fd = open(FOLIOBENCH_DEVICE, O_RDWR | O_CLOEXEC);
	if (kmod.fd < 0) {
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			snprintf(err, errlen, "%s", load_hint);
		else if (errno == EPERM || errno == EACCES)
			snprintf(err, errlen, FOLIOBENCH_DEVICE ": needs CAP_SYS_ADMIN (run as root)");
		else
			snprintf(err, errlen, FOLIOBENCH_DEVICE ": %s", strerror(errno));
		return FB_EXIT_SKIP;
	}
	memset(&kmod.info, 0, sizeof(kmod.info));
	kmod.info.abi_version = FOLIOBENCH_ABI_VERSION;
	kmod.info.struct_size = sizeof(kmod.info);
	kmod.llc = calloc(4096, sizeof(*kmod.llc));
	kmod.info.llc_ids = (__u64)(uintptr_t)kmod.llc;
	kmod.info.llc_ids_len = kmod.llc ? 4096 : 0;
	if (ioctl(kmod.fd, FOLIOBENCH_IOC_INFO, &kmod.info)) {
		if (errno == EPROTO || errno == EINVAL)
			snprintf(err, errlen,
				 "the loaded foliobench module speaks ABI %u (struct %u bytes); this foliobench speaks ABI %u (%zu bytes): rebuild one of them",
				 kmod.info.abi_version, kmod.info.struct_size, FOLIOBENCH_ABI_VERSION,
				 sizeof(kmod.info));
		else
			snprintf(err, errlen, "FOLIOBENCH_IOC_INFO: %s", strerror(errno));
		close(kmod.fd);
		kmod.fd = -1;
		return FB_EXIT_FAIL;
	}
	kmod.ready = true;
	return FB_EXIT_OK;
}

static unsigned order_of(uint64_t folio_size)
{
	unsigned o = 0;

	while ((FB_PAGE_SIZE << o) < folio_size)
		o++;
	return o;
}

/* The module's id of a cell's function; one it does not know matches no
 * INFO entry. */
static __u32 func_of(const struct fb_cell *c)
{
	const struct fb_function *f = fb_function_find(c->function);

	return f ? f->kmod_func : FOLIOBENCH_NR_FUNCS;
}

static __u32 batched_of(const struct fb_cell *c)
{
	return c->mode == FB_MODE_KERNEL ? FOLIOBENCH_KERNEL_MODE : c->mode == FB_MODE_BATCHED;
}

/* The module's entry for a cell's function and mode, NULL if it has none. */
static __u32 batch_impl_of(const struct fb_cell *c)
{
	static const __u32 impls[FB_BATCH_COUNT] = {
		[FB_BATCH_MEMCPY] = FOLIOBENCH_BATCH_MEMCPY,
		[FB_BATCH_COPY_PAGE] = FOLIOBENCH_BATCH_COPY_PAGE,
		[FB_BATCH_REP_MOVSQ] = FOLIOBENCH_BATCH_REP_MOVSQ,
	};

	return c->mode == FB_MODE_BATCHED ? impls[c->batch_impl] : FOLIOBENCH_BATCH_MEMCPY;
}

static const struct foliobench_func_info *func_info(const struct fb_cell *c)
{
	for (__u32 i = 0; i < kmod.info.nr_funcs && i < FOLIOBENCH_MAX_FUNCS; i++)
		if (kmod.info.funcs[i].func == func_of(c) && kmod.info.funcs[i].batched == batched_of(c) &&
		    kmod.info.funcs[i].batch_impl == batch_impl_of(c))
			return &kmod.info.funcs[i];
	return NULL;
}

static int kmod_probe(const struct fb_cell *cells, size_t n, char *err, size_t errlen)
{
	int rc = open_module(err, errlen);

	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const struct fb_cell *c = &cells[i];
		const struct foliobench_func_info *f = func_info(c);
		char sz[16];

		if (!f || f->impl == FOLIOBENCH_IMPL_UNAVAILABLE) {
			snprintf(err, errlen, "%s --mode %s%s%s cannot run on this kernel: %s", c->function,
				 fb_mode_name(c->mode), c->batch_impl_recorded ? " --batch-impl " : "",
				 c->batch_impl_recorded ? fb_batch_impl_name(c->batch_impl) : "",
				 f ? f->desc : "the module has no such function");
			return FB_EXIT_SKIP;
		}

		if (c->channels && kmod.info.nr_dma_chans == 0) {
			snprintf(err, errlen, "no DMA_MEMCPY channel on this machine");
			return FB_EXIT_SKIP;
		}
		if (order_of(c->folio_size) > kmod.info.max_order) {
			snprintf(err, errlen,
				 "--folio-sizes %s: the kernel allocates folios up to order %u (%s) here",
				 fb_size_str(c->folio_size, sz, sizeof(sz)), kmod.info.max_order,
				 fb_size_str(FB_PAGE_SIZE << kmod.info.max_order, sz + 8, 8));
			return FB_EXIT_USAGE;
		}
		if (c->folio_count > FOLIOBENCH_MAX_FOLIOS) {
			snprintf(err, errlen, "%llu folios per cell: the module takes at most %u",
				 (unsigned long long)c->folio_count, FOLIOBENCH_MAX_FOLIOS);
			return FB_EXIT_USAGE;
		}
		if (c->evict == FB_EVICT_SWEEP) {
			snprintf(err, errlen, "--evict sweep: the kmod backend evicts with clflush_cache_range (none, src, both)");
			return FB_EXIT_USAGE;
		}
		if ((c->evict != FB_EVICT_NONE) && !(kmod.info.flags & FOLIOBENCH_INFO_F_EVICT)) {
			snprintf(err, errlen, "--evict %s: this kernel has no clflush_cache_range",
				 fb_evict_name(c->evict));
			return FB_EXIT_SKIP;
		}
		if (c->backing != FB_BACK_AUTO) {
			snprintf(err, errlen, "--backing %s: the kmod backend copies kernel folios; drop --backing",
				 fb_backing_name(c->backing));
			return FB_EXIT_USAGE;
		}
	}
	return FB_EXIT_OK;
}

int fb_kmod_kernel_view(struct fb_kview *v, unsigned *kconfig, char *err, size_t errlen)
{
	static const __u32 bits[FB_KF_COUNT] = {
		[FB_KF_FSRM] = FOLIOBENCH_KF_FSRM,
		[FB_KF_ERMS] = FOLIOBENCH_KF_ERMS,
		[FB_KF_REP_GOOD] = FOLIOBENCH_KF_REP_GOOD,
		[FB_KF_FSRS] = FOLIOBENCH_KF_FSRS,
		[FB_KF_MC_FRAGILE] = FOLIOBENCH_KF_MC_FRAGILE,
	};
	const char *const paths[FB_KVIEW_ROUTINES] = {
		kmod.info.memcpy_path, kmod.info.copy_page_path, kmod.info.copy_mc_path,
	};
	const char *const hows[FB_KVIEW_ROUTINES] = {
		kmod.info.memcpy_how, kmod.info.copy_page_how, kmod.info.copy_mc_how,
	};
	int rc = open_module(err, errlen);

	if (rc)
		return rc;
	memset(v, 0, sizeof(*v));
	snprintf(v->source, sizeof(v->source), "foliobench.ko (ABI %u)", kmod.info.abi_version);
	snprintf(v->release, sizeof(v->release), "%.*s", (int)sizeof(kmod.info.release),
		 kmod.info.release);
	for (int f = 0; f < FB_KF_COUNT; f++)
		v->flag[f] = !(kmod.info.kflags_known & bits[f]) ? -1 :
			     !!(kmod.info.kflags & bits[f]);
	for (int i = 0; i < FB_KVIEW_ROUTINES; i++) {
		/* the module's strings are terminated (strscpy); stay safe anyway */
		snprintf(v->path[i], sizeof(v->path[i]), "%.*s", FOLIOBENCH_PATH_LEN - 1, paths[i]);
		snprintf(v->how[i], sizeof(v->how[i]), "%.*s", FOLIOBENCH_HOW_LEN - 1, hows[i]);
	}
	if (kconfig)
		*kconfig = kmod.info.kconfig;
	return FB_EXIT_OK;
}

/* A DMA channel's driver, NUMA node and completion behaviour. */
static void add_chan_facts(json_object *e, const struct foliobench_dma_chan_info *ci)
{
	json_object_object_add(e, "driver", json_object_new_string(ci->driver));
	json_object_object_add(e, "numa_node", ci->node < 0 ? NULL : json_object_new_int(ci->node));
	json_object_object_add(e, "completes_out_of_order",
			       json_object_new_boolean(ci->flags & FOLIOBENCH_DMA_CHAN_F_NO_ORDER));
	json_object_object_add(e, "can_terminate",
			       json_object_new_boolean(ci->flags & FOLIOBENCH_DMA_CHAN_F_TERMINATE));
}

static json_object *kmod_describe(void)
{
	json_object *o = json_object_new_object(), *fns = json_object_new_array();
	json_object *dma = json_object_new_array(), *llc = json_object_new_array();

	if (!kmod.ready)
		return o;
	json_object_object_add(o, "backend", json_object_new_string("kmod"));
	json_object_object_add(o, "abi_version", json_object_new_int((int)kmod.info.abi_version));
	json_object_object_add(o, "kernel_release", json_object_new_string(kmod.info.release));
	json_object_object_add(o, "max_order", json_object_new_int((int)kmod.info.max_order));
	json_object_object_add(o, "cap_pct", json_object_new_int((int)kmod.info.cap_pct));
	json_object_object_add(o, "hypervisor",
			       json_object_new_boolean(kmod.info.flags & FOLIOBENCH_INFO_F_HYPERVISOR));
	json_object_object_add(o, "kernel_patches", kernel_patches_json(kmod.info.kernel_patches));
	for (__u32 i = 0; i < kmod.info.nr_funcs && i < FOLIOBENCH_MAX_FUNCS; i++) {
		const struct foliobench_func_info *f = &kmod.info.funcs[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "name", json_object_new_string(f->name));
		json_object_object_add(e, "mode", json_object_new_string(mode_name(f->batched)));
		if (f->batch_impl < FB_BATCH_COUNT)
			json_object_object_add(e, "batch_impl", json_object_new_string(
				fb_batch_impl_name((enum fb_batch_impl)f->batch_impl)));
		json_object_object_add(e, "implementation", json_object_new_string(impl_name(f->impl)));
		json_object_object_add(e, "description", json_object_new_string(f->desc));
		json_object_array_add(fns, e);
	}
	json_object_object_add(o, "functions", fns);
	for (__u32 i = 0; i < kmod.info.nr_dma_chans && i < FOLIOBENCH_MAX_DMA_CHANS; i++) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "channel", json_object_new_string(kmod.info.dma[i].chan));
		json_object_object_add(e, "device", json_object_new_string(kmod.info.dma[i].dev));
		add_chan_facts(e, &kmod.info.dma[i]);
		json_object_array_add(dma, e);
	}
	json_object_object_add(o, "dma_channels", dma);
	for (__u32 cpu = 0; cpu < kmod.info.nr_cpu_ids && cpu < kmod.info.llc_ids_len; cpu++)
		json_object_array_add(llc, kmod.llc[cpu] == FOLIOBENCH_LLC_NONE ? NULL :
				      json_object_new_int((int)kmod.llc[cpu]));
	json_object_object_add(o, "llc_id_of_cpu", llc);
	{
		/* what this kernel patched in, read by the module */
		struct fb_kview v;
		unsigned kc = 0;
		char err[256];

		if (fb_kmod_kernel_view(&v, &kc, err, sizeof(err)) == FB_EXIT_OK) {
			json_object_object_add(o, "kernel_view", fb_kview_json(&v));
			json_object_object_add(o, "build_config",
					       fb_kconfig_json_bits(kc, "foliobench.ko build config"));
		}
	}
	return o;
}

static void *kmod_prepare(const struct fb_cell *c, const struct fb_run_opts *o,
			  struct fb_result *r, char *err, size_t errlen)
{
	struct kmod_ctx *k = calloc(1, sizeof(*k));
	struct foliobench_run *q;

	if (!k)
		return snprintf(err, errlen, "out of memory"), NULL;
	k->c = c;
	k->o = o;
	q = &k->req;
	q->func = func_of(c);
	q->batched = batched_of(c);
	q->batch_impl = batch_impl_of(c);
	q->order = order_of(c->folio_size);
	q->nr_folios = (__u32)c->folio_count;
	q->src_node = (__u32)c->src_node;
	q->dst_node = (__u32)c->dst_node;
	q->gfp_movable = o->kmod_movable;
	if (c->channels) {
		q->engine = FOLIOBENCH_ENGINE_DMA;
		q->nr_dma_chans = (__u32)c->channels;
		q->dma_map = o->dma_map;
		q->dma_request = o->dma_request;
		q->dma_near = o->dma_near;
		q->dma_irq = o->dma_irq;
	} else {
		q->engine = FOLIOBENCH_ENGINE_CPU;
		q->nr_threads = (__u32)c->threads;
		q->placement = c->placement == FB_PLACE_FILL ? FOLIOBENCH_PLACE_FILL :
			       c->placement == FB_PLACE_LIST ? FOLIOBENCH_PLACE_LIST :
			       FOLIOBENCH_PLACE_SPREAD;
		q->split = c->split == FB_SPLIT_CHUNK ? FOLIOBENCH_SPLIT_CHUNK : FOLIOBENCH_SPLIT_FOLIO;
		if (o->kmod_inline) {
			/* the module copies on this thread: pin it for the run */
			q->inline_copy = 1;
			q->placement = FOLIOBENCH_PLACE_SPREAD;
			k->inline_cpu = c->placement == FB_PLACE_LIST ? c->cpus[0] : sched_getcpu();
		} else if (c->placement == FB_PLACE_LIST) {
			for (int i = 0; i < c->threads; i++)
				k->cpu_list[i] = (__u32)c->cpus[i];
			q->cpu_list = (__u64)(uintptr_t)k->cpu_list;
		}
		q->cpus_used = (__u64)(uintptr_t)k->cpus_used;
	}
	q->evict = c->evict == FB_EVICT_BOTH ? FOLIOBENCH_EVICT_BOTH :
		   c->evict == FB_EVICT_SRC ? FOLIOBENCH_EVICT_SRC : FOLIOBENCH_EVICT_NONE;
	q->verify = c->verify;
	q->warmup = o->warmup;
	snprintf(r->backing_src, sizeof(r->backing_src), "kernel folios, order %u", q->order);
	snprintf(r->backing_dst, sizeof(r->backing_dst), "kernel folios, order %u", q->order);
	return k;
}

static const char *field_name(__u32 f)
{
	static const char *const names[FOLIOBENCH_NR_FIELDS] = {
		"none", "struct_size", "func", "batched", "engine", "order", "nr_folios",
		"src_node", "dst_node", "nr_threads", "placement", "split", "nr_dma_chans",
		"dma_timeout_ms", "evict", "verify", "warmup", "iterations", "gfp_movable",
		"cpu_list", "samples", "cpus_used", "reserved", "dma_map", "dma_request",
		"dma_near", "dma_irq", "dma_phases", "worker_times",
		"inline_copy", "batch_impl",
	};
	return f < FOLIOBENCH_NR_FIELDS ? names[f] : "?";
}

/* Say what a failed RUN means, in the user's terms. */
static void explain(const struct kmod_ctx *k, int e, struct fb_result *r, char *err, size_t errlen)
{
	const struct foliobench_run *q = &k->req;

	r->status = FB_EXIT_FAIL;
	switch (e) {
	case ENOMEM:
		snprintf(err, errlen, "%s",
			 q->flags & FOLIOBENCH_RUN_F_OVER_CAP ?
			 "the folios exceed the module's cap (module parameter cap_pct of the node's free memory); see the kernel log" :
			 "the module could not allocate its bookkeeping (ENOMEM)");
		break;
	case ENOSPC:
		snprintf(err, errlen, "only %u of %u folios of order %u could be allocated on the nodes (fragmentation): nothing ran",
			 q->folios_obtained, q->nr_folios, q->order);
		break;
	case ENODEV:
		r->status = FB_EXIT_SKIP;
		if (q->dma_near)
			snprintf(err, errlen, "not enough DMA_MEMCPY channels on node %u (%u of %u found; --dma-near %s)",
				 q->dma_near == FOLIOBENCH_DMA_NEAR_SRC ? q->src_node : q->dst_node,
				 q->dma_chans_used, q->nr_dma_chans,
				 q->dma_near == FOLIOBENCH_DMA_NEAR_SRC ? "src" : "dst");
		else
			snprintf(err, errlen, "no DMA_MEMCPY channel on this machine (%u of %u found)",
				 q->dma_chans_used, q->nr_dma_chans);
		break;
	case ETIMEDOUT:
		snprintf(err, errlen, "a DMA channel timed out and cannot be terminated: the module quarantined its memory and refuses DMA runs until it is reloaded (see the kernel log)");
		break;
	case EOPNOTSUPP:
		snprintf(err, errlen, "the module cannot run field %s here (see the kernel log)",
			 field_name(q->bad_field));
		break;
	case EIO:
		snprintf(err, errlen, "verify: folio %u differs from its source", q->mismatch_folio);
		r->verified = 0;
		break;
	case EINVAL:
		snprintf(err, errlen, "the module rejected field %s (see the kernel log)",
			 field_name(q->bad_field));
		break;
	case EHWPOISON:
		snprintf(err, errlen, "a machine check (memory error) hit the copy: -EHWPOISON");
		break;
	case EBUSY:
		snprintf(err, errlen, "%s", q->flags & FOLIOBENCH_RUN_F_DMA_QUARANTINED ?
			 "an earlier DMA run quarantined a channel that timed out: reload the module (it unloads once the engine finished)" :
			 "another foliobench run is using the module (EBUSY)");
		break;
	case EAGAIN:
		snprintf(err, errlen, "%s",
			 q->flags & FOLIOBENCH_RUN_F_CPU_MOVED ?
			 "a copy did not run on its CPU (a CPU went offline, or the pinned thread of --inline moved): the run stopped" :
			 "FOLIOBENCH_IOC_RUN: EAGAIN");
		break;
	default:
		snprintf(err, errlen, "FOLIOBENCH_IOC_RUN: %s", strerror(e));
	}
}

/*
 * The raw ns of each DMA phase, one per timed iteration in sample order
 * (they sum to the sample): this call's appended to the cell's.
 */
static void add_phases(struct kmod_ctx *k, const struct foliobench_run *q, json_object *extra)
{
	size_t add = q->iterations_done, need = (k->nphases + add) * FOLIOBENCH_DMA_NR_PHASES;
	json_object *o = json_object_new_object();

	if (need > k->phases_cap) {
		__u64 *p = realloc(k->all_phases, need * 2 * sizeof(*p));

		if (!p)
			add = 0;
		else {
			k->all_phases = p;
			k->phases_cap = need * 2;
		}
	}
	memcpy(k->all_phases + k->nphases * FOLIOBENCH_DMA_NR_PHASES, k->phases,
	       add * FOLIOBENCH_DMA_NR_PHASES * sizeof(*k->phases));
	k->nphases += add;
	for (unsigned p = 0; p < FOLIOBENCH_DMA_NR_PHASES; p++) {
		json_object *a = json_object_new_array();

		for (size_t i = 0; i < k->nphases; i++)
			json_object_array_add(a, json_object_new_int64(
				(int64_t)k->all_phases[i * FOLIOBENCH_DMA_NR_PHASES + p]));
		json_object_object_add(o, dma_phase_names[p], a);
	}
	json_object_object_add(extra, "dma_phases_ns", o);
}

static const char *movable_name(__u32 m)
{
	return m == FOLIOBENCH_MOVABLE_ON ? "on" : m == FOLIOBENCH_MOVABLE_OFF ? "off" : "auto";
}

/* "Movable", "DMA32+Normal": the zones of a FOLIOBENCH_ZONE_* mask. */
static json_object *zones_json(__u32 z)
{
	static const char *const names[] = { "DMA", "DMA32", "Normal", "HighMem", "Movable" };
	char buf[64] = "";

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (z & (1U << i))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
				 buf[0] ? "+" : "", names[i]);
	return json_object_new_string(buf[0] ? buf : "none");
}

/* The worker times of the iterations of one RUN: per-worker GB/s, skew. */
static void add_worker_times(struct kmod_ctx *k)
{
	const struct foliobench_run *q = &k->req;
	__u32 nt = q->nr_threads, na = q->threads_active;

	if (k->nskew + q->iterations_done > k->skew_cap) {
		size_t cap = (k->nskew + q->iterations_done) * 2;
		double *a = realloc(k->skew_start, cap * sizeof(*a));
		double *b = a ? realloc(k->skew_end, cap * sizeof(*b)) : NULL;

		if (a)
			k->skew_start = a;
		if (!b)
			return;
		k->skew_end = b;
		k->skew_cap = cap;
	}
	for (__u32 i = 0; i < q->iterations_done; i++) {
		const struct foliobench_worker_time *t = &k->wt[(size_t)i * nt];
		__u64 s0 = UINT64_MAX, s1 = 0, e0 = UINT64_MAX, e1 = 0;

		for (__u32 w = 0; w < na && w < FB_MAX_THREADS; w++) {
			if (t[w].end_ns > t[w].start_ns) {
				k->worker_gbps_sum[w] += (double)t[w].bytes / (double)(t[w].end_ns - t[w].start_ns);
				k->worker_n[w]++;
			}
			k->worker_bytes[w] = t[w].bytes;
			s0 = t[w].start_ns < s0 ? t[w].start_ns : s0;
			s1 = t[w].start_ns > s1 ? t[w].start_ns : s1;
			e0 = t[w].end_ns < e0 ? t[w].end_ns : e0;
			e1 = t[w].end_ns > e1 ? t[w].end_ns : e1;
		}
		if (!na)
			continue;
		k->skew_start[k->nskew] = (double)(s1 - s0);
		k->skew_end[k->nskew] = (double)(e1 - e0);
		k->nskew++;
	}
}

static json_object *skew_json(const double *x, size_t n)
{
	json_object *o = json_object_new_object();
	struct fb_stats st;

	fb_stats_compute(x, n, &st);
	json_object_object_add(o, "median", fb_json_number(st.median));
	json_object_object_add(o, "max", fb_json_number(st.max));
	return o;
}

static void record(struct kmod_ctx *k, struct fb_result *r)
{
	const struct foliobench_run *q = &k->req;
	json_object *cpus, *dma;

	k->dma_fallbacks += q->dma_fallbacks;
	k->dma_prep_retries += q->dma_prep_retries;
	k->list_fallbacks += q->list_fallbacks;
	k->flags |= q->flags;
	k->src_zones |= q->src_zones;
	k->dst_zones |= q->dst_zones;
	if (q->engine == FOLIOBENCH_ENGINE_DMA)
		/* func_name names the engine ("dma:ioatdma"); impl is the fallback's */
		snprintf(r->implementation, sizeof(r->implementation), "%s: %s", q->func_name,
			 q->func_desc);
	else
		snprintf(r->implementation, sizeof(r->implementation), "%s %s: %s%s",
			 impl_name(q->impl), q->func_name, q->func_desc,
			 q->inline_copy ? " (inline, on the calling thread)" : "");
	if (r->extra)
		json_object_put(r->extra);
	r->extra = json_object_new_object();
	json_object_object_add(r->extra, "function_impl", json_object_new_string(impl_name(q->impl)));
	json_object_object_add(r->extra, "inner_impl", json_object_new_string(impl_name(q->inner_impl)));
	json_object_object_add(r->extra, "split_used", json_object_new_string(
		q->split_used == FOLIOBENCH_SPLIT_CHUNK ? "chunk" : "folio"));
	if (q->engine == FOLIOBENCH_ENGINE_CPU) {
		cpus = json_object_new_array();
		for (__u32 i = 0; i < q->nr_threads; i++)
			json_object_array_add(cpus, json_object_new_int((int)k->cpus_used[i]));
		json_object_object_add(r->extra, "cpus_used", cpus);
		json_object_object_add(r->extra, "threads_active", json_object_new_int((int)q->threads_active));
		json_object_object_add(r->extra, "inline", json_object_new_boolean(q->inline_copy));
		if (k->nskew) {
			/* a sample is max(end) - min(start) of these workers */
			json_object *ws = json_object_new_array(), *sk = json_object_new_object();

			for (__u32 w = 0; w < q->threads_active && w < FB_MAX_THREADS; w++) {
				json_object *e = json_object_new_object();

				json_object_object_add(e, "cpu", json_object_new_int((int)k->cpus_used[w]));
				json_object_object_add(e, "bytes", json_object_new_int64((int64_t)k->worker_bytes[w]));
				json_object_object_add(e, "gbps_mean", fb_json_number(
					k->worker_n[w] ? k->worker_gbps_sum[w] / k->worker_n[w] : 0));
				json_object_array_add(ws, e);
			}
			json_object_object_add(r->extra, "workers", ws);
			json_object_object_add(sk, "start", skew_json(k->skew_start, k->nskew));
			json_object_object_add(sk, "end", skew_json(k->skew_end, k->nskew));
			json_object_object_add(r->extra, "skew_ns", sk);
		}
	} else {
		dma = json_object_new_array();
		for (__u32 i = 0; i < q->dma_chans_used && i < FOLIOBENCH_MAX_DMA_CHANS; i++) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "channel", json_object_new_string(q->dma[i].chan));
			json_object_object_add(e, "device", json_object_new_string(q->dma[i].dev));
			add_chan_facts(e, &q->dma[i]);
			json_object_array_add(dma, e);
		}
		json_object_object_add(r->extra, "dma_channels", dma);
		json_object_object_add(r->extra, "dma_engine", json_object_new_string(q->func_name));
		json_object_object_add(r->extra, "dma_map", json_object_new_string(
			q->dma_map_used == FOLIOBENCH_DMA_MAP_PAGE ? "dma_map_page" : "sg_table"));
		json_object_object_add(r->extra, "dma_irq", json_object_new_string(
			q->dma_irq_used == FOLIOBENCH_DMA_IRQ_LAST ? "last" : "each"));
		json_object_object_add(r->extra, "dma_request", json_object_new_string(
			q->dma_request == FOLIOBENCH_DMA_REQUEST_BATCH ? "per_iteration" : "once_before_timing"));
		if (q->dma_request == FOLIOBENCH_DMA_REQUEST_ONCE)
			json_object_object_add(r->extra, "dma_request_ns",
					       json_object_new_int64((int64_t)q->dma_request_ns));
		json_object_object_add(r->extra, "dma_fallbacks", json_object_new_int64((int64_t)k->dma_fallbacks));
		json_object_object_add(r->extra, "dma_prep_retries",
				       json_object_new_int64((int64_t)k->dma_prep_retries));
		json_object_object_add(r->extra, "dma_timeout", json_object_new_boolean(k->flags & FOLIOBENCH_RUN_F_DMA_TIMEOUT));
		json_object_object_add(r->extra, "dma_quarantined",
				       json_object_new_boolean(k->flags & FOLIOBENCH_RUN_F_DMA_QUARANTINED));
		add_phases(k, q, r->extra);
	}
	if (fb_function_find(k->c->function) && fb_function_find(k->c->function)->list)
		json_object_object_add(r->extra, "list_fallbacks", json_object_new_int64((int64_t)k->list_fallbacks));
	json_object_object_add(r->extra, "gfp_movable", json_object_new_string(movable_name(q->gfp_movable)));
	json_object_object_add(r->extra, "src_zones", zones_json(k->src_zones));
	json_object_object_add(r->extra, "dst_zones", zones_json(k->dst_zones));
	if (k->flags & FOLIOBENCH_RUN_F_FAULT_INJECTED)
		json_object_object_add(r->extra, "fault_injected", json_object_new_boolean(1));
}

/* One RUN per call: the module allocates, warms up and copies n times. */
static int kmod_iterate(void *ctx, unsigned n, double *ns, struct fb_result *r,
			char *err, size_t errlen)
{
	struct kmod_ctx *k = ctx;
	struct foliobench_run *q = &k->req;
	int rc;

	if (n > k->cap) {
		free(k->samples);
		free(k->phases);
		k->samples = calloc(n, sizeof(*k->samples));
		k->phases = calloc((size_t)n * FOLIOBENCH_DMA_NR_PHASES, sizeof(*k->phases));
		k->cap = k->samples && k->phases ? n : 0;
		if (!k->cap)
			return snprintf(err, errlen, "out of memory"), -1;
	}
	if (q->engine == FOLIOBENCH_ENGINE_DMA)
		q->dma_phases = (__u64)(uintptr_t)k->phases;
	if (q->engine == FOLIOBENCH_ENGINE_CPU) {
		size_t want = (size_t)n * q->nr_threads;

		if (want > k->wt_cap) {
			free(k->wt);
			k->wt = calloc(want, sizeof(*k->wt));
			k->wt_cap = k->wt ? want : 0;
			if (!k->wt)
				return snprintf(err, errlen, "out of memory"), -1;
		}
		memset(k->wt, 0, want * sizeof(*k->wt));
		q->worker_times = (__u64)(uintptr_t)k->wt;
	}
	q->abi_version = FOLIOBENCH_ABI_VERSION;
	q->struct_size = sizeof(*q);
	q->iterations = n;
	q->samples = (__u64)(uintptr_t)k->samples;
	if (q->inline_copy) {
		cpu_set_t was, one;

		CPU_ZERO(&one);
		CPU_SET(k->inline_cpu, &one);
		if (sched_getaffinity(0, sizeof(was), &was) || sched_setaffinity(0, sizeof(one), &one))
			return snprintf(err, errlen, "--inline: cannot pin to CPU %d: %s", k->inline_cpu,
					strerror(errno)), -1;
		rc = ioctl(kmod.fd, FOLIOBENCH_IOC_RUN, q);
		int e = errno;
		sched_setaffinity(0, sizeof(was), &was);
		errno = e;
	} else {
		rc = ioctl(kmod.fd, FOLIOBENCH_IOC_RUN, q);
	}
	if (rc && errno != EINTR) {
		explain(k, errno, r, err, errlen);
		return -1;
	}
	if (q->engine == FOLIOBENCH_ENGINE_CPU)
		add_worker_times(k);
	record(k, r);
	for (__u32 i = 0; i < q->iterations_done && i < n; i++)
		ns[i] = (double)k->samples[i];
	if (k->c->verify)
		r->verified = (q->flags & FOLIOBENCH_RUN_F_VERIFIED) ? 1 : 0;
	return (int)q->iterations_done;
}

static int kmod_finish(void *ctx, struct fb_result *r, char *err, size_t errlen)
{
	struct kmod_ctx *k = ctx;
	int rc = 0;

	if (k->c->verify && r->n && r->verified != 1) {
		if (err)
			snprintf(err, errlen, "verify: the module did not confirm every folio");
		rc = -1;
	}
	free(k->samples);
	free(k->phases);
	free(k->all_phases);
	free(k->wt);
	free(k->skew_start);
	free(k->skew_end);
	free(k);
	return rc;
}

static void kmod_shutdown(void)
{
	if (kmod.fd >= 0)
		close(kmod.fd);
	free(kmod.llc);
	kmod.fd = -1;
	kmod.llc = NULL;
	kmod.ready = false;
}

const struct fb_backend fb_backend_kmod = {
	.name = "kmod",
	.probe = kmod_probe,
	.prepare = kmod_prepare,
	.iterate = kmod_iterate,
	.finish = kmod_finish,
	.describe = kmod_describe,
	.shutdown = kmod_shutdown,
};
