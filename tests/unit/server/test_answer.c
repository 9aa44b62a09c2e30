/* test_answer.c -- the answer logic, case by case (RFC 1034 4.3.2, RFC 2181
 * 9, RFC 2308, RFC 3596 3, RFC 4592, RFC 6891, RFC 8482) */
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
#include "mxkit/server.h"
#include "mxkit/zone.h"

static const char zone_text[] =
    "$TTL 3600\n"
    "@ SOA ns1 hostmaster 2026112601 7200 3600 1209600 300\n"
    "@ NS ns1\n"
    "@ MX 10 mx\n"
    "@ MX 20 mx2.example.net.\n"	/* another zone we serve */
    "@ TXT \"v=spf1 mx -all\"\n"
    "ns1 A 192.0.2.53\n"
    "mx A 192.0.2.10\n"
    "mx AAAA 2001:db8::10\n"
    "www CNAME mx\n"
    "chain CNAME www\n"
    "out CNAME mail.example.com.\n"	/* outside every zone served */
    "loop1 CNAME loop2\n"
    "loop2 CNAME loop1\n"
    "*.wild MX 10 mx\n"
    "exists.wild TXT \"here\"\n"
    "a.b.c A 192.0.2.1\n"		/* b.c is an empty non-terminal */
    "child NS ns.child\n"
    "child DS 1 8 2 0123456789ABCDEF\n"
    "ns.child A 192.0.2.54\n"
    "big MX 10 a-long-mail-exchange-name-number-00.example.org.\n";

static const char zone2_text[] =
    "$TTL 600\n"
    "@ SOA ns1.example.org. hostmaster.example.org. 1 2 3 4 60\n"
    "@ NS ns1.example.org.\n"
    "mx2 A 198.51.100.20\n";

static struct srv_zoneset *zs;

static int
add(void *ud, const struct zone_rr *rr, const struct mx_where *w)
{
	return zone_store_add(ud, rr, w, NULL);
}

static void
load(const char *origin, const char *text, size_t len)
{
	uint8_t o[DNS_NAME_MAX];
	size_t olen;
	struct zone_parse_opts po;
	struct zone_store *z;

	assert_int_equal(dns_name_from_text(origin, strlen(origin), NULL, 0,
	    o, &olen, NULL), 0);
	z = zone_store_new(o, olen, NULL);
	assert_non_null(z);
	memset(&po, 0, sizeof(po));
	po.file = origin;
	po.origin = o;
	po.origin_len = olen;
	po.accept = add;
	po.ud = z;
	assert_int_equal(zone_parse_string(&po, text, len), 0);
	assert_int_equal(zone_store_finish(z, NULL), 0);
	assert_int_equal(srv_zoneset_add(zs, z), 0);
}

static int
setup(void **state)
{
	char big[16384];
	size_t n = strlen(zone_text);
	int i;

	(void)state;
	zs = srv_zoneset_new();
	assert_non_null(zs);
	/* 40 MX records with long exchanges: far more than 1232 octets. */
	memcpy(big, zone_text, n);
	for (i = 1; i < 40; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
		    "big MX %d a-long-mail-exchange-name-number-%02d."
		    "example.org.\n", 10 + i, i);
	/* Spec T39: an MX answer that fits in 512 octets, with six A and six
	 * AAAA for each of its two exchanges (about 530 octets more). */
	n += (size_t)snprintf(big + n, sizeof(big) - n,
	    "t39 MX 10 mx-a.t39\nt39 MX 20 mx-b.t39\n"
	    "tochild CNAME www.child\n");
	for (i = 1; i <= 6; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
		    "mx-a.t39 A 198.51.100.%d\nmx-a.t39 AAAA 2001:db8:39:a::%d\n"
		    "mx-b.t39 A 203.0.113.%d\nmx-b.t39 AAAA 2001:db8:39:b::%d\n",
		    10 + i, i, 10 + i, i);
	load("example.org", big, n);
	load("example.net", zone2_text, strlen(zone2_text));
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	srv_zoneset_free(zs);
	return 0;
}

