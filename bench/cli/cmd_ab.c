// SPDX-License-Identifier: GPL-2.0-only
/*
 * foliobench ab: the regression gate for noisy (shared) machines.  Two
 * sides, A (base) and B (new), run `foliobench copy` alternately as
 * subprocesses, A B, B A, A B, ..., so that whatever else the machine is
 * doing hits both sides alike; each cell is then gated on the per-pair
 * ratios B/A rather than on samples taken minutes apart.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "compare.h"
#include "engine.h"
#include "util.h"

static const char ab_usage[] =
"usage: foliobench ab [options] -- COPY-ARGS-A [-- COPY-ARGS-B]\n"
"\n"
"Run `BIN copy COPY-ARGS` for A (the base) and B (the candidate) in\n"
"alternating order, A B, B A, A B, ..., N pairs, then gate every cell on\n"
"the N ratios B/A of the runs' best GB/s (--stat): Wilcoxon signed-rank\n"
"test on the log ratios, Hodges-Lehmann estimate of the ratio with a\n"
"bootstrap CI.  A cell regresses when B is slower than A by more than the\n"
"threshold with p below alpha.  Without a second `--`, B runs A's\n"
"arguments (A/A, or two builds).  Axes the two argument lists set\n"
"differently (kernel model, backend, primitive, ...) are left out of the\n"
"cell matching.  For shared CI machines: see runners/ci-gate.sh.\n"
"\n"
"  --pairs N          pairs of runs [20]; at least log2(2/alpha) (6 at\n"
"                     alpha 0.05) for the test to ever reach significance\n"
"  --bin-a PATH       foliobench binary for A [this one]\n"
"  --bin-b PATH       foliobench binary for B [this one]\n"
"  --threshold PCT    [5]   --alpha A [0.05]   (as in foliobench compare)\n"
"  --stat best|median|mean  what each run contributes to its pair's ratio\n"
"                     [best: the run's fastest iteration, which other work on\n"
"                     the machine can only slow down]\n"
"  --allow-inconclusive  exit 0, not 3, when no cell could be gated\n"
"  --format table|markdown|junit|json   report on stdout [table]\n"
"  --report FILE      write the report to FILE (atomically) instead\n"
"  --output DIR       where ab.json and the runs go [results/<run-id>]\n"
"\n"
"COPY-ARGS are foliobench copy options; ab adds --output and --quiet, so\n"
"they must not set --output, --format or --quiet.  `foliobench compare DIR`\n"
"re-gates a saved ab run (another threshold, another format).\n"
"Exit: 0 no cell regressed, 1 a cell regressed or a run failed, 2 bad usage\n"
"(bad copy arguments included), 3 inconclusive (no cell gated: each CI\n"
"reaches beyond the threshold; --allow-inconclusive makes it 0), 4 a side\n"
"cannot run on this machine.\n";

struct side {
	char name;                   /* 'A' or 'B' */
	const char *bin;
	char **args;
	int nargs;
};

