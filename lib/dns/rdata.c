/* rdata.c -- rdata text <-> wire, validation, compression, canonical order,
 * all driven by the descriptor table (RFC 1035 3.3, RFC 3597, RFC 4034 6) */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "dns/text.h"
#include "util/cur.h"

struct span {
	size_t off, len;
};

/* Validates the type bitmap of RFC 4034 4.1.2 at rd[0..len): windows in
 * increasing order, each 1..32 octets long. */
static int
bitmap_check(const uint8_t *rd, size_t len)
{
	size_t i = 0;
	int last = -1;

	while (i < len) {
		unsigned win, blen;

		if (len - i < 2)
			return MX_EMALF;
		win = rd[i];
		blen = rd[i + 1];
		if ((int)win <= last || blen == 0 || blen > 32 ||
		    blen > len - i - 2)
			return MX_EMALF;
		last = (int)win;
		i += 2 + blen;
	}
	return 0;
}

/*
 * Length of one field at rd[off..len), or MX_ESHORT when the field runs past
 * the end (a length problem: RDLENGTH or the message), or MX_EMALF when its
 * content is bad.
 */
static int
field_len(uint8_t kind, const uint8_t *rd, size_t len, size_t off)
{
	size_t left = len - off, n;
	int r;

	switch (kind) {
	case DNS_F_NAME_C:
	case DNS_F_NAME_D:
	case DNS_F_NAME:
		r = dns_name_wire_len(rd + off, left);
		return r == MX_ESHORT ? r : r < 0 ? MX_EMALF : r;
	case DNS_F_U8:
		n = 1;
		break;
	case DNS_F_U16:
	case DNS_F_TYPE:
		n = 2;
		break;
	case DNS_F_U32:
	case DNS_F_PERIOD:
	case DNS_F_TIME:
	case DNS_F_A:
		n = 4;
		break;
	case DNS_F_AAAA:
		n = 16;
		break;
	case DNS_F_STR:
	case DNS_F_SALT:
	case DNS_F_B32:
	case DNS_F_TAG:
		if (left < 1)
			return MX_ESHORT;
		n = 1 + (size_t)rd[off];
		/* A CAA tag and an NSEC3 hash are never empty (RFC 8659 4.1,
		 * RFC 5155 3.1.7); an empty one has no text form either. */
		if ((kind == DNS_F_TAG || kind == DNS_F_B32) && rd[off] == 0)
			return MX_EMALF;
		break;
	case DNS_F_STRS:
		if (left < 1)
			return MX_ESHORT;
		for (n = 0; n < left; n += 1 + (size_t)rd[off + n])
			if ((size_t)rd[off + n] > left - n - 1)
				return MX_ESHORT;
		return (int)left;
	case DNS_F_HEX:
	case DNS_F_B64:
		return left < 1 ? MX_ESHORT : (int)left;
	case DNS_F_BITMAP:
		r = bitmap_check(rd + off, left);
		return r < 0 ? r : (int)left;
	case DNS_F_VALUE:
		return (int)left;
	default:
		return MX_EMALF;
	}
	return n > left ? MX_ESHORT : (int)n;
}

/* Splits rdata into its fields; requires them to use every octet. Returns
 * the number of fields or MX_EMALF. */
static int
walk(const struct dns_rrtype *t, const uint8_t *rd, size_t len,
    struct span sp[DNS_FIELDS_MAX])
{
	size_t off = 0;
	int i;

	for (i = 0; i < DNS_FIELDS_MAX && t->field[i] != DNS_F_END; i++) {
		int r = field_len(t->field[i], rd, len, off);

		if (r < 0)
			return MX_EMALF;
		sp[i].off = off;
		sp[i].len = (size_t)r;
		off += (size_t)r;
	}
	return off == len ? i : MX_EMALF;
}

/* A known type with a field layout (not opaque, not unknown). */
static const struct dns_rrtype *
structured(uint16_t type)
{
	const struct dns_rrtype *t = dns_rrtype_find(type);

	if (t == NULL || (t->flags & DNS_RT_OPAQUE) != 0)
		return NULL;
	return t;
}

int
dns_rdata_check(uint16_t type, const uint8_t *rd, size_t len)
{
	const struct dns_rrtype *t = structured(type);
	struct span sp[DNS_FIELDS_MAX];
	int r;

	if (t == NULL)
		return 0;
	r = walk(t, rd, len, sp);
	return r < 0 ? r : 0;
}

