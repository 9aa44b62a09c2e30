/* test_trap_log.c -- primary-MX log lines: every format, syslog and ISO timestamps, the year rollover, time zones, malformed lines */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "mxkit/err.h"
#include "mxkit/trap_report.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Unix ms of a UTC date and time. */
static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	return (trap_log_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) *
	    1000;
}

/* The default reference: 2026-11-26T13:00:00Z, the logs' own day. */
#define REF	utc(2026, 11, 26, 13, 0, 0)

struct line_case {
	const char *name;
	const char *line;
	long tz_offset_s;	/* the logs' zone when the line has none */
	enum trap_log_kind kind;
	enum trap_log_format format;
	const char *addr;	/* CONNECT: the address as text */
	const char *time;	/* OTHER and CONNECT: UTC, seconds */
};

static const struct line_case lines[] = {
	/* Postfix smtpd */
	{"postfix smtpd connect from a named client",
	    "Nov 26 12:34:56 mx1 postfix/smtpd[1234]: connect from mail.example.org[192.0.2.10]",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_POSTFIX_SMTPD, "192.0.2.10",
	    "2026-11-26T12:34:56Z"},
	{"postfix smtpd unknown IPv6 client",
	    "Nov 26 12:34:56 mx1 postfix/smtpd[1234]: connect from unknown[2001:db8::5]",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_POSTFIX_SMTPD, "2001:db8::5",
	    "2026-11-26T12:34:56Z"},
	{"postfix IPv4-mapped client becomes IPv4",
	    "Nov 26 12:34:56 mx1 postfix/smtpd[1234]: connect from unknown[::ffff:198.51.100.5]",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_POSTFIX_SMTPD, "198.51.100.5",
	    "2026-11-26T12:34:56Z"},
	{"postfix IPv6: prefix dropped",
	    "Nov 26 12:34:56 mx1 postfix/smtpd[1234]: connect from unknown[IPv6:2001:db8::6]",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_POSTFIX_SMTPD, "2001:db8::6",
	    "2026-11-26T12:34:56Z"},
	{"postfix submission smtpd, space-padded day",
	    "Nov  6 01:02:03 mx1 postfix/submission/smtpd[99]: connect from x.example.net[198.51.100.7]",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_POSTFIX_SMTPD, "198.51.100.7",
	    "2026-11-06T01:02:03Z"},
	{"postfix smtpd CRLF line end",
	    "Nov 26 12:34:56 mx1 postfix/smtpd[1234]: connect from a[192.0.2.11]\r\n",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_POSTFIX_SMTPD, "192.0.2.11",
	    "2026-11-26T12:34:56Z"},
	{"postfix disconnect is not a connection",
	    "Nov 26 12:34:57 mx1 postfix/smtpd[1234]: disconnect from a[192.0.2.10] ehlo=1 quit=1 commands=2",
	    0, TRAP_LOG_OTHER, TRAP_LOG_FMT_NONE, NULL, "2026-11-26T12:34:57Z"},
	{"postfix lost connection after CONNECT is not a connection",
	    "Nov 26 12:34:58 mx1 postfix/smtpd[1234]: lost connection after CONNECT from unknown[192.0.2.10]",
	    0, TRAP_LOG_OTHER, TRAP_LOG_FMT_NONE, NULL, "2026-11-26T12:34:58Z"},
	{"postfix cleanup line counts as a dated line",
	    "Nov 26 12:35:00 mx1 postfix/cleanup[4321]: 4AbCdE: message-id=<x@example.org>",
	    0, TRAP_LOG_OTHER, TRAP_LOG_FMT_NONE, NULL, "2026-11-26T12:35:00Z"},
	/* Postfix postscreen */
	{"postscreen CONNECT",
	    "Nov 26 12:34:56 mx1 postfix/postscreen[77]: CONNECT from [198.51.100.5]:41234 to [192.0.2.10]:25",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_POSTSCREEN, "198.51.100.5",
	    "2026-11-26T12:34:56Z"},
	{"postscreen CONNECT over IPv6",
	    "Nov 26 12:34:56 mx1 postfix/postscreen[77]: CONNECT from [2001:db8::abcd]:41234 to [2001:db8::10]:25",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_POSTSCREEN, "2001:db8::abcd",
	    "2026-11-26T12:34:56Z"},
	{"postscreen PASS OLD is another line",
	    "Nov 26 12:34:57 mx1 postfix/postscreen[77]: PASS OLD [198.51.100.5]:41234",
	    0, TRAP_LOG_OTHER, TRAP_LOG_FMT_NONE, NULL, "2026-11-26T12:34:57Z"},
	/* Exim */
	{"exim mainlog, address only, local time",
	    "2026-11-26 12:34:56 SMTP connection from [203.0.113.9]:50000 (TCP/IP connection count = 1)",
	    3600, TRAP_LOG_CONNECT, TRAP_LOG_FMT_EXIM, "203.0.113.9",
	    "2026-11-26T11:34:56Z"},
	{"exim mainlog, name and address",
	    "2026-11-26 12:34:56 SMTP connection from mail.example.net [203.0.113.9]:50000 (TCP/IP connection count = 1)",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_EXIM, "203.0.113.9",
	    "2026-11-26T12:34:56Z"},
	{"exim mainlog, HELO in parentheses",
	    "2026-11-26 12:34:56 SMTP connection from (helo.example) [203.0.113.9]:50000 lost",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_EXIM, "203.0.113.9",
	    "2026-11-26T12:34:56Z"},
	{"exim log_timezone offset after the time",
	    "2026-11-26 12:34:56 +0100 SMTP connection from [203.0.113.9]:50000",
	    -7200, TRAP_LOG_CONNECT, TRAP_LOG_FMT_EXIM, "203.0.113.9",
	    "2026-11-26T11:34:56Z"},
	{"exim milliseconds (log_selector +millisec)",
	    "2026-11-26 12:34:56.789 SMTP connection from [2001:db8::9]:50000",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_EXIM, "2001:db8::9",
	    "2026-11-26T12:34:56Z"},
	{"exim through syslog",
	    "Nov 26 12:34:56 mx2 exim[555]: 2026-11-26 12:34:56 SMTP connection from [203.0.113.9]:50000",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_EXIM, "203.0.113.9",
	    "2026-11-26T12:34:56Z"},
	{"exim message line",
	    "2026-11-26 12:34:59 1rAbCd-000123-Xy <= a@example.org H=x [203.0.113.9]",
	    0, TRAP_LOG_OTHER, TRAP_LOG_FMT_NONE, NULL, "2026-11-26T12:34:59Z"},
	/* OpenSMTPD */
	{"opensmtpd smtp connected",
	    "Nov 26 12:34:56 mx3 smtpd[222]: 4f1c2a3b5d6e7f80 smtp connected address=198.51.100.20 host=mail.example.com",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_OPENSMTPD, "198.51.100.20",
	    "2026-11-26T12:34:56Z"},
	{"opensmtpd smtp connected IPv6 at the end",
	    "Nov 26 12:34:56 mx3 smtpd[222]: 4f1c2a3b5d6e7f80 smtp connected address=2001:db8::20",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_OPENSMTPD, "2001:db8::20",
	    "2026-11-26T12:34:56Z"},
	{"opensmtpd 6.0 event=connected",
	    "Nov 26 12:34:56 mx3 smtpd[222]: smtp event=connected id=4f1c2a3b address=198.51.100.21 host=x",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_OPENSMTPD, "198.51.100.21",
	    "2026-11-26T12:34:56Z"},
	{"opensmtpd smtp-in New session with address=",
	    "Nov 26 12:34:56 mx3 smtpd[222]: smtp-in: New session 2d9a6e1f address=192.0.2.30 host=mail.example.com",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_OPENSMTPD, "192.0.2.30",
	    "2026-11-26T12:34:56Z"},
	{"opensmtpd smtp-in New session from host [IP]",
	    "Nov 26 12:34:56 mx3 smtpd[222]: smtp-in: New session 2d9a6e1f from host mail.example.com [192.0.2.31]",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_OPENSMTPD, "192.0.2.31",
	    "2026-11-26T12:34:56Z"},
	{"opensmtpd disconnected is another line",
	    "Nov 26 12:34:59 mx3 smtpd[222]: 4f1c2a3b5d6e7f80 smtp disconnected reason=quit",
	    0, TRAP_LOG_OTHER, TRAP_LOG_FMT_NONE, NULL, "2026-11-26T12:34:59Z"},
	/* The generic format */
	{"generic TIME CLIENT LOCAL",
	    "2026-11-26T12:34:56Z 198.51.100.5 192.0.2.10",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_GENERIC, "198.51.100.5",
	    "2026-11-26T12:34:56Z"},
	{"generic over IPv6, syslog time",
	    "Nov 26 12:34:56 2001:db8::abcd 2001:db8::10",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_GENERIC, "2001:db8::abcd",
	    "2026-11-26T12:34:56Z"},
	{"syslog host field that is an address is not the generic format",
	    "Nov 26 12:34:56 192.0.2.10 postfix/smtpd[1]: connect from a[198.51.100.9]",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_POSTFIX_SMTPD, "198.51.100.9",
	    "2026-11-26T12:34:56Z"},
	{"generic with a third field is another line",
	    "2026-11-26T12:34:56Z 198.51.100.5 192.0.2.10 extra",
	    0, TRAP_LOG_OTHER, TRAP_LOG_FMT_NONE, NULL, "2026-11-26T12:34:56Z"},
	{"generic with one address is another line",
	    "2026-11-26T12:34:56Z 198.51.100.5",
	    0, TRAP_LOG_OTHER, TRAP_LOG_FMT_NONE, NULL, "2026-11-26T12:34:56Z"},
	/* ISO 8601 and RFC 5424 */
	{"rsyslog high-precision timestamp with offset",
	    "2026-11-26T13:34:56.123456+01:00 mx1 postfix/smtpd[1]: connect from a[192.0.2.12]",
	    -3600, TRAP_LOG_CONNECT, TRAP_LOG_FMT_POSTFIX_SMTPD, "192.0.2.12",
	    "2026-11-26T12:34:56Z"},
	{"journalctl short-iso offset without colon",
	    "2026-11-26T13:34:56+0100 mx1 postfix/smtpd[1]: connect from a[192.0.2.19]",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_POSTFIX_SMTPD, "192.0.2.19",
	    "2026-11-26T12:34:56Z"},
	{"ISO 8601 Z",
	    "2026-11-26T12:34:56Z mx1 postfix/smtpd[1]: connect from a[192.0.2.13]",
	    3600, TRAP_LOG_CONNECT, TRAP_LOG_FMT_POSTFIX_SMTPD, "192.0.2.13",
	    "2026-11-26T12:34:56Z"},
	{"RFC 5424 with PRI and version, negative offset",
	    "<22>1 2026-11-26T07:34:56.003-05:00 mx1 postfix/smtpd 1234 - - connect from a[192.0.2.14]",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_POSTFIX_SMTPD, "192.0.2.14",
	    "2026-11-26T12:34:56Z"},
	{"RFC 5424 postscreen",
	    "<22>1 2026-11-26T12:34:56Z mx1 postfix/postscreen 77 - - CONNECT from [192.0.2.15]:1 to [192.0.2.10]:25",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_POSTSCREEN, "192.0.2.15",
	    "2026-11-26T12:34:56Z"},
	{"RFC 3164 with PRI",
	    "<22>Nov 26 12:34:56 mx1 postfix/smtpd[1]: connect from a[192.0.2.16]",
	    0, TRAP_LOG_CONNECT, TRAP_LOG_FMT_POSTFIX_SMTPD, "192.0.2.16",
	    "2026-11-26T12:34:56Z"},
	{"RFC 3164 in a zone east of UTC",
	    "Nov 26 12:34:56 mx1 postfix/smtpd[1]: connect from a[192.0.2.17]",
	    3600, TRAP_LOG_CONNECT, TRAP_LOG_FMT_POSTFIX_SMTPD, "192.0.2.17",
	    "2026-11-26T11:34:56Z"},
	{"RFC 3164 in a zone west of UTC crosses midnight",
	    "Nov 26 22:00:00 mx1 postfix/smtpd[1]: connect from a[192.0.2.18]",
	    -5 * 3600, TRAP_LOG_CONNECT, TRAP_LOG_FMT_POSTFIX_SMTPD, "192.0.2.18",
	    "2026-11-27T03:00:00Z"},
	/* Malformed */
	{"empty line", "", 0, TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"only a line end", "\n", 0, TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"no timestamp", "postfix/smtpd[1]: connect from a[192.0.2.1]",
	    0, TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"timestamp alone", "Nov 26 12:34:56", 0, TRAP_LOG_MALFORMED, 0,
	    NULL, NULL},
	{"no seconds", "Nov 26 12:34 mx1 x: y", 0, TRAP_LOG_MALFORMED, 0,
	    NULL, NULL},
	{"unknown month", "Foo 26 12:34:56 mx1 x: y", 0, TRAP_LOG_MALFORMED,
	    0, NULL, NULL},
	{"lowercase month", "nov 26 12:34:56 mx1 x: y", 0, TRAP_LOG_MALFORMED,
	    0, NULL, NULL},
	{"day 32", "Nov 32 12:34:56 mx1 x: y", 0, TRAP_LOG_MALFORMED, 0, NULL,
	    NULL},
	{"November 31", "Nov 31 12:34:56 mx1 x: y", 0, TRAP_LOG_MALFORMED, 0,
	    NULL, NULL},
	{"day 0", "Nov  0 12:34:56 mx1 x: y", 0, TRAP_LOG_MALFORMED, 0, NULL,
	    NULL},
	{"hour 24", "Nov 26 24:00:00 mx1 x: y", 0, TRAP_LOG_MALFORMED, 0,
	    NULL, NULL},
	{"minute 60", "Nov 26 12:60:00 mx1 x: y", 0, TRAP_LOG_MALFORMED, 0,
	    NULL, NULL},
	{"fraction without digits", "Nov 26 12:34:56. mx1 x: y", 0,
	    TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"ISO month 13", "2026-13-01T00:00:00Z mx1 x: y", 0,
	    TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"ISO 30 February", "2026-02-30 00:00:00 x", 0, TRAP_LOG_MALFORMED,
	    0, NULL, NULL},
	{"ISO 29 February of a common year", "2026-02-29T00:00:00Z x", 0,
	    TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"ISO offset +25:00", "2026-11-26T12:34:56+25:00 x", 0,
	    TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"ISO offset with one hour digit", "2026-11-26T12:34:56+1:00 x", 0,
	    TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"ISO offset without minutes", "2026-11-26T12:34:56+01 x", 0,
	    TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"ISO year before 1970", "1969-12-31T23:59:59Z x", 0,
	    TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"ISO two-digit year", "26-11-26T12:34:56Z x", 0, TRAP_LOG_MALFORMED,
	    0, NULL, NULL},
	{"PRI without end", "<22 Nov 26 12:34:56 mx1 x: y", 0,
	    TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"PRI too long", "<12345>Nov 26 12:34:56 mx1 x: y", 0,
	    TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"PRI empty", "<>Nov 26 12:34:56 mx1 x: y", 0, TRAP_LOG_MALFORMED, 0,
	    NULL, NULL},
	{"postfix connect with a bad address",
	    "Nov 26 12:34:56 mx1 postfix/smtpd[1]: connect from a[999.1.1.1]",
	    0, TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"postfix connect without the closing bracket",
	    "Nov 26 12:34:56 mx1 postfix/smtpd[1]: connect from a[192.0.2.1",
	    0, TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"postfix connect with an empty address",
	    "Nov 26 12:34:56 mx1 postfix/smtpd[1]: connect from a[]",
	    0, TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"postfix connect without brackets",
	    "Nov 26 12:34:56 mx1 postfix/smtpd[1]: connect from a 192.0.2.1",
	    0, TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"postfix connect with a scoped address",
	    "Nov 26 12:34:56 mx1 postfix/smtpd[1]: connect from a[fe80::1%eth0]",
	    0, TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"postfix connect with an overlong address",
	    "Nov 26 12:34:56 mx1 postfix/smtpd[1]: connect from a[2001:0db8:0000:0000:0000:0000:0000:0001:0002:0003:0004]",
	    0, TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"postscreen with a host name instead of an address",
	    "Nov 26 12:34:56 mx1 postfix/postscreen[1]: CONNECT from [mail.example]:1 to [192.0.2.10]:25",
	    0, TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"exim connection without an address",
	    "2026-11-26 12:34:56 SMTP connection from mail.example.net",
	    0, TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"opensmtpd connected without address=",
	    "Nov 26 12:34:56 mx3 smtpd[1]: 4f1c smtp connected host=x",
	    0, TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"opensmtpd address= empty",
	    "Nov 26 12:34:56 mx3 smtpd[1]: 4f1c smtp connected address= host=x",
	    0, TRAP_LOG_MALFORMED, 0, NULL, NULL},
	{"opensmtpd New session without any address",
	    "Nov 26 12:34:56 mx3 smtpd[1]: smtp-in: New session 2d9a from host x",
	    0, TRAP_LOG_MALFORMED, 0, NULL, NULL},
};

