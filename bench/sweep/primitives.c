// SPDX-License-Identifier: GPL-2.0-only
/*
 * Userspace copies of the x86-64 kernel's copy primitives.
 *
 * Each entry reimplements the algorithm of one kernel routine (checked
 * against Debian's 6.1 and 6.12 sources of arch/x86/lib/) so that the
 * routines the kernel picks by CPU feature can be timed side by side:
 *
 *   memcpy   6.12+: FSRM -> rep movsb, else memcpy_orig
 *            6.1:   ERMS -> rep movsb, REP_GOOD -> rep movsq + movsb tail,
 *                   else memcpy_orig
 *   copy_page       REP_GOOD -> rep movsq, else copy_page_regs
 *   copy_mc_to_kernel  MCE-recovery quirk -> copy_mc_fragile,
 *                   ERMS -> rep movsb, else memcpy
 *   memcpy_flushcache  movnti loop
 *
 * The code here is our own; only the algorithms follow the kernel. There
 * is no exception-table handling: a fault is a crash, as for any memcpy.
 * Every routine is byte exact for any length (tests/test_primitives.c).
 *
 * Only "libc" exists off x86-64; all asm is behind __x86_64__.
 */
#include "primitives.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * Hand-written routines live in top-level asm so that register use and
 * instruction order are exactly the kernel's, whatever the compiler
 * would do with C. They are hidden globals (not static) so the C
 * declarations below resolve them in PIE and static builds alike.
 */
#define FB_HIDDEN __attribute__((visibility("hidden")))
void fb_x86_memcpy_orig(void *dst, const void *src, size_t len) FB_HIDDEN;
void fb_x86_copy_page_regs(void *dst, const void *src, size_t len) FB_HIDDEN;
void fb_x86_copy_mc_fragile(void *dst, const void *src, size_t len) FB_HIDDEN;

/* Indirect-branch target marker when the object is built for CET/IBT. */
#if defined(__CET__) && (__CET__ & 1)
#define FB_ENDBR "endbr64\n\t"
#else
#define FB_ENDBR ""
#endif

#define FB_ASM_FUNC_BEGIN(sym)                 \
	".pushsection .text\n\t"                \
	".p2align 4\n\t"                        \
	".globl " #sym "\n\t"                   \
	".hidden " #sym "\n\t"                  \
	".type " #sym ", @function\n"           \
	#sym ":\n\t"                            \
	".cfi_startproc\n\t"                    \
	FB_ENDBR

#define FB_ASM_FUNC_END(sym)                   \
	".cfi_endproc\n\t"                      \
	".size " #sym ", .-" #sym "\n\t"        \
	".popsection\n"

/*
 * memcpy_orig (arch/x86/lib/memcpy_64.S, same in 6.1 and 6.12): the
 * memcpy of CPUs without FSRM on 6.12+ (without ERMS/REP_GOOD on 6.1).
 *
 * >= 32 bytes: 4x8-byte movq blocks. The direction is picked from the
 * low address bytes: when the source's low byte is below the
 * destination's (signed compare), a forward copy's loads would match
 * stores it has just issued in their low address bits, which the CPU
 * treats as a possible dependence ("memory false dependence"), so the
 * blocks are copied from the end backwards instead. The last < 32 bytes
 * go through the same tail code as short copies, which uses two
 * overlapping loads/stores per size class so it never loops.
 * rdi = dst, rsi = src, rdx = len.
 */
