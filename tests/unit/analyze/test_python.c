/* Tests for the Python metadata analyzer: trivy's python-packaging fixtures
 * with their expected names and versions, syft's site-packages layouts. */
#include "lang_test.h"

static const struct {
	const char *file, *name, *version, *license;
} trivy[] = {
    {"setuptools-51.3.3-py3.8.egg-info.PKG-INFO", "setuptools", "51.3.3", NULL},
    {"unidecode-egg-info.PKG-INFO", "unidecode", "0.4.1", NULL},
    {"distlib-0.3.1-py3.9.egg-info", "distlib", "0.3.1", "Python license"},
    {"simple-0.1.0.METADATA", "simple", "0.1.0", NULL},
    {"distlib-0.3.1.METADATA", "distlib", "0.3.1", "Python license"},
    {"asyncssh-2.14.2.METADATA", "asyncssh", "2.14.2", "Eclipse Public License v2.0"},
    {"pyphen-0.14.0.METADATA", "pyphen", "0.14.0", NULL},
    {"iniconfig-2.0.0.METADATA", "iniconfig", "2.0.0", "MIT"},
    {"zipp-3.12.1.METADATA", "zipp", "3.12.1", NULL},
    {"networkx-3.0.METADATA", "networkx", "3.0", NULL},
};

/* Every fixture trivy lists yields its one package, the name normalised as
 * PEP 503 says (trivy's "Unidecode" is "unidecode"); the TSV is read too so
 * that a fixture added there without a row here fails. */
static void test_trivy(void **state)
{
	(void)state;
	struct package_list all = {0};
	for (size_t i = 0; i < sizeof(trivy) / sizeof(trivy[0]); i++) {
		char rel[256];
		snprintf(rel, sizeof(rel), "trivy-fixtures/python-packaging/%s", trivy[i].file);
		struct package_list l = {0};
		assert_int_equal(lang_parse_fixture(&l, python_metadata_parse, rel, "x/METADATA"),
		                 0);
		assert_int_equal(l.n, 1);
		assert_string_equal(l.items[0].type, "pypi");
		assert_string_equal(l.items[0].name, trivy[i].name);
		assert_string_equal(l.items[0].version, trivy[i].version);
		if (trivy[i].license)
			assert_string_equal(l.items[0].license, trivy[i].license);
		else
			assert_null(l.items[0].license); /* none, or "UNKNOWN" */
		assert_int_equal(lang_parse_fixture(&all, python_metadata_parse, rel, "x"), 0);
		package_list_free(&l);
	}
	size_t len = 0;
	char *tsv = (char *)fixture_read("trivy-fixtures/EXPECTED/python-packaging__all.tsv", &len);
	assert_non_null(tsv);
	size_t rows = 0;
	for (char *c = tsv; (c = strchr(c, '\n')); c++)
		rows += c[1] != 0;
	free(tsv);
	assert_int_equal(rows, sizeof(trivy) / sizeof(trivy[0]));
	assert_int_equal(all.n, rows);
	package_list_free(&all);
}

static void analyze(struct file_result *fr, const char *rel, const char *path)
{
	size_t len = 0;
	unsigned char *d = fixture_read(rel, &len);
	assert_non_null(d);
	customs_error err = {0};
	assert_true(analyzer_wants(&analyzer_python, path));
	assert_int_equal(analyzer_python.analyze_file(fr, path, d, len, NULL, &err), 0);
	free(d);
}

static void test_syft_site_packages(void **state)
{
	(void)state;
	static const struct {
		const char *rel, *path, *name, *version;
	} t[] = {
	    {"nested/dist-name/dist-info/METADATA",
	     "usr/lib/python3/site-packages/p.dist-info/METADATA", "pygments", "2.6.1"},
	    {"nested/egg-name/egg-info/PKG-INFO",
	     "usr/lib/python3/site-packages/r.egg-info/PKG-INFO", "requests", "2.22.0"},
	    {"uppercase/dist-name/DIST-INFO/METADATA", "site-packages/P.DIST-INFO/METADATA",
	     "pygments", "2.6.1"},
	    {"uppercase/egg-name/EGG-INFO/PKG-INFO", "site-packages/R.EGG-INFO/PKG-INFO",
	     "requests", "2.22.0"},
	    {"no-version/no-version-py3.8.egg-info", "site-packages/no-version-py3.8.egg-info",
	     "no-version", ""},
	    {"partial.dist-info/METADATA", "site-packages/partial.dist-info/METADATA", "pygments",
	     "2.6.1"},
	    {"malformed-record/dist-info/METADATA", "site-packages/m.dist-info/METADATA",
	     "pygments", "2.6.1"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char rel[256];
		snprintf(rel, sizeof(rel), "syft-fixtures/python/testdata/site-packages/%s",
		         t[i].rel);
		struct file_result fr = {0};
		analyze(&fr, rel, t[i].path);
		assert_int_equal(fr.pkgs.n, 1);
		assert_string_equal(fr.pkgs.items[0].name, t[i].name);
		assert_string_equal(fr.pkgs.items[0].version, t[i].version);
		assert_string_equal(fr.pkgs.items[0].path, t[i].path);
		file_result_clear(&fr);
	}
	/* A METADATA outside a dist-info folder is some other file. */
	struct file_result fr = {0};
	analyze(&fr, "syft-fixtures/python/testdata/site-packages/partial.dist-info/METADATA",
	        "usr/share/doc/METADATA");
	assert_int_equal(fr.pkgs.n, 0);
	file_result_clear(&fr);
}

static int parse(struct package_list *l, const char *s)
{
	customs_error err = {0};
	return python_metadata_parse(l, "m", (const uint8_t *)s, strlen(s), NULL, &err);
}

static void test_rules(void **state)
{
	(void)state;
	struct package_list l = {0};
	/* PEP 503 normalisation and its purl. */
	assert_int_equal(parse(&l, "Name: Zope.Interface__X\r\nVersion: 5.0\r\n"), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "zope-interface-x");
	lang_expect_purl(&l, "zope-interface-x", "5.0", "pkg:pypi/zope-interface-x@5.0");
	/* Headers stop at the blank line: a "Name:" in the description is text. */
	assert_int_equal(parse(&l, "Version: 1\n\nName: late\n"), 0);
	assert_int_equal(l.n, 1);
	/* No name, empty input, a name with a control byte: nothing. */
	assert_int_equal(parse(&l, ""), 0);
	assert_int_equal(parse(&l, "Name: a\x01"
	                           "b\nVersion: 1\n"),
	                 0);
	assert_int_equal(l.n, 1);
	/* A multi-line license text keeps its first line; License-Expression wins. */
	assert_int_equal(parse(&l, "Name: a\nVersion: 1\nLicense: MIT\n  more text\n"), 0);
	assert_string_equal(l.items[1].license, "MIT");
	assert_int_equal(parse(&l, "Name: b\nVersion: 1\nLicense: x\nLicense-Expression: MIT\n"),
	                 0);
	assert_string_equal(l.items[2].license, "MIT");
	package_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_trivy),
	    cmocka_unit_test(test_syft_site_packages),
	    cmocka_unit_test(test_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
