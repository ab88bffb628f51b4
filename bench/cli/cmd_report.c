// SPDX-License-Identifier: GPL-2.0-only
/*
 * foliobench report: a run in a seed's table layout, the seed's published
 * table beside it (runners/reference/NAME.ref), ours/seed where rows and
 * columns match, and one line per claim of the seed: does our machine show
 * the same shape.  Every runner prints its tables through this command.
 */
#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "axis.h"
#include "cli.h"
#include "reference.h"
#include "report_share.h"
#include "shapes.h"
#include "results.h"
#include "table.h"
#include "util.h"

static const char report_usage[] =
"usage: foliobench report [RUN] --reference NAME|FILE [--table ID[,ID...]]\n"
"                         [--where AXIS=VALUE[,...]] [--format table|markdown|series]\n"
"                         [--x rows|cols]\n"
"       foliobench report MIGRATE_RUN --copy-share COPY_RUN [--threads LIST]\n"
"       foliobench report --list\n"
"\n"
"Print a seed's published tables (runners/reference/NAME.ref, e.g. seed001)\n"
"and, given a run (its directory or run.json), the run in the same layout:\n"
"same rows, same columns, mean±sd; the seed's table beside it; ours/seed\n"
"where rows and columns match;\n"
"and one shape line per claim of the seed (does throughput rise with folio\n"
"size, does batched beat per page, does spread beat fill): agrees (it holds\n"
"in most rows and is reversed in none, as in the seed), differs, or cannot\n"
"tell and why (within noise, nothing to compare, or the run cannot show it:\n"
"one LLC domain, one NUMA node, the copy phase beside migration figures).\n"
"Rows the run has and the seed does not are added at the end of our table.\n"
"\n"
"  --reference NAME|FILE  a .ref file, or NAME in runners/reference\n"
"                         ($FOLIOBENCH_REFERENCE overrides the folder)\n"
"  --table IDS            these tables [with a run: those it has cells for;\n"
"                         without: all]\n"
"  --where AXIS=VALUE,... use only these cells of the run (as show --where)\n"
"  --format table|markdown|series\n"
"                         series: the table as gnuplot data blocks, one per row\n"
"                         (or column), for plots/*.gp: ours with a run, else\n"
"                         the seed's [table]\n"
"  --x rows|cols          series: the axis on x [cols when numeric, else rows]\n"
"  --copy-share COPY_RUN  per migrated cell: the copy's share of its time and the\n"
"                         Amdahl bound with N copy threads (computed, not measured)\n"
"  --threads LIST         the bounds' thread counts [COPY_RUN's above 1, else 16]\n"
"  --list                 the references and their tables\n"
"\n"
"Exit: 0 ok, 2 bad usage or a malformed reference file.\n";

/* A reference file's text as it will print: cleaned (util.h
 * fb_text_clean), as a run's text is when it is read.  Selectors stay as
 * they are: they are matched, never printed raw. */
static void clean_ref(struct fb_reference *ref)
{
	fb_text_clean(ref->seed);
	fb_text_clean(ref->file);
	fb_text_clean(ref->post);
	fb_text_clean(ref->machine);
	fb_text_clean(ref->unit);
	for (int i = 0; i < ref->ntables; i++) {
		struct fb_ref_table *t = &ref->tables[i];

		fb_text_clean(t->id);
		fb_text_clean(t->title);
		fb_text_clean(t->label);
		fb_text_clean(t->machine);
		fb_text_clean(t->measured);
		fb_text_clean(t->corner);
		fb_text_clean(t->unit);
		for (int c = 0; c < t->ncols; c++)
			fb_text_clean(t->cols[c].label);
		for (int r = 0; r < t->nrows; r++)
			fb_text_clean(t->rows[r].label);
		for (int k = 0; k < t->nshapes; k++)
			fb_text_clean(t->shapes[k].text);
	}
}

/* ---- finding reference files ---- */

static bool readable(const char *p)
{
	return access(p, R_OK) == 0;
}

