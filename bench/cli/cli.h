/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the subcommands share: one-line usage errors and option parsers
 * (cli_parse.c), and running the cells and writing the results (cli_run.c).
 */
#ifndef FB_CLI_H
#define FB_CLI_H
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

#include "backend.h"
#include "results.h"
#include "util.h"

/* ---- cli_parse.c: options to values ---- */
/* A list option (--threads 1,2,4; sizes too when sizes) into *out, *n,
 * replacing what an earlier one gave; bad input is a usage error naming
 * the option. */
void fb_option_u64_list(const char *cmd, const char *opt, const char *arg, bool sizes,
			uint64_t **out, size_t *n);

/* fb_usage_error, the one-line usage error every stage may give: util.h */
/*
 * The short options of a subcommand's getopt_long: ':' first, so a long
 * option without its value comes back as ':' and an unknown one as '?'.
 */
#define FB_SHORTOPTS ":h"
/* getopt_long returned ':' or '?': a usage error naming the option as
 * given ("--threads needs a value", "unknown option -z"). */
void fb_bad_option(const char *cmd, int opt, char **argv) __attribute__((noreturn));
/* A comma list of names (strdup'ed tokens, fb_free_list) and their count,
 * else a usage error: an empty list, an empty element, a name twice. */
size_t fb_parse_list(const char *cmd, const char *opt, const char *arg, char ***tok);
/* --cpus CPULIST: the CPUs (malloc'ed) and their count; at most
 * FB_MAX_THREADS (one per thread), else a usage error naming opt. */
int fb_parse_cpus(const char *cmd, const char *opt, const char *arg, int **cpus);
/* --nodes SRC:DST,...: the pairs (malloc'ed) and their count, else a usage
 * error naming the bad pair (a pair given twice too). */
struct fb_node_pair;
size_t fb_parse_node_pairs(const char *cmd, const char *arg, struct fb_node_pair **pairs);
/* --format: table, markdown, csv or json, else a usage error. */
const char *fb_parse_format(const char *cmd, const char *s);
/* A whole number lo..hi, else a usage error naming opt and s. */
unsigned long fb_parse_count(const char *cmd, const char *opt, const char *s,
			     unsigned long lo, unsigned long hi);
double fb_parse_positive(const char *cmd, const char *opt, const char *s);
/* A report file that fb_write_atomic will write at the end (opt names
 * it): a regular file or none yet, in a writable folder; else a usage
 * error now, before the work. */
void fb_check_output_file(const char *cmd, const char *opt, const char *path);
/* The primitive table with this CPU's support, for --primitive help and info. */
void fb_print_primitives(FILE *f);

/*
 * The repetition options every measuring subcommand takes (--reps,
 * --warmup, --ci-target, --time-budget, --max-reps): put FB_MEASURE_LONGOPTS
 * in the getopt table and hand unknown codes to fb_parse_measure_opt.
 */
enum { FB_O_REPS = 0x1000, FB_O_WARMUP, FB_O_CI, FB_O_BUDGET, FB_O_MAXREPS,
       FB_O_FORMAT, FB_O_ROWS, FB_O_COLS, FB_O_OUTPUT, FB_O_QUIET };
#define FB_MEASURE_LONGOPTS \
	{ "reps", required_argument, NULL, FB_O_REPS }, \
	{ "warmup", required_argument, NULL, FB_O_WARMUP }, \
	{ "ci-target", required_argument, NULL, FB_O_CI }, \
	{ "time-budget", required_argument, NULL, FB_O_BUDGET }, \
	{ "max-reps", required_argument, NULL, FB_O_MAXREPS }
/* Store a repetition option in ro; false when opt is not one of them. */
bool fb_parse_measure_opt(const char *cmd, int opt, const char *arg, struct fb_run_opts *ro);

