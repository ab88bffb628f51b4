/*
 * Which implementation the x86-64 kernel patches in for its copy routines.
 *
 * Every rule below was transcribed from Debian's linux-source-6.1 (6.1.192)
 * and linux-source-6.12 (6.12.117) trees; the file is named next to each
 * rule.  "6.12" stands for 6.12 and later.  Kernel features that matter:
 *   ERMS, FSRM, FSRS  CPUID bits, but intel.c may clear ERMS (fast strings off)
 *   REP_GOOD          synthetic: set by the vendor init code, never by CPUID
 *   copy_mc_fragile_key  static key: mce=recovery or a Xeon PCI RAS quirk
 */
#include "kpath.h"
#include "util.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const kr_names[FB_KR_COUNT] = {
	[FB_KR_MEMCPY] = "memcpy",
	[FB_KR_COPY_PAGE] = "copy_page",
	[FB_KR_COPY_MC] = "copy_mc_to_kernel",
	[FB_KR_MEMCPY_FLUSHCACHE] = "memcpy_flushcache",
	[FB_KR_CLFLUSH_RANGE] = "clflush_cache_range",
};

const char *fb_kroutine_name(enum fb_kroutine r)
{
	return (unsigned)r < FB_KR_COUNT ? kr_names[r] : "?";
}

/* snprintf into why (NULL-safe, always terminated). */
static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

static bool vendor_is(const struct fb_cpu *cpu, const char *v)
{
	return !strcmp(cpu->vendor, v);
}

static bool is_intel(const struct fb_cpu *cpu) { return vendor_is(cpu, "GenuineIntel"); }
static bool is_amd(const struct fb_cpu *cpu) { return vendor_is(cpu, "AuthenticAMD"); }

void fb_kboot_unknown(struct fb_kboot *b)
{
	b->mce_recovery = -1;
	b->ras_quirk = -1;
	b->fast_strings = -1;
}

static const struct fb_kboot *boot_or_unknown(const struct fb_kboot *b,
					      struct fb_kboot *tmp)
{
	if (b)
		return b;
	fb_kboot_unknown(tmp);
	return tmp;
}

/*
 * arch/x86/kernel/cpu/intel.c early_init_intel() (6.1 and 6.12): on family
 * > 6 or family 6 model >= 0xd, if IA32_MISC_ENABLE.FAST_STRING is clear,
 * setup_clear_cpu_cap(REP_GOOD) and (ERMS).  setup_clear wins over the later
 * set_cpu_cap in init_intel.  The MSR is not readable from userspace.
 */
static bool intel_fast_strings_off(const struct fb_cpu *cpu, const struct fb_kboot *b)
{
	return is_intel(cpu) && (cpu->family > 6 || (cpu->family == 6 && cpu->model >= 0xd)) &&
	       b->fast_strings == 0;
}

/* X86_FEATURE_ERMS as the kernel keeps it: the CPUID bit unless intel.c
 * cleared it (fast strings disabled). */
static bool kernel_erms(const struct fb_cpu *cpu, const struct fb_kboot *b)
{
	return cpu->flag[FB_F_ERMS] && !intel_fast_strings_off(cpu, b);
}

/* X86_FEATURE_FSRM: the CPUID bit; no kernel clears it (6.1, 6.12). */
static bool kernel_fsrm(const struct fb_cpu *cpu)
{
	return cpu->flag[FB_F_FSRM];
}

/*
 * X86_FEATURE_REP_GOOD.  Identical in 6.1 and 6.12 (checked: no other file
 * under arch/x86 sets or clears it).
 */
