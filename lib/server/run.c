/* run.c -- the runtime: sockets, privileges, threads, signals, zone swap */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "server/worker.h"
#include "util/cur.h"

/* Event lines longer than this are cut: they quote at most one address,
 * one file name and one error message. */
#define LOG_LINE_MAX	1024
/* Listen backlog of each TCP socket; the kernel caps it at somaxconn. */
#define TCP_BACKLOG	1024
/* Receive buffer asked for each UDP socket: a burst of a few thousand
 * queries waits there while the worker answers a batch. The kernel caps
 * it at net.core.rmem_max; less is not an error. */
#define UDP_RCVBUF	(4 * 1024 * 1024)
/* File descriptors needed beyond sockets and connections: stdio, epoll,
 * eventfd, signalfd, zone files read during a reload, slack. */
#define FD_SLACK	64
/* How long the swapper sleeps between looks at the workers' epochs. */
#define SWAP_POLL_NS	200000

void
srv_run_log(struct srv_run *r, enum mx_level level, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;

	if (r->cfg.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->cfg.log(r->cfg.ud, level, line);
}

/*
 * Addresses
 */
int
srv_addr_parse(const char *s, uint16_t port, struct srv_addr *a)
{
	char host[SRV_ADDR_TEXT];
	const char *p = NULL, *c;
	struct addrinfo hints, *ai = NULL;
	size_t n;
	int v6 = 0;

	memset(a, 0, sizeof(*a));
	if (s[0] == '[') {
		c = strchr(s, ']');
		if (c == NULL || (c[1] != '\0' && c[1] != ':'))
			return MX_ESYNTAX;
		n = (size_t)(c - s - 1);
		if (n == 0 || n >= sizeof(host))
			return MX_ESYNTAX;
		memcpy(host, s + 1, n);
		host[n] = '\0';
		if (c[1] == ':')
			p = c + 2;
		v6 = 1;
	} else if ((c = strchr(s, ':')) != NULL && strchr(c + 1, ':') != NULL) {
		/* Two colons or more: a bare IPv6 address, no port. */
		if (strlen(s) >= sizeof(host))
			return MX_ESYNTAX;
		snprintf(host, sizeof(host), "%s", s);
		v6 = 1;
	} else {
		n = c != NULL ? (size_t)(c - s) : strlen(s);
		if (n == 0 || n >= sizeof(host))
			return MX_ESYNTAX;
		memcpy(host, s, n);
		host[n] = '\0';
		if (c != NULL)
			p = c + 1;
	}
	if (p != NULL) {
		char *end;
		unsigned long v;

		if (*p < '0' || *p > '9')
			return MX_ESYNTAX;
		errno = 0;
		v = strtoul(p, &end, 10);
		if (*end != '\0' || errno != 0 || v == 0 || v > 65535)
			return MX_ESYNTAX;
		port = (uint16_t)v;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = v6 ? AF_INET6 : AF_INET;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(host, NULL, &hints, &ai) != 0 || ai == NULL)
		return MX_ESYNTAX;
	if (ai->ai_addrlen > sizeof(a->ss)) {
		freeaddrinfo(ai);
		return MX_ESYNTAX;
	}
	memcpy(&a->ss, ai->ai_addr, ai->ai_addrlen);
	a->len = ai->ai_addrlen;
	freeaddrinfo(ai);
	if (a->ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
	return 0;
}

static const char *
host_text(const struct sockaddr *sa, char *buf, size_t cap)
{
	buf[0] = '\0';
	if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, buf, (socklen_t)cap);
	else if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, buf, (socklen_t)cap);
	else
		snprintf(buf, cap, "?");
	return buf;
}

const char *
srv_addr_host(const struct sockaddr *sa, char buf[SRV_ADDR_TEXT])
{
	return host_text(sa, buf, SRV_ADDR_TEXT);
}

