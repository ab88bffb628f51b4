// SPDX-License-Identifier: GPL-2.0
/*
 * The copy functions under test, as data: fb_funcs[] has one entry per
 * (function, per page | batched). Where this kernel does not export a
 * function to modules (6.1 has neither folio_copy nor folio_mc_copy for
 * modules) the entry runs the module's reimplementation of the same per-page
 * loop and says so (FOLIOBENCH_IMPL_REIMPL), never just the kernel's name.
 */
#include <linux/bitops.h>
#include <linux/highmem.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include "foliobench.h"

/* ---- per page, as the kernel does it ---- */

/* folio_copy()'s loop of mm/util.c over pages [first, first + nr). */
static void fb_copy_pages(struct folio *dst, struct folio *src, long first,
			  long nr)
{
	long i = first, end = first + nr;

	for (;;) {
		copy_highpage(folio_page(dst, i), folio_page(src, i));
		if (++i == end)
			break;
		cond_resched();
	}
}

/* copy_mc_highpage() as 6.12's highmem.h has it (6.1 has none). */
static int fb_copy_mc_page(struct page *to, struct page *from)
{
	unsigned long ret;
	char *vfrom, *vto;

	vfrom = kmap_local_page(from);
	vto = kmap_local_page(to);
	ret = copy_mc_to_kernel(vto, vfrom, PAGE_SIZE);
	kunmap_local(vto);
	kunmap_local(vfrom);

	if (ret)
		memory_failure_queue(page_to_pfn(from), 0);

	return ret ? -EHWPOISON : 0;
}

/* folio_mc_copy()'s loop of mm/util.c (6.12) over pages [first, first + nr). */
static int fb_mc_copy_pages(struct folio *dst, struct folio *src, long first,
			    long nr)
{
	long i = first, end = first + nr;

	for (;;) {
		if (fb_copy_mc_page(folio_page(dst, i), folio_page(src, i)))
			return -EHWPOISON;
		if (++i == end)
			break;
		cond_resched();
	}

	return 0;
}

static int fb_folio_copy(struct folio *dst, struct folio *src)
{
#ifdef FB_HAVE_FOLIO_COPY
	folio_copy(dst, src);
#else
	fb_copy_pages(dst, src, 0, folio_nr_pages(src));
#endif
	return 0;
}

static int fb_folio_mc_copy(struct folio *dst, struct folio *src)
{
#ifdef FB_HAVE_FOLIO_MC_COPY
	return folio_mc_copy(dst, src);
#else
	return fb_mc_copy_pages(dst, src, 0, folio_nr_pages(src));
#endif
}

/* The chunk split of a per-page function: whole pages of one folio. */
static int fb_copy_pages_range(struct folio *dst, struct folio *src,
			       size_t off, size_t len)
{
	fb_copy_pages(dst, src, off >> PAGE_SHIFT, len >> PAGE_SHIFT);
	return 0;
}

static int fb_mc_copy_pages_range(struct folio *dst, struct folio *src,
				  size_t off, size_t len)
{
	return fb_mc_copy_pages(dst, src, off >> PAGE_SHIFT, len >> PAGE_SHIFT);
}

/* ---- batched, as the RFC proposes (seed 000) ---- */

/*
 * copy_highpages()/copy_mc_highpages() of the RFC without HIGHMEM: one
 * memcpy()/copy_mc_to_kernel() over the folio's linear mapping; on a machine
 * check, memory_failure_queue() for the failing pfn and -EHWPOISON.
 */
static int fb_copy_highpages_range(struct folio *dst, struct folio *src,
				   size_t off, size_t len)
{
	memcpy(folio_address(dst) + off, folio_address(src) + off, len);
	return 0;
}

static int fb_copy_mc_highpages_range(struct folio *dst, struct folio *src,
				      size_t off, size_t len)
{
	unsigned long rem;

	rem = copy_mc_to_kernel(folio_address(dst) + off,
				folio_address(src) + off, len);
	if (rem) {
		memory_failure_queue(folio_pfn(src) +
				     ((off + len - rem) >> PAGE_SHIFT), 0);
		return -EHWPOISON;
	}

	return 0;
}

static int fb_copy_highpages(struct folio *dst, struct folio *src)
{
	return fb_copy_highpages_range(dst, src, 0, folio_size(src));
}

static int fb_copy_mc_highpages(struct folio *dst, struct folio *src)
{
	return fb_copy_mc_highpages_range(dst, src, 0, folio_size(src));
}

/* ---- a list of folios with a per-folio marker (seed 002) ---- */

/*
 * folios_mc_copy() as reworked in seed 002: walk the src and dst lists in
 * lockstep, mark every dst whose content was copied ("content copied"),
 * stop at the first failure; then each folio without the mark is copied on
 * its own with folio_mc_copy(), as __migrate_folio() would. The module
 * parameter fail_folio_index of the test build makes the batch copy of that
 * folio fail.
 */
int fb_list_copy(struct fb_run_ctx *ctx, struct list_head *dst_list,
		 struct list_head *src_list, u32 first)
{
	const struct fb_func *fn = ctx->fn;
	struct folio *src, *dst;
	u32 i = first;
	int ret;

