/* audit.c -- mxkit check, the facts: every query of one domain's audit, asynchronously on the resolver engine */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "mxkit/audit.h"
#include "mxkit/err.h"
#include "mxkit/policy.h"
#include "util/cur.h"

/*
 * One audit is a set of queries in flight. Each answer may start more
 * (MX -> A/AAAA -> PTR -> forward; NS -> addresses -> direct MX and SOA);
 * when the last one is back the facts are evaluated and the report is
 * handed over. Nothing here blocks, so a bulk run keeps thousands of
 * audits on one engine.
 */
struct audit_job {
	struct resolv_engine *e;
	const struct audit_opts *o;
	struct audit_report *r;
	audit_done_fn *fn;
	void *ud;
	unsigned pending;
	/* SPF include/redirect targets already asked (RFC 7208 4.6.4 caps
	 * the walk at 10 lookups anyway; this stops loops). */
	uint8_t spf_seen[AUDIT_SPF_LOOKUPS + 1][DNS_NAME_MAX];
	size_t spf_seen_len[AUDIT_SPF_LOOKUPS + 1];
	unsigned nspf_seen;
};

struct ask;
typedef void ask_fn(struct audit_job *j, struct resolv_result *res,
    const struct ask *a);

struct ask {
	struct audit_job *j;
	ask_fn *fn;
	int i, k, m;		/* host/ns, address, PTR name */
	int fam;		/* AF_INET / AF_INET6 */
};

/* Hosts index -1: the domain itself (implicit MX); -2: --sending-ip. */
#define HOST_SELF	(-1)
#define HOST_SENDING	(-2)

static void job_finish(struct audit_job *j);

static void
ask_done(struct resolv_result *res, void *ud)
{
	struct ask *a = ud;
	struct audit_job *j = a->j;

	if (res == NULL) {
		/* The engine is being freed: the audit is dropped, its
		 * report with it, and no callback says so. */
		free(a);
		if (--j->pending == 0) {
			audit_report_free(j->r);
			free(j);
		}
		return;
	}
	j->r->queries += res->queries;
	a->fn(j, res, a);
	resolv_result_free(res);
	free(a);
	if (--j->pending == 0)
		job_finish(j);
}

/* Starts one query for the job; srv NULL: the configured servers. */
static void
ask(struct audit_job *j, const struct resolv_server *srv, const uint8_t *name,
    size_t len, uint16_t qtype, unsigned flags, ask_fn *fn, int i, int k,
    int m, int fam)
{
	struct ask *a = malloc(sizeof(*a));
	int rv;

	if (a == NULL) {
		j->r->oom = 1;
		return;
	}
	a->j = j;
	a->fn = fn;
	a->i = i;
	a->k = k;
	a->m = m;
	a->fam = fam;
	if (srv != NULL)
		rv = resolv_engine_query_to(j->e, srv, name, len, qtype,
		    flags, ask_done, a);
	else
		rv = resolv_engine_query(j->e, name, len, qtype, flags,
		    ask_done, a);
	if (rv != 0) {
		free(a);
		if (rv == MX_ENOMEM)
			j->r->oom = 1;
		return;
	}
	j->pending++;
}

static int
skip(const struct audit_job *j, const char *id)
{
	const struct audit_check *c = audit_check_find(id);

	return c != NULL && audit_skipped(j->o, c);
}

static int
skip_group(const struct audit_job *j, const char *group)
{
	unsigned i;

	for (i = 0; i < j->o->nskip; i++)
		if (strcasecmp(j->o->skip[i], group) == 0)
			return 1;
	return 0;
}

static struct audit_host *
host_of(struct audit_job *j, int i)
{
	return i == HOST_SELF ? &j->r->self : &j->r->host[i];
}

static struct audit_addr *
addr_of(struct audit_job *j, int i, int k)
{
	return i == HOST_SENDING ? &j->r->sending[k] :
	    &host_of(j, i)->addr[k];
}

/* The name of record n of res (a PTR or NS target), lowercased; its
 * length, or 0 when it is not a name. */
