// SPDX-License-Identifier: GPL-2.0-only
/*
 * Machine topology (LLC domains from hwloc, NUMA nodes from hwloc + libnuma)
 * and thread placement over it.
 *
 * "LLC domain" is the unit seed 001 spreads over ("every 8th CPU" = one
 * thread per CCD).  It is taken from hwloc rather than sysfs cache/indexN so
 * that an XML topology of another machine can be loaded and the placement
 * logic tested without that hardware.
 */
#include "topology.h"

#include <errno.h>
#include <hwloc.h>
#include <stdarg.h>
#include <numa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Upper bound for a CPU number in a list; keeps "0-999999999" from
 * allocating gigabytes.  Linux's NR_CPUS maximum is 8192. */
#define FB_CPU_MAX 65536

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* ---- LLC domains ------------------------------------------------------- */

/*
 * CPUs (os_index) of one domain, distinct cores first: the first PU of every
 * core in logical order, then every core's second PU, ...  so that filling a
 * domain with n <= ncores threads never puts two of them on one core.
 */
static int domain_cpus(hwloc_topology_t topo, hwloc_const_cpuset_t set,
		       int **out)
{
	hwloc_obj_t pu = NULL;
	int n = hwloc_get_nbobjs_inside_cpuset_by_type(topo, set, HWLOC_OBJ_PU);
	int *os, *rank, *res, maxrank = 0, k = 0;

	*out = NULL;
	if (n <= 0)
		return 0;
	os = malloc(sizeof(int) * (size_t)n);
	rank = malloc(sizeof(int) * (size_t)n);
	res = malloc(sizeof(int) * (size_t)n);
	if (!os || !rank || !res) {
		free(os), free(rank), free(res);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		hwloc_obj_t core, p = NULL;
		int r = 0;

		pu = hwloc_get_next_obj_inside_cpuset_by_type(topo, set,
							      HWLOC_OBJ_PU, pu);
		os[i] = (int)pu->os_index;
		/* Rank among the PUs of its core; no Core objects = no SMT. */
		core = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, pu);
		if (core) {
			while ((p = hwloc_get_next_obj_inside_cpuset_by_type(
					topo, core->cpuset, HWLOC_OBJ_PU, p)) &&
			       p != pu)
				r++;
		}
		rank[i] = r;
		if (r > maxrank)
			maxrank = r;
	}
	for (int r = 0; r <= maxrank; r++)
		for (int i = 0; i < n; i++)
			if (rank[i] == r)
				res[k++] = os[i];
	free(os);
	free(rank);
	*out = res;
	return n;
}

/* Does the level's objects' union cover every PU of the topology? */
static int level_covers(hwloc_topology_t topo, hwloc_obj_type_t type)
{
	hwloc_bitmap_t u = hwloc_bitmap_alloc();
	hwloc_obj_t o = NULL;
	int ok;

	while ((o = hwloc_get_next_obj_by_type(topo, type, o)))
		hwloc_bitmap_or(u, u, o->cpuset);
	ok = hwloc_bitmap_isincluded(hwloc_topology_get_topology_cpuset(topo), u);
	hwloc_bitmap_free(u);
	return ok;
}

/* Is some object of this cache level shared by two or more cores? */
static int level_shared(hwloc_topology_t topo, hwloc_obj_type_t type)
{
	hwloc_obj_t o = NULL;

	while ((o = hwloc_get_next_obj_by_type(topo, type, o))) {
		int nc = hwloc_get_nbobjs_inside_cpuset_by_type(topo, o->cpuset,
								HWLOC_OBJ_CORE);
		if (nc >= 2)
			return 1;
	}
	return 0;
}

