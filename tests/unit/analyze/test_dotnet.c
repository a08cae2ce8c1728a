/* Tests for the .deps.json reader: trivy's fixture and its expected pair. */
#include "lang_test.h"

static void test_trivy(void **state)
{
	(void)state;
	struct file_result fr = {0};
	size_t len = 0;
	unsigned char *d = fixture_read("trivy-fixtures/dotnet/happy.deps.json", &len);
	assert_non_null(d);
	customs_error err = {0};
	const char *path = "app/ExampleApp1.deps.json";
	assert_true(analyzer_wants(&analyzer_dotnet, path));
	assert_int_equal(analyzer_dotnet.analyze_file(&fr, path, d, len, NULL, &err), 0);
	assert_int_equal(fr.pkgs.n, 2);
	assert_non_null(lang_find(&fr.pkgs, "ExampleApp1", "1.0.0"));
	lang_expect_purl(&fr.pkgs, "Newtonsoft.Json", "13.0.1", "pkg:nuget/Newtonsoft.Json@13.0.1");
	assert_string_equal(fr.pkgs.items[0].path, path);
	file_result_clear(&fr);
	free(d);
}

static void test_hostile(void **state)
{
	(void)state;
	struct package_list l = {0};
	customs_error err = {0};
	static const char *const bad[] = {"", "{", "[]", "{\"libraries\":3}"};
	for (size_t i = 0; i < 4; i++)
		assert_int_not_equal(
		    dotnet_deps_parse(&l, "x", (const uint8_t *)bad[i], strlen(bad[i]), NULL, &err),
		    0);
	const char *odd = "{\"libraries\":{\"NoSlash\":{\"type\":\"package\"},"
	                  "\"R/1\":{\"type\":\"referenceassembly\"},\"A/\":{\"type\":\"package\"},"
	                  "\"B/2\":{\"type\":\"package\"}}}";
	assert_int_equal(dotnet_deps_parse(&l, "x", (const uint8_t *)odd, strlen(odd), NULL, &err),
	                 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "B");
	package_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_trivy),
	    cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
