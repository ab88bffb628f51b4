// SPDX-License-Identifier: GPL-2.0
/*
 * fb_abi_test: where the folios come from and how many: the zones and cap
 * commands.
 */
#include "fb_abi_test.h"

/* ---- zones: ZONE_MOVABLE ---- */

/* Pages of @node in zone @zone ("Movable", ...) in /proc/zoneinfo: @what */
static long zone_pages(unsigned int node, const char *zone, const char *what)
{
	char line[256], z[64];
	unsigned int n;
	long v = -1, x;
	bool in = false;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return -1;
	while (v < 0 && fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " ");

		if (sscanf(line, "Node %u, zone %63s", &n, z) == 2)
			in = n == node && !strcmp(z, zone);
		else if (in && !strncmp(p, what, strlen(what)) &&
			 sscanf(p + strlen(what), " %ld", &x) == 1)
			v = x;
	}
	fclose(f);
	return v;
}

static const char *zones_str(uint32_t z)
{
	static char buf[4][64];
	static int k;
	char *b = buf[k++ % 4];

	b[0] = '\0';
	if (z & FOLIOBENCH_ZONE_DMA) strcat(b, "DMA,");
	if (z & FOLIOBENCH_ZONE_DMA32) strcat(b, "DMA32,");
	if (z & FOLIOBENCH_ZONE_NORMAL) strcat(b, "Normal,");
	if (z & FOLIOBENCH_ZONE_HIGHMEM) strcat(b, "HighMem,");
	if (z & FOLIOBENCH_ZONE_MOVABLE) strcat(b, "Movable,");
	if (b[0])
		b[strlen(b) - 1] = '\0';
	else
		strcpy(b, "none");
	return b;
}

void cmd_zones(const char *arg)
{
	static const char * const policies[] = { "auto", "on", "off" };
	unsigned int node, movable = 0, m = 0;
	struct foliobench_run r;
	const char *why;
	uint32_t p, k;
	int err;

	/* the default run: node 0 to 0, kernel zones, recorded */
	run_init(&r);
	err = run(&r);
	why = run_problem(&r, err);
	tap(!why && r.src_zones && r.dst_zones &&
	    !((r.src_zones | r.dst_zones) & ~0x1fU),
	    "RUN 0->0 records zones src %s dst %s%s%s", zones_str(r.src_zones),
	    zones_str(r.dst_zones), why ? ": " : "", why ? why : "");

	for (node = 0; node < nodes; node++) {
		long present = zone_pages(node, "Movable", "present");

		diag("node %u: Movable present %ld, Normal present %ld", node,
		     present, zone_pages(node, "Normal", "present"));
		if (present > 0 && !movable) {
			movable = 1;
			m = node;
		}
	}
	if (!movable) {
		/* no ZONE_MOVABLE: every policy gives the kernel's zones */
		for (p = 0; p < 3; p++) {
			run_init(&r);
			r.gfp_movable = p;
			r.src_node = nodes - 1;
			err = run(&r);
			why = run_problem(&r, err);
			tap(!why && !((r.src_zones | r.dst_zones) &
				      FOLIOBENCH_ZONE_MOVABLE),
			    "RUN gfp_movable=%s, no ZONE_MOVABLE here: zones %s, %s%s%s",
			    policies[p], zones_str(r.src_zones),
			    zones_str(r.dst_zones), why ? ": " : "",
			    why ? why : "");
		}
		return;
	}

	tap(zone_pages(m, "Movable", "managed") > 0,
	    "ZONE_MOVABLE: node %u's memory is in Movable (/proc/zoneinfo)", m);
	/* auto and on: the movable node's folios are in ZONE_MOVABLE */
	for (p = 0; p < 2; p++) {
		for (k = 0; k < 2; k++) {
			run_init(&r);
			r.gfp_movable = p;
			r.order = 9;
			r.nr_folios = 4;
			r.src_node = k ? m : 0;
			r.dst_node = k ? 0 : m;
			r.evict = FOLIOBENCH_EVICT_SRC;
			err = run(&r);
			why = run_problem(&r, err);
			if (!why && (k ? r.src_zones : r.dst_zones) !=
				    FOLIOBENCH_ZONE_MOVABLE)
				why = "node's folios not all in ZONE_MOVABLE";
			if (!why && m != 0 && p == FOLIOBENCH_MOVABLE_AUTO &&
			    ((k ? r.dst_zones : r.src_zones) &
			     FOLIOBENCH_ZONE_MOVABLE) &&
			    zone_pages(0, "Movable", "present") <= 0)
				why = "node 0 folios claim ZONE_MOVABLE";
			tap(!why, "ZONE_MOVABLE: RUN gfp_movable=%s node %u->%u verify: src %s, dst %s%s%s",
			    policies[p], r.src_node, r.dst_node,
			    zones_str(r.src_zones), zones_str(r.dst_zones),
			    why ? ": " : "", why ? why : "");
		}
	}
	/* 2 threads across the movable node, every function */
	for (k = 0; k < FOLIOBENCH_NR_FUNCS; k++) {
		run_init(&r);
		r.func = k;
		r.batched = 1;
		r.src_node = m;
		r.dst_node = m;
		r.nr_threads = info.nr_online_cpus < 2 ? 1 : 2;
		err = run(&r);
		why = run_problem(&r, err);
		tap(!why && r.src_zones == FOLIOBENCH_ZONE_MOVABLE &&
		    r.dst_zones == FOLIOBENCH_ZONE_MOVABLE,
		    "ZONE_MOVABLE: RUN %s batched node %u->%u threads=%u: zones %s/%s%s%s",
		    r.func_name, m, m, r.nr_threads, zones_str(r.src_zones),
		    zones_str(r.dst_zones), why ? ": " : "", why ? why : "");
	}
	/* off: the node has no kernel zone, so the cap is 0 */
	if (zone_pages(m, "Normal", "present") <= 0 &&
	    zone_pages(m, "DMA32", "present") <= 0 &&
	    zone_pages(m, "DMA", "present") <= 0) {
		run_init(&r);
		r.gfp_movable = FOLIOBENCH_MOVABLE_OFF;
		r.dst_node = m;
		err = run(&r);
		tap(err == ENOMEM && (r.flags & FOLIOBENCH_RUN_F_OVER_CAP) &&
		    !r.folios_obtained,
		    "ZONE_MOVABLE: RUN gfp_movable=off to node %u (only Movable): errno %d, over the cap",
		    m, err);
	}
}


