// SPDX-License-Identifier: GPL-2.0-only
/*
 * The plan, for a machine it is handed: data/two-socket-8llc.xml (2 packages
 * x 4 L3 x 4 cores x 2 PUs, nodes 0 and 1 with CPUs, memory-only node 2) and
 * modelled CPUs, so what is checked does not depend on this host.
 *
 * And the sweep's size: the product of the axis lists may not overflow nor
 * exceed the cells one run may plan, and no cell may hold 2^64 bytes or
 * more.  Each of these once allocated too little and wrote past it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migrate.h"
#include "plan.h"
#include "util.h"
#include "check.h"

#define XML "data/two-socket-8llc.xml"

static struct fb_topology topo;

/* A node has memory when the XML gives it some; the words of fb_node_check. */
static int xml_node_check(int node, char *why, size_t len)
{
	const struct fb_node *n = fb_topology_node(&topo, node);

	if (n && n->mem_total > 0)
		return 0;
	if (why && len)
		snprintf(why, len, "node %d: no such NUMA node (nodes with memory: 0-2)", node);
	return -1;
}

static int plan_fails(const struct fb_spec *s, const struct fb_plan_machine *m,
		      const char *needle)
{
	struct fb_cell *cells = NULL;
	size_t n = 0;
	char err[FB_ERRLEN] = "";
	int rc = fb_plan_build(s, m, &cells, &n, err, sizeof(err));

	if (!rc)
		free(cells);
	printf("# %s\n", err);
	return rc && strstr(err, needle);
}

static uint64_t *repeat(uint64_t v, size_t n)
{
	uint64_t *a = malloc(n * sizeof(*a));

	for (size_t i = 0; a && i < n; i++)
		a[i] = v;
	return a;
}

static void test_count(void)
{
	size_t cells, big = (size_t)1 << 16;
	char err[FB_ERRLEN];

	check(!fb_plan_count((size_t[]){ 2, 3, 4 }, 3, &cells, err, sizeof(err)) && cells == 24,
	      "2 x 3 x 4 axis values are 24 cells");
	check(fb_plan_count((size_t[]){ 2, 0, 4 }, 3, &cells, err, sizeof(err)) &&
	      strstr(err, "empty"), "an axis without values is an empty sweep");
	check(!fb_plan_count((size_t[]){ FB_MAX_CELLS }, 1, &cells, err, sizeof(err)) &&
	      cells == FB_MAX_CELLS, "exactly the cap is allowed");
	check(fb_plan_count((size_t[]){ FB_MAX_CELLS, 2 }, 2, &cells, err, sizeof(err)) &&
	      strstr(err, "200000 cells") && strstr(err, "at most 100000"),
	      "twice the cap is refused, naming both");
	check(fb_plan_count((size_t[]){ big, big, big, big }, 4, &cells, err, sizeof(err)) &&
	      strstr(err, "more than"), "2^64 cells: the product overflows and is refused");
	check(fb_plan_count((size_t[]){ big, big, big, big, 0 }, 5, &cells, err, sizeof(err)) &&
	      strstr(err, "empty"), "an empty axis wins over an overflowing product");
}

