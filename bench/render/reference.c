// SPDX-License-Identifier: GPL-2.0-only
#include "reference.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "table.h"
#include "util.h"

/* ---- values ---- */

static const char pm[] = "\xc2\xb1"; /* ± in UTF-8 */

static int digits_after_point(const char *s, const char *end)
{
	const char *dot = memchr(s, '.', (size_t)(end - s));

	return dot ? (int)(end - dot - 1) : 0;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int fb_ref_value_parse(const char *s, struct fb_ref_value *v)
{
	char *end;

	memset(v, 0, sizeof(*v));
	v->sd = NAN;
	s = skip_ws(s);
	if (!strcmp(s, "-") || !*s) {
		v->kind = FB_REF_NONE;
		return 0;
	}
	if (!strcmp(s, "?")) {
		v->kind = FB_REF_UNPUBLISHED;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v->mean = strtod(s, &end);
	if (errno || end == s)
		return -1;
	v->prec = digits_after_point(s, end);
	s = skip_ws(end);
	if (!*s) {
		v->kind = FB_REF_NUMBER;
		return 0;
	}
	if (!strcmp(s, "x")) {
		v->kind = FB_REF_RATIO;
		return 0;
	}
	if (strncmp(s, pm, 2))
		return -1;
	s = skip_ws(s + 2);
	if (!isdigit((unsigned char)*s))
		return -1;
	v->sd = strtod(s, &end);
	if (end == s || *skip_ws(end))
		return -1;
	v->kind = FB_REF_MEAN_SD;
	return 0;
}

bool fb_ref_has_value(const struct fb_ref_value *v)
{
	return v->kind == FB_REF_MEAN_SD || v->kind == FB_REF_NUMBER || v->kind == FB_REF_RATIO;
}

const char *fb_ref_value_str(const struct fb_ref_value *v, char *buf, size_t len)
{
	switch (v->kind) {
	case FB_REF_UNPUBLISHED:
		snprintf(buf, len, "?");
		break;
	case FB_REF_MEAN_SD:
		snprintf(buf, len, "%.*f%s%.*f", v->prec, v->mean, pm, v->prec, v->sd);
		break;
	case FB_REF_NUMBER:
		snprintf(buf, len, "%.*f", v->prec, v->mean);
		break;
	case FB_REF_RATIO:
		snprintf(buf, len, "%.*fx", v->prec, v->mean);
		break;
	case FB_REF_FAILED:
		snprintf(buf, len, "failed");
		break;
	default:
		snprintf(buf, len, "-");
	}
	return buf;
}

int fb_ref_col_index(const struct fb_ref_table *t, const char *label)
{
	for (int i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i].label, label))
			return i;
	return -1;
}

int fb_ref_row_index(const struct fb_ref_table *t, const char *label)
{
	for (int i = 0; i < t->nrows; i++)
		if (!strcmp(t->rows[i].label, label))
			return i;
	return -1;
}

const struct fb_ref_table *fb_reference_table(const struct fb_reference *ref, const char *id)
{
	for (int i = 0; i < ref->ntables; i++)
		if (!strcmp(ref->tables[i].id, id))
			return &ref->tables[i];
	return NULL;
}

void fb_ref_fill_ratios(struct fb_ref_table *t)
{
	for (int c = 0; c < t->ncols; c++) {
		const struct fb_ref_col *col = &t->cols[c];

		if (col->num < 0)
			continue;
		for (int r = 0; r < t->nrows; r++) {
			struct fb_ref_value *n = &t->rows[r].v[col->num], *d = &t->rows[r].v[col->den];
			struct fb_ref_value *o = &t->rows[r].v[c];

			if (!fb_ref_has_value(n) || !fb_ref_has_value(d) || d->mean == 0) {
				if (o->kind != FB_REF_UNPUBLISHED)
					o->kind = FB_REF_NONE;
				continue;
			}
			o->kind = FB_REF_RATIO;
			o->mean = n->mean / d->mean;
			o->sd = fb_ratio_sd(n->mean, n->sd, d->mean, d->sd);
			o->prec = 2;
		}
	}
}

