/* test_cur.c -- bounded cursors: reads, writes, sticky errors; the arena */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mxkit/err.h"
#include "util/arena.h"
#include "util/cur.h"

static void
read_fields_in_order(void **state)
{
	/* 0x01 (u8), 0x0203 (u16), 0x04050607 (u32), "xy" */
	static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	    'x', 'y' };
	struct cur c;
	char two[2];

	(void)state;
	cur_init(&c, b, sizeof(b));
	assert_int_equal(cur_u8(&c), 0x01);
	assert_int_equal(cur_u16(&c), 0x0203);
	assert_int_equal(cur_u32(&c), 0x04050607u);
	cur_copy(&c, two, 2);
	assert_memory_equal(two, "xy", 2);
	assert_int_equal(c.err, 0);
	assert_int_equal(cur_left(&c), 0);
}

static void
short_read_is_sticky(void **state)
{
	static const uint8_t b[] = { 0xaa, 0xbb, 0xcc };
	struct cur c;

	(void)state;
	cur_init(&c, b, sizeof(b));
	assert_int_equal(cur_u16(&c), 0xaabb);
	/* One byte left: a u16 fails, returns 0 and does not move. */
	assert_int_equal(cur_u16(&c), 0);
	assert_int_equal(c.err, MX_ESHORT);
	assert_int_equal(c.off, 2);
	/* Sticky: even a read that would fit does nothing now. */
	assert_int_equal(cur_u8(&c), 0);
	assert_int_equal(c.off, 2);
	assert_null(cur_take(&c, 0));
}

static void
huge_length_does_not_wrap(void **state)
{
	static const uint8_t b[] = { 1, 2, 3, 4 };
	struct cur c;

	(void)state;
	cur_init(&c, b, sizeof(b));
	cur_skip(&c, 2);
	/* off + n would wrap around; the subtracting check catches it. */
	cur_skip(&c, SIZE_MAX - 1);
	assert_int_equal(c.err, MX_ESHORT);
	assert_int_equal(c.off, 2);
}

static void
write_until_full(void **state)
{
	uint8_t buf[7];
	struct wcur w;

	(void)state;
	wcur_init(&w, buf, sizeof(buf));
	wcur_u16(&w, 0x0102);
	wcur_u32(&w, 0x03040506);
	assert_int_equal(w.err, 0);
	/* Two more bytes do not fit in the one left: nothing is written. */
	wcur_u16(&w, 0xffff);
	assert_int_equal(w.err, MX_ESPACE);
	assert_int_equal(w.off, 6);
	wcur_u8(&w, 0x07);		/* sticky */
	assert_int_equal(w.off, 6);
	assert_memory_equal(buf, "\x01\x02\x03\x04\x05\x06", 6);
}

static void
patch_length_in_place(void **state)
{
	uint8_t buf[8];
	struct wcur w;

	(void)state;
	wcur_init(&w, buf, sizeof(buf));
	wcur_u16(&w, 0);		/* RDLENGTH placeholder */
	wcur_bytes(&w, "abc", 3);
	wcur_put16_at(&w, 0, 3);
	assert_memory_equal(buf, "\x00\x03" "abc", 5);
	/* Outside what was written: ignored. */
	wcur_put16_at(&w, 4, 0xffff);
	assert_memory_equal(buf, "\x00\x03" "abc", 5);
}

/* An allocator that fails from the Nth call on and counts what is out. */
struct failing {
	int calls, fail_at, live;
};

static void *
f_alloc(void *ud, size_t n)
{
	struct failing *f = ud;

	if (++f->calls >= f->fail_at)
		return NULL;
	f->live++;
	return malloc(n);
}

static void
f_free(void *ud, void *p)
{
	struct failing *f = ud;

	f->live--;
	free(p);
}

static void
arena_aligns_and_frees_everything(void **state)
{
	struct failing f = { 0, 1000, 0 };
	struct mx_allocator al = { f_alloc, f_free, &f };
	struct arena a;
	int i;

	(void)state;
	arena_init(&a, &al);
	for (i = 0; i < 10000; i++) {
		char *p = arena_alloc(&a, (size_t)(i % 37) + 1);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 8, 0);
		memset(p, 0xab, (size_t)(i % 37) + 1);
	}
	/* Bigger than any block: gets a block of its own. */
	assert_non_null(arena_alloc(&a, 10u << 20));
	assert_true(f.live > 1);
	arena_fini(&a);
	assert_int_equal(f.live, 0);
}

static void
arena_failure_is_clean(void **state)
{
	struct failing f = { 0, 3, 0 };
	struct mx_allocator al = { f_alloc, f_free, &f };
	struct arena a;
	int got = 0;

	(void)state;
	arena_init(&a, &al);
	/* Each request of 10 KiB needs a new block once the first fills. */
	while (arena_alloc(&a, 10 * 1024) != NULL)
		got++;
	assert_true(got >= 2);
	/* The arena is still usable and frees what it had. */
	arena_fini(&a);
	assert_int_equal(f.live, 0);
}

static void
err_names_are_stable(void **state)
{
	(void)state;
	assert_string_equal(mx_errname(MX_EMALF), "EMALF");
	assert_string_equal(mx_errname(MX_EPTRLOOP), "EPTRLOOP");
	assert_string_equal(mx_strerror(MX_ERDLEN),
	    "rdata does not match its RDLENGTH");
	assert_string_equal(mx_errname(-424242), "E?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_fields_in_order),
		cmocka_unit_test(short_read_is_sticky),
		cmocka_unit_test(huge_length_does_not_wrap),
		cmocka_unit_test(write_until_full),
		cmocka_unit_test(patch_length_in_place),
		cmocka_unit_test(arena_aligns_and_frees_everything),
		cmocka_unit_test(arena_failure_is_clean),
		cmocka_unit_test(err_names_are_stable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
