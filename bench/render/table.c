// SPDX-License-Identifier: GPL-2.0-only
#include "table.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axis.h"
#include "results.h"
#include "util.h"

/* A --rows axis of the tables, or NULL. */
static const struct fb_axis *rows_axis(const char *key)
{
	const struct fb_axis *a = fb_axis_find(key);

	return a && (a->flags & FB_AXIS_ROWS) ? a : NULL;
}

static uint64_t key_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static struct fb_keymap_slot *keymap_slot(const struct fb_keymap *m, const char *key)
{
	size_t s = key_hash(key) & (m->nslots - 1);

	while (m->slots[s].key && strcmp(m->slots[s].key, key))
		s = (s + 1) & (m->nslots - 1);
	return &m->slots[s];
}

size_t fb_keymap_get(const struct fb_keymap *m, const char *key)
{
	const struct fb_keymap_slot *s = m->nslots ? keymap_slot(m, key) : NULL;

	return s && s->key ? s->value : SIZE_MAX;
}

size_t fb_keymap_put(struct fb_keymap *m, const char *key, size_t value)
{
	struct fb_keymap_slot *s;

	/* at most half full: probes stay short */
	if (2 * (m->n + 1) > m->nslots) {
		struct fb_keymap old = *m;

		m->nslots = old.nslots ? 2 * old.nslots : 64;
		m->slots = calloc(m->nslots, sizeof(*m->slots));
		if (!m->slots) {
			*m = old;
			return SIZE_MAX;
		}
		for (size_t i = 0; i < old.nslots; i++)
			if (old.slots[i].key)
				*keymap_slot(m, old.slots[i].key) = old.slots[i];
		free(old.slots);
	}
	s = keymap_slot(m, key);
	if (!s->key) {
		s->key = key;
		s->value = value;
		m->n++;
	}
	return s->value;
}

void fb_keymap_free(struct fb_keymap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static const char *const format_names[FB_FMT_COUNT] = {
	"table", "markdown", "csv", "json", "series", "junit",
};

const char *fb_format_name(enum fb_format f)
{
	return (unsigned)f < FB_FMT_COUNT ? format_names[f] : "?";
}

int fb_format_parse(const char *s, unsigned allowed)
{
	for (int i = 0; i < FB_FMT_COUNT; i++)
		if ((allowed & FB_FMT_BIT(i)) &&
		    (!strcmp(s, format_names[i]) || (i == FB_FMT_TABLE && !strcmp(s, "text"))))
			return i;
	return -1;
}

enum fb_format fb_format_option(const char *cmd, const char *s, unsigned allowed)
{
	char list[128] = "";
	int f = fb_format_parse(s, allowed);

	if (f >= 0)
		return (enum fb_format)f;
	for (int i = 0; i < FB_FMT_COUNT; i++)
		if (allowed & FB_FMT_BIT(i))
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 list[0] ? ", " : "", format_names[i]);
	fb_usage_error(cmd, "--format %s: allowed %s", s, list);
}

enum fb_table_fmt fb_table_fmt_of(enum fb_format f)
{
	return f == FB_FMT_MARKDOWN ? FB_TABLE_MARKDOWN : f == FB_FMT_SERIES ? FB_TABLE_SERIES :
	       FB_TABLE_TEXT;
}

int fb_table_axis_valid(const char *key)
{
	return rows_axis(key) != NULL;
}

const char *fb_table_axes(void)
{
	static char list[512];

	return fb_axis_list(FB_AXIS_ROWS, list, sizeof(list));
}

const char *fb_table_value(json_object *cell, const char *key, char *buf, size_t len)
{
	const struct fb_axis *a = fb_axis_find(key);
	struct fb_axis_value v;

	if (!a) /* not an axis: the config field as the file has it */
		return snprintf(buf, len, "%s", fb_json_str(fb_json_path(cell, "config"), key, "-")), buf;
	fb_axis_get(a, cell, &v);
	snprintf(buf, len, "%s", v.text);
	return buf;
}

/* Distinct values in order of appearance, each with its position. */
struct values {
	char **v;
	size_t n;
	struct fb_keymap pos;
};

