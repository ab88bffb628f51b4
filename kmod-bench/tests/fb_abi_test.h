/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fb_abi_test: what its files share (see fb_abi_test.c for the commands).
 *   fb_abi_test.c       main, TAP, the common ioctl wrappers and checks,
 *                       the command table, --cpuid-dump
 *   fb_abi_test_info.c  info, kernel
 *   fb_abi_test_cpu.c   cpu, timing, hotplug, list (the CPU engine)
 *   fb_abi_test_mem.c   zones, cap (where the folios come from, how many)
 *   fb_abi_test_run.c   bad, perm, busy, intr-alloc (RUN's refusals and
 *                       interruptions)
 *   fb_abi_test_dma.c   dma-* (the DMA engine, fb_test_dma.ko)
 */
#ifndef FB_ABI_TEST_H
#define FB_ABI_TEST_H

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

/* fb_abi_test.c */
extern unsigned int nodes;
extern struct foliobench_info info;
extern uint32_t llc_ids[MAX_CPUS];
extern uint64_t samples[MAX_ITERS];
extern uint32_t cpus_used[64];
extern uint64_t phases[MAX_ITERS][FOLIOBENCH_DMA_NR_PHASES];
extern struct foliobench_worker_time wtimes[MAX_ITERS * 2];
extern const char *module;	/* its /sys/module name */
extern int fd;
extern const char *const batch_impl_names[3];

void tap(bool ok, const char *fmt, ...);
void skip(const char *why, const char *fmt, ...);
void diag(const char *fmt, ...);
int write_param(const char *mod, const char *name, const char *val);
long read_param(const char *mod, const char *name);
int errno_of(int ret);
int get_info(struct foliobench_info *in);
const struct foliobench_func_info *func_variant(uint32_t func,
						uint32_t batched,
						uint32_t batch_impl);
const struct foliobench_func_info *func_info(uint32_t func, uint32_t batched);
const char *impl_name(uint32_t impl);
const char *mode_name(uint32_t batched);
void run_init(struct foliobench_run *r);
void dma_init(struct foliobench_run *r, uint32_t chans);
int run(struct foliobench_run *r);
const char *run_problem(const struct foliobench_run *r, int err);
const char *cpu_problem(const struct foliobench_run *r,
			uint32_t want_split, uint32_t want_active);

/* What a forked RUN writes back to its parent (fb_abi_test_cpu.c, _run.c) */
struct moved_report {
	int err;
	uint32_t done, flags;
};

/* fb_abi_test_mem.c */
long node_free_kb(unsigned int node);

/* The commands, each in the file of its job */
void cmd_info(const char *arg);
void cmd_kernel(const char *arg);
void cmd_cpu(const char *arg);
void cmd_timing(const char *arg);
void cmd_hotplug(const char *arg);
void cmd_list(const char *arg);
void cmd_zones(const char *arg);
void cmd_cap(const char *arg);
void cmd_bad(const char *arg);
void cmd_perm(const char *arg);
void cmd_busy(const char *arg);
void cmd_intr_alloc(const char *arg);
void cmd_dma_none(const char *arg);
void cmd_dma(const char *arg);
void cmd_dma_fail(const char *arg);
void cmd_dma_skip(const char *arg);
void cmd_dma_stall(const char *arg);
void cmd_dma_mode(const char *arg);
void cmd_dma_quarantine(const char *arg);
void cmd_dma_kill(const char *arg);

#endif
