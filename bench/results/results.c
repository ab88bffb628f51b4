// SPDX-License-Identifier: GPL-2.0-only
#include "results.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <unistd.h>

#include "axis.h"
#include "util.h"

json_object *fb_json_number(double v)
{
	/* JSON has no NaN: a statistic that does not exist is null. */
	return isfinite(v) ? json_object_new_double(v) : NULL;
}

json_object *fb_stats_json(const struct fb_stats *s, const char *unit)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "unit", json_object_new_string(unit));
	json_object_object_add(o, "n", json_object_new_int64((int64_t)s->n));
	json_object_object_add(o, "mean", fb_json_number(s->mean));
	json_object_object_add(o, "sd", fb_json_number(s->sd));
	json_object_object_add(o, "median", fb_json_number(s->median));
	json_object_object_add(o, "min", fb_json_number(s->min));
	json_object_object_add(o, "max", fb_json_number(s->max));
	json_object_object_add(o, "ci95_lo", fb_json_number(s->ci_lo));
	json_object_object_add(o, "ci95_hi", fb_json_number(s->ci_hi));
	return o;
}

json_object *fb_values_stats_json(const double *x, size_t n, const char *unit)
{
	struct fb_stats s;

	fb_stats_compute(x, n, &s);
	return fb_stats_json(&s, unit);
}

