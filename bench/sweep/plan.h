/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The sweep: a spec (the axes the user asked for) expands into cells, each
 * one fully resolved configuration that any backend can run.
 */
#ifndef FB_PLAN_H
#define FB_PLAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "evict.h"
#include "kpath.h"
#include "memory.h"
#include "topology.h"

#define FB_MAX_THREADS 256
#define FB_PAGE_SIZE 4096ULL

/* FB_MODE_KERNEL: whatever this kernel's own function does (kmod only). */
enum fb_mode { FB_MODE_PER_PAGE, FB_MODE_BATCHED, FB_MODE_KERNEL, FB_MODE_COUNT };
enum fb_split { FB_SPLIT_AUTO, FB_SPLIT_CHUNK, FB_SPLIT_FOLIO };
/*
 * How a batched folio_copy copies a folio (seed 000's question): one memcpy
 * over it (the RFC, today's batched mode), the per-page primitive copy_page
 * on each page without the per-page overhead, or one rep movsq over it.
 */
enum fb_batch_impl { FB_BATCH_MEMCPY, FB_BATCH_COPY_PAGE, FB_BATCH_REP_MOVSQ, FB_BATCH_COUNT };

/* The names of modes, splits and batch impls: bench/sweep/axis.c, the axis registry. */
const char *fb_mode_name(enum fb_mode m);          /* "per-page", "batched", "kernel" */
int fb_mode_parse(const char *s, enum fb_mode *m);
const char *fb_split_name(enum fb_split s);        /* "auto", "chunk", "folio" */
int fb_split_parse(const char *s, enum fb_split *sp);
const char *fb_batch_impl_name(enum fb_batch_impl b); /* "memcpy", "copy_page", "rep_movsq" */
int fb_batch_impl_parse(const char *s, enum fb_batch_impl *b);

struct fb_node_pair {
	int src, dst;
};

struct fb_spec {
	const char *backend;           /* "user" or "kmod" */
	char **functions;              /* folio_copy, folio_mc_copy, folios_mc_copy */
	size_t nfunctions;
	char **primitives;             /* explicit primitives instead of functions */
	size_t nprimitives;
	enum fb_kernel_model kmodels[FB_KM_COUNT];
	size_t nkmodels;               /* 0: the running kernel's line */
	enum fb_mode modes[FB_MODE_COUNT];
	size_t nmodes;
	enum fb_batch_impl batch_impls[FB_BATCH_COUNT];
	size_t nbatch_impls;           /* 0: memcpy, not recorded (as before the axis) */
	uint64_t *folio_sizes;
	size_t nsizes;
	uint64_t total;                /* bytes per cell, when counts is empty */
	bool total_given;
	uint64_t *counts;              /* folio counts axis */
	size_t ncounts;
	uint64_t *threads;
	size_t nthreads;
	uint64_t *channels;            /* DMA channels axis (kmod); empty: CPU */
	size_t nchannels;
	enum fb_split split;
	enum fb_placement placements[3];
	size_t nplacements;
	int *cpulist;
	int ncpulist;
	bool oversubscribe;
	struct fb_node_pair *nodes;
	size_t nnodes;
	enum fb_evict evicts[4];
	size_t nevicts;
	enum fb_backing backing;
	bool verify;
	bool src_zero;
};

struct fb_cell {
	int id;
	/* The experiment's own per-cell parameters (struct fb_migrate_params
	 * for migrate), NULL when it has none; owned by whoever planned. */
	const void *params;
	const char *experiment;        /* "copy" (NULL means copy), "stores", "migrate" */
	const char *backend;
	char function[24];             /* "" when an explicit primitive is run */
	int kernel_model;              /* enum fb_kernel_model, or -1 */
	char primitive[24];            /* user backend: the primitive run */
	struct fb_kpath_record kernel_path; /* what the modelled kernel runs, and why */
	enum fb_mode mode;
	enum fb_batch_impl batch_impl; /* batched cells; memcpy otherwise */
	bool batch_impl_recorded;      /* --batch-impl given: in the cell's config */
	uint64_t folio_size, folio_count;
	int threads;
	enum fb_split split;           /* resolved: chunk or folio */
	enum fb_placement placement;
	int cpus[FB_MAX_THREADS];
	int channels;                  /* 0: CPU copy */
	int src_node, dst_node;
	enum fb_evict evict;
	enum fb_backing backing;
	bool verify;
	bool src_zero;                 /* source all zeros (as perf bench), not the pattern */
};

