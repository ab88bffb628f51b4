// SPDX-License-Identifier: GPL-2.0-only
/*
 * The seeds' transcribed tables (runners/reference/NAME.ref): every file
 * parses, every table has the seed's rows and columns, every number equals
 * the one in the seed's text (shared/seeds, beside the clone at ../shared;
 * that check is skipped when the seeds are not there), every claim of the
 * seed holds on its own numbers; and the parser and the shape checks on
 * small made-up tables.
 */
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"
#include "shapes.h"
#include "check.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = calloc(1, (size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

/* The numbers of a seed's table as its text writes them, in reading order:
 * "18.65 ± 1.37" (a mean and its sd), "2.04x" (a ratio), "1486 ms" (a time,
 * when the table's unit is ms). */
static int seed_numbers(const char *s, const char *end, bool ms, struct fb_ref_value *out, int max)
{
	const char *begin = s;
	int n = 0;

	while (s < end && n < max) {
		char *e;
		double v;
		const char *p;

		/* A number starts a token: not "DRAM0", "v7.1-rc3" or "6.14.0". */
		if (!isdigit((unsigned char)*s) ||
		    (s > begin && (isalnum((unsigned char)s[-1]) || s[-1] == '.' || s[-1] == '-'))) {
			s++;
			continue;
		}
		v = strtod(s, &e);
		p = e;
		while (*p == ' ')
			p++;
		if (!strncmp(p, "\xc2\xb1", 2)) {
			p += 2;
			while (*p == ' ')
				p++;
			out[n] = (struct fb_ref_value){ .kind = FB_REF_MEAN_SD, .mean = v,
							.sd = strtod(p, &e) };
			n++;
			s = e;
			continue;
		}
		if (*e == 'x' && !isalnum((unsigned char)e[1])) {
			out[n++] = (struct fb_ref_value){ .kind = FB_REF_RATIO, .mean = v, .sd = NAN };
			s = e + 1;
			continue;
		}
		if (ms && !strncmp(p, "ms", 2) && !isalnum((unsigned char)p[2])) {
			out[n++] = (struct fb_ref_value){ .kind = FB_REF_NUMBER, .mean = v, .sd = NAN };
			s = p + 2;
			continue;
		}
		s = e;
	}
	return n;
}

static void check_against_seed(const struct fb_reference *ref, const struct fb_ref_table *t,
			       const char *text)
{
	struct fb_ref_value seen[512];
	const char *a = strstr(text, t->anchor), *b;
	char what[256];
	int n, k = 0, bad = 0;

	snprintf(what, sizeof(what), "seed %s table %s", ref->seed, t->id);
	checkf(a != NULL, "%s: the anchor text is in the seed", what);
	if (!a)
		return;
	b = strstr(a + strlen(t->anchor), t->until);
	checkf(b != NULL, "%s: the until text follows the anchor", what);
	if (!b)
		return;
	n = seed_numbers(a, b, t->lower_better, seen, 512);
	/* In the order the post writes them: row by row, or column by column. */
	for (int i = 0; i < t->nrows * t->ncols; i++) {
		int r = t->text_by_cols ? i % t->nrows : i / t->ncols;
		int c = t->text_by_cols ? i / t->nrows : i % t->ncols;
		const struct fb_ref_value *v = &t->rows[r].v[c];

		if (!fb_ref_has_value(v))
			continue;
		if (k >= n || seen[k].kind != v->kind || fabs(seen[k].mean - v->mean) > 1e-9 ||
		    (v->kind == FB_REF_MEAN_SD && fabs(seen[k].sd - v->sd) > 1e-9)) {
			if (!bad++)
				printf("# %s: row %s column %s: transcribed %g, the seed has %g at number %d\n",
				       what, t->rows[r].label, t->cols[c].label, v->mean,
				       k < n ? seen[k].mean : NAN, k + 1);
		}
		k++;
	}
	checkf(!bad && k == n, "%s: every transcribed number equals the seed's, in order", what);
	if (k != n)
		printf("# %s: %d numbers transcribed, %d in the seed's text\n", what, k, n);
	if (!k)
		return;
	/* Labels: the first word of every row and column is in the post's table. */
	bad = 0;
	for (int r = 0; r < t->nrows; r++) {
		char lab[64], *arrow;

		snprintf(lab, sizeof(lab), "%s", t->rows[r].label);
		/* The first word: "DRAM0 -> CXL" is aligned with more spaces in
		 * the seed, "nd_pmem first binding" is our wording of its lines. */
		if ((arrow = strchr(lab, ' ')))
			*arrow = '\0';
		if (!memmem(a, (size_t)(b - a), lab, strlen(lab)))
			bad++;
	}
	for (int c = 0; c < t->ncols; c++) {
		char lab[64];

		snprintf(lab, sizeof(lab), "%s", t->cols[c].label);
		lab[strcspn(lab, " ")] = '\0'; /* "baseline GB/s": the first word */
		if (!memmem(a, (size_t)(b - a), lab, strlen(lab)))
			bad++;
	}
	checkf(!bad, "%s: every row and column label is in the seed's table", what);
}

