/* SPDX-License-Identifier: GPL-2.0-only */
/* Exit codes, one-line errors and the CLI's value parsers. */
#ifndef FB_UTIL_H
#define FB_UTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit statuses, as kselftest uses them. */
enum { FB_EXIT_OK = 0, FB_EXIT_FAIL = 1, FB_EXIT_USAGE = 2, FB_EXIT_SKIP = 4 };

#define FB_ERRLEN 256

/* Print "foliobench CMD: <message>" on one line and exit 2. */
void fb_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* "4096", "4K", "2M", "1G" (binary units).  0 on success. */
int fb_parse_size(const char *s, uint64_t *out);
/* "1,2,4" or power-of-two ranges "1-16" (1,2,4,8,16).  0 on success; an
 * empty element or a value given twice (also through a range) is an error. */
int fb_parse_u64_list(const char *s, bool sizes, uint64_t **out, size_t *n,
		      char *err, size_t errlen);
/* Human size: 4096 -> "4K", 2097152 -> "2M", 1000 -> "1000". */
const char *fb_size_str(uint64_t bytes, char *buf, size_t len);
/* Whether a comma list is empty or has an empty element ("4K,,2M", "a,"). */
bool fb_list_has_empty(const char *s);
/*
 * s as it is safe to show in a one-line message: as is when it is plain
 * (letters, digits, _ @ % + = , . / -), else in single quotes ('' for an
 * empty value), control characters as \xHH, cut to 80 bytes with "...".
 * Returns one of 8 static buffers used in turn, so one message can quote
 * several values.
 */
const char *fb_quote(const char *s);
/* Split "a,b,c" into strdup'ed tokens (empty elements are dropped). */
int fb_split_list(const char *s, char ***out, size_t *n);
void fb_free_list(char **v, size_t n);
bool fb_is_pow2(uint64_t x);

/* Monotonic raw clock in nanoseconds: never NTP-slewed. */
uint64_t fb_now_ns(void);

/* Write a whole file atomically: temporary file in the same dir + rename. */
int fb_write_atomic(const char *path, const char *data, size_t len,
		    char *err, size_t errlen);
/* Its first half: write and fsync path.tmp.PID (named in tmp), for the
 * caller to rename; nothing is left behind on failure. */
int fb_write_temp(const char *path, const char *data, size_t len, char *tmp, size_t tmplen,
		  char *err, size_t errlen);
/* mkdir -p */
int fb_mkdirs(const char *path, char *err, size_t errlen);
/*
 * The one file reader.  Regular files only (/proc and /sys files are
 * regular), opened without blocking, so a FIFO or a device is refused
 * rather than hanging or read forever; "-" is standard input (a pipe is
 * fine there).  At most cap + 1 bytes are read.
 *
 * fb_read_file: the text, NUL-terminated, malloc'ed; *n (if not NULL) the
 * bytes read, so n > cap means the file is longer than cap.  NULL with
 * errno on failure: EINVAL a FIFO, device or socket, EISDIR a directory.
 */
char *fb_read_file(const char *path, size_t cap, size_t *n);
/* The same in chunks handed to fn (which returns nonzero to stop: -1 with
 * errno ECANCELED); 0 when all was read, 1 when the file is longer than
 * cap (cap + 1 bytes were handed on), -1 with errno. */
int fb_read_chunks(const char *path, size_t cap,
		   int (*fn)(const char *buf, size_t n, void *arg), void *arg);
/* strerror(e), and for EINVAL from the reader "not a regular file ...". */
const char *fb_read_strerror(int e);
/* The bracketed word of a sysfs choice ("always [madvise] never" ->
 * madvise), or the one word a file holds; 0, or -1 when there is none. */
int fb_sysfs_choice(const char *text, char *out, size_t len);
/* The same, of the file at path. */
int fb_sysfs_choice_read(const char *path, char *out, size_t len);
/* Whether word stands in line as a blank-separated word (after the first
 * ':' if there is one, as in a /proc/cpuinfo "flags : ..." line). */
bool fb_has_word(const char *line, const char *word);

/*
 * Text read from a file (a CPU name, a kernel path, a function name, a
 * message) made safe for a terminal and for JSON: control characters
 * (C0 such as ESC, CR and LF, DEL, C1) and bytes that are not UTF-8 become
 * '?', as do the bidirectional overrides; other UTF-8 text (±, ·) stays.
 * The one helper for it: the readers (fb_json_load, the dump and reference
 * readers) clean what they load, and fb_grid_print every cell.
 * fb_text_clean works in place (the text never grows) and returns whether
 * it changed anything; fb_text_safe copies into buf (len > 0) and returns it.
 */
bool fb_text_clean(char *s);
/* Whether s is clean already (fb_text_clean would change nothing). */
bool fb_text_is_safe(const char *s);
const char *fb_text_safe(const char *s, char *buf, size_t len);

#endif
