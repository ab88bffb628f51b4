/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The regression gate: result files loaded and checked, cells matched by
 * configuration, a test and a verdict per cell, and the reports (terminal
 * table, markdown, JUnit XML, JSON).  Used by `compare` (two result files,
 * or an `ab` run re-gated) and `ab` (interleaved pairs of runs).  One file
 * per job: compare_keys.c (names, matching keys, row labels), compare_load.c,
 * compare_gate.c, compare_ab.c (ab runs on disk), compare_report.c (the
 * formats), compare_machines.c and compare_cli.c (options and output).
 */
#ifndef FB_COMPARE_H
#define FB_COMPARE_H
#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#define FB_CMP_SCHEMA "foliobench-compare"
#define FB_CMP_SCHEMA_VERSION 1

/* Gate defaults: docs/compare.md; the measured rates in docs/evidence.md "Regression gate". */
#define FB_GATE_THRESHOLD_PCT 5.0
#define FB_GATE_ALPHA 0.05
#define FB_GATE_BOOT_ITERS 2000
#define FB_GATE_MIN_N 3          /* samples per side, before the test's own floor */
#define FB_AB_PAIRS 20
/* Exit status of a gate that decided no cell (see fb_cmp_gate_output). */
#define FB_EXIT_INCONCLUSIVE 3

enum fb_verdict {
	FB_V_UNCHANGED, FB_V_IMPROVED, FB_V_REGRESSED,
	FB_V_INCONCLUSIVE,           /* tested, but the CI reaches beyond the threshold */
	FB_V_TOO_FEW,
	FB_V_FAILED,                 /* a side's cell did not run (status not ok) */
	FB_V_ONLY_BASE, FB_V_ONLY_NEW,
};
const char *fb_verdict_name(enum fb_verdict v);

enum fb_cmp_fmt { FB_CMP_TABLE, FB_CMP_MARKDOWN, FB_CMP_JUNIT, FB_CMP_JSON };
int fb_cmp_fmt_parse(const char *s, enum fb_cmp_fmt *f);

/* What one run contributes to a pair ratio (ab).  best: its fastest
 * iteration, which the machine's other work can only slow down, so it is
 * the steadiest figure on a shared machine; median; mean. */
enum fb_run_stat { FB_RUN_BEST, FB_RUN_MEDIAN, FB_RUN_MEAN };
const char *fb_run_stat_name(enum fb_run_stat s);
int fb_run_stat_parse(const char *s, enum fb_run_stat *out);

struct fb_gate_opts {
	double threshold_pct;        /* a change within +-threshold is never a verdict */
	double alpha;                /* significance level; the CI level is 1 - alpha */
	unsigned boot_iters;
	enum fb_run_stat run_stat;   /* ab only */
	bool allow_inconclusive;     /* a gate that decided no cell exits 0, not 3 */
};
#define FB_GATE_DEFAULTS { FB_GATE_THRESHOLD_PCT, FB_GATE_ALPHA, FB_GATE_BOOT_ITERS, FB_RUN_BEST, false }

/* Longest matching key (every axis, a --cpus list included). */
#define FB_CMP_KEYLEN 4096
struct fb_cmp_index;

/* A cell of a loaded result: its configuration and GB/s per sample. */
struct fb_cmp_cell {
	json_object *cell, *config;  /* borrowed from the file's document */
	char *key;                   /* full matching key (malloc'ed) */
	const char *status;          /* "ok", "failed", "skipped" */
	double *gbps;
	size_t n;
	double mean, sd, median, best;
};

struct fb_cmp_file {
	char path[1024];             /* the run.json actually read */
	json_object *doc;
	char machine[256];           /* "CPU name · kernel release" */
	double injected_pct;         /* options.inject_slowdown_pct, 0 if none */
	struct fb_cmp_cell *cells;
	size_t ncells;
	struct fb_cmp_index *index;  /* cells by key: lookups in O(1) */
};

/* Load a run.json (or a run directory holding one) and check every cell;
 * -1 with "PATH: problem" in err. */
int fb_cmp_file_load(const char *path, struct fb_cmp_file *f, char *err, size_t errlen);
/* Both at once, on two threads where it can; err is base's if both fail. */
int fb_cmp_file_load_pair(const char *base, const char *new_, struct fb_cmp_file *a,
			  struct fb_cmp_file *b, char *err, size_t errlen);
void fb_cmp_file_free(struct fb_cmp_file *f);


struct fb_cmp_row {
	char label[256];             /* short: the axes that vary between rows */
	char full[256];              /* every axis: stable name for JUnit */
	json_object *config;         /* borrowed: base side's, else new side's */
	enum fb_verdict verdict;
	size_t na, nb;               /* samples (compare) or runs (ab) per side */
	double mean_a, sd_a, mean_b, sd_b;
	double change_pct, ci_lo_pct, ci_hi_pct, p;
	char note[320];              /* e.g. the primitive changed, a noisy side */
	double *ratios;              /* ab: per pair new/base, else NULL */
	size_t npairs;
};

