/* test_rdata.c -- rdata text <-> wire by the descriptor table, types,
 * classes, periods (RFC 1035 3.3, 5.1, RFC 3597, RFC 4034 6) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "util/cur.h"

/* A literal and its length; the terminating NUL is not part of it. */
#define W(s)	(const uint8_t *)(s), sizeof(s) - 1
#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

#define A10	"aaaaaaaaaa"
#define A64	A10 A10 A10 A10 A10 A10 "aaaa"
#define A63	A10 A10 A10 A10 A10 A10 "aaa"

/* Every case reads its names relative to example.org. */
#define EXAMPLE_ORG	"\x07" "example" "\x03" "org" "\x00"
static const uint8_t origin[] = EXAMPLE_ORG;
#define ORIGIN		origin, sizeof(origin) - 1

#define TYPE65534	65534
#define TYPE_URI	256	/* RFC 7553; not named in dns.h */

/*
 * Splits rdata text into tokens as the master-file lexer does: blanks
 * separate, "..." is one token (quotes removed, DNS_TOK_QUOTED set),
 * escapes stay in place. The text is first copied into a malloc of its
 * exact size (*copy, freed by the caller), so that ASan catches a field
 * parser that reads past a token at the end of the text.
 */
#define TOK_MAX 32

static size_t
tokenize(const char *text, char **copy, struct dns_tok *tok)
{
	size_t n = strlen(text), i = 0, ntok = 0;
	char *s = malloc(n > 0 ? n : 1);

	assert_non_null(s);
	memcpy(s, text, n);
	*copy = s;
	while (i < n) {
		size_t start;
		uint32_t flags = 0;

		if (s[i] == ' ' || s[i] == '\t') {
			i++;
			continue;
		}
		assert_true(ntok < TOK_MAX);
		if (s[i] == '"') {
			start = ++i;
			while (i < n && s[i] != '"')
				i += s[i] == '\\' ? 2 : 1;
			assert_true(i < n);	/* closing quote */
			flags = DNS_TOK_QUOTED;
		} else {
			start = i;
			while (i < n && s[i] != ' ' && s[i] != '\t')
				i += s[i] == '\\' ? 2 : 1;
		}
		tok[ntok].p = s + start;
		tok[ntok].len = (uint32_t)(i - start);
		tok[ntok].flags = flags;
		tok[ntok].line = 1;
		tok[ntok].col = (uint32_t)start + 1;
		ntok++;
		if (flags != 0)
			i++;		/* past the closing quote */
	}
	return ntok;
}

/* dns_rdata_from_text on text; returns the error, fills wire/len/bad. */
static int
from_text(uint16_t type, const char *text, uint8_t *wire, size_t cap,
    size_t *len, size_t *bad)
{
	struct dns_tok tok[TOK_MAX];
	char *copy;
	size_t ntok = tokenize(text, &copy, tok);
	int r;

	*bad = (size_t)-1;
	r = dns_rdata_from_text(type, tok, ntok, ORIGIN, wire, cap, len, bad);
	free(copy);
	return r;
}

/*
 * Round trips: text -> wire (checked octet by octet) -> canonical text,
 * and the canonical text reads back as the same wire.
 */
struct rt_case {
	const char *name;
	uint16_t type;
	const char *text;
	const uint8_t *wire;
	size_t wire_len;
	const char *canon;		/* NULL: the same as text */
};

