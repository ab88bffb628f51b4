// SPDX-License-Identifier: GPL-2.0
/*
 * fb_abi_test: exercises /dev/foliobench (kmod-bench) through its ioctls and
 * prints TAP lines. Meant for the VM guests of tests/vm, as root, with
 * foliobench.ko loaded (and, for the dma commands, the TEST ONLY provider
 * fb_test_dma.ko). Build it static (kmod-bench/tests/Makefile, abi-test):
 *   gcc -static -O2 -Wall -Wextra -Wno-unused-parameter -I kmod-bench/uapi
 *
 * usage: fb_abi_test [--tap-state FILE] [--nodes N] [--module NAME] COMMAND...
 *        fb_abi_test --cpuid-dump
 *   info       INFO: ABI, release, functions native/reimplemented, CPUs,
 *              the kernel's own copy paths and feature bits (against
 *              /proc/cpuinfo)
 *   cpu        RUN of every function, per page and batched, on 1 and 2
 *              threads, spread and fill, evict on/off, verify on; splits,
 *              orders, CPU lists, warmup; node 0->1, 1->0 with --nodes 2
 *   timing     worker start/end times: a 2-thread sample is max(end) -
 *              min(start); the inline mode on the pinned caller; a moved
 *              caller fails the run (EAGAIN, CPU_MOVED)
 *   hotplug    a CPU taken offline during a 2-thread run fails it
 *   zones      ZONE_MOVABLE: where a node's memory is movable (CXL-like)
 *              the folios come from it, the cap counts it; zones recorded
 *   list       the list copy's per-folio fallback (fail_folio_index; the
 *              test build fb_test_foliobench.ko: --module fb_test_foliobench)
 *   bad        every input out of range, ABI version, struct size, ioctls
 *   cap        a run over the memory cap; a partial allocation
 *   perm       open without CAP_SYS_ADMIN, and as nobody
 *   busy       EBUSY for a concurrent run; EINTR ends a run
 *   intr-alloc EINTR while the folios are allocated: flag INTERRUPTED
 *   dma-none   engine DMA without a provider: ENODEV
 *   dma N      engine DMA on 1..N channels of fb_test_dma (N loaded)
 *   dma-fail   fb_test_dma fail_desc: the CPU fallback and its count
 *   dma-skip   fb_test_dma skip_desc: verify catches an uncopied folio
 *   dma-stall  fb_test_dma stall_desc: the timeout and its fallback
 *   dma-mode M fb_test_dma loaded with mode=M (basic, dsa, ioat, ptdma):
 *              every mapping, interrupt and request choice verifies with 0
 *              CPU fallbacks, raw phases that sum to the sample, the right
 *              fallback count for fail_desc, channels near a node
 *   dma-quarantine M  mode dsa or ioat: stall_desc on a channel that
 *              cannot be terminated quarantines; DMA runs are refused
 *   dma-kill   mode dsa: a stalled run dies at SIGKILL, and quarantines
 *   kernel baseline|patched
 *              INFO.kernel_patches as expected (patched: the module was
 *              built against headers with the RFC's helpers), per-page
 *              entries labelled by what runs, RUN in FOLIOBENCH_KERNEL_MODE
 *              labelled "per page/batched by this kernel", its limits
 * --tap-state FILE holds the last TAP number, read at start and written at
 * exit, so that a shell script and this program can share one numbering.
 * --cpuid-dump prints this CPU's CPUID leaves in the format of `cpuid -r -1`
 * (for `foliobench info --cpuid-dump`) and exits; it needs no module.
 * Exit: 0 all passed, 1 a test failed, 2 usage or setup error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* syscall(), usleep() with -std=c11 */
#endif
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#ifdef __x86_64__
#include <cpuid.h>
#endif

#include "foliobench_uapi.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_ITERS	8
#define MAX_CPUS	8192

static int tap_n, tap_failed;
static unsigned int nodes = 1;
static struct foliobench_info info;
static uint32_t llc_ids[MAX_CPUS];
static uint64_t samples[MAX_ITERS];
static uint32_t cpus_used[64];
static uint64_t phases[MAX_ITERS][FOLIOBENCH_DMA_NR_PHASES];
static struct foliobench_worker_time wtimes[MAX_ITERS * 2];
static const char *module = "foliobench";	/* its /sys/module name */
static int fd = -1;

/* ---- TAP ---- */

static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!ok)
		tap_failed++;
}

