/* test_route.c -- the delivery plan against a table of DNS answers, every profile (mail-dns-spec 2.4, 5.1) */
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
#include "mxkit/mail.h"

/*
 * A fake DNS: one row per (name, type) with the status and the records in
 * presentation form, or a CNAME to follow. Names not in the table are
 * NXDOMAIN; a name in the table without a row for the type is NODATA.
 */
struct row {
	const char *name;
	uint16_t type;		/* DNS_TYPE_CNAME: an alias */
	int status;
	const char *rd[6];
};

struct fake {
	const struct row *rows;
	size_t n;
};

static size_t
wname(const char *text, uint8_t out[DNS_NAME_MAX])
{
	size_t len = 0;

	assert_int_equal(dns_name_from_text(text, strlen(text), NULL, 0, out,
	    &len, NULL), 0);
	return len;
}

static void
add_rdata(struct resolv_result *r, uint16_t type, const char *text)
{
	struct dns_tok tok[4];
	size_t nt = 0, len = 0, bad;
	const char *p = text;
	uint8_t rd[512];

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		tok[nt].p = p;
		tok[nt].flags = 0;
		while (*p != '\0' && *p != ' ')
			p++;
		tok[nt].len = (uint32_t)(p - tok[nt].p);
		nt++;
	}
	assert_int_equal(dns_rdata_from_text(type, tok, nt, NULL, 0, rd,
	    sizeof(rd), &len, &bad), 0);
	r->data = realloc(r->data, r->data_len + len);
	assert_non_null(r->data);
	memcpy(r->data + r->data_len, rd, len);
	r->rr[r->nrr].type = type;
	r->rr[r->nrr].len = (uint16_t)len;
	r->rr[r->nrr].off = (uint32_t)r->data_len;
	r->nrr++;
	r->data_len += len;
}

static int
fake_lookup(void *ud, const uint8_t *name, size_t len, uint16_t qtype,
    struct resolv_result **out)
{
	const struct fake *f = ud;
	struct resolv_result *r = calloc(1, sizeof(*r));
	uint8_t cur[DNS_NAME_MAX], n[DNS_NAME_MAX];
	size_t clen = len, nl, i, k;
	int known, hops;

	assert_non_null(r);
	memcpy(cur, name, len);
	memcpy(r->qname, name, len);
	r->qname_len = len;
	r->qtype = qtype;
	for (hops = 0; hops < 10; hops++) {
		const struct row *cname = NULL, *hit = NULL;

		known = 0;
		for (i = 0; i < f->n; i++) {
			nl = wname(f->rows[i].name, n);
			if (!dns_name_equal(n, nl, cur, clen))
				continue;
			known = 1;
			if (f->rows[i].type == qtype)
				hit = &f->rows[i];
			else if (f->rows[i].type == DNS_TYPE_CNAME)
				cname = &f->rows[i];
		}
		memcpy(r->name, cur, clen);
		r->name_len = clen;
		if (hit != NULL) {
			r->status = hit->status;
			for (k = 0; k < 6 && hit->rd[k] != NULL; k++)
				add_rdata(r, qtype, hit->rd[k]);
			break;
		}
		if (cname != NULL) {
			if (r->nalias >= RESOLV_CHAIN_MAX) {
				r->status = RESOLV_LOOP;
				break;
			}
			memcpy(r->alias[r->nalias], cur, clen);
			r->alias_len[r->nalias++] = clen;
			clen = wname(cname->rd[0], cur);
			continue;
		}
		r->status = known ? RESOLV_NODATA : RESOLV_NXDOMAIN;
		break;
	}
	*out = r;
	return 0;
}

/* Plans route for domain with the rows; the caller frees the result. */
static struct mail_route *
plan(const struct row *rows, size_t n, const char *domain,
    enum mail_mta mta, void (*tweak)(struct mail_route_opts *))
{
	struct fake f = { rows, n };
	struct mail_route_opts o;
	struct mail_route *rt = calloc(1, sizeof(*rt));
	uint8_t d[DNS_NAME_MAX];
	size_t dl = wname(domain, d);

	assert_non_null(rt);
	mail_route_opts_init(&o);
	o.mta = mta;
	o.seed = 1;
	if (tweak != NULL)
		tweak(&o);
	assert_int_equal(mail_route_plan(&o, d, dl, fake_lookup, &f, rt), 0);
	return rt;
}

