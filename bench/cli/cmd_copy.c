// SPDX-License-Identifier: GPL-2.0-only
/* foliobench copy: the sweep of folio copies, per page vs batched. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foliobench_uapi.h"
#include "experiment.h"
#include "primitives.h"
#include "util.h"

static const char copy_usage[] =
"usage: foliobench copy [options]\n"
"\n"
"Copy folios per page (the folio_copy loop) and batched (one copy per folio,\n"
"the RFC's copy_highpages) and report GB/s (1 GB = 1e9 bytes) as mean±sd.\n"
"\n"
"What is copied:\n"
"  --backend user|kmod        user: userspace copies of the kernel's primitives\n"
"                             (default); kmod: the real kernel functions through\n"
"                             /dev/foliobench (docs/kmod.md)\n"
"  --function LIST            folio_copy, folio_mc_copy (kmod also folios_mc_copy)\n"
"                             [folio_copy]; the user backend runs the primitive\n"
"                             the modelled kernel selects on this CPU\n"
"  --kernel-model LIST        6.1, 6.12: kernel line whose copy-path rules pick the\n"
"                             primitives [the running kernel's line]\n"
"  --primitive LIST           run these primitives instead of a function model;\n"
"                             'help' lists them\n"
"  --mode LIST                per-page, batched, kernel [per-page,batched];\n"
"                             kernel (kmod): this kernel's own function, per\n"
"                             page on a baseline kernel, batched if patched\n"
"  --batch-impl LIST          how batched folio_copy copies a folio: memcpy (one\n"
"                             memcpy, the RFC), copy_page (copy_page on each\n"
"                             page, no per-page overhead), rep_movsq (one rep\n"
"                             movsq) [memcpy]\n"
"Axes (LIST: comma list; a-b: powers of two from a to b):\n"
"  --folio-sizes LIST         sizes 4K..1G, powers of two [4K-2M]\n"
"  --total SIZE               bytes per cell [1G, halved to fit free memory]\n"
"  --folio-count LIST         folio counts instead of --total\n"
"  --threads LIST             copy threads [1]\n"
"  --channels LIST            DMA channels (kmod backend) instead of threads\n"
"  --dma-map sgtable|page     DMA mapping: one sg_table per channel batch\n"
"                             (sg_set_folio + dma_map_sgtable, as DCBM) or\n"
"                             dma_map_page per folio [sgtable]\n"
"  --dma-request once|batch   request the channels once before timing, or in\n"
"                             every iteration, timed, as DCBM pays it [once]\n"
"  --dma-near any|src|dst     only channels of a DMA device on the source or\n"
"                             destination node [any]\n"
"  --dma-irq each|last        interrupt on every descriptor, or only the last\n"
"                             of a channel as DCBM (in-order engines) [each]\n"
"  --split auto|chunk|folio   mtcopy split: chunk splits each folio over the\n"
"                             threads, folio hands out blocks of whole folios;\n"
"                             auto = chunk when folios < threads [auto]\n"
"  --placement LIST           spread (round-robin over LLC domains), fill (one\n"
"                             LLC domain before the next) [spread]\n"
"  --cpus CPULIST             explicit CPUs, one per thread (e.g. 0-3,8)\n"
"  --inline                   kmod, 1 thread: copy on the calling thread (pinned\n"
"                             to --cpus or where it runs), no kworker wake-up\n"
"  --oversubscribe            allow more threads than online CPUs\n"
"  --src-node N, --dst-node N NUMA nodes of source and destination [0]\n"
"  --nodes S:D[,S:D...]       several directions\n"
"  --evict LIST               none, src, both (clflushopt/clflush the buffers\n"
"                             before each iteration), sweep (walk 2x the LLC)\n"
"                             [none]; never inside the timing\n"
"  --movable auto|on|off      kmod: may the folios come from ZONE_MOVABLE (CXL\n"
"                             memory onlined movable): auto = on a node that\n"
"                             has it [auto]\n"
"  --backing auto|4k|thp|hugetlb  page backing of the buffers [auto: THP for\n"
"                             folios >= 2M when the system allows it]\n"
"Measurement:\n"
"  --reps N|auto              timed iterations per cell [5]; auto repeats until\n"
"                             the 95% CI is within --ci-target\n"
"  --warmup N                 untimed iterations first [1]\n"
"  --ci-target PCT            [2]   --time-budget SECONDS per cell [10]\n"
"  --max-reps N               cap for auto [200]\n"
"  --verify                   compare destination with source after each cell\n"
"  --src-fill pattern|zero    source contents [pattern]; zero as perf bench\n"
"                             (user backend)\n"
"  --counters LIST            events per cell: generic (task-clock, page-faults,\n"
"                             cycles, cache-misses, LLC-load-misses, ...) or\n"
"                             PAPI names (PAPI_L3_TCM)\n"
"  --inject-slowdown PCT      testing the regression gate only: lengthen each\n"
"                             timed iteration so GB/s drops by PCT% (0<PCT<=90,\n"
"                             user backend); recorded in options and notes\n"
"Output:\n"
"  --format table|markdown|csv|json   what goes to stdout [table]\n"
"  --rows AXIS --cols AXIS    table layout [threads x folio_size]; axes: threads\n"
"                             channels folio_size folio_count mode placement\n"
"                             function primitive kernel_model kernel_path\n"
"                             batch_impl\n"
"                             evict direction backend backing total_bytes\n"
"  --output DIR               write run.json and cells.csv here\n"
"                             [results/<run-id>]\n"
"  --quiet                    no table and no progress line\n"
"\n"
"Exit: 0 ok, 1 a cell failed, 2 bad usage, 4 cannot run on this machine,\n"
"130 (SIGINT) or 143 (SIGTERM) interrupted, the completed cells written.\n";

enum {
	O_BACKEND = 256, O_FUNCTION, O_KMODEL, O_PRIMITIVE, O_MODE, O_SIZES, O_TOTAL,
	O_COUNT, O_THREADS, O_CHANNELS, O_SPLIT, O_PLACEMENT, O_CPUS, O_OVERSUB,
	O_SRC, O_DST, O_NODES, O_EVICT, O_BACKING, O_VERIFY, O_SRCFILL, O_COUNTERS,
	O_INJECT, O_DMA_MAP, O_DMA_REQUEST, O_DMA_NEAR, O_DMA_IRQ, O_INLINE, O_MOVABLE,
	O_BATCH_IMPL, O_HELP,
};

static const struct option copy_opts[] = {
	{ "backend", required_argument, NULL, O_BACKEND },
	{ "function", required_argument, NULL, O_FUNCTION },
	{ "kernel-model", required_argument, NULL, O_KMODEL },
	{ "primitive", required_argument, NULL, O_PRIMITIVE },
	{ "mode", required_argument, NULL, O_MODE },
	{ "batch-impl", required_argument, NULL, O_BATCH_IMPL },
	{ "folio-sizes", required_argument, NULL, O_SIZES },
	{ "folio-size", required_argument, NULL, O_SIZES },
	{ "total", required_argument, NULL, O_TOTAL },
	{ "folio-count", required_argument, NULL, O_COUNT },
	{ "threads", required_argument, NULL, O_THREADS },
	{ "channels", required_argument, NULL, O_CHANNELS },
	{ "split", required_argument, NULL, O_SPLIT },
	{ "placement", required_argument, NULL, O_PLACEMENT },
	{ "cpus", required_argument, NULL, O_CPUS },
	{ "oversubscribe", no_argument, NULL, O_OVERSUB },
	{ "inline", no_argument, NULL, O_INLINE },
	{ "movable", required_argument, NULL, O_MOVABLE },
	{ "src-node", required_argument, NULL, O_SRC },
	{ "dst-node", required_argument, NULL, O_DST },
	{ "nodes", required_argument, NULL, O_NODES },
	{ "evict", required_argument, NULL, O_EVICT },
	{ "backing", required_argument, NULL, O_BACKING },
	FB_MEASURE_LONGOPTS,
	{ "verify", no_argument, NULL, O_VERIFY },
	{ "src-fill", required_argument, NULL, O_SRCFILL },
	{ "counters", required_argument, NULL, O_COUNTERS },
	FB_OUTPUT_LONGOPTS,
	{ "inject-slowdown", required_argument, NULL, O_INJECT },
	{ "dma-map", required_argument, NULL, O_DMA_MAP },
	{ "dma-request", required_argument, NULL, O_DMA_REQUEST },
	{ "dma-near", required_argument, NULL, O_DMA_NEAR },
	{ "dma-irq", required_argument, NULL, O_DMA_IRQ },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

/* --dma-* values, in the order of the uapi's constants (0 = default) */
static const char *const dma_map_names[] = { "sgtable", "page", NULL };
static const char *const dma_request_names[] = { "once", "batch", NULL };
static const char *const dma_near_names[] = { "any", "src", "dst", NULL };
static const char *const dma_irq_names[] = { "each", "last", NULL };