int
dns_rdata_field(uint16_t type, const uint8_t *rd, size_t len, unsigned idx,
    size_t *off, size_t *flen)
{
	const struct dns_rrtype *t = structured(type);
	struct span sp[DNS_FIELDS_MAX];
	int n;

	if (t == NULL)
		return MX_ENOENT;
	n = walk(t, rd, len, sp);
	if (n < 0)
		return n;
	if (idx >= (unsigned)n)
		return MX_ENOENT;
	*off = sp[idx].off;
	*flen = sp[idx].len;
	return 0;
}

/*
 * Canonical comparison.
 */
static inline uint8_t
fold(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

int
dns_rdata_cmp(uint16_t type, const uint8_t *a, size_t alen, const uint8_t *b,
    size_t blen)
{
	const struct dns_rrtype *t;
	struct span sa[DNS_FIELDS_MAX], sb[DNS_FIELDS_MAX];
	size_t i, m = alen < blen ? alen : blen;
	int na, nb, ia = 0, ib = 0;

	/* Folding only matters where the first difference is an upper-case
	 * letter: anywhere else the raw octets already decide, and the
	 * fields need not be found. */
	for (i = 0; i < m && a[i] == b[i]; i++)
		;
	if (i == m)
		return alen == blen ? 0 : (alen < blen ? -1 : 1);
	if (!(a[i] >= 'A' && a[i] <= 'Z') && !(b[i] >= 'A' && b[i] <= 'Z'))
		return a[i] < b[i] ? -1 : 1;
	t = structured(type);
	if (t == NULL || (t->flags & DNS_RT_CANON_LOWER) == 0 ||
	    (na = walk(t, a, alen, sa)) < 0 || (nb = walk(t, b, blen, sb)) < 0) {
		int r = m > 0 ? memcmp(a, b, m) : 0;

		if (r != 0)
			return r;
		return alen == blen ? 0 : (alen < blen ? -1 : 1);
	}
	/* Octet order of the canonical forms: names folded to lowercase.
	 * ia/ib follow the field that holds octet i in a and in b. */
	for (i = 0; i < m; i++) {
		uint8_t x = a[i], y = b[i];

		while (ia < na - 1 && i >= sa[ia].off + sa[ia].len)
			ia++;
		while (ib < nb - 1 && i >= sb[ib].off + sb[ib].len)
			ib++;
		if (t->field[ia] >= DNS_F_NAME_C && t->field[ia] <= DNS_F_NAME)
			x = fold(x);
		if (t->field[ib] >= DNS_F_NAME_C && t->field[ib] <= DNS_F_NAME)
			y = fold(y);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

/*
 * Wire form: decompression on read, compression on write.
 */
/*
 * Decodes rdata from a message into out, or only validates it when out is
 * NULL (then cap is ignored): one code path, so that skipping and copying
 * accept exactly the same rdata.
 */
static int
from_wire(uint16_t type, struct cur *c, size_t rdlen, uint8_t *out,
    size_t cap, size_t *outlen)
{
	const struct dns_rrtype *t = structured(type);
	uint8_t name[DNS_NAME_MAX];
	size_t end, o = 0, nlen;
	int i, r;

	if (c->err != 0)
		return c->err;
	if (rdlen > cur_left(c)) {
		cur_fail(c, MX_ESHORT);
		return MX_ESHORT;
	}
	end = c->off + rdlen;
	if (t == NULL) {
		if (out == NULL) {
			cur_skip(c, rdlen);
		} else if (rdlen > cap) {
			cur_fail(c, MX_ESPACE);
			return MX_ESPACE;
		} else {
			cur_copy(c, out, rdlen);
		}
		o = rdlen;
		goto done;
	}
	for (i = 0; i < DNS_FIELDS_MAX && t->field[i] != DNS_F_END; i++) {
		uint8_t k = t->field[i];
		const uint8_t *src;

		if (k == DNS_F_NAME_C || k == DNS_F_NAME_D) {
			r = dns_name_from_wire(c, name, &nlen);
			if (r != 0)
				return r;
			if (c->off > end) {
				c->err = MX_ERDLEN;
				return MX_ERDLEN;
			}
			src = name;
		} else {
			/* Other fields lie inside the rdata: measure them
			 * against the end of the rdata, not of the message. */
			r = field_len(k, c->p, end, c->off);
			if (r < 0) {
				/* Running past RDLENGTH is a length error,
				 * bad content inside it a malformed field. */
				c->err = r == MX_ESHORT ? MX_ERDLEN : MX_EMALF;
				return c->err;
			}
			nlen = (size_t)r;
			src = cur_take(c, nlen);
			if (src == NULL)
				return c->err;
		}
		if (out != NULL) {
			if (nlen > cap - o) {
				cur_fail(c, MX_ESPACE);
				return MX_ESPACE;
			}
			memcpy(out + o, src, nlen);
		}
		o += nlen;
	}
done:
	if (c->err != 0)
		return c->err;
	if (c->off != end) {
		c->err = MX_ERDLEN;
		return MX_ERDLEN;
	}
	if (outlen != NULL)
		*outlen = o;
	return 0;
}

int
dns_rdata_from_wire(uint16_t type, struct cur *c, size_t rdlen, uint8_t *out,
    size_t cap, size_t *outlen)
{
	return from_wire(type, c, rdlen, out, cap, outlen);
}

int
dns_rdata_skip_wire(uint16_t type, struct cur *c, size_t rdlen)
{
	return from_wire(type, c, rdlen, NULL, 0, NULL);
}

void
dns_rdata_write(struct wcur *w, uint16_t type, const uint8_t *rd, size_t len,
    struct dns_compress *ct)
{
	const struct dns_rrtype *t = structured(type);
	struct span sp[DNS_FIELDS_MAX];
	int i, n;

	if (t == NULL || (n = walk(t, rd, len, sp)) < 0) {
		wcur_bytes(w, rd, len);
		return;
	}
	for (i = 0; i < n; i++) {
		if (t->field[i] == DNS_F_NAME_C)
			dns_name_write(w, rd + sp[i].off, sp[i].len, ct);
		else
			wcur_bytes(w, rd + sp[i].off, sp[i].len);
	}
}

/*
 * Presentation form out.
 */
struct tbuf {
	char *p;
	size_t cap, len;
	int err;
	size_t word;	/* DNS_TEXT_SPLIT: hex, base64 in words this long */
};

static void
tb_putc(struct tbuf *b, char c)
{
	if (b->err != 0 || b->cap - b->len < 2) {
		b->err = MX_ESPACE;
		return;
	}
	b->p[b->len++] = c;
}

static void
tb_puts(struct tbuf *b, const char *s, size_t n)
{
	if (b->err != 0 || n >= b->cap - b->len) {
		b->err = MX_ESPACE;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/*
 * BIND writes rdata on one line (dig, host, the zone files it dumps) with
 * hex and base64 cut into words: 60 columns less 2 for the margin, rounded
 * down to whole octets in hex and whole 4-character quanta in base64,
 * which is 56 characters for both (BIND 9.18 lib/dns/rdata.c: width 60,
 * isc_hex_totext and isc_base64_totext called with 58).
 */
#define TEXT_WORD	56

/* A blank before the next word: at characters written = a multiple of
 * b->word, not at the start. */
static void
tb_word(struct tbuf *b, size_t written)
{
	if (b->word > 0 && written > 0 && written % b->word == 0)
		tb_putc(b, ' ');
}

static void
tb_u32(struct tbuf *b, uint32_t v)
{
	char tmp[12];
	int n = snprintf(tmp, sizeof(tmp), "%u", (unsigned)v);

	tb_puts(b, tmp, (size_t)n);
}

/* Octets in hex: split in words (DNS_TEXT_SPLIT) or always whole. */
#define TB_WHOLE	0x0u
#define TB_SPLIT	0x1u
static void
tb_hex(struct tbuf *b, const uint8_t *p, size_t n, unsigned flags)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		if (flags & TB_SPLIT)
			tb_word(b, 2 * i);
		tb_putc(b, hx[p[i] >> 4]);
		tb_putc(b, hx[p[i] & 15]);
	}
}

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
tb_b64(struct tbuf *b, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 |
		    p[i + 2];

		tb_word(b, i / 3 * 4);
		tb_putc(b, b64chars[v >> 18]);
		tb_putc(b, b64chars[(v >> 12) & 63]);
		tb_putc(b, b64chars[(v >> 6) & 63]);
		tb_putc(b, b64chars[v & 63]);
	}
	if (n - i > 0)
		tb_word(b, i / 3 * 4);
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;

		tb_putc(b, b64chars[v >> 18]);
		tb_putc(b, b64chars[(v >> 12) & 63]);
		tb_puts(b, "==", 2);
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;

		tb_putc(b, b64chars[v >> 18]);
		tb_putc(b, b64chars[(v >> 12) & 63]);
		tb_putc(b, b64chars[(v >> 6) & 63]);
		tb_putc(b, '=');
	}
}

static const char b32chars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

/* Base32 with the extended hex alphabet, no padding (RFC 4648 7, RFC 5155). */
static void
tb_b32(struct tbuf *b, const uint8_t *p, size_t n)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		acc = (acc << 8) | p[i];
		bits += 8;
		while (bits >= 5) {
			tb_putc(b, b32chars[(acc >> (bits - 5)) & 31]);
			bits -= 5;
		}
	}
	if (bits > 0)
		tb_putc(b, b32chars[(acc << (5 - bits)) & 31]);
}

