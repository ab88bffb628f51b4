/* foliobench info: this machine and the kernel copy paths it selects. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "kpath.h"
#include "machine.h"
#include "util.h"

static const char info_usage[] =
"usage: foliobench info [--format text|json]\n"
"\n"
"Describe this machine as every result records it: CPU and the flags that\n"
"decide copy paths, hypervisor, kernel, THP, LLC domains, NUMA nodes; which\n"
"implementation kernel 6.1 and 6.12+ select for memcpy, copy_page,\n"
"copy_mc_to_kernel, memcpy_flushcache and clflush_cache_range on this CPU, and\n"
"which primitives this CPU can run.\n";

int fb_cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct fb_cpu *cpu = fb_this_cpu();
	struct fb_topology topo;
	bool json = false, have_topo;
	char err[FB_ERRLEN];
	int opt;

	optind = 1;
	opterr = 0; /* our own one-line messages */
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'f') {
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				fb_usage_error("info", "--format %s: allowed text, json", optarg);
			json = !strcmp(optarg, "json");
		} else if (opt == 'h') {
			fputs(info_usage, stdout);
			return FB_EXIT_OK;
		} else {
			fb_usage_error("info", "unknown option %s (see foliobench info --help)",
				    argv[optind - 1]);
		}
	}
	if (optind < argc)
		fb_usage_error("info", "unexpected argument '%s'", argv[optind]);
	have_topo = !fb_topology_load(&topo, NULL, err, sizeof(err));
	if (!have_topo)
		fprintf(stderr, "foliobench info: topology: %s\n", err);
	if (json) {
		json_object *m = fb_machine_json(cpu, have_topo ? &topo : NULL);

		puts(json_object_to_json_string_ext(m, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(m);
	} else {
		fb_machine_print(stdout, cpu, have_topo ? &topo : NULL);
		for (int km = 0; km < FB_KM_COUNT; km++) {
			char why[200];
			bool rg = fb_kernel_rep_good(cpu, km, why, sizeof(why));

			printf("\nkernel %s copy paths on this CPU (REP_GOOD %s: %s)\n",
			       fb_kernel_model_name(km), rg ? "set" : "clear", why);
			for (int r = 0; r < FB_KR_COUNT; r++) {
				struct fb_kpath kp;

				if (fb_kpath_select_boot(cpu, km, r, fb_this_kboot(), &kp)) {
					printf("  x86 path rules do not apply to this CPU\n");
					break;
				}
				printf("  %-20s %-32s %s\n", fb_kroutine_name(r), kp.impl, kp.why);
			}
		}
		printf("\nfolio_copy per page runs copy_page per 4K page; batched (the RFC) runs\n"
		       "memcpy over the whole folio; folio_mc_copy runs copy_mc_to_kernel.\n\n");
		fb_print_primitives(stdout);
	}
	if (have_topo)
		fb_topology_free(&topo);
	return FB_EXIT_OK;
}