static unsigned parse_dma_opt(const char *cmd, const char *opt, const char *arg,
			      const char *const *names, const char *allowed, bool *given)
{
	for (unsigned i = 0; names[i]; i++)
		if (!strcmp(arg, names[i])) {
			*given = true;
			return i;
		}
	fb_usage_error(cmd, "%s %s: allowed %s", opt, arg, allowed);
	return 0;
}

static int parse_node(const char *cmd, const char *opt, const char *s)
{
	return (int)fb_parse_count(cmd, opt, s, 0, 4095);
}

/* Parse a list option whose items name enum values, each at most once. */
#define PARSE_ENUM_LIST(cmd, opt, arg, arr, n, max, parsefn, allowed)                 \
	do {                                                                           \
		char **tok_;                                                           \
		size_t nt_ = fb_parse_list(cmd, opt, arg, &tok_);                      \
		for (size_t i_ = 0; i_ < nt_; i_++) {                                  \
			if (i_ >= (max) || parsefn(tok_[i_], &(arr)[i_]))              \
				fb_usage_error(cmd, "%s %s: allowed %s", opt,             \
					    fb_quote(tok_[i_]), allowed);              \
			for (size_t k_ = 0; k_ < i_; k_++)                             \
				if ((arr)[k_] == (arr)[i_])                            \
					fb_usage_error(cmd, "%s %s: %s is given twice", \
						    opt, fb_quote(arg),                \
						    fb_quote(tok_[i_]));               \
		}                                                                      \
		n = nt_;                                                               \
		fb_free_list(tok_, nt_);                                               \
	} while (0)