static bool rep_good(const struct fb_cpu *cpu, const struct fb_kboot *b,
		     char *why, size_t len)
{
	unsigned f = cpu->family, m = cpu->model;

	if (is_amd(cpu)) {
		if (f >= 0x10) {
			/* amd.c init_amd(): if (c->x86 >= 0x10) set REP_GOOD */
			say(why, len, "AMD family 0x%x >= 0x10 (amd.c)", f);
			return true;
		}
		if (f == 0xf) {
			/* amd.c init_amd_k8(): raw CPUID.1 EAX in
			 * [0x0f48,0x0f50) or >= 0x0f58 ("C+ stepping K8") */
			unsigned level = ((m >> 4) << 16) | 0xf00 | ((m & 0xf) << 4) |
					 (cpu->stepping & 0xf);
			bool ok = (level >= 0x0f48 && level < 0x0f50) || level >= 0x0f58;

			say(why, len, "AMD K8 CPUID.1=0x%x %s (amd.c init_amd_k8)", level,
			    ok ? "is C+ stepping" : "is before C stepping");
			return ok;
		}
		say(why, len, "AMD family 0x%x < 0x10 (amd.c)", f);
		return false;
	}
	if (vendor_is(cpu, "HygonGenuine")) {
		/* hygon.c init_hygon(): unconditional */
		say(why, len, "Hygon (hygon.c: always)");
		return true;
	}
	if (is_intel(cpu)) {
		/* intel.c init_intel() under CONFIG_X86_64: only family 6 */
		if (f != 6) {
			say(why, len, "Intel family 0x%x != 6 (intel.c sets it for family 6 only)", f);
			return false;
		}
		if (intel_fast_strings_off(cpu, b)) {
			say(why, len, "Intel family 6 but fast strings disabled in "
			    "IA32_MISC_ENABLE (intel.c clears REP_GOOD, ERMS)");
			return false;
		}
		say(why, len, "Intel family 6 (intel.c)%s", b->fast_strings == 1 ? "" :
		    m >= 0xd ? ", assuming BIOS left fast strings on" : "");
		return true;
	}
	if (vendor_is(cpu, "CentaurHauls")) {
		/* centaur.c init_centaur(): family 6 model >= 0xf, or family >= 7 */
		bool ok = (f == 6 && m >= 0xf) || f >= 7;

		say(why, len, "Centaur family 0x%x model 0x%x (centaur.c)", f, m);
		return ok;
	}
	if (vendor_is(cpu, "  Shanghai  ")) {
		/* zhaoxin.c init_zhaoxin(): family >= 6 */
		say(why, len, "Zhaoxin family 0x%x (zhaoxin.c: family >= 6)", f);
		return f >= 6;
	}
	say(why, len, "vendor '%s': no kernel code sets REP_GOOD", cpu->vendor);
	return false;
}

bool fb_kernel_rep_good(const struct fb_cpu *cpu, enum fb_kernel_model km,
			const struct fb_kboot *boot, char *why, size_t whylen)
{
	struct fb_kboot tmp;

	(void)km;       /* same rule in 6.1 and 6.12 */
	if (!cpu || !cpu->x86) {
		say(why, whylen, "not x86");
		return false;
	}
	return rep_good(cpu, boot_or_unknown(boot, &tmp), why, whylen);
}

bool fb_kernel_fsrs(const struct fb_cpu *cpu, enum fb_kernel_model km,
		    char *why, size_t whylen)
{
	if (!cpu || !cpu->x86) {
		say(why, whylen, "not x86");
		return false;
	}
	if (km == FB_KM_6_1) {
		/* 6.1 arch/x86/include/asm/cpufeatures.h has no FSRS */
		say(why, whylen, "6.1 has no X86_FEATURE_FSRS");
		return false;
	}
	if (cpu->flag[FB_F_FSRS]) {
		say(why, whylen, "CPUID.(7,1):EAX[11]");
		return true;
	}
	if (is_amd(cpu) && kernel_fsrm(cpu)) {
		/* amd.c init_amd() (6.12): "AMD FSRM also implies FSRS" */
		say(why, whylen, "AMD with FSRM (amd.c, 6.12)");
		return true;
	}
	say(why, whylen, "no FSRS");
	return false;
}

/*
 * The Xeon RAS quirks of arch/x86/kernel/quirks.c (same in 6.1 and 6.12),
 * keyed by the CPU model whose uncore carries the PCI device:
 *   8086:0ec3 Ivy Bridge, 8086:2fc0 Haswell, 8086:6fc0 Broadwell
 *     ("brickland", the E7/EX platform): CAPID0 (0x84) bit 4
 *   8086:2083 Skylake-SP "purley" (also Cascade Lake, Cooper Lake):
 *     CAPID0[7:6] == 3 (advanced RAS SKU) or CAPID5 (0x98) bits 8:5
 *     (an NVDIMM mode enabled)
 * guess_on: what we assume when the config space cannot be read.
 */
struct ras_model {
	unsigned model;
	const char *name;
	bool guess_on;
};

