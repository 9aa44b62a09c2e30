/* test_regress.c -- what the fuzzers found, as named cases: each input
 * once crashed or broke the print/read round trip */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "mxkit/zone.h"

static const uint8_t origin[] = "\007example\003org";

static int
add(void *ud, const struct zone_rr *rr, const struct mx_where *w)
{
	int r = zone_store_add(ud, rr, w, NULL);

	return r == MX_EINVAL ? 0 : r;
}

/* Parses text from an exact-size heap copy (so ASan sees any over-read),
 * loads, finishes and checks it; returns the parse result. */
static int
run(const char *text, size_t len, unsigned *nerr)
{
	struct mx_diag d = { NULL, NULL, 0, 0, 0, 0 };
	struct zone_store *z = zone_store_new(origin, sizeof(origin), NULL);
	struct zone_parse_opts o;
	char *copy = malloc(len ? len : 1);
	int r;

	assert_non_null(z);
	assert_non_null(copy);
	memcpy(copy, text, len);
	memset(&o, 0, sizeof(o));
	o.file = "t";
	o.origin = origin;
	o.origin_len = sizeof(origin);
	o.flags = ZONE_NO_INCLUDE;
	o.diag = &d;
	o.accept = add;
	o.ud = z;
	r = zone_parse_string(&o, copy, len);
	assert_int_equal(zone_store_finish(z, &d), 0);
	assert_int_equal(zone_check(z, &d), 0);
	zone_store_free(z);
	free(copy);
	*nerr = d.nerr;
	return r;
}

static void
empty_zone_has_no_glue_to_sort(void **state)
{
	unsigned nerr;

	(void)state;
	/* qsort and bsearch were called with a NULL table (UBSan). */
	assert_int_equal(run("", 0, &nerr), 0);
	assert_int_equal(nerr, 2);		/* ZONE-NO-SOA, ZONE-NO-NS */
}

static void
short_dollar_word_is_a_bad_directive(void **state)
{
	static const char t[] = "$T 1\n";
	unsigned nerr;

	(void)state;
	/* The $GENERATE test compared 9 octets of a 2-octet token. */
	assert_int_equal(run(t, sizeof(t) - 1, &nerr), MX_ESYNTAX);
	assert_true(nerr >= 1);
}

/* Text -> wire must refuse what wire -> text cannot print back. */
struct refuse {
	const char *name;
	uint16_t type;
	const char *tok[12];
};

static const struct refuse refusals[] = {
	{ "NSEC3 with an empty next hashed owner", DNS_TYPE_NSEC3,
	    { "1", "0", "1", "-", "", NULL } },
	{ "RRSIG with an empty signature", DNS_TYPE_RRSIG,
	    { "A", "8", "2", "3600", "20260101000000", "20250101000000",
	    "1", "example.org.", "", NULL } },
	{ "DS with an empty digest", DNS_TYPE_DS,
	    { "1", "8", "2", "", NULL } },
};

static void
empty_binary_fields_are_refused(void **state)
{
	size_t i, k, len, bad;
	uint8_t out[512];

	(void)state;
	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		struct dns_tok tok[12];

		for (k = 0; refusals[i].tok[k] != NULL; k++) {
			tok[k].p = refusals[i].tok[k];
			tok[k].len = (uint32_t)strlen(tok[k].p);
			/* The fuzzer wrote the empty fields as "" */
			tok[k].flags = tok[k].len == 0 ? DNS_TOK_QUOTED : 0;
			tok[k].line = 1;
			tok[k].col = (uint32_t)k + 1;
		}
		if (dns_rdata_from_text(refusals[i].type, tok, k, NULL, 0,
		    out, sizeof(out), &len, &bad) == 0)
			fail_msg("%s: accepted", refusals[i].name);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_zone_has_no_glue_to_sort),
		cmocka_unit_test(short_dollar_word_is_a_bad_directive),
		cmocka_unit_test(empty_binary_fields_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