/* The copy experiment's spec: the plan's, and what the options add to it. */
struct copy_args {
	struct fb_spec spec;
	int src, dst;                  /* --src-node, --dst-node */
	char total_opt[128];           /* --total as given, for messages */
	const char *counters_list;
	bool dma_given, movable_given;
};

static void copy_init(void *a, struct fb_measure *m)
{
	struct copy_args *c = a;

	c->spec.backend = "user";
	c->spec.split = FB_SPLIT_AUTO;
	c->spec.backing = FB_BACK_AUTO;
	m->out.cols = "folio_size";
}

static enum fb_parsed copy_parse(void *a, struct fb_measure *m, int opt, const char *optarg)
{
	const char *cmd = m->cmd;
	struct copy_args *c = a;
	struct fb_spec *spec = &c->spec;
	struct fb_run_opts *ro = &m->ro;

	switch (opt) {
	case O_BACKEND:
		if (strcmp(optarg, "user") && strcmp(optarg, "kmod"))
			fb_usage_error(cmd, "--backend %s: allowed user, kmod", fb_quote(optarg));
		spec->backend = optarg;
		break;
	case O_FUNCTION:
		fb_free_list(spec->functions, spec->nfunctions);
		spec->nfunctions = fb_parse_list(cmd, "--function", optarg, &spec->functions);
		break;
	case O_PRIMITIVE:
		if (!strcmp(optarg, "help")) {
			fb_print_primitives(stdout);
			return FB_PARSE_DONE;
		}
		fb_free_list(spec->primitives, spec->nprimitives);
		spec->nprimitives = fb_parse_list(cmd, "--primitive", optarg, &spec->primitives);
		break;
	case O_KMODEL:
		PARSE_ENUM_LIST(cmd, "--kernel-model", optarg, spec->kmodels, spec->nkmodels,
				FB_KM_COUNT, fb_kernel_model_parse, "6.1, 6.12");
		break;
	case O_MODE:
		PARSE_ENUM_LIST(cmd, "--mode", optarg, spec->modes, spec->nmodes, FB_MODE_COUNT,
				fb_mode_parse, "per-page, batched, kernel");
		break;
	case O_BATCH_IMPL:
		PARSE_ENUM_LIST(cmd, "--batch-impl", optarg, spec->batch_impls, spec->nbatch_impls,
				FB_BATCH_COUNT, fb_batch_impl_parse, "memcpy, copy_page, rep_movsq");
		break;
	case O_SIZES:
		fb_option_u64_list(cmd, "--folio-sizes", optarg, true, &spec->folio_sizes, &spec->nsizes);
		break;
	case O_TOTAL:
		if (fb_parse_size(optarg, &spec->total) || !spec->total)
			fb_usage_error(cmd, "--total %s: allowed a size such as 256M or 1G",
				       fb_quote(optarg));
		snprintf(c->total_opt, sizeof(c->total_opt), "--total %s", fb_quote(optarg));
		spec->total_given = true;
		break;
	case O_COUNT:
		fb_option_u64_list(cmd, "--folio-count", optarg, false, &spec->counts, &spec->ncounts);
		break;
	case O_THREADS:
		fb_option_u64_list(cmd, "--threads", optarg, false, &spec->threads, &spec->nthreads);
		break;
	case O_CHANNELS:
		fb_option_u64_list(cmd, "--channels", optarg, false, &spec->channels, &spec->nchannels);
		break;
	case O_SPLIT:
		if (fb_split_parse(optarg, &spec->split))
			fb_usage_error(cmd, "--split %s: allowed auto, chunk, folio", fb_quote(optarg));
		break;
	case O_PLACEMENT:
		PARSE_ENUM_LIST(cmd, "--placement", optarg, spec->placements, spec->nplacements,
				2, fb_placement_parse, "spread, fill");
		for (size_t i = 0; i < spec->nplacements; i++)
			if (spec->placements[i] == FB_PLACE_LIST)
				fb_usage_error(cmd, "--placement list: give the CPUs with --cpus");
		break;
	case O_CPUS:
		free(spec->cpulist);
		spec->ncpulist = fb_parse_cpus(cmd, "--cpus", optarg, &spec->cpulist);
		break;
	case O_OVERSUB:
		spec->oversubscribe = true;
		break;
	case O_INLINE:
		ro->kmod_inline = true;
		break;
	case O_MOVABLE:
		if (!strcmp(optarg, "auto"))
			ro->kmod_movable = FOLIOBENCH_MOVABLE_AUTO;
		else if (!strcmp(optarg, "on"))
			ro->kmod_movable = FOLIOBENCH_MOVABLE_ON;
		else if (!strcmp(optarg, "off"))
			ro->kmod_movable = FOLIOBENCH_MOVABLE_OFF;
		else
			fb_usage_error(cmd, "--movable %s: allowed auto, on, off", optarg);
		c->movable_given = true;
		break;
	case O_SRC:
		c->src = parse_node(cmd, "--src-node", optarg);
		break;
	case O_DST:
		c->dst = parse_node(cmd, "--dst-node", optarg);
		break;
	case O_NODES:
		free(spec->nodes);
		spec->nnodes = fb_parse_node_pairs(cmd, optarg, &spec->nodes);
		break;
	case O_EVICT:
		PARSE_ENUM_LIST(cmd, "--evict", optarg, spec->evicts, spec->nevicts, 4,
				fb_evict_parse, "none, src, both, sweep");
		break;
	case O_BACKING:
		if (fb_backing_parse(optarg, &spec->backing))
			fb_usage_error(cmd, "--backing %s: allowed auto, 4k, thp, hugetlb",
				       fb_quote(optarg));
		break;
	case O_SRCFILL:
		if (strcmp(optarg, "pattern") && strcmp(optarg, "zero"))
			fb_usage_error(cmd, "--src-fill %s: allowed pattern, zero", fb_quote(optarg));
		spec->src_zero = !strcmp(optarg, "zero");
		break;
	case O_VERIFY:
		spec->verify = true;
		break;
	case O_COUNTERS: {
		char **tok;
		/* empty elements and duplicates here; the names PAPI checks */
		size_t nt = fb_parse_list(cmd, "--counters", optarg, &tok);

		fb_free_list(tok, nt);
		c->counters_list = optarg;
		break;
	}
	case O_INJECT:
		ro->inject_slowdown_pct = fb_parse_positive(cmd, "--inject-slowdown", optarg);
		if (ro->inject_slowdown_pct > 90)
			fb_usage_error(cmd, "--inject-slowdown %s: allowed a percentage above 0, at most 90",
				       fb_quote(optarg));
		break;
	case O_DMA_MAP:
		ro->dma_map = parse_dma_opt(cmd, "--dma-map", optarg, dma_map_names,
					    "sgtable, page", &c->dma_given);
		break;
	case O_DMA_REQUEST:
		ro->dma_request = parse_dma_opt(cmd, "--dma-request", optarg,
						dma_request_names, "once, batch", &c->dma_given);
		break;
	case O_DMA_NEAR:
		ro->dma_near = parse_dma_opt(cmd, "--dma-near", optarg, dma_near_names,
					     "any, src, dst", &c->dma_given);
		break;
	case O_DMA_IRQ:
		ro->dma_irq = parse_dma_opt(cmd, "--dma-irq", optarg, dma_irq_names,
					    "each, last", &c->dma_given);
		break;
	case O_HELP:
		return FB_PARSE_HELP;
	default:
		return FB_PARSE_COMMON;
	}
	return FB_PARSED;
}

