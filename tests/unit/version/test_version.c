/* Unit tests of the version comparators against the upstream vector files in
 * tests/data/version-vectors and against dpkg and rpm themselves as oracles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include <cmocka.h>

#include "customs/customs.h"
#include "util/limits.h"
#include "util/strutil.h"
#include "version/schemes.h"
#include "version/version.h"

/* ---- helpers ---- */

static char *data_path(const char *rel)
{
	const char *root = getenv("CUSTOMS_SOURCE_ROOT");
	size_t n;
	char *p;

	assert_non_null(root);
	n = strlen(root) + strlen(rel) + 32;
	p = malloc(n);
	assert_non_null(p);
	snprintf(p, n, "%s/tests/data/version-vectors/%s", root, rel);
	return p;
}

static FILE *open_data(const char *rel)
{
	char *p = data_path(rel);
	FILE *f = fopen(p, "re");
	if (!f)
		fail_msg("cannot open %s", p);
	free(p);
	return f;
}

static int cmp(enum version_scheme s, const char *a, const char *b)
{
	int out = 99, out2 = 99;
	int rc = version_compare(&out, s, a, b);

	assert_true(rc == 0 || rc == CUSTOMS_EINVAL);
	assert_true(out >= -1 && out <= 1);
	/* Antisymmetry holds for every pair, valid or not. */
	version_compare(&out2, s, b, a);
	if (out2 != -out)
		fail_msg("antisymmetry: scheme %d '%s' vs '%s': %d and %d", s, a, b, out, out2);
	return out;
}

static void chomp(char *line)
{
	size_t n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
}

/* Splits s in place at every sep; returns the number of fields (at most max). */
static int split(char *s, char sep, char **fields, int max)
{
	int n = 0;

	while (n < max) {
		char *q = strchr(s, sep);
		fields[n++] = s;
		if (!q)
			return n;
		*q = '\0';
		s = q + 1;
	}
	return n + 1;
}

/* Lines of an osv-scalibr file that we knowingly order differently, with why. */
struct known {
	const char *file, *line, *why;
};

static const struct known known_disagreements[] = {
    /* apk-tools v3 (the reference here) makes "1-r" invalid, and an invalid
     * tail sorts lowest; osv-scalibr reads "-r" as "-r0". */
    {"alpine-versions.txt", "1-r = 1-r0", "apk v3: '1-r' is invalid and sorts below '1-r0'"},
    {"alpine-versions.txt", "1-r0-1 = 1-r-2",
     "apk v3: '1-r-2' turns invalid first, so sorts lower"},
    /* Both invalid from the same token on: apk calls them equal, we order
     * the invalid tails as bytes (which also gives 6.6.2p1 < 6.6.2p2 and
     * a < b, where osv-scalibr agrees with us and apk v3 does not). */
    {"alpine-versions.txt", "1-r0-1 = 1-r0-2", "invalid tails '-1' < '-2' as bytes"},
    {"alpine-versions.txt", "1-ruff2 = 1-ruff1", "invalid tails as bytes"},
    {"alpine-versions.txt", "1-ruff2 = 1--ruff1", "invalid tails as bytes"},
    {"alpine-versions.txt", "1-r0-ruff2 = 1-r0-ruff1", "invalid tails as bytes"},
    /* Maven's ComparableVersion drops the null "ga" and nests the list one
     * level deeper, so 1-ga-1 < 1-1; osv-scalibr follows the written spec.
     * The 14,752 generated Maven vectors (from the real class) all agree. */
    {"maven-versions.txt", "1-1 = 1-ga-1", "ComparableVersion: 1-ga-1 < 1-1"},
    {NULL, NULL, NULL},
};

static bool is_known(const char *file, const char *line)
{
	for (const struct known *k = known_disagreements; k->file; k++)
		if (strcmp(k->file, file) == 0 && strcmp(k->line, line) == 0)
			return true;
	return false;
}

/* Runs one osv-scalibr "a OP b" file; returns the number of vectors checked. */
static int run_scalibr(const char *file, enum version_scheme s)
{
	char rel[256], line[4096];
	FILE *f;
	int n = 0, bad = 0, known = 0;

	snprintf(rel, sizeof(rel), "osv-scalibr-semantic/%s", file);
	f = open_data(rel);
	while (fgets(line, sizeof(line), f)) {
		char *fields[4], copy[4096];
		int want, got;

		chomp(line);
		if (line[0] == '\0' || strncmp(line, "# ", 2) == 0 || strncmp(line, "// ", 3) == 0)
			continue;
		memcpy(copy, line, strlen(line) + 1);
		if (split(copy, ' ', fields, 4) != 3)
			fail_msg("%s: malformed line '%s'", file, line);
		const char *a = fields[0], *op = fields[1], *b = fields[2];
		want = op[0] == '<' ? -1 : op[0] == '>' ? 1 : 0;
		got = cmp(s, a, b);
		n++;
		if (got != want) {
			if (is_known(file, line)) {
				known++;
				continue;
			}
			print_message("%s: '%s' gave %d\n", file, line, got);
			bad++;
		}
	}
	fclose(f);
	print_message("%s: %d vectors, %d known disagreements\n", file, n, known);
	assert_int_equal(bad, 0);
	assert_true(n > 0);
	return n;
}

