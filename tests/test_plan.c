/*
 * The sweep's size: the product of the axis lists may not overflow nor
 * exceed the cells one run may plan, and no cell may hold 2^64 bytes or
 * more.  Each of these once allocated too little and wrote past it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory.h"
#include "plan.h"
#include "util.h"
#include "check.h"

static struct fb_topology topo;

static int plan_fails(const struct fb_spec *s, const char *needle)
{
	struct fb_cell *cells = NULL;
	size_t n = 0;
	char err[FB_ERRLEN] = "";
	int rc = fb_plan_build(s, &topo, &cells, &n, err, sizeof(err));

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

int main(void)
{
	size_t cells, big = (size_t)1 << 16;
	char err[FB_ERRLEN];
	char *prim[] = { "libc" };
	char **prims = malloc(big * sizeof(*prims));
	struct fb_node_pair pair = { 0, 0 };
	struct fb_spec s = { 0 };
	int node = 0;

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

	if (fb_topology_load(&topo, NULL, err, sizeof(err))) {
		printf("# SKIP topology of this machine: %s\n", err);
		return 4;
	}
	/* A node with memory, as the plan checks the nodes first. */
	while (node < 64 && fb_node_check(node, NULL, 0))
		node++;
	pair.src = pair.dst = node;

	/* Four lists of 2^16 values each: 2^64 cells, which wrapped to 0. */
	for (size_t i = 0; i < big; i++)
		prims[i] = prim[0];
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
	check(plan_fails(&s, "more than"), "fb_plan_build: 2^64 cells are refused, not allocated");
	s.nprimitives = 2;
	check(plan_fails(&s, "at most 100000"), "fb_plan_build: 2^49 cells are over the cap");
	s.nprimitives = 1;
	s.nthreads = 1;
	s.nsizes = 4;
	s.ncounts = FB_MAX_CELLS / 4 + 1;
	check(plan_fails(&s, "at most 100000"), "fb_plan_build: 100004 cells, just over the cap, are refused");

	/* One cell of 2^70 bytes: count x size overflows. */
	s.nsizes = 1;
	s.ncounts = 1;
	s.folio_sizes[0] = 1ULL << 30;
	s.counts[0] = 1ULL << 40;
	check(plan_fails(&s, "more than 2^64 bytes"), "folio count x folio size over 2^64 is refused");
	s.counts[0] = 1ULL << 33;
	check(plan_fails(&s, "more than 2^64 bytes") == 0, "2^63 bytes do not overflow (memory is checked later)");

	fb_topology_free(&topo);
	free(prims);
	free(s.folio_sizes);
	free(s.counts);
	free(s.threads);
	return check_finish();
}
