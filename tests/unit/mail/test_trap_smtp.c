/* test_trap_smtp.c -- the trap's SMTP state machine: dialogues fed whole, byte by byte and split; pipelining, overlong lines, garbage, limits; never 5xx, never a message */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "mxkit/err.h"
#include "mxkit/trap.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define HOST		"trap.example.org"
#define GREET		"220 " HOST " ESMTP\r\n"
#define EHLO_OK		"250-" HOST "\r\n250-PIPELINING\r\n" \
			"250 ENHANCEDSTATUSCODES\r\n"
#define T451		"451 4.7.1 " HOST " temporarily unavailable, try again " \
			"later\r\n"
#define T421		"421 4.7.1 " HOST " temporarily unavailable, closing " \
			"connection\r\n"
#define BYE		"221 2.0.0 " HOST " closing connection\r\n"
#define UNREC		"451 4.5.1 unrecognized command\r\n"
#define OK		"250 2.0.0 Ok\r\n"

/* Everything the session wrote, drained as a socket would. */
struct out {
	char buf[1 << 16];
	size_t len;
	int closed;
	unsigned writes;	/* TRAP_SMTP_WRITE seen: output was full */
};

static void
drain(struct trap_smtp *s, struct out *o)
{
	const uint8_t *p;
	size_t n;

	p = trap_smtp_out(s, &n);
	assert_true(n <= TRAP_OUT_MAX);
	assert_true(n <= sizeof(o->buf) - o->len);
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	trap_smtp_sent(s, n);
	p = trap_smtp_out(s, &n);
	assert_int_equal(n, 0);
}

/* Feeds p[0..len) in chunks of chunk bytes (0: whole), copying each chunk
 * to a heap block of its exact size so ASan sees an over-read. */
static void
feed(struct trap_smtp *s, struct out *o, const char *p, size_t len,
    size_t chunk)
{
	size_t off = 0, n, used, k;
	enum trap_smtp_action a;
	uint8_t *copy;

	if (chunk == 0)
		chunk = len > 0 ? len : 1;
	while (off < len && !o->closed) {
		n = len - off < chunk ? len - off : chunk;
		copy = malloc(n);
		assert_non_null(copy);
		memcpy(copy, p + off, n);
		for (k = 0; k < n;) {
			used = (size_t)-1;
			a = trap_smtp_feed(s, copy + k, n - k, &used);
			assert_true(used <= n - k);
			k += used;
			if (a == TRAP_SMTP_CLOSE) {
				assert_true(trap_smtp_closing(s));
				o->closed = 1;
				break;
			}
			if (a == TRAP_SMTP_WRITE) {
				o->writes++;
				drain(s, o);
				continue;
			}
			assert_int_equal(a, TRAP_SMTP_READ);
			assert_int_equal(k, n);
		}
		free(copy);
		off += n;
	}
	drain(s, o);
}

static void
start(struct trap_smtp *s, unsigned reply)
{
	struct trap_smtp_opts o = { .hostname = HOST, .reply = reply };

	assert_int_equal(trap_smtp_init(s, &o), 0);
}

/* No reply line starts with '5', and nothing after a DATA is 250 or 354. */
static void
assert_never_accepts(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (i == 0 || buf[i - 1] == '\n') {
			assert_true(buf[i] == '2' || buf[i] == '4');
			assert_false(len - i >= 3 && memcmp(buf + i, "354", 3)
			    == 0);
		}
	}
}

struct dialogue {
	const char *name;
	const char *in;
	size_t inlen;		/* 0: strlen(in) */
	unsigned reply;		/* 0: default (451) */
	const char *out;	/* every byte written, greeting included */
	int closed;
	int end;		/* enum trap_end, when closed */
	unsigned commands;
};

#define S(x)	x, sizeof(x) - 1

