/* fuzz_reply.c -- fuzz target: the resolver's reply validation (RFC 5452
 * matching) and answer reading (CNAME chains, RRset collection) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "mxkit/resolv.h"

#define RR_CAP	5958

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dns_msg_rr rrs[RR_CAP];

/* The query every input answers: ID 0x1234, "example.org." and the type
 * the first input octet picks. */
static const uint8_t qname[] = "\007example\003org";
static const uint16_t qtypes[] = {
	DNS_TYPE_MX, DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_CNAME, DNS_TYPE_TXT,
	DNS_TYPE_PTR, DNS_TYPE_NS, DNS_TYPE_SOA,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_msg m;
	struct resolv_result *r;
	uint8_t *pkt;
	uint16_t qtype;
	unsigned i;
	int err, rv;
	enum resolv_reply how;

	if (size < 1)
		return 0;
	qtype = qtypes[data[0] % (sizeof(qtypes) / sizeof(qtypes[0]))];
	/* An exact-size heap copy: ASan sees a one-octet over-read. */
	pkt = malloc(size - 1 ? size - 1 : 1);
	CHECK(pkt != NULL);
	memcpy(pkt, data + 1, size - 1);
	how = resolv_reply_match(pkt, size - 1, 0x1234, qname, sizeof(qname),
	    qtype, &m, rrs, RR_CAP, &err);
	CHECK(how == RESOLV_REPLY_IGNORE || how == RESOLV_REPLY_OK ||
	    how == RESOLV_REPLY_BAD);
	CHECK((how == RESOLV_REPLY_BAD) == (err != 0));
	if (how == RESOLV_REPLY_OK && (m.rcode == DNS_RCODE_NOERROR ||
	    m.rcode == DNS_RCODE_NXDOMAIN)) {
		r = calloc(1, sizeof(*r));
		CHECK(r != NULL);
		memcpy(r->qname, qname, sizeof(qname));
		r->qname_len = sizeof(qname);
		r->qtype = qtype;
		rv = resolv_result_take(r, &m, qname, sizeof(qname), qtype);
		CHECK(rv == 0 || rv == 1 || rv == MX_EMALF);
		if (rv >= 0) {
			CHECK(r->nalias <= RESOLV_CHAIN_MAX);
			CHECK(r->nrr <= RESOLV_RR_MAX);
			CHECK(dns_name_wire_len(r->name, r->name_len) ==
			    (int)r->name_len);
			CHECK(r->status == RESOLV_OK ?
			    r->nrr > 0 : r->nrr == 0);
			for (i = 0; i < r->nrr; i++) {
				CHECK(r->rr[i].off + r->rr[i].len <=
				    r->data_len);
				CHECK(r->rr[i].type == qtype);
				CHECK(dns_rdata_check(qtype,
				    resolv_rr_data(r, i), r->rr[i].len) == 0);
			}
			for (i = 0; i < r->nalias; i++)
				CHECK(dns_name_wire_len(r->alias[i],
				    r->alias_len[i]) == (int)r->alias_len[i]);
		}
		resolv_result_free(r);
	}
	free(pkt);
	return 0;
}
