// SPDX-License-Identifier: GPL-2.0-only
/* foliobench stores: the streaming-store study of seed 004, options to spec. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment.h"
#include "stores.h"
#include "util.h"

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

static void print_methods(FILE *f, size_t record)
{
	size_t n;
	const struct fb_store_method *k = fb_store_methods(&n);

	fprintf(f, "%-12s %-5s %s\n", "kernel", "here", "what it stores");
	for (size_t i = 0; i < n; i++) {
		const char *why = NULL;
		bool ok = fb_store_method_usable(&k[i], fb_this_cpu(), record, &why);

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

/* The stores experiment's spec: the plan's, and what the options add. */
struct stores_args {
	struct fb_stores_spec spec;
	char total_opt[128];           /* --total as given, for messages */
	bool total_given;
	const char *counters_list;
};

static void stores_init(void *a, struct fb_measure *m)
{
	struct stores_args *s = a;

	s->spec.record = 64;
	s->spec.total = 1ULL << 30;
	s->spec.backing = FB_BACK_AUTO;
	m->out.rows = "primitive";
	m->out.cols = "threads";
}

static enum fb_parsed stores_parse(void *a, struct fb_measure *m, int opt, const char *optarg)
{
	const char *cmd = m->cmd;
	struct stores_args *s = a;
	struct fb_stores_spec *spec = &s->spec;

	switch (opt) {
	case O_KERNEL:
		if (!strcmp(optarg, "help")) {
			print_methods(stdout, spec->record);
			return FB_PARSE_DONE;
		}
		fb_free_list(spec->kernels, spec->nkernels);
		spec->nkernels = fb_parse_list(cmd, "--kernel", optarg, &spec->kernels);
		break;
	case O_RECORD:
		spec->record = fb_parse_count(cmd, "--record-size", optarg, 8, 4096);
		if (spec->record % 8)
			fb_usage_error(cmd, "--record-size %s: allowed a multiple of 8 from 8 to 4096",
				       fb_quote(optarg));
		break;
	case O_TOTAL:
		if (fb_parse_size(optarg, &spec->total) || !spec->total)
			fb_usage_error(cmd, "--total %s: allowed a size such as 256M or 1G",
				       fb_quote(optarg));
		snprintf(s->total_opt, sizeof(s->total_opt), "--total %s", fb_quote(optarg));
		s->total_given = true;
		break;
	case O_THREADS:
		fb_option_u64_list(cmd, "--threads", optarg, false, &spec->threads, &spec->nthreads);
		break;
	case O_PLACEMENT: {
		char **t;
		size_t n = fb_parse_list(cmd, "--placement", optarg, &t);

		if (n > 2)
			fb_usage_error(cmd, "--placement %s: allowed spread, fill", fb_quote(optarg));
		for (size_t i = 0; i < n; i++) {
			if (fb_placement_parse(t[i], &spec->placements[i]) ||
			    spec->placements[i] == FB_PLACE_LIST)
				fb_usage_error(cmd, "--placement %s: allowed spread, fill",
					       fb_quote(t[i]));
			if (i && spec->placements[i] == spec->placements[0])
				fb_usage_error(cmd, "--placement %s: %s is given twice",
					       fb_quote(optarg), fb_quote(t[i]));
		}
		spec->nplacements = n;
		fb_free_list(t, n);
		break;
	}
	case O_CPUS:
		free(spec->cpulist);
		spec->ncpulist = fb_parse_cpus(cmd, "--cpus", optarg, &spec->cpulist);
		break;
	case O_OVERSUB:
		spec->oversubscribe = true;
		break;
	case O_NODE:
		spec->node = (int)fb_parse_count(cmd, "--node", optarg, 0, 4095);
		break;
	case O_EVICT: {
		char **t;
		size_t n = fb_parse_list(cmd, "--evict", optarg, &t);

		if (n > 3)
			fb_usage_error(cmd, "--evict %s: allowed none, both, sweep", fb_quote(optarg));
		for (size_t i = 0; i < n; i++) {
			if (fb_evict_parse(t[i], &spec->evicts[i]) || spec->evicts[i] == FB_EVICT_SRC)
				fb_usage_error(cmd, "--evict %s: allowed none, both, sweep "
					       "(records have no source)", fb_quote(t[i]));
			for (size_t k = 0; k < i; k++)
				if (spec->evicts[k] == spec->evicts[i])
					fb_usage_error(cmd, "--evict %s: %s is given twice",
						       fb_quote(optarg), fb_quote(t[i]));
		}
		spec->nevicts = n;
		fb_free_list(t, n);
		break;
	}
	case O_BACKING:
		if (fb_backing_parse(optarg, &spec->backing))
			fb_usage_error(cmd, "--backing %s: allowed auto, 4k, thp, hugetlb",
				       fb_quote(optarg));
		break;
	case O_VERIFY:
		spec->verify = true;
		break;
	case O_COUNTERS: {
		char **tok;
		/* empty elements and duplicates here; the names PAPI checks */
		size_t nt = fb_parse_list(cmd, "--counters", optarg, &tok);

		fb_free_list(tok, nt);
		s->counters_list = optarg;
		break;
	}
	case O_HELP:
		return FB_PARSE_HELP;
	default:
		return FB_PARSE_COMMON;
	}
	return FB_PARSED;
}

