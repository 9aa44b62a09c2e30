/* engine.c -- the resolver's I/O: queries in flight over a few UDP sockets, TCP on TC, tries and timers */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mxkit/err.h"
#include "mxkit/resolv.h"
#include "util/cur.h"
#include "util/ev.h"

/*
 * UDP sockets per family. Each is bound to a port the kernel picks at
 * random and retired after ENG_SOCK_USES queries, so that the source port
 * keeps changing (RFC 5452 9.2) while thousands of queries share a handful
 * of file descriptors. A socket's 16-bit ID space maps straight to the
 * query that owns the ID.
 */
#define ENG_SOCKS	4
#define ENG_SOCK_USES	256
/* Datagrams read per readiness round on one socket, so that a flood on
 * one socket cannot starve the loop's timers. */
#define ENG_READ_BATCH	256
/*
 * Pacing: at most ENG_BURST queries start per millisecond of the loop's
 * clock; the others wait for the next one. Thousands of queries submitted
 * at once would otherwise leave in one burst and overflow the socket
 * buffers on the way (ours, the server's), turning into timeouts.
 */
#define ENG_BURST	64
/* Receive buffer asked for each UDP socket (the kernel caps it at
 * net.core.rmem_max). */
#define ENG_RCVBUF	(1 << 20)
/* Records indexed per reply: 65535 octets hold at most 5957 RRs. */
#define ENG_RR_MAX	5958

struct usock {
	struct resolv_engine *e;
	int fd;
	int family;
	unsigned used;		/* queries sent since it was opened */
	unsigned pending;	/* IDs registered */
	struct rq **byid;	/* 65536 slots */
};

enum { TCP_IDLE, TCP_SEND, TCP_LEN, TCP_BODY };

/* One query in flight. */
struct rq {
	struct resolv_engine *e;
	struct rq *prev, *next;
	struct resolv_result *r;
	resolv_done_fn *fn;
	void *ud;
	unsigned flags;
	uint16_t qtype;
	uint8_t name[DNS_NAME_MAX];	/* the name asked now (CNAME chase) */
	size_t nlen;
	unsigned try, ntries, srv0;
	const struct resolv_server *srv;	/* of the current try */
	struct resolv_server own;	/* resolv_engine_query_to's server */
	int has_own;
	struct usock *sock;	/* where id is registered, NULL if not */
	uint16_t id;
	uint8_t q[2 + RESOLV_QUERY_MAX];	/* TCP length + query */
	size_t qlen;
	struct ev_timer timer;
	int starting;		/* the timer starts the first try */
	int last, last_err;	/* outcome of the tries that failed */
	int from_tc;		/* this try went to TCP because of TC */
	/* TCP */
	int tstate, tfd;
	size_t tdone;
	uint8_t tlen[2];
	uint8_t *tbuf;
	size_t tneed;
};

struct resolv_engine {
	struct ev_loop *l;
	struct resolv_conf rc;
	const struct resolv_server *srv[RESOLV_SERVERS_MAX];
	unsigned nsrv;
	struct usock sock[2][ENG_SOCKS];	/* [0] IPv4, [1] IPv6 */
	struct rq *head;
	size_t pending;
	uint16_t rnd[64];
	unsigned nrnd;
	uint64_t burst_at;	/* the millisecond of the current burst */
	unsigned burst;		/* queries started in it */
	uint8_t rbuf[DNS_MSG_MAX];
	struct dns_msg_rr rrs[ENG_RR_MAX];
};

static void rq_send(struct rq *q);
static void rq_fail(struct rq *q, int st, int err);

static uint32_t
eng_random(struct resolv_engine *e)
{
	if (e->nrnd == 0) {
		if (getrandom(e->rnd, sizeof(e->rnd), 0) !=
		    (ssize_t)sizeof(e->rnd)) {
			/* getrandom does not fail for 128 bytes once the
			 * pool is ready; keep going with what is there. */
			e->rnd[0] ^= (uint16_t)(uintptr_t)e;
		}
		e->nrnd = 64;
	}
	return e->rnd[--e->nrnd];
}

static int
fam_index(int family)
{
	return family == AF_INET6;
}

static void
usock_close(struct resolv_engine *e, struct usock *s)
{
	if (s->fd >= 0) {
		ev_io_del(e->l, s->fd);
		close(s->fd);
	}
	s->fd = -1;
	s->used = 0;
}

static void udp_read(struct ev_loop *l, int fd, unsigned events, void *ud);

