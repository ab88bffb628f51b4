/* foliobench migrate: end-to-end move_pages(2) of mTHP folios between nodes. */
#include <getopt.h>
#include <math.h>
#include <numa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "cli.h"
#include "engine.h"
#include "machine.h"
#include "migrate.h"
#include "results.h"
#include "table.h"
#include "util.h"

static const char migrate_usage[] =
"usage: foliobench migrate [options]\n"
"\n"
"Move anonymous memory backed by mTHP folios of a chosen size between two NUMA\n"
"nodes with move_pages(2) and report GB/s (1 GB = 1e9 bytes), pages/s and\n"
"folios/s as mean±sd over the timed moves, the migration counters of\n"
"/proc/vmstat and the TLB-shootdown IPIs per migrated MiB.  Each timed move\n"
"goes source -> destination; the memory goes back untimed in between\n"
"(ping-pong), so every repetition moves the same memory.  After each move\n"
"every page's node is checked, and at the end the data.\n"
"\n"
"What is moved:\n"
"  --folio-sizes LIST         mTHP sizes, powers of two 4K..2M, that this\n"
"                             kernel offers [2M]; set in /sys/kernel/mm/\n"
"                             transparent_hugepage for the run when root and\n"
"                             restored afterwards, else what the system allows\n"
"  --total SIZE               bytes moved per move [1G, halved to fit half the\n"
"                             free memory of each node]\n"
"  --folio-count LIST         folios moved per move instead of --total: one\n"
"                             cell per count (seed 001's folio count sweep)\n"
"  --nodes S:D[,S:D...]       directions [the first two nodes with memory]\n"
"  --src-node N, --dst-node N one direction\n"
"  --batch LIST               pages per move_pages call: numbers, a-b powers of\n"
"                             two, 'all' (the whole buffer in one call) [all]\n"
"  --load LIST                none, rw: rw runs a thread that reads and writes\n"
"                             the memory during the moves and reports its\n"
"                             access latency (seed 003's load) [none]\n"
"  --cpus MOVER[,ACCESSOR]    CPUs for the move_pages caller and the rw thread\n"
"                             [a CPU of the destination node, else of the\n"
"                             source; another CPU for the thread]\n"
"Measurement:\n"
"  --reps N|auto              timed moves per cell [5]; auto repeats until the\n"
"                             95% CI is within --ci-target\n"
"  --warmup N                 untimed moves first [1]\n"
"  --ci-target PCT            [2]   --time-budget SECONDS per cell [10]\n"
"  --max-reps N               cap for auto [200]\n"
"Output:\n"
"  --format table|markdown|csv|json   what goes to stdout [table]\n"
"  --rows AXIS --cols AXIS    table layout [direction x folio_size]; axes:\n"
"                             direction folio_size folio_count batch load\n"
"                             total_bytes\n"
"  --output DIR               write run.json and cells.csv here\n"
"                             [results/<run-id>]\n"
"  --quiet                    no tables and no progress line\n"
"\n"
"Exit: 0 ok, 1 a cell failed, 2 bad usage, 4 cannot run here (fewer than\n"
"two NUMA nodes with memory), 130 (SIGINT) or 143 (SIGTERM) interrupted,\n"
"the completed cells written.\n";

enum {
	O_SIZES = 256, O_TOTAL, O_COUNT, O_NODES, O_SRC, O_DST, O_BATCH, O_LOAD, O_CPUS, O_HELP,
};

