/* trap.c -- mxkit trap: the low-priority MX trap; trap listen is its SMTP listener (spec 4.3, 4.4; OpenBSD spamd's shape) */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "mxkit/err.h"
#include "mxkit/trap.h"
#include "sandbox.h"
#include "sdnotify.h"
#include "server/run.h"
#include "trap_store.h"
#include "util/ev.h"

/*
 * Two processes, as spamd: this one (the network process) binds, drops
 * privileges, and runs every SMTP session in one event loop over a fixed
 * table of session slots; the store process, forked before anything is
 * bound, is the only one that opens the database. A finished session is
 * one struct trap_event written to the store over a SOCK_SEQPACKET
 * socketpair without blocking: fsync in the store never slows the
 * sessions, and when the store falls behind, events are dropped and
 * counted here rather than queued without bound.
 */

#define LISTEN_MAX	16
/* spamd's -c default: enough for a trap, and the slot table is 4 MiB. */
#define DEF_MAX_CONN	800
#define MAX_CONN_LIMIT	100000
#define DEF_PER_CLIENT	10
#define DEF_TIMEOUT	120
/* spamd stutters one byte a second, at most 10 s apart. */
#define STUTTER_MAX_MS	10000
/* Events queued for a busy store: every session of a full table
 * closing at once, up to 11 MiB. */
#define QUEUE_MAX	4096
/* Input read per system call: two full lines. */
#define IN_MAX		(2 * TRAP_LINE_MAX)

static void
usage(FILE *fp)
{
	fputs("usage: mxkit trap listen --db FILE [--listen ADDR:PORT]...\n"
	    "                  [--hostname NAME] [--reply 421|451]\n"
	    "                  [--stutter SECS] [--stutter-max N] [--max-conn N]\n"
	    "                  [--max-per-client N] [--timeout SECS] [--user USER]\n"
	    "                  [--no-seccomp]\n"
	    "       mxkit trap report ...\n"
	    "       mxkit trap dnsbl ...\n"
	    "\n"
	    "trap listen is the SMTP server of the strictly worst MX of a domain.\n"
	    "It greets, reads EHLO, MAIL FROM and RCPT TO, and answers every\n"
	    "recipient and DATA with a temporary failure: it never accepts a\n"
	    "message and never answers 5xx, so honest senders retry through the\n"
	    "real MXes. Each connection becomes one row of the events table.\n"
	    "\n"
	    "--db FILE               SQLite database of events (created; WAL)\n"
	    "--listen ADDR[:PORT]    where to listen (repeatable; IPv6 as\n"
	    "                        [ADDR]:PORT; default port 25; default\n"
	    "                        0.0.0.0:25 and [::]:25)\n"
	    "--hostname NAME         the name in the greeting (default: the host's)\n"
	    "--reply 421|451         the answer to RCPT and DATA: 451 keeps the\n"
	    "                        session (default), 421 closes it\n"
	    "--stutter SECS          send replies one byte every SECS (0.001-10;\n"
	    "                        default: no stutter)\n"
	    "--stutter-max N         clients stuttered at once (default 100)\n"
	    "--max-conn N            sessions at once (default 800)\n"
	    "--max-per-client N      sessions at once from one address (default 10)\n"
	    "--timeout SECS          session time (default 120)\n"
	    "--user USER             user to run as after binding, when started as\n"
	    "                        root (default: nobody); the store process too,\n"
	    "                        once the database is open\n"
	    "--no-seccomp            do not install the system call filters\n"
	    "                        (seccomp) of the two processes\n", fp);
}

struct slot {
	int fd;				/* -1: free */
	int stutter;			/* replies paced one byte a tick */
	struct trap *t;
	struct ev_timer deadline, tick;
	size_t inoff, inlen;
	uint8_t in[IN_MAX];
	struct trap_smtp s;
};

