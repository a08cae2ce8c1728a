/* Unit tests for OS-owned file lists: dpkg .list files, apk F:/R: lines and
 * rpm BASENAMES/DIRNAMES on real databases, and dropping owned packages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka.h needs the four headers above first. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../fixture.h"
#include "analyze/owned.h"
#include "analyze/pkgdb.h"
#include "analyze/rpm.h"
#include "layer/layer.h"
#include "scan/inventory.h"
#include "scan/ownership.h"
#include "util/limits.h"

static int has(const struct owned_list *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->paths[i], path) == 0)
			return 1;
	return 0;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts the list and counts distinct paths (packages share folders). */
static size_t distinct(struct owned_list *l)
{
	qsort(l->paths, l->n, sizeof(*l->paths), cmp_strp);
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		n += i == 0 || strcmp(l->paths[i], l->paths[i - 1]) != 0;
	return n;
}

/* ---- dpkg .list ---- */

/* This machine's own dpkg file list, against what dpkg-query says. */
static void dpkg_list_matches_dpkg_query(void **state)
{
	(void)state;
	size_t len = 0;
	unsigned char *d = file_read("/var/lib/dpkg/info/dpkg.list", &len);
	FILE *q = popen("dpkg-query -L dpkg 2>/dev/null", "re");
	if (!d || !q) {
		free(d);
		if (q)
			pclose(q);
		skip();
	}
	struct owned_list l = {0};
	customs_error err = {0};
	assert_int_equal(dpkg_list_parse(&l, "var/lib/dpkg/info/dpkg.list", d, len, &err), 0);
	char line[8192];
	size_t n = 0;
	while (fgets(line, sizeof(line), q)) {
		line[strcspn(line, "\n")] = 0;
		if (strcmp(line, "/.") == 0)
			continue;
		assert_true(has(&l, line + 1));
		n++;
	}
	pclose(q);
	assert_true(n > 50);
	assert_int_equal(l.n, n);
	assert_true(has(&l, "usr/bin/dpkg"));
	assert_false(has(&l, "."));
	owned_list_clear(&l);
	free(d);
}

