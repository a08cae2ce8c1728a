/* Unit tests of the vulnerability DB: CVSS scores, every importer on real
 * feed data, malformed records, atomic publishing and `db update` over HTTP. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <jansson.h>

#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>

#include "util/limits.h"
#include "util/strutil.h"
#include "vtest.h"
#include "vulndb/update.h"
#include "vulndb/vulndb.h"

/* ---- CVSS ---- */

static void check_score(const char *vector, double want)
{
	double got = -1;
	assert_int_equal(cvss3_base_score(&got, vector, strlen(vector)), 0);
	if (got < want - 0.001 || got > want + 0.001)
		fail_msg("%s: got %.1f, want %.1f", vector, got, want);
}

static void test_cvss3_known(void **state)
{
	/* Scores published by NVD for these vectors. */
	check_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8);
	check_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0);
	check_score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8);
	check_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1);
	check_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H", 9.1);
	check_score("CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1);
	check_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0);
	check_score("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6);
	/* Temporal metrics and any order are accepted; they do not change the base. */
	check_score("CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H/E:H/RL:O/RC:C", 9.8);

	/* GitHub's own (score, vector) pairs from its advisory API test data. */
	char *dir = vtest_src("tests/data/osv-schema/ghsa-testdata");
	const char *files[] = {"equals_no_patch.json", "full_ranges.json",
	                       "less_than_equals_no_patch.json", "npm_greater_than.json",
	                       "pypi_normalize.json"};
	size_t checked = 0;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *p = NULL;
		assert_true(asprintf(&p, "%s/%s", dir, files[i]) > 0);
		json_t *j = json_load_file(p, 0, NULL);
		free(p);
		assert_non_null(j);
		json_t *cvss = json_object_get(j, "cvss");
		const char *v = json_string_value(json_object_get(cvss, "vectorString"));
		if (v && strncmp(v, "CVSS:3", 6) == 0) {
			check_score(v, json_number_value(json_object_get(cvss, "score")));
			checked++;
		}
		json_decref(j);
	}
	free(dir);
	assert_true(checked >= 3);
}

static void test_cvss3_invalid(void **state)
{
	const char *bad[] = {
	    "",
	    "CVSS:3.1/",
	    "CVSS:2.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",          /* A missing */
	    "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", /* AV twice */
	    "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",      /* bad value */
	    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:Q/C:H/I:H/A:H",      /* bad scope */
	    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",     /* trailing slash */
	    "CVSS:3.1/AV:NN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",     /* two-letter value */
	    "CVSS:3.1/AVN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		double v = 42;
		if (cvss3_base_score(&v, bad[i], strlen(bad[i])) != CUSTOMS_EINVAL)
			fail_msg("accepted %s", bad[i]);
		assert_true(v == 42); /* output untouched */
	}
	/* Length is honoured: no NUL needed, nothing read past it. */
	const char *v = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:HXXXX";
	double s;
	assert_int_equal(cvss3_base_score(&s, v, strlen(v) - 4), 0);
}

/* ---- names ---- */

static void test_ecosystems(void **state)
{
	struct {
		const char *osv, *want;
	} cases[] = {
	    {"Debian:12", "debian:12"},
	    {"Alpine:v3.18", "alpine:3.18"},
	    {"Ubuntu:22.04:LTS", "ubuntu:22.04"},
	    {"Ubuntu:Pro:18.04:LTS", "ubuntu:18.04"},
	    {"Rocky Linux:9", "rocky:9"},
	    {"AlmaLinux:8", "almalinux:8"},
	    {"Red Hat:enterprise_linux:8::appstream", "rhel:8"},
	    {"PyPI", "pypi"},
	    {"npm", "npm"},
	    {"crates.io", "cargo"},
	    {"Go", "golang"},
	    {"Maven", "maven"},
	    {"RubyGems", "gem"},
	    {"Packagist", "composer"},
	    {"NuGet", "nuget"},
	    {"SUSE:Linux Enterprise Server 15 SP4", "sles:15.4"},
	    {"SUSE:Linux Enterprise Module for Basesystem 15 SP5", "sles:15.5"},
	    {"SUSE:Linux Enterprise Server 12", "sles:12"},
	    {"openSUSE:Leap 15.5", "opensuse:15.5"},
	};
	char out[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(vulndb_ecosystem_from_osv(out, sizeof(out), cases[i].osv), 0);
		assert_string_equal(out, cases[i].want);
	}
	assert_int_equal(vulndb_ecosystem_from_osv(out, sizeof(out), "GIT"), CUSTOMS_EUNSUPPORTED);
	assert_int_equal(vulndb_ecosystem_from_osv(out, sizeof(out), "openSUSE:Tumbleweed"),
	                 CUSTOMS_EUNSUPPORTED);
	assert_int_equal(vulndb_ecosystem_from_osv(out, sizeof(out), "Debian"),
	                 CUSTOMS_EUNSUPPORTED);
	assert_int_equal(vulndb_ecosystem_from_osv(out, 4, "Alpine:v3.18"), CUSTOMS_EINVAL);
	char *n = vulndb_normalize_name("pypi", "Products.Pluggable__AuthService");
	assert_string_equal(n, "products-pluggable-authservice");
	free(n);
	n = vulndb_normalize_name("npm", "@Scope/Name");
	assert_string_equal(n, "@Scope/Name");
	free(n);
	assert_string_equal(vulndb_debian_release("bookworm"), "12");
	assert_null(vulndb_debian_release("nonesuch"));
}

