// SPDX-License-Identifier: GPL-2.0
/*
 * What the running kernel itself selected for its copy routines (INFO,
 * ABI 2), read from the kernel rather than predicted from CPUID:
 *  - feature bits with boot_cpu_has(), which is what alternatives patching
 *    consults (REP_GOOD is set by the vendor init code, not by CPUID);
 *  - memcpy() and copy_page() by decoding their first instructions after
 *    patching: arch/x86/lib/memcpy_64.S and copy_page_64.S (6.1, 6.12) start
 *    with an ALTERNATIVE that is either a jmp to another routine (whose name
 *    %ps gives) or NOPs in front of the function's own rep movs body;
 *  - copy_mc_to_kernel() by calling it once with kprobes on the two routines
 *    it may call (arch/x86/lib/copy_mc.c: copy_mc_fragile when the fragile
 *    static key is on, else copy_mc_enhanced_fast_string with ERMS, else
 *    memcpy). Its static key is static to copy_mc.c; which routine ran is
 *    the key's state.
 *  - the build config the module was built with, for the options that
 *    change copy cost.
 * Done once, on the first INFO, and kept: patching is finished by then.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "foliobench.h"

#ifdef CONFIG_X86_64
#include <asm/cpufeature.h>
#include <asm/page.h>
#endif

struct fbk_kinfo {
	u32 kflags, kflags_known, kconfig;
	char memcpy_path[FOLIOBENCH_PATH_LEN], memcpy_how[FOLIOBENCH_HOW_LEN];
	char copy_page_path[FOLIOBENCH_PATH_LEN], copy_page_how[FOLIOBENCH_HOW_LEN];
	char copy_mc_path[FOLIOBENCH_PATH_LEN], copy_mc_how[FOLIOBENCH_HOW_LEN];
};

static struct fbk_kinfo fbk_ki;
static bool fbk_ki_done;

/* the config options of the tree the module was built against */
static u32 fbk_kconfig_bits(void)
{
	static const struct {
		bool on;
		u32 bit;
	} opts[] = {
		{ IS_ENABLED(CONFIG_PREEMPT_NONE), FOLIOBENCH_KC_PREEMPT_NONE },
		{ IS_ENABLED(CONFIG_PREEMPT_VOLUNTARY), FOLIOBENCH_KC_PREEMPT_VOLUNTARY },
		{ IS_ENABLED(CONFIG_PREEMPT), FOLIOBENCH_KC_PREEMPT },
		{ IS_ENABLED(CONFIG_PREEMPT_RT), FOLIOBENCH_KC_PREEMPT_RT },
		{ IS_ENABLED(CONFIG_PREEMPT_DYNAMIC), FOLIOBENCH_KC_PREEMPT_DYNAMIC },
		{ IS_ENABLED(CONFIG_PREEMPT_LAZY), FOLIOBENCH_KC_PREEMPT_LAZY },
		{ IS_ENABLED(CONFIG_INIT_ON_ALLOC_DEFAULT_ON), FOLIOBENCH_KC_INIT_ON_ALLOC },
		{ IS_ENABLED(CONFIG_INIT_ON_FREE_DEFAULT_ON), FOLIOBENCH_KC_INIT_ON_FREE },
		{ IS_ENABLED(CONFIG_HAVE_GIGANTIC_FOLIOS), FOLIOBENCH_KC_GIGANTIC_FOLIOS },
		{ IS_ENABLED(CONFIG_SPARSEMEM_VMEMMAP), FOLIOBENCH_KC_SPARSEMEM_VMEMMAP },
		{ IS_ENABLED(CONFIG_KASAN), FOLIOBENCH_KC_KASAN },
		{ IS_ENABLED(CONFIG_DEBUG_VM), FOLIOBENCH_KC_DEBUG_VM },
	};
	u32 bits = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(opts); i++)
		if (opts[i].on)
			bits |= opts[i].bit;
	return bits;
}

#ifdef CONFIG_X86_64

#define FBK_CODE_LEN	48	/* bytes of a routine decoded */
#define FBK_BODY_LEN	24	/* where its own rep movs must be */

/*
 * Length of the NOP (or ENDBR64) at p, 0 if p is no NOP. Covers what
 * alternatives and IBT sealing write: 0x90, 66 90, [66|2e ...] 0f 1f /0
 * (x86_nops[], and the ENDBR poison 66 0f 1f 00).
 */
static unsigned int fbk_nop_len(const u8 *p, unsigned int left)
{
	unsigned int i = 0, n, mod, rm;

	if (left >= 4 && p[0] == 0xf3 && p[1] == 0x0f && p[2] == 0x1e &&
	    p[3] == 0xfa)
		return 4;
	while (i < left && (p[i] == 0x66 || p[i] == 0x2e))
		i++;
	if (i < left && p[i] == 0x90)
		return i + 1;
	if (i + 3 > left || p[i] != 0x0f || p[i + 1] != 0x1f)
		return 0;
	mod = p[i + 2] >> 6;
	rm = p[i + 2] & 7;
	n = i + 3;
	if (mod != 3 && rm == 4)
		n++;			/* SIB */
	if (mod == 1)
		n += 1;
	else if (mod == 2 || (mod == 0 && rm == 5))
		n += 4;
	return n <= left ? n : 0;
}

