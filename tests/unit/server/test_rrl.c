/* test_rrl.c -- response rate limiting: buckets, refill, slip */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mxkit/dns.h"
#include "mxkit/server.h"

/* A response for name with rcode, as the server would send it. */
static size_t
response(uint8_t *buf, const char *name, unsigned rcode)
{
	struct dns_msgw mw;
	uint8_t w[DNS_NAME_MAX];
	size_t len;

	dns_name_from_text(name, strlen(name), NULL, 0, w, &len, NULL);
	dns_msgw_init(&mw, buf, 512, 1, (uint16_t)(DNS_FLAG_QR | rcode));
	dns_msgw_question(&mw, w, len, DNS_TYPE_A, DNS_CLASS_IN);
	return dns_msgw_finish(&mw);
}

static const uint8_t v4a[4] = { 198, 51, 100, 7 };
static const uint8_t v4b[4] = { 198, 51, 100, 200 };	/* same /24 */
static const uint8_t v4c[4] = { 203, 0, 113, 7 };	/* another /24 */

static void
limit_then_drop_and_slip(void **state)
{
	struct srv_rrl *r = srv_rrl_new(5, 2, 1024);
	uint8_t resp[512];
	size_t n = response(resp, "mx.example.org.", DNS_RCODE_NOERROR);
	int i, drop = 0, slip = 0;

	(void)state;
	assert_non_null(r);
	for (i = 0; i < 5; i++)
		assert_int_equal(srv_rrl_check(r, v4a, 4, resp, n, 100),
		    SRV_RRL_SEND);
	/* Over the limit, same second: every second one slips. */
	for (i = 0; i < 10; i++) {
		enum srv_rrl_verdict v = srv_rrl_check(r, v4b, 4, resp, n,
		    100);

		drop += v == SRV_RRL_DROP;
		slip += v == SRV_RRL_SLIP;
	}
	assert_int_equal(drop, 5);
	assert_int_equal(slip, 5);
	/* Another network has its own bucket. */
	assert_int_equal(srv_rrl_check(r, v4c, 4, resp, n, 100),
	    SRV_RRL_SEND);
	/* A second later the bucket refills. */
	assert_int_equal(srv_rrl_check(r, v4a, 4, resp, n, 101),
	    SRV_RRL_SEND);
	srv_rrl_free(r);
}

static void
random_nxdomain_names_share_the_zone_bucket(void **state)
{
	struct srv_rrl *r = srv_rrl_new(3, 0, 1024);
	uint8_t resp[512];
	char name[64];
	int i, sent = 0;

	(void)state;
	for (i = 0; i < 20; i++) {
		size_t n;

		snprintf(name, sizeof(name), "r%d.example.org.", i);
		n = response(resp, name, DNS_RCODE_NXDOMAIN);
		sent += srv_rrl_check(r, v4a, 4, resp, n, 7) == SRV_RRL_SEND;
	}
	assert_int_equal(sent, 3);
	srv_rrl_free(r);
}

static void
ipv6_counts_per_56(void **state)
{
	struct srv_rrl *r = srv_rrl_new(1, 0, 1024);
	uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0x12, 0 };
	uint8_t b[16], c6[16], resp[512];
	size_t n = response(resp, "example.org.", DNS_RCODE_NOERROR);

	(void)state;
	memcpy(b, a, 16);
	b[7] = 0x34;			/* same /56 */
	b[15] = 9;
	memcpy(c6, a, 16);
	c6[6] = 0x13;			/* another /56 */
	assert_int_equal(srv_rrl_check(r, a, 16, resp, n, 1), SRV_RRL_SEND);
	assert_int_equal(srv_rrl_check(r, b, 16, resp, n, 1), SRV_RRL_DROP);
	assert_int_equal(srv_rrl_check(r, c6, 16, resp, n, 1), SRV_RRL_SEND);
	srv_rrl_free(r);
}

static void
slip_keeps_header_and_question(void **state)
{
	uint8_t resp[512];
	size_t n = response(resp, "mx.example.org.", DNS_RCODE_NOERROR), m;
	struct dns_msg msg;
	struct dns_msg_rr rr[4];

	(void)state;
	resp[7] = 1;			/* pretend one answer follows */
	m = srv_rrl_slip(resp, n);
	assert_int_equal(m, 12 + 16 + 4);
	assert_int_equal(dns_msg_parse(&msg, resp, m, rr, 4, 0), 0);
	assert_true(msg.hdr.flags & DNS_FLAG_TC);
	assert_int_equal(msg.hdr.ancount, 0);
	assert_int_equal(msg.hdr.qdcount, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(limit_then_drop_and_slip),
		cmocka_unit_test(random_nxdomain_names_share_the_zone_bucket),
		cmocka_unit_test(ipv6_counts_per_56),
		cmocka_unit_test(slip_keeps_header_and_question),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