__asm__(
	FB_ASM_FUNC_BEGIN(fb_x86_memcpy_orig)
	"movq %rdi, %rax\n\t"
	"cmpq $32, %rdx\n\t"
	"jb .Lfb_mo_tail\n\t"
	"cmpb %dil, %sil\n\t"
	"jl .Lfb_mo_backward\n\t"
	/* Bias len by one block so the loop's borrow ends it. */
	"subq $32, %rdx\n"
".Lfb_mo_fwd_loop:\n\t"
	"subq $32, %rdx\n\t"
	"movq 0*8(%rsi), %r8\n\t"
	"movq 1*8(%rsi), %r9\n\t"
	"movq 2*8(%rsi), %r10\n\t"
	"movq 3*8(%rsi), %r11\n\t"
	"leaq 4*8(%rsi), %rsi\n\t"
	"movq %r8, 0*8(%rdi)\n\t"
	"movq %r9, 1*8(%rdi)\n\t"
	"movq %r10, 2*8(%rdi)\n\t"
	"movq %r11, 3*8(%rdi)\n\t"
	"leaq 4*8(%rdi), %rdi\n\t"
	"jae .Lfb_mo_fwd_loop\n\t"
	"addl $32, %edx\n\t"
	"jmp .Lfb_mo_tail\n"
".Lfb_mo_backward:\n\t"
	"addq %rdx, %rsi\n\t"
	"addq %rdx, %rdi\n\t"
	"subq $32, %rdx\n\t"
	".p2align 4\n"
".Lfb_mo_bwd_loop:\n\t"
	"subq $32, %rdx\n\t"
	"movq -1*8(%rsi), %r8\n\t"
	"movq -2*8(%rsi), %r9\n\t"
	"movq -3*8(%rsi), %r10\n\t"
	"movq -4*8(%rsi), %r11\n\t"
	"leaq -4*8(%rsi), %rsi\n\t"
	"movq %r8, -1*8(%rdi)\n\t"
	"movq %r9, -2*8(%rdi)\n\t"
	"movq %r10, -3*8(%rdi)\n\t"
	"movq %r11, -4*8(%rdi)\n\t"
	"leaq -4*8(%rdi), %rdi\n\t"
	"jae .Lfb_mo_bwd_loop\n\t"
	/* What is left (< 32 bytes) is at the head: step back to it. */
	"addl $32, %edx\n\t"
	"subq %rdx, %rsi\n\t"
	"subq %rdx, %rdi\n"
".Lfb_mo_tail:\n\t"
	"cmpl $16, %edx\n\t"
	"jb .Lfb_mo_lt16\n\t"
	/* 16..31: first 16 and last 16 bytes, overlapping in the middle. */
	"movq 0*8(%rsi), %r8\n\t"
	"movq 1*8(%rsi), %r9\n\t"
	"movq -2*8(%rsi,%rdx), %r10\n\t"
	"movq -1*8(%rsi,%rdx), %r11\n\t"
	"movq %r8, 0*8(%rdi)\n\t"
	"movq %r9, 1*8(%rdi)\n\t"
	"movq %r10, -2*8(%rdi,%rdx)\n\t"
	"movq %r11, -1*8(%rdi,%rdx)\n\t"
	"ret\n\t"
	".p2align 4\n"
".Lfb_mo_lt16:\n\t"
	"cmpl $8, %edx\n\t"
	"jb .Lfb_mo_lt8\n\t"
	/* 8..15: first and last quadword. */
	"movq (%rsi), %r8\n\t"
	"movq -8(%rsi,%rdx), %r9\n\t"
	"movq %r8, (%rdi)\n\t"
	"movq %r9, -8(%rdi,%rdx)\n\t"
	"ret\n\t"
	".p2align 4\n"
".Lfb_mo_lt8:\n\t"
	"cmpl $4, %edx\n\t"
	"jb .Lfb_mo_lt4\n\t"
	/* 4..7: first and last dword. */
	"movl (%rsi), %ecx\n\t"
	"movl -4(%rsi,%rdx), %r8d\n\t"
	"movl %ecx, (%rdi)\n\t"
	"movl %r8d, -4(%rdi,%rdx)\n\t"
	"ret\n\t"
	".p2align 4\n"
".Lfb_mo_lt4:\n\t"
	/* 0..3: edx becomes len - 1; borrow means len was 0. */
	"subl $1, %edx\n\t"
	"jb .Lfb_mo_done\n\t"
	"movzbl (%rsi), %ecx\n\t"
	"jz .Lfb_mo_one\n\t"
	/* 2..3: byte 1 and the last byte (the same one when len == 2). */
	"movzbq 1(%rsi), %r8\n\t"
	"movzbq (%rsi,%rdx), %r9\n\t"
	"movb %r8b, 1(%rdi)\n\t"
	"movb %r9b, (%rdi,%rdx)\n"
".Lfb_mo_one:\n\t"
	"movb %cl, (%rdi)\n"
".Lfb_mo_done:\n\t"
	"ret\n\t"
	FB_ASM_FUNC_END(fb_x86_memcpy_orig)
);

