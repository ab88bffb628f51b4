// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the migrate backend reads from and sets in the kernel: see migrate.h.
 */
#include "migrate.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define PAGE 4096ULL

/* ---- counters ---- */

const char *const fb_vmstat_names[FB_VM_COUNT] = {
	"pgmigrate_success", "pgmigrate_fail", "thp_migration_success",
	"thp_migration_fail", "thp_migration_split", "numa_pages_migrated",
};

char *fb_read_text(const char *path)
{
	return fb_read_file(path, 256u << 20, NULL);
}

int fb_vmstat_parse(const char *text, struct fb_vmstat *out)
{
	int found = 0;

	for (int i = 0; i < FB_VM_COUNT; i++)
		out->v[i] = -1;
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		for (int i = 0; i < FB_VM_COUNT; i++) {
			size_t n = strlen(fb_vmstat_names[i]);

			if (!strncmp(l, fb_vmstat_names[i], n) && l[n] == ' ') {
				if (out->v[i] < 0)
					found++;
				out->v[i] = strtoll(l + n + 1, NULL, 10);
			}
		}
	}
	return found;
}

int fb_vmstat_read(struct fb_vmstat *out)
{
	char *t = fb_read_text("/proc/vmstat");
	int n = fb_vmstat_parse(t ? t : "", out);

	free(t);
	return t ? n : -1;
}

long long fb_tlb_shootdowns_parse(const char *text)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *p = l;
		long long sum = 0;

		while (*p == ' ')
			p++;
		if (strncmp(p, "TLB:", 4))
			continue;
		p += 4;
		/* One count per CPU, then the description ("TLB shootdowns"). */
		for (;;) {
			char *end;
			long long v;

			while (*p == ' ' || *p == '\t')
				p++;
			if (!isdigit((unsigned char)*p))
				break;
			v = strtoll(p, &end, 10);
			sum += v;
			p = end;
		}
		return sum;
	}
	return -1;
}

long long fb_tlb_shootdowns_read(void)
{
	char *t = fb_read_text("/proc/interrupts");
	long long v = t ? fb_tlb_shootdowns_parse(t) : -1;

	free(t);
	return v;
}

/* ---- mTHP sizes ---- */

static void size_path(const struct fb_mthp_info *mi, uint64_t size, char *buf, size_t len)
{
	snprintf(buf, len, "%s/hugepages-%llukB/enabled", mi->root,
		 (unsigned long long)(size >> 10));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

int fb_mthp_probe(const char *root, struct fb_mthp_info *mi)
{
	char path[1024];
	char *t;
	DIR *d;
	struct dirent *e;

	memset(mi, 0, sizeof(*mi));
	snprintf(mi->root, sizeof(mi->root), "%s", root ? root : FB_THP_SYSFS);
	mi->offered[mi->noffered++] = PAGE;
	snprintf(path, sizeof(path), "%s/enabled", mi->root);
	mi->thp = fb_sysfs_choice_read(path, mi->global, sizeof(mi->global)) == 0;
	if (!mi->thp) {
		/* No THP in this kernel: 4K only. */
		snprintf(mi->global, sizeof(mi->global), "never");
		return 0;
	}
	snprintf(path, sizeof(path), "%s/hpage_pmd_size", mi->root);
	t = fb_read_text(path);
	if (t)
		mi->pmd_size = strtoull(t, NULL, 10);
	free(t);
	d = opendir(mi->root);
	while (d && (e = readdir(d))) {
		unsigned long long kb;
		char tail[8];

		/* Only sizes with an anonymous "enabled" file: 6.12+ also lists
		 * file-only orders (e.g. 8kB with shmem_enabled alone). */
		if (sscanf(e->d_name, "hugepages-%llukB%7s", &kb, tail) != 1 || kb <= 4)
			continue;
		snprintf(path, sizeof(path), "%s/%s/enabled", mi->root, e->d_name);
		if (access(path, F_OK) || mi->noffered >= FB_MTHP_MAX)
			continue;
		mi->per_size = true;
		mi->offered[mi->noffered++] = (uint64_t)kb << 10;
	}
	if (d)
		closedir(d);
	/* 6.1: the PMD size through the global switch only. */
	if (!mi->per_size && mi->pmd_size > PAGE)
		mi->offered[mi->noffered++] = mi->pmd_size;
	qsort(mi->offered, (size_t)mi->noffered, sizeof(mi->offered[0]), cmp_u64);
	return 0;
}

bool fb_mthp_offers(const struct fb_mthp_info *mi, uint64_t size)
{
	for (int i = 0; i < mi->noffered; i++)
		if (mi->offered[i] == size)
			return true;
	return false;
}

const char *fb_mthp_offered_str(const struct fb_mthp_info *mi, char *buf, size_t len)
{
	size_t off = 0;
	char sz[16];

	buf[0] = '\0';
	for (int i = 0; i < mi->noffered && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
					fb_size_str(mi->offered[i], sz, sizeof(sz)));
	return buf;
}

/* Settings this process changed, oldest first. */
static struct mthp_change {
	char path[512];
	char was[16], now[16];
} changes[FB_MTHP_MAX + 1];
static int nchanges;
static bool restore_registered;

static int write_word(const char *path, const char *word)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t w;
	int err;

	if (fd < 0)
		return -1;
	w = write(fd, word, strlen(word));
	err = errno;
	if (close(fd) && w >= 0)
		return -1;
	errno = err;
	return w == (ssize_t)strlen(word) ? 0 : -1;
}

