/* rrtype.c -- THE descriptor table of RR types, type/class/rcode names */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"

#define NC DNS_F_NAME_C
#define ND DNS_F_NAME_D
#define NN DNS_F_NAME
#define LOW DNS_RT_CANON_LOWER

/*
 * THE table: one row per type. X(mnemonic, code, flags, fields...). A new
 * type is a new row: text <-> wire, compression and canonical order all
 * follow from its fields. Name fields: NAME_C for the RFC 1035 types whose
 * names may be compressed, NAME_D for those RFC 3597 4 lets a receiver
 * decompress, NAME otherwise. LOW marks the types whose names RFC 4034 6.2
 * (as amended by RFC 6840 5.1) lowercases in canonical form. Codes stay
 * below 258 (CAA): by_code below is indexed by code.
 */
#define RRTYPES(X) \
	X(A, 1, 0, DNS_F_A) \
	X(NS, 2, LOW, NC) \
	X(MD, 3, LOW, NC) \
	X(MF, 4, LOW, NC) \
	X(CNAME, 5, LOW | DNS_RT_SINGLE, NC) \
	X(SOA, 6, LOW | DNS_RT_SINGLE, NC, NC, DNS_F_U32, DNS_F_PERIOD, DNS_F_PERIOD, DNS_F_PERIOD, DNS_F_PERIOD) \
	X(MB, 7, LOW, NC) \
	X(MG, 8, LOW, NC) \
	X(MR, 9, LOW, NC) \
	X(PTR, 12, LOW, NC) \
	X(HINFO, 13, 0, DNS_F_STR, DNS_F_STR) \
	X(MINFO, 14, LOW, NC, NC) \
	X(MX, 15, LOW, DNS_F_U16, NC) \
	X(TXT, 16, 0, DNS_F_STRS) \
	X(RP, 17, LOW, ND, ND) \
	X(AFSDB, 18, LOW, DNS_F_U16, ND) \
	X(RT, 21, LOW, DNS_F_U16, ND) \
	X(AAAA, 28, 0, DNS_F_AAAA) \
	X(LOC, 29, DNS_RT_OPAQUE, 0) \
	X(SRV, 33, LOW, DNS_F_U16, DNS_F_U16, DNS_F_U16, ND) \
	X(NAPTR, 35, LOW, DNS_F_U16, DNS_F_U16, DNS_F_STR, DNS_F_STR, DNS_F_STR, ND) \
	X(KX, 36, LOW, DNS_F_U16, NN) \
	X(CERT, 37, 0, DNS_F_U16, DNS_F_U16, DNS_F_U8, DNS_F_B64) \
	X(DNAME, 39, LOW | DNS_RT_SINGLE, NN) \
	X(OPT, 41, DNS_RT_META | DNS_RT_OPAQUE, 0) \
	X(DS, 43, 0, DNS_F_U16, DNS_F_U8, DNS_F_U8, DNS_F_HEX) \
	X(SSHFP, 44, 0, DNS_F_U8, DNS_F_U8, DNS_F_HEX) \
	X(RRSIG, 46, LOW, DNS_F_TYPE, DNS_F_U8, DNS_F_U8, DNS_F_U32, DNS_F_TIME, DNS_F_TIME, DNS_F_U16, NN, DNS_F_B64) \
	X(NSEC, 47, 0, NN, DNS_F_BITMAP) \
	X(DNSKEY, 48, 0, DNS_F_U16, DNS_F_U8, DNS_F_U8, DNS_F_B64) \
	X(DHCID, 49, 0, DNS_F_B64) \
	X(NSEC3, 50, 0, DNS_F_U8, DNS_F_U8, DNS_F_U16, DNS_F_SALT, DNS_F_B32, DNS_F_BITMAP) \
	X(NSEC3PARAM, 51, 0, DNS_F_U8, DNS_F_U8, DNS_F_U16, DNS_F_SALT) \
	X(TLSA, 52, 0, DNS_F_U8, DNS_F_U8, DNS_F_U8, DNS_F_HEX) \
	X(SMIMEA, 53, 0, DNS_F_U8, DNS_F_U8, DNS_F_U8, DNS_F_HEX) \
	X(CDS, 59, 0, DNS_F_U16, DNS_F_U8, DNS_F_U8, DNS_F_HEX) \
	X(CDNSKEY, 60, 0, DNS_F_U16, DNS_F_U8, DNS_F_U8, DNS_F_B64) \
	X(OPENPGPKEY, 61, 0, DNS_F_B64) \
	X(CSYNC, 62, 0, DNS_F_U32, DNS_F_U16, DNS_F_BITMAP) \
	X(ZONEMD, 63, 0, DNS_F_U32, DNS_F_U8, DNS_F_U8, DNS_F_HEX) \
	X(SVCB, 64, DNS_RT_OPAQUE, 0) \
	X(HTTPS, 65, DNS_RT_OPAQUE, 0) \
	X(SPF, 99, 0, DNS_F_STRS) \
	X(IXFR, 251, DNS_RT_META | DNS_RT_OPAQUE, 0) \
	X(AXFR, 252, DNS_RT_META | DNS_RT_OPAQUE, 0) \
	X(ANY, 255, DNS_RT_META | DNS_RT_OPAQUE, 0) \
	X(URI, 256, 0, DNS_F_U16, DNS_F_U16, DNS_F_VALUE) \
	X(CAA, 257, 0, DNS_F_U8, DNS_F_TAG, DNS_F_VALUE)

enum {
#define ROW_ENUM(n, c, f, ...) ROW_##n,
	RRTYPES(ROW_ENUM)
#undef ROW_ENUM
	NTYPES
};

