// SPDX-License-Identifier: GPL-2.0
/*
 * fb_abi_test: the DMA engine (fb_test_dma.ko): the dma-* commands.
 */
#include "fb_abi_test.h"

/* ---- dma ---- */

void cmd_dma_none(const char *arg)
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

void cmd_dma(const char *arg)
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

void cmd_dma_fail(const char *arg)
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

void cmd_dma_skip(const char *arg)
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

void cmd_dma_stall(const char *arg)
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

void cmd_dma_mode(const char *arg)
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

void cmd_dma_quarantine(const char *arg)
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

void cmd_dma_kill(const char *arg)
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
