// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU identity and the feature bits that decide the kernel's copy paths.
 *
 * On x86-64 everything comes from CPUID (the same bits the kernel reads at
 * boot, before it applies its own quirks; see kpath.c for those).  Under a
 * hypervisor CPUID is whatever the VM's CPU model exposes, which is exactly
 * what a guest kernel sees too.  Elsewhere only /proc/cpuinfo is read.
 */
#include "cpu.h"
#include "util.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

/* /proc/cpuinfo spellings (arch/x86/include/asm/cpufeatures.h).  Note that
 * no kernel shows "fsrs" in /proc/cpuinfo: 6.1 does not know the bit and
 * 6.12 defines it without a display name. */
static const char *const flag_names[FB_F_COUNT] = {
	[FB_F_SSE2] = "sse2",
	[FB_F_ERMS] = "erms",
	[FB_F_FSRM] = "fsrm",
	[FB_F_FSRS] = "fsrs",
	[FB_F_AVX2] = "avx2",
	[FB_F_AVX512F] = "avx512f",
	[FB_F_CLFLUSH] = "clflush",
	[FB_F_CLFLUSHOPT] = "clflushopt",
	[FB_F_CLWB] = "clwb",
	[FB_F_MOVDIR64B] = "movdir64b",
	[FB_F_HYPERVISOR] = "hypervisor",
};

const char *fb_cpu_flag_name(enum fb_cpu_flag f)
{
	if ((unsigned)f >= FB_F_COUNT)
		return "?";
	return flag_names[f];
}

enum fb_cpu_flag fb_cpu_flag_parse(const char *name)
{
	for (int i = 0; name && i < FB_F_COUNT; i++)
		if (!strcmp(name, flag_names[i]))
			return (enum fb_cpu_flag)i;
	return FB_F_COUNT;
}

/* Truncating, always-terminated string copy. */
static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (!len)
		return;
	if (n >= len)
		n = len - 1;
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Trim leading and trailing white space in place (brand strings are padded). */
static void trim(char *s)
{
	size_t n = strlen(s), b = 0;

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (b < n && isspace((unsigned char)s[b]))
		b++;
	memmove(s, s + b, n - b + 1);
}

/* Set the flags named in a whitespace-separated list; unknown words ignored. */
static void set_flags(struct fb_cpu *cpu, const char *flags)
{
	const char *p = flags;

	while (p && *p) {
		char word[32];
		size_t n = 0;

		while (*p && isspace((unsigned char)*p))
			p++;
		while (p[n] && !isspace((unsigned char)p[n]))
			n++;
		if (n > 0 && n < sizeof(word)) {
			enum fb_cpu_flag f;

			memcpy(word, p, n);
			word[n] = '\0';
			f = fb_cpu_flag_parse(word);
			if (f != FB_F_COUNT)
				cpu->flag[f] = true;
		}
		p += n;
	}
}

int fb_cpu_from_flags(struct fb_cpu *cpu, const char *vendor, unsigned family,
		      unsigned model, const char *flags_space_separated)
{
	if (!cpu || !vendor || !flags_space_separated)
		return -1;
	memset(cpu, 0, sizeof(*cpu));
	cpu->x86 = true;
	copy_str(cpu->vendor, sizeof(cpu->vendor), vendor);
	cpu->family = family;
	cpu->model = model;
	cpu->clflush_line = 64;
	set_flags(cpu, flags_space_separated);
	if (cpu->flag[FB_F_HYPERVISOR])
		copy_str(cpu->hypervisor, sizeof(cpu->hypervisor), "unknown");
	return 0;
}

/* "key<tabs>: value" -> value of the first line whose key matches exactly. */
static bool cpuinfo_value(const char *text, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);
	const char *line = text;

	while (line && *line) {
		const char *eol;
		size_t llen;

		/* leading blanks are allowed, as cpuid_dump.c's reader allows them */
		while (*line == ' ' || *line == '\t')
			line++;
		eol = strchr(line, '\n');
		llen = eol ? (size_t)(eol - line) : strlen(line);
		if (llen > klen && !strncmp(line, key, klen) &&
		    (line[klen] == '\t' || line[klen] == ' ' || line[klen] == ':')) {
			const char *colon = memchr(line, ':', llen);

			if (colon) {
				/* the key must be followed only by blanks up to ':' */
				const char *q = line + klen;

				while (q < colon && (*q == '\t' || *q == ' '))
					q++;
				if (q == colon) {
					size_t vlen = llen - (size_t)(colon + 1 - line);

					if (vlen >= len)
						vlen = len - 1;
					memcpy(out, colon + 1, vlen);
					out[vlen] = '\0';
					trim(out);
					return true;
				}
			}
		}
		line = eol ? eol + 1 : NULL;
	}
	return false;
}

