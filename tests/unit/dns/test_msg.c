/* test_msg.c -- dns_msg_parse and the dns_msgw writer (RFC 1035 4.1, 6891) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"

/* A wire literal and its length; the terminating NUL is not part of it. */
#define W(s)	(s), sizeof(s) - 1
#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Building blocks. Every message below starts with ID 0x1234 and has its
 * question at offset 12, so "\xc0\x0c" points to the question name.
 */
#define QNAME_EXAMPLE_COM					\
	"\x07" "example" "\x03" "com" "\x00"	/* example.com. (13) */
#define T_A	"\x00\x01"
#define T_MX	"\x00\x0f"
#define T_TXT	"\x00\x10"
#define T_SOA	"\x00\x06"
#define T_OPT	"\x00\x29"
#define C_IN	"\x00\x01"
#define TTL_1H	"\x00\x00\x0e\x10"		/* 3600 */

/*
 * A response for example.com MX with two MX records, the address of the
 * first exchange and an OPT RR; every name after the question is
 * compressed. Also the expected output of the writer test.
 */
#define MSG_MX_RESPONSE							\
	"\x12\x34" "\x81\x80"		/* ID, flags: QR RD RA */	\
	"\x00\x01" "\x00\x02"		/* QDCOUNT 1, ANCOUNT 2 */	\
	"\x00\x00" "\x00\x02"		/* NSCOUNT 0, ARCOUNT 2 */	\
	QNAME_EXAMPLE_COM T_MX C_IN	/* @12 question */		\
	"\xc0\x0c" T_MX C_IN TTL_1H	/* @29 example.com MX */	\
	"\x00\x08"			/* RDLENGTH */			\
	"\x00\x0a"			/* preference 10 */		\
	"\x03" "mx1" "\xc0\x0c"		/* @43 mx1.example.com */	\
	"\xc0\x0c" T_MX C_IN TTL_1H	/* @49 example.com MX */	\
	"\x00\x08"			/* RDLENGTH */			\
	"\x00\x14"			/* preference 20 */		\
	"\x03" "mx2" "\xc0\x0c"		/* @63 mx2.example.com */	\
	"\xc0\x2b" T_A C_IN TTL_1H	/* @69 mx1.example.com A */	\
	"\x00\x04" "\xc0\x00\x02\x01"	/* RDLENGTH, 192.0.2.1 */	\
	"\x00" T_OPT			/* @85 OPT, owner root */	\
	"\x04\xd0"			/* CLASS: UDP size 1232 */	\
	"\x00\x00\x80\x00"		/* TTL: ext rcode 0, v0, DO */	\
	"\x00\x00"			/* RDLENGTH 0 */

/* A query for example.com MX with an OPT RR carrying a cookie option. */
#define MSG_QUERY_OPT_COOKIE						\
	"\x12\x34" "\x01\x00"		/* ID, flags: RD */		\
	"\x00\x01" "\x00\x00"		/* QDCOUNT 1, ANCOUNT 0 */	\
	"\x00\x00" "\x00\x01"		/* NSCOUNT 0, ARCOUNT 1 */	\
	QNAME_EXAMPLE_COM T_MX C_IN	/* @12 question */		\
	"\x00" T_OPT			/* @29 OPT, owner root */	\
	"\x10\x00"			/* CLASS: UDP size 4096 */	\
	"\x00\x00\x00\x00"		/* TTL: no flags */		\
	"\x00\x0c"			/* RDLENGTH 12 */		\
	"\x00\x0a" "\x00\x08"		/* COOKIE, length 8 */		\
	"\x01\x02\x03\x04\x05\x06\x07\x08" /* client cookie */

struct parse_case {
	const char *name;
	const char *wire;
	size_t len;
	int err;
};

