/* test_notify.c -- NOTIFY to secondaries (RFC 1996 3.5-3.7) on a fake clock,
 * a loopback socket playing the secondary */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "mxkit/server.h"
#include "mxkit/zone.h"
#include "server/notify.h"
#include "util/ev.h"

/* Log lines kept for the assertions; a test sees a few dozen. */
#define LINES		64
#define LINE_LEN	512

struct fixture {
	struct ev_loop *loop;
	uint64_t now;
	struct srv_zoneset *zs;		/* what the notifier sees */
	int sec;			/* the secondary's socket */
	struct srv_addr to;
	struct srv_notifier *n;
	char lines[LINES][LINE_LEN];
	size_t nlines;
};

static uint64_t
fake_clock(void *ud)
{
	return *(uint64_t *)ud;
}

static const struct srv_zoneset *
zones(void *ud)
{
	return ((struct fixture *)ud)->zs;
}

static void
on_log(void *ud, enum mx_level level, const char *msg)
{
	struct fixture *f = ud;

	(void)level;
	if (f->nlines < LINES)
		snprintf(f->lines[f->nlines++], LINE_LEN, "%s", msg);
}

/* How many log lines contain s. */
static size_t
logged(const struct fixture *f, const char *s)
{
	size_t i, k = 0;

	for (i = 0; i < f->nlines; i++)
		k += strstr(f->lines[i], s) != NULL;
	return k;
}

static int
add(void *ud, const struct zone_rr *rr, const struct mx_where *w)
{
	return zone_store_add(ud, rr, w, NULL);
}

/* A set of zone example.org with this serial, and zone example.net
 * (serial 7) when both is set. */
