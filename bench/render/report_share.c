// SPDX-License-Identifier: GPL-2.0-only
#include "report_share.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "util.h"

#define MAX_BOUNDS 16

static size_t ncells(json_object *doc)
{
	json_object *c = fb_json_path(doc, "cells");

	return c && json_object_is_type(c, json_type_array) ? json_object_array_length(c) : 0;
}

static json_object *cell_at(json_object *doc, size_t i)
{
	return json_object_array_get_idx(fb_json_path(doc, "cells"), i);
}

static const char *cfg_str(json_object *cell, const char *key)
{
	return fb_json_str(fb_json_path(cell, "config"), key, "");
}

static double cfg_num(json_object *cell, const char *key)
{
	return fb_json_num(fb_json_path(cell, "config"), key, -1);
}

bool fb_run_is_migration(json_object *doc)
{
	for (size_t i = 0; i < ncells(doc); i++)
		if (!strcmp(cfg_str(cell_at(doc, i), "experiment"), "migrate"))
			return true;
	return false;
}

bool fb_report_copy_phase(const struct fb_ref_table *seed, json_object *doc)
{
	return seed->measures_migration && doc && !fb_run_is_migration(doc);
}

/* "1, 2 threads" or "1 DMA channel": the values of key over the cells. */
static void counts_str(json_object *doc, const char *key, const char *unit, char *buf, size_t len)
{
	int seen[64], n = 0;
	size_t off = 0;

	for (size_t i = 0; i < ncells(doc); i++) {
		int v = (int)cfg_num(cell_at(doc, i), key), k = n;

		for (int j = 0; j < n; j++)
			if (seen[j] == v)
				k = -1;
		if (k < 0 || n == 64)
			continue;
		while (k > 0 && seen[k - 1] > v) {
			seen[k] = seen[k - 1];
			k--;
		}
		seen[k] = v;
		n++;
	}
	buf[0] = '\0';
	for (int j = 0; j < n && off < len; j++)
		off += (size_t)snprintf(buf + off, len - off, "%s%d", j ? ", " : "", seen[j]);
	if (off < len)
		snprintf(buf + off, len - off, " %s%s", unit, n == 1 && seen[0] == 1 ? "" : "s");
}

void fb_report_measured(FILE *f, const struct fb_ref_table *seed, json_object *doc,
			enum fb_table_fmt fmt)
{
	const char *li = fmt == FB_TABLE_MARKDOWN ? "- " : "  ";
	json_object *c0;
	char on[128];

	if (!seed->measures_migration)
		return;
	fprintf(f, "%smeasured: seed: page migration, %s", li, seed->measured);
	if (!doc) {
		fputc('\n', f);
		return;
	}
	if (fb_run_is_migration(doc)) {
		fprintf(f, "; here: page migration by move_pages(2) on kernel %s, with its own copy "
			   "(per page, one thread: more copy threads or DMA channels need the series)\n",
			fb_json_str(fb_json_path(doc, "machine.kernel"), "release", "?"));
		return;
	}
	c0 = cell_at(doc, 0);
	if (cfg_num(c0, "channels") > 0)
		counts_str(doc, "channels", "DMA channel", on, sizeof(on));
	else
		counts_str(doc, "threads", "thread", on, sizeof(on));
	fprintf(f, "; here: the copy phase alone (%s %s, %s backend, on %s), no migration: "
		   "no ours/seed ratio\n", cfg_str(c0, "function"), cfg_str(c0, "mode"),
		cfg_str(c0, "backend"), on);
}

/* ---- the copy-share table ---- */

struct share_row {
	json_object *mig;
	double bytes, mig_s, copy1_s;
	double copyn_s[MAX_BOUNDS]; /* NAN: no N-thread cell in the copy run */
};

static bool ok_cell(json_object *cell)
{
	return !strcmp(fb_json_str(cell, "status", ""), "ok") && fb_json_path(cell, "stats.mean") &&
	       fb_json_num(fb_json_path(cell, "stats"), "mean", 0) > 0;
}

