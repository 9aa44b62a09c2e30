/* test_name.c -- domain names: text, wire, order, compression (RFC 1035 3.1,
 * 4.1.4, RFC 4034 6.1, RFC 4343) */
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

/* Labels of a given length, for the 63/64 and 255/256 limits. */
#define A10	"aaaaaaaaaa"
#define A60	A10 A10 A10 A10 A10 A10
#define A61	A60 "a"
#define A62	A60 "aa"
#define A63	A60 "aaa"
#define A64	A60 "aaaa"

#define EXAMPLE_ORG	"\x07" "example" "\x03" "org" "\x00"

/* Copies a literal into a malloc of its exact size, so that ASan sees a
 * read one byte past the end of the input. */
static uint8_t *
exact_copy(const void *p, size_t len)
{
	uint8_t *q = malloc(len > 0 ? len : 1);

	assert_non_null(q);
	if (len > 0)
		memcpy(q, p, len);
	return q;
}

/*
 * dns_name_from_text
 */
struct from_text_case {
	const char *name;
	const char *text;
	const uint8_t *origin;		/* NULL: none */
	size_t origin_len;
	int err;
	const uint8_t *wire;		/* expected on success */
	size_t wire_len;
	int relative;
};

/* An error case: no name, length or flag to expect. */
#define FAILS(e)	(e), NULL, 0, 0

#define NO_ORIGIN	NULL, 0
#define ORIGIN_ORG	W(EXAMPLE_ORG)

static const struct from_text_case from_text_cases[] = {
	/* Absolute, relative and the two special forms. */
	{ "absolute name", "www.example.org.", ORIGIN_ORG, 0, W(
	    "\x03" "www"		/* label www */
	    "\x07" "example"		/* label example */
	    "\x03" "org"		/* label org */
	    "\x00"			/* root */
	), 0 },
	{ "relative name gets the origin", "www", ORIGIN_ORG, 0, W(
	    "\x03" "www"		/* label www */
	    EXAMPLE_ORG			/* origin appended */
	), 1 },
	{ "relative name of two labels gets the origin", "a.b", ORIGIN_ORG, 0,
	    W(
	    "\x01" "a" "\x01" "b"	/* labels a, b */
	    EXAMPLE_ORG			/* origin appended */
	), 1 },
	{ "relative name without origin is completed with the root",
	    "www.example", NO_ORIGIN, 0, W(
	    "\x03" "www" "\x07" "example" /* labels */
	    "\x00"			/* root */
	), 1 },
	{ "@ is the origin", "@", ORIGIN_ORG, 0, W(EXAMPLE_ORG), 1 },
	{ "@ without origin is the root", "@", NO_ORIGIN, 0, W("\x00"), 1 },
	{ "single dot is the root", ".", ORIGIN_ORG, 0, W("\x00"), 0 },
	{ "case is kept", "WwW.Example.ORG.", NO_ORIGIN, 0, W(
	    "\x03" "WwW" "\x07" "Example" "\x03" "ORG" "\x00"
	), 0 },

	/* Escapes (RFC 1035 5.1). */
	{ "escaped dot stays inside the label", "a\\.b.example.", NO_ORIGIN, 0,
	    W(
	    "\x03" "a.b"		/* one label of 3 */
	    "\x07" "example" "\x00"
	), 0 },
	{ "escaped dot at the end keeps the name relative", "a\\.", ORIGIN_ORG,
	    0, W(
	    "\x02" "a."			/* label "a." */
	    EXAMPLE_ORG			/* origin appended */
	), 1 },
	{ "escaped backslash", "a\\\\b.", NO_ORIGIN, 0, W(
	    "\x03" "a\\b" "\x00"	/* label a\b */
	), 0 },
	{ "decimal escape \\065 is A", "\\065bc.", NO_ORIGIN, 0, W(
	    "\x03" "Abc" "\x00"
	), 0 },
	{ "decimal escape \\000 is a zero octet", "\\000.", NO_ORIGIN, 0, W(
	    "\x01" "\x00"		/* label of one zero octet */
	    "\x00"			/* root */
	), 0 },
	{ "decimal escape \\255 is the top octet", "\\255.", NO_ORIGIN, 0, W(
	    "\x01" "\xff" "\x00"
	), 0 },
	{ "decimal escape of a dot does not split the label", "a\\046b.",
	    NO_ORIGIN, 0, W(
	    "\x03" "a.b" "\x00"
	), 0 },
	{ "escaped blank", "a\\ b.", NO_ORIGIN, 0, W(
	    "\x03" "a b" "\x00"
	), 0 },
	{ "bad escape: \\25 at the end", "a\\25", ORIGIN_ORG, FAILS(MX_ESYNTAX) },
	{ "bad escape: \\25 followed by a letter", "a\\25x.", ORIGIN_ORG,
	    FAILS(MX_ESYNTAX) },
	{ "bad escape: \\256 is over 255", "\\256.", ORIGIN_ORG, FAILS(MX_ESYNTAX) },
	{ "bad escape: backslash at the end", "a\\", ORIGIN_ORG, FAILS(MX_ESYNTAX) },

	/* Empty labels. */
	{ "empty text", "", ORIGIN_ORG, FAILS(MX_EEMPTY) },
	{ "empty label in the middle", "a..b.", ORIGIN_ORG, FAILS(MX_EEMPTY) },
	{ "empty label at the start", ".a.", ORIGIN_ORG, FAILS(MX_EEMPTY) },
	{ "two dots", "..", ORIGIN_ORG, FAILS(MX_EEMPTY) },

	/* Label length (RFC 1035 2.3.4: 63 octets). */
	{ "label of 63 octets", A63 ".", NO_ORIGIN, 0, W(
	    "\x3f" A63			/* label of 63 */
	    "\x00"
	), 0 },
	{ "label of 64 octets", A64 ".", NO_ORIGIN, FAILS(MX_ELABEL) },
	{ "label of 63 octets written with escapes",
	    "\\097\\097\\097" A60 ".", NO_ORIGIN, 0, W(
	    "\x3f" A63 "\x00"
	), 0 },
	{ "label of 64 octets whose last octet is an escape",
	    A63 "\\097.", NO_ORIGIN, FAILS(MX_ELABEL) },
	{ "relative label of 64 octets", A64, ORIGIN_ORG, FAILS(MX_ELABEL) },

	/* Name length (255 octets in wire form, root included). */
	{ "name of 255 octets", A63 "." A63 "." A63 "." A61 ".", NO_ORIGIN, 0,
	    W(
	    "\x3f" A63 "\x3f" A63 "\x3f" A63 /* 3 x 64 = 192 */
	    "\x3d" A61			/* 62: 254 */
	    "\x00"			/* root: 255 */
	), 0 },
	{ "name of 256 octets", A63 "." A63 "." A63 "." A62 ".", NO_ORIGIN,
	    FAILS(MX_ENAMELEN) },
	{ "name of 256 octets in short labels",
	    /* 127 labels of 1 octet are 254 octets plus root = 255; one
	     * more label makes 257. */
	    "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a."
	    "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a."
	    "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a."
	    "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.",
	    NO_ORIGIN, FAILS(MX_ENAMELEN) },
	{ "relative name reaching 255 octets with the origin",
	    /* 64 + 64 + 64 + 50 = 242, origin 13: 255 */
	    A63 "." A63 "." A63 "." A10 A10 A10 A10 "aaaaaaaaa", ORIGIN_ORG, 0,
	    W(
	    "\x3f" A63 "\x3f" A63 "\x3f" A63 /* 192 */
	    "\x31" A10 A10 A10 A10 "aaaaaaaaa" /* 50: 242 */
	    EXAMPLE_ORG			/* 13: 255 */
	), 1 },
	{ "relative name reaching 256 octets with the origin",
	    A63 "." A63 "." A63 "." A10 A10 A10 A10 A10, ORIGIN_ORG,
	    FAILS(MX_ENAMELEN) },
};

