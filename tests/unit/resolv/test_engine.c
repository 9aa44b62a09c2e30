/* test_engine.c -- the resolver engine against a misbehaving server in the same event loop */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "mxkit/err.h"
#include "mxkit/resolv.h"
#include "util/ev.h"

/*
 * The fake server listens on 127.0.0.1 (UDP, and TCP unless told not to)
 * and answers from the same loop as the engine, so a test is one thread
 * and never sleeps: only the engine's own timers (50 ms here) pass time.
 */
enum mode {
	M_OK,			/* MX 10 mx.example.org. / A 192.0.2.1 */
	M_SERVFAIL,
	M_REFUSED,
	M_DROP,			/* silence */
	M_WRONG_ID,		/* only a reply with another ID */
	M_WRONG_ID_THEN_OK,	/* a wrong-ID reply, then the real one */
	M_WRONG_PORT,		/* the reply comes from another port */
	M_WRONG_QUESTION,	/* a reply about another name */
	M_TC,			/* TC over UDP, the answer over TCP */
	M_MALFORMED,		/* MX rdata of one octet */
	M_CHASE,		/* CNAME out of "our zone", answered later */
	M_NXDOMAIN,
	M_NO_EDNS,		/* FORMERR without OPT to a query with OPT */
};

#define FAKE_PORTS_MAX 4096

struct fake {
	struct ev_loop *l;
	int udp, udp2, tcp;
	uint16_t port;
	enum mode mode;
	unsigned udp_queries, tcp_queries;
	int last_rd;		/* RD bit of the last query */
	uint16_t ports[FAKE_PORTS_MAX];	/* distinct client ports seen */
	unsigned nports;
};

static size_t
wname(const char *text, uint8_t out[DNS_NAME_MAX])
{
	size_t len = 0;

	assert_int_equal(dns_name_from_text(text, strlen(text), NULL, 0, out,
	    &len, NULL), 0);
	return len;
}

/* Writes the reply to query q into out; returns its length or 0 (drop). */
static size_t
fake_answer(struct fake *f, const struct dns_msg *q, uint8_t *out,
    size_t cap, int tcp)
{
	struct dns_msgw mw;
	uint8_t n[DNS_NAME_MAX], rd[2 + DNS_NAME_MAX];
	size_t nl;
	uint16_t fl = DNS_FLAG_QR | DNS_FLAG_AA | (q->hdr.flags & DNS_FLAG_RD);
	uint16_t id = q->hdr.id;
	char qtext[DNS_NAME_TEXT_MAX];

	dns_name_to_text(q->qname, q->qname_len, qtext, sizeof(qtext));
	if (f->mode == M_NO_EDNS && q->edns.present) {
		dns_msgw_init(&mw, out, cap, id, fl | DNS_RCODE_FORMERR);
		dns_msgw_question(&mw, q->qname, q->qname_len, q->qtype,
		    q->qclass);
		return dns_msgw_finish(&mw);
	}
	switch (f->mode) {
	case M_SERVFAIL:
		fl |= DNS_RCODE_SERVFAIL;
		break;
	case M_REFUSED:
		fl |= DNS_RCODE_REFUSED;
		break;
	case M_NXDOMAIN:
		fl |= DNS_RCODE_NXDOMAIN;
		break;
	case M_DROP:
		return 0;
	case M_WRONG_ID:
	case M_WRONG_ID_THEN_OK:
		id ^= 0x5555;
		break;
	default:
		break;
	}
	dns_msgw_init(&mw, out, cap, id, fl);
	if (f->mode == M_WRONG_QUESTION) {
		nl = wname("other.example.org.", n);
		dns_msgw_question(&mw, n, nl, q->qtype, q->qclass);
		return dns_msgw_finish(&mw);
	}
	dns_msgw_question(&mw, q->qname, q->qname_len, q->qtype, q->qclass);
	if (f->mode == M_TC && !tcp) {
		dns_msgw_flags(&mw, fl | DNS_FLAG_TC);
		return dns_msgw_finish(&mw);
	}
	if (f->mode == M_SERVFAIL || f->mode == M_REFUSED ||
	    f->mode == M_NXDOMAIN)
		return dns_msgw_finish(&mw);
	if (f->mode == M_CHASE && strcmp(qtext, "mail.example.org.") == 0) {
		nl = wname("mx.example.net.", rd);
		dns_msgw_rr(&mw, DNS_SEC_ANSWER, q->qname, q->qname_len,
		    DNS_TYPE_CNAME, DNS_CLASS_IN, 60, rd, nl);
		return dns_msgw_finish(&mw);
	}
	if (q->qtype == DNS_TYPE_MX) {
		if (f->mode == M_MALFORMED) {
			/* MX rdata is two octets of preference plus a name:
			 * an RDLENGTH of 1 cannot hold it. */
			size_t len = dns_msgw_finish(&mw);

			static const uint8_t rr[] = {
				0xc0, 0x0c, 0, 15, 0, 1, 0, 0, 0, 60, 0, 1, 0,
			};
			memcpy(out + len, rr, sizeof(rr));
			out[7] = 1;	/* ANCOUNT */
			return len + sizeof(rr);
		}
		nl = wname("mx.example.org.", rd + 2);
		rd[0] = 0;
		rd[1] = 10;
		dns_msgw_rr(&mw, DNS_SEC_ANSWER, q->qname, q->qname_len,
		    DNS_TYPE_MX, DNS_CLASS_IN, 60, rd, nl + 2);
	} else if (q->qtype == DNS_TYPE_A) {
		static const uint8_t a[] = { 192, 0, 2, 1 };

		dns_msgw_rr(&mw, DNS_SEC_ANSWER, q->qname, q->qname_len,
		    DNS_TYPE_A, DNS_CLASS_IN, 60, a, 4);
	} else if (q->qtype == DNS_TYPE_TXT) {
		/* Large: forty 200-octet strings, over any UDP buffer. */
		uint8_t txt[201];
		int i;

		txt[0] = 200;
		memset(txt + 1, 'x', 200);
		for (i = 0; i < 40; i++)
			if (dns_msgw_rr(&mw, DNS_SEC_ANSWER, q->qname,
			    q->qname_len, DNS_TYPE_TXT, DNS_CLASS_IN, 60,
			    txt, sizeof(txt)) != 0) {
				dns_msgw_flags(&mw, fl | DNS_FLAG_TC);
				break;
			}
	}
	return dns_msgw_finish(&mw);
}