/*
 * copy_page_regs (arch/x86/lib/copy_page_64.S): copy_page on CPUs
 * without REP_GOOD. Each 64-byte line is loaded into eight registers and
 * stored; all lines but the last five also prefetch the line five ahead,
 * so the loop never prefetches past the end of the copy.
 *
 * The kernel's is for exactly 4096 bytes (59 + 5 lines). Here the line
 * count is len / 64 (up to five lines run the non-prefetching loop only)
 * and the len % 64 tail is copied 8 bytes, then 1 byte, at a time.
 * rdi = dst, rsi = src, rdx = len. The data registers are the kernel's
 * (rbx and r12 are callee-saved); rdx is one of them, so the tail length
 * waits on the stack.
 */
__asm__(
	FB_ASM_FUNC_BEGIN(fb_x86_copy_page_regs)
	"pushq %rbx\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	".cfi_rel_offset %rbx, 0\n\t"
	"pushq %r12\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	".cfi_rel_offset %r12, 0\n\t"
	"movq %rdx, %rcx\n\t"
	"shrq $6, %rcx\n\t"
	"andl $63, %edx\n\t"
	"pushq %rdx\n\t"
	".cfi_adjust_cfa_offset 8\n\t"
	"cmpq $5, %rcx\n\t"
	"jbe .Lfb_cpr_last\n\t"
	"subq $5, %rcx\n\t"
	".p2align 4\n"
".Lfb_cpr_loop64:\n\t"
	"decq %rcx\n\t"
	"movq 0x8*0(%rsi), %rax\n\t"
	"movq 0x8*1(%rsi), %rbx\n\t"
	"movq 0x8*2(%rsi), %rdx\n\t"
	"movq 0x8*3(%rsi), %r8\n\t"
	"movq 0x8*4(%rsi), %r9\n\t"
	"movq 0x8*5(%rsi), %r10\n\t"
	"movq 0x8*6(%rsi), %r11\n\t"
	"movq 0x8*7(%rsi), %r12\n\t"
	"prefetcht0 5*64(%rsi)\n\t"
	"movq %rax, 0x8*0(%rdi)\n\t"
	"movq %rbx, 0x8*1(%rdi)\n\t"
	"movq %rdx, 0x8*2(%rdi)\n\t"
	"movq %r8, 0x8*3(%rdi)\n\t"
	"movq %r9, 0x8*4(%rdi)\n\t"
	"movq %r10, 0x8*5(%rdi)\n\t"
	"movq %r11, 0x8*6(%rdi)\n\t"
	"movq %r12, 0x8*7(%rdi)\n\t"
	"leaq 64(%rsi), %rsi\n\t"
	"leaq 64(%rdi), %rdi\n\t"
	"jnz .Lfb_cpr_loop64\n\t"
	"movl $5, %ecx\n"
".Lfb_cpr_last:\n\t"
	"testq %rcx, %rcx\n\t"
	"jz .Lfb_cpr_tail\n\t"
	".p2align 4\n"
".Lfb_cpr_loop2:\n\t"
	"decq %rcx\n\t"
	"movq 0x8*0(%rsi), %rax\n\t"
	"movq 0x8*1(%rsi), %rbx\n\t"
	"movq 0x8*2(%rsi), %rdx\n\t"
	"movq 0x8*3(%rsi), %r8\n\t"
	"movq 0x8*4(%rsi), %r9\n\t"
	"movq 0x8*5(%rsi), %r10\n\t"
	"movq 0x8*6(%rsi), %r11\n\t"
	"movq 0x8*7(%rsi), %r12\n\t"
	"movq %rax, 0x8*0(%rdi)\n\t"
	"movq %rbx, 0x8*1(%rdi)\n\t"
	"movq %rdx, 0x8*2(%rdi)\n\t"
	"movq %r8, 0x8*3(%rdi)\n\t"
	"movq %r9, 0x8*4(%rdi)\n\t"
	"movq %r10, 0x8*5(%rdi)\n\t"
	"movq %r11, 0x8*6(%rdi)\n\t"
	"movq %r12, 0x8*7(%rdi)\n\t"
	"leaq 64(%rdi), %rdi\n\t"
	"leaq 64(%rsi), %rsi\n\t"
	"jnz .Lfb_cpr_loop2\n"
".Lfb_cpr_tail:\n\t"
	/* Not in the kernel: the len % 64 bytes after the last line. */
	"popq %rdx\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	"movl %edx, %ecx\n\t"
	"shrl $3, %ecx\n\t"
	"jz .Lfb_cpr_bytes\n"
".Lfb_cpr_quads:\n\t"
	"movq (%rsi), %rax\n\t"
	"movq %rax, (%rdi)\n\t"
	"leaq 8(%rsi), %rsi\n\t"
	"leaq 8(%rdi), %rdi\n\t"
	"decl %ecx\n\t"
	"jnz .Lfb_cpr_quads\n"
".Lfb_cpr_bytes:\n\t"
	"andl $7, %edx\n\t"
	"jz .Lfb_cpr_done\n"
".Lfb_cpr_byte:\n\t"
	"movzbl (%rsi), %eax\n\t"
	"movb %al, (%rdi)\n\t"
	"incq %rsi\n\t"
	"incq %rdi\n\t"
	"decl %edx\n\t"
	"jnz .Lfb_cpr_byte\n"
".Lfb_cpr_done:\n\t"
	"popq %r12\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	".cfi_restore %r12\n\t"
	"popq %rbx\n\t"
	".cfi_adjust_cfa_offset -8\n\t"
	".cfi_restore %rbx\n\t"
	"ret\n\t"
	FB_ASM_FUNC_END(fb_x86_copy_page_regs)
);

