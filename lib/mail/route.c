/* route.c -- the delivery plan of a sending MTA (RFC 5321 5.1, RFC 7505, mail-dns-spec 2.4-2.5) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include <idn2.h>

#include "mxkit/err.h"
#include "mxkit/mail.h"

static const struct {
	const char *name, *text;
} host_statuses[] = {
#define MAIL_HS_ROW(sym, name, text) { name, text },
	MAIL_HOST_STATUSES(MAIL_HS_ROW)
#undef MAIL_HS_ROW
};

#define NHOST_STATUSES (sizeof(host_statuses) / sizeof(host_statuses[0]))

const char *
mail_host_status_name(int st)
{
	return st >= 0 && (size_t)st < NHOST_STATUSES ?
	    host_statuses[st].name : "?";
}

const char *
mail_host_status_text(int st)
{
	return st >= 0 && (size_t)st < NHOST_STATUSES ?
	    host_statuses[st].text : "?";
}

static const char *const mta_names[] = { "rfc", "postfix", "exim",
    "opensmtpd" };

const char *
mail_mta_name(enum mail_mta m)
{
	return (unsigned)m < 4 ? mta_names[m] : "?";
}

int
mail_mta_from_text(const char *s, enum mail_mta *m)
{
	unsigned i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, mta_names[i]) == 0) {
			*m = (enum mail_mta)i;
			return 0;
		}
	return MX_EINVAL;
}

const char *
mail_verdict_name(enum mail_verdict v)
{
	switch (v) {
	case MAIL_DELIVER:
		return "DELIVER";
	case MAIL_DEFER:
		return "DEFER";
	case MAIL_BOUNCE:
		return "BOUNCE";
	}
	return "?";
}

const char *
mail_addr_text(const struct mail_addr *a, char buf[46])
{
	if (inet_ntop(a->family, a->a, buf, 46) == NULL)
		snprintf(buf, 46, "?");
	return buf;
}

void
mail_route_opts_init(struct mail_route_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mta = MAIL_MTA_RFC;
	o->max_addrs = 5;
	if (getrandom(&o->seed, sizeof(o->seed), 0) != sizeof(o->seed))
		o->seed = (uint64_t)(uintptr_t)o;
	/* 63 bits: printed as a JSON integer and given back to --seed. */
	o->seed &= INT64_MAX;
}

/* RFC 5321 4.1.2: a domain is LDH labels separated by dots (an
 * underscore is tolerated: it is seen in the wild and harmless here). */
static int
ldh(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
		    ch == '_'))
			return 0;
	}
	return 1;
}

static int
parse_literal(const char *s, size_t n, struct mail_addr *a)
{
	char buf[64];

	/* RFC 5321 4.1.3: [192.0.2.1] or [IPv6:2001:db8::1]. */
	if (n < 3 || n - 2 >= sizeof(buf))
		return MX_ESYNTAX;
	memcpy(buf, s + 1, n - 2);
	buf[n - 2] = '\0';
	memset(a, 0, sizeof(*a));
	if (strncasecmp(buf, "IPv6:", 5) == 0) {
		a->family = AF_INET6;
		return inet_pton(AF_INET6, buf + 5, a->a) == 1 ? 0 :
		    MX_ESYNTAX;
	}
	a->family = AF_INET;
	return inet_pton(AF_INET, buf, a->a) == 1 ? 0 : MX_ESYNTAX;
}

int
mail_route_domain(const char *recipient, uint8_t out[DNS_NAME_MAX],
    size_t *outlen, int *lit, struct mail_addr *addr)
{
	const char *d = strrchr(recipient, '@');
	char *ascii = NULL;
	size_t n, i;
	int rv, high = 0;

	*lit = 0;
	d = d != NULL ? d + 1 : recipient;
	n = strlen(d);
	if (n > 0 && d[0] == '[') {
		if (d[n - 1] != ']')
			return MX_ESYNTAX;
		if ((rv = parse_literal(d, n, addr)) != 0)
			return rv;
		*lit = 1;
		return 0;
	}
	for (i = 0; i < n; i++)
		high |= (unsigned char)d[i] >= 0x80;
	/* R-IDN-1: UTF-8 domains are looked up by their A-labels. */
	if (high) {
		if (idn2_to_ascii_8z(d, &ascii, IDN2_NONTRANSITIONAL |
		    IDN2_NFC_INPUT) != IDN2_OK) {
			free(ascii);
			return MX_ESYNTAX;
		}
		d = ascii;
		n = strlen(d);
	}
	/* One trailing dot is the root; "example.org" is already absolute
	 * for mail (R-5321-1: no search list). */
	if (n > 0 && d[n - 1] == '.')
		n--;
	if (n == 0 || !ldh(d, n)) {
		free(ascii);
		return n == 0 ? MX_EEMPTY : MX_ESYNTAX;
	}
	rv = dns_name_from_text(d, n, (const uint8_t *)"", 1, out, outlen,
	    NULL);
	free(ascii);
	if (rv != 0)
		return rv;
	dns_name_lower(out, *outlen);
	return 0;
}