/* ---- osv-scalibr vectors, one test per scheme ---- */

struct scalibr_case {
	enum version_scheme scheme;
	const char *files[3];
};

static const struct scalibr_case sc_debian = {
    VERSION_DPKG, {"debian-versions.txt", "debian-versions-generated.txt"}};
static const struct scalibr_case sc_alpine = {
    VERSION_APK, {"alpine-versions.txt", "alpine-versions-generated.txt"}};
static const struct scalibr_case sc_redhat = {VERSION_RPM, {"redhat-versions.txt"}};
static const struct scalibr_case sc_pypi = {VERSION_PEP440,
                                            {"pypi-versions.txt", "pypi-versions-generated.txt"}};
static const struct scalibr_case sc_maven = {
    VERSION_MAVEN, {"maven-versions.txt", "maven-versions-generated.txt"}};
static const struct scalibr_case sc_rubygems = {
    VERSION_GEM, {"rubygems-versions.txt", "rubygems-versions-generated.txt"}};
static const struct scalibr_case sc_packagist = {VERSION_COMPOSER, {"packagist-versions.txt"}};
static const struct scalibr_case sc_nuget = {VERSION_NUGET, {"nuget-versions.txt"}};
static const struct scalibr_case sc_semver = {VERSION_SEMVER, {"semver-versions.txt"}};

/* One test per ecosystem: the state names its scheme and files. */
static void test_scalibr(void **state)
{
	const struct scalibr_case *c = *state;
	for (size_t i = 0; c->files[i]; i++)
		run_scalibr(c->files[i], c->scheme);
}

/* ---- apk-tools test/unit/version.data, with its full semantics ---- */

static void test_apk_version_data(void **state)
{
	char line[1024];
	FILE *f = open_data("apk-tools/version.data");
	int n = 0, bad = 0;

	(void)state;
	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#'), *p = line, *e, *fields[4];
		bool ok = false, invert = false;
		int nf;

		if (hash)
			*hash = '\0';
		chomp(line);
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strlen(p);
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (*p == '\0')
			continue;
		nf = split(p, ' ', fields, 4);
		if (nf == 3) {
			const char *op = fields[1];
			bool fuzzy = strchr(op, '~') != NULL;
			int mask = 0, r;
			if (*op == '!')
				invert = true, op++;
			for (; *op; op++)
				mask |= *op == '<'   ? 1
				        : *op == '=' ? 2
				        : *op == '>' ? 4
				        : *op == '~' ? 2
				                     : 0;
			r = version_apk_cmp_fuzzy(fields[0], strlen(fields[0]), fields[2],
			                          strlen(fields[2]), fuzzy);
			ok = (mask & (r < 0 ? 1 : r == 0 ? 2 : 4)) != 0;
			if (!fuzzy)
				assert_int_equal(cmp(VERSION_APK, fields[0], fields[2]), r);
		} else if (nf == 1) {
			const char *v = fields[0];
			if (*v == '!')
				invert = true, v++;
			ok = version_is_valid(VERSION_APK, v);
		} else {
			fail_msg("version.data: malformed line '%s'", line);
		}
		if (invert)
			ok = !ok;
		n++;
		if (!ok) {
			print_message("version.data: '%s' does not hold\n", line);
			bad++;
		}
	}
	fclose(f);
	print_message("apk version.data: %d cases\n", n);
	assert_int_equal(bad, 0);
	assert_true(n > 700);
}

/* ---- rpm tests/rpmvercmp.at ---- */

static void test_rpmvercmp(void **state)
{
	char line[1024];
	FILE *f = open_data("rpm/rpmvercmp.tsv");
	int n = 0;

	(void)state;
	while (fgets(line, sizeof(line), f)) {
		char *fields[4];
		uint64_t want;
		int r;

		chomp(line);
		if (line[0] == '#' || line[0] == '\0')
			continue;
		assert_int_equal(split(line, '\t', fields, 4), 3);
		r = version_rpmvercmp(fields[0], strlen(fields[0]), fields[1], strlen(fields[1]));
		if (fields[2][0] == '-')
			assert_int_equal(r, -1);
		else {
			assert_int_equal(parse_u64_str(&want, fields[2], 1), 0);
			if (r != (int)want)
				fail_msg("rpmvercmp(%s, %s) = %d, want %s", fields[0], fields[1], r,
				         fields[2]);
		}
		/* Bare versions without '-' or ':' also go through the EVR compare. */
		if (!strpbrk(fields[0], "-:") && !strpbrk(fields[1], "-:"))
			assert_int_equal(cmp(VERSION_RPM, fields[0], fields[1]), r);
		n++;
	}
	fclose(f);
	print_message("rpmvercmp.tsv: %d vectors\n", n);
	assert_int_equal(n, 91);
}

