/* jw.h -- a streaming JSON writer for reports written by the thousand (mxkit check --bulk) */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * Why not jansson here: --bulk writes one report per domain, tens of
 * thousands a second, and building a jansson tree per report (a hash
 * table per object, an allocation per value) cost a third of the run. This
 * writer appends to one growing buffer, in order, with nothing to free but
 * the buffer. The other commands keep jansson.
 *
 * Strings are escaped as RFC 8259 7 requires; bytes that are not UTF-8
 * (TXT records may hold anything) are written as \u00XX, so the output is
 * always valid JSON. Nesting is at most JW_DEPTH deep.
 */
#define JW_DEPTH	16

struct jw {
	char *buf;
	size_t len, cap;
	int oom;
	int indent;			/* 0 compact, else spaces per level */
	unsigned depth;
	uint8_t count[JW_DEPTH];	/* values written at each level (capped) */
	int after_key;
};

void jw_init(struct jw *w, int indent);
void jw_reset(struct jw *w);		/* empty, keeps the buffer */
void jw_free(struct jw *w);
void jw_obj(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *k);
void jw_str(struct jw *w, const char *s);
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, long long v);
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);
