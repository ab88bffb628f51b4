/* The self-description every result carries: host, CPU, kernel, topology. */
#ifndef FB_MACHINE_H
#define FB_MACHINE_H
#include <json-c/json.h>
#include "cpu.h"
#include "kpath.h"
#include "topology.h"

/* The kernel copy paths of cpu for both kernel lines, as JSON (boot may be NULL). */
json_object *fb_kpaths_json(const struct fb_cpu *cpu, const struct fb_kboot *boot);
/* The whole machine block; topo may be NULL when it could not be loaded. */
json_object *fb_machine_json(const struct fb_cpu *cpu, const struct fb_topology *topo);
/* THP mode string from sysfs ("always", "madvise", "never", or "unavailable"). */
const char *fb_thp_mode(char *buf, size_t len);
/* Print the machine block for people (foliobench info). */
void fb_machine_print(FILE *f, const struct fb_cpu *cpu, const struct fb_topology *topo);

#endif