static int load_llcs(struct fb_topology *t, hwloc_topology_t topo,
		     const char **what)
{
	static const struct {
		hwloc_obj_type_t type;
		const char *name;
	} caches[] = {
		{ HWLOC_OBJ_L2CACHE, "L2 (no L3)" },
		{ HWLOC_OBJ_L1CACHE, "L1 (no L3)" },
	};
	hwloc_obj_type_t type = HWLOC_OBJ_MACHINE;
	hwloc_obj_t o = NULL;
	int n;

	*what = "machine (no shared cache, no package)";
	if (hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_L3CACHE) > 0 &&
	    level_covers(topo, HWLOC_OBJ_L3CACHE)) {
		type = HWLOC_OBJ_L3CACHE;
		*what = "L3";
	} else {
		for (size_t i = 0; i < sizeof(caches) / sizeof(caches[0]); i++) {
			if (hwloc_get_nbobjs_by_type(topo, caches[i].type) > 0 &&
			    level_shared(topo, caches[i].type) &&
			    level_covers(topo, caches[i].type)) {
				type = caches[i].type;
				*what = caches[i].name;
				break;
			}
		}
		if (type == HWLOC_OBJ_MACHINE &&
		    hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE) > 0 &&
		    level_covers(topo, HWLOC_OBJ_PACKAGE)) {
			type = HWLOC_OBJ_PACKAGE;
			*what = "package (no shared cache)";
		}
	}

	n = hwloc_get_nbobjs_by_type(topo, type);
	if (n <= 0) /* -1: objects at several depths; excluded above */
		return -1;
	t->llc = calloc((size_t)n, sizeof(*t->llc));
	if (!t->llc)
		return -1;
	t->nllc = n;
	for (int i = 0; i < n; i++) {
		struct fb_llc *l = &t->llc[i];
		hwloc_obj_t pkg;

		o = hwloc_get_next_obj_by_type(topo, type, o);
		l->index = i;
		pkg = type == HWLOC_OBJ_PACKAGE ? o :
			hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_PACKAGE, o);
		l->package = pkg ? (int)pkg->logical_index : 0;
		l->size = hwloc_obj_type_is_cache(type) ? o->attr->cache.size : 0;
		l->ncpus = domain_cpus(topo, o->cpuset, &l->cpus);
		if (l->ncpus < 0) {
			l->ncpus = 0;
			return -1;
		}
	}
	return 0;
}

/* ---- NUMA nodes -------------------------------------------------------- */

static int load_nodes(struct fb_topology *t, hwloc_topology_t topo, int live)
{
	int n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
	hwloc_obj_t *objs;
	int use_libnuma = live && numa_available() >= 0;
	struct bitmask *mask = NULL;

	if (n <= 0)
		return 0;
	objs = malloc(sizeof(*objs) * (size_t)n);
	t->node = calloc((size_t)n, sizeof(*t->node));
	if (!objs || !t->node) {
		free(objs);
		return -1;
	}
	t->nnodes = n;
	for (int i = 0; i < n; i++)
		objs[i] = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE,
						(unsigned)i);
	/* hwloc's logical order can differ from os order (a CPU-less node is
	 * listed beside its locality); users name nodes by os id, so sort. */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && objs[j - 1]->os_index > objs[j]->os_index; j--) {
			hwloc_obj_t tmp = objs[j];

			objs[j] = objs[j - 1];
			objs[j - 1] = tmp;
		}
	if (use_libnuma)
		mask = numa_allocate_cpumask();

	for (int i = 0; i < n; i++) {
		struct fb_node *nd = &t->node[i];
		hwloc_obj_t o = objs[i];
		int k = 0, cap;
		int from_libnuma = 0;

		nd->id = (int)o->os_index;
		nd->mem_total = (long long)o->attr->numanode.local_memory;
		nd->mem_free = nd->mem_total; /* XML carries no free memory */
		if (use_libnuma) {
			long long fr = -1;

			if (numa_node_size64(nd->id, &fr) >= 0 && fr >= 0)
				nd->mem_free = fr;
		}
		cap = hwloc_get_nbobjs_inside_cpuset_by_type(topo, o->cpuset,
							     HWLOC_OBJ_PU);
		if (cap <= 0)
			continue;
		nd->cpus = malloc(sizeof(int) * (size_t)cap);
		if (!nd->cpus) {
			free(objs);
			if (mask)
				numa_free_cpumask(mask);
			return -1;
		}
		/* On this machine the kernel knows which CPUs a node really
		 * has: a CPU-less node gets its locality's cpuset in hwloc. */
		if (mask && numa_node_to_cpus(nd->id, mask) == 0)
			from_libnuma = 1;
		for (hwloc_obj_t pu = NULL; (pu = hwloc_get_next_obj_inside_cpuset_by_type(
				topo, o->cpuset, HWLOC_OBJ_PU, pu));) {
			int own;

			if (from_libnuma) {
				own = numa_bitmask_isbitset(mask, pu->os_index);
			} else {
				/* From XML: a PU belongs to the lowest-numbered
				 * node whose cpuset holds it (Linux numbers
				 * CPU-bearing nodes before CXL/HBM-only ones). */
				own = 1;
				for (int j = 0; j < i; j++)
					if (hwloc_bitmap_isset(objs[j]->cpuset,
							       pu->os_index))
						own = 0;
			}
			if (own)
				nd->cpus[k++] = (int)pu->os_index;
		}
		nd->ncpus = k;
		qsort(nd->cpus, (size_t)k, sizeof(int), cmp_int);
		if (!k) {
			free(nd->cpus);
			nd->cpus = NULL;
		}
	}
	free(objs);
	if (mask)
		numa_free_cpumask(mask);
	return 0;
}

