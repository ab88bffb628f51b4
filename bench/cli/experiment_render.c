// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tables each experiment prints after its run, all through the one
 * table renderer (table.c): GB/s, and the views of other per-cell numbers
 * (ns per record, events per KiB, pages/s) as documents whose cells carry
 * them as their stats.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment.h"
#include "migrate.h"
#include "stats.h"
#include "table.h"
#include "util.h"

static enum fb_table_fmt table_fmt(const struct fb_measure *m)
{
	return strcmp(m->out.format, "markdown") ? FB_TABLE_TEXT : FB_TABLE_MARKDOWN;
}

/* ---- copy ---- */

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

void fb_render_copy(const void *spec, const struct fb_measure *m, json_object *doc)
{
	printf("GB/s (1 GB = 1e9 bytes), mean±sd over the timed iterations\n");
	fb_table_render(stdout, doc, m->out.rows, m->out.cols, table_fmt(m));
	print_worker_skew(m->cells, m->results, m->run.ndone);
}

/* ---- stores ---- */

/* A copy of the run for display, with stats replaced by what(cell,
 * values, n). */
typedef size_t (*value_fn)(json_object *cell, double *out, size_t cap, const void *arg);

static json_object *display_doc(json_object *doc, value_fn what, const void *arg)
{
	json_object *d = NULL, *cells;

	json_object_deep_copy(doc, &d, NULL);
	cells = fb_json_path(d, "cells");
	for (size_t i = 0; cells && i < json_object_array_length(cells); i++) {
		json_object *c = json_object_array_get_idx(cells, i);
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
	return d;
}

/* ns per record of every timed pass */
static size_t ns_per_record(json_object *cell, double *out, size_t cap, const void *arg)
{
	json_object *ns = fb_json_path(cell, "samples_ns");
	double recs = fb_json_num(fb_json_path(cell, "config"), "record_count", 1);
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

static void render_stores(json_object *doc, const char *rows, const char *cols, bool md,
			  const struct fb_counters *k, const char *unavailable)
{
	enum fb_table_fmt fmt = md ? FB_TABLE_MARKDOWN : FB_TABLE_TEXT;
	json_object *d;

	printf(md ? "\n**GB/s** (1 GB = 1e9 bytes), mean±sd over the timed passes\n\n" :
		    "GB/s (1 GB = 1e9 bytes), mean±sd over the timed passes\n");
	fb_table_render(stdout, doc, rows, cols, fmt);
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

void fb_render_stores(const void *spec, const struct fb_measure *m, json_object *doc)
{
	const struct fb_cpu *cpu = m->machine.cpu;
	bool md = !strcmp(m->out.format, "markdown");
	uint64_t record = m->cells[0].folio_size;
	char total[32];

	printf("%srecords of %llu bytes (record_size) over %s per pass; flags that decide "
	       "store paths here: %sclwb %sclflushopt %smovdir64b %sfsrm%s\n", md ? "_" : "",
	       (unsigned long long)record,
	       fb_size_str(m->cells[0].folio_count * record, total, sizeof(total)),
	       cpu->flag[FB_F_CLWB] ? "+" : "-", cpu->flag[FB_F_CLFLUSHOPT] ? "+" : "-",
	       cpu->flag[FB_F_MOVDIR64B] ? "+" : "-", cpu->flag[FB_F_FSRM] ? "+" : "-",
	       md ? "_\n" : "");
	render_stores(doc, m->out.rows, m->out.cols, md, m->ro.counters,
		      m->run_counters && m->run_counters->unavailable[0] ?
		      m->run_counters->unavailable : NULL);
}

/* ---- migrate ---- */

/* A copy of doc whose cells carry one metric as their stats (scaled), so
 * the one table renderer can show pages/s, folios/s and IPIs/MiB too. */
static json_object *metric_view(json_object *doc, const char *metric, double scale)
{
	json_object *v = json_object_new_object(), *cells = json_object_new_array();
	json_object *src = fb_json_path(doc, "cells");
	char path[96];

	snprintf(path, sizeof(path), "extra.metrics.%s", metric);
	for (size_t i = 0; src && i < json_object_array_length(src); i++) {
		json_object *c = json_object_array_get_idx(src, i), *o = json_object_new_object();
		json_object *m = fb_json_path(c, path), *st = json_object_new_object();

		json_object_object_add(o, "config", json_object_get(fb_json_path(c, "config")));
		json_object_object_add(o, "status", json_object_get(fb_json_path(c, "status")));
		if (m && fb_json_path(m, "mean")) {
			json_object_object_add(st, "mean", json_object_new_double(fb_json_num(m, "mean", 0) * scale));
			json_object_object_add(st, "sd", json_object_new_double(fb_json_num(m, "sd", 0) * scale));
		}
		json_object_object_add(o, "stats", st);
		json_object_array_add(cells, o);
	}
	json_object_object_add(v, "cells", cells);
	return v;
}

static void print_details(FILE *f, json_object *doc, bool md)
{
	json_object *cells = fb_json_path(doc, "cells");
	const char *pre = md ? "- " : "";

	fprintf(f, "\nPer cell (counters: system-wide deltas over the timed moves, per MiB moved):\n");
	for (size_t i = 0; cells && i < json_object_array_length(cells); i++) {
		json_object *c = json_object_array_get_idx(cells, i);
		json_object *cfg = fb_json_path(c, "config"), *met = fb_json_path(c, "extra.metrics");
		json_object *acc = fb_json_path(met, "accessor");
		char sz[16], dir[32];

		fb_table_value(c, "direction", dir, sizeof(dir));
		fprintf(f, "%scell %zu %s %s batch=%s load=%s: %s", pre, i, dir,
			fb_size_str((uint64_t)fb_json_num(cfg, "folio_size", 0), sz, sizeof(sz)),
			fb_json_str(fb_json_path(c, "extra"), "batch", "?"),
			fb_json_str(cfg, "load", "none"), fb_json_str(c, "status", "?"));
		if (strcmp(fb_json_str(c, "status", ""), "ok")) {
			fprintf(f, " (%s)\n", fb_json_str(c, "message", ""));
			continue;
		}
		fprintf(f, "; %.0f pages in %.0f folios per move; folios %s before, %s after; "
			"pages off the destination: %.0f; data %s\n",
			fb_json_num(met, "pages_per_move", 0), fb_json_num(met, "folios_per_move", 0),
			fb_json_str(fb_json_path(c, "backing"), "src", "?"),
			fb_json_str(fb_json_path(c, "backing"), "dst", "?"),
			fb_json_num(met, "pages_not_landed", 0),
			fb_json_path(c, "verified") && json_object_get_boolean(fb_json_path(c, "verified"))
				? "intact" : "NOT intact");
		fprintf(f, "%s  per MiB:", md ? "  " : "");
		for (int k = 0; k < FB_VM_COUNT; k++) {
			json_object *e = fb_json_path(fb_json_path(met, "counters"), fb_vmstat_names[k]);

			if (e)
				fprintf(f, " %s %.2f", fb_vmstat_names[k], fb_json_num(e, "per_mib", NAN));
			else
				fprintf(f, " %s n/a", fb_vmstat_names[k]);
		}
		if (fb_json_path(met, "counters.tlb_shootdowns"))
			fprintf(f, " tlb_shootdowns %.2f\n",
				fb_json_num(fb_json_path(met, "counters.tlb_shootdowns"), "per_mib", NAN));
		else
			fprintf(f, " tlb_shootdowns n/a (no TLB line in /proc/interrupts)\n");
		if (acc) {
			json_object *li = fb_json_path(acc, "latency_idle_ns");
			json_object *lm = fb_json_path(acc, "latency_migrating_ns");

			fprintf(f, "%s  accessor on cpu %d: median latency %.0f ns idle, %.0f ns while "
				"migrating (max %.0f ns, %.0f accesses over 10 us, %.0f over 1 ms)\n",
				md ? "  " : "", (int)fb_json_num(acc, "cpu", -1),
				fb_json_num(li, "median", NAN), fb_json_num(lm, "median", NAN),
				fb_json_num(lm, "max_exact", NAN), fb_json_num(lm, "over_10us", 0),
				fb_json_num(lm, "over_1ms", 0));
		}
		fprintf(f, "%s  %s\n", md ? "  " : "", fb_json_str(fb_json_path(c, "extra.mthp"), "note", ""));
	}
}

void fb_render_migrate(const void *spec, const struct fb_measure *m, json_object *doc)
{
	static const struct {
		const char *metric, *title;
		double scale;
	} views[] = {
		{ "pages_per_s", "thousand 4K pages/s", 1e-3 },
		{ "folios_per_s", "thousand folios/s", 1e-3 },
		{ "tlb_ipis_per_mib", "TLB-shootdown IPIs per migrated MiB (system-wide)", 1 },
	};
	enum fb_table_fmt tf = table_fmt(m);

	printf("move_pages(2) GB/s (1 GB = 1e9 bytes), mean±sd over the timed moves\n");
	fb_table_render(stdout, doc, m->out.rows, m->out.cols, tf);
	for (size_t v = 0; v < sizeof(views) / sizeof(views[0]); v++) {
		json_object *view = metric_view(doc, views[v].metric, views[v].scale);

		printf("\n%s, mean±sd\n", views[v].title);
		fb_table_render(stdout, view, m->out.rows, m->out.cols, tf);
		json_object_put(view);
	}
	print_details(stdout, doc, tf == FB_TABLE_MARKDOWN);
}