/* Builds a query; edns 0 means none. */
static size_t
query(uint8_t *buf, const char *name, uint16_t type, uint16_t edns,
    uint16_t flags)
{
	struct dns_msgw mw;
	uint8_t w[DNS_NAME_MAX];
	size_t len;

	assert_int_equal(dns_name_from_text(name, strlen(name), NULL, 0, w,
	    &len, NULL), 0);
	dns_msgw_init(&mw, buf, 512, 0x4242, flags);
	assert_int_equal(dns_msgw_question(&mw, w, len, type, DNS_CLASS_IN),
	    0);
	if (edns != 0) {
		struct dns_edns e = { 1, edns, 0, 0, 0, NULL, 0 };

		assert_int_equal(dns_msgw_opt(&mw, &e), 0);
	}
	return dns_msgw_finish(&mw);
}

struct resp {
	struct dns_msg m;
	struct dns_msg_rr rr[256];
	size_t len;
	uint8_t buf[65535];
	struct srv_answer_info info;
};

static struct resp *
ask(const char *name, uint16_t type, uint16_t edns, enum srv_transport t)
{
	static struct resp r;
	uint8_t q[512];
	size_t ql = query(q, name, type, edns, DNS_FLAG_RD);
	struct srv_answer_opts o = { 1232 };

	memset(&r.info, 0, sizeof(r.info));
	r.len = srv_answer(zs, &o, t, q, ql, r.buf, sizeof(r.buf), &r.info);
	if (r.len > 0)
		assert_int_equal(dns_msg_parse(&r.m, r.buf, r.len, r.rr, 256,
		    0), 0);
	return &r;
}

/* The records of one section as "owner TTL TYPE rdata" lines, joined. */
static const char *
section(const struct resp *r, int sec)
{
	static char out[8192];
	size_t i, o = 0;

	out[0] = '\0';
	for (i = 0; i < r->m.nrr; i++) {
		const struct dns_msg_rr *x = &r->m.rr[i];
		uint8_t owner[DNS_NAME_MAX], rd[65535];
		size_t olen, rdlen;
		char on[DNS_NAME_TEXT_MAX], rt[1024], tn[16];

		if (x->section != sec)
			continue;
		assert_int_equal(dns_msg_rr_owner(&r->m, x, owner, &olen), 0);
		assert_int_equal(dns_msg_rr_rdata(&r->m, x, rd, sizeof(rd),
		    &rdlen), 0);
		dns_name_to_text(owner, olen, on, sizeof(on));
		dns_rdata_to_text(x->type, rd, rdlen, rt, sizeof(rt), 0);
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s %u %s %s",
		    o ? "|" : "", on, (unsigned)x->ttl,
		    dns_type_to_text(x->type, tn), rt);
	}
	return out;
}

static unsigned
count(const struct resp *r, int sec)
{
	return sec == DNS_SEC_ANSWER ? r->m.hdr.ancount :
	    sec == DNS_SEC_AUTHORITY ? r->m.hdr.nscount : r->m.hdr.arcount;
}

#define RCODE(r)	((r)->m.rcode)
#define AA(r)		(((r)->m.hdr.flags & DNS_FLAG_AA) != 0)
#define TC(r)		(((r)->m.hdr.flags & DNS_FLAG_TC) != 0)

static void
exact_match_with_additional_a_and_aaaa(void **state)
{
	struct resp *r = ask("example.org.", DNS_TYPE_MX, 1232, SRV_UDP);

	(void)state;
	assert_int_equal(RCODE(r), DNS_RCODE_NOERROR);
	assert_true(AA(r));
	assert_false(r->m.hdr.flags & DNS_FLAG_RA);	/* never recursion */
	assert_true(r->m.hdr.flags & DNS_FLAG_RD);	/* copied */
	assert_string_equal(section(r, DNS_SEC_ANSWER),
	    "example.org. 3600 MX 10 mx.example.org.|"
	    "example.org. 3600 MX 20 mx2.example.net.");
	/* RFC 3596 3: A and AAAA, also from the other zone served. */
	assert_string_equal(section(r, DNS_SEC_ADDITIONAL),
	    "mx.example.org. 3600 A 192.0.2.10|"
	    "mx.example.org. 3600 AAAA 2001:db8::10|"
	    "mx2.example.net. 600 A 198.51.100.20");
	assert_true(r->m.edns.present);
	assert_int_equal(r->m.edns.udp_size, 1232);
}