static int
usock_open(struct resolv_engine *e, struct usock *s)
{
	int fd, n;

	if (s->byid == NULL) {
		s->byid = calloc(65536, sizeof(*s->byid));
		if (s->byid == NULL)
			return MX_ENOMEM;
	}
	fd = socket(s->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno == ENOMEM || errno == ENOBUFS ? MX_ENOMEM : MX_EIO;
	n = ENG_RCVBUF;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &n, sizeof(n));
	/* No bind: the first sendto picks a random ephemeral port. */
	if (ev_io_set(e->l, fd, EV_READ, udp_read, s) != 0) {
		close(fd);
		return MX_ENOMEM;
	}
	s->fd = fd;
	s->used = 0;
	return 0;
}

/* A socket for the next query of family f. */
static struct usock *
usock_pick(struct resolv_engine *e, int family, int *err)
{
	struct usock *set = e->sock[fam_index(family)], *s;
	unsigned k, start = eng_random(e) % ENG_SOCKS;

	for (k = 0; k < ENG_SOCKS; k++) {
		s = &set[(start + k) % ENG_SOCKS];
		if (s->fd >= 0 && s->used >= ENG_SOCK_USES && s->pending == 0)
			usock_close(e, s);
		if (s->fd < 0) {
			if ((*err = usock_open(e, s)) != 0)
				return NULL;
			return s;
		}
		if (s->used < ENG_SOCK_USES)
			return s;
	}
	/* All busy and worn: use one anyway, IDs are still random. */
	return &set[start];
}

static void
rq_unregister(struct rq *q)
{
	if (q->sock != NULL) {
		q->sock->byid[q->id] = NULL;
		q->sock->pending--;
		q->sock = NULL;
	}
}

static void
rq_tcp_close(struct rq *q)
{
	if (q->tfd >= 0) {
		ev_io_del(q->e->l, q->tfd);
		close(q->tfd);
		q->tfd = -1;
	}
	free(q->tbuf);
	q->tbuf = NULL;
	q->tstate = TCP_IDLE;
}

static void
rq_free(struct rq *q)
{
	struct resolv_engine *e = q->e;

	rq_unregister(q);
	rq_tcp_close(q);
	ev_timer_stop(e->l, &q->timer);
	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		e->head = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	e->pending--;
	free(q);
}

/* Delivers the result and forgets the query. */
static void
rq_finish(struct rq *q, int st, int err)
{
	struct resolv_result *r = q->r;
	resolv_done_fn *fn = q->fn;
	void *ud = q->ud;

	if (st >= 0)
		r->status = st;
	if (err != 0)
		r->err = err;
	q->r = NULL;
	rq_free(q);
	fn(r, ud);
}

static int
same_addr(const struct sockaddr_storage *a, socklen_t alen,
    const struct resolv_server *s)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)a;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)&s->sa;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&s->sa;

	if (a->ss_family != s->sa.ss_family)
		return 0;
	if (a->ss_family == AF_INET)
		return alen >= (socklen_t)sizeof(*a4) &&
		    a4->sin_port == s4->sin_port &&
		    a4->sin_addr.s_addr == s4->sin_addr.s_addr;
	return alen >= (socklen_t)sizeof(*a6) &&
	    a6->sin6_port == s6->sin6_port &&
	    memcmp(&a6->sin6_addr, &s6->sin6_addr, 16) == 0;
}

static int
rcode_status(unsigned rcode)
{
	switch (rcode) {
	case DNS_RCODE_SERVFAIL:
		return RESOLV_SERVFAIL;
	case DNS_RCODE_REFUSED:
		return RESOLV_REFUSED;
	case DNS_RCODE_FORMERR:
		return RESOLV_FORMERR;
	case DNS_RCODE_NOTIMP:
		return RESOLV_NOTIMP;
	default:
		return RESOLV_RCODE;
	}
}

static int
keep_reply(struct rq *q, const uint8_t *pkt, size_t len)
{
	uint8_t *p;

	if (!(q->flags & RESOLV_Q_RAW))
		return 0;
	p = realloc(q->r->reply, len);
	if (p == NULL)
		return MX_ENOMEM;
	memcpy(p, pkt, len);
	q->r->reply = p;
	q->r->reply_len = len;
	return 0;
}

static void rq_tcp_start(struct rq *q, int from_tc);

