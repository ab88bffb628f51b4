#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kpath.h"
#include "machine.h"
#include "memory.h"
#include "util.h"

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

json_object *fb_machine_json(const struct fb_cpu *cpu, const struct fb_topology *t)
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
