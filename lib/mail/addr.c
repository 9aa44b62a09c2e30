/* addr.c -- address classes (IANA special-purpose registries, RFC 6890) and reverse names (RFC 1035 3.5, RFC 3596 2.5) */
#include <netinet/in.h>
#include <string.h>

#include "mxkit/err.h"
#include "mxkit/policy.h"
#include "util/cur.h"

static const struct {
	const char *name, *text;
} classes[] = {
#define MAIL_AC_ROW(sym, name, text) { name, text },
	MAIL_ADDR_CLASSES(MAIL_AC_ROW)
#undef MAIL_AC_ROW
};

#define NCLASSES	(sizeof(classes) / sizeof(classes[0]))

const char *
mail_addr_class_name(int c)
{
	return c >= 0 && (size_t)c < NCLASSES ? classes[c].name : "?";
}

const char *
mail_addr_class_text(int c)
{
	return c >= 0 && (size_t)c < NCLASSES ? classes[c].text : "?";
}

/*
 * The registries as prefix tables, searched in order: the first prefix
 * that holds the address gives its class, so a block carved out of a
 * larger one comes before it. An address no row holds is GLOBAL in IPv4;
 * IPv6 ends with ::/0, RESERVED, after 2000::/3.
 */
struct prefix {
	uint8_t p[16];
	unsigned len;
	enum mail_addr_class cls;
};

static const struct prefix v4[] = {
	{ { 255, 255, 255, 255 }, 32, MAIL_ADDR_BROADCAST },	/* RFC 919 */
	{ { 0, 0, 0, 0 }, 32, MAIL_ADDR_UNSPECIFIED },
	{ { 0 }, 8, MAIL_ADDR_THIS_NET },			/* RFC 791 */
	{ { 10 }, 8, MAIL_ADDR_PRIVATE },			/* RFC 1918 */
	{ { 100, 64 }, 10, MAIL_ADDR_SHARED },			/* RFC 6598 */
	{ { 127 }, 8, MAIL_ADDR_LOOPBACK },			/* RFC 1122 */
	{ { 169, 254 }, 16, MAIL_ADDR_LINK_LOCAL },		/* RFC 3927 */
	{ { 172, 16 }, 12, MAIL_ADDR_PRIVATE },
	/* 192.0.0.0/24, IETF protocol assignments (RFC 6890), is not
	 * reachable but for two anycast services. */
	{ { 192, 0, 0, 9 }, 32, MAIL_ADDR_GLOBAL },		/* PCP, RFC 7723 */
	{ { 192, 0, 0, 10 }, 32, MAIL_ADDR_GLOBAL },		/* TURN, RFC 8155 */
	{ { 192, 0, 0 }, 24, MAIL_ADDR_RESERVED },
	{ { 192, 0, 2 }, 24, MAIL_ADDR_DOC },			/* RFC 5737 */
	{ { 192, 168 }, 16, MAIL_ADDR_PRIVATE },
	{ { 198, 18 }, 15, MAIL_ADDR_BENCHMARK },		/* RFC 2544 */
	{ { 198, 51, 100 }, 24, MAIL_ADDR_DOC },
	{ { 203, 0, 113 }, 24, MAIL_ADDR_DOC },
	{ { 224 }, 4, MAIL_ADDR_MULTICAST },			/* RFC 5771 */
	{ { 240 }, 4, MAIL_ADDR_RESERVED },			/* RFC 1112 */
};