/* A reply that matched the current try (m parsed from pkt). */
static void
rq_reply(struct rq *q, const struct dns_msg *m, const uint8_t *pkt,
    size_t len, int tcp)
{
	struct resolv_result *r = q->r;
	int rv;

	if (!tcp && (m->hdr.flags & DNS_FLAG_TC)) {
		/* RFC 2181 9: the answer did not fit; same try, over TCP. */
		rq_tcp_start(q, 1);
		return;
	}
	r->rcode = m->rcode;
	r->flags = m->hdr.flags;
	r->from = *q->srv;
	r->tcp = tcp;
	if (keep_reply(q, pkt, len) != 0) {
		rq_finish(q, RESOLV_NETWORK, MX_ENOMEM);
		return;
	}
	if (m->rcode != DNS_RCODE_NOERROR && m->rcode != DNS_RCODE_NXDOMAIN) {
		rq_fail(q, rcode_status(m->rcode), 0);
		return;
	}
	rv = resolv_result_take(r, m, q->name, q->nlen, q->qtype);
	if (rv < 0) {
		if (rv == MX_ENOMEM)
			rq_finish(q, RESOLV_NETWORK, rv);
		else
			rq_fail(q, RESOLV_MALFORMED, rv);
		return;
	}
	if (rv == 0 || !(q->flags & RESOLV_Q_CHASE)) {
		rq_finish(q, -1, 0);
		return;
	}
	/* Follow the chain: a new name, a fresh set of tries. */
	rq_unregister(q);
	rq_tcp_close(q);
	memcpy(q->name, r->name, r->name_len);
	q->nlen = r->name_len;
	q->try = 0;
	q->last = RESOLV_TIMEOUT;
	q->last_err = 0;
	rq_send(q);
}

/*
 * A try ended without a usable answer. An answer from a server (an error
 * rcode, a malformed reply) tells more than silence, so it is kept over a
 * timeout or a network error; the next try starts at once.
 */
static void
rq_fail(struct rq *q, int st, int err)
{
	int weak = q->last == RESOLV_TIMEOUT || q->last == RESOLV_NETWORK;

	if (weak || (st != RESOLV_TIMEOUT && st != RESOLV_NETWORK)) {
		q->last = st;
		q->last_err = err;
	}
	rq_unregister(q);
	rq_tcp_close(q);
	ev_timer_stop(q->e->l, &q->timer);
	q->try++;
	if (q->try >= q->ntries) {
		rq_finish(q, q->last, q->last_err);
		return;
	}
	rq_send(q);
}

static int
errno_code(int e)
{
	return e == ENOMEM || e == ENOBUFS ? MX_ENOMEM : MX_EIO;
}

/* Registers a fresh random ID for q on s and builds the query. */
static int
rq_prepare(struct rq *q, struct usock *s)
{
	uint16_t id;
	unsigned k;
	int n;

	id = (uint16_t)eng_random(q->e);
	for (k = 0; s->byid[id] != NULL && k < 65536; k++)
		id = k < 64 ? (uint16_t)eng_random(q->e) : (uint16_t)(id + 1);
	if (s->byid[id] != NULL)
		return MX_ELIMIT;
	n = resolv_query_build(q->q + 2, id, q->name, q->nlen, q->qtype,
	    ((q->e->rc.flags & RESOLV_CONF_NORD) || (q->flags & RESOLV_Q_NORD) ?
	    0 : RESOLV_Q_RD) |
	    ((q->e->rc.flags & RESOLV_CONF_NOEDNS) ? 0 : RESOLV_Q_EDNS));
	if (n < 0)
		return n;
	q->qlen = (size_t)n;
	q->q[0] = (uint8_t)(n >> 8);
	q->q[1] = (uint8_t)n;
	q->id = id;
	s->byid[id] = q;
	s->pending++;
	s->used++;
	q->sock = s;
	return 0;
}

