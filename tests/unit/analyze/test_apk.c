/* Tests for the apk installed-database parser: the Alpine minirootfs
 * tarballs, trivy's, apk-tools' and syft's fixtures with their expected results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pkgdb_test.h"

#define parse_mem(r, path, d, len) parsed_run(r, apk_installed_parse, path, d, len)
#define parse_rel(r, rel)          parsed_fixture(r, apk_installed_parse, rel)
#define find                       find_pkg

/* tests/data/SOURCES.md section 1: the 14 packages of each minirootfs
 * ("name-version", in database order) and the set of their origins. */
static const struct {
	const char *version;
	const char *pkgs[14];
	const char *origins;
} rootfs[] = {
    {"3.10.9",
     {"musl-1.1.22-r4", "busybox-1.30.1-r5", "alpine-baselayout-3.1.2-r0", "alpine-keys-2.1-r2",
      "libcrypto1.1-1.1.1k-r0", "libssl1.1-1.1.1k-r0", "ca-certificates-cacert-20191127-r2",
      "libtls-standalone-2.9.1-r0", "ssl_client-1.30.1-r5", "zlib-1.2.11-r1", "apk-tools-2.10.6-r0",
      "scanelf-1.2.3-r0", "musl-utils-1.1.22-r4", "libc-utils-0.7.1-r0"},
     " alpine-baselayout alpine-keys apk-tools busybox ca-certificates libc-dev "
     "libtls-standalone musl openssl pax-utils zlib "},
    {"3.12.12",
     {"musl-1.1.24-r10", "busybox-1.31.1-r22", "alpine-baselayout-3.2.0-r7", "alpine-keys-2.4-r0",
      "libcrypto1.1-1.1.1n-r0", "libssl1.1-1.1.1n-r0", "ca-certificates-bundle-20211220-r0",
      "libtls-standalone-2.9.1-r1", "ssl_client-1.31.1-r22", "zlib-1.2.12-r0",
      "apk-tools-2.10.8-r1", "scanelf-1.2.6-r0", "musl-utils-1.1.24-r10", "libc-utils-0.7.2-r3"},
     " alpine-baselayout alpine-keys apk-tools busybox ca-certificates libc-dev "
     "libtls-standalone musl openssl pax-utils zlib "},
    {"3.20.3",
     {"alpine-baselayout-3.6.5-r0", "alpine-baselayout-data-3.6.5-r0", "alpine-keys-2.4-r1",
      "apk-tools-2.14.4-r0", "busybox-1.36.1-r29", "busybox-binsh-1.36.1-r29",
      "ca-certificates-bundle-20240705-r0", "libcrypto3-3.3.2-r0", "libssl3-3.3.2-r0",
      "musl-1.2.5-r0", "musl-utils-1.2.5-r0", "scanelf-1.3.7-r2", "ssl_client-1.36.1-r29",
      "zlib-1.3.1-r1"},
     " alpine-baselayout alpine-keys apk-tools busybox ca-certificates musl openssl "
     "pax-utils zlib "},
};

static void test_minirootfs(void **state)
{
	for (size_t t = 0; t < sizeof(rootfs) / sizeof(rootfs[0]); t++) {
		char rel[128];
		snprintf(rel, sizeof(rel), "alpine-minirootfs/alpine-minirootfs-%s-x86_64.tar.gz",
		         rootfs[t].version);
		size_t len = 0;
		unsigned char *d = tar_member_read(rel, "lib/apk/db/installed", &len);
		assert_non_null(d);
		/* Through the analyzer, with the path as the layer reader gives it. */
		assert_true(analyzer_wants(&analyzer_apk, "lib/apk/db/installed"));
		struct file_result fr = {0};
		customs_error err = {0};
		assert_int_equal(
		    analyzer_apk.analyze_file(&fr, "lib/apk/db/installed", d, len, NULL, &err), 0);
		assert_int_equal(fr.pkgs.n, 14);
		size_t origins_seen = 0;
		for (size_t i = 0; i < 14; i++) {
			const customs_package *p = &fr.pkgs.items[i];
			char *nv = NULL;
			assert_true(asprintf(&nv, "%s-%s", p->name, p->version) > 0);
			assert_string_equal(nv, rootfs[t].pkgs[i]);
			free(nv);
			assert_string_equal(p->type, "apk");
			assert_string_equal(p->arch, "x86_64");
			assert_string_equal(p->path, "lib/apk/db/installed");
			assert_string_equal(p->src_version, p->version);
			assert_null(p->epoch);
			assert_non_null(p->license);
			assert_true(p->installed_size > 0);
			char *key = NULL;
			assert_true(asprintf(&key, " %s ", p->src_name) > 0);
			assert_non_null(strstr(rootfs[t].origins, key));
			free(key);
			/* Count each origin once, to check the set is covered. */
			size_t j = 0;
			while (j < i && strcmp(fr.pkgs.items[j].src_name, p->src_name) != 0)
				j++;
			origins_seen += j == i;
		}
		size_t origins_want = 0;
		for (const char *c = rootfs[t].origins + 1; *c; c++)
			origins_want += *c == ' ';
		assert_int_equal(origins_seen, origins_want);
		const customs_package *p = find(&fr.pkgs, "scanelf");
		assert_string_equal(p->src_name, "pax-utils");
		file_result_clear(&fr);
		free(d);
	}
}