#define PLAN(rows, domain, mta, tweak) \
	plan(rows, sizeof(rows) / sizeof(rows[0]), domain, mta, tweak)

static const char *
plan_text(const struct mail_route *rt, char *buf, size_t cap)
{
	char a[46], t[DNS_NAME_TEXT_MAX];
	size_t off = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < rt->nplan && off < cap; i++) {
		const struct mail_host *h = &rt->host[rt->plan[i].host];

		dns_name_to_text(h->name, h->nlen, t, sizeof(t));
		off += (size_t)snprintf(buf + off, cap - off, "%s%u %s %s",
		    i ? ", " : "", h->pref, t, mail_addr_text(&rt->plan[i].addr,
		    a));
	}
	return buf;
}

static int
has_warning(const struct mail_route *rt, const char *id)
{
	unsigned i;

	for (i = 0; i < rt->nwarn; i++)
		if (strcmp(rt->warn[i].id, id) == 0)
			return 1;
	return 0;
}

/* Queries of the type for any name under or at the domain. */
static unsigned
queries_of(const struct mail_route *rt, uint16_t type)
{
	unsigned i, n = 0;

	for (i = 0; i < rt->nquery; i++)
		n += rt->query[i].qtype == type;
	return n;
}

static void
expect(const struct mail_route *rt, enum mail_verdict v, const char *code,
    const char *plan_want)
{
	char buf[1024];

	if (rt->verdict != v || (code == NULL) != (rt->code == NULL) ||
	    (code != NULL && strcmp(code, rt->code) != 0))
		fail_msg("verdict %s %s (%s), want %s %s",
		    mail_verdict_name(rt->verdict), rt->code ? rt->code : "-",
		    rt->reason, mail_verdict_name(v), code ? code : "-");
	if (plan_want != NULL)
		assert_string_equal(plan_text(rt, buf, sizeof(buf)),
		    plan_want);
}

#define OK RESOLV_OK

static void
t01_t02_order_by_preference(void **state)
{
	static const struct row rows[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "20 mx2.d.test.",
		    "10 mx1.d.test." } },
		{ "mx1.d.test.", DNS_TYPE_A, OK, { "192.0.2.10" } },
		{ "mx1.d.test.", DNS_TYPE_AAAA, OK, { "2001:db8::10" } },
		{ "mx2.d.test.", DNS_TYPE_A, OK, { "192.0.2.20" } },
	};
	struct mail_route *rt = PLAN(rows, "d.test.", MAIL_MTA_RFC, NULL);

	(void)state;
	expect(rt, MAIL_DELIVER, NULL, "10 mx1.d.test. 2001:db8::10, "
	    "10 mx1.d.test. 192.0.2.10, 20 mx2.d.test. 192.0.2.20");
	assert_int_equal(rt->nwarn, 0);
	free(rt);
}

static void
t04_preference_is_unsigned(void **state)
{
	static const struct row rows[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "65535 plast.d.test.",
		    "1 p1.d.test.", "0 p0.d.test." } },
		{ "plast.d.test.", DNS_TYPE_A, OK, { "192.0.2.3" } },
		{ "p1.d.test.", DNS_TYPE_A, OK, { "192.0.2.2" } },
		{ "p0.d.test.", DNS_TYPE_A, OK, { "192.0.2.1" } },
	};
	struct mail_route *rt = PLAN(rows, "d.test.", MAIL_MTA_RFC, NULL);

	(void)state;
	expect(rt, MAIL_DELIVER, NULL, "0 p0.d.test. 192.0.2.1, "
	    "1 p1.d.test. 192.0.2.2, 65535 plast.d.test. 192.0.2.3");
	free(rt);
}

static uint64_t t03_seed;
static void
t03_tweak(struct mail_route_opts *o)
{
	o->seed = t03_seed;
}

