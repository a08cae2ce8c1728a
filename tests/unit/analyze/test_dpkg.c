/* Tests for the dpkg status parser: trivy's, claircore's and syft's real
 * fixtures with their expected results, and dpkg-query itself as an oracle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "pkgdb_test.h"

#define parse_mem(r, path, d, len) parsed_run(r, dpkg_status_parse, path, d, len)
#define parse_rel(r, rel)          parsed_fixture(r, dpkg_status_parse, rel)
#define find                       find_pkg

static void str_eq_or_null(const char *got, const char *want)
{
	if (want && *want)
		assert_string_equal(got, want);
	else
		assert_null(got);
}

/* One trivy EXPECTED row: version and release joined by "-", epochs apart. */
static void check_tsv_row(const struct package_list *l, char **f)
{
	const customs_package *p = find(l, f[1]);
	assert_non_null(p);
	char *ver = NULL, *src = NULL;
	assert_true(asprintf(&ver, "%s%s%s", f[2], *f[3] ? "-" : "", f[3]) > 0);
	assert_true(
	    asprintf(&src, "%s%s%s%s%s", f[8], *f[8] ? ":" : "", f[6], *f[7] ? "-" : "", f[7]) > 0);
	assert_string_equal(p->type, "deb");
	assert_string_equal(p->version, ver);
	str_eq_or_null(p->epoch, f[4]);
	assert_string_equal(p->src_name, f[5]);
	assert_string_equal(p->src_version, src);
	assert_string_equal(p->arch, f[9]);
	free(ver);
	free(src);
}

/* Compares every row of trivy-fixtures/EXPECTED/TSV with the parse of FIXTURE;
 * returns the number of rows. */
static size_t check_against_tsv(const char *fixture, const char *tsv)
{
	struct parsed r;
	parse_rel(&r, fixture);
	assert_int_equal(r.rc, 0);
	size_t len = 0, rows = 0;
	char *t = (char *)fixture_read(tsv, &len);
	assert_non_null(t);
	for (char *line = t, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (strncmp(line, "id\t", 3) == 0)
			continue;
		char *f[10];
		size_t nf = 0;
		for (char *c = line; nf < 10; nf++) {
			f[nf] = c;
			char *tab = strchr(c, '\t');
			if (!tab) {
				nf++;
				break;
			}
			*tab = 0;
			c = tab + 1;
		}
		assert_int_equal(nf, 10);
		check_tsv_row(&r.l, f);
		rows++;
	}
	assert_int_equal(r.l.n, rows);
	free(t);
	parsed_free(&r);
	return rows;
}

static void test_trivy_status(void **state)
{
	assert_int_equal(check_against_tsv("trivy-fixtures/dpkg/status",
	                                   "trivy-fixtures/EXPECTED/dpkg__status.tsv"),
	                 90);
	struct parsed r;
	parse_rel(&r, "trivy-fixtures/dpkg/status");
	assert_null(find(&r.l, "git")); /* deinstall ok config-files */
	assert_int_equal(r.skipped, 0);
	const customs_package *p = find(&r.l, "apt");
	assert_string_equal(p->path, "trivy-fixtures/dpkg/status");
	assert_null(p->license);
	assert_true(p->installed_size > 0 && p->installed_size % 1024 == 0);
	parsed_free(&r);
}

static void test_trivy_third_party(void **state)
{
	assert_int_equal(check_against_tsv("trivy-fixtures/dpkg/status-third-party",
	                                   "trivy-fixtures/EXPECTED/dpkg__status-third-party.tsv"),
	                 2);
	struct parsed r;
	parse_rel(&r, "trivy-fixtures/dpkg/status-third-party");
	const customs_package *p = find(&r.l, "docker-ce");
	assert_string_equal(p->epoch, "5");
	assert_string_equal(p->version, "20.10.7~3-0~debian-buster");
	assert_string_equal(p->src_version, "5:20.10.7~3-0~debian-buster");
	parsed_free(&r);
	parse_rel(&r, "trivy-fixtures/dpkg/status-apt-only");
	assert_int_equal(r.l.n, 1);
	assert_string_equal(r.l.items[0].name, "apt");
	assert_string_equal(r.l.items[0].version, "1.6.3ubuntu0.1");
	assert_string_equal(r.l.items[0].arch, "amd64");
	parsed_free(&r);
}