static const char *seeds_dir(void)
{
	static const char *const tries[] = { "../../shared/seeds", "../shared/seeds",
					     "../../../shared/seeds" };
	static char buf[1024];
	DIR *d;

	if (getenv("FOLIOBENCH_SEEDS")) {
		if (!(d = opendir(getenv("FOLIOBENCH_SEEDS"))))
			return NULL;
		closedir(d);
		return getenv("FOLIOBENCH_SEEDS");
	}
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		if ((d = opendir(tries[i]))) {
			closedir(d);
			snprintf(buf, sizeof(buf), "%s", tries[i]);
			return buf;
		}
	}
	return NULL;
}

static void test_files(void)
{
	const char *dir = "../runners/reference", *seeds = seeds_dir();
	struct fb_reference *ref = calloc(1, sizeof(*ref));
	DIR *d = opendir(dir);
	struct dirent *e;
	char err[256];
	int files = 0;

	checkf(d != NULL, "%s exists", dir);
	if (!d)
		return;
	if (!seeds)
		printf("# skip: shared/seeds not found beside the clone (../shared/seeds): transcriptions not compared with the seeds' text\n");
	while ((e = readdir(d))) {
		char path[1024], spath[1200];
		char *text;
		size_t len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 4, ".ref"))
			continue;
		files++;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (fb_reference_load(path, ref, err, sizeof(err))) {
			checkf(0, "%s parses", err);
			continue;
		}
		checkf(1, "%s parses", path);
		checkf(ref->seed[0] && ref->file[0] && ref->post[0] && ref->machine[0],
		      "%s cites its post: seed, file, post, machine", path);
		for (int i = 0; i < ref->ntables; i++) {
			const struct fb_ref_table *t = &ref->tables[i];
			bool shapes_ok = true;

			checkf(t->anchor[0] && t->until[0] && t->title[0], "%s: every table has a title, anchor and until", path);
			for (int k = 0; k < t->nshapes; k++) {
				struct fb_shape_result r;
				const struct fb_ref_shape *s = &t->shapes[k];

				if (s->kind == FB_SHAPE_BEATS_TABLE)
					fb_ref_shape_eval(s, fb_reference_table(ref, s->a),
							  fb_reference_table(ref, s->b), &r);
				else
					fb_ref_shape_eval(s, t, NULL, &r);
				/* n/a: a check the post gives no figures for (ours only). */
				if (strcmp(r.verdict, "yes") && strcmp(r.verdict, "n/a") && s->stated != 1) {
					printf("# %s table %s: '%s' is %s on the seed's own numbers\n",
					       path, t->id, s->text, r.verdict);
					shapes_ok = false;
				}
			}
			checkf(shapes_ok, "%s: no claim fails on the seed's own numbers", t->id);
		}
		if (!seeds)
			continue;
		snprintf(spath, sizeof(spath), "%s/%s", seeds, ref->file);
		text = slurp(spath);
		checkf(text != NULL, "the cited seed file %s exists", spath);
		for (int i = 0; text && i < ref->ntables; i++)
			check_against_seed(ref, &ref->tables[i], text);
		free(text);
	}
	closedir(d);
	checkf(files >= 2, "%s holds the seeds' references", "runners/reference");
	free(ref);
}