static const struct dialogue dialogues[] = {
	{ "greeting only", S(""), 0, GREET, 0, TRAP_END_CLOSED, 0 },
	{ "full dialogue, 451 after RCPT, DATA refused, QUIT",
	    S("EHLO client.example.net\r\nMAIL FROM:<a@example.net>\r\n"
	    "RCPT TO:<b@example.org>\r\nDATA\r\nQUIT\r\n"), 0,
	    GREET EHLO_OK "250 2.1.0 Ok\r\n" T451 T451 BYE, 1, TRAP_END_QUIT,
	    5 },
	{ "HELO gets one line",
	    S("HELO client.example.net\r\nQUIT\r\n"), 0,
	    GREET "250 " HOST "\r\n" BYE, 1, TRAP_END_QUIT, 2 },
	{ "421 closes at the first RCPT; the rest is not read",
	    S("EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<x@example.org>\r\n"
	    "RCPT TO:<y@example.org>\r\nQUIT\r\n"), 421,
	    GREET EHLO_OK "250 2.1.0 Ok\r\n" T421, 1, TRAP_END_CLOSED, 3 },
	{ "421 at DATA too", S("DATA\r\n"), 421, GREET T421, 1,
	    TRAP_END_CLOSED, 1 },
	{ "DATA without anything before: 451, never 354",
	    S("DATA\r\nDATA\r\n"), 0, GREET T451 T451, 0, TRAP_END_CLOSED,
	    2 },
	{ "BDAT is refused like DATA", S("BDAT 10 LAST\r\n"), 0,
	    GREET T451, 0, TRAP_END_CLOSED, 1 },
	{ "message body after DATA is just bad commands",
	    S("DATA\r\nSubject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n"), 0,
	    GREET T451 UNREC UNREC UNREC UNREC BYE, 1, TRAP_END_QUIT, 6 },
	{ "RSET and NOOP", S("RSET\r\nnoop\r\nQuIt\r\n"), 0,
	    GREET OK OK BYE, 1, TRAP_END_QUIT, 3 },
	{ "bare LF line ends", S("NOOP\nQUIT\n"), 0, GREET OK BYE, 1,
	    TRAP_END_QUIT, 2 },
	{ "unknown command: 4xx", S("XYZZY\r\n"), 0, GREET UNREC, 0,
	    TRAP_END_CLOSED, 1 },
	{ "EHLO without a name: 4xx", S("EHLO\r\n"), 0,
	    GREET "451 4.5.2 syntax: EHLO hostname\r\n", 0, TRAP_END_CLOSED,
	    1 },
	{ "MAIL without FROM: 4xx", S("MAIL <a@b>\r\n"), 0,
	    GREET "451 4.5.2 syntax: MAIL FROM:<address>\r\n", 0,
	    TRAP_END_CLOSED, 1 },
	{ "RCPT without TO: 4xx", S("RCPT <a@b>\r\n"), 0,
	    GREET "451 4.5.2 syntax: RCPT TO:<address>\r\n", 0,
	    TRAP_END_CLOSED, 1 },
	{ "STARTTLS and AUTH not offered: 454",
	    S("STARTTLS\r\nAUTH PLAIN\r\nVRFY root\r\n"), 0,
	    GREET "454 4.7.0 not available\r\n454 4.7.0 not available\r\n"
	    "454 4.7.0 not available\r\n", 0, TRAP_END_CLOSED, 3 },
	{ "binary garbage: 4xx per line, then 421 garbage",
	    S("\x16\x03\x01\x02\x00\x01\r\n\x80\x81\n\x00\n\x01\n\x02\n"
	    "\x03\n\x04\n\x05\n\x06\n\x07\n\x08\n\x09\n"), 0,
	    GREET UNREC UNREC UNREC UNREC UNREC UNREC UNREC UNREC UNREC
	    "421 4.7.0 " HOST " too many errors, closing connection\r\n",
	    1, TRAP_END_GARBAGE, 10 },
	{ "HTTP is garbage too",
	    S("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 0,
	    GREET UNREC UNREC UNREC, 0, TRAP_END_CLOSED, 3 },
};

static void
run_dialogue(const struct dialogue *d, size_t chunk)
{
	static struct trap_smtp s;
	static struct out o;
	size_t inlen = d->inlen;

	memset(&o, 0, sizeof(o));
	start(&s, d->reply);
	feed(&s, &o, d->in, inlen, chunk);
	if (o.len != strlen(d->out) || memcmp(o.buf, d->out, o.len) != 0)
		fail_msg("%s (chunk %zu): got \"%.*s\"", d->name, chunk,
		    (int)o.len, o.buf);
	assert_int_equal(o.closed, d->closed);
	assert_int_equal(trap_smtp_closing(&s), d->closed);
	if (d->closed)
		assert_int_equal(s.ev.end, d->end);
	assert_int_equal(s.ev.commands, d->commands);
	assert_never_accepts(o.buf, o.len);
}

static void
test_dialogues(void **state)
{
	static const size_t chunks[] = { 0, 1, 2, 3, 7, 64 };
	size_t i, j;

	(void)state;
	for (i = 0; i < NITEMS(dialogues); i++)
		for (j = 0; j < NITEMS(chunks); j++)
			run_dialogue(&dialogues[i], chunks[j]);
}

static void
test_event_fields(void **state)
{
	static struct trap_smtp s;
	static struct out o;
	const char *in = "EHLO  bot.example.net \r\n"
	    "MAIL FROM:<spam@example.net> SIZE=100\r\n"
	    "RCPT TO:<a@example.org>\r\nRCPT TO: b@example.org\r\n"
	    "RCPT TO:<c\x01" "d@example.org>\r\n";

	(void)state;
	start(&s, 0);
	feed(&s, &o, in, strlen(in), 1);
	assert_string_equal(s.ev.helo, "bot.example.net");
	assert_string_equal(s.ev.mail_from, "spam@example.net");
	assert_int_equal(s.ev.nrcpt, 2);
	assert_int_equal(s.ev.rcpt_total, 2);
	assert_string_equal(s.ev.rcpt[0], "a@example.org");
	assert_string_equal(s.ev.rcpt[1], "b@example.org");
	/* The line with a control byte is garbage, not a recipient. */
	assert_int_equal(s.ev.commands, 5);
	assert_int_equal(s.bad, 1);
	trap_smtp_end(&s, TRAP_END_CLOSED);
	assert_int_equal(s.ev.end, TRAP_END_CLOSED);
	assert_string_equal(trap_end_name(s.ev.end), "closed");
}

static void
test_rcpt_kept_and_counted(void **state)
{
	static struct trap_smtp s;
	static struct out o;
	char in[64];
	unsigned i;

	(void)state;
	start(&s, 0);
	feed(&s, &o, "MAIL FROM:<>\r\n", 14, 0);
	assert_string_equal(s.ev.mail_from, "<>");
	for (i = 0; i < TRAP_RCPT_MAX + 5; i++) {
		snprintf(in, sizeof(in), "RCPT TO:<u%u@example.org>\r\n", i);
		feed(&s, &o, in, strlen(in), 0);
	}
	assert_int_equal(s.ev.nrcpt, TRAP_RCPT_MAX);
	assert_int_equal(s.ev.rcpt_total, TRAP_RCPT_MAX + 5);
	assert_string_equal(s.ev.rcpt[TRAP_RCPT_MAX - 1], "u7@example.org");
	assert_never_accepts(o.buf, o.len);
}

static void
test_long_values_truncated(void **state)
{
	static struct trap_smtp s;
	static struct out o;
	char in[600];
	size_t n;

	(void)state;
	start(&s, 0);
	/* 510 octets + CRLF = 512: the longest line, taken. */
	n = (size_t)snprintf(in, sizeof(in), "HELO ");
	memset(in + n, 'h', 510 - n);
	memcpy(in + 510, "\r\n", 2);
	feed(&s, &o, in, 512, 0);
	assert_int_equal(strlen(s.ev.helo), TRAP_HELO_MAX - 1);
	n = (size_t)snprintf(in, sizeof(in), "MAIL FROM:<");
	memset(in + n, 'm', 498 - n);
	memcpy(in + 498, ">\r\n", 3);
	feed(&s, &o, in, 501, 3);
	assert_int_equal(strlen(s.ev.mail_from), TRAP_PATH_MAX - 1);
	assert_int_equal(s.ev.commands, 2);
	assert_int_equal(s.bad, 0);
}

static void
test_overlong_line(void **state)
{
	static struct trap_smtp s;
	static struct out o;
	static char in[5000];
	const char *want = GREET "451 4.5.2 line too long\r\n" OK;
	size_t chunks[] = { 0, 1, 100 }, j;

	(void)state;
	for (j = 0; j < NITEMS(chunks); j++) {
		memset(&o, 0, sizeof(o));
		start(&s, 0);
		/* 511 octets + CRLF = 513: one too many. */
		memset(in, 'x', 511);
		memcpy(in + 511, "\r\nNOOP\r\n", 8);
		feed(&s, &o, in, 519, chunks[j]);
		assert_int_equal(o.len, strlen(want));
		assert_memory_equal(o.buf, want, o.len);
		assert_int_equal(s.ev.commands, 2);
		/* A very long line: one reply, the buffer never grows. */
		memset(&o, 0, sizeof(o));
		start(&s, 0);
		memset(in, 'y', sizeof(in) - 8);
		memcpy(in + sizeof(in) - 8, "\nNOOP\r\n", 7);
		feed(&s, &o, in, sizeof(in) - 1, chunks[j]);
		assert_int_equal(o.len, strlen(want));
		assert_memory_equal(o.buf, want, o.len);
		assert_true(s.linelen == 0);
	}
}

static void
test_pipelining_backpressure(void **state)
{
	static struct trap_smtp s;
	static struct out o;
	static char in[20 * 16];
	size_t i, n = 0;

	(void)state;
	start(&s, 0);
	for (i = 0; i < 20; i++)
		n += (size_t)snprintf(in + n, sizeof(in) - n, "EHLO c%02zu\r\n",
		    i);
	feed(&s, &o, in, n, 0);
	/* 20 EHLO replies do not fit at once: the session asked for a
	 * write and waited, and every reply came, in order. */
	assert_true(o.writes > 0);
	assert_int_equal(o.len, strlen(GREET) + 20 * strlen(EHLO_OK));
	assert_string_equal(s.ev.helo, "c19");
	assert_int_equal(s.ev.commands, 20);
}

static void
test_command_limit(void **state)
{
	static struct trap_smtp s;
	static struct out o;
	struct trap_smtp_opts opts = { .hostname = HOST, .max_commands = 3 };
	const char *in = "NOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\n";
	const char *want = GREET OK OK OK "421 4.7.0 " HOST
	    " too many commands, closing connection\r\n";

	(void)state;
	assert_int_equal(trap_smtp_init(&s, &opts), 0);
	feed(&s, &o, in, strlen(in), 0);
	assert_true(o.closed);
	assert_int_equal(s.ev.end, TRAP_END_LIMIT);
	assert_int_equal(o.len, strlen(want));
	assert_memory_equal(o.buf, want, o.len);
}

static void
test_timeout_and_end(void **state)
{
	static struct trap_smtp s;
	static struct out o;

	(void)state;
	start(&s, 0);
	trap_smtp_end(&s, TRAP_END_TIMEOUT);
	drain(&s, &o);
	assert_true(trap_smtp_closing(&s));
	assert_int_equal(s.ev.end, TRAP_END_TIMEOUT);
	assert_string_equal(o.buf, GREET "421 4.4.2 " HOST
	    " timeout, closing connection\r\n");
	/* The first reason stays. */
	trap_smtp_end(&s, TRAP_END_ERROR);
	assert_int_equal(s.ev.end, TRAP_END_TIMEOUT);
	start(&s, 0);
	feed(&s, &o, "QUIT\r\n", 6, 0);
	trap_smtp_end(&s, TRAP_END_CLOSED);
	assert_int_equal(s.ev.end, TRAP_END_QUIT);
}

static void
test_init_settings(void **state)
{
	static struct trap_smtp s;
	struct trap_smtp_opts o = { .hostname = HOST };
	static char longname[300];

	(void)state;
	assert_int_equal(trap_smtp_init(&s, NULL), 0);
	assert_string_equal(s.host, "localhost");
	assert_int_equal(s.reply, 451);
	o.reply = 550;
	assert_int_equal(trap_smtp_init(&s, &o), MX_EINVAL);
	o.reply = 450;
	assert_int_equal(trap_smtp_init(&s, &o), MX_EINVAL);
	o.reply = 421;
	assert_int_equal(trap_smtp_init(&s, &o), 0);
	o.hostname = "bad name\r\n250 x";
	assert_int_equal(trap_smtp_init(&s, &o), MX_EINVAL);
	o.hostname = "";
	assert_int_equal(trap_smtp_init(&s, &o), MX_EINVAL);
	memset(longname, 'a', TRAP_HOST_MAX - 1);
	o.hostname = longname;
	assert_int_equal(trap_smtp_init(&s, &o), 0);
	longname[TRAP_HOST_MAX - 1] = 'a';
	assert_int_equal(trap_smtp_init(&s, &o), MX_EINVAL);
	/* The longest host name still fits each reply. */
	longname[TRAP_HOST_MAX - 1] = '\0';
	{
		static struct out out;
		const char *in = "EHLO x\r\nRCPT TO:<a>\r\nQUIT\r\n";

		o.reply = 451;
		assert_int_equal(trap_smtp_init(&s, &o), 0);
		feed(&s, &out, in, strlen(in), 0);
		assert_true(out.closed);
		assert_int_equal(out.buf[out.len - 1], '\n');
		assert_never_accepts(out.buf, out.len);
	}
}

static void
test_addr_normalised(void **state)
{
	struct sockaddr_in6 in6;
	struct sockaddr_in in;
	struct sockaddr sa;
	struct mail_addr a;
	uint16_t port;

	(void)state;
	memset(&in6, 0, sizeof(in6));
	in6.sin6_family = AF_INET6;
	in6.sin6_port = htons(2525);
	assert_int_equal(inet_pton(AF_INET6, "::ffff:198.51.100.5",
	    &in6.sin6_addr), 1);
	assert_int_equal(trap_addr_from_sockaddr((struct sockaddr *)&in6, &a,
	    &port), 0);
	assert_int_equal(a.family, AF_INET);
	assert_memory_equal(a.a, "\xc6\x33\x64\x05", 4);
	assert_int_equal(port, 2525);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::abcd",
	    &in6.sin6_addr), 1);
	assert_int_equal(trap_addr_from_sockaddr((struct sockaddr *)&in6, &a,
	    &port), 0);
	assert_int_equal(a.family, AF_INET6);
	memset(&in, 0, sizeof(in));
	in.sin_family = AF_INET;
	in.sin_port = htons(25);
	in.sin_addr.s_addr = htonl(0xc0000207);
	assert_int_equal(trap_addr_from_sockaddr((struct sockaddr *)&in, &a,
	    &port), 0);
	assert_int_equal(a.family, AF_INET);
	assert_memory_equal(a.a, "\xc0\x00\x02\x07", 4);
	assert_int_equal(port, 25);
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNIX;
	assert_int_equal(trap_addr_from_sockaddr(&sa, &a, &port), MX_EINVAL);
	assert_null(trap_end_name(TRAP_END_COUNT));
	assert_string_equal(trap_end_name(TRAP_END_GARBAGE), "garbage");
}

