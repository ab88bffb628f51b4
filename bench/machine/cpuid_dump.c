// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU dumps of other machines: `cpuid -r` output or /proc/cpuinfo text.
 *
 * `cpuid -r` (Debian's cpuid 20230120) prints, per logical CPU,
 *     CPU 0:
 *        0x00000000 0x00: eax=0x00000010 ebx=0x68747541 ecx=0x444d4163 edx=0x69746e65
 * ("CPU:" alone with -1).  The first block's leaves go through the same
 * decoder as this machine's CPUID (cpu.c fb_cpu_from_cpuid), so a dump is
 * judged bit for bit like a live CPU.  Lines starting with '#' are comments
 * (the test dumps say how they were built); anything else is an error that
 * names the line, so a truncated or mangled dump is never half-read.
 */
#include "cpuid_dump.h"
#include "kpath_probe.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_DUMP (4u << 20)     /* a full dump of 512 CPUs is ~4 MiB */

/* A line for a message: at most 60 characters, unprintables as '?'. */
static const char *shown(const char *line, size_t len, char *buf, size_t buflen)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 4 < buflen && i < 60; i++)
		buf[n++] = line[i] == '\t' ? ' ' : isprint((unsigned char)line[i]) ? line[i] : '?';
	if (len > 60 && n + 4 < buflen) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* "0x" and min..max hex digits; advances *p.  `cpuid -r` prints every
 * leaf and register with 8 digits (subleaves with 2 or more), so a shorter
 * number is one cut short. */
static bool hexn(const char **p, uint32_t *v, int min, int max)
{
	const char *s = *p;
	uint32_t x = 0;
	int n = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	s += 2;
	while (isxdigit((unsigned char)*s) && n <= max) {
		x = x << 4 | (uint32_t)(isdigit((unsigned char)*s) ? *s - '0' :
					 tolower((unsigned char)*s) - 'a' + 10);
		s++;
		n++;
	}
	if (n < min || n > max)
		return false;
	*v = x;
	*p = s;
	return true;
}

static bool lit(const char **p, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(*p, word, n))
		return false;
	*p += n;
	return true;
}

