// SPDX-License-Identifier: GPL-2.0
/*
 * fb_abi_test: the info and kernel commands (INFO; baseline vs patched
 * kernel).
 */
#include "fb_abi_test.h"

/* ---- info ---- */

static int release_at_least(const char *rel, int major, int minor)
{
	int ma = 0, mi = 0;

	if (sscanf(rel, "%d.%d", &ma, &mi) != 2)
		return -1;
	return ma > major || (ma == major && mi >= minor);
}

/* Whether the first "flags" line of /proc/cpuinfo has word: 1, 0, -1. */
static int cpuinfo_flag(const char *word)
{
	static char line[16384];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p;

		if (strncmp(line, "flags", 5))
			continue;
		ret = 0;
		for (p = strtok(strchr(line, ':'), ": \t\n"); p;
		     p = strtok(NULL, " \t\n"))
			if (!strcmp(p, word))
				ret = 1;
		break;
	}
	fclose(f);
	return ret;
}

static const char *known_path(const char *path)
{
	return path[0] && strcmp(path, "unknown") ? path : NULL;
}

/* INFO's view of the running kernel's copy paths (ABI 2). */
static void info_kernel_view(int new_kernel, int old_kernel)
{
	static const struct {
		const char *name;	/* as /proc/cpuinfo shows it */
		uint32_t bit;
	} bits[] = {
		{ "fsrm", FOLIOBENCH_KF_FSRM },
		{ "erms", FOLIOBENCH_KF_ERMS },
		{ "rep_good", FOLIOBENCH_KF_REP_GOOD },
	};
	unsigned int i;

#ifndef __x86_64__
	tap(!info.kflags_known && !info.memcpy_path[0],
	    "INFO has no x86 kernel view off x86");
	return;
#endif
	diag("kernel flags 0x%x known 0x%x kconfig 0x%x", info.kflags,
	     info.kflags_known, info.kconfig);
	diag("memcpy %s (%s)", info.memcpy_path, info.memcpy_how);
	diag("copy_page %s (%s)", info.copy_page_path, info.copy_page_how);
	diag("copy_mc_to_kernel %s (%s)", info.copy_mc_path, info.copy_mc_how);
	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		int shown = cpuinfo_flag(bits[i].name);

		tap((info.kflags_known & bits[i].bit) &&
		    shown == !!(info.kflags & bits[i].bit),
		    "INFO boot_cpu_has(%s) %s, /proc/cpuinfo %s", bits[i].name,
		    info.kflags & bits[i].bit ? "set" : "clear",
		    shown < 0 ? "unreadable" : shown ? "shows it" : "does not");
	}
	if (new_kernel || old_kernel)
		tap(!!(info.kflags_known & FOLIOBENCH_KF_FSRS) == new_kernel,
		    "INFO FSRS %s on %s", info.kflags_known & FOLIOBENCH_KF_FSRS ?
		    "known" : "unknown (no such feature)", info.release);
	tap(known_path(info.memcpy_path) && known_path(info.copy_page_path),
	    "INFO memcpy runs %s, copy_page %s", info.memcpy_path,
	    info.copy_page_path);
	tap(known_path(info.copy_mc_path) &&
	    (info.kflags_known & FOLIOBENCH_KF_MC_FRAGILE) &&
	    !!(info.kflags & FOLIOBENCH_KF_MC_FRAGILE) ==
	    !strcmp(info.copy_mc_path, "copy_mc_fragile"),
	    "INFO copy_mc_to_kernel runs %s, fragile key %s",
	    info.copy_mc_path, info.kflags & FOLIOBENCH_KF_MC_FRAGILE ?
	    "on" : "off");
	/* the module's build config: Debian's 6.1 and 6.12 are voluntary
	 * preemption with PREEMPT_DYNAMIC, SPARSEMEM_VMEMMAP, no KASAN */
	tap((info.kconfig & FOLIOBENCH_KC_SPARSEMEM_VMEMMAP) &&
	    !(info.kconfig & FOLIOBENCH_KC_KASAN) &&
	    !!(info.kconfig & FOLIOBENCH_KC_PREEMPT_DYNAMIC) +
	    !!(info.kconfig & FOLIOBENCH_KC_PREEMPT_NONE) +
	    !!(info.kconfig & FOLIOBENCH_KC_PREEMPT_VOLUNTARY) +
	    !!(info.kconfig & FOLIOBENCH_KC_PREEMPT) >= 1,
	    "INFO kconfig 0x%x: SPARSEMEM_VMEMMAP, no KASAN, a preemption model",
	    info.kconfig);
}

