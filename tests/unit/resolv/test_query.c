/* test_query.c -- resolver protocol without I/O: resolv.conf, queries, reply matching, CNAME chains */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "mxkit/err.h"
#include "mxkit/resolv.h"

static size_t
wname(const char *text, uint8_t out[DNS_NAME_MAX])
{
	size_t len = 0;

	assert_int_equal(dns_name_from_text(text, strlen(text), NULL, 0, out,
	    &len, NULL), 0);
	return len;
}

static void
conf_reads_servers_search_and_options(void **state)
{
	static const char text[] =
	    "# comment\n"
	    "; another\n"
	    "nameserver 192.0.2.1\n"
	    "nameserver   2001:db8::53\n"
	    "nameserver not-an-address\n"
	    "domain ignored.example\n"
	    "search example.org  example.net\n"
	    "options ndots:2 timeout:3 attempts:4 rotate edns0\n"
	    "nameserver 192.0.2.3\n"
	    "nameserver 192.0.2.9:5353\n"	/* no ports in resolv.conf */
	    "nameserver fe80::1%eth0\n"	/* scoped: skipped */
	    "nameserver 192.0.2.4\n"	/* a fourth: glibc reads three */
	    "sortlist 130.155.160.0/255.255.240.0\n";
	struct resolv_conf rc;
	unsigned bad = 99;
	char buf[64];
	uint8_t n[DNS_NAME_MAX];
	size_t nl;

	(void)state;
	resolv_conf_init(&rc);
	assert_int_equal(resolv_conf_parse(&rc, text, sizeof(text) - 1, &bad),
	    0);
	assert_int_equal(bad, 3);
	assert_int_equal(rc.nserver, 3);
	assert_string_equal(resolv_server_text(&rc.server[0], buf),
	    "192.0.2.1#53");
	assert_string_equal(resolv_server_text(&rc.server[1], buf),
	    "2001:db8::53#53");
	assert_string_equal(resolv_server_text(&rc.server[2], buf),
	    "192.0.2.3#53");
	assert_int_equal(rc.nsearch, 2);
	nl = wname("example.net.", n);
	assert_int_equal(rc.search_len[1], nl);
	assert_memory_equal(rc.search[1], n, nl);
	assert_int_equal(rc.ndots, 2);
	assert_int_equal(rc.timeout_ms, 3000);
	assert_int_equal(rc.attempts, 4);
	assert_true(rc.flags & RESOLV_CONF_ROTATE);
}

static void
conf_caps_options_like_glibc(void **state)
{
	static const char text[] = "options timeout:999 attempts:0 ndots:40\n";
	struct resolv_conf rc;

	(void)state;
	resolv_conf_init(&rc);
	resolv_conf_parse(&rc, text, sizeof(text) - 1, NULL);
	assert_int_equal(rc.timeout_ms, 30000);
	assert_int_equal(rc.attempts, 1);
	assert_int_equal(rc.ndots, 15);
}

static void
conf_missing_file_means_local_server(void **state)
{
	struct resolv_conf rc;
	char buf[64];

	(void)state;
	resolv_conf_init(&rc);
	assert_int_equal(resolv_conf_load(&rc,
	    "/nonexistent/mxkit/resolv.conf"), 0);
	assert_int_equal(rc.nserver, 2);
	assert_string_equal(resolv_server_text(&rc.server[0], buf),
	    "127.0.0.1#53");
	assert_string_equal(resolv_server_text(&rc.server[1], buf), "::1#53");
}

static void
server_parse_forms(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "192.0.2.1", "192.0.2.1#53" },
		{ "192.0.2.1:5353", "192.0.2.1#5353" },
		{ "2001:db8::1", "2001:db8::1#53" },
		{ "[2001:db8::1]:5353", "2001:db8::1#5353" },
		{ "[::1]", "::1#53" },
		{ "::1", "::1#53" },
	};
	static const char *bad[] = {
		"", "example.org", "192.0.2.1:", "192.0.2.1:0",
		"192.0.2.1:65536", "192.0.2.1:5x", "[2001:db8::1", "[::1]x",
		"[192.0.2.1:53", "300.0.2.1",
	};
	struct resolv_server s;
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(resolv_server_parse(&s, ok[i].in, 53), 0);
		assert_string_equal(resolv_server_text(&s, buf), ok[i].out);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(resolv_server_parse(&s, bad[i], 53),
		    MX_EINVAL);
}