/* Kernels: known names first (bad input), then what this CPU can run. */
static int check_kernels(struct fb_stores_spec *spec, const struct fb_measure *m)
{
	const char *cmd = m->cmd;
	char err[FB_ERRLEN + 256];

	if (!spec->nkernels) {
		size_t n;
		const struct fb_store_method *all = fb_store_methods(&n);

		spec->kernels = calloc(n, sizeof(*spec->kernels));
		for (size_t i = 0; i < n; i++)
			if (all[i].in_default)
				spec->kernels[spec->nkernels++] = strdup(all[i].name);
	}
	for (size_t i = 0; i < spec->nkernels; i++) {
		if (!fb_store_method_find(spec->kernels[i])) {
			size_t n, off;
			const struct fb_store_method *all = fb_store_methods(&n);

			off = (size_t)snprintf(err, sizeof(err), "--kernel %s: unknown (allowed:",
					       fb_quote(spec->kernels[i]));
			for (size_t j = 0; j < n && off < sizeof(err); j++)
				off += (size_t)snprintf(err + off, sizeof(err) - off, " %s", all[j].name);
			fb_usage_error(cmd, "%s)", err);
		}
	}
	for (size_t i = 0; i < spec->nkernels; i++) {
		const char *why = NULL;

		if (!fb_store_method_usable(fb_store_method_find(spec->kernels[i]), m->machine.cpu,
					    spec->record, &why)) {
			if (strstr(why, "--record-size"))
				fb_usage_error(cmd, "--kernel %s: %s", spec->kernels[i], why);
			fprintf(stderr, "foliobench %s: --kernel %s: cannot run here: %s\n", cmd,
				spec->kernels[i], why);
			return FB_EXIT_SKIP;
		}
	}
	return FB_EXIT_OK;
}

static int stores_defaults(void *a, struct fb_measure *m)
{
	const char *cmd = m->cmd;
	struct stores_args *s = a;
	struct fb_stores_spec *spec = &s->spec;
	const struct fb_cpu *cpu = m->machine.cpu;
	char err[FB_ERRLEN];
	json_object *fl;

	if (check_kernels(spec, m))
		return FB_EXIT_SKIP;
	if (!spec->nthreads) {
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
	if (!spec->nevicts) {
		spec->evicts[0] = FB_EVICT_NONE;
		spec->nevicts = 1;
	}
	for (size_t i = 0; i < spec->nevicts; i++)
		if (spec->evicts[i] == FB_EVICT_BOTH && !fb_flush_supported())
			fb_usage_error(cmd, "--evict both: this CPU has no cache-line flush instruction; use sweep");
	if (m->machine.node_check(spec->node, err, sizeof(err)))
		fb_usage_error(cmd, "--node %d: %s", spec->node, err);
	if (spec->total < spec->record)
		fb_usage_error(cmd, "--total %llu is smaller than one record (%llu bytes)",
			       (unsigned long long)spec->total, (unsigned long long)spec->record);
	fb_fit_total(cmd, &spec->total, 1, spec->node, m->topo.nnodes <= 1,
		     s->total_given ? s->total_opt : NULL, 0, "per pass", m->notes, m->out.quiet);
	for (size_t i = 0; i < spec->nthreads; i++)
		if (spec->threads[i] < 1 || spec->threads[i] > FB_MAX_THREADS ||
		    (!spec->oversubscribe && (int)spec->threads[i] > m->topo.ncpus))
			fb_usage_error(cmd, "--threads %llu: allowed 1..%d (the online CPUs; more with "
				       "--oversubscribe)", (unsigned long long)spec->threads[i],
				       spec->oversubscribe ? FB_MAX_THREADS : m->topo.ncpus);

	json_object_object_add(m->options, "experiment", json_object_new_string("stores"));
	json_object_object_add(m->options, "record_size", json_object_new_int64((int64_t)spec->record));
	/* the flags that decide which store paths exist here */
	fl = json_object_new_object();
	json_object_object_add(fl, "clwb", json_object_new_boolean(cpu->flag[FB_F_CLWB]));
	json_object_object_add(fl, "clflushopt", json_object_new_boolean(cpu->flag[FB_F_CLFLUSHOPT]));
	json_object_object_add(fl, "movdir64b", json_object_new_boolean(cpu->flag[FB_F_MOVDIR64B]));
	json_object_object_add(fl, "fsrm", json_object_new_boolean(cpu->flag[FB_F_FSRM]));
	json_object_object_add(m->options, "store_flags", fl);
	return FB_EXIT_OK;
}

static int stores_expand(void *a, struct fb_measure *m, char *err, size_t errlen)
{
	return fb_plan_stores(&((struct stores_args *)a)->spec, &m->machine, &m->cells,
			      &m->ncells, err, errlen);
}

static int stores_counters(void *a, struct fb_measure *m, char *err, size_t errlen)
{
	const char *list = ((struct stores_args *)a)->counters_list;
	int rc;

	if (!list)
		return FB_EXIT_OK;
	rc = setup_counters(&m->counters, list, err, errlen);
	if (rc)
		return rc;
	if (m->counters.unavailable[0] && !m->out.quiet)
		fprintf(stderr, "note: counters not available on this machine: %s\n",
			m->counters.unavailable);
	if (m->counters.n)
		m->ro.counters = &m->counters;
	/* run.json names the events that could not be counted, even if none could */
	m->run_counters = &m->counters;
	return FB_EXIT_OK;
}

static const struct fb_backend *stores_backend(const void *spec)
{
	return &fb_backend_stores;
}

static void stores_free(void *a)
{
	fb_stores_spec_free(&((struct stores_args *)a)->spec);
}

const struct fb_experiment fb_experiment_stores = {
	.name = "stores",
	.usage = stores_usage,
	.options = opts,
	.spec_size = sizeof(struct stores_args),
	.init = stores_init,
	.parse = stores_parse,
	.defaults = stores_defaults,
	.counters = stores_counters,
	.expand = stores_expand,
	.backend = stores_backend,
	.render = fb_render_stores,
	.free = stores_free,
};

int fb_cmd_stores(int argc, char **argv)
{
	return fb_experiment_run(&fb_experiment_stores, argc, argv);
}