void cmd_info(const char *arg)
{
	struct utsname u;
	uint32_t i, online = 0, bad = 0;
	int new_kernel, old_kernel;

	uname(&u);
	tap(info.abi_version == FOLIOBENCH_ABI_VERSION &&
	    info.struct_size == sizeof(info),
	    "INFO abi_version %u struct_size %u", info.abi_version,
	    info.struct_size);
	tap(!strcmp(info.release, u.release), "INFO release '%s' is uname -r",
	    info.release);
	tap(info.nr_funcs == 10, "INFO has %u functions", info.nr_funcs);
	for (i = 0; i < info.nr_funcs && i < FOLIOBENCH_MAX_FUNCS; i++)
		diag("function %s (%s, batch_impl %u): %s, per-folio copy %s: %s",
		     info.funcs[i].name, mode_name(info.funcs[i].batched),
		     info.funcs[i].batch_impl, impl_name(info.funcs[i].impl),
		     impl_name(info.funcs[i].inner_impl), info.funcs[i].desc);
	/* the batched variants: folio_copy only, the module's own code */
	for (i = FOLIOBENCH_BATCH_COPY_PAGE; i < FOLIOBENCH_NR_BATCH_IMPLS; i++) {
		const struct foliobench_func_info *fi =
			func_variant(FOLIOBENCH_FUNC_FOLIO_COPY, 1, i);

		tap(fi && fi->impl == FOLIOBENCH_IMPL_MODULE &&
		    !func_variant(FOLIOBENCH_FUNC_FOLIO_MC_COPY, 1, i) &&
		    !func_variant(FOLIOBENCH_FUNC_FOLIO_COPY, 0, i),
		    "INFO batched variant %s: folio_copy only, %s (%s)",
		    batch_impl_names[i], fi ? impl_name(fi->impl) : "absent",
		    fi ? fi->desc : "?");
	}

	/* 6.12 exports folio_copy and folio_mc_copy; 6.1 neither */
	new_kernel = release_at_least(info.release, 6, 12) == 1;
	old_kernel = release_at_least(info.release, 6, 2) == 0;
	for (i = 0; i < 2; i++) {
		const struct foliobench_func_info *fi = func_info(i, 0);
		const char *name = i ? "folio_mc_copy" : "folio_copy";

		if (!fi) {
			tap(false, "INFO has %s", name);
		} else if (new_kernel || old_kernel) {
			uint32_t batched_bit = i ? FOLIOBENCH_KP_BATCHED_FOLIO_MC_COPY :
					       FOLIOBENCH_KP_BATCHED_FOLIO_COPY;
			/* a patched kernel's export is batched: module loop */
			uint32_t want = new_kernel &&
					!(info.kernel_patches & batched_bit) ?
					FOLIOBENCH_IMPL_NATIVE :
					FOLIOBENCH_IMPL_REIMPL;

			tap(fi->impl == want && !strcmp(fi->name, name) &&
			    (want == FOLIOBENCH_IMPL_NATIVE ||
			     strstr(fi->desc, "reimplementation") ||
			     strstr(fi->desc, "per-page loop")),
			    "INFO %s is %s on %s", name, impl_name(fi->impl),
			    info.release);
		} else {
			skip("no expectation for this kernel", "INFO %s is %s",
			     name, impl_name(fi->impl));
		}
	}
	for (i = 0; i < 2; i++) {
		const struct foliobench_func_info *fi = func_info(i, 1);

		tap(fi && fi->impl == FOLIOBENCH_IMPL_MODULE,
		    "INFO batched %s is the module's RFC helper",
		    fi ? fi->name : "?");
	}
	for (i = 0; i < 2; i++) {
		const struct foliobench_func_info *fi =
			func_info(FOLIOBENCH_FUNC_FOLIOS_MC_COPY, i);
		const struct foliobench_func_info *mc =
			func_info(FOLIOBENCH_FUNC_FOLIO_MC_COPY, i);

		tap(fi && mc && fi->impl == FOLIOBENCH_IMPL_MODULE &&
		    fi->inner_impl == mc->impl,
		    "INFO list copy %s runs over %s", mode_name(i),
		    mc ? impl_name(mc->impl) : "?");
	}

	for (i = 0; i < info.nr_cpu_ids && i < MAX_CPUS; i++) {
		if (llc_ids[i] == FOLIOBENCH_LLC_NONE)
			continue;
		online++;
		diag("cpu %u llc %u", i, llc_ids[i]);
	}
	tap(online == info.nr_online_cpus &&
	    info.nr_online_cpus == (uint32_t)sysconf(_SC_NPROCESSORS_ONLN),
	    "INFO %u online CPUs, %u with an LLC id", info.nr_online_cpus,
	    online);
	tap(info.nr_online_nodes == nodes, "INFO %u online nodes",
	    info.nr_online_nodes);
	tap(info.page_size == (uint32_t)sysconf(_SC_PAGESIZE) &&
	    info.max_order >= 9 && info.max_order <= 10,
	    "INFO page_size %u max_order %u", info.page_size, info.max_order);
	tap(info.cap_pct == 50 && info.fail_folio_index == -1,
	    "INFO cap_pct %u fail_folio_index %d (defaults)", info.cap_pct,
	    info.fail_folio_index);
	tap(info.flags & FOLIOBENCH_INFO_F_EVICT, "INFO evict supported");
	diag("hypervisor %s, %u DMA_MEMCPY channels",
	     info.flags & FOLIOBENCH_INFO_F_HYPERVISOR ? "yes" : "no",
	     info.nr_dma_chans);
	for (i = 0; i < info.nr_dma_chans && i < FOLIOBENCH_MAX_DMA_CHANS; i++)
		diag("dma %s on %s", info.dma[i].chan, info.dma[i].dev);

	info_kernel_view(new_kernel, old_kernel);

	/* LLC ids only for CPU ids asked for */
	memset(llc_ids, 0xab, sizeof(llc_ids));
	info.llc_ids_len = 1;
	if (ioctl(fd, FOLIOBENCH_IOC_INFO, &info))
		bad++;
	if (llc_ids[1] != 0xabababab)
		bad++;
	tap(!bad, "INFO writes only llc_ids_len entries");
	get_info(&info);
}


