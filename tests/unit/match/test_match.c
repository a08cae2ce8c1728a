/* Matcher tests on real feed data: Alpine secdb against the minirootfs package
 * lists, the Debian tracker and DLAs, OSV language records, alias merging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "../vulndb/vtest.h"
#include "scan/inventory.h"
#include "vulndb/vulndb.h"

struct fixture {
	char *dir, *db;
	customs_vulndb *h;
	struct customs_inventory *inv;
	customs_findings *found;
};

static struct fixture *open_db(void **state, ...)
{
	struct fixture *f = calloc(1, sizeof(*f));
	customs_error err = {0};
	const char *paths[32];
	char *owned[32];
	size_t n = 0;
	va_list ap;
	f->dir = vtest_tmpdir();
	assert_true(asprintf(&f->db, "%s/db.sqlite", f->dir) > 0);
	va_start(ap, state);
	for (const char *rel; n < 32 && (rel = va_arg(ap, const char *));) {
		owned[n] = rel[0] == '/'   ? strdup(rel)
		           : rel[0] == '@' ? vtest_build(rel + 1)
		                           : vtest_src(rel);
		paths[n] = owned[n];
		n++;
	}
	va_end(ap);
	customs_vulndb_import_stats st = {0};
	int rc = customs_vulndb_import(f->db, paths, n, vtest_warn, NULL, &st, &err);
	for (size_t i = 0; i < n; i++)
		free(owned[i]);
	if (rc)
		fail_msg("import: %s", err.message);
	assert_int_equal(st.skipped, 0);
	assert_int_equal(customs_vulndb_open(&f->h, f->db, &err), 0);
	*state = f;
	return f;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	if (!f)
		return 0;
	customs_findings_free(f->found);
	customs_inventory_free(f->inv);
	customs_vulndb_close(f->h);
	vtest_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f);
	return 0;
}

static void new_image(struct fixture *f, const char *family, const char *version,
                      const char *codename)
{
	customs_inventory_free(f->inv);
	f->inv = NULL;
	assert_int_equal(inventory_new(&f->inv), 0);
	assert_int_equal(inventory_set(f->inv, &f->inv->info.os_family, family), 0);
	assert_int_equal(inventory_set(f->inv, &f->inv->info.os_version, version), 0);
	assert_int_equal(inventory_set(f->inv, &f->inv->info.os_codename, codename), 0);
}

/* type, name, epoch (or NULL), version, source name (or NULL), source version. */
static void add(struct fixture *f, const char *type, const char *name, const char *epoch,
                const char *version, const char *src, const char *src_version)
{
	customs_package p = {0};
	p.type = type;
	p.name = name;
	p.epoch = epoch;
	p.version = version;
	p.src_name = src;
	p.src_version = src_version;
	p.layer = "sha256:0000000000000000000000000000000000000000000000000000000000000001";
	p.installed_size = -1;
	assert_int_equal(inventory_add_package(f->inv, &p), 0);
}

static void run_match(struct fixture *f)
{
	customs_error err = {0};
	customs_findings_free(f->found);
	f->found = NULL;
	if (customs_match(&f->found, f->h, f->inv, NULL, &err))
		fail_msg("match: %s", err.message);
}