bool fb_json_positive(json_object *v)
{
	double x;

	if (!v || !(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
		return false;
	x = json_object_get_double(v);
	return isfinite(x) && x > 0;
}

double *fb_cell_gbps(json_object *cell, size_t *n, char *err, size_t errlen)
{
	json_object *samples = fb_json_path(cell, "samples_ns");
	json_object *bytes = fb_json_path(cell, "bytes_per_sample");
	double b, *v;

	*n = 0;
	if (!samples || !json_object_is_type(samples, json_type_array) ||
	    !json_object_array_length(samples))
		return snprintf(err, errlen, " has no samples"), NULL;
	if (!fb_json_positive(bytes))
		return snprintf(err, errlen, ": bytes_per_sample is not a positive number"), NULL;
	b = json_object_get_double(bytes);
	v = malloc(json_object_array_length(samples) * sizeof(*v));
	if (!v)
		return snprintf(err, errlen, ": out of memory"), NULL;
	for (size_t j = 0; j < json_object_array_length(samples); j++) {
		json_object *s = json_object_array_get_idx(samples, j);

		if (!fb_json_positive(s)) {
			snprintf(err, errlen, ": sample %zu is not a positive number of nanoseconds", j);
			free(v);
			return NULL;
		}
		v[j] = b / json_object_get_double(s); /* bytes/ns = GB/s */
	}
	*n = json_object_array_length(samples);
	return v;
}

json_object *fb_extra_cpus_used(const struct fb_cell *c, int n)
{
	json_object *extra = json_object_new_object(), *cpus = json_object_new_array();

	for (int i = 0; i < n; i++)
		json_object_array_add(cpus, json_object_new_int(c->cpus[i]));
	json_object_object_add(extra, "cpus_used", cpus);
	return extra;
}

static json_object *str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

json_object *fb_kpath_json(const struct fb_kpath_record *r)
{
	json_object *o;

	if (!r->impl[0])
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "routine", r->routine < 0 ? NULL :
			       json_object_new_string(fb_kroutine_name((enum fb_kroutine)r->routine)));
	json_object_object_add(o, "model", r->model < 0 ? NULL :
			       json_object_new_string(fb_kernel_model_name((enum fb_kernel_model)r->model)));
	json_object_object_add(o, "impl", json_object_new_string(r->impl));
	json_object_object_add(o, "why", json_object_new_string(r->why));
	return o;
}

json_object *fb_cell_json(const struct fb_cell *c, const struct fb_result *r,
			  const struct fb_counters *k)
{
	json_object *o = json_object_new_object(), *cfg = json_object_new_object();
	json_object *samples, *cpus = json_object_new_array();
	bool stores = c->experiment && !strcmp(c->experiment, "stores");

	json_object_object_add(o, "id", json_object_new_int(c->id));
	json_object_object_add(cfg, "experiment",
			       json_object_new_string(c->experiment ? c->experiment : "copy"));
	json_object_object_add(cfg, "backend", json_object_new_string(c->backend));
	if (stores) {
		/* a stores cell writes records with a store kernel: no function,
		 * mode or folios (its kernel line is in kernel_path) */
		json_object_object_add(cfg, "store_kernel", json_object_new_string(c->primitive));
		json_object_object_add(cfg, "record_size", json_object_new_int64((int64_t)c->folio_size));
		json_object_object_add(cfg, "record_count",
				       json_object_new_int64((int64_t)c->folio_count));
	} else {
		json_object_object_add(cfg, "function", str_or_null(c->function));
		json_object_object_add(cfg, "primitive", str_or_null(c->primitive));
		json_object_object_add(cfg, "kernel_model", c->kernel_model >= 0 ?
			json_object_new_string(fb_kernel_model_name(c->kernel_model)) : NULL);
		json_object_object_add(cfg, "mode", json_object_new_string(fb_mode_name(c->mode)));
		/* only where --batch-impl was given: absent is memcpy, as before it */
		if (c->batch_impl_recorded)
			json_object_object_add(cfg, "batch_impl",
					       json_object_new_string(fb_batch_impl_name(c->batch_impl)));
		json_object_object_add(cfg, "folio_size", json_object_new_int64((int64_t)c->folio_size));
		json_object_object_add(cfg, "folio_count",
				       json_object_new_int64((int64_t)c->folio_count));
	}
	json_object_object_add(cfg, "total_bytes", json_object_new_int64((int64_t)fb_cell_bytes(c)));
	json_object_object_add(cfg, "threads", json_object_new_int(c->threads));
	json_object_object_add(cfg, "channels", json_object_new_int(c->channels));
	json_object_object_add(cfg, "split", json_object_new_string(fb_split_name(c->split)));
	json_object_object_add(cfg, "placement", json_object_new_string(fb_placement_name(c->placement)));
	/* The module places spread/fill threads itself: see extra.cpus_used. */
	bool planned = !strcmp(c->backend, "user") || c->placement == FB_PLACE_LIST;

	for (int i = 0; planned && i < c->threads && !c->channels; i++)
		json_object_array_add(cpus, json_object_new_int(c->cpus[i]));
	json_object_object_add(cfg, "cpus", cpus);
	json_object_object_add(cfg, "src_node", json_object_new_int(c->src_node));
	json_object_object_add(cfg, "dst_node", json_object_new_int(c->dst_node));
	json_object_object_add(cfg, "evict", json_object_new_string(fb_evict_name(c->evict)));
	json_object_object_add(cfg, "backing", json_object_new_string(fb_backing_name(c->backing)));
	json_object_object_add(cfg, "verify", json_object_new_boolean(c->verify));
	if (c->src_zero)
		json_object_object_add(cfg, "src_fill", json_object_new_string("zero"));
	json_object_object_add(o, "config", cfg);

	json_object_object_add(o, "kernel_path", fb_kpath_json(&c->kernel_path));
	json_object_object_add(o, "implementation", str_or_null(r->implementation));
	json_object_object_add(o, "status", json_object_new_string(
		r->status == FB_EXIT_OK ? "ok" : r->status == FB_EXIT_SKIP ? "skipped" : "failed"));
	json_object_object_add(o, "message", str_or_null(r->message));
	if (r->backing_src[0] || r->backing_dst[0]) {
		json_object *b = json_object_new_object();

		json_object_object_add(b, "src", json_object_new_string(r->backing_src));
		json_object_object_add(b, "dst", json_object_new_string(r->backing_dst));
		json_object_object_add(o, "backing", b);
	}
	json_object_object_add(o, "verified", r->verified < 0 ? NULL :
			       json_object_new_boolean(r->verified));
	json_object_object_add(o, "bytes_per_sample", json_object_new_double(r->bytes));
	samples = json_object_new_array();
	for (size_t i = 0; i < r->n; i++)
		json_object_array_add(samples, json_object_new_double(r->samples_ns[i]));
	json_object_object_add(o, "samples_ns", samples);

	json_object_object_add(o, "stats", fb_stats_json(&r->gbps, "GB/s (1e9 bytes/s)"));

	if (k && k->n && r->counters_valid && r->n) {
		json_object *ctr = json_object_new_object();
		/* Totals cover the timed iterations only. */
		double bytes = r->bytes * (double)r->n;

		for (size_t i = 0; i < k->n; i++) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "total", json_object_new_double(r->counter_totals[i]));
			json_object_object_add(e, "per_kib", fb_json_number(r->counter_totals[i] / (bytes / 1024)));
			json_object_object_add(e, "per_page", fb_json_number(r->counter_totals[i] / (bytes / 4096)));
			json_object_object_add(ctr, k->name[i], e);
		}
		json_object_object_add(o, "counters", ctr);
	}
	if (r->extra)
		json_object_object_add(o, "extra", json_object_get(r->extra));
	return o;
}