static size_t
rdata_name(const struct resolv_result *res, unsigned n,
    uint8_t out[DNS_NAME_MAX])
{
	int len = dns_name_wire_len(resolv_rr_data(res, n), res->rr[n].len);

	if (len <= 0)
		return 0;
	memcpy(out, resolv_rr_data(res, n), (size_t)len);
	dns_name_lower(out, (size_t)len);
	return (size_t)len;
}

/* PTR target: its forward address of the same family (RFC 8601 3). */
static void
on_fwd(struct audit_job *j, struct resolv_result *res, const struct ask *a)
{
	struct audit_addr *ad = addr_of(j, a->i, a->k);
	struct audit_ptr *p = &ad->ptr[a->m];
	size_t want = ad->a.family == AF_INET ? 4 : 16;
	unsigned n;

	p->fwd_status = res->status;
	p->alias = res->nalias > 0;
	for (n = 0; n < res->nrr; n++) {
		if (res->rr[n].len != want)
			continue;
		if (memcmp(resolv_rr_data(res, n), ad->a.a, want) == 0)
			p->match = 1;
		else if (p->got.family == 0) {
			p->got.family = ad->a.family;
			memcpy(p->got.a, resolv_rr_data(res, n), want);
		}
	}
}

static void
on_ptr(struct audit_job *j, struct resolv_result *res, const struct ask *a)
{
	struct audit_addr *ad = addr_of(j, a->i, a->k);
	unsigned n;

	ad->ptr_status = res->status;
	if (res->nrr == 0 || ad->ptr != NULL)
		return;
	ad->ptr = calloc(res->nrr < AUDIT_PTRS_MAX ? res->nrr :
	    AUDIT_PTRS_MAX, sizeof(*ad->ptr));
	if (ad->ptr == NULL) {
		j->r->oom = 1;
		return;
	}
	for (n = 0; n < res->nrr && ad->nptr < AUDIT_PTRS_MAX; n++) {
		struct audit_ptr *p = &ad->ptr[ad->nptr];

		memset(p, 0, sizeof(*p));
		if ((p->nlen = rdata_name(res, n, p->name)) == 0)
			continue;
		p->fwd_status = -1;
		/* A numeric PTR name is never looked up (spec P13). */
		if (!mail_name_literal(p->name, p->nlen, &(struct mail_addr){ 0 }))
			ask(j, NULL, p->name, p->nlen, ad->a.family == AF_INET ?
			    DNS_TYPE_A : DNS_TYPE_AAAA, RESOLV_Q_CHASE, on_fwd,
			    a->i, a->k, (int)ad->nptr, 0);
		ad->nptr++;
	}
}

static void
ask_ptr(struct audit_job *j, int i, int k)
{
	struct audit_addr *ad = addr_of(j, i, k);
	uint8_t rev[DNS_NAME_MAX];
	size_t len = 0;

	ad->ptr_status = -1;
	ad->pass = -1;
	/* in-addr.arpa, or ip6.arpa with all 32 nibbles (RFC 3596 2.5) */
	if (mail_addr_reverse(&ad->a, rev, &len) != 0 || skip_group(j, "ptr"))
		return;
	ask(j, NULL, rev, len, DNS_TYPE_PTR, RESOLV_Q_CHASE, on_ptr, i, k, 0,
	    0);
}

static void
on_addr(struct audit_job *j, struct resolv_result *res, const struct ask *a)
{
	struct audit_host *h = host_of(j, a->i);
	size_t want = a->fam == AF_INET ? 4 : 16;
	unsigned n, got = 0;

	if (a->fam == AF_INET)
		h->st_a = res->status;
	else
		h->st_aaaa = res->status;
	if (res->nalias > 0 && res->status != RESOLV_LOOP) {
		memcpy(h->canon, res->name, res->name_len);
		h->clen = res->name_len;
	}
	for (n = 0; n < res->nrr && got < AUDIT_ADDRS_MAX &&
	    h->naddr < 2 * AUDIT_ADDRS_MAX; n++) {
		struct audit_addr *ad;

		if (res->rr[n].len != want)
			continue;
		ad = &h->addr[h->naddr];
		memset(ad, 0, sizeof(*ad));
		ad->a.family = a->fam;
		memcpy(ad->a.a, resolv_rr_data(res, n), want);
		ask_ptr(j, a->i, (int)h->naddr);
		h->naddr++;
		got++;
	}
}