static const struct ras_model ras_models[] = {
	{ 0x3e, "Ivy Bridge-EP/EX (8086:0ec3)", false },  /* only E7 SKUs set the bit */
	{ 0x3f, "Haswell-EP/EX (8086:2fc0)", false },
	{ 0x4f, "Broadwell-EP/EX (8086:6fc0)", false },
	{ 0x55, "Skylake-SP/Cascade Lake (8086:2083)", true }, /* Gold/Platinum, NVDIMM */
};

static const struct ras_model *ras_model_of(const struct fb_cpu *cpu)
{
	if (!is_intel(cpu) || cpu->family != 6)
		return NULL;
	for (size_t i = 0; i < sizeof(ras_models) / sizeof(ras_models[0]); i++)
		if (ras_models[i].model == cpu->model)
			return &ras_models[i];
	return NULL;
}

/*
 * copy_mc_fragile_key (arch/x86/lib/copy_mc.c) is turned on only by
 * enable_copy_mc_fragile(), called from
 *   mce/core.c mcheck_late_init(): if (mca_cfg.recovery), which only the
 *     "mce=recovery" boot option sets, and
 *   arch/x86/kernel/quirks.c: the PCI RAS quirks above.
 * No CPUID bit and no AMD condition enables it (6.1 and 6.12).
 */
bool fb_kernel_copy_mc_fragile(const struct fb_cpu *cpu,
			       const struct fb_kboot *boot, char *why, size_t whylen)
{
	struct fb_kboot tmp;
	const struct fb_kboot *b = boot_or_unknown(boot, &tmp);
	const struct ras_model *rm;

	if (!cpu || !cpu->x86) {
		say(why, whylen, "not x86");
		return false;
	}
	if (b->mce_recovery == 1) {
		say(why, whylen, "mce=recovery (mce/core.c)");
		return true;
	}
	rm = ras_model_of(cpu);
	if (b->ras_quirk == 1) {
		say(why, whylen, "Xeon RAS PCI quirk fired (arch/x86/kernel/quirks.c)");
		return true;
	}
	if (b->ras_quirk == 0 || !rm) {
		say(why, whylen, "no mce=recovery, no Xeon RAS PCI quirk");
		return false;
	}
	/* unknown: guess from the model */
	if (cpu->flag[FB_F_HYPERVISOR]) {
		say(why, whylen, "guess: guest does not see the %s uncore (quirks.c)", rm->name);
		return false;
	}
	say(why, whylen, "guess: %s RAS quirk %s (quirks.c; SKU-dependent)",
	    rm->name, rm->guess_on ? "fires" : "does not fire");
	return rm->guess_on;
}

/* Appended when the bits that matter look hidden by a VM CPU model. */
static const char *vm_note(const struct fb_cpu *cpu)
{
	if (cpu->flag[FB_F_HYPERVISOR] && !cpu->flag[FB_F_ERMS] && !cpu->flag[FB_F_FSRM] &&
	    ((is_amd(cpu) && cpu->family >= 0x19) || (is_intel(cpu) && cpu->family == 6)))
		return " [VM: ERMS/FSRM may be hidden by the CPU model]";
	return "";
}

/*
 * Every selection fills impl, brief and why.  why always reads
 * "BRIEF -> what runs (source file)[, details]": the part before " -> " is
 * the brief, so a recorded why can be shortened again (fb_kpath_brief_of).
 */
static void set(struct fb_kpath *out, const char *impl, const char *prim,
		const char *brief)
{
	size_t n = strlen(brief);

	out->impl = impl;
	out->primitive = prim;
	if (n >= sizeof(out->brief))
		n = sizeof(out->brief) - 1;
	memcpy(out->brief, brief, n);
	out->brief[n] = '\0';
}

