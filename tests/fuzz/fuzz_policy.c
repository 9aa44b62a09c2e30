/* fuzz_policy.c -- fuzz target: the policy helpers of mxkit check (SPF, DMARC, MTA-STS, TLS-RPT, address classes and reverse names, generic PTR names, host names) on untrusted bytes; the first input octet picks the parser */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "mxkit/policy.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Which parser the first octet picks (modulo the count). */
enum {
	F_SPF, F_DMARC, F_STS, F_TLSRPT, F_ADDR, F_GENERIC, F_HOSTNAME,
	F_COUNT,
};

static struct mail_spf spf;
static struct mail_dmarc dmarc;
static struct mail_sts sts;
static struct mail_tlsrpt tlsrpt;

/* A NUL inside the first cap octets. */
static int
terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static void
check_notes(const struct mail_policy_notes *n, int rv)
{
	unsigned i;

	CHECK(n->nnote <= MAIL_POLICY_NOTES_MAX);
	CHECK(n->nnote == MAIL_POLICY_NOTES_MAX ||
	    n->nnote == n->nerr + n->nwarn + n->ninfo);
	CHECK(rv == 0 || rv == MX_ESYNTAX || rv == MX_EINVAL);
	CHECK((rv == 0) == (n->nerr == 0));
	for (i = 0; i < n->nnote; i++) {
		CHECK(n->note[i].code != NULL);
		CHECK(terminated(n->note[i].text, MAIL_POLICY_NOTE_TEXT));
		CHECK(n->note[i].text[0] != '\0');
	}
}

static void
run_spf(const char *p, size_t n)
{
	int rv = mail_spf_parse(p, n, &spf);
	unsigned i;

	check_notes(&spf.notes, rv);
	CHECK((rv == MX_EINVAL) == !mail_spf_is_record(p, n));
	CHECK(spf.ntarget <= MAIL_SPF_TARGETS_MAX);
	CHECK(spf.ntarget <= spf.ntarget_all);
	CHECK(spf.all_term <= spf.nterm);
	CHECK(spf.lookups <= spf.nterm);
	CHECK(spf.redirect < (int)spf.ntarget);
	CHECK(!spf.null_record || (rv == 0 && spf.nterm == 1 &&
	    spf.all == MAIL_SPF_Q_FAIL && !spf.authorises));
	for (i = 0; i < spf.ntarget; i++) {
		CHECK(terminated(spf.target[i].domain,
		    sizeof(spf.target[i].domain)));
		CHECK(spf.target[i].term >= 1 &&
		    spf.target[i].term <= spf.nterm);
		CHECK(!spf.target[i].cut || strlen(spf.target[i].domain) ==
		    MAIL_SPF_DOMAIN_MAX);
	}
}

static void
run_dmarc(const char *p, size_t n)
{
	int rv = mail_dmarc_parse(p, n, &dmarc);
	unsigned i;

	check_notes(&dmarc.notes, rv);
	CHECK((rv == MX_EINVAL) == !mail_dmarc_is_record(p, n));
	CHECK(dmarc.pct <= 100);
	CHECK(dmarc.adkim == 'r' || dmarc.adkim == 's');
	CHECK(dmarc.aspf == 'r' || dmarc.aspf == 's');
	CHECK(dmarc.p <= MAIL_DMARC_P_REJECT);
	CHECK(dmarc.nrua_valid <= dmarc.nrua);
	CHECK(rv != 0 || dmarc.p != MAIL_DMARC_P_UNSET);
	for (i = 0; i < MAIL_DMARC_URIS_MAX; i++) {
		CHECK(terminated(dmarc.rua[i], MAIL_URI_MAX + 1));
		CHECK(terminated(dmarc.ruf[i], MAIL_URI_MAX + 1));
	}
}

static void
run_sts(const char *p, size_t n)
{
	int rv = mail_sts_parse(p, n, &sts);
	size_t i, l;

	check_notes(&sts.notes, rv);
	CHECK((rv == MX_EINVAL) == !mail_sts_is_record(p, n));
	CHECK(terminated(sts.id, sizeof(sts.id)));
	l = strlen(sts.id);
	CHECK(rv != 0 || l > 0);
	for (i = 0; i < l; i++)
		CHECK((sts.id[i] >= '0' && sts.id[i] <= '9') ||
		    (sts.id[i] >= 'a' && sts.id[i] <= 'z') ||
		    (sts.id[i] >= 'A' && sts.id[i] <= 'Z'));
}

