// SPDX-License-Identifier: GPL-2.0-only
/*
 * Topology loading and thread placement.  Runs from tests/ so the synthetic
 * machine is data/two-socket-8llc.xml: 2 packages x 4 L3 x 4 cores x 2 PUs,
 * Linux-style numbering (core c has PUs c and c+32), NUMA nodes 0 and 1 (one
 * per package) and a memory-only node 2 near package 0.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#endif
#include "topology.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"

#define XML "data/two-socket-8llc.xml"

/* The detail (what the CPUs were) only when the check fails. */
static void check_cpus(int ok, const char *what, const char *detail)
{
	checkf(ok, "%s%s%s", what, !ok && detail && *detail ? ": " : "",
	       !ok && detail ? detail : "");
}

static int same(const int *a, const int *b, int n)
{
	return !memcmp(a, b, sizeof(int) * (size_t)n);
}

static const char *fmt(const int *cpus, int n)
{
	static char buf[512];

	fb_cpulist_format(cpus, n, buf, sizeof(buf));
	return buf;
}

static void test_xml(void)
{
	struct fb_topology t;
	char err[256] = "";
	int cpus[80], rc, seen[8], ok;

	rc = fb_topology_load(&t, XML, err, sizeof(err));
	check_cpus(rc == 0, "load " XML, err);
	if (rc)
		return;
	check_cpus(t.nllc == 8, "8 LLC domains", NULL);
	check_cpus(t.ncpus == 64, "64 CPUs", NULL);
	check_cpus(t.npackages == 2, "2 packages", NULL);
	check_cpus(strstr(t.source, "L3") && strstr(t.source, "two-socket-8llc.xml"),
	      "source names L3 and the XML file", t.source);
	ok = 1;
	for (int d = 0; d < t.nllc; d++)
		ok &= t.llc[d].index == d && t.llc[d].ncpus == 8 &&
		      t.llc[d].package == d / 4 &&
		      t.llc[d].size == 32ull << 20;
	check_cpus(ok, "each LLC: 8 CPUs, 32 MiB, package 0 for 0-3 and 1 for 4-7", NULL);
	{
		int want[] = { 4, 5, 6, 7, 36, 37, 38, 39 };

		check_cpus(same(t.llc[1].cpus, want, 8),
		      "LLC 1 order is distinct cores first, then siblings",
		      fmt(t.llc[1].cpus, t.llc[1].ncpus));
	}
	check_cpus(fb_topology_llc_of(&t, 37) == 1 && fb_topology_llc_of(&t, 63) == 7 &&
	      fb_topology_llc_of(&t, 99) == -1, "llc_of 37, 63, 99", NULL);

	/* NUMA nodes */
	check_cpus(t.nnodes == 3, "3 NUMA nodes", NULL);
	{
		const struct fb_node *n0 = fb_topology_node(&t, 0);
		const struct fb_node *n1 = fb_topology_node(&t, 1);
		const struct fb_node *n2 = fb_topology_node(&t, 2);
		int w0[32], w1[32];

		for (int i = 0; i < 16; i++) {
			w0[i] = i, w0[16 + i] = 32 + i;
			w1[i] = 16 + i, w1[16 + i] = 48 + i;
		}
		check_cpus(n0 && n0->ncpus == 32 && same(n0->cpus, w0, 32) &&
		      n0->mem_total == 64ll << 30, "node 0: CPUs 0-15,32-47, 64 GiB",
		      n0 ? fmt(n0->cpus, n0->ncpus) : "missing");
		check_cpus(n1 && n1->ncpus == 32 && same(n1->cpus, w1, 32),
		      "node 1: CPUs 16-31,48-63", n1 ? fmt(n1->cpus, n1->ncpus) : "missing");
		check_cpus(n2 && n2->ncpus == 0 && !n2->cpus && n2->mem_total == 128ll << 30 &&
		      n2->mem_free == n2->mem_total,
		      "node 2: memory-only, 128 GiB, free = total from XML",
		      n2 ? fmt(n2->cpus, n2->ncpus) : "missing");
		check_cpus(t.node[0].id == 0 && t.node[1].id == 1 && t.node[2].id == 2,
		      "nodes sorted by id", NULL);
		check_cpus(fb_topology_node(&t, 3) == NULL, "node 3 does not exist", NULL);
	}

	/* spread */
	rc = fb_placement_cpus(&t, FB_PLACE_SPREAD, NULL, 0, 8, 0, cpus, err, sizeof(err));
	memset(seen, 0, sizeof(seen));
	ok = rc == 0;
	for (int i = 0; ok && i < 8; i++) {
		int d = fb_topology_llc_of(&t, cpus[i]);

		ok = d == i && !seen[d]++;
	}
	check_cpus(ok, "spread 8 threads: one per LLC", fmt(cpus, 8));
	rc = fb_placement_cpus(&t, FB_PLACE_SPREAD, NULL, 0, 16, 0, cpus, err, sizeof(err));
	memset(seen, 0, sizeof(seen));
	ok = rc == 0;
	for (int i = 0; ok && i < 16; i++)
		seen[fb_topology_llc_of(&t, cpus[i])]++;
	for (int d = 0; ok && d < 8; d++)
		ok = seen[d] == 2;
	for (int i = 0; ok && i < 16; i++)
		ok = cpus[i] < 32; /* a distinct core each: no sibling yet */
	check_cpus(ok, "spread 16 threads: each LLC twice, 16 distinct cores", fmt(cpus, 16));
	rc = fb_placement_cpus(&t, FB_PLACE_SPREAD, NULL, 0, 64, 0, cpus, err, sizeof(err));
	ok = rc == 0;
	for (int i = 0; ok && i < 64; i++)
		ok = (i < 32) == (cpus[i] < 32);
	check_cpus(ok, "spread 64 threads: all 32 cores before any SMT sibling", fmt(cpus, 64));

	/* fill */
	{
		int want[] = { 0, 1, 2, 3, 32, 33, 34, 35 };
		int want10[] = { 0, 1, 2, 3, 32, 33, 34, 35, 4, 5 };

		rc = fb_placement_cpus(&t, FB_PLACE_FILL, NULL, 0, 8, 0, cpus, err, sizeof(err));
		check_cpus(rc == 0 && same(cpus, want, 8),
		      "fill 8 threads: LLC 0, its 4 cores then their siblings", fmt(cpus, 8));
		rc = fb_placement_cpus(&t, FB_PLACE_FILL, NULL, 0, 10, 0, cpus, err, sizeof(err));
		check_cpus(rc == 0 && same(cpus, want10, 10), "fill 10 threads: spills into LLC 1",
		      fmt(cpus, 10));
	}

	/* list */
	{
		int good[] = { 5, 37, 16 }, off[] = { 0, 99 };

		rc = fb_placement_cpus(&t, FB_PLACE_LIST, good, 3, 3, 0, cpus, err, sizeof(err));
		check_cpus(rc == 0 && same(cpus, good, 3), "list 5,37,16 kept in order", err);
		rc = fb_placement_cpus(&t, FB_PLACE_LIST, off, 2, 2, 0, cpus, err, sizeof(err));
		check_cpus(rc == -1 && !strcmp(err, "cpu 99 is not online (online: 0-63)"),
		      "list with cpu 99: error names it", err);
		rc = fb_placement_cpus(&t, FB_PLACE_LIST, good, 3, 4, 0, cpus, err, sizeof(err));
		check_cpus(rc == -1 && strstr(err, "3 CPUs") && strstr(err, "--threads is 4"),
		      "list of 3 CPUs for 4 threads: error", err);
	}

	/* thread counts */
	rc = fb_placement_cpus(&t, FB_PLACE_SPREAD, NULL, 0, 0, 0, cpus, err, sizeof(err));
	check_cpus(rc == -1 && strstr(err, "--threads 0"), "0 threads: error", err);
	rc = fb_placement_cpus(&t, FB_PLACE_FILL, NULL, 0, 65, 0, cpus, err, sizeof(err));
	check_cpus(rc == -1 &&
	      !strcmp(err, "--threads 65 exceeds the 64 online CPUs (use --oversubscribe)"),
	      "65 threads without --oversubscribe: error", err);
	rc = fb_placement_cpus(&t, FB_PLACE_SPREAD, NULL, 0, 66, 1, cpus, err, sizeof(err));
	check_cpus(rc == 0 && cpus[64] == cpus[0] && cpus[65] == cpus[1] && cpus[1] == 4,
	      "66 threads with --oversubscribe: placement order repeats", err);

	fb_topology_free(&t);
	check_cpus(t.llc == NULL && t.nllc == 0, "free clears the struct", NULL);
}