static double gbps(json_object *cell)
{
	return fb_json_num(fb_json_path(cell, "stats"), "mean", 0);
}

/* The fastest completed CPU copy of the migrated cell's bytes, folio size and
 * nodes on threads threads, or NULL. */
static json_object *copy_for(json_object *copy, json_object *mig, int threads)
{
	json_object *best = NULL;

	for (size_t i = 0; i < ncells(copy); i++) {
		json_object *c = cell_at(copy, i);

		if (!ok_cell(c) || cfg_num(c, "channels") > 0 || cfg_num(c, "threads") != threads)
			continue;
		if (cfg_num(c, "folio_size") != cfg_num(mig, "folio_size") ||
		    cfg_num(c, "total_bytes") != cfg_num(mig, "total_bytes") ||
		    cfg_num(c, "src_node") != cfg_num(mig, "src_node") ||
		    cfg_num(c, "dst_node") != cfg_num(mig, "dst_node"))
			continue;
		if (!best || gbps(c) > gbps(best))
			best = c;
	}
	return best;
}

static void set(char **grid, int ncols, int r, int c, const char *s)
{
	free(grid[r * ncols + c]);
	grid[r * ncols + c] = strdup(s);
}

/* The thread counts of the bounds: LIST, else the copy run's above 1, else 16. */
static int bound_threads(const char *list, json_object *copy, int *n_out)
{
	int n = 0;

	if (list) {
		uint64_t *v;
		size_t nv;
		char err[FB_ERRLEN];

		if (fb_parse_u64_list(list, false, &v, &nv, err, sizeof(err)))
			fb_usage_error("report", "--threads %s", err);
		for (size_t i = 0; i < nv; i++) {
			if (v[i] < 2 || v[i] > 4096 || n == MAX_BOUNDS)
				fb_usage_error("report", "--threads %llu: allowed 2..4096 copy threads, at most %d counts",
					    (unsigned long long)v[i], MAX_BOUNDS);
			n_out[n++] = (int)v[i];
		}
		free(v);
		return n;
	}
	for (size_t i = 0; i < ncells(copy); i++) {
		int t = (int)cfg_num(cell_at(copy, i), "threads"), k = n;

		for (int j = 0; j < n; j++)
			if (n_out[j] == t)
				k = -1;
		if (t < 2 || k < 0 || n == MAX_BOUNDS)
			continue;
		while (k > 0 && n_out[k - 1] > t) {
			n_out[k] = n_out[k - 1];
			k--;
		}
		n_out[k] = t;
		n++;
	}
	if (!n)
		n_out[n++] = 16;
	return n;
}

static void print_header(FILE *f, json_object *mig, const char *mig_path, json_object *copy,
			 const char *copy_path, enum fb_table_fmt fmt)
{
	const char *li = fmt == FB_TABLE_MARKDOWN ? "- " : "  ";
	json_object *c0 = cell_at(copy, 0);

	if (fmt == FB_TABLE_MARKDOWN)
		fprintf(f, "\n### Where migration time goes: the copy's share and the Amdahl bound\n\n");
	else
		fprintf(f, "\nWhere migration time goes: the copy's share and the Amdahl bound\n");
	fprintf(f, "%smigration: %s: move_pages(2) on kernel %s, %.0f timed moves per cell\n", li,
		mig_path, fb_json_str(fb_json_path(mig, "machine.kernel"), "release", "?"),
		fb_json_num(fb_json_path(mig, "options"), "reps", 0));
	fprintf(f, "%scopy: %s: %s %s, %s backend, the same folio sizes, bytes and nodes "
		   "(where several cells copy them on a thread count, the fastest)\n", li, copy_path,
		cfg_str(c0, "function"), cfg_str(c0, "mode"), cfg_str(c0, "backend"));
	fprintf(f, "%scopy share = copy time on 1 thread / migration time; "
		   "times = bytes / mean GB/s\n", li);
	fprintf(f, "%sbound, N threads = bytes / (migration time - copy time + copy time on N threads): "
		   "the migration GB/s if only the copy got faster (Amdahl); the N-thread copy time is "
		   "measured where the copy run has N threads, else the 1-thread time / N (ideal)\n", li);
	fprintf(f, fmt == FB_TABLE_MARKDOWN ? "- **%s**\n" : "  %s\n",
		"bound computed from two measurements, not a measurement");
	for (int k = 0; k < 2; k++) {
		json_object *d = k ? copy : mig;

		if (strcmp(fb_json_str(d, "status", "?"), "complete"))
			fprintf(f, "%sPARTIAL: %s is %s; its cells that did not complete have no row\n", li,
				k ? copy_path : mig_path, fb_json_str(d, "status", "?"));
	}
}

