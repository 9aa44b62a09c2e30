/* notify.c -- NOTIFY to the secondaries (RFC 1996), retried on an event loop */
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "server/notify.h"

/*
 * A NOTIFY is the zone's name and SOA: header 12, question at most
 * 255 + 4, SOA at most 2 + 10 + 2 * 255 + 20 octets. A reply is the same
 * message echoed, perhaps with an OPT or TSIG; a longer one is not ours.
 */
#define NTF_OUT		1024
#define NTF_IN		4096
/* Replies read per wake-up of one socket, so that a flood of datagrams
 * to our port cannot keep the loop from its other connections. */
#define NTF_READ_BURST	64
/* Records parsed from a reply to find its zone: the SOA, OPT, TSIG. */
#define NTF_REPLY_RR	8
/* Event lines quote one name and one address. */
#define NTF_LINE	(DNS_NAME_TEXT_MAX + 2 * SRV_ADDR_TEXT + 64)

struct ntf_zone;

/* One zone to one secondary. tries counts the sends of the current
 * NOTIFY; 0 means none is waiting for a reply. */
struct ntf_job {
	struct ntf_zone *zone;
	size_t to;
	uint16_t id;
	unsigned tries;
	uint32_t serial;
	struct ev_timer timer;
};

/* A zone as last announced; allocated whole, so timers never move. */
struct ntf_zone {
	struct srv_notifier *n;
	uint8_t origin[DNS_NAME_MAX];
	size_t olen;
	uint32_t serial;		/* as last announced */
	int fresh;			/* not announced yet */
	int kept;			/* during an update: still served */
	struct ntf_job job[];		/* cfg.nto of them */
};

struct srv_notifier {
	struct ev_loop *loop;
	struct srv_notifier_cfg cfg;
	int fd4, fd6, kick_fd;
	struct ntf_zone **z;		/* in canonical order of origin */
	size_t nz;
	uint16_t seq;			/* IDs without getrandom */
	uint8_t out[NTF_OUT];
	uint8_t in[NTF_IN];
};

static void
ntf_log(struct srv_notifier *n, enum mx_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
ntf_log(struct srv_notifier *n, enum mx_level level, const char *fmt, ...)
{
	char line[NTF_LINE];
	va_list ap;

	if (n->cfg.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n->cfg.log(n->cfg.log_ud, level, line);
}

/* "example.org." and "192.0.2.1:53" of a job, for its log lines. */
static void
job_names(const struct ntf_job *j, char name[DNS_NAME_TEXT_MAX],
    char at[SRV_ADDR_TEXT])
{
	const struct ntf_zone *e = j->zone;

	if (dns_name_to_text(e->origin, e->olen, name, DNS_NAME_TEXT_MAX) < 0)
		snprintf(name, DNS_NAME_TEXT_MAX, "?");
	srv_addr_text((const struct sockaddr *)&e->n->cfg.to[j->to].ss, at);
}

/*
 * RFC 1996 3.5 asks the secondary to match a reply by ID; a predictable ID
 * would let an off-path host answer for it and stop the retries. The
 * kernel's generator, then a counter if it cannot be read.
 */
static uint16_t
new_id(struct srv_notifier *n)
{
	uint16_t id;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) == (ssize_t)sizeof(id))
		return id;
	n->seq = (uint16_t)(n->seq * 40503u + 1u);
	return n->seq;
}

/* The zone of the current set whose origin is exactly e's. */
static const struct zone_store *
current_zone(const struct srv_notifier *n, const struct ntf_zone *e)
{
	const struct srv_zoneset *zs = n->cfg.zones(n->cfg.zones_ud);
	const struct zone_store *z = srv_zoneset_find(zs, e->origin, e->olen);
	const uint8_t *o;
	size_t olen;

	if (z == NULL)
		return NULL;
	o = zone_store_origin(z, &olen);
	return dns_name_equal(o, olen, e->origin, e->olen) ? z : NULL;
}

