/* server.h -- the authoritative server: zone sets and the answer logic
 * (RFC 1034 4.3.2, RFC 1035, RFC 2181, RFC 2308, RFC 4592, RFC 6891) */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "mxkit/zone.h"

/*
 * A zone set: the zones a server answers for, each a finished zone store.
 * Built once, then read-only: threads answer from it without locks, and a
 * reload builds a new set and swaps a pointer (see srv_zoneset_*).
 */
struct srv_zoneset;

struct srv_zoneset *srv_zoneset_new(void);
/*
 * Adds a finished store; the set owns it from now on (also on failure).
 * Returns 0, MX_EEXIST when a zone of that origin is already in the set, or
 * MX_ENOMEM.
 */
int srv_zoneset_add(struct srv_zoneset *zs, struct zone_store *z);
/* Drops the caller's reference; the last one frees the set and every
 * store in it. NULL does nothing. */
void srv_zoneset_free(struct srv_zoneset *zs);
/*
 * A set is reference-counted so that a reader can keep it past a swap: a
 * zone transfer holds the set it started from until its last message,
 * whatever reloads happen meanwhile. srv_zoneset_hold adds a reference (the
 * caller must already be sure the set is alive, e.g. hold one or read it
 * inside its quiescent-state window) and returns zs; srv_zoneset_drop gives
 * it back, and frees the set if it was the last one. Thread-safe.
 */
const struct srv_zoneset *srv_zoneset_hold(const struct srv_zoneset *zs);
void srv_zoneset_drop(const struct srv_zoneset *zs);
/* The zone whose origin is the longest suffix of name, or NULL. */
const struct zone_store *srv_zoneset_find(const struct srv_zoneset *zs,
    const uint8_t *name, size_t len);
/* Number of zones, and zone i (0 <= i < count) in origin order. */
size_t srv_zoneset_count(const struct srv_zoneset *zs);
const struct zone_store *srv_zoneset_zone(const struct srv_zoneset *zs,
    size_t i);

/* Transports, for the size rules and what each may carry. */
enum srv_transport {
	SRV_UDP = 0,
	SRV_TCP = 1,
};

/* Limits and switches of the answer logic. */
struct srv_answer_opts {
	uint16_t max_udp;	/* our EDNS UDP payload size (default 1232) */
};

/* What srv_answer did, for logs, counters and the transport. */
struct srv_answer_info {
	uint16_t qtype;		/* 0 when the query had no readable question */
	unsigned rcode;		/* 12-bit rcode sent */
	int aa, tc;		/* flags sent */
	int axfr;		/* a zone transfer was asked for (TCP only) */
	const struct zone_store *zone;	/* the zone that answered, or NULL */
};

/*
 * Answers one query. q is the query as received (qlen octets); the
 * response goes to out, cap octets, which must hold DNS_MSG_MAX for TCP and
 * at least 512 for UDP. Triage as NSD does: shorter than a header, or a
 * response (QR set): dropped, return 0. Malformed: FORMERR. Unknown opcode:
 * NOTIMP. QDCOUNT other than 1, or several OPT: FORMERR. EDNS version above
 * 0: BADVERS. Names outside every zone: REFUSED. Otherwise the answer of
 * RFC 1034 4.3.2 from the zone set: exact match, CNAME followed inside the
 * zones served, wildcards (RFC 4592), referrals at cuts (AA=0, NS in
 * authority, glue in additional), NXDOMAIN and NODATA with the SOA (TTL as
 * RFC 2308 3 says), A and AAAA of MX/NS/SRV targets in additional (RFC
 * 3596 3) while they fit, TC only when the answer itself does not fit
 * (RFC 2181 9). ANY gets one RRset (RFC 8482). Never recursion (RA=0).
 * An AXFR or IXFR query over TCP is not answered here: info->axfr is set
 * and 0 returned, for the transport to run the transfer; over UDP it is
 * REFUSED. Returns the response length, or 0 for no response.
 */
/*
 * Answering a batch of queries (a recvmmsg's worth) is faster when the
 * memory each will touch is asked for first: call srv_answer_prefetch for
 * every query of the batch (it fills hint[i]), then srv_answer_prefetch2
 * for every hint, then srv_answer for each query. Hints only: any query,
 * even garbage, is fine, and srv_answer does not need them.
 */
struct srv_hint {
	const struct zone_store *z;	/* NULL: nothing to fetch */
	uint32_t hash;
};
void srv_answer_prefetch(const struct srv_zoneset *zs, const uint8_t *q,
    size_t qlen, struct srv_hint *hint);