/*
 * copy_mc_fragile (arch/x86/lib/copy_mc_64.S) without its exception
 * table: bytes until the *source* is 8-byte aligned (a poisoned line is
 * then consumed by one aligned load, never straddled), 8-byte words,
 * then the trailing bytes one by one. No fast strings on purpose: that
 * is the point of the "fragile" variant. The kernel's length is an
 * unsigned int (32-bit counters); these counters are 64-bit so any size_t
 * works. rdi = dst, rsi = src, rdx = len.
 */
__asm__(
	FB_ASM_FUNC_BEGIN(fb_x86_copy_mc_fragile)
	"cmpq $8, %rdx\n\t"
	"jb .Lfb_mcf_trailing\n\t"
	"testl $7, %esi\n\t"
	"jz .Lfb_mcf_aligned\n\t"
	/* ecx = 8 - (src & 7) leading bytes */
	"movl %esi, %ecx\n\t"
	"andl $7, %ecx\n\t"
	"subl $8, %ecx\n\t"
	"negl %ecx\n\t"
	"subq %rcx, %rdx\n"
".Lfb_mcf_leading:\n\t"
	"movb (%rsi), %al\n\t"
	"movb %al, (%rdi)\n\t"
	"incq %rsi\n\t"
	"incq %rdi\n\t"
	"decl %ecx\n\t"
	"jnz .Lfb_mcf_leading\n"
".Lfb_mcf_aligned:\n\t"
	"movq %rdx, %rcx\n\t"
	"andl $7, %edx\n\t"
	"shrq $3, %rcx\n\t"
	"jz .Lfb_mcf_trailing\n"
".Lfb_mcf_words:\n\t"
	"movq (%rsi), %r8\n\t"
	"movq %r8, (%rdi)\n\t"
	"addq $8, %rsi\n\t"
	"addq $8, %rdi\n\t"
	"decq %rcx\n\t"
	"jnz .Lfb_mcf_words\n"
".Lfb_mcf_trailing:\n\t"
	/* rdx < 8 here on every path */
	"testl %edx, %edx\n\t"
	"jz .Lfb_mcf_done\n\t"
	"movl %edx, %ecx\n"
".Lfb_mcf_trail_loop:\n\t"
	"movb (%rsi), %al\n\t"
	"movb %al, (%rdi)\n\t"
	"incq %rsi\n\t"
	"incq %rdi\n\t"
	"decl %ecx\n\t"
	"jnz .Lfb_mcf_trail_loop\n"
".Lfb_mcf_done:\n\t"
	/* the kernel returns bytes not copied: always 0 without faults */
	"xorl %eax, %eax\n\t"
	"ret\n\t"
	FB_ASM_FUNC_END(fb_x86_copy_mc_fragile)
);

