#include "table.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "util.h"

static const struct {
	const char *key, *title;
	bool numeric;
} axes[] = {
	{ "experiment", "Experiment", false },
	{ "backend", "Backend", false },
	{ "function", "Function", false },
	{ "primitive", "Primitive", false },
	{ "kernel_model", "Kernel", false },
	{ "mode", "Mode", false },
	{ "direction", "Direction", false },
	{ "evict", "Evict", false },
	{ "placement", "Placement", false },
	{ "backing", "Backing", false },
	{ "threads", "Threads", true },
	{ "channels", "Channels", true },
	{ "folio_size", "Folio size", true },
	{ "folio_count", "Folio count", true },
	{ "total_bytes", "Total", true },
};
#define NAXES (sizeof(axes) / sizeof(axes[0]))

static int axis_index(const char *key)
{
	for (size_t i = 0; i < NAXES; i++)
		if (!strcmp(axes[i].key, key))
			return (int)i;
	return -1;
}

int fb_table_fmt_parse(const char *s, enum fb_table_fmt *fmt)
{
	static const char *const names[] = { "table", "markdown", "series" };

	for (int i = 0; i < 3; i++) {
		if (!strcmp(s, names[i])) {
			*fmt = (enum fb_table_fmt)i;
			return 0;
		}
	}
	return -1;
}

int fb_table_axis_valid(const char *key)
{
	return axis_index(key) >= 0;
}

const char *fb_table_value(json_object *cell, const char *key, char *buf, size_t len)
{
	json_object *cfg = fb_json_path(cell, "config");

	if (!strcmp(key, "direction")) {
		snprintf(buf, len, "%d->%d", (int)fb_json_num(cfg, "src_node", -1),
			 (int)fb_json_num(cfg, "dst_node", -1));
	} else if (!strcmp(key, "folio_size") || !strcmp(key, "total_bytes")) {
		fb_size_str((uint64_t)fb_json_num(cfg, key, 0), buf, len);
	} else {
		snprintf(buf, len, "%s", fb_json_str(cfg, key, "-"));
	}
	return buf;
}

struct values {
	char **v;
	size_t n;
};

static void add_value(struct values *vs, const char *s)
{
	for (size_t i = 0; i < vs->n; i++)
		if (!strcmp(vs->v[i], s))
			return;
	vs->v = realloc(vs->v, (vs->n + 1) * sizeof(*vs->v));
	vs->v[vs->n++] = strdup(s);
}

static void free_values(struct values *vs)
{
	fb_free_list(vs->v, vs->n);
	memset(vs, 0, sizeof(*vs));
}

static double numeric_value(json_object *cell, const char *key)
{
	return fb_json_num(fb_json_path(cell, "config"), key, 0);
}