static const struct option migrate_opts[] = {
	{ "folio-sizes", required_argument, NULL, O_SIZES },
	{ "folio-size", required_argument, NULL, O_SIZES },
	{ "total", required_argument, NULL, O_TOTAL },
	{ "folio-count", required_argument, NULL, O_COUNT },
	{ "nodes", required_argument, NULL, O_NODES },
	{ "src-node", required_argument, NULL, O_SRC },
	{ "dst-node", required_argument, NULL, O_DST },
	{ "batch", required_argument, NULL, O_BATCH },
	{ "load", required_argument, NULL, O_LOAD },
	{ "cpus", required_argument, NULL, O_CPUS },
	FB_MEASURE_LONGOPTS,
	FB_OUTPUT_LONGOPTS,
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static const char *const cmd = "migrate";

/* One batch value: pages per call, 0 meaning all. */
struct batch_list {
	uint64_t v[64];
	size_t n;
};

static void parse_batch(const char *arg, struct batch_list *b)
{
	char **tok, err[FB_ERRLEN];
	size_t nt;

	nt = fb_parse_list(cmd, "--batch", arg, &tok);
	for (size_t i = 0; i < nt; i++) {
		uint64_t *v;
		size_t nv;

		if (!strcmp(tok[i], "all")) {
			v = calloc(1, sizeof(*v));
			nv = 1;
		} else if (fb_parse_u64_list(tok[i], false, &v, &nv, err, sizeof(err))) {
			fb_usage_error(cmd, "--batch %s: allowed page counts (1, 512), a-b ranges of "
				    "powers of two, or all", fb_quote(tok[i]));
		}
		for (size_t k = 0; k < nv; k++) {
			if (!strcmp(tok[i], "all") ? false : v[k] == 0)
				fb_usage_error(cmd, "--batch 0: allowed 1 or more pages per call, or all");
			if (b->n == sizeof(b->v) / sizeof(b->v[0]))
				fb_usage_error(cmd, "--batch %s: at most 64 values", fb_quote(arg));
			for (size_t j = 0; j < b->n; j++)
				if (b->v[j] == v[k])
					fb_usage_error(cmd, "--batch %s: %llu is given twice", fb_quote(arg),
						    (unsigned long long)v[k]);
			b->v[b->n++] = v[k];
		}
		free(v);
	}
	fb_free_list(tok, nt);
}

static int parse_node(const char *opt, const char *s)
{
	return (int)fb_parse_count(cmd, opt, s, 0, 4095);
}

/* The total moved is whole folios, and every batch fits in it. */
static void check_total(uint64_t total, uint64_t maxsize, const struct batch_list *b)
{
	char x[32], y[32];

	if (total % maxsize)
		fb_usage_error(cmd, "--total %s: allowed a multiple of the largest folio size (%s)",
			    fb_size_str(total, x, sizeof(x)), fb_size_str(maxsize, y, sizeof(y)));
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i] > total / 4096)
			fb_usage_error(cmd, "--batch %llu: allowed 1..%llu pages (the total) or all",
				    (unsigned long long)b->v[i], (unsigned long long)(total / 4096));
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

/* A copy of doc whose cells carry one metric as their stats (scaled), so
 * the one table renderer can show pages/s, folios/s and IPIs/MiB too. */
static json_object *metric_view(json_object *doc, const char *metric, double scale)
{
	json_object *v = json_object_new_object(), *cells = json_object_new_array();
	json_object *src = fb_json_path(doc, "cells");
	char path[96];

	snprintf(path, sizeof(path), "extra.metrics.%s", metric);
	for (size_t i = 0; src && i < json_object_array_length(src); i++) {
		json_object *c = json_object_array_get_idx(src, i), *o = json_object_new_object();
		json_object *m = fb_json_path(c, path), *st = json_object_new_object();

		json_object_object_add(o, "config", json_object_get(fb_json_path(c, "config")));
		json_object_object_add(o, "status", json_object_get(fb_json_path(c, "status")));
		if (m && fb_json_path(m, "mean")) {
			json_object_object_add(st, "mean", json_object_new_double(fb_json_num(m, "mean", 0) * scale));
			json_object_object_add(st, "sd", json_object_new_double(fb_json_num(m, "sd", 0) * scale));
		}
		json_object_object_add(o, "stats", st);
		json_object_array_add(cells, o);
	}
	json_object_object_add(v, "cells", cells);
	return v;
}

