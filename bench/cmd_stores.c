/* foliobench stores: the streaming-store study of seed 004. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "engine.h"
#include "machine.h"
#include "plan.h"
#include "results.h"
#include "stats.h"
#include "stores.h"
#include "table.h"
#include "util.h"

static const char *const cmd = "stores";

static const char stores_usage[] =
"usage: foliobench stores [options]\n"
"\n"
"Seed 004's question: write-once records the size of a struct page, stored\n"
"over a large range from a template in cache (as ZONE_DEVICE memmap init\n"
"does), with cached stores vs movnti + sfence vs memcpy_flushcache's path vs\n"
"rep movsb.  Reports GB/s (1e9 bytes/s) and ns per record as mean±sd, and\n"
"with --counters the events per KiB written (write-allocate traffic of cached\n"
"stores shows as LLC misses).\n"
"\n"
"  --kernel LIST          store kernels ['help' lists them; default: cached,\n"
"                         movnti, flushcache, rep_movsb]\n"
"  --record-size N        bytes per record, a multiple of 8 from 8 to 4096 [64]\n"
"  --total SIZE           bytes written per pass [1G, halved to fit free memory]\n"
"  --threads LIST         writer threads, each a contiguous share [1]\n"
"  --placement LIST       spread, fill [spread]   --cpus CPULIST   --oversubscribe\n"
"  --node N               NUMA node of the records [0]\n"
"  --evict LIST           none, both (flush the records), sweep [none];\n"
"                         before each pass, never timed\n"
"  --backing auto|4k|thp|hugetlb  [auto: THP where allowed, like vmemmap]\n"
"  --reps N|auto          timed passes per cell [5]; auto repeats until the 95%\n"
"                         CI is within --ci-target PCT [2], --time-budget S [10]\n"
"                         or --max-reps N [200]    --warmup N [1]\n"
"  --verify               check every record after the cell\n"
"  --counters LIST|auto   PAPI/perf events per cell; auto = cycles, LLC misses\n"
"                         and task-clock where this machine can count them\n"
"  --format table|markdown|csv|json   [table]\n"
"  --rows AXIS --cols AXIS             [primitive x threads]\n"
"  --output DIR           run.json and cells.csv [results/<run-id>]\n"
"  --quiet                no tables and no progress lines\n"
"\n"
"Exit: 0 ok, 1 a cell failed, 2 bad usage, 4 a kernel this CPU cannot run\n"
"(e.g. movdir64b without MOVDIR64B), 130 (SIGINT) or 143 (SIGTERM)\n"
"interrupted, the completed cells written.\n";

enum {
	O_KERNEL = 256, O_RECORD, O_TOTAL, O_THREADS, O_PLACEMENT, O_CPUS, O_OVERSUB, O_NODE,
	O_EVICT, O_BACKING, O_VERIFY, O_COUNTERS, O_HELP,
};

static const struct option opts[] = {
	{ "kernel", required_argument, NULL, O_KERNEL },
	{ "record-size", required_argument, NULL, O_RECORD },
	{ "total", required_argument, NULL, O_TOTAL },
	{ "threads", required_argument, NULL, O_THREADS },
	{ "placement", required_argument, NULL, O_PLACEMENT },
	{ "cpus", required_argument, NULL, O_CPUS },
	{ "oversubscribe", no_argument, NULL, O_OVERSUB },
	{ "node", required_argument, NULL, O_NODE },
	{ "evict", required_argument, NULL, O_EVICT },
	{ "backing", required_argument, NULL, O_BACKING },
	FB_MEASURE_LONGOPTS,
	{ "verify", no_argument, NULL, O_VERIFY },
	{ "counters", required_argument, NULL, O_COUNTERS },
	FB_OUTPUT_LONGOPTS,
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static void print_kernels(FILE *f, size_t record)
{
	size_t n;
	const struct fb_store_kernel *k = fb_store_kernels(&n);

	fprintf(f, "%-12s %-5s %s\n", "kernel", "here", "what it stores");
	for (size_t i = 0; i < n; i++) {
		const char *why = NULL;
		bool ok = fb_store_kernel_usable(&k[i], fb_this_cpu(), record, &why);

		fprintf(f, "%-12s %-5s %s%s%s\n", k[i].name, ok ? "yes" : "no", k[i].description,
			ok ? "" : " -- ", ok ? "" : why);
	}
}

/*
 * auto: cycles and LLC misses (generic events, perf_event_open(2), no PAPI
 * needed) and task-clock (a software event every Linux has).  An event
 * this machine cannot count joins the "not available" list.
 */
