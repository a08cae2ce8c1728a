/* Tests for the Java archive analyzer on Debian's real jars: each jar's
 * pom.properties as unzip reads it, fat jars, nesting and zip bombs. */
#include <archive.h>
#include <archive_entry.h>

#include "lang_test.h"
#include "util/warn.h"

#define JAVA "/usr/share/java/"

/* Debian's jars with pom.properties (libcommons-lang3-java, libguava-java,
 * libcommons-io-java, libcommons-cli-java). */
static const char *const jars[] = {"commons-lang3-3.12.0.jar", "guava-31.1-jre.jar",
                                   "commons-io-2.11.0.jar", "commons-cli-1.5.0.jar"};

/* groupId:artifactId and version of a jar according to unzip. */
static void expected(const char *jar, char *name, size_t nn, char *version, size_t vn)
{
	char cmd[512], line[512], g[512] = "", a[512] = "";
	snprintf(cmd, sizeof(cmd), "unzip -p '%s%s' 'META-INF/maven/*/pom.properties'", JAVA, jar);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	*version = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!strncmp(line, "groupId=", 8))
			snprintf(g, sizeof(g), "%s", line + 8);
		else if (!strncmp(line, "artifactId=", 11))
			snprintf(a, sizeof(a), "%s", line + 11);
		else if (!strncmp(line, "version=", 8))
			snprintf(version, vn, "%s", line + 8);
	}
	pclose(f);
	snprintf(name, nn, "%s:%s", g, a);
	assert_true(*g && *a && *version);
}

static bool have_jars(void)
{
	for (size_t i = 0; i < sizeof(jars) / sizeof(jars[0]); i++) {
		char p[256];
		snprintf(p, sizeof(p), JAVA "%s", jars[i]);
		if (access(p, R_OK) != 0)
			return false;
	}
	return true;
}

static int parse(struct package_list *l, const void *d, size_t n, struct warn_list *w)
{
	customs_error err = {0};
	return java_archive_parse(l, "opt/app/app.jar", d, n, w, &err);
}

static void test_debian_jars(void **state)
{
	(void)state;
	if (!have_jars())
		skip();
	for (size_t i = 0; i < sizeof(jars) / sizeof(jars[0]); i++) {
		char p[256], name[1100], version[512];
		snprintf(p, sizeof(p), JAVA "%s", jars[i]);
		expected(jars[i], name, sizeof(name), version, sizeof(version));
		size_t len = 0;
		unsigned char *d = file_read(p, &len);
		assert_non_null(d);
		struct package_list l = {0};
		assert_int_equal(parse(&l, d, len, NULL), 0);
		assert_int_equal(l.n, 1);
		assert_string_equal(l.items[0].type, "maven");
		assert_string_equal(l.items[0].name, name);
		assert_string_equal(l.items[0].version, version);
		assert_string_equal(l.items[0].path, "opt/app/app.jar");
		free(d);
		package_list_free(&l);
	}
	/* The purl puts the group in the namespace. */
	struct package_list l = {0};
	size_t len = 0;
	unsigned char *d = file_read(JAVA "commons-lang3-3.12.0.jar", &len);
	assert_int_equal(parse(&l, d, len, NULL), 0);
	lang_expect_purl(&l, "org.apache.commons:commons-lang3", "3.12.0",
	                 "pkg:maven/org.apache.commons/commons-lang3@3.12.0");
	free(d);
	package_list_free(&l);
}

/* aopalliance-1.0.jar has neither pom.properties nor version fields in its
 * manifest: the file name gives the package. */
static void test_file_name(void **state)
{
	(void)state;
	size_t len = 0;
	unsigned char *d = file_read(JAVA "aopalliance-1.0.jar", &len);
	if (!d)
		skip();
	struct package_list l = {0};
	customs_error err = {0};
	assert_int_equal(
	    java_archive_parse(&l, "usr/share/java/aopalliance-1.0.jar", d, len, NULL, &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "aopalliance");
	assert_string_equal(l.items[0].version, "1.0");
	free(d);
	package_list_free(&l);
}

/* A zip in memory built with libarchive. */
struct zipw {
	struct archive *a;
	unsigned char *buf;
	size_t cap, used;
};

static void zip_open(struct zipw *z, size_t cap)
{
	z->buf = malloc(cap);
	z->cap = cap;
	z->used = 0;
	assert_non_null(z->buf);
	z->a = archive_write_new();
	archive_write_set_format_zip(z->a);
	archive_write_set_bytes_in_last_block(z->a, 1);
	assert_int_equal(archive_write_open_memory(z->a, z->buf, z->cap, &z->used), ARCHIVE_OK);
}

/* Adds a member: data, or `zeros` zero bytes when data is NULL. */
static void zip_add(struct zipw *z, const char *name, const void *data, size_t len, size_t zeros)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)(data ? len : zeros));
	assert_int_equal(archive_write_header(z->a, e), ARCHIVE_OK);
	if (data) {
		assert_int_equal(archive_write_data(z->a, data, len), (la_ssize_t)len);
	} else {
		static const char chunk[65536];
		for (size_t n = 0; n < zeros; n += sizeof(chunk))
			archive_write_data(z->a, chunk, sizeof(chunk));
	}
	archive_entry_free(e);
}