/* ---- dpkg lib/dpkg/t/t-version.c ---- */

static void unescape(char *s)
{
	static const struct {
		const char *from, *to;
	} subst[] = {{"[TAB]", "\t"}, {"[two spaces]", "  "}, {"[empty string]", ""}};
	for (size_t i = 0; i < sizeof(subst) / sizeof(subst[0]); i++) {
		char *p;
		while ((p = strstr(s, subst[i].from)) != NULL) {
			size_t fl = strlen(subst[i].from), tl = strlen(subst[i].to);
			memmove(p + tl, p + fl, strlen(p + fl) + 1);
			memcpy(p, subst[i].to, tl);
		}
	}
}

/* "e|u|r" from the CMP lines to a version string. */
static void evr_string(char *out, size_t n, const char *evr)
{
	char copy[256], *f[4];
	memcpy(copy, evr, strlen(evr) + 1);
	assert_int_equal(split(copy, '|', f, 4), 3);
	snprintf(out, n, "%s:%s%s%s", f[0][0] ? f[0] : "0", f[1], f[2][0] ? "-" : "", f[2]);
}

static void test_dpkg_vectors(void **state)
{
	char line[1024];
	FILE *f = open_data("dpkg/dpkg-version-vectors.txt");
	int n = 0;

	(void)state;
	while (fgets(line, sizeof(line), f)) {
		char *fields[6], built[300];

		chomp(line);
		if (line[0] == '#' || line[0] == '\0')
			continue;
		int nf = split(line, '\t', fields, 6);
		for (int i = 0; i < nf && i < 6; i++)
			unescape(fields[i]);
		if (strcmp(fields[0], "PARSE") == 0) {
			assert_true(nf >= 4);
			if (!version_is_valid(VERSION_DPKG, fields[1]))
				fail_msg("dpkg: '%s' should be valid", fields[1]);
			snprintf(built, sizeof(built), "%s:%s%s%s", fields[2], fields[3],
			         nf > 4 && fields[4][0] ? "-" : "", nf > 4 ? fields[4] : "");
			if (cmp(VERSION_DPKG, fields[1], built) != 0)
				fail_msg("dpkg: '%s' should equal '%s'", fields[1], built);
		} else if (strcmp(fields[0], "ERROR") == 0 || strcmp(fields[0], "WARN") == 0) {
			if (version_is_valid(VERSION_DPKG, fields[1]))
				fail_msg("dpkg: '%s' should be invalid", fields[1]);
			cmp(VERSION_DPKG, fields[1], "1.0");
		} else if (strcmp(fields[0], "CMP") == 0) {
			char a[300], b[300];
			int r;
			evr_string(a, sizeof(a), fields[1]);
			evr_string(b, sizeof(b), fields[3]);
			r = cmp(VERSION_DPKG, a, b);
			if (strcmp(fields[2], "=") == 0)
				assert_int_equal(r, 0);
			else if (strcmp(fields[2], "!=") == 0)
				assert_int_not_equal(r, 0);
			else if (strcmp(fields[2], "<") == 0)
				assert_int_equal(r, -1);
			else
				assert_int_equal(r, 1);
		} else {
			fail_msg("dpkg vectors: unknown line kind '%s'", fields[0]);
		}
		n++;
	}
	fclose(f);
	print_message("dpkg-version-vectors.txt: %d cases\n", n);
	assert_true(n > 80);
}

/* ---- node-semver fixtures ---- */

static json_t *load_json(const char *rel)
{
	char *p = data_path(rel);
	json_error_t jerr;
	json_t *j = json_load_file(p, 0, &jerr);
	if (!j)
		fail_msg("%s: %s", p, jerr.text);
	free(p);
	return j;
}

/* Checks that every [a, b, ...] row of arr compares as want (and, with
 * must_be_valid, that both are valid); returns the number of rows. */
static int check_pairs(json_t *arr, enum version_scheme s, int want, bool must_be_valid)
{
	json_t *c;
	size_t i;

	assert_true(json_array_size(arr) > 0);
	json_array_foreach(arr, i, c)
	{
		const char *a = json_string_value(json_array_get(c, 0));
		const char *b = json_string_value(json_array_get(c, 1));
		if (cmp(s, a, b) != want)
			fail_msg("scheme %d: %s vs %s should be %d", s, a, b, want);
		if (must_be_valid && !(version_is_valid(s, a) && version_is_valid(s, b)))
			fail_msg("scheme %d: %s and %s should be valid", s, a, b);
	}
	return (int)json_array_size(arr);
}

