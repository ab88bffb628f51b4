// SPDX-License-Identifier: GPL-2.0-only
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "functions.h"
#include "migrate.h"
#include "primitives.h"
#include "stores.h"
#include "util.h"

enum fb_split fb_split_resolve(enum fb_split s, uint64_t folios, int threads)
{
	if (s != FB_SPLIT_AUTO)
		return s;
	return folios < (uint64_t)threads ? FB_SPLIT_CHUNK : FB_SPLIT_FOLIO;
}

enum fb_kernel_model fb_kernel_model_of_release(const char *release)
{
	unsigned major = 0, minor = 0;

	if (sscanf(release, "%u.%u", &major, &minor) == 2 &&
	    (major > 6 || (major == 6 && minor >= 12)))
		return FB_KM_6_12;
	/* 6.2..6.11 follow 6.1's memcpy rules closely enough to label 6.1. */
	return FB_KM_6_1;
}

/* Which kernel routine a function runs in a mode: the heart of seed 000. */
static enum fb_kroutine routine_of(const char *function, enum fb_mode mode)
{
	return fb_function_routine(fb_function_find(function), mode == FB_MODE_BATCHED);
}

/* The routine a batched variant runs: copy_page's, or none (rep movsq). */
static enum fb_kroutine cell_routine(const struct fb_cell *c)
{
	if (c->mode == FB_MODE_BATCHED && c->batch_impl == FB_BATCH_COPY_PAGE)
		return FB_KR_COPY_PAGE;
	return routine_of(c->function, c->mode);
}

static void describe_path(struct fb_cell *c, enum fb_kernel_model km,
			  const struct fb_kpath *kp)
{
	fb_kpath_record_set(&c->kernel_path, cell_routine(c), km, kp);
	if (c->mode == FB_MODE_BATCHED && c->batch_impl == FB_BATCH_COPY_PAGE)
		snprintf(c->kernel_path.why, sizeof(c->kernel_path.why),
			 "batch-impl copy_page: copy_page on each page, %s", kp->why);
}

/* rep movsq over the folio is in no kernel: what a page-aligned fast path
 * could run; no routine is named. */
static void describe_rep_movsq(struct fb_cell *c, enum fb_kernel_model km)
{
	struct fb_kpath_record *r = &c->kernel_path;

	r->routine = -1;
	r->model = (int)km;
	snprintf(r->impl, sizeof(r->impl), "rep movsq");
	snprintf(r->why, sizeof(r->why), "batch-impl rep_movsq: a page-aligned fast path, in no kernel");
}

/* Resolve function x kernel model x mode to a userspace primitive. */
static int resolve_user(struct fb_cell *c, enum fb_kernel_model km,
			const struct fb_plan_machine *m, char *err, size_t errlen)
{
	const struct fb_cpu *cpu = m->cpu;
	const struct fb_primitive *p;
	struct fb_kpath kp;
	const char *why = NULL;

	if (c->batch_impl == FB_BATCH_REP_MOVSQ) {
		describe_rep_movsq(c, km);
		kp.primitive = "rep_movsq";
		kp.impl = "rep movsq";
	} else if (fb_kpath_select_boot(cpu, km, cell_routine(c), m->kboot, &kp)) {
		snprintf(err, errlen,
			 "--function %s: the x86 kernel path rules do not apply to this CPU; use --primitive",
			 c->function);
		return -1;
	} else {
		describe_path(c, km, &kp);
	}
	if (!kp.primitive) {
		snprintf(err, errlen, "--function %s: kernel %s path '%s' has no userspace copy",
			 c->function, fb_kernel_model_name(km), kp.impl);
		return -1;
	}
	p = fb_primitive_find(kp.primitive);
	if (!p || !fb_primitive_usable(p, cpu, &why)) {
		snprintf(err, errlen, "--function %s: primitive %s is not usable here (%s)",
			 c->function, kp.primitive, why ? why : "not built");
		return -1;
	}
	snprintf(c->primitive, sizeof(c->primitive), "%s", p->name);
	return 0;
}

