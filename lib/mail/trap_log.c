/* trap_log.c -- primary-MX log lines for mxkit trap report: syslog and Exim timestamps, Postfix/Exim/OpenSMTPD connection lines (no I/O) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "mxkit/err.h"
#include "mxkit/trap_report.h"
#include "util/cur.h"

/*
 * A line is read once, left to right, through a cursor: every peek is
 * cur_at (0 past the end) and every advance is cur_skip, so nothing here
 * reads outside line[0..len). Numbers are bounded by their digit count,
 * so no field can overflow an int.
 */

static int
is_digit(uint8_t ch)
{
	return ch >= '0' && ch <= '9';
}

static uint8_t
peek(const struct cur *c)
{
	return cur_at(c, c->off);
}

/* Exactly n digits (n <= 4): their value, or -1 (nothing consumed). */
static int
digits(struct cur *c, unsigned n)
{
	unsigned i;
	int v = 0;

	if (c->err != 0 || n > cur_left(c))
		return -1;
	for (i = 0; i < n; i++) {
		if (!is_digit(cur_at(c, c->off + i)))
			return -1;
		v = v * 10 + (cur_at(c, c->off + i) - '0');
	}
	cur_skip(c, n);
	return v;
}

/* Consumes ch if it is next: 1, else 0. */
static int
accept_ch(struct cur *c, uint8_t ch)
{
	if (c->err != 0 || cur_left(c) == 0 || peek(c) != ch)
		return 0;
	cur_skip(c, 1);
	return 1;
}

static int
accept_str(struct cur *c, const char *s)
{
	size_t i, n = strlen(s);

	if (c->err != 0 || n > cur_left(c))
		return 0;
	for (i = 0; i < n; i++)
		if (cur_at(c, c->off + i) != (uint8_t)s[i])
			return 0;
	cur_skip(c, n);
	return 1;
}

/*
 * The offset just after the first occurrence of needle at or after
 * c->off, or 0 when there is none (a match never ends at offset 0).
 */
static size_t
find_after(const struct cur *c, const char *needle)
{
	struct cur t = *c;
	size_t n = strlen(needle), left = cur_left(c);
	const uint8_t *rest;
	const void *hit;

	if (c->err != 0 || n == 0 || n > left)
		return 0;
	rest = cur_take(&t, left);
	hit = memmem(rest, left, needle, n);
	if (hit == NULL)
		return 0;
	return c->off + (size_t)((const uint8_t *)hit - rest) + n;
}

static const char months[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(int y, int m)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31};

	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Howard Hinnant's days_from_civil: exact for every Gregorian date. */
