// SPDX-License-Identifier: GPL-2.0-only
/*
 * The axis registry (bench/sweep/axis.c): every axis prints, parses back and
 * compares equal to what a recorded cell has; the enum names round-trip
 * through their name functions; the lists the tables, cells.csv and
 * compare read come out in their fixed orders; and the one --where matcher
 * takes sizes and node names and names a bad axis with the allowed ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axis.h"
#include "check.h"
#include "evict.h"
#include "kpath.h"
#include "memory.h"
#include "plan.h"
#include "results.h"
#include "table.h"
#include "topology.h"

/* Recorded runs, each with a machine block: copy (two kernel models),
 * copy with one model, and migrate across a DRAM and a CXL node. */
static const char *const runs[] = {
	"data/paths/run-a.json",
	"data/compare/base.json",
	"data/migrate/run-6.12/run.json",
};

static json_object *load(const char *path)
{
	char err[512];
	json_object *doc = NULL;

	if (fb_run_load(path, &doc, err, sizeof(err))) {
		checkf(0, "load %s: %s", path, err);
		return NULL;
	}
	return doc;
}

/* print -> parse -> compare for every axis of every cell; the printed
 * text of a parsed value is the printed text again. */
static size_t round_trips(json_object *doc, const char *path)
{
	json_object *cells = fb_json_path(doc, "cells");
	size_t n = json_object_array_length(cells), tried[FB_MAX_AXES] = { 0 };
	size_t bad = 0;
	char first[512] = "";

	for (size_t c = 0; c < n; c++) {
		json_object *cell = json_object_array_get_idx(cells, c);

		for (size_t i = 0; i < fb_naxes; i++) {
			const struct fb_axis *a = &fb_axes[i];
			struct fb_axis_value got, back;
			char err[256];

			fb_axis_get(a, cell, &got);
			if (!strcmp(got.text, "-") || !got.text[0])
				continue; /* this experiment has no such axis */
			tried[i]++;
			if (fb_axis_parse(a, got.text, doc, &back, err, sizeof(err)) ||
			    fb_axis_compare(a, &got, &back) || strcmp(back.text, got.text)) {
				if (!bad++)
					snprintf(first, sizeof(first), "cell %zu %s=%s: %s", c, a->name,
						 got.text, err);
			}
		}
	}
	checkf(bad == 0, "%s: every axis value of %zu cells prints, parses back and compares "
	       "equal%s%s", path, n, bad ? "; first bad: " : "", first);
	return tried[fb_axis_find("direction") - fb_axes];
}