static void
question_case_is_kept(void **state)
{
	struct resp *r = ask("MX.Example.ORG.", DNS_TYPE_A, 0, SRV_UDP);
	char qn[DNS_NAME_TEXT_MAX];

	(void)state;
	dns_name_to_text(r->m.qname, r->m.qname_len, qn, sizeof(qn));
	assert_string_equal(qn, "MX.Example.ORG.");
	assert_string_equal(section(r, DNS_SEC_ANSWER),
	    "MX.Example.ORG. 3600 A 192.0.2.10");
	assert_false(r->m.edns.present);	/* no OPT without EDNS */
}

static void
nodata_carries_soa_with_negative_ttl(void **state)
{
	struct resp *r = ask("mx.example.org.", DNS_TYPE_TXT, 0, SRV_UDP);

	(void)state;
	assert_int_equal(RCODE(r), DNS_RCODE_NOERROR);
	assert_int_equal(count(r, DNS_SEC_ANSWER), 0);
	assert_true(AA(r));
	/* RFC 2308 3: min(SOA TTL 3600, MINIMUM 300). */
	assert_string_equal(section(r, DNS_SEC_AUTHORITY),
	    "example.org. 300 SOA ns1.example.org. hostmaster.example.org. "
	    "2026112601 7200 3600 1209600 300");
}

static void
nxdomain_carries_soa(void **state)
{
	struct resp *r = ask("nope.example.org.", DNS_TYPE_A, 0, SRV_UDP);

	(void)state;
	assert_int_equal(RCODE(r), DNS_RCODE_NXDOMAIN);
	assert_true(AA(r));
	assert_int_equal(count(r, DNS_SEC_AUTHORITY), 1);
}

static void
empty_non_terminal_is_nodata(void **state)
{
	struct resp *r = ask("b.c.example.org.", DNS_TYPE_A, 0, SRV_UDP);

	(void)state;
	assert_int_equal(RCODE(r), DNS_RCODE_NOERROR);
	assert_int_equal(count(r, DNS_SEC_ANSWER), 0);
	assert_int_equal(count(r, DNS_SEC_AUTHORITY), 1);
}

static void
cname_is_followed_inside_the_zones(void **state)
{
	struct resp *r = ask("chain.example.org.", DNS_TYPE_A, 0, SRV_UDP);

	(void)state;
	assert_int_equal(RCODE(r), DNS_RCODE_NOERROR);
	assert_string_equal(section(r, DNS_SEC_ANSWER),
	    "chain.example.org. 3600 CNAME www.example.org.|"
	    "www.example.org. 3600 CNAME mx.example.org.|"
	    "mx.example.org. 3600 A 192.0.2.10");
}

static void
cname_out_of_the_zones_stops_there(void **state)
{
	struct resp *r = ask("out.example.org.", DNS_TYPE_A, 0, SRV_UDP);

	(void)state;
	assert_int_equal(RCODE(r), DNS_RCODE_NOERROR);
	assert_string_equal(section(r, DNS_SEC_ANSWER),
	    "out.example.org. 3600 CNAME mail.example.com.");
}

static void
cname_loop_ends(void **state)
{
	struct resp *r = ask("loop1.example.org.", DNS_TYPE_A, 0, SRV_UDP);

	(void)state;
	assert_int_equal(RCODE(r), DNS_RCODE_NOERROR);
	assert_int_equal(count(r, DNS_SEC_ANSWER), 2);
}

