// SPDX-License-Identifier: GPL-2.0-only
/* foliobench: the CLI.  Each subcommand lives in cmd_<name>.c. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static const struct {
	const char *name, *summary;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "copy", "measure folio copies per page vs batched", fb_cmd_copy },
	{ "info", "describe this machine and the kernel copy paths it selects", fb_cmd_info },
	{ "show", "render the tables of a saved run.json", fb_cmd_show },
	{ "compare", "regression gate: compare two results (exit 1 on a regression)", fb_cmd_compare },
	{ "ab", "regression gate on interleaved A/B runs (for noisy CI machines)", fb_cmd_ab },
	{ "report", "a run in a seed's table layout beside the published table", fb_cmd_report },
	{ "paths", "batched/per-page speedups and kernel paths across result files", fb_cmd_paths },
	{ "stores", "write-once records: cached vs non-temporal stores (seed 004)", fb_cmd_stores },
	{ "migrate", "move mTHP folios between NUMA nodes with move_pages(2)", fb_cmd_migrate },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: foliobench <command> [options]   (foliobench <command> --help)\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "  %-9s %s\n", "help CMD", "the options of a command (as foliobench CMD --help)");
	fprintf(f, "  %-9s %s\n", "version", "print the version (also -V, --version)");
	fprintf(f, "\nResults go to results/<run-id>/run.json and cells.csv.  The manual: README.md, docs/, man foliobench.\n");
}

static int unknown_command(const char *name)
{
	fprintf(stderr, "foliobench: unknown command %s (allowed:", fb_quote(name));
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(stderr, " %s,", commands[i].name);
	fprintf(stderr, " version, help)\n");
	return FB_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return FB_EXIT_USAGE;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version") ||
	    !strcmp(argv[1], "-V")) {
		if (argc > 2) {
			fprintf(stderr, "foliobench %s: unexpected argument %s\n", argv[1],
				fb_quote(argv[2]));
			return FB_EXIT_USAGE;
		}
		printf("foliobench %s (%s)\n", FB_VERSION, FB_GIT);
		return FB_EXIT_OK;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		/* help CMD: that command's own --help */
		if (argc > 2) {
			char *hargv[] = { argv[2], "--help", NULL };

			if (argc > 3) {
				fprintf(stderr, "foliobench help: unexpected argument %s\n",
					fb_quote(argv[3]));
				return FB_EXIT_USAGE;
			}
			for (size_t i = 0; i < NCOMMANDS; i++)
				if (!strcmp(argv[2], commands[i].name))
					return commands[i].run(2, hargv);
			return unknown_command(argv[2]);
		}
		usage(stdout);
		return FB_EXIT_OK;
	}
	return unknown_command(argv[1]);
}
