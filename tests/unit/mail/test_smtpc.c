/* test_smtpc.c -- the route --connect SMTP client: replies, the dialogue, limits, garbage, each fed whole, byte by byte and split */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mxkit/err.h"
#include "mxkit/mail.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

#define HELO	"probe.example.org"
#define EHLO	"EHLO " HELO "\r\n"
#define QUIT	"QUIT\r\n"
/* A dialogue that ends well, after whatever came first. */
#define GOOD_END	"250 ok\r\n221 bye\r\n"

/*
 * A server's bytes: pre, then fill repeated nfill times, then post (the
 * repetition builds long lines and long replies), then EOF when eof is
 * set. Expected: the result, the codes, the MX_E* of a malformed reply,
 * every byte the client sent (only ever EHLO and QUIT), and how many
 * input bytes are left unread when the client closes.
 */
struct feed_case {
	const char *name;
	const char *pre;
	size_t prelen;
	const char *fill;
	size_t nfill;
	const char *post;
	size_t postlen;
	int eof;
	int result;			/* enum mail_probe_result */
	unsigned greeting, ehlo;
	int err;
	const char *sent;
	size_t unread;
	const char *text;		/* NULL: not checked */
};

/* String literal with its length (NUL bytes inside count). */
#define S(s)		(s), sizeof(s) - 1
#define NOFILL		NULL, 0
#define NOPOST		"", 0
#define X_OVER		-1		/* unread: whatever is left */