void
mail_route_literal(const struct mail_addr *a, struct mail_route *rt)
{
	memset(rt, 0, sizeof(*rt));
	rt->mx_status = -1;
	rt->nhost = 1;
	rt->host[0].status = MAIL_HOST_OK;
	rt->host[0].st_a = rt->host[0].st_aaaa = -1;
	rt->host[0].addr[0] = *a;
	rt->host[0].naddr = 1;
	rt->nplan = rt->nplan_all = 1;
	rt->plan[0].addr = *a;
	rt->verdict = MAIL_DELIVER;
	snprintf(rt->reason, sizeof(rt->reason),
	    "address literal: no DNS lookup");
}

/*
 * Planning state.
 */
struct plan {
	const struct mail_route_opts *o;
	struct mail_route *rt;
	mail_lookup_fn *lk;
	void *ud;
	uint64_t rng;
};

/* splitmix64: a small seeded generator, so that --seed N is repeatable. */
static uint64_t
rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned
rng_below(uint64_t *s, unsigned n)
{
	return (unsigned)(rng_next(s) % n);
}

static void
name_text(const uint8_t *n, size_t len, char *buf, size_t cap)
{
	if (dns_name_to_text(n, len, buf, cap) < 0)
		snprintf(buf, cap, "?");
}

static void
warn(struct plan *p, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
warn(struct plan *p, const char *id, const char *fmt, ...)
{
	struct mail_route *rt = p->rt;
	va_list ap;
	unsigned i;

	if (rt->nwarn >= MAIL_WARN_MAX)
		return;
	rt->warn[rt->nwarn].id = id;
	va_start(ap, fmt);
	vsnprintf(rt->warn[rt->nwarn].text, sizeof(rt->warn[0].text), fmt, ap);
	va_end(ap);
	/* One warning per (id, text). */
	for (i = 0; i < rt->nwarn; i++)
		if (strcmp(rt->warn[i].id, id) == 0 &&
		    strcmp(rt->warn[i].text, rt->warn[rt->nwarn].text) == 0)
			return;
	rt->nwarn++;
}

static void
verdict(struct plan *p, enum mail_verdict v, const char *code, unsigned reply,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
verdict(struct plan *p, enum mail_verdict v, const char *code, unsigned reply,
    const char *fmt, ...)
{
	va_list ap;

	p->rt->verdict = v;
	p->rt->code = code;
	p->rt->reply = reply;
	va_start(ap, fmt);
	vsnprintf(p->rt->reason, sizeof(p->rt->reason), fmt, ap);
	va_end(ap);
}

/* One lookup through the hook, recorded. Never NULL unless out of memory. */
static struct resolv_result *
lookup(struct plan *p, const uint8_t *name, size_t len, uint16_t qtype)
{
	struct mail_route *rt = p->rt;
	struct resolv_result *r = NULL;
	int rv;

	rv = p->lk(p->ud, name, len, qtype, &r);
	if (rv != 0 || r == NULL) {
		resolv_result_free(r);
		r = calloc(1, sizeof(*r));
		if (r == NULL)
			return NULL;
		r->status = RESOLV_NETWORK;
		r->err = rv;
		memcpy(r->name, name, len);
		r->name_len = len;
	}
	if (rt->nquery < MAIL_QUERIES_MAX) {
		struct mail_query *q = &rt->query[rt->nquery++];

		memcpy(q->name, name, len);
		q->nlen = len;
		q->qtype = qtype;
		q->status = r->status;
	}
	return r;
}

int
mail_name_literal(const uint8_t *name, size_t len, struct mail_addr *a)
{
	char t[DNS_NAME_TEXT_MAX];
	size_t n;

	name_text(name, len, t, sizeof(t));
	n = strlen(t);
	if (n > 1 && t[n - 1] == '.')
		t[n - 1] = '\0';
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, t, a->a) == 1) {
		a->family = AF_INET;
		return 1;
	}
	if (inet_pton(AF_INET6, t, a->a) == 1) {
		a->family = AF_INET6;
		return 1;
	}
	return 0;
}