static inline uint64_t fb_cell_bytes(const struct fb_cell *c)
{
	return c->folio_size * c->folio_count;
}

/*
 * The mtcopy rule: fewer folios than threads -> split every folio into
 * chunks; otherwise hand out contiguous blocks of whole folios.
 */
enum fb_split fb_split_resolve(enum fb_split s, uint64_t folios, int threads);

/* Kernel model matching a kernel release string ("6.1.0-..." -> 6.1). */
enum fb_kernel_model fb_kernel_model_of_release(const char *release);

/*
 * The machine a sweep is planned for.  The plan reads nothing itself: the
 * caller gathers this (experiment.h fb_plan_machine_here for this machine),
 * so a test can plan for another machine.
 */
struct fb_plan_machine {
	const struct fb_cpu *cpu;          /* whose copy paths the user backend models */
	const struct fb_kboot *kboot;      /* boot inputs of those paths */
	enum fb_kernel_model running;      /* the running kernel's line */
	const struct fb_topology *topo;    /* CPUs, LLC domains, NUMA nodes */
	/* 0 when NUMA node has memory, else -1 with why (fb_node_check here) */
	int (*node_check)(int node, char *why, size_t whylen);
};

/* The cells one run may plan (the product of its axis lists): a larger
 * sweep is a usage error, to be split over several runs. */
#define FB_MAX_CELLS 100000
/*
 * The product of dims[0..n): the cells of a sweep.  0, or -1 with a
 * one-line message in err when it overflows or exceeds FB_MAX_CELLS.
 */
int fb_plan_count(const size_t *dims, size_t n, size_t *cells, char *err, size_t errlen);

/*
 * Expand spec into cells.  Validates everything that can be checked before
 * running; on error returns -1 with a one-line message in err.
 */
int fb_plan_build(const struct fb_spec *spec, const struct fb_plan_machine *m,
		  struct fb_cell **cells, size_t *ncells, char *err, size_t errlen);

/* The streaming-store sweep (seed 004): kernel x threads x placement x evict. */
struct fb_stores_spec {
	char **kernels;                /* store kernel names, known to stores.h */
	size_t nkernels;
	uint64_t record, total;        /* bytes per record, bytes per pass */
	uint64_t *threads;
	size_t nthreads;
	enum fb_placement placements[2];
	size_t nplacements;
	int *cpulist;
	int ncpulist;
	bool oversubscribe;
	int node;
	enum fb_evict evicts[3];
	size_t nevicts;
	enum fb_backing backing;
	bool verify;
};

/*
 * Stores cells: the record sits in folio_size, the store kernel in
 * primitive, and a kernel that models a kernel routine gets its path on the
 * running kernel's line.  0, or -1 with err.
 */
int fb_plan_stores(const struct fb_stores_spec *spec, const struct fb_plan_machine *m,
		   struct fb_cell **cells, size_t *ncells, char *err, size_t errlen);
void fb_stores_spec_free(struct fb_stores_spec *spec);

/* The move_pages(2) sweep: direction x folio size x folio count x batch x load. */
#define FB_MIGRATE_MAX_BATCHES 64
struct fb_migrate_spec {
	struct fb_node_pair *pairs;
	size_t npairs;
	uint64_t *sizes;               /* mTHP folio sizes */
	size_t nsizes;
	uint64_t *counts;              /* folios per move instead of total */
	size_t ncounts;
	uint64_t batches[FB_MIGRATE_MAX_BATCHES]; /* pages per call, 0: all */
	size_t nbatches;
	bool loads[2];                 /* none, rw */
	uint64_t total;                /* bytes per move, without counts */
	int *cpulist;                  /* mover[, accessor] */
	int ncpulist;
};

/*
 * Migrate cells and their parameters (*params: struct fb_migrate_params
 * per cell, each cell's params pointing at its own).  The mover runs on a
 * CPU of the destination node, else of the source, else any; the rw
 * thread on another CPU.  0, or -1 with err; free both.
 */
int fb_plan_migrate(const struct fb_migrate_spec *spec, const struct fb_plan_machine *m,
		    struct fb_cell **cells, size_t *ncells, void **params,
		    char *err, size_t errlen);
void fb_migrate_spec_free(struct fb_migrate_spec *spec);

/* Frees the lists in spec (heap-allocated by the CLI's parsers), zeroes it. */
void fb_spec_free(struct fb_spec *spec);

/* "folio_copy batched 6.12 2M x512 t2 spread 0->0" for progress lines. */
const char *fb_cell_label(const struct fb_cell *c, char *buf, size_t len);

#endif