static void test_node_semver(void **state)
{
	json_t *j = load_json("node-semver/comparisons.json");
	int n;

	(void)state;
	/* Rows are [greater, lesser, options]. */
	n = check_pairs(json_object_get(j, "cases"), VERSION_SEMVER, 1, false);
	json_decref(j);
	j = load_json("node-semver/equality.json");
	n += check_pairs(json_object_get(j, "cases"), VERSION_SEMVER, 0, false);
	json_decref(j);
	print_message("node-semver comparisons+equality: %d cases\n", n);
	assert_int_equal(n, 31 + 37);
}

/* ---- pypa/packaging ---- */

static void test_pep440_packaging(void **state)
{
	json_t *j = load_json("pep440/packaging-test_version-vectors.json"), *c, *sorted;
	size_t i, k;
	int n = 0;

	(void)state;
	sorted = json_object_get(j, "VERSIONS_sorted_ascending");
	assert_true(json_array_size(sorted) > 90);
	/* Every pair, not only neighbours: the order must be strictly ascending. */
	for (i = 0; i < json_array_size(sorted); i++) {
		const char *a = json_string_value(json_array_get(sorted, i));
		assert_true(version_is_valid(VERSION_PEP440, a));
		for (k = 0; k < json_array_size(sorted); k++) {
			const char *b = json_string_value(json_array_get(sorted, k));
			int want = i < k ? -1 : i > k ? 1 : 0;
			if (cmp(VERSION_PEP440, a, b) != want)
				fail_msg("pep440: %s vs %s should be %d", a, b, want);
			n++;
		}
	}
	json_array_foreach(json_object_get(j, "invalid_versions"), i, c)
	{
		if (version_is_valid(VERSION_PEP440, json_string_value(c)))
			fail_msg("pep440: '%s' should be invalid", json_string_value(c));
		n++;
	}
	n += check_pairs(json_object_get(j, "normalized_versions"), VERSION_PEP440, 0, true);
	json_decref(j);
	print_message("packaging vectors: %d comparisons/checks\n", n);
}

/* ---- oracles: dpkg --compare-versions and rpm's own rpm.vercmp ---- */

struct pkgver {
	char *pkg, *ver;
};

static int pkgver_cmp(const void *x, const void *y)
{
	const struct pkgver *a = x, *b = y;
	int r = strcmp(a->pkg, b->pkg);
	return r ? r : strcmp(a->ver, b->ver);
}

/* Every (package, version) of this machine's apt lists; 0 when there are none. */
static size_t apt_versions(struct pkgver **out)
{
	FILE *p = popen("for f in /var/lib/apt/lists/*_Packages*; do "
	                "/usr/lib/apt/apt-helper cat-file \"$f\"; done 2>/dev/null | "
	                "grep -E '^(Package|Version): '",
	                "r");
	char line[4096], pkg[4096] = "";
	struct pkgver *v = NULL;
	size_t n = 0, cap = 0;

	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		chomp(line);
		if (strncmp(line, "Package: ", 9) == 0) {
			snprintf(pkg, sizeof(pkg), "%s", line + 9);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			v = realloc(v, cap * sizeof(*v));
			assert_non_null(v);
		}
		v[n].pkg = strdup(pkg);
		v[n].ver = strdup(line + 9);
		n++;
	}
	pclose(p);
	if (n)
		qsort(v, n, sizeof(*v), pkgver_cmp);
	*out = v;
	return n;
}

struct pairs {
	const char **a, **b;
	size_t n, cap;
};

static void pairs_add(struct pairs *ps, const char *a, const char *b)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 1024;
		ps->a = realloc(ps->a, ps->cap * sizeof(*ps->a));
		ps->b = realloc(ps->b, ps->cap * sizeof(*ps->b));
		assert_true(ps->a && ps->b);
	}
	ps->a[ps->n] = a;
	ps->b[ps->n] = b;
	ps->n++;
}

/* Pairs of versions of the same package (the comparisons that matter), then
 * random pairs across packages, from a fixed seed so runs are repeatable. */
static void oracle_pairs(struct pkgver *v, size_t n, size_t want, struct pairs *ps)
{
	uint64_t seed = 0x9e3779b97f4a7c15u;

	for (size_t i = 0; i + 1 < n && ps->n < want / 2; i++)
		for (size_t k = i + 1; k < n && strcmp(v[i].pkg, v[k].pkg) == 0 && k < i + 4; k++)
			pairs_add(ps, v[i].ver, v[k].ver);
	while (ps->n < want) {
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		size_t i = (size_t)(seed >> 33) % n;
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		size_t k = (size_t)(seed >> 33) % n;
		pairs_add(ps, v[i].ver, v[k].ver);
	}
}

