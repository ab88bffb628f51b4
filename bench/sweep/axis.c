// SPDX-License-Identifier: GPL-2.0-only
#include "axis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "evict.h"
#include "kpath.h"
#include "memory.h"
#include "plan.h"
#include "cell_record.h"
#include "json_access.h"
#include "topology.h"
#include "util.h"

/* ---- the enums' names, indexed by their values ---- */

static const char *const mode_names[] = { "per-page", "batched", "kernel", NULL };
static const char *const mode_aliases[] = { "per_page", "per-page", "perpage", "per-page", NULL };
static const char *const split_names[] = { "auto", "chunk", "folio", NULL };
static const char *const placement_names[] = { "spread", "fill", "list", NULL };
static const char *const evict_names[] = { "none", "src", "both", "sweep", NULL };
static const char *const backing_names[] = { "auto", "4k", "thp", "hugetlb", NULL };
static const char *const load_names[] = { "none", "rw", NULL };   /* migrate --load */
static const char *const src_fill_names[] = { "zero", NULL };     /* copy --src-fill */
static const char *const batch_impl_names[] = { "memcpy", "copy_page", "rep_movsq", NULL };

static size_t array_len(json_object *a)
{
	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static void cpus_text(json_object *cpus, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < array_len(cpus) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%d", i ? "," : "",
					json_object_get_int(json_object_array_get_idx(cpus, i)));
}

static bool channels_used(json_object *cfg)
{
	return fb_json_num(cfg, "channels", 0) > 0;
}

static bool threads_used(json_object *cfg)
{
	return !channels_used(cfg);
}

/* The split only matters with more than one worker. */
static bool split_matters(json_object *cfg)
{
	return fb_json_num(cfg, "threads", 1) > 1 || fb_json_num(cfg, "channels", 0) > 1;
}

/* Both nodes show as one direction, on the source node's label. */
static void direction_label(const struct fb_axis *a, json_object *cfg, bool full, char *buf,
			    size_t len)
{
	(void)a;
	(void)full;
	snprintf(buf, len, "%.0f->%.0f", fb_json_num(cfg, "src_node", 0),
		 fb_json_num(cfg, "dst_node", 0));
}

static void no_label(const struct fb_axis *a, json_object *cfg, bool full, char *buf, size_t len)
{
	(void)a;
	(void)cfg;
	(void)full;
	if (len)
		buf[0] = '\0';
}

/* Absent: the pattern, the usual source, left out of full labels. */
static void src_fill_label(const struct fb_axis *a, json_object *cfg, bool full, char *buf,
			   size_t len)
{
	const char *v = fb_json_str(cfg, a->name, NULL);

	if (v && !*v)
		v = NULL;
	if (full && !v)
		buf[0] = '\0';
	else
		snprintf(buf, len, "src=%s", v ? v : "pattern");
}

/* Recorded only with copy --batch-impl: a batched cell without it ran
 * memcpy (the RFC's copy, the batched mode before the axis). */
static const char *batch_impl_implied(json_object *cfg)
{
	return !strcmp(fb_json_str(cfg, "mode", ""), "batched") ? "memcpy" : "-";
}

/* Named in a label only where --batch-impl recorded it, so the labels of
 * runs without it read as before. */
static void batch_impl_label(const struct fb_axis *a, json_object *cfg, bool full, char *buf,
			     size_t len)
{
	char v[64];

	buf[0] = '\0';
	fb_axis_key_text(a, cfg, v, sizeof(v));
	if (fb_json_path(cfg, a->name) && (!full || strcmp(v, "memcpy")))
		snprintf(buf, len, "batch_impl=%s", v);
}

/* A function cell is keyed by its function; a primitive cell by
 * "primitive NAME" (a function's primitive is an outcome, not a key). */
static void what_key(const struct fb_axis *a, json_object *cfg, char *buf, size_t len)
{
	json_object *p = fb_config_get(cfg, "primitive");   /* a stores cell's store kernel */
	const char *fn = fb_json_str(cfg, a->name, NULL), *prim = p ? json_object_get_string(p) : NULL;

	if (fn && *fn)
		snprintf(buf, len, "%s", fn);
	else
		snprintf(buf, len, "primitive %s", prim && *prim ? prim : "-");
}

