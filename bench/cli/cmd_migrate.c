// SPDX-License-Identifier: GPL-2.0-only
/* foliobench migrate: end-to-end move_pages(2) of mTHP folios, options to spec. */
#include <getopt.h>
#include <numa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment.h"
#include "migrate.h"
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

/* The migrate experiment's spec: the plan's, and what the options add. */
struct migrate_args {
	struct fb_migrate_spec spec;
	int src, dst;                  /* --src-node, --dst-node; -1 not given */
	char total_opt[128];           /* --total as given, for messages */
	bool total_given;
	uint64_t maxsize;              /* the largest folio size */
};

/* --batch LIST: pages per call, 0 meaning all. */
static void parse_batch(const char *arg, struct fb_migrate_spec *b)
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
			if (b->nbatches == FB_MIGRATE_MAX_BATCHES)
				fb_usage_error(cmd, "--batch %s: at most 64 values", fb_quote(arg));
			for (size_t j = 0; j < b->nbatches; j++)
				if (b->batches[j] == v[k])
					fb_usage_error(cmd, "--batch %s: %llu is given twice", fb_quote(arg),
						       (unsigned long long)v[k]);
			b->batches[b->nbatches++] = v[k];
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
static void check_total(uint64_t total, uint64_t maxsize, const struct fb_migrate_spec *b)
{
	char x[32], y[32];

	if (total % maxsize)
		fb_usage_error(cmd, "--total %s: allowed a multiple of the largest folio size (%s)",
			       fb_size_str(total, x, sizeof(x)), fb_size_str(maxsize, y, sizeof(y)));
	for (size_t i = 0; i < b->nbatches; i++)
		if (b->batches[i] > total / 4096)
			fb_usage_error(cmd, "--batch %llu: allowed 1..%llu pages (the total) or all",
				       (unsigned long long)b->batches[i],
				       (unsigned long long)(total / 4096));
}

static void migrate_init(void *a, struct fb_measure *m)
{
	struct migrate_args *g = a;

	g->spec.total = 1ULL << 30;
	g->src = g->dst = -1;
	m->out.rows = "direction";
	m->out.cols = "folio_size";
}

static enum fb_parsed migrate_parse(void *a, struct fb_measure *m, int opt, const char *optarg)
{
	struct migrate_args *g = a;
	struct fb_migrate_spec *spec = &g->spec;

	switch (opt) {
	case O_SIZES:
		fb_option_u64_list(cmd, "--folio-sizes", optarg, true, &spec->sizes, &spec->nsizes);
		break;
	case O_TOTAL:
		if (fb_parse_size(optarg, &spec->total) || !spec->total)
			fb_usage_error(cmd, "--total %s: allowed a size such as 64M or 1G",
				       fb_quote(optarg));
		snprintf(g->total_opt, sizeof(g->total_opt), "--total %s", fb_quote(optarg));
		g->total_given = true;
		break;
	case O_COUNT:
		fb_option_u64_list(cmd, "--folio-count", optarg, false, &spec->counts, &spec->ncounts);
		for (size_t i = 0; i < spec->ncounts; i++)
			if (!spec->counts[i])
				fb_usage_error(cmd, "--folio-count 0: allowed 1 or more folios");
		break;
	case O_NODES:
		free(spec->pairs);
		spec->npairs = fb_parse_node_pairs(cmd, optarg, &spec->pairs);
		for (size_t i = 0; i < spec->npairs; i++)
			if (spec->pairs[i].src == spec->pairs[i].dst)
				fb_usage_error(cmd, "--nodes %d:%d: source and destination must differ",
					       spec->pairs[i].src, spec->pairs[i].dst);
		break;
	case O_SRC:
		g->src = parse_node("--src-node", optarg);
		break;
	case O_DST:
		g->dst = parse_node("--dst-node", optarg);
		break;
	case O_BATCH:
		spec->nbatches = 0;
		parse_batch(optarg, spec);
		break;
	case O_LOAD: {
		char **tok;
		size_t nt = fb_parse_list(cmd, "--load", optarg, &tok);

		spec->loads[0] = spec->loads[1] = false;
		for (size_t i = 0; i < nt; i++) {
			if (!strcmp(tok[i], "none"))
				spec->loads[0] = true;
			else if (!strcmp(tok[i], "rw"))
				spec->loads[1] = true;
			else
				fb_usage_error(cmd, "--load %s: allowed none, rw", fb_quote(tok[i]));
		}
		fb_free_list(tok, nt);
		break;
	}
	case O_CPUS:
		free(spec->cpulist);
		spec->ncpulist = fb_parse_cpus(cmd, "--cpus", optarg, &spec->cpulist);
		if (spec->ncpulist < 1 || spec->ncpulist > 2)
			fb_usage_error(cmd, "--cpus %s: allowed one CPU (the mover) or two (mover, accessor)",
				       fb_quote(optarg));
		break;
	case O_HELP:
		return FB_PARSE_HELP;
	default:
		return FB_PARSE_COMMON;
	}
	return FB_PARSED;
}