/* Every axis's own values, cell or not: parse, print, compare. */
static void value_cases(void)
{
	static const struct {
		const char *axis, *in, *printed;
		int ok;
	} cases[] = {
		{ "folio_size", "2M", "2M", 1 },
		{ "folio_size", "2097152", "2M", 1 },
		{ "folio_size", "2MiB", "2M", 1 },
		{ "folio_size", "12345", "12345", 1 },
		{ "folio_size", "2X", NULL, 0 },
		{ "total_bytes", "1G", "1G", 1 },
		{ "threads", "04", "4", 1 },
		{ "threads", "four", NULL, 0 },
		{ "threads", "1.5", NULL, 0 },
		{ "batch", "512", "512", 1 },
		{ "mode", "per_page", "per-page", 1 },
		{ "mode", "batched", "batched", 1 },
		{ "mode", "fast", NULL, 0 },
		{ "kernel_model", "6.12+", "6.12", 1 },
		{ "kernel_model", "5.4", NULL, 0 },
		{ "evict", "sweep", "sweep", 1 },
		{ "backing", "hugetlb", "hugetlb", 1 },
		{ "backing", "huge", NULL, 0 },
		{ "placement", "fill", "fill", 1 },
		{ "split", "chunk", "chunk", 1 },
		{ "load", "rw", "rw", 1 },
		{ "src_fill", "zero", "zero", 1 },
		{ "batch_impl", "copy_page", "copy_page", 1 },
		{ "batch_impl", "rep_movsb", NULL, 0 },
		{ "direction", "0->1", "0->1", 1 },
		{ "direction", "0-1", NULL, 0 },
		{ "function", "folio_mc_copy", "folio_mc_copy", 1 },
		{ "kernel_path", "batched 6.12: rep movsb (FSRM)", "batched 6.12: rep movsb (FSRM)", 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct fb_axis *a = fb_axis_find(cases[i].axis);
		struct fb_axis_value v, again;
		char err[256] = "";
		int rc;

		if (!a) {
			checkf(0, "axis %s is in the registry", cases[i].axis);
			continue;
		}
		rc = fb_axis_parse(a, cases[i].in, NULL, &v, err, sizeof(err));
		if (!cases[i].ok) {
			checkf(rc && !strncmp(err, "allowed ", 8), "%s=%s is refused: %s", a->name,
			       cases[i].in, err);
			continue;
		}
		checkf(!rc && !strcmp(v.text, cases[i].printed), "%s=%s parses, prints as %s (got %s)",
		       a->name, cases[i].in, cases[i].printed, rc ? err : v.text);
		checkf(!fb_axis_parse(a, v.text, NULL, &again, err, sizeof(err)) &&
		       !fb_axis_compare(a, &v, &again), "%s=%s: its printed form parses to it",
		       a->name, v.text);
	}
	/* order: numbers by value, not as text */
	{
		const struct fb_axis *a = fb_axis_find("folio_size");
		struct fb_axis_value x, y;
		char err[64];

		fb_axis_parse(a, "64K", NULL, &x, err, sizeof(err));
		fb_axis_parse(a, "2M", NULL, &y, err, sizeof(err));
		check(fb_axis_compare(a, &x, &y) < 0 && fb_axis_compare(a, &y, &x) > 0,
		      "folio_size: 64K sorts before 2M");
		a = fb_axis_find("threads");
		fb_axis_parse(a, "9", NULL, &x, err, sizeof(err));
		fb_axis_parse(a, "10", NULL, &y, err, sizeof(err));
		check(fb_axis_compare(a, &x, &y) < 0, "threads: 9 sorts before 10");
	}
}

/* The enum name tables round-trip through the name functions. */
static void enum_names(void)
{
	bool ok = true;
	enum fb_mode m;
	enum fb_split s;
	enum fb_placement p;
	enum fb_evict e;
	enum fb_backing b;
	enum fb_kernel_model km;
	enum fb_batch_impl bi;

	for (int i = 0; i < FB_MODE_COUNT; i++)
		ok &= !fb_mode_parse(fb_mode_name((enum fb_mode)i), &m) && (int)m == i;
	for (int i = FB_SPLIT_AUTO; i <= FB_SPLIT_FOLIO; i++)
		ok &= !fb_split_parse(fb_split_name((enum fb_split)i), &s) && (int)s == i;
	for (int i = FB_PLACE_SPREAD; i <= FB_PLACE_LIST; i++)
		ok &= !fb_placement_parse(fb_placement_name((enum fb_placement)i), &p) && (int)p == i;
	for (int i = FB_EVICT_NONE; i <= FB_EVICT_SWEEP; i++)
		ok &= !fb_evict_parse(fb_evict_name((enum fb_evict)i), &e) && (int)e == i;
	for (int i = FB_BACK_AUTO; i <= FB_BACK_HUGETLB; i++)
		ok &= !fb_backing_parse(fb_backing_name((enum fb_backing)i), &b) && (int)b == i;
	for (int i = 0; i < FB_KM_COUNT; i++)
		ok &= !fb_kernel_model_parse(fb_kernel_model_name((enum fb_kernel_model)i), &km) &&
		      (int)km == i;
	for (int i = 0; i < FB_BATCH_COUNT; i++)
		ok &= !fb_batch_impl_parse(fb_batch_impl_name((enum fb_batch_impl)i), &bi) && (int)bi == i;
	check(ok, "mode, split, placement, evict, backing, kernel model and batch impl names round-trip");
	check(!strcmp(fb_mode_name(FB_MODE_COUNT), "?") && !strcmp(fb_evict_name((enum fb_evict)9), "?"),
	      "a value past the names prints as ?");
	check(fb_mode_parse("per-pages", &m) && fb_evict_parse(NULL, &e) &&
	      fb_kernel_model_parse("6.12", NULL), "unknown names, NULL text or out are refused");
	check(!fb_mode_parse("perpage", &m) && m == FB_MODE_PER_PAGE &&
	      !fb_kernel_model_parse("6.12+", &km) && km == FB_KM_6_12, "the old spellings still parse");
	/* the registry's names are the name functions' */
	check(fb_axis_name_index(fb_axis_find("evict"), fb_evict_name(FB_EVICT_SWEEP)) == FB_EVICT_SWEEP &&
	      fb_axis_name_index(fb_axis_find("backing"), "thp") == FB_BACK_THP,
	      "the evict and backing axes list the enums' names in their order");
}

/* An axis whose absent value depends on the cell: a batched cell without
 * batch_impl (no copy --batch-impl) ran memcpy, and its label is as before. */
static void implied_values(void)
{
	const struct fb_axis *a = fb_axis_find("batch_impl");
	json_object *old = json_tokener_parse("{\"config\": {\"mode\": \"batched\"}}");
	json_object *pp = json_tokener_parse("{\"config\": {\"mode\": \"per-page\"}}");
	json_object *rec = json_tokener_parse("{\"config\": {\"mode\": \"batched\", "
					      "\"batch_impl\": \"copy_page\"}}");
	struct fb_axis_value v;
	char key[64], label[64], key2[64];

	fb_axis_get(a, old, &v);
	check(!strcmp(v.text, "memcpy"), "batch_impl: a batched cell without it prints memcpy");
	fb_axis_get(a, pp, &v);
	check(!strcmp(v.text, "-"), "batch_impl: a per-page cell has none");
	fb_axis_key_text(a, fb_json_path(old, "config"), key, sizeof(key));
	fb_axis_label(a, fb_json_path(old, "config"), false, label, sizeof(label));
	check(!strcmp(key, "memcpy") && !label[0],
	      "batch_impl: keyed as memcpy, not named in the label where not recorded");
	fb_axis_key_text(a, fb_json_path(rec, "config"), key2, sizeof(key2));
	fb_axis_label(a, fb_json_path(rec, "config"), true, label, sizeof(label));
	check(!strcmp(key2, "copy_page") && !strcmp(label, "batch_impl=copy_page"),
	      "batch_impl: a recorded variant is keyed and labelled by it");
	json_object_put(old);
	json_object_put(pp);
	json_object_put(rec);
}

/* The fixed orders other files print in. */
static void orders(void)
{
	char buf[1024], csv[1024] = "";
	size_t off = 0;

	check(!strcmp(fb_axis_list(FB_AXIS_ROWS, buf, sizeof(buf)),
		      "experiment, backend, function, primitive, kernel_model, mode, batch_impl, direction, "
		      "evict, placement, backing, threads, channels, folio_size, folio_count, "
		      "total_bytes, batch, load, kernel_path"),
	      "the tables' axes, in the order show and copy --rows list them");
	checkf(!strcmp(fb_table_axes(), buf), "fb_table_axes is the registry's list");
	const struct fb_axis *cols[FB_MAX_AXES];
	size_t ncols = fb_axis_csv_order(cols);

	for (size_t i = 0; i < ncols; i++)
		off += (size_t)snprintf(csv + off, sizeof(csv) - off, "%s,", cols[i]->name);
	checkf(!strcmp(csv, "experiment,backend,function,primitive,kernel_model,mode,folio_size,"
		       "folio_count,total_bytes,threads,channels,split,placement,src_node,"
		       "dst_node,evict,backing,batch,load,batch_impl,"),
	       "cells.csv's axis columns, in their order: %s", csv);
	for (size_t i = 0; i < fb_naxes; i++) {
		const struct fb_axis *a = &fb_axes[i];

		if ((a->flags & FB_AXIS_ROWS) && !(a->title && *a->title))
			checkf(0, "axis %s has a table label", a->name);
		if (fb_axis_find(a->name) != a)
			checkf(0, "axis %s is in the registry once", a->name);
	}
	check(fb_axis_find("nope") == NULL && !fb_table_axis_valid("split") &&
	      fb_table_axis_valid("kernel_path"), "an axis outside the tables is not a --rows axis");
}

static size_t count_where(json_object *doc, const char *where)
{
	json_object *cells = fb_json_path(doc, "cells");
	struct fb_where w;
	char bad[256];
	size_t n = 0;

	if (fb_where_parse(&w, where, doc, bad, sizeof(bad)))
		return (size_t)-1;
	for (size_t i = 0; i < json_object_array_length(cells); i++)
		n += fb_where_match(&w, json_object_array_get_idx(cells, i));
	fb_where_free(&w);
	return n;
}

static void where(json_object *copy, json_object *migrate)
{
	size_t two_m = count_where(copy, "folio_size=2M");
	struct fb_where w;
	char bad[256], msg[1024], list[512];

	checkf(two_m > 0 && two_m < json_object_array_length(fb_json_path(copy, "cells")),
	       "folio_size=2M keeps some cells, not all (%zu)", two_m);
	check(count_where(copy, "folio_size=2097152") == two_m &&
	      count_where(copy, "folio_size=2MiB") == two_m, "a size matches however it is written");
	check(count_where(copy, "folio_size=3M") == 0, "a size no cell has matches none");
	check(count_where(copy, "threads=01") == count_where(copy, "threads=1"),
	      "a number matches by value");
	check(count_where(copy, "mode=per_page") == count_where(copy, "mode=per-page") &&
	      count_where(copy, "mode=per-page") > 0, "an enum's other spelling matches");
	check(count_where(copy, "") == json_object_array_length(fb_json_path(copy, "cells")),
	      "no condition keeps every cell");
	/* migrate ran node 0 (CPUs) to node 1 (memory only) and back */
	check(count_where(migrate, "direction=DRAM0->CXL") == count_where(migrate, "direction=0->1") &&
	      count_where(migrate, "direction=0->1") > 0,
	      "direction=DRAM0->CXL is the machine's 0->1");
	check(count_where(migrate, "direction=dram0->cxl0") == count_where(migrate, "direction=0->1") &&
	      count_where(migrate, "direction=cxl->dram0") == count_where(migrate, "direction=1->0"),
	      "node names in either case, CXL and CXL0 alike");
	check(count_where(migrate, "direction=DRAM1->CXL") == 0,
	      "a node the machine does not have matches nothing");
	check(count_where(migrate, "direction=0->1,load=rw") + count_where(migrate, "direction=0->1,load=none") ==
	      count_where(migrate, "direction=0->1"), "conditions hold together");
	{
		char a[32], b[32];

		check(!strcmp(fb_axis_node_name(migrate, 0, a, sizeof(a)), "DRAM0") &&
		      !strcmp(fb_axis_node_name(migrate, 1, b, sizeof(b)), "CXL") &&
		      !strcmp(fb_axis_node_name(migrate, 5, b, sizeof(b)), "node5"),
		      "nodes are named as the seeds name them: DRAM0, CXL, else nodeN");
	}
	check(fb_where_holds(NULL, copy, json_object_array_get_idx(fb_json_path(copy, "cells"), 0)) &&
	      !fb_where_holds("mode", copy, json_object_array_get_idx(fb_json_path(copy, "cells"), 0)),
	      "an empty selector holds, one without '=' does not");

	/* a bad axis: the condition as given, and the allowed axes (show's message) */
	check(fb_where_parse(&w, "mode=batched,colour=red", copy, bad, sizeof(bad)) == -1 &&
	      !strcmp(bad, "colour=red"), "a bad axis names its condition");
	snprintf(msg, sizeof(msg), "--where %s: allowed AXIS=VALUE with an axis of %s", bad,
		 fb_axis_list(FB_AXIS_ROWS, list, sizeof(list)));
	check(!strchr(msg, '\n') && strstr(msg, "colour=red") && strstr(msg, "folio_size") &&
	      strstr(msg, "kernel_path"), "its message is one line naming it and the allowed axes");
	check(fb_where_parse(&w, "split=chunk", copy, bad, sizeof(bad)) == -1 && !strcmp(bad, "split=chunk"),
	      "a key axis that no table has is refused too");
	check(fb_where_parse(&w, "folio_size", copy, bad, sizeof(bad)) == -1 && !strcmp(bad, "folio_size"),
	      "a condition without a value is refused");
}

int main(void)
{
	json_object *docs[sizeof(runs) / sizeof(runs[0])];
	size_t ndir = 0;

	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		docs[i] = load(runs[i]);
		if (!docs[i])
			return check_finish();
		ndir = round_trips(docs[i], runs[i]);
	}
	checkf(ndir > 0, "the migrate run's directions were among them (%zu)", ndir);
	value_cases();
	enum_names();
	implied_values();
	orders();
	where(docs[0], docs[2]);
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++)
		json_object_put(docs[i]);
	return check_finish();
}