static void
from_text_run(void **state)
{
	const struct from_text_case *tc = *state;
	uint8_t out[DNS_NAME_MAX];
	size_t outlen = 0, n = strlen(tc->text);
	char *text = (char *)exact_copy(tc->text, n);
	int relative = -1, r;

	r = dns_name_from_text(text, n, tc->origin, tc->origin_len, out,
	    &outlen, &relative);
	free(text);
	assert_string_equal(mx_errname(r), mx_errname(tc->err));
	if (tc->err != 0)
		return;
	assert_int_equal(outlen, tc->wire_len);
	assert_memory_equal(out, tc->wire, tc->wire_len);
	assert_int_equal(relative, tc->relative);
	/* The result is a valid wire name of exactly that length. */
	assert_int_equal(dns_name_wire_len(out, outlen), (int)outlen);
}

/*
 * dns_name_to_text
 */
struct to_text_case {
	const char *name;
	const uint8_t *wire;
	size_t wire_len;
	int err;
	const char *text;		/* expected on success */
};

static const struct to_text_case to_text_cases[] = {
	{ "root is a single dot", W("\x00"), 0, "." },
	{ "plain name with final dot", W(
	    "\x03" "www" EXAMPLE_ORG	/* www.example.org. */
	), 0, "www.example.org." },
	{ "case is kept", W("\x03" "WwW" "\x00"), 0, "WwW." },
	{ "dot inside a label is escaped", W(
	    "\x03" "a.b" "\x00"		/* one label "a.b" */
	), 0, "a\\.b." },
	{ "backslash is escaped", W("\x03" "a\\b" "\x00"), 0, "a\\\\b." },
	{ "master-file specials are escaped", W(
	    "\x06" "\"();@$"		/* quote, parens, ; @ $ */
	    "\x00"
	), 0, "\\\"\\(\\)\\;\\@\\$." },
	{ "hyphen, underscore, star and slash are not escaped", W(
	    "\x01" "*" "\x05" "_a-b/" "\x00"
	), 0, "*._a-b/." },
	{ "blank is written as \\032", W("\x03" "a b" "\x00"), 0, "a\\032b." },
	{ "zero octet is written as \\000", W("\x01" "\x00" "\x00"), 0,
	    "\\000." },
	{ "tab is written as \\009", W("\x01" "\t" "\x00"), 0, "\\009." },
	{ "DEL is written as \\127", W("\x01" "\x7f" "\x00"), 0, "\\127." },
	{ "octets over 127 are written as \\DDD", W(
	    "\x02" "\x80\xff" "\x00"
	), 0, "\\128\\255." },
	{ "tilde is printable", W("\x01" "~" "\x00"), 0, "~." },

	/* Not a valid uncompressed name of that length. */
	{ "compression pointer is refused", W("\xc0\x0c"), MX_EMALF, NULL },
	{ "name without root label is refused", W("\x03" "www"), MX_EMALF, NULL },
	{ "octet after the root is refused", W("\x00" "\x00"), MX_EMALF, NULL },
	{ "empty input is refused", (const uint8_t *)"", 0, MX_EMALF, NULL },
	{ "reserved label type is refused", W("\x41" "a" "\x00"), MX_EMALF, NULL },
};

