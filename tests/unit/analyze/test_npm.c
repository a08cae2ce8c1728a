/* Tests for the npm analyzers: trivy's and syft's lockfile fixtures with
 * trivy's expected package sets, package.json rules and hostile inputs. */
#include "lang_test.h"

#define TF  "trivy-fixtures/"
#define EXP TF "EXPECTED/"

static void check_lock(lang_parse_fn fn, const char *rel, const char *path, const char *exp)
{
	lang_check_fixture(fn, rel, path, exp, "npm");
}

static void test_package_lock(void **state)
{
	(void)state;
	check_lock(npm_lock_parse, TF "nodejs-npm/package-lock_v1.json", "app/package-lock.json",
	           EXP "nodejs-npm__package-lock_v1.json.tsv");
	check_lock(npm_lock_parse, TF "nodejs-npm/package-lock_v2.json", "app/package-lock.json",
	           EXP "nodejs-npm__package-lock_v2.json+v3.json.tsv");
	check_lock(npm_lock_parse, TF "nodejs-npm/package-lock_v3.json", "app/package-lock.json",
	           EXP "nodejs-npm__package-lock_v2.json+v3.json.tsv");
	struct package_list l = {0};
	assert_int_equal(lang_parse_fixture(&l, npm_lock_parse,
	                                    TF "nodejs-npm/package-lock_v3.json",
	                                    "package-lock.json"),
	                 0);
	lang_expect_purl(&l, "@babel/helper-string-parser", "7.19.4",
	                 "pkg:npm/%40babel/helper-string-parser@7.19.4");
	lang_expect_purl(&l, "ms", "0.7.2", "pkg:npm/ms@0.7.2");
	package_list_free(&l);
}

static void test_yarn(void **state)
{
	(void)state;
	check_lock(yarn_lock_parse, TF "nodejs-yarn/yarn_happy.lock", "yarn.lock",
	           EXP "nodejs-yarn__yarn_happy.lock.tsv");
	check_lock(yarn_lock_parse, TF "nodejs-yarn/yarn_v2_happy.lock", "yarn.lock",
	           EXP "nodejs-yarn__yarn_v2_happy.lock.tsv");
}

static void test_pnpm(void **state)
{
	(void)state;
	check_lock(pnpm_lock_parse, TF "nodejs-pnpm/pnpm-lock_v6.yaml", "pnpm-lock.yaml",
	           EXP "nodejs-pnpm__pnpm-lock_v6.yaml.tsv");
	check_lock(pnpm_lock_parse, TF "nodejs-pnpm/pnpm-lock_v9.yaml", "pnpm-lock.yaml",
	           EXP "nodejs-pnpm__pnpm-lock_v9.yaml.tsv");
}

