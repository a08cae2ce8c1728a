/* Tests for the Ruby readers: trivy's Gemfile.lock fixtures with their
 * expected sets, and installed gemspecs as RubyGems writes them. */
#include "lang_test.h"

static void test_trivy(void **state)
{
	(void)state;
	static const char *const f[] = {"Gemfile_normal.lock", "Gemfile_bundler2.lock"};
	static const size_t counts[] = {7, 8};
	for (size_t i = 0; i < 2; i++) {
		char rel[256], exp[256];
		snprintf(rel, sizeof(rel), "trivy-fixtures/ruby-bundler/%s", f[i]);
		snprintf(exp, sizeof(exp), "trivy-fixtures/EXPECTED/ruby-bundler__%s.tsv", f[i]);
		assert_int_equal(
		    lang_check_fixture(gemfile_lock_parse, rel, "app/Gemfile.lock", exp, "gem"),
		    counts[i]);
	}
}

static void test_syft(void **state)
{
	(void)state;
	struct package_list l = {0};
	assert_int_equal(lang_parse_fixture(&l, gemfile_lock_parse,
	                                    "syft-fixtures/ruby/testdata/Gemfile.lock",
	                                    "Gemfile.lock"),
	                 0);
	assert_true(l.n > 0);
	assert_non_null(lang_find(&l, "actionmailer", NULL));
	lang_expect_purl(&l, "actionmailer", lang_find(&l, "actionmailer", NULL)->version,
	                 "pkg:gem/actionmailer@4.1.1");
	package_list_free(&l);
}

/* The start of a real installed gemspec (rake 13.0.6 from Debian's
 * ruby-rake, as RubyGems writes it into specifications/). */
static const char rake[] =
    "# -*- encoding: utf-8 -*-\n"
    "# stub: rake 13.0.6 ruby lib\n\n"
    "Gem::Specification.new do |s|\n"
    "  s.name = \"rake\".freeze\n"
    "  s.version = \"13.0.6\"\n\n"
    "  s.required_rubygems_version = Gem::Requirement.new(\">= 1.3.2\".freeze) if "
    "s.respond_to? :required_rubygems_version=\n"
    "  s.licenses = [\"MIT\".freeze]\n"
    "end\n";

static void test_gemspec(void **state)
{
	(void)state;
	struct file_result fr = {0};
	customs_error err = {0};
	const char *path = "usr/share/rubygems-integration/all/specifications/rake-13.0.6.gemspec";
	assert_true(analyzer_wants(&analyzer_ruby, path));
	assert_int_equal(analyzer_ruby.analyze_file(&fr, path, (const uint8_t *)rake,
	                                            sizeof(rake) - 1, NULL, &err),
	                 0);
	assert_int_equal(fr.pkgs.n, 1);
	assert_string_equal(fr.pkgs.items[0].name, "rake");
	assert_string_equal(fr.pkgs.items[0].version, "13.0.6");
	assert_string_equal(fr.pkgs.items[0].license, "MIT");
	file_result_clear(&fr);
	/* A gemspec in a source tree is not an installed gem. */
	assert_int_equal(analyzer_ruby.analyze_file(&fr, "src/rake/rake.gemspec",
	                                            (const uint8_t *)rake, sizeof(rake) - 1, NULL,
	                                            &err),
	                 0);
	assert_int_equal(fr.pkgs.n, 0);
	/* Truncated: no version, no package. */
	assert_int_equal(gemspec_parse(&fr.pkgs, "x", (const uint8_t *)rake, 110, NULL, &err), 0);
	assert_int_equal(fr.pkgs.n, 0);
	file_result_clear(&fr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_trivy),
	    cmocka_unit_test(test_syft),
	    cmocka_unit_test(test_gemspec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
