/* Unit tests for cargo-auditable binaries: real ELF files (this machine's
 * /bin/true) given a .dep-v0 section with objcopy, read whole and streamed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka.h needs the four headers above first. */

#include <isa-l/igzip_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../fixture.h"
#include "analyze/lang.h"
#include "util/limits.h"

static const char *json_doc =
    "{\"packages\":["
    "{\"name\":\"myapp\",\"version\":\"0.1.0\",\"source\":\"local\",\"dependencies\":[1,3]},"
    "{\"name\":\"serde\",\"version\":\"1.0.193\",\"source\":\"crates.io\"},"
    "{\"name\":\"cc\",\"version\":\"1.0.83\",\"source\":\"crates.io\",\"kind\":\"build\"},"
    "{\"name\":\"libc\",\"version\":\"0.2.150\",\"source\":\"crates.io\",\"kind\":\"runtime\"}]}";

/* zlib-compresses data as cargo-auditable does; caller frees. */
static uint8_t *zlib_compress(const void *data, size_t len, size_t *out_len)
{
	struct isal_zstream z;
	size_t cap = len + len / 2 + 1024;
	uint8_t *out = malloc(cap);
	uint8_t *lvl = malloc(ISAL_DEF_LVL1_DEFAULT);
	assert_non_null(out);
	assert_non_null(lvl);
	isal_deflate_init(&z);
	z.gzip_flag = IGZIP_ZLIB;
	z.level = 1;
	z.level_buf = lvl;
	z.level_buf_size = ISAL_DEF_LVL1_DEFAULT;
	z.end_of_stream = 1;
	z.flush = NO_FLUSH;
	z.next_in = (uint8_t *)data;
	z.avail_in = (uint32_t)len;
	z.next_out = out;
	z.avail_out = (uint32_t)cap;
	assert_int_equal(isal_deflate(&z), COMP_OK);
	assert_int_equal(z.internal_state.state, ZSTATE_END);
	*out_len = z.total_out;
	free(lvl);
	return out;
}

/* /bin/true with a section called name holding section[0..n); caller frees. */
static uint8_t *elf_with_named(const char *name, const uint8_t *section, size_t n, size_t *len)
{
	char in[] = "/tmp/customs-depv0-XXXXXX", out[] = "/tmp/customs-elf-XXXXXX";
	int fi = mkstemp(in), fo = mkstemp(out);
	assert_true(fi >= 0 && fo >= 0);
	assert_int_equal(write(fi, section, n), (ssize_t)n);
	close(fi);
	close(fo);
	char *cmd = NULL;
	assert_true(asprintf(&cmd, "objcopy --add-section %s=%s /bin/true %s 2>/dev/null", name, in,
	                     out) > 0);
	int rc = system(cmd);
	free(cmd);
	uint8_t *d = rc == 0 ? file_read(out, len) : NULL;
	unlink(in);
	unlink(out);
	if (!d)
		skip(); /* no objcopy or /bin/true here */
	return d;
}

static uint8_t *elf_with_section(const uint8_t *section, size_t n, size_t *len)
{
	return elf_with_named(".dep-v0", section, n, len);
}

static const customs_package *find(const struct package_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return &l->items[i];
	return NULL;
}

static void check_packages(const struct package_list *l)
{
	assert_int_equal(l->n, 3);
	assert_string_equal(find(l, "serde")->version, "1.0.193");
	assert_string_equal(find(l, "libc")->version, "0.2.150");
	assert_string_equal(find(l, "myapp")->type, "cargo");
	assert_string_equal(find(l, "myapp")->path, "usr/bin/app");
	assert_null(find(l, "cc")); /* a build dependency is not in the binary */
}

static void whole_binary(void **state)
{
	(void)state;
	size_t zn, len = 0;
	uint8_t *z = zlib_compress(json_doc, strlen(json_doc), &zn);
	uint8_t *elf = elf_with_section(z, zn, &len);
	struct package_list l = {0};
	customs_error err = {0};
	assert_int_equal(cargo_audit_binary_parse(&l, "usr/bin/app", elf, len, NULL, &err), 0);
	check_packages(&l);
	/* Cut inside the section headers (the end of the file): an error, no
	 * packages, no read past the end. */
	for (size_t cut = len - 1; cut > len - 200; cut -= 7) {
		struct package_list t = {0};
		int rc = cargo_audit_binary_parse(&t, "usr/bin/app", elf, cut, NULL, &err);
		assert_true(rc == CUSTOMS_EINVAL || rc == CUSTOMS_ENOTFOUND);
		assert_int_equal(t.n, 0);
	}
	package_list_free(&l);
	free(elf);
	free(z);
}

/* The analyzer as the layer reader drives it, in chunks of every awkward
 * size: the zlib stream may start at the last byte of a chunk, or have its
 * header split over several. */
