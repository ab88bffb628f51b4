#include "compare.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results.h"
#include "stats.h"
#include "table.h"
#include "util.h"

/* The bootstrap's seed: fixed, so a report is the same every time. */
#define BOOT_SEED 0x666f6c696f62ULL

static const char *const verdict_names[] = {
	[FB_V_UNCHANGED] = "unchanged", [FB_V_IMPROVED] = "improved",
	[FB_V_REGRESSED] = "regressed", [FB_V_INCONCLUSIVE] = "inconclusive",
	[FB_V_TOO_FEW] = "too few samples",
	[FB_V_FAILED] = "failed", [FB_V_ONLY_BASE] = "only in base",
	[FB_V_ONLY_NEW] = "only in new",
};

const char *fb_verdict_name(enum fb_verdict v)
{
	return verdict_names[v];
}

static const char *const run_stat_names[] = { "best", "median", "mean" };

const char *fb_run_stat_name(enum fb_run_stat s)
{
	return run_stat_names[s];
}

int fb_run_stat_parse(const char *s, enum fb_run_stat *out)
{
	for (int i = 0; i < 3; i++) {
		if (!strcmp(s, run_stat_names[i])) {
			*out = (enum fb_run_stat)i;
			return 0;
		}
	}
	return -1;
}

int fb_report_fmt_parse(const char *s, enum fb_report_fmt *f)
{
	/* the one set of --format names (table.h); "text" is table too */
	int g = fb_format_parse(s, FB_FMT_BIT(FB_FMT_TABLE) | FB_FMT_BIT(FB_FMT_MARKDOWN) |
				FB_FMT_BIT(FB_FMT_JUNIT) | FB_FMT_BIT(FB_FMT_JSON));

	if (g < 0)
		return -1;
	*f = g == FB_FMT_TABLE ? FB_REPORT_TABLE : g == FB_FMT_MARKDOWN ? FB_REPORT_MARKDOWN :
	     g == FB_FMT_JUNIT ? FB_REPORT_JUNIT : FB_REPORT_JSON;
	return 0;
}

/*
 * Key axes.  Not in the key: total_bytes (folio_size x folio_count),
 * verify (outside the timing), and cpus unless the user listed them: for
 * spread/fill they follow from the machine's topology.  A function cell
 * is keyed by the function; the primitive the modelled kernel picked is an
 * outcome, and a change of it is reported rather than hiding the cell.
 * batch and load are migrate's axes ("-" in copy and stores cells);
 * src_fill is "zero" for copy --src-fill zero, absent for the pattern.
 * batch_impl is recorded only with copy --batch-impl: a batched cell
 * without it ran memcpy, so it matches one recorded "memcpy".
 */
enum { K_EXPERIMENT, K_BACKEND, K_WHAT, K_KMODEL, K_MODE, K_BATCH_IMPL, K_FSIZE, K_FCOUNT, K_THREADS,
       K_CHANNELS, K_SPLIT, K_PLACEMENT, K_CPUS, K_SRC, K_DST, K_EVICT, K_BACKING, K_BATCH,
       K_LOAD, K_SRCFILL, K_N };

static const char *const key_field[K_N] = {
	"experiment", "backend", "function", "kernel_model", "mode", "batch_impl", "folio_size",
	"folio_count", "threads", "channels", "split", "placement", "cpus", "src_node",
	"dst_node", "evict", "backing", "batch", "load", "src_fill",
};

static const char *cfg_str(json_object *cfg, const char *k, const char *dflt)
{
	const char *s = fb_json_str(cfg, k, NULL);

	return s && *s ? s : dflt;
}

static void axis_raw(json_object *cfg, int k, char *buf, size_t len)
{
	const char *fn;
	json_object *cpus;

	switch (k) {
	case K_EXPERIMENT:
		snprintf(buf, len, "%s", cfg_str(cfg, "experiment", "copy"));
		break;
	case K_WHAT:
		fn = cfg_str(cfg, "function", NULL);
		snprintf(buf, len, "%s%s", fn ? "" : "primitive ", fn ? fn : cfg_str(cfg, "primitive", "-"));
		break;
	case K_CPUS:
		buf[0] = '\0';
		cpus = fb_json_path(cfg, "cpus");
		if (strcmp(cfg_str(cfg, "placement", ""), "list") || !cpus ||
		    !json_object_is_type(cpus, json_type_array))
			break;
		for (size_t i = 0, off = 0; i < json_object_array_length(cpus) && off < len; i++)
			off += (size_t)snprintf(buf + off, len - off, "%s%d", i ? "," : "",
				json_object_get_int(json_object_array_get_idx(cpus, i)));
		break;
	case K_FSIZE: case K_FCOUNT: case K_THREADS: case K_CHANNELS: case K_SRC: case K_DST:
		snprintf(buf, len, "%.0f", fb_json_num(cfg, key_field[k], -1));
		break;
	case K_BATCH_IMPL:
		snprintf(buf, len, "%s", cfg_str(cfg, "batch_impl",
			 !strcmp(cfg_str(cfg, "mode", ""), "batched") ? "memcpy" : "-"));
		break;
	case K_BATCH:
		if (fb_json_path(cfg, "batch"))
			snprintf(buf, len, "%.0f", fb_json_num(cfg, "batch", -1));
		else
			snprintf(buf, len, "-");
		break;
	default:
		snprintf(buf, len, "%s", cfg_str(cfg, key_field[k], "-"));
	}
}

/* Matching key of a configuration.  mask: bit k set drops key axis k (ab
 * drops the axes its two sides deliberately differ in). */
static void fb_cmp_key(json_object *config, unsigned mask, char *buf, size_t len)
{
	size_t off = 0;
	char v[FB_CMP_KEYLEN / 2];

	buf[0] = '\0';
	for (int k = 0; k < K_N && off < len; k++) {
		if (mask & (1u << k))
			continue;
		axis_raw(config, k, v, sizeof(v));
		off += (size_t)snprintf(buf + off, len - off, "%s=%s;", key_field[k], v);
	}
}

/* Display text of axis k; full: the label that names a cell on its own, so
 * values that are the usual default are left out.  "" when nothing shows. */
static void axis_text(json_object *cfg, int k, bool full, char *buf, size_t len)
{
	char v[200];
	double ch = fb_json_num(cfg, "channels", 0), th = fb_json_num(cfg, "threads", 1);

	buf[0] = '\0';
	axis_raw(cfg, k, v, sizeof(v));
	switch (k) {
	case K_EXPERIMENT:
		if (!full || strcmp(v, "copy"))
			snprintf(buf, len, "%s", v);
		break;
	case K_BACKEND:
		if (!full || strcmp(v, "user"))
			snprintf(buf, len, "%s", v);
		break;
	case K_KMODEL:
		if (strcmp(v, "-"))
			snprintf(buf, len, "%s", v);
		break;
	case K_FSIZE:
		fb_size_str((uint64_t)fb_json_num(cfg, "folio_size", 0), buf, len);
		break;
	case K_FCOUNT:
		snprintf(buf, len, "x%s", v);
		break;
	case K_THREADS:
		if (!full || ch <= 0)
			snprintf(buf, len, "t%s", v);
		break;
	case K_CHANNELS:
		if (!full || ch > 0)
			snprintf(buf, len, "c%s", v);
		break;
	case K_SPLIT:
		if (!full || th > 1 || ch > 1)
			snprintf(buf, len, "split=%s", v);
		break;
	case K_PLACEMENT:
		if (strcmp(v, "list"))
			snprintf(buf, len, "%s", v);
		break;
	case K_CPUS:
		if (*v)
			snprintf(buf, len, "cpus=%s", v);
		break;
	case K_SRC: /* both nodes show as one direction */
		snprintf(buf, len, "%.0f->%.0f", fb_json_num(cfg, "src_node", 0),
			 fb_json_num(cfg, "dst_node", 0));
		break;
	case K_DST:
		break;
	case K_EVICT:
		if (!full || strcmp(v, "none"))
			snprintf(buf, len, "evict=%s", v);
		break;
	case K_BACKING:
		if (!full || strcmp(v, "auto"))
			snprintf(buf, len, "backing=%s", v);
		break;
	case K_BATCH:
		if (strcmp(v, "-"))
			snprintf(buf, len, "batch=%s", v);
		break;
	case K_LOAD:
		if (strcmp(v, "-") && (!full || strcmp(v, "none")))
			snprintf(buf, len, "load=%s", v);
		break;
	case K_BATCH_IMPL: /* shown where --batch-impl recorded it */
		if (fb_json_path(cfg, "batch_impl") && (!full || strcmp(v, "memcpy")))
			snprintf(buf, len, "batch_impl=%s", v);
		break;
	case K_SRCFILL: /* absent: the pattern */
		snprintf(buf, len, "src=%s", strcmp(v, "-") ? v : "pattern");
		if (full && !strcmp(v, "-"))
			buf[0] = '\0';
		break;
	default:
		snprintf(buf, len, "%s", v);
	}
}