static void sel_memcpy(const struct fb_cpu *cpu, enum fb_kernel_model km,
		       const struct fb_kboot *b, struct fb_kpath *out)
{
	char rg[96];

	if (km == FB_KM_6_12) {
		/* arch/x86/lib/memcpy_64.S (6.12):
		 *   ALTERNATIVE "jmp memcpy_orig", "", X86_FEATURE_FSRM
		 * then movq %rdx,%rcx; rep movsb.  ERMS and REP_GOOD unused. */
		if (kernel_fsrm(cpu)) {
			set(out, "rep movsb", "rep_movsb", "FSRM");
			say(out->why, sizeof(out->why),
			    "FSRM -> rep movsb (arch/x86/lib/memcpy_64.S, 6.12)");
		} else {
			set(out, "memcpy_orig", "memcpy_orig", "no FSRM");
			say(out->why, sizeof(out->why),
			    "no FSRM -> memcpy_orig, a 4x8-byte movq loop (arch/x86/lib/memcpy_64.S, 6.12)%s%s",
			    kernel_erms(cpu, b) ? "; ERMS is not consulted" : "", vm_note(cpu));
		}
		return;
	}
	/* arch/x86/lib/memcpy_64.S (6.1):
	 *   ALTERNATIVE_2 "jmp memcpy_orig", "", X86_FEATURE_REP_GOOD,
	 *                 "jmp memcpy_erms", X86_FEATURE_ERMS
	 * the later alternative wins; the fall-through body is
	 * rep movsq of len/8 then rep movsb of len%8. */
	if (kernel_erms(cpu, b)) {
		set(out, "rep movsb", "rep_movsb", "ERMS");
		say(out->why, sizeof(out->why),
		    "ERMS -> memcpy_erms, rep movsb (arch/x86/lib/memcpy_64.S, 6.1)");
	} else if (rep_good(cpu, b, rg, sizeof(rg))) {
		set(out, "rep movsq", "rep_movsq", "no ERMS, REP_GOOD");
		say(out->why, sizeof(out->why),
		    "no ERMS, REP_GOOD -> rep movsq + rep movsb tail (arch/x86/lib/memcpy_64.S, 6.1); "
		    "REP_GOOD: %s%s", rg, vm_note(cpu));
	} else {
		set(out, "memcpy_orig", "memcpy_orig", "no ERMS, no REP_GOOD");
		say(out->why, sizeof(out->why),
		    "no ERMS, no REP_GOOD -> memcpy_orig (arch/x86/lib/memcpy_64.S, 6.1); %s", rg);
	}
}

int fb_kpath_select_boot(const struct fb_cpu *cpu, enum fb_kernel_model km,
			 enum fb_kroutine r, const struct fb_kboot *boot,
			 struct fb_kpath *out)
{
	struct fb_kboot tmp;
	const struct fb_kboot *b = boot_or_unknown(boot, &tmp);
	char w[120];

	if (!out)
		return -1;
	set(out, "none", NULL, "");
	out->why[0] = '\0';
	if (!cpu || !cpu->x86) {
		say(out->why, sizeof(out->why), "not x86: the x86 kernel copy paths do not apply");
		return -1;
	}
	if ((unsigned)km >= FB_KM_COUNT || (unsigned)r >= FB_KR_COUNT)
		return -1;

