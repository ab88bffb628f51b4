/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which implementation the Linux x86-64 kernel selects for its copy
 * routines on a given CPU, per kernel line.  The rules are transcribed from
 * the kernel sources (see kpath.c for the file each rule comes from).
 * What this machine says of its own kernel is read in kpath_probe.h; the
 * text schema 1 recorded is read back in kpath_v1.h.
 */
#ifndef FB_KPATH_H
#define FB_KPATH_H
#include <stdbool.h>
#include <stddef.h>
#include "cpu.h"

enum fb_kernel_model { FB_KM_6_1, FB_KM_6_12, FB_KM_COUNT };

enum fb_kroutine {
	FB_KR_MEMCPY,            /* memcpy(): batched folio_copy */
	FB_KR_COPY_PAGE,         /* copy_page(): per-page folio_copy */
	FB_KR_COPY_MC,           /* copy_mc_to_kernel(): folio_mc_copy */
	FB_KR_MEMCPY_FLUSHCACHE, /* memcpy_flushcache() */
	FB_KR_CLFLUSH_RANGE,     /* clflush_cache_range() */
	FB_KR_COUNT
};

struct fb_kpath {
	const char *impl;      /* what runs: "memcpy_orig", "rep movsq", ... */
	const char *primitive; /* userspace primitive that reproduces it, or NULL */
	char brief[48];        /* the deciding flags only: "no FSRM", "REP_GOOD" */
	char why[200];         /* "BRIEF -> what runs (source file); details" */
};

/* Named in bench/sweep/axis.c, the axis registry. */
/* The models' names, NULL-ended, and aliases as {alias, name} pairs: the
 * rules' own (machine), which the axis registry shows and parses. */
extern const char *const fb_kernel_model_names[];
extern const char *const fb_kernel_model_aliases[];
const char *fb_kernel_model_name(enum fb_kernel_model km); /* "6.1", "6.12" */
int fb_kernel_model_parse(const char *s, enum fb_kernel_model *km);
const char *fb_kroutine_name(enum fb_kroutine r);          /* "memcpy", ... */

/* X86_FEATURE_REP_GOOD as the kernel would set it (not a CPUID bit), with
 * the non-CPUID inputs of boot (NULL: unknown, as fb_kpath_select). */
struct fb_kboot;
bool fb_kernel_rep_good(const struct fb_cpu *cpu, enum fb_kernel_model km,
			const struct fb_kboot *boot, char *why, size_t whylen);

/* 0 on success; -1 when the x86 rules do not apply (non-x86 CPU).
 * Same as fb_kpath_select_boot() with every fb_kboot input unknown. */
int fb_kpath_select(const struct fb_cpu *cpu, enum fb_kernel_model km,
		    enum fb_kroutine r, struct fb_kpath *out);

/*
 * Inputs that decide a path but are not CPUID bits.  Each is 1, 0, or -1
 * for unknown; unknown values are guessed as documented per field and the
 * guess is said in fb_kpath.why.
 */
struct fb_kboot {
	/* "mce=recovery" on the kernel command line forces the
	 * copy_mc_fragile static key on (mce/core.c).  Unknown = 0. */
	int mce_recovery;
	/* The Xeon RAS PCI quirk fired (arch/x86/kernel/quirks.c: uncore
	 * devices 8086:0ec3/2fc0/6fc0 with CAPID0 bit 4, 8086:2083 with an
	 * advanced-RAS or NVDIMM CAPID); it also turns the key on.  Unknown =
	 * guessed from the CPU model: on for Skylake-SP (family 6 model 0x55,
	 * incl. Cascade/Cooper Lake) on bare metal; off for Ivy Bridge/
	 * Haswell/Broadwell-EP (the bit marks E7/EX parts); off under a
	 * hypervisor (guests do not see the host uncore); off otherwise. */
	int ras_quirk;
	/* Intel IA32_MISC_ENABLE fast strings (intel.c clears REP_GOOD and
	 * ERMS when the BIOS disabled them).  Unknown = 1. */
	int fast_strings;
};

/* All fields unknown (-1). */
void fb_kboot_unknown(struct fb_kboot *b);

/* fb_kpath_select with explicit non-CPUID inputs (boot may be NULL). */
int fb_kpath_select_boot(const struct fb_cpu *cpu, enum fb_kernel_model km,
			 enum fb_kroutine r, const struct fb_kboot *boot,
			 struct fb_kpath *out);

/* Whether the copy_mc_fragile static key would be on (mce/core.c +
 * arch/x86/kernel/quirks.c); same rule in 6.1 and 6.12. */
bool fb_kernel_copy_mc_fragile(const struct fb_cpu *cpu,
			       const struct fb_kboot *boot, char *why, size_t whylen);

/* X86_FEATURE_FSRS as the kernel would set it: 6.1 has no such feature;
 * 6.12 takes CPUID.(7,1):EAX[11] and also sets it on AMD with FSRM
 * (amd.c init_amd).  Used by 6.12's clear_user (rep_stos_alternative). */