/* Starts try number q->try. */
static void
rq_send(struct rq *q)
{
	struct resolv_engine *e = q->e;
	struct usock *s;
	ssize_t n;
	int err = 0;

	q->srv = q->has_own ? &q->own : e->srv[(q->srv0 + q->try) % e->nsrv];
	q->from_tc = 0;
	s = usock_pick(e, q->srv->sa.ss_family, &err);
	if (s == NULL) {
		rq_fail(q, RESOLV_NETWORK, err);
		return;
	}
	if ((err = rq_prepare(q, s)) != 0) {
		rq_fail(q, RESOLV_NETWORK, err);
		return;
	}
	if (ev_timer_at(e->l, &q->timer, ev_now(e->l) + e->rc.timeout_ms)
	    != 0) {
		rq_finish(q, RESOLV_NETWORK, MX_ENOMEM);
		return;
	}
	q->r->queries++;
	if (e->rc.flags & RESOLV_CONF_TCP) {
		rq_tcp_start(q, 0);
		return;
	}
	do
		n = sendto(s->fd, q->q + 2, q->qlen, 0,
		    (const struct sockaddr *)&q->srv->sa, q->srv->salen);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		/* EAGAIN on a full send buffer is left to the timer. */
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			rq_fail(q, RESOLV_NETWORK, errno_code(errno));
	}
}

static void
udp_read(struct ev_loop *l, int fd, unsigned events, void *ud)
{
	struct usock *s = ud;
	struct resolv_engine *e = s->e;
	struct sockaddr_storage from;
	socklen_t flen;
	struct dns_msg m;
	struct rq *q;
	ssize_t n;
	unsigned k;
	int err;

	(void)l;
	(void)events;
	for (k = 0; k < ENG_READ_BATCH && s->fd == fd; k++) {
		flen = sizeof(from);
		n = recvfrom(fd, e->rbuf, sizeof(e->rbuf), MSG_DONTWAIT,
		    (struct sockaddr *)&from, &flen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* EAGAIN, or an ICMP error queued on the socket
			 * (which one of the servers it came from is not
			 * known: the timer covers it). */
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			continue;
		}
		if (n < 2)
			continue;
		q = s->byid[(uint16_t)(e->rbuf[0] << 8 | e->rbuf[1])];
		/* RFC 5452 9.1: only from the address and port asked. */
		if (q == NULL || q->tstate != TCP_IDLE ||
		    !same_addr(&from, flen, q->srv))
			continue;
		switch (resolv_reply_match(e->rbuf, (size_t)n, q->id, q->name,
		    q->nlen, q->qtype, &m, e->rrs, ENG_RR_MAX, &err)) {
		case RESOLV_REPLY_IGNORE:
			break;
		case RESOLV_REPLY_BAD:
			rq_fail(q, RESOLV_MALFORMED, err);
			break;
		case RESOLV_REPLY_OK:
			rq_reply(q, &m, e->rbuf, (size_t)n, 0);
			break;
		}
	}
}

/*
 * TCP (RFC 7766): one connection per truncated reply, the query framed
 * with its two-octet length, one reply read back. The try's timer keeps
 * running, so a silent or slow server cannot hold the query longer.
 */
static void
tcp_fail(struct rq *q, int err)
{
	rq_fail(q, q->from_tc ? RESOLV_TRUNCATED : RESOLV_NETWORK, err);
}

static void
tcp_io(struct ev_loop *l, int fd, unsigned events, void *ud)
{
	struct rq *q = ud;
	struct resolv_engine *e = q->e;
	struct dns_msg m;
	ssize_t n;
	int err;

	(void)l;
	(void)fd;
	if (q->tstate == TCP_SEND) {
		n = send(q->tfd, q->q + q->tdone, q->qlen + 2 - q->tdone,
		    MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			tcp_fail(q, errno_code(errno));
			return;
		}
		q->tdone += (size_t)n;
		if (q->tdone < q->qlen + 2)
			return;
		q->tstate = TCP_LEN;
		q->tdone = 0;
		if (ev_io_set(e->l, q->tfd, EV_READ, tcp_io, q) != 0)
			tcp_fail(q, MX_ENOMEM);
		return;
	}
	if (q->tstate == TCP_LEN) {
		n = recv(q->tfd, q->tlen + q->tdone, 2 - q->tdone, 0);
		if (n <= 0) {
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				return;
			tcp_fail(q, n == 0 ? MX_ESHORT : errno_code(errno));
			return;
		}
		q->tdone += (size_t)n;
		if (q->tdone < 2)
			return;
		q->tneed = (size_t)q->tlen[0] << 8 | q->tlen[1];
		if (q->tneed < DNS_HDR_LEN) {
			rq_fail(q, RESOLV_MALFORMED, MX_EHEADER);
			return;
		}
		q->tbuf = malloc(q->tneed);
		if (q->tbuf == NULL) {
			tcp_fail(q, MX_ENOMEM);
			return;
		}
		q->tstate = TCP_BODY;
		q->tdone = 0;
		return;
	}
	if (q->tstate != TCP_BODY) {
		(void)events;
		return;
	}
	n = recv(q->tfd, q->tbuf + q->tdone, q->tneed - q->tdone, 0);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		tcp_fail(q, n == 0 ? MX_ESHORT : errno_code(errno));
		return;
	}
	q->tdone += (size_t)n;
	if (q->tdone < q->tneed)
		return;
	/* On a connection of our own, anything but the reply is broken. */
	switch (resolv_reply_match(q->tbuf, q->tneed, q->id, q->name, q->nlen,
	    q->qtype, &m, e->rrs, ENG_RR_MAX, &err)) {
	case RESOLV_REPLY_IGNORE:
		rq_fail(q, RESOLV_MALFORMED, MX_EMALF);
		break;
	case RESOLV_REPLY_BAD:
		rq_fail(q, RESOLV_MALFORMED, err);
		break;
	case RESOLV_REPLY_OK:
		rq_reply(q, &m, q->tbuf, q->tneed, 1);
		break;
	}
}

