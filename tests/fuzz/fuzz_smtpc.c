/* fuzz_smtpc.c -- fuzz target: the route --connect SMTP client fed a
 * server's bytes in arbitrary chunks; the outcome must not depend on the
 * chunks, and nothing but EHLO and QUIT is ever sent */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxkit/err.h"
#include "mxkit/mail.h"

#define HELO	"probe.example.org"
#define EHLO	"EHLO " HELO "\r\n"
#define QUIT	"QUIT\r\n"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	struct mail_smtpc s;
	char sent[2 * MAIL_SMTPC_OUT_MAX];
	size_t nsent;
	size_t taken;		/* bytes consumed before CLOSE */
	int closed;
};

/* Feeds one chunk from a heap block of exactly its size. */
static void
feed(struct run *r, const uint8_t *p, size_t len)
{
	uint8_t *copy = NULL;
	const uint8_t *out;
	size_t off = 0, used, outlen;
	enum mail_smtpc_action act;

	if (r->closed)
		return;
	if (len > 0) {
		if ((copy = malloc(len)) == NULL)
			abort();
		memcpy(copy, p, len);
	}
	for (;;) {
		used = (size_t)-1;
		act = mail_smtpc_feed(&r->s, copy != NULL ? copy + off : copy,
		    len - off, &used);
		CHECK(used <= len - off);
		off += used;
		r->taken += used;
		if (act == MAIL_SMTPC_CLOSE) {
			r->closed = 1;
			CHECK(r->s.state == MAIL_SMTPC_DONE);
			break;
		}
		if (act == MAIL_SMTPC_WRITE) {
			out = mail_smtpc_out(&r->s, &outlen);
			CHECK(outlen > 0 && outlen <= MAIL_SMTPC_OUT_MAX);
			CHECK(outlen <= sizeof(r->sent) - r->nsent);
			memcpy(r->sent + r->nsent, out, outlen);
			r->nsent += outlen;
			continue;
		}
		CHECK(act == MAIL_SMTPC_READ);
		CHECK(off == len);
		break;
	}
	free(copy);
}

static void
finish(struct run *r)
{
	if (!r->closed)
		CHECK(mail_smtpc_eof(&r->s) == MAIL_SMTPC_CLOSE);
	CHECK(r->s.state == MAIL_SMTPC_DONE);
	CHECK(r->s.result >= MAIL_PROBE_OK &&
	    r->s.result <= MAIL_PROBE_EHLO_REJECTED);
	CHECK(r->s.result != MAIL_PROBE_REFUSED &&
	    r->s.result != MAIL_PROBE_TIMEOUT &&
	    r->s.result != MAIL_PROBE_CONNECT_ERROR &&
	    r->s.result != MAIL_PROBE_REPLY_TIMEOUT);
	CHECK((r->s.err != 0) == (r->s.result == MAIL_PROBE_MALFORMED &&
	    r->s.why != NULL));
	CHECK(r->s.err == 0 || r->s.err == MX_EMALF || r->s.err == MX_ELIMIT);
	CHECK(memchr(r->s.text, '\0', sizeof(r->s.text)) != NULL);
	/* Only these dialogues exist: nothing, EHLO, EHLO QUIT, QUIT. */
	CHECK((r->nsent == 0) ||
	    (r->nsent == strlen(EHLO) && memcmp(r->sent, EHLO, r->nsent) ==
	    0) ||
	    (r->nsent == strlen(EHLO QUIT) && memcmp(r->sent, EHLO QUIT,
	    r->nsent) == 0) ||
	    (r->nsent == strlen(QUIT) && memcmp(r->sent, QUIT, r->nsent) ==
	    0));
	/* What each result implies about the codes. */
	switch (r->s.result) {
	case MAIL_PROBE_OK:
		CHECK(r->s.greeting / 100 == 2 && r->s.ehlo / 100 == 2);
		break;
	case MAIL_PROBE_GREETING_4XX:
		CHECK(r->s.greeting / 100 == 4 && r->s.ehlo == 0);
		break;
	case MAIL_PROBE_GREETING_5XX:
		CHECK(r->s.greeting / 100 == 5 && r->s.ehlo == 0);
		break;
	case MAIL_PROBE_EHLO_REJECTED:
		CHECK(r->s.greeting / 100 == 2);
		CHECK(r->s.ehlo / 100 == 4 || r->s.ehlo / 100 == 5);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run whole, cut;
	const uint8_t *p;
	size_t len, off, n;
	uint32_t x;

	if (size < 1)
		return 0;
	/* Byte 0 seeds the chunk sizes; the rest is the server's side. */
	x = data[0] * 2654435761u + 1;
	p = data + 1;
	len = size - 1;

	memset(&whole, 0, sizeof(whole));
	CHECK(mail_smtpc_init(&whole.s, HELO) == 0);
	feed(&whole, p, len);
	finish(&whole);

	memset(&cut, 0, sizeof(cut));
	CHECK(mail_smtpc_init(&cut.s, HELO) == 0);
	for (off = 0; off < len; off += n) {
		x = x * 1103515245u + 12345u;
		/* Mostly short chunks, sometimes empty ones, sometimes long. */
		n = (x >> 16) % 8 == 0 ? (x >> 8) % 700 : (x >> 16) % 5;
		if (n > len - off)
			n = len - off;
		feed(&cut, p + off, n);
	}
	finish(&cut);

	CHECK(whole.s.result == cut.s.result);
	CHECK(whole.s.greeting == cut.s.greeting);
	CHECK(whole.s.ehlo == cut.s.ehlo);
	CHECK(whole.s.quit == cut.s.quit);
	CHECK(whole.s.err == cut.s.err);
	CHECK(whole.nsent == cut.nsent);
	CHECK(memcmp(whole.sent, cut.sent, whole.nsent) == 0);
	CHECK(whole.taken == cut.taken);
	CHECK(strcmp(whole.s.text, cut.s.text) == 0);
	return 0;
}
