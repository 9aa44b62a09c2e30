/* fuzz_trap_smtp.c -- fuzz target: the trap's SMTP server fed a client's
 * bytes in arbitrary chunks; no reply line ever starts with 5, nothing
 * after DATA is 250 or 354, the output is the same whatever the chunks */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxkit/trap.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* At most TRAP_SMTP_COMMANDS replies plus the greeting and a last 421,
 * each at most TRAP_REPLY_MAX. */
#define SENT_MAX	((TRAP_SMTP_COMMANDS + 2) * TRAP_REPLY_MAX)

struct run {
	struct trap_smtp s;
	char *sent;
	size_t nsent;
	int closed;
};

static void
drain(struct run *r)
{
	const uint8_t *out;
	size_t n;

	out = trap_smtp_out(&r->s, &n);
	CHECK(n <= TRAP_OUT_MAX);
	CHECK(n <= SENT_MAX - r->nsent);
	memcpy(r->sent + r->nsent, out, n);
	r->nsent += n;
	trap_smtp_sent(&r->s, TRAP_OUT_MAX);
}

/* Feeds one chunk from a heap block of exactly its size. */
static void
feed(struct run *r, const uint8_t *p, size_t len)
{
	uint8_t *copy = NULL;
	size_t off = 0, used;
	enum trap_smtp_action a;

	if (r->closed)
		return;
	if (len > 0) {
		if ((copy = malloc(len)) == NULL)
			abort();
		memcpy(copy, p, len);
	}
	for (;;) {
		used = (size_t)-1;
		a = trap_smtp_feed(&r->s, copy != NULL ? copy + off : copy,
		    len - off, &used);
		CHECK(used <= len - off);
		off += used;
		drain(r);
		if (a == TRAP_SMTP_CLOSE) {
			CHECK(trap_smtp_closing(&r->s));
			r->closed = 1;
			break;
		}
		if (a == TRAP_SMTP_WRITE)
			continue;
		CHECK(a == TRAP_SMTP_READ);
		CHECK(off == len);
		break;
	}
	CHECK(r->s.linelen < TRAP_LINE_MAX);
	free(copy);
}

/* The promise of the trap: replies are 2xx or 4xx only; DATA and BDAT
 * are never answered 250 or 354 (a 250 to DATA would mean a message). */
static void
check_replies(const struct run *r)
{
	size_t i;

	for (i = 0; i < r->nsent; i++) {
		if (i > 0 && r->sent[i - 1] != '\n')
			continue;
		CHECK(r->nsent - i >= 3);
		CHECK(r->sent[i] == '2' || r->sent[i] == '4');
		CHECK(memcmp(r->sent + i, "354", 3) != 0);
		/* Each reply line is complete. */
		CHECK(memchr(r->sent + i, '\n', r->nsent - i) != NULL);
	}
	CHECK(r->s.ev.commands <= TRAP_SMTP_COMMANDS);
	CHECK(r->s.ev.nrcpt <= TRAP_RCPT_MAX);
	CHECK(r->s.ev.nrcpt <= r->s.ev.rcpt_total);
	CHECK(memchr(r->s.ev.helo, '\0', sizeof(r->s.ev.helo)) != NULL);
	CHECK(memchr(r->s.ev.mail_from, '\0', sizeof(r->s.ev.mail_from)) !=
	    NULL);
	CHECK(r->s.ev.end < TRAP_END_COUNT);
}

/* Whatever came before (an input that leaves the session open between
 * lines), a DATA line is answered with a 4xx: never 250, never 354. */
static void
check_data(const uint8_t *p, size_t len, unsigned reply)
{
	static const char data[] = "DATA\r\n";
	struct trap_smtp s;
	size_t used, n;
	const uint8_t *out;
	enum trap_smtp_action a;

	CHECK(trap_smtp_init(&s, &(struct trap_smtp_opts){
	    .hostname = "trap.example", .reply = reply }) == 0);
	a = trap_smtp_feed(&s, p, len, &used);
	if (a != TRAP_SMTP_READ || trap_smtp_closing(&s) || s.linelen != 0 || s.discarding)
		return;
	trap_smtp_sent(&s, TRAP_OUT_MAX);
	a = trap_smtp_feed(&s, (const uint8_t *)data, sizeof(data) - 1, &n);
	out = trap_smtp_out(&s, &n);
	CHECK(n >= 4);
	CHECK(out[0] == '4');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run whole, cut;
	static char sent_whole[SENT_MAX], sent_cut[SENT_MAX];
	const uint8_t *p;
	size_t len, off, n;
	unsigned reply;
	uint32_t x;

	if (size < 1)
		return 0;
	/* Byte 0 seeds the chunk sizes and picks 421 or 451; the rest is
	 * the client's side. */
	x = data[0] * 2654435761u + 1;
	reply = data[0] & 1 ? 421 : 451;
	p = data + 1;
	len = size - 1;

	memset(&whole, 0, sizeof(whole));
	whole.sent = sent_whole;
	CHECK(trap_smtp_init(&whole.s, &(struct trap_smtp_opts){
	    .hostname = "trap.example", .reply = reply }) == 0);
	drain(&whole);		/* the greeting */
	feed(&whole, p, len);
	check_replies(&whole);

	memset(&cut, 0, sizeof(cut));
	cut.sent = sent_cut;
	CHECK(trap_smtp_init(&cut.s, &(struct trap_smtp_opts){
	    .hostname = "trap.example", .reply = reply }) == 0);
	drain(&cut);
	for (off = 0; off < len; off += n) {
		x = x * 1103515245u + 12345u;
		n = (x >> 16) % 8 == 0 ? (x >> 8) % 700 : (x >> 16) % 5;
		if (n > len - off)
			n = len - off;
		feed(&cut, p + off, n);
	}
	check_replies(&cut);

	CHECK(whole.closed == cut.closed);
	CHECK(whole.nsent == cut.nsent);
	CHECK(memcmp(whole.sent, cut.sent, whole.nsent) == 0);
	CHECK(memcmp(&whole.s.ev, &cut.s.ev, sizeof(whole.s.ev)) == 0);
	if (len < 4096)
		check_data(p, len, reply);
	return 0;
}
