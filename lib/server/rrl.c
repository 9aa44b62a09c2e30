/* rrl.c -- response rate limiting: a token bucket per client network and
 * kind of answer, with slip (the scheme of BIND, NSD and Knot) */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "mxkit/server.h"
#include "util/cur.h"

/* Locks striped over the buckets: threads rarely touch the same stripe. */
#define RRL_STRIPES	64
/* Credit a bucket may save up, in seconds of rate: a short burst after a
 * quiet period passes, a flood does not. */
#define RRL_BURST	2

struct bucket {
	uint64_t key;		/* 0: empty */
	uint32_t stamp;		/* second of the last refill */
	int32_t balance;	/* responses still allowed */
	uint32_t slipped;	/* limited responses so far, for slip */
};

struct srv_rrl {
	unsigned rate, slip;
	size_t mask;
	struct bucket *b;
	pthread_mutex_t stripe[RRL_STRIPES];
};

struct srv_rrl *
srv_rrl_new(unsigned rate, unsigned slip, size_t buckets)
{
	struct srv_rrl *r;
	size_t n = 1;
	int i;

	if (rate == 0)
		return NULL;
	if (buckets == 0)
		buckets = 65536;
	while (n < buckets && n < ((size_t)1 << 30))
		n <<= 1;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->b = calloc(n, sizeof(*r->b));
	if (r->b == NULL) {
		free(r);
		return NULL;
	}
	r->rate = rate;
	r->slip = slip;
	r->mask = n - 1;
	for (i = 0; i < RRL_STRIPES; i++)
		pthread_mutex_init(&r->stripe[i], NULL);
	return r;
}

void
srv_rrl_free(struct srv_rrl *r)
{
	int i;

	if (r == NULL)
		return;
	for (i = 0; i < RRL_STRIPES; i++)
		pthread_mutex_destroy(&r->stripe[i]);
	free(r->b);
	free(r);
}

/* A 64-bit mix of octets (FNV-1a, then a finaliser); never 0. */
static uint64_t
mix(uint64_t h, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c + 32);
		h = (h ^ c) * 0x100000001b3ull;
	}
	return h;
}

enum srv_rrl_verdict
srv_rrl_check(struct srv_rrl *r, const uint8_t *addr, size_t alen,
    const uint8_t *resp, size_t len, uint32_t now)
{
	uint8_t name[DNS_NAME_MAX], net[8];
	struct bucket *b;
	struct cur c;
	uint64_t key;
	size_t nlen = 0, netlen;
	uint16_t flags, qd;
	unsigned rcode, kind;
	int32_t add;
	enum srv_rrl_verdict v = SRV_RRL_SEND;
	pthread_mutex_t *mu;

	if (r == NULL)
		return SRV_RRL_SEND;
	/* The client's network: /24 for IPv4, /56 for IPv6. */
	netlen = alen == 4 ? 3 : 7;
	if (alen != 4 && alen != 16)
		return SRV_RRL_SEND;
	memcpy(net, addr, netlen);
	cur_init(&c, resp, len);
	cur_skip(&c, 2);
	flags = cur_u16(&c);
	qd = cur_u16(&c);
	cur_skip(&c, 6);
	rcode = DNS_RCODE(flags);
	if (qd == 1 && dns_name_from_wire(&c, name, &nlen) != 0)
		nlen = 0;
	/* The kind: a positive answer counts per name, NXDOMAIN per zone
	 * (the closest thing here: the name's last two labels), errors
	 * all together. Random names under one zone share a bucket. */
	if (rcode == DNS_RCODE_NOERROR) {
		kind = 0;
	} else if (rcode == DNS_RCODE_NXDOMAIN) {
		size_t off = 0;

		kind = 1;
		while (nlen > 0 && dns_name_labels(name + off, nlen - off) > 2)
			off += dns_name_parent(name + off, nlen - off);
		memmove(name, name + off, nlen - off);
		nlen -= off;
	} else {
		kind = 2;
		nlen = 0;
	}
	key = mix(0xcbf29ce484222325ull ^ kind, net, netlen);
	key = mix(key ^ alen, name, nlen) | 1;
	b = &r->b[key & r->mask];
	mu = &r->stripe[(key >> 20) % RRL_STRIPES];
	pthread_mutex_lock(mu);
	if (b->key != key) {
		/* A new (or colliding) key takes the bucket over. */
		b->key = key;
		b->stamp = now;
		b->balance = (int32_t)r->rate;
		b->slipped = 0;
	} else if (now != b->stamp) {
		uint32_t dt = now - b->stamp;

		add = dt > RRL_BURST ? (int32_t)(RRL_BURST * r->rate) :
		    (int32_t)(dt * r->rate);
		b->balance += add;
		if (b->balance > (int32_t)(RRL_BURST * r->rate))
			b->balance = (int32_t)(RRL_BURST * r->rate);
		b->stamp = now;
	}
	if (b->balance > 0) {
		b->balance--;
	} else {
		b->slipped++;
		v = r->slip != 0 && b->slipped % r->slip == 0 ?
		    SRV_RRL_SLIP : SRV_RRL_DROP;
	}
	pthread_mutex_unlock(mu);
	return v;
}

size_t
srv_rrl_slip(uint8_t *resp, size_t len)
{
	uint8_t name[DNS_NAME_MAX];
	size_t nlen;
	struct cur c;
	uint16_t qd;

	if (len < DNS_HDR_LEN)
		return 0;
	cur_init(&c, resp, len);
	cur_skip(&c, 4);
	qd = cur_u16(&c);
	cur_skip(&c, 6);
	if (qd == 1) {
		if (dns_name_from_wire(&c, name, &nlen) != 0)
			return 0;
		cur_skip(&c, 4);
		if (c.err != 0)
			return 0;
	}
	/* TC on, and only the header and question left. */
	resp[2] |= DNS_FLAG_TC >> 8;
	memset(resp + 6, 0, 6);
	return c.off;
}