static void dpkg_list_boundaries(void **state)
{
	(void)state;
	struct owned_list l = {0};
	customs_error err = {0};
	assert_int_equal(dpkg_list_parse(&l, "x.list", (const uint8_t *)"", 0, &err), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(dpkg_list_parse(&l, "x.list", (const uint8_t *)"/", 1, &err), 0);
	assert_int_equal(l.n, 0);
	/* CRLF, "./", trailing slashes, and no final newline. */
	const char *s = "/.\r\n/usr/\r\n./etc//\n/usr/lib/x.so";
	assert_int_equal(dpkg_list_parse(&l, "x.list", (const uint8_t *)s, strlen(s), &err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.paths[0], "usr");
	assert_string_equal(l.paths[1], "etc");
	assert_string_equal(l.paths[2], "usr/lib/x.so");
	/* A NUL inside a line: that path is dropped, not cut short. */
	const char nul[] = "/usr/bin/a\0b\n/usr/bin/c\n";
	assert_int_equal(dpkg_list_parse(&l, "x.list", (const uint8_t *)nul, sizeof(nul) - 1, &err),
	                 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.paths[3], "usr/bin/c");
	/* A line past LIMIT_LINE_BYTES fails and leaves the list as it was; one
	 * of LIMIT_LINE_BYTES is read, and its path (past LIMIT_PATH_BYTES) dropped. */
	size_t big = 3 + LIMIT_LINE_BYTES + 1;
	char *b = malloc(big);
	assert_non_null(b);
	memcpy(b, "/a\n/", 4);
	memset(b + 4, 'x', big - 4);
	assert_int_equal(dpkg_list_parse(&l, "x.list", (uint8_t *)b, big, &err), CUSTOMS_ETOOLARGE);
	assert_int_equal(l.n, 4);
	assert_int_equal(dpkg_list_parse(&l, "x.list", (uint8_t *)b, big - 1, &err), 0);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.paths[4], "a");
	free(b);
	owned_list_clear(&l);
}

/* The analyzer wants only .list files of var/lib/dpkg/info. */
static void dpkg_list_analyzer_rules(void **state)
{
	(void)state;
	assert_true(analyzer_wants(&analyzer_dpkg_list, "var/lib/dpkg/info/python3-six.list"));
	assert_true(analyzer_wants(&analyzer_dpkg_list, "var/lib/dpkg/info/libc6:amd64.list"));
	assert_false(analyzer_wants(&analyzer_dpkg_list, "var/lib/dpkg/info/libc6.md5sums"));
	assert_false(analyzer_wants(&analyzer_dpkg_list, "var/lib/dpkg/info/x/y.list"));
	assert_false(analyzer_wants(&analyzer_dpkg_list, "etc/apt/sources.list"));
	struct file_result r = {0};
	customs_error err = {0};
	const char *s = "/.\n/usr\n/usr/lib/python3/dist-packages/six.py\n";
	assert_int_equal(analyzer_dpkg_list.analyze_file(&r, "var/lib/dpkg/info/python3-six.list",
	                                                 (const uint8_t *)s, strlen(s), NULL, &err),
	                 0);
	assert_int_equal(r.n_owned_files, 2);
	assert_int_equal(r.pkgs.n, 0);
	assert_string_equal(r.owned_files[1], "usr/lib/python3/dist-packages/six.py");
	file_result_clear(&r);
}

/* ---- apk ---- */

static void apk_analyzer_records_files(void **state)
{
	(void)state;
	size_t len = 0;
	unsigned char *d = fixture_read("apk-tools-fixtures/query-installed.data", &len);
	assert_non_null(d);
	struct file_result r = {0};
	struct warn_list w;
	customs_error err = {0};
	warn_list_init(&w);
	assert_int_equal(analyzer_apk.analyze_file(&r, "lib/apk/db/installed", d, len, &w, &err),
	                 0);
	assert_true(r.pkgs.n > 0);
	struct owned_list l = {r.owned_files, r.n_owned_files, r.n_owned_files};
	/* alpine-baselayout's "F:etc" then "R:motd"; F: alone is a folder. */
	assert_true(has(&l, "etc/motd"));
	assert_true(has(&l, "etc/modprobe.d/aliases.conf"));
	assert_false(has(&l, "etc"));
	/* Every R: line of the fixture (grep -c '^R:' gives 3536). */
	assert_int_equal(r.n_owned_files, 3536);
	file_result_clear(&r);
	warn_list_free(&w);
	free(d);
}

/* ---- rpm ---- */

static void rpm_files(struct owned_list *l, const char *rel)
{
	size_t len = 0;
	unsigned char *d = fixture_read(rel, &len);
	assert_non_null(d);
	struct package_list pkgs = {0};
	struct warn_list w;
	customs_error err = {0};
	warn_list_init(&w);
	assert_int_equal(rpmdb_parse_owned(&pkgs, l, d, len, rel, &w, &err), 0);
	assert_true(pkgs.n > 0);
	package_list_free(&pkgs);
	warn_list_free(&w);
	free(d);
}

/* `rpm -ql --dbpath` on the fixture lists these 7 paths (rpm 4.18). */
static void rpm_bdb_libuuid_files(void **state)
{
	(void)state;
	static const char *const want[] = {
	    "usr/lib/.build-id",
	    "usr/lib/.build-id/df/ef6a880adac817216ab9866779a0725e017647",
	    "usr/lib64/libuuid.so.1",
	    "usr/lib64/libuuid.so.1.3.0",
	    "usr/share/licenses/libuuid",
	    "usr/share/licenses/libuuid/COPYING",
	    "usr/share/licenses/libuuid/COPYING.BSD-3",
	};
	struct owned_list l = {0};
	rpm_files(&l, "rpmdb-go-rpmdb/libuuid/Packages");
	assert_int_equal(l.n, 7);
	for (size_t i = 0; i < 7; i++)
		assert_true(has(&l, want[i]));
	owned_list_clear(&l);
}

/* `rpm -qal --dbpath` on a copy of the fixture: 7270 lines, one of them
 * gpg-pubkey's "(contains no files)", 7047 distinct paths. */
static void rpm_sqlite_mariner_files(void **state)
{
	(void)state;
	struct owned_list l = {0};
	rpm_files(&l, "rpmdb-go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite");
	assert_int_equal(l.n, 7269);
	assert_true(has(&l, "usr/bin/curl"));
	assert_int_equal(distinct(&l), 7047);
	owned_list_clear(&l);
}

static void rpm_header_files_hostile(void **state)
{
	(void)state;
	struct owned_list l = {0};
	customs_error err = {0};
	uint8_t h[8 + 16 + 16] = {0};
	assert_int_equal(rpm_header_files(&l, h, 0, &err), CUSTOMS_EINVAL);
	assert_int_equal(rpm_header_files(&l, h, 7, &err), CUSTOMS_EINVAL);
	/* One BASENAMES entry claiming 2^32-1 strings in 16 data bytes. */
	h[3] = 1;
	h[7] = 16;
	h[8 + 2] = 0x04;
	h[8 + 3] = 0x5d; /* tag 1117 */
	h[8 + 7] = 8;    /* STRING_ARRAY */
	memset(h + 8 + 12, 0xff, 4);
	assert_int_equal(rpm_header_files(&l, h, sizeof(h), &err), CUSTOMS_EINVAL);
	/* Two strings but no DIRINDEXES. */
	memset(h + 8 + 12, 0, 4);
	h[8 + 15] = 2;
	memcpy(h + 24, "a\0b\0", 4);
	assert_int_equal(rpm_header_files(&l, h, sizeof(h), &err), CUSTOMS_EINVAL);
	/* A header that lists no files is fine and adds nothing. */
	h[8 + 3] = 0x5e; /* 1118: DIRNAMES alone */
	assert_int_equal(rpm_header_files(&l, h, sizeof(h), &err), 0);
	assert_int_equal(l.n, 0);
	owned_list_clear(&l);
}

/* ---- dropping owned language packages ---- */

static void add_pkg(struct package_list *l, const char *type, const char *name, const char *path)
{
	customs_package *p = package_list_add(l);
	assert_non_null(p);
	p->type = strdup(type);
	p->name = strdup(name);
	p->version = strdup("1.0");
	p->path = strdup(path);
}

static void drop_owned_packages(void **state)
{
	(void)state;
	struct file_result lists[2] = {{0}};
	customs_error err = {0};
	const char *six = "/.\n/usr/lib/python3/dist-packages/six-1.16.0.egg-info\n"
	                  "/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO\n";
	/* Lists the dist-info folder only, as some packages do. */
	const char *yaml = "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info\n"
	                   "/usr/share/java/commons-lang3.jar\n";
	assert_int_equal(analyzer_dpkg_list.analyze_file(&lists[0], "var/lib/dpkg/info/a.list",
	                                                 (const uint8_t *)six, strlen(six), NULL,
	                                                 &err),
	                 0);
	assert_int_equal(analyzer_dpkg_list.analyze_file(&lists[1], "var/lib/dpkg/info/b.list",
	                                                 (const uint8_t *)yaml, strlen(yaml), NULL,
	                                                 &err),
	                 0);
	struct merged_file mf[2] = {{&lists[0], 0, NULL}, {&lists[1], 0, NULL}};
	struct merged_fs m = {mf, 2};
	struct customs_inventory *inv = NULL;
	assert_int_equal(inventory_new(&inv), 0);
	add_pkg(&inv->pkgs, "pypi", "six",
	        "usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO");
	add_pkg(&inv->pkgs, "pypi", "pyyaml",
	        "usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA");
	add_pkg(&inv->pkgs, "pypi", "six",
	        "usr/local/lib/python3.11/dist-packages/six-1.16.0.dist-info/METADATA");
	add_pkg(&inv->pkgs, "maven", "commons-lang3", "usr/share/java/commons-lang3.jar");
	/* A file in an owned folder that is not python metadata stays. */
	add_pkg(&inv->pkgs, "npm", "x", "usr/lib/python3/dist-packages/package.json");
	/* OS packages are never dropped, whatever their path. */
	add_pkg(&inv->pkgs, "deb", "python3-six",
	        "usr/lib/python3/dist-packages/six-1.16.0.egg-info");
	size_t dropped = 99;
	assert_int_equal(scan_drop_os_owned(inv, &m, &dropped), 0);
	assert_int_equal(dropped, 3);
	assert_int_equal(inv->pkgs.n, 3);
	assert_string_equal(inv->pkgs.items[0].path,
	                    "usr/local/lib/python3.11/dist-packages/six-1.16.0.dist-info/METADATA");
	assert_string_equal(inv->pkgs.items[1].type, "npm");
	assert_string_equal(inv->pkgs.items[2].type, "deb");
	/* Nothing owned: nothing dropped. */
	struct merged_fs empty = {NULL, 0};
	assert_int_equal(scan_drop_os_owned(inv, &empty, &dropped), 0);
	assert_int_equal(dropped, 0);
	assert_int_equal(inv->pkgs.n, 3);
	customs_inventory_free(inv);
	file_result_clear(&lists[0]);
	file_result_clear(&lists[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(dpkg_list_matches_dpkg_query),
	    cmocka_unit_test(dpkg_list_boundaries),
	    cmocka_unit_test(dpkg_list_analyzer_rules),
	    cmocka_unit_test(apk_analyzer_records_files),
	    cmocka_unit_test(rpm_bdb_libuuid_files),
	    cmocka_unit_test(rpm_sqlite_mariner_files),
	    cmocka_unit_test(rpm_header_files_hostile),
	    cmocka_unit_test(drop_owned_packages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