int fb_report_copy_share(const char *mig_path, const char *copy_path, const char *threads,
			 enum fb_table_fmt fmt)
{
	json_object *mig = NULL, *copy = NULL;
	char err[FB_ERRLEN], a[32], b[32], buf[160];
	int nt, tn[MAX_BOUNDS], nrows = 0, ncols, skipped = 0;
	struct share_row *rows;
	bool measured[MAX_BOUNDS], ideal[MAX_BOUNDS];
	char **grid;

	if (!copy_path)
		fb_usage_error("report", "--threads %s: only with --copy-share", threads);
	if (fmt == FB_TABLE_SERIES)
		fb_usage_error("report", "--copy-share: allowed --format table, markdown");
	if (!mig_path)
		fb_usage_error("report", "--copy-share %s: give the migrate run first "
			    "(report MIGRATE_RUN --copy-share COPY_RUN)", copy_path);
	if (fb_run_load(mig_path, &mig, err, sizeof(err)) ||
	    fb_run_load(copy_path, &copy, err, sizeof(err)))
		fb_usage_error("report", "%s", err);
	if (!fb_run_is_migration(mig))
		fb_usage_error("report", "%s: not a foliobench migrate run "
			    "(report MIGRATE_RUN --copy-share COPY_RUN)", mig_path);
	if (fb_run_is_migration(copy) || !ncells(copy))
		fb_usage_error("report", "--copy-share %s: not a foliobench copy run with cells", copy_path);
	nt = bound_threads(threads, copy, tn);
	rows = calloc(ncells(mig) + 1, sizeof(*rows));
	for (size_t i = 0; i < ncells(mig); i++) {
		json_object *m = cell_at(mig, i), *c1;
		struct share_row *r = &rows[nrows];

		if (!ok_cell(m) || strcmp(fb_json_str(fb_json_path(m, "config"), "load", "none"), "none")) {
			skipped += !ok_cell(m);
			continue;
		}
		c1 = copy_for(copy, m, 1);
		if (!c1)
			fb_usage_error("report", "--copy-share %s: no 1-thread copy of %s in %s folios from node %.0f "
				    "to node %.0f, which %s moves (the runs must match: folio sizes, bytes, nodes)",
				    copy_path, fb_size_str((uint64_t)cfg_num(m, "total_bytes"), a, sizeof(a)),
				    fb_size_str((uint64_t)cfg_num(m, "folio_size"), b, sizeof(b)),
				    cfg_num(m, "src_node"), cfg_num(m, "dst_node"), mig_path);
		r->mig = m;
		r->bytes = cfg_num(m, "total_bytes");
		r->mig_s = r->bytes / (gbps(m) * 1e9);
		r->copy1_s = r->bytes / (gbps(c1) * 1e9);
		for (int k = 0; k < nt; k++) {
			json_object *cn = copy_for(copy, m, tn[k]);

			r->copyn_s[k] = cn ? r->bytes / (gbps(cn) * 1e9) : NAN;
		}
		nrows++;
	}
	if (!nrows)
		fb_usage_error("report", "%s: no completed migration cell without load to compare", mig_path);

