// SPDX-License-Identifier: GPL-2.0-only
/*
 * What this machine says about its running kernel: the boot inputs the
 * rules of kpath.c need that are not CPUID bits (/proc/cmdline, the Xeon
 * RAS PCI quirk's config space, rep_good in /proc/cpuinfo), and the
 * feature bits /proc/cpuinfo shows when the module is not loaded.
 */
#include "kpath_probe.h"
#include "util.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	if (!cpu->x86 || strcmp(cpu->vendor, "GenuineIntel") || cpu->family != 6 || cpu->model < 0xd)
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