/* Reference folders, most specific first; beside the binary: build/, build/x/, PREFIX/bin. */
static const char *const ref_beside_exe[] = { "..", "../..", "../share/foliobench" };
#define REF_DIRS_MAX 5

static int ref_dirs(char dirs[][PATH_MAX], int max)
{
	char exe[PATH_MAX];
	ssize_t n;
	int k = 0;

	if (getenv("FOLIOBENCH_REFERENCE") && k < max)
		snprintf(dirs[k++], PATH_MAX, "%s", getenv("FOLIOBENCH_REFERENCE"));
	if (k < max)
		snprintf(dirs[k++], PATH_MAX, "runners/reference");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		for (size_t i = 0; i < sizeof(ref_beside_exe) / sizeof(*ref_beside_exe) && k < max; i++)
			snprintf(dirs[k++], PATH_MAX, "%.*s/%s/runners/reference", PATH_MAX - 60, exe,
				 ref_beside_exe[i]);
	}
	return k;
}

static int resolve_ref(const char *name, char *out, size_t len)
{
	char dirs[REF_DIRS_MAX][PATH_MAX];
	int nd;

	if (strchr(name, '/') || strstr(name, ".ref")) {
		snprintf(out, len, "%s", name);
		return readable(out) ? 0 : -1;
	}
	nd = ref_dirs(dirs, REF_DIRS_MAX);
	for (int i = 0; i < nd; i++) {
		snprintf(out, len, "%.*s/%.64s.ref", PATH_MAX - 80, dirs[i], name);
		if (readable(out))
			return 0;
	}
	return -1;
}

static int list_refs(void)
{
	char dirs[REF_DIRS_MAX][PATH_MAX], err[FB_ERRLEN];
	int nd = ref_dirs(dirs, REF_DIRS_MAX);

	for (int i = 0; i < nd; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;
		int found = 0;

		if (!d)
			continue;
		while ((e = readdir(d))) {
			size_t len = strlen(e->d_name);
			char path[PATH_MAX + 300];
			struct fb_reference *ref;

			if (len < 5 || strcmp(e->d_name + len - 4, ".ref"))
				continue;
			snprintf(path, sizeof(path), "%.*s/%.256s", PATH_MAX - 1, dirs[i], e->d_name);
			ref = calloc(1, sizeof(*ref));
			if (!ref)
				break;
			if (fb_reference_load(path, ref, err, sizeof(err))) {
				fb_text_clean(err);
				printf("%s\n", err);
			} else {
				clean_ref(ref);
				printf("%.*s (seed %s, %s)\n", (int)(len - 4), e->d_name, ref->seed, path);
				for (int t = 0; t < ref->ntables; t++)
					printf("  %-12s %s\n", ref->tables[t].id, ref->tables[t].title);
			}
			free(ref);
			found++;
		}
		closedir(d);
		if (found)
			return FB_EXIT_OK;
	}
	fprintf(stderr, "foliobench report: no reference folder found (runners/reference)\n");
	return FB_EXIT_USAGE;
}

/* ---- matching our cells ---- */