void srv_answer_prefetch2(const struct srv_hint *hint);

size_t srv_answer(const struct srv_zoneset *zs,
    const struct srv_answer_opts *o, enum srv_transport t,
    const uint8_t *q, size_t qlen, uint8_t *out, size_t cap,
    struct srv_answer_info *info);

/*
 * Zone transfer out (RFC 5936 AXFR; an IXFR query gets the whole zone, as
 * RFC 1995 4 allows). The transport calls srv_xfr_begin when srv_answer set
 * info->axfr and the client may transfer, then srv_xfr_next until it
 * returns 0, sending each message. The zone must stay alive meanwhile (the
 * caller holds the zone set). Records go out SOA first, then every other
 * record (glue and occluded data too), then the SOA again; the first
 * message carries the question.
 */
struct srv_xfr {
	const struct zone_store *z;
	const struct zone_node *const *nodes;
	size_t nnodes, node;
	const struct zone_rrset *set;
	const struct zone_rdata *rd;
	int phase;		/* 0: first SOA, 1: records, 2: last SOA, 3: done */
	uint16_t id;
	uint8_t qname[DNS_NAME_MAX];
	size_t qname_len;
	uint16_t qtype;
	unsigned msgs;
};

/* The usual size of a transfer message: smaller than 65535 so that a slow
 * reader is fed in steps, big enough that framing costs little (Knot and
 * NSD use about 16 KiB too). A record too big for it goes alone in a
 * message of up to 65535 octets. */
#define SRV_XFR_MSG_SIZE	16384

/* Prepares a transfer of zone z for the query q. Returns 0, or MX_EMALF
 * when q cannot be parsed (the caller answers FORMERR then). */
int srv_xfr_begin(struct srv_xfr *x, const struct zone_store *z,
    const uint8_t *q, size_t qlen);
/* Writes the next message into out (cap octets, at most 65535 are used).
 * Returns its length, or 0 when the transfer is complete. */
size_t srv_xfr_next(struct srv_xfr *x, uint8_t *out, size_t cap);

/*
 * NOTIFY (RFC 1996): the message a primary sends its secondaries when a
 * zone's serial changes, with the zone's SOA in the answer section, and the
 * check that a reply belongs to it (same ID, opcode NOTIFY, QR, the zone
 * as question). Returns the length / 1 when it matches, 0 otherwise.
 */
size_t srv_notify_build(const struct zone_store *z, uint16_t id, uint8_t *out,
    size_t cap);
int srv_notify_reply_ok(const struct zone_store *z, uint16_t id,
    const uint8_t *r, size_t rlen);
/* The SOA serial of a zone (0 when it has no SOA). */
uint32_t srv_zone_serial(const struct zone_store *z);

/*
 * Response rate limiting (off unless configured): at most rate responses a
 * second of one kind to one client network (IPv4 /24, IPv6 /56), the kind
 * being the name answered (a positive answer), the zone (NXDOMAIN), or the
 * error. Over the limit a response is dropped, except every slip-th one,
 * which goes out truncated (TC, question only) so that a real client can
 * retry over TCP and a forged one gets nothing bigger than it sent.
 * The table has a fixed size chosen at creation and is shared by the
 * worker threads (striped locks); nothing is allocated per query.
 */
enum srv_rrl_verdict {
	SRV_RRL_SEND = 0,
	SRV_RRL_DROP = 1,
	SRV_RRL_SLIP = 2,
};

struct srv_rrl;

/* rate > 0 responses/s, slip 0 (always drop) or N, buckets a power of two
 * (rounded up; 0 means 65536). NULL when out of memory. */
struct srv_rrl *srv_rrl_new(unsigned rate, unsigned slip, size_t buckets);
void srv_rrl_free(struct srv_rrl *r);
/*
 * Decides about one response: addr is 4 or 16 octets (alen), response the
 * message about to be sent (its rcode and question decide the kind), now
 * the time in seconds (CLOCK_MONOTONIC).
 */
enum srv_rrl_verdict srv_rrl_check(struct srv_rrl *r, const uint8_t *addr,
    size_t alen, const uint8_t *response, size_t len, uint32_t now);
/* Cuts a response down to its header and question with TC set, in place;
 * returns the new length (0 if it cannot be parsed). */
size_t srv_rrl_slip(uint8_t *response, size_t len);