static struct srv_zoneset *
set_of(uint32_t serial, int both)
{
	struct srv_zoneset *zs = srv_zoneset_new();
	const char *origins[2] = { "example.org", "example.net" };
	int i;

	assert_non_null(zs);
	for (i = 0; i < (both ? 2 : 1); i++) {
		char text[256];
		uint8_t o[DNS_NAME_MAX];
		size_t olen, len;
		struct zone_parse_opts po;
		struct zone_store *z;

		len = (size_t)snprintf(text, sizeof(text), "$TTL 300\n"
		    "@ SOA ns hostmaster %u 3600 900 604800 300\n"
		    "@ NS ns\nns A 192.0.2.53\n", i == 0 ? serial : 7);
		assert_int_equal(dns_name_from_text(origins[i],
		    strlen(origins[i]), NULL, 0, o, &olen, NULL), 0);
		z = zone_store_new(o, olen, NULL);
		assert_non_null(z);
		memset(&po, 0, sizeof(po));
		po.file = origins[i];
		po.origin = o;
		po.origin_len = olen;
		po.accept = add;
		po.ud = z;
		assert_int_equal(zone_parse_string(&po, text, len), 0);
		assert_int_equal(zone_store_finish(z, NULL), 0);
		assert_int_equal(srv_zoneset_add(zs, z), 0);
	}
	return zs;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct srv_notifier_cfg c;
	struct sockaddr_in *a = (struct sockaddr_in *)&f->to.ss;

	assert_non_null(f);
	f->loop = ev_new();
	assert_non_null(f->loop);
	f->now = 1000000;
	ev_set_clock(f->loop, fake_clock, &f->now);
	f->zs = set_of(100, 0);
	/* The secondary: a UDP socket on a port the kernel picks. */
	f->sec = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(f->sec >= 0);
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->to.len = sizeof(*a);
	assert_int_equal(bind(f->sec, (struct sockaddr *)a, f->to.len), 0);
	assert_int_equal(getsockname(f->sec, (struct sockaddr *)a,
	    &f->to.len), 0);
	memset(&c, 0, sizeof(c));
	c.to = &f->to;
	c.nto = 1;
	c.log = on_log;
	c.log_ud = f;
	c.zones = zones;
	c.zones_ud = f;
	assert_int_equal(srv_notifier_new(f->loop, &c, &f->n), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	srv_notifier_free(f->n);
	ev_free(f->loop);
	close(f->sec);
	srv_zoneset_free(f->zs);
	free(f);
	return 0;
}

/* One round of the loop at the fake time t, without sleeping. */
static void
at(struct fixture *f, uint64_t t)
{
	f->now = t;
	assert_true(ev_run_once(f->loop, 0) >= 0);
}

/* The next NOTIFY at the secondary within wait_ms (0: none is waiting),
 * with where it came from. Returns its length, 0 when none came. */
static size_t
next_notify(struct fixture *f, int wait_ms, uint8_t *buf, size_t cap,
    struct sockaddr_storage *from)
{
	struct pollfd p = { f->sec, POLLIN, 0 };
	socklen_t sl = sizeof(*from);
	ssize_t n;

	if (poll(&p, 1, wait_ms) != 1)
		return 0;
	n = recvfrom(f->sec, buf, cap, 0, (struct sockaddr *)from, &sl);
	assert_true(n > 0);
	return (size_t)n;
}

/* Checks a NOTIFY for zone example.org and returns its ID. */
static uint16_t
check_notify(const uint8_t *buf, size_t n, uint32_t serial)
{
	struct dns_msg m;
	struct dns_msg_rr rr[4];
	uint8_t rd[512];
	size_t rdlen;

	assert_int_equal(dns_msg_parse(&m, buf, n, rr, 4, 0), 0);
	assert_int_equal(DNS_OPCODE(m.hdr.flags), DNS_OPCODE_NOTIFY);
	assert_false(m.hdr.flags & DNS_FLAG_QR);
	assert_true(m.hdr.flags & DNS_FLAG_AA);
	assert_int_equal(m.qtype, DNS_TYPE_SOA);
	assert_true(dns_name_equal(m.qname, m.qname_len,
	    (const uint8_t *)"\007example\003org", 13));
	/* RFC 1996 3.7: the SOA as a hint, serial included. */
	assert_int_equal(m.nrr, 1);
	assert_int_equal(dns_msg_rr_rdata(&m, &m.rr[0], rd, sizeof(rd),
	    &rdlen), 0);
	assert_true(rdlen >= 20);
	assert_int_equal((uint32_t)rd[rdlen - 20] << 24 |
	    (uint32_t)rd[rdlen - 19] << 16 | (uint32_t)rd[rdlen - 18] << 8 |
	    rd[rdlen - 17], serial);
	return m.hdr.id;
}

/* The secondary answers: the NOTIFY echoed with QR set (RFC 1996 4.7),
 * ID as given. */
static void
reply(struct fixture *f, int fd, uint8_t *buf, size_t n, uint16_t id,
    const struct sockaddr_storage *to)
{
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] |= 0x80;
	(void)f;
	assert_int_equal(sendto(fd, buf, n, 0, (const struct sockaddr *)to,
	    sizeof(struct sockaddr_in)), (ssize_t)n);
}

static void
retries_double_then_give_up(void **state)
{
	struct fixture *f = *state;
	static const uint64_t sends[] = { 1000, 3000, 7000, 15000 };
	struct sockaddr_storage from;
	uint8_t buf[1024];
	uint16_t id;
	size_t n, i;

	srv_notifier_update(f->n);
	n = next_notify(f, 1000, buf, sizeof(buf), &from);
	assert_true(n > 0);
	id = check_notify(buf, n, 100);
	assert_int_equal(logged(f, "NOTIFY example.org. serial 100 to "
	    "127.0.0.1:"), 1);
	assert_int_equal(logged(f, "sent (try 1 of 5)"), 1);
	/* No reply: tries 2 to 5 at 1, 3, 7 and 15 s, same ID. */
	for (i = 0; i < 4; i++) {
		at(f, 1000000 + sends[i] - 1);
		assert_int_equal(next_notify(f, 0, buf, sizeof(buf), &from), 0);
		at(f, 1000000 + sends[i]);
		n = next_notify(f, 1000, buf, sizeof(buf), &from);
		assert_true(n > 0);
		assert_int_equal(check_notify(buf, n, 100), id);
	}
	assert_int_equal(logged(f, "sent (try 5 of 5)"), 1);
	/* 16 s after the fifth: given up, and nothing more is sent. */
	at(f, 1000000 + 30999);
	assert_int_equal(logged(f, "given up"), 0);
	at(f, 1000000 + 31000);
	assert_int_equal(logged(f, "given up after 5 tries"), 1);
	at(f, 1000000 + 600000);
	assert_int_equal(next_notify(f, 0, buf, sizeof(buf), &from), 0);
	/* The same serial again (a reload that changed nothing): silence. */
	srv_notifier_update(f->n);
	assert_int_equal(next_notify(f, 0, buf, sizeof(buf), &from), 0);
}