static void
on_tlsa(struct audit_job *j, struct resolv_result *res, const struct ask *a)
{
	j->r->host[a->i].tlsa_status = res->status;
}

static void
ask_host(struct audit_job *j, int i)
{
	struct audit_host *h = host_of(j, i);

	memcpy(h->canon, h->name, h->nlen);
	h->clen = h->nlen;
	ask(j, NULL, h->name, h->nlen, DNS_TYPE_A, RESOLV_Q_CHASE, on_addr, i,
	    0, 0, AF_INET);
	ask(j, NULL, h->name, h->nlen, DNS_TYPE_AAAA, RESOLV_Q_CHASE, on_addr,
	    i, 0, 0, AF_INET6);
	if (i >= 0 && !skip_group(j, "tlsa")) {
		uint8_t t[DNS_NAME_MAX];

		/* RFC 7672 3: TLSA at _25._tcp.<MX host>. */
		if (h->nlen + 9 <= DNS_NAME_MAX) {
			memcpy(t, "\003_25\004_tcp", 9);
			memcpy(t + 9, h->name, h->nlen);
			ask(j, NULL, t, h->nlen + 9, DNS_TYPE_TLSA, 0,
			    on_tlsa, i, 0, 0, 0);
		}
	}
}

/* "10 mx.example.org." sorted and joined: an MX RRset to compare. */
static void
mxset_text(const struct resolv_result *res, char *out, size_t cap)
{
	char (*items)[DNS_NAME_TEXT_MAX + 8];
	char t[DNS_NAME_TEXT_MAX];
	unsigned n, m, i, j;
	size_t off = 0;

	out[0] = '\0';
	/* 100 names of up to 1021 characters: too big for a callback's
	 * stack. */
	items = malloc(RESOLV_RR_MAX * sizeof(*items));
	if (items == NULL)
		return;

	for (n = 0, m = 0; n < res->nrr && m < RESOLV_RR_MAX; n++) {
		const uint8_t *rd = resolv_rr_data(res, n);
		uint8_t nm[DNS_NAME_MAX];
		int len;

		if (res->rr[n].len < 3)
			continue;
		len = dns_name_wire_len(rd + 2, res->rr[n].len - 2u);
		if (len <= 0)
			continue;
		memcpy(nm, rd + 2, (size_t)len);
		dns_name_lower(nm, (size_t)len);
		if (dns_name_to_text(nm, (size_t)len, t, sizeof(t)) < 0)
			continue;
		snprintf(items[m++], sizeof(items[0]), "%u %s",
		    (unsigned)(rd[0] << 8 | rd[1]), t);
	}
	for (i = 1; i < m; i++)
		for (j = i; j > 0 && strcmp(items[j - 1], items[j]) > 0; j--) {
			char tmp[sizeof(items[0])];

			memcpy(tmp, items[j], sizeof(tmp));
			memcpy(items[j], items[j - 1], sizeof(tmp));
			memcpy(items[j - 1], tmp, sizeof(tmp));
		}
	for (i = 0; i < m && off < cap; i++)
		off += (size_t)snprintf(out + off, cap - off, "%s%s",
		    i ? ", " : "", items[i]);
	free(items);
}

static void
on_ns_mx(struct audit_job *j, struct resolv_result *res, const struct ask *a)
{
	struct audit_nsaddr *na = &j->r->ns[a->i].addr[a->k];

	na->mx_status = res->status;
	na->aa = (res->flags & DNS_FLAG_AA) != 0;
	mxset_text(res, na->mxset, sizeof(na->mxset));
}