static void
test_lines(void **state)
{
	const struct line_case *tc;
	struct trap_log_ctx ctx;
	struct trap_log_hit hit;
	enum trap_log_kind k;
	char buf[64], t[64];
	size_t i;

	(void)state;
	for (i = 0; i < NITEMS(lines); i++) {
		tc = &lines[i];
		memset(&ctx, 0, sizeof(ctx));
		ctx.ref_ms = REF;
		ctx.tz_offset_s = tc->tz_offset_s;
		k = trap_log_parse_line(tc->line, strlen(tc->line), &ctx, &hit);
		if (k != tc->kind)
			fail_msg("%s: kind %d, expected %d", tc->name, k,
			    tc->kind);
		if (k == TRAP_LOG_MALFORMED)
			continue;
		trap_time_text(hit.t_ms, t);
		if (strcmp(t, tc->time) != 0)
			fail_msg("%s: time %s, expected %s", tc->name, t,
			    tc->time);
		if (k != TRAP_LOG_CONNECT)
			continue;
		if (hit.format != tc->format)
			fail_msg("%s: format %d, expected %d", tc->name,
			    hit.format, tc->format);
		mail_addr_text(&hit.addr, buf);
		if (strcmp(buf, tc->addr) != 0)
			fail_msg("%s: address %s, expected %s", tc->name, buf,
			    tc->addr);
	}
}