/* ---- parsing ---- */

struct parser {
	const char *name;
	int line;
	char *err;
	size_t errlen;
	struct fb_reference *ref;
	struct fb_ref_table *t;
	bool header;
	int npending;
	struct { char label[64], sel[FB_REF_SEL]; bool used; } pending[FB_REF_MAX_ROWS];
	struct { char num[64], den[64]; int col; } ratio[FB_REF_MAX_COLS];
	int nratio;
};

static int perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(p->err, p->errlen, "%s:%d: ", p->name, p->line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int copy_field(struct parser *p, char *dst, size_t len, const char *src, const char *what)
{
	if (strlen(src) >= len)
		return perr(p, "%s is longer than %zu characters", what, len - 1);
	if (!*src)
		return perr(p, "%s is empty", what);
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

/* AXIS=VALUE[,AXIS=VALUE...] with axes the table renderer knows. */
static int check_selector(struct parser *p, const char *sel)
{
	char buf[FB_REF_SEL], *save = NULL, *tok;

	if (strlen(sel) >= sizeof(buf))
		return perr(p, "selector '%s' is too long", sel);
	strcpy(buf, sel);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq || eq == tok || !eq[1])
			return perr(p, "selector '%s': expected AXIS=VALUE", tok);
		*eq = '\0';
		if (!fb_table_axis_valid(trim(tok)))
			return perr(p, "selector axis '%s' is not an axis of foliobench copy --rows", tok);
	}
	return 0;
}

static int check_axis(struct parser *p, const char *axis)
{
	if (strcmp(axis, "-") && !fb_table_axis_valid(axis))
		return perr(p, "axis '%s': allowed '-' or an axis of foliobench copy --rows", axis);
	return 0;
}

static int end_table(struct parser *p)
{
	struct fb_ref_table *t = p->t;

	if (!t)
		return 0;
	if (!p->header)
		return perr(p, "table %s has no header line (| corner | column | ... |)", t->id);
	if (!t->nrows)
		return perr(p, "table %s has no rows", t->id);
	if (!t->rows_axis[0] || !t->cols_axis[0])
		return perr(p, "table %s needs 'rows AXIS' and 'cols AXIS'", t->id);
	for (int i = 0; i < p->npending; i++)
		if (!p->pending[i].used)
			return perr(p, "table %s: 'row %s' has no line in the table", t->id,
				    p->pending[i].label);
	for (int i = 0; i < p->nratio; i++) {
		int n = fb_ref_col_index(t, p->ratio[i].num), d = fb_ref_col_index(t, p->ratio[i].den);

		if (n < 0 || d < 0)
			return perr(p, "table %s: ratio of unknown column '%s'", t->id,
				    n < 0 ? p->ratio[i].num : p->ratio[i].den);
		t->cols[p->ratio[i].col].num = n;
		t->cols[p->ratio[i].col].den = d;
	}
	for (int i = 0; i < t->nshapes; i++) {
		struct fb_ref_shape *s = &t->shapes[i];

		if (s->kind == FB_SHAPE_RISE && strcmp(s->axis, t->rows_axis) &&
		    strcmp(s->axis, t->cols_axis))
			return perr(p, "table %s: shape rise %s: neither the rows nor the columns axis",
				    t->id, s->axis);
		if (s->kind == FB_SHAPE_BEATS &&
		    (fb_ref_col_index(t, s->a) < 0 || fb_ref_col_index(t, s->b) < 0))
			return perr(p, "table %s: shape beats: unknown column '%s'", t->id,
				    fb_ref_col_index(t, s->a) < 0 ? s->a : s->b);
		if (s->kind == FB_SHAPE_PLATEAU && fb_ref_row_index(t, s->a) < 0)
			return perr(p, "table %s: shape plateau from %s: no such row", t->id, s->a);
	}
	p->t = NULL;
	return 0;
}

