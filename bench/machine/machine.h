/* SPDX-License-Identifier: GPL-2.0-only */
/* The self-description every result carries: host, CPU, kernel, topology. */
#ifndef FB_MACHINE_H
#define FB_MACHINE_H
#include <json-c/json.h>
#include "cpu.h"
#include "kpath.h"
#include "topology.h"

/* The kernel copy paths of cpu for both kernel lines, as JSON (boot may be NULL). */
json_object *fb_kpaths_json(const struct fb_cpu *cpu, const struct fb_kboot *boot);
/*
 * What a loaded foliobench.ko reads of the running kernel (backend.h
 * fb_kmod_kernel_view is one): its kernel view and the FOLIOBENCH_KC_* bits
 * of the config it was built with; FB_EXIT_OK, else FB_EXIT_SKIP or
 * FB_EXIT_FAIL with err.  The caller passes it in, so that describing the
 * machine calls no backend.
 */
typedef int (*fb_kmod_view_fn)(struct fb_kview *v, unsigned *kconfig, char *err, size_t errlen);
/* The whole machine block; topo may be NULL when it could not be loaded,
 * module_view (for the kernel config, see fb_kconfig_json) may be NULL. */
json_object *fb_machine_json(const struct fb_cpu *cpu, const struct fb_topology *topo,
			     fb_kmod_view_fn module_view);
/* THP mode string from sysfs ("always", "madvise", "never", or "unavailable"). */
const char *fb_thp_mode(char *buf, size_t len);
/*
 * The kernel config options that change copy cost (the seed authors' logs
 * record them): PREEMPT*, INIT_ON_ALLOC/FREE_DEFAULT_ON,
 * HAVE_GIGANTIC_FOLIOS, SPARSEMEM_VMEMMAP, KASAN, DEBUG_VM.  As JSON
 * {"source": ..., "options": {"CONFIG_X": "y" | "m" | "n" | null}}: "n"
 * for "is not set", null for an option the config does not have.
 */
/* From the running kernel's /boot/config-REL or /proc/config.gz, else
 * the build config of a loaded foliobench.ko as module_view reads it
 * (when not NULL), else source "unavailable". */
json_object *fb_kconfig_json(fb_kmod_view_fn module_view);
/* From a config text (source names it); NULL if text has no CONFIG_ line. */
json_object *fb_kconfig_json_text(const char *text, const char *source);
/* From the module's FOLIOBENCH_KC_* bits (every option "y" or "n"). */
json_object *fb_kconfig_json_bits(unsigned bits, const char *source);
/* A kernel view (kpath.h) as results record it. */
json_object *fb_kview_json(const struct fb_kview *v);
/* Print the machine block for people (foliobench info). */
void fb_machine_print(FILE *f, const struct fb_cpu *cpu, const struct fb_topology *topo);

#endif
