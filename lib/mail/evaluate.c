/* evaluate.c -- mxkit check, the verdict: the catalogue of checks and the facts turned into findings (mail-dns-spec 3.6) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mxkit/audit.h"
#include "mxkit/err.h"
#include "mxkit/policy.h"

/*
 * The catalogue: ID, default severity, group (for --skip), title, fix.
 * Severities are those of mail-dns-spec 3.6; a profile changes a few
 * (audit_evaluate), a --sending-ip raises the PTR ones to errors.
 */
#define E AUDIT_ERROR
#define W AUDIT_WARN
#define I AUDIT_INFO
static const struct audit_check checks[] = {
	{ "MX-LOOKUP-TEMPFAIL", E, "mx", "the MX lookup failed temporarily",
	  "make the domain's name servers answer the MX query (zone loaded, "
	  "servers reachable over UDP and TCP); senders defer until they do" },
	{ "DOMAIN-NXDOMAIN", E, "mx", "the domain does not exist",
	  "create the zone or fix the name; mail to it bounces at once" },
	{ "NO-MX-IMPLICIT", W, "mx", "no MX: mail goes to the domain's own "
	  "address (implicit MX)",
	  "publish an MX record naming the mail host, or a null MX (MX 0 .) "
	  "if the domain takes no mail" },
	{ "SUGGEST-NULL-MX", I, "mx", "the domain seems to take no mail",
	  "publish a null MX (MX 0 .) so that senders bounce at once "
	  "(RFC 7505)" },
	{ "NO-MAIL-TARGET", W, "mx", "no MX and no address: the domain "
	  "cannot receive mail",
	  "publish an MX record, or a null MX (MX 0 .) to say so" },
	{ "NULL-MX", I, "mx", "null MX: the domain takes no mail (RFC 7505)",
	  "nothing to do if the domain really takes no mail" },
	{ "NULL-MX-MIXED", E, "mx", "null MX beside other MX records",
	  "publish either the null MX alone or only real MX records "
	  "(RFC 7505 3); MTAs disagree on the mix" },
	{ "NULL-MX-NONZERO-PREF", W, "mx", "null MX with a preference other "
	  "than 0", "write it as MX 0 . (RFC 7505 3)" },
	{ "NULL-MX-SENDER", W, "mx", "null MX on a domain that sends mail",
	  "a domain used in MAIL FROM should accept bounces: publish a real "
	  "MX (RFC 7505 4.2)" },
	{ "DOMAIN-IS-ALIAS", W, "mx", "the mail domain is an alias (CNAME)",
	  "publish the MX records at the domain itself; Exim reroutes such "
	  "addresses to the canonical name" },
	{ "MX-TARGET-ALIAS", E, "mx", "MX target is an alias (CNAME)",
	  "name the canonical host in the MX record (RFC 2181 10.3)" },
	{ "MX-TARGET-IP-LITERAL", E, "mx", "MX target is an IP address",
	  "name a host that has A/AAAA records, never an address "
	  "(RFC 5321 5.1)" },
	{ "MX-TARGET-BAD-SYNTAX", E, "mx", "MX target is not a valid host name",
	  "use letters, digits and hyphens; IDN hosts in their xn-- form" },
	{ "MX-TARGET-SPECIAL", E, "mx", "MX target is localhost or a reserved "
	  "name", "name the real mail host (RFC 6761 names never receive mail)" },
	{ "MX-TARGET-NXDOMAIN", E, "mx", "MX target does not exist",
	  "create the host's A/AAAA records or fix the name in the MX" },
	{ "MX-TARGET-NO-ADDRESS", E, "mx", "MX target has no A or AAAA record",
	  "give the host an A (and AAAA) record" },
	{ "MX-TARGET-TEMPFAIL", W, "mx", "an MX target's address lookup failed "
	  "temporarily", "make the host's zone answer A and AAAA queries "
	  "(NODATA, not SERVFAIL or silence, when there is no record)" },
	{ "MX-TARGET-SUSPECT-RELATIVE", W, "mx", "MX target repeats the domain",
	  "end the target with a dot in the zone file (mx.example.org.)" },
	{ "NO-USABLE-MX", E, "mx", "no MX target has an address",
	  "give at least one MX host an A or AAAA record" },
	{ "MX-TARGET-NO-IPV4", W, "mx", "MX target has no IPv4 address",
	  "add an A record: IPv4-only senders cannot reach it" },
	{ "ALL-MX-IPV6-ONLY", E, "mx", "no MX target has an IPv4 address",
	  "give an MX host an A record: most senders still need IPv4" },
	{ "MX-TARGET-NO-IPV6", I, "mx", "MX target has no IPv6 address",
	  "add an AAAA record (and its ip6.arpa PTR) to receive over IPv6" },
	{ "MX-TARGET-NONPUBLIC", E, "mx", "MX target has a non-public address",
	  "publish the host's public address; senders on the Internet cannot "
	  "reach this one" },
	{ "MX-DUPLICATE-HOST", W, "mx", "the same host at several preferences",
	  "list each host once" },
	{ "MX-SHARED-ADDRESS", I, "mx", "two MX targets share an address",
	  "fine for aliases of one server; a backup MX should be another "
	  "machine" },
	{ "MX-SINGLE", I, "mx", "one mail server address only",
	  "nothing is wrong; a second MX helps when the first is down" },
	{ "MX-NEEDS-TCP", I, "mx", "the MX answer needs TCP",
	  "fine if TCP works; fewer or shorter records fit UDP" },
	{ "MX-TCP-BROKEN", E, "mx", "the MX answer is truncated and TCP fails",
	  "open TCP port 53 on the name servers (RFC 7766)" },
	{ "MX-MANY", W, "mx", "many MX targets",
	  "senders try at most 5 addresses; keep the list short" },
	{ "MX-WILDCARD", W, "mx", "wildcard MX: every name below accepts mail",
	  "remove the *. MX unless every subdomain really takes mail" },
	{ "MX-TLD-OR-ROOT", W, "mx", "a top-level domain publishes an MX",
	  "a TLD should not take mail (RFC 7085)" },
	{ "MX-TTL-INCONSISTENT", W, "mx", "the MX records have different TTLs",
	  "give every record of the RRset the same TTL (RFC 2181 5.2)" },
	{ "MX-INCONSISTENT-NS", W, "ns", "the name servers give different MX "
	  "sets", "reload the zone on every server (or fix the secondary's "
	  "transfer); senders see one or the other at random" },
	{ "MX-NON-AUTH", W, "ns", "a name server answers the MX query without "
	  "authority", "serve the zone on every server listed in NS (lame "
	  "delegation)" },
	{ "NS-SERIAL-MISMATCH", W, "ns", "the name servers have different SOA "
	  "serials", "let the secondaries catch up (NOTIFY, transfers)" },
	{ "NS-NO-ANSWER", W, "ns", "a name server did not answer",
	  "check the server is up and reachable on port 53, UDP and TCP" },
	{ "NS-LOOKUP-FAIL", W, "ns", "the name servers could not be found",
	  "publish NS records with addresses" },
	{ "TRAP-MX-DETECTED", I, "trap", "the last MX is alone at the highest "
	  "preference (the layout of a trap MX)", "nothing to do if it is "
	  "one; else mind that it gets the mail when the others fail" },
	{ "TRAP-NOT-FOUND", E, "trap", "the --trap host is not an MX target",
	  "publish it as the highest-numbered MX" },
	{ "TRAP-EQUAL-PREF", E, "trap", "the trap shares its preference with a "
	  "real MX", "give the trap a preference of its own, higher than "
	  "every real MX: equal preferences are shuffled (RFC 5321 5.1)" },
	{ "TRAP-FAMILY-MISMATCH", E, "trap", "the trap offers an address family "
	  "that a real MX level lacks", "give the trap only the families every "
	  "real MX has, or honest senders of that family hit the trap first" },
	{ "TRAP-NOT-LAST", E, "trap", "the trap is not the last MX",
	  "make the trap the unique highest preference" },
	{ "PTR-MISSING", W, "ptr", "an IPv4 address has no PTR",
	  "ask the address's owner (hosting provider) to set the PTR to the "
	  "host's name" },
	{ "V6-PTR-MISSING", W, "ptr", "an IPv6 address has no PTR",
	  "set the PTR at the 32-nibble ip6.arpa name to the host's name" },
	{ "PTR-TEMPFAIL", W, "ptr", "the PTR lookup failed temporarily",
	  "make the reverse zone's servers answer" },
	{ "FCRDNS-FAIL", W, "ptr", "the PTR does not lead back to the address",
	  "make the PTR name's A (IPv4) or AAAA (IPv6) record give this "
	  "address (forward-confirmed reverse DNS)" },
	{ "PTR-MULTIPLE", I, "ptr", "several PTR names for one address",
	  "keep one: many receivers look at the first only" },
	{ "PTR-TARGET-ALIAS", W, "ptr", "the PTR name is an alias (CNAME)",
	  "point the PTR at the canonical host name (RFC 1912 2.1)" },
	{ "PTR-NUMERIC-OR-INVALID", E, "ptr", "the PTR name is an address or "
	  "not a host name", "set the PTR to the host's name" },
	{ "PTR-GENERIC", W, "ptr", "the PTR name looks generic (address in "
	  "it, or a dynamic-pool word)", "set a PTR that names the mail "
	  "host; receivers score generic names as dial-up" },
	{ "PTR-NOT-MX-NAME", I, "ptr", "the PTR name differs from the MX name",
	  "fine when it leads back; many set both to the same name" },
	{ "SPF-MISSING", W, "spf", "no SPF record", "publish a TXT "
	  "\"v=spf1 mx -all\" (or the list of your senders)" },
	{ "SPF-MULTIPLE", E, "spf", "more than one SPF record",
	  "merge them into one: several records are a permerror "
	  "(RFC 7208 4.5)" },
	{ "SPF-SYNTAX", E, "spf", "the SPF record does not parse",
	  "fix the term named in the message (RFC 7208 12)" },
	{ "SPF-PASS-ALL", E, "spf", "the SPF record allows every sender (+all)",
	  "end the record with -all or ~all" },
	{ "SPF-TOO-MANY-LOOKUPS", E, "spf", "the SPF record needs more than 10 "
	  "DNS lookups", "flatten includes: over 10 is a permerror "
	  "(RFC 7208 4.6.4)" },
	{ "SPF-INCLUDE-FAIL", E, "spf", "an SPF include or redirect leads to "
	  "no record", "fix or remove the include: a target without exactly "
	  "one SPF record is a permerror (RFC 7208 5.2)" },
	{ "SPF-PTR", W, "spf", "the SPF record uses ptr",
	  "replace ptr by ip4/ip6 or a (RFC 7208 5.5 says SHOULD NOT)" },
	{ "DMARC-MISSING", W, "dmarc", "no DMARC record",
	  "publish a TXT at _dmarc: \"v=DMARC1; p=none; rua=mailto:...\" "
	  "and tighten later" },
	{ "DMARC-MULTIPLE", E, "dmarc", "more than one DMARC record",
	  "keep one: receivers ignore DMARC otherwise (RFC 7489 6.6.3)" },
	{ "DMARC-SYNTAX", E, "dmarc", "the DMARC record does not parse",
	  "fix the tag named in the message (RFC 7489 6.4)" },
	{ "DMARC-POLICY-NONE", I, "dmarc", "DMARC policy is none (monitoring "
	  "only)", "move to p=quarantine or p=reject once reports are clean" },
	{ "MTA-STS-MISSING", I, "mta-sts", "no MTA-STS record",
	  "optional: publish _mta-sts TXT and the policy file (RFC 8461)" },
	{ "MTA-STS-SYNTAX", W, "mta-sts", "the MTA-STS record does not parse",
	  "write \"v=STSv1; id=<1-32 letters or digits>\" (RFC 8461 3.1)" },
	{ "TLSRPT-MISSING", I, "tls-rpt", "no TLS-RPT record",
	  "optional: publish _smtp._tls TXT \"v=TLSRPTv1; rua=mailto:...\"" },
	{ "TLSRPT-SYNTAX", W, "tls-rpt", "the TLS-RPT record does not parse",
	  "write \"v=TLSRPTv1; rua=mailto:...\" (RFC 8460 3)" },
	{ "TLSA-PRESENT", I, "tlsa", "TLSA record published for an MX host",
	  "DANE needs a DNSSEC-signed zone; mxkit does not validate DNSSEC, "
	  "check it with a validating resolver" },
};
#undef E
#undef W
#undef I