static void
fake_note_port(struct fake *f, uint16_t port)
{
	unsigned i;

	for (i = 0; i < f->nports; i++)
		if (f->ports[i] == port)
			return;
	if (f->nports < FAKE_PORTS_MAX)
		f->ports[f->nports++] = port;
}

static void
fake_udp(struct ev_loop *l, int fd, unsigned events, void *ud)
{
	struct fake *f = ud;
	uint8_t buf[512], out[16384];
	struct sockaddr_in from;
	socklen_t flen;
	struct dns_msg q;
	struct dns_msg_rr rr[4];
	ssize_t n;
	size_t len;

	(void)l;
	(void)events;
	for (;;) {
		flen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
		    (struct sockaddr *)&from, &flen);
		if (n < 0)
			return;
		f->udp_queries++;
		fake_note_port(f, ntohs(from.sin_port));
		if (dns_msg_parse(&q, buf, (size_t)n, rr, 4, 0) != 0)
			continue;
		f->last_rd = (q.hdr.flags & DNS_FLAG_RD) != 0;
		len = fake_answer(f, &q, out, 1232, 0);
		if (len == 0)
			continue;
		sendto(f->mode == M_WRONG_PORT ? f->udp2 : fd, out, len, 0,
		    (struct sockaddr *)&from, flen);
		if (f->mode == M_WRONG_ID_THEN_OK) {
			f->mode = M_OK;
			len = fake_answer(f, &q, out, 1232, 0);
			f->mode = M_WRONG_ID_THEN_OK;
			sendto(fd, out, len, 0, (struct sockaddr *)&from,
			    flen);
		}
	}
}

/* TCP: the query arrives in one segment on loopback; answer and close. */
static void
fake_tcp_conn(struct ev_loop *l, int fd, unsigned events, void *ud)
{
	struct fake *f = ud;
	uint8_t buf[514], out[2 + 16384];
	struct dns_msg q;
	struct dns_msg_rr rr[4];
	ssize_t n;
	size_t len;

	(void)events;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n > 2 && dns_msg_parse(&q, buf + 2, (size_t)n - 2, rr, 4, 0) ==
	    0) {
		f->tcp_queries++;
		len = fake_answer(f, &q, out + 2, sizeof(out) - 2, 1);
		out[0] = (uint8_t)(len >> 8);
		out[1] = (uint8_t)len;
		if (len > 0)
			assert_int_equal(send(fd, out, len + 2, 0),
			    (ssize_t)(len + 2));
	}
	ev_io_del(l, fd);
	close(fd);
}

