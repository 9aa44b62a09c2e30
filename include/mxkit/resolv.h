/* resolv.h -- stub resolver: configuration, queries, reply validation, async engine */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mxkit/dns.h"

struct ev_loop;

/*
 * Bounds. resolv.conf(5) reads at most 3 name servers (glibc MAXNS) and 6
 * search domains; --server may add more, up to RESOLV_SERVERS_MAX.
 * RESOLV_EDNS_SIZE is the DNS flag day 2020 buffer size. RESOLV_CHAIN_MAX is
 * the CNAME chain bound of mail-dns-spec D8. RESOLV_RR_MAX is the number of
 * records kept from one answer (Postfix caps an answer at 100 records).
 */
#define RESOLV_SERVERS_MAX	8
#define RESOLV_CONF_NS_MAX	3
#define RESOLV_SEARCH_MAX	6
#define RESOLV_EDNS_SIZE	1232
#define RESOLV_CHAIN_MAX	8
#define RESOLV_RR_MAX		100
/* A query: header, question (name at most 255), OPT (11 octets). */
#define RESOLV_QUERY_MAX	(DNS_HDR_LEN + DNS_NAME_MAX + 4 + 11)

/*
 * How a lookup ended. OK means records of the asked type at the end of the
 * CNAME chain; NODATA means the name exists without them (RFC 2308 2.2).
 * The temporary ones (resolv_status_temp) must never be read as "no such
 * record": they are why a mail sender defers instead of bouncing or falling
 * back to the implicit MX (RFC 5321 5.1).
 */
#define RESOLV_STATUSES(X) \
	X(RESOLV_OK,        "OK",        0, "answer") \
	X(RESOLV_NODATA,    "NODATA",    0, "no records of that type") \
	X(RESOLV_NXDOMAIN,  "NXDOMAIN",  0, "name does not exist") \
	X(RESOLV_SERVFAIL,  "SERVFAIL",  1, "server failure") \
	X(RESOLV_REFUSED,   "REFUSED",   1, "query refused") \
	X(RESOLV_FORMERR,   "FORMERR",   1, "server says the query is malformed") \
	X(RESOLV_NOTIMP,    "NOTIMP",    1, "server does not implement the query") \
	X(RESOLV_RCODE,     "RCODE",     1, "unexpected rcode") \
	X(RESOLV_TIMEOUT,   "TIMEOUT",   1, "no reply") \
	X(RESOLV_MALFORMED, "MALFORMED", 1, "malformed reply") \
	X(RESOLV_TRUNCATED, "TRUNCATED", 1, "truncated reply and TCP failed") \
	X(RESOLV_NETWORK,   "NETWORK",   1, "network error") \
	X(RESOLV_LOOP,      "LOOP",      0, "CNAME loop or chain too long") \
	X(RESOLV_REFERRAL,  "REFERRAL",  1, "referral or lame answer, not an answer")

enum resolv_status {
#define RESOLV_ST_ENUM(sym, name, temp, msg) sym,
	RESOLV_STATUSES(RESOLV_ST_ENUM)
#undef RESOLV_ST_ENUM
	RESOLV_NSTATUS
};

/* "NXDOMAIN"; "?" for an unknown value. */
const char *resolv_status_name(int st);
/* "name does not exist". */
const char *resolv_status_text(int st);
/* True for the statuses that are temporary (try again later). */
int resolv_status_temp(int st);

/*
 * Configuration.
 */
struct resolv_server {
	struct sockaddr_storage sa;
	socklen_t salen;
};

#define RESOLV_CONF_ROTATE	0x1u	/* options rotate: start at a random server */
#define RESOLV_CONF_TCP		0x2u	/* every query over TCP (options use-vc, host -T) */
#define RESOLV_CONF_NOEDNS	0x4u	/* no OPT record: 512-octet replies */
#define RESOLV_CONF_NORD	0x8u	/* RD=0 (asking authoritative servers) */
#define RESOLV_CONF_V4		0x10u	/* only IPv4 servers (host -4) */
#define RESOLV_CONF_V6		0x20u	/* only IPv6 servers (host -6) */

struct resolv_conf {
	struct resolv_server server[RESOLV_SERVERS_MAX];
	unsigned nserver;
	unsigned timeout_ms;	/* per try; "options timeout:N" (s), default 5 s */
	unsigned attempts;	/* rounds over the servers; default 2 */
	unsigned ndots;		/* default 1 */
	unsigned flags;		/* RESOLV_CONF_* */
	uint8_t search[RESOLV_SEARCH_MAX][DNS_NAME_MAX];
	size_t search_len[RESOLV_SEARCH_MAX];
	unsigned nsearch;
};