/* ---- importers on real data ---- */

struct fixture {
	char *dir, *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->dir = vtest_tmpdir();
	assert_non_null(f->dir);
	assert_true(asprintf(&f->db, "%s/db.sqlite", f->dir) > 0);
	vtest_warnings = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	vtest_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f);
	return 0;
}

static void test_import_osv(void **state)
{
	struct fixture *f = *state;
	customs_vulndb_import_stats st = {0};
	customs_error err = {0};
	int rc = vtest_import(f->db, &st, &err, "tests/data/osv-go", "tests/data/osv-pypi-json",
	                      "tests/data/osv-ghsa", "tests/data/osv-osvdev-snapshot", NULL);
	if (rc)
		fail_msg("%s", err.message);
	assert_int_equal(st.files, 4);
	/* Every file is one real record: 352 + 279 + 11 + 28. */
	assert_int_equal(st.records, 352 + 279 + 11 + 28);
	assert_int_equal(st.skipped, 0);
	assert_int_equal(vtest_warnings, 0);
	/* 9 of them are in two of the folders: the DB holds 661. */
	assert_int_equal(vtest_query_int(f->db, "SELECT records FROM sources WHERE name='osv'"),
	                 661);
	/* Log4Shell: GHSA severity CRITICAL, CVSS v3 computed from the vector. */
	char *sev = vtest_query_text(f->db, "SELECT severity FROM advisories WHERE"
	                                    " id='GHSA-jfh8-c2jp-5v3q'");
	assert_string_equal(sev, "CRITICAL");
	free(sev);
	assert_int_equal(vtest_query_int(f->db, "SELECT cvss3_score*10 FROM advisories WHERE"
	                                        " id='GHSA-jfh8-c2jp-5v3q'"),
	                 100);
	char *cwe =
	    vtest_query_text(f->db, "SELECT cwe FROM advisories WHERE id='GHSA-jfh8-c2jp-5v3q'");
	assert_string_equal(cwe, "CWE-20,CWE-400,CWE-502,CWE-917");
	free(cwe);
	assert_int_equal(vtest_query_int(f->db,
	                                 "SELECT count(*) FROM aliases WHERE"
	                                 " id='GHSA-jfh8-c2jp-5v3q' AND alias='CVE-2021-44228'"),
	                 1);
	/* Maven names keep group:artifact; three ranges of log4j-core. */
	assert_int_equal(vtest_query_int(f->db,
	                                 "SELECT count(*) FROM affected WHERE ecosystem='maven'"
	                                 " AND package='org.apache.logging.log4j:log4j-core'"
	                                 " AND advisory='GHSA-jfh8-c2jp-5v3q'"),
	                 3);
	/* Debian DLA: one range row plus one explicit versions row. */
	assert_int_equal(vtest_query_int(f->db, "SELECT count(*) FROM affected WHERE"
	                                        " ecosystem='debian:9' AND package='openssl'"
	                                        " AND advisory='DLA-3008-1'"),
	                 2);
	assert_int_equal(vtest_query_int(f->db, "SELECT count(*) FROM aliases WHERE id='DLA-3008-1'"
	                                        " AND alias='CVE-2022-1292'"),
	                 1);
	/* Alpine OSV: one affected entry per branch, "Alpine:v3.NN" -> alpine:3.NN. */
	assert_true(vtest_query_int(f->db, "SELECT count(DISTINCT ecosystem) FROM affected WHERE"
	                                   " advisory='ALPINE-CVE-2025-26519' AND ecosystem LIKE"
	                                   " 'alpine:3.%'") >= 5);
	/* Withdrawn records are kept as advisories but never get affected rows. */
	assert_int_equal(vtest_query_int(f->db, "SELECT count(*) FROM advisories WHERE"
	                                        " id='PYSEC-2022-43059' AND withdrawn IS NOT NULL"),
	                 1);
	assert_int_equal(vtest_query_int(f->db, "SELECT count(*) FROM affected WHERE"
	                                        " advisory IN ('PYSEC-2022-43059','GO-2025-3543')"),
	                 0);
	/* GIT-only ranges are not package versions: no rows for those records. */
	assert_int_equal(vtest_query_int(f->db, "SELECT count(*) FROM affected WHERE"
	                                        " advisory='CVE-2024-51757'"),
	                 0);
	/* PyPI names are PEP 503 normalised. */
	assert_true(vtest_query_int(f->db, "SELECT count(*) FROM affected WHERE ecosystem='pypi'"
	                                   " AND package='jinja2'") > 0);
	assert_int_equal(vtest_query_int(f->db,
	                                 "SELECT count(*) FROM affected WHERE ecosystem='pypi'"
	                                 " AND package GLOB '*[A-Z_.]*'"),
	                 0);

	/* Importing again replaces instead of duplicating. */
	long long rows = vtest_query_int(f->db, "SELECT count(*) FROM affected");
	assert_int_equal(vtest_import(f->db, &st, &err, "tests/data/osv-go", NULL), 0);
	assert_int_equal(vtest_query_int(f->db, "SELECT count(*) FROM affected"), rows);
	/* db status counts what the DB holds, not what the last import brought. */
	assert_int_equal(st.records, 352);
	assert_int_equal(
	    vtest_query_int(f->db, "SELECT records FROM sources WHERE name='osv'"),
	    vtest_query_int(f->db, "SELECT count(*) FROM advisories WHERE source='osv'"));
	assert_true(vtest_query_int(f->db, "SELECT records FROM sources WHERE name='osv'") > 352);
}

