/* tcp.c -- DNS over TCP (RFC 7766): pipelined queries, replies in order */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "server/notify.h"
#include "server/worker.h"
#include "util/ev.h"

/*
 * Each connection owns one input and one output buffer, each big enough
 * for the largest message and its 2-octet length (RFC 1035 4.2.2), so any
 * query can be read whole and any response queued whole. A connection
 * therefore costs about 128 KiB at most, allocated at accept and freed at
 * close; nothing is allocated per query.
 *
 * Queries are answered in the order they arrive and their responses
 * queued in that order (RFC 7766 6.2.1.1 allows any order; in order is
 * simpler and what clients expect). Backpressure: when a response does not
 * fit in the free room of the output, answering stops, the query stays in
 * the input and is answered again once the output has drained; meanwhile
 * the connection is not read, so TCP's own flow control holds the client.
 * A client that neither sends nor reads for the idle time is closed, so a
 * silent or slow client holds nothing but its own buffers.
 *
 * A zone transfer runs inside its connection: srv_xfr_next writes each
 * message straight into the output once the room left there takes a
 * message of the usual size, and stops when it does not, exactly like a
 * response that waits for room; the connection is then woken by the
 * socket turning writable. So a transfer costs its connection's buffers
 * and a struct srv_xfr, however big the zone, and a slow secondary holds
 * up nobody. Queries that arrive meanwhile wait in the input and are
 * answered, in order, after the transfer's last message.
 */
#define TCP_BUF		(2 + DNS_MSG_MAX)
/* Connections accepted per wake-up: a flood of connects cannot starve the
 * connections already open. */
#define ACCEPT_BURST	64
/* Out of file descriptors: stop accepting for this long, or the listener
 * would stay readable and the loop spin (the kernel keeps the backlog). */
#define ACCEPT_PAUSE_MS	100
/* RFC 1035 4.1.1: the opcode, bits 1-4 of the flags. */
#define OPCODE_BITS	0x7800u
/* Records parsed from an AXFR query to refuse it: question, OPT, TSIG. */
#define XFR_QUERY_RR	8
/* Room a transfer needs in the output before it writes a message: one of
 * the usual size and its length. */
#define XFR_ROOM	(2 + SRV_XFR_MSG_SIZE)
/* How a transfer ends, for xfr_end. */
#define XFR_DONE	0
#define XFR_ABORTED	1
#define XFR_TOO_BIG	2
/* The response length srv_run_query gets for a transfer: any but 0,
 * which means dropped. */
#define XFR_LOGGED_LEN	1

struct srv_tcp;

struct tcp_conn {
	struct srv_tcp *t;
	struct tcp_conn *prev, *next;
	int fd;
	unsigned events;		/* asked of the loop */
	int eof;			/* the client closed its side */
	int blocked;			/* a response waits for room */
	uint64_t last;			/* when it last made progress */
	struct ev_timer idle;
	struct sockaddr_storage peer;
	/* A zone transfer in progress: the set it reads from, held (see
	 * srv_run_swap) until the last message is queued; NULL: none. */
	const struct srv_zoneset *xfr_zs;
	struct srv_xfr xfr;
	size_t in_off, in_len;		/* unread: in[in_off..in_len) */
	size_t out_off, out_len;	/* unsent: out[out_off..out_len) */
	uint8_t in[TCP_BUF];
	uint8_t out[TCP_BUF];
};

/* Connections per client address, in an open-addressing table at least
 * twice the connection limit, so a free slot always exists. key[0] is the
 * family (4 or 6), then the address. */
#define CLIENT_KEY	17
struct tcp_client {
	uint8_t key[CLIENT_KEY];
	uint32_t n;			/* 0: slot free */
};

