/* test_evaluate.c -- mxkit check's verdict from facts built by hand: iprev (RFC 8601), trap layouts, null MX, exit status */
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

#include "mxkit/audit.h"
#include "mxkit/err.h"

static size_t
wname(const char *text, uint8_t out[DNS_NAME_MAX])
{
	size_t len = 0;

	assert_int_equal(dns_name_from_text(text, strlen(text), NULL, 0, out,
	    &len, NULL), 0);
	return len;
}

static struct audit_report *
report(const char *domain)
{
	struct audit_report *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->host = calloc(AUDIT_HOSTS_MAX, sizeof(*r->host));
	assert_non_null(r->host);
	r->dlen = wname(domain, r->domain);
	memcpy(r->canon, r->domain, r->dlen);
	r->clen = r->dlen;
	r->profile = AUDIT_PROFILE_LAB;
	r->mx_status = RESOLV_OK;
	r->ns_status = r->wildcard_status = -1;
	r->spf.status = r->dmarc.status = r->mtasts.status =
	    r->tlsrpt.status = -1;
	return r;
}

static struct audit_host *
host(struct audit_report *r, uint16_t pref, const char *name)
{
	struct audit_host *h = &r->host[r->nhost++];

	memset(h, 0, sizeof(*h));
	h->pref = pref;
	h->nlen = wname(name, h->name);
	memcpy(h->canon, h->name, h->nlen);
	h->clen = h->nlen;
	h->kind = MAIL_HOST_OK;
	h->st_a = h->st_aaaa = RESOLV_NODATA;
	h->tlsa_status = -1;
	r->nmx++;
	return h;
}

/* An address of h; PTR facts filled by the caller (ptr_status -1). */
static struct audit_addr *
addr(struct audit_host *h, const char *text)
{
	struct audit_addr *ad = &h->addr[h->naddr++];

	memset(ad, 0, sizeof(*ad));
	if (inet_pton(AF_INET, text, ad->a.a) == 1) {
		ad->a.family = AF_INET;
		h->st_a = RESOLV_OK;
	} else {
		assert_int_equal(inet_pton(AF_INET6, text, ad->a.a), 1);
		ad->a.family = AF_INET6;
		h->st_aaaa = RESOLV_OK;
	}
	ad->ptr_status = -1;
	return ad;
}

/* One PTR name for ad with its forward facts. */
static void
ptr(struct audit_addr *ad, int st, const char *name, int fwd, int match)
{
	ad->ptr_status = st;
	if (name == NULL)
		return;
	ad->ptr = realloc(ad->ptr, (ad->nptr + 1) * sizeof(*ad->ptr));
	assert_non_null(ad->ptr);
	memset(&ad->ptr[ad->nptr], 0, sizeof(ad->ptr[0]));
	ad->ptr[ad->nptr].nlen = wname(name, ad->ptr[ad->nptr].name);
	ad->ptr[ad->nptr].fwd_status = fwd;
	ad->ptr[ad->nptr].match = match;
	ad->nptr++;
}

/* "ID/sev ID/sev" of the findings, in order. */
static const char *
ids(const struct audit_report *r, char *buf, size_t cap)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < r->nfinding && off < cap; i++)
		off += (size_t)snprintf(buf + off, cap - off, "%s%s/%c",
		    i ? " " : "", r->finding[i].check->id,
		    "IWE"[r->finding[i].sev]);
	return buf;
}

static void
evaluate(struct audit_report *r, const struct audit_opts *o)
{
	assert_int_equal(audit_evaluate(r, o), 0);
}

