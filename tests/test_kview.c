// SPDX-License-Identifier: GPL-2.0-only
/*
 * The running kernel's own choice held against bench/machine/kpath.c's rules
 * (fb_kpath_check), a kernel view from /proc/cpuinfo text, and the kernel
 * config options runs record (machine.c).  Kernel views here are what
 * foliobench.ko reported in QEMU guests (tests/test_kpath_vm.sh logs) and
 * what it would report on a kernel that disagrees with the rules.
 */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "cpu.h"
#include "foliobench_uapi.h"
#include "kpath.h"
#include "kpath_probe.h"
#include "machine.h"
#include "check.h"

static const struct fb_kcheck_row *row(const struct fb_kcheck_row *rows, const char *item)
{
	for (int i = 0; i < FB_KCHECK_ROWS; i++)
		if (!strcmp(rows[i].item, item))
			return &rows[i];
	return NULL;
}

/* A module view: flags FSRM ERMS REP_GOOD FSRS fragile (-1 unknown). */
static void view(struct fb_kview *v, int fsrm, int erms, int rep_good, int fsrs, int fragile,
		 const char *memcpy_path, const char *page_path, const char *mc_path)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->source, sizeof(v->source), "foliobench.ko (ABI 2)");
	v->flag[FB_KF_FSRM] = fsrm;
	v->flag[FB_KF_ERMS] = erms;
	v->flag[FB_KF_REP_GOOD] = rep_good;
	v->flag[FB_KF_FSRS] = fsrs;
	v->flag[FB_KF_MC_FRAGILE] = fragile;
	snprintf(v->path[0], sizeof(v->path[0]), "%s", memcpy_path);
	snprintf(v->path[1], sizeof(v->path[1]), "%s", page_path);
	snprintf(v->path[2], sizeof(v->path[2]), "%s", mc_path);
}

