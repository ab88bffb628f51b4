/* SPDX-License-Identifier: GPL-2.0-only */
/* CPU identity and the CPUID feature bits that decide kernel copy paths. */
#ifndef FB_CPU_H
#define FB_CPU_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fb_cpu_flag {
	FB_F_SSE2,
	FB_F_ERMS,
	FB_F_FSRM,
	FB_F_FSRS,
	FB_F_AVX2,
	FB_F_AVX512F,
	FB_F_CLFLUSH,
	FB_F_CLFLUSHOPT,
	FB_F_CLWB,
	FB_F_MOVDIR64B,
	FB_F_HYPERVISOR,
	FB_F_COUNT
};

struct fb_cpu {
	bool x86;                /* the x86 path rules apply at all */
	char vendor[16];         /* "GenuineIntel", "AuthenticAMD", ... */
	unsigned family, model, stepping; /* display family/model */
	char name[80];           /* brand string */
	char hypervisor[16];     /* hypervisor vendor id, "" on bare metal */
	unsigned clflush_line;   /* bytes; 64 when CPUID does not say */
	bool flag[FB_F_COUNT];
};

/*
 * Raw CPUID values, one per leaf/subleaf: read from this CPU or from a dump
 * of another machine (bench/machine/cpuid_dump.c).  Both go through the same
 * decoder, fb_cpu_from_cpuid(), so a dump is judged exactly like this CPU.
 */
struct fb_cpuid_leaf {
	uint32_t leaf, subleaf, eax, ebx, ecx, edx;
};

struct fb_cpuid_set {
	struct fb_cpuid_leaf *v;
	size_t n, cap;
	/* XCR0 (which register states the OS saves): read with XGETBV on this
	 * CPU; a dump has none and leaf 0xD.0 (the CPU's XCR0 mask) stands in. */
	bool have_xcr0;
	unsigned long long xcr0;
};

/* Add one leaf; 1 when that leaf/subleaf is already there, -1 out of memory. */
int fb_cpuid_set_add(struct fb_cpuid_set *s, uint32_t leaf, uint32_t subleaf,
		     uint32_t eax, uint32_t ebx, uint32_t ecx, uint32_t edx);
/* The leaf, or NULL when the set does not hold it. */
const struct fb_cpuid_leaf *fb_cpuid_set_find(const struct fb_cpuid_set *s,
					      uint32_t leaf, uint32_t subleaf);
void fb_cpuid_set_free(struct fb_cpuid_set *s);

/*
 * Decode a leaf set the way the kernel reads CPUID at boot: vendor (leaf 0),
 * display family/model/stepping (leaf 1, arch/x86/lib/cpu.c), brand string
 * (0x80000002..4), hypervisor vendor (0x40000000), and the copy-path flags
 * (leaf 1, 7.0, 7.1).  Leaves above the reported maximum, or missing from a
 * dump, count as zeros.  0 on success; -1 without leaf 0.
 */
int fb_cpu_from_cpuid(struct fb_cpu *cpu, const struct fb_cpuid_set *s);

/* Fill *cpu from this machine's CPUID (or /proc/cpuinfo off x86). 0 on success. */
int fb_cpu_detect(struct fb_cpu *cpu);
/* Lower-case /proc/cpuinfo spelling: "erms", "fsrm", "avx512f", ... */
const char *fb_cpu_flag_name(enum fb_cpu_flag f);
/* The process-wide detected CPU (detected once, on first use). */
const struct fb_cpu *fb_this_cpu(void);

/* Flag from its /proc/cpuinfo spelling; FB_F_COUNT when unknown. */
enum fb_cpu_flag fb_cpu_flag_parse(const char *name);

/*
 * Build an x86 CPU description without running CPUID: for tests and for
 * modelling other machines from their /proc/cpuinfo.  flags is a
 * whitespace-separated /proc/cpuinfo "flags" line; unknown words are
 * ignored.  family/model are display values (e.g. 0x19/0x01 for Zen 3).
 * name = "", hypervisor = "unknown" when "hypervisor" is listed,
 * clflush_line = 64.  0 on success, -1 on NULL arguments.
 */
int fb_cpu_from_flags(struct fb_cpu *cpu, const char *vendor, unsigned family,
		      unsigned model, const char *flags_space_separated);

/*
 * Parse the first processor block of a /proc/cpuinfo text (x86: vendor_id,
 * cpu family, model, stepping, model name, flags, clflush size).  A text
 * without vendor_id/flags (arm64, ...) gives x86 = false and a name only.
 * 0 on success, -1 when nothing usable was found.
 */
int fb_cpu_from_cpuinfo(struct fb_cpu *cpu, const char *text);

/* Space-separated /proc/cpuinfo names of the set flags; returns snprintf's. */
int fb_cpu_flags_format(const struct fb_cpu *cpu, char *buf, size_t len);

#endif
