// SPDX-License-Identifier: GPL-2.0
/*
 * The copy functions under test, as data: fbk_funcs[] has one entry per
 * (function, per page | batched | kernel mode, batched variant). Where this
 * kernel does not export a function to modules (6.1 has neither folio_copy
 * nor folio_mc_copy for modules) the entry runs the module's
 * reimplementation of the same per-page loop and says so
 * (FOLIOBENCH_IMPL_REIMPL), never just the kernel's name.
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
static void fbk_copy_pages(struct folio *dst, struct folio *src, long first,
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
static int fbk_copy_mc_page(struct page *to, struct page *from)
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
static int fbk_mc_copy_pages(struct folio *dst, struct folio *src, long first,
			    long nr)
{
	long i = first, end = first + nr;

	for (;;) {
		if (fbk_copy_mc_page(folio_page(dst, i), folio_page(src, i)))
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
#if defined(FBK_KERNEL_COPY_HIGHPAGES) && !defined(CONFIG_HIGHMEM) && \
	!defined(__HAVE_ARCH_COPY_HIGHPAGE)
#define FBK_KERNEL_BATCHED_COPY
#endif
#if defined(FBK_KERNEL_COPY_MC_HIGHPAGES) && !defined(CONFIG_HIGHMEM) && \
	!defined(__HAVE_ARCH_COPY_HIGHPAGE)
#define FBK_KERNEL_BATCHED_MC_COPY
#endif

static int fbk_folio_copy(struct folio *dst, struct folio *src)
{
#if defined(FBK_HAVE_FOLIO_COPY) && !defined(FBK_KERNEL_BATCHED_COPY)
	folio_copy(dst, src);
#else
	fbk_copy_pages(dst, src, 0, folio_nr_pages(src));
#endif
	return 0;
}

static int fbk_folio_mc_copy(struct folio *dst, struct folio *src)
{
#if defined(FBK_HAVE_FOLIO_MC_COPY) && !defined(FBK_KERNEL_BATCHED_MC_COPY)
	return folio_mc_copy(dst, src);
#else
	return fbk_mc_copy_pages(dst, src, 0, folio_nr_pages(src));
#endif
}

/* FOLIOBENCH_KERNEL_MODE: the kernel's export, per page or batched. */
#ifdef FBK_HAVE_FOLIO_COPY
static int fbk_kernel_folio_copy(struct folio *dst, struct folio *src)
{
	folio_copy(dst, src);
	return 0;
}
#else
#define fbk_kernel_folio_copy	NULL
#endif

#ifdef FBK_HAVE_FOLIO_MC_COPY
static int fbk_kernel_folio_mc_copy(struct folio *dst, struct folio *src)
{
	return folio_mc_copy(dst, src);
}
#else
#define fbk_kernel_folio_mc_copy	NULL
#endif

u32 fbk_kernel_patches(void)
{
	u32 kp = 0;

#ifdef FBK_KERNEL_COPY_HIGHPAGES
	kp |= FOLIOBENCH_KP_COPY_HIGHPAGES;
#endif
#ifdef FBK_KERNEL_COPY_MC_HIGHPAGES
	kp |= FOLIOBENCH_KP_COPY_MC_HIGHPAGES;
#endif
#ifdef FBK_KERNEL_FOLIOS_MC_COPY
	kp |= FOLIOBENCH_KP_FOLIOS_MC_COPY;
#endif
#ifdef FBK_KERNEL_MIGRATE_OFFLOAD
	kp |= FOLIOBENCH_KP_MIGRATE_OFFLOAD;
#endif
#ifdef FBK_KERNEL_BATCHED_COPY
	kp |= FOLIOBENCH_KP_BATCHED_FOLIO_COPY;
#endif
#ifdef FBK_KERNEL_BATCHED_MC_COPY
	kp |= FOLIOBENCH_KP_BATCHED_FOLIO_MC_COPY;
#endif
	return kp;
}

/* The chunk split of a per-page function: whole pages of one folio. */
static int fbk_copy_pages_range(struct folio *dst, struct folio *src,
			       size_t off, size_t len)
{
	fbk_copy_pages(dst, src, off >> PAGE_SHIFT, len >> PAGE_SHIFT);
	return 0;
}