/* Defaults of resolv.conf(5), no server. */
void resolv_conf_init(struct resolv_conf *rc);

/*
 * Reads resolv.conf(5) text: nameserver (at most 3, as glibc), search and
 * domain (the last one wins), options timeout:N attempts:N ndots:N rotate
 * use-vc edns0. Unknown keywords and malformed lines are ignored, as the
 * libc does; *bad (if not NULL) counts the malformed ones. Keeps the
 * servers already in rc. Returns 0.
 */
int resolv_conf_parse(struct resolv_conf *rc, const char *text, size_t len,
    unsigned *bad);

/*
 * Reads path (NULL: /etc/resolv.conf). A missing file, or one without a
 * usable nameserver line, leaves 127.0.0.1 and ::1 port 53, as the libc
 * does. Returns 0, or MX_EIO when the file exists but cannot be read.
 */
int resolv_conf_load(struct resolv_conf *rc, const char *path);

/*
 * Parses a server address: "192.0.2.1", "192.0.2.1:5353", "2001:db8::1",
 * "[2001:db8::1]:5353", "::1"; defport when no port is given. Names are not
 * resolved. Returns 0 or MX_EINVAL.
 */
int resolv_server_parse(struct resolv_server *s, const char *text,
    uint16_t defport);

/* Appends s to rc's servers. Returns 0 or MX_ELIMIT. */
int resolv_conf_add_server(struct resolv_conf *rc,
    const struct resolv_server *s);

/* Writes "192.0.2.1#53" / "2001:db8::1#53" into buf (at least 64 bytes). */
const char *resolv_server_text(const struct resolv_server *s, char buf[64]);

/*
 * Queries and replies: no I/O here.
 */
#define RESOLV_Q_RD	0x1u	/* recursion desired */
#define RESOLV_Q_EDNS	0x2u	/* OPT with RESOLV_EDNS_SIZE */

/*
 * Writes a query for (qname, qtype, class IN) with the given ID into buf.
 * Returns its length, or MX_ESPACE / MX_EINVAL (qname not a wire name).
 */
int resolv_query_build(uint8_t buf[RESOLV_QUERY_MAX], uint16_t id,
    const uint8_t *qname, size_t qlen, uint16_t qtype, unsigned flags);

/* What resolv_reply_match found. */
enum resolv_reply {
	RESOLV_REPLY_IGNORE = 0,	/* not a reply to this query: drop it */
	RESOLV_REPLY_OK,		/* the reply, parsed into m */
	RESOLV_REPLY_BAD,		/* the reply, but malformed */
};

/*
 * Decides whether pkt (len octets, from the address and port that were
 * asked: the caller checks that) answers the query (id, qname, qtype, class
 * IN), as RFC 5452 9.1 requires: QR set, same ID, opcode QUERY, one question
 * equal to ours (name compared without case). A reply without a question is
 * accepted only with an error rcode (servers drop the question of a query
 * they cannot parse). A reply that passes these tests but does not parse is
 * BAD, with the parse error in *err. The records are indexed into
 * rr[rr_cap]; more records than that is BAD (MX_ESPACE).
 */
enum resolv_reply resolv_reply_match(const uint8_t *pkt, size_t len,
    uint16_t id, const uint8_t *qname, size_t qlen, uint16_t qtype,
    struct dns_msg *m, struct dns_msg_rr *rr, size_t rr_cap, int *err);

/*
 * Results.
 */
struct resolv_rr {
	uint16_t type;
	uint16_t len;
	uint32_t ttl;
	uint32_t off;		/* rdata (uncompressed) at result->data + off */
};

struct resolv_result {
	int status;		/* enum resolv_status */
	int err;		/* MX_E* detail (MALFORMED, NETWORK), else 0 */
	unsigned rcode;		/* of the last reply; 0 when none came */
	uint16_t flags;		/* header flags of the last reply */
	uint16_t qtype;
	uint8_t qname[DNS_NAME_MAX];	/* as asked */
	size_t qname_len;
	uint8_t name[DNS_NAME_MAX];	/* end of the CNAME chain */
	size_t name_len;
	unsigned nalias;		/* CNAMEs followed, in order */
	uint8_t alias[RESOLV_CHAIN_MAX][DNS_NAME_MAX];	/* their owners */
	size_t alias_len[RESOLV_CHAIN_MAX];
	struct resolv_rr rr[RESOLV_RR_MAX];	/* qtype RRset at name */
	unsigned nrr;
	unsigned dropped;	/* records over RESOLV_RR_MAX */
	uint8_t *data;		/* rdata of rr[] */
	size_t data_len, data_cap;
	uint8_t *reply;		/* the last reply as received */
	size_t reply_len;
	unsigned queries;	/* messages sent, all tries and names */
	int tcp;		/* the last reply came over TCP */
	struct resolv_server from;	/* who sent the last reply */
};

