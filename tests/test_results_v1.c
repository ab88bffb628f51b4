// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading schema 1: every kernel_path spelling older versions wrote comes
 * back as today's record {routine, model, impl, why} and shows short as it
 * did (the expected short forms are what the v1 reader printed), and a v1
 * file loads in v2's form: converted once, on load (fb_run_load).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kpath_v1.h"
#include "results.h"
#include "check.h"

static int streq(const char *a, const char *b) { return a && b && !strcmp(a, b); }

static const struct {
	const char *recorded;
	const char *function, *mode;    /* the cell's: a mode prefix needs its function */
	int routine, model;
	const char *impl, *concise;
} cases[] = {
	{ "batched 6.12: rep movsb (memcpy FSRM) (FSRM -> rep movsb (arch/x86/lib/memcpy_64.S, 6.12))",
	  "folio_copy", "batched", FB_KR_MEMCPY, FB_KM_6_12, "rep movsb",
	  "batched 6.12: rep movsb (FSRM)" },
	{ "batched 6.1: memcpy_erms (rep movsb) (ERMS -> memcpy_erms (arch/x86/lib/memcpy_64.S, 6.1))",
	  "folio_copy", "batched", FB_KR_MEMCPY, FB_KM_6_1, "rep movsb",
	  "batched 6.1: rep movsb (ERMS)" },
	{ "batched 6.1: rep movsq (memcpy REP_GOOD) (no ERMS, REP_GOOD -> rep movsq + rep movsb tail (arch/x86/lib/memcpy_64.S, 6.1); REP_GOOD: AMD family 0x17 >= 0x10 (amd.c))",
	  "folio_copy", "batched", FB_KR_MEMCPY, FB_KM_6_1, "rep movsq",
	  "batched 6.1: rep movsq (no ERMS, REP_GOOD)" },
	{ "per-page 6.1: rep movsq (REP_GOOD [AMD family 0x19 >= 0x10 (amd.c)] -> rep movsq (arch/x86/lib/copy_page_64.S))",
	  "folio_copy", "per-page", FB_KR_COPY_PAGE, FB_KM_6_1, "rep movsq",
	  "per-page 6.1: rep movsq (REP_GOOD)" },
	{ "batched 6.12: copy_mc_enhanced_fast_string (key off (no mce=recovery, no Xeon RAS PCI quirk), ERMS -> copy_mc_enhanced_fast_string, rep movsb (arch/x86/lib/copy_mc.c))",
	  "folio_mc_copy", "batched", FB_KR_COPY_MC, FB_KM_6_12, "copy_mc_enhanced_fast_string",
	  "batched 6.12: copy_mc_enhanced_fast_string (ERMS)" },
	{ "batched 6.1: copy_mc_fragile (copy_mc_fragile_key on: mce=recovery -> copy_mc_fragile (arch/x86/lib/copy_mc.c))",
	  "folio_mc_copy", "batched", FB_KR_COPY_MC, FB_KM_6_1, "copy_mc_fragile",
	  "batched 6.1: copy_mc_fragile (MCE-recovery key)" },
	{ "batched 6.12: copy_mc_fragile (MCE-recovery key -> copy_mc_fragile (arch/x86/lib/copy_mc.c); key on: mce=recovery (mce/core.c))",
	  "folios_mc_copy", "batched", FB_KR_COPY_MC, FB_KM_6_12, "copy_mc_fragile",
	  "batched 6.12: copy_mc_fragile (MCE-recovery key)" },
	{ "per-page 6.12: copy_page_regs (no REP_GOOD -> copy_page_regs (arch/x86/lib/copy_page_64.S); Intel family 0x13 != 6 (intel.c sets it for family 6 only))",
	  "folio_copy", "per-page", FB_KR_COPY_PAGE, FB_KM_6_12, "copy_page_regs",
	  "per-page 6.12: copy_page_regs (no REP_GOOD)" },
	{ "batched 6.12: memcpy_orig (no FSRM -> memcpy_orig, a 4x8-byte movq loop (arch/x86/lib/memcpy_64.S, 6.12) [VM: ERMS/FSRM may be hidden by the CPU model])",
	  "folio_copy", "batched", FB_KR_MEMCPY, FB_KM_6_12, "memcpy_orig",
	  "batched 6.12: memcpy_orig (no FSRM)" },
	{ "memcpy_flushcache 6.12: movnti loop (__memcpy_flushcache: CLWB -> 4x8-byte movnti loop (arch/x86/lib/usercopy_64.c))",
	  NULL, NULL, FB_KR_MEMCPY_FLUSHCACHE, FB_KM_6_12, "movnti loop",
	  "memcpy_flushcache 6.12: movnti loop (movnti)" },
	{ "memcpy_flushcache 6.12: movnti loop (CLWB -> 4x8-byte movnti loop, unaligned head/tail written back with clwb (arch/x86/lib/usercopy_64.c), no fence)",
	  NULL, NULL, FB_KR_MEMCPY_FLUSHCACHE, FB_KM_6_12, "movnti loop",
	  "memcpy_flushcache 6.12: movnti loop (CLWB)" },
	{ "memcpy 6.12: rep movsb (FSRM -> rep movsb (arch/x86/lib/memcpy_64.S, 6.12))",
	  NULL, NULL, FB_KR_MEMCPY, FB_KM_6_12, "rep movsb",
	  "memcpy 6.12: rep movsb (FSRM)" },
	{ "per-page 6.12: rep movsb (ERMS -> copy_mc_enhanced_fast_string, rep movsb)",
	  "folio_mc_copy", "per-page", FB_KR_COPY_MC, FB_KM_6_12, "rep movsb",
	  "per-page 6.12: rep movsb (ERMS)" },
	{ "batched 6.1: rep movsq (no ERMS, REP_GOOD -> rep movsq + rep movsb tail)",
	  "folio_copy", "batched", FB_KR_MEMCPY, FB_KM_6_1, "rep movsq",
	  "batched 6.1: rep movsq (no ERMS, REP_GOOD)" },
	{ "clflush_cache_range 6.1: clflushopt (CLFLUSHOPT -> mb; clflushopt per 64-byte line; mb (arch/x86/mm/pat/set_memory.c))",
	  NULL, NULL, FB_KR_CLFLUSH_RANGE, FB_KM_6_1, "clflushopt",
	  "clflush_cache_range 6.1: clflushopt (CLFLUSHOPT)" },
	{ "clflush_cache_range 6.1: clflush (no CLFLUSHOPT -> mb; clflush per 64-byte line; mb)",
	  NULL, NULL, FB_KR_CLFLUSH_RANGE, FB_KM_6_1, "clflush",
	  "clflush_cache_range 6.1: clflush (no CLFLUSHOPT)" },
	{ "batched 6.12+: memcpy_orig (no FSRM -> memcpy_orig)",
	  "folio_copy", "batched", FB_KR_MEMCPY, FB_KM_6_12, "memcpy_orig",
	  "batched 6.12: memcpy_orig (no FSRM)" },
	{ "batched 6.12: memcpy_orig",
	  "folio_copy", "batched", FB_KR_MEMCPY, FB_KM_6_12, "memcpy_orig",
	  "batched 6.12: memcpy_orig" },
	{ "per-page 6.12: some future impl (NEW FLAG -> some future impl (somewhere.S))",
	  "folio_copy", "per-page", FB_KR_COPY_PAGE, FB_KM_6_12, "some future impl",
	  "per-page 6.12: some future impl (NEW FLAG)" },
	{ "no colon here",
	  "folio_copy", NULL, -1, -1, "no colon here",
	  "no colon here" },
};