static void
to_text_run(void **state)
{
	const struct to_text_case *tc = *state;
	uint8_t *wire = exact_copy(tc->wire, tc->wire_len);
	uint8_t back[DNS_NAME_MAX];
	char buf[DNS_NAME_TEXT_MAX];
	size_t backlen;
	int r;

	r = dns_name_to_text(wire, tc->wire_len, buf, sizeof(buf));
	if (tc->err != 0) {
		free(wire);
		assert_string_equal(mx_errname(r), mx_errname(tc->err));
		return;
	}
	assert_int_equal(r, (int)strlen(tc->text));
	assert_string_equal(buf, tc->text);
	/* Round trip: the text reads back as the same octets. */
	assert_int_equal(dns_name_from_text(buf, (size_t)r, NULL, 0, back,
	    &backlen, NULL), 0);
	assert_int_equal(backlen, tc->wire_len);
	assert_memory_equal(back, wire, backlen);
	free(wire);
}

/* The longest text: 255 octets, every one escaped as \DDD, fits in
 * DNS_NAME_TEXT_MAX; one byte less of buffer gives MX_ESPACE. */
static void
test_to_text_longest_name(void **state)
{
	uint8_t name[DNS_NAME_MAX], back[DNS_NAME_MAX];
	char buf[DNS_NAME_TEXT_MAX];
	size_t i = 0, backlen;
	int k, r, need;

	(void)state;
	/* Labels 63, 63, 63, 61 of octet 0x01, then the root: 255. */
	for (k = 0; k < 4; k++) {
		size_t l = k < 3 ? 63 : 61;

		name[i++] = (uint8_t)l;
		memset(name + i, 0x01, l);
		i += l;
	}
	name[i++] = 0;
	assert_int_equal(i, DNS_NAME_MAX);
	need = (63 * 4 + 1) * 3 + 61 * 4 + 1;	/* "\001" x 250, 4 dots */
	r = dns_name_to_text(name, i, buf, sizeof(buf));
	assert_int_equal(r, need);
	assert_true(r < DNS_NAME_TEXT_MAX);
	assert_int_equal(buf[r], '\0');
	assert_int_equal(dns_name_from_text(buf, (size_t)r, NULL, 0, back,
	    &backlen, NULL), 0);
	assert_int_equal(backlen, i);
	assert_memory_equal(back, name, i);
	/* Room for the text and its NUL, and one byte less. */
	assert_int_equal(dns_name_to_text(name, i, buf, (size_t)need + 1),
	    need);
	assert_int_equal(dns_name_to_text(name, i, buf, (size_t)need),
	    MX_ESPACE);
	assert_int_equal(dns_name_to_text(W("\x00"), buf, 1), MX_ESPACE);
	assert_int_equal(dns_name_to_text(W("\x00"), buf, 0), MX_ESPACE);
}

/* Every octet value survives text and back. */
static void
test_to_text_every_octet_round_trips(void **state)
{
	uint8_t name[4], back[DNS_NAME_MAX];
	char buf[DNS_NAME_TEXT_MAX];
	size_t backlen;
	unsigned c;
	int r;

	(void)state;
	for (c = 0; c < 256; c++) {
		name[0] = 2;		/* label of 2: the octet and 'x' */
		name[1] = (uint8_t)c;
		name[2] = 'x';
		name[3] = 0;
		r = dns_name_to_text(name, 4, buf, sizeof(buf));
		assert_true(r > 0);
		assert_int_equal(dns_name_from_text(buf, (size_t)r, NULL, 0,
		    back, &backlen, NULL), 0);
		assert_int_equal(backlen, 4);
		assert_memory_equal(back, name, 4);
	}
}

/*
 * dns_name_from_wire
 */
struct from_wire_case {
	const char *name;
	const uint8_t *msg;		/* the whole message */
	size_t msg_len;
	size_t start;			/* where the name starts */
	int err;
	const uint8_t *wire;		/* expected name on success */
	size_t wire_len;
	size_t end;			/* expected cursor offset after it */
};

/* Message prefix used by the compression cases: example.org. at 0. */
#define AT0_EXAMPLE_ORG	EXAMPLE_ORG	/* @0, 13 octets */