static void test_import_secdb(void **state)
{
	struct fixture *f = *state;
	customs_vulndb_import_stats st = {0};
	customs_error err = {0};
	int rc = vtest_import(
	    f->db, &st, &err, "@tests/unit/vulndb/v3.10-main.json",
	    "@tests/unit/vulndb/v3.10-community.json", "@tests/unit/vulndb/v3.11-main.json",
	    "@tests/unit/vulndb/v3.11-community.json",
	    "tests/data/vunnel-fixtures/wolfi/test-fixtures/input/secdb/security.json", NULL);
	if (rc)
		fail_msg("%s", err.message);
	/* Packages per file, counted in the YAML sources: 166, 73, 175, 85. */
	long long wolfi =
	    vtest_query_int(f->db, "SELECT count(DISTINCT package) FROM affected WHERE"
	                           " ecosystem='wolfi'");
	assert_true(wolfi > 0);
	assert_int_equal(st.records, 166 + 73 + 175 + 85 + wolfi);
	assert_int_equal(st.skipped, 0);
	/* v3.10 musl: fixed in 1.1.22-r3 for CVE-2019-14697. */
	char *ev =
	    vtest_query_text(f->db, "SELECT events FROM affected WHERE ecosystem='alpine:3.10'"
	                            " AND package='musl' AND advisory='CVE-2019-14697'");
	assert_string_equal(ev, "i\t0\nf\t1.1.22-r3");
	free(ev);
	/* Wolfi's "0" key: never affected. */
	assert_int_equal(vtest_query_int(f->db,
	                                 "SELECT status FROM affected WHERE ecosystem='wolfi'"
	                                 " AND package='coreutils' AND advisory='CVE-2016-2781'"),
	                 CUSTOMS_STATUS_NOT_AFFECTED);
}

static void test_import_debian(void **state)
{
	struct fixture *f = *state;
	customs_vulndb_import_stats st = {0};
	customs_error err = {0};
	int rc = vtest_import(f->db, &st, &err,
	                      "tests/data/vunnel-fixtures/debian/test-fixtures/input/debian.json",
	                      "tests/unit/vulndb/feeds/debian-extra.json", NULL);
	if (rc)
		fail_msg("%s", err.message);
	/* (package, CVE) pairs: 7 in the real excerpt (chromium-browser with "releases": []),
	 * 6 in the extra file. */
	assert_int_equal(st.records, 7 + 6);
	assert_int_equal(st.skipped, 0);
	struct {
		const char *where;
		int status;
	} cases[] = {
	    {"package='prototypejs' AND advisory='CVE-2007-2383' AND ecosystem='debian:10'",
	     CUSTOMS_STATUS_NOT_AFFECTED},
	    {"package='prototypejs' AND advisory='CVE-2008-7220' AND ecosystem='debian:10'",
	     CUSTOMS_STATUS_FIXED},
	    {"package='chromium' AND advisory='CVE-2022-0456' AND ecosystem='debian:10'",
	     CUSTOMS_STATUS_END_OF_LIFE},
	    {"package='glibc' AND advisory='CVE-2010-4756' AND ecosystem='debian:12'",
	     CUSTOMS_STATUS_AFFECTED},
	    {"package='glibc' AND advisory='CVE-2019-1010022' AND ecosystem='debian:12'",
	     CUSTOMS_STATUS_WILL_NOT_FIX},
	    {"package='openssl' AND advisory='CVE-2024-2511' AND ecosystem='debian:13'",
	     CUSTOMS_STATUS_WILL_NOT_FIX},
	    {"package='chromium' AND advisory='CVE-2022-0456' AND ecosystem='debian:sid'",
	     CUSTOMS_STATUS_FIXED},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *sql = NULL;
		assert_true(asprintf(&sql, "SELECT status FROM affected WHERE %s", cases[i].where) >
		            0);
		long long got = vtest_query_int(f->db, sql);
		if (got != cases[i].status)
			fail_msg("%s: status %lld, want %d", cases[i].where, got, cases[i].status);
		free(sql);
	}
	char *note = vtest_query_text(f->db, "SELECT note FROM affected WHERE package='openssl' AND"
	                                     " advisory='CVE-2024-2511' AND ecosystem='debian:13'");
	assert_string_equal(note, "no-dsa: postponed: Minor issue");
	free(note);
	note = vtest_query_text(f->db, "SELECT note FROM affected WHERE package='openssl' AND"
	                               " advisory='CVE-2023-6237'");
	assert_string_equal(note, "no-dsa: Minor issue");
	free(note);
	char *sev =
	    vtest_query_text(f->db, "SELECT severity FROM affected WHERE package='prototypejs'"
	                            " AND advisory='CVE-2008-7220' AND ecosystem='debian:9'");
	assert_string_equal(sev, "HIGH"); /* "high**" */
	free(sev);
	/* The tracker's DSA list: 10 advisories; fixed versions per release and
	 * the CVEs as aliases; "NOTE:" lines and advisories without packages
	 * are fine. */
	assert_int_equal(vtest_import(f->db, &st, &err,
	                              "tests/data/vunnel-fixtures/debian/test-fixtures/input/DSA",
	                              NULL),
	                 0);
	assert_int_equal(st.records, 10);
	assert_int_equal(st.skipped, 0);
	char *ev = vtest_query_text(f->db, "SELECT events FROM affected WHERE advisory='DSA-140'"
	                                   " AND package='libpng3' AND ecosystem='debian:3.0'");
	assert_string_equal(ev, "i\t0\nf\t1.2.1-1.1.woody.2");
	free(ev);
	assert_int_equal(vtest_query_int(f->db, "SELECT count(*) FROM aliases WHERE id='DSA-140'"),
	                 2);
	assert_int_equal(vtest_query_int(f->db, "SELECT count(*) FROM affected WHERE"
	                                        " advisory='DSA-2808-2'"),
	                 2);
	/* Re-importing the excerpt alone keeps the extra file's packages. */
	assert_int_equal(
	    vtest_import(f->db, &st, &err,
	                 "tests/data/vunnel-fixtures/debian/test-fixtures/input/debian.json", NULL),
	    0);
	assert_int_equal(
	    vtest_query_int(f->db, "SELECT count(*) FROM affected WHERE package='glibc'"), 2);
	/* A DSA list that breaks off in a block: the bad blocks are skipped
	 * records. */
	char *dsa = NULL;
	assert_true(asprintf(&dsa, "%s/list", f->dir) > 0);
	const char *text = "[01 Aug 2002] DSA-141 mpack - buffer overflow\n\t{CVE-2002-1425}\n"
	                   "\t[woody] - mpack 1.5-7woody2\n[05 Aug 2002] DSA-140 libpng - x\n"
	                   "\t{CVE-2002-0660\n[junk\n\t[woody] - zz\n";
	assert_int_equal(vtest_write(dsa, text, strlen(text)), 0);
	assert_int_equal(vtest_import(f->db, &st, &err, dsa, NULL), 0);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.skipped, 2);
	free(dsa);
}