/* The options that only go together, then the axes not given. */
static void check_options(struct copy_args *c, struct fb_measure *m)
{
	const char *cmd = m->cmd;
	struct fb_spec *spec = &c->spec;
	const struct fb_run_opts *ro = &m->ro;

	if (spec->nprimitives && (spec->nfunctions || spec->nkmodels))
		fb_usage_error(cmd, "--primitive runs primitives directly: drop --function/--kernel-model");
	if (spec->src_zero && strcmp(spec->backend, "user"))
		fb_usage_error(cmd, "--src-fill zero: allowed with --backend user only");
	if (ro->inject_slowdown_pct > 0 && strcmp(spec->backend, "user"))
		fb_usage_error(cmd, "--inject-slowdown: allowed with --backend user only");
	if (c->dma_given && (strcmp(spec->backend, "kmod") || !spec->nchannels))
		fb_usage_error(cmd, "--dma-map/--dma-request/--dma-near/--dma-irq: allowed with --backend kmod --channels only");
	if ((ro->kmod_inline || c->movable_given) && strcmp(spec->backend, "kmod"))
		fb_usage_error(cmd, "%s: allowed with --backend kmod only",
			       ro->kmod_inline ? "--inline" : "--movable");
	if (ro->kmod_inline && spec->nchannels)
		fb_usage_error(cmd, "--inline copies on the calling thread: drop --channels");
	for (size_t i = 0; ro->kmod_inline && i < spec->nthreads; i++)
		if (spec->threads[i] != 1)
			fb_usage_error(cmd, "--inline copies on the calling thread: --threads %llu not allowed, only 1",
				       (unsigned long long)spec->threads[i]);
	if (ro->kmod_inline && spec->ncpulist > 1)
		fb_usage_error(cmd, "--inline copies on one CPU: --cpus names %d", spec->ncpulist);
	if (spec->ncounts && spec->total_given)
		fb_usage_error(cmd, "--folio-count and --total both set the cell size: give one");
}