static void
query_has_question_rd_and_edns(void **state)
{
	uint8_t q[RESOLV_QUERY_MAX], n[DNS_NAME_MAX];
	size_t nl = wname("Example.ORG.", n);
	struct dns_msg m;
	struct dns_msg_rr rr[4];
	int len;

	(void)state;
	len = resolv_query_build(q, 0xbeef, n, nl, DNS_TYPE_MX,
	    RESOLV_Q_RD | RESOLV_Q_EDNS);
	assert_true(len > 0);
	assert_int_equal(dns_msg_parse(&m, q, (size_t)len, rr, 4, 0), 0);
	assert_int_equal(m.hdr.id, 0xbeef);
	assert_int_equal(m.hdr.flags, DNS_FLAG_RD);
	assert_int_equal(m.qtype, DNS_TYPE_MX);
	assert_int_equal(m.qclass, DNS_CLASS_IN);
	assert_memory_equal(m.qname, n, nl);	/* case kept */
	assert_true(m.edns.present);
	assert_int_equal(m.edns.udp_size, RESOLV_EDNS_SIZE);
	len = resolv_query_build(q, 1, n, nl, DNS_TYPE_A, 0);
	assert_int_equal(len, 12 + (int)nl + 4);
	assert_int_equal(resolv_query_build(q, 1, (const uint8_t *)"\3abc",
	    4, DNS_TYPE_A, 0), MX_EINVAL);
}

/*
 * Replies for the query (id 0x1234, "mx.example.org." MX). Each case is a
 * header plus question plus records written out byte by byte.
 */
#define QNAME "\002mx\007example\003org\000"
#define QTAIL "\000\017\000\001"	/* MX IN */
#define Q QNAME QTAIL

static const struct {
	const char *what;
	const char *pkt;
	size_t len;
	enum resolv_reply want;
	int err;
} replies[] = {
	{ "answer with one MX",
	  "\x12\x34\x84\x00\0\1\0\1\0\0\0\0" Q
	  "\xc0\x0c\0\x0f\0\1\0\0\x0e\x10\0\x07\0\x0a\x02mx\xc0\x0f",
	  12 + 20 + 19, RESOLV_REPLY_OK, 0 },
	{ "question in another case",
	  "\x12\x34\x84\x00\0\1\0\0\0\0\0\0\002MX\007EXAMPLE\003org\000" QTAIL,
	  12 + 20, RESOLV_REPLY_OK, 0 },
	{ "wrong ID",
	  "\x12\x35\x84\x00\0\1\0\0\0\0\0\0" Q, 32, RESOLV_REPLY_IGNORE, 0 },
	{ "QR clear (a query, not a reply)",
	  "\x12\x34\x04\x00\0\1\0\0\0\0\0\0" Q, 32, RESOLV_REPLY_IGNORE, 0 },
	{ "opcode NOTIFY",
	  "\x12\x34\xa4\x00\0\1\0\0\0\0\0\0" Q, 32, RESOLV_REPLY_IGNORE, 0 },
	{ "other name in question",
	  "\x12\x34\x84\x00\0\1\0\0\0\0\0\0\002my\007example\003org\000" QTAIL,
	  32, RESOLV_REPLY_IGNORE, 0 },
	{ "other type in question",
	  "\x12\x34\x84\x00\0\1\0\0\0\0\0\0" QNAME "\0\1\0\1", 32,
	  RESOLV_REPLY_IGNORE, 0 },
	{ "other class in question",
	  "\x12\x34\x84\x00\0\1\0\0\0\0\0\0" QNAME "\0\x0f\0\3", 32,
	  RESOLV_REPLY_IGNORE, 0 },
	{ "two questions",
	  "\x12\x34\x84\x00\0\2\0\0\0\0\0\0" Q Q, 52, RESOLV_REPLY_IGNORE, 0 },
	{ "NOERROR without a question",
	  "\x12\x34\x84\x00\0\0\0\0\0\0\0\0", 12, RESOLV_REPLY_IGNORE, 0 },
	{ "FORMERR without a question",
	  "\x12\x34\x84\x01\0\0\0\0\0\0\0\0", 12, RESOLV_REPLY_OK, 0 },
	{ "shorter than a header",
	  "\x12\x34\x84\x00\0\1\0\0\0\0", 10, RESOLV_REPLY_IGNORE, 0 },
	{ "question cut short",
	  "\x12\x34\x84\x00\0\1\0\0\0\0\0\0" QNAME "\0\x0f", 30,
	  RESOLV_REPLY_IGNORE, 0 },
	{ "MX rdata of one octet",
	  "\x12\x34\x84\x00\0\1\0\1\0\0\0\0" Q
	  "\xc0\x0c\0\x0f\0\1\0\0\x0e\x10\0\x01\0",
	  12 + 20 + 13, RESOLV_REPLY_BAD, MX_ERDLEN },
	{ "compression pointer to itself",
	  "\x12\x34\x84\x00\0\1\0\1\0\0\0\0" Q
	  "\xc0\x20\0\x0f\0\1\0\0\x0e\x10\0\x04\0\x0a\xc0\x20",
	  12 + 20 + 16, RESOLV_REPLY_BAD, MX_EPTR },
	{ "compression pointer forward",
	  "\x12\x34\x84\x00\0\1\0\1\0\0\0\0" Q
	  "\xc0\x40\0\x0f\0\1\0\0\x0e\x10\0\x04\0\x0a\xc0\x0c",
	  12 + 20 + 16, RESOLV_REPLY_BAD, MX_EPTR },
	{ "answer count beyond the message",
	  "\x12\x34\x84\x00\0\1\0\5\0\0\0\0" Q, 32, RESOLV_REPLY_BAD,
	  MX_ECOUNT },
	{ "trailing garbage",
	  "\x12\x34\x84\x00\0\1\0\0\0\0\0\0" Q "xyz", 35, RESOLV_REPLY_BAD,
	  MX_ETRAIL },
};