static void test_import_nvd_kev_epss(void **state)
{
	struct fixture *f = *state;
	customs_vulndb_import_stats st = {0};
	customs_error err = {0};
	int rc = vtest_import(f->db, &st, &err, "tests/unit/vulndb/feeds/nvd-page-1.json",
	                      "tests/unit/vulndb/feeds/nvd-page-2.json",
	                      "tests/unit/vulndb/feeds/kev.json",
	                      "tests/unit/vulndb/feeds/epss.csv.gz", NULL);
	if (rc)
		fail_msg("%s", err.message);
	assert_int_equal(st.records, 3 + 2 + 4);
	assert_int_equal(st.skipped, 0);
	char *s =
	    vtest_query_text(f->db, "SELECT severity||' '||cvss3_vector||' '||cwe FROM advisories"
	                            " WHERE id='CVE-2021-36159' AND source='nvd'");
	assert_string_equal(s, "CRITICAL CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H CWE-125");
	free(s);
	s = vtest_query_text(f->db,
	                     "SELECT cvss2_vector FROM advisories WHERE id='CVE-2021-36159'");
	assert_string_equal(s, "AV:N/AC:L/Au:N/C:P/I:N/A:P");
	free(s);
	s = vtest_query_text(f->db, "SELECT cwe FROM advisories WHERE id='CVE-2021-44228'");
	assert_string_equal(s, "CWE-20,CWE-400,CWE-502,CWE-917");
	free(s);
	s = vtest_query_text(f->db, "SELECT date_added||' '||due_date||' '||ransomware FROM kev"
	                            " WHERE cve='CVE-2021-44228'");
	assert_string_equal(s, "2021-12-10 2021-12-24 Known");
	free(s);
	assert_int_equal(vtest_query_int(f->db, "SELECT round(score*100000) FROM epss WHERE"
	                                        " cve='CVE-2021-44228'"),
	                 94358);
	s = vtest_query_text(f->db, "SELECT feed_date FROM sources WHERE name='epss'");
	assert_string_equal(s, "2026-11-20T12:55:00Z");
	free(s);
	s = vtest_query_text(f->db, "SELECT feed_date FROM sources WHERE name='kev'");
	assert_string_equal(s, "2026-11-20T15:00:00.0000Z");
	free(s);

	/* The read-only handle lists the sources. */
	customs_vulndb *db = NULL;
	assert_int_equal(customs_vulndb_open(&db, f->db, &err), 0);
	assert_int_equal(customs_vulndb_schema_version(db), VULNDB_SCHEMA_VERSION);
	assert_int_equal(customs_vulndb_source_count(db), 3);
	assert_string_equal(customs_vulndb_source_get(db, 0)->name, "epss");
	assert_int_equal(customs_vulndb_source_get(db, 0)->records, 4);
	assert_null(customs_vulndb_source_get(db, 3));
	customs_vulndb_close(db);
}

/* ---- malformed input ---- */

static void write_in(const char *dir, const char *name, const char *text)
{
	char *p = NULL;
	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	assert_int_equal(vtest_write(p, text, strlen(text)), 0);
	free(p);
}