	switch (r) {
	case FB_KR_MEMCPY:
		sel_memcpy(cpu, km, b, out);
		return 0;

	case FB_KR_COPY_PAGE:
		/* arch/x86/lib/copy_page_64.S (6.1 = 6.12):
		 *   ALTERNATIVE "jmp copy_page_regs", "", X86_FEATURE_REP_GOOD
		 * then rep movsq of 4096/8 quadwords. */
		if (rep_good(cpu, b, w, sizeof(w))) {
			set(out, "rep movsq", "rep_movsq", "REP_GOOD");
			say(out->why, sizeof(out->why),
			    "REP_GOOD -> rep movsq (arch/x86/lib/copy_page_64.S); REP_GOOD: %s", w);
		} else {
			set(out, "copy_page_regs", "copy_page_regs", "no REP_GOOD");
			say(out->why, sizeof(out->why),
			    "no REP_GOOD -> copy_page_regs (arch/x86/lib/copy_page_64.S); %s", w);
		}
		return 0;

	case FB_KR_COPY_MC:
		/* arch/x86/lib/copy_mc.c copy_mc_to_kernel() (6.1 = 6.12):
		 * fragile key -> copy_mc_fragile; else static_cpu_has(ERMS) ->
		 * copy_mc_enhanced_fast_string (rep movsb, copy_mc_64.S);
		 * else plain memcpy(), whose own rules then apply. */
		if (fb_kernel_copy_mc_fragile(cpu, b, w, sizeof(w))) {
			set(out, "copy_mc_fragile", "copy_mc_fragile", "MCE-recovery key");
			say(out->why, sizeof(out->why),
			    "MCE-recovery key -> copy_mc_fragile (arch/x86/lib/copy_mc.c); key on: %s", w);
		} else if (kernel_erms(cpu, b)) {
			set(out, "copy_mc_enhanced_fast_string", "rep_movsb", "ERMS");
			say(out->why, sizeof(out->why),
			    "ERMS -> copy_mc_enhanced_fast_string, rep movsb (arch/x86/lib/copy_mc.c); "
			    "MCE-recovery key off: %s", w);
		} else {
			struct fb_kpath m;
			char brief[96];

			sel_memcpy(cpu, km, b, &m);
			/* memcpy's own brief starts "no ERMS, " on 6.1: say it once */
			snprintf(brief, sizeof(brief), "no ERMS; memcpy: %.40s",
				 strncmp(m.brief, "no ERMS, ", 9) ? m.brief : m.brief + 9);
			set(out, m.impl, m.primitive, brief);
			say(out->why, sizeof(out->why),
			    "%s -> memcpy() = %s (arch/x86/lib/copy_mc.c, memcpy_64.S %s); "
			    "MCE-recovery key off%s", brief, m.impl, fb_kernel_model_name(km),
			    vm_note(cpu));
		}
		return 0;

	case FB_KR_MEMCPY_FLUSHCACHE:
		/* arch/x86/lib/usercopy_64.c __memcpy_flushcache() (6.1 = 6.12):
		 * unaligned head: memcpy + clean_cache_range (clwb, else
		 * clflushopt, else clflush: special_insns.h); 4x8-byte movnti
		 * loop; 8- and 4-byte movnti; byte tail like the head.  No
		 * fence.  string_64.h inlines constant sizes 4, 8, 16. */
		{
			const char *wb = cpu->flag[FB_F_CLWB] ? "clwb" :
					 cpu->flag[FB_F_CLFLUSHOPT] ? "clflushopt" : "clflush";

			set(out, "movnti loop", "movnti",
			    cpu->flag[FB_F_CLWB] ? "CLWB" : cpu->flag[FB_F_CLFLUSHOPT] ?
			    "no CLWB, CLFLUSHOPT" : "no CLWB, no CLFLUSHOPT");
			say(out->why, sizeof(out->why),
			    "%s -> 4x8-byte movnti loop, unaligned head/tail written back with %s "
			    "(arch/x86/lib/usercopy_64.c), no fence", out->brief, wb);
		}
		return 0;

	case FB_KR_CLFLUSH_RANGE:
		/* arch/x86/mm/pat/set_memory.c clflush_cache_range() (6.1 =
		 * 6.12): mb(); clflushopt() per x86_clflush_size line; mb().
		 * clflushopt() is ALTERNATIVE clflush -> clflushopt on
		 * X86_FEATURE_CLFLUSHOPT (asm/special_insns.h). */
		if (cpu->flag[FB_F_CLFLUSHOPT])
			set(out, "clflushopt", NULL, "CLFLUSHOPT");
		else
			set(out, "clflush", NULL, "no CLFLUSHOPT");
		say(out->why, sizeof(out->why),
		    "%s -> mb; %s per %u-byte line; mb (arch/x86/mm/pat/set_memory.c)",
		    out->brief, out->impl, cpu->clflush_line ? cpu->clflush_line : 64);
		return 0;

	default:
		return -1;
	}
}

int fb_kpath_select(const struct fb_cpu *cpu, enum fb_kernel_model km,
		    enum fb_kroutine r, struct fb_kpath *out)
{
	return fb_kpath_select_boot(cpu, km, r, NULL, out);
}

/* ---- recorded paths, shortened for tables and reports ---- */