#define NCHECKS (sizeof(checks) / sizeof(checks[0]))

const struct audit_check *
audit_checks(size_t *n)
{
	*n = NCHECKS;
	return checks;
}

const struct audit_check *
audit_check_find(const char *id)
{
	size_t i;

	for (i = 0; i < NCHECKS; i++)
		if (strcasecmp(checks[i].id, id) == 0)
			return &checks[i];
	return NULL;
}

const char *
audit_sev_name(enum audit_sev s)
{
	return s == AUDIT_ERROR ? "error" : s == AUDIT_WARN ? "warning" :
	    "info";
}

const char *
audit_iprev_name(int v)
{
	static const char *const names[] = { "none", "pass", "fail",
	    "temperror", "permerror" };

	return v >= 0 && v <= AUDIT_IPREV_PERMERROR ? names[v] : "?";
}

void
audit_opts_init(struct audit_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->ns_port = 53;
}

int
audit_skipped(const struct audit_opts *o, const struct audit_check *c)
{
	unsigned i;

	for (i = 0; i < o->nskip; i++)
		if (strcasecmp(o->skip[i], c->id) == 0 ||
		    strcasecmp(o->skip[i], c->group) == 0)
			return 1;
	return 0;
}

int
audit_exit_status(const struct audit_report *r)
{
	if (r->cannot_check)
		return 3;
	if (r->count[AUDIT_ERROR] > 0)
		return 2;
	if (r->count[AUDIT_WARN] > 0)
		return 1;
	return 0;
}

