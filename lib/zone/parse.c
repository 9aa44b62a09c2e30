/* parse.c -- master-file parser: entries, directives, records (RFC 1035 5,
 * RFC 2308 4 $TTL, RFC 3597 5, RFC 4343) */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mxkit/err.h"
#include "mxkit/zone.h"

/*
 * The text is split into entries: a line, or several lines joined by
 * parentheses. Each entry becomes an array of tokens that point into the
 * text (quotes removed, escapes left in place for the field parsers), then
 * is read as a directive or a record. A syntax error skips the rest of its
 * entry only, so every error in a file is reported in one run.
 */

/* Tokens in one entry. An entry holds at most one record of at most 65535
 * octets of rdata; even split into single-octet tokens that is under 65536
 * tokens, and the array grows to that at most. */
#define TOK_FIRST	64
#define TOK_MAX		70000
/* Text is released from memory as the parser moves on, in steps of this
 * size, so that a big zone does not stay resident twice. */
#define DROP_STEP	(8u << 20)

enum { C_OTHER = 0, C_SPACE, C_NL, C_PAREN_O, C_PAREN_C, C_SEMI, C_QUOTE,
    C_BSLASH, C_CR };

/* Character classes for the lexer's inner loop. */
static const uint8_t cclass[256] = {
	[' '] = C_SPACE, ['\t'] = C_SPACE, ['\n'] = C_NL, ['\r'] = C_CR,
	['('] = C_PAREN_O, [')'] = C_PAREN_C, [';'] = C_SEMI,
	['"'] = C_QUOTE, ['\\'] = C_BSLASH,
};

struct input {
	const char *name;		/* file name for messages */
	const char *text;
	size_t len, pos;
	size_t dropped;			/* text released up to here */
	unsigned line;
	size_t line_start;		/* offset of the current line */
	int mapped;			/* text is an mmap of len bytes */
	uint8_t origin[DNS_NAME_MAX];
	size_t origin_len;
	uint8_t owner[DNS_NAME_MAX];	/* previous owner, for blank owners */
	size_t owner_len;
	const char *owner_text;		/* its text, to skip re-parsing */
	size_t owner_text_len;
	unsigned depth;
};

struct parser {
	const struct zone_parse_opts *o;
	struct mx_diag *d;
	struct dns_tok *tok;
	size_t ntok, tokcap;
	uint32_t default_ttl;
	int have_default;		/* $TTL seen, or given by the caller */
	uint32_t last_ttl;
	int have_last;			/* a TTL was written on a record */
	uint16_t rclass;
	int errors;			/* syntax errors in this run */
	int stop;			/* nonzero: code that ends the parse */
	/* Names of included files, kept to the end of the parse so that a
	 * where's file pointer names one file for the whole parse. */
	struct incname {
		struct incname *next;
		char name[];
	} *incnames;
	uint8_t rdata[65535];
};

