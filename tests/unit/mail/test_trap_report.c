/* test_trap_report.c -- trap client classification (mail-dns-spec 4.3): X05-X07, X11, X12, /24 and /64, the window, skew, IPv4-mapped, log coverage, the per-client fold */
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
#define S		1000LL
#define MIN		(60 * S)
#define HOUR		(60 * MIN)

/* The hit: 2026-11-26T12:00:00Z. */
static int64_t
t0(void)
{
	return trap_log_days(2026, 11, 26) * 86400 * S + 12 * HOUR;
}

static struct mail_addr
A(const char *s)
{
	struct mail_addr a;

	if (trap_addr_parse(s, strlen(s), &a) != 0)
		fail_msg("bad address %s", s);
	return a;
}

/*
 * A world to classify one hit in: primary log lines every 5 minutes from
 * from_ms to to_ms except in [gap_lo, gap_hi), plus the connect hits.
 */
struct world {
	struct trap_primary hits[8];
	size_t nhits;
	int64_t times[1024];
	struct trap_logs logs;
	struct trap_params p;
	struct trap_cidr allow[2];
	size_t nallow;
};

static void
world_init(struct world *w, int64_t from, int64_t to, int64_t gap_lo,
    int64_t gap_hi)
{
	int64_t t;
	size_t n = 0;

	memset(w, 0, sizeof(*w));
	trap_params_default(&w->p);
	for (t = from; t <= to && n < NITEMS(w->times); t += 5 * MIN)
		if (t < gap_lo || t >= gap_hi)
			w->times[n++] = t;
	w->logs.times = w->times;
	w->logs.ntimes = n;
	w->logs.hits = w->hits;
}

/* The usual world: logs from 25 h before to 1 h after, no gap. */
static void
world_default(struct world *w)
{
	world_init(w, t0() - 25 * HOUR, t0() + HOUR, 0, 0);
}

static void
world_hit(struct world *w, const char *addr, int64_t t)
{
	w->hits[w->nhits].addr = A(addr);
	w->hits[w->nhits].t_ms = t;
	w->nhits++;
	w->logs.nhits = w->nhits;
}

static enum trap_verdict
classify(struct world *w, const char *client, int64_t t, char *reason,
    size_t rlen)
{
	struct trap_conn c = {.client = A(client), .start_ms = t,
	    .end_ms = t + 5 * S};
	struct trap_conn_verdict v;

	trap_logs_prepare(&w->logs, &w->p);
	trap_classify_conn(&c, &w->logs, w->allow, w->nallow, &w->p, &v);
	if (reason != NULL)
		snprintf(reason, rlen, "%s", v.reason);
	return v.verdict;
}

static void
test_x05_skipped(void **state)
{
	struct world w;
	char r[160];

	(void)state;
	world_default(&w);
	world_hit(&w, "192.0.2.99", t0() - HOUR);
	assert_int_equal(classify(&w, "198.51.100.5", t0(), r, sizeof(r)),
	    TRAP_SKIPPED);
	assert_string_equal(r, "no connection from 198.51.100.0/24 to a "
	    "primary MX in the 24 h before");
}

static void
test_x06_orderly(void **state)
{
	struct world w;
	char r[160];

	(void)state;
	world_default(&w);
	world_hit(&w, "198.51.100.5", t0() - 30 * S);
	assert_int_equal(classify(&w, "198.51.100.5", t0(), r, sizeof(r)),
	    TRAP_ORDERLY);
	assert_string_equal(r, "a primary MX saw 198.51.100.5 at "
	    "2026-11-26T11:59:30Z (30 s before the hit)");
}

/* X07: the primary went down 2 h ago; its log is silent since. */
static void
test_x07_gap(void **state)
{
	struct world w;
	char r[160];

	(void)state;
	world_init(&w, t0() - 25 * HOUR, t0() + HOUR, t0() - 2 * HOUR,
	    t0() + 10 * MIN);
	assert_int_equal(classify(&w, "198.51.100.5", t0(), r, sizeof(r)),
	    TRAP_INCONCLUSIVE);
	assert_string_equal(r, "no primary MX log line in the 1 h before the "
	    "hit (primary down or log missing)");
	/* A gap shorter than --gap passes. */
	world_init(&w, t0() - 25 * HOUR, t0() + HOUR, t0() - 50 * MIN,
	    t0() + 10 * MIN);
	assert_int_equal(classify(&w, "198.51.100.5", t0(), NULL, 0),
	    TRAP_SKIPPED);
	/* --gap 30 min makes it one. */
	world_init(&w, t0() - 25 * HOUR, t0() + HOUR, t0() - 50 * MIN,
	    t0() + 10 * MIN);
	w.p.gap_ms = 30 * MIN;
	assert_int_equal(classify(&w, "198.51.100.5", t0(), NULL, 0),
	    TRAP_INCONCLUSIVE);
}

