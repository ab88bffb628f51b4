// SPDX-License-Identifier: GPL-2.0-only
/*
 * foliobench paths: across result files of several machines, the speedup
 * of batched over per-page folio copies per machine and kernel model, with
 * the kernel path each side took, and seed 000's pattern flagged where
 * batching loses (memcpy_orig for the batched copy vs rep movsq per page).
 * The numbers are a ratio of the recorded GB/s statistics; tables go
 * through the one table renderer.
 */
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axis.h"
#include "cli.h"
#include "functions.h"
#include "kpath.h"
#include "results.h"
#include "stats.h"
#include "table.h"
#include "util.h"

static const char paths_usage[] =
"usage: foliobench paths RUN... [--format table|markdown]\n"
"                        [--rows AXIS] [--cols AXIS]\n"
"\n"
"Compare copy results of several machines (or kernels): for every cell pair\n"
"that differs only in mode, the speedup of batched over per-page (mean GB/s\n"
"ratio ± sd) per machine, kernel model, function and folio size, the kernel\n"
"path of each side, and where batching loses (the 95% bootstrap interval of\n"
"the ratio below 1, at least 3 samples a side), flagged '!'; named seed 000's\n"
"pattern when the batched copy ran\n"
"memcpy_orig while the per-page copy ran rep movsq, the pattern of seed 000's\n"
"Zen 3 without FSRM.  Tables: rows folio_size, columns function by default;\n"
"any axis of foliobench copy --rows.  RUN: a run directory or its run.json.\n";

/* The per-page and the batched cell of a pair agree in every table axis
 * but the mode (and batch_impl, the batched mode's variant) and what the
 * kernel model picked (axis.h). */
static bool pair_axis(const struct fb_axis *a)
{
	return (a->flags & FB_AXIS_ROWS) && !(a->flags & FB_AXIS_OUTCOME) &&
	       strcmp(a->name, "mode") && strcmp(a->name, "batch_impl");
}

struct pair {
	json_object *page, *batched;
	double ratio, sd, lo, hi;     /* hi < 1: batching loses */
	bool judged;                  /* enough samples for the interval */
	struct fb_kpath_record kp_page, kp_batched;
	char brief_page[64], brief_batched[64];       /* their whys, short */
	bool seed000, loses;
};

struct machine {
	const char *path;
	json_object *doc;
	char label[200];
	struct pair *p;
	size_t np;
};

static void pair_key(json_object *cell, char *key, size_t len)
{
	size_t off = 0;

	key[0] = '\0';
	for (size_t i = 0; i < fb_naxes && off < len; i++) {
		struct fb_axis_value v;

		if (!pair_axis(&fb_axes[i]))
			continue;
		fb_axis_get(&fb_axes[i], cell, &v);
		off += (size_t)snprintf(key + off, len - off, "%s\x1f", v.text);
	}
}

static bool usable(json_object *cell)
{
	const char *fn = fb_json_str(fb_json_path(cell, "config"), "function", NULL);

	return !strcmp(fb_json_str(cell, "status", ""), "ok") && fb_function_find(fn) &&
	       fb_json_num(fb_json_path(cell, "stats"), "mean", 0) > 0;
}

/*
 * The speedup is the ratio of the recorded means, b/p, shown ±sd by the
 * delta method, r*sqrt((sb/b)^2 + (sp/p)^2).  Whether batching loses is
 * judged on the 95% percentile-bootstrap interval of mean(b)/mean(p) over
 * the raw samples (stats.h, the regression gate's), and only with at
 * least 3 samples a side.
 */
#define MIN_SAMPLES 3

