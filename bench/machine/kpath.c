// SPDX-License-Identifier: GPL-2.0-only
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

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *const fb_kernel_model_names[] = { "6.1", "6.12", NULL };
const char *const fb_kernel_model_aliases[] = { "6.12+", "6.12", NULL };

const char *fb_kernel_model_name(enum fb_kernel_model km)
{
	return (unsigned)km < FB_KM_COUNT ? fb_kernel_model_names[km] : "?";
}

int fb_kernel_model_parse(const char *s, enum fb_kernel_model *km)
{
	for (size_t i = 0; s && fb_kernel_model_aliases[i]; i += 2)
		if (!strcmp(s, fb_kernel_model_aliases[i]))
			s = fb_kernel_model_aliases[i + 1];
	for (int i = 0; s && km && fb_kernel_model_names[i]; i++)
		if (!strcmp(s, fb_kernel_model_names[i])) {
			*km = (enum fb_kernel_model)i;
			return 0;
		}
	return -1;
}

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

int fb_kroutine_parse(const char *s, enum fb_kroutine *r)
{
	for (int i = 0; s && i < FB_KR_COUNT; i++) {
		if (!strcmp(s, kr_names[i])) {
			*r = (enum fb_kroutine)i;
			return 0;
		}
	}
	return -1;
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

/* ---- the record a cell keeps, and its short form ---- */

void fb_kpath_record_set(struct fb_kpath_record *r, enum fb_kroutine routine,
			 enum fb_kernel_model km, const struct fb_kpath *kp)
{
	r->routine = (int)routine;
	r->model = (int)km;
	snprintf(r->impl, sizeof(r->impl), "%s", kp->impl);
	snprintf(r->why, sizeof(r->why), "%s", kp->why);
}

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
	return buf;
}

bool fb_kpath_seed000(const char *batched_impl, const char *per_page_impl)
{
	return batched_impl && per_page_impl && !strcmp(batched_impl, "memcpy_orig") &&
	       !strcmp(per_page_impl, "rep movsq");
}

/* "PREFIX MODEL: IMPL (TAIL)", or IMPL alone for a record that names
 * neither routine nor model. */
static const char *kpath_text(const struct fb_kpath_record *r, const char *prefix,
			      const char *tail, char *buf, size_t len)
{
	if (r->routine < 0 && r->model < 0) {
		snprintf(buf, len, "%s", r->impl);
		return buf;
	}
	if (!prefix)
		prefix = r->routine >= 0 ? fb_kroutine_name((enum fb_kroutine)r->routine) : "?";
	if (tail[0])
		snprintf(buf, len, "%s %s: %s (%s)", prefix,
			 fb_kernel_model_name((enum fb_kernel_model)r->model), r->impl, tail);
	else
		snprintf(buf, len, "%s %s: %s", prefix,
			 fb_kernel_model_name((enum fb_kernel_model)r->model), r->impl);
	return buf;
}

const char *fb_kpath_concise(const struct fb_kpath_record *r, const char *prefix,
			     char *buf, size_t len)
{
	char brief[64];

	return kpath_text(r, prefix, fb_kpath_brief_of(r->why, brief, sizeof(brief)), buf, len);
}

const char *fb_kpath_full(const struct fb_kpath_record *r, const char *prefix,
			  char *buf, size_t len)
{
	return kpath_text(r, prefix, r->why, buf, len);
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