/*
 * rep movsb: memcpy on 6.12+ with FSRM and on 6.1 with ERMS, and
 * copy_mc_enhanced_fast_string. Correct on every x86-64; fast only when
 * ERMS/FSRM say the microcode handles it well.
 */
static void fb_rep_movsb(void *dst, const void *src, size_t len)
{
	__asm__ __volatile__("rep movsb"
			     : "+D"(dst), "+S"(src), "+c"(len)
			     : : "memory");
}

/*
 * rep movsq: copy_page with REP_GOOD (len/8 quadwords), and 6.1's
 * REP_GOOD memcpy, which finishes the len % 8 bytes with rep movsb.
 */
static void fb_rep_movsq(void *dst, const void *src, size_t len)
{
	size_t quads = len >> 3;

	__asm__ __volatile__("rep movsq\n\t"
			     "movl %k[tail], %%ecx\n\t"
			     "rep movsb"
			     : "+D"(dst), "+S"(src), "+c"(quads)
			     : [tail] "r"((unsigned)(len & 7))
			     : "memory");
}

/*
 * The cache-line write-back the kernel's clwb() resolves to at boot:
 * clwb, else clflushopt, else clflush. Looked up once from the detected
 * CPU (fb_primitives() and friends do it before any timing starts) and
 * kept with the flush line size; 0 means "not looked up yet".
 */
enum { FB_WB_CLFLUSH = 1, FB_WB_CLFLUSHOPT, FB_WB_CLWB };
static _Atomic unsigned fb_wb_mode;

static unsigned fb_wb_resolve(void)
{
	unsigned v = atomic_load_explicit(&fb_wb_mode, memory_order_relaxed);
	const struct fb_cpu *cpu;
	unsigned line = 64, mode = FB_WB_CLFLUSH;

	if (v)
		return v;
	cpu = fb_this_cpu();
	if (cpu) {
		if (cpu->clflush_line >= 16 && cpu->clflush_line <= 4096 &&
		    !(cpu->clflush_line & (cpu->clflush_line - 1)))
			line = cpu->clflush_line;
		if (cpu->flag[FB_F_CLWB])
			mode = FB_WB_CLWB;
		else if (cpu->flag[FB_F_CLFLUSHOPT])
			mode = FB_WB_CLFLUSHOPT;
	}
	v = mode | line << 4;
	atomic_store_explicit(&fb_wb_mode, v, memory_order_relaxed);
	return v;
}