struct srv_tcp {
	struct srv_run *r;
	struct srv_worker *w;
	struct ev_loop *loop;
	struct tcp_conn *conns;		/* every open connection */
	size_t nconn;
	struct tcp_client *clients;
	size_t cmask;
	struct ev_timer pause;
	_Atomic uint64_t accepted, refused, refused_client, idle, bad_frame,
	    xfr_refused, xfr_out;
	struct srv_notifier *notify;	/* NULL: no secondaries to tell */
	uint8_t scratch[DNS_MSG_MAX];	/* one response, before queueing */
};

/*
 * Clients
 */
static void
client_key(const struct sockaddr_storage *ss, uint8_t key[CLIENT_KEY])
{
	memset(key, 0, CLIENT_KEY);
	if (ss->ss_family == AF_INET6) {
		key[0] = 6;
		memcpy(key + 1, &((const struct sockaddr_in6 *)
		    (const void *)ss)->sin6_addr, 16);
	} else {
		key[0] = 4;
		memcpy(key + 1, &((const struct sockaddr_in *)
		    (const void *)ss)->sin_addr, 4);
	}
}

/* FNV-1a: the keys come from the network, but a client controls only its
 * own address, and a long probe costs it nothing but its own connects. */
static size_t
client_hash(const uint8_t key[CLIENT_KEY])
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < CLIENT_KEY; i++)
		h = (h ^ key[i]) * 16777619u;
	return h;
}

/* The slot of key, or the free slot where it goes. */
static size_t
client_find(const struct srv_tcp *t, const uint8_t key[CLIENT_KEY])
{
	size_t i = client_hash(key) & t->cmask;

	while (t->clients[i].n != 0 &&
	    memcmp(t->clients[i].key, key, CLIENT_KEY) != 0)
		i = (i + 1) & t->cmask;
	return i;
}

/* One connection of key fewer; a slot that empties is removed by
 * shifting the following run back (no tombstones). */