	dst = list_first_entry(dst_list, struct folio, lru);
	list_for_each_entry(src, src_list, lru) {
		if (i == ctx->fail_index || fn->copy(dst, src))
			break;
		set_bit(i, ctx->copied);
		dst = list_next_entry(dst, lru);
		i++;
		cond_resched();
	}

	i = first;
	dst = list_first_entry(dst_list, struct folio, lru);
	list_for_each_entry(src, src_list, lru) {
		if (!test_bit(i, ctx->copied)) {
			ret = fn->fallback(dst, src);
			if (ret)
				return ret;
			atomic64_inc(&ctx->list_fallbacks);
		}
		dst = list_next_entry(dst, lru);
		i++;
		cond_resched();
	}

	return 0;
}

/* ---- the table ---- */

#ifdef FB_HAVE_FOLIO_COPY
#define FB_COPY_IMPL	FOLIOBENCH_IMPL_NATIVE
#define FB_COPY_DESC	"kernel folio_copy(): copy_highpage() per page"
#else
#define FB_COPY_IMPL	FOLIOBENCH_IMPL_REIMPL
#define FB_COPY_DESC	"module reimplementation of folio_copy() (not exported here): copy_highpage() per page"
#endif

#ifdef FB_HAVE_FOLIO_MC_COPY
#define FB_MC_IMPL	FOLIOBENCH_IMPL_NATIVE
#define FB_MC_DESC	"kernel folio_mc_copy(): copy_mc_highpage() per page"
#define FB_LIST_INNER	"kernel folio_mc_copy()"
#else
#define FB_MC_IMPL	FOLIOBENCH_IMPL_REIMPL
#define FB_MC_DESC	"module reimplementation of folio_mc_copy() (not exported here): copy_mc_to_kernel() per page"
#define FB_LIST_INNER	"module reimplementation of folio_mc_copy()"
#endif

/* The RFC helpers need the folio in the linear map. */
#ifdef CONFIG_HIGHMEM
#define FB_BATCHED_IMPL	FOLIOBENCH_IMPL_UNAVAILABLE
#else
#define FB_BATCHED_IMPL	FOLIOBENCH_IMPL_MODULE
#endif

const char fb_chunk_pp_desc[] =
	"module per-page loop over a chunk of each folio (kernel functions copy whole folios)";

const struct fb_func fb_funcs[] = {
	{
		.name = "folio_copy",
		.desc = FB_COPY_DESC,
		.func = FOLIOBENCH_FUNC_FOLIO_COPY, .batched = 0,
		.impl = FB_COPY_IMPL, .inner_impl = FB_COPY_IMPL,
		.copy = fb_folio_copy,
		.copy_range = fb_copy_pages_range,
	}, {
		.name = "folio_mc_copy",
		.desc = FB_MC_DESC,
		.func = FOLIOBENCH_FUNC_FOLIO_MC_COPY, .batched = 0,
		.impl = FB_MC_IMPL, .inner_impl = FB_MC_IMPL,
		.copy = fb_folio_mc_copy,
		.copy_range = fb_mc_copy_pages_range,
	}, {
		.name = "copy_highpages",
		.desc = "RFC copy_highpages() (module): one memcpy() over each folio",
		.func = FOLIOBENCH_FUNC_FOLIO_COPY, .batched = 1,
		.impl = FB_BATCHED_IMPL, .inner_impl = FB_BATCHED_IMPL,
		.copy = fb_copy_highpages,
		.copy_range = fb_copy_highpages_range,
	}, {
		.name = "copy_mc_highpages",
		.desc = "RFC copy_mc_highpages() (module): one copy_mc_to_kernel() over each folio",
		.func = FOLIOBENCH_FUNC_FOLIO_MC_COPY, .batched = 1,
		.impl = FB_BATCHED_IMPL, .inner_impl = FB_BATCHED_IMPL,
		.copy = fb_copy_mc_highpages,
		.copy_range = fb_copy_mc_highpages_range,
	}, {
		.name = "folios_mc_copy",
		.desc = "list copy, per-folio marker (module, seed 002), over " FB_LIST_INNER,
		.func = FOLIOBENCH_FUNC_FOLIOS_MC_COPY, .batched = 0,
		.impl = FOLIOBENCH_IMPL_MODULE, .inner_impl = FB_MC_IMPL,
		.list = true,
		.copy = fb_folio_mc_copy,
		.fallback = fb_folio_mc_copy,
	}, {
		.name = "folios_mc_copy_batched",
		.desc = "list copy, per-folio marker (module, seed 002), over copy_mc_highpages()",
		.func = FOLIOBENCH_FUNC_FOLIOS_MC_COPY, .batched = 1,
		.impl = FOLIOBENCH_IMPL_MODULE, .inner_impl = FB_BATCHED_IMPL,
		.list = true,
		.copy = fb_copy_mc_highpages,
		.fallback = fb_folio_mc_copy,
	},
};

const unsigned int fb_nr_funcs = ARRAY_SIZE(fb_funcs);

const struct fb_func *fb_func_find(u32 func, u32 batched)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fb_funcs); i++)
		if (fb_funcs[i].func == func && fb_funcs[i].batched == batched)
			return &fb_funcs[i];
	return NULL;
}