static void print_details(FILE *f, json_object *doc, bool md)
{
	json_object *cells = fb_json_path(doc, "cells");
	const char *pre = md ? "- " : "";

	fprintf(f, "\nPer cell (counters: system-wide deltas over the timed moves, per MiB moved):\n");
	for (size_t i = 0; cells && i < json_object_array_length(cells); i++) {
		json_object *c = json_object_array_get_idx(cells, i);
		json_object *cfg = fb_json_path(c, "config"), *met = fb_json_path(c, "extra.metrics");
		json_object *acc = fb_json_path(met, "accessor");
		char sz[16], dir[32];

		fb_table_value(c, "direction", dir, sizeof(dir));
		fprintf(f, "%scell %zu %s %s batch=%s load=%s: %s", pre, i, dir,
			fb_size_str((uint64_t)fb_json_num(cfg, "folio_size", 0), sz, sizeof(sz)),
			fb_json_str(fb_json_path(c, "extra"), "batch", "?"),
			fb_json_str(cfg, "load", "none"), fb_json_str(c, "status", "?"));
		if (strcmp(fb_json_str(c, "status", ""), "ok")) {
			fprintf(f, " (%s)\n", fb_json_str(c, "message", ""));
			continue;
		}
		fprintf(f, "; %.0f pages in %.0f folios per move; folios %s before, %s after; "
			"pages off the destination: %.0f; data %s\n",
			fb_json_num(met, "pages_per_move", 0), fb_json_num(met, "folios_per_move", 0),
			fb_json_str(fb_json_path(c, "backing"), "src", "?"),
			fb_json_str(fb_json_path(c, "backing"), "dst", "?"),
			fb_json_num(met, "pages_not_landed", 0),
			fb_json_path(c, "verified") && json_object_get_boolean(fb_json_path(c, "verified"))
				? "intact" : "NOT intact");
		fprintf(f, "%s  per MiB:", md ? "  " : "");
		for (int k = 0; k < FB_VM_COUNT; k++) {
			json_object *e = fb_json_path(fb_json_path(met, "counters"), fb_vmstat_names[k]);

			if (e)
				fprintf(f, " %s %.2f", fb_vmstat_names[k], fb_json_num(e, "per_mib", NAN));
			else
				fprintf(f, " %s n/a", fb_vmstat_names[k]);
		}
		if (fb_json_path(met, "counters.tlb_shootdowns"))
			fprintf(f, " tlb_shootdowns %.2f\n",
				fb_json_num(fb_json_path(met, "counters.tlb_shootdowns"), "per_mib", NAN));
		else
			fprintf(f, " tlb_shootdowns n/a (no TLB line in /proc/interrupts)\n");
		if (acc) {
			json_object *li = fb_json_path(acc, "latency_idle_ns");
			json_object *lm = fb_json_path(acc, "latency_migrating_ns");

			fprintf(f, "%s  accessor on cpu %d: median latency %.0f ns idle, %.0f ns while "
				"migrating (max %.0f ns, %.0f accesses over 10 us, %.0f over 1 ms)\n",
				md ? "  " : "", (int)fb_json_num(acc, "cpu", -1),
				fb_json_num(li, "median", NAN), fb_json_num(lm, "median", NAN),
				fb_json_num(lm, "max_exact", NAN), fb_json_num(lm, "over_10us", 0),
				fb_json_num(lm, "over_1ms", 0));
		}
		fprintf(f, "%s  %s\n", md ? "  " : "", fb_json_str(fb_json_path(c, "extra.mthp"), "note", ""));
	}
}


