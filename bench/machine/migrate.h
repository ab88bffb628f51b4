/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * End-to-end migration with move_pages(2): what the migrate backend reads
 * from and sets in the kernel.  mTHP sizes in sysfs (per size on 6.8+, only
 * the PMD size through the global switch on 6.1), the migration counters of
 * /proc/vmstat, TLB-shootdown IPIs from /proc/interrupts, the folio sizes a
 * buffer really got (/proc/self/pagemap + /proc/kpageflags), and the
 * per-cell parameters a struct fb_cell has no field for.
 */
#ifndef FB_MIGRATE_H
#define FB_MIGRATE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

/* ---- counters ---- */

enum fb_vmstat_item {
	FB_VM_PGMIGRATE_SUCCESS, FB_VM_PGMIGRATE_FAIL, FB_VM_THP_MIGRATION_SUCCESS,
	FB_VM_THP_MIGRATION_FAIL, FB_VM_THP_MIGRATION_SPLIT, FB_VM_NUMA_PAGES_MIGRATED,
	FB_VM_COUNT
};
extern const char *const fb_vmstat_names[FB_VM_COUNT];

struct fb_vmstat {
	long long v[FB_VM_COUNT];        /* -1: this kernel has no such line */
};

/* Parse /proc/vmstat text; returns how many of the counters were found. */
int fb_vmstat_parse(const char *text, struct fb_vmstat *out);
int fb_vmstat_read(struct fb_vmstat *out);
/* Sum over CPUs of the "TLB:" line of /proc/interrupts text; -1 without one
 * (architectures that flush without IPIs have none). */
long long fb_tlb_shootdowns_parse(const char *text);
long long fb_tlb_shootdowns_read(void);
/* A whole (proc/sysfs) file as a malloc'ed string, NULL on error. */
char *fb_read_text(const char *path);

/* ---- mTHP sizes ---- */

#define FB_THP_SYSFS "/sys/kernel/mm/transparent_hugepage"
#define FB_MTHP_MAX 24

struct fb_mthp_info {
	char root[256];                  /* FB_THP_SYSFS, or a test directory */
	bool thp;                        /* THP built in: root/enabled exists */
	bool per_size;                   /* root/hugepages-<kB>kB/enabled (6.8+) */
	uint64_t pmd_size;               /* root/hpage_pmd_size, 0 unknown */
	char global[16];                 /* the selected word of root/enabled */
	uint64_t offered[FB_MTHP_MAX];   /* anonymous folio sizes, 4K first */
	int noffered;
};

/* What this kernel offers (4K only without THP); returns 0. */
int fb_mthp_probe(const char *root, struct fb_mthp_info *mi);
bool fb_mthp_offers(const struct fb_mthp_info *mi, uint64_t size);
/* "4K, 16K, ..., 2M" */
const char *fb_mthp_offered_str(const struct fb_mthp_info *mi, char *buf, size_t len);
/*
 * Make `size` the one THP size anonymous memory with MADV_HUGEPAGE faults
 * in: the global switch at least "madvise", that size enabled, every other
 * size "never".  Returns 0 when the settings now give that size, 1 when they
 * could not be changed (not root) and the run uses what the system allows;
 * note says what was changed or why not.  Old values are kept for
 * fb_mthp_restore(), which also runs at exit.
 */
int fb_mthp_apply(const struct fb_mthp_info *mi, uint64_t size, char *note, size_t len);
/* Put back everything fb_mthp_apply changed; a second call does nothing. */
void fb_mthp_restore(void);
/* [{"file", "was", "now"}] of the changes in effect (a new object). */
json_object *fb_mthp_changes_json(void);

/* ---- the folio sizes a buffer got ---- */

#define FB_MIX_ORDERS 19                 /* 4K << 0 .. 4K << 18 (1G) */
#define FB_KPF_COMPOUND_HEAD 15          /* include/uapi/linux/kernel-page-flags.h */
#define FB_KPF_COMPOUND_TAIL 16

struct fb_folio_mix {
	uint64_t folios[FB_MIX_ORDERS];  /* folios of 4K << order */
	uint64_t pages[FB_MIX_ORDERS];   /* 4K pages in them */
	uint64_t unknown;                /* pages whose folio could not be seen */
	uint64_t npages;
	const char *source;              /* "kpageflags" or "smaps" */
};

/* Folios from the PFN (0: unknown) and kpageflags word of each 4K page of a
 * virtually contiguous range, in address order. */
void fb_folio_mix_classify(const uint64_t *pfn, const uint64_t *kflags, size_t n,
			   struct fb_folio_mix *m);
/* Of [addr, addr+len): kpageflags when readable (root), else smaps, which
 * only sees PMD-mapped THP.  0, or -1 with err. */
int fb_folio_mix_read(const void *addr, size_t len, struct fb_folio_mix *m,
		      char *err, size_t errlen);
/* "2M 100%", "64K 97%, 4K 3%", "2M 50%, ? 50%" */
const char *fb_folio_mix_str(const struct fb_folio_mix *m, char *buf, size_t len);
json_object *fb_folio_mix_json(const struct fb_folio_mix *m);
uint64_t fb_folio_mix_nfolios(const struct fb_folio_mix *m);
/* Fraction of the pages that sit in folios of exactly `size` bytes. */
double fb_folio_mix_fraction(const struct fb_folio_mix *m, uint64_t size);

/* ---- data and placement ---- */

/* Every 8 bytes a function of their offset, so lost or misplaced pages show. */
void fb_mig_pattern_fill(void *p, size_t len);
/* Offset of the first byte that differs from the pattern, len when intact. */
size_t fb_mig_pattern_check(const void *p, size_t len);

/* ---- per-cell parameters (fb_cell has no field for them) ---- */

/* A migrate cell's params (fb_cell.params), planned by fb_plan_migrate. */
struct fb_migrate_params {
	uint64_t batch_pages;            /* pages per move_pages call */
	bool batch_all;                  /* the whole buffer in one call */
	bool load;                       /* a thread reads and writes the memory */
	int accessor_cpu;                /* with load; -1 otherwise */
};

#endif
