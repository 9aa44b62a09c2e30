/* engine.c -- the resolver's I/O: queries in flight over a few UDP sockets, TCP on TC, tries and timers */
#include <errno.h>
#include <fcntl.h>
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
 * UDP sockets per family. A query goes out on one of ENG_SOCKS sockets in
 * use, each bound to a port the kernel picks at random; after
 * ENG_SOCK_USES queries a socket takes no new ones and a fresh one takes
 * its place, while it drains the replies it still waits for and closes
 * when none is left. So the source port keeps changing under any load
 * (RFC 5452 9.2) while thousands of queries share a handful of file
 * descriptors (at most ENG_SLOTS). A socket's 16-bit ID space maps
 * straight to the query that owns the ID.
 */
#define ENG_SOCKS	4
#define ENG_SLOTS	(4 * ENG_SOCKS)
#define ENG_SOCK_USES	256
/*
 * Batching: replies are read ENG_RBATCH at a time with recvmmsg, at most
 * ENG_READ_ROUNDS batches per readiness round so that a flood on one
 * socket cannot starve the loop's timers. A UDP reply longer than
 * ENG_RBUF is no reply to a query that offered 1232 octets of EDNS
 * buffer: it is taken as malformed.
 */
#define ENG_RBATCH	32
#define ENG_READ_ROUNDS	8
#define ENG_RBUF	4096
/*
 * Pacing: new queries wait in a queue; each loop round starts at most
 * ENG_BURST of them and sends them with one sendmmsg per socket. Between
 * two rounds the loop reads the replies, so thousands of queries
 * submitted at once never leave in one burst that would overflow the
 * socket buffers on the way (ours, the server's).
 */
#define ENG_BURST	128
/* Receive buffer asked for each UDP socket (the kernel caps it at
 * net.core.rmem_max). */
#define ENG_RCVBUF	(1 << 20)
/* Records indexed per reply: 65535 octets hold at most 5957 RRs. */
#define ENG_RR_MAX	5958

struct usock {
	struct resolv_engine *e;
	int fd;
	unsigned gen;		/* changes each time a socket is opened here */
	int family;
	unsigned used;		/* queries sent since it was opened */
	unsigned pending;	/* IDs registered */
	struct rq **byid;	/* 65536 slots */
	struct rq *out[ENG_BURST];	/* queries to send this round */
	unsigned nout;
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
	struct rq *sq_next;	/* in the engine's start queue */
	int last, last_err;	/* outcome of the tries that failed */
	int from_tc;		/* this try went to TCP because of TC */
	int noedns;		/* the server refused EDNS: ask without it */
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
	struct usock sock[2][ENG_SLOTS];	/* [0] IPv4, [1] IPv6 */
	struct rq *head;
	size_t pending;
	uint16_t rnd[64];
	unsigned nrnd;
	struct rq *sq_head, *sq_tail;	/* queries not started yet */
	unsigned gen;		/* socket generations handed out */
	int closing;		/* in resolv_engine_free: no new query */
	struct ev_timer start;
	struct usock *dirty[2 * ENG_SLOTS];	/* sockets with out[] */
	unsigned ndirty;
	struct mmsghdr rmsg[ENG_RBATCH], smsg[ENG_BURST];
	struct iovec riov[ENG_RBATCH], siov[ENG_BURST];
	struct sockaddr_storage rfrom[ENG_RBATCH];
	uint8_t rbuf[ENG_RBATCH][ENG_RBUF];
	struct dns_msg_rr rrs[ENG_RR_MAX];
};

static void rq_send(struct rq *q);
static void rq_fail(struct rq *q, int st, int err);

/*
 * Random IDs and socket picks (RFC 5452 9.2). getrandom(2) is retried on
 * EINTR; if it is refused (an old kernel, a seccomp filter), /dev/urandom
 * is read. With neither, resolv_engine_new fails: predictable IDs would
 * invite spoofing.
 */