struct trap {
	struct ev_loop *loop;
	struct trap_smtp_opts opts;
	int lfd[LISTEN_MAX];
	size_t nlisten;
	int paused;			/* accept stopped: out of fds */
	int store_fd, sig_fd;
	/* Events the socketpair had no room for, oldest first: a burst of
	 * closing sessions outruns the store's fsync. Fixed size; when it
	 * is full, events are dropped and counted. */
	struct trap_event *q;
	size_t qcap, qhead, qlen;
	struct slot *slots;
	/*
	 * Beside the slots, dense, so that an accept does not walk 5 KiB
	 * slots: the free slots as a stack, and each busy slot's client
	 * (family 0 when free) for the per-client count.
	 */
	unsigned *free_slots, nfree;
	struct mail_addr *peer;
	unsigned max_conn, per_client, stutter_max, nstutter, active;
	uint64_t stutter_ms, timeout_ms;
	unsigned long long events, dropped, refused;
};

void
trap_log(const char *fmt, ...)
{
	va_list ap;

	/* The two processes share stderr: one write a line. */
	va_start(ap, fmt);
	cmd_log_line("mxkit trap: ", fmt, ap);
	va_end(ap);
}

static int64_t
now_unix_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
drop(struct trap *t, const char *why)
{
	t->dropped++;
	/* Powers of two: a dead store or a long stall does not flood the
	 * log with one line per connection. */
	if ((t->dropped & (t->dropped - 1)) == 0)
		trap_log("event dropped (%s), %llu dropped in all", why,
		    t->dropped);
}

static void io_store(struct ev_loop *l, int fd, unsigned events, void *ud);

/*
 * Sends the queued events while the socketpair takes them; flags 0 at
 * shutdown waits for the store. Returns 0, or -1 when the store is gone
 * (the queue is then dropped).
 */
static int
flush_queue(struct trap *t, int flags)
{
	ssize_t w;

	while (t->qlen > 0) {
		w = send(t->store_fd, &t->q[t->qhead], sizeof(t->q[0]),
		    flags | MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (w != (ssize_t)sizeof(t->q[0])) {
			const char *why = w < 0 ? strerror(errno) :
			    "short write";

			while (t->qlen > 0) {
				drop(t, why);
				t->qlen--;
			}
			t->qhead = 0;
			return -1;
		}
		t->qhead = (t->qhead + 1) % t->qcap;
		t->qlen--;
	}
	t->qhead = 0;
	return 0;
}

static void
io_store(struct ev_loop *l, int fd, unsigned events, void *ud)
{
	struct trap *t = ud;

	(void)events;
	(void)flush_queue(t, MSG_DONTWAIT);
	if (t->qlen == 0)
		(void)ev_io_set(l, fd, 0, io_store, t);
}

/* Hands an event to the store, or to the queue; never blocks. */
static void
emit(struct trap *t, struct trap_event *ev)
{
	ev->end_ms = now_unix_ms();
	t->events++;
	if (t->qlen == 0) {
		if (send(t->store_fd, ev, sizeof(*ev), MSG_DONTWAIT |
		    MSG_NOSIGNAL) == (ssize_t)sizeof(*ev))
			return;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			drop(t, strerror(errno));
			return;
		}
	}
	if (t->qlen == t->qcap) {
		drop(t, "store busy, queue full");
		return;
	}
	t->q[(t->qhead + t->qlen) % t->qcap] = *ev;
	t->qlen++;
	if (ev_io_set(t->loop, t->store_fd, EV_WRITE, io_store, t) != 0)
		(void)flush_queue(t, MSG_DONTWAIT);
}

static void io_session(struct ev_loop *l, int fd, unsigned events, void *ud);

static void
set_listeners(struct trap *t, unsigned events);

