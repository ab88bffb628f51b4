// SPDX-License-Identifier: GPL-2.0-only
/*
 * The subcommands' shared option parsing: one-line usage errors and the
 * parsers of values, lists and the repetition and output options.  Running
 * a parsed command is cli_run.c.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpu.h"
#include "primitives.h"
#include "table.h"

void fb_option_u64_list(const char *cmd, const char *opt, const char *arg, bool sizes,
			uint64_t **out, size_t *n)
{
	char err[FB_ERRLEN];

	free(*out);
	*out = NULL;
	*n = 0;
	if (fb_parse_u64_list(arg, sizes, out, n, err, sizeof(err)))
		fb_usage_error(cmd, "%s %s", opt, err);
}
#include "util.h"

void fb_bad_option(const char *cmd, int opt, char **argv)
{
	const char *as_given = fb_quote(argv[optind - 1]);

	if (opt == ':')
		fb_usage_error(cmd, "%s needs a value (see foliobench %s --help)", as_given, cmd);
	if (optopt > 0 && optopt < 256)
		fb_usage_error(cmd, "unknown option -%c (see foliobench %s --help)", optopt, cmd);
	if (optopt >= 256)
		fb_usage_error(cmd, "%s: this option takes no value (see foliobench %s --help)",
			    as_given, cmd);
	fb_usage_error(cmd, "unknown option %s (see foliobench %s --help)", as_given, cmd);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t fb_parse_list(const char *cmd, const char *opt, const char *arg, char ***tok)
{
	char **sorted;
	size_t n;

	if (fb_list_has_empty(arg))
		fb_usage_error(cmd, "%s %s: %s", opt, fb_quote(arg),
			    arg && *arg ? "an empty element in the list" : "empty list");
	fb_split_list(arg, tok, &n);
	/* sorted, a name given twice is next to itself (100 KB lists stay fast) */
	sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		fb_usage_error(cmd, "%s: out of memory", opt);
	memcpy(sorted, *tok, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_str);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(sorted[i], sorted[i - 1]))
			fb_usage_error(cmd, "%s %s: %s is given twice", opt, fb_quote(arg),
				    fb_quote(sorted[i]));
	free(sorted);
	return n;
}

int fb_parse_cpus(const char *cmd, const char *opt, const char *arg, int **cpus)
{
	char err[FB_ERRLEN];
	int n;

	if (fb_cpulist_parse(arg, cpus, &n, err, sizeof(err)))
		fb_usage_error(cmd, "%s %s", opt, err);
	if (n > FB_MAX_THREADS)
		fb_usage_error(cmd, "%s %s: lists %d CPUs, allowed at most %d (one per thread)", opt,
			    fb_quote(arg), n, FB_MAX_THREADS);
	return n;
}

unsigned long fb_parse_count(const char *cmd, const char *opt, const char *s,
			     unsigned long lo, unsigned long hi)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		fb_usage_error(cmd, "%s %s: allowed a whole number %lu..%lu", opt, fb_quote(s), lo, hi);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		fb_usage_error(cmd, "%s %s: allowed a whole number %lu..%lu", opt, fb_quote(s), lo, hi);
	return v;
}

size_t fb_parse_node_pairs(const char *cmd, const char *arg, struct fb_node_pair **pairs)
{
	char **tok;
	size_t nt = fb_parse_list(cmd, "--nodes", arg, &tok);

	*pairs = calloc(nt, sizeof(**pairs));
	for (size_t i = 0; i < nt; i++) {
		char *colon = strchr(tok[i], ':');

		if (!colon)
			fb_usage_error(cmd, "--nodes %s: allowed SRC:DST pairs such as 0:1",
				    fb_quote(tok[i]));
		*colon = '\0';
		(*pairs)[i].src = (int)fb_parse_count(cmd, "--nodes", tok[i], 0, 4095);
		(*pairs)[i].dst = (int)fb_parse_count(cmd, "--nodes", colon + 1, 0, 4095);
		for (size_t k = 0; k < i; k++)
			if ((*pairs)[k].src == (*pairs)[i].src && (*pairs)[k].dst == (*pairs)[i].dst)
				fb_usage_error(cmd, "--nodes %s: %d:%d is given twice", fb_quote(arg),
					    (*pairs)[i].src, (*pairs)[i].dst);
	}
	fb_free_list(tok, nt);
	return nt;
}

