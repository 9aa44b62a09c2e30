/* trap_report.h -- mxkit trap report: primary-MX log lines and the classification of trap clients (mail-dns-spec 4.3) */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "mxkit/mail.h"

/*
 * The log side. trap_log_parse_line reads one line of a primary MX's log
 * (Postfix smtpd and postscreen, Exim, OpenSMTPD, or the generic "TIME
 * CLIENT-IP LOCAL-IP"; syslog, ISO 8601 or Exim mainlog timestamps) and says whether it is a connection, another line with a
 * usable time, or malformed. It does no I/O and allocates nothing; the
 * line is not NUL-terminated and may hold any bytes.
 */

/* A longer line is malformed. RFC 5424 6.1 asks receivers for 2048 octets
 * and allows more; Postfix's line_length_limit is 2048 and its log lines
 * stay far below 4096. The command reads at most this much of a line. */
#define TRAP_LOG_LINE_MAX	4096

enum trap_log_kind {
	TRAP_LOG_MALFORMED = 0,	/* no timestamp, bad address, too long... */
	TRAP_LOG_OTHER,		/* a line with a time, not a connection */
	TRAP_LOG_CONNECT,	/* a client connected to the primary */
};

enum trap_log_format {
	TRAP_LOG_FMT_NONE = 0,
	TRAP_LOG_FMT_POSTFIX_SMTPD,	/* connect from NAME[IP] */
	TRAP_LOG_FMT_POSTSCREEN,	/* CONNECT from [IP]:PORT to [IP]:25 */
	TRAP_LOG_FMT_EXIM,		/* SMTP connection from [NAME ][IP]:PORT */
	TRAP_LOG_FMT_OPENSMTPD,		/* smtp-in: New session / smtp connected */
	TRAP_LOG_FMT_GENERIC,		/* TIME CLIENT-IP LOCAL-IP */
};

/* A local (wall clock) time, as a log line spells it. */
struct trap_log_tm {
	int year;		/* 0 if the line has none (RFC 3164) */
	int mon;		/* 1-12 */
	int mday;		/* 1-31 */
	int hour, min, sec;	/* 0-23, 0-59, 0-60 */
	int msec;		/* 0-999 */
};

/*
 * Local time to UTC, the --log-tz rule: seconds since the epoch of tm (with
 * a year) in the logs' time zone, or 0 with *ok = 0 when it does not exist.
 * NULL in the context means UTC plus tz_offset_s.
 */
typedef int64_t trap_log_tz_fn(void *ud, const struct trap_log_tm *tm,
    int *ok);

struct trap_log_ctx {
	/*
	 * Unix milliseconds near the end of the logs (the latest trap event,
	 * or now): a year-less RFC 3164 time takes the latest year that puts
	 * it at most 31 days after ref_ms, so a "Dec 31" line read on 2
	 * January lands in the old year and a "Jan 1" line against events
	 * of 31 December in the new one.
	 */
	int64_t ref_ms;
	trap_log_tz_fn *tz;
	void *tz_ud;
	long tz_offset_s;	/* used when tz is NULL (east positive) */
};

struct trap_log_hit {
	enum trap_log_format format;	/* TRAP_LOG_CONNECT only */
	struct mail_addr addr;		/* TRAP_LOG_CONNECT only; mapped v4 as v4 */
	int64_t t_ms;			/* unix milliseconds, UTC */
};

/*
 * Parses line[0..len) (a trailing "\n" or "\r\n" is allowed). Returns the
 * kind; for TRAP_LOG_OTHER out->t_ms is set, for TRAP_LOG_CONNECT also
 * out->addr and out->format. A line that looks like a connection but
 * whose address does not parse is TRAP_LOG_MALFORMED, never OTHER.
 */
enum trap_log_kind trap_log_parse_line(const char *line, size_t len,
    const struct trap_log_ctx *ctx, struct trap_log_hit *out);

/* Days since 1970-01-01 of a proleptic Gregorian date (no range check). */
int64_t trap_log_days(int year, int mon, int mday);

/*
 * Addresses as text: "192.0.2.1", "2001:db8::1" (RFC 5952),
 * "::ffff:192.0.2.1" becomes 192.0.2.1. 0 and *a, or MX_ESYNTAX. A
 * CIDR "ADDR/LEN" (or a bare address: the full length) for
 * trap_cidr_parse.
 */
int trap_addr_parse(const char *s, size_t len, struct mail_addr *a);