static const struct rt_case rt_cases[] = {
	{ "round trip: A", DNS_TYPE_A, "192.0.2.1", W(
	    "\xc0\x00\x02\x01"		/* 192.0.2.1 */
	), NULL },
	{ "round trip: A with zero parts", DNS_TYPE_A, "0.0.0.0", W(
	    "\x00\x00\x00\x00"
	), NULL },
	{ "round trip: NS relative to the origin", DNS_TYPE_NS, "ns1", W(
	    "\x03" "ns1" EXAMPLE_ORG	/* ns1.example.org. */
	), "ns1.example.org." },
	{ "round trip: CNAME absolute", DNS_TYPE_CNAME, "www.example.net.", W(
	    "\x03" "www" "\x07" "example" "\x03" "net" "\x00"
	), NULL },
	{ "round trip: SOA with 1h units", DNS_TYPE_SOA,
	    "ns1 hostmaster 2024010101 1h 15m 1w 1d", W(
	    "\x03" "ns1" EXAMPLE_ORG	/* MNAME */
	    "\x0a" "hostmaster" EXAMPLE_ORG /* RNAME */
	    "\x78\xa3\xf1\x75"		/* SERIAL 2024010101 */
	    "\x00\x00\x0e\x10"		/* REFRESH 3600 */
	    "\x00\x00\x03\x84"		/* RETRY 900 */
	    "\x00\x09\x3a\x80"		/* EXPIRE 604800 */
	    "\x00\x01\x51\x80"		/* MINIMUM 86400 */
	), "ns1.example.org. hostmaster.example.org. 2024010101 3600 900 "
	    "604800 86400" },
	{ "round trip: PTR", DNS_TYPE_PTR, "host.example.net.", W(
	    "\x04" "host" "\x07" "example" "\x03" "net" "\x00"
	), NULL },
	{ "round trip: HINFO quoted and bare strings", DNS_TYPE_HINFO, "\"Generic PC\" Linux",
	    W(
	    "\x0a" "Generic PC"		/* CPU */
	    "\x05" "Linux"		/* OS */
	), "\"Generic PC\" \"Linux\"" },
	{ "round trip: MX", DNS_TYPE_MX, "10 mail", W(
	    "\x00\x0a"			/* PREFERENCE 10 */
	    "\x04" "mail" EXAMPLE_ORG	/* EXCHANGE */
	), "10 mail.example.org." },
	{ "round trip: MX null (RFC 7505)", DNS_TYPE_MX, "0 .", W(
	    "\x00\x00"			/* PREFERENCE 0 */
	    "\x00"			/* EXCHANGE root */
	), NULL },
	{ "round trip: MX preference 65535", DNS_TYPE_MX, "65535 mx.example.net.", W(
	    "\xff\xff"			/* PREFERENCE */
	    "\x02" "mx" "\x07" "example" "\x03" "net" "\x00"
	), NULL },
	{ "round trip: TXT with several strings and escapes", DNS_TYPE_TXT,
	    "\"v=spf1 -all\" \"say \\\"hi\\\"\" back\\\\slash \"tab\\009\" "
	    "\"semi;colon\" \"\\065\\066\"", W(
	    "\x0b" "v=spf1 -all"	/* blank kept */
	    "\x08" "say \"hi\""		/* escaped quotes */
	    "\x0a" "back\\slash"	/* escaped backslash, unquoted */
	    "\x04" "tab" "\x09"		/* \009 */
	    "\x0a" "semi;colon"		/* ; inside quotes */
	    "\x02" "AB"			/* \065\066 */
	), "\"v=spf1 -all\" \"say \\\"hi\\\"\" \"back\\\\slash\" \"tab\\009\" "
	    "\"semi;colon\" \"AB\"" },
	{ "round trip: TXT empty string", DNS_TYPE_TXT, "\"\"", W(
	    "\x00"			/* one string of 0 */
	), NULL },
	{ "round trip: TXT string of 255 octets", DNS_TYPE_TXT,
	    "\"" A64 A64 A64 A63 "\"", W(
	    "\xff" A64 A64 A64 A63	/* length 255 */
	), NULL },
	{ "round trip: TXT octets over 127 as \\DDD", DNS_TYPE_TXT, "\"\\128\\255\"", W(
	    "\x02" "\x80\xff"
	), NULL },
	{ "round trip: AAAA is written in RFC 5952 form", DNS_TYPE_AAAA, "2001:DB8:0:0::1",
	    W(
	    "\x20\x01\x0d\xb8" "\x00\x00\x00\x00" /* 2001:db8:0:0 */
	    "\x00\x00\x00\x00" "\x00\x00\x00\x01" /* ::1 */
	), "2001:db8::1" },
	{ "round trip: AAAA mapped IPv4", DNS_TYPE_AAAA, "::ffff:192.0.2.1", W(
	    "\x00\x00\x00\x00" "\x00\x00\x00\x00"
	    "\x00\x00\xff\xff" "\xc0\x00\x02\x01"
	), NULL },
	{ "round trip: SRV", DNS_TYPE_SRV, "0 5 5060 sip", W(
	    "\x00\x00"			/* PRIORITY 0 */
	    "\x00\x05"			/* WEIGHT 5 */
	    "\x13\xc4"			/* PORT 5060 */
	    "\x03" "sip" EXAMPLE_ORG	/* TARGET */
	), "0 5 5060 sip.example.org." },
	{ "round trip: NAPTR with empty strings and root replacement", DNS_TYPE_NAPTR,
	    "10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:info@example.org!\" .", W(
	    "\x00\x0a"			/* ORDER 10 */
	    "\x00\x64"			/* PREFERENCE 100 */
	    "\x01" "u"			/* FLAGS */
	    "\x07" "E2U+sip"		/* SERVICES */
	    "\x1b" "!^.*$!sip:info@example.org!" /* REGEXP, 27 */
	    "\x00"			/* REPLACEMENT root */
	), NULL },
	{ "round trip: NAPTR with empty regexp", DNS_TYPE_NAPTR,
	    "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp", W(
	    "\x00\x64" "\x00\x0a"	/* ORDER 100, PREFERENCE 10 */
	    "\x01" "S"			/* FLAGS */
	    "\x07" "SIP+D2U"		/* SERVICES */
	    "\x00"			/* REGEXP empty */
	    "\x04" "_sip" "\x04" "_udp" EXAMPLE_ORG /* REPLACEMENT */
	), "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.org." },
	{ "round trip: DS (RFC 4034 5.4)", DNS_TYPE_DS,
	    "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118", W(
	    "\xec\x45"			/* KEY TAG 60485 */
	    "\x05"			/* ALGORITHM 5 */
	    "\x01"			/* DIGEST TYPE 1 */
	    "\x2b\xb1\x83\xaf\x5f\x22\x58\x81\x79\xa5" /* DIGEST */
	    "\x3b\x0a\x98\x63\x1f\xad\x1a\x29\x21\x18"
	), NULL },
	{ "round trip: DS digest split over tokens in lowercase", DNS_TYPE_DS,
	    "60485 5 1 2bb183af5f22588179a5 3b0a98631fad1a292118", W(
	    "\xec\x45" "\x05" "\x01"	/* KEY TAG, ALGORITHM, TYPE */
	    "\x2b\xb1\x83\xaf\x5f\x22\x58\x81\x79\xa5" /* DIGEST */
	    "\x3b\x0a\x98\x63\x1f\xad\x1a\x29\x21\x18"
	), "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118" },
	{ "round trip: SSHFP", DNS_TYPE_SSHFP,
	    "2 1 123456789abcdef67890123456789abcdef67890", W(
	    "\x02"			/* ALGORITHM DSA */
	    "\x01"			/* FP TYPE SHA-1 */
	    "\x12\x34\x56\x78\x9a\xbc\xde\xf6\x78\x90" /* FINGERPRINT */
	    "\x12\x34\x56\x78\x9a\xbc\xde\xf6\x78\x90"
	), "2 1 123456789ABCDEF67890123456789ABCDEF67890" },
	{ "round trip: RRSIG with YYYYMMDDHHmmSS times", DNS_TYPE_RRSIG,
	    "A 5 3 86400 20030322173103 20030220173103 2642 example.com. "
	    "AQIDBA==", W(
	    "\x00\x01"			/* TYPE COVERED A */
	    "\x05"			/* ALGORITHM 5 */
	    "\x03"			/* LABELS 3 */
	    "\x00\x01\x51\x80"		/* ORIGINAL TTL 86400 */
	    "\x3e\x7c\x9d\xd7"		/* EXPIRATION 1048354263 */
	    "\x3e\x55\x10\xd7"		/* INCEPTION 1045762263 */
	    "\x0a\x52"			/* KEY TAG 2642 */
	    "\x07" "example" "\x03" "com" "\x00" /* SIGNER */
	    "\x01\x02\x03\x04"		/* SIGNATURE */
	), NULL },
	{ "round trip: RRSIG times given in seconds", DNS_TYPE_RRSIG,
	    "TYPE65534 13 2 300 1048354263 1045762263 1 example.org. AQID", W(
	    "\xff\xfe"			/* TYPE COVERED 65534 */
	    "\x0d" "\x02"		/* ALGORITHM 13, LABELS 2 */
	    "\x00\x00\x01\x2c"		/* ORIGINAL TTL 300 */
	    "\x3e\x7c\x9d\xd7"		/* EXPIRATION */
	    "\x3e\x55\x10\xd7"		/* INCEPTION */
	    "\x00\x01"			/* KEY TAG 1 */
	    EXAMPLE_ORG			/* SIGNER */
	    "\x01\x02\x03"		/* SIGNATURE */
	), "TYPE65534 13 2 300 20030322173103 20030220173103 1 example.org. "
	    "AQID" },
	{ "round trip: RRSIG time after 2106 wraps modulo 2^32 (RFC 4034 3.2)",
	    DNS_TYPE_RRSIG,
	    "A 13 2 300 21060207062816 21060207062815 1 example.org. AQID", W(
	    "\x00\x01" "\x0d" "\x02"	/* A, ALGORITHM 13, LABELS 2 */
	    "\x00\x00\x01\x2c"		/* ORIGINAL TTL 300 */
	    "\x00\x00\x00\x00"		/* EXPIRATION 2^32 mod 2^32 */
	    "\xff\xff\xff\xff"		/* INCEPTION 2^32 - 1 */
	    "\x00\x01"			/* KEY TAG 1 */
	    EXAMPLE_ORG			/* SIGNER */
	    "\x01\x02\x03"		/* SIGNATURE */
	), "A 13 2 300 19700101000000 21060207062815 1 example.org. AQID" },
	{ "round trip: NSEC with bitmap (RFC 4034 4.3)", DNS_TYPE_NSEC,
	    "host.example.com. A MX RRSIG NSEC TYPE1234", W(
	    "\x04" "host" "\x07" "example" "\x03" "com" "\x00" /* NEXT */
	    "\x00\x06"			/* window 0, 6 octets */
	    "\x40\x01\x00\x00\x00\x03"	/* A, MX, RRSIG, NSEC */
	    "\x04\x1b"			/* window 4, 27 octets */
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	    "\x00\x00\x00\x00\x00\x00"
	    "\x20"			/* TYPE1234 */
	), NULL },
	{ "round trip: NSEC bitmap types are sorted", DNS_TYPE_NSEC,
	    "next NSEC A RRSIG", W(
	    "\x04" "next" EXAMPLE_ORG	/* NEXT */
	    "\x00\x06"			/* window 0, 6 octets */
	    "\x40\x00\x00\x00\x00\x03"	/* A, RRSIG, NSEC */
	), "next.example.org. A RRSIG NSEC" },
	{ "round trip: DNSKEY base64 with two pad characters", DNS_TYPE_DNSKEY,
	    "257 3 8 AwEAAQ==", W(
	    "\x01\x01"			/* FLAGS 257 */
	    "\x03"			/* PROTOCOL 3 */
	    "\x08"			/* ALGORITHM 8 */
	    "\x03\x01\x00\x01"		/* PUBLIC KEY */
	), NULL },
	{ "round trip: DNSKEY base64 with one pad character", DNS_TYPE_DNSKEY,
	    "256 3 8 AwEAAaE=", W(
	    "\x01\x00" "\x03" "\x08"	/* FLAGS, PROTOCOL, ALGORITHM */
	    "\x03\x01\x00\x01\xa1"	/* PUBLIC KEY */
	), NULL },
	{ "round trip: DNSKEY base64 split over tokens", DNS_TYPE_DNSKEY,
	    "256 3 13 AwEA AaEC", W(
	    "\x01\x00" "\x03" "\x0d"	/* FLAGS, PROTOCOL, ALGORITHM */
	    "\x03\x01\x00\x01\xa1\x02"	/* PUBLIC KEY */
	), "256 3 13 AwEAAaEC" },
	{ "round trip: NSEC3 with salt (RFC 5155 appendix A)", DNS_TYPE_NSEC3,
	    "1 1 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr MX DNSKEY NS "
	    "SOA NSEC3PARAM RRSIG", W(
	    "\x01"			/* HASH ALGORITHM SHA-1 */
	    "\x01"			/* FLAGS opt-out */
	    "\x00\x0c"			/* ITERATIONS 12 */
	    "\x04" "\xaa\xbb\xcc\xdd"	/* SALT */
	    "\x14"			/* HASH LENGTH 20 */
	    "\x17\x4e\xb2\x40\x9f\xe2\x8b\xcb\x48\x87"
	    "\xa1\x83\x6f\x95\x7f\x0a\x84\x25\xe2\x7b"
	    "\x00\x07"			/* window 0, 7 octets */
	    "\x22\x01\x00\x00\x00\x02\x90" /* NS SOA MX RRSIG DNSKEY
					   NSEC3PARAM */
	), "1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR NS SOA MX RRSIG "
	    "DNSKEY NSEC3PARAM" },
	{ "round trip: NSEC3 with \"-\" salt", DNS_TYPE_NSEC3,
	    "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A", W(
	    "\x01" "\x00" "\x00\x00"	/* SHA-1, no flags, 0 iterations */
	    "\x00"			/* SALT empty */
	    "\x14"			/* HASH LENGTH 20 */
	    "\x17\x4e\xb2\x40\x9f\xe2\x8b\xcb\x48\x87"
	    "\xa1\x83\x6f\x95\x7f\x0a\x84\x25\xe2\x7b"
	    "\x00\x01" "\x40"		/* window 0: A */
	), NULL },
	{ "round trip: NSEC3 of an empty non-terminal has no types", DNS_TYPE_NSEC3,
	    "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR", W(
	    "\x01" "\x00" "\x00\x00"	/* SHA-1, no flags, 0 iterations */
	    "\x00"			/* SALT empty */
	    "\x14"			/* HASH LENGTH 20 */
	    "\x17\x4e\xb2\x40\x9f\xe2\x8b\xcb\x48\x87"
	    "\xa1\x83\x6f\x95\x7f\x0a\x84\x25\xe2\x7b"
	), NULL },
	{ "round trip: NSEC3PARAM with salt", DNS_TYPE_NSEC3PARAM, "1 0 12 aabbccdd", W(
	    "\x01" "\x00" "\x00\x0c"	/* SHA-1, flags, 12 iterations */
	    "\x04" "\xaa\xbb\xcc\xdd"	/* SALT */
	), "1 0 12 AABBCCDD" },
	{ "round trip: NSEC3PARAM with \"-\" salt", DNS_TYPE_NSEC3PARAM, "1 0 0 -", W(
	    "\x01" "\x00" "\x00\x00"	/* SHA-1, flags, 0 iterations */
	    "\x00"			/* SALT empty */
	), NULL },
	{ "round trip: TLSA", DNS_TYPE_TLSA,
	    "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6",
	    W(
	    "\x03" "\x01" "\x01"	/* DANE-EE, SPKI, SHA-256 */
	    "\x0c\x72\xac\x70\xb7\x45\xac\x19\x99\x88" /* DATA */
	    "\x11\xb1\x31\xd6\x62\xc9\xac\x69\xdb\xdb"
	    "\xe7\xcb\x23\xe5\xb5\x14\xb5\x66\x64\xc5"
	    "\xd3\xd6"
	), NULL },
	{ "round trip: CAA", DNS_TYPE_CAA, "0 issue \"ca.example.net\"", W(
	    "\x00"			/* FLAGS */
	    "\x05" "issue"		/* TAG */
	    "ca.example.net"		/* VALUE to the end */
	), NULL },
	{ "round trip: CAA critical flag and empty value", DNS_TYPE_CAA,
	    "128 issuewild \"\"", W(
	    "\x80"			/* FLAGS critical */
	    "\x09" "issuewild"		/* TAG, VALUE empty */
	), NULL },
	{ "round trip: SPF", DNS_TYPE_SPF, "\"v=spf1 ip4:192.0.2.0/24 -all\"", W(
	    "\x1c" "v=spf1 ip4:192.0.2.0/24 -all" /* one string of 28 */
	), NULL },
	{ "round trip: URI", TYPE_URI, "10 1 \"ftp://ftp1.example.com/public\"", W(
	    "\x00\x0a"			/* PRIORITY 10 */
	    "\x00\x01"			/* WEIGHT 1 */
	    "ftp://ftp1.example.com/public" /* TARGET to the end */
	), NULL },

	/* The rest of the table, one case each. */
	{ "round trip: MD (obsolete)", 3, "md.example.net.", W(
	    "\x02" "md" "\x07" "example" "\x03" "net" "\x00"
	), NULL },
	{ "round trip: MF (obsolete)", 4, "mf", W(
	    "\x02" "mf" EXAMPLE_ORG
	), "mf.example.org." },
	{ "round trip: MB", 7, "mb", W(
	    "\x02" "mb" EXAMPLE_ORG
	), "mb.example.org." },
	{ "round trip: MG", 8, "mg", W(
	    "\x02" "mg" EXAMPLE_ORG
	), "mg.example.org." },
	{ "round trip: MR", 9, "mr", W(
	    "\x02" "mr" EXAMPLE_ORG
	), "mr.example.org." },
	{ "round trip: MINFO", 14, "rmail emails", W(
	    "\x05" "rmail" EXAMPLE_ORG	/* RMAILBX */
	    "\x06" "emails" EXAMPLE_ORG	/* EMAILBX */
	), "rmail.example.org. emails.example.org." },
	{ "round trip: RP", 17, "admin.example.org. txt", W(
	    "\x05" "admin" EXAMPLE_ORG	/* MBOX */
	    "\x03" "txt" EXAMPLE_ORG	/* TXT owner */
	), "admin.example.org. txt.example.org." },
	{ "round trip: AFSDB", 18, "1 afs", W(
	    "\x00\x01"			/* SUBTYPE 1 */
	    "\x03" "afs" EXAMPLE_ORG	/* HOSTNAME */
	), "1 afs.example.org." },
	{ "round trip: RT", 21, "10 relay", W(
	    "\x00\x0a"			/* PREFERENCE 10 */
	    "\x05" "relay" EXAMPLE_ORG	/* INTERMEDIATE-HOST */
	), "10 relay.example.org." },
	{ "round trip: KX", 36, "10 kx", W(
	    "\x00\x0a"			/* PREFERENCE 10 */
	    "\x02" "kx" EXAMPLE_ORG	/* EXCHANGER */
	), "10 kx.example.org." },
	{ "round trip: CERT", 37, "1 12345 8 AQID", W(
	    "\x00\x01"			/* TYPE PKIX */
	    "\x30\x39"			/* KEY TAG 12345 */
	    "\x08"			/* ALGORITHM 8 */
	    "\x01\x02\x03"		/* CERTIFICATE */
	), NULL },
	{ "round trip: DNAME", DNS_TYPE_DNAME, "example.net.", W(
	    "\x07" "example" "\x03" "net" "\x00"
	), NULL },
	{ "round trip: DHCID", 49, "AQID", W(
	    "\x01\x02\x03"
	), NULL },
	{ "round trip: SMIMEA", 53, "3 0 1 abcd", W(
	    "\x03" "\x00" "\x01"	/* USAGE, SELECTOR, MATCHING */
	    "\xab\xcd"			/* DATA */
	), "3 0 1 ABCD" },
	{ "round trip: CDS delete (RFC 8078 4)", 59, "0 0 0 00", W(
	    "\x00\x00" "\x00" "\x00"	/* KEY TAG, ALGORITHM, TYPE */
	    "\x00"			/* DIGEST */
	), NULL },
	{ "round trip: CDNSKEY delete (RFC 8078 4)", 60, "0 3 0 AA==", W(
	    "\x00\x00" "\x03" "\x00"	/* FLAGS, PROTOCOL, ALGORITHM */
	    "\x00"			/* PUBLIC KEY */
	), NULL },
	{ "round trip: OPENPGPKEY", 61, "AQIDBAU=", W(
	    "\x01\x02\x03\x04\x05"
	), NULL },
	{ "round trip: CSYNC (RFC 7477 2.2)", 62, "66 3 A NS AAAA", W(
	    "\x00\x00\x00\x42"		/* SOA SERIAL 66 */
	    "\x00\x03"			/* FLAGS immediate, soaminimum */
	    "\x00\x04" "\x60\x00\x00\x08" /* window 0: A NS AAAA */
	), NULL },
	{ "round trip: ZONEMD", 63, "2018031900 1 1 ABCDEF", W(
	    "\x78\x48\xb9\x1c"		/* SERIAL 2018031900 */
	    "\x01" "\x01"		/* SCHEME, HASH ALGORITHM */
	    "\xab\xcd\xef"		/* DIGEST */
	), NULL },

	/* Generic form (RFC 3597 5). */
	{ "round trip: unknown TYPE65534 in \\# form", TYPE65534, "\\# 4 0A000001", W(
	    "\x0a\x00\x00\x01"		/* opaque */
	), NULL },
	{ "round trip: unknown type with empty rdata \\# 0", TYPE65534, "\\# 0", W(""),
	    NULL },
	{ "round trip: unknown type with hex split over tokens", TYPE65534,
	    "\\# 4 0a00 0001", W(
	    "\x0a\x00\x00\x01"
	), "\\# 4 0A000001" },
	{ "round trip: known type A in \\# form", DNS_TYPE_A, "\\# 4 C0000201", W(
	    "\xc0\x00\x02\x01"
	), "192.0.2.1" },
	{ "round trip: known type MX in \\# form", DNS_TYPE_MX, "\\# 3 000A00", W(
	    "\x00\x0a" "\x00"		/* 10 . */
	), "10 ." },
	{ "round trip: type known only by name (SVCB) stays generic", DNS_TYPE_SVCB,
	    "\\# 3 000100", W(
	    "\x00\x01" "\x00"
	), NULL },
};