/* Whether code[from, to) is only NOPs and int3s: padding a jmp skips. */
static bool fbk_padding(const u8 *code, unsigned int from, unsigned int to)
{
	while (from < to) {
		unsigned int n = code[from] == 0xcc ? 1 :
				 fbk_nop_len(code + from, to - from);

		if (!n)
			return false;
		from += n;
	}
	return from == to;
}

/*
 * What routine @fn runs: skips NOPs, and jmps over padding (alternatives
 * write a jmp over long NOP runs); any other jmp names its target (%ps);
 * else the first rep movsb/movsq of the body. Anything else is "unknown",
 * with the bytes as evidence.
 */
static void fbk_decode(const char *name, const void *fn, char *path,
		      char *how)
{
	unsigned long start = (unsigned long)fn;
	unsigned int at = 0, hops = 0, i;
	u8 code[FBK_CODE_LEN];

	if (copy_from_kernel_nofault(code, fn, sizeof(code))) {
		strscpy(path, "unknown", FOLIOBENCH_PATH_LEN);
		snprintf(how, FOLIOBENCH_HOW_LEN, "%s: its code cannot be read",
			 name);
		return;
	}
	while (at < sizeof(code)) {
		unsigned int n = fbk_nop_len(code + at, sizeof(code) - at);
		unsigned long target;
		long rel;

		if (n) {
			at += n;
			continue;
		}
		if (code[at] == 0xeb && at + 2 <= sizeof(code)) {
			rel = (s8)code[at + 1];
			n = 2;
		} else if (code[at] == 0xe9 && at + 5 <= sizeof(code)) {
			rel = (s32)(code[at + 1] | code[at + 2] << 8 |
				    code[at + 3] << 16 | (u32)code[at + 4] << 24);
			n = 5;
		} else {
			break;
		}
		target = start + at + n + rel;
		if (target > start + at + n && target < start + sizeof(code) &&
		    fbk_padding(code, at + n, target - start) && ++hops < 4) {
			at = target - start;
			continue;
		}
		snprintf(path, FOLIOBENCH_PATH_LEN, "%ps", (void *)target);
		snprintf(how, FOLIOBENCH_HOW_LEN, "%s+%#x: jmp %ps", name, at,
			 (void *)target);
		return;
	}
	for (i = at; i + 2 < FBK_BODY_LEN + at && i + 2 < sizeof(code); i++) {
		const char *op = NULL;

		if (code[i] == 0xf3 && code[i + 1] == 0xa4)
			op = "rep movsb";
		else if (code[i] == 0xf3 && code[i + 1] == 0x48 &&
			 code[i + 2] == 0xa5)
			op = "rep movsq";
		if (op) {
			strscpy(path, op, FOLIOBENCH_PATH_LEN);
			snprintf(how, FOLIOBENCH_HOW_LEN,
				 "%s+%#x: no jmp; its own %s at +%#x", name, at,
				 op, i);
			return;
		}
	}
	strscpy(path, "unknown", FOLIOBENCH_PATH_LEN);
	snprintf(how, FOLIOBENCH_HOW_LEN, "%s+%#x: %*ph", name, at,
		 (int)min_t(unsigned int, 8, sizeof(code) - at), code + at);
}

#ifdef CONFIG_KPROBES
/* the two routines copy_mc_to_kernel() may call besides memcpy() */
static const char * const fbk_mc_names[] = {
	"copy_mc_fragile", "copy_mc_enhanced_fast_string",
};
static struct kprobe fbk_mc_kp[ARRAY_SIZE(fbk_mc_names)];
static atomic_t fbk_mc_hits[ARRAY_SIZE(fbk_mc_names)];
static const void *fbk_mc_src;

/* counts only our own call: its source is the second argument (rsi) */
static int fbk_mc_pre(struct kprobe *p, struct pt_regs *regs)
{
	if ((const void *)regs->si == READ_ONCE(fbk_mc_src))
		atomic_inc(&fbk_mc_hits[p - fbk_mc_kp]);
	return 0;
}

