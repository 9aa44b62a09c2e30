/* udp.c -- UDP workers: socket per address per thread, recvmmsg batches */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "server/worker.h"

/*
 * Datagrams per recvmmsg and sendmmsg. Two system calls serve up to this
 * many queries; a bigger batch saves little more and makes the first query
 * of a burst wait for the last one's answer.
 */
#define UDP_BATCH	32
/*
 * Room for one received datagram. A query is a header, one question (at
 * most 4 + 255 octets) and an OPT with a few options (cookie, padding to a
 * block of 468, RFC 8467), far below this; a longer datagram is cut by the
 * kernel (MSG_TRUNC) and dropped, because a cut message cannot be parsed
 * honestly.
 */
#define UDP_RX_SLOT	4096
/*
 * A worker with one socket (one listen address) waits in recvmmsg itself
 * rather than in epoll_wait: two system calls a batch instead of four
 * (epoll_wait, recvmmsg, sendmmsg and the recvmmsg that finds the socket
 * empty). The receive timeout bounds how long it takes to see that the
 * server is stopping.
 */
#define UDP_WAIT_MS	250

/* The larger of the two pktinfo control messages, aligned for cmsghdr. */
union udp_ctl {
	struct cmsghdr h;
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

/*
 * A worker's fixed buffers, allocated once: UDP_BATCH receive slots of
 * UDP_RX_SLOT octets and UDP_BATCH response slots of max_udp octets (never
 * less than 512), with their message headers. Nothing is allocated per
 * query.
 */
struct udp_bufs {
	uint8_t *rx, *tx;
	size_t txcap;
	int epfd;
	int blocking;		/* one socket: wait in recvmmsg */
	struct mmsghdr rm[UDP_BATCH], sm[UDP_BATCH];
	struct iovec riov[UDP_BATCH], siov[UDP_BATCH];
	struct sockaddr_storage peer[UDP_BATCH];
	union udp_ctl rctl[UDP_BATCH], sctl[UDP_BATCH];
};

/* epoll tag of the stop eventfd; sockets are tagged with their index. */
#define TAG_STOP	UINT32_MAX

int
srv_udp_init(struct srv_worker *w)
{
	struct udp_bufs *b;
	struct epoll_event e;
	size_t i;

	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return MX_ENOMEM;
	b->epfd = -1;
	w->udp = b;
	b->txcap = w->run->cfg.max_udp;
	b->rx = malloc((size_t)UDP_BATCH * UDP_RX_SLOT);
	b->tx = malloc((size_t)UDP_BATCH * b->txcap);
	if (b->rx == NULL || b->tx == NULL)
		return MX_ENOMEM;
	if (w->nfds == 1) {
		struct timeval tv = { 0, UDP_WAIT_MS * 1000 };
		int fl = fcntl(w->fds[0], F_GETFL);

		if (fl >= 0 && fcntl(w->fds[0], F_SETFL, fl & ~O_NONBLOCK) == 0 &&
		    setsockopt(w->fds[0], SOL_SOCKET, SO_RCVTIMEO, &tv,
		    sizeof(tv)) == 0) {
			b->blocking = 1;
			return 0;
		}
		/* Left non-blocking (the flags may be half set: restore). */
		if (fl >= 0)
			(void)fcntl(w->fds[0], F_SETFL, fl | O_NONBLOCK);
	}
	b->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (b->epfd < 0)
		return MX_EIO;
	memset(&e, 0, sizeof(e));
	e.events = EPOLLIN;
	for (i = 0; i < w->nfds; i++) {
		e.data.u32 = (uint32_t)i;
		if (epoll_ctl(b->epfd, EPOLL_CTL_ADD, w->fds[i], &e) != 0)
			return MX_EIO;
	}
	e.data.u32 = TAG_STOP;
	if (epoll_ctl(b->epfd, EPOLL_CTL_ADD, w->run->stop_fd, &e) != 0)
		return MX_EIO;
	return 0;
}

void
srv_udp_fini(struct srv_worker *w)
{
	struct udp_bufs *b = w->udp;

	if (b == NULL)
		return;
	if (b->epfd >= 0)
		close(b->epfd);
	free(b->rx);
	free(b->tx);
	free(b);
	w->udp = NULL;
}

/*
 * The control message that makes a reply leave from the address the query
 * was sent to (only asked for on wildcard sockets). IPv4: that address as
 * the source, any interface (routing picks it). IPv6: address and
 * interface both, since a link-local address means nothing without its
 * interface. Returns the control length, 0 when the query had none.
 */
static socklen_t
reply_ctl(struct msghdr *in, union udp_ctl *out)
{
	struct cmsghdr *c, *o = &out->h;

	memset(out, 0, sizeof(*out));
	for (c = CMSG_FIRSTHDR(in); c != NULL; c = CMSG_NXTHDR(in, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			pi.ipi_spec_dst = pi.ipi_addr;
			pi.ipi_ifindex = 0;
			o->cmsg_level = IPPROTO_IP;
			o->cmsg_type = IP_PKTINFO;
			o->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(o), &pi, sizeof(pi));
			return CMSG_SPACE(sizeof(pi));
		}
		if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			o->cmsg_level = IPPROTO_IPV6;
			o->cmsg_type = IPV6_PKTINFO;
			o->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(o), &pi, sizeof(pi));
			return CMSG_SPACE(sizeof(pi));
		}
	}
	return 0;
}

