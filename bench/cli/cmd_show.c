// SPDX-License-Identifier: GPL-2.0-only
/* foliobench show: the tables of a saved run. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "axis.h"
#include "cli.h"
#include "results.h"
#include "table.h"
#include "util.h"

static const char show_usage[] =
"usage: foliobench show RUN [--rows AXIS] [--cols AXIS]\n"
"                       [--format table|markdown|csv|json|series]\n"
"                       [--where AXIS=VALUE[,AXIS=VALUE...]]\n"
"\n"
"Render the tables of a saved run (RUN: its directory or its run.json) with\n"
"the renderer copy uses.  csv: the cells as cells.csv has them; json: the\n"
"run; series: gnuplot data blocks, one per column value: x, mean, sd.\n"
"--where keeps the cells whose axis has that value as a table shows it\n"
"(mode=batched, folio_size=2M, direction=0->1), or the same value written\n"
"otherwise: a size as 2097152 or 2MiB, a node as the seeds name it\n"
"(direction=dram0->cxl), as report --where.\n";

/* Keep only the cells matching every AXIS=VALUE of where. */
static void filter_cells(json_object *doc, const char *where)
{
	json_object *cells = fb_json_path(doc, "cells"), *kept = json_object_new_array();
	struct fb_where w;
	char bad[256];

	if (fb_where_parse(&w, where, doc, bad, sizeof(bad)))
		fb_usage_error("show", "--where %s: allowed AXIS=VALUE with an axis of %s", bad,
			    fb_table_axes());
	for (size_t c = 0; c < json_object_array_length(cells); c++) {
		json_object *cell = json_object_array_get_idx(cells, c);

		if (fb_where_match(&w, cell))
			json_object_array_add(kept, json_object_get(cell));
	}
	fb_where_free(&w);
	json_object_object_add(doc, "cells", kept);
}

int fb_cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rows", required_argument, NULL, 'r' },
		{ "cols", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "where", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rows = NULL, *cols = "folio_size", *where = NULL;
	enum fb_format format = FB_FMT_TABLE;
	char err[FB_ERRLEN];
	json_object *doc;
	int opt;

	optind = 1;
	opterr = 0; /* our own one-line messages */
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
		case 'c':
			if (!fb_table_axis_valid(optarg))
				fb_usage_error("show", "--%s %s: not an axis (allowed %s)",
					    opt == 'r' ? "rows" : "cols", optarg, fb_table_axes());
			*(opt == 'r' ? &rows : &cols) = optarg;
			break;
		case 'f':
			format = fb_format_option("show", optarg, FB_FMT_BIT(FB_FMT_TABLE) |
						  FB_FMT_BIT(FB_FMT_MARKDOWN) | FB_FMT_BIT(FB_FMT_CSV) |
						  FB_FMT_BIT(FB_FMT_JSON) | FB_FMT_BIT(FB_FMT_SERIES));
			break;
		case 'w':
			where = optarg;
			break;
		case 'h':
			fputs(show_usage, stdout);
			return FB_EXIT_OK;
		default:
			fb_usage_error("show", "unknown option %s (see foliobench show --help)",
				    argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		fb_usage_error("show", "give exactly one result file (a run directory or its run.json)");
	if (fb_run_load(argv[optind], &doc, err, sizeof(err)))
		fb_usage_error("show", "%s", err);
	if (where)
		filter_cells(doc, where);
	if (!json_object_array_length(fb_json_path(doc, "cells")))
		fb_usage_error("show", "no cells%s%s", where ? " match --where " : "", where ? where : "");
	if (!rows) {
		json_object *c0 = json_object_array_get_idx(fb_json_path(doc, "cells"), 0);

		rows = fb_json_num(fb_json_path(c0, "config"), "channels", 0) > 0 ? "channels" : "threads";
	}
	if (format == FB_FMT_CSV) {
		char *csv = fb_cells_csv(doc);

		fputs(csv ? csv : "", stdout);
		free(csv);
	} else if (format == FB_FMT_JSON) {
		/* the run as read (its text cleaned), only the --where cells */
		puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
	} else {
		fb_table_render(stdout, doc, rows, cols, fb_table_fmt_of(format));
	}
	json_object_put(doc);
	return FB_EXIT_OK;
}