static char *write_pairs(const struct pairs *ps, bool caret, size_t limit)
{
	char *path = strdup("/tmp/customs-version-oracle-XXXXXX");
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (size_t i = 0; i < ps->n && i < limit; i++) {
		/* rpm's '^' never occurs in Debian versions: make some. */
		for (const char *s = ps->a[i]; *s; s++)
			fputc(caret && *s == '+' ? '^' : *s, f);
		fputc('\t', f);
		for (const char *s = ps->b[i]; *s; s++)
			fputc(caret && *s == '+' ? '^' : *s, f);
		fputc('\n', f);
	}
	fclose(f);
	return path;
}

/* Runs cmd (which prints one -1/0/1 per pair) and checks our answers. */
static void check_oracle(const char *what, const char *cmd, const char *path, enum version_scheme s)
{
	FILE *p = popen(cmd, "r"), *f = fopen(path, "re");
	char line[4096], res[64];
	size_t n = 0, bad = 0;

	assert_non_null(p);
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *fields[3];
		int64_t want;

		chomp(line);
		assert_int_equal(split(line, '\t', fields, 3), 2);
		if (!fgets(res, sizeof(res), p))
			fail_msg("%s: oracle stopped after %zu pairs", what, n);
		chomp(res);
		assert_int_equal(parse_i64(&want, res, strlen(res), INT32_MIN, INT32_MAX), 0);
		want = want < 0 ? -1 : want > 0;
		if (cmp(s, fields[0], fields[1]) != want) {
			print_message("%s: '%s' vs '%s': oracle %d\n", what, fields[0], fields[1],
			              (int)want);
			bad++;
		}
		n++;
	}
	pclose(p);
	fclose(f);
	print_message("%s oracle: %zu pairs, %zu disagreements\n", what, n, bad);
	assert_int_equal(bad, 0);
	assert_true(n > 0);
}

static void test_oracles(void **state)
{
	struct pkgver *v = NULL;
	struct pairs ps = {0};
	size_t n = apt_versions(&v);
	char *path, cmd[8192];
	const char *env;
	uint64_t dpkg_pairs = 600;
	time_t t0;

	(void)state;
	if (n < 100) {
		print_message("no apt lists on this machine (run apt-get update): skipped\n");
		free(v);
		skip();
	}
	print_message("apt lists: %zu package versions\n", n);
	env = getenv("CUSTOMS_DPKG_ORACLE_PAIRS");
	if (env && parse_u64_str(&dpkg_pairs, env, 1000000) != 0)
		dpkg_pairs = 600;
	oracle_pairs(v, n, 6000, &ps);
	/* Same-package pairs and random ones, interleaved for the dpkg subset. */
	for (size_t i = 0; i + 1 < ps.n / 2; i += 2) {
		size_t k = ps.n / 2 + i;
		const char *ta = ps.a[i + 1], *tb = ps.b[i + 1];
		ps.a[i + 1] = ps.a[k], ps.b[i + 1] = ps.b[k];
		ps.a[k] = ta, ps.b[k] = tb;
	}

	/* A process start costs tens of ms here, so dpkg runs on two cores and on
	 * fewer pairs than rpm (CUSTOMS_DPKG_ORACLE_PAIRS raises it). */
	path = write_pairs(&ps, false, dpkg_pairs);
	snprintf(cmd, sizeof(cmd),
	         "f=%s; h=$(( ($(wc -l < $f) + 1) / 2 )); "
	         "run() { while IFS='	' read -r i a b; do "
	         "if dpkg --compare-versions \"$a\" lt \"$b\" 2>/dev/null; then echo \"$i -1\"; "
	         "elif dpkg --compare-versions \"$a\" gt \"$b\" 2>/dev/null; then echo \"$i 1\"; "
	         "else echo \"$i 0\"; fi; done; }; "
	         "{ awk -v h=$h 'NR <= h { print NR \"\\t\" $0 }' $f | run & "
	         "awk -v h=$h 'NR > h { print NR \"\\t\" $0 }' $f | run; wait; } | sort -n | cut "
	         "-d' ' -f2",
	         path);
	t0 = time(NULL);
	check_oracle("dpkg --compare-versions", cmd, path, VERSION_DPKG);
	print_message("dpkg oracle took about %lds\n", (long)(time(NULL) - t0));
	unlink(path);
	free(path);

	/* rpm 4.18's rpm.vercmp() parses [epoch:]version[-release] as we do. */
	path = write_pairs(&ps, true, ps.n);
	snprintf(cmd, sizeof(cmd),
	         "rpm --eval '%%{lua: for l in io.lines(\"%s\") do "
	         "local a, b = l:match(\"^([^\\t]*)\\t(.*)$\"); "
	         "print(rpm.vercmp(a, b) .. \"\\n\") end}'",
	         path);
	check_oracle("rpm.vercmp", cmd, path, VERSION_RPM);
	unlink(path);
	free(path);

	for (size_t i = 0; i < n; i++) {
		free(v[i].pkg);
		free(v[i].ver);
	}
	free(v);
	free(ps.a);
	free(ps.b);
}