static void
reply_match_table(void **state)
{
	uint8_t n[DNS_NAME_MAX];
	size_t nl = wname("mx.example.org.", n), i;
	struct dns_msg m;
	struct dns_msg_rr rr[8];
	int err, nfail = 0;

	(void)state;
	for (i = 0; i < sizeof(replies) / sizeof(replies[0]); i++) {
		uint8_t *p = malloc(replies[i].len);	/* exact size: ASan */
		enum resolv_reply got;

		assert_non_null(p);
		memcpy(p, replies[i].pkt, replies[i].len);
		got = resolv_reply_match(p, replies[i].len, 0x1234, n, nl,
		    DNS_TYPE_MX, &m, rr, 8, &err);
		if (got != replies[i].want || (replies[i].err != 0 &&
		    err != replies[i].err))
			print_error("%s: got %d (err %s), want %d (err %s)\n",
			    replies[i].what, got, mx_errname(err),
			    replies[i].want, mx_errname(replies[i].err));
		free(p);
		if (got != replies[i].want || err != replies[i].err)
			nfail++;
	}
	assert_int_equal(nfail, 0);
}

/* A reply built record by record, for the chain tests. */
struct rb {
	uint8_t buf[2048];
	struct dns_msgw mw;
};

static void
rb_init(struct rb *b, const char *qname, uint16_t qtype, unsigned rcode)
{
	uint8_t n[DNS_NAME_MAX];
	size_t nl = wname(qname, n);

	dns_msgw_init(&b->mw, b->buf, sizeof(b->buf), 7,
	    (uint16_t)(DNS_FLAG_QR | DNS_FLAG_AA | rcode));
	assert_int_equal(dns_msgw_question(&b->mw, n, nl, qtype,
	    DNS_CLASS_IN), 0);
}