/* clean_cache_range(): write back every line that [addr, addr+size) touches. */
static void fb_clean_cache_range(void *addr, size_t size)
{
	unsigned v = fb_wb_resolve(), mode = v & 15;
	uintptr_t line = v >> 4;
	uintptr_t p = (uintptr_t)addr & ~(line - 1);
	uintptr_t end = (uintptr_t)addr + size;

	for (; p < end; p += line) {
		volatile char *c = (volatile char *)p;

		if (mode == FB_WB_CLWB)
			__asm__ __volatile__("clwb %0" : "+m"(*c));
		else if (mode == FB_WB_CLFLUSHOPT)
			__asm__ __volatile__("clflushopt %0" : "+m"(*c));
		else
			__asm__ __volatile__("clflush %0" : "+m"(*c));
	}
}

/*
 * __memcpy_flushcache (arch/x86/lib/usercopy_64.c): a cached copy plus
 * write-back for the bytes before the first 8-byte aligned destination,
 * then movnti 4x8 bytes, 8 bytes and 4 bytes at a time, and a cached copy
 * plus write-back for the last 0..3 bytes.
 *
 * The kernel leaves the sfence to its callers (pmem_wmb() and the like);
 * this copy ends with one, so that a timing covers getting the data out
 * of the write-combining buffers and not just issuing the stores.
 */
static void fb_movnti(void *dst, const void *src, size_t size)
{
	uintptr_t dest = (uintptr_t)dst;
	const unsigned char *source = src;

	if (dest & 7) {
		size_t len = 8 - (dest & 7);

		if (len > size)
			len = size;
		memcpy((void *)dest, source, len);
		fb_clean_cache_range((void *)dest, len);
		dest += len;
		source += len;
		size -= len;
	}

	while (size >= 32) {
		__asm__ __volatile__("movq    (%0), %%r8\n\t"
				     "movq   8(%0), %%r9\n\t"
				     "movq  16(%0), %%r10\n\t"
				     "movq  24(%0), %%r11\n\t"
				     "movnti  %%r8,   (%1)\n\t"
				     "movnti  %%r9,  8(%1)\n\t"
				     "movnti %%r10, 16(%1)\n\t"
				     "movnti %%r11, 24(%1)"
				     : : "r"(source), "r"(dest)
				     : "memory", "r8", "r9", "r10", "r11");
		dest += 32;
		source += 32;
		size -= 32;
	}
	while (size >= 8) {
		__asm__ __volatile__("movq (%0), %%r8\n\t"
				     "movnti %%r8, (%1)"
				     : : "r"(source), "r"(dest) : "memory", "r8");
		dest += 8;
		source += 8;
		size -= 8;
	}
	while (size >= 4) {
		__asm__ __volatile__("movl (%0), %%r8d\n\t"
				     "movnti %%r8d, (%1)"
				     : : "r"(source), "r"(dest) : "memory", "r8");
		dest += 4;
		source += 4;
		size -= 4;
	}
	if (size) {
		memcpy((void *)dest, source, size);
		fb_clean_cache_range((void *)dest, size);
	}
	__asm__ __volatile__("sfence" : : : "memory");
}

/*
 * Copies shorter than one vector, memcpy_orig-style: two overlapping
 * moves per size class, no loop. Fixed-size memcpy compiles to plain
 * moves.
 */
static inline void fb_copy_short(unsigned char *d, const unsigned char *s,
				 size_t len)
{
	uint64_t a, b;
	uint32_t x, y;

	if (len >= 16) { /* up to 31 */
		memcpy(&a, s, 8);
		memcpy(&b, s + 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + 8, &b, 8);
		memcpy(&a, s + len - 16, 8);
		memcpy(&b, s + len - 8, 8);
		memcpy(d + len - 16, &a, 8);
		memcpy(d + len - 8, &b, 8);
	} else if (len >= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + len - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + len - 8, &b, 8);
	} else if (len >= 4) {
		memcpy(&x, s, 4);
		memcpy(&y, s + len - 4, 4);
		memcpy(d, &x, 4);
		memcpy(d + len - 4, &y, 4);
	} else if (len) {
		unsigned char first = s[0], last = s[len - 1];

		if (len == 3)
			d[1] = s[1];
		d[0] = first;
		d[len - 1] = last;
	}
}