/* Only a list the user gave: spread and fill follow from the topology. */
static void cpus_key(const struct fb_axis *a, json_object *cfg, char *buf, size_t len)
{
	const char *placement = fb_json_str(cfg, "placement", "");

	buf[0] = '\0';
	if (!strcmp(placement, "list"))
		cpus_text(fb_json_path(cfg, a->name), buf, len);
}

#define ALL_OF_A_RUN (FB_AXIS_ROWS | FB_AXIS_KEY | FB_AXIS_SHARED)

/*
 * The order is a configuration's: compare's keys and labels follow it;
 * table_rank orders the tables' lists and csv_column cells.csv's columns.
 * absent "-1": compare has always keyed a missing number so.
 */
const struct fb_axis fb_axes[] = {
	{ .name = "experiment", .title = "Experiment", .flags = FB_AXIS_ROWS | FB_AXIS_KEY,
	  .table_rank = 1, .csv_column = 1, .absent = "copy", .usual = "copy" },
	{ .name = "backend", .title = "Backend", .flags = ALL_OF_A_RUN,
	  .table_rank = 2, .csv_column = 2, .usual = "user" },
	{ .name = "function", .title = "Function", .flags = ALL_OF_A_RUN,
	  .table_rank = 3, .csv_column = 3, .key = what_key },
	/* a function's primitive is what its kernel model picked */
	{ .name = "primitive", .title = "Primitive",
	  .flags = FB_AXIS_ROWS | FB_AXIS_SHARED | FB_AXIS_OUTCOME,
	  .table_rank = 4, .csv_column = 4 },
	{ .name = "kernel_model", .title = "Kernel", .flags = ALL_OF_A_RUN,
	  .table_rank = 5, .csv_column = 5,
	  .names = fb_kernel_model_names, .aliases = fb_kernel_model_aliases, .hidden = "-" },
	{ .name = "mode", .title = "Mode", .flags = ALL_OF_A_RUN,
	  .table_rank = 6, .csv_column = 6, .names = mode_names, .aliases = mode_aliases },
	/* copy --batch-impl: how a batched folio_copy copies the folio */
	{ .name = "batch_impl", .title = "Batch impl", .flags = ALL_OF_A_RUN,
	  .table_rank = 7, .csv_column = 20, .names = batch_impl_names,
	  .implied = batch_impl_implied, .label = batch_impl_label },
	{ .name = "folio_size", .title = "Folio size", .kind = FB_AXIS_SIZE, .flags = ALL_OF_A_RUN,
	  .table_rank = 14, .csv_column = 7, .absent = "-1" },
	{ .name = "folio_count", .title = "Folio count", .kind = FB_AXIS_NUMBER,
	  .flags = FB_AXIS_ROWS | FB_AXIS_KEY,
	  .table_rank = 15, .csv_column = 8, .absent = "-1", .prefix = "x" },
	{ .name = "total_bytes", .title = "Total", .kind = FB_AXIS_SIZE,
	  .flags = FB_AXIS_ROWS | FB_AXIS_SHARED, .table_rank = 16, .csv_column = 9 },
	{ .name = "threads", .title = "Threads", .kind = FB_AXIS_NUMBER, .flags = ALL_OF_A_RUN,
	  .table_rank = 12, .csv_column = 10, .absent = "-1", .prefix = "t",
	  .in_full = threads_used },
	{ .name = "channels", .title = "Channels", .kind = FB_AXIS_NUMBER, .flags = ALL_OF_A_RUN,
	  .table_rank = 13, .csv_column = 11, .absent = "-1", .prefix = "c",
	  .in_full = channels_used },
	{ .name = "split", .title = "Split", .flags = FB_AXIS_KEY,
	  .csv_column = 12, .names = split_names, .prefix = "split=", .in_full = split_matters },
	{ .name = "placement", .title = "Placement", .flags = ALL_OF_A_RUN,
	  .table_rank = 10, .csv_column = 13, .names = placement_names, .hidden = "list" },
	{ .name = "cpus", .title = "CPUs", .kind = FB_AXIS_CPUS, .flags = FB_AXIS_KEY,
	  .prefix = "cpus=", .hidden = "", .key = cpus_key },
	{ .name = "src_node", .title = "Source node", .kind = FB_AXIS_NUMBER, .flags = FB_AXIS_KEY,
	  .csv_column = 14, .absent = "-1", .label = direction_label },
	{ .name = "dst_node", .title = "Destination node", .kind = FB_AXIS_NUMBER,
	  .flags = FB_AXIS_KEY, .csv_column = 15, .absent = "-1", .label = no_label },
	{ .name = "direction", .title = "Direction", .kind = FB_AXIS_DIRECTION,
	  .flags = FB_AXIS_ROWS | FB_AXIS_SHARED, .table_rank = 8 },
	{ .name = "evict", .title = "Evict", .flags = ALL_OF_A_RUN,
	  .table_rank = 9, .csv_column = 16,
	  .names = evict_names, .prefix = "evict=", .usual = "none" },
	{ .name = "backing", .title = "Backing", .flags = ALL_OF_A_RUN,
	  .table_rank = 11, .csv_column = 17,
	  .names = backing_names, .prefix = "backing=", .usual = "auto" },
	/* migrate: pages per move_pages call; "-" in copy and stores cells */
	{ .name = "batch", .title = "Batch (pages)", .kind = FB_AXIS_NUMBER, .flags = ALL_OF_A_RUN,
	  .table_rank = 17, .csv_column = 18, .absent = "-", .prefix = "batch=", .hidden = "-" },
	/* migrate: what the other threads do meanwhile */
	{ .name = "load", .title = "Load", .flags = ALL_OF_A_RUN,
	  .table_rank = 18, .csv_column = 19,
	  .names = load_names, .prefix = "load=", .hidden = "-", .usual = "none" },
	/* copy --src-fill zero; absent for the pattern */
	{ .name = "src_fill", .title = "Source fill", .flags = FB_AXIS_KEY | FB_AXIS_SHARED,
	  .table_rank = 20, .names = src_fill_names, .label = src_fill_label },
	/* what the modelled kernel runs: "batched 6.12: memcpy_orig (no FSRM)" */
	{ .name = "kernel_path", .title = "Kernel path", .kind = FB_AXIS_KPATH,
	  .flags = FB_AXIS_ROWS | FB_AXIS_OUTCOME, .table_rank = 19 },
};
const size_t fb_naxes = sizeof(fb_axes) / sizeof(fb_axes[0]);
_Static_assert(sizeof(fb_axes) / sizeof(fb_axes[0]) <= FB_MAX_AXES, "a set of axes is a 32-bit mask");