const char *
srv_addr_text(const struct sockaddr *sa, char buf[SRV_ADDR_TEXT])
{
	char h[INET6_ADDRSTRLEN];

	host_text(sa, h, sizeof(h));
	if (sa->sa_family == AF_INET6)
		snprintf(buf, SRV_ADDR_TEXT, "[%s]:%u", h, ntohs(((const
		    struct sockaddr_in6 *)(const void *)sa)->sin6_port));
	else if (sa->sa_family == AF_INET)
		snprintf(buf, SRV_ADDR_TEXT, "%s:%u", h, ntohs(((const
		    struct sockaddr_in *)(const void *)sa)->sin_port));
	else
		snprintf(buf, SRV_ADDR_TEXT, "%s", h);
	return buf;
}

int
srv_addr_is_any(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr);
	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr.s_addr == htonl(INADDR_ANY);
	return 0;
}

/*
 * Prefixes
 */
int
srv_prefix_parse(const char *s, struct srv_prefix *p)
{
	char host[SRV_ADDR_TEXT];
	const char *slash = strchr(s, '/');
	size_t n = slash != NULL ? (size_t)(slash - s) : strlen(s), max, i;

	memset(p, 0, sizeof(*p));
	if (n == 0 || n >= sizeof(host))
		return MX_ESYNTAX;
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(AF_INET6, host, p->addr) == 1) {
		p->family = AF_INET6;
		max = 128;
	} else if (inet_pton(AF_INET, host, p->addr) == 1) {
		p->family = AF_INET;
		max = 32;
	} else {
		return MX_ESYNTAX;
	}
	p->bits = (unsigned)max;
	if (slash != NULL) {
		char *end;
		unsigned long v;

		if (slash[1] < '0' || slash[1] > '9')
			return MX_ESYNTAX;
		errno = 0;
		v = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || errno != 0 || v > max)
			return MX_ESYNTAX;
		p->bits = (unsigned)v;
	}
	/* Clear what the prefix does not cover, so matching compares
	 * whole octets and a last partial one. */
	for (i = p->bits; i < max; i++)
		p->addr[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
	return 0;
}

const char *
srv_prefix_text(const struct srv_prefix *p, char buf[SRV_ADDR_TEXT])
{
	char h[INET6_ADDRSTRLEN];

	if (inet_ntop(p->family, p->addr, h, sizeof(h)) == NULL)
		snprintf(h, sizeof(h), "?");
	snprintf(buf, SRV_ADDR_TEXT, "%s/%u", h, p->bits);
	return buf;
}