static void test_caps(const struct fb_plan_machine *m)
{
	size_t big = (size_t)1 << 16;
	char **prims = malloc(big * sizeof(*prims));
	struct fb_node_pair pair = { 0, 0 };
	struct fb_spec s = { 0 };

	/* Four lists of 2^16 values each: 2^64 cells, which wrapped to 0. */
	for (size_t i = 0; i < big; i++)
		prims[i] = "libc";
	s.backend = "user";
	s.primitives = prims;
	s.nprimitives = big;
	s.modes[0] = FB_MODE_BATCHED;
	s.nmodes = 1;
	s.folio_sizes = repeat(4096, big);
	s.nsizes = big;
	s.counts = repeat(1, big);
	s.ncounts = big;
	s.threads = repeat(1, big);
	s.nthreads = big;
	s.oversubscribe = true;
	s.placements[0] = FB_PLACE_SPREAD;
	s.nplacements = 1;
	s.nodes = &pair;
	s.nnodes = 1;
	s.evicts[0] = FB_EVICT_NONE;
	s.nevicts = 1;
	check(plan_fails(&s, m, "more than"), "fb_plan_build: 2^64 cells are refused, not allocated");
	s.nprimitives = 2;
	check(plan_fails(&s, m, "at most 100000"), "fb_plan_build: 2^49 cells are over the cap");
	s.nprimitives = 1;
	s.nthreads = 1;
	s.nsizes = 4;
	s.ncounts = FB_MAX_CELLS / 4 + 1;
	check(plan_fails(&s, m, "at most 100000"),
	      "fb_plan_build: 100004 cells, just over the cap, are refused");

	/* One cell of 2^70 bytes: count x size overflows. */
	s.nsizes = 1;
	s.ncounts = 1;
	s.folio_sizes[0] = 1ULL << 30;
	s.counts[0] = 1ULL << 40;
	check(plan_fails(&s, m, "more than 2^64 bytes"), "folio count x folio size over 2^64 is refused");
	s.counts[0] = 1ULL << 33;
	check(plan_fails(&s, m, "more than 2^64 bytes") == 0,
	      "2^63 bytes do not overflow (memory is checked later)");
	free(prims);
	free(s.folio_sizes);
	free(s.counts);
	free(s.threads);
}

/* folio_copy and folio_mc_copy x 6.1, 6.12 x per-page, batched x 1, 8 threads
 * x 4K, 2M: 32 cells in axis order, the last axis fastest. */
static void copy_spec(struct fb_spec *s, char **functions, uint64_t *threads, uint64_t *sizes,
		      struct fb_node_pair *pair)
{
	memset(s, 0, sizeof(*s));
	s->backend = "user";
	s->functions = functions;
	s->nfunctions = 2;
	s->kmodels[0] = FB_KM_6_1;
	s->kmodels[1] = FB_KM_6_12;
	s->nkmodels = 2;
	s->modes[0] = FB_MODE_PER_PAGE;
	s->modes[1] = FB_MODE_BATCHED;
	s->nmodes = 2;
	s->folio_sizes = sizes;
	s->nsizes = 2;
	s->total = 64ULL << 20;
	s->threads = threads;
	s->nthreads = 2;
	s->split = FB_SPLIT_AUTO;
	s->placements[0] = FB_PLACE_SPREAD;
	s->nplacements = 1;
	s->nodes = pair;
	s->nnodes = 1;
	s->evicts[0] = FB_EVICT_NONE;
	s->nevicts = 1;
}

static const struct fb_cell *find(const struct fb_cell *c, size_t n, const char *function,
				  int km, enum fb_mode mode, int threads, uint64_t size)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(c[i].function, function) && c[i].kernel_model == km &&
		    c[i].mode == mode && c[i].threads == threads && c[i].folio_size == size)
			return &c[i];
	return NULL;
}

