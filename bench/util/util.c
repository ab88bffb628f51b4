// SPDX-License-Identifier: GPL-2.0-only
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

bool fb_is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

int fb_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K':
		mul = 1ULL << 10;
		end++;
		break;
	case 'M':
		mul = 1ULL << 20;
		end++;
		break;
	case 'G':
		mul = 1ULL << 30;
		end++;
		break;
	case 'T':
		mul = 1ULL << 40;
		end++;
		break;
	default:
		return -1;
	}
	/* Accept "4KiB" / "4KB" spellings too. */
	if (mul > 1 && (*end == 'i' || *end == 'I'))
		end++;
	if (mul > 1 && (*end == 'b' || *end == 'B'))
		end++;
	if (*end)
		return -1;
	if (v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

static int parse_one(const char *tok, bool sizes, uint64_t *v)
{
	char *end;

	if (sizes)
		return fb_parse_size(tok, v);
	if (!isdigit((unsigned char)*tok))
		return -1;
	errno = 0;
	*v = strtoull(tok, &end, 10);
	return (errno || *end) ? -1 : 0;
}

bool fb_list_has_empty(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return !n || s[0] == ',' || s[n - 1] == ',' || strstr(s, ",,");
}

const char *fb_quote(const char *s)
{
	static char bufs[8][128];
	static unsigned next;
	char *b = bufs[next++ % 8];
	size_t o = 0, cut = 80;
	bool plain = s && *s;
	const char *p;

	if (!s)
		s = "";
	for (p = s; *p && plain; p++)
		plain = isalnum((unsigned char)*p) || strchr("_@%+=,./-", *p);
	if (!plain)
		b[o++] = '\'';
	for (p = s; *p && o < cut; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(b + o, 8, "\\x%02x", c);
		else if (c == '\'')
			o += (size_t)snprintf(b + o, 8, "'\\''");
		else
			b[o++] = (char)c;
	}
	if (*p) {
		memcpy(b + o, "...", 3);
		o += 3;
	}
	if (!plain)
		b[o++] = '\'';
	b[o] = '\0';
	return b;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The first value v[] holds twice, in *dup; false when all differ. */
static bool find_dup(const uint64_t *v, size_t n, uint64_t *dup)
{
	uint64_t *s = malloc((n ? n : 1) * sizeof(*s));
	bool found = false;

	if (!s)
		return false;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_u64);
	for (size_t i = 1; i < n && !found; i++)
		if (s[i] == s[i - 1]) {
			*dup = s[i];
			found = true;
		}
	free(s);
	return found;
}

int fb_parse_u64_list(const char *s, bool sizes, uint64_t **out, size_t *n,
		      char *err, size_t errlen)
{
	char **tok;
	size_t ntok, cap = 0, cnt = 0;
	uint64_t *v = NULL, dup;

	if (fb_split_list(s, &tok, &ntok) || ntok == 0) {
		if (!ntok)
			free(tok);
		snprintf(err, errlen, "%s: empty list", fb_quote(s));
		return -1;
	}
	if (fb_list_has_empty(s)) {
		snprintf(err, errlen, "%s: an empty element in the list", fb_quote(s));
		goto fail;
	}
	for (size_t i = 0; i < ntok; i++) {
		char *dash = strchr(tok[i], '-');
		uint64_t lo, hi;

		if (dash) {
			*dash = '\0';
			if (parse_one(tok[i], sizes, &lo) || parse_one(dash + 1, sizes, &hi)) {
				*dash = '-';
				snprintf(err, errlen, "'%s': not a %s range", tok[i],
					 sizes ? "size" : "number");
				goto fail;
			}
			*dash = '-';
			if (!fb_is_pow2(lo) || !fb_is_pow2(hi) || lo > hi) {
				snprintf(err, errlen,
					 "'%s': a range must run between powers of two, low to high",
					 tok[i]);
				goto fail;
			}
		} else {
			if (parse_one(tok[i], sizes, &lo)) {
				snprintf(err, errlen, "'%s': not a %s", tok[i],
					 sizes ? "size (e.g. 4K, 2M, 1G)" : "whole number");
				goto fail;
			}
			hi = lo;
		}
		for (uint64_t x = lo; x <= hi; x = dash ? x * 2 : hi + 1) {
			if (cnt == cap) {
				cap = cap ? cap * 2 : 16;
				uint64_t *nv = realloc(v, cap * sizeof(*v));
				if (!nv)
					goto fail;
				v = nv;
			}
			v[cnt++] = x;
			if (x > UINT64_MAX / 2)
				break;
		}
	}
	if (find_dup(v, cnt, &dup)) {
		char d[32];

		if (sizes)
			fb_size_str(dup, d, sizeof(d));
		else
			snprintf(d, sizeof(d), "%" PRIu64, dup);
		snprintf(err, errlen, "%s: %s is given twice", fb_quote(s), d);
		goto fail;
	}
	fb_free_list(tok, ntok);
	*out = v;
	*n = cnt;
	return 0;
fail:
	fb_free_list(tok, ntok);
	free(v);
	return -1;
}

const char *fb_size_str(uint64_t b, char *buf, size_t len)
{
	static const char unit[] = "KMGT";

	if (b && !(b & ((1ULL << 10) - 1))) {
		int u = -1;

		while (b && !(b & ((1ULL << 10) - 1)) && u < 3) {
			b >>= 10;
			u++;
		}
		snprintf(buf, len, "%" PRIu64 "%c", b, unit[u]);
	} else {
		snprintf(buf, len, "%" PRIu64, b);
	}
	return buf;
}

int fb_split_list(const char *s, char ***out, size_t *n)
{
	char *copy = strdup(s ? s : ""), *save = NULL, *t;
	char **v = NULL;
	size_t cnt = 0;

	if (!copy)
		return -1;
	for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char **nv = realloc(v, (cnt + 1) * sizeof(*v));

		if (!nv)
			break;
		v = nv;
		v[cnt++] = strdup(t);
	}
	free(copy);
	*out = v;
	*n = cnt;
	return 0;
}

