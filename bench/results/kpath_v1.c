// SPDX-License-Identifier: GPL-2.0-only
#include "kpath_v1.h"

#include <stdio.h>
#include <string.h>

#include "functions.h"
#include "plan.h"

/* What fb_kpath_select_boot() can name, and older spellings of the same. */
static const struct {
	const char *recorded, *now;
} impl_names[] = {
	{ "rep movsb (memcpy FSRM)", "rep movsb" },     /* before issue 7 */
	{ "memcpy_erms (rep movsb)", "rep movsb" },
	{ "rep movsq (memcpy REP_GOOD)", "rep movsq" },
	{ "copy_mc_enhanced_fast_string", "copy_mc_enhanced_fast_string" },
	{ "copy_mc_fragile", "copy_mc_fragile" },
	{ "copy_page_regs", "copy_page_regs" },
	{ "memcpy_orig", "memcpy_orig" },
	{ "movnti loop", "movnti loop" },
	{ "rep movsb", "rep movsb" },
	{ "rep movsq", "rep movsq" },
	{ "clflushopt", "clflushopt" },
	{ "clflush", "clflush" },
};

/* Older whys said why before their arrow in other words. */
static const struct {
	const char *old, *now;
} brief_prefixes[] = {
	{ "key off, ", "" },
	{ "copy_mc_fragile_key on", "MCE-recovery key" },
	{ "__memcpy_flushcache", "movnti" },
};

/* why with today's words before its arrow, when it had older ones. */
static void modern_why(const char *why, char *out, size_t len)
{
	const char *arrow = strstr(why, " -> ");
	char brief[64];  /* as long as tables show it */

	snprintf(out, len, "%s", why);
	fb_kpath_brief_of(why, brief, sizeof(brief));
	for (size_t i = 0; i < sizeof(brief_prefixes) / sizeof(brief_prefixes[0]); i++) {
		size_t k = strlen(brief_prefixes[i].old);

		if (strncmp(brief, brief_prefixes[i].old, k))
			continue;
		/* a prefix replaced whole; a removed one keeps what followed it */
		snprintf(out, len, "%s%s", *brief_prefixes[i].now ? brief_prefixes[i].now :
			 brief + k, arrow ? arrow : "");
		return;
	}
}

/* "batched 6.12" or "memcpy_flushcache 6.12": the routine and the model. */
static void parse_prefix(const char *prefix, const char *function, struct fb_kpath_record *r)
{
	const char *sp = strrchr(prefix, ' ');
	char head[64];
	enum fb_kernel_model km;
	enum fb_kroutine kr;
	enum fb_mode mode;
	const struct fb_function *f = fb_function_find(function);

	r->routine = r->model = -1;
	if (!sp)
		return;
	if (!fb_kernel_model_parse(sp + 1, &km))
		r->model = (int)km;
	snprintf(head, sizeof(head), "%.*s", (int)(sp - prefix), prefix);
	if (!fb_kroutine_parse(head, &kr))
		r->routine = (int)kr;
	else if (!fb_mode_parse(head, &mode) && mode != FB_MODE_KERNEL && f)
		r->routine = (int)fb_function_routine(f, mode == FB_MODE_BATCHED);
}

int fb_kpath_v1_record(const char *recorded, const char *function,
		       struct fb_kpath_record *r)
{
	const char *colon, *rest, *why = NULL;
	size_t best = 0, bi = 0;
	char prefix[64], whybuf[256];

	memset(r, 0, sizeof(*r));
	r->routine = r->model = -1;
	if (!recorded || !(colon = strstr(recorded, ": ")) || colon == recorded) {
		snprintf(r->impl, sizeof(r->impl), "%s", recorded ? recorded : "");
		return -1;
	}
	snprintf(prefix, sizeof(prefix), "%.*s", (int)(colon - recorded), recorded);
	parse_prefix(prefix, function, r);
	rest = colon + 2;
	for (size_t i = 0; i < sizeof(impl_names) / sizeof(impl_names[0]); i++) {
		size_t k = strlen(impl_names[i].recorded);

		if (k > best && !strncmp(rest, impl_names[i].recorded, k) &&
		    (!rest[k] || !strncmp(rest + k, " (", 2))) {
			best = k;
			bi = i;
		}
	}
	if (best) {
		snprintf(r->impl, sizeof(r->impl), "%s", impl_names[bi].now);
		if (rest[best])
			why = rest + best + 2;
	} else {
		const char *open = strstr(rest, " (");

		snprintf(r->impl, sizeof(r->impl), "%.*s",
			 (int)(open ? (size_t)(open - rest) : strlen(rest)), rest);
		if (open)
			why = open + 2;
	}
	if (why) {
		size_t n = strlen(why);

		if (n && why[n - 1] == ')')
			n--;        /* the parenthesis that opened the why */
		snprintf(whybuf, sizeof(whybuf), "%.*s", (int)n, why);
		modern_why(whybuf, r->why, sizeof(r->why));
	}
	return 0;
}