/* Order of appearance, except numeric axes which sort by value. */
static void collect(json_object *cells, const char *key, struct values *vs)
{
	size_t n = json_object_array_length(cells);
	int ai = axis_index(key);
	char buf[128];

	if (ai >= 0 && axes[ai].numeric) {
		double *v = malloc(n * sizeof(*v));
		size_t m = 0;

		for (size_t i = 0; i < n; i++) {
			double x = numeric_value(json_object_array_get_idx(cells, i), key);
			size_t j = 0;

			while (j < m && v[j] < x)
				j++;
			if (j < m && v[j] == x)
				continue;
			memmove(v + j + 1, v + j, (m - j) * sizeof(*v));
			v[j] = x;
			m++;
		}
		for (size_t j = 0; j < m; j++) {
			if (!strcmp(key, "folio_size") || !strcmp(key, "total_bytes"))
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
	size_t ng = 0;
	struct values total = { 0 };

	collect(cells, "total_bytes", &total);
	for (size_t a = 0; a < NAXES; a++) {
		const char *k = axes[a].key;
		struct values vs = { 0 };

		if (!strcmp(k, rows) || !strcmp(k, cols) || !strcmp(k, "total_bytes"))
			continue;
		/* A count derived from one total and the folio size is no axis. */
		if (!strcmp(k, "folio_count") && total.n == 1)
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

static bool cell_in_group(json_object *cell, const char **keys, char **vals, size_t n)
{
	char buf[128];

	for (size_t i = 0; i < n; i++)
		if (strcmp(fb_table_value(cell, keys[i], buf, sizeof(buf)), vals[i]))
			return false;
	return true;
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

static void pad(FILE *f, const char *s, int w)
{
	fputs(s, f);
	for (int i = width(s); i < w; i++)
		fputc(' ', f);
}

/* gnuplot blocks: a quoted header naming the series, then x mean sd rows. */
static void render_series(FILE *f, json_object *sub, const char **gk, char **gv, size_t ng,
			  const char *rows, const char *cols, const struct values *rv,
			  const struct values *cv, bool first)
{
	int ai = axis_index(rows);
	char rb[64], cb[64];

	for (size_t c = 0; c < cv->n; c++) {
		/* Blank-line pairs only between blocks: gnuplot counts a trailing one. */
		if (!first || c)
			fputs("\n\n", f);
		fputc('"', f);
		fputs(axes[ai].key, f);
		fputs("\" \"", f);
		for (size_t i = 0; i < ng; i++)
			fprintf(f, "%s%s", gv[i], " ");
		fprintf(f, "%s=%s\" \"sd\"\n", cols, cv->v[c]);
		for (size_t r = 0; r < rv->n; r++) {
			for (size_t i = 0; i < json_object_array_length(sub); i++) {
				json_object *cell = json_object_array_get_idx(sub, i);
				json_object *st = fb_json_path(cell, "stats");

				if (strcmp(fb_table_value(cell, rows, rb, sizeof(rb)), rv->v[r]) ||
				    strcmp(fb_table_value(cell, cols, cb, sizeof(cb)), cv->v[c]) ||
				    !fb_json_path(st, "mean"))
					continue;
				if (axes[ai].numeric)
					fprintf(f, "%.0f", numeric_value(cell, rows));
				else
					fprintf(f, "\"%s\"", rv->v[r]);
				fprintf(f, " %.6g %.6g\n", fb_json_num(st, "mean", 0),
					fb_json_num(st, "sd", 0));
				break;
			}
		}
	}
}

static void render_one(FILE *f, json_object *cells, const char **gk, char **gv, size_t ng,
		       const char *rows, const char *cols, enum fb_table_fmt fmt, bool first)
{
	struct values rv = { 0 }, cv = { 0 }, paths = { 0 };
	json_object *sub = json_object_new_array();
	char head[160], buf[128];
	int *w = NULL, ncols;

	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		json_object *c = json_object_array_get_idx(cells, i);

		if (cell_in_group(c, gk, gv, ng)) {
			json_object_array_add(sub, json_object_get(c));
			if (fb_json_str(c, "kernel_path", NULL))
				add_value(&paths, fb_json_str(c, "kernel_path", ""));
		}
	}
	collect(sub, rows, &rv);
	collect(sub, cols, &cv);
	ncols = (int)cv.n;
	if (fmt == FB_TABLE_SERIES) {
		render_series(f, sub, gk, gv, ng, rows, cols, &rv, &cv, first);
		goto out;
	}
	w = calloc((size_t)ncols + 1, sizeof(*w));

	if (ng) {
		fprintf(f, fmt == FB_TABLE_MARKDOWN ? "\n**" : "\n");
		for (size_t i = 0; i < ng; i++)
			fprintf(f, "%s%s=%s", i ? " · " : "", gk[i], gv[i]);
		fprintf(f, fmt == FB_TABLE_MARKDOWN ? "**\n\n" : "\n");
	}
	for (size_t i = 0; i < paths.n; i++)
		fprintf(f, "%skernel path: %s\n", fmt == FB_TABLE_MARKDOWN ? "- " : "  ", paths.v[i]);
	if (paths.n && fmt == FB_TABLE_MARKDOWN)
		fputc('\n', f);

	snprintf(head, sizeof(head), "%s \\ %s", axes[axis_index(rows)].title,
		 axes[axis_index(cols)].title);
	w[0] = width(head);
	for (size_t r = 0; r < rv.n; r++)
		if (width(rv.v[r]) > w[0])
			w[0] = width(rv.v[r]);
	for (int c = 0; c < ncols; c++)
		w[c + 1] = width(cv.v[c]);
	/* Cell widths: measure every rendered value first. */
	for (size_t i = 0; i < json_object_array_length(sub); i++) {
		json_object *cell = json_object_array_get_idx(sub, i);

		fb_table_value(cell, cols, head + 100, 60);
		for (int c = 0; c < ncols; c++) {
			if (strcmp(cv.v[c], head + 100))
				continue;
			format_cell(cell, buf, sizeof(buf));
			if (width(buf) > w[c + 1])
				w[c + 1] = width(buf);
		}
	}
	snprintf(head, sizeof(head), "%s \\ %s", axes[axis_index(rows)].title,
		 axes[axis_index(cols)].title);
	if (fmt == FB_TABLE_MARKDOWN)
		fputs("| ", f);
	pad(f, head, w[0]);
	for (int c = 0; c < ncols; c++) {
		fputs(" | ", f);
		pad(f, cv.v[c], w[c + 1]);
	}
	fputs(fmt == FB_TABLE_MARKDOWN ? " |\n" : " |\n", f);
	if (fmt == FB_TABLE_MARKDOWN) {
		fputs("|", f);
		for (int c = 0; c <= ncols; c++)
			fputs(c ? "---:|" : "---|", f);
		fputc('\n', f);
	} else {
		int total = w[0] + 2;

		for (int c = 0; c < ncols; c++)
			total += w[c + 1] + 3;
		for (int i = 0; i < total; i++)
			fputc('=', f);
		fputc('\n', f);
	}
	for (size_t r = 0; r < rv.n; r++) {
		if (fmt == FB_TABLE_MARKDOWN)
			fputs("| ", f);
		pad(f, rv.v[r], w[0]);
		for (int c = 0; c < ncols; c++) {
			json_object *hit = NULL;
			char rb[64], cb[64];

			for (size_t i = 0; i < json_object_array_length(sub) && !hit; i++) {
				json_object *cell = json_object_array_get_idx(sub, i);

				if (!strcmp(fb_table_value(cell, rows, rb, sizeof(rb)), rv.v[r]) &&
				    !strcmp(fb_table_value(cell, cols, cb, sizeof(cb)), cv.v[c]))
					hit = cell;
			}
			if (hit)
				format_cell(hit, buf, sizeof(buf));
			else
				snprintf(buf, sizeof(buf), "-");
			fputs(" | ", f);
			pad(f, buf, w[c + 1]);
		}
		fputs(" |\n", f);
	}
out:
	free(w);
	free_values(&rv);
	free_values(&cv);
	free_values(&paths);
	json_object_put(sub);
}

/* One line with the axes every cell shares, so each table stands alone. */
static void print_constants(FILE *f, json_object *cells, const char *rows, const char *cols,
			    const char **gk, size_t ng, enum fb_table_fmt fmt)
{
	static const char *const shown[] = { "backend", "function", "primitive", "kernel_model",
		"mode", "direction", "evict", "placement", "backing", "threads", "channels",
		"folio_size", "total_bytes" };
	bool first = true;

	for (size_t a = 0; a < sizeof(shown) / sizeof(shown[0]); a++) {
		const char *k = shown[a];
		struct values vs = { 0 };
		bool grouped = !strcmp(k, rows) || !strcmp(k, cols);

		for (size_t g = 0; g < ng; g++)
			grouped |= !strcmp(gk[g], k);
		if (grouped)
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

/* Walk every combination of group values that has cells. */
int fb_table_render(FILE *f, json_object *doc, const char *rows, const char *cols,
		    enum fb_table_fmt fmt)
{
	json_object *cells = fb_json_path(doc, "cells");
	const char *gk[NAXES];
	struct values seen = { 0 };
	size_t ng;
	int tables = 0;

	if (!cells || !json_object_array_length(cells) || axis_index(rows) < 0 ||
	    axis_index(cols) < 0)
		return 0;
	ng = group_keys(doc, cells, rows, cols, gk);
	if (fmt != FB_TABLE_SERIES)
		print_constants(f, cells, rows, cols, gk, ng, fmt);
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		json_object *cell = json_object_array_get_idx(cells, i);
		char *gv[NAXES], key[1024] = "", buf[128];
		size_t off = 0;

		for (size_t g = 0; g < ng; g++) {
			gv[g] = strdup(fb_table_value(cell, gk[g], buf, sizeof(buf)));
			off += (size_t)snprintf(key + off, sizeof(key) - off, "%s\x1f", gv[g]);
		}
		size_t before = seen.n;

		add_value(&seen, key);
		if (seen.n > before) {
			render_one(f, cells, gk, gv, ng, rows, cols, fmt, tables == 0);
			tables++;
		}
		for (size_t g = 0; g < ng; g++)
			free(gv[g]);
	}
	free_values(&seen);
	return tables;
}
