// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU dumps (bench/machine/cpuid_dump.c) and the CPUID decoder they share with
 * this machine (bench/machine/cpu.c fb_cpu_from_cpuid): formats, leaf semantics,
 * every error, and a dump of this CPU judged exactly like this CPU.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "cpuid_dump.h"
#include "kpath.h"
#include "util.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include "check.h"
#endif

/* Parse text; the return code, with err shown on failure. */
static int parse(const char *text, struct fb_cpu *cpu, struct fb_cpuid_dump *d, char *err,
		 size_t len)
{
	int rc = fb_cpuid_dump_parse(text, "dump.txt", cpu, d, err, len);

	if (rc)
		printf("     (%d) %s\n", rc, err);
	return rc;
}

/* A Cascade Lake-like CPU 0 block: leaf 0 max 0xd, GenuineIntel, family 6
 * model 0x55 stepping 7, ERMS/CLFLUSHOPT/CLWB/AVX2/AVX-512F, no FSRM. */
static const char *const intel =
	"CPU 0:\n"
	"   0x00000000 0x00: eax=0x0000000d ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n"
	"   0x00000001 0x00: eax=0x00050657 ebx=0x00400800 ecx=0x7ffefbff edx=0xbfebfbff\n"
	"   0x00000007 0x00: eax=0x00000000 ebx=0xd39ffffb ecx=0x00000818 edx=0xbc000400\n"
	"   0x0000000d 0x00: eax=0x000002ff ebx=0x00000a88 ecx=0x00000a88 edx=0x00000000\n"
	"   0x80000000 0x00: eax=0x80000004 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n"
	"   0x80000002 0x00: eax=0x65746e49 ebx=0x2952286c ecx=0x6f655820 edx=0x2952286e\n"
	"   0x80000003 0x00: eax=0x00000000 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n"
	"   0x80000004 0x00: eax=0x00000000 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n"
	"CPU 1:\n"
	"   0x00000000 0x00: eax=0x0000000d ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n";