	/* direction, folio size, folios, migration GB/s and ms, copy ms, share, bounds */
	ncols = 7 + nt;
	grid = calloc((size_t)(nrows + 1) * (size_t)ncols, sizeof(*grid));
	for (int k = 0; k < nt; k++) {
		measured[k] = ideal[k] = false;
		for (int r = 0; r < nrows; r++)
			*(isnan(rows[r].copyn_s[k]) ? &ideal[k] : &measured[k]) = true;
		snprintf(buf, sizeof(buf), "bound GB/s, %d threads (%s)", tn[k],
			 !ideal[k] ? "measured copy" : !measured[k] ? "ideal copy" : "measured copy; * ideal");
		set(grid, ncols, 0, 7 + k, buf);
	}
	set(grid, ncols, 0, 0, "direction");
	set(grid, ncols, 0, 1, "folio size");
	set(grid, ncols, 0, 2, "folios");
	set(grid, ncols, 0, 3, "migration GB/s");
	set(grid, ncols, 0, 4, "migration ms");
	set(grid, ncols, 0, 5, "copy ms, 1 thread");
	set(grid, ncols, 0, 6, "copy share");
	for (int i = 0; i < nrows; i++) {
		struct share_row *r = &rows[i];
		json_object *st = fb_json_path(r->mig, "stats");
		double rest = r->mig_s - r->copy1_s;

		snprintf(buf, sizeof(buf), "%.0f -> %.0f", cfg_num(r->mig, "src_node"),
			 cfg_num(r->mig, "dst_node"));
		set(grid, ncols, i + 1, 0, buf);
		set(grid, ncols, i + 1, 1, fb_size_str((uint64_t)cfg_num(r->mig, "folio_size"), a, sizeof(a)));
		snprintf(buf, sizeof(buf), "%.0f", cfg_num(r->mig, "folio_count"));
		set(grid, ncols, i + 1, 2, buf);
		snprintf(buf, sizeof(buf), "%.2f\xc2\xb1%.2f", fb_json_num(st, "mean", 0),
			 fb_json_num(st, "sd", 0));
		set(grid, ncols, i + 1, 3, buf);
		snprintf(buf, sizeof(buf), "%.2f", r->mig_s * 1e3);
		set(grid, ncols, i + 1, 4, buf);
		snprintf(buf, sizeof(buf), "%.2f", r->copy1_s * 1e3);
		set(grid, ncols, i + 1, 5, buf);
		snprintf(buf, sizeof(buf), "%.0f%%", 100 * r->copy1_s / r->mig_s);
		set(grid, ncols, i + 1, 6, buf);
		for (int k = 0; k < nt; k++) {
			bool est = isnan(r->copyn_s[k]);
			double t = rest + (est ? r->copy1_s / tn[k] : r->copyn_s[k]);

			/* A copy slower than the whole migration: the two runs
			 * disagree, and there is nothing left to bound. */
			if (rest < 0)
				snprintf(buf, sizeof(buf), "- (copy > migration)");
			else
				snprintf(buf, sizeof(buf), "%.2f (%.2fx)%s", r->bytes / t / 1e9, r->mig_s / t,
					 est && measured[k] ? " *" : "");
			set(grid, ncols, i + 1, 7 + k, buf);
		}
	}
	print_header(stdout, mig, mig_path, copy, copy_path, fmt);
	if (skipped)
		printf("%s%d migration cell(s) failed: no row\n",
		       fmt == FB_TABLE_MARKDOWN ? "- " : "  ", skipped);
	fputc('\n', stdout);
	fb_grid_print(stdout, fmt, (const char *const *)grid, (size_t)nrows + 1, ncols, NULL);
	for (int i = 0; i < (nrows + 1) * ncols; i++)
		free(grid[i]);
	free(grid);
	free(rows);
	json_object_put(mig);
	json_object_put(copy);
	return FB_EXIT_OK;
}