static int fbk_mc_copy_pages_range(struct folio *dst, struct folio *src,
				  size_t off, size_t len)
{
	return fbk_mc_copy_pages(dst, src, off >> PAGE_SHIFT, len >> PAGE_SHIFT);
}

/* ---- batched, as the RFC proposes (seed 000) ---- */

/* The RFC helpers need the folio in the linear map. */
#ifdef CONFIG_HIGHMEM
#define FBK_BATCHED_IMPL	FOLIOBENCH_IMPL_UNAVAILABLE
#else
#define FBK_BATCHED_IMPL	FOLIOBENCH_IMPL_MODULE
#endif

/*
 * copy_highpages()/copy_mc_highpages() of the RFC without HIGHMEM: one
 * memcpy()/copy_mc_to_kernel() over the folio's linear mapping; on a machine
 * check, memory_failure_queue() for the failing pfn and -EHWPOISON.
 */
static int fbk_copy_highpages_range(struct folio *dst, struct folio *src,
				   size_t off, size_t len)
{
	memcpy(folio_address(dst) + off, folio_address(src) + off, len);
	return 0;
}

static int fbk_copy_mc_highpages_range(struct folio *dst, struct folio *src,
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

static int fbk_copy_highpages(struct folio *dst, struct folio *src)
{
	return fbk_copy_highpages_range(dst, src, 0, folio_size(src));
}

static int fbk_copy_mc_highpages(struct folio *dst, struct folio *src)
{
	return fbk_copy_mc_highpages_range(dst, src, 0, folio_size(src));
}

/*
 * The batched variants of seed 000's question (FOLIOBENCH_BATCH_*): what the
 * RFC's speedup is made of. copy_page() on each page of the linear map is
 * folio_copy()'s per-page primitive without its per-page kmap and
 * cond_resched(); one rep movsq over the folio is what a page-aligned fast
 * path of copy_highpages() could run instead of memcpy(). Without HIGHMEM
 * only, as the RFC helpers (FBK_BATCHED_IMPL).
 */
static int fbk_copy_page_loop_range(struct folio *dst, struct folio *src,
				   size_t off, size_t len)
{
	char *to = folio_address(dst) + off;
	char *from = folio_address(src) + off;
	size_t i;

	for (i = 0; i < len; i += PAGE_SIZE)
		copy_page(to + i, from + i);
	return 0;
}

static int fbk_copy_page_loop(struct folio *dst, struct folio *src)
{
	return fbk_copy_page_loop_range(dst, src, 0, folio_size(src));
}

#ifdef CONFIG_X86_64
/* len is a multiple of 8: whole pages or cache-line chunks of a folio */
static int fbk_rep_movsq_range(struct folio *dst, struct folio *src,
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

static int fbk_rep_movsq(struct folio *dst, struct folio *src)
{
	return fbk_rep_movsq_range(dst, src, 0, folio_size(src));
}

#define FBK_REP_MOVSQ_IMPL	FBK_BATCHED_IMPL
#else
#define fbk_rep_movsq		NULL
#define fbk_rep_movsq_range	NULL
#define FBK_REP_MOVSQ_IMPL	FOLIOBENCH_IMPL_UNAVAILABLE
#define FBK_REP_MOVSQ_DESC	"batched variant rep movsq: x86-64 only"
#endif

/* what INFO and RUN say of them, and why a HIGHMEM kernel refuses them */
#ifdef CONFIG_HIGHMEM
#define FBK_COPY_PAGE_LOOP_DESC	"batched variant copy_page loop: needs the folio in the linear map, not on HIGHMEM kernels"
#ifndef FBK_REP_MOVSQ_DESC
#define FBK_REP_MOVSQ_DESC	"batched variant rep movsq: needs the folio in the linear map, not on HIGHMEM kernels"
#endif
#else
#define FBK_COPY_PAGE_LOOP_DESC	"batched variant (module): copy_page() on each page, no per-page kmap or cond_resched()"
#ifndef FBK_REP_MOVSQ_DESC
#define FBK_REP_MOVSQ_DESC	"batched variant (module): one rep movsq over each folio"
#endif
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
int fbk_list_copy(struct fbk_run_ctx *ctx, struct list_head *dst_list,
		 struct list_head *src_list, u32 first)
{
	const struct fbk_func *fn = ctx->fn;
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

#if defined(FBK_HAVE_FOLIO_COPY) && !defined(FBK_KERNEL_BATCHED_COPY)
#define FBK_COPY_IMPL	FOLIOBENCH_IMPL_NATIVE
#define FBK_COPY_DESC	"kernel folio_copy(): copy_highpage() per page"
#elif defined(FBK_HAVE_FOLIO_COPY)
#define FBK_COPY_IMPL	FOLIOBENCH_IMPL_REIMPL
#define FBK_COPY_DESC	"module per-page loop of copy_highpage() (this kernel's folio_copy() is batched)"
#else
#define FBK_COPY_IMPL	FOLIOBENCH_IMPL_REIMPL
#define FBK_COPY_DESC	"module reimplementation of folio_copy() (not exported here): copy_highpage() per page"
#endif

#if defined(FBK_HAVE_FOLIO_MC_COPY) && !defined(FBK_KERNEL_BATCHED_MC_COPY)
#define FBK_MC_IMPL	FOLIOBENCH_IMPL_NATIVE
#define FBK_MC_DESC	"kernel folio_mc_copy(): copy_mc_highpage() per page"
#define FBK_LIST_INNER	"kernel folio_mc_copy()"
#elif defined(FBK_HAVE_FOLIO_MC_COPY)
#define FBK_MC_IMPL	FOLIOBENCH_IMPL_REIMPL
#define FBK_MC_DESC	"module per-page loop of copy_mc_to_kernel() (this kernel's folio_mc_copy() is batched)"
#define FBK_LIST_INNER	"the module's per-page loop"
#else
#define FBK_MC_IMPL	FOLIOBENCH_IMPL_REIMPL
#define FBK_MC_DESC	"module reimplementation of folio_mc_copy() (not exported here): copy_mc_to_kernel() per page"
#define FBK_LIST_INNER	"module reimplementation of folio_mc_copy()"
#endif

/* Kernel mode: only where the kernel exports the function. */
#ifndef FBK_HAVE_FOLIO_COPY
#define FBK_KCOPY_IMPL	FOLIOBENCH_IMPL_UNAVAILABLE
#define FBK_KCOPY_DESC	"kernel folio_copy() is not exported to modules here"
#elif defined(FBK_KERNEL_BATCHED_COPY)
#define FBK_KCOPY_IMPL	FOLIOBENCH_IMPL_NATIVE
#define FBK_KCOPY_DESC	"kernel folio_copy(), batched by this kernel (copy_highpages())"
#else
#define FBK_KCOPY_IMPL	FOLIOBENCH_IMPL_NATIVE
#define FBK_KCOPY_DESC	"kernel folio_copy(), per page by this kernel (copy_highpage())"
#endif

#ifndef FBK_HAVE_FOLIO_MC_COPY
#define FBK_KMC_IMPL	FOLIOBENCH_IMPL_UNAVAILABLE
#define FBK_KMC_DESC	"kernel folio_mc_copy() is not exported to modules here"
#elif defined(FBK_KERNEL_BATCHED_MC_COPY)
#define FBK_KMC_IMPL	FOLIOBENCH_IMPL_NATIVE
#define FBK_KMC_DESC	"kernel folio_mc_copy(), batched by this kernel (copy_mc_highpages())"
#else
#define FBK_KMC_IMPL	FOLIOBENCH_IMPL_NATIVE
#define FBK_KMC_DESC	"kernel folio_mc_copy(), per page by this kernel (copy_mc_highpage())"
#endif

const char fbk_chunk_pp_desc[] =
	"module per-page loop over a chunk of each folio (kernel functions copy whole folios)";

const struct fbk_func fbk_funcs[] = {
	{
		.name = "folio_copy",
		.desc = FBK_COPY_DESC,
		.func = FOLIOBENCH_FUNC_FOLIO_COPY, .batched = 0,
		.impl = FBK_COPY_IMPL, .inner_impl = FBK_COPY_IMPL,
		.copy = fbk_folio_copy,
		.copy_range = fbk_copy_pages_range,
	}, {
		.name = "folio_mc_copy",
		.desc = FBK_MC_DESC,
		.func = FOLIOBENCH_FUNC_FOLIO_MC_COPY, .batched = 0,
		.impl = FBK_MC_IMPL, .inner_impl = FBK_MC_IMPL,
		.copy = fbk_folio_mc_copy,
		.copy_range = fbk_mc_copy_pages_range,
	}, {
		.name = "copy_highpages",
		.desc = "RFC copy_highpages() (module): one memcpy() over each folio",
		.func = FOLIOBENCH_FUNC_FOLIO_COPY, .batched = 1,
		.impl = FBK_BATCHED_IMPL, .inner_impl = FBK_BATCHED_IMPL,
		.copy = fbk_copy_highpages,
		.copy_range = fbk_copy_highpages_range,
	}, {
		.name = "copy_mc_highpages",
		.desc = "RFC copy_mc_highpages() (module): one copy_mc_to_kernel() over each folio",
		.func = FOLIOBENCH_FUNC_FOLIO_MC_COPY, .batched = 1,
		.impl = FBK_BATCHED_IMPL, .inner_impl = FBK_BATCHED_IMPL,
		.copy = fbk_copy_mc_highpages,
		.copy_range = fbk_copy_mc_highpages_range,
	}, {
		.name = "folios_mc_copy",
		.desc = "list copy, per-folio marker (module, seed 002), over " FBK_LIST_INNER,
		.func = FOLIOBENCH_FUNC_FOLIOS_MC_COPY, .batched = 0,
		.impl = FOLIOBENCH_IMPL_MODULE, .inner_impl = FBK_MC_IMPL,
		.list = true, .whole_folios = true,
		.copy = fbk_folio_mc_copy,
		.fallback = fbk_folio_mc_copy,
	}, {
		.name = "folios_mc_copy_batched",
		.desc = "list copy, per-folio marker (module, seed 002), over copy_mc_highpages()",
		.func = FOLIOBENCH_FUNC_FOLIOS_MC_COPY, .batched = 1,
		.impl = FOLIOBENCH_IMPL_MODULE, .inner_impl = FBK_BATCHED_IMPL,
		.list = true, .whole_folios = true,
		.copy = fbk_copy_mc_highpages,
		.fallback = fbk_folio_mc_copy,
	}, {
		.name = "folio_copy",
		.desc = FBK_KCOPY_DESC,
		.func = FOLIOBENCH_FUNC_FOLIO_COPY,
		.batched = FOLIOBENCH_KERNEL_MODE,
		.impl = FBK_KCOPY_IMPL, .inner_impl = FBK_KCOPY_IMPL,
		.whole_folios = true,
		.copy = fbk_kernel_folio_copy,
	}, {
		.name = "folio_mc_copy",
		.desc = FBK_KMC_DESC,
		.func = FOLIOBENCH_FUNC_FOLIO_MC_COPY,
		.batched = FOLIOBENCH_KERNEL_MODE,
		.impl = FBK_KMC_IMPL, .inner_impl = FBK_KMC_IMPL,
		.whole_folios = true,
		.copy = fbk_kernel_folio_mc_copy,
	}, {
		.name = "copy_page_loop",
		.desc = FBK_COPY_PAGE_LOOP_DESC,
		.func = FOLIOBENCH_FUNC_FOLIO_COPY, .batched = 1,
		.batch_impl = FOLIOBENCH_BATCH_COPY_PAGE,
		.impl = FBK_BATCHED_IMPL, .inner_impl = FBK_BATCHED_IMPL,
		.copy = fbk_copy_page_loop,
		.copy_range = fbk_copy_page_loop_range,
	}, {
		.name = "rep_movsq",
		.desc = FBK_REP_MOVSQ_DESC,
		.func = FOLIOBENCH_FUNC_FOLIO_COPY, .batched = 1,
		.batch_impl = FOLIOBENCH_BATCH_REP_MOVSQ,
		.impl = FBK_REP_MOVSQ_IMPL, .inner_impl = FBK_REP_MOVSQ_IMPL,
		.copy = fbk_rep_movsq,
		.copy_range = fbk_rep_movsq_range,
	},
};
static_assert(ARRAY_SIZE(fbk_funcs) <= FOLIOBENCH_MAX_FUNCS);

const unsigned int fbk_nr_funcs = ARRAY_SIZE(fbk_funcs);

const struct fbk_func *fbk_func_find(u32 func, u32 batched, u32 batch_impl)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fbk_funcs); i++)
		if (fbk_funcs[i].func == func && fbk_funcs[i].batched == batched &&
		    fbk_funcs[i].batch_impl == batch_impl)
			return &fbk_funcs[i];
	return NULL;
}