static void
on_ns_soa(struct audit_job *j, struct resolv_result *res, const struct ask *a)
{
	struct audit_nsaddr *na = &j->r->ns[a->i].addr[a->k];
	size_t off, len;

	na->soa_status = res->status;
	if (res->status == RESOLV_OK && dns_rdata_field(DNS_TYPE_SOA,
	    resolv_rr_data(res, 0), res->rr[0].len, 2, &off, &len) == 0 &&
	    len == 4) {
		const uint8_t *p = resolv_rr_data(res, 0) + off;

		na->serial = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	}
}

static void
on_ns_addr(struct audit_job *j, struct resolv_result *res,
    const struct ask *a)
{
	struct audit_ns *ns = &j->r->ns[a->i];
	size_t want = a->fam == AF_INET ? 4 : 16;
	unsigned n;

	if (a->fam == AF_INET)
		ns->st_a = res->status;
	else
		ns->st_aaaa = res->status;
	for (n = 0; n < res->nrr && ns->naddr < AUDIT_NSADDR_MAX; n++) {
		struct audit_nsaddr *na;
		struct resolv_server s;
		struct sockaddr_in *sin = (struct sockaddr_in *)&s.sa;
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&s.sa;

		if (res->rr[n].len != want)
			continue;
		na = &ns->addr[ns->naddr];
		memset(na, 0, sizeof(*na));
		na->a.family = a->fam;
		memcpy(na->a.a, resolv_rr_data(res, n), want);
		na->mx_status = na->soa_status = -1;
		memset(&s, 0, sizeof(s));
		if (a->fam == AF_INET) {
			sin->sin_family = AF_INET;
			sin->sin_port = htons(j->o->ns_port);
			memcpy(&sin->sin_addr, na->a.a, 4);
			s.salen = sizeof(*sin);
		} else {
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons(j->o->ns_port);
			memcpy(&sin6->sin6_addr, na->a.a, 16);
			s.salen = sizeof(*sin6);
		}
		/* Asked directly, without recursion (Zonemaster ZONE09). */
		ask(j, &s, j->r->domain, j->r->dlen, DNS_TYPE_MX,
		    RESOLV_Q_NORD, on_ns_mx, a->i, (int)ns->naddr, 0, 0);
		ask(j, &s, j->r->zone, j->r->zlen, DNS_TYPE_SOA,
		    RESOLV_Q_NORD, on_ns_soa, a->i, (int)ns->naddr, 0, 0);
		ns->naddr++;
	}
}

static void
on_ns(struct audit_job *j, struct resolv_result *res, const struct ask *a)
{
	struct audit_report *r = j->r;
	size_t off;
	unsigned n;

	(void)a;
	r->ns_status = res->status;
	if (res->status == RESOLV_NODATA && r->zlen > 1) {
		/* Not the apex: the zone is further up. */
		off = dns_name_parent(r->zone, r->zlen);
		memmove(r->zone, r->zone + off, r->zlen - off);
		r->zlen -= off;
		if (dns_name_labels(r->zone, r->zlen) >= 1)
			ask(j, NULL, r->zone, r->zlen, DNS_TYPE_NS, 0, on_ns,
			    0, 0, 0, 0);
		return;
	}
	if (res->status != RESOLV_OK || r->ns != NULL || res->nrr == 0)
		return;
	r->ns = calloc(res->nrr < AUDIT_NS_MAX ? res->nrr : AUDIT_NS_MAX,
	    sizeof(*r->ns));
	if (r->ns == NULL) {
		r->oom = 1;
		return;
	}
	for (n = 0; n < res->nrr && r->nns < AUDIT_NS_MAX; n++) {
		struct audit_ns *ns = &r->ns[r->nns];

		memset(ns, 0, sizeof(*ns));
		if ((ns->nlen = rdata_name(res, n, ns->name)) == 0)
			continue;
		ns->st_a = ns->st_aaaa = -1;
		ask(j, NULL, ns->name, ns->nlen, DNS_TYPE_A, RESOLV_Q_CHASE,
		    on_ns_addr, (int)r->nns, 0, 0, AF_INET);
		ask(j, NULL, ns->name, ns->nlen, DNS_TYPE_AAAA, RESOLV_Q_CHASE,
		    on_ns_addr, (int)r->nns, 0, 0, AF_INET6);
		r->nns++;
	}
}