/* ---- boundaries and hostile input ---- */

static const enum version_scheme all_schemes[] = {VERSION_DPKG,   VERSION_RPM,    VERSION_APK,
                                                  VERSION_SEMVER, VERSION_PEP440, VERSION_MAVEN,
                                                  VERSION_GEM,    VERSION_NUGET,  VERSION_COMPOSER};
#define NSCHEMES (sizeof(all_schemes) / sizeof(all_schemes[0]))

static void test_boundaries(void **state)
{
	static const char *const odd[] = {"",         " ",  "0",      "1",     "a",  "~",
	                                  "^",        "-",  ".",      ":",     "!",  "+",
	                                  "_",        "v",  "1.",     ".1",    "1-", "\x80",
	                                  "\xff\xfe", "1:", "::",     "1.0-r", "1!", "1!1",
	                                  "0:0-0",    "-1", "1.0.0+", "1..2"};
	/* 2^63, 2^64 - 1, 2^64 and runs far past any integer type. */
	char big[4][8200];
	int out;

	(void)state;
	for (size_t s = 0; s < NSCHEMES; s++) {
		assert_int_equal(version_compare(&out, all_schemes[s], NULL, NULL), CUSTOMS_EINVAL);
		assert_int_equal(out, 0);
		assert_false(version_is_valid(all_schemes[s], NULL));
		for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
			for (size_t k = 0; k < sizeof(odd) / sizeof(odd[0]); k++)
				cmp(all_schemes[s], odd[i], odd[k]);
		assert_int_equal(cmp(all_schemes[s], "9223372036854775808", "18446744073709551615"),
		                 -1);
		assert_int_equal(
		    cmp(all_schemes[s], "18446744073709551616", "18446744073709551615"), 1);
		assert_int_equal(cmp(all_schemes[s], "1.18446744073709551616", "1.9"), 1);
	}
	/* 8,000-digit numbers: "1000...0" < "1000...01" < "2000...0" in every scheme
	 * but Maven, which refuses past LIMIT_VERSION_LEN and falls back to bytes. */
	memset(big, '0', sizeof(big));
	big[0][0] = '1', big[0][8000] = '\0';
	big[1][0] = '1', big[1][7999] = '1', big[1][8000] = '\0';
	big[2][0] = '2', big[2][8000] = '\0';
	big[3][0] = '1', big[3][8001] = '\0';
	for (size_t s = 0; s < NSCHEMES; s++) {
		if (all_schemes[s] == VERSION_MAVEN) {
			assert_false(version_is_valid(VERSION_MAVEN, big[0]));
			continue;
		}
		assert_int_equal(cmp(all_schemes[s], big[0], big[1]), -1);
		assert_int_equal(cmp(all_schemes[s], big[1], big[2]), -1);
		assert_int_equal(cmp(all_schemes[s], big[2], big[3]), -1);
	}
	/* Leading zeros do not count in numbers. */
	assert_int_equal(cmp(VERSION_DPKG, "0001.02", "1.2"), 0);
	assert_int_equal(cmp(VERSION_RPM, "0001.02", "1.2"), 0);
	assert_int_equal(cmp(VERSION_PEP440, "0001.02", "1.2"), 0);
	/* At exactly the limit Maven still parses; one byte more it does not. */
	{
		char *m = malloc(LIMIT_VERSION_LEN + 2);
		assert_non_null(m);
		memset(m, '1', LIMIT_VERSION_LEN + 1);
		m[LIMIT_VERSION_LEN] = '\0';
		assert_true(version_is_valid(VERSION_MAVEN, m));
		m[LIMIT_VERSION_LEN] = '1';
		m[LIMIT_VERSION_LEN + 1] = '\0';
		assert_false(version_is_valid(VERSION_MAVEN, m));
		free(m);
	}
	/* Regression (found by fuzz_version_dpkg): a NUL inside a pointer+length
	 * dpkg version ranked as end of string, so "0," < "1" == "\0" < "0,". */
	{
		int ab, bc, ac;
		version_compare_n(&ab, VERSION_DPKG, "0,", 2, "1", 1);
		version_compare_n(&bc, VERSION_DPKG, "1", 1, "\0", 1);
		version_compare_n(&ac, VERSION_DPKG, "0,", 2, "\0", 1);
		assert_int_not_equal(bc, 0);
		assert_false(ab <= 0 && bc <= 0 && ac > 0);
	}
	/* pointer+length: bytes past len are never looked at. */
	assert_int_equal(version_compare_n(&out, VERSION_DPKG, "1.0junk", 3, "1.0", 3), 0);
	assert_int_equal(out, 0);
	assert_int_equal(version_compare_n(&out, VERSION_SEMVER, "1.2.3-x", 5, "1.2.3", 5), 0);
	assert_int_equal(out, 0);
}

