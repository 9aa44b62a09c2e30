/* findings.c -- collecting, ordering and printing diagnostics for people */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

void
warnx_(const char *fmt, ...)
{
	va_list ap;

	fputs("mxkit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cmd_log_put(const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		buf += w;
		n -= (size_t)w;
	}
}

void
cmd_log_line(const char *prefix, const char *fmt, va_list ap)
{
	char line[2048];
	size_t n = strlen(prefix), room;
	int k;

	if (n > sizeof(line) / 2)
		n = sizeof(line) / 2;
	memcpy(line, prefix, n);
	room = sizeof(line) - n - 1;
	k = vsnprintf(line + n, room, fmt, ap);
	if (k > 0)
		n += (size_t)k < room ? (size_t)k : room - 1;
	line[n++] = '\n';
	cmd_log_put(line, n);
}

void
findings_collect(void *ud, enum mx_level level, const struct mx_where *w,
    const char *code, const char *msg)
{
	struct findings *f = ud;
	struct finding *x;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 32;
		struct finding *v = realloc(f->v, cap * sizeof(*v));

		if (v == NULL) {
			f->oom = 1;
			return;
		}
		f->v = v;
		f->cap = cap;
	}
	x = &f->v[f->n];
	x->file = strdup(w != NULL && w->file != NULL ? w->file : "");
	x->line = w != NULL ? w->line : 0;
	x->col = w != NULL ? w->col : 0;
	x->level = level;
	x->code = strdup(code);
	x->msg = strdup(msg);
	if (x->file == NULL || x->code == NULL || x->msg == NULL) {
		free(x->file);
		free(x->code);
		free(x->msg);
		f->oom = 1;
		return;
	}
	f->n++;
}

static int
cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	int r = strcmp(x->file, y->file);

	if (r != 0)
		return r;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return strcmp(x->code, y->code);
}

void
findings_sort(struct findings *f)
{
	if (f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), cmp_finding);
}

void
findings_print(const struct findings *f, FILE *fp, int with_info)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		const struct finding *x = &f->v[i];

		if (x->level == MX_DIAG_INFO && !with_info)
			continue;
		if (x->file[0] != '\0' && x->line > 0)
			fprintf(fp, "%s:%u:%u: ", x->file, x->line, x->col);
		else if (x->file[0] != '\0')
			fprintf(fp, "%s: ", x->file);
		fprintf(fp, "%s: %s [%s]\n", mx_level_name(x->level), x->msg,
		    x->code);
	}
}

void
findings_free(struct findings *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].file);
		free(f->v[i].code);
		free(f->v[i].msg);
	}
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}

int
cmd_number(const char *s, unsigned long lo, unsigned long hi,
    unsigned long *out)
{
	char *e;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &e, 10);
	return *e != '\0' || errno != 0 || *out < lo || *out > hi ? -1 : 0;
}
