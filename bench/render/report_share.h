/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * foliobench report's migration side: which runs measure page migration
 * (foliobench migrate) and which only its copy phase (foliobench copy),
 * the line that says what the seed measured and what the run did, and the
 * copy-share table: how much of a migration's time its copy takes, and what
 * N copy threads could at most give (Amdahl), from a migrate run and a copy
 * run of the same folio sizes, bytes and nodes.
 */
#ifndef FB_REPORT_SHARE_H
#define FB_REPORT_SHARE_H
#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

#include "reference.h"
#include "table.h"

/* The run moves pages between nodes (its cells are foliobench migrate's). */
bool fb_run_is_migration(json_object *doc);
/* The seed measured migration and the run only copies: its copy phase. */
bool fb_report_copy_phase(const struct fb_ref_table *seed, json_object *doc);
/* "measured: seed: ...; here: ..." for a table whose seed measured migration. */
void fb_report_measured(FILE *f, const struct fb_ref_table *seed, json_object *doc,
			enum fb_table_fmt fmt);
/*
 * foliobench report MIGRATE_RUN --copy-share COPY_RUN [--threads LIST]: per
 * migrated cell its time, the copy time of the same bytes, the copy's share
 * and the Amdahl bound for each thread count of LIST (default: the copy
 * run's counts above 1, else 16).  Runs that do not match: one line, exit 2.
 */
int fb_report_copy_share(const char *mig_path, const char *copy_path, const char *threads,
			 enum fb_table_fmt fmt);
#endif
