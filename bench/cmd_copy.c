/* foliobench copy: the sweep of folio copies, per page vs batched. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "foliobench_uapi.h"
#include "cli.h"
#include "engine.h"
#include "machine.h"
#include "primitives.h"
#include "results.h"
#include "table.h"
#include "util.h"

static const char *prog = "foliobench";

static const char copy_usage[] =
"usage: foliobench copy [options]\n"
"\n"
"Copy folios per page (the folio_copy loop) and batched (one copy per folio,\n"
"the RFC's copy_highpages) and report GB/s (1 GB = 1e9 bytes) as mean±sd.\n"
"\n"
"What is copied:\n"
"  --backend user|kmod        user: userspace copies of the kernel's primitives\n"
"                             (default); kmod: the real kernel functions through\n"
"                             /dev/foliobench (see README)\n"
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
	O_INJECT, O_DMA_MAP, O_DMA_REQUEST, O_DMA_NEAR, O_DMA_IRQ, O_INLINE, O_MOVABLE, O_HELP,
};

static const struct option copy_opts[] = {
	{ "backend", required_argument, NULL, O_BACKEND },
	{ "function", required_argument, NULL, O_FUNCTION },
	{ "kernel-model", required_argument, NULL, O_KMODEL },
	{ "primitive", required_argument, NULL, O_PRIMITIVE },
	{ "mode", required_argument, NULL, O_MODE },
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


/*
 * The kmod CPU engine times each worker: a sample is max(end) - min(start)
 * of the workers; show how far apart they start and finish, and each one's
 * rate, for cells with more than one worker.
 */
static void print_worker_skew(const struct fb_cell *cells, const struct fb_result *results,
			      size_t n)
{
	bool head = false;

	for (size_t i = 0; i < n; i++) {
		json_object *sk = results[i].extra ? fb_json_path(results[i].extra, "skew_ns") : NULL;
		json_object *ws = results[i].extra ? fb_json_path(results[i].extra, "workers") : NULL;
		char label[160];

		if (!sk || !ws || json_object_array_length(ws) < 2)
			continue;
		if (!head)
			printf("\nWorker skew (kmod): spread of the workers' start and end times per sample, median (max) in us; each worker's GB/s\n");
		head = true;
		printf("  %s: start %.1f (%.1f), end %.1f (%.1f);",
		       fb_cell_label(&cells[i], label, sizeof(label)),
		       fb_json_num(fb_json_path(sk, "start"), "median", 0) / 1e3,
		       fb_json_num(fb_json_path(sk, "start"), "max", 0) / 1e3,
		       fb_json_num(fb_json_path(sk, "end"), "median", 0) / 1e3,
		       fb_json_num(fb_json_path(sk, "end"), "max", 0) / 1e3);
		for (size_t w = 0; w < json_object_array_length(ws); w++) {
			json_object *e = json_object_array_get_idx(ws, w);

			printf(" cpu %d %.2f", (int)fb_json_num(e, "cpu", -1), fb_json_num(e, "gbps_mean", 0));
		}
		printf("\n");
	}
}