static void test_copy(const struct fb_plan_machine *fsrm, const struct fb_plan_machine *erms)
{
	char *functions[] = { "folio_copy", "folio_mc_copy" };
	uint64_t threads[] = { 1, 8 }, sizes[] = { 4096, 2ULL << 20 };
	struct fb_node_pair pair = { 0, 1 };
	struct fb_cell *cells = NULL, *other = NULL;
	size_t n = 0, n2 = 0;
	char err[FB_ERRLEN] = "", path[300];
	const struct fb_cell *c;
	struct fb_spec s;
	bool ok = true;
	int seen[8] = { 0 };

	copy_spec(&s, functions, threads, sizes, &pair);
	check(!fb_plan_build(&s, fsrm, &cells, &n, err, sizeof(err)) && n == 32,
	      "copy: 2 functions x 2 kernel lines x 2 modes x 2 thread counts x 2 sizes = 32 cells");
	if (!cells)
		return;
	for (size_t i = 0; i < n; i++)
		ok &= cells[i].id == (int)i && !cells[i].params &&
		      cells[i].folio_count * cells[i].folio_size == 64ULL << 20 &&
		      cells[i].src_node == 0 && cells[i].dst_node == 1;
	check(ok, "every cell: its index as id, no params, 64M, 0->1");
	check(!strcmp(cells[0].function, "folio_copy") && cells[0].kernel_model == FB_KM_6_1 &&
	      cells[0].mode == FB_MODE_PER_PAGE && cells[0].threads == 1 &&
	      cells[0].folio_size == 4096 && cells[1].folio_size == 2ULL << 20 &&
	      cells[2].threads == 8 && cells[4].mode == FB_MODE_BATCHED &&
	      cells[8].kernel_model == FB_KM_6_12 && !strcmp(cells[16].function, "folio_mc_copy"),
	      "cells in axis order: function, kernel line, mode, threads, size (fastest)");
	c = find(cells, n, "folio_copy", FB_KM_6_12, FB_MODE_PER_PAGE, 8, 4096);
	for (int i = 0; c && i < 8; i++)
		seen[c->cpus[i] % 32 / 4]++;
	for (int d = 0; c && d < 8; d++)
		ok &= seen[d] == 1;
	check(c && ok, "8 spread threads of the 64-CPU machine: one per LLC domain");
	c = find(cells, n, "folio_copy", FB_KM_6_12, FB_MODE_BATCHED, 1, 2ULL << 20);
	check(c && c->split == FB_SPLIT_FOLIO && c->kernel_path.routine == FB_KR_MEMCPY &&
	      c->kernel_path.model == FB_KM_6_12 &&
	      !strncmp(fb_kpath_concise(&c->kernel_path, fb_mode_name(c->mode), path, sizeof(path)),
		       "batched 6.12: ", 14),
	      "1 thread of 32 folios: whole folios; the path names routine and kernel line");
	c = find(cells, n, "folio_copy", FB_KM_6_12, FB_MODE_BATCHED, 8, 2ULL << 20);
	check(c && c->split == FB_SPLIT_FOLIO && fb_split_resolve(FB_SPLIT_AUTO, 4, 8) == FB_SPLIT_CHUNK,
	      "auto split: 32 folios over 8 threads whole, 4 folios over 8 in chunks");

	/* The modelled CPU decides the primitive, not this host's. */
	check(!fb_plan_build(&s, erms, &other, &n2, err, sizeof(err)) && n2 == n,
	      "copy: the same sweep on a CPU without FSRM");
	c = find(cells, n, "folio_copy", FB_KM_6_12, FB_MODE_BATCHED, 1, 4096);
	printf("# FSRM: %s [%s]\n", c ? c->primitive : "-", c ? c->kernel_path.why : "-");
	check(c && !strcmp(c->primitive, "rep_movsb"),
	      "6.12 batched folio_copy (memcpy) with FSRM: rep_movsb");
	c = other ? find(other, n2, "folio_copy", FB_KM_6_12, FB_MODE_BATCHED, 1, 4096) : NULL;
	printf("# no FSRM: %s [%s]\n", c ? c->primitive : "-", c ? c->kernel_path.why : "-");
	check(c && !strcmp(c->primitive, "memcpy_orig"),
	      "6.12 batched folio_copy without FSRM: memcpy_orig");
	free(other);
	free(cells);
	cells = NULL;

	/* No kernel line asked: the running one, as the machine says. */
	s.nkmodels = 0;
	check(!fb_plan_build(&s, erms, &cells, &n, err, sizeof(err)) && n == 16 &&
	      cells[0].kernel_model == (int)erms->running,
	      "no --kernel-model: the machine's running kernel line");
	free(cells);
	s.nkmodels = 2;

	/* 64 threads fit this machine (not a 2-CPU host); 65 do not. */
	threads[1] = 64;
	check(!fb_plan_build(&s, fsrm, &cells, &n, err, sizeof(err)), "64 threads on 64 CPUs");
	free(cells);
	threads[1] = 65;
	check(plan_fails(&s, fsrm, "--threads 65 exceeds the 64 online CPUs"),
	      "65 threads exceed the machine's 64 CPUs");
	threads[1] = 8;
	pair.dst = 2;
	check(!fb_plan_build(&s, fsrm, &cells, &n, err, sizeof(err)),
	      "the memory-only node 2 is a destination");
	free(cells);
	pair.dst = 3;
	check(plan_fails(&s, fsrm, "--dst-node 3: node 3: no such NUMA node"),
	      "node 3: the machine's node check names it");
	pair.dst = 1;
	s.modes[1] = FB_MODE_KERNEL;
	check(plan_fails(&s, fsrm, "only --backend kmod"), "--mode kernel needs the module");
	s.modes[1] = FB_MODE_BATCHED;
	s.placements[0] = FB_PLACE_LIST;
	s.cpulist = (int[]){ 3, 40 };
	s.ncpulist = 2;
	check(plan_fails(&s, fsrm, "--cpus lists 2 CPUs but --threads is 1"),
	      "--cpus with 2 CPUs for 1 thread");
}