/* The first bits of a and b are the same. */
static int
bits_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;
	uint8_t mask;

	if (memcmp(a, b, whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xffu << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

int
srv_prefix_match(const struct srv_prefix *p, size_t n,
    const struct sockaddr *sa)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	const uint8_t *a;
	int family;
	size_t i;

	if (sa->sa_family == AF_INET6) {
		a = ((const struct sockaddr_in6 *)(const void *)sa)->
		    sin6_addr.s6_addr;
		family = AF_INET6;
		if (memcmp(a, mapped, sizeof(mapped)) == 0) {
			a += sizeof(mapped);
			family = AF_INET;
		}
	} else if (sa->sa_family == AF_INET) {
		a = (const uint8_t *)&((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr;
		family = AF_INET;
	} else {
		return 0;
	}
	for (i = 0; i < n; i++)
		if (p[i].family == family && bits_equal(p[i].addr, a,
		    p[i].bits))
			return 1;
	return 0;
}

/*
 * Counting and logging each query
 */
void
srv_run_query(struct srv_run *r, struct srv_ctr *c,
    const struct sockaddr *client, const uint8_t *q, size_t qlen,
    const struct srv_answer_info *info, size_t rlen, enum srv_transport t)
{
	struct srv_query_log ql;
	uint8_t name[DNS_NAME_MAX];
	struct cur cu;

	ctr_add(&c->queries, 1);
	ctr_add(&c->qtype[info->qtype < SRV_QTYPE_SLOTS ? info->qtype :
	    SRV_QTYPE_SLOTS], 1);
	if (rlen == 0) {
		ctr_add(&c->dropped, 1);
	} else {
		ctr_add(&c->responses, 1);
		ctr_add(&c->rcode[info->rcode < SRV_RCODE_SLOTS ?
		    info->rcode : SRV_RCODE_SLOTS], 1);
		if (info->tc)
			ctr_add(&c->tc, 1);
	}
	if (!(r->cfg.flags & SRV_LOG_QUERIES) || r->cfg.query == NULL)
		return;
	memset(&ql, 0, sizeof(ql));
	ql.client = client;
	ql.qtype = info->qtype;
	ql.rcode = info->rcode;
	ql.answered = rlen != 0;
	ql.transport = t;
	/* The question name, read again: srv_answer keeps it to itself. */
	cur_init(&cu, q, qlen);
	cur_skip(&cu, DNS_HDR_LEN);
	if (qlen > DNS_HDR_LEN && q[4] == 0 && q[5] == 1 &&
	    dns_name_from_wire(&cu, name, &ql.qname_len) == 0)
		ql.qname = name;
	else
		ql.qname_len = 0;
	r->cfg.query(r->cfg.ud, &ql);
}

void
srv_run_ctr_sum(const struct srv_ctr *c, struct srv_counters *s)
{
	size_t i;

	s->queries += ctr_get(&c->queries);
	s->responses += ctr_get(&c->responses);
	s->dropped += ctr_get(&c->dropped);
	s->tc += ctr_get(&c->tc);
	s->rrl_dropped += ctr_get(&c->rrl_dropped);
	s->rrl_slipped += ctr_get(&c->rrl_slipped);
	for (i = 0; i <= SRV_QTYPE_SLOTS; i++)
		s->qtype[i] += ctr_get(&c->qtype[i]);
	for (i = 0; i <= SRV_RCODE_SLOTS; i++)
		s->rcode[i] += ctr_get(&c->rcode[i]);
}

void
srv_run_stats(const struct srv_run *r, struct srv_stats *s)
{
	unsigned i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < r->nudp; i++)
		srv_run_ctr_sum(&r->udp[i].ctr, &s->udp);
	srv_run_ctr_sum(&r->tcpw.ctr, &s->tcp);
	if (r->tcp != NULL)
		srv_tcp_stats(r->tcp, s);
	s->rrl = r->rrl != NULL;
}

/*
 * Sockets
 */
static int
sock_opt(struct srv_run *r, int fd, int level, int name, int val,
    const char *what, const struct srv_addr *a)
{
	char at[SRV_ADDR_TEXT];

	if (setsockopt(fd, level, name, &val, sizeof(val)) == 0)
		return 0;
	srv_run_log(r, MX_DIAG_ERROR, "cannot set %s on %s: %s", what,
	    srv_addr_text((const struct sockaddr *)&a->ss, at),
	    strerror(errno));
	return MX_EIO;
}

static int
open_udp(struct srv_run *r, const struct srv_addr *a, int *out)
{
	const struct sockaddr *sa = (const struct sockaddr *)&a->ss;
	int fd, v6 = sa->sa_family == AF_INET6, rcv = UDP_RCVBUF;
	char at[SRV_ADDR_TEXT];

	fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0) {
		srv_run_log(r, MX_DIAG_ERROR, "cannot open a UDP socket for "
		    "%s: %s", srv_addr_text(sa, at), strerror(errno));
		return MX_EIO;
	}
	/* Each worker has its own socket on the same address; the kernel
	 * spreads the clients over them by their address and port. */
	if (sock_opt(r, fd, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT",
	    a) != 0 ||
	    (v6 && sock_opt(r, fd, IPPROTO_IPV6, IPV6_V6ONLY, 1,
	    "IPV6_V6ONLY", a) != 0))
		goto fail;
	/* On a wildcard address a reply must leave from the address the
	 * query came to, or the client drops it: learn that address. */
	if (srv_addr_is_any(sa) &&
	    (v6 ? sock_opt(r, fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1,
	    "IPV6_RECVPKTINFO", a) : sock_opt(r, fd, IPPROTO_IP, IP_PKTINFO,
	    1, "IP_PKTINFO", a)) != 0)
		goto fail;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (bind(fd, sa, a->len) != 0) {
		srv_run_log(r, MX_DIAG_ERROR, "cannot bind UDP %s: %s",
		    srv_addr_text(sa, at), strerror(errno));
		goto fail;
	}
	*out = fd;
	return 0;
fail:
	close(fd);
	return MX_EIO;
}

static int
open_tcp(struct srv_run *r, const struct srv_addr *a, int *out)
{
	const struct sockaddr *sa = (const struct sockaddr *)&a->ss;
	int fd;
	char at[SRV_ADDR_TEXT];

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd < 0) {
		srv_run_log(r, MX_DIAG_ERROR, "cannot open a TCP socket for "
		    "%s: %s", srv_addr_text(sa, at), strerror(errno));
		return MX_EIO;
	}
	if (sock_opt(r, fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR",
	    a) != 0 ||
	    (sa->sa_family == AF_INET6 && sock_opt(r, fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, 1, "IPV6_V6ONLY", a) != 0))
		goto fail;
	if (bind(fd, sa, a->len) != 0) {
		srv_run_log(r, MX_DIAG_ERROR, "cannot bind TCP %s: %s",
		    srv_addr_text(sa, at), strerror(errno));
		goto fail;
	}
	if (listen(fd, TCP_BACKLOG) != 0) {
		srv_run_log(r, MX_DIAG_ERROR, "cannot listen on TCP %s: %s",
		    srv_addr_text(sa, at), strerror(errno));
		goto fail;
	}
	*out = fd;
	return 0;
fail:
	close(fd);
	return MX_EIO;
}