/* "package id fixed status" lines of all findings, sorted, one string. */
static char *summary(const customs_findings *fs)
{
	size_t n = customs_findings_count(fs);
	char **lines = calloc(n + 1, sizeof(char *));
	char *out = strdup("");
	for (size_t i = 0; i < n; i++) {
		const customs_finding *x = customs_findings_get(fs, i);
		assert_true(asprintf(&lines[i], "%s %s %s %s", x->package, x->id,
		                     x->fixed_version ? x->fixed_version : "-",
		                     customs_vuln_status_name(x->status)) > 0);
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
			char *t = lines[j];
			lines[j] = lines[j - 1];
			lines[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		char *next = NULL;
		assert_true(asprintf(&next, "%s%s\n", out, lines[i]) > 0);
		free(out);
		free(lines[i]);
		out = next;
	}
	free(lines);
	return out;
}

static void expect(struct fixture *f, const char *want)
{
	run_match(f);
	char *got = summary(f->found);
	if (strcmp(got, want) != 0)
		fail_msg("findings:\n%s\nwant:\n%s", got, want);
	free(got);
}

static const customs_finding *find(const customs_findings *fs, const char *pkg, const char *id)
{
	for (size_t i = 0; i < customs_findings_count(fs); i++) {
		const customs_finding *x = customs_findings_get(fs, i);
		if (strcmp(x->package, pkg) == 0 && strcmp(x->id, id) == 0)
			return x;
	}
	return NULL;
}

static bool has_alias(const customs_finding *x, const char *alias)
{
	for (size_t i = 0; i < x->alias_count; i++)
		if (strcmp(x->aliases[i], alias) == 0)
			return true;
	return false;
}

/* ---- Alpine ---- */

/* The 14 packages of alpine-minirootfs-3.10.9 (tests/data/SOURCES.md section 1)
 * with their origins from lib/apk/db/installed. */
static void alpine_3_10_9(struct fixture *f)
{
	new_image(f, "alpine", "3.10.9", NULL);
	add(f, "apk", "musl", NULL, "1.1.22-r4", "musl", NULL);
	add(f, "apk", "busybox", NULL, "1.30.1-r5", "busybox", NULL);
	add(f, "apk", "alpine-baselayout", NULL, "3.1.2-r0", "alpine-baselayout", NULL);
	add(f, "apk", "alpine-keys", NULL, "2.1-r2", "alpine-keys", NULL);
	add(f, "apk", "libcrypto1.1", NULL, "1.1.1k-r0", "openssl", NULL);
	add(f, "apk", "libssl1.1", NULL, "1.1.1k-r0", "openssl", NULL);
	add(f, "apk", "ca-certificates-cacert", NULL, "20191127-r2", "ca-certificates", NULL);
	add(f, "apk", "libtls-standalone", NULL, "2.9.1-r0", "libtls-standalone", NULL);
	add(f, "apk", "ssl_client", NULL, "1.30.1-r5", "busybox", NULL);
	add(f, "apk", "zlib", NULL, "1.2.11-r1", "zlib", NULL);
	add(f, "apk", "apk-tools", NULL, "2.10.6-r0", "apk-tools", NULL);
	add(f, "apk", "scanelf", NULL, "1.2.3-r0", "pax-utils", NULL);
	add(f, "apk", "musl-utils", NULL, "1.1.22-r4", "musl", NULL);
	add(f, "apk", "libc-utils", NULL, "0.7.1-r0", "libc-dev", NULL);
}

static void alpine_3_12_12(struct fixture *f)
{
	new_image(f, "alpine", "3.12.12", NULL);
	add(f, "apk", "musl", NULL, "1.1.24-r10", "musl", NULL);
	add(f, "apk", "busybox", NULL, "1.31.1-r22", "busybox", NULL);
	add(f, "apk", "alpine-baselayout", NULL, "3.2.0-r7", "alpine-baselayout", NULL);
	add(f, "apk", "alpine-keys", NULL, "2.4-r0", "alpine-keys", NULL);
	add(f, "apk", "libcrypto1.1", NULL, "1.1.1n-r0", "openssl", NULL);
	add(f, "apk", "libssl1.1", NULL, "1.1.1n-r0", "openssl", NULL);
	add(f, "apk", "ca-certificates-bundle", NULL, "20211220-r0", "ca-certificates", NULL);
	add(f, "apk", "libtls-standalone", NULL, "2.9.1-r1", "libtls-standalone", NULL);
	add(f, "apk", "ssl_client", NULL, "1.31.1-r22", "busybox", NULL);
	add(f, "apk", "zlib", NULL, "1.2.12-r0", "zlib", NULL);
	add(f, "apk", "apk-tools", NULL, "2.10.8-r1", "apk-tools", NULL);
	add(f, "apk", "scanelf", NULL, "1.2.6-r0", "pax-utils", NULL);
	add(f, "apk", "musl-utils", NULL, "1.1.24-r10", "musl", NULL);
	add(f, "apk", "libc-utils", NULL, "0.7.2-r3", "libc-dev", NULL);
}

/* Expected findings derived by hand once from alpine-secdb-vulnlist (current
 * per-package secdb): a secfix V means versions < V are affected, "0" never.
 * 3.10.9: apk-tools 2.10.6-r0 < 2.10.7-r0 (CVE-2021-36159); 2.10.6-r0 is the
 * CVE-2021-30139 fix itself; busybox/ssl_client 1.30.1-r5, musl 1.1.22-r4 and
 * openssl 1.1.1k-r0 equal their newest secfixes; no zlib file for 3.10.
 * 3.12.12: zlib 1.2.12-r0 < 1.2.12-r2 (CVE-2022-37434), = 1.2.12-r0 for
 * CVE-2018-25032; busybox r22, openssl 1.1.1n-r0, musl r10 equal their newest
 * fixes; apk-tools 2.10.8-r1 is past 2.10.7-r0; the "0" keys (busybox
 * CVE-2021-42373.., openssl CVE-2022-1292) never match. Same as SOURCES.md. */
static void test_alpine_vulnlist(void **state)
{
	struct fixture *f = open_db(state, "@tests/unit/vulndb/vulnlist-v3.10-main.json",
	                            "@tests/unit/vulndb/vulnlist-v3.12-main.json",
	                            "tests/unit/vulndb/feeds/nvd-page-1.json",
	                            "tests/unit/vulndb/feeds/epss.csv.gz", NULL);
	alpine_3_10_9(f);
	expect(f, "apk-tools CVE-2021-36159 2.10.7-r0 fixed\n");
	const customs_finding *x = find(f->found, "apk-tools", "CVE-2021-36159");
	/* secdb carries no severity: NVD's is used, with its CVSS and EPSS. */
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_CRITICAL);
	assert_string_equal(x->severity_source, "nvd");
	assert_string_equal(x->cvss_vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H");
	assert_true(x->cvss_score > 9.05 && x->cvss_score < 9.15);
	assert_true(x->epss_score > 0.0052 && x->epss_score < 0.0053);
	assert_int_equal(x->kev, 0);
	assert_string_equal(x->data_source, "alpine-secdb");
	assert_string_equal(x->installed_version, "2.10.6-r0");
	assert_string_equal(x->package_type, "apk");
	assert_non_null(x->layer);
	assert_non_null(x->title);
	assert_int_equal(x->package_index, 10);

	alpine_3_12_12(f);
	expect(f, "zlib CVE-2022-37434 1.2.12-r2 fixed\n");
	x = find(f->found, "zlib", "CVE-2022-37434");
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_CRITICAL);
	assert_true(x->cvss_score > 9.75 && x->cvss_score < 9.85);

	/* A release the DB has no data for: no findings, one warning-free
	 * result (the ecosystem is known, it is only empty). */
	new_image(f, "alpine", "3.20.3", NULL);
	add(f, "apk", "zlib", NULL, "1.2.12-r0", "zlib", NULL);
	expect(f, "");
}