/* One character-string in quotes; " and \ escaped, others by \DDD. */
static void
tb_str(struct tbuf *b, const uint8_t *p, size_t n)
{
	size_t i;

	tb_putc(b, '"');
	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c == '"' || c == '\\') {
			tb_putc(b, '\\');
			tb_putc(b, (char)c);
		} else if (c >= 0x20 && c < 0x7f) {
			tb_putc(b, (char)c);
		} else {
			char e[5];

			snprintf(e, sizeof(e), "\\%03u", (unsigned)c);
			tb_puts(b, e, 4);
		}
	}
	tb_putc(b, '"');
}

static void
tb_name(struct tbuf *b, const uint8_t *name, size_t len)
{
	int r;

	if (b->err != 0)
		return;
	r = dns_name_to_text(name, len, b->p + b->len, b->cap - b->len);
	if (r < 0)
		b->err = r;
	else
		b->len += (size_t)r;
}

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. The
 * algorithm shifts the year to start in March so that leap days fall at
 * the end of it. */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

static void
tb_time(struct tbuf *b, uint32_t t)
{
	int64_t y;
	unsigned mo, d, s = t % 86400;
	char tmp[32];
	int n;

	civil_from_days((int64_t)(t / 86400), &y, &mo, &d);
	n = snprintf(tmp, sizeof(tmp), "%04lld%02u%02u%02u%02u%02u",
	    (long long)y, mo, d, s / 3600, s / 60 % 60, s % 60);
	tb_puts(b, tmp, (size_t)n);
}