/* Each TCP connection is a file descriptor: make sure tcp_max fit. */
static void
raise_nofile(struct srv_run *r)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)r->cfg.tcp_max + FD_SLACK +
	    (rlim_t)r->cfg.nlisten * (r->nudp + 1);

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need ?
	    rl.rlim_max : need;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < need && !(r->cfg.flags & SRV_NO_TCP))
		srv_run_log(r, MX_DIAG_WARN, "open-file limit %llu is below "
		    "the %llu that %u TCP connections need",
		    (unsigned long long)rl.rlim_cur, (unsigned long long)need,
		    r->cfg.tcp_max);
}

/*
 * djbdns's droproot, after the last bind: the supplementary groups first
 * (they need root), then the group, then the user; then make sure root
 * cannot be regained.
 */
static int
drop_privileges(struct srv_run *r)
{
	const char *user = r->cfg.user != NULL ? r->cfg.user : "nobody";
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0) {
		if (r->cfg.user != NULL)
			srv_run_log(r, MX_DIAG_INFO, "not started as root: "
			    "staying uid %u, not switching to %s",
			    (unsigned)geteuid(), user);
		return 0;
	}
	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		srv_run_log(r, MX_DIAG_ERROR, "cannot drop privileges: "
		    "unknown user %s", user);
		return MX_EIO;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (setgroups(1, &gid) != 0 || setgid(gid) != 0 ||
	    setuid(uid) != 0) {
		srv_run_log(r, MX_DIAG_ERROR, "cannot drop privileges to %s: "
		    "%s", user, strerror(errno));
		return MX_EIO;
	}
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		srv_run_log(r, MX_DIAG_ERROR, "dropped privileges to %s but "
		    "could regain root", user);
		return MX_EIO;
	}
	srv_run_log(r, MX_DIAG_INFO, "running as %s (uid %u, gid %u)", user,
	    (unsigned)uid, (unsigned)gid);
	return 0;
}

static int
block_signals(struct srv_run *r)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	/* signalfd only sees blocked signals; threads started later inherit
	 * the mask, so the signals reach this fd and no other thread. */
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return MX_EIO;
	r->sig_fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (r->sig_fd < 0) {
		srv_run_log(r, MX_DIAG_ERROR, "cannot open a signalfd: %s",
		    strerror(errno));
		return MX_EIO;
	}
	/* A peer that closes early must not kill the server: sends use
	 * MSG_NOSIGNAL, and a log line to a closed pipe gets EPIPE. */
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	return 0;
}