/* X11: trap started 20 s before the hit (spamd's startup + 60). */
static void
test_x11_grace(void **state)
{
	struct world w;
	char r[160];

	(void)state;
	world_default(&w);
	w.p.trap_start_ms = t0() - 20 * S;
	assert_int_equal(classify(&w, "198.51.100.5", t0(), r, sizeof(r)),
	    TRAP_INCONCLUSIVE);
	assert_string_equal(r, "trap started at 2026-11-26T11:59:40Z: hit "
	    "within the 1 min start-up grace");
	w.p.trap_start_ms = t0() - 60 * S;
	assert_int_equal(classify(&w, "198.51.100.5", t0(), NULL, 0),
	    TRAP_SKIPPED);
}

/* X12: allowlisted is logged whatever the logs say. */
static void
test_x12_allowlisted(void **state)
{
	struct world w;
	char r[160];

	(void)state;
	world_default(&w);
	assert_int_equal(trap_cidr_parse("198.51.100.0/25", 15, &w.allow[0]),
	    0);
	w.nallow = 1;
	assert_int_equal(classify(&w, "198.51.100.5", t0(), r, sizeof(r)),
	    TRAP_ALLOWLISTED);
	assert_string_equal(r, "allowlisted by 198.51.100.0/25: logged, never "
	    "listed");
	assert_int_equal(classify(&w, "198.51.100.200", t0(), NULL, 0),
	    TRAP_SKIPPED);
	/* Even with no logs at all. */
	world_init(&w, 0, -1, 0, 0);
	assert_int_equal(trap_cidr_parse("2001:db8::/32", 13, &w.allow[0]), 0);
	w.nallow = 1;
	assert_int_equal(classify(&w, "2001:db8::abcd", t0(), NULL, 0),
	    TRAP_ALLOWLISTED);
	assert_int_equal(classify(&w, "2001:db9::abcd", t0(), r, sizeof(r)),
	    TRAP_INCONCLUSIVE);
	assert_string_equal(r, "no primary MX log lines at all");
}

static void
test_prefix4(void **state)
{
	struct world w;
	char r[160];

	(void)state;
	world_default(&w);
	world_hit(&w, "198.51.100.77", t0() - HOUR);
	world_hit(&w, "198.51.101.5", t0() - HOUR);
	assert_int_equal(classify(&w, "198.51.100.5", t0(), r, sizeof(r)),
	    TRAP_ORDERLY);
	assert_string_equal(r, "a primary MX saw 198.51.100.77 at "
	    "2026-11-26T11:00:00Z (3600 s before the hit)");
	assert_int_equal(classify(&w, "198.51.102.5", t0(), NULL, 0),
	    TRAP_SKIPPED);
	/* --prefix4 32: the neighbour no longer counts. */
	w.p.prefix4 = 32;
	assert_int_equal(classify(&w, "198.51.100.5", t0(), r, sizeof(r)),
	    TRAP_SKIPPED);
	assert_string_equal(r, "no connection from 198.51.100.5 to a primary "
	    "MX in the 24 h before");
	/* --prefix4 16 takes in 198.51.101.5 too. */
	w.p.prefix4 = 16;
	assert_int_equal(classify(&w, "198.51.200.1", t0(), NULL, 0),
	    TRAP_ORDERLY);
}

/* The exact address is the evidence when both it and a neighbour are
 * in the window, even when the neighbour is later. */
static void
test_exact_preferred(void **state)
{
	struct world w;
	char r[160];

	(void)state;
	world_default(&w);
	world_hit(&w, "198.51.100.5", t0() - 2 * HOUR);
	world_hit(&w, "198.51.100.6", t0() - HOUR);
	assert_int_equal(classify(&w, "198.51.100.5", t0(), r, sizeof(r)),
	    TRAP_ORDERLY);
	assert_string_equal(r, "a primary MX saw 198.51.100.5 at "
	    "2026-11-26T10:00:00Z (7200 s before the hit)");
}