static void
perr(struct parser *p, const struct input *in, unsigned line, unsigned col,
    const char *code, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
perr(struct parser *p, const struct input *in, unsigned line, unsigned col,
    const char *code, const char *fmt, ...)
{
	struct mx_where w = { in->name, line, col };
	va_list ap;

	p->errors++;
	va_start(ap, fmt);
	mx_vdiag(p->d, MX_DIAG_ERROR, &w, code, fmt, ap);
	va_end(ap);
	if (mx_diag_full(p->d))
		p->stop = MX_ETOOMANY;
}

static void
tok_col(const struct dns_tok *t, unsigned *line, unsigned *col)
{
	*line = t->line;
	*col = t->col;
}

/* Makes room for more tokens; the array grows rarely (once per parse in
 * practice), so this stays out of the inlined push_tok. */
static int
grow_tok(struct parser *p)
{
	size_t cap = p->tokcap ? p->tokcap * 2 : TOK_FIRST;
	struct dns_tok *t;

	if (p->tokcap >= TOK_MAX)
		return MX_ELIMIT;
	t = realloc(p->tok, cap * sizeof(*t));
	if (t == NULL)
		return MX_ENOMEM;
	p->tok = t;
	p->tokcap = cap;
	return 0;
}

static inline int
push_tok(struct parser *p, const char *s, size_t n, uint32_t flags,
    unsigned line, unsigned col)
{
	struct dns_tok *t;
	int r;

	if (p->ntok == p->tokcap && (r = grow_tok(p)) != 0)
		return r;
	t = &p->tok[p->ntok++];
	t->p = s;
	t->len = (uint32_t)n;
	t->flags = flags;
	t->line = line;
	t->col = col;
	return 0;
}

/*
 * Reads the next entry of in into p->tok. Returns 1 with an entry (ntok may
 * be 0 for a blank line), 0 at the end of the text, or -1 after reporting a
 * lexical error (the entry is skipped). *blank_owner is set when the entry
 * starts with a blank.
 */
static int
lex_entry(struct parser *p, struct input *in, int *blank_owner,
    unsigned *eline)
{
	const char *s = in->text;
	size_t i = in->pos, n = in->len;
	unsigned paren = 0, pline = 0, pcol = 0;
	int bad = 0, r;

	p->ntok = 0;
	if (i >= n)
		return 0;
	*eline = in->line;
	*blank_owner = cclass[(uint8_t)s[i]] == C_SPACE;
	while (i < n) {
		uint8_t c = (uint8_t)s[i];
		size_t start;
		unsigned col = (unsigned)(i - in->line_start) + 1;

		switch (cclass[c]) {
		case C_SPACE:
		case C_CR:
			i++;
			continue;
		case C_NL:
			i++;
			in->line++;
			in->line_start = i;
			if (paren == 0)
				goto done;
			continue;
		case C_SEMI:
			while (i < n && s[i] != '\n')
				i++;
			continue;
		case C_PAREN_O:
			if (paren++ == 0) {
				pline = in->line;
				pcol = col;
			}
			i++;
			continue;
		case C_PAREN_C:
			if (paren == 0) {
				perr(p, in, in->line, col, "UNBALANCED-PAREN",
				    "')' without '('");
				bad = 1;
			} else {
				paren--;
			}
			i++;
			continue;
		case C_QUOTE:
			start = ++i;
			while (i < n && s[i] != '"' && s[i] != '\n') {
				if (s[i] == '\\' && i + 1 < n && s[i + 1] != '\n')
					i++;
				i++;
			}
			if (i >= n || s[i] != '"') {
				perr(p, in, in->line, col,
				    "UNTERMINATED-STRING",
				    "quoted string not closed on its line");
				bad = 1;
				continue;
			}
			r = push_tok(p, s + start, i - start, DNS_TOK_QUOTED,
			    in->line, col);
			i++;
			break;
		default:
			start = i;
			while (i < n) {
				c = (uint8_t)s[i];
				if (cclass[c] == C_OTHER) {
					i++;
				} else if (cclass[c] == C_BSLASH) {
					/* An escape keeps the next character,
					 * even a blank, in the token. */
					i += (i + 1 < n && s[i + 1] != '\n') ?
					    2 : 1;
				} else {
					break;
				}
			}
			r = push_tok(p, s + start, i - start, 0, in->line,
			    col);
			break;
		}
		if (r != 0) {
			perr(p, in, in->line, col, "ENTRY-TOO-LONG",
			    "entry has too many tokens");
			bad = 1;
			/* Skip to the end of the entry. */
			while (i < n && !(s[i] == '\n' && paren == 0)) {
				if (s[i] == '(')
					paren++;
				else if (s[i] == ')' && paren > 0)
					paren--;
				else if (s[i] == '\n') {
					in->line++;
					in->line_start = i + 1;
				}
				i++;
			}
		}
	}
	if (paren > 0) {
		perr(p, in, pline, pcol, "UNBALANCED-PAREN",
		    "'(' not closed before the end of the file");
		bad = 1;
	}
done:
	in->pos = i;
	return bad ? -1 : 1;
}

static int parse_input(struct parser *p, struct input *in);

/* Releases text already parsed from memory (see DROP_STEP). */
static void
drop_text(struct input *in)
{
	size_t page = 4096, upto;

	if (!in->mapped || in->line_start < in->dropped + DROP_STEP)
		return;
	upto = in->line_start & ~(page - 1);
	madvise((char *)in->text + in->dropped, upto - in->dropped,
	    MADV_DONTNEED);
	in->dropped = upto;
}

static int
open_input(struct parser *p, struct input *in, const char *path,
    const struct input *from, unsigned line, unsigned col)
{
	struct stat st;
	void *m;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		if (from != NULL)
			perr(p, from, line, col, "INCLUDE-FAILED",
			    "cannot read %s: %s", path, strerror(e));
		return e == ENOENT ? MX_ENOENT : MX_EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		if (from != NULL)
			perr(p, from, line, col, "INCLUDE-FAILED",
			    "%s is not a regular file", path);
		return MX_EIO;
	}
	in->len = (size_t)st.st_size;
	if (in->len == 0) {
		in->text = "";
		in->mapped = 0;
	} else {
		m = mmap(NULL, in->len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED) {
			close(fd);
			return MX_EIO;
		}
		madvise(m, in->len, MADV_SEQUENTIAL);
		in->text = m;
		in->mapped = 1;
	}
	close(fd);
	return 0;
}