/* Hand-built topologies: the exact messages on a 2-CPU box, uneven domains. */
static void test_small(void)
{
	int c01[] = { 0, 1 }, c2[] = { 2, 3, 4, 5 };
	struct fb_llc two[] = { { 0, 0, 0, 2, c01 } };
	struct fb_topology t = { .ncpus = 2, .npackages = 1, .nllc = 1, .llc = two };
	struct fb_llc uneven[] = { { 0, 0, 0, 2, c01 }, { 1, 0, 0, 4, c2 } };
	struct fb_topology u = { .ncpus = 6, .npackages = 1, .nllc = 2, .llc = uneven };
	int cpus[8], rc, l99[] = { 99 }, dup[] = { 1, 1 };
	char err[256] = "";

	rc = fb_placement_cpus(&t, FB_PLACE_SPREAD, NULL, 0, 4, 0, cpus, err, sizeof(err));
	check_cpus(rc == -1 && !strcmp(err, "--threads 4 exceeds the 2 online CPUs (use --oversubscribe)"),
	      "2-CPU box, 4 threads: exact message", err);
	rc = fb_placement_cpus(&t, FB_PLACE_LIST, l99, 1, 1, 0, cpus, err, sizeof(err));
	check_cpus(rc == -1 && !strcmp(err, "cpu 99 is not online (online: 0-1)"),
	      "2-CPU box, list 99: exact message", err);
	rc = fb_placement_cpus(&t, FB_PLACE_LIST, dup, 2, 2, 0, cpus, err, sizeof(err));
	check_cpus(rc == -1 && strstr(err, "cpu 1 is listed twice"), "list 1,1: error", err);
	rc = fb_placement_cpus(&t, FB_PLACE_LIST, dup, 2, 2, 1, cpus, err, sizeof(err));
	check_cpus(rc == 0 && cpus[0] == 1 && cpus[1] == 1, "list 1,1 with --oversubscribe", err);
	{
		int want[] = { 0, 2, 1, 3, 4, 5 };

		rc = fb_placement_cpus(&u, FB_PLACE_SPREAD, NULL, 0, 6, 0, cpus, err, sizeof(err));
		check_cpus(rc == 0 && same(cpus, want, 6),
		      "spread over uneven domains skips the exhausted one", fmt(cpus, 6));
	}
}