static int check_primitive(const char *name, const struct fb_cpu *cpu, char *err, size_t errlen)
{
	const struct fb_primitive *p = fb_primitive_find(name);
	const char *why = NULL;

	if (!p) {
		size_t n, off;
		const struct fb_primitive *all = fb_primitives(&n);

		off = (size_t)snprintf(err, errlen, "--primitive %s: unknown (available:", name);
		for (size_t i = 0; i < n && off < errlen; i++)
			off += (size_t)snprintf(err + off, errlen - off, " %s", all[i].name);
		if (off < errlen)
			snprintf(err + off, errlen - off, ")");
		return -1;
	}
	if (!fb_primitive_usable(p, cpu, &why)) {
		snprintf(err, errlen, "--primitive %s: not supported on this CPU (%s)",
			 name, why ? why : "unsupported");
		return -1;
	}
	return 0;
}

static int check_axes(const struct fb_spec *s, const struct fb_plan_machine *m,
		      char *err, size_t errlen)
{
	const struct fb_topology *topo = m->topo;
	bool kmod = !strcmp(s->backend, "kmod");
	char a[32], b[32];
	uint64_t maxsize = 0, maxcount = 0;

	for (size_t i = 0; i < s->nsizes; i++) {
		if (s->folio_sizes[i] > maxsize)
			maxsize = s->folio_sizes[i];
		if (!fb_is_pow2(s->folio_sizes[i]) || s->folio_sizes[i] < FB_PAGE_SIZE) {
			snprintf(err, errlen,
				 "--folio-sizes %s: a folio size must be a power of two of at least 4K",
				 fb_size_str(s->folio_sizes[i], a, sizeof(a)));
			return -1;
		}
		if (!s->ncounts && s->total < s->folio_sizes[i]) {
			snprintf(err, errlen, "--total %s is smaller than the folio size %s",
				 fb_size_str(s->total, a, sizeof(a)),
				 fb_size_str(s->folio_sizes[i], b, sizeof(b)));
			return -1;
		}
	}
	for (size_t i = 0; i < s->ncounts; i++) {
		uint64_t bytes;

		if (!s->counts[i]) {
			snprintf(err, errlen, "--folio-count 0: a count must be at least 1");
			return -1;
		}
		if (s->counts[i] > maxcount)
			maxcount = s->counts[i];
		if (__builtin_mul_overflow(maxcount, maxsize, &bytes)) {
			snprintf(err, errlen, "--folio-count %llu: %llu folios of %s are more than "
				 "2^64 bytes", (unsigned long long)maxcount,
				 (unsigned long long)maxcount, fb_size_str(maxsize, a, sizeof(a)));
			return -1;
		}
	}
	for (size_t i = 0; i < s->nthreads; i++) {
		uint64_t t = s->threads[i];

		if (t < 1 || t > FB_MAX_THREADS) {
			snprintf(err, errlen, "--threads %llu: allowed 1..%d",
				 (unsigned long long)t, FB_MAX_THREADS);
			return -1;
		}
		if (!s->oversubscribe && (int)t > topo->ncpus) {
			snprintf(err, errlen,
				 "--threads %llu exceeds the %d online CPUs (use --oversubscribe)",
				 (unsigned long long)t, topo->ncpus);
			return -1;
		}
	}
	if (s->nchannels && !kmod) {
		snprintf(err, errlen, "--channels: DMA copies need --backend kmod");
		return -1;
	}
	for (size_t i = 0; i < s->nchannels; i++) {
		if (s->channels[i] < 1 || s->channels[i] > 64) {
			snprintf(err, errlen, "--channels %llu: allowed 1..64",
				 (unsigned long long)s->channels[i]);
			return -1;
		}
	}
	for (size_t i = 0; i < s->nfunctions; i++) {
		const struct fb_function *f = fb_function_find(s->functions[i]);
		char allowed[128];

		if (!f || !fb_function_runs(f, kmod, false)) {
			snprintf(err, errlen, "--function %s: unknown (allowed: %s)", s->functions[i],
				 fb_functions_allowed(kmod, false, allowed, sizeof(allowed)));
			return -1;
		}
	}
	if (s->nbatch_impls) {
		bool batched = false, variant = false;
		const char *v = NULL;

		for (size_t i = 0; i < s->nmodes; i++)
			batched |= s->modes[i] == FB_MODE_BATCHED;
		for (size_t i = 0; i < s->nbatch_impls; i++)
			if (s->batch_impls[i] != FB_BATCH_MEMCPY && !variant) {
				variant = true;
				v = fb_batch_impl_name(s->batch_impls[i]);
			}
		if (s->nprimitives) {
			snprintf(err, errlen, "--batch-impl: it says how a batched --function folio_copy copies; --primitive runs the primitive it names");
			return -1;
		}
		if (!batched) {
			snprintf(err, errlen, "--batch-impl: only --mode batched has variants (add batched to --mode)");
			return -1;
		}
		for (size_t i = 0; variant && i < s->nfunctions; i++) {
			if (strcmp(s->functions[i], "folio_copy")) {
				snprintf(err, errlen, "--batch-impl %s: a variant of folio_copy only (%s must copy machine-check safely); allowed with %s: memcpy",
					 v, s->functions[i], s->functions[i]);
				return -1;
			}
		}
		if (variant && s->nchannels) {
			snprintf(err, errlen, "--batch-impl %s: a CPU copy; DMA channels copy the folio themselves (drop --channels)", v);
			return -1;
		}
	}
	if (kmod && s->nprimitives) {
		snprintf(err, errlen, "--primitive: the kmod backend runs kernel functions; use --function");
		return -1;
	}
	for (size_t i = 0; i < s->nprimitives; i++)
		if (check_primitive(s->primitives[i], m->cpu, err, errlen))
			return -1;
	for (size_t i = 0; i < s->nnodes; i++) {
		int nodes[2] = { s->nodes[i].src, s->nodes[i].dst };

		for (int k = 0; k < 2; k++) {
			char why[FB_ERRLEN];

			if (m->node_check(nodes[k], why, sizeof(why))) {
				snprintf(err, errlen, "--%s-node %d: %s", k ? "dst" : "src",
					 nodes[k], why);
				return -1;
			}
		}
	}
	return 0;
}