int fb_cmd_migrate(int argc, char **argv)
{
	struct fb_run_opts ro = { .warmup = 1, .reps = 5, .ci_target_pct = 2,
				  .time_budget_s = 10, .max_reps = 200 };
	struct fb_mthp_info mi;
	struct fb_topology topo = { 0 };
	struct fb_node_pair *pairs = NULL;
	struct batch_list batches = { 0 };
	struct fb_migrate_params *prm = NULL;
	struct fb_cell *cells = NULL;
	struct fb_result *results = NULL;
	struct fb_run run = { 0 };
	const struct fb_backend *be = &fb_backend_migrate;
	struct fb_output_opts out = { .format = "table", .rows = "direction", .cols = "folio_size" };
	uint64_t *sizes = NULL, *counts = NULL, total = 1ULL << 30, maxsize = 0;
	size_t nsizes = 0, ncounts = 0, npairs = 0, ncells = 0;
	bool total_given = false, table, written, loads[2] = { false, false };
	int src = -1, dst = -1, opt, rc, *cpulist = NULL, ncpulist = 0, with_memory = 0;
	char err[FB_ERRLEN], buf[256], total_opt[128], a[32];
	json_object *machine = NULL, *options = NULL, *doc = NULL, *notes;
	enum fb_kernel_model running = fb_running_kernel_model();

	optind = 1;
	opterr = 0; /* our own one-line messages */
	while ((opt = getopt_long(argc, argv, FB_SHORTOPTS, migrate_opts, NULL)) != -1) {
		switch (opt) {
		case O_SIZES:
			free(sizes);
			if (fb_parse_u64_list(optarg, true, &sizes, &nsizes, err, sizeof(err)))
				fb_usage_error(cmd, "--folio-sizes %s", err);
			break;
		case O_TOTAL:
			if (fb_parse_size(optarg, &total) || !total)
				fb_usage_error(cmd, "--total %s: allowed a size such as 64M or 1G",
					    fb_quote(optarg));
			snprintf(total_opt, sizeof(total_opt), "--total %s", fb_quote(optarg));
			total_given = true;
			break;
		case O_COUNT:
			free(counts);
			if (fb_parse_u64_list(optarg, false, &counts, &ncounts, err, sizeof(err)))
				fb_usage_error(cmd, "--folio-count %s", err);
			for (size_t i = 0; i < ncounts; i++)
				if (!counts[i])
					fb_usage_error(cmd, "--folio-count 0: allowed 1 or more folios");
			break;
		case O_NODES:
			free(pairs);
			npairs = fb_parse_node_pairs(cmd, optarg, &pairs);
			for (size_t i = 0; i < npairs; i++)
				if (pairs[i].src == pairs[i].dst)
					fb_usage_error(cmd, "--nodes %d:%d: source and destination must differ",
						    pairs[i].src, pairs[i].dst);
			break;
		case O_SRC:
			src = parse_node("--src-node", optarg);
			break;
		case O_DST:
			dst = parse_node("--dst-node", optarg);
			break;
		case O_BATCH:
			batches.n = 0;
			parse_batch(optarg, &batches);
			break;
		case O_LOAD: {
			char **tok;
			size_t nt;

			nt = fb_parse_list(cmd, "--load", optarg, &tok);
			loads[0] = loads[1] = false;
			for (size_t i = 0; i < nt; i++) {
				if (!strcmp(tok[i], "none"))
					loads[0] = true;
				else if (!strcmp(tok[i], "rw"))
					loads[1] = true;
				else
					fb_usage_error(cmd, "--load %s: allowed none, rw", fb_quote(tok[i]));
			}
			fb_free_list(tok, nt);
			break;
		}
		case O_CPUS:
			free(cpulist);
			ncpulist = fb_parse_cpus(cmd, "--cpus", optarg, &cpulist);
			if (ncpulist < 1 || ncpulist > 2)
				fb_usage_error(cmd, "--cpus %s: allowed one CPU (the mover) or two (mover, accessor)",
					    fb_quote(optarg));
			break;
		case 'h':
		case O_HELP:
			fputs(migrate_usage, stdout);
			return FB_EXIT_OK;
		default:
			fb_parse_common_opt(cmd, opt, optarg, argv, &ro, &out);
		}
	}
	if (optind < argc)
		fb_usage_error(cmd, "unexpected argument '%s' (see foliobench migrate --help)", argv[optind]);
	if (ncounts && total_given)
		fb_usage_error(cmd, "--folio-count and --total both set what is moved: give one");
	if (npairs && (src >= 0 || dst >= 0))
		fb_usage_error(cmd, "--nodes and --src-node/--dst-node both set directions: give one");
	if (src >= 0 && src == dst)
		fb_usage_error(cmd, "--src-node %d --dst-node %d: source and destination must differ", src, dst);
	notes = json_object_new_array();

	/* Folio sizes: what is allowed at all, then what this kernel offers. */
	fb_mthp_probe(NULL, &mi);
	if (!nsizes) {
		sizes = calloc(1, sizeof(*sizes));
		sizes[0] = fb_mthp_offers(&mi, 2ULL << 20) ? 2ULL << 20 : 4096;
		nsizes = 1;
	}
	for (size_t i = 0; i < nsizes; i++) {
		if (!fb_is_pow2(sizes[i]) || sizes[i] < 4096 || sizes[i] > (2ULL << 20))
			fb_usage_error(cmd, "--folio-sizes %s: allowed powers of two 4K..2M",
				    fb_size_str(sizes[i], a, sizeof(a)));
		if (!fb_mthp_offers(&mi, sizes[i]))
			fb_usage_error(cmd, "--folio-sizes %s: this kernel offers %s%s",
				    fb_size_str(sizes[i], a, sizeof(a)), fb_mthp_offered_str(&mi, buf, sizeof(buf)),
				    mi.thp && !mi.per_size ? " (no per-size mTHP before 6.8: only the PMD size)" :
				    !mi.thp ? " (no THP in this kernel)" : "");
		if (sizes[i] > maxsize)
			maxsize = sizes[i];
	}
	if (!batches.n)
		batches.n = 1; /* v[0] == 0: all */
	if (!loads[0] && !loads[1])
		loads[0] = true;

	/* Every argument is checked (exit 2) before "cannot run here" (exit 4). */
	if (fb_topology_load(&topo, NULL, err, sizeof(err))) {
		fprintf(stderr, "foliobench %s: topology: %s\n", cmd, err);
		rc = FB_EXIT_FAIL;
		goto done;
	}
	int first_two[2] = { -1, -1 };

	for (int n = 0; n <= (numa_available() >= 0 ? numa_max_node() : 0); n++) {
		if (fb_node_check(n, NULL, 0))
			continue;
		if (with_memory < 2)
			first_two[with_memory] = n;
		with_memory++;
	}
	for (size_t i = 0; i < npairs; i++) {
		int nd[2] = { pairs[i].src, pairs[i].dst };

		for (int k = 0; k < 2; k++)
			if (fb_node_check(nd[k], err, sizeof(err)))
				fb_usage_error(cmd, "--nodes %d:%d: %s", nd[0], nd[1], err);
	}
	if (src >= 0 && fb_node_check(src, err, sizeof(err)))
		fb_usage_error(cmd, "--src-node %d: %s", src, err);
	if (dst >= 0 && fb_node_check(dst, err, sizeof(err)))
		fb_usage_error(cmd, "--dst-node %d: %s", dst, err);
	if (cpulist && fb_placement_cpus(&topo, FB_PLACE_LIST, cpulist, ncpulist, ncpulist, 1,
					 (int[2]){ 0 }, err, sizeof(err)))
		fb_usage_error(cmd, "--cpus %s", err);
	/* With --folio-count the largest count of the largest folios has to
	 * fit, and every batch within the smallest count of the smallest. */
	if (ncounts) {
		uint64_t most = 0, least = UINT64_MAX, minsize = UINT64_MAX;

		for (size_t i = 0; i < ncounts; i++) {
			most = counts[i] > most ? counts[i] : most;
			least = counts[i] < least ? counts[i] : least;
		}
		for (size_t s = 0; s < nsizes; s++)
			minsize = sizes[s] < minsize ? sizes[s] : minsize;
		snprintf(total_opt, sizeof(total_opt), "--folio-count %llu of %s folios",
			 (unsigned long long)most, fb_size_str(maxsize, a, sizeof(a)));
		total = most * maxsize;
		total_given = true;
		check_total(least * minsize, minsize, &batches);
	}
	if (total_given)
		check_total(total, maxsize, &batches);

	/* Two nodes with memory, or nothing to migrate between. */
	if (with_memory < 2) {
		fprintf(stderr, "foliobench %s: needs two NUMA nodes with memory; this machine has %s\n",
			cmd, with_memory == 1 ? "one" : "none");
		rc = FB_EXIT_SKIP;
		goto done;
	}
	if (!npairs) {
		pairs = calloc(1, sizeof(*pairs));
		pairs[0].src = src >= 0 ? src : dst >= 0 && dst == first_two[0] ? first_two[1] : first_two[0];
		pairs[0].dst = dst >= 0 ? dst : pairs[0].src == first_two[1] ? first_two[0] : first_two[1];
		if (pairs[0].src == pairs[0].dst)
			fb_usage_error(cmd, "--%s-node %d: source and destination must differ",
				    src >= 0 ? "src" : "dst", src >= 0 ? src : dst);
		npairs = 1;
	}

	/* The memory has to fit on both nodes; at most half of what is free. */
	for (size_t i = 0; i < npairs; i++) {
		int nd[2] = { pairs[i].src, pairs[i].dst };

		for (int k = 0; k < 2; k++)
			fb_fit_total(cmd, &total, 1, nd[k], false, total_given ? total_opt : NULL,
				     maxsize, "per move", notes, out.quiet);
	}
	if (!ncounts)
		check_total(total, maxsize, &batches);
	else
		total = 0; /* each cell: its count of folios */

	/* Cells: direction x folio size x folio count x batch x load. */
	size_t nmax, nc = ncounts ? ncounts : 1;

	if (fb_plan_count((size_t[]){ npairs, nsizes, nc, batches.n, 2 }, 5, &nmax, err, sizeof(err)))
		fb_usage_error(cmd, "%s", err);

	cells = calloc(nmax, sizeof(*cells));
	prm = calloc(nmax, sizeof(*prm));
	for (size_t p = 0; p < npairs; p++) {
		int mover = cpulist ? cpulist[0] : node_cpu(&topo, pairs[p].dst);

		if (mover < 0)
			mover = node_cpu(&topo, pairs[p].src);
		if (mover < 0)
			mover = any_cpu_but(&topo, -1);
		for (size_t s = 0; s < nsizes; s++)
			for (size_t n = 0; n < nc * batches.n; n++)
				for (int l = 0; l < 2; l++) {
					struct fb_cell *c = &cells[ncells];
					size_t bi = n % batches.n;
					uint64_t bytes = ncounts ? counts[n / batches.n] * sizes[s] : total;

					if (!loads[l])
						continue;
					c->id = (int)ncells;
					c->experiment = "migrate";
					c->backend = "migrate";
					snprintf(c->function, sizeof(c->function), "move_pages");
					/* The real kernel runs: its release is in the
					 * implementation; no modelled kernel path. */
					c->kernel_model = (int)running;
					/* Released kernels copy a migrating folio page by page. */
					c->mode = FB_MODE_PER_PAGE;
					c->folio_size = sizes[s];
					c->folio_count = bytes / sizes[s];
					c->threads = 1;
					c->split = FB_SPLIT_FOLIO;
					c->placement = FB_PLACE_LIST;
					c->cpus[0] = mover;
					c->src_node = pairs[p].src;
					c->dst_node = pairs[p].dst;
					c->evict = FB_EVICT_NONE;
					/* The folio size decides (4K: no THP, else that
					 * mTHP size); the obtained mix is in "backing". */
					c->backing = FB_BACK_AUTO;
					c->verify = true;
					prm[ncells].batch_all = batches.v[bi] == 0;
					prm[ncells].batch_pages = batches.v[bi] ? batches.v[bi] : bytes / 4096;
					prm[ncells].load = l == 1;
					prm[ncells].accessor_cpu = l == 1 ? (ncpulist == 2 ? cpulist[1]
									       : any_cpu_but(&topo, mover)) : -1;
					if (l == 1 && prm[ncells].accessor_cpu == mover && !out.quiet)
						fprintf(stderr, "note: one CPU only: the rw thread shares cpu %d with the mover\n",
							mover);
					ncells++;
				}
	}
	fb_migrate_set_params(prm, ncells);

	rc = be->probe(cells, ncells, err, sizeof(err));
	if (rc != FB_EXIT_OK) {
		fprintf(stderr, "foliobench %s: %s\n", cmd, err);
		goto done;
	}

	results = calloc(ncells, sizeof(*results));
	machine = fb_machine_json(fb_this_cpu(), &topo);
	options = fb_measure_options_json(&ro);
	json_object_object_add(options, "timed", json_object_new_string(
		"each move_pages(2) pass source -> destination; the move back is untimed"));

	run.argc = argc;
	run.argv = argv;
	run.machine = machine;
	run.options = options;
	run.backend_info = be->describe ? be->describe() : NULL;
	run.notes = notes;

	/* Signals (trapped by fb_run_cells before any cell changes mTHP
	 * settings) stop the run cleanly, so the settings are put back. */
	rc = fb_run_cells(&run, cmd, out.output, be, cells, ncells, &ro, results,
			  !out.quiet);
	be->shutdown();
	for (size_t i = 0; i < run.ndone; i++) {
		json_object *mt = results[i].extra ? fb_json_path(results[i].extra, "mthp") : NULL;
		const char *note = mt ? fb_json_str(mt, "note", NULL) : NULL;

		/* Say once when the run could not set what it wanted. */
		if (note && strstr(note, "cannot change")) {
			bool seen = false;

			for (size_t k = 0; k < json_object_array_length(notes); k++)
				seen |= !strcmp(json_object_get_string(json_object_array_get_idx(notes, k)), note);
			if (!seen) {
				json_object_array_add(notes, json_object_new_string(note));
				if (!out.quiet)
					fprintf(stderr, "note: %s\n", note);
			}
		}
	}
	if (!json_object_array_length(notes))
		run.notes = NULL;

	doc = fb_run_json(&run);
	/* The axes fb_cell has no field for, in each cell's configuration. */
	for (size_t i = 0; i < run.ndone; i++) {
		json_object *cfg = fb_json_path(json_object_array_get_idx(fb_json_path(doc, "cells"), i),
						"config");

		json_object_object_add(cfg, "batch", json_object_new_int64((int64_t)prm[i].batch_pages));
		json_object_object_add(cfg, "load", json_object_new_string(prm[i].load ? "rw" : "none"));
	}
	/* Files that could not be written fail the run (table is then false). */
	written = fb_run_emit(&run, cmd, doc, out.format, out.quiet, &table);
	if (table) {
		bool md = !strcmp(out.format, "markdown");
		enum fb_table_fmt tf = md ? FB_TABLE_MARKDOWN : FB_TABLE_TEXT;
		static const struct {
			const char *metric, *title;
			double scale;
		} views[] = {
			{ "pages_per_s", "thousand 4K pages/s", 1e-3 },
			{ "folios_per_s", "thousand folios/s", 1e-3 },
			{ "tlb_ipis_per_mib", "TLB-shootdown IPIs per migrated MiB (system-wide)", 1 },
		};

		printf("move_pages(2) GB/s (1 GB = 1e9 bytes), mean±sd over the timed moves\n");
		fb_table_render(stdout, doc, out.rows, out.cols, tf);
		for (size_t v = 0; v < sizeof(views) / sizeof(views[0]); v++) {
			json_object *view = metric_view(doc, views[v].metric, views[v].scale);

			printf("\n%s, mean±sd\n", views[v].title);
			fb_table_render(stdout, view, out.rows, out.cols, tf);
			json_object_put(view);
		}
		print_details(stdout, doc, md);
	}
	if (written)
		fb_run_summary(&run, cmd, results, out.quiet);
	else
		rc = FB_EXIT_FAIL;
done:
	for (size_t i = 0; i < run.ndone; i++)
		fb_result_free(&results[i]);
	json_object_put(doc);
	json_object_put(machine);
	json_object_put(options);
	json_object_put(notes);
	if (run.backend_info)
		json_object_put(run.backend_info);
	free(results);
	free(cells);
	free(prm);
	free(pairs);
	free(sizes);
	free(counts);
	free(cpulist);
	fb_topology_free(&topo);
	return rc;
}