static void blanks(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/* "   0xLEAF 0xSUB: eax=0x.. ebx=0x.. ecx=0x.. edx=0x.." (8 hex digits each,
 * the subleaf 2 or more) */
static bool leaf_line(const char *s, uint32_t v[6])
{
	static const char *const regs[4] = { "eax=", "ebx=", "ecx=", "edx=" };

	blanks(&s);
	if (!hexn(&s, &v[0], 8, 8) || (*s != ' ' && *s != '\t'))
		return false;
	blanks(&s);
	if (!hexn(&s, &v[1], 2, 8) || !lit(&s, ":"))
		return false;
	for (int i = 0; i < 4; i++) {
		blanks(&s);
		if (!lit(&s, regs[i]) || !hexn(&s, &v[2 + i], 8, 8))
			return false;
	}
	blanks(&s);
	return !*s;
}

/* "CPU:" or "CPU 12:" */
static bool cpu_header(const char *s)
{
	if (!lit(&s, "CPU"))
		return false;
	if (*s == ' ') {
		s++;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (!lit(&s, ":"))
		return false;
	blanks(&s);
	return !*s;
}

/* "key<blanks>: value": the key trimmed into key[], false without a colon. */
static bool cpuinfo_line(const char *s, char *key, size_t keylen)
{
	const char *colon = strchr(s, ':');
	size_t n;

	if (!colon)
		return false;
	while (*s == ' ' || *s == '\t')
		s++;
	n = (size_t)(colon - s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!n)
		return false;
	snprintf(key, keylen, "%.*s", (int)n, s);
	return true;
}

/* Keys of a processor block of another architecture (arm64, arm, riscv,
 * powerpc, mips, s390): such a block is not x86 even with a flags line. */
static bool other_arch(const char *key)
{
	static const char *const keys[] = {
		"CPU implementer", "CPU architecture", "CPU part", "Features", "isa", "uarch",
		"mmu", "MMU", "platform", "timebase", "cpu model", "features", "BogoMIPS",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

/* The value after the colon is a decimal number. */
static bool decimal_value(const char *line)
{
	const char *v = strchr(line, ':') + 1;
	size_t n;

	while (*v == ' ' || *v == '\t')
		v++;
	n = strspn(v, "0123456789");
	if (!n)
		return false;
	v += n;
	while (*v == ' ' || *v == '\t')
		v++;
	return !*v;
}

/* The x86-64 vendors the kernel has code for (arch/x86/kernel/cpu/intel.c,
 * amd.c, hygon.c, centaur.c, zhaoxin.c): the copy-path rules know these. */
static const char *const x86_vendors[] = {
	"GenuineIntel", "AuthenticAMD", "HygonGenuine", "CentaurHauls", "  Shanghai  ",
};

/* vendor (leaf 0, or vendor_id trimmed) must be one of x86_vendors. */
static int bad_vendor(const char *vendor, const char *name, char *err, size_t errlen)
{
	char show[80];

	for (size_t i = 0; i < sizeof(x86_vendors) / sizeof(x86_vendors[0]); i++) {
		const char *v = x86_vendors[i];
		size_t n = strlen(v);

		/* /proc/cpuinfo's vendor_id reads trimmed: "Shanghai" */
		while (*v == ' ')
			v++, n--;
		while (n && v[n - 1] == ' ')
			n--;
		if (!strcmp(vendor, x86_vendors[i]) || (strlen(vendor) == n && !strncmp(vendor, v, n)))
			return 0;
	}
	snprintf(err, errlen, "%s: vendor '%s': allowed GenuineIntel, AuthenticAMD, HygonGenuine, "
		 "CentaurHauls, '  Shanghai  ' (the vendors the x86 kernel knows; a corrupt dump?)",
		 name, shown(vendor, strlen(vendor), show, sizeof(show)));
	return -1;
}

/* A brand string or hypervisor id of other bytes than text (the vendor
 * is checked): '?' for them, so no output carries them (table.h). */
static void clean_cpu(struct fb_cpu *cpu)
{
	fb_text_clean(cpu->name);
	fb_text_clean(cpu->hypervisor);
	fb_text_clean(cpu->vendor);
}

/* Leaves every complete `cpuid -r` dump of an x86-64 CPU has, in the
 * first CPU: 0 and 1, 7 (with its subleaves) when leaf 0 reaches it,
 * 0x80000000, and the brand string leaves it announces.  A dump cut
 * short lacks some; -1 naming them. */
static int missing_leaves(const struct fb_cpuid_set *set, const char *name, char *err,
			  size_t errlen)
{
	const struct fb_cpuid_leaf *l0 = fb_cpuid_set_find(set, 0, 0);
	const struct fb_cpuid_leaf *l7 = fb_cpuid_set_find(set, 7, 0);
	const struct fb_cpuid_leaf *e0 = fb_cpuid_set_find(set, 0x80000000u, 0);
	char miss[160] = "", one[40];

	if (l0->eax < 1) {
		snprintf(err, errlen, "%s: leaf 0 gives 0x%x as the highest leaf: an x86-64 CPU has "
			 "leaf 1 (family, model, features); a corrupt dump", name, l0->eax);
		return -1;
	}
#define MISSING(...) (snprintf(one, sizeof(one), __VA_ARGS__), \
		      snprintf(miss + strlen(miss), sizeof(miss) - strlen(miss), "%s%s", \
			       miss[0] ? ", " : "", one))
	if (!fb_cpuid_set_find(set, 1, 0))
		MISSING("0x00000001");
	if (l0->eax >= 7 && !l7)
		MISSING("0x00000007");
	for (uint32_t sub = 1; l0->eax >= 7 && l7 && sub <= l7->eax && sub < 8; sub++)
		if (!fb_cpuid_set_find(set, 7, sub))
			MISSING("0x00000007 subleaf 0x%02x", sub);
	if (!e0)
		MISSING("0x80000000");
	for (uint32_t l = 0x80000002u; e0 && l <= 0x80000004u && l <= e0->eax; l++)
		if (!fb_cpuid_set_find(set, l, 0))
			MISSING("0x%08x", l);
#undef MISSING
	if (!miss[0])
		return 0;
	snprintf(err, errlen, "%s: the first CPU has no leaf %s (leaf 0 reaches 0x%08x): "
		 "not a complete `cpuid -r` dump (cut short?)", name, miss, l0->eax);
	return -1;
}

enum fmt { FMT_UNKNOWN, FMT_CPUID, FMT_CPUINFO };

int fb_cpuid_dump_parse(const char *text, const char *name, struct fb_cpu *cpu,
			struct fb_cpuid_dump *info, char *err, size_t errlen)
{
	struct fb_cpuid_set set = { 0 };
	enum fmt fmt = FMT_UNKNOWN;
	unsigned lineno = 0, blocks = 0;
	unsigned at_flags = 0, at_vendor = 0, at_family = 0, at_model = 0, at_other = 0;
	unsigned bad_number = 0;
	char flags_line[64] = "", other_key[64] = "", bad_line[80] = "";
	bool rep_good = false;
	const char *p = text;
	char show[80];
	int rc = FB_EXIT_USAGE;

	memset(info, 0, sizeof(*info));
	fb_kboot_unknown(&info->boot);
	memset(cpu, 0, sizeof(*cpu));

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[8192], key[64];
		uint32_t v[6];

		lineno++;
		if (len >= sizeof(line)) {
			snprintf(err, errlen, "%s:%u: line longer than %zu characters: '%s'", name,
				 lineno, sizeof(line) - 1, shown(p, len, show, sizeof(show)));
			goto out;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		p = eol ? eol + 1 : p + len;
		{
			const char *q = line;

			blanks(&q);
			if (!*q || *q == '#')
				continue;       /* blank or a comment */
		}
		if (fmt == FMT_UNKNOWN)
			fmt = cpu_header(line) || leaf_line(line, v) ? FMT_CPUID :
			      cpuinfo_line(line, key, sizeof(key)) ? FMT_CPUINFO : FMT_UNKNOWN;
		if (fmt == FMT_UNKNOWN) {
			snprintf(err, errlen,
				 "%s:%u: '%s' is neither a `cpuid -r` line (0xLEAF 0xSUB: eax=0x.. ebx=0x.. "
				 "ecx=0x.. edx=0x..) nor a /proc/cpuinfo 'key : value' line",
				 name, lineno, shown(line, len, show, sizeof(show)));
			goto out;
		}
		if (fmt == FMT_CPUID) {
			if (cpu_header(line)) {
				blocks++;
				continue;
			}
			if (!leaf_line(line, v)) {
				snprintf(err, errlen,
					 "%s:%u: '%s' is not a `cpuid -r` line (CPU N: or 0xLEAF 0xSUB: "
					 "eax=0x.. ebx=0x.. ecx=0x.. edx=0x..)",
					 name, lineno, shown(line, len, show, sizeof(show)));
				goto out;
			}
			if (!blocks)
				blocks = 1;     /* leaves without a header: one CPU */
			if (blocks > 1)
				continue;       /* the first CPU describes the machine */
			{
				int r = fb_cpuid_set_add(&set, v[0], v[1], v[2], v[3], v[4], v[5]);

				if (r == 1) {
					snprintf(err, errlen, "%s:%u: leaf 0x%08x subleaf 0x%02x appears twice "
						 "for the first CPU", name, lineno, v[0], v[1]);
					goto out;
				}
				if (r < 0) {
					snprintf(err, errlen, "%s: out of memory", name);
					goto out;
				}
			}
			continue;
		}
		/* /proc/cpuinfo */
		if (!cpuinfo_line(line, key, sizeof(key))) {
			snprintf(err, errlen, "%s:%u: '%s' is not a /proc/cpuinfo 'key : value' line",
				 name, lineno, shown(line, len, show, sizeof(show)));
			goto out;
		}
		if (!strcmp(key, "processor"))
			blocks++;
		else if (!strcmp(key, "flags") && !at_flags) {
			at_flags = lineno;
			rep_good = fb_has_word(line, "rep_good");
			snprintf(flags_line, sizeof(flags_line), "%s", shown(line, len, show, sizeof(show)));
		} else if (!strcmp(key, "vendor_id") && !at_vendor)
			at_vendor = lineno;
		else if (!strcmp(key, "cpu family") && !at_family)
			at_family = lineno;
		else if (!strcmp(key, "model") && !at_model)
			at_model = lineno;
		if (!at_other && other_arch(key)) {
			at_other = lineno;
			snprintf(other_key, sizeof(other_key), "%s", key);
		}
		/* the numbers the rules read, whole: "8" cut from "85" is not caught,
		 * "8x" or "" is */
		if (!bad_number && blocks <= 1 && (!strcmp(key, "cpu family") ||
		    !strcmp(key, "model")) && !decimal_value(line)) {
			bad_number = lineno;
			shown(line, len, bad_line, sizeof(bad_line));
		}
	}

	if (fmt == FMT_UNKNOWN) {
		snprintf(err, errlen, "%s: empty: no `cpuid -r` or /proc/cpuinfo lines", name);
		goto out;
	}
	info->blocks = blocks;
	if (fmt == FMT_CPUID) {
		info->format = "cpuid -r";
		info->leaves = set.n;
		if (fb_cpu_from_cpuid(cpu, &set)) {
			snprintf(err, errlen, "%s: the first CPU has no leaf 0x00000000 (vendor, "
				 "highest leaf): not a complete `cpuid -r` dump", name);
			goto out;
		}
		if (missing_leaves(&set, name, err, errlen) || bad_vendor(cpu->vendor, name, err, errlen))
			goto out;
		clean_cpu(cpu);
		rc = FB_EXIT_OK;
		goto out;
	}

	info->format = "/proc/cpuinfo";
	/* an arm64 (or other) processor block is not x86, whatever else it has */
	if (at_other) {
		fb_cpu_from_cpuinfo(cpu, text);
		cpu->x86 = false;
		clean_cpu(cpu);
		snprintf(err, errlen, "%s: CPU '%s%s%s' is not x86 (its '%s' line %u): the x86 kernel "
			 "copy-path rules do not apply", name, cpu->vendor,
			 cpu->vendor[0] && cpu->name[0] ? " " : "",
			 cpu->name[0] || cpu->vendor[0] ? cpu->name : "unknown", other_key, at_other);
		rc = FB_EXIT_SKIP;
		goto out;
	}
	if (at_flags && !at_vendor) {
		snprintf(err, errlen, "%s:%u: a flags line without vendor_id, cpu family and model "
			 "lines ('%s'): the rules depend on vendor, family and model; give the "
			 "whole processor block", name, at_flags, flags_line);
		goto out;
	}
	if (fb_cpu_from_cpuinfo(cpu, text) || !cpu->x86) {
		snprintf(err, errlen, "%s: CPU '%s%s%s' is not x86: the x86 kernel copy-path rules "
			 "do not apply", name, cpu->vendor, cpu->vendor[0] && cpu->name[0] ? " " : "",
			 cpu->name[0] || cpu->vendor[0] ? cpu->name : "unknown");
		rc = FB_EXIT_SKIP;
		goto out;
	}
	if (!at_family || !at_model) {
		snprintf(err, errlen, "%s:%u: vendor_id without %s line: the rules depend on "
			 "family and model", name, at_vendor,
			 !at_family ? "a 'cpu family'" : "a 'model'");
		goto out;
	}
	if (bad_number && !at_other) {
		snprintf(err, errlen, "%s:%u: '%s': allowed a decimal number (cut short?)", name,
			 bad_number, bad_line);
		goto out;
	}
	if (bad_vendor(cpu->vendor, name, err, errlen))
		goto out;
	clean_cpu(cpu);
	info->boot.fast_strings = fb_kboot_fast_strings(cpu, rep_good);
	rc = FB_EXIT_OK;
out:
	fb_cpuid_set_free(&set);
	return rc;
}

int fb_cpuid_dump_load(const char *path, struct fb_cpu *cpu, struct fb_cpuid_dump *info,
		       char *err, size_t errlen)
{
	const char *name = strcmp(path, "-") ? path : "(stdin)";
	size_t n;
	char *buf = fb_read_file(path, MAX_DUMP, &n);
	int rc;

	if (!buf) {
		snprintf(err, errlen, "%s: cannot read: %s", name, fb_read_strerror(errno));
		return FB_EXIT_USAGE;
	}
	if (n > MAX_DUMP) {
		snprintf(err, errlen, "%s: larger than %u MiB: not a CPU dump", name, MAX_DUMP >> 20);
		rc = FB_EXIT_USAGE;
	} else {
		buf[n] = '\0';
		/* an embedded NUL ends the text early: say so rather than half-read */
		if (strlen(buf) != n) {
			snprintf(err, errlen, "%s: binary data, not a text dump", name);
			rc = FB_EXIT_USAGE;
		} else {
			rc = fb_cpuid_dump_parse(buf, name, cpu, info, err, errlen);
		}
	}
	free(buf);
	return rc;
}