const struct fb_axis *fb_axis_find(const char *name)
{
	for (size_t i = 0; name && i < fb_naxes; i++)
		if (!strcmp(fb_axes[i].name, name))
			return &fb_axes[i];
	return NULL;
}

/* The axes with rank(a) > 0, by rank: ranks are few and small, so a pass
 * per rank keeps the registry the one list. */
static size_t order_by(int (*rank)(const struct fb_axis *a), const struct fb_axis **out)
{
	size_t n = 0;

	for (int r = 1; n < fb_naxes; r++) {
		bool any_later = false;

		for (size_t i = 0; i < fb_naxes; i++) {
			if (rank(&fb_axes[i]) == r)
				out[n++] = &fb_axes[i];
			any_later |= rank(&fb_axes[i]) > r;
		}
		if (!any_later)
			break;
	}
	return n;
}

static int table_rank(const struct fb_axis *a)
{
	return a->table_rank;
}

static int csv_column(const struct fb_axis *a)
{
	return a->csv_column;
}

size_t fb_axis_table_order(const struct fb_axis **out)
{
	return order_by(table_rank, out);
}

size_t fb_axis_csv_order(const struct fb_axis **out)
{
	return order_by(csv_column, out);
}

const char *fb_axis_list(unsigned flags, char *buf, size_t len)
{
	const struct fb_axis *order[FB_MAX_AXES];
	size_t n = fb_axis_table_order(order), off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++)
		if ((order[i]->flags & flags) == flags)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
						order[i]->name);
	return buf;
}

bool fb_axis_numeric(const struct fb_axis *a)
{
	return a && (a->kind == FB_AXIS_NUMBER || a->kind == FB_AXIS_SIZE);
}

const char *fb_axis_names_text(const struct fb_axis *a, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; a->names && a->names[i] && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", a->names[i]);
	return buf;
}

static int names_index(const char *const *names, const char *const *aliases, const char *s)
{
	for (int i = 0; s && names && names[i]; i++)
		if (!strcmp(s, names[i]))
			return i;
	for (size_t i = 0; s && aliases && aliases[i]; i += 2)
		if (!strcmp(s, aliases[i]))
			return names_index(names, NULL, aliases[i + 1]);
	return -1;
}

int fb_axis_name_index(const struct fb_axis *a, const char *s)
{
	return names_index(a->names, a->aliases, s);
}

