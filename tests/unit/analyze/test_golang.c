/* Tests for the Go build-info reader on Debian's Go programs (umoci, skopeo,
 * docker-registry), checked against `go version -m`, streamed and truncated. */
#include "lang_test.h"
#include "util/warn.h"

static const char *const bins[] = {"/usr/bin/umoci", "/usr/bin/skopeo", "/usr/bin/docker-registry"};

/* The packages `go version -m` lists, as "name@version" lines in the order
 * our list holds them after sorting: built from its output, applying "=>"
 * lines and skipping "(devel)" like the reader. NULL without a Go toolchain. */
static char **go_version_m(const char *bin, size_t *n)
{
	char cmd[256], line[4096];
	snprintf(cmd, sizeof(cmd), "go version -m '%s' 2>/dev/null", bin);
	FILE *f = popen(cmd, "r");
	if (!f)
		return NULL;
	char **v = calloc(4096, sizeof(*v));
	assert_non_null(v);
	size_t k = 0;
	bool last_dep = false;
	while (fgets(line, sizeof(line), f) && k < 4096) {
		line[strcspn(line, "\n")] = 0;
		char *save = NULL, *tag, *path, *ver;
		if (k == 0 && strchr(line, ':')) {
			/* "/usr/bin/umoci: go1.19.8" */
			char *go = strstr(line, ": go");
			assert_non_null(go);
			if (asprintf(&v[k++], "stdlib@v%s", go + 4) < 0)
				fail();
			continue;
		}
		tag = strtok_r(line, "\t", &save);
		path = tag ? strtok_r(NULL, "\t", &save) : NULL;
		ver = path ? strtok_r(NULL, "\t", &save) : NULL;
		if (!tag || !path)
			continue;
		if (!strcmp(tag, "=>")) {
			if (last_dep) {
				free(v[--k]);
				v[k] = NULL;
				if (ver && asprintf(&v[k++], "%s@%s", path, ver) < 0)
					fail();
			}
			last_dep = false;
			continue;
		}
		last_dep = false;
		if ((strcmp(tag, "mod") && strcmp(tag, "dep")) || !ver || !strcmp(ver, "(devel)"))
			continue;
		if (asprintf(&v[k++], "%s@%s", path, ver) < 0)
			fail();
		last_dep = !strcmp(tag, "dep");
	}
	int st = pclose(f);
	if (st != 0 || k == 0) {
		for (size_t i = 0; i < k; i++)
			free(v[i]);
		free(v);
		return NULL;
	}
	*n = k;
	return v;
}

static void check_against_go(const struct package_list *l, const char *bin)
{
	size_t n = 0;
	char **exp = go_version_m(bin, &n);
	if (!exp)
		return; /* no Go toolchain: the counts below still hold */
	for (size_t i = 0; i < n; i++) {
		char *at = strrchr(exp[i], '@');
		*at = 0;
		if (!lang_find(l, exp[i], at + 1))
			fail_msg("%s: %s@%s missing", bin, exp[i], at + 1);
		free(exp[i]);
	}
	free(exp);
	assert_int_equal(l->n, n);
}

static void test_binaries(void **state)
{
	(void)state;
	for (size_t b = 0; b < sizeof(bins) / sizeof(bins[0]); b++) {
		size_t len = 0;
		unsigned char *d = file_read(bins[b], &len);
		if (!d)
			continue;
		struct package_list l = {0};
		customs_error err = {0};
		assert_int_equal(go_binary_parse(&l, bins[b] + 1, d, len, NULL, &err), 0);
		/* Each is a real Go program; Debian builds them in GOPATH mode, so
		 * the build info names the toolchain and no modules. */
		const customs_package *std = lang_find(&l, "stdlib", NULL);
		assert_non_null(std);
		assert_true(str_has_prefix(std->version, "v1."));
		assert_true(l.n >= 1);
		for (size_t i = 0; i < l.n; i++) {
			assert_string_equal(l.items[i].type, "golang");
			assert_string_equal(l.items[i].path, bins[b] + 1);
		}
		check_against_go(&l, bins[b]);
		package_list_free(&l);
		free(d);
	}
}

/* Streams a file through the analyzer in chunks of `step` bytes. */
static int stream(struct file_result *fr, const unsigned char *d, size_t len, size_t step,
                  struct warn_list *w)
{
	const struct analyzer_stream_ops *ops = analyzer_golang.stream;
	void *st = NULL;
	customs_error err = {0};
	assert_int_equal(ops->open(&st, "usr/bin/x", (int64_t)len, &err), 0);
	for (size_t off = 0; off < len; off += step) {
		size_t n = len - off < step ? len - off : step;
		assert_int_equal(ops->chunk(st, d + off, n, &err), 0);
	}
	return ops->close(st, fr, w, &err);
}

