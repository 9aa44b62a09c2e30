/* trap_smtp.c -- the trap's SMTP server as a state machine: bytes in, replies out, never a message accepted (RFC 5321; spec 4.3 item 11) */
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "mxkit/err.h"
#include "mxkit/trap.h"

/*
 * The whole protocol is one state plus the end reason: the trap takes
 * EHLO, MAIL and RCPT to learn the envelope and answers every recipient,
 * and DATA, with a temporary failure. There is no state in which DATA is
 * accepted, so the trap cannot relay or store a message whatever the
 * client sends: an open relay is impossible by construction.
 *
 * It never answers 5xx, not even to garbage. The trap is the last MX of
 * its domain: for a sending MTA a 5xx from it is a permanent failure, and
 * an honest message that reached the trap while the primaries were down
 * would bounce (Postfix turns a 5xx to RCPT or DATA into a bounce; some
 * MTAs treat a 5xx to any command of the transaction the same way). A 4xx
 * only defers, and the retry goes to the real MXes. So unknown commands,
 * syntax errors and overlong lines, for which RFC 5321 says 500/501, get
 * 4xx here too.
 */
enum { ST_OPEN, ST_CLOSING };

static const char *const end_names[TRAP_END_COUNT] = {
	[TRAP_END_QUIT] = "quit",
	[TRAP_END_CLOSED] = "closed",
	[TRAP_END_TIMEOUT] = "timeout",
	[TRAP_END_LIMIT] = "limit",
	[TRAP_END_GARBAGE] = "garbage",
	[TRAP_END_ERROR] = "error",
};

const char *
trap_end_name(unsigned end)
{
	return end < TRAP_END_COUNT ? end_names[end] : NULL;
}

int
trap_addr_from_sockaddr(const struct sockaddr *sa, struct mail_addr *a,
    uint16_t *port)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	memset(a, 0, sizeof(*a));
	*port = 0;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		a->family = AF_INET;
		memcpy(a->a, &in->sin_addr, 4);
		*port = ntohs(in->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
		    (const struct sockaddr_in6 *)sa;

		*port = ntohs(in6->sin6_port);
		/* Spec 4.3 item 7: a dual-stack socket shows IPv4 clients
		 * as ::ffff:a.b.c.d; correlation and listing want a.b.c.d. */
		if (memcmp(in6->sin6_addr.s6_addr, mapped, 12) == 0) {
			a->family = AF_INET;
			memcpy(a->a, in6->sin6_addr.s6_addr + 12, 4);
		} else {
			a->family = AF_INET6;
			memcpy(a->a, in6->sin6_addr.s6_addr, 16);
		}
		return 0;
	}
	return MX_EINVAL;
}

static int
host_ok(const char *h)
{
	size_t i, n = strlen(h);

	if (n == 0 || n > TRAP_HOST_MAX - 1)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '[' || c == ']' || c == ':'))
			return 0;
	}
	return 1;
}

static size_t
out_room(const struct trap_smtp *s)
{
	return sizeof(s->out) - (s->outlen - s->outoff);
}

/*
 * Queues one reply. The caller has made sure that TRAP_REPLY_MAX bytes
 * are free (trap_smtp_feed tests that before each line), and no format
 * here gets longer than that with a host name of TRAP_HOST_MAX - 1.
 */
__attribute__((format(printf, 2, 3)))
static void
reply(struct trap_smtp *s, const char *fmt, ...)
{
	char buf[TRAP_REPLY_MAX + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > TRAP_REPLY_MAX)
		n = TRAP_REPLY_MAX;	/* not reached: see above */
	if (s->outoff > 0 && (size_t)n > sizeof(s->out) - s->outlen) {
		memmove(s->out, s->out + s->outoff, s->outlen - s->outoff);
		s->outlen -= s->outoff;
		s->outoff = 0;
	}
	if ((size_t)n > sizeof(s->out) - s->outlen)
		return;			/* not reached: see above */
	memcpy(s->out + s->outlen, buf, (size_t)n);
	s->outlen += (size_t)n;
}

static void
close_with(struct trap_smtp *s, enum trap_end why)
{
	s->state = ST_CLOSING;
	s->ev.end = (uint8_t)why;
}

int
trap_smtp_init(struct trap_smtp *s, const struct trap_smtp_opts *o)
{
	const char *h = o != NULL && o->hostname != NULL ? o->hostname :
	    "localhost";
	unsigned r = o != NULL ? o->reply : 0;

	memset(s, 0, sizeof(*s));
	if (!host_ok(h) || (r != 0 && r != 421 && r != 451))
		return MX_EINVAL;
	memcpy(s->host, h, strlen(h) + 1);
	s->reply = r != 0 ? r : 451;
	s->max_commands = o != NULL && o->max_commands != 0 ?
	    o->max_commands : TRAP_SMTP_COMMANDS;
	s->max_bad = o != NULL && o->max_bad != 0 ? o->max_bad :
	    TRAP_SMTP_BAD;
	s->state = ST_OPEN;
	s->ev.end = TRAP_END_CLOSED;
	reply(s, "220 %s ESMTP\r\n", s->host);
	return 0;
}