/* Invalid versions: CUSTOMS_EINVAL and the documented fallback order. */
static void test_fallback(void **state)
{
	int out;

	(void)state;
	/* Parsing schemes: unparsable before parsable, bytes among themselves. */
	assert_int_equal(version_compare(&out, VERSION_PEP440, "french toast", "0.1"),
	                 CUSTOMS_EINVAL);
	assert_int_equal(out, -1);
	assert_int_equal(version_compare(&out, VERSION_PEP440, "zz top", "french toast"),
	                 CUSTOMS_EINVAL);
	assert_int_equal(out, 1);
	assert_int_equal(version_compare(&out, VERSION_SEMVER, "1.2.3", "not a version"),
	                 CUSTOMS_EINVAL);
	assert_int_equal(out, 1);
	/* Loose SemVer still orders, but says it was not strict. */
	assert_int_equal(version_compare(&out, VERSION_SEMVER, "=1.2", "1.1.9"), CUSTOMS_EINVAL);
	assert_int_equal(out, 1);
	assert_int_equal(version_compare(&out, VERSION_SEMVER, "v1.2.3+incompatible", "1.2.3"), 0);
	assert_int_equal(out, 0);
	/* dpkg compares what it is given, as dpkg --compare-versions does. */
	assert_int_equal(version_compare(&out, VERSION_DPKG, "a:1", "1.0"), CUSTOMS_EINVAL);
	assert_int_equal(out, 1);
	assert_true(version_is_valid(VERSION_DPKG, "1:2.36-9+deb12u4"));
	assert_true(version_is_valid(VERSION_RPM, "1:2.36-9.el9"));
	assert_true(version_is_valid(VERSION_APK, "2.36-r9"));
	assert_true(version_is_valid(VERSION_SEMVER, "v1.2.3-rc.1+build.5"));
	assert_false(version_is_valid(VERSION_SEMVER, "1.2"));
	assert_false(version_is_valid(VERSION_SEMVER, "01.2.3"));
	assert_true(version_is_valid(VERSION_GEM, "1.0.0-rc1"));
	assert_false(version_is_valid(VERSION_GEM, "1.0_rc"));
	assert_true(version_is_valid(VERSION_NUGET, "1.0.0.1-beta"));
	assert_true(version_is_valid(VERSION_COMPOSER, "v2.0.0-RC1"));
	assert_true(version_is_valid(VERSION_MAVEN, "1.0-SNAPSHOT"));
	assert_false(version_is_valid(VERSION_MAVEN, "1.0 SNAPSHOT"));
}

/* Maven's ComparableVersion is not transitive, and we keep its order
 * rather than invent one: 1-M3 < 1 < 1.x, yet 1-M3 > 1.x (a sub-list
 * beats a qualifier). The Maven fuzz target skips its transitivity check. */
static void test_maven_intransitive(void **state)
{
	(void)state;
	assert_int_equal(cmp(VERSION_MAVEN, "1-M3", "1"), -1);
	assert_int_equal(cmp(VERSION_MAVEN, "1", "1.x"), -1);
	assert_int_equal(cmp(VERSION_MAVEN, "1-M3", "1.x"), 1);
}

static void test_ecosystems(void **state)
{
	static const struct {
		const char *eco;
		int rc;
		enum version_scheme s;
	} cases[] = {
	    {"Debian", 0, VERSION_DPKG},
	    {"Debian:12", 0, VERSION_DPKG},
	    {"Ubuntu:22.04:LTS", 0, VERSION_DPKG},
	    {"Ubuntu:Pro:18.04:LTS", 0, VERSION_DPKG},
	    {"Alpine:v3.18", 0, VERSION_APK},
	    {"Wolfi", 0, VERSION_APK},
	    {"Chainguard", 0, VERSION_APK},
	    {"Red Hat", 0, VERSION_RPM},
	    {"Red Hat:enterprise_linux:9::appstream", 0, VERSION_RPM},
	    {"Rocky Linux:9", 0, VERSION_RPM},
	    {"AlmaLinux:8", 0, VERSION_RPM},
	    {"SUSE:Linux Enterprise Server 15 SP5", 0, VERSION_RPM},
	    {"openSUSE:Leap 15.5", 0, VERSION_RPM},
	    {"Photon OS:5.0", 0, VERSION_RPM},
	    {"Mageia:9", 0, VERSION_RPM},
	    {"npm", 0, VERSION_SEMVER},
	    {"Go", 0, VERSION_SEMVER},
	    {"crates.io", 0, VERSION_SEMVER},
	    {"PyPI", 0, VERSION_PEP440},
	    {"Maven", 0, VERSION_MAVEN},
	    {"RubyGems", 0, VERSION_GEM},
	    {"NuGet", 0, VERSION_NUGET},
	    {"Packagist", 0, VERSION_COMPOSER},
	    {"debian", 0, VERSION_DPKG},
	    {"Pub", CUSTOMS_EUNSUPPORTED, VERSION_DPKG},
	    {"", CUSTOMS_EUNSUPPORTED, VERSION_DPKG},
	    {":12", CUSTOMS_EUNSUPPORTED, VERSION_DPKG},
	    {"Debianx", CUSTOMS_EUNSUPPORTED, VERSION_DPKG},
	};
	enum version_scheme s;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = (enum version_scheme)99;
		assert_int_equal(version_scheme_for_ecosystem(&s, cases[i].eco), cases[i].rc);
		if (cases[i].rc == 0)
			assert_int_equal(s, cases[i].s);
		else
			assert_int_equal(s, 99); /* untouched on failure */
	}
	assert_int_equal(version_scheme_for_ecosystem(&s, NULL), CUSTOMS_EUNSUPPORTED);
}

