// SPDX-License-Identifier: GPL-2.0
/*
 * fb_abi_test: the CPU engine: the cpu, timing, hotplug and list commands.
 */
#include "fb_abi_test.h"

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

void cmd_cpu(const char *arg)
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

void cmd_timing(const char *arg)
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

void cmd_hotplug(const char *arg)
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

void cmd_list(const char *arg)
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