/* Seed 001's tables have the seed's rows and columns. */
static void test_layouts(void)
{
	static const char *const sizes[] = { "4K", "16K", "32K", "64K", "128K", "256K", "512K", "1M", "2M" };
	static const char *const counts[] = { "1", "8", "64", "256", "512", "1024", "2048", "8192" };
	static const char *const threads[] = { "1", "2", "4", "8", "16" };
	struct fb_reference *ref = calloc(1, sizeof(*ref));
	char err[256];
	bool ok;

	if (fb_reference_load("../runners/reference/seed001.ref", ref, err, sizeof(err))) {
		checkf(0, "%s", err);
		free(ref);
		return;
	}
	for (const char *const *id = (const char *const[]){ "1a", "1b", NULL }; *id; id++) {
		const struct fb_ref_table *t = fb_reference_table(ref, *id);

		ok = t && t->ncols == 9 && t->nrows == 5;
		for (int c = 0; ok && c < 9; c++)
		{
			char sel[64];

			snprintf(sel, sizeof(sel), "folio_size=%s", sizes[c]);
			ok = !strcmp(t->cols[c].label, sizes[c]) && !strcmp(t->cols[c].sel, sel);
		}
		for (int r = 0; ok && r < 5; r++)
			ok = !strcmp(t->rows[r].label, threads[r]);
		checkf(ok, "seed 001 table %s: rows 1..16, columns 4K..2M", *id);
	}
	for (const char *const *id = (const char *const[]){ "2a", "2b", NULL }; *id; id++) {
		const struct fb_ref_table *t = fb_reference_table(ref, *id);

		ok = t && t->ncols == 1 && t->nrows == 8 && !strcmp(t->cols[0].label, "GB/s");
		for (int r = 0; ok && r < 8; r++)
			ok = !strcmp(t->rows[r].label, counts[r]) &&
			     !strncmp(t->rows[r].sel, "folio_count=", 12);
		checkf(ok, "seed 001 table %s: folio counts 1..8192, one GB/s column", *id);
	}
	for (const char *const *id = (const char *const[]){ "3a", "3b", NULL }; *id; id++) {
		const struct fb_ref_table *t = fb_reference_table(ref, *id);

		ok = t && t->ncols == 1 && t->nrows == 5 && strstr(t->where, "placement=");
		for (int r = 0; ok && r < 5; r++)
			ok = !strcmp(t->rows[r].label, threads[r]);
		checkf(ok, "seed 001 table %s: threads 1..16 with its placement", *id);
	}
	checkf(!strcmp(fb_reference_table(ref, "1a")->cols[8].sel, "folio_size=2M"),
	      "a column label selects %s", "folio_size=2M");
	free(ref);
}

