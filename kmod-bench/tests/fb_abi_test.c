// SPDX-License-Identifier: GPL-2.0
/*
 * fb_abi_test: exercises /dev/foliobench (kmod-bench) through its ioctls and
 * prints TAP lines. Meant for the VM guests of tests/vm, as root, with
 * foliobench.ko loaded (and, for the dma commands, the TEST ONLY provider
 * fb_test_dma.ko). Build it static (kmod-bench/tests/Makefile, abi-test):
 *   gcc -static -O2 -Wall -Wextra -Wno-unused-parameter -I kmod-bench/uapi \
 *       kmod-bench/tests/fb_abi_test*.c
 * This file has main, TAP and the common ioctl wrappers; the commands are
 * in fb_abi_test_{info,cpu,mem,run,dma}.c by job (fb_abi_test.h lists them).
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
#include "fb_abi_test.h"

static int tap_n, tap_failed;
unsigned int nodes = 1;
struct foliobench_info info;
uint32_t llc_ids[MAX_CPUS];
uint64_t samples[MAX_ITERS];
uint32_t cpus_used[64];
uint64_t phases[MAX_ITERS][FOLIOBENCH_DMA_NR_PHASES];
struct foliobench_worker_time wtimes[MAX_ITERS * 2];
const char *module = "foliobench";	/* its /sys/module name */
int fd = -1;

/* ---- TAP ---- */

void tap(bool ok, const char *fmt, ...)
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

void skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("ok %d - ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
}

void diag(const char *fmt, ...)
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

int write_param(const char *mod, const char *name, const char *val)
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

long read_param(const char *mod, const char *name)
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

int errno_of(int ret)
{
	return ret ? errno : 0;
}

int get_info(struct foliobench_info *in)
{
	memset(in, 0, sizeof(*in));
	in->abi_version = FOLIOBENCH_ABI_VERSION;
	in->struct_size = sizeof(*in);
	in->llc_ids = (uintptr_t)llc_ids;
	in->llc_ids_len = MAX_CPUS;
	return errno_of(ioctl(fd, FOLIOBENCH_IOC_INFO, in));
}

const struct foliobench_func_info *func_variant(uint32_t func,
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

const struct foliobench_func_info *func_info(uint32_t func, uint32_t batched)
{
	return func_variant(func, batched, FOLIOBENCH_BATCH_MEMCPY);
}

const char *const batch_impl_names[3] = {
	"memcpy", "copy_page", "rep_movsq"
};

const char *impl_name(uint32_t impl)
{
	switch (impl) {
	case FOLIOBENCH_IMPL_NATIVE: return "native";
	case FOLIOBENCH_IMPL_REIMPL: return "module-reimplementation";
	case FOLIOBENCH_IMPL_MODULE: return "module";
	default: return "unavailable";
	}
}

const char *mode_name(uint32_t batched)
{
	return batched == FOLIOBENCH_KERNEL_MODE ? "kernel" :
	       batched ? "batched" : "per-page";
}

void run_init(struct foliobench_run *r)
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

void dma_init(struct foliobench_run *r, uint32_t chans)
{
	run_init(r);
	r->engine = FOLIOBENCH_ENGINE_DMA;
	r->nr_threads = 0;
	r->nr_dma_chans = chans;
}

int run(struct foliobench_run *r)
{
	memset(samples, 0, sizeof(samples));
	memset(phases, 0, sizeof(phases));
	memset(cpus_used, 0xff, sizeof(cpus_used));
	return errno_of(ioctl(fd, FOLIOBENCH_IOC_RUN, r));
}

/* NULL when a run that should have succeeded did; else what is wrong. */
const char *run_problem(const struct foliobench_run *r, int err)
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
const char *cpu_problem(const struct foliobench_run *r,
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


/* ---- main ---- */

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