static json_object *iso_time(const struct timespec *ts)
{
	char buf[64];
	struct tm tm;

	gmtime_r(&ts->tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_object_new_string(buf);
}

json_object *fb_run_json(const struct fb_run *run)
{
	json_object *d = json_object_new_object(), *tool, *argv, *cells;

	json_object_object_add(d, "schema", json_object_new_string(FB_SCHEMA));
	json_object_object_add(d, "schema_version", json_object_new_int(FB_SCHEMA_VERSION));
	json_object_object_add(d, "run_id", json_object_new_string(run->id));
	tool = json_object_new_object();
	json_object_object_add(tool, "name", json_object_new_string("foliobench"));
	json_object_object_add(tool, "version", json_object_new_string(FB_VERSION));
	json_object_object_add(tool, "git", json_object_new_string(FB_GIT));
	json_object_object_add(tool, "compiler", json_object_new_string(__VERSION__));
	json_object_object_add(d, "tool", tool);
	argv = json_object_new_array();
	for (int i = 0; i < run->argc; i++)
		json_object_array_add(argv, json_object_new_string(run->argv[i]));
	json_object_object_add(d, "command_line", argv);
	json_object_object_add(d, "started", iso_time(&run->started));
	json_object_object_add(d, "finished", iso_time(&run->finished));
	json_object_object_add(d, "status", json_object_new_string(run->status));
	json_object_object_add(d, "cells_planned", json_object_new_int64((int64_t)run->nplanned));
	json_object_object_add(d, "timer", json_object_new_string("CLOCK_MONOTONIC_RAW"));
	json_object_object_add(d, "machine", json_object_get(run->machine));
	json_object_object_add(d, "options", json_object_get(run->options));
	if (run->backend_info)
		json_object_object_add(d, "backend_info", json_object_get(run->backend_info));
	if (run->counters && run->counters->unavailable[0])
		json_object_object_add(d, "counters_unavailable",
				       json_object_new_string(run->counters->unavailable));
	if (run->notes)
		json_object_object_add(d, "notes", json_object_get(run->notes));
	cells = json_object_new_array();
	for (size_t i = 0; i < run->ndone; i++)
		json_object_array_add(cells, fb_cell_json(&run->cells[i], &run->results[i],
							  run->counters));
	json_object_object_add(d, "cells", cells);
	return d;
}

/* CSV columns after the axes that are columns (axis.h csv_column, each
 * config.NAME): what ran and its statistics, in this order. */
static const char *const csv_after[] = {
	"implementation", "kernel_path", "backing.src", "backing.dst", "verified", "status",
	"stats.n", "stats.mean", "stats.sd", "stats.median", "stats.min", "stats.max",
	"stats.ci95_lo", "stats.ci95_hi",
};
#define NCSV_AFTER (sizeof(csv_after) / sizeof(csv_after[0]))

/* Every column's path in the cell: the axes', then csv_cols; how many. */
static size_t csv_columns(const char **cols, char (*axis_paths)[64])
{
	const struct fb_axis *axes[FB_MAX_AXES];
	size_t n = fb_axis_csv_order(axes);

	for (size_t i = 0; i < n; i++) {
		snprintf(axis_paths[i], 64, "config.%s", axes[i]->name);
		cols[i] = axis_paths[i];
	}
	for (size_t i = 0; i < NCSV_AFTER; i++)
		cols[n++] = csv_after[i];
	return n;
}

struct sbuf {
	char *p;
	size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p)
			return;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

/* RFC 4180 quoting when a field needs it. */
static void sb_field(struct sbuf *b, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		sb_add(b, s);
		return;
	}
	sb_add(b, "\"");
	for (const char *p = s; *p; p++) {
		char c[3] = { *p, 0, 0 };

		if (*p == '"')
			c[1] = '"';
		sb_add(b, c);
	}
	sb_add(b, "\"");
}