static int parse_header(struct parser *p, char **cells, int n)
{
	struct fb_ref_table *t = p->t;
	int explicit = t->ncols;

	if (copy_field(p, t->corner, sizeof(t->corner), cells[0], "the corner label"))
		return -1;
	if (n - 1 > FB_REF_MAX_COLS)
		return perr(p, "more than %d columns", FB_REF_MAX_COLS);
	if (explicit && explicit != n - 1)
		return perr(p, "the header has %d columns, the 'col' lines %d", n - 1, explicit);
	for (int i = 1; i < n; i++) {
		struct fb_ref_col *c = &t->cols[i - 1];

		if (explicit) {
			if (strcmp(c->label, cells[i]))
				return perr(p, "header column '%s': the 'col' lines name '%s' here",
					    cells[i], c->label);
			continue;
		}
		if (copy_field(p, c->label, sizeof(c->label), cells[i], "a column label"))
			return -1;
		c->num = c->den = -1;
		if (strcmp(t->cols_axis, "-"))
			snprintf(c->sel, sizeof(c->sel), "%s=%s", t->cols_axis, cells[i]);
	}
	t->ncols = n - 1;
	p->header = true;
	return 0;
}

static int parse_row(struct parser *p, char **cells, int n)
{
	struct fb_ref_table *t = p->t;
	struct fb_ref_row *r;

	if (n - 1 != t->ncols)
		return perr(p, "row '%s' has %d cells, the header %d columns", cells[0], n - 1, t->ncols);
	if (t->nrows == FB_REF_MAX_ROWS)
		return perr(p, "more than %d rows", FB_REF_MAX_ROWS);
	r = &t->rows[t->nrows];
	if (copy_field(p, r->label, sizeof(r->label), cells[0], "a row label"))
		return -1;
	if (fb_ref_row_index(t, r->label) >= 0)
		return perr(p, "row '%s' appears twice", r->label);
	for (int i = 0; i < p->npending; i++) {
		if (!strcmp(p->pending[i].label, r->label)) {
			strcpy(r->sel, p->pending[i].sel);
			p->pending[i].used = true;
		}
	}
	if (!r->sel[0] && strcmp(t->rows_axis, "-")) {
		char sel[FB_REF_SEL];

		snprintf(sel, sizeof(sel), "%s=%s", t->rows_axis, cells[0]);
		memcpy(r->sel, sel, sizeof(sel));
	}
	for (int i = 1; i < n; i++)
		if (fb_ref_value_parse(cells[i], &r->v[i - 1]))
			return perr(p, "row '%s': cell '%s': allowed MEAN±SD, RATIOx, a number, ? or -",
				    r->label, cells[i]);
	t->nrows++;
	return 0;
}

static int parse_bar_line(struct parser *p, char *line)
{
	char *cells[FB_REF_MAX_COLS + 3], *s = line + 1, *bar;
	int n = 0;

	if (!p->t)
		return perr(p, "a table line before any 'table ID'");
	if (!p->t->rows_axis[0] || !p->t->cols_axis[0])
		return perr(p, "table %s: 'rows AXIS' and 'cols AXIS' come before the table lines", p->t->id);
	while ((bar = strchr(s, '|'))) {
		*bar = '\0';
		if (n == FB_REF_MAX_COLS + 2)
			return perr(p, "too many cells");
		cells[n++] = trim(s);
		s = bar + 1;
	}
	if (*trim(s))
		return perr(p, "a table line ends with '|'");
	if (n < 2)
		return perr(p, "a table line needs a label and at least one cell");
	return p->header ? parse_row(p, cells, n) : parse_header(p, cells, n);
}