static int
open_all(struct srv_run *r)
{
	char at[SRV_ADDR_TEXT];
	size_t i;
	unsigned k;
	int rc;

	for (k = 0; k < r->nudp; k++) {
		struct srv_worker *w = &r->udp[k];

		w->fds = calloc(r->cfg.nlisten, sizeof(*w->fds));
		w->any = calloc(r->cfg.nlisten, 1);
		if (w->fds == NULL || w->any == NULL)
			return MX_ENOMEM;
		for (i = 0; i < r->cfg.nlisten; i++) {
			const struct srv_addr *a = &r->addrs[i];

			if ((rc = open_udp(r, a, &w->fds[i])) != 0)
				return rc;
			w->nfds++;
			w->any[i] = (unsigned char)srv_addr_is_any(
			    (const struct sockaddr *)&a->ss);
		}
	}
	if (!(r->cfg.flags & SRV_NO_TCP)) {
		r->tcp_fds = calloc(r->cfg.nlisten, sizeof(*r->tcp_fds));
		if (r->tcp_fds == NULL)
			return MX_ENOMEM;
		for (i = 0; i < r->cfg.nlisten; i++) {
			if ((rc = open_tcp(r, &r->addrs[i],
			    &r->tcp_fds[i])) != 0)
				return rc;
			r->ntcp_fds++;
		}
	}
	for (i = 0; i < r->cfg.nlisten; i++)
		srv_run_log(r, MX_DIAG_INFO, "listening on %s (%s)",
		    srv_addr_text((const struct sockaddr *)&r->addrs[i].ss,
		    at), r->cfg.flags & SRV_NO_TCP ? "udp" : "udp, tcp");
	return 0;
}

/* The config's lists become the run's own copies. */
static int
copy_lists(struct srv_run *r)
{
	const struct srv_config *c = &r->cfg;

	if (c->nallow_xfr > 0) {
		r->allow_xfr = calloc(c->nallow_xfr, sizeof(*r->allow_xfr));
		if (r->allow_xfr == NULL)
			return MX_ENOMEM;
		memcpy(r->allow_xfr, c->allow_xfr,
		    c->nallow_xfr * sizeof(*r->allow_xfr));
	}
	r->cfg.allow_xfr = r->allow_xfr;
	if (c->nnotify > 0) {
		r->notify_to = calloc(c->nnotify, sizeof(*r->notify_to));
		if (r->notify_to == NULL)
			return MX_ENOMEM;
		memcpy(r->notify_to, c->notify,
		    c->nnotify * sizeof(*r->notify_to));
	}
	r->cfg.notify = r->notify_to;
	return 0;
}

int
srv_run_new(struct srv_run **out, const struct srv_config *cfg,
    struct srv_zoneset *zs)
{
	struct srv_run *r;
	unsigned k;
	int rc;