static void
tb_generic(struct tbuf *b, const uint8_t *rd, size_t len)
{
	tb_puts(b, "\\# ", 3);
	tb_u32(b, (uint32_t)len);
	if (len > 0) {
		tb_putc(b, ' ');
		tb_hex(b, rd, len, TB_SPLIT);
	}
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
tb_field(struct tbuf *b, uint8_t k, const uint8_t *p, size_t n)
{
	char tmp[INET6_ADDRSTRLEN];
	size_t i;

	switch (k) {
	case DNS_F_NAME_C:
	case DNS_F_NAME_D:
	case DNS_F_NAME:
		tb_name(b, p, n);
		break;
	case DNS_F_U8:
		tb_u32(b, p[0]);
		break;
	case DNS_F_U16:
		tb_u32(b, get16(p));
		break;
	case DNS_F_U32:
	case DNS_F_PERIOD:
		tb_u32(b, get32(p));
		break;
	case DNS_F_TYPE: {
		char t[16];

		dns_type_to_text(get16(p), t);
		tb_puts(b, t, strlen(t));
		break;
	}
	case DNS_F_TIME:
		tb_time(b, get32(p));
		break;
	case DNS_F_A:
		inet_ntop(AF_INET, p, tmp, sizeof(tmp));
		tb_puts(b, tmp, strlen(tmp));
		break;
	case DNS_F_AAAA:
		inet_ntop(AF_INET6, p, tmp, sizeof(tmp));
		tb_puts(b, tmp, strlen(tmp));
		break;
	case DNS_F_STR:
		tb_str(b, p + 1, p[0]);
		break;
	case DNS_F_STRS:
		for (i = 0; i < n; i += 1 + (size_t)p[i]) {
			if (i > 0)
				tb_putc(b, ' ');
			tb_str(b, p + i + 1, p[i]);
		}
		break;
	case DNS_F_HEX:
		tb_hex(b, p, n, TB_SPLIT);
		break;
	case DNS_F_B64:
		tb_b64(b, p, n);
		break;
	case DNS_F_SALT:
		if (p[0] == 0)
			tb_putc(b, '-');
		else
			tb_hex(b, p + 1, p[0], TB_WHOLE);
		break;
	case DNS_F_B32:
		tb_b32(b, p + 1, p[0]);
		break;
	case DNS_F_BITMAP: {
		int first = 1;

		for (i = 0; i < n; i += 2 + (size_t)p[i + 1]) {
			unsigned win = p[i], blen = p[i + 1], j, bit;

			for (j = 0; j < blen; j++) {
				for (bit = 0; bit < 8; bit++) {
					char t[16];

					if ((p[i + 2 + j] & (0x80 >> bit)) == 0)
						continue;
					dns_type_to_text((uint16_t)(win * 256 +
					    j * 8 + bit), t);
					if (!first)
						tb_putc(b, ' ');
					first = 0;
					tb_puts(b, t, strlen(t));
				}
			}
		}
		break;
	}
	case DNS_F_TAG:
		/* Validated as letters and digits when read from text; a tag
		 * from the wire with other octets goes out generic. */
		tb_puts(b, (const char *)p + 1, p[0]);
		break;
	case DNS_F_VALUE:
		tb_str(b, p, n);
		break;
	}
}

/* A CAA tag is letters and digits only (RFC 8659 4.1). */
static int
tag_ok(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9')))
			return 0;
	}
	return n > 0;
}

