/* test_faults.c -- fault injection: every allocation of a zone store fails
 * in turn, and each failure must come back as a clean MX_ENOMEM */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mxkit/alloc.h"
#include "mxkit/dns.h"
#include "mxkit/err.h"
#include "mxkit/zone.h"

/*
 * SQLite's faultsim in small: an mx_allocator that fails allocation number
 * fail_at (1-based; 0 never fails) and counts what is still allocated, so
 * that a leak shows even without ASan. The harness builds a store from a
 * zone string for N = 1, 2, ... until a run needs fewer than N allocations
 * and succeeds; every run before that must fail with MX_ENOMEM and leave
 * nothing allocated once zone_store_free has run.
 *
 * zone_parse_string keeps its parser state and tokens in malloc, and
 * zone_check its glue table; only the store allocates through the hook.
 * The same runs over the golden zone files, read by zone_parse_file and by
 * zone_load_file (whose store allocates on its own thread).
 */
struct faults {
	unsigned long calls;		/* allocations asked for */
	unsigned long fail_at;
	long live;			/* allocated and not yet released */
	int failed;			/* the injected failure happened */
};

static void *
fault_alloc(void *ud, size_t size)
{
	struct faults *f = ud;

	if (++f->calls == f->fail_at) {
		f->failed = 1;
		return NULL;
	}
	f->live++;
	return malloc(size);
}

static void
fault_release(void *ud, void *p)
{
	struct faults *f = ud;

	if (p == NULL)
		return;
	f->live--;
	free(p);
}

struct run {
	struct zone_store *z;
	struct mx_diag *d;
};

static int
accept_rr(void *ud, const struct zone_rr *rr, const struct mx_where *w)
{
	struct run *r = ud;
	int e = zone_store_add(r->z, rr, w, r->d);

	return e == MX_EINVAL ? 0 : e;
}

static int
count_node(void *ud, const struct zone_node *n)
{
	(void)n;
	++*(size_t *)ud;
	return 0;
}

/* What a successful load looks like, to compare runs with. */
struct result {
	size_t records, names, walked;
	unsigned nerr, nwarn;
};

/* What to load and how. */
struct source {
	const char *text;		/* zone_parse_string on this, or */
	const char *file;		/* zone_parse_file / zone_load_file */
	int threads;			/* file: with zone_load_file */
	uint8_t origin[DNS_NAME_MAX];
	size_t origin_len;
};

/*
 * Loads src into a new store made with al: parse, add, finish, check and
 * a sorted walk. Returns 0 or the first error; the store is always freed.
 * Syntax errors in the text are findings, not failures.
 */
static int
load(const struct source *src, const struct mx_allocator *al,
    struct result *res)
{
	struct mx_diag d = { NULL, NULL, 0, 0, 0, ZONE_MAX_ERRORS };
	struct zone_parse_opts o;
	struct run run;
	int r;

	memset(res, 0, sizeof(*res));
	run.z = zone_store_new(src->origin, src->origin_len, al);
	if (run.z == NULL)
		return MX_ENOMEM;
	run.d = &d;
	memset(&o, 0, sizeof(o));
	o.file = src->file != NULL ? src->file : "faults.zone";
	o.origin = src->origin;
	o.origin_len = src->origin_len;
	o.diag = &d;
	o.accept = accept_rr;
	o.ud = &run;
	if (src->text != NULL)
		r = zone_parse_string(&o, src->text, strlen(src->text));
	else if (src->threads)
		r = zone_load_file(run.z, &o);
	else
		r = zone_parse_file(&o);
	if (r == MX_ESYNTAX)
		r = 0;
	if (r == 0)
		r = zone_store_finish(run.z, &d);
	if (r == 0)
		r = zone_check(run.z, &d);
	if (r == 0)
		r = zone_store_walk_sorted(run.z, count_node, &res->walked);
	if (r == 0) {
		res->records = zone_store_count(run.z);
		res->names = zone_store_names(run.z);
		res->nerr = d.nerr;
		res->nwarn = d.nwarn;
	}
	zone_store_free(run.z);
	return r;
}