int
mail_name_ldh(const uint8_t *name, size_t len)
{
	size_t i = 0;

	while (i < len && name[i] != 0) {
		if (!ldh((const char *)name + i + 1, name[i]))
			return 0;
		i += 1 + (size_t)name[i];
	}
	return 1;
}

int
mail_name_doubled(const uint8_t *name, size_t len, const uint8_t *dom,
    size_t dlen)
{
	char n[DNS_NAME_TEXT_MAX], d[DNS_NAME_TEXT_MAX], dd[2 * DNS_NAME_TEXT_MAX];
	size_t nn, nd;

	if (dlen <= 1)
		return 0;
	name_text(name, len, n, sizeof(n));
	name_text(dom, dlen, d, sizeof(d));
	snprintf(dd, sizeof(dd), "%s%s", d, d);
	nn = strlen(n);
	nd = strlen(dd);
	return nn >= nd && strcasecmp(n + nn - nd, dd) == 0 &&
	    (nn == nd || n[nn - nd - 1] == '.');
}

static int
addr_is_self(const struct plan *p, const struct mail_addr *a)
{
	static const uint8_t v6lo[16] = { [15] = 1 };
	static const uint8_t zero[16];
	unsigned i;
	int lo;

	/* spec 2.5 step 6: loopback and the unspecified addresses are
	 * always this host (Exim counts 0.0.0.0 as local); a lab with MX
	 * hosts on loopback aliases lifts the loopback part. */
	lo = (p->o->flags & MAIL_ROUTE_LOOPBACK_OK) == 0;

	if (a->family == AF_INET && ((lo && a->a[0] == 127) ||
	    memcmp(a->a, zero, 4) == 0))
		return 1;
	if (a->family == AF_INET6 && ((lo && memcmp(a->a, v6lo, 16) == 0) ||
	    memcmp(a->a, zero, 16) == 0))
		return 1;
	for (i = 0; i < p->o->nself_addr; i++)
		if (p->o->self_addr[i].family == a->family &&
		    memcmp(p->o->self_addr[i].a, a->a,
		    a->family == AF_INET ? 4 : 16) == 0)
			return 1;
	return 0;
}

static int
name_is_self(const struct plan *p, const uint8_t *n, size_t len)
{
	unsigned i;

	/* Postfix matches its own addresses only, never names. */
	if (p->o->mta == MAIL_MTA_POSTFIX)
		return 0;
	for (i = 0; i < p->o->nself_name; i++)
		if (dns_name_equal(p->o->self_name[i], p->o->self_name_len[i],
		    n, len))
			return 1;
	return 0;
}

/* Adds the addresses of an A or AAAA result to h. */
static void
host_take(struct mail_host *h, const struct resolv_result *r, int family)
{
	unsigned i;
	size_t want = family == AF_INET ? 4 : 16;

	for (i = 0; i < r->nrr && h->naddr < MAIL_HOST_ADDRS; i++) {
		if (r->rr[i].len != want)
			continue;
		h->addr[h->naddr].family = family;
		memset(h->addr[h->naddr].a, 0, 16);
		memcpy(h->addr[h->naddr].a, resolv_rr_data(r, i), want);
		h->naddr++;
	}
}

/*
 * Spec 2.5 step 5: the A and AAAA of one target, CNAMEs followed. OK wins
 * over everything (an AAAA SERVFAIL beside a good A gives the A, with a
 * warning), then a temporary failure, then "not found".
 */
