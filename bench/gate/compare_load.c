// SPDX-License-Identifier: GPL-2.0-only
/*
 * Result files for the gate: loaded, every cell checked, its samples as
 * GB/s and its statistics, and the cells indexed by matching key.
 */
#include "compare_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results.h"
#include "stats.h"
#include "table.h"
#include "util.h"

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
		    !fb_json_positive(fb_config_get(c->config, "folio_size")) ||
		    (!fb_json_str(c->config, "mode", NULL) &&
		     !fb_json_path(c->config, "store_kernel"))) {
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
			fb_cmp_full_label(c->config, label, sizeof(label));
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
		fb_cmp_full_label(f->cells[dup[1]].config, label, sizeof(label));
		snprintf(err, errlen, "%s: cells %zu and %zu have the same configuration (%s)",
			 f->path, dup[0], dup[1], label);
		goto bad;
	}
	m = fb_json_path(f->doc, "machine");
	snprintf(f->machine, sizeof(f->machine), "%s · kernel %s",
		 fb_cmp_cfg_str(fb_json_path(m, "cpu"), "name", "unknown CPU"),
		 fb_cmp_cfg_str(fb_json_path(m, "kernel"), "release", "?"));
	f->injected_pct = fb_json_num(fb_json_path(f->doc, "options"), "inject_slowdown_pct", 0);
	return 0;
bad:
	fb_cmp_file_free(f);
	return -1;
}


const struct fb_cmp_cell *fb_cmp_find_cell(const struct fb_cmp_file *f, const char *key, unsigned mask)
{
	size_t i;

	/* ab looks cells up with its side axes dropped: index once per mask */
	if (f->index->mask != mask && index_build(f->index, f, mask, NULL))
		abort(); /* out of memory: no lookup can be answered */
	i = fb_keymap_get(&f->index->map, key);
	return i == SIZE_MAX ? NULL : &f->cells[i];
}

