/* Tests for OS detection: claircore's distro-detect fixtures (with their
 * `want` files), the Alpine minirootfs release files, and parser edge cases. */
#include <dirent.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "../fixture.h"
#include "analyze/analyzer.h"
#include "analyze/os_release.h"
#include "analyze/pkgdb.h"
#include "util/limits.h"
#include "util/strutil.h"

/* Parses tests/data/REL as the release file at image path `as`. */
static struct os_info *parse_fixture(const char *rel, const char *as)
{
	size_t len = 0;
	unsigned char *d = fixture_read(rel, &len);
	assert_non_null(d);
	struct os_info *os = NULL;
	customs_error err = {0};
	assert_int_equal(os_release_file_parse(&os, as, d, len, &err), 0);
	free(d);
	return os;
}

static struct os_info *parse_str(const char *path, const char *s)
{
	struct os_info *os = NULL;
	customs_error err = {0};
	assert_int_equal(os_release_file_parse(&os, path, (const uint8_t *)s, strlen(s), &err), 0);
	return os;
}

static void expect_os(const struct os_info *os, const char *family, const char *version,
                      const char *codename, const char *name)
{
	assert_non_null(os);
	assert_string_equal(os->family, family);
	if (version)
		assert_string_equal(os->version, version);
	else
		assert_null(os->version);
	if (codename)
		assert_string_equal(os->codename, codename);
	else
		assert_null(os->codename);
	if (name)
		assert_string_equal(os->name, name);
}

/* Every claircore alpine case with a want file. claircore reports the
 * branch ("3.12") where we keep VERSION_ID ("3.12.9", needed for the apk
 * purl's distro qualifier): the want version must be our version's branch.
 * Edge's VERSION_ID is a snapshot; we say "edge" in the codename. */
static void test_claircore_alpine_want(void **state)
{
	char *dir = fixture_path("claircore/distro-detect/alpine/testdata");
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *de;
	int cases = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *rel = NULL, *want_rel = NULL;
		assert_true(asprintf(&rel,
		                     "claircore/distro-detect/alpine/testdata/%s/etc/os-release",
		                     de->d_name) > 0);
		assert_true(asprintf(&want_rel, "claircore/distro-detect/alpine/testdata/%s/want",
		                     de->d_name) > 0);
		size_t wlen = 0;
		unsigned char *w = fixture_read(want_rel, &wlen);
		assert_non_null(w);
		json_t *j = json_loadb((const char *)w, wlen, 0, NULL);
		assert_non_null(j);
		json_t *o = json_array_get(j, 0);
		const char *did = json_string_value(json_object_get(o, "did"));
		const char *ver = json_string_value(json_object_get(o, "version"));
		const char *pretty = json_string_value(json_object_get(o, "pretty_name"));
		struct os_info *os = parse_fixture(rel, "etc/os-release");
		assert_non_null(os);
		assert_string_equal(os->family, did);
		assert_string_equal(os->name, pretty);
		assert_int_equal(os->priority, OS_PRIO_OS_RELEASE);
		if (strcmp(ver, "edge") == 0) {
			assert_string_equal(os->codename, "edge");
		} else {
			size_t n = strlen(ver);
			assert_true(strncmp(os->version, ver, n) == 0 &&
			            (os->version[n] == '\0' || os->version[n] == '.'));
			assert_null(os->codename);
		}
		os_info_free(os);
		json_decref(j);
		free(w);
		free(rel);
		free(want_rel);
		cases++;
	}
	closedir(d);
	free(dir);
	assert_int_equal(cases, 17);
}

static void test_claircore_debian(void **state)
{
	static const char *const codenames[] = {"wheezy", "jessie",   "stretch",
	                                        "buster", "bullseye", "bookworm"};
	for (int v = 7; v <= 12; v++) {
		char rel[128], ver[8], pretty[64];
		snprintf(rel, sizeof(rel),
		         "claircore/distro-detect/debian/testdata/dist/%d/etc/os-release", v);
		snprintf(ver, sizeof(ver), "%d", v);
		snprintf(pretty, sizeof(pretty), "Debian GNU/Linux %d (%s)", v, codenames[v - 7]);
		struct os_info *os = parse_fixture(rel, "etc/os-release");
		expect_os(os, "debian", ver, codenames[v - 7], pretty);
		os_info_free(os);
	}
	/* Distroless names itself in PRETTY_NAME and has no VERSION_CODENAME; the
	 * codename comes from VERSION "Debian GNU/Linux 9 (stretch)". */
	for (int v = 9; v <= 11; v++) {
		char rel[128], ver[8];
		snprintf(
		    rel, sizeof(rel),
		    "claircore/distro-detect/debian/testdata/distroless_dist/%d/etc/os-release", v);
		snprintf(ver, sizeof(ver), "%d", v);
		struct os_info *os = parse_fixture(rel, "etc/os-release");
		expect_os(os, "debian", ver, codenames[v - 7], "Distroless");
		os_info_free(os);
	}
}