/* What fb_kpath_select_boot() can name, and older spellings of the same. */
static const struct {
	const char *recorded, *shown;
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

const char *fb_kpath_brief_of(const char *why, char *buf, size_t len)
{
	const char *end = why ? strstr(why, " -> ") : NULL;
	size_t n = 0;
	int depth = 0;

	if (!len)
		return buf;
	if (!why)
		why = "";
	if (!end)
		end = why + strlen(why);
	/* copy, dropping [..] and (..) groups and the blank before each */
	for (const char *p = why; p < end && n + 1 < len; p++) {
		if (*p == '[' || *p == '(') {
			depth++;
			while (n && buf[n - 1] == ' ')
				n--;
			continue;
		}
		if (depth && (*p == ']' || *p == ')')) {
			depth--;
			continue;
		}
		if (depth || (*p == ' ' && (!n || buf[n - 1] == ' ')))
			continue;
		buf[n++] = *p;
	}
	while (n && strchr(" ,;:", buf[n - 1]))
		n--;
	buf[n] = '\0';
	for (size_t i = 0; i < sizeof(brief_prefixes) / sizeof(brief_prefixes[0]); i++) {
		size_t k = strlen(brief_prefixes[i].old);

		if (!strncmp(buf, brief_prefixes[i].old, k)) {
			char rest[128];

			/* a prefix replaced whole; its own tail (": mce=...") goes */
			snprintf(rest, sizeof(rest), "%s%s", brief_prefixes[i].now,
				 *brief_prefixes[i].now ? "" : buf + k);
			snprintf(buf, len, "%s", rest);
			break;
		}
	}
	return buf;
}

int fb_kpath_parse_recorded(const char *recorded, struct fb_kpath_text *t)
{
	const char *colon, *rest, *why = NULL;
	size_t best = 0, bi = 0;
	char whybuf[256];

	memset(t, 0, sizeof(*t));
	if (!recorded || !(colon = strstr(recorded, ": ")) || colon == recorded)
		return -1;
	snprintf(t->prefix, sizeof(t->prefix), "%.*s", (int)(colon - recorded), recorded);
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
		snprintf(t->impl, sizeof(t->impl), "%s", impl_names[bi].shown);
		if (rest[best])
			why = rest + best + 2;
	} else {
		const char *open = strstr(rest, " (");

		snprintf(t->impl, sizeof(t->impl), "%.*s",
			 (int)(open ? (size_t)(open - rest) : strlen(rest)), rest);
		if (open)
			why = open + 2;
	}
	if (why) {
		size_t n = strlen(why);

		if (n && why[n - 1] == ')')
			n--;        /* the parenthesis that opened the why */
		snprintf(whybuf, sizeof(whybuf), "%.*s", (int)n, why);
		fb_kpath_brief_of(whybuf, t->brief, sizeof(t->brief));
	}
	return 0;
}

bool fb_kpath_seed000(const char *batched_impl, const char *per_page_impl)
{
	return batched_impl && per_page_impl && !strcmp(batched_impl, "memcpy_orig") &&
	       !strcmp(per_page_impl, "rep movsq");
}

const char *fb_kpath_concise(const char *recorded, char *buf, size_t len)
{
	struct fb_kpath_text t;

	if (fb_kpath_parse_recorded(recorded, &t))
		snprintf(buf, len, "%s", recorded ? recorded : "");
	else if (t.brief[0])
		snprintf(buf, len, "%s: %s (%s)", t.prefix, t.impl, t.brief);
	else
		snprintf(buf, len, "%s: %s", t.prefix, t.impl);
	return buf;
}

/* ---- what this machine says about its running kernel ---- */

int fb_kboot_cmdline_mce_recovery(const char *cmdline)
{
	const char *p = cmdline;

	/* mce/core.c mcheck_enable(): __setup("mce", ...) then
	 * strcmp(str, "recovery"); only the exact token counts. */
	while (p && *p) {
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		n = strcspn(p, " \t\n");
		if (n == strlen("mce=recovery") && !strncmp(p, "mce=recovery", n))
			return 1;
		p += n;
	}
	return 0;
}

/* The head of a small /proc or /sys file (cap bytes), or NULL. */
static char *slurp(const char *path, size_t cap)
{
	return fb_read_file(path, cap - 1, NULL);
}

#if defined(__x86_64__)
static unsigned long read_hex_file(const char *path)
{
	char *s = slurp(path, 32);
	unsigned long v = s ? strtoul(s, NULL, 16) : 0;

	free(s);
	return v;
}