void fb_spec_free(struct fb_spec *s)
{
	fb_free_list(s->functions, s->nfunctions);
	fb_free_list(s->primitives, s->nprimitives);
	free(s->folio_sizes);
	free(s->counts);
	free(s->threads);
	free(s->channels);
	free(s->cpulist);
	free(s->nodes);
	memset(s, 0, sizeof(*s));
}

/* The CPUs of a cell's threads from its placement, the error naming --cpus
 * when the user listed them. */
static int place(const struct fb_topology *topo, struct fb_cell *c, const int *cpulist,
		 int ncpulist, bool oversubscribe, char *err, size_t errlen)
{
	if (c->placement == FB_PLACE_LIST && ncpulist != c->threads) {
		snprintf(err, errlen, "--cpus lists %d CPUs but --threads is %d", ncpulist,
			 c->threads);
		return -1;
	}
	if (fb_placement_cpus(topo, c->placement, cpulist, ncpulist, c->threads,
			      oversubscribe, c->cpus, err, errlen)) {
		if (c->placement == FB_PLACE_LIST) {
			char why[FB_ERRLEN];

			snprintf(why, sizeof(why), "%s", err);
			snprintf(err, errlen, "--cpus: %s", why);
		}
		return -1;
	}
	return 0;
}

int fb_plan_count(const size_t *dims, size_t n, size_t *cells, char *err, size_t errlen)
{
	size_t prod = 1;
	bool over = false;

	for (size_t i = 0; i < n; i++) {
		if (!dims[i]) {
			snprintf(err, errlen, "the sweep is empty: every axis needs at least one value");
			return -1;
		}
		/* keep multiplying past the cap only to tell overflow apart */
		over |= __builtin_mul_overflow(prod, dims[i], &prod);
	}
	if (over || prod > FB_MAX_CELLS) {
		if (over)
			snprintf(err, errlen, "the sweep has more than %zu cells (the product of the "
				 "axis lists); at most %d per run: split it into several runs",
				 SIZE_MAX, FB_MAX_CELLS);
		else
			snprintf(err, errlen, "the sweep has %zu cells (the product of the axis "
				 "lists); at most %d per run: split it into several runs",
				 prod, FB_MAX_CELLS);
		return -1;
	}
	*cells = prod;
	return 0;
}

