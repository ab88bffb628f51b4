/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A backend runs the iterations of one cell and hands back raw
 * nanoseconds; the engine owns repetition, statistics and results.
 */
#ifndef FB_BACKEND_H
#define FB_BACKEND_H
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include "counters.h"
#include "plan.h"
#include "stats.h"

struct fb_run_opts {
	unsigned warmup;         /* untimed iterations first */
	unsigned reps;           /* fixed count, or the minimum when adaptive */
	bool adaptive;           /* repeat until the 95% CI is within ci_target_pct */
	double ci_target_pct;
	double time_budget_s;    /* per cell, adaptive mode */
	unsigned max_reps;
	struct fb_counters *counters; /* NULL: none requested */
	unsigned long long llc_bytes; /* largest LLC, for --evict sweep */
	/* --inject-slowdown: the user backend lengthens every timed iteration
	 * so its GB/s drops by this percentage (0: off).  Only for testing the
	 * regression gate; run.json records it in options and notes. */
	double inject_slowdown_pct;
	/* kmod DMA engine (copy --dma-map/--dma-request/--dma-near/--dma-irq):
	 * the uapi's FOLIOBENCH_DMA_MAP_*, _REQUEST_*, _NEAR_*, _IRQ_* values;
	 * 0 is the module's default for each. */
	unsigned dma_map, dma_request, dma_near, dma_irq;
	/* kmod backend: copy on the calling thread (--inline, 1 thread) and
	 * may the folios come from ZONE_MOVABLE (--movable, FOLIOBENCH_MOVABLE_*) */
	bool kmod_inline;
	unsigned kmod_movable;
};

struct fb_result {
	double *samples_ns;      /* one per timed iteration */
	size_t n, cap;
	double bytes;            /* copied per iteration */
	struct fb_stats gbps;    /* of bytes / ns, GB = 1e9 bytes */
	int status;              /* FB_EXIT_OK, _FAIL or _SKIP (cannot run here) */
	char message[256];
	char backing_src[48], backing_dst[48];
	char implementation[224]; /* what actually copied: "userspace rep_movsq", ... */
	int verified;            /* -1 not asked, 0 mismatch, 1 identical */
	double counter_totals[FB_MAX_COUNTERS];
	bool counters_valid;
	json_object *extra;      /* backend facts: cpus used, DMA channels, ... */
};

struct fb_backend {
	const char *name;
	/* Can these cells run here?  FB_EXIT_OK; FB_EXIT_SKIP or FB_EXIT_USAGE
	 * with the reason in err. */
	int (*probe)(const struct fb_cell *cells, size_t n, char *err, size_t errlen);
	/* Set up one cell; NULL on error (message in err). */
	void *(*prepare)(const struct fb_cell *c, const struct fb_run_opts *o,
			 struct fb_result *r, char *err, size_t errlen);
	/* Run n timed iterations into ns[] (the first call runs o->warmup
	 * untimed ones first); returns how many ran, or -1 with r->status
	 * FB_EXIT_FAIL or FB_EXIT_SKIP and err set. */
	int (*iterate)(void *ctx, unsigned n, double *ns, struct fb_result *r,
		       char *err, size_t errlen);
	/* Verify when asked and release the cell: 0, or -1 with err. */
	int (*finish)(void *ctx, struct fb_result *r, char *err, size_t errlen);
	/* Backend facts for the run's machine block; may be NULL. */
	json_object *(*describe)(void);
	void (*shutdown)(void);
};

extern const struct fb_backend fb_backend_user;
extern const struct fb_backend fb_backend_kmod;
extern const struct fb_backend fb_backend_migrate; /* move_pages(2), backend_migrate.c */
/* store kernels (stores.h) over write-once records, backend_stores.c */
extern const struct fb_backend fb_backend_stores;
/* The backend of that name (the table in engine.c), NULL when none. */
const struct fb_backend *fb_backend_find(const char *name);

/*
 * The running kernel's own copy-path choices as foliobench.ko reads them
 * (its INFO): FB_EXIT_OK, else FB_EXIT_SKIP (module not loaded, not root)
 * or FB_EXIT_FAIL (another ABI) with err.  *kconfig (may be NULL) gets the
 * FOLIOBENCH_KC_* bits of the config the module was built with.
 */
struct fb_kview;
int fb_kmod_kernel_view(struct fb_kview *v, unsigned *kconfig, char *err, size_t errlen);

/* Set by SIGINT/SIGTERM; backends stop between iterations. */
extern volatile sig_atomic_t fb_interrupted;

#endif