/* 1 fired, 0 not, -1 cannot tell (config space past 64 bytes needs root). */
static int ras_quirk_of_device(const char *dir, unsigned long dev)
{
	char path[512];
	uint32_t capid0 = 0, capid5 = 0;
	int fd, ret = -1;

	snprintf(path, sizeof(path), "%s/config", dir);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	if (pread(fd, &capid0, 4, 0x84) == 4) {
		if (dev == 0x2083) {
			if (pread(fd, &capid5, 4, 0x98) == 4)
				ret = ((capid0 & 0xc0) == 0xc0 || (capid5 & 0x1e0)) ? 1 : 0;
		} else {
			ret = (capid0 & 0x10) ? 1 : 0;
		}
	}
	close(fd);
	return ret;
}

static int detect_ras_quirk(void)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	int result = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char dir[300], path[400];
		unsigned long dev;
		int r;

		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", e->d_name);
		snprintf(path, sizeof(path), "%s/vendor", dir);
		if (read_hex_file(path) != 0x8086)
			continue;
		snprintf(path, sizeof(path), "%s/device", dir);
		dev = read_hex_file(path);
		if (dev != 0x0ec3 && dev != 0x2fc0 && dev != 0x6fc0 && dev != 0x2083)
			continue;
		r = ras_quirk_of_device(dir, dev);
		if (r == 1) {
			result = 1;
			break;
		}
		if (r < 0)
			result = -1;
	}
	closedir(d);
	return result;
}
#endif

int fb_kboot_fast_strings(const struct fb_cpu *cpu, bool rep_good_shown)
{
	if (!cpu->x86 || !is_intel(cpu) || cpu->family != 6 || cpu->model < 0xd)
		return -1;
	return rep_good_shown ? 1 : 0;
}

/* The running kernel's verdict, from its /proc/cpuinfo flags. */
static int detect_fast_strings(void)
{
	const struct fb_cpu *cpu = fb_this_cpu();
	char *text, *flags;
	int ret = -1;

	if (fb_kboot_fast_strings(cpu, false) < 0)
		return -1;
	text = slurp("/proc/cpuinfo", 65536);
	if (!text)
		return -1;
	flags = strstr(text, "\nflags");
	if (flags) {
		char *eol = strchr(flags + 1, '\n');

		if (eol)
			*eol = '\0';
		ret = fb_kboot_fast_strings(cpu, fb_has_word(flags + 1, "rep_good"));
	}
	free(text);
	return ret;
}

static struct fb_kboot this_kboot;
static pthread_once_t this_kboot_once = PTHREAD_ONCE_INIT;

static void detect_this_kboot(void)
{
	char *cmdline = slurp("/proc/cmdline", 8192);

	fb_kboot_unknown(&this_kboot);
	if (cmdline) {
		this_kboot.mce_recovery = fb_kboot_cmdline_mce_recovery(cmdline);
		free(cmdline);
	}
#if defined(__x86_64__)
	this_kboot.ras_quirk = detect_ras_quirk();
#endif
	this_kboot.fast_strings = detect_fast_strings();
}

const struct fb_kboot *fb_this_kboot(void)
{
	pthread_once(&this_kboot_once, detect_this_kboot);
	return &this_kboot;
}

/* ---- the running kernel's own choice, against the rules ---- */

static const char *const kflag_names[FB_KF_COUNT] = {
	[FB_KF_FSRM] = "FSRM",
	[FB_KF_ERMS] = "ERMS",
	[FB_KF_REP_GOOD] = "REP_GOOD",
	[FB_KF_FSRS] = "FSRS",
	[FB_KF_MC_FRAGILE] = "copy_mc fragile key",
};

const char *fb_kflag_name(enum fb_kflag f)
{
	return (unsigned)f < FB_KF_COUNT ? kflag_names[f] : "?";
}

int fb_kview_from_cpuinfo(const char *cpuinfo, const char *release, struct fb_kview *v)
{
	const char *flags = cpuinfo ? strstr(cpuinfo, "\nflags") : NULL;
	char line[8192];
	size_t n;

	memset(v, 0, sizeof(*v));
	for (int f = 0; f < FB_KF_COUNT; f++)
		v->flag[f] = -1;
	snprintf(v->source, sizeof(v->source), "/proc/cpuinfo (feature bits only)");
	snprintf(v->release, sizeof(v->release), "%s", release ? release : "");
	if (!flags && cpuinfo && !strncmp(cpuinfo, "flags", 5))
		flags = cpuinfo - 1;
	if (!flags)
		return -1;
	flags++;
	n = strcspn(flags, "\n");
	snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1), flags);
	v->flag[FB_KF_FSRM] = fb_has_word(line, "fsrm");
	v->flag[FB_KF_ERMS] = fb_has_word(line, "erms");
	v->flag[FB_KF_REP_GOOD] = fb_has_word(line, "rep_good");
	return 0;
}

