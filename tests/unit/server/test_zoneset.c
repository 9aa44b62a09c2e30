/* test_zoneset.c -- zone sets: lookup by longest suffix, references */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mxkit/dns.h"
#include "mxkit/server.h"
#include "mxkit/zone.h"

static int
add(void *ud, const struct zone_rr *rr, const struct mx_where *w)
{
	return zone_store_add(ud, rr, w, NULL);
}

/* A set of two small zones, example.org and mail.example.org. */
static struct srv_zoneset *
two_zones(void)
{
	static const char *const origins[2] = { "example.org",
	    "mail.example.org" };
	struct srv_zoneset *zs = srv_zoneset_new();
	int i;

	assert_non_null(zs);
	for (i = 0; i < 2; i++) {
		static const char text[] = "$TTL 300\n"
		    "@ SOA ns hostmaster 1 3600 900 604800 300\n"
		    "@ NS ns\nns A 192.0.2.53\n";
		uint8_t o[DNS_NAME_MAX];
		size_t olen;
		struct zone_parse_opts po;
		struct zone_store *z;

		assert_int_equal(dns_name_from_text(origins[i],
		    strlen(origins[i]), NULL, 0, o, &olen, NULL), 0);
		z = zone_store_new(o, olen, NULL);
		assert_non_null(z);
		memset(&po, 0, sizeof(po));
		po.file = origins[i];
		po.origin = o;
		po.origin_len = olen;
		po.accept = add;
		po.ud = z;
		assert_int_equal(zone_parse_string(&po, text,
		    sizeof(text) - 1), 0);
		assert_int_equal(zone_store_finish(z, NULL), 0);
		assert_int_equal(srv_zoneset_add(zs, z), 0);
	}
	return zs;
}

static void
longest_suffix_wins(void **state)
{
	struct srv_zoneset *zs = two_zones();
	const struct zone_store *z;
	const uint8_t *o;
	size_t olen;

	(void)state;
	z = srv_zoneset_find(zs, (const uint8_t *)"\002mx\004mail\007example"
	    "\003org", 21);
	assert_non_null(z);
	o = zone_store_origin(z, &olen);
	assert_int_equal(olen, 18);
	assert_memory_equal(o, "\004mail\007example\003org", 18);
	assert_null(srv_zoneset_find(zs, (const uint8_t *)"\003org", 5));
	srv_zoneset_free(zs);
}

/* A transfer holds the set it started from past a swap: the creator's
 * free leaves it alive, the last drop frees it (ASan sees a use after
 * free or a leak). */
static void
set_lives_until_the_last_reference(void **state)
{
	struct srv_zoneset *zs = two_zones();
	const struct srv_zoneset *held;

	(void)state;
	held = srv_zoneset_hold(zs);
	assert_ptr_equal(held, zs);
	srv_zoneset_hold(held);
	srv_zoneset_free(zs);
	assert_int_equal(srv_zoneset_count(held), 2);
	srv_zoneset_drop(held);
	assert_non_null(srv_zoneset_find(held, (const uint8_t *)
	    "\007example\003org", 13));
	srv_zoneset_drop(held);
	srv_zoneset_drop(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(longest_suffix_wins),
		cmocka_unit_test(set_lives_until_the_last_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