/* Axes whose value differs between some of the configs. */
static unsigned varying_axes(json_object **cfgs, size_t n)
{
	unsigned vary = 0;
	char a[256], b[256];

	for (int k = 0; k < K_N; k++) {
		for (size_t i = 1; i < n && !(vary & (1u << k)); i++) {
			axis_raw(cfgs[0], k, a, sizeof(a));
			axis_raw(cfgs[i], k, b, sizeof(b));
			if (strcmp(a, b))
				vary |= 1u << k;
		}
	}
	/* One direction text covers both nodes. */
	if (vary & (1u << K_DST))
		vary |= 1u << K_SRC;
	return vary;
}

/* Label of the axes in `which`: full rules for those set in `full_axes`. */
static void make_label(json_object *cfg, unsigned which, bool full, char *buf, size_t len)
{
	size_t off = 0;
	char t[256];

	buf[0] = '\0';
	for (int k = 0; k < K_N && off < len; k++) {
		if (!(which & (1u << k)))
			continue;
		axis_text(cfg, k, full, t, sizeof(t));
		if (*t)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? " " : "", t);
	}
}

static void full_label(json_object *cfg, char *buf, size_t len)
{
	make_label(cfg, (1u << K_N) - 1, true, buf, len);
}

/* With one total per cell, the folio count follows from the folio size and
 * is no axis of its own (as in the tables); the common line names the total. */
static unsigned label_axes(json_object **cfgs, size_t n, char *common, size_t len)
{
	unsigned vary = varying_axes(cfgs, n), all = (1u << K_N) - 1;
	bool one_total = true;
	char t[32];

	for (size_t i = 1; i < n && one_total; i++)
		one_total = fb_json_num(cfgs[i], "total_bytes", 0) == fb_json_num(cfgs[0], "total_bytes", 0);
	if (one_total && (vary & (1u << K_FSIZE))) {
		vary &= ~(1u << K_FCOUNT);
		all &= ~(1u << K_FCOUNT);
	}
	common[0] = '\0';
	if (n && vary) {
		make_label(cfgs[0], all & ~vary, true, common, len);
		if (!(all & (1u << K_FCOUNT)) && strlen(common) + 40 < len)
			snprintf(common + strlen(common), len - strlen(common), "%s%s per cell",
				 common[0] ? " " : "",
				 fb_size_str((uint64_t)fb_json_num(cfgs[0], "total_bytes", 0), t, sizeof(t)));
	}
	return vary;
}

/* ---- loading ---- */

/*
 * Cells by matching key (table.h fb_keymap), so matching two files of n
 * cells is O(n), not O(n^2).  mask is the key axes left out (ab); under
 * mask 0 the keys are the cells' own.
 */
struct fb_cmp_index {
	unsigned mask;
	char **keys;                 /* mask != 0: each cell's key under mask */
	struct fb_keymap map;        /* key -> cell number */
};

static void index_clear(struct fb_cmp_index *x, size_t ncells)
{
	for (size_t i = 0; x->keys && i < ncells; i++)
		free(x->keys[i]);
	free(x->keys);
	x->keys = NULL;
	fb_keymap_free(&x->map);
}

/* (Re)build x for mask; dup (if not NULL) gets the first two cells with
 * one key, or SIZE_MAX.  -1 out of memory. */
static int index_build(struct fb_cmp_index *x, const struct fb_cmp_file *f, unsigned mask,
		       size_t dup[2])
{
	char k[FB_CMP_KEYLEN];

	index_clear(x, f->ncells);
	x->mask = mask;
	if (mask && !(x->keys = calloc(f->ncells + 1, sizeof(*x->keys))))
		return -1;
	if (dup)
		dup[0] = dup[1] = SIZE_MAX;
	for (size_t i = 0; i < f->ncells; i++) {
		const char *key = f->cells[i].key;
		size_t j;

		if (mask) {
			fb_cmp_key(f->cells[i].config, mask, k, sizeof(k));
			key = x->keys[i] = strdup(k);
			if (!key)
				return -1;
		}
		/* the first cell of a key is the one found */
		j = fb_keymap_put(&x->map, key, i);
		if (j == SIZE_MAX)
			return -1;
		if (j != i && dup && dup[0] == SIZE_MAX) {
			dup[0] = j;
			dup[1] = i;
		}
	}
	return 0;
}

struct load_job {
	const char *path;
	struct fb_cmp_file *f;
	char err[FB_ERRLEN];
	int rc;
};

static void *load_job_run(void *arg)
{
	struct load_job *j = arg;

	j->rc = fb_cmp_file_load(j->path, j->f, j->err, sizeof(j->err));
	return NULL;
}

/* Base and new are independent documents: parse them at the same time
 * (standard input, '-', is read by one side only, so then in turn). */
int fb_cmp_file_load_pair(const char *pa, const char *pb, struct fb_cmp_file *a,
			  struct fb_cmp_file *b, char *err, size_t errlen)
{
	struct load_job ja = { .path = pa, .f = a }, jb = { .path = pb, .f = b };
	bool threaded = strcmp(pa, "-") && strcmp(pb, "-") && sysconf(_SC_NPROCESSORS_ONLN) > 1;
	pthread_t t;

	if (threaded && pthread_create(&t, NULL, load_job_run, &jb))
		threaded = false;
	load_job_run(&ja);
	if (threaded)
		pthread_join(t, NULL);
	else if (!ja.rc)
		load_job_run(&jb);
	if (ja.rc || jb.rc) {
		snprintf(err, errlen, "%s", ja.rc ? ja.err : jb.err);
		if (!ja.rc)
			fb_cmp_file_free(a);
		if (threaded && !jb.rc)
			fb_cmp_file_free(b);
		return -1;
	}
	return 0;
}

void fb_cmp_file_free(struct fb_cmp_file *f)
{
	for (size_t i = 0; f->cells && i < f->ncells; i++) {
		free(f->cells[i].gbps);
		free(f->cells[i].key);
	}
	if (f->index)
		index_clear(f->index, f->ncells);
	free(f->index);
	free(f->cells);
	if (f->doc)
		json_object_put(f->doc);
	memset(f, 0, sizeof(*f));
}

int fb_cmp_file_load(const char *path, struct fb_cmp_file *f, char *err, size_t errlen)
{
	json_object *cells, *m;
	char label[256], key[FB_CMP_KEYLEN];
	size_t dup[2];

	memset(f, 0, sizeof(*f));
	fb_run_path(path, f->path, sizeof(f->path));
	if (fb_run_load(path, &f->doc, err, errlen))
		return -1;
	cells = fb_json_path(f->doc, "cells");
	f->ncells = json_object_array_length(cells);
	if (!f->ncells) {
		snprintf(err, errlen, "%s: no cells (an empty run)", f->path);
		goto bad;
	}
	f->cells = calloc(f->ncells, sizeof(*f->cells));
	if (!f->cells) {
		snprintf(err, errlen, "%s: out of memory", f->path);
		goto bad;
	}
	for (size_t i = 0; i < f->ncells; i++) {
		struct fb_cmp_cell *c = &f->cells[i];
		char why[128];

		c->cell = json_object_array_get_idx(cells, i);
		c->config = fb_json_path(c->cell, "config");
		if (!c->config || !json_object_is_type(c->config, json_type_object) ||
		    !fb_json_positive(fb_json_path(c->config, "folio_size")) ||
		    !fb_json_str(c->config, "mode", NULL)) {
			snprintf(err, errlen, "%s: cell %zu has no valid config (corrupt result)", f->path, i);
			goto bad;
		}
		fb_cmp_key(c->config, 0, key, sizeof(key));
		c->key = strdup(key);
		if (!c->key) {
			snprintf(err, errlen, "%s: out of memory", f->path);
			goto bad;
		}
		c->status = fb_json_str(c->cell, "status", "ok");
		if (strcmp(c->status, "ok"))
			continue; /* a failed or skipped cell is listed, not tested */
		c->gbps = fb_cell_gbps(c->cell, &c->n, why, sizeof(why));
		if (!c->gbps) {
			full_label(c->config, label, sizeof(label));
			snprintf(err, errlen, "%s: cell %zu (%s)%s", f->path, i, label, why);
			goto bad;
		}
		struct fb_stats s;

		fb_stats_compute(c->gbps, c->n, &s);
		c->mean = s.mean;
		c->sd = s.sd;
		c->median = s.median;
		c->best = s.max;
	}
	f->index = calloc(1, sizeof(*f->index));
	if (!f->index || index_build(f->index, f, 0, dup)) {
		snprintf(err, errlen, "%s: out of memory", f->path);
		goto bad;
	}
	if (dup[0] != SIZE_MAX) {
		full_label(f->cells[dup[1]].config, label, sizeof(label));
		snprintf(err, errlen, "%s: cells %zu and %zu have the same configuration (%s)",
			 f->path, dup[0], dup[1], label);
		goto bad;
	}
	m = fb_json_path(f->doc, "machine");
	snprintf(f->machine, sizeof(f->machine), "%s · kernel %s",
		 cfg_str(fb_json_path(m, "cpu"), "name", "unknown CPU"),
		 cfg_str(fb_json_path(m, "kernel"), "release", "?"));
	f->injected_pct = fb_json_num(fb_json_path(f->doc, "options"), "inject_slowdown_pct", 0);
	return 0;
bad:
	fb_cmp_file_free(f);
	return -1;
}

