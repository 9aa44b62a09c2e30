/* test_dnsbl.c -- RFC 5782 DNSBL zones: entry names, test entries, expiry, merging, serials, TXT escaping, the state read back (mail-dns-spec 1.7, 4.5, X05, X09, X10, X14) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "mxkit/dnsbl.h"
#include "mxkit/err.h"

/* 2026-11-26T12:00:00Z */
#define NOW	INT64_C(1795694400)
#define DAY	86400

static struct mail_addr
addr(const char *s)
{
	struct mail_addr a;

	assert_int_equal(dnsbl_addr_parse(s, &a), 0);
	return a;
}

static struct dnsbl_entry
entry(const char *s, int64_t first, int64_t last)
{
	struct dnsbl_entry e;

	memset(&e, 0, sizeof e);
	e.addr = addr(s);
	e.first = first;
	e.last = last;
	e.code = DNSBL_CODE_SKIPPED;
	e.txtlen = dnsbl_txt_make(e.txt, last, "", "");
	return e;
}

static void
owners(void **state)
{
	static const struct {
		const char *name, *addr, *owner;
	} cases[] = {
		{ "IPv4 octets reversed (R-5782-1)", "198.51.100.5",
		  "5.100.51.198" },
		{ "IPv4 zeros kept", "192.0.2.0", "0.2.0.192" },
		{ "IPv6: 32 lowercase nibbles reversed (R-5782-2, X09)",
		  "2001:DB8::ABCD",
		  "d.c.b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2" },
		{ "IPv4-mapped IPv6 listed as IPv4", "::ffff:198.51.100.5",
		  "5.100.51.198" },
		{ "IPv4-mapped in hex is IPv4 too", "::ffff:c633:6405",
		  "5.100.51.198" },
	};
	char out[DNSBL_OWNER_MAX];
	struct mail_addr a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		a = addr(cases[i].addr);
		assert_int_equal(dnsbl_owner(&a, out),
		    (int)strlen(cases[i].owner));
		if (strcmp(out, cases[i].owner) != 0)
			fail_msg("%s: got %s", cases[i].name, out);
	}
	a = addr("::ffff:198.51.100.5");
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(dnsbl_addr_parse("198.51.100", &a), MX_ESYNTAX);
	assert_int_equal(dnsbl_addr_parse("2001:db8::1/64", &a), MX_ESYNTAX);
	assert_int_equal(dnsbl_addr_parse("", &a), MX_ESYNTAX);
}

static void
times(void **state)
{
	static const struct {
		const char *text;
		int64_t t;
		int err;
	} cases[] = {
		{ "2026-11-26T12:00:00Z", NOW, 0 },
		{ "2026-11-26 12:00:00Z", NOW, 0 },
		{ "2026-11-26T12:00:00.123456Z", NOW, 0 },
		{ "2026-11-26T13:30:00+01:30", NOW, 0 },
		{ "2026-11-26T10:00:00-02:00", NOW, 0 },
		{ "1970-01-01T00:00:00Z", 0, 0 },
		{ "2000-02-29T00:00:00Z", 951782400, 0 },
		{ "2026-11-26T12:00:00", 0, MX_ESYNTAX },
		{ "2026-13-01T00:00:00Z", 0, MX_ESYNTAX },
		{ "2026-11-26T24:00:00Z", 0, MX_ESYNTAX },
		{ "2026-11-26T12:00:00Zjunk", 0, MX_ESYNTAX },
		{ "26-11-26T12:00:00Z", 0, MX_ESYNTAX },
		{ "", 0, MX_ESYNTAX },
	};
	char buf[DNSBL_TIME_TEXT];
	int64_t t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		t = -1;
		if (dnsbl_time_parse(cases[i].text, &t) != cases[i].err)
			fail_msg("%s: wrong status", cases[i].text);
		if (cases[i].err == 0 && t != cases[i].t)
			fail_msg("%s: got %lld", cases[i].text, (long long)t);
	}
	assert_string_equal(dnsbl_time_text(NOW, buf), "2026-11-26T12:00:00Z");
	assert_string_equal(dnsbl_time_text(951782400, buf),
	    "2000-02-29T00:00:00Z");
	assert_string_equal(dnsbl_time_text(0, buf), "1970-01-01T00:00:00Z");
}

