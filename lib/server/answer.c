/* answer.c -- the authoritative answer: RFC 1034 4.3.2 over the zone set */
#include <string.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "mxkit/server.h"
#include "util/cur.h"

/* CNAME links followed for one query; a longer chain (or a loop) ends the
 * answer where it is. Resolvers chase at most 8-16. */
#define CNAME_CHAIN_MAX	8
/* Names whose A/AAAA go to the additional section, per response. */
#define ADDL_MAX	32
/* Records a query may carry: question, OPT, maybe a TSIG, little else. */
#define QUERY_RR_MAX	8
/* Octets an OPT record takes with no options: root, type, class, TTL,
 * RDLENGTH. Kept free while the other sections are written. */
#define OPT_LEN		11

struct ans {
	const struct srv_zoneset *zs;
	struct dns_msgw mw;
	uint16_t qtype;
	const uint8_t *addl[ADDL_MAX];	/* target names for additional */
	size_t addl_len[ADDL_MAX];
	unsigned naddl;
	int glue_ok;		/* referral: glue below the cut may be added */
	int tc;
};

static const struct dns_edns no_edns;

/* The SOA of the zone, as the negative-answer proof of RFC 2308 3: its TTL
 * is the lower of the SOA's own TTL and its MINIMUM field. */
static int
add_soa(struct ans *a, const struct zone_store *z)
{
	const struct zone_node *apex = zone_store_apex(z);
	const struct zone_rrset *s = zone_node_rrset(apex, DNS_TYPE_SOA);
	const struct zone_rdata *rd;
	uint32_t ttl, min;

	if (s == NULL)
		return 0;
	rd = s->rdata;
	if (rd->len < 20)
		return 0;
	min = (uint32_t)rd->data[rd->len - 4] << 24 |
	    (uint32_t)rd->data[rd->len - 3] << 16 |
	    (uint32_t)rd->data[rd->len - 2] << 8 | rd->data[rd->len - 1];
	ttl = s->ttl < min ? s->ttl : min;
	return dns_msgw_rr_trusted(&a->mw, DNS_SEC_AUTHORITY,
	    apex->name, apex->name_len, DNS_TYPE_SOA, s->rclass, ttl,
	    rd->data, rd->len);
}

/* Remembers the name in field idx of each rdata for additional section
 * processing (MX exchange, NS host, SRV target). */
static void
want_addl(struct ans *a, const struct zone_rrset *s)
{
	const struct zone_rdata *rd;
	unsigned idx;
	size_t off, len;

	switch (s->type) {
	case DNS_TYPE_MX:
		idx = 1;
		break;
	case DNS_TYPE_NS:
		idx = 0;
		break;
	case DNS_TYPE_SRV:
		idx = 3;
		break;
	default:
		return;
	}
	for (rd = s->rdata; rd != NULL && a->naddl < ADDL_MAX; rd = rd->next) {
		if (dns_rdata_field(s->type, rd->data, rd->len, idx, &off,
		    &len) != 0 || len <= 1)
			continue;
		a->addl[a->naddl] = rd->data + off;
		a->addl_len[a->naddl] = len;
		a->naddl++;
	}
}

/* Adds every record of s under owner to sec; MX_ESPACE when one does not
 * fit (the message then holds what fitted before it). */
static int
add_rrset(struct ans *a, enum dns_section sec, const uint8_t *owner,
    size_t olen, const struct zone_rrset *s)
{
	const struct zone_rdata *rd;
	int r;

	for (rd = s->rdata; rd != NULL; rd = rd->next) {
		r = dns_msgw_rr_trusted(&a->mw, sec, owner, olen, s->type,
		    s->rclass, s->ttl, rd->data, rd->len);
		if (r != 0)
			return r;
	}
	if (sec != DNS_SEC_ADDITIONAL)
		want_addl(a, s);
	return 0;
}

/* Adds s to the additional section whole or not at all: RFC 2181 9 wants
 * an RRset that does not fit left out entirely, so the records of s that
 * did fit are taken back (the writer is a plain value: restoring it also
 * forgets the names they added to the compression table). */
static int
add_addl_rrset(struct ans *a, const struct zone_node *n,
    const struct zone_rrset *s)
{
	struct dns_msgw mark = a->mw;
	int r;

	r = add_rrset(a, DNS_SEC_ADDITIONAL, n->name, n->name_len, s);
	if (r != 0)
		a->mw = mark;
	return r;
}