int fb_cmd_copy(int argc, char **argv)
{
	const char *cmd = "copy";
	struct fb_spec spec = { 0 };
	struct fb_run_opts ro = { .warmup = 1, .reps = 5, .ci_target_pct = 2,
				  .time_budget_s = 10, .max_reps = 200 };
	struct fb_topology topo = { 0 };
	struct fb_counters counters;
	struct fb_cell *cells = NULL;
	struct fb_result *results = NULL;
	struct fb_run run = { 0 };
	const struct fb_backend *be;
	struct fb_output_opts out = { .format = "table", .cols = "folio_size" };
	const char *counters_list = NULL;
	char err[FB_ERRLEN], total_opt[128];
	size_t ncells = 0;
	int src = 0, dst = 0, opt, rc;
	bool table, written, dma_given = false, movable_given = false;
	json_object *machine = NULL, *options = NULL, *doc = NULL, *notes;

	spec.backend = "user";
	spec.split = FB_SPLIT_AUTO;
	spec.backing = FB_BACK_AUTO;
	optind = 1;
	opterr = 0; /* our own one-line messages */
	while ((opt = getopt_long(argc, argv, FB_SHORTOPTS, copy_opts, NULL)) != -1) {
		switch (opt) {
		case O_BACKEND:
			if (strcmp(optarg, "user") && strcmp(optarg, "kmod"))
				fb_usage_error(cmd, "--backend %s: allowed user, kmod", fb_quote(optarg));
			spec.backend = optarg;
			break;
		case O_FUNCTION:
			fb_free_list(spec.functions, spec.nfunctions);
			spec.nfunctions = fb_parse_list(cmd, "--function", optarg, &spec.functions);
			break;
		case O_PRIMITIVE:
			if (!strcmp(optarg, "help")) {
				fb_print_primitives(stdout);
				return FB_EXIT_OK;
			}
			fb_free_list(spec.primitives, spec.nprimitives);
			spec.nprimitives = fb_parse_list(cmd, "--primitive", optarg, &spec.primitives);
			break;
		case O_KMODEL:
			PARSE_ENUM_LIST(cmd, "--kernel-model", optarg, spec.kmodels, spec.nkmodels,
					FB_KM_COUNT, fb_kernel_model_parse, "6.1, 6.12");
			break;
		case O_MODE:
			PARSE_ENUM_LIST(cmd, "--mode", optarg, spec.modes, spec.nmodes, FB_MODE_COUNT,
					fb_mode_parse, "per-page, batched, kernel");
			break;
		case O_SIZES:
			free(spec.folio_sizes);
			if (fb_parse_u64_list(optarg, true, &spec.folio_sizes, &spec.nsizes, err, sizeof(err)))
				fb_usage_error(cmd, "--folio-sizes %s", err);
			break;
		case O_TOTAL:
			if (fb_parse_size(optarg, &spec.total) || !spec.total)
				fb_usage_error(cmd, "--total %s: allowed a size such as 256M or 1G",
					    fb_quote(optarg));
			snprintf(total_opt, sizeof(total_opt), "--total %s", fb_quote(optarg));
			spec.total_given = true;
			break;
		case O_COUNT:
			free(spec.counts);
			if (fb_parse_u64_list(optarg, false, &spec.counts, &spec.ncounts, err, sizeof(err)))
				fb_usage_error(cmd, "--folio-count %s", err);
			break;
		case O_THREADS:
			free(spec.threads);
			if (fb_parse_u64_list(optarg, false, &spec.threads, &spec.nthreads, err, sizeof(err)))
				fb_usage_error(cmd, "--threads %s", err);
			break;
		case O_CHANNELS:
			free(spec.channels);
			if (fb_parse_u64_list(optarg, false, &spec.channels, &spec.nchannels, err, sizeof(err)))
				fb_usage_error(cmd, "--channels %s", err);
			break;
		case O_SPLIT:
			if (fb_split_parse(optarg, &spec.split))
				fb_usage_error(cmd, "--split %s: allowed auto, chunk, folio", fb_quote(optarg));
			break;
		case O_PLACEMENT:
			PARSE_ENUM_LIST(cmd, "--placement", optarg, spec.placements, spec.nplacements,
					2, fb_placement_parse, "spread, fill");
			for (size_t i = 0; i < spec.nplacements; i++)
				if (spec.placements[i] == FB_PLACE_LIST)
					fb_usage_error(cmd, "--placement list: give the CPUs with --cpus");
			break;
		case O_CPUS:
			free(spec.cpulist);
			spec.ncpulist = fb_parse_cpus(cmd, "--cpus", optarg, &spec.cpulist);
			break;
		case O_OVERSUB:
			spec.oversubscribe = true;
			break;
		case O_INLINE:
			ro.kmod_inline = true;
			break;
		case O_MOVABLE:
			if (!strcmp(optarg, "auto"))
				ro.kmod_movable = FOLIOBENCH_MOVABLE_AUTO;
			else if (!strcmp(optarg, "on"))
				ro.kmod_movable = FOLIOBENCH_MOVABLE_ON;
			else if (!strcmp(optarg, "off"))
				ro.kmod_movable = FOLIOBENCH_MOVABLE_OFF;
			else
				fb_usage_error(cmd, "--movable %s: allowed auto, on, off", optarg);
			movable_given = true;
			break;
		case O_SRC:
			src = parse_node(cmd, "--src-node", optarg);
			break;
		case O_DST:
			dst = parse_node(cmd, "--dst-node", optarg);
			break;
		case O_NODES:
			free(spec.nodes);
			spec.nnodes = fb_parse_node_pairs(cmd, optarg, &spec.nodes);
			break;
		case O_EVICT:
			PARSE_ENUM_LIST(cmd, "--evict", optarg, spec.evicts, spec.nevicts, 4,
					fb_evict_parse, "none, src, both, sweep");
			break;
		case O_BACKING:
			if (fb_backing_parse(optarg, &spec.backing))
				fb_usage_error(cmd, "--backing %s: allowed auto, 4k, thp, hugetlb",
					    fb_quote(optarg));
			break;
		case O_SRCFILL:
			if (strcmp(optarg, "pattern") && strcmp(optarg, "zero"))
				fb_usage_error(cmd, "--src-fill %s: allowed pattern, zero", fb_quote(optarg));
			spec.src_zero = !strcmp(optarg, "zero");
			break;
		case O_VERIFY:
			spec.verify = true;
			break;
		case O_COUNTERS: {
			char **tok;
			/* empty elements and duplicates here; the names PAPI checks */
			size_t nt = fb_parse_list(cmd, "--counters", optarg, &tok);

			fb_free_list(tok, nt);
			counters_list = optarg;
			break;
		}
		case O_INJECT:
			ro.inject_slowdown_pct = fb_parse_positive(cmd, "--inject-slowdown", optarg);
			if (ro.inject_slowdown_pct > 90)
				fb_usage_error(cmd, "--inject-slowdown %s: allowed a percentage above 0, at most 90",
					    fb_quote(optarg));
			break;
		case O_DMA_MAP:
			ro.dma_map = parse_dma_opt(cmd, "--dma-map", optarg, dma_map_names,
						   "sgtable, page", &dma_given);
			break;
		case O_DMA_REQUEST:
			ro.dma_request = parse_dma_opt(cmd, "--dma-request", optarg,
						       dma_request_names, "once, batch",
						       &dma_given);
			break;
		case O_DMA_NEAR:
			ro.dma_near = parse_dma_opt(cmd, "--dma-near", optarg, dma_near_names,
						    "any, src, dst", &dma_given);
			break;
		case O_DMA_IRQ:
			ro.dma_irq = parse_dma_opt(cmd, "--dma-irq", optarg, dma_irq_names,
						   "each, last", &dma_given);
			break;
		case 'h':
		case O_HELP:
			fputs(copy_usage, stdout);
			return FB_EXIT_OK;
		default:
			fb_parse_common_opt(cmd, opt, optarg, argv, &ro, &out);
		}
	}
	if (optind < argc)
		fb_usage_error(cmd, "unexpected argument '%s' (see foliobench copy --help)", argv[optind]);
	if (spec.nprimitives && (spec.nfunctions || spec.nkmodels))
		fb_usage_error(cmd, "--primitive runs primitives directly: drop --function/--kernel-model");
	if (spec.src_zero && strcmp(spec.backend, "user"))
		fb_usage_error(cmd, "--src-fill zero: allowed with --backend user only");
	if (ro.inject_slowdown_pct > 0 && strcmp(spec.backend, "user"))
		fb_usage_error(cmd, "--inject-slowdown: allowed with --backend user only");
	if (dma_given && (strcmp(spec.backend, "kmod") || !spec.nchannels))
		fb_usage_error(cmd, "--dma-map/--dma-request/--dma-near/--dma-irq: allowed with --backend kmod --channels only");
	if ((ro.kmod_inline || movable_given) && strcmp(spec.backend, "kmod"))
		fb_usage_error(cmd, "%s: allowed with --backend kmod only",
			       ro.kmod_inline ? "--inline" : "--movable");
	if (ro.kmod_inline && spec.nchannels)
		fb_usage_error(cmd, "--inline copies on the calling thread: drop --channels");
	for (size_t i = 0; ro.kmod_inline && i < spec.nthreads; i++)
		if (spec.threads[i] != 1)
			fb_usage_error(cmd, "--inline copies on the calling thread: --threads %llu not allowed, only 1",
				       (unsigned long long)spec.threads[i]);
	if (ro.kmod_inline && spec.ncpulist > 1)
		fb_usage_error(cmd, "--inline copies on one CPU: --cpus names %d", spec.ncpulist);
	if (spec.ncounts && spec.total_given)
		fb_usage_error(cmd, "--folio-count and --total both set the cell size: give one");
	notes = json_object_new_array();

	/* Defaults for axes not given. */
	if (!spec.nfunctions && !spec.nprimitives)
		fb_split_list("folio_copy", &spec.functions, &spec.nfunctions);
	if (!spec.nmodes) {
		spec.modes[0] = FB_MODE_PER_PAGE;
		spec.modes[1] = FB_MODE_BATCHED;
		spec.nmodes = 2;
	}
	if (!spec.nsizes)
		fb_parse_u64_list("4K-2M", true, &spec.folio_sizes, &spec.nsizes, err, sizeof(err));
	if (!spec.nthreads && !spec.nchannels) {
		spec.threads = calloc(1, sizeof(*spec.threads));
		spec.threads[0] = spec.ncpulist ? (uint64_t)spec.ncpulist : 1;
		spec.nthreads = 1;
	}
	if (spec.ncpulist) {
		if (spec.nplacements)
			fb_usage_error(cmd, "--cpus and --placement both place threads: give one");
		spec.placements[0] = FB_PLACE_LIST;
		spec.nplacements = 1;
	} else if (!spec.nplacements) {
		spec.placements[0] = FB_PLACE_SPREAD;
		spec.nplacements = 1;
	}
	if (!spec.nnodes) {
		spec.nodes = calloc(1, sizeof(*spec.nodes));
		spec.nodes[0] = (struct fb_node_pair){ src, dst };
		spec.nnodes = 1;
	}
	if (!spec.nevicts) {
		spec.evicts[0] = FB_EVICT_NONE;
		spec.nevicts = 1;
	}
	if (!spec.total)
		spec.total = 1ULL << 30;
	if (!strcmp(spec.backend, "user") && !fb_flush_supported())
		for (size_t i = 0; i < spec.nevicts; i++)
			if (spec.evicts[i] == FB_EVICT_SRC || spec.evicts[i] == FB_EVICT_BOTH)
				fb_usage_error(cmd, "--evict %s: this CPU has no cache-line flush instruction; use sweep",
					    fb_evict_name(spec.evicts[i]));

	be = fb_backend_find(spec.backend);
	if (fb_topology_load(&topo, NULL, err, sizeof(err))) {
		fprintf(stderr, "%s %s: topology: %s\n", prog, cmd, err);
		rc = FB_EXIT_FAIL;
		goto done;
	}
	if (!out.rows)
		out.rows = spec.nchannels ? "channels" : "threads";

	/* The cell size has to fit: source and destination, on their nodes
	 * (the module checks its own cap). */
	if (!spec.ncounts && !strcmp(spec.backend, "user")) {
		for (size_t i = 0; i < spec.nnodes; i++) {
			int nodes[2] = { spec.nodes[i].src, spec.nodes[i].dst };

			for (int k = 0; k < 2; k++)
				fb_fit_total(cmd, &spec.total, nodes[0] == nodes[1] ? 2 : 1, nodes[k],
					     topo.nnodes <= 1, spec.total_given ? total_opt : NULL, 0,
					     "per cell", notes, out.quiet);
		}
	}
	if (fb_plan_build(&spec, &topo, &cells, &ncells, err, sizeof(err)))
		fb_usage_error(cmd, "%s", err);
	if (spec.ncounts && !strcmp(spec.backend, "user")) {
		/* Folio counts the user gave: the largest cell has to fit. */
		const struct fb_cell *big = &cells[0];
		char given[96], sz[32];
		uint64_t bytes;

		for (size_t i = 1; i < ncells; i++)
			if (fb_cell_bytes(&cells[i]) > fb_cell_bytes(big))
				big = &cells[i];
		snprintf(given, sizeof(given), "--folio-count %llu of %s folios",
			 (unsigned long long)big->folio_count, fb_size_str(big->folio_size, sz, sizeof(sz)));
		for (size_t i = 0; i < spec.nnodes; i++) {
			int nodes[2] = { spec.nodes[i].src, spec.nodes[i].dst };

			for (int k = 0; k < 2; k++) {
				bytes = fb_cell_bytes(big);
				fb_fit_total(cmd, &bytes, nodes[0] == nodes[1] ? 2 : 1, nodes[k],
					     topo.nnodes <= 1, given, 0, "per cell", notes, out.quiet);
			}
		}
	}

	if (counters_list) {
		rc = fb_counters_setup(&counters, counters_list, err, sizeof(err));
		if (rc < 0)
			fb_usage_error(cmd, "%s", err);
		if (rc == FB_EXIT_SKIP) {
			fprintf(stderr, "%s %s: %s\n", prog, cmd, err);
			rc = FB_EXIT_SKIP;
			goto done;
		}
		if (counters.unavailable[0])
			fprintf(stderr, "note: counters not available on this machine: %s\n",
				counters.unavailable);
		if (counters.n)
			ro.counters = &counters;
	}
	rc = be->probe(cells, ncells, err, sizeof(err));
	if (rc != FB_EXIT_OK) {
		fprintf(stderr, "%s %s: %s\n", prog, cmd, err);
		goto done;
	}
	ro.llc_bytes = fb_topology_largest_llc(&topo);

	results = calloc(ncells, sizeof(*results));
	machine = fb_machine_json(fb_this_cpu(), &topo);
	options = fb_measure_options_json(&ro);
	if (spec.nchannels && !strcmp(spec.backend, "kmod")) {
		json_object_object_add(options, "dma_map",
				       json_object_new_string(dma_map_names[ro.dma_map]));
		json_object_object_add(options, "dma_request",
				       json_object_new_string(dma_request_names[ro.dma_request]));
		json_object_object_add(options, "dma_near",
				       json_object_new_string(dma_near_names[ro.dma_near]));
		json_object_object_add(options, "dma_irq",
				       json_object_new_string(dma_irq_names[ro.dma_irq]));
	}
	if (!strcmp(spec.backend, "kmod")) {
		json_object_object_add(options, "inline", json_object_new_boolean(ro.kmod_inline));
		json_object_object_add(options, "movable", json_object_new_string(
			ro.kmod_movable == FOLIOBENCH_MOVABLE_ON ? "on" :
			ro.kmod_movable == FOLIOBENCH_MOVABLE_OFF ? "off" : "auto"));
	}
	if (ro.inject_slowdown_pct > 0) {
		/* Never to be mistaken for a measurement: options and notes say so. */
		json_object_object_add(options, "inject_slowdown_pct",
				       json_object_new_double(ro.inject_slowdown_pct));
		snprintf(err, sizeof(err),
			 "injected slowdown of %g%%: GB/s deliberately lowered to test the regression gate, not a measurement",
			 ro.inject_slowdown_pct);
		json_object_array_add(notes, json_object_new_string(err));
	}

	run.argc = argc;
	run.argv = argv;
	run.machine = machine;
	run.options = options;
	run.backend_info = be->describe ? be->describe() : NULL;
	run.counters = ro.counters;
	run.notes = json_object_array_length(notes) ? notes : NULL;

	rc = fb_run_cells(&run, cmd, out.output, be, cells, ncells, &ro, results,
			  !out.quiet);
	if (be->shutdown)
		be->shutdown();

	doc = fb_run_json(&run);
	/* Files that could not be written fail the run (table is then false). */
	written = fb_run_emit(&run, cmd, doc, out.format, out.quiet, &table);
	if (table) {
		printf("GB/s (1 GB = 1e9 bytes), mean±sd over the timed iterations\n");
		fb_table_render(stdout, doc, out.rows, out.cols,
				strcmp(out.format, "markdown") ? FB_TABLE_TEXT : FB_TABLE_MARKDOWN);
	}
	if (table)
		print_worker_skew(cells, results, run.ndone);
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
	fb_spec_free(&spec);
	fb_topology_free(&topo);
	return rc;
}