int fb_plan_build(const struct fb_spec *s, const struct fb_plan_machine *mach,
		  struct fb_cell **out, size_t *nout, char *err, size_t errlen)
{
	const struct fb_topology *topo = mach->topo;
	bool kmod = !strcmp(s->backend, "kmod");
	size_t nwhat = s->nprimitives ? s->nprimitives : s->nfunctions;
	size_t nkm = s->nprimitives ? 1 : (s->nkmodels ? s->nkmodels : 1);
	size_t nsize = s->nsizes, ncount = s->ncounts ? s->ncounts : 1;
	size_t npar = s->nchannels ? s->nchannels : s->nthreads;
	size_t cap, n = 0;
	struct fb_cell *cells;
	enum fb_kernel_model running = mach->running;

	size_t nbi = s->nbatch_impls ? s->nbatch_impls : 1;
	size_t dims[] = { nwhat, nkm, s->nmodes, nbi, s->nnodes, s->nevicts, s->nplacements, npar,
			  nsize, ncount };

	if (check_axes(s, mach, err, errlen) ||
	    fb_plan_count(dims, sizeof(dims) / sizeof(dims[0]), &cap, err, errlen))
		return -1;
	cells = calloc(cap, sizeof(*cells));
	if (!cells) {
		snprintf(err, errlen, "out of memory planning %zu cells", cap);
		return -1;
	}
	for (size_t w = 0; w < nwhat; w++)
	for (size_t k = 0; k < nkm; k++)
	for (size_t m = 0; m < s->nmodes; m++)
	for (size_t bi = 0; bi < nbi; bi++)
	for (size_t nd = 0; nd < s->nnodes; nd++)
	for (size_t e = 0; e < s->nevicts; e++)
	for (size_t pl = 0; pl < s->nplacements; pl++)
	for (size_t p = 0; p < npar; p++)
	for (size_t z = 0; z < nsize; z++)
	for (size_t q = 0; q < ncount; q++) {
		struct fb_cell *c = &cells[n];
		enum fb_kernel_model km;

		/* the variants are of the batched mode: one cell in the others */
		if (bi && s->modes[m] != FB_MODE_BATCHED)
			continue;
		c->id = (int)n;
		c->backend = s->backend;
		c->mode = s->modes[m];
		if (c->mode == FB_MODE_BATCHED && s->nbatch_impls) {
			c->batch_impl = s->batch_impls[bi];
			c->batch_impl_recorded = true;
		}
		c->src_node = s->nodes[nd].src;
		c->dst_node = s->nodes[nd].dst;
		c->evict = s->evicts[e];
		c->placement = s->placements[pl];
		c->folio_size = s->folio_sizes[z];
		c->folio_count = s->ncounts ? s->counts[q] : s->total / c->folio_size;
		c->channels = s->nchannels ? (int)s->channels[p] : 0;
		c->threads = s->nchannels ? 1 : (int)s->threads[p];
		c->backing = s->backing;
		c->verify = s->verify;
		c->src_zero = s->src_zero;
		c->kernel_model = -1;
		c->split = fb_split_resolve(s->split, c->folio_count, c->threads);
		if (c->mode == FB_MODE_KERNEL) {
			/* the kernel's own functions copy whole folios */
			if (!kmod) {
				snprintf(err, errlen, "--mode kernel runs this kernel's own folio_copy()/folio_mc_copy(): only --backend kmod has it");
				goto fail;
			}
			if (!s->nprimitives &&
			    !fb_function_runs(fb_function_find(s->functions[w]), kmod, true)) {
				char allowed[128];

				snprintf(err, errlen, "--mode kernel: %s is the module's list copy (seed 002), no kernel function; allowed %s",
					 s->functions[w], fb_functions_allowed(kmod, true, allowed, sizeof(allowed)));
				goto fail;
			}
			if (s->split == FB_SPLIT_CHUNK) {
				snprintf(err, errlen, "--split chunk: --mode kernel copies whole folios (allowed auto, folio)");
				goto fail;
			}
			c->split = FB_SPLIT_FOLIO;
		}
		if (place(topo, c, s->cpulist, s->ncpulist, s->oversubscribe, err, errlen))
			goto fail;
		if (s->nprimitives) {
			snprintf(c->primitive, sizeof(c->primitive), "%s", s->primitives[w]);
		} else {
			snprintf(c->function, sizeof(c->function), "%s", s->functions[w]);
			km = s->nkmodels ? s->kmodels[k] : running;
			if (kmod)
				km = running;
			c->kernel_model = (int)km;
			if (!kmod) {
				if (resolve_user(c, km, mach, err, errlen))
					goto fail;
			} else {
				struct fb_kpath kp;

				/* kernel mode: the module says what ran */
				if (c->batch_impl == FB_BATCH_REP_MOVSQ)
					describe_rep_movsq(c, km);
				else if (c->mode != FB_MODE_KERNEL &&
				    !fb_kpath_select_boot(mach->cpu, km,
						     cell_routine(c), mach->kboot, &kp))
					describe_path(c, km, &kp);
			}
		}
		n++;
	}
	*out = cells;
	*nout = n;
	return 0;
fail:
	free(cells);
	return -1;
}