static void chunk_sizes(void **state)
{
	(void)state;
	size_t zn, len = 0;
	uint8_t *z = zlib_compress(json_doc, strlen(json_doc), &zn);
	uint8_t *elf = elf_with_section(z, zn, &len);
	const struct analyzer_stream_ops *ops = analyzer_rust_audit.stream;
	assert_true(analyzer_wants(&analyzer_rust_audit, "usr/bin/app"));
	static const size_t steps[] = {1, 2, 3, 7, 64, 4095, 4096, 4097, 65536};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		void *st = NULL;
		customs_error err = {0};
		struct file_result r = {0};
		assert_int_equal(ops->open(&st, "usr/bin/app", (int64_t)len, &err), 0);
		for (size_t off = 0; off < len; off += steps[i])
			assert_int_equal(ops->chunk(st, elf + off,
			                            len - off < steps[i] ? len - off : steps[i],
			                            &err),
			                 0);
		assert_int_equal(ops->close(st, &r, NULL, &err), 0);
		check_packages(&r.pkgs);
		file_result_clear(&r);
	}
	free(elf);
	free(z);
}

/* The same bytes in a section of another name are not the crate list. */
static void other_section(void **state)
{
	(void)state;
	size_t zn, len = 0;
	uint8_t *z = zlib_compress(json_doc, strlen(json_doc), &zn);
	uint8_t *elf = elf_with_named(".rodata.x", z, zn, &len);
	struct package_list l = {0};
	customs_error err = {0};
	assert_int_equal(cargo_audit_binary_parse(&l, "usr/bin/app", elf, len, NULL, &err),
	                 CUSTOMS_ENOTFOUND);
	assert_int_equal(l.n, 0);
	free(elf);
	free(z);
}

/* An ELF file without the section, and a file that is not ELF: nothing, no
 * error (most files of an image are neither Rust nor broken). */
static void not_rust(void **state)
{
	(void)state;
	size_t len = 0;
	uint8_t *elf = file_read("/bin/true", &len);
	if (!elf)
		skip();
	struct package_list l = {0};
	customs_error err = {0};
	assert_int_equal(cargo_audit_binary_parse(&l, "bin/true", elf, len, NULL, &err),
	                 CUSTOMS_ENOTFOUND);
	const struct analyzer_stream_ops *ops = analyzer_rust_audit.stream;
	const char *paths[] = {"bin/true", "etc/motd"};
	const uint8_t *data[] = {elf, (const uint8_t *)"hello, this is not an ELF file at all..."
	                                               "................................"};
	size_t lens[] = {len, 72};
	for (size_t i = 0; i < 2; i++) {
		void *st = NULL;
		struct file_result r = {0};
		assert_int_equal(ops->open(&st, paths[i], (int64_t)lens[i], &err), 0);
		assert_int_equal(ops->chunk(st, data[i], lens[i], &err), 0);
		assert_int_equal(ops->close(st, &r, NULL, &err), 0);
		assert_int_equal(r.pkgs.n, 0);
		file_result_clear(&r);
	}
	free(elf);
}

/* A section that inflates past LIMIT_RUST_AUDIT_JSON_BYTES is cut off with
 * an error; one that inflates to exactly the limit parses. */
static void bomb(void **state)
{
	(void)state;
	size_t big = (size_t)LIMIT_RUST_AUDIT_JSON_BYTES + 1, zn, len = 0;
	char *doc = malloc(big);
	assert_non_null(doc);
	memset(doc, ' ', big);
	const char *head = "{\"packages\":[{\"name\":\"a\",\"version\":\"1\"}]}";
	memcpy(doc, head, strlen(head));
	uint8_t *z = zlib_compress(doc, big, &zn);
	assert_true(zn < big / 100);
	uint8_t *elf = elf_with_section(z, zn, &len);
	struct package_list l = {0};
	customs_error err = {0};
	assert_int_equal(cargo_audit_binary_parse(&l, "usr/bin/bomb", elf, len, NULL, &err),
	                 CUSTOMS_ETOOLARGE);
	assert_int_equal(l.n, 0);
	assert_non_null(strstr(err.message, "cut off"));
	free(elf);
	free(z);
	/* The limit itself is fine. */
	z = zlib_compress(doc, big - 1, &zn);
	elf = elf_with_section(z, zn, &len);
	assert_int_equal(cargo_audit_binary_parse(&l, "usr/bin/bomb", elf, len, NULL, &err), 0);
	assert_int_equal(l.n, 1);
	package_list_free(&l);
	free(elf);
	free(z);
	free(doc);
}

static void bad_sections(void **state)
{
	(void)state;
	static const char *const docs[] = {"not zlib at all", "", "\x78\x9c"};
	for (size_t i = 0; i < 3; i++) {
		size_t len = 0;
		uint8_t *elf = elf_with_section((const uint8_t *)docs[i], strlen(docs[i]), &len);
		struct package_list l = {0};
		customs_error err = {0};
		int rc = cargo_audit_binary_parse(&l, "usr/bin/x", elf, len, NULL, &err);
		assert_true(rc < 0);
		assert_int_equal(l.n, 0);
		free(elf);
	}
	/* Valid zlib, JSON of the wrong shape. */
	const char *j = "{\"packages\":{}}";
	size_t zn, len = 0;
	uint8_t *z = zlib_compress(j, strlen(j), &zn);
	uint8_t *elf = elf_with_section(z, zn, &len);
	struct package_list l = {0};
	customs_error err = {0};
	assert_int_equal(cargo_audit_binary_parse(&l, "usr/bin/x", elf, len, NULL, &err),
	                 CUSTOMS_EINVAL);
	free(elf);
	free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(whole_binary), cmocka_unit_test(not_rust),
	    cmocka_unit_test(bomb),         cmocka_unit_test(bad_sections),
	    cmocka_unit_test(chunk_sizes),  cmocka_unit_test(other_section),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