static void test_parser(void)
{
	struct fb_reference *ref = calloc(1, sizeof(*ref));
	struct fb_ref_value v;
	char err[256], buf[64];
	static const char good[] =
		"seed 9\nfile x.txt\npost p\nmachine m\n"
		"table t\ntitle T\nanchor A\nuntil B\nrows direction\ncols -\n"
		"measures migration: the series' copy\nmigration-where threads=1\n"
		"col base = mode=per-page\ncol opt = mode=batched\ncol speedup = ratio opt / base\n"
		"row DRAM0 -> CXL = direction=dram0->cxl\n"
		"| Direction | base | opt | speedup |\n"
		"| DRAM0 -> CXL | 10.00±1.00 | 20.00±1.00 | 2.00x |\n"
		"| DRAM0 -> DRAM0 | 10.00±0.10 | 10.10±0.10 | ? |\n"
		"shape beats opt > base: batched wins\n";
	static const struct { const char *text, *msg; } bad[] = {
		{ "table t\nrows threads\ncols folio_size\n| T | 4K |\n| 1 | 1.2±x |\n", "cell '1.2±x'" },
		{ "table t\nrows threads\ncols folio_size\n| T | 4K |\n| 1 | 1 | 2 |\n", "has 2 cells" },
		{ "table t\nrows nodes\n", "axis 'nodes'" },
		{ "table t\nfrobnicate 1\n", "unknown keyword 'frobnicate'" },
		{ "seed 1\n| a | b |\n", "before any 'table" },
		{ "table t\nrows threads\ncols -\n| T | GB/s |\n| 1 | 2 |\nshape rise folio_size: x\n", "neither" },
		{ "table t\nrows threads\ncols -\nwhere threads\n", "expected AXIS=VALUE" },
		{ "table t\nmeasures teleport\n", "measures teleport: allowed" },
		{ "table t\nmeasures migration\n", "expected 'measures migration: how" },
		{ "table t\nmigration-where nodes=1\n", "selector axis 'nodes'" },
	};

	checkf(fb_ref_value_parse("1.72±0.05", &v) == 0 && v.kind == FB_REF_MEAN_SD && v.mean == 1.72 &&
	      v.sd == 0.05 && v.prec == 2, "%s parses as mean and sd", "1.72±0.05");
	checkf(fb_ref_value_parse("18.65 ± 1.37", &v) == 0 && v.sd == 1.37, "%s (spaces) parses", "18.65 ± 1.37");
	checkf(fb_ref_value_parse("2.04x", &v) == 0 && v.kind == FB_REF_RATIO && v.mean == 2.04,
	      "%s parses as a ratio", "2.04x");
	checkf(fb_ref_value_parse("1486", &v) == 0 && v.kind == FB_REF_NUMBER && v.prec == 0 &&
	      !strcmp(fb_ref_value_str(&v, buf, sizeof(buf)), "1486"), "%s round-trips", "1486");
	checkf(fb_ref_value_parse("?", &v) == 0 && v.kind == FB_REF_UNPUBLISHED, "%s is unpublished", "?");
	checkf(fb_ref_value_parse("1.2.3", &v) != 0 && fb_ref_value_parse("x", &v) != 0 &&
	      fb_ref_value_parse("1±", &v) != 0, "%s are rejected", "1.2.3, x, 1±");

	if (fb_reference_parse(good, "good", ref, err, sizeof(err)))
		printf("# %s\n", err);
	checkf(ref->ntables == 1, "a table with explicit %s parses", "col/row selectors");
	if (ref->ntables == 1) {
		const struct fb_ref_table *t = &ref->tables[0];
		struct fb_shape_result r;

		checkf(t->measures_migration && !strcmp(t->measured, "the series' copy") &&
		      !strcmp(t->migration_where, "threads=1"), "%s parse", "measures and migration-where");
		checkf(t->cols[2].num == 1 && t->cols[2].den == 0, "%s resolves its columns", "col speedup = ratio opt / base");
		checkf(!strcmp(t->rows[0].sel, "direction=dram0->cxl") && !strcmp(t->rows[1].sel, "direction=DRAM0 -> DRAM0"),
		      "rows take %s, else the row axis and label", "the explicit selector");
		fb_ref_shape_eval(&t->shapes[0], t, NULL, &r);
		checkf(!strcmp(r.verdict, "within noise") && r.plus == 1 && r.same == 1,
		      "beats: %s", "20±1 beats 10±1; 10.1±0.1 vs 10±0.1 is within noise: not most -> within noise");
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = fb_reference_parse(bad[i].text, "bad.ref", ref, err, sizeof(err));

		checkf(rc != 0 && strstr(err, bad[i].msg) && !strncmp(err, "bad.ref:", 8),
		      "a bad file is refused with its line: %s", err);
	}
	free(ref);
}