/* The character-strings of a TXT rdata, concatenated (RFC 7208 3.3). */
static size_t
txt_join(const uint8_t *rd, size_t len, char *out, size_t cap)
{
	size_t i = 0, n = 0, l;

	while (i < len) {
		l = rd[i++];
		if (l > len - i)
			l = len - i;
		if (n + l >= cap)
			l = cap - 1 - n;
		memcpy(out + n, rd + i, l);
		n += l;
		i += rd[i - 1];
	}
	out[n] = '\0';
	return n;
}

/* Length of a TXT rdata's joined character-strings. */
static size_t
txt_len(const uint8_t *rd, size_t len)
{
	struct cur c;
	size_t n = 0;
	uint8_t l;

	cur_init(&c, rd, len);
	while (cur_left(&c) > 0) {
		l = cur_u8(&c);
		cur_skip(&c, l);
		if (c.err != 0)
			break;
		n += l;
	}
	return n;
}

/* Keeps the TXT records that start with prefix (case-insensitive). */
static void
take_txt(struct audit_txt *t, const struct resolv_result *res,
    const char *prefix, const char *seps)
{
	char buf[AUDIT_TXT_MAX];
	size_t pl = strlen(prefix), n;
	unsigned k;

	t->status = res->status;
	for (k = 0; k < res->nrr; k++) {
		n = txt_join(resolv_rr_data(res, k), res->rr[k].len, buf,
		    sizeof(buf));
		/* The version tag, then one of seps or the end: "v=spf1"
		 * and a space (RFC 7208 4.5), "v=DMARC1" and ";" too. */
		if (n < pl || strncasecmp(buf, prefix, pl) != 0 ||
		    (n > pl && strchr(seps, buf[pl]) == NULL))
			continue;
		if (t->nrec++ == 0) {
			memcpy(t->text, buf, n + 1);
			t->cut = txt_len(resolv_rr_data(res, k),
			    res->rr[k].len) >= sizeof(buf);
		}
	}
}

static void spf_follow(struct audit_job *j, const char *txt);

/* A record reached by include: or redirect=: its own terms count too. */
static void
on_spf_include(struct audit_job *j, struct resolv_result *res,
    const struct ask *a)
{
	struct audit_report *r = j->r;
	struct audit_txt t;
	char name[DNS_NAME_TEXT_MAX];

	memset(&t, 0, sizeof(t));
	take_txt(&t, res, "v=spf1", " ");
	if (t.nrec == 1 && !t.cut) {
		r->spf_records++;
		spf_follow(j, t.text);
		return;
	}
	/* RFC 7208 5.2: an include without exactly one record is a
	 * permerror (a temporary failure a temperror). */
	if (r->spf_fail[0] == '\0' && a->i < (int)j->nspf_seen &&
	    dns_name_to_text(j->spf_seen[a->i], j->spf_seen_len[a->i], name,
	    sizeof(name)) > 0)
		snprintf(r->spf_fail, sizeof(r->spf_fail), "%s: %s", name,
		    t.nrec > 1 ? "more than one SPF record" :
		    res->status == RESOLV_OK || res->status == RESOLV_NODATA ?
		    "no SPF record" : resolv_status_text(res->status));
}

/* Adds a record's lookups and asks for the records its targets lead to,
 * while the total stays within the limit. */
static void
spf_follow(struct audit_job *j, const char *txt)
{
	struct audit_report *r = j->r;
	struct mail_spf *spf = malloc(sizeof(*spf));
	unsigned k, m;

	if (spf == NULL) {
		r->oom = 1;
		return;
	}
	mail_spf_parse(txt, strlen(txt), spf);
	r->spf_lookups += spf->lookups;
	for (k = 0; k < spf->ntarget && r->spf_lookups <= AUDIT_SPF_LOOKUPS &&
	    j->nspf_seen <= AUDIT_SPF_LOOKUPS; k++) {
		uint8_t n[DNS_NAME_MAX];
		size_t nl;
		const char *d = spf->target[k].domain;

		if (spf->target[k].macro || spf->target[k].cut ||
		    dns_name_from_text(d, strlen(d), (const uint8_t *)"", 1, n,
		    &nl, NULL) != 0)
			continue;
		dns_name_lower(n, nl);
		for (m = 0; m < j->nspf_seen; m++)
			if (dns_name_equal(j->spf_seen[m], j->spf_seen_len[m], n,
			    nl))
				break;
		if (m < j->nspf_seen)
			continue;
		memcpy(j->spf_seen[j->nspf_seen], n, nl);
		j->spf_seen_len[j->nspf_seen] = nl;
		ask(j, NULL, n, nl, DNS_TYPE_TXT, RESOLV_Q_CHASE,
		    on_spf_include, (int)j->nspf_seen, 0, 0, 0);
		j->nspf_seen++;
	}
	free(spf);
}