/* Folio sizes: what is allowed at all, then what this kernel offers. */
static void check_sizes(struct migrate_args *g)
{
	struct fb_migrate_spec *spec = &g->spec;
	struct fb_mthp_info mi;
	char a[32], buf[256];

	fb_mthp_probe(NULL, &mi);
	if (!spec->nsizes) {
		spec->sizes = calloc(1, sizeof(*spec->sizes));
		spec->sizes[0] = fb_mthp_offers(&mi, 2ULL << 20) ? 2ULL << 20 : 4096;
		spec->nsizes = 1;
	}
	for (size_t i = 0; i < spec->nsizes; i++) {
		uint64_t z = spec->sizes[i];

		if (!fb_is_pow2(z) || z < 4096 || z > (2ULL << 20))
			fb_usage_error(cmd, "--folio-sizes %s: allowed powers of two 4K..2M",
				       fb_size_str(z, a, sizeof(a)));
		if (!fb_mthp_offers(&mi, z))
			fb_usage_error(cmd, "--folio-sizes %s: this kernel offers %s%s",
				       fb_size_str(z, a, sizeof(a)), fb_mthp_offered_str(&mi, buf, sizeof(buf)),
				       mi.thp && !mi.per_size ? " (no per-size mTHP before 6.8: only the PMD size)" :
				       !mi.thp ? " (no THP in this kernel)" : "");
		if (z > g->maxsize)
			g->maxsize = z;
	}
}

static int migrate_defaults(void *a, struct fb_measure *m)
{
	struct migrate_args *g = a;
	struct fb_migrate_spec *spec = &g->spec;
	int (*node_check)(int, char *, size_t) = m->machine.node_check;
	int first_two[2] = { -1, -1 }, with_memory = 0;
	char err[FB_ERRLEN];

	if (spec->ncounts && g->total_given)
		fb_usage_error(cmd, "--folio-count and --total both set what is moved: give one");
	if (spec->npairs && (g->src >= 0 || g->dst >= 0))
		fb_usage_error(cmd, "--nodes and --src-node/--dst-node both set directions: give one");
	if (g->src >= 0 && g->src == g->dst)
		fb_usage_error(cmd, "--src-node %d --dst-node %d: source and destination must differ",
			       g->src, g->dst);
	check_sizes(g);
	if (!spec->nbatches)
		spec->nbatches = 1; /* batches[0] == 0: all */
	if (!spec->loads[0] && !spec->loads[1])
		spec->loads[0] = true;

	/* Every argument is checked (exit 2) before "cannot run here" (exit 4). */
	for (int n = 0; n <= (numa_available() >= 0 ? numa_max_node() : 0); n++) {
		if (node_check(n, NULL, 0))
			continue;
		if (with_memory < 2)
			first_two[with_memory] = n;
		with_memory++;
	}
	for (size_t i = 0; i < spec->npairs; i++) {
		int nd[2] = { spec->pairs[i].src, spec->pairs[i].dst };

		for (int k = 0; k < 2; k++)
			if (node_check(nd[k], err, sizeof(err)))
				fb_usage_error(cmd, "--nodes %d:%d: %s", nd[0], nd[1], err);
	}
	if (g->src >= 0 && node_check(g->src, err, sizeof(err)))
		fb_usage_error(cmd, "--src-node %d: %s", g->src, err);
	if (g->dst >= 0 && node_check(g->dst, err, sizeof(err)))
		fb_usage_error(cmd, "--dst-node %d: %s", g->dst, err);
	if (spec->cpulist && fb_placement_cpus(&m->topo, FB_PLACE_LIST, spec->cpulist,
					       spec->ncpulist, spec->ncpulist, 1, (int[2]){ 0 },
					       err, sizeof(err)))
		fb_usage_error(cmd, "--cpus %s", err);
	/* With --folio-count the largest count of the largest folios has to
	 * fit, and every batch within the smallest count of the smallest. */
	if (spec->ncounts) {
		uint64_t most = 0, least = UINT64_MAX, minsize = UINT64_MAX;
		char a[32];

		for (size_t i = 0; i < spec->ncounts; i++) {
			most = spec->counts[i] > most ? spec->counts[i] : most;
			least = spec->counts[i] < least ? spec->counts[i] : least;
		}
		for (size_t z = 0; z < spec->nsizes; z++)
			minsize = spec->sizes[z] < minsize ? spec->sizes[z] : minsize;
		snprintf(g->total_opt, sizeof(g->total_opt), "--folio-count %llu of %s folios",
			 (unsigned long long)most, fb_size_str(g->maxsize, a, sizeof(a)));
		spec->total = most * g->maxsize;
		g->total_given = true;
		check_total(least * minsize, minsize, spec);
	}
	if (g->total_given)
		check_total(spec->total, g->maxsize, spec);

	/* Two nodes with memory, or nothing to migrate between. */
	if (with_memory < 2) {
		fprintf(stderr, "foliobench %s: needs two NUMA nodes with memory; this machine has %s\n",
			cmd, with_memory == 1 ? "one" : "none");
		return FB_EXIT_SKIP;
	}
	if (!spec->npairs) {
		int src = g->src, dst = g->dst;
		struct fb_node_pair *p = calloc(1, sizeof(*p));

		p->src = src >= 0 ? src : dst >= 0 && dst == first_two[0] ? first_two[1] : first_two[0];
		p->dst = dst >= 0 ? dst : p->src == first_two[1] ? first_two[0] : first_two[1];
		if (p->src == p->dst)
			fb_usage_error(cmd, "--%s-node %d: source and destination must differ",
				       src >= 0 ? "src" : "dst", src >= 0 ? src : dst);
		spec->pairs = p;
		spec->npairs = 1;
	}

	/* The memory has to fit on both nodes; at most half of what is free. */
	for (size_t i = 0; i < spec->npairs; i++) {
		int nd[2] = { spec->pairs[i].src, spec->pairs[i].dst };

		for (int k = 0; k < 2; k++)
			fb_fit_total(cmd, &spec->total, 1, nd[k], false,
				     g->total_given ? g->total_opt : NULL, g->maxsize, "per move",
				     m->notes, m->out.quiet);
	}
	if (!spec->ncounts)
		check_total(spec->total, g->maxsize, spec);
	else
		spec->total = 0; /* each cell: its count of folios */
	json_object_object_add(m->options, "timed", json_object_new_string(
		"each move_pages(2) pass source -> destination; the move back is untimed"));
	return FB_EXIT_OK;
}