/* Set path to word, remembering the first value seen for the restore. */
static int set_word(const char *path, const char *word)
{
	char cur[16] = "";
	int i;

	fb_sysfs_choice_read(path, cur, sizeof(cur));
	if (!strcmp(cur, word))
		return 0;
	if (write_word(path, word))
		return -1;
	for (i = 0; i < nchanges && strcmp(changes[i].path, path); i++)
		;
	if (i == nchanges) {
		if (nchanges == FB_MTHP_MAX + 1)
			return 0;
		snprintf(changes[i].path, sizeof(changes[i].path), "%s", path);
		snprintf(changes[i].was, sizeof(changes[i].was), "%s", cur);
		nchanges++;
	}
	snprintf(changes[i].now, sizeof(changes[i].now), "%s", word);
	if (!restore_registered) {
		/* Every exit path puts the settings back, usage errors included. */
		atexit(fb_mthp_restore);
		restore_registered = true;
	}
	return 0;
}

void fb_mthp_restore(void)
{
	while (nchanges > 0) {
		struct mthp_change *c = &changes[--nchanges];

		if (write_word(c->path, c->was))
			fprintf(stderr, "foliobench: cannot restore %s to %s: %s\n", c->path,
				c->was, strerror(errno));
	}
}

json_object *fb_mthp_changes_json(void)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < nchanges; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "file", json_object_new_string(changes[i].path));
		json_object_object_add(o, "was", json_object_new_string(changes[i].was));
		json_object_object_add(o, "now", json_object_new_string(changes[i].now));
		json_object_array_add(a, o);
	}
	return a;
}

static bool word_on(const char *w)
{
	return !strcmp(w, "always") || !strcmp(w, "madvise");
}

/* Sizes > 4K that a MADV_HUGEPAGE fault may get now, largest first as the
 * kernel tries them, as "2M, 64K"; also whether `size` is among them. */
static bool allowed_now(const struct fb_mthp_info *mi, uint64_t size, char *list, size_t len)
{
	char global[16] = "never", path[600], w[16], sz[16];
	bool ok = false;
	size_t off = 0;

	snprintf(path, sizeof(path), "%s/enabled", mi->root);
	fb_sysfs_choice_read(path, global, sizeof(global));
	list[0] = '\0';
	for (int i = mi->noffered - 1; i > 0; i--) {
		uint64_t s = mi->offered[i];
		bool on;

		if (mi->per_size) {
			size_path(mi, s, path, sizeof(path));
			if (fb_sysfs_choice_read(path, w, sizeof(w)))
				continue;
			on = word_on(w) || (!strcmp(w, "inherit") && word_on(global));
		} else {
			on = word_on(global);
		}
		if (!on)
			continue;
		ok |= s == size;
		if (off < len)
			off += (size_t)snprintf(list + off, len - off, "%s%s", off ? ", " : "",
						fb_size_str(s, sz, sizeof(sz)));
	}
	if (!list[0])
		snprintf(list, len, "none");
	return ok;
}