/* --batch-impl: the variants of batched folio_copy, one cell per other mode. */
static void test_batch_impl(const struct fb_plan_machine *erms)
{
	char *functions[] = { "folio_copy", "folio_mc_copy" }, *prims[] = { "libc" };
	uint64_t threads[] = { 1 }, sizes[] = { 2ULL << 20 };
	struct fb_node_pair pair = { 0, 1 };
	struct fb_cell *cells = NULL;
	size_t n = 0, variants = 0, recorded = 0;
	char err[FB_ERRLEN] = "";
	struct fb_spec s;
	bool same = true;

	copy_spec(&s, functions, threads, sizes, &pair);
	s.nfunctions = 1;
	s.nthreads = 1;
	s.nsizes = 1;
	s.batch_impls[0] = FB_BATCH_MEMCPY;
	s.batch_impls[1] = FB_BATCH_COPY_PAGE;
	s.batch_impls[2] = FB_BATCH_REP_MOVSQ;
	s.nbatch_impls = 3;
	check(!fb_plan_build(&s, erms, &cells, &n, err, sizeof(err)) && n == 8,
	      "--batch-impl x3: 2 kernel lines x (per page + 3 batched variants) = 8 cells");
	for (size_t i = 0; cells && i < n; i++) {
		const struct fb_cell *c = &cells[i];

		variants += c->batch_impl != FB_BATCH_MEMCPY;
		recorded += c->batch_impl_recorded;
		/* cells: per page, memcpy, copy_page, rep_movsq per kernel line */
		if (c->batch_impl == FB_BATCH_COPY_PAGE)
			same &= !strcmp(c->primitive, cells[i - 2].primitive) &&
				cells[i - 2].mode == FB_MODE_PER_PAGE &&
				c->kernel_path.routine == FB_KR_COPY_PAGE &&
				strstr(c->kernel_path.why, "batch-impl copy_page") != NULL;
		if (c->batch_impl == FB_BATCH_REP_MOVSQ)
			same &= !strcmp(c->primitive, "rep_movsq") && c->kernel_path.routine == -1 &&
				!strcmp(c->kernel_path.impl, "rep movsq");
		if (c->mode == FB_MODE_BATCHED && c->batch_impl == FB_BATCH_MEMCPY &&
		    c->kernel_model == FB_KM_6_12)
			same &= !strcmp(c->primitive, "memcpy_orig");
	}
	checkf(variants == 4 && recorded == 6,
	       "the variants are batched cells, recorded there only (%zu variants, %zu recorded)",
	       variants, recorded);
	check(same, "copy_page runs per page's primitive, rep_movsq rep_movsq, memcpy the model's memcpy");
	free(cells);

	s.functions = functions + 1;
	check(plan_fails(&s, erms, "--batch-impl copy_page: a variant of folio_copy only"),
	      "--batch-impl copy_page with folio_mc_copy is refused");
	s.nbatch_impls = 1;
	cells = NULL;
	check(!fb_plan_build(&s, erms, &cells, &n, err, sizeof(err)),
	      "--batch-impl memcpy with folio_mc_copy is allowed");
	free(cells);
	s.functions = functions;
	s.batch_impls[0] = FB_BATCH_REP_MOVSQ;
	s.nmodes = 1;
	check(plan_fails(&s, erms, "only --mode batched has variants"),
	      "--batch-impl without --mode batched is refused");
	s.nmodes = 2;
	s.primitives = prims;
	s.nprimitives = 1;
	s.nfunctions = 0;
	s.nkmodels = 0;
	check(plan_fails(&s, erms, "--primitive runs the primitive it names"),
	      "--batch-impl with --primitive is refused");
}