/* The official secdb (YAML source form of v3.10 main.json, frozen mid-2020):
 * 3.10.9 is past every fix listed for its origins (busybox 1.30.1-r2, musl
 * 1.1.22-r3, openssl 1.1.1d-r0): no findings. Older versions do match. */
static void test_alpine_secdb_yaml(void **state)
{
	struct fixture *f = open_db(state, "@tests/unit/vulndb/v3.10-main.json",
	                            "@tests/unit/vulndb/v3.10-community.json", NULL);
	alpine_3_10_9(f);
	expect(f, "");
	new_image(f, "alpine", "3.10.0", NULL);
	add(f, "apk", "musl", NULL, "1.1.22-r2", "musl", NULL);
	add(f, "apk", "musl-utils", NULL, "1.1.22-r3", "musl", NULL);
	/* CVE-2019-5747 is listed under two versions; one finding, the fix
	 * that applies to 1.30.1-r0 is 1.30.1-r2. */
	add(f, "apk", "busybox", NULL, "1.30.1-r0", "busybox", NULL);
	add(f, "apk", "libssl1.1", NULL, "1.1.1c-r0", "openssl", NULL);
	expect(f, "busybox CVE-2019-5747 1.30.1-r2 fixed\n"
	          "libssl1.1 CVE-2019-1547 1.1.1d-r0 fixed\n"
	          "libssl1.1 CVE-2019-1549 1.1.1d-r0 fixed\n"
	          "libssl1.1 CVE-2019-1563 1.1.1d-r0 fixed\n"
	          "musl CVE-2019-14697 1.1.22-r3 fixed\n");
}

/* ---- Debian ---- */

static struct fixture *debian_db(void **state)
{
	return open_db(
	    state, "tests/data/vunnel-fixtures/debian/test-fixtures/input/debian.json",
	    "tests/data/vunnel-fixtures/debian/test-fixtures/input/DSA",
	    "tests/unit/vulndb/feeds/debian-extra.json", "tests/data/osv-osvdev-snapshot/Debian",
	    "tests/unit/vulndb/feeds/nvd-page-1.json", "tests/unit/vulndb/feeds/kev.json", NULL);
}