static void
t03_equal_preferences_shuffled_by_seed(void **state)
{
	static const struct row rows[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "10 a.d.test.",
		    "10 b.d.test." } },
		{ "a.d.test.", DNS_TYPE_A, OK, { "192.0.2.1" } },
		{ "b.d.test.", DNS_TYPE_A, OK, { "192.0.2.2" } },
	};
	struct mail_route *rt;
	unsigned afirst = 0, k;
	char again[256], buf[256];

	(void)state;
	for (t03_seed = 1; t03_seed <= 1000; t03_seed++) {
		rt = PLAN(rows, "d.test.", MAIL_MTA_RFC, t03_tweak);
		afirst += rt->plan[0].addr.a[3] == 1;
		free(rt);
	}
	if (afirst < 400 || afirst > 600)
		fail_msg("a first in %u of 1000 seeds", afirst);
	/* Same seed, same order. */
	for (k = 0; k < 2; k++) {
		t03_seed = 77;
		rt = PLAN(rows, "d.test.", MAIL_MTA_RFC, t03_tweak);
		plan_text(rt, k ? buf : again, 256);
		free(rt);
	}
	assert_string_equal(again, buf);
	/* OpenSMTPD does not shuffle: DNS order every time. */
	for (t03_seed = 1; t03_seed <= 20; t03_seed++) {
		rt = PLAN(rows, "d.test.", MAIL_MTA_OPENSMTPD, t03_tweak);
		assert_int_equal(rt->plan[0].addr.a[3], 1);
		free(rt);
	}
}

static void
family4(struct mail_route_opts *o)
{
	o->family = 4;
}

static void
t05_t06_implicit_mx(void **state)
{
	static const struct row v4[] = {
		{ "d.test.", DNS_TYPE_A, OK, { "192.0.2.5" } },
	};
	static const struct row v6[] = {
		{ "d.test.", DNS_TYPE_AAAA, OK, { "2001:db8::6" } },
	};
	struct mail_route *rt;

	(void)state;
	rt = PLAN(v4, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_DELIVER, NULL, "0 d.test. 192.0.2.5");
	assert_true(rt->implicit);
	free(rt);
	rt = PLAN(v6, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_DELIVER, NULL, "0 d.test. 2001:db8::6");
	free(rt);
	rt = PLAN(v6, "d.test.", MAIL_MTA_RFC, family4);
	expect(rt, MAIL_BOUNCE, "5.4.4", "");
	assert_int_equal(queries_of(rt, DNS_TYPE_AAAA), 0);
	free(rt);
}

static void
t07_nxdomain_bounces_without_a_query(void **state)
{
	static const struct row rows[] = {
		{ "other.test.", DNS_TYPE_A, OK, { "192.0.2.1" } },
	};
	struct mail_route *rt;
	enum mail_mta m;

	(void)state;
	for (m = MAIL_MTA_RFC; m <= MAIL_MTA_OPENSMTPD; m++) {
		rt = PLAN(rows, "d.test.", m, NULL);
		if (m == MAIL_MTA_POSTFIX) {
			/* Postfix tries the address records, then 5.4.4. */
			expect(rt, MAIL_BOUNCE, "5.4.4", "");
			assert_int_equal(queries_of(rt, DNS_TYPE_A), 1);
		} else {
			expect(rt, MAIL_BOUNCE, "5.1.2", "");
			assert_int_equal(rt->nquery, 1);
		}
		free(rt);
	}
}

static void
t08_no_mx_no_address(void **state)
{
	static const struct row rows[] = {
		{ "d.test.", DNS_TYPE_TXT, OK, { "v=spf1" } },
	};
	struct mail_route *rt;

	(void)state;
	rt = PLAN(rows, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_BOUNCE, "5.4.4", "");
	free(rt);
	/* D6: OpenSMTPD queues instead. */
	rt = PLAN(rows, "d.test.", MAIL_MTA_OPENSMTPD, NULL);
	expect(rt, MAIL_DEFER, "4.4.4", "");
	free(rt);
}