static void
finish(struct slot *sl)
{
	struct trap *t = sl->t;

	ev_timer_stop(t->loop, &sl->deadline);
	ev_timer_stop(t->loop, &sl->tick);
	ev_io_del(t->loop, sl->fd);
	close(sl->fd);
	sl->fd = -1;
	t->peer[sl - t->slots].family = 0;
	t->free_slots[t->nfree++] = (unsigned)(sl - t->slots);
	if (sl->stutter)
		t->nstutter--;
	t->active--;
	emit(t, &sl->s.ev);
	if (t->paused) {
		t->paused = 0;
		set_listeners(t, EV_READ);
	}
}

/*
 * Moves what can be moved: input into the state machine (as far as its
 * output has room), output to the socket (all of it, or one byte per tick
 * when stuttering), then says what to wait for. Returns 0, or -1 when the
 * slot was finished.
 */
static int
pump(struct slot *sl)
{
	struct trap *t = sl->t;
	const uint8_t *out;
	size_t n, used;
	ssize_t w;
	unsigned want = 0;

	for (;;) {
		if (sl->inoff < sl->inlen && !trap_smtp_closing(&sl->s)) {
			(void)trap_smtp_feed(&sl->s, sl->in + sl->inoff,
			    sl->inlen - sl->inoff, &used);
			sl->inoff += used;
			if (sl->inoff == sl->inlen || trap_smtp_closing(&sl->s))
				sl->inoff = sl->inlen = 0;
		}
		out = trap_smtp_out(&sl->s, &n);
		if (n == 0 || sl->stutter)
			break;
		w = send(sl->fd, out, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (w < 0) {
			trap_smtp_end(&sl->s, errno == EPIPE ||
			    errno == ECONNRESET ? TRAP_END_CLOSED :
			    TRAP_END_ERROR);
			finish(sl);
			return -1;
		}
		trap_smtp_sent(&sl->s, (size_t)w);
		if (sl->inoff == sl->inlen)
			break;
	}
	out = trap_smtp_out(&sl->s, &n);
	if (trap_smtp_closing(&sl->s) && n == 0) {
		finish(sl);
		return -1;
	}
	if (n > 0 && !sl->stutter)
		want |= EV_WRITE;
	if (sl->inlen == 0 && !trap_smtp_closing(&sl->s))
		want |= EV_READ;
	if (n > 0 && sl->stutter && sl->tick.slot == 0)
		ev_timer_at(t->loop, &sl->tick, ev_now(t->loop) +
		    t->stutter_ms);
	if (ev_io_set(t->loop, sl->fd, want, io_session, sl) != 0) {
		trap_smtp_end(&sl->s, TRAP_END_ERROR);
		finish(sl);
		return -1;
	}
	return 0;
}

static void
io_session(struct ev_loop *l, int fd, unsigned events, void *ud)
{
	struct slot *sl = ud;
	ssize_t r;

	(void)l;
	if ((events & EV_READ) && sl->inlen == 0) {
		r = recv(fd, sl->in, sizeof(sl->in), MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR &&
		    errno != EWOULDBLOCK)) {
			trap_smtp_end(&sl->s, r == 0 || errno == ECONNRESET ?
			    TRAP_END_CLOSED : TRAP_END_ERROR);
			finish(sl);
			return;
		}
		if (r > 0) {
			sl->inoff = 0;
			sl->inlen = (size_t)r;
		}
	} else if ((events & EV_ERROR) && !(events & EV_WRITE)) {
		trap_smtp_end(&sl->s, TRAP_END_CLOSED);
		finish(sl);
		return;
	}
	(void)pump(sl);
}

static void
on_tick(struct ev_loop *l, struct ev_timer *tm, void *ud)
{
	struct slot *sl = ud;
	const uint8_t *out;
	size_t n;
	ssize_t w;

	(void)l;
	(void)tm;
	out = trap_smtp_out(&sl->s, &n);
	if (n > 0) {
		w = send(sl->fd, out, 1, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			trap_smtp_end(&sl->s, TRAP_END_CLOSED);
			finish(sl);
			return;
		}
		if (w == 1)
			trap_smtp_sent(&sl->s, 1);
	}
	(void)pump(sl);
}