static const struct from_wire_case from_wire_cases[] = {
	/* Uncompressed. */
	{ "plain name", W(
	    "\x03" "www"		/* @0 label www */
	    "\x07" "example" "\x03" "org" /* labels */
	    "\x00"			/* @16 root */
	), 0, 0, W("\x03" "www" EXAMPLE_ORG), 17 },
	{ "plain name stops at its root", W(
	    "\x03" "www" "\x00"		/* @0 www. */
	    "\x00\x01"			/* a QTYPE after it */
	), 0, 0, W("\x03" "www" "\x00"), 5 },
	{ "root name", W("\x00"), 0, 0, W("\x00"), 1 },
	{ "case is kept", W("\x03" "WwW" "\x00"), 0, 0,
	    W("\x03" "WwW" "\x00"), 5 },

	/* Compressed (RFC 1035 4.1.4). */
	{ "label then pointer back to an earlier name", W(
	    AT0_EXAMPLE_ORG		/* @0 example.org. */
	    "\x03" "www"		/* @13 label www */
	    "\xc0\x00"			/* @17 pointer to 0 */
	), 13, 0, W("\x03" "www" EXAMPLE_ORG), 19 },
	{ "whole name is a pointer", W(
	    AT0_EXAMPLE_ORG		/* @0 example.org. */
	    "\xc0\x00"			/* @13 pointer to 0 */
	    "\x00\x0f"			/* a QTYPE after it */
	), 13, 0, W(EXAMPLE_ORG), 15 },
	{ "pointer to the suffix of an earlier name", W(
	    AT0_EXAMPLE_ORG		/* @0 example.org., org at 8 */
	    "\x04" "mail"		/* @13 label mail */
	    "\xc0\x08"			/* @18 pointer to 8 */
	), 13, 0, W("\x04" "mail" "\x03" "org" "\x00"), 20 },
	{ "chain of backward pointers", W(
	    "\x03" "org" "\x00"		/* @0 org. */
	    "\x07" "example"		/* @5 label example */
	    "\xc0\x00"			/* @13 pointer to 0 */
	    "\x03" "www"		/* @15 label www */
	    "\xc0\x05"			/* @19 pointer to 5 */
	), 15, 0, W("\x03" "www" EXAMPLE_ORG), 21 },
	{ "pointer to a pointer", W(
	    AT0_EXAMPLE_ORG		/* @0 example.org. */
	    "\xc0\x00"			/* @13 pointer to 0 */
	    "\xc0\x0d"			/* @15 pointer to 13 */
	), 15, 0, W(EXAMPLE_ORG), 17 },
	{ "pointer using the upper offset bits", W(
	    "\x3f" A63 "\x3f" A63 "\x3f" A63 "\x3f" A63 /* @0 256 octets */
	    "\x03" "www" "\x00"		/* @256 www. */
	    "\xc1\x00"			/* @261 pointer to 0x100 */
	), 261, 0, W("\x03" "www" "\x00"), 263 },

	/* Pointers that do not go strictly backward. */
	{ "pointer to itself", W(
	    "\xc0\x00"			/* @0 pointer to 0 */
	), 0, FAILS(MX_EPTR) },
	{ "pointer to itself after another name", W(
	    AT0_EXAMPLE_ORG		/* @0 example.org. */
	    "\xc0\x0d"			/* @13 pointer to 13 */
	), 13, FAILS(MX_EPTR) },
	{ "forward pointer", W(
	    "\xc0\x02"			/* @0 pointer to 2 */
	    "\x00"			/* @2 root */
	), 0, FAILS(MX_EPTR) },
	{ "pointer past the end of the message", W(
	    "\x00"			/* @0 root */
	    "\xc0\x40"			/* @1 pointer to 64 */
	), 1, FAILS(MX_EPTR) },
	{ "pointer back into its own label run", W(
	    "\x01" "a"			/* @0 label a */
	    "\xc0\x00"			/* @2 pointer to 0: a, a, ... */
	), 0, FAILS(MX_EPTR) },
	{ "pointer loop between two names", W(
	    "\x01" "a" "\xc0\x04"	/* @0 a, pointer to 4 */
	    "\x01" "b" "\xc0\x00"	/* @4 b, pointer to 0 */
	), 4, FAILS(MX_EPTR) },

	/* Label types (RFC 1035 4.1.4, RFC 6891 5). */
	{ "label type 0x40 (extended) is refused", W(
	    "\x40" A64 "\x00"		/* 0x40 is not a length of 64 */
	), 0, FAILS(MX_ELABELTYPE) },
	{ "label type 0x80 (reserved) is refused", W(
	    "\x80" "\x00"
	), 0, FAILS(MX_ELABELTYPE) },
	{ "label length 0x7f is refused", W(
	    "\x7f" "\x00"
	), 0, FAILS(MX_ELABELTYPE) },
	{ "label type 0x40 after a pointer is refused", W(
	    "\x41" "a" "\x00"		/* @0 bad label */
	    "\x03" "www" "\xc0\x00"	/* @3 www, pointer to 0 */
	), 3, FAILS(MX_ELABELTYPE) },
	{ "label of 63 octets", W(
	    "\x3f" A63 "\x00"
	), 0, 0, W("\x3f" A63 "\x00"), 65 },

	/* Name length (255 octets), through pointers too. */
	{ "name of 255 octets", W(
	    "\x3f" A63 "\x3f" A63 "\x3f" A63 "\x3d" A61 "\x00"
	), 0, 0, W("\x3f" A63 "\x3f" A63 "\x3f" A63 "\x3d" A61 "\x00"), 255 },
	{ "name of 256 octets", W(
	    "\x3f" A63 "\x3f" A63 "\x3f" A63 "\x3e" A62 "\x00"
	), 0, FAILS(MX_ENAMELEN) },
	{ "name of 255 octets through a pointer", W(
	    "\x3d" A61 "\x00"		/* @0 63 octets */
	    "\x3f" A63 "\x3f" A63 "\x3f" A63 /* @63 192 octets */
	    "\xc0\x00"			/* @255 pointer to 0 */
	), 63, 0, W("\x3f" A63 "\x3f" A63 "\x3f" A63 "\x3d" A61 "\x00"), 257 },
	{ "name of 256 octets through a pointer", W(
	    "\x3e" A62 "\x00"		/* @0 64 octets */
	    "\x3f" A63 "\x3f" A63 "\x3f" A63 /* @64 192 octets */
	    "\xc0\x00"			/* @256 pointer to 0 */
	), 64, FAILS(MX_ENAMELEN) },
	{ "name over 255 octets by repeating a suffix", W(
	    "\x3f" A63 "\x00"		/* @0 65 octets */
	    "\x3f" A63 "\xc0\x00"	/* @65 +64 = 129 */
	    "\x3f" A63 "\xc0\x41"	/* @131 +64 = 193 */
	    "\x3f" A63 "\xc0\x83"	/* @197 +64 = 257 */
	), 197, FAILS(MX_ENAMELEN) },

	/* Cut short. */
	{ "empty input", (const uint8_t *)"", 0, 0, FAILS(MX_ESHORT) },
	{ "label runs past the end", W("\x03" "ww"), 0, FAILS(MX_ESHORT) },
	{ "no root label", W("\x03" "www"), 0, FAILS(MX_ESHORT) },
	{ "pointer cut in half", W(
	    "\x00"			/* @0 root */
	    "\xc0"			/* @1 half a pointer */
	), 1, FAILS(MX_ESHORT) },
	{ "label behind a pointer runs past the end", W(
	    "\x05" "ww"			/* @0 label of 5 */
	    "\xc0\x00"			/* @3 pointer to 0 */
	), 3, FAILS(MX_ESHORT) },
};