/* Copies n bytes into dst[cap] as printable ASCII, truncated, with a NUL:
 * the event goes to SQLite as TEXT and to a log line. */
static void
copy_text(char *dst, size_t cap, const uint8_t *src, size_t n)
{
	size_t i;

	if (n > cap - 1)
		n = cap - 1;
	for (i = 0; i < n; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
	dst[n] = '\0';
}

static int
word_is(const uint8_t *p, size_t n, const char *w)
{
	size_t i;

	if (n != strlen(w))
		return 0;
	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c >= 'a' && c <= 'z')
			c = (uint8_t)(c - 'a' + 'A');
		if (c != (uint8_t)w[i])
			return 0;
	}
	return 1;
}

/*
 * The path of "FROM:<path> params" or "TO:<path> params" (arg and n after
 * the verb and its space): 1 and the path (without brackets) as a slice of
 * arg, or 0 when the keyword is missing. Lenient as bots are sloppy: a
 * space after the colon and a path without brackets are taken.
 */
static int
path_of(const uint8_t *arg, size_t n, const char *kw, const uint8_t **path,
    size_t *plen)
{
	size_t k = strlen(kw), i, j;

	if (n < k || !word_is(arg, k, kw))
		return 0;
	i = k;
	while (i < n && arg[i] == ' ')
		i++;
	if (i < n && arg[i] == '<') {
		i++;
		for (j = i; j < n && arg[j] != '>'; j++)
			;
	} else {
		for (j = i; j < n && arg[j] != ' '; j++)
			;
	}
	*path = arg + i;
	*plen = j - i;
	return 1;
}

/* The temporary failure given to RCPT and DATA: 451 keeps the session
 * (the client may give more recipients: more evidence), 421 closes it. */
static void
tempfail(struct trap_smtp *s)
{
	if (s->reply == 421) {
		reply(s, "421 4.7.1 %s temporarily unavailable, closing "
		    "connection\r\n", s->host);
		close_with(s, TRAP_END_CLOSED);
	} else {
		reply(s, "451 4.7.1 %s temporarily unavailable, try again "
		    "later\r\n", s->host);
	}
}

/* A line that is not SMTP; enough of them end the session. */
static void
bad_line(struct trap_smtp *s, const char *text)
{
	if (++s->bad >= s->max_bad) {
		reply(s, "421 4.7.0 %s too many errors, closing connection\r\n",
		    s->host);
		close_with(s, TRAP_END_GARBAGE);
		return;
	}
	reply(s, "%s\r\n", text);
}