static int
resolve_host(struct plan *p, struct mail_host *h, int implicit)
{
	struct resolv_result *r;
	char t[DNS_NAME_TEXT_MAX];
	int fam, pass, temp = 0, nx = 0, loop = 0, asked = 0;
	static const int order[2] = { AF_INET6, AF_INET };

	name_text(h->name, h->nlen, t, sizeof(t));
	memcpy(h->canon, h->name, h->nlen);
	h->clen = h->nlen;
	h->st_a = h->st_aaaa = -1;
	for (pass = 0; pass < 2; pass++) {
		fam = order[pass];
		if ((fam == AF_INET && p->o->family == 6) ||
		    (fam == AF_INET6 && p->o->family == 4))
			continue;
		r = lookup(p, h->name, h->nlen,
		    fam == AF_INET ? DNS_TYPE_A : DNS_TYPE_AAAA);
		if (r == NULL)
			return MX_ENOMEM;
		asked++;
		if (fam == AF_INET)
			h->st_a = r->status;
		else
			h->st_aaaa = r->status;
		if (r->nalias > 0 && r->status != RESOLV_LOOP) {
			memcpy(h->canon, r->name, r->name_len);
			h->clen = r->name_len;
		}
		if (r->status == RESOLV_OK)
			host_take(h, r, fam);
		else if (resolv_status_temp(r->status))
			temp = 1;
		else if (r->status == RESOLV_NXDOMAIN)
			nx = 1;
		else if (r->status == RESOLV_LOOP)
			loop = 1;
		resolv_result_free(r);
	}
	if (!dns_name_equal(h->canon, h->clen, h->name, h->nlen) && !implicit) {
		char c[DNS_NAME_TEXT_MAX];

		name_text(h->canon, h->clen, c, sizeof(c));
		warn(p, "MX-TARGET-ALIAS", "MX target %s is an alias (CNAME) "
		    "for %s; RFC 2181 10.3 requires a host name with its own "
		    "address records", t, c);
	}
	if (h->naddr > 0) {
		h->status = MAIL_HOST_OK;
		if (temp)
			warn(p, "MX-TARGET-TEMPFAIL", "%s: one address lookup "
			    "failed temporarily (A %s, AAAA %s); using the "
			    "addresses that came back", t,
			    h->st_a < 0 ? "-" : resolv_status_name(h->st_a),
			    h->st_aaaa < 0 ? "-" :
			    resolv_status_name(h->st_aaaa));
		return 0;
	}
	if (temp)
		h->status = MAIL_HOST_TEMP;
	else if (loop)
		h->status = MAIL_HOST_LOOP;
	else if (nx)
		h->status = MAIL_HOST_NXDOMAIN;
	else if (asked < 2)
		h->status = MAIL_HOST_NOFAMILY;
	else
		h->status = MAIL_HOST_NOADDR;
	if (implicit)
		return 0;
	switch (h->status) {
	case MAIL_HOST_TEMP:
		warn(p, "MX-TARGET-TEMPFAIL", "%s: address lookup failed "
		    "temporarily", t);
		break;
	case MAIL_HOST_NXDOMAIN:
		warn(p, "MX-TARGET-NXDOMAIN", "MX target %s does not exist",
		    t);
		break;
	case MAIL_HOST_LOOP:
		warn(p, "MX-TARGET-LOOP", "MX target %s: CNAME loop or "
		    "chain longer than %d", t, RESOLV_CHAIN_MAX);
		break;
	case MAIL_HOST_NOFAMILY:
		warn(p, "MX-TARGET-NO-FAMILY", "MX target %s has no IPv%d "
		    "address", t, p->o->family);
		break;
	default:
		warn(p, "MX-TARGET-NO-ADDRESS", "MX target %s has no A or "
		    "AAAA record", t);
		break;
	}
	return 0;
}

