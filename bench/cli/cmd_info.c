// SPDX-License-Identifier: GPL-2.0-only
/* foliobench info: a CPU (this one, or a dump of another) and the kernel
 * copy paths it selects. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "foliobench_uapi.h"

#include "backend.h"
#include "cli.h"
#include "cpuid_dump.h"
#include "kpath.h"
#include "kpath_probe.h"
#include "machine.h"
#include "plan.h"
#include "table.h"
#include "util.h"

static const char info_usage[] =
"usage: foliobench info [--cpuid-dump FILE] [--check-kernel] [--format table|json]\n"
"\n"
"Describe this machine as every result records it: CPU and the flags that\n"
"decide copy paths, hypervisor, kernel, THP, LLC domains, NUMA nodes; which\n"
"implementation kernel 6.1 and 6.12+ select for memcpy, copy_page,\n"
"copy_mc_to_kernel, memcpy_flushcache and clflush_cache_range on this CPU and\n"
"why; what per-page and batched folio copies run; which primitives this CPU\n"
"can run.  Beside that prediction it shows what the running kernel itself\n"
"selected, read by the loaded foliobench module (feature bits by\n"
"boot_cpu_has(), memcpy and copy_page from their patched code,\n"
"copy_mc_to_kernel from the routine one call ran; without the module, only\n"
"the feature bits /proc/cpuinfo shows), and flags every disagreement.\n"
"\n"
"  --cpuid-dump FILE   the same for another machine's CPU: FILE is the output\n"
"                      of `cpuid -r` (Debian's cpuid package; the first CPU is\n"
"                      used) or its /proc/cpuinfo; '-' reads standard input\n"
"  --check-kernel      compare the prediction (for the dump's CPU, taken as\n"
"                      this machine's) with the running kernel's choice and\n"
"                      exit 1 on a disagreement\n"
"  --format table|json  the description as text, or as JSON [table]\n"
"                      ('text', the old name, is table too)\n"
"\n"
"Exit: 0 ok, 1 --check-kernel found a disagreement, 2 bad usage or a\n"
"malformed dump, 4 a dump of a CPU that is not x86 (the x86 path rules do\n"
"not apply), or --check-kernel on a machine that is not x86 or whose kernel\n"
"tells nothing to compare.\n";

/* What the three folio copies run on one kernel line, short. */
struct folio_paths {
	struct fb_kpath page, batched, mc;
};

static int folio_paths(const struct fb_cpu *cpu, const struct fb_kboot *boot,
		       enum fb_kernel_model km, struct folio_paths *fp)
{
	return fb_kpath_select_boot(cpu, km, FB_KR_COPY_PAGE, boot, &fp->page) ||
	       fb_kpath_select_boot(cpu, km, FB_KR_MEMCPY, boot, &fp->batched) ||
	       fb_kpath_select_boot(cpu, km, FB_KR_COPY_MC, boot, &fp->mc);
}

static void print_paths(const struct fb_cpu *cpu, const struct fb_kboot *boot,
			const char *which)
{
	bool any_seed000 = false;

	for (int km = 0; km < FB_KM_COUNT; km++) {
		char why[200];
		bool rg = fb_kernel_rep_good(cpu, km, boot, why, sizeof(why));

		printf("\nkernel %s copy paths on %s (REP_GOOD %s: %s)\n",
		       fb_kernel_model_name(km), which, rg ? "set" : "clear", why);
		for (int r = 0; r < FB_KR_COUNT; r++) {
			struct fb_kpath kp;

			fb_kpath_select_boot(cpu, km, r, boot, &kp);
			printf("  %-20s %-29s %s\n", fb_kroutine_name(r), kp.impl, kp.why);
		}
	}

	printf("\nfolio copies on %s (per page: copy_page per 4K page; batched, the RFC:\n"
	       "one memcpy over the folio; folio_mc_copy: copy_mc_to_kernel either way)\n", which);
	for (int km = 0; km < FB_KM_COUNT; km++) {
		struct folio_paths fp;

		folio_paths(cpu, boot, km, &fp);
		printf("  %-5s per-page folio_copy  copy_page          %s (%s)\n",
		       fb_kernel_model_name(km), fp.page.impl, fp.page.brief);
		printf("  %-5s batched folio_copy   memcpy             %s (%s)\n", "",
		       fp.batched.impl, fp.batched.brief);
		printf("  %-5s folio_mc_copy        copy_mc_to_kernel  %s (%s)\n", "",
		       fp.mc.impl, fp.mc.brief);
		if (fb_kpath_seed000(fp.batched.impl, fp.page.impl)) {
			printf("  %-5s ! batched folio_copy runs %s while per-page runs %s: seed 000's\n"
			       "  %-5s   pattern (its Zen 3 had no FSRM), where batching lost to per-page copies\n",
			       "", fp.batched.impl, fp.page.impl, "");
			any_seed000 = true;
		}
	}
	if (!any_seed000)
		printf("  batched and per-page folio_copy both run string copies here on 6.1 and 6.12+\n");
}

