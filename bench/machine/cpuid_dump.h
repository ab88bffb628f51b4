/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Another machine's CPU from a text dump, so the kernel path rules
 * (kpath.c) can be applied to it: the raw output of `cpuid -r` (Debian's
 * cpuid package; the first CPU block is used), or a /proc/cpuinfo text
 * (vendor_id, cpu family, model and flags of the first processor block).
 */
#ifndef FB_CPUID_DUMP_H
#define FB_CPUID_DUMP_H
#include <stddef.h>
#include "cpu.h"
#include "kpath.h"

struct fb_cpuid_dump {
	const char *format;      /* "cpuid -r" or "/proc/cpuinfo" */
	unsigned blocks;         /* CPU blocks (cpuid -r) or processors (cpuinfo) seen */
	size_t leaves;           /* leaves of the first CPU (cpuid -r) */
	/* What the dump says about its kernel (a /proc/cpuinfo shows
	 * rep_good on Intel family 6 iff fast strings are on); the rest
	 * stays unknown and kpath.c guesses, saying so. */
	struct fb_kboot boot;
};

/*
 * Parse text (name is what messages call it: the file name).  Returns
 * 0 with *cpu filled; 2 (bad usage) when the text is not a dump, with err
 * "NAME:LINE: ..." naming the first bad line; 4 (cannot run) when the
 * dump is of a CPU that is not x86, with err saying the rules do not apply.
 */
int fb_cpuid_dump_parse(const char *text, const char *name, struct fb_cpu *cpu,
			struct fb_cpuid_dump *info, char *err, size_t errlen);
/* Read path ("-" is standard input) and parse it; an unreadable file is 2. */
int fb_cpuid_dump_load(const char *path, struct fb_cpu *cpu, struct fb_cpuid_dump *info,
		       char *err, size_t errlen);

#endif