/* Ubuntu: each release's lsb-release names the codename; it must equal what we
 * derive from os-release, including the old ones without VERSION_CODENAME. */
static void test_claircore_ubuntu(void **state)
{
	char *dir = fixture_path("claircore/distro-detect/ubuntu/testdata/dist");
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *de;
	int with_os_release = 0, with_lsb = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *osr = NULL, *lsb = NULL, *abs = NULL;
		assert_true(
		    asprintf(&osr, "claircore/distro-detect/ubuntu/testdata/dist/%s/etc/os-release",
		             de->d_name) > 0);
		assert_true(
		    asprintf(&lsb,
		             "claircore/distro-detect/ubuntu/testdata/dist/%s/etc/lsb-release",
		             de->d_name) > 0);
		struct os_info *a = NULL, *b = NULL;
		abs = fixture_path(lsb);
		if (access(abs, R_OK) == 0) {
			b = parse_fixture(lsb, "etc/lsb-release");
			assert_non_null(b);
			assert_string_equal(b->family, "ubuntu");
			assert_string_equal(b->version, de->d_name);
			assert_non_null(b->codename);
			assert_int_equal(b->priority, OS_PRIO_LSB);
			with_lsb++;
		}
		free(abs);
		abs = fixture_path(osr);
		if (access(abs, R_OK) == 0) {
			a = parse_fixture(osr, "etc/os-release");
			assert_non_null(a);
			with_os_release++;
			if (strcmp(de->d_name, "11") == 0) {
				/* claircore keeps a Debian 11 os-release in this folder. */
				expect_os(a, "debian", "11", "bullseye", NULL);
			} else {
				assert_string_equal(a->family, "ubuntu");
				assert_string_equal(a->version, de->d_name);
				assert_non_null(b);
				assert_string_equal(a->codename, b->codename);
				const struct os_info *c[] = {b, a};
				assert_ptr_equal(os_info_best(c, 2), a);
			}
		}
		free(abs);
		os_info_free(a);
		os_info_free(b);
		free(osr);
		free(lsb);
	}
	closedir(d);
	free(dir);
	assert_int_equal(with_os_release, 25);
	assert_int_equal(with_lsb, 25);
	struct os_info *os =
	    parse_fixture("claircore/distro-detect/ubuntu/testdata/dist/10.04/etc/lsb-release",
	                  "etc/lsb-release");
	expect_os(os, "ubuntu", "10.04", "lucid", "Ubuntu 10.04 LTS");
	os_info_free(os);
	os = parse_fixture("claircore/distro-detect/ubuntu/testdata/dist/12.04/etc/os-release",
	                   "etc/os-release");
	expect_os(os, "ubuntu", "12.04", "precise", "Ubuntu precise (12.04.5 LTS)");
	os_info_free(os);
	os = parse_fixture("claircore/distro-detect/ubuntu/testdata/dist/16.04/etc/os-release",
	                   "etc/os-release");
	expect_os(os, "ubuntu", "16.04", "xenial", NULL);
	os_info_free(os);
}