static int
eng_fill(uint16_t *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;
	int fd;

	while (got < n) {
		r = getrandom((uint8_t *)buf + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got == n)
		return 0;
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return MX_EIO;
	while (got < n) {
		r = read(fd, (uint8_t *)buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	return got == n ? 0 : MX_EIO;
}

static uint32_t
eng_random(struct resolv_engine *e)
{
	if (e->nrnd == 0) {
		/* Checked at start; a later failure keeps the old pool
		 * stirred rather than constant. */
		if (eng_fill(e->rnd, sizeof(e->rnd)) != 0) {
			unsigned k;

			for (k = 0; k < 64; k++)
				e->rnd[k] = (uint16_t)(e->rnd[k] * 40503u +
				    e->rnd[(k + 1) % 64] + k);
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
	s->gen = ++e->gen;
	s->used = 0;
	return 0;
}

/*
 * A socket for the next query of family f: one of the first ENG_SOCKS
 * slots, replaced by a fresh socket when worn (the worn one moves to a
 * free slot to drain).
 */
static struct usock *
usock_pick(struct resolv_engine *e, int family, int *err)
{
	struct usock *set = e->sock[fam_index(family)], *s, *d;
	unsigned k = eng_random(e) % ENG_SOCKS;

	s = &set[k];
	/* (A socket with queries waiting in its batch moves later.) */
	if (s->fd >= 0 && s->used >= ENG_SOCK_USES && s->nout == 0) {
		if (s->pending == 0)
			usock_close(e, s);
		else {
			for (k = ENG_SOCKS; k < ENG_SLOTS; k++)
				if (set[k].fd < 0)
					break;
			/* No slot to drain in: keep using the worn one,
			 * its IDs are still random. */
			if (k == ENG_SLOTS)
				return s;
			d = &set[k];
			/* Move s (fd, ID table, its queries) to d. */
			{
				struct rq **byid = d->byid, *q;

				*d = *s;
				s->byid = byid;
				s->fd = -1;
				s->used = s->pending = 0;
				ev_io_set(e->l, d->fd, EV_READ, udp_read, d);
				for (q = e->head; q != NULL; q = q->next)
					if (q->sock == s)
						q->sock = d;
			}
		}
	}
	if (s->fd < 0 && (*err = usock_open(e, s)) != 0)
		return NULL;
	return s;
}

static void
rq_unregister(struct rq *q)
{
	struct usock *s = q->sock;

	if (s == NULL)
		return;
	s->byid[q->id] = NULL;
	s->pending--;
	q->sock = NULL;
	/* A drained socket closes (a worn one in use closes when picked). */
	if (s->pending == 0 && s->used >= ENG_SOCK_USES && s->nout == 0 &&
	    s - s->e->sock[fam_index(s->family)] >= ENG_SOCKS)
		usock_close(s->e, s);
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
	if (m->rcode == DNS_RCODE_FORMERR && !q->noedns && !m->edns.present &&
	    !(q->e->rc.flags & RESOLV_CONF_NOEDNS)) {
		/* RFC 6891 7: a server that does not know EDNS answers
		 * FORMERR without OPT; the same try again, without it. */
		q->noedns = 1;
		rq_unregister(q);
		rq_tcp_close(q);
		rq_send(q);
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
	if (rv == 0 && r->status == RESOLV_REFERRAL) {
		/* Resolving (route, check): another server may answer, so a
		 * try that failed. Looking at the reply as it is (lookup,
		 * as host does): an empty answer. */
		if (q->flags & RESOLV_Q_CHASE) {
			rq_fail(q, RESOLV_REFERRAL, 0);
			return;
		}
		r->status = RESOLV_NODATA;
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
	/* Over TCP (s NULL) the connection is the query's own: any ID. */
	for (k = 0; s != NULL && s->byid[id] != NULL && k < 65536; k++)
		id = k < 64 ? (uint16_t)eng_random(q->e) : (uint16_t)(id + 1);
	if (s != NULL && s->byid[id] != NULL)
		return MX_ELIMIT;
	n = resolv_query_build(q->q + 2, id, q->name, q->nlen, q->qtype,
	    ((q->e->rc.flags & RESOLV_CONF_NORD) || (q->flags & RESOLV_Q_NORD) ?
	    0 : RESOLV_Q_RD) |
	    ((q->e->rc.flags & RESOLV_CONF_NOEDNS) || q->noedns ? 0 :
	    RESOLV_Q_EDNS));
	if (n < 0)
		return n;
	q->qlen = (size_t)n;
	q->q[0] = (uint8_t)(n >> 8);
	q->q[1] = (uint8_t)n;
	q->id = id;
	if (s == NULL)
		return 0;
	s->byid[id] = q;
	s->pending++;
	s->used++;
	q->sock = s;
	return 0;
}

/*
 * Starts try number q->try. A first try started from the start queue is
 * put in its socket's batch (batch != 0), sent by eng_flush; retries go
 * out at once.
 */
static void
rq_try(struct rq *q, int batch)
{
	struct resolv_engine *e = q->e;
	struct usock *s;
	ssize_t n;
	int err = 0;

	q->srv = q->has_own ? &q->own : e->srv[(q->srv0 + q->try) % e->nsrv];
	q->from_tc = 0;
	/* Every query over TCP (use-vc, host -T): no UDP socket at all. */
	s = (e->rc.flags & RESOLV_CONF_TCP) ? NULL :
	    usock_pick(e, q->srv->sa.ss_family, &err);
	if (s == NULL && !(e->rc.flags & RESOLV_CONF_TCP)) {
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
	if (batch && s->nout < ENG_BURST) {
		if (s->nout == 0)
			e->dirty[e->ndirty++] = s;
		s->out[s->nout++] = q;
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
rq_send(struct rq *q)
{
	rq_try(q, 0);
}

/* Sends every socket's batch, one sendmmsg each. */
static void
eng_flush(struct resolv_engine *e)
{
	struct rq *failed[ENG_BURST];
	int ferr[ENG_BURST];
	unsigned d, k, nf;
	int n;

	for (d = 0; d < e->ndirty; d++) {
		struct usock *s = e->dirty[d];
		unsigned done = 0;

		for (k = 0; k < s->nout; k++) {
			struct rq *q = s->out[k];

			e->siov[k].iov_base = q->q + 2;
			e->siov[k].iov_len = q->qlen;
			memset(&e->smsg[k], 0, sizeof(e->smsg[k]));
			e->smsg[k].msg_hdr.msg_name = (void *)&q->srv->sa;
			e->smsg[k].msg_hdr.msg_namelen = q->srv->salen;
			e->smsg[k].msg_hdr.msg_iov = &e->siov[k];
			e->smsg[k].msg_hdr.msg_iovlen = 1;
		}
		nf = 0;
		while (done < s->nout) {
			n = sendmmsg(s->fd, e->smsg + done, s->nout - done, 0);
			if (n > 0) {
				done += (unsigned)n;
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			/* A full buffer: the rest is left to the timers.
			 * Another error belongs to the first unsent one. */
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			failed[nf] = s->out[done];
			ferr[nf++] = errno_code(n < 0 ? errno : EIO);
			done++;
		}
		s->nout = 0;
		for (k = 0; k < nf; k++)
			rq_fail(failed[k], RESOLV_NETWORK, ferr[k]);
	}
	e->ndirty = 0;
}

/* The start queue: at most ENG_BURST first tries a round, batched. */
static void
eng_start(struct ev_loop *l, struct ev_timer *t, void *ud)
{
	struct resolv_engine *e = ud;
	struct rq *q;
	unsigned n;

	(void)t;
	for (n = 0; n < ENG_BURST && e->sq_head != NULL; n++) {
		q = e->sq_head;
		e->sq_head = q->sq_next;
		if (e->sq_head == NULL)
			e->sq_tail = NULL;
		q->sq_next = NULL;
		rq_try(q, 1);
	}
	eng_flush(e);
	if (e->sq_head != NULL && ev_timer_at(l, &e->start, ev_now(l)) != 0) {
		/* Out of memory for the timer heap: fail what waits. */
		while ((q = e->sq_head) != NULL) {
			e->sq_head = q->sq_next;
			rq_finish(q, RESOLV_NETWORK, MX_ENOMEM);
		}
		e->sq_tail = NULL;
	}
}

/* One datagram read from s: is it the reply to one of our queries? */
static void
udp_one(struct usock *s, const uint8_t *pkt, size_t n,
    const struct sockaddr_storage *from, socklen_t flen, int trunc)
{
	struct resolv_engine *e = s->e;
	struct dns_msg m;
	struct rq *q;
	int err;

	if (n < 2)
		return;
	q = s->byid[(uint16_t)(pkt[0] << 8 | pkt[1])];
	/* RFC 5452 9.1: only from the address and port asked. */
	if (q == NULL || q->tstate != TCP_IDLE || !same_addr(from, flen,
	    q->srv))
		return;
	if (trunc) {
		rq_fail(q, RESOLV_MALFORMED, MX_ESPACE);
		return;
	}
	switch (resolv_reply_match(pkt, n, q->id, q->name, q->nlen, q->qtype,
	    &m, e->rrs, ENG_RR_MAX, &err)) {
	case RESOLV_REPLY_IGNORE:
		break;
	case RESOLV_REPLY_BAD:
		rq_fail(q, RESOLV_MALFORMED, err);
		break;
	case RESOLV_REPLY_OK:
		rq_reply(q, &m, pkt, n, 0);
		break;
	}
}

/* The slot now holding the socket (fd, gen) -- moved to drain, or gone
 * (closed, and the fd number perhaps reused by a new socket). */
static struct usock *
usock_find(struct resolv_engine *e, int family, int fd, unsigned gen)
{
	unsigned k;

	for (k = 0; k < ENG_SLOTS; k++)
		if (e->sock[fam_index(family)][k].fd == fd &&
		    e->sock[fam_index(family)][k].gen == gen)
			return &e->sock[fam_index(family)][k];
	return NULL;
}

static void
udp_read(struct ev_loop *l, int fd, unsigned events, void *ud)
{
	struct usock *s = ud;
	struct resolv_engine *e = s->e;
	unsigned round, k, gen = s->gen;
	int family = s->family, n;

	(void)l;
	(void)events;
	for (round = 0; round < ENG_READ_ROUNDS && s->fd == fd; round++) {
		for (k = 0; k < ENG_RBATCH; k++) {
			e->riov[k].iov_base = e->rbuf[k];
			e->riov[k].iov_len = ENG_RBUF;
			memset(&e->rmsg[k].msg_hdr, 0,
			    sizeof(e->rmsg[k].msg_hdr));
			e->rmsg[k].msg_hdr.msg_name = &e->rfrom[k];
			e->rmsg[k].msg_hdr.msg_namelen = sizeof(e->rfrom[k]);
			e->rmsg[k].msg_hdr.msg_iov = &e->riov[k];
			e->rmsg[k].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, e->rmsg, ENG_RBATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* EAGAIN, or an ICMP error queued on the socket
			 * (which one of the servers it came from is not
			 * known: the timer covers it). */
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			continue;
		}
		for (k = 0; k < (unsigned)n; k++) {
			/* A retry started by a reply may have moved this
			 * socket to a draining slot, or closed it. */
			if ((s->fd != fd || s->gen != gen) &&
			    (s = usock_find(e, family, fd, gen)) == NULL)
				break;
			udp_one(s, e->rbuf[k], e->rmsg[k].msg_len, &e->rfrom[k],
			    e->rmsg[k].msg_hdr.msg_namelen,
			    (e->rmsg[k].msg_hdr.msg_flags & MSG_TRUNC) != 0);
		}
		if ((unsigned)n < ENG_RBATCH || s == NULL || s->fd != fd ||
		    s->gen != gen)
			break;
	}
	/* Answers may have queued follow-up tries to send. */
	if (e->ndirty > 0)
		eng_flush(e);
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
	rq_unregister(q);
	q->from_tc = from_tc;
	if (from_tc)
		q->r->queries++;	/* the same question again, over TCP */
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

	(void)l;
	(void)t;
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
	/* No random source, no engine: predictable IDs invite spoofing. */
	if (eng_fill(e->rnd, sizeof(e->rnd)) != 0) {
		free(e);
		return NULL;
	}
	e->nrnd = 64;
	e->l = l;
	e->rc = *rc;
	ev_timer_init(&e->start, eng_start, e);
	if (e->rc.attempts == 0)
		e->rc.attempts = 1;
	if (e->rc.timeout_ms == 0)
		e->rc.timeout_ms = 1;
	for (f = 0; f < 2; f++)
		for (k = 0; k < ENG_SLOTS; k++) {
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
	ev_timer_stop(e->l, &e->start);
	e->sq_head = e->sq_tail = NULL;
	/* Each query's callback still runs once, with NULL: its owner frees
	 * what it hung on the query. A callback can start no query now: the
	 * start queue is gone and nothing will send it. */
	while (e->head != NULL) {
		struct resolv_result *r = e->head->r;
		resolv_done_fn *fn = e->head->fn;
		void *ud = e->head->ud;

		rq_free(e->head);
		resolv_result_free(r);
		e->closing = 1;
		fn(NULL, ud);
	}
	for (f = 0; f < 2; f++)
		for (k = 0; k < ENG_SLOTS; k++) {
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
	if (e->closing)
		return MX_EINVAL;
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
	if (e->sq_head == NULL && ev_timer_at(e->l, &e->start,
	    ev_now(e->l)) != 0) {
		free(q);
		free(r);
		return MX_ENOMEM;
	}
	if (e->sq_tail != NULL)
		e->sq_tail->sq_next = q;
	else
		e->sq_head = q;
	e->sq_tail = q;
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

	if (r == NULL)
		return;		/* cancelled: resolv_lookup frees the engine */
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