static void test_trivy(void **state)
{
	struct parsed r;
	parse_rel(&r, "trivy-fixtures/apk/installed");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.skipped, 1);
	assert_int_equal(r.w.n, 1);
	assert_non_null(strstr(r.w.items[0], "invalidPackageWithoutAVersion"));
	size_t len = 0, rows = 0;
	char *t = (char *)fixture_read("trivy-fixtures/EXPECTED/apk__installed.tsv", &len);
	assert_non_null(t);
	for (char *line = t, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (strncmp(line, "name\t", 5) == 0)
			continue;
		char *f[4];
		f[0] = line;
		for (int i = 1; i < 4; i++) {
			f[i] = strchr(f[i - 1], '\t');
			assert_non_null(f[i]);
			*f[i]++ = 0;
		}
		assert_true(rows < r.l.n);
		const customs_package *p = &r.l.items[rows];
		assert_string_equal(p->name, f[0]);
		assert_string_equal(p->version, f[1]);
		assert_string_equal(p->src_name, f[2]);
		assert_string_equal(p->src_version, f[3]);
		rows++;
	}
	assert_int_equal(rows, 15);
	assert_int_equal(r.l.n, 15);
	free(t);
	parsed_free(&r);
}

static void test_apk_tools(void **state)
{
	struct parsed r;
	parse_rel(&r, "apk-tools-fixtures/query-installed.data");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.l.n, 39);
	assert_int_equal(r.skipped, 0);
	const customs_package *p = find(&r.l, "apk-tools");
	assert_string_equal(p->version, "2.14.6-r3");
	assert_int_equal(p->installed_size / 1024, 247); /* apk shows "247 KiB" */
	assert_string_equal(find(&r.l, "scanelf")->version, "1.3.8-r1");
	assert_string_equal(find(&r.l, "musl-utils")->version, "1.2.5-r9");
	assert_string_equal(find(&r.l, "alpine-baselayout")->version, "3.6.8-r1");
	parsed_free(&r);
}

#define SYFT "syft-fixtures/alpine/testdata/"

static void test_syft(void **state)
{
	struct parsed r;
	parse_rel(&r, SYFT "single");
	assert_int_equal(r.l.n, 1);
	const customs_package *p = &r.l.items[0];
	assert_string_equal(p->name, "musl-utils");
	assert_string_equal(p->version, "1.1.24-r2");
	assert_string_equal(p->src_name, "musl");
	assert_string_equal(p->license, "MIT BSD GPL2+");
	assert_string_equal(p->maintainer, "Timo Ter\xc3\xa4s <timo.teras@iki.fi>");
	assert_int_equal(p->installed_size, 151552);
	parsed_free(&r);
	check_one_fixture(apk_installed_parse, SYFT "empty-deps-and-provides",
	                  "alpine-baselayout-data", "3.4.0-r0");
	check_one_fixture(apk_installed_parse, SYFT "base", "alpine-baselayout", "3.2.0-r6");
	check_one_fixture(apk_installed_parse, SYFT "extra-file-attributes", "openjdk8-jre",
	                  "8.212.04-r0");
	parse_rel(&r, SYFT "corrupt/lib/apk/db/installed");
	assert_int_equal(r.rc, CUSTOMS_EINVAL);
	assert_int_equal(r.l.n, 0);
	parsed_free(&r);
	static const char *const m1[] = {"bash", "busybox-binsh", "musl", "readline"};
	parse_rel(&r, SYFT "multiple-1/lib/apk/db/installed");
	assert_int_equal(r.l.n, 4);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(r.l.items[i].name, m1[i]);
	assert_string_equal(r.l.items[2].version, "1.2.4_git20230717-r4");
	parsed_free(&r);
	parse_rel(&r, SYFT "multiple-2/lib/apk/db/installed");
	assert_int_equal(r.l.n, 14);
	assert_non_null(find(&r.l, "libc-utils"));
	assert_non_null(find(&r.l, "ssl_client"));
	parsed_free(&r);
}