static void
txt_reason(void **state)
{
	char txt[DNSBL_TXT_MAX];
	char big[600];
	size_t n;

	(void)state;
	n = dnsbl_txt_make(txt, NOW, NULL, NULL);
	assert_int_equal(n, strlen("listed by mxkit trap: skipped the "
	    "higher-priority MX at 2026-11-26T12:00:00Z"));
	assert_memory_equal(txt, "listed by mxkit trap: skipped the "
	    "higher-priority MX at 2026-11-26T12:00:00Z", n);

	/* Control characters, quotes, backslashes and 8-bit octets from
	 * the client: every unprintable octet becomes '?'. */
	n = dnsbl_txt_make(txt, NOW, "bad\"helo\\\r\n\x01\xff", "why;\t");
	{
		static const char tail[] = "; helo bad\"helo\\????; why;?";

		assert_true(n > sizeof tail - 1);
		assert_memory_equal(txt + n - (sizeof tail - 1), tail,
		    sizeof tail - 1);
	}

	/* A long HELO is cut at 64 octets, the whole at 255. */
	memset(big, 'h', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	n = dnsbl_txt_make(txt, NOW, big, big);
	assert_int_equal(n, DNSBL_TXT_MAX);
	assert_memory_equal(txt + strlen("listed by mxkit trap: skipped the "
	    "higher-priority MX at 2026-11-26T12:00:00Z; helo ") + 64, "; ", 2);
}

static void
merge_expiry_and_refresh(void **state)
{
	struct dnsbl_entry prev[3], fresh[3], out[6];
	struct mail_addr drop[1];
	size_t n;

	(void)state;
	/* Listed two days ago, refreshed an hour ago by this report: the
	 * first-listed time is kept, the last event is the newer. */
	prev[0] = entry("198.51.100.5", NOW - 2 * DAY, NOW - 2 * DAY + 60);
	fresh[0] = entry("::ffff:198.51.100.5", NOW - 3600, NOW - 3600);
	/* Last event 24 h ago exactly: expired (X14); a second later: kept. */
	prev[1] = entry("203.0.113.7", NOW - 3 * DAY, NOW - DAY);
	prev[2] = entry("2001:db8::abcd", NOW - DAY, NOW - DAY + 1);
	/* New this run. */
	fresh[1] = entry("192.0.2.77", NOW - 600, NOW - 300);
	/* Too old already when first seen. */
	fresh[2] = entry("192.0.2.78", NOW - 2 * DAY, NOW - 2 * DAY);

	n = dnsbl_merge(prev, 3, fresh, 3, NULL, 0, NOW, DAY, out);
	assert_int_equal(n, 3);
	/* Sorted: IPv4 by address, then IPv6. */
	assert_memory_equal(out[0].addr.a, addr("192.0.2.77").a, 4);
	assert_int_equal(out[0].first, NOW - 600);
	assert_memory_equal(out[1].addr.a, addr("198.51.100.5").a, 4);
	assert_int_equal(out[1].first, NOW - 2 * DAY);
	assert_int_equal(out[1].last, NOW - 3600);
	assert_memory_equal(out[1].txt, fresh[0].txt, fresh[0].txtlen);
	assert_int_equal(out[2].addr.family, AF_INET6);

	/* This run calls 198.51.100.5 ALLOWLISTED (or ORDERLY): delisted at
	 * once, without waiting for expiry. */
	drop[0] = addr("198.51.100.5");
	n = dnsbl_merge(prev, 3, NULL, 0, drop, 1, NOW, DAY, out);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].addr.family, AF_INET6);
}