/* Runs load with allocation N failing for N = 1, 2, ... */
static void
fail_each_allocation(const struct source *src)
{
	struct result want, got;
	unsigned long n;

	/* A clean load with malloc, to know what success is. */
	assert_int_equal(load(src, NULL, &want), 0);
	assert_true(want.records > 0);
	for (n = 1;; n++) {
		struct faults f = { 0, n, 0, 0 };
		struct mx_allocator al = { fault_alloc, fault_release, &f };
		int r = load(src, &al, &got);

		if (f.live != 0)
			fail_msg("allocation %lu failing: %ld blocks not "
			    "released", n, f.live);
		if (!f.failed) {
			/* Fewer than n allocations: the run must succeed
			 * exactly as the malloc one did. */
			if (r != 0)
				fail_msg("%s: run without a failure: %s",
				    src->file != NULL ? src->file : "text",
				    mx_errname(r));
			assert_int_equal(got.records, want.records);
			assert_int_equal(got.names, want.names);
			assert_int_equal(got.walked, want.walked);
			assert_int_equal(got.nerr, want.nerr);
			assert_int_equal(got.nwarn, want.nwarn);
			print_message("# %s%s: %lu allocations, each failed "
			    "once\n", src->file != NULL ? src->file : "text",
			    src->threads ? " (zone_load_file)" : "", n - 1);
			break;
		}
		if (r != MX_ENOMEM)
			fail_msg("%s: allocation %lu failing: %s, not ENOMEM",
			    src->file != NULL ? src->file : "text", n,
			    mx_errname(r));
	}
}

/* A small zone: SOA, NS, glue below a cut, an RRset of several records
 * to sort, a duplicate and a TTL mismatch, an MX check. */
static const char small_zone[] =
    "$TTL 1h\n"
    "@\tSOA\tns1 hostmaster 1 1h 15m 1w 1d\n"
    "@\tNS\tns1\n"
    "@\tNS\tns2\n"
    "@\tMX\t10 mail\n"
    "@\tMX\t20 mail2\n"
    "ns1\tA\t192.0.2.1\n"
    "ns2\tA\t192.0.2.2\n"
    "mail\tA\t192.0.2.25\n"
    "mail\tA\t192.0.2.26\n"
    "mail\tA\t192.0.2.25\n"
    "mail2\t300\tAAAA\t2001:db8::25\n"
    "mail2\t600\tAAAA\t2001:db8::26\n"
    "child\tNS\tns.child\n"
    "ns.child\tA\t192.0.2.53\n"
    "a.b.c.deep\tTXT\t\"empty non-terminals above\"\n"
    "*.wild\tMX\t10 mail\n"
    "out.example.net.\tA\t192.0.2.99\n";

static const uint8_t example_org[] = "\x07" "example" "\x03" "org" "\x00";

static void
text_source(struct source *src, const char *text)
{
	memset(src, 0, sizeof(*src));
	src->text = text;
	memcpy(src->origin, example_org, sizeof(example_org) - 1);
	src->origin_len = sizeof(example_org) - 1;
}

static void
test_small_zone(void **state)
{
	struct source src;

	(void)state;
	text_source(&src, small_zone);
	fail_each_allocation(&src);
}

/*
 * A zone big enough to grow what the store grows: the hash table (256
 * slots, doubled at half full), the node array (256 entries), the arena
 * (16 KiB blocks, doubling), and the sort buffer of zone_store_finish (an
 * RRset of 40 records).
 */
static char *
big_zone(void)
{
	size_t cap = 64 * 1024, len = 0, i;
	char *s = malloc(cap);

	assert_non_null(s);
	len += (size_t)snprintf(s + len, cap - len,
	    "$TTL 1h\n@ SOA ns1 hostmaster 1 1h 15m 1w 1d\n@ NS ns1\n"
	    "ns1 A 192.0.2.1\n");
	for (i = 0; i < 300; i++)
		len += (size_t)snprintf(s + len, cap - len,
		    "h%zu.s%zu A 192.0.2.%zu\n", i, i % 7, i % 250 + 1);
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(s + len, cap - len,
		    "big TXT \"record %zu of an RRset to sort\"\n", 39 - i);
	assert_true(len < cap);
	return s;
}

static void
test_big_zone(void **state)
{
	char *text = big_zone();
	struct source src;

	(void)state;
	text_source(&src, text);
	fail_each_allocation(&src);
	free(text);
}