/*
 * Streaming-store references (no kernel routine does this for page
 * copies; seed 004 asks how non-temporal stores compare). Loads are
 * unaligned vmovdqu, stores vmovntdq to an aligned destination. The
 * unaligned head and the tail are one cached vector store each, placed
 * so they overlap the streamed part: overlapping bytes get the same
 * data, so no byte-sized cleanup is needed. len >= 4 vectors runs an
 * unrolled loop of four.
 */
__attribute__((target("avx2")))
static void fb_nt_avx2(void *dst, const void *src, size_t len)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	size_t head;

	if (len < 32) {
		fb_copy_short(d, s, len);
		return;
	}
	head = -(uintptr_t)d & 31;
	if (head) {
		_mm256_storeu_si256((__m256i *)d,
				    _mm256_loadu_si256((const __m256i *)s));
		d += head;
		s += head;
		len -= head;
	}
	for (; len >= 128; d += 128, s += 128, len -= 128) {
		__m256i v0 = _mm256_loadu_si256((const __m256i *)s);
		__m256i v1 = _mm256_loadu_si256((const __m256i *)(s + 32));
		__m256i v2 = _mm256_loadu_si256((const __m256i *)(s + 64));
		__m256i v3 = _mm256_loadu_si256((const __m256i *)(s + 96));

		_mm256_stream_si256((__m256i *)d, v0);
		_mm256_stream_si256((__m256i *)(d + 32), v1);
		_mm256_stream_si256((__m256i *)(d + 64), v2);
		_mm256_stream_si256((__m256i *)(d + 96), v3);
	}
	for (; len >= 32; d += 32, s += 32, len -= 32)
		_mm256_stream_si256((__m256i *)d,
				    _mm256_loadu_si256((const __m256i *)s));
	/* len > 0 only after at least 32 bytes: d - 32 + len is in range */
	if (len)
		_mm256_storeu_si256((__m256i *)(d + len - 32),
				    _mm256_loadu_si256((const __m256i *)(s + len - 32)));
	__asm__ __volatile__("sfence" : : : "memory");
}

__attribute__((target("avx512f")))
static void fb_nt_avx512(void *dst, const void *src, size_t len)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	size_t head;

	if (len < 64) {
		if (len >= 32) {
			__m256i a = _mm256_loadu_si256((const __m256i *)s);
			__m256i b = _mm256_loadu_si256((const __m256i *)(s + len - 32));

			_mm256_storeu_si256((__m256i *)d, a);
			_mm256_storeu_si256((__m256i *)(d + len - 32), b);
		} else {
			fb_copy_short(d, s, len);
		}
		return;
	}
	head = -(uintptr_t)d & 63;
	if (head) {
		_mm512_storeu_si512(d, _mm512_loadu_si512(s));
		d += head;
		s += head;
		len -= head;
	}
	for (; len >= 256; d += 256, s += 256, len -= 256) {
		__m512i v0 = _mm512_loadu_si512(s);
		__m512i v1 = _mm512_loadu_si512(s + 64);
		__m512i v2 = _mm512_loadu_si512(s + 128);
		__m512i v3 = _mm512_loadu_si512(s + 192);

		_mm512_stream_si512((void *)d, v0);
		_mm512_stream_si512((void *)(d + 64), v1);
		_mm512_stream_si512((void *)(d + 128), v2);
		_mm512_stream_si512((void *)(d + 192), v3);
	}
	for (; len >= 64; d += 64, s += 64, len -= 64)
		_mm512_stream_si512((void *)d, _mm512_loadu_si512(s));
	if (len)
		_mm512_storeu_si512(d + len - 64, _mm512_loadu_si512(s + len - 64));
	__asm__ __volatile__("sfence" : : : "memory");
}

static bool fb_need_avx2(const struct fb_cpu *cpu, const char **why)
{
	if (cpu->flag[FB_F_AVX2])
		return true;
	*why = "CPU lacks avx2";
	return false;
}

