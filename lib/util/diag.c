/* diag.c -- located diagnostics delivered to a caller's sink */
#include <stdio.h>

#include "mxkit/diag.h"

/* Messages longer than this are cut; 512 bytes hold any name in text (at
 * most 1004 bytes escaped is possible, but messages quote at most two). */
#define DIAG_MSG_MAX 1024

void
mx_vdiag(struct mx_diag *d, enum mx_level level, const struct mx_where *w,
    const char *code, const char *fmt, va_list ap)
{
	char msg[DIAG_MSG_MAX];

	if (d == NULL)
		return;
	switch (level) {
	case MX_DIAG_ERROR:
		d->nerr++;
		if (d->max_errors != 0 && d->nerr > d->max_errors)
			return;
		break;
	case MX_DIAG_WARN:
		d->nwarn++;
		break;
	default:
		d->ninfo++;
		break;
	}
	if (d->fn == NULL)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	d->fn(d->ud, level, w, code, msg);
}

void
mx_diag(struct mx_diag *d, enum mx_level level, const struct mx_where *w,
    const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mx_vdiag(d, level, w, code, fmt, ap);
	va_end(ap);
}

int
mx_diag_full(const struct mx_diag *d)
{
	return d != NULL && d->max_errors != 0 && d->nerr >= d->max_errors;
}

const char *
mx_level_name(enum mx_level level)
{
	switch (level) {
	case MX_DIAG_ERROR:
		return "error";
	case MX_DIAG_WARN:
		return "warning";
	default:
		return "info";
	}
}
