/* xfr.c -- zone transfer out (RFC 5936 AXFR) and NOTIFY (RFC 1996) */
#include <string.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "mxkit/server.h"

/* Records a query may carry: question, OPT, maybe a TSIG. */
#define XFR_QUERY_RR_MAX 8

static const struct zone_rrset *
soa_of(const struct zone_store *z)
{
	return zone_node_rrset(zone_store_apex(z), DNS_TYPE_SOA);
}

uint32_t
srv_zone_serial(const struct zone_store *z)
{
	const struct zone_rrset *s = soa_of(z);
	size_t off, len;

	if (s == NULL || dns_rdata_field(DNS_TYPE_SOA, s->rdata->data,
	    s->rdata->len, 2, &off, &len) != 0 || len != 4)
		return 0;
	return (uint32_t)s->rdata->data[off] << 24 |
	    (uint32_t)s->rdata->data[off + 1] << 16 |
	    (uint32_t)s->rdata->data[off + 2] << 8 | s->rdata->data[off + 3];
}

int
srv_xfr_begin(struct srv_xfr *x, const struct zone_store *z,
    const uint8_t *q, size_t qlen)
{
	struct dns_msg_rr rr[XFR_QUERY_RR_MAX];
	struct dns_msg m;

	memset(x, 0, sizeof(*x));
	if (dns_msg_parse(&m, q, qlen, rr, XFR_QUERY_RR_MAX, 0) != 0 ||
	    m.qname_len == 0)
		return MX_EMALF;
	x->z = z;
	x->nodes = zone_store_nodes(z, &x->nnodes);
	x->id = m.hdr.id;
	memcpy(x->qname, m.qname, m.qname_len);
	x->qname_len = m.qname_len;
	x->qtype = m.qtype;
	x->phase = soa_of(z) != NULL ? 0 : 3;
	return 0;
}

/* Moves to the next record other than the SOA; 0 when there is none. */
static int
advance(struct srv_xfr *x)
{
	for (;;) {
		if (x->rd != NULL && x->rd->next != NULL) {
			x->rd = x->rd->next;
			return 1;
		}
		if (x->set != NULL && x->set->next != NULL) {
			x->set = x->set->next;
		} else {
			if (x->set != NULL)
				x->node++;
			x->set = NULL;
			while (x->node < x->nnodes &&
			    x->nodes[x->node]->rrsets == NULL)
				x->node++;
			if (x->node >= x->nnodes)
				return 0;
			x->set = x->nodes[x->node]->rrsets;
		}
		x->rd = NULL;
		if (x->set->type == DNS_TYPE_SOA &&
		    (x->nodes[x->node]->flags & ZONE_NODE_APEX))
			continue;
		x->rd = x->set->rdata;
		if (x->rd != NULL)
			return 1;
	}
}

/* Fills one message of at most lim octets; *added counts its records. */
static size_t
fill(struct srv_xfr *x, uint8_t *out, size_t lim, unsigned *added)
{
	const struct zone_node *apex = zone_store_apex(x->z);
	const struct zone_rrset *soa = soa_of(x->z);
	struct dns_msgw mw;

	*added = 0;
	dns_msgw_init(&mw, out, lim, x->id, DNS_FLAG_QR | DNS_FLAG_AA);
	if (x->msgs == 0)
		dns_msgw_question(&mw, x->qname, x->qname_len, x->qtype,
		    DNS_CLASS_IN);
	while (x->phase != 3) {
		const struct zone_node *n;
		int r;

		if (x->phase == 0 || x->phase == 2) {
			r = dns_msgw_rr_trusted(&mw, DNS_SEC_ANSWER,
			    apex->name, apex->name_len, DNS_TYPE_SOA,
			    soa->rclass,
			    soa->ttl, soa->rdata->data, soa->rdata->len);
			if (r != 0)
				break;
			(*added)++;
			if (x->phase == 2) {
				x->phase = 3;
				break;
			}
			x->phase = advance(x) ? 1 : 2;
			continue;
		}
		n = x->nodes[x->node];
		r = dns_msgw_rr_trusted(&mw, DNS_SEC_ANSWER, n->name,
		    n->name_len, x->set->type, x->set->rclass, x->set->ttl,
		    x->rd->data, x->rd->len);
		if (r != 0)
			break;
		(*added)++;
		if (!advance(x))
			x->phase = 2;
	}
	return dns_msgw_finish(&mw);
}

size_t
srv_xfr_next(struct srv_xfr *x, uint8_t *out, size_t cap)
{
	struct srv_xfr saved;
	size_t lim = cap < SRV_XFR_MSG_SIZE ? cap : SRV_XFR_MSG_SIZE, n;
	unsigned added;

	if (x->phase == 3)
		return 0;
	saved = *x;
	n = fill(x, out, lim, &added);
	if (added == 0 && lim < cap) {
		/* A record too big for the usual message: alone in a message
		 * of the full size. */
		*x = saved;
		n = fill(x, out, cap, &added);
	}
	if (added == 0) {
		x->phase = 3;		/* no message can carry it */
		return 0;
	}
	x->msgs++;
	return n;
}

size_t
srv_notify_build(const struct zone_store *z, uint16_t id, uint8_t *out,
    size_t cap)
{
	const struct zone_node *apex = zone_store_apex(z);
	const struct zone_rrset *soa = soa_of(z);
	struct dns_msgw mw;

	dns_msgw_init(&mw, out, cap, id, (uint16_t)(DNS_OPCODE_NOTIFY << 11 |
	    DNS_FLAG_AA));
	if (dns_msgw_question(&mw, apex->name, apex->name_len, DNS_TYPE_SOA,
	    DNS_CLASS_IN) != 0)
		return 0;
	/* RFC 1996 3.7: the SOA in the answer section is a hint. */
	if (soa != NULL)
		dns_msgw_rr_trusted(&mw, DNS_SEC_ANSWER, apex->name,
		    apex->name_len, DNS_TYPE_SOA, soa->rclass, soa->ttl,
		    soa->rdata->data, soa->rdata->len);
	return dns_msgw_finish(&mw);
}

int
srv_notify_reply_ok(const struct zone_store *z, uint16_t id, const uint8_t *r,
    size_t rlen)
{
	struct dns_msg_rr rr[XFR_QUERY_RR_MAX];
	const struct zone_node *apex = zone_store_apex(z);
	struct dns_msg m;

	if (dns_msg_parse(&m, r, rlen, rr, XFR_QUERY_RR_MAX, 0) != 0)
		return 0;
	return m.hdr.id == id && (m.hdr.flags & DNS_FLAG_QR) &&
	    DNS_OPCODE(m.hdr.flags) == DNS_OPCODE_NOTIFY &&
	    m.qtype == DNS_TYPE_SOA &&
	    dns_name_equal(m.qname, m.qname_len, apex->name, apex->name_len);
}