static void
rt_run(void **state)
{
	const struct rt_case *tc = *state;
	const char *canon = tc->canon != NULL ? tc->canon : tc->text;
	uint8_t wire[1024], again[1024];
	char text[2048];
	size_t len = 0, len2 = 0, bad;
	int r;

	r = from_text(tc->type, tc->text, wire, sizeof(wire), &len, &bad);
	if (r != 0)
		fail_msg("from_text: %s at token %zu", mx_errname(r), bad);
	assert_int_equal(len, tc->wire_len);
	assert_memory_equal(wire, tc->wire, len);
	assert_int_equal(dns_rdata_check(tc->type, wire, len), 0);
	r = dns_rdata_to_text(tc->type, wire, len, text, sizeof(text), 0);
	assert_int_equal(r, (int)strlen(canon));
	assert_string_equal(text, canon);
	/* The canonical text is a fixed point. */
	r = from_text(tc->type, text, again, sizeof(again), &len2, &bad);
	assert_int_equal(r, 0);
	assert_int_equal(len2, len);
	assert_memory_equal(again, wire, len);
}

/* Every type the table describes field by field has a round trip above,
 * so a new row cannot go untested. */
static void
test_every_table_type_has_a_round_trip(void **state)
{
	unsigned c;
	size_t i;

	(void)state;
	for (c = 0; c < 65536; c++) {
		const struct dns_rrtype *t = dns_rrtype_find((uint16_t)c);

		if (t == NULL || (t->flags & DNS_RT_OPAQUE) != 0)
			continue;
		for (i = 0; i < NITEMS(rt_cases); i++)
			if (rt_cases[i].type == c)
				break;
		if (i == NITEMS(rt_cases))
			fail_msg("type %s has no round trip case", t->name);
	}
}