static void fbk_copy_mc_path(struct fbk_kinfo *ki)
{
	int err[ARRAY_SIZE(fbk_mc_names)];
	unsigned int i;
	unsigned long left = 0;
	u8 *buf;

	buf = kmalloc(128, GFP_KERNEL);
	if (!buf) {
		strscpy(ki->copy_mc_path, "unknown", sizeof(ki->copy_mc_path));
		strscpy(ki->copy_mc_how, "out of memory",
			sizeof(ki->copy_mc_how));
		return;
	}
	memset(buf, 0x5a, 64);
	WRITE_ONCE(fbk_mc_src, buf);
	for (i = 0; i < ARRAY_SIZE(fbk_mc_names); i++) {
		memset(&fbk_mc_kp[i], 0, sizeof(fbk_mc_kp[i]));
		fbk_mc_kp[i].symbol_name = fbk_mc_names[i];
		fbk_mc_kp[i].pre_handler = fbk_mc_pre;
		atomic_set(&fbk_mc_hits[i], 0);
		err[i] = register_kprobe(&fbk_mc_kp[i]);
	}
	if (!err[0] && !err[1])
		left = copy_mc_to_kernel(buf + 64, buf, 64);
	for (i = 0; i < ARRAY_SIZE(fbk_mc_names); i++)
		if (!err[i])
			unregister_kprobe(&fbk_mc_kp[i]);
	WRITE_ONCE(fbk_mc_src, NULL);
	kfree(buf);

	for (i = 0; i < ARRAY_SIZE(fbk_mc_names); i++) {
		if (err[i]) {
			strscpy(ki->copy_mc_path, "unknown",
				sizeof(ki->copy_mc_path));
			snprintf(ki->copy_mc_how, sizeof(ki->copy_mc_how),
				 "kprobe on %s: error %d", fbk_mc_names[i],
				 err[i]);
			return;
		}
	}
	ki->kflags_known |= FOLIOBENCH_KF_MC_FRAGILE;
	if (atomic_read(&fbk_mc_hits[0])) {
		ki->kflags |= FOLIOBENCH_KF_MC_FRAGILE;
		strscpy(ki->copy_mc_path, fbk_mc_names[0],
			sizeof(ki->copy_mc_path));
	} else if (atomic_read(&fbk_mc_hits[1])) {
		strscpy(ki->copy_mc_path, fbk_mc_names[1],
			sizeof(ki->copy_mc_path));
	} else {
		strscpy(ki->copy_mc_path, "memcpy", sizeof(ki->copy_mc_path));
	}
	snprintf(ki->copy_mc_how, sizeof(ki->copy_mc_how),
		 "one call (%lu left), kprobes hit: copy_mc_fragile %d, copy_mc_enhanced_fast_string %d",
		 left, atomic_read(&fbk_mc_hits[0]),
		 atomic_read(&fbk_mc_hits[1]));
}
#else
static void fbk_copy_mc_path(struct fbk_kinfo *ki)
{
	strscpy(ki->copy_mc_path, "unknown", sizeof(ki->copy_mc_path));
	strscpy(ki->copy_mc_how, "kernel built without CONFIG_KPROBES",
		sizeof(ki->copy_mc_how));
}
#endif /* CONFIG_KPROBES */

static void fbk_kinfo_x86(struct fbk_kinfo *ki)
{
	/* fortify makes memcpy a function-like macro: name the function */
	void *(*const memcpy_fn)(void *, const void *, size_t) = memcpy;

	ki->kflags_known |= FOLIOBENCH_KF_FSRM | FOLIOBENCH_KF_ERMS |
			    FOLIOBENCH_KF_REP_GOOD;
	if (boot_cpu_has(X86_FEATURE_FSRM))
		ki->kflags |= FOLIOBENCH_KF_FSRM;
	if (boot_cpu_has(X86_FEATURE_ERMS))
		ki->kflags |= FOLIOBENCH_KF_ERMS;
	if (boot_cpu_has(X86_FEATURE_REP_GOOD))
		ki->kflags |= FOLIOBENCH_KF_REP_GOOD;
#ifdef X86_FEATURE_FSRS		/* 6.1 has no such feature */
	ki->kflags_known |= FOLIOBENCH_KF_FSRS;
	if (boot_cpu_has(X86_FEATURE_FSRS))
		ki->kflags |= FOLIOBENCH_KF_FSRS;
#endif
	fbk_decode("memcpy", memcpy_fn, ki->memcpy_path, ki->memcpy_how);
	fbk_decode("copy_page", copy_page, ki->copy_page_path,
		  ki->copy_page_how);
	fbk_copy_mc_path(ki);
}
#endif /* CONFIG_X86_64 */

void fbk_kinfo_fill(struct foliobench_info *in)
{
	struct fbk_kinfo *ki = &fbk_ki;

	/* under fbk_lock, like every INFO */
	if (!fbk_ki_done) {
		ki->kconfig = fbk_kconfig_bits();
#ifdef CONFIG_X86_64
		fbk_kinfo_x86(ki);
#endif
		fbk_ki_done = true;
	}
	in->kflags = ki->kflags;
	in->kflags_known = ki->kflags_known;
	in->kconfig = ki->kconfig;
	in->reserved_kinfo = 0;
	strscpy(in->memcpy_path, ki->memcpy_path, sizeof(in->memcpy_path));
	strscpy(in->memcpy_how, ki->memcpy_how, sizeof(in->memcpy_how));
	strscpy(in->copy_page_path, ki->copy_page_path,
		sizeof(in->copy_page_path));
	strscpy(in->copy_page_how, ki->copy_page_how,
		sizeof(in->copy_page_how));
	strscpy(in->copy_mc_path, ki->copy_mc_path, sizeof(in->copy_mc_path));
	strscpy(in->copy_mc_how, ki->copy_mc_how, sizeof(in->copy_mc_how));
}
