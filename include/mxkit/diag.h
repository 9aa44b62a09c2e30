/* diag.h -- located diagnostics: file:line:col, level, stable code, message */
#pragma once

#include <stdarg.h>

enum mx_level {
	MX_DIAG_INFO = 0,
	MX_DIAG_WARN = 1,
	MX_DIAG_ERROR = 2,
};

/* Where a diagnostic points; file may be NULL, line/col 0 when unknown. */
struct mx_where {
	const char *file;
	unsigned line, col;
};

/*
 * Receives one diagnostic. code is a stable upper-case id such as
 * "MX-TARGET-IP-LITERAL"; msg is a lowercase sentence without a final dot.
 * Both are valid only during the call.
 */
typedef void mx_diag_fn(void *ud, enum mx_level level, const struct mx_where *w,
    const char *code, const char *msg);

/*
 * The sink that library code reports to; library code never prints. Counts
 * every diagnostic by level. When max_errors is non-zero and that many errors
 * have been reported, further ones are counted but not delivered, and
 * mx_diag_full() turns true so that parsers can stop early.
 */
struct mx_diag {
	mx_diag_fn *fn;
	void *ud;
	unsigned nerr, nwarn, ninfo;
	unsigned max_errors;
};

void mx_diag(struct mx_diag *d, enum mx_level level, const struct mx_where *w,
    const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void mx_vdiag(struct mx_diag *d, enum mx_level level, const struct mx_where *w,
    const char *code, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));
int mx_diag_full(const struct mx_diag *d);
const char *mx_level_name(enum mx_level level);