/* ---- gating ---- */

/*
 * enough: the test can reach alpha at these sample sizes.  A significant
 * change beyond the threshold is a verdict; "unchanged" needs the CI inside
 * +-threshold, since a CI reaching past it cannot rule out such a change.
 */
static enum fb_verdict decide(const struct fb_cmp_row *row, bool enough, const struct fb_gate_opts *o)
{
	double t = o->threshold_pct;

	if (!enough)
		return FB_V_TOO_FEW;
	if (row->p < o->alpha && row->change_pct < -t)
		return FB_V_REGRESSED;
	if (row->p < o->alpha && row->change_pct > t)
		return FB_V_IMPROVED;
	if (row->ci_lo_pct >= -t && row->ci_hi_pct <= t)
		return FB_V_UNCHANGED;
	return FB_V_INCONCLUSIVE;
}

static struct fb_cmp_row *add_row(struct fb_cmp_report *r, json_object *cfg, enum fb_verdict v)
{
	struct fb_cmp_row *row;
	struct fb_cmp_row *rows = realloc(r->rows, (r->nrows + 1) * sizeof(*rows));

	if (!rows)
		abort(); /* a handful of rows: out of memory here is not recoverable */
	r->rows = rows;
	row = &rows[r->nrows++];
	memset(row, 0, sizeof(*row));
	row->config = cfg;
	row->verdict = v;
	row->mean_a = row->mean_b = row->sd_a = row->sd_b = NAN;
	row->change_pct = row->ci_lo_pct = row->ci_hi_pct = row->p = NAN;
	return row;
}

static void note(struct fb_cmp_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct fb_cmp_report *r, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_object_array_add(r->notes, json_object_new_string(buf));
}

static void primitive_note(struct fb_cmp_row *row, json_object *ca, json_object *cb)
{
	const char *pa = cfg_str(ca, "primitive", "-"), *pb = cfg_str(cb, "primitive", "-");

	if (strcmp(pa, pb))
		snprintf(row->note, sizeof(row->note), "primitive %s -> %s", pa, pb);
}