/* Names for arm64 "CPU implementer" codes (arch/arm64/include/asm/cputype.h). */
static const char *arm_implementer(unsigned long imp)
{
	switch (imp) {
	case 0x41: return "ARM";
	case 0x42: return "Broadcom";
	case 0x43: return "Cavium";
	case 0x46: return "Fujitsu";
	case 0x48: return "HiSilicon";
	case 0x4e: return "NVIDIA";
	case 0x50: return "APM";
	case 0x51: return "Qualcomm";
	case 0x61: return "Apple";
	case 0x6d: return "Microsoft";
	case 0xc0: return "Ampere";
	default: return "";
	}
}

int fb_cpu_from_cpuinfo(struct fb_cpu *cpu, const char *text)
{
	char flags[4096], v[128];

	if (!cpu || !text)
		return -1;
	memset(cpu, 0, sizeof(*cpu));
	cpu->clflush_line = 64;

	if (cpuinfo_value(text, "vendor_id", v, sizeof(v)) &&
	    cpuinfo_value(text, "flags", flags, sizeof(flags))) {
		/* an x86 /proc/cpuinfo: its flags already mean "usable" (the
		 * kernel clears AVX* when the OS state is not enabled) */
		fb_cpu_from_flags(cpu, v, 0, 0, flags);
		if (cpuinfo_value(text, "cpu family", v, sizeof(v)))
			cpu->family = (unsigned)strtoul(v, NULL, 10);
		if (cpuinfo_value(text, "model", v, sizeof(v)))
			cpu->model = (unsigned)strtoul(v, NULL, 10);
		if (cpuinfo_value(text, "stepping", v, sizeof(v)))
			cpu->stepping = (unsigned)strtoul(v, NULL, 10);
		if (cpuinfo_value(text, "clflush size", v, sizeof(v)) && atoi(v) > 0)
			cpu->clflush_line = (unsigned)atoi(v);
		if (cpuinfo_value(text, "model name", v, sizeof(v)))
			copy_str(cpu->name, sizeof(cpu->name), v);
		return 0;
	}

	/* not x86: a name (and arm64 implementer) is all we report */
	cpu->x86 = false;
	if (cpuinfo_value(text, "model name", v, sizeof(v)) ||
	    cpuinfo_value(text, "cpu model", v, sizeof(v)) ||   /* mips */
	    cpuinfo_value(text, "cpu", v, sizeof(v)) ||         /* powerpc */
	    cpuinfo_value(text, "uarch", v, sizeof(v)) ||       /* riscv */
	    cpuinfo_value(text, "Hardware", v, sizeof(v)))      /* arm32 */
		copy_str(cpu->name, sizeof(cpu->name), v);
	if (cpuinfo_value(text, "CPU implementer", v, sizeof(v))) {
		unsigned long imp = strtoul(v, NULL, 0);
		char part[32] = "";

		copy_str(cpu->vendor, sizeof(cpu->vendor), arm_implementer(imp));
		if (!cpu->name[0]) {
			cpuinfo_value(text, "CPU part", part, sizeof(part));
			snprintf(cpu->name, sizeof(cpu->name), "implementer 0x%02lx part %s",
				 imp, part[0] ? part : "?");
		}
	}
	return cpu->name[0] || cpu->vendor[0] ? 0 : -1;
}

int fb_cpu_flags_format(const struct fb_cpu *cpu, char *buf, size_t len)
{
	size_t off = 0;
	int total = 0;

	if (len)
		buf[0] = '\0';
	for (int i = 0; i < FB_F_COUNT; i++) {
		int n;

		if (!cpu->flag[i])
			continue;
		n = snprintf(off < len ? buf + off : NULL, off < len ? len - off : 0,
			     "%s%s", total ? " " : "", flag_names[i]);
		if (n < 0)
			return n;
		total += n;
		off += (size_t)n;
	}
	return total;
}

int fb_cpuid_set_add(struct fb_cpuid_set *s, uint32_t leaf, uint32_t subleaf,
		     uint32_t eax, uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	if (fb_cpuid_set_find(s, leaf, subleaf))
		return 1;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct fb_cpuid_leaf *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = (struct fb_cpuid_leaf){ leaf, subleaf, eax, ebx, ecx, edx };
	return 0;
}

const struct fb_cpuid_leaf *fb_cpuid_set_find(const struct fb_cpuid_set *s,
					      uint32_t leaf, uint32_t subleaf)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (s->v[i].leaf == leaf && s->v[i].subleaf == subleaf)
			return &s->v[i];
	return NULL;
}