bool fb_kernel_fsrs(const struct fb_cpu *cpu, enum fb_kernel_model km,
		    char *why, size_t whylen);

/* "memcpy" -> FB_KR_MEMCPY, ...: 0, or -1 for any other name. */
int fb_kroutine_parse(const char *s, enum fb_kroutine *r);

/*
 * What a cell records of the kernel it models (run.json "kernel_path",
 * schema 2): the routine, the kernel line, what runs and why, as
 * fb_kpath_select_boot gives them.  impl "" means none recorded.
 */
struct fb_kpath_record {
	int routine;            /* enum fb_kroutine, -1 when a v1 file did not say */
	int model;              /* enum fb_kernel_model, -1 likewise */
	char impl[64];          /* "memcpy_orig" */
	char why[256];          /* "no FSRM -> memcpy_orig, ... (arch/x86/lib/memcpy_64.S, 6.12)" */
};
void fb_kpath_record_set(struct fb_kpath_record *r, enum fb_kroutine routine,
			 enum fb_kernel_model km, const struct fb_kpath *kp);
/* The brief of a why: the text before " -> ", without [..] and (..). */
const char *fb_kpath_brief_of(const char *why, char *buf, size_t len);
/*
 * The record short, for tables and reports: "PREFIX MODEL: IMPL (BRIEF)",
 * "batched 6.12: memcpy_orig (no FSRM)".  prefix names what the cell ran
 * (its mode); NULL names the routine.  A record without routine and model
 * (a v1 string that did not parse) gives its impl alone.
 */
const char *fb_kpath_concise(const struct fb_kpath_record *r, const char *prefix,
			     char *buf, size_t len);
/* The same with the whole why, "batched 6.12: memcpy_orig (no FSRM -> ...)":
 * the one line cells.csv gives the record in. */
const char *fb_kpath_full(const struct fb_kpath_record *r, const char *prefix,
			  char *buf, size_t len);
/*
 * Seed 000's regression pattern: the batched copy (memcpy over the folio)
 * runs memcpy_orig while the per-page copy (copy_page) keeps rep movsq,
 * a microcoded string copy, so batching can lose.
 */
bool fb_kpath_seed000(const char *batched_impl, const char *per_page_impl);

/*
 * What a running kernel says it selected, to hold the rules above against:
 * from foliobench.ko's INFO (boot_cpu_has() and the patched routines), or
 * only the feature bits from /proc/cpuinfo when the module is not loaded.
 * Each flag is 1, 0, or -1 when this source cannot tell.
 */
enum fb_kflag { FB_KF_FSRM, FB_KF_ERMS, FB_KF_REP_GOOD, FB_KF_FSRS, FB_KF_MC_FRAGILE,
		FB_KF_COUNT };
/* The routines a kernel view names, in fb_kview.path[] order. */
#define FB_KVIEW_ROUTINES 3     /* FB_KR_MEMCPY, FB_KR_COPY_PAGE, FB_KR_COPY_MC */

struct fb_kview {
	char source[96];        /* "foliobench.ko", "/proc/cpuinfo (feature bits only)" */
	char release[72];       /* the kernel's uname -r */
	int flag[FB_KF_COUNT];
	/* what runs, as the kernel was read ("memcpy_erms", "copy_mc_fragile",
	 * "memcpy" for copy_mc_to_kernel falling back to memcpy); "" unknown */
	char path[FB_KVIEW_ROUTINES][32];
	char how[FB_KVIEW_ROUTINES][96];
};

const char *fb_kflag_name(enum fb_kflag f);        /* "FSRM", ..., "copy_mc fragile key" */
/* One line of the comparison: prediction from CPUID vs the kernel. */
struct fb_kcheck_row {
	char item[24];          /* "FSRM", "memcpy" */
	char predicted[48];     /* "set", "clear", "memcpy_orig" */
	char kernel[48];        /* as the kernel says, "unknown" when it cannot */
	char detail[200];       /* the prediction's why; the kernel's how */
	int agree;              /* 1, 0, or -1 when the kernel cannot tell */
};
#define FB_KCHECK_ROWS (FB_KF_COUNT + FB_KVIEW_ROUTINES)
/*
 * Compare what the rules predict for cpu on kernel line km (with boot)
 * with what the kernel v says: feature bits, then memcpy, copy_page and
 * copy_mc_to_kernel (kernel names mapped to the rules' names:
 * memcpy_erms is rep movsb; copy_mc_to_kernel "memcpy" is what memcpy
 * runs).  Fills rows[FB_KCHECK_ROWS]; returns the number of disagreements.
 */
int fb_kpath_check(const struct fb_cpu *cpu, enum fb_kernel_model km,
		   const struct fb_kboot *boot, const struct fb_kview *v,
		   struct fb_kcheck_row *rows);

#endif