int fb_plan_stores(const struct fb_stores_spec *s, const struct fb_plan_machine *m,
		   struct fb_cell **out, size_t *nout, char *err, size_t errlen)
{
	size_t cap, n = 0;
	struct fb_cell *cells;

	if (fb_plan_count((size_t[]){ s->nkernels, s->nthreads, s->nplacements, s->nevicts }, 4,
			  &cap, err, errlen))
		return -1;
	cells = calloc(cap, sizeof(*cells));
	if (!cells) {
		snprintf(err, errlen, "out of memory planning %zu cells", cap);
		return -1;
	}
	for (size_t k = 0; k < s->nkernels; k++)
	for (size_t t = 0; t < s->nthreads; t++)
	for (size_t p = 0; p < s->nplacements; p++)
	for (size_t e = 0; e < s->nevicts; e++) {
		struct fb_cell *c = &cells[n];
		const struct fb_store_method *sk = fb_store_method_find(s->kernels[k]);
		struct fb_kpath kp;

		if (!sk) {
			snprintf(err, errlen, "--kernel %s: unknown", s->kernels[k]);
			goto fail;
		}
		c->id = (int)n;
		c->experiment = "stores";
		c->backend = "user";
		c->kernel_model = -1;
		snprintf(c->primitive, sizeof(c->primitive), "%s", sk->name);
		c->mode = FB_MODE_PER_PAGE;     /* one store sequence per record */
		c->folio_size = s->record;      /* the record (a struct page) */
		c->folio_count = s->total / s->record;
		c->threads = (int)s->threads[t];
		c->split = FB_SPLIT_FOLIO;      /* contiguous blocks of records */
		c->placement = s->placements[p];
		c->src_node = c->dst_node = s->node;
		c->evict = s->evicts[e];
		c->backing = s->backing;
		c->verify = s->verify;
		if (place(m->topo, c, s->cpulist, s->ncpulist, s->oversubscribe, err, errlen))
			goto fail;
		/* the kernel line whose paths the records name: the running one */
		if (sk->routine >= 0 &&
		    !fb_kpath_select_boot(m->cpu, m->running, (enum fb_kroutine)sk->routine,
					  m->kboot, &kp)) {
			c->kernel_model = (int)m->running;
			fb_kpath_record_set(&c->kernel_path, (enum fb_kroutine)sk->routine,
					    m->running, &kp);
		}
		n++;
	}
	*out = cells;
	*nout = n;
	return 0;
fail:
	free(cells);
	return -1;
}

void fb_stores_spec_free(struct fb_stores_spec *s)
{
	fb_free_list(s->kernels, s->nkernels);
	free(s->threads);
	free(s->cpulist);
	memset(s, 0, sizeof(*s));
}

/* The first CPU of node id, -1 for a memory-only node. */
static int node_cpu(const struct fb_topology *t, int id)
{
	const struct fb_node *n = fb_topology_node(t, id);

	return n && n->ncpus ? n->cpus[0] : -1;
}

static int any_cpu_but(const struct fb_topology *t, int not)
{
	for (int i = 0; i < t->nnodes; i++)
		for (int k = 0; k < t->node[i].ncpus; k++)
			if (t->node[i].cpus[k] != not)
				return t->node[i].cpus[k];
	for (int i = 0; i < t->nllc; i++)
		for (int k = 0; k < t->llc[i].ncpus; k++)
			if (t->llc[i].cpus[k] != not)
				return t->llc[i].cpus[k];
	return not;
}

int fb_plan_migrate(const struct fb_migrate_spec *s, const struct fb_plan_machine *m,
		    struct fb_cell **out, size_t *nout, void **params, char *err, size_t errlen)
{
	const struct fb_topology *topo = m->topo;
	struct fb_migrate_params *prm;
	struct fb_cell *cells;
	size_t cap, n = 0, ncounts = s->ncounts ? s->ncounts : 1;