struct fb_comparison {
	const char *mode;            /* "compare" or "ab" */
	struct fb_gate_opts opts;
	char base[1024], new_[1024]; /* what was compared (paths or bins) */
	char base_machine[256], new_machine[256];
	char common[256];            /* axes every row shares, as text */
	char differ[256];            /* ab: axes the sides differ in ("" if none) */
	json_object *notes;          /* array of strings */
	struct fb_cmp_row *rows;
	size_t nrows;
	size_t count[FB_V_ONLY_NEW + 1];
	size_t matched;              /* cells on both sides */
	size_t gated;                /* cells with a verdict: regressed, improved, unchanged */
	bool fail;                   /* some cell regressed: exit 1 */
	const char *inconclusive;    /* no cell gated: why (exit 3), else NULL */
	struct {                     /* geometric means over the cells both sides ran */
		size_t n;
		double base, new_, change_pct;
	} geomean;
};

/* Two result files: Mann-Whitney U on the samples, bootstrap CI of the
 * ratio of means.  -1 (message naming the files) when no cell matches. */
int fb_cmp_files(const struct fb_cmp_file *a, const struct fb_cmp_file *b,
		 const struct fb_gate_opts *o, struct fb_comparison *r, char *err, size_t errlen);
/* n interleaved pairs: a[i] and b[i] ran back to back.  Per cell the ratios
 * new/base of the runs' o->run_stat GB/s; Wilcoxon signed-rank on their logs, the
 * Hodges-Lehmann estimate and its bootstrap CI. */
int fb_cmp_pairs(const struct fb_cmp_file *a, const struct fb_cmp_file *b, size_t n,
		 const struct fb_gate_opts *o, struct fb_comparison *r, char *err, size_t errlen);
void fb_comparison_free(struct fb_comparison *r);

/* An `ab` run's directory layout: DIR/ab.json (the report plus "runs"),
 * DIR/runs/A-01/run.json, DIR/runs/B-01/run.json, ... */
void fb_cmp_ab_run_dir(char side, size_t pair, char *buf, size_t len);
/* The runs of an ab run's folder dir: runs/A-01.. into *a, runs/B-01..
 * into *b (pairs each, malloc'ed). */
int fb_cmp_ab_load_runs(const char *dir, size_t pairs, struct fb_cmp_file **a,
		       struct fb_cmp_file **b, char *err, size_t errlen);
/* An argv array (ab.json's commands.A) as one line. */
void fb_cmp_command_text(json_object *argv, char *buf, size_t len);
/* Load an ab run (DIR or DIR/ab.json) and its runs: n pairs into *a, *b
 * (malloc'ed arrays, free each with fb_cmp_file_free); the commands of the
 * two sides into base/new (len each); the run statistic it was gated on.
 * -1 with "PATH: problem" in err. */
int fb_cmp_ab_load(const char *path, struct fb_cmp_file **a, struct fb_cmp_file **b,
		   size_t *n, char *base, char *new_, size_t len, enum fb_run_stat *stat,
		   char *err, size_t errlen);

json_object *fb_comparison_json(const struct fb_comparison *r);
/* The gate's exit status: FB_EXIT_FAIL when a cell regressed, else
 * FB_EXIT_INCONCLUSIVE when no cell was gated (unless allowed), else 0. */
int fb_cmp_gate_status(const struct fb_comparison *r);
/* The report as text in fmt (malloc'ed). */
char *fb_comparison_render(const struct fb_comparison *r, enum fb_cmp_fmt fmt);

/* Several machines side by side, no verdict: table, markdown or JSON. */
char *fb_cmp_machines_render(const struct fb_cmp_file *f, size_t n, enum fb_cmp_fmt fmt);

/* CLI helpers shared by compare and ab (compare_cli.c).  Parse --threshold
 * ('T'), --alpha ('A'), --stat ('S') and --allow-inconclusive ('I'): 1 when
 * opt was one of them, usage error if bad. */
int fb_gate_option(const char *cmd, int opt, const char *arg, struct fb_gate_opts *o);
/* Render, write, and return the gate's exit status (0 pass, 1 regressed,
 * FB_EXIT_INCONCLUSIVE no cell gated, unless allowed). */
int fb_cmp_gate_output(const char *cmd, const struct fb_comparison *r, enum fb_cmp_fmt fmt,
		       const char *output);
/* text to path atomically, or to stdout when path is NULL: an exit status
 * (a one-line error of cmd when it cannot be written). */
int fb_comparison_write(const char *cmd, const char *path, const char *text);

#endif