/* ---- print, parse, compare ---- */

void fb_axis_get(const struct fb_axis *a, json_object *cell, struct fb_axis_value *v)
{
	json_object *cfg = fb_json_path(cell, "config"), *f = NULL;

	memset(v, 0, sizeof(*v));
	switch (a->kind) {
	case FB_AXIS_DIRECTION:
		v->has_num = true;
		v->num = (int)fb_json_num(cfg, "src_node", -1);
		v->num2 = (int)fb_json_num(cfg, "dst_node", -1);
		snprintf(v->text, sizeof(v->text), "%d->%d", (int)v->num, (int)v->num2);
		break;
	case FB_AXIS_KPATH:
		if (!fb_cell_kpath_text(cell, false, v->text, sizeof(v->text)))
			snprintf(v->text, sizeof(v->text), "-");
		break;
	case FB_AXIS_SIZE:
		f = fb_config_get(cfg, a->name);
		v->has_num = true;
		v->num = f ? (double)(uint64_t)json_object_get_double(f) : 0;
		fb_size_str((uint64_t)v->num, v->text, sizeof(v->text));
		break;
	case FB_AXIS_CPUS:
		cpus_text(fb_json_path(cfg, a->name), v->text, sizeof(v->text));
		break;
	case FB_AXIS_NUMBER:
		f = fb_config_get(cfg, a->name);
		if (f && (json_object_is_type(f, json_type_int) ||
			  json_object_is_type(f, json_type_double))) {
			v->has_num = true;
			v->num = json_object_get_double(f);
		}
		/* the text is the number as the file has it */
		snprintf(v->text, sizeof(v->text), "%s", f ? json_object_get_string(f) : "-");
		break;
	case FB_AXIS_WORD:
		f = fb_config_get(cfg, a->name);
		snprintf(v->text, sizeof(v->text), "%s", f ? json_object_get_string(f) :
			 a->implied ? a->implied(cfg) : "-");
		break;
	}
}

/* "DRAM1" (the node with CPUs after DRAM0), "CXL" or "CXL0", "node3" or
 * "3": the id of the node in the run's machine, or -1. */
static bool memory_only(json_object *n)
{
	return json_object_get_boolean(fb_json_path(n, "memory_only")) ||
	       !array_len(fb_json_path(n, "cpus"));
}

static int node_id(json_object *doc, const char *name)
{
	json_object *nodes = fb_json_path(doc, "machine.numa_nodes");
	bool cxl = !strncasecmp(name, "cxl", 3), dram = !strncasecmp(name, "dram", 4);
	const char *num = !strncasecmp(name, "node", 4) ? name + 4 : name;
	int want, k = 0;
	char *end;
	long v;

	if (!cxl && !dram) {
		v = strtol(num, &end, 10);
		return end != num && !*end && v >= 0 && v < 1 << 20 ? (int)v : -1;
	}
	want = (int)strtol(name + (cxl ? 3 : 4), &end, 10);
	if (*end || want < 0)
		return -1;
	for (size_t i = 0; i < array_len(nodes); i++) {
		json_object *n = json_object_array_get_idx(nodes, i);

		if (memory_only(n) != cxl)
			continue;
		if (k++ == want)
			return (int)fb_json_num(n, "id", -1);
	}
	return -1;
}

const char *fb_axis_node_name(json_object *doc, int id, char *buf, size_t len)
{
	json_object *nodes = fb_json_path(doc, "machine.numa_nodes");
	int kd = 0, kc = 0;

	for (size_t i = 0; i < array_len(nodes); i++) {
		json_object *n = json_object_array_get_idx(nodes, i);
		bool mem_only = memory_only(n);

		if ((int)fb_json_num(n, "id", -1) == id) {
			if (mem_only && kc == 0)
				snprintf(buf, len, "CXL");
			else
				snprintf(buf, len, mem_only ? "CXL%d" : "DRAM%d", mem_only ? kc : kd);
			return buf;
		}
		if (mem_only)
			kc++;
		else
			kd++;
	}
	snprintf(buf, len, "node%d", id);
	return buf;
}

int fb_axis_parse(const struct fb_axis *a, const char *s, json_object *doc,
		  struct fb_axis_value *v, char *err, size_t errlen)
{
	char names[256], side[64];
	const char *arrow;
	uint64_t bytes;
	char *end;
	int i, src, dst;