static void add_note(struct fb_cmp_row *row, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_note(struct fb_cmp_row *row, const char *fmt, ...)
{
	size_t off = strlen(row->note);
	va_list ap;

	if (off && off + 2 < sizeof(row->note)) {
		memcpy(row->note + off, "; ", 3);
		off += 2;
	}
	va_start(ap, fmt);
	vsnprintf(row->note + off, sizeof(row->note) - off, fmt, ap);
	va_end(ap);
}

/* Kernel A/B: one kernel copies per page, the other batched (--mode kernel). */
static void implementation_note(struct fb_cmp_row *row, const struct fb_cmp_cell *a,
				const struct fb_cmp_cell *b)
{
	const char *ia = fb_json_str(a->cell, "implementation", ""),
		   *ib = fb_json_str(b->cell, "implementation", "");
	const char *ra = strstr(ia, "by this kernel") ? (strstr(ia, "batched") ? "batched" : "per page") : NULL;
	const char *rb = strstr(ib, "by this kernel") ? (strstr(ib, "batched") ? "batched" : "per page") : NULL;

	if (!strcmp(ia, ib))
		return;
	if (ra && rb)
		add_note(row, "base kernel copies %s, new kernel %s", ra, rb);
	else
		add_note(row, "implementation differs: base '%.60s', new '%.60s'", ia, ib);
}

/* The seed authors' log parser flags a row whose sd is 5% of the mean or more. */
#define FB_NOISY_SD_FRACTION 0.05

static void noise_note(struct fb_cmp_row *row)
{
	bool na = row->sd_a >= FB_NOISY_SD_FRACTION * row->mean_a;
	bool nb = row->sd_b >= FB_NOISY_SD_FRACTION * row->mean_b;

	if (na || nb)
		add_note(row, "noisy: sd %.1f%% / %.1f%% of the mean (>= 5%%)",
			 100 * row->sd_a / row->mean_a, 100 * row->sd_b / row->mean_b);
}

/* A kernel A/B is one CPU under two kernels; anything else is two machines. */
static void machines_note(struct fb_cmp_report *r, const struct fb_cmp_file *a,
			  const struct fb_cmp_file *b)
{
	const char *ka = strstr(a->machine, " · kernel "), *kb = strstr(b->machine, " · kernel ");

	if (!strcmp(a->machine, b->machine))
		return;
	if (ka && kb && ka - a->machine == kb - b->machine &&
	    !strncmp(a->machine, b->machine, (size_t)(ka - a->machine)))
		note(r, "base and new ran on the same CPU under different kernels (%s, %s): a kernel A/B",
		     ka + strlen(" · kernel "), kb + strlen(" · kernel "));
	else
		note(r, "base and new ran on different machines: differences may be the machines'");
}

static void failed_row(struct fb_cmp_row *row, const struct fb_cmp_cell *a, const struct fb_cmp_cell *b)
{
	const struct fb_cmp_cell *bad = strcmp(a->status, "ok") ? a : b;

	snprintf(row->note, sizeof(row->note), "%s in %s: %s", bad->status, bad == a ? "base" : "new",
		 fb_json_str(bad->cell, "message", "no message"));
}

/* Geometric means over the rows with both sides' GB/s, as Google
 * Benchmark's compare.py OVERALL_GEOMEAN: one figure for the whole sweep,
 * each cell weighted alike whatever its GB/s.  Not gated. */
static void geomean_row(struct fb_cmp_report *r)
{
	double *a = calloc(r->nrows + 1, sizeof(*a)), *b = calloc(r->nrows + 1, sizeof(*b));
	double *q = calloc(r->nrows + 1, sizeof(*q));
	size_t n = 0;

	for (size_t i = 0; a && b && q && i < r->nrows; i++) {
		const struct fb_cmp_row *row = &r->rows[i];

		if (isnan(row->change_pct) || !(row->mean_a > 0) || !(row->mean_b > 0))
			continue;
		a[n] = row->mean_a;
		b[n] = row->mean_b;
		q[n++] = 1 + row->change_pct / 100;
	}
	r->geomean.n = n;
	r->geomean.base = fb_geomean(a, n);
	r->geomean.new_ = fb_geomean(b, n);
	r->geomean.change_pct = 100 * (fb_geomean(q, n) - 1);
	free(a);
	free(b);
	free(q);
}

/* Labels, common axes, counts and the gate: shared by both kinds of report. */
static void finish_report(struct fb_cmp_report *r)
{
	json_object **cfgs = malloc((r->nrows ? r->nrows : 1) * sizeof(*cfgs));
	unsigned vary;
	size_t tested;

	for (size_t i = 0; i < r->nrows; i++)
		cfgs[i] = r->rows[i].config;
	vary = label_axes(cfgs, r->nrows, r->common, sizeof(r->common));
	for (size_t i = 0; i < r->nrows; i++) {
		struct fb_cmp_row *row = &r->rows[i];

		full_label(row->config, row->full, sizeof(row->full));
		if (vary)
			make_label(row->config, vary, false, row->label, sizeof(row->label));
		else
			snprintf(row->label, sizeof(row->label), "%s", row->full);
		r->count[row->verdict]++;
		if (row->verdict == FB_V_REGRESSED)
			r->fail = true;
	}
	free(cfgs);
	r->matched = r->nrows - r->count[FB_V_ONLY_BASE] - r->count[FB_V_ONLY_NEW];
	r->gated = r->count[FB_V_REGRESSED] + r->count[FB_V_IMPROVED] + r->count[FB_V_UNCHANGED];
	tested = r->gated + r->count[FB_V_INCONCLUSIVE];
	/* A gate that decided nothing must not pass as if it had. */
	if (!r->gated)
		r->inconclusive = tested ? "no cell's change was conclusive: each CI reaches beyond the threshold" :
			"no cell had enough samples to test";
	geomean_row(r);
}

static void report_init(struct fb_cmp_report *r, const char *mode, const struct fb_gate_opts *o)
{
	memset(r, 0, sizeof(*r));
	r->mode = mode;
	r->opts = *o;
	r->notes = json_object_new_array();
}

static void file_notes(struct fb_cmp_report *r, const struct fb_cmp_file *f, const char *side)
{
	const char *status = fb_json_str(f->doc, "status", "complete");

	if (f->injected_pct > 0)
		note(r, "%s: injected slowdown of %g%% (copy --inject-slowdown): a test of the gate, not a measurement",
		     side, f->injected_pct);
	if (strcmp(status, "complete"))
		note(r, "%s: the run is marked %s; its completed cells are compared", side, status);
}

static const struct fb_cmp_cell *find_cell(const struct fb_cmp_file *f, const char *key, unsigned mask)
{
	size_t i;

	/* ab looks cells up with its side axes dropped: index once per mask */
	if (f->index->mask != mask && index_build(f->index, f, mask, NULL))
		abort(); /* out of memory: no lookup can be answered */
	i = fb_keymap_get(&f->index->map, key);
	return i == SIZE_MAX ? NULL : &f->cells[i];
}

static void no_common(const struct fb_cmp_file *a, const struct fb_cmp_file *b, char *err, size_t errlen)
{
	char la[256], lb[256];

	full_label(a->cells[0].config, la, sizeof(la));
	full_label(b->cells[0].config, lb, sizeof(lb));
	snprintf(err, errlen, "%s and %s have no cell in common (%zu cells, e.g. '%s'; %zu cells, e.g. '%s')",
		 a->path, b->path, a->ncells, la, b->ncells, lb);
}

/* A matched pair of cells whose row still needs its statistics. */
struct stat_job {
	size_t row;
	const struct fb_cmp_cell *ca, *cb;
};

static void cell_stats(struct fb_cmp_row *row, const struct fb_cmp_cell *ca,
		       const struct fb_cmp_cell *cb, const struct fb_gate_opts *o)
{
	double lo, hi;

	row->na = ca->n;
	row->nb = cb->n;
	row->mean_a = ca->mean;
	row->sd_a = ca->sd;
	row->mean_b = cb->mean;
	row->sd_b = cb->sd;
	implementation_note(row, ca, cb);
	noise_note(row);
	row->change_pct = 100 * (cb->mean / ca->mean - 1);
	fb_mann_whitney(ca->gbps, ca->n, cb->gbps, cb->n, &row->p);
	fb_bootstrap_ratio_ci(ca->gbps, ca->n, cb->gbps, cb->n, o->boot_iters, 1 - o->alpha,
			      BOOT_SEED, &lo, &hi);
	row->ci_lo_pct = 100 * (lo - 1);
	row->ci_hi_pct = 100 * (hi - 1);
	/* Below FB_GATE_MIN_N, or when even the most extreme ordering
	 * could not reach alpha (3 vs 3: p >= 0.1), the test cannot speak. */
	row->verdict = decide(row, ca->n >= FB_GATE_MIN_N && cb->n >= FB_GATE_MIN_N &&
			      fb_mann_whitney_min_p(ca->n, cb->n) < o->alpha, o);
}

struct stat_slice {
	struct fb_cmp_report *r;
	const struct stat_job *jobs;
	size_t from, to;
	const struct fb_gate_opts *o;
};

static void *stat_slice_run(void *arg)
{
	const struct stat_slice *s = arg;

	for (size_t i = s->from; i < s->to; i++)
		cell_stats(&s->r->rows[s->jobs[i].row], s->jobs[i].ca, s->jobs[i].cb, s->o);
	return NULL;
}

/*
 * Every row's bootstrap is seeded alike and touches only its own row, so
 * large compares share the rows out over the online CPUs: the same report,
 * sooner (most of a 10^5-cell compare is these bootstraps).
 */
static void run_stat_jobs(struct fb_cmp_report *r, const struct stat_job *jobs, size_t n,
			  const struct fb_gate_opts *o)
{
	enum { MAX_THREADS = 16, MIN_ROWS_PER_THREAD = 512 };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nt = cpus > 1 ? (size_t)cpus : 1;
	struct stat_slice sl[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	bool started[MAX_THREADS] = { false };

	if (nt > MAX_THREADS)
		nt = MAX_THREADS;
	if (nt > n / MIN_ROWS_PER_THREAD)
		nt = n / MIN_ROWS_PER_THREAD ? n / MIN_ROWS_PER_THREAD : 1;
	for (size_t t = 0; t < nt; t++) {
		sl[t] = (struct stat_slice){ .r = r, .jobs = jobs, .o = o,
					     .from = n * t / nt, .to = n * (t + 1) / nt };
		/* slice 0 runs here; a thread that cannot start runs here too */
		started[t] = t && !pthread_create(&tid[t], NULL, stat_slice_run, &sl[t]);
	}
	for (size_t t = 0; t < nt; t++)
		if (!started[t])
			stat_slice_run(&sl[t]);
	for (size_t t = 1; t < nt; t++)
		if (started[t])
			pthread_join(tid[t], NULL);
}

int fb_cmp_files(const struct fb_cmp_file *a, const struct fb_cmp_file *b,
		 const struct fb_gate_opts *o, struct fb_cmp_report *r, char *err, size_t errlen)
{
	bool *used = calloc(b->ncells, sizeof(*used));
	struct stat_job *jobs = malloc(a->ncells * sizeof(*jobs));
	size_t matched = 0, njobs = 0;

	if (!used || !jobs)
		abort(); /* out of memory before any row: not recoverable */
	report_init(r, "compare", o);
	snprintf(r->base, sizeof(r->base), "%s", a->path);
	snprintf(r->new_, sizeof(r->new_), "%s", b->path);
	snprintf(r->base_machine, sizeof(r->base_machine), "%s", a->machine);
	snprintf(r->new_machine, sizeof(r->new_machine), "%s", b->machine);
	for (size_t i = 0; i < a->ncells; i++) {
		const struct fb_cmp_cell *ca = &a->cells[i], *cb = find_cell(b, ca->key, 0);
		struct fb_cmp_row *row;

		if (!cb) {
			add_row(r, ca->config, FB_V_ONLY_BASE);
			continue;
		}
		used[cb - b->cells] = true;
		matched++;
		row = add_row(r, ca->config, FB_V_UNCHANGED);
		primitive_note(row, ca->config, cb->config);
		if (strcmp(ca->status, "ok") || strcmp(cb->status, "ok")) {
			row->verdict = FB_V_FAILED;
			failed_row(row, ca, cb);
			continue;
		}
		jobs[njobs++] = (struct stat_job){ .row = r->nrows - 1, .ca = ca, .cb = cb };
	}
	for (size_t i = 0; i < b->ncells; i++)
		if (!used[i])
			add_row(r, b->cells[i].config, FB_V_ONLY_NEW);
	free(used);
	run_stat_jobs(r, jobs, njobs, o);
	free(jobs);
	if (!matched) {
		no_common(a, b, err, errlen);
		fb_cmp_report_free(r);
		return -1;
	}
	machines_note(r, a, b);
	file_notes(r, a, "base");
	file_notes(r, b, "new");
	finish_report(r);
	return 0;
}

/* Axes constant within each side but different between them: what an A/B
 * run deliberately varies (kernel model, backend, primitive, ...). */
static unsigned side_axes(const struct fb_cmp_file *a, const struct fb_cmp_file *b,
			  char *desc, size_t len)
{
	unsigned mask = 0;
	size_t off = 0;

	desc[0] = '\0';
	for (int k = 0; k < K_N; k++) {
		char va[256], vb[256], v[256];
		bool const_a = true, const_b = true;

		axis_raw(a->cells[0].config, k, va, sizeof(va));
		axis_raw(b->cells[0].config, k, vb, sizeof(vb));
		for (size_t i = 1; i < a->ncells && const_a; i++) {
			axis_raw(a->cells[i].config, k, v, sizeof(v));
			const_a = !strcmp(v, va);
		}
		for (size_t i = 1; i < b->ncells && const_b; i++) {
			axis_raw(b->cells[i].config, k, v, sizeof(v));
			const_b = !strcmp(v, vb);
		}
		if (const_a && const_b && strcmp(va, vb)) {
			mask |= 1u << k;
			if (off < len)
				off += (size_t)snprintf(desc + off, len - off, "%s%s: %s vs %s",
							off ? "; " : "", key_field[k], va, vb);
		}
	}
	return mask;
}

static double run_value(const struct fb_cmp_cell *c, enum fb_run_stat s)
{
	return s == FB_RUN_BEST ? c->best : s == FB_RUN_MEDIAN ? c->median : c->mean;
}

int fb_cmp_pairs(const struct fb_cmp_file *a, const struct fb_cmp_file *b, size_t n,
		 const struct fb_gate_opts *o, struct fb_cmp_report *r, char *err, size_t errlen)
{
	unsigned mask;
	size_t matched = 0;
	bool *used;

	report_init(r, "ab", o);
	snprintf(r->base_machine, sizeof(r->base_machine), "%s", a[0].machine);
	snprintf(r->new_machine, sizeof(r->new_machine), "%s", b[0].machine);
	mask = side_axes(&a[0], &b[0], r->differ, sizeof(r->differ));
	used = calloc(b[0].ncells, sizeof(*used));
	for (size_t c = 0; c < a[0].ncells; c++) {
		const struct fb_cmp_cell *ca0 = &a[0].cells[c], *cb0;
		char key[FB_CMP_KEYLEN];
		struct fb_cmp_row *row;
		double *l, *ma, *mb, lo, hi;
		struct fb_stats s;
		bool failed = false;

		fb_cmp_key(ca0->config, mask, key, sizeof(key));
		cb0 = find_cell(&b[0], key, mask);
		if (!cb0) {
			add_row(r, ca0->config, FB_V_ONLY_BASE);
			continue;
		}
		used[cb0 - b[0].cells] = true;
		matched++;
		row = add_row(r, ca0->config, FB_V_UNCHANGED);
		primitive_note(row, ca0->config, cb0->config);
		l = calloc(n, sizeof(*l));
		ma = calloc(n, sizeof(*ma));
		mb = calloc(n, sizeof(*mb));
		row->ratios = calloc(n, sizeof(*row->ratios));
		row->npairs = n;
		for (size_t i = 0; i < n; i++) {
			const struct fb_cmp_cell *ca = find_cell(&a[i], key, mask);
			const struct fb_cmp_cell *cb = find_cell(&b[i], key, mask);

			if (!ca || !cb) {
				char lab[256];

				full_label(ca0->config, lab, sizeof(lab));
				snprintf(err, errlen, "%s: no cell '%s' (every run of a side must have the same cells)",
					 (!ca ? &a[i] : &b[i])->path, lab);
				free(l);
				free(ma);
				free(mb);
				free(used);
				fb_cmp_report_free(r);
				return -1;
			}
			if (strcmp(ca->status, "ok") || strcmp(cb->status, "ok")) {
				if (!failed)
					failed_row(row, ca, cb);
				failed = true;
				row->ratios[i] = NAN; /* no ratio: null in the JSON */
				continue;
			}
			ma[i] = run_value(ca, o->run_stat);
			mb[i] = run_value(cb, o->run_stat);
			row->ratios[i] = mb[i] / ma[i];
			l[i] = log(row->ratios[i]);
		}
		if (failed) {
			row->verdict = FB_V_FAILED;
		} else {
			double hl = fb_hodges_lehmann(l, n);

			fb_stats_compute(ma, n, &s);
			row->mean_a = s.mean;
			row->sd_a = s.sd;
			fb_stats_compute(mb, n, &s);
			row->mean_b = s.mean;
			row->sd_b = s.sd;
			row->na = row->nb = n;
			row->change_pct = 100 * (exp(hl) - 1);
			fb_wilcoxon(l, n, &row->p);
			if (isnan(row->p))
				row->p = 1; /* every ratio exactly 1: nothing changed */
			fb_bootstrap_ci(l, n, fb_hodges_lehmann, o->boot_iters, 1 - o->alpha, BOOT_SEED,
					&lo, &hi);
			row->ci_lo_pct = 100 * (exp(lo) - 1);
			row->ci_hi_pct = 100 * (exp(hi) - 1);
			row->verdict = decide(row, n >= 2 && fb_wilcoxon_min_p(n) < o->alpha, o);
		}
		free(l);
		free(ma);
		free(mb);
	}
	for (size_t i = 0; i < b[0].ncells; i++)
		if (!used[i])
			add_row(r, b[0].cells[i].config, FB_V_ONLY_NEW);
	free(used);
	if (!matched) {
		no_common(&a[0], &b[0], err, errlen);
		fb_cmp_report_free(r);
		return -1;
	}
	file_notes(r, &a[0], "A (base)");
	file_notes(r, &b[0], "B (new)");
	finish_report(r);
	return 0;
}

void fb_cmp_report_free(struct fb_cmp_report *r)
{
	for (size_t i = 0; i < r->nrows; i++)
		free(r->rows[i].ratios);
	free(r->rows);
	if (r->notes)
		json_object_put(r->notes);
	memset(r, 0, sizeof(*r));
}

/* ---- ab runs on disk ---- */

void fb_cmp_ab_run_dir(char side, size_t pair, char *buf, size_t len)
{
	snprintf(buf, len, "runs/%c-%02zu", side, pair);
}

static void ab_json_path(const char *path, char *buf, size_t len)
{
	struct stat st;

	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		snprintf(buf, len, "%s/ab.json", path);
	else
		snprintf(buf, len, "%s", path);
}

void fb_cmp_command_text(json_object *argv, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; argv && i < json_object_array_length(argv) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "",
			json_object_get_string(json_object_array_get_idx(argv, i)));
}

int fb_cmp_ab_load_runs(const char *dir, size_t pairs, struct fb_cmp_file **a,
		       struct fb_cmp_file **b, char *err, size_t errlen)
{
	char run[2300], sub[64];

	*a = calloc(pairs, sizeof(**a));
	*b = calloc(pairs, sizeof(**b));
	if (!*a || !*b) {
		snprintf(err, errlen, "out of memory");
		goto bad;
	}
	for (size_t i = 0; i < pairs; i++) {
		for (int s = 0; s < 2; s++) {
			fb_cmp_ab_run_dir(s ? 'B' : 'A', i + 1, sub, sizeof(sub));
			snprintf(run, sizeof(run), "%s/%s", dir, sub);
			if (fb_cmp_file_load(run, s ? &(*b)[i] : &(*a)[i], err, errlen))
				goto bad;
		}
	}
	return 0;
bad:
	for (size_t i = 0; *a && *b && i < pairs; i++) {
		fb_cmp_file_free(&(*a)[i]);
		fb_cmp_file_free(&(*b)[i]);
	}
	free(*a);
	free(*b);
	*a = *b = NULL;
	return -1;
}

int fb_cmp_ab_load(const char *path, struct fb_cmp_file **a, struct fb_cmp_file **b,
		   size_t *n, char *base, char *new_, size_t len, enum fb_run_stat *stat,
		   char *err, size_t errlen)
{
	char p[1100], dir[1100];
	json_object *d, *runs;
	int version;
	size_t pairs;

	*a = *b = NULL;
	*n = 0;
	ab_json_path(path, p, sizeof(p));
	snprintf(dir, sizeof(dir), "%s", p);
	if (strrchr(dir, '/'))
		*strrchr(dir, '/') = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	/* an ab.json is a report plus its run list: a result's cap is plenty */
	if (fb_json_load(p, FB_RUN_MAX_BYTES, &d, err, errlen))
		return -1;
	version = (int)fb_json_num(d, "schema_version", -1);
	runs = fb_json_path(d, "runs");
	pairs = (size_t)fb_json_num(d, "pairs", 0);
	if (strcmp(fb_json_str(d, "schema", ""), FB_REPORT_SCHEMA) ||
	    strcmp(fb_json_str(d, "mode", ""), "ab")) {
		snprintf(err, errlen, "%s: not an ab run (schema '%s', mode '%s'): give BASE and NEW "
			 "(two results), or one ab run", p, fb_json_str(d, "schema", "missing"),
			 fb_json_str(d, "mode", "missing"));
		goto bad;
	}
	if (version != FB_REPORT_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: schema version %d, this foliobench reads %d", p, version,
			 FB_REPORT_SCHEMA_VERSION);
		goto bad;
	}
	if (!runs || !json_object_is_type(runs, json_type_array) || !pairs ||
	    json_object_array_length(runs) != 2 * pairs) {
		snprintf(err, errlen, "%s: no list of %zu pairs of runs (corrupt ab result)", p, pairs);
		goto bad;
	}
	if (fb_cmp_ab_load_runs(dir, pairs, a, b, err, errlen))
		goto bad;
	*n = pairs;
	if (fb_run_stat_parse(fb_json_str(d, "run_statistic", "best"), stat))
		*stat = FB_RUN_BEST;
	fb_cmp_command_text(fb_json_path(d, "commands.A"), base, len);
	fb_cmp_command_text(fb_json_path(d, "commands.B"), new_, len);
	json_object_put(d);
	return 0;
bad:
	json_object_put(d);
	return -1;
}