/* "LABEL = REST": split at the last " = ". */
static int split_def(struct parser *p, char *rest, char **label, char **def, const char *kw)
{
	char *eq = strstr(rest, " = ");

	*label = *def = rest;
	if (!eq)
		return perr(p, "%s: expected '%s LABEL = SELECTOR'", kw, kw);
	*eq = '\0';
	*label = trim(rest);
	*def = trim(eq + 3);
	return 0;
}

static int parse_shape(struct parser *p, char *rest)
{
	struct fb_ref_table *t = p->t;
	struct fb_ref_shape *s;
	char *colon = strchr(rest, ':'), *kind, *args;

	if (t->nshapes == FB_REF_MAX_SHAPES)
		return perr(p, "more than %d shape lines", FB_REF_MAX_SHAPES);
	if (!colon)
		return perr(p, "shape: expected 'shape KIND ARGS: what it checks'");
	s = &t->shapes[t->nshapes];
	*colon = '\0';
	if (copy_field(p, s->text, sizeof(s->text), trim(colon + 1), "the shape text"))
		return -1;
	s->stated = -1;
	kind = trim(rest);
	args = kind + strcspn(kind, " \t");
	if (*args)
		*args++ = '\0';
	args = trim(args);
	if (!strcmp(kind, "rise")) {
		s->kind = FB_SHAPE_RISE;
		if (copy_field(p, s->axis, sizeof(s->axis), args, "the rise axis"))
			return -1;
	} else if (!strcmp(kind, "beats") || !strcmp(kind, "beats-table")) {
		char *gt = strstr(args, " > ");

		s->kind = kind[5] ? FB_SHAPE_BEATS_TABLE : FB_SHAPE_BEATS;
		if (!gt)
			return perr(p, "shape %s: expected 'A > B'", kind);
		*gt = '\0';
		if (copy_field(p, s->a, sizeof(s->a), trim(args), "A") ||
		    copy_field(p, s->b, sizeof(s->b), trim(gt + 3), "B"))
			return -1;
	} else if (!strcmp(kind, "plateau")) {
		s->kind = FB_SHAPE_PLATEAU;
		if (strncmp(args, "from ", 5))
			return perr(p, "shape plateau: expected 'plateau from ROW'");
		if (copy_field(p, s->a, sizeof(s->a), trim(args + 5), "the first row"))
			return -1;
	} else {
		return perr(p, "shape %s: allowed rise, beats, beats-table, plateau", kind);
	}
	t->nshapes++;
	return 0;
}