static void skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("ok %d - ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* ---- helpers ---- */

static int write_param(const char *mod, const char *name, const char *val)
{
	char path[256];
	int pfd, ok;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", mod, name);
	pfd = open(path, O_WRONLY);
	if (pfd < 0)
		return -1;
	ok = write(pfd, val, strlen(val)) == (ssize_t)strlen(val);
	close(pfd);
	return ok ? 0 : -1;
}

static long read_param(const char *mod, const char *name)
{
	char path[256], buf[32];
	ssize_t n;
	int pfd;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", mod, name);
	pfd = open(path, O_RDONLY);
	if (pfd < 0)
		return -1;
	n = read(pfd, buf, sizeof(buf) - 1);
	close(pfd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

static int errno_of(int ret)
{
	return ret ? errno : 0;
}

static int get_info(struct foliobench_info *in)
{
	memset(in, 0, sizeof(*in));
	in->abi_version = FOLIOBENCH_ABI_VERSION;
	in->struct_size = sizeof(*in);
	in->llc_ids = (uintptr_t)llc_ids;
	in->llc_ids_len = MAX_CPUS;
	return errno_of(ioctl(fd, FOLIOBENCH_IOC_INFO, in));
}

static const struct foliobench_func_info *func_variant(uint32_t func,
						       uint32_t batched,
						       uint32_t batch_impl)
{
	uint32_t i;

	for (i = 0; i < info.nr_funcs && i < FOLIOBENCH_MAX_FUNCS; i++)
		if (info.funcs[i].func == func &&
		    info.funcs[i].batched == batched &&
		    info.funcs[i].batch_impl == batch_impl)
			return &info.funcs[i];
	return NULL;
}

static const struct foliobench_func_info *func_info(uint32_t func,
						    uint32_t batched)
{
	return func_variant(func, batched, FOLIOBENCH_BATCH_MEMCPY);
}

static const char *const batch_impl_names[] = {
	"memcpy", "copy_page", "rep_movsq"
};

static const char *impl_name(uint32_t impl)
{
	switch (impl) {
	case FOLIOBENCH_IMPL_NATIVE: return "native";
	case FOLIOBENCH_IMPL_REIMPL: return "module-reimplementation";
	case FOLIOBENCH_IMPL_MODULE: return "module";
	default: return "unavailable";
	}
}

static const char *mode_name(uint32_t batched)
{
	return batched == FOLIOBENCH_KERNEL_MODE ? "kernel" :
	       batched ? "batched" : "per-page";
}

static void run_init(struct foliobench_run *r)
{
	memset(r, 0, sizeof(*r));
	r->abi_version = FOLIOBENCH_ABI_VERSION;
	r->struct_size = sizeof(*r);
	r->engine = FOLIOBENCH_ENGINE_CPU;
	r->order = 2;
	r->nr_folios = 8;
	r->nr_threads = 1;
	r->iterations = 2;
	r->verify = 1;
	r->samples = (uintptr_t)samples;
}

static void dma_init(struct foliobench_run *r, uint32_t chans)
{
	run_init(r);
	r->engine = FOLIOBENCH_ENGINE_DMA;
	r->nr_threads = 0;
	r->nr_dma_chans = chans;
}

static int run(struct foliobench_run *r)
{
	memset(samples, 0, sizeof(samples));
	memset(phases, 0, sizeof(phases));
	memset(cpus_used, 0xff, sizeof(cpus_used));
	return errno_of(ioctl(fd, FOLIOBENCH_IOC_RUN, r));
}

/* NULL when a run that should have succeeded did; else what is wrong. */
static const char *run_problem(const struct foliobench_run *r, int err)
{
	static char why[256];
	uint32_t i;

	if (err) {
		snprintf(why, sizeof(why), "errno %d %s, bad_field %u, flags %#x",
			 err, strerror(err), r->bad_field, r->flags);
		return why;
	}
	if (r->iterations_done != r->iterations) {
		snprintf(why, sizeof(why), "iterations_done %u of %u",
			 r->iterations_done, r->iterations);
		return why;
	}
	if (r->folios_obtained != r->nr_folios) {
		snprintf(why, sizeof(why), "folios_obtained %u of %u",
			 r->folios_obtained, r->nr_folios);
		return why;
	}
	if (r->verify && !(r->flags & FOLIOBENCH_RUN_F_VERIFIED))
		return "not verified";
	if (r->mismatch_folio != FOLIOBENCH_NO_FOLIO)
		return "mismatch_folio set";
	if (r->bytes_per_iteration !=
	    ((uint64_t)r->nr_folios * info.page_size) << r->order)
		return "bytes_per_iteration wrong";
	for (i = 0; i < r->iterations && i < MAX_ITERS; i++) {
		if (!samples[i]) {
			snprintf(why, sizeof(why), "sample %u is 0", i);
			return why;
		}
	}
	if (!r->func_name[0] || !r->func_desc[0])
		return "no func_name/func_desc";
	return NULL;
}

/* CPU engine outputs: impl, split, workers, the CPUs they ran on. */
static const char *cpu_problem(const struct foliobench_run *r,
			       uint32_t want_split, uint32_t want_active)
{
	const struct foliobench_func_info *fi =
		func_variant(r->func, r->batched, r->batch_impl);
	static char why[256];
	uint32_t i, j, want_impl;

	if (!fi)
		return "function not in INFO";
	if (strcmp(r->func_name, fi->name))
		return "func_name differs from INFO";
	want_impl = fi->impl;
	if (want_split == FOLIOBENCH_SPLIT_CHUNK && !r->batched)
		want_impl = FOLIOBENCH_IMPL_REIMPL;
	if (r->impl != want_impl) {
		snprintf(why, sizeof(why), "impl %s, expected %s",
			 impl_name(r->impl), impl_name(want_impl));
		return why;
	}
	if (r->split_used != want_split) {
		snprintf(why, sizeof(why), "split_used %u, expected %u",
			 r->split_used, want_split);
		return why;
	}
	if (r->threads_active != want_active) {
		snprintf(why, sizeof(why), "threads_active %u, expected %u",
			 r->threads_active, want_active);
		return why;
	}
	for (i = 0; i < r->nr_threads; i++) {
		if (cpus_used[i] >= info.nr_cpu_ids ||
		    llc_ids[cpus_used[i]] == FOLIOBENCH_LLC_NONE)
			return "cpus_used has an offline CPU";
		for (j = 0; j < i; j++)
			if (cpus_used[i] == cpus_used[j])
				return "cpus_used has a CPU twice";
	}
	if (r->dma_chans_used || r->dma_fallbacks || r->list_fallbacks)
		return "DMA or list counters set";
	return NULL;
}

static int open_dev(void)
{
	fd = open(FOLIOBENCH_DEVICE, O_RDWR);
	if (fd < 0) {
		tap(false, "open %s: %s", FOLIOBENCH_DEVICE, strerror(errno));
		return -1;
	}
	if (get_info(&info)) {
		tap(false, "INFO: %s", strerror(errno));
		return -1;
	}
	return 0;
}

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

static void cmd_info(const char *arg)
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

/* ---- cpu ---- */

static void cpu_case(struct foliobench_run *r, uint32_t want_split,
		     uint32_t want_active, const char *what)
{
	const char *why;
	int err;

	r->cpus_used = (uintptr_t)cpus_used;
	err = run(r);
	why = run_problem(r, err);
	if (!why)
		why = cpu_problem(r, want_split, want_active);
	tap(!why, "RUN %s %s %s%s%s", r->func_name[0] ? r->func_name : "?",
	    mode_name(r->batched), what, why ? ": " : "", why ? why : "");
}

static void cmd_cpu(const char *arg)
{
	static const char * const places[] = { "spread", "fill", "list" };
	static const char * const evicts[] = { "none", "src", "both" };
	uint32_t max_threads = info.nr_online_cpus < 2 ? 1 : 2;
	struct foliobench_run r;
	uint32_t f, b, t, p, e, k;
	char what[160];

	/* every function x mode x threads x spread|fill x evict none|both */
	for (k = 0; k < FOLIOBENCH_NR_FUNCS * 2 * max_threads * 2 * 2; k++) {
		f = k / (2 * max_threads * 2 * 2);
		b = k / (max_threads * 2 * 2) % 2;
		t = k / (2 * 2) % max_threads + 1;
		p = k / 2 % 2 ? FOLIOBENCH_PLACE_FILL : FOLIOBENCH_PLACE_SPREAD;
		e = k % 2 ? FOLIOBENCH_EVICT_BOTH : FOLIOBENCH_EVICT_NONE;
		run_init(&r);
		r.func = f;
		r.batched = b;
		r.nr_threads = t;
		r.placement = p;
		r.evict = e;
		snprintf(what, sizeof(what), "threads=%u %s evict=%s verify",
			 t, places[p], evicts[e]);
		cpu_case(&r, FOLIOBENCH_SPLIT_FOLIO, t, what);
	}
	if (max_threads < 2)
		skip("one CPU", "RUN with 2 threads");

	/* mtcopy's chunk split: fewer folios than threads */
	for (f = 0; f < 2 && max_threads == 2; f++) {
		for (b = 0; b < 2; b++) {
			run_init(&r);
			r.func = f;
			r.batched = b;
			r.nr_folios = 1;
			r.nr_threads = 2;
			cpu_case(&r, FOLIOBENCH_SPLIT_CHUNK, 2,
				 "1 folio threads=2 split=auto gives chunks");
		}
	}
	if (max_threads == 2) {
		run_init(&r);
		r.nr_threads = 2;
		r.split = FOLIOBENCH_SPLIT_CHUNK;
		r.order = 0;
		cpu_case(&r, FOLIOBENCH_SPLIT_CHUNK, 1,
			 "order 0 split=chunk: one page, one worker");
		run_init(&r);
		r.batched = 1;
		r.nr_threads = 2;
		r.split = FOLIOBENCH_SPLIT_CHUNK;
		cpu_case(&r, FOLIOBENCH_SPLIT_CHUNK, 2, "8 folios split=chunk");
		run_init(&r);
		r.nr_folios = 1;
		r.nr_threads = 2;
		r.split = FOLIOBENCH_SPLIT_FOLIO;
		cpu_case(&r, FOLIOBENCH_SPLIT_FOLIO, 1,
			 "1 folio threads=2 split=folio: one worker idle");
		run_init(&r);
		r.func = FOLIOBENCH_FUNC_FOLIOS_MC_COPY;
		r.nr_folios = 1;
		r.nr_threads = 2;
		cpu_case(&r, FOLIOBENCH_SPLIT_FOLIO, 1,
			 "1 folio threads=2 split=auto: list copy keeps folios");

		/* an explicit CPU list, in the order given */
		for (k = 0; k < 2; k++) {
			uint32_t list[2] = { 1 - k, k };

			run_init(&r);
			r.nr_threads = 2;
			r.placement = FOLIOBENCH_PLACE_LIST;
			r.cpu_list = (uintptr_t)list;
			snprintf(what, sizeof(what), "cpu list %u,%u", list[0],
				 list[1]);
			cpu_case(&r, FOLIOBENCH_SPLIT_FOLIO, 2, what);
			tap(cpus_used[0] == list[0] && cpus_used[1] == list[1],
			    "cpus_used is the cpu list %u,%u (got %u,%u)",
			    list[0], list[1], cpus_used[0], cpus_used[1]);
		}
	}

	/*
	 * The batched variants, data compared (verify): 1 and 2 threads,
	 * the chunk split (copy_page gets whole pages), orders 0 and 9.
	 */
	for (k = FOLIOBENCH_BATCH_COPY_PAGE; k < FOLIOBENCH_NR_BATCH_IMPLS; k++) {
		for (t = 1; t <= max_threads; t++) {
			run_init(&r);
			r.batched = 1;
			r.batch_impl = k;
			r.nr_threads = t;
			r.evict = FOLIOBENCH_EVICT_SRC;
			snprintf(what, sizeof(what),
				 "batch_impl=%s threads=%u evict=src verify",
				 batch_impl_names[k], t);
			cpu_case(&r, FOLIOBENCH_SPLIT_FOLIO, t, what);
		}
		if (max_threads == 2) {
			run_init(&r);
			r.batched = 1;
			r.batch_impl = k;
			r.nr_folios = 1;
			r.nr_threads = 2;
			r.order = 0;
			r.split = FOLIOBENCH_SPLIT_CHUNK;
			cpu_case(&r, FOLIOBENCH_SPLIT_CHUNK,
				 k == FOLIOBENCH_BATCH_COPY_PAGE ? 1 : 2,
				 k == FOLIOBENCH_BATCH_COPY_PAGE ?
				 "batch_impl=copy_page order 0 split=chunk: one page, one worker" :
				 "batch_impl=rep_movsq order 0 split=chunk: two workers");
			run_init(&r);
			r.batched = 1;
			r.batch_impl = k;
			r.nr_folios = 1;
			r.nr_threads = 2;
			snprintf(what, sizeof(what),
				 "batch_impl=%s 1 folio threads=2 chunks",
				 batch_impl_names[k]);
			cpu_case(&r, FOLIOBENCH_SPLIT_CHUNK, 2, what);
		}
		if (info.max_order >= 9) {
			run_init(&r);
			r.batched = 1;
			r.batch_impl = k;
			r.order = 9;
			r.nr_folios = 4;
			snprintf(what, sizeof(what), "batch_impl=%s order 9 x 4",
				 batch_impl_names[k]);
			cpu_case(&r, FOLIOBENCH_SPLIT_FOLIO, 1, what);
		}
	}

	/* folio orders, warmup, more iterations */
	for (k = 0; k < 3; k++) {
		static const uint32_t orders[] = { 0, 9, 10 };
		static const uint32_t counts[] = { 16, 4, 2 };

		if (orders[k] > info.max_order)
			continue;
		for (b = 0; b < 2; b++) {
			run_init(&r);
			r.func = FOLIOBENCH_FUNC_FOLIO_MC_COPY;
			r.batched = b;
			r.order = orders[k];
			r.nr_folios = counts[k];
			r.evict = FOLIOBENCH_EVICT_SRC;
			snprintf(what, sizeof(what), "order %u x %u evict=src",
				 orders[k], counts[k]);
			cpu_case(&r, FOLIOBENCH_SPLIT_FOLIO, 1, what);
		}
	}
	run_init(&r);
	r.warmup = 2;
	r.iterations = 3;
	cpu_case(&r, FOLIOBENCH_SPLIT_FOLIO, 1, "warmup=2 iterations=3");
	run_init(&r);
	r.gfp_movable = 1;
	cpu_case(&r, FOLIOBENCH_SPLIT_FOLIO, 1, "gfp_movable=1");
	run_init(&r);
	r.verify = 0;
	cpu_case(&r, FOLIOBENCH_SPLIT_FOLIO, 1, "verify=0");
	tap(!(r.flags & FOLIOBENCH_RUN_F_VERIFIED),
	    "verify=0 does not claim VERIFIED");

	/* across nodes */
	if (nodes < 2) {
		skip("one node", "RUN node 0->1 and 1->0");
		return;
	}
	for (k = 0; k < 3; k++) {
		static const uint32_t src[] = { 0, 1, 1 }, dst[] = { 1, 0, 1 };

		for (f = 0; f < FOLIOBENCH_NR_FUNCS; f++) {
			for (b = 0; b < 2; b++) {
				run_init(&r);
				r.func = f;
				r.batched = b;
				r.src_node = src[k];
				r.dst_node = dst[k];
				r.nr_threads = max_threads;
				r.evict = FOLIOBENCH_EVICT_SRC;
				snprintf(what, sizeof(what),
					 "node %u->%u threads=%u evict=src",
					 src[k], dst[k], max_threads);
				cpu_case(&r, FOLIOBENCH_SPLIT_FOLIO,
					 max_threads, what);
			}
		}
		for (b = FOLIOBENCH_BATCH_COPY_PAGE; b < FOLIOBENCH_NR_BATCH_IMPLS; b++) {
			run_init(&r);
			r.batched = 1;
			r.batch_impl = b;
			r.src_node = src[k];
			r.dst_node = dst[k];
			r.nr_threads = max_threads;
			snprintf(what, sizeof(what),
				 "batch_impl=%s node %u->%u threads=%u",
				 batch_impl_names[b], src[k], dst[k],
				 max_threads);
			cpu_case(&r, FOLIOBENCH_SPLIT_FOLIO, max_threads, what);
		}
	}
}

/* ---- timing: worker times, the inline mode ---- */

static int pin_to(uint32_t cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static void unpin(void)
{
	cpu_set_t set;
	uint32_t i;

	CPU_ZERO(&set);
	for (i = 0; i < info.nr_cpu_ids && i < CPU_SETSIZE; i++)
		CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/*
 * NULL when every timed sample of @r is max(end) - min(start) of its
 * workers, each active worker has times on its cpus_used CPU and the
 * workers' bytes add up to the iteration; idle entries are 0.
 */
static const char *times_problem(const struct foliobench_run *r)
{
	static char why[256];
	uint32_t i, w, n = r->nr_threads;

	for (i = 0; i < r->iterations_done && i < MAX_ITERS; i++) {
		uint64_t lo = UINT64_MAX, hi = 0, bytes = 0;

		for (w = 0; w < n; w++) {
			const struct foliobench_worker_time *t = &wtimes[i * n + w];

			if (w >= r->threads_active) {
				if (t->start_ns || t->end_ns || t->bytes || t->cpu)
					return "an idle worker has times";
				continue;
			}
			if (!t->start_ns || t->end_ns < t->start_ns) {
				snprintf(why, sizeof(why),
					 "iteration %u worker %u: start %llu end %llu",
					 i, w, (unsigned long long)t->start_ns,
					 (unsigned long long)t->end_ns);
				return why;
			}
			if (t->cpu != cpus_used[w]) {
				snprintf(why, sizeof(why),
					 "iteration %u worker %u ran on cpu %u, cpus_used %u",
					 i, w, t->cpu, cpus_used[w]);
				return why;
			}
			lo = t->start_ns < lo ? t->start_ns : lo;
			hi = t->end_ns > hi ? t->end_ns : hi;
			bytes += t->bytes;
		}
		if (samples[i] != hi - lo) {
			snprintf(why, sizeof(why),
				 "sample %u is %llu ns, max(end) - min(start) is %llu",
				 i, (unsigned long long)samples[i],
				 (unsigned long long)(hi - lo));
			return why;
		}
		if (bytes != r->bytes_per_iteration)
			return "worker bytes do not add up to the iteration";
	}
	return NULL;
}

static void timing_case(struct foliobench_run *r, const char *what)
{
	const char *why;
	int err;

	memset(wtimes, 0, sizeof(wtimes));
	r->worker_times = (uintptr_t)wtimes;
	r->cpus_used = (uintptr_t)cpus_used;
	err = run(r);
	why = run_problem(r, err);
	if (!why)
		why = times_problem(r);
	tap(!why, "RUN %s: %s", what, why ? why : "sample = max(end) - min(start)");
}

struct moved_report {
	int err;
	uint32_t done, flags;
};

/*
 * In a forked child: a RUN of FOLIOBENCH_MAX_ITERATIONS small iterations,
 * long enough for the parent to move the caller or offline a CPU under it;
 * writes what came back to fd out and exits.
 */
static void __attribute__((noreturn)) long_run_child(uint32_t inline_copy,
						     uint32_t threads, int out)
{
	uint64_t *s = calloc(FOLIOBENCH_MAX_ITERATIONS, sizeof(*s));
	struct moved_report mr = { .err = -1 };
	struct foliobench_run r;

	run_init(&r);
	r.inline_copy = inline_copy;
	r.nr_threads = threads;
	r.order = 0;
	r.nr_folios = 16;
	r.verify = 0;
	r.iterations = FOLIOBENCH_MAX_ITERATIONS;
	r.samples = (uintptr_t)s;
	mr.err = errno_of(ioctl(fd, FOLIOBENCH_IOC_RUN, &r));
	mr.done = r.iterations_done;
	mr.flags = r.flags;
	if (write(out, &mr, sizeof(mr)) != sizeof(mr))
		_exit(2);
	_exit(0);
}

static void cmd_timing(const char *arg)
{
	struct foliobench_run r;
	struct moved_report mr = { .err = -1 };
	uint32_t k, cpu;
	int rep[2], status, i;
	pid_t pid;

	if (info.nr_online_cpus < 2) {
		skip("one CPU", "RUN 2 threads: sample = max(end) - min(start)");
	} else {
		for (k = 0; k < 2; k++) {
			run_init(&r);
			r.nr_threads = 2;
			r.iterations = MAX_ITERS;
			r.split = k ? FOLIOBENCH_SPLIT_CHUNK : FOLIOBENCH_SPLIT_FOLIO;
			r.nr_folios = k ? 1 : 8;
			timing_case(&r, k ? "2 threads, chunks of 1 folio" :
				    "2 threads, 8 folios");
		}
		/* 3 folios on 2 threads: unequal blocks, bytes per worker */
		run_init(&r);
		r.nr_threads = 2;
		r.nr_folios = 3;
		timing_case(&r, "2 threads, 3 folios");
		tap(wtimes[0].bytes == 2 * wtimes[1].bytes,
		    "worker bytes of 3 folios on 2 threads: %llu and %llu",
		    (unsigned long long)wtimes[0].bytes,
		    (unsigned long long)wtimes[1].bytes);
		/* 1 folio split=folio: the second worker idle, all 0 */
		run_init(&r);
		r.nr_threads = 2;
		r.nr_folios = 1;
		r.split = FOLIOBENCH_SPLIT_FOLIO;
		timing_case(&r, "2 threads, 1 folio split=folio (one idle)");
	}

	/* inline: on the calling thread, pinned to the last online CPU */
	for (cpu = info.nr_cpu_ids; cpu-- > 0;)
		if (cpu < MAX_CPUS && llc_ids[cpu] != FOLIOBENCH_LLC_NONE)
			break;
	if (pin_to(cpu)) {
		tap(false, "pin to cpu %u: %s", cpu, strerror(errno));
		return;
	}
	for (k = 0; k < FOLIOBENCH_NR_FUNCS; k++) {
		char what[96];

		run_init(&r);
		r.func = k;
		r.inline_copy = 1;
		r.iterations = MAX_ITERS;
		snprintf(what, sizeof(what), "inline %s on the caller's cpu %u",
			 func_info(k, 0) ? func_info(k, 0)->name : "?", cpu);
		timing_case(&r, what);
		tap(cpus_used[0] == cpu && r.threads_active == 1,
		    "inline: cpus_used %u is the caller's cpu %u, 1 active",
		    cpus_used[0], cpu);
	}
	unpin();

	/* a caller moved to another CPU during an inline run: EAGAIN */
	if (info.nr_online_cpus < 2 || pipe(rep)) {
		skip("one CPU", "RUN inline, caller moved: EAGAIN");
		return;
	}
	pid = fork();
	if (!pid) {
		pin_to(0);
		long_run_child(1, 1, rep[1]);
	}
	usleep(300000);
	{
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(1, &set);
		sched_setaffinity(pid, sizeof(set), &set);
	}
	for (i = 0; i < 100 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(100000);
	if (i == 100) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	if (read(rep[0], &mr, sizeof(mr)) != sizeof(mr))
		mr.err = -1;
	tap(mr.err == EAGAIN && (mr.flags & FOLIOBENCH_RUN_F_CPU_MOVED) &&
	    mr.done < FOLIOBENCH_MAX_ITERATIONS,
	    "RUN inline, caller moved from cpu 0 to 1: errno %d after %u iterations, flags %#x",
	    mr.err, mr.done, mr.flags);
	close(rep[0]);
	close(rep[1]);
	run_init(&r);
	tap(!run_problem(&r, run(&r)), "RUN after the moved run works");
}

/* ---- hotplug: a CPU taken offline during a run ---- */

static int cpu_online_set(uint32_t cpu, int on)
{
	char path[96];
	int pfd, ok;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/online",
		 cpu);
	pfd = open(path, O_WRONLY);
	if (pfd < 0)
		return -1;
	ok = write(pfd, on ? "1" : "0", 1) == 1;
	close(pfd);
	return ok ? 0 : -1;
}

static void cmd_hotplug(const char *arg)
{
	struct moved_report mr = { .err = -1 };
	struct foliobench_run r;
	int rep[2], status;
	pid_t pid;

	if (info.nr_online_cpus < 2 || access("/sys/devices/system/cpu/cpu1/online", W_OK)) {
		skip("CPU 1 cannot go offline here", "RUN 2 threads, CPU 1 offline: EAGAIN");
		return;
	}
	if (pipe(rep)) {
		tap(false, "pipe: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (!pid) {
		long_run_child(0, 2, rep[1]);
	}
	usleep(300000);
	if (cpu_online_set(1, 0)) {
		tap(false, "offline cpu 1: %s", strerror(errno));
		kill(pid, SIGUSR1);
	}
	if (read(rep[0], &mr, sizeof(mr)) != sizeof(mr))
		mr.err = -1;
	waitpid(pid, &status, 0);
	tap(mr.err == EAGAIN && (mr.flags & FOLIOBENCH_RUN_F_CPU_MOVED) &&
	    mr.done < FOLIOBENCH_MAX_ITERATIONS,
	    "RUN 2 threads, cpu 1 taken offline: errno %d after %u iterations, flags %#x",
	    mr.err, mr.done, mr.flags);
	tap(!cpu_online_set(1, 1), "cpu 1 online again");
	close(rep[0]);
	close(rep[1]);
	get_info(&info);
	run_init(&r);
	r.nr_threads = 2;
	tap(!run_problem(&r, run(&r)) && info.nr_online_cpus >= 2,
	    "RUN 2 threads after cpu 1 came back works");
}

/* ---- zones: ZONE_MOVABLE ---- */

/* Pages of @node in zone @zone ("Movable", ...) in /proc/zoneinfo: @what */
static long zone_pages(unsigned int node, const char *zone, const char *what)
{
	char line[256], z[64];
	unsigned int n;
	long v = -1, x;
	bool in = false;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return -1;
	while (v < 0 && fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " ");

		if (sscanf(line, "Node %u, zone %63s", &n, z) == 2)
			in = n == node && !strcmp(z, zone);
		else if (in && !strncmp(p, what, strlen(what)) &&
			 sscanf(p + strlen(what), " %ld", &x) == 1)
			v = x;
	}
	fclose(f);
	return v;
}

static const char *zones_str(uint32_t z)
{
	static char buf[4][64];
	static int k;
	char *b = buf[k++ % 4];

	b[0] = '\0';
	if (z & FOLIOBENCH_ZONE_DMA) strcat(b, "DMA,");
	if (z & FOLIOBENCH_ZONE_DMA32) strcat(b, "DMA32,");
	if (z & FOLIOBENCH_ZONE_NORMAL) strcat(b, "Normal,");
	if (z & FOLIOBENCH_ZONE_HIGHMEM) strcat(b, "HighMem,");
	if (z & FOLIOBENCH_ZONE_MOVABLE) strcat(b, "Movable,");
	if (b[0])
		b[strlen(b) - 1] = '\0';
	else
		strcpy(b, "none");
	return b;
}

static void cmd_zones(const char *arg)
{
	static const char * const policies[] = { "auto", "on", "off" };
	unsigned int node, movable = 0, m = 0;
	struct foliobench_run r;
	const char *why;
	uint32_t p, k;
	int err;

	/* the default run: node 0 to 0, kernel zones, recorded */
	run_init(&r);
	err = run(&r);
	why = run_problem(&r, err);
	tap(!why && r.src_zones && r.dst_zones &&
	    !((r.src_zones | r.dst_zones) & ~0x1fU),
	    "RUN 0->0 records zones src %s dst %s%s%s", zones_str(r.src_zones),
	    zones_str(r.dst_zones), why ? ": " : "", why ? why : "");

	for (node = 0; node < nodes; node++) {
		long present = zone_pages(node, "Movable", "present");

		diag("node %u: Movable present %ld, Normal present %ld", node,
		     present, zone_pages(node, "Normal", "present"));
		if (present > 0 && !movable) {
			movable = 1;
			m = node;
		}
	}
	if (!movable) {
		/* no ZONE_MOVABLE: every policy gives the kernel's zones */
		for (p = 0; p < 3; p++) {
			run_init(&r);
			r.gfp_movable = p;
			r.src_node = nodes - 1;
			err = run(&r);
			why = run_problem(&r, err);
			tap(!why && !((r.src_zones | r.dst_zones) &
				      FOLIOBENCH_ZONE_MOVABLE),
			    "RUN gfp_movable=%s, no ZONE_MOVABLE here: zones %s, %s%s%s",
			    policies[p], zones_str(r.src_zones),
			    zones_str(r.dst_zones), why ? ": " : "",
			    why ? why : "");
		}
		return;
	}

	tap(zone_pages(m, "Movable", "managed") > 0,
	    "ZONE_MOVABLE: node %u's memory is in Movable (/proc/zoneinfo)", m);
	/* auto and on: the movable node's folios are in ZONE_MOVABLE */
	for (p = 0; p < 2; p++) {
		for (k = 0; k < 2; k++) {
			run_init(&r);
			r.gfp_movable = p;
			r.order = 9;
			r.nr_folios = 4;
			r.src_node = k ? m : 0;
			r.dst_node = k ? 0 : m;
			r.evict = FOLIOBENCH_EVICT_SRC;
			err = run(&r);
			why = run_problem(&r, err);
			if (!why && (k ? r.src_zones : r.dst_zones) !=
				    FOLIOBENCH_ZONE_MOVABLE)
				why = "node's folios not all in ZONE_MOVABLE";
			if (!why && m != 0 && p == FOLIOBENCH_MOVABLE_AUTO &&
			    ((k ? r.dst_zones : r.src_zones) &
			     FOLIOBENCH_ZONE_MOVABLE) &&
			    zone_pages(0, "Movable", "present") <= 0)
				why = "node 0 folios claim ZONE_MOVABLE";
			tap(!why, "ZONE_MOVABLE: RUN gfp_movable=%s node %u->%u verify: src %s, dst %s%s%s",
			    policies[p], r.src_node, r.dst_node,
			    zones_str(r.src_zones), zones_str(r.dst_zones),
			    why ? ": " : "", why ? why : "");
		}
	}
	/* 2 threads across the movable node, every function */
	for (k = 0; k < FOLIOBENCH_NR_FUNCS; k++) {
		run_init(&r);
		r.func = k;
		r.batched = 1;
		r.src_node = m;
		r.dst_node = m;
		r.nr_threads = info.nr_online_cpus < 2 ? 1 : 2;
		err = run(&r);
		why = run_problem(&r, err);
		tap(!why && r.src_zones == FOLIOBENCH_ZONE_MOVABLE &&
		    r.dst_zones == FOLIOBENCH_ZONE_MOVABLE,
		    "ZONE_MOVABLE: RUN %s batched node %u->%u threads=%u: zones %s/%s%s%s",
		    r.func_name, m, m, r.nr_threads, zones_str(r.src_zones),
		    zones_str(r.dst_zones), why ? ": " : "", why ? why : "");
	}
	/* off: the node has no kernel zone, so the cap is 0 */
	if (zone_pages(m, "Normal", "present") <= 0 &&
	    zone_pages(m, "DMA32", "present") <= 0 &&
	    zone_pages(m, "DMA", "present") <= 0) {
		run_init(&r);
		r.gfp_movable = FOLIOBENCH_MOVABLE_OFF;
		r.dst_node = m;
		err = run(&r);
		tap(err == ENOMEM && (r.flags & FOLIOBENCH_RUN_F_OVER_CAP) &&
		    !r.folios_obtained,
		    "ZONE_MOVABLE: RUN gfp_movable=off to node %u (only Movable): errno %d, over the cap",
		    m, err);
	}
}

/* ---- list: the per-folio fallback of the list copy ---- */

static void list_case(uint32_t batched, uint32_t threads, int fail,
		      uint64_t want)
{
	struct foliobench_run r;
	const char *why;
	char v[16];
	int err;

	snprintf(v, sizeof(v), "%d", fail);
	if (write_param(module, "fail_folio_index", v)) {
		tap(false, "set fail_folio_index=%d: %s", fail, strerror(errno));
		return;
	}
	run_init(&r);
	r.func = FOLIOBENCH_FUNC_FOLIOS_MC_COPY;
	r.batched = batched;
	r.nr_threads = threads;
	r.placement = FOLIOBENCH_PLACE_FILL;
	err = run(&r);
	why = run_problem(&r, err);
	if (!why && r.list_fallbacks != want)
		why = "list_fallbacks differs";
	if (!why && !!(r.flags & FOLIOBENCH_RUN_F_LIST_FALLBACK) != !!want)
		why = "flag LIST_FALLBACK wrong";
	if (!why && !!(r.flags & FOLIOBENCH_RUN_F_FAULT_INJECTED) !=
	    (fail >= 0 && (uint32_t)fail < r.nr_folios))
		why = "flag FAULT_INJECTED wrong";
	tap(!why, "RUN folios_mc_copy %s threads=%u fail_folio_index=%d: %llu fallbacks (want %llu)%s%s",
	    mode_name(batched), threads, fail,
	    (unsigned long long)r.list_fallbacks, (unsigned long long)want,
	    why ? ": " : "", why ? why : "");
}

static void cmd_list(const char *arg)
{
	/* 8 folios, 2 iterations; the batch stops at the failing folio */
	list_case(0, 1, 3, 2 * 5);
	list_case(1, 1, 3, 2 * 5);
	list_case(0, 1, 0, 2 * 8);
	list_case(1, 1, 7, 2 * 1);
	if (info.nr_online_cpus >= 2) {
		/* blocks 0-3 and 4-7: only the first worker falls back */
		list_case(0, 2, 3, 2 * 1);
		list_case(1, 2, 4, 2 * 4);
	}
	list_case(0, 1, 100, 0);
	list_case(0, 1, -1, 0);
	get_info(&info);
	tap(info.fail_folio_index == -1 &&
	    !(info.flags & FOLIOBENCH_INFO_F_FAULT_INJECT),
	    "fault injection off again");
}

/* ---- bad input ---- */

struct bad_case {
	const char *name;
	size_t off;			/* of a __u32 field, or a __u64 one */
	bool wide;
	uint64_t val;
	uint32_t field;			/* expected bad_field */
	bool dma;			/* on a DMA engine run */
	int err;			/* expected errno */
};

#define U32(f, v, id)	{ #f "=" #v, offsetof(struct foliobench_run, f), false, \
			  (v), FOLIOBENCH_FIELD_##id, false, EINVAL }
#define D32(f, v, id)	{ "dma " #f "=" #v, offsetof(struct foliobench_run, f), \
			  false, (v), FOLIOBENCH_FIELD_##id, true, EINVAL }
#define U64(f, v, id, e) { #f "=" #v, offsetof(struct foliobench_run, f), true, \
			   (v), FOLIOBENCH_FIELD_##id, false, (e) }

static void set_field(struct foliobench_run *r, const struct bad_case *c)
{
	char *p = (char *)r + c->off;

	if (c->wide)
		memcpy(p, &c->val, 8);
	else
		*(uint32_t *)p = (uint32_t)c->val;
}

static void cmd_bad(const char *arg)
{
	static uint32_t dup_list[2] = { 0, 0 }, far_list[2] = { 0, 9999 };
	const struct bad_case cases[] = {
		U32(func, 3, FUNC),
		U32(batched, FOLIOBENCH_KERNEL_MODE + 1, BATCHED),
		U32(batched, 0xffffffff, BATCHED),
		U32(engine, 2, ENGINE),
		U32(order, 11, ORDER),
		U32(order, 0xffffffff, ORDER),
		U32(nr_folios, 0, NR_FOLIOS),
		U32(nr_folios, FOLIOBENCH_MAX_FOLIOS + 1, NR_FOLIOS),
		U32(src_node, 1024, SRC_NODE),
		U32(src_node, 0xffffffff, SRC_NODE),
		U32(dst_node, 1024, DST_NODE),
		U32(gfp_movable, 3, GFP_MOVABLE),
		U32(reserved_cpu, 1, RESERVED),
		U32(inline_copy, 2, INLINE_COPY),
		U64(worker_times, 0xffff888000000000ULL, WORKER_TIMES, EFAULT),
		D32(inline_copy, 1, INLINE_COPY),
		{ "dma worker_times set",
		  offsetof(struct foliobench_run, worker_times), true, 4096,
		  FOLIOBENCH_FIELD_WORKER_TIMES, true, EINVAL },
		U32(nr_threads, 0, NR_THREADS),
		U32(nr_threads, 0xffffffff, NR_THREADS),
		U32(placement, 3, PLACEMENT),
		U32(split, 3, SPLIT),
		U32(nr_dma_chans, 1, NR_DMA_CHANS),
		U32(dma_timeout_ms, 5, DMA_TIMEOUT_MS),
		U32(evict, 3, EVICT),
		U32(verify, 2, VERIFY),
		U32(warmup, FOLIOBENCH_MAX_WARMUP + 1, WARMUP),
		U32(iterations, 0, ITERATIONS),
		U32(iterations, FOLIOBENCH_MAX_ITERATIONS + 1, ITERATIONS),
		U32(reserved_in, 1, RESERVED),
		U32(placement, FOLIOBENCH_PLACE_LIST, CPU_LIST),
		U64(cpu_list, 4096, CPU_LIST, EINVAL),
		U64(samples, 0, SAMPLES, EINVAL),
		U64(samples, 0xffff888000000000ULL, SAMPLES, EFAULT),
		U64(cpus_used, 0xffff888000000000ULL, CPUS_USED, EFAULT),
		D32(nr_dma_chans, 0, NR_DMA_CHANS),
		D32(nr_dma_chans, FOLIOBENCH_MAX_DMA_CHANS + 1, NR_DMA_CHANS),
		D32(dma_timeout_ms, FOLIOBENCH_MAX_DMA_TIMEOUT_MS + 1,
		    DMA_TIMEOUT_MS),
		D32(nr_threads, 1, NR_THREADS),
		D32(placement, 1, PLACEMENT),
		D32(split, 1, SPLIT),
		{ "dma cpu_list set", offsetof(struct foliobench_run, cpu_list),
		  true, 4096, FOLIOBENCH_FIELD_CPU_LIST, true, EINVAL },
		{ "dma cpus_used set", offsetof(struct foliobench_run, cpus_used),
		  true, 4096, FOLIOBENCH_FIELD_CPUS_USED, true, EINVAL },
		U32(dma_map, 1, DMA_MAP),
		U32(dma_request, 1, DMA_REQUEST),
		U32(dma_near, 1, DMA_NEAR),
		U32(dma_irq, 1, DMA_IRQ),
		U64(dma_phases, 4096, DMA_PHASES, EINVAL),
		D32(dma_map, 2, DMA_MAP),
		D32(dma_request, 2, DMA_REQUEST),
		D32(dma_near, 3, DMA_NEAR),
		D32(dma_irq, 2, DMA_IRQ),
		{ "dma dma_phases kernel address",
		  offsetof(struct foliobench_run, dma_phases), true,
		  0xffff888000000000ULL, FOLIOBENCH_FIELD_DMA_PHASES, true,
		  EFAULT },
	};
	struct foliobench_run r;
	struct foliobench_info in;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct bad_case *c = &cases[i];

		if (c->dma)
			dma_init(&r, 1);
		else
			run_init(&r);
		set_field(&r, c);
		err = run(&r);
		tap(err == c->err && r.bad_field == c->field &&
		    !r.iterations_done && !r.folios_obtained,
		    "RUN %s: errno %d (want %d) bad_field %u (want %u)",
		    c->name, err, c->err, r.bad_field, c->field);
	}

	/* a node that does not exist here */
	run_init(&r);
	r.dst_node = nodes;
	err = run(&r);
	tap(err == EINVAL && r.bad_field == FOLIOBENCH_FIELD_DST_NODE,
	    "RUN dst_node=%u (absent): errno %d", nodes, err);

	/* threads beyond the online CPUs */
	run_init(&r);
	r.nr_threads = info.nr_online_cpus + 1;
	err = run(&r);
	tap(err == EINVAL && r.bad_field == FOLIOBENCH_FIELD_NR_THREADS,
	    "RUN nr_threads=%u (online CPUs + 1): errno %d", r.nr_threads,
	    err);

	/* inline copies on the caller: one thread, not on a CPU list */
	run_init(&r);
	r.inline_copy = 1;
	r.nr_threads = 2;
	err = info.nr_online_cpus >= 2 ? run(&r) : EINVAL;
	tap(err == EINVAL && (info.nr_online_cpus < 2 ||
			      r.bad_field == FOLIOBENCH_FIELD_INLINE_COPY),
	    "RUN inline_copy=1 nr_threads=2: errno %d", err);
	run_init(&r);
	r.inline_copy = 1;
	r.placement = FOLIOBENCH_PLACE_LIST;
	r.cpu_list = (uintptr_t)dup_list;
	err = run(&r);
	tap(err == EINVAL && r.bad_field == FOLIOBENCH_FIELD_INLINE_COPY,
	    "RUN inline_copy=1 placement=list: errno %d", err);

	/*
	 * batch_impl: in range, and only for folio_copy batched on CPUs; the
	 * run on a kernel or architecture without it is EOPNOTSUPP.
	 */
	{
		static const struct {
			const char *what;
			uint32_t func, batched, batch_impl, engine, reserved;
			uint32_t field;
		} bi[] = {
			{ "batched=1 batch_impl=3", 0, 1, 3, 0, 0,
			  FOLIOBENCH_FIELD_BATCH_IMPL },
			{ "batched=1 batch_impl=0xffffffff", 0, 1, 0xffffffff, 0, 0,
			  FOLIOBENCH_FIELD_BATCH_IMPL },
			{ "per page batch_impl=copy_page", 0, 0, 1, 0, 0,
			  FOLIOBENCH_FIELD_BATCH_IMPL },
			{ "kernel mode batch_impl=rep_movsq", 0,
			  FOLIOBENCH_KERNEL_MODE, 2, 0, 0,
			  FOLIOBENCH_FIELD_BATCH_IMPL },
			{ "folio_mc_copy batched batch_impl=copy_page", 1, 1, 1,
			  0, 0, FOLIOBENCH_FIELD_BATCH_IMPL },
			{ "folios_mc_copy batched batch_impl=rep_movsq", 2, 1, 2,
			  0, 0, FOLIOBENCH_FIELD_BATCH_IMPL },
			{ "dma batched batch_impl=copy_page", 0, 1, 1, 1, 0,
			  FOLIOBENCH_FIELD_BATCH_IMPL },
			{ "batched reserved_batch=1", 0, 1, 0, 0, 1,
			  FOLIOBENCH_FIELD_RESERVED },
		};

		for (i = 0; i < ARRAY_SIZE(bi); i++) {
			if (bi[i].engine == FOLIOBENCH_ENGINE_DMA)
				dma_init(&r, 1);
			else
				run_init(&r);
			r.func = bi[i].func;
			r.batched = bi[i].batched;
			r.batch_impl = bi[i].batch_impl;
			r.reserved_batch = bi[i].reserved;
			err = run(&r);
			tap(err == EINVAL && r.bad_field == bi[i].field &&
			    !r.iterations_done && !r.folios_obtained,
			    "RUN %s: errno %d (want %d) bad_field %u (want %u)",
			    bi[i].what, err, EINVAL, r.bad_field, bi[i].field);
		}
	}

	/* the list copy cannot split folios */
	run_init(&r);
	r.func = FOLIOBENCH_FUNC_FOLIOS_MC_COPY;
	r.split = FOLIOBENCH_SPLIT_CHUNK;
	err = run(&r);
	tap(err == EINVAL && r.bad_field == FOLIOBENCH_FIELD_SPLIT,
	    "RUN folios_mc_copy split=chunk: errno %d", err);

	/* CPU lists: an absent CPU, a CPU twice */
	run_init(&r);
	r.nr_threads = 2;
	r.placement = FOLIOBENCH_PLACE_LIST;
	r.cpu_list = (uintptr_t)far_list;
	err = info.nr_online_cpus >= 2 ? run(&r) : EINVAL;
	tap(err == EINVAL, "RUN cpu_list 0,9999: errno %d", err);
	r.cpu_list = (uintptr_t)dup_list;
	err = info.nr_online_cpus >= 2 ? run(&r) : EINVAL;
	tap(err == EINVAL && r.bad_field == FOLIOBENCH_FIELD_CPU_LIST,
	    "RUN cpu_list 0,0: errno %d", err);
	r.cpu_list = 8;
	err = info.nr_online_cpus >= 2 ? run(&r) : EFAULT;
	tap(err == EFAULT, "RUN cpu_list at an unmapped address: errno %d",
	    err);

	/* samples at an unmapped user address: the run goes, the copy-out fails */
	run_init(&r);
	r.samples = 8;
	err = run(&r);
	tap(err == EFAULT && !r.iterations_done,
	    "RUN samples at an unmapped address: errno %d", err);

	/* ABI version and struct size: the module writes its own back */
	run_init(&r);
	r.abi_version = 99;
	err = run(&r);
	tap(err == EPROTO && r.abi_version == FOLIOBENCH_ABI_VERSION &&
	    r.struct_size == sizeof(r),
	    "RUN abi_version=99: errno %d, module says version %u size %u",
	    err, r.abi_version, r.struct_size);
	run_init(&r);
	r.struct_size = sizeof(r) - 8;
	err = run(&r);
	tap(err == EINVAL && r.struct_size == sizeof(r),
	    "RUN struct_size=%zu: errno %d, module says %u", sizeof(r) - 8,
	    err, r.struct_size);
	run_init(&r);
	r.struct_size = sizeof(r) + 8;
	err = run(&r);
	tap(err == EINVAL, "RUN struct_size=%zu: errno %d", sizeof(r) + 8, err);

	memset(&in, 0, sizeof(in));
	in.abi_version = 0;
	in.struct_size = sizeof(in);
	err = errno_of(ioctl(fd, FOLIOBENCH_IOC_INFO, &in));
	tap(err == EPROTO && in.abi_version == FOLIOBENCH_ABI_VERSION,
	    "INFO abi_version=0: errno %d", err);
	memset(&in, 0, sizeof(in));
	in.abi_version = FOLIOBENCH_ABI_VERSION;
	in.struct_size = 8;
	err = errno_of(ioctl(fd, FOLIOBENCH_IOC_INFO, &in));
	tap(err == EINVAL && in.struct_size == sizeof(in),
	    "INFO struct_size=8: errno %d", err);
	memset(&in, 0, sizeof(in));
	in.abi_version = FOLIOBENCH_ABI_VERSION;
	in.struct_size = sizeof(in);
	in.reserved_in = 1;
	err = errno_of(ioctl(fd, FOLIOBENCH_IOC_INFO, &in));
	tap(err == EINVAL, "INFO reserved_in=1: errno %d", err);
	in.reserved_in = 0;
	in.llc_ids_len = 4;
	err = errno_of(ioctl(fd, FOLIOBENCH_IOC_INFO, &in));
	tap(err == EINVAL, "INFO llc_ids_len without llc_ids: errno %d", err);

	err = errno_of(ioctl(fd, FOLIOBENCH_IOC_RUN, NULL));
	tap(err == EFAULT, "RUN on a NULL pointer: errno %d", err);
	err = errno_of(ioctl(fd, _IOWR(FOLIOBENCH_IOC_MAGIC, 3,
				       struct foliobench_run), &r));
	tap(err == ENOTTY, "unknown ioctl nr 3: errno %d", err);
	err = errno_of(ioctl(fd, _IOR(FOLIOBENCH_IOC_MAGIC, 2,
				      struct foliobench_run), &r));
	tap(err == ENOTTY, "RUN with the wrong direction: errno %d", err);
	err = errno_of(ioctl(fd, _IOWR('x', 2, struct foliobench_run), &r));
	tap(err == ENOTTY, "another ioctl type: errno %d", err);

	/* a good run still works after all that */
	run_init(&r);
	err = run(&r);
	tap(!run_problem(&r, err), "RUN after bad input works");
}

/* ---- cap and partial allocation ---- */

static long node_free_kb(unsigned int node)
{
	char path[128], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%u/meminfo",
		 node);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "MemFree:") &&
		    sscanf(strstr(line, "MemFree:") + 8, "%ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void cmd_cap(const char *arg)
{
	unsigned int node = nodes - 1;
	long kb = node_free_kb(node);
	struct foliobench_run r;
	uint32_t n;
	int err;

	run_init(&r);
	r.order = info.max_order;
	r.nr_folios = FOLIOBENCH_MAX_FOLIOS;
	err = run(&r);
	tap(err == ENOMEM && (r.flags & FOLIOBENCH_RUN_F_OVER_CAP) &&
	    !r.folios_obtained && !r.iterations_done,
	    "RUN of %u order-%u folios (over the cap): errno %d flags %#x",
	    r.nr_folios, r.order, err, r.flags);

	if (kb <= 0) {
		tap(false, "node %u MemFree", node);
		return;
	}
	/* src and dst on one node: 60 % of its free memory is over 50 % */
	run_init(&r);
	r.order = 9;
	r.src_node = node;
	r.dst_node = node;
	r.nr_folios = (uint32_t)(kb * 3 / 10 / 2048);
	err = run(&r);
	tap(err == ENOMEM && (r.flags & FOLIOBENCH_RUN_F_OVER_CAP),
	    "RUN of 60%% of node %u's %ld KiB free: errno %d (cap 50%%)", node,
	    kb, err);

	/*
	 * cap_pct=100 and all free memory of the memory-only node asked for:
	 * the watermarks leave some, so ENOSPC and a count. Not on a node
	 * with CPUs: emptying it could wake the OOM killer.
	 */
	if (nodes < 2) {
		skip("one node", "RUN of a whole node: ENOSPC and a count");
	} else if (write_param("foliobench", "cap_pct", "100")) {
		tap(false, "set cap_pct=100: %s", strerror(errno));
	} else {
		kb = node_free_kb(node);
		n = (uint32_t)(kb / 2048 / 2);
		run_init(&r);
		r.order = 9;
		r.src_node = node;
		r.dst_node = node;
		r.nr_folios = n;
		r.iterations = 1;
		if (zone_pages(node, "Movable", "present") > 0) {
			/*
			 * ZONE_MOVABLE keeps next to no watermark back, so the
			 * node gives every pair, and copying a whole node is
			 * slow under emulation: the zones command covers it.
			 */
			skip("ZONE_MOVABLE keeps no reserve to run into",
			     "RUN of all of node %u: ENOSPC and a count", node);
		} else {
			err = run(&r);
			tap(err == ENOSPC &&
			    (r.flags & FOLIOBENCH_RUN_F_PARTIAL_ALLOC) &&
			    r.folios_obtained > 0 && r.folios_obtained < n &&
			    !r.iterations_done,
			    "RUN of all of node %u (%u order-9 pairs, cap_pct=100): errno %d, got %u",
			    node, n, err, r.folios_obtained);
		}
	}
	tap(write_param("foliobench", "cap_pct", "0") != 0,
	    "cap_pct=0 is refused");
	tap(!write_param("foliobench", "cap_pct", "50"), "cap_pct back to 50");
	run_init(&r);
	err = run(&r);
	tap(!run_problem(&r, err), "RUN after the partial allocation works");
}

/* ---- perm ---- */

static int drop_sys_admin(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	d[CAP_TO_INDEX(CAP_SYS_ADMIN)].permitted &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	d[CAP_TO_INDEX(CAP_SYS_ADMIN)].inheritable &=
		~CAP_TO_MASK(CAP_SYS_ADMIN);
	return syscall(SYS_capset, &h, d) ? -1 : 0;
}

/* errno of open() in a child that is root without CAP_SYS_ADMIN, or nobody */
static int open_in_child(bool nobody)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		int e;

		if (nobody ? setgid(65534) || setuid(65534) : drop_sys_admin())
			_exit(200);
		e = open(FOLIOBENCH_DEVICE, O_RDWR) < 0 ? errno : 0;
		_exit(e);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void cmd_perm(const char *arg)
{
	int e;

	e = open_in_child(false);
	tap(e == EPERM, "open as root without CAP_SYS_ADMIN: errno %d (%s)", e,
	    e > 0 && e < 200 ? strerror(e) : "setup failed");
	e = open_in_child(true);
	tap(e == EACCES || e == EPERM, "open as nobody: errno %d (%s)", e,
	    e > 0 && e < 200 ? strerror(e) : "setup failed");
}

/* ---- busy and interrupted ---- */

static void on_usr1(int sig)
{
	(void)sig;
}

struct busy_report {
	int err;
	uint32_t done;
	uint32_t flags;
	uint32_t last_sample_ok;
};

static void cmd_busy(const char *arg)
{
	int go[2], rep[2], status, err, i;
	struct busy_report br = { .err = -1 };
	struct foliobench_run r;
	struct foliobench_info in;
	pid_t pid;
	char c;

	if (pipe(go) || pipe(rep)) {
		tap(false, "pipe: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid < 0) {
		tap(false, "fork: %s", strerror(errno));
		return;
	}
	if (!pid) {
		struct sigaction sa = { .sa_handler = on_usr1 };
		uint64_t *s = calloc(FOLIOBENCH_MAX_ITERATIONS, sizeof(*s));

		sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART */
		run_init(&r);
		r.order = 0;
		r.nr_folios = 16;
		r.verify = 0;
		r.iterations = FOLIOBENCH_MAX_ITERATIONS;
		r.samples = (uintptr_t)s;
		if (write(go[1], "g", 1) != 1)
			_exit(2);
		do {
			err = errno_of(ioctl(fd, FOLIOBENCH_IOC_RUN, &r));
		} while (err == EBUSY);		/* the parent's INFO probes */
		br.err = err;
		br.done = r.iterations_done;
		br.flags = r.flags;
		br.last_sample_ok = !r.iterations_done ||
				    s[r.iterations_done - 1] != 0;
		if (write(rep[1], &br, sizeof(br)) != sizeof(br))
			_exit(2);
		_exit(0);
	}

	if (read(go[0], &c, 1) != 1) {
		tap(false, "child did not start");
		return;
	}
	/* wait until the child's run holds the device */
	for (i = 0, err = 0; i < 500; i++) {
		usleep(20000);
		memset(&in, 0, sizeof(in));
		in.abi_version = FOLIOBENCH_ABI_VERSION;
		in.struct_size = sizeof(in);
		err = errno_of(ioctl(fd, FOLIOBENCH_IOC_INFO, &in));
		if (err == EBUSY)
			break;
	}
	tap(err == EBUSY, "INFO during a run: errno %d", err);
	run_init(&r);
	err = run(&r);
	tap(err == EBUSY, "RUN during a run: errno %d", err);

	usleep(100000);
	kill(pid, SIGUSR1);
	if (read(rep[0], &br, sizeof(br)) != sizeof(br))
		br.err = -1;
	waitpid(pid, &status, 0);
	tap(br.err == EINTR && (br.flags & FOLIOBENCH_RUN_F_INTERRUPTED) &&
	    br.done < FOLIOBENCH_MAX_ITERATIONS && br.last_sample_ok,
	    "a signal ends the run: errno %d after %u iterations, flags %#x",
	    br.err, br.done, br.flags);
	run_init(&r);
	err = run(&r);
	tap(!run_problem(&r, err), "RUN after the interrupted run works");
	close(go[0]);
	close(go[1]);
	close(rep[0]);
	close(rep[1]);
}

/* ---- a signal while the folios are allocated ---- */

static void cmd_intr_alloc(const char *arg)
{
	struct moved_report mr = { .err = -1 };
	long kb = node_free_kb(0);
	struct foliobench_run r;
	int go[2], rep[2], status;
	uint32_t n;
	pid_t pid;
	char c;

	/* order-0 pairs for 40 % of node 0's free memory, under the cap */
	n = kb > 0 ? (uint32_t)(kb * 4 / 10 / 8) : 0;
	if (n > FOLIOBENCH_MAX_FOLIOS)
		n = FOLIOBENCH_MAX_FOLIOS;
	if (n < 1000 || pipe(go) || pipe(rep)) {
		tap(false, "setup: node 0 MemFree %ld KiB", kb);
		return;
	}
	pid = fork();
	if (!pid) {
		struct sigaction sa = { .sa_handler = on_usr1 };

		sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART */
		run_init(&r);
		r.order = 0;
		r.nr_folios = n;
		r.iterations = 1;
		if (write(go[1], "g", 1) != 1)
			_exit(2);
		mr.err = errno_of(ioctl(fd, FOLIOBENCH_IOC_RUN, &r));
		mr.done = r.folios_obtained;
		mr.flags = r.flags;
		if (write(rep[1], &mr, sizeof(mr)) != sizeof(mr))
			_exit(2);
		_exit(0);
	}
	if (read(go[0], &c, 1) == 1) {
		usleep(20000);
		kill(pid, SIGUSR1);
	}
	if (read(rep[0], &mr, sizeof(mr)) != sizeof(mr))
		mr.err = -1;
	waitpid(pid, &status, 0);
	if (!mr.err && mr.done == n)
		skip("the allocation ended before the signal came",
		     "RUN of %u order-0 pairs, a signal while allocating: EINTR, INTERRUPTED", n);
	else if (mr.err == EINTR && mr.done == n)
		skip("the signal came after the allocation (EINTR between iterations)",
		     "RUN of %u order-0 pairs, a signal while allocating", n);
	else
		tap(mr.err == EINTR && (mr.flags & FOLIOBENCH_RUN_F_INTERRUPTED) &&
		    mr.done < n,
		    "RUN of %u order-0 pairs, a signal while allocating: errno %d after %u pairs, flags %#x",
		    n, mr.err, mr.done, mr.flags);
	close(go[0]);
	close(go[1]);
	close(rep[0]);
	close(rep[1]);
	run_init(&r);
	tap(!run_problem(&r, run(&r)), "RUN after the interrupted allocation works");
}

/* ---- dma ---- */

static void cmd_dma_none(const char *arg)
{
	struct foliobench_run r;
	int err;

	tap(info.nr_dma_chans == 0, "INFO: %u DMA_MEMCPY channels (none loaded)",
	    info.nr_dma_chans);
	dma_init(&r, 1);
	err = run(&r);
	tap(err == ENODEV && r.dma_chans_used == 0,
	    "RUN engine=dma without a channel: errno %d", err);
}

static const char *dma_problem(const struct foliobench_run *r, uint32_t n)
{
	uint32_t i, j;

	if (r->dma_chans_used != n)
		return "dma_chans_used differs";
	if (strcmp(r->func_name, "dma:fb_test_dma"))
		return "func_name does not name the engine";
	for (i = 0; i < n; i++) {
		if (!r->dma[i].chan[0] || strcmp(r->dma[i].dev, "fb_test_dma") ||
		    strcmp(r->dma[i].driver, "fb_test_dma"))
			return "channel, device or driver name wrong";
		for (j = 0; j < i; j++)
			if (!strcmp(r->dma[i].chan, r->dma[j].chan))
				return "a channel twice";
	}
	if (r->threads_active || r->split_used)
		return "CPU outputs set";
	return NULL;
}

static void cmd_dma(const char *arg)
{
	uint32_t max = (uint32_t)atoi(arg);
	struct foliobench_run r;
	const char *why;
	uint32_t n, f, b;
	int err;

	tap(info.nr_dma_chans == max, "INFO: %u DMA_MEMCPY channels (want %u)",
	    info.nr_dma_chans, max);
	for (n = 0; n < info.nr_dma_chans && n < FOLIOBENCH_MAX_DMA_CHANS; n++)
		diag("dma %s on %s", info.dma[n].chan, info.dma[n].dev);

	for (n = 1; n <= max; n++) {
		for (f = 0; f < FOLIOBENCH_NR_FUNCS; f++) {
			for (b = 0; b < 2; b++) {
				dma_init(&r, n);
				r.func = f;
				r.batched = b;
				r.evict = n == 1 ? FOLIOBENCH_EVICT_BOTH :
					FOLIOBENCH_EVICT_NONE;
				err = run(&r);
				why = run_problem(&r, err);
				if (!why)
					why = dma_problem(&r, n);
				if (!why && r.dma_fallbacks)
					why = "fallbacks without a failure";
				tap(!why, "RUN dma channels=%u fallback %s %s: %s",
				    n, func_info(f, b) ? func_info(f, b)->name :
				    "?", mode_name(b), why ? why : r.dma[0].chan);
			}
		}
	}
	/* fewer folios than channels: one channel per folio */
	dma_init(&r, max);
	r.nr_folios = 1;
	err = run(&r);
	why = run_problem(&r, err);
	if (!why)
		why = dma_problem(&r, 1);
	tap(!why, "RUN dma channels=%u with 1 folio uses 1 channel%s%s", max,
	    why ? ": " : "", why ? why : "");
	if (nodes >= 2) {
		dma_init(&r, max);
		r.src_node = 0;
		r.dst_node = 1;
		err = run(&r);
		why = run_problem(&r, err);
		tap(!why, "RUN dma node 0->1%s%s", why ? ": " : "",
		    why ? why : "");
	}
	dma_init(&r, max + 1);
	err = run(&r);
	tap(err == ENODEV && r.dma_chans_used == max,
	    "RUN dma channels=%u of %u: errno %d, found %u", max + 1, max, err,
	    r.dma_chans_used);
}

static void dma_fault_case(const char *param, uint32_t n, uint32_t nr,
			   uint32_t timeout_ms, uint64_t want, uint32_t flag)
{
	struct foliobench_run r;
	const char *why;
	int err;

	dma_init(&r, n);
	r.nr_folios = nr;
	r.dma_timeout_ms = timeout_ms;
	err = run(&r);
	why = run_problem(&r, err);
	if (!why)
		why = dma_problem(&r, n);
	if (!why && r.dma_fallbacks != want)
		why = "dma_fallbacks differs";
	if (!why && !(r.flags & flag))
		why = "flag missing";
	if (!why && !(r.flags & FOLIOBENCH_RUN_F_DMA_FALLBACK))
		why = "flag DMA_FALLBACK missing";
	tap(!why, "RUN dma channels=%u %u folios %s: %llu CPU fallbacks (want %llu), flags %#x%s%s",
	    n, nr, param, (unsigned long long)r.dma_fallbacks,
	    (unsigned long long)want, r.flags, why ? ": " : "",
	    why ? why : "");
}

static void cmd_dma_fail(const char *arg)
{
	/*
	 * fail_desc=3: in the first iteration each channel's third descriptor
	 * fails and the rest of its block is aborted; later ones run clean.
	 */
	if (write_param("fb_test_dma", "fail_desc", "3")) {
		tap(false, "set fb_test_dma fail_desc=3: %s", strerror(errno));
		return;
	}
	dma_fault_case("fail_desc=3", 1, 8, 0, 6, FOLIOBENCH_RUN_F_DMA_FALLBACK);
	dma_fault_case("fail_desc=3", 2, 8, 0, 2 * 2,
		       FOLIOBENCH_RUN_F_DMA_FALLBACK);
	/* blocks of 2: the third descriptor is the first of iteration 2 */
	dma_fault_case("fail_desc=3", 2, 4, 0, 2 * 2,
		       FOLIOBENCH_RUN_F_DMA_FALLBACK);
	write_param("fb_test_dma", "fail_desc", "0");
}

static void cmd_dma_skip(const char *arg)
{
	struct foliobench_run r;
	int err;

	/*
	 * skip_desc=3: the third descriptor "completes" without copying; the
	 * verify after the first iteration must catch it: EIO, no sample.
	 */
	if (write_param("fb_test_dma", "skip_desc", "3")) {
		tap(false, "set fb_test_dma skip_desc=3: %s", strerror(errno));
		return;
	}
	dma_init(&r, 1);
	err = run(&r);
	tap(err == EIO && r.mismatch_folio == 2 && !r.iterations_done &&
	    (r.flags & FOLIOBENCH_RUN_F_VERIFY_FAILED) &&
	    !(r.flags & FOLIOBENCH_RUN_F_VERIFIED) && !samples[0],
	    "RUN dma skip_desc=3 with verify: errno %d, mismatch_folio %u, %u samples",
	    err, r.mismatch_folio, r.iterations_done);
	write_param("fb_test_dma", "skip_desc", "0");
	dma_init(&r, 1);
	err = run(&r);
	tap(!run_problem(&r, err), "RUN dma after skip_desc=0 works");
}

static void cmd_dma_stall(const char *arg)
{
	/* stall_desc=2: the second descriptor hangs; the timeout ends it */
	if (write_param("fb_test_dma", "stall_desc", "2")) {
		tap(false, "set fb_test_dma stall_desc=2: %s", strerror(errno));
		return;
	}
	/* 1 s: the first descriptor surely ends before it, even emulated */
	dma_fault_case("stall_desc=2 timeout 1000 ms", 1, 4, 1000, 3,
		       FOLIOBENCH_RUN_F_DMA_TIMEOUT);
	write_param("fb_test_dma", "stall_desc", "0");
}

/* ---- dma modes (fb_test_dma mode=) ---- */

struct dma_mode {
	const char *name;		/* fb_test_dma mode= */
	const char *label;		/* in every TAP line */
	bool no_order, terminate;
	int node;			/* the guest script loads it so */
	uint32_t nr_folios;		/* ioat: more than its ring of 8 */
	long fail_fallbacks;		/* fail_desc=3, 1 channel, 8 folios; -1:
					 * what was queued (errors tells); -2:
					 * none, the driver reports it done
					 */
};

static const struct dma_mode dma_modes[] = {
	{ "basic", "basic", false, true, -1, 8, 6 },
	{ "dsa", "DSA-like", true, false, 0, 8, 1 },
	{ "ioat", "I/OAT-like", false, false, 0, 32, -1 },
	{ "ptdma", "PTDMA-like", false, true, 0, 8, -2 },
};

static const struct dma_mode *find_mode(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dma_modes); i++)
		if (!strcmp(dma_modes[i].name, name))
			return &dma_modes[i];
	return NULL;
}

/* The phases of every iteration are consecutive: they sum to its sample. */
static const char *phase_problem(const struct foliobench_run *r)
{
	static char why[128];
	uint32_t i, p;

	for (i = 0; i < r->iterations_done && i < MAX_ITERS; i++) {
		uint64_t sum = 0;

		for (p = 0; p < FOLIOBENCH_DMA_NR_PHASES; p++)
			sum += phases[i][p];
		if (sum != samples[i]) {
			snprintf(why, sizeof(why),
				 "phases of iteration %u sum to %llu, sample %llu",
				 i, (unsigned long long)sum,
				 (unsigned long long)samples[i]);
			return why;
		}
		if (r->dma_request == FOLIOBENCH_DMA_REQUEST_ONCE &&
		    phases[i][FOLIOBENCH_DMA_PHASE_REQUEST])
			return "request phase set with dma_request=once";
	}
	return NULL;
}

static const char *const map_names[] = { "sgtable", "page" };
static const char *const irq_names[] = { "each", "last" };
static const char *const req_names[] = { "once", "batch" };

static void dma_mode_runs(const struct dma_mode *m)
{
	uint32_t map, irq, req, n, v;
	struct foliobench_run r;
	const char *why;
	int err;

	/* 1 and 2 channels x map x irq x request */
	for (v = 0; v < 16; v++) {
		n = 1 + (v >> 3);
		map = (v >> 2) & 1;
		irq = (v >> 1) & 1;
		req = v & 1;
		if (n > info.nr_dma_chans)
			break;
		/* out of order: irq=last is refused, once per channel count */
		if (m->no_order && irq == FOLIOBENCH_DMA_IRQ_LAST && (map || req))
			continue;
		dma_init(&r, n);
		r.nr_folios = m->nr_folios;
		r.iterations = 3;
		r.dma_map = map;
		r.dma_irq = irq;
		r.dma_request = req;
		r.dma_phases = (uintptr_t)phases;
		err = run(&r);
		if (m->no_order && irq == FOLIOBENCH_DMA_IRQ_LAST) {
			tap(err == EOPNOTSUPP &&
			    r.bad_field == FOLIOBENCH_FIELD_DMA_IRQ,
			    "%s: RUN dma irq=last refused on an out-of-order channel: errno %d, bad_field %u",
			    m->label, err, r.bad_field);
			continue;
		}
		why = run_problem(&r, err);
		if (!why)
			why = dma_problem(&r, n);
		if (!why && r.dma_fallbacks)
			why = "CPU fallbacks without a failure";
		if (!why && (r.dma_map_used != map || r.dma_irq_used != irq))
			why = "dma_map_used or dma_irq_used differs";
		if (!why)
			why = phase_problem(&r);
		if (!why && !strcmp(m->name, "ioat") && n == 1 &&
		    !r.dma_prep_retries)
			why = "a full ring was never waited out";
		if (!why && strcmp(m->name, "ioat") && r.dma_prep_retries)
			why = "prep retries without a ring";
		if (!why && (r.dma_request_ns != 0) !=
		    (req == FOLIOBENCH_DMA_REQUEST_ONCE))
			why = "dma_request_ns does not match dma_request";
		tap(!why, "%s: RUN dma channels=%u %u folios map=%s irq=%s request=%s verifies, 0 CPU fallbacks, %llu prep retries%s%s",
		    m->label, n, r.nr_folios, map_names[map], irq_names[irq],
		    req_names[req], (unsigned long long)r.dma_prep_retries,
		    why ? ": " : "", why ? why : "");
	}
}

static void dma_mode_fail(const struct dma_mode *m)
{
	long before = read_param("fb_test_dma", "errors"), errs;
	struct foliobench_run r;
	const char *why;
	int err;

	if (before < 0 || write_param("fb_test_dma", "fail_desc", "3")) {
		tap(false, "%s: fb_test_dma errors/fail_desc: %s", m->label,
		    strerror(errno));
		return;
	}
	dma_init(&r, 1);
	r.nr_folios = 8;
	err = run(&r);
	write_param("fb_test_dma", "fail_desc", "0");
	errs = read_param("fb_test_dma", "errors") - before;
	if (m->fail_fallbacks == -2) {
		/* ptdma calls back "done": only verify can tell */
		tap(errs == 1 && err == EIO && !r.dma_fallbacks &&
		    (r.flags & FOLIOBENCH_RUN_F_VERIFY_FAILED) &&
		    r.mismatch_folio == 2,
		    "%s: RUN dma fail_desc=3: the driver reports it done, verify catches folio %u: errno %d, %llu CPU fallbacks",
		    m->label, r.mismatch_folio, err,
		    (unsigned long long)r.dma_fallbacks);
		return;
	}
	why = run_problem(&r, err);
	if (!why)
		why = dma_problem(&r, 1);
	if (!why && (long)r.dma_fallbacks != errs)
		why = "dma_fallbacks differs from the descriptors that failed";
	if (!why && m->fail_fallbacks >= 0 &&
	    (long)r.dma_fallbacks != m->fail_fallbacks)
		why = "dma_fallbacks differs from the mode's count";
	if (!why && (!errs || !(r.flags & FOLIOBENCH_RUN_F_DMA_FALLBACK)))
		why = "no failure or no flag DMA_FALLBACK";
	tap(!why, "%s: RUN dma fail_desc=3 verifies: %llu CPU fallbacks for %ld failed descriptors%s%s",
	    m->label, (unsigned long long)r.dma_fallbacks, errs,
	    why ? ": " : "", why ? why : "");
}

static void dma_mode_near(const struct dma_mode *m)
{
	struct foliobench_run r;
	int err;

	dma_init(&r, 1);
	r.dma_near = FOLIOBENCH_DMA_NEAR_SRC;
	err = run(&r);
	if (m->node < 0)
		tap(err == ENODEV && !r.dma_chans_used,
		    "%s: RUN dma near=src, no channel on node 0: errno %d",
		    m->label, err);
	else
		tap(!run_problem(&r, err) && r.dma[0].node == m->node,
		    "%s: RUN dma near=src picks a channel on node %d: errno %d, node %d",
		    m->label, m->node, err, r.dma[0].node);
	if (nodes < 2)
		return;
	dma_init(&r, 1);
	r.src_node = 0;
	r.dst_node = 1;
	r.dma_near = FOLIOBENCH_DMA_NEAR_DST;
	err = run(&r);
	tap(err == ENODEV && !r.dma_chans_used,
	    "%s: RUN dma near=dst, no channel on node 1: errno %d", m->label,
	    err);
}

static void cmd_dma_mode(const char *arg)
{
	const struct dma_mode *m = find_mode(arg);
	struct foliobench_run r;
	const char *why = NULL;
	uint32_t i, want = 0;

	if (!m) {
		tap(false, "dma-mode %s: allowed basic, dsa, ioat, ptdma", arg);
		return;
	}
	if (m->no_order)
		want |= FOLIOBENCH_DMA_CHAN_F_NO_ORDER;
	if (m->terminate)
		want |= FOLIOBENCH_DMA_CHAN_F_TERMINATE;
	get_info(&info);
	for (i = 0; i < info.nr_dma_chans && i < FOLIOBENCH_MAX_DMA_CHANS; i++) {
		if (info.dma[i].flags != want || info.dma[i].node != m->node ||
		    strcmp(info.dma[i].driver, "fb_test_dma"))
			why = "flags, node or driver differ";
	}
	tap(info.nr_dma_chans && !why,
	    "%s: INFO: %u channels of driver %s, node %d, flags %#x (want %#x)",
	    m->label, info.nr_dma_chans, info.dma[0].driver, info.dma[0].node,
	    info.dma[0].flags, want);
	dma_mode_runs(m);
	dma_mode_fail(m);
	dma_mode_near(m);
	if (m->terminate) {
		/* the first stalls, the rest queue behind it: all 4 dropped */
		write_param("fb_test_dma", "stall_desc", "1");
		dma_init(&r, 1);
		r.nr_folios = 4;
		r.dma_timeout_ms = 200;
		run(&r);
		write_param("fb_test_dma", "stall_desc", "0");
		tap(r.dma_fallbacks == 4 && (r.flags & FOLIOBENCH_RUN_F_DMA_TIMEOUT) &&
		    !(r.flags & FOLIOBENCH_RUN_F_DMA_QUARANTINED) &&
		    (r.flags & FOLIOBENCH_RUN_F_VERIFIED),
		    "%s: RUN dma stall_desc=1: terminated, %llu CPU fallbacks (want 4), not quarantined, flags %#x",
		    m->label, (unsigned long long)r.dma_fallbacks, r.flags);
	}
}

/* After a quarantine: DMA refused with the flag, the CPU engine still runs. */
static void dma_refused(const char *label)
{
	struct foliobench_run r;
	int err;

	dma_init(&r, 1);
	err = run(&r);
	tap(err == EBUSY && (r.flags & FOLIOBENCH_RUN_F_DMA_QUARANTINED) &&
	    !r.folios_obtained,
	    "quarantine (%s): a later DMA run is refused: errno %d, flags %#x",
	    label, err, r.flags);
	run_init(&r);
	err = run(&r);
	tap(!run_problem(&r, err), "quarantine (%s): the CPU engine still runs",
	    label);
}

static void cmd_dma_quarantine(const char *arg)
{
	const struct dma_mode *m = find_mode(arg);
	struct foliobench_run r;
	uint32_t want;
	int err;

	if (!m || m->terminate) {
		tap(false, "dma-quarantine %s: allowed dsa, ioat", arg);
		return;
	}
	/*
	 * stall_desc=2: DSA-like, the wait times out with the others done;
	 * I/OAT-like, the stalled ring fills and the submit times out.
	 */
	write_param("fb_test_dma", "stall_desc", "2");
	dma_init(&r, 1);
	r.nr_folios = 16;
	r.dma_timeout_ms = 300;
	err = run(&r);
	write_param("fb_test_dma", "stall_desc", "0");
	want = FOLIOBENCH_RUN_F_DMA_TIMEOUT | FOLIOBENCH_RUN_F_DMA_QUARANTINED;
	tap(err == ETIMEDOUT && (r.flags & want) == want &&
	    !r.iterations_done && !r.dma_fallbacks &&
	    !(r.flags & FOLIOBENCH_RUN_F_VERIFIED),
	    "quarantine (%s): a stall without terminate ends the run: errno %d, flags %#x, %u samples, %llu CPU fallbacks",
	    m->label, err, r.flags, r.iterations_done,
	    (unsigned long long)r.dma_fallbacks);
	dma_refused(m->label);
}

static void cmd_dma_kill(const char *arg)
{
	struct foliobench_run r;
	int status = 0, i;
	pid_t pid;

	long stalls = read_param("fb_test_dma", "stalls");

	write_param("fb_test_dma", "stall_desc", "2");
	pid = fork();
	if (pid == 0) {
		dma_init(&r, 1);
		r.dma_timeout_ms = FOLIOBENCH_MAX_DMA_TIMEOUT_MS;
		_exit(run(&r) == 0 ? 0 : 1);
	}
	/* kill it once it waits on the stalled descriptor, not before */
	for (i = 0; i < 300 && read_param("fb_test_dma", "stalls") == stalls; i++)
		usleep(100000);
	usleep(200000);
	kill(pid, SIGKILL);
	/* 60 s: far below the 600 s timeout, far above an emulated wake-up */
	for (i = 0; i < 600 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(100000);
	write_param("fb_test_dma", "stall_desc", "0");
	tap(i < 600 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "quarantine (DSA-like): a run waiting on a stalled channel dies at SIGKILL (%d ms)",
	    i * 100);
	if (i == 600) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	dma_refused("DSA-like, killed");
}

/* ---- main ---- */

/* ---- kernel: baseline vs patched kernel, FOLIOBENCH_KERNEL_MODE ---- */

static void cmd_kernel(const char *arg)
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

struct command {
	const char *name;
	void (*fn)(const char *arg);
	bool arg;			/* takes the next word */
};

static const struct command commands[] = {
	{ "info", cmd_info, false },
	{ "cpu", cmd_cpu, false },
	{ "list", cmd_list, false },
	{ "timing", cmd_timing, false },
	{ "hotplug", cmd_hotplug, false },
	{ "zones", cmd_zones, false },
	{ "bad", cmd_bad, false },
	{ "cap", cmd_cap, false },
	{ "perm", cmd_perm, false },
	{ "busy", cmd_busy, false },
	{ "intr-alloc", cmd_intr_alloc, false },
	{ "dma-none", cmd_dma_none, false },
	{ "dma", cmd_dma, true },
	{ "dma-fail", cmd_dma_fail, false },
	{ "dma-skip", cmd_dma_skip, false },
	{ "dma-stall", cmd_dma_stall, false },
	{ "dma-mode", cmd_dma_mode, true },
	{ "dma-quarantine", cmd_dma_quarantine, true },
	{ "dma-kill", cmd_dma_kill, false },
	{ "kernel", cmd_kernel, true },
};

static const struct command *find_command(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}


/* ---- cpuid dump ---- */

#ifdef __x86_64__
static void dump_leaf(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
	printf("   0x%08x 0x%02x: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n",
	       leaf, sub, r[0], r[1], r[2], r[3]);
}

/* One range of leaves from its base (0, 0x40000000, 0x80000000). */
static void dump_range(uint32_t base, uint32_t cap)
{
	uint32_t r[4], max, leaf, sub, xsave = 0;

	__cpuid_count(base, 0, r[0], r[1], r[2], r[3]);
	max = r[0];
	if (max < base || max > base + cap)
		max = base + cap;
	for (leaf = base; leaf <= max; leaf++) {
		dump_leaf(leaf, 0, r);
		switch (leaf) {
		case 4:
		case 0x8000001d:	/* cache levels, until type 0 */
			for (sub = 1; sub < 16 && (r[0] & 0x1f); sub++)
				dump_leaf(leaf, sub, r);
			break;
		case 7:			/* EAX of subleaf 0: the last one */
			for (sub = 1; sub <= r[0] && sub < 8; sub++)
				dump_leaf(leaf, sub, r);
			break;
		case 0xb:
		case 0x1f:		/* topology levels, until type 0 */
			for (sub = 1; sub < 8 && (r[2] & 0xff00); sub++)
				dump_leaf(leaf, sub, r);
			break;
		case 0xd:		/* XSAVE: 1, then each state offered */
			xsave = r[0];
			dump_leaf(leaf, 1, r);
			for (sub = 2; sub < 32; sub++)
				if (xsave & (1u << sub))
					dump_leaf(leaf, sub, r);
			break;
		}
	}
}

static int cpuid_dump(void)
{
	uint32_t a, b, c, d;

	printf("# fb_abi_test --cpuid-dump (the format of cpuid -r -1)\nCPU:\n");
	dump_range(0, 0x20);
	__cpuid(1, a, b, c, d);
	if (c & (1u << 31))	/* hypervisor present */
		dump_range(0x40000000, 0x10);
	dump_range(0x80000000, 0x28);
	return 0;
}
#else
static int cpuid_dump(void)
{
	fprintf(stderr, "fb_abi_test: --cpuid-dump needs an x86-64 CPU\n");
	return 4;
}
#endif

int main(int argc, char **argv)
{
	const char *state = NULL;
	FILE *f;
	int i;

	if (argc == 2 && !strcmp(argv[1], "--cpuid-dump"))
		return cpuid_dump();
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--tap-state") && i + 1 < argc) {
			state = argv[++i];
		} else if (!strcmp(argv[i], "--nodes") && i + 1 < argc) {
			nodes = (unsigned int)atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--module") && i + 1 < argc) {
			module = argv[++i];
		} else {
			fprintf(stderr, "usage: %s [--tap-state FILE] [--nodes N] [--module NAME] COMMAND...\n",
				argv[0]);
			return 2;
		}
	}
	if (i == argc || !nodes) {
		fprintf(stderr, "usage: %s [--tap-state FILE] [--nodes N] COMMAND...\n",
			argv[0]);
		return 2;
	}
	if (state) {
		f = fopen(state, "r");
		if (f) {
			if (fscanf(f, "%d", &tap_n) != 1)
				tap_n = 0;
			fclose(f);
		}
	}

	if (!open_dev()) {
		for (; i < argc; i++) {
			const struct command *c = find_command(argv[i]);

			diag("fb_abi_test %s", argv[i]);
			if (!c || (c->arg && i + 1 == argc)) {
				tap(false, "unknown command or missing argument: %s",
				    argv[i]);
				break;
			}
			c->fn(c->arg ? argv[++i] : NULL);
		}
	}

	if (fd >= 0)
		close(fd);
	if (state) {
		f = fopen(state, "w");
		if (f) {
			fprintf(f, "%d\n", tap_n);
			fclose(f);
		}
	}
	return tap_failed ? 1 : 0;
}