static void
from_wire_run(void **state)
{
	const struct from_wire_case *tc = *state;
	uint8_t *msg = exact_copy(tc->msg, tc->msg_len);
	uint8_t out[DNS_NAME_MAX];
	size_t outlen = 0;
	struct cur c;
	int r;

	cur_init(&c, msg, tc->msg_len);
	c.off = tc->start;
	r = dns_name_from_wire(&c, out, &outlen);
	free(msg);
	assert_string_equal(mx_errname(r), mx_errname(tc->err));
	assert_string_equal(mx_errname(c.err), mx_errname(tc->err));
	if (tc->err != 0)
		return;
	assert_int_equal(outlen, tc->wire_len);
	assert_memory_equal(out, tc->wire, tc->wire_len);
	assert_int_equal(c.off, tc->end);
}

/*
 * A chain of n pointers, each pointing to the one before it, the first to
 * a root label at offset 0: reading the last one follows n pointers.
 *   @0 00   @1 c0 00   @3 c0 01   @5 c0 03 ...
 */
static size_t
pointer_chain(uint8_t *msg, unsigned n)
{
	size_t at = 1;
	unsigned k;

	msg[0] = 0x00;				/* @0 root */
	for (k = 0; k < n; k++) {
		size_t to = k == 0 ? 0 : at - 2;

		msg[at] = (uint8_t)(0xc0 | to >> 8);	/* pointer */
		msg[at + 1] = (uint8_t)to;		/* back one */
		at += 2;
	}
	return at;
}

static void
test_from_wire_127_hops(void **state)
{
	uint8_t msg[1 + 2 * DNS_PTR_HOPS_MAX], out[DNS_NAME_MAX];
	size_t len = pointer_chain(msg, DNS_PTR_HOPS_MAX), outlen;
	struct cur c;

	(void)state;
	cur_init(&c, msg, len);
	c.off = len - 2;			/* the last pointer */
	assert_int_equal(dns_name_from_wire(&c, out, &outlen), 0);
	assert_int_equal(outlen, 1);
	assert_int_equal(out[0], 0);
	assert_int_equal(c.off, len);		/* past the first pointer */
}

static void
test_from_wire_128_hops(void **state)
{
	uint8_t msg[1 + 2 * (DNS_PTR_HOPS_MAX + 1)], out[DNS_NAME_MAX];
	size_t len = pointer_chain(msg, DNS_PTR_HOPS_MAX + 1), outlen;
	struct cur c;

	(void)state;
	cur_init(&c, msg, len);
	c.off = len - 2;
	assert_int_equal(dns_name_from_wire(&c, out, &outlen), MX_EPTRLOOP);
	assert_int_equal(c.err, MX_EPTRLOOP);
}

/* A cursor that already failed reads nothing. */
static void
test_from_wire_sticky_error(void **state)
{
	static const uint8_t msg[] = "\x03" "www" "\x00";
	uint8_t out[DNS_NAME_MAX];
	size_t outlen = 0;
	struct cur c;

	(void)state;
	cur_init(&c, msg, sizeof(msg) - 1);
	c.err = MX_ESHORT;
	assert_int_equal(dns_name_from_wire(&c, out, &outlen), MX_ESHORT);
	assert_int_equal(c.off, 0);
	assert_int_equal(outlen, 0);
}

/* Two names one after the other: the cursor lands on the second. */
static void
test_from_wire_consecutive_names(void **state)
{
	static const uint8_t msg[] =
	    EXAMPLE_ORG			/* @0 example.org. */
	    "\x03" "www" "\xc0\x00"	/* @13 www.example.org. */
	    "\xc0\x0d";			/* @19 pointer to 13 */
	uint8_t out[DNS_NAME_MAX];
	size_t outlen;
	struct cur c;

	(void)state;
	cur_init(&c, msg, sizeof(msg) - 1);
	assert_int_equal(dns_name_from_wire(&c, out, &outlen), 0);
	assert_int_equal(c.off, 13);
	assert_int_equal(dns_name_from_wire(&c, out, &outlen), 0);
	assert_int_equal(c.off, 19);
	assert_int_equal(dns_name_from_wire(&c, out, &outlen), 0);
	assert_int_equal(c.off, 21);
	assert_int_equal(outlen, 17);
	assert_memory_equal(out, "\x03" "www" EXAMPLE_ORG, 17);
	assert_int_equal(cur_left(&c), 0);
}

/*
 * dns_name_wire_len
 */
struct wire_len_case {
	const char *name;
	const uint8_t *wire;
	size_t len;
	int want;
};

static const struct wire_len_case wire_len_cases[] = {
	{ "wire_len of a name with bytes after it", W(
	    "\x03" "www" "\x00" "\xff"	/* www. then one octet */
	), 5 },
	{ "wire_len of the root", W("\x00"), 1 },
	{ "wire_len refuses a pointer", W("\x03" "www" "\xc0\x00"),
	    MX_ELABELTYPE },
	{ "wire_len of a name cut short", W("\x03" "www"), MX_ESHORT },
	{ "wire_len of 255 octets", W(
	    "\x3f" A63 "\x3f" A63 "\x3f" A63 "\x3d" A61 "\x00"), 255 },
	{ "wire_len of 256 octets", W(
	    "\x3f" A63 "\x3f" A63 "\x3f" A63 "\x3e" A62 "\x00"), MX_ENAMELEN },
};

