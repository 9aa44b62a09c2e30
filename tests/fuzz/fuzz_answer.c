/* fuzz_answer.c -- fuzz the server's answer logic with hostile queries:
 * never a crash, and every response sent must parse as a DNS message */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "mxkit/server.h"
#include "mxkit/zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char zone_text[] =
    "$TTL 3600\n"
    "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
    "@ NS ns1\n@ MX 10 mx\n@ MX 20 mx2\n@ TXT \"v=spf1 mx -all\"\n"
    "ns1 A 192.0.2.53\nmx A 192.0.2.10\nmx AAAA 2001:db8::10\n"
    "mx2 A 192.0.2.11\nwww CNAME mx\nloop1 CNAME loop2\n"
    "loop2 CNAME loop1\n*.wild MX 10 mx\nexists.wild TXT \"x\"\n"
    "a.b.c A 192.0.2.1\nchild NS ns.child\nns.child A 192.0.2.54\n"
    "child DS 1 8 2 00FF\n";

static int
add(void *ud, const struct zone_rr *rr, const struct mx_where *w)
{
	return zone_store_add(ud, rr, w, NULL);
}

/* The zone set is built once per process: the fuzzer varies queries. */
static struct srv_zoneset *
zones(void)
{
	static struct srv_zoneset *zs;
	static const uint8_t origin[] = "\007example\003org";
	struct zone_parse_opts o;
	struct zone_store *z;

	if (zs != NULL)
		return zs;
	zs = srv_zoneset_new();
	z = zone_store_new(origin, sizeof(origin), NULL);
	if (zs == NULL || z == NULL)
		abort();
	memset(&o, 0, sizeof(o));
	o.file = "fuzz";
	o.origin = origin;
	o.origin_len = sizeof(origin);
	o.accept = add;
	o.ud = z;
	if (zone_parse_string(&o, zone_text, sizeof(zone_text) - 1) != 0 ||
	    zone_store_finish(z, NULL) != 0 || srv_zoneset_add(zs, z) != 0)
		abort();
	return zs;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[65535];
	static struct dns_msg_rr rr[6000];
	struct srv_answer_opts o = { 1232 };
	struct srv_answer_info info;
	struct dns_msg m;
	uint8_t *q = malloc(size ? size : 1);
	size_t n;
	int t;

	if (q == NULL)
		return 0;
	if (size > 0)
		memcpy(q, data, size);
	for (t = SRV_UDP; t <= SRV_TCP; t++) {
		n = srv_answer(zones(), &o, (enum srv_transport)t, q, size,
		    out, t == SRV_UDP ? 1232 : sizeof(out), &info);
		if (n == 0)
			continue;
		if (t == SRV_UDP && n > 1232)
			abort();
		if (dns_msg_parse(&m, out, n, rr, 6000, 0) != 0)
			abort();	/* we sent something malformed */
		if (size >= 2 && (m.hdr.id >> 8) != data[0])
			abort();	/* not the query's ID */
	}
	free(q);
	return 0;
}