static void
on_deadline(struct ev_loop *l, struct ev_timer *tm, void *ud)
{
	struct slot *sl = ud;
	const uint8_t *out;
	size_t n;

	(void)l;
	(void)tm;
	trap_smtp_end(&sl->s, TRAP_END_TIMEOUT);
	/* One try to say why, at full speed; then the slot is free. */
	out = trap_smtp_out(&sl->s, &n);
	if (n > 0)
		(void)send(sl->fd, out, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	finish(sl);
}

/* Addresses are memset before they are filled (trap_addr_from_sockaddr),
 * so the unused octets of an IPv4 address compare equal. */
static int
same_addr(const struct mail_addr *a, const struct mail_addr *b)
{
	return a->family == b->family && memcmp(a->a, b->a, 16) == 0;
}

/* A connection over a limit: a 421 (best effort) and an event. */
static void
refuse(struct trap *t, int fd, struct trap_event *ev, const char *why)
{
	char msg[2 * TRAP_REPLY_MAX];	/* with a 253-octet host name */
	int n;

	n = snprintf(msg, sizeof(msg), "421 4.7.0 %s too many connections%s, "
	    "try again later\r\n", t->opts.hostname, why);
	if (n > 0 && (size_t)n < sizeof(msg))
		(void)send(fd, msg, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
	ev->end = TRAP_END_LIMIT;
	t->refused++;
	emit(t, ev);
}

static void
io_listen(struct ev_loop *l, int lfd, unsigned events, void *ud)
{
	struct trap *t = ud;
	struct sockaddr_storage peer, self;
	socklen_t plen, slen;
	struct trap_event ev;
	struct slot *sl = NULL;
	unsigned i, same;
	int fd, round;

	(void)events;
	/* A bounded number per wake-up, so one busy port cannot starve the
	 * sessions. */
	for (round = 0; round < 64; round++) {
		plen = sizeof(peer);
		fd = accept4(lfd, (struct sockaddr *)&peer, &plen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				trap_log("out of file descriptors: accepting "
				    "again when a session ends");
				t->paused = 1;
				set_listeners(t, 0);
			}
			return;
		}
		memset(&ev, 0, sizeof(ev));
		ev.start_ms = now_unix_ms();
		ev.end = TRAP_END_CLOSED;
		slen = sizeof(self);
		if (trap_addr_from_sockaddr((struct sockaddr *)&peer,
		    &ev.client, &ev.client_port) != 0 ||
		    getsockname(fd, (struct sockaddr *)&self, &slen) != 0 ||
		    trap_addr_from_sockaddr((struct sockaddr *)&self,
		    &ev.local, &ev.local_port) != 0) {
			close(fd);
			continue;
		}
		if (t->nfree == 0) {
			refuse(t, fd, &ev, "");
			continue;
		}
		same = 0;
		for (i = 0; i < t->max_conn; i++)
			if (same_addr(&t->peer[i], &ev.client))
				same++;
		if (same >= t->per_client) {
			refuse(t, fd, &ev, " from your address");
			continue;
		}
		i = t->free_slots[--t->nfree];
		sl = &t->slots[i];
		t->peer[i] = ev.client;
		/* trap_smtp_init cannot fail: the options were tried at
		 * start. */
		(void)trap_smtp_init(&sl->s, &t->opts);
		sl->s.ev = ev;
		sl->fd = fd;
		sl->t = t;
		sl->inoff = sl->inlen = 0;
		sl->stutter = t->stutter_ms > 0 && t->nstutter <
		    t->stutter_max;
		if (sl->stutter)
			t->nstutter++;
		t->active++;
		ev_timer_init(&sl->deadline, on_deadline, sl);
		ev_timer_init(&sl->tick, on_tick, sl);
		if (ev_timer_at(l, &sl->deadline, ev_now(l) + t->timeout_ms)
		    != 0) {
			trap_smtp_end(&sl->s, TRAP_END_ERROR);
			finish(sl);
			continue;
		}
		(void)pump(sl);
	}
}

static void
set_listeners(struct trap *t, unsigned events)
{
	size_t i;

	for (i = 0; i < t->nlisten; i++)
		(void)ev_io_set(t->loop, t->lfd[i], events, io_listen, t);
}

static void
io_signal(struct ev_loop *l, int fd, unsigned events, void *ud)
{
	struct signalfd_siginfo si;

	(void)events;
	(void)ud;
	if (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		ev_stop(l);
}

static int
open_listener(const struct srv_addr *a, int v6only, int *out)
{
	char text[SRV_ADDR_TEXT];
	int fd, one = 1;

	srv_addr_text((const struct sockaddr *)&a->ss, text);
	fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd < 0) {
		warnx_("trap: %s: %s", text, strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a->ss.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
		    sizeof(v6only));
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len) != 0 ||
	    listen(fd, 128) != 0) {
		warnx_("trap: cannot listen on %s: %s", text,
		    strerror(errno));
		close(fd);
		return -1;
	}
	trap_log("listening on %s", text);
	*out = fd;
	return 0;
}