static void
fake_accept(struct ev_loop *l, int fd, unsigned events, void *ud)
{
	int c;

	(void)events;
	c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (c >= 0)
		assert_int_equal(ev_io_set(l, c, EV_READ, fake_tcp_conn, ud),
		    0);
}

static int
bound_socket(int type, uint16_t port, uint16_t *got)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0), one = 1;

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		close(fd);
		return -1;
	}
	getsockname(fd, (struct sockaddr *)&sin, &sl);
	if (got != NULL)
		*got = ntohs(sin.sin_port);
	return fd;
}

static void
fake_start(struct fake *f, struct ev_loop *l, enum mode mode, int tcp)
{
	memset(f, 0, sizeof(*f));
	f->l = l;
	f->mode = mode;
	f->udp = bound_socket(SOCK_DGRAM, 0, &f->port);
	{
		int big = 4 << 20;

		/* As root: past net.core.rmem_max (a server's own setting). */
		if (setsockopt(f->udp, SOL_SOCKET, SO_RCVBUFFORCE, &big,
		    sizeof(big)) != 0)
			setsockopt(f->udp, SOL_SOCKET, SO_RCVBUF, &big,
			    sizeof(big));
	}
	f->udp2 = bound_socket(SOCK_DGRAM, 0, NULL);
	f->tcp = -1;
	if (tcp) {
		/* Same port number over TCP; retried if it is taken. */
		f->tcp = bound_socket(SOCK_STREAM, f->port, NULL);
		assert_true(f->tcp >= 0);
		assert_int_equal(listen(f->tcp, 64), 0);
		assert_int_equal(ev_io_set(l, f->tcp, EV_READ, fake_accept,
		    f), 0);
	}
	assert_int_equal(ev_io_set(l, f->udp, EV_READ, fake_udp, f), 0);
}

static void
fake_stop(struct fake *f)
{
	ev_io_del(f->l, f->udp);
	close(f->udp);
	close(f->udp2);
	if (f->tcp >= 0) {
		ev_io_del(f->l, f->tcp);
		close(f->tcp);
	}
}

/* Runs queries through an engine until all are back. */
struct run {
	struct ev_loop *l;
	struct resolv_engine *e;
	struct resolv_result *r[2048];
	unsigned want, got, cancelled;
};

static void
on_done(struct resolv_result *r, void *ud)
{
	struct run *run = ud;

	if (r == NULL) {
		run->cancelled++;
		return;
	}
	run->r[run->got++] = r;
	if (run->got == run->want)
		ev_stop(run->l);
}

static void
conf_for(struct resolv_conf *rc, const uint16_t *ports, unsigned n)
{
	struct resolv_server s;
	char spec[32];
	unsigned i;

	resolv_conf_init(rc);
	rc->timeout_ms = 50;
	rc->attempts = 2;
	for (i = 0; i < n; i++) {
		snprintf(spec, sizeof(spec), "127.0.0.1:%u", ports[i]);
		assert_int_equal(resolv_server_parse(&s, spec, 53), 0);
		assert_int_equal(resolv_conf_add_server(rc, &s), 0);
	}
}

/* One query of qname/qtype against a fake server in mode; the result. */
static struct resolv_result *
one(enum mode mode, int tcp, const char *qname, uint16_t qtype,
    unsigned flags, struct fake *fout)
{
	struct ev_loop *l = ev_new();
	struct fake f;
	struct resolv_conf rc;
	struct run run;
	uint8_t n[DNS_NAME_MAX];
	size_t nl = wname(qname, n);

	assert_non_null(l);
	fake_start(&f, l, mode, tcp);
	conf_for(&rc, &f.port, 1);
	memset(&run, 0, sizeof(run));
	run.l = l;
	run.want = 1;
	run.e = resolv_engine_new(l, &rc);
	assert_non_null(run.e);
	assert_int_equal(resolv_engine_query(run.e, n, nl, qtype, flags,
	    on_done, &run), 0);
	assert_int_equal(run.got, 0);	/* never called from inside */
	while (run.got < 1)
		assert_int_equal(ev_run(l), 0);
	assert_int_equal(resolv_engine_pending(run.e), 0);
	resolv_engine_free(run.e);
	fake_stop(&f);
	ev_free(l);
	if (fout != NULL)
		*fout = f;
	return run.r[0];
}

