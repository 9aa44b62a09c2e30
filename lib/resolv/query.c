/* query.c -- stub resolver protocol: build a query, match a reply (RFC 5452), read the answer */
#include <stdlib.h>
#include <string.h>

#include "mxkit/err.h"
#include "mxkit/resolv.h"
#include "util/cur.h"

int
resolv_query_build(uint8_t buf[RESOLV_QUERY_MAX], uint16_t id,
    const uint8_t *qname, size_t qlen, uint16_t qtype, unsigned flags)
{
	struct dns_msgw mw;
	struct dns_edns e;

	if (dns_name_wire_len(qname, qlen) != (int)qlen)
		return MX_EINVAL;
	dns_msgw_init(&mw, buf, RESOLV_QUERY_MAX, id,
	    (flags & RESOLV_Q_RD) ? DNS_FLAG_RD : 0);
	if (dns_msgw_question(&mw, qname, qlen, qtype, DNS_CLASS_IN) != 0)
		return MX_ESPACE;
	if (flags & RESOLV_Q_EDNS) {
		memset(&e, 0, sizeof(e));
		e.present = 1;
		e.udp_size = RESOLV_EDNS_SIZE;
		if (dns_msgw_opt(&mw, &e) != 0)
			return MX_ESPACE;
	}
	return (int)dns_msgw_finish(&mw);
}

enum resolv_reply
resolv_reply_match(const uint8_t *pkt, size_t len, uint16_t id,
    const uint8_t *qname, size_t qlen, uint16_t qtype, struct dns_msg *m,
    struct dns_msg_rr *rr, size_t rr_cap, int *err)
{
	struct cur c;
	uint16_t rid, flags, qd, t, cl;
	uint8_t name[DNS_NAME_MAX];
	size_t nlen;
	unsigned rcode;
	int rv;

	*err = 0;
	cur_init(&c, pkt, len);
	rid = cur_u16(&c);
	flags = cur_u16(&c);
	qd = cur_u16(&c);
	cur_skip(&c, 6);
	if (c.err != 0 || rid != id || !(flags & DNS_FLAG_QR) ||
	    DNS_OPCODE(flags) != DNS_OPCODE_QUERY)
		return RESOLV_REPLY_IGNORE;
	rcode = DNS_RCODE(flags);
	if (qd == 0) {
		/* A server that could not parse the query may drop the
		 * question (RFC 1035 4.1.1 leaves it open); only an error
		 * rcode can come without one. */
		if (rcode == DNS_RCODE_NOERROR || rcode == DNS_RCODE_NXDOMAIN)
			return RESOLV_REPLY_IGNORE;
	} else {
		if (qd != 1)
			return RESOLV_REPLY_IGNORE;
		if (dns_name_from_wire(&c, name, &nlen) != 0)
			return RESOLV_REPLY_IGNORE;
		t = cur_u16(&c);
		cl = cur_u16(&c);
		if (c.err != 0 || t != qtype || cl != DNS_CLASS_IN ||
		    !dns_name_equal(name, nlen, qname, qlen))
			return RESOLV_REPLY_IGNORE;
	}
	rv = dns_msg_parse(m, pkt, len, rr, rr_cap, 0);
	if (rv != 0) {
		*err = rv;
		return RESOLV_REPLY_BAD;
	}
	return RESOLV_REPLY_OK;
}

void
resolv_result_free(struct resolv_result *r)
{
	if (r == NULL)
		return;
	free(r->data);
	free(r->reply);
	free(r);
}

/* Appends rr's rdata to r->data. 0 or MX_ENOMEM / a parse error. */
static int
result_add(struct resolv_result *r, const struct dns_msg *m,
    const struct dns_msg_rr *rr)
{
	size_t need, len;
	uint8_t *p;
	int rv;

	if (r->nrr >= RESOLV_RR_MAX) {
		r->dropped++;
		return 0;
	}
	/* Decompressed rdata grows at most by 253 octets per name, and no
	 * type here has more than a few names: 64 KiB of slack is plenty. */
	need = r->data_len + rr->rdlen + 4 * DNS_NAME_MAX;
	if (need > r->data_cap) {
		size_t cap = r->data_cap ? r->data_cap : 1024;

		while (cap < need)
			cap *= 2;
		p = realloc(r->data, cap);
		if (p == NULL)
			return MX_ENOMEM;
		r->data = p;
		r->data_cap = cap;
	}
	rv = dns_msg_rr_rdata(m, rr, r->data + r->data_len,
	    r->data_cap - r->data_len, &len);
	if (rv != 0)
		return rv;
	r->rr[r->nrr].type = rr->type;
	r->rr[r->nrr].len = (uint16_t)len;
	r->rr[r->nrr].ttl = rr->ttl;
	r->rr[r->nrr].off = (uint32_t)r->data_len;
	r->nrr++;
	r->data_len += len;
	return 0;
}

