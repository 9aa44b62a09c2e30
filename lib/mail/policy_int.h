/* policy_int.h -- helpers shared by the policy record parsers (spf.c, dmarc.c, hostname.c): slices, notes, tag lists, URIs */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "mxkit/policy.h"
#include "util/cur.h"

/*
 * A slice of the record is a struct cur of its own over those bytes:
 * parsers walk it with the cursor calls only, so no pointer arithmetic on
 * the untrusted text happens outside cur.h. The pol_* helpers are static
 * inline; the mail_policy_* ones live in policy.c.
 */

/* The byte k places after the cursor position, or -1 past the end (a NUL
 * byte is 0, a byte like any other). */
static inline int
pol_peek(const struct cur *c, size_t k)
{
	if (c->err != 0 || k >= c->len - c->off)
		return -1;
	return cur_at(c, c->off + k);
}

/* A cursor over the next n bytes of c (which must hold them), skipped in
 * c. Past the end it is an empty cursor over a static byte, never over
 * NULL, so that later slices of it stay defined. */
static inline struct cur
pol_take(struct cur *c, size_t n)
{
	static const uint8_t none[1];
	struct cur s;
	const uint8_t *p = cur_take(c, n);

	if (p != NULL)
		cur_init(&s, p, n);
	else
		cur_init(&s, none, 0);
	return s;
}

/* The rest of c, from its position to its end, as a new cursor. c does
 * not move. */
static inline struct cur
pol_rest(const struct cur *c)
{
	struct cur t = *c;

	return pol_take(&t, cur_left(&t));
}

static inline int
pol_is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static inline int
pol_is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static inline int
pol_is_hex(int ch)
{
	return pol_is_digit(ch) || (ch >= 'a' && ch <= 'f') ||
	    (ch >= 'A' && ch <= 'F');
}

/* WSP of RFC 5234: space and horizontal tab. */
static inline int
pol_is_wsp(int ch)
{
	return ch == ' ' || ch == '\t';
}

static inline int
pol_lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

/* Whole slice equal to lit: ASCII case-insensitive when fold, else
 * exact. */
int mail_policy_eq(const struct cur *s, const char *lit, int fold);
/* Slice starts with lit (same rules); the slice does not move. */
int mail_policy_prefix(const struct cur *s, const char *lit, int fold);
/* Index of the first byte equal to ch in the slice, or its length. */
size_t mail_policy_find(const struct cur *s, int ch);
/* Skips WSP at the slice position. */
void mail_policy_skip_wsp(struct cur *s);
/* Drops WSP at the end of the slice. */
void mail_policy_trim_wsp(struct cur *s);

/*
 * Copies the slice into buf (cap >= 1), NUL-terminated, cut at cap - 1
 * octets. Returns 1 when it was cut. The bytes are copied as they are:
 * callers copy only slices whose bytes they have checked.
 */
int mail_policy_copy(const struct cur *s, char *buf, size_t cap);

/*
 * The slice for a message: in double quotes, printable ASCII as it is,
 * other octets as \xNN, cut after 48 octets with "...". buf holds
 * POL_QUOTE_MAX.
 */
#define POL_QUOTE_SHOWN	48
#define POL_QUOTE_MAX	(2 + POL_QUOTE_SHOWN * 4 + 3 + 1)
const char *mail_policy_quote(const struct cur *s, char buf[POL_QUOTE_MAX]);

/* Adds a note (kept while there is room, always counted). */
void mail_policy_note(struct mail_policy_notes *n, enum mx_level level,
    const char *code, unsigned term, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * Tag lists (RFC 7489 6.4, RFC 8461 3.1, RFC 8460 3): tags separated by
 * ";" with optional blanks around it, an optional ";" at the end. Returns
 * 1 and the next tag in *tag with surrounding blanks removed (empty for
 * ";;"), or 0 when only blanks are left. The cursor must have passed the
 * version tag.
 */
int mail_policy_tag_next(struct cur *c, struct cur *tag);

/*
 * A report URI (RFC 3986 3 character set; "," and "!" must be
 * percent-encoded in DMARC and TLS-RPT lists, RFC 7489 6.4, RFC 8460 3).
 * Returns the scheme kind, or POL_URI_BAD with *why a static lowercase
 * reason. mailto: needs local@domain, https: needs //host.
 */
enum { POL_URI_BAD = -1, POL_URI_MAILTO, POL_URI_HTTPS, POL_URI_OTHER };
int mail_policy_uri_check(const struct cur *u, const char **why);