static void default_axes(struct copy_args *c, struct fb_measure *m)
{
	const char *cmd = m->cmd;
	struct fb_spec *spec = &c->spec;
	char err[FB_ERRLEN];

	if (!spec->nfunctions && !spec->nprimitives)
		fb_split_list("folio_copy", &spec->functions, &spec->nfunctions);
	if (!spec->nmodes) {
		spec->modes[0] = FB_MODE_PER_PAGE;
		spec->modes[1] = FB_MODE_BATCHED;
		spec->nmodes = 2;
	}
	if (!spec->nsizes)
		fb_parse_u64_list("4K-2M", true, &spec->folio_sizes, &spec->nsizes, err, sizeof(err));
	if (!spec->nthreads && !spec->nchannels) {
		spec->threads = calloc(1, sizeof(*spec->threads));
		spec->threads[0] = spec->ncpulist ? (uint64_t)spec->ncpulist : 1;
		spec->nthreads = 1;
	}
	if (spec->ncpulist) {
		if (spec->nplacements)
			fb_usage_error(cmd, "--cpus and --placement both place threads: give one");
		spec->placements[0] = FB_PLACE_LIST;
		spec->nplacements = 1;
	} else if (!spec->nplacements) {
		spec->placements[0] = FB_PLACE_SPREAD;
		spec->nplacements = 1;
	}
	if (!spec->nnodes) {
		spec->nodes = calloc(1, sizeof(*spec->nodes));
		spec->nodes[0] = (struct fb_node_pair){ c->src, c->dst };
		spec->nnodes = 1;
	}
	if (!spec->nevicts) {
		spec->evicts[0] = FB_EVICT_NONE;
		spec->nevicts = 1;
	}
	if (!spec->total)
		spec->total = 1ULL << 30;
}

