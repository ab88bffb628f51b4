// SPDX-License-Identifier: GPL-2.0-only
/* Several machines' results side by side, no verdict: table, markdown or JSON. */
#include "compare_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "util.h"

char *fb_cmp_machines_render(const struct fb_cmp_file *files, size_t n, enum fb_cmp_fmt fmt)
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
				seen = fb_cmp_find_cell(&files[j], files[i].cells[c].key, 0) != NULL;
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
	vary = fb_cmp_label_axes(cfgs, nkeys, common, sizeof(common));
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

	if (fmt == FB_CMP_JSON) {
		json_object *d = json_object_new_object(), *ms = json_object_new_array();
		json_object *cells = json_object_new_array();

		json_object_object_add(d, "schema", json_object_new_string(FB_CMP_SCHEMA));
		json_object_object_add(d, "schema_version", json_object_new_int(FB_CMP_SCHEMA_VERSION));
		json_object_object_add(d, "mode", json_object_new_string("machines"));
		for (size_t i = 0; i < n; i++) {
			json_object *m = json_object_new_object(), *mach = fb_json_path(files[i].doc, "machine");

			json_object_object_add(m, "source", json_object_new_string(files[i].path));
			json_object_object_add(m, "label", json_object_new_string(heads[i + 1]));
			json_object_object_add(m, "hostname", json_object_new_string(fb_cmp_cfg_str(mach, "hostname", "?")));
			json_object_object_add(m, "cpu", json_object_new_string(
				fb_cmp_cfg_str(fb_json_path(mach, "cpu"), "name", "?")));
			json_object_object_add(m, "kernel", json_object_new_string(
				fb_cmp_cfg_str(fb_json_path(mach, "kernel"), "release", "?")));
			json_object_array_add(ms, m);
		}
		json_object_object_add(d, "machines", ms);
		for (size_t k = 0; k < nkeys; k++) {
			json_object *c = json_object_new_object(), *vals = json_object_new_array();
			char lab[256];

			fb_cmp_full_label(keys[k].config, lab, sizeof(lab));
			json_object_object_add(c, "name", json_object_new_string(lab));
			json_object_object_add(c, "config", json_object_get(keys[k].config));
			for (size_t i = 0; i < n; i++) {
				const struct fb_cmp_cell *cc = fb_cmp_find_cell(&files[i], keys[k].key, 0);
				json_object *v = NULL;

				if (cc && !strcmp(cc->status, "ok")) {
					v = json_object_new_object();
					json_object_object_add(v, "n", json_object_new_int64((int64_t)cc->n));
					json_object_object_add(v, "mean_gbps", fb_json_number(cc->mean));
					json_object_object_add(v, "sd_gbps", fb_json_number(cc->sd));
					json_object_object_add(v, "primitive", json_object_new_string(
						fb_cmp_cfg_str(cc->config, "primitive", "-")));
				}
				json_object_array_add(vals, v);
			}
			json_object_object_add(c, "values", vals);
			json_object_array_add(cells, c);
		}
		json_object_object_add(d, "cells", cells);
		buf = fb_cmp_json_text(d);
		json_object_put(d);
		goto out;
	}

	f = open_memstream(&buf, &len);
	if (!f)
		goto out;
	{
		bool md = fmt == FB_CMP_MARKDOWN;
		char **cells = calloc(nkeys * (n + 1) + 1, sizeof(*cells));
		bool *right = calloc(n + 1, sizeof(*right));

		for (size_t k = 0; k < nkeys; k++) {
			const char *prim0 = NULL;
			bool prim_differs = false;

			/* The primitive each machine's kernel model picked, when they differ. */
			for (size_t i = 0; i < n; i++) {
				const struct fb_cmp_cell *cc = fb_cmp_find_cell(&files[i], keys[k].key, 0);
				const char *p = cc ? fb_cmp_cfg_str(cc->config, "primitive", "-") : NULL;

				if (p && prim0 && strcmp(p, prim0))
					prim_differs = true;
				if (p && !prim0)
					prim0 = p;
			}
			cells[k * (n + 1)] = malloc(256);
			if (vary)
				fb_cmp_make_label(keys[k].config, vary, false, cells[k * (n + 1)], 256);
			else
				fb_cmp_full_label(keys[k].config, cells[k * (n + 1)], 256);
			for (size_t i = 0; i < n; i++) {
				const struct fb_cmp_cell *cc = fb_cmp_find_cell(&files[i], keys[k].key, 0);
				char *s = malloc(128);

				if (!cc)
					snprintf(s, 128, "-");
				else if (strcmp(cc->status, "ok"))
					snprintf(s, 128, "%s", cc->status);
				else
					snprintf(s, 128, "%.2f±%.2f%s%s", cc->mean, cc->sd,
						 prim_differs ? " " : "",
						 prim_differs ? fb_cmp_cfg_str(cc->config, "primitive", "-") : "");
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
		fb_cmp_grid(f, md, (int)n + 1, (const char *const *)heads, right, cells, nkeys);
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