/*
 * Text that does not convert: the error and the token at fault.
 */
struct err_case {
	const char *name;
	uint16_t type;
	const char *text;
	int err;
	size_t badtok;
};

static const struct err_case err_cases[] = {
	/* A: strict dotted quad. */
	{ "A with a leading zero", DNS_TYPE_A, "192.0.2.01", MX_ESYNTAX, 0 },
	{ "A with a leading zero in the first part", DNS_TYPE_A, "010.0.2.1",
	    MX_ESYNTAX, 0 },
	{ "A part over 255", DNS_TYPE_A, "192.0.2.256", MX_ESYNTAX, 0 },
	{ "A with three parts", DNS_TYPE_A, "192.0.2", MX_ESYNTAX, 0 },
	{ "A with five parts", DNS_TYPE_A, "192.0.2.1.5", MX_ESYNTAX, 0 },
	{ "A with an empty part", DNS_TYPE_A, "192..2.1", MX_ESYNTAX, 0 },
	{ "A with a trailing dot", DNS_TYPE_A, "192.0.2.1.", MX_ESYNTAX, 0 },
	{ "A with a sign", DNS_TYPE_A, "+192.0.2.1", MX_ESYNTAX, 0 },
	{ "A with a second token", DNS_TYPE_A, "192.0.2.1 192.0.2.2",
	    MX_EMALF, 1 },
	{ "A without a token", DNS_TYPE_A, "", MX_EMALF, 0 },
	{ "AAAA that is not an address", DNS_TYPE_AAAA, "2001:db8::g",
	    MX_ESYNTAX, 0 },
	{ "AAAA given an IPv4 address", DNS_TYPE_AAAA, "192.0.2.1",
	    MX_ESYNTAX, 0 },

	/* Numbers. */
	{ "MX preference 65536", DNS_TYPE_MX, "65536 mail", MX_ERANGE, 0 },
	{ "MX preference negative", DNS_TYPE_MX, "-1 mail", MX_ESYNTAX, 0 },
	{ "MX preference quoted", DNS_TYPE_MX, "\"10\" mail", MX_ESYNTAX, 0 },
	{ "MX with too many tokens", DNS_TYPE_MX, "10 mail extra", MX_EMALF,
	    2 },
	{ "MX with too few tokens", DNS_TYPE_MX, "10", MX_EMALF, 1 },
	{ "MX exchange with an empty label", DNS_TYPE_MX, "10 a..b.",
	    MX_EEMPTY, 1 },
	{ "MX exchange with a label of 64", DNS_TYPE_MX, "10 " A64 ".",
	    MX_ELABEL, 1 },
	{ "SOA serial over 2^32-1", DNS_TYPE_SOA,
	    "ns1 host 4294967296 1h 1h 1h 1h", MX_ERANGE, 2 },
	{ "SOA refresh with a bad unit", DNS_TYPE_SOA,
	    "ns1 host 1 1x 1h 1h 1h", MX_ESYNTAX, 3 },
	{ "SOA with too few tokens", DNS_TYPE_SOA, "ns1 host 1 1h 1h 1h",
	    MX_EMALF, 6 },
	{ "SRV port 65536", DNS_TYPE_SRV, "0 0 65536 sip", MX_ERANGE, 2 },
	{ "SSHFP without fingerprint", DNS_TYPE_SSHFP, "2 1", MX_EMALF, 2 },
	{ "CAA flags 256", DNS_TYPE_CAA, "256 issue \"x\"", MX_ERANGE, 0 },

	/* Strings. */
	{ "TXT string of 256 octets", DNS_TYPE_TXT,
	    "\"" A64 A64 A64 A64 "\"", MX_ERANGE, 0 },
	{ "TXT second string of 256 octets", DNS_TYPE_TXT,
	    "ok \"" A64 A64 A64 A64 "\"", MX_ERANGE, 1 },
	{ "TXT bad escape \\25", DNS_TYPE_TXT, "\"a\\25\"", MX_ESYNTAX, 0 },
	{ "TXT escape \\256 over 255", DNS_TYPE_TXT, "\"\\256\"", MX_ESYNTAX,
	    0 },
	{ "TXT without strings", DNS_TYPE_TXT, "", MX_EMALF, 0 },
	{ "HINFO with one string", DNS_TYPE_HINFO, "\"PC\"", MX_EMALF, 1 },
	{ "CAA tag with a hyphen", DNS_TYPE_CAA, "0 is-sue \"x\"", MX_ESYNTAX,
	    1 },
	{ "CAA without value", DNS_TYPE_CAA, "0 issue", MX_EMALF, 2 },

	/* Base64, hex, base32hex, bitmaps, times. */
	{ "DNSKEY bad base64 character", DNS_TYPE_DNSKEY, "256 3 8 AwE!AQ==",
	    MX_ESYNTAX, 3 },
	{ "DNSKEY base64 not a multiple of 4", DNS_TYPE_DNSKEY,
	    "256 3 8 AwEAAQ=", MX_ESYNTAX, 3 },
	{ "DNSKEY base64 data after padding", DNS_TYPE_DNSKEY,
	    "256 3 8 AwEAAQ== AA==", MX_ESYNTAX, 3 },
	{ "DNSKEY base64 with three pad characters", DNS_TYPE_DNSKEY,
	    "256 3 8 AwEAA===", MX_ESYNTAX, 3 },
	{ "DNSKEY without key", DNS_TYPE_DNSKEY, "256 3 8", MX_EMALF, 3 },
	{ "DS odd number of hex digits", DNS_TYPE_DS, "60485 5 1 ABC",
	    MX_ESYNTAX, 3 },
	{ "DS odd hex digits split over tokens", DNS_TYPE_DS,
	    "60485 5 1 AB C", MX_ESYNTAX, 4 },
	{ "DS non-hex digest", DNS_TYPE_DS, "60485 5 1 AB XY", MX_ESYNTAX, 4 },
	{ "NSEC3PARAM odd salt", DNS_TYPE_NSEC3PARAM, "1 0 0 ABC", MX_ESYNTAX,
	    3 },
	{ "NSEC3 base32hex letter past V", DNS_TYPE_NSEC3,
	    "1 0 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJW A", MX_ESYNTAX, 4 },
	{ "NSEC unknown type in bitmap", DNS_TYPE_NSEC, "next A FOO",
	    MX_ETYPE, 2 },
	{ "RRSIG unknown type covered", DNS_TYPE_RRSIG,
	    "FOO 5 3 86400 20030322173103 20030220173103 2642 example.com. "
	    "AQIDBA==", MX_ETYPE, 0 },
	{ "RRSIG month 13", DNS_TYPE_RRSIG,
	    "A 5 3 86400 20031322173103 20030220173103 2642 example.com. "
	    "AQIDBA==", MX_ERANGE, 4 },
	{ "RRSIG time that is neither date nor seconds", DNS_TYPE_RRSIG,
	    "A 5 3 86400 2003032217310 20030220173103 2642 example.com. "
	    "AQIDBA==", MX_ESYNTAX, 4 },

	/* Generic form. */
	{ "\\# length shorter than the data", TYPE65534, "\\# 3 0A000001",
	    MX_EMALF, 1 },
	{ "\\# length longer than the data", TYPE65534, "\\# 5 0A000001",
	    MX_EMALF, 1 },
	{ "\\# length without data", TYPE65534, "\\# 4", MX_EMALF, 2 },
	{ "\\# 0 followed by data", TYPE65534, "\\# 0 00", MX_EMALF, 2 },
	{ "\\# without length", TYPE65534, "\\#", MX_EMALF, 1 },
	{ "\\# length not a number", TYPE65534, "\\# x 00", MX_ESYNTAX, 1 },
	{ "\\# length over 65535", TYPE65534, "\\# 65536 00", MX_ERANGE, 1 },
	{ "\\# odd hex digits", TYPE65534, "\\# 2 0A0", MX_ESYNTAX, 2 },
	{ "unknown type without \\#", TYPE65534, "0A000001", MX_ESYNTAX, 0 },
	{ "known type in \\# form that is not valid for it", DNS_TYPE_A,
	    "\\# 3 C00002", MX_EMALF, 2 },
	{ "type known only by name (LOC) without \\#", 29,
	    "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m",
	    MX_ESYNTAX, 0 },
};

