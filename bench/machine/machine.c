// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include "foliobench_uapi.h"
#include "kpath.h"
#include "kpath_probe.h"
#include "machine.h"
#include "memory.h"
#include "util.h"

/* The options that change copy cost, and the module's bit for each. */
static const struct {
	const char *name;
	unsigned bit;
} kconfig_opts[] = {
	{ "CONFIG_PREEMPT_NONE", FOLIOBENCH_KC_PREEMPT_NONE },
	{ "CONFIG_PREEMPT_VOLUNTARY", FOLIOBENCH_KC_PREEMPT_VOLUNTARY },
	{ "CONFIG_PREEMPT", FOLIOBENCH_KC_PREEMPT },
	{ "CONFIG_PREEMPT_RT", FOLIOBENCH_KC_PREEMPT_RT },
	{ "CONFIG_PREEMPT_DYNAMIC", FOLIOBENCH_KC_PREEMPT_DYNAMIC },
	{ "CONFIG_PREEMPT_LAZY", FOLIOBENCH_KC_PREEMPT_LAZY },
	{ "CONFIG_INIT_ON_ALLOC_DEFAULT_ON", FOLIOBENCH_KC_INIT_ON_ALLOC },
	{ "CONFIG_INIT_ON_FREE_DEFAULT_ON", FOLIOBENCH_KC_INIT_ON_FREE },
	{ "CONFIG_HAVE_GIGANTIC_FOLIOS", FOLIOBENCH_KC_GIGANTIC_FOLIOS },
	{ "CONFIG_SPARSEMEM_VMEMMAP", FOLIOBENCH_KC_SPARSEMEM_VMEMMAP },
	{ "CONFIG_KASAN", FOLIOBENCH_KC_KASAN },
	{ "CONFIG_DEBUG_VM", FOLIOBENCH_KC_DEBUG_VM },
};
#define NKCONFIG (sizeof(kconfig_opts) / sizeof(kconfig_opts[0]))

static json_object *kconfig_doc(const char *source, json_object *options)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "source", json_object_new_string(source));
	json_object_object_add(o, "options", options);
	return o;
}

json_object *fb_kconfig_json_bits(unsigned bits, const char *source)
{
	json_object *opts = json_object_new_object();

	for (size_t i = 0; i < NKCONFIG; i++)
		json_object_object_add(opts, kconfig_opts[i].name,
			json_object_new_string(bits & kconfig_opts[i].bit ? "y" : "n"));
	return kconfig_doc(source, opts);
}

/* "NAME=VALUE" or "# NAME is not set" for one of ours: its index, else -1. */
static int kconfig_line(const char *line, size_t len, char *val, size_t vlen)
{
	for (size_t i = 0; i < NKCONFIG; i++) {
		size_t n = strlen(kconfig_opts[i].name);

		if (len > n && !strncmp(line, kconfig_opts[i].name, n) && line[n] == '=') {
			snprintf(val, vlen, "%.*s", (int)(len - n - 1), line + n + 1);
			return (int)i;
		}
		if (len == n + 13 && !strncmp(line, "# ", 2) &&
		    !strncmp(line + 2, kconfig_opts[i].name, n) &&
		    !strncmp(line + 2 + n, " is not set", 11)) {
			snprintf(val, vlen, "n");
			return (int)i;
		}
	}
	return -1;
}

json_object *fb_kconfig_json_text(const char *text, const char *source)
{
	char vals[NKCONFIG][32] = { { 0 } };
	bool any = false;
	json_object *opts;

	for (const char *p = text; p && *p;) {
		size_t len = strcspn(p, "\n");
		char val[32];
		int i = kconfig_line(p, len, val, sizeof(val));

		if (i >= 0)
			snprintf(vals[i], sizeof(vals[i]), "%s", val);
		any |= !strncmp(p, "CONFIG_", 7) || !strncmp(p, "# CONFIG_", 9);
		p += len + (p[len] == '\n');
	}
	if (!any)
		return NULL;
	opts = json_object_new_object();
	for (size_t i = 0; i < NKCONFIG; i++)
		json_object_object_add(opts, kconfig_opts[i].name,
				       vals[i][0] ? json_object_new_string(vals[i]) : NULL);
	return kconfig_doc(source, opts);
}