static const char *const auto_events[] = { "cycles", "cache-misses", "task-clock" };

static int setup_counters(struct fb_counters *c, const char *list, char *err, size_t errlen)
{
	size_t off = 0;

	if (strcmp(list, "auto"))
		return fb_counters_setup(c, list, err, errlen);
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < sizeof(auto_events) / sizeof(auto_events[0]); i++) {
		struct fb_counters one;
		char e[FB_ERRLEN];
		int rc = fb_counters_setup(&one, auto_events[i], e, sizeof(e));

		if (rc == FB_EXIT_SKIP) {
			snprintf(err, errlen, "%s", e);
			return rc;
		}
		if (rc == 0 && one.n && c->n < FB_MAX_COUNTERS) {
			snprintf(c->name[c->n++], sizeof(c->name[0]), "%s", one.name[0]);
			continue;
		}
		off = strlen(c->unavailable);
		snprintf(c->unavailable + off, sizeof(c->unavailable) - off, "%s%s", off ? ", " : "",
			 rc == 0 ? one.unavailable : auto_events[i]);
		if (rc)
			snprintf(c->unavailable + strlen(c->unavailable),
				 sizeof(c->unavailable) - strlen(c->unavailable), " (unknown to PAPI here)");
	}
	return 0;
}

/*
 * A copy of the run for display: without the copy-study axes a stores
 * cell does not have (mode, function), and with stats replaced by
 * what(cell, values, n) when what is set.
 */
typedef size_t (*value_fn)(json_object *cell, double *out, size_t cap, const void *arg);

static json_object *display_doc(json_object *doc, value_fn what, const void *arg)
{
	json_object *d = NULL, *cells;

	json_object_deep_copy(doc, &d, NULL);
	cells = fb_json_path(d, "cells");
	for (size_t i = 0; cells && i < json_object_array_length(cells); i++) {
		json_object *c = json_object_array_get_idx(cells, i);
		json_object *cfg = fb_json_path(c, "config");

		json_object_object_del(cfg, "mode");
		json_object_object_del(cfg, "function");
		/* the kernel line is named in the kernel path lines */
		json_object_object_del(cfg, "kernel_model");
		if (what) {
			json_object *ns = fb_json_path(c, "samples_ns");
			size_t cap = (ns ? json_object_array_length(ns) : 0) + 1;
			double *v = malloc(cap * sizeof(*v));
			size_t n = v ? what(c, v, cap, arg) : 0;
			struct fb_stats s;
			json_object *st = json_object_new_object();

			fb_stats_compute(v, n, &s);
			free(v);
			if (n) {
				json_object_object_add(st, "mean", json_object_new_double(s.mean));
				json_object_object_add(st, "sd", json_object_new_double(s.sd));
			}
			json_object_object_add(c, "stats", st);
		}
	}
	return d;
}

/* ns per record of every timed pass */
static size_t ns_per_record(json_object *cell, double *out, size_t cap, const void *arg)
{
	json_object *ns = fb_json_path(cell, "samples_ns");
	double recs = fb_json_num(fb_json_path(cell, "config"), "folio_count", 1);
	size_t n = 0;

	for (size_t i = 0; ns && i < json_object_array_length(ns) && n < cap; i++)
		out[n++] = json_object_get_double(json_object_array_get_idx(ns, i)) / recs;
	return n;
}

