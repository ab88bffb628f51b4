// SPDX-License-Identifier: GPL-2.0-only
/*
 * The readers' pieces: the one file reader (bench/util/util.c fb_read_file,
 * fb_read_chunks), text cleaning and the key map (bench/render/table.c), the
 * --format names, and the JSON loader (bench/results/results.c fb_json_load).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "results.h"
#include "table.h"
#include "util.h"

static char dir[] = "/tmp/fb-reader-units.XXXXXX";

static const char *file(const char *name, const char *text, size_t n)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fwrite(text, 1, n, f);
		fclose(f);
	}
	return path;
}

static int count_chunk(const char *buf, size_t n, void *arg)
{
	(void)buf;
	*(size_t *)arg += n;
	return 0;
}

static int stop_chunk(const char *buf, size_t n, void *arg)
{
	(void)buf;
	(void)n;
	(void)arg;
	return 1;
}

/* Clean a copy of s and compare with want. */
static int cleans(const char *s, const char *want)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "%s", s);
	fb_text_clean(buf);
	if (strcmp(buf, want))
		printf("     '%s' -> '%s', wanted '%s'\n", s, buf, want);
	return !strcmp(buf, want);
}

int main(void)
{
	char fifo[300], *t, err[512];
	size_t n = 0;
	json_object *o;

	if (!mkdtemp(dir))
		return printf("# mkdtemp: %s\n", strerror(errno)), 1;

	/* ---- the one file reader ---- */
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	mkfifo(fifo, 0600);
	errno = 0;
	check(!fb_read_file(fifo, 100, NULL) && errno == EINVAL,
	      "a FIFO without a writer: refused at once (EINVAL), no hang");
	check(strstr(fb_read_strerror(EINVAL), "not a regular file") != NULL,
	      "EINVAL reads as 'not a regular file'");
	errno = 0;
	check(!fb_read_file("/dev/zero", 100, NULL) && errno == EINVAL, "/dev/zero: refused");
	errno = 0;
	check(!fb_read_file(dir, 100, NULL) && errno == EISDIR, "a directory: EISDIR");
	errno = 0;
	check(!fb_read_file("/nonexistent/x", 100, NULL) && errno == ENOENT, "a missing file: ENOENT");
	t = fb_read_file(file("ten", "0123456789", 10), 10, &n);
	check(t && n == 10 && !strcmp(t, "0123456789"), "a file of exactly cap bytes: all of it");
	free(t);
	t = fb_read_file(file("ten", "0123456789", 10), 4, &n);
	check(t && n == 5 && !strcmp(t, "01234"), "a file past cap: cap + 1 bytes, so n > cap says so");
	free(t);
	t = fb_read_file(file("empty", "", 0), 4, &n);
	check(t && n == 0 && !t[0], "an empty file: an empty text");
	free(t);
	t = fb_read_file("/proc/self/status", 1 << 20, &n);
	check(t && n > 0 && strstr(t, "Name:"), "a /proc file (size 0 in fstat): read to its end");
	free(t);
	n = 0;
	check(fb_read_chunks(file("ten", "0123456789", 10), 100, count_chunk, &n) == 0 && n == 10,
	      "fb_read_chunks hands on every byte");
	n = 0;
	check(fb_read_chunks(file("ten", "0123456789", 10), 3, count_chunk, &n) == 1 && n == 4,
	      "fb_read_chunks past cap: 1, after cap + 1 bytes");
	errno = 0;
	check(fb_read_chunks(file("ten", "0123456789", 10), 100, stop_chunk, NULL) == -1 &&
	      errno == ECANCELED, "a chunk function that stops: -1, ECANCELED");

	/* ---- text cleaning ---- */
	check(cleans("AMD EPYC 7713 64-Core", "AMD EPYC 7713 64-Core"), "plain text stays");
	check(cleans("9.21±0.12 · 2M", "9.21±0.12 · 2M"), "UTF-8 text (±, ·) stays");
	check(cleans("a\x1b[31mb", "a?[31mb"), "ESC");
	check(cleans("a\r\nFAKE", "a??FAKE"), "CR and LF: no forged line");
	check(cleans("a\tb\x7f", "a?b?"), "tab and DEL");
	check(cleans("a\xc2\x9b" "31m", "a?31m"), "a C1 control (U+009B CSI) is one '?'");
	check(cleans("x\xe2\x80\xaey", "x?y"), "a bidi override (U+202E)");
	check(cleans("x\xff\xfey", "x??y"), "bytes that are never UTF-8");
	check(cleans("x\xe2\x82", "x?"), "a sequence cut at the end");
	check(cleans("x\xc0\xafy", "x??y"), "an overlong '/'");
	check(cleans("x\xed\xa0\x80y", "x?y"), "a surrogate (one bad sequence, one ?)");
	check(cleans("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"), "a 4-byte character stays");
	{
		char buf[8], s[] = "ok";

		check(!strcmp(fb_text_safe("a\x1b" "bcdefghij", buf, sizeof(buf)), "a?bcdef"),
		      "fb_text_safe copies, cleans and truncates");
		check(!fb_text_clean(s) && !strcmp(s, "ok"), "fb_text_clean says when nothing changed");
	}

	/* ---- the key map ---- */
	{
		struct fb_keymap m = { 0 };
		enum { N = 100000 };
		static char keys[N][16];
		int ok = 1;

		check(fb_keymap_get(&m, "x") == SIZE_MAX, "an empty map has no key");
		for (size_t i = 0; i < N; i++) {
			snprintf(keys[i], sizeof(keys[i]), "k%zu", i);
			ok &= fb_keymap_put(&m, keys[i], i) == i;
		}
		check(ok && m.n == N, "100000 keys put, each new");
		ok = 1;
		for (size_t i = 0; i < N; i++)
			ok &= fb_keymap_get(&m, keys[i]) == i;
		check(ok, "each found with its value after the map grew");
		check(fb_keymap_put(&m, "k17", 5) == 17 && fb_keymap_get(&m, "k17") == 17 && m.n == N,
		      "a key put twice keeps its first value (the duplicate is reported)");
		check(fb_keymap_get(&m, "k100000") == SIZE_MAX, "a key never put: SIZE_MAX");
		fb_keymap_free(&m);
		check(!m.slots && !m.n, "freed");
	}

	/* ---- one set of --format names ---- */
	{
		unsigned tables = FB_FMT_BIT(FB_FMT_TABLE) | FB_FMT_BIT(FB_FMT_MARKDOWN);

		check(fb_format_parse("table", tables) == FB_FMT_TABLE &&
		      fb_format_parse("text", tables) == FB_FMT_TABLE, "table, and text as its other name");
		check(fb_format_parse("markdown", tables) == FB_FMT_MARKDOWN, "markdown");
		check(fb_format_parse("json", tables) == -1, "a format the command does not take: -1");
		check(fb_format_parse("yaml", ~0u) == -1, "a name no command knows: -1");
		check(!strcmp(fb_format_name(FB_FMT_SERIES), "series") &&
		      fb_table_fmt_of(FB_FMT_SERIES) == FB_TABLE_SERIES &&
		      fb_table_fmt_of(FB_FMT_TABLE) == FB_TABLE_TEXT, "names and the renderer's forms");
	}

	/* ---- the JSON loader ---- */
	{
		const char *good = "{\"a\": \"x\\u001b[2Jy\", \"k\\u001bey\": [\"\\r\\nz\"], \"n\": 1}\n\n";

		check(!fb_json_load(file("good.json", good, strlen(good)), 1 << 20, &o, err, sizeof(err)),
		      "a document with escapes loads");
		check(o && !strcmp(fb_json_str(o, "a", ""), "x?[2Jy"), "its strings are cleaned");
		check(o && fb_json_path(o, "k?ey") && !fb_json_path(o, "k\x1b" "ey"),
		      "its keys too");
		check(o && !strcmp(json_object_get_string(json_object_array_get_idx(
			fb_json_path(o, "k?ey"), 0)), "??z"), "strings inside arrays too");
		json_object_put(o);
		check(fb_json_load(file("trail.json", "{} x", 4), 1 << 20, &o, err, sizeof(err)) &&
		      strstr(err, "data after the document") && !o, "data after the document: refused");
		check(fb_json_load(file("cut.json", "{\"a\": [1, 2", 11), 1 << 20, &o, err, sizeof(err)) &&
		      strstr(err, "not readable as JSON") && !o, "a truncated document: refused");
		check(fb_json_load(file("big.json", "{\"a\": 12345}", 12), 5, &o, err, sizeof(err)) &&
		      strstr(err, "larger than") && !o, "past the cap: refused");
		check(fb_json_load(fifo, 1 << 20, &o, err, sizeof(err)) && strstr(err, "not a regular file"),
		      "a FIFO: refused, no hang");
	}

	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			printf("# could not remove %s\n", dir);
	}
	return check_finish();
}