/* A whole config file, plain or gzip (gzread reads both); NULL if absent. */
static char *read_config(const char *path)
{
	gzFile f = gzopen(path, "rb");
	size_t n = 0, cap = 1 << 20;
	char *buf;
	int got;

	if (!f)
		return NULL;
	buf = malloc(cap + 1);
	while (buf && (got = gzread(f, buf + n, (unsigned)(cap - n))) > 0) {
		n += (size_t)got;
		if (n == cap) {
			char *nb = realloc(buf, 2 * cap + 1);

			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	gzclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}

json_object *fb_kconfig_json(fb_kmod_view_fn module_view)
{
	struct utsname u;
	char path[400], err[256];
	const char *paths[2] = { path, "/proc/config.gz" };
	struct fb_kview v;
	unsigned bits;

	uname(&u);
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	for (int i = 0; i < 2; i++) {
		char *text = read_config(paths[i]);
		json_object *o = text ? fb_kconfig_json_text(text, paths[i]) : NULL;

		free(text);
		if (o)
			return o;
	}
	/* the config the loaded module was built with: that of this kernel */
	if (module_view && access(FOLIOBENCH_DEVICE, F_OK) == 0 &&
	    module_view(&v, &bits, err, sizeof(err)) == FB_EXIT_OK &&
	    !strcmp(v.release, u.release))
		return fb_kconfig_json_bits(bits, "foliobench.ko build config");
	return kconfig_doc("unavailable", json_object_new_object());
}

json_object *fb_kview_json(const struct fb_kview *v)
{
	static const char *const flag_keys[FB_KF_COUNT] = {
		[FB_KF_FSRM] = "fsrm", [FB_KF_ERMS] = "erms", [FB_KF_REP_GOOD] = "rep_good",
		[FB_KF_FSRS] = "fsrs", [FB_KF_MC_FRAGILE] = "copy_mc_fragile_key",
	};
	static const enum fb_kroutine routines[FB_KVIEW_ROUTINES] = {
		FB_KR_MEMCPY, FB_KR_COPY_PAGE, FB_KR_COPY_MC,
	};
	json_object *o = json_object_new_object(), *f = json_object_new_object();
	json_object *p = json_object_new_object();

	json_object_object_add(o, "source", json_object_new_string(v->source));
	json_object_object_add(o, "release", json_object_new_string(v->release));
	for (int i = 0; i < FB_KF_COUNT; i++)
		json_object_object_add(f, flag_keys[i], v->flag[i] < 0 ? NULL :
				       json_object_new_boolean(v->flag[i]));
	json_object_object_add(o, "flags", f);
	for (int i = 0; i < FB_KVIEW_ROUTINES; i++) {
		json_object *r = json_object_new_object();

		json_object_object_add(r, "runs", v->path[i][0] ?
				       json_object_new_string(v->path[i]) : NULL);
		json_object_object_add(r, "how", json_object_new_string(v->how[i]));
		json_object_object_add(p, fb_kroutine_name(routines[i]), r);
	}
	json_object_object_add(o, "paths", p);
	return o;
}

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* "always [madvise] never" -> "madvise" */
static const char *bracketed(const char *path, char *buf, size_t len)
{
	if (fb_sysfs_choice_read(path, buf, len))
		snprintf(buf, len, "unavailable");
	return buf;
}

const char *fb_thp_mode(char *buf, size_t len)
{
	return bracketed("/sys/kernel/mm/transparent_hugepage/enabled", buf, len);
}

json_object *fb_kpaths_json(const struct fb_cpu *cpu, const struct fb_kboot *boot)
{
	json_object *all = json_object_new_object();

	for (int km = 0; km < FB_KM_COUNT; km++) {
		json_object *o = json_object_new_object();
		char why[200];

		json_object_object_add(o, "rep_good",
			json_object_new_boolean(fb_kernel_rep_good(cpu, km, boot, why, sizeof(why))));
		for (int r = 0; r < FB_KR_COUNT; r++) {
			struct fb_kpath kp;
			json_object *p;

			if (fb_kpath_select_boot(cpu, km, r, boot, &kp))
				continue;
			p = json_object_new_object();
			json_object_object_add(p, "impl", json_object_new_string(kp.impl));
			json_object_object_add(p, "primitive",
				kp.primitive ? json_object_new_string(kp.primitive) : NULL);
			json_object_object_add(p, "why", json_object_new_string(kp.why));
			json_object_object_add(o, fb_kroutine_name(r), p);
		}
		json_object_object_add(all, fb_kernel_model_name(km), o);
	}
	return all;
}

static json_object *int_array(const int *v, int n)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_int(v[i]));
	return a;
}

