/* SPDX-License-Identifier: GPL-2.0-only */
/* Benchmark buffers on a chosen NUMA node with a chosen page backing. */
#ifndef FB_MEMORY_H
#define FB_MEMORY_H
#include <stdbool.h>
#include <stddef.h>

enum fb_backing { FB_BACK_AUTO, FB_BACK_4K, FB_BACK_THP, FB_BACK_HUGETLB };

struct fb_buffer {
	void *addr;
	size_t len;              /* usable bytes */
	size_t map_len;          /* bytes mapped */
	int node;
	enum fb_backing requested;
	bool hugetlb;
	size_t huge_page;        /* hugetlb page size */
	double thp_fraction;     /* of len backed by THP, from /proc/self/smaps */
	char backing[48];        /* "4K", "THP 2M (100%)", "hugetlb 2M", ... */
};

/* Named in bench/sweep/axis.c, the axis registry. */
const char *fb_backing_name(enum fb_backing b);
int fb_backing_parse(const char *s, enum fb_backing *b);

/* Is `node` a NUMA node with memory?  0 yes; -1 no, err says why. */
int fb_node_check(int node, char *err, size_t errlen);
/* Free bytes on node (or the whole machine with node < 0). */
long long fb_node_free_bytes(int node);

/* Every byte of a freshly allocated buffer holds this (nonzero) value. */
#define FB_BUFFER_FILL 0x5a

/*
 * Map len bytes bound to node, prefaulted by writing every page.  AUTO uses
 * THP for folios >= 2 MiB when the system allows it.  A HUGETLB request that
 * cannot be met fails.  0 on success, else -1 with err.
 */
int fb_buffer_alloc(struct fb_buffer *b, size_t len, int node, enum fb_backing req,
		    size_t folio_size, char *err, size_t errlen);
/* Every page of the buffer is on b->node?  0 yes, else -1 with err. */
int fb_buffer_check_node(const struct fb_buffer *b, char *err, size_t errlen);
void fb_buffer_free(struct fb_buffer *b);

#endif