/* ---- public ------------------------------------------------------------ */

int fb_topology_load(struct fb_topology *t, const char *xml, char *err,
		     size_t errlen)
{
	hwloc_topology_t topo;
	const char *what = "";
	int npkg;

	memset(t, 0, sizeof(*t));
	if (xml && access(xml, R_OK) != 0) {
		seterr(err, errlen, "cannot read topology XML %s: %s", xml,
		       strerror(errno));
		return -1;
	}
	if (hwloc_topology_init(&topo) != 0) {
		seterr(err, errlen, "hwloc_topology_init failed: %s",
		       strerror(errno));
		return -1;
	}
	if (xml && hwloc_topology_set_xml(topo, xml) != 0) {
		seterr(err, errlen, "hwloc cannot use XML %s: %s", xml,
		       strerror(errno));
		hwloc_topology_destroy(topo);
		return -1;
	}
	if (hwloc_topology_load(topo) != 0) {
		seterr(err, errlen, "hwloc cannot load the topology%s%s: %s",
		       xml ? " from " : "", xml ? xml : "", strerror(errno));
		hwloc_topology_destroy(topo);
		return -1;
	}

	/* hwloc 2 drops offline PUs and (by default) PUs outside our cgroup
	 * cpuset, so every PU left is one a worker can be pinned to. */
	t->ncpus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	npkg = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
	t->npackages = npkg > 0 ? npkg : 1;
	if (load_llcs(t, topo, &what) != 0 || load_nodes(t, topo, !xml) != 0) {
		seterr(err, errlen, "out of memory reading the topology");
		hwloc_topology_destroy(topo);
		fb_topology_free(t);
		return -1;
	}
	if (xml) {
		const char *base = strrchr(xml, '/');

		snprintf(t->source, sizeof(t->source), "hwloc %s %s (xml: %s)",
			 HWLOC_VERSION, what, base ? base + 1 : xml);
	} else {
		snprintf(t->source, sizeof(t->source), "hwloc %s %s (this machine)",
			 HWLOC_VERSION, what);
	}
	hwloc_topology_destroy(topo);
	if (t->ncpus <= 0) {
		seterr(err, errlen, "the topology has no usable CPUs");
		fb_topology_free(t);
		return -1;
	}
	return 0;
}

void fb_topology_free(struct fb_topology *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->nllc; i++)
		free(t->llc[i].cpus);
	free(t->llc);
	for (int i = 0; i < t->nnodes; i++)
		free(t->node[i].cpus);
	free(t->node);
	memset(t, 0, sizeof(*t));
}

int fb_topology_llc_of(const struct fb_topology *t, int cpu)
{
	for (int i = 0; i < t->nllc; i++)
		for (int j = 0; j < t->llc[i].ncpus; j++)
			if (t->llc[i].cpus[j] == cpu)
				return i;
	return -1;
}