static const struct prefix v6[] = {
	{ { 0 }, 128, MAIL_ADDR_UNSPECIFIED },			/* RFC 4291 */
	{ { [15] = 1 }, 128, MAIL_ADDR_LOOPBACK },
	{ { [10] = 0xff, [11] = 0xff }, 96, MAIL_ADDR_MAPPED },
	/* NAT64: the well-known prefix reaches IPv4 hosts (RFC 6052), the
	 * local-use one does not (RFC 8215). */
	{ { 0, 0x64, 0xff, 0x9b, 0, 1 }, 48, MAIL_ADDR_RESERVED },
	{ { 0, 0x64, 0xff, 0x9b }, 96, MAIL_ADDR_GLOBAL },
	{ { 0x01 }, 64, MAIL_ADDR_DISCARD },			/* RFC 6666 */
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32, MAIL_ADDR_DOC },	/* RFC 3849 */
	{ { 0x3f, 0xff }, 20, MAIL_ADDR_DOC },			/* RFC 9637 */
	/* 2001::/23, IETF protocol assignments (RFC 2928): the blocks the
	 * registry marks globally reachable, then the rest. */
	{ { 0x20, 0x01, 0, 2 }, 48, MAIL_ADDR_BENCHMARK },	/* RFC 5180 */
	{ { 0x20, 0x01, 0, 0 }, 32, MAIL_ADDR_GLOBAL },		/* Teredo */
	{ { 0x20, 0x01, 0, 1, [15] = 1 }, 128, MAIL_ADDR_GLOBAL },
	{ { 0x20, 0x01, 0, 1, [15] = 2 }, 128, MAIL_ADDR_GLOBAL },
	{ { 0x20, 0x01, 0, 1, [15] = 3 }, 128, MAIL_ADDR_GLOBAL },
	{ { 0x20, 0x01, 0, 3 }, 32, MAIL_ADDR_GLOBAL },		/* AMT */
	{ { 0x20, 0x01, 0, 4, 0x01, 0x12 }, 48, MAIL_ADDR_GLOBAL }, /* AS112 */
	{ { 0x20, 0x01, 0, 0x20 }, 28, MAIL_ADDR_GLOBAL },	/* ORCHIDv2 */
	{ { 0x20, 0x01, 0, 0x30 }, 28, MAIL_ADDR_GLOBAL },	/* DRIP */
	{ { 0x20, 0x01 }, 23, MAIL_ADDR_RESERVED },
	{ { 0x20, 0x02 }, 16, MAIL_ADDR_GLOBAL },		/* 6to4 */
	{ { 0x20 }, 3, MAIL_ADDR_GLOBAL },			/* RFC 4291 2.4 */
	{ { 0xfc }, 7, MAIL_ADDR_ULA },				/* RFC 4193 */
	{ { 0xfe, 0x80 }, 10, MAIL_ADDR_LINK_LOCAL },
	{ { 0xfe, 0xc0 }, 10, MAIL_ADDR_SITE_LOCAL },		/* RFC 3879 */
	{ { 0xff }, 8, MAIL_ADDR_MULTICAST },
	{ { 0 }, 0, MAIL_ADDR_RESERVED },	/* not allocated for unicast */
};

/* The first len bits of a and p agree. */
static int
in_prefix(const uint8_t *a, const struct prefix *p)
{
	unsigned full = p->len / 8, rest = p->len % 8;
	uint8_t mask;

	if (memcmp(a, p->p, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (p->p[full] & mask);
}

int
mail_addr_classify(const struct mail_addr *a)
{
	size_t i;

	if (a->family == AF_INET) {
		for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++)
			if (in_prefix(a->a, &v4[i]))
				return v4[i].cls;
		return MAIL_ADDR_GLOBAL;
	}
	if (a->family == AF_INET6) {
		for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++)
			if (in_prefix(a->a, &v6[i]))
				return v6[i].cls;
	}
	return MX_EINVAL;
}

int
mail_addr_public(const struct mail_addr *a, unsigned flags)
{
	int c = mail_addr_classify(a);

	return c == MAIL_ADDR_GLOBAL ||
	    (c == MAIL_ADDR_DOC && (flags & MAIL_ADDR_LAB) != 0);
}

/* One label holding the decimal number v (0-255). */
static void
label_dec(struct wcur *w, unsigned v)
{
	uint8_t d[3];
	unsigned n = 0;

	do {
		d[2 - n++] = (uint8_t)('0' + v % 10);
		v /= 10;
	} while (v > 0 && n < 3);
	wcur_u8(w, (uint8_t)n);
	wcur_bytes(w, d + 3 - n, n);
}

int
mail_addr_reverse(const struct mail_addr *a, uint8_t out[DNS_NAME_MAX],
    size_t *len)
{
	static const char hex[] = "0123456789abcdef";
	struct wcur w;
	int i;

	wcur_init(&w, out, DNS_NAME_MAX);
	if (a->family == AF_INET) {
		for (i = 3; i >= 0; i--)
			label_dec(&w, a->a[i]);
		wcur_bytes(&w, "\007in-addr\004arpa", 13);
	} else if (a->family == AF_INET6) {
		/* RFC 3596 2.5: the low nibble of the last octet first. */
		for (i = 15; i >= 0; i--) {
			wcur_u8(&w, 1);
			wcur_u8(&w, (uint8_t)hex[a->a[i] & 0xf]);
			wcur_u8(&w, 1);
			wcur_u8(&w, (uint8_t)hex[a->a[i] >> 4]);
		}
		wcur_bytes(&w, "\003ip6\004arpa", 9);
	} else {
		return MX_EINVAL;
	}
	wcur_u8(&w, 0);
	/* 30 octets for IPv4 at most, 74 for IPv6: always fits. */
	if (w.err != 0)
		return w.err;
	*len = w.off;
	return 0;
}