static void
iprev_results_rfc8601(void **state)
{
	static const struct {
		const char *what;
		int ptr_status;
		const char *name;
		int fwd, match;
		int iprev;
		const char *findings;
	} cases[] = {
		{ "P01 leads back", RESOLV_OK, "mx.d.test.", RESOLV_OK, 1,
		  AUDIT_IPREV_PASS, "MX-SINGLE/I" },
		{ "P03 leads elsewhere", RESOLV_OK, "mx.d.test.", RESOLV_OK, 0,
		  AUDIT_IPREV_FAIL, "FCRDNS-FAIL/W MX-SINGLE/I" },
		{ "P06 forward NODATA is fail, not permerror", RESOLV_OK,
		  "mx.d.test.", RESOLV_NODATA, 0, AUDIT_IPREV_FAIL,
		  "FCRDNS-FAIL/W MX-SINGLE/I" },
		{ "forward SERVFAIL is temperror", RESOLV_OK, "mx.d.test.",
		  RESOLV_SERVFAIL, 0, AUDIT_IPREV_TEMPERROR,
		  "PTR-TEMPFAIL/W MX-SINGLE/I" },
		{ "P04 reverse NXDOMAIN is permerror", RESOLV_NXDOMAIN, NULL, 0,
		  0, AUDIT_IPREV_PERMERROR, "PTR-MISSING/W MX-SINGLE/I" },
		{ "P04 reverse NODATA is permerror", RESOLV_NODATA, NULL, 0, 0,
		  AUDIT_IPREV_PERMERROR, "PTR-MISSING/W MX-SINGLE/I" },
		{ "P05 reverse SERVFAIL is temperror", RESOLV_SERVFAIL, NULL, 0,
		  0, AUDIT_IPREV_TEMPERROR, "PTR-TEMPFAIL/W MX-SINGLE/I" },
		{ "P13 numeric PTR name", RESOLV_OK, "192.0.2.73.", -1, 0,
		  AUDIT_IPREV_FAIL, "PTR-NUMERIC-OR-INVALID/E FCRDNS-FAIL/W "
		  "MX-SINGLE/I" },
		{ "P12 generic name that leads back", RESOLV_OK,
		  "192-0-2-10.dsl.isp.test.", RESOLV_OK, 1, AUDIT_IPREV_PASS,
		  "PTR-GENERIC/W PTR-NOT-MX-NAME/I MX-SINGLE/I" },
	};
	struct audit_opts o;
	char buf[512];
	size_t i;

	(void)state;
	audit_opts_init(&o);
	o.profile = AUDIT_PROFILE_LAB;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct audit_report *r = report("d.test.");
		struct audit_host *h = host(r, 10, "mx.d.test.");
		struct audit_addr *ad = addr(h, "192.0.2.10");

		h->st_aaaa = RESOLV_NODATA;
		ptr(ad, cases[i].ptr_status, cases[i].name, cases[i].fwd,
		    cases[i].match);
		o.skip[0] = "MX-TARGET-NO-IPV6";
		o.nskip = 1;
		evaluate(r, &o);
		if (ad->iprev != cases[i].iprev ||
		    strcmp(ids(r, buf, sizeof(buf)), cases[i].findings) != 0)
			fail_msg("%s: iprev %s, findings '%s'", cases[i].what,
			    audit_iprev_name(ad->iprev), buf);
		audit_report_free(r);
	}
}

static void
sending_ip_failures_are_errors(void **state)
{
	struct audit_opts o;
	struct audit_report *r = report("d.test.");
	char buf[512];

	(void)state;
	audit_opts_init(&o);
	o.profile = AUDIT_PROFILE_LAB;
	r->nsending = 2;
	r->sending[0].a.family = AF_INET;
	inet_pton(AF_INET, "192.0.2.99", r->sending[0].a.a);
	ptr(&r->sending[0], RESOLV_NXDOMAIN, NULL, 0, 0);
	r->sending[1].a.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::99", r->sending[1].a.a);
	ptr(&r->sending[1], RESOLV_OK, "out.d.test.", RESOLV_OK, 0);
	r->mx_status = RESOLV_NXDOMAIN;
	evaluate(r, &o);
	assert_string_equal(ids(r, buf, sizeof(buf)), "DOMAIN-NXDOMAIN/E "
	    "PTR-MISSING/E FCRDNS-FAIL/E");
	assert_int_equal(audit_exit_status(r), 2);
	audit_report_free(r);
}