/* The rdata of r->rr[i]. */
static inline const uint8_t *
resolv_rr_data(const struct resolv_result *r, unsigned i)
{
	return r->data + r->rr[i].off;
}

/* Frees a result; NULL does nothing. */
void resolv_result_free(struct resolv_result *r);

/*
 * Reads a parsed reply m to the query for (name, qtype) into r: follows the
 * CNAMEs of the answer section from name (at most RESOLV_CHAIN_MAX in all,
 * counting r->nalias already there), appends their owners to r->alias,
 * sets r->name to the end of the chain and collects the qtype records
 * there. Returns what the caller does next:
 *   0  done: r->status is OK, NODATA, NXDOMAIN, LOOP or REFERRAL (no
 *      answer, no SOA, NS records in the authority section: a server
 *      that sends us elsewhere, or a lame one -- never "no such data")
 *   1  ask again for r->name (the chain leaves what this server answered,
 *      typically an authoritative server whose zone holds only the CNAME)
 * or MX_ENOMEM. The rcode must be NOERROR or NXDOMAIN (RFC 6604: it
 * describes the last name of the chain).
 */
int resolv_result_take(struct resolv_result *r, const struct dns_msg *m,
    const uint8_t *name, size_t nlen, uint16_t qtype);

/*
 * The engine: many queries in flight on one event loop, over one UDP socket
 * per family (plus one TCP connection per truncated reply). Each try goes to
 * the next server (attempts rounds over the servers), with a fresh random
 * ID; a reply is taken only from the address and port asked and only when
 * resolv_reply_match accepts it, other packets are dropped. SERVFAIL,
 * REFUSED and the other error rcodes, and malformed replies, move to the
 * next try at once; the result is the last of them when no try succeeds.
 * TC moves the same try to TCP.
 */
#define RESOLV_Q_CHASE	0x100u	/* ask again along CNAMEs out of the reply */
#define RESOLV_Q_RAW	0x200u	/* keep the whole reply in result->reply */
#define RESOLV_Q_NORD	0x400u	/* RD=0 for this query (an authoritative server) */

typedef void resolv_done_fn(struct resolv_result *r, void *ud);
struct resolv_engine;

/* A new engine on loop l with a copy of rc; NULL when out of memory. */
struct resolv_engine *resolv_engine_new(struct ev_loop *l,
    const struct resolv_conf *rc);

/*
 * Frees the engine and every query still in flight. The callback of each
 * of those runs once with a NULL result (cancelled), so that its owner
 * can free what it hung on the query; it cannot start new queries. NULL
 * does nothing.
 */
void resolv_engine_free(struct resolv_engine *e);

/*
 * Starts a query for (qname, qtype) with RESOLV_Q_* flags. fn is called
 * exactly once, from the loop (never from inside this call), with a result
 * it owns and frees with resolv_result_free (or with NULL when the engine
 * is freed first). fn may start new queries; it
 * must not free the engine (stop the loop and free it afterwards). Returns 0, MX_ENOMEM, MX_EINVAL
 * (bad name) or MX_ENOENT (no server usable with rc's flags).
 */
int resolv_engine_query(struct resolv_engine *e, const uint8_t *qname,
    size_t qlen, uint16_t qtype, unsigned flags, resolv_done_fn *fn,
    void *ud);

/*
 * As resolv_engine_query, but asks srv only (conf.attempts tries), not the
 * configured servers: how a checker asks each authoritative server of a
 * zone directly. Use RESOLV_Q_NORD with it. Returns the same errors.
 */
int resolv_engine_query_to(struct resolv_engine *e,
    const struct resolv_server *srv, const uint8_t *qname, size_t qlen,
    uint16_t qtype, unsigned flags, resolv_done_fn *fn, void *ud);

/* Queries in flight. */
size_t resolv_engine_pending(const struct resolv_engine *e);

/*
 * One query, blocking: an engine on a private loop, run to the end.
 * Returns 0 and the result in *out (free it with resolv_result_free), or
 * the error of resolv_engine_query / MX_ENOMEM.
 */
int resolv_lookup(const struct resolv_conf *rc, const uint8_t *qname,
    size_t qlen, uint16_t qtype, unsigned flags, struct resolv_result **out);
