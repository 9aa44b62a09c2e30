/* cmd.h -- what the subcommands of the mxkit binary share */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mxkit/diag.h"

/* Exit codes (STYLE.md): 0 fine, 1 problems found, 2 usage or I/O error. */
#define EXIT_CLEAN	0
#define EXIT_FINDINGS	1
#define EXIT_USAGE	2

int cmd_zone(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_lookup(int argc, char **argv);
int cmd_route(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_trap(int argc, char **argv);
int cmd_trap_dnsbl(int argc, char **argv);
int cmd_trap_report(int argc, char **argv);

struct zone_parse_opts;
/* Parser options for file with the given origin, sink and ZONE_* flags;
 * accept and ud left empty. */
void zone_opts(struct zone_parse_opts *o, const char *file,
    const uint8_t *origin, size_t olen, struct mx_diag *d, unsigned flags);

/*
 * A diagnostic sink that collects everything, so that findings can be
 * printed in file order (the checks walk the zone in hash order) or as JSON.
 */
struct finding {
	char *file;
	unsigned line, col;
	enum mx_level level;
	char *code;
	char *msg;
};

struct findings {
	struct finding *v;
	size_t n, cap;
	int oom;
};

void findings_collect(void *ud, enum mx_level level, const struct mx_where *w,
    const char *code, const char *msg);
void findings_sort(struct findings *f);
/* Prints "file:line:col: level: message [CODE]" lines to fp. */
void findings_print(const struct findings *f, FILE *fp, int with_info);
void findings_free(struct findings *f);
/*
 * A decimal option value from lo to hi: 0 and *out, or -1 (not a number,
 * trailing junk, out of range). For every command's numeric options.
 */
int cmd_number(const char *s, unsigned long lo, unsigned long hi,
    unsigned long *out);
/*
 * The daemons' log: buf written to stderr with as few write(2) calls as
 * it takes, and "PREFIX" + the formatted message + newline as one line
 * (cut at 2 KiB). Lines from several threads or processes never mix, and
 * no stdio is involved (a fresh stream asks isatty, an ioctl the system
 * call filter refuses).
 */
void cmd_log_put(const char *buf, size_t n);
void cmd_log_line(const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* The program name for messages ("mxkit zone"). */
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