static void
wire_len_run(void **state)
{
	const struct wire_len_case *tc = *state;
	uint8_t *wire = exact_copy(tc->wire, tc->len);
	int r = dns_name_wire_len(wire, tc->len);

	free(wire);
	if (tc->want < 0)
		assert_string_equal(mx_errname(r), mx_errname(tc->want));
	else
		assert_int_equal(r, tc->want);
}

/*
 * Canonical order (RFC 4034 6.1), comparisons, hashing.
 */
static void
name_of(const char *text, uint8_t out[DNS_NAME_MAX], size_t *len)
{
	assert_int_equal(dns_name_from_text(text, strlen(text), NULL, 0, out,
	    len, NULL), 0);
}

/* The example of RFC 4034 6.1, in canonical order. */
static const char *const rfc4034_order[] = {
	"example.",
	"a.example.",
	"yljkjljk.a.example.",
	"Z.a.example.",
	"zABC.a.EXAMPLE.",
	"z.example.",
	"\\001.z.example.",
	"*.z.example.",
	"\\200.z.example.",
};

static void
test_cmp_rfc4034_example(void **state)
{
	uint8_t a[DNS_NAME_MAX], b[DNS_NAME_MAX];
	size_t alen, blen, i, j;

	(void)state;
	for (i = 0; i < NITEMS(rfc4034_order); i++) {
		name_of(rfc4034_order[i], a, &alen);
		for (j = 0; j < NITEMS(rfc4034_order); j++) {
			int r;

			name_of(rfc4034_order[j], b, &blen);
			r = dns_name_cmp(a, alen, b, blen);
			if (i < j && r >= 0)
				fail_msg("%s should sort before %s (cmp %d)",
				    rfc4034_order[i], rfc4034_order[j], r);
			if (i > j && r <= 0)
				fail_msg("%s should sort after %s (cmp %d)",
				    rfc4034_order[i], rfc4034_order[j], r);
			if (i == j && r != 0)
				fail_msg("%s should equal itself (cmp %d)",
				    rfc4034_order[i], r);
		}
	}
}

static int
qsort_cmp(const void *x, const void *y)
{
	const uint8_t *a = x, *b = y;

	return dns_name_cmp(a + 1, a[0], b + 1, b[0]);
}

/* Sorting the list reversed gives the RFC's order back. */
static void
test_cmp_sorts_rfc4034_example(void **state)
{
	uint8_t v[NITEMS(rfc4034_order)][1 + DNS_NAME_MAX];
	uint8_t want[DNS_NAME_MAX];
	size_t i, n = NITEMS(rfc4034_order), len;

	(void)state;
	for (i = 0; i < n; i++) {
		name_of(rfc4034_order[n - 1 - i], v[i] + 1, &len);
		v[i][0] = (uint8_t)len;
	}
	qsort(v, n, sizeof(v[0]), qsort_cmp);
	for (i = 0; i < n; i++) {
		name_of(rfc4034_order[i], want, &len);
		assert_int_equal(v[i][0], len);
		assert_memory_equal(v[i] + 1, want, len);
	}
}

struct cmp_case {
	const char *name;
	const char *a, *b;
	int sign;			/* of dns_name_cmp(a, b) */
	int equal;			/* dns_name_equal(a, b) */
};

static const struct cmp_case cmp_cases[] = {
	{ "cmp: names differing only in case are equal",
	    "WWW.Example.ORG.", "www.example.org.", 0, 1 },
	{ "cmp: the root sorts first", ".", "a.", -1, 0 },
	{ "cmp: a parent sorts before its children", "org.", "a.org.", -1, 0 },
	{ "cmp: rightmost label decides first", "z.a.", "a.b.", -1, 0 },
	{ "cmp: a shorter label that is a prefix sorts first", "ab.", "abc.",
	    -1, 0 },
	{ "cmp: letters fold to lowercase before comparing", "_.", "A.", -1,
	    0 },
	{ "cmp: octets compare unsigned", "\\200.", "a.", 1, 0 },
	{ "cmp: only ASCII letters fold", "\\193.", "\\225.", -1, 0 },
	{ "cmp: same octets, different label split", "ab.c.", "a.bc.", 1, 0 },
};

static void
cmp_run(void **state)
{
	const struct cmp_case *tc = *state;
	uint8_t a[DNS_NAME_MAX], b[DNS_NAME_MAX];
	size_t alen, blen;
	int r, back;

	name_of(tc->a, a, &alen);
	name_of(tc->b, b, &blen);
	r = dns_name_cmp(a, alen, b, blen);
	back = dns_name_cmp(b, blen, a, alen);
	assert_int_equal((r > 0) - (r < 0), tc->sign);
	assert_int_equal((back > 0) - (back < 0), -tc->sign);
	assert_int_equal(dns_name_equal(a, alen, b, blen) != 0, tc->equal);
	if (tc->equal)
		assert_int_equal(dns_name_hash(a, alen), dns_name_hash(b, blen));
}

struct sub_case {
	const char *name;
	const char *child, *parent;
	int is_sub;
};

static const struct sub_case sub_cases[] = {
	{ "is_sub: a child is below its parent", "www.example.org.",
	    "example.org.", 1 },
	{ "is_sub: a name is below itself", "example.org.", "example.org.",
	    1 },
	{ "is_sub: case does not matter", "WWW.Example.ORG.",
	    "EXAMPLE.org.", 1 },
	{ "is_sub: every name is below the root", "www.example.org.", ".", 1 },
	{ "is_sub: a parent is not below its child", "example.org.",
	    "www.example.org.", 0 },
	{ "is_sub: a suffix off a label boundary does not count",
	    "xexample.org.", "example.org.", 0 },
	{ "is_sub: a sibling is not below", "example.net.", "example.org.",
	    0 },
	{ "is_sub: a label with a dot is not two labels", "a\\.example.org.",
	    "example.org.", 0 },
	{ "is_sub: the same octets in one label do not match",
	    "www\\.example.org.", "www.example.org.", 0 },
};