static void
t09_t11_mx_failures_never_fall_back(void **state)
{
	static const struct {
		int status;
		enum mail_verdict v[4];
		const char *code[4];
	} cases[] = {
		{ RESOLV_SERVFAIL, { MAIL_DEFER, MAIL_DEFER, MAIL_DEFER,
		    MAIL_DEFER }, { "4.4.3", "4.4.3", "4.4.3", "4.4.3" } },
		{ RESOLV_TIMEOUT, { MAIL_DEFER, MAIL_DEFER, MAIL_DEFER,
		    MAIL_DEFER }, { "4.4.3", "4.4.3", "4.4.3", "4.4.3" } },
		{ RESOLV_MALFORMED, { MAIL_DEFER, MAIL_DEFER, MAIL_DEFER,
		    MAIL_DEFER }, { "4.4.3", "4.4.3", "4.4.3", "4.4.3" } },
		{ RESOLV_TRUNCATED, { MAIL_DEFER, MAIL_DEFER, MAIL_DEFER,
		    MAIL_DEFER }, { "4.4.3", "4.4.3", "4.4.3", "4.4.3" } },
		/* A referral from a lame or non-recursive server is no
		 * NODATA: never the implicit MX. */
		{ RESOLV_REFERRAL, { MAIL_DEFER, MAIL_DEFER, MAIL_DEFER,
		    MAIL_DEFER }, { "4.4.3", "4.4.3", "4.4.3", "4.4.3" } },
		/* D2: REFUSED differs by MTA. */
		{ RESOLV_REFUSED, { MAIL_DEFER, MAIL_BOUNCE, MAIL_DEFER,
		    MAIL_BOUNCE }, { "4.4.3", "5.4.3", "4.4.3", "5.1.2" } },
		{ RESOLV_FORMERR, { MAIL_DEFER, MAIL_BOUNCE, MAIL_DEFER,
		    MAIL_BOUNCE }, { "4.4.3", "5.4.3", "4.4.3", "5.1.2" } },
	};
	struct row rows[] = {
		{ "d.test.", DNS_TYPE_MX, 0, { NULL } },
		{ "d.test.", DNS_TYPE_A, OK, { "192.0.2.9" } },
	};
	struct mail_route *rt;
	size_t i;
	enum mail_mta m;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rows[0].status = cases[i].status;
		for (m = MAIL_MTA_RFC; m <= MAIL_MTA_OPENSMTPD; m++) {
			rt = PLAN(rows, "d.test.", m, NULL);
			expect(rt, cases[i].v[m], cases[i].code[m], "");
			/* R-5321-4: not one address query. */
			assert_int_equal(rt->nquery, 1);
			free(rt);
		}
	}
}

static void
t12_t15_null_mx(void **state)
{
	static const struct row alone[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "0 ." } },
		{ "d.test.", DNS_TYPE_A, OK, { "192.0.2.13" } },
	};
	static const struct row mixed[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "0 .", "10 mx.d.test." } },
		{ "mx.d.test.", DNS_TYPE_A, OK, { "192.0.2.14" } },
	};
	static const struct row ten[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "10 ." } },
	};
	struct mail_route *rt;

	(void)state;
	rt = PLAN(alone, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_BOUNCE, "5.1.10", "");
	assert_int_equal(rt->reply, 556);
	assert_int_equal(rt->nquery, 1);	/* no A, no AAAA */
	assert_true(rt->null_mx);
	free(rt);
	rt = PLAN(mixed, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_BOUNCE, "5.1.10", "");
	assert_true(has_warning(rt, "NULL-MX-MIXED"));
	assert_int_equal(rt->nquery, 1);
	free(rt);
	rt = PLAN(mixed, "d.test.", MAIL_MTA_POSTFIX, NULL);
	expect(rt, MAIL_BOUNCE, "5.1.0", "");
	free(rt);
	rt = PLAN(mixed, "d.test.", MAIL_MTA_EXIM, NULL);
	expect(rt, MAIL_DELIVER, NULL, "10 mx.d.test. 192.0.2.14");
	free(rt);
	rt = PLAN(mixed, "d.test.", MAIL_MTA_OPENSMTPD, NULL);
	expect(rt, MAIL_DELIVER, NULL, "10 mx.d.test. 192.0.2.14");
	free(rt);
	rt = PLAN(ten, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_BOUNCE, "5.1.10", "");
	assert_true(has_warning(rt, "NULL-MX-NONZERO-PREF"));
	free(rt);
	rt = PLAN(ten, "d.test.", MAIL_MTA_OPENSMTPD, NULL);
	expect(rt, MAIL_DEFER, "4.4.4", "");
	free(rt);
}