int
dns_rdata_to_text(uint16_t type, const uint8_t *rd, size_t len, char *buf,
    size_t cap, unsigned flags)
{
	const struct dns_rrtype *t = structured(type);
	struct span sp[DNS_FIELDS_MAX];
	struct tbuf b = { buf, cap, 0, 0, 0 };
	int i, n = -1;

	if (cap == 0)
		return MX_ESPACE;
	if (flags & DNS_TEXT_SPLIT)
		b.word = TEXT_WORD;
	if (t != NULL && (flags & DNS_TEXT_GENERIC) == 0)
		n = walk(t, rd, len, sp);
	for (i = 0; i < n; i++) {
		if (t->field[i] == DNS_F_TAG &&
		    !tag_ok(rd + sp[i].off + 1, sp[i].len - 1))
			n = -1;
	}
	if (n < 0) {
		tb_generic(&b, rd, len);
	} else {
		for (i = 0; i < n; i++) {
			/* An empty type bitmap (NSEC3 of an empty
			 * non-terminal) prints nothing, not even a blank. */
			if (t->field[i] == DNS_F_BITMAP && sp[i].len == 0)
				continue;
			if (i > 0)
				tb_putc(&b, ' ');
			tb_field(&b, t->field[i], rd + sp[i].off, sp[i].len);
		}
	}
	if (b.err != 0)
		return b.err;
	buf[b.len] = '\0';
	return (int)b.len;
}

/*
 * Presentation form in.
 */
static int
parse_uint(const struct dns_tok *t, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (t->len == 0 || (t->flags & DNS_TOK_QUOTED) != 0)
		return MX_ESYNTAX;
	for (i = 0; i < t->len; i++) {
		if (t->p[i] < '0' || t->p[i] > '9')
			return MX_ESYNTAX;
		v = v * 10 + (uint64_t)(t->p[i] - '0');
		if (v > max)
			return MX_ERANGE;
	}
	*out = (uint32_t)v;
	return 0;
}