static const struct parse_case parse_cases[] = {
	/* Messages that parse. */
	{ "valid query", W(
	    "\x12\x34" "\x01\x00"	/* ID, flags: RD */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* example.com A IN */
	), 0 },
	{ "valid query with OPT and a cookie option",
	    W(MSG_QUERY_OPT_COOKIE), 0 },
	{ "valid MX response with compressed names and OPT",
	    W(MSG_MX_RESPONSE), 0 },
	{ "valid NXDOMAIN with SOA in authority", W(
	    "\x12\x34" "\x81\x83"	/* ID, flags: QR RD RA NXDOMAIN */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x01" "\x00\x00"	/* NSCOUNT 1, ARCOUNT 0 */
	    "\x06" "nosuch"		/* @12 nosuch. */
	    QNAME_EXAMPLE_COM T_A C_IN	/* @19 example.com., A IN */
	    "\xc0\x13" T_SOA C_IN TTL_1H /* @36 example.com SOA */
	    "\x00\x27"			/* RDLENGTH 39 */
	    "\x03" "ns1" "\xc0\x13"	/* MNAME ns1.example.com */
	    "\x0a" "hostmaster" "\xc0\x13" /* RNAME */
	    "\x78\x49\x12\x01"		/* SERIAL */
	    "\x00\x00\x1c\x20"		/* REFRESH 7200 */
	    "\x00\x00\x0e\x10"		/* RETRY 3600 */
	    "\x00\x12\x75\x00"		/* EXPIRE 1209600 */
	    "\x00\x00\x01\x2c"		/* MINIMUM 300 */
	), 0 },
	{ "valid TXT response with two strings", W(
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x01" "\x00\x01"	/* QDCOUNT 1, ANCOUNT 1 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    QNAME_EXAMPLE_COM T_TXT C_IN /* @12 question */
	    "\xc0\x0c" T_TXT C_IN TTL_1H /* @29 example.com TXT */
	    "\x00\x0c"			/* RDLENGTH 12 */
	    "\x06" "v=spf1" "\x04" "-all" /* two character-strings */
	), 0 },
	{ "valid header without records", W(
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x00" "\x00\x00"	/* QDCOUNT 0, ANCOUNT 0 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	), 0 },
	{ "valid OPT followed by another additional record", W(
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x00" "\x00\x02"	/* NSCOUNT 0, ARCOUNT 2 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* @12 question */
	    "\x00" T_OPT "\x04\xd0"	/* @29 OPT, UDP size 1232 */
	    "\x00\x00\x00\x00" "\x00\x00" /* TTL, RDLENGTH 0 */
	    "\xc0\x0c" T_A C_IN TTL_1H	/* @40 example.com A */
	    "\x00\x04" "\xc0\x00\x02\x01" /* RDLENGTH, 192.0.2.1 */
	), 0 },
	{ "valid unknown type with opaque rdata", W(
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x00" "\x00\x01"	/* QDCOUNT 0, ANCOUNT 1 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    "\x00" "\xff\x00" C_IN TTL_1H /* @12 . TYPE65280 */
	    "\x00\x03" "\xc0\xff\xee"	/* RDLENGTH 3, opaque octets */
	), 0 },

	/* The header and the counts. */
	{ "empty message", W(""), MX_EHEADER },
	{ "message shorter than its header", W(
	    "\x12\x34" "\x01\x00"	/* ID, flags: RD */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x00" "\x00"		/* NSCOUNT 0, ARCOUNT cut */
	), MX_EHEADER },
	{ "two questions", W(
	    "\x12\x34" "\x01\x00"	/* ID, flags: RD */
	    "\x00\x02" "\x00\x00"	/* QDCOUNT 2, ANCOUNT 0 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* example.com A IN */
	    "\xc0\x0c" T_MX C_IN	/* example.com MX IN */
	), MX_EQDCOUNT },
	{ "question count with no question bytes", W(
	    "\x12\x34" "\x01\x00"	/* ID, flags: RD */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	), MX_ECOUNT },
	{ "answer count larger than the bytes can hold", W(
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x01" "\xff\xff"	/* QDCOUNT 1, ANCOUNT 65535 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* @12 question */
	    "\xc0\x0c" T_A C_IN TTL_1H	/* @29 example.com A */
	    "\x00\x04" "\xc0\x00\x02\x01" /* RDLENGTH, 192.0.2.1 */
	), MX_ECOUNT },
	{ "additional count one too many", W(
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x00" "\x00\x00"	/* QDCOUNT 0, ANCOUNT 0 */
	    "\x00\x00" "\x00\x02"	/* NSCOUNT 0, ARCOUNT 2 */
	    "\x00" T_A C_IN TTL_1H	/* @12 . A */
	    "\x00\x04" "\xc0\x00\x02\x01" /* RDLENGTH, 192.0.2.1 */
	    "\x00" T_A C_IN "\x00"	/* @27 6 octets: 22 in all needed */
	), MX_ECOUNT },

	/* Records cut short. */
	{ "question cut after its name", W(
	    "\x12\x34" "\x01\x00"	/* ID, flags: RD */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    QNAME_EXAMPLE_COM "\x00"	/* name, half a QTYPE */
	), MX_ESHORT },
	{ "question name runs off the end", W(
	    "\x12\x34" "\x01\x00"	/* ID, flags: RD */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    "\x07" "exampl"		/* label of 7, 6 octets left */
	), MX_ESHORT },
	{ "answer cut inside its fixed fields", W(
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x01" "\x00\x01"	/* QDCOUNT 1, ANCOUNT 1 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* @12 question */
	    "\x03" "www" "\xc0\x0c"	/* @29 www.example.com */
	    T_A C_IN "\x00\x00"		/* TTL cut */
	), MX_ESHORT },
	{ "truncated rdata", W(
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x01" "\x00\x01"	/* QDCOUNT 1, ANCOUNT 1 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* @12 question */
	    "\xc0\x0c" T_A C_IN TTL_1H	/* @29 example.com A */
	    "\x00\x04" "\xc0\x00"	/* RDLENGTH 4, 2 octets left */
	), MX_ESHORT },

	/* Rdata that does not match RDLENGTH. */
	{ "A with RDLENGTH 3", W(
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x01" "\x00\x01"	/* QDCOUNT 1, ANCOUNT 1 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* @12 question */
	    "\xc0\x0c" T_A C_IN TTL_1H	/* @29 example.com A */
	    "\x00\x03" "\xc0\x00\x02"	/* RDLENGTH 3 */
	), MX_ERDLEN },
	{ "A with RDLENGTH 5", W(
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x01" "\x00\x01"	/* QDCOUNT 1, ANCOUNT 1 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* @12 question */
	    "\xc0\x0c" T_A C_IN TTL_1H	/* @29 example.com A */
	    "\x00\x05" "\xc0\x00\x02\x01\x00" /* RDLENGTH 5 */
	), MX_ERDLEN },
	{ "MX exchange running past RDLENGTH", W(
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x01" "\x00\x01"	/* QDCOUNT 1, ANCOUNT 1 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    QNAME_EXAMPLE_COM T_MX C_IN	/* @12 question */
	    "\xc0\x0c" T_MX C_IN TTL_1H	/* @29 example.com MX */
	    "\x00\x06"			/* RDLENGTH 6: 2 short */
	    "\x00\x0a"			/* preference 10 */
	    "\x03" "mx1" "\xc0\x0c"	/* mx1.example.com */
	), MX_ERDLEN },
	{ "trailing byte after the last record", W(
	    "\x12\x34" "\x01\x00"	/* ID, flags: RD */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* @12 question */
	    "\x00"			/* one octet too many */
	), MX_ETRAIL },

	/* OPT rules (RFC 6891 6.1.1). */
	{ "OPT in the answer section", W(
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x01" "\x00\x01"	/* QDCOUNT 1, ANCOUNT 1 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* @12 question */
	    "\x00" T_OPT "\x04\xd0"	/* @29 OPT, UDP size 1232 */
	    "\x00\x00\x00\x00" "\x00\x00" /* TTL, RDLENGTH 0 */
	), MX_EOPTPLACE },
	{ "OPT in the authority section", W(
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x01" "\x00\x00"	/* NSCOUNT 1, ARCOUNT 0 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* @12 question */
	    "\x00" T_OPT "\x04\xd0"	/* @29 OPT, UDP size 1232 */
	    "\x00\x00\x00\x00" "\x00\x00" /* TTL, RDLENGTH 0 */
	), MX_EOPTPLACE },
	{ "two OPT records", W(
	    "\x12\x34" "\x01\x00"	/* ID, flags: RD */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x00" "\x00\x02"	/* NSCOUNT 0, ARCOUNT 2 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* @12 question */
	    "\x00" T_OPT "\x04\xd0"	/* @29 OPT, UDP size 1232 */
	    "\x00\x00\x00\x00" "\x00\x00" /* TTL, RDLENGTH 0 */
	    "\x00" T_OPT "\x02\x00"	/* @40 OPT, UDP size 512 */
	    "\x00\x00\x00\x00" "\x00\x00" /* TTL, RDLENGTH 0 */
	), MX_EOPTMULTI },
	{ "OPT owner not the root", W(
	    "\x12\x34" "\x01\x00"	/* ID, flags: RD */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x00" "\x00\x01"	/* NSCOUNT 0, ARCOUNT 1 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* @12 question */
	    "\xc0\x0c" T_OPT "\x04\xd0"	/* @29 example.com OPT */
	    "\x00\x00\x00\x00" "\x00\x00" /* TTL, RDLENGTH 0 */
	), MX_EOPTOWNER },
	{ "OPT option longer than RDLENGTH", W(
	    "\x12\x34" "\x01\x00"	/* ID, flags: RD */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x00" "\x00\x01"	/* NSCOUNT 0, ARCOUNT 1 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* @12 question */
	    "\x00" T_OPT "\x04\xd0"	/* @29 OPT, UDP size 1232 */
	    "\x00\x00\x00\x00"		/* TTL */
	    "\x00\x08"			/* RDLENGTH 8 */
	    "\x00\x0a" "\x00\x08"	/* COOKIE, length 8: 4 left */
	    "\x01\x02\x03\x04"
	), MX_EMALF },
	{ "OPT option header cut", W(
	    "\x12\x34" "\x01\x00"	/* ID, flags: RD */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x00" "\x00\x01"	/* NSCOUNT 0, ARCOUNT 1 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* @12 question */
	    "\x00" T_OPT "\x04\xd0"	/* @29 OPT, UDP size 1232 */
	    "\x00\x00\x00\x00"		/* TTL */
	    "\x00\x02" "\x00\x0a"	/* RDLENGTH 2, OPTION-CODE */
	), MX_EMALF },

	/* Names (RFC 1035 3.1, 4.1.4). */
	{ "pointer to itself", W(
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x01" "\x00\x01"	/* QDCOUNT 1, ANCOUNT 1 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* @12 question */
	    "\xc0\x1d" T_A C_IN TTL_1H	/* @29 owner: pointer to 29 */
	    "\x00\x04" "\xc0\x00\x02\x01" /* RDLENGTH, 192.0.2.1 */
	), MX_EPTR },
	{ "pointer loop back to the start of its own name", W(
	    "\x12\x34" "\x01\x00"	/* ID, flags: RD */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    "\x01" "a" "\xc0\x0c"	/* @12 a, then pointer to 12 */
	    T_A C_IN			/* QTYPE, QCLASS */
	), MX_EPTR },
	{ "two pointers pointing at each other", W(
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x01" "\x00\x01"	/* QDCOUNT 1, ANCOUNT 1 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* @12 question */
	    "\xc0\x1f"			/* @29 owner: pointer to 31 */
	    "\xc0\x1d" C_IN TTL_1H	/* @31 TYPE that is a pointer */
	    "\x00\x04" "\xc0\x00\x02\x01" /* to 29; RDLENGTH, address */
	), MX_EPTR },
	{ "forward pointer to a later record", W(
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x01" "\x00\x01"	/* QDCOUNT 1, ANCOUNT 1 */
	    "\x00\x00" "\x00\x01"	/* NSCOUNT 0, ARCOUNT 1 */
	    QNAME_EXAMPLE_COM T_A C_IN	/* @12 question */
	    "\xc0\x2d" T_A C_IN TTL_1H	/* @29 owner: pointer to 45 */
	    "\x00\x04" "\xc0\x00\x02\x01" /* RDLENGTH, 192.0.2.1 */
	    "\x03" "www" "\xc0\x0c"	/* @45 www.example.com */
	    T_A C_IN TTL_1H		/* A IN */
	    "\x00\x04" "\xc0\x00\x02\x02" /* RDLENGTH, 192.0.2.2 */
	), MX_EPTR },
	{ "pointer inside rdata pointing forward", W(
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x01" "\x00\x01"	/* QDCOUNT 1, ANCOUNT 1 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    QNAME_EXAMPLE_COM T_MX C_IN	/* @12 question */
	    "\xc0\x0c" T_MX C_IN TTL_1H	/* @29 example.com MX */
	    "\x00\x04" "\x00\x0a"	/* RDLENGTH 4, preference */
	    "\xc0\x2b"			/* @43 exchange: pointer to 43 */
	), MX_EPTR },
	{ "label length 64 (extended label type)", W(
	    "\x12\x34" "\x01\x00"	/* ID, flags: RD */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    "\x40"			/* length byte 64: type 01 */
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "\x00" T_A C_IN		/* root, QTYPE, QCLASS */
	), MX_ELABELTYPE },
	{ "reserved label type 0x80", W(
	    "\x12\x34" "\x01\x00"	/* ID, flags: RD */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    "\x80\x01" "a" "\x00"	/* label type 10 */
	    T_A C_IN			/* QTYPE, QCLASS */
	), MX_ELABELTYPE },
};

/* Parses a copy of the case in a heap block of its exact size (so that
 * ASan sees a one-byte over-read) and checks the error by name. A message
 * that parses must also give every owner and rdata back. */
static void
parse_case_run(void **state)
{
	const struct parse_case *pc = *state;
	struct dns_msg m;
	struct dns_msg_rr rr[16];
	uint8_t *wire = NULL, name[DNS_NAME_MAX], rd[1024];
	size_t i, nlen, rdlen;
	int err;

	if (pc->len > 0) {
		wire = malloc(pc->len);
		assert_non_null(wire);
		memcpy(wire, pc->wire, pc->len);
	}
	err = dns_msg_parse(&m, wire, pc->len, rr, NITEMS(rr), 0);
	if (err != pc->err)
		fail_msg("%s: got %s, want %s", pc->name, mx_errname(err),
		    mx_errname(pc->err));
	for (i = 0; err == 0 && i < m.nrr; i++) {
		assert_int_equal(dns_msg_rr_owner(&m, &rr[i], name, &nlen), 0);
		assert_int_equal(dns_msg_rr_rdata(&m, &rr[i], rd, sizeof(rd),
		    &rdlen), 0);
	}
	free(wire);
}

/* Parses a heap copy of wire[0..len) into m, rr[0..cap). */
static int
parse_copy(struct dns_msg *m, uint8_t **copy, const void *wire, size_t len,
    struct dns_msg_rr *rr, size_t cap, unsigned flags)
{
	*copy = malloc(len);
	assert_non_null(*copy);
	memcpy(*copy, wire, len);
	return dns_msg_parse(m, *copy, len, rr, cap, flags);
}

static void
assert_name(const uint8_t *got, size_t gotlen, const char *want)
{
	char text[DNS_NAME_TEXT_MAX];

	assert_true(dns_name_to_text(got, gotlen, text, sizeof(text)) > 0);
	assert_string_equal(text, want);
}

static void
test_query_fields(void **state)
{
	static const char wire[] =
	    "\x12\x34" "\x01\x00"	/* ID, flags: RD */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    "\x07" "ExAmple" "\x03" "com" "\x00" /* case kept */
	    T_MX C_IN;			/* QTYPE MX, QCLASS IN */
	struct dns_msg m;
	struct dns_msg_rr rr[4];
	uint8_t *copy;

	(void)state;
	assert_int_equal(parse_copy(&m, &copy, wire, sizeof(wire) - 1, rr,
	    NITEMS(rr), 0), 0);
	assert_int_equal(m.hdr.id, 0x1234);
	assert_int_equal(m.hdr.flags, DNS_FLAG_RD);
	assert_int_equal(m.hdr.qdcount, 1);
	assert_int_equal(m.qname_len, 13);
	assert_memory_equal(m.qname, "\x07" "ExAmple" "\x03" "com" "\x00", 13);
	assert_int_equal(m.qtype, DNS_TYPE_MX);
	assert_int_equal(m.qclass, DNS_CLASS_IN);
	assert_int_equal(m.nrr, 0);
	assert_false(m.edns.present);
	assert_int_equal(m.opt_off, 0);
	assert_int_equal(m.rcode, DNS_RCODE_NOERROR);
	free(copy);
}

static void
test_mx_response_fields(void **state)
{
	static const char wire[] = MSG_MX_RESPONSE;
	static const uint8_t mx1[] =
	    "\x00\x0a" "\x03" "mx1" "\x07" "example" "\x03" "com" "\x00";
	struct dns_msg m;
	struct dns_msg_rr rr[4];
	uint8_t *copy, name[DNS_NAME_MAX], rd[64];
	size_t nlen, rdlen;

	(void)state;
	assert_int_equal(parse_copy(&m, &copy, wire, sizeof(wire) - 1, rr,
	    NITEMS(rr), 0), 0);
	assert_int_equal(m.nrr, 3);		/* OPT not indexed */
	assert_int_equal(rr[0].section, DNS_SEC_ANSWER);
	assert_int_equal(rr[1].section, DNS_SEC_ANSWER);
	assert_int_equal(rr[2].section, DNS_SEC_ADDITIONAL);
	assert_int_equal(rr[0].owner_off, 29);
	assert_int_equal(rr[0].type, DNS_TYPE_MX);
	assert_int_equal(rr[0].rclass, DNS_CLASS_IN);
	assert_int_equal(rr[0].ttl, 3600);
	assert_int_equal(rr[0].rdata_off, 41);
	assert_int_equal(rr[0].rdlen, 8);

	assert_int_equal(dns_msg_rr_owner(&m, &rr[0], name, &nlen), 0);
	assert_name(name, nlen, "example.com.");
	assert_int_equal(dns_msg_rr_rdata(&m, &rr[0], rd, sizeof(rd), &rdlen),
	    0);
	assert_int_equal(rdlen, sizeof(mx1) - 1);	/* decompressed */
	assert_memory_equal(rd, mx1, rdlen);
	assert_int_equal(dns_msg_rr_owner(&m, &rr[2], name, &nlen), 0);
	assert_name(name, nlen, "mx1.example.com.");
	assert_int_equal(rr[2].type, DNS_TYPE_A);

	assert_true(m.edns.present);
	assert_int_equal(m.opt_off, 85);
	assert_int_equal(m.edns.udp_size, 1232);
	assert_int_equal(m.edns.flags, DNS_EDNS_DO);
	assert_int_equal(m.edns.version, 0);
	assert_int_equal(m.edns.optlen, 0);
	free(copy);
}

static void
test_edns_fields(void **state)
{
	static const char wire[] =
	    "\x12\x34" "\x81\x00"	/* ID, flags: QR RD, rcode 0 */
	    "\x00\x00" "\x00\x00"	/* QDCOUNT 0, ANCOUNT 0 */
	    "\x00\x00" "\x00\x01"	/* NSCOUNT 0, ARCOUNT 1 */
	    "\x00" T_OPT		/* @12 OPT, owner root */
	    "\x00\x64"			/* CLASS: UDP size 100, kept */
	    "\x01\x01\x80\x01"		/* ext rcode 1, v1, DO + Z bit */
	    "\x00\x06"			/* RDLENGTH 6 */
	    "\x00\x0f" "\x00\x02"	/* EDE, length 2 */
	    "\x00\x12";			/* info code 18 */
	struct dns_msg m;
	struct dns_msg_rr rr[4];
	uint8_t *copy;

	(void)state;
	assert_int_equal(parse_copy(&m, &copy, wire, sizeof(wire) - 1, rr,
	    NITEMS(rr), 0), 0);
	assert_true(m.edns.present);
	assert_int_equal(m.edns.udp_size, 100);
	assert_int_equal(m.edns.ext_rcode, 1);
	assert_int_equal(m.edns.version, 1);
	assert_int_equal(m.edns.flags, DNS_EDNS_DO | 1);
	assert_int_equal(m.rcode, DNS_RCODE_BADVERS);	/* 1 << 4 | 0 */
	assert_int_equal(m.edns.optlen, 6);
	assert_memory_equal(m.edns.opts, "\x00\x0f\x00\x02\x00\x12", 6);
	assert_int_equal(m.opt_off, 12);
	assert_int_equal(m.nrr, 0);
	free(copy);
}

static void
test_rcode_without_edns(void **state)
{
	static const char wire[] =
	    "\x12\x34" "\x81\x85"	/* ID, flags: QR RD, REFUSED */
	    "\x00\x00" "\x00\x00"	/* QDCOUNT 0, ANCOUNT 0 */
	    "\x00\x00" "\x00\x00";	/* NSCOUNT 0, ARCOUNT 0 */
	struct dns_msg m;
	struct dns_msg_rr rr[1];
	uint8_t *copy;

	(void)state;
	assert_int_equal(parse_copy(&m, &copy, wire, sizeof(wire) - 1, rr,
	    NITEMS(rr), 0), 0);
	assert_int_equal(m.rcode, DNS_RCODE_REFUSED);
	assert_false(m.edns.present);
	free(copy);
}

static void
test_header_kept_on_error(void **state)
{
	static const char wire[] =
	    "\xbe\xef" "\x01\x00"	/* ID, flags: RD */
	    "\x00\x02" "\x00\x00"	/* QDCOUNT 2, ANCOUNT 0 */
	    "\x00\x00" "\x00\x00";	/* NSCOUNT 0, ARCOUNT 0 */
	struct dns_msg m;
	struct dns_msg_rr rr[1];
	uint8_t *copy;

	(void)state;
	assert_int_equal(parse_copy(&m, &copy, wire, sizeof(wire) - 1, rr,
	    NITEMS(rr), 0), MX_EQDCOUNT);
	assert_int_equal(m.hdr.id, 0xbeef);	/* enough for FORMERR */
	assert_int_equal(m.hdr.flags, DNS_FLAG_RD);
	free(copy);
}

static void
test_rr_index_full(void **state)
{
	static const char wire[] = MSG_MX_RESPONSE;
	struct dns_msg m;
	struct dns_msg_rr rr[3];
	uint8_t *copy;

	(void)state;
	assert_int_equal(parse_copy(&m, &copy, wire, sizeof(wire) - 1, rr, 2,
	    0), MX_ESPACE);
	assert_int_equal(m.nrr, 2);
	free(copy);
	assert_int_equal(parse_copy(&m, &copy, wire, sizeof(wire) - 1, rr, 3,
	    0), 0);
	free(copy);
}

static void
test_no_rdata_check(void **state)
{
	static const char wire[] =
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x00" "\x00\x01"	/* QDCOUNT 0, ANCOUNT 1 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    "\x00" T_A C_IN TTL_1H	/* @12 . A */
	    "\x00\x03" "\xc0\x00\x02";	/* RDLENGTH 3 */
	struct dns_msg m;
	struct dns_msg_rr rr[1];
	uint8_t *copy, rd[16];
	size_t rdlen;

	(void)state;
	assert_int_equal(parse_copy(&m, &copy, wire, sizeof(wire) - 1, rr,
	    NITEMS(rr), DNS_MSG_NO_RDATA_CHECK), 0);
	assert_int_equal(m.nrr, 1);
	assert_int_equal(rr[0].rdlen, 3);
	assert_int_equal(dns_msg_rr_rdata(&m, &rr[0], rd, sizeof(rd), &rdlen),
	    MX_ERDLEN);
	free(copy);
}

static void
test_rdata_small_buffer(void **state)
{
	static const char wire[] = MSG_MX_RESPONSE;
	struct dns_msg m;
	struct dns_msg_rr rr[4];
	uint8_t *copy, rd[8];
	size_t rdlen;

	(void)state;
	assert_int_equal(parse_copy(&m, &copy, wire, sizeof(wire) - 1, rr,
	    NITEMS(rr), 0), 0);
	/* 19 octets once decompressed. */
	assert_int_equal(dns_msg_rr_rdata(&m, &rr[0], rd, sizeof(rd), &rdlen),
	    MX_ESPACE);
	free(copy);
}

static void
test_message_over_65535(void **state)
{
	struct dns_msg m;
	struct dns_msg_rr rr[1];
	uint8_t *wire;

	(void)state;
	wire = calloc(1, DNS_MSG_MAX + 1);	/* header of zeros */
	assert_non_null(wire);
	assert_int_equal(dns_msg_parse(&m, wire, DNS_MSG_MAX + 1, rr, 1, 0),
	    MX_EMALF);
	free(wire);
}

/*
 * A chain of compression pointers: the first answer (owner root, private
 * type 65280) carries in its rdata a root label at offset 23 and then
 * links - 1 pointers, each to the one before; the second answer's owner
 * points to the last, so reading it follows `links` pointers.
 */
static size_t
build_pointer_chain(uint8_t *buf, unsigned links)
{
	static const uint8_t head[] =
	    "\x12\x34" "\x81\x80"	/* ID, flags: QR RD RA */
	    "\x00\x00" "\x00\x02"	/* QDCOUNT 0, ANCOUNT 2 */
	    "\x00\x00" "\x00\x00"	/* NSCOUNT 0, ARCOUNT 0 */
	    "\x00" "\xff\x00" C_IN	/* @12 . TYPE65280 IN */
	    "\x00\x00\x00\x00";		/* TTL */
	size_t o = sizeof(head) - 1, rdlen = 1 + 2 * ((size_t)links - 1);
	size_t last = 23, at;
	unsigned i;

	memcpy(buf, head, o);
	buf[o++] = (uint8_t)(rdlen >> 8);	/* RDLENGTH */
	buf[o++] = (uint8_t)rdlen;
	buf[o++] = 0;				/* @23 the root */
	for (i = 1; i < links; i++) {
		at = o;
		buf[o++] = (uint8_t)(0xc0 | last >> 8);
		buf[o++] = (uint8_t)last;
		last = at;
	}
	buf[o++] = (uint8_t)(0xc0 | last >> 8);	/* owner: to the last */
	buf[o++] = (uint8_t)last;
	memcpy(buf + o, "\xff\x00" C_IN "\x00\x00\x00\x00" "\x00\x00", 10);
	return o + 10;			/* TYPE65280 IN, TTL 0, RDLENGTH 0 */
}

static void
test_pointer_hops_127(void **state)
{
	uint8_t buf[512], *copy, name[DNS_NAME_MAX];
	struct dns_msg m;
	struct dns_msg_rr rr[2];
	size_t nlen;

	(void)state;
	assert_int_equal(parse_copy(&m, &copy, buf,
	    build_pointer_chain(buf, DNS_PTR_HOPS_MAX), rr, NITEMS(rr), 0), 0);
	assert_int_equal(dns_msg_rr_owner(&m, &rr[1], name, &nlen), 0);
	assert_int_equal(nlen, 1);
	free(copy);
}

static void
test_pointer_hops_128(void **state)
{
	uint8_t buf[512], *copy;
	struct dns_msg m;
	struct dns_msg_rr rr[2];

	(void)state;
	assert_int_equal(parse_copy(&m, &copy, buf,
	    build_pointer_chain(buf, DNS_PTR_HOPS_MAX + 1), rr, NITEMS(rr), 0),
	    MX_EPTRLOOP);
	free(copy);
}

/* A query whose name has three labels of 63 octets and one of `last`:
 * 3 * 64 + 1 + last + 1 octets in all. */
static size_t
build_long_qname(uint8_t *buf, size_t last)
{
	static const uint8_t head[] =
	    "\x12\x34" "\x01\x00"	/* ID, flags: RD */
	    "\x00\x01" "\x00\x00"	/* QDCOUNT 1, ANCOUNT 0 */
	    "\x00\x00" "\x00\x00";	/* NSCOUNT 0, ARCOUNT 0 */
	size_t o = sizeof(head) - 1;
	int i;

	memcpy(buf, head, o);
	for (i = 0; i < 3; i++) {
		buf[o++] = 63;
		memset(buf + o, 'a', 63);
		o += 63;
	}
	buf[o++] = (uint8_t)last;
	memset(buf + o, 'b', last);
	o += last;
	buf[o++] = 0;
	memcpy(buf + o, T_A C_IN, 4);
	return o + 4;
}

static void
test_name_255_octets(void **state)
{
	uint8_t buf[512], *copy;
	struct dns_msg m;
	struct dns_msg_rr rr[1];

	(void)state;
	assert_int_equal(parse_copy(&m, &copy, buf, build_long_qname(buf, 61),
	    rr, NITEMS(rr), 0), 0);
	assert_int_equal(m.qname_len, DNS_NAME_MAX);
	free(copy);
}

static void
test_name_256_octets(void **state)
{
	uint8_t buf[512], *copy;
	struct dns_msg m;
	struct dns_msg_rr rr[1];

	(void)state;
	assert_int_equal(parse_copy(&m, &copy, buf, build_long_qname(buf, 62),
	    rr, NITEMS(rr), 0), MX_ENAMELEN);
	free(copy);
}

/* A name of 60 octets plus a pointer to a 255-octet question name. */
static void
test_name_too_long_through_pointer(void **state)
{
	uint8_t buf[512], *copy;
	struct dns_msg m;
	struct dns_msg_rr rr[1];
	size_t o;

	(void)state;
	o = build_long_qname(buf, 61);
	buf[7] = 1;				/* ANCOUNT 1 */
	buf[o++] = 59;				/* label of 59 */
	memset(buf + o, 'c', 59);
	o += 59;
	memcpy(buf + o, "\xc0\x0c" T_A C_IN TTL_1H	/* to 12, A IN */
	    "\x00\x04" "\xc0\x00\x02\x01", 16);	/* 192.0.2.1 */
	o += 16;
	assert_int_equal(parse_copy(&m, &copy, buf, o, rr, NITEMS(rr), 0),
	    MX_ENAMELEN);
	free(copy);
}

/*
 * Writer.
 */
#define N(s)	(const uint8_t *)(s), sizeof(s) - 1
#define EXAMPLE_COM	"\x07" "example" "\x03" "com" "\x00"
#define MX1_EXAMPLE_COM	"\x03" "mx1" EXAMPLE_COM

/* Writes MSG_MX_RESPONSE from uncompressed names: the output must be the
 * same octets, compression pointers included, and parse again. */
static void
test_msgw_round_trip(void **state)
{
	static const char want[] = MSG_MX_RESPONSE;
	struct dns_edns e = { .udp_size = 1232, .flags = DNS_EDNS_DO };
	struct dns_msgw mw;
	struct dns_msg m;
	struct dns_msg_rr rr[4];
	uint8_t buf[512], *copy, name[DNS_NAME_MAX];
	size_t len, nlen;

	(void)state;
	dns_msgw_init(&mw, buf, sizeof(buf), 0x1234,
	    DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA);
	assert_int_equal(dns_msgw_question(&mw, N(EXAMPLE_COM), DNS_TYPE_MX,
	    DNS_CLASS_IN), 0);
	assert_int_equal(dns_msgw_rr(&mw, DNS_SEC_ANSWER, N(EXAMPLE_COM),
	    DNS_TYPE_MX, DNS_CLASS_IN, 3600, N("\x00\x0a" MX1_EXAMPLE_COM)), 0);
	assert_int_equal(dns_msgw_rr(&mw, DNS_SEC_ANSWER, N(EXAMPLE_COM),
	    DNS_TYPE_MX, DNS_CLASS_IN, 3600,
	    N("\x00\x14" "\x03" "mx2" EXAMPLE_COM)), 0);
	assert_int_equal(dns_msgw_rr(&mw, DNS_SEC_ADDITIONAL,
	    N(MX1_EXAMPLE_COM), DNS_TYPE_A, DNS_CLASS_IN, 3600,
	    N("\xc0\x00\x02\x01")), 0);
	assert_int_equal(dns_msgw_opt(&mw, &e), 0);
	len = dns_msgw_finish(&mw);
	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(buf, want, len);

	assert_int_equal(parse_copy(&m, &copy, buf, len, rr, NITEMS(rr), 0),
	    0);
	assert_int_equal(m.nrr, 3);
	assert_int_equal(dns_msg_rr_owner(&m, &rr[2], name, &nlen), 0);
	assert_name(name, nlen, "mx1.example.com.");
	assert_true(m.edns.present);
	free(copy);
}

/*
 * A record that does not fit must leave the message and the compression
 * table as they were; the next record that fits is written as if the
 * failed one had never been tried.
 */
static void
test_msgw_rollback_on_espace(void **state)
{
	uint8_t txt[100], buf[95], before[95], *copy, name[DNS_NAME_MAX];
	struct dns_msgw mw;
	struct dns_msg m;
	struct dns_msg_rr rr[2];
	unsigned ctn;
	size_t len, nlen;

	(void)state;
	txt[0] = 99;				/* one string of 99 */
	memset(txt + 1, 'x', 99);
	/* 29 octets of header and question, room for 66 more. */
	dns_msgw_init(&mw, buf, sizeof(buf), 0x1234, DNS_FLAG_QR);
	assert_int_equal(dns_msgw_question(&mw, N(EXAMPLE_COM), DNS_TYPE_TXT,
	    DNS_CLASS_IN), 0);
	assert_int_equal(mw.len, 29);
	memcpy(before, buf, mw.len);
	ctn = mw.ct.n;

	/* Owner (6) and fixed fields (10) fit, the 100 octets of rdata not. */
	assert_int_equal(dns_msgw_rr(&mw, DNS_SEC_ANSWER,
	    N("\x03" "new" EXAMPLE_COM), DNS_TYPE_TXT, DNS_CLASS_IN, 60, txt,
	    sizeof(txt)), MX_ESPACE);
	assert_int_equal(mw.len, 29);
	assert_int_equal(mw.ct.n, ctn);
	assert_int_equal(mw.count[DNS_SEC_ANSWER], 0);
	assert_memory_equal(buf, before, 29);

	/* The same owner again: compressed against the question only. */
	assert_int_equal(dns_msgw_rr(&mw, DNS_SEC_ANSWER,
	    N("\x03" "new" EXAMPLE_COM), DNS_TYPE_A, DNS_CLASS_IN, 60,
	    N("\xc0\x00\x02\x01")), 0);
	len = dns_msgw_finish(&mw);
	assert_int_equal(len, 49);
	assert_memory_equal(buf + 29,
	    "\x03" "new" "\xc0\x0c"		/* new.example.com */
	    T_A C_IN "\x00\x00\x00\x3c"		/* A IN, TTL 60 */
	    "\x00\x04" "\xc0\x00\x02\x01", 20);	/* RDLENGTH, 192.0.2.1 */
	assert_int_equal(parse_copy(&m, &copy, buf, len, rr, NITEMS(rr), 0),
	    0);
	assert_int_equal(m.hdr.ancount, 1);
	assert_int_equal(dns_msg_rr_owner(&m, &rr[0], name, &nlen), 0);
	assert_name(name, nlen, "new.example.com.");
	free(copy);
}

static void
test_msgw_question_espace(void **state)
{
	uint8_t buf[20];
	struct dns_msgw mw;

	(void)state;
	dns_msgw_init(&mw, buf, sizeof(buf), 0x1234, DNS_FLAG_RD);
	assert_int_equal(dns_msgw_question(&mw, N(EXAMPLE_COM), DNS_TYPE_A,
	    DNS_CLASS_IN), MX_ESPACE);
	assert_int_equal(mw.ct.n, 0);
	assert_int_equal(dns_msgw_finish(&mw), DNS_HDR_LEN);
	assert_memory_equal(buf, "\x12\x34\x01\x00\x00\x00\x00\x00\x00\x00"
	    "\x00\x00", DNS_HDR_LEN);
}

static void
test_msgw_buffer_below_header(void **state)
{
	uint8_t buf[11];
	struct dns_msgw mw;
	struct dns_edns e = { .udp_size = 512 };

	(void)state;
	dns_msgw_init(&mw, buf, sizeof(buf), 0x1234, DNS_FLAG_RD);
	assert_int_equal(dns_msgw_question(&mw, N(EXAMPLE_COM), DNS_TYPE_A,
	    DNS_CLASS_IN), MX_ESPACE);
	assert_int_equal(dns_msgw_rr(&mw, DNS_SEC_ANSWER, N(EXAMPLE_COM),
	    DNS_TYPE_A, DNS_CLASS_IN, 0, N("\xc0\x00\x02\x01")), MX_ESPACE);
	assert_int_equal(dns_msgw_opt(&mw, &e), MX_ESPACE);
	assert_int_equal(dns_msgw_finish(&mw), 0);
}

static void
test_msgw_order_enforced(void **state)
{
	uint8_t buf[512];
	struct dns_msgw mw;
	struct dns_edns e = { .udp_size = 1232 };

	(void)state;
	dns_msgw_init(&mw, buf, sizeof(buf), 0x1234, DNS_FLAG_QR);
	assert_int_equal(dns_msgw_question(&mw, N(EXAMPLE_COM), DNS_TYPE_A,
	    DNS_CLASS_IN), 0);
	assert_int_equal(dns_msgw_question(&mw, N(EXAMPLE_COM), DNS_TYPE_A,
	    DNS_CLASS_IN), MX_EINVAL);		/* a second question */
	assert_int_equal(dns_msgw_rr(&mw, DNS_SEC_QUESTION, N(EXAMPLE_COM),
	    DNS_TYPE_A, DNS_CLASS_IN, 0, N("\xc0\x00\x02\x01")), MX_EINVAL);
	assert_int_equal(dns_msgw_rr(&mw, DNS_SEC_AUTHORITY, N(EXAMPLE_COM),
	    DNS_TYPE_A, DNS_CLASS_IN, 0, N("\xc0\x00\x02\x01")), 0);
	assert_int_equal(dns_msgw_rr(&mw, DNS_SEC_ANSWER, N(EXAMPLE_COM),
	    DNS_TYPE_A, DNS_CLASS_IN, 0, N("\xc0\x00\x02\x01")), MX_EINVAL);
	assert_int_equal(dns_msgw_rr(&mw, DNS_SEC_ADDITIONAL, N("\x00"),
	    DNS_TYPE_OPT, 1232, 0, NULL, 0), MX_EINVAL);	/* use _opt */
	assert_int_equal(dns_msgw_opt(&mw, &e), 0);
	assert_int_equal(dns_msgw_opt(&mw, &e), MX_EOPTMULTI);
	assert_int_equal(dns_msgw_rr(&mw, DNS_SEC_AUTHORITY, N(EXAMPLE_COM),
	    DNS_TYPE_A, DNS_CLASS_IN, 0, N("\xc0\x00\x02\x01")), MX_EINVAL);
	/* Additional records may follow the OPT RR (TSIG must). */
	assert_int_equal(dns_msgw_rr(&mw, DNS_SEC_ADDITIONAL, N(EXAMPLE_COM),
	    DNS_TYPE_A, DNS_CLASS_IN, 0, N("\xc0\x00\x02\x01")), 0);
	assert_int_equal(mw.count[DNS_SEC_ADDITIONAL], 2);
}

static void
test_msgw_refuses_bad_input(void **state)
{
	uint8_t buf[512];
	struct dns_msgw mw;
	struct dns_edns e = { .udp_size = 1232, .optlen = 3,
	    .opts = (const uint8_t *)"\x00\x0a\x00" };

	(void)state;
	dns_msgw_init(&mw, buf, sizeof(buf), 0x1234, DNS_FLAG_QR);
	assert_int_equal(dns_msgw_question(&mw, N("\xc0\x0c"), DNS_TYPE_A,
	    DNS_CLASS_IN), MX_EMALF);		/* compressed name */
	assert_int_equal(dns_msgw_question(&mw, N("\x03" "com"), DNS_TYPE_A,
	    DNS_CLASS_IN), MX_EMALF);		/* no root label */
	assert_int_equal(dns_msgw_rr(&mw, DNS_SEC_ANSWER,
	    N(EXAMPLE_COM "\x00"), DNS_TYPE_A, DNS_CLASS_IN, 0,
	    N("\xc0\x00\x02\x01")), MX_EMALF);	/* octet after the name */
	assert_int_equal(dns_msgw_rr(&mw, DNS_SEC_ANSWER, N(EXAMPLE_COM),
	    DNS_TYPE_A, DNS_CLASS_IN, 0, N("\xc0\x00\x02")),
	    MX_EMALF);				/* A of 3 octets */
	assert_int_equal(dns_msgw_rr(&mw, DNS_SEC_ANSWER, N(EXAMPLE_COM),
	    DNS_TYPE_MX, DNS_CLASS_IN, 0, N("\x00\x0a" "\x03" "mx1")),
	    MX_EMALF);				/* MX without root */
	assert_int_equal(dns_msgw_opt(&mw, &e), MX_EMALF);
	assert_int_equal(mw.len, DNS_HDR_LEN);
	assert_int_equal(mw.ct.n, 0);
}

static void
test_msgw_edns_fields(void **state)
{
	static const uint8_t cookie[] =
	    "\x00\x0a" "\x00\x08" "\x01\x02\x03\x04\x05\x06\x07\x08";
	struct dns_edns e = { .udp_size = 4096, .ext_rcode = 1, .version = 0,
	    .flags = DNS_EDNS_DO, .opts = cookie, .optlen = 12 };
	uint8_t buf[512], *copy;
	struct dns_msgw mw;
	struct dns_msg m;
	struct dns_msg_rr rr[1];
	size_t len;

	(void)state;
	dns_msgw_init(&mw, buf, sizeof(buf), 0x1234, DNS_FLAG_QR);
	assert_int_equal(dns_msgw_opt(&mw, &e), 0);
	len = dns_msgw_finish(&mw);
	assert_memory_equal(buf + DNS_HDR_LEN,
	    "\x00" T_OPT "\x10\x00"		/* root OPT, UDP size 4096 */
	    "\x01\x00\x80\x00"			/* ext rcode 1, v0, DO */
	    "\x00\x0c", 11);			/* RDLENGTH 12 */
	assert_int_equal(parse_copy(&m, &copy, buf, len, rr, NITEMS(rr), 0),
	    0);
	assert_true(m.edns.present);
	assert_int_equal(m.edns.udp_size, 4096);
	assert_int_equal(m.edns.flags, DNS_EDNS_DO);
	assert_int_equal(m.rcode, DNS_RCODE_BADVERS);
	assert_int_equal(m.edns.optlen, 12);
	assert_memory_equal(m.edns.opts, cookie, 12);
	free(copy);
}

static void
test_msgw_flags_or(void **state)
{
	uint8_t buf[64];
	struct dns_msgw mw;

	(void)state;
	dns_msgw_init(&mw, buf, sizeof(buf), 0x1234, DNS_FLAG_QR | DNS_FLAG_RD);
	dns_msgw_flags(&mw, DNS_FLAG_TC | DNS_RCODE_SERVFAIL);
	assert_int_equal(dns_msgw_finish(&mw), DNS_HDR_LEN);
	assert_memory_equal(buf, "\x12\x34" "\x83\x02", 4);
}

static const struct CMUnitTest fixed_tests[] = {
	cmocka_unit_test(test_query_fields),
	cmocka_unit_test(test_mx_response_fields),
	cmocka_unit_test(test_edns_fields),
	cmocka_unit_test(test_rcode_without_edns),
	cmocka_unit_test(test_header_kept_on_error),
	cmocka_unit_test(test_rr_index_full),
	cmocka_unit_test(test_no_rdata_check),
	cmocka_unit_test(test_rdata_small_buffer),
	cmocka_unit_test(test_message_over_65535),
	cmocka_unit_test(test_pointer_hops_127),
	cmocka_unit_test(test_pointer_hops_128),
	cmocka_unit_test(test_name_255_octets),
	cmocka_unit_test(test_name_256_octets),
	cmocka_unit_test(test_name_too_long_through_pointer),
	cmocka_unit_test(test_msgw_round_trip),
	cmocka_unit_test(test_msgw_rollback_on_espace),
	cmocka_unit_test(test_msgw_question_espace),
	cmocka_unit_test(test_msgw_buffer_below_header),
	cmocka_unit_test(test_msgw_order_enforced),
	cmocka_unit_test(test_msgw_refuses_bad_input),
	cmocka_unit_test(test_msgw_edns_fields),
	cmocka_unit_test(test_msgw_flags_or),
};

int
main(void)
{
	/* One group, so that TAP output has a single plan: every table case
	 * becomes a test named for its behaviour, then the fixed tests. */
	struct CMUnitTest tests[NITEMS(parse_cases) + NITEMS(fixed_tests)];
	size_t i, n = 0;

	for (i = 0; i < NITEMS(parse_cases); i++) {
		memset(&tests[n], 0, sizeof(tests[n]));
		tests[n].name = parse_cases[i].name;
		tests[n].test_func = parse_case_run;
		tests[n].initial_state = (void *)&parse_cases[i];
		n++;
	}
	for (i = 0; i < NITEMS(fixed_tests); i++)
		tests[n++] = fixed_tests[i];
	/* prove runs us directly (tests/list.sh): TAP unless the environment
	 * asks otherwise, e.g. CMOCKA_MESSAGE_OUTPUT=STDOUT. */
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("dns_msg", tests, NULL, NULL);
}