/* Milliseconds survive from fractions, truncated past three digits. */
static void
test_fraction(void **state)
{
	struct trap_log_ctx ctx = {.ref_ms = REF};
	struct trap_log_hit h;
	static const char a[] = "2026-11-26T12:34:56.123456Z h x: y";
	static const char b[] = "2026-11-26 12:34:56.7 SMTP connection from [192.0.2.1]:1";

	(void)state;
	assert_int_equal(trap_log_parse_line(a, strlen(a), &ctx, &h),
	    TRAP_LOG_OTHER);
	assert_int_equal(h.t_ms, utc(2026, 11, 26, 12, 34, 56) + 123);
	assert_int_equal(trap_log_parse_line(b, strlen(b), &ctx, &h),
	    TRAP_LOG_CONNECT);
	assert_int_equal(h.t_ms, utc(2026, 11, 26, 12, 34, 56) + 700);
}

struct year_case {
	const char *name;
	const char *line;
	int64_t ref;
	const char *time;
};

static void
test_year(void **state)
{
	const struct year_case cases[] = {
		{"December line read on 2 January: the old year",
		    "Dec 31 23:59:59 mx1 x: y", utc(2027, 1, 2, 0, 0, 0),
		    "2026-12-31T23:59:59Z"},
		{"January line against events of 31 December: the new year",
		    "Jan  1 00:00:30 mx1 x: y", utc(2026, 12, 31, 23, 59, 0),
		    "2027-01-01T00:00:30Z"},
		{"same day: the reference's year",
		    "Nov 26 12:00:00 mx1 x: y", utc(2026, 11, 26, 13, 0, 0),
		    "2026-11-26T12:00:00Z"},
		{"June line read in January: the year before",
		    "Jun 15 00:00:00 mx1 x: y", utc(2027, 1, 10, 0, 0, 0),
		    "2026-06-15T00:00:00Z"},
		{"29 February in a leap year",
		    "Feb 29 12:00:00 mx1 x: y", utc(2028, 3, 1, 0, 0, 0),
		    "2028-02-29T12:00:00Z"},
		{"29 February: the latest leap year before",
		    "Feb 29 12:00:00 mx1 x: y", utc(2029, 1, 10, 0, 0, 0),
		    "2028-02-29T12:00:00Z"},
		{"29 February with no leap year near: malformed",
		    "Feb 29 12:00:00 mx1 x: y", utc(2026, 6, 1, 0, 0, 0),
		    NULL},
	};
	struct trap_log_ctx ctx;
	struct trap_log_hit h;
	char t[64];
	size_t i;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.ref_ms = cases[i].ref;
		if (trap_log_parse_line(cases[i].line, strlen(cases[i].line),
		    &ctx, &h) != (cases[i].time != NULL ? TRAP_LOG_OTHER :
		    TRAP_LOG_MALFORMED))
			fail_msg("%s: wrong kind", cases[i].name);
		if (cases[i].time == NULL)
			continue;
		trap_time_text(h.t_ms, t);
		if (strcmp(t, cases[i].time) != 0)
			fail_msg("%s: %s, expected %s", cases[i].name, t,
			    cases[i].time);
	}
}