static void
client_put(struct srv_tcp *t, const uint8_t key[CLIENT_KEY])
{
	size_t i = client_find(t, key), j, k;

	if (t->clients[i].n == 0 || --t->clients[i].n > 0)
		return;
	j = i;
	for (;;) {
		j = (j + 1) & t->cmask;
		if (t->clients[j].n == 0)
			return;
		k = client_hash(t->clients[j].key) & t->cmask;
		/* j stays when its home k lies cyclically in (i, j]. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		t->clients[i] = t->clients[j];
		t->clients[j].n = 0;
		i = j;
	}
}

/*
 * Connections
 */
static void xfr_end(struct tcp_conn *c, int how);

static void
conn_close(struct tcp_conn *c)
{
	struct srv_tcp *t = c->t;
	uint8_t key[CLIENT_KEY];

	if (c->xfr_zs != NULL)
		xfr_end(c, XFR_ABORTED);
	ev_io_del(t->loop, c->fd);
	ev_timer_stop(t->loop, &c->idle);
	close(c->fd);
	client_key(&c->peer, key);
	client_put(t, key);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		t->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	t->nconn--;
	free(c);
}

/*
 * Zone transfers. srv_answer leaves AXFR and IXFR over TCP to the
 * transport (info->axfr), and this is the one place a transfer starts.
 */
/* Logs how the transfer ended and lets its zone set go (the last holder
 * frees it, here in the TCP thread). */
static void
xfr_end(struct tcp_conn *c, int how)
{
	struct srv_tcp *t = c->t;
	char name[DNS_NAME_TEXT_MAX], at[SRV_ADDR_TEXT];
	const char *kind = c->xfr.qtype == DNS_TYPE_IXFR ?
	    "IXFR (as a full transfer)" : "AXFR";
	const uint8_t *o;
	size_t olen;

	o = zone_store_origin(c->xfr.z, &olen);
	if (dns_name_to_text(o, olen, name, sizeof(name)) < 0)
		snprintf(name, sizeof(name), "?");
	srv_addr_text((const struct sockaddr *)&c->peer, at);
	if (how == XFR_DONE) {
		ctr_add(&t->xfr_out, 1);
		srv_run_log(t->r, MX_DIAG_INFO, "%s of %s serial %u to %s: "
		    "%u message%s", kind, name,
		    (unsigned)srv_zone_serial(c->xfr.z), at, c->xfr.msgs,
		    c->xfr.msgs == 1 ? "" : "s");
	} else {
		srv_run_log(t->r, MX_DIAG_WARN, "%s of %s serial %u to %s: "
		    "%s after %u messages", kind, name,
		    (unsigned)srv_zone_serial(c->xfr.z), at,
		    how == XFR_TOO_BIG ? "stopped, a record fits in no "
		    "message," : "connection closed", c->xfr.msgs);
	}
	srv_zoneset_drop(c->xfr_zs);
	c->xfr_zs = NULL;
}

/* An error response to a transfer query: its question, the rcode, and an
 * OPT if the query had one. */
static size_t
xfr_error(struct srv_tcp *t, const struct dns_msg *m, unsigned rcode,
    struct srv_answer_info *info)
{
	struct dns_msgw mw;
	struct dns_edns e;

	dns_msgw_init(&mw, t->scratch, sizeof(t->scratch), m->hdr.id,
	    (uint16_t)(DNS_FLAG_QR | (m->hdr.flags & (OPCODE_BITS |
	    DNS_FLAG_RD | DNS_FLAG_CD))));
	dns_msgw_question(&mw, m->qname, m->qname_len, m->qtype, m->qclass);
	dns_msgw_flags(&mw, (uint16_t)rcode);
	if (m->edns.present) {
		memset(&e, 0, sizeof(e));
		e.present = 1;
		e.udp_size = t->r->cfg.max_udp;
		e.flags = m->edns.flags & DNS_EDNS_DO;
		dns_msgw_opt(&mw, &e);
	}
	info->rcode = rcode;
	info->aa = 0;
	info->tc = 0;
	return dns_msgw_finish(&mw);
}

/*
 * Decides about a transfer query from c. A client outside the allowed
 * prefixes gets REFUSED (RFC 5936 2.2.1: policy); a name inside a zone but
 * not its apex gets NOTAUTH (RFC 5936 2.2.1: not authoritative for that
 * zone). Returns the length of that response in t->scratch. Otherwise the
 * transfer starts: 0 is returned and c->xfr_zs holds the zone set zs,
 * which the transfer reads until its end, whatever reloads come.
 */
static size_t
tcp_xfr(struct srv_tcp *t, struct tcp_conn *c, const struct srv_zoneset *zs,
    const uint8_t *q, size_t qlen, struct srv_answer_info *info)
{
	const struct srv_config *cfg = &t->r->cfg;
	struct dns_msg_rr rrs[XFR_QUERY_RR];
	struct dns_msg m;
	const uint8_t *o;
	size_t olen;

	if (dns_msg_parse(&m, q, qlen, rrs, XFR_QUERY_RR, 0) != 0 ||
	    m.qname_len == 0 || info->zone == NULL) {
		ctr_add(&t->xfr_refused, 1);
		return 0;
	}
	if (!srv_prefix_match(cfg->allow_xfr, cfg->nallow_xfr,
	    (const struct sockaddr *)&c->peer)) {
		ctr_add(&t->xfr_refused, 1);
		return xfr_error(t, &m, DNS_RCODE_REFUSED, info);
	}
	o = zone_store_origin(info->zone, &olen);
	if (!dns_name_equal(o, olen, m.qname, m.qname_len)) {
		ctr_add(&t->xfr_refused, 1);
		return xfr_error(t, &m, DNS_RCODE_NOTAUTH, info);
	}
	if (srv_xfr_begin(&c->xfr, info->zone, q, qlen) != 0)
		return xfr_error(t, &m, DNS_RCODE_FORMERR, info);
	/* This thread is online: zs cannot be freed before the hold. */
	c->xfr_zs = srv_zoneset_hold(zs);
	info->rcode = DNS_RCODE_NOERROR;
	info->aa = 1;
	info->tc = 0;
	return 0;
}

/* Moves unread input to the front, to make room at the end. */
static void
in_compact(struct tcp_conn *c)
{
	if (c->in_off == 0)
		return;
	memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
	c->in_len -= c->in_off;
	c->in_off = 0;
}

static void
out_compact(struct tcp_conn *c)
{
	if (c->out_off == 0)
		return;
	memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
	c->out_len -= c->out_off;
	c->out_off = 0;
}

/*
 * Queues the running transfer's next messages, each written in place
 * into the output, while the room left takes one of the usual size.
 * Returns 0: the transfer has ended (c->xfr_zs is NULL) or waits for room.
 * Returns MX_ESPACE when a record fits in no message even with the whole
 * output free: the transfer cannot go on, and the caller closes the
 * connection, so that the secondary sees it fail instead of taking a zone
 * with records missing.
 */
static int
xfr_feed(struct tcp_conn *c)
{
	struct srv_xfr saved;
	size_t room, n;

	for (;;) {
		if (c->xfr.phase == 3) {
			xfr_end(c, XFR_DONE);
			return 0;
		}
		if (TCP_BUF - c->out_len < XFR_ROOM)
			out_compact(c);
		room = TCP_BUF - c->out_len;
		if (room < XFR_ROOM)
			return 0;
		saved = c->xfr;
		n = srv_xfr_next(&c->xfr, c->out + c->out_len + 2, room - 2);
		if (n == 0) {
			/* A record bigger than the usual message, and more
			 * than the room left: wait for an empty output, which
			 * takes any message. */
			if (c->out_len > 0) {
				c->xfr = saved;
				return 0;
			}
			xfr_end(c, XFR_TOO_BIG);
			return MX_ESPACE;
		}
		c->out[c->out_len] = (uint8_t)(n >> 8);
		c->out[c->out_len + 1] = (uint8_t)n;
		c->out_len += 2 + n;
	}
}

/*
 * Answers the complete queries in the input while each response fits in
 * the output (c->blocked when one does not), and feeds a transfer when one
 * runs (c->blocked until its last message is queued). Returns 0, or an
 * error for which the connection is closed: MX_EMALF for a length below a
 * DNS header (such framing cannot be resynchronised), MX_ESPACE from
 * xfr_feed.
 */
static int
conn_answer(struct tcp_conn *c)
{
	struct srv_tcp *t = c->t;
	struct srv_run *r = t->r;
	const struct srv_zoneset *zs = srv_run_current(r);
	struct srv_answer_info info;

	c->blocked = 0;
	for (;;) {
		const uint8_t *p = c->in + c->in_off;
		size_t qlen, rlen;

		if (c->xfr_zs != NULL) {
			if (xfr_feed(c) != 0)
				return MX_ESPACE;
			if (c->xfr_zs != NULL) {
				c->blocked = 1;
				break;
			}
		}
		if (c->in_len - c->in_off < 2)
			break;
		qlen = (size_t)p[0] << 8 | p[1];

		if (qlen < DNS_HDR_LEN) {
			ctr_add(&t->bad_frame, 1);
			return MX_EMALF;
		}
		if (c->in_len - c->in_off - 2 < qlen)
			break;
		rlen = srv_answer(zs, &r->aopts, SRV_TCP, p + 2, qlen,
		    t->scratch, sizeof(t->scratch), &info);
		if (info.axfr)
			rlen = tcp_xfr(t, c, zs, p + 2, qlen, &info);
		if (c->xfr_zs != NULL) {
			/* Counted as one response, however many messages. */
			srv_run_query(r, &t->w->ctr, (const void *)&c->peer,
			    p + 2, qlen, &info, XFR_LOGGED_LEN, SRV_TCP);
			c->in_off += 2 + qlen;
			continue;
		}
		if (rlen > 0 && TCP_BUF - c->out_len < 2 + rlen) {
			out_compact(c);
			if (TCP_BUF - c->out_len < 2 + rlen) {
				c->blocked = 1;
				break;
			}
		}
		srv_run_query(r, &t->w->ctr, (const void *)&c->peer, p + 2,
		    qlen, &info, rlen, SRV_TCP);
		/* No response (the client sent a response, QR set): the
		 * message is skipped and the next one answered. */
		if (rlen > 0) {
			c->out[c->out_len] = (uint8_t)(rlen >> 8);
			c->out[c->out_len + 1] = (uint8_t)rlen;
			memcpy(c->out + c->out_len + 2, t->scratch, rlen);
			c->out_len += 2 + rlen;
		}
		c->in_off += 2 + qlen;
	}
	if (c->in_off == c->in_len)
		c->in_off = c->in_len = 0;
	return 0;
}

/* Sends what the output holds until the socket takes no more. Returns 0,
 * or MX_EIO when the connection is gone. */
static int
conn_flush(struct tcp_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off,
		    c->out_len - c->out_off, MSG_NOSIGNAL);

		if (n > 0) {
			c->out_off += (size_t)n;
			c->last = ev_now(c->t->loop);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		return MX_EIO;
	}
	c->out_off = c->out_len = 0;
	return 0;
}

/* One read from the socket into the free room of the input. Returns 0
 * (c->eof at end of stream), or MX_EIO when the connection is gone. */
static int
conn_read(struct tcp_conn *c)
{
	ssize_t n;

	in_compact(c);
	if (c->in_len == TCP_BUF)
		return 0;
	n = recv(c->fd, c->in + c->in_len, TCP_BUF - c->in_len, 0);
	if (n > 0) {
		c->in_len += (size_t)n;
		c->last = ev_now(c->t->loop);
		return 0;
	}
	if (n == 0) {
		c->eof = 1;
		return 0;
	}
	if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	return MX_EIO;
}

static int
complete_query(const struct tcp_conn *c)
{
	size_t have = c->in_len - c->in_off;

	return have >= 2 &&
	    have - 2 >= ((size_t)c->in[c->in_off] << 8 | c->in[c->in_off + 1]);
}

/*
 * After any event: answer, send, then decide what to wait for. Reading
 * stops while a response waits for room (backpressure) and after the
 * client's end of stream; the connection closes once the client is done
 * and everything it asked for has been sent.
 */
static void on_conn(struct ev_loop *l, int fd, unsigned ev, void *ud);

static void
conn_step(struct tcp_conn *c)
{
	unsigned want = 0;

	for (;;) {
		if (conn_answer(c) != 0 || conn_flush(c) != 0) {
			conn_close(c);
			return;
		}
		/* Fully drained while a response was waiting: it fits now.
		 * Not for a transfer: its next messages wait for the next
		 * round, so that one fast secondary cannot keep the loop
		 * from every other connection for a whole zone. */
		if (c->blocked && c->out_len == 0 && c->xfr_zs == NULL)
			continue;
		break;
	}
	if (c->eof && c->out_len == 0 && c->xfr_zs == NULL &&
	    !complete_query(c)) {
		conn_close(c);
		return;
	}
	if (!c->eof && !c->blocked && c->in_len - c->in_off < TCP_BUF)
		want |= EV_READ;
	/* A transfer asks to write even with the output empty: the socket
	 * is writable at once, and the next round feeds it. */
	if (c->out_off < c->out_len || c->xfr_zs != NULL)
		want |= EV_WRITE;
	if (want != c->events) {
		if (ev_io_set(c->t->loop, c->fd, want, on_conn, c) != 0) {
			conn_close(c);
			return;
		}
		c->events = want;
	}
}

static void
on_conn(struct ev_loop *l, int fd, unsigned ev, void *ud)
{
	struct tcp_conn *c = ud;

	(void)l;
	(void)fd;
	if (ev & EV_ERROR) {
		conn_close(c);
		return;
	}
	if ((ev & EV_WRITE) && conn_flush(c) != 0) {
		conn_close(c);
		return;
	}
	if ((ev & EV_READ) && conn_read(c) != 0) {
		conn_close(c);
		return;
	}
	conn_step(c);
}

/* The idle timer checks the time of the last progress, so progress costs
 * no timer update: the timer re-arms itself until the gap is real. */
static void
on_idle(struct ev_loop *l, struct ev_timer *tm, void *ud)
{
	struct tcp_conn *c = ud;
	uint64_t idle = c->t->r->cfg.tcp_idle_ms;

	if (ev_now(l) - c->last >= idle) {
		ctr_add(&c->t->idle, 1);
		conn_close(c);
		return;
	}
	if (ev_timer_at(l, tm, c->last + idle) != 0)
		conn_close(c);
}

static void
conn_new(struct srv_tcp *t, int fd, const struct sockaddr_storage *peer,
    size_t slot, const uint8_t key[CLIENT_KEY])
{
	struct tcp_conn *c;
	int one = 1;

	c = malloc(sizeof(*c));
	if (c == NULL) {
		close(fd);
		return;
	}
	memset(c, 0, offsetof(struct tcp_conn, in));
	c->t = t;
	c->fd = fd;
	c->peer = *peer;
	c->last = ev_now(t->loop);
	c->events = EV_READ;
	ev_timer_init(&c->idle, on_idle, c);
	if (ev_io_set(t->loop, fd, EV_READ, on_conn, c) != 0 ||
	    ev_timer_at(t->loop, &c->idle, c->last +
	    t->r->cfg.tcp_idle_ms) != 0) {
		ev_io_del(t->loop, fd);
		close(fd);
		free(c);
		return;
	}
	/* Responses go out as soon as they are queued: with Nagle, the
	 * second of two pipelined responses would wait for the client's
	 * delayed ACK of the first. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	memcpy(t->clients[slot].key, key, CLIENT_KEY);
	t->clients[slot].n++;
	c->next = t->conns;
	if (t->conns != NULL)
		t->conns->prev = c;
	t->conns = c;
	t->nconn++;
	ctr_add(&t->accepted, 1);
}

static void on_accept(struct ev_loop *l, int fd, unsigned ev, void *ud);

/* Starts or stops accepting on every listener. Returns 0 or the first
 * failure (only a first registration can fail: it may allocate). */
static int
listeners_set(struct srv_tcp *t, unsigned events)
{
	size_t i;
	int r, rc = 0;

	for (i = 0; i < t->r->ntcp_fds; i++)
		if ((r = ev_io_set(t->loop, t->r->tcp_fds[i], events,
		    on_accept, t)) != 0 && rc == 0)
			rc = r;
	return rc;
}

static void
on_pause_end(struct ev_loop *l, struct ev_timer *tm, void *ud)
{
	(void)l;
	(void)tm;
	(void)listeners_set(ud, EV_READ);
}

static void
on_accept(struct ev_loop *l, int lfd, unsigned ev, void *ud)
{
	struct srv_tcp *t = ud;
	struct srv_run *r = t->r;
	struct sockaddr_storage ss;
	uint8_t key[CLIENT_KEY];
	socklen_t len;
	size_t slot;
	int i, fd;

	(void)ev;
	for (i = 0; i < ACCEPT_BURST; i++) {
		len = sizeof(ss);
		fd = accept4(lfd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				srv_run_log(r, MX_DIAG_WARN, "cannot accept "
				    "TCP connections: %s; pausing %d ms",
				    strerror(errno), ACCEPT_PAUSE_MS);
				(void)listeners_set(t, 0);
				(void)ev_timer_at(l, &t->pause, ev_now(l) +
				    ACCEPT_PAUSE_MS);
			}
			return;
		}
		/* Over a limit: close at once, so the client learns now
		 * and the backlog does not fill with waiting connects. */
		if (t->nconn >= r->cfg.tcp_max) {
			ctr_add(&t->refused, 1);
			close(fd);
			continue;
		}
		client_key(&ss, key);
		slot = client_find(t, key);
		if (t->clients[slot].n >= r->cfg.tcp_max_per_client) {
			ctr_add(&t->refused_client, 1);
			close(fd);
			continue;
		}
		conn_new(t, fd, &ss, slot, key);
	}
}

static void
on_stop(struct ev_loop *l, int fd, unsigned ev, void *ud)
{
	(void)fd;
	(void)ev;
	(void)ud;
	ev_stop(l);
}

/* The zone set, for the NOTIFY sender: called in this thread while it is
 * online. */
static const struct srv_zoneset *
current_zones(void *ud)
{
	return srv_run_current(ud);
}

/* The thread is quiescent while it sleeps in epoll_wait. */
static void
before_sleep(struct ev_loop *l, void *ud)
{
	(void)l;
	worker_offline(ud);
}

static void
after_wake(struct ev_loop *l, void *ud)
{
	(void)l;
	worker_online(ud);
}

int
srv_tcp_new(struct srv_run *r, struct srv_tcp **out)
{
	struct srv_tcp *t;
	size_t n = 16;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return MX_ENOMEM;
	t->r = r;
	t->w = &r->tcpw;
	while (n < 2 * (size_t)r->cfg.tcp_max)
		n *= 2;
	t->clients = calloc(n, sizeof(*t->clients));
	t->cmask = n - 1;
	t->loop = ev_new();
	if (t->clients == NULL || t->loop == NULL) {
		srv_tcp_free(t);
		return MX_ENOMEM;
	}
	ev_timer_init(&t->pause, on_pause_end, t);
	ev_set_hooks(t->loop, before_sleep, after_wake, t->w);
	if (listeners_set(t, EV_READ) != 0 ||
	    ev_io_set(t->loop, r->stop_fd, EV_READ, on_stop, t) != 0) {
		srv_tcp_free(t);
		return MX_ENOMEM;
	}
	if (r->cfg.nnotify > 0) {
		struct srv_notifier_cfg nc;
		int rc;

		memset(&nc, 0, sizeof(nc));
		nc.to = r->cfg.notify;
		nc.nto = r->cfg.nnotify;
		nc.log = r->cfg.log;
		nc.log_ud = r->cfg.ud;
		nc.zones = current_zones;
		nc.zones_ud = r;
		if ((rc = srv_notifier_new(t->loop, &nc, &t->notify)) != 0) {
			srv_run_log(r, MX_DIAG_ERROR, "cannot set up NOTIFY: "
			    "%s", mx_strerror(rc));
			srv_tcp_free(t);
			return rc;
		}
	}
	*out = t;
	return 0;
}

void *
srv_tcp_main(void *arg)
{
	struct srv_tcp *t = arg;
	int rc;

	worker_online(t->w);
	/* RFC 1996: the secondaries learn of every zone at start. */
	if (t->notify != NULL)
		srv_notifier_update(t->notify);
	rc = ev_run(t->loop);
	worker_offline(t->w);
	if (rc != 0)
		srv_run_log(t->r, MX_DIAG_ERROR, "TCP loop failed: %s",
		    mx_strerror(rc));
	return NULL;
}

void
srv_tcp_stats(const struct srv_tcp *t, struct srv_stats *s)
{
	s->tcp_accepted = ctr_get(&t->accepted);
	s->tcp_refused = ctr_get(&t->refused);
	s->tcp_refused_client = ctr_get(&t->refused_client);
	s->tcp_idle = ctr_get(&t->idle);
	s->tcp_bad_frame = ctr_get(&t->bad_frame);
	s->xfr_refused = ctr_get(&t->xfr_refused);
	s->xfr_out = ctr_get(&t->xfr_out);
}

void
srv_tcp_zones_changed(struct srv_tcp *t)
{
	if (t->notify != NULL)
		srv_notifier_kick(t->notify);
}

void
srv_tcp_free(struct srv_tcp *t)
{
	if (t == NULL)
		return;
	while (t->conns != NULL)
		conn_close(t->conns);
	srv_notifier_free(t->notify);
	ev_free(t->loop);
	free(t->clients);
	free(t);
}