int64_t
trap_log_days(int year, int mon, int mday)
{
	int64_t y = year - (mon <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + mday - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static int
tm_valid(const struct trap_log_tm *tm)
{
	return tm->year >= 1970 && tm->year <= 9999 && tm->mon >= 1 &&
	    tm->mon <= 12 && tm->mday >= 1 &&
	    tm->mday <= mdays(tm->year, tm->mon) && tm->hour <= 23 &&
	    tm->min <= 59 && tm->sec <= 60;
}

static int64_t
tm_utc_s(const struct trap_log_tm *tm)
{
	return trap_log_days(tm->year, tm->mon, tm->mday) * 86400 +
	    tm->hour * 3600 + tm->min * 60 + tm->sec;
}

/* tm (with a year) in the logs' zone to unix ms; 0 if it does not exist. */
static int
local_ms(const struct trap_log_ctx *ctx, const struct trap_log_tm *tm,
    int64_t *ms)
{
	int ok = 1;
	int64_t s;

	if (!tm_valid(tm))
		return 0;
	if (ctx->tz != NULL)
		s = ctx->tz(ctx->tz_ud, tm, &ok);
	else
		s = tm_utc_s(tm) - ctx->tz_offset_s;
	if (!ok)
		return 0;
	*ms = s * 1000 + tm->msec;
	return 1;
}

/*
 * An RFC 3164 time has no year. Logs are read after the fact, so a line
 * is taken in the latest of the reference's year and the years either
 * side that puts it no more than TRAP_LOG_AHEAD after the reference: on
 * 2 January "Dec 31" is last year's, against events of 31 December
 * "Jan  1" is next year's, and "Jun 15" read in January is last June. A
 * year that lacks the date (29 February) is passed over.
 */
#define TRAP_LOG_AHEAD	(31 * 86400000LL)

static int
yearless_ms(const struct trap_log_ctx *ctx, struct trap_log_tm *tm,
    int64_t *ms)
{
	int64_t days = ctx->ref_ms > 0 ? ctx->ref_ms / 86400000 : 0, t;
	int y0, y;

	/* The year of the reference (in UTC: near enough, +-1 is tried). */
	y0 = (int)(1970 + days / 366);
	while (trap_log_days(y0 + 1, 1, 1) <= days)
		y0++;
	for (y = y0 + 1; y >= y0 - 1; y--) {
		tm->year = y;
		if (local_ms(ctx, tm, &t) && t - ctx->ref_ms <= TRAP_LOG_AHEAD) {
			*ms = t;
			return 1;
		}
	}
	return 0;
}

/* ".123456" after the seconds: milliseconds (extra digits dropped). */
static int
fraction(struct cur *c)
{
	int ms = 0, n = 0;

	if (!accept_ch(c, '.') && !accept_ch(c, ','))
		return 0;
	while (cur_left(c) > 0 && is_digit(peek(c))) {
		if (n < 3)
			ms = ms * 10 + (peek(c) - '0');
		n++;
		cur_skip(c, 1);
		if (n > 9)
			return -1;
	}
	if (n == 0)
		return -1;
	while (n < 3) {
		ms *= 10;
		n++;
	}
	return ms;
}

/* "+01:00", "-0500" (journalctl -o short-iso, Exim), "Z": 0 and *off
 * (seconds east), or -1; 1 if none. */
static int
offset(struct cur *c, long *off)
{
	int sign, h, m;

	if (accept_ch(c, 'Z')) {
		*off = 0;
		return 0;
	}
	if (peek(c) != '+' && peek(c) != '-')
		return 1;
	sign = peek(c) == '-' ? -1 : 1;
	cur_skip(c, 1);
	if ((h = digits(c, 2)) < 0)
		return -1;
	accept_ch(c, ':');
	if ((m = digits(c, 2)) < 0 || h > 23 || m > 59)
		return -1;
	*off = sign * (h * 3600L + m * 60L);
	return 0;
}

/*
 * The timestamp at the start of a line: "<PRI>" and an RFC 5424 version
 * are skipped; then an ISO 8601 time (RFC 5424, rsyslog's high-precision
 * format, Exim's mainlog "2026-11-26 12:34:56 [+0100]") or an RFC 3164
 * "Nov 26 12:34:56". Leaves c after it; 0 and *ms, or -1.
 */
static int
timestamp(struct cur *c, const struct trap_log_ctx *ctx, int64_t *ms)
{
	struct trap_log_tm tm;
	long off = 0;
	int i, r, pri = 0, frac;
	struct cur save;

	memset(&tm, 0, sizeof(tm));
	if (accept_ch(c, '<')) {
		while (cur_left(c) > 0 && is_digit(peek(c)) && pri < 4) {
			cur_skip(c, 1);
			pri++;
		}
		if (pri == 0 || !accept_ch(c, '>'))
			return -1;
		save = *c;
		if (accept_ch(c, '1') && !accept_ch(c, ' '))
			*c = save;
	}
	if (is_digit(peek(c))) {
		if ((tm.year = digits(c, 4)) < 0 || !accept_ch(c, '-') ||
		    (tm.mon = digits(c, 2)) < 0 || !accept_ch(c, '-') ||
		    (tm.mday = digits(c, 2)) < 0)
			return -1;
		if (!accept_ch(c, 'T') && !accept_ch(c, ' '))
			return -1;
		if ((tm.hour = digits(c, 2)) < 0 || !accept_ch(c, ':') ||
		    (tm.min = digits(c, 2)) < 0 || !accept_ch(c, ':') ||
		    (tm.sec = digits(c, 2)) < 0 || (frac = fraction(c)) < 0)
			return -1;
		tm.msec = frac;
		r = offset(c, &off);
		if (r < 0)
			return -1;
		if (r == 1) {
			/* Exim's log_timezone: " +0100" after the time. */
			save = *c;
			if (accept_ch(c, ' ')) {
				r = offset(c, &off);
				if (r != 0)
					*c = save;
			}
		}
		if (r == 0) {
			if (!tm_valid(&tm))
				return -1;
			*ms = (tm_utc_s(&tm) - off) * 1000 + tm.msec;
			return 0;
		}
		return local_ms(ctx, &tm, ms) ? 0 : -1;
	}
	for (i = 0; i < 12; i++)
		if (accept_str(c, months[i]))
			break;
	if (i == 12 || !accept_ch(c, ' '))
		return -1;
	tm.mon = i + 1;
	accept_ch(c, ' ');		/* "Nov  6": space-padded day */
	if (is_digit(peek(c)) && is_digit(cur_at(c, c->off + 1)))
		tm.mday = digits(c, 2);
	else
		tm.mday = digits(c, 1);
	if (tm.mday < 1 || !accept_ch(c, ' ') ||
	    (tm.hour = digits(c, 2)) < 0 || !accept_ch(c, ':') ||
	    (tm.min = digits(c, 2)) < 0 || !accept_ch(c, ':') ||
	    (tm.sec = digits(c, 2)) < 0 || (frac = fraction(c)) < 0)
		return -1;
	tm.msec = frac;
	return yearless_ms(ctx, &tm, ms) ? 0 : -1;
}

/*
 * An address as logs write it, up to the first byte in stop (or the end):
 * "IPv6:" prefixes dropped (OpenSMTPD, Postfix's smtpd_client_port_logging
 * keeps them out), IPv4-mapped IPv6 turned into IPv4.
 */
static int
address(struct cur *c, const char *stop, struct mail_addr *a)
{
	size_t n = 0, left = cur_left(c);
	struct cur t = *c;
	const uint8_t *p;

	while (n < left && strchr(stop, cur_at(c, c->off + n)) == NULL)
		n++;
	p = cur_take(&t, n);
	if (p == NULL || trap_addr_parse((const char *)p, n, a) != 0)
		return -1;
	cur_skip(c, n);
	return 0;
}

int
trap_addr_parse(const char *s, size_t len, struct mail_addr *a)
{
	char buf[64];
	struct in6_addr in6;
	struct in_addr in4;
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
	    0xff};

	if (len >= 5 && strncasecmp(s, "IPv6:", 5) == 0) {
		s += 5;
		len -= 5;
	}
	if (len == 0 || len >= sizeof(buf) || memchr(s, '\0', len) != NULL)
		return MX_ESYNTAX;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, buf, &in4) == 1) {
		a->family = AF_INET;
		memcpy(a->a, &in4, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, buf, &in6) != 1)
		return MX_ESYNTAX;
	if (memcmp(in6.s6_addr, mapped, sizeof(mapped)) == 0) {
		a->family = AF_INET;
		memcpy(a->a, in6.s6_addr + 12, 4);
		return 0;
	}
	a->family = AF_INET6;
	memcpy(a->a, in6.s6_addr, 16);
	return 0;
}