static void
test_prefix6(void **state)
{
	struct world w;
	char r[160];

	(void)state;
	world_default(&w);
	world_hit(&w, "2001:db8:1:2:ffff::1", t0() - HOUR);
	assert_int_equal(classify(&w, "2001:db8:1:2::abcd", t0(), NULL, 0),
	    TRAP_ORDERLY);
	assert_int_equal(classify(&w, "2001:db8:1:3::abcd", t0(), r,
	    sizeof(r)), TRAP_SKIPPED);
	assert_string_equal(r, "no connection from 2001:db8:1:3::/64 to a "
	    "primary MX in the 24 h before");
	w.p.prefix6 = 48;
	assert_int_equal(classify(&w, "2001:db8:1:3::abcd", t0(), NULL, 0),
	    TRAP_ORDERLY);
	/* Families never mix: 2001:db8:: is not 32.1.13.184. */
	w.p.prefix6 = 64;
	assert_int_equal(classify(&w, "32.1.13.184", t0(), NULL, 0),
	    TRAP_SKIPPED);
}

/* [t - window, t + skew], both ends included. */
static void
test_window_and_skew(void **state)
{
	struct world w;

	(void)state;
	world_default(&w);
	world_hit(&w, "198.51.100.5", t0() - 24 * HOUR);
	assert_int_equal(classify(&w, "198.51.100.5", t0(), NULL, 0),
	    TRAP_ORDERLY);
	world_default(&w);
	world_hit(&w, "198.51.100.5", t0() - 24 * HOUR - S);
	assert_int_equal(classify(&w, "198.51.100.5", t0(), NULL, 0),
	    TRAP_SKIPPED);
	world_default(&w);
	world_hit(&w, "198.51.100.5", t0() + 120 * S);
	assert_int_equal(classify(&w, "198.51.100.5", t0(), NULL, 0),
	    TRAP_ORDERLY);
	world_default(&w);
	world_hit(&w, "198.51.100.5", t0() + 121 * S);
	assert_int_equal(classify(&w, "198.51.100.5", t0(), NULL, 0),
	    TRAP_SKIPPED);
	/* --skew 300 takes it in; --window 1h drops the day-old one. */
	w.p.skew_ms = 300 * S;
	assert_int_equal(classify(&w, "198.51.100.5", t0(), NULL, 0),
	    TRAP_ORDERLY);
	world_default(&w);
	world_hit(&w, "198.51.100.5", t0() - 2 * HOUR);
	w.p.window_ms = HOUR;
	assert_int_equal(classify(&w, "198.51.100.5", t0(), NULL, 0),
	    TRAP_SKIPPED);
}

/* Spec 4.3 item 7: ::ffff:a.b.c.d is a.b.c.d on both sides. */
static void
test_mapped(void **state)
{
	struct world w;
	struct mail_addr a = A("::ffff:198.51.100.5");

	(void)state;
	assert_int_equal(a.family, AF_INET);
	world_default(&w);
	world_hit(&w, "198.51.100.5", t0() - MIN);
	assert_int_equal(classify(&w, "::ffff:198.51.100.5", t0(), NULL, 0),
	    TRAP_ORDERLY);
	world_default(&w);
	world_hit(&w, "::ffff:198.51.100.9", t0() - MIN);
	assert_int_equal(classify(&w, "198.51.100.5", t0(), NULL, 0),
	    TRAP_ORDERLY);
}

/* Spec 4.3 items 9 and 10: logs that start too late or end too soon. */
static void
test_coverage(void **state)
{
	struct world w;
	char r[160];

	(void)state;
	world_init(&w, t0() - 2 * HOUR, t0() + HOUR, 0, 0);
	assert_int_equal(classify(&w, "198.51.100.5", t0(), r, sizeof(r)),
	    TRAP_INCONCLUSIVE);
	assert_string_equal(r, "primary logs begin at 2026-11-26T10:00:00Z, "
	    "less than 24 h before the hit");
	/* A contact seen is evidence even so. */
	world_hit(&w, "198.51.100.5", t0() - MIN);
	assert_int_equal(classify(&w, "198.51.100.5", t0(), NULL, 0),
	    TRAP_ORDERLY);
	world_init(&w, t0() - 25 * HOUR, t0() + MIN, 0, 0);
	assert_int_equal(classify(&w, "198.51.100.5", t0(), r, sizeof(r)),
	    TRAP_INCONCLUSIVE);
	assert_string_equal(r, "primary logs end at 2026-11-26T12:00:00Z, "
	    "before the hit + 2 min skew");
}