static int
parse_u32(const struct dns_tok *t, uint32_t *out)
{
	return parse_uint(t, UINT32_MAX, out);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Appends the octets of a character-string token (escapes \X and \DDD
 * resolved) to w; at most max octets. */
static int
put_string(struct wcur *w, const struct dns_tok *t, size_t max)
{
	size_t i = 0, n = 0;

	while (i < t->len) {
		uint8_t c;

		if (dns_text_char(t->p, t->len, &i, &c) != 0)
			return MX_ESYNTAX;
		if (n == max)
			return MX_ERANGE;
		wcur_u8(w, c);
		n++;
	}
	return w->err;
}

static int
put_charstr(struct wcur *w, const struct dns_tok *t)
{
	size_t at = w->off;
	int r;

	wcur_u8(w, 0);
	if (w->err != 0)
		return w->err;
	r = put_string(w, t, 255);
	if (r != 0)
		return r;
	w->p[at] = (uint8_t)(w->off - at - 1);
	return 0;
}

/* Hex digits of tokens tok[0..ntok) appended as octets; an odd count of
 * digits in all is an error. */
static int
put_hex(struct wcur *w, const struct dns_tok *tok, size_t ntok, size_t *bad)
{
	int hi = -1;
	size_t k, i;

	for (k = 0; k < ntok; k++) {
		for (i = 0; i < tok[k].len; i++) {
			int v = hexval(tok[k].p[i]);

			if (v < 0) {
				*bad = k;
				return MX_ESYNTAX;
			}
			if (hi < 0) {
				hi = v;
			} else {
				wcur_u8(w, (uint8_t)(hi << 4 | v));
				hi = -1;
			}
		}
	}
	if (hi >= 0) {
		*bad = ntok - 1;
		return MX_ESYNTAX;
	}
	return w->err;
}

static int
b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Base64 spread over tokens; padding only at the very end. */
static int
put_b64(struct wcur *w, const struct dns_tok *tok, size_t ntok, size_t *bad)
{
	uint32_t acc = 0;
	unsigned nq = 0, pad = 0;
	size_t k, i;

	for (k = 0; k < ntok; k++) {
		for (i = 0; i < tok[k].len; i++) {
			char c = tok[k].p[i];
			int v;

			*bad = k;
			if (c == '=') {
				if (nq < 2)
					return MX_ESYNTAX;
				pad++;
				acc <<= 6;
				if (++nq == 4)
					goto done;
				continue;
			}
			if (pad > 0 || (v = b64val(c)) < 0)
				return MX_ESYNTAX;
			acc = acc << 6 | (uint32_t)v;
			if (++nq == 4) {
				wcur_u8(w, (uint8_t)(acc >> 16));
				wcur_u8(w, (uint8_t)(acc >> 8));
				wcur_u8(w, (uint8_t)acc);
				acc = 0;
				nq = 0;
			}
		}
	}
	if (nq != 0) {
		*bad = ntok - 1;
		return MX_ESYNTAX;
	}
	return w->err;
done:
	/* "xx==" gives one octet, "xxx=" two; nothing may follow. */
	if (i + 1 != tok[k].len || k + 1 != ntok)
		return MX_ESYNTAX;
	wcur_u8(w, (uint8_t)(acc >> 16));
	if (pad == 1)
		wcur_u8(w, (uint8_t)(acc >> 8));
	return w->err;
}

static int
b32val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'v')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'V')
		return c - 'A' + 10;
	return -1;
}

static int
put_b32(struct wcur *w, const struct dns_tok *t)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t i, at = w->off;

	wcur_u8(w, 0);
	for (i = 0; i < t->len; i++) {
		int v = b32val(t->p[i]);

		if (v < 0)
			return MX_ESYNTAX;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			wcur_u8(w, (uint8_t)(acc >> (bits - 8)));
			bits -= 8;
		}
	}
	/* Leftover bits must be zero padding of the last character. */
	if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0)
		return MX_ESYNTAX;
	if (w->err != 0)
		return w->err;
	if (w->off - at - 1 > 255)
		return MX_ERANGE;
	if (w->off - at - 1 == 0)
		return MX_ESYNTAX;
	w->p[at] = (uint8_t)(w->off - at - 1);
	return 0;
}

/* Strict dotted quad: four decimal parts 0..255, no leading zeros. */
static int
put_a(struct wcur *w, const struct dns_tok *t)
{
	uint8_t a[4];
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0, nd = 0;

		while (i < t->len && t->p[i] >= '0' && t->p[i] <= '9') {
			if (nd > 0 && v == 0)
				return MX_ESYNTAX;
			v = v * 10 + (unsigned)(t->p[i++] - '0');
			if (++nd > 3 || v > 255)
				return MX_ESYNTAX;
		}
		if (nd == 0)
			return MX_ESYNTAX;
		a[part] = (uint8_t)v;
		if (part < 3) {
			if (i >= t->len || t->p[i] != '.')
				return MX_ESYNTAX;
			i++;
		}
	}
	if (i != t->len)
		return MX_ESYNTAX;
	wcur_bytes(w, a, 4);
	return w->err;
}

static int
put_aaaa(struct wcur *w, const struct dns_tok *t)
{
	char tmp[INET6_ADDRSTRLEN + 1];
	uint8_t a[16];

	if (t->len >= sizeof(tmp) || (t->flags & DNS_TOK_QUOTED) != 0)
		return MX_ESYNTAX;
	memcpy(tmp, t->p, t->len);
	tmp[t->len] = '\0';
	if (inet_pton(AF_INET6, tmp, a) != 1)
		return MX_ESYNTAX;
	wcur_bytes(w, a, 16);
	return w->err;
}