char *fb_cells_csv(json_object *doc)
{
	struct sbuf b = { 0 };
	json_object *cells = fb_json_path(doc, "cells"), *cpus;
	const char *run_id = fb_json_str(doc, "run_id", "");
	const char *csv_cols[FB_MAX_AXES + NCSV_AFTER];
	char axis_paths[FB_MAX_AXES][64];
	size_t ncols = csv_columns(csv_cols, axis_paths);

	sb_add(&b, "run_id,cell");
	for (size_t i = 0; i < ncols; i++) {
		const char *dot = strchr(csv_cols[i], '.');
		char name[64];

		/* stats.mean -> mean_gbps; config.x -> x; backing.src -> backing_src */
		if (!strncmp(csv_cols[i], "stats.", 6) && strcmp(csv_cols[i], "stats.n"))
			snprintf(name, sizeof(name), "%s_gbps", dot + 1);
		else if (!strncmp(csv_cols[i], "config.", 7) || !strcmp(csv_cols[i], "stats.n"))
			snprintf(name, sizeof(name), "%s", dot + 1);
		else
			snprintf(name, sizeof(name), "%.*s%s%s", (int)(dot ? dot - csv_cols[i] : 64),
				 csv_cols[i], dot ? "_" : "", dot ? dot + 1 : "");
		sb_add(&b, ",");
		sb_add(&b, name);
	}
	sb_add(&b, ",cpus");
	/* Counter events per KiB copied or written, one column per event any
	 * cell counted ("perf::TASK-CLOCK_per_kib"): the summary to compare
	 * cached and non-temporal stores by. */
	const char *events[FB_MAX_COUNTERS * 2];
	size_t nev = 0;

	for (size_t c = 0; cells && c < json_object_array_length(cells); c++) {
		json_object *ctr = fb_json_path(json_object_array_get_idx(cells, c), "counters");

		if (!ctr || !json_object_is_type(ctr, json_type_object))
			continue;
		json_object_object_foreach(ctr, ev, val) {
			size_t k = 0;

			(void)val;
			while (k < nev && strcmp(events[k], ev))
				k++;
			if (k == nev && nev < sizeof(events) / sizeof(events[0]))
				events[nev++] = ev;
		}
	}
	for (size_t k = 0; k < nev; k++) {
		sb_add(&b, ",");
		sb_field(&b, events[k]);
		sb_add(&b, "_per_kib");
	}
	sb_add(&b, "\n");
	for (size_t c = 0; cells && c < json_object_array_length(cells); c++) {
		json_object *cell = json_object_array_get_idx(cells, c);
		char idx[32];

		sb_field(&b, run_id);
		snprintf(idx, sizeof(idx), ",%d", (int)fb_json_num(cell, "id", (double)c));
		sb_add(&b, idx);
		for (size_t i = 0; i < ncols; i++) {
			json_object *v = strncmp(csv_cols[i], "config.", 7) ?
				fb_json_path(cell, csv_cols[i]) :
				fb_config_get(fb_json_path(cell, "config"), csv_cols[i] + 7);
			char kp[512];

			sb_add(&b, ",");
			if (!strcmp(csv_cols[i], "kernel_path")) {
				/* the record on one line, as its text */
				if (fb_cell_kpath_text(cell, true, kp, sizeof(kp)))
					sb_field(&b, kp);
			} else if (v) {
				sb_field(&b, json_object_get_string(v));
			}
		}
		sb_add(&b, ",");
		cpus = fb_json_path(cell, "config.cpus");
		if (cpus) {
			char list[1024] = "";
			size_t off = 0;

			for (size_t i = 0; i < json_object_array_length(cpus) && off < sizeof(list); i++)
				off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%d", i ? " " : "",
					json_object_get_int(json_object_array_get_idx(cpus, i)));
			sb_field(&b, list);
		}
		for (size_t k = 0; k < nev; k++) {
			json_object *ctr = fb_json_path(cell, "counters"), *e = NULL, *v = NULL;

			sb_add(&b, ",");
			if (ctr && json_object_object_get_ex(ctr, events[k], &e) &&
			    json_object_object_get_ex(e, "per_kib", &v) && v)
				sb_field(&b, json_object_get_string(v));
		}
		sb_add(&b, "\n");
	}
	return b.p;
}