static void
answer_is_ok(void **state)
{
	struct fake f;
	struct resolv_result *r = one(M_OK, 1, "example.org.", DNS_TYPE_MX,
	    RESOLV_Q_CHASE, &f);

	(void)state;
	assert_int_equal(r->status, RESOLV_OK);
	assert_int_equal(r->nrr, 1);
	assert_int_equal(r->queries, 1);
	assert_int_equal(r->tcp, 0);
	assert_int_equal(f.udp_queries, 1);
	resolv_result_free(r);
}

static void
error_rcodes_are_reported_after_every_try(void **state)
{
	struct fake f;
	struct resolv_result *r;

	(void)state;
	r = one(M_SERVFAIL, 1, "example.org.", DNS_TYPE_MX, 0, &f);
	assert_int_equal(r->status, RESOLV_SERVFAIL);
	assert_int_equal(r->rcode, DNS_RCODE_SERVFAIL);
	assert_int_equal(f.udp_queries, 2);	/* attempts 2, one server */
	resolv_result_free(r);
	r = one(M_REFUSED, 1, "example.org.", DNS_TYPE_MX, 0, NULL);
	assert_int_equal(r->status, RESOLV_REFUSED);
	resolv_result_free(r);
	r = one(M_NXDOMAIN, 1, "example.org.", DNS_TYPE_MX, 0, &f);
	assert_int_equal(r->status, RESOLV_NXDOMAIN);
	assert_int_equal(f.udp_queries, 1);	/* final: no retry */
	resolv_result_free(r);
}

static void
no_edns_server_is_asked_again_without(void **state)
{
	struct fake f;
	struct resolv_result *r = one(M_NO_EDNS, 1, "example.org.",
	    DNS_TYPE_MX, 0, &f);

	(void)state;
	assert_int_equal(r->status, RESOLV_OK);
	assert_int_equal(f.udp_queries, 2);	/* with OPT, then without */
	resolv_result_free(r);
}

static void
silence_times_out(void **state)
{
	struct fake f;
	struct resolv_result *r = one(M_DROP, 1, "example.org.", DNS_TYPE_MX,
	    0, &f);

	(void)state;
	assert_int_equal(r->status, RESOLV_TIMEOUT);
	assert_int_equal(f.udp_queries, 2);
	assert_int_equal(r->queries, 2);
	resolv_result_free(r);
}

static void
spoofed_replies_are_dropped(void **state)
{
	static const enum mode bad[] = {
		M_WRONG_ID, M_WRONG_PORT, M_WRONG_QUESTION,
	};
	struct resolv_result *r;
	size_t i;

	(void)state;
	/* Not taken: the query times out as if nothing came. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = one(bad[i], 1, "example.org.", DNS_TYPE_MX, 0, NULL);
		assert_int_equal(r->status, RESOLV_TIMEOUT);
		resolv_result_free(r);
	}
	/* A wrong ID first does not hide the right reply behind it. */
	r = one(M_WRONG_ID_THEN_OK, 1, "example.org.", DNS_TYPE_MX, 0, NULL);
	assert_int_equal(r->status, RESOLV_OK);
	assert_int_equal(r->queries, 1);
	resolv_result_free(r);
}

static void
malformed_reply_is_temporary(void **state)
{
	struct resolv_result *r = one(M_MALFORMED, 1, "example.org.",
	    DNS_TYPE_MX, 0, NULL);

	(void)state;
	assert_int_equal(r->status, RESOLV_MALFORMED);
	assert_int_equal(r->err, MX_ERDLEN);
	assert_true(resolv_status_temp(r->status));
	resolv_result_free(r);
}

static void
truncation_moves_to_tcp(void **state)
{
	struct fake f;
	struct resolv_result *r;

	(void)state;
	r = one(M_TC, 1, "example.org.", DNS_TYPE_MX, RESOLV_Q_RAW, &f);
	assert_int_equal(r->status, RESOLV_OK);
	assert_int_equal(r->tcp, 1);
	assert_int_equal(f.tcp_queries, 1);
	assert_non_null(r->reply);
	assert_false(r->reply[2] & 0x02);	/* the TCP reply, no TC */
	resolv_result_free(r);
	/* A reply too big for UDP comes whole over TCP. */
	r = one(M_OK, 1, "example.org.", DNS_TYPE_TXT, 0, &f);
	assert_int_equal(r->status, RESOLV_OK);
	assert_int_equal(r->tcp, 1);
	assert_int_equal(r->nrr, 40);
	resolv_result_free(r);
	/* No TCP listener: the truncation cannot be resolved. */
	r = one(M_TC, 0, "example.org.", DNS_TYPE_MX, 0, NULL);
	assert_int_equal(r->status, RESOLV_TRUNCATED);
	assert_true(resolv_status_temp(r->status));
	resolv_result_free(r);
}