int main(void)
{
	struct fb_cpu c;
	struct fb_cpuid_dump d;
	struct fb_kpath kp;
	char err[512], text[4096];

	/* ---- cpuid -r: decode like the kernel ---- */
	check(parse(intel, &c, &d, err, sizeof(err)) == 0, "intel dump parses");
	check(!strcmp(d.format, "cpuid -r") && d.blocks == 2 && d.leaves == 8,
	      "format, two CPU blocks, leaves of the first only");
	check(c.x86 && !strcmp(c.vendor, "GenuineIntel") && c.family == 6 && c.model == 0x55 &&
	      c.stepping == 7, "vendor and display family/model/stepping");
	check(!strcmp(c.name, "Intel(R) Xeon(R)"), "brand string from 0x80000002..4");
	check(c.flag[FB_F_ERMS] && !c.flag[FB_F_FSRM] && c.flag[FB_F_CLFLUSHOPT] &&
	      c.flag[FB_F_CLWB] && !c.flag[FB_F_MOVDIR64B] && c.flag[FB_F_SSE2] &&
	      c.flag[FB_F_CLFLUSH] && c.clflush_line == 64, "feature bits of leaves 1 and 7");
	check(c.flag[FB_F_AVX2] && c.flag[FB_F_AVX512F],
	      "AVX2/AVX-512F usable: OSXSAVE and leaf 0xD.0 states");
	check(!c.flag[FB_F_HYPERVISOR] && !c.hypervisor[0], "bare metal");
	fb_kpath_select(&c, FB_KM_6_12, FB_KR_MEMCPY, &kp);
	check(!strcmp(kp.impl, "memcpy_orig") && !strcmp(kp.brief, "no FSRM"),
	      "6.12 memcpy on the dump: memcpy_orig (no FSRM)");
	fb_kpath_select(&c, FB_KM_6_12, FB_KR_COPY_PAGE, &kp);
	check(!strcmp(kp.impl, "rep movsq"), "6.12 copy_page on the dump: rep movsq");

	/* leaves above the reported maximum count as zeros (a CPU answers
	 * them with other data); leaf 7 is above max 6 here */
	snprintf(text, sizeof(text), "%s",
		 "   0x00000000 0x00: eax=0x00000006 ebx=0x68747541 ecx=0x444d4163 edx=0x69746e65\n"
		 "   0x00000001 0x00: eax=0x00a00f11 ebx=0x00000800 ecx=0x00000000 edx=0x178bfbff\n"
		 "   0x00000007 0x00: eax=0x00000000 ebx=0x00000200 ecx=0x00000000 edx=0x00000010\n"
		 "   0x80000000 0x00: eax=0x80000000 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n");
	check(parse(text, &c, &d, err, sizeof(err)) == 0 && d.blocks == 1 &&
	      !c.flag[FB_F_ERMS] && !c.flag[FB_F_FSRM] && c.family == 0x19 && c.model == 1,
	      "leaf 7 above the maximum is ignored; no header means one CPU");
	check(!c.flag[FB_F_AVX2], "no OSXSAVE: no AVX2");

	/* hypervisor bit and vendor leaf; comments and blank lines; CRLF */
	snprintf(text, sizeof(text), "%s",
		 "# a comment\r\n\r\nCPU:\r\n"
		 "   0x00000000 0x00: eax=0x00000010 ebx=0x68747541 ecx=0x444d4163 edx=0x69746e65\r\n"
		 "   0x00000001 0x00: eax=0x00a00f11 ebx=0x00000800 ecx=0x80000000 edx=0x178bfbff\r\n"
		 "   0x00000007 0x00: eax=0x00000000 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\r\n"
		 "   0x40000000 0x00: eax=0x40000001 ebx=0x4b4d564b ecx=0x564b4d56 edx=0x0000004d\r\n"
		 "   0x80000000 0x00: eax=0x80000000 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\r\n");
	check(parse(text, &c, &d, err, sizeof(err)) == 0 && c.flag[FB_F_HYPERVISOR] &&
	      !strcmp(c.hypervisor, "KVMKVMKVM"), "hypervisor vendor from 0x40000000, CRLF, comments");
	fb_kpath_select(&c, FB_KM_6_12, FB_KR_MEMCPY, &kp);
	check(strstr(kp.why, "VM") != NULL, "Zen 3 guest without ERMS/FSRM: the why says VM");

	/* ---- errors name the file and the first bad line ---- */
	check(parse("CPU 0:\n   0x00000000 0x00: eax=0x1 ebx=0x2 ecx=0x3\n", &c, &d, err,
		    sizeof(err)) == FB_EXIT_USAGE && strstr(err, "dump.txt:2:"),
	      "a leaf line without edx: line 2");
	check(parse("CPU 0:\n   0x00000000 0x00: eax=0x123456789 ebx=0x2 ecx=0x3 edx=0x4\n", &c, &d,
		    err, sizeof(err)) == FB_EXIT_USAGE && strstr(err, "dump.txt:2:"),
	      "a register wider than 32 bits");
	check(parse("CPU 0:\n   0x00000000 0x00: eax=0x1 ebx=0x2 ecx=0x3 edx=0x4 junk\n", &c, &d,
		    err, sizeof(err)) == FB_EXIT_USAGE, "trailing junk");
	check(parse("hello world\n", &c, &d, err, sizeof(err)) == FB_EXIT_USAGE &&
	      strstr(err, "dump.txt:1:") && strstr(err, "hello world"), "neither format: line 1 shown");
	check(parse("", &c, &d, err, sizeof(err)) == FB_EXIT_USAGE && strstr(err, "empty"),
	      "empty text");
	check(parse("CPU 0:\n   0x00000001 0x00: eax=0x00000001 ebx=0x00000002 ecx=0x00000003 "
		    "edx=0x00000004\n", &c, &d, err, sizeof(err)) == FB_EXIT_USAGE &&
	      strstr(err, "leaf 0x00000000"), "no leaf 0");
	check(parse("   0x00000000 0x00: eax=0x00000001 ebx=0x00000002 ecx=0x00000003 edx=0x00000004\n"
		    "   0x00000000 0x00: eax=0x00000001 ebx=0x00000002 ecx=0x00000003 edx=0x00000004\n",
		    &c, &d, err, sizeof(err)) == FB_EXIT_USAGE && strstr(err, "dump.txt:2:") &&
	      strstr(err, "twice"), "a repeated leaf");

	/* ---- broken dumps are refused, never predicted (issue 11's fuzz) ---- */
	{
		/* the intel block's lines: 0 CPU header, 1 leaf 0, 2 leaf 1, 3 leaf 7 */
		const char *l7 = strstr(intel, "   0x00000007"), *l0xd = strstr(intel, "   0x0000000d");
		const char *e0 = strstr(intel, "   0x80000000"), *e2 = strstr(intel, "   0x80000002");
		const char *cpu1 = strstr(intel, "CPU 1:");
		const char *l1 = strstr(intel, "   0x00000001");

		snprintf(text, sizeof(text), "%.*s", (int)(l1 - intel), intel);
		check(parse(text, &c, &d, err, sizeof(err)) == FB_EXIT_USAGE &&
		      strstr(err, "no leaf 0x00000001, 0x00000007, 0x80000000"),
		      "a dump cut after 2 lines: leaves 1, 7 and 0x80000000 missing, named");
		snprintf(text, sizeof(text), "%.*s%s", (int)(l7 - intel), intel, l0xd);
		check(parse(text, &c, &d, err, sizeof(err)) == FB_EXIT_USAGE &&
		      strstr(err, "no leaf 0x00000007 (leaf 0 reaches 0x0000000d)"),
		      "leaf 7 missing while leaf 0 reaches it");
		snprintf(text, sizeof(text), "%.*s%s", (int)(l1 - intel), intel, l7);
		check(parse(text, &c, &d, err, sizeof(err)) == FB_EXIT_USAGE &&
		      strstr(err, "no leaf 0x00000001"), "leaf 1 missing");
		snprintf(text, sizeof(text), "%.*s%s", (int)(e0 - intel), intel, e2);
		check(parse(text, &c, &d, err, sizeof(err)) == FB_EXIT_USAGE &&
		      strstr(err, "0x80000000"), "leaf 0x80000000 missing");
		snprintf(text, sizeof(text), "%.*s", (int)(cpu1 - intel - 60), intel);
		check(parse(text, &c, &d, err, sizeof(err)) == FB_EXIT_USAGE &&
		      strstr(err, "dump.txt:9:"), "a number cut mid-way (eax=0x0000): its line");
		snprintf(text, sizeof(text), "%.*s", (int)(cpu1 - intel), intel);
		check(parse(text, &c, &d, err, sizeof(err)) == 0, "the whole first block parses");
		/* brand string leaves announced by 0x80000000 but missing */
		snprintf(text, sizeof(text), "%.*s", (int)(e2 - intel), intel);
		check(parse(text, &c, &d, err, sizeof(err)) == FB_EXIT_USAGE &&
		      strstr(err, "0x80000002, 0x80000003, 0x80000004"), "brand string leaves missing");
	}
	snprintf(text, sizeof(text), "%s",
		 "   0x00000000 0x00: eax=0x00000001 ebx=0x1b5b3231 ecx=0x6d0a0a0a edx=0x9bff0001\n"
		 "   0x00000001 0x00: eax=0x00a00f11 ebx=0x00000800 ecx=0x00000000 edx=0x178bfbff\n"
		 "   0x80000000 0x00: eax=0x80000000 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n");
	check(parse(text, &c, &d, err, sizeof(err)) == FB_EXIT_USAGE && strstr(err, "vendor '") &&
	      !strpbrk(err, "\x1b\n") && strstr(err, "allowed GenuineIntel"),
	      "a vendor string of garbage: exit 2, shown without its control bytes");
	snprintf(text, sizeof(text), "%s",
		 "   0x00000000 0x00: eax=0x00000001 ebx=0x41424344 ecx=0x494a4b4c edx=0x45464748\n"
		 "   0x00000001 0x00: eax=0x00a00f11 ebx=0x00000800 ecx=0x00000000 edx=0x178bfbff\n"
		 "   0x80000000 0x00: eax=0x80000000 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n");
	check(parse(text, &c, &d, err, sizeof(err)) == FB_EXIT_USAGE && strstr(err, "DCBAHGFELKJI"),
	      "a printable vendor no x86 kernel knows: exit 2");
	snprintf(text, sizeof(text), "%s",
		 "   0x00000000 0x00: eax=0x00000001 ebx=0x68747541 ecx=0x444d4163 edx=0x69746e65\n"
		 "   0x00000001 0x00: eax=0x00a00f11 ebx=0x00000800 ecx=0x00000000 edx=0x178bfbff\n"
		 "   0x80000000 0x00: eax=0x80000004 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n"
		 "   0x80000002 0x00: eax=0x5b1b4d41 ebx=0xff6d3133 ecx=0x0a0dfe41 edx=0x0000c0c1\n"
		 "   0x80000003 0x00: eax=0x00000000 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n"
		 "   0x80000004 0x00: eax=0x00000000 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n");
	check(parse(text, &c, &d, err, sizeof(err)) == 0 && !strcmp(c.name, "AM?[31m?A?????"),
	      "a brand string with ESC, CR/LF and bytes that are not UTF-8: each '?'");
	check(parse("CPU 0:\nvendor_id : GenuineIntel\n", &c, &d, err, sizeof(err)) == FB_EXIT_USAGE &&
	      strstr(err, "dump.txt:2:"), "formats mixed: the first line decides");

	/* ---- /proc/cpuinfo ---- */
	snprintf(text, sizeof(text), "%s",
		 "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n"
		 "model name\t: Intel(R) Xeon(R) Platinum 8280 CPU @ 2.70GHz\nstepping\t: 7\n"
		 "flags\t\t: fpu sse2 clflush rep_good avx2 avx512f erms clflushopt clwb\n"
		 "power management:\n\nprocessor\t: 1\n");
	check(parse(text, &c, &d, err, sizeof(err)) == 0 && !strcmp(d.format, "/proc/cpuinfo") &&
	      d.blocks == 2 && c.family == 6 && c.model == 0x55 && c.flag[FB_F_ERMS] &&
	      !c.flag[FB_F_FSRM] && d.boot.fast_strings == 1, "cpuinfo: rep_good says fast strings on");
	fb_kpath_select_boot(&c, FB_KM_6_1, FB_KR_COPY_PAGE, &d.boot, &kp);
	check(!strcmp(kp.impl, "rep movsq"), "cpuinfo: copy_page rep movsq");
	{
		char *p = strstr(text, "rep_good ");

		memmove(p, p + 9, strlen(p + 9) + 1);
	}
	check(parse(text, &c, &d, err, sizeof(err)) == 0 && d.boot.fast_strings == 0,
	      "cpuinfo without rep_good: fast strings off");
	fb_kpath_select_boot(&c, FB_KM_6_1, FB_KR_COPY_PAGE, &d.boot, &kp);
	check(!strcmp(kp.impl, "copy_page_regs"), "fast strings off: copy_page_regs (intel.c)");
	fb_kpath_select_boot(&c, FB_KM_6_1, FB_KR_MEMCPY, &d.boot, &kp);
	check(!strcmp(kp.impl, "memcpy_orig"), "fast strings off: 6.1 memcpy_orig (ERMS cleared)");
	check(parse("flags\t\t: fpu sse2 erms\n", &c, &d, err, sizeof(err)) == FB_EXIT_USAGE &&
	      strstr(err, "dump.txt:1:") && strstr(err, "vendor_id"), "a flags line alone");
	check(parse("vendor_id\t: GenuineIntel\nflags\t: sse2\n", &c, &d, err, sizeof(err)) ==
	      FB_EXIT_USAGE && strstr(err, "cpu family"), "x86 cpuinfo without family");
	check(parse("processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\nCPU implementer\t: 0x41\n"
		    "CPU architecture: 8\nCPU part\t: 0xd0c\n", &c, &d, err, sizeof(err)) == FB_EXIT_SKIP &&
	      strstr(err, "not x86") && strstr(err, "dump.txt"), "arm64 cpuinfo: not x86, exit 4");
	check(parse("processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\nCPU implementer\t: 0x41\n"
		    "vendor_id\t: ARM\ncpu family\t: 8\nmodel\t\t: 1\nflags\t\t: fp asimd erms\n", &c, &d,
		    err, sizeof(err)) == FB_EXIT_SKIP && strstr(err, "not x86") && !c.x86,
	      "an arm64 cpuinfo with vendor_id, family, model and flags lines: still not x86");
	check(parse("vendor_id\t: ARM\ncpu family\t: 8\nmodel\t\t: 1\nflags\t\t: fp erms\n", &c, &d,
		    err, sizeof(err)) == FB_EXIT_USAGE && strstr(err, "vendor 'ARM'"),
	      "a cpuinfo whose vendor_id no x86 kernel knows: exit 2");
	check(parse("vendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 8x\nflags\t\t: erms\n",
		    &c, &d, err, sizeof(err)) == FB_EXIT_USAGE && strstr(err, "dump.txt:3:"),
	      "a cpuinfo model that is not a number: its line");
	check(parse("processor\t: 0\nno colon here\n", &c, &d, err, sizeof(err)) == FB_EXIT_USAGE &&
	      strstr(err, "dump.txt:2:"), "cpuinfo line without a colon");

	/* ---- files ---- */
	check(fb_cpuid_dump_load("/nonexistent/dump.txt", &c, &d, err, sizeof(err)) == FB_EXIT_USAGE &&
	      strstr(err, "/nonexistent/dump.txt") && strstr(err, "cannot read"), "unreadable file");
	check(fb_cpuid_dump_load("data/cpuid/zen5-epyc-9655.txt", &c, &d, err, sizeof(err)) == 0 &&
	      c.family == 0x1a && c.flag[FB_F_MOVDIR64B] && c.flag[FB_F_AVX512F] &&
	      c.flag[FB_F_FSRM] && !c.flag[FB_F_FSRS], "Zen 5 dump file");
	check(fb_kernel_fsrs(&c, FB_KM_6_12, err, sizeof(err)) && strstr(err, "amd.c"),
	      "Zen 5: 6.12 sets FSRS from FSRM (amd.c)");
	check(fb_cpuid_dump_load("data/cpuid/sapphirerapids-xeon-8480.txt", &c, &d, err,
				 sizeof(err)) == 0 && c.flag[FB_F_FSRS] && c.flag[FB_F_FSRM] &&
	      c.model == 0x8f, "Sapphire Rapids dump: FSRS from CPUID.(7,1)");

#if defined(__x86_64__)
	/* ---- this CPU written as `cpuid -r` and read back: same verdicts ---- */
	{
		static const unsigned leaves[][2] = {
			{ 0, 0 }, { 1, 0 }, { 7, 0 }, { 7, 1 }, { 0xd, 0 }, { 0x80000000u, 0 },
			{ 0x80000002u, 0 }, { 0x80000003u, 0 }, { 0x80000004u, 0 },
		};
		const struct fb_cpu *me = fb_this_cpu();
		size_t off = (size_t)snprintf(text, sizeof(text), "CPU 0:\n");
		unsigned a, b, cc, dd;
		int same = 1;

		for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
			__cpuid_count(leaves[i][0], leaves[i][1], a, b, cc, dd);
			off += (size_t)snprintf(text + off, sizeof(text) - off,
				"   0x%08x 0x%02x: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n",
				leaves[i][0], leaves[i][1], a, b, cc, dd);
		}
		if (me->flag[FB_F_HYPERVISOR]) {
			__cpuid(0x40000000, a, b, cc, dd);
			snprintf(text + off, sizeof(text) - off,
				 "   0x40000000 0x00: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n",
				 a, b, cc, dd);
		}
		check(parse(text, &c, &d, err, sizeof(err)) == 0, "this CPU as a dump parses");
		for (int f = 0; f < FB_F_COUNT; f++)
			same &= c.flag[f] == me->flag[f];
		check(same && !strcmp(c.vendor, me->vendor) && c.family == me->family &&
		      c.model == me->model && !strcmp(c.name, me->name) &&
		      !strcmp(c.hypervisor, me->hypervisor), "this CPU's dump decodes to this CPU");
		for (int km = 0; km < FB_KM_COUNT; km++)
			for (int r = 0; r < FB_KR_COUNT; r++) {
				struct fb_kpath x, y;

				fb_kpath_select(&c, km, r, &x);
				fb_kpath_select(me, km, r, &y);
				same &= !strcmp(x.impl, y.impl) && !strcmp(x.why, y.why);
			}
		check(same, "this CPU's dump selects the same kernel paths as this CPU");
	}
#endif

	return check_finish();
}