static void test_malformed_osv(void **state)
{
	struct fixture *f = *state;
	char *feed = NULL;
	assert_true(asprintf(&feed, "%s/osv", f->dir) > 0);
	assert_int_equal(mkdir(feed, 0755), 0);
	write_in(
	    feed, "a-good.json",
	    "{\"id\":\"GHSA-good\",\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[{"
	    "\"package\":"
	    "{\"ecosystem\":\"npm\",\"name\":\"x\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":"
	    "[{\"introduced\":\"0\"},{\"fixed\":\"1.0.0\"}]}]}]}");
	write_in(feed, "b-no-id.json", "{\"modified\":\"2024-01-01T00:00:00Z\",\"affected\":[]}");
	write_in(feed, "c-not-json.json", "{\"id\": \"X\", ");
	write_in(feed, "d-wrong-type.json",
	         "{\"id\":\"GHSA-bad1\",\"modified\":\"x\",\"affected\":{\"package\":1}}");
	write_in(
	    feed, "e-two-keys.json",
	    "{\"id\":\"GHSA-bad2\",\"modified\":\"x\",\"affected\":[{\"package\":{\"ecosystem\":"
	    "\"npm\",\"name\":\"y\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":"
	    "\"0\",\"fixed\":\"1\"}]}]}]}");
	write_in(
	    feed, "f-newline-version.json",
	    "{\"id\":\"GHSA-bad3\",\"modified\":\"x\",\"affected\":[{\"package\":{\"ecosystem\":"
	    "\"npm\",\"name\":\"z\"},\"versions\":[\"1.0\\n2.0\"]}]}");
	write_in(
	    feed, "g-number-version.json",
	    "{\"id\":\"GHSA-bad4\",\"modified\":\"x\",\"affected\":[{\"package\":{\"ecosystem\":"
	    "\"npm\",\"name\":\"z\"},\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":"
	    "0}]}]}]}");
	write_in(feed, "h-id-with-space.json", "{\"id\":\"GHSA bad\",\"modified\":\"x\"}");
	write_in(feed, "i-array.json", "{\"id\":[1,2,3],\"modified\":\"x\"}");
	write_in(feed, "j-empty.json", "");
	write_in(feed, "k-duplicate-key.json", "{\"id\":\"A\",\"id\":\"B\",\"modified\":\"x\"}");
	/* One byte over the record cap. */
	char *big = NULL;
	assert_true(asprintf(&big, "%s/l-huge.json", feed) > 0);
	FILE *fp = fopen(big, "we");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, LIMIT_OSV_RECORD_BYTES, SEEK_SET), 0);
	fputc(' ', fp);
	fclose(fp);
	free(big);
	/* The bad ones must leave nothing behind, so rows of a half-read record
	 * would show up as extra rows here. */
	customs_vulndb_import_stats st = {0};
	customs_error err = {0};
	int rc = vtest_import(f->db, &st, &err, feed, NULL);
	if (rc)
		fail_msg("%s", err.message);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.skipped, 11);
	assert_int_equal(vtest_warnings, 11);
	assert_int_equal(vtest_query_int(f->db, "SELECT count(*) FROM affected"), 1);
	assert_int_equal(vtest_query_int(f->db, "SELECT count(*) FROM advisories"), 1);
	assert_int_equal(vtest_query_int(f->db, "SELECT skipped FROM sources WHERE name='osv'"),
	                 11);
	free(feed);
}

static void test_malformed_other_feeds(void **state)
{
	struct fixture *f = *state;
	write_in(f->dir, "kev.json",
	         "{\"catalogVersion\":\"1\",\"vulnerabilities\":[{\"cveID\":\"CVE-2020-1\","
	         "\"dateAdded\":"
	         "\"2020-01-01\"},{\"cveID\":5},{\"dateAdded\":\"x\"},{\"cveID\":\"NOTCVE\","
	         "\"dateAdded\":"
	         "\"x\"},7]}");
	write_in(
	    f->dir, "nvd.json",
	    "{\"format\":\"NVD_CVE\",\"resultsPerPage\":3,\"vulnerabilities\":[{\"cve\":{\"id\":"
	    "\"CVE-2020-2\",\"metrics\":{\"cvssMetricV31\":[{\"cvssData\":{\"vectorString\":"
	    "\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"}}]}}},{\"cve\":{}},{\"nocve\":1},"
	    "{\"cve\":{\"id\":\"CVE-2020-3\",\"metrics\":{\"cvssMetricV31\":\"oops\"}}}]}");
	write_in(f->dir, "epss.csv",
	         "#model_version:v1,score_date:2024-01-01T00:00:00+0000\ncve,epss,percentile\n"
	         "CVE-2020-1,0.5,0.9\nCVE-2020-2,1.5,0.9\nCVE-2020-3,abc,0.1\nCVE-2020-4,0.1\n"
	         "CVE-2020-5,0.1,0.2,0.3\nnot-a-cve,0.1,0.2\n\nCVE-2020-6,-0.1,0.2\r\n");
	write_in(f->dir, "tracker.json",
	         "{\"pkg\":{\"CVE-2020-7\":{\"releases\":{\"bookworm\":{\"status\":\"open\"}}},"
	         "\"CVE-2020-8\":{\"releases\":{\"bookworm\":{\"status\":\"weird\"}}},"
	         "\"CVE-2020-9\":{\"releases\":5},\"CVE-2020-10\":{\"releases\":{\"bookworm\":"
	         "{\"status\":\"resolved\",\"fixed_version\":\"1\\u0001\"}}}},\"bad pkg\":{}}");
	write_in(
	    f->dir, "secdb.json",
	    "{\"distroversion\":\"v3.20\",\"packages\":[{\"pkg\":{\"name\":\"ok\",\"secfixes\":"
	    "{\"1-r0\":[\"CVE-2020-11 GHSA-aaaa-bbbb-cccc (incomplete)\"]}}},{\"pkg\":{}},"
	    "{\"pkg\":{\"name\":\"n\",\"secfixes\":{\"1\":\"notalist\"}}},{\"pkg\":{\"name\":"
	    "\"m\",\"secfixes\":{\"1\":[7]}}}]}");
	const char *names[] = {"kev.json", "nvd.json", "epss.csv", "tracker.json", "secdb.json"};
	long long want_ok[] = {1, 2, 1, 1, 1};
	long long want_bad[] = {4, 2, 6, 4, 3};
	for (size_t i = 0; i < 5; i++) {
		char *p = NULL;
		customs_vulndb_import_stats st = {0};
		customs_error err = {0};
		assert_true(asprintf(&p, "%s/%s", f->dir, names[i]) > 0);
		int rc = vtest_import(f->db, &st, &err, p, NULL);
		if (rc)
			fail_msg("%s: %s", names[i], err.message);
		if ((long long)st.records != want_ok[i] || (long long)st.skipped != want_bad[i])
			fail_msg("%s: %zu ok / %zu skipped, want %lld / %lld", names[i], st.records,
			         st.skipped, want_ok[i], want_bad[i]);
		free(p);
	}
	/* The secdb extra word that looks like an id became an alias. */
	assert_int_equal(vtest_query_int(f->db,
	                                 "SELECT count(*) FROM aliases WHERE id='CVE-2020-11'"
	                                 " AND alias='GHSA-aaaa-bbbb-cccc'"),
	                 1);
	assert_int_equal(vtest_query_int(f->db, "SELECT count(*) FROM aliases WHERE"
	                                        " alias='(incomplete)'"),
	                 0);
	/* A file of an unknown format named on the command line is an error. */
	write_in(f->dir, "other.json", "{\"hello\":1}");
	char *p = NULL;
	customs_error err = {0};
	assert_true(asprintf(&p, "%s/other.json", f->dir) > 0);
	assert_int_equal(vtest_import(f->db, NULL, &err, p, NULL), CUSTOMS_EUNSUPPORTED);
	free(p);
}

