/* Unit tests for src/report: CycloneDX, SPDX, customs JSON and table writers over
 * inventories built from real package data, validated against official schemas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "customs_config.h"
#include "report/report.h"
#include "report/report_int.h"
#include "scan/inventory.h"
#include "util/sha256.h"

extern char **environ;

/* 2024-01-02T03:04:05Z */
#define FIXED_TIME     1704164645
#define FIXED_TIME_STR "2024-01-02T03:04:05Z"

/* The invalid-UTF-8 name below after sanitising: each bad byte is U+FFFD. */
#define BAD_UTF8_NAME     "caf\xc3\xa9-\xff\xfe-\xed\xa0\x80"
#define BAD_UTF8_CLEAN    "caf\xc3\xa9-\xef\xbf\xbd\xef\xbf\xbd-\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
#define HOSTILE_NAME      "evil \"quoted\" \\ \x01\x1b[31mred\x7f"
#define UBUNTU_MAINTAINER "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>"

static const char *source_root(void)
{
	const char *r = getenv("CUSTOMS_SOURCE_ROOT");
	return r ? r : CUSTOMS_SOURCE_ROOT;
}

static char *path_in_root(const char *rel)
{
	char *p = NULL;
	assert_true(asprintf(&p, "%s/%s", source_root(), rel) > 0);
	return p;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	assert_non_null(f);
	char *data = NULL;
	size_t cap = 0, n = 0, got;
	do {
		if (n + 65536 > cap) {
			cap = cap ? cap * 2 : 131072;
			data = realloc(data, cap + 1);
			assert_non_null(data);
		}
		got = fread(data + n, 1, cap - n, f);
		n += got;
	} while (got);
	fclose(f);
	data[n] = '\0';
	if (len)
		*len = n;
	return data;
}

static void digest_of_file(char *out, const char *rel)
{
	char *p = path_in_root(rel);
	size_t n;
	char *data = read_all(p, &n);
	sha256_digest_of(out, data, n);
	free(data);
	free(p);
}