static void
rq_tcp_start(struct rq *q, int from_tc)
{
	struct resolv_engine *e = q->e;
	int fd;

	/* A late UDP reply to this ID must not count any more. */
	if (q->sock != NULL) {
		q->sock->byid[q->id] = NULL;
		q->sock->pending--;
		q->sock = NULL;
	}
	q->from_tc = from_tc;
	/* A TC reply may come late in its try: TCP gets a whole timeout. */
	if (from_tc && ev_timer_at(e->l, &q->timer, ev_now(e->l) +
	    e->rc.timeout_ms) != 0) {
		rq_finish(q, RESOLV_NETWORK, MX_ENOMEM);
		return;
	}
	fd = socket(q->srv->sa.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		tcp_fail(q, errno_code(errno));
		return;
	}
	q->tfd = fd;
	q->tstate = TCP_SEND;
	q->tdone = 0;
	if (connect(fd, (const struct sockaddr *)&q->srv->sa, q->srv->salen)
	    != 0 && errno != EINPROGRESS) {
		tcp_fail(q, errno_code(errno));
		return;
	}
	if (ev_io_set(e->l, fd, EV_WRITE, tcp_io, q) != 0)
		tcp_fail(q, MX_ENOMEM);
}

static void
rq_timer(struct ev_loop *l, struct ev_timer *t, void *ud)
{
	struct rq *q = ud;

	(void)t;
	if (q->starting) {
		struct resolv_engine *e = q->e;

		if (e->burst_at != ev_now(l)) {
			e->burst_at = ev_now(l);
			e->burst = 0;
		}
		if (e->burst >= ENG_BURST) {
			if (ev_timer_at(l, &q->timer, ev_now(l) + 1) != 0)
				rq_finish(q, RESOLV_NETWORK, MX_ENOMEM);
			return;
		}
		e->burst++;
		q->starting = 0;
		rq_send(q);
		return;
	}
	rq_fail(q, q->tstate != TCP_IDLE && q->from_tc ? RESOLV_TRUNCATED :
	    RESOLV_TIMEOUT, 0);
}

struct resolv_engine *
resolv_engine_new(struct ev_loop *l, const struct resolv_conf *rc)
{
	struct resolv_engine *e;
	unsigned i, f, k;
	int fam;

	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->l = l;
	e->rc = *rc;
	if (e->rc.attempts == 0)
		e->rc.attempts = 1;
	if (e->rc.timeout_ms == 0)
		e->rc.timeout_ms = 1;
	for (f = 0; f < 2; f++)
		for (k = 0; k < ENG_SOCKS; k++) {
			e->sock[f][k].e = e;
			e->sock[f][k].fd = -1;
			e->sock[f][k].family = f ? AF_INET6 : AF_INET;
		}
	for (i = 0; i < e->rc.nserver; i++) {
		fam = e->rc.server[i].sa.ss_family;
		if ((e->rc.flags & RESOLV_CONF_V4) && fam != AF_INET)
			continue;
		if ((e->rc.flags & RESOLV_CONF_V6) && fam != AF_INET6)
			continue;
		e->srv[e->nsrv++] = &e->rc.server[i];
	}
	return e;
}

void
resolv_engine_free(struct resolv_engine *e)
{
	unsigned f, k;

	if (e == NULL)
		return;
	while (e->head != NULL) {
		struct resolv_result *r = e->head->r;

		rq_free(e->head);
		resolv_result_free(r);
	}
	for (f = 0; f < 2; f++)
		for (k = 0; k < ENG_SOCKS; k++) {
			usock_close(e, &e->sock[f][k]);
			free(e->sock[f][k].byid);
		}
	free(e);
}