static void
cname_asked_for_itself(void **state)
{
	struct resp *r = ask("www.example.org.", DNS_TYPE_CNAME, 0, SRV_UDP);

	(void)state;
	assert_string_equal(section(r, DNS_SEC_ANSWER),
	    "www.example.org. 3600 CNAME mx.example.org.");
}

static void
wildcard_answers_missing_names(void **state)
{
	struct resp *r = ask("r4nd0m.wild.example.org.", DNS_TYPE_MX, 0,
	    SRV_UDP);

	(void)state;
	assert_int_equal(RCODE(r), DNS_RCODE_NOERROR);
	assert_true(AA(r));
	/* RFC 4592: the owner is the name asked. */
	assert_string_equal(section(r, DNS_SEC_ANSWER),
	    "r4nd0m.wild.example.org. 3600 MX 10 mx.example.org.");
}

static void
wildcard_never_covers_an_existing_name(void **state)
{
	struct resp *r = ask("exists.wild.example.org.", DNS_TYPE_MX, 0,
	    SRV_UDP);

	(void)state;
	/* Spec T43: NODATA, the wildcard does not apply. */
	assert_int_equal(RCODE(r), DNS_RCODE_NOERROR);
	assert_int_equal(count(r, DNS_SEC_ANSWER), 0);
	assert_int_equal(count(r, DNS_SEC_AUTHORITY), 1);
}

static void
referral_below_a_cut(void **state)
{
	struct resp *r = ask("www.child.example.org.", DNS_TYPE_A, 0,
	    SRV_UDP);

	(void)state;
	assert_int_equal(RCODE(r), DNS_RCODE_NOERROR);
	assert_false(AA(r));
	assert_int_equal(count(r, DNS_SEC_ANSWER), 0);
	assert_string_equal(section(r, DNS_SEC_AUTHORITY),
	    "child.example.org. 3600 NS ns.child.example.org.");
	assert_string_equal(section(r, DNS_SEC_ADDITIONAL),
	    "ns.child.example.org. 3600 A 192.0.2.54");
}

static void
cname_into_a_child_ends_in_a_referral(void **state)
{
	struct resp *r = ask("tochild.example.org.", DNS_TYPE_A, 0, SRV_UDP);

	(void)state;
	/* RFC 1034 4.3.2: step 3a restarts at step 1 with the alias, which
	 * step 3b refers to the child; the CNAME itself is ours (AA). */
	assert_int_equal(RCODE(r), DNS_RCODE_NOERROR);
	assert_true(AA(r));
	assert_string_equal(section(r, DNS_SEC_ANSWER),
	    "tochild.example.org. 3600 CNAME www.child.example.org.");
	assert_string_equal(section(r, DNS_SEC_AUTHORITY),
	    "child.example.org. 3600 NS ns.child.example.org.");
	assert_string_equal(section(r, DNS_SEC_ADDITIONAL),
	    "ns.child.example.org. 3600 A 192.0.2.54");
}

static void
ds_at_the_cut_is_the_parents(void **state)
{
	struct resp *r = ask("child.example.org.", DNS_TYPE_DS, 0, SRV_UDP);

	(void)state;
	assert_true(AA(r));
	assert_int_equal(count(r, DNS_SEC_ANSWER), 1);
}

static void
outside_every_zone_is_refused(void **state)
{
	struct resp *r = ask("example.com.", DNS_TYPE_A, 0, SRV_UDP);

	(void)state;
	assert_int_equal(RCODE(r), DNS_RCODE_REFUSED);
	assert_false(AA(r));
	assert_int_equal(count(r, DNS_SEC_ANSWER), 0);
}

static void
any_gets_one_rrset(void **state)
{
	struct resp *r = ask("example.org.", DNS_TYPE_ANY, 0, SRV_UDP);

	(void)state;
	/* RFC 8482: the lowest type the apex owns, NS (2). */
	assert_int_equal(count(r, DNS_SEC_ANSWER), 1);
	assert_int_equal(r->m.rr[0].type, DNS_TYPE_NS);
}