/* ---- reports ---- */

static const char *test_name(const struct fb_cmp_report *r)
{
	return !strcmp(r->mode, "ab") ?
		"Wilcoxon signed-rank test on the log ratios new/base of interleaved run pairs" :
		"Mann-Whitney U test on the raw samples";
}

static const char *estimate_name(const struct fb_cmp_report *r)
{
	static const char *const ab[] = {
		[FB_RUN_BEST] = "Hodges-Lehmann estimate of the pair ratios of each run's best GB/s",
		[FB_RUN_MEDIAN] = "Hodges-Lehmann estimate of the pair ratios of each run's median GB/s",
		[FB_RUN_MEAN] = "Hodges-Lehmann estimate of the pair ratios of each run's mean GB/s",
	};

	return !strcmp(r->mode, "ab") ? ab[r->opts.run_stat] : "ratio of mean GB/s";
}

/* "fail" (exit 1), "inconclusive" (exit 3 unless allowed) or "pass". */
static const char *gate_word(const struct fb_cmp_report *r)
{
	return r->fail ? "fail" : r->inconclusive ? "inconclusive" : "pass";
}

int fb_cmp_gate_status(const struct fb_cmp_report *r)
{
	if (r->fail)
		return FB_EXIT_FAIL;
	if (r->inconclusive && !r->opts.allow_inconclusive)
		return FB_EXIT_INCONCLUSIVE;
	return FB_EXIT_OK;
}

