/* What the subcommands share: one-line usage errors and option parsers. */
#ifndef FB_CLI_H
#define FB_CLI_H
#include <stdio.h>

/* Print "foliobench CMD: <message>" on one line and exit 2. */
void fb_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
/* A whole number lo..hi, else a usage error naming opt and s. */
unsigned long fb_parse_count(const char *cmd, const char *opt, const char *s,
			     unsigned long lo, unsigned long hi);
double fb_parse_positive(const char *cmd, const char *opt, const char *s);
/* "20261122T031500Z-host-CMD-PID": names a results folder. */
const char *fb_run_id(const char *cmd);
/* The primitive table with this CPU's support, for --primitive help and info. */
void fb_print_primitives(FILE *f);

/* Subcommands: argv[0] is the subcommand's name. */
int fb_cmd_copy(int argc, char **argv);
int fb_cmd_info(int argc, char **argv);
int fb_cmd_show(int argc, char **argv);

#endif