/* Is needle somewhere in line[from, to)? */
static int
within(const struct cur *c, size_t from, size_t to, const char *needle)
{
	struct cur t;

	if (to > c->len || from > to)
		return 0;
	cur_init(&t, c->p, to);
	t.off = from;
	return find_after(&t, needle) != 0;
}

enum trap_log_kind
trap_log_parse_line(const char *line, size_t len,
    const struct trap_log_ctx *ctx, struct trap_log_hit *out)
{
	struct cur c;
	size_t body, at;

	memset(out, 0, sizeof(*out));
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0 || len > TRAP_LOG_LINE_MAX)
		return TRAP_LOG_MALFORMED;
	cur_init(&c, line, len);
	if (timestamp(&c, ctx, &out->t_ms) != 0 || !accept_ch(&c, ' '))
		return TRAP_LOG_MALFORMED;
	body = c.off;

	/*
	 * The generic format (mail-dns-spec 4.3), for feeds that are not an
	 * MTA's log: "TIME CLIENT-IP LOCAL-IP" and nothing else. A syslog
	 * host field may be an address too, so both addresses and the end
	 * of the line are required before the line counts as one.
	 */
	{
		struct cur g = c;
		struct mail_addr local;

		if (address(&g, " ", &out->addr) == 0 && accept_ch(&g, ' ') &&
		    address(&g, " ", &local) == 0 && cur_left(&g) == 0) {
			out->format = TRAP_LOG_FMT_GENERIC;
			return TRAP_LOG_CONNECT;
		}
		memset(&out->addr, 0, sizeof(out->addr));
	}

	/*
	 * Postfix postscreen: CONNECT from [IP]:PORT to [IP]:25. The tag is
	 * "postfix/postscreen[PID]:" in RFC 3164 lines and "postfix/postscreen
	 * PID - -" in RFC 5424 ones, so only the program's name is required
	 * before the text. smtpd's "lost connection after CONNECT from
	 * NAME[IP]" has a name before the bracket and does not match.
	 */
	if ((at = find_after(&c, " CONNECT from [")) != 0 &&
	    within(&c, body, at, "postscreen")) {
		c.off = at;
		if (address(&c, "]", &out->addr) != 0 || !accept_ch(&c, ']'))
			return TRAP_LOG_MALFORMED;
		out->format = TRAP_LOG_FMT_POSTSCREEN;
		return TRAP_LOG_CONNECT;
	}
	/* Postfix smtpd: connect from NAME[IP] (also submission/smtpd...);
	 * the space before "connect" keeps "disconnect from" out. */
	if ((at = find_after(&c, " connect from ")) != 0 &&
	    within(&c, body, at, "smtpd")) {
		c.off = at;
		while (cur_left(&c) > 0 && peek(&c) != '[' && peek(&c) != ' ')
			cur_skip(&c, 1);
		if (!accept_ch(&c, '[') || address(&c, "]", &out->addr) != 0 ||
		    !accept_ch(&c, ']'))
			return TRAP_LOG_MALFORMED;
		out->format = TRAP_LOG_FMT_POSTFIX_SMTPD;
		return TRAP_LOG_CONNECT;
	}
	/* Exim: SMTP connection from [IP]:PORT, from NAME [IP]:PORT,
	 * from (HELO) [IP]:PORT; the name never holds '['. */
	if ((at = find_after(&c, "SMTP connection from ")) != 0) {
		c.off = at;
		while (cur_left(&c) > 0 && peek(&c) != '[')
			cur_skip(&c, 1);
		if (!accept_ch(&c, '[') || address(&c, "]", &out->addr) != 0 ||
		    !accept_ch(&c, ']'))
			return TRAP_LOG_MALFORMED;
		out->format = TRAP_LOG_FMT_EXIM;
		return TRAP_LOG_CONNECT;
	}
	/* OpenSMTPD 6.x and later: "smtp connected address=IP host=NAME",
	 * "smtp event=connected address=IP"; older: "smtp-in: New session
	 * ID from host NAME [IP]" or "... address=IP". */
	if ((at = find_after(&c, "smtp connected ")) != 0 ||
	    (at = find_after(&c, "smtp event=connected ")) != 0) {
		c.off = at;
		if ((at = find_after(&c, "address=")) == 0)
			return TRAP_LOG_MALFORMED;
		c.off = at;
		if (address(&c, " ", &out->addr) != 0)
			return TRAP_LOG_MALFORMED;
		out->format = TRAP_LOG_FMT_OPENSMTPD;
		return TRAP_LOG_CONNECT;
	}
	if ((at = find_after(&c, "smtp-in: New session ")) != 0) {
		c.off = at;
		if ((at = find_after(&c, "address=")) != 0) {
			c.off = at;
			if (address(&c, " ", &out->addr) != 0)
				return TRAP_LOG_MALFORMED;
		} else if ((at = find_after(&c, "[")) != 0) {
			c.off = at;
			if (address(&c, "]", &out->addr) != 0 ||
			    !accept_ch(&c, ']'))
				return TRAP_LOG_MALFORMED;
		} else {
			return TRAP_LOG_MALFORMED;
		}
		out->format = TRAP_LOG_FMT_OPENSMTPD;
		return TRAP_LOG_CONNECT;
	}
	return TRAP_LOG_OTHER;
}
