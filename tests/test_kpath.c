// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel copy-path selection (bench/machine/kpath.c) and CPU description
 * (bench/machine/cpu.c) on feature sets of real CPUs, for kernels 6.1 and 6.12.
 *
 * Feature sets are the relevant subset of each CPU's /proc/cpuinfo flags
 * (bare metal) as published for that part; only the bits the rules read
 * matter: erms, fsrm, fsrs, avx2, avx512f, clflush, clflushopt, clwb,
 * movdir64b, hypervisor.
 */
#include <stdio.h>
#include <string.h>

#include "cpu.h"
#include "kpath.h"
#include "kpath_probe.h"
#include "check.h"

static int streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

/* Assert impl and primitive of one routine on one kernel. */
static void expect(const char *cpuname, const struct fb_cpu *cpu,
		   const struct fb_kboot *boot, enum fb_kernel_model km,
		   enum fb_kroutine r, const char *impl, const char *prim)
{
	struct fb_kpath kp;
	char what[512];
	int rc = fb_kpath_select_boot(cpu, km, r, boot, &kp);
	char brief[64];
	/* the why must start with the brief, so recorded whys shorten again */
	int ok = rc == 0 && streq(kp.impl, impl) && streq(kp.primitive, prim) &&
		 kp.brief[0] && streq(fb_kpath_brief_of(kp.why, brief, sizeof(brief)), kp.brief);

	snprintf(what, sizeof(what), "%s %s %s -> %s / %s%s%s (%s)", cpuname,
		 fb_kernel_model_name(km), fb_kroutine_name(r), impl,
		 prim ? prim : "NULL", ok ? "" : "; got ",
		 ok ? "" : (rc ? "error" : kp.impl), rc ? "" : kp.why);
	check(ok, what);
}

/* memcpy, copy_page, copy_mc_to_kernel for both kernels. */
struct exp3 {
	const char *memcpy_impl, *memcpy_prim;
	const char *page_impl, *page_prim;
	const char *mc_impl, *mc_prim;
};

static void expect_all(const char *name, const struct fb_cpu *cpu,
		       const struct fb_kboot *boot, const struct exp3 *k61,
		       const struct exp3 *k612)
{
	const struct exp3 *e[FB_KM_COUNT] = { [FB_KM_6_1] = k61, [FB_KM_6_12] = k612 };

	for (int km = 0; km < FB_KM_COUNT; km++) {
		expect(name, cpu, boot, km, FB_KR_MEMCPY, e[km]->memcpy_impl, e[km]->memcpy_prim);
		expect(name, cpu, boot, km, FB_KR_COPY_PAGE, e[km]->page_impl, e[km]->page_prim);
		expect(name, cpu, boot, km, FB_KR_COPY_MC, e[km]->mc_impl, e[km]->mc_prim);
		expect(name, cpu, boot, km, FB_KR_MEMCPY_FLUSHCACHE, "movnti loop", "movnti");
		expect(name, cpu, boot, km, FB_KR_CLFLUSH_RANGE,
		       cpu->flag[FB_F_CLFLUSHOPT] ? "clflushopt" : "clflush", NULL);
	}
}

#define RSB_FSRM "rep movsb", "rep_movsb"
#define RSB_ERMS "rep movsb", "rep_movsb"
#define RSQ_MEMCPY "rep movsq", "rep_movsq"
#define ORIG "memcpy_orig", "memcpy_orig"
#define RSQ_PAGE "rep movsq", "rep_movsq"
#define REGS_PAGE "copy_page_regs", "copy_page_regs"
#define MC_EFS "copy_mc_enhanced_fast_string", "rep_movsb"
#define MC_FRAGILE "copy_mc_fragile", "copy_mc_fragile"