void fb_free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

uint64_t fb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int fb_mkdirs(const char *path, char *err, size_t errlen)
{
	char buf[4096];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0755) && errno != EEXIST) {
				snprintf(err, errlen, "%s: %s", buf, strerror(errno));
				return -1;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

int fb_write_temp(const char *path, const char *data, size_t len, char *tmp, size_t tmplen,
		  char *err, size_t errlen)
{
	int fd;

	if (snprintf(tmp, tmplen, "%s.tmp.%d", path, (int)getpid()) >= (int)tmplen) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd)) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd)) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int fb_write_atomic(const char *path, const char *data, size_t len,
		    char *err, size_t errlen)
{
	char tmp[4096];

	if (fb_write_temp(path, data, len, tmp, sizeof(tmp), err, errlen))
		return -1;
	if (rename(tmp, path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/*
 * Open path for reading, regular files only: O_NONBLOCK so that a FIFO
 * without a writer cannot hang open(), then fstat.  "-" is standard input,
 * which may be a pipe (cpuid -r | foliobench info --cpuid-dump -): the cap
 * bounds it.  -1 with errno (EINVAL: not a regular file).
 */
static int open_regular(const char *path)
{
	struct stat st;
	int fd;

	if (!strcmp(path, "-"))
		return STDIN_FILENO;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return -1;
	}
	/* A regular file never blocks; clear the flag anyway for clarity. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

const char *fb_read_strerror(int e)
{
	return e == EINVAL ? "not a regular file (a FIFO, device or socket)" : strerror(e);
}

int fb_read_chunks(const char *path, size_t cap,
		   int (*fn)(const char *buf, size_t n, void *arg), void *arg)
{
	size_t total = 0, size;
	char *buf;
	int fd = open_regular(path), rc = 0, saved = 0;

	if (cap == SIZE_MAX)
		cap--; /* cap + 1 must not wrap */
	size = cap < (1u << 20) ? cap + 1 : 1u << 20;

	if (fd < 0)
		return -1;
	buf = malloc(size);
	if (!buf) {
		saved = ENOMEM;
		goto out;
	}
	while (total <= cap) {
		size_t want = size;
		ssize_t got;

		if (want > cap + 1 - total)
			want = cap + 1 - total;
		got = read(fd, buf, want);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			saved = errno ? errno : EIO;
			break;
		}
		if (!got)
			break;
		total += (size_t)got;
		if (fn(buf, (size_t)got, arg)) {
			saved = ECANCELED;
			break;
		}
	}
	if (!saved && total > cap)
		rc = 1; /* longer than cap: the caller's cap message */
out:
	free(buf);
	if (fd != STDIN_FILENO)
		close(fd);
	if (saved) {
		errno = saved;
		return -1;
	}
	return rc;
}

struct slurp {
	char *p;
	size_t len, size;
	bool oom;
};

static int slurp_chunk(const char *data, size_t n, void *arg)
{
	struct slurp *s = arg;

	if (s->len + n + 1 > s->size) {
		size_t size = s->size ? s->size : 8192;
		char *p;

		while (size < s->len + n + 1)
			size *= 2;
		p = realloc(s->p, size);
		if (!p) {
			s->oom = true;
			return -1;
		}
		s->p = p;
		s->size = size;
	}
	memcpy(s->p + s->len, data, n);
	s->len += n;
	return 0;
}

char *fb_read_file(const char *path, size_t cap, size_t *n)
{
	struct slurp s = { 0 };
	int rc = fb_read_chunks(path, cap, slurp_chunk, &s);

	/* rc 1: longer than cap, and the first cap + 1 bytes are there */
	if (rc < 0 || s.oom || (!s.p && slurp_chunk("", 0, &s))) {
		free(s.p);
		if (s.oom)
			errno = ENOMEM;
		return NULL;
	}
	s.p[s.len] = '\0';
	if (n)
		*n = s.len;
	return s.p;
}

int fb_sysfs_choice(const char *text, char *out, size_t len)
{
	const char *l = text ? strchr(text, '[') : NULL, *r = l ? strchr(l, ']') : NULL;

	if (!l || !r) {
		/* A file that holds one word (what a test directory gets written). */
		size_t n = 0;

		if (!text)
			return -1;
		while (isspace((unsigned char)*text))
			text++;
		while (text[n] && !isspace((unsigned char)text[n]))
			n++;
		if (!n)
			return -1;
		snprintf(out, len, "%.*s", (int)n, text);
		return 0;
	}
	snprintf(out, len, "%.*s", (int)(r - l - 1), l + 1);
	return 0;
}

int fb_sysfs_choice_read(const char *path, char *out, size_t len)
{
	char *t = fb_read_file(path, 4096, NULL);
	int rc = t ? fb_sysfs_choice(t, out, len) : -1;

	free(t);
	return rc;
}

bool fb_has_word(const char *line, const char *word)
{
	size_t n = strlen(word);
	const char *p = strchr(line, ':');

	for (p = p ? p + 1 : line; (p = strstr(p, word)); p += n)
		if ((p == line || isspace((unsigned char)p[-1])) &&
		    (!p[n] || isspace((unsigned char)p[n])))
			return true;
	return false;
}

/* Length of the UTF-8 sequence at s holding a code point that is safe to
 * print, or 0 (a control, an override, or not UTF-8). */
static size_t safe_utf8(const unsigned char *s)
{
	unsigned cp;
	size_t n;

	if (s[0] < 0x80)
		return s[0] >= 0x20 && s[0] != 0x7f;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07u;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* C1 controls (U+009B is CSI to some terminals); bidi embeddings,
	 * overrides and isolates, which reorder what follows them */
	if (cp <= 0x9f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return n;
}

bool fb_text_is_safe(const char *s)
{
	for (size_t n; *s; s += n)
		if (!(n = safe_utf8((const unsigned char *)s)))
			return false;
	return true;
}

bool fb_text_clean(char *s)
{
	unsigned char *r = (unsigned char *)s, *w = r;
	bool changed = false;

	while (*r) {
		size_t n = safe_utf8(r);

		if (!n) {
			/* a whole bad sequence (a C1 control is two bytes) is one '?' */
			size_t skip = 1, want = r[0] >= 0xf0 ? 4 : r[0] >= 0xe0 ? 3 : 2;

			if (r[0] >= 0xc2 && r[0] <= 0xf4)
				while (skip < want && (r[skip] & 0xc0) == 0x80)
					skip++;
			*w++ = '?';
			r += skip;
			changed = true;
			continue;
		}
		memmove(w, r, n);
		w += n;
		r += n;
	}
	*w = '\0';
	return changed;
}

const char *fb_text_safe(const char *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s", s ? s : "");
	fb_text_clean(buf);
	return buf;
}

void fb_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "foliobench %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(FB_EXIT_USAGE);
}
