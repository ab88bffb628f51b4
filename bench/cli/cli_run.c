// SPDX-License-Identifier: GPL-2.0-only
/*
 * The subcommands' shared running: the run's id and folder, its total fit
 * to free memory, the cells run with signals trapped, and the result files
 * written and summed up.  Parsing the options is cli_parse.c.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "memory.h"
#include "results.h"
#include "util.h"

int fb_results_dir(const char *output, const char *id, char *dir, size_t len)
{
	const char *base = getenv("FOLIOBENCH_RESULTS");
	int n;

	if (output)
		n = snprintf(dir, len, "%s", output);
	else
		n = snprintf(dir, len, "%s/%s", base && *base ? base : "results", id);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

const char *fb_run_id(const char *cmd, char *id, size_t len)
{
	char host[64] = "host";
	time_t now = time(NULL);
	struct tm tm;

	gethostname(host, sizeof(host) - 1);
	host[strcspn(host, ".")] = '\0';
	gmtime_r(&now, &tm);
	snprintf(id, len, "%04d%02d%02dT%02d%02d%02dZ-%s-%s-%d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, host, cmd,
		 (int)getpid());
	return id;
}

void fb_fit_total(const char *cmd, uint64_t *total, unsigned copies, int node, bool one_node,
		  const char *given, uint64_t floor, const char *per, json_object *notes, bool quiet)
{
	long long avail = fb_node_free_bytes(one_node ? -1 : node);
	uint64_t need;
	/* a total near 2^64 must not wrap into something that fits */
	bool over = __builtin_mul_overflow(*total, (uint64_t)copies, &need);
	char b[32], c[32], note[200];

	if (avail < 0 || (!over && need <= (uint64_t)avail / 2))
		return; /* unknown node: the plan names it */
	if (given)
		fb_usage_error(cmd, "%s: needs %s on node %d, which has %s available "
			    "(at most half is used)", given,
			    over ? "more than 2^64 bytes" : fb_size_str(need, b, sizeof(b)), node,
			    fb_size_str((uint64_t)avail & ~((1ULL << 20) - 1), c, sizeof(c)));
	while (*total * copies > (uint64_t)avail / 2 && *total / 2 >= floor &&
	       *total > (4ULL << 20))
		*total /= 2;
	snprintf(note, sizeof(note), "total scaled to %s %s to fit the free memory of node %d",
		 fb_size_str(*total, b, sizeof(b)), per, node);
	json_object_array_add(notes, json_object_new_string(note));
	if (!quiet)
		fprintf(stderr, "note: %s\n", note);
}

json_object *fb_measure_options_json(const struct fb_run_opts *ro)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "warmup", json_object_new_int((int)ro->warmup));
	json_object_object_add(o, "reps", ro->adaptive ? json_object_new_string("auto") :
			       json_object_new_int((int)ro->reps));
	json_object_object_add(o, "ci_target_pct", json_object_new_double(ro->ci_target_pct));
	json_object_object_add(o, "time_budget_s", json_object_new_double(ro->time_budget_s));
	json_object_object_add(o, "max_reps", json_object_new_int((int)ro->max_reps));
	json_object_object_add(o, "gb", json_object_new_string("1e9 bytes"));
	return o;
}

int fb_run_cells(struct fb_run *run, const char *cmd, const char *output,
		 const struct fb_backend *be, const struct fb_cell *cells, size_t n,
		 const struct fb_run_opts *ro, struct fb_result *results, bool progress)
{
	char err[FB_ERRLEN];
	int rc;

	fb_run_id(cmd, run->id, sizeof(run->id));
	if (fb_results_dir(output, run->id, run->dir, sizeof(run->dir)))
		fb_usage_error(cmd, "%s %s: longer than %zu characters",
			    output ? "--output" : "results folder", fb_quote(run->dir),
			    sizeof(run->dir) - 1);
	/* Where the results go is checked before anything is measured. */
	if (fb_run_open_dir(run, err, sizeof(err)))
		fb_usage_error(cmd, "%s %s: %s", output ? "--output" : "results folder",
			    fb_quote(run->dir), err);
	run->cells = cells;
	run->results = results;
	run->nplanned = n;
	fb_engine_trap_signals();
	clock_gettime(CLOCK_REALTIME, &run->started);
	rc = fb_engine_run(be, cells, n, ro, results, &run->ndone, progress);
	clock_gettime(CLOCK_REALTIME, &run->finished);
	run->status = fb_interrupted ? "interrupted" : rc ? "failed" : "complete";
	return fb_interrupted ? fb_interrupt_status() : rc;
}

bool fb_run_emit(const struct fb_run *run, const char *cmd, json_object *doc,
		 const char *format, bool quiet, bool *table)
{
	char err[512];

	*table = false;
	if (fb_run_write(run, doc, err, sizeof(err))) {
		fprintf(stderr, "foliobench %s: cannot write results: %s\n", cmd, err);
		return false;
	}
	if (!strcmp(format, "json")) {
		puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
	} else if (!strcmp(format, "csv")) {
		char *csv = fb_cells_csv(doc);

		fputs(csv ? csv : "", stdout);
		free(csv);
	} else {
		*table = !quiet;
	}
	return true;
}

void fb_run_summary(const struct fb_run *run, const char *cmd, const struct fb_result *results,
		    bool quiet)
{
	fflush(stdout);
	for (size_t i = 0; i < run->ndone; i++)
		if (results[i].status)
			fprintf(stderr, "foliobench %s: cell %zu %s: %s\n", cmd, i,
				results[i].status == FB_EXIT_SKIP ? "skipped" : "failed",
				results[i].message);
	if (!quiet)
		fprintf(stderr, "results: %s/run.json, %s/cells.csv%s\n", run->dir, run->dir,
			fb_interrupted ? " (interrupted: completed cells kept)" : "");
}