/* Splits one TSV line in place into at most max fields. */
static size_t split_tabs(char *line, char **fields, size_t max)
{
	size_t n = 0;
	line[strcspn(line, "\r\n")] = '\0';
	char *p = line;
	while (n < max) {
		fields[n++] = p;
		char *tab = strchr(p, '\t');
		if (!tab)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	return n;
}

static char *purl_version(const char *v)
{
	/* purl percent-encodes ':' (the epoch separator) in versions. */
	char *out = calloc(1, strlen(v) * 3 + 1), *o = out;
	assert_non_null(out);
	for (; *v; v++) {
		if (*v == ':') {
			memcpy(o, "%3A", 3);
			o += 3;
		} else {
			*o++ = *v;
		}
	}
	return out;
}

static char layer_a[SHA256_DIGEST_STRING_LEN + 1], layer_b[SHA256_DIGEST_STRING_LEN + 1];
static char manifest_digest[SHA256_DIGEST_STRING_LEN + 1];

/* Ubuntu 18.04's 90 dpkg packages as trivy expects them from its dpkg/status
 * fixture, spread over two layers. */
static size_t add_dpkg_packages(customs_inventory *inv)
{
	char *p = path_in_root("tests/data/trivy-fixtures/EXPECTED/dpkg__status.tsv");
	FILE *f = fopen(p, "re");
	assert_non_null(f);
	char *line = NULL;
	size_t cap = 0, count = 0;
	assert_true(getline(&line, &cap, f) > 0); /* header */
	while (getline(&line, &cap, f) > 0) {
		char *fl[10];
		assert_int_equal(split_tabs(line, fl, 10), 10);
		/* id name version release epoch srcname srcversion srcrelease srcepoch arch */
		char *version = NULL, *src_version = NULL, *full = NULL, *purl = NULL;
		assert_true(asprintf(&version, "%s%s%s", fl[2], *fl[3] ? "-" : "", fl[3]) > 0);
		assert_true(asprintf(&src_version, "%s%s%s%s%s", fl[8], *fl[8] ? ":" : "", fl[6],
		                     *fl[7] ? "-" : "", fl[7]) > 0);
		assert_true(asprintf(&full, "%s%s%s", fl[4], *fl[4] ? ":" : "", version) > 0);
		char *pv = purl_version(full);
		assert_true(asprintf(&purl, "pkg:deb/ubuntu/%s@%s?arch=%s&distro=ubuntu-18.04",
		                     fl[1], pv, fl[9]) > 0);
		customs_package pkg = {
		    .type = "deb",
		    .name = fl[1],
		    .epoch = *fl[4] ? fl[4] : NULL,
		    .version = version,
		    .arch = fl[9],
		    .src_name = fl[5],
		    .src_version = src_version,
		    .maintainer = UBUNTU_MAINTAINER,
		    .purl = purl,
		    .path = "var/lib/dpkg/status",
		    .layer = count % 2 ? layer_b : layer_a,
		    .installed_size = count % 3 ? (int64_t)count * 1024 : -1,
		};
		assert_int_equal(inventory_add_package(inv, &pkg), 0);
		free(version);
		free(src_version);
		free(full);
		free(pv);
		free(purl);
		count++;
	}
	free(line);
	fclose(f);
	free(p);
	return count;
}

static customs_inventory *ubuntu_inventory(size_t *ndeb)
{
	customs_inventory *inv = NULL;
	digest_of_file(layer_a, "tests/data/trivy-fixtures/dpkg/status");
	digest_of_file(layer_b, "tests/data/trivy-fixtures/dpkg/status-third-party");
	digest_of_file(manifest_digest, "tests/data/trivy-fixtures/EXPECTED/dpkg__status.tsv");
	assert_int_equal(inventory_new(&inv), 0);
	assert_int_equal(inventory_set(inv, &inv->info.reference, "ubuntu:18.04"), 0);
	assert_int_equal(inventory_set(inv, &inv->info.transport, "docker"), 0);
	assert_int_equal(inventory_set(inv, &inv->info.manifest_digest, manifest_digest), 0);
	assert_int_equal(inventory_set(inv, &inv->info.config_digest, layer_b), 0);
	assert_int_equal(inventory_set(inv, &inv->info.os, "linux"), 0);
	assert_int_equal(inventory_set(inv, &inv->info.architecture, "amd64"), 0);
	assert_int_equal(inventory_set(inv, &inv->info.os_family, "ubuntu"), 0);
	assert_int_equal(inventory_set(inv, &inv->info.os_version, "18.04"), 0);
	assert_int_equal(inventory_set(inv, &inv->info.os_codename, "bionic"), 0);
	assert_int_equal(inventory_set(inv, &inv->info.os_name, "Ubuntu 18.04.1 LTS"), 0);
	const char *layers[] = {layer_a, layer_b};
	assert_int_equal(inventory_set_layers(inv, layers, NULL, 2), 0);
	*ndeb = add_dpkg_packages(inv);
	assert_int_equal(*ndeb, 90);
	return inv;
}

/* Language packages with hostile fields, plus a second copy of a deb package. */
static size_t add_hostile_packages(customs_inventory *inv)
{
	char *long_name = malloc(70001), *long_license = malloc(10001);
	assert_non_null(long_name);
	assert_non_null(long_license);
	memset(long_name, 'a', 70000);
	long_name[70000] = '\0';
	for (size_t i = 0; i < 10000; i++)
		long_license[i] = "GPL2 or later, see COPYING "[i % 27];
	long_license[10000] = '\0';
	const customs_package pkgs[] = {
	    {.type = "npm",
	     .name = HOSTILE_NAME,
	     .version = "1.0.0\n",
	     .purl = "pkg:npm/evil@1.0.0",
	     .license = "MIT OR \"whatever\"",
	     .maintainer = "Mallory \"M\" <mallory@example.org>",
	     .path = "app/node_modules/evil/package.json",
	     .layer = layer_b,
	     .installed_size = -1},
	    {.type = "npm",
	     .name = BAD_UTF8_NAME,
	     .version = "2.0.0",
	     .purl = "pkg:npm/caf%C3%A9@2.0.0",
	     .license = "GPL2",
	     .path = "app/node_modules/caf\xff/package.json",
	     .layer = layer_b,
	     .installed_size = 12},
	    {.type = "npm",
	     .name = long_name,
	     .version = long_name,
	     .purl = "pkg:npm/long@1",
	     .license = long_license,
	     .installed_size = -1},
	    {.type = "npm", .name = "lonely", .installed_size = -1},
	    {.type = "npm",
	     .name = "refs",
	     .version = "0.1.0",
	     .purl = "pkg:npm/refs@0.1.0",
	     .license = "LicenseRef-custom AND MIT",
	     .layer = layer_b,
	     .installed_size = -1},
	    {.type = "deb",
	     .name = "bash",
	     .version = "4.4.18-2ubuntu1",
	     .purl = "pkg:deb/ubuntu/bash@4.4.18-2ubuntu1?arch=amd64&distro=ubuntu-18.04",
	     .path = "var/lib/dpkg/status.d/bash",
	     .layer = layer_b,
	     .installed_size = -1},
	};
	for (size_t i = 0; i < sizeof(pkgs) / sizeof(pkgs[0]); i++)
		assert_int_equal(inventory_add_package(inv, &pkgs[i]), 0);
	warn_add(&inv->warnings, "skipped unreadable file usr/lib/\xff\x01");
	free(long_name);
	free(long_license);
	return sizeof(pkgs) / sizeof(pkgs[0]);
}

/* Alpine's apk installed fixture: names and versions from trivy's expectations,
 * licenses and maintainers as the fixture's L: and m: lines declare them. */
static customs_inventory *alpine_inventory(void)
{
	static const char *const facts[][3] = {
	    {"musl", "MIT", "Timo Ter\xc3\xa4s <timo.teras@iki.fi>"},
	    {"busybox", "GPL2", "Natanael Copa <ncopa@alpinelinux.org>"},
	    {"alpine-baselayout", "GPL2", "Natanael Copa <ncopa@alpinelinux.org>"},
	    {"alpine-keys", "GPL", "Natanael Copa <ncopa@alpinelinux.org>"},
	    {"zlib", "zlib", "Natanael Copa <ncopa@alpinelinux.org>"},
	    {"libcrypto1.0", "openssl", "Timo Teras <timo.teras@iki.fi>"},
	    {"libssl1.0", "openssl", "Timo Teras <timo.teras@iki.fi>"},
	    {"apk-tools", "GPL2", "Natanael Copa <ncopa@alpinelinux.org>"},
	    {"scanelf", "GPL2", "Natanael Copa <ncopa@alpinelinux.org>"},
	    {"musl-utils", "MIT BSD GPL2+", "Timo Ter\xc3\xa4s <timo.teras@iki.fi>"},
	    {"libc-utils", "GPL", "Natanael Copa <ncopa@alpinelinux.org>"},
	    {"pkgconf", "ISC", "William Pitcock <nenolod@dereferenced.org>"},
	    {"sqlite-libs", "Public-Domain", "Carlo Landmeter <clandmeter@gmail.com>"},
	    {"test", "Public-Domain", "Carlo Landmeter <clandmeter@gmail.com>"},
	    {"ada-libs", "( Apache-2.0 OR MIT ) AND MPL-2.0", "Jakub Jirutka <jakub@jirutka.cz>"},
	};
	customs_inventory *inv = NULL;
	char layer[SHA256_DIGEST_STRING_LEN + 1];
	digest_of_file(layer, "tests/data/trivy-fixtures/apk/installed");
	assert_int_equal(inventory_new(&inv), 0);
	assert_int_equal(inventory_set(inv, &inv->info.reference, "oci:alpine:3.4"), 0);
	assert_int_equal(inventory_set(inv, &inv->info.transport, "oci"), 0);
	assert_int_equal(inventory_set(inv, &inv->info.os_family, "alpine"), 0);
	assert_int_equal(inventory_set(inv, &inv->info.os_version, "3.4.6"), 0);
	const char *layers[] = {layer};
	assert_int_equal(inventory_set_layers(inv, layers, layers, 1), 0);
	char *p = path_in_root("tests/data/trivy-fixtures/EXPECTED/apk__installed.tsv");
	FILE *f = fopen(p, "re");
	assert_non_null(f);
	char *line = NULL;
	size_t cap = 0, i = 0;
	assert_true(getline(&line, &cap, f) > 0);
	while (getline(&line, &cap, f) > 0) {
		char *fl[4], *purl = NULL;
		assert_int_equal(split_tabs(line, fl, 4), 4);
		assert_true(i < sizeof(facts) / sizeof(facts[0]));
		assert_string_equal(fl[0], facts[i][0]);
		assert_true(asprintf(&purl, "pkg:apk/alpine/%s@%s?arch=x86_64&distro=3.4.6", fl[0],
		                     fl[1]) > 0);
		customs_package pkg = {.type = "apk",
		                       .name = fl[0],
		                       .version = fl[1],
		                       .arch = "x86_64",
		                       .src_name = fl[2],
		                       .src_version = fl[3],
		                       .license = facts[i][1],
		                       .maintainer = facts[i][2],
		                       .purl = purl,
		                       .path = "lib/apk/db/installed",
		                       .layer = layer,
		                       .installed_size = -1};
		assert_int_equal(inventory_add_package(inv, &pkg), 0);
		free(purl);
		i++;
	}
	assert_int_equal(i, 15);
	free(line);
	fclose(f);
	free(p);
	return inv;
}

static char *write_report(const customs_inventory *inv, enum report_format fmt,
                          const struct report_options *o)
{
	char *path = NULL;
	const char *tmp = getenv("TMPDIR");
	assert_true(asprintf(&path, "%s/customs-report-XXXXXX", tmp ? tmp : "/tmp") > 0);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	customs_error err = {0};
	int rc = report_inventory_write(f, inv, fmt, o, &err);
	if (rc)
		fprintf(stderr, "report: %s\n", err.message);
	assert_int_equal(rc, 0);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Removes a report written by write_report and frees its path. */
static void drop(char *path)
{
	unlink(path);
	free(path);
}

static struct report_options fixed_options(const char *seed)
{
	struct report_options o = REPORT_OPTIONS_INIT;
	o.timestamp = FIXED_TIME;
	o.uuid_seed = seed;
	o.color = 0;
	return o;
}

static int run_validator(const char *schema_rel, const char *doc)
{
	char *script = path_in_root("tests/unit/report/validate_schema.py");
	char *schema = path_in_root(schema_rel);
	char *argv[] = {"python3", script, schema, (char *)doc, NULL};
	pid_t pid;
	int status = -1;
	assert_int_equal(posix_spawnp(&pid, "python3", NULL, NULL, argv, environ), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	free(script);
	free(schema);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static json_t *load_json(const char *path)
{
	json_error_t jerr;
	/* jansson rejects invalid UTF-8 on load: this also proves the output is clean. */
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!j)
		fprintf(stderr, "%s:%d: %s\n", path, jerr.line, jerr.text);
	assert_non_null(j);
	return j;
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *cdx_property(const json_t *comp, const char *name)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(comp, "properties"), i,
	                   p) if (!strcmp(jstr(p, "name"), name)) return jstr(p, "value");
	return NULL;
}

/* The string a writer must show for s: s itself unless it has invalid UTF-8. */
static const char *shown(const char *s)
{
	return s && !strcmp(s, BAD_UTF8_NAME) ? BAD_UTF8_CLEAN : s;
}

static bool array_has_str(const json_t *a, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) if (json_is_string(v) &&
	                                !strcmp(json_string_value(v), s)) return true;
	return false;
}

static void test_format_parse(void **state)
{
	enum report_format f = REPORT_TABLE;
	assert_int_equal(report_format_parse(&f, "cyclonedx"), 0);
	assert_int_equal(f, REPORT_CYCLONEDX);
	assert_int_equal(report_format_parse(&f, "spdx-json"), 0);
	assert_int_equal(f, REPORT_SPDX);
	assert_int_equal(report_format_parse(&f, "json"), 0);
	assert_int_equal(f, REPORT_JSON);
	assert_int_equal(report_format_parse(&f, "table"), 0);
	assert_int_equal(f, REPORT_TABLE);
	f = REPORT_SPDX;
	assert_int_equal(report_format_parse(&f, "sarif"), CUSTOMS_EUSAGE);
	assert_int_equal(report_format_parse(&f, "CycloneDX"), CUSTOMS_EUSAGE);
	assert_int_equal(report_format_parse(&f, ""), CUSTOMS_EUSAGE);
	assert_int_equal(report_format_parse(&f, NULL), CUSTOMS_EUSAGE);
	assert_int_equal(f, REPORT_SPDX);
	assert_string_equal(report_format_name(REPORT_CYCLONEDX), "cyclonedx");
}

static void test_license_classify(void **state)
{
	const char *id = NULL;
	assert_int_equal(report_license_classify("MIT", false, &id), LICENSE_ID);
	assert_string_equal(id, "MIT");
	assert_int_equal(report_license_classify("zlib", false, &id), LICENSE_ID);
	assert_string_equal(id, "Zlib");
	assert_int_equal(report_license_classify(" openssl ", false, &id), LICENSE_ID);
	assert_string_equal(id, "OpenSSL");
	static const struct {
		const char *s;
		bool refs;
		enum license_kind want;
	} cases[] = {
	    {NULL, false, LICENSE_NONE},
	    {"", false, LICENSE_NONE},
	    {"  ", false, LICENSE_NONE},
	    {"NOASSERTION", false, LICENSE_NONE},
	    {"NONE", true, LICENSE_NONE},
	    {"( Apache-2.0 OR MIT ) AND MPL-2.0", false, LICENSE_EXPRESSION},
	    {"(Apache-2.0 OR MIT)AND MPL-2.0", false, LICENSE_EXPRESSION},
	    {"GPL-2.0-or-later WITH Classpath-exception-2.0", false, LICENSE_EXPRESSION},
	    {"Apache-2.0+", false, LICENSE_EXPRESSION},
	    {"LicenseRef-custom AND MIT", true, LICENSE_EXPRESSION},
	    {"DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2", true, LICENSE_EXPRESSION},
	    {"LicenseRef-custom AND MIT", false, LICENSE_OTHER},
	    {"LicenseRef-", true, LICENSE_OTHER},
	    {"DocumentRef-x:", true, LICENSE_OTHER},
	    {"GPL2", false, LICENSE_OTHER},
	    {"GPL", false, LICENSE_OTHER},
	    {"Public-Domain", false, LICENSE_OTHER},
	    {"MIT BSD GPL2+", false, LICENSE_OTHER},
	    {"MIT AND", false, LICENSE_OTHER},
	    {"AND MIT", false, LICENSE_OTHER},
	    {"MIT and Apache-2.0", false, LICENSE_OTHER},
	    {"(MIT", false, LICENSE_OTHER},
	    {"MIT)", false, LICENSE_OTHER},
	    {"()", false, LICENSE_OTHER},
	    {"MIT WITH", false, LICENSE_OTHER},
	    {"(MIT) WITH Classpath-exception-2.0", false, LICENSE_OTHER},
	    {"MIT WITH Classpath-exception-2.0 WITH Classpath-exception-2.0", false, LICENSE_OTHER},
	    {"MIT OR \"whatever\"", true, LICENSE_OTHER},
	    {"MIT\nOR Apache-2.0", true, LICENSE_OTHER},
	    {"MIT++", false, LICENSE_OTHER},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (report_license_classify(cases[i].s, cases[i].refs, NULL) != cases[i].want)
			fail_msg("license case %zu \"%s\"", i, cases[i].s ? cases[i].s : "(null)");
	}
	/* Deep nesting is linear, not recursive. */
	size_t depth = 200000;
	char *deep = malloc(depth * 2 + 4);
	assert_non_null(deep);
	memset(deep, '(', depth);
	memcpy(deep + depth, "MIT", 3);
	memset(deep + depth + 3, ')', depth);
	deep[depth * 2 + 3] = '\0';
	assert_int_equal(report_license_classify(deep, false, NULL), LICENSE_EXPRESSION);
	deep[depth * 2 + 2] = '\0';
	assert_int_equal(report_license_classify(deep, false, NULL), LICENSE_OTHER);
	free(deep);
	/* The table is sorted the way the lookup searches it. */
	for (size_t i = 1; i < report_spdx_ids_count; i++)
		assert_true(strcasecmp(report_spdx_ids[i - 1], report_spdx_ids[i]) < 0);
	assert_true(report_spdx_ids_count > 500);
	assert_string_equal(report_spdx_id_lookup("apache-2.0x", 10), "Apache-2.0");
	assert_null(report_spdx_id_lookup("Apache-2.", 9));
}

static void test_utf8_sanitize(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} cases[] = {
	    {"", 0, ""},
	    {"a", 1, "a"},
	    {"\xff", 1, "\xef\xbf\xbd"},
	    {"\xc3\xa9", 2, "\xc3\xa9"},
	    {"\xc3", 1, "\xef\xbf\xbd"},
	    {"\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd"},                 /* overlong '/' */
	    {"\xe0\x80\xaf", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong */
	    {"\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
	    {"\xe2\x82\xac", 3, "\xe2\x82\xac"},
	    {"\xe2\x82", 2, "\xef\xbf\xbd\xef\xbf\xbd"},
	    {"\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80"},
	    {"\xf4\x8f\xbf\xbf", 4, "\xf4\x8f\xbf\xbf"}, /* U+10FFFF */
	    {"\xf4\x90\x80\x80", 4, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
	    {"a\0b", 3, "a\0b"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = 99;
		char *s = report_utf8_sanitize(cases[i].in, cases[i].len, &n);
		assert_non_null(s);
		size_t want = i == sizeof(cases) / sizeof(cases[0]) - 1 ? 3 : strlen(cases[i].out);
		if (n != want || memcmp(s, cases[i].out, n))
			fail_msg("utf8 case %zu", i);
		free(s);
	}
	json_t *j = report_json_string(BAD_UTF8_NAME);
	assert_non_null(j);
	assert_string_equal(json_string_value(j), BAD_UTF8_CLEAN);
	json_decref(j);
	j = report_json_string(NULL);
	assert_true(json_is_null(j));
}

static void test_split_maintainer(void **state)
{
	static const struct {
		const char *in, *name, *email;
	} cases[] = {
	    {UBUNTU_MAINTAINER, "Ubuntu Developers", "ubuntu-devel-discuss@lists.ubuntu.com"},
	    {"  Natanael Copa  ", "Natanael Copa", NULL},
	    {"<ncopa@alpinelinux.org>", NULL, "ncopa@alpinelinux.org"},
	    {"Someone <not an address>", "Someone", NULL},
	    {"Vendor <>", "Vendor", NULL},
	    {" <>", " <>", NULL},
	    {"a <b@c", "a <b@c", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *name = (char *)1, *email = (char *)1;
		assert_int_equal(report_split_maintainer(cases[i].in, &name, &email), 0);
		if (cases[i].name)
			assert_string_equal(name, cases[i].name);
		else
			assert_null(name);
		if (cases[i].email)
			assert_string_equal(email, cases[i].email);
		else
			assert_null(email);
		free(name);
		free(email);
	}
}

static void check_cyclonedx(const char *path, const customs_inventory *inv, size_t nos)
{
	const customs_image_info *img = customs_inventory_image(inv);
	size_t npkgs = customs_inventory_package_count(inv);
	assert_int_equal(run_validator("tests/data/schemas/bom-1.5.schema.json", path), 0);
	json_t *doc = load_json(path);
	assert_string_equal(jstr(doc, "bomFormat"), "CycloneDX");
	assert_string_equal(jstr(doc, "specVersion"), "1.5");
	assert_int_equal(json_integer_value(json_object_get(doc, "version")), 1);
	const char *serial = jstr(doc, "serialNumber");
	assert_int_equal(strlen(serial), 45);
	assert_memory_equal(serial, "urn:uuid:", 9);
	assert_int_equal(serial[9 + 14], '4');
	assert_non_null(strchr("89ab", serial[9 + 19]));
	json_t *md = json_object_get(doc, "metadata");
	assert_string_equal(jstr(md, "timestamp"), FIXED_TIME_STR);
	json_t *tool =
	    json_array_get(json_object_get(json_object_get(md, "tools"), "components"), 0);
	assert_string_equal(jstr(tool, "name"), "customs");
	assert_string_equal(jstr(tool, "version"), customs_version());
	json_t *image = json_object_get(md, "component");
	assert_string_equal(jstr(image, "type"), "container");
	assert_string_equal(jstr(image, "name"), img->reference);
	if (img->manifest_digest) {
		assert_string_equal(jstr(image, "version"), img->manifest_digest);
		json_t *h = json_array_get(json_object_get(image, "hashes"), 0);
		assert_string_equal(jstr(h, "content"), img->manifest_digest + 7);
	}
	if (img->os_family)
		assert_string_equal(cdx_property(image, "customs:os:family"), img->os_family);

	json_t *comps = json_object_get(doc, "components");
	assert_int_equal(json_array_size(comps), nos + npkgs);
	json_t *refs = json_object();
	size_t i;
	json_t *c;
	json_array_foreach(comps, i, c)
	{
		const char *ref = jstr(c, "bom-ref");
		assert_non_null(ref);
		assert_null(json_object_get(refs, ref)); /* unique */
		json_object_set_new(refs, ref, json_true());
	}
	assert_null(json_object_get(refs, jstr(image, "bom-ref")));
	if (nos) {
		json_t *os = json_array_get(comps, 0);
		assert_string_equal(jstr(os, "type"), "operating-system");
		assert_string_equal(jstr(os, "name"), img->os_family);
		assert_string_equal(jstr(os, "version"), img->os_version);
	}
	for (i = 0; i < npkgs; i++) {
		const customs_package *p = customs_inventory_package(inv, i);
		c = json_array_get(comps, nos + i);
		assert_string_equal(jstr(c, "type"), "library");
		assert_string_equal(jstr(c, "name"), shown(p->name));
		if (p->purl) {
			assert_string_equal(jstr(c, "purl"), p->purl);
			/* Every package appears once per inventory entry with its purl. */
			size_t want = 0, got = 0, j;
			json_t *other;
			for (j = 0; j < npkgs; j++)
				want += customs_inventory_package(inv, j)->purl &&
				        !strcmp(customs_inventory_package(inv, j)->purl, p->purl);
			json_array_foreach(comps, j, other) got +=
			    jstr(other, "purl") && !strcmp(jstr(other, "purl"), p->purl);
			assert_int_equal(got, want);
		} else {
			assert_null(json_object_get(c, "purl"));
		}
		if (p->layer)
			assert_string_equal(cdx_property(c, "customs:layer:diff_id"), p->layer);
		else
			assert_null(cdx_property(c, "customs:layer:diff_id"));
		if (p->path)
			assert_string_equal(cdx_property(c, "customs:package:path"),
			                    strchr(p->path, '\xff')
			                        ? "app/node_modules/caf\xef\xbf\xbd/package.json"
			                        : p->path);
		if (p->src_name)
			assert_string_equal(cdx_property(c, "customs:package:src_name"),
			                    p->src_name);
		if (p->src_version)
			assert_string_equal(cdx_property(c, "customs:package:src_version"),
			                    p->src_version);
		if (p->version && strchr(p->version, '\n') == NULL && strlen(p->version) < 100) {
			char *full = package_full_version(p);
			assert_string_equal(jstr(c, "version"), full);
			free(full);
		}
		json_t *lic = json_array_get(json_object_get(c, "licenses"), 0);
		const char *id = NULL;
		switch (report_license_classify(p->license, true, &id)) {
		case LICENSE_NONE:
			assert_null(lic);
			break;
		case LICENSE_ID:
			assert_string_equal(jstr(json_object_get(lic, "license"), "id"), id);
			break;
		case LICENSE_EXPRESSION:
			assert_string_equal(jstr(lic, "expression"), p->license);
			break;
		case LICENSE_OTHER:
			assert_string_equal(jstr(json_object_get(lic, "license"), "name"),
			                    p->license);
			break;
		}
		if (p->maintainer)
			assert_string_equal(jstr(c, "author"), p->maintainer);
	}
	/* The image depends on every component; the OS on every OS package. */
	json_t *deps = json_object_get(doc, "dependencies");
	json_t *image_deps = NULL, *os_deps = NULL, *d;
	json_array_foreach(deps, i, d)
	{
		if (!strcmp(jstr(d, "ref"), jstr(image, "bom-ref")))
			image_deps = json_object_get(d, "dependsOn");
		else if (nos && !strcmp(jstr(d, "ref"), jstr(json_array_get(comps, 0), "bom-ref")))
			os_deps = json_object_get(d, "dependsOn");
	}
	assert_non_null(image_deps);
	assert_int_equal(json_array_size(image_deps), json_array_size(comps));
	json_array_foreach(comps, i, c) assert_true(array_has_str(image_deps, jstr(c, "bom-ref")));
	if (nos) {
		size_t nospkgs = 0;
		for (i = 0; i < npkgs; i++) {
			const customs_package *p = customs_inventory_package(inv, i);
			if (!strcmp(p->type, "deb") || !strcmp(p->type, "apk")) {
				nospkgs++;
				assert_true(array_has_str(
				    os_deps, jstr(json_array_get(comps, nos + i), "bom-ref")));
			}
		}
		assert_int_equal(json_array_size(os_deps), nospkgs);
	}
	json_decref(refs);
	json_decref(doc);
}

/* prefix followed by an SPDX idstring: letters, digits, '.' and '-'. */
static bool valid_id(const char *id, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(id, prefix, n) || !id[n])
		return false;
	for (const char *p = id + n; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", *p))
			return false;
	return true;
}

static const char *spdx_annotation(const json_t *pkg, const char *key)
{
	size_t i, n = strlen(key);
	json_t *a;
	json_array_foreach(json_object_get(pkg, "annotations"), i, a)
	{
		const char *c = jstr(a, "comment");
		if (!strncmp(c, key, n) && c[n] == '=')
			return c + n + 1;
	}
	return NULL;
}

static void check_spdx(const char *path, const customs_inventory *inv, size_t nos)
{
	const customs_image_info *img = customs_inventory_image(inv);
	size_t npkgs = customs_inventory_package_count(inv);
	assert_int_equal(run_validator("tests/data/schemas/spdx-schema-2.3.json", path), 0);
	json_t *doc = load_json(path);
	assert_string_equal(jstr(doc, "spdxVersion"), "SPDX-2.3");
	assert_string_equal(jstr(doc, "dataLicense"), "CC0-1.0");
	assert_string_equal(jstr(doc, "SPDXID"), "SPDXRef-DOCUMENT");
	assert_string_equal(jstr(doc, "name"), img->reference);
	const char *ns = jstr(doc, "documentNamespace");
	assert_memory_equal(ns, "https://", 8);
	assert_null(strchr(ns, '#'));
	assert_null(strchr(ns, ' '));
	json_t *ci = json_object_get(doc, "creationInfo");
	assert_string_equal(jstr(ci, "created"), FIXED_TIME_STR);
	char creator[64];
	snprintf(creator, sizeof(creator), "Tool: customs-%s", customs_version());
	assert_string_equal(json_string_value(json_array_get(json_object_get(ci, "creators"), 0)),
	                    creator);
	assert_true(array_has_str(json_object_get(doc, "documentDescribes"), "SPDXRef-Image"));

	json_t *pkgs = json_object_get(doc, "packages");
	assert_int_equal(json_array_size(pkgs), 1 + nos + npkgs);
	json_t *image = json_array_get(pkgs, 0);
	assert_string_equal(jstr(image, "SPDXID"), "SPDXRef-Image");
	assert_string_equal(jstr(image, "primaryPackagePurpose"), "CONTAINER");
	json_t *ids = json_object(), *extracted = json_object();
	size_t i;
	json_t *p, *r;
	json_array_foreach(json_object_get(doc, "hasExtractedLicensingInfos"), i, p)
	{
		assert_true(valid_id(jstr(p, "licenseId"), "LicenseRef-"));
		json_object_set(extracted, jstr(p, "licenseId"), p);
	}
	json_array_foreach(pkgs, i, p)
	{
		const char *id = jstr(p, "SPDXID");
		assert_true(valid_id(id, "SPDXRef-"));
		assert_null(json_object_get(ids, id));
		json_object_set_new(ids, id, json_true());
		assert_string_equal(jstr(p, "downloadLocation"), "NOASSERTION");
		const char *decl = jstr(p, "licenseDeclared");
		if (decl && !strncmp(decl, "LicenseRef-", 11))
			assert_non_null(json_object_get(extracted, decl));
	}
	for (i = 0; i < npkgs; i++) {
		const customs_package *pk = customs_inventory_package(inv, i);
		p = json_array_get(pkgs, 1 + nos + i);
		assert_string_equal(jstr(p, "name"), shown(pk->name));
		json_t *ref = json_array_get(json_object_get(p, "externalRefs"), 0);
		if (pk->purl) {
			assert_string_equal(jstr(ref, "referenceCategory"), "PACKAGE-MANAGER");
			assert_string_equal(jstr(ref, "referenceType"), "purl");
			assert_string_equal(jstr(ref, "referenceLocator"), pk->purl);
		} else {
			assert_null(ref);
		}
		if (pk->layer)
			assert_string_equal(spdx_annotation(p, "customs:layer:diff_id"), pk->layer);
		const char *id = NULL, *decl = jstr(p, "licenseDeclared");
		switch (report_license_classify(pk->license, false, &id)) {
		case LICENSE_NONE:
			assert_string_equal(decl, "NOASSERTION");
			break;
		case LICENSE_ID:
			assert_string_equal(decl, id);
			break;
		case LICENSE_EXPRESSION:
			assert_string_equal(decl, pk->license);
			break;
		case LICENSE_OTHER:
			assert_string_equal(jstr(json_object_get(extracted, decl), "extractedText"),
			                    pk->license);
			break;
		}
		if (pk->maintainer && !strcmp(pk->maintainer, UBUNTU_MAINTAINER))
			assert_string_equal(jstr(p, "supplier"),
			                    "Organization: Ubuntu Developers "
			                    "(ubuntu-devel-discuss@lists.ubuntu.com)");
	}
	/* DOCUMENT DESCRIBES the image, which CONTAINS every other package once. */
	json_t *contained = json_object();
	bool describes = false;
	json_array_foreach(json_object_get(doc, "relationships"), i, r)
	{
		const char *from = jstr(r, "spdxElementId"), *type = jstr(r, "relationshipType");
		const char *to = jstr(r, "relatedSpdxElement");
		assert_non_null(json_object_get(ids, to));
		if (!strcmp(type, "DESCRIBES")) {
			assert_string_equal(from, "SPDXRef-DOCUMENT");
			assert_string_equal(to, "SPDXRef-Image");
			describes = true;
		} else {
			assert_string_equal(type, "CONTAINS");
			assert_string_equal(from, "SPDXRef-Image");
			assert_null(json_object_get(contained, to));
			json_object_set_new(contained, to, json_true());
		}
	}
	assert_true(describes);
	assert_int_equal(json_object_size(contained), nos + npkgs);
	json_decref(contained);
	json_decref(ids);
	json_decref(extracted);
	json_decref(doc);
}

static void test_ubuntu_sboms(void **state)
{
	size_t ndeb;
	customs_inventory *inv = ubuntu_inventory(&ndeb);
	add_hostile_packages(inv);
	struct report_options o = fixed_options("test");
	char *cdx = write_report(inv, REPORT_CYCLONEDX, &o);
	check_cyclonedx(cdx, inv, 1);
	/* Duplicate purls get distinct refs: the second bash is purl|2. */
	json_t *doc = load_json(cdx);
	json_t *comps = json_object_get(doc, "components");
	const char *bash_purl =
	    "pkg:deb/ubuntu/bash@4.4.18-2ubuntu1?arch=amd64&distro=ubuntu-18.04";
	char dup[256];
	snprintf(dup, sizeof(dup), "%s|2", bash_purl);
	size_t i;
	json_t *c;
	int seen = 0;
	json_array_foreach(comps, i, c)
	{
		if (!strcmp(jstr(c, "bom-ref"), bash_purl) || !strcmp(jstr(c, "bom-ref"), dup))
			seen++;
	}
	assert_int_equal(seen, 2);
	json_decref(doc);
	char *spdx = write_report(inv, REPORT_SPDX, &o);
	check_spdx(spdx, inv, 1);
	drop(cdx);
	drop(spdx);
	customs_inventory_free(inv);
}

static void test_alpine_sboms(void **state)
{
	customs_inventory *inv = alpine_inventory();
	struct report_options o = fixed_options("alpine");
	char *cdx = write_report(inv, REPORT_CYCLONEDX, &o);
	check_cyclonedx(cdx, inv, 1);
	json_t *doc = load_json(cdx);
	json_t *comps = json_object_get(doc, "components");
	/* musl: MIT is an SPDX id; zlib matches "Zlib"; ada-libs is an expression;
	 * busybox's "GPL2" is not SPDX and stays a name. */
	json_t *musl = json_array_get(comps, 1), *zlib = json_array_get(comps, 5);
	json_t *busybox = json_array_get(comps, 2), *ada = json_array_get(comps, 15);
	assert_string_equal(jstr(musl, "name"), "musl");
	assert_string_equal(
	    jstr(json_object_get(json_array_get(json_object_get(musl, "licenses"), 0), "license"),
	         "id"),
	    "MIT");
	assert_string_equal(
	    jstr(json_object_get(json_array_get(json_object_get(zlib, "licenses"), 0), "license"),
	         "id"),
	    "Zlib");
	assert_string_equal(
	    jstr(
	        json_object_get(json_array_get(json_object_get(busybox, "licenses"), 0), "license"),
	        "name"),
	    "GPL2");
	assert_string_equal(jstr(json_array_get(json_object_get(ada, "licenses"), 0), "expression"),
	                    "( Apache-2.0 OR MIT ) AND MPL-2.0");
	json_t *sup = json_object_get(musl, "supplier");
	assert_string_equal(jstr(sup, "name"), "Timo Ter\xc3\xa4s");
	assert_string_equal(jstr(json_array_get(json_object_get(sup, "contact"), 0), "email"),
	                    "timo.teras@iki.fi");
	json_decref(doc);
	char *spdx = write_report(inv, REPORT_SPDX, &o);
	check_spdx(spdx, inv, 1);
	doc = load_json(spdx);
	/* GPL2 (5 packages) and GPL, Public-Domain, "MIT BSD GPL2+": four texts. */
	assert_int_equal(json_array_size(json_object_get(doc, "hasExtractedLicensingInfos")), 4);
	json_decref(doc);
	drop(cdx);
	drop(spdx);
	customs_inventory_free(inv);
}

static void test_empty_inventory(void **state)
{
	customs_inventory *inv = NULL;
	assert_int_equal(inventory_new(&inv), 0);
	assert_int_equal(inventory_set(inv, &inv->info.reference, "rootfs:/srv/empty"), 0);
	struct report_options o = fixed_options("empty");
	char *cdx = write_report(inv, REPORT_CYCLONEDX, &o);
	check_cyclonedx(cdx, inv, 0);
	char *spdx = write_report(inv, REPORT_SPDX, &o);
	check_spdx(spdx, inv, 0);
	char *table = write_report(inv, REPORT_TABLE, &o);
	char *text = read_all(table, NULL);
	assert_non_null(strstr(text, "No packages found."));
	assert_non_null(strstr(text, "\n0 packages, 0 layers, 0 warnings\n"));
	free(text);
	drop(cdx);
	drop(spdx);
	drop(table);
	customs_inventory_free(inv);
}

static void test_customs_json(void **state)
{
	size_t ndeb;
	customs_inventory *inv = ubuntu_inventory(&ndeb);
	add_hostile_packages(inv);
	struct report_options o = fixed_options(NULL);
	char *path = write_report(inv, REPORT_JSON, &o);
	json_t *doc = load_json(path);
	json_t *a = json_object_get(doc, "artifact");
	assert_string_equal(jstr(a, "name"), "ubuntu:18.04");
	assert_string_equal(jstr(a, "transport"), "docker");
	assert_string_equal(jstr(a, "manifest_digest"), manifest_digest);
	assert_string_equal(jstr(a, "architecture"), "amd64");
	json_t *os = json_object_get(a, "os");
	assert_string_equal(jstr(os, "family"), "ubuntu");
	assert_string_equal(jstr(os, "version"), "18.04");
	assert_string_equal(jstr(os, "codename"), "bionic");
	assert_string_equal(jstr(os, "name"), "Ubuntu 18.04.1 LTS");
	json_t *layers = json_object_get(a, "layers");
	assert_int_equal(json_array_size(layers), 2);
	assert_string_equal(json_string_value(json_array_get(layers, 0)), layer_a);
	assert_string_equal(json_string_value(json_array_get(layers, 1)), layer_b);
	json_t *pkgs = json_object_get(doc, "packages");
	size_t n = customs_inventory_package_count(inv);
	assert_int_equal(json_array_size(pkgs), n);
	static const char *const keys[] = {
	    "type",        "name",    "epoch",      "version", "arch",  "purl",          "src_name",
	    "src_version", "license", "maintainer", "path",    "layer", "installed_size"};
	for (size_t i = 0; i < n; i++) {
		const customs_package *p = customs_inventory_package(inv, i);
		json_t *j = json_array_get(pkgs, i);
		assert_int_equal(json_object_size(j), sizeof(keys) / sizeof(keys[0]));
		const char *vals[] = {p->type,    p->name,       p->epoch,    p->version,
		                      p->arch,    p->purl,       p->src_name, p->src_version,
		                      p->license, p->maintainer, NULL,        p->layer};
		for (size_t k = 0; k < sizeof(vals) / sizeof(vals[0]); k++) {
			json_t *v = json_object_get(j, keys[k]);
			assert_non_null(v);
			if (k == 10)
				continue; /* path: checked below for the hostile one */
			if (!vals[k])
				assert_true(json_is_null(v));
			else
				assert_string_equal(json_string_value(v), shown(vals[k]));
		}
		json_t *size = json_object_get(j, "installed_size");
		if (p->installed_size < 0)
			assert_true(json_is_null(size));
		else
			assert_int_equal(json_integer_value(size), p->installed_size);
	}
	/* bsdutils has epoch 1 kept apart from its version. */
	json_t *bsd = json_array_get(pkgs, 5);
	assert_string_equal(jstr(bsd, "name"), "bsdutils");
	assert_string_equal(jstr(bsd, "epoch"), "1");
	assert_string_equal(jstr(bsd, "version"), "2.31.1-0.4ubuntu3.1");
	assert_string_equal(jstr(json_array_get(pkgs, ndeb + 1), "path"),
	                    "app/node_modules/caf\xef\xbf\xbd/package.json");
	json_t *warns = json_object_get(doc, "warnings");
	assert_int_equal(json_array_size(warns), 1);
	assert_string_equal(json_string_value(json_array_get(warns, 0)),
	                    "skipped unreadable file usr/lib/\xef\xbf\xbd\x01");
	/* The exported package builder gives exactly the report's object. */
	json_t *one = report_package_json(customs_inventory_package(inv, 3));
	assert_true(json_equal(one, json_array_get(pkgs, 3)));
	json_decref(one);
	json_decref(doc);
	drop(path);
	customs_inventory_free(inv);
}

static void test_table(void **state)
{
	size_t ndeb;
	customs_inventory *inv = ubuntu_inventory(&ndeb);
	size_t nhostile = add_hostile_packages(inv);
	struct report_options o = REPORT_OPTIONS_INIT;
	o.color = 0;
	char *path = write_report(inv, REPORT_TABLE, &o);
	size_t len;
	char *text = read_all(path, &len);
	/* No control character from a package reaches the terminal. */
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\n')
			fail_msg("control byte 0x%02x at %zu", (unsigned char)text[i], i);
	assert_null(memchr(text, 0x7f, len));
	assert_non_null(strstr(text, "Image:    ubuntu:18.04\n"));
	assert_non_null(strstr(text, "OS:       Ubuntu 18.04.1 LTS\n"));
	assert_non_null(strstr(text, "Platform: linux/amd64\n"));
	char digest_line[128];
	snprintf(digest_line, sizeof(digest_line), "\nDigest:   %s\n", manifest_digest);
	assert_non_null(strstr(text, digest_line));
	char *header = strstr(text, "\nNAME  ");
	assert_non_null(header);
	header++;
	size_t version_col = (size_t)(strstr(header, "VERSION") - header);
	size_t layer_col = (size_t)(strstr(header, "LAYER") - header);
	/* Columns line up: bash's version starts under VERSION, its layer under LAYER. */
	char *bash = strstr(text, "\nbash ");
	assert_non_null(bash);
	bash++;
	assert_memory_equal(bash + version_col, "4.4.18-2ubuntu1 ", 16);
	char short_layer[13];
	memcpy(short_layer, layer_a + 7, 12);
	short_layer[12] = 0;
	bool a_or_b = !memcmp(bash + layer_col, short_layer, 12) ||
	              !memcmp(bash + layer_col, layer_b + 7, 12);
	assert_true(a_or_b);
	/* bsdutils shows its epoch and its source package. */
	char *bsd = strstr(text, "\nbsdutils ");
	assert_non_null(bsd);
	assert_memory_equal(bsd + 1 + version_col, "1:2.31.1-0.4ubuntu3.1", 21);
	assert_non_null(strstr(bsd, "util-linux 2.31.1-0.4ubuntu3.1"));
	/* The 70000-byte name is cut short. */
	char *longrow = strstr(text, "\naaaa");
	assert_non_null(longrow);
	size_t longlen = strcspn(longrow + 1, "\n");
	assert_true(longlen < 400);
	assert_non_null(memmem(longrow, longlen + 1, "...", 3));
	assert_non_null(strstr(text, "evil \"quoted\" \\ ??[31mred?"));
	assert_non_null(strstr(text, BAD_UTF8_CLEAN));
	char summary[128];
	snprintf(summary, sizeof(summary),
	         "\n%zu packages (%zu deb, %zu npm), 2 layers, 1 warning\n", ndeb + nhostile,
	         ndeb + 1, nhostile - 1);
	assert_non_null(strstr(text, summary));
	/* One line per package plus header lines, blank lines and summary. */
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	assert_int_equal(lines, 3 + 1 + 1 + ndeb + nhostile + 1 + 1 + 1);
	free(text);
	drop(path);

	o.color = 1;
	path = write_report(inv, REPORT_TABLE, &o);
	text = read_all(path, NULL);
	assert_non_null(strstr(text, "\033[1mNAME"));
	free(text);
	drop(path);
	customs_inventory_free(inv);
}

static bool same_file(const char *a, const char *b)
{
	size_t la, lb;
	char *da = read_all(a, &la), *db = read_all(b, &lb);
	bool same = la == lb && !memcmp(da, db, la);
	free(da);
	free(db);
	return same;
}

static void test_reproducible(void **state)
{
	size_t ndeb;
	customs_inventory *inv = ubuntu_inventory(&ndeb);
	add_hostile_packages(inv);
	struct report_options o = fixed_options("seed-1");
	for (int fmt = REPORT_TABLE; fmt <= REPORT_SPDX; fmt++) {
		char *a = write_report(inv, (enum report_format)fmt, &o);
		char *b = write_report(inv, (enum report_format)fmt, &o);
		assert_true(same_file(a, b));
		if (fmt == REPORT_CYCLONEDX || fmt == REPORT_SPDX) {
			struct report_options o2 = o;
			o2.uuid_seed = "seed-2";
			char *c = write_report(inv, (enum report_format)fmt, &o2);
			assert_false(same_file(a, c));
			/* Without options: now and a random UUID, so two runs differ. */
			char *d = write_report(inv, (enum report_format)fmt, NULL);
			char *e = write_report(inv, (enum report_format)fmt, NULL);
			assert_false(same_file(d, e));
			drop(c);
			drop(d);
			drop(e);
		}
		drop(a);
		drop(b);
	}
	customs_inventory_free(inv);
}

static void test_write_errors(void **state)
{
	size_t ndeb;
	customs_inventory *inv = ubuntu_inventory(&ndeb);
	for (int fmt = REPORT_TABLE; fmt <= REPORT_SPDX; fmt++) {
		FILE *f = fopen("/dev/full", "we");
		assert_non_null(f);
		customs_error err = {0};
		assert_int_equal(
		    report_inventory_write(f, inv, (enum report_format)fmt, NULL, &err),
		    CUSTOMS_EIO);
		assert_int_equal(err.code, CUSTOMS_EIO);
		assert_true(strlen(err.message) > 0);
		fclose(f);
	}
	customs_error err = {0};
	assert_int_equal(report_inventory_write(stdout, inv, (enum report_format)99, NULL, &err),
	                 CUSTOMS_EUSAGE);
	assert_int_equal(report_inventory_write(NULL, inv, REPORT_JSON, NULL, &err),
	                 CUSTOMS_EUSAGE);
	customs_inventory_free(inv);
}

/* Our JSON text writer must give exactly what jansson's indenting dumper
 * gives, at every nesting level: reports used to be written by jansson. */
static void test_json_text(void **state)
{
	(void)state;
	const char *docs[] = {
	    "{}",
	    "[]",
	    "\"\"",
	    "{\"a\": {}, \"b\": [], \"c\": [[], {}, [1, [2, [3]]]], \"d\": null, \"e\": true, "
	    "\"f\": false}",
	    "{\"z\": 1, \"a\": 2, \"m\": {\"y\": -9223372036854775807, \"b\": 0}}",
	    "[0.5, 1e300, -2.25e-7, 3.0, 7.1, 0.1]",
	    "{\"ctl\": \"\\u0000\\u0001\\b\\f\\n\\r\\t\\u001f\\u007f \\\" \\\\ / \", "
	    "\"\\n key \\\"\": \"caf\\u00e9 \\u2603 \\ud83d\\ude00\"}",
	    "[{\"name\": \"x\", \"v\": [{\"k\": [\"deep\", {\"er\": [{}]}]}]}]",
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		json_error_t je;
		json_t *v = json_loads(docs[i], JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
		assert_non_null(v);
		char *want = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
		assert_non_null(want);
		for (size_t level = 0; level < 20; level += 3) {
			/* jansson's text with every line after the first shifted. */
			struct buf shifted;
			buf_init(&shifted, 1 << 20);
			for (const char *p = want; *p; p++) {
				assert_int_equal(buf_append(&shifted, p, 1), 0);
				for (size_t k = 0; *p == '\n' && k < 2 * level; k++)
					assert_int_equal(buf_append(&shifted, " ", 1), 0);
			}
			struct buf got;
			buf_init(&got, 1 << 20);
			assert_int_equal(report_json_text(&got, v, level), 0);
			assert_int_equal(got.len, shifted.len);
			assert_memory_equal(got.data, shifted.data, got.len);
			buf_free(&got);
			buf_free(&shifted);
		}
		/* A cap too small for the text is reported, not overrun. */
		struct buf small;
		buf_init(&small, strlen(want) / 2);
		if (strlen(want) > 4)
			assert_int_equal(report_json_text(&small, v, 0), CUSTOMS_ETOOLARGE);
		buf_free(&small);
		free(want);
		json_decref(v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_parse),    cmocka_unit_test(test_license_classify),
	    cmocka_unit_test(test_utf8_sanitize),   cmocka_unit_test(test_split_maintainer),
	    cmocka_unit_test(test_ubuntu_sboms),    cmocka_unit_test(test_alpine_sboms),
	    cmocka_unit_test(test_empty_inventory), cmocka_unit_test(test_customs_json),
	    cmocka_unit_test(test_table),           cmocka_unit_test(test_reproducible),
	    cmocka_unit_test(test_write_errors),    cmocka_unit_test(test_json_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