static char *outdir_created;     /* removed again when ab fails on bad input */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Bad input leaves no partial result behind. */
static void cleanup(void)
{
	if (outdir_created)
		nftw(outdir_created, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void __attribute__((noreturn, format(printf, 2, 3))) die(int rc, const char *fmt, ...)
{
	va_list ap;

	cleanup();
	fprintf(stderr, "foliobench ab: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(rc);
}

static void check_args(const struct side *s)
{
	static const char *const owned[] = { "--output", "--format", "--quiet", "--help", "-h" };

	for (int i = 0; i < s->nargs; i++) {
		for (size_t k = 0; k < sizeof(owned) / sizeof(owned[0]); k++) {
			size_t n = strlen(owned[k]);

			if (!strncmp(s->args[i], owned[k], n) && (!s->args[i][n] || s->args[i][n] == '='))
				fb_usage_error("ab", "copy argument %s of %c: ab sets --output/--format/--quiet itself; drop it",
					    s->args[i], s->name);
		}
	}
}

static const char *check_bin(const char *opt, const char *path)
{
	struct stat st;

	if (stat(path, &st) || !S_ISREG(st.st_mode) || access(path, X_OK))
		fb_usage_error("ab", "%s %s: allowed an executable foliobench binary", opt, path);
	return path;
}

/* First line of a run's stderr, for a one-line message. */
static void first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	if (!buf[0])
		snprintf(buf, len, "no message");
}

/* Run one side's copy into dir/sub; the child's exit status. */
static int run_copy(const struct side *s, const char *dir, const char *sub, char *msg, size_t len)
{
	char out[2300], log[2400];
	char **argv = calloc((size_t)s->nargs + 6, sizeof(*argv));
	int status, fd;
	pid_t pid;

	snprintf(out, sizeof(out), "%s/%s", dir, sub);
	snprintf(log, sizeof(log), "%s.log", out);
	argv[0] = (char *)s->bin;
	argv[1] = "copy";
	for (int i = 0; i < s->nargs; i++)
		argv[2 + i] = s->args[i];
	argv[2 + s->nargs] = "--output";
	argv[3 + s->nargs] = out;
	argv[4 + s->nargs] = "--quiet";
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die(FB_EXIT_FAIL, "fork: %s", strerror(errno));
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (null >= 0)
			dup2(null, 1);
		if (fd >= 0)
			dup2(fd, 2);
		execv(s->bin, argv);
		fprintf(stderr, "cannot run %s: %s\n", s->bin, strerror(errno));
		_exit(127);
	}
	free(argv);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	first_line(log, msg, len);
	if (WIFEXITED(status)) {
		if (!WEXITSTATUS(status))
			unlink(log);
		return WEXITSTATUS(status);
	}
	snprintf(msg, len, "killed by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return 128;
}

static json_object *argv_json(const struct side *s)
{
	json_object *a = json_object_new_array();

	json_object_array_add(a, json_object_new_string(s->bin));
	json_object_array_add(a, json_object_new_string("copy"));
	for (int i = 0; i < s->nargs; i++)
		json_object_array_add(a, json_object_new_string(s->args[i]));
	return a;
}

int fb_cmd_ab(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pairs", required_argument, NULL, 'n' },
		{ "bin-a", required_argument, NULL, 'a' },
		{ "bin-b", required_argument, NULL, 'b' },
		{ "threshold", required_argument, NULL, 'T' },
		{ "alpha", required_argument, NULL, 'A' },
		{ "stat", required_argument, NULL, 'S' },
		{ "allow-inconclusive", no_argument, NULL, 'I' },
		{ "format", required_argument, NULL, 'f' },
		{ "report", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct fb_gate_opts o = FB_GATE_DEFAULTS;
	enum fb_cmp_fmt fmt = FB_CMP_TABLE;
	const char *report = NULL, *output = NULL;
	static char self[4096];
	struct side sides[2] = { { 'A', NULL, NULL, 0 }, { 'B', NULL, NULL, 0 } };
	struct fb_cmp_file *files[2];
	struct fb_comparison r;
	char dir[2048], id[128], err[FB_ERRLEN + 2200], msg[512], sub[64];
	size_t pairs = FB_AB_PAIRS, min_pairs;
	json_object *doc, *runs;
	bool progress = isatty(2);
	int opt, rc, i;
	ssize_t n;

	optind = 1;
	opterr = 0; /* our own one-line messages */
	/* "+": stop at the first non-option; everything after -- is copy's. */
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (fb_gate_option("ab", opt, optarg, &o))
			continue;
		switch (opt) {
		case 'n':
			pairs = fb_parse_count("ab", "--pairs", optarg, 1, 1000);
			break;
		case 'a':
			sides[0].bin = check_bin("--bin-a", optarg);
			break;
		case 'b':
			sides[1].bin = check_bin("--bin-b", optarg);
			break;
		case 'f':
			if (fb_cmp_fmt_parse(optarg, &fmt))
				fb_usage_error("ab", "--format %s: allowed table, markdown, junit, json", optarg);
			break;
		case 'r':
			report = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			fputs(ab_usage, stdout);
			return FB_EXIT_OK;
		default:
			fb_usage_error("ab", "unknown option %s (see foliobench ab --help)", argv[optind - 1]);
		}
	}
	if (optind > argc || optind < 2 || strcmp(argv[optind - 1], "--"))
		fb_usage_error("ab", "%s: give the copy arguments after --: foliobench ab [options] -- COPY-ARGS-A [-- COPY-ARGS-B]",
			    optind < argc ? argv[optind] : "no copy arguments");
	/* A's arguments run to the next --, B's from there (or are A's). */
	sides[0].args = argv + optind;
	for (i = optind; i < argc && strcmp(argv[i], "--"); i++)
		;
	sides[0].nargs = i - optind;
	if (i < argc) {
		sides[1].args = argv + i + 1;
		sides[1].nargs = argc - i - 1;
		for (int j = 0; j < sides[1].nargs; j++)
			if (!strcmp(sides[1].args[j], "--"))
				fb_usage_error("ab", "a third --: give COPY-ARGS-A -- COPY-ARGS-B");
	} else {
		sides[1].args = sides[0].args;
		sides[1].nargs = sides[0].nargs;
	}
	check_args(&sides[0]);
	check_args(&sides[1]);
	for (min_pairs = 1; fb_wilcoxon_min_p(min_pairs) >= o.alpha; min_pairs++)
		;
	if (pairs < min_pairs)
		fb_usage_error("ab", "--pairs %zu: at alpha %g at least %zu pairs are needed for the test to reach significance",
			    pairs, o.alpha, min_pairs);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		fb_usage_error("ab", "cannot find this binary (/proc/self/exe); give --bin-a and --bin-b");
	self[n] = '\0';
	for (int s = 0; s < 2; s++)
		if (!sides[s].bin)
			sides[s].bin = self;

	if (report)
		fb_check_output_file("ab", "--report", report); /* now, not after the runs */
	fb_results_dir(output, fb_run_id("ab", id, sizeof(id)), dir, sizeof(dir));
	if (access(dir, F_OK))
		outdir_created = dir;
	snprintf(err, sizeof(err), "%s/runs", dir);
	if (fb_mkdirs(err, msg, sizeof(msg)))
		die(FB_EXIT_USAGE, "%s %s: %s", output ? "--output" : "results folder", dir, msg);

	fb_engine_trap_signals();
	for (size_t p = 1; p <= pairs; p++) {
		/* A B, then B A: neither side always runs first (warm caches,
		 * frequency ramps and drifting load fall on both alike). */
		for (int k = 0; k < 2; k++) {
			const struct side *s = &sides[(p % 2 ? k : 1 - k)];

			if (progress)
				fprintf(stderr, "\r\033[K[pair %zu/%zu] %c", p, pairs, s->name);
			fb_cmp_ab_run_dir(s->name, p, sub, sizeof(sub));
			rc = run_copy(s, dir, sub, msg, sizeof(msg));
			if (progress && rc)
				fputc('\n', stderr);
			if (fb_interrupted) {
				outdir_created = NULL; /* like copy: what ran is kept */
				die(FB_EXIT_FAIL, "interrupted at pair %zu; runs so far in %s/runs", p, dir);
			}
			if (rc == FB_EXIT_USAGE)
				die(FB_EXIT_USAGE, "copy arguments of %c: %s", s->name, msg);
			if (rc == FB_EXIT_SKIP)
				die(FB_EXIT_SKIP, "%c cannot run on this machine: %s", s->name, msg);
			if (rc) {
				outdir_created = NULL; /* keep the runs and logs to look at */
				die(FB_EXIT_FAIL, "run %s failed (exit %d): %s; log in %s/%s.log", sub, rc,
				    msg, dir, sub);
			}
		}
	}
	if (progress)
		fprintf(stderr, "\r\033[K");

	if (fb_cmp_ab_load_runs(dir, pairs, &files[0], &files[1], err, sizeof(err))) {
		outdir_created = NULL;
		die(FB_EXIT_FAIL, "%s", err);
	}
	if (fb_cmp_pairs(files[0], files[1], pairs, &o, &r, err, sizeof(err)))
		die(FB_EXIT_USAGE, "%s", err);
	for (int s = 0; s < 2; s++) {
		json_object *a = argv_json(&sides[s]);

		fb_cmp_command_text(a, s ? r.new_ : r.base, sizeof(r.base));
		json_object_put(a);
	}

	/* ab.json: the report, plus what ran, so compare can re-gate it. */
	doc = fb_comparison_json(&r);
	json_object_object_add(doc, "pairs", json_object_new_int64((int64_t)pairs));
	json_object_object_add(doc, "order", json_object_new_string(
		"pair 1: A then B; pair 2: B then A; and so on"));
	{
		json_object *cmds = json_object_new_object();

		json_object_object_add(cmds, "A", argv_json(&sides[0]));
		json_object_object_add(cmds, "B", argv_json(&sides[1]));
		json_object_object_add(doc, "commands", cmds);
	}
	runs = json_object_new_array();
	for (size_t p = 1; p <= pairs; p++) {
		for (int k = 0; k < 2; k++) {
			const struct side *s = &sides[(p % 2 ? k : 1 - k)];
			json_object *e = json_object_new_object();

			fb_cmp_ab_run_dir(s->name, p, sub, sizeof(sub));
			json_object_object_add(e, "pair", json_object_new_int64((int64_t)p));
			json_object_object_add(e, "side", json_object_new_string(s->name == 'A' ? "A" : "B"));
			json_object_object_add(e, "dir", json_object_new_string(sub));
			json_object_array_add(runs, e);
		}
	}
	json_object_object_add(doc, "runs", runs);
	{
		const char *js = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
								JSON_C_TO_STRING_NOSLASHESCAPE);
		char path[2300];

		snprintf(path, sizeof(path), "%s/ab.json", dir);
		if (fb_write_atomic(path, js, strlen(js), err, sizeof(err)))
			die(FB_EXIT_FAIL, "cannot write %s: %s", path, err);
	}
	json_object_put(doc);
	outdir_created = NULL; /* from here on the run is complete */
	rc = fb_cmp_gate_output("ab", &r, fmt, report);
	fprintf(stderr, "foliobench ab: results in %s (ab.json, runs/)\n", dir);
	for (int s = 0; s < 2; s++) {
		for (size_t p = 0; p < pairs; p++)
			fb_cmp_file_free(&files[s][p]);
		free(files[s]);
	}
	fb_comparison_free(&r);
	return rc;
}