static void test_claircore(void **state)
{
	struct parsed r;
	parse_rel(&r, "claircore/dpkg/texlive.status");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.l.n, 357);
	parsed_free(&r);
	parse_rel(&r, "claircore/dpkg/postgresql.status");
	const customs_package *p = find(&r.l, "postgresql-client");
	assert_non_null(p);
	assert_string_equal(p->version, "11+200+deb10u5");
	assert_string_equal(p->src_name, "postgresql-common");
	assert_string_equal(p->src_version, "200+deb10u5");
	assert_int_equal(p->installed_size, 65 * 1024);
	parsed_free(&r);
	parse_rel(&r, "claircore/dpkg/debian-only.status");
	assert_int_equal(r.l.n, 1);
	assert_string_equal(r.l.items[0].version, "2019.1");
	parsed_free(&r);

	/* vcpkg's status file is refused, and the list is left as it was. */
	size_t len = 0;
	unsigned char *d = fixture_read("claircore/dpkg/vcpkg.status", &len);
	assert_non_null(d);
	struct package_list l = {0};
	customs_package *keep = package_list_add(&l);
	keep->name = strdup("keep");
	customs_error err = {0};
	assert_int_equal(dpkg_status_parse(&l, "vcpkg.status", d, len, NULL, NULL, &err),
	                 CUSTOMS_EINVAL);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "keep");
	package_list_free(&l);
	free(d);
}

#define SYFT "syft-fixtures/debian/testdata/var/lib/dpkg/status.d/"

static void test_syft_status_d(void **state)
{
	static const char *const singles[] = {SYFT "single", SYFT "installed-size-4KB"};
	struct parsed r;
	for (size_t i = 0; i < 2; i++) {
		parse_rel(&r, singles[i]);
		assert_int_equal(r.l.n, 1);
		const customs_package *p = &r.l.items[0];
		assert_string_equal(p->name, "apt");
		assert_string_equal(p->version, "1.8.2");
		assert_null(p->epoch);
		assert_string_equal(p->src_name, "apt-dev");
		assert_string_equal(p->src_version, "1.8.2");
		assert_string_equal(p->arch, "amd64");
		/* "Installed-Size: 4KB" is read as syft reads it: 4000 bytes. */
		assert_int_equal(p->installed_size, i == 0 ? 4064 * 1024 : 4000);
		assert_string_equal(p->maintainer, "APT Development Team <deity@lists.debian.org>");
		parsed_free(&r);
	}
	/* syft lists "no-version" with an empty version; a package without a
	 * version cannot be matched, so we skip it (and the empty Package:) with a warning. */
	parse_rel(&r, SYFT "multiple");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.l.n, 2);
	assert_string_equal(r.l.items[0].name, "tzdata");
	assert_string_equal(r.l.items[0].version, "2020a-0+deb10u1");
	assert_string_equal(r.l.items[0].src_name, "tzdata-dev");
	assert_string_equal(r.l.items[1].name, "util-linux");
	assert_string_equal(r.l.items[1].version, "2.33.1-0.1");
	assert_string_equal(r.l.items[1].src_name, "util-linux");
	assert_int_equal(r.skipped, 2);
	assert_int_equal(r.w.n, 2);
	assert_non_null(strstr(r.w.items[1], "no-version"));
	parsed_free(&r);
	parse_rel(&r, SYFT "deinstall");
	assert_int_equal(r.l.n, 1);
	assert_string_equal(r.l.items[0].name, "linux-image-6.14.0-1012-aws");
	assert_string_equal(r.l.items[0].version, "6.14.0-1012.12~24.04.1");
	assert_string_equal(r.l.items[0].src_name, "linux-signed-aws-6.14");
	assert_string_equal(r.l.items[0].src_version, "6.14.0-1012.12~24.04.1");
	parsed_free(&r);
	parse_rel(&r, SYFT "corrupt");
	assert_int_equal(r.rc, CUSTOMS_EINVAL);
	assert_int_equal(r.l.n, 0);
	parsed_free(&r);
	parse_rel(&r, SYFT "empty");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.l.n, 0);
	assert_int_equal(r.skipped, 1);
	parsed_free(&r);
}

/* The distroless layout through the analyzer: one file per package, no
 * Status field, control files next to it that must be ignored. */
