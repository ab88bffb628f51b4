/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one result schema: a run (machine, command line, options) and its
 * cells (configuration, raw samples, statistics), as run.json + cells.csv.
 */
#ifndef FB_RESULTS_H
#define FB_RESULTS_H
#include <json-c/json.h>
#include <stdbool.h>
#include <time.h>
#include "backend.h"
#include "cell_record.h"
#include "json_access.h"

#define FB_SCHEMA "foliobench-result"
#define FB_SCHEMA_VERSION 2
/* The oldest version fb_run_load reads (converting it, fb_run_v1_to_v2). */
#define FB_SCHEMA_VERSION_OLDEST 1

struct fb_run {
	char id[128];
	char dir[2048];
	int argc;
	char **argv;
	struct timespec started, finished;
	const char *status;            /* "complete", "interrupted", "failed" */
	json_object *machine;          /* borrowed */
	json_object *options;          /* borrowed: run-wide options */
	json_object *backend_info;     /* borrowed, may be NULL */
	const struct fb_cell *cells;
	const struct fb_result *results;
	size_t nplanned, ndone;
	const struct fb_counters *counters;
	json_object *notes;            /* borrowed array of strings, may be NULL */
	int dir_fd;                    /* dir, open and locked, when dir_locked */
	bool dir_locked;
};

json_object *fb_cell_json(const struct fb_cell *c, const struct fb_result *r,
			  const struct fb_counters *k);
/* A cell's kernel_path object {routine, model, impl, why}; NULL (JSON null)
 * when the record is empty. */
json_object *fb_kpath_json(const struct fb_kpath_record *r);
/* The whole document; the caller puts it. */
json_object *fb_run_json(const struct fb_run *run);
/* CSV of a document's cells, one row each (malloc'ed). */
char *fb_cells_csv(json_object *doc);
/*
 * Make run->dir ready before anything is measured: create it, check that
 * it is a writable directory, and lock it (flock, held until exit) so that
 * a second run into the same directory is refused.  0, or -1 with err (the
 * directory is removed again if this call created it).
 */
int fb_run_open_dir(struct fb_run *run, char *err, size_t errlen);
/* Write run.json and cells.csv into run->dir together: both in full to
 * temporary names, then renamed, so a failed write (a full disk) leaves
 * the previous pair as it was. */
int fb_run_write(const struct fb_run *run, json_object *doc, char *err, size_t errlen);
/* Largest result file read: 10^6 cells with their samples fit. */
#define FB_RUN_MAX_BYTES ((size_t)8 << 30)
/* A JSON document from a regular file (or "-"), parsed as it is read and
 * its text cleaned for printing (table.h fb_text_clean); -1 with
 * "PATH: problem" in err. */
int fb_json_load(const char *path, size_t cap, json_object **out, char *err, size_t errlen);
/* The run.json a path names: DIR/run.json for a run directory, else path. */
void fb_run_path(const char *path, char *out, size_t len);
/* Load and check a run (run.json or its directory): schema name and
 * version, cells present.  A version 1 file comes back in version 2's
 * form (fb_run_v1_to_v2), so no reader needs to know version 1. */
int fb_run_load(const char *path, json_object **doc, char *err, size_t errlen);
/* A loaded version 1 document rewritten as version 2 (results_v1.c):
 * kernel_path strings become {routine, model, impl, why}; a stores cell's
 * primitive, folio_size and folio_count become store_kernel, record_size
 * and record_count, and its mode, function and kernel_model go. */
void fb_run_v1_to_v2(json_object *doc);

/* A double, or null where it is not finite (JSON has no NaN). */
json_object *fb_json_number(double v);
/* n, mean, sd, median, min, max and the 95% CI, in unit. */
json_object *fb_stats_json(const struct fb_stats *s, const char *unit);
/* The same of values x[0..n). */
json_object *fb_values_stats_json(const double *x, size_t n, const char *unit);
/* A finite number above 0. */
bool fb_json_positive(json_object *v);
/* GB/s of each timed iteration of a cell, from samples_ns and
 * bytes_per_sample (malloc'ed); NULL with err (" has no samples", ": sample
 * 3 is not ...", to follow the cell's name) when they are missing or not
 * positive numbers. */
double *fb_cell_gbps(json_object *cell, size_t *n, char *err, size_t errlen);
/* A new result extra object: cpus_used, the cell's first n CPUs. */
json_object *fb_extra_cpus_used(const struct fb_cell *c, int n);

#endif
