/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The measuring subcommands as data, as perf bench has one ops struct per
 * benchmark: an experiment turns its options into a spec, expands it into
 * cells through plan.c and names a backend; one driver (experiment.c) does
 * the rest for all of them: parsing the shared options, the machine, the
 * counters, the run, the result files and the summary.
 */
#ifndef FB_EXPERIMENT_H
#define FB_EXPERIMENT_H
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "backend.h"
#include "cli.h"
#include "counters.h"
#include "plan.h"
#include "results.h"
#include "topology.h"

/* What the driver holds for one run; the experiment's hooks read and fill it. */
struct fb_measure {
	const char *cmd;               /* the experiment's name */
	int argc;
	char **argv;
	struct fb_run_opts ro;         /* repetition options, counters */
	struct fb_output_opts out;     /* --format, --rows, --cols, --output, --quiet */
	struct fb_topology topo;       /* this machine's, loaded before defaults */
	struct fb_plan_machine machine; /* what expand plans for */
	struct fb_counters counters;   /* set up by the counters hook */
	const struct fb_counters *run_counters; /* what run.json records, may be NULL */
	json_object *options;          /* run.json's options: the driver's, then the experiment's */
	json_object *notes;            /* run.json's notes (strings) */
	struct fb_cell *cells;         /* set by expand */
	size_t ncells;
	void *params;                  /* per-cell params, params_size each; may be NULL */
	struct fb_result *results;
	struct fb_run run;
};

/* What parse says of an option. */
enum fb_parsed {
	FB_PARSED,          /* the experiment's own, taken */
	FB_PARSE_COMMON,    /* not its own: a repetition or output option, or unknown */
	FB_PARSE_HELP,      /* --help: print usage and exit 0 */
	FB_PARSE_DONE,      /* it printed what was asked ("--kernel help"): exit 0 */
};

struct fb_experiment {
	const char *name;              /* the subcommand */
	const char *usage;             /* --help */
	const struct option *options;  /* getopt_long table, with FB_MEASURE/OUTPUT_LONGOPTS */
	size_t spec_size;              /* the experiment's own spec, zeroed, then init */
	/* Values before parsing (spec and m->out's table axes). */
	void (*init)(void *spec, struct fb_measure *m);
	/* One option into the spec; usage errors exit (fb_usage_error). */
	enum fb_parsed (*parse)(void *spec, struct fb_measure *m, int opt, const char *arg);
	/*
	 * After parsing, with m->topo loaded: the values of what was not given,
	 * the checks across options (usage errors exit), and the run's options
	 * and notes.  FB_EXIT_OK, or a status to stop with (FB_EXIT_SKIP, with
	 * the reason printed).
	 */
	int (*defaults)(void *spec, struct fb_measure *m);
	/* --counters into m->counters, m->ro.counters, m->run_counters: NULL
	 * when the experiment has none.  FB_EXIT_OK, FB_EXIT_SKIP (printed),
	 * or -1 with err (a usage error). */
	int (*counters)(void *spec, struct fb_measure *m, char *err, size_t errlen);
	/* The spec into m->cells (and m->params): 0, or -1 with err (a usage error). */
	int (*expand)(void *spec, struct fb_measure *m, char *err, size_t errlen);
	/* Which backend runs the cells. */
	const struct fb_backend *(*backend)(const void *spec);
	/* After the run, before run.json is made (may be NULL): notes of what
	 * the cells found. */
	void (*after)(void *spec, struct fb_measure *m);
	/* A cell's params into its config in run.json (may be NULL). */
	void (*params_json)(const void *params, json_object *config);
	/* The tables on stdout, when the format asks for them. */
	void (*render)(const void *spec, const struct fb_measure *m, json_object *doc);
	void (*free)(void *spec);
};

/* Run an experiment as its subcommand; returns the exit status. */
int fb_experiment_run(const struct fb_experiment *x, int argc, char **argv);

extern const struct fb_experiment fb_experiment_copy;    /* cmd_copy.c */
extern const struct fb_experiment fb_experiment_stores;  /* cmd_stores.c */
extern const struct fb_experiment fb_experiment_migrate; /* cmd_migrate.c */

/* This machine, for the plan: its CPU, boot inputs, running kernel line,
 * topo and fb_node_check. */
void fb_plan_machine_here(struct fb_plan_machine *m, const struct fb_topology *topo);
/* The running kernel's line (uname). */
enum fb_kernel_model fb_running_kernel_model(void);

/* The renderers (experiment_render.c). */
void fb_render_copy(const void *spec, const struct fb_measure *m, json_object *doc);
void fb_render_stores(const void *spec, const struct fb_measure *m, json_object *doc);
void fb_render_migrate(const void *spec, const struct fb_measure *m, json_object *doc);

#endif