int fb_run_open_dir(struct fb_run *run, char *err, size_t errlen)
{
	char probe[64], why[FB_ERRLEN];
	bool existed = access(run->dir, F_OK) == 0;
	int fd, pfd;

	if (fb_mkdirs(run->dir, why, sizeof(why))) {
		snprintf(err, errlen, "cannot create %s", why);
		return -1;
	}
	fd = open(run->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s", errno == ENOTDIR ? "not a directory" : strerror(errno));
		goto fail;
	}
	/* A file system without flock (some FUSE ones) only loses the guard. */
	if (flock(fd, LOCK_EX | LOCK_NB) && errno == EWOULDBLOCK) {
		snprintf(err, errlen,
			 "another foliobench run is writing there; give each run its own --output");
		goto fail;
	}
	/* Read-only file systems and permissions show now, not after the run. */
	snprintf(probe, sizeof(probe), ".foliobench-probe.%d", (int)getpid());
	pfd = openat(fd, probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (pfd < 0) {
		snprintf(err, errlen, "not writable: %s", strerror(errno));
		goto fail;
	}
	close(pfd);
	unlinkat(fd, probe, 0);
	run->dir_fd = fd;
	run->dir_locked = true;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	if (!existed)
		rmdir(run->dir);
	return -1;
}

int fb_run_write(const struct fb_run *run, json_object *doc, char *err, size_t errlen)
{
	static const char *const names[2] = { "run.json", "cells.csv" };
	char path[2][2300], tmp[2][2400];
	const char *data[2];
	char *csv;
	int nt = 0, rc = -1;

	if (fb_mkdirs(run->dir, err, errlen))
		return -1;
	data[0] = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
						 JSON_C_TO_STRING_NOSLASHESCAPE);
	csv = fb_cells_csv(doc);
	data[1] = csv ? csv : "";
	for (int i = 0; i < 2; i++)
		snprintf(path[i], sizeof(path[i]), "%s/%s", run->dir, names[i]);
	for (; nt < 2; nt++)
		if (fb_write_temp(path[nt], data[nt], strlen(data[nt]), tmp[nt], sizeof(tmp[nt]),
				  err, errlen))
			goto out;
	/* Only once both are on disk does either replace the old one;
	 * run.json, the record readers load, last. */
	for (int i = 1; i >= 0; i--) {
		if (rename(tmp[i], path[i])) {
			snprintf(err, errlen, "%s: %s", path[i], strerror(errno));
			goto out;
		}
		tmp[i][0] = '\0';
	}
	if (run->dir_locked)
		fsync(run->dir_fd);
	rc = 0;
out:
	for (int i = 0; i < nt; i++)
		if (tmp[i][0])
			unlink(tmp[i]);
	free(csv);
	return rc;
}

/* ---- reading ---- */

/* Text from a file, cleaned where it is kept (table.h fb_text_clean), so
 * no renderer prints a file's escape sequences or invalid UTF-8.  Keys
 * too: counter names become CSV headers. */
static bool plain_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

static void clean_tree(json_object *o)
{
	if (json_object_is_type(o, json_type_string)) {
		const char *s = json_object_get_string(o);
		char *c;

		if (plain_ascii(s, (size_t)json_object_get_string_len(o)))
			return; /* plain printable ASCII: the common case, nothing to do */
		c = strdup(s);
		if (c && fb_text_clean(c))
			json_object_set_string(o, c);
		free(c);
	} else if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			clean_tree(json_object_array_get_idx(o, i));
	} else if (json_object_is_type(o, json_type_object)) {
		json_object *bad = NULL;

		json_object_object_foreach(o, k, v) {
			clean_tree(v);
			if (!plain_ascii(k, strlen(k))) {
				if (!bad)
					bad = json_object_new_array();
				json_object_array_add(bad, json_object_new_string(k));
			}
		}
		/* renamed after the walk: an object is not changed while walked */
		for (size_t i = 0; bad && i < json_object_array_length(bad); i++) {
			const char *k = json_object_get_string(json_object_array_get_idx(bad, i));
			char *t = strdup(k);

			if (t && fb_text_clean(t)) {
				json_object *v = json_object_get(json_object_object_get(o, k));

				json_object_object_del(o, k);
				json_object_object_add(o, t, v);
			}
			free(t);
		}
		json_object_put(bad);
	}
}

