/* test_store.c -- the zone store answers what the server and the checks
 * ask: names, types, empty non-terminals, cuts, glue, wildcards; and the
 * two-thread loader builds the same store as the plain parser */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "mxkit/zone.h"

static const uint8_t origin[] = "\007example\003org";

struct ctx {
	struct zone_store *z;
	struct mx_diag *d;
};

static int
add(void *ud, const struct zone_rr *rr, const struct mx_where *w)
{
	struct ctx *c = ud;
	int r = zone_store_add(c->z, rr, w, c->d);

	return r == MX_EINVAL ? 0 : r;
}

static struct zone_store *
load(const char *text, struct mx_diag *d)
{
	struct zone_store *z = zone_store_new(origin, sizeof(origin), NULL);
	struct zone_parse_opts o;
	struct ctx c = { z, d };

	assert_non_null(z);
	memset(&o, 0, sizeof(o));
	o.file = "t";
	o.origin = origin;
	o.origin_len = sizeof(origin);
	o.diag = d;
	o.accept = add;
	o.ud = &c;
	assert_int_equal(zone_parse_string(&o, text, strlen(text)), 0);
	assert_int_equal(zone_store_finish(z, d), 0);
	return z;
}

static const struct zone_node *
find(const struct zone_store *z, const char *name)
{
	uint8_t w[DNS_NAME_MAX];
	size_t n;

	assert_int_equal(dns_name_from_text(name, strlen(name), NULL, 0, w,
	    &n, NULL), 0);
	return zone_store_find(z, w, n);
}

static const char zone[] =
    "$TTL 300\n"
    "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
    "@ NS ns1\n"
    "@ MX 10 mx\n"
    "ns1 A 192.0.2.53\n"
    "mx A 192.0.2.25\n"
    "mx AAAA 2001:db8::25\n"
    "a.b.c A 192.0.2.1\n"		/* b.c and c are empty non-terminals */
    "*.wild MX 10 mx\n"
    "child NS ns.child\n"
    "ns.child A 192.0.2.54\n"		/* glue */
    "deep.x.child TXT \"occluded\"\n";

static void
names_and_types(void **state)
{
	struct zone_store *z = load(zone, NULL);
	const struct zone_node *n;
	const struct zone_rrset *s;

	(void)state;
	n = find(z, "MX.Example.ORG.");		/* RFC 4343: any case */
	assert_non_null(n);
	assert_non_null(s = zone_node_rrset(n, DNS_TYPE_AAAA));
	assert_int_equal(s->count, 1);
	assert_int_equal(s->ttl, 300);
	assert_null(zone_node_rrset(n, DNS_TYPE_MX));
	assert_null(find(z, "nope.example.org."));
	assert_true(zone_store_apex(z)->flags & ZONE_NODE_APEX);
	assert_int_equal(zone_store_count(z), 11);
	zone_store_free(z);
}

static void
empty_non_terminals_exist_without_data(void **state)
{
	struct zone_store *z = load(zone, NULL);
	const struct zone_node *n;

	(void)state;
	n = find(z, "b.c.example.org.");
	assert_non_null(n);
	assert_null(n->rrsets);
	assert_false(n->flags & ZONE_NODE_HAS_DATA);
	assert_non_null(find(z, "c.example.org."));
	zone_store_free(z);
}

static void
closest_encloser(void **state)
{
	struct zone_store *z = load(zone, NULL);
	uint8_t w[DNS_NAME_MAX];
	size_t n;
	const struct zone_node *e;

	(void)state;
	dns_name_from_text("q.r.b.c.example.org.", 20, NULL, 0, w, &n, NULL);
	e = zone_store_encloser(z, w, n);
	assert_ptr_equal(e, find(z, "b.c.example.org."));
	dns_name_from_text("example.net.", 12, NULL, 0, w, &n, NULL);
	assert_null(zone_store_encloser(z, w, n));	/* not in the zone */
	zone_store_free(z);
}

static void
cuts_glue_and_occlusion(void **state)
{
	struct zone_store *z = load(zone, NULL);

	(void)state;
	assert_true(find(z, "child.example.org.")->flags & ZONE_NODE_CUT);
	assert_false(zone_store_apex(z)->flags & ZONE_NODE_CUT);
	assert_true(find(z, "ns.child.example.org.")->flags &
	    ZONE_NODE_OCCLUDED);
	assert_true(find(z, "deep.x.child.example.org.")->flags &
	    ZONE_NODE_OCCLUDED);
	assert_false(find(z, "mx.example.org.")->flags & ZONE_NODE_OCCLUDED);
	zone_store_free(z);
}

static void
wildcards_are_marked_on_their_parent(void **state)
{
	struct zone_store *z = load(zone, NULL);

	(void)state;
	assert_true(find(z, "wild.example.org.")->flags &
	    ZONE_NODE_WILDCARD_CHILD);
	assert_non_null(find(z, "*.wild.example.org."));
	assert_false(zone_store_apex(z)->flags & ZONE_NODE_WILDCARD_CHILD);
	zone_store_free(z);
}

static void
duplicates_removed_and_ttls_unified(void **state)
{
	struct mx_diag d = { NULL, NULL, 0, 0, 0, 0 };
	struct zone_store *z = load(
	    "$TTL 300\n@ SOA ns1 hm 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n"
	    "m MX 10 mx\nm MX 10 MX\nm 60 MX 20 mx\n", &d);
	const struct zone_rrset *s = zone_node_rrset(find(z,
	    "m.example.org."), DNS_TYPE_MX);

	(void)state;
	/* "10 mx" and "10 MX" are the same record (names compare without
	 * case); the TTL of the RRset becomes the lowest. */
	assert_int_equal(s->count, 2);
	assert_int_equal(s->ttl, 60);
	assert_int_equal(d.nwarn, 2);		/* DUPLICATE-RR, TTL-MISMATCH */
	/* Canonical order: preference 10 before 20. */
	assert_int_equal(s->rdata->data[1], 10);
	assert_int_equal(s->rdata->next->data[1], 20);
	zone_store_free(z);
}