static void
on_spf(struct audit_job *j, struct resolv_result *res, const struct ask *a)
{
	(void)a;
	take_txt(&j->r->spf, res, "v=spf1", " ");
	/* Exactly one record to evaluate (RFC 7208 4.5). */
	if (j->r->spf.nrec == 1 && !j->r->spf.cut) {
		j->r->spf_records = 1;
		spf_follow(j, j->r->spf.text);
	}
}

static void
on_dmarc(struct audit_job *j, struct resolv_result *res, const struct ask *a)
{
	(void)a;
	take_txt(&j->r->dmarc, res, "v=DMARC1", " ;");
}

static void
on_mtasts(struct audit_job *j, struct resolv_result *res, const struct ask *a)
{
	(void)a;
	take_txt(&j->r->mtasts, res, "v=STSv1", " ;");
}

static void
on_tlsrpt(struct audit_job *j, struct resolv_result *res, const struct ask *a)
{
	(void)a;
	take_txt(&j->r->tlsrpt, res, "v=TLSRPTv1", " ;");
}

static void
on_wildcard(struct audit_job *j, struct resolv_result *res,
    const struct ask *a)
{
	(void)a;
	j->r->wildcard_status = res->status;
}

/* prefix (wire labels, no root) + domain */
static void
ask_under(struct audit_job *j, const char *prefix, size_t plen,
    uint16_t qtype, ask_fn *fn)
{
	uint8_t n[DNS_NAME_MAX];

	if (plen + j->r->dlen > DNS_NAME_MAX)
		return;
	memcpy(n, prefix, plen);
	memcpy(n + plen, j->r->domain, j->r->dlen);
	ask(j, NULL, n, plen + j->r->dlen, qtype, RESOLV_Q_CHASE, fn, 0, 0, 0,
	    0);
}