static void
rb_rr(struct rb *b, enum dns_section sec, const char *owner, uint16_t type,
    const char *rdtext)
{
	uint8_t o[DNS_NAME_MAX], rd[512];
	size_t ol = wname(owner, o), rl, bad;
	struct dns_tok tok[8];
	size_t nt = 0;
	const char *p = rdtext;

	/* Split rdtext on blanks into tokens. */
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		tok[nt].p = p;
		tok[nt].flags = 0;
		tok[nt].line = tok[nt].col = 0;
		while (*p != '\0' && *p != ' ')
			p++;
		tok[nt].len = (uint32_t)(p - tok[nt].p);
		nt++;
	}
	assert_int_equal(dns_rdata_from_text(type, tok, nt, NULL, 0, rd,
	    sizeof(rd), &rl, &bad), 0);
	assert_int_equal(dns_msgw_rr(&b->mw, sec, o, ol, type, DNS_CLASS_IN,
	    300, rd, rl), 0);
}

static void
rb_parse(struct rb *b, struct dns_msg *m, struct dns_msg_rr *rr)
{
	size_t len = dns_msgw_finish(&b->mw);

	assert_int_equal(dns_msg_parse(m, b->buf, len, rr, 32, 0), 0);
}

static struct resolv_result *
result_for(const char *qname, uint16_t qtype)
{
	struct resolv_result *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->qname_len = wname(qname, r->qname);
	r->qtype = qtype;
	return r;
}

static void
take_follows_chain_inside_reply(void **state)
{
	struct rb b;
	struct dns_msg m;
	struct dns_msg_rr rr[32];
	struct resolv_result *r = result_for("www.example.org.", DNS_TYPE_A);
	char t[DNS_NAME_TEXT_MAX];

	(void)state;
	rb_init(&b, "www.example.org.", DNS_TYPE_A, 0);
	rb_rr(&b, DNS_SEC_ANSWER, "www.example.org.", DNS_TYPE_CNAME,
	    "web.example.org.");
	rb_rr(&b, DNS_SEC_ANSWER, "web.example.org.", DNS_TYPE_CNAME,
	    "host.example.org.");
	rb_rr(&b, DNS_SEC_ANSWER, "host.example.org.", DNS_TYPE_A,
	    "192.0.2.1");
	rb_rr(&b, DNS_SEC_ANSWER, "host.example.org.", DNS_TYPE_A,
	    "192.0.2.2");
	rb_rr(&b, DNS_SEC_ANSWER, "other.example.org.", DNS_TYPE_A,
	    "192.0.2.99");	/* not on the chain: ignored */
	rb_parse(&b, &m, rr);
	assert_int_equal(resolv_result_take(r, &m, r->qname, r->qname_len,
	    DNS_TYPE_A), 0);
	assert_int_equal(r->status, RESOLV_OK);
	assert_int_equal(r->nalias, 2);
	dns_name_to_text(r->name, r->name_len, t, sizeof(t));
	assert_string_equal(t, "host.example.org.");
	assert_int_equal(r->nrr, 2);
	assert_memory_equal(resolv_rr_data(r, 1), "\xc0\x00\x02\x02", 4);
	resolv_result_free(r);
}