/* Spec 2.5 steps 3-4 for the records of an MX answer. */
static int
take_mx(struct plan *p, const struct resolv_result *r)
{
	struct mail_route *rt = p->rt;
	const struct mail_route_opts *o = p->o;
	struct mail_host *h;
	char t[DNS_NAME_TEXT_MAX];
	unsigned i, j;
	int nulls = 0, localhost = 0;

	rt->nmx = r->nrr;
	for (i = 0; i < r->nrr && rt->nhost < MAIL_MX_MAX; i++) {
		const uint8_t *rd = resolv_rr_data(r, i);
		int nl;

		if (r->rr[i].len < 3)
			continue;
		nl = dns_name_wire_len(rd + 2, r->rr[i].len - 2u);
		if (nl <= 0)
			continue;
		h = &rt->host[rt->nhost++];
		memset(h, 0, sizeof(*h));
		h->pref = (uint16_t)(rd[0] << 8 | rd[1]);
		memcpy(h->name, rd + 2, (size_t)nl);
		h->nlen = (size_t)nl;
		dns_name_lower(h->name, h->nlen);
		h->st_a = h->st_aaaa = -1;
		h->status = MAIL_HOST_NOTTRIED;
		if (h->nlen == 1) {
			h->status = MAIL_HOST_NULL;
			nulls++;
		} else if (o->mta == MAIL_MTA_OPENSMTPD &&
		    dns_name_equal(h->name, h->nlen,
		    (const uint8_t *)"\011localhost", 11)) {
			/* OpenSMTPD treats "localhost" as a null MX. */
			h->status = MAIL_HOST_NULL;
			localhost++;
		}
	}
	/* R-1035-1: preferences are unsigned; a stable insertion sort keeps
	 * the DNS order of equal preferences for the shuffle to work on. */
	for (i = 1; i < rt->nhost; i++) {
		struct mail_host tmp = rt->host[i];

		for (j = i; j > 0 && rt->host[j - 1].pref > tmp.pref; j--)
			rt->host[j] = rt->host[j - 1];
		rt->host[j] = tmp;
	}
	if (nulls > 0) {
		int alone = (unsigned)nulls == rt->nhost;
		int zero = 0;

		for (i = 0; i < rt->nhost; i++)
			if (rt->host[i].status == MAIL_HOST_NULL &&
			    rt->host[i].nlen == 1 && rt->host[i].pref == 0)
				zero = 1;
		if (!alone)
			warn(p, "NULL-MX-MIXED", "the MX RRset mixes a null MX "
			    "(\".\") with other records, which RFC 7505 3 "
			    "forbids");
		if (!zero)
			warn(p, "NULL-MX-NONZERO-PREF", "null MX with a "
			    "preference other than 0 (RFC 7505 3)");
		switch (o->mta) {
		case MAIL_MTA_RFC:
			/* D1: any "." means the domain takes no mail. */
			rt->null_mx = 1;
			verdict(p, MAIL_BOUNCE, "5.1.10", 556, "domain "
			    "publishes a null MX: it accepts no mail "
			    "(RFC 7505)");
			return 1;
		case MAIL_MTA_POSTFIX:
			rt->null_mx = 1;
			verdict(p, MAIL_BOUNCE, "5.1.0", 0, "domain does not "
			    "accept mail (nullMX)");
			return 1;
		case MAIL_MTA_EXIM:
			if (alone) {
				rt->null_mx = 1;
				verdict(p, MAIL_BOUNCE, "5.1.10", 0, "an MX "
				    "record indicated no SMTP service");
				return 1;
			}
			break;
		case MAIL_MTA_OPENSMTPD:
			if (alone && zero) {
				rt->null_mx = 1;
				verdict(p, MAIL_BOUNCE, "5.1.10", 0, "domain "
				    "does not accept mail");
				return 1;
			}
			if (alone) {
				/* "10 ." is no null MX for OpenSMTPD: the
				 * empty name has no address. */
				verdict(p, MAIL_DEFER, "4.4.4", 0, "no MX "
				    "found for domain");
				return 1;
			}
			break;
		}
	}
	if (localhost > 0 && (unsigned)localhost == rt->nhost) {
		rt->null_mx = 1;
		verdict(p, MAIL_BOUNCE, "5.1.10", 0, "domain does not accept "
		    "mail (MX localhost)");
		return 1;
	}
	/* Exchanges that are no host names. */
	for (i = 0; i < rt->nhost; i++) {
		h = &rt->host[i];
		if (h->status == MAIL_HOST_NULL)
			continue;
		name_text(h->name, h->nlen, t, sizeof(t));
		if (mail_name_literal(h->name, h->nlen, &h->addr[0])) {
			h->status = MAIL_HOST_IPLIT;
			warn(p, "MX-TARGET-IP-LITERAL", "MX exchange %s is an "
			    "IP address; it must be a host name "
			    "(RFC 5321 5.1, RFC 1123 2.1)", t);
			/* D3: Postfix and OpenSMTPD connect to it as an
			 * address; no A query is ever made for it. */
			if (o->mta == MAIL_MTA_POSTFIX ||
			    o->mta == MAIL_MTA_OPENSMTPD) {
				h->naddr = 1;
				h->status = MAIL_HOST_OK;
			}
			continue;
		}
		if (!mail_name_ldh(h->name, h->nlen)) {
			h->status = MAIL_HOST_BADNAME;
			warn(p, "MX-TARGET-BAD-SYNTAX", "MX exchange %s is not "
			    "a valid host name (letters, digits, hyphens)", t);
			continue;
		}
		if (mail_name_doubled(h->name, h->nlen, rt->canon, rt->clen))
			warn(p, "MX-TARGET-SUSPECT-RELATIVE", "MX exchange %s "
			    "repeats the domain: a relative name where the "
			    "trailing dot was forgotten?", t);
		/* D5: the same host twice keeps its best preference
		 * (Exim); Postfix and OpenSMTPD keep both. */
		for (j = 0; j < i; j++)
			if (rt->host[j].status != MAIL_HOST_DUPLICATE &&
			    dns_name_equal(rt->host[j].name, rt->host[j].nlen,
			    h->name, h->nlen))
				break;
		if (j < i) {
			warn(p, "MX-DUPLICATE-HOST", "MX target %s appears "
			    "more than once", t);
			if (o->mta == MAIL_MTA_RFC || o->mta == MAIL_MTA_EXIM)
				h->status = MAIL_HOST_DUPLICATE;
		}
	}
	return 0;
}

