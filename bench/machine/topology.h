/* SPDX-License-Identifier: GPL-2.0-only */
/* LLC domains and NUMA nodes of a machine, and thread placement over them. */
#ifndef FB_TOPOLOGY_H
#define FB_TOPOLOGY_H
#include <stddef.h>

struct fb_llc {
	int index;               /* 0..nllc-1 in topology order */
	int package;             /* socket */
	unsigned long long size; /* bytes, 0 when unknown */
	int ncpus;
	int *cpus;               /* OS CPU numbers, distinct cores first, then SMT siblings */
};

struct fb_node {
	int id;
	long long mem_total, mem_free; /* bytes */
	int ncpus;
	int *cpus;               /* empty for memory-only nodes (CXL-like tier) */
};

struct fb_topology {
	int ncpus;               /* online CPUs */
	int npackages;
	int nllc;
	struct fb_llc *llc;
	int nnodes;
	struct fb_node *node;
	char source[64];         /* "hwloc 2.9.0 L3 (this machine)", "... (xml: file.xml)" */
};

enum fb_placement { FB_PLACE_SPREAD, FB_PLACE_FILL, FB_PLACE_LIST };

/* xml == NULL: this machine.  0 on success, else -1 and err set. */
int fb_topology_load(struct fb_topology *t, const char *xml, char *err, size_t errlen);
void fb_topology_free(struct fb_topology *t);
/* Bytes of the largest LLC domain (the --evict sweep buffer is twice it). */
unsigned long long fb_topology_largest_llc(const struct fb_topology *t);
/* LLC domain index of a CPU, -1 if unknown. */
int fb_topology_llc_of(const struct fb_topology *t, int cpu);
const struct fb_node *fb_topology_node(const struct fb_topology *t, int id);

/*
 * CPUs for nthreads workers.  spread: round-robin over LLC domains; fill:
 * all CPUs of one domain before the next; list: the given CPUs in order.
 * nthreads > online CPUs only with oversubscribe (CPUs then repeat).
 * 0 on success, else -1 and err names the bad value.
 */
int fb_placement_cpus(const struct fb_topology *t, enum fb_placement kind,
		      const int *list, int nlist, int nthreads, int oversubscribe,
		      int *cpus_out, char *err, size_t errlen);
/* Named in bench/sweep/axis.c, the axis registry. */
const char *fb_placement_name(enum fb_placement p);
/* "spread", "fill" or "list" -> *p; 0 on success, -1 if unknown. */
int fb_placement_parse(const char *s, enum fb_placement *p);

/*
 * Linux-style CPU list.  format: ascending +1 runs become "a-b", order is
 * kept (never sorted), e.g. {0,1,2,3,8,10,11} -> "0-3,8,10-11"; returns the
 * length needed like snprintf (truncates at a whole token), -1 on bad args.
 * parse: "0-3,8" -> malloc'd array (caller frees); 0 on success, else -1
 * and err names the bad token.
 */
int fb_cpulist_format(const int *cpus, int n, char *buf, size_t len);
int fb_cpulist_parse(const char *s, int **cpus, int *n, char *err, size_t errlen);

#endif
