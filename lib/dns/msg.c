/* msg.c -- DNS messages: parse and index, build with compression
 * (RFC 1035 4.1, RFC 6891 6) */
#include <stdint.h>
#include <string.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "util/cur.h"

/*
 * The smallest question is the root name (1 octet) plus QTYPE and QCLASS;
 * the smallest RR is the root name plus TYPE, CLASS, TTL and RDLENGTH.
 * Header counts that need more octets than the message has are refused
 * before any loop runs on them.
 */
#define MSG_Q_MIN	5
#define MSG_RR_MIN	11

/*
 * struct dns_msgw keeps the current section in mw->section. Once the OPT
 * RR is written this bit is added as well, so that a second one is
 * refused (RFC 6891 6.1.1: at most one OPT per message).
 */
#define MSGW_SEC_MASK	0x0f
#define MSGW_OPT_DONE	0x10

static int	msg_parse_question(struct dns_msg *, struct cur *);
static int	msg_parse_rr(struct dns_msg *, struct cur *, enum dns_section,
		    unsigned);
static int	msg_parse_opt(struct dns_msg *, struct cur *, enum dns_section,
		    size_t, size_t, uint16_t, uint32_t, uint16_t);
static int	edns_opts_check(const uint8_t *, size_t);
static int	msgw_name_ok(const uint8_t *, size_t);
static void	msgw_begin(const struct dns_msgw *, struct wcur *);

/*
 * Checks that the options of an OPT RR (RFC 6891 6.1.2: OPTION-CODE,
 * OPTION-LENGTH, OPTION-DATA, repeated) fill exactly len octets. Their
 * content stays opaque. Returns 0 or MX_EMALF.
 */
static int
edns_opts_check(const uint8_t *opts, size_t len)
{
	struct cur c;

	cur_init(&c, opts, len);
	while (c.err == 0 && cur_left(&c) > 0) {
		(void)cur_u16(&c);		/* OPTION-CODE */
		cur_skip(&c, cur_u16(&c));	/* OPTION-LENGTH, OPTION-DATA */
	}
	return c.err == 0 ? 0 : MX_EMALF;
}

static int
msg_parse_question(struct dns_msg *m, struct cur *c)
{
	int err;

	if ((err = dns_name_from_wire(c, m->qname, &m->qname_len)) != 0) {
		m->qname_len = 0;
		return err;
	}
	m->qtype = cur_u16(c);
	m->qclass = cur_u16(c);
	return c->err;
}

/*
 * The OPT pseudo-RR (RFC 6891 6.1): only in the additional section, only
 * one, owned by the root. CLASS is the requester's UDP payload size and TTL
 * holds the extended rcode, the version and the flags. The UDP size is kept
 * as sent; values below 512 mean 512 (RFC 6891 6.2.5), which is for the
 * user of the message to apply.
 */
static int
msg_parse_opt(struct dns_msg *m, struct cur *c, enum dns_section sec,
    size_t owner_off, size_t ownerlen, uint16_t rclass, uint32_t ttl,
    uint16_t rdlen)
{
	const uint8_t *opts;

	if (sec != DNS_SEC_ADDITIONAL)
		return MX_EOPTPLACE;
	if (m->edns.present)
		return MX_EOPTMULTI;
	if (ownerlen != 1)
		return MX_EOPTOWNER;
	if ((opts = cur_take(c, rdlen)) == NULL)
		return c->err;
	if (edns_opts_check(opts, rdlen) != 0)
		return MX_EMALF;
	m->opt_off = owner_off;
	m->edns.present = 1;
	m->edns.udp_size = rclass;
	m->edns.ext_rcode = (uint8_t)(ttl >> 24);
	m->edns.version = (uint8_t)(ttl >> 16);
	m->edns.flags = (uint16_t)ttl;
	m->edns.opts = opts;
	m->edns.optlen = rdlen;
	/* RFC 6891 6.1.3: the rcode is 12 bits, the upper 8 from OPT. */
	m->rcode = (unsigned)m->edns.ext_rcode << 4 |
	    DNS_RCODE(m->hdr.flags);
	return 0;
}

/*
 * One RR of the answer, authority or additional section: owner, fixed
 * fields, then rdata checked by type (unless the caller asked not to) and
 * required to end exactly RDLENGTH octets later. OPT is handled apart and
 * not indexed.
 */
static int
msg_parse_rr(struct dns_msg *m, struct cur *c, enum dns_section sec,
    unsigned flags)
{
	uint8_t owner[DNS_NAME_MAX];
	struct dns_msg_rr *rr;
	size_t owner_off, ownerlen, rdata_off;
	uint16_t type, rclass, rdlen;
	uint32_t ttl;
	int err;

	owner_off = c->off;
	if ((err = dns_name_from_wire(c, owner, &ownerlen)) != 0)
		return err;
	type = cur_u16(c);
	rclass = cur_u16(c);
	ttl = cur_u32(c);
	rdlen = cur_u16(c);
	if (c->err != 0)
		return c->err;
	if (rdlen > cur_left(c)) {
		cur_fail(c, MX_ESHORT);
		return MX_ESHORT;
	}
	if (type == DNS_TYPE_OPT)
		return msg_parse_opt(m, c, sec, owner_off, ownerlen, rclass,
		    ttl, rdlen);

	rdata_off = c->off;
	if ((flags & DNS_MSG_NO_RDATA_CHECK) != 0)
		cur_skip(c, rdlen);
	else if ((err = dns_rdata_skip_wire(type, c, rdlen)) != 0)
		return err;
	if (c->err != 0)
		return c->err;
	/* The validator promises this; the index below relies on it. */
	if (c->off - rdata_off != rdlen) {
		cur_fail(c, MX_ERDLEN);
		return MX_ERDLEN;
	}

	if (m->nrr >= m->rr_cap)
		return MX_ESPACE;
	rr = &m->rr[m->nrr++];
	rr->section = (uint8_t)sec;
	/* Offsets fit: dns_msg_parse refuses messages over DNS_MSG_MAX. */
	rr->owner_off = (uint16_t)owner_off;
	rr->type = type;
	rr->rclass = rclass;
	rr->ttl = ttl;
	rr->rdata_off = (uint16_t)rdata_off;
	rr->rdlen = rdlen;
	return 0;
}

/*
 * Parses pkt[0..len) into m, indexing up to rr_cap records in rr (see
 * dns.h for the contract and the errors). Checks run in triage order:
 * header, question count, counts against the bytes, then each record in
 * turn, then trailing bytes. A message longer than DNS_MSG_MAX cannot be
 * DNS (RFC 1035 4.2.2 frames TCP messages with 16 bits) and is refused with
 * MX_EMALF once the header has been read.
 */
int
dns_msg_parse(struct dns_msg *m, const uint8_t *pkt, size_t len,
    struct dns_msg_rr *rr, size_t rr_cap, unsigned flags)
{
	static const enum dns_section secs[] = {
		DNS_SEC_ANSWER, DNS_SEC_AUTHORITY, DNS_SEC_ADDITIONAL,
	};
	struct cur c;
	size_t need, i, s;
	uint16_t count;
	int err;

	memset(m, 0, sizeof(*m));
	m->pkt = pkt;
	m->len = len;
	m->rr = rr;
	m->rr_cap = rr_cap;
	if (len < DNS_HDR_LEN)
		return MX_EHEADER;

	cur_init(&c, pkt, len);
	m->hdr.id = cur_u16(&c);
	m->hdr.flags = cur_u16(&c);
	m->hdr.qdcount = cur_u16(&c);
	m->hdr.ancount = cur_u16(&c);
	m->hdr.nscount = cur_u16(&c);
	m->hdr.arcount = cur_u16(&c);
	m->rcode = DNS_RCODE(m->hdr.flags);
	if (len > DNS_MSG_MAX)
		return MX_EMALF;
	if (m->hdr.qdcount > 1)
		return MX_EQDCOUNT;
	/* At most 3 * 65535 * 11 octets: no overflow in a size_t. */
	need = (size_t)m->hdr.qdcount * MSG_Q_MIN +
	    ((size_t)m->hdr.ancount + m->hdr.nscount + m->hdr.arcount) *
	    MSG_RR_MIN;
	if (need > cur_left(&c))
		return MX_ECOUNT;

	if (m->hdr.qdcount == 1 && (err = msg_parse_question(m, &c)) != 0)
		return err;
	for (s = 0; s < sizeof(secs) / sizeof(secs[0]); s++) {
		if (secs[s] == DNS_SEC_ANSWER)
			count = m->hdr.ancount;
		else if (secs[s] == DNS_SEC_AUTHORITY)
			count = m->hdr.nscount;
		else
			count = m->hdr.arcount;
		/* Bounded by the bytes too: each RR takes at least
		 * MSG_RR_MIN octets and the cursor never runs past len. */
		for (i = 0; i < count; i++)
			if ((err = msg_parse_rr(m, &c, secs[s], flags)) != 0)
				return err;
	}
	if (cur_left(&c) != 0)
		return MX_ETRAIL;
	return 0;
}

/*
 * Decompresses the owner of rr, which must come from a successful (or
 * partial) dns_msg_parse of m. Returns 0 or the name error.
 */
int
dns_msg_rr_owner(const struct dns_msg *m, const struct dns_msg_rr *rr,
    uint8_t out[DNS_NAME_MAX], size_t *outlen)
{
	struct cur c;

	cur_init(&c, m->pkt, m->len);
	cur_skip(&c, rr->owner_off);
	if (c.err != 0)
		return c.err;
	return dns_name_from_wire(&c, out, outlen);
}

/*
 * Decodes the rdata of rr into out (cap bytes; 65535 holds any rdata),
 * names decompressed where the type allows. Returns 0 or the error of
 * dns_rdata_from_wire, including MX_ESPACE when cap is too small.
 */
int
dns_msg_rr_rdata(const struct dns_msg *m, const struct dns_msg_rr *rr,
    uint8_t *out, size_t cap, size_t *outlen)
{
	struct cur c;

	cur_init(&c, m->pkt, m->len);
	cur_skip(&c, rr->rdata_off);
	if (c.err != 0)
		return c.err;
	return dns_rdata_from_wire(rr->type, &c, rr->rdlen, out, cap, outlen);
}

/*
 * Writer.
 *
 * The header counts live in mw->count until dns_msgw_finish, and every
 * record is written on a private cursor that starts at mw->len; mw->len and
 * the compression table only move once the whole record fits. Octets past
 * mw->len may hold a record that did not fit: they are not part of the
 * message.
 */
static void
msgw_begin(const struct dns_msgw *mw, struct wcur *w)
{
	wcur_init(w, mw->buf, mw->cap);
	w->off = mw->len;
}

/* True when name[0..len) is exactly one valid uncompressed name. */
static int
msgw_name_ok(const uint8_t *name, size_t len)
{
	int r;

	if (name == NULL || len == 0)
		return 0;
	r = dns_name_wire_len(name, len);
	return r > 0 && (size_t)r == len;
}

/*
 * Starts a message in buf (cap bytes) with the given ID and flags word
 * (opcode and rcode included) and all counts zero. cap is capped at
 * DNS_MSG_MAX, so counts cannot overflow. A buffer smaller than the header
 * leaves mw->len at 0: every later call then fails with MX_ESPACE and
 * dns_msgw_finish returns 0.
 */
void
dns_msgw_init(struct dns_msgw *mw, uint8_t *buf, size_t cap, uint16_t id,
    uint16_t flags)
{
	struct wcur w;
	int i;

	mw->buf = buf;
	mw->cap = cap > DNS_MSG_MAX ? DNS_MSG_MAX : cap;
	mw->len = 0;
	dns_compress_init(&mw->ct);
	for (i = 0; i < 4; i++)
		mw->count[i] = 0;
	mw->section = DNS_SEC_QUESTION;

	wcur_init(&w, buf, mw->cap);
	wcur_u16(&w, id);
	wcur_u16(&w, flags);
	for (i = 0; i < 4; i++)
		wcur_u16(&w, 0);	/* counts, set by dns_msgw_finish */
	if (w.err == 0)
		mw->len = w.off;
}

/*
 * Adds the question (at most one, before any RR; MX_EINVAL otherwise).
 * name must be one valid uncompressed name (MX_EMALF). Like dns_msgw_rr,
 * a question that does not fit leaves the message as it was (MX_ESPACE).
 */
int
dns_msgw_question(struct dns_msgw *mw, const uint8_t *name, size_t len,
    uint16_t qtype, uint16_t qclass)
{
	struct wcur w;
	unsigned ctn;

	if (mw->len < DNS_HDR_LEN)
		return MX_ESPACE;
	if ((mw->section & MSGW_SEC_MASK) != DNS_SEC_QUESTION ||
	    mw->count[DNS_SEC_QUESTION] != 0)
		return MX_EINVAL;
	if (!msgw_name_ok(name, len))
		return MX_EMALF;

	ctn = mw->ct.n;
	msgw_begin(mw, &w);
	dns_name_write(&w, name, len, &mw->ct);
	wcur_u16(&w, qtype);
	wcur_u16(&w, qclass);
	if (w.err != 0) {
		mw->ct.n = ctn;
		return w.err;
	}
	mw->len = w.off;
	mw->count[DNS_SEC_QUESTION] = 1;
	return 0;
}

/*
 * Appends one RR to section sec, which must not come before the section
 * of the previous record (MX_EINVAL; OPT goes through dns_msgw_opt). The
 * owner must be a valid uncompressed name and rd valid rdata of type, as
 * dns_rdata_check sees it (MX_EMALF or its error), so that whatever is
 * written parses again. Owner and NAME_C rdata names are compressed.
 * MX_ESPACE leaves the message and the compression table exactly as they
 * were: the table only points into what has been kept.
 */
/* Appends one RR; with check set, owner and rdata are validated first. */
static int
msgw_rr(struct dns_msgw *mw, enum dns_section sec, const uint8_t *owner,
    size_t ownerlen, uint16_t type, uint16_t rclass, uint32_t ttl,
    const uint8_t *rd, size_t rdlen, int check)
{
	struct wcur w;
	size_t rdlen_at;
	unsigned ctn;
	int err;

	if (mw->len < DNS_HDR_LEN)
		return MX_ESPACE;
	if (sec < DNS_SEC_ANSWER || sec > DNS_SEC_ADDITIONAL ||
	    (int)sec < (mw->section & MSGW_SEC_MASK) || type == DNS_TYPE_OPT)
		return MX_EINVAL;
	if (rdlen > UINT16_MAX || (rdlen > 0 && rd == NULL))
		return MX_EINVAL;
	if (check && !msgw_name_ok(owner, ownerlen))
		return MX_EMALF;
	if (check && (err = dns_rdata_check(type, rd, rdlen)) != 0)
		return err;

	ctn = mw->ct.n;
	msgw_begin(mw, &w);
	dns_name_write(&w, owner, ownerlen, &mw->ct);
	wcur_u16(&w, type);
	wcur_u16(&w, rclass);
	wcur_u32(&w, ttl);
	rdlen_at = w.off;
	wcur_u16(&w, 0);		/* RDLENGTH, known once written */
	dns_rdata_write(&w, type, rd, rdlen, &mw->ct);
	if (w.err != 0) {
		mw->ct.n = ctn;
		return w.err;
	}
	/* Compression only shrinks rdata, and w.off <= cap <= 65535. */
	wcur_put16_at(&w, rdlen_at, (uint16_t)(w.off - rdlen_at - 2));
	mw->len = w.off;
	mw->count[sec]++;
	mw->section = (mw->section & ~MSGW_SEC_MASK) | (int)sec;
	return 0;
}