/*
 * A zone with daylight saving time, as --log-tz gives it: UTC+1 in
 * winter, UTC+2 from the last Sunday of March (29 March 2026) 01:00 UTC;
 * 02:30 on that day does not exist.
 */
static int64_t
fake_berlin(void *ud, const struct trap_log_tm *tm, int *ok)
{
	int64_t s = (trap_log_days(tm->year, tm->mon, tm->mday) * 86400 +
	    tm->hour * 3600 + tm->min * 60 + tm->sec);
	int summer = tm->mon > 3 && tm->mon < 10;

	(void)ud;
	if (tm->mon == 3 && tm->mday == 29 && tm->hour == 2) {
		*ok = 0;
		return 0;
	}
	if (tm->mon == 3 && (tm->mday > 29 || (tm->mday == 29 &&
	    tm->hour >= 3)))
		summer = 1;
	return s - (summer ? 7200 : 3600);
}

static void
test_tz_callback(void **state)
{
	struct trap_log_ctx ctx = {.ref_ms = utc(2026, 6, 1, 0, 0, 0),
	    .tz = fake_berlin};
	struct trap_log_hit h;
	char t[64];
	static const char summer[] = "Jun  1 12:00:00 mx1 x: y";
	static const char winter[] = "Jan 15 12:00:00 mx1 x: y";
	static const char gap[] = "Mar 29 02:30:00 mx1 x: y";
	static const char iso_local[] = "2026-06-01 12:00:00 SMTP connection from [192.0.2.1]:1";
	static const char iso_offset[] = "2026-06-01T12:00:00+00:00 mx1 x: y";

	(void)state;
	assert_int_equal(trap_log_parse_line(summer, strlen(summer), &ctx, &h),
	    TRAP_LOG_OTHER);
	assert_string_equal(trap_time_text(h.t_ms, t), "2026-06-01T10:00:00Z");
	assert_int_equal(trap_log_parse_line(winter, strlen(winter), &ctx, &h),
	    TRAP_LOG_OTHER);
	assert_string_equal(trap_time_text(h.t_ms, t), "2026-01-15T11:00:00Z");
	/* A local time the zone skips is malformed, not guessed. */
	assert_int_equal(trap_log_parse_line(gap, strlen(gap), &ctx, &h),
	    TRAP_LOG_MALFORMED);
	assert_int_equal(trap_log_parse_line(iso_local, strlen(iso_local),
	    &ctx, &h), TRAP_LOG_CONNECT);
	assert_string_equal(trap_time_text(h.t_ms, t), "2026-06-01T10:00:00Z");
	/* An explicit offset wins over the zone. */
	assert_int_equal(trap_log_parse_line(iso_offset, strlen(iso_offset),
	    &ctx, &h), TRAP_LOG_OTHER);
	assert_string_equal(trap_time_text(h.t_ms, t), "2026-06-01T12:00:00Z");
}

