/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef FB_CELL_RECORD_H
#define FB_CELL_RECORD_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "kpath.h"

/* Reading a loaded cell's record (schema 2), for the axes, the tables and
 * compare alike. */

/* A cell's config value by axis name.  A stores cell's store_kernel,
 * record_size and record_count answer for primitive, folio_size and
 * folio_count: the same columns and table axes show them. */
json_object *fb_config_get(json_object *cfg, const char *key);
/* A loaded cell's kernel_path: 0, or -1 (r empty) when it records none. */
int fb_cell_kpath(json_object *cell, struct fb_kpath_record *r);
/* It as text, prefixed by the cell's mode (a function's cell) or routine
 * (a stores cell): short (fb_kpath_concise) or whole (fb_kpath_full);
 * NULL when the cell records none. */
const char *fb_cell_kpath_text(json_object *cell, bool full, char *buf, size_t len);

#endif