/* one event per KiB written, per timed pass */
static size_t event_per_kib(json_object *cell, double *out, size_t cap, const void *arg)
{
	char path[160];
	json_object *a;
	double kib = fb_json_num(cell, "bytes_per_sample", 0) / 1024;
	size_t n = 0;

	snprintf(path, sizeof(path), "extra.counters_per_iteration.%s", (const char *)arg);
	a = fb_json_path(cell, path);
	for (size_t i = 0; a && kib > 0 && i < json_object_array_length(a) && n < cap; i++)
		out[n++] = json_object_get_double(json_object_array_get_idx(a, i)) / kib;
	return n;
}

static void render(json_object *doc, const char *rows, const char *cols, bool md,
		   const struct fb_counters *k, const char *unavailable)
{
	enum fb_table_fmt fmt = md ? FB_TABLE_MARKDOWN : FB_TABLE_TEXT;
	json_object *d;

	printf(md ? "\n**GB/s** (1 GB = 1e9 bytes), mean±sd over the timed passes\n\n" :
		    "GB/s (1 GB = 1e9 bytes), mean±sd over the timed passes\n");
	d = display_doc(doc, NULL, NULL);
	fb_table_render(stdout, d, rows, cols, fmt);
	json_object_put(d);
	printf(md ? "\n**ns per record**, mean±sd\n\n" : "\nns per record, mean±sd\n");
	d = display_doc(doc, ns_per_record, NULL);
	fb_table_render(stdout, d, rows, cols, fmt);
	json_object_put(d);
	for (size_t e = 0; k && e < k->n; e++) {
		printf(md ? "\n**%s per KiB written**, mean±sd over the timed passes\n\n" :
			    "\n%s per KiB written, mean±sd over the timed passes\n", k->name[e]);
		d = display_doc(doc, event_per_kib, k->name[e]);
		fb_table_render(stdout, d, rows, cols, fmt);
		json_object_put(d);
	}
	if (unavailable)
		printf("%scounters not available on this machine: %s%s\n", md ? "\n_" : "\n",
		       unavailable, md ? "_" : "");
}

