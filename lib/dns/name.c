/* name.c -- domain names: text, wire, compare, compress (RFC 1035 3.1, 4.1.4) */
#include <stdint.h>
#include <string.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "dns/text.h"
#include "util/cur.h"

/* ASCII-only case folding (RFC 4343): names are octets, not characters. */
static inline uint8_t
lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

int
dns_text_char(const char *s, size_t n, size_t *i, uint8_t *c)
{
	size_t k = *i;
	unsigned v;

	*c = (uint8_t)s[k++];
	if (*c != '\\') {
		*i = k;
		return 0;
	}
	if (k == n)
		return MX_ESYNTAX;
	*c = (uint8_t)s[k++];
	if (*c >= '0' && *c <= '9') {
		if (n - k < 2 || s[k] < '0' || s[k] > '9' ||
		    s[k + 1] < '0' || s[k + 1] > '9')
			return MX_ESYNTAX;
		v = (unsigned)(*c - '0') * 100 + (unsigned)(s[k] - '0') * 10 +
		    (unsigned)(s[k + 1] - '0');
		if (v > 255)
			return MX_ESYNTAX;
		*c = (uint8_t)v;
		k += 2;
	}
	*i = k;
	return 0;
}

int
dns_name_from_text(const char *s, size_t n, const uint8_t *origin,
    size_t originlen, uint8_t out[DNS_NAME_MAX], size_t *outlen,
    int *relative)
{
	static const uint8_t root[1] = { 0 };
	size_t i = 0, pos = 0, lab = 0;	/* lab: where the length byte goes */
	size_t llen = 0;
	int rel = 1;

	if (n == 0)
		return MX_EEMPTY;
	if (origin == NULL) {
		origin = root;
		originlen = 1;
	}
	if (n == 1 && s[0] == '@') {
		memcpy(out, origin, originlen);
		*outlen = originlen;
		if (relative != NULL)
			*relative = 1;
		return 0;
	}
	if (n == 1 && s[0] == '.') {
		out[0] = 0;
		*outlen = 1;
		if (relative != NULL)
			*relative = 0;
		return 0;
	}
	/* out[lab] is the length byte of the label being built; its octets go
	 * to out[lab + 1 ...]. Keep one byte for the root label: pos < 254. */
	pos = 1;
	while (i < n) {
		uint8_t c;

		if (s[i] == '.') {
			i++;
			if (llen == 0)
				return MX_EEMPTY;
			out[lab] = (uint8_t)llen;
			lab = pos++;
			llen = 0;
			if (i == n) {
				rel = 0;
				pos--;		/* the root byte goes at lab */
				break;
			}
			if (pos > DNS_NAME_MAX - 1)
				return MX_ENAMELEN;
			continue;
		}
		if (dns_text_char(s, n, &i, &c) != 0)
			return MX_ESYNTAX;
		if (llen == DNS_LABEL_MAX)
			return MX_ELABEL;
		if (pos >= DNS_NAME_MAX - 1)
			return MX_ENAMELEN;
		out[pos++] = c;
		llen++;
	}
	if (rel) {
		/* Close the last label, then append the origin. */
		out[lab] = (uint8_t)llen;
		if (originlen > DNS_NAME_MAX - pos)
			return MX_ENAMELEN;
		memcpy(out + pos, origin, originlen);
		*outlen = pos + originlen;
	} else {
		out[lab] = 0;
		*outlen = lab + 1;
	}
	if (relative != NULL)
		*relative = rel;
	return 0;
}

/* Characters escaped in presentation form so that any master-file reader
 * takes the label back unchanged. */
static int
special(uint8_t c)
{
	switch (c) {
	case '.': case '\\': case '"': case '(': case ')': case ';':
	case '@': case '$':
		return 1;
	}
	return 0;
}

int
dns_name_to_text(const uint8_t *name, size_t len, char *buf, size_t cap)
{
	size_t i = 0, o = 0;

	if (dns_name_wire_len(name, len) != (int)len)
		return MX_EMALF;
	if (cap == 0)
		return MX_ESPACE;
	if (name[0] == 0) {
		if (cap < 2)
			return MX_ESPACE;
		buf[0] = '.';
		buf[1] = '\0';
		return 1;
	}
	while (name[i] != 0) {
		size_t l = name[i++], end = i + l;

		for (; i < end; i++) {
			uint8_t c = name[i];

			if (c > 0x20 && c < 0x7f && !special(c)) {
				if (cap - o < 2)
					return MX_ESPACE;
				buf[o++] = (char)c;
			} else if (c > 0x20 && c < 0x7f) {
				if (cap - o < 3)
					return MX_ESPACE;
				buf[o++] = '\\';
				buf[o++] = (char)c;
			} else {
				if (cap - o < 5)
					return MX_ESPACE;
				buf[o++] = '\\';
				buf[o++] = (char)('0' + c / 100);
				buf[o++] = (char)('0' + c / 10 % 10);
				buf[o++] = (char)('0' + c % 10);
			}
		}
		if (cap - o < 2)
			return MX_ESPACE;
		buf[o++] = '.';
	}
	buf[o] = '\0';
	return (int)o;
}