const struct fb_node *fb_topology_node(const struct fb_topology *t, int id)
{
	for (int i = 0; i < t->nnodes; i++)
		if (t->node[i].id == id)
			return &t->node[i];
	return NULL;
}

/* ---- CPU lists --------------------------------------------------------- */

int fb_cpulist_format(const int *cpus, int n, char *buf, size_t len)
{
	size_t pos = 0;
	int i = 0;

	if (buf && len)
		buf[0] = '\0';
	if (n < 0 || (n && !cpus))
		return -1;
	while (i < n) {
		int j = i;
		char tmp[32];
		int w;

		/* Only ascending +1 runs are merged, never sorted: the order of a
		 * placement is meaningful and must survive a round trip. */
		while (j + 1 < n && cpus[j + 1] == cpus[j] + 1)
			j++;
		if (j > i)
			w = snprintf(tmp, sizeof(tmp), "%s%d-%d", i ? "," : "",
				     cpus[i], cpus[j]);
		else
			w = snprintf(tmp, sizeof(tmp), "%s%d", i ? "," : "",
				     cpus[i]);
		if (buf && pos + (size_t)w < len)
			memcpy(buf + pos, tmp, (size_t)w + 1);
		else if (buf && pos < len)
			buf[pos] = '\0'; /* truncate at a whole token */
		pos += (size_t)w;
		i = j + 1;
	}
	return (int)pos;
}

/* Parses a decimal CPU number spanning exactly [s, e); -1 if not one. */
static int parse_cpu(const char *s, const char *e)
{
	long v = 0;

	if (s == e)
		return -1;
	for (const char *p = s; p < e; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
		if (v >= FB_CPU_MAX)
			return -1;
	}
	return (int)v;
}

int fb_cpulist_parse(const char *s, int **cpus, int *n, char *err,
		     size_t errlen)
{
	int *v = NULL, cnt = 0, cap = 0;
	const char *p = s;

	*cpus = NULL;
	*n = 0;
	if (!s || !*s) {
		seterr(err, errlen, "empty CPU list (expected e.g. 0-3,8)");
		return -1;
	}
	for (;;) {
		const char *end = strchr(p, ','), *b, *e, *dash;
		int lo, hi;

		if (!end)
			end = p + strlen(p);
		b = p;
		e = end;
		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		dash = memchr(b, '-', (size_t)(e - b));
		if (dash) {
			lo = parse_cpu(b, dash);
			hi = parse_cpu(dash + 1, e);
		} else {
			lo = hi = parse_cpu(b, e);
		}
		if (b == e) {
			seterr(err, errlen,
			       "empty token in CPU list \"%s\" (expected N or N-M, comma-separated)",
			       s);
			free(v);
			return -1;
		}
		if (lo < 0 || hi < 0 || hi < lo) {
			seterr(err, errlen,
			       "bad CPU list token \"%.*s\" in \"%s\" (expected N or N-M with N <= M < %d)",
			       (int)(e - b), b, s, FB_CPU_MAX);
			free(v);
			return -1;
		}
		if (cnt + (hi - lo + 1) > cap) {
			int ncap = cap ? cap : 16;
			int *nv;

			while (ncap < cnt + (hi - lo + 1))
				ncap *= 2;
			nv = realloc(v, sizeof(int) * (size_t)ncap);
			if (!nv) {
				seterr(err, errlen, "out of memory parsing CPU list");
				free(v);
				return -1;
			}
			v = nv;
			cap = ncap;
		}
		for (int c = lo; c <= hi; c++)
			v[cnt++] = c;
		if (!*end)
			break;
		p = end + 1;
	}
	*cpus = v;
	*n = cnt;
	return 0;
}

/* ---- placement --------------------------------------------------------- */

/* Sorted online CPUs, for "(online: 0-63)" in error messages. */
static void online_list(const struct fb_topology *t, char *buf, size_t len)
{
	int *all = malloc(sizeof(int) * (size_t)(t->ncpus > 0 ? t->ncpus : 1));
	int k = 0;

	if (!all) {
		snprintf(buf, len, "?");
		return;
	}
	for (int i = 0; i < t->nllc; i++)
		for (int j = 0; j < t->llc[i].ncpus && k < t->ncpus; j++)
			all[k++] = t->llc[i].cpus[j];
	qsort(all, (size_t)k, sizeof(int), cmp_int);
	/* Leave room for "..." when a huge, fragmented set does not fit. */
	if (len > 4 && fb_cpulist_format(all, k, buf, len - 3) >= (int)(len - 3))
		strcat(buf, "...");
	free(all);
}