static int
put_time(struct wcur *w, const struct dns_tok *t)
{
	uint32_t v;
	size_t i;

	if (t->len == 14) {
		unsigned f[6], widths[6] = { 4, 2, 2, 2, 2, 2 }, k, j;
		int64_t secs;

		for (i = 0, k = 0; k < 6; k++) {
			f[k] = 0;
			for (j = 0; j < widths[k]; j++, i++) {
				if (t->p[i] < '0' || t->p[i] > '9')
					return MX_ESYNTAX;
				f[k] = f[k] * 10 + (unsigned)(t->p[i] - '0');
			}
		}
		if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 ||
		    f[3] > 23 || f[4] > 59 || f[5] > 60)
			return MX_ERANGE;
		secs = days_from_civil(f[0], f[1], f[2]) * 86400 +
		    f[3] * 3600 + f[4] * 60 + f[5];
		/* RFC 4034 3.2: the field is that number modulo 2^32. */
		wcur_u32(w, (uint32_t)((uint64_t)secs & 0xffffffffu));
		return w->err;
	}
	if (parse_u32(t, &v) != 0)
		return MX_ESYNTAX;
	wcur_u32(w, v);
	return w->err;
}

/* Type mnemonics of tokens tok[0..ntok) as an RFC 4034 4.1.2 bitmap. */
static int
put_bitmap(struct wcur *w, const struct dns_tok *tok, size_t ntok,
    size_t *bad)
{
	uint8_t bits[8192];	/* one bit for each of the 65536 types */
	unsigned win, j, maxb;
	size_t k;

	memset(bits, 0, sizeof(bits));
	for (k = 0; k < ntok; k++) {
		uint16_t ty;

		if ((tok[k].flags & DNS_TOK_QUOTED) != 0 ||
		    dns_type_from_text(tok[k].p, tok[k].len, &ty) != 0) {
			*bad = k;
			return MX_ETYPE;
		}
		bits[ty >> 3] |= (uint8_t)(0x80 >> (ty & 7));
	}
	for (win = 0; win < 256; win++) {
		const uint8_t *b = bits + win * 32;

		for (maxb = 0, j = 0; j < 32; j++)
			if (b[j] != 0)
				maxb = j + 1;
		if (maxb == 0)
			continue;
		wcur_u8(w, (uint8_t)win);
		wcur_u8(w, (uint8_t)maxb);
		wcur_bytes(w, b, maxb);
	}
	return w->err;
}

/* "\#" as the first rdata token starts the generic form (RFC 3597 5). */
static int
is_generic(const struct dns_tok *tok, size_t ntok)
{
	return ntok > 0 && (tok[0].flags & DNS_TOK_QUOTED) == 0 &&
	    tok[0].len == 2 && tok[0].p[0] == '\\' && tok[0].p[1] == '#';
}

static int
from_generic(uint16_t type, const struct dns_tok *tok, size_t ntok,
    struct wcur *w, size_t *bad)
{
	uint32_t n;
	int r;

	if (ntok < 2) {
		*bad = ntok;
		return MX_EMALF;
	}
	if ((r = parse_uint(&tok[1], 65535, &n)) != 0) {
		*bad = 1;
		return r;
	}
	if (n == 0 && ntok > 2) {
		*bad = 2;
		return MX_EMALF;
	}
	if (n > 0 && ntok < 3) {
		*bad = ntok;
		return MX_EMALF;
	}
	if (ntok > 2 && (r = put_hex(w, tok + 2, ntok - 2, bad)) != 0) {
		*bad += 2;
		return r;
	}
	if (w->off != n) {
		*bad = 1;
		return MX_EMALF;
	}
	/* A known type in generic form must still be valid rdata. */
	if (dns_rdata_check(type, w->p, w->off) != 0) {
		*bad = 2;
		return MX_EMALF;
	}
	return 0;
}