#define A50	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const struct feed_case feed_cases[] = {
	/* The dialogue. */
	{ "greeting, EHLO, QUIT: would take the mail",
	    S("220 mx.example.org ESMTP\r\n" "250 mx.example.org\r\n"
	    "221 2.0.0 bye\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_OK, 220, 250, 0, EHLO QUIT, 0,
	    "250 mx.example.org" },
	{ "multi-line greeting and EHLO reply",
	    S("220-mx.example.org ESMTP\r\n" "220-no UCE\r\n"
	    "220 ready\r\n" "250-mx.example.org\r\n" "250-PIPELINING\r\n"
	    "250-SIZE 10240000\r\n" "250-STARTTLS\r\n" "250 8BITMIME\r\n"
	    "221 bye\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_OK, 220, 250, 0, EHLO QUIT, 0,
	    "250-mx.example.org" },
	{ "continuation lines with empty text",
	    S("220-\r\n220 \r\n250-\r\n250\r\n221\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_OK, 220, 250, 0, EHLO QUIT, 0, "250-" },
	{ "code alone on the last line",
	    S("220\r\n250\r\n221\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_OK, 220, 250, 0, EHLO QUIT, 0, "250" },
	{ "a 2xx greeting other than 220 is a greeting (as Postfix)",
	    S("250 hi\r\n" GOOD_END), NOFILL, NOPOST, 0,
	    MAIL_PROBE_OK, 250, 250, 0, EHLO QUIT, 0, NULL },
	{ "554 greeting: QUIT, skipped",
	    S("554 5.7.1 no mail here\r\n221 bye\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_GREETING_5XX, 554, 0, 0, QUIT, 0,
	    "554 5.7.1 no mail here" },
	{ "421 greeting, then the server closes",
	    S("421 4.3.2 busy\r\n"), NOFILL, NOPOST, 1,
	    MAIL_PROBE_GREETING_4XX, 421, 0, 0, QUIT, 0, "421 4.3.2 busy" },
	{ "EHLO rejected with 550",
	    S("220 mx\r\n550 5.7.1 go away\r\n221 bye\r\n"), NOFILL, NOPOST,
	    0, MAIL_PROBE_EHLO_REJECTED, 220, 550, 0, EHLO QUIT, 0,
	    "550 5.7.1 go away" },
	{ "EHLO answered 451",
	    S("220 mx\r\n451 4.3.0 later\r\n221 bye\r\n"), NOFILL, NOPOST,
	    0, MAIL_PROBE_EHLO_REJECTED, 220, 451, 0, EHLO QUIT, 0, NULL },
	{ "closed after QUIT without 221: still ok",
	    S("220 mx\r\n250 ok\r\n"), NOFILL, NOPOST, 1,
	    MAIL_PROBE_OK, 220, 250, 0, EHLO QUIT, 0, NULL },
	{ "bytes after the QUIT reply are left unread",
	    S("220 mx\r\n250 ok\r\n221 bye\r\nEXTRA"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_OK, 220, 250, 0, EHLO QUIT, 5, NULL },
	{ "a malformed QUIT reply changes nothing",
	    S("220 mx\r\n250 ok\r\nbogus\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_OK, 220, 250, 0, EHLO QUIT, 0, NULL },

	/* Closed early. */
	{ "closed before a byte", S(""), NOFILL, NOPOST, 1,
	    MAIL_PROBE_CLOSED, 0, 0, 0, "", 0, NULL },
	{ "closed in the middle of the greeting line",
	    S("220 mx.exa"), NOFILL, NOPOST, 1,
	    MAIL_PROBE_CLOSED, 0, 0, 0, "", 0, NULL },
	{ "closed after a continuation line of the greeting",
	    S("220-mx\r\n"), NOFILL, NOPOST, 1,
	    MAIL_PROBE_CLOSED, 0, 0, 0, "", 0, NULL },
	{ "closed after the greeting, before the EHLO reply",
	    S("220 mx\r\n"), NOFILL, NOPOST, 1,
	    MAIL_PROBE_CLOSED, 220, 0, 0, EHLO, 0, NULL },

	/* Line ends: CRLF; a bare LF too (as Postfix's client); a CR
	 * elsewhere is text. */
	{ "bare LF ends a line",
	    S("220 mx\n250 ok\n221 bye\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_OK, 220, 250, 0, EHLO QUIT, 0, "250 ok" },
	{ "CRLF and bare LF mixed in one reply",
	    S("220-mx\n220 ready\r\n250-a\r\n250 b\n221\n"), NOFILL, NOPOST,
	    0, MAIL_PROBE_OK, 220, 250, 0, EHLO QUIT, 0, NULL },
	{ "a CR inside a line is text",
	    S("220 a\rb\r\n" GOOD_END), NOFILL, NOPOST, 0,
	    MAIL_PROBE_OK, 220, 250, 0, EHLO QUIT, 0, NULL },
	{ "a lone CR ends no line",
	    S("220 mx\r250 ok\r"), NOFILL, NOPOST, 1,
	    MAIL_PROBE_CLOSED, 0, 0, 0, "", 0, NULL },
	{ "CR CR LF: the first CR is text",
	    S("220 mx\r\r\n" GOOD_END), NOFILL, NOPOST, 0,
	    MAIL_PROBE_OK, 220, 250, 0, EHLO QUIT, 0, NULL },
	{ "NUL and 8-bit bytes in the text are kept as '?'",
	    S("220 a\0b\xff\r\n" GOOD_END), NOFILL, NOPOST, 0,
	    MAIL_PROBE_OK, 220, 250, 0, EHLO QUIT, 0, NULL },

	/* Line length, RFC 5321 4.5.3.1.5: 512 octets with the CRLF. */
	{ "a line of 512 octets with its CRLF is accepted",
	    S("220 "), A50, 10, S("aaaaaa\r\n" GOOD_END), 0,
	    MAIL_PROBE_OK, 220, 250, 0, EHLO QUIT, 0, NULL },
	{ "a line of 513 octets with its CRLF is overlong",
	    S("220 "), A50, 10, S("aaaaaaa\r\n" GOOD_END), 0,
	    MAIL_PROBE_MALFORMED, 0, 0, MX_ELIMIT, "", X_OVER, NULL },
	{ "511 octets before a bare LF are overlong",
	    S("220 "), A50, 10, S("aaaaaaa\n" GOOD_END), 0,
	    MAIL_PROBE_MALFORMED, 0, 0, MX_ELIMIT, "", X_OVER, NULL },
	{ "510 octets before a bare LF are accepted",
	    S("220 "), A50, 10, S("aaaaaa\n" GOOD_END), 0,
	    MAIL_PROBE_OK, 220, 250, 0, EHLO QUIT, 0, NULL },
	{ "an endless line stops at the limit",
	    S("220 "), A50, 40, NOPOST, 0,
	    MAIL_PROBE_MALFORMED, 0, 0, MX_ELIMIT, "", X_OVER, NULL },
	{ "an overlong EHLO reply line after a good greeting",
	    S("220 mx\r\n250-"), A50, 11, S("\r\n250 ok\r\n"), 0,
	    MAIL_PROBE_MALFORMED, 220, 0, MX_ELIMIT, EHLO, X_OVER, NULL },

	/* Lines per reply. */
	{ "a reply of 100 lines is accepted",
	    S(""), "220-more\r\n", 99, S("220 last\r\n" GOOD_END), 0,
	    MAIL_PROBE_OK, 220, 250, 0, EHLO QUIT, 0, "250 ok" },
	{ "a reply of 101 lines is malformed",
	    S(""), "220-more\r\n", 100, S("220 last\r\n" GOOD_END), 0,
	    MAIL_PROBE_MALFORMED, 0, 0, MX_ELIMIT, "", X_OVER, NULL },
	{ "an endless EHLO reply is malformed",
	    S("220 mx\r\n"), "250-X\r\n", 200, NOPOST, 0,
	    MAIL_PROBE_MALFORMED, 220, 0, MX_ELIMIT, EHLO, X_OVER, NULL },

	/* Codes, RFC 5321 4.2: %x32-35 %x30-35 %x30-39. */
	{ "letters in the code", S("2x0 hi\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_MALFORMED, 0, 0, MX_EMALF, "", 0, NULL },
	{ "1xx is no reply code", S("120 wait\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_MALFORMED, 0, 0, MX_EMALF, "", 0, NULL },
	{ "6xx is no reply code", S("600 x\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_MALFORMED, 0, 0, MX_EMALF, "", 0, NULL },
	{ "second digit 6 is no reply code", S("260 x\r\n"), NOFILL,
	    NOPOST, 0, MAIL_PROBE_MALFORMED, 0, 0, MX_EMALF, "", 0, NULL },
	{ "two digits", S("22\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_MALFORMED, 0, 0, MX_EMALF, "", 0, NULL },
	{ "empty line", S("\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_MALFORMED, 0, 0, MX_EMALF, "", 0, NULL },
	{ "code followed by neither space nor '-'", S("220x mx\r\n"),
	    NOFILL, NOPOST, 0, MAIL_PROBE_MALFORMED, 0, 0, MX_EMALF, "", 0,
	    NULL },
	{ "four-digit code", S("2200 mx\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_MALFORMED, 0, 0, MX_EMALF, "", 0, NULL },
	{ "leading space", S(" 220 mx\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_MALFORMED, 0, 0, MX_EMALF, "", 0, NULL },
	{ "3xx greeting", S("354 go ahead\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_MALFORMED, 354, 0, MX_EMALF, "", 0, NULL },
	{ "3xx reply to EHLO", S("220 mx\r\n334 VXNlcm5hbWU6\r\n"), NOFILL,
	    NOPOST, 0, MAIL_PROBE_MALFORMED, 220, 334, MX_EMALF, EHLO, 0,
	    NULL },

	/* RFC 5321 4.2.1: one code for every line of a reply. */
	{ "continuation code differs from the first line",
	    S("220-mx\r\n250 mx\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_MALFORMED, 0, 0, MX_EMALF, "", 0, NULL },
	{ "EHLO reply changes code on its last line",
	    S("220 mx\r\n250-mx\r\n251 x\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_MALFORMED, 220, 0, MX_EMALF, EHLO, 0, NULL },
	{ "a bad line inside a reply",
	    S("220-mx\r\nhello\r\n220 x\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_MALFORMED, 0, 0, MX_EMALF, "", X_OVER, NULL },

	/* Garbage. */
	{ "an HTTP server", S("HTTP/1.1 400 Bad Request\r\n"
	    "Content-Length: 0\r\n\r\n"), NOFILL, NOPOST, 0,
	    MAIL_PROBE_MALFORMED, 0, 0, MX_EMALF, "", X_OVER, NULL },
	{ "a TLS record", S("\x16\x03\x01\x00\x05\x02\x00\x00\x01\n"),
	    NOFILL, NOPOST, 0, MAIL_PROBE_MALFORMED, 0, 0, MX_EMALF, "", 0,
	    NULL },
	{ "binary without a line end", S("\x00\xff\xfe\x80"), NOFILL,
	    NOPOST, 1, MAIL_PROBE_CLOSED, 0, 0, 0, "", 0, NULL },
	{ "an SSH banner", S("SSH-2.0-OpenSSH_9.2p1\r\n"), NOFILL, NOPOST,
	    0, MAIL_PROBE_MALFORMED, 0, 0, MX_EMALF, "", 0, NULL },
};

/* How a case's bytes reach the client. */
enum split { WHOLE, BYTES, SEVENS, TWO };

struct run {
	struct mail_smtpc s;
	char sent[4 * MAIL_SMTPC_OUT_MAX];
	size_t nsent;
	size_t unread;
	int closed;
};

/* Feeds p[0..len) as one chunk copied into a heap block of exactly len
 * (ASan sees an over-read); handles the actions. */
static void
feed_chunk(struct run *r, const uint8_t *p, size_t len)
{
	uint8_t *copy;
	const uint8_t *out;
	size_t off = 0, used, outlen;
	enum mail_smtpc_action act;

	if (r->closed) {
		r->unread += len;
		return;
	}
	copy = malloc(len > 0 ? len : 1);
	assert_non_null(copy);
	if (len > 0)
		memcpy(copy, p, len);
	do {
		used = 0;
		act = mail_smtpc_feed(&r->s, copy + off, len - off, &used);
		assert_true(used <= len - off);
		off += used;
		if (act == MAIL_SMTPC_WRITE) {
			out = mail_smtpc_out(&r->s, &outlen);
			assert_true(outlen > 0);
			assert_true(outlen <= sizeof(r->sent) - r->nsent);
			memcpy(r->sent + r->nsent, out, outlen);
			r->nsent += outlen;
		} else if (act == MAIL_SMTPC_CLOSE) {
			r->closed = 1;
			r->unread += len - off;
			break;
		} else
			assert_int_equal(off, len);
	} while (off < len);
	free(copy);
}

static void
run_case(const struct feed_case *c, enum split how, size_t at)
{
	struct run r;
	uint8_t *in;
	size_t len, i, off, step;

	len = c->prelen + strlen(c->fill != NULL ? c->fill : "") * c->nfill +
	    c->postlen;
	in = malloc(len + 1);
	assert_non_null(in);
	off = 0;
	memcpy(in, c->pre, c->prelen);
	off += c->prelen;
	for (i = 0; i < c->nfill; i++) {
		memcpy(in + off, c->fill, strlen(c->fill));
		off += strlen(c->fill);
	}
	memcpy(in + off, c->post, c->postlen);

	memset(&r, 0, sizeof(r));
	assert_int_equal(mail_smtpc_init(&r.s, HELO), 0);
	step = how == BYTES ? 1 : how == SEVENS ? 7 : len;
	if (how == TWO) {
		feed_chunk(&r, in, at);
		feed_chunk(&r, in + at, len - at);
	} else if (len == 0)
		feed_chunk(&r, in, 0);
	else
		for (off = 0; off < len; off += step)
			feed_chunk(&r, in + off, len - off < step ? len - off :
			    step);
	if (!r.closed) {
		assert_true(c->eof);
		assert_int_equal(mail_smtpc_eof(&r.s), MAIL_SMTPC_CLOSE);
		r.closed = 1;
	}
	if (r.s.result != c->result)
		fail_msg("%s: result %s, expected %s (split %d at %zu; %s)",
		    c->name, mail_probe_result_name(r.s.result),
		    mail_probe_result_name(c->result), (int)how, at,
		    r.s.why != NULL ? r.s.why : "-");
	assert_int_equal(r.s.state, MAIL_SMTPC_DONE);
	assert_int_equal(r.s.greeting, c->greeting);
	assert_int_equal(r.s.ehlo, c->ehlo);
	assert_int_equal(r.s.err, c->err);
	assert_true((r.s.err != 0) == (r.s.why != NULL));
	assert_int_equal(r.nsent, strlen(c->sent));
	assert_memory_equal(r.sent, c->sent, r.nsent);
	if (c->unread != (size_t)X_OVER)
		assert_int_equal(r.unread, c->unread);
	if (c->text != NULL)
		assert_string_equal(r.s.text, c->text);
	free(in);
}

/* Every case must give the same outcome whatever the chunks: whole,
 * byte by byte, seven at a time, and split in two at every offset. */
static void
feed_run(void **state)
{
	const struct feed_case *c = *state;
	size_t len, at;

	len = c->prelen + strlen(c->fill != NULL ? c->fill : "") * c->nfill +
	    c->postlen;
	run_case(c, WHOLE, 0);
	run_case(c, BYTES, 0);
	run_case(c, SEVENS, 0);
	for (at = 0; at <= len && len < 4096; at++)
		run_case(c, TWO, at);
}

/*
 * mail_smtpc_init: only a host name or an address literal can become the
 * EHLO argument, so no CR, LF or space reaches the wire.
 */
struct helo_case {
	const char *name;
	const char *helo;
	int err;
};

#define L63	A50 "aaaaaaaaaaaaa"
#define L255	L63 "." L63 "." L63 "." L63
#define L256	L255 "a"

static const struct helo_case helo_cases[] = {
	{ "host name", "probe.example.org", 0 },
	{ "one label", "localhost", 0 },
	{ "underscore tolerated", "probe_1.example.org", 0 },
	{ "IPv4 address literal", "[192.0.2.1]", 0 },
	{ "IPv6 address literal", "[IPv6:2001:db8::1]", 0 },
	{ "255 octets", L255, 0 },
	{ "256 octets", L256, MX_EINVAL },
	{ "empty", "", MX_EINVAL },
	{ "CRLF and a command", "x\r\nMAIL FROM:<a@example.org>",
	    MX_EINVAL },
	{ "bare LF", "x\nRCPT TO:<a@example.org>", MX_EINVAL },
	{ "space", "probe example", MX_EINVAL },
	{ "empty literal", "[]", MX_EINVAL },
	{ "literal with a space", "[192.0.2.1 ]", MX_EINVAL },
	{ "unclosed literal", "[192.0.2.1", MX_EINVAL },
	{ "8-bit", "pr\xc3\xb6" "be.example", MX_EINVAL },
};

static void
helo_run(void **state)
{
	const struct helo_case *c = *state;
	struct mail_smtpc s;
	const uint8_t *out;
	size_t used, outlen;
	char want[MAIL_SMTPC_OUT_MAX + 1];

	assert_int_equal(mail_smtpc_init(&s, c->helo), c->err);
	if (c->err != 0) {
		/* A refused session does nothing at all. */
		assert_int_equal(mail_smtpc_feed(&s, (const uint8_t *)
		    "220 mx\r\n", 8, &used), MAIL_SMTPC_CLOSE);
		assert_int_equal(used, 0);
		return;
	}
	assert_int_equal(mail_smtpc_feed(&s, (const uint8_t *)"220 mx\r\n",
	    8, &used), MAIL_SMTPC_WRITE);
	out = mail_smtpc_out(&s, &outlen);
	snprintf(want, sizeof(want), "EHLO %s\r\n", c->helo);
	assert_int_equal(outlen, strlen(want));
	assert_memory_equal(out, want, outlen);
}

static void
test_result_names(void **state)
{
	(void)state;
	assert_string_equal(mail_probe_result_name(MAIL_PROBE_OK), "ok");
	assert_string_equal(mail_probe_result_name(MAIL_PROBE_GREETING_5XX),
	    "greeting-5xx");
	assert_string_equal(mail_probe_result_name(-1), "?");
	assert_string_equal(mail_probe_result_name(1000), "?");
	assert_string_equal(mail_probe_result_text(MAIL_PROBE_REFUSED),
	    "connection refused");
}

/* After CLOSE, feeding more does nothing and takes nothing. */
static void
test_feed_after_close(void **state)
{
	struct mail_smtpc s;
	size_t used;

	(void)state;
	assert_int_equal(mail_smtpc_init(&s, HELO), 0);
	assert_int_equal(mail_smtpc_feed(&s, (const uint8_t *)"2x\r\n", 4,
	    &used), MAIL_SMTPC_CLOSE);
	assert_int_equal(mail_smtpc_feed(&s, (const uint8_t *)"220 x\r\n", 7,
	    &used), MAIL_SMTPC_CLOSE);
	assert_int_equal(used, 0);
	assert_int_equal(s.result, MAIL_PROBE_MALFORMED);
	assert_int_equal(mail_smtpc_eof(&s), MAIL_SMTPC_CLOSE);
	assert_int_equal(s.result, MAIL_PROBE_MALFORMED);
}

/* An empty feed while waiting asks for more. */
static void
test_empty_feed_reads(void **state)
{
	struct mail_smtpc s;
	size_t used = 99;

	(void)state;
	assert_int_equal(mail_smtpc_init(&s, HELO), 0);
	assert_int_equal(mail_smtpc_feed(&s, (const uint8_t *)"", 0, &used),
	    MAIL_SMTPC_READ);
	assert_int_equal(used, 0);
	assert_int_equal(s.result, -1);
}

#define ADD_CASES(table, fn)						\
	do {								\
		for (i = 0; i < NITEMS(table); i++) {			\
			memset(&tests[n], 0, sizeof(tests[n]));		\
			tests[n].name = (table)[i].name;		\
			tests[n].test_func = (fn);			\
			tests[n].initial_state = (void *)&(table)[i];	\
			n++;						\
		}							\
	} while (0)

static const struct CMUnitTest fixed_tests[] = {
	cmocka_unit_test(test_result_names),
	cmocka_unit_test(test_feed_after_close),
	cmocka_unit_test(test_empty_feed_reads),
};

int
main(void)
{
	struct CMUnitTest tests[NITEMS(feed_cases) + NITEMS(helo_cases) +
	    NITEMS(fixed_tests)];
	size_t i, n = 0;

	ADD_CASES(feed_cases, feed_run);
	ADD_CASES(helo_cases, helo_run);
	for (i = 0; i < NITEMS(fixed_tests); i++)
		tests[n++] = fixed_tests[i];
	return cmocka_run_group_tests_name("mail_smtpc", tests, NULL, NULL);
}