	if (fb_plan_count((size_t[]){ s->npairs, s->nsizes, ncounts, s->nbatches, 2 }, 5, &cap,
			  err, errlen))
		return -1;
	cells = calloc(cap, sizeof(*cells));
	prm = calloc(cap, sizeof(*prm));
	if (!cells || !prm) {
		free(cells);
		free(prm);
		snprintf(err, errlen, "out of memory planning %zu cells", cap);
		return -1;
	}
	for (size_t p = 0; p < s->npairs; p++) {
		int mover = s->ncpulist ? s->cpulist[0] : node_cpu(topo, s->pairs[p].dst);

		if (mover < 0)
			mover = node_cpu(topo, s->pairs[p].src);
		if (mover < 0)
			mover = any_cpu_but(topo, -1);
		for (size_t z = 0; z < s->nsizes; z++)
		for (size_t q = 0; q < ncounts; q++)
		for (size_t b = 0; b < s->nbatches; b++)
		for (int l = 0; l < 2; l++) {
			struct fb_cell *c = &cells[n];
			uint64_t bytes = s->ncounts ? s->counts[q] * s->sizes[z] : s->total;

			if (!s->loads[l])
				continue;
			c->id = (int)n;
			c->experiment = "migrate";
			c->backend = "migrate";
			c->params = &prm[n];
			snprintf(c->function, sizeof(c->function), "move_pages");
			/* The real kernel runs: its release is in the
			 * implementation; no modelled kernel path. */
			c->kernel_model = (int)m->running;
			/* Released kernels copy a migrating folio page by page. */
			c->mode = FB_MODE_PER_PAGE;
			c->folio_size = s->sizes[z];
			c->folio_count = bytes / s->sizes[z];
			c->threads = 1;
			c->split = FB_SPLIT_FOLIO;
			c->placement = FB_PLACE_LIST;
			c->cpus[0] = mover;
			c->src_node = s->pairs[p].src;
			c->dst_node = s->pairs[p].dst;
			c->evict = FB_EVICT_NONE;
			/* The folio size decides (4K: no THP, else that mTHP
			 * size); the obtained mix is in "backing". */
			c->backing = FB_BACK_AUTO;
			c->verify = true;
			prm[n].batch_all = s->batches[b] == 0;
			prm[n].batch_pages = s->batches[b] ? s->batches[b] : bytes / 4096;
			prm[n].load = l == 1;
			prm[n].accessor_cpu = l == 1 ? (s->ncpulist == 2 ? s->cpulist[1]
							    : any_cpu_but(topo, mover)) : -1;
			n++;
		}
	}
	*out = cells;
	*nout = n;
	*params = prm;
	return 0;
}

void fb_migrate_spec_free(struct fb_migrate_spec *s)
{
	free(s->pairs);
	free(s->sizes);
	free(s->counts);
	free(s->cpulist);
	memset(s, 0, sizeof(*s));
}

const char *fb_cell_label(const struct fb_cell *c, char *buf, size_t len)
{
	char sz[16];
	int off;

	off = snprintf(buf, len, "%s %s", c->function[0] ? c->function : c->primitive,
		       fb_mode_name(c->mode));
	if (c->batch_impl_recorded && off < (int)len)
		off += snprintf(buf + off, len - off, " %s", fb_batch_impl_name(c->batch_impl));
	if (c->kernel_model >= 0 && off < (int)len)
		off += snprintf(buf + off, len - off, " %s",
				fb_kernel_model_name((enum fb_kernel_model)c->kernel_model));
	if (off < (int)len)
		off += snprintf(buf + off, len - off, " %s x%llu", fb_size_str(c->folio_size, sz, sizeof(sz)),
				(unsigned long long)c->folio_count);
	if (off < (int)len) {
		if (c->channels)
			off += snprintf(buf + off, len - off, " dma%d", c->channels);
		else
			off += snprintf(buf + off, len - off, " t%d %s", c->threads,
					fb_placement_name(c->placement));
	}
	if (off < (int)len)
		snprintf(buf + off, len - off, " %d->%d evict=%s", c->src_node, c->dst_node,
			 fb_evict_name(c->evict));
	return buf;
}
