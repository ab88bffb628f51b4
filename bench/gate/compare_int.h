/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the parts of the regression gate share, and nothing outside them
 * includes: compare_keys.c (matching keys, row labels), compare_load.c
 * (result files, cells by key), compare_gate.c (the tests and verdicts),
 * compare_ab.c (ab runs on disk), compare_report.c (the report formats)
 * and compare_machines.c (machines side by side).
 */
#ifndef FB_COMPARE_INT_H
#define FB_COMPARE_INT_H
#include <stdbool.h>
#include <stdio.h>

#include "compare.h"

/* A config field's text; dflt when absent or empty. */
const char *fb_cmp_cfg_str(json_object *cfg, const char *k, const char *dflt);

/* Sets of the key axes (axis.h FB_AXIS_KEY), bit i for fb_axes[i]. */
unsigned fb_cmp_key_axes(void);
unsigned fb_cmp_axis_bit(const char *name);
/* Matching key of a configuration; mask: the key axes left out (ab drops
 * the axes its two sides deliberately differ in). */
void fb_cmp_key(json_object *config, unsigned mask, char *buf, size_t len);
/* The label of the axes in which, full (naming a cell alone) or short. */
void fb_cmp_make_label(json_object *cfg, unsigned which, bool full, char *buf, size_t len);
void fb_cmp_full_label(json_object *cfg, char *buf, size_t len);
/* The key axes that vary over cfgs, and in common the text of those that
 * do not (the report's "every cell" line). */
unsigned fb_cmp_label_axes(json_object **cfgs, size_t n, char *common, size_t len);

/* The cell of f with key under mask, or NULL (compare_load.c). */
const struct fb_cmp_cell *fb_cmp_find_cell(const struct fb_cmp_file *f, const char *key,
					   unsigned mask);

/* Pretty JSON and a newline (malloc'ed); a header row over nrows rows of
 * cells in the one table look (compare_report.c). */
char *fb_cmp_json_text(json_object *d);
void fb_cmp_grid(FILE *f, bool md, int ncols, const char *const *head, const bool *right,
		 char **cells, size_t nrows);

#endif