static void test_shapes(void)
{
	struct fb_reference *ref = calloc(1, sizeof(*ref));
	struct fb_shape_result r;
	char err[256];
	static const char text[] =
		"table up\nrows threads\ncols folio_size\n"
		"| T | 4K | 2M |\n| 1 | 1.00±0.01 | 9.00±0.10 |\n| 2 | 2.00±0.01 | 1.00±0.01 |\n"
		"shape rise folio_size: up with size\nshape rise threads: up with threads\n"
		"table flat\nrows folio_count\ncols -\n"
		"| N | GB/s |\n| 1 | 5.00±1.00 | \n| 512 | 10.00±0.10 |\n| 1024 | 10.30±0.10 |\n| 8192 | 10.40±0.10 |\n"
		"shape plateau from 512: plateau\nshape rise folio_count: up\n"
		"table same\nrows folio_count\ncols -\n"
		"| N | GB/s |\n| 1 | 5.00±1.00 |\n| 512 | 10.00±0.10 |\n| 1024 | 13.00±0.10 |\n"
		"shape plateau from 512: plateau\nshape beats-table flat > same: beats\n";

	if (fb_reference_parse(text, "shapes", ref, err, sizeof(err))) {
		checkf(0, "%s", err);
		free(ref);
		return;
	}
	fb_ref_shape_eval(&ref->tables[0].shapes[0], &ref->tables[0], NULL, &r);
	checkf(!strcmp(r.verdict, "mixed") && r.plus == 1 && r.minus == 1,
	      "rise along columns, one row up and one down: %s", r.verdict);
	fb_ref_shape_eval(&ref->tables[0].shapes[1], &ref->tables[0], NULL, &r);
	checkf(!strcmp(r.verdict, "mixed") && r.n == 2, "rise along rows, per column: %s", r.verdict);
	fb_ref_shape_eval(&ref->tables[1].shapes[0], &ref->tables[1], NULL, &r);
	checkf(!strcmp(r.verdict, "yes"), "10.0..10.4 is a plateau (within 5%%): %s", r.verdict);
	fb_ref_shape_eval(&ref->tables[1].shapes[1], &ref->tables[1], NULL, &r);
	checkf(!strcmp(r.verdict, "yes"), "1 -> 8192 rises: %s", r.verdict);
	fb_ref_shape_eval(&ref->tables[2].shapes[0], &ref->tables[2], NULL, &r);
	checkf(!strcmp(r.verdict, "no"), "10 -> 13 is no plateau: %s", r.verdict);
	fb_ref_shape_eval(&ref->tables[2].shapes[1], &ref->tables[1], &ref->tables[2], &r);
	checkf(!strcmp(r.verdict, "within noise") && r.same == 2 && r.minus == 1 && r.n == 3,
	      "beats-table by row label: equal rows are within noise, 10.3 < 13 is reversed: %s", r.verdict);
	ref->tables[1].rows[1].v[0].kind = FB_REF_NONE;
	ref->tables[1].rows[2].v[0].kind = FB_REF_NONE;
	ref->tables[1].rows[3].v[0].kind = FB_REF_NONE;
	fb_ref_shape_eval(&ref->tables[1].shapes[0], &ref->tables[1], NULL, &r);
	checkf(!strcmp(r.verdict, "n/a"), "nothing measured from 512 on: %s", r.verdict);
	free(ref);
}

/* Shape 0 of table 0 of text, on its own numbers (a beats-table on the
 * tables it names); 0 when it parses. */
static int eval_text(const char *text, struct fb_reference *ref, struct fb_shape_result *r)
{
	const struct fb_ref_shape *s;
	char err[256];

	if (fb_reference_parse(text, "verdicts", ref, err, sizeof(err))) {
		checkf(0, "%s", err);
		return -1;
	}
	s = &ref->tables[0].shapes[0];
	if (s->kind == FB_SHAPE_BEATS_TABLE)
		fb_ref_shape_eval(s, fb_reference_table(ref, s->a), fb_reference_table(ref, s->b), r);
	else
		fb_ref_shape_eval(s, &ref->tables[0], NULL, r);
	return 0;
}