static void
close_input(struct input *in)
{
	if (in->mapped)
		munmap((void *)in->text, in->len);
	in->mapped = 0;
}

/* Copies a token into a NUL-terminated buffer; 0 if it does not fit. */
static int
tok_str(const struct dns_tok *t, char *buf, size_t cap)
{
	if (t->len >= cap)
		return 0;
	memcpy(buf, t->p, t->len);
	buf[t->len] = '\0';
	return 1;
}

static int
name_err(struct parser *p, const struct input *in, const struct dns_tok *t,
    const char *code, const char *what, int r)
{
	perr(p, in, t->line, t->col, code, "bad %s '%.*s': %s", what,
	    (int)(t->len > 80 ? 80 : t->len), t->p, mx_strerror(r));
	return r;
}

static void
do_include(struct parser *p, struct input *in, size_t ntok)
{
	const struct dns_tok *t = p->tok;
	struct input sub;
	char path[PATH_MAX], file[PATH_MAX];
	int r;

	if (p->o->flags & ZONE_NO_INCLUDE) {
		perr(p, in, t[0].line, t[0].col, "INCLUDE-DISABLED",
		    "$INCLUDE is not allowed here");
		return;
	}
	if (ntok < 2 || ntok > 3) {
		perr(p, in, t[0].line, t[0].col, "BAD-DIRECTIVE",
		    "$INCLUDE takes a file name and an optional origin");
		return;
	}
	if (in->depth + 1 > (p->o->include_depth ? p->o->include_depth :
	    ZONE_INCLUDE_DEPTH)) {
		perr(p, in, t[0].line, t[0].col, "INCLUDE-DEPTH",
		    "$INCLUDE nested too deeply");
		return;
	}
	if (!tok_str(&t[1], file, sizeof(file))) {
		perr(p, in, t[1].line, t[1].col, "INCLUDE-FAILED",
		    "file name too long");
		return;
	}
	/* A relative path is relative to the including file's directory. */
	if (file[0] != '/' && strchr(in->name, '/') != NULL) {
		const char *slash = strrchr(in->name, '/');
		int dl = (int)(slash - in->name);

		if (snprintf(path, sizeof(path), "%.*s/%s", dl, in->name,
		    file) >= (int)sizeof(path)) {
			perr(p, in, t[1].line, t[1].col, "INCLUDE-FAILED",
			    "file name too long");
			return;
		}
	} else {
		snprintf(path, sizeof(path), "%s", file);
	}
	memset(&sub, 0, sizeof(sub));
	sub.line = 1;
	sub.depth = in->depth + 1;
	memcpy(sub.origin, in->origin, in->origin_len);
	sub.origin_len = in->origin_len;
	if (ntok == 3) {
		r = dns_name_from_text(t[2].p, t[2].len, in->origin,
		    in->origin_len, sub.origin, &sub.origin_len, NULL);
		if (r != 0) {
			name_err(p, in, &t[2], "BAD-ORIGIN", "origin", r);
			return;
		}
	}
	if (open_input(p, &sub, path, in, t[1].line, t[1].col) != 0)
		return;
	/* Names in messages must outlive the included text: keep the path
	 * in the token array's owner. */
	{
		size_t n = strlen(path) + 1;
		struct incname *in_name = malloc(sizeof(*in_name) + n);

		if (in_name == NULL) {
			close_input(&sub);
			p->stop = MX_ENOMEM;
			return;
		}
		memcpy(in_name->name, path, n);
		in_name->next = p->incnames;
		p->incnames = in_name;
		sub.name = in_name->name;
	}
	/* The token array is reused by the included file; nothing of this
	 * entry is needed after the call. */
	parse_input(p, &sub);
	close_input(&sub);

}