static void
err_run(void **state)
{
	const struct err_case *tc = *state;
	uint8_t wire[1024];
	size_t len = 0, bad;
	int r;

	r = from_text(tc->type, tc->text, wire, sizeof(wire), &len, &bad);
	assert_string_equal(mx_errname(r), mx_errname(tc->err));
	assert_int_equal(bad, tc->badtok);
}

/* Rdata larger than the caller's buffer gives MX_ESPACE, not an
 * overflow: every field kind writes through the bounded cursor. */
static void
test_from_text_espace(void **state)
{
	static const struct {
		uint16_t type;
		const char *text;
	} v[] = {
		{ DNS_TYPE_A, "192.0.2.1" },
		{ DNS_TYPE_MX, "10 mail.example.org." },
		{ DNS_TYPE_TXT, "\"v=spf1 -all\"" },
		{ DNS_TYPE_DS, "60485 5 1 2BB183AF5F22588179A5" },
		{ DNS_TYPE_DNSKEY, "256 3 8 AwEAAaEC" },
		{ DNS_TYPE_NSEC, "host.example.com. A MX TYPE1234" },
		{ DNS_TYPE_NSEC3, "1 0 0 AABB 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A" },
		{ DNS_TYPE_CAA, "0 issue \"ca.example.net\"" },
		{ TYPE65534, "\\# 4 0A000001" },
	};
	uint8_t wire[256];
	size_t i, cap, full, len, bad;

	(void)state;
	for (i = 0; i < NITEMS(v); i++) {
		assert_int_equal(from_text(v[i].type, v[i].text, wire,
		    sizeof(wire), &full, &bad), 0);
		for (cap = 0; cap < full; cap++) {
			uint8_t *small = malloc(cap > 0 ? cap : 1);
			int r;

			assert_non_null(small);
			r = from_text(v[i].type, v[i].text, small, cap, &len,
			    &bad);
			free(small);
			if (r != MX_ESPACE)
				fail_msg("%s in %zu octets: %s, not ESPACE",
				    v[i].text, cap, mx_errname(r));
		}
	}
}

/*
 * dns_rdata_to_text beyond the round trips.
 */
static void
test_to_text_generic_flag(void **state)
{
	static const uint8_t mx[] = "\x00\x0a" "\x04" "mail" EXAMPLE_ORG;
	char buf[256];

	(void)state;
	static const char want[] =
	    "\\# 20 000A046D61696C076578616D706C65036F726700";

	assert_int_equal(dns_rdata_to_text(DNS_TYPE_MX, mx, sizeof(mx) - 1,
	    buf, sizeof(buf), DNS_TEXT_GENERIC), (int)strlen(want));
	assert_string_equal(buf, want);
}

struct to_text_case {
	const char *name;
	uint16_t type;
	const uint8_t *wire;
	size_t len;
	const char *text;
};

static const struct to_text_case to_text_cases[] = {
	{ "to_text: MX without root goes out generic", DNS_TYPE_MX, W(
	    "\x00\x0a"			/* PREFERENCE */
	    "\x02" "mx"			/* label, no root */
	), "\\# 5 000A026D78" },
	{ "to_text: A of 3 octets goes out generic", DNS_TYPE_A, W(
	    "\xc0\x00\x02"
	), "\\# 3 C00002" },
	{ "to_text: MX with a trailing octet goes out generic", DNS_TYPE_MX,
	    W(
	    "\x00\x0a" "\x00"		/* 10 . */
	    "\xff"			/* one octet too many */
	), "\\# 4 000A00FF" },
	{ "to_text: CAA tag that is not alphanumeric goes out generic",
	    DNS_TYPE_CAA, W(
	    "\x00"			/* FLAGS */
	    "\x02" "a-"			/* TAG with a hyphen */
	    "x"				/* VALUE */
	), "\\# 5 0002612D78" },
	{ "to_text: TXT string running past the end goes out generic",
	    DNS_TYPE_TXT, W(
	    "\x05" "abc"		/* length 5, 3 octets */
	), "\\# 4 05616263" },
	{ "to_text: empty TXT goes out generic", DNS_TYPE_TXT, W(""),
	    "\\# 0" },
	{ "to_text: NSEC bitmap windows out of order go out generic",
	    DNS_TYPE_NSEC, W(
	    "\x00"			/* NEXT root */
	    "\x01\x01\x40"		/* window 1 */
	    "\x00\x01\x40"		/* window 0 after 1 */
	), "\\# 7 00010140000140" },
	{ "to_text: MX with an uppercase exchange keeps its case",
	    DNS_TYPE_MX, W(
	    "\x00\x0a" "\x04" "MAIL" "\x00"
	), "10 MAIL." },
	{ "to_text: exchange with a blank is escaped", DNS_TYPE_MX, W(
	    "\x00\x0a" "\x03" "a b" "\x00"
	), "10 a\\032b." },
};

static void
to_text_run(void **state)
{
	const struct to_text_case *tc = *state;
	char buf[256];
	int r;

	r = dns_rdata_to_text(tc->type, tc->wire, tc->len, buf, sizeof(buf),
	    0);
	assert_int_equal(r, (int)strlen(tc->text));
	assert_string_equal(buf, tc->text);
}

/*
 * DNS_TEXT_SPLIT: hex and base64 in words of 56 characters, as dig and
 * host print them; salts stay whole.
 */
static const struct to_text_case split_cases[] = {
	{ "split: DS SHA-256 digest of 32 octets in words of 56 + 8",
	    DNS_TYPE_DS, W(
	    "\x30\x39" "\x08" "\x02"	/* KEY TAG 12345, ALG 8, DIGEST 2 */
	    "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d"
	    "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
	    "\x1c\x1d\x1e\x1f"
	), "12345 8 2 000102030405060708090A0B0C0D0E0F101112131415161718191A1B"
	    " 1C1D1E1F" },
	{ "split: DS digest of 28 octets is one word", DNS_TYPE_DS, W(
	    "\x30\x39" "\x08" "\x02"
	    "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d"
	    "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
	), "12345 8 2 000102030405060708090A0B0C0D0E0F101112131415161718191A1B" },
	{ "split: DNSKEY of 43 octets, the padded quantum in the second word",
	    DNS_TYPE_DNSKEY, W(
	    "\x01\x00" "\x03" "\x08"	/* FLAGS 256, PROTOCOL 3, ALG 8 */
	    "\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f\x70\x71"
	    "\x72\x73\x74\x75\x76\x77\x78\x79\x7a\x7b\x7c\x7d\x7e\x7f"
	    "\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d"
	    "\x8e"
	), "256 3 8 ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoOEhYaHiImKi4yN jg==" },
	{ "split: DNSKEY of 42 octets is one word", DNS_TYPE_DNSKEY, W(
	    "\x01\x00" "\x03" "\x08"
	    "\x32\x33\x34\x35\x36\x37\x38\x39\x3a\x3b\x3c\x3d\x3e\x3f"
	    "\x40\x41\x42\x43\x44\x45\x46\x47\x48\x49\x4a\x4b\x4c\x4d"
	    "\x4e\x4f\x50\x51\x52\x53\x54\x55\x56\x57\x58\x59\x5a\x5b"
	), "256 3 8 MjM0NTY3ODk6Ozw9Pj9AQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpb" },
	{ "split: generic rdata of 30 octets in words of 56 + 4", 65280, W(
	    "\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5"
	    "\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf\xe0\xe1\xe2\xe3"
	    "\xe4\xe5"
	), "\\# 30 C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3 E4E5" },
	{ "split: NSEC3PARAM salt of 40 octets stays whole",
	    DNS_TYPE_NSEC3PARAM, W(
	    "\x01" "\x00" "\x00\x0a"	/* ALG 1, FLAGS 0, ITERATIONS 10 */
	    "\x28"				/* SALT LENGTH 40 */
	    "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d"
	    "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
	    "\x1c\x1d\x1e\x1f\x20\x21\x22\x23\x24\x25\x26\x27"
	), "1 0 10 000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
	    "2021222324252627" },
};