static void test_edge_cases(void **state)
{
	static const struct {
		const char *in;
		int rc;
		size_t n, skipped;
	} cases[] = {
	    {"", 0, 0, 0},
	    {"\n", 0, 0, 0},
	    {"\n\n\n", 0, 0, 0},
	    {"P", CUSTOMS_EINVAL, 0, 0},
	    {"P:", 0, 0, 1},
	    {":x", CUSTOMS_EINVAL, 0, 0},
	    {"PP:x", CUSTOMS_EINVAL, 0, 0},
	    {" P:x", CUSTOMS_EINVAL, 0, 0},
	    {"\xc3:x", CUSTOMS_EINVAL, 0, 0},
	    {"P:a\nV:1-r0", 0, 1, 0},
	    {"P:a\r\nV:1-r0\r\n\r\nP:b\r\nV:2-r0\r\n", 0, 2, 0},
	    {"V:1-r0\nA:x86_64\n\nP:b\nV:2\n", 0, 1, 1},
	    {"P:a\nV:1\n \nP:b\nV:2\n", CUSTOMS_EINVAL, 0, 0},
	    {"P:a\nV:1\nI:18446744073709551616\n", 0, 1, 0},
	};
	struct parsed r;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_mem(&r, "t", cases[i].in, strlen(cases[i].in));
		assert_int_equal(r.rc, cases[i].rc);
		assert_int_equal(r.l.n, cases[i].n);
		if (!r.rc)
			assert_int_equal(r.skipped, cases[i].skipped);
		parsed_free(&r);
	}
	/* Without o: the package is its own origin; I: bounds. */
	const char *s =
	    "P:a\nV:1\nI:9223372036854775807\n\nP:b\nV:2\nI:9223372036854775808\no:bsrc\n";
	parse_mem(&r, "t", s, strlen(s));
	assert_string_equal(r.l.items[0].src_name, "a");
	assert_int_equal(r.l.items[0].installed_size, INT64_MAX);
	assert_string_equal(r.l.items[1].src_name, "bsrc");
	assert_int_equal(r.l.items[1].installed_size, -1);
	parsed_free(&r);
	/* A NUL inside the name or version (found by fuzz_apk): skipped, not cut short. */
	const char nul[] = "P:\0a\nV:1\n\nP:b\nV:\0\0002.7.4-r0\n\nP:c\nV:3\n";
	check_one(apk_installed_parse, nul, sizeof(nul) - 1, "c", "3", 2);
	/* Not NUL-terminated. */
	const char cut[] = "P:a\nV:12";
	check_one(apk_installed_parse, cut, sizeof(cut) - 2, "a", "1", 0);
}

/* apk-tools' own query test on this database: which package owns a file. */
static void test_file_owners(void **state)
{
	size_t len = 0;
	unsigned char *d = fixture_read("apk-tools-fixtures/query-installed.data", &len);
	assert_non_null(d);
	struct apk_file_list files = {0};
	customs_error err = {0};
	assert_int_equal(apk_installed_files(&files, d, len, &err), 0);
	/* Every R: line of the 39 packages, none of them in a skipped stanza. */
	size_t r_lines = 0;
	for (size_t i = 0; i + 2 < len; i++)
		r_lines += (i == 0 || d[i - 1] == '\n') && d[i] == 'R' && d[i + 1] == ':';
	assert_int_equal(files.n, r_lines);
	assert_string_equal(apk_file_owner(&files, "sbin/apk"), "apk-tools");
	assert_string_equal(apk_file_owner(&files, "usr/lib/libapk.so.2.14.0"), "apk-tools");
	assert_string_equal(apk_file_owner(&files, "usr/bin/scanelf"), "scanelf");
	assert_null(apk_file_owner(&files, "bin/not-found"));
	assert_null(apk_file_owner(&files, "usr")); /* directories are not listed */
	apk_file_list_free(&files);
	free(d);

	/* The stanza without a version owns nothing; corrupt data leaves out as it was. */
	const char *s = "P:a\nV:1\nF:usr/bin\nR:a\n\nP:nov\nF:usr/bin\nR:nov\n\nP:b\nV:2\nF:x\nR:b";
	assert_int_equal(apk_installed_files(&files, (const uint8_t *)s, strlen(s), &err), 0);
	assert_int_equal(files.n, 2);
	assert_string_equal(apk_file_owner(&files, "usr/bin/a"), "a");
	assert_null(apk_file_owner(&files, "usr/bin/nov"));
	assert_string_equal(apk_file_owner(&files, "x/b"), "b");
	/* Two P: lines (found by fuzz_apk): the files go to the last, as the package does. */
	const char *twice = "P:x\nV:1\nF:d\nR:f\nP:y\n";
	struct apk_file_list other = {0};
	assert_int_equal(apk_installed_files(&other, (const uint8_t *)twice, strlen(twice), &err),
	                 0);
	assert_string_equal(apk_file_owner(&other, "d/f"), "y");
	check_one(apk_installed_parse, twice, strlen(twice), "y", "1", 0);
	apk_file_list_free(&other);
	assert_int_equal(apk_installed_files(&files, (const uint8_t *)"bad", 3, &err),
	                 CUSTOMS_EINVAL);
	assert_int_equal(files.n, 2);
	apk_file_list_free(&files);
	apk_file_list_free(NULL);
}

static void test_limits(void **state)
{
	check_line_limit(apk_installed_parse, "P:a\nV:1\nT:");
	check_package_cap(apk_installed_parse, "P:a\nV:1\n\nP:b\nV:1\n\nP:c\nV:1\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_minirootfs), cmocka_unit_test(test_trivy),
	    cmocka_unit_test(test_apk_tools),  cmocka_unit_test(test_syft),
	    cmocka_unit_test(test_edge_cases), cmocka_unit_test(test_file_owners),
	    cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