static void
merge_never_lists_the_test_range(void **state)
{
	struct dnsbl_entry fresh[4], out[4];

	(void)state;
	/* R-5782-3: 127.0.0.1 must never be listed, and the 127.0.0.2 and
	 * ::ffff:7f00:2 test entries are written apart, once. */
	fresh[0] = entry("127.0.0.1", NOW, NOW);
	fresh[1] = entry("::ffff:7f00:1", NOW, NOW);
	fresh[2] = entry("127.0.0.2", NOW, NOW);
	fresh[3] = entry("198.51.100.9", NOW, NOW);
	assert_int_equal(dnsbl_merge(NULL, 0, fresh, 4, NULL, 0, NOW, DAY, out),
	    1);
	assert_memory_equal(out[0].addr.a, addr("198.51.100.9").a, 4);
}

static void
threshold(void **state)
{
	(void)state;
	/* Spec 4.3: one connection with envelope evidence is enough. */
	assert_true(dnsbl_threshold_met(1, 1, DNSBL_THRESHOLD));
	/* Without: two within the window. */
	assert_false(dnsbl_threshold_met(1, 0, DNSBL_THRESHOLD));
	assert_true(dnsbl_threshold_met(2, 0, DNSBL_THRESHOLD));
	/* --threshold 1: every SKIPPED client. */
	assert_true(dnsbl_threshold_met(1, 0, 1));
	/* A report with no connection for a client lists nothing. */
	assert_false(dnsbl_threshold_met(0, 1, 1));
	assert_false(dnsbl_threshold_met(3, 0, 4));
}

static void
serials(void **state)
{
	(void)state;
	assert_true(dnsbl_serial_follows(2, 1));
	assert_false(dnsbl_serial_follows(1, 1));
	assert_false(dnsbl_serial_follows(1, 2));
	/* RFC 1982: wraps around. */
	assert_true(dnsbl_serial_follows(0, UINT32_MAX));
	assert_false(dnsbl_serial_follows(0x80000000u, 0));
	/* Time-based, always increasing. */
	assert_int_equal(dnsbl_serial_next(0, 0, NOW), (uint32_t)NOW);
	assert_int_equal(dnsbl_serial_next((uint32_t)NOW - 5, 1, NOW),
	    (uint32_t)NOW);
	/* Two runs within a second, or a clock set back. */
	assert_int_equal(dnsbl_serial_next((uint32_t)NOW, 1, NOW),
	    (uint32_t)NOW + 1);
	assert_int_equal(dnsbl_serial_next((uint32_t)NOW + 100, 1, NOW),
	    (uint32_t)NOW + 101);
	/* A YYYYMMDDnn serial of before is followed, not undercut. */
	assert_int_equal(dnsbl_serial_next(2026112601u, 1, NOW), 2026112602u);
}

/* The stream's buffer lives outside the writer's frame: gcc's
 * -Wdangling-pointer takes a local one, returned, for a stack address. */
static char *mem_buf;
static size_t mem_len;

/* The zone text of z and n entries, in a malloc'ed string. */
static char *
zone_text(const struct dnsbl_zone *z, const struct dnsbl_entry *e, size_t n,
    int want)
{
	FILE *fp;

	mem_buf = NULL;
	mem_len = 0;
	fp = open_memstream(&mem_buf, &mem_len);
	assert_non_null(fp);
	assert_int_equal(dnsbl_zone_write(fp, z, e, n), want);
	fclose(fp);
	return mem_buf;
}

static const struct dnsbl_zone zone = {
	"skip.bl.example.org", "ns.example.org", "hostmaster.example.org",
	2026112601u, 300, 300, NOW
};