/*
 * Spec 2.5 step 6 (R-5321-13): drop this host and everything at its
 * preference or worse. Returns 1 when a verdict was given.
 */
static int
apply_self(struct plan *p, uint16_t best_dns)
{
	struct mail_route *rt = p->rt;
	unsigned i, k, usable = 0;
	int found = 0;
	uint16_t selfpref = 0;
	char t[DNS_NAME_TEXT_MAX];

	for (i = 0; i < rt->nhost && !found; i++) {
		struct mail_host *h = &rt->host[i];

		if (h->status == MAIL_HOST_NULL ||
		    h->status == MAIL_HOST_DUPLICATE)
			continue;
		if (name_is_self(p, h->name, h->nlen))
			found = 1;
		for (k = 0; k < h->naddr && !found; k++)
			if (addr_is_self(p, &h->addr[k]))
				found = 1;
		if (found) {
			selfpref = h->pref;
			h->status = MAIL_HOST_SELF;
		}
	}
	if (!found)
		return 0;
	for (i = 0; i < rt->nhost; i++) {
		struct mail_host *h = &rt->host[i];

		if (h->status == MAIL_HOST_SELF)
			continue;
		if (h->pref >= selfpref && h->status != MAIL_HOST_NULL)
			h->status = h->status == MAIL_HOST_DUPLICATE ?
			    h->status : MAIL_HOST_BEHIND_SELF;
		else if (h->status == MAIL_HOST_OK)
			usable++;
	}
	if (usable > 0)
		return 0;
	name_text(rt->domain, rt->dlen, t, sizeof(t));
	if (selfpref == best_dns || rt->implicit)
		verdict(p, MAIL_BOUNCE, "5.4.6", 554, "mail for %s loops back "
		    "to myself", t);
	else
		verdict(p, MAIL_DEFER, "4.4.4", 451, "unable to find primary "
		    "relay for %s", t);
	return 1;
}

static void
shuffle(struct plan *p, unsigned *idx, unsigned n)
{
	unsigned i, j, tmp;

	for (i = n; i > 1; i--) {
		j = rng_below(&p->rng, i);
		tmp = idx[i - 1];
		idx[i - 1] = idx[j];
		idx[j] = tmp;
	}
}

static int
same_addr(const struct mail_addr *a, const struct mail_addr *b)
{
	return a->family == b->family && memcmp(a->a, b->a, 16) == 0;
}