/* Sends the job's NOTIFY once more and arms the retry. */
static void
job_send(struct ntf_job *j)
{
	struct ntf_zone *e = j->zone;
	struct srv_notifier *n = e->n;
	const struct srv_addr *to = &n->cfg.to[j->to];
	const struct zone_store *z = current_zone(n, e);
	char name[DNS_NAME_TEXT_MAX], at[SRV_ADDR_TEXT];
	uint64_t wait;
	size_t len;
	ssize_t w;
	int fd;

	job_names(j, name, at);
	if (z == NULL || (len = srv_notify_build(z, j->id, n->out,
	    sizeof(n->out))) == 0) {
		/* Gone in a reload that this loop has not seen yet: the
		 * update that follows forgets the zone. */
		j->tries = 0;
		return;
	}
	j->serial = srv_zone_serial(z);
	j->tries++;
	fd = to->ss.ss_family == AF_INET6 ? n->fd6 : n->fd4;
	do
		w = sendto(fd, n->out, len, MSG_NOSIGNAL,
		    (const struct sockaddr *)&to->ss, to->len);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		ntf_log(n, MX_DIAG_WARN, "NOTIFY %s serial %u to %s: cannot "
		    "send (try %u of %u): %s", name, (unsigned)j->serial, at,
		    j->tries, n->cfg.tries, strerror(errno));
	else
		ntf_log(n, MX_DIAG_INFO, "NOTIFY %s serial %u to %s: sent "
		    "(try %u of %u)", name, (unsigned)j->serial, at, j->tries,
		    n->cfg.tries);
	/* The wait before try k + 1 is retry_ms * 2^(k-1); tries is at most
	 * a few dozen in any sane config, and the shift is capped anyway. */
	wait = (uint64_t)n->cfg.retry_ms << (j->tries - 1 < 20 ?
	    j->tries - 1 : 20);
	if (ev_timer_at(n->loop, &j->timer, ev_now(n->loop) + wait) != 0) {
		ntf_log(n, MX_DIAG_ERROR, "NOTIFY %s to %s: out of memory "
		    "for the retry timer; not retried", name, at);
		j->tries = 0;
	}
}

static void
on_retry(struct ev_loop *l, struct ev_timer *tm, void *ud)
{
	struct ntf_job *j = ud;
	char name[DNS_NAME_TEXT_MAX], at[SRV_ADDR_TEXT];

	(void)l;
	(void)tm;
	if (j->tries == 0)
		return;
	if (j->tries < j->zone->n->cfg.tries) {
		job_send(j);
		return;
	}
	job_names(j, name, at);
	ntf_log(j->zone->n, MX_DIAG_WARN, "NOTIFY %s serial %u to %s: given "
	    "up after %u tries without a reply", name, (unsigned)j->serial,
	    at, j->tries);
	j->tries = 0;
}

/* A fresh NOTIFY of the zone to every secondary. */
static void
zone_announce(struct ntf_zone *e)
{
	size_t i;

	for (i = 0; i < e->n->cfg.nto; i++) {
		struct ntf_job *j = &e->job[i];

		ev_timer_stop(e->n->loop, &j->timer);
		j->id = new_id(e->n);
		j->tries = 0;
		job_send(j);
	}
}

static void
zone_free(struct ntf_zone *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->n->cfg.nto; i++)
		ev_timer_stop(e->n->loop, &e->job[i].timer);
	free(e);
}

static struct ntf_zone *
zone_new(struct srv_notifier *n, const uint8_t *o, size_t olen)
{
	struct ntf_zone *e;
	size_t i;

	e = calloc(1, sizeof(*e) + n->cfg.nto * sizeof(e->job[0]));
	if (e == NULL)
		return NULL;
	e->n = n;
	e->fresh = 1;
	memcpy(e->origin, o, olen);
	e->olen = olen;
	for (i = 0; i < n->cfg.nto; i++) {
		e->job[i].zone = e;
		e->job[i].to = i;
		ev_timer_init(&e->job[i].timer, on_retry, &e->job[i]);
	}
	return e;
}