/* ---- cap and partial allocation ---- */

long node_free_kb(unsigned int node)
{
	char path[128], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%u/meminfo",
		 node);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "MemFree:") &&
		    sscanf(strstr(line, "MemFree:") + 8, "%ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

void cmd_cap(const char *arg)
{
	unsigned int node = nodes - 1;
	long kb = node_free_kb(node);
	struct foliobench_run r;
	uint32_t n;
	int err;

	run_init(&r);
	r.order = info.max_order;
	r.nr_folios = FOLIOBENCH_MAX_FOLIOS;
	err = run(&r);
	tap(err == ENOMEM && (r.flags & FOLIOBENCH_RUN_F_OVER_CAP) &&
	    !r.folios_obtained && !r.iterations_done,
	    "RUN of %u order-%u folios (over the cap): errno %d flags %#x",
	    r.nr_folios, r.order, err, r.flags);

	if (kb <= 0) {
		tap(false, "node %u MemFree", node);
		return;
	}
	/* src and dst on one node: 60 % of its free memory is over 50 % */
	run_init(&r);
	r.order = 9;
	r.src_node = node;
	r.dst_node = node;
	r.nr_folios = (uint32_t)(kb * 3 / 10 / 2048);
	err = run(&r);
	tap(err == ENOMEM && (r.flags & FOLIOBENCH_RUN_F_OVER_CAP),
	    "RUN of 60%% of node %u's %ld KiB free: errno %d (cap 50%%)", node,
	    kb, err);

	/*
	 * cap_pct=100 and all free memory of the memory-only node asked for:
	 * the watermarks leave some, so ENOSPC and a count. Not on a node
	 * with CPUs: emptying it could wake the OOM killer.
	 */
	if (nodes < 2) {
		skip("one node", "RUN of a whole node: ENOSPC and a count");
	} else if (write_param("foliobench", "cap_pct", "100")) {
		tap(false, "set cap_pct=100: %s", strerror(errno));
	} else {
		kb = node_free_kb(node);
		n = (uint32_t)(kb / 2048 / 2);
		run_init(&r);
		r.order = 9;
		r.src_node = node;
		r.dst_node = node;
		r.nr_folios = n;
		r.iterations = 1;
		if (zone_pages(node, "Movable", "present") > 0) {
			/*
			 * ZONE_MOVABLE keeps next to no watermark back, so the
			 * node gives every pair, and copying a whole node is
			 * slow under emulation: the zones command covers it.
			 */
			skip("ZONE_MOVABLE keeps no reserve to run into",
			     "RUN of all of node %u: ENOSPC and a count", node);
		} else {
			err = run(&r);
			tap(err == ENOSPC &&
			    (r.flags & FOLIOBENCH_RUN_F_PARTIAL_ALLOC) &&
			    r.folios_obtained > 0 && r.folios_obtained < n &&
			    !r.iterations_done,
			    "RUN of all of node %u (%u order-9 pairs, cap_pct=100): errno %d, got %u",
			    node, n, err, r.folios_obtained);
		}
	}
	tap(write_param("foliobench", "cap_pct", "0") != 0,
	    "cap_pct=0 is refused");
	tap(!write_param("foliobench", "cap_pct", "50"), "cap_pct back to 50");
	run_init(&r);
	err = run(&r);
	tap(!run_problem(&r, err), "RUN after the partial allocation works");
}
