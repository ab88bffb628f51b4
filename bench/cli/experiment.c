// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one measuring driver: options, machine, spec, cells, counters, the
 * run, run.json and cells.csv, tables and summary, for every experiment.
 */
#include "experiment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cpu.h"
#include "engine.h"
#include "kpath_probe.h"
#include "machine.h"
#include "memory.h"
#include "util.h"

enum fb_kernel_model fb_running_kernel_model(void)
{
	struct utsname u;

	return fb_kernel_model_of_release(uname(&u) ? "" : u.release);
}

void fb_plan_machine_here(struct fb_plan_machine *m, const struct fb_topology *topo)
{
	m->cpu = fb_this_cpu();
	m->kboot = fb_this_kboot();
	m->running = fb_running_kernel_model();
	m->topo = topo;
	m->node_check = fb_node_check;
}

/* Each cell's params in its config, as the experiment writes them. */
static void add_params(const struct fb_experiment *x, const struct fb_measure *m,
		       json_object *doc)
{
	json_object *cells = fb_json_path(doc, "cells");

	for (size_t i = 0; x->params_json && i < m->run.ndone; i++) {
		json_object *cfg = fb_json_path(json_object_array_get_idx(cells, i), "config");

		if (cfg && m->cells[i].params)
			x->params_json(m->cells[i].params, cfg);
	}
}

int fb_experiment_run(const struct fb_experiment *x, int argc, char **argv)
{
	struct fb_measure m = {
		.cmd = x->name, .argc = argc, .argv = argv,
		.ro = { .warmup = 1, .reps = 5, .ci_target_pct = 2, .time_budget_s = 10,
			.max_reps = 200 },
		.out = { .format = "table" },
	};
	const char *cmd = x->name;
	const struct fb_backend *be;
	void *spec = calloc(1, x->spec_size);
	json_object *machine = NULL, *doc = NULL;
	char err[FB_ERRLEN + 256];
	int opt, rc = FB_EXIT_OK;
	bool table, written;

	if (!spec) {
		fprintf(stderr, "foliobench %s: out of memory\n", cmd);
		return FB_EXIT_FAIL;
	}
	x->init(spec, &m);
	optind = 1;
	opterr = 0; /* our own one-line messages */
	while ((opt = getopt_long(argc, argv, FB_SHORTOPTS, x->options, NULL)) != -1) {
		enum fb_parsed p = opt == 'h' ? FB_PARSE_HELP : x->parse(spec, &m, opt, optarg);

		if (p == FB_PARSE_HELP)
			fputs(x->usage, stdout);
		if (p == FB_PARSE_HELP || p == FB_PARSE_DONE)
			goto done;
		if (p == FB_PARSE_COMMON)
			fb_parse_common_opt(cmd, opt, optarg, argv, &m.ro, &m.out);
	}
	if (optind < argc)
		fb_usage_error(cmd, "unexpected argument '%s' (see foliobench %s --help)",
			       argv[optind], cmd);
	m.notes = json_object_new_array();
	if (fb_topology_load(&m.topo, NULL, err, sizeof(err))) {
		fprintf(stderr, "foliobench %s: topology: %s\n", cmd, err);
		rc = FB_EXIT_FAIL;
		goto done;
	}
	fb_plan_machine_here(&m.machine, &m.topo);
	m.options = fb_measure_options_json(&m.ro);
	rc = x->defaults(spec, &m);
	if (rc != FB_EXIT_OK)
		goto done;
	if (x->expand(spec, &m, err, sizeof(err)))
		fb_usage_error(cmd, "%s", err);
	if (x->counters) {
		rc = x->counters(spec, &m, err, sizeof(err));
		if (rc < 0)
			fb_usage_error(cmd, "%s", err);
		if (rc != FB_EXIT_OK) {
			fprintf(stderr, "foliobench %s: %s\n", cmd, err);
			goto done;
		}
	}
	be = x->backend(spec);
	rc = be->probe(m.cells, m.ncells, err, sizeof(err));
	if (rc != FB_EXIT_OK) {
		fprintf(stderr, "foliobench %s: %s\n", cmd, err);
		goto done;
	}
	m.ro.llc_bytes = fb_topology_largest_llc(&m.topo);
	m.results = calloc(m.ncells ? m.ncells : 1, sizeof(*m.results));
	if (!m.results) {
		fprintf(stderr, "foliobench %s: out of memory for %zu results\n", cmd, m.ncells);
		rc = FB_EXIT_FAIL;
		goto done;
	}
	machine = fb_machine_json(m.machine.cpu, &m.topo, fb_kmod_kernel_view);

	m.run.argc = argc;
	m.run.argv = argv;
	m.run.machine = machine;
	m.run.options = m.options;
	m.run.backend_info = be->describe ? be->describe() : NULL;
	m.run.counters = m.run_counters;
	/* Signals (trapped by fb_run_cells before any cell changes system
	 * settings, as migrate's mTHP sizes) stop the run cleanly, so the
	 * backend's shutdown puts them back. */
	rc = fb_run_cells(&m.run, cmd, m.out.output, be, m.cells, m.ncells, &m.ro, m.results,
			  !m.out.quiet);
	if (be->shutdown)
		be->shutdown();
	if (x->after)
		x->after(spec, &m);
	m.run.notes = json_object_array_length(m.notes) ? m.notes : NULL;

	doc = fb_run_json(&m.run);
	add_params(x, &m, doc);
	/* Files that could not be written fail the run (table is then false). */
	written = fb_run_emit(&m.run, cmd, doc, m.out.format, m.out.quiet, &table);
	if (table)
		x->render(spec, &m, doc);
	if (written)
		fb_run_summary(&m.run, cmd, m.results, m.out.quiet);
	else
		rc = FB_EXIT_FAIL;
done:
	for (size_t i = 0; m.results && i < m.run.ndone; i++)
		fb_result_free(&m.results[i]);
	json_object_put(doc);
	json_object_put(machine);
	json_object_put(m.options);
	json_object_put(m.notes);
	if (m.run.backend_info)
		json_object_put(m.run.backend_info);
	free(m.results);
	free(m.cells);
	free(m.params);
	if (x->free)
		x->free(spec);
	free(spec);
	fb_topology_free(&m.topo);
	return rc;
}