int fb_mthp_apply(const struct fb_mthp_info *mi, uint64_t size, char *note, size_t len)
{
	char path[600], w[16], sz[16], list[160], failed_path[600];
	const char *failed = NULL;
	int first = nchanges, err = 0;

	note[0] = '\0';
	if (size <= PAGE) {
		/* MADV_NOHUGEPAGE keeps every THP size away from the buffer. */
		snprintf(note, len, "4K: MADV_NOHUGEPAGE, no THP setting involved");
		return 0;
	}
	snprintf(path, sizeof(path), "%s/enabled", mi->root);
	if (!fb_sysfs_choice_read(path, w, sizeof(w)) && !strcmp(w, "never") && set_word(path, "madvise"))
		failed = path;
	for (int i = 1; i < mi->noffered && mi->per_size && !failed; i++) {
		uint64_t s = mi->offered[i];

		size_path(mi, s, path, sizeof(path));
		if (fb_sysfs_choice_read(path, w, sizeof(w)))
			continue;
		if (s == size) {
			/* "inherit" follows the global switch, now at least madvise. */
			if (!word_on(w) && strcmp(w, "inherit") && set_word(path, "madvise"))
				failed = path;
		} else if (strcmp(w, "never") && set_word(path, "never")) {
			failed = path;
		}
	}
	if (failed) {
		err = errno;
		snprintf(failed_path, sizeof(failed_path), "%s", failed);
		failed = failed_path;
		/* All or nothing: undo this call's changes. */
		while (nchanges > first) {
			struct mthp_change *c = &changes[--nchanges];

			write_word(c->path, c->was);
		}
		allowed_now(mi, size, list, sizeof(list));
		snprintf(note, len, "mTHP %s: cannot change %s (%s%s); using what the system "
			 "allows: MADV_HUGEPAGE faults may get %s",
			 fb_size_str(size, sz, sizeof(sz)), failed, strerror(err),
			 err == EACCES || err == EPERM ? ", needs root" : "", list);
		return 1;
	}
	allowed_now(mi, size, list, sizeof(list));
	if (nchanges == first)
		snprintf(note, len, "mTHP %s: settings already give %s", fb_size_str(size, sz, sizeof(sz)), list);
	else
		snprintf(note, len, "mTHP %s: set for the run (restored afterwards): MADV_HUGEPAGE "
			 "faults get %s", fb_size_str(size, sz, sizeof(sz)), list);
	return 0;
}

/* ---- the folio sizes a buffer got ---- */

static int order_of(uint64_t pages)
{
	int o = 0;

	while ((2ULL << o) <= pages && o < FB_MIX_ORDERS - 1)
		o++;
	return o;
}

void fb_folio_mix_classify(const uint64_t *pfn, const uint64_t *kflags, size_t n,
			   struct fb_folio_mix *m)
{
	const uint64_t head = 1ULL << FB_KPF_COMPOUND_HEAD, tail = 1ULL << FB_KPF_COMPOUND_TAIL;
	size_t i = 0;

	memset(m, 0, sizeof(*m));
	m->npages = n;
	m->source = "kpageflags";
	while (i < n) {
		size_t len = 1;
		int o;

		if (!pfn[i]) {
			m->unknown++;
			i++;
			continue;
		}
		/* A folio: a head (or tails whose head lies before the range)
		 * followed by tails at consecutive PFNs. */
		if (kflags[i] & (head | tail))
			while (i + len < n && pfn[i + len] == pfn[i] + len &&
			       (kflags[i + len] & tail) && !(kflags[i + len] & head))
				len++;
		o = order_of(len);
		m->folios[o]++;
		m->pages[o] += len;
		i += len;
	}
}