/*
 * Response rate limiting, for one response of rlen octets in out about to
 * go to peer: asks srv_rrl_check with the client's address (an IPv4-mapped
 * IPv6 address as the IPv4 address it is, so that it falls in its /24)
 * and the current second. Returns rlen to send the response as it is, 0
 * to send nothing, or the length of the slip (header and question, TC
 * set: info->tc then says so); counts the last two. Only UDP is limited:
 * TCP's handshake proves the address, so no one can be flooded through
 * it. Kept out of line: with RRL off the loop pays one test, not a call.
 */
static size_t __attribute__((noinline))
udp_rrl(struct srv_worker *w, const struct sockaddr *peer, uint8_t *out,
    size_t rlen, struct srv_answer_info *info)
{
	static const uint8_t v4mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	uint8_t a[16];
	size_t alen;
	struct timespec now;

	if (peer->sa_family == AF_INET) {
		memcpy(a, &((const struct sockaddr_in *)(const void *)peer)->
		    sin_addr, 4);
		alen = 4;
	} else if (peer->sa_family == AF_INET6) {
		memcpy(a, &((const struct sockaddr_in6 *)(const void *)peer)->
		    sin6_addr, 16);
		alen = 16;
		if (memcmp(a, v4mapped, sizeof(v4mapped)) == 0) {
			memmove(a, a + 12, 4);
			alen = 4;
		}
	} else {
		return rlen;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	switch (srv_rrl_check(w->run->rrl, a, alen, out, rlen,
	    (uint32_t)now.tv_sec)) {
	case SRV_RRL_SEND:
		return rlen;
	case SRV_RRL_SLIP:
		rlen = srv_rrl_slip(out, rlen);
		if (rlen == 0)
			break;
		info->tc = 1;
		ctr_add(&w->ctr.rrl_slipped, 1);
		return rlen;
	case SRV_RRL_DROP:
		break;
	}
	ctr_add(&w->ctr.rrl_dropped, 1);
	return 0;
}

/*
 * Takes up to UDP_BATCH datagrams from socket i, answers them and sends
 * the replies. rflags is MSG_DONTWAIT (an epoll worker: take what is
 * there) or MSG_WAITFORONE (a blocking socket: wait for the first, up to
 * UDP_WAIT_MS, then take what is there). The worker is online (may read
 * the zone set) only while answering, not in either system call. Returns
 * how many datagrams were taken (0: none).
 */
static int
udp_batch(struct srv_worker *w, struct udp_bufs *b, size_t i, int rflags)
{
	struct srv_run *r = w->run;
	const struct srv_zoneset *zs;
	int fd = w->fds[i], any = w->any[i], n, k, m = 0, sent;

	for (k = 0; k < UDP_BATCH; k++) {
		struct msghdr *h = &b->rm[k].msg_hdr;

		b->riov[k].iov_base = b->rx + (size_t)k * UDP_RX_SLOT;
		b->riov[k].iov_len = UDP_RX_SLOT;
		h->msg_name = &b->peer[k];
		h->msg_namelen = sizeof(b->peer[k]);
		h->msg_iov = &b->riov[k];
		h->msg_iovlen = 1;
		h->msg_control = any ? b->rctl[k].buf : NULL;
		h->msg_controllen = any ? sizeof(b->rctl[k]) : 0;
		h->msg_flags = 0;
	}
	n = recvmmsg(fd, b->rm, UDP_BATCH, rflags, NULL);
	if (n <= 0)
		return 0;

	worker_online(w);
	zs = srv_run_current(r);
	/* Ask for the zone data the batch will read before reading it: the
	 * lookups' cache misses then overlap instead of queueing (15 % less
	 * time per query on a million-name zone). */
	if (n > 1) {
		struct srv_hint hint[UDP_BATCH];

		for (k = 0; k < n; k++)
			srv_answer_prefetch(zs, b->riov[k].iov_base,
			    b->rm[k].msg_len, &hint[k]);
		for (k = 0; k < n; k++)
			srv_answer_prefetch2(&hint[k]);
	}
	for (k = 0; k < n; k++) {
		struct msghdr *h = &b->rm[k].msg_hdr, *s;
		const struct sockaddr *peer = (const void *)&b->peer[k];
		const uint8_t *q = b->riov[k].iov_base;
		uint8_t *out = b->tx + (size_t)m * b->txcap;
		struct srv_answer_info info;
		size_t rlen;
		socklen_t cl;

		if (h->msg_flags & MSG_TRUNC) {
			memset(&info, 0, sizeof(info));
			srv_run_query(r, &w->ctr, peer, q, 0, &info, 0,
			    SRV_UDP);
			continue;
		}
		rlen = srv_answer(zs, &r->aopts, SRV_UDP, q, b->rm[k].msg_len,
		    out, b->txcap, &info);
		if (r->rrl != NULL && rlen != 0)
			rlen = udp_rrl(w, peer, out, rlen, &info);
		srv_run_query(r, &w->ctr, peer, q, b->rm[k].msg_len, &info,
		    rlen, SRV_UDP);
		if (rlen == 0)
			continue;
		b->siov[m].iov_base = out;
		b->siov[m].iov_len = rlen;
		s = &b->sm[m].msg_hdr;
		s->msg_name = &b->peer[k];
		s->msg_namelen = h->msg_namelen;
		s->msg_iov = &b->siov[m];
		s->msg_iovlen = 1;
		cl = any ? reply_ctl(h, &b->sctl[m]) : 0;
		s->msg_control = cl != 0 ? b->sctl[m].buf : NULL;
		s->msg_controllen = cl;
		s->msg_flags = 0;
		m++;
	}
	worker_offline(w);

	for (sent = 0; sent < m; ) {
		int c = sendmmsg(fd, b->sm + sent, (unsigned)(m - sent),
		    MSG_DONTWAIT);

		if (c > 0) {
			sent += c;
			continue;
		}
		if (c < 0 && errno == EINTR)
			continue;
		/* The send buffer is full: the rest of the batch is lost,
		 * as it would be in the network. */
		if (c < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		/* This reply cannot go (no route back, a filter): skip it. */
		sent++;
	}
	return n;
}

void *
srv_udp_main(void *arg)
{
	struct srv_worker *w = arg;
	struct udp_bufs *b = w->udp;
	struct epoll_event ev[8];
	size_t i;
	int busy;

	if (b->blocking) {
		while (!atomic_load_explicit(&w->run->stopping,
		    memory_order_relaxed))
			(void)udp_batch(w, b, 0, MSG_WAITFORONE);
		return NULL;
	}
	while (!atomic_load_explicit(&w->run->stopping,
	    memory_order_relaxed)) {
		/* One batch from each socket in turn while one comes back
		 * full; a socket that gave less is most likely empty, and
		 * epoll (level-triggered) says so without a wasted read. */
		busy = 0;
		for (i = 0; i < w->nfds; i++)
			if (udp_batch(w, b, i, MSG_DONTWAIT) == UDP_BATCH)
				busy = 1;
		if (busy)
			continue;
		/* Every socket is empty: sleep until one is not, or until
		 * the stop eventfd turns readable. */
		if (epoll_wait(b->epfd, ev, 8, -1) < 0 && errno != EINTR)
			break;
	}
	return NULL;
}