json_object *fb_cmp_report_json(const struct fb_cmp_report *r)
{
	json_object *d = json_object_new_object(), *cells = json_object_new_array(), *s, *side;

	json_object_object_add(d, "schema", json_object_new_string(FB_REPORT_SCHEMA));
	json_object_object_add(d, "schema_version", json_object_new_int(FB_REPORT_SCHEMA_VERSION));
	json_object_object_add(d, "mode", json_object_new_string(r->mode));
	json_object_object_add(d, "threshold_pct", json_object_new_double(r->opts.threshold_pct));
	json_object_object_add(d, "alpha", json_object_new_double(r->opts.alpha));
	json_object_object_add(d, "ci_level", json_object_new_double(1 - r->opts.alpha));
	json_object_object_add(d, "test", json_object_new_string(test_name(r)));
	json_object_object_add(d, "estimate", json_object_new_string(estimate_name(r)));
	if (!strcmp(r->mode, "ab"))
		json_object_object_add(d, "run_statistic",
				       json_object_new_string(fb_run_stat_name(r->opts.run_stat)));
	side = json_object_new_object();
	json_object_object_add(side, "source", json_object_new_string(r->base));
	json_object_object_add(side, "machine", json_object_new_string(r->base_machine));
	json_object_object_add(d, "base", side);
	side = json_object_new_object();
	json_object_object_add(side, "source", json_object_new_string(r->new_));
	json_object_object_add(side, "machine", json_object_new_string(r->new_machine));
	json_object_object_add(d, "new", side);
	if (r->differ[0])
		json_object_object_add(d, "sides_differ_in", json_object_new_string(r->differ));
	json_object_object_add(d, "notes", json_object_get(r->notes));
	for (size_t i = 0; i < r->nrows; i++) {
		const struct fb_cmp_row *row = &r->rows[i];
		json_object *c = json_object_new_object(), *st, *ci;

		json_object_object_add(c, "label", json_object_new_string(row->label));
		json_object_object_add(c, "name", json_object_new_string(row->full));
		json_object_object_add(c, "config", json_object_get(row->config));
		json_object_object_add(c, "verdict", json_object_new_string(fb_verdict_name(row->verdict)));
		for (int k = 0; k < 2; k++) {
			st = json_object_new_object();
			json_object_object_add(st, "n", json_object_new_int64((int64_t)(k ? row->nb : row->na)));
			json_object_object_add(st, "mean_gbps", fb_json_number(k ? row->mean_b : row->mean_a));
			json_object_object_add(st, "sd_gbps", fb_json_number(k ? row->sd_b : row->sd_a));
			json_object_object_add(c, k ? "new" : "base", st);
		}
		json_object_object_add(c, "change_pct", fb_json_number(row->change_pct));
		ci = json_object_new_array();
		json_object_array_add(ci, fb_json_number(row->ci_lo_pct));
		json_object_array_add(ci, fb_json_number(row->ci_hi_pct));
		json_object_object_add(c, "ci_pct", ci);
		json_object_object_add(c, "p", fb_json_number(row->p));
		if (row->note[0])
			json_object_object_add(c, "note", json_object_new_string(row->note));
		if (row->ratios) {
			json_object *ra = json_object_new_array();

			for (size_t j = 0; j < row->npairs; j++)
				json_object_array_add(ra, fb_json_number(row->ratios[j]));
			json_object_object_add(c, "pair_ratios", ra);
		}
		json_object_array_add(cells, c);
	}
	json_object_object_add(d, "cells", cells);
	s = json_object_new_object();
	json_object_object_add(s, "cells", json_object_new_int64((int64_t)r->nrows));
	json_object_object_add(s, "matched", json_object_new_int64((int64_t)r->matched));
	json_object_object_add(s, "gated", json_object_new_int64((int64_t)r->gated));
	for (int v = 0; v <= FB_V_ONLY_NEW; v++) {
		char k[32];

		snprintf(k, sizeof(k), "%s", fb_verdict_name((enum fb_verdict)v));
		for (char *p = k; *p; p++)
			if (*p == ' ')
				*p = '_';
		json_object_object_add(s, k, json_object_new_int64((int64_t)r->count[v]));
	}
	json_object_object_add(d, "summary", s);
	s = json_object_new_object();
	json_object_object_add(s, "cells", json_object_new_int64((int64_t)r->geomean.n));
	json_object_object_add(s, "base_gbps", fb_json_number(r->geomean.base));
	json_object_object_add(s, "new_gbps", fb_json_number(r->geomean.new_));
	json_object_object_add(s, "change_pct", fb_json_number(r->geomean.change_pct));
	json_object_object_add(d, "geomean", s);
	json_object_object_add(d, "gate", json_object_new_string(gate_word(r)));
	if (r->inconclusive)
		json_object_object_add(d, "inconclusive", json_object_new_string(r->inconclusive));
	json_object_object_add(d, "allow_inconclusive", json_object_new_boolean(r->opts.allow_inconclusive));
	return d;
}

/* The header row above nrows rows of cells, in the one table look. */
static void grid(FILE *f, bool md, int ncols, const char *const *head, const bool *right,
		 char **cells, size_t nrows)
{
	const char **all = calloc((nrows + 1) * (size_t)ncols, sizeof(*all));

	if (!all)
		return;
	for (int c = 0; c < ncols; c++)
		all[c] = head[c];
	for (size_t i = 0; i < nrows * (size_t)ncols; i++)
		all[ncols + i] = cells[i];
	fb_grid_print(f, md ? FB_TABLE_MARKDOWN : FB_TABLE_TEXT, all, nrows + 1, ncols, right);
	free(all);
}

static void fmt_p(double p, char *buf, size_t len)
{
	if (isnan(p))
		snprintf(buf, len, "-");
	else if (p < 0.0001)
		snprintf(buf, len, "<0.0001");
	else
		snprintf(buf, len, "%.4f", p);
}

static void fmt_gbps(double mean, double sd, size_t n, bool ab, char *buf, size_t len)
{
	if (isnan(mean))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f±%.2f (%s%zu)", mean, sd, ab ? "runs " : "n=", n);
}

/* Seven text slots per row, SLOT bytes each. */
#define SLOT 448

static char *row_cells(const struct fb_cmp_row *row, bool ab, bool md)
{
	char *c = calloc(7, SLOT);
	const char *v = fb_verdict_name(row->verdict);
	bool loud = md && (row->verdict == FB_V_REGRESSED || row->verdict == FB_V_IMPROVED);

	snprintf(c, SLOT, "%s", row->label);
	fmt_gbps(row->mean_a, row->sd_a, row->na, ab, c + SLOT, SLOT);
	fmt_gbps(row->mean_b, row->sd_b, row->nb, ab, c + 2 * SLOT, SLOT);
	if (isnan(row->change_pct))
		snprintf(c + 3 * SLOT, SLOT, "-");
	else
		snprintf(c + 3 * SLOT, SLOT, "%s%+.1f%%%s", loud ? "**" : "", row->change_pct, loud ? "**" : "");
	if (isnan(row->ci_lo_pct))
		snprintf(c + 4 * SLOT, SLOT, "-");
	else
		snprintf(c + 4 * SLOT, SLOT, "%+.1f%% .. %+.1f%%", row->ci_lo_pct, row->ci_hi_pct);
	fmt_p(row->p, c + 5 * SLOT, SLOT);
	snprintf(c + 6 * SLOT, SLOT, "%s%s%s%s%s", loud ? "**" : "", v, loud ? "**" : "",
		 row->note[0] ? "; " : "", row->note);
	return c;
}

/* The summary row below the cells; NULL when no cell has both sides. */
static char *geomean_cells(const struct fb_cmp_report *r)
{
	char *c;

	if (!r->geomean.n || isnan(r->geomean.change_pct))
		return NULL;
	c = calloc(7, SLOT);
	if (!c)
		return NULL;
	snprintf(c, SLOT, "geomean (%zu cell%s)", r->geomean.n, r->geomean.n == 1 ? "" : "s");
	snprintf(c + SLOT, SLOT, "%.2f", r->geomean.base);
	snprintf(c + 2 * SLOT, SLOT, "%.2f", r->geomean.new_);
	snprintf(c + 3 * SLOT, SLOT, "%+.1f%%", r->geomean.change_pct);
	snprintf(c + 4 * SLOT, SLOT, "-");
	snprintf(c + 5 * SLOT, SLOT, "-");
	snprintf(c + 6 * SLOT, SLOT, "summary, not gated");
	return c;
}

