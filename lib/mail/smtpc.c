/* smtpc.c -- the SMTP client of route --connect: greeting, EHLO, QUIT, fed with bytes (RFC 5321 3.1, 4.2, 4.5.3.1.5) */
#include <stdio.h>
#include <string.h>

#include "mxkit/err.h"
#include "mxkit/mail.h"
#include "util/cur.h"

/* Octets of a line before its end: 512 with the CRLF (RFC 5321
 * 4.5.3.1.5). line[] holds them plus a CR that may precede the LF. */
#define LINE_TEXT_MAX	(MAIL_SMTPC_LINE_MAX - 2)

static const struct {
	const char *name, *text;
} results[] = {
#define MAIL_PR_ROW(sym, name, text) { name, text },
	MAIL_PROBE_RESULTS(MAIL_PR_ROW)
#undef MAIL_PR_ROW
};

#define NRESULTS (sizeof(results) / sizeof(results[0]))

const char *
mail_probe_result_name(int r)
{
	return r >= 0 && (size_t)r < NRESULTS ? results[r].name : "?";
}

const char *
mail_probe_result_text(int r)
{
	return r >= 0 && (size_t)r < NRESULTS ? results[r].text : "?";
}

/* A host name of LDH labels (underscore tolerated, as route does) or an
 * address literal: never a byte that could end or split the command. */