/* The records of the MX answer, as route reads them (spec 2.5 step 4). */
static void
take_hosts(struct audit_job *j, const struct resolv_result *res)
{
	struct audit_report *r = j->r;
	unsigned n, i, k, nord;
	unsigned order[RESOLV_RR_MAX];
	uint16_t prefs[RESOLV_RR_MAX];
	struct mail_addr lit;

	r->nmx = res->nrr;
	/* Allocated to fit: a report stays small in a bulk window. */
	r->host = calloc(res->nrr < AUDIT_HOSTS_MAX ? res->nrr :
	    AUDIT_HOSTS_MAX, sizeof(*r->host));
	if (r->host == NULL) {
		r->oom = 1;
		return;
	}
	for (n = 1; n < res->nrr; n++)
		if (res->rr[n].ttl != res->rr[0].ttl)
			r->mx_ttl_mixed = 1;
	/* R-1035-1: sort by unsigned preference (stable) before keeping the
	 * first AUDIT_HOSTS_MAX, so that a long RRset never loses its best
	 * MX. */
	for (n = 0, nord = 0; n < res->nrr; n++) {
		struct cur c;
		uint16_t pref;

		cur_init(&c, resolv_rr_data(res, n), res->rr[n].len);
		pref = cur_u16(&c);
		if (c.err != 0 || dns_name_wire_len(c.p + c.off,
		    cur_left(&c)) <= 0)
			continue;
		for (k = nord; k > 0 && prefs[k - 1] > pref; k--) {
			order[k] = order[k - 1];
			prefs[k] = prefs[k - 1];
		}
		order[k] = n;
		prefs[k] = pref;
		nord++;
	}
	for (i = 0; i < nord && r->nhost < AUDIT_HOSTS_MAX; i++) {
		const uint8_t *rd = resolv_rr_data(res, order[i]);
		struct audit_host *h;
		int len = dns_name_wire_len(rd + 2, res->rr[order[i]].len - 2u);

		if (len <= 0)
			continue;	/* checked above; keeps gcc sure */
		h = &r->host[r->nhost++];
		memset(h, 0, sizeof(*h));
		h->pref = prefs[i];
		memcpy(h->name, rd + 2, (size_t)len);
		h->nlen = (size_t)len;
		dns_name_lower(h->name, h->nlen);
		memcpy(h->canon, h->name, h->nlen);
		h->clen = h->nlen;
		h->st_a = h->st_aaaa = h->tlsa_status = -1;
		h->kind = MAIL_HOST_OK;
		if (h->nlen == 1)
			h->kind = MAIL_HOST_NULL;
		else if (mail_name_literal(h->name, h->nlen, &lit))
			h->kind = MAIL_HOST_IPLIT;
		else {
			int hc = mail_hostname_check(h->name, h->nlen);

			/* An underscore alone is looked up (Postfix takes
			 * it) and reported as a warning. */
			if (hc == MAIL_HOSTNAME_IP_LITERAL)
				h->kind = MAIL_HOST_IPLIT;
			else if (hc != MAIL_HOSTNAME_OK &&
			    hc != MAIL_HOSTNAME_UNDERSCORE)
				h->kind = MAIL_HOST_BADNAME;
		}
	}
	for (i = 0; i < r->nhost; i++)
		for (k = 0; k < i; k++)
			if (r->host[i].kind == MAIL_HOST_OK &&
			    dns_name_equal(r->host[k].name, r->host[k].nlen,
			    r->host[i].name, r->host[i].nlen))
				r->host[i].kind = MAIL_HOST_DUPLICATE;
}

static void
on_mx(struct audit_job *j, struct resolv_result *res, const struct ask *a)
{
	struct audit_report *r = j->r;
	unsigned i;
	int nulls = 0;

	(void)a;
	r->mx_status = res->status;
	r->mx_tcp = res->tcp;
	if (res->nalias > 0 && res->status != RESOLV_LOOP) {
		memcpy(r->canon, res->name, res->name_len);
		r->clen = res->name_len;
	}
	if (j->o->flags & AUDIT_ONLY_MX) {
		if (res->status == RESOLV_OK)
			take_hosts(j, res);
		return;
	}
	if (res->status == RESOLV_OK) {
		take_hosts(j, res);
		for (i = 0; i < r->nhost; i++)
			nulls += r->host[i].kind == MAIL_HOST_NULL;
		/* A null MX is the whole answer: no host is looked up. */
		if (nulls == 0)
			for (i = 0; i < r->nhost; i++)
				if (r->host[i].kind == MAIL_HOST_OK)
					ask_host(j, (int)i);
	} else if (res->status == RESOLV_NODATA) {
		r->implicit = 1;
		memset(&r->self, 0, sizeof(r->self));
		memcpy(r->self.name, r->canon, r->clen);
		r->self.nlen = r->clen;
		r->self.st_a = r->self.st_aaaa = r->self.tlsa_status = -1;
		r->self.kind = MAIL_HOST_OK;
		ask_host(j, HOST_SELF);
	} else
		return;	/* NXDOMAIN or a failure: nothing else to prove */
	if (!skip_group(j, "ns")) {
		memcpy(r->zone, r->canon, r->clen);
		r->zlen = r->clen;
		ask(j, NULL, r->zone, r->zlen, DNS_TYPE_NS, 0, on_ns, 0, 0, 0,
		    0);
	}
	if (!skip_group(j, "spf") && !skip_group(j, "policy"))
		ask(j, NULL, r->domain, r->dlen, DNS_TYPE_TXT, RESOLV_Q_CHASE,
		    on_spf, 0, 0, 0, 0);
	if (!skip_group(j, "dmarc") && !skip_group(j, "policy"))
		ask_under(j, "\006_dmarc", 7, DNS_TYPE_TXT, on_dmarc);
	if (!skip_group(j, "mta-sts") && !skip_group(j, "policy"))
		ask_under(j, "\010_mta-sts", 9, DNS_TYPE_TXT, on_mtasts);
	if (!skip_group(j, "tls-rpt") && !skip_group(j, "policy"))
		ask_under(j, "\005_smtp\004_tls", 11, DNS_TYPE_TXT, on_tlsrpt);
	if (!skip(j, "MX-WILDCARD")) {
		char label[32];
		uint32_t rnd = 0;

		/* A name nobody uses: an MX there comes from a wildcard. */
		if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) < 0)
			rnd = 0x6d786b74;
		snprintf(label + 1, sizeof(label) - 1, "mxkit-probe-%08x",
		    rnd);
		label[0] = (char)strlen(label + 1);
		ask_under(j, label, (size_t)label[0] + 1, DNS_TYPE_MX,
		    on_wildcard);
	}
}

