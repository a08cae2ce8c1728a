/* Tests for the Cargo.lock reader: trivy's fixtures and expected sets. */
#include "lang_test.h"

static void test_trivy(void **state)
{
	(void)state;
	static const char *const f[] = {"cargo_normal.lock", "cargo_mixed.lock", "cargo_v3.lock"};
	static const size_t counts[] = {8, 8, 9};
	for (size_t i = 0; i < 3; i++) {
		char rel[256], exp[256];
		snprintf(rel, sizeof(rel), "trivy-fixtures/rust-cargo/%s", f[i]);
		snprintf(exp, sizeof(exp), "trivy-fixtures/EXPECTED/rust-cargo__%s.tsv", f[i]);
		assert_int_equal(
		    lang_check_fixture(cargo_lock_parse, rel, "src/Cargo.lock", exp, "cargo"),
		    counts[i]);
	}
	struct package_list l = {0};
	assert_int_equal(lang_parse_fixture(&l, cargo_lock_parse,
	                                    "trivy-fixtures/rust-cargo/cargo_v3.lock",
	                                    "Cargo.lock"),
	                 0);
	lang_expect_purl(&l, "aho-corasick", "0.7.20", "pkg:cargo/aho-corasick@0.7.20");
	package_list_free(&l);
}

static void test_syft(void **state)
{
	(void)state;
	struct package_list l = {0};
	assert_int_equal(lang_parse_fixture(&l, cargo_lock_parse,
	                                    "syft-fixtures/rust/testdata/Cargo.lock", "Cargo.lock"),
	                 0);
	assert_true(l.n > 0);
	package_list_free(&l);
}

static void test_hostile(void **state)
{
	(void)state;
	struct package_list l = {0};
	customs_error err = {0};
	const char *s = "[[package]]\nname = \"a\"\nversion = \"1\"\n[[package]]\nname = \"b\"\n"
	                "[[package]]\nversion = \"2\"\n[metadata]\nname = \"c\"\nversion = \"3\"\n"
	                "[[package]]\nname = \"d";
	assert_int_equal(cargo_lock_parse(&l, "C", (const uint8_t *)s, strlen(s), NULL, &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "a");
	assert_int_equal(cargo_lock_parse(&l, "C", (const uint8_t *)"", 0, NULL, &err), 0);
	assert_int_equal(l.n, 1);
	package_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_trivy),
	    cmocka_unit_test(test_syft),
	    cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