static void
t16_t17_cname_targets(void **state)
{
	static const struct row ok[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "10 mail.d.test." } },
		{ "mail.d.test.", DNS_TYPE_CNAME, OK, { "real.d.test." } },
		{ "real.d.test.", DNS_TYPE_A, OK, { "192.0.2.16" } },
	};
	static const struct row gone[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "10 mail.d.test." } },
		{ "mail.d.test.", DNS_TYPE_CNAME, OK, { "gone.d.test." } },
	};
	struct mail_route *rt;
	char t[DNS_NAME_TEXT_MAX];

	(void)state;
	rt = PLAN(ok, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_DELIVER, NULL, "10 mail.d.test. 192.0.2.16");
	assert_true(has_warning(rt, "MX-TARGET-ALIAS"));
	dns_name_to_text(rt->host[0].canon, rt->host[0].clen, t, sizeof(t));
	assert_string_equal(t, "real.d.test.");
	free(rt);
	rt = PLAN(gone, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_BOUNCE, "5.4.4", "");
	assert_true(has_warning(rt, "MX-TARGET-ALIAS"));
	assert_true(has_warning(rt, "MX-TARGET-NXDOMAIN"));
	free(rt);
}

static void
t19_domain_is_alias(void **state)
{
	static const struct row rows[] = {
		{ "d.test.", DNS_TYPE_CNAME, OK, { "other.test." } },
		{ "other.test.", DNS_TYPE_MX, OK, { "10 mx.other.test." } },
		{ "mx.other.test.", DNS_TYPE_A, OK, { "192.0.2.19" } },
	};
	struct mail_route *rt;

	(void)state;
	rt = PLAN(rows, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_DELIVER, NULL, "10 mx.other.test. 192.0.2.19");
	assert_true(has_warning(rt, "DOMAIN-IS-ALIAS"));
	assert_false(has_warning(rt, "EXIM-REROUTE"));
	free(rt);
	rt = PLAN(rows, "d.test.", MAIL_MTA_EXIM, NULL);
	assert_true(has_warning(rt, "EXIM-REROUTE"));
	free(rt);
}

static void
t20_ip_literal_exchange(void **state)
{
	static const struct row rows[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "10 192.0.2.20." } },
		/* A trap: a server that would synthesise an answer. */
		{ "192.0.2.20.", DNS_TYPE_A, OK, { "198.51.100.66" } },
	};
	struct mail_route *rt;

	(void)state;
	rt = PLAN(rows, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_BOUNCE, "5.4.4", "");
	assert_true(has_warning(rt, "MX-TARGET-IP-LITERAL"));
	assert_int_equal(rt->nquery, 1);
	free(rt);
	rt = PLAN(rows, "d.test.", MAIL_MTA_POSTFIX, NULL);
	expect(rt, MAIL_DELIVER, NULL, "10 192.0.2.20. 192.0.2.20");
	assert_int_equal(rt->nquery, 1);	/* never "A 192.0.2.20." */
	free(rt);
	rt = PLAN(rows, "d.test.", MAIL_MTA_EXIM, NULL);
	expect(rt, MAIL_BOUNCE, "5.4.4", "");
	free(rt);
}

static void
t22_t24_unusable_targets(void **state)
{
	static const struct row t23[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "10 nosuch.d.test.",
		    "20 mx2.d.test." } },
		{ "mx2.d.test.", DNS_TYPE_A, OK, { "192.0.2.23" } },
	};
	static const struct row t24[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "10 mx.d.test." } },
		{ "mx.d.test.", DNS_TYPE_TXT, OK, { "x" } },
	};
	struct mail_route *rt;

	(void)state;
	rt = PLAN(t23, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_DELIVER, NULL, "20 mx2.d.test. 192.0.2.23");
	assert_true(has_warning(rt, "MX-TARGET-NXDOMAIN"));
	assert_int_equal(rt->host[0].status, MAIL_HOST_NXDOMAIN);
	free(rt);
	rt = PLAN(t24, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_BOUNCE, "5.4.4", "");
	assert_true(has_warning(rt, "MX-TARGET-NO-ADDRESS"));
	free(rt);
}