json_object *fb_machine_json(const struct fb_cpu *cpu, const struct fb_topology *t,
			     fb_kmod_view_fn module_view)
{
	json_object *m = json_object_new_object(), *c, *flags, *k, *o;
	struct utsname u;
	char buf[512];

	uname(&u);
	json_object_object_add(m, "hostname", json_object_new_string(u.nodename));

	c = json_object_new_object();
	json_object_object_add(c, "vendor", json_object_new_string(cpu->vendor));
	json_object_object_add(c, "family", json_object_new_int((int)cpu->family));
	json_object_object_add(c, "model", json_object_new_int((int)cpu->model));
	json_object_object_add(c, "stepping", json_object_new_int((int)cpu->stepping));
	json_object_object_add(c, "name", json_object_new_string(cpu->name));
	json_object_object_add(c, "x86", json_object_new_boolean(cpu->x86));
	json_object_object_add(c, "hypervisor",
		json_object_new_string(cpu->flag[FB_F_HYPERVISOR] ?
			(cpu->hypervisor[0] ? cpu->hypervisor : "unknown") : ""));
	json_object_object_add(c, "clflush_line", json_object_new_int((int)cpu->clflush_line));
	flags = json_object_new_object();
	for (int f = 0; f < FB_F_COUNT; f++)
		json_object_object_add(flags, fb_cpu_flag_name(f),
				       json_object_new_boolean(cpu->flag[f]));
	json_object_object_add(c, "flags", flags);
	json_object_object_add(m, "cpu", c);

	k = json_object_new_object();
	json_object_object_add(k, "release", json_object_new_string(u.release));
	json_object_object_add(k, "version", json_object_new_string(u.version));
	json_object_object_add(k, "machine", json_object_new_string(u.machine));
	{
		char *cmdline = fb_read_file("/proc/cmdline", 65536, NULL);

		if (cmdline)
			cmdline[strcspn(cmdline, "\n")] = '\0';
		json_object_object_add(k, "cmdline", cmdline ? json_object_new_string(cmdline) : NULL);
		free(cmdline);
	}
	json_object_object_add(k, "config", fb_kconfig_json(module_view));
	json_object_object_add(m, "kernel", k);
	json_object_object_add(m, "kernel_paths", fb_kpaths_json(cpu, fb_this_kboot()));

	o = json_object_new_object();
	json_object_object_add(o, "enabled", json_object_new_string(fb_thp_mode(buf, sizeof(buf))));
	json_object_object_add(o, "defrag", json_object_new_string(
		bracketed("/sys/kernel/mm/transparent_hugepage/defrag", buf, sizeof(buf))));
	if (read_line("/proc/sys/vm/nr_hugepages", buf, sizeof(buf)) == 0)
		json_object_object_add(o, "nr_hugepages_2M", json_object_new_int64(atoll(buf)));
	json_object_object_add(m, "thp", o);

	if (t) {
		json_object *llcs = json_object_new_array(), *nodes = json_object_new_array();

		json_object_object_add(m, "online_cpus", json_object_new_int(t->ncpus));
		json_object_object_add(m, "packages", json_object_new_int(t->npackages));
		json_object_object_add(m, "topology_source", json_object_new_string(t->source));
		for (int i = 0; i < t->nllc; i++) {
			json_object *l = json_object_new_object();

			json_object_object_add(l, "index", json_object_new_int(t->llc[i].index));
			json_object_object_add(l, "package", json_object_new_int(t->llc[i].package));
			json_object_object_add(l, "size", json_object_new_int64((int64_t)t->llc[i].size));
			json_object_object_add(l, "cpus", int_array(t->llc[i].cpus, t->llc[i].ncpus));
			json_object_array_add(llcs, l);
		}
		json_object_object_add(m, "llc_domains", llcs);
		for (int i = 0; i < t->nnodes; i++) {
			json_object *n = json_object_new_object();

			json_object_object_add(n, "id", json_object_new_int(t->node[i].id));
			json_object_object_add(n, "mem_total", json_object_new_int64(t->node[i].mem_total));
			json_object_object_add(n, "mem_free", json_object_new_int64(t->node[i].mem_free));
			json_object_object_add(n, "cpus", int_array(t->node[i].cpus, t->node[i].ncpus));
			json_object_object_add(n, "memory_only", json_object_new_boolean(!t->node[i].ncpus));
			json_object_array_add(nodes, n);
		}
		json_object_object_add(m, "numa_nodes", nodes);
	}
	return m;
}