/* ---- kernel: baseline vs patched kernel, FOLIOBENCH_KERNEL_MODE ---- */

void cmd_kernel(const char *arg)
{
	const uint32_t batched_bits = FOLIOBENCH_KP_BATCHED_FOLIO_COPY |
				      FOLIOBENCH_KP_BATCHED_FOLIO_MC_COPY;
	bool patched = !strcmp(arg, "patched");
	bool exported = release_at_least(info.release, 6, 12) == 1;
	struct foliobench_run r;
	const char *why;
	uint32_t f;
	int err;

	if (!patched && strcmp(arg, "baseline")) {
		tap(false, "kernel %s: expected baseline or patched", arg);
		return;
	}
	diag("INFO kernel_patches %#x", info.kernel_patches);
	tap(patched ? (info.kernel_patches & batched_bits) == batched_bits :
		      info.kernel_patches == 0,
	    "INFO kernel_patches %#x says a %s kernel", info.kernel_patches,
	    arg);
	for (f = 0; f < 2; f++) {
		const struct foliobench_func_info *pp = func_info(f, 0);
		const struct foliobench_func_info *k =
			func_info(f, FOLIOBENCH_KERNEL_MODE);
		const char *name = f ? "folio_mc_copy" : "folio_copy";
		const char *label = patched ? "batched by this kernel" :
					      "per page by this kernel";

		if (!pp || !k) {
			tap(false, "INFO has %s per-page and kernel mode", name);
			continue;
		}
		tap(!patched || (pp->impl == FOLIOBENCH_IMPL_REIMPL &&
				 strstr(pp->desc, "per-page loop")),
		    "%s per-page is %s: %s", name, impl_name(pp->impl),
		    pp->desc);
		if (!exported) {
			tap(k->impl == FOLIOBENCH_IMPL_UNAVAILABLE,
			    "%s kernel mode is unavailable on %s (not exported)",
			    name, info.release);
			run_init(&r);
			r.func = f;
			r.batched = FOLIOBENCH_KERNEL_MODE;
			err = run(&r);
			tap(err == EOPNOTSUPP &&
			    r.bad_field == FOLIOBENCH_FIELD_BATCHED,
			    "RUN %s kernel mode: EOPNOTSUPP, bad_field batched (errno %d, bad_field %u)",
			    name, err, r.bad_field);
			continue;
		}
		tap(k->impl == FOLIOBENCH_IMPL_NATIVE && strstr(k->desc, label),
		    "%s kernel mode is '%s'", name, k->desc);
		run_init(&r);
		r.func = f;
		r.batched = FOLIOBENCH_KERNEL_MODE;
		r.nr_threads = info.nr_online_cpus > 1 ? 2 : 1;
		r.split = FOLIOBENCH_SPLIT_AUTO;
		r.nr_folios = 1;	/* fewer than threads: still whole */
		err = run(&r);
		why = run_problem(&r, err);
		tap(!why && !strcmp(r.func_name, name) &&
		    strstr(r.func_desc, label) &&
		    r.split_used == FOLIOBENCH_SPLIT_FOLIO &&
		    r.impl == FOLIOBENCH_IMPL_NATIVE,
		    "RUN %s kernel mode verifies, whole folios, '%s' (%s)",
		    name, r.func_desc, why ? why : "ok");
		run_init(&r);
		r.func = f;
		r.batched = FOLIOBENCH_KERNEL_MODE;
		r.split = FOLIOBENCH_SPLIT_CHUNK;
		err = run(&r);
		tap(err == EINVAL && r.bad_field == FOLIOBENCH_FIELD_SPLIT,
		    "RUN %s kernel mode with split chunk: EINVAL split (errno %d, bad_field %u)",
		    name, err, r.bad_field);
	}
	run_init(&r);
	r.func = FOLIOBENCH_FUNC_FOLIOS_MC_COPY;
	r.batched = FOLIOBENCH_KERNEL_MODE;
	err = run(&r);
	tap(err == EINVAL && r.bad_field == FOLIOBENCH_FIELD_BATCHED,
	    "RUN list copy in kernel mode: EINVAL batched (errno %d, bad_field %u)",
	    err, r.bad_field);
}
