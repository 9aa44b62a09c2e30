/* test_jw.c -- the streaming JSON writer: structure, escaping (RFC 8259 7), bytes that are not UTF-8 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/jw.h"

static char *
text(struct jw *w)
{
	static char buf[4096];

	assert_false(w->oom);
	assert_true(w->len < sizeof(buf));
	memcpy(buf, w->buf, w->len);
	buf[w->len] = '\0';
	return buf;
}

static void
compact_structure(void **state)
{
	struct jw w;

	(void)state;
	jw_init(&w, 0);
	jw_obj(&w);
	jw_key(&w, "a");
	jw_int(&w, -12);
	jw_key(&w, "b");
	jw_arr(&w);
	jw_bool(&w, 1);
	jw_null(&w);
	jw_obj(&w);
	jw_obj_end(&w);
	jw_arr(&w);
	jw_arr_end(&w);
	jw_arr_end(&w);
	jw_key(&w, "c");
	jw_str(&w, "x");
	jw_obj_end(&w);
	assert_string_equal(text(&w),
	    "{\"a\":-12,\"b\":[true,null,{},[]],\"c\":\"x\"}");
	/* reset keeps the buffer, starts over */
	jw_reset(&w);
	jw_arr(&w);
	jw_int(&w, 1);
	jw_int(&w, 2);
	jw_arr_end(&w);
	assert_string_equal(text(&w), "[1,2]");
	jw_free(&w);
}

static void
indented(void **state)
{
	struct jw w;

	(void)state;
	jw_init(&w, 2);
	jw_obj(&w);
	jw_key(&w, "k");
	jw_arr(&w);
	jw_int(&w, 1);
	jw_arr_end(&w);
	jw_key(&w, "e");
	jw_arr(&w);
	jw_arr_end(&w);
	jw_obj_end(&w);
	assert_string_equal(text(&w), "{\n  \"k\": [\n    1\n  ],\n  \"e\": []\n}");
	jw_free(&w);
}

static void
string_escapes(void **state)
{
	static const struct {
		const char *what;
		const char *in;
		size_t len;
		const char *out;
	} cases[] = {
		{ "plain", "v=spf1 -all", 11, "\"v=spf1 -all\"" },
		{ "quote and backslash", "a\"b\\c", 5, "\"a\\\"b\\\\c\"" },
		{ "newline tab return", "\n\t\r", 3, "\"\\n\\t\\r\"" },
		{ "other controls", "\x01\x1f", 2, "\"\\u0001\\u001f\"" },
		{ "NUL inside", "a\0b", 3, "\"a\\u0000b\"" },
		{ "UTF-8 kept", "b\xc3\xbc" "cher", 7, "\"b\xc3\xbc" "cher\"" },
		{ "4-byte UTF-8 kept", "\xf0\x9f\x93\xa7", 4,
		  "\"\xf0\x9f\x93\xa7\"" },
		{ "lone continuation byte", "\x80", 1, "\"\\u0080\"" },
		{ "overlong slash", "\xc0\xaf", 2, "\"\\u00c0\\u00af\"" },
		{ "surrogate", "\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"" },
		{ "cut sequence", "\xe2\x82", 2, "\"\\u00e2\\u0082\"" },
		{ "over U+10FFFF", "\xf4\x90\x80\x80", 4,
		  "\"\\u00f4\\u0090\\u0080\\u0080\"" },
		{ "DEL is fine", "\x7f", 1, "\"\x7f\"" },
	};
	struct jw w;
	size_t i;

	(void)state;
	jw_init(&w, 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		jw_reset(&w);
		jw_strn(&w, cases[i].in, cases[i].len);
		if (strcmp(text(&w), cases[i].out) != 0)
			fail_msg("%s: got %s", cases[i].what, text(&w));
	}
	jw_free(&w);
}

static void
grows_past_its_first_buffer(void **state)
{
	struct jw w;
	char big[3000];
	int i;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	jw_init(&w, 0);
	jw_arr(&w);
	for (i = 0; i < 10; i++)
		jw_str(&w, big);
	jw_arr_end(&w);
	assert_false(w.oom);
	assert_int_equal(w.len, 2 + 10 * (sizeof(big) - 1 + 2) + 9);
	jw_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(compact_structure),
		cmocka_unit_test(indented),
		cmocka_unit_test(string_escapes),
		cmocka_unit_test(grows_past_its_first_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