static void test_stores(const struct fb_plan_machine *m)
{
	char *kernels[] = { "cached", "flushcache" };
	uint64_t threads[] = { 1, 16 };
	struct fb_stores_spec s = {
		.kernels = kernels, .nkernels = 2, .record = 64, .total = 1ULL << 20,
		.threads = threads, .nthreads = 2,
		.placements = { FB_PLACE_SPREAD, FB_PLACE_FILL }, .nplacements = 2,
		.node = 1, .evicts = { FB_EVICT_NONE }, .nevicts = 1, .backing = FB_BACK_AUTO,
	};
	struct fb_cell *cells = NULL;
	char err[FB_ERRLEN] = "", path[300];
	size_t n = 0;
	bool ok = true;

	check(!fb_plan_stores(&s, m, &cells, &n, err, sizeof(err)) && n == 8,
	      "stores: 2 kernels x 2 thread counts x 2 placements = 8 cells");
	if (!cells)
		return;
	for (size_t i = 0; i < n; i++)
		ok &= cells[i].id == (int)i && !strcmp(cells[i].experiment, "stores") &&
		      cells[i].folio_size == 64 && cells[i].folio_count == (1 << 20) / 64 &&
		      cells[i].src_node == 1 && cells[i].dst_node == 1 &&
		      cells[i].split == FB_SPLIT_FOLIO;
	check(ok, "every stores cell: the record as folio size, 16384 records, node 1");
	check(!strcmp(cells[0].primitive, "cached") && cells[0].kernel_model == -1 &&
	      !cells[0].kernel_path.impl[0], "cached models no kernel routine: no path");
	check(!strcmp(cells[4].primitive, "flushcache") && cells[4].kernel_model == (int)m->running &&
	      cells[4].kernel_path.routine == FB_KR_MEMCPY_FLUSHCACHE &&
	      !strncmp(fb_kpath_concise(&cells[4].kernel_path, NULL, path, sizeof(path)),
		       "memcpy_flushcache 6.12: ", 24),
	      "flushcache: memcpy_flushcache's path on the running kernel line");
	printf("# %s\n", fb_kpath_concise(&cells[4].kernel_path, NULL, path, sizeof(path)));
	ok = cells[3].threads == 16 && cells[3].placement == FB_PLACE_FILL;
	for (int i = 0; ok && i < 16; i++)
		ok = cells[3].cpus[i] % 32 / 4 < 2;
	check(ok, "16 filled threads: LLC domains 0 and 1 only");
	free(cells);
	threads[1] = 65;
	check(fb_plan_stores(&s, m, &cells, &n, err, sizeof(err)) && strstr(err, "65"),
	      "stores: 65 threads cannot be placed on 64 CPUs");
	printf("# %s\n", err);
}