/*
 * Evaluation.
 */
struct eval {
	struct audit_report *r;
	const struct audit_opts *o;
	int oom;
};

static void
name_text(const uint8_t *n, size_t len, char *buf, size_t cap)
{
	if (dns_name_to_text(n, len, buf, cap) < 0)
		snprintf(buf, cap, "?");
}

static void
find(struct eval *ev, const char *id, int sev, const char *subject,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Adds a finding; sev -1 keeps the catalogue's severity. */
static void
find(struct eval *ev, const char *id, int sev, const char *subject,
    const char *fmt, ...)
{
	struct audit_report *r = ev->r;
	const struct audit_check *c = audit_check_find(id);
	struct audit_finding *f;
	va_list ap;

	if (c == NULL || audit_skipped(ev->o, c))
		return;
	if (r->nfinding == r->finding_cap) {
		size_t cap = r->finding_cap ? 2 * r->finding_cap : 16;
		void *p = realloc(r->finding, cap * sizeof(*f));

		if (p == NULL) {
			ev->oom = 1;
			return;
		}
		r->finding = p;
		r->finding_cap = cap;
	}
	f = &r->finding[r->nfinding++];
	f->check = c;
	f->sev = sev < 0 ? c->sev : (enum audit_sev)sev;
	snprintf(f->subject, sizeof(f->subject), "%s", subject);
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	r->count[f->sev]++;
}

static int
addr_eq(const struct mail_addr *a, const struct mail_addr *b)
{
	return a->family == b->family && memcmp(a->a, b->a,
	    a->family == AF_INET ? 4 : 16) == 0;
}

/* RFC 8601 2.7.3 from the PTR and forward facts. */
static void
iprev(struct audit_addr *ad)
{
	unsigned m;
	int temp = 0;

	ad->pass = -1;
	if (ad->ptr_status < 0) {
		ad->iprev = AUDIT_IPREV_NONE;
		return;
	}
	if (ad->ptr_status == RESOLV_NXDOMAIN ||
	    ad->ptr_status == RESOLV_NODATA || (ad->ptr_status == RESOLV_OK &&
	    ad->nptr == 0)) {
		ad->iprev = AUDIT_IPREV_PERMERROR;
		return;
	}
	if (ad->ptr_status != RESOLV_OK) {
		ad->iprev = resolv_status_temp(ad->ptr_status) ?
		    AUDIT_IPREV_TEMPERROR : AUDIT_IPREV_PERMERROR;
		return;
	}
	for (m = 0; m < ad->nptr; m++) {
		if (ad->ptr[m].match && ad->pass < 0)
			ad->pass = (int)m;
		if (ad->ptr[m].fwd_status >= 0 &&
		    resolv_status_temp(ad->ptr[m].fwd_status))
			temp = 1;
	}
	ad->iprev = ad->pass >= 0 ? AUDIT_IPREV_PASS : temp ?
	    AUDIT_IPREV_TEMPERROR : AUDIT_IPREV_FAIL;
}

/* PTR checks of one address; host NULL for a --sending-ip. */
static void
eval_addr(struct eval *ev, struct audit_addr *ad,
    const struct audit_host *h)
{
	char at[46], pn[DNS_NAME_TEXT_MAX], hn[DNS_NAME_TEXT_MAX];
	int sending = h == NULL;
	int hard = sending ? AUDIT_ERROR : -1;
	unsigned m, fails = 0;
	struct mail_addr lit;
	char why[MAIL_PTR_WHY_MAX];
	int hc;

	iprev(ad);
	mail_addr_text(&ad->a, at);
	if (h != NULL)
		name_text(h->name, h->nlen, hn, sizeof(hn));
	switch (ad->iprev) {
	case AUDIT_IPREV_NONE:
		return;
	case AUDIT_IPREV_PERMERROR:
		find(ev, ad->a.family == AF_INET ? "PTR-MISSING" :
		    "V6-PTR-MISSING", hard, at, "%s%s has no PTR record "
		    "(%s; iprev permerror)", sending ? "sending address " : "",
		    at, resolv_status_name(ad->ptr_status));
		return;
	case AUDIT_IPREV_TEMPERROR:
		find(ev, "PTR-TEMPFAIL", -1, at, "%s of %s failed temporarily "
		    "(iprev temperror)", ad->ptr_status == RESOLV_OK ?
		    "the forward lookup of the PTR name" : "the reverse lookup",
		    at);
		break;
	default:
		break;
	}
	for (m = 0; m < ad->nptr; m++) {
		struct audit_ptr *p = &ad->ptr[m];

		name_text(p->name, p->nlen, pn, sizeof(pn));
		hc = mail_hostname_check(p->name, p->nlen);
		if (mail_name_literal(p->name, p->nlen, &lit) ||
		    (hc != MAIL_HOSTNAME_OK && hc != MAIL_HOSTNAME_UNDERSCORE)) {
			find(ev, "PTR-NUMERIC-OR-INVALID", -1, at, "PTR of %s "
			    "is %s, not a host name (%s)", at, pn, hc < 0 ?
			    "malformed" : mail_hostname_text(hc));
			fails++;
			continue;
		}
		if (mail_ptr_generic(p->name, p->nlen, &ad->a, why) > 0)
			find(ev, "PTR-GENERIC", hard, at, "PTR of %s, %s, looks "
			    "generic: %s", at, pn, why);
		if (p->alias)
			find(ev, "PTR-TARGET-ALIAS", -1, at, "PTR of %s names "
			    "%s, an alias (CNAME)", at, pn);
		if (!p->match)
			fails++;
	}
	if (ad->iprev == AUDIT_IPREV_FAIL)
		find(ev, "FCRDNS-FAIL", hard, at, "%s: no PTR name leads back "
		    "to it by %s (iprev fail)", at, ad->a.family == AF_INET ?
		    "A" : "AAAA");
	if (ad->nptr > 1)
		find(ev, "PTR-MULTIPLE", ad->iprev == AUDIT_IPREV_PASS &&
		    fails > 0 ? AUDIT_WARN : -1, at, "%s has %u PTR names%s",
		    at, ad->nptr, fails > 0 ? ", and not all lead back" : "");
	if (ad->iprev == AUDIT_IPREV_PASS && h != NULL &&
	    !dns_name_equal(ad->ptr[ad->pass].name, ad->ptr[ad->pass].nlen,
	    h->name, h->nlen) && !dns_name_equal(ad->ptr[ad->pass].name,
	    ad->ptr[ad->pass].nlen, h->canon, h->clen)) {
		name_text(ad->ptr[ad->pass].name, ad->ptr[ad->pass].nlen, pn,
		    sizeof(pn));
		find(ev, "PTR-NOT-MX-NAME", -1, at, "%s leads back through %s, "
		    "not through the MX name %s", at, pn, hn);
	}
}

static int
addr_loopbackish(const struct mail_addr *a)
{
	static const uint8_t z[16], lo6[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return a->a[0] == 127 || memcmp(a->a, z, 4) == 0;
	return memcmp(a->a, lo6, 16) == 0 || memcmp(a->a, z, 16) == 0;
}

/* localhost, *.localhost, *.invalid (RFC 6761 6.3, 6.4). */
static int
name_special(const uint8_t *n, size_t len)
{
	static const uint8_t localhost[] = "\011localhost";
	static const uint8_t invalid[] = "\007invalid";

	return dns_name_is_sub(n, len, localhost, sizeof(localhost)) ||
	    dns_name_is_sub(n, len, invalid, sizeof(invalid));
}

static void
eval_hosts(struct eval *ev)
{
	struct audit_report *r = ev->r;
	char hn[DNS_NAME_TEXT_MAX], cn[DNS_NAME_TEXT_MAX], at[46];
	unsigned i, k, m, n, usable = 0, with_v4 = 0, looked = 0, temp = 0;
	unsigned distinct = 0, best_addrs = 0, unlooked = 0;
	uint16_t best_pref = 0;
	struct mail_addr seen[AUDIT_HOSTS_MAX * 2 * AUDIT_ADDRS_MAX];

	for (i = 0; i < r->nhost; i++) {
		struct audit_host *h = &r->host[i];
		int v4 = 0, v6 = 0;

		name_text(h->name, h->nlen, hn, sizeof(hn));
		switch (h->kind) {
		case MAIL_HOST_IPLIT:
			find(ev, "MX-TARGET-IP-LITERAL", -1, hn, "MX %u %s: the "
			    "exchange is an IP address, not a host name",
			    h->pref, hn);
			continue;
		case MAIL_HOST_BADNAME:
			find(ev, "MX-TARGET-BAD-SYNTAX", -1, hn, "MX %u %s is "
			    "not a valid host name", h->pref, hn);
			continue;
		case MAIL_HOST_DUPLICATE:
			find(ev, "MX-DUPLICATE-HOST", -1, hn, "%s is listed at "
			    "more than one preference", hn);
			continue;
		case MAIL_HOST_NULL:
			continue;
		default:
			break;
		}
		if (mail_hostname_check(h->name, h->nlen) ==
		    MAIL_HOSTNAME_UNDERSCORE)
			find(ev, "MX-TARGET-BAD-SYNTAX", AUDIT_WARN, hn, "MX %u "
			    "%s has an underscore: not a host name (Postfix "
			    "tolerates it, others may not)", h->pref, hn);
		if (mail_name_doubled(h->name, h->nlen, r->canon, r->clen))
			find(ev, "MX-TARGET-SUSPECT-RELATIVE", -1, hn, "%s "
			    "repeats the domain: a forgotten trailing dot?", hn);
		if (name_special(h->name, h->nlen))
			find(ev, "MX-TARGET-SPECIAL", -1, hn, "MX %u %s is a "
			    "reserved name (RFC 6761)", h->pref, hn);
		if (h->st_a < 0 && h->st_aaaa < 0) {
			unlooked++;	/* --only mx */
			continue;
		}
		looked++;
		if (!dns_name_equal(h->canon, h->clen, h->name, h->nlen)) {
			name_text(h->canon, h->clen, cn, sizeof(cn));
			find(ev, "MX-TARGET-ALIAS", -1, hn, "MX %u %s is an "
			    "alias (CNAME) for %s", h->pref, hn, cn);
		}
		for (k = 0; k < h->naddr; k++) {
			v4 |= h->addr[k].a.family == AF_INET;
			v6 |= h->addr[k].a.family == AF_INET6;
		}
		if (h->naddr == 0) {
			if ((h->st_a >= 0 && resolv_status_temp(h->st_a)) ||
			    (h->st_aaaa >= 0 && resolv_status_temp(h->st_aaaa))) {
				temp++;
				find(ev, "MX-TARGET-TEMPFAIL", -1, hn, "address "
				    "lookup of %s failed temporarily (A %s, "
				    "AAAA %s)", hn, resolv_status_name(h->st_a),
				    resolv_status_name(h->st_aaaa));
			} else if (h->st_a == RESOLV_NXDOMAIN ||
			    h->st_aaaa == RESOLV_NXDOMAIN)
				find(ev, "MX-TARGET-NXDOMAIN", -1, hn, "MX %u "
				    "%s does not exist", h->pref, hn);
			else
				find(ev, "MX-TARGET-NO-ADDRESS", -1, hn, "MX %u "
				    "%s has no A or AAAA record", h->pref, hn);
			continue;
		}
		usable++;
		with_v4 += v4;
		if (usable == 1)
			best_pref = h->pref;
		if (h->pref == best_pref)
			best_addrs += h->naddr;
		if ((h->st_a >= 0 && resolv_status_temp(h->st_a)) ||
		    (h->st_aaaa >= 0 && resolv_status_temp(h->st_aaaa)))
			find(ev, "MX-TARGET-TEMPFAIL", -1, hn, "one address "
			    "lookup of %s failed temporarily (A %s, AAAA %s)",
			    hn, resolv_status_name(h->st_a),
			    resolv_status_name(h->st_aaaa));
		if (!v4)
			find(ev, "MX-TARGET-NO-IPV4", -1, hn, "%s has AAAA but "
			    "no A record", hn);
		if (!v6)
			find(ev, "MX-TARGET-NO-IPV6", r->profile ==
			    AUDIT_PROFILE_TUTORIAL ? AUDIT_WARN : -1, hn,
			    "%s has A but no AAAA record", hn);
		for (k = 0; k < h->naddr; k++) {
			struct audit_addr *ad = &h->addr[k];

			mail_addr_text(&ad->a, at);
			if (addr_loopbackish(&ad->a))
				find(ev, "MX-TARGET-SPECIAL", -1, hn, "%s "
				    "resolves to %s", hn, at);
			else if (!mail_addr_public(&ad->a, r->profile ==
			    AUDIT_PROFILE_LAB ? MAIL_ADDR_LAB : 0))
				find(ev, "MX-TARGET-NONPUBLIC", -1, at, "%s has "
				    "%s: %s", hn, at, mail_addr_class_text(
				    mail_addr_classify(&ad->a)));
			for (n = 0; n < distinct; n++)
				if (addr_eq(&seen[n], &ad->a))
					break;
			if (n == distinct && distinct < sizeof(seen) /
			    sizeof(seen[0]))
				seen[distinct++] = ad->a;
			else if (n < distinct) {
				/* Another host has it: shared. */
				for (m = 0; m < i; m++) {
					unsigned q;

					for (q = 0; q < r->host[m].naddr; q++)
						if (addr_eq(&r->host[m].addr[q].a,
						    &ad->a))
							break;
					if (q < r->host[m].naddr)
						break;
				}
				if (m < i)
					find(ev, "MX-SHARED-ADDRESS", -1, at,
					    "%s is the address of more than "
					    "one MX target", at);
			}
			eval_addr(ev, ad, h);
		}
		if (h->tlsa_status == RESOLV_OK)
			find(ev, "TLSA-PRESENT", -1, hn, "TLSA at _25._tcp.%s: "
			    "DANE applies only if the zone is DNSSEC-signed, "
			    "which mxkit does not validate", hn);
	}
	/* Exchanges never looked up (IP literals, bad names) count as
	 * unusable too: no exchange yields an address. */
	if (usable == 0 && temp == 0 && unlooked == 0 && r->nhost > 0)
		find(ev, "NO-USABLE-MX", -1, "", "no MX target has an "
		    "address: mail bounces");
	else if (looked > 0 && usable == 0 && temp > 0 && looked == temp) {
		/* spec: MX-TARGET-TEMPFAIL is an error when no MX is left. */
		for (i = 0; i < r->nfinding; i++)
			if (strcmp(r->finding[i].check->id,
			    "MX-TARGET-TEMPFAIL") == 0 &&
			    r->finding[i].sev != AUDIT_ERROR) {
				r->count[r->finding[i].sev]--;
				r->finding[i].sev = AUDIT_ERROR;
				r->count[AUDIT_ERROR]++;
			}
	}
	if (usable > 0 && with_v4 == 0)
		find(ev, "ALL-MX-IPV6-ONLY", -1, "", "no MX target has an A "
		    "record: IPv4-only senders cannot deliver");
	/* spec 3.6: one distinct address (T01's note, one host with A and
	 * AAAA, is not what the condition says; the condition wins). */
	if (distinct == 1)
		find(ev, "MX-SINGLE", -1, "", "all mail goes to one address");
	if (r->nmx > 10)
		find(ev, "MX-MANY", -1, "", "%u MX records", r->nmx);
	else if (best_addrs > 5)
		find(ev, "MX-MANY", -1, "", "%u addresses at the best "
		    "preference: senders try at most 5", best_addrs);
}

/* spec 3.6 TRAP-*: --trap names the trap, else the layout is detected. */
static void
eval_trap(struct eval *ev)
{
	struct audit_report *r = ev->r;
	char tn[DNS_NAME_TEXT_MAX];
	unsigned i, t = r->nhost, same = 0;
	int fam[2] = { 0, 0 }, trapfam[2] = { 0, 0 }, k;

	if (r->nhost == 0)
		return;
	if (ev->o->trap_len == 0) {
		if (r->nhost >= 2 && r->host[r->nhost - 1].pref >
		    r->host[r->nhost - 2].pref && r->host[r->nhost - 1].kind ==
		    MAIL_HOST_OK) {
			name_text(r->host[r->nhost - 1].name,
			    r->host[r->nhost - 1].nlen, tn, sizeof(tn));
			find(ev, "TRAP-MX-DETECTED", -1, tn, "%s is alone at the "
			    "highest preference %u", tn,
			    r->host[r->nhost - 1].pref);
		}
		return;
	}
	name_text(ev->o->trap, ev->o->trap_len, tn, sizeof(tn));
	for (i = 0; i < r->nhost; i++)
		if (dns_name_equal(r->host[i].name, r->host[i].nlen,
		    ev->o->trap, ev->o->trap_len)) {
			t = i;
			break;
		}
	if (t == r->nhost) {
		find(ev, "TRAP-NOT-FOUND", -1, tn, "%s is not among the MX "
		    "targets", tn);
		return;
	}
	for (i = 0; i < r->nhost; i++) {
		if (i == t)
			continue;
		if (r->host[i].pref == r->host[t].pref)
			same = 1;
	}
	if (same) {
		find(ev, "TRAP-EQUAL-PREF", -1, tn, "%s shares preference %u "
		    "with a real MX: senders pick it at random", tn,
		    r->host[t].pref);
		return;
	}
	if (t != r->nhost - 1) {
		find(ev, "TRAP-NOT-LAST", -1, tn, "%s (preference %u) is not "
		    "the highest-numbered MX (%u)", tn, r->host[t].pref,
		    r->host[r->nhost - 1].pref);
		return;
	}
	for (i = 0; i < r->host[t].naddr; i++)
		trapfam[r->host[t].addr[i].a.family == AF_INET6] = 1;
	/* Every real preference level must offer each family the trap
	 * offers, or senders of that family meet the trap first. */
	for (i = 0; i < t; ) {
		unsigned j = i;

		fam[0] = fam[1] = 0;
		for (; j < t && r->host[j].pref == r->host[i].pref; j++) {
			unsigned q;

			for (q = 0; q < r->host[j].naddr; q++)
				fam[r->host[j].addr[q].a.family ==
				    AF_INET6] = 1;
		}
		for (k = 0; k < 2; k++)
			if (trapfam[k] && !fam[k]) {
				find(ev, "TRAP-FAMILY-MISMATCH", -1, tn, "%s has "
				    "IPv%d but MX preference %u has none: "
				    "IPv%d senders reach the trap first", tn,
				    k ? 6 : 4, r->host[i].pref, k ? 6 : 4);
				return;
			}
		i = j;
	}
	find(ev, "TRAP-MX-DETECTED", -1, tn, "%s is alone at the highest "
	    "preference %u", tn, r->host[t].pref);
}

static void
eval_ns(struct eval *ev)
{
	struct audit_report *r = ev->r;
	char nn[DNS_NAME_TEXT_MAX], at[46];
	const char *ref = NULL;
	uint32_t serial = 0;
	int have_serial = 0, mxdiff = 0, serdiff = 0;
	unsigned i, k, answered = 0;

	if (r->ns_status < 0)
		return;
	if (r->nns == 0) {
		find(ev, "NS-LOOKUP-FAIL", -1, "", "no NS records found for "
		    "the domain's zone (%s)", resolv_status_name(r->ns_status));
		return;
	}
	for (i = 0; i < r->nns; i++) {
		struct audit_ns *ns = &r->ns[i];

		name_text(ns->name, ns->nlen, nn, sizeof(nn));
		if (ns->naddr == 0) {
			find(ev, "NS-LOOKUP-FAIL", -1, nn, "name server %s has "
			    "no address (A %s, AAAA %s)", nn,
			    resolv_status_name(ns->st_a),
			    resolv_status_name(ns->st_aaaa));
			continue;
		}
		for (k = 0; k < ns->naddr; k++) {
			struct audit_nsaddr *na = &ns->addr[k];

			mail_addr_text(&na->a, at);
			if (na->mx_status < 0 || resolv_status_temp(
			    na->mx_status)) {
				find(ev, "NS-NO-ANSWER", -1, nn, "%s (%s) gave "
				    "no answer to the MX query (%s)", nn, at,
				    na->mx_status < 0 ? "not asked" :
				    resolv_status_name(na->mx_status));
				continue;
			}
			answered++;
			if (!na->aa)
				find(ev, "MX-NON-AUTH", -1, nn, "%s (%s) answers "
				    "the MX query without authority (AA=0)",
				    nn, at);
			if (ref == NULL)
				ref = na->mxset;
			else if (strcmp(ref, na->mxset) != 0)
				mxdiff = 1;
			if (na->soa_status == RESOLV_OK) {
				if (!have_serial) {
					serial = na->serial;
					have_serial = 1;
				} else if (serial != na->serial)
					serdiff = 1;
			}
		}
	}
	if (mxdiff)
		find(ev, "MX-INCONSISTENT-NS", -1, "", "the name servers give "
		    "different MX sets");
	if (serdiff)
		find(ev, "NS-SERIAL-MISMATCH", -1, "", "the name servers give "
		    "different SOA serials");
	(void)answered;
}

/* The domain's one SPF record is exactly "v=spf1 -all". */
static int
spf_null(const struct audit_report *r)
{
	struct mail_spf *spf;
	int v;

	if (r->spf.nrec != 1 || (spf = malloc(sizeof(*spf))) == NULL)
		return 0;
	mail_spf_parse(r->spf.text, strlen(r->spf.text), spf);
	v = spf->null_record;
	free(spf);
	return v;
}

/* The domain's SPF record lets some sender pass (NULL-MX-SENDER). */
static int
spf_authorises(const struct audit_report *r)
{
	struct mail_spf *spf;
	int v;

	if (r->spf.nrec != 1 || (spf = malloc(sizeof(*spf))) == NULL)
		return 0;
	mail_spf_parse(r->spf.text, strlen(r->spf.text), spf);
	v = spf->authorises;
	free(spf);
	return v;
}

/*
 * The first error note of a parsed policy record, for its *-SYNTAX
 * finding; notes that are findings of their own (SPF-PASS-ALL,
 * SPF-TOO-MANY-LOOKUPS: the audit counts includes too) are left to them.
 */
static const struct mail_policy_note *
first_error(const struct mail_policy_notes *n)
{
	const struct audit_check *c;
	unsigned i;

	for (i = 0; i < n->nnote; i++) {
		if (n->note[i].level != MX_DIAG_ERROR)
			continue;
		c = audit_check_find(n->note[i].code);
		if (c != NULL && strstr(c->id, "-SYNTAX") == NULL)
			continue;
		return &n->note[i];
	}
	return NULL;
}

static void
eval_spf(struct eval *ev, const char *dn)
{
	struct audit_report *r = ev->r;
	struct mail_spf *spf = malloc(sizeof(*spf));
	const struct mail_policy_note *e;

	if (spf == NULL) {
		ev->oom = 1;
		return;
	}
	if (r->spf.cut) {
		find(ev, "SPF-SYNTAX", -1, dn, "SPF of %s is longer than %d "
		    "octets: not checked", dn, AUDIT_TXT_MAX - 1);
		free(spf);
		return;
	}
	mail_spf_parse(r->spf.text, strlen(r->spf.text), spf);
	if ((e = first_error(&spf->notes)) != NULL)
		find(ev, "SPF-SYNTAX", -1, dn, "SPF of %s, term %u: %s", dn,
		    e->term, e->text);
	if (spf->all == MAIL_SPF_Q_PASS)
		find(ev, "SPF-PASS-ALL", -1, dn, "SPF of %s ends with +all: "
		    "every host may send as %s", dn, dn);
	if (r->spf_lookups > AUDIT_SPF_LOOKUPS)
		find(ev, "SPF-TOO-MANY-LOOKUPS", -1, dn, "SPF of %s needs more "
		    "than %d DNS lookups (%u counted, includes followed)", dn,
		    AUDIT_SPF_LOOKUPS, r->spf_lookups);
	if (spf->nptr > 0)
		find(ev, "SPF-PTR", -1, dn, "SPF of %s uses the ptr mechanism",
		    dn);
	if (r->spf_fail[0] != '\0')
		find(ev, "SPF-INCLUDE-FAIL", -1, dn, "SPF of %s includes %s",
		    dn, r->spf_fail);
	free(spf);
}

static void
eval_dmarc(struct eval *ev, const char *dn)
{
	struct audit_report *r = ev->r;
	struct mail_dmarc *d = malloc(sizeof(*d));
	const struct mail_policy_note *e;

	if (d == NULL) {
		ev->oom = 1;
		return;
	}
	mail_dmarc_parse(r->dmarc.text, strlen(r->dmarc.text), d);
	if ((e = first_error(&d->notes)) != NULL)
		find(ev, "DMARC-SYNTAX", -1, dn, "DMARC of %s: %s", dn, e->text);
	else if (d->p == MAIL_DMARC_P_NONE)
		find(ev, "DMARC-POLICY-NONE", -1, dn, "DMARC of %s: p=none, "
		    "reports only", dn);
	free(d);
}

static void
eval_mx(struct eval *ev)
{
	struct audit_report *r = ev->r;
	char dn[DNS_NAME_TEXT_MAX], cn[DNS_NAME_TEXT_MAX];
	unsigned i, nulls = 0, zero = 0;

	name_text(r->domain, r->dlen, dn, sizeof(dn));
	if (!dns_name_equal(r->canon, r->clen, r->domain, r->dlen)) {
		name_text(r->canon, r->clen, cn, sizeof(cn));
		find(ev, "DOMAIN-IS-ALIAS", -1, dn, "%s is an alias (CNAME) "
		    "for %s", dn, cn);
	}
	switch (r->mx_status) {
	case RESOLV_OK:
		break;
	case RESOLV_NODATA:
		return;		/* the implicit MX: eval_implicit */
	case RESOLV_NXDOMAIN:
		find(ev, "DOMAIN-NXDOMAIN", -1, dn, "%s does not exist "
		    "(NXDOMAIN)", dn);
		return;
	case RESOLV_TRUNCATED:
		find(ev, "MX-TCP-BROKEN", -1, dn, "the MX answer of %s is "
		    "truncated over UDP and TCP fails", dn);
		/* fall through */
	default:
		find(ev, "MX-LOOKUP-TEMPFAIL", -1, dn, "MX lookup of %s: %s", dn,
		    resolv_status_text(r->mx_status));
		r->cannot_check = 1;
		return;
	}
	if (r->mx_tcp)
		find(ev, "MX-NEEDS-TCP", -1, dn, "the MX answer of %s does not "
		    "fit a 1232-byte UDP reply", dn);
	if (r->mx_ttl_mixed)
		find(ev, "MX-TTL-INCONSISTENT", -1, dn, "the MX records of %s "
		    "have different TTLs", dn);
	if (dns_name_labels(r->domain, r->dlen) <= 1)
		find(ev, "MX-TLD-OR-ROOT", -1, dn, "%s is a top-level domain "
		    "or the root", dn);
	for (i = 0; i < r->nhost; i++)
		if (r->host[i].kind == MAIL_HOST_NULL) {
			nulls++;
			zero += r->host[i].pref == 0;
		}
	if (nulls > 0) {
		if (nulls < r->nhost || r->nmx > nulls)
			find(ev, "NULL-MX-MIXED", -1, dn, "null MX beside %u "
			    "other MX record%s", r->nhost - nulls,
			    r->nhost - nulls == 1 ? "" : "s");
		else if (zero == 0)
			find(ev, "NULL-MX-NONZERO-PREF", -1, dn, "null MX with "
			    "preference %u", r->host[0].pref);
		else
			find(ev, "NULL-MX", -1, dn, "%s takes no mail", dn);
		if (spf_authorises(r))
			find(ev, "NULL-MX-SENDER", -1, dn, "%s publishes a null "
			    "MX but its SPF record authorises senders: bounces "
			    "to its mail cannot be delivered", dn);
		if (zero == 0 && nulls < r->nhost)
			find(ev, "NULL-MX-NONZERO-PREF", -1, dn, "null MX with "
			    "a preference other than 0");
		return;
	}
	if (r->wildcard_status == RESOLV_OK)
		find(ev, "MX-WILDCARD", -1, dn, "a random name below %s has an "
		    "MX: a wildcard MX", dn);
	eval_hosts(ev);
	/* --only mx looked no host up: the layout's families are unknown. */
	if (!(ev->o->flags & AUDIT_ONLY_MX))
		eval_trap(ev);
}

static void
eval_implicit(struct eval *ev)
{
	struct audit_report *r = ev->r;
	char dn[DNS_NAME_TEXT_MAX];
	unsigned k;

	if (!r->implicit)
		return;
	name_text(r->domain, r->dlen, dn, sizeof(dn));
	if (r->self.naddr > 0) {
		find(ev, "NO-MX-IMPLICIT", -1, dn, "%s has no MX; mail goes to "
		    "its own address (implicit MX)", dn);
		for (k = 0; k < r->self.naddr; k++)
			eval_addr(ev, &r->self.addr[k], &r->self);
		for (k = 0; k < r->self.naddr; k++)
			if (r->self.addr[k].a.family == AF_INET)
				break;
		if (k == r->self.naddr)
			find(ev, "ALL-MX-IPV6-ONLY", -1, dn, "%s (implicit MX) "
			    "has no A record: IPv4-only senders cannot "
			    "deliver", dn);
		if (spf_null(r))
			find(ev, "SUGGEST-NULL-MX", -1, dn, "%s sends no mail "
			    "(SPF -all) and has no MX: a null MX says it takes "
			    "none", dn);
	} else if ((r->self.st_a < 0 || !resolv_status_temp(r->self.st_a)) &&
	    (r->self.st_aaaa < 0 || !resolv_status_temp(r->self.st_aaaa))) {
		find(ev, "NO-MAIL-TARGET", -1, dn, "%s has no MX and no "
		    "address: it cannot receive mail", dn);
		find(ev, "SUGGEST-NULL-MX", -1, dn, "if %s takes no mail, a "
		    "null MX makes senders bounce at once", dn);
	}
}

static void
eval_policies(struct eval *ev)
{
	struct audit_report *r = ev->r;
	char dn[DNS_NAME_TEXT_MAX];

	if (r->mx_status != RESOLV_OK && r->mx_status != RESOLV_NODATA)
		return;
	name_text(r->domain, r->dlen, dn, sizeof(dn));
	if (r->spf.status >= 0 && !resolv_status_temp(r->spf.status)) {
		if (r->spf.nrec == 0)
			find(ev, "SPF-MISSING", -1, dn, "no v=spf1 TXT record "
			    "at %s", dn);
		else if (r->spf.nrec > 1)
			find(ev, "SPF-MULTIPLE", -1, dn, "%u v=spf1 records at "
			    "%s", r->spf.nrec, dn);
		else
			eval_spf(ev, dn);
	}
	if (r->dmarc.status >= 0 && !resolv_status_temp(r->dmarc.status)) {
		if (r->dmarc.nrec == 0)
			find(ev, "DMARC-MISSING", -1, dn, "no v=DMARC1 TXT "
			    "record at _dmarc.%s", dn);
		else if (r->dmarc.nrec > 1)
			find(ev, "DMARC-MULTIPLE", -1, dn, "%u DMARC records "
			    "at _dmarc.%s", r->dmarc.nrec, dn);
		else
			eval_dmarc(ev, dn);
	}
	if (r->mtasts.status >= 0 && !resolv_status_temp(r->mtasts.status) &&
	    r->mtasts.nrec == 0)
		find(ev, "MTA-STS-MISSING", -1, dn, "no v=STSv1 TXT record at "
		    "_mta-sts.%s", dn);
	else if (r->mtasts.nrec > 0) {
		struct mail_sts sts;
		const struct mail_policy_note *e;

		mail_sts_parse(r->mtasts.text, strlen(r->mtasts.text), &sts);
		if ((e = first_error(&sts.notes)) != NULL || r->mtasts.nrec > 1)
			find(ev, "MTA-STS-SYNTAX", -1, dn, "MTA-STS record at "
			    "_mta-sts.%s: %s", dn, r->mtasts.nrec > 1 ?
			    "more than one record" : e->text);
	}
	if (r->tlsrpt.status >= 0 && !resolv_status_temp(r->tlsrpt.status) &&
	    r->tlsrpt.nrec == 0)
		find(ev, "TLSRPT-MISSING", -1, dn, "no v=TLSRPTv1 TXT record at "
		    "_smtp._tls.%s", dn);
	else if (r->tlsrpt.nrec > 0) {
		struct mail_tlsrpt *t = malloc(sizeof(*t));
		const struct mail_policy_note *e;

		if (t == NULL) {
			ev->oom = 1;
			return;
		}
		mail_tlsrpt_parse(r->tlsrpt.text, strlen(r->tlsrpt.text), t);
		if ((e = first_error(&t->notes)) != NULL || r->tlsrpt.nrec > 1)
			find(ev, "TLSRPT-SYNTAX", -1, dn, "TLS-RPT record at "
			    "_smtp._tls.%s: %s", dn, r->tlsrpt.nrec > 1 ?
			    "more than one record" : e->text);
		free(t);
	}
}

int
audit_evaluate(struct audit_report *r, const struct audit_opts *o)
{
	struct eval ev = { r, o, 0 };
	unsigned k;

	r->nfinding = 0;
	memset(r->count, 0, sizeof(r->count));
	r->cannot_check = 0;
	if (r->mx_status < 0)
		return 0;
	eval_mx(&ev);
	eval_implicit(&ev);
	eval_ns(&ev);
	eval_policies(&ev);
	for (k = 0; k < r->nsending; k++)
		eval_addr(&ev, &r->sending[k], NULL);
	return ev.oom ? MX_ENOMEM : 0;
}