static int parse_keyword(struct parser *p, char *line)
{
	struct fb_reference *ref = p->ref;
	struct fb_ref_table *t = p->t;
	char *kw = line, *rest = line + strcspn(line, " \t");

	if (*rest)
		*rest++ = '\0';
	rest = trim(rest);

	if (!strcmp(kw, "table")) {
		if (end_table(p))
			return -1;
		if (ref->ntables == FB_REF_MAX_TABLES)
			return perr(p, "more than %d tables", FB_REF_MAX_TABLES);
		t = p->t = &ref->tables[ref->ntables++];
		memset(t, 0, sizeof(*t));
		p->header = false;
		p->npending = 0;
		p->nratio = 0;
		snprintf(t->unit, sizeof(t->unit), "%s", ref->unit[0] ? ref->unit : "GB/s");
		t->lower_better = !strcmp(t->unit, "ms");
		if (copy_field(p, t->id, sizeof(t->id), rest, "the table id"))
			return -1;
		for (int i = 0; i < ref->ntables - 1; i++)
			if (!strcmp(ref->tables[i].id, t->id))
				return perr(p, "table %s appears twice", t->id);
		return 0;
	}
	if (!t) {
		struct { const char *k; char *dst; size_t len; } top[] = {
			{ "seed", ref->seed, sizeof(ref->seed) },
			{ "file", ref->file, sizeof(ref->file) },
			{ "post", ref->post, sizeof(ref->post) },
			{ "machine", ref->machine, sizeof(ref->machine) },
			{ "unit", ref->unit, sizeof(ref->unit) },
		};

		for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
			if (!strcmp(kw, top[i].k))
				return copy_field(p, top[i].dst, top[i].len, rest, kw);
		return perr(p, "'%s' before any 'table ID' (allowed: seed, file, post, machine, unit, table)", kw);
	}
	{
		struct { const char *k; char *dst; size_t len; } fields[] = {
			{ "title", t->title, sizeof(t->title) },
			{ "label", t->label, sizeof(t->label) },
			{ "anchor", t->anchor, sizeof(t->anchor) },
			{ "until", t->until, sizeof(t->until) },
			{ "where", t->where, sizeof(t->where) },
			{ "migration-where", t->migration_where, sizeof(t->migration_where) },
			{ "rows", t->rows_axis, sizeof(t->rows_axis) },
			{ "cols", t->cols_axis, sizeof(t->cols_axis) },
			{ "unit", t->unit, sizeof(t->unit) },
			{ "machine", t->machine, sizeof(t->machine) },
		};

		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			if (strcmp(kw, fields[i].k))
				continue;
			if (p->header && (!strcmp(kw, "rows") || !strcmp(kw, "cols")))
				return perr(p, "'%s' after the table lines", kw);
			if (copy_field(p, fields[i].dst, fields[i].len, rest, kw))
				return -1;
			if (!strcmp(kw, "where") || !strcmp(kw, "migration-where"))
				return check_selector(p, rest);
			if (!strcmp(kw, "rows") || !strcmp(kw, "cols"))
				return check_axis(p, rest);
			if (!strcmp(kw, "unit"))
				t->lower_better = !strcmp(t->unit, "ms");
			return 0;
		}
	}
	if (!strcmp(kw, "measures")) {
		char *colon = strchr(rest, ':');

		if (colon)
			*colon = '\0';
		if (strcmp(trim(rest), "migration") && strcmp(trim(rest), "copy"))
			return perr(p, "measures %s: allowed 'migration: HOW' or 'copy'", trim(rest));
		t->measures_migration = !strcmp(trim(rest), "migration");
		if (t->measures_migration && !colon)
			return perr(p, "measures migration: expected 'measures migration: how the seed copied'");
		return colon ? copy_field(p, t->measured, sizeof(t->measured), trim(colon + 1), kw) : 0;
	}
	if (!strcmp(kw, "col")) {
		char *label, *def;
		struct fb_ref_col *c;

		if (p->header)
			return perr(p, "'col' after the table lines");
		if (t->ncols == FB_REF_MAX_COLS)
			return perr(p, "more than %d columns", FB_REF_MAX_COLS);
		if (split_def(p, rest, &label, &def, "col"))
			return -1;
		c = &t->cols[t->ncols];
		if (copy_field(p, c->label, sizeof(c->label), label, "a column label"))
			return -1;
		c->num = c->den = -1;
		if (!strncmp(def, "ratio ", 6)) {
			char *slash = strstr(def + 6, " / ");

			if (!slash)
				return perr(p, "col %s: expected 'ratio COLUMN / COLUMN'", label);
			*slash = '\0';
			snprintf(p->ratio[p->nratio].num, 64, "%s", trim(def + 6));
			snprintf(p->ratio[p->nratio].den, 64, "%s", trim(slash + 3));
			p->ratio[p->nratio++].col = t->ncols;
		} else {
			if (strcmp(def, "*") && (check_selector(p, def) ||
						 copy_field(p, c->sel, sizeof(c->sel), def, "the selector")))
				return -1;
		}
		t->ncols++;
		return 0;
	}
	if (!strcmp(kw, "row")) {
		char *label, *def;

		if (p->header)
			return perr(p, "'row LABEL = SELECTOR' comes before the table lines");
		if (p->npending == FB_REF_MAX_ROWS)
			return perr(p, "more than %d rows", FB_REF_MAX_ROWS);
		if (split_def(p, rest, &label, &def, "row") || check_selector(p, def))
			return -1;
		if (copy_field(p, p->pending[p->npending].label, 64, label, "a row label") ||
		    copy_field(p, p->pending[p->npending].sel, FB_REF_SEL, def, "the selector"))
			return -1;
		p->pending[p->npending++].used = false;
		return 0;
	}
	if (!strcmp(kw, "order")) {
		if (strcmp(rest, "rows") && strcmp(rest, "columns"))
			return perr(p, "order %s: allowed rows, columns", rest);
		t->text_by_cols = !strcmp(rest, "columns");
		return 0;
	}
	if (!strcmp(kw, "shape"))
		return parse_shape(p, rest);
	if (!strcmp(kw, "stated")) {
		if (!t->nshapes)
			return perr(p, "'stated' before any shape line");
		if (strcmp(rest, "yes") && strcmp(rest, "no"))
			return perr(p, "stated %s: allowed yes, no", rest);
		t->shapes[t->nshapes - 1].stated = !strcmp(rest, "yes");
		return 0;
	}
	return perr(p, "unknown keyword '%s' (allowed: table, title, label, machine, anchor, until, "
		    "where, migration-where, measures, rows, cols, unit, order, col, row, shape, stated, or a | table line)", kw);
}

