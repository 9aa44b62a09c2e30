/* fuzz_zone.c -- fuzz the master-file parser, the store and the checks, and
 * require every accepted record to survive rdata -> text -> rdata */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "mxkit/zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Splits presentation text into tokens the way the zone lexer does for a
 * single line: blanks separate, quotes group (escapes kept). */
static size_t
split(const char *s, size_t n, struct dns_tok *tok, size_t max)
{
	size_t i = 0, k = 0;

	while (i < n && k < max) {
		size_t st;

		if (s[i] == ' ') {
			i++;
			continue;
		}
		if (s[i] == '"') {
			st = ++i;
			while (i < n && s[i] != '"') {
				if (s[i] == '\\')
					i++;
				i++;
			}
			tok[k].p = s + st;
			tok[k].len = (uint32_t)(i - st);
			tok[k].flags = DNS_TOK_QUOTED;
			k++;
			i++;
			continue;
		}
		st = i;
		while (i < n && s[i] != ' ') {
			if (s[i] == '\\')
				i++;
			i++;
		}
		tok[k].p = s + st;
		tok[k].len = (uint32_t)((i > n ? n : i) - st);
		tok[k].flags = 0;
		k++;
	}
	return k;
}

struct ctx {
	struct zone_store *z;
	char *text;
	struct dns_tok *tok;
	uint8_t *back;
};

#define TEXT_CAP (2 * 65535 + 64)
#define TOK_CAP 70000

static int
accept(void *ud, const struct zone_rr *rr, const struct mx_where *w)
{
	struct ctx *c = ud;
	size_t ntok, blen, bad;
	int n, r;

	n = dns_rdata_to_text(rr->type, rr->rdata, rr->rdlen, c->text,
	    TEXT_CAP, 0);
	if (n < 0)
		abort();
	ntok = split(c->text, (size_t)n, c->tok, TOK_CAP);
	r = dns_rdata_from_text(rr->type, c->tok, ntok, NULL, 0, c->back,
	    65535, &blen, &bad);
	if (r != 0 || blen != rr->rdlen || memcmp(c->back, rr->rdata, blen) != 0)
		abort();	/* printed rdata must read back the same */
	r = zone_store_add(c->z, rr, w, NULL);
	return r == MX_EINVAL ? 0 : r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t origin[] = "\007example\003org";
	struct mx_diag d = { NULL, NULL, 0, 0, 0, 50 };
	struct zone_parse_opts o;
	struct ctx c;
	char *copy = malloc(size ? size : 1);

	if (copy == NULL)
		return 0;
	if (size > 0)
		memcpy(copy, data, size);
	c.z = zone_store_new(origin, sizeof(origin), NULL);
	c.text = malloc(TEXT_CAP);
	c.tok = malloc(TOK_CAP * sizeof(*c.tok));
	c.back = malloc(65535);
	if (c.z != NULL && c.text != NULL && c.tok != NULL && c.back != NULL) {
		memset(&o, 0, sizeof(o));
		o.file = "fuzz";
		o.origin = origin;
		o.origin_len = sizeof(origin);
		o.flags = ZONE_NO_INCLUDE;
		o.diag = &d;
		o.accept = accept;
		o.ud = &c;
		zone_parse_string(&o, copy, size);
		if (zone_store_finish(c.z, &d) == 0)
			zone_check(c.z, &d);
	}
	zone_store_free(c.z);
	free(c.text);
	free(c.tok);
	free(c.back);
	free(copy);
	return 0;
}
