/* trap.h -- mxkit trap: the SMTP side of the low-priority MX trap (spec 4.3, 4.4) */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "mxkit/mail.h"

struct sockaddr;

/*
 * Recipients kept per event. Bots send long RCPT lists; eight are enough
 * evidence for a report, and rcpt_total still counts them all. Keeps
 * struct trap_event near 3 KiB, which a socketpair carries in one write.
 */
#define TRAP_RCPT_MAX	8
/* RFC 5321 4.5.3.1.4: a command line is at most 512 octets with its CRLF. */
#define TRAP_LINE_MAX	512
/* RFC 5321 4.5.3.1.3: a path is at most 256 octets; kept without the angle
 * brackets, plus the NUL, with room to spare so truncation is visible. */
#define TRAP_PATH_MAX	258
/* A HELO name: a domain (255) or an address literal, plus the NUL. */
#define TRAP_HELO_MAX	256
/* The trap's own host name in replies: a DNS name in text (253). */
#define TRAP_HOST_MAX	254
/*
 * The longest reply the trap writes (the EHLO reply with a 253-octet host
 * name), and the pending-output buffer: the session stops consuming input
 * while less than one reply of room is left, so the buffer never grows,
 * whatever a pipelining client sends.
 */
#define TRAP_REPLY_MAX	320
#define TRAP_OUT_MAX	(4 * TRAP_REPLY_MAX)

/* How a session ended; stored by name (trap_end_name). */
enum trap_end {
	TRAP_END_QUIT,		/* the client said QUIT */
	TRAP_END_CLOSED,	/* the connection ended without QUIT: the
				 * client hung up, or the trap closed after a
				 * 421 reply */
	TRAP_END_TIMEOUT,	/* the session time ran out */
	TRAP_END_LIMIT,		/* too many commands */
	TRAP_END_GARBAGE,	/* too many lines that were not SMTP */
	TRAP_END_ERROR,		/* a socket error */
};
#define TRAP_END_COUNT	6

/*
 * One connection, as the trap saw it. Fixed size and no pointers: the
 * network process writes it as is over a socketpair to the store process.
 * Strings are NUL-terminated, printable ASCII only (anything else became
 * '?'), truncated to fit; the empty string means "not seen". Addresses are
 * normalised (an IPv4-mapped IPv6 address is the IPv4 address).
 */
struct trap_event {
	int64_t start_ms, end_ms;	/* Unix time in milliseconds */
	struct mail_addr client;
	uint16_t client_port;
	struct mail_addr local;
	uint16_t local_port;
	char helo[TRAP_HELO_MAX];
	char mail_from[TRAP_PATH_MAX];	/* the last MAIL FROM path; "<>"
					 * for the null path */
	char rcpt[TRAP_RCPT_MAX][TRAP_PATH_MAX];
	unsigned nrcpt;			/* kept in rcpt */
	unsigned rcpt_total;		/* RCPT commands with a path */
	unsigned commands;		/* lines received, good or bad */
	uint8_t end;			/* enum trap_end */
};

/* "quit", "closed", "timeout", "limit", "garbage", "error"; NULL when out
 * of range. */
const char *trap_end_name(unsigned end);

/*
 * The address and port of a socket address, with ::ffff:a.b.c.d turned
 * into a.b.c.d (spec 4.3 item 7). 0, or MX_EINVAL for another family.
 */
int trap_addr_from_sockaddr(const struct sockaddr *sa, struct mail_addr *a,
    uint16_t *port);

/* Settings of a session; copied by trap_smtp_init. */
struct trap_smtp_opts {
	const char *hostname;	/* in the greeting; NULL: "localhost" */
	unsigned reply;		/* 451 (default when 0) or 421 */
	unsigned max_commands;	/* 0: TRAP_SMTP_COMMANDS */
	unsigned max_bad;	/* 0: TRAP_SMTP_BAD */
};
/*
 * Defaults: a real MTA needs about six commands per message and sends few
 * messages to a host that tempfails it; a bot that keeps talking is given
 * a bound. Bad lines: a few typos are human (telnet), a stream of them is
 * a port scanner, HTTP or TLS bytes.
 */
#define TRAP_SMTP_COMMANDS	100
#define TRAP_SMTP_BAD		10

/* What the caller does next. */
enum trap_smtp_action {
	TRAP_SMTP_READ,		/* all input consumed: read more */
	TRAP_SMTP_WRITE,	/* output full: write some, then feed the
				 * rest of the input again */
	TRAP_SMTP_CLOSE,	/* write what is pending, then close; input
				 * left over is never looked at */
};

/*
 * A session: the state machine plus the event it fills in. Lives in a
 * fixed slot of the daemon; no allocation anywhere, and every buffer is
 * bounded (TRAP_LINE_MAX, TRAP_OUT_MAX).
 */
struct trap_smtp {
	struct trap_event ev;
	char host[TRAP_HOST_MAX];
	unsigned reply, max_commands, max_bad;
	unsigned bad;			/* lines that were not SMTP */
	int state;			/* internal */
	int discarding;			/* inside an overlong line */
	size_t linelen;
	uint8_t line[TRAP_LINE_MAX];
	size_t outoff, outlen;		/* pending output: out[outoff..outlen) */
	uint8_t out[TRAP_OUT_MAX];
};

/*
 * Starts a session for a client that has just connected: clears s, takes
 * the settings (a host name longer than TRAP_HOST_MAX - 1 or with bytes
 * other than letters, digits, '-', '.', '_', '[', ']', ':' is refused) and
 * queues the 220 greeting. The caller fills s->ev's addresses and times.
 * 0, or MX_EINVAL for bad settings (reply other than 0, 421, 451).
 */
int trap_smtp_init(struct trap_smtp *s, const struct trap_smtp_opts *o);

/*
 * Consumes client bytes p[0..len) and queues the replies. *used says how
 * many bytes were consumed: all of them with TRAP_SMTP_READ; fewer with
 * TRAP_SMTP_WRITE (drain the output, then feed p + *used again) or with
 * TRAP_SMTP_CLOSE (the rest is ignored). Several commands in one call are
 * answered in order (pipelining). The trap never accepts a message: no
 * reply code starts with 5, DATA and BDAT never get 354 or 250, and the
 * recipients get 451 (or 421 and the close).
 */
enum trap_smtp_action trap_smtp_feed(struct trap_smtp *s, const uint8_t *p,
    size_t len, size_t *used);

/* The pending output (borrowed: valid until the next call on s). */
const uint8_t *trap_smtp_out(const struct trap_smtp *s, size_t *len);
/* n bytes of the pending output were written (n <= its length). With
 * stutter the caller writes one byte at a time. */
void trap_smtp_sent(struct trap_smtp *s, size_t n);
/* 1 once the session has decided to close (after its output is written). */
int trap_smtp_closing(const struct trap_smtp *s);

/*
 * The connection is over for a reason the caller saw (TRAP_END_CLOSED on
 * EOF, TRAP_END_TIMEOUT, TRAP_END_ERROR): records it unless the session
 * had already ended for its own reason. A timeout queues a 421 reply, for
 * a caller that still writes it; nothing else is queued.
 */
void trap_smtp_end(struct trap_smtp *s, enum trap_end why);