/*
 * Every golden zone file (tests/unit/zone/data, under $MXKIT_SRCDIR or
 * ".") through zone_parse_file and through zone_load_file, whose store
 * runs on its own thread: an allocation failing there must come back as
 * MX_ENOMEM from the caller's thread too.
 */
static void
golden_files(int threads)
{
	const char *top = getenv("MXKIT_SRCDIR");
	char dir[4096], path[8192], first[1024];
	struct dirent *de;
	unsigned files = 0;
	DIR *dp;

	if (top == NULL || top[0] == '\0')
		top = ".";
	snprintf(dir, sizeof(dir), "%s/tests/unit/zone/data", top);
	dp = opendir(dir);
	if (dp == NULL)
		fail_msg("cannot open %s (set MXKIT_SRCDIR)", dir);
	while ((de = readdir(dp)) != NULL) {
		size_t n = strlen(de->d_name), k;
		struct source src;
		FILE *fp;

		if (n < 6 || strcmp(de->d_name + n - 5, ".zone") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		memset(&src, 0, sizeof(src));
		src.file = path;
		src.threads = threads;
		/* The origin is on the first line: "; origin: NAME". */
		fp = fopen(path, "r");
		assert_non_null(fp);
		if (fgets(first, sizeof(first), fp) == NULL)
			first[0] = '\0';
		fclose(fp);
		assert_int_equal(strncmp(first, "; origin: ", 10), 0);
		k = strcspn(first + 10, " \t\r\n");
		assert_int_equal(dns_name_from_text(first + 10, k, NULL, 0,
		    src.origin, &src.origin_len, NULL), 0);
		fail_each_allocation(&src);
		files++;
	}
	closedir(dp);
	assert_true(files > 0);
}

static void
test_golden_files_parse(void **state)
{
	(void)state;
	golden_files(0);
}

static void
test_golden_files_load(void **state)
{
	(void)state;
	golden_files(1);
}

/*
 * zone_load_file over a file of several batches (1 MiB each): a store
 * failure in an early batch must stop the parser thread, which may be
 * waiting for a free batch, and still return MX_ENOMEM. 2000 names of 25
 * TXT records each: about 3.5 MiB of batches, few store allocations.
 */
static void
test_multi_batch_load(void **state)
{
	char path[] = "/tmp/mxkit-faults-XXXXXX";
	struct source src;
	size_t i, k;
	FILE *fp;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fprintf(fp, "$TTL 1h\n@ SOA ns1 hostmaster 1 1h 15m 1w 1d\n"
	    "@ NS ns1\nns1 A 192.0.2.1\n");
	for (i = 0; i < 2000; i++)
		for (k = 0; k < 25; k++)
			fprintf(fp, "name%04zu TXT \"text %02zu of a record that "
			    "fills batches\"\n", i, k);
	assert_int_equal(fclose(fp), 0);
	memset(&src, 0, sizeof(src));
	src.file = path;
	src.threads = 1;
	memcpy(src.origin, example_org, sizeof(example_org) - 1);
	src.origin_len = sizeof(example_org) - 1;
	fail_each_allocation(&src);
	unlink(path);
}

/* zone_store_new itself: each of its allocations fails cleanly. */
static void
test_store_new(void **state)
{
	static const uint8_t origin[] = "\x07" "example" "\x03" "org" "\x00";
	unsigned long n;

	(void)state;
	for (n = 1;; n++) {
		struct faults f = { 0, n, 0, 0 };
		struct mx_allocator al = { fault_alloc, fault_release, &f };
		struct zone_store *z = zone_store_new(origin,
		    sizeof(origin) - 1, &al);

		if (!f.failed) {
			assert_non_null(z);
			zone_store_free(z);
			assert_int_equal(f.live, 0);
			break;
		}
		assert_null(z);
		assert_int_equal(f.live, 0);
	}
	assert_true(n > 1);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_new),
		cmocka_unit_test(test_small_zone),
		cmocka_unit_test(test_big_zone),
		cmocka_unit_test(test_golden_files_parse),
		cmocka_unit_test(test_golden_files_load),
		cmocka_unit_test(test_multi_batch_load),
	};

	return cmocka_run_group_tests_name("zone_faults", tests, NULL, NULL);
}