static void
do_directive(struct parser *p, struct input *in)
{
	const struct dns_tok *t = p->tok;
	size_t ntok = p->ntok;
	uint32_t ttl;
	int r;

	if (t[0].len == 7 && strncasecmp(t[0].p, "$ORIGIN", 7) == 0) {
		if (ntok != 2) {
			perr(p, in, t[0].line, t[0].col, "BAD-DIRECTIVE",
			    "$ORIGIN takes one name");
			return;
		}
		uint8_t o[DNS_NAME_MAX];
		size_t olen;

		r = dns_name_from_text(t[1].p, t[1].len, in->origin,
		    in->origin_len, o, &olen, NULL);
		if (r != 0) {
			name_err(p, in, &t[1], "BAD-ORIGIN", "origin", r);
			return;
		}
		memcpy(in->origin, o, olen);
		in->origin_len = olen;
		/* Relative owner text now means another name. */
		in->owner_text = NULL;
		return;
	}
	if (t[0].len == 4 && strncasecmp(t[0].p, "$TTL", 4) == 0) {
		if (ntok != 2) {
			perr(p, in, t[0].line, t[0].col, "BAD-DIRECTIVE",
			    "$TTL takes one value");
			return;
		}
		r = dns_period_from_text(t[1].p, t[1].len, &ttl);
		if (r != 0 || ttl > INT32_MAX) {
			perr(p, in, t[1].line, t[1].col, "BAD-TTL",
			    "bad TTL '%.*s' (seconds up to 2147483647, or "
			    "units like 1h30m)", (int)(t[1].len > 40 ? 40 :
			    t[1].len), t[1].p);
			return;
		}
		p->default_ttl = ttl;
		p->have_default = 1;
		return;
	}
	if (t[0].len == 8 && strncasecmp(t[0].p, "$INCLUDE", 8) == 0) {
		do_include(p, in, ntok);
		return;
	}
	perr(p, in, t[0].line, t[0].col, "BAD-DIRECTIVE",
	    "unknown directive '%.*s'%s", (int)(t[0].len > 20 ? 20 :
	    t[0].len), t[0].p, t[0].len == 9 &&
	    strncasecmp(t[0].p, "$GENERATE", 9) == 0 ?
	    " ($GENERATE is not supported)" : "");
}

/* True for a token that can only be a TTL: it starts with a digit. */
static int
looks_ttl(const struct dns_tok *t)
{
	return t->len > 0 && t->p[0] >= '0' && t->p[0] <= '9' &&
	    (t->flags & DNS_TOK_QUOTED) == 0;
}