/* What run.json's options and notes say of the copy options. */
static void record_options(struct fb_measure *m, const struct fb_spec *spec)
{
	const struct fb_run_opts *ro = &m->ro;
	char note[FB_ERRLEN];

	if (spec->nchannels && !strcmp(spec->backend, "kmod")) {
		json_object_object_add(m->options, "dma_map",
				       json_object_new_string(dma_map_names[ro->dma_map]));
		json_object_object_add(m->options, "dma_request",
				       json_object_new_string(dma_request_names[ro->dma_request]));
		json_object_object_add(m->options, "dma_near",
				       json_object_new_string(dma_near_names[ro->dma_near]));
		json_object_object_add(m->options, "dma_irq",
				       json_object_new_string(dma_irq_names[ro->dma_irq]));
	}
	if (!strcmp(spec->backend, "kmod")) {
		json_object_object_add(m->options, "inline", json_object_new_boolean(ro->kmod_inline));
		json_object_object_add(m->options, "movable", json_object_new_string(
			ro->kmod_movable == FOLIOBENCH_MOVABLE_ON ? "on" :
			ro->kmod_movable == FOLIOBENCH_MOVABLE_OFF ? "off" : "auto"));
	}
	if (ro->inject_slowdown_pct > 0) {
		/* Never to be mistaken for a measurement: options and notes say so. */
		json_object_object_add(m->options, "inject_slowdown_pct",
				       json_object_new_double(ro->inject_slowdown_pct));
		snprintf(note, sizeof(note),
			 "injected slowdown of %g%%: GB/s deliberately lowered to test the regression gate, not a measurement",
			 ro->inject_slowdown_pct);
		json_object_array_add(m->notes, json_object_new_string(note));
	}
}