/* True if name is qname or one of the aliases already followed. */
static int
result_seen(const struct resolv_result *r, const uint8_t *name, size_t len)
{
	unsigned i;

	if (dns_name_equal(name, len, r->qname, r->qname_len))
		return 1;
	for (i = 0; i < r->nalias; i++)
		if (dns_name_equal(name, len, r->alias[i], r->alias_len[i]))
			return 1;
	return 0;
}

int
resolv_result_take(struct resolv_result *r, const struct dns_msg *m,
    const uint8_t *name, size_t nlen, uint16_t qtype)
{
	uint8_t cur[DNS_NAME_MAX], owner[DNS_NAME_MAX], target[DNS_NAME_MAX];
	size_t clen = nlen, olen, tlen, i;
	const struct dns_msg_rr *rr;
	int have, cname, rv, moved = 0;

	memcpy(cur, name, nlen);
	r->nrr = 0;
	r->data_len = 0;
	r->dropped = 0;
	for (;;) {
		have = 0;
		cname = -1;
		for (i = 0; i < m->nrr; i++) {
			rr = &m->rr[i];
			if (rr->section != DNS_SEC_ANSWER ||
			    rr->rclass != DNS_CLASS_IN)
				continue;
			if (dns_msg_rr_owner(m, rr, owner, &olen) != 0 ||
			    !dns_name_equal(owner, olen, cur, clen))
				continue;
			if (rr->type == qtype)
				have = 1;
			else if (rr->type == DNS_TYPE_CNAME && cname < 0)
				cname = (int)i;
		}
		/* Data beats an (illegal) CNAME beside it; asking for the
		 * CNAME itself stops here too. */
		if (have || cname < 0 || qtype == DNS_TYPE_CNAME)
			break;
		if (dns_msg_rr_rdata(m, &m->rr[cname], target, sizeof(target),
		    &tlen) != 0)
			return MX_EMALF;
		if (r->nalias >= RESOLV_CHAIN_MAX ||
		    result_seen(r, target, tlen) ||
		    dns_name_equal(target, tlen, cur, clen)) {
			if (r->nalias < RESOLV_CHAIN_MAX) {
				memcpy(r->alias[r->nalias], cur, clen);
				r->alias_len[r->nalias++] = clen;
			}
			memcpy(r->name, target, tlen);
			r->name_len = tlen;
			r->status = RESOLV_LOOP;
			return 0;
		}
		memcpy(r->alias[r->nalias], cur, clen);
		r->alias_len[r->nalias++] = clen;
		memcpy(cur, target, tlen);
		clen = tlen;
		moved = 1;
	}
	memcpy(r->name, cur, clen);
	r->name_len = clen;
	for (i = 0; i < m->nrr; i++) {
		rr = &m->rr[i];
		if (rr->section != DNS_SEC_ANSWER || rr->type != qtype ||
		    rr->rclass != DNS_CLASS_IN)
			continue;
		if (dns_msg_rr_owner(m, rr, owner, &olen) != 0 ||
		    !dns_name_equal(owner, olen, cur, clen))
			continue;
		if ((rv = result_add(r, m, rr)) != 0)
			return rv;
	}
	if (r->nrr > 0) {
		r->status = RESOLV_OK;
		return 0;
	}
	/* RFC 6604 2.1: the rcode speaks of the last name of the chain. */
	if (m->rcode == DNS_RCODE_NXDOMAIN) {
		r->status = RESOLV_NXDOMAIN;
		return 0;
	}
	/*
	 * RFC 2308 2.2: NODATA is proven by the SOA in the authority
	 * section. No SOA but NS records there is a referral (RFC 1034
	 * 4.3.2 step 3b) -- a non-recursive or lame server -- and tells
	 * nothing about the name: a sender must not read it as "no MX".
	 */
	{
		int ns = 0, soa = 0;

		for (i = 0; i < m->nrr; i++) {
			if (m->rr[i].section != DNS_SEC_AUTHORITY)
				continue;
			ns |= m->rr[i].type == DNS_TYPE_NS;
			soa |= m->rr[i].type == DNS_TYPE_SOA;
		}
		if (ns && !soa) {
			r->status = RESOLV_REFERRAL;
			return 0;
		}
	}
	r->status = RESOLV_NODATA;
	if (!moved)
		return 0;
	/*
	 * The chain left this reply without data or a negative answer for
	 * its end. A recursive server that followed it proves NODATA with
	 * the SOA of the target's zone in the authority section; an
	 * authoritative server only knows its own zone and leaves the rest
	 * to us (RFC 1034 4.3.2 step 3a).
	 */
	for (i = 0; i < m->nrr; i++) {
		rr = &m->rr[i];
		if (rr->section != DNS_SEC_AUTHORITY ||
		    rr->type != DNS_TYPE_SOA)
			continue;
		if (dns_msg_rr_owner(m, rr, owner, &olen) == 0 &&
		    dns_name_is_sub(cur, clen, owner, olen))
			return 0;
	}
	return 1;
}