static bool fb_need_avx512f(const struct fb_cpu *cpu, const char **why)
{
	if (cpu->flag[FB_F_AVX512F])
		return true;
	*why = "CPU lacks avx512f";
	return false;
}

#endif /* __x86_64__ */

/* The userspace reference: whatever glibc's ifunc picked for this CPU. */
static void fb_libc_memcpy(void *dst, const void *src, size_t len)
{
	memcpy(dst, src, len);
}

static const struct fb_primitive fb_primitive_table[] = {
#if defined(__x86_64__)
	{ "rep_movsb",
	  "rep movsb: memcpy with FSRM (6.12+) or ERMS (6.1), copy_mc_enhanced_fast_string; fast only with ERMS/FSRM",
	  NULL, fb_rep_movsb, false },
	{ "rep_movsq",
	  "rep movsq (+ rep movsb tail): copy_page with REP_GOOD; 6.1 memcpy with REP_GOOD and no ERMS",
	  NULL, fb_rep_movsq, false },
	{ "memcpy_orig",
	  "memcpy_orig (memcpy_64.S), 4x8-byte movq loop: memcpy without FSRM (6.12+) or without ERMS/REP_GOOD (6.1)",
	  NULL, fb_x86_memcpy_orig, false },
	{ "copy_page_regs",
	  "copy_page_regs (copy_page_64.S), 8 regs per 64-byte line, prefetcht0 5 lines ahead: copy_page without REP_GOOD",
	  NULL, fb_x86_copy_page_regs, false },
	{ "copy_mc_fragile",
	  "copy_mc_fragile (copy_mc_64.S), bytes to align src, 8-byte words, byte tail: copy_mc_to_kernel with the MCE quirk",
	  NULL, fb_x86_copy_mc_fragile, false },
	{ "movnti",
	  "__memcpy_flushcache (usercopy_64.c), 4x8-byte movnti loop, cached+write-back edges, sfence added",
	  NULL, fb_movnti, true },
	{ "nt_avx2",
	  "32-byte vmovntdq streaming stores, vmovdqu loads, sfence (reference, no kernel path)",
	  fb_need_avx2, fb_nt_avx2, true },
	{ "nt_avx512",
	  "64-byte zmm vmovntdq streaming stores, vmovdqu64 loads, sfence (reference, no kernel path)",
	  fb_need_avx512f, fb_nt_avx512, true },
#endif
	{ "libc",
	  "glibc memcpy (userspace reference, no kernel path)",
	  NULL, fb_libc_memcpy, false },
};

#define FB_NR_PRIMITIVES (sizeof(fb_primitive_table) / sizeof(fb_primitive_table[0]))

/* Settle CPU-dependent choices before anyone times a copy. */
static void fb_primitives_prepare(void)
{
#if defined(__x86_64__)
	fb_wb_resolve();
#endif
}

const struct fb_primitive *fb_primitives(size_t *count)
{
	fb_primitives_prepare();
	if (count)
		*count = FB_NR_PRIMITIVES;
	return fb_primitive_table;
}

const struct fb_primitive *fb_primitive_find(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	fb_primitives_prepare();
	for (i = 0; i < FB_NR_PRIMITIVES; i++)
		if (!strcmp(fb_primitive_table[i].name, name))
			return &fb_primitive_table[i];
	return NULL;
}

bool fb_primitive_usable(const struct fb_primitive *p, const struct fb_cpu *cpu,
			 const char **why)
{
	const char *dummy;

	if (!why)
		why = &dummy;
	*why = NULL;
	if (!p) {
		*why = "no such primitive";
		return false;
	}
	fb_primitives_prepare();
	if (!p->supported)
		return true;
	if (!cpu)
		cpu = fb_this_cpu();
	if (!cpu) {
		*why = "CPU not detected";
		return false;
	}
	return p->supported(cpu, why);
}