static void test_claircore_rhel(void **state)
{
	static const struct {
		const char *dir, *file, *family, *version, *name;
	} cases[] = {
	    {"7", "os-release", "rhel", "7.7", "Red Hat Enterprise Linux Server 7.7 (Maipo)"},
	    {"7", "redhat-release", "rhel", "7.4",
	     "Red Hat Enterprise Linux Server release 7.4 (Maipo)"},
	    {"8", "os-release", "rhel", "8.1", "Red Hat Enterprise Linux 8.1 (Ootpa)"},
	    {"8", "redhat-release", "rhel", "8.1", NULL},
	    {"9", "os-release", "rhel", "9.0", "Red Hat Enterprise Linux 9.0 (Plow)"},
	    {"9", "redhat-release", "rhel", "9.0", "Red Hat Enterprise Linux release 9.0 (Plow)"},
	    {"atomichost-7", "os-release", "rhel", "7.9",
	     "Red Hat Enterprise Linux Atomic Host 7.9"},
	    {"atomichost-7", "redhat-release", "rhel", "7.9", NULL},
	    {"hummingbird", "os-release", "hummingbird", "20251124", "Hummingbird OS 20251124"},
	    {"oracle-6", "redhat-release", "rhel", "6.10", NULL},
	    {"oracle-7", "redhat-release", "rhel", "7.9", NULL},
	    {"oracle-8", "redhat-release", "rhel", "8.9", NULL},
	    {"oracle-9", "redhat-release", "rhel", "9.3", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char rel[160], as[64];
		snprintf(rel, sizeof(rel),
		         "claircore/distro-detect/rhel/testdata/releasefiles/%s/etc/%s",
		         cases[i].dir, cases[i].file);
		snprintf(as, sizeof(as), "etc/%s", cases[i].file);
		struct os_info *os = parse_fixture(rel, as);
		expect_os(os, cases[i].family, cases[i].version, NULL, cases[i].name);
		assert_int_equal(os->priority, strcmp(cases[i].file, "os-release") == 0
		                                   ? OS_PRIO_OS_RELEASE
		                                   : OS_PRIO_COMPAT);
		os_info_free(os);
	}
	/* RHEL 7's redhat-release is older than its os-release: os-release wins. */
	struct os_info *a =
	    parse_fixture("claircore/distro-detect/rhel/testdata/releasefiles/7/etc/os-release",
	                  "etc/os-release");
	struct os_info *b =
	    parse_fixture("claircore/distro-detect/rhel/testdata/releasefiles/7/etc/redhat-release",
	                  "etc/redhat-release");
	const struct os_info *c[] = {b, NULL, a};
	assert_string_equal(os_info_best(c, 3)->version, "7.7");
	os_info_free(a);
	os_info_free(b);
}

/* The three Alpine minirootfs tarballs: alpine-release and os-release agree. */
static void test_alpine_minirootfs(void **state)
{
	static const char *const versions[] = {"3.10.9", "3.12.12", "3.20.3"};
	for (size_t i = 0; i < 3; i++) {
		char rel[128];
		snprintf(rel, sizeof(rel), "alpine-minirootfs/alpine-minirootfs-%s-x86_64.tar.gz",
		         versions[i]);
		size_t n1, n2;
		unsigned char *ar = tar_member_read(rel, "etc/alpine-release", &n1);
		unsigned char *osr = tar_member_read(rel, "etc/os-release", &n2);
		assert_non_null(ar);
		assert_non_null(osr);
		customs_error err = {0};
		struct os_info *a = NULL, *b = NULL;
		assert_int_equal(os_release_file_parse(&a, "etc/alpine-release", ar, n1, &err), 0);
		assert_int_equal(os_release_file_parse(&b, "etc/os-release", osr, n2, &err), 0);
		expect_os(a, "alpine", versions[i], NULL, NULL);
		expect_os(b, "alpine", versions[i], NULL, NULL);
		assert_true(str_has_prefix(b->name, "Alpine Linux v3."));
		const struct os_info *c[] = {a, b};
		assert_ptr_equal(os_info_best(c, 2), b);
		os_info_free(a);
		os_info_free(b);
		free(ar);
		free(osr);
	}
}

/* os-release(5) quoting: double quotes with \" \\ \$ \` escapes, single
 * quotes literal, comments, CRLF, no final newline, last assignment wins. */
static void test_os_release_quoting(void **state)
{
	struct os_info *os =
	    parse_str("etc/os-release", "# comment\r\nID=old\r\n  ID=\"Deb\\\"ian\"\r\n"
	                                "PRETTY_NAME='a \\\"b\\\" $c'\r\nVERSION_ID=1\\ 2\r\n"
	                                "BAD KEY=x\n=novalue\nVERSION_CODENAME=\"x\"y'z'");
	/* "Deb\"ian" is not a valid ID: nothing is reported rather than a bad family. */
	assert_null(os);
	os = parse_str("etc/os-release",
	               "ID=\"Debian\"\r\nPRETTY_NAME='a \\\"b\\\" $c'\r\nVERSION_ID=1\\ 2\r\n"
	               "NAME=\"esc \\$ \\` \\\\ \\n\" trailing\nVERSION_CODENAME=\"x\"y'z'");
	expect_os(os, "debian", "1 2", "xyz", "a \\\"b\\\" $c");
	os_info_free(os);
	os = parse_str("usr/lib/os-release", "NAME=\"esc \\$ \\` \\\\ \\n\" trailing\nID=fedora");
	expect_os(os, "fedora", NULL, NULL, "esc $ ` \\ \\n");
	assert_int_equal(os->priority, OS_PRIO_USR_OS_RELEASE);
	os_info_free(os);
	/* An unterminated quote keeps what it held. */
	os = parse_str("etc/os-release", "ID=alpine\nPRETTY_NAME=\"Alpine Linux edge");
	expect_os(os, "alpine", NULL, "edge", "Alpine Linux edge");
	os_info_free(os);
}

static void test_boundaries(void **state)
{
	static const char *const paths[] = {
	    "etc/os-release",     "etc/lsb-release",  "etc/alpine-release", "etc/debian_version",
	    "etc/redhat-release", "etc/SuSE-release", "etc/photon-release", "etc/unknown"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_null(parse_str(paths[i], ""));
		assert_null(parse_str(paths[i], "\n"));
		assert_null(parse_str(paths[i], "="));
	}
	/* The limit, and one byte past it. */
	uint8_t *big = malloc(LIMIT_RELEASE_FILE_BYTES + 1);
	assert_non_null(big);
	memset(big, '\n', LIMIT_RELEASE_FILE_BYTES + 1);
	memcpy(big, "ID=x\n", 5);
	struct os_info *os = NULL;
	customs_error err = {0};
	assert_int_equal(
	    os_release_file_parse(&os, "etc/os-release", big, LIMIT_RELEASE_FILE_BYTES, &err), 0);
	expect_os(os, "x", NULL, NULL, NULL);
	os_info_free(os);
	os = NULL;
	assert_int_equal(
	    os_release_file_parse(&os, "etc/os-release", big, LIMIT_RELEASE_FILE_BYTES + 1, &err),
	    CUSTOMS_ETOOLARGE);
	assert_null(os);
	free(big);
	/* Not NUL-terminated: the parser must stop at len. */
	const char buf[] = "ID=alpineXXXX";
	assert_int_equal(
	    os_release_file_parse(&os, "etc/os-release", (const uint8_t *)buf, 9, &err), 0);
	expect_os(os, "alpine", NULL, NULL, NULL);
	os_info_free(os);
}

/* Release files of distros without a fixture: the lines those distros ship. */
static void test_distro_files(void **state)
{
	static const struct {
		const char *path, *content, *family, *version, *codename;
		int prio;
	} cases[] = {
	    {"etc/debian_version", "12.7\n", "debian", "12.7", "bookworm", OS_PRIO_COMPAT},
	    {"etc/debian_version", "9.13", "debian", "9.13", "stretch", OS_PRIO_COMPAT},
	    {"etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n", "centos", "7.9.2009",
	     NULL, OS_PRIO_DISTRO},
	    {"etc/redhat-release", "CentOS Stream release 9\n", "centos", "9", NULL,
	     OS_PRIO_COMPAT},
	    {"etc/rocky-release", "Rocky Linux release 8.5 (Green Obsidian)\n", "rocky", "8.5",
	     NULL, OS_PRIO_DISTRO},
	    {"etc/almalinux-release", "AlmaLinux release 9.4 (Seafoam Ocelot)\n", "almalinux",
	     "9.4", NULL, OS_PRIO_DISTRO},
	    {"etc/oracle-release", "Oracle Linux Server release 8.9\n", "ol", "8.9", NULL,
	     OS_PRIO_DISTRO},
	    {"etc/system-release", "Amazon Linux release 2 (Karoo)\n", "amzn", "2", NULL,
	     OS_PRIO_COMPAT},
	    {"etc/system-release", "Amazon Linux AMI release 2018.03\n", "amzn", "2018.03", NULL,
	     OS_PRIO_COMPAT},
	    {"etc/fedora-release", "Fedora release 39 (Thirty Nine)\n", "fedora", "39", NULL,
	     OS_PRIO_DISTRO},
	    {"etc/SuSE-release",
	     "SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n", "sles",
	     "11.4", NULL, OS_PRIO_DISTRO},
	    {"etc/SuSE-release", "openSUSE 13.2 (x86_64)\nVERSION = 13.2\nCODENAME = Harlequin\n",
	     "opensuse", "13.2", NULL, OS_PRIO_DISTRO},
	    {"etc/photon-release", "VMware Photon OS 4.0\nPHOTON_BUILD_NUMBER=ca0e2f7\n", "photon",
	     "4.0", NULL, OS_PRIO_DISTRO},
	    {"etc/alpine-release", "3.19_alpha20230901\n", "alpine", "3.19_alpha20230901", NULL,
	     OS_PRIO_DISTRO},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct os_info *os = parse_str(cases[i].path, cases[i].content);
		expect_os(os, cases[i].family, cases[i].version, cases[i].codename, NULL);
		assert_int_equal(os->priority, cases[i].prio);
		os_info_free(os);
	}
	/* Ubuntu's debian_version names a Debian development branch, not a release. */
	assert_null(parse_str("etc/debian_version", "bookworm/sid\n"));
	assert_null(parse_str("etc/system-release", "Some Other Linux release 1\n"));
	assert_null(parse_str("etc/redhat-release", "Red Hat Enterprise Linux\n"));
}

/* The choice must not depend on the order of the candidates. */
static void test_best_is_order_independent(void **state)
{
	struct os_info *a = parse_str("etc/debian_version", "12.7\n");
	struct os_info *b = parse_str("etc/os-release", "ID=debian\nVERSION_ID=12\n");
	struct os_info *c = parse_str("usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
	struct os_info *d = parse_str("etc/os-release", "ID=debian\nVERSION_ID=11\n");
	struct os_info *e = parse_str("etc/os-release", "ID=debian\nVERSION_ID=12.1\n");
	const struct os_info *all[] = {a, b, c, d, e};
	const struct os_info *perm[5];
	/* Every rotation and its reverse. */
	for (size_t r = 0; r < 5; r++) {
		for (size_t i = 0; i < 5; i++)
			perm[i] = all[(i + r) % 5];
		assert_ptr_equal(os_info_best(perm, 5), e);
		for (size_t i = 0; i < 5; i++)
			perm[i] = all[(5 - i + r) % 5];
		assert_ptr_equal(os_info_best(perm, 5), e);
	}
	const struct os_info *bd[] = {d, b};
	assert_ptr_equal(os_info_best(bd, 2), d); /* "11" < "12" in byte order */
	const struct os_info *bd2[] = {b, d};
	assert_ptr_equal(os_info_best(bd2, 2), d);
	assert_null(os_info_best(NULL, 0));
	const struct os_info *none[] = {NULL, NULL};
	assert_null(os_info_best(none, 2));
	os_info_free(a);
	os_info_free(b);
	os_info_free(c);
	os_info_free(d);
	os_info_free(e);
}

static void test_analyzer_table(void **state)
{
	const struct analyzer *const *t = analyzer_table_get();
	assert_ptr_equal(t, analyzer_table);
	int seen_os = 0, seen_dpkg = 0, seen_apk = 0;
	size_t n = 0;
	for (; t[n]; n++) {
		seen_os += t[n] == &analyzer_os_release;
		seen_dpkg += t[n] == &analyzer_dpkg;
		seen_apk += t[n] == &analyzer_apk;
		assert_non_null(t[n]->name);
		assert_true(t[n]->analyze_file || t[n]->stream);
	}
	assert_true(seen_os == 1 && seen_dpkg == 1 && seen_apk == 1);
	assert_true(n >= 3);
	assert_true(analyzer_wants(&analyzer_os_release, "etc/os-release"));
	assert_true(analyzer_wants(&analyzer_os_release, "usr/lib/os-release"));
	assert_false(analyzer_wants(&analyzer_os_release, "etc/os-release.bak"));
	assert_false(analyzer_wants(&analyzer_os_release, "x/etc/os-release"));
	assert_true(analyzer_wants(&analyzer_dpkg, "var/lib/dpkg/status"));
	assert_true(analyzer_wants(&analyzer_dpkg, "var/lib/dpkg/status.d/libc6"));
	assert_false(analyzer_wants(&analyzer_dpkg, "var/lib/dpkg/status.d/sub/libc6"));
	assert_false(analyzer_wants(&analyzer_dpkg, "var/lib/dpkg/status-old"));
	assert_true(analyzer_wants(&analyzer_apk, "lib/apk/db/installed"));
	assert_false(analyzer_wants(&analyzer_apk, "lib/apk/db/installed.new"));

	/* Through the analyzer: the result's os is set, packages untouched. */
	struct file_result r = {0};
	customs_error err = {0};
	const char *s = "ID=alpine\nVERSION_ID=3.20.3\n";
	assert_int_equal(analyzer_os_release.analyze_file(&r, "etc/os-release", (const uint8_t *)s,
	                                                  strlen(s), NULL, &err),
	                 0);
	expect_os(r.os, "alpine", "3.20.3", NULL, NULL);
	assert_int_equal(r.pkgs.n, 0);
	file_result_clear(&r);
	file_result_clear(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_claircore_alpine_want),
	    cmocka_unit_test(test_claircore_debian),
	    cmocka_unit_test(test_claircore_ubuntu),
	    cmocka_unit_test(test_claircore_rhel),
	    cmocka_unit_test(test_alpine_minirootfs),
	    cmocka_unit_test(test_os_release_quoting),
	    cmocka_unit_test(test_boundaries),
	    cmocka_unit_test(test_distro_files),
	    cmocka_unit_test(test_best_is_order_independent),
	    cmocka_unit_test(test_analyzer_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