void
srv_notifier_update(struct srv_notifier *n)
{
	const struct srv_zoneset *zs = n->cfg.zones(n->cfg.zones_ud);
	size_t count = srv_zoneset_count(zs), i = 0, k;
	struct ntf_zone **v;

	/* Built aside: on failure the old table stays as it was. */
	v = calloc(count > 0 ? count : 1, sizeof(*v));
	if (v == NULL)
		goto oom;
	/* Both lists are in canonical order of origin: one merge. */
	for (k = 0; k < count; k++) {
		const uint8_t *o;
		size_t olen;
		int c = 1;

		o = zone_store_origin(srv_zoneset_zone(zs, k), &olen);
		while (i < n->nz && (c = dns_name_cmp(n->z[i]->origin,
		    n->z[i]->olen, o, olen)) < 0)
			i++;
		if (i < n->nz && c == 0) {
			v[k] = n->z[i++];
			v[k]->kept = 1;
			continue;
		}
		if ((v[k] = zone_new(n, o, olen)) == NULL)
			goto oom;
	}
	/* Committed: the zones that are gone are forgotten. */
	for (i = 0; i < n->nz; i++) {
		if (n->z[i]->kept)
			n->z[i]->kept = 0;
		else
			zone_free(n->z[i]);
	}
	free(n->z);
	n->z = v;
	n->nz = count;
	for (k = 0; k < count; k++) {
		uint32_t serial = srv_zone_serial(srv_zoneset_zone(zs, k));

		if (!v[k]->fresh && serial == v[k]->serial)
			continue;
		v[k]->fresh = 0;
		v[k]->serial = serial;
		zone_announce(v[k]);
	}
	return;
oom:
	if (v != NULL)
		for (k = 0; k < count; k++)
			if (v[k] != NULL && v[k]->fresh)
				zone_free(v[k]);
	for (i = 0; i < n->nz; i++)
		n->z[i]->kept = 0;
	free(v);
	ntf_log(n, MX_DIAG_ERROR, "cannot send NOTIFY: out of memory");
}