static void
split_run(void **state)
{
	const struct to_text_case *tc = *state;
	char buf[256];
	int r;

	r = dns_rdata_to_text(tc->type, tc->wire, tc->len, buf, sizeof(buf),
	    DNS_TEXT_SPLIT);
	assert_int_equal(r, (int)strlen(tc->text));
	assert_string_equal(buf, tc->text);
}

/* A buffer one byte too small gives MX_ESPACE for every field kind. */
static void
test_to_text_espace(void **state)
{
	char buf[2048];
	size_t i, cap;
	int r;

	(void)state;
	for (i = 0; i < NITEMS(rt_cases); i++) {
		const struct rt_case *tc = &rt_cases[i];
		int full = dns_rdata_to_text(tc->type, tc->wire, tc->wire_len,
		    buf, sizeof(buf), 0);

		assert_true(full >= 0);
		for (cap = 0; cap <= (size_t)full; cap++) {
			char *small = malloc(cap > 0 ? cap : 1);

			assert_non_null(small);
			r = dns_rdata_to_text(tc->type, tc->wire,
			    tc->wire_len, small, cap, 0);
			free(small);
			if (r != MX_ESPACE)
				fail_msg("%s in %zu bytes: %d, not ESPACE",
				    tc->name, cap, r);
		}
	}
}

/*
 * dns_rdata_from_wire: names decompressed, consumed == RDLENGTH.
 */
struct wire_case {
	const char *name;
	uint16_t type;
	const uint8_t *msg;		/* the whole message */
	size_t msg_len;
	size_t at;			/* where the rdata starts */
	size_t rdlen;
	int err;
	const uint8_t *want;		/* uncompressed rdata on success */
	size_t want_len;
};

#define FAILS(e)	(e), NULL, 0

static const struct wire_case wire_cases[] = {
	{ "from_wire: MX with a compressed exchange is decompressed",
	    DNS_TYPE_MX, W(
	    EXAMPLE_ORG			/* @0 example.org. */
	    "\x00\x0a"			/* @13 PREFERENCE 10 */
	    "\x04" "mail" "\xc0\x00"	/* @15 mail + pointer to 0 */
	), 13, 9, 0, W(
	    "\x00\x0a" "\x04" "mail" EXAMPLE_ORG
	) },
	{ "from_wire: SRV target (RFC 3597 4) is decompressed", DNS_TYPE_SRV,
	    W(
	    EXAMPLE_ORG			/* @0 example.org. */
	    "\x00\x00" "\x00\x05" "\x13\xc4" /* @13 0 5 5060 */
	    "\x03" "sip" "\xc0\x00"	/* @19 sip + pointer to 0 */
	), 13, 12, 0, W(
	    "\x00\x00" "\x00\x05" "\x13\xc4" "\x03" "sip" EXAMPLE_ORG
	) },
	{ "from_wire: SOA with both names compressed", DNS_TYPE_SOA, W(
	    EXAMPLE_ORG			/* @0 example.org. */
	    "\x03" "ns1" "\xc0\x00"	/* @13 MNAME */
	    "\x0a" "hostmaster" "\xc0\x00" /* @19 RNAME */
	    "\x00\x00\x00\x01"		/* SERIAL */
	    "\x00\x00\x0e\x10" "\x00\x00\x03\x84" /* REFRESH, RETRY */
	    "\x00\x09\x3a\x80" "\x00\x01\x51\x80" /* EXPIRE, MINIMUM */
	), 13, 39, 0, W(
	    "\x03" "ns1" EXAMPLE_ORG "\x0a" "hostmaster" EXAMPLE_ORG
	    "\x00\x00\x00\x01" "\x00\x00\x0e\x10" "\x00\x00\x03\x84"
	    "\x00\x09\x3a\x80" "\x00\x01\x51\x80"
	) },
	{ "from_wire: MX with RDLENGTH too short", DNS_TYPE_MX, W(
	    EXAMPLE_ORG			/* @0 example.org. */
	    "\x00\x0a"			/* @13 PREFERENCE 10 */
	    "\x04" "mail" "\xc0\x00"	/* @15: ends at 22, RDLENGTH says 21 */
	), 13, 8, FAILS(MX_ERDLEN) },
	{ "from_wire: MX with RDLENGTH too long", DNS_TYPE_MX, W(
	    EXAMPLE_ORG			/* @0 example.org. */
	    "\x00\x0a"			/* @13 PREFERENCE 10 */
	    "\x04" "mail" "\xc0\x00"	/* @15 exchange */
	    "\x00"			/* @22 one octet more */
	), 13, 10, FAILS(MX_ERDLEN) },
	{ "from_wire: MX preference cut by RDLENGTH 1", DNS_TYPE_MX, W(
	    "\x00\x0a" "\x00"		/* 10 . */
	), 0, 1, FAILS(MX_ERDLEN) },
	{ "from_wire: A with RDLENGTH 3", DNS_TYPE_A, W(
	    "\xc0\x00\x02" "\x01"	/* 3 octets of rdata, one more */
	), 0, 3, FAILS(MX_ERDLEN) },
	{ "from_wire: A with RDLENGTH 5", DNS_TYPE_A, W(
	    "\xc0\x00\x02\x01" "\x00"
	), 0, 5, FAILS(MX_ERDLEN) },
	{ "from_wire: RDLENGTH past the end of the message", DNS_TYPE_A, W(
	    "\xc0\x00\x02\x01"
	), 0, 6, FAILS(MX_ESHORT) },
	{ "from_wire: MX exchange with a forward pointer", DNS_TYPE_MX, W(
	    "\x00\x0a"			/* @0 PREFERENCE */
	    "\xc0\x04"			/* @2 pointer to 4 */
	    "\x00"			/* @4 root */
	), 0, 4, FAILS(MX_EPTR) },
	{ "from_wire: NSEC next name may not be compressed", DNS_TYPE_NSEC,
	    W(
	    EXAMPLE_ORG			/* @0 example.org. */
	    "\x04" "next" "\xc0\x00"	/* @13 NEXT, compressed: bad content */
	    "\x00\x01\x40"		/* bitmap: A */
	), 13, 10, FAILS(MX_EMALF) },
	{ "from_wire: unknown type is copied as it is", TYPE65534, W(
	    "\xc0\x00"			/* looks like a pointer */
	), 0, 2, 0, W("\xc0\x00") },
	{ "from_wire: empty rdata of an unknown type", TYPE65534, W(""), 0, 0,
	    0, W("") },
};

static void
wire_run(void **state)
{
	const struct wire_case *tc = *state;
	uint8_t *msg = malloc(tc->msg_len > 0 ? tc->msg_len : 1);
	uint8_t out[512];
	size_t outlen = 0;
	struct cur c;
	int r;

	assert_non_null(msg);
	memcpy(msg, tc->msg, tc->msg_len);
	cur_init(&c, msg, tc->msg_len);
	c.off = tc->at;
	r = dns_rdata_from_wire(tc->type, &c, tc->rdlen, out, sizeof(out),
	    &outlen);
	free(msg);
	assert_string_equal(mx_errname(r), mx_errname(tc->err));
	assert_string_equal(mx_errname(c.err), mx_errname(tc->err));
	if (tc->err != 0)
		return;
	assert_int_equal(c.off, tc->at + tc->rdlen);
	assert_int_equal(outlen, tc->want_len);
	assert_memory_equal(out, tc->want, outlen);
}

static void
test_from_wire_espace(void **state)
{
	static const uint8_t msg[] =
	    EXAMPLE_ORG			/* @0 example.org. */
	    "\x00\x0a" "\x04" "mail" "\xc0\x00"; /* @13 MX 10 mail */
	uint8_t out[20];		/* 2 + mail.example.org. (18) */
	size_t cap, outlen;
	struct cur c;

	(void)state;
	for (cap = 0; cap < sizeof(out); cap++) {
		cur_init(&c, msg, sizeof(msg) - 1);
		c.off = 13;
		assert_int_equal(dns_rdata_from_wire(DNS_TYPE_MX, &c, 9, out,
		    cap, &outlen), MX_ESPACE);
	}
	cur_init(&c, msg, sizeof(msg) - 1);
	c.off = 13;
	assert_int_equal(dns_rdata_from_wire(DNS_TYPE_MX, &c, 9, out,
	    sizeof(out), &outlen), 0);
	assert_int_equal(outlen, sizeof(out));
}