/* Ours judged against a seed that says yes, on a machine of m. */
static const char *judge(const char *text, const struct fb_shape_run *m, char *why, size_t len,
			 struct fb_shape_result *r)
{
	static const struct fb_shape_result seed_yes = { .verdict = "yes", .plus = 5, .n = 5 };
	struct fb_reference *ref = calloc(1, sizeof(*ref));
	struct fb_shape_verdict v = { .agreement = FB_SHAPE_AGREES };
	const struct fb_ref_shape *s;

	if (eval_text(text, ref, r)) {
		free(ref);
		return "unparsed";
	}
	s = &ref->tables[0].shapes[0];
	fb_shape_judge(s, &seed_yes, r, s->kind == FB_SHAPE_BEATS_TABLE ? fb_reference_table(ref, s->a) : &ref->tables[0],
		       s->kind == FB_SHAPE_BEATS_TABLE ? fb_reference_table(ref, s->b) : NULL, m, &v);
	snprintf(why, len, "%s", v.why);
	free(ref);
	return fb_shape_agreement_str(v.agreement);
}

#define RISE_HEAD "table t\nrows threads\ncols folio_size\n| T | 4K | 2M |\n"
#define RISE_TAIL "shape rise folio_size: up with size\n"

/* The verdict rules: "yes" needs most rows holding and none reversed, and
 * only "yes" against the seed's "yes" agrees. */