static void render_rows(FILE *f, const struct fb_cmp_report *r, bool md)
{
	bool ab = !strcmp(r->mode, "ab");
	char ci[32], hbase[48], hnew[48];
	const char *head[7] = { "cell", hbase, hnew, "change", ci, "p", "verdict" };
	static const bool right[7] = { false, true, true, true, true, true, false };
	char **cells = calloc(r->nrows * 7 + 7, sizeof(*cells));
	char **blocks = calloc(r->nrows + 1, sizeof(*blocks));

	snprintf(ci, sizeof(ci), "%g%% CI", 100 * (1 - r->opts.alpha));
	/* ab: mean±sd over the runs of each run's best (median, mean) GB/s. */
	snprintf(hbase, sizeof(hbase), "%s GB/s%s%s%s", ab ? "A" : "base", ab ? " (" : "",
		 ab ? fb_run_stat_name(r->opts.run_stat) : "", ab ? ")" : "");
	snprintf(hnew, sizeof(hnew), "%s GB/s%s%s%s", ab ? "B" : "new", ab ? " (" : "",
		 ab ? fb_run_stat_name(r->opts.run_stat) : "", ab ? ")" : "");
	for (size_t i = 0; i < r->nrows; i++) {
		blocks[i] = row_cells(&r->rows[i], ab, md);
		for (int c = 0; c < 7; c++)
			cells[i * 7 + c] = blocks[i] + SLOT * c;
	}
	blocks[r->nrows] = geomean_cells(r);
	for (int c = 0; blocks[r->nrows] && c < 7; c++)
		cells[r->nrows * 7 + c] = blocks[r->nrows] + SLOT * c;
	grid(f, md, 7, head, right, cells, r->nrows + (blocks[r->nrows] != NULL));
	for (size_t i = 0; i <= r->nrows; i++)
		free(blocks[i]);
	free(blocks);
	free(cells);
}

/* "FAIL", "PASS", or when nothing was gated "INCONCLUSIVE" (with
 * --allow-inconclusive "PASS (inconclusive allowed)") and why. */
static void gate_head(FILE *f, const struct fb_cmp_report *r)
{
	if (r->fail)
		fputs("FAIL: ", f);
	else if (!r->inconclusive)
		fputs("PASS: ", f);
	else
		fprintf(f, "%s: %s; ", r->opts.allow_inconclusive ?
			"PASS (inconclusive allowed)" : "INCONCLUSIVE", r->inconclusive);
}

static void summary_line(FILE *f, const struct fb_cmp_report *r)
{
	gate_head(f, r);
	fprintf(f, "%zu of %zu matched cells regressed, %zu improved, %zu unchanged",
		r->count[FB_V_REGRESSED], r->matched, r->count[FB_V_IMPROVED],
		r->count[FB_V_UNCHANGED]);
	if (r->count[FB_V_INCONCLUSIVE])
		fprintf(f, ", %zu inconclusive", r->count[FB_V_INCONCLUSIVE]);
	if (r->count[FB_V_TOO_FEW])
		fprintf(f, ", %zu with too few samples", r->count[FB_V_TOO_FEW]);
	if (r->count[FB_V_FAILED])
		fprintf(f, ", %zu failed", r->count[FB_V_FAILED]);
	fprintf(f, "; %zu of %zu gated", r->gated, r->matched);
	if (r->count[FB_V_ONLY_BASE])
		fprintf(f, "; %zu only in base", r->count[FB_V_ONLY_BASE]);
	if (r->count[FB_V_ONLY_NEW])
		fprintf(f, "; %zu only in new", r->count[FB_V_ONLY_NEW]);
}

static void rule_line(FILE *f, const struct fb_cmp_report *r)
{
	fprintf(f, "A cell regresses when new is slower by more than %g%% with p < %g (%s); "
		"it is unchanged when the CI lies within +-%g%%, else inconclusive; "
		"change: %s, with its %g%% bootstrap CI.",
		r->opts.threshold_pct, r->opts.alpha, test_name(r), r->opts.threshold_pct,
		estimate_name(r), 100 * (1 - r->opts.alpha));
}

static void render_text(FILE *f, const struct fb_cmp_report *r, bool md)
{
	bool ab = !strcmp(r->mode, "ab");
	size_t n = json_object_array_length(r->notes);

	if (md) {
		fprintf(f, "### foliobench %s: ", ab ? "ab" : "compare");
		summary_line(f, r);
		fprintf(f, "\n\n- base%s: `%s` (%s)\n- new%s: `%s` (%s)\n", ab ? " (A)" : "", r->base,
			r->base_machine, ab ? " (B)" : "", r->new_, r->new_machine);
		if (r->differ[0])
			fprintf(f, "- A and B differ in %s\n", r->differ);
		if (r->common[0])
			fprintf(f, "- every cell: %s\n", r->common);
		fputc('\n', f);
		rule_line(f, r);
		fputs("\n\n", f);
	} else {
		fprintf(f, "foliobench %s\n  base%s: %s (%s)\n  new%s:  %s (%s)\n", ab ? "ab" : "compare",
			ab ? " (A)" : "", r->base, r->base_machine, ab ? " (B)" : "", r->new_, r->new_machine);
		if (r->differ[0])
			fprintf(f, "  A and B differ in %s\n", r->differ);
		if (r->common[0])
			fprintf(f, "  every cell: %s\n", r->common);
		fputs("  ", f);
		rule_line(f, r);
		fputs("\n\n", f);
	}
	render_rows(f, r, md);
	if (n)
		fputc('\n', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%snote: %s\n", md ? "> " : "",
			json_object_get_string(json_object_array_get_idx(r->notes, i)));
	fputc('\n', f);
	if (md)
		fputs("**", f);
	summary_line(f, r);
	fputs(md ? "**\n" : "\n", f);
}

static void xml_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			/* XML 1.0 forbids most control characters even escaped. */
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				fputc(*s, f);
		}
	}
}

static void render_junit(FILE *f, const struct fb_cmp_report *r)
{
	size_t skipped = r->count[FB_V_TOO_FEW] + r->count[FB_V_INCONCLUSIVE] +
			 r->count[FB_V_ONLY_BASE] + r->count[FB_V_ONLY_NEW];
	size_t failures = r->count[FB_V_REGRESSED], errors = r->count[FB_V_FAILED];
	size_t tests = r->nrows + (r->inconclusive != NULL);
	bool allowed = r->opts.allow_inconclusive;
	char suite[2300];

	/* A gate that decided nothing is one more case, so a dashboard does
	 * not show a suite of skips as green: an error, skipped if allowed. */
	if (r->inconclusive) {
		skipped += allowed;
		errors += !allowed;
	}
	snprintf(suite, sizeof(suite), "foliobench %s: %s vs %s", r->mode, r->base, r->new_);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<testsuites name=\"foliobench\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n",
		tests, failures, errors, skipped);
	fputs("  <testsuite name=\"", f);
	xml_escape(f, suite);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n",
		tests, failures, errors, skipped);
	fputs("    <properties>\n", f);
	fprintf(f, "      <property name=\"threshold_pct\" value=\"%g\"/>\n", r->opts.threshold_pct);
	fprintf(f, "      <property name=\"alpha\" value=\"%g\"/>\n", r->opts.alpha);
	fputs("      <property name=\"test\" value=\"", f);
	xml_escape(f, test_name(r));
	fputs("\"/>\n      <property name=\"base_machine\" value=\"", f);
	xml_escape(f, r->base_machine);
	fputs("\"/>\n      <property name=\"new_machine\" value=\"", f);
	xml_escape(f, r->new_machine);
	fputs("\"/>\n", f);
	fprintf(f, "      <property name=\"gated\" value=\"%zu\"/>\n", r->gated);
	if (r->geomean.n && !isnan(r->geomean.change_pct))
		fprintf(f, "      <property name=\"geomean_change_pct\" value=\"%.4f\"/>\n",
			r->geomean.change_pct);
	fputs("    </properties>\n", f);
	if (r->inconclusive) {
		fprintf(f, "    <testcase classname=\"foliobench.%s\" name=\"gate\" time=\"0\">\n", r->mode);
		fprintf(f, "      <%s%s message=\"inconclusive: ", allowed ? "skipped" : "error",
			allowed ? "" : " type=\"inconclusive\"");
		xml_escape(f, r->inconclusive);
		fputs(allowed ? " (--allow-inconclusive)\"/>\n" : "\"/>\n", f);
		fputs("    </testcase>\n", f);
	}
	for (size_t i = 0; i < r->nrows; i++) {
		const struct fb_cmp_row *row = &r->rows[i];
		char msg[512], p[32];

		fmt_p(row->p, p, sizeof(p));
		if (isnan(row->change_pct))
			snprintf(msg, sizeof(msg), "%s%s%s", fb_verdict_name(row->verdict),
				 row->note[0] ? ": " : "", row->note);
		else
			snprintf(msg, sizeof(msg),
				 "%s: %+.2f%% (CI %+.2f%% .. %+.2f%%), p %s, base %.3f GB/s, new %.3f GB/s%s%s",
				 fb_verdict_name(row->verdict), row->change_pct, row->ci_lo_pct,
				 row->ci_hi_pct, p, row->mean_a, row->mean_b, row->note[0] ? "; " : "",
				 row->note);
		fprintf(f, "    <testcase classname=\"foliobench.%s\" name=\"", r->mode);
		xml_escape(f, row->full);
		fputs("\" time=\"0\">\n", f);
		switch (row->verdict) {
		case FB_V_REGRESSED:
			fputs("      <failure type=\"regression\" message=\"", f);
			xml_escape(f, msg);
			fputs("\"/>\n", f);
			break;
		case FB_V_FAILED:
			fputs("      <error type=\"cell failed\" message=\"", f);
			xml_escape(f, msg);
			fputs("\"/>\n", f);
			break;
		case FB_V_TOO_FEW:
		case FB_V_INCONCLUSIVE:
		case FB_V_ONLY_BASE:
		case FB_V_ONLY_NEW:
			fputs("      <skipped message=\"", f);
			xml_escape(f, msg);
			fputs("\"/>\n", f);
			break;
		default:
			fputs("      <system-out>", f);
			xml_escape(f, msg);
			fputs("</system-out>\n", f);
		}
		fputs("    </testcase>\n", f);
	}
	fputs("  </testsuite>\n</testsuites>\n", f);
}

