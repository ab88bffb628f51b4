/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What this machine says about its running kernel, for the rules of
 * kpath.h: the boot inputs that are not CPUID bits, and the view of
 * /proc/cpuinfo when the module is not loaded.
 */
#ifndef FB_KPATH_PROBE_H
#define FB_KPATH_PROBE_H
#include <stdbool.h>
#include "kpath.h"

/* What this machine says about its running kernel: /proc/cmdline,
 * /sys/bus/pci (config space past 64 bytes needs root; no such device
 * gives 0), and "rep_good" in /proc/cpuinfo on Intel family 6 (fast
 * strings).  Whatever cannot be read stays -1.  Detected once; never NULL. */
const struct fb_kboot *fb_this_kboot(void);
/* Parse a kernel command line for mce=recovery: 1 or 0. */
int fb_kboot_cmdline_mce_recovery(const char *cmdline);
/* intel.c: REP_GOOD (shown in /proc/cpuinfo as rep_good) is set on Intel
 * family 6 from model 0xd unless the BIOS turned fast strings off (which
 * also clears ERMS): 1 or 0 from whether rep_good is shown; -1 for any
 * other CPU. */
int fb_kboot_fast_strings(const struct fb_cpu *cpu, bool rep_good_shown);

/* A view of the running kernel from its /proc/cpuinfo text: fsrm, erms and
 * rep_good from the first flags line (FSRS has no name there in 6.12);
 * everything else unknown.  -1 when text has no flags line. */
int fb_kview_from_cpuinfo(const char *cpuinfo, const char *release, struct fb_kview *v);

#endif