static int
collect(void *ud, const struct zone_node *n)
{
	char **p = ud, t[DNS_NAME_TEXT_MAX];

	dns_name_to_text(n->name, n->name_len, t, sizeof(t));
	*p += sprintf(*p, "%s ", t);
	return 0;
}

static void
sorted_walk_is_canonical(void **state)
{
	struct zone_store *z = load(
	    "$TTL 1\n@ SOA a b 1 2 3 4 5\nZ A 192.0.2.1\nb.a A 192.0.2.1\n"
	    "a A 192.0.2.1\n", NULL);
	char buf[512], *p = buf;

	(void)state;
	zone_store_walk_sorted(z, collect, &p);
	assert_string_equal(buf, "example.org. a.example.org. "
	    "b.a.example.org. Z.example.org. ");
	zone_store_free(z);
}

/* What a walk in creation order prints: every record of every node. */
static int
dump(void *ud, const struct zone_node *n)
{
	FILE *fp = ud;
	const struct zone_rrset *s;
	const struct zone_rdata *rd;
	char on[DNS_NAME_TEXT_MAX], rt[256];

	dns_name_to_text(n->name, n->name_len, on, sizeof(on));
	for (s = n->rrsets; s != NULL; s = s->next)
		for (rd = s->rdata; rd != NULL; rd = rd->next) {
			dns_rdata_to_text(s->type, rd->data, rd->len, rt,
			    sizeof(rt), 0);
			fprintf(fp, "%s %u %u %s %u:%u\n", on, s->ttl, s->type,
			    rt, rd->line, rd->col);
		}
	return 0;
}

static void
two_thread_loader_builds_the_same_store(void **state)
{
	char path[] = "/tmp/mxkit-test-load.XXXXXX";
	struct mx_diag d1 = { NULL, NULL, 0, 0, 0, 0 };
	struct mx_diag d2 = { NULL, NULL, 0, 0, 0, 0 };
	struct zone_store *a, *b;
	struct zone_parse_opts o;
	char *text, *o1, *o2;
	size_t len = 0, l1, l2;
	FILE *fp, *m1, *m2;
	struct ctx ca;
	int fd, i;

	(void)state;
	/* Enough names for several batches and the two-thread check, with
	 * errors of both threads: syntax (parser) and out of zone (store). */
	text = malloc(8u << 20);
	assert_non_null(text);
	len += (size_t)sprintf(text + len, "$TTL 60\n@ SOA ns1 hm 1 2 3 4 5\n"
	    "@ NS ns1\nns1 A 192.0.2.1\n");
	for (i = 0; i < 80000; i++) {
		len += (size_t)sprintf(text + len, "n%d A 192.0.2.%d\n", i,
		    i % 256);
		if (i % 4 == 0)
			len += (size_t)sprintf(text + len, "n%d MX 10 n%d\n",
			    i, (i + 1) % 80000);
		if (i % 9973 == 0)
			len += (size_t)sprintf(text + len, "n%d A 300.1.1.1\n"
			    "x%d.example.net. A 192.0.2.1\n", i, i);
	}
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);

	a = load("", NULL);
	zone_store_free(a);
	a = zone_store_new(origin, sizeof(origin), NULL);
	b = zone_store_new(origin, sizeof(origin), NULL);
	memset(&o, 0, sizeof(o));
	o.file = path;
	o.origin = origin;
	o.origin_len = sizeof(origin);
	o.diag = &d1;
	o.accept = add;
	ca.z = a;
	ca.d = &d1;
	o.ud = &ca;
	assert_int_equal(zone_parse_file(&o), MX_ESYNTAX);
	o.diag = &d2;
	assert_int_equal(zone_load_file(b, &o), MX_ESYNTAX);
	unlink(path);
	assert_int_equal(d1.nerr, d2.nerr);
	assert_int_equal(d1.nerr, 2 * 9);	/* 9 bad A + 9 out of zone */
	zone_store_finish(a, NULL);
	zone_store_finish(b, NULL);
	assert_int_equal(zone_store_count(a), zone_store_count(b));
	m1 = open_memstream(&o1, &l1);
	m2 = open_memstream(&o2, &l2);
	zone_store_walk(a, dump, m1);
	zone_store_walk(b, dump, m2);
	fclose(m1);
	fclose(m2);
	if (l1 != l2 || memcmp(o1, o2, l1) != 0) {
		FILE *x = fopen("/tmp/mxkit-st-a", "w"), *y =
		    fopen("/tmp/mxkit-st-b", "w");

		fwrite(o1, 1, l1, x);
		fwrite(o2, 1, l2, y);
		fclose(x);
		fclose(y);
		fail_msg("the two stores differ: diff /tmp/mxkit-st-a "
		    "/tmp/mxkit-st-b");
	}
	free(o1);
	free(o2);
	zone_store_free(a);
	zone_store_free(b);
	fp = NULL;
	(void)fp;
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_and_types),
		cmocka_unit_test(empty_non_terminals_exist_without_data),
		cmocka_unit_test(closest_encloser),
		cmocka_unit_test(cuts_glue_and_occlusion),
		cmocka_unit_test(wildcards_are_marked_on_their_parent),
		cmocka_unit_test(duplicates_removed_and_ttls_unified),
		cmocka_unit_test(sorted_walk_is_canonical),
		cmocka_unit_test(two_thread_loader_builds_the_same_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