/* The job a reply from secondary i belongs to, or NULL. */
static struct ntf_job *
reply_job(struct srv_notifier *n, size_t i, const uint8_t *r, size_t len)
{
	struct dns_msg_rr rr[NTF_REPLY_RR];
	struct dns_msg m;
	size_t lo = 0, hi = n->nz;

	if (dns_msg_parse(&m, r, len, rr, NTF_REPLY_RR, 0) != 0 ||
	    m.qname_len == 0)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct ntf_zone *e = n->z[mid];
		int c = dns_name_cmp(e->origin, e->olen, m.qname, m.qname_len);

		if (c == 0) {
			struct ntf_job *j = &e->job[i];

			return j->tries > 0 && j->id == m.hdr.id ? j : NULL;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* RFC 1996 3.6 (and the secondary's own ACL): a reply comes from the
 * address and port the NOTIFY went to. */
static size_t
target_of(const struct srv_notifier *n, const struct sockaddr_storage *ss)
{
	size_t i;

	for (i = 0; i < n->cfg.nto; i++) {
		const struct sockaddr_storage *t = &n->cfg.to[i].ss;

		if (t->ss_family != ss->ss_family)
			continue;
		if (ss->ss_family == AF_INET) {
			const struct sockaddr_in *a = (const void *)t,
			    *b = (const void *)ss;

			if (a->sin_port == b->sin_port &&
			    a->sin_addr.s_addr == b->sin_addr.s_addr)
				return i;
		} else if (ss->ss_family == AF_INET6) {
			const struct sockaddr_in6 *a = (const void *)t,
			    *b = (const void *)ss;

			if (a->sin6_port == b->sin6_port &&
			    memcmp(&a->sin6_addr, &b->sin6_addr, 16) == 0)
				return i;
		}
	}
	return n->cfg.nto;
}

static void
on_reply(struct ev_loop *l, int fd, unsigned ev, void *ud)
{
	struct srv_notifier *n = ud;
	char name[DNS_NAME_TEXT_MAX], at[SRV_ADDR_TEXT], rc[16];
	int burst;

	(void)l;
	(void)ev;
	for (burst = 0; burst < NTF_READ_BURST; burst++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		const struct zone_store *z;
		struct ntf_job *j;
		unsigned rcode;
		ssize_t len;
		size_t i;

		len = recvfrom(fd, n->in, sizeof(n->in), MSG_TRUNC,
		    (struct sockaddr *)&ss, &sl);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return;		/* EAGAIN, or an ICMP error: the
					 * retries deal with it */
		if ((size_t)len > sizeof(n->in))
			continue;	/* cut: not one of ours */
		if ((i = target_of(n, &ss)) == n->cfg.nto)
			continue;
		j = reply_job(n, i, n->in, (size_t)len);
		if (j == NULL || (z = current_zone(n, j->zone)) == NULL ||
		    !srv_notify_reply_ok(z, j->id, n->in, (size_t)len))
			continue;
		ev_timer_stop(n->loop, &j->timer);
		job_names(j, name, at);
		/* An error rcode is an answer too: the secondary refuses
		 * (RFC 1996 4.7 and its ACL), asking again will not help. */
		rcode = n->in[3] & 0xfu;
		if (rcode == DNS_RCODE_NOERROR)
			ntf_log(n, MX_DIAG_INFO, "NOTIFY %s serial %u to %s: "
			    "acknowledged", name, (unsigned)j->serial, at);
		else
			ntf_log(n, MX_DIAG_WARN, "NOTIFY %s serial %u to %s: "
			    "answered %s; not retried", name,
			    (unsigned)j->serial, at,
			    dns_rcode_to_text(rcode, rc));
		j->tries = 0;
	}
}

static void
on_kick(struct ev_loop *l, int fd, unsigned ev, void *ud)
{
	uint64_t v;

	(void)l;
	(void)ev;
	if (read(fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: another round read it already. */
	}
	srv_notifier_update(ud);
}

void
srv_notifier_kick(struct srv_notifier *n)
{
	uint64_t one = 1;

	if (write(n->kick_fd, &one, sizeof(one)) < 0) {
		/* Only fails when the counter is near 2^64: kicked already. */
	}
}

static int
open_sock(struct srv_notifier *n, int family, int *fd)
{
	*fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (*fd < 0) {
		ntf_log(n, MX_DIAG_ERROR, "cannot open an %s UDP socket for "
		    "NOTIFY: %s", family == AF_INET6 ? "IPv6" : "IPv4",
		    strerror(errno));
		return MX_EIO;
	}
	return ev_io_set(n->loop, *fd, EV_READ, on_reply, n);
}

int
srv_notifier_new(struct ev_loop *l, const struct srv_notifier_cfg *c,
    struct srv_notifier **out)
{
	struct srv_notifier *n;
	size_t i;
	int r = 0;

	*out = NULL;
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return MX_ENOMEM;
	n->loop = l;
	n->cfg = *c;
	if (n->cfg.tries == 0)
		n->cfg.tries = SRV_NOTIFY_TRIES;
	if (n->cfg.retry_ms == 0)
		n->cfg.retry_ms = SRV_NOTIFY_RETRY_MS;
	n->fd4 = n->fd6 = n->kick_fd = -1;
	for (i = 0; i < c->nto && r == 0; i++) {
		if (c->to[i].ss.ss_family == AF_INET6 && n->fd6 < 0)
			r = open_sock(n, AF_INET6, &n->fd6);
		else if (c->to[i].ss.ss_family == AF_INET && n->fd4 < 0)
			r = open_sock(n, AF_INET, &n->fd4);
	}
	if (r == 0) {
		n->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		r = n->kick_fd < 0 ? MX_EIO : ev_io_set(l, n->kick_fd,
		    EV_READ, on_kick, n);
	}
	if (r != 0) {
		srv_notifier_free(n);
		return r == MX_ENOMEM ? MX_ENOMEM : MX_EIO;
	}
	*out = n;
	return 0;
}

void
srv_notifier_free(struct srv_notifier *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nz; i++)
		zone_free(n->z[i]);
	free(n->z);
	if (n->fd4 >= 0) {
		ev_io_del(n->loop, n->fd4);
		close(n->fd4);
	}
	if (n->fd6 >= 0) {
		ev_io_del(n->loop, n->fd6);
		close(n->fd6);
	}
	if (n->kick_fd >= 0) {
		ev_io_del(n->loop, n->kick_fd);
		close(n->kick_fd);
	}
	free(n);
}