/* Bytes no text test spells: NUL inside, the length bound, a line cut
 * anywhere never reads past its end (ASan checks the exact copy). */
static void
test_bounds(void **state)
{
	struct trap_log_ctx ctx = {.ref_ms = REF};
	struct trap_log_hit h;
	static const char full[] =
	    "Nov 26 12:34:56 mx1 postfix/postscreen[77]: CONNECT from [198.51.100.5]:41234 to [192.0.2.10]:25";
	static const char nul[] =
	    "Nov 26 12:34:56 mx1 postfix/smtpd[1]: connect from a[192.0.2.1\0]";
	char *big, *cut;
	size_t n, len = strlen(full);
	enum trap_log_kind k;

	(void)state;
	assert_int_equal(trap_log_parse_line(nul, sizeof(nul) - 1, &ctx, &h),
	    TRAP_LOG_MALFORMED);

	big = malloc(TRAP_LOG_LINE_MAX + 2);
	assert_non_null(big);
	memset(big, 'x', TRAP_LOG_LINE_MAX + 2);
	memcpy(big, full, len);
	assert_int_equal(trap_log_parse_line(big, TRAP_LOG_LINE_MAX, &ctx, &h),
	    TRAP_LOG_CONNECT);
	assert_int_equal(trap_log_parse_line(big, TRAP_LOG_LINE_MAX + 1, &ctx,
	    &h), TRAP_LOG_MALFORMED);
	/* A newline does not count against the bound. */
	big[TRAP_LOG_LINE_MAX] = '\n';
	assert_int_equal(trap_log_parse_line(big, TRAP_LOG_LINE_MAX + 1, &ctx,
	    &h), TRAP_LOG_CONNECT);
	free(big);

	for (n = 0; n <= len; n++) {
		cut = malloc(n ? n : 1);
		assert_non_null(cut);
		memcpy(cut, full, n);
		k = trap_log_parse_line(cut, n, &ctx, &h);
		/* Cut inside the address, the bracket or the port: */
		if (n < 16)
			assert_int_equal(k, TRAP_LOG_MALFORMED);
		else if (n < strlen("Nov 26 12:34:56 mx1 postfix/postscreen[77]: CONNECT from [198.51.100.5]"))
			assert_true(k != TRAP_LOG_CONNECT);
		else
			assert_int_equal(k, TRAP_LOG_CONNECT);
		free(cut);
	}
}