void fb_run_path(const char *path, char *out, size_t len)
{
	struct stat st;

	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		snprintf(out, len, "%s/run.json", path);
	else
		snprintf(out, len, "%s", path);
}

struct parse {
	json_tokener *tok;
	json_object *obj;
	enum json_tokener_error jerr;
	bool trailing;
};

/* Feed one chunk of the file to the tokener: the text is never held whole. */
static int parse_chunk(const char *buf, size_t n, void *arg)
{
	struct parse *p = arg;

	while (n) {
		int len = n > (1u << 30) ? 1 << 30 : (int)n;
		size_t used;

		if (p->obj) {
			/* after the document only white space */
			for (size_t i = 0; i < n; i++)
				if (!isspace((unsigned char)buf[i]))
					return p->trailing = true, -1;
			return 0;
		}
		p->obj = json_tokener_parse_ex(p->tok, buf, len);
		p->jerr = json_tokener_get_error(p->tok);
		if (!p->obj && p->jerr != json_tokener_continue)
			return -1;
		used = p->obj ? json_tokener_get_parse_end(p->tok) : (size_t)len;
		buf += used;
		n -= used;
	}
	return 0;
}

int fb_json_load(const char *path, size_t cap, json_object **out, char *err, size_t errlen)
{
	struct parse p = { .tok = json_tokener_new() };
	int rc;

	*out = NULL;
	if (!p.tok)
		return snprintf(err, errlen, "%s: out of memory", path), -1;
	rc = fb_read_chunks(path, cap, parse_chunk, &p);
	if (rc < 0 && errno != ECANCELED) {
		snprintf(err, errlen, "%s: not readable as JSON (%s)", path, fb_read_strerror(errno));
	} else if (rc > 0) {
		snprintf(err, errlen, "%s: larger than %zu MiB: not a foliobench file", path, cap >> 20);
	} else if (p.trailing) {
		snprintf(err, errlen, "%s: not readable as JSON (data after the document)", path);
	} else if (!p.obj) {
		snprintf(err, errlen, "%s: not readable as JSON (%s)", path,
			 rc || p.jerr != json_tokener_continue ? json_tokener_error_desc(p.jerr) :
			 "truncated or corrupt");
	} else {
		json_tokener_free(p.tok);
		clean_tree(p.obj);
		*out = p.obj;
		return 0;
	}
	json_object_put(p.obj);
	json_tokener_free(p.tok);
	return -1;
}

int fb_run_load(const char *path, json_object **doc, char *err, size_t errlen)
{
	json_object *d, *cells;
	const char *schema;
	char file[4096];
	int version;

	*doc = NULL;
	fb_run_path(path, file, sizeof(file));
	if (strcmp(file, path) && access(file, F_OK))
		return snprintf(err, errlen, "%s: a directory without run.json", path), -1;
	if (fb_json_load(file, FB_RUN_MAX_BYTES, &d, err, errlen))
		return -1;
	path = file;
	schema = fb_json_str(d, "schema", NULL);
	if (!schema || strcmp(schema, FB_SCHEMA)) {
		snprintf(err, errlen, "%s: not a foliobench result (schema '%s')", path,
			 schema ? schema : "missing");
		goto bad;
	}
	version = (int)fb_json_num(d, "schema_version", -1);
	if (version < FB_SCHEMA_VERSION_OLDEST || version > FB_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: schema version %d, this foliobench reads %d to %d", path,
			 version, FB_SCHEMA_VERSION_OLDEST, FB_SCHEMA_VERSION);
		goto bad;
	}
	cells = fb_json_path(d, "cells");
	if (!cells || !json_object_is_type(cells, json_type_array)) {
		snprintf(err, errlen, "%s: no cells array", path);
		goto bad;
	}
	if (version == 1)
		fb_run_v1_to_v2(d);
	*doc = d;
	return 0;
bad:
	json_object_put(d);
	return -1;
}