const char *fb_parse_format(const char *cmd, const char *s)
{
	static const char *const names[] = { "table", "markdown", "csv", "json" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return names[i];
	fb_usage_error(cmd, "--format %s: allowed table, markdown, csv, json", fb_quote(s));
}

double fb_parse_positive(const char *cmd, const char *opt, const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (!*s || *end || !(v > 0) || v > 1e300)
		fb_usage_error(cmd, "%s %s: allowed a positive number", opt, fb_quote(s));
	return v;
}

void fb_check_output_file(const char *cmd, const char *opt, const char *path)
{
	char probe[4096];
	struct stat st;
	int fd;

	if (!*path)
		fb_usage_error(cmd, "%s '': allowed a file name", opt);
	/* written by rename: a directory, FIFO or device there is no report file */
	if (!stat(path, &st) && !S_ISREG(st.st_mode))
		fb_usage_error(cmd, "%s %s: allowed a regular file (this is %s)", opt, fb_quote(path),
			    S_ISDIR(st.st_mode) ? "a directory" : "a special file");
	if (snprintf(probe, sizeof(probe), "%s.probe.%d", path, (int)getpid()) >= (int)sizeof(probe))
		fb_usage_error(cmd, "%s %s: path too long", opt, fb_quote(path));
	fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		fb_usage_error(cmd, "%s %s: cannot write there: %s", opt, fb_quote(path),
			    strerror(errno));
	close(fd);
	unlink(probe);
}

void fb_print_primitives(FILE *f)
{
	size_t n;
	const struct fb_primitive *p = fb_primitives(&n);

	fprintf(f, "%-16s %-12s %s\n", "primitive", "here", "what it copies");
	for (size_t i = 0; i < n; i++) {
		const char *why = NULL;
		bool ok = fb_primitive_usable(&p[i], fb_this_cpu(), &why);

		fprintf(f, "%-16s %-12s %s%s%s\n", p[i].name, ok ? "yes" : "no", p[i].description,
			ok ? "" : " -- ", ok ? "" : (why ? why : ""));
	}
}

bool fb_parse_measure_opt(const char *cmd, int opt, const char *arg, struct fb_run_opts *ro)
{
	switch (opt) {
	case FB_O_REPS:
		if (!strcmp(arg, "auto"))
			ro->adaptive = true;
		else
			ro->reps = (unsigned)fb_parse_count(cmd, "--reps", arg, 1, 100000);
		return true;
	case FB_O_WARMUP:
		ro->warmup = (unsigned)fb_parse_count(cmd, "--warmup", arg, 0, 100000);
		return true;
	case FB_O_CI:
		ro->ci_target_pct = fb_parse_positive(cmd, "--ci-target", arg);
		return true;
	case FB_O_BUDGET:
		ro->time_budget_s = fb_parse_positive(cmd, "--time-budget", arg);
		return true;
	case FB_O_MAXREPS:
		ro->max_reps = (unsigned)fb_parse_count(cmd, "--max-reps", arg, 2, 1000000);
		return true;
	}
	return false;
}

bool fb_parse_output_opt(const char *cmd, int opt, const char *arg, struct fb_output_opts *o)
{
	switch (opt) {
	case FB_O_FORMAT:
		o->format = fb_parse_format(cmd, arg);
		return true;
	case FB_O_ROWS:
	case FB_O_COLS:
		if (!fb_table_axis_valid(arg))
			fb_usage_error(cmd, "--%s %s: not an axis (allowed %s)",
				    opt == FB_O_ROWS ? "rows" : "cols", fb_quote(arg), fb_table_axes());
		*(opt == FB_O_ROWS ? &o->rows : &o->cols) = arg;
		return true;
	case FB_O_OUTPUT:
		/* A directory: "-" would be one named "-", and a cut path another one. */
		if (!*arg || !strcmp(arg, "-"))
			fb_usage_error(cmd, "--output %s: allowed a directory for run.json and cells.csv "
				    "(--format json or csv prints the run on stdout)", fb_quote(arg));
		if (strlen(arg) >= sizeof(((struct fb_run *)0)->dir))
			fb_usage_error(cmd, "--output %s: a path of %zu characters, allowed at most %zu",
				    fb_quote(arg), strlen(arg), sizeof(((struct fb_run *)0)->dir) - 1);
		o->output = arg;
		return true;
	case FB_O_QUIET:
		o->quiet = true;
		return true;
	}
	return false;
}

void fb_parse_common_opt(const char *cmd, int opt, const char *arg, char **argv,
			 struct fb_run_opts *ro, struct fb_output_opts *o)
{
	if (!fb_parse_measure_opt(cmd, opt, arg, ro) && !fb_parse_output_opt(cmd, opt, arg, o))
		fb_bad_option(cmd, opt, argv);
}