static void test_debian_buster(void **state)
{
	struct fixture *f = debian_db(state);
	new_image(f, "debian", "10", "buster");
	/* Before, at and after the tracker's fixed versions. */
	add(f, "deb", "libjs-prototype", NULL, "1.6.0.1-1", "prototypejs", "1.6.0.1-1");
	add(f, "deb", "txt2man", NULL, "1.5.5-4.1", NULL, NULL);
	add(f, "deb", "backupninja", NULL, "1.1.0-1", NULL, NULL);
	add(f, "deb", "chromium", NULL, "90.0.4430.212-1~deb10u1", NULL, NULL);
	/* CVE-2007-2383 is "resolved" with fixed_version 0 (not affected):
	 * never reported; chromium on buster is end-of-life. */
	expect(f, "chromium CVE-2022-0456 - end_of_life\n"
	          "libjs-prototype CVE-2008-7220 1.6.0.2-1 fixed\n");
	const customs_finding *x = find(f->found, "libjs-prototype", "CVE-2008-7220");
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_HIGH); /* urgency "high**" */
	assert_string_equal(x->severity_source, "debian-tracker");
	assert_string_equal(x->data_source, "debian-tracker");
	x = find(f->found, "chromium", "CVE-2022-0456");
	assert_string_equal(x->status_note, "end-of-life");
}

static void test_debian_bookworm(void **state)
{
	struct fixture *f = debian_db(state);
	/* No VERSION_ID (as on testing/sid images): the codename decides. */
	new_image(f, "debian", NULL, "bookworm");
	add(f, "deb", "chromium", NULL, "97.0.4692.99-1", NULL, NULL);
	/* Binary names that differ from the source package. */
	add(f, "deb", "libsope1", NULL, "5.8.0-1", "sope", "5.8.0-1");
	add(f, "deb", "libsope-appserver", NULL, "5.8.0-1+deb12u1", "sope", "5.8.0-1+deb12u1");
	add(f, "deb", "libc6", NULL, "2.36-9+deb12u10", "glibc", "2.36-9+deb12u10");
	add(f, "deb", "libssl3", NULL, "3.0.13-1~deb12u1", "openssl", "3.0.13-1~deb12u1");
	add(f, "deb", "openssl", NULL, "3.0.15-1~deb12u1", NULL, NULL);
	expect(f, "chromium CVE-2022-0456 98.0.4758.80-1 fixed\n"
	          "libc6 CVE-2010-4756 - affected\n"
	          "libc6 CVE-2019-1010022 - will_not_fix\n"
	          "libsope1 CVE-2025-53603 5.8.0-1+deb12u1 fixed\n"
	          "libssl3 CVE-2023-6237 - will_not_fix\n"
	          "libssl3 CVE-2024-2511 3.0.14-1~deb12u1 fixed\n"
	          "libssl3 CVE-2026-0001 - affected\n"
	          "openssl CVE-2023-6237 - will_not_fix\n"
	          "openssl CVE-2026-0001 - affected\n");
	const customs_finding *x = find(f->found, "libc6", "CVE-2019-1010022");
	assert_string_equal(x->status_note, "no-dsa: ignored");
	x = find(f->found, "libc6", "CVE-2010-4756");
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_NEGLIGIBLE); /* "unimportant" */
	/* The tracker's CVE and DSA-5970-1 from the DSA list: one finding. */
	x = find(f->found, "libsope1", "CVE-2025-53603");
	assert_true(has_alias(x, "DSA-5970-1"));
	assert_string_equal(x->data_source, "debian-tracker");
	x = find(f->found, "libssl3", "CVE-2026-0001");
	assert_string_equal(x->status_note, "undetermined");
	/* With --ignore-unfixed only findings with a fix remain. */
	customs_match_options o = CUSTOMS_MATCH_OPTIONS_INIT;
	o.ignore_unfixed = 1;
	customs_findings *fs = NULL;
	customs_error err = {0};
	assert_int_equal(customs_match(&fs, f->h, f->inv, &o, &err), 0);
	char *s = summary(fs);
	assert_string_equal(s, "chromium CVE-2022-0456 98.0.4758.80-1 fixed\n"
	                       "libsope1 CVE-2025-53603 5.8.0-1+deb12u1 fixed\n"
	                       "libssl3 CVE-2024-2511 3.0.14-1~deb12u1 fixed\n");
	free(s);
	customs_findings_free(fs);
	/* A severity floor drops the lower ones (and the unknown ones). */
	o.ignore_unfixed = 0;
	o.min_severity = CUSTOMS_SEVERITY_LOW;
	assert_int_equal(customs_match(&fs, f->h, f->inv, &o, &err), 0);
	s = summary(fs);
	assert_string_equal(s, "libssl3 CVE-2023-6237 - will_not_fix\n"
	                       "openssl CVE-2023-6237 - will_not_fix\n");
	free(s);
	customs_findings_free(fs);
}