static int migrate_expand(void *a, struct fb_measure *m, char *err, size_t errlen)
{
	if (fb_plan_migrate(&((struct migrate_args *)a)->spec, &m->machine, &m->cells,
			    &m->ncells, &m->params, err, errlen))
		return -1;
	for (size_t i = 0; i < m->ncells && !m->out.quiet; i++) {
		const struct fb_migrate_params *p = m->cells[i].params;

		if (p->load && p->accessor_cpu == m->cells[i].cpus[0])
			fprintf(stderr, "note: one CPU only: the rw thread shares cpu %d with the mover\n",
				p->accessor_cpu);
	}
	return 0;
}

static const struct fb_backend *migrate_backend(const void *spec)
{
	return &fb_backend_migrate;
}

/* Say once when the run could not set the mTHP sizes it wanted. */
static void migrate_after(void *a, struct fb_measure *m)
{
	for (size_t i = 0; i < m->run.ndone; i++) {
		json_object *mt = m->results[i].extra ? fb_json_path(m->results[i].extra, "mthp") : NULL;
		const char *note = mt ? fb_json_str(mt, "note", NULL) : NULL;
		bool seen = false;

		if (!note || !strstr(note, "cannot change"))
			continue;
		for (size_t k = 0; k < json_object_array_length(m->notes); k++)
			seen |= !strcmp(json_object_get_string(json_object_array_get_idx(m->notes, k)),
					note);
		if (!seen) {
			json_object_array_add(m->notes, json_object_new_string(note));
			if (!m->out.quiet)
				fprintf(stderr, "note: %s\n", note);
		}
	}
}

/* The axes fb_cell has no field for, in each cell's configuration. */
static void migrate_params_json(const void *params, json_object *cfg)
{
	const struct fb_migrate_params *p = params;

	json_object_object_add(cfg, "batch", json_object_new_int64((int64_t)p->batch_pages));
	json_object_object_add(cfg, "load", json_object_new_string(p->load ? "rw" : "none"));
}

static void migrate_free(void *a)
{
	fb_migrate_spec_free(&((struct migrate_args *)a)->spec);
}

const struct fb_experiment fb_experiment_migrate = {
	.name = "migrate",
	.usage = migrate_usage,
	.options = migrate_opts,
	.spec_size = sizeof(struct migrate_args),
	.init = migrate_init,
	.parse = migrate_parse,
	.defaults = migrate_defaults,
	.expand = migrate_expand,
	.backend = migrate_backend,
	.after = migrate_after,
	.params_json = migrate_params_json,
	.render = fb_render_migrate,
	.free = migrate_free,
};

int fb_cmd_migrate(int argc, char **argv)
{
	return fb_experiment_run(&fb_experiment_migrate, argc, argv);
}