static void
take_asks_again_when_chain_leaves_the_zone(void **state)
{
	struct rb b;
	struct dns_msg m;
	struct dns_msg_rr rr[32];
	struct resolv_result *r = result_for("mail.example.org.", DNS_TYPE_A);
	char t[DNS_NAME_TEXT_MAX];

	(void)state;
	/* An authoritative server: the CNAME and nothing else. */
	rb_init(&b, "mail.example.org.", DNS_TYPE_A, 0);
	rb_rr(&b, DNS_SEC_ANSWER, "mail.example.org.", DNS_TYPE_CNAME,
	    "mx.example.net.");
	rb_parse(&b, &m, rr);
	assert_int_equal(resolv_result_take(r, &m, r->qname, r->qname_len,
	    DNS_TYPE_A), 1);
	dns_name_to_text(r->name, r->name_len, t, sizeof(t));
	assert_string_equal(t, "mx.example.net.");
	assert_int_equal(r->nalias, 1);

	/* A recursive server proves NODATA at the end with its zone's SOA. */
	rb_init(&b, "mail.example.org.", DNS_TYPE_A, 0);
	rb_rr(&b, DNS_SEC_ANSWER, "mail.example.org.", DNS_TYPE_CNAME,
	    "mx.example.net.");
	rb_rr(&b, DNS_SEC_AUTHORITY, "example.net.", DNS_TYPE_SOA,
	    "ns.example.net. h.example.net. 1 2 3 4 5");
	rb_parse(&b, &m, rr);
	r->nalias = 0;
	assert_int_equal(resolv_result_take(r, &m, r->qname, r->qname_len,
	    DNS_TYPE_A), 0);
	assert_int_equal(r->status, RESOLV_NODATA);

	/* NXDOMAIN speaks of the end of the chain (RFC 6604). */
	rb_init(&b, "mail.example.org.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN);
	rb_rr(&b, DNS_SEC_ANSWER, "mail.example.org.", DNS_TYPE_CNAME,
	    "gone.example.org.");
	rb_parse(&b, &m, rr);
	r->nalias = 0;
	assert_int_equal(resolv_result_take(r, &m, r->qname, r->qname_len,
	    DNS_TYPE_A), 0);
	assert_int_equal(r->status, RESOLV_NXDOMAIN);
	dns_name_to_text(r->name, r->name_len, t, sizeof(t));
	assert_string_equal(t, "gone.example.org.");
	resolv_result_free(r);
}

static void
take_detects_loops_and_long_chains(void **state)
{
	struct rb b;
	struct dns_msg m;
	struct dns_msg_rr rr[32];
	struct resolv_result *r = result_for("a.example.org.", DNS_TYPE_MX);
	char owner[64], target[64];
	int i;

	(void)state;
	rb_init(&b, "a.example.org.", DNS_TYPE_MX, 0);
	rb_rr(&b, DNS_SEC_ANSWER, "a.example.org.", DNS_TYPE_CNAME,
	    "b.example.org.");
	rb_rr(&b, DNS_SEC_ANSWER, "b.example.org.", DNS_TYPE_CNAME,
	    "a.example.org.");
	rb_parse(&b, &m, rr);
	assert_int_equal(resolv_result_take(r, &m, r->qname, r->qname_len,
	    DNS_TYPE_MX), 0);
	assert_int_equal(r->status, RESOLV_LOOP);

	/* c0 -> c1 -> ... -> c9: nine hops, one over RESOLV_CHAIN_MAX. */
	rb_init(&b, "c0.example.org.", DNS_TYPE_MX, 0);
	for (i = 0; i < 9; i++) {
		snprintf(owner, sizeof(owner), "c%d.example.org.", i);
		snprintf(target, sizeof(target), "c%d.example.org.", i + 1);
		rb_rr(&b, DNS_SEC_ANSWER, owner, DNS_TYPE_CNAME, target);
	}
	rb_rr(&b, DNS_SEC_ANSWER, "c9.example.org.", DNS_TYPE_MX,
	    "10 mx.example.org.");
	rb_parse(&b, &m, rr);
	resolv_result_free(r);
	r = result_for("c0.example.org.", DNS_TYPE_MX);
	assert_int_equal(resolv_result_take(r, &m, r->qname, r->qname_len,
	    DNS_TYPE_MX), 0);
	assert_int_equal(r->status, RESOLV_LOOP);
	assert_int_equal(r->nalias, RESOLV_CHAIN_MAX);

	/* Exactly eight hops is fine. */
	resolv_result_free(r);
	r = result_for("c1.example.org.", DNS_TYPE_MX);
	assert_int_equal(resolv_result_take(r, &m, r->qname, r->qname_len,
	    DNS_TYPE_MX), 0);
	assert_int_equal(r->status, RESOLV_OK);
	assert_int_equal(r->nalias, 8);
	resolv_result_free(r);
}

static void
take_nodata_and_cname_query(void **state)
{
	struct rb b;
	struct dns_msg m;
	struct dns_msg_rr rr[32];
	struct resolv_result *r = result_for("www.example.org.",
	    DNS_TYPE_CNAME);

	(void)state;
	rb_init(&b, "www.example.org.", DNS_TYPE_CNAME, 0);
	rb_rr(&b, DNS_SEC_ANSWER, "www.example.org.", DNS_TYPE_CNAME,
	    "web.example.org.");
	rb_parse(&b, &m, rr);
	assert_int_equal(resolv_result_take(r, &m, r->qname, r->qname_len,
	    DNS_TYPE_CNAME), 0);
	assert_int_equal(r->status, RESOLV_OK);
	assert_int_equal(r->nalias, 0);
	resolv_result_free(r);

	r = result_for("www.example.org.", DNS_TYPE_AAAA);
	rb_init(&b, "www.example.org.", DNS_TYPE_AAAA, 0);
	rb_rr(&b, DNS_SEC_AUTHORITY, "example.org.", DNS_TYPE_SOA,
	    "ns.example.org. h.example.org. 1 2 3 4 5");
	rb_parse(&b, &m, rr);
	assert_int_equal(resolv_result_take(r, &m, r->qname, r->qname_len,
	    DNS_TYPE_AAAA), 0);
	assert_int_equal(r->status, RESOLV_NODATA);
	resolv_result_free(r);
}

static void
take_referral_is_not_nodata(void **state)
{
	struct rb b;
	struct dns_msg m;
	struct dns_msg_rr rr[32];
	struct resolv_result *r = result_for("example.org.", DNS_TYPE_MX);

	(void)state;
	/* A non-recursive server that is not authoritative: NS and glue,
	 * no SOA, no answer. */
	rb_init(&b, "example.org.", DNS_TYPE_MX, 0);
	rb_rr(&b, DNS_SEC_AUTHORITY, "example.org.", DNS_TYPE_NS,
	    "ns.example.org.");
	rb_rr(&b, DNS_SEC_ADDITIONAL, "ns.example.org.", DNS_TYPE_A,
	    "192.0.2.53");
	rb_parse(&b, &m, rr);
	assert_int_equal(resolv_result_take(r, &m, r->qname, r->qname_len,
	    DNS_TYPE_MX), 0);
	assert_int_equal(r->status, RESOLV_REFERRAL);
	assert_true(resolv_status_temp(r->status));
	/* With the SOA as well it is NODATA (RFC 2308 2.2 type 2). */
	rb_init(&b, "example.org.", DNS_TYPE_MX, 0);
	rb_rr(&b, DNS_SEC_AUTHORITY, "example.org.", DNS_TYPE_SOA,
	    "ns.example.org. h.example.org. 1 2 3 4 5");
	rb_rr(&b, DNS_SEC_AUTHORITY, "example.org.", DNS_TYPE_NS,
	    "ns.example.org.");
	rb_parse(&b, &m, rr);
	assert_int_equal(resolv_result_take(r, &m, r->qname, r->qname_len,
	    DNS_TYPE_MX), 0);
	assert_int_equal(r->status, RESOLV_NODATA);
	resolv_result_free(r);
}

static void
status_names_and_temp(void **state)
{
	(void)state;
	assert_string_equal(resolv_status_name(RESOLV_SERVFAIL), "SERVFAIL");
	assert_string_equal(resolv_status_name(99), "?");
	assert_false(resolv_status_temp(RESOLV_NXDOMAIN));
	assert_false(resolv_status_temp(RESOLV_NODATA));
	assert_true(resolv_status_temp(RESOLV_TIMEOUT));
	assert_true(resolv_status_temp(RESOLV_MALFORMED));
	assert_true(resolv_status_temp(RESOLV_REFUSED));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conf_reads_servers_search_and_options),
		cmocka_unit_test(conf_caps_options_like_glibc),
		cmocka_unit_test(conf_missing_file_means_local_server),
		cmocka_unit_test(server_parse_forms),
		cmocka_unit_test(query_has_question_rd_and_edns),
		cmocka_unit_test(reply_match_table),
		cmocka_unit_test(take_follows_chain_inside_reply),
		cmocka_unit_test(take_asks_again_when_chain_leaves_the_zone),
		cmocka_unit_test(take_detects_loops_and_long_chains),
		cmocka_unit_test(take_nodata_and_cname_query),
		cmocka_unit_test(take_referral_is_not_nodata),
		cmocka_unit_test(status_names_and_temp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