static void
t27_t28_temporary_target_failures(void **state)
{
	static const struct row t27[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "10 mx1.d.test.",
		    "20 mx2.d.test." } },
		{ "mx1.d.test.", DNS_TYPE_A, RESOLV_SERVFAIL, { NULL } },
		{ "mx1.d.test.", DNS_TYPE_AAAA, RESOLV_SERVFAIL, { NULL } },
		{ "mx2.d.test.", DNS_TYPE_A, OK, { "192.0.2.27" } },
	};
	static const struct row t27v[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "10 mx1.d.test." } },
		{ "mx1.d.test.", DNS_TYPE_A, RESOLV_SERVFAIL, { NULL } },
		{ "mx1.d.test.", DNS_TYPE_AAAA, RESOLV_TIMEOUT, { NULL } },
	};
	static const struct row t28[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "10 mx.d.test." } },
		{ "mx.d.test.", DNS_TYPE_A, OK, { "192.0.2.28" } },
		{ "mx.d.test.", DNS_TYPE_AAAA, RESOLV_SERVFAIL, { NULL } },
	};
	struct mail_route *rt;

	(void)state;
	rt = PLAN(t27, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_DELIVER, NULL, "20 mx2.d.test. 192.0.2.27");
	assert_true(has_warning(rt, "MX-TARGET-TEMPFAIL"));
	free(rt);
	rt = PLAN(t27v, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_DEFER, "4.4.3", "");
	free(rt);
	rt = PLAN(t28, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_DELIVER, NULL, "10 mx.d.test. 192.0.2.28");
	assert_true(has_warning(rt, "MX-TARGET-TEMPFAIL"));
	free(rt);
}

static void
self29(struct mail_route_opts *o)
{
	inet_pton(AF_INET, "192.0.2.29", o->self_addr[0].a);
	o->self_addr[0].family = AF_INET;
	o->nself_addr = 1;
}

static void
self32(struct mail_route_opts *o)
{
	inet_pton(AF_INET, "192.0.2.32", o->self_addr[0].a);
	o->self_addr[0].family = AF_INET;
	o->nself_addr = 1;
}

static void
selfname(struct mail_route_opts *o)
{
	o->self_name_len[0] = wname("mx2.d.test.", o->self_name[0]);
	o->nself_name = 1;
}

static void
t29_t32_mail_loop_rule(void **state)
{
	static const struct row t29[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "10 mx.d.test." } },
		{ "mx.d.test.", DNS_TYPE_A, OK, { "192.0.2.29" } },
	};
	static const struct row t30[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "10 mx1.d.test.",
		    "20 mx2.d.test.", "30 mx3.d.test." } },
		{ "mx1.d.test.", DNS_TYPE_A, OK, { "192.0.2.31" } },
		{ "mx2.d.test.", DNS_TYPE_A, OK, { "192.0.2.32" } },
		{ "mx3.d.test.", DNS_TYPE_A, OK, { "192.0.2.33" } },
	};
	static const struct row t30v[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "10 mx1.d.test.",
		    "20 mx2.d.test." } },
		{ "mx2.d.test.", DNS_TYPE_A, OK, { "192.0.2.32" } },
	};
	static const struct row lo[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "10 localhost.d.test." } },
		{ "localhost.d.test.", DNS_TYPE_A, OK, { "127.0.0.1" } },
	};
	struct mail_route *rt;

	(void)state;
	rt = PLAN(t29, "d.test.", MAIL_MTA_RFC, self29);
	expect(rt, MAIL_BOUNCE, "5.4.6", "");
	free(rt);
	rt = PLAN(t30, "d.test.", MAIL_MTA_RFC, self32);
	expect(rt, MAIL_DELIVER, NULL, "10 mx1.d.test. 192.0.2.31");
	assert_int_equal(rt->host[2].status, MAIL_HOST_BEHIND_SELF);
	free(rt);
	rt = PLAN(t30v, "d.test.", MAIL_MTA_RFC, self32);
	expect(rt, MAIL_DEFER, "4.4.4", "");
	free(rt);
	/* T32: by name (the address may be NATed); Postfix only knows
	 * addresses, so it would deliver to itself at 20. */
	rt = PLAN(t30, "d.test.", MAIL_MTA_RFC, selfname);
	expect(rt, MAIL_DELIVER, NULL, "10 mx1.d.test. 192.0.2.31");
	free(rt);
	rt = PLAN(t30, "d.test.", MAIL_MTA_POSTFIX, selfname);
	assert_int_equal(rt->nplan, 3);
	free(rt);
	/* Loopback is always this host. */
	rt = PLAN(lo, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_BOUNCE, "5.4.6", "");
	free(rt);
}