/* An OSV zip as osv.dev publishes it (ECOSYSTEM/all.zip: one record per
 * member), written here from real records with libarchive. */
static void test_import_osv_zip(void **state)
{
	struct fixture *f = *state;
	char *zip = NULL;
	assert_true(asprintf(&zip, "%s/all.zip", f->dir) > 0);
	struct archive *a = archive_write_new();
	assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, zip), ARCHIVE_OK);
	const char *members[][2] = {
	    {"GHSA-hrpp-h998-j3pp.json", "tests/data/osv-ghsa/GHSA-hrpp-h998-j3pp.json"},
	    {"GHSA-jfh8-c2jp-5v3q.json", "tests/data/osv-ghsa/GHSA-jfh8-c2jp-5v3q.json"},
	    {"DLA-3008-1.json", "tests/data/osv-osvdev-snapshot/Debian/DLA-3008-1.json"},
	    {"README.txt", "tests/data/osv-osvdev-snapshot/Debian/DLA-3012-1.json"},
	    {"broken.json", NULL},
	};
	for (size_t i = 0; i < 5; i++) {
		char *data = NULL, *path = members[i][1] ? vtest_src(members[i][1]) : NULL;
		size_t len = 0;
		if (path)
			assert_int_equal(vulndb_read_file(&data, &len, path, 1 << 20, NULL), 0);
		else {
			data = strdup("{\"id\": \"GHSA-x\", \"modified\": 5, \"affected\": 3}");
			len = strlen(data);
		}
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, members[i][0]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)len);
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		assert_int_equal(archive_write_data(a, data, len), (la_ssize_t)len);
		archive_entry_free(e);
		free(data);
		free(path);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	customs_vulndb_import_stats st = {0};
	customs_error err = {0};
	int rc = vtest_import(f->db, &st, &err, zip, NULL);
	if (rc)
		fail_msg("%s", err.message);
	/* Three records; the .txt member is not a record; broken.json is one
	 * skipped record (wrong types). */
	assert_int_equal(st.records, 3);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(vtest_query_int(f->db,
	                                 "SELECT count(*) FROM affected WHERE ecosystem='npm'"
	                                 " AND package='qs'"),
	                 9);
	assert_int_equal(
	    vtest_query_int(f->db, "SELECT count(*) FROM advisories WHERE id='DLA-3012-1'"), 0);
	/* A zip that is cut short fails the import as a whole. */
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(vulndb_read_file(&data, &len, zip, 1 << 24, NULL), 0);
	assert_int_equal(vtest_write(zip, data, len / 2), 0);
	free(data);
	long long before = vtest_query_int(f->db, "SELECT count(*) FROM affected");
	rc = vtest_import(f->db, &st, &err, zip, NULL);
	assert_true(rc != 0);
	assert_int_equal(vtest_query_int(f->db, "SELECT count(*) FROM affected"), before);
	free(zip);
}

/* ---- atomic publishing ---- */