static int
helo_ok(const char *h, size_t n)
{
	size_t i;
	char c;

	if (n == 0 || n > MAIL_SMTPC_HELO_MAX)
		return 0;
	if (h[0] == '[')
		return n > 2 && h[n - 1] == ']' && strspn(h + 1,
		    "0123456789abcdefABCDEF.:IPv") == n - 2;
	for (i = 0; i < n; i++) {
		c = h[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.'))
			return 0;
	}
	return 1;
}

int
mail_smtpc_init(struct mail_smtpc *s, const char *helo)
{
	size_t n = strnlen(helo, MAIL_SMTPC_HELO_MAX + 1);

	memset(s, 0, sizeof(*s));
	s->state = MAIL_SMTPC_GREETING;
	s->result = -1;
	if (!helo_ok(helo, n)) {
		s->state = MAIL_SMTPC_DONE;
		return MX_EINVAL;
	}
	memcpy(s->helo, helo, n);
	s->helo[n] = '\0';
	return 0;
}

const uint8_t *
mail_smtpc_out(const struct mail_smtpc *s, size_t *len)
{
	*len = s->outlen;
	return s->out;
}

static enum mail_smtpc_action
command(struct mail_smtpc *s, const char *verb, const char *arg)
{
	struct wcur w;

	wcur_init(&w, s->out, sizeof(s->out));
	wcur_bytes(&w, verb, strlen(verb));
	if (arg != NULL) {
		wcur_u8(&w, ' ');
		wcur_bytes(&w, arg, strlen(arg));
	}
	wcur_bytes(&w, "\r\n", 2);
	/* MAIL_SMTPC_OUT_MAX holds the longest EHLO that init accepts. */
	s->outlen = w.err == 0 ? w.off : 0;
	return MAIL_SMTPC_WRITE;
}

/* The reply is unusable: stop without another command. A result that
 * was already decided (waiting for the QUIT reply) stands. */
static enum mail_smtpc_action
malformed(struct mail_smtpc *s, int err, const char *why)
{
	if (s->result < 0) {
		s->result = MAIL_PROBE_MALFORMED;
		s->err = err;
		s->why = why;
	}
	s->state = MAIL_SMTPC_DONE;
	return MAIL_SMTPC_CLOSE;
}

static enum mail_smtpc_action
quit(struct mail_smtpc *s, int result)
{
	s->result = result;
	s->state = MAIL_SMTPC_QUIT;
	return command(s, "QUIT", NULL);
}

/* A whole reply with code s->code has arrived: the next step. */
static enum mail_smtpc_action
reply(struct mail_smtpc *s)
{
	unsigned cls = s->code / 100;

	/* Keep the reply that decided the attempt, not the one to QUIT. */
	if (s->state != MAIL_SMTPC_QUIT)
		memcpy(s->text, s->rtext, sizeof(s->text));
	switch (s->state) {
	case MAIL_SMTPC_GREETING:
		s->greeting = s->code;
		if (cls == 2) {
			s->state = MAIL_SMTPC_EHLO;
			return command(s, "EHLO", s->helo);
		}
		if (cls == 4)
			return quit(s, MAIL_PROBE_GREETING_4XX);
		if (cls == 5)
			return quit(s, MAIL_PROBE_GREETING_5XX);
		return malformed(s, MX_EMALF, "greeting is neither 2xx, "
		    "4xx nor 5xx");
	case MAIL_SMTPC_EHLO:
		s->ehlo = s->code;
		if (cls == 2)
			return quit(s, MAIL_PROBE_OK);
		if (cls == 4 || cls == 5)
			return quit(s, MAIL_PROBE_EHLO_REJECTED);
		return malformed(s, MX_EMALF, "EHLO reply is neither 2xx, "
		    "4xx nor 5xx");
	case MAIL_SMTPC_QUIT:
		s->quit = s->code;
		s->state = MAIL_SMTPC_DONE;
		return MAIL_SMTPC_CLOSE;
	case MAIL_SMTPC_DONE:
		break;
	}
	return MAIL_SMTPC_CLOSE;
}

/* Keeps the first line of a reply as printable text for reports. */
static void
keep_text(struct mail_smtpc *s, struct cur *c)
{
	size_t i = 0;
	uint8_t b;

	while (cur_left(c) > 0 && i < sizeof(s->rtext) - 1) {
		b = cur_u8(c);
		s->rtext[i++] = b >= 0x20 && b < 0x7f ? (char)b : '?';
	}
	s->rtext[i] = '\0';
}

/*
 * One line without its end (RFC 5321 4.2):
 *   Reply-line = *( Reply-code "-" [ textstring ] CRLF )
 *                Reply-code [ SP textstring ] CRLF
 *   Reply-code = %x32-35 %x30-35 %x30-39
 * Returns READ for a continuation line, else what the reply calls for.
 */
static enum mail_smtpc_action
line(struct mail_smtpc *s)
{
	struct cur c, t;
	uint8_t d1, d2, d3, sep;
	unsigned code;
	int last;

	cur_init(&c, s->line, s->linelen);
	t = c;
	d1 = cur_u8(&c);
	d2 = cur_u8(&c);
	d3 = cur_u8(&c);
	if (c.err != 0 || d1 < '2' || d1 > '5' || d2 < '0' || d2 > '5' ||
	    d3 < '0' || d3 > '9')
		return malformed(s, MX_EMALF, "bad reply code");
	code = (unsigned)(d1 - '0') * 100 + (unsigned)(d2 - '0') * 10 +
	    (unsigned)(d3 - '0');
	last = 1;
	if (cur_left(&c) > 0) {
		sep = cur_u8(&c);
		if (sep == '-')
			last = 0;
		else if (sep != ' ')
			return malformed(s, MX_EMALF, "reply code not "
			    "followed by space or '-'");
	}
	if (s->nlines == 0) {
		s->code = code;
		keep_text(s, &t);
	} else if (code != s->code)
		return malformed(s, MX_EMALF, "reply code changes within a "
		    "multiline reply");
	if (++s->nlines > MAIL_SMTPC_LINES_MAX)
		return malformed(s, MX_ELIMIT, "reply longer than 100 lines");
	if (!last)
		return MAIL_SMTPC_READ;
	s->nlines = 0;
	return reply(s);
}

enum mail_smtpc_action
mail_smtpc_feed(struct mail_smtpc *s, const uint8_t *p, size_t len,
    size_t *used)
{
	enum mail_smtpc_action act = MAIL_SMTPC_READ;
	struct cur c;
	uint8_t b;

	cur_init(&c, p, len);
	while (s->state != MAIL_SMTPC_DONE && act == MAIL_SMTPC_READ &&
	    cur_left(&c) > 0) {
		b = cur_u8(&c);
		if (b == '\n') {
			/* CRLF, or a bare LF (accepted, as Postfix does). */
			if (s->linelen > 0 && s->line[s->linelen - 1] == '\r')
				s->linelen--;
			if (s->linelen > LINE_TEXT_MAX)
				act = malformed(s, MX_ELIMIT, "reply line "
				    "longer than 512 octets");
			else
				act = line(s);
			s->linelen = 0;
			continue;
		}
		/* One more than LINE_TEXT_MAX for a CR before the LF. */
		if (s->linelen > LINE_TEXT_MAX) {
			act = malformed(s, MX_ELIMIT, "reply line longer "
			    "than 512 octets");
			continue;
		}
		s->line[s->linelen++] = b;
	}
	*used = c.off;
	if (s->state == MAIL_SMTPC_DONE)
		return MAIL_SMTPC_CLOSE;
	return act;
}

enum mail_smtpc_action
mail_smtpc_eof(struct mail_smtpc *s)
{
	if (s->state == MAIL_SMTPC_GREETING || s->state == MAIL_SMTPC_EHLO)
		s->result = MAIL_PROBE_CLOSED;
	s->state = MAIL_SMTPC_DONE;
	return MAIL_SMTPC_CLOSE;
}
