/* SPDX-License-Identifier: GPL-2.0-only */
/* Runs the cells of a plan on a backend: warm-up, repetitions, statistics. */
#ifndef FB_ENGINE_H
#define FB_ENGINE_H
#include <stddef.h>
#include "backend.h"

/*
 * Run cells[0..n) in order.  Fills results[i] for every cell that ran; on
 * interruption stops early and sets *ndone.  Returns FB_EXIT_OK when every
 * cell ran, FB_EXIT_FAIL when any cell failed or the run was interrupted.
 * progress: report on stderr (a line kept up to date on a terminal, else
 * a line every few seconds), with the elapsed time and an estimate of the
 * time left.
 */
int fb_engine_run(const struct fb_backend *be, const struct fb_cell *cells, size_t n,
		  const struct fb_run_opts *o, struct fb_result *results, size_t *ndone,
		  bool progress);
void fb_result_free(struct fb_result *r);
/* Install SIGINT/SIGTERM/SIGHUP handlers that set fb_interrupted to the
 * signal's number. */
void fb_engine_trap_signals(void);
/* The shell's status for the signal that interrupted the run: 128 + its
 * number (130 for SIGINT, 143 for SIGTERM); 0 when none did. */
int fb_interrupt_status(void);

#endif
