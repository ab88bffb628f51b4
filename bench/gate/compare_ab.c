// SPDX-License-Identifier: GPL-2.0-only
/* An `ab` run on disk: DIR/ab.json (the report plus its runs) and
 * DIR/runs/A-01/run.json, DIR/runs/B-01/run.json, ... */
#include "compare_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "results.h"
#include "util.h"

void fb_cmp_ab_run_dir(char side, size_t pair, char *buf, size_t len)
{
	snprintf(buf, len, "runs/%c-%02zu", side, pair);
}

static void ab_json_path(const char *path, char *buf, size_t len)
{
	struct stat st;

	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		snprintf(buf, len, "%s/ab.json", path);
	else
		snprintf(buf, len, "%s", path);
}

void fb_cmp_command_text(json_object *argv, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; argv && i < json_object_array_length(argv) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "",
			json_object_get_string(json_object_array_get_idx(argv, i)));
}

int fb_cmp_ab_load_runs(const char *dir, size_t pairs, struct fb_cmp_file **a,
		       struct fb_cmp_file **b, char *err, size_t errlen)
{
	char run[2300], sub[64];

	*a = calloc(pairs, sizeof(**a));
	*b = calloc(pairs, sizeof(**b));
	if (!*a || !*b) {
		snprintf(err, errlen, "out of memory");
		goto bad;
	}
	for (size_t i = 0; i < pairs; i++) {
		for (int s = 0; s < 2; s++) {
			fb_cmp_ab_run_dir(s ? 'B' : 'A', i + 1, sub, sizeof(sub));
			snprintf(run, sizeof(run), "%s/%s", dir, sub);
			if (fb_cmp_file_load(run, s ? &(*b)[i] : &(*a)[i], err, errlen))
				goto bad;
		}
	}
	return 0;
bad:
	for (size_t i = 0; *a && *b && i < pairs; i++) {
		fb_cmp_file_free(&(*a)[i]);
		fb_cmp_file_free(&(*b)[i]);
	}
	free(*a);
	free(*b);
	*a = *b = NULL;
	return -1;
}

int fb_cmp_ab_load(const char *path, struct fb_cmp_file **a, struct fb_cmp_file **b,
		   size_t *n, char *base, char *new_, size_t len, enum fb_run_stat *stat,
		   char *err, size_t errlen)
{
	char p[1100], dir[1100];
	json_object *d, *runs;
	int version;
	size_t pairs;

	*a = *b = NULL;
	*n = 0;
	ab_json_path(path, p, sizeof(p));
	snprintf(dir, sizeof(dir), "%s", p);
	if (strrchr(dir, '/'))
		*strrchr(dir, '/') = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	/* an ab.json is a report plus its run list: a result's cap is plenty */
	if (fb_json_load(p, FB_RUN_MAX_BYTES, &d, err, errlen))
		return -1;
	version = (int)fb_json_num(d, "schema_version", -1);
	runs = fb_json_path(d, "runs");
	pairs = (size_t)fb_json_num(d, "pairs", 0);
	if (strcmp(fb_json_str(d, "schema", ""), FB_CMP_SCHEMA) ||
	    strcmp(fb_json_str(d, "mode", ""), "ab")) {
		snprintf(err, errlen, "%s: not an ab run (schema '%s', mode '%s'): give BASE and NEW "
			 "(two results), or one ab run", p, fb_json_str(d, "schema", "missing"),
			 fb_json_str(d, "mode", "missing"));
		goto bad;
	}
	if (version != FB_CMP_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: schema version %d, this foliobench reads %d", p, version,
			 FB_CMP_SCHEMA_VERSION);
		goto bad;
	}
	if (!runs || !json_object_is_type(runs, json_type_array) || !pairs ||
	    json_object_array_length(runs) != 2 * pairs) {
		snprintf(err, errlen, "%s: no list of %zu pairs of runs (corrupt ab result)", p, pairs);
		goto bad;
	}
	if (fb_cmp_ab_load_runs(dir, pairs, a, b, err, errlen))
		goto bad;
	*n = pairs;
	if (fb_run_stat_parse(fb_json_str(d, "run_statistic", "best"), stat))
		*stat = FB_RUN_BEST;
	fb_cmp_command_text(fb_json_path(d, "commands.A"), base, len);
	fb_cmp_command_text(fb_json_path(d, "commands.B"), new_, len);
	json_object_put(d);
	return 0;
bad:
	json_object_put(d);
	return -1;
}