static void
do_record(struct parser *p, struct input *in, int blank_owner,
    unsigned eline)
{
	const struct dns_tok *t = p->tok;
	size_t ntok = p->ntok, k = 0, rdlen, bad;
	uint16_t type, rclass = p->rclass;
	uint32_t ttl = 0;
	int have_ttl = 0, have_class = 0, r;
	struct zone_rr rr;
	struct mx_where w;

	if (blank_owner) {
		if (in->owner_len == 0) {
			perr(p, in, eline, 1, "NO-OWNER", "record without "
			    "owner name and no previous owner to repeat");
			return;
		}
	} else {
		const struct dns_tok *o = &t[k++];

		if ((o->flags & DNS_TOK_QUOTED) != 0) {
			perr(p, in, o->line, o->col, "BAD-OWNER",
			    "owner name may not be quoted");
			/* Forget the text too: the next owner written like
			 * the last good one must be parsed again, not taken
			 * as the empty name left here. */
			in->owner_len = 0;
			in->owner_text = NULL;
			return;
		}
		if (in->owner_text == NULL || o->len != in->owner_text_len ||
		    memcmp(o->p, in->owner_text, o->len) != 0 ||
		    (o->len == 1 && o->p[0] == '@')) {
			r = dns_name_from_text(o->p, o->len, in->origin,
			    in->origin_len, in->owner, &in->owner_len, NULL);
			if (r != 0) {
				in->owner_len = 0;
				in->owner_text = NULL;
				name_err(p, in, o, "BAD-OWNER", "owner name", r);
				return;
			}
			in->owner_text = o->p;
			in->owner_text_len = o->len;
		}
	}
	/* [TTL] [class] type, or [class] [TTL] type. */
	while (k < ntok && (!have_ttl || !have_class)) {
		if (!have_ttl && looks_ttl(&t[k])) {
			r = dns_period_from_text(t[k].p, t[k].len, &ttl);
			if (r != 0 || ttl > INT32_MAX) {
				perr(p, in, t[k].line, t[k].col, "BAD-TTL",
				    "bad TTL '%.*s' (seconds up to 2147483647, "
				    "or units like 1h30m)", (int)(t[k].len > 40 ?
				    40 : t[k].len), t[k].p);
				return;
			}
			have_ttl = 1;
			k++;
			continue;
		}
		if (!have_class && (t[k].flags & DNS_TOK_QUOTED) == 0 &&
		    dns_class_from_text(t[k].p, t[k].len, &rclass) == 0) {
			have_class = 1;
			k++;
			continue;
		}
		break;
	}
	if (k == ntok) {
		perr(p, in, t[ntok - 1].line, t[ntok - 1].col, "NO-TYPE",
		    "record has no type");
		return;
	}
	if ((t[k].flags & DNS_TOK_QUOTED) != 0 ||
	    dns_type_from_text(t[k].p, t[k].len, &type) != 0) {
		perr(p, in, t[k].line, t[k].col, "UNKNOWN-TYPE",
		    "unknown record type '%.*s' (use TYPEnnn and \\# for "
		    "types mxkit does not know)", (int)(t[k].len > 40 ? 40 :
		    t[k].len), t[k].p);
		return;
	}
	k++;
	if (rclass != p->rclass) {
		char a[16], b[16];

		perr(p, in, t[0].line, t[0].col, "CLASS-MISMATCH",
		    "class %s differs from the zone's class %s",
		    dns_class_to_text(rclass, a), dns_class_to_text(p->rclass,
		    b));
		return;
	}
	{
		const struct dns_rrtype *rt = dns_rrtype_find(type);

		if (rt != NULL && (rt->flags & DNS_RT_META) != 0) {
			perr(p, in, t[k - 1].line, t[k - 1].col, "META-TYPE",
			    "%s is a meta type and cannot be in a zone",
			    rt->name);
			return;
		}
	}
	r = dns_rdata_from_text(type, t + k, ntok - k, in->origin,
	    in->origin_len, p->rdata, sizeof(p->rdata), &rdlen, &bad);
	if (r != 0) {
		char tn[16];
		unsigned line, col;

		if (k + bad < ntok)
			tok_col(&t[k + bad], &line, &col);
		else
			tok_col(&t[ntok - 1], &line, &col);
		perr(p, in, line, col, "BAD-RDATA", "bad %s rdata%s%.*s%s: %s",
		    dns_type_to_text(type, tn), k + bad < ntok ? " at '" : "",
		    k + bad < ntok ? (int)(t[k + bad].len > 60 ? 60 :
		    t[k + bad].len) : 0, k + bad < ntok ? t[k + bad].p : "",
		    k + bad < ntok ? "'" : " (missing field)",
		    r == MX_EMALF && k + bad >= ntok ? "too few fields" :
		    r == MX_EMALF ? "wrong number of fields" : mx_strerror(r));
		return;
	}
	if (have_ttl) {
		p->last_ttl = ttl;
		p->have_last = 1;
	} else if (p->have_default) {
		ttl = p->default_ttl;
	} else if (p->have_last) {
		/* RFC 1035 5.1: the last explicitly stated TTL. */
		ttl = p->last_ttl;
	} else if (type == DNS_TYPE_SOA && rdlen >= 4) {
		/* No TTL anywhere yet: the SOA MINIMUM, as BIND does. */
		ttl = (uint32_t)p->rdata[rdlen - 4] << 24 |
		    (uint32_t)p->rdata[rdlen - 3] << 16 |
		    (uint32_t)p->rdata[rdlen - 2] << 8 | p->rdata[rdlen - 1];
		p->last_ttl = ttl;
		p->have_last = 1;
	} else {
		perr(p, in, eline, 1, "NO-TTL", "record without TTL and no "
		    "$TTL before it");
		return;
	}
	rr.owner = in->owner;
	rr.owner_len = in->owner_len;
	rr.type = type;
	rr.rclass = rclass;
	rr.ttl = ttl;
	rr.rdata = p->rdata;
	rr.rdlen = rdlen;
	w.file = in->name;
	w.line = k < ntok ? t[k].line : eline;
	w.col = k < ntok ? t[k].col : 1;
	if (p->o->accept != NULL) {
		r = p->o->accept(p->o->ud, &rr, &w);
		if (r != 0)
			p->stop = r;
	}
}