/* A kernel's routine name as the rules name what runs. */
static const char *kernel_impl(const char *path)
{
	if (!strcmp(path, "memcpy_erms"))
		return "rep movsb";     /* 6.1 memcpy_64.S: memcpy_erms is rep movsb */
	return path;
}

static bool predicted_flag(const struct fb_cpu *cpu, enum fb_kernel_model km,
			   const struct fb_kboot *b, enum fb_kflag f, char *why, size_t len)
{
	switch (f) {
	case FB_KF_FSRM:
		say(why, len, "CPUID.(7,0):EDX[4]; no kernel clears it");
		return kernel_fsrm(cpu);
	case FB_KF_ERMS:
		say(why, len, "CPUID.(7,0):EBX[9]%s", intel_fast_strings_off(cpu, b) ?
		    ", cleared by intel.c (fast strings off)" : "");
		return kernel_erms(cpu, b);
	case FB_KF_REP_GOOD:
		return rep_good(cpu, b, why, len);
	case FB_KF_FSRS:
		return fb_kernel_fsrs(cpu, km, why, len);
	default:
		return fb_kernel_copy_mc_fragile(cpu, b, why, len);
	}
}

int fb_kpath_check(const struct fb_cpu *cpu, enum fb_kernel_model km,
		   const struct fb_kboot *boot, const struct fb_kview *v,
		   struct fb_kcheck_row *rows)
{
	static const enum fb_kroutine routines[FB_KVIEW_ROUTINES] = {
		FB_KR_MEMCPY, FB_KR_COPY_PAGE, FB_KR_COPY_MC,
	};
	struct fb_kboot tmp;
	const struct fb_kboot *b = boot_or_unknown(boot, &tmp);
	int bad = 0;

	for (int f = 0; f < FB_KF_COUNT; f++) {
		struct fb_kcheck_row *r = &rows[f];
		bool on = predicted_flag(cpu, km, b, f, r->detail, sizeof(r->detail));
		bool on_word = f == FB_KF_MC_FRAGILE;

		snprintf(r->item, sizeof(r->item), "%s", fb_kflag_name(f));
		snprintf(r->predicted, sizeof(r->predicted), "%s",
			 on_word ? (on ? "on" : "off") : (on ? "set" : "clear"));
		if (v->flag[f] < 0) {
			snprintf(r->kernel, sizeof(r->kernel), "unknown");
			r->agree = -1;
		} else {
			snprintf(r->kernel, sizeof(r->kernel), "%s",
				 on_word ? (v->flag[f] ? "on" : "off") :
				 (v->flag[f] ? "set" : "clear"));
			r->agree = on == !!v->flag[f];
		}
	}
	for (int i = 0; i < FB_KVIEW_ROUTINES; i++) {
		struct fb_kcheck_row *r = &rows[FB_KF_COUNT + i];
		const char *kp = v->path[i];
		struct fb_kpath p;

		fb_kpath_select_boot(cpu, km, routines[i], b, &p);
		snprintf(r->item, sizeof(r->item), "%s", fb_kroutine_name(routines[i]));
		snprintf(r->predicted, sizeof(r->predicted), "%s", p.impl);
		if (routines[i] == FB_KR_COPY_MC && !strcmp(kp, "memcpy"))
			kp = v->path[0];        /* copy_mc.c falls back to memcpy() */
		if (!kp[0] || !strcmp(kp, "unknown")) {
			snprintf(r->kernel, sizeof(r->kernel), "unknown");
			r->agree = -1;
		} else {
			snprintf(r->kernel, sizeof(r->kernel), "%s", kernel_impl(kp));
			r->agree = !strcmp(r->kernel, p.impl);
		}
		if (v->how[i][0])
			snprintf(r->detail, sizeof(r->detail), "%s; kernel: %s", p.brief, v->how[i]);
		else
			snprintf(r->detail, sizeof(r->detail), "%s", p.brief);
	}
	for (int i = 0; i < FB_KCHECK_ROWS; i++)
		bad += rows[i].agree == 0;
	return bad;
}