	*out = NULL;
	if (cfg->nlisten == 0 || cfg->listen == NULL) {
		srv_zoneset_free(zs);
		return MX_EINVAL;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		srv_zoneset_free(zs);
		return MX_ENOMEM;
	}
	r->cfg = *cfg;
	r->stop_fd = -1;
	r->sig_fd = -1;
	atomic_init(&r->zones, zs);
	atomic_init(&r->stopping, 0);
	pthread_mutex_init(&r->swap_mu, NULL);
	if (r->cfg.threads == 0)
		r->cfg.threads = 1;
	if (r->cfg.tcp_max == 0)
		r->cfg.tcp_max = SRV_TCP_MAX;
	if (r->cfg.tcp_max_per_client == 0)
		r->cfg.tcp_max_per_client = SRV_TCP_MAX_PER_CLIENT;
	if (r->cfg.tcp_idle_ms == 0)
		r->cfg.tcp_idle_ms = SRV_TCP_IDLE_MS;
	if (r->cfg.max_udp == 0)
		r->cfg.max_udp = SRV_MAX_UDP;
	if (r->cfg.max_udp < 512)
		r->cfg.max_udp = 512;
	r->aopts.max_udp = r->cfg.max_udp;
	if (r->cfg.rrl_rate > 0) {
		if (r->cfg.rrl_table == 0)
			r->cfg.rrl_table = SRV_RRL_TABLE;
		r->rrl = srv_rrl_new(r->cfg.rrl_rate, r->cfg.rrl_slip,
		    r->cfg.rrl_table);
		if (r->rrl == NULL) {
			rc = MX_ENOMEM;
			goto fail;
		}
		srv_run_log(r, MX_DIAG_INFO, "rate limiting UDP responses: %u "
		    "a second per client network and answer, slip %u, "
		    "%zu buckets", r->cfg.rrl_rate, r->cfg.rrl_slip,
		    r->cfg.rrl_table);
	}
	r->addrs = calloc(cfg->nlisten, sizeof(*r->addrs));
	r->udp = calloc(r->cfg.threads, sizeof(*r->udp));
	if (r->addrs == NULL || r->udp == NULL) {
		rc = MX_ENOMEM;
		goto fail;
	}
	r->nudp = r->cfg.threads;
	memcpy(r->addrs, cfg->listen, cfg->nlisten * sizeof(*r->addrs));
	r->cfg.listen = r->addrs;
	if ((rc = copy_lists(r)) != 0)
		goto fail;
	for (k = 0; k < r->nudp; k++) {
		r->udp[k].run = r;
		r->udp[k].idx = k;
	}
	r->tcpw.run = r;
	r->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->stop_fd < 0) {
		rc = MX_EIO;
		goto fail;
	}
	raise_nofile(r);
	if ((rc = block_signals(r)) != 0 || (rc = open_all(r)) != 0)
		goto fail;
	for (k = 0; k < r->nudp; k++)
		if ((rc = srv_udp_init(&r->udp[k])) != 0)
			goto fail;
	/* The event-loop thread also sends the NOTIFY messages, so it runs
	 * without TCP when there are secondaries to tell. */
	if ((!(r->cfg.flags & SRV_NO_TCP) || r->cfg.nnotify > 0) &&
	    (rc = srv_tcp_new(r, &r->tcp)) != 0)
		goto fail;
	if ((rc = drop_privileges(r)) != 0)
		goto fail;
	*out = r;
	return 0;
fail:
	if (rc == MX_ENOMEM)
		srv_run_log(r, MX_DIAG_ERROR, "out of memory");
	srv_run_free(r);
	return rc;
}

/* Ends every started thread: the flag for loops between batches, the
 * eventfd for threads asleep in epoll_wait. */
static void
stop_threads(struct srv_run *r)
{
	uint64_t one = 1;
	unsigned k;

	atomic_store(&r->stopping, 1);
	if (write(r->stop_fd, &one, sizeof(one)) < 0) {
		/* The counter cannot overflow with one write: ignore. */
	}
	for (k = 0; k < r->nudp; k++) {
		if (r->udp[k].started) {
			pthread_join(r->udp[k].tid, NULL);
			r->udp[k].started = 0;
		}
	}
	if (r->tcpw.started) {
		pthread_join(r->tcpw.tid, NULL);
		r->tcpw.started = 0;
	}
}

static const char *
sig_name(uint32_t s)
{
	switch (s) {
	case SIGTERM: return "SIGTERM";
	case SIGINT: return "SIGINT";
	case SIGHUP: return "SIGHUP";
	case SIGUSR1: return "SIGUSR1";
	default: return "a signal";
	}
}