static void test_debian_stretch_dla(void **state)
{
	struct fixture *f = debian_db(state);
	new_image(f, "debian", "9", "stretch");
	/* The tracker's CVE-2022-1292 and DLA-3008-1 (upstream CVE-2022-1292)
	 * are one finding, under the CVE. */
	add(f, "deb", "libssl1.1", NULL, "1.1.0l-1~deb9u5", "openssl", "1.1.0l-1~deb9u5");
	add(f, "deb", "openssl", NULL, "1.1.0l-1~deb9u6", NULL, NULL);
	/* A binNMU: the binary version has +b1, the source version decides. */
	add(f, "deb", "libxml2", NULL, "2.9.4+dfsg1-2.2+deb9u6+b1", "libxml2",
	    "2.9.4+dfsg1-2.2+deb9u6");
	add(f, "deb", "dpkg", NULL, "1.18.26", NULL, NULL);
	add(f, "deb", "tzdata", NULL, "2021a-0+deb9u3", NULL, NULL);
	expect(f, "libssl1.1 CVE-2022-1292 1.1.0l-1~deb9u6 fixed\n"
	          "libxml2 CVE-2022-29824 2.9.4+dfsg1-2.2+deb9u7 fixed\n"
	          "tzdata DLA-3051-1 2021a-0+deb9u4 fixed\n");
	const customs_finding *x = find(f->found, "libssl1.1", "CVE-2022-1292");
	assert_true(has_alias(x, "DLA-3008-1"));
	assert_string_equal(x->data_source, "debian-tracker");
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_MEDIUM);
	assert_string_equal(x->installed_version, "1.1.0l-1~deb9u5");
	x = find(f->found, "libxml2", "CVE-2022-29824");
	assert_true(has_alias(x, "DLA-3012-1"));
	assert_string_equal(x->installed_version, "2.9.4+dfsg1-2.2+deb9u6+b1");
	/* Epochs are compared: 1:1.0 is newer than any 2021a version. */
	new_image(f, "debian", "9", "stretch");
	add(f, "deb", "tzdata", "1", "2020a-0+deb9u1", NULL, NULL);
	expect(f, "");
}

/* ---- language ecosystems ---- */

static struct fixture *lang_db(void **state)
{
	/* A GHSA twin of GO-2022-0274, as the GitHub database publishes the same
	 * issue, to check that GO + GHSA + CVE make one finding. */
	char *dir = vtest_tmpdir(), *p = NULL,
	     *src = vtest_src("tests/data/osv-osvdev-snapshot/Go/GO-2022-0274.json");
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(vulndb_read_file(&data, &len, src, 1 << 20, NULL), 0);
	json_t *j = json_loadb(data, len, 0, NULL);
	assert_non_null(j);
	json_object_set_new(j, "id", json_string("GHSA-v95c-p5hm-xq8f"));
	json_t *al = json_array();
	json_array_append_new(al, json_string("CVE-2021-43784"));
	json_object_set_new(j, "aliases", al);
	json_object_set_new(j, "database_specific", json_pack("{s:s}", "severity", "MODERATE"));
	assert_true(asprintf(&p, "%s/GHSA-v95c-p5hm-xq8f.json", dir) > 0);
	assert_int_equal(json_dump_file(j, p, 0), 0);
	json_decref(j);
	free(data);
	free(src);
	/* ghsa-testdata holds GitHub API files next to their OSV conversions:
	 * only the *.osv.json ones are feed records. */
	const char *vectors[] = {"equals_with_patch", "withdrawn", "multiple_ranges_in_package"};
	for (size_t i = 0; i < 3; i++) {
		char *from = NULL, *to = NULL, *text = NULL;
		size_t tlen = 0;
		assert_true(asprintf(&from, "tests/data/osv-schema/ghsa-testdata/%s.osv.json",
		                     vectors[i]) > 0);
		char *abs = vtest_src(from);
		assert_int_equal(vulndb_read_file(&text, &tlen, abs, 1 << 20, NULL), 0);
		assert_true(asprintf(&to, "%s/%s.osv.json", dir, vectors[i]) > 0);
		assert_int_equal(vtest_write(to, text, tlen), 0);
		free(from);
		free(abs);
		free(to);
		free(text);
	}
	struct fixture *f = open_db(
	    state, "tests/data/osv-ghsa", "tests/data/osv-go", "tests/data/osv-pypi-json",
	    "tests/data/osv-osvdev-snapshot", dir, "tests/unit/vulndb/feeds/nvd-page-2.json",
	    "tests/unit/vulndb/feeds/kev.json", "tests/unit/vulndb/feeds/epss.csv.gz", NULL);
	vtest_rmtree(dir);
	free(dir);
	free(p);
	return f;
}