/*
 * Additional section: A and AAAA of the names remembered, from the zones
 * served, while they fit (RFC 2181 9: running out of room here never sets
 * TC). Names below a cut count only as glue of a referral.
 */
static void
add_additional(struct ans *a)
{
	unsigned i, j;

	for (i = 0; i < a->naddl; i++) {
		const uint8_t *name = a->addl[i];
		size_t len = a->addl_len[i];
		const struct zone_store *z;
		const struct zone_node *n;
		const struct zone_rrset *s;
		int dup = 0;

		for (j = 0; j < i && !dup; j++)
			dup = dns_name_equal(a->addl[j], a->addl_len[j], name,
			    len);
		if (dup || (z = srv_zoneset_find(a->zs, name, len)) == NULL ||
		    (n = zone_store_find(z, name, len)) == NULL)
			continue;
		if ((n->flags & (ZONE_NODE_OCCLUDED | ZONE_NODE_CUT)) != 0 &&
		    !a->glue_ok)
			continue;
		if ((s = zone_node_rrset(n, DNS_TYPE_A)) != NULL &&
		    add_addl_rrset(a, n, s) != 0)
			return;
		if ((s = zone_node_rrset(n, DNS_TYPE_AAAA)) != NULL &&
		    add_addl_rrset(a, n, s) != 0)
			return;
	}
}

/* The topmost delegation point between the apex and node (inclusive), or
 * NULL. Below it everything is the child zone's. */
static const struct zone_node *
cut_above(const struct zone_node *n)
{
	const struct zone_node *cut = NULL;

	for (; n != NULL && n->parent != NULL; n = n->parent)
		if (n->flags & ZONE_NODE_CUT)
			cut = n;
	return cut;
}

/* RFC 8482: one RRset for ANY. The lowest type number the node owns, so
 * that the answer is the same every time. */
static const struct zone_rrset *
any_rrset(const struct zone_node *n)
{
	const struct zone_rrset *s, *best = NULL;

	for (s = n->rrsets; s != NULL; s = s->next)
		if (best == NULL || s->type < best->type)
			best = s;
	return best;
}

enum step { STEP_DONE, STEP_FOLLOW };

/*
 * One step of RFC 1034 4.3.2 for name (as owner in the answer) in zone z:
 * answers, or refers, or finds a CNAME to follow (returned through
 * *next). Sets *rcode and *aa.
 */
static int
step(struct ans *a, const struct zone_store *z, const uint8_t *name,
    size_t len, int first, unsigned *rcode, int *aa, const uint8_t **next,
    size_t *nextlen, enum step *st)
{
	const struct zone_node *e, *n, *cut;
	const struct zone_rrset *s;
	uint8_t wild[DNS_NAME_MAX];
	int r;

	*st = STEP_DONE;
	e = zone_store_encloser(z, name, len);
	if (e == NULL)
		return 0;
	/* Step 3b: a referral when a cut lies on the way down. DS lives on
	 * the parent's side of its cut (RFC 4035 3.1.4.1). A CNAME chain
	 * that leads into a child ends in the same referral (step 3a goes
	 * back to step 1), with AA kept for the aliases already answered,
	 * as NSD and Knot do. */
	cut = cut_above(e);
	if (cut != NULL && !(a->qtype == DNS_TYPE_DS && cut == e &&
	    e->name_len == len && dns_name_equal(e->name, len, name, len))) {
		if (first)
			*aa = 0;
		s = zone_node_rrset(cut, DNS_TYPE_NS);
		a->glue_ok = 1;
		if (s != NULL && (r = add_rrset(a, DNS_SEC_AUTHORITY,
		    cut->name, cut->name_len, s)) != 0)
			return r;
		return 0;
	}
	n = (e->name_len == len && dns_name_equal(e->name, len, name, len)) ?
	    e : NULL;
	/* Step 3c: no such name, but a wildcard at the closest encloser
	 * stands in for it (RFC 4592 4.1), with the name asked as owner. */
	if (n == NULL && (e->flags & ZONE_NODE_WILDCARD_CHILD) &&
	    e->name_len + 2u <= DNS_NAME_MAX) {
		wild[0] = 1;
		wild[1] = '*';
		memcpy(wild + 2, e->name, e->name_len);
		n = zone_store_find(z, wild, e->name_len + 2u);
	}
	if (n == NULL) {
		*rcode = DNS_RCODE_NXDOMAIN;
		return add_soa(a, z);
	}
	s = zone_node_rrset(n, DNS_TYPE_CNAME);
	if (s != NULL && a->qtype != DNS_TYPE_CNAME &&
	    a->qtype != DNS_TYPE_ANY) {
		if ((r = add_rrset(a, DNS_SEC_ANSWER, name, len, s)) != 0)
			return r;
		*next = s->rdata->data;
		*nextlen = s->rdata->len;
		*st = STEP_FOLLOW;
		return 0;
	}
	s = a->qtype == DNS_TYPE_ANY ? any_rrset(n) :
	    zone_node_rrset(n, a->qtype);
	if (s == NULL)			/* NODATA, empty non-terminals too */
		return add_soa(a, z);
	return add_rrset(a, DNS_SEC_ANSWER, name, len, s);
}