/* djbdns's droproot, after the last bind (as mxkit serve does); the
 * store calls it too, once its database is open. */
int
trap_drop_privileges(const char *user_opt, const char *who)
{
	const char *user = user_opt != NULL ? user_opt : "nobody";
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0) {
		if (user_opt != NULL)
			trap_log("not started as root: staying uid %u, not "
			    "switching to %s", (unsigned)geteuid(), user);
		return 0;
	}
	if ((pw = getpwnam(user)) == NULL) {
		warnx_("trap: cannot drop privileges: unknown user %s", user);
		return -1;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (setgroups(1, &gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
		warnx_("trap: cannot drop privileges to %s: %s", user,
		    strerror(errno));
		return -1;
	}
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		warnx_("trap: dropped privileges to %s but could regain root",
		    user);
		return -1;
	}
	trap_log("%s process running as %s (uid %u)", who, user, (unsigned)uid);
	return 0;
}

/* "1", "0.25", "10": milliseconds from 1 to STUTTER_MAX_MS, or -1. */
static int
parse_secs_ms(const char *s, uint64_t *ms)
{
	uint64_t v = 0, scale = 1000;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++)
		if ((v = v * 10 + (uint64_t)(*s - '0') * 1000) > STUTTER_MAX_MS)
			return -1;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			scale /= 10;
			v += (uint64_t)(*s - '0') * scale;
		}
		if (s[-1] == '.')
			return -1;
	}
	if (*s != '\0' || v < 1 || v > STUTTER_MAX_MS)
		return -1;
	*ms = v;
	return 0;
}