void fb_machine_print(FILE *f, const struct fb_cpu *cpu, const struct fb_topology *t)
{
	struct utsname u;
	char buf[64];

	uname(&u);
	fprintf(f, "host       %s\n", u.nodename);
	fprintf(f, "kernel     %s %s\n", u.release, u.machine);
	fprintf(f, "cpu        %s (%s family 0x%x model 0x%x stepping %u)\n", cpu->name,
		cpu->vendor, cpu->family, cpu->model, cpu->stepping);
	if (cpu->flag[FB_F_HYPERVISOR])
		fprintf(f, "hypervisor %s: CPUID bits may be hidden or changed by the VM's CPU model\n",
			cpu->hypervisor[0] ? cpu->hypervisor : "present");
	fprintf(f, "flags     ");
	for (int i = 0; i < FB_F_COUNT; i++)
		if (i != FB_F_HYPERVISOR)
			fprintf(f, " %s%s", cpu->flag[i] ? "+" : "-", fb_cpu_flag_name(i));
	fprintf(f, "\nthp        %s\n", fb_thp_mode(buf, sizeof(buf)));
	if (!t)
		return;
	fprintf(f, "topology   %d CPUs, %d package(s), %d LLC domain(s) [%s]\n", t->ncpus,
		t->npackages, t->nllc, t->source);
	for (int i = 0; i < t->nllc; i++) {
		char list[512], sz[16];

		fb_cpulist_format(t->llc[i].cpus, t->llc[i].ncpus, list, sizeof(list));
		fprintf(f, "  llc %-3d  package %d  %s  cpus %s\n", i, t->llc[i].package,
			t->llc[i].size ? fb_size_str(t->llc[i].size, sz, sizeof(sz)) : "?", list);
	}
	for (int i = 0; i < t->nnodes; i++) {
		char list[512];

		fb_cpulist_format(t->node[i].cpus, t->node[i].ncpus, list, sizeof(list));
		fprintf(f, "  node %-2d  %.1f GiB total, %.1f GiB free  cpus %s\n", t->node[i].id,
			t->node[i].mem_total / 1073741824.0, t->node[i].mem_free / 1073741824.0,
			t->node[i].ncpus ? list : "none (memory-only)");
	}
}