static double range_min(const double *v, size_t n)
{
	double m = INFINITY;

	for (size_t i = 0; i < n; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

static double range_max(const double *v, size_t n)
{
	double m = -INFINITY;

	for (size_t i = 0; i < n; i++)
		m = v[i] > m ? v[i] : m;
	return m;
}

static void ratio_stats(struct pair *x)
{
	json_object *sb = fb_json_path(x->batched, "stats"), *sp = fb_json_path(x->page, "stats");
	double b = fb_json_num(sb, "mean", 0), p = fb_json_num(sp, "mean", 0);
	size_t nb, np;
	char why[128];
	double *vb = fb_cell_gbps(x->batched, &nb, why, sizeof(why));
	double *vp = fb_cell_gbps(x->page, &np, why, sizeof(why));

	x->ratio = b / p;
	x->sd = fb_ratio_sd(b, fb_json_num(sb, "sd", 0), p, fb_json_num(sp, "sd", 0));
	x->lo = x->hi = NAN;
	x->judged = vb && vp && nb >= MIN_SAMPLES && np >= MIN_SAMPLES;
	/* Every bootstrap ratio of resampled means lies between min(b)/max(p)
	 * and max(b)/min(p): when the least is >= 1 the interval cannot fall
	 * below 1, the verdict is known and the interval (printed only where
	 * batching loses) is not drawn: most pairs of a large run. */
	if (x->judged && !(range_min(vb, nb) >= range_max(vp, np)))
		fb_bootstrap_ratio_ci(vp, np, vb, nb, 4000, 0.95, 0x7061746873ULL, &x->lo, &x->hi);
	x->loses = x->judged && isfinite(x->hi) && x->hi < 1;
	free(vb);
	free(vp);
}

static bool has_mode(json_object *cell, const char *mode)
{
	return !strcmp(fb_json_str(fb_json_path(cell, "config"), "mode", ""), mode);
}

static int load_machine(struct machine *m, const char *path, char *err, size_t errlen)
{
	struct fb_keymap batched = { 0 };
	json_object *cells;
	char **keys, k[1024];
	size_t n;

	m->path = path;
	if (fb_run_load(path, &m->doc, err, errlen))
		return -1;
	cells = fb_json_path(m->doc, "cells");
	n = json_object_array_length(cells);
	m->p = calloc(n ? n : 1, sizeof(*m->p));
	keys = calloc(n ? n : 1, sizeof(*keys));
	if (!m->p || !keys)
		return snprintf(err, errlen, "%s: out of memory", path), -1;
	/* the batched cells by pair key: each per-page cell finds its partner
	 * (the first batched cell with its key) in O(1); the RFC's batched
	 * copy is one memcpy, so copy --batch-impl's other variants are not
	 * partners (seed000-zen3's split table compares them) */
	for (size_t j = 0; j < n; j++) {
		json_object *b = json_object_array_get_idx(cells, j);
		char impl[32];

		if (!usable(b) || !has_mode(b, "batched") ||
		    strcmp(fb_table_value(b, "batch_impl", impl, sizeof(impl)), "memcpy"))
			continue;
		pair_key(b, k, sizeof(k));
		keys[j] = strdup(k);
		if (!keys[j] || fb_keymap_put(&batched, keys[j], j) == SIZE_MAX)
			return snprintf(err, errlen, "%s: out of memory", path), -1;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *a = json_object_array_get_idx(cells, i);
		struct pair *x = &m->p[m->np];
		size_t j;

		if (!usable(a) || !has_mode(a, "per-page"))
			continue;
		pair_key(a, k, sizeof(k));
		j = fb_keymap_get(&batched, k);
		if (j == SIZE_MAX)
			continue;
		x->page = a;
		x->batched = json_object_array_get_idx(cells, j);
		ratio_stats(x);
		fb_cell_kpath(a, &x->kp_page);
		fb_cell_kpath(x->batched, &x->kp_batched);
		fb_kpath_brief_of(x->kp_page.why, x->brief_page, sizeof(x->brief_page));
		fb_kpath_brief_of(x->kp_batched.why, x->brief_batched, sizeof(x->brief_batched));
		x->seed000 = fb_kpath_seed000(x->kp_batched.impl, x->kp_page.impl);
		m->np++;
	}
	fb_keymap_free(&batched);
	fb_free_list(keys, n);
	if (!m->np) {
		snprintf(err, errlen, "%s: no per-page/batched pair of folio_copy or folio_mc_copy "
			 "cells (allowed: results of foliobench copy with --mode per-page,batched)", path);
		return -1;
	}
	return 0;
}

/* "vm: AMD EPYC 7713 (AuthenticAMD 0x19/0x1, KVMKVMKVM, -erms -fsrm), kernel 6.1.0" */
static void machine_label(struct machine *m, const struct machine *all, size_t idx)
{
	json_object *mc = fb_json_path(m->doc, "machine"), *cpu = fb_json_path(mc, "cpu");
	json_object *fl = fb_json_path(cpu, "flags");
	const char *host = fb_json_str(mc, "hostname", "?");
	const char *hv = fb_json_str(cpu, "hypervisor", "");
	int same = 0;

	for (size_t i = 0; i < idx; i++)
		if (!strcmp(fb_json_str(fb_json_path(all[i].doc, "machine"), "hostname", "?"), host))
			same++;
	snprintf(m->label, sizeof(m->label), "%s%s%.0d: %s (%s 0x%x/0x%x, %s, %serms %sfsrm), kernel %s",
		 host, same ? " #" : "", same ? same + 1 : 0, fb_json_str(cpu, "name", "?"),
		 fb_json_str(cpu, "vendor", "?"), (unsigned)fb_json_num(cpu, "family", 0),
		 (unsigned)fb_json_num(cpu, "model", 0), hv[0] ? hv : "bare metal",
		 json_object_get_boolean(fb_json_path(fl, "erms")) ? "+" : "-",
		 json_object_get_boolean(fb_json_path(fl, "fsrm")) ? "+" : "-",
		 fb_json_str(fb_json_path(mc, "kernel"), "release", "?"));
}

/* A result document whose cells hold the speedups, for the table renderer. */
static json_object *speedup_doc(const struct machine *m)
{
	json_object *doc = json_object_new_object(), *cells = json_object_new_array();

	for (size_t i = 0; i < m->np; i++) {
		const struct pair *x = &m->p[i];
		json_object *c = json_object_new_object(), *st = json_object_new_object();
		json_object *cfg = json_object_new_object();

		/* the shared configuration; mode and primitive differ by side */
		json_object_object_foreach(fb_json_path(x->page, "config"), k, v) {
			if (strcmp(k, "mode") && strcmp(k, "primitive") && strcmp(k, "cpus"))
				json_object_object_add(cfg, k, json_object_get(v));
		}
		json_object_object_add(c, "config", cfg);
		json_object_object_add(c, "status", json_object_new_string("ok"));
		json_object_object_add(st, "mean", json_object_new_double(x->ratio));
		json_object_object_add(st, "sd", json_object_new_double(x->sd));
		json_object_object_add(c, "stats", st);
		json_object_array_add(cells, c);
	}
	json_object_object_add(doc, "cells", cells);
	return doc;
}

static const char *size_of(json_object *cell, char *buf, size_t len)
{
	return fb_table_value(cell, "folio_size", buf, len);
}

/* One line per kernel model and function with the two paths. */
static void print_paths(FILE *f, const struct machine *m, bool md)
{
	char seen[64][96];
	size_t ns = 0;

	for (size_t i = 0; i < m->np; i++) {
		const struct pair *x = &m->p[i];
		json_object *cfg = fb_json_path(x->page, "config");
		char key[96];
		bool dup = false;

		snprintf(key, sizeof(key), "%s %s", fb_json_str(cfg, "kernel_model", "-"),
			 fb_json_str(cfg, "function", "-"));
		for (size_t k = 0; k < ns && !dup; k++)
			dup = !strcmp(seen[k], key);
		if (dup || ns == 64)
			continue;
		snprintf(seen[ns++], sizeof(seen[0]), "%s", key);
		fprintf(f, "%s%-21s per-page %s (%s) · batched %s (%s)%s\n", md ? "- " : "  ", key,
			x->kp_page.impl[0] ? x->kp_page.impl : "?", x->brief_page,
			x->kp_batched.impl[0] ? x->kp_batched.impl : "?", x->brief_batched,
			x->seed000 ? "  [seed 000's paths]" : "");
	}
}

static int print_losses(FILE *f, const struct machine *m, bool md)
{
	int n = 0;

	for (size_t i = 0; i < m->np; i++) {
		const struct pair *x = &m->p[i];
		json_object *cfg = fb_json_path(x->page, "config");
		char sz[32], th[32] = "";

		if (!x->loses)
			continue;
		if (!n++)
			fprintf(f, "%sbatched loses (95%% bootstrap interval of the speedup below 1):\n",
				md ? "\n" : "");
		if (fb_json_num(cfg, "threads", 1) > 1)
			snprintf(th, sizeof(th), " t%d", (int)fb_json_num(cfg, "threads", 1));
		fprintf(f, "%s! %s %s %s%s: %.2f±%.2f [%.2f, %.2f] — %sbatched %s (%s) vs per-page %s (%s)\n",
			md ? "- " : "  ", fb_json_str(cfg, "kernel_model", "-"),
			fb_json_str(cfg, "function", "-"), size_of(x->page, sz, sizeof(sz)), th,
			x->ratio, x->sd, x->lo, x->hi, x->seed000 ? "seed 000's pattern: " : "",
			x->kp_batched.impl, x->brief_batched, x->kp_page.impl, x->brief_page);
	}
	if (!n)
		fprintf(f, "%sbatched does not lose anywhere here (no speedup interval below 1)\n",
			md ? "\n" : "  ");
	for (size_t i = 0; i < m->np; i++)
		if (!m->p[i].judged) {
			fprintf(f, "%s(pairs with fewer than %d samples a side are not judged)\n",
				md ? "\n" : "  ", MIN_SAMPLES);
			break;
		}
	return n;
}

int fb_cmd_paths(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "rows", required_argument, NULL, 'r' },
		{ "cols", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rows = "folio_size", *cols = "function";
	enum fb_table_fmt fmt = FB_TABLE_TEXT;
	struct machine *ms;
	char err[FB_ERRLEN + 512];
	size_t nm, losses = 0, seed = 0, pairs = 0;
	int opt;
	bool md;

	optind = 1;
	opterr = 0; /* our own one-line messages */
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			fmt = fb_table_fmt_of(fb_format_option("paths", optarg, FB_FMT_BIT(FB_FMT_TABLE) |
								FB_FMT_BIT(FB_FMT_MARKDOWN)));
			break;
		case 'r':
		case 'c':
			if (!fb_table_axis_valid(optarg) || !strcmp(optarg, "mode"))
				fb_usage_error("paths", "--%s %s: allowed an axis of foliobench copy "
					    "--rows other than mode", opt == 'r' ? "rows" : "cols", optarg);
			*(opt == 'r' ? &rows : &cols) = optarg;
			break;
		case 'h':
			fputs(paths_usage, stdout);
			return FB_EXIT_OK;
		default:
			fb_usage_error("paths", "unknown option %s (see foliobench paths --help)",
				    argv[optind - 1]);
		}
	}
	if (optind >= argc)
		fb_usage_error("paths", "give one or more result files (run directories or run.json)");
	md = fmt == FB_TABLE_MARKDOWN;
	nm = (size_t)(argc - optind);
	ms = calloc(nm, sizeof(*ms));
	/* every file is checked before anything is printed */
	for (size_t i = 0; i < nm; i++)
		if (load_machine(&ms[i], argv[optind + (int)i], err, sizeof(err)))
			fb_usage_error("paths", "%s", err);
	for (size_t i = 0; i < nm; i++)
		machine_label(&ms[i], ms, i);

	printf("%sbatched / per-page speedup: mean GB/s of batched over mean GB/s per page, "
	       "±sd (delta method); it loses where the 95%% bootstrap interval is below 1%s\n",
	       md ? "_" : "", md ? "_" : "");
	for (size_t i = 0; i < nm; i++) {
		json_object *doc = speedup_doc(&ms[i]);

		printf(md ? "\n### %s\n\n_%s_\n\n" : "\n== %s\n   %s\n", ms[i].label, ms[i].path);
		fb_table_render(stdout, doc, rows, cols, fmt);
		printf(md ? "\nkernel paths:\n\n" : "\nkernel paths:\n");
		print_paths(stdout, &ms[i], md);
		losses += (size_t)print_losses(stdout, &ms[i], md);
		for (size_t k = 0; k < ms[i].np; k++)
			seed += ms[i].p[k].loses && ms[i].p[k].seed000;
		pairs += ms[i].np;
		json_object_put(doc);
	}
	printf("\nsummary: batched loses in %zu of %zu comparisons over %zu result file%s; "
	       "%zu of them with seed 000's paths (memcpy_orig batched vs rep movsq per page)\n",
	       losses, pairs, nm, nm == 1 ? "" : "s", seed);
	for (size_t i = 0; i < nm; i++) {
		json_object_put(ms[i].doc);
		free(ms[i].p);
	}
	free(ms);
	return FB_EXIT_OK;
}