/* Writing compresses the names of the RFC 1035 types only. */
static void
test_rdata_write_compresses_mx_only(void **state)
{
	static const uint8_t owner[] = "\x04" "mail" EXAMPLE_ORG;
	static const uint8_t mx[] = "\x00\x0a" "\x04" "mail" EXAMPLE_ORG;
	static const uint8_t srv[] = "\x00\x00" "\x00\x05" "\x13\xc4"
	    "\x04" "mail" EXAMPLE_ORG;
	uint8_t buf[128];
	struct dns_compress ct;
	struct wcur w;

	(void)state;
	dns_compress_init(&ct);
	wcur_init(&w, buf, sizeof(buf));
	dns_name_write(&w, owner, sizeof(owner) - 1, &ct);	/* @0 */
	dns_rdata_write(&w, DNS_TYPE_MX, mx, sizeof(mx) - 1, &ct);
	assert_int_equal(w.off, 18 + 4);
	assert_memory_equal(buf + 18, "\x00\x0a" "\xc0\x00", 4);
	dns_rdata_write(&w, DNS_TYPE_SRV, srv, sizeof(srv) - 1, &ct);
	assert_int_equal(w.off, 22 + sizeof(srv) - 1);
	assert_memory_equal(buf + 22, srv, sizeof(srv) - 1);
	assert_int_equal(w.err, 0);
}

/*
 * Canonical order, validation, fields.
 */
struct cmp_case {
	const char *name;
	uint16_t type;
	const char *a, *b;
	int sign;
};

static const struct cmp_case cmp_cases[] = {
	{ "cmp: MX exchanges differing in case are equal", DNS_TYPE_MX,
	    "10 MAIL.Example.ORG.", "10 mail.example.org.", 0 },
	{ "cmp: MX lower preference first", DNS_TYPE_MX, "10 b.", "20 a.",
	    -1 },
	{ "cmp: MX same preference, exchange decides", DNS_TYPE_MX,
	    "10 a.example.", "10 b.example.", -1 },
	{ "cmp: SOA names fold, numbers decide", DNS_TYPE_SOA,
	    "NS1 HOST 2 1 1 1 1", "ns1 host 1 1 1 1 1", 1 },
	{ "cmp: TXT case matters", DNS_TYPE_TXT, "\"ABC\"", "\"abc\"", -1 },
	{ "cmp: NSEC next name keeps its case (RFC 6840 5.1)", DNS_TYPE_NSEC,
	    "A.example. A", "a.example. A", -1 },
	{ "cmp: A in octet order", DNS_TYPE_A, "192.0.2.2", "192.0.2.10", -1 },
	{ "cmp: shorter rdata that is a prefix sorts first", DNS_TYPE_TXT,
	    "\"ab\"", "\"ab\" \"c\"", -1 },
	{ "cmp: unknown types in octet order", TYPE65534, "\\# 1 01",
	    "\\# 2 0000", 1 },
};

static void
cmp_run(void **state)
{
	const struct cmp_case *tc = *state;
	uint8_t a[512], b[512];
	size_t alen, blen, bad;
	int r, back;

	assert_int_equal(from_text(tc->type, tc->a, a, sizeof(a), &alen,
	    &bad), 0);
	assert_int_equal(from_text(tc->type, tc->b, b, sizeof(b), &blen,
	    &bad), 0);
	r = dns_rdata_cmp(tc->type, a, alen, b, blen);
	back = dns_rdata_cmp(tc->type, b, blen, a, alen);
	assert_int_equal((r > 0) - (r < 0), tc->sign);
	assert_int_equal((back > 0) - (back < 0), -tc->sign);
}

struct check_case {
	const char *name;
	uint16_t type;
	const uint8_t *rd;
	size_t len;
	int err;
};

static const struct check_case check_cases[] = {
	{ "check: valid MX", DNS_TYPE_MX, W(
	    "\x00\x0a" "\x02" "mx" "\x00"
	), 0 },
	{ "check: MX without root", DNS_TYPE_MX, W(
	    "\x00\x0a" "\x02" "mx"
	), MX_EMALF },
	{ "check: MX with a compressed exchange", DNS_TYPE_MX, W(
	    "\x00\x0a" "\xc0\x0c"
	), MX_EMALF },
	{ "check: MX with a trailing octet", DNS_TYPE_MX, W(
	    "\x00\x0a" "\x00" "\x00"
	), MX_EMALF },
	{ "check: A of 3 octets", DNS_TYPE_A, W("\xc0\x00\x02"), MX_EMALF },
	{ "check: empty A", DNS_TYPE_A, W(""), MX_EMALF },
	{ "check: TXT string past the end", DNS_TYPE_TXT, W(
	    "\x02" "ok" "\x05" "abc"
	), MX_EMALF },
	{ "check: NSEC bitmap window of 0 octets", DNS_TYPE_NSEC, W(
	    "\x00" "\x00\x00"
	), MX_EMALF },
	{ "check: NSEC bitmap window of 33 octets", DNS_TYPE_NSEC, W(
	    "\x00" "\x00\x21"
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	    "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01"
	), MX_EMALF },
	{ "check: NSEC bitmap window repeated", DNS_TYPE_NSEC, W(
	    "\x00" "\x00\x01\x40" "\x00\x01\x20"
	), MX_EMALF },
	{ "check: NSEC bitmap window header cut", DNS_TYPE_NSEC, W(
	    "\x00" "\x00"
	), MX_EMALF },
	{ "check: CAA with an empty tag", DNS_TYPE_CAA, W(
	    "\x00" "\x00" "x"
	), MX_EMALF },
	{ "check: DS without digest", DNS_TYPE_DS, W(
	    "\xec\x45" "\x05" "\x01"
	), MX_EMALF },
	{ "check: unknown type passes anything", TYPE65534, W(
	    "\xff\xff\xff"
	), 0 },
	{ "check: opaque known type passes anything", DNS_TYPE_SVCB, W(
	    "\xff"
	), 0 },
};

static void
check_run(void **state)
{
	const struct check_case *tc = *state;
	uint8_t *rd = malloc(tc->len > 0 ? tc->len : 1);
	int r;

	assert_non_null(rd);
	memcpy(rd, tc->rd, tc->len);
	r = dns_rdata_check(tc->type, rd, tc->len);
	free(rd);
	assert_string_equal(mx_errname(r), mx_errname(tc->err));
}

static void
test_field_mx_exchange(void **state)
{
	static const uint8_t mx[] = "\x00\x0a" "\x04" "mail" EXAMPLE_ORG;
	size_t off = 99, len = 99;

	(void)state;
	assert_int_equal(dns_rdata_field(DNS_TYPE_MX, mx, sizeof(mx) - 1, 1,
	    &off, &len), 0);
	assert_int_equal(off, 2);
	assert_int_equal(len, 18);
	assert_memory_equal(mx + off, "\x04" "mail" EXAMPLE_ORG, len);
	assert_int_equal(dns_rdata_field(DNS_TYPE_MX, mx, sizeof(mx) - 1, 0,
	    &off, &len), 0);
	assert_int_equal(off, 0);
	assert_int_equal(len, 2);
	assert_int_equal(dns_rdata_field(DNS_TYPE_MX, mx, sizeof(mx) - 1, 2,
	    &off, &len), MX_ENOENT);
	assert_int_equal(dns_rdata_field(DNS_TYPE_MX, mx, 5, 1, &off, &len),
	    MX_EMALF);
	assert_int_equal(dns_rdata_field(TYPE65534, mx, sizeof(mx) - 1, 0,
	    &off, &len), MX_ENOENT);
}

static void
test_field_soa_serial(void **state)
{
	uint8_t soa[512];
	size_t len, bad, off = 0, flen = 0;

	(void)state;
	assert_int_equal(from_text(DNS_TYPE_SOA,
	    "ns1 hostmaster 2024010101 1h 15m 1w 1d", soa, sizeof(soa), &len,
	    &bad), 0);
	assert_int_equal(dns_rdata_field(DNS_TYPE_SOA, soa, len, 2, &off,
	    &flen), 0);
	assert_int_equal(off, 17 + 24);		/* after MNAME, RNAME */
	assert_int_equal(flen, 4);
	assert_memory_equal(soa + off, "\x78\xa3\xf1\x75", 4);
	assert_int_equal(dns_rdata_field(DNS_TYPE_SOA, soa, len, 6, &off,
	    &flen), 0);
	assert_int_equal(off, len - 4);		/* MINIMUM is last */
	assert_int_equal(dns_rdata_field(DNS_TYPE_SOA, soa, len, 7, &off,
	    &flen), MX_ENOENT);
}

/*
 * Periods, types, classes, rcodes.
 */
struct period_case {
	const char *name;
	const char *text;
	int err;
	uint32_t want;
};