static void
test_addr_parse(void **state)
{
	struct mail_addr a;
	char t[46];

	(void)state;
	assert_int_equal(trap_addr_parse("::ffff:192.0.2.1", 16, &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_string_equal(mail_addr_text(&a, t), "192.0.2.1");
	assert_int_equal(trap_addr_parse("2001:DB8::1", 11, &a), 0);
	assert_string_equal(mail_addr_text(&a, t), "2001:db8::1");
	assert_int_equal(trap_addr_parse("::ffff:7f00:1", 13, &a), 0);
	assert_string_equal(mail_addr_text(&a, t), "127.0.0.1");
	assert_int_equal(trap_addr_parse("192.0.2.1 ", 10, &a), MX_ESYNTAX);
	assert_int_equal(trap_addr_parse("", 0, &a), MX_ESYNTAX);
	assert_int_equal(trap_addr_parse("IPv6:", 5, &a), MX_ESYNTAX);
	assert_int_equal(trap_addr_parse("192.0.2", 7, &a), MX_ESYNTAX);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_lines),
	cmocka_unit_test(test_fraction),
	cmocka_unit_test(test_year),
	cmocka_unit_test(test_tz_callback),
	cmocka_unit_test(test_bounds),
	cmocka_unit_test(test_addr_parse),
};

int
main(void)
{
	return cmocka_run_group_tests(tests, NULL, NULL);
}
