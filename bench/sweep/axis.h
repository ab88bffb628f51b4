/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The axis registry: every axis of a cell's configuration, once.  An entry
 * names the axis (its config field and its --rows/--cols/--where key), its
 * table label, its cells.csv column, whether it is part of compare's
 * matching key, how its value is parsed, printed and compared, and the
 * names an enum axis allows.  The tables (table.c), compare's keys and row
 * labels, cells.csv (results.c), paths and report read it; the enum name
 * functions of plan.h, topology.h, evict.h, memory.h and kpath.h are
 * defined here from its name tables.
 *
 * A new axis is one entry in axes[] (axis.c) plus the code that sets it.
 */
#ifndef FB_AXIS_H
#define FB_AXIS_H
#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

enum fb_axis_kind {
	FB_AXIS_WORD,      /* text: one of names[] when the axis has names */
	FB_AXIS_NUMBER,    /* a count or an id: threads, batch, src_node */
	FB_AXIS_SIZE,      /* bytes: printed and parsed as 4K, 2M, 1G */
	FB_AXIS_DIRECTION, /* src_node->dst_node; parsed with node names DRAM0, CXL */
	FB_AXIS_KPATH,     /* the cell's kernel path, in its short form */
	FB_AXIS_CPUS,      /* a --cpus list: 0,2,4 */
};

/* What an axis takes part in (fb_axis.flags). */
#define FB_AXIS_ROWS (1u << 0)    /* --rows, --cols, --where and seed selectors */
#define FB_AXIS_KEY (1u << 1)     /* compare matches cells on it */
#define FB_AXIS_SHARED (1u << 2)  /* named on a table's line of shared values */
#define FB_AXIS_OUTCOME (1u << 3) /* what the kernel model picked, not asked for */

struct fb_axis {
	const char *name;          /* config field and axis key */
	const char *title;         /* table header: "Folio size" */
	enum fb_axis_kind kind;
	unsigned flags;
	int table_rank;            /* order in the tables' lists (1 first), 0: none */
	/* its place among cells.csv's axis columns (config.NAME; 1 first), 0:
	 * none.  A file format: a new axis takes the next number, so the
	 * columns before it keep their places. */
	int csv_column;
	const char *const *names;  /* an enum's names, NULL-terminated; NULL: any text */
	const char *const *aliases; /* other spellings: "alias", "name", ..., NULL */
	const char *absent;        /* key text when a cell lacks the field ("-") */
	/* the value a cell without the field stands for, when it depends on
	 * the cell (a batched cell without batch_impl ran memcpy); NULL: none */
	const char *(*implied)(json_object *cfg);
	/* compare's row labels: prefix + value ("t4", "evict=src"); a value
	 * equal to hidden never shows, one equal to usual not in full labels
	 * (those that name a cell alone), nor when in_full says no */
	const char *prefix, *usual, *hidden;
	bool (*in_full)(json_object *cfg);
	/* a label that is not prefix + value (the direction, the source fill) */
	void (*label)(const struct fb_axis *a, json_object *cfg, bool full, char *buf, size_t len);
	/* a key text that is not the field's (a primitive cell, a CPU list) */
	void (*key)(const struct fb_axis *a, json_object *cfg, char *buf, size_t len);
};

/* The registry, in the order of a configuration (compare's keys, labels);
 * at most FB_MAX_AXES entries, so a set of axes is a bit mask. */
#define FB_MAX_AXES 32
extern const struct fb_axis fb_axes[];
extern const size_t fb_naxes;

/* The axis called name, or NULL. */
const struct fb_axis *fb_axis_find(const char *name);
/* The axes with a table_rank, in that order: how many (at most fb_naxes). */
size_t fb_axis_table_order(const struct fb_axis **out);
/* The axes that are cells.csv columns, in their order. */
size_t fb_axis_csv_order(const struct fb_axis **out);
/* The names of the axes with every flag of flags, comma-separated, in
 * table order ("experiment, backend, ..."), for messages. */
const char *fb_axis_list(unsigned flags, char *buf, size_t len);
bool fb_axis_numeric(const struct fb_axis *a);

/* One value of an axis: its text as a table prints it and, for numbers,
 * sizes and directions, its number(s). */
struct fb_axis_value {
	char text[160];
	bool has_num;
	double num, num2;          /* direction: source and destination node */
};

/* print: the value of axis a in cell ("2M", "0->1", "batched"; "-" absent). */
void fb_axis_get(const struct fb_axis *a, json_object *cell, struct fb_axis_value *v);
/* parse: text as a user writes it (--where, a seed's selector); doc is the
 * run whose machine names the nodes (DRAM0, CXL), or NULL.  -1 with
 * "allowed ..." in err when s is no value of a. */
int fb_axis_parse(const struct fb_axis *a, const char *s, json_object *doc,
		  struct fb_axis_value *v, char *err, size_t errlen);
/* compare: numbers by value, directions by source then destination, text
 * by strcmp; <0, 0, >0. */
int fb_axis_compare(const struct fb_axis *a, const struct fb_axis_value *x,
		    const struct fb_axis_value *y);
/* How the seeds name NUMA node id of the run's machine: "DRAM0" (the first
 * node with CPUs), "CXL" (the only memory-only node), "CXL1", "node7". */
const char *fb_axis_node_name(json_object *doc, int id, char *buf, size_t len);

/* compare's view of a configuration cfg: the text axis a adds to the
 * matching key (numbers as "%.0f", absent as a->absent), and its part of a
 * row label; full: a label that names the cell alone.  "" when nothing shows. */
void fb_axis_key_text(const struct fb_axis *a, json_object *cfg, char *buf, size_t len);
void fb_axis_label(const struct fb_axis *a, json_object *cfg, bool full, char *buf, size_t len);

/* The enum names of an axis, for "allowed ..." messages. */
const char *fb_axis_names_text(const struct fb_axis *a, char *buf, size_t len);
/* The index of s in a's names (an alias counts as its name), or -1. */
int fb_axis_name_index(const struct fb_axis *a, const char *s);

/*
 * The one --where matcher (show, report and the seeds' selectors):
 * AXIS=VALUE[,AXIS=VALUE...], each AXIS a table axis.  A cell matches when
 * every condition holds: its value prints as VALUE, or VALUE parses to the
 * same value (folio_size=2MiB is 2M, direction=dram0->cxl the nodes the
 * run's machine calls so, threads=04 is 4).
 */
struct fb_where {
	struct fb_where_cond {
		const struct fb_axis *axis;
		char want[160];
		bool parsed;       /* want is a value of the axis */
		struct fb_axis_value v;
	} *conds;
	size_t n;
};
/* -1 with the first condition that is not AXIS=VALUE with a table axis in
 * bad (as given); doc names the nodes (may be NULL). */
int fb_where_parse(struct fb_where *w, const char *where, json_object *doc, char *bad,
		   size_t len);
bool fb_where_match(const struct fb_where *w, json_object *cell);
void fb_where_free(struct fb_where *w);
/* Parse and match at once: "" or NULL holds for every cell, a bad list
 * for none. */
bool fb_where_holds(const char *where, json_object *doc, json_object *cell);

#endif