/* One command line, without its line end. */
static void
command(struct trap_smtp *s, const uint8_t *p, size_t n)
{
	const uint8_t *arg, *path;
	size_t i, vlen, alen, plen;

	if (++s->ev.commands > s->max_commands) {
		s->ev.commands = s->max_commands;
		reply(s, "421 4.7.0 %s too many commands, closing "
		    "connection\r\n", s->host);
		close_with(s, TRAP_END_LIMIT);
		return;
	}
	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] >= 0x7f) {
			if (p[i] != '\t')
				break;
		}
	if (i < n) {
		bad_line(s, "451 4.5.1 unrecognized command");
		return;
	}
	for (vlen = 0; vlen < n && p[vlen] != ' '; vlen++)
		;
	arg = p + vlen;
	alen = n - vlen;
	while (alen > 0 && *arg == ' ') {
		arg++;
		alen--;
	}
	while (alen > 0 && (arg[alen - 1] == ' ' || arg[alen - 1] == '\t'))
		alen--;

	if (word_is(p, vlen, "EHLO") || word_is(p, vlen, "HELO")) {
		if (alen == 0) {
			reply(s, "451 4.5.2 syntax: %.4s hostname\r\n",
			    (const char *)p);
			return;
		}
		copy_text(s->ev.helo, sizeof(s->ev.helo), arg, alen);
		if (word_is(p, vlen, "EHLO"))
			reply(s, "250-%s\r\n250-PIPELINING\r\n"
			    "250 ENHANCEDSTATUSCODES\r\n", s->host);
		else
			reply(s, "250 %s\r\n", s->host);
	} else if (word_is(p, vlen, "MAIL")) {
		if (!path_of(arg, alen, "FROM:", &path, &plen)) {
			reply(s, "451 4.5.2 syntax: MAIL FROM:<address>\r\n");
			return;
		}
		/* The null reverse path (bounces) is "<>": "" means no
		 * MAIL command. */
		if (plen == 0)
			copy_text(s->ev.mail_from, sizeof(s->ev.mail_from),
			    (const uint8_t *)"<>", 2);
		else
			copy_text(s->ev.mail_from, sizeof(s->ev.mail_from),
			    path, plen);
		reply(s, "250 2.1.0 Ok\r\n");
	} else if (word_is(p, vlen, "RCPT")) {
		if (!path_of(arg, alen, "TO:", &path, &plen)) {
			reply(s, "451 4.5.2 syntax: RCPT TO:<address>\r\n");
			return;
		}
		s->ev.rcpt_total++;
		if (s->ev.nrcpt < TRAP_RCPT_MAX) {
			copy_text(s->ev.rcpt[s->ev.nrcpt],
			    sizeof(s->ev.rcpt[0]), path, plen);
			s->ev.nrcpt++;
		}
		tempfail(s);
	} else if (word_is(p, vlen, "DATA") || word_is(p, vlen, "BDAT")) {
		/* Never 354, never 250: no message enters the trap. */
		tempfail(s);
	} else if (word_is(p, vlen, "RSET") || word_is(p, vlen, "NOOP")) {
		reply(s, "250 2.0.0 Ok\r\n");
	} else if (word_is(p, vlen, "QUIT")) {
		reply(s, "221 2.0.0 %s closing connection\r\n", s->host);
		close_with(s, TRAP_END_QUIT);
	} else if (word_is(p, vlen, "STARTTLS") || word_is(p, vlen, "AUTH") ||
	    word_is(p, vlen, "VRFY") || word_is(p, vlen, "EXPN") ||
	    word_is(p, vlen, "HELP") || word_is(p, vlen, "ETRN")) {
		/* SMTP, but nothing the trap offers (none is advertised). */
		reply(s, "454 4.7.0 not available\r\n");
	} else {
		bad_line(s, "451 4.5.1 unrecognized command");
	}
}

enum trap_smtp_action
trap_smtp_feed(struct trap_smtp *s, const uint8_t *p, size_t len,
    size_t *used)
{
	size_t off = 0;
	uint8_t c;

	while (off < len) {
		if (s->state == ST_CLOSING) {
			*used = off;
			return TRAP_SMTP_CLOSE;
		}
		/* Room for the reply to whatever line this byte may end:
		 * the output never grows past its buffer, the input waits. */
		if (out_room(s) < TRAP_REPLY_MAX) {
			*used = off;
			return TRAP_SMTP_WRITE;
		}
		c = p[off++];
		if (c == '\n') {
			if (s->discarding) {
				/* RFC 5321 4.5.3.1.4 says 500; 4xx here (see
				 * the top of this file). */
				s->discarding = 0;
				if (++s->ev.commands > s->max_commands) {
					s->ev.commands = s->max_commands;
					reply(s, "421 4.7.0 %s too many "
					    "commands, closing connection\r\n",
					    s->host);
					close_with(s, TRAP_END_LIMIT);
				} else {
					bad_line(s, "451 4.5.2 line too long");
				}
			} else {
				size_t n = s->linelen;

				if (n > 0 && s->line[n - 1] == '\r')
					n--;
				command(s, s->line, n);
			}
			s->linelen = 0;
			continue;
		}
		if (s->discarding)
			continue;
		/* 511 octets and no LF yet: the line cannot end within
		 * 512 with its CRLF. Drop it up to its LF. */
		if (s->linelen == sizeof(s->line) - 1) {
			s->discarding = 1;
			s->linelen = 0;
			continue;
		}
		s->line[s->linelen++] = c;
	}
	*used = off;
	return s->state == ST_CLOSING ? TRAP_SMTP_CLOSE : TRAP_SMTP_READ;
}

const uint8_t *
trap_smtp_out(const struct trap_smtp *s, size_t *len)
{
	*len = s->outlen - s->outoff;
	return s->out + s->outoff;
}

void
trap_smtp_sent(struct trap_smtp *s, size_t n)
{
	if (n > s->outlen - s->outoff)
		n = s->outlen - s->outoff;
	s->outoff += n;
	if (s->outoff == s->outlen)
		s->outoff = s->outlen = 0;
}

int
trap_smtp_closing(const struct trap_smtp *s)
{
	return s->state == ST_CLOSING;
}

void
trap_smtp_end(struct trap_smtp *s, enum trap_end why)
{
	if (s->state == ST_CLOSING)
		return;
	if (why == TRAP_END_TIMEOUT && out_room(s) >= TRAP_REPLY_MAX)
		reply(s, "421 4.4.2 %s timeout, closing connection\r\n",
		    s->host);
	close_with(s, why);
}