static const struct period_case period_cases[] = {
	{ "period: seconds", "3600", 0, 3600 },
	{ "period: 1h30m", "1h30m", 0, 5400 },
	{ "period: 2w", "2w", 0, 1209600 },
	{ "period: units in upper case 1W", "1W", 0, 604800 },
	{ "period: zero", "0", 0, 0 },
	{ "period: every unit", "1w1d1h1m1s", 0, 694861 },
	{ "period: trailing number counts as seconds", "1h30", 0, 3630 },
	{ "period: 2^32-1 seconds", "4294967295", 0, 4294967295u },
	{ "period: 2^32 seconds overflows", "4294967296", MX_ERANGE, 0 },
	{ "period: weeks overflow", "7102w", MX_ERANGE, 0 },
	{ "period: sum overflows", "4294967295s1s", MX_ERANGE, 0 },
	{ "period: sum with trailing seconds overflows", "4294967295s1",
	    MX_ERANGE, 0 },
	{ "period: a unit without a number", "h", MX_ESYNTAX, 0 },
	{ "period: two units in a row", "1hh", MX_ESYNTAX, 0 },
	{ "period: unknown unit", "1x", MX_ESYNTAX, 0 },
	{ "period: empty", "", MX_ESYNTAX, 0 },
	{ "period: negative", "-1", MX_ESYNTAX, 0 },
	{ "period: blank inside", "1h 30m", MX_ESYNTAX, 0 },
};

static void
period_run(void **state)
{
	const struct period_case *tc = *state;
	size_t n = strlen(tc->text);
	char *s = malloc(n > 0 ? n : 1);
	uint32_t v = 12345;
	int r;

	assert_non_null(s);
	memcpy(s, tc->text, n);
	r = dns_period_from_text(s, n, &v);
	free(s);
	assert_string_equal(mx_errname(r), mx_errname(tc->err));
	if (tc->err == 0)
		assert_int_equal(v, tc->want);
}

struct type_case {
	const char *name;
	const char *text;
	int err;
	uint16_t code;
};

static const struct type_case type_cases[] = {
	{ "type: MX", "MX", 0, DNS_TYPE_MX },
	{ "type: mx in lower case", "mx", 0, DNS_TYPE_MX },
	{ "type: A", "A", 0, DNS_TYPE_A },
	{ "type: a in lower case", "a", 0, DNS_TYPE_A },
	{ "type: AAAA", "AAAA", 0, DNS_TYPE_AAAA },
	{ "type: NSEC3PARAM", "nsec3param", 0, DNS_TYPE_NSEC3PARAM },
	{ "type: CAA", "CAA", 0, DNS_TYPE_CAA },
	{ "type: TYPE65534", "TYPE65534", 0, 65534 },
	{ "type: type15 in lower case is MX", "type15", 0, DNS_TYPE_MX },
	{ "type: TYPE0", "TYPE0", 0, 0 },
	{ "type: TYPE65536 is out of range", "TYPE65536", MX_ETYPE, 0 },
	{ "type: TYPE without a number", "TYPE", MX_ETYPE, 0 },
	{ "type: TYPE with letters", "TYPE1x", MX_ETYPE, 0 },
	{ "type: unknown mnemonic", "FOO", MX_ETYPE, 0 },
	{ "type: prefix of a mnemonic", "NSEC3PARA", MX_ETYPE, 0 },
	{ "type: mnemonic with a letter more", "MXX", MX_ETYPE, 0 },
	{ "type: empty", "", MX_ETYPE, 0 },
};

static void
type_run(void **state)
{
	const struct type_case *tc = *state;
	size_t n = strlen(tc->text);
	char *base = malloc(n > 0 ? n : 1), *s;
	uint16_t code = 12345;
	int r;

	/* The text ends where the allocation ends; empty text points one
	 * past a 1-byte block, so ASan sees any look at s[0]. */
	assert_non_null(base);
	s = n > 0 ? base : base + 1;
	memcpy(s, tc->text, n);
	r = dns_type_from_text(s, n, &code);
	free(base);
	assert_string_equal(mx_errname(r), mx_errname(tc->err));
	if (tc->err == 0)
		assert_int_equal(code, tc->code);
}

static void
test_type_to_text(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(dns_type_to_text(DNS_TYPE_MX, buf), "MX");
	assert_string_equal(dns_type_to_text(DNS_TYPE_CAA, buf), "CAA");
	assert_string_equal(dns_type_to_text(65534, buf), "TYPE65534");
	assert_string_equal(dns_type_to_text(10, buf), "TYPE10");
	assert_string_equal(dns_type_to_text(0, buf), "TYPE0");
	assert_ptr_equal(dns_type_to_text(1, buf), buf);
	/* Every mnemonic in the table reads back as its code. */
	for (unsigned c = 0; c < 65536; c++) {
		const struct dns_rrtype *t = dns_rrtype_find((uint16_t)c);
		uint16_t back;

		if (t == NULL)
			continue;
		assert_int_equal(t->code, c);
		dns_type_to_text((uint16_t)c, buf);
		assert_int_equal(dns_type_from_text(buf, strlen(buf), &back),
		    0);
		assert_int_equal(back, c);
	}
}

static void
test_class_from_and_to_text(void **state)
{
	static const struct {
		const char *text;
		int err;
		uint16_t code;
	} v[] = {
		{ "IN", 0, DNS_CLASS_IN }, { "in", 0, DNS_CLASS_IN },
		{ "CH", 0, DNS_CLASS_CH }, { "HS", 0, DNS_CLASS_HS },
		{ "NONE", 0, DNS_CLASS_NONE }, { "ANY", 0, DNS_CLASS_ANY },
		{ "CLASS1", 0, DNS_CLASS_IN }, { "class4711", 0, 4711 },
		{ "CLASS65535", 0, 65535 }, { "CLASS65536", MX_ECLASS, 0 },
		{ "CLASS", MX_ECLASS, 0 }, { "CLASSX", MX_ECLASS, 0 },
		{ "INN", MX_ECLASS, 0 }, { "", MX_ECLASS, 0 },
	};
	char buf[16];
	size_t i;

	(void)state;
	for (i = 0; i < NITEMS(v); i++) {
		uint16_t code = 0;
		int r = dns_class_from_text(v[i].text, strlen(v[i].text),
		    &code);

		if (r != v[i].err)
			fail_msg("class '%s': %s", v[i].text, mx_errname(r));
		if (r == 0)
			assert_int_equal(code, v[i].code);
	}
	assert_string_equal(dns_class_to_text(DNS_CLASS_IN, buf), "IN");
	assert_string_equal(dns_class_to_text(DNS_CLASS_CH, buf), "CH");
	assert_string_equal(dns_class_to_text(4711, buf), "CLASS4711");
}

static void
test_rcode_to_text(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(dns_rcode_to_text(DNS_RCODE_NXDOMAIN, buf),
	    "NXDOMAIN");
	assert_string_equal(dns_rcode_to_text(DNS_RCODE_BADVERS, buf),
	    "BADVERS");
	assert_string_equal(dns_rcode_to_text(23, buf), "RCODE23");
}

/* One cmocka test per table case, named for its behaviour. */
#define ADD_CASES(table, fn)						\
	do {								\
		for (i = 0; i < NITEMS(table); i++) {			\
			memset(&tests[n], 0, sizeof(tests[n]));		\
			tests[n].name = (table)[i].name;		\
			tests[n].test_func = (fn);			\
			tests[n].initial_state = (void *)&(table)[i];	\
			n++;						\
		}							\
	} while (0)

static const struct CMUnitTest fixed_tests[] = {
	cmocka_unit_test(test_every_table_type_has_a_round_trip),
	cmocka_unit_test(test_from_text_espace),
	cmocka_unit_test(test_to_text_generic_flag),
	cmocka_unit_test(test_to_text_espace),
	cmocka_unit_test(test_from_wire_espace),
	cmocka_unit_test(test_rdata_write_compresses_mx_only),
	cmocka_unit_test(test_field_mx_exchange),
	cmocka_unit_test(test_field_soa_serial),
	cmocka_unit_test(test_type_to_text),
	cmocka_unit_test(test_class_from_and_to_text),
	cmocka_unit_test(test_rcode_to_text),
};

int
main(void)
{
	struct CMUnitTest tests[NITEMS(rt_cases) + NITEMS(err_cases) +
	    NITEMS(to_text_cases) + NITEMS(split_cases) + NITEMS(wire_cases) +
	    NITEMS(cmp_cases) +
	    NITEMS(check_cases) + NITEMS(period_cases) + NITEMS(type_cases) +
	    NITEMS(fixed_tests)];
	size_t i, n = 0;

	ADD_CASES(rt_cases, rt_run);
	ADD_CASES(err_cases, err_run);
	ADD_CASES(to_text_cases, to_text_run);
	ADD_CASES(split_cases, split_run);
	ADD_CASES(wire_cases, wire_run);
	ADD_CASES(cmp_cases, cmp_run);
	ADD_CASES(check_cases, check_run);
	ADD_CASES(period_cases, period_run);
	ADD_CASES(type_cases, type_run);
	for (i = 0; i < NITEMS(fixed_tests); i++)
		tests[n++] = fixed_tests[i];
	return cmocka_run_group_tests_name("dns_rdata", tests, NULL, NULL);
}