/* And their output options: FB_OUTPUT_LONGOPTS, fb_parse_output_opt. */
struct fb_output_opts {
	const char *format;       /* table, markdown, csv, json */
	const char *rows, *cols;  /* table axes */
	const char *output;       /* --output DIR; NULL: results/<run-id> */
	bool quiet;
};
#define FB_OUTPUT_LONGOPTS \
	{ "format", required_argument, NULL, FB_O_FORMAT }, \
	{ "rows", required_argument, NULL, FB_O_ROWS }, \
	{ "cols", required_argument, NULL, FB_O_COLS }, \
	{ "output", required_argument, NULL, FB_O_OUTPUT }, \
	{ "quiet", no_argument, NULL, FB_O_QUIET }
/* Store an output option in o; false when opt is not one of them. */
bool fb_parse_output_opt(const char *cmd, int opt, const char *arg, struct fb_output_opts *o);
/* The default: of a measuring subcommand's option switch: a repetition or
 * output option, else a usage error naming the unknown option (optopt-safe:
 * it names argv[optind - 1]). */
void fb_parse_common_opt(const char *cmd, int opt, const char *arg, char **argv,
			 struct fb_run_opts *ro, struct fb_output_opts *o);

/* ---- cli_run.c: running a parsed command ---- */

/* "20261122T031500Z-host-CMD-PID", into id (returned): names a results folder. */
const char *fb_run_id(const char *cmd, char *id, size_t len);
/* Where a run's files go: --output DIR, else $FOLIOBENCH_RESULTS (or
 * results) / id.  -1 when that does not fit in len. */
int fb_results_dir(const char *output, const char *id, char *dir, size_t len);
/* run.json's options object, holding the repetition options. */
json_object *fb_measure_options_json(const struct fb_run_opts *ro);

/*
 * Name the run and its folder (--output DIR, else $FOLIOBENCH_RESULTS or
 * results/, plus the run id), make the folder ready (fb_run_open_dir; a
 * usage error when it cannot be), run the cells with signals trapped, and
 * set the times, ndone and status.  Returns what fb_engine_run returned,
 * or 128 + the signal when one interrupted the run.
 */
int fb_run_cells(struct fb_run *run, const char *cmd, const char *output,
		 const struct fb_backend *be, const struct fb_cell *cells, size_t n,
		 const struct fb_run_opts *ro, struct fb_result *results, bool progress);
/*
 * Write run.json and cells.csv, then print the document when format is json
 * or csv.  Returns false (after a one-line error) when the files could not
 * be written; *table tells whether the caller should render its tables.
 */
bool fb_run_emit(const struct fb_run *run, const char *cmd, json_object *doc,
		 const char *format, bool quiet, bool *table);
/* Name the cells that failed or were skipped, and where the results are. */
void fb_run_summary(const struct fb_run *run, const char *cmd, const struct fb_result *results,
		    bool quiet);

/*
 * Fit a run's total to node's free memory (the machine's when one_node):
 * total * copies bytes may use at most half of it.  A total the user gave
 * (given: the option as the message names it, "--total 1T") that does not
 * fit is a usage error; the default (given NULL) is halved until it fits
 * (not below floor nor 4 MiB) and a note (stderr unless quiet, and notes)
 * says so.  per names the unit of the total ("per cell").
 */
void fb_fit_total(const char *cmd, uint64_t *total, unsigned copies, int node, bool one_node,
		  const char *given, uint64_t floor, const char *per, json_object *notes, bool quiet);

/* Subcommands: argv[0] is the subcommand's name. */
int fb_cmd_copy(int argc, char **argv);
int fb_cmd_info(int argc, char **argv);
int fb_cmd_show(int argc, char **argv);
int fb_cmd_compare(int argc, char **argv);
int fb_cmd_ab(int argc, char **argv);
int fb_cmd_report(int argc, char **argv);
int fb_cmd_migrate(int argc, char **argv);
int fb_cmd_paths(int argc, char **argv);
int fb_cmd_stores(int argc, char **argv);

#endif