static void test_migrate(const struct fb_plan_machine *m)
{
	struct fb_node_pair pairs[] = { { 0, 1 }, { 1, 2 } };
	struct fb_migrate_spec s = {
		.pairs = pairs, .npairs = 2, .sizes = (uint64_t[]){ 4096, 2ULL << 20 }, .nsizes = 2,
		.batches = { 0, 512 }, .nbatches = 2, .loads = { true, true }, .total = 64ULL << 20,
	};
	const struct fb_migrate_params *p;
	struct fb_cell *cells = NULL;
	void *params = NULL;
	char err[FB_ERRLEN] = "";
	size_t n = 0;
	bool ok = true;

	check(!fb_plan_migrate(&s, m, &cells, &n, &params, err, sizeof(err)) && n == 16,
	      "migrate: 2 directions x 2 sizes x 2 batches x 2 loads = 16 cells");
	if (!cells)
		return;
	p = params;
	for (size_t i = 0; i < n; i++)
		ok &= cells[i].params == &p[i] && cells[i].id == (int)i && cells[i].verify &&
		      !strcmp(cells[i].function, "move_pages") &&
		      cells[i].kernel_model == (int)m->running;
	check(ok, "each cell points at its own params");
	check(p[0].batch_all && p[0].batch_pages == (64 << 20) / 4096 && !p[0].load &&
	      p[0].accessor_cpu == -1, "batch all: the whole 64M in one call, no load");
	check(!p[2].batch_all && p[2].batch_pages == 512 && p[3].load && p[3].accessor_cpu >= 0,
	      "batch 512, and the rw load with an accessor CPU");
	check(cells[0].cpus[0] == 16 && cells[0].src_node == 0 && cells[0].dst_node == 1,
	      "0->1: the mover on the destination's first CPU (16)");
	check(cells[8].cpus[0] == 16 && cells[8].dst_node == 2,
	      "1->2: node 2 has no CPUs, the mover on the source's (16)");
	check(p[3].accessor_cpu != cells[3].cpus[0], "the accessor is not the mover's CPU");
	free(cells);
	free(params);
	s.cpulist = (int[]){ 3, 5 };
	s.ncpulist = 2;
	s.npairs = 1;
	s.loads[0] = false;
	check(!fb_plan_migrate(&s, m, &cells, &n, &params, err, sizeof(err)) && n == 4 &&
	      cells[0].cpus[0] == 3 && ((const struct fb_migrate_params *)params)[0].accessor_cpu == 5,
	      "--cpus 3,5: mover 3, accessor 5; rw only: 4 cells");
	free(cells);
	free(params);

	/* --folio-count: one cell per count, each moving its own folios */
	s.counts = (uint64_t[]){ 1, 8 };
	s.ncounts = 2;
	s.total = 0;
	check(!fb_plan_migrate(&s, m, &cells, &n, &params, err, sizeof(err)) && n == 8,
	      "--folio-count 1,8: 2 sizes x 2 counts x 2 batches x rw = 8 cells");
	p = params;
	check(n == 8 && cells[4].folio_size == 2ULL << 20 && cells[4].folio_count == 1 &&
	      p[4].batch_all && p[4].batch_pages == 512 && cells[6].folio_count == 8 &&
	      p[6].batch_pages == 8 * 512 && p[7].batch_pages == 512 && cells[2].folio_count == 8 &&
	      cells[2].folio_size == 4096,
	      "count before batch: a 2M folio is 512 pages, 8 of them 4096; batch all moves them");
	free(cells);
	free(params);
}

int main(void)
{
	struct fb_cpu spr, icx;
	struct fb_kboot boot;
	char err[FB_ERRLEN];
	struct fb_plan_machine fsrm = { 0 }, erms;

	test_count();
	if (fb_topology_load(&topo, XML, err, sizeof(err))) {
		checkf(0, "load " XML ": %s", err);
		return check_finish();
	}
	/* A Sapphire Rapids (FSRM) and an Ice Lake server without it. */
	fb_cpu_from_flags(&spr, "GenuineIntel", 6, 0x8f,
			  "sse2 erms fsrm avx2 avx512f clflush clflushopt clwb movdir64b");
	fb_cpu_from_flags(&icx, "GenuineIntel", 6, 0x6a,
			  "sse2 erms avx2 avx512f clflush clflushopt clwb");
	fb_kboot_unknown(&boot);
	fsrm = (struct fb_plan_machine){ &spr, &boot, FB_KM_6_12, &topo, xml_node_check };
	erms = (struct fb_plan_machine){ &icx, &boot, FB_KM_6_1, &topo, xml_node_check };
	test_caps(&fsrm);
	test_copy(&fsrm, &erms);
	test_batch_impl(&erms);
	test_stores(&fsrm);
	test_migrate(&fsrm);
	fb_topology_free(&topo);
	return check_finish();
}