static void
chase_asks_again_along_cname(void **state)
{
	char t[DNS_NAME_TEXT_MAX];
	struct resolv_result *r = one(M_CHASE, 1, "mail.example.org.",
	    DNS_TYPE_A, RESOLV_Q_CHASE, NULL);

	(void)state;
	assert_int_equal(r->status, RESOLV_OK);
	assert_int_equal(r->queries, 2);
	assert_int_equal(r->nalias, 1);
	dns_name_to_text(r->name, r->name_len, t, sizeof(t));
	assert_string_equal(t, "mx.example.net.");
	resolv_result_free(r);
	/* Without RESOLV_Q_CHASE the reply is taken as it is. */
	r = one(M_CHASE, 1, "mail.example.org.", DNS_TYPE_A, 0, NULL);
	assert_int_equal(r->status, RESOLV_NODATA);
	assert_int_equal(r->queries, 1);
	resolv_result_free(r);
}

static void
next_server_after_silence(void **state)
{
	struct ev_loop *l = ev_new();
	struct fake dead, live;
	struct resolv_conf rc;
	struct run run;
	uint16_t ports[2];
	uint8_t n[DNS_NAME_MAX];
	size_t nl = wname("example.org.", n);

	(void)state;
	fake_start(&dead, l, M_DROP, 0);
	fake_start(&live, l, M_OK, 0);
	ports[0] = dead.port;
	ports[1] = live.port;
	conf_for(&rc, ports, 2);
	memset(&run, 0, sizeof(run));
	run.l = l;
	run.want = 1;
	run.e = resolv_engine_new(l, &rc);
	assert_int_equal(resolv_engine_query(run.e, n, nl, DNS_TYPE_MX, 0,
	    on_done, &run), 0);
	while (run.got < 1)
		assert_int_equal(ev_run(l), 0);
	assert_int_equal(run.r[0]->status, RESOLV_OK);
	assert_int_equal(dead.udp_queries, 1);
	assert_int_equal(live.udp_queries, 1);
	assert_int_equal(run.r[0]->queries, 2);
	resolv_result_free(run.r[0]);
	resolv_engine_free(run.e);
	fake_stop(&dead);
	fake_stop(&live);
	ev_free(l);
}

static void
query_to_asks_only_that_server(void **state)
{
	struct ev_loop *l = ev_new();
	struct fake dead, live;
	struct resolv_conf rc;
	struct run run;
	struct resolv_server s;
	char spec[32];
	uint8_t n[DNS_NAME_MAX];
	size_t nl = wname("example.org.", n);

	(void)state;
	fake_start(&dead, l, M_DROP, 0);
	fake_start(&live, l, M_OK, 0);
	conf_for(&rc, &dead.port, 1);
	memset(&run, 0, sizeof(run));
	run.l = l;
	run.want = 1;
	run.e = resolv_engine_new(l, &rc);
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", live.port);
	assert_int_equal(resolv_server_parse(&s, spec, 53), 0);
	assert_int_equal(resolv_engine_query_to(run.e, &s, n, nl, DNS_TYPE_MX,
	    RESOLV_Q_NORD, on_done, &run), 0);
	while (run.got < 1)
		assert_int_equal(ev_run(l), 0);
	assert_int_equal(run.r[0]->status, RESOLV_OK);
	assert_int_equal(dead.udp_queries, 0);
	assert_int_equal(live.udp_queries, 1);
	assert_int_equal(live.last_rd, 0);
	/* Without RESOLV_Q_NORD the query asks for recursion. */
	run.want = 2;
	assert_int_equal(resolv_engine_query_to(run.e, &s, n, nl, DNS_TYPE_MX,
	    0, on_done, &run), 0);
	while (run.got < 2)
		assert_int_equal(ev_run(l), 0);
	assert_int_equal(live.last_rd, 1);
	resolv_result_free(run.r[0]);
	resolv_result_free(run.r[1]);
	resolv_engine_free(run.e);
	fake_stop(&dead);
	fake_stop(&live);
	ev_free(l);
}

