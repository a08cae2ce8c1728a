/* Unit tests for the rpm analyzer: real SQLite, Berkeley DB and ndb rpm
 * databases checked against rpm itself and peers' results, and hostile inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka.h needs the four headers above first. */

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "analyze/rpm.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/strutil.h"

#define SQLITE_DB    "tests/data/rpmdb-go-rpmdb/cbl-mariner-2.0/rpmdb.sqlite"
#define BDB_UUID     "tests/data/rpmdb-go-rpmdb/libuuid/Packages"
#define BDB_DIVE     "tests/data/syft-fixtures/redhat/testdata/Packages"
#define NDB_SLE      "tests/data/rpmdb-go-rpmdb/sle15-bci/Packages.db"
#define NDB_EXPECTED "tests/data/rpmdb-go-rpmdb/sle15-bci/EXPECTED-packages.tsv"

/* ---- helpers ---- */

static char *src_path(const char *rel)
{
	const char *root = getenv("CUSTOMS_SOURCE_ROOT");
	char *p = NULL;
	assert_non_null(root);
	assert_true(asprintf(&p, "%s/%s", root, rel) > 0);
	return p;
}

static uint8_t *load(const char *rel, size_t *len)
{
	char *p = src_path(rel);
	FILE *f = fopen(p, "re");
	assert_non_null(f);
	struct buf b;
	buf_init(&b, LIMIT_RPMDB_BYTES);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(buf_append(&b, chunk, n), 0);
	fclose(f);
	free(p);
	*len = b.len;
	return (uint8_t *)buf_take(&b);
}

static int parse(struct package_list *l, const uint8_t *d, size_t n, struct warn_list *w)
{
	customs_error err = {0};
	memset(l, 0, sizeof(*l));
	return rpmdb_parse(l, d, n, "var/lib/rpm/Packages", w, &err);
}

static int parse_file(struct package_list *l, const char *rel)
{
	size_t n;
	uint8_t *d = load(rel, &n);
	int rc = parse(l, d, n, NULL);
	free(d);
	return rc;
}

static const customs_package *find(const struct package_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return &l->items[i];
	return NULL;
}

static const char *or_none(const char *s)
{
	return s ? s : "(none)";
}

/* One line per package in the format of the rpm query below. The SRPM name
 * is rebuilt from src_name and src_version, which checks their split too. */
