/* test_run.c -- the runtime's listen addresses: parsing and printing */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mxkit/err.h"
#include "server/run.h"

static const struct {
	const char *name, *in;
	int rc;
	const char *text;	/* srv_addr_text of the result */
	int any;
} cases[] = {
	{ "IPv4 alone takes the default port", "192.0.2.1", 0,
	    "192.0.2.1:53", 0 },
	{ "IPv4 with a port", "192.0.2.1:5353", 0, "192.0.2.1:5353", 0 },
	{ "IPv4 wildcard", "0.0.0.0", 0, "0.0.0.0:53", 1 },
	{ "bare IPv6: the colons are its own", "2001:db8::1", 0,
	    "[2001:db8::1]:53", 0 },
	{ "bare IPv6 wildcard", "::", 0, "[::]:53", 1 },
	{ "IPv6 in brackets", "[::1]", 0, "[::1]:53", 0 },
	{ "IPv6 in brackets with a port", "[2001:db8::53]:5353", 0,
	    "[2001:db8::53]:5353", 0 },
	{ "port 0 is no port to serve on", "192.0.2.1:0", MX_ESYNTAX, NULL, 0 },
	{ "port above 65535", "192.0.2.1:65536", MX_ESYNTAX, NULL, 0 },
	{ "port with a sign", "192.0.2.1:+53", MX_ESYNTAX, NULL, 0 },
	{ "port with trailing text", "192.0.2.1:53x", MX_ESYNTAX, NULL, 0 },
	{ "empty port", "192.0.2.1:", MX_ESYNTAX, NULL, 0 },
	{ "a host name is not an address", "localhost", MX_ESYNTAX, NULL, 0 },
	{ "IPv4 with a bad octet", "192.0.2.256", MX_ESYNTAX, NULL, 0 },
	{ "unclosed bracket", "[::1", MX_ESYNTAX, NULL, 0 },
	{ "text after the bracket", "[::1]x", MX_ESYNTAX, NULL, 0 },
	{ "IPv4 in brackets", "[192.0.2.1]:53", MX_ESYNTAX, NULL, 0 },
	{ "empty", "", MX_ESYNTAX, NULL, 0 },
};

static void
addresses_parse_and_print(void **state)
{
	char buf[SRV_ADDR_TEXT];
	struct srv_addr a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = srv_addr_parse(cases[i].in, 53, &a);

		if (rc != cases[i].rc)
			fail_msg("%s: '%s' gave %d, expected %d", cases[i].name,
			    cases[i].in, rc, cases[i].rc);
		if (rc != 0)
			continue;
		srv_addr_text((const struct sockaddr *)&a.ss, buf);
		if (strcmp(buf, cases[i].text) != 0)
			fail_msg("%s: '%s' printed as %s, expected %s",
			    cases[i].name, cases[i].in, buf, cases[i].text);
		if (srv_addr_is_any((const struct sockaddr *)&a.ss) !=
		    cases[i].any)
			fail_msg("%s: wildcard test wrong", cases[i].name);
	}
}

static void
host_prints_without_port(void **state)
{
	char buf[SRV_ADDR_TEXT];
	struct srv_addr a;

	(void)state;
	assert_int_equal(srv_addr_parse("[2001:db8::7]:99", 53, &a), 0);
	assert_string_equal(srv_addr_host((const struct sockaddr *)&a.ss,
	    buf), "2001:db8::7");
	assert_int_equal(srv_addr_parse("198.51.100.7", 53, &a), 0);
	assert_string_equal(srv_addr_host((const struct sockaddr *)&a.ss,
	    buf), "198.51.100.7");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(addresses_parse_and_print),
		cmocka_unit_test(host_prints_without_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