static void record_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fb_kpath_record r;
		char out[200];
		int rc = fb_kpath_v1_record(cases[i].recorded, cases[i].function, &r);

		checkf(rc == (cases[i].routine < 0 ? -1 : 0) && r.routine == cases[i].routine &&
		       r.model == cases[i].model && streq(r.impl, cases[i].impl),
		       "v1 '%.40s...': routine %d model %d impl '%s' (got %d, %d, %d, '%s')",
		       cases[i].recorded, cases[i].routine, cases[i].model, cases[i].impl, rc,
		       r.routine, r.model, r.impl);
		fb_kpath_concise(&r, cases[i].mode, out, sizeof(out));
		checkf(!strcmp(out, cases[i].concise), "v1 case %zu shows '%s' (got '%s')", i,
		       cases[i].concise, out);
	}
}

/* A mode prefix without a function (an explicit primitive) names no routine. */
static void prefix_cases(void)
{
	struct fb_kpath_record r;

	fb_kpath_v1_record("batched 6.12: memcpy_orig (no FSRM -> memcpy_orig)", NULL, &r);
	check(r.routine == -1 && r.model == FB_KM_6_12 && streq(r.impl, "memcpy_orig") &&
	      streq(r.why, "no FSRM -> memcpy_orig"), "mode prefix without a function: no routine");
	fb_kpath_v1_record("kernel 6.12: rep movsb (FSRM -> rep movsb)", "folio_copy", &r);
	check(r.routine == -1 && r.model == FB_KM_6_12, "mode kernel names no routine");
	fb_kpath_v1_record("batched 6.1: copy_mc_fragile (copy_mc_fragile_key on: mce=recovery "
			   "-> copy_mc_fragile (arch/x86/lib/copy_mc.c))", "folio_mc_copy", &r);
	check(streq(r.why, "MCE-recovery key -> copy_mc_fragile (arch/x86/lib/copy_mc.c)"),
	      "an older brief is rewritten in today's words, the rest of the why kept");
	fb_kpath_v1_record("per-page 6.1: rep movsq (REP_GOOD [AMD family 0x19 >= 0x10 (amd.c)] "
			   "-> rep movsq (arch/x86/lib/copy_page_64.S))", "folio_copy", &r);
	check(streq(r.why, "REP_GOOD [AMD family 0x19 >= 0x10 (amd.c)] -> rep movsq "
		    "(arch/x86/lib/copy_page_64.S)"), "a why in today's words is kept as recorded");
	check(fb_kpath_v1_record(NULL, "folio_copy", &r) == -1 && !r.impl[0], "no string: empty");
}