static void
run_tlsrpt(const char *p, size_t n)
{
	int rv = mail_tlsrpt_parse(p, n, &tlsrpt);
	unsigned i;

	check_notes(&tlsrpt.notes, rv);
	CHECK((rv == MX_EINVAL) == !mail_tlsrpt_is_record(p, n));
	CHECK(tlsrpt.nrua_valid <= tlsrpt.nrua);
	CHECK(rv != 0 || tlsrpt.nrua_valid > 0);
	for (i = 0; i < tlsrpt.nrua_valid && i < MAIL_TLSRPT_URIS_MAX; i++)
		CHECK(strncasecmp(tlsrpt.rua[i], "mailto:", 7) == 0 ||
		    strncasecmp(tlsrpt.rua[i], "https:", 6) == 0);
}

/*
 * An address from the input: one octet for the family (even IPv4, odd
 * IPv6), then 4 or 16 octets (missing ones are 0). Returns how many
 * octets were used.
 */
static size_t
take_addr(const uint8_t *p, size_t n, struct mail_addr *a)
{
	size_t want, k;

	memset(a, 0, sizeof(*a));
	if (n == 0) {
		a->family = AF_INET;
		return 0;
	}
	a->family = (p[0] & 1) ? AF_INET6 : AF_INET;
	want = a->family == AF_INET ? 4 : 16;
	for (k = 0; k < want && k + 1 < n; k++)
		a->a[k] = p[k + 1];
	return k + 1;
}

static void
run_addr(const uint8_t *p, size_t n)
{
	struct mail_addr a;
	uint8_t rev[DNS_NAME_MAX];
	size_t len = 0;
	int c;

	take_addr(p, n, &a);
	c = mail_addr_classify(&a);
	CHECK(c >= MAIL_ADDR_GLOBAL && c <= MAIL_ADDR_DISCARD);
	CHECK(strcmp(mail_addr_class_name(c), "?") != 0);
	CHECK(mail_addr_public(&a, 0) == (c == MAIL_ADDR_GLOBAL));
	CHECK(mail_addr_public(&a, MAIL_ADDR_LAB) ==
	    (c == MAIL_ADDR_GLOBAL || c == MAIL_ADDR_DOC));
	CHECK(mail_addr_reverse(&a, rev, &len) == 0);
	/* 4 labels of 1-3 digits + in-addr.arpa., or 32 nibbles +
	 * ip6.arpa. */
	CHECK(a.family == AF_INET6 ? len == 74 : len >= 22 && len <= 30);
	CHECK(dns_name_wire_len(rev, len) == (int)len);
	/* The reverse name never looks generic for its own address, and
	 * is a host name only in the loose sense (digits, letters). */
	CHECK(mail_hostname_check(rev, len) == MAIL_HOSTNAME_OK);
}

static void
run_generic(const uint8_t *p, size_t n)
{
	struct mail_addr a;
	char why[MAIL_PTR_WHY_MAX];
	size_t used;
	uint8_t *name;
	int r, r2;

	used = take_addr(p, n, &a);
	/* The name gets an exact-size copy of its own. */
	name = malloc(n - used ? n - used : 1);
	CHECK(name != NULL);
	memcpy(name, p + used, n - used);
	r = mail_ptr_generic(name, n - used, &a, why);
	CHECK(r == MX_EMALF || (r >= MAIL_PTR_NOT_GENERIC &&
	    r <= MAIL_PTR_KEYWORD));
	CHECK(terminated(why, sizeof(why)));
	CHECK((r > 0) == (why[0] != '\0'));
	r2 = mail_ptr_generic(name, n - used, &a, NULL);
	CHECK(r2 == r);
	CHECK((r == MX_EMALF) == (mail_hostname_check(name, n - used) ==
	    MX_EMALF));
	free(name);
}

static void
run_hostname(const uint8_t *p, size_t n)
{
	int r = mail_hostname_check(p, n);

	CHECK(r == MX_EMALF || (r >= MAIL_HOSTNAME_OK &&
	    r <= MAIL_HOSTNAME_UNDERSCORE));
	CHECK(r == MX_EMALF || strcmp(mail_hostname_name(r), "?") != 0);
	CHECK((r == MX_EMALF) == (n == 0 || n > DNS_NAME_MAX ||
	    dns_name_wire_len(p, n) != (int)n));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;
	size_t n;

	if (size < 1)
		return 0;
	n = size - 1;
	/* An exact-size heap copy: ASan sees a one-octet over-read. */
	buf = malloc(n ? n : 1);
	CHECK(buf != NULL);
	memcpy(buf, data + 1, n);
	switch (data[0] % F_COUNT) {
	case F_SPF:
		run_spf((const char *)buf, n);
		break;
	case F_DMARC:
		run_dmarc((const char *)buf, n);
		break;
	case F_STS:
		run_sts((const char *)buf, n);
		break;
	case F_TLSRPT:
		run_tlsrpt((const char *)buf, n);
		break;
	case F_ADDR:
		run_addr(buf, n);
		break;
	case F_GENERIC:
		run_generic(buf, n);
		break;
	case F_HOSTNAME:
		run_hostname(buf, n);
		break;
	}
	free(buf);
	return 0;
}
