// SPDX-License-Identifier: GPL-2.0-only
/*
 * Schema 1, read into schema 2's form in memory, so that every reader
 * (show, report, compare, paths, the gate) knows schema 2 alone.  The
 * only place that knows what version 1 looked like, with kpath_v1.c.
 */
#include "results.h"

#include <string.h>

#include "kpath_v1.h"

/* kernel_path: "PREFIX MODEL: IMPL (WHY)" -> {routine, model, impl, why} */
static void cell_v1_to_v2(json_object *cell)
{
	json_object *kp = fb_json_path(cell, "kernel_path");
	json_object *cfg = fb_json_path(cell, "config");
	const char *batch_impl = fb_json_str(cfg, "batch_impl", "memcpy");
	struct fb_kpath_record r;

	if (!kp || !json_object_is_type(kp, json_type_string))
		return;
	fb_kpath_v1_record(json_object_get_string(kp), fb_json_str(cfg, "function", NULL), &r);
	/* --batch-impl: copy_page runs copy_page on each page; rep_movsq is in
	 * no kernel */
	if (!strcmp(fb_json_str(cfg, "mode", ""), "batched") && r.routine >= 0) {
		if (!strcmp(batch_impl, "copy_page"))
			r.routine = FB_KR_COPY_PAGE;
		else if (!strcmp(batch_impl, "rep_movsq"))
			r.routine = -1;
	}
	json_object_object_add(cell, "kernel_path", fb_kpath_json(&r));
}

/* A stores cell kept its record in copy's fields: its own ones now. */
static void stores_v1_to_v2(json_object *cfg)
{
	static const char *const renamed[][2] = {
		{ "primitive", "store_kernel" },
		{ "folio_size", "record_size" },
		{ "folio_count", "record_count" },
	};
	static const char *const dropped[] = { "mode", "function", "kernel_model" };

	if (!cfg || strcmp(fb_json_str(cfg, "experiment", ""), "stores"))
		return;
	for (size_t i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++) {
		json_object *v = fb_json_path(cfg, renamed[i][0]);

		if (!v)
			continue;
		json_object_object_add(cfg, renamed[i][1], json_object_get(v));
		json_object_object_del(cfg, renamed[i][0]);
	}
	for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
		json_object_object_del(cfg, dropped[i]);
}

void fb_run_v1_to_v2(json_object *doc)
{
	json_object *cells = fb_json_path(doc, "cells");

	for (size_t i = 0; cells && i < json_object_array_length(cells); i++) {
		json_object *cell = json_object_array_get_idx(cells, i);

		/* the kernel path first: it reads the function a stores cell loses */
		cell_v1_to_v2(cell);
		stores_v1_to_v2(fb_json_path(cell, "config"));
	}
	json_object_object_add(doc, "schema_version", json_object_new_int(FB_SCHEMA_VERSION));
}
