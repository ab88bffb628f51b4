// SPDX-License-Identifier: GPL-2.0
/*
 * The copy functions under test, as data: fb_funcs[] has one entry per
 * (function, per page | batched | kernel mode, batched variant). Where this kernel does not export a
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

/*
 * On a kernel with the RFC applied the exported folio_copy()/folio_mc_copy()
 * are the batched ones (thin wrappers over copy_highpages() and
 * copy_mc_highpages() without HIGHMEM), so a per-page cell runs the module's
 * own per-page loop there, labelled as such; FOLIOBENCH_KERNEL_MODE runs the
 * export whatever it does.
 */
#if defined(FB_KERNEL_COPY_HIGHPAGES) && !defined(CONFIG_HIGHMEM) && \
	!defined(__HAVE_ARCH_COPY_HIGHPAGE)
#define FB_KERNEL_BATCHED_COPY
#endif
#if defined(FB_KERNEL_COPY_MC_HIGHPAGES) && !defined(CONFIG_HIGHMEM) && \
	!defined(__HAVE_ARCH_COPY_HIGHPAGE)
#define FB_KERNEL_BATCHED_MC_COPY
#endif

static int fb_folio_copy(struct folio *dst, struct folio *src)
{
#if defined(FB_HAVE_FOLIO_COPY) && !defined(FB_KERNEL_BATCHED_COPY)
	folio_copy(dst, src);
#else
	fb_copy_pages(dst, src, 0, folio_nr_pages(src));
#endif
	return 0;
}

static int fb_folio_mc_copy(struct folio *dst, struct folio *src)
{
#if defined(FB_HAVE_FOLIO_MC_COPY) && !defined(FB_KERNEL_BATCHED_MC_COPY)
	return folio_mc_copy(dst, src);
#else
	return fb_mc_copy_pages(dst, src, 0, folio_nr_pages(src));
#endif
}

/* FOLIOBENCH_KERNEL_MODE: the kernel's export, per page or batched. */
#ifdef FB_HAVE_FOLIO_COPY
static int fb_kernel_folio_copy(struct folio *dst, struct folio *src)
{
	folio_copy(dst, src);
	return 0;
}
#else
#define fb_kernel_folio_copy	NULL
#endif

#ifdef FB_HAVE_FOLIO_MC_COPY
static int fb_kernel_folio_mc_copy(struct folio *dst, struct folio *src)
{
	return folio_mc_copy(dst, src);
}
#else
#define fb_kernel_folio_mc_copy	NULL
#endif