/* X01-X04: the trap named by --trap. */
static void
trap_layouts(void **state)
{
	static const struct {
		const char *what;
		uint16_t mxpref, trappref, otherpref;
		int mx_v6, trap_v6, other;
		const char *want;
	} cases[] = {
		{ "X01 last, alone, same families", 10, 100, 0, 1, 1, 0,
		  "TRAP-MX-DETECTED/I" },
		{ "X02 trap has IPv6, the real MX not", 10, 100, 0, 0, 1, 0,
		  "TRAP-FAMILY-MISMATCH/E" },
		{ "X03 same preference as the real MX", 10, 10, 0, 1, 1, 0,
		  "TRAP-EQUAL-PREF/E" },
		{ "X04 a backup MX after the trap", 10, 100, 200, 1, 1, 1,
		  "TRAP-NOT-LAST/E" },
	};
	struct audit_opts o;
	char buf[512];
	size_t i;

	(void)state;
	audit_opts_init(&o);
	o.profile = AUDIT_PROFILE_LAB;
	o.trap_len = wname("trap.d.test.", o.trap);
	/* Only the trap group: the rest is proven elsewhere. */
	o.skip[0] = "mx";
	o.skip[1] = "ptr";
	o.nskip = 2;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct audit_report *r = report("d.test.");
		struct audit_host *h;

		h = host(r, cases[i].mxpref, "mx.d.test.");
		addr(h, "192.0.2.10");
		if (cases[i].mx_v6)
			addr(h, "2001:db8::10");
		h = host(r, cases[i].trappref, "trap.d.test.");
		addr(h, "192.0.2.90");
		if (cases[i].trap_v6)
			addr(h, "2001:db8::90");
		if (cases[i].other) {
			h = host(r, cases[i].otherpref, "backup.d.test.");
			addr(h, "192.0.2.20");
		}
		evaluate(r, &o);
		if (strcmp(ids(r, buf, sizeof(buf)), cases[i].want) != 0)
			fail_msg("%s: '%s', want '%s'", cases[i].what, buf,
			    cases[i].want);
		audit_report_free(r);
	}
}

static void
null_mx_variants(void **state)
{
	struct audit_opts o;
	struct audit_report *r;
	struct audit_host *h;
	char buf[512];

	(void)state;
	audit_opts_init(&o);
	r = report("d.test.");
	h = host(r, 0, ".");
	h->kind = MAIL_HOST_NULL;
	evaluate(r, &o);
	assert_string_equal(ids(r, buf, sizeof(buf)), "NULL-MX/I");
	assert_int_equal(audit_exit_status(r), 0);
	/* The domain still authorises senders in SPF (RFC 7505 4.2). */
	r->spf.status = RESOLV_OK;
	r->spf.nrec = 1;
	snprintf(r->spf.text, sizeof(r->spf.text), "v=spf1 ip4:192.0.2.0/24 "
	    "-all");
	evaluate(r, &o);
	assert_string_equal(ids(r, buf, sizeof(buf)), "NULL-MX/I "
	    "NULL-MX-SENDER/W");
	audit_report_free(r);

	r = report("d.test.");
	h = host(r, 0, ".");
	h->kind = MAIL_HOST_NULL;
	h = host(r, 10, "mx.d.test.");
	evaluate(r, &o);
	assert_string_equal(ids(r, buf, sizeof(buf)), "NULL-MX-MIXED/E");
	audit_report_free(r);
}

static void
exit_status_and_could_not_check(void **state)
{
	struct audit_opts o;
	struct audit_report *r = report("d.test.");
	char buf[512];

	(void)state;
	audit_opts_init(&o);
	r->mx_status = RESOLV_SERVFAIL;
	evaluate(r, &o);
	assert_string_equal(ids(r, buf, sizeof(buf)), "MX-LOOKUP-TEMPFAIL/E");
	assert_int_equal(audit_exit_status(r), 3);
	/* Evaluating again gives the same findings, not twice as many. */
	evaluate(r, &o);
	assert_int_equal(r->nfinding, 1);
	assert_int_equal(r->count[AUDIT_ERROR], 1);
	audit_report_free(r);
}

static void
catalogue_is_consistent(void **state)
{
	size_t n, i, k;
	const struct audit_check *c = audit_checks(&n);

	(void)state;
	assert_true(n > 50);
	for (i = 0; i < n; i++) {
		assert_ptr_equal(audit_check_find(c[i].id), &c[i]);
		assert_true(strlen(c[i].title) > 0 && strlen(c[i].fix) > 0);
		for (k = 0; k < i; k++)
			assert_string_not_equal(c[k].id, c[i].id);
	}
	assert_null(audit_check_find("NO-SUCH-CHECK"));
	assert_ptr_equal(audit_check_find("mx-single"),
	    audit_check_find("MX-SINGLE"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(iprev_results_rfc8601),
		cmocka_unit_test(sending_ip_failures_are_errors),
		cmocka_unit_test(trap_layouts),
		cmocka_unit_test(null_mx_variants),
		cmocka_unit_test(exit_status_and_could_not_check),
		cmocka_unit_test(catalogue_is_consistent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
