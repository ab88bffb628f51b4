// SPDX-License-Identifier: GPL-2.0-only
/* foliobench compare: the regression gate over saved results. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "util.h"

static const char compare_usage[] =
"usage: foliobench compare BASE NEW [options]      gate NEW against BASE\n"
"       foliobench compare AB-RUN [options]        re-gate a saved `foliobench ab` run\n"
"       foliobench compare --machines RESULT... [--format table|markdown|json]\n"
"\n"
"BASE, NEW and RESULT are run.json files or run directories; AB-RUN is the\n"
"directory `ab` wrote (or its ab.json).  Cells are matched by configuration\n"
"(function or primitive, kernel model, mode, folio size and count, threads,\n"
"channels, split, placement, nodes, evict, backing; not the CPUs that\n"
"spread/fill picked on each machine).  Per cell: the change of mean GB/s, a\n"
"Mann-Whitney U test on the raw samples, and a bootstrap CI of the ratio of\n"
"means (an ab run: per-pair ratios, Wilcoxon signed-rank test).\n"
"\n"
"  --threshold PCT   a cell regresses (or improves) only when its change is\n"
"                    beyond PCT percent [5]\n"
"  --alpha A         and the test's p-value is below A [0.05]; the CI is at\n"
"                    1 - A\n"
"  --stat best|median|mean   re-gating an ab run: what each run contributes\n"
"                    to a pair ratio [the run's own, normally best]\n"
"  --allow-inconclusive   exit 0, not 3, when no cell could be gated\n"
"  --format table|markdown|junit|json   report format [table]\n"
"  --output FILE     write the report to FILE (atomically) instead of stdout\n"
"  --machines        results of several machines side by side, columns named\n"
"                    by CPU and kernel; no verdict\n"
"\n"
"Verdicts: regressed, improved, unchanged (the CI within +-PCT), inconclusive\n"
"(the CI reaches beyond PCT), too few samples (fewer than 3, or too few for\n"
"the test to ever reach A), failed, only in base, only in new.  A last row\n"
"gives the geometric means over the cells both sides ran (not gated).\n"
"Exit: 0 no cell regressed, 1 a cell regressed, 2 bad usage or bad input,\n"
"3 inconclusive: no cell was gated (regressed, improved or unchanged).\n";

static int machines(char **paths, int n, enum fb_cmp_fmt fmt, const char *output)
{
	struct fb_cmp_file *f = calloc((size_t)n, sizeof(*f));
	char err[FB_ERRLEN + 1100], *text;
	int rc;

	if (fmt == FB_CMP_JUNIT)
		fb_usage_error("compare", "--format junit: --machines gives no verdicts; allowed table, markdown, json");
	if (n < 2)
		fb_usage_error("compare", "--machines: give two or more result files");
	for (int i = 0; i < n; i++)
		if (fb_cmp_file_load(paths[i], &f[i], err, sizeof(err)))
			fb_usage_error("compare", "%s", err);
	text = fb_cmp_machines_render(f, (size_t)n, fmt);
	rc = fb_comparison_write("compare", output, text);
	free(text);
	for (int i = 0; i < n; i++)
		fb_cmp_file_free(&f[i]);
	free(f);
	return rc;
}

int fb_cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threshold", required_argument, NULL, 'T' },
		{ "alpha", required_argument, NULL, 'A' },
		{ "stat", required_argument, NULL, 'S' },
		{ "allow-inconclusive", no_argument, NULL, 'I' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "machines", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct fb_gate_opts o = FB_GATE_DEFAULTS;
	enum fb_cmp_fmt fmt = FB_CMP_TABLE;
	const char *output = NULL;
	bool many = false, stat_given = false;
	char err[FB_ERRLEN + 2200];
	struct fb_comparison r;
	int opt, npos, rc;

	optind = 1;
	opterr = 0; /* our own one-line messages */
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		stat_given |= opt == 'S';
		if (fb_gate_option("compare", opt, optarg, &o))
			continue;
		switch (opt) {
		case 'f':
			if (fb_cmp_fmt_parse(optarg, &fmt))
				fb_usage_error("compare", "--format %s: allowed table, markdown, junit, json", optarg);
			break;
		case 'o':
			output = optarg;
			break;
		case 'm':
			many = true;
			break;
		case 'h':
			fputs(compare_usage, stdout);
			return FB_EXIT_OK;
		default:
			fb_usage_error("compare", "unknown option %s (see foliobench compare --help)",
				    argv[optind - 1]);
		}
	}
	npos = argc - optind;
	if (many)
		return machines(argv + optind, npos, fmt, output);
	if (npos == 1) {
		struct fb_cmp_file *a, *b;
		char base[sizeof(r.base)], new_[sizeof(r.new_)];
		size_t n;

		enum fb_run_stat saved;

		if (fb_cmp_ab_load(argv[optind], &a, &b, &n, base, new_, sizeof(base), &saved, err,
				   sizeof(err)))
			fb_usage_error("compare", "%s", err);
		if (!stat_given)
			o.run_stat = saved; /* re-gate as ab gated, unless told otherwise */
		if (fb_cmp_pairs(a, b, n, &o, &r, err, sizeof(err)))
			fb_usage_error("compare", "%s", err);
		memcpy(r.base, base, sizeof(base));
		memcpy(r.new_, new_, sizeof(new_));
		rc = fb_cmp_gate_output("compare", &r, fmt, output);
		for (size_t i = 0; i < n; i++) {
			fb_cmp_file_free(&a[i]);
			fb_cmp_file_free(&b[i]);
		}
		free(a);
		free(b);
	} else if (npos == 2) {
		struct fb_cmp_file a, b;

		if (fb_cmp_file_load_pair(argv[optind], argv[optind + 1], &a, &b, err, sizeof(err)))
			fb_usage_error("compare", "%s", err);
		if (fb_cmp_files(&a, &b, &o, &r, err, sizeof(err)))
			fb_usage_error("compare", "%s", err);
		rc = fb_cmp_gate_output("compare", &r, fmt, output);
		fb_cmp_file_free(&a);
		fb_cmp_file_free(&b);
	} else {
		fb_usage_error("compare", "give BASE and NEW result files, one ab run, or --machines FILE... (got %d arguments)",
			    npos);
	}
	fb_comparison_free(&r);
	return rc;
}