static void
sub_run(void **state)
{
	const struct sub_case *tc = *state;
	uint8_t a[DNS_NAME_MAX], b[DNS_NAME_MAX];
	size_t alen, blen;

	name_of(tc->child, a, &alen);
	name_of(tc->parent, b, &blen);
	assert_int_equal(dns_name_is_sub(a, alen, b, blen) != 0, tc->is_sub);
}

static void
test_labels(void **state)
{
	uint8_t n[DNS_NAME_MAX];
	size_t len;

	(void)state;
	name_of(".", n, &len);
	assert_int_equal(dns_name_labels(n, len), 0);
	name_of("org.", n, &len);
	assert_int_equal(dns_name_labels(n, len), 1);
	name_of("WWW.Example.ORG.", n, &len);
	assert_int_equal(dns_name_labels(n, len), 3);
	name_of("a\\.b.example.", n, &len);
	assert_int_equal(dns_name_labels(n, len), 2);
	/* 127 labels of one octet: the most a name can have. */
	name_of("a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a."
	    "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a."
	    "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a."
	    "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a."
	    "a.a.a.a.a.a.a.", n, &len);
	assert_int_equal(len, DNS_NAME_MAX);
	assert_int_equal(dns_name_labels(n, len), 127);
}

static void
test_lower_and_hash(void **state)
{
	uint8_t a[DNS_NAME_MAX], b[DNS_NAME_MAX];
	size_t alen, blen;

	(void)state;
	name_of("WwW.EXAMPLE.Org.", a, &alen);
	name_of("www.example.org.", b, &blen);
	assert_int_equal(dns_name_hash(a, alen), dns_name_hash(b, blen));
	dns_name_lower(a, alen);
	assert_memory_equal(a, b, blen);
	/* Only ASCII letters fold: 0xC1 and 0xE1 (Latin-1 A/a acute) stay
	 * apart, and so do '@' (0x40) and '`' (0x60). */
	name_of("\\193.", a, &alen);
	name_of("\\225.", b, &blen);
	assert_false(dns_name_equal(a, alen, b, blen));
	dns_name_lower(a, alen);
	assert_memory_equal(a, "\x01" "\xc1" "\x00", 3);
	name_of("\\@.", a, &alen);
	name_of("`.", b, &blen);
	assert_false(dns_name_equal(a, alen, b, blen));
	assert_int_not_equal(dns_name_hash(a, alen), dns_name_hash(b, blen));
	/* Different lengths are never equal. */
	name_of("example.org.", a, &alen);
	name_of("example.org.example.", b, &blen);
	assert_false(dns_name_equal(a, alen, b, blen));
}

static void
test_parent(void **state)
{
	static const uint8_t www[] = "\x03" "www" EXAMPLE_ORG;

	(void)state;
	assert_int_equal(dns_name_parent(www, sizeof(www) - 1), 4);
	assert_int_equal(dns_name_parent(W("\x03" "org" "\x00")), 4);
	assert_int_equal(dns_name_parent(W("\x00")), 1);
}

/*
 * Compression on write (RFC 1035 4.1.4).
 */

/* Writes text names one after the other and returns the message length. */
static size_t
write_names(uint8_t *buf, size_t cap, struct dns_compress *ct,
    const char *const *names, size_t n)
{
	struct wcur w;
	size_t i, len;
	uint8_t name[DNS_NAME_MAX];

	wcur_init(&w, buf, cap);
	for (i = 0; i < n; i++) {
		name_of(names[i], name, &len);
		dns_name_write(&w, name, len, ct);
	}
	assert_int_equal(w.err, 0);
	return w.off;
}

/* Reads back every name of a message written by write_names and checks
 * it against the text it came from. */
static void
read_back(const uint8_t *buf, size_t len, const char *const *names,
    size_t n)
{
	struct cur c;
	uint8_t got[DNS_NAME_MAX], want[DNS_NAME_MAX];
	size_t i, glen, wlen;

	cur_init(&c, buf, len);
	for (i = 0; i < n; i++) {
		assert_int_equal(dns_name_from_wire(&c, got, &glen), 0);
		name_of(names[i], want, &wlen);
		/* Compression matches names case-insensitively: a name may
		 * come back in the case of the one it points to. */
		if (!dns_name_equal(got, glen, want, wlen))
			fail_msg("name %zu (%s) does not read back", i,
			    names[i]);
	}
	assert_int_equal(c.off, len);
}

static void
test_compress_points_at_earlier_name(void **state)
{
	static const char *const names[] = {
		"www.example.org.", "mail.example.org.", "example.org.",
		"WWW.EXAMPLE.ORG.", "org.", "example.net.",
	};
	static const uint8_t want[] =
	    "\x03" "www"		/* @0 www */
	    "\x07" "example"		/* @4 example */
	    "\x03" "org" "\x00"		/* @12 org, root */
	    "\x04" "mail" "\xc0\x04"	/* @17 mail, pointer to example */
	    "\xc0\x04"			/* @24 example.org.: pointer */
	    "\xc0\x00"			/* @26 WWW.EXAMPLE.ORG.: case folds */
	    "\xc0\x0c"			/* @28 org.: pointer to 12 */
	    "\x07" "example"		/* @30 example.net.: no shared */
	    "\x03" "net" "\x00";		/* label, written whole */
	uint8_t buf[128];
	struct dns_compress ct;
	size_t len;

	(void)state;
	dns_compress_init(&ct);
	len = write_names(buf, sizeof(buf), &ct, names, NITEMS(names));
	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(buf, want, len);
	/* Remembered: www, example, org of the first name; mail; example
	 * and net of the last. Pointers themselves are not. */
	assert_int_equal(ct.n, 3 + 1 + 2);
	assert_int_equal(ct.off[3], 17);
	assert_int_equal(ct.off[4], 30);
	assert_int_equal(ct.off[5], 38);
	read_back(buf, len, names, NITEMS(names));
}