static void
additional_trimmed_without_tc_at_512(void **state)
{
	struct resp *r = ask("example.org.", DNS_TYPE_MX, 0, SRV_UDP);

	(void)state;
	/* Everything fits here; the rule is tested with the big RRset. */
	assert_false(TC(r));
	assert_true(r->len <= 512);
}

/* How many records of type at owner the additional section holds. */
static unsigned
additional_count(const struct resp *r, const char *owner, uint16_t type)
{
	uint8_t want[DNS_NAME_MAX], got[DNS_NAME_MAX];
	size_t wlen, glen, i;
	unsigned n = 0;

	assert_int_equal(dns_name_from_text(owner, strlen(owner), NULL, 0,
	    want, &wlen, NULL), 0);
	for (i = 0; i < r->m.nrr; i++) {
		const struct dns_msg_rr *x = &r->m.rr[i];

		if (x->section != DNS_SEC_ADDITIONAL || x->type != type)
			continue;
		assert_int_equal(dns_msg_rr_owner(&r->m, x, got, &glen), 0);
		if (dns_name_equal(got, glen, want, wlen))
			n++;
	}
	return n;
}

static void
additional_rrsets_left_out_whole(void **state)
{
	static const char *const hosts[] = { "mx-a.t39.example.org.",
	    "mx-b.t39.example.org." };
	static const uint16_t edns[] = { 0, 512 };
	unsigned h, e, na, n6, total = 0;

	(void)state;
	/* Spec T39, RFC 2181 9: at 512 octets some additional RRsets do not
	 * fit; each is then left out entirely, never cut, and TC stays 0. */
	for (e = 0; e < 2; e++) {
		struct resp *r = ask("t39.example.org.", DNS_TYPE_MX, edns[e],
		    SRV_UDP);

		assert_false(TC(r));
		assert_true(r->len <= 512);
		assert_int_equal(count(r, DNS_SEC_ANSWER), 2);
		total = 0;
		for (h = 0; h < 2; h++) {
			na = additional_count(r, hosts[h], DNS_TYPE_A);
			n6 = additional_count(r, hosts[h], DNS_TYPE_AAAA);
			assert_true(na == 0 || na == 6);
			assert_true(n6 == 0 || n6 == 6);
			total += na + n6;
		}
		assert_true(total < 24);	/* something was left out */
	}
	/* With room for all of it, all of it (spec T39 at 4096). */
	assert_int_equal(count(ask("t39.example.org.", DNS_TYPE_MX, 4096,
	    SRV_TCP), DNS_SEC_ADDITIONAL), 24 + 1);	/* + OPT */
}

static void
answer_too_big_sets_tc_over_udp(void **state)
{
	struct resp *r = ask("big.example.org.", DNS_TYPE_MX, 1232, SRV_UDP);

	(void)state;
	/* Spec T37: 40 MX with long names over UDP at 1232. */
	assert_true(TC(r));
	assert_int_equal(count(r, DNS_SEC_ANSWER), 0);
	assert_true(r->len <= 1232);
	assert_true(r->m.edns.present);
}

static void
answer_too_big_fits_over_tcp(void **state)
{
	struct resp *r = ask("big.example.org.", DNS_TYPE_MX, 1232, SRV_TCP);

	(void)state;
	assert_false(TC(r));
	assert_int_equal(count(r, DNS_SEC_ANSWER), 40);
	assert_true(r->len > 1232);
}

static void
axfr_goes_to_the_transport(void **state)
{
	struct resp *r = ask("example.org.", DNS_TYPE_AXFR, 0, SRV_TCP);

	(void)state;
	assert_int_equal(r->len, 0);
	assert_true(r->info.axfr);
	r = ask("example.org.", DNS_TYPE_AXFR, 0, SRV_UDP);
	assert_int_equal(RCODE(r), DNS_RCODE_REFUSED);
}