static void
t35_duplicates(void **state)
{
	static const struct row rows[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "20 mx.d.test.",
		    "10 mx.d.test.", "30 other.d.test." } },
		{ "mx.d.test.", DNS_TYPE_A, OK, { "192.0.2.35" } },
		/* another name for the same address */
		{ "other.d.test.", DNS_TYPE_A, OK, { "192.0.2.35" } },
	};
	struct mail_route *rt;

	(void)state;
	rt = PLAN(rows, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_DELIVER, NULL, "10 mx.d.test. 192.0.2.35");
	assert_true(has_warning(rt, "MX-DUPLICATE-HOST"));
	free(rt);
	rt = PLAN(rows, "d.test.", MAIL_MTA_POSTFIX, NULL);
	assert_int_equal(rt->nplan, 3);
	free(rt);
}

static void
cap_keeps_both_families(void **state)
{
	static const struct row rows[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "10 a.d.test.",
		    "20 b.d.test.", "30 c.d.test." } },
		{ "a.d.test.", DNS_TYPE_AAAA, OK, { "2001:db8::a1",
		    "2001:db8::a2", "2001:db8::a3" } },
		{ "b.d.test.", DNS_TYPE_AAAA, OK, { "2001:db8::b1",
		    "2001:db8::b2", "2001:db8::b3" } },
		{ "c.d.test.", DNS_TYPE_A, OK, { "192.0.2.1", "192.0.2.2",
		    "192.0.2.3" } },
	};
	struct mail_route *rt;

	(void)state;
	/* 6 IPv6 then 3 IPv4, cap 5: IPv4 keeps its share. */
	rt = PLAN(rows, "d.test.", MAIL_MTA_RFC, NULL);
	expect(rt, MAIL_DELIVER, NULL, "10 a.d.test. 2001:db8::a1, "
	    "10 a.d.test. 2001:db8::a2, 30 c.d.test. 192.0.2.1, "
	    "30 c.d.test. 192.0.2.2, 30 c.d.test. 192.0.2.3");
	assert_int_equal(rt->nplan_all, 9);
	free(rt);
}

static void
t40_forgotten_trailing_dot(void **state)
{
	static const struct row rows[] = {
		{ "c40.test.", DNS_TYPE_MX, OK,
		    { "10 mail.c40.test.c40.test." } },
		{ "mail.c40.test.", DNS_TYPE_A, OK, { "192.0.2.40" } },
	};
	struct mail_route *rt = PLAN(rows, "c40.test.", MAIL_MTA_RFC, NULL);

	(void)state;
	expect(rt, MAIL_BOUNCE, "5.4.4", "");
	assert_true(has_warning(rt, "MX-TARGET-SUSPECT-RELATIVE"));
	assert_true(has_warning(rt, "MX-TARGET-NXDOMAIN"));
	free(rt);
}

static void
t42_bad_exchange_syntax(void **state)
{
	static const struct row rows[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "10 m\\195\\164il.d.test.",
		    "20 ok.d.test." } },
		{ "ok.d.test.", DNS_TYPE_A, OK, { "192.0.2.42" } },
	};
	struct mail_route *rt = PLAN(rows, "d.test.", MAIL_MTA_RFC, NULL);

	(void)state;
	expect(rt, MAIL_DELIVER, NULL, "20 ok.d.test. 192.0.2.42");
	assert_true(has_warning(rt, "MX-TARGET-BAD-SYNTAX"));
	assert_int_equal(rt->nquery, 3);	/* MX, ok A, ok AAAA */
	free(rt);
}