static void test_stream(void **state)
{
	(void)state;
	size_t len = 0;
	unsigned char *d = file_read("/usr/bin/umoci", &len);
	if (!d)
		skip();
	assert_true(analyzer_wants(&analyzer_golang, "usr/bin/umoci"));
	struct package_list whole = {0};
	customs_error err = {0};
	assert_int_equal(go_binary_parse(&whole, "usr/bin/x", d, len, NULL, &err), 0);
	/* Odd chunk sizes put the magic across chunk boundaries. */
	static const size_t steps[] = {1 << 20, 65536, 4093, 7, 13};
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		if (steps[s] < 100) {
			/* Tiny steps only around the build info, to stay fast. */
			const uint8_t *hit = memmem(d, len, "\xff Go buildinf:", 14);
			size_t from = (size_t)(hit - d) & ~(size_t)4095;
			struct file_result fr = {0};
			const struct analyzer_stream_ops *ops = analyzer_golang.stream;
			void *st = NULL;
			assert_int_equal(ops->open(&st, "usr/bin/x", (int64_t)len, &err), 0);
			assert_int_equal(ops->chunk(st, d, from, &err), 0);
			for (size_t off = from; off < len; off += steps[s]) {
				size_t n = len - off < steps[s] ? len - off : steps[s];
				assert_int_equal(ops->chunk(st, d + off, n, &err), 0);
			}
			assert_int_equal(ops->close(st, &fr, NULL, &err), 0);
			assert_int_equal(fr.pkgs.n, whole.n);
			file_result_clear(&fr);
			continue;
		}
		struct file_result fr = {0};
		assert_int_equal(stream(&fr, d, len, steps[s], NULL), 0);
		assert_int_equal(fr.pkgs.n, whole.n);
		for (size_t i = 0; i < whole.n; i++) {
			assert_string_equal(fr.pkgs.items[i].name, whole.items[i].name);
			assert_string_equal(fr.pkgs.items[i].version, whole.items[i].version);
		}
		file_result_clear(&fr);
	}
	/* A file that is not ELF is not read further; no packages. */
	struct file_result fr = {0};
	assert_int_equal(stream(&fr, (const unsigned char *)"#!/bin/sh\n", 10, 10, NULL), 0);
	assert_int_equal(fr.pkgs.n, 0);
	file_result_clear(&fr);
	package_list_free(&whole);
	free(d);
}

static void test_truncated(void **state)
{
	(void)state;
	size_t len = 0;
	unsigned char *d = file_read("/usr/bin/umoci", &len);
	if (!d)
		skip();
	const uint8_t *hit = memmem(d, len, "\xff Go buildinf:", 14);
	assert_non_null(hit);
	size_t at = (size_t)(hit - d);
	struct package_list l = {0};
	customs_error err = {0};
	/* Cut before or inside the magic: not a Go binary as far as we can tell. */
	assert_int_equal(go_binary_parse(&l, "b", d, at, NULL, &err), CUSTOMS_ENOTFOUND);
	assert_int_equal(go_binary_parse(&l, "b", d, at + 10, NULL, &err), CUSTOMS_ENOTFOUND);
	/* Cut inside the header, the version, the module list: an error, and
	 * through the stream a failed close, never a crash. */
	static const size_t cuts[] = {20, 33, 40, 50};
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		assert_int_equal(go_binary_parse(&l, "b", d, at + cuts[i], NULL, &err),
		                 CUSTOMS_EINVAL);
		struct file_result fr = {0};
		assert_true(stream(&fr, d, at + cuts[i], 65536, NULL) < 0);
		file_result_clear(&fr);
	}
	assert_int_equal(l.n, 0);
	/* A pre-1.18 header (flags without inline strings): a warning. */
	uint8_t old[64] = "\xff Go buildinf:";
	old[14] = 8;
	old[15] = 0;
	struct warn_list w;
	warn_list_init(&w);
	assert_int_equal(go_buildinfo_parse(&l, "b", old, sizeof(old), &w, &err), 0);
	assert_int_equal(w.n, 1);
	warn_list_free(&w);
	free(d);
}