size_t
resolv_engine_pending(const struct resolv_engine *e)
{
	return e->pending;
}

/* Starts a query; srv NULL means the configured servers. */
static int
engine_query(struct resolv_engine *e, const struct resolv_server *srv,
    const uint8_t *qname, size_t qlen, uint16_t qtype, unsigned flags,
    resolv_done_fn *fn, void *ud)
{
	struct rq *q;
	struct resolv_result *r;

	if (qlen == 0 || qlen > DNS_NAME_MAX ||
	    dns_name_wire_len(qname, qlen) != (int)qlen)
		return MX_EINVAL;
	if (srv == NULL && e->nsrv == 0)
		return MX_ENOENT;
	if (srv != NULL && srv->sa.ss_family != AF_INET &&
	    srv->sa.ss_family != AF_INET6)
		return MX_EINVAL;
	q = calloc(1, sizeof(*q));
	r = calloc(1, sizeof(*r));
	if (q == NULL || r == NULL) {
		free(q);
		free(r);
		return MX_ENOMEM;
	}
	q->e = e;
	q->r = r;
	q->fn = fn;
	q->ud = ud;
	q->flags = flags;
	q->qtype = qtype;
	memcpy(q->name, qname, qlen);
	q->nlen = qlen;
	q->tfd = -1;
	if (srv != NULL) {
		q->own = *srv;
		q->has_own = 1;
		q->ntries = e->rc.attempts;
	} else {
		q->ntries = e->rc.attempts * e->nsrv;
		q->srv0 = (e->rc.flags & RESOLV_CONF_ROTATE) ?
		    eng_random(e) % e->nsrv : 0;
	}
	q->last = RESOLV_TIMEOUT;
	memcpy(r->qname, qname, qlen);
	r->qname_len = qlen;
	memcpy(r->name, qname, qlen);
	r->name_len = qlen;
	r->qtype = qtype;
	r->status = RESOLV_TIMEOUT;
	ev_timer_init(&q->timer, rq_timer, q);
	/* The first try starts from the loop, so that fn never runs
	 * inside this call. */
	q->starting = 1;
	if (ev_timer_at(e->l, &q->timer, ev_now(e->l)) != 0) {
		free(q);
		free(r);
		return MX_ENOMEM;
	}
	q->next = e->head;
	if (e->head != NULL)
		e->head->prev = q;
	e->head = q;
	e->pending++;
	return 0;
}

int
resolv_engine_query(struct resolv_engine *e, const uint8_t *qname,
    size_t qlen, uint16_t qtype, unsigned flags, resolv_done_fn *fn,
    void *ud)
{
	return engine_query(e, NULL, qname, qlen, qtype, flags, fn, ud);
}

int
resolv_engine_query_to(struct resolv_engine *e,
    const struct resolv_server *srv, const uint8_t *qname, size_t qlen,
    uint16_t qtype, unsigned flags, resolv_done_fn *fn, void *ud)
{
	return engine_query(e, srv, qname, qlen, qtype, flags, fn, ud);
}

struct lookup_wait {
	struct ev_loop *l;
	struct resolv_result *r;
};

static void
lookup_done(struct resolv_result *r, void *ud)
{
	struct lookup_wait *w = ud;

	w->r = r;
	ev_stop(w->l);
}

int
resolv_lookup(const struct resolv_conf *rc, const uint8_t *qname,
    size_t qlen, uint16_t qtype, unsigned flags, struct resolv_result **out)
{
	struct lookup_wait w;
	struct resolv_engine *e;
	int rv;

	*out = NULL;
	memset(&w, 0, sizeof(w));
	w.l = ev_new();
	if (w.l == NULL)
		return MX_ENOMEM;
	e = resolv_engine_new(w.l, rc);
	if (e == NULL) {
		ev_free(w.l);
		return MX_ENOMEM;
	}
	rv = resolv_engine_query(e, qname, qlen, qtype, flags, lookup_done,
	    &w);
	while (rv == 0 && w.r == NULL)
		if (ev_run(w.l) != 0)
			rv = MX_EIO;
	resolv_engine_free(e);
	ev_free(w.l);
	if (rv == 0)
		*out = w.r;
	else
		resolv_result_free(w.r);
	return rv;
}