static char *json_text(json_object *d)
{
	const char *s = json_object_to_json_string_ext(d, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t n = strlen(s);
	char *t = malloc(n + 2);

	if (t) {
		memcpy(t, s, n);
		t[n] = '\n';
		t[n + 1] = '\0';
	}
	return t;
}

char *fb_cmp_report_render(const struct fb_cmp_report *r, enum fb_report_fmt fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (fmt == FB_REPORT_JSON) {
		json_object *d = fb_cmp_report_json(r);
		char *t = json_text(d);

		json_object_put(d);
		return t;
	}
	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	if (fmt == FB_REPORT_JUNIT)
		render_junit(f, r);
	else
		render_text(f, r, fmt == FB_REPORT_MARKDOWN);
	fclose(f);
	return buf;
}

/* ---- machines side by side ---- */

char *fb_cmp_machines_render(const struct fb_cmp_file *files, size_t n, enum fb_report_fmt fmt)
{
	struct key {
		const char *key;
		json_object *config;
	} *keys = NULL;
	size_t nkeys = 0;
	char **heads = calloc(n + 1, sizeof(*heads)), common[256] = "";
	json_object **cfgs;
	unsigned vary;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	/* Rows: every configuration any machine has, in order of appearance
	 * (a cell is new unless an earlier file has its key). */
	for (size_t i = 0; i < n; i++) {
		for (size_t c = 0; c < files[i].ncells; c++) {
			bool seen = false;

			for (size_t j = 0; j < i && !seen; j++)
				seen = find_cell(&files[j], files[i].cells[c].key, 0) != NULL;
			if (seen)
				continue;
			if (nkeys % 1024 == 0)
				keys = realloc(keys, (nkeys + 1024) * sizeof(*keys));
			keys[nkeys++] = (struct key){ files[i].cells[c].key, files[i].cells[c].config };
		}
	}
	cfgs = calloc(nkeys + 1, sizeof(*cfgs));
	for (size_t k = 0; k < nkeys; k++)
		cfgs[k] = keys[k].config;
	vary = label_axes(cfgs, nkeys, common, sizeof(common));
	/* Columns: CPU and kernel; the same machine twice gets a number. */
	for (size_t i = 0; i < n; i++) {
		int same = 1;

		for (size_t j = 0; j < i; j++)
			same += !strcmp(files[j].machine, files[i].machine);
		heads[i + 1] = malloc(300);
		if (same > 1)
			snprintf(heads[i + 1], 300, "%s (%d)", files[i].machine, same);
		else
			snprintf(heads[i + 1], 300, "%s", files[i].machine);
	}
	heads[0] = "cell";

	if (fmt == FB_REPORT_JSON) {
		json_object *d = json_object_new_object(), *ms = json_object_new_array();
		json_object *cells = json_object_new_array();

		json_object_object_add(d, "schema", json_object_new_string(FB_REPORT_SCHEMA));
		json_object_object_add(d, "schema_version", json_object_new_int(FB_REPORT_SCHEMA_VERSION));
		json_object_object_add(d, "mode", json_object_new_string("machines"));
		for (size_t i = 0; i < n; i++) {
			json_object *m = json_object_new_object(), *mach = fb_json_path(files[i].doc, "machine");

			json_object_object_add(m, "source", json_object_new_string(files[i].path));
			json_object_object_add(m, "label", json_object_new_string(heads[i + 1]));
			json_object_object_add(m, "hostname", json_object_new_string(cfg_str(mach, "hostname", "?")));
			json_object_object_add(m, "cpu", json_object_new_string(
				cfg_str(fb_json_path(mach, "cpu"), "name", "?")));
			json_object_object_add(m, "kernel", json_object_new_string(
				cfg_str(fb_json_path(mach, "kernel"), "release", "?")));
			json_object_array_add(ms, m);
		}
		json_object_object_add(d, "machines", ms);
		for (size_t k = 0; k < nkeys; k++) {
			json_object *c = json_object_new_object(), *vals = json_object_new_array();
			char lab[256];

			full_label(keys[k].config, lab, sizeof(lab));
			json_object_object_add(c, "name", json_object_new_string(lab));
			json_object_object_add(c, "config", json_object_get(keys[k].config));
			for (size_t i = 0; i < n; i++) {
				const struct fb_cmp_cell *cc = find_cell(&files[i], keys[k].key, 0);
				json_object *v = NULL;

				if (cc && !strcmp(cc->status, "ok")) {
					v = json_object_new_object();
					json_object_object_add(v, "n", json_object_new_int64((int64_t)cc->n));
					json_object_object_add(v, "mean_gbps", fb_json_number(cc->mean));
					json_object_object_add(v, "sd_gbps", fb_json_number(cc->sd));
					json_object_object_add(v, "primitive", json_object_new_string(
						cfg_str(cc->config, "primitive", "-")));
				}
				json_object_array_add(vals, v);
			}
			json_object_object_add(c, "values", vals);
			json_object_array_add(cells, c);
		}
		json_object_object_add(d, "cells", cells);
		buf = json_text(d);
		json_object_put(d);
		goto out;
	}

	f = open_memstream(&buf, &len);
	if (!f)
		goto out;
	{
		bool md = fmt == FB_REPORT_MARKDOWN;
		char **cells = calloc(nkeys * (n + 1) + 1, sizeof(*cells));
		bool *right = calloc(n + 1, sizeof(*right));

		for (size_t k = 0; k < nkeys; k++) {
			const char *prim0 = NULL;
			bool prim_differs = false;

			/* The primitive each machine's kernel model picked, when they differ. */
			for (size_t i = 0; i < n; i++) {
				const struct fb_cmp_cell *cc = find_cell(&files[i], keys[k].key, 0);
				const char *p = cc ? cfg_str(cc->config, "primitive", "-") : NULL;

				if (p && prim0 && strcmp(p, prim0))
					prim_differs = true;
				if (p && !prim0)
					prim0 = p;
			}
			cells[k * (n + 1)] = malloc(256);
			if (vary)
				make_label(keys[k].config, vary, false, cells[k * (n + 1)], 256);
			else
				full_label(keys[k].config, cells[k * (n + 1)], 256);
			for (size_t i = 0; i < n; i++) {
				const struct fb_cmp_cell *cc = find_cell(&files[i], keys[k].key, 0);
				char *s = malloc(128);

				if (!cc)
					snprintf(s, 128, "-");
				else if (strcmp(cc->status, "ok"))
					snprintf(s, 128, "%s", cc->status);
				else
					snprintf(s, 128, "%.2f±%.2f%s%s", cc->mean, cc->sd,
						 prim_differs ? " " : "",
						 prim_differs ? cfg_str(cc->config, "primitive", "-") : "");
				cells[k * (n + 1) + i + 1] = s;
				right[i + 1] = true;
			}
		}
		fprintf(f, "%sGB/s (1e9 bytes/s), mean±sd over each run's timed iterations; no verdict across machines%s\n",
			md ? "_" : "", md ? "_" : "");
		if (common[0])
			fprintf(f, "%severy cell: %s%s\n", md ? "_" : "", common, md ? "_" : "");
		fputc('\n', f);
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%s%s: %s\n", md ? "- " : "  ", heads[i + 1], files[i].path);
		fputc('\n', f);
		grid(f, md, (int)n + 1, (const char *const *)heads, right, cells, nkeys);
		for (size_t i = 0; i < nkeys * (n + 1); i++)
			free(cells[i]);
		free(cells);
		free(right);
		fclose(f);
	}
out:
	for (size_t i = 1; i <= n; i++)
		free(heads[i]);
	free(heads);
	free(cfgs);
	free(keys);
	return buf;
}
