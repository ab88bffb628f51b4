// SPDX-License-Identifier: GPL-2.0-only
/* Size and list parsing of the CLI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "util.h"
#include "check.h"

static int list_is(const char *s, int sizes, const uint64_t *want, size_t n)
{
	uint64_t *v;
	size_t got;
	char err[FB_ERRLEN];
	int ok;

	if (fb_parse_u64_list(s, sizes, &v, &got, err, sizeof(err)))
		return 0;
	ok = got == n && !memcmp(v, want, n * sizeof(*v));
	free(v);
	return ok;
}

static int list_fails(const char *s, int sizes, const char *needle)
{
	uint64_t *v = NULL;
	size_t n;
	char err[FB_ERRLEN] = "";
	int rc = fb_parse_u64_list(s, sizes, &v, &n, err, sizeof(err));

	free(rc ? NULL : v);
	return rc && strstr(err, needle);
}

int main(void)
{
	uint64_t v;
	char buf[32];

	check(!fb_parse_size("4K", &v) && v == 4096, "4K");
	check(!fb_parse_size("2M", &v) && v == 2097152, "2M");
	check(!fb_parse_size("1G", &v) && v == 1073741824, "1G");
	check(!fb_parse_size("64KiB", &v) && v == 65536, "64KiB");
	check(!fb_parse_size("4096", &v) && v == 4096, "plain bytes");
	check(fb_parse_size("-4K", &v), "negative rejected");
	check(fb_parse_size("4X", &v), "unknown suffix rejected");
	check(fb_parse_size("", &v), "empty rejected");
	check(fb_parse_size("99999999999999999999", &v), "overflow rejected");
	check(fb_parse_size("20000000T", &v), "overflow by suffix rejected");

	check(list_is("4K-2M", 1, (uint64_t[]){ 4096, 8192, 16384, 32768, 65536, 131072,
						 262144, 524288, 1048576, 2097152 }, 10),
	      "4K-2M is ten powers of two");
	check(list_is("1,2,4,8,16", 0, (uint64_t[]){ 1, 2, 4, 8, 16 }, 5), "explicit list");
	check(list_is("1-16", 0, (uint64_t[]){ 1, 2, 4, 8, 16 }, 5), "1-16 range");
	check(list_is("3", 0, (uint64_t[]){ 3 }, 1), "single value");
	check(list_is("4K,2M", 1, (uint64_t[]){ 4096, 2097152 }, 2), "size list");
	check(list_fails("3-16", 0, "powers of two"), "range from a non power of two");
	check(list_fails("16-1", 0, "low to high"), "descending range");
	check(list_fails("1,x", 0, "'x'"), "bad token named");
	check(list_fails("-2", 0, "range"), "negative count");
	check(list_fails("", 0, "empty"), "empty list");
	check(list_fails("4K,4K", 1, "4K is given twice"), "a size given twice");
	check(list_fails("4K-64K,16K", 1, "16K is given twice"), "a size given twice through a range");
	check(list_fails("1,2,1", 0, "1 is given twice"), "a count given twice");
	check(list_fails("4K,,2M", 1, "empty element"), "an empty element inside");
	check(list_fails("4K,", 1, "empty element"), "an empty element at the end");
	check(list_fails(",4K", 1, "empty element"), "an empty element at the start");
	check(list_fails(",", 0, "empty"), "a lone comma");
	check(fb_list_has_empty("") && fb_list_has_empty("a,,b") && !fb_list_has_empty("a,b"),
	      "fb_list_has_empty");
	{
		char *big = malloc(100001), *p = big;

		/* 100 KB of one value: refused quickly, and the message stays one short line */
		for (int i = 0; i < 50000; i++)
			p += sprintf(p, i ? ",1" : "1");
		check(list_fails(big, 0, "1 is given twice"), "100 KB list of one value: given twice");
		check(strlen(fb_quote(big)) < 100, "fb_quote cuts a 100 KB value to one short line");
		free(big);
	}

	check(!strcmp(fb_quote("4K,2M"), "4K,2M"), "a plain value is shown as is");
	check(!strcmp(fb_quote(""), "''"), "an empty value is shown as ''");
	check(!strcmp(fb_quote("a b"), "'a b'"), "a value with a blank is quoted");
	check(!strcmp(fb_quote(":"), "':'"), "a colon is quoted (messages use ': ')");
	check(!strcmp(fb_quote("\033[2J"), "'\\x1b[2J'"), "an escape sequence is neutralized");
	check(!strcmp(fb_quote("it's"), "'it'\\''s'"), "a single quote is escaped as the shell does");
	check(fb_quote("a") != fb_quote("b"), "two values in one message get two buffers");

	check(!strcmp(fb_size_str(4096, buf, sizeof(buf)), "4K"), "size_str 4K");
	check(!strcmp(fb_size_str(2097152, buf, sizeof(buf)), "2M"), "size_str 2M");
	check(!strcmp(fb_size_str(1000, buf, sizeof(buf)), "1000"), "size_str 1000");
	check(fb_is_pow2(4096) && !fb_is_pow2(0) && !fb_is_pow2(12288), "is_pow2");

	check(fb_split_resolve(FB_SPLIT_AUTO, 1, 4) == FB_SPLIT_CHUNK,
	      "mtcopy: fewer folios than threads splits folios into chunks");
	check(fb_split_resolve(FB_SPLIT_AUTO, 512, 4) == FB_SPLIT_FOLIO,
	      "mtcopy: enough folios hands out whole folios");
	check(fb_split_resolve(FB_SPLIT_CHUNK, 512, 4) == FB_SPLIT_CHUNK, "forced chunk");
	check(fb_kernel_model_of_release("6.1.0-28-amd64") == FB_KM_6_1, "6.1 release");
	check(fb_kernel_model_of_release("6.12.57+deb13-amd64") == FB_KM_6_12, "6.12 release");
	check(fb_kernel_model_of_release("6.18.44-fc") == FB_KM_6_12, "6.18 follows 6.12 rules");
	check(fb_kernel_model_of_release("7.2.13") == FB_KM_6_12, "7.2 follows 6.12 rules");
	return check_finish();
}