static void test_distroless_analyzer(void **state)
{
	const char *base =
	    "syft-fixtures/debian/testdata/image-distroless-deb/var/lib/dpkg/status.d/";
	static const char *const names[] = {"libsqlite3-0", "libsqlite3-0.md5sums",
	                                    "libsqlite3-0.preinst"};
	for (size_t i = 0; i < 3; i++) {
		char rel[256], path[128];
		snprintf(rel, sizeof(rel), "%s%s", base, names[i]);
		snprintf(path, sizeof(path), "var/lib/dpkg/status.d/%s", names[i]);
		assert_true(analyzer_wants(&analyzer_dpkg, path));
		size_t len = 0;
		unsigned char *d = fixture_read(rel, &len);
		assert_non_null(d);
		struct file_result fr = {0};
		customs_error err = {0};
		assert_int_equal(analyzer_dpkg.analyze_file(&fr, path, d, len, NULL, &err), 0);
		assert_int_equal(fr.pkgs.n, i == 0 ? 1 : 0);
		if (i == 0) {
			const customs_package *p = &fr.pkgs.items[0];
			assert_string_equal(p->name, "libsqlite3-0");
			assert_string_equal(p->version, "3.34.1-3");
			assert_string_equal(p->arch, "arm64");
			assert_string_equal(p->src_name, "sqlite3");
			assert_string_equal(p->src_version, "3.34.1-3");
			assert_string_equal(p->path, path);
			assert_int_equal(p->installed_size, 1490 * 1024);
		}
		file_result_clear(&fr);
		free(d);
	}
}

/* Runs dpkg-query on a copy of the status file and keeps the installed
 * packages ("ii" and "hi") as sorted "name\tversion\tarch\tsrc\tsrcversion" lines. */
static char *dpkg_query_oracle(const char *status_path)
{
	char dir[] = "/tmp/customs-dpkg-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *cmd = NULL;
	assert_true(
	    asprintf(&cmd,
	             "cp '%s' %s/status && mkdir %s/updates %s/info && "
	             "dpkg-query --admindir=%s -W -f='${db:Status-Abbrev}\\t${Package}\\t"
	             "${Version}\\t${Architecture}\\t${source:Package}\\t${source:Version}\\n' "
	             "2>/dev/null | grep -E '^(ii|hi) ' | cut -f2- | LC_ALL=C sort; rm -rf %s",
	             status_path, dir, dir, dir, dir, dir) > 0);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	char *out = NULL;
	size_t cap = 0;
	FILE *m = open_memstream(&out, &cap);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, m);
	fclose(m);
	assert_int_equal(pclose(f), 0);
	free(cmd);
	return out;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *our_lines(const struct package_list *l)
{
	char **lines = calloc(l->n + 1, sizeof(*lines));
	assert_non_null(lines);
	for (size_t i = 0; i < l->n; i++) {
		const customs_package *p = &l->items[i];
		char *full = package_full_version(p);
		assert_true(asprintf(&lines[i], "%s\t%s\t%s\t%s\t%s\n", p->name, full,
		                     p->arch ? p->arch : "", p->src_name, p->src_version) > 0);
		free(full);
	}
	qsort(lines, l->n, sizeof(*lines), cmp_line);
	char *out = NULL;
	size_t cap = 0;
	FILE *m = open_memstream(&out, &cap);
	for (size_t i = 0; i < l->n; i++) {
		fputs(lines[i], m);
		free(lines[i]);
	}
	fclose(m);
	free(lines);
	return out;
}

static void oracle_check(const char *abs_path, size_t min_packages)
{
	size_t len = 0;
	unsigned char *d = file_read(abs_path, &len);
	assert_non_null(d);
	struct parsed r;
	parse_mem(&r, abs_path, d, len);
	assert_int_equal(r.rc, 0);
	assert_true(r.l.n >= min_packages);
	char *want = dpkg_query_oracle(abs_path);
	char *got = our_lines(&r.l);
	assert_string_equal(got, want);
	free(want);
	free(got);
	free(d);
	parsed_free(&r);
}

/* dpkg-query must agree with us on every package of this machine's own
 * database and of the real fixtures it accepts. */
static void test_dpkg_query_oracle(void **state)
{
	oracle_check("/var/lib/dpkg/status", 100);
	static const char *const rels[] = {
	    "trivy-fixtures/dpkg/status", "trivy-fixtures/dpkg/status-third-party",
	    "claircore/dpkg/texlive.status", "claircore/dpkg/postgresql.status"};
	for (size_t i = 0; i < sizeof(rels) / sizeof(rels[0]); i++) {
		char *p = fixture_path(rels[i]);
		oracle_check(p, 1);
		free(p);
	}
}

/* CRLF line ends, no final newline, whitespace-only separators, Status
 * variants, bad epochs, size fields at their bounds. */