static void test_cpulist(void)
{
	int in[] = { 0, 1, 2, 3, 8, 10, 11 }, smt[] = { 0, 32, 1, 33 };
	char buf[64], err[256] = "";
	int *v = NULL, n = 0, rc;
	static const char *bad[][2] = {
		{ "0-3,x", "\"x\"" }, { "3-1", "\"3-1\"" }, { "0,,1", "empty token" },
		{ "1-", "\"1-\"" }, { "-1", "\"-1\"" }, { "99999999", "\"99999999\"" },
		{ "2,4,", "empty token" },
	};

	rc = fb_cpulist_format(in, 7, buf, sizeof(buf));
	check_cpus(rc == 11 && !strcmp(buf, "0-3,8,10-11"), "format 0-3,8,10-11", buf);
	rc = fb_cpulist_parse(buf, &v, &n, err, sizeof(err));
	check_cpus(rc == 0 && n == 7 && same(v, in, 7), "parse round trip", err);
	free(v);
	fb_cpulist_format(smt, 4, buf, sizeof(buf));
	check_cpus(!strcmp(buf, "0,32,1,33"), "format keeps placement order", buf);
	rc = fb_cpulist_format(in, 7, buf, 6);
	check_cpus(rc == 11 && !strcmp(buf, "0-3,8"), "format truncates at a token, returns full length", buf);
	fb_cpulist_format(in, 0, buf, sizeof(buf));
	check_cpus(buf[0] == '\0', "format of no CPUs is empty", buf);
	rc = fb_cpulist_parse(" 0-1, 5 ", &v, &n, err, sizeof(err));
	check_cpus(rc == 0 && n == 3 && v[0] == 0 && v[1] == 1 && v[2] == 5,
	      "parse tolerates spaces around tokens", err);
	free(v);
	rc = fb_cpulist_parse("", &v, &n, err, sizeof(err));
	check_cpus(rc == -1 && v == NULL && strstr(err, "empty"), "parse \"\": error", err);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char what[64];

		err[0] = '\0';
		rc = fb_cpulist_parse(bad[i][0], &v, &n, err, sizeof(err));
		snprintf(what, sizeof(what), "parse \"%s\": error names %s", bad[i][0], bad[i][1]);
		check_cpus(rc == -1 && v == NULL && strstr(err, bad[i][1]), what, err);
	}
}