static void
test_compress_without_table_writes_whole_names(void **state)
{
	static const char *const names[] = {
		"www.example.org.", "www.example.org.",
	};
	uint8_t buf[64];
	size_t len;

	(void)state;
	len = write_names(buf, sizeof(buf), NULL, names, NITEMS(names));
	assert_int_equal(len, 34);
	assert_memory_equal(buf, buf + 17, 17);
}

/* With the table full, names are still written correctly: later names
 * compress against what the table holds, or not at all. */
static void
test_compress_table_full(void **state)
{
	enum { N = DNS_COMPRESS_MAX + 40 };
	static char text[N][48];
	const char *names[N];
	uint8_t buf[4096];
	struct dns_compress ct;
	size_t i, len;

	(void)state;
	for (i = 0; i < N; i++) {
		/* host0.example.org. ... then repeats of earlier ones */
		snprintf(text[i], sizeof(text[i]), "host%zu.example.org.",
		    i < N - 20 ? i : i - (N - 20));
		names[i] = text[i];
	}
	dns_compress_init(&ct);
	len = write_names(buf, sizeof(buf), &ct, names, N);
	assert_int_equal(ct.n, DNS_COMPRESS_MAX);
	read_back(buf, len, names, N);
}

/* Only offsets below 0x4000 fit in a pointer: names written further on
 * are never pointed to. */
static void
test_compress_offsets_from_0x4000_unused(void **state)
{
	static uint8_t buf[0x4000 + 256];
	uint8_t name[DNS_NAME_MAX];
	struct dns_compress ct;
	struct wcur w;
	size_t len, first;

	(void)state;
	memset(buf, 0, sizeof(buf));
	dns_compress_init(&ct);
	wcur_init(&w, buf, sizeof(buf));
	/* www.example.org. at 0x3ffe: only its first label (at 0x3ffe) is
	 * below 0x4000; example.org. starts at 0x4002. */
	w.off = 0x3ffe;
	name_of("www.example.org.", name, &len);
	dns_name_write(&w, name, len, &ct);
	assert_int_equal(ct.n, 1);
	assert_int_equal(ct.off[0], 0x3ffe);
	/* example.org. cannot point at 0x4002: written whole. */
	first = w.off;
	name_of("example.org.", name, &len);
	dns_name_write(&w, name, len, &ct);
	assert_int_equal(w.off - first, 13);
	assert_memory_equal(buf + first, EXAMPLE_ORG, 13);
	assert_int_equal(ct.n, 1);
	/* www.example.org. again points at 0x3ffe. */
	first = w.off;
	name_of("www.example.org.", name, &len);
	dns_name_write(&w, name, len, &ct);
	assert_int_equal(w.off - first, 2);
	assert_memory_equal(buf + first, "\xff\xfe", 2); /* pointer 0x3ffe */
	assert_int_equal(w.err, 0);
}

static void
test_compress_espace(void **state)
{
	uint8_t buf[16], name[DNS_NAME_MAX];
	struct dns_compress ct;
	struct wcur w;
	size_t len;

	(void)state;
	dns_compress_init(&ct);
	wcur_init(&w, buf, sizeof(buf));
	name_of("www.example.org.", name, &len);	/* 17 octets */
	dns_name_write(&w, name, len, &ct);
	assert_int_equal(w.err, MX_ESPACE);
	assert_int_equal(w.off, 0);
	assert_int_equal(ct.n, 0);
	/* Sticky: a name that would fit is not written either. */
	name_of(".", name, &len);
	dns_name_write(&w, name, len, &ct);
	assert_int_equal(w.off, 0);
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
	cmocka_unit_test(test_to_text_longest_name),
	cmocka_unit_test(test_to_text_every_octet_round_trips),
	cmocka_unit_test(test_from_wire_127_hops),
	cmocka_unit_test(test_from_wire_128_hops),
	cmocka_unit_test(test_from_wire_sticky_error),
	cmocka_unit_test(test_from_wire_consecutive_names),
	cmocka_unit_test(test_cmp_rfc4034_example),
	cmocka_unit_test(test_cmp_sorts_rfc4034_example),
	cmocka_unit_test(test_labels),
	cmocka_unit_test(test_lower_and_hash),
	cmocka_unit_test(test_parent),
	cmocka_unit_test(test_compress_points_at_earlier_name),
	cmocka_unit_test(test_compress_without_table_writes_whole_names),
	cmocka_unit_test(test_compress_table_full),
	cmocka_unit_test(test_compress_offsets_from_0x4000_unused),
	cmocka_unit_test(test_compress_espace),
};

int
main(void)
{
	struct CMUnitTest tests[NITEMS(from_text_cases) +
	    NITEMS(to_text_cases) + NITEMS(from_wire_cases) +
	    NITEMS(wire_len_cases) + NITEMS(cmp_cases) + NITEMS(sub_cases) +
	    NITEMS(fixed_tests)];
	size_t i, n = 0;

	ADD_CASES(from_text_cases, from_text_run);
	ADD_CASES(to_text_cases, to_text_run);
	ADD_CASES(from_wire_cases, from_wire_run);
	ADD_CASES(wire_len_cases, wire_len_run);
	ADD_CASES(cmp_cases, cmp_run);
	ADD_CASES(sub_cases, sub_run);
	for (i = 0; i < NITEMS(fixed_tests); i++)
		tests[n++] = fixed_tests[i];
	return cmocka_run_group_tests_name("dns_name", tests, NULL, NULL);
}