/*
 * A fuzz-like loop: random bytes biased towards SMTP words and line ends,
 * in random chunks. Whatever comes, no reply starts with 5, nothing is
 * 354, the output stays bounded, and the session ends within its limits.
 */
static void
test_random_never_5xx(void **state)
{
	static const char *const words[] = { "EHLO x", "HELO", "MAIL FROM:<a>",
	    "RCPT TO:<b>", "DATA", "BDAT 1", "RSET", "NOOP", "QUIT", ".",
	    "\r\n", "\n", "\r", "\x00", "\xff", "VRFY", "rcpt to:", "550 ",
	    "5", " " };
	static struct trap_smtp s;
	static struct out o;
	static char in[4096];
	uint32_t x = 12345;
	unsigned iter;
	size_t n, w;

	(void)state;
	for (iter = 0; iter < 3000; iter++) {
		memset(&o, 0, sizeof(o));
		start(&s, iter % 3 == 0 ? 421 : 451);
		for (n = 0; n < sizeof(in) - 32;) {
			x = x * 1103515245u + 12345u;
			if ((x >> 16) % 4 == 0) {
				in[n++] = (char)(x >> 8);
			} else {
				w = (x >> 12) % NITEMS(words);
				memcpy(in + n, words[w], strlen(words[w]) +
				    (words[w][0] == '\0'));
				n += strlen(words[w]) + (words[w][0] == '\0');
			}
			if ((x >> 20) % 64 == 0)
				break;
		}
		x = x * 1103515245u + 12345u;
		feed(&s, &o, in, n, (x >> 16) % 9);
		assert_never_accepts(o.buf, o.len);
		assert_true(s.ev.commands <= TRAP_SMTP_COMMANDS);
		assert_true(s.linelen < TRAP_LINE_MAX);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dialogues),
		cmocka_unit_test(test_event_fields),
		cmocka_unit_test(test_rcpt_kept_and_counted),
		cmocka_unit_test(test_long_values_truncated),
		cmocka_unit_test(test_overlong_line),
		cmocka_unit_test(test_pipelining_backpressure),
		cmocka_unit_test(test_command_limit),
		cmocka_unit_test(test_timeout_and_end),
		cmocka_unit_test(test_init_settings),
		cmocka_unit_test(test_addr_normalised),
		cmocka_unit_test(test_random_never_5xx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