static json_object *folio_paths_json(const struct fb_cpu *cpu, const struct fb_kboot *boot)
{
	json_object *all = json_object_new_object();

	for (int km = 0; km < FB_KM_COUNT; km++) {
		struct folio_paths fp;
		json_object *o = json_object_new_object();
		char buf[160];

		folio_paths(cpu, boot, km, &fp);
		snprintf(buf, sizeof(buf), "%s (%s)", fp.page.impl, fp.page.brief);
		json_object_object_add(o, "per-page folio_copy", json_object_new_string(buf));
		snprintf(buf, sizeof(buf), "%s (%s)", fp.batched.impl, fp.batched.brief);
		json_object_object_add(o, "batched folio_copy", json_object_new_string(buf));
		snprintf(buf, sizeof(buf), "%s (%s)", fp.mc.impl, fp.mc.brief);
		json_object_object_add(o, "folio_mc_copy", json_object_new_string(buf));
		json_object_object_add(o, "seed000_pattern", json_object_new_boolean(
			fb_kpath_seed000(fp.batched.impl, fp.page.impl)));
		json_object_object_add(all, fb_kernel_model_name(km), o);
	}
	return all;
}

static void print_json(json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* What the running kernel selected: the module's INFO, else the feature
 * bits of /proc/cpuinfo.  note says why the module was not used. */
static void running_kernel_view(struct fb_kview *v, char *note, size_t len)
{
	struct utsname u;
	char *cpuinfo;

	note[0] = '\0';
	if (fb_kmod_kernel_view(v, NULL, note, len) == FB_EXIT_OK)
		return;
	if (access(FOLIOBENCH_DEVICE, F_OK))
		snprintf(note, len, "not loaded");
	uname(&u);
	cpuinfo = fb_read_file("/proc/cpuinfo", 1 << 20, NULL);
	fb_kview_from_cpuinfo(cpuinfo, u.release, v);
	free(cpuinfo);
}

struct kcheck {
	struct fb_kview v;
	char note[512];
	enum fb_kernel_model km;
	struct fb_kcheck_row rows[FB_KCHECK_ROWS];
	int disagree, told;
};

static void kernel_check(const struct fb_cpu *cpu, const struct fb_kboot *boot,
			 struct kcheck *k)
{
	running_kernel_view(&k->v, k->note, sizeof(k->note));
	k->km = fb_kernel_model_of_release(k->v.release);
	k->disagree = fb_kpath_check(cpu, k->km, boot, &k->v, k->rows);
	k->told = 0;
	for (int i = 0; i < FB_KCHECK_ROWS; i++)
		k->told += k->rows[i].agree >= 0;
}

static void print_kernel_check(const struct kcheck *k, const char *which)
{
	printf("\nrunning kernel %s (rules of %s) against the prediction for %s,\n"
	       "as %s reads it%s%s%s:\n", k->v.release, fb_kernel_model_name(k->km), which,
	       k->v.source, k->note[0] ? " (foliobench.ko: " : "", k->note,
	       k->note[0] ? ")" : "");
	printf("    %-20s %-29s %-29s %s\n", "", "predicted", "kernel", "why; how the kernel was read");
	for (int i = 0; i < FB_KCHECK_ROWS; i++) {
		const struct fb_kcheck_row *r = &k->rows[i];

		printf("  %c %-20s %-29s %-29s %s\n", r->agree < 0 ? '?' : r->agree ? ' ' : '!',
		       r->item, r->predicted, r->kernel, r->detail);
	}
	if (k->disagree)
		printf("  ! %d of %d that the kernel tells disagree with the prediction\n",
		       k->disagree, k->told);
	else
		printf("  all %d that the kernel tells agree with the prediction (? = it cannot tell)\n",
		       k->told);
}

static json_object *kernel_check_json(const struct kcheck *k)
{
	json_object *o = json_object_new_object(), *rows = json_object_new_array();

	json_object_object_add(o, "view", fb_kview_json(&k->v));
	if (k->note[0])
		json_object_object_add(o, "module", json_object_new_string(k->note));
	json_object_object_add(o, "rules_of", json_object_new_string(fb_kernel_model_name(k->km)));
	for (int i = 0; i < FB_KCHECK_ROWS; i++) {
		const struct fb_kcheck_row *r = &k->rows[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "item", json_object_new_string(r->item));
		json_object_object_add(e, "predicted", json_object_new_string(r->predicted));
		json_object_object_add(e, "kernel", json_object_new_string(r->kernel));
		json_object_object_add(e, "agree", r->agree < 0 ? NULL :
				       json_object_new_boolean(r->agree));
		json_object_object_add(e, "detail", json_object_new_string(r->detail));
		json_object_array_add(rows, e);
	}
	json_object_object_add(o, "check", rows);
	json_object_object_add(o, "disagreements", json_object_new_int(k->disagree));
	return o;
}

/* The exit status of --check-kernel: 1 on a disagreement, 4 when the
 * kernel told nothing to compare. */
static int check_status(const struct kcheck *k)
{
	if (k->disagree)
		return FB_EXIT_FAIL;
	if (!k->told) {
		fprintf(stderr, "foliobench info: --check-kernel: %s tells nothing to compare\n",
			k->v.source);
		return FB_EXIT_SKIP;
	}
	return FB_EXIT_OK;
}

/* A dump checked against this kernel is taken as this machine's CPU: what
 * a dump cannot say about boot is read from this machine. */
static void boot_of_this_machine(struct fb_kboot *b)
{
	const struct fb_kboot *t = fb_this_kboot();

	if (b->mce_recovery < 0)
		b->mce_recovery = t->mce_recovery;
	if (b->ras_quirk < 0)
		b->ras_quirk = t->ras_quirk;
	if (b->fast_strings < 0)
		b->fast_strings = t->fast_strings;
}

/* The CPU of a dump: no host, kernel or topology of its own. */
static int info_dump(const char *path, bool json, bool check)
{
	struct fb_cpu cpu;
	struct fb_cpuid_dump d;
	char err[FB_ERRLEN + 256], file[1024];
	int rc = fb_cpuid_dump_load(path, &cpu, &d, err, sizeof(err));
	static struct kcheck k;

	if (rc == FB_EXIT_USAGE)
		fb_usage_error("info", "--cpuid-dump %s", err);
	if (rc) {
		fprintf(stderr, "foliobench info: --cpuid-dump %s\n", err);
		return rc;
	}
	if (check) {
		boot_of_this_machine(&d.boot);
		kernel_check(&cpu, &d.boot, &k);
	}
	if (json) {
		/* the cpu block exactly as results record one */
		json_object *m = fb_machine_json(&cpu, NULL, fb_kmod_kernel_view);
		json_object *o = json_object_new_object();
		json_object *src = json_object_new_object(), *c = NULL;

		json_object_object_add(src, "file", json_object_new_string(
			fb_text_safe(path, file, sizeof(file))));
		json_object_object_add(src, "format", json_object_new_string(d.format));
		json_object_object_add(src, "cpus", json_object_new_int((int)d.blocks));
		json_object_object_add(o, "source", src);
		json_object_object_get_ex(m, "cpu", &c);
		json_object_object_add(o, "cpu", json_object_get(c));
		json_object_object_add(o, "kernel_paths", fb_kpaths_json(&cpu, &d.boot));
		json_object_object_add(o, "folio_copies", folio_paths_json(&cpu, &d.boot));
		if (check)
			json_object_object_add(o, "running_kernel", kernel_check_json(&k));
		print_json(o);
		json_object_put(o);
		json_object_put(m);
		return check ? check_status(&k) : FB_EXIT_OK;
	}
	printf("dump       %s (%s", fb_text_safe(path, file, sizeof(file)), d.format);
	if (d.leaves)
		printf(", first of %u CPU block%s, %zu leaves", d.blocks, d.blocks == 1 ? "" : "s",
		       d.leaves);
	printf(")\ncpu        %s (%s family 0x%x model 0x%x stepping %u)\n",
	       cpu.name[0] ? cpu.name : "(no brand string)", cpu.vendor, cpu.family, cpu.model,
	       cpu.stepping);
	if (cpu.flag[FB_F_HYPERVISOR])
		printf("hypervisor %s: CPUID bits may be hidden or changed by the VM's CPU model\n",
		       cpu.hypervisor);
	printf("flags     ");
	for (int i = 0; i < FB_F_COUNT; i++)
		if (i != FB_F_HYPERVISOR)
			printf(" %s%s", cpu.flag[i] ? "+" : "-", fb_cpu_flag_name(i));
	printf("\nboot       not in a dump: mce=recovery (taken as off)%s; where they decide\n"
	       "           a path, its reason says so or says 'guess'\n",
	       d.boot.fast_strings < 0 ? ", and on Xeons the RAS PCI quirk and BIOS fast strings" :
	       ", and on Xeons the RAS PCI quirk");
	print_paths(&cpu, &d.boot, "that CPU");
	if (!check)
		return FB_EXIT_OK;
	print_kernel_check(&k, "that CPU");
	return check_status(&k);
}

int fb_cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "cpuid-dump", required_argument, NULL, 'd' },
		{ "check-kernel", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct fb_cpu *cpu = fb_this_cpu();
	struct fb_topology topo;
	bool json = false, check = false, have_topo;
	static struct kcheck k;
	const char *dump = NULL;
	char err[FB_ERRLEN];
	int opt;

	optind = 1;
	opterr = 0; /* our own one-line messages */
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'f') {
			json = fb_format_option("info", optarg, FB_FMT_BIT(FB_FMT_TABLE) |
						FB_FMT_BIT(FB_FMT_JSON)) == FB_FMT_JSON;
		} else if (opt == 'd') {
			dump = optarg;
		} else if (opt == 'k') {
			check = true;
		} else if (opt == 'h') {
			fputs(info_usage, stdout);
			return FB_EXIT_OK;
		} else if (optopt == 'd' || optopt == 'f') {
			fb_usage_error("info", "%s needs a value (see foliobench info --help)",
				    argv[optind - 1]);
		} else {
			fb_usage_error("info", "unknown option %s (see foliobench info --help)",
				    argv[optind - 1]);
		}
	}
	if (optind < argc)
		fb_usage_error("info", "unexpected argument '%s'", argv[optind]);
	if (check && !(dump ? true : cpu->x86)) {
		fprintf(stderr, "foliobench info: --check-kernel: this CPU is not x86; the x86 path rules do not apply\n");
		return FB_EXIT_SKIP;
	}
	if (dump)
		return info_dump(dump, json, check);
	if (cpu->x86)
		kernel_check(cpu, fb_this_kboot(), &k);

	have_topo = !fb_topology_load(&topo, NULL, err, sizeof(err));
	if (!have_topo)
		fprintf(stderr, "foliobench info: topology: %s\n", err);
	if (json) {
		json_object *m = fb_machine_json(cpu, have_topo ? &topo : NULL, fb_kmod_kernel_view);

		if (cpu->x86)
			json_object_object_add(m, "running_kernel", kernel_check_json(&k));
		print_json(m);
		json_object_put(m);
	} else {
		fb_machine_print(stdout, cpu, have_topo ? &topo : NULL);
		if (!cpu->x86)
			printf("\nthe x86 kernel copy-path rules do not apply to this CPU\n");
		else {
			print_paths(cpu, fb_this_kboot(), "this CPU");
			print_kernel_check(&k, "this CPU");
		}
		printf("\n");
		fb_print_primitives(stdout);
	}
	if (have_topo)
		fb_topology_free(&topo);
	return check ? check_status(&k) : FB_EXIT_OK;
}