static void test_verdicts(void)
{
	static const struct fb_shape_run big = { .llc_domains = 2, .numa_nodes = 2 };
	static const struct fb_shape_run one_llc = { .llc_domains = 1, .numa_nodes = 2 };
	static const struct fb_shape_run one_node = { .llc_domains = 2, .numa_nodes = 1 };
	static const struct fb_shape_run unknown = { 0 };
	static const struct fb_shape_run copy_phase = { .llc_domains = 2, .numa_nodes = 2, .copy_phase = true };
	static const char placement[] =
		"table spread\nwhere placement=spread\nrows threads\ncols -\n| T | GB/s |\n"
		"| 1 | 10.00±0.10 |\n| 2 | 20.00±0.10 |\n| 4 | 30.00±0.10 |\n"
		"shape beats-table spread > fill: spread beats fill\n"
		"table fill\nwhere placement=fill\nrows threads\ncols -\n| T | GB/s |\n"
		"| 1 | 10.00±0.10 |\n| 2 | 11.00±0.10 |\n| 4 | 11.00±0.10 |\n";
	static const char directions[] =
		"table micro\nrows direction\ncols -\ncol base = mode=per-page\ncol opt = mode=batched\n"
		"row DRAM0 -> DRAM1 = direction=dram0->dram1\n"
		"| Direction | base | opt |\n| DRAM0 -> DRAM1 | 10.00±0.10 | 20.00±0.10 |\n"
		"shape beats opt > base: batched beats per page\n";
	struct fb_shape_result r;
	char why[256];
	const char *a;

	a = judge(RISE_HEAD "| 1 | 1.00±0.01 | 9.00±0.10 |\n| 2 | 2.00±0.01 | 2.01±0.01 |\n" RISE_TAIL,
		  &big, why, sizeof(why), &r);
	checkf(!strcmp(r.verdict, "within noise") && !strcmp(a, "cannot tell") && strstr(why, "within noise: ") &&
	       strstr(why, "holds in 1 of 2"),
	       "holds in 1 of 2, within noise in 1: %s, %s (%s), not agrees", r.verdict, a, why);
	a = judge(RISE_HEAD "| 1 | 1.00±0.01 | 9.00±0.10 |\n| 2 | 2.00±0.01 | 2.01±0.01 |\n"
		  "| 4 | 2.00±0.01 | 9.00±0.01 |\n" RISE_TAIL, &big, why, sizeof(why), &r);
	checkf(!strcmp(r.verdict, "yes") && !strcmp(a, "agrees") && !why[0],
	       "holds in 2 of 3 (most), within noise in 1, reversed in none: %s, %s", r.verdict, a);
	a = judge(RISE_HEAD "| 1 | 1.00±0.01 | 9.00±0.10 |\n| 2 | 2.00±0.01 | 9.00±0.01 |\n"
		  "| 4 | 9.00±0.01 | 2.00±0.01 |\n" RISE_TAIL, &big, why, sizeof(why), &r);
	checkf(!strcmp(r.verdict, "mixed") && !strcmp(a, "differs"),
	       "holds in 2 of 3, reversed in 1: %s, %s", r.verdict, a);
	a = judge(RISE_HEAD "| 1 | 1.00±0.01 | 9.00±0.10 |\n| 2 | 2.00±0.01 | 2.01±0.01 |\n"
		  "| 4 | 2.00±0.01 | 2.01±0.01 |\n| 8 | 9.00±0.01 | 2.00±0.01 |\n| 16 | 3.00±0.01 | 3.00±0.01 |\n"
		  RISE_TAIL, &big, why, sizeof(why), &r);
	checkf(!strcmp(r.verdict, "mixed") && !strcmp(a, "differs"),
	       "reversed in one row and holding in another, within noise in most, is mixed: %s, %s", r.verdict, a);
	a = judge(RISE_HEAD "| 1 | 2.00±0.01 | 2.01±0.01 |\n| 2 | 2.00±0.01 | 2.01±0.01 |\n" RISE_TAIL,
		  &big, why, sizeof(why), &r);
	checkf(!strcmp(r.verdict, "within noise") && !strcmp(a, "cannot tell") && strstr(why, "within noise: "),
	       "within noise in every row: %s, %s (%s)", r.verdict, a, why);
	a = judge(RISE_HEAD "| 1 | 9.00±0.01 | 1.00±0.01 |\n| 2 | 9.00±0.01 | 2.00±0.01 |\n"
		  "| 4 | 2.00±0.01 | 2.01±0.01 |\n" RISE_TAIL, &big, why, sizeof(why), &r);
	checkf(!strcmp(r.verdict, "no") && !strcmp(a, "differs"),
	       "reversed in 2 of 3, holding in none: %s, %s", r.verdict, a);
	a = judge(RISE_HEAD "| 1 | 9.00±0.01 | 1.00±0.01 |\n| 2 | 2.00±0.01 | 2.01±0.01 |\n"
		  "| 4 | 2.00±0.01 | 2.01±0.01 |\n" RISE_TAIL, &big, why, sizeof(why), &r);
	checkf(!strcmp(r.verdict, "within noise") && !strcmp(a, "cannot tell"),
	       "reversed in 1 of 3, within noise in 2: %s, %s", r.verdict, a);
	checkf(fb_shape_most(2, 3) && !fb_shape_most(1, 2) && !fb_shape_most(2, 4) && fb_shape_most(1, 1),
	       "most is %s", "more than half: 2 of 3 and 1 of 1, not 1 of 2 or 2 of 4");

	/* Claims the run's machine cannot show. */
	a = judge(placement, &one_llc, why, sizeof(why), &r);
	checkf(!strcmp(r.verdict, "yes") && !strcmp(a, "cannot tell") && !strncmp(why, "one LLC domain: ", 16),
	       "spread beats fill with one LLC domain: %s (%s), whatever the numbers", a, why);
	a = judge(placement, &big, why, sizeof(why), &r);
	checkf(!strcmp(a, "agrees"), "spread beats fill with two LLC domains: judged by the numbers: %s", a);
	a = judge(placement, &unknown, why, sizeof(why), &r);
	checkf(!strcmp(a, "agrees"), "a run without topology is judged by the numbers: %s", a);
	a = judge(directions, &one_node, why, sizeof(why), &r);
	checkf(!strcmp(a, "cannot tell") && !strncmp(why, "one NUMA node: ", 15),
	       "a claim over directions with one NUMA node: %s (%s)", a, why);
	a = judge(directions, &big, why, sizeof(why), &r);
	checkf(!strcmp(a, "agrees"), "the same with two NUMA nodes: %s", a);
	a = judge("table t\nrows threads\ncols folio_size\n| T | 4K | 2M |\n| 1 | 1.00±0.01 | 9.00±0.10 |\n"
		  "| 2 | - | - |\nshape rise threads: up with threads\n", &big, why, sizeof(why), &r);
	checkf(!strcmp(a, "cannot tell") && !strcmp(why, "one value of threads: this run has threads 1 only"),
	       "a rise with threads from a run of one thread count: %s (%s)", a, why);
	a = judge("table t\nrows threads\ncols folio_size\n| T | 4K | 2M |\n| 1 | - | - |\n"
		  "shape rise threads: up with threads\n", &big, why, sizeof(why), &r);
	checkf(!strcmp(a, "cannot tell") && !strncmp(why, "nothing to compare: ", 20),
	       "nothing measured: %s (%s)", a, why);
	a = judge(placement, &copy_phase, why, sizeof(why), &r);
	checkf(!strcmp(r.verdict, "yes") && !strcmp(a, "cannot tell") && !strncmp(why, "copy phase: ", 12),
	       "a copy run beside the seed's migration figures: %s (%s), whatever the numbers", a, why);
}