static void
thousands_in_flight_over_few_sockets(void **state)
{
	struct ev_loop *l = ev_new();
	struct fake f;
	struct resolv_conf rc;
	struct run *run = calloc(1, sizeof(*run));
	uint8_t n[DNS_NAME_MAX];
	char name[64];
	size_t nl;
	unsigned i, ok = 0;

	(void)state;
	assert_non_null(run);
	fake_start(&f, l, M_OK, 0);
	conf_for(&rc, &f.port, 1);
	rc.timeout_ms = 2000;	/* a loaded machine must not time out */
	run->l = l;
	run->want = 2000;
	run->e = resolv_engine_new(l, &rc);
	for (i = 0; i < run->want; i++) {
		snprintf(name, sizeof(name), "d%u.example.org.", i);
		nl = wname(name, n);
		assert_int_equal(resolv_engine_query(run->e, n, nl,
		    DNS_TYPE_A, 0, on_done, run), 0);
	}
	assert_int_equal(resolv_engine_pending(run->e), 2000);
	while (run->got < run->want)
		assert_int_equal(ev_run(l), 0);
	for (i = 0; i < run->got; i++) {
		ok += run->r[i]->status == RESOLV_OK;
		resolv_result_free(run->r[i]);
	}
	assert_int_equal(ok, 2000);
	/* Source ports change under load (RFC 5452): 2000 queries at 256
	 * per socket need at least 2000 / 256 of them; fresh ones replace
	 * the worn, so there are only a few more. */
	assert_true(f.nports >= 2000 / 256);
	assert_true(f.nports <= 2000 / 256 + 4 + 1);
	resolv_engine_free(run->e);
	fake_stop(&f);
	ev_free(l);
	free(run);
}

static void
free_with_queries_in_flight(void **state)
{
	struct ev_loop *l = ev_new();
	struct fake f;
	struct resolv_conf rc;
	struct run run;
	struct resolv_engine *e;
	uint8_t n[DNS_NAME_MAX];
	size_t nl = wname("example.org.", n);
	int i;

	(void)state;
	fake_start(&f, l, M_DROP, 0);
	conf_for(&rc, &f.port, 1);
	memset(&run, 0, sizeof(run));
	e = resolv_engine_new(l, &rc);
	for (i = 0; i < 10; i++)
		assert_int_equal(resolv_engine_query(e, n, nl, DNS_TYPE_MX, 0,
		    on_done, &run), 0);
	assert_int_equal(ev_run_once(l, 0) >= 0, 1);
	resolv_engine_free(e);	/* ASan: nothing leaks */
	assert_int_equal(run.got, 0);
	assert_int_equal(run.cancelled, 10);	/* each told, once */
	fake_stop(&f);
	ev_free(l);
}

static void
bad_arguments(void **state)
{
	struct ev_loop *l = ev_new();
	struct resolv_conf rc;
	struct resolv_engine *e;
	struct resolv_server s;
	struct resolv_result *r;
	uint8_t n[DNS_NAME_MAX];
	size_t nl = wname("example.org.", n);

	(void)state;
	resolv_conf_init(&rc);
	e = resolv_engine_new(l, &rc);
	assert_int_equal(resolv_engine_query(e, n, nl, DNS_TYPE_MX, 0,
	    on_done, NULL), MX_ENOENT);
	assert_int_equal(resolv_engine_query(e, (const uint8_t *)"\5ab", 3,
	    DNS_TYPE_MX, 0, on_done, NULL), MX_EINVAL);
	resolv_engine_free(e);
	/* -6 with only an IPv4 server: nothing to ask. */
	assert_int_equal(resolv_server_parse(&s, "127.0.0.1", 53), 0);
	resolv_conf_add_server(&rc, &s);
	rc.flags |= RESOLV_CONF_V6;
	assert_int_equal(resolv_lookup(&rc, n, nl, DNS_TYPE_MX, 0, &r),
	    MX_ENOENT);
	assert_null(r);
	ev_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(answer_is_ok),
		cmocka_unit_test(error_rcodes_are_reported_after_every_try),
		cmocka_unit_test(no_edns_server_is_asked_again_without),
		cmocka_unit_test(silence_times_out),
		cmocka_unit_test(spoofed_replies_are_dropped),
		cmocka_unit_test(malformed_reply_is_temporary),
		cmocka_unit_test(truncation_moves_to_tcp),
		cmocka_unit_test(chase_asks_again_along_cname),
		cmocka_unit_test(next_server_after_silence),
		cmocka_unit_test(query_to_asks_only_that_server),
		cmocka_unit_test(thousands_in_flight_over_few_sockets),
		cmocka_unit_test(free_with_queries_in_flight),
		cmocka_unit_test(bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