static int
parse_input(struct parser *p, struct input *in)
{
	int blank, r;
	unsigned eline;

	while (p->stop == 0) {
		r = lex_entry(p, in, &blank, &eline);
		if (r == 0)
			break;
		if (r < 0 || p->ntok == 0)
			continue;
		if (!blank && p->tok[0].len > 0 && p->tok[0].p[0] == '$' &&
		    (p->tok[0].flags & DNS_TOK_QUOTED) == 0)
			do_directive(p, in);
		else
			do_record(p, in, blank, eline);
		drop_text(in);
	}
	return 0;
}

static int
run(const struct zone_parse_opts *o, struct input *in)
{
	struct parser *p;
	int r;

	p = malloc(sizeof(*p));
	if (p == NULL)
		return MX_ENOMEM;
	memset(p, 0, offsetof(struct parser, rdata));
	p->o = o;
	p->d = o->diag;
	p->rclass = o->rclass ? o->rclass : DNS_CLASS_IN;
	p->default_ttl = o->default_ttl;
	p->have_default = o->have_default_ttl;
	in->line = 1;
	if (o->origin != NULL) {
		if (dns_name_wire_len(o->origin, o->origin_len) !=
		    (int)o->origin_len) {
			free(p);
			return MX_EINVAL;
		}
		memcpy(in->origin, o->origin, o->origin_len);
		in->origin_len = o->origin_len;
	} else {
		in->origin[0] = 0;
		in->origin_len = 1;
	}
	parse_input(p, in);
	if (p->stop != 0)
		r = p->stop;
	else
		r = p->errors > 0 ? MX_ESYNTAX : 0;
	free(p->tok);
	while (p->incnames != NULL) {
		struct incname *next = p->incnames->next;

		free(p->incnames);
		p->incnames = next;
	}
	free(p);
	return r;
}

int
zone_parse_file(const struct zone_parse_opts *o)
{
	struct input in;
	int r;

	memset(&in, 0, sizeof(in));
	in.name = o->file;
	r = open_input(NULL, &in, o->file, NULL, 0, 0);
	if (r != 0)
		return r;
	r = run(o, &in);
	close_input(&in);
	return r;
}

int
zone_parse_string(const struct zone_parse_opts *o, const char *text,
    size_t len)
{
	struct input in;

	memset(&in, 0, sizeof(in));
	in.name = o->file != NULL ? o->file : "-";
	in.text = text;
	in.len = len;
	return run(o, &in);
}
