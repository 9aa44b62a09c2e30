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
 * One row per type, sorted by code (binary search). A new type is a new row:
 * text <-> wire, compression and canonical order all follow from its fields.
 * Name fields: NAME_C for the RFC 1035 types whose names may be compressed,
 * NAME_D for those RFC 3597 4 lets a receiver decompress, NAME otherwise.
 * LOW marks the types whose names RFC 4034 6.2 (as amended by RFC 6840 5.1)
 * lowercases in canonical form.
 */
static const struct dns_rrtype types[] = {
	{ 1, 0, "A", { DNS_F_A } },
	{ 2, LOW, "NS", { NC } },
	{ 3, LOW, "MD", { NC } },
	{ 4, LOW, "MF", { NC } },
	{ 5, LOW | DNS_RT_SINGLE, "CNAME", { NC } },
	{ 6, LOW | DNS_RT_SINGLE, "SOA", { NC, NC, DNS_F_U32, DNS_F_PERIOD,
	    DNS_F_PERIOD, DNS_F_PERIOD, DNS_F_PERIOD } },
	{ 7, LOW, "MB", { NC } },
	{ 8, LOW, "MG", { NC } },
	{ 9, LOW, "MR", { NC } },
	{ 12, LOW, "PTR", { NC } },
	{ 13, 0, "HINFO", { DNS_F_STR, DNS_F_STR } },
	{ 14, LOW, "MINFO", { NC, NC } },
	{ 15, LOW, "MX", { DNS_F_U16, NC } },
	{ 16, 0, "TXT", { DNS_F_STRS } },
	{ 17, LOW, "RP", { ND, ND } },
	{ 18, LOW, "AFSDB", { DNS_F_U16, ND } },
	{ 21, LOW, "RT", { DNS_F_U16, ND } },
	{ 28, 0, "AAAA", { DNS_F_AAAA } },
	{ 29, DNS_RT_OPAQUE, "LOC", { 0 } },
	{ 33, LOW, "SRV", { DNS_F_U16, DNS_F_U16, DNS_F_U16, ND } },
	{ 35, LOW, "NAPTR", { DNS_F_U16, DNS_F_U16, DNS_F_STR, DNS_F_STR,
	    DNS_F_STR, ND } },
	{ 36, LOW, "KX", { DNS_F_U16, NN } },
	{ 37, 0, "CERT", { DNS_F_U16, DNS_F_U16, DNS_F_U8, DNS_F_B64 } },
	{ 39, LOW | DNS_RT_SINGLE, "DNAME", { NN } },
	{ 41, DNS_RT_META | DNS_RT_OPAQUE, "OPT", { 0 } },
	{ 43, 0, "DS", { DNS_F_U16, DNS_F_U8, DNS_F_U8, DNS_F_HEX } },
	{ 44, 0, "SSHFP", { DNS_F_U8, DNS_F_U8, DNS_F_HEX } },
	{ 46, LOW, "RRSIG", { DNS_F_TYPE, DNS_F_U8, DNS_F_U8, DNS_F_U32,
	    DNS_F_TIME, DNS_F_TIME, DNS_F_U16, NN, DNS_F_B64 } },
	{ 47, 0, "NSEC", { NN, DNS_F_BITMAP } },
	{ 48, 0, "DNSKEY", { DNS_F_U16, DNS_F_U8, DNS_F_U8, DNS_F_B64 } },
	{ 49, 0, "DHCID", { DNS_F_B64 } },
	{ 50, 0, "NSEC3", { DNS_F_U8, DNS_F_U8, DNS_F_U16, DNS_F_SALT,
	    DNS_F_B32, DNS_F_BITMAP } },
	{ 51, 0, "NSEC3PARAM", { DNS_F_U8, DNS_F_U8, DNS_F_U16,
	    DNS_F_SALT } },
	{ 52, 0, "TLSA", { DNS_F_U8, DNS_F_U8, DNS_F_U8, DNS_F_HEX } },
	{ 53, 0, "SMIMEA", { DNS_F_U8, DNS_F_U8, DNS_F_U8, DNS_F_HEX } },
	{ 59, 0, "CDS", { DNS_F_U16, DNS_F_U8, DNS_F_U8, DNS_F_HEX } },
	{ 60, 0, "CDNSKEY", { DNS_F_U16, DNS_F_U8, DNS_F_U8, DNS_F_B64 } },
	{ 61, 0, "OPENPGPKEY", { DNS_F_B64 } },
	{ 62, 0, "CSYNC", { DNS_F_U32, DNS_F_U16, DNS_F_BITMAP } },
	{ 63, 0, "ZONEMD", { DNS_F_U32, DNS_F_U8, DNS_F_U8, DNS_F_HEX } },
	{ 64, DNS_RT_OPAQUE, "SVCB", { 0 } },
	{ 65, DNS_RT_OPAQUE, "HTTPS", { 0 } },
	{ 99, 0, "SPF", { DNS_F_STRS } },
	{ 251, DNS_RT_META | DNS_RT_OPAQUE, "IXFR", { 0 } },
	{ 252, DNS_RT_META | DNS_RT_OPAQUE, "AXFR", { 0 } },
	{ 255, DNS_RT_META | DNS_RT_OPAQUE, "ANY", { 0 } },
	{ 256, 0, "URI", { DNS_F_U16, DNS_F_U16, DNS_F_VALUE } },
	{ 257, 0, "CAA", { DNS_F_U8, DNS_F_TAG, DNS_F_VALUE } },
};

#define NTYPES (sizeof(types) / sizeof(types[0]))

const struct dns_rrtype *
dns_rrtype_find(uint16_t code)
{
	size_t lo = 0, hi = NTYPES;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (types[mid].code == code)
			return &types[mid];
		if (types[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
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
		    strlen(types[i].name) == n &&
		    strncasecmp(types[i].name, s, n) == 0) {
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
		if (strlen(classes[i].name) == n &&
		    strncasecmp(classes[i].name, s, n) == 0) {
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