int main(void)
{
	struct fb_cpu c;
	struct fb_kboot boot;
	char why[200], buf[256];
	enum fb_kernel_model km;
	bool b;

	/* ---- kernel model names ---- */
	check(fb_kernel_model_parse("6.1", &km) == 0 && km == FB_KM_6_1, "parse 6.1");
	check(fb_kernel_model_parse("6.12", &km) == 0 && km == FB_KM_6_12, "parse 6.12");
	check(fb_kernel_model_parse("6.12+", &km) == 0 && km == FB_KM_6_12, "parse 6.12+");
	check(fb_kernel_model_parse("6.2", &km) == -1, "parse 6.2 rejected");
	check(fb_kernel_model_parse("", &km) == -1, "parse empty rejected");
	check(streq(fb_kernel_model_name(FB_KM_6_1), "6.1") &&
	      streq(fb_kernel_model_name(FB_KM_6_12), "6.12"), "kernel model names");
	check(streq(fb_kroutine_name(FB_KR_COPY_MC), "copy_mc_to_kernel"), "routine name");

	/* ---- flag names round-trip ---- */
	{
		int ok = 1;

		for (int f = 0; f < FB_F_COUNT; f++)
			ok &= (int)fb_cpu_flag_parse(fb_cpu_flag_name(f)) == f;
		check(ok, "flag names round-trip");
		check(streq(fb_cpu_flag_name(FB_F_AVX512F), "avx512f") &&
		      streq(fb_cpu_flag_name(FB_F_MOVDIR64B), "movdir64b"), "flag spellings");
		check(fb_cpu_flag_parse("rep_good") == FB_F_COUNT, "unknown flag");
	}

	/* ---- AMD EPYC 7713 (Zen 3 Milan), family 0x19 model 0x01: bare
	 * metal /proc/cpuinfo shows erms and fsrm, avx2, clflushopt, clwb,
	 * no avx512 (Milan has no AVX-512). ---- */
	fb_cpu_from_flags(&c, "AuthenticAMD", 0x19, 0x01,
			  "fpu sse2 clflush avx avx2 bmi2 erms clflushopt clwb sha_ni fsrm");
	check(c.x86 && c.flag[FB_F_ERMS] && c.flag[FB_F_FSRM] && !c.flag[FB_F_AVX512F] &&
	      !c.flag[FB_F_HYPERVISOR] && c.clflush_line == 64, "from_flags EPYC 7713");
	fb_cpu_flags_format(&c, buf, sizeof(buf));
	check(streq(buf, "sse2 erms fsrm avx2 clflush clflushopt clwb"), "flags_format EPYC 7713");
	expect_all("EPYC 7713 (Zen 3)", &c, NULL,
		   &(struct exp3){ RSB_ERMS, RSQ_PAGE, MC_EFS },
		   &(struct exp3){ RSB_FSRM, RSQ_PAGE, MC_EFS });
	check(fb_kernel_rep_good(&c, FB_KM_6_12, NULL, why, sizeof(why)) && strstr(why, "amd.c"),
	      "Zen 3 REP_GOOD from amd.c");
	check(fb_kernel_fsrs(&c, FB_KM_6_12, why, sizeof(why)), "Zen 3 6.12 FSRS from FSRM (amd.c)");
	check(!fb_kernel_fsrs(&c, FB_KM_6_1, why, sizeof(why)), "6.1 has no FSRS");

	/* ---- Zen 3 in a VM whose CPU model hides ERMS and FSRM (seed 000's
	 * regression): same family/model, hypervisor set. ---- */
	fb_cpu_from_flags(&c, "AuthenticAMD", 0x19, 0x01,
			  "sse2 clflush avx2 clflushopt clwb hypervisor");
	check(c.flag[FB_F_HYPERVISOR] && streq(c.hypervisor, "unknown"), "from_flags hypervisor");
	expect_all("Zen 3 VM, ERMS/FSRM hidden", &c, NULL,
		   &(struct exp3){ RSQ_MEMCPY, RSQ_PAGE, RSQ_MEMCPY },
		   &(struct exp3){ ORIG, RSQ_PAGE, ORIG });
	{
		struct fb_kpath kp;

		fb_kpath_select(&c, FB_KM_6_12, FB_KR_MEMCPY, &kp);
		check(strstr(kp.why, "no FSRM") && strstr(kp.why, "memcpy_64.S") &&
		      strstr(kp.why, "VM"), "Zen 3 VM 6.12 memcpy why names FSRM, file and VM");
	}

	/* ---- AMD EPYC 9655 (Zen 5 Turin), family 0x1a model 0x02: erms
	 * fsrm fsrs avx2 avx512f movdir64b clflushopt clwb (GCC znver5 ISA
	 * list adds AVX512F/MOVDIR64B to znver4's). ---- */
	fb_cpu_from_flags(&c, "AuthenticAMD", 0x1a, 0x02,
			  "sse2 clflush avx2 avx512f erms fsrm fsrs clflushopt clwb movdir64b");
	expect_all("EPYC 9655 (Zen 5)", &c, NULL,
		   &(struct exp3){ RSB_ERMS, RSQ_PAGE, MC_EFS },
		   &(struct exp3){ RSB_FSRM, RSQ_PAGE, MC_EFS });

	/* ---- Zen 2 EPYC (e.g. EPYC 7742 Rome), family 0x17 model 0x31: no
	 * erms, no fsrm (both arrived with Zen 3); clflushopt clwb avx2. ---- */
	fb_cpu_from_flags(&c, "AuthenticAMD", 0x17, 0x31,
			  "sse2 clflush avx2 clflushopt clwb");
	expect_all("EPYC 7742 (Zen 2)", &c, NULL,
		   &(struct exp3){ RSQ_MEMCPY, RSQ_PAGE, RSQ_MEMCPY },
		   &(struct exp3){ ORIG, RSQ_PAGE, ORIG });
	check(!fb_kernel_fsrs(&c, FB_KM_6_12, why, sizeof(why)), "Zen 2 no FSRS");

	/* ---- Intel Xeon Gold 6248 / Platinum 8280 (Cascade Lake-SP),
	 * family 6 model 0x55: erms, no fsrm (FSRM arrived with Ice Lake),
	 * avx2 avx512f clflushopt clwb, no movdir64b. ---- */
	fb_cpu_from_flags(&c, "GenuineIntel", 6, 0x55,
			  "sse2 clflush avx2 avx512f erms clflushopt clwb");
	/* bare metal, config space unknown: the Purley RAS quirk (8086:2083)
	 * is guessed to fire, so copy_mc_to_kernel is copy_mc_fragile */
	expect_all("Cascade Lake bare metal", &c, NULL,
		   &(struct exp3){ RSB_ERMS, RSQ_PAGE, MC_FRAGILE },
		   &(struct exp3){ ORIG, RSQ_PAGE, MC_FRAGILE });
	fb_kboot_unknown(&boot);
	boot.ras_quirk = 0;         /* standard-RAS SKU, no NVDIMM mode */
	expect_all("Cascade Lake, no RAS quirk", &c, &boot,
		   &(struct exp3){ RSB_ERMS, RSQ_PAGE, MC_EFS },
		   &(struct exp3){ ORIG, RSQ_PAGE, MC_EFS });
	boot.mce_recovery = 1;      /* forced by the command line */
	expect(" Cascade Lake mce=recovery", &c, &boot, FB_KM_6_12, FB_KR_COPY_MC, MC_FRAGILE);
	fb_kboot_unknown(&boot);
	boot.fast_strings = 0;      /* BIOS disabled fast strings: intel.c clears
				     * REP_GOOD and ERMS */
	expect_all("Cascade Lake, fast strings off", &c, &boot,
		   &(struct exp3){ ORIG, REGS_PAGE, MC_FRAGILE },
		   &(struct exp3){ ORIG, REGS_PAGE, MC_FRAGILE });
	c.flag[FB_F_HYPERVISOR] = true;    /* a Cascade Lake guest */
	expect_all("Cascade Lake VM", &c, NULL,
		   &(struct exp3){ RSB_ERMS, RSQ_PAGE, MC_EFS },
		   &(struct exp3){ ORIG, RSQ_PAGE, MC_EFS });
	b = fb_kernel_copy_mc_fragile(&c, NULL, why, sizeof(why));
	check(!b && strstr(why, "guess"), "Cascade Lake VM: fragile key guessed off");

	/* ---- Intel Xeon Platinum 8480+ (Sapphire Rapids), family 6 model
	 * 0x8f: erms fsrm fsrs avx2 avx512f movdir64b clflushopt clwb. ---- */
	fb_cpu_from_flags(&c, "GenuineIntel", 6, 0x8f,
			  "sse2 clflush avx2 avx512f erms fsrm fsrs clflushopt clwb movdir64b");
	expect_all("Sapphire Rapids", &c, NULL,
		   &(struct exp3){ RSB_ERMS, RSQ_PAGE, MC_EFS },
		   &(struct exp3){ RSB_FSRM, RSQ_PAGE, MC_EFS });
	check(fb_kernel_fsrs(&c, FB_KM_6_12, why, sizeof(why)), "Sapphire Rapids FSRS from CPUID");

	/* ---- Intel family != 6 (e.g. family 0x13 parts): intel.c sets
	 * REP_GOOD only for family 6, so copy_page uses copy_page_regs ---- */
	fb_cpu_from_flags(&c, "GenuineIntel", 0x13, 0x01,
			  "sse2 clflush avx2 erms fsrm clflushopt clwb");
	expect("Intel family 0x13", &c, NULL, FB_KM_6_12, FB_KR_COPY_PAGE, REGS_PAGE);
	expect("Intel family 0x13", &c, NULL, FB_KM_6_1, FB_KR_MEMCPY, RSB_ERMS);

	/* ---- a CPU without CLFLUSHOPT flushes with clflush ---- */
	fb_cpu_from_flags(&c, "GenuineIntel", 6, 0x3f, "sse2 clflush avx2 erms");
	expect("Haswell-EP", &c, NULL, FB_KM_6_12, FB_KR_CLFLUSH_RANGE, "clflush", NULL);
	expect("Haswell-EP", &c, NULL, FB_KM_6_12, FB_KR_COPY_MC, MC_EFS);

	/* ---- short forms for tables: the record a cell keeps, shown short ---- */
	{
		struct fb_kpath kp;
		struct fb_kpath_record r;
		char out[160];

		fb_cpu_from_flags(&c, "GenuineIntel", 6, 0x55,
				  "sse2 clflush avx2 avx512f erms clflushopt clwb");
		fb_kpath_select(&c, FB_KM_6_12, FB_KR_MEMCPY, &kp);
		check(streq(kp.brief, "no FSRM"), "Cascade Lake 6.12 memcpy brief 'no FSRM'");
		/* the record plan.c keeps for a cell */
		fb_kpath_record_set(&r, FB_KR_MEMCPY, FB_KM_6_12, &kp);
		check(r.routine == FB_KR_MEMCPY && r.model == FB_KM_6_12 &&
		      streq(r.impl, "memcpy_orig") && streq(r.why, kp.why), "record fields");
		check(streq(fb_kpath_concise(&r, "batched", out, sizeof(out)),
			    "batched 6.12: memcpy_orig (no FSRM)"), "concise batched 6.12 Cascade Lake");
		check(streq(fb_kpath_concise(&r, NULL, out, sizeof(out)),
			    "memcpy 6.12: memcpy_orig (no FSRM)"), "concise without a mode names the routine");
		fb_kpath_select(&c, FB_KM_6_12, FB_KR_COPY_PAGE, &kp);
		fb_kpath_record_set(&r, FB_KR_COPY_PAGE, FB_KM_6_12, &kp);
		check(streq(fb_kpath_concise(&r, "per-page", out, sizeof(out)),
			    "per-page 6.12: rep movsq (REP_GOOD)"), "concise per-page 6.12 Cascade Lake");
		fb_kpath_select(&c, FB_KM_6_1, FB_KR_COPY_MC, &kp);
		fb_kpath_record_set(&r, FB_KR_COPY_MC, FB_KM_6_1, &kp);
		check(streq(fb_kpath_concise(&r, "batched", out, sizeof(out)),
			    "batched 6.1: copy_mc_fragile (MCE-recovery key)"), "concise copy_mc_fragile");
		fb_cpu_from_flags(&c, "AuthenticAMD", 0x19, 0x01, "sse2 clflush avx2 hypervisor");
		fb_kpath_select(&c, FB_KM_6_12, FB_KR_COPY_MC, &kp);
		fb_kpath_record_set(&r, FB_KR_COPY_MC, FB_KM_6_12, &kp);
		check(streq(fb_kpath_concise(&r, "batched", out, sizeof(out)),
			    "batched 6.12: memcpy_orig (no ERMS; memcpy: no FSRM)"),
		      "concise copy_mc_to_kernel falling back to memcpy");
		r.routine = r.model = -1;
		snprintf(r.impl, sizeof(r.impl), "as recorded");
		check(streq(fb_kpath_concise(&r, "batched", out, sizeof(out)), "as recorded"),
		      "a record without routine and model shows its impl alone");
	}

	/* ---- boot inputs ---- */
	check(fb_kboot_cmdline_mce_recovery("ro quiet mce=recovery\n") == 1, "cmdline mce=recovery");
	check(fb_kboot_cmdline_mce_recovery("ro mce=recoveryx nomce=recovery") == 0,
	      "cmdline exact token only");

	/* ---- /proc/cpuinfo parser ---- */
	{
		const char *txt =
			"processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n"
			"model\t\t: 1\nmodel name\t: AMD EPYC 7713 64-Core Processor\n"
			"stepping\t: 1\nflags\t\t: fpu sse2 erms fsrm clwb\n"
			"clflush size\t: 64\n\nprocessor\t: 1\n";
		const char *arm =
			"processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\n"
			"CPU implementer\t: 0x41\nCPU part\t: 0xd0c\n";

		check(fb_cpu_from_cpuinfo(&c, txt) == 0 && c.x86 && c.family == 0x19 &&
		      c.model == 1 && c.stepping == 1 && c.flag[FB_F_FSRM] &&
		      streq(c.name, "AMD EPYC 7713 64-Core Processor"), "cpuinfo x86");
		check(fb_cpu_from_cpuinfo(&c, arm) == 0 && !c.x86 && streq(c.vendor, "ARM"),
		      "cpuinfo arm64");
	}

	/* ---- non-x86 CPU: the rules do not apply ---- */
	{
		struct fb_cpu arm;
		struct fb_kpath kp;

		memset(&arm, 0, sizeof(arm));
		snprintf(arm.name, sizeof(arm.name), "Neoverse-N1");
		arm.flag[FB_F_ERMS] = true;  /* must not matter */
		check(fb_kpath_select(&arm, FB_KM_6_12, FB_KR_MEMCPY, &kp) == -1 &&
		      kp.primitive == NULL, "non-x86 returns -1");
		check(fb_kpath_select(&arm, FB_KM_6_1, FB_KR_COPY_PAGE, &kp) == -1,
		      "non-x86 copy_page returns -1");
		check(!fb_kernel_rep_good(&arm, FB_KM_6_1, NULL, why, sizeof(why)), "non-x86 no REP_GOOD");
	}

	/* ---- this machine ---- */
	{
		const struct fb_cpu *me = fb_this_cpu();
		struct fb_kpath kp;

		check(me == fb_this_cpu(), "fb_this_cpu is stable");
#if defined(__x86_64__)
		fb_cpu_flags_format(me, buf, sizeof(buf));
		printf("     this cpu: %s family 0x%x model 0x%x stepping %u '%s' hv '%s' "
		       "clflush %u flags [%s]\n", me->vendor, me->family, me->model,
		       me->stepping, me->name, me->hypervisor, me->clflush_line, buf);
		check(me->x86 && me->vendor[0] != '\0', "fb_this_cpu: x86 with a vendor");
		check(me->flag[FB_F_SSE2], "fb_this_cpu: SSE2 (x86-64 baseline)");
		check(me->clflush_line >= 32 && me->clflush_line <= 256, "clflush line size sane");
		check(!me->flag[FB_F_HYPERVISOR] == !me->hypervisor[0],
		      "hypervisor vendor iff hypervisor bit");
		for (int k = 0; k < FB_KM_COUNT; k++)
			for (int r = 0; r < FB_KR_COUNT; r++) {
				int rc = fb_kpath_select_boot(me, k, r, fb_this_kboot(), &kp);

				printf("     this cpu %s %-20s %-30s %-15s %s\n",
				       fb_kernel_model_name(k), fb_kroutine_name(r), kp.impl,
				       kp.primitive ? kp.primitive : "-", kp.why);
				check(rc == 0, "fb_kpath_select on this cpu");
			}
		{
			const struct fb_kboot *kb = fb_this_kboot();

			printf("     this kernel: mce_recovery %d ras_quirk %d fast_strings %d\n",
			       kb->mce_recovery, kb->ras_quirk, kb->fast_strings);
		}
#else
		check(!me->x86, "fb_this_cpu: not x86 here");
		check(fb_kpath_select(me, FB_KM_6_12, FB_KR_MEMCPY, &kp) == -1,
		      "this non-x86 cpu returns -1");
#endif
	}

	return check_finish();
}