int
dns_rdata_from_text(uint16_t type, const struct dns_tok *tok, size_t ntok,
    const uint8_t *origin, size_t originlen, uint8_t *out, size_t cap,
    size_t *outlen, size_t *badtok)
{
	const struct dns_rrtype *t;
	struct wcur w;
	size_t k = 0, bad = 0;
	uint32_t v;
	int i, r = 0;

	wcur_init(&w, out, cap);
	if (is_generic(tok, ntok)) {
		r = from_generic(type, tok, ntok, &w, &bad);
		goto out;
	}
	t = structured(type);
	if (t == NULL) {
		/* Unknown types have no presentation form but \# (RFC 3597). */
		r = MX_ESYNTAX;
		goto out;
	}
	for (i = 0; i < DNS_FIELDS_MAX && t->field[i] != DNS_F_END; i++) {
		uint8_t kind = t->field[i];
		const struct dns_tok *tk;

		bad = k;
		/* Fields that take the rest of the tokens. */
		switch (kind) {
		case DNS_F_STRS:
			if (k == ntok) {
				r = MX_EMALF;
				goto out;
			}
			for (; k < ntok; k++) {
				bad = k;
				if ((r = put_charstr(&w, &tok[k])) != 0)
					goto out;
			}
			continue;
		case DNS_F_HEX:
		case DNS_F_B64:
			if (k == ntok) {
				r = MX_EMALF;
				goto out;
			}
			{
				size_t before = w.off;

				r = kind == DNS_F_HEX ?
				    put_hex(&w, tok + k, ntok - k, &bad) :
				    put_b64(&w, tok + k, ntok - k, &bad);
				bad += k;
				/* At least one octet: the wire form has no
				 * empty digest, key or signature either. */
				if (r == 0 && w.off == before)
					r = MX_ESYNTAX;
			}
			if (r != 0)
				goto out;
			k = ntok;
			continue;
		case DNS_F_BITMAP:
			r = put_bitmap(&w, tok + k, ntok - k, &bad);
			bad += k;
			if (r != 0)
				goto out;
			k = ntok;
			continue;
		}
		if (k == ntok) {
			r = MX_EMALF;
			goto out;
		}
		tk = &tok[k++];
		switch (kind) {
		case DNS_F_NAME_C:
		case DNS_F_NAME_D:
		case DNS_F_NAME: {
			uint8_t name[DNS_NAME_MAX];
			size_t nlen;

			r = dns_name_from_text(tk->p, tk->len, origin,
			    originlen, name, &nlen, NULL);
			if (r == 0)
				wcur_bytes(&w, name, nlen);
			break;
		}
		case DNS_F_U8:
			if ((r = parse_uint(tk, 255, &v)) == 0)
				wcur_u8(&w, (uint8_t)v);
			break;
		case DNS_F_U16:
			if ((r = parse_uint(tk, 65535, &v)) == 0)
				wcur_u16(&w, (uint16_t)v);
			break;
		case DNS_F_U32:
			if ((r = parse_u32(tk, &v)) == 0)
				wcur_u32(&w, v);
			break;
		case DNS_F_PERIOD:
			if ((tk->flags & DNS_TOK_QUOTED) != 0)
				r = MX_ESYNTAX;
			else if ((r = dns_period_from_text(tk->p, tk->len,
			    &v)) == 0)
				wcur_u32(&w, v);
			break;
		case DNS_F_TYPE: {
			uint16_t ty;

			if ((r = dns_type_from_text(tk->p, tk->len, &ty)) == 0)
				wcur_u16(&w, ty);
			break;
		}
		case DNS_F_TIME:
			r = put_time(&w, tk);
			break;
		case DNS_F_A:
			r = put_a(&w, tk);
			break;
		case DNS_F_AAAA:
			r = put_aaaa(&w, tk);
			break;
		case DNS_F_STR:
			r = put_charstr(&w, tk);
			break;
		case DNS_F_SALT:
			if (tk->len == 1 && tk->p[0] == '-') {
				wcur_u8(&w, 0);
			} else {
				size_t at = w.off, b2;

				wcur_u8(&w, 0);
				if ((r = put_hex(&w, tk, 1, &b2)) == 0) {
					if (w.off - at - 1 > 255)
						r = MX_ERANGE;
					else
						w.p[at] = (uint8_t)(w.off - at - 1);
				}
			}
			break;
		case DNS_F_B32:
			r = put_b32(&w, tk);
			break;
		case DNS_F_TAG: {
			size_t at = w.off;

			wcur_u8(&w, 0);
			if (tk->len == 0 || tk->len > 255 ||
			    !tag_ok((const uint8_t *)tk->p, tk->len)) {
				r = MX_ESYNTAX;
				break;
			}
			wcur_bytes(&w, tk->p, tk->len);
			if (w.err == 0)
				w.p[at] = (uint8_t)tk->len;
			break;
		}
		case DNS_F_VALUE:
			r = put_string(&w, tk, 65535);
			break;
		}
		if (r == 0)
			r = w.err;
		if (r != 0)
			goto out;
	}
	if (k != ntok) {
		bad = k;
		r = MX_EMALF;
	}
out:
	if (r == 0 && w.err != 0)
		r = w.err;
	if (r != 0) {
		*badtok = bad;
		return r;
	}
	*outlen = w.off;
	return 0;
}