int fb_reference_parse(const char *text, const char *name, struct fb_reference *ref,
		       char *err, size_t errlen)
{
	struct parser *p = calloc(1, sizeof(*p));
	char *copy = strdup(text), *save = NULL, *line;
	int rc = 0;

	memset(ref, 0, sizeof(*ref));
	snprintf(ref->path, sizeof(ref->path), "%s", name);
	if (!p || !copy) {
		snprintf(err, errlen, "%s: out of memory", name);
		free(p);
		free(copy);
		return -1;
	}
	p->name = name;
	p->err = err;
	p->errlen = errlen;
	p->ref = ref;
	/* strtok_r would merge empty lines and lose the line count: walk by hand. */
	for (line = copy; line && !rc; line = save) {
		char *nl = strchr(line, '\n'), *s;

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		p->line++;
		s = trim(line);
		if (!*s || *s == '#')
			continue;
		rc = *s == '|' ? parse_bar_line(p, s) : parse_keyword(p, s);
	}
	if (!rc)
		rc = end_table(p);
	if (!rc && !ref->ntables)
		rc = perr(p, "no tables");
	for (int i = 0; !rc && i < ref->ntables; i++) {
		const struct fb_ref_table *t = &ref->tables[i];

		for (int k = 0; !rc && k < t->nshapes; k++) {
			const struct fb_ref_shape *s = &t->shapes[k];

			if (s->kind == FB_SHAPE_BEATS_TABLE &&
			    (!fb_reference_table(ref, s->a) || !fb_reference_table(ref, s->b)))
				rc = perr(p, "table %s: shape beats-table: unknown table '%s'", t->id,
					  fb_reference_table(ref, s->a) ? s->b : s->a);
		}
	}
	free(copy);
	free(p);
	return rc;
}

int fb_reference_load(const char *path, struct fb_reference *ref, char *err, size_t errlen)
{
	const size_t cap = 16u << 20; /* a transcribed table is a few KiB */
	size_t len;
	char *text = fb_read_file(path, cap, &len);
	int rc;

	if (!text) {
		snprintf(err, errlen, "%s: %s", path, fb_read_strerror(errno));
		return -1;
	}
	if (len > cap) {
		snprintf(err, errlen, "%s: larger than %zu MiB: not a reference table", path,
			 cap >> 20);
		free(text);
		return -1;
	}
	rc = fb_reference_parse(text, path, ref, err, errlen);
	free(text);
	return rc;
}