/* Per client: SKIPPED beats INCONCLUSIVE beats ORDERLY; counts, times,
 * envelope and HELO over all its connections; order by first seen. */
static void
test_fold(void **state)
{
	struct world w;
	struct trap_conn c[5];
	struct trap_client out[5];
	char t[46];
	size_t n;

	(void)state;
	world_init(&w, t0() - 30 * HOUR, t0() + HOUR, 0, 0);
	world_hit(&w, "198.51.100.5", t0() - 3 * HOUR);
	memset(c, 0, sizeof(c));
	/* 198.51.100.5: two ORDERLY connections (the primary saw it 3 h
	 * before the first); 203.0.113.7: three SKIPPED ones. */
	c[0] = (struct trap_conn){A("198.51.100.5"), t0() - 2 * HOUR,
	    t0() - 2 * HOUR + S, 0, "a.example"};
	c[1] = (struct trap_conn){A("203.0.113.7"), t0(), t0() + S, 0,
	    "first.example"};
	c[2] = (struct trap_conn){A("203.0.113.7"), t0() - 3 * HOUR,
	    t0() - 3 * HOUR + S, 1, NULL};
	c[3] = (struct trap_conn){A("203.0.113.7"), t0() + 5 * MIN,
	    t0() + 5 * MIN + S, 0, ""};
	c[4] = (struct trap_conn){A("198.51.100.5"), t0() - 90 * MIN,
	    t0() - 90 * MIN + S, 0, NULL};
	trap_logs_prepare(&w.logs, &w.p);
	n = trap_report_classify(c, 5, &w.logs, NULL, 0, &w.p, out);
	assert_int_equal(n, 2);
	assert_string_equal(mail_addr_text(&out[0].addr, t), "203.0.113.7");
	assert_int_equal(out[0].verdict, TRAP_SKIPPED);
	assert_int_equal(out[0].connections, 3);
	assert_int_equal(out[0].total, 3);
	assert_int_equal(out[0].first_ms, t0() - 3 * HOUR);
	assert_int_equal(out[0].last_ms, t0() + 5 * MIN);
	assert_int_equal(out[0].envelope, 1);
	assert_string_equal(out[0].helo, "first.example");
	assert_string_equal(mail_addr_text(&out[1].addr, t), "198.51.100.5");
	assert_int_equal(out[1].verdict, TRAP_ORDERLY);
	assert_int_equal(out[1].connections, 2);
	assert_int_equal(out[1].envelope, 0);
	assert_string_equal(out[1].helo, "a.example");
}

/* One ORDERLY connection does not cancel a SKIPPED one, nor an
 * INCONCLUSIVE one a SKIPPED one. */
static void
test_fold_worst(void **state)
{
	struct world w;
	struct trap_conn c[3];
	struct trap_client out[3];
	size_t n;

	(void)state;
	/* Logs silent 4 h to 3 h before t0: a hit at t0-3h02 is
	 * INCONCLUSIVE. The primary saw the client at t0-28h: the hit at
	 * t0-27h is ORDERLY, the one at t0 SKIPPED. */
	world_init(&w, t0() - 50 * HOUR, t0() + HOUR, t0() - 4 * HOUR,
	    t0() - 3 * HOUR);
	world_hit(&w, "198.51.100.5", t0() - 28 * HOUR);
	c[0] = (struct trap_conn){A("198.51.100.5"), t0() - 27 * HOUR,
	    t0() - 27 * HOUR, 0, NULL};
	c[1] = (struct trap_conn){A("198.51.100.5"), t0() - 3 * HOUR - 2 * MIN,
	    t0() - 3 * HOUR, 0, NULL};
	c[2] = (struct trap_conn){A("198.51.100.5"), t0(), t0(), 0, NULL};
	trap_logs_prepare(&w.logs, &w.p);
	n = trap_report_classify(c, 2, &w.logs, NULL, 0, &w.p, out);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].verdict, TRAP_INCONCLUSIVE);
	assert_int_equal(out[0].connections, 1);
	assert_int_equal(out[0].total, 2);
	assert_int_equal(out[0].first_ms, t0() - 3 * HOUR - 2 * MIN);
	n = trap_report_classify(c, 3, &w.logs, NULL, 0, &w.p, out);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].verdict, TRAP_SKIPPED);
	/* The SKIPPED one alone is the evidence a threshold counts. */
	assert_int_equal(out[0].connections, 1);
	assert_int_equal(out[0].total, 3);
	assert_int_equal(out[0].first_ms, t0());
	assert_int_equal(out[0].last_ms, t0());
}