static void test_failed_import_keeps_db(void **state)
{
	struct fixture *f = *state;
	customs_error err = {0};
	assert_int_equal(vtest_import(f->db, NULL, &err, "tests/unit/vulndb/feeds/kev.json", NULL),
	                 0);
	struct stat before, after;
	assert_int_equal(stat(f->db, &before), 0);
	/* A reader opened before the failed import keeps working after it. */
	customs_vulndb *db = NULL;
	assert_int_equal(customs_vulndb_open(&db, f->db, &err), 0);
	int rc = vtest_import(f->db, NULL, &err, "tests/unit/vulndb/feeds/epss.csv.gz",
	                      "/nonexistent/feed.json", NULL);
	assert_int_equal(rc, CUSTOMS_ENOTFOUND);
	assert_int_equal(stat(f->db, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_int_equal(vtest_query_int(f->db, "SELECT count(*) FROM epss"), 0);
	assert_int_equal(vtest_query_int(f->db, "SELECT count(*) FROM kev"), 2);
	assert_int_equal(customs_vulndb_source_count(db), 1);
	customs_vulndb_close(db);
	/* No temporary file is left next to the DB. */
	DIR *d = opendir(f->dir);
	struct dirent *de;
	size_t n = 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	assert_int_equal(n, 1);

	/* A successful import publishes a new file; an open reader still reads
	 * the old one consistently. */
	assert_int_equal(customs_vulndb_open(&db, f->db, &err), 0);
	assert_int_equal(
	    vtest_import(f->db, NULL, &err, "tests/unit/vulndb/feeds/epss.csv.gz", NULL), 0);
	assert_int_equal(customs_vulndb_source_count(db), 1);
	customs_vulndb *db2 = NULL;
	assert_int_equal(customs_vulndb_open(&db2, f->db, &err), 0);
	assert_int_equal(customs_vulndb_source_count(db2), 2);
	customs_vulndb_close(db);
	customs_vulndb_close(db2);
	/* Missing DB: a clear not-found error. */
	char *missing = NULL;
	assert_true(asprintf(&missing, "%s/none.sqlite", f->dir) > 0);
	assert_int_equal(customs_vulndb_open(&db, missing, &err), CUSTOMS_ENOTFOUND);
	free(missing);
}

static void test_default_path(void **state)
{
	char *p = NULL;
	customs_error err = {0};
	unsetenv("CUSTOMS_DB");
	setenv("XDG_CACHE_HOME", "/xdg/cache", 1);
	assert_int_equal(customs_vulndb_default_path(&p, "/explicit.db", &err), 0);
	assert_string_equal(p, "/explicit.db");
	free(p);
	assert_int_equal(customs_vulndb_default_path(&p, NULL, &err), 0);
	assert_string_equal(p, "/xdg/cache/customs/db.sqlite");
	free(p);
	setenv("CUSTOMS_DB", "/env.db", 1);
	assert_int_equal(customs_vulndb_default_path(&p, NULL, &err), 0);
	assert_string_equal(p, "/env.db");
	free(p);
	unsetenv("CUSTOMS_DB");
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", "/home/u", 1);
	assert_int_equal(customs_vulndb_default_path(&p, NULL, &err), 0);
	assert_string_equal(p, "/home/u/.cache/customs/db.sqlite");
	free(p);
}

static void test_config(void **state)
{
	struct vulndb_config c;
	customs_error err = {0};
	const char *text =
	    "# feeds\n\nfeed https://example.invalid/a.json\n  feed   http://127.0.0.1:1/b\n"
	    "max-age-hours 48\n";
	assert_int_equal(vulndb_config_parse(&c, text, strlen(text), "t", &err), 0);
	assert_int_equal(c.n_feeds, 2);
	assert_string_equal(c.feeds[1], "http://127.0.0.1:1/b");
	assert_int_equal(c.max_age_hours, 48);
	vulndb_config_free(&c);
	const char *bad[] = {"feed\n", "max-age-hours x\n", "nonsense here\n",
	                     "max-age-hours 99999999\n"};
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(vulndb_config_parse(&c, bad[i], strlen(bad[i]), "t", &err),
		                 CUSTOMS_EINVAL);
}

/* ---- db update against a local server ---- */

struct server {
	pid_t pid;
	int port;
};

static void server_start(struct server *s, const char *dir, const char *mode)
{
	char *script = vtest_src("tests/unit/vulndb/feed_server.py"), *portfile = NULL;
	assert_true(asprintf(&portfile, "%s/../port", dir) > 0);
	unlink(portfile);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		execlp("python3", "python3", script, dir, mode, portfile, (char *)NULL);
		_exit(127);
	}
	/* The interpreter may take seconds to start on a loaded machine. */
	char *data = NULL;
	size_t len = 0;
	for (int i = 0; i < 300 && vulndb_read_file(&data, &len, portfile, 64, NULL) != 0; i++)
		usleep(100000);
	assert_non_null(data);
	uint64_t port = 0;
	data[strcspn(data, "\n")] = 0;
	assert_int_equal(parse_u64_str(&port, data, 65535), 0);
	s->port = (int)port;
	free(data);
	free(portfile);
	free(script);
}

static void server_stop(struct server *s)
{
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
}

static void write_config(const char *path, int port)
{
	char *text = NULL;
	assert_true(
	    asprintf(&text,
	             "feed http://127.0.0.1:%d/kev.json\nfeed http://127.0.0.1:%d/epss.csv.gz\n"
	             "feed http://127.0.0.1:%d/debian.json\n",
	             port, port, port) > 0);
	assert_int_equal(vtest_write(path, text, strlen(text)), 0);
	free(text);
}

static void copy_file(const char *from_rel, const char *to)
{
	char *from = vtest_src(from_rel), *data = NULL;
	size_t len = 0;
	assert_int_equal(vulndb_read_file(&data, &len, from, 1u << 24, NULL), 0);
	assert_int_equal(vtest_write(to, data, len), 0);
	free(data);
	free(from);
}

static void test_update_http(void **state)
{
	struct fixture *f = *state;
	char *www = NULL, *cfg = NULL, *p = NULL;
	customs_error err = {0};
	customs_vulndb_import_stats st = {0};
	assert_true(asprintf(&www, "%s/www", f->dir) > 0);
	assert_true(asprintf(&cfg, "%s/feeds.conf", f->dir) > 0);
	assert_int_equal(mkdir(www, 0755), 0);
	const char *feeds[][2] = {
	    {"tests/unit/vulndb/feeds/kev.json", "kev.json"},
	    {"tests/unit/vulndb/feeds/epss.csv.gz", "epss.csv.gz"},
	    {"tests/data/vunnel-fixtures/debian/test-fixtures/input/debian.json", "debian.json"},
	};
	for (size_t i = 0; i < 3; i++) {
		assert_true(asprintf(&p, "%s/%s", www, feeds[i][1]) > 0);
		copy_file(feeds[i][0], p);
		free(p);
	}
	struct server s;
	server_start(&s, www, "normal");
	write_config(cfg, s.port);
	customs_vulndb_update_options o = CUSTOMS_VULNDB_UPDATE_OPTIONS_INIT;
	o.config_path = cfg;
	o.timeout_seconds = 20;
	o.retries = 0;
	o.warn = vtest_warn;
	vtest_warnings = 0;
	int rc = customs_vulndb_update(f->db, &o, &st, &err);
	if (rc)
		fail_msg("%s", err.message);
	assert_int_equal(st.files, 3);
	assert_int_equal(st.records, 2 + 4 + 7);
	assert_int_equal(vtest_warnings, 0);
	/* Second run: every feed answers 304 and the cached copies are used. */
	rc = customs_vulndb_update(f->db, &o, &st, &err);
	if (rc)
		fail_msg("%s", err.message);
	assert_int_equal(vtest_warnings, 3);
	assert_int_equal(st.records, 2 + 4 + 7);
	server_stop(&s);

	/* A server that drops the connection mid-file: the update fails and
	 * the previous DB stays as it was, readable. */
	struct stat before, after;
	assert_int_equal(stat(f->db, &before), 0);
	assert_true(asprintf(&p, "%s/kev.json", www) > 0);
	copy_file("tests/unit/vulndb/feeds/nvd-page-1.json", p); /* changed content */
	free(p);
	server_start(&s, www, "drop");
	write_config(cfg, s.port);
	rc = customs_vulndb_update(f->db, &o, &st, &err);
	server_stop(&s);
	assert_int_equal(rc, CUSTOMS_ENETWORK);
	assert_int_equal(stat(f->db, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_int_equal(vtest_query_int(f->db, "SELECT count(*) FROM kev"), 2);
	customs_vulndb *db = NULL;
	assert_int_equal(customs_vulndb_open(&db, f->db, &err), 0);
	assert_int_equal(customs_vulndb_source_count(db), 3);
	customs_vulndb_close(db);

	/* A server that answers 503 once: no retries, a network error naming
	 * the status; one retry (after a pause), the update goes through. */
	assert_true(asprintf(&p, "%s/kev.json", www) > 0);
	copy_file("tests/unit/vulndb/feeds/kev.json", p);
	free(p);
	server_start(&s, www, "flaky");
	write_config(cfg, s.port);
	assert_int_equal(customs_vulndb_update(f->db, &o, &st, &err), CUSTOMS_ENETWORK);
	assert_non_null(strstr(err.message, "503"));
	o.retries = 1;
	server_stop(&s);
	server_start(&s, www, "flaky");
	write_config(cfg, s.port);
	rc = customs_vulndb_update(f->db, &o, &st, &err);
	if (rc)
		fail_msg("%s", err.message);
	o.retries = 0;
	server_stop(&s);

	/* Nothing listening: a network error, DB unchanged. */
	write_config(cfg, s.port);
	assert_int_equal(customs_vulndb_update(f->db, &o, &st, &err), CUSTOMS_ENETWORK);
	assert_int_equal(vtest_query_int(f->db, "SELECT count(*) FROM kev"), 2);
	/* Plain http to anything but loopback is refused. */
	assert_int_equal(vtest_write(cfg, "feed http://192.0.2.1/x.json\n", 29), 0);
	assert_int_equal(customs_vulndb_update(f->db, &o, &st, &err), CUSTOMS_EUSAGE);
	free(www);
	free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cvss3_known),
	    cmocka_unit_test(test_cvss3_invalid),
	    cmocka_unit_test(test_ecosystems),
	    cmocka_unit_test_setup_teardown(test_import_osv, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_secdb, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_debian, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_nvd_kev_epss, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_osv_zip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_malformed_osv, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_malformed_other_feeds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failed_import_keeps_db, setup, teardown),
	    cmocka_unit_test(test_default_path),
	    cmocka_unit_test(test_config),
	    cmocka_unit_test_setup_teardown(test_update_http, setup, teardown),
	};
	customs_error err = {0};
	customs_init(&err);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