static int copy_defaults(void *a, struct fb_measure *m)
{
	const char *cmd = m->cmd;
	struct copy_args *c = a;
	struct fb_spec *spec = &c->spec;

	check_options(c, m);
	default_axes(c, m);
	if (!strcmp(spec->backend, "user") && !fb_flush_supported())
		for (size_t i = 0; i < spec->nevicts; i++)
			if (spec->evicts[i] == FB_EVICT_SRC || spec->evicts[i] == FB_EVICT_BOTH)
				fb_usage_error(cmd, "--evict %s: this CPU has no cache-line flush instruction; use sweep",
					       fb_evict_name(spec->evicts[i]));
	if (!m->out.rows)
		m->out.rows = spec->nchannels ? "channels" : "threads";

	/* The cell size has to fit: source and destination, on their nodes
	 * (the module checks its own cap). */
	if (!spec->ncounts && !strcmp(spec->backend, "user")) {
		for (size_t i = 0; i < spec->nnodes; i++) {
			int nodes[2] = { spec->nodes[i].src, spec->nodes[i].dst };

			for (int k = 0; k < 2; k++)
				fb_fit_total(cmd, &spec->total, nodes[0] == nodes[1] ? 2 : 1, nodes[k],
					     m->topo.nnodes <= 1, spec->total_given ? c->total_opt : NULL,
					     0, "per cell", m->notes, m->out.quiet);
		}
	}
	record_options(m, spec);
	return FB_EXIT_OK;
}

static int copy_expand(void *a, struct fb_measure *m, char *err, size_t errlen)
{
	const struct fb_spec *spec = &((struct copy_args *)a)->spec;
	const struct fb_cell *big;
	char given[96], sz[32];

	if (fb_plan_build(spec, &m->machine, &m->cells, &m->ncells, err, errlen))
		return -1;
	if (!spec->ncounts || strcmp(spec->backend, "user"))
		return 0;
	/* Folio counts the user gave: the largest cell has to fit. */
	big = &m->cells[0];
	for (size_t i = 1; i < m->ncells; i++)
		if (fb_cell_bytes(&m->cells[i]) > fb_cell_bytes(big))
			big = &m->cells[i];
	snprintf(given, sizeof(given), "--folio-count %llu of %s folios",
		 (unsigned long long)big->folio_count, fb_size_str(big->folio_size, sz, sizeof(sz)));
	for (size_t i = 0; i < spec->nnodes; i++) {
		int nodes[2] = { spec->nodes[i].src, spec->nodes[i].dst };

		for (int k = 0; k < 2; k++) {
			uint64_t bytes = fb_cell_bytes(big);

			fb_fit_total(m->cmd, &bytes, nodes[0] == nodes[1] ? 2 : 1, nodes[k],
				     m->topo.nnodes <= 1, given, 0, "per cell", m->notes, m->out.quiet);
		}
	}
	return 0;
}

static int copy_counters(void *a, struct fb_measure *m, char *err, size_t errlen)
{
	const char *list = ((struct copy_args *)a)->counters_list;
	int rc;

	if (!list)
		return FB_EXIT_OK;
	rc = fb_counters_setup(&m->counters, list, err, errlen);
	if (rc)
		return rc;
	if (m->counters.unavailable[0])
		fprintf(stderr, "note: counters not available on this machine: %s\n",
			m->counters.unavailable);
	if (m->counters.n)
		m->ro.counters = &m->counters;
	m->run_counters = m->ro.counters;
	return FB_EXIT_OK;
}

static const struct fb_backend *copy_backend(const void *a)
{
	return fb_backend_find(((const struct copy_args *)a)->spec.backend);
}

static void copy_free(void *a)
{
	fb_spec_free(&((struct copy_args *)a)->spec);
}

const struct fb_experiment fb_experiment_copy = {
	.name = "copy",
	.usage = copy_usage,
	.options = copy_opts,
	.spec_size = sizeof(struct copy_args),
	.init = copy_init,
	.parse = copy_parse,
	.defaults = copy_defaults,
	.counters = copy_counters,
	.expand = copy_expand,
	.backend = copy_backend,
	.render = fb_render_copy,
	.free = copy_free,
};

int fb_cmd_copy(int argc, char **argv)
{
	return fb_experiment_run(&fb_experiment_copy, argc, argv);
}
