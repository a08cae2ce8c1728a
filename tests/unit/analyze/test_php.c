/* Tests for the Composer reader: trivy's composer.lock with its expected
 * set, and installed.json in both the 1.x and 2.x forms. */
#include "lang_test.h"

static void test_trivy(void **state)
{
	(void)state;
	struct package_list l = {0};
	assert_int_equal(lang_parse_fixture(&l, composer_parse,
	                                    "trivy-fixtures/php-composer/composer_happy.lock",
	                                    "app/composer.lock"),
	                 0);
	lang_expect_tsv(&l, "trivy-fixtures/EXPECTED/php-composer__composer_happy.lock.tsv", 0);
	assert_int_equal(l.n, 10);
	lang_expect_purl(&l, "guzzlehttp/guzzle", "6.5.8", "pkg:composer/guzzlehttp/guzzle@6.5.8");
	assert_string_equal(lang_find(&l, "guzzlehttp/guzzle", NULL)->license, "MIT");
	package_list_free(&l);
}

static int parse(struct package_list *l, const char *s)
{
	customs_error err = {0};
	return composer_parse(l, "vendor/composer/installed.json", (const uint8_t *)s, strlen(s),
	                      NULL, &err);
}

static void test_installed(void **state)
{
	(void)state;
	struct package_list l = {0};
	/* Composer 1.x: a bare array; 2.x: an object with "packages". */
	assert_int_equal(parse(&l, "[{\"name\":\"a/b\",\"version\":\"1.0.0\"}]"), 0);
	assert_int_equal(parse(&l, "{\"packages\":[{\"name\":\"c/d\",\"version\":\"v2.1\","
	                           "\"license\":[\"BSD-3-Clause\"]}],\"dev\":true}"),
	                 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[1].license, "BSD-3-Clause");
	/* Entries without a version, wrong types, broken JSON. */
	assert_int_equal(parse(&l, "[{\"name\":\"e/f\"},3,{\"version\":1}]"), 0);
	assert_int_equal(l.n, 2);
	assert_int_not_equal(parse(&l, "[{"), 0);
	assert_int_not_equal(parse(&l, "\"x\""), 0);
	assert_int_equal(l.n, 2);
	package_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_trivy),
	    cmocka_unit_test(test_installed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
