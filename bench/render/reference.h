/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The seeds' published tables (runners/reference/NAME.ref), parsed: their
 * rows, columns, values and the claims about their shape (checked in
 * shapes.h).  A table of our own run in the seed's layout uses the same
 * struct, so every check runs on the seed's numbers and on ours alike.  The
 * file format is described at the top of runners/reference/seed001.ref.
 */
#ifndef FB_REFERENCE_H
#define FB_REFERENCE_H
#include <stdbool.h>
#include <stddef.h>

#define FB_REF_MAX_COLS 16
#define FB_REF_MAX_ROWS 48
#define FB_REF_MAX_TABLES 12
#define FB_REF_MAX_SHAPES 4
#define FB_REF_SEL 160

enum fb_ref_kind {
	FB_REF_NONE,        /* no value: "-" (not measured, not in the post) */
	FB_REF_UNPUBLISHED, /* "?": the post makes the claim without figures */
	FB_REF_MEAN_SD,     /* "1.72±0.05" */
	FB_REF_NUMBER,      /* "273.52": a figure without a spread */
	FB_REF_RATIO,       /* "2.04x" */
	FB_REF_FAILED,      /* our cell failed or was not run */
};

struct fb_ref_value {
	enum fb_ref_kind kind;
	double mean, sd; /* sd is NAN when the post gives none */
	int prec;        /* digits after the point, as transcribed */
};

struct fb_ref_col {
	char label[64];
	char sel[FB_REF_SEL]; /* AXIS=VALUE[,AXIS=VALUE]; "" = every cell */
	int num, den;         /* a ratio column: columns num / den; else -1 */
};

struct fb_ref_row {
	char label[64];
	char sel[FB_REF_SEL];
	bool extra; /* ours only: a value of the row axis the post has no row for */
	struct fb_ref_value v[FB_REF_MAX_COLS];
};

enum fb_shape_kind { FB_SHAPE_RISE, FB_SHAPE_BEATS, FB_SHAPE_BEATS_TABLE, FB_SHAPE_PLATEAU };

struct fb_ref_shape {
	enum fb_shape_kind kind;
	char axis[32];  /* RISE: the axis along which it rises (rows or cols) */
	char a[64], b[64]; /* BEATS: column labels; BEATS_TABLE: table ids (a > b) */
	char text[200]; /* what it checks, in words */
	int stated;     /* -1; 1/0: the post says yes/no in words, without figures */
};

struct fb_ref_table {
	char id[24], title[256], label[64];
	char anchor[160], until[160]; /* the seed text that holds the table */
	char machine[320];            /* the post's machine, when not the file's */
	char where[FB_REF_SEL];
	/* "measures migration: TEXT": the seed's figures are page migration
	 * (TEXT: how the seed copied); a copy run beside it is the copy phase
	 * alone, without an ours/seed ratio.  migration_where: the cells of a
	 * migration run the table uses [where]. */
	bool measures_migration;
	char measured[160];
	char migration_where[FB_REF_SEL];
	char rows_axis[32], cols_axis[32]; /* "-": one row/column for all cells */
	char corner[64];
	char unit[16];
	bool lower_better; /* unit "ms": a time, lower is better */
	bool text_by_cols; /* "order columns": the post lists the numbers column by column */
	int nrows, ncols, nshapes;
	struct fb_ref_col cols[FB_REF_MAX_COLS];
	struct fb_ref_row rows[FB_REF_MAX_ROWS];
	struct fb_ref_shape shapes[FB_REF_MAX_SHAPES];
};

struct fb_reference {
	char path[1024];
	char seed[16], file[128], post[512], machine[320], unit[16];
	int ntables;
	struct fb_ref_table tables[FB_REF_MAX_TABLES];
};

/* Parse a .ref file into *ref (caller-allocated; large: use the heap).
 * On error -1 and "PATH:LINE: what is wrong" in err. */
int fb_reference_load(const char *path, struct fb_reference *ref, char *err, size_t errlen);
/* The same from text in memory; name is used in messages. */
int fb_reference_parse(const char *text, const char *name, struct fb_reference *ref,
		       char *err, size_t errlen);
const struct fb_ref_table *fb_reference_table(const struct fb_reference *ref, const char *id);

/* "1.72±0.05", "2.04x", "273.52", "?", "-".  0 on success. */
int fb_ref_value_parse(const char *s, struct fb_ref_value *v);
const char *fb_ref_value_str(const struct fb_ref_value *v, char *buf, size_t len);
bool fb_ref_has_value(const struct fb_ref_value *v);
int fb_ref_row_index(const struct fb_ref_table *t, const char *label);
int fb_ref_col_index(const struct fb_ref_table *t, const char *label);

/* Fill the ratio columns of every row from their num/den columns. */
void fb_ref_fill_ratios(struct fb_ref_table *t);

#endif