static void test_synthetic(void **state)
{
	(void)state;
	/* A header with inline strings as Go >= 1.18 writes them, sentinels and
	 * a replaced and a locally replaced dependency. */
	const char *mod = "0123456789abcdef"
	                  "path\texample.com/cmd\n"
	                  "mod\texample.com/cmd\t(devel)\t\n"
	                  "dep\tgithub.com/a/b\tv1.0.0\th1:x=\n"
	                  "=>\tgithub.com/fork/b\tv1.0.1\th1:y=\n"
	                  "dep\tgolang.org/x/sys\tv0.1.0\th1:z=\n"
	                  "dep\texample.com/local\tv0.0.0\n"
	                  "=>\t../local\t\t\n"
	                  "build\tCGO_ENABLED=0\n"
	                  "0123456789abcdef";
	uint8_t buf[1024] = "\xff Go buildinf:";
	buf[14] = 8;
	buf[15] = 2;
	size_t n = 32;
	buf[n++] = 8;
	memcpy(buf + n, "go1.21.5", 8);
	n += 8;
	size_t ml = strlen(mod);
	buf[n++] = (uint8_t)(0x80 | (ml & 0x7f));
	buf[n++] = (uint8_t)(ml >> 7);
	memcpy(buf + n, mod, ml);
	n += ml;
	struct package_list l = {0};
	customs_error err = {0};
	assert_int_equal(go_buildinfo_parse(&l, "b", buf, n, NULL, &err), 0);
	assert_int_equal(l.n, 3);
	lang_expect_purl(&l, "stdlib", "v1.21.5", "pkg:golang/stdlib@v1.21.5");
	lang_expect_purl(&l, "github.com/fork/b", "v1.0.1", "pkg:golang/github.com/fork/b@v1.0.1");
	assert_non_null(lang_find(&l, "golang.org/x/sys", "v0.1.0"));
	package_list_free(&l);
}

/* Before Go 1.18 the header holds pointers, and the module list (between
 * its sentinels, as cmd/go writes it) sits in .rodata before the header: its
 * modules are read, the Go version is not (a warning says so). No such
 * binary can be built here (Debian's Go is 1.19), so the layout is made by
 * hand: ELF magic, filler, the list, filler, a 16-byte aligned header. */
static void test_old_format(void **state)
{
	(void)state;
	static const uint8_t start[16] = {0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02,
	                                  0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6};
	static const uint8_t end[16] = {0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72,
	                                0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2};
	const char *mod = "path\texample.com/old\n"
	                  "mod\texample.com/old\t(devel)\t\n"
	                  "dep\tgithub.com/pkg/errors\tv0.9.1\th1:x=\n"
	                  "dep\tgolang.org/x/text\tv0.3.6\th1:y=\n";
	size_t len = 3 * 4096;
	uint8_t *bin = calloc(1, len);
	assert_non_null(bin);
	memcpy(bin,
	       "\x7f"
	       "ELF",
	       4);
	size_t at = 1000;
	memcpy(bin + at, start, 16);
	memcpy(bin + at + 16, mod, strlen(mod));
	memcpy(bin + at + 16 + strlen(mod), end, 16);
	uint8_t *hdr = bin + 2 * 4096; /* aligned: pointer format, 8-byte pointers */
	memcpy(hdr, "\xff Go buildinf:", 14);
	hdr[14] = 8;
	hdr[15] = 0;
	struct package_list l = {0};
	customs_error err = {0};
	struct warn_list w;
	warn_list_init(&w);
	assert_int_equal(go_binary_parse(&l, "usr/bin/old", bin, len, &w, &err), 0);
	assert_int_equal(l.n, 2);
	assert_non_null(lang_find(&l, "github.com/pkg/errors", "v0.9.1"));
	assert_non_null(lang_find(&l, "golang.org/x/text", "v0.3.6"));
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.items[0], "Go version unknown"));
	package_list_free(&l);
	/* Streamed, with chunk boundaries inside both sentinels. */
	static const size_t steps[] = {7, 13, 1005, 4096};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct file_result fr = {0};
		assert_int_equal(stream(&fr, bin, len, steps[i], &w), 0);
		assert_int_equal(fr.pkgs.n, 2);
		assert_non_null(lang_find(&fr.pkgs, "golang.org/x/text", "v0.3.6"));
		file_result_clear(&fr);
	}
	/* Without the end sentinel: no modules, the old warning. */
	memset(bin + at + 16 + strlen(mod), 0, 16);
	assert_int_equal(go_binary_parse(&l, "usr/bin/old", bin, len, &w, &err), 0);
	assert_int_equal(l.n, 0);
	warn_list_free(&w);
	free(bin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_binaries),   cmocka_unit_test(test_stream),
	    cmocka_unit_test(test_truncated),  cmocka_unit_test(test_synthetic),
	    cmocka_unit_test(test_old_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