static void test_npm(void **state)
{
	struct fixture *f = lang_db(state);
	new_image(f, NULL, NULL, NULL);
	add(f, "npm", "qs", NULL, "6.5.2", NULL, NULL);
	add(f, "npm", "qs", NULL, "6.5.3", NULL, NULL);
	add(f, "npm", "debug", NULL, "2.5.2", NULL, NULL);
	add(f, "npm", "debug", NULL, "2.6.9", NULL, NULL);
	add(f, "npm", "ms", NULL, "0.7.2", NULL, NULL);
	add(f, "npm", "ms", NULL, "2.0.0", NULL, NULL);
	/* GHSA test vector: events [introduced 0, introduced 2.0.0, fixed 2.0.1,
	 * fixed 1.3.2] must be evaluated in version order. */
	add(f, "npm", "mixin-deep", NULL, "1.3.1", NULL, NULL);
	add(f, "npm", "mixin-deep", NULL, "1.3.2", NULL, NULL);
	add(f, "npm", "mixin-deep", NULL, "2.0.0", NULL, NULL);
	add(f, "npm", "mixin-deep", NULL, "2.0.1", NULL, NULL);
	run_match(f);
	char *s = summary(f->found);
	const char *want[] = {"debug CVE-2017-16137 2.6.9 fixed", "ms CVE-2017-20162 2.0.0 fixed",
	                      "qs CVE-2022-24999 6.5.3 fixed",
	                      "mixin-deep CVE-2019-10746 1.3.2 fixed",
	                      "mixin-deep CVE-2019-10746 2.0.1 fixed"};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(s, want[i]))
			fail_msg("missing %s in:\n%s", want[i], s);
	/* The fixed versions themselves have none of these. */
	for (size_t i = 0; i < customs_findings_count(f->found); i++) {
		const customs_finding *x = customs_findings_get(f->found, i);
		const char *v = x->installed_version;
		if ((strcmp(x->package, "qs") == 0 && strcmp(v, "6.5.3") == 0) ||
		    (strcmp(x->package, "debug") == 0 && strcmp(v, "2.6.9") == 0) ||
		    (strcmp(x->package, "ms") == 0 && strcmp(v, "2.0.0") == 0) ||
		    (strcmp(x->package, "mixin-deep") == 0 && v[4] == '2'))
			fail_msg("%s %s reported at a fixed version", x->package, x->id);
	}
	assert_int_equal(customs_findings_count(f->found), 5);
	const customs_finding *x = find(f->found, "qs", "CVE-2022-24999");
	assert_true(has_alias(x, "GHSA-hrpp-h998-j3pp"));
	assert_string_equal(x->data_source, "osv");
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_HIGH); /* GHSA database_specific */
	free(s);
}

static void test_maven_kev(void **state)
{
	struct fixture *f = lang_db(state);
	new_image(f, NULL, NULL, NULL);
	add(f, "maven", "org.apache.logging.log4j:log4j-core", NULL, "2.14.1", NULL, NULL);
	add(f, "maven", "log4j:log4j", NULL, "1.2.17", NULL, NULL);
	add(f, "maven", "org.apache.logging.log4j:log4j-core", NULL, "2.17.1", NULL, NULL);
	run_match(f);
	const customs_finding *x =
	    find(f->found, "org.apache.logging.log4j:log4j-core", "CVE-2021-44228");
	assert_non_null(x);
	assert_string_equal(x->installed_version, "2.14.1");
	assert_string_equal(x->fixed_version, "2.15.0");
	assert_true(has_alias(x, "GHSA-jfh8-c2jp-5v3q"));
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_CRITICAL);
	assert_string_equal(x->severity_source, "osv");
	assert_true(x->cvss_score > 9.95);
	assert_int_equal(x->kev, 1);
	assert_string_equal(x->kev_date_added, "2021-12-10");
	assert_true(x->epss_score > 0.94 && x->epss_percentile > 0.999);
	/* No fixed event: affected, no fix. */
	x = find(f->found, "log4j:log4j", "CVE-2021-4104");
	assert_non_null(x);
	assert_int_equal(x->status, CUSTOMS_STATUS_AFFECTED);
	assert_null(x->fixed_version);
	assert_int_equal(x->kev, 1);
	/* 2.17.1 is past every Log4Shell range. */
	for (size_t i = 0; i < customs_findings_count(f->found); i++)
		assert_false(
		    strcmp(customs_findings_get(f->found, i)->installed_version, "2.17.1") == 0 &&
		    strcmp(customs_findings_get(f->found, i)->id, "CVE-2021-44228") == 0);
}