static void
zone_layout(void **state)
{
	struct dnsbl_entry e[2];
	char *t, *p;

	(void)state;
	e[0] = entry("198.51.100.5", NOW - 60, NOW - 30);
	e[1] = entry("2001:db8::abcd", NOW - 60, NOW - 30);
	t = zone_text(&zone, e, 2, 0);
	assert_non_null(strstr(t, "; mxkit trap dnsbl zone "
	    "skip.bl.example.org. serial 2026112601 written "
	    "2026-11-26T12:00:00Z\n"));
	assert_non_null(strstr(t, "\n$ORIGIN skip.bl.example.org.\n$TTL 300\n"));
	assert_non_null(strstr(t, "\n@\tIN\tSOA\tns.example.org. "
	    "hostmaster.example.org. 2026112601 900 300 604800 300\n"));
	assert_non_null(strstr(t, "\n@\tIN\tNS\tns.example.org.\n"));
	/* X10: the test entries, and never 127.0.0.1 or ::ffff:7f00:1. */
	assert_non_null(strstr(t, "\n2.0.0.127\tIN\tA\t127.0.0.2\n"
	    "2.0.0.127\tIN\tTXT\t\"listed by mxkit trap: RFC 5782 test "
	    "entry\"\n"));
	assert_non_null(strstr(t, "\n2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0."
	    "0.0.0.0.0.0.0.0.0.0.0.0\tIN\tA\t127.0.0.2\n"));
	assert_null(strstr(t, "\n1.0.0.127\t"));
	assert_null(strstr(t, "\n1.0.0.0.0.0.f.7.f.f.f.f."));
	/* X05 and X09: the entries with their state lines. */
	assert_non_null(strstr(t, "\n; entry 198.51.100.5 2026-11-26T11:59:00Z "
	    "2026-11-26T11:59:30Z 127.0.0.2 \"listed by mxkit trap: skipped "
	    "the higher-priority MX at 2026-11-26T11:59:30Z\"\n"
	    "5.100.51.198\tIN\tA\t127.0.0.2\n"
	    "5.100.51.198\tIN\tTXT\t\"listed by mxkit trap: skipped the "
	    "higher-priority MX at 2026-11-26T11:59:30Z\"\n"));
	assert_non_null(strstr(t, "\nd.c.b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "0.0.0.0.8.b.d.0.1.0.0.2\tIN\tA\t127.0.0.2\n"));
	/* Only values within 127.0.0.0/8. */
	for (p = strstr(t, "\tA\t"); p != NULL; p = strstr(p + 1, "\tA\t"))
		assert_memory_equal(p + 3, "127.0.0.", 8);
	assert_non_null(strstr(t, "\n; 2 entries\n"));
	free(t);

	/* A zone name too long for 32 nibbles under it. */
	{
		struct dnsbl_zone z = zone;
		char longname[250];

		memset(longname, 'a', sizeof longname - 1);
		longname[sizeof longname - 1] = '\0';
		for (size_t i = 60; i < sizeof longname - 1; i += 61)
			longname[i] = '.';
		z.zone = longname;
		free(zone_text(&z, NULL, 0, MX_EINVAL));
		z.zone = "bad..name";
		free(zone_text(&z, NULL, 0, MX_EINVAL));
	}
}

static void
txt_escaping_round_trip(void **state)
{
	struct dnsbl_entry e[1], back;
	char *t, *line, *end;
	int r;

	(void)state;
	e[0] = entry("198.51.100.5", NOW - 60, NOW - 30);
	/* Octets a hand-made TXT could hold even if ours never do: quote,
	 * backslash, semicolon, a control character and an 8-bit one. */
	memcpy(e[0].txt, "a\"b\\c;d\x01" "e\xff", 10);
	e[0].txtlen = 10;
	t = zone_text(&zone, e, 1, 0);
	assert_non_null(strstr(t, "\t\"a\\\"b\\\\c;d\\001e\\255\"\n"));
	line = strstr(t, "\n; entry ");
	assert_non_null(line);
	line++;
	end = strchr(line, '\n');
	r = dnsbl_state_entry(line, (size_t)(end - line), &back);
	assert_int_equal(r, 1);
	assert_int_equal(back.txtlen, 10);
	assert_memory_equal(back.txt, e[0].txt, 10);
	assert_int_equal(back.first, NOW - 60);
	assert_int_equal(back.last, NOW - 30);
	assert_int_equal(back.code, 2);
	assert_memory_equal(back.addr.a, e[0].addr.a, 4);
	free(t);
}

static int
header(const char *line, const char *zone_name, uint32_t *serial)
{
	return dnsbl_state_header(line, strlen(line), zone_name, serial);
}

static void
state_lines(void **state)
{
	static const struct {
		const char *name, *line;
		int r;
	} cases[] = {
		{ "an entry", "; entry 2001:db8::1 2026-11-26T11:00:00Z "
		  "2026-11-26T11:00:00Z 127.0.0.2 \"x\"", 1 },
		{ "not an entry", "; RFC 5782 5: ...", 0 },
		{ "a record", "5.100.51.198\tIN\tA\t127.0.0.2", 0 },
		{ "bad address", "; entry 198.51.100 2026-11-26T11:00:00Z "
		  "2026-11-26T11:00:00Z 127.0.0.2 \"x\"", MX_ESYNTAX },
		{ "bad time", "; entry 198.51.100.5 yesterday "
		  "2026-11-26T11:00:00Z 127.0.0.2 \"x\"", MX_ESYNTAX },
		{ "code 127.0.0.1", "; entry 198.51.100.5 2026-11-26T11:00:00Z "
		  "2026-11-26T11:00:00Z 127.0.0.1 \"x\"", MX_ESYNTAX },
		{ "code outside 127/8", "; entry 198.51.100.5 "
		  "2026-11-26T11:00:00Z 2026-11-26T11:00:00Z 10.0.0.2 \"x\"",
		  MX_ESYNTAX },
		{ "unterminated TXT", "; entry 198.51.100.5 "
		  "2026-11-26T11:00:00Z 2026-11-26T11:00:00Z 127.0.0.2 \"x",
		  MX_ESYNTAX },
		{ "junk after the TXT", "; entry 198.51.100.5 "
		  "2026-11-26T11:00:00Z 2026-11-26T11:00:00Z 127.0.0.2 \"x\" y",
		  MX_ESYNTAX },
		{ "bad escape", "; entry 198.51.100.5 2026-11-26T11:00:00Z "
		  "2026-11-26T11:00:00Z 127.0.0.2 \"\\99\"", MX_ESYNTAX },
		{ "truncated", "; entry 198.51.100.5", MX_ESYNTAX },
	};
	struct dnsbl_entry e;
	uint32_t serial = 0;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		r = dnsbl_state_entry(cases[i].line, strlen(cases[i].line), &e);
		if (r != cases[i].r)
			fail_msg("%s: got %d", cases[i].name, r);
	}
	assert_int_equal(header("; mxkit trap dnsbl zone skip.bl.example.org. "
	    "serial 42 written 2026-11-26T12:00:00Z", "Skip.BL.example.org",
	    &serial), 0);
	assert_int_equal(serial, 42);
	assert_int_equal(header("; mxkit trap dnsbl zone other.example. "
	    "serial 42", "skip.bl.example.org", &serial), MX_ESYNTAX);
	assert_int_equal(header("$ORIGIN x.", "x", &serial), MX_ESYNTAX);
	assert_int_equal(header("; mxkit trap dnsbl zone x. serial 4294967296",
	    "x", &serial), MX_ESYNTAX);
	assert_int_equal(header("; mxkit trap dnsbl zone x. serial 4294967295",
	    "x", &serial), 0);
	assert_int_equal(serial, UINT32_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(owners),
		cmocka_unit_test(times),
		cmocka_unit_test(txt_reason),
		cmocka_unit_test(merge_expiry_and_refresh),
		cmocka_unit_test(merge_never_lists_the_test_range),
		cmocka_unit_test(threshold),
		cmocka_unit_test(serials),
		cmocka_unit_test(zone_layout),
		cmocka_unit_test(txt_escaping_round_trip),
		cmocka_unit_test(state_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
