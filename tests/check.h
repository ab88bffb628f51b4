/* SPDX-License-Identifier: GPL-2.0-only */
/* What the unit tests share: one TAP-style line per check, and the count. */
#ifndef FB_TEST_CHECK_H
#define FB_TEST_CHECK_H
#include <stdarg.h>
#include <stdio.h>

static int passed, failed;

static void __attribute__((format(printf, 2, 3), unused)) checkf(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (ok)
		passed++;
	else
		failed++;
}

#define check(ok, what) checkf((ok), "%s", (what))

/* "N passed, N failed"; the exit status of a unit test. */
static int check_finish(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif
