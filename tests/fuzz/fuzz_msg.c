/* fuzz_msg.c -- fuzz target: dns_msg_parse, every record decoded, and a
 * parsed message written back with dns_msgw_* must parse again */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"

/* A message of 65535 octets holds at most 5957 RRs (dns.h), so this index
 * never fills. */
#define RR_CAP	5958

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Scratch space, too big for the stack; a fuzz target runs one input at a
 * time. The input itself always gets a heap block of its exact size. */
static struct {
	struct dns_msg_rr rr[RR_CAP], rr2[RR_CAP];
	uint8_t out[DNS_MSG_MAX];
	uint8_t rd[DNS_MSG_MAX], rd2[DNS_MSG_MAX];
} s;

/* Every record that dns_msg_parse indexed was validated, so its owner and
 * rdata must decode, even when a later record made the parse fail. */
static void
records_decode(const struct dns_msg *m)
{
	uint8_t owner[DNS_NAME_MAX];
	size_t i, ownerlen, rdlen;

	CHECK(m->nrr <= m->rr_cap);
	for (i = 0; i < m->nrr; i++) {
		CHECK(dns_msg_rr_owner(m, &m->rr[i], owner, &ownerlen) == 0);
		CHECK(ownerlen >= 1 && ownerlen <= DNS_NAME_MAX);
		CHECK(dns_msg_rr_rdata(m, &m->rr[i], s.rd, sizeof(s.rd),
		    &rdlen) == 0);
		CHECK(dns_rdata_check(m->rr[i].type, s.rd, rdlen) == 0);
	}
}

/* With DNS_MSG_NO_RDATA_CHECK the rdata may be anything: decoding must
 * fail cleanly, never crash. */
static void
records_decode_lenient(const struct dns_msg *m)
{
	uint8_t owner[DNS_NAME_MAX];
	size_t i, ownerlen, rdlen;

	for (i = 0; i < m->nrr; i++) {
		CHECK(dns_msg_rr_owner(m, &m->rr[i], owner, &ownerlen) == 0);
		CHECK(dns_msg_rr_rdata(m, &m->rr[i], s.rd, sizeof(s.rd),
		    &rdlen) <= 0);
	}
}

/*
 * Writes the records of m back, in order, with the OPT RR where it was,
 * and parses the result, which must succeed and give the same records.
 * Running out of room is the one acceptable failure: the original may have
 * compressed better than our writer (a fuller table, names in NAME_D
 * fields); then the records written so far must still parse.
 */
static void
rewrite_check(const struct dns_msg *m)
{
	struct dns_msgw mw;
	struct dns_msg m2;
	uint8_t owner[DNS_NAME_MAX], owner2[DNS_NAME_MAX];
	size_t i, ownerlen, ownerlen2, rdlen, rdlen2, len, written = 0;
	int err = 0, opt_done = 0;

	dns_msgw_init(&mw, s.out, sizeof(s.out), m->hdr.id, m->hdr.flags);
	if (m->qname_len > 0)
		CHECK(dns_msgw_question(&mw, m->qname, m->qname_len, m->qtype,
		    m->qclass) == 0);
	for (i = 0; i < m->nrr && err == 0; i++) {
		const struct dns_msg_rr *rr = &m->rr[i];

		if (m->edns.present && !opt_done &&
		    rr->section == DNS_SEC_ADDITIONAL &&
		    rr->owner_off > m->opt_off) {
			if ((err = dns_msgw_opt(&mw, &m->edns)) != 0)
				break;
			opt_done = 1;
		}
		CHECK(dns_msg_rr_owner(m, rr, owner, &ownerlen) == 0);
		CHECK(dns_msg_rr_rdata(m, rr, s.rd, sizeof(s.rd), &rdlen) == 0);
		err = dns_msgw_rr(&mw, (enum dns_section)rr->section, owner,
		    ownerlen, rr->type, rr->rclass, rr->ttl, s.rd, rdlen);
		if (err == 0)
			written++;
	}
	if (err == 0 && m->edns.present && !opt_done) {
		if ((err = dns_msgw_opt(&mw, &m->edns)) == 0)
			opt_done = 1;
	}
	if (err != 0)
		fprintf(stderr, "rewrite: %s after %zu records\n",
		    mx_errname(err), written);
	CHECK(err == 0 || err == MX_ESPACE);

	len = dns_msgw_finish(&mw);
	CHECK(len >= DNS_HDR_LEN && len <= DNS_MSG_MAX);
	err = dns_msg_parse(&m2, s.out, len, s.rr2, RR_CAP, 0);
	if (err != 0)
		fprintf(stderr, "reparse: %s\n", mx_errname(err));
	CHECK(err == 0);
	CHECK(m2.hdr.id == m->hdr.id && m2.hdr.flags == m->hdr.flags);
	CHECK(m2.qname_len == m->qname_len);
	CHECK(memcmp(m2.qname, m->qname, m->qname_len) == 0);
	CHECK(m2.qtype == m->qtype && m2.qclass == m->qclass);
	CHECK(m2.nrr == written);
	CHECK(m2.edns.present == opt_done);
	if (opt_done) {
		CHECK(m2.edns.udp_size == m->edns.udp_size);
		CHECK(m2.edns.ext_rcode == m->edns.ext_rcode);
		CHECK(m2.edns.version == m->edns.version);
		CHECK(m2.edns.flags == m->edns.flags);
		CHECK(m2.edns.optlen == m->edns.optlen);
		CHECK(m->edns.optlen == 0 ||
		    memcmp(m2.edns.opts, m->edns.opts, m->edns.optlen) == 0);
		CHECK(m2.rcode == m->rcode);
	}
	for (i = 0; i < written; i++) {
		const struct dns_msg_rr *a = &m->rr[i], *b = &m2.rr[i];

		CHECK(a->section == b->section && a->type == b->type);
		CHECK(a->rclass == b->rclass && a->ttl == b->ttl);
		CHECK(dns_msg_rr_owner(m, a, owner, &ownerlen) == 0);
		CHECK(dns_msg_rr_owner(&m2, b, owner2, &ownerlen2) == 0);
		/* Compression may borrow the case of an earlier name. */
		CHECK(dns_name_equal(owner, ownerlen, owner2, ownerlen2));
		CHECK(dns_msg_rr_rdata(m, a, s.rd, sizeof(s.rd), &rdlen) == 0);
		CHECK(dns_msg_rr_rdata(&m2, b, s.rd2, sizeof(s.rd2),
		    &rdlen2) == 0);
		CHECK(dns_rdata_cmp(a->type, s.rd, rdlen, s.rd2, rdlen2) == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_msg m, lm;
	uint8_t *pkt = NULL;
	int err, lerr;

	if (size > 0) {
		if ((pkt = malloc(size)) == NULL)
			return 0;
		memcpy(pkt, data, size);
	}
	err = dns_msg_parse(&m, pkt, size, s.rr, RR_CAP, 0);
	CHECK(err <= 0);
	CHECK(err != MX_ESPACE);
	if (size >= DNS_HDR_LEN)
		CHECK(m.hdr.id == (uint16_t)(data[0] << 8 | data[1]));
	records_decode(&m);

	/* Without rdata checks a message can only parse more often. */
	lerr = dns_msg_parse(&lm, pkt, size, s.rr2, RR_CAP,
	    DNS_MSG_NO_RDATA_CHECK);
	CHECK(lerr <= 0);
	if (err == 0)
		CHECK(lerr == 0 && lm.nrr == m.nrr);
	records_decode_lenient(&lm);

	if (err == 0)
		rewrite_check(&m);
	free(pkt);
	return 0;
}