/* Spec 2.5 step 8: order, dedupe, cap. */
static void
build_plan(struct plan *p)
{
	struct mail_route *rt = p->rt;
	const struct mail_route_opts *o = p->o;
	struct mail_plan_entry all[MAIL_MX_MAX];
	unsigned idx[MAIL_MX_MAX], n = 0, i, j, k, g, nall = 0;
	int first = o->prefer == 4 ? AF_INET : AF_INET6;

	for (i = 0; i < rt->nhost; i++)
		if (rt->host[i].status == MAIL_HOST_OK)
			idx[n++] = i;
	for (g = 0; g < n; g = k) {
		for (k = g; k < n && rt->host[idx[k]].pref ==
		    rt->host[idx[g]].pref; k++)
			;
		/* R-5321-11: equal preferences in random order, host by
		 * host (Exim, rfc); OpenSMTPD keeps the DNS order. */
		if (o->mta != MAIL_MTA_OPENSMTPD)
			shuffle(p, idx + g, k - g);
		for (i = g; i < k; i++) {
			struct mail_host *h = &rt->host[idx[i]];
			unsigned a[MAIL_HOST_ADDRS], b[MAIL_HOST_ADDRS];
			unsigned na = 0, nb = 0, x = 0, y = 0;

			for (j = 0; j < h->naddr; j++) {
				if (h->addr[j].family == first)
					a[na++] = j;
				else
					b[nb++] = j;
			}
			/* Families interleaved, the preferred first; a
			 * strict --prefer puts all of one before the other. */
			while ((x < na || y < nb) && nall < MAIL_MX_MAX) {
				if (x < na && (o->prefer != 0 || y >= nb ||
				    x <= y))
					j = a[x++];
				else
					j = b[y++];
				all[nall].host = idx[i];
				all[nall].addr = h->addr[j];
				nall++;
			}
		}
		/* Postfix shuffles addresses, not hosts, within a
		 * preference: reshuffle this group's addresses. */
		if (o->mta == MAIL_MTA_POSTFIX) {
			unsigned start = 0;

			for (j = 0; j < nall; j++)
				if (rt->host[all[j].host].pref ==
				    rt->host[idx[g]].pref)
					break;
			start = j;
			for (j = nall - start; j > 1; j--) {
				unsigned r = rng_below(&p->rng, j);
				struct mail_plan_entry tmp =
				    all[start + j - 1];

				all[start + j - 1] = all[start + r];
				all[start + r] = tmp;
			}
		}
	}
	/* D5: an address listed twice is tried once (rfc, Exim). */
	if (o->mta == MAIL_MTA_RFC || o->mta == MAIL_MTA_EXIM) {
		for (i = 0, j = 0; i < nall; i++) {
			for (k = 0; k < j; k++)
				if (same_addr(&all[k].addr, &all[i].addr))
					break;
			if (k == j)
				all[j++] = all[i];
		}
		nall = j;
	}
	rt->nplan_all = nall;
	/* The cap keeps both families when both exist (Postfix's
	 * smtp_balance_inet_protocols). */
	if (o->max_addrs == 0 || nall <= o->max_addrs) {
		memcpy(rt->plan, all, nall * sizeof(all[0]));
		rt->nplan = nall;
		return;
	}
	{
		unsigned n4 = 0, n6 = 0, k4, k6, cap = o->max_addrs;

		for (i = 0; i < nall; i++) {
			if (all[i].addr.family == AF_INET)
				n4++;
			else
				n6++;
		}
		if (n4 == 0 || n6 == 0) {
			k4 = n4 < cap ? n4 : cap;
			k6 = n6 < cap ? n6 : cap;
		} else {
			k6 = n6 < cap / 2 ? n6 : cap / 2;
			k4 = n4 < cap - k6 ? n4 : cap - k6;
			k6 = n6 < cap - k4 ? n6 : cap - k4;
		}
		rt->nplan = 0;
		for (i = 0; i < nall; i++) {
			unsigned *left = all[i].addr.family == AF_INET ?
			    &k4 : &k6;

			if (*left == 0)
				continue;
			(*left)--;
			rt->plan[rt->nplan++] = all[i];
		}
	}
}

/* Spec 2.5 step 7: no address at all. */
static void
no_address(struct plan *p)
{
	struct mail_route *rt = p->rt;
	unsigned i;
	int temp = 0;
	char t[DNS_NAME_TEXT_MAX];

	for (i = 0; i < rt->nhost; i++)
		if (rt->host[i].status == MAIL_HOST_TEMP)
			temp = 1;
	name_text(rt->domain, rt->dlen, t, sizeof(t));
	if (temp) {
		verdict(p, MAIL_DEFER, "4.4.3", 451, "%s: address lookup of "
		    "the mail hosts failed temporarily", t);
		return;
	}
	if (p->o->mta == MAIL_MTA_OPENSMTPD) {
		verdict(p, MAIL_DEFER, "4.4.4", 0, "no MX found for domain "
		    "%s (OpenSMTPD queues)", t);
		return;
	}
	if (rt->implicit)
		verdict(p, MAIL_BOUNCE, "5.4.4", 550, "%s has no MX and no "
		    "address record", t);
	else
		verdict(p, MAIL_BOUNCE, "5.4.4", 550, "no MX host for %s has "
		    "a usable address record", t);
}