int
dns_name_wire_len(const uint8_t *name, size_t maxlen)
{
	size_t i = 0;

	for (;;) {
		uint8_t l;

		if (i >= maxlen)
			return MX_ESHORT;
		l = name[i];
		if (l == 0)
			break;
		if (l > DNS_LABEL_MAX)
			return (l & 0xc0) != 0 ? MX_ELABELTYPE : MX_ELABEL;
		i += 1 + (size_t)l;
		if (i >= DNS_NAME_MAX)
			return MX_ENAMELEN;
	}
	return (int)(i + 1);
}

int
dns_name_from_wire(struct cur *c, uint8_t out[DNS_NAME_MAX], size_t *outlen)
{
	struct cur w = *c;		/* walks the message, may jump back */
	size_t o = 0, run = c->off, end = 0;
	unsigned hops = 0;
	int jumped = 0;

	if (c->err != 0)
		return c->err;
	for (;;) {
		uint8_t l = cur_u8(&w);

		if (w.err != 0)
			goto fail;
		if (l == 0)
			break;
		if ((l & 0xc0) == 0xc0) {
			size_t at = w.off - 1, to;

			to = (size_t)(l & 0x3f) << 8 | cur_u8(&w);
			if (w.err != 0)
				goto fail;
			/* Backward only: before the run of labels that led
			 * here, so every jump strictly shrinks the window and
			 * no loop is possible; the hop count bounds the work
			 * on top of that. */
			if (to >= run) {
				w.err = MX_EPTR;
				goto fail;
			}
			if (++hops > DNS_PTR_HOPS_MAX) {
				w.err = MX_EPTRLOOP;
				goto fail;
			}
			if (!jumped) {
				end = at + 2;
				jumped = 1;
			}
			run = to;
			w.off = to;
			continue;
		}
		if (l > DNS_LABEL_MAX) {
			w.err = MX_ELABELTYPE;
			goto fail;
		}
		/* Keep room for this label's length byte, its octets and the
		 * final root byte. */
		if ((size_t)l + 2 > DNS_NAME_MAX - o) {
			w.err = MX_ENAMELEN;
			goto fail;
		}
		out[o++] = l;
		cur_copy(&w, out + o, l);
		if (w.err != 0)
			goto fail;
		o += l;
	}
	out[o++] = 0;
	*outlen = o;
	c->off = jumped ? end : w.off;
	return 0;
fail:
	c->err = w.err;
	return w.err;
}

int
dns_name_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t i;

	if (alen != blen)
		return 0;
	/* Names are mostly spelled alike: try the exact match first. */
	if (memcmp(a, b, alen) == 0)
		return 1;
	/* Length bytes are at most 63, below 'A', so folding them is safe. */
	for (i = 0; i < alen; i++)
		if (lower(a[i]) != lower(b[i]))
			return 0;
	return 1;
}

/* Fills off[] with the offsets of the labels of name (root excluded) and
 * returns how many there are. A valid name has at most 127 labels. */
static unsigned
label_offsets(const uint8_t *name, size_t len, uint8_t off[128])
{
	unsigned n = 0;
	size_t i = 0;

	while (i < len && name[i] != 0 && n < 128) {
		off[n++] = (uint8_t)i;
		i += 1 + (size_t)name[i];
	}
	return n;
}

int
dns_name_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	uint8_t ao[128], bo[128];
	unsigned an = label_offsets(a, alen, ao);
	unsigned bn = label_offsets(b, blen, bo);

	/* RFC 4034 6.1: compare the rightmost labels first, each as a
	 * left-justified octet string with letters folded to lowercase. */
	while (an > 0 && bn > 0) {
		const uint8_t *la = a + ao[--an], *lb = b + bo[--bn];
		unsigned i, m = la[0] < lb[0] ? la[0] : lb[0];

		for (i = 1; i <= m; i++) {
			uint8_t x = lower(la[i]), y = lower(lb[i]);

			if (x != y)
				return x < y ? -1 : 1;
		}
		if (la[0] != lb[0])
			return la[0] < lb[0] ? -1 : 1;
	}
	if (an == bn)
		return 0;
	return an < bn ? -1 : 1;
}

int
dns_name_is_sub(const uint8_t *name, size_t len, const uint8_t *parent,
    size_t plen)
{
	size_t i = 0;

	if (plen > len)
		return 0;
	/* Walk label boundaries until the rest is as long as parent. */
	while (len - i > plen) {
		if (name[i] == 0)
			return 0;
		i += 1 + (size_t)name[i];
	}
	return len - i == plen && dns_name_equal(name + i, plen, parent, plen);
}

