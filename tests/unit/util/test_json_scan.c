/* Unit tests for src/util/json_scan.c: the grammar it accepts and refuses,
 * the members it hands out (JSON.parse's rules: last duplicate wins), string
 * decoding, and agreement with jansson on every text jansson accepts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "util/error.h"
#include "util/json_scan.h"

static int scan(const char *text, struct json_want *w, size_t n, bool *is_object)
{
	customs_error err = {0};
	return json_scan_top((const uint8_t *)text, strlen(text), w, n, is_object, "t", &err);
}

static bool valid(const char *text)
{
	bool obj;
	return scan(text, NULL, 0, &obj) == 0;
}

/* The wanted value as text, for comparisons ("" when absent). */
static char *value_text(const struct json_want *w)
{
	char *s = malloc(w->value_len + 1);
	assert_non_null(s);
	memcpy(s, w->value ? (const char *)w->value : "", w->value_len);
	s[w->value_len] = '\0';
	return s;
}

static void test_grammar(void **state)
{
	(void)state;
	const char *good[] = {
	    "{}",
	    "[]",
	    "0",
	    "-0",
	    "1.5e-3",
	    "-12E+4",
	    "\"\"",
	    "true",
	    "false",
	    "null",
	    " \t\r\n{ \"a\" : [ 1 , { } , [ ] , \"x\" ] } \n",
	    "\xef\xbb\xbf{\"bom\":1}",              /* npm strips a byte-order mark */
	    "{\"a\":1,\"a\":2}",                    /* duplicates: JSON.parse keeps the last */
	    "[123456789012345678901234567890e999]", /* any size of number */
	    "\"\\ud800 lone surrogate\"",           /* JSON.parse allows it */
	    "\"\\u0000 nul\"",
	    "\"caf\xff bytes that are not UTF-8\"",
	    "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9\"",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!valid(good[i]))
			fail_msg("refused: %s", good[i]);
	const char *bad[] = {
	    "",
	    " ",
	    "{",
	    "}",
	    "[1,]",
	    "{\"a\":1,}",
	    "{,}",
	    "[,1]",
	    "{\"a\"}",
	    "{\"a\" 1}",
	    "{1:2}",
	    "{'a':1}",
	    "01",
	    "1.",
	    ".5",
	    "-",
	    "1e",
	    "1e+",
	    "+1",
	    "0x10",
	    "NaN",
	    "Infinity",
	    "tru",
	    "nul",
	    "[true false]",
	    "{}{}",
	    "{} x",
	    "\"unterminated",
	    "\"bad \\x escape\"",
	    "\"bad \\u12 escape\"",
	    "\"raw \n newline\"",
	    "\"raw \x01 control\"",
	    "[\"a\\\"]",
	    "\xef\xbb\xbf",
	    "\xef\xbb{}",
	    "/* comment */ {}",
	    "{\"a\":1 // x\n}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (valid(bad[i]))
			fail_msg("accepted: %s", bad[i]);
	/* Nesting: up to the limit, not past it. */
	size_t n = JSON_SCAN_MAX_DEPTH;
	char *deep = malloc(2 * n + 4);
	assert_non_null(deep);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	assert_true(valid(deep));
	memmove(deep + 1, deep, 2 * n + 1);
	deep[0] = '[';
	strcat(deep, "]");
	assert_false(valid(deep));
	free(deep);
	/* The error names the input and the byte. */
	customs_error err = {0};
	bool obj;
	assert_int_equal(
	    json_scan_top((const uint8_t *)"[1,]", 4, NULL, 0, &obj, "x/package.json", &err),
	    CUSTOMS_EINVAL);
	assert_non_null(strstr(err.message, "x/package.json: invalid JSON at byte 3"));
}

static void test_members(void **state)
{
	(void)state;
	struct json_want w[] = {{.key = "name"}, {.key = "version"}, {.key = "license"}};
	bool obj;
	const char *doc =
	    "{\"version\": \"1\", \"nested\": {\"name\": \"inner\", \"version\": \"2\"},"
	    " \"name\" : \"outer\" , \"license\": {\"type\": \"MIT\"},"
	    " \"list\": [{\"name\": \"x\"}], \"version\": \"3\"}";
	assert_int_equal(scan(doc, w, 3, &obj), 0);
	assert_true(obj);
	const char *want[] = {"\"outer\"", "\"3\"", "{\"type\": \"MIT\"}"};
	for (size_t i = 0; i < 3; i++) {
		char *v = value_text(&w[i]);
		assert_string_equal(v, want[i]);
		free(v);
	}
	/* Members that are absent, or a root that is not an object. */
	assert_int_equal(scan("{\"other\": {\"name\": \"x\"}}", w, 3, &obj), 0);
	assert_true(obj);
	assert_null(w[0].value);
	assert_int_equal(scan("[{\"name\": \"x\"}]", w, 3, &obj), 0);
	assert_false(obj);
	assert_null(w[0].value);
	/* A key spelled with escapes is the same key. */
	assert_int_equal(scan("{\"n\\u0061me\": \"esc\", \"version\": []}", w, 3, &obj), 0);
	char *v = value_text(&w[0]);
	assert_string_equal(v, "\"esc\"");
	free(v);
	v = value_text(&w[1]);
	assert_string_equal(v, "[]");
	free(v);
	/* A byte-order mark before the object. */
	assert_int_equal(scan("\xef\xbb\xbf{\"name\":\"b\"}", w, 3, &obj), 0);
	assert_true(obj);
	v = value_text(&w[0]);
	assert_string_equal(v, "\"b\"");
	free(v);
}

static void test_strings(void **state)
{
	(void)state;
	struct {
		const char *raw, *want;
		size_t want_len;
	} t[] = {
	    {"\"plain\"", "plain", 5},
	    {"\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", "\" \\ / \b \f \n \r \t", 15},
	    {"\"\\u00e9\\u20AC\\ud83d\\ude00\"", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9},
	    {"\"\\ud800x\\udc00\"", "\xef\xbf\xbdx\xef\xbf\xbd", 7},
	    {"\"a\\u0000b\"", "a\0b", 3},
	    {"\"\\ud83d\\u0041\"", "\xef\xbf\xbd\x41", 4},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t n = 0;
		bool oom = false;
		char *s = json_scan_string((const uint8_t *)t[i].raw, strlen(t[i].raw), &n, &oom);
		assert_non_null(s);
		assert_false(oom);
		assert_int_equal(n, t[i].want_len);
		assert_memory_equal(s, t[i].want, n);
		assert_int_equal(s[n], '\0');
		free(s);
	}
	size_t n;
	bool oom = false;
	assert_null(json_scan_string((const uint8_t *)"123", 3, &n, &oom));
	assert_null(json_scan_string((const uint8_t *)"{}", 2, &n, &oom));
	assert_null(json_scan_string((const uint8_t *)"\"", 1, &n, &oom));
	assert_null(json_scan_string((const uint8_t *)"\"\\q\"", 4, &n, &oom));
	assert_false(oom);
}

/* Every text jansson reads (without its extras) we read too, and the
 * top-level string members decode to what jansson gives. */
static void test_agrees_with_jansson(void **state)
{
	(void)state;
	const char *docs[] = {
	    ("{\"name\":\"@scope/pkg\",\"version\":\"1.2.3-beta.1+build\",\"license\":\"(MIT OR "
	     "Apache-2.0)\",\"deps\":{\"a\":\"^1\"},\"n\":[1,2.5,-3e2,true,false,null]}"),
	    "{\"name\":\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/\",\"version\":\"\\t1\"}",
	    "{\"name\":\"\xe2\x98\x83\",\"version\":\"\"}",
	    "  {  }  ",
	    "{\"version\":{\"name\":\"nested\"},\"name\":[]}",
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		json_error_t je;
		json_t *j = json_loads(docs[i], JSON_REJECT_DUPLICATES, &je);
		assert_non_null(j);
		struct json_want w[] = {{.key = "name"}, {.key = "version"}};
		bool obj;
		assert_int_equal(scan(docs[i], w, 2, &obj), 0);
		assert_true(obj);
		for (size_t k = 0; k < 2; k++) {
			json_t *jv = json_object_get(j, w[k].key);
			size_t n = 0;
			bool oom = false;
			char *s = w[k].value
			              ? json_scan_string(w[k].value, w[k].value_len, &n, &oom)
			              : NULL;
			if (json_is_string(jv)) {
				assert_non_null(s);
				assert_int_equal(n, json_string_length(jv));
				assert_memory_equal(s, json_string_value(jv), n);
			} else {
				assert_null(s);
				assert_true(!jv == !w[k].value);
			}
			free(s);
		}
		json_decref(j);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_grammar),
	    cmocka_unit_test(test_members),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_agrees_with_jansson),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