struct trap_cidr {
	struct mail_addr addr;	/* masked to len */
	unsigned len;		/* 0-32 or 0-128 */
};
int trap_cidr_parse(const char *s, size_t len, struct trap_cidr *c);
/* 1 if a is inside c (same family), else 0. */
int trap_cidr_contains(const struct trap_cidr *c, const struct mail_addr *a);

/*
 * The classification (mail-dns-spec 4.3, the [mxkit decision] algorithm),
 * over arrays the caller filled, without I/O.
 */
enum trap_verdict {
	TRAP_ORDERLY = 0,
	TRAP_INCONCLUSIVE,
	TRAP_SKIPPED,
	TRAP_ALLOWLISTED,
};
const char *trap_verdict_name(enum trap_verdict v);

/* One trap connection (a row of the events table). */
struct trap_conn {
	struct mail_addr client;
	int64_t start_ms, end_ms;
	int envelope;		/* MAIL FROM or RCPT reached */
	const char *helo;	/* NULL if none; borrowed */
};

/* One connection a primary logged. */
struct trap_primary {
	struct mail_addr addr;
	int64_t t_ms;
	struct mail_addr key;	/* set by trap_logs_prepare: addr's prefix */
};

struct trap_params {
	int64_t window_ms;	/* W_before, default 24 h */
	int64_t skew_ms;	/* default 120 s */
	int64_t gap_ms;		/* default 1 h */
	int64_t grace_ms;	/* start-up grace, default 60 s (spamd) */
	int64_t trap_start_ms;	/* trap start, or INT64_MIN: unknown */
	unsigned prefix4;	/* default 24 */
	unsigned prefix6;	/* default 64 */
};
void trap_params_default(struct trap_params *p);

/* What the primaries' logs held. */
struct trap_logs {
	struct trap_primary *hits;	/* sorted by trap_logs_prepare */
	size_t nhits;
	int64_t *times;			/* every dated line; sorted likewise */
	size_t ntimes;
};

/* Sets each hit's key (its prefix under p), sorts hits by key then time
 * and times by time, for the lookups below. */
void trap_logs_prepare(struct trap_logs *l, const struct trap_params *p);

/* The verdict of one connection, with why. */
struct trap_conn_verdict {
	enum trap_verdict verdict;
	char reason[160];
};

/*
 * Classifies c: ALLOWLISTED if the client is in allow[]; ORDERLY if the
 * primaries saw the client or its prefix in [start - window, start + skew];
 * INCONCLUSIVE if the trap had started less than the grace before, or the
 * logs do not cover the window before the hit, have no line in the gap
 * before it, or end before start + skew; else SKIPPED. ORDERLY is decided
 * before INCONCLUSIVE: a logged contact is evidence however incomplete the
 * logs are, and neither verdict lists. l must have been prepared with p.
 */
void trap_classify_conn(const struct trap_conn *c, const struct trap_logs *l,
    const struct trap_cidr *allow, size_t nallow, const struct trap_params *p,
    struct trap_conn_verdict *out);

/*
 * One client: its connections folded into one verdict. The counts, times,
 * envelope and HELO are those of the connections that have the client's
 * verdict (a SKIPPED client: its SKIPPED connections, the evidence a
 * DNSBL threshold counts); total counts them all.
 */
struct trap_client {
	struct mail_addr addr;
	enum trap_verdict verdict;
	unsigned connections;	/* with this verdict */
	unsigned total;		/* all of the client's connections */
	int64_t first_ms, last_ms;	/* start of the first and last of them */
	int envelope;		/* one of them reached MAIL FROM/RCPT */
	const char *helo;	/* of the latest of them with one; borrowed */
	char reason[160];	/* of the latest of them */
};

/*
 * Sorts conns[0..n) by address and time, classifies each and folds them
 * per client address into out[] (room for n), ordered by first connection
 * (of the verdict) then address. The client's verdict is the strongest of
 * its connections' in the order SKIPPED > INCONCLUSIVE > ORDERLY
 * (ALLOWLISTED is per address): one connection that skipped the
 * primaries is evidence the others do not cancel. Returns the number of
 * clients.
 */
size_t trap_report_classify(struct trap_conn *conns, size_t n,
    const struct trap_logs *l, const struct trap_cidr *allow, size_t nallow,
    const struct trap_params *p, struct trap_client *out);

/* "2026-11-26T12:34:56Z" from unix milliseconds; buf >= 64. */
const char *trap_time_text(int64_t ms, char buf[64]);