	memset(v, 0, sizeof(*v));
	switch (a->kind) {
	case FB_AXIS_WORD:
		if (!a->names) {
			snprintf(v->text, sizeof(v->text), "%s", s);
			return 0;
		}
		i = fb_axis_name_index(a, s);
		if (i < 0) {
			snprintf(err, errlen, "allowed %s", fb_axis_names_text(a, names, sizeof(names)));
			return -1;
		}
		snprintf(v->text, sizeof(v->text), "%s", a->names[i]);
		return 0;
	case FB_AXIS_NUMBER:
		v->num = strtod(s, &end);
		if (end == s || *end || !isfinite(v->num) || v->num != floor(v->num)) {
			snprintf(err, errlen, "allowed a whole number");
			return -1;
		}
		v->has_num = true;
		snprintf(v->text, sizeof(v->text), "%.0f", v->num);
		return 0;
	case FB_AXIS_SIZE:
		if (fb_parse_size(s, &bytes)) {
			snprintf(err, errlen, "allowed a size in bytes such as 4096, 4K, 2M, 1G");
			return -1;
		}
		v->has_num = true;
		v->num = (double)bytes;
		fb_size_str(bytes, v->text, sizeof(v->text));
		return 0;
	case FB_AXIS_DIRECTION:
		arrow = strstr(s, "->");
		if (arrow && (size_t)(arrow - s) < sizeof(side)) {
			snprintf(side, sizeof(side), "%.*s", (int)(arrow - s), s);
			src = node_id(doc, side);
			dst = node_id(doc, arrow + 2);
			if (src >= 0 && dst >= 0) {
				v->has_num = true;
				v->num = src;
				v->num2 = dst;
				snprintf(v->text, sizeof(v->text), "%d->%d", src, dst);
				return 0;
			}
		}
		snprintf(err, errlen, "allowed SRC->DST, each a node id or a node of the run's "
			 "machine named as the seeds do (DRAM0, DRAM1, CXL)");
		return -1;
	case FB_AXIS_KPATH:
	case FB_AXIS_CPUS:
		snprintf(v->text, sizeof(v->text), "%s", s);
		return 0;
	}
	return -1;
}

int fb_axis_compare(const struct fb_axis *a, const struct fb_axis_value *x,
		    const struct fb_axis_value *y)
{
	(void)a;
	if (x->has_num && y->has_num) {
		if (x->num != y->num)
			return x->num < y->num ? -1 : 1;
		return (x->num2 > y->num2) - (x->num2 < y->num2);
	}
	return strcmp(x->text, y->text);
}

/* ---- compare's keys and labels ---- */

void fb_axis_key_text(const struct fb_axis *a, json_object *cfg, char *buf, size_t len)
{
	const char *absent = a->absent ? a->absent : "-", *s;
	json_object *v = NULL;

	if (a->key) {
		a->key(a, cfg, buf, len);
	} else if (fb_axis_numeric(a)) {
		v = fb_config_get(cfg, a->name);
		if (v)
			snprintf(buf, len, "%.0f", json_object_get_double(v));
		else
			snprintf(buf, len, "%s", absent);
	} else {
		v = fb_config_get(cfg, a->name);
		s = v ? json_object_get_string(v) : NULL;
		if (!(s && *s))
			s = a->implied ? a->implied(cfg) : absent;
		snprintf(buf, len, "%s", s);
	}
}

void fb_axis_label(const struct fb_axis *a, json_object *cfg, bool full, char *buf, size_t len)
{
	char v[200];

	buf[0] = '\0';
	if (a->label) {
		a->label(a, cfg, full, buf, len);
		return;
	}
	if (a->kind == FB_AXIS_SIZE) {
		json_object *v = fb_config_get(cfg, a->name);

		fb_size_str(v ? (uint64_t)json_object_get_double(v) : 0, buf, len);
		return;
	}
	fb_axis_key_text(a, cfg, v, sizeof(v));
	if ((a->hidden && !strcmp(v, a->hidden)) ||
	    (full && a->usual && !strcmp(v, a->usual)) || (full && a->in_full && !a->in_full(cfg)))
		return;
	snprintf(buf, len, "%s%s", a->prefix ? a->prefix : "", v);
}

/* ---- --where ---- */