void fb_cpuid_set_free(struct fb_cpuid_set *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* One leaf's registers; zeros when the leaf is above the maximum the CPU
 * reports for its range (basic, hypervisor, extended) or not in the set. */
static void leaf_regs(const struct fb_cpuid_set *s, uint32_t leaf, uint32_t sub,
		      uint32_t r[4])
{
	const struct fb_cpuid_leaf *max = fb_cpuid_set_find(s, leaf & 0xf0000000u, 0);
	const struct fb_cpuid_leaf *l = fb_cpuid_set_find(s, leaf, sub);

	r[0] = r[1] = r[2] = r[3] = 0;
	/* the hypervisor range (0x4000xxxx) has its own maximum in 0x40000000 */
	if ((leaf & 0xf0000000u) == 0x40000000u)
		max = fb_cpuid_set_find(s, 0x40000000u, 0);
	if (!l || (leaf != (leaf & 0xf0000000u) && (!max || max->eax < leaf)))
		return;
	r[0] = l->eax;
	r[1] = l->ebx;
	r[2] = l->ecx;
	r[3] = l->edx;
}

static void regs_to_str(char *out, uint32_t r0, uint32_t r1, uint32_t r2)
{
	memcpy(out, &r0, 4);
	memcpy(out + 4, &r1, 4);
	memcpy(out + 8, &r2, 4);
	out[12] = '\0';
}

int fb_cpu_from_cpuid(struct fb_cpu *cpu, const struct fb_cpuid_set *s)
{
	uint32_t r[4];
	bool avx = false, osxsave = false;
	unsigned long long xcr0 = 0;

	memset(cpu, 0, sizeof(*cpu));
	cpu->x86 = true;
	cpu->clflush_line = 64;
	if (!fb_cpuid_set_find(s, 0, 0))
		return -1;

	leaf_regs(s, 0, 0, r);
	/* raw 12 bytes, untrimmed: Zhaoxin's is "  Shanghai  " */
	regs_to_str(cpu->vendor, r[1], r[3], r[2]);     /* EBX, EDX, ECX order */

	leaf_regs(s, 1, 0, r);
	{
		uint32_t a = r[0], b = r[1], c = r[2], d = r[3];
		unsigned base_family = (a >> 8) & 0xf;

		/* display family/model as the kernel computes them
		 * (arch/x86/lib/cpu.c x86_family/x86_model): extended family
		 * added for family 0xf, extended model for family >= 6 */
		cpu->family = base_family;
		if (base_family == 0xf)
			cpu->family += (a >> 20) & 0xff;
		cpu->model = (a >> 4) & 0xf;
		if (cpu->family >= 6)
			cpu->model += ((a >> 16) & 0xf) << 4;
		cpu->stepping = a & 0xf;

		cpu->flag[FB_F_SSE2] = d & (1u << 26);
		cpu->flag[FB_F_CLFLUSH] = d & (1u << 19);
		if (cpu->flag[FB_F_CLFLUSH] && ((b >> 8) & 0xff))
			cpu->clflush_line = ((b >> 8) & 0xff) * 8;
		cpu->flag[FB_F_HYPERVISOR] = c & (1u << 31);
		osxsave = c & (1u << 27);
		avx = c & (1u << 28);
	}
	if (s->have_xcr0) {
		xcr0 = s->xcr0;
	} else if (osxsave) {
		/* a dump: the OS that took it had XSAVE on; Linux enables every
		 * user state the CPU offers, i.e. leaf 0xD.0 EDX:EAX */
		leaf_regs(s, 0xd, 0, r);
		xcr0 = ((unsigned long long)r[3] << 32) | r[0];
	}

	leaf_regs(s, 7, 0, r);
	{
		uint32_t maxsub = r[0], b = r[1], c = r[2], d = r[3];

		cpu->flag[FB_F_ERMS] = b & (1u << 9);
		cpu->flag[FB_F_CLFLUSHOPT] = b & (1u << 23);
		cpu->flag[FB_F_CLWB] = b & (1u << 24);
		cpu->flag[FB_F_MOVDIR64B] = c & (1u << 28);
		cpu->flag[FB_F_FSRM] = d & (1u << 4);
		/* usable = CPU has it AND the OS saves the state:
		 * AVX2 needs XCR0 SSE|AVX (0x6); AVX-512 also opmask,
		 * ZMM_Hi256, Hi16_ZMM (0xe6) */
		cpu->flag[FB_F_AVX2] = (b & (1u << 5)) && avx && osxsave &&
				       (xcr0 & 0x6) == 0x6;
		cpu->flag[FB_F_AVX512F] = (b & (1u << 16)) && osxsave &&
					  (xcr0 & 0xe6) == 0xe6;
		if (maxsub >= 1) {
			leaf_regs(s, 7, 1, r);
			cpu->flag[FB_F_FSRS] = r[0] & (1u << 11);
		}
	}

	leaf_regs(s, 0x80000000u, 0, r);
	if (r[0] >= 0x80000004u) {
		char brand[49];
		uint32_t w[12];

		for (unsigned i = 0; i < 3; i++)
			leaf_regs(s, 0x80000002u + i, 0, w + 4 * i);
		memcpy(brand, w, 48);
		brand[48] = '\0';
		trim(brand);
		copy_str(cpu->name, sizeof(cpu->name), brand);
	}

	/* Hypervisor vendor leaf: meaningful only with the hypervisor bit. */
	if (cpu->flag[FB_F_HYPERVISOR]) {
		const struct fb_cpuid_leaf *h = fb_cpuid_set_find(s, 0x40000000u, 0);

		if (h)
			regs_to_str(cpu->hypervisor, h->ebx, h->ecx, h->edx);
		trim(cpu->hypervisor);
		if (!cpu->hypervisor[0])
			copy_str(cpu->hypervisor, sizeof(cpu->hypervisor), "unknown");
	}
	return 0;
}

#if defined(__x86_64__)

/* XCR0: which register states the OS saves (needs CPUID.1:ECX.OSXSAVE). */
static unsigned long long xgetbv0(void)
{
	unsigned a, d;

	__asm__ volatile("xgetbv" : "=a"(a), "=d"(d) : "c"(0));
	return ((unsigned long long)d << 32) | a;
}

/* Read the leaves the decoder uses into s. */
static void read_this_cpuid(struct fb_cpuid_set *s)
{
	unsigned a, b, c, d, max, maxext;

	__cpuid(0, max, b, c, d);
	fb_cpuid_set_add(s, 0, 0, max, b, c, d);
	if (max >= 1) {
		__cpuid(1, a, b, c, d);
		fb_cpuid_set_add(s, 1, 0, a, b, c, d);
		if (c & (1u << 27)) {
			s->have_xcr0 = true;
			s->xcr0 = xgetbv0();
		}
	}
	if (max >= 7) {
		unsigned maxsub;

		__cpuid_count(7, 0, maxsub, b, c, d);
		fb_cpuid_set_add(s, 7, 0, maxsub, b, c, d);
		if (maxsub >= 1) {
			__cpuid_count(7, 1, a, b, c, d);
			fb_cpuid_set_add(s, 7, 1, a, b, c, d);
		}
	}
	if (max >= 0xd) {
		__cpuid_count(0xd, 0, a, b, c, d);
		fb_cpuid_set_add(s, 0xd, 0, a, b, c, d);
	}
	maxext = __get_cpuid_max(0x80000000, NULL);
	fb_cpuid_set_add(s, 0x80000000u, 0, maxext, 0, 0, 0);
	for (unsigned i = 0x80000002u; i <= 0x80000004u && maxext >= i; i++) {
		__cpuid(i, a, b, c, d);
		fb_cpuid_set_add(s, i, 0, a, b, c, d);
	}
	/* The hypervisor leaves exist only with the hypervisor bit (not
	 * reachable through __get_cpuid, which checks the basic max). */
	{
		const struct fb_cpuid_leaf *l1 = fb_cpuid_set_find(s, 1, 0);

		if (l1 && (l1->ecx & (1u << 31))) {
			__cpuid(0x40000000, a, b, c, d);
			fb_cpuid_set_add(s, 0x40000000u, 0, a, b, c, d);
		}
	}
}

int fb_cpu_detect(struct fb_cpu *cpu)
{
	struct fb_cpuid_set s = { 0 };
	int rc;

	read_this_cpuid(&s);
	rc = fb_cpu_from_cpuid(cpu, &s);
	fb_cpuid_set_free(&s);
	return rc;
}

#else /* !__x86_64__ */

int fb_cpu_detect(struct fb_cpu *cpu)
{
	/* the first processor blocks suffice */
	char *buf = fb_read_file("/proc/cpuinfo", 65535, NULL);

	memset(cpu, 0, sizeof(*cpu));
	cpu->clflush_line = 64;
	if (buf) {
		if (*buf)
			fb_cpu_from_cpuinfo(cpu, buf);
		free(buf);
	}
	cpu->x86 = false;       /* the x86 copy-path rules never apply here */
	if (!cpu->name[0])
		copy_str(cpu->name, sizeof(cpu->name), "unknown");
	return 0;
}

#endif

/*
 * A process-wide cache on purpose: the CPU a process runs on does not change
 * under it, and the copy dispatch, the flushes and every run's machine block
 * must all see the same description.  Stages that take a CPU as input (the
 * kernel path rules, a CPUID dump) take a struct fb_cpu argument instead.
 */
static struct fb_cpu this_cpu;
static pthread_once_t this_cpu_once = PTHREAD_ONCE_INIT;

static void detect_this_cpu(void)
{
	fb_cpu_detect(&this_cpu);
}

const struct fb_cpu *fb_this_cpu(void)
{
	pthread_once(&this_cpu_once, detect_this_cpu);
	return &this_cpu;
}