int main(void)
{
	struct fb_kcheck_row rows[FB_KCHECK_ROWS];
	struct fb_cpu sky, noerms, zen3;
	struct fb_kboot boot;
	struct fb_kview v;
	const struct fb_kcheck_row *r;
	int bad;

	fb_kboot_unknown(&boot);
	boot.mce_recovery = 0;
	/* QEMU Skylake-Server: ERMS, no FSRM, hypervisor */
	fb_cpu_from_flags(&sky, "GenuineIntel", 6, 0x55, "sse2 erms clflush clflushopt clwb avx2 hypervisor");
	/* QEMU EPYC-Milan,-erms,-fsrm */
	fb_cpu_from_flags(&noerms, "AuthenticAMD", 0x19, 0x01, "sse2 clflush clflushopt clwb avx2 hypervisor");
	/* bare-metal Zen 3: ERMS and FSRM */
	fb_cpu_from_flags(&zen3, "AuthenticAMD", 0x19, 0x01, "sse2 erms fsrm clflush clflushopt clwb avx2");

	/* 6.12 on Skylake-Server, as the module read it in the guest */
	view(&v, 0, 1, 1, 0, 0, "memcpy_orig", "rep movsq", "copy_mc_enhanced_fast_string");
	bad = fb_kpath_check(&sky, FB_KM_6_12, &boot, &v, rows);
	checkf(bad == 0, "6.12 Skylake-Server agrees (%d disagreements)", bad);
	r = row(rows, "memcpy");
	check(r && !strcmp(r->predicted, "memcpy_orig") && r->agree == 1, "memcpy row memcpy_orig");
	r = row(rows, "FSRM");
	check(r && !strcmp(r->predicted, "clear") && !strcmp(r->kernel, "clear") && r->agree == 1,
	      "FSRM row clear/clear");

	/* 6.1 on Skylake-Server: memcpy_erms is the rules' rep movsb; FSRS
	 * does not exist (unknown), which is no disagreement */
	view(&v, 0, 1, 1, -1, 0, "memcpy_erms", "rep movsq", "copy_mc_enhanced_fast_string");
	bad = fb_kpath_check(&sky, FB_KM_6_1, &boot, &v, rows);
	r = row(rows, "FSRS");
	checkf(bad == 0 && r && r->agree == -1 && !strcmp(r->kernel, "unknown"),
	       "6.1 Skylake-Server agrees, FSRS unknown (%d)", bad);
	r = row(rows, "memcpy");
	check(r && !strcmp(r->kernel, "rep movsb") && r->agree == 1, "memcpy_erms read as rep movsb");

	/* neither string bit: copy_mc_to_kernel falls back to memcpy, whose
	 * own path (6.1 rep movsq, 6.12 memcpy_orig) is what it runs */
	view(&v, 0, 0, 1, -1, 0, "rep movsq", "rep movsq", "memcpy");
	bad = fb_kpath_check(&noerms, FB_KM_6_1, &boot, &v, rows);
	r = row(rows, "copy_mc_to_kernel");
	checkf(bad == 0 && r && !strcmp(r->kernel, "rep movsq") && !strcmp(r->predicted, "rep movsq"),
	       "6.1 without ERMS: copy_mc_to_kernel = memcpy = rep movsq (%d)", bad);
	view(&v, 0, 0, 1, 0, 0, "memcpy_orig", "rep movsq", "memcpy");
	bad = fb_kpath_check(&noerms, FB_KM_6_12, &boot, &v, rows);
	checkf(bad == 0, "6.12 without ERMS: memcpy_orig twice (%d)", bad);

	/* disagreements are counted and marked */
	view(&v, 0, 1, 1, 0, 0, "rep movsb", "rep movsq", "copy_mc_enhanced_fast_string");
	bad = fb_kpath_check(&sky, FB_KM_6_12, &boot, &v, rows);
	r = row(rows, "memcpy");
	checkf(bad == 1 && r && r->agree == 0, "a kernel running rep movsb without FSRM disagrees (%d)", bad);
	view(&v, 0, 1, 1, 0, 1, "memcpy_orig", "rep movsq", "copy_mc_fragile");
	bad = fb_kpath_check(&sky, FB_KM_6_12, &boot, &v, rows);
	checkf(bad == 2, "a fragile key the rules did not expect: key and copy_mc rows (%d)", bad);
	boot.mce_recovery = 1;
	bad = fb_kpath_check(&sky, FB_KM_6_12, &boot, &v, rows);
	checkf(bad == 0, "with mce=recovery the fragile key is expected (%d)", bad);
	boot.mce_recovery = 0;

	/* a view that cannot tell is never a disagreement */
	view(&v, -1, -1, -1, -1, -1, "", "unknown", "");
	bad = fb_kpath_check(&zen3, FB_KM_6_12, &boot, &v, rows);
	{
		int told = 0;

		for (int i = 0; i < FB_KCHECK_ROWS; i++)
			told += rows[i].agree >= 0;
		checkf(bad == 0 && told == 0, "an empty view tells nothing (%d told)", told);
	}

	/* /proc/cpuinfo: the feature bits only */
	check(fb_kview_from_cpuinfo("processor\t: 0\nvendor_id\t: AuthenticAMD\n"
				    "flags\t\t: fpu sse2 rep_good erms fsrm\nbugs\t\t: sysret_ss_attrs\n",
				    "6.18.1", &v) == 0 &&
	      v.flag[FB_KF_FSRM] == 1 && v.flag[FB_KF_ERMS] == 1 && v.flag[FB_KF_REP_GOOD] == 1 &&
	      v.flag[FB_KF_FSRS] == -1 && v.flag[FB_KF_MC_FRAGILE] == -1 && !v.path[0][0] &&
	      !strcmp(v.release, "6.18.1"), "kernel view from /proc/cpuinfo flags");
	bad = fb_kpath_check(&zen3, FB_KM_6_12, &boot, &v, rows);
	checkf(bad == 0, "bare-metal Zen 3 against its cpuinfo view (%d)", bad);
	check(fb_kview_from_cpuinfo("flags\t\t: fpu sse2 erms\n", "6.12", &v) == 0 &&
	      v.flag[FB_KF_FSRM] == 0 && v.flag[FB_KF_REP_GOOD] == 0, "cpuinfo without fsrm, rep_good");
	bad = fb_kpath_check(&zen3, FB_KM_6_12, &boot, &v, rows);
	checkf(bad == 2, "Zen 3 prediction vs a kernel without FSRM and REP_GOOD: 2 (%d)", bad);
	check(fb_kview_from_cpuinfo("processor : 0\n", "6.12", &v) == -1, "cpuinfo without flags");

	/* kernel config options */
	{
		json_object *o = fb_kconfig_json_text(
			"# comment\nCONFIG_PREEMPT_DYNAMIC=y\n# CONFIG_PREEMPT is not set\n"
			"CONFIG_PREEMPT_VOLUNTARY=y\nCONFIG_KASAN=m\nCONFIG_PREEMPTION=y\n"
			"# CONFIG_DEBUG_VM is not set\n# CONFIG_DEBUG_VM_PGTABLE is not set\n",
			"test");
		json_object *opts = NULL, *x = NULL;
		const char *s = o ? json_object_to_json_string(o) : "";

		check(o && json_object_object_get_ex(o, "options", &opts), "config parsed");
		check(opts && json_object_object_get_ex(opts, "CONFIG_PREEMPT_DYNAMIC", &x) &&
		      !strcmp(json_object_get_string(x), "y"), "CONFIG_PREEMPT_DYNAMIC=y");
		check(opts && json_object_object_get_ex(opts, "CONFIG_PREEMPT", &x) &&
		      !strcmp(json_object_get_string(x), "n"), "CONFIG_PREEMPT is not set = n");
		check(opts && json_object_object_get_ex(opts, "CONFIG_DEBUG_VM", &x) &&
		      !strcmp(json_object_get_string(x), "n"), "CONFIG_DEBUG_VM n, not its longer cousin");
		check(opts && json_object_object_get_ex(opts, "CONFIG_KASAN", &x) &&
		      !strcmp(json_object_get_string(x), "m"), "CONFIG_KASAN=m kept as m");
		check(opts && json_object_object_get_ex(opts, "CONFIG_HAVE_GIGANTIC_FOLIOS", &x) && !x,
		      "an option the config lacks is null");
		check(!strstr(s, "CONFIG_PREEMPTION\""), "only the copy-cost options");
		json_object_put(o);
		check(!fb_kconfig_json_text("no config here\n", "x"), "text without CONFIG_ lines");
		o = fb_kconfig_json_bits(FOLIOBENCH_KC_PREEMPT_DYNAMIC |
					 FOLIOBENCH_KC_PREEMPT_VOLUNTARY, "foliobench.ko build config");
		opts = NULL;
		json_object_object_get_ex(o, "options", &opts);
		{
			json_object *d = NULL, *vol = NULL, *ka = NULL;

			json_object_object_get_ex(opts, "CONFIG_PREEMPT_DYNAMIC", &d);
			json_object_object_get_ex(opts, "CONFIG_PREEMPT_VOLUNTARY", &vol);
			json_object_object_get_ex(opts, "CONFIG_KASAN", &ka);
			check(d && vol && ka && !strcmp(json_object_get_string(d), "y") &&
			      !strcmp(json_object_get_string(vol), "y") &&
			      !strcmp(json_object_get_string(ka), "n"), "config from the module's bits");
		}
		json_object_put(o);
	}
	/* every run's machine block: kernel cmdline and config, whatever the
	 * source (this machine's /boot, /proc/config.gz, or unavailable) */
	{
		json_object *m = fb_machine_json(&zen3, NULL, fb_kmod_kernel_view);
		json_object *k = NULL, *x = NULL, *src = NULL;

		check(json_object_object_get_ex(m, "kernel", &k) &&
		      json_object_object_get_ex(k, "cmdline", &x), "machine.kernel has cmdline");
		check(k && json_object_object_get_ex(k, "config", &x) &&
		      json_object_object_get_ex(x, "source", &src) &&
		      json_object_get_string_len(src) > 0 &&
		      json_object_object_get_ex(x, "options", NULL), "machine.kernel has config");
		json_object_put(m);
	}
	return check_finish();
}