int fb_where_parse(struct fb_where *w, const char *where, json_object *doc, char *bad,
		   size_t len)
{
	char **conds, err[256];
	size_t nc;

	memset(w, 0, sizeof(*w));
	if (fb_split_list(where, &conds, &nc) ||
	    !(w->conds = calloc(nc ? nc : 1, sizeof(*w->conds)))) {
		snprintf(bad, len, "%s", where ? where : "");
		return -1;
	}
	for (size_t i = 0; i < nc; i++) {
		struct fb_where_cond *c = &w->conds[w->n];
		char *eq = strchr(conds[i], '=');

		if (eq)
			*eq = '\0';
		c->axis = eq ? fb_axis_find(conds[i]) : NULL;
		if (eq)
			*eq = '=';
		if (!c->axis || !(c->axis->flags & FB_AXIS_ROWS)) {
			snprintf(bad, len, "%s", conds[i]);
			fb_free_list(conds, nc);
			fb_where_free(w);
			return -1;
		}
		snprintf(c->want, sizeof(c->want), "%s", eq + 1);
		c->parsed = !fb_axis_parse(c->axis, c->want, doc, &c->v, err, sizeof(err));
		w->n++;
	}
	fb_free_list(conds, nc);
	return 0;
}

bool fb_where_match(const struct fb_where *w, json_object *cell)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct fb_where_cond *c = &w->conds[i];
		struct fb_axis_value v;

		fb_axis_get(c->axis, cell, &v);
		if (strcmp(v.text, c->want) &&
		    !(c->parsed && fb_axis_compare(c->axis, &v, &c->v) == 0))
			return false;
	}
	return true;
}

void fb_where_free(struct fb_where *w)
{
	free(w->conds);
	memset(w, 0, sizeof(*w));
}

bool fb_where_holds(const char *where, json_object *doc, json_object *cell)
{
	struct fb_where w;
	char bad[160];
	bool ok;

	if (!where || !*where)
		return true;
	if (fb_where_parse(&w, where, doc, bad, sizeof(bad)))
		return false;
	ok = fb_where_match(&w, cell);
	fb_where_free(&w);
	return ok;
}

/* ---- the enum name functions of plan.h, topology.h, evict.h, memory.h, kpath.h ---- */

static const char *name_of(const char *const *names, size_t n, unsigned i)
{
	return i < n ? names[i] : "?";
}

#define NNAMES(t) (sizeof(t) / sizeof((t)[0]) - 1)

const char *fb_mode_name(enum fb_mode m)
{
	return name_of(mode_names, NNAMES(mode_names), (unsigned)m);
}

int fb_mode_parse(const char *s, enum fb_mode *m)
{
	int i = names_index(mode_names, mode_aliases, s);

	if (i < 0)
		return -1;
	*m = (enum fb_mode)i;
	return 0;
}

const char *fb_split_name(enum fb_split s)
{
	return name_of(split_names, NNAMES(split_names), (unsigned)s);
}

int fb_split_parse(const char *s, enum fb_split *sp)
{
	int i = names_index(split_names, NULL, s);

	if (i < 0)
		return -1;
	*sp = (enum fb_split)i;
	return 0;
}

const char *fb_placement_name(enum fb_placement p)
{
	return name_of(placement_names, NNAMES(placement_names), (unsigned)p);
}

int fb_placement_parse(const char *s, enum fb_placement *p)
{
	int i = names_index(placement_names, NULL, s);

	if (i < 0)
		return -1;
	*p = (enum fb_placement)i;
	return 0;
}

const char *fb_evict_name(enum fb_evict e)
{
	return name_of(evict_names, NNAMES(evict_names), (unsigned)e);
}

int fb_evict_parse(const char *s, enum fb_evict *e)
{
	int i = names_index(evict_names, NULL, s);

	if (i < 0)
		return -1;
	*e = (enum fb_evict)i;
	return 0;
}

const char *fb_backing_name(enum fb_backing b)
{
	return name_of(backing_names, NNAMES(backing_names), (unsigned)b);
}

int fb_backing_parse(const char *s, enum fb_backing *b)
{
	int i = names_index(backing_names, NULL, s);

	if (i < 0)
		return -1;
	*b = (enum fb_backing)i;
	return 0;
}

const char *fb_batch_impl_name(enum fb_batch_impl b)
{
	return name_of(batch_impl_names, NNAMES(batch_impl_names), (unsigned)b);
}

int fb_batch_impl_parse(const char *s, enum fb_batch_impl *b)
{
	int i = names_index(batch_impl_names, NULL, s);

	if (i < 0)
		return -1;
	*b = (enum fb_batch_impl)i;
	return 0;
}
