/* jw.c -- a streaming JSON writer (RFC 8259) into one growing buffer */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jw.h"

void
jw_init(struct jw *w, int indent)
{
	memset(w, 0, sizeof(*w));
	w->indent = indent;
}

void
jw_reset(struct jw *w)
{
	w->len = 0;
	w->oom = 0;
	w->depth = 0;
	w->count[0] = 0;
	w->after_key = 0;
}

void
jw_free(struct jw *w)
{
	free(w->buf);
	w->buf = NULL;
	w->cap = w->len = 0;
}

static int
room(struct jw *w, size_t n)
{
	size_t cap;
	char *p;

	if (w->oom)
		return 0;
	if (n <= w->cap - w->len)
		return 1;
	cap = w->cap ? w->cap : 4096;
	while (cap - w->len < n) {
		if (cap > ((size_t)-1) / 2) {
			w->oom = 1;
			return 0;
		}
		cap *= 2;
	}
	p = realloc(w->buf, cap);
	if (p == NULL) {
		w->oom = 1;
		return 0;
	}
	w->buf = p;
	w->cap = cap;
	return 1;
}

static void
put(struct jw *w, const char *s, size_t n)
{
	if (!room(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void
newline(struct jw *w)
{
	unsigned i;

	if (w->indent == 0)
		return;
	put(w, "\n", 1);
	for (i = 0; i < w->depth * (unsigned)w->indent; i++)
		put(w, " ", 1);
}

/* Before a value: the comma and line break of its container. */
static void
value(struct jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth == 0)
		return;
	if (w->count[w->depth] > 0)
		put(w, ",", 1);
	if (w->count[w->depth] < 255)
		w->count[w->depth]++;
	newline(w);
}

static void
open_(struct jw *w, char c)
{
	value(w);
	put(w, &c, 1);
	if (w->depth + 1 < JW_DEPTH) {
		w->depth++;
		w->count[w->depth] = 0;
	} else
		w->oom = 1;	/* deeper than any report: a bug */
}

static void
close_(struct jw *w, char c)
{
	int had = w->count[w->depth] > 0;

	if (w->depth > 0)
		w->depth--;
	if (had)
		newline(w);
	put(w, &c, 1);
}

void jw_obj(struct jw *w) { open_(w, '{'); }
void jw_obj_end(struct jw *w) { close_(w, '}'); }
void jw_arr(struct jw *w) { open_(w, '['); }
void jw_arr_end(struct jw *w) { close_(w, ']'); }

/* Length of a valid UTF-8 sequence at s (n bytes left), 0 if none
 * (overlong forms, surrogates and values over U+10FFFF refused). */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned long cp;

	if (c < 0xc2 || c > 0xf4)
		return 0;
	len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	cp = c & (0x3f >> (len - 1));
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

void
jw_strn(struct jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run, ul;
	char esc[6];

	value(w);
	put(w, "\"", 1);
	while (i < n) {
		/* Copy plain runs in one go. */
		for (run = i; run < n && p[run] >= 0x20 && p[run] < 0x80 &&
		    p[run] != '"' && p[run] != '\\'; run++)
			;
		put(w, s + i, run - i);
		i = run;
		if (i >= n)
			break;
		if (p[i] >= 0x80 && (ul = utf8_len(p + i, n - i)) > 0) {
			put(w, s + i, ul);
			i += ul;
			continue;
		}
		esc[0] = '\\';
		switch (p[i]) {
		case '"':
			put(w, "\\\"", 2);
			break;
		case '\\':
			put(w, "\\\\", 2);
			break;
		case '\n':
			put(w, "\\n", 2);
			break;
		case '\t':
			put(w, "\\t", 2);
			break;
		case '\r':
			put(w, "\\r", 2);
			break;
		default:
			/* Controls, and bytes that are not UTF-8. */
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[p[i] >> 4];
			esc[5] = hex[p[i] & 0xf];
			put(w, esc, 6);
			break;
		}
		i++;
	}
	put(w, "\"", 1);
}

void
jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, strlen(s));
}

void
jw_key(struct jw *w, const char *k)
{
	jw_str(w, k);
	put(w, w->indent ? ": " : ":", w->indent ? 2 : 1);
	w->after_key = 1;
}

void
jw_int(struct jw *w, long long v)
{
	char t[32];
	int n = snprintf(t, sizeof(t), "%lld", v);

	value(w);
	put(w, t, (size_t)n);
}

void
jw_bool(struct jw *w, int v)
{
	value(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void
jw_null(struct jw *w)
{
	value(w);
	put(w, "null", 4);
}