int
dns_msgw_rr(struct dns_msgw *mw, enum dns_section sec, const uint8_t *owner,
    size_t ownerlen, uint16_t type, uint16_t rclass, uint32_t ttl,
    const uint8_t *rd, size_t rdlen)
{
	return msgw_rr(mw, sec, owner, ownerlen, type, rclass, ttl, rd, rdlen,
	    1);
}

int
dns_msgw_rr_trusted(struct dns_msgw *mw, enum dns_section sec,
    const uint8_t *owner, size_t ownerlen, uint16_t type, uint16_t rclass,
    uint32_t ttl, const uint8_t *rd, size_t rdlen)
{
	return msgw_rr(mw, sec, owner, ownerlen, type, rclass, ttl, rd, rdlen,
	    0);
}

/*
 * Appends the OPT RR to the additional section: root owner, CLASS = UDP
 * payload size, TTL = extended rcode, version and flags, then e->optlen
 * octets of options, which must be well framed (MX_EMALF). e->present is
 * not looked at. A second OPT gives MX_EOPTMULTI; MX_ESPACE leaves the
 * message as it was. Other additional records may follow it.
 */
int
dns_msgw_opt(struct dns_msgw *mw, const struct dns_edns *e)
{
	struct wcur w;

	if (mw->len < DNS_HDR_LEN)
		return MX_ESPACE;
	if ((mw->section & MSGW_OPT_DONE) != 0)
		return MX_EOPTMULTI;
	if (e->optlen > 0 && e->opts == NULL)
		return MX_EINVAL;
	if (edns_opts_check(e->opts, e->optlen) != 0)
		return MX_EMALF;

	msgw_begin(mw, &w);
	wcur_u8(&w, 0);			/* owner: the root */
	wcur_u16(&w, DNS_TYPE_OPT);
	wcur_u16(&w, e->udp_size);
	wcur_u32(&w, (uint32_t)e->ext_rcode << 24 |
	    (uint32_t)e->version << 16 | e->flags);
	wcur_u16(&w, e->optlen);
	wcur_bytes(&w, e->opts, e->optlen);
	if (w.err != 0)
		return w.err;
	mw->len = w.off;
	mw->count[DNS_SEC_ADDITIONAL]++;
	mw->section = DNS_SEC_ADDITIONAL | MSGW_OPT_DONE;
	return 0;
}

/*
 * ORs flags into the header flags word: TC once a record did not fit, AA,
 * or a 4-bit rcode over a zero one. The flags word holds only the low 4
 * bits of the rcode; the upper 8 of a 12-bit rcode travel in the OPT RR
 * (struct dns_edns ext_rcode, given to dns_msgw_opt).
 */
void
dns_msgw_flags(struct dns_msgw *mw, uint16_t flags)
{
	struct cur c;
	struct wcur w;
	uint16_t old;

	if (mw->len < DNS_HDR_LEN)
		return;
	cur_init(&c, mw->buf, mw->len);
	cur_skip(&c, 2);		/* ID */
	old = cur_u16(&c);
	msgw_begin(mw, &w);
	wcur_put16_at(&w, 2, (uint16_t)(old | flags));
}

/*
 * Writes the four counts into the header and returns the message length
 * (0 if the buffer could not even hold the header). Records may still be
 * added afterwards; finish again before sending.
 */
size_t
dns_msgw_finish(struct dns_msgw *mw)
{
	struct wcur w;
	int i;

	if (mw->len < DNS_HDR_LEN)
		return 0;
	msgw_begin(mw, &w);
	for (i = 0; i < 4; i++)
		wcur_put16_at(&w, 4 + 2 * (size_t)i, mw->count[i]);
	return mw->len;
}