static void test_edge_cases(void **state)
{
	const char *s =
	    "Package: a\r\nStatus: install ok installed\r\nVersion: 1:2.0-1\r\n"
	    "Installed-Size: 9007199254740991\r\n \t \r\n"
	    "Package: b\nStatus: hold ok installed\nVersion: 1.0\nSource: bsrc\n"
	    "Installed-Size: 9007199254740992\n\n"
	    "Package: c\nStatus: install ok config-files\nVersion: 1.0\n\n"
	    "Package: d\nStatus: deinstall ok installed\nVersion: 1.0\n\n"
	    "Package: e\nStatus: install ok installed extra\nVersion: 1.0\n\n"
	    "Package: f\nVersion: x:1.0\n\n"
	    "Package: g\nVersion: 1:\n\n"
	    "package: h\nversion: 0:3 \nsource: hsrc (0:3)\ninstalled-size: 18446744073709551616";
	struct parsed r;
	parse_mem(&r, "t", s, strlen(s));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.l.n, 3);
	assert_string_equal(r.l.items[0].name, "a");
	assert_string_equal(r.l.items[0].epoch, "1");
	assert_string_equal(r.l.items[0].version, "2.0-1");
	assert_string_equal(r.l.items[0].src_version, "1:2.0-1");
	assert_int_equal(r.l.items[0].installed_size, 9007199254740991LL * 1024);
	assert_string_equal(r.l.items[1].name, "b");
	assert_string_equal(r.l.items[1].src_name, "bsrc");
	assert_string_equal(r.l.items[1].src_version, "1.0");
	assert_int_equal(r.l.items[1].installed_size, -1); /* KiB * 1024 would overflow */
	assert_string_equal(r.l.items[2].name, "h");
	assert_string_equal(r.l.items[2].epoch, "0");
	assert_string_equal(r.l.items[2].version, "3");
	assert_string_equal(r.l.items[2].src_version, "0:3");
	assert_int_equal(r.l.items[2].installed_size, -1);
	assert_int_equal(r.skipped, 2);
	parsed_free(&r);

	static const struct {
		const char *in;
		int rc;
		size_t n;
	} cases[] = {
	    {"", 0, 0},
	    {"\n", 0, 0},
	    {"P", CUSTOMS_EINVAL, 0},
	    {":", CUSTOMS_EINVAL, 0},
	    {" continuation", CUSTOMS_EINVAL, 0},
	    {"Package: a\nVersion: 1\n no colon is fine here\n", 0, 1},
	    {"Package: a\nVersion: 1\nbroken line\n", CUSTOMS_EINVAL, 0},
	    {"Package: a\nVersion: 1\n\nPackage: b\nVersion: 2\nAbi: 1\n", CUSTOMS_EINVAL, 0},
	    {"Pack age: a\n", CUSTOMS_EINVAL, 0},
	    {"Package: a\nVersion: 1\nInstalled-Size: 2 MiB\n", 0, 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_mem(&r, "t", cases[i].in, strlen(cases[i].in));
		assert_int_equal(r.rc, cases[i].rc);
		assert_int_equal(r.l.n, cases[i].n);
		if (strstr(cases[i].in, "MiB"))
			assert_int_equal(r.l.items[0].installed_size, 2 << 20);
		parsed_free(&r);
	}
	/* A NUL inside the name or version (found by fuzz_dpkg): skipped, not cut short. */
	const char nul[] = "Package:\0\0x\nVersion: 1\n\nPackage: y\nVersion: \0 2\n\nPackage: z\n"
	                   "Version: 3\n";
	check_one(dpkg_status_parse, nul, sizeof(nul) - 1, "z", "3", 2);
	/* Not NUL-terminated: "Version: 12" cut to "Version: 1". */
	const char cut[] = "Package: a\nVersion: 12";
	check_one(dpkg_status_parse, cut, sizeof(cut) - 2, "a", "1", 0);
}

static void test_limits(void **state)
{
	check_line_limit(dpkg_status_parse, "Package: a\nVersion: 1\nX: ");
	check_package_cap(
	    dpkg_status_parse,
	    "Package: a\nVersion: 1\n\nPackage: b\nVersion: 1\n\nPackage: c\nVersion: 1\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_trivy_status),        cmocka_unit_test(test_trivy_third_party),
	    cmocka_unit_test(test_claircore),           cmocka_unit_test(test_syft_status_d),
	    cmocka_unit_test(test_distroless_analyzer), cmocka_unit_test(test_dpkg_query_oracle),
	    cmocka_unit_test(test_edge_cases),          cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