static void test_go_pypi_gem_withdrawn_merge(void **state)
{
	struct fixture *f = lang_db(state);
	new_image(f, NULL, NULL, NULL);
	add(f, "golang", "github.com/opencontainers/runc", NULL, "v1.0.2", NULL, NULL);
	add(f, "pypi", "aiohttp", NULL, "3.8.1", NULL, NULL);
	add(f, "pypi", "Jinja2", NULL, "2.10", NULL, NULL);
	add(f, "gem", "activesupport", NULL, "4.2.1", NULL, NULL);
	run_match(f);
	/* GO-2022-0274 and its GHSA twin: one finding under the CVE. */
	const customs_finding *x =
	    find(f->found, "github.com/opencontainers/runc", "CVE-2021-43784");
	assert_non_null(x);
	assert_true(has_alias(x, "GO-2022-0274"));
	assert_true(has_alias(x, "GHSA-v95c-p5hm-xq8f"));
	assert_string_equal(x->fixed_version, "1.1.0");
	assert_int_equal(x->severity, CUSTOMS_SEVERITY_MEDIUM);
	size_t runc_43784 = 0;
	for (size_t i = 0; i < customs_findings_count(f->found); i++) {
		const customs_finding *y = customs_findings_get(f->found, i);
		if (strcmp(y->id, "CVE-2021-43784") == 0 || strcmp(y->id, "GO-2022-0274") == 0 ||
		    strcmp(y->id, "GHSA-v95c-p5hm-xq8f") == 0)
			runc_43784++;
		/* Withdrawn advisories never match. */
		assert_false(strcmp(y->id, "GO-2025-3543") == 0 ||
		             strcmp(y->id, "CVE-2025-27612") == 0);
		assert_false(strcmp(y->id, "CVE-2022-33124") == 0 ||
		             has_alias(y, "PYSEC-2022-43059"));
		assert_false(has_alias(y, "GHSA-35c4-f3rq-f9g3") ||
		             strcmp(y->id, "CVE-2015-3227") == 0);
	}
	assert_int_equal(runc_43784, 1);
	/* PyPI names are normalised on both sides: "Jinja2" finds jinja2's records. */
	bool jinja = false;
	for (size_t i = 0; i < customs_findings_count(f->found); i++)
		jinja |= strcmp(customs_findings_get(f->found, i)->package, "Jinja2") == 0;
	assert_true(jinja);
}

/* 1,000 packages against a DB holding every feed here: the target is
 * < 20 ms; the assertion leaves room for sanitizer builds. */
static void test_match_speed(void **state)
{
	struct fixture *f =
	    open_db(state, "tests/data/osv-ghsa", "tests/data/osv-go", "tests/data/osv-pypi-json",
	            "tests/data/osv-osvdev-snapshot",
	            "tests/data/vunnel-fixtures/debian/test-fixtures/input/debian.json",
	            "tests/unit/vulndb/feeds/debian-extra.json",
	            "@tests/unit/vulndb/v3.10-main.json", NULL);
	new_image(f, "debian", "12", "bookworm");
	char name[64], ver[32];
	for (int i = 0; i < 1000; i++) {
		const char *known[] = {"libssl3", "libc6", "chromium", "libsope1"};
		const char *src[] = {"openssl", "glibc", "chromium", "sope"};
		snprintf(name, sizeof(name), "pkg%d", i);
		snprintf(ver, sizeof(ver), "1.%d-1", i);
		if (i % 100 < 4)
			add(f, "deb", known[i % 100], NULL, "1.0-1", src[i % 100], "1.0-1");
		else
			add(f, "deb", name, NULL, ver, NULL, NULL);
	}
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	run_match(f);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	print_message("matched 1000 packages in %.2f ms (%zu findings)\n", ms,
	              customs_findings_count(f->found));
	/* 10 copies of each of the 4 known packages; libssl3 has 4 findings,
	 * libc6 2, chromium 1, libsope1 1 at version 1.0-1. */
	assert_int_equal(customs_findings_count(f->found), 10 * (4 + 2 + 1 + 1));
}