static const struct dns_rrtype types[] = {
#define ROW_DESC(n, c, f, ...) { c, f, #n, { __VA_ARGS__ } },
	RRTYPES(ROW_DESC)
#undef ROW_DESC
};

#define BY_CODE_MAX 258
/* Row number + 1 of each code (0: unknown), so that a lookup is one load:
 * it runs several times for every record of a zone and every RR of a
 * message. */
static const uint8_t by_code[BY_CODE_MAX] = {
#define ROW_INDEX(n, c, f, ...) [c] = ROW_##n + 1,
	RRTYPES(ROW_INDEX)
#undef ROW_INDEX
};

const struct dns_rrtype *
dns_rrtype_find(uint16_t code)
{
	if (code >= BY_CODE_MAX || by_code[code] == 0)
		return NULL;
	return &types[by_code[code] - 1];
}

/* Parses the decimal digits of s[0..n) as a number up to max. */
static int
parse_num(const char *s, size_t n, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return MX_ESYNTAX;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return MX_ESYNTAX;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > max)
			return MX_ERANGE;
	}
	*out = (uint32_t)v;
	return 0;
}

/* True when s[0..n) spells mnemonic name (upper case), in any case. */
static int
mnemonic_eq(const char *name, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (name[i] == '\0')
			return 0;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		if (name[i] != c)
			return 0;
	}
	return name[n] == '\0';
}

int
dns_type_from_text(const char *s, size_t n, uint16_t *code)
{
	size_t i;
	uint32_t v;

	/* Empty text names no type; the loop below reads s[0]. */
	if (n == 0)
		return MX_ETYPE;
	/* The common types first, in the order zone files use them most. */
	if (n == 1 && (s[0] == 'A' || s[0] == 'a')) {
		*code = DNS_TYPE_A;
		return 0;
	}
	if (n > 4 && strncasecmp(s, "TYPE", 4) == 0) {
		if (parse_num(s + 4, n - 4, 65535, &v) != 0)
			return MX_ETYPE;
		*code = (uint16_t)v;
		return 0;
	}
	/* Test the first letter before the whole name: this runs once for
	 * every record of a zone file. Mnemonics are upper-case letters and
	 * digits, so clearing bit 5 upper-cases a letter. */
	for (i = 0; i < NTYPES; i++) {
		if (types[i].name[0] == (s[0] & ~0x20) &&
		    mnemonic_eq(types[i].name, s, n)) {
			*code = types[i].code;
			return 0;
		}
	}
	return MX_ETYPE;
}

const char *
dns_type_to_text(uint16_t code, char buf[16])
{
	const struct dns_rrtype *t = dns_rrtype_find(code);

	if (t != NULL)
		snprintf(buf, 16, "%s", t->name);
	else
		snprintf(buf, 16, "TYPE%u", (unsigned)code);
	return buf;
}

static const struct {
	uint16_t code;
	const char *name;
} classes[] = {
	{ DNS_CLASS_IN, "IN" }, { DNS_CLASS_CH, "CH" }, { DNS_CLASS_HS, "HS" },
	{ DNS_CLASS_NONE, "NONE" }, { DNS_CLASS_ANY, "ANY" },
};

int
dns_class_from_text(const char *s, size_t n, uint16_t *code)
{
	size_t i;
	uint32_t v;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		if (mnemonic_eq(classes[i].name, s, n)) {
			*code = classes[i].code;
			return 0;
		}
	}
	if (n > 5 && strncasecmp(s, "CLASS", 5) == 0 &&
	    parse_num(s + 5, n - 5, 65535, &v) == 0) {
		*code = (uint16_t)v;
		return 0;
	}
	return MX_ECLASS;
}

const char *
dns_class_to_text(uint16_t code, char buf[16])
{
	size_t i;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		if (classes[i].code == code) {
			snprintf(buf, 16, "%s", classes[i].name);
			return buf;
		}
	}
	snprintf(buf, 16, "CLASS%u", (unsigned)code);
	return buf;
}

const char *
dns_rcode_to_text(unsigned rcode, char buf[16])
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
		"NOTZONE",
	};

	if (rcode < sizeof(names) / sizeof(names[0]))
		snprintf(buf, 16, "%s", names[rcode]);
	else if (rcode == DNS_RCODE_BADVERS)
		snprintf(buf, 16, "BADVERS");
	else
		snprintf(buf, 16, "RCODE%u", rcode);
	return buf;
}

int
dns_period_from_text(const char *s, size_t n, uint32_t *out)
{
	uint64_t total = 0, cur = 0;
	size_t i;
	int digits = 0, units = 0;

	if (n == 0)
		return MX_ESYNTAX;
	/* Plain seconds, the common case: at most 10 digits fit 2^32-1. */
	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		cur = cur * 10 + (uint64_t)(s[i] - '0');
	if (i == n && n <= 10) {
		if (cur > UINT32_MAX)
			return MX_ERANGE;
		*out = (uint32_t)cur;
		return 0;
	}
	cur = 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		uint64_t mul;

		if (c >= '0' && c <= '9') {
			cur = cur * 10 + (uint64_t)(c - '0');
			if (cur > UINT32_MAX)
				return MX_ERANGE;
			digits = 1;
			continue;
		}
		switch (c | 0x20) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		case 'w': mul = 604800; break;
		default:
			return MX_ESYNTAX;
		}
		if (!digits)
			return MX_ESYNTAX;
		total += cur * mul;
		if (total > UINT32_MAX)
			return MX_ERANGE;
		cur = 0;
		digits = 0;
		units = 1;
	}
	if (digits) {
		/* A bare trailing number counts as seconds ("1h30"). */
		total += cur;
	} else if (!units) {
		return MX_ESYNTAX;
	}
	if (total > UINT32_MAX)
		return MX_ERANGE;
	*out = (uint32_t)total;
	return 0;
}