unsigned
dns_name_labels(const uint8_t *name, size_t len)
{
	unsigned n = 0;
	size_t i = 0;

	while (i < len && name[i] != 0) {
		n++;
		i += 1 + (size_t)name[i];
	}
	return n;
}

void
dns_name_lower(uint8_t *name, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		name[i] = lower(name[i]);
}

/*
 * Lowercases the ASCII letters among 8 octets at once. For each octet with
 * the top bit clear, adding 0x80 - 'A' sets the top bit when it is >= 'A',
 * adding 0x80 - 'Z' - 1 sets it when it is > 'Z'; an octet in 'A'..'Z' has
 * only the first, and gets 0x20 added (the top bit shifted down twice).
 */
static inline uint64_t
lower8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull;
	uint64_t low7 = w & (0x7f * ones);
	uint64_t ge_a = low7 + (0x80 - 'A') * ones;
	uint64_t gt_z = low7 + (0x80 - 'Z' - 1) * ones;
	uint64_t up = ge_a & ~gt_z & ~w & (0x80 * ones);

	return w | (up >> 2);
}

uint32_t
dns_name_hash(const uint8_t *name, size_t len)
{
	/* Eight folded octets a step, each mixed in by a multiply and a
	 * shift: a name of 20 octets costs three steps, not twenty. */
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;
	size_t i = 0;

	while (len - i >= 8) {
		memcpy(&w, name + i, 8);
		h = (h ^ lower8(w)) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		i += 8;
	}
	if (i < len) {
		w = 0;
		memcpy(&w, name + i, len - i);
		h = (h ^ lower8(w)) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	h *= 0xc4ceb9fe1a85ec53ull;
	return (uint32_t)(h >> 32);
}

size_t
dns_name_parent(const uint8_t *name, size_t len)
{
	if (len == 0 || name[0] == 0)
		return len;
	return 1 + (size_t)name[0];
}

void
dns_compress_init(struct dns_compress *ct)
{
	ct->n = 0;
}

/*
 * True when the name written at offset at of our own message equals
 * suffix. The message was written by us, yet every step is still bounded:
 * pointers must go backward and labels must stay inside the message.
 */
static int
suffix_at(const uint8_t *msg, size_t msglen, size_t at, const uint8_t *suffix,
    size_t slen)
{
	size_t s = 0;
	unsigned hops = 0;

	for (;;) {
		uint8_t l;

		if (at >= msglen || s >= slen)
			return 0;
		l = msg[at];
		if ((l & 0xc0) == 0xc0) {
			size_t to;

			if (at + 1 >= msglen || ++hops > DNS_PTR_HOPS_MAX)
				return 0;
			to = (size_t)(l & 0x3f) << 8 | msg[at + 1];
			if (to >= at)
				return 0;
			at = to;
			continue;
		}
		if (l != suffix[s])
			return 0;
		if (l == 0)
			return s + 1 == slen;
		if (l > DNS_LABEL_MAX || msglen - at - 1 < l || slen - s - 1 < l)
			return 0;
		for (size_t k = 1; k <= l; k++)
			if (lower(msg[at + k]) != lower(suffix[s + k]))
				return 0;
		at += 1 + (size_t)l;
		s += 1 + (size_t)l;
	}
}

void
dns_name_write(struct wcur *w, const uint8_t *name, size_t len,
    struct dns_compress *ct)
{
	size_t i = 0, start = w->off, match_at = len;
	unsigned match = 0, k;

	if (w->err != 0)
		return;
	if (ct != NULL) {
		/* Find the longest suffix (earliest label) already written. */
		for (i = 0; i < len && name[i] != 0; i += 1 + (size_t)name[i]) {
			for (k = 0; k < ct->n; k++) {
				if (suffix_at(w->p, w->off, ct->off[k],
				    name + i, len - i)) {
					match_at = i;
					match = ct->off[k];
					break;
				}
			}
			if (match_at != len)
				break;
		}
	}
	if (match_at == len) {
		wcur_bytes(w, name, len);
	} else {
		wcur_bytes(w, name, match_at);
		wcur_u16(w, (uint16_t)(0xc000u | match));
	}
	if (w->err != 0 || ct == NULL)
		return;
	/* Remember the labels written in full, while they can be pointed to
	 * (offsets fit in 14 bits) and the table has room. */
	for (i = 0; i < match_at && name[i] != 0; i += 1 + (size_t)name[i]) {
		if (start + i >= 0x4000 || ct->n >= DNS_COMPRESS_MAX)
			break;
		ct->off[ct->n++] = (uint16_t)(start + i);
	}
}