u32 fb_kernel_patches(void)
{
	u32 kp = 0;

#ifdef FB_KERNEL_COPY_HIGHPAGES
	kp |= FOLIOBENCH_KP_COPY_HIGHPAGES;
#endif
#ifdef FB_KERNEL_COPY_MC_HIGHPAGES
	kp |= FOLIOBENCH_KP_COPY_MC_HIGHPAGES;
#endif
#ifdef FB_KERNEL_FOLIOS_MC_COPY
	kp |= FOLIOBENCH_KP_FOLIOS_MC_COPY;
#endif
#ifdef FB_KERNEL_MIGRATE_OFFLOAD
	kp |= FOLIOBENCH_KP_MIGRATE_OFFLOAD;
#endif
#ifdef FB_KERNEL_BATCHED_COPY
	kp |= FOLIOBENCH_KP_BATCHED_FOLIO_COPY;
#endif
#ifdef FB_KERNEL_BATCHED_MC_COPY
	kp |= FOLIOBENCH_KP_BATCHED_FOLIO_MC_COPY;
#endif
	return kp;
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

/* The RFC helpers need the folio in the linear map. */
#ifdef CONFIG_HIGHMEM
#define FB_BATCHED_IMPL	FOLIOBENCH_IMPL_UNAVAILABLE
#else
#define FB_BATCHED_IMPL	FOLIOBENCH_IMPL_MODULE
#endif

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

/*
 * The batched variants of seed 000's question (FOLIOBENCH_BATCH_*): what the
 * RFC's speedup is made of. copy_page() on each page of the linear map is
 * folio_copy()'s per-page primitive without its per-page kmap and
 * cond_resched(); one rep movsq over the folio is what a page-aligned fast
 * path of copy_highpages() could run instead of memcpy(). Without HIGHMEM
 * only, as the RFC helpers (FB_BATCHED_IMPL).
 */
static int fb_copy_page_loop_range(struct folio *dst, struct folio *src,
				   size_t off, size_t len)
{
	char *to = folio_address(dst) + off;
	char *from = folio_address(src) + off;
	size_t i;

	for (i = 0; i < len; i += PAGE_SIZE)
		copy_page(to + i, from + i);
	return 0;
}

static int fb_copy_page_loop(struct folio *dst, struct folio *src)
{
	return fb_copy_page_loop_range(dst, src, 0, folio_size(src));
}

#ifdef CONFIG_X86_64
/* len is a multiple of 8: whole pages or cache-line chunks of a folio */
static int fb_rep_movsq_range(struct folio *dst, struct folio *src,
			      size_t off, size_t len)
{
	void *to = folio_address(dst) + off;
	const void *from = folio_address(src) + off;
	unsigned long quads = len / 8;

	asm volatile("rep movsq"
		     : "+D" (to), "+S" (from), "+c" (quads)
		     : : "memory");
	return 0;
}

static int fb_rep_movsq(struct folio *dst, struct folio *src)
{
	return fb_rep_movsq_range(dst, src, 0, folio_size(src));
}

#define FB_REP_MOVSQ_IMPL	FB_BATCHED_IMPL
#define FB_REP_MOVSQ_DESC	"batched variant (module): one rep movsq over each folio"
#else
#define fb_rep_movsq		NULL
#define fb_rep_movsq_range	NULL
#define FB_REP_MOVSQ_IMPL	FOLIOBENCH_IMPL_UNAVAILABLE
#define FB_REP_MOVSQ_DESC	"batched variant rep movsq: x86-64 only"
#endif

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

#if defined(FB_HAVE_FOLIO_COPY) && !defined(FB_KERNEL_BATCHED_COPY)
#define FB_COPY_IMPL	FOLIOBENCH_IMPL_NATIVE
#define FB_COPY_DESC	"kernel folio_copy(): copy_highpage() per page"
#elif defined(FB_HAVE_FOLIO_COPY)
#define FB_COPY_IMPL	FOLIOBENCH_IMPL_REIMPL
#define FB_COPY_DESC	"module per-page loop of copy_highpage() (this kernel's folio_copy() is batched)"
#else
#define FB_COPY_IMPL	FOLIOBENCH_IMPL_REIMPL
#define FB_COPY_DESC	"module reimplementation of folio_copy() (not exported here): copy_highpage() per page"
#endif

#if defined(FB_HAVE_FOLIO_MC_COPY) && !defined(FB_KERNEL_BATCHED_MC_COPY)
#define FB_MC_IMPL	FOLIOBENCH_IMPL_NATIVE
#define FB_MC_DESC	"kernel folio_mc_copy(): copy_mc_highpage() per page"
#define FB_LIST_INNER	"kernel folio_mc_copy()"
#elif defined(FB_HAVE_FOLIO_MC_COPY)
#define FB_MC_IMPL	FOLIOBENCH_IMPL_REIMPL
#define FB_MC_DESC	"module per-page loop of copy_mc_to_kernel() (this kernel's folio_mc_copy() is batched)"
#define FB_LIST_INNER	"the module's per-page loop"
#else
#define FB_MC_IMPL	FOLIOBENCH_IMPL_REIMPL
#define FB_MC_DESC	"module reimplementation of folio_mc_copy() (not exported here): copy_mc_to_kernel() per page"
#define FB_LIST_INNER	"module reimplementation of folio_mc_copy()"
#endif

/* Kernel mode: only where the kernel exports the function. */
#ifndef FB_HAVE_FOLIO_COPY
#define FB_KCOPY_IMPL	FOLIOBENCH_IMPL_UNAVAILABLE
#define FB_KCOPY_DESC	"kernel folio_copy() is not exported to modules here"
#elif defined(FB_KERNEL_BATCHED_COPY)
#define FB_KCOPY_IMPL	FOLIOBENCH_IMPL_NATIVE
#define FB_KCOPY_DESC	"kernel folio_copy(), batched by this kernel (copy_highpages())"
#else
#define FB_KCOPY_IMPL	FOLIOBENCH_IMPL_NATIVE
#define FB_KCOPY_DESC	"kernel folio_copy(), per page by this kernel (copy_highpage())"
#endif

#ifndef FB_HAVE_FOLIO_MC_COPY
#define FB_KMC_IMPL	FOLIOBENCH_IMPL_UNAVAILABLE
#define FB_KMC_DESC	"kernel folio_mc_copy() is not exported to modules here"
#elif defined(FB_KERNEL_BATCHED_MC_COPY)
#define FB_KMC_IMPL	FOLIOBENCH_IMPL_NATIVE
#define FB_KMC_DESC	"kernel folio_mc_copy(), batched by this kernel (copy_mc_highpages())"
#else
#define FB_KMC_IMPL	FOLIOBENCH_IMPL_NATIVE
#define FB_KMC_DESC	"kernel folio_mc_copy(), per page by this kernel (copy_mc_highpage())"
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
		.list = true, .whole_folios = true,
		.copy = fb_folio_mc_copy,
		.fallback = fb_folio_mc_copy,
	}, {
		.name = "folios_mc_copy_batched",
		.desc = "list copy, per-folio marker (module, seed 002), over copy_mc_highpages()",
		.func = FOLIOBENCH_FUNC_FOLIOS_MC_COPY, .batched = 1,
		.impl = FOLIOBENCH_IMPL_MODULE, .inner_impl = FB_BATCHED_IMPL,
		.list = true, .whole_folios = true,
		.copy = fb_copy_mc_highpages,
		.fallback = fb_folio_mc_copy,
	}, {
		.name = "folio_copy",
		.desc = FB_KCOPY_DESC,
		.func = FOLIOBENCH_FUNC_FOLIO_COPY,
		.batched = FOLIOBENCH_KERNEL_MODE,
		.impl = FB_KCOPY_IMPL, .inner_impl = FB_KCOPY_IMPL,
		.whole_folios = true,
		.copy = fb_kernel_folio_copy,
	}, {
		.name = "folio_mc_copy",
		.desc = FB_KMC_DESC,
		.func = FOLIOBENCH_FUNC_FOLIO_MC_COPY,
		.batched = FOLIOBENCH_KERNEL_MODE,
		.impl = FB_KMC_IMPL, .inner_impl = FB_KMC_IMPL,
		.whole_folios = true,
		.copy = fb_kernel_folio_mc_copy,
	}, {
		.name = "copy_page_loop",
		.desc = "batched variant (module): copy_page() on each page, no per-page kmap or cond_resched()",
		.func = FOLIOBENCH_FUNC_FOLIO_COPY, .batched = 1,
		.batch_impl = FOLIOBENCH_BATCH_COPY_PAGE,
		.impl = FB_BATCHED_IMPL, .inner_impl = FB_BATCHED_IMPL,
		.copy = fb_copy_page_loop,
		.copy_range = fb_copy_page_loop_range,
	}, {
		.name = "rep_movsq",
		.desc = FB_REP_MOVSQ_DESC,
		.func = FOLIOBENCH_FUNC_FOLIO_COPY, .batched = 1,
		.batch_impl = FOLIOBENCH_BATCH_REP_MOVSQ,
		.impl = FB_REP_MOVSQ_IMPL, .inner_impl = FB_REP_MOVSQ_IMPL,
		.copy = fb_rep_movsq,
		.copy_range = fb_rep_movsq_range,
	},
};
static_assert(ARRAY_SIZE(fb_funcs) <= FOLIOBENCH_MAX_FUNCS);

const unsigned int fb_nr_funcs = ARRAY_SIZE(fb_funcs);

const struct fb_func *fb_func_find(u32 func, u32 batched, u32 batch_impl)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fb_funcs); i++)
		if (fb_funcs[i].func == func && fb_funcs[i].batched == batched &&
		    fb_funcs[i].batch_impl == batch_impl)
			return &fb_funcs[i];
	return NULL;
}
