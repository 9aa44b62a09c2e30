/* fuzz_trap_log.c -- fuzz target: primary-MX log lines (trap_log_parse_line) and allowlist CIDRs */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mxkit/err.h"
#include "mxkit/trap_report.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 2026-11-26T13:00:00Z and 2027-01-02T00:00:00Z: one reference far from
 * a year's end, one just after it (the rollover). */
#define REF_A	1795698000000LL
#define REF_B	1798848000000LL

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trap_log_ctx ctx;
	struct trap_log_hit hit;
	struct trap_cidr cidr;
	enum trap_log_kind k;
	char *line, t[64], a[46];
	int rv;

	if (size < 1)
		return 0;
	/* An exact-size heap copy: ASan sees a one-octet over-read. */
	line = malloc(size - 1 ? size - 1 : 1);
	CHECK(line != NULL);
	memcpy(line, data + 1, size - 1);
	memset(&ctx, 0, sizeof(ctx));
	ctx.ref_ms = data[0] & 1 ? REF_B : REF_A;
	/* The logs' zone: -12 h to +14 h in quarter hours. */
	ctx.tz_offset_s = ((long)(data[0] >> 1) % 105 - 48) * 900;
	k = trap_log_parse_line(line, size - 1, &ctx, &hit);
	CHECK(k == TRAP_LOG_MALFORMED || k == TRAP_LOG_OTHER ||
	    k == TRAP_LOG_CONNECT);
	if (k != TRAP_LOG_MALFORMED) {
		/* A parsed time is a real one in years 1969-10000. */
		CHECK(hit.t_ms > -86400000LL * 2);
		CHECK(hit.t_ms < 253402300800000LL + 86400000LL * 2);
		trap_time_text(hit.t_ms, t);
	}
	if (k == TRAP_LOG_CONNECT) {
		CHECK(hit.format != TRAP_LOG_FMT_NONE);
		CHECK(hit.addr.family == AF_INET || hit.addr.family == AF_INET6);
		/* What was read is an address that reads back the same. */
		mail_addr_text(&hit.addr, a);
		CHECK(trap_addr_parse(a, strlen(a), &cidr.addr) == 0);
		CHECK(memcmp(&cidr.addr, &hit.addr, sizeof(hit.addr)) == 0);
	} else {
		CHECK(hit.format == TRAP_LOG_FMT_NONE);
	}
	rv = trap_cidr_parse(line, size - 1, &cidr);
	CHECK(rv == 0 || rv == MX_ESYNTAX || rv == MX_ERANGE);
	if (rv == 0) {
		CHECK(cidr.len <= (cidr.addr.family == AF_INET ? 32u : 128u));
		CHECK(trap_cidr_contains(&cidr, &cidr.addr));
	}
	free(line);
	return 0;
}
