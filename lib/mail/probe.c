/* probe.c -- route --connect: walk the delivery plan with real SMTP connections (mail-dns-spec 2.5 step 9) */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mxkit/err.h"
#include "mxkit/mail.h"

/* Bytes read per read(2): a few reply lines; the client keeps no more
 * than one line of its own. */
#define PROBE_READ	2048
/* The wait for 221 after QUIT: courtesy, it changes no result, so a
 * server that never answers QUIT must not hold the probe for the whole
 * reply timeout. */
#define PROBE_QUIT_WAIT_MS	5000

void
mail_probe_opts_init(struct mail_probe_opts *o)
{
	struct mail_smtpc s;

	memset(o, 0, sizeof(*o));
	o->connect_timeout_ms = 30 * 1000;
	o->reply_timeout_ms = 300 * 1000;
	o->max_sessions = 2;
	o->port = 25;
	if (gethostname(o->helo, sizeof(o->helo) - 1) != 0 ||
	    mail_smtpc_init(&s, o->helo) != 0)
		snprintf(o->helo, sizeof(o->helo), "localhost");
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Milliseconds left until deadline, for poll(2): 0 once it has passed. */
static int
left_ms(uint64_t deadline)
{
	uint64_t now = now_ms();

	if (now >= deadline)
		return 0;
	return deadline - now > (uint64_t)INT32_MAX ? INT32_MAX :
	    (int)(deadline - now);
}

/*
 * Waits until fd is ready for events or deadline passes. Returns 1 when
 * ready (or in error: the next call says which), 0 on timeout, or -errno.
 */
static int
wait_fd(int fd, short events, uint64_t deadline)
{
	struct pollfd pfd;
	int n;

	for (;;) {
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, left_ms(deadline));
		if (n > 0)
			return 1;
		if (n == 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

/* Connects fd to addr:port within timeout_ms: 0, or the errno. */
static int
connect_fd(int fd, const struct mail_addr *addr, uint16_t port,
    unsigned timeout_ms)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl, el;
	int rv, e;

	memset(&ss, 0, sizeof(ss));
	if (addr->family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, addr->a, 4);
		sl = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, addr->a, 16);
		sl = sizeof(*sin6);
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return errno;
	rv = wait_fd(fd, POLLOUT, now_ms() + timeout_ms);
	if (rv == 0)
		return ETIMEDOUT;
	if (rv < 0)
		return -rv;
	e = 0;
	el = sizeof(e);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) != 0)
		return errno;
	return e;
}

/* Sends all of p within deadline: 0, or -1 when the peer is gone or the
 * time is up (the dialogue is over either way). */
static int
send_all(int fd, const uint8_t *p, size_t len, uint64_t deadline)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = send(fd, p + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    wait_fd(fd, POLLOUT, deadline) == 1)
			continue;
		return -1;
	}
	return 0;
}

/*
 * The dialogue on a connected socket. Each reply gets reply_ms from the
 * moment it is due (the connection, or the command sent).
 */
static void
dialogue(int fd, const struct mail_probe_opts *o, struct mail_smtpc *s)
{
	uint8_t buf[PROBE_READ];
	const uint8_t *out;
	size_t n, off, used, outlen;
	uint64_t deadline;
	ssize_t r;
	int w;
	enum mail_smtpc_action act = MAIL_SMTPC_READ;

	deadline = now_ms() + o->reply_timeout_ms;
	while (s->state != MAIL_SMTPC_DONE) {
		w = wait_fd(fd, POLLIN, deadline);
		if (w <= 0) {
			/* Silent while a reply was due. After QUIT the
			 * result is already decided. */
			if (s->state != MAIL_SMTPC_QUIT)
				s->result = w == 0 ? MAIL_PROBE_REPLY_TIMEOUT :
				    MAIL_PROBE_CLOSED;
			return;
		}
		r = recv(fd, buf, sizeof(buf), 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN ||
		    errno == EWOULDBLOCK))
			continue;
		if (r <= 0) {
			/* EOF, or a reset: the server is gone. */
			mail_smtpc_eof(s);
			return;
		}
		n = (size_t)r;
		off = 0;
		do {
			act = mail_smtpc_feed(s, buf + off, n - off, &used);
			off += used;
			if (act == MAIL_SMTPC_CLOSE)
				return;
			if (act == MAIL_SMTPC_WRITE) {
				out = mail_smtpc_out(s, &outlen);
				deadline = now_ms() + o->reply_timeout_ms;
				if (send_all(fd, out, outlen, deadline) != 0) {
					mail_smtpc_eof(s);
					return;
				}
				if (s->state == MAIL_SMTPC_QUIT &&
				    o->reply_timeout_ms > PROBE_QUIT_WAIT_MS)
					deadline = now_ms() +
					    PROBE_QUIT_WAIT_MS;
			}
		} while (off < n);
	}
}

int
mail_probe_attempt(const struct mail_probe_opts *o,
    const struct mail_addr *addr, struct mail_probe_attempt *a)
{
	struct mail_smtpc s;
	uint64_t t0 = now_ms();
	int fd, e, rv;

	a->addr = *addr;
	a->port = o->port;
	a->result = MAIL_PROBE_CONNECT_ERROR;
	a->greeting = a->ehlo = 0;
	a->session = 0;
	a->oserr = 0;
	a->why = NULL;
	a->text[0] = '\0';
	a->ms = 0;
	if ((rv = mail_smtpc_init(&s, o->helo)) != 0)
		return rv;
	fd = socket(addr->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0) {
		a->oserr = errno;
		goto out;
	}
	e = connect_fd(fd, addr, o->port, o->connect_timeout_ms);
	if (e != 0) {
		if (e == ECONNREFUSED)
			a->result = MAIL_PROBE_REFUSED;
		else if (e == ETIMEDOUT)
			a->result = MAIL_PROBE_TIMEOUT;
		else
			a->oserr = e;
		close(fd);
		goto out;
	}
	dialogue(fd, o, &s);
	close(fd);
	a->result = s.result >= 0 ? s.result : MAIL_PROBE_CLOSED;
	a->greeting = s.greeting;
	a->ehlo = s.ehlo;
	a->why = s.why;
	memcpy(a->text, s.text, sizeof(a->text));
	/* A handshake that reached the EHLO reply (see mail_probe_route). */
	a->session = s.greeting / 100 == 2 && s.ehlo != 0;
out:
	a->ms = (unsigned)(now_ms() - t0);
	return 0;
}

int
mail_probe_route(const struct mail_probe_opts *o,
    const struct mail_route *rt, struct mail_probe *pr, mail_probe_fn *cb,
    void *ud)
{
	struct mail_probe_attempt *a;
	unsigned i;
	int rv;

	pr->nattempt = 0;
	pr->delivered = -1;
	pr->sessions = 0;
	pr->limit_reached = 0;
	for (i = 0; i < rt->nplan && i < MAIL_MX_MAX; i++) {
		a = &pr->attempt[pr->nattempt];
		a->plan = i;
		if ((rv = mail_probe_attempt(o, &rt->plan[i].addr, a)) != 0)
			return rv;
		pr->nattempt++;
		if (a->session)
			pr->sessions++;
		if (cb != NULL)
			cb(ud, rt, a);
		if (a->result == MAIL_PROBE_OK) {
			pr->delivered = (int)(pr->nattempt - 1);
			break;
		}
		if (o->max_sessions > 0 && pr->sessions >= o->max_sessions) {
			pr->limit_reached = 1;
			break;
		}
	}
	return 0;
}
