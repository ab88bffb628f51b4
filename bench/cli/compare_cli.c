// SPDX-License-Identifier: GPL-2.0-only
/*
 * The gate's command-line side, shared by compare and ab: its options, and
 * the report written out with the exit status it implies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "util.h"

int fb_gate_option(const char *cmd, int opt, const char *arg, struct fb_gate_opts *o)
{
	char *end;
	double v;

	switch (opt) {
	case 'T':
		v = strtod(arg, &end);
		if (*end || end == arg || !(v >= 0 && v < 100))
			fb_usage_error(cmd, "--threshold %s: allowed a percentage from 0 to below 100", arg);
		o->threshold_pct = v;
		return 1;
	case 'A':
		v = strtod(arg, &end);
		if (*end || end == arg || !(v > 0 && v <= 0.5))
			fb_usage_error(cmd, "--alpha %s: allowed a probability above 0, at most 0.5", arg);
		o->alpha = v;
		return 1;
	case 'S':
		if (fb_run_stat_parse(arg, &o->run_stat))
			fb_usage_error(cmd, "--stat %s: allowed best, median, mean", arg);
		return 1;
	case 'I':
		o->allow_inconclusive = true;
		return 1;
	}
	return 0;
}

int fb_comparison_write(const char *cmd, const char *path, const char *text)
{
	char err[FB_ERRLEN];

	if (!text) {
		fprintf(stderr, "foliobench %s: out of memory for the report\n", cmd);
		return FB_EXIT_FAIL;
	}
	if (!path) {
		fputs(text, stdout);
		fflush(stdout);
		return FB_EXIT_OK;
	}
	if (fb_write_atomic(path, text, strlen(text), err, sizeof(err))) {
		fprintf(stderr, "foliobench %s: --output %s: %s\n", cmd, path, err);
		return FB_EXIT_USAGE;
	}
	return FB_EXIT_OK;
}

int fb_cmp_gate_output(const char *cmd, const struct fb_comparison *r, enum fb_cmp_fmt fmt,
		       const char *output)
{
	char *text = fb_comparison_render(r, fmt);
	int rc = fb_comparison_write(cmd, output, text);

	free(text);
	if (rc)
		return rc;
	rc = fb_cmp_gate_status(r);
	/* Nothing gated is said on stderr too: the report may be JSON or XML. */
	if (r->inconclusive && !r->fail)
		fprintf(stderr, "foliobench %s: inconclusive: %s (%zu of %zu matched cells gated)%s%s%s\n",
			cmd, r->inconclusive, r->gated, r->matched,
			rc ? "; --allow-inconclusive to pass" : "", output ? "; report: " : "",
			output ? output : "");
	/* With the report in a file, the verdict still shows in the log. */
	else if (output)
		fprintf(stderr, "foliobench %s: %s: %zu of %zu cells regressed, %zu gated (report: %s)\n",
			cmd, r->fail ? "FAIL" : "PASS", r->count[FB_V_REGRESSED], r->nrows, r->gated,
			output);
	return rc;
}
