// SPDX-License-Identifier: GPL-2.0
/*
 * fb_abi_test: RUN's refusals and interruptions: the bad, perm, busy and
 * intr-alloc commands.
 */
#include "fb_abi_test.h"

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

void cmd_bad(const char *arg)
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

void cmd_perm(const char *arg)
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

void cmd_busy(const char *arg)
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

void cmd_intr_alloc(const char *arg)
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