static char *package_lines(const struct package_list *l)
{
	struct buf b;
	buf_init(&b, 64u << 20);
	for (size_t i = 0; i < l->n; i++) {
		const customs_package *p = &l->items[i];
		const char *dash = strrchr(p->version, '-');
		assert_non_null(dash);
		const char *sv = p->src_version;
		if (sv && p->epoch) {
			assert_true(strncmp(sv, p->epoch, strlen(p->epoch)) == 0);
			sv += strlen(p->epoch) + 1;
		}
		char size[32] = "(none)";
		if (p->installed_size >= 0)
			snprintf(size, sizeof(size), "%lld", (long long)p->installed_size);
		assert_int_equal(buf_printf(&b, "%s\t%s\t%.*s\t%s\t%s\t", p->name,
		                            or_none(p->epoch), (int)(dash - p->version), p->version,
		                            dash + 1, or_none(p->arch)),
		                 0);
		if (p->src_name)
			assert_int_equal(buf_printf(&b, "%s-%s.src.rpm", p->src_name, sv), 0);
		else
			assert_int_equal(buf_append_str(&b, "(none)"), 0);
		assert_int_equal(buf_printf(&b, "\t%s\t%s\t%s\n", or_none(p->license),
		                            or_none(p->maintainer), size),
		                 0);
		assert_string_equal(p->type, "rpm");
	}
	return buf_take(&b);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts the lines of s in place (rpm and we may list in different orders). */
static void sort_lines(char *s)
{
	size_t n = 0, cap = 0;
	char **v = NULL;
	for (char *p = s; *p;) {
		char *nl = strchr(p, '\n');
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = realloc(v, cap * sizeof(*v));
			assert_non_null(v);
		}
		v[n++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	qsort(v, n, sizeof(*v), cmp_str);
	struct buf b;
	buf_init(&b, 64u << 20);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(buf_printf(&b, "%s\n", v[i]), 0);
	memcpy(s, b.data, b.len + 1);
	buf_free(&b);
	free(v);
}

static void copy_file(const char *rel, const char *dst)
{
	size_t n;
	uint8_t *d = load(rel, &n);
	FILE *f = fopen(dst, "we");
	assert_non_null(f);
	assert_int_equal(fwrite(d, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	free(d);
}

/* Runs rpm without a shell and returns what it printed on stdout. */
static char *run_rpm(char *const argv[])
{
	int fds[2];
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (devnull >= 0)
			dup2(devnull, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	struct buf b;
	buf_init(&b, 64u << 20);
	char chunk[4096];
	ssize_t r;
	while ((r = read(fds[0], chunk, sizeof(chunk))) > 0)
		assert_int_equal(buf_append(&b, chunk, (size_t)r), 0);
	close(fds[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(buf_append(&b, "", 0), 0);
	return buf_take(&b);
}

static int have_rpm(void)
{
	return access("/usr/bin/rpm", X_OK) == 0;
}

/* Lists a copy of the database with the rpm tool (Debian's rpm 4.18): SQLite
 * needs the file named rpmdb.sqlite; Berkeley DB needs the read-only bdb_ro
 * backend (rpm 4.18 has no read-write bdb) and warns about the index files
 * it lacks, which is harmless. Returns the sorted lines. */
static char *rpm_oracle(const char *rel, const char *name, const char *backend)
{
	char dir[] = "/tmp/customs-rpm-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *db = NULL, *def = NULL, *cmd = NULL;
	assert_true(asprintf(&db, "%s/%s", dir, name) > 0);
	copy_file(rel, db);
	assert_true(asprintf(&def, "_db_backend %s", backend) > 0);
	char *argv[] = {"rpm",
	                "--dbpath",
	                dir,
	                "--define",
	                def,
	                "-qa",
	                "--qf",
	                "%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\t"
	                "%{LICENSE}\t%{VENDOR}\t%{LONGSIZE}\n",
	                NULL};
	char *out = run_rpm(argv);
	/* rpm may leave -shm/-wal or lock files behind; remove the scratch dir. */
	assert_true(asprintf(&cmd, "rm -rf -- '%s'", dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(def);
	free(db);
	sort_lines(out);
	return out;
}

static void check_against_rpm(const char *rel, const char *name, const char *backend,
                              size_t expect_n)
{
	if (!have_rpm())
		skip();
	struct package_list l;
	assert_int_equal(parse_file(&l, rel), 0);
	assert_int_equal(l.n, expect_n);
	char *ours = package_lines(&l);
	sort_lines(ours);
	char *theirs = rpm_oracle(rel, name, backend);
	assert_string_equal(ours, theirs);
	free(ours);
	free(theirs);
	package_list_free(&l);
}

/* ---- real databases ---- */

static void test_sqlite_mariner(void **state)
{
	struct package_list l;
	assert_int_equal(parse_file(&l, SQLITE_DB), 0);
	assert_int_equal(l.n, 129);
	const customs_package *p = find(&l, "curl");
	assert_non_null(p);
	assert_string_equal(p->type, "rpm");
	assert_string_equal(p->version, "7.76.0-6.cm2");
	assert_null(p->epoch);
	assert_string_equal(p->arch, "x86_64");
	assert_string_equal(p->license, "MIT");
	assert_string_equal(p->maintainer, "Microsoft Corporation");
	assert_int_equal(p->installed_size, 326023);
	assert_string_equal(p->src_name, "curl");
	assert_string_equal(p->src_version, "7.76.0-6.cm2");
	assert_string_equal(p->path, "var/lib/rpm/Packages");
	p = find(&l, "ca-certificates-base");
	assert_non_null(p);
	assert_string_equal(p->epoch, "1");
	assert_string_equal(p->src_name, "ca-certificates");
	assert_true(strncmp(p->src_version, "1:", 2) == 0);
	assert_null(find(&l, "gpg-pubkey"));
	package_list_free(&l);
}

static void test_sqlite_against_rpm(void **state)
{
	check_against_rpm(SQLITE_DB, "rpmdb.sqlite", "sqlite", 129);
}

static void test_bdb_libuuid(void **state)
{
	struct package_list l;
	assert_int_equal(parse_file(&l, BDB_UUID), 0);
	assert_int_equal(l.n, 1);
	const customs_package *p = &l.items[0];
	assert_string_equal(p->name, "libuuid");
	assert_string_equal(p->version, "2.32.1-42.el8_8");
	assert_string_equal(p->arch, "x86_64");
	assert_string_equal(p->src_name, "util-linux");
	assert_string_equal(p->src_version, "2.32.1-42.el8_8");
	assert_string_equal(p->license, "BSD");
	assert_string_equal(p->maintainer, "Red Hat, Inc.");
	assert_int_equal(p->installed_size, 35104);
	package_list_free(&l);
}

static void test_bdb_dive(void **state)
{
	struct package_list l;
	assert_int_equal(parse_file(&l, BDB_DIVE), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "dive");
	assert_string_equal(l.items[0].version, "0.9.2-1");
	assert_null(l.items[0].epoch);
	assert_string_equal(l.items[0].arch, "x86_64");
	package_list_free(&l);
}

static void test_bdb_against_rpm(void **state)
{
	check_against_rpm(BDB_UUID, "Packages", "bdb_ro", 1);
	check_against_rpm(BDB_DIVE, "Packages", "bdb_ro", 1);
}

/* The 35 packages go-rpmdb's test expects, in its order, every column. */
static void test_ndb_sle15(void **state)
{
	struct package_list l;
	assert_int_equal(parse_file(&l, NDB_SLE), 0);
	size_t n;
	char *tsv = (char *)load(NDB_EXPECTED, &n);
	char *line = strchr(tsv, '\n') + 1; /* header */
	size_t i = 0;
	for (; *line; i++) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *f[7];
		char *s = line;
		for (int k = 0; k < 7; k++) {
			f[k] = s;
			char *t = strchr(s, '\t');
			if (t) {
				*t = '\0';
				s = t + 1;
			} else {
				assert_int_equal(k, 6);
			}
		}
		assert_true(i < l.n);
		const customs_package *p = &l.items[i];
		char *ver = NULL, *srpm = NULL;
		assert_true(asprintf(&ver, "%s-%s", f[2], f[3]) > 0);
		assert_true(asprintf(&srpm, "%s-%s.src.rpm", p->src_name, p->src_version) > 0);
		if (*f[0])
			assert_string_equal(p->epoch, f[0]);
		else
			assert_null(p->epoch);
		assert_string_equal(p->name, f[1]);
		assert_string_equal(p->version, ver);
		assert_string_equal(p->arch, f[4]);
		assert_string_equal(srpm, f[5]);
		int64_t size = -1;
		assert_int_equal(parse_i64(&size, f[6], strlen(f[6]), 0, INT64_MAX), 0);
		assert_int_equal(p->installed_size, size);
		assert_non_null(p->license);
		assert_string_equal(p->maintainer, "SUSE LLC <https://www.suse.com/>");
		free(ver);
		free(srpm);
		line = nl ? nl + 1 : line + strlen(line);
	}
	assert_int_equal(i, 35);
	assert_int_equal(l.n, 35);
	free(tsv);
	package_list_free(&l);
}

static void test_analyzer_entry(void **state)
{
	const char *yes[] = {"var/lib/rpm/Packages",
	                     "var/lib/rpm/rpmdb.sqlite",
	                     "usr/lib/sysimage/rpm/Packages.db",
	                     "usr/share/rpm/rpmdb.sqlite",
	                     "usr/lib/sysimage/rpm/Packages",
	                     "var/lib/rpm/Packages.db"};
	const char *no[] = {"var/lib/rpm/Name", "var/lib/rpm/Packages.bak", "lib/rpm/Packages",
	                    "var/lib/rpm/rpmdb.sqlite-wal"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(analyzer_wants(&analyzer_rpm, yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(analyzer_wants(&analyzer_rpm, no[i]));
	assert_string_equal(analyzer_rpm.name, "rpm");
	assert_int_equal(analyzer_rpm.max_file_size, LIMIT_RPMDB_BYTES);

	/* The format comes from the content, whatever the file is called. */
	size_t n;
	uint8_t *d = load(NDB_SLE, &n);
	struct file_result r = {0};
	customs_error err = {0};
	assert_int_equal(analyzer_rpm.analyze_file(&r, "var/lib/rpm/Packages", d, n, NULL, &err),
	                 0);
	assert_int_equal(r.pkgs.n, 35);
	assert_string_equal(r.pkgs.items[0].path, "var/lib/rpm/Packages");
	assert_true(r.n_owned_files > 0);
	file_result_clear(&r);
	free(d);
}

/* ---- header blobs built by hand ---- */

struct hb {
	uint8_t index[64 * 16];
	uint8_t store[4096];
	uint32_t il, dl;
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void hb_entry(struct hb *h, uint32_t tag, uint32_t type, uint32_t off, uint32_t count)
{
	uint8_t *e = h->index + h->il++ * 16;
	put32(e, tag);
	put32(e + 4, type);
	put32(e + 8, off);
	put32(e + 12, count);
}

static void hb_str(struct hb *h, uint32_t tag, const char *s)
{
	hb_entry(h, tag, 6, h->dl, 1);
	memcpy(h->store + h->dl, s, strlen(s) + 1);
	h->dl += (uint32_t)strlen(s) + 1;
}

static void hb_int32(struct hb *h, uint32_t tag, uint32_t v)
{
	while (h->dl % 4)
		h->store[h->dl++] = 0;
	hb_entry(h, tag, 4, h->dl, 1);
	put32(h->store + h->dl, v);
	h->dl += 4;
}

/* Serialises the blob; len receives its size. */
static uint8_t *hb_blob(const struct hb *h, size_t *len)
{
	*len = 8 + (size_t)h->il * 16 + h->dl;
	uint8_t *b = malloc(*len);
	assert_non_null(b);
	put32(b, h->il);
	put32(b + 4, h->dl);
	memcpy(b + 8, h->index, (size_t)h->il * 16);
	memcpy(b + 8 + h->il * 16, h->store, h->dl);
	return b;
}

static void hb_basic(struct hb *h, const char *name, const char *srpm)
{
	memset(h, 0, sizeof(*h));
	hb_str(h, 1000, name);
	hb_str(h, 1001, "1.2");
	hb_str(h, 1002, "3.el9");
	if (srpm)
		hb_str(h, 1044, srpm);
}

/* Parses h; the result points into the blob, which goes to *keep (the
 * caller frees it) or is freed at once when keep is NULL. */
static int hb_parse(const struct hb *h, struct rpm_header *out, uint8_t **keep)
{
	size_t n;
	uint8_t *b = hb_blob(h, &n);
	customs_error err = {0};
	int rc = rpm_header_parse(out, b, n, &err);
	if (keep)
		*keep = b;
	else
		free(b);
	return rc;
}

static void test_header_valid(void **state)
{
	struct hb h;
	hb_basic(&h, "bash", "bash-5.1.8-6.el9.src.rpm");
	hb_int32(&h, 1003, 2);
	hb_int32(&h, 1009, 4096);
	hb_str(&h, 1022, "x86_64");
	size_t n;
	uint8_t *b = hb_blob(&h, &n);
	struct rpm_header r;
	customs_error err = {0};
	assert_int_equal(rpm_header_parse(&r, b, n, &err), 0);
	customs_package p = {0};
	assert_int_equal(rpm_header_to_package(&p, &r, &err), 0);
	assert_string_equal(p.name, "bash");
	assert_string_equal(p.version, "1.2-3.el9");
	assert_string_equal(p.epoch, "2");
	assert_string_equal(p.arch, "x86_64");
	assert_string_equal(p.src_name, "bash");
	assert_string_equal(p.src_version, "2:5.1.8-6.el9");
	assert_int_equal(p.installed_size, 4096);
	assert_null(p.license);
	package_clear(&p);

	/* Trailing bytes after the store are tolerated; one byte less is not. */
	uint8_t *longer = malloc(n + 3);
	memcpy(longer, b, n);
	memset(longer + n, 0xff, 3);
	assert_int_equal(rpm_header_parse(&r, longer, n + 3, &err), 0);
	assert_int_equal(rpm_header_parse(&r, b, n - 1, &err), CUSTOMS_EINVAL);
	free(longer);
	free(b);
}

static void test_header_sourcerpm(void **state)
{
	static const struct {
		const char *srpm, *name, *version;
	} cases[] = {
	    {"curl-7.76.0-6.cm2.src.rpm", "curl", "7.76.0-6.cm2"},
	    {"gcc11-11.2.1+git610-1.3.9.src.rpm", "gcc11", "11.2.1+git610-1.3.9"},
	    {"a-b-c-1-2.nosrc.rpm", "a-b-c", "1-2"},
	    {"noversion.src.rpm", NULL, NULL},
	    {"x-1.src.rpm", NULL, NULL},
	    {"-1-2.src.rpm", NULL, NULL},
	    {"x--2.src.rpm", NULL, NULL},
	    {"x-1-.src.rpm", NULL, NULL},
	    {"curl-7.76.0-6.cm2.rpm", NULL, NULL},
	    {".src.rpm", NULL, NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hb h;
		struct rpm_header r;
		customs_package p = {0};
		uint8_t *blob = NULL;
		hb_basic(&h, "pkg", cases[i].srpm);
		assert_int_equal(hb_parse(&h, &r, &blob), 0);
		assert_int_equal(rpm_header_to_package(&p, &r, NULL), 0);
		if (cases[i].name) {
			assert_string_equal(p.src_name, cases[i].name);
			assert_string_equal(p.src_version, cases[i].version);
		} else {
			assert_null(p.src_name);
			assert_null(p.src_version);
		}
		package_clear(&p);
		free(blob);
	}
}

static void test_header_lies(void **state)
{
	struct rpm_header r;
	customs_error err = {0};
	uint8_t small[16] = {0};
	/* Empty, one byte, the 8-byte intro alone with il = 0. */
	assert_int_equal(rpm_header_parse(&r, small, 0, &err), CUSTOMS_EINVAL);
	assert_int_equal(rpm_header_parse(&r, small, 1, &err), CUSTOMS_EINVAL);
	assert_int_equal(rpm_header_parse(&r, small, 7, &err), CUSTOMS_EINVAL);
	assert_int_equal(rpm_header_parse(&r, small, 8, &err), CUSTOMS_EINVAL);

	struct hb h;
	hb_basic(&h, "bash", NULL);
	size_t n;
	uint8_t *b = hb_blob(&h, &n);
	uint8_t *c = malloc(n);
	/* il and dl at, past and far past rpm's caps, and lying about the size. */
	const uint32_t ils[] = {LIMIT_RPM_HEADER_TAGS, LIMIT_RPM_HEADER_TAGS + 1, UINT32_MAX, 4};
	const int il_rc[] = {CUSTOMS_EINVAL, CUSTOMS_ETOOLARGE, CUSTOMS_ETOOLARGE, CUSTOMS_EINVAL};
	for (size_t i = 0; i < 4; i++) {
		memcpy(c, b, n);
		put32(c, ils[i]);
		assert_int_equal(rpm_header_parse(&r, c, n, &err), il_rc[i]);
	}
	const uint32_t dls[] = {LIMIT_RPM_HEADER_DATA, LIMIT_RPM_HEADER_DATA + 1, UINT32_MAX,
	                        h.dl + 1};
	const int dl_rc[] = {CUSTOMS_EINVAL, CUSTOMS_ETOOLARGE, CUSTOMS_ETOOLARGE, CUSTOMS_EINVAL};
	for (size_t i = 0; i < 4; i++) {
		memcpy(c, b, n);
		put32(c + 4, dls[i]);
		assert_int_equal(rpm_header_parse(&r, c, n, &err), dl_rc[i]);
	}
	/* A smaller dl cuts the VERSION string's terminator off. */
	memcpy(c, b, n);
	put32(c + 4, h.dl - 1);
	assert_int_equal(rpm_header_parse(&r, c, n, &err), CUSTOMS_EINVAL);
	/* An offset past the data, at its end, and a type out of range. */
	memcpy(c, b, n);
	put32(c + 8 + 16 + 8, h.dl + 1);
	assert_int_equal(rpm_header_parse(&r, c, n, &err), CUSTOMS_EINVAL);
	memcpy(c, b, n);
	put32(c + 8 + 16 + 8, h.dl);
	assert_int_equal(rpm_header_parse(&r, c, n, &err), CUSTOMS_EINVAL);
	memcpy(c, b, n);
	put32(c + 8 + 4, 10);
	assert_int_equal(rpm_header_parse(&r, c, n, &err), CUSTOMS_EINVAL);
	/* NAME given as an integer. */
	memcpy(c, b, n);
	put32(c + 8 + 4, 4);
	assert_int_equal(rpm_header_parse(&r, c, n, &err), CUSTOMS_EINVAL);
	free(c);
	free(b);

	/* No NAME; a misaligned int32; an unterminated last string. */
	memset(&h, 0, sizeof(h));
	hb_str(&h, 1001, "1");
	assert_int_equal(hb_parse(&h, &r, NULL), CUSTOMS_EINVAL);
	hb_basic(&h, "x", NULL);
	hb_entry(&h, 1003, 4, 1, 1);
	assert_int_equal(hb_parse(&h, &r, NULL), CUSTOMS_EINVAL);
	hb_basic(&h, "x", NULL);
	h.dl--;
	assert_int_equal(hb_parse(&h, &r, NULL), CUSTOMS_EINVAL);
}

static void put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t adler(const uint8_t *p, size_t n)
{
	uint32_t a = 1, b = 0;
	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

/* An ndb database holding the given header blobs, laid out as rpm does: one
 * slot page, then each blob framed by its head and tail, 16-byte aligned. */
static uint8_t *ndb_build(uint8_t *const *blobs, const size_t *lens, size_t n, size_t *out_len)
{
	size_t len = 4096;
	for (size_t i = 0; i < n; i++)
		len += (16 + lens[i] + 12 + 15) / 16 * 16;
	uint8_t *d = calloc(1, len);
	assert_non_null(d);
	memcpy(d, "RpmP", 4);
	put32le(d + 12, 1);
	put32le(d + 16, (uint32_t)n + 1);
	for (size_t o = 32; o < 4096; o += 16)
		memcpy(d + o, "Slot", 4);
	size_t off = 4096;
	for (size_t i = 0; i < n; i++) {
		uint32_t blkcnt = (uint32_t)((16 + lens[i] + 12 + 15) / 16);
		uint8_t *s = d + 32 + 16 * i, *b = d + off;
		put32le(s + 4, (uint32_t)i + 1);
		put32le(s + 8, (uint32_t)(off / 16));
		put32le(s + 12, blkcnt);
		memcpy(b, "BlbS", 4);
		put32le(b + 4, (uint32_t)i + 1);
		put32le(b + 12, (uint32_t)lens[i]);
		memcpy(b + 16, blobs[i], lens[i]);
		uint8_t *tail = b + blkcnt * 16 - 12;
		put32le(tail, adler(b, blkcnt * 16 - 12));
		put32le(tail + 4, (uint32_t)lens[i]);
		memcpy(tail + 8, "BlbE", 4);
		off += blkcnt * 16;
	}
	*out_len = len;
	return d;
}

/* Imported signing keys must not become packages; a broken header is skipped
 * with a warning and does not hide the others. */
static void test_pubkey_and_bad_blobs_skipped(void **state)
{
	struct hb h;
	uint8_t *blobs[4];
	size_t lens[4];
	hb_basic(&h, "bash", "bash-5.1.8-6.el9.src.rpm");
	blobs[0] = hb_blob(&h, &lens[0]);
	hb_basic(&h, "gpg-pubkey", NULL);
	blobs[1] = hb_blob(&h, &lens[1]);
	hb_basic(&h, "liar", NULL);
	blobs[2] = hb_blob(&h, &lens[2]);
	put32(blobs[2] + 4, h.dl + 1000);
	hb_basic(&h, "zsh", NULL);
	blobs[3] = hb_blob(&h, &lens[3]);
	size_t n;
	uint8_t *d = ndb_build(blobs, lens, 4, &n);
	struct package_list l;
	struct warn_list w;
	warn_list_init(&w);
	assert_int_equal(parse(&l, d, n, &w), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].name, "bash");
	assert_string_equal(l.items[0].src_name, "bash");
	assert_string_equal(l.items[1].name, "zsh");
	assert_null(l.items[1].src_name);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.items[0], "claims"));
	package_list_free(&l);
	warn_list_free(&w);

	/* The package cap of the list holds: more packages than it allows fail. */
	memset(&l, 0, sizeof(l));
	l.max = 1;
	customs_error err = {0};
	assert_int_equal(rpmdb_parse(&l, d, n, "x", NULL, &err), CUSTOMS_ETOOLARGE);
	assert_int_equal(l.n, 0);
	package_list_free(&l);
	free(d);
	for (size_t i = 0; i < 4; i++)
		free(blobs[i]);
}

/* ---- damaged databases ---- */

static void expect_clean(const uint8_t *d, size_t n, size_t max_pkgs)
{
	struct package_list l;
	struct warn_list w;
	warn_list_init(&w);
	int rc = parse(&l, d, n, &w);
	if (rc)
		assert_int_equal(l.n, 0);
	assert_true(l.n <= max_pkgs);
	package_list_free(&l);
	warn_list_free(&w);
}

static void test_truncated(void **state)
{
	const char *files[] = {SQLITE_DB, BDB_UUID, BDB_DIVE, NDB_SLE};
	for (size_t f = 0; f < 4; f++) {
		size_t n;
		uint8_t *d = load(files[f], &n);
		/* Boundary lengths, then every 4 KiB boundary +/- 1 over the file. */
		size_t cuts[] = {0, 1, 15, 16, 31, 32, 99, 100, 511, 512, 4095, 4096, n - 1};
		for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			uint8_t *c = malloc(cuts[i] + 1);
			memcpy(c, d, cuts[i]);
			expect_clean(c, cuts[i], 129);
			free(c);
		}
		for (size_t cut = 4096; cut < n; cut += 4096 * (n / 4096 / 24 + 1)) {
			uint8_t *c = malloc(cut);
			memcpy(c, d, cut);
			expect_clean(c, cut - 1, 129);
			expect_clean(c, cut, 129);
			free(c);
		}
		free(d);
	}
	/* A BDB cut below the pages its metadata claims is refused. */
	size_t n;
	uint8_t *d = load(BDB_UUID, &n);
	struct package_list l;
	assert_int_equal(parse(&l, d, n - 4096, NULL), CUSTOMS_EINVAL);
	free(d);
}

static void test_random_bytes(void **state)
{
	uint8_t buf[8192];
	unsigned seed = 12345;
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (uint8_t)(seed >> 16);
		}
		/* Random bytes behind each format's magic, so the readers run. */
		static const char *const magic[] = {"SQLite format 3", "RpmP", NULL};
		if (round % 3 == 0)
			memcpy(buf, magic[0], 16);
		else if (round % 3 == 1)
			memcpy(buf, magic[1], 4);
		else
			memcpy(buf + 12, "\x61\x15\x06\x00", 4);
		expect_clean(buf, sizeof(buf), 129);
		struct rpm_header r;
		assert_true(rpm_header_parse(&r, buf, sizeof(buf), NULL) < 0);
	}
}

/* Page 3 of libuuid's Packages is the first overflow page of the header;
 * pointing its next page at itself must end the chain, not loop. */
static void test_bdb_page_loop(void **state)
{
	size_t n;
	uint8_t *d = load(BDB_UUID, &n);
	uint8_t *pg = d + 3 * 4096;
	assert_int_equal(pg[25], 7);
	memcpy(pg + 16, "\x03\x00\x00\x00", 4);
	struct package_list l;
	struct warn_list w;
	warn_list_init(&w);
	assert_int_equal(parse(&l, d, n, &w), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.items[0], "reached twice"));
	warn_list_free(&w);
	/* A chain into the metadata page, and past the last page. */
	memcpy(pg + 16, "\x00\x00\x00\x00", 4);
	assert_int_equal(parse(&l, d, n, NULL), 0);
	assert_int_equal(l.n, 0);
	memcpy(pg + 16, "\x40\x00\x00\x00", 4);
	assert_int_equal(parse(&l, d, n, NULL), 0);
	assert_int_equal(l.n, 0);
	free(d);
}

/* The reader must not depend on the byte order of the machine that wrote the
 * database: swap libuuid's Packages to big-endian and read it again. */
static void swap32(uint8_t *p)
{
	uint8_t t = p[0];
	p[0] = p[3];
	p[3] = t;
	t = p[1];
	p[1] = p[2];
	p[2] = t;
}

static void swap16(uint8_t *p)
{
	uint8_t t = p[0];
	p[0] = p[1];
	p[1] = t;
}

static void test_bdb_big_endian(void **state)
{
	size_t n;
	uint8_t *d = load(BDB_UUID, &n);
	const size_t ps = 4096;
	/* Metadata: the 32-bit fields up to and including the hash parameters. */
	for (size_t o = 8; o < 96; o += 4)
		if (o != 24)
			swap32(d + o);
	for (size_t p = 1; p < n / ps; p++) {
		uint8_t *pg = d + p * ps;
		uint8_t type = pg[25];
		uint16_t entries = (uint16_t)(pg[20] | pg[21] << 8);
		if (type == 13 || type == 2) {
			for (uint16_t i = 0; i < entries; i++) {
				uint8_t *ip = pg + 26 + 2 * i;
				uint16_t off = (uint16_t)(ip[0] | ip[1] << 8);
				if (pg[off] == 3) {
					swap32(pg + off + 4);
					swap32(pg + off + 8);
				}
				swap16(ip);
			}
		}
		swap32(pg + 8);
		swap32(pg + 12);
		swap32(pg + 16);
		swap16(pg + 20);
		swap16(pg + 22);
	}
	assert_int_equal(d[12], 0x00);
	assert_int_equal(d[13], 0x06);
	struct package_list l;
	assert_int_equal(parse(&l, d, n, NULL), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "libuuid");
	assert_int_equal(l.items[0].installed_size, 35104);
	package_list_free(&l);
	free(d);
}

/* A flipped byte inside one ndb blob fails its checksum: that package alone
 * is skipped, with a warning. */
static void test_ndb_damage(void **state)
{
	size_t n;
	uint8_t *d = load(NDB_SLE, &n);
	struct package_list l;
	struct warn_list w;
	/* Slot 2 (offset 48) names package 2 at block 0x204. */
	uint32_t blk = (uint32_t)(d[56] | d[57] << 8 | d[58] << 16 | (uint32_t)d[59] << 24);
	d[(size_t)blk * 16 + 100] ^= 0x40;
	warn_list_init(&w);
	assert_int_equal(parse(&l, d, n, &w), 0);
	assert_int_equal(l.n, 34);
	assert_null(find(&l, "filesystem"));
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.items[0], "checksum"));
	package_list_free(&l);
	warn_list_free(&w);
	d[(size_t)blk * 16 + 100] ^= 0x40;

	/* Two slots naming the same blob: the overlap is refused once. */
	memcpy(d + 64 + 4, d + 48 + 4, 12);
	warn_list_init(&w);
	assert_int_equal(parse(&l, d, n, &w), 0);
	assert_int_equal(l.n, 34);
	assert_true(w.n >= 1);
	package_list_free(&l);
	warn_list_free(&w);

	/* A bad slot magic makes the slot table unreadable. */
	memcpy(d + 32, "Slop", 4);
	assert_int_equal(parse(&l, d, n, NULL), CUSTOMS_EINVAL);
	/* Slot pages claimed beyond the file. */
	memcpy(d + 32, "Slot", 4);
	memcpy(d + 12, "\xff\xff\x00\x00", 4);
	assert_int_equal(parse(&l, d, n, NULL), CUSTOMS_EINVAL);
	free(d);
}

static void test_sqlite_damage(void **state)
{
	size_t n;
	uint8_t *d = load(SQLITE_DB, &n);
	struct package_list l;
	/* A database without a Packages table (the schema text names it). */
	static const char create[] = "CREATE TABLE 'Packages' (";
	size_t renamed = 0;
	for (uint8_t *p = d; (p = memmem(p, n - (size_t)(p - d), create, 25)); p += 25, renamed++)
		p[21] = 'z';
	assert_true(renamed > 0);
	assert_int_equal(parse(&l, d, n, NULL), CUSTOMS_EINVAL);
	for (uint8_t *p = d; (p = memmem(p, n - (size_t)(p - d), "CREATE TABLE 'Packagez' (", 25));
	     p += 25)
		p[21] = 's';
	/* Rollback-journal mode (bytes 18/19 = 1) reads the same as WAL. */
	assert_int_equal(d[18], 2);
	d[18] = d[19] = 1;
	assert_int_equal(parse(&l, d, n, NULL), 0);
	assert_int_equal(l.n, 129);
	package_list_free(&l);
	/* Garbage pages in the middle: an error or fewer packages, nothing else. */
	memset(d + n / 2, 0xa5, 65536);
	expect_clean(d, n, 129);
	free(d);
}

/* A database file made by SQLite itself from sql, with the given blobs
 * inserted into Packages (when not NULL). */
static uint8_t *sqlite_image(const char *sql, uint8_t *const *blobs, const size_t *lens, size_t n,
                             size_t *len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(
		    sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?)", -1, &st, NULL),
		    SQLITE_OK);
		if (blobs[i])
			sqlite3_bind_blob(st, 1, blobs[i], (int)lens[i], SQLITE_STATIC);
		else
			sqlite3_bind_text(st, 1, "not a blob", -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	sqlite3_int64 sz = 0;
	unsigned char *img = sqlite3_serialize(db, "main", &sz, 0);
	assert_non_null(img);
	uint8_t *out = malloc((size_t)sz);
	memcpy(out, img, (size_t)sz);
	sqlite3_free(img);
	sqlite3_close(db);
	*len = (size_t)sz;
	return out;
}

/* Hostile schemas: a Packages view that never ends must be refused, not run;
 * rows that hold no header blob are skipped with a warning. */
static void test_sqlite_hostile_schema(void **state)
{
	size_t n;
	struct package_list l;
	struct warn_list w;
	uint8_t *d =
	    sqlite_image("CREATE VIEW Packages AS WITH RECURSIVE c(x) AS "
	                 "(SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS blob FROM c;",
	                 NULL, NULL, 0, &n);
	assert_int_equal(parse(&l, d, n, NULL), CUSTOMS_EINVAL);
	free(d);

	struct hb h;
	uint8_t *blobs[3] = {NULL, NULL, NULL};
	size_t lens[3] = {0, 0, 0};
	hb_basic(&h, "bash", NULL);
	blobs[0] = hb_blob(&h, &lens[0]);
	hb_basic(&h, "zsh", NULL);
	blobs[2] = hb_blob(&h, &lens[2]);
	d = sqlite_image("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob);", blobs, lens, 3,
	                 &n);
	warn_list_init(&w);
	assert_int_equal(parse(&l, d, n, &w), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].name, "bash");
	assert_string_equal(l.items[1].name, "zsh");
	assert_int_equal(w.n, 1);
	package_list_free(&l);
	warn_list_free(&w);
	free(d);
	free(blobs[0]);
	free(blobs[2]);
}

static void test_unknown_format(void **state)
{
	struct package_list l;
	customs_error err = {0};
	memset(&l, 0, sizeof(l));
	assert_int_equal(
	    rpmdb_parse(&l, (const uint8_t *)"hello world, not a db", 21, "x", NULL, &err),
	    CUSTOMS_EUNSUPPORTED);
	assert_non_null(strstr(err.message, "not a known"));
	uint8_t btree[4096] = {0};
	memcpy(btree + 12, "\x62\x31\x05\x00", 4);
	btree[25] = 9;
	assert_int_equal(rpmdb_parse(&l, btree, sizeof(btree), "x", NULL, &err),
	                 CUSTOMS_EUNSUPPORTED);
	assert_non_null(strstr(err.message, "btree"));
	assert_int_equal(l.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sqlite_mariner),
	    cmocka_unit_test(test_sqlite_against_rpm),
	    cmocka_unit_test(test_bdb_libuuid),
	    cmocka_unit_test(test_bdb_dive),
	    cmocka_unit_test(test_bdb_against_rpm),
	    cmocka_unit_test(test_ndb_sle15),
	    cmocka_unit_test(test_analyzer_entry),
	    cmocka_unit_test(test_header_valid),
	    cmocka_unit_test(test_header_sourcerpm),
	    cmocka_unit_test(test_header_lies),
	    cmocka_unit_test(test_pubkey_and_bad_blobs_skipped),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_random_bytes),
	    cmocka_unit_test(test_bdb_page_loop),
	    cmocka_unit_test(test_bdb_big_endian),
	    cmocka_unit_test(test_ndb_damage),
	    cmocka_unit_test(test_sqlite_damage),
	    cmocka_unit_test(test_sqlite_hostile_schema),
	    cmocka_unit_test(test_unknown_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
