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

const char *fb_mode_name(enum fb_mode m);          /* "per-page", "batched", "kernel" */
int fb_mode_parse(const char *s, enum fb_mode *m);
const char *fb_split_name(enum fb_split s);        /* "auto", "chunk", "folio" */
int fb_split_parse(const char *s, enum fb_split *sp);

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
	const char *experiment;        /* "copy" (NULL means copy), "stores", "migrate" */
	const char *backend;
	char function[24];             /* "" when an explicit primitive is run */
	int kernel_model;              /* enum fb_kernel_model, or -1 */
	char primitive[24];            /* user backend: the primitive run */
	char kernel_path[256];         /* what the modelled kernel runs, and why */
	enum fb_mode mode;
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
/* The same for the running kernel (uname). */
enum fb_kernel_model fb_running_kernel_model(void);

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
int fb_plan_build(const struct fb_spec *spec, const struct fb_topology *topo,
		  struct fb_cell **cells, size_t *ncells, char *err, size_t errlen);

/* Frees the lists in spec (heap-allocated by the CLI's parsers), zeroes it. */
void fb_spec_free(struct fb_spec *spec);

/* "folio_copy batched 6.12 2M x512 t2 spread 0->0" for progress lines. */
const char *fb_cell_label(const struct fb_cell *c, char *buf, size_t len);

#endif