static void
triage(void **state)
{
	static const uint8_t shortq[] = { 0x12, 0x34, 0x01, 0x00 };
	uint8_t q[512], out[4096];
	struct srv_answer_info info;
	struct srv_answer_opts o = { 1232 };
	struct dns_msg m;
	struct dns_msg_rr rr[4];
	size_t ql, n;

	(void)state;
	/* Shorter than a header: dropped. */
	assert_int_equal(srv_answer(zs, &o, SRV_UDP, shortq, sizeof(shortq),
	    out, sizeof(out), &info), 0);
	/* A response: dropped, no answer to answers. */
	ql = query(q, "example.org.", DNS_TYPE_A, 0, DNS_FLAG_QR);
	assert_int_equal(srv_answer(zs, &o, SRV_UDP, q, ql, out, sizeof(out),
	    &info), 0);
	/* Opcode UPDATE: NOTIMP. */
	ql = query(q, "example.org.", DNS_TYPE_A, 0, 5u << 11);
	n = srv_answer(zs, &o, SRV_UDP, q, ql, out, sizeof(out), &info);
	assert_true(n >= 12);
	assert_int_equal(dns_msg_parse(&m, out, n, rr, 4, 0), 0);
	assert_int_equal(m.rcode, DNS_RCODE_NOTIMP);
	assert_int_equal(m.hdr.id, 0x4242);
	/* Two questions: FORMERR. */
	ql = query(q, "example.org.", DNS_TYPE_A, 0, 0);
	q[5] = 2;
	n = srv_answer(zs, &o, SRV_UDP, q, ql, out, sizeof(out), &info);
	assert_int_equal(dns_msg_parse(&m, out, n, rr, 4, 0), 0);
	assert_int_equal(m.rcode, DNS_RCODE_FORMERR);
	/* EDNS version 1: BADVERS, with an OPT. */
	ql = query(q, "example.org.", DNS_TYPE_A, 1232, 0);
	q[ql - 5] = 1;			/* OPT TTL: version */
	n = srv_answer(zs, &o, SRV_UDP, q, ql, out, sizeof(out), &info);
	assert_int_equal(dns_msg_parse(&m, out, n, rr, 4, 0), 0);
	assert_int_equal(m.rcode, DNS_RCODE_BADVERS);
	assert_true(m.edns.present);
	/* Two OPT records: FORMERR. */
	ql = query(q, "example.org.", DNS_TYPE_A, 1232, 0);
	memcpy(q + ql, q + ql - 11, 11);
	q[11] = 2;			/* ARCOUNT */
	n = srv_answer(zs, &o, SRV_UDP, q, ql + 11, out, sizeof(out), &info);
	assert_int_equal(dns_msg_parse(&m, out, n, rr, 4, 0), 0);
	assert_int_equal(m.rcode, DNS_RCODE_FORMERR);
}

static void
axfr_sends_soa_everything_soa(void **state)
{
	uint8_t q[512], out[65535];
	size_t ql = query(q, "example.org.", DNS_TYPE_AXFR, 0, 0), n;
	const struct zone_store *z = srv_zoneset_zone(zs, 1);
	struct srv_xfr x;
	struct dns_msg m;
	struct dns_msg_rr rr[512];
	unsigned msgs = 0, records = 0, soas = 0;
	uint16_t first = 0, last = 0;
	size_t olen;
	const uint8_t *o = zone_store_origin(z, &olen);

	(void)state;
	assert_true(dns_name_equal(o, olen, (const uint8_t *)
	    "\007example\003org", 13));
	assert_int_equal(srv_xfr_begin(&x, z, q, ql), 0);
	while ((n = srv_xfr_next(&x, out, sizeof(out))) > 0) {
		size_t i;

		assert_int_equal(dns_msg_parse(&m, out, n, rr, 512, 0), 0);
		assert_int_equal(m.hdr.id, 0x4242);
		assert_true(m.hdr.flags & DNS_FLAG_AA);
		/* RFC 5936 2.2.1: the question in the first message. */
		assert_int_equal(m.hdr.qdcount, msgs == 0 ? 1 : 0);
		for (i = 0; i < m.nrr; i++) {
			if (records == 0)
				first = m.rr[i].type;
			last = m.rr[i].type;
			soas += m.rr[i].type == DNS_TYPE_SOA;
			records++;
		}
		msgs++;
		assert_true(msgs < 100);
	}
	assert_int_equal(first, DNS_TYPE_SOA);
	assert_int_equal(last, DNS_TYPE_SOA);
	assert_int_equal(soas, 2);
	/* Every record once, the SOA twice, glue and the DS included. */
	assert_int_equal(records, zone_store_count(z) + 1);
	assert_int_equal(srv_xfr_next(&x, out, sizeof(out)), 0);
}