/* ---- the matcher's hot path: prints the cost of 1,000 comparisons ---- */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void bench_file(const char *file, enum version_scheme s)
{
	char rel[256], line[1024];
	struct pairs ps = {0};
	FILE *f;
	double t0, ms;
	volatile int sink = 0;
	size_t rounds = 20, total;

	snprintf(rel, sizeof(rel), "osv-scalibr-semantic/%s", file);
	f = open_data(rel);
	while (fgets(line, sizeof(line), f)) {
		char *fields[4];
		chomp(line);
		if (line[0] == '\0' || line[0] == '#' || line[0] == '/')
			continue;
		if (split(line, ' ', fields, 4) != 3)
			continue;
		pairs_add(&ps, strdup(fields[0]), strdup(fields[2]));
	}
	fclose(f);
	t0 = now_ms();
	for (size_t r = 0; r < rounds; r++)
		for (size_t i = 0; i < ps.n; i++) {
			int out;
			version_compare(&out, s, ps.a[i], ps.b[i]);
			sink += out;
		}
	ms = now_ms() - t0;
	total = rounds * ps.n;
	print_message("%s: %zu comparisons in %.1f ms = %.0f ns each; 1,000 take %.3f ms\n", file,
	              total, ms, ms * 1e6 / (double)total, ms * 1000 / (double)total);
	for (size_t i = 0; i < ps.n; i++) {
		free((void *)ps.a[i]);
		free((void *)ps.b[i]);
	}
	free(ps.a);
	free(ps.b);
	/* Printed, not asserted: timings belong in notes and bench/, not in tests. */
	(void)sink;
}

static void test_speed(void **state)
{
	(void)state;
	bench_file("debian-versions-generated.txt", VERSION_DPKG);
	bench_file("redhat-versions.txt", VERSION_RPM);
	bench_file("alpine-versions-generated.txt", VERSION_APK);
	bench_file("semver-versions.txt", VERSION_SEMVER);
	bench_file("pypi-versions-generated.txt", VERSION_PEP440);
	bench_file("maven-versions-generated.txt", VERSION_MAVEN);
	bench_file("rubygems-versions-generated.txt", VERSION_GEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_apk_version_data),
	    cmocka_unit_test(test_rpmvercmp),
	    cmocka_unit_test(test_dpkg_vectors),
	    cmocka_unit_test(test_node_semver),
	    cmocka_unit_test(test_pep440_packaging),
	    cmocka_unit_test_prestate(test_scalibr, (void *)&sc_debian),
	    cmocka_unit_test_prestate(test_scalibr, (void *)&sc_alpine),
	    cmocka_unit_test_prestate(test_scalibr, (void *)&sc_redhat),
	    cmocka_unit_test_prestate(test_scalibr, (void *)&sc_pypi),
	    cmocka_unit_test_prestate(test_scalibr, (void *)&sc_maven),
	    cmocka_unit_test_prestate(test_scalibr, (void *)&sc_rubygems),
	    cmocka_unit_test_prestate(test_scalibr, (void *)&sc_packagist),
	    cmocka_unit_test_prestate(test_scalibr, (void *)&sc_nuget),
	    cmocka_unit_test_prestate(test_scalibr, (void *)&sc_semver),
	    cmocka_unit_test(test_boundaries),
	    cmocka_unit_test(test_fallback),
	    cmocka_unit_test(test_ecosystems),
	    cmocka_unit_test(test_maven_intransitive),
	    cmocka_unit_test(test_speed),
	    cmocka_unit_test(test_oracles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