static void test_names(void)
{
	enum fb_placement p = FB_PLACE_LIST;
	int ok = 1;

	ok &= !fb_placement_parse("spread", &p) && p == FB_PLACE_SPREAD;
	ok &= !fb_placement_parse("fill", &p) && p == FB_PLACE_FILL;
	ok &= !fb_placement_parse("list", &p) && p == FB_PLACE_LIST;
	check_cpus(ok, "placement parse spread/fill/list", NULL);
	check_cpus(fb_placement_parse("compact", &p) == -1, "placement parse rejects compact", NULL);
	check_cpus(!strcmp(fb_placement_name(FB_PLACE_SPREAD), "spread") &&
	      !strcmp(fb_placement_name(FB_PLACE_FILL), "fill") &&
	      !strcmp(fb_placement_name(FB_PLACE_LIST), "list"), "placement names", NULL);
}

static void test_this_machine(void)
{
	struct fb_topology t;
	char err[256] = "", detail[128];
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t aff;
	int naff = -1, rc, ok, sum = 0, mem = 0, *cpus;

	if (sched_getaffinity(0, sizeof(aff), &aff) == 0)
		naff = CPU_COUNT(&aff);
	rc = fb_topology_load(&t, "data/does-not-exist.xml", err, sizeof(err));
	check_cpus(rc == -1 && strstr(err, "does-not-exist.xml"), "missing XML: error names it", err);
	rc = fb_topology_load(&t, NULL, err, sizeof(err));
	check_cpus(rc == 0, "load this machine", err);
	if (rc)
		return;
	snprintf(detail, sizeof(detail), "ncpus %d, online %ld, affinity %d (%s)",
		 t.ncpus, online, naff, t.source);
	/* hwloc leaves out CPUs our cgroup may not use; only when none is
	 * excluded can the count equal the online count exactly. */
	if (naff == online)
		check_cpus(t.ncpus == online, "ncpus == sysconf(_SC_NPROCESSORS_ONLN)", detail);
	else
		check_cpus(t.ncpus <= online && t.ncpus >= 1,
		      "ncpus within online CPUs (restricted cgroup/affinity)", detail);
	for (int d = 0; d < t.nllc; d++)
		sum += t.llc[d].ncpus;
	check_cpus(t.nllc >= 1 && sum == t.ncpus, "LLC domains cover every CPU once", detail);
	for (int i = 0; i < t.nnodes; i++)
		mem |= t.node[i].mem_total > 0 && t.node[i].mem_free <= t.node[i].mem_total;
	check_cpus(t.nnodes >= 1 && mem, "at least one NUMA node with memory", NULL);
	cpus = malloc(sizeof(int) * (size_t)t.ncpus);
	rc = cpus ? fb_placement_cpus(&t, FB_PLACE_SPREAD, NULL, 0, t.ncpus, 0, cpus,
				      err, sizeof(err)) : -1;
	ok = rc == 0;
	for (int i = 0; ok && i < t.ncpus; i++)
		for (int j = 0; ok && j < i; j++)
			ok = cpus[i] != cpus[j];
	check_cpus(ok, "spread over all CPUs of this machine: each once", err);
	printf("     this machine: %s, %d CPUs, %d LLC, %d nodes, spread %s\n",
	       t.source, t.ncpus, t.nllc, t.nnodes, ok ? fmt(cpus, t.ncpus) : "-");
	free(cpus);
	fb_topology_free(&t);
}

int main(void)
{
	test_xml();
	test_small();
	test_cpulist();
	test_names();
	test_this_machine();
	return check_finish();
}