/* The seed's side: a claim stated in words, none at all, or its own
 * numbers not clear. */
static void test_seed_side(void)
{
	static const struct fb_shape_run m = { .llc_domains = 2, .numa_nodes = 2 };
	struct fb_reference *ref = calloc(1, sizeof(*ref));
	struct fb_shape_result none = { .verdict = "n/a" }, ours_yes = { .verdict = "yes", .plus = 1, .n = 1 };
	struct fb_shape_result ours_no = { .verdict = "no", .minus = 1, .n = 1 };
	struct fb_shape_result seed_noise = { .verdict = "within noise", .same = 1, .n = 1 };
	struct fb_shape_verdict v;
	struct fb_ref_shape s;
	char err[256];

	if (fb_reference_parse("table t\nrows threads\ncols -\n| T | GB/s |\n| 1 | ? |\n"
			       "shape rise threads: up\nstated yes\n", "stated", ref, err, sizeof(err))) {
		checkf(0, "%s", err);
		free(ref);
		return;
	}
	s = ref->tables[0].shapes[0];
	fb_shape_judge(&s, &none, &ours_yes, NULL, NULL, &m, &v);
	checkf(v.agreement == FB_SHAPE_AGREES, "stated yes, ours yes: %s", fb_shape_agreement_str(v.agreement));
	fb_shape_judge(&s, &none, &ours_no, NULL, NULL, &m, &v);
	checkf(v.agreement == FB_SHAPE_DIFFERS, "stated yes, ours no: %s", fb_shape_agreement_str(v.agreement));
	s.stated = -1;
	fb_shape_judge(&s, &none, &ours_yes, NULL, NULL, &m, &v);
	checkf(v.agreement == FB_SHAPE_CANNOT_TELL && !strncmp(v.why, "no figures: ", 12),
	       "no figures and nothing stated: %s (%s)", fb_shape_agreement_str(v.agreement), v.why);
	fb_shape_judge(&s, &seed_noise, &ours_yes, NULL, NULL, &m, &v);
	checkf(v.agreement == FB_SHAPE_CANNOT_TELL && !strncmp(v.why, "seed within noise: ", 19),
	       "the seed's own numbers within noise: %s (%s)", fb_shape_agreement_str(v.agreement), v.why);
	free(ref);
}

int main(void)
{
	test_parser();
	test_shapes();
	test_verdicts();
	test_seed_side();
	test_layouts();
	test_files();
	return check_finish();
}