int fb_cmd_stores(int argc, char **argv)
{
	struct fb_run_opts ro = { .warmup = 1, .reps = 5, .ci_target_pct = 2,
				  .time_budget_s = 10, .max_reps = 200 };
	struct fb_topology topo = { 0 };
	struct fb_counters counters;
	struct fb_cell *cells = NULL;
	struct fb_result *results = NULL;
	struct fb_run run = { 0 };
	struct fb_output_opts out = { .format = "table", .rows = "primitive", .cols = "threads" };
	const char *counters_list = NULL;
	char **knames = NULL, err[FB_ERRLEN + 256], total_opt[128];
	size_t nk = 0, nthreads = 0, nplace = 0, nevict = 0, ncells = 0, cap;
	uint64_t record = 64, total = 1ULL << 30, *threads = NULL;
	enum fb_placement places[2];
	enum fb_evict evicts[3];
	enum fb_backing backing = FB_BACK_AUTO;
	int *cpulist = NULL, ncpulist = 0, node = 0, opt, rc;
	bool total_given = false, oversub = false, verify = false, md, table, written;
	json_object *machine = NULL, *options = NULL, *doc = NULL, *notes, *fl;
	enum fb_kernel_model km;

	optind = 1;
	opterr = 0; /* our own one-line messages */
	while ((opt = getopt_long(argc, argv, FB_SHORTOPTS, opts, NULL)) != -1) {
		switch (opt) {
		case O_KERNEL:
			if (!strcmp(optarg, "help")) {
				print_kernels(stdout, record);
				return FB_EXIT_OK;
			}
			fb_free_list(knames, nk);
			nk = fb_parse_list(cmd, "--kernel", optarg, &knames);
			break;
		case O_RECORD:
			record = fb_parse_count(cmd, "--record-size", optarg, 8, 4096);
			if (record % 8)
				fb_usage_error(cmd, "--record-size %s: allowed a multiple of 8 from 8 to 4096",
					    fb_quote(optarg));
			break;
		case O_TOTAL:
			if (fb_parse_size(optarg, &total) || !total)
				fb_usage_error(cmd, "--total %s: allowed a size such as 256M or 1G",
					    fb_quote(optarg));
			snprintf(total_opt, sizeof(total_opt), "--total %s", fb_quote(optarg));
			total_given = true;
			break;
		case O_THREADS:
			free(threads);
			if (fb_parse_u64_list(optarg, false, &threads, &nthreads, err, sizeof(err)))
				fb_usage_error(cmd, "--threads %s", err);
			break;
		case O_PLACEMENT: {
			char **t;
			size_t n;

			n = fb_parse_list(cmd, "--placement", optarg, &t);
			if (n > 2)
				fb_usage_error(cmd, "--placement %s: allowed spread, fill", fb_quote(optarg));
			for (size_t i = 0; i < n; i++) {
				if (fb_placement_parse(t[i], &places[i]) || places[i] == FB_PLACE_LIST)
					fb_usage_error(cmd, "--placement %s: allowed spread, fill",
						    fb_quote(t[i]));
				if (i && places[i] == places[0])
					fb_usage_error(cmd, "--placement %s: %s is given twice",
						    fb_quote(optarg), fb_quote(t[i]));
			}
			nplace = n;
			fb_free_list(t, n);
			break;
		}
		case O_CPUS:
			free(cpulist);
			ncpulist = fb_parse_cpus(cmd, "--cpus", optarg, &cpulist);
			break;
		case O_OVERSUB:
			oversub = true;
			break;
		case O_NODE:
			node = (int)fb_parse_count(cmd, "--node", optarg, 0, 4095);
			break;
		case O_EVICT: {
			char **t;
			size_t n;

			n = fb_parse_list(cmd, "--evict", optarg, &t);
			if (n > 3)
				fb_usage_error(cmd, "--evict %s: allowed none, both, sweep", fb_quote(optarg));
			for (size_t i = 0; i < n; i++) {
				if (fb_evict_parse(t[i], &evicts[i]) || evicts[i] == FB_EVICT_SRC)
					fb_usage_error(cmd, "--evict %s: allowed none, both, sweep "
						    "(records have no source)", fb_quote(t[i]));
				for (size_t k = 0; k < i; k++)
					if (evicts[k] == evicts[i])
						fb_usage_error(cmd, "--evict %s: %s is given twice",
							    fb_quote(optarg), fb_quote(t[i]));
			}
			nevict = n;
			fb_free_list(t, n);
			break;
		}
		case O_BACKING:
			if (fb_backing_parse(optarg, &backing))
				fb_usage_error(cmd, "--backing %s: allowed auto, 4k, thp, hugetlb",
					    fb_quote(optarg));
			break;
		case O_VERIFY:
			verify = true;
			break;
		case O_COUNTERS: {
			char **tok;
			/* empty elements and duplicates here; the names PAPI checks */
			size_t nt = fb_parse_list(cmd, "--counters", optarg, &tok);

			fb_free_list(tok, nt);
			counters_list = optarg;
			break;
		}
		case 'h':
		case O_HELP:
			fputs(stores_usage, stdout);
			return FB_EXIT_OK;
		default:
			fb_parse_common_opt(cmd, opt, optarg, argv, &ro, &out);
		}
	}
	if (optind < argc)
		fb_usage_error(cmd, "unexpected argument '%s' (see foliobench stores --help)",
			    argv[optind]);
	notes = json_object_new_array();

	/* Kernels: known names first (bad input), then what this CPU can run. */
	if (!nk) {
		size_t n;
		const struct fb_store_kernel *all = fb_store_kernels(&n);

		knames = calloc(n, sizeof(*knames));
		for (size_t i = 0; i < n; i++)
			if (all[i].in_default)
				knames[nk++] = strdup(all[i].name);
	}
	for (size_t i = 0; i < nk; i++) {
		if (!fb_store_kernel_find(knames[i])) {
			size_t n, off;
			const struct fb_store_kernel *all = fb_store_kernels(&n);

			off = (size_t)snprintf(err, sizeof(err), "--kernel %s: unknown (allowed:",
					       fb_quote(knames[i]));
			for (size_t j = 0; j < n && off < sizeof(err); j++)
				off += (size_t)snprintf(err + off, sizeof(err) - off, " %s", all[j].name);
			fb_usage_error(cmd, "%s)", err);
		}
	}
	for (size_t i = 0; i < nk; i++) {
		const char *why = NULL;

		if (!fb_store_kernel_usable(fb_store_kernel_find(knames[i]), fb_this_cpu(), record, &why)) {
			if (strstr(why, "--record-size"))
				fb_usage_error(cmd, "--kernel %s: %s", knames[i], why);
			fprintf(stderr, "foliobench %s: --kernel %s: cannot run here: %s\n", cmd,
				knames[i], why);
			rc = FB_EXIT_SKIP;
			goto done;
		}
	}
	if (!nthreads) {
		threads = calloc(1, sizeof(*threads));
		threads[0] = ncpulist ? (uint64_t)ncpulist : 1;
		nthreads = 1;
	}
	if (ncpulist) {
		if (nplace)
			fb_usage_error(cmd, "--cpus and --placement both place threads: give one");
		places[0] = FB_PLACE_LIST;
		nplace = 1;
	} else if (!nplace) {
		places[0] = FB_PLACE_SPREAD;
		nplace = 1;
	}
	if (!nevict) {
		evicts[0] = FB_EVICT_NONE;
		nevict = 1;
	}
	for (size_t i = 0; i < nevict; i++)
		if (evicts[i] == FB_EVICT_BOTH && !fb_flush_supported())
			fb_usage_error(cmd, "--evict both: this CPU has no cache-line flush instruction; use sweep");
	if (fb_node_check(node, err, sizeof(err)))
		fb_usage_error(cmd, "--node %d: %s", node, err);
	if (total < record)
		fb_usage_error(cmd, "--total %llu is smaller than one record (%llu bytes)",
			    (unsigned long long)total, (unsigned long long)record);
	if (fb_topology_load(&topo, NULL, err, sizeof(err))) {
		fprintf(stderr, "foliobench %s: topology: %s\n", cmd, err);
		rc = FB_EXIT_FAIL;
		goto done;
	}
	fb_fit_total(cmd, &total, 1, node, topo.nnodes <= 1, total_given ? total_opt : NULL, 0, "per pass", notes,
		     out.quiet);
	for (size_t i = 0; i < nthreads; i++)
		if (threads[i] < 1 || threads[i] > FB_MAX_THREADS ||
		    (!oversub && (int)threads[i] > topo.ncpus))
			fb_usage_error(cmd, "--threads %llu: allowed 1..%d (the online CPUs; more with "
				    "--oversubscribe)", (unsigned long long)threads[i],
				    oversub ? FB_MAX_THREADS : topo.ncpus);

	/* The kernel line whose paths the records name: the running one. */
	km = fb_running_kernel_model();

	if (fb_plan_count((size_t[]){ nk, nthreads, nplace, nevict }, 4, &cap, err, sizeof(err)))
		fb_usage_error(cmd, "%s", err);
	cells = calloc(cap, sizeof(*cells));
	for (size_t k = 0; k < nk; k++)
	for (size_t t = 0; t < nthreads; t++)
	for (size_t p = 0; p < nplace; p++)
	for (size_t e = 0; e < nevict; e++) {
		struct fb_cell *c = &cells[ncells];
		const struct fb_store_kernel *sk = fb_store_kernel_find(knames[k]);

		c->id = (int)ncells;
		c->experiment = "stores";
		c->backend = "user";
		c->kernel_model = -1;
		snprintf(c->primitive, sizeof(c->primitive), "%s", sk->name);
		c->mode = FB_MODE_PER_PAGE;     /* one store sequence per record */
		c->folio_size = record;         /* the record (a struct page) */
		c->folio_count = total / record;
		c->threads = (int)threads[t];
		c->split = FB_SPLIT_FOLIO;      /* contiguous blocks of records */
		c->placement = places[p];
		c->src_node = c->dst_node = node;
		c->evict = evicts[e];
		c->backing = backing;
		c->verify = verify;
		if (c->placement == FB_PLACE_LIST && ncpulist != c->threads)
			fb_usage_error(cmd, "--cpus lists %d CPUs but --threads is %d", ncpulist,
				    c->threads);
		if (fb_placement_cpus(&topo, c->placement, cpulist, ncpulist, c->threads, oversub,
				      c->cpus, err, sizeof(err)))
			fb_usage_error(cmd, "%s%s", c->placement == FB_PLACE_LIST ? "--cpus: " : "", err);
		if (sk->routine >= 0) {
			struct fb_kpath kp;

			if (!fb_kpath_select_boot(fb_this_cpu(), km, (enum fb_kroutine)sk->routine,
						  fb_this_kboot(), &kp)) {
				c->kernel_model = (int)km;
				snprintf(c->kernel_path, sizeof(c->kernel_path), "%s %s: %s (%s)",
					 fb_kroutine_name((enum fb_kroutine)sk->routine),
					 fb_kernel_model_name(km), kp.impl, kp.why);
			}
		}
		ncells++;
	}

	if (counters_list) {
		rc = setup_counters(&counters, counters_list, err, sizeof(err));
		if (rc < 0)
			fb_usage_error(cmd, "%s", err);
		if (rc == FB_EXIT_SKIP) {
			fprintf(stderr, "foliobench %s: %s\n", cmd, err);
			rc = FB_EXIT_SKIP;
			goto done;
		}
		if (counters.unavailable[0] && !out.quiet)
			fprintf(stderr, "note: counters not available on this machine: %s\n",
				counters.unavailable);
		if (counters.n)
			ro.counters = &counters;
	}
	ro.llc_bytes = fb_topology_largest_llc(&topo);

	results = calloc(ncells, sizeof(*results));
	machine = fb_machine_json(fb_this_cpu(), &topo);
	options = fb_measure_options_json(&ro);
	json_object_object_add(options, "experiment", json_object_new_string("stores"));
	json_object_object_add(options, "record_size", json_object_new_int64((int64_t)record));
	/* the flags that decide which store paths exist here */
	fl = json_object_new_object();
	json_object_object_add(fl, "clwb", json_object_new_boolean(fb_this_cpu()->flag[FB_F_CLWB]));
	json_object_object_add(fl, "clflushopt",
			       json_object_new_boolean(fb_this_cpu()->flag[FB_F_CLFLUSHOPT]));
	json_object_object_add(fl, "movdir64b",
			       json_object_new_boolean(fb_this_cpu()->flag[FB_F_MOVDIR64B]));
	json_object_object_add(fl, "fsrm", json_object_new_boolean(fb_this_cpu()->flag[FB_F_FSRM]));
	json_object_object_add(options, "store_flags", fl);

	run.argc = argc;
	run.argv = argv;
	run.machine = machine;
	run.options = options;
	run.counters = counters_list ? &counters : NULL;
	run.notes = json_object_array_length(notes) ? notes : NULL;

	rc = fb_run_cells(&run, cmd, out.output, &fb_backend_stores, cells, ncells, &ro, results,
			  !out.quiet);

	doc = fb_run_json(&run);
	/* Files that could not be written fail the run (table is then false). */
	written = fb_run_emit(&run, cmd, doc, out.format, out.quiet, &table);
	md = !strcmp(out.format, "markdown");
	if (table) {
		printf("%srecords of %llu bytes (folio_size) over %s per pass; flags that decide "
		       "store paths here: %sclwb %sclflushopt %smovdir64b %sfsrm%s\n", md ? "_" : "",
		       (unsigned long long)record, fb_size_str(cells[0].folio_count * record, err,
							      sizeof(err)),
		       fb_this_cpu()->flag[FB_F_CLWB] ? "+" : "-",
		       fb_this_cpu()->flag[FB_F_CLFLUSHOPT] ? "+" : "-",
		       fb_this_cpu()->flag[FB_F_MOVDIR64B] ? "+" : "-",
		       fb_this_cpu()->flag[FB_F_FSRM] ? "+" : "-", md ? "_\n" : "");
		render(doc, out.rows, out.cols, md, ro.counters,
		       counters_list && counters.unavailable[0] ? counters.unavailable : NULL);
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
	fb_free_list(knames, nk);
	free(results);
	free(cells);
	free(threads);
	free(cpulist);
	fb_topology_free(&topo);
	return rc;
}