int
mail_route_plan(const struct mail_route_opts *o, const uint8_t *domain,
    size_t dlen, mail_lookup_fn *lk, void *ud, struct mail_route *rt)
{
	struct plan p;
	struct resolv_result *r;
	struct mail_host *h;
	char t[DNS_NAME_TEXT_MAX], c[DNS_NAME_TEXT_MAX];
	unsigned i;
	int st, rv;
	uint16_t best = 0;

	memset(rt, 0, sizeof(*rt));
	memset(&p, 0, sizeof(p));
	p.o = o;
	p.rt = rt;
	p.lk = lk;
	p.ud = ud;
	p.rng = o->seed;
	memcpy(rt->domain, domain, dlen);
	rt->dlen = dlen;
	memcpy(rt->canon, domain, dlen);
	rt->clen = dlen;
	name_text(domain, dlen, t, sizeof(t));

	/* Step 2: MX first (R-5321-2). */
	r = lookup(&p, domain, dlen, DNS_TYPE_MX);
	if (r == NULL)
		return MX_ENOMEM;
	st = rt->mx_status = r->status;
	if (r->nalias > 0 && st != RESOLV_LOOP) {
		memcpy(rt->canon, r->name, r->name_len);
		rt->clen = r->name_len;
		name_text(rt->canon, rt->clen, c, sizeof(c));
		warn(&p, "DOMAIN-IS-ALIAS", "%s is an alias (CNAME) for %s",
		    t, c);
		if (o->mta == MAIL_MTA_EXIM)
			warn(&p, "EXIM-REROUTE", "Exim reroutes the address "
			    "to the canonical domain %s", c);
	}
	if (st == RESOLV_OK) {
		rv = take_mx(&p, r);
		resolv_result_free(r);
		if (rv != 0)
			return 0;
	} else if (st == RESOLV_NODATA) {
		/* R-5321-5: no MX, the domain itself at preference 0. */
		resolv_result_free(r);
		rt->implicit = 1;
		h = &rt->host[rt->nhost++];
		memset(h, 0, sizeof(*h));
		memcpy(h->name, rt->canon, rt->clen);
		h->nlen = rt->clen;
		h->st_a = h->st_aaaa = -1;
	} else if (st == RESOLV_NXDOMAIN && o->mta == MAIL_MTA_POSTFIX) {
		/* Postfix does not tell NXDOMAIN from NODATA here: it tries
		 * the address records, which fail the same way. */
		resolv_result_free(r);
		rt->implicit = 1;
		h = &rt->host[rt->nhost++];
		memset(h, 0, sizeof(*h));
		memcpy(h->name, rt->canon, rt->clen);
		h->nlen = rt->clen;
		h->st_a = h->st_aaaa = -1;
	} else {
		int err = r->err;

		resolv_result_free(r);
		if (st == RESOLV_NXDOMAIN) {
			verdict(&p, MAIL_BOUNCE, "5.1.2", 550, "domain %s does "
			    "not exist", t);
		} else if (st == RESOLV_LOOP) {
			verdict(&p, MAIL_BOUNCE, "5.4.4", 550, "MX lookup for %s: "
			    "CNAME loop or chain too long", t);
		} else if (st == RESOLV_SERVFAIL || st == RESOLV_TIMEOUT ||
		    st == RESOLV_MALFORMED || st == RESOLV_TRUNCATED ||
		    st == RESOLV_NETWORK || st == RESOLV_REFERRAL ||
		    o->mta == MAIL_MTA_RFC ||
		    o->mta == MAIL_MTA_EXIM) {
			/* R-5321-4: queue and retry; never the A records. */
			verdict(&p, MAIL_DEFER, "4.4.3", 451, "MX lookup for %s "
			    "failed temporarily: %s%s%s", t,
			    resolv_status_text(st), err ? ", " : "",
			    err ? mx_strerror(err) : "");
		} else if (o->mta == MAIL_MTA_POSTFIX) {
			verdict(&p, MAIL_BOUNCE, "5.4.3", 550, "MX lookup for %s: "
			    "%s (non-recoverable, Postfix bounces)", t,
			    resolv_status_text(st));
		} else {
			verdict(&p, MAIL_BOUNCE, "5.1.2", 550, "MX lookup for %s: "
			    "invalid domain name (%s)", t,
			    resolv_status_text(st));
		}
		return 0;
	}

	/* Step 5: the addresses of each usable target. */
	for (i = 0; i < rt->nhost; i++) {
		h = &rt->host[i];
		if (h->status != MAIL_HOST_NOTTRIED && !rt->implicit)
			continue;
		if ((rv = resolve_host(&p, h, rt->implicit)) != 0)
			return rv;
	}
	if (rt->nhost > 0)
		best = rt->host[0].pref;
	/* Step 6: the mail-loop rule. */
	if (apply_self(&p, best))
		return 0;
	/* Step 8, then step 7 if nothing is left. */
	build_plan(&p);
	if (rt->nplan == 0) {
		no_address(&p);
		return 0;
	}
	verdict(&p, MAIL_DELIVER, NULL, 0, "%u address%s to try", rt->nplan,
	    rt->nplan == 1 ? "" : "es");
	return 0;
}
