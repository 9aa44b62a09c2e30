/* cur.h -- bounded read and write cursors with sticky errors */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mxkit/err.h"

/*
 * A read cursor over untrusted bytes. Every read checks the room left first
 * (subtracting, never adding, so nothing overflows); a read that does not fit
 * sets err = MX_ESHORT, returns 0 and leaves off unchanged. Once err is set,
 * every later read does nothing, so a parser may read a whole record and test
 * err once (Knot's wire_ctx, OpenSMTPD's unpack).
 */
struct cur {
	const uint8_t *p;
	size_t len, off;
	int err;
};

/*
 * A write cursor into a caller buffer of capacity cap. A write that does not
 * fit sets err = MX_ESPACE and writes nothing; later writes do nothing.
 */
struct wcur {
	uint8_t *p;
	size_t cap, off;
	int err;
};

static inline void
cur_init(struct cur *c, const void *p, size_t len)
{
	c->p = p;
	c->len = len;
	c->off = 0;
	c->err = 0;
}

static inline size_t
cur_left(const struct cur *c)
{
	return c->len - c->off;
}

static inline int
cur_need(struct cur *c, size_t n)
{
	if (c->err != 0)
		return 0;
	if (n > c->len - c->off) {
		c->err = MX_ESHORT;
		return 0;
	}
	return 1;
}

static inline uint8_t
cur_u8(struct cur *c)
{
	if (!cur_need(c, 1))
		return 0;
	return c->p[c->off++];
}

static inline uint16_t
cur_u16(struct cur *c)
{
	uint16_t v;

	if (!cur_need(c, 2))
		return 0;
	v = (uint16_t)(c->p[c->off] << 8 | c->p[c->off + 1]);
	c->off += 2;
	return v;
}

static inline uint32_t
cur_u32(struct cur *c)
{
	uint32_t v;

	if (!cur_need(c, 4))
		return 0;
	v = (uint32_t)c->p[c->off] << 24 | (uint32_t)c->p[c->off + 1] << 16 |
	    (uint32_t)c->p[c->off + 2] << 8 | (uint32_t)c->p[c->off + 3];
	c->off += 4;
	return v;
}

/* Copies n bytes into dst (which must hold n). */
static inline void
cur_copy(struct cur *c, void *dst, size_t n)
{
	if (!cur_need(c, n))
		return;
	memcpy(dst, c->p + c->off, n);
	c->off += n;
}

/* Returns a pointer to the next n bytes and skips them; NULL if short. */
static inline const uint8_t *
cur_take(struct cur *c, size_t n)
{
	const uint8_t *q;

	if (!cur_need(c, n))
		return NULL;
	q = c->p + c->off;
	c->off += n;
	return q;
}

static inline void
cur_skip(struct cur *c, size_t n)
{
	if (cur_need(c, n))
		c->off += n;
}

/* Peeks at the byte at offset off from the start, without moving; 0 if out. */
static inline uint8_t
cur_at(const struct cur *c, size_t off)
{
	return off < c->len ? c->p[off] : 0;
}

/* Sets a sticky error (if none is set yet). */
static inline void
cur_fail(struct cur *c, int err)
{
	if (c->err == 0)
		c->err = err;
}

static inline void
wcur_init(struct wcur *w, void *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->off = 0;
	w->err = 0;
}

static inline size_t
wcur_left(const struct wcur *w)
{
	return w->cap - w->off;
}

static inline int
wcur_need(struct wcur *w, size_t n)
{
	if (w->err != 0)
		return 0;
	if (n > w->cap - w->off) {
		w->err = MX_ESPACE;
		return 0;
	}
	return 1;
}

static inline void
wcur_u8(struct wcur *w, uint8_t v)
{
	if (wcur_need(w, 1))
		w->p[w->off++] = v;
}

static inline void
wcur_u16(struct wcur *w, uint16_t v)
{
	if (!wcur_need(w, 2))
		return;
	w->p[w->off] = (uint8_t)(v >> 8);
	w->p[w->off + 1] = (uint8_t)v;
	w->off += 2;
}

static inline void
wcur_u32(struct wcur *w, uint32_t v)
{
	if (!wcur_need(w, 4))
		return;
	w->p[w->off] = (uint8_t)(v >> 24);
	w->p[w->off + 1] = (uint8_t)(v >> 16);
	w->p[w->off + 2] = (uint8_t)(v >> 8);
	w->p[w->off + 3] = (uint8_t)v;
	w->off += 4;
}

static inline void
wcur_bytes(struct wcur *w, const void *src, size_t n)
{
	if (!wcur_need(w, n))
		return;
	if (n > 0)
		memcpy(w->p + w->off, src, n);
	w->off += n;
}

/* Overwrites a 16-bit value already written at offset at (e.g. RDLENGTH). */
static inline void
wcur_put16_at(struct wcur *w, size_t at, uint16_t v)
{
	if (w->err != 0 || at > w->off || 2 > w->off - at)
		return;
	w->p[at] = (uint8_t)(v >> 8);
	w->p[at + 1] = (uint8_t)v;
}

static inline void
wcur_fail(struct wcur *w, int err)
{
	if (w->err == 0)
		w->err = err;
}
