/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one table renderer: any result document, any two configuration
 * axes as rows and columns, mean±sd GB/s in each cell, one table per
 * combination of the other axes that vary.
 */
#ifndef FB_TABLE_H
#define FB_TABLE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>


/*
 * Strings to numbers, hashed: what the readers index cells by (compare's
 * matching keys, paths' pairs, the renderer's rows, columns and tables),
 * so no reader is quadratic in cells.  Keys are borrowed: they must
 * outlive the map.
 */
struct fb_keymap {
	struct fb_keymap_slot {
		const char *key;
		size_t value;
	} *slots;
	size_t nslots, n;
};
/* The value of key, or SIZE_MAX. */
size_t fb_keymap_get(const struct fb_keymap *m, const char *key);
/* Add key -> value unless key is there; the value key now has (value, or
 * the earlier one), SIZE_MAX when out of memory. */
size_t fb_keymap_put(struct fb_keymap *m, const char *key, size_t value);
void fb_keymap_free(struct fb_keymap *m);

/*
 * --format: one set of names for every command, each command taking the
 * kinds of output it has (README "Output formats"): table (the terminal
 * text; "text" is its other name), markdown, csv, json, series (gnuplot
 * data blocks), junit.
 */
enum fb_format { FB_FMT_TABLE, FB_FMT_MARKDOWN, FB_FMT_CSV, FB_FMT_JSON, FB_FMT_SERIES,
		 FB_FMT_JUNIT, FB_FMT_COUNT };
#define FB_FMT_BIT(f) (1u << (f))
/* The format s names if it is among allowed (FB_FMT_BIT mask), else -1. */
int fb_format_parse(const char *s, unsigned allowed);
/* The same, or a usage error of cmd: "--format S: allowed table, markdown, ...". */
enum fb_format fb_format_option(const char *cmd, const char *s, unsigned allowed);
const char *fb_format_name(enum fb_format f);

/* SERIES: one gnuplot data block per table column ("x" mean sd rows). */
enum fb_table_fmt { FB_TABLE_TEXT, FB_TABLE_MARKDOWN, FB_TABLE_SERIES };
/* The table renderer's form of a table, markdown or series format. */
enum fb_table_fmt fb_table_fmt_of(enum fb_format f);

/* A --rows/--cols axis of the registry (axis.h): experiment, backend,
 * function, ..., kernel_path. */
int fb_table_axis_valid(const char *key);
/* Every axis key, comma-separated, for messages. */
const char *fb_table_axes(void);
/* The value of axis `key` of a cell as text ("2M", "0->1", "batched"),
 * fb_axis_get's; a key that is no axis: the config field as it is. */
const char *fb_table_value(json_object *cell, const char *key, char *buf, size_t len);
/* Render; returns the number of tables printed. */
int fb_table_render(FILE *f, json_object *doc, const char *rows, const char *cols,
		    enum fb_table_fmt fmt);

/*
 * The look of every table foliobench prints: cells[r * ncols + c] (NULL
 * prints as "-"), row 0 the header; " | " between columns and a '=' rule under the header (text), or
 * a pipe table (markdown).  right[c] right-aligns column c (markdown "---:");
 * NULL right-aligns every column but the first in markdown only.
 */
void fb_grid_print(FILE *f, enum fb_table_fmt fmt, const char *const *cells, size_t nrows,
		   int ncols, const bool *right);

#endif