int
srv_run_main(struct srv_run *r)
{
	struct signalfd_siginfo si;
	unsigned k;
	int e;

	for (k = 0; k < r->nudp; k++) {
		e = pthread_create(&r->udp[k].tid, NULL, srv_udp_main,
		    &r->udp[k]);
		if (e != 0)
			goto fail;
		r->udp[k].started = 1;
	}
	if (r->tcp != NULL) {
		e = pthread_create(&r->tcpw.tid, NULL, srv_tcp_main, r->tcp);
		if (e != 0)
			goto fail;
		r->tcpw.started = 1;
	}
	srv_run_log(r, MX_DIAG_INFO, "started: %u UDP thread%s%s", r->nudp,
	    r->nudp == 1 ? "" : "s", r->tcp == NULL ? "" :
	    r->cfg.flags & SRV_NO_TCP ? ", 1 NOTIFY thread" :
	    ", 1 TCP thread");
	for (;;) {
		ssize_t n = read(r->sig_fd, &si, sizeof(si));

		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si)) {
			srv_run_log(r, MX_DIAG_ERROR, "reading signals: %s",
			    n < 0 ? strerror(errno) : "short read");
			break;
		}
		if (si.ssi_signo == SIGHUP) {
			if (r->cfg.reload != NULL)
				r->cfg.reload(r->cfg.ud, r);
		} else if (si.ssi_signo == SIGUSR1) {
			if (r->cfg.stats != NULL)
				r->cfg.stats(r->cfg.ud, r);
		} else {
			srv_run_log(r, MX_DIAG_INFO, "stopping on %s",
			    sig_name(si.ssi_signo));
			break;
		}
	}
	stop_threads(r);
	return 0;
fail:
	srv_run_log(r, MX_DIAG_ERROR, "cannot start a thread: %s",
	    strerror(e));
	stop_threads(r);
	return e == ENOMEM || e == EAGAIN ? MX_ENOMEM : MX_EIO;
}

/* Waits until w has been offline, or gone from online to offline, since
 * the zone pointer changed. */
static void
wait_quiescent(const struct srv_worker *w)
{
	const struct timespec ts = { 0, SWAP_POLL_NS };
	uint64_t snap = atomic_load(&w->epoch);

	if ((snap & 1) == 0)
		return;
	while (atomic_load(&w->epoch) == snap)
		nanosleep(&ts, NULL);
}

void
srv_run_swap(struct srv_run *r, struct srv_zoneset *zs)
{
	struct srv_zoneset *old;
	unsigned k;

	pthread_mutex_lock(&r->swap_mu);
	old = atomic_exchange(&r->zones, zs);
	for (k = 0; k < r->nudp; k++)
		wait_quiescent(&r->udp[k]);
	wait_quiescent(&r->tcpw);
	pthread_mutex_unlock(&r->swap_mu);
	/*
	 * Two lifetimes meet here. A query is answered within one batch or
	 * event, and the quiescent points above cover it. A zone transfer
	 * lasts as long as its secondary takes to read (a slow one: minutes),
	 * and waiting for it here would stall every later reload and the
	 * shutdown. So a transfer takes a reference to the set it started
	 * from (srv_zoneset_hold, inside its thread's quiescent-state window,
	 * where the set cannot be freed yet), and this drops only the run's
	 * own: the set goes now if nothing holds it, or with the last
	 * message of the last transfer, in the TCP thread. The old set's
	 * memory stays until then; a transfer's own memory is its
	 * connection's buffers.
	 */
	srv_zoneset_free(old);
	/* The serials may have changed: the NOTIFY side compares. */
	if (r->tcp != NULL)
		srv_tcp_zones_changed(r->tcp);
}

const struct srv_zoneset *
srv_run_zones(const struct srv_run *r)
{
	return atomic_load(&((struct srv_run *)r)->zones);
}

void
srv_run_free(struct srv_run *r)
{
	unsigned k;
	size_t i;

	if (r == NULL)
		return;
	stop_threads(r);
	srv_tcp_free(r->tcp);
	for (k = 0; k < r->nudp; k++) {
		struct srv_worker *w = &r->udp[k];

		srv_udp_fini(w);
		for (i = 0; i < w->nfds; i++)
			close(w->fds[i]);
		free(w->fds);
		free(w->any);
	}
	for (i = 0; i < r->ntcp_fds; i++)
		close(r->tcp_fds[i]);
	free(r->tcp_fds);
	if (r->stop_fd >= 0)
		close(r->stop_fd);
	if (r->sig_fd >= 0)
		close(r->sig_fd);
	srv_zoneset_free(atomic_load(&r->zones));
	srv_rrl_free(r->rrl);
	pthread_mutex_destroy(&r->swap_mu);
	free(r->udp);
	free(r->addrs);
	free(r->allow_xfr);
	free(r->notify_to);
	free(r);
}