static void
axfr_of_a_big_zone_spans_messages(void **state)
{
	uint8_t q[512], out[65535];
	size_t ql = query(q, "example.org.", DNS_TYPE_AXFR, 0, 0), n;
	const struct zone_store *z = srv_zoneset_zone(zs, 1);
	struct srv_xfr x;
	unsigned msgs = 0;

	(void)state;
	assert_int_equal(srv_xfr_begin(&x, z, q, ql), 0);
	/* Small messages: the caller's cap bounds every message. */
	while ((n = srv_xfr_next(&x, out, 600)) > 0) {
		assert_true(n <= 600);
		msgs++;
	}
	assert_true(msgs > 3);
}

static void
notify_message_and_reply(void **state)
{
	const struct zone_store *z = srv_zoneset_zone(zs, 1);
	uint8_t out[512];
	struct dns_msg m;
	struct dns_msg_rr rr[4];
	size_t n = srv_notify_build(z, 0x1234, out, sizeof(out));

	(void)state;
	assert_true(n > 12);
	assert_int_equal(dns_msg_parse(&m, out, n, rr, 4, 0), 0);
	assert_int_equal(DNS_OPCODE(m.hdr.flags), DNS_OPCODE_NOTIFY);
	assert_true(m.hdr.flags & DNS_FLAG_AA);
	assert_int_equal(m.qtype, DNS_TYPE_SOA);
	assert_int_equal(m.hdr.ancount, 1);
	assert_int_equal(srv_zone_serial(z), 2026112601u);
	/* The reply: same message with QR set. */
	assert_false(srv_notify_reply_ok(z, 0x1234, out, n));
	out[2] |= 0x80;
	assert_true(srv_notify_reply_ok(z, 0x1234, out, n));
	assert_false(srv_notify_reply_ok(z, 0x1235, out, n));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exact_match_with_additional_a_and_aaaa),
		cmocka_unit_test(question_case_is_kept),
		cmocka_unit_test(nodata_carries_soa_with_negative_ttl),
		cmocka_unit_test(nxdomain_carries_soa),
		cmocka_unit_test(empty_non_terminal_is_nodata),
		cmocka_unit_test(cname_is_followed_inside_the_zones),
		cmocka_unit_test(cname_out_of_the_zones_stops_there),
		cmocka_unit_test(cname_loop_ends),
		cmocka_unit_test(cname_asked_for_itself),
		cmocka_unit_test(wildcard_answers_missing_names),
		cmocka_unit_test(wildcard_never_covers_an_existing_name),
		cmocka_unit_test(referral_below_a_cut),
		cmocka_unit_test(cname_into_a_child_ends_in_a_referral),
		cmocka_unit_test(ds_at_the_cut_is_the_parents),
		cmocka_unit_test(outside_every_zone_is_refused),
		cmocka_unit_test(any_gets_one_rrset),
		cmocka_unit_test(additional_trimmed_without_tc_at_512),
		cmocka_unit_test(additional_rrsets_left_out_whole),
		cmocka_unit_test(answer_too_big_sets_tc_over_udp),
		cmocka_unit_test(answer_too_big_fits_over_tcp),
		cmocka_unit_test(axfr_goes_to_the_transport),
		cmocka_unit_test(triage),
		cmocka_unit_test(axfr_sends_soa_everything_soa),
		cmocka_unit_test(axfr_of_a_big_zone_spans_messages),
		cmocka_unit_test(notify_message_and_reply),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