static void
matching_reply_stops_the_retries(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_storage from;
	uint8_t buf[1024];
	uint16_t id;
	size_t n;
	int other;

	srv_notifier_update(f->n);
	n = next_notify(f, 1000, buf, sizeof(buf), &from);
	id = check_notify(buf, n, 100);
	/* A reply with another ID is not ours; nor is the right one from
	 * another port of the secondary's host. */
	reply(f, f->sec, buf, n, (uint16_t)(id + 1), &from);
	other = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(other >= 0);
	reply(f, other, buf, n, id, &from);
	at(f, 1000000 + 10);
	close(other);
	assert_int_equal(logged(f, "acknowledged"), 0);
	at(f, 1000000 + 1000);
	n = next_notify(f, 1000, buf, sizeof(buf), &from);
	assert_int_equal(check_notify(buf, n, 100), id);
	/* The right reply from the secondary: acknowledged, no more tries. */
	reply(f, f->sec, buf, n, id, &from);
	at(f, 1000000 + 1010);
	assert_int_equal(logged(f, "NOTIFY example.org. serial 100 to "
	    "127.0.0.1:"), 3);
	assert_int_equal(logged(f, ": acknowledged"), 1);
	at(f, 1000000 + 600000);
	assert_int_equal(next_notify(f, 0, buf, sizeof(buf), &from), 0);
	assert_int_equal(logged(f, "given up"), 0);
}

static void
serial_change_and_new_zone_are_announced(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_storage from;
	uint8_t buf[1024];
	size_t n;

	srv_notifier_update(f->n);
	n = next_notify(f, 1000, buf, sizeof(buf), &from);
	check_notify(buf, n, 100);
	/* A reload: a new serial for example.org, and example.net added.
	 * Both are announced; example.org's pending NOTIFY is replaced. */
	srv_zoneset_free(f->zs);
	f->zs = set_of(101, 1);
	srv_notifier_update(f->n);
	n = next_notify(f, 1000, buf, sizeof(buf), &from);
	assert_true(n > 0);
	assert_int_equal(logged(f, "NOTIFY example.net. serial 7"), 1);
	n = next_notify(f, 1000, buf, sizeof(buf), &from);
	assert_true(n > 0);
	check_notify(buf, n, 101);
	assert_int_equal(logged(f, "NOTIFY example.org. serial 101"), 1);
	assert_int_equal(next_notify(f, 0, buf, sizeof(buf), &from), 0);
	/* example.net removed: forgotten, its retries stop. */
	srv_zoneset_free(f->zs);
	f->zs = set_of(101, 0);
	srv_notifier_update(f->n);
	assert_int_equal(next_notify(f, 0, buf, sizeof(buf), &from), 0);
	at(f, 1000000 + 1000);
	n = next_notify(f, 1000, buf, sizeof(buf), &from);
	assert_true(n > 0);
	check_notify(buf, n, 101);
	assert_int_equal(next_notify(f, 0, buf, sizeof(buf), &from), 0);
	assert_int_equal(logged(f, "NOTIFY example.net. serial 7 to "), 1);
}

/* A kick from another thread (here: the same one) makes the loop update. */
static void
kick_updates_in_the_loop(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_storage from;
	uint8_t buf[1024];

	srv_notifier_kick(f->n);
	srv_notifier_kick(f->n);
	assert_int_equal(next_notify(f, 0, buf, sizeof(buf), &from), 0);
	at(f, 1000000);
	assert_true(next_notify(f, 1000, buf, sizeof(buf), &from) > 0);
	/* Two kicks, one update: one NOTIFY. */
	assert_int_equal(next_notify(f, 0, buf, sizeof(buf), &from), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(retries_double_then_give_up,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    matching_reply_stops_the_retries, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    serial_change_and_new_zone_are_announced, setup, teardown),
		cmocka_unit_test_setup_teardown(kick_updates_in_the_loop,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