int fb_folio_mix_read(const void *addr, size_t len, struct fb_folio_mix *m,
		      char *err, size_t errlen)
{
	size_t n = (len + PAGE - 1) / PAGE;
	uint64_t *pfn = calloc(n ? n : 1, sizeof(*pfn)), *kf = calloc(n ? n : 1, sizeof(*kf));
	int pm = open("/proc/self/pagemap", O_RDONLY), kp = open("/proc/kpageflags", O_RDONLY);
	int rc = -1;
	bool any = false;

	if (!pfn || !kf) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (pm < 0 || kp < 0) {
		snprintf(err, errlen, "%s: %s", pm < 0 ? "/proc/self/pagemap" : "/proc/kpageflags",
			 strerror(errno));
		goto out;
	}
	if (pread(pm, pfn, n * 8, (off_t)((uintptr_t)addr / PAGE * 8)) != (ssize_t)(n * 8)) {
		snprintf(err, errlen, "/proc/self/pagemap: %s", strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		/* bit 63 present, bits 0-54 the PFN (zero without CAP_SYS_ADMIN) */
		pfn[i] = (pfn[i] >> 63) ? pfn[i] & ((1ULL << 55) - 1) : 0;
		any |= pfn[i] != 0;
	}
	if (!any) {
		snprintf(err, errlen, "/proc/self/pagemap shows no page frames (needs root)");
		goto out;
	}
	/* One read per run of consecutive frames: a 2M folio is one pread. */
	for (size_t i = 0; i < n;) {
		size_t run = 1;

		if (!pfn[i]) {
			i++;
			continue;
		}
		while (i + run < n && pfn[i + run] == pfn[i] + run && run < 4096)
			run++;
		if (pread(kp, kf + i, run * 8, (off_t)(pfn[i] * 8)) != (ssize_t)(run * 8)) {
			snprintf(err, errlen, "/proc/kpageflags: %s", strerror(errno));
			goto out;
		}
		i += run;
	}
	fb_folio_mix_classify(pfn, kf, n, m);
	rc = 0;
out:
	if (pm >= 0)
		close(pm);
	if (kp >= 0)
		close(kp);
	free(pfn);
	free(kf);
	return rc;
}

const char *fb_folio_mix_str(const struct fb_folio_mix *m, char *buf, size_t len)
{
	size_t off = 0;
	char sz[16];

	buf[0] = '\0';
	if (!m->npages)
		return snprintf(buf, len, "-"), buf;
	for (int o = FB_MIX_ORDERS - 1; o >= 0; o--) {
		if (!m->pages[o] || off >= len)
			continue;
		/* Floor, so "100%" only ever means all of it. */
		off += (size_t)snprintf(buf + off, len - off, "%s%s %d%%", off ? ", " : "",
					fb_size_str(PAGE << o, sz, sizeof(sz)),
					(int)(100.0 * (double)m->pages[o] / (double)m->npages));
	}
	if (m->unknown && off < len)
		snprintf(buf + off, len - off, "%s? %d%%", off ? ", " : "",
			 (int)(100.0 * (double)m->unknown / (double)m->npages));
	return buf;
}

json_object *fb_folio_mix_json(const struct fb_folio_mix *m)
{
	json_object *o = json_object_new_object(), *sizes = json_object_new_array();
	char sz[16];

	for (int k = FB_MIX_ORDERS - 1; k >= 0; k--) {
		json_object *e;

		if (!m->pages[k])
			continue;
		e = json_object_new_object();
		json_object_object_add(e, "size", json_object_new_string(fb_size_str(PAGE << k, sz, sizeof(sz))));
		json_object_object_add(e, "bytes", json_object_new_int64((int64_t)(PAGE << k)));
		json_object_object_add(e, "folios", json_object_new_int64((int64_t)m->folios[k]));
		json_object_object_add(e, "pages", json_object_new_int64((int64_t)m->pages[k]));
		json_object_object_add(e, "fraction", json_object_new_double((double)m->pages[k] / (double)m->npages));
		json_object_array_add(sizes, e);
	}
	json_object_object_add(o, "source", m->source ? json_object_new_string(m->source) : NULL);
	json_object_object_add(o, "pages", json_object_new_int64((int64_t)m->npages));
	json_object_object_add(o, "unknown_pages", json_object_new_int64((int64_t)m->unknown));
	json_object_object_add(o, "folios", json_object_new_int64((int64_t)fb_folio_mix_nfolios(m)));
	json_object_object_add(o, "sizes", sizes);
	return o;
}

uint64_t fb_folio_mix_nfolios(const struct fb_folio_mix *m)
{
	uint64_t n = 0;

	for (int o = 0; o < FB_MIX_ORDERS; o++)
		n += m->folios[o];
	return n;
}

double fb_folio_mix_fraction(const struct fb_folio_mix *m, uint64_t size)
{
	for (int o = 0; o < FB_MIX_ORDERS; o++)
		if ((PAGE << o) == size)
			return m->npages ? (double)m->pages[o] / (double)m->npages : 0;
	return 0;
}

/* ---- data ---- */

static inline uint64_t mix64(uint64_t x)
{
	/* splitmix64's finalizer: every word differs from its neighbours. */
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void fb_mig_pattern_fill(void *p, size_t len)
{
	uint64_t *w = p;

	for (size_t i = 0; i < len / 8; i++)
		w[i] = mix64(i);
}

size_t fb_mig_pattern_check(const void *p, size_t len)
{
	const uint64_t *w = p;

	for (size_t i = 0; i < len / 8; i++)
		if (w[i] != mix64(i))
			return i * 8;
	return len;
}
