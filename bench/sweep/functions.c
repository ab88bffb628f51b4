// SPDX-License-Identifier: GPL-2.0-only
#include "functions.h"

#include <stdio.h>
#include <string.h>

#include "foliobench_uapi.h"

static const struct fb_function functions[] = {
	{
		.name = "folio_copy", .kmod_func = FOLIOBENCH_FUNC_FOLIO_COPY,
		/* mm/util.c folio_copy(): copy_highpage() per page; the RFC's
		 * batched copy is one memcpy() over the folio */
		.per_page = FB_KR_COPY_PAGE, .batched = FB_KR_MEMCPY,
		.user = true, .kernel = true,
	}, {
		.name = "folio_mc_copy", .kmod_func = FOLIOBENCH_FUNC_FOLIO_MC_COPY,
		/* copy_mc_highpage() per page, copy_mc_to_kernel() either way */
		.per_page = FB_KR_COPY_MC, .batched = FB_KR_COPY_MC,
		.mc = true, .user = true, .kernel = true,
	}, {
		.name = "folios_mc_copy", .kmod_func = FOLIOBENCH_FUNC_FOLIOS_MC_COPY,
		/* the series' list copy over folio_mc_copy(): the module's own */
		.per_page = FB_KR_COPY_MC, .batched = FB_KR_COPY_MC,
		.mc = true, .list = true,
	},
};
#define NFUNCTIONS (sizeof(functions) / sizeof(functions[0]))

const struct fb_function *fb_functions(size_t *n)
{
	*n = NFUNCTIONS;
	return functions;
}

const struct fb_function *fb_function_find(const char *name)
{
	for (size_t i = 0; name && i < NFUNCTIONS; i++)
		if (!strcmp(functions[i].name, name))
			return &functions[i];
	return NULL;
}

enum fb_kroutine fb_function_routine(const struct fb_function *f, bool batched)
{
	return batched ? f->batched : f->per_page;
}

bool fb_function_runs(const struct fb_function *f, bool kmod, bool kernel_mode)
{
	if (kernel_mode)
		return kmod && f->kernel;
	return kmod || f->user;
}

const char *fb_functions_allowed(bool kmod, bool kernel_mode, char *buf, size_t len)
{
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < NFUNCTIONS && off < len; i++)
		if (fb_function_runs(&functions[i], kmod, kernel_mode))
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
						functions[i].name);
	return buf;
}
