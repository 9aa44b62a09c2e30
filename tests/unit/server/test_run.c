/* test_run.c -- the runtime's addresses and prefixes: parsing, printing,
 * matching */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>

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

static const struct {
	const char *name, *in;
	int rc;
	const char *text;	/* srv_prefix_text of the result */
} prefixes[] = {
	{ "an IPv4 address alone is one host", "127.0.0.1", 0,
	    "127.0.0.1/32" },
	{ "IPv4 network", "192.0.2.0/24", 0, "192.0.2.0/24" },
	{ "host bits beyond the prefix are cleared", "192.0.2.77/25", 0,
	    "192.0.2.0/25" },
	{ "a partial last octet", "198.51.100.255/23", 0,
	    "198.51.100.0/23" },
	{ "everything IPv4", "0.0.0.0/0", 0, "0.0.0.0/0" },
	{ "an IPv6 address alone", "2001:db8::53", 0, "2001:db8::53/128" },
	{ "IPv6 network", "2001:db8:ffff::1/32", 0, "2001:db8::/32" },
	{ "IPv4 prefix too long", "192.0.2.0/33", MX_ESYNTAX, NULL },
	{ "IPv6 prefix too long", "2001:db8::/129", MX_ESYNTAX, NULL },
	{ "empty prefix", "192.0.2.0/", MX_ESYNTAX, NULL },
	{ "signed prefix", "192.0.2.0/+24", MX_ESYNTAX, NULL },
	{ "text after the prefix", "192.0.2.0/24x", MX_ESYNTAX, NULL },
	{ "no address", "/24", MX_ESYNTAX, NULL },
	{ "a host name", "localhost", MX_ESYNTAX, NULL },
	{ "a port is not part of a prefix", "192.0.2.1:53", MX_ESYNTAX, NULL },
};

static void
prefixes_parse_and_print(void **state)
{
	char buf[SRV_ADDR_TEXT];
	struct srv_prefix p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		int rc = srv_prefix_parse(prefixes[i].in, &p);

		if (rc != prefixes[i].rc)
			fail_msg("%s: '%s' gave %d, expected %d",
			    prefixes[i].name, prefixes[i].in, rc,
			    prefixes[i].rc);
		if (rc != 0)
			continue;
		srv_prefix_text(&p, buf);
		if (strcmp(buf, prefixes[i].text) != 0)
			fail_msg("%s: '%s' printed as %s, expected %s",
			    prefixes[i].name, prefixes[i].in, buf,
			    prefixes[i].text);
	}
}

/* A client address as the kernel gives it: IPv4, IPv6, or IPv4-mapped. */
static struct sockaddr_storage
client(const char *s)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, s, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
	} else {
		assert_int_equal(inet_pton(AF_INET6, s, &a6->sin6_addr), 1);
		a6->sin6_family = AF_INET6;
	}
	return ss;
}

static void
prefixes_match_clients(void **state)
{
	static const struct {
		const char *name, *client;
		int match;
	} clients[] = {
		{ "the one host allowed", "127.0.0.1", 1 },
		{ "its neighbour is not", "127.0.0.2", 0 },
		{ "inside the /25", "192.0.2.127", 1 },
		{ "just past the /25", "192.0.2.128", 0 },
		{ "inside the IPv6 /48", "2001:db8:1:ffff::9", 1 },
		{ "another IPv6 /48", "2001:db8:2::9", 0 },
		{ "IPv4-mapped IPv6 counts as IPv4", "::ffff:127.0.0.1", 1 },
		{ "IPv4-mapped, not allowed", "::ffff:127.0.0.3", 0 },
		{ "an IPv4 prefix never matches IPv6", "::1", 0 },
	};
	struct srv_prefix p[3];
	size_t i;

	(void)state;
	assert_int_equal(srv_prefix_parse("127.0.0.1", &p[0]), 0);
	assert_int_equal(srv_prefix_parse("192.0.2.0/25", &p[1]), 0);
	assert_int_equal(srv_prefix_parse("2001:db8:1::/48", &p[2]), 0);
	for (i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
		struct sockaddr_storage ss = client(clients[i].client);

		if (srv_prefix_match(p, 3, (const struct sockaddr *)&ss) !=
		    clients[i].match)
			fail_msg("%s: %s", clients[i].name, clients[i].client);
	}
	{
		struct sockaddr_storage ss = client("127.0.0.1");

		assert_false(srv_prefix_match(p, 0,
		    (const struct sockaddr *)&ss));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(addresses_parse_and_print),
		cmocka_unit_test(host_prints_without_port),
		cmocka_unit_test(prefixes_parse_and_print),
		cmocka_unit_test(prefixes_match_clients),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