/* The position of s, added at the end when new. */
static size_t add_value(struct values *vs, const char *s)
{
	size_t i = fb_keymap_get(&vs->pos, s);
	char **v;

	if (i != SIZE_MAX)
		return i;
	if (!(vs->n & (vs->n - 1))) { /* grow at powers of two */
		v = realloc(vs->v, (vs->n ? 2 * vs->n : 1) * sizeof(*v));
		if (!v)
			abort(); /* a table cannot be drawn without its values */
		vs->v = v;
	}
	vs->v[vs->n] = strdup(s);
	if (!vs->v[vs->n] || fb_keymap_put(&vs->pos, vs->v[vs->n], vs->n) == SIZE_MAX)
		abort();
	return vs->n++;
}

static void free_values(struct values *vs)
{
	fb_keymap_free(&vs->pos);
	fb_free_list(vs->v, vs->n);
	memset(vs, 0, sizeof(*vs));
}

static double numeric_value(json_object *cell, const char *key)
{
	json_object *v = fb_config_get(fb_json_path(cell, "config"), key);

	return v ? json_object_get_double(v) : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Order of appearance, except numeric axes which sort by value. */
static void collect(json_object *cells, const char *key, struct values *vs)
{
	size_t n = json_object_array_length(cells);
	const struct fb_axis *a = fb_axis_find(key);
	char buf[160];

	if (fb_axis_numeric(a)) {
		double *v = malloc((n ? n : 1) * sizeof(*v));

		if (!v)
			abort();
		for (size_t i = 0; i < n; i++)
			v[i] = numeric_value(json_object_array_get_idx(cells, i), key);
		qsort(v, n, sizeof(*v), cmp_double);
		for (size_t j = 0; j < n; j++) {
			if (j && v[j] == v[j - 1])
				continue;
			if (a->kind == FB_AXIS_SIZE)
				fb_size_str((uint64_t)v[j], buf, sizeof(buf));
			else
				snprintf(buf, sizeof(buf), "%.0f", v[j]);
			add_value(vs, buf);
		}
		free(v);
		return;
	}
	for (size_t i = 0; i < n; i++)
		add_value(vs, fb_table_value(json_object_array_get_idx(cells, i), key, buf, sizeof(buf)));
}

/* Axes other than rows/cols whose value differs between cells. */
static size_t group_keys(json_object *doc, json_object *cells, const char *rows,
			 const char *cols, const char **out)
{
	const struct fb_axis *order[FB_MAX_AXES];
	size_t ng = 0, na = fb_axis_table_order(order);
	struct values total = { 0 };

	collect(cells, "total_bytes", &total);
	for (size_t a = 0; a < na; a++) {
		const char *k = order[a]->name;
		struct values vs = { 0 };

		if (!(order[a]->flags & FB_AXIS_ROWS) || !strcmp(k, rows) || !strcmp(k, cols) || !strcmp(k, "total_bytes"))
			continue;
		/* A count derived from one total and the folio size is no axis. */
		if (!strcmp(k, "folio_count") && total.n == 1)
			continue;
		/* The kernel path follows from function, mode and kernel model. */
		if (!strcmp(k, "kernel_path"))
			continue;
		/* A function's primitive follows from its mode and kernel model. */
		if (!strcmp(k, "primitive") &&
		    fb_json_path(json_object_array_get_idx(cells, 0), "config.function"))
			continue;
		collect(cells, k, &vs);
		if (vs.n > 1)
			out[ng++] = k;
		free_values(&vs);
	}
	free_values(&total);
	return ng;
}

static void format_cell(json_object *cell, char *buf, size_t len)
{
	json_object *st = fb_json_path(cell, "stats");
	const char *status = fb_json_str(cell, "status", "ok");

	if (strcmp(status, "ok"))
		snprintf(buf, len, "%s", status);
	else if (!fb_json_path(st, "mean"))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f±%.2f", fb_json_num(st, "mean", 0), fb_json_num(st, "sd", 0));
}

/* Display width: '±' is two bytes but one column. */
static int width(const char *s)
{
	int w = 0;

	for (; *s; s++)
		if ((*s & 0xc0) != 0x80)
			w++;
	return w;
}

void fb_grid_print(FILE *f, enum fb_table_fmt fmt, const char *const *in, size_t nrows,
		   int ncols, const bool *right)
{
	static const char dash[] = "-";
	bool md = fmt == FB_TABLE_MARKDOWN;
	size_t ncells = nrows * (size_t)ncols;
	int *w = calloc((size_t)ncols, sizeof(*w)), total = 0;
	char **cells = calloc(ncells + 1, sizeof(*cells));

	if (!w || !cells)
		goto out;
	/* every cell as it will print: "-" for none, text that is not safe to
	 * print cleaned into a copy (the rest is printed as it is) */
	for (size_t i = 0; i < ncells; i++) {
		const char *t = in[i] ? in[i] : dash;

		cells[i] = (char *)t;
		if (fb_text_is_safe(t))
			continue;
		cells[i] = strdup(t);
		if (!cells[i])
			goto out;
		fb_text_clean(cells[i]);
	}
	for (size_t r = 0; r < nrows; r++)
		for (int c = 0; c < ncols; c++)
			if (width(cells[r * ncols + c]) > w[c])
				w[c] = width(cells[r * ncols + c]);
	for (size_t r = 0; r < nrows; r++) {
		for (int c = 0; c < ncols; c++) {
			const char *s = cells[r * ncols + c];
			/* markdown aligns by its rule line: no padding */
			int pad = md ? 0 : w[c] - width(s);
			bool ralign = r && right && right[c];

			fputs(c ? " | " : md ? "| " : "", f);
			for (int k = 0; ralign && k < pad; k++)
				fputc(' ', f);
			fputs(s, f);
			for (int k = 0; !ralign && k < pad; k++)
				fputc(' ', f);
		}
		fputs(" |\n", f);
		if (r)
			continue;
		if (md) {
			fputc('|', f);
			for (int c = 0; c < ncols; c++)
				fputs(c && (!right || right[c]) ? "---:|" : "---|", f);
		} else {
			for (int c = 0; c < ncols; c++)
				total += w[c] + (c ? 3 : 2);
			for (int k = 0; k < total; k++)
				fputc('=', f);
		}
		fputc('\n', f);
	}
out:
	for (size_t i = 0; cells && i < ncells; i++)
		if (cells[i] != (in[i] ? in[i] : dash))
			free(cells[i]);
	free(cells);
	free(w);
}

/* gnuplot blocks: a quoted header naming the series, then x mean sd rows;
 * hit[r * ncols + c] the first cell at row r, column c that has a mean. */
static void render_series(FILE *f, json_object **hit, char **gv, size_t ng, const char *rows,
			  const char *cols, const struct values *rv, const struct values *cv,
			  bool first)
{
	const struct fb_axis *ra = rows_axis(rows);

	for (size_t c = 0; c < cv->n; c++) {
		/* Blank-line pairs only between blocks: gnuplot counts a trailing one. */
		if (!first || c)
			fputs("\n\n", f);
		fputc('"', f);
		fputs(ra->name, f);
		fputs("\" \"", f);
		for (size_t i = 0; i < ng; i++)
			fprintf(f, "%s%s", gv[i], " ");
		fprintf(f, "%s=%s\" \"sd\"\n", cols, cv->v[c]);
		for (size_t r = 0; r < rv->n; r++) {
			json_object *cell = hit[r * cv->n + c], *st = fb_json_path(cell, "stats");

			if (!cell)
				continue;
			if (fb_axis_numeric(ra))
				fprintf(f, "%.0f", numeric_value(cell, rows));
			else
				fprintf(f, "\"%s\"", rv->v[r]);
			fprintf(f, " %.6g %.6g\n", fb_json_num(st, "mean", 0), fb_json_num(st, "sd", 0));
		}
	}
}

/* One table (or one set of series) of the cells sub, a group's cells. */
static void render_one(FILE *f, json_object *sub, const char **gk, char **gv, size_t ng,
		       const char *rows, const char *cols, enum fb_table_fmt fmt, bool first)
{
	struct values rv = { 0 }, cv = { 0 }, paths = { 0 };
	char head[160], buf[160], **grid;
	json_object **hit, **hit_mean;
	size_t nsub = json_object_array_length(sub);
	int ncols;

	/* short forms unless the paths are an axis of the table */
	for (size_t i = 0; i < nsub; i++) {
		json_object *c = json_object_array_get_idx(sub, i);

		if (fb_json_path(c, "kernel_path") && strcmp(rows, "kernel_path") &&
		    strcmp(cols, "kernel_path"))
			add_value(&paths, fb_table_value(c, "kernel_path", buf, sizeof(buf)));
	}
	collect(sub, rows, &rv);
	collect(sub, cols, &cv);
	ncols = (int)cv.n;
	/* Each cell to its place: the first cell of a place is shown. */
	hit = calloc(rv.n * cv.n + 1, sizeof(*hit));
	hit_mean = calloc(rv.n * cv.n + 1, sizeof(*hit_mean));
	if (!hit || !hit_mean)
		abort();
	for (size_t i = 0; i < nsub; i++) {
		json_object *cell = json_object_array_get_idx(sub, i);
		char rb[160], cb[160];
		size_t r = fb_keymap_get(&rv.pos, fb_table_value(cell, rows, rb, sizeof(rb)));
		size_t c = fb_keymap_get(&cv.pos, fb_table_value(cell, cols, cb, sizeof(cb)));

		if (r == SIZE_MAX || c == SIZE_MAX)
			continue;
		if (!hit[r * cv.n + c])
			hit[r * cv.n + c] = cell;
		if (!hit_mean[r * cv.n + c] && fb_json_path(fb_json_path(cell, "stats"), "mean"))
			hit_mean[r * cv.n + c] = cell;
	}
	if (fmt == FB_TABLE_SERIES) {
		render_series(f, hit_mean, gv, ng, rows, cols, &rv, &cv, first);
		goto out;
	}
	if (ng) {
		fprintf(f, fmt == FB_TABLE_MARKDOWN ? "\n**" : "\n");
		for (size_t i = 0; i < ng; i++)
			fprintf(f, "%s%s=%s", i ? " · " : "", gk[i], gv[i]);
		fprintf(f, fmt == FB_TABLE_MARKDOWN ? "**\n\n" : "\n");
	}
	/* One line: "kernel path: batched 6.12: memcpy_orig (no FSRM)" */
	if (paths.n && !ng && fmt == FB_TABLE_MARKDOWN)
		fputc('\n', f);        /* its own paragraph */
	for (size_t i = 0; i < paths.n; i++)
		fprintf(f, "%s%s%s", i ? " · " : fmt == FB_TABLE_MARKDOWN ? "_kernel " : "  kernel ",
			i ? "" : paths.n > 1 ? "paths: " : "path: ", paths.v[i]);
	if (paths.n)
		fputs(fmt == FB_TABLE_MARKDOWN ? "_\n\n" : "\n", f);

	/* row 0 the header, column 0 the row values */
	grid = calloc((rv.n + 1) * (size_t)(ncols + 1), sizeof(*grid));
	if (!grid)
		abort();
	snprintf(head, sizeof(head), "%s \\ %s", rows_axis(rows)->title, rows_axis(cols)->title);
	grid[0] = strdup(head);
	for (int c = 0; c < ncols; c++)
		grid[c + 1] = strdup(cv.v[c]);
	for (size_t r = 0; r < rv.n; r++) {
		grid[(r + 1) * (size_t)(ncols + 1)] = strdup(rv.v[r]);
		for (int c = 0; c < ncols; c++) {
			if (hit[r * cv.n + (size_t)c])
				format_cell(hit[r * cv.n + (size_t)c], buf, sizeof(buf));
			else
				snprintf(buf, sizeof(buf), "-");
			grid[(r + 1) * (size_t)(ncols + 1) + (size_t)c + 1] = strdup(buf);
		}
	}
	fb_grid_print(f, fmt, (const char *const *)grid, rv.n + 1, ncols + 1, NULL);
	for (size_t i = 0; i < (rv.n + 1) * (size_t)(ncols + 1); i++)
		free(grid[i]);
	free(grid);
out:
	free(hit);
	free(hit_mean);
	free_values(&rv);
	free_values(&cv);
	free_values(&paths);
}

/* One line with the axes every cell shares, so each table stands alone. */
static void print_constants(FILE *f, json_object *cells, const char *rows, const char *cols,
			    const char **gk, size_t ng, enum fb_table_fmt fmt)
{
	const struct fb_axis *order[FB_MAX_AXES];
	size_t na = fb_axis_table_order(order);
	bool first = true;

	for (size_t a = 0; a < na; a++) {
		const char *k = order[a]->name;
		struct values vs = { 0 };
		bool grouped = !strcmp(k, rows) || !strcmp(k, cols) ||
			       !(order[a]->flags & FB_AXIS_SHARED);

		for (size_t g = 0; g < ng; g++)
			grouped |= !strcmp(gk[g], k);
		/* an axis of other experiments (migrate's batch in a copy run) */
		if (grouped || (strcmp(k, "direction") &&
				!fb_config_get(fb_json_path(json_object_array_get_idx(cells, 0), "config"), k)))
			continue;
		collect(cells, k, &vs);
		if (vs.n == 1 && strcmp(vs.v[0], "-") && strcmp(vs.v[0], "(null)") &&
		    !(!strcmp(k, "channels") && !strcmp(vs.v[0], "0"))) {
			fprintf(f, "%s%s=%s", first ? (fmt == FB_TABLE_MARKDOWN ? "_" : "") : " · ",
				k, vs.v[0]);
			first = false;
		}
		free_values(&vs);
	}
	if (!first)
		fputs(fmt == FB_TABLE_MARKDOWN ? "_\n" : "\n", f);
}

/* Every combination of group values that has cells, in order of
 * appearance: each cell goes to its group once, so n cells in g tables
 * cost O(n), not O(n x g). */
int fb_table_render(FILE *f, json_object *doc, const char *rows, const char *cols,
		    enum fb_table_fmt fmt)
{
	json_object *cells = fb_json_path(doc, "cells"), **subs;
	const char *gk[FB_MAX_AXES];
	struct values seen = { 0 };
	size_t ng, n, *gid;
	int tables = 0;

	if (!cells || !json_object_array_length(cells) || !rows_axis(rows) || !rows_axis(cols))
		return 0;
	n = json_object_array_length(cells);
	ng = group_keys(doc, cells, rows, cols, gk);
	if (fmt != FB_TABLE_SERIES)
		print_constants(f, cells, rows, cols, gk, ng, fmt);
	gid = malloc(n * sizeof(*gid));
	if (!gid)
		abort();
	for (size_t i = 0; i < n; i++) {
		json_object *cell = json_object_array_get_idx(cells, i);
		char key[1024] = "", buf[160];
		size_t off = 0;

		for (size_t k = 0; k < ng && off < sizeof(key); k++)
			off += (size_t)snprintf(key + off, sizeof(key) - off, "%s\x1f",
						fb_table_value(cell, gk[k], buf, sizeof(buf)));
		gid[i] = add_value(&seen, key);
	}
	subs = calloc(seen.n, sizeof(*subs));
	if (!subs)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (!subs[gid[i]])
			subs[gid[i]] = json_object_new_array();
		json_object_array_add(subs[gid[i]], json_object_get(json_object_array_get_idx(cells, i)));
	}
	for (size_t g = 0; g < seen.n; g++) {
		json_object *first = json_object_array_get_idx(subs[g], 0);
		char *gv[FB_MAX_AXES], buf[160];

		for (size_t k = 0; k < ng; k++)
			gv[k] = strdup(fb_table_value(first, gk[k], buf, sizeof(buf)));
		render_one(f, subs[g], gk, gv, ng, rows, cols, fmt, tables == 0);
		tables++;
		for (size_t k = 0; k < ng; k++)
			free(gv[k]);
		json_object_put(subs[g]);
	}
	free(subs);
	free(gid);
	free_values(&seen);
	return tables;
}