static void
domain_forms(void **state)
{
	static const struct {
		const char *in, *out;
		int rv, lit;
	} cases[] = {
		{ "postmaster@Example.ORG", "example.org.", 0, 0 },
		{ "example.org.", "example.org.", 0, 0 },
		{ "a@b@example.org", "example.org.", 0, 0 },
		{ "b\xc3\xbc" "cher.c42.example.org", "xn--bcher-kva.c42."
		    "example.org.", 0, 0 },
		{ "user@[192.0.2.1]", "192.0.2.1", 0, 1 },
		{ "user@[IPv6:2001:db8::1]", "2001:db8::1", 0, 1 },
		{ "user@[2001:db8::1]", NULL, MX_ESYNTAX, 0 },
		{ "user@[192.0.2.1", NULL, MX_ESYNTAX, 0 },
		{ "", NULL, MX_EEMPTY, 0 },
		{ "user@", NULL, MX_EEMPTY, 0 },
		{ "a..example.org", NULL, MX_EEMPTY, 0 },
		{ "exa mple.org", NULL, MX_ESYNTAX, 0 },
		{ "example.org\\.", NULL, MX_ESYNTAX, 0 },
		{ "\xff\xfe.example", NULL, MX_ESYNTAX, 0 },
	};
	uint8_t d[DNS_NAME_MAX];
	size_t dl, i;
	int lit, rv;
	struct mail_addr a;
	char t[DNS_NAME_TEXT_MAX];

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rv = mail_route_domain(cases[i].in, d, &dl, &lit, &a);
		if (rv != cases[i].rv)
			fail_msg("%s: %s, want %s", cases[i].in,
			    mx_errname(rv), mx_errname(cases[i].rv));
		if (rv != 0)
			continue;
		assert_int_equal(lit, cases[i].lit);
		if (lit)
			mail_addr_text(&a, t);
		else
			dns_name_to_text(d, dl, t, sizeof(t));
		assert_string_equal(t, cases[i].out);
	}
	/* 254 octets of text: over the limit. */
	{
		char longname[300];

		memset(longname, 'a', sizeof(longname));
		for (i = 60; i < 290; i += 61)
			longname[i] = '.';
		longname[299] = '\0';
		assert_int_not_equal(mail_route_domain(longname, d, &dl, &lit,
		    &a), 0);
	}
}

static void
opensmtpd_localhost_is_null(void **state)
{
	static const struct row rows[] = {
		{ "d.test.", DNS_TYPE_MX, OK, { "10 localhost." } },
	};
	struct mail_route *rt;

	(void)state;
	rt = PLAN(rows, "d.test.", MAIL_MTA_OPENSMTPD, NULL);
	expect(rt, MAIL_BOUNCE, "5.1.10", "");
	free(rt);
}

static void
names_of_enums(void **state)
{
	enum mail_mta m;

	(void)state;
	assert_int_equal(mail_mta_from_text("exim", &m), 0);
	assert_int_equal(m, MAIL_MTA_EXIM);
	assert_int_equal(mail_mta_from_text("sendmail", &m), MX_EINVAL);
	assert_string_equal(mail_host_status_name(MAIL_HOST_IPLIT),
	    "ip-literal");
	assert_string_equal(mail_verdict_name(MAIL_DEFER), "DEFER");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t01_t02_order_by_preference),
		cmocka_unit_test(t04_preference_is_unsigned),
		cmocka_unit_test(t03_equal_preferences_shuffled_by_seed),
		cmocka_unit_test(t05_t06_implicit_mx),
		cmocka_unit_test(t07_nxdomain_bounces_without_a_query),
		cmocka_unit_test(t08_no_mx_no_address),
		cmocka_unit_test(t09_t11_mx_failures_never_fall_back),
		cmocka_unit_test(t12_t15_null_mx),
		cmocka_unit_test(t16_t17_cname_targets),
		cmocka_unit_test(t19_domain_is_alias),
		cmocka_unit_test(t20_ip_literal_exchange),
		cmocka_unit_test(t22_t24_unusable_targets),
		cmocka_unit_test(t27_t28_temporary_target_failures),
		cmocka_unit_test(t29_t32_mail_loop_rule),
		cmocka_unit_test(t35_duplicates),
		cmocka_unit_test(cap_keeps_both_families),
		cmocka_unit_test(t40_forgotten_trailing_dot),
		cmocka_unit_test(t42_bad_exchange_syntax),
		cmocka_unit_test(domain_forms),
		cmocka_unit_test(opensmtpd_localhost_is_null),
		cmocka_unit_test(names_of_enums),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