/* Elements of a JSON array; 0 for anything else (a missing key). */
static size_t array_len(json_object *a)
{
	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static void cell_value(json_object *cell, struct fb_ref_value *v)
{
	json_object *st = fb_json_path(cell, "stats");

	memset(v, 0, sizeof(*v));
	v->prec = 2;
	if (strcmp(fb_json_str(cell, "status", "ok"), "ok") || !fb_json_path(st, "mean")) {
		v->kind = FB_REF_FAILED;
		return;
	}
	v->kind = FB_REF_MEAN_SD;
	v->mean = fb_json_num(st, "mean", 0);
	v->sd = fb_json_num(st, "sd", 0);
}

static bool numeric_axis(const char *axis)
{
	return fb_axis_numeric(fb_axis_find(axis));
}

/* The number a row label of a numeric axis stands for ("2M", "16"). */
static double axis_number(const char *axis, const char *label)
{
	struct fb_axis_value v;
	char err[160];

	if (fb_axis_parse(fb_axis_find(axis), label, NULL, &v, err, sizeof(err)))
		return NAN;
	return v.num;
}

/*
 * Our table in the seed's layout: the seed's rows and columns with our
 * values, then a row for every value of the row axis the seed has no row
 * for.  Returns the number of cells used; *dups counts positions with more
 * than one matching cell (the first is shown).
 */
static int build_ours(const struct fb_ref_table *seed, json_object *doc, const char *where,
		      struct fb_ref_table *o, int *dups)
{
	json_object *all = fb_json_path(doc, "cells"), *cells = json_object_new_array();
	bool mw = fb_run_is_migration(doc) && seed->migration_where[0];
	int used = 0;

	*o = *seed;
	*dups = 0;
	for (int r = 0; r < o->nrows; r++)
		for (int c = 0; c < o->ncols; c++)
			o->rows[r].v[c] = (struct fb_ref_value){ .kind = FB_REF_NONE, .sd = NAN };
	for (size_t i = 0; i < json_object_array_length(all); i++) {
		json_object *cell = json_object_array_get_idx(all, i);

		if (fb_where_holds(mw ? seed->migration_where : seed->where, doc, cell) &&
		    fb_where_holds(where, doc, cell))
			json_object_array_add(cells, json_object_get(cell));
	}
	/* Rows the seed does not have. */
	if (strcmp(o->rows_axis, "-")) {
		for (size_t i = 0; i < json_object_array_length(cells); i++) {
			json_object *cell = json_object_array_get_idx(cells, i);
			bool in_col = false, in_row = false;
			char val[64], label[64];

			for (int c = 0; c < o->ncols && !in_col; c++)
				in_col = o->cols[c].num < 0 && fb_where_holds(o->cols[c].sel, doc, cell);
			for (int r = 0; r < o->nrows && !in_row; r++)
				in_row = fb_where_holds(o->rows[r].sel, doc, cell);
			if (!in_col || in_row || o->nrows == FB_REF_MAX_ROWS)
				continue;
			fb_table_value(cell, o->rows_axis, val, sizeof(val));
			snprintf(label, sizeof(label), "%s", val);
			if (!strcmp(o->rows_axis, "direction")) {
				json_object *cfg = fb_json_path(cell, "config");
				char a[24], b[24];

				snprintf(label, sizeof(label), "%.24s -> %.24s",
					 fb_axis_node_name(doc, (int)fb_json_num(cfg, "src_node", -1), a, sizeof(a)),
					 fb_axis_node_name(doc, (int)fb_json_num(cfg, "dst_node", -1), b, sizeof(b)));
			}
			struct fb_ref_row *x = &o->rows[o->nrows];

			memset(x, 0, sizeof(*x));
			snprintf(x->label, sizeof(x->label), "%s", label);
			snprintf(x->sel, sizeof(x->sel), "%s=%s", o->rows_axis, val);
			x->extra = true;
			for (int c = 0; c < o->ncols; c++)
				x->v[c] = (struct fb_ref_value){ .kind = FB_REF_NONE, .sd = NAN };
			o->nrows++;
		}
		/* Numeric row axes stay in order with the extra rows among them. */
		if (numeric_axis(o->rows_axis)) {
			for (int i = 1; i < o->nrows; i++) {
				struct fb_ref_row tmp = o->rows[i];
				double k = axis_number(o->rows_axis, tmp.label);
				int j = i;

				while (j > 0 && axis_number(o->rows_axis, o->rows[j - 1].label) > k) {
					o->rows[j] = o->rows[j - 1];
					j--;
				}
				o->rows[j] = tmp;
			}
		}
	}
	for (int r = 0; r < o->nrows; r++) {
		for (int c = 0; c < o->ncols; c++) {
			int hits = 0;

			if (o->cols[c].num >= 0)
				continue;
			for (size_t i = 0; i < json_object_array_length(cells); i++) {
				json_object *cell = json_object_array_get_idx(cells, i);

				if (!fb_where_holds(o->rows[r].sel, doc, cell) ||
				    !fb_where_holds(o->cols[c].sel, doc, cell))
					continue;
				if (!hits++) {
					cell_value(cell, &o->rows[r].v[c]);
					used++;
				}
			}
			if (hits > 1)
				(*dups)++;
		}
	}
	fb_ref_fill_ratios(o);
	json_object_put(cells);
	return used;
}

/* ---- rendering ---- */

struct grid {
	int rows, cols; /* including the header row and the label column */
	char **s;
};

static void grid_init(struct grid *g, int rows, int cols)
{
	g->rows = rows;
	g->cols = cols;
	g->s = calloc((size_t)rows * (size_t)cols, sizeof(char *));
}

static void grid_set(struct grid *g, int r, int c, const char *s)
{
	free(g->s[r * g->cols + c]);
	g->s[r * g->cols + c] = strdup(s);
}

static void grid_free(struct grid *g)
{
	for (int i = 0; i < g->rows * g->cols; i++)
		free(g->s[i]);
	free(g->s);
}

static void grid_print(FILE *f, const struct grid *g, enum fb_table_fmt fmt)
{
	/* cells never set print as "-" */
	fb_grid_print(f, fmt, (const char *const *)g->s, (size_t)g->rows, g->cols, NULL);
}

static void ratio_str(const struct fb_ref_value *ours, const struct fb_ref_value *seed, char *buf,
		      size_t len)
{
	if (fb_ref_has_value(ours) && fb_ref_has_value(seed) && seed->mean != 0)
		snprintf(buf, len, "%.2f", ours->mean / seed->mean);
	else
		snprintf(buf, len, "-");
}

/* One table: header row, then a row per table row; values from t. */
static void table_grid(const struct fb_ref_table *t, struct grid *g)
{
	char buf[64];

	grid_init(g, t->nrows + 1, t->ncols + 1);
	grid_set(g, 0, 0, t->corner);
	for (int c = 0; c < t->ncols; c++)
		grid_set(g, 0, c + 1, t->cols[c].label);
	for (int r = 0; r < t->nrows; r++) {
		grid_set(g, r + 1, 0, t->rows[r].label);
		for (int c = 0; c < t->ncols; c++)
			grid_set(g, r + 1, c + 1, fb_ref_value_str(&t->rows[r].v[c], buf, sizeof(buf)));
	}
}

/* ours/seed by row label, the seed's rows only. */
static void ratio_grid(const struct fb_ref_table *seed, const struct fb_ref_table *ours,
		       struct grid *g)
{
	char buf[64];

	grid_init(g, seed->nrows + 1, seed->ncols + 1);
	grid_set(g, 0, 0, seed->corner);
	for (int c = 0; c < seed->ncols; c++)
		grid_set(g, 0, c + 1, seed->cols[c].label);
	for (int r = 0; r < seed->nrows; r++) {
		int o = fb_ref_row_index(ours, seed->rows[r].label);

		grid_set(g, r + 1, 0, seed->rows[r].label);
		for (int c = 0; c < seed->ncols; c++) {
			ratio_str(o >= 0 ? &ours->rows[o].v[c] : &(struct fb_ref_value){ 0 },
				  &seed->rows[r].v[c], buf, sizeof(buf));
			grid_set(g, r + 1, c + 1, buf);
		}
	}
}

/* One column tables: ours, seed and ours/seed side by side. */
static void combined_grid(const struct fb_ref_table *seed, const struct fb_ref_table *ours,
			  bool ratio, struct grid *g)
{
	char buf[160];

	grid_init(g, ours->nrows + 1, ratio ? 4 : 3);
	grid_set(g, 0, 0, seed->corner);
	snprintf(buf, sizeof(buf), "ours %s", seed->cols[0].label);
	grid_set(g, 0, 1, buf);
	snprintf(buf, sizeof(buf), "seed %s", seed->cols[0].label);
	grid_set(g, 0, 2, buf);
	if (ratio)
		grid_set(g, 0, 3, "ours/seed");
	for (int r = 0; r < ours->nrows; r++) {
		int s = fb_ref_row_index(seed, ours->rows[r].label);
		const struct fb_ref_value *sv = s >= 0 ? &seed->rows[s].v[0] : NULL;
		struct fb_ref_value none = { .kind = FB_REF_NONE };

		if (ours->rows[r].extra)
			snprintf(buf, sizeof(buf), "%s (ours only)", ours->rows[r].label);
		else
			snprintf(buf, sizeof(buf), "%s", ours->rows[r].label);
		grid_set(g, r + 1, 0, buf);
		grid_set(g, r + 1, 1, fb_ref_value_str(&ours->rows[r].v[0], buf, sizeof(buf)));
		grid_set(g, r + 1, 2, fb_ref_value_str(sv ? sv : &none, buf, sizeof(buf)));
		ratio_str(&ours->rows[r].v[0], sv ? sv : &none, buf, sizeof(buf));
		if (ratio)
			grid_set(g, r + 1, 3, buf);
	}
}

static const struct fb_ref_table *find_built(struct fb_ref_table *built, bool *have, int n,
					     const struct fb_reference *ref, const char *id)
{
	for (int i = 0; i < n; i++)
		if (have[i] && !strcmp(ref->tables[i].id, id))
			return &built[i];
	return NULL;
}

static void print_shapes(FILE *f, const struct fb_reference *ref, const struct fb_ref_table *seed,
			 const struct fb_ref_table *ours, struct fb_ref_table *built, bool *have,
			 const struct fb_shape_run *m, enum fb_table_fmt fmt)
{
	for (int k = 0; k < seed->nshapes; k++) {
		const struct fb_ref_shape *s = &seed->shapes[k];
		const struct fb_ref_table *sa = seed, *sb = NULL, *oa = ours, *ob = NULL;
		struct fb_shape_result rs, ro;
		struct fb_shape_verdict v;

		if (s->kind == FB_SHAPE_BEATS_TABLE) {
			sa = fb_reference_table(ref, s->a);
			sb = fb_reference_table(ref, s->b);
			oa = ours ? find_built(built, have, ref->ntables, ref, s->a) : NULL;
			ob = ours ? find_built(built, have, ref->ntables, ref, s->b) : NULL;
		}
		fb_ref_shape_eval(s, sa, sb, &rs);
		if (!ours) {
			fb_shape_print(f, fmt == FB_TABLE_MARKDOWN, s, &rs, NULL, NULL);
			continue;
		}
		if (oa && (s->kind != FB_SHAPE_BEATS_TABLE || ob))
			fb_ref_shape_eval(s, oa, ob, &ro);
		else
			memset(&ro, 0, sizeof(ro)), ro.verdict = "n/a";
		fb_shape_judge(s, &rs, &ro, oa, ob, m, &v);
		fb_shape_print(f, fmt == FB_TABLE_MARKDOWN, s, &rs, &ro, &v);
	}
}

static void print_ours_header(FILE *f, json_object *doc, const char *run_path, int used,
			      int dups, enum fb_table_fmt fmt)
{
	json_object *m = fb_json_path(doc, "machine"), *cells = fb_json_path(doc, "cells");
	json_object *c0 = json_object_array_get_idx(cells, 0);
	const char *status = fb_json_str(doc, "status", "?");
	const char *hv = fb_json_str(fb_json_path(m, "cpu"), "hypervisor", NULL);
	size_t ncells = json_object_array_length(cells);
	int planned = (int)fb_json_num(doc, "cells_planned", (double)ncells);
	const char *li = fmt == FB_TABLE_MARKDOWN ? "- " : "  ";

	fprintf(f, "%sours: %s%s%s, %d CPUs, %zu LLC domain(s), %zu NUMA node(s), kernel %s; "
		   "backend %s; %d cell(s) of this table from %s\n",
		li, fb_json_str(fb_json_path(m, "cpu"), "name", "?"), hv ? " under " : "", hv ? hv : "",
		(int)fb_json_num(m, "online_cpus", 0),
		array_len(fb_json_path(m, "llc_domains")),
		array_len(fb_json_path(m, "numa_nodes")),
		fb_json_str(fb_json_path(m, "kernel"), "release", "?"),
		fb_json_str(fb_json_path(c0, "config"), "backend", "?"), used, run_path);
	if (strcmp(status, "complete"))
		fprintf(f, "%sPARTIAL: the run is %s after %zu of %d cells; what it did not reach shows as -\n",
			li, status, ncells, planned);
	if (dups)
		fprintf(f, "%snote: %d position(s) match more than one cell of the run; the first is shown (narrow with --where)\n",
			li, dups);
}

static void print_table(FILE *f, const struct fb_reference *ref, const struct fb_ref_table *seed,
			const struct fb_ref_table *ours, struct fb_ref_table *built, bool *have,
			json_object *doc, const char *run_path, int used, int dups, enum fb_table_fmt fmt)
{
	bool one_col = seed->ncols == 1, copy_phase = fb_report_copy_phase(seed, doc);
	/* A claim that cannot show in the run (its machine, a copy beside
	 * migration figures) is "cannot tell". */
	struct fb_shape_run m = {
		.llc_domains = (int)array_len(fb_json_path(doc, "machine.llc_domains")),
		.numa_nodes = (int)array_len(fb_json_path(doc, "machine.numa_nodes")),
		.copy_phase = copy_phase,
	};
	const char *li = fmt == FB_TABLE_MARKDOWN ? "- " : "  ";
	struct grid g;
	bool published = false;

	for (int r = 0; r < seed->nrows; r++)
		for (int c = 0; c < seed->ncols; c++)
			published |= fb_ref_has_value(&seed->rows[r].v[c]);
	if (fmt == FB_TABLE_MARKDOWN)
		fprintf(f, "\n### Seed %s table %s: %s\n\n", ref->seed, seed->id, seed->title);
	else
		fprintf(f, "\nSeed %s table %s: %s\n", ref->seed, seed->id, seed->title);
	fprintf(f, "%sseed: %s\n", li, seed->machine[0] ? seed->machine : ref->machine);
	fprintf(f, "%sfrom: %s (shared/seeds/%s)\n", li, ref->post, ref->file);
	fb_report_measured(f, seed, ours ? doc : NULL, fmt);
	if (ours)
		print_ours_header(f, doc, run_path, used, dups, fmt);
	if (ours && one_col) {
		fprintf(f, fmt == FB_TABLE_MARKDOWN ? "\n**ours beside the seed** (%s%s, mean±sd)\n\n" :
					 "\nours beside the seed (%s%s, mean±sd)\n",
			copy_phase ? "the copy phase alone, " : "", seed->unit);
		combined_grid(seed, ours, !copy_phase, &g);
		grid_print(f, &g, fmt);
		grid_free(&g);
	} else {
		if (ours) {
			fprintf(f, fmt == FB_TABLE_MARKDOWN ? "\n**ours** (%s%s, mean±sd)\n\n" : "\nours (%s%s, mean±sd)\n",
				copy_phase ? "the copy phase alone, " : "", seed->unit);
			table_grid(ours, &g);
			for (int r = 0; r < ours->nrows; r++)
				if (ours->rows[r].extra) {
					char buf[160];

					snprintf(buf, sizeof(buf), "%s (ours only)", ours->rows[r].label);
					grid_set(&g, r + 1, 0, buf);
				}
			grid_print(f, &g, fmt);
			grid_free(&g);
		}
		fprintf(f, fmt == FB_TABLE_MARKDOWN ? "\n**seed** (%s, %s)\n\n" : "\nseed (%s, %s)\n", seed->unit,
			published ? "as published" : "the post gives no figures");
		table_grid(seed, &g);
		grid_print(f, &g, fmt);
		grid_free(&g);
		if (ours && published && !copy_phase) {
			fprintf(f, fmt == FB_TABLE_MARKDOWN ? "\n**ours/seed** (ratio of the means)\n\n" :
						 "\nours/seed (ratio of the means)\n");
			ratio_grid(seed, ours, &g);
			grid_print(f, &g, fmt);
			grid_free(&g);
		}
	}
	if (fmt == FB_TABLE_MARKDOWN)
		fputc('\n', f);
	print_shapes(f, ref, seed, ours, built, have, &m, fmt);
}

/* A table as gnuplot blocks (x, mean, sd), one per row or column; who
 * ("seed " or "") starts each block's title. */
static void print_series(FILE *f, const struct fb_ref_table *t, const char *x, const char *who,
			 bool *first)
{
	bool xcols = x ? !strcmp(x, "cols") :
		     strcmp(t->cols_axis, "-") && numeric_axis(t->cols_axis);
	const char *xaxis = xcols ? t->cols_axis : t->rows_axis;
	int nb = xcols ? t->nrows : t->ncols, np = xcols ? t->ncols : t->nrows;

	for (int b = 0; b < nb; b++) {
		int rows_with = 0;

		if (!xcols && t->cols[b].num >= 0)
			continue;
		for (int p = 0; p < np; p++) {
			int r = xcols ? b : p, c = xcols ? p : b;

			if (t->cols[c].num < 0 && fb_ref_has_value(&t->rows[r].v[c]))
				rows_with++;
		}
		if (!rows_with)
			continue;
		if (!*first)
			fputs("\n\n", f);
		*first = false;
		if (xcols && strcmp(t->rows_axis, "-"))
			fprintf(f, "\"%s\" \"%s%s=%s\" \"sd\"\n", xaxis, who, t->rows_axis, t->rows[b].label);
		else if (xcols)
			fprintf(f, "\"%s\" \"%s%s\" \"sd\"\n", xaxis, who, t->rows[b].label);
		else if (t->ncols == 1)
			fprintf(f, "\"%s\" \"%s%s\" \"sd\"\n", xaxis, who, t->label[0] ? t->label : t->id);
		else
			fprintf(f, "\"%s\" \"%s%s\" \"sd\"\n", xaxis, who, t->cols[b].label);
		for (int p = 0; p < np; p++) {
			int r = xcols ? b : p, c = xcols ? p : b;
			const struct fb_ref_value *v = &t->rows[r].v[c];
			const char *lab = xcols ? t->cols[c].label : t->rows[r].label;

			if (t->cols[c].num >= 0 || !fb_ref_has_value(v))
				continue;
			if (numeric_axis(xaxis))
				fprintf(f, "%.0f", axis_number(xaxis, lab));
			else
				fprintf(f, "\"%s\"", lab);
			fprintf(f, " %.6g %.6g\n", v->mean, isnan(v->sd) ? 0 : v->sd);
		}
	}
}

int fb_cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reference", required_argument, NULL, 'r' },
		{ "table", required_argument, NULL, 't' },
		{ "where", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ "x", required_argument, NULL, 'x' },
		{ "list", no_argument, NULL, 'l' },
		{ "copy-share", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *refname = NULL, *tables = NULL, *where = NULL, *x = NULL, *run_path = NULL;
	const char *share = NULL, *share_threads = NULL;
	enum fb_table_fmt fmt = FB_TABLE_TEXT;
	char err[FB_ERRLEN], path[PATH_MAX + 128];
	struct fb_reference *ref;
	struct fb_ref_table *built;
	bool *have, *want;
	json_object *doc = NULL;
	int opt, shown = 0;
	bool first = true;

	optind = 1;
	opterr = 0; /* our own one-line messages */
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			refname = optarg;
			break;
		case 't':
			tables = optarg;
			break;
		case 'w':
			where = optarg;
			break;
		case 'f':
			fmt = fb_table_fmt_of(fb_format_option("report", optarg, FB_FMT_BIT(FB_FMT_TABLE) |
								FB_FMT_BIT(FB_FMT_MARKDOWN) |
								FB_FMT_BIT(FB_FMT_SERIES)));
			break;
		case 'x':
			if (strcmp(optarg, "rows") && strcmp(optarg, "cols"))
				fb_usage_error("report", "--x %s: allowed rows, cols", optarg);
			x = optarg;
			break;
		case 'l':
			return list_refs();
		case 'c':
			share = optarg;
			break;
		case 'n':
			share_threads = optarg;
			break;
		case 'h':
			fputs(report_usage, stdout);
			return FB_EXIT_OK;
		default:
			fb_usage_error("report", "unknown option %s (see foliobench report --help)",
				    argv[optind - 1]);
		}
	}
	if (optind < argc - 1)
		fb_usage_error("report", "unexpected argument '%s': give at most one run",
			    argv[optind + 1]);
	if (optind == argc - 1)
		run_path = argv[optind];
	if ((share || share_threads) && (refname || tables || where || x))
		fb_usage_error("report", "--copy-share is a table of its own: it takes no %s",
			    refname ? "--reference" : tables ? "--table" : where ? "--where" : "--x");
	if (share || share_threads)
		return fb_report_copy_share(run_path, share, share_threads, fmt);
	if (!refname)
		fb_usage_error("report", "--reference NAME|FILE is required (foliobench report --list)");
	if (resolve_ref(refname, path, sizeof(path)))
		fb_usage_error("report", "--reference %s: no such reference (foliobench report --list)",
			    refname);
	if (where) {
		struct fb_where w;

		if (fb_where_parse(&w, where, NULL, err, sizeof(err)))
			fb_usage_error("report", "--where %s: allowed AXIS=VALUE with an axis of %s",
				    err, fb_table_axes());
		fb_where_free(&w);
	}
	ref = calloc(1, sizeof(*ref));
	built = calloc(FB_REF_MAX_TABLES, sizeof(*built));
	if (!ref || !built) {
		fprintf(stderr, "foliobench report: out of memory\n");
		return FB_EXIT_FAIL;
	}
	if (fb_reference_load(path, ref, err, sizeof(err))) {
		fb_text_clean(err);
		fb_usage_error("report", "%s", err);
	}
	clean_ref(ref);
	have = calloc((size_t)ref->ntables, sizeof(bool));
	want = calloc((size_t)ref->ntables, sizeof(bool));
	if (tables) {
		char **ids;
		size_t n;

		fb_split_list(tables, &ids, &n);
		for (size_t i = 0; i < n; i++) {
			const struct fb_ref_table *t = fb_reference_table(ref, ids[i]);

			if (!t) {
				char list[512] = "";

				for (int k = 0; k < ref->ntables; k++)
					snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
						 k ? ", " : "", ref->tables[k].id);
				fb_usage_error("report", "--table %s: %s has %s", ids[i], refname, list);
			}
			want[t - ref->tables] = true;
		}
		fb_free_list(ids, n);
	} else {
		for (int i = 0; i < ref->ntables; i++)
			want[i] = true;
	}
	if (run_path && fb_run_load(run_path, &doc, err, sizeof(err)))
		fb_usage_error("report", "%s", err);

	/* Build ours for every table first: a shape may compare two tables. */
	int used[FB_REF_MAX_TABLES] = { 0 }, dups[FB_REF_MAX_TABLES] = { 0 };

	for (int i = 0; doc && i < ref->ntables; i++) {
		used[i] = build_ours(&ref->tables[i], doc, where, &built[i], &dups[i]);
		have[i] = true;
	}
	if (fmt == FB_TABLE_SERIES) {
		for (int i = 0; i < ref->ntables; i++)
			if (want[i])
				print_series(stdout, doc ? &built[i] : &ref->tables[i], x,
					     doc ? "ours " : "seed ", &first);
		fputc('\n', stdout);
		if (doc)
			json_object_put(doc);
		free(have);
		free(want);
		free(built);
		free(ref);
		return FB_EXIT_OK;
	}
	for (int i = 0; i < ref->ntables; i++) {
		if (!want[i] || (doc && !tables && !used[i]))
			continue;
		print_table(stdout, ref, &ref->tables[i], doc ? &built[i] : NULL, built, have, doc,
			    run_path, used[i], dups[i], fmt);
		shown++;
	}
	if (doc && !shown)
		printf("no table of %s has cells in %s (check --table and --where)\n", refname, run_path);
	if (doc)
		json_object_put(doc);
	free(have);
	free(want);
	free(built);
	free(ref);
	return FB_EXIT_OK;
}