/* IPv4 before IPv6, each in answer order: answers come back in any
 * order, reports must not. */
static void
sort_addrs(struct audit_host *h)
{
	unsigned i, k;

	for (i = 1; i < h->naddr; i++) {
		struct audit_addr tmp = h->addr[i];

		for (k = i; k > 0 && h->addr[k - 1].a.family == AF_INET6 &&
		    tmp.a.family == AF_INET; k--)
			h->addr[k] = h->addr[k - 1];
		h->addr[k] = tmp;
	}
}

static void
job_finish(struct audit_job *j)
{
	struct audit_report *r = j->r;
	unsigned i;

	for (i = 0; i < r->nhost; i++)
		sort_addrs(&r->host[i]);
	sort_addrs(&r->self);

	if (audit_evaluate(r, j->o) != 0)
		r->oom = 1;
	j->fn(r, j->ud);
	free(j);
}

int
audit_start(struct resolv_engine *e, const struct audit_opts *o,
    const uint8_t *domain, size_t dlen, audit_done_fn *fn, void *ud)
{
	struct audit_job *j;
	struct audit_report *r;
	unsigned k;

	if (dlen == 0 || dns_name_wire_len(domain, dlen) != (int)dlen)
		return MX_EINVAL;
	j = calloc(1, sizeof(*j));
	r = calloc(1, sizeof(*r));
	if (j == NULL || r == NULL) {
		free(j);
		free(r);
		return MX_ENOMEM;
	}
	j->e = e;
	j->o = o;
	j->r = r;
	j->fn = fn;
	j->ud = ud;
	memcpy(r->domain, domain, dlen);
	r->dlen = dlen;
	memcpy(r->canon, domain, dlen);
	r->clen = dlen;
	r->profile = o->profile;
	r->mx_status = r->ns_status = r->wildcard_status = -1;
	r->spf.status = r->dmarc.status = r->mtasts.status =
	    r->tlsrpt.status = -1;
	ask(j, NULL, domain, dlen, DNS_TYPE_MX, RESOLV_Q_CHASE, on_mx, 0, 0,
	    0, 0);
	for (k = 0; k < o->nsending && k < AUDIT_SENDING_MAX; k++) {
		r->sending[k].a = o->sending[k];
		ask_ptr(j, HOST_SENDING, (int)k);
		r->nsending++;
	}
	if (j->pending == 0) {
		free(j);
		free(r);
		return MX_ENOMEM;
	}
	return 0;
}

static void
host_free(struct audit_host *h)
{
	unsigned k;

	for (k = 0; k < h->naddr; k++)
		free(h->addr[k].ptr);
}

void
audit_report_free(struct audit_report *r)
{
	unsigned i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nhost; i++)
		host_free(&r->host[i]);
	free(r->host);
	free(r->ns);
	host_free(&r->self);
	for (i = 0; i < r->nsending; i++)
		free(r->sending[i].ptr);
	free(r->finding);
	free(r);
}
