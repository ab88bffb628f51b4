// SPDX-License-Identifier: GPL-2.0-only
/*
 * The functions under test as data (functions.h): every name, the routine
 * each mode runs, the module's id, which backends run it, and the lists
 * the usage errors print.
 */
#include <stdio.h>
#include <string.h>

#include "foliobench_uapi.h"
#include "functions.h"
#include "check.h"

static int streq(const char *a, const char *b) { return a && b && !strcmp(a, b); }

int main(void)
{
	const struct fb_function *fc = fb_function_find("folio_copy");
	const struct fb_function *mc = fb_function_find("folio_mc_copy");
	const struct fb_function *list = fb_function_find("folios_mc_copy");
	const struct fb_function *all;
	char buf[128];
	size_t n;

	all = fb_functions(&n);
	check(n == 3 && all == fc && all + 1 == mc && all + 2 == list,
	      "three functions, in help's order");
	check(!fb_function_find("folio_copy2") && !fb_function_find("") && !fb_function_find(NULL),
	      "no other name");

	check(fb_function_routine(fc, false) == FB_KR_COPY_PAGE &&
	      fb_function_routine(fc, true) == FB_KR_MEMCPY,
	      "folio_copy: copy_page per page, memcpy batched (seed 000)");
	check(fb_function_routine(mc, false) == FB_KR_COPY_MC &&
	      fb_function_routine(mc, true) == FB_KR_COPY_MC,
	      "folio_mc_copy: copy_mc_to_kernel either way");
	check(fb_function_routine(list, false) == FB_KR_COPY_MC &&
	      fb_function_routine(list, true) == FB_KR_COPY_MC, "folios_mc_copy: over folio_mc_copy");

	check(fc->kmod_func == FOLIOBENCH_FUNC_FOLIO_COPY &&
	      mc->kmod_func == FOLIOBENCH_FUNC_FOLIO_MC_COPY &&
	      list->kmod_func == FOLIOBENCH_FUNC_FOLIOS_MC_COPY, "the module's ids (uapi)");
	check(!fc->mc && mc->mc && list->mc, "mc: the copy_mc functions");
	check(!fc->list && !mc->list && list->list, "list: folios_mc_copy alone");

	check(fb_function_runs(fc, false, false) && fb_function_runs(mc, false, false) &&
	      !fb_function_runs(list, false, false), "user backend: folio_copy, folio_mc_copy");
	check(fb_function_runs(fc, true, false) && fb_function_runs(mc, true, false) &&
	      fb_function_runs(list, true, false), "kmod: all three");
	check(fb_function_runs(fc, true, true) && fb_function_runs(mc, true, true) &&
	      !fb_function_runs(list, true, true), "--mode kernel: the kernel's own two");
	check(!fb_function_runs(fc, false, true), "--mode kernel needs kmod");

	check(streq(fb_functions_allowed(false, false, buf, sizeof(buf)),
		    "folio_copy, folio_mc_copy"), "allowed, user");
	check(streq(fb_functions_allowed(true, false, buf, sizeof(buf)),
		    "folio_copy, folio_mc_copy, folios_mc_copy"), "allowed, kmod");
	check(streq(fb_functions_allowed(true, true, buf, sizeof(buf)),
		    "folio_copy, folio_mc_copy"), "allowed, --mode kernel");
	check(streq(fb_functions_allowed(true, false, buf, 12), "folio_copy,"),
	      "a short buffer is cut, terminated");
	return check_finish();
}