static int
listen_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "reply", required_argument, NULL, 'r' },
		{ "stutter", required_argument, NULL, 's' },
		{ "stutter-max", required_argument, NULL, 'S' },
		{ "max-conn", required_argument, NULL, 'c' },
		{ "max-per-client", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "user", required_argument, NULL, 'u' },
		{ "no-seccomp", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char hostbuf[TRAP_HOST_MAX + 64];
	struct srv_addr addrs[LISTEN_MAX];
	struct trap t;
	struct trap_smtp probe;
	const char *db = NULL, *user = NULL;
	unsigned long v;
	size_t naddr = 0, i;
	int c, sv[2], have4 = 0, status, rc = EXIT_CLEAN, sandbox = 1;
	pid_t store;
	sigset_t mask;
	char ready;

	memset(&t, 0, sizeof(t));
	t.max_conn = DEF_MAX_CONN;
	t.per_client = DEF_PER_CLIENT;
	t.stutter_max = 100;
	t.timeout_ms = DEF_TIMEOUT * 1000;
	t.opts.reply = 451;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'l':
			if (naddr == LISTEN_MAX) {
				warnx_("trap: at most %d --listen", LISTEN_MAX);
				return EXIT_USAGE;
			}
			if (srv_addr_parse(optarg, 25, &addrs[naddr]) != 0) {
				warnx_("trap: bad --listen address '%s'",
				    optarg);
				return EXIT_USAGE;
			}
			naddr++;
			break;
		case 'H':
			t.opts.hostname = optarg;
			break;
		case 'r':
			if (strcmp(optarg, "421") != 0 &&
			    strcmp(optarg, "451") != 0) {
				warnx_("trap: --reply is 421 or 451");
				return EXIT_USAGE;
			}
			t.opts.reply = (unsigned)atoi(optarg);
			break;
		case 's':
			if (parse_secs_ms(optarg, &t.stutter_ms) != 0) {
				warnx_("trap: --stutter expects seconds from "
				    "0.001 to 10");
				return EXIT_USAGE;
			}
			break;
		case 'S':
			if (cmd_number(optarg, 0, MAX_CONN_LIMIT, &v) != 0) {
				warnx_("trap: bad --stutter-max '%s'", optarg);
				return EXIT_USAGE;
			}
			t.stutter_max = (unsigned)v;
			break;
		case 'c':
			if (cmd_number(optarg, 1, MAX_CONN_LIMIT, &v) != 0) {
				warnx_("trap: --max-conn expects 1 to %d",
				    MAX_CONN_LIMIT);
				return EXIT_USAGE;
			}
			t.max_conn = (unsigned)v;
			break;
		case 'p':
			if (cmd_number(optarg, 1, MAX_CONN_LIMIT, &v) != 0) {
				warnx_("trap: bad --max-per-client '%s'",
				    optarg);
				return EXIT_USAGE;
			}
			t.per_client = (unsigned)v;
			break;
		case 't':
			if (cmd_number(optarg, 1, 86400, &v) != 0) {
				warnx_("trap: --timeout expects 1 to 86400 "
				    "seconds");
				return EXIT_USAGE;
			}
			t.timeout_ms = v * 1000;
			break;
		case 'u':
			user = optarg;
			break;
		case 'X':
			sandbox = 0;
			break;
		case 'h':
			usage(stdout);
			return EXIT_CLEAN;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || db == NULL) {
		if (db == NULL)
			warnx_("trap: listen needs --db FILE");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (t.opts.hostname == NULL) {
		if (gethostname(hostbuf, sizeof(hostbuf) - 1) != 0)
			strcpy(hostbuf, "localhost");
		t.opts.hostname = hostbuf;
	}
	if (trap_smtp_init(&probe, &t.opts) != 0) {
		warnx_("trap: bad --hostname '%s' (a host name, at most %d "
		    "octets)", t.opts.hostname, TRAP_HOST_MAX - 1);
		return EXIT_USAGE;
	}
	if (naddr == 0) {
		(void)srv_addr_parse("0.0.0.0", 25, &addrs[naddr++]);
		(void)srv_addr_parse("::", 25, &addrs[naddr++]);
	}
	for (i = 0; i < naddr; i++)
		if (addrs[i].ss.ss_family == AF_INET)
			have4 = 1;

	/* The store first, so that it holds no listening socket. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		warnx_("trap: socketpair: %s", strerror(errno));
		return EXIT_USAGE;
	}
	fflush(NULL);
	store = fork();
	if (store < 0) {
		warnx_("trap: fork: %s", strerror(errno));
		return EXIT_USAGE;
	}
	if (store == 0) {
		close(sv[0]);
		_exit(trap_store_run(sv[1], db, user, sandbox));
	}
	close(sv[1]);
	t.store_fd = sv[0];
	if (read(t.store_fd, &ready, 1) != 1) {
		warnx_("trap: the store process for %s did not start (its "
		    "message above says why)", db);
		close(t.store_fd);
		waitpid(store, &status, 0);
		return EXIT_USAGE;
	}
	trap_log("store process %ld writes %s", (long)store, db);
	signal(SIGPIPE, SIG_IGN);

	for (i = 0; i < naddr; i++) {
		/* A v6 wildcard also takes IPv4 (as mapped addresses) unless
		 * IPv4 has listeners of its own. */
		if (open_listener(&addrs[i], have4, &t.lfd[t.nlisten]) != 0) {
			rc = EXIT_USAGE;
			goto out;
		}
		t.nlisten++;
	}
	if (trap_drop_privileges(user, "network") != 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	{
		struct rlimit rl;
		rlim_t need = (rlim_t)t.max_conn + 64;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < need) {
			rl.rlim_cur = need < rl.rlim_max ? need : rl.rlim_max;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	/* Before the sandbox, which allows no new socket. */
	(void)sdnotify_open("trap");
	t.slots = calloc(t.max_conn, sizeof(*t.slots));
	t.free_slots = calloc(t.max_conn, sizeof(*t.free_slots));
	t.peer = calloc(t.max_conn, sizeof(*t.peer));
	t.qcap = t.max_conn < QUEUE_MAX ? t.max_conn : QUEUE_MAX;
	t.q = calloc(t.qcap, sizeof(*t.q));
	t.loop = ev_new();
	if (t.slots == NULL || t.free_slots == NULL || t.peer == NULL ||
	    t.q == NULL || t.loop == NULL) {
		warnx_("trap: out of memory");
		rc = EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < t.max_conn; i++) {
		t.slots[i].fd = -1;
		t.free_slots[t.nfree++] = (unsigned)(t.max_conn - 1 - i);
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	t.sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (t.sig_fd < 0 || ev_io_set(t.loop, t.sig_fd, EV_READ, io_signal,
	    &t) != 0) {
		warnx_("trap: signalfd: %s", strerror(errno));
		rc = EXIT_USAGE;
		goto out;
	}
	set_listeners(&t, EV_READ);
	if (sandbox_drop_caps("trap network") != 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (sandbox) {
		if (sandbox_enter(SANDBOX_TRAP_NET, "trap network") != 0) {
			rc = EXIT_USAGE;
			goto out;
		}
		trap_log("system call filter installed (network)");
	}
	sdnotify_send("READY=1\nSTATUS=listening");
	trap_log("ready: %u sessions at most, %u per client, %s to RCPT%s",
	    t.max_conn, t.per_client, t.opts.reply == 421 ? "421" : "451",
	    t.stutter_ms > 0 ? ", stutter" : "");
	if (ev_run(t.loop) != 0)
		rc = EXIT_USAGE;
	sdnotify_send("STOPPING=1");
	/* Sessions still open end here; their events go to the store. */
	for (i = 0; i < t.max_conn; i++)
		if (t.slots[i].fd >= 0) {
			trap_smtp_end(&t.slots[i].s, TRAP_END_CLOSED);
			finish(&t.slots[i]);
		}
	/* The store is still reading: wait for it to take the queue. */
	(void)flush_queue(&t, 0);
	trap_log("%llu connections, %llu refused over limits, %llu events "
	    "dropped before the store", t.events, t.refused, t.dropped);
out:
	for (i = 0; i < t.nlisten; i++)
		close(t.lfd[i]);
	close(t.store_fd);
	waitpid(store, &status, 0);
	ev_free(t.loop);
	free(t.slots);
	free(t.free_slots);
	free(t.peer);
	free(t.q);
	if (t.sig_fd > 0)
		close(t.sig_fd);
	return rc;
}

int
cmd_trap(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	if (strcmp(argv[1], "listen") == 0)
		return listen_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "report") == 0)
		return cmd_trap_report(argc - 1, argv + 1);
	if (strcmp(argv[1], "dnsbl") == 0)
		return cmd_trap_dnsbl(argc - 1, argv + 1);
	warnx_("trap: unknown subcommand '%s'", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