/* Starts a response: header with the query's ID, opcode, RD and CD. */
static void
begin(struct ans *a, uint8_t *out, size_t cap, uint16_t id, uint16_t qflags)
{
	dns_msgw_init(&a->mw, out, cap, id, (uint16_t)(DNS_FLAG_QR |
	    (qflags & (0x7800u | DNS_FLAG_RD | DNS_FLAG_CD))));
}

/* Ends a response: flags, rcode (upper bits into OPT), OPT when the query
 * had EDNS, counts. */
static size_t
finish(struct ans *a, const struct dns_edns *qe, uint16_t udp_size,
    unsigned rcode, int aa, int tc, struct srv_answer_info *info)
{
	struct dns_edns e = no_edns;
	uint16_t f = (uint16_t)(rcode & 0xf);

	if (aa)
		f |= DNS_FLAG_AA;
	if (tc)
		f |= DNS_FLAG_TC;
	dns_msgw_flags(&a->mw, f);
	if (qe != NULL && qe->present) {
		/* The room was kept free: give it back for the OPT. */
		a->mw.cap += OPT_LEN;
		e.present = 1;
		e.udp_size = udp_size;
		e.ext_rcode = (uint8_t)(rcode >> 4);
		e.flags = qe->flags & DNS_EDNS_DO;
		dns_msgw_opt(&a->mw, &e);
	}
	info->rcode = rcode;
	info->aa = aa;
	info->tc = tc;
	return dns_msgw_finish(&a->mw);
}

/* A response with only the header (and the question when it was read). */
static size_t
error_response(struct ans *a, uint8_t *out, size_t cap, uint16_t id,
    uint16_t qflags, const struct dns_msg *m, const struct dns_edns *qe,
    uint16_t udp, unsigned rcode, struct srv_answer_info *info)
{
	begin(a, out, qe != NULL && qe->present ? cap - OPT_LEN : cap, id,
	    qflags);
	if (m != NULL && m->qname_len > 0)
		dns_msgw_question(&a->mw, m->qname, m->qname_len, m->qtype,
		    m->qclass);
	return finish(a, qe, udp, rcode, 0, 0, info);
}

void
srv_answer_prefetch(const struct srv_zoneset *zs, const uint8_t *q,
    size_t qlen, struct srv_hint *hint)
{
	uint8_t name[DNS_NAME_MAX];
	struct cur c;
	size_t len;

	hint->z = NULL;
	cur_init(&c, q, qlen);
	cur_skip(&c, DNS_HDR_LEN);
	if (dns_name_from_wire(&c, name, &len) != 0 ||
	    (hint->z = srv_zoneset_find(zs, name, len)) == NULL)
		return;
	hint->hash = dns_name_hash(name, len);
	zone_store_prefetch(hint->z, hint->hash);
}

void
srv_answer_prefetch2(const struct srv_hint *hint)
{
	if (hint->z != NULL)
		zone_store_prefetch_node(hint->z, hint->hash);
}