/* Real AlmaLinux OSV advisories (vunnel fixtures): rpm distros list binary
 * packages, so python3-requests (source rpm python-requests) must match
 * ALSA-2023:4520, and the EVR with an epoch must compare as rpm does. */
static void test_almalinux(void **state)
{
	struct fixture *f = open_db(
	    state,
	    "tests/data/vunnel-fixtures/alma/test-fixtures/osv-database/advisories/almalinux8",
	    "tests/data/vunnel-fixtures/alma/test-fixtures/osv-database/advisories/almalinux9",
	    NULL);
	new_image(f, "almalinux", "8.8", NULL);
	add(f, "rpm", "python3-requests", NULL, "2.20.0-2.1.el8_1", "python-requests",
	    "2.20.0-2.1.el8_1");
	add(f, "rpm", "mariadb-server", "3", "10.3.35-1.module_el8.6.0+3047+e7b0f8b8", "mariadb",
	    "3:10.3.35-1.module_el8.6.0+3047+e7b0f8b8");
	add(f, "rpm", "mariadb", "3", "10.3.39-1.module_el8.8.0+3609+204d4ab0", "mariadb",
	    "3:10.3.39-1.module_el8.8.0+3609+204d4ab0");
	/* The same names without the epoch are older than any epoch-3 fix. */
	add(f, "rpm", "libtiff", NULL, "4.0.9-27.el8", "libtiff", "4.0.9-27.el8");
	run_match(f);
	char *s = summary(f->found);
	if (!strstr(s, "python3-requests") || !strstr(s, "2.20.0-3.el8_8"))
		fail_msg("python3-requests not matched by its binary name:\n%s", s);
	if (!strstr(s, "mariadb-server") || !strstr(s, "3:10.3.39-1.module_el8.8.0+3609+204d4ab0"))
		fail_msg("mariadb-server below the fix not matched:\n%s", s);
	for (size_t i = 0; i < customs_findings_count(f->found); i++) {
		const customs_finding *x = customs_findings_get(f->found, i);
		if (strcmp(x->package, "mariadb") == 0)
			fail_msg("mariadb at the fixed version reported: %s", x->id);
		if (strcmp(x->package, "libtiff") == 0)
			fail_msg("an AlmaLinux 9 advisory matched an AlmaLinux 8 image: %s", x->id);
	}
	free(s);
	/* The same libtiff below the AlmaLinux 9 fix on an AlmaLinux 9 image. */
	new_image(f, "almalinux", "9.1", NULL);
	add(f, "rpm", "libtiff", NULL, "4.2.0-1.el9", "libtiff", "4.2.0-1.el9");
	add(f, "rpm", "libtiff-tools", NULL, "4.4.0-2.el9", "libtiff", "4.4.0-2.el9");
	run_match(f);
	s = summary(f->found);
	if (!strstr(s, "libtiff ") || !strstr(s, "4.4.0-2.el9"))
		fail_msg("libtiff below 4.4.0-2.el9 not matched:\n%s", s);
	for (size_t i = 0; i < customs_findings_count(f->found); i++)
		if (strcmp(customs_findings_get(f->found, i)->package, "libtiff-tools") == 0)
			fail_msg("libtiff-tools at the fixed version reported");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_alpine_vulnlist, teardown),
	    cmocka_unit_test_teardown(test_alpine_secdb_yaml, teardown),
	    cmocka_unit_test_teardown(test_debian_buster, teardown),
	    cmocka_unit_test_teardown(test_debian_bookworm, teardown),
	    cmocka_unit_test_teardown(test_debian_stretch_dla, teardown),
	    cmocka_unit_test_teardown(test_npm, teardown),
	    cmocka_unit_test_teardown(test_almalinux, teardown),
	    cmocka_unit_test_teardown(test_maven_kev, teardown),
	    cmocka_unit_test_teardown(test_go_pypi_gem_withdrawn_merge, teardown),
	    cmocka_unit_test_teardown(test_match_speed, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