static void zip_close(struct zipw *z)
{
	assert_int_equal(archive_write_close(z->a), ARCHIVE_OK);
	archive_write_free(z->a);
}

static void test_fat_jar(void **state)
{
	(void)state;
	if (!have_jars())
		skip();
	struct zipw z;
	zip_open(&z, 64u << 20);
	const char *mf =
	    "Manifest-Version: 1.0\r\nMain-Class: org.springframework.boot.loader.JarLauncher\r\n";
	zip_add(&z, "META-INF/MANIFEST.MF", mf, strlen(mf), 0);
	for (size_t i = 0; i < sizeof(jars) / sizeof(jars[0]); i++) {
		char p[256], in[256];
		snprintf(p, sizeof(p), JAVA "%s", jars[i]);
		snprintf(in, sizeof(in), "BOOT-INF/lib/%s", jars[i]);
		size_t len = 0;
		unsigned char *d = file_read(p, &len);
		zip_add(&z, in, d, len, 0);
		free(d);
	}
	zip_close(&z);
	struct package_list l = {0};
	assert_int_equal(parse(&l, z.buf, z.used, NULL), 0);
	/* The four libraries; the app jar itself has no version anywhere. */
	assert_int_equal(l.n, sizeof(jars) / sizeof(jars[0]));
	for (size_t i = 0; i < sizeof(jars) / sizeof(jars[0]); i++) {
		char name[1100], version[512];
		expected(jars[i], name, sizeof(name), version, sizeof(version));
		assert_non_null(lang_find(&l, name, version));
	}
	package_list_free(&l);
	free(z.buf);
}

/* commons-cli wrapped in `levels` archives. */
static unsigned char *nest(int levels, size_t *len)
{
	size_t n = 0;
	unsigned char *d = file_read(JAVA "commons-cli-1.5.0.jar", &n);
	assert_non_null(d);
	for (int i = 0; i < levels; i++) {
		struct zipw z;
		zip_open(&z, n + 65536);
		zip_add(&z, "WEB-INF/lib/inner.jar", d, n, 0);
		zip_close(&z);
		free(d);
		d = z.buf;
		n = z.used;
	}
	*len = n;
	return d;
}

static void test_nesting(void **state)
{
	(void)state;
	if (!have_jars())
		skip();
	for (int levels = 1; levels <= LIMIT_JAR_DEPTH + 1; levels++) {
		size_t n = 0;
		unsigned char *d = nest(levels, &n);
		struct package_list l = {0};
		struct warn_list w;
		warn_list_init(&w);
		assert_int_equal(parse(&l, d, n, &w), 0);
		/* The outer archive is level 0: LIMIT_JAR_DEPTH levels in all. */
		if (levels < LIMIT_JAR_DEPTH) {
			assert_int_equal(l.n, 1);
			assert_string_equal(l.items[0].name, "commons-cli:commons-cli");
		} else {
			assert_int_equal(l.n, 0);
			assert_true(w.n >= 1);
			assert_non_null(strstr(w.items[0], "nested deeper"));
		}
		warn_list_free(&w);
		package_list_free(&l);
		free(d);
	}
}

static void test_zip_bomb(void **state)
{
	(void)state;
	if (!have_jars())
		skip();
	/* A nested "jar" that inflates past the nested-archive cap sits next to
	 * a real one: the bomb is cut off with a warning, the real one found. */
	size_t n = 0;
	unsigned char *cli = file_read(JAVA "commons-cli-1.5.0.jar", &n);
	struct zipw z;
	zip_open(&z, 16u << 20);
	zip_add(&z, "BOOT-INF/lib/bomb.jar", NULL, 0, (size_t)LIMIT_JAR_NESTED_BYTES + (1u << 20));
	zip_add(&z, "BOOT-INF/lib/commons-cli-1.5.0.jar", cli, n, 0);
	zip_close(&z);
	assert_true(z.used < (1u << 20)); /* it is a bomb: small outside */
	struct package_list l = {0};
	struct warn_list w;
	warn_list_init(&w);
	assert_int_equal(parse(&l, z.buf, z.used, &w), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.items[0], "size limit"));
	warn_list_free(&w);
	package_list_free(&l);
	free(z.buf);
	free(cli);
}

static void test_hostile(void **state)
{
	(void)state;
	struct package_list l = {0};
	struct warn_list w;
	warn_list_init(&w);
	/* Not a zip, empty, truncated: warnings and no packages, never a crash. */
	assert_int_equal(parse(&l, "PK\3\4garbage", 11, &w), 0);
	assert_int_equal(parse(&l, "", 0, &w), 0);
	size_t len = 0;
	unsigned char *d = file_read(JAVA "commons-cli-1.5.0.jar", &len);
	if (d) {
		for (size_t cut = 1; cut < len; cut += len / 7)
			assert_int_equal(parse(&l, d, cut, &w), 0);
		free(d);
	}
	assert_true(w.n > 0);
	warn_list_free(&w);
	package_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_debian_jars), cmocka_unit_test(test_file_name),
	    cmocka_unit_test(test_fat_jar),     cmocka_unit_test(test_nesting),
	    cmocka_unit_test(test_zip_bomb),    cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