static json_object *cell_of(json_object *doc, size_t i)
{
	return json_object_array_get_idx(fb_json_path(doc, "cells"), i);
}

/* The recorded v1 runs of tests/data load as v2; written out they are v2
 * files, and load again to the same cells. */
static void load_cases(void)
{
	static const char *const fixtures[] = {
		"data/compare/base.json", "data/paths/run-a.json", "data/migrate/run-6.12/run.json",
	};
	char err[512], tmp[] = "/tmp/fb_test_v1_XXXXXX";
	int fd = mkstemp(tmp);

	for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		json_object *d = NULL, *d2 = NULL, *raw = NULL;
		size_t n, strings = 0, objects = 0, nulls = 0, same = 0;
		FILE *out;

		raw = json_object_from_file(fixtures[f]);
		checkf(raw && fb_json_num(raw, "schema_version", 0) == 1, "%s is a v1 fixture",
		       fixtures[f]);
		if (fb_run_load(fixtures[f], &d, err, sizeof(err))) {
			checkf(0, "%s loads: %s", fixtures[f], err);
			json_object_put(raw);
			continue;
		}
		checkf(fb_json_num(d, "schema_version", 0) == FB_SCHEMA_VERSION,
		       "%s is read in v2's form", fixtures[f]);
		n = json_object_array_length(fb_json_path(d, "cells"));
		for (size_t i = 0; i < n; i++) {
			json_object *kp = fb_json_path(cell_of(d, i), "kernel_path");
			json_object *old = fb_json_path(cell_of(raw, i), "kernel_path");
			struct fb_kpath_record a, b;

			strings += old && json_object_is_type(old, json_type_string);
			nulls += !old && !kp;
			if (kp && json_object_is_type(kp, json_type_object) &&
			    !fb_cell_kpath(cell_of(d, i), &a) && old &&
			    !fb_kpath_v1_record(json_object_get_string(old),
						fb_json_str(fb_json_path(cell_of(raw, i), "config"),
							    "function", NULL), &b) &&
			    a.routine == b.routine && a.model == b.model && a.routine >= 0 &&
			    streq(a.impl, b.impl) && streq(a.why, b.why))
				objects++;
		}
		checkf(objects == strings && nulls == n - strings,
		       "%s: each of %zu kernel_path strings became its record (%zu), %zu nulls stay null",
		       fixtures[f], strings, objects, nulls);
		out = fd >= 0 ? fopen(tmp, "w") : NULL;
		if (out) {
			fputs(json_object_to_json_string_ext(d, JSON_C_TO_STRING_PRETTY), out);
			fclose(out);
		}
		if (!fb_run_load(tmp, &d2, err, sizeof(err))) {
			for (size_t i = 0; i < n; i++)
				same += json_object_equal(fb_json_path(cell_of(d, i), "kernel_path"),
							  fb_json_path(cell_of(d2, i), "kernel_path"));
		}
		checkf(d2 && same == n, "%s written as v2 loads to the same kernel paths (%zu of %zu)",
		       fixtures[f], same, n);
		json_object_put(d2);
		json_object_put(d);
		json_object_put(raw);
	}
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
}

int main(void)
{
	record_cases();
	prefix_cases();
	load_cases();
	return check_finish();
}