/* syft's fixtures: every file parses and yields packages syft lists. */
static void test_syft(void **state)
{
	(void)state;
	static const struct {
		lang_parse_fn fn;
		const char *rel, *name, *version;
	} t[] = {
	    {npm_lock_parse, "pkg-lock/package-lock.json", "@actions/core", "1.6.0"},
	    {npm_lock_parse, "pkg-lock/package-lock-2.json", "@types/prop-types", "15.7.5"},
	    {npm_lock_parse, "pkg-lock/package-lock-3.json", "@types/prop-types", "15.7.5"},
	    {yarn_lock_parse, "yarn/yarn.lock", "@babel/code-frame", "7.10.4"},
	    {yarn_lock_parse, "yarn-berry/yarn.lock", "@babel/code-frame", "7.10.4"},
	    {pnpm_lock_parse, "pnpm/pnpm-lock.yaml", "@bcoe/v8-coverage", "0.2.3"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char rel[256];
		snprintf(rel, sizeof(rel), "syft-fixtures/javascript/testdata/%s", t[i].rel);
		struct package_list l = {0};
		assert_int_equal(lang_parse_fixture(&l, t[i].fn, rel, "x"), 0);
		if (!lang_find(&l, t[i].name, t[i].version))
			fail_msg("%s: %s@%s missing (%zu pkgs)", rel, t[i].name, t[i].version, l.n);
		package_list_free(&l);
	}
}

static int pj(struct package_list *l, const char *path, const char *json)
{
	customs_error err = {0};
	return npm_package_json_parse(l, path, (const uint8_t *)json, strlen(json), NULL, &err);
}

static void test_package_json(void **state)
{
	(void)state;
	struct package_list l = {0};
	const char *j = "{\"name\":\"@types/node\",\"version\":\"20.1.0\",\"license\":\"MIT\"}";
	assert_int_equal(pj(&l, "usr/lib/node_modules/@types/node/package.json", j), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "@types/node");
	assert_string_equal(l.items[0].license, "MIT");
	assert_string_equal(l.items[0].path, "usr/lib/node_modules/@types/node/package.json");
	/* Outside node_modules (an application's own project file), inside npm's
	 * bundled dependencies, or without a version: nothing. */
	assert_int_equal(pj(&l, "app/package.json", j), 0);
	assert_int_equal(pj(&l, "usr/lib/node_modules/npm/node_modules/abbrev/package.json", j), 0);
	assert_int_equal(pj(&l, "node_modules/x/package.json", "{\"name\":\"x\"}"), 0);
	assert_int_equal(pj(&l, "node_modules/x/package.json", "[1,2]"), 0);
	assert_int_equal(l.n, 1);
	/* Old-style license object, and a top-level node_modules. */
	assert_int_equal(
	    pj(&l, "node_modules/y/package.json",
	       "{\"name\":\"y\",\"version\":\"1.0.0\",\"license\":{\"type\":\"BSD\"}}"),
	    0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[1].license, "BSD");
	/* Broken JSON is an error and leaves the list alone. */
	assert_int_not_equal(pj(&l, "node_modules/z/package.json", "{\"name\":"), 0);
	assert_int_not_equal(pj(&l, "node_modules/z/package.json", ""), 0);
	assert_int_equal(l.n, 2);
	/* A control byte in the name: skipped. */
	assert_int_equal(
	    pj(&l, "node_modules/z/package.json", "{\"name\":\"a\\u0001b\",\"version\":\"1\"}"), 0);
	assert_int_equal(
	    pj(&l, "node_modules/z/package.json", "{\"name\":\"a\\u0000b\",\"version\":\"1\"}"), 0);
	assert_int_equal(l.n, 2);
	/* What npm reads, we read: a byte-order mark, duplicate keys (the last
	 * counts, as in JSON.parse), keys spelled with escapes, numbers of any
	 * size. A stricter reader dropped these files, hiding the package. */
	assert_int_equal(pj(&l, "node_modules/b/package.json",
	                    "\xef\xbb\xbf{\"name\":\"bom\",\"version\":\"1.0.0\"}"),
	                 0);
	assert_int_equal(pj(&l, "node_modules/d/package.json",
	                    "{\"name\":\"decoy\",\"version\":\"9.9.9\",\"size\":1e999,"
	                    "\"dependencies\":{\"x\":\"1\",\"x\":\"2\"},"
	                    "\"n\\u0061me\":\"lodash\",\"version\":\"4.17.20\","
	                    "\"license\":\"GPL\",\"license\":{\"type\":\"MIT\",\"type\":\"ISC\"}}"),
	                 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.items[2].name, "bom");
	assert_string_equal(l.items[3].name, "lodash");
	assert_string_equal(l.items[3].version, "4.17.20");
	assert_string_equal(l.items[3].license, "ISC");
	package_list_free(&l);
}

static void test_hostile(void **state)
{
	(void)state;
	struct package_list l = {0};
	customs_error err = {0};
	/* Over the package.json cap: refused, not parsed. */
	size_t big = LIMIT_PKG_MANIFEST_BYTES + 1;
	char *d = malloc(big);
	assert_non_null(d);
	memset(d, ' ', big);
	d[0] = '{';
	d[big - 1] = '}';
	assert_int_equal(npm_package_json_parse(&l, "node_modules/a/package.json", (uint8_t *)d,
	                                        big, NULL, &err),
	                 CUSTOMS_ETOOLARGE);
	free(d);
	/* Deep YAML nesting stops at the limit. */
	char y[4096];
	size_t n = 0;
	n += (size_t)snprintf(y + n, sizeof(y) - n, "packages:\n  a@1.0.0: ");
	for (int i = 0; i < 200; i++)
		y[n++] = '[';
	assert_int_not_equal(pnpm_lock_parse(&l, "pnpm-lock.yaml", (uint8_t *)y, n, NULL, &err), 0);
	assert_int_equal(l.n, 0);
	/* Truncated lockfiles. */
	const char *yl = "\"a@^1\":\n  version \"1.0.0\"\n\"b@^2\":\n  version";
	assert_int_equal(
	    yarn_lock_parse(&l, "yarn.lock", (const uint8_t *)yl, strlen(yl), NULL, &err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(yarn_lock_parse(&l, "yarn.lock", (const uint8_t *)"", 0, NULL, &err), 0);
	assert_int_equal(l.n, 1);
	package_list_free(&l);
}

static void test_analyzer(void **state)
{
	(void)state;
	assert_true(analyzer_wants(&analyzer_npm_package, "usr/lib/node_modules/a/package.json"));
	assert_true(analyzer_wants(&analyzer_npm_lock, "srv/app/package-lock.json"));
	assert_true(analyzer_wants(&analyzer_npm_lock, "srv/app/yarn.lock"));
	assert_true(analyzer_wants(&analyzer_npm_lock, "srv/app/pnpm-lock.yaml"));
	size_t len = 0;
	unsigned char *d = fixture_read(TF "nodejs-npm/package-lock_v1.json", &len);
	assert_non_null(d);
	struct file_result fr = {0};
	customs_error err = {0};
	/* npm's hidden lock inside node_modules repeats the package.json files. */
	assert_int_equal(analyzer_npm_lock.analyze_file(&fr, "app/node_modules/.package-lock.json",
	                                                d, len, NULL, &err),
	                 0);
	assert_int_equal(fr.pkgs.n, 0);
	assert_int_equal(
	    analyzer_npm_lock.analyze_file(&fr, "app/package-lock.json", d, len, NULL, &err), 0);
	assert_int_equal(fr.pkgs.n, 31);
	file_result_clear(&fr);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_package_lock), cmocka_unit_test(test_yarn),
	    cmocka_unit_test(test_pnpm),         cmocka_unit_test(test_syft),
	    cmocka_unit_test(test_package_json), cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_analyzer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
