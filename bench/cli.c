#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu.h"
#include "primitives.h"
#include "util.h"

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

unsigned long fb_parse_count(const char *cmd, const char *opt, const char *s,
			     unsigned long lo, unsigned long hi)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		fb_usage_error(cmd, "%s %s: allowed a whole number %lu..%lu", opt, s, lo, hi);
	v = strtoul(s, &end, 10);
	if (*end || v < lo || v > hi)
		fb_usage_error(cmd, "%s %s: allowed a whole number %lu..%lu", opt, s, lo, hi);
	return v;
}

double fb_parse_positive(const char *cmd, const char *opt, const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (*end || !(v > 0) || v > 1e300)
		fb_usage_error(cmd, "%s %s: allowed a positive number", opt, s);
	return v;
}

const char *fb_run_id(const char *cmd)
{
	static char id[128];
	char host[64] = "host";
	time_t now = time(NULL);
	struct tm tm;

	gethostname(host, sizeof(host) - 1);
	host[strcspn(host, ".")] = '\0';
	gmtime_r(&now, &tm);
	snprintf(id, sizeof(id), "%04d%02d%02dT%02d%02d%02dZ-%s-%s-%d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, host, cmd,
		 (int)getpid());
	return id;
}

void fb_print_primitives(FILE *f)
{
	size_t n;
	const struct fb_primitive *p = fb_primitives(&n);

	fprintf(f, "%-16s %-12s %s\n", "primitive", "here", "what it copies");
	for (size_t i = 0; i < n; i++) {
		const char *why = NULL;
		bool ok = fb_primitive_usable(&p[i], fb_this_cpu(), &why);

		fprintf(f, "%-16s %-12s %s%s%s\n", p[i].name, ok ? "yes" : "no", p[i].description,
			ok ? "" : " -- ", ok ? "" : (why ? why : ""));
	}
}