int fb_placement_cpus(const struct fb_topology *t, enum fb_placement kind,
		      const int *list, int nlist, int nthreads, int oversubscribe,
		      int *cpus_out, char *err, size_t errlen)
{
	int *order, *used, k = 0;

	if (nthreads < 1) {
		seterr(err, errlen, "--threads %d is invalid (must be at least 1)",
		       nthreads);
		return -1;
	}
	if (nthreads > t->ncpus && !oversubscribe) {
		seterr(err, errlen,
		       "--threads %d exceeds the %d online CPUs (use --oversubscribe)",
		       nthreads, t->ncpus);
		return -1;
	}

	if (kind == FB_PLACE_LIST) {
		char online[256];

		if (!list || nlist != nthreads) {
			seterr(err, errlen,
			       "the CPU list has %d CPUs but --threads is %d (give one CPU per thread)",
			       list ? nlist : 0, nthreads);
			return -1;
		}
		for (int i = 0; i < nlist; i++) {
			if (fb_topology_llc_of(t, list[i]) < 0) {
				online_list(t, online, sizeof(online));
				seterr(err, errlen, "cpu %d is not online (online: %s)",
				       list[i], online);
				return -1;
			}
			/* Two workers on one CPU measure the scheduler, not the
			 * copy: only allowed when asked for. */
			for (int j = 0; j < i && !oversubscribe; j++)
				if (list[j] == list[i]) {
					seterr(err, errlen,
					       "cpu %d is listed twice (CPUs must be distinct unless --oversubscribe)",
					       list[i]);
					return -1;
				}
		}
		memcpy(cpus_out, list, sizeof(int) * (size_t)nthreads);
		return 0;
	}
	if (kind != FB_PLACE_SPREAD && kind != FB_PLACE_FILL) {
		seterr(err, errlen, "unknown placement %d (spread, fill or list)",
		       (int)kind);
		return -1;
	}
	if (t->nllc < 1 || t->ncpus < 1) {
		seterr(err, errlen, "the topology has no LLC domains to place on");
		return -1;
	}

	/* Build the full placement order over all CPUs once; thread i takes
	 * order[i % ncpus], which is also how oversubscription repeats. */
	order = malloc(sizeof(int) * (size_t)t->ncpus);
	used = calloc((size_t)(t->nllc > 0 ? t->nllc : 1), sizeof(int));
	if (!order || !used) {
		free(order), free(used);
		seterr(err, errlen, "out of memory computing placement");
		return -1;
	}
	if (kind == FB_PLACE_FILL) {
		for (int d = 0; d < t->nllc; d++)
			for (int j = 0; j < t->llc[d].ncpus && k < t->ncpus; j++)
				order[k++] = t->llc[d].cpus[j];
	} else {
		for (int i = 0; k < t->ncpus; i++) {
			int d = i % t->nllc, tries = 0;

			/* Domain exhausted (uneven domains): next with room. */
			while (used[d] >= t->llc[d].ncpus && tries++ < t->nllc)
				d = (d + 1) % t->nllc;
			if (tries > t->nllc)
				break;
			order[k++] = t->llc[d].cpus[used[d]++];
		}
	}
	free(used);
	if (k == 0) {
		free(order);
		seterr(err, errlen, "the topology has no CPUs in its LLC domains");
		return -1;
	}
	for (int i = 0; i < nthreads; i++)
		cpus_out[i] = order[i % k];
	free(order);
	return 0;
}

unsigned long long fb_topology_largest_llc(const struct fb_topology *t)
{
	unsigned long long max = 0;

	for (int i = 0; i < t->nllc; i++)
		if (t->llc[i].size > max)
			max = t->llc[i].size;
	return max;
}