struct cidr_case {
	const char *name, *text;
	int rv;
	const char *inside, *outside;
};

static void
test_cidr(void **state)
{
	static const struct cidr_case cases[] = {
		{"IPv4 /24", "192.0.2.0/24", 0, "192.0.2.255", "192.0.3.0"},
		{"IPv4 host bits masked", "192.0.2.77/24", 0, "192.0.2.1",
		    "198.51.100.1"},
		{"bare IPv4 is /32", "192.0.2.1", 0, "192.0.2.1", "192.0.2.2"},
		{"IPv4 /0 takes every IPv4", "0.0.0.0/0", 0, "203.0.113.1",
		    "2001:db8::1"},
		{"IPv6 /32", "2001:db8::/32", 0, "2001:db8:ffff::1",
		    "2001:db9::1"},
		{"IPv6 /127", "2001:db8::/127", 0, "2001:db8::1",
		    "2001:db8::2"},
		{"mapped prefix is IPv4", "::ffff:192.0.2.0/120", 0,
		    "192.0.2.9", "192.0.3.9"},
		{"IPv4 /33", "192.0.2.0/33", MX_ERANGE, NULL, NULL},
		{"IPv6 /129", "2001:db8::/129", MX_ERANGE, NULL, NULL},
		{"mapped /95", "::ffff:192.0.2.0/95", MX_ESYNTAX, NULL, NULL},
		{"slash without length", "192.0.2.0/", MX_ESYNTAX, NULL, NULL},
		{"length with junk", "192.0.2.0/2x", MX_ESYNTAX, NULL, NULL},
		{"length too long", "192.0.2.0/0024", MX_ESYNTAX, NULL, NULL},
		{"not an address", "mail.example/24", MX_ESYNTAX, NULL, NULL},
		{"empty", "", MX_ESYNTAX, NULL, NULL},
	};
	struct trap_cidr c;
	struct mail_addr a;
	size_t i;
	int rv;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		rv = trap_cidr_parse(cases[i].text, strlen(cases[i].text), &c);
		if (rv != cases[i].rv)
			fail_msg("%s: %d, expected %d", cases[i].name, rv,
			    cases[i].rv);
		if (rv != 0)
			continue;
		a = A(cases[i].inside);
		if (!trap_cidr_contains(&c, &a))
			fail_msg("%s: %s not inside", cases[i].name,
			    cases[i].inside);
		a = A(cases[i].outside);
		if (trap_cidr_contains(&c, &a))
			fail_msg("%s: %s inside", cases[i].name,
			    cases[i].outside);
	}
}

static void
test_names_and_time(void **state)
{
	char t[64];

	(void)state;
	assert_string_equal(trap_verdict_name(TRAP_SKIPPED), "SKIPPED");
	assert_string_equal(trap_verdict_name(TRAP_ORDERLY), "ORDERLY");
	assert_string_equal(trap_verdict_name(TRAP_INCONCLUSIVE),
	    "INCONCLUSIVE");
	assert_string_equal(trap_verdict_name(TRAP_ALLOWLISTED),
	    "ALLOWLISTED");
	assert_string_equal(trap_time_text(0, t), "1970-01-01T00:00:00Z");
	assert_string_equal(trap_time_text(t0() + 999, t),
	    "2026-11-26T12:00:00Z");
	assert_string_equal(trap_time_text(trap_log_days(2028, 2, 29) * 86400 *
	    S + 86399 * S, t), "2028-02-29T23:59:59Z");
	assert_string_equal(trap_time_text(-1, t), "1969-12-31T23:59:59Z");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_x05_skipped),
	cmocka_unit_test(test_x06_orderly),
	cmocka_unit_test(test_x07_gap),
	cmocka_unit_test(test_x11_grace),
	cmocka_unit_test(test_x12_allowlisted),
	cmocka_unit_test(test_prefix4),
	cmocka_unit_test(test_exact_preferred),
	cmocka_unit_test(test_prefix6),
	cmocka_unit_test(test_window_and_skew),
	cmocka_unit_test(test_mapped),
	cmocka_unit_test(test_coverage),
	cmocka_unit_test(test_fold),
	cmocka_unit_test(test_fold_worst),
	cmocka_unit_test(test_cidr),
	cmocka_unit_test(test_names_and_time),
};

int
main(void)
{
	return cmocka_run_group_tests(tests, NULL, NULL);
}