size_t
srv_answer(const struct srv_zoneset *zs, const struct srv_answer_opts *o,
    enum srv_transport t, const uint8_t *q, size_t qlen, uint8_t *out,
    size_t cap, struct srv_answer_info *info)
{
	struct dns_msg_rr rrs[QUERY_RR_MAX];
	struct dns_msg m;
	struct ans a;
	struct cur c;
	const struct zone_store *z;
	const uint8_t *name, *next = NULL;
	size_t len, nextlen = 0, limit;
	uint16_t id, qflags, udp, maxudp = o != NULL && o->max_udp >= 512 ?
	    o->max_udp : 1232;
	unsigned rcode = DNS_RCODE_NOERROR, chain;
	enum step st;
	int aa = 1, r, first;

	memset(info, 0, sizeof(*info));
	memset(&a, 0, sizeof(a));
	a.zs = zs;
	/* Garbage and responses get no answer at all. */
	if (qlen < DNS_HDR_LEN || cap < 512)
		return 0;
	cur_init(&c, q, qlen);
	id = cur_u16(&c);
	qflags = cur_u16(&c);
	if (qflags & DNS_FLAG_QR)
		return 0;
	if (DNS_OPCODE(qflags) != DNS_OPCODE_QUERY)
		return error_response(&a, out, cap, id, qflags, NULL, NULL, 0,
		    DNS_RCODE_NOTIMP, info);
	r = dns_msg_parse(&m, q, qlen, rrs, QUERY_RR_MAX, 0);
	if (r != 0 || m.qname_len == 0)
		return error_response(&a, out, cap, id, qflags, NULL, NULL, 0,
		    DNS_RCODE_FORMERR, info);
	info->qtype = m.qtype;
	a.qtype = m.qtype;
	udp = maxudp;
	if (m.edns.present && m.edns.version > 0)
		return error_response(&a, out, cap, id, qflags, &m, &m.edns,
		    udp, DNS_RCODE_BADVERS, info);
	/* RFC 6891 6.2.5: below 512 counts as 512. */
	if (t == SRV_TCP)
		limit = cap;
	else if (m.edns.present)
		limit = m.edns.udp_size < 512 ? 512 :
		    m.edns.udp_size < maxudp ? m.edns.udp_size : maxudp;
	else
		limit = 512;
	if (limit > cap)
		limit = cap;
	if (m.qtype == DNS_TYPE_OPT)
		return error_response(&a, out, limit, id, qflags, &m, &m.edns,
		    udp, DNS_RCODE_FORMERR, info);
	if (m.qclass != DNS_CLASS_IN)
		return error_response(&a, out, limit, id, qflags, &m, &m.edns,
		    udp, DNS_RCODE_REFUSED, info);
	z = srv_zoneset_find(zs, m.qname, m.qname_len);
	if (z == NULL)
		return error_response(&a, out, limit, id, qflags, &m, &m.edns,
		    udp, DNS_RCODE_REFUSED, info);
	info->zone = z;
	if (m.qtype == DNS_TYPE_AXFR || m.qtype == DNS_TYPE_IXFR) {
		if (t == SRV_TCP) {
			info->axfr = 1;
			return 0;
		}
		return error_response(&a, out, limit, id, qflags, &m, &m.edns,
		    udp, DNS_RCODE_REFUSED, info);
	}

	begin(&a, out, m.edns.present ? limit - OPT_LEN : limit, id, qflags);
	if (dns_msgw_question(&a.mw, m.qname, m.qname_len, m.qtype,
	    m.qclass) != 0)
		return error_response(&a, out, limit, id, qflags, NULL,
		    &m.edns, udp, DNS_RCODE_SERVFAIL, info);
	name = m.qname;
	len = m.qname_len;
	first = 1;
	for (chain = 0; ; chain++) {
		r = step(&a, z, name, len, first, &rcode, &aa, &next, &nextlen,
		    &st);
		if (r != 0)
			break;
		if (st != STEP_FOLLOW || chain == CNAME_CHAIN_MAX)
			break;
		/* Follow the alias inside the zones served; outside them,
		 * the resolver goes on from here. A name seen before in
		 * the chain is a loop: stop. */
		if (dns_name_equal(next, nextlen, m.qname, m.qname_len))
			break;
		z = srv_zoneset_find(zs, next, nextlen);
		if (z == NULL)
			break;
		name = next;
		len = nextlen;
		first = 0;
	}
	if (r == MX_ESPACE) {
		/* The answer itself does not fit: TC with the question only,
		 * and the client asks again over TCP (RFC 2181 9). */
		begin(&a, out, m.edns.present ? limit - OPT_LEN : limit, id,
		    qflags);
		dns_msgw_question(&a.mw, m.qname, m.qname_len, m.qtype,
		    m.qclass);
		return finish(&a, &m.edns, udp, rcode, aa, 1, info);
	}
	if (r != 0)
		return error_response(&a, out, limit, id, qflags, &m, &m.edns,
		    udp, DNS_RCODE_SERVFAIL, info);
	add_additional(&a);
	return finish(&a, &m.edns, udp, rcode, aa, 0, info);
}
