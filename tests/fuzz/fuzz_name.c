/* fuzz_name.c -- fuzz target: dns_name_from_wire at offset 0 and at the
 * offset named by the first octet; a name read must survive text and back */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "util/cur.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Reads a name at off in p[0..size) (pointers are offsets into the whole
 * input, as in a message). A name that reads must be valid uncompressed
 * wire form, print, and read back from its text to the same octets, case
 * included.
 */
static void
name_check(const uint8_t *p, size_t size, size_t off)
{
	uint8_t name[DNS_NAME_MAX], back[DNS_NAME_MAX];
	char text[DNS_NAME_TEXT_MAX];
	struct cur c;
	size_t len, backlen;
	int n, err, rel;

	cur_init(&c, p, size);
	cur_skip(&c, off);
	if (c.err != 0)
		return;
	if ((err = dns_name_from_wire(&c, name, &len)) != 0) {
		CHECK(err < 0 && c.err == err);
		return;
	}
	CHECK(c.err == 0 && c.off > off && c.off <= size);
	CHECK(len >= 1 && len <= DNS_NAME_MAX);
	CHECK(dns_name_wire_len(name, len) == (int)len);
	CHECK(dns_name_labels(name, len) <= (DNS_NAME_MAX - 1) / 2);

	n = dns_name_to_text(name, len, text, sizeof(text));
	CHECK(n > 0);
	CHECK((size_t)n == strlen(text));	/* octets 0 come out escaped */
	err = dns_name_from_text(text, (size_t)n, NULL, 0, back, &backlen,
	    &rel);
	if (err != 0)
		fprintf(stderr, "from_text(\"%s\"): %s\n", text,
		    mx_errname(err));
	CHECK(err == 0);
	CHECK(rel == 0);			/* printed with its final dot */
	CHECK(backlen == len && memcmp(back, name, len) == 0);
	CHECK(dns_name_equal(name, len, back, backlen));
	CHECK(dns_name_cmp(name, len, back, backlen) == 0);
	CHECK(dns_name_hash(name, len) == dns_name_hash(back, backlen));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = NULL;

	if (size > 0) {
		if ((p = malloc(size)) == NULL)
			return 0;
		memcpy(p, data, size);
	}
	name_check(p, size, 0);
	if (size > 0)
		name_check(p, size, p[0]);
	free(p);
	return 0;
}
