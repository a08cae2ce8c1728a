/* Unit tests for src/layer: real tar layers built here with libarchive, zlib
 * and libzstd, digests checked against OpenSSL, whiteout fixtures, merging. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cmocka.h>

#include "raw_header.h"
#include "step_blob.h"

#include "layer/layer.h"
#include "layer/layer_internal.h"
#include "source/blob.h"
#include "util/limits.h"
#include "util/strutil.h"

/* ---------- byte buffers ---------- */

struct bytes {
	uint8_t *p;
	size_t n, cap;
};

static void bytes_add(struct bytes *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 1024;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void sha_hex(char out[72], const void *p, size_t n)
{
	unsigned char md[32];
	SHA256(p, n, md);
	memcpy(out, "sha256:", 7);
	hex_encode(out + 7, md, 32);
}

/* ---------- building tars with libarchive's writer ---------- */

static la_ssize_t w_write(struct archive *a, void *ctx, const void *p, size_t n)
{
	bytes_add(ctx, p, n);
	return (la_ssize_t)n;
}

static struct archive *tar_begin(struct bytes *out, int format)
{
	struct archive *a = archive_write_new();
	assert_non_null(a);
	assert_int_equal(archive_write_set_format(a, format), ARCHIVE_OK);
	assert_int_equal(archive_write_open(a, out, NULL, w_write, NULL), ARCHIVE_OK);
	return a;
}

static void tar_add(struct archive *a, const char *name, mode_t type, const void *data, size_t n,
                    const char *link)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_copy_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, type == AE_IFREG && !link ? (la_int64_t)n : 0);
	if (link && type == AE_IFLNK)
		archive_entry_copy_symlink(e, link);
	else if (link)
		archive_entry_copy_hardlink(e, link);
	assert_true(archive_write_header(a, e) >= ARCHIVE_WARN);
	if (type == AE_IFREG && !link && n)
		assert_int_equal(archive_write_data(a, data, n), (la_ssize_t)n);
	archive_entry_free(e);
}

static void tar_file(struct archive *a, const char *name, const char *text)
{
	tar_add(a, name, AE_IFREG, text, strlen(text), NULL);
}

static void tar_end(struct archive *a)
{
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/* ---------- compressors ---------- */

static void gzip_append(struct bytes *out, const void *p, size_t n)
{
	z_stream z = {0};
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	uint8_t buf[65536];
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	int r;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		r = deflate(&z, Z_FINISH);
		bytes_add(out, buf, sizeof(buf) - z.avail_out);
	} while (r == Z_OK);
	assert_int_equal(r, Z_STREAM_END);
	deflateEnd(&z);
}

static void zstd_append(struct bytes *out, const void *p, size_t n)
{
	size_t cap = ZSTD_compressBound(n);
	uint8_t *buf = malloc(cap);
	/* With the frame checksum, as the zstd command writes by default. */
	ZSTD_CCtx *c = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
	size_t r = ZSTD_compress2(c, buf, cap, p, n);
	ZSTD_freeCCtx(c);
	assert_false(ZSTD_isError(r));
	bytes_add(out, buf, r);
	free(buf);
}

/* ---------- test analyzers ---------- */

/* Whole-file: one package per line, "name version [arch]". */
static int lines_analyze(struct file_result *out, const char *path, const uint8_t *data, size_t len,
                         struct warn_list *w, customs_error *err)
{
	const char *s = (const char *)data, *end = s + len;
	if (strstr(path, "bad")) {
		snprintf(err->message, sizeof(err->message), "refusing %s", "bad file");
		err->code = CUSTOMS_EINVAL;
		return CUSTOMS_EINVAL;
	}
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t l = nl ? (size_t)(nl - s) : (size_t)(end - s);
		/* Up to three space-separated fields; no strtok (banned). */
		char *line = xstrndup(s, l), *f[3] = {0};
		int k = 0;
		for (char *t = line; *t && k < 3;) {
			while (*t == ' ')
				*t++ = '\0';
			if (!*t)
				break;
			f[k++] = t;
			while (*t && *t != ' ')
				t++;
		}
		if (k >= 2) {
			customs_package *p = package_list_add(&out->pkgs);
			p->name = strdup(f[0]);
			p->version = strdup(f[1]);
			p->arch = f[2] ? strdup(f[2]) : NULL;
		}
		free(line);
		s += l + 1;
	}
	return 0;
}

static const struct path_rule lines_rules[] = {
    {PATH_SUFFIX, ".txt"}, {PATH_EXACT, "var/lib/dpkg/status"}, {PATH_GLOB, "etc/*.conf"}};
static const struct analyzer lines_analyzer = {.name = "lines",
                                               .rules = lines_rules,
                                               .n_rules = 3,
                                               .max_file_size = 1 << 20,
                                               .analyze_file = lines_analyze};

/* Whole-file with a tiny cap. */
static const struct path_rule small_rules[] = {{PATH_SUFFIX, ".small"}};
static const struct analyzer small_analyzer = {.name = "small",
                                               .rules = small_rules,
                                               .n_rules = 1,
                                               .max_file_size = 10,
                                               .analyze_file = lines_analyze};

/* Streaming over every file: package name = sha256 of the bytes, version =
 * byte count, arch = declared size. */
struct sum_state {
	EVP_MD_CTX *ctx;
	uint64_t n;
	int64_t size;
};

static int sum_open(void **state, const char *path, int64_t size, customs_error *err)
{
	struct sum_state *s = calloc(1, sizeof(*s));
	s->ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL);
	s->size = size;
	*state = s;
	return 0;
}

static int sum_chunk(void *state, const uint8_t *data, size_t len, customs_error *err)
{
	struct sum_state *s = state;
	EVP_DigestUpdate(s->ctx, data, len);
	s->n += len;
	return 0;
}

static int sum_close(void *state, struct file_result *out, struct warn_list *w, customs_error *err)
{
	struct sum_state *s = state;
	unsigned char md[32];
	char hex[65], num[32];
	EVP_DigestFinal_ex(s->ctx, md, NULL);
	EVP_MD_CTX_free(s->ctx);
	hex_encode(hex, md, 32);
	customs_package *p = package_list_add(&out->pkgs);
	p->name = strdup(hex);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)s->n);
	p->version = strdup(num);
	snprintf(num, sizeof(num), "%lld", (long long)s->size);
	p->arch = strdup(num);
	free(s);
	return 0;
}

static void sum_abort(void *state)
{
	EVP_MD_CTX_free(((struct sum_state *)state)->ctx);
	free(state);
}

static const struct analyzer_stream_ops sum_ops = {sum_open, sum_chunk, sum_close, sum_abort, NULL};
static const struct path_rule all_rules[] = {{PATH_ALL_FILES, NULL}};
static const struct analyzer sum_analyzer = {
    .name = "sum", .rules = all_rules, .n_rules = 1, .stream = &sum_ops};

static const struct analyzer *const all_analyzers[] = {&lines_analyzer, &small_analyzer,
                                                       &sum_analyzer, NULL};
static const struct analyzer *const lines_only[] = {&lines_analyzer, NULL};

/* ---------- running the reader ---------- */

static int read_layer_ex(struct layer_result **out, const struct bytes *blob, size_t step,
                         const struct layer_ref *expect, const struct analyzer *const *an,
                         struct warn_list *w, customs_error *err)
{
	if (step) {
		struct step_blob s = step_blob_make(blob->p, blob->n, step, (int64_t)blob->n);
		return layer_read(out, &s.b, expect, an, w, err);
	}
	struct blob *b = NULL;
	assert_int_equal(
	    blob_from_memory(&b, blob->p ? blob->p : (const uint8_t *)"", blob->n, err), 0);
	int rc = layer_read(out, b, expect, an, w, err);
	blob_close(b);
	return rc;
}

static struct layer_result *read_ok(const struct bytes *blob, const struct analyzer *const *an,
                                    struct warn_list *w)
{
	struct layer_result *r = NULL;
	customs_error err = {0};
	int rc = read_layer_ex(&r, blob, 0, NULL, an, w, &err);
	if (rc != 0)
		fail_msg("layer_read failed: %d %s", rc, err.message);
	return r;
}

static const struct file_result *find(const struct layer_result *r, const char *path,
                                      const char *analyzer)
{
	for (size_t i = 0; i < r->n_files; i++)
		if (strcmp(r->files[i].path, path) == 0 &&
		    strcmp(r->files[i].analyzer, analyzer) == 0)
			return &r->files[i];
	return NULL;
}

static int has_warning(struct warn_list *w, const char *needle)
{
	for (size_t i = 0; i < w->n; i++)
		if (strstr(w->items[i], needle))
			return 1;
	return 0;
}

/* The sample layer most tests use: text files, a big random file, a dir. */
static void sample_tar(struct bytes *tar, size_t big)
{
	struct archive *a = tar_begin(tar, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	tar_add(a, "./", AE_IFDIR, NULL, 0, NULL);
	tar_add(a, "./var/lib/dpkg", AE_IFDIR, NULL, 0, NULL);
	tar_file(a, "./var/lib/dpkg/status", "libc6 2.36-9 amd64\nbash 5.2-2 amd64\n");
	tar_file(a, "etc/app.conf", "conf 1\n");
	uint8_t *rnd = malloc(big);
	uint32_t x = 12345;
	for (size_t i = 0; i < big; i++) {
		x = x * 1103515245u + 12345u;
		rnd[i] = (uint8_t)(x >> 16);
	}
	tar_add(a, "usr/share/big.bin", AE_IFREG, rnd, big, NULL);
	free(rnd);
	tar_end(a);
}

/* ---------- tests: formats and digests ---------- */

static void check_sample(const struct layer_result *r, const struct bytes *blob,
                         const struct bytes *tar)
{
	char want[72];
	sha_hex(want, blob->p, blob->n);
	assert_string_equal(r->blob_digest, want);
	sha_hex(want, tar->p, tar->n);
	assert_string_equal(r->diff_id, want);
	assert_int_equal(r->compressed_bytes, blob->n);
	assert_int_equal(r->uncompressed_bytes, tar->n);
	assert_int_equal(r->n_entries, 5);
	const struct file_result *f = find(r, "var/lib/dpkg/status", "lines");
	assert_non_null(f);
	assert_int_equal(f->pkgs.n, 2);
	assert_string_equal(f->pkgs.items[1].name, "bash");
	assert_string_equal(f->pkgs.items[1].version, "5.2-2");
	assert_non_null(find(r, "etc/app.conf", "lines"));
	assert_null(find(r, "usr/share/big.bin", "lines"));
	assert_non_null(find(r, "usr/share/big.bin", "sum"));
}

static void test_codecs(void **state)
{
	struct bytes tar = {0};
	sample_tar(&tar, 3 << 20);
	struct bytes gz = {0}, zs = {0}, multi = {0}, zmulti = {0};
	gzip_append(&gz, tar.p, tar.n);
	zstd_append(&zs, tar.p, tar.n);
	/* Multi-member gzip and multi-frame zstd, split at odd offsets. */
	size_t cut[] = {0, 777, 1 << 20, tar.n};
	for (int i = 0; i < 3; i++) {
		gzip_append(&multi, tar.p + cut[i], cut[i + 1] - cut[i]);
		zstd_append(&zmulti, tar.p + cut[i], cut[i + 1] - cut[i]);
	}
	const struct bytes *blobs[] = {&tar, &gz, &zs, &multi, &zmulti};
	for (size_t i = 0; i < 5; i++) {
		struct warn_list w;
		warn_list_init(&w);
		struct layer_result *r = read_ok(blobs[i], all_analyzers, &w);
		check_sample(r, blobs[i], &tar);
		assert_int_equal(w.n, 0);
		layer_result_free(r);
		/* Tiny reads must not fool the format sniffing. */
		customs_error err = {0};
		assert_int_equal(read_layer_ex(&r, blobs[i], 3, NULL, all_analyzers, &w, &err), 0);
		check_sample(r, blobs[i], &tar);
		layer_result_free(r);
		warn_list_free(&w);
	}
	free(tar.p);
	free(gz.p);
	free(zs.p);
	free(multi.p);
	free(zmulti.p);
}

static void test_trailing_padding(void **state)
{
	struct bytes tar = {0}, gz = {0};
	sample_tar(&tar, 1000);
	/* Bytes after the end-of-archive marker, as some writers leave them. */
	uint8_t pad[7000];
	memset(pad, 0, sizeof(pad));
	pad[5000] = 'x';
	bytes_add(&tar, pad, sizeof(pad));
	gzip_append(&gz, tar.p, tar.n);
	/* gzip(1) accepts zero padding after the last member. */
	bytes_add(&gz, pad, 100);
	struct layer_result *r = read_ok(&gz, all_analyzers, NULL);
	check_sample(r, &gz, &tar);
	layer_result_free(r);
	/* Non-zero garbage after the last member is refused. */
	bytes_add(&gz, "junk", 4);
	customs_error err = {0};
	assert_int_equal(read_layer_ex(&r, &gz, 0, NULL, lines_only, NULL, &err), CUSTOMS_EINVAL);
	assert_non_null(strstr(err.message, "trailing garbage"));
	free(tar.p);
	free(gz.p);
}

static void test_digest_mismatch(void **state)
{
	struct bytes tar = {0}, gz = {0};
	sample_tar(&tar, 100);
	gzip_append(&gz, tar.p, tar.n);
	char blob_d[72], diff[72];
	sha_hex(blob_d, gz.p, gz.n);
	sha_hex(diff, tar.p, tar.n);
	const char *wrong =
	    "sha256:0000000000000000000000000000000000000000000000000000000000000000";
	struct layer_ref ok = {.digest = blob_d, .diff_id = diff};
	struct layer_ref bad_blob = {.digest = (char *)wrong, .diff_id = diff};
	struct layer_ref bad_diff = {.digest = blob_d, .diff_id = (char *)wrong};
	struct layer_result *r = NULL;
	customs_error err = {0};
	assert_int_equal(read_layer_ex(&r, &gz, 0, &ok, lines_only, NULL, &err), 0);
	layer_result_free(r);
	r = NULL;
	assert_int_equal(read_layer_ex(&r, &gz, 0, &bad_blob, lines_only, NULL, &err),
	                 CUSTOMS_EINTEGRITY);
	assert_null(r);
	assert_non_null(strstr(err.message, "blob digest mismatch"));
	assert_non_null(strstr(err.message, wrong));
	assert_non_null(strstr(err.message, blob_d));
	assert_int_equal(read_layer_ex(&r, &gz, 0, &bad_diff, lines_only, NULL, &err),
	                 CUSTOMS_EINTEGRITY);
	assert_non_null(strstr(err.message, "diff_id mismatch"));
	assert_non_null(strstr(err.message, wrong));
	assert_non_null(strstr(err.message, diff));
	free(tar.p);
	free(gz.p);
}

static void expect_fail(const struct bytes *b, int code, const char *needle)
{
	struct layer_result *r = NULL;
	customs_error err = {0};
	int rc = read_layer_ex(&r, b, 0, NULL, all_analyzers, NULL, &err);
	if (rc != code || !strstr(err.message, needle))
		fail_msg("expected %d \"%s\", got %d \"%s\"", code, needle, rc, err.message);
	assert_null(r);
}

static void test_truncated_and_corrupt(void **state)
{
	struct bytes tar = {0}, gz = {0}, zs = {0};
	sample_tar(&tar, 200000);
	gzip_append(&gz, tar.p, tar.n);
	zstd_append(&zs, tar.p, tar.n);
	struct bytes cut = {gz.p, gz.n / 2, 0};
	expect_fail(&cut, CUSTOMS_EINVAL, "gzip stream truncated after");
	cut = (struct bytes){gz.p, gz.n - 4, 0}; /* only the length trailer missing */
	expect_fail(&cut, CUSTOMS_EINVAL, "gzip stream truncated");
	cut = (struct bytes){zs.p, zs.n / 2, 0};
	expect_fail(&cut, CUSTOMS_EINVAL, "zstd stream truncated after");
	cut = (struct bytes){zs.p, 4, 0};
	expect_fail(&cut, CUSTOMS_EINVAL, "zstd stream truncated");
	cut = (struct bytes){tar.p, tar.n / 2, 0};
	expect_fail(&cut, CUSTOMS_EINVAL, "tar");
	/* Flipped bytes: the CRC catches what inflate does not. */
	for (size_t at = gz.n / 3; at < gz.n; at += gz.n / 3) {
		gz.p[at] ^= 0x55;
		expect_fail(&gz, CUSTOMS_EINVAL, "gzip stream corrupt");
		gz.p[at] ^= 0x55;
	}
	zs.p[zs.n / 2] ^= 0x55;
	expect_fail(&zs, CUSTOMS_EINVAL, "zstd stream corrupt");
	/* Not a tar at all. */
	struct bytes junk = {(uint8_t *)"this is not a tar archive, just text. ", 38, 0};
	expect_fail(&junk, CUSTOMS_EINVAL, "tar");
	free(tar.p);
	free(gz.p);
	free(zs.p);
}

static void test_empty_layers(void **state)
{
	/* Docker's empty layer: 1024 zero bytes, plain or gzipped. */
	uint8_t zeros[1024] = {0};
	struct bytes tar = {zeros, sizeof(zeros), 0}, gz = {0};
	gzip_append(&gz, zeros, sizeof(zeros));
	const struct bytes *blobs[] = {&tar, &gz};
	for (int i = 0; i < 2; i++) {
		struct layer_result *r = read_ok(blobs[i], all_analyzers, NULL);
		assert_int_equal(r->n_entries, 0);
		assert_int_equal(r->n_files, 0);
		assert_int_equal(r->uncompressed_bytes, 1024);
		char want[72];
		sha_hex(want, zeros, sizeof(zeros));
		assert_string_equal(r->diff_id, want);
		layer_result_free(r);
	}
	free(gz.p);
}

/* ---------- a bomb made on the fly ---------- */

struct bomb_blob {
	struct blob b;
	z_stream z;
	uint8_t header[512];
	uint64_t fed, total; /* uncompressed bytes handed to deflate */
	int finished;
};

static ssize_t bomb_read(struct blob *b, void *buf, size_t len, customs_error *err)
{
	struct bomb_blob *s = (struct bomb_blob *)b;
	static const uint8_t zero[1 << 16];
	s->z.next_out = buf;
	s->z.avail_out = (uInt)(len > (1u << 30) ? (1u << 30) : len);
	while (s->z.avail_out == (uInt)len && !s->finished) {
		const uint8_t *in = s->fed == 0 ? s->header : zero;
		size_t n = s->fed == 0 ? sizeof(s->header) : sizeof(zero);
		if (s->fed + n > s->total)
			n = (size_t)(s->total - s->fed);
		s->z.next_in = (Bytef *)in;
		s->z.avail_in = (uInt)n;
		int last = s->fed + n >= s->total;
		int r = deflate(&s->z, last ? Z_FINISH : Z_NO_FLUSH);
		s->fed += n - s->z.avail_in;
		if (r == Z_STREAM_END)
			s->finished = 1;
	}
	return (ssize_t)(len - s->z.avail_out);
}

static void bomb_close(struct blob *b)
{
	struct bomb_blob *s = (struct bomb_blob *)b;
	deflateEnd(&s->z);
	free(s);
}

static void test_gzip_bomb(void **state)
{
	struct bomb_blob *s = calloc(1, sizeof(*s));
	assert_int_equal(deflateInit2(&s->z, 9, Z_DEFLATED, 16 + 15, 9, Z_DEFAULT_STRATEGY), Z_OK);
	s->b.read = bomb_read;
	s->b.close = bomb_close;
	s->b.size = -1;
	s->total = 10ull << 30; /* 10 GiB: a header declaring one huge file, then zeros */
	raw_header(s->header, "zeros.txt", "77777777777", '0');
	struct layer_result *r = NULL;
	customs_error err = {0};
	time_t t0 = time(NULL);
	int rc = layer_read(&r, &s->b, NULL, all_analyzers, NULL, &err);
	assert_int_equal(rc, CUSTOMS_ETOOLARGE);
	assert_non_null(strstr(err.message, "bomb"));
	/* Stopped soon after LIMIT_BOMB_MIN_BYTES, not after 10 GiB. */
	assert_true(s->fed < LIMIT_BOMB_MIN_BYTES + (64u << 20));
	assert_true(time(NULL) - t0 < 60);
	blob_close(&s->b);
}

/* ---------- tests: entry names and types ---------- */

static void test_names(void **state)
{
	struct bytes tar = {0};
	struct archive *a = tar_begin(&tar, ARCHIVE_FORMAT_TAR_GNUTAR);
	tar_file(a, "../escape.txt", "evil 1\n");
	tar_file(a, "a/../../escape2.txt", "evil 1\n");
	tar_file(a, "/abs/file.txt", "abs 1\n");
	tar_file(a, "./dot/./x.txt", "dot 1\n");
	tar_file(a, "a//b///c.txt", "slashes 1\n");
	char longname[5000];
	memset(longname, 'n', sizeof(longname));
	memcpy(longname + sizeof(longname) - 5, ".txt", 5);
	tar_file(a, longname, "long 1\n");
	char exact[LIMIT_PATH_BYTES + 1];
	memset(exact, 'm', LIMIT_PATH_BYTES);
	for (size_t i = 100; i < LIMIT_PATH_BYTES; i += 200)
		exact[i] = '/';
	memcpy(exact + LIMIT_PATH_BYTES - 4, ".txt", 5);
	tar_file(a, exact, "limit 1\n");
	tar_file(a, "caf\xe9/\xff.txt", "latin1 1\n");
	tar_add(a, "l1.txt", AE_IFLNK, NULL, 0, "l2.txt");
	tar_add(a, "l2.txt", AE_IFLNK, NULL, 0, "/etc/passwd");
	tar_add(a, "hard.txt", AE_IFREG, NULL, 0, "missing.txt");
	tar_file(a, "bad.txt", "x 1\n");
	tar_file(a, "too.small", "this is more than ten bytes\n");
	tar_file(a, "ok.small", "s 1\n");
	tar_end(a);

	struct warn_list w;
	warn_list_init(&w);
	struct layer_result *r = read_ok(&tar, all_analyzers, &w);
	assert_int_equal(r->n_entries, 14);
	assert_null(find(r, "escape.txt", "lines"));
	assert_null(find(r, "escape2.txt", "lines"));
	assert_true(has_warning(&w, "\"../escape.txt\" skipped: \"..\" component"));
	assert_non_null(find(r, "abs/file.txt", "lines"));
	assert_non_null(find(r, "dot/x.txt", "lines"));
	assert_non_null(find(r, "a/b/c.txt", "lines"));
	assert_true(has_warning(&w, "path too long"));
	const struct file_result *f = find(r, exact, "lines");
	assert_non_null(f);
	assert_string_equal(f->pkgs.items[0].name, "limit");
	/* Raw bytes reach the analyzers. */
	f = find(r, "caf\xe9/\xff.txt", "lines");
	assert_non_null(f);
	assert_string_equal(f->pkgs.items[0].name, "latin1");
	/* Symlinks and hard links are not followed: empty results only shadow. */
	f = find(r, "l1.txt", "lines");
	assert_non_null(f);
	assert_int_equal(f->pkgs.n, 0);
	assert_null(find(r, "l1.txt", "sum"));
	f = find(r, "hard.txt", "lines");
	assert_non_null(f);
	assert_int_equal(f->pkgs.n, 0);
	/* A failing analyzer gives a warning; the other analyzers still ran. */
	assert_true(has_warning(&w, "bad.txt: lines: refusing bad file"));
	assert_non_null(find(r, "bad.txt", "sum"));
	assert_true(has_warning(
	    &w, "file too.small (28 bytes) is larger than the small analyzer's limit 10, skipped"));
	f = find(r, "ok.small", "small");
	assert_non_null(f);
	assert_int_equal(f->pkgs.n, 1);
	/* The streaming analyzer saw every byte of every regular file. */
	f = find(r, "too.small", "sum");
	assert_non_null(f);
	char want[72];
	sha_hex(want, "this is more than ten bytes\n", 28);
	assert_string_equal(f->pkgs.items[0].name, want + 7);
	assert_string_equal(f->pkgs.items[0].version, "28");
	for (size_t i = 0; i < w.n; i++)
		for (const char *p = w.items[i]; *p; p++)
			assert_true((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
	layer_result_free(r);
	warn_list_free(&w);
	free(tar.p);
}

/* pax headers carry names as UTF-8 or, for other bytes, hdrcharset=BINARY:
 * both must reach the analyzers as the original bytes. */
static void test_pax_names(void **state)
{
	struct bytes tar = {0};
	struct archive *a = tar_begin(&tar, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	tar_file(a, "caf\xe9/\xff.txt", "latin1 1\n");
	tar_file(a, "caf\xc3\xa9.txt", "utf8 1\n");
	tar_end(a);
	struct warn_list w;
	warn_list_init(&w);
	struct layer_result *r = read_ok(&tar, lines_only, &w);
	const struct file_result *f = find(r, "caf\xe9/\xff.txt", "lines");
	assert_non_null(f);
	assert_string_equal(f->pkgs.items[0].name, "latin1");
	f = find(r, "caf\xc3\xa9.txt", "lines");
	assert_non_null(f);
	assert_string_equal(f->pkgs.items[0].name, "utf8");
	layer_result_free(r);
	warn_list_free(&w);
	free(tar.p);
}

static void test_streaming_sees_all_bytes(void **state)
{
	struct bytes tar = {0}, gz = {0};
	sample_tar(&tar, 5 << 20);
	gzip_append(&gz, tar.p, tar.n);
	struct layer_result *r = read_ok(&gz, all_analyzers, NULL);
	const struct file_result *f = find(r, "usr/share/big.bin", "sum");
	assert_non_null(f);
	/* Recompute the file's bytes from the same generator. */
	uint8_t *rnd = malloc(5 << 20);
	uint32_t x = 12345;
	for (size_t i = 0; i < (5u << 20); i++) {
		x = x * 1103515245u + 12345u;
		rnd[i] = (uint8_t)(x >> 16);
	}
	char want[72];
	sha_hex(want, rnd, 5 << 20);
	assert_string_equal(f->pkgs.items[0].name, want + 7);
	assert_string_equal(f->pkgs.items[0].version, "5242880");
	free(rnd);
	layer_result_free(r);
	free(tar.p);
	free(gz.p);
}

static void test_huge_declared_size(void **state)
{
	uint8_t h[512], data[300] = {'x'};
	struct bytes tar = {0}, gz = {0};
	raw_header(h, "huge.txt", "77777777777", '0');
	bytes_add(&tar, h, 512);
	bytes_add(&tar, data, sizeof(data));
	expect_fail(&tar, CUSTOMS_EINVAL, "tar");
	gzip_append(&gz, tar.p, tar.n);
	expect_fail(&gz, CUSTOMS_EINVAL, "tar");
	/* Not wanted by anyone: the skip hits the truncation just the same. */
	struct layer_result *r = NULL;
	customs_error err = {0};
	static const struct analyzer *const none[] = {NULL};
	assert_int_equal(read_layer_ex(&r, &gz, 0, NULL, none, NULL, &err), CUSTOMS_EINVAL);
	free(tar.p);
	free(gz.p);
}

static void test_whiteouts(void **state)
{
	struct bytes tar = {0};
	struct archive *a = tar_begin(&tar, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	tar_file(a, "etc/.wh.old.conf", "");
	tar_file(a, ".wh.top", "");
	tar_file(a, "var/cache/.wh..wh..opq", "");
	tar_file(a, ".wh..wh..opq", "");
	tar_file(a, "x/.wh..wh.plnk", ""); /* aufs metadata: neither */
	tar_file(a, "etc/.wh.new.txt", "x 1\n");
	tar_end(a);
	struct layer_result *r = read_ok(&tar, all_analyzers, NULL);
	assert_int_equal(r->n_whiteouts, 3);
	assert_string_equal(r->whiteouts[0], "etc/old.conf");
	assert_string_equal(r->whiteouts[1], "top");
	assert_string_equal(r->whiteouts[2], "etc/new.txt");
	assert_int_equal(r->n_opaque, 2);
	assert_string_equal(r->opaque_dirs[0], "var/cache");
	assert_string_equal(r->opaque_dirs[1], "");
	/* Whiteout markers never reach analyzers. */
	assert_int_equal(r->n_files, 0);
	layer_result_free(r);
	free(tar.p);
}

static void test_path_normalise(void **state)
{
	char out[LIMIT_PATH_BYTES + 1];
	size_t n;
	static const struct {
		const char *in, *out;
		enum path_verdict v;
	} cases[] = {
	    {"", "", PATH_EMPTY},
	    {"/", "", PATH_EMPTY},
	    {"./", "", PATH_EMPTY},
	    {".", "", PATH_EMPTY},
	    {"a", "a", PATH_OK},
	    {"/a/", "a", PATH_OK},
	    {"./a/./b/", "a/b", PATH_OK},
	    {"a//b", "a/b", PATH_OK},
	    {"..", "", PATH_DOTDOT},
	    {"a/..", "", PATH_DOTDOT},
	    {"a/../b", "", PATH_DOTDOT},
	    {"...", "...", PATH_OK},
	    {"..a/b..", "..a/b..", PATH_OK},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum path_verdict v =
		    layer_path_normalise(out, &n, cases[i].in, strlen(cases[i].in));
		assert_int_equal(v, cases[i].v);
		if (v == PATH_OK || v == PATH_EMPTY) {
			assert_string_equal(out, cases[i].out);
			assert_int_equal(n, strlen(cases[i].out));
		}
	}
	/* Length boundary: limit-1, limit, limit+1 (with a leading "./" that
	 * does not count). */
	char in[LIMIT_PATH_BYTES + 8];
	for (size_t len = LIMIT_PATH_BYTES - 1; len <= LIMIT_PATH_BYTES + 1; len++) {
		memcpy(in, "./", 2);
		memset(in + 2, 'z', len);
		enum path_verdict v = layer_path_normalise(out, &n, in, len + 2);
		assert_int_equal(v, len <= LIMIT_PATH_BYTES ? PATH_OK : PATH_TOO_LONG);
		if (v == PATH_OK)
			assert_int_equal(n, len);
	}
	/* No NUL terminator is needed. */
	assert_int_equal(layer_path_normalise(out, &n, "abc/def", 3), PATH_OK);
	assert_string_equal(out, "abc");
}

/* ---------- layer_read_dir ---------- */

static void write_file(int dfd, const char *name, const char *text)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_read_dir(void **state)
{
	char tmpl[] = "/tmp/customs-layer-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	int d = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(d >= 0);
	assert_int_equal(mkdirat(d, "etc", 0755), 0);
	assert_int_equal(mkdirat(d, "var", 0755), 0);
	assert_int_equal(mkdirat(d, "var/lib", 0755), 0);
	assert_int_equal(mkdirat(d, "var/lib/dpkg", 0755), 0);
	write_file(d, "var/lib/dpkg/status", "zlib 1.2 amd64\n");
	write_file(d, "etc/app.conf", "app 2\n");
	write_file(d, "etc/secret.txt", "secret 3\n");
	/* Outside the root: links to it must not be followed. */
	char outside[] = "/tmp/customs-outside-XXXXXX";
	assert_non_null(mkdtemp(outside));
	int od = open(outside, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	write_file(od, "leak.txt", "leak 9\n");
	char target[256];
	snprintf(target, sizeof(target), "%s/leak.txt", outside);
	assert_int_equal(symlinkat(target, d, "link.txt"), 0);
	assert_int_equal(symlinkat(outside, d, "linkdir"), 0);
	assert_int_equal(mkdirat(d, "deep", 0755), 0);
	write_file(d, "deep/x.txt", "x 1\n");

	struct warn_list w;
	warn_list_init(&w);
	struct layer_result *r = NULL;
	customs_error err = {0};
	assert_int_equal(layer_read_dir(&r, tmpl, all_analyzers, &w, &err), 0);
	assert_null(r->blob_digest);
	assert_null(r->diff_id);
	const struct file_result *f = find(r, "var/lib/dpkg/status", "lines");
	assert_non_null(f);
	assert_string_equal(f->pkgs.items[0].name, "zlib");
	assert_non_null(find(r, "etc/app.conf", "lines"));
	f = find(r, "etc/secret.txt", "sum");
	assert_non_null(f);
	assert_string_equal(f->pkgs.items[0].version, "9");
	assert_non_null(find(r, "deep/x.txt", "lines"));
	/* The symlinks: an empty shadow result for the named path, nothing read. */
	f = find(r, "link.txt", "lines");
	assert_non_null(f);
	assert_int_equal(f->pkgs.n, 0);
	assert_null(find(r, "link.txt", "sum"));
	assert_null(find(r, "linkdir/leak.txt", "lines"));
	for (size_t i = 0; i < r->n_files; i++)
		assert_null(strstr(r->files[i].path, "leak"));
	layer_result_free(r);
	warn_list_free(&w);

	assert_int_equal(layer_read_dir(&r, "/nonexistent/customs", all_analyzers, NULL, &err),
	                 CUSTOMS_ENOTFOUND);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", tmpl, outside);
	assert_int_equal(system(cmd), 0);
	close(d);
	close(od);
}

/* ---------- layer_merge ---------- */

static int read_archive_member(struct bytes *out, const char *archive_path, const char *member)
{
	struct archive *a = archive_read_new();
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_filename(a, archive_path, 65536), ARCHIVE_OK);
	struct archive_entry *e;
	int found = 0;
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		if (strcmp(archive_entry_pathname(e), member) != 0)
			continue;
		uint8_t buf[65536];
		la_ssize_t n;
		while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
			bytes_add(out, buf, (size_t)n);
		found = 1;
		break;
	}
	archive_read_free(a);
	return found;
}

/* Reads every layer of a docker-save tarball in manifest order and checks
 * each diff_id against the image config's rootfs.diff_ids. */
static size_t load_docker_save(struct layer_result **layers, size_t max, const char *name)
{
	char path[1024];
	const char *root = getenv("CUSTOMS_SOURCE_ROOT");
	snprintf(path, sizeof(path), "%s/tests/data/go-containerregistry/v1/mutate/testdata/%s",
	         root ? root : ".", name);
	struct bytes mf = {0}, cfg = {0};
	assert_true(read_archive_member(&mf, path, "manifest.json"));
	json_t *m = json_loadb((const char *)mf.p, mf.n, 0, NULL);
	assert_non_null(m);
	json_t *img = json_array_get(m, 0);
	assert_true(
	    read_archive_member(&cfg, path, json_string_value(json_object_get(img, "Config"))));
	json_t *c = json_loadb((const char *)cfg.p, cfg.n, 0, NULL);
	assert_non_null(c);
	json_t *diff_ids = json_object_get(json_object_get(c, "rootfs"), "diff_ids");
	json_t *ls = json_object_get(img, "Layers");
	size_t n = json_array_size(ls);
	assert_true(n <= max);
	assert_int_equal(json_array_size(diff_ids), n);
	for (size_t i = 0; i < n; i++) {
		struct bytes blob = {0};
		assert_true(
		    read_archive_member(&blob, path, json_string_value(json_array_get(ls, i))));
		struct layer_ref ref = {.diff_id =
		                            (char *)json_string_value(json_array_get(diff_ids, i))};
		customs_error err = {0};
		layers[i] = NULL;
		int rc = read_layer_ex(&layers[i], &blob, 0, &ref, all_analyzers, NULL, &err);
		if (rc)
			fail_msg("%s layer %zu: %s", name, i, err.message);
		free(blob.p);
	}
	json_decref(m);
	json_decref(c);
	free(mf.p);
	free(cfg.p);
	return n;
}

static void free_layers(struct layer_result **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		layer_result_free(l[i]);
}

static void test_merge_whiteout_image(void **state)
{
	struct layer_result *l[8];
	size_t n = load_docker_save(l, 8, "whiteout_image.tar");
	assert_int_equal(n, 3);
	assert_int_equal(l[1]->n_whiteouts, 1);
	assert_string_equal(l[1]->whiteouts[0], "foo.txt");
	assert_non_null(find(l[0], "foo.txt", "sum"));
	struct merged_fs fs = {0};
	customs_error err = {0};
	assert_int_equal(layer_merge(&fs, l, n, &err), 0);
	int bar = 0;
	for (size_t i = 0; i < fs.n_files; i++) {
		assert_string_not_equal(fs.files[i].result->path, "foo.txt");
		if (strcmp(fs.files[i].result->path, "bar.txt") == 0)
			bar++;
	}
	assert_int_equal(bar, 2); /* "lines" and "sum" */
	merged_fs_clear(&fs);
	/* The same layers without the whiteout layer keep foo.txt. */
	struct layer_result *two[] = {l[0], l[2]};
	assert_int_equal(layer_merge(&fs, two, 2, &err), 0);
	int foo = 0;
	for (size_t i = 0; i < fs.n_files; i++)
		foo += strcmp(fs.files[i].result->path, "foo.txt") == 0;
	assert_int_equal(foo, 2);
	merged_fs_clear(&fs);
	free_layers(l, n);
}

static void test_merge_whiteout_dir(void **state)
{
	struct layer_result *l[8];
	size_t n = load_docker_save(l, 8, "whiteout_dir.tar");
	assert_int_equal(n, 4);
	assert_int_equal(l[2]->n_whiteouts, 1);
	assert_string_equal(l[2]->whiteouts[0], "a");
	struct merged_fs fs = {0};
	customs_error err = {0};
	assert_int_equal(layer_merge(&fs, l, n, &err), 0);
	/* Final filesystem: b/bar and a/baz, in path order, foo gone. */
	assert_int_equal(fs.n_files, 2);
	assert_string_equal(fs.files[0].result->path, "a/baz");
	assert_int_equal(fs.files[0].layer, 3);
	assert_string_equal(fs.files[1].result->path, "b/bar");
	assert_int_equal(fs.files[1].layer, 1);
	merged_fs_clear(&fs);
	free_layers(l, n);
}

static struct layer_result *layer_of(const char *const *entries)
{
	struct bytes tar = {0};
	struct archive *a = tar_begin(&tar, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	for (; *entries; entries += 2)
		tar_file(a, entries[0], entries[1]);
	tar_end(a);
	struct layer_result *r = read_ok(&tar, lines_only, NULL);
	free(tar.p);
	return r;
}

static size_t pkg_layer_of(const struct merged_fs *fs, const char *path, const char *name)
{
	for (size_t i = 0; i < fs->n_files; i++) {
		const struct file_result *r = fs->files[i].result;
		if (strcmp(r->path, path) != 0)
			continue;
		for (size_t j = 0; j < r->pkgs.n; j++)
			if (strcmp(r->pkgs.items[j].name, name) == 0)
				return fs->files[i].pkg_layer[j];
	}
	fail_msg("%s %s not in the merged fs", path, name);
	return (size_t)-1;
}

static void test_merge_pkg_layer(void **state)
{
	const char *const l0[] = {"var/lib/dpkg/status",
	                          "a 1 amd64\nb 1 amd64\ne 1 amd64\n",
	                          "x/status.txt",
	                          "p 1\n",
	                          "y/status.txt",
	                          "q 1\n",
	                          "z/keep.txt",
	                          "k 1\n",
	                          NULL};
	const char *const l1[] = {"var/lib/dpkg/status",
	                          "b 2 amd64\na 1 amd64\ne 1 arm64\nc 1 amd64\n",
	                          ".wh.x",
	                          "",
	                          "y/.wh..wh..opq",
	                          "",
	                          "y/status.txt",
	                          "q 1\n",
	                          NULL};
	const char *const l2[] = {"var/lib/dpkg/status",
	                          "a 1 amd64\nb 2 amd64\nc 1 amd64\nd 1 amd64\ne 1 arm64\n",
	                          "x/status.txt", "p 1\n", NULL};
	struct layer_result *l[3] = {layer_of(l0), layer_of(l1), layer_of(l2)};
	struct merged_fs fs = {0};
	customs_error err = {0};
	assert_int_equal(layer_merge(&fs, l, 3, &err), 0);
	const char *st = "var/lib/dpkg/status";
	assert_int_equal(pkg_layer_of(&fs, st, "a"), 0);
	assert_int_equal(pkg_layer_of(&fs, st, "b"), 1); /* version changed in 1 */
	assert_int_equal(pkg_layer_of(&fs, st, "c"), 1);
	assert_int_equal(pkg_layer_of(&fs, st, "d"), 2);
	assert_int_equal(pkg_layer_of(&fs, st, "e"), 1); /* arch changed in 1 */
	/* Deleted in layer 1, back in 2: introduced by 2. */
	assert_int_equal(pkg_layer_of(&fs, "x/status.txt", "p"), 2);
	/* Hidden by an opaque dir and re-added in the same layer. */
	assert_int_equal(pkg_layer_of(&fs, "y/status.txt", "q"), 1);
	assert_int_equal(pkg_layer_of(&fs, "z/keep.txt", "k"), 0);
	assert_int_equal(fs.n_files, 4);
	for (size_t i = 1; i < fs.n_files; i++)
		assert_true(strcmp(fs.files[i - 1].result->path, fs.files[i].result->path) < 0);
	merged_fs_clear(&fs);
	/* A root opaque dir hides everything below. */
	const char *const l3[] = {".wh..wh..opq", "", NULL};
	struct layer_result *l4[4] = {l[0], l[1], l[2], layer_of(l3)};
	assert_int_equal(layer_merge(&fs, l4, 4, &err), 0);
	assert_int_equal(fs.n_files, 0);
	merged_fs_clear(&fs);
	assert_int_equal(layer_merge(&fs, l, 0, &err), 0);
	assert_int_equal(fs.n_files, 0);
	merged_fs_clear(&fs);
	merged_fs_clear(NULL);
	layer_result_free(l4[3]);
	free_layers(l, 3);
}

/* Big files' whole-file analyzers run beside the walk (side_job.c): their
 * results land where a synchronous run puts them, in entry order, failures
 * give warnings, and a later entry at the same path still comes after. */
static const struct path_rule big_rules[] = {{PATH_SUFFIX, ".big"}};
/* With slow_first set, a.big takes long: the walk must not wait for it but
 * analyze the next big file itself (counted in big_here). */
static bool slow_first;
static pthread_t walk_thread;
static atomic_int big_here;

static int big_analyze(struct file_result *out, const char *path, const uint8_t *data, size_t len,
                       struct warn_list *w, customs_error *err)
{
	if (slow_first && strcmp(path, "a.big") == 0)
		usleep(300 * 1000);
	if (len >= SIDE_JOB_MIN_BYTES && pthread_equal(pthread_self(), walk_thread))
		atomic_fetch_add(&big_here, 1);
	return lines_analyze(out, path, data, len, w, err);
}

static const struct analyzer big_analyzer = {.name = "big",
                                             .rules = big_rules,
                                             .n_rules = 1,
                                             .max_file_size = 8 << 20,
                                             .analyze_file = big_analyze};
static const struct analyzer *const big_and_sum[] = {&big_analyzer, &sum_analyzer, NULL};

static char *big_text(const char *prefix, size_t bytes, size_t *lines)
{
	/* Lines of about 1 KiB (a long third field): a few thousand packages. */
	char *t = malloc(bytes + 2048), pad[1001];
	memset(pad, 'x', 1000);
	pad[1000] = '\0';
	size_t n = 0;
	*lines = 0;
	while (n < bytes)
		n += (size_t)sprintf(t + n, "%s%zu 1.%zu %s\n", prefix, (*lines)++, n % 7, pad);
	return t;
}

static void test_side_jobs(void **state)
{
	struct bytes tar = {0}, gz = {0};
	struct archive *a = tar_begin(&tar, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	static const char *const names[] = {"a.big", "b.big", "bad.big", "c.big"};
	static const size_t sizes[] = {3 << 20, 2 << 20, 3 << 19, 5 << 20};
	size_t want[4];
	for (size_t i = 0; i < 4; i++) {
		char *t = big_text(names[i], sizes[i], &want[i]);
		tar_add(a, names[i], AE_IFREG, t, strlen(t), NULL);
		free(t);
		tar_file(a, "small.big", "small 1\n");
	}
	tar_add(a, "c.big", AE_IFLNK, NULL, 0, "a.big");
	tar_end(a);
	gzip_append(&gz, tar.p, tar.n);
	walk_thread = pthread_self();
	for (size_t run = 0; run < 3; run++) {
		size_t step = run ? 100000 : 0; /* 100000: big files span blocks and are captured */
		slow_first = run == 2;
		atomic_store(&big_here, 0);
		struct warn_list w;
		warn_list_init(&w);
		struct layer_result *r = NULL;
		customs_error err = {0};
		assert_int_equal(read_layer_ex(&r, &gz, step, NULL, big_and_sum, &w, &err), 0);
		/* a.big held the side thread: the next big ones ran on the walk's. */
		if (slow_first)
			assert_true(atomic_load(&big_here) >= 2);
		assert_int_equal(find(r, "a.big", "big")->pkgs.n, want[0]);
		assert_int_equal(find(r, "b.big", "big")->pkgs.n, want[1]);
		assert_string_equal(find(r, "b.big", "big")->pkgs.items[5].name, "b.big5");
		assert_int_equal(find(r, "bad.big", "big")->pkgs.n, 0);
		assert_true(has_warning(&w, "bad.big: big: refusing bad file"));
		/* c.big's packages first, then the symlink's empty shadow. */
		size_t first = SIZE_MAX, last = 0;
		for (size_t i = 0; i < r->n_files; i++)
			if (strcmp(r->files[i].path, "c.big") == 0 &&
			    strcmp(r->files[i].analyzer, "big") == 0) {
				first = first == SIZE_MAX ? i : first;
				last = i;
			}
		assert_true(first < last);
		assert_int_equal(r->files[first].pkgs.n, want[3]);
		assert_int_equal(r->files[last].pkgs.n, 0);
		layer_result_free(r);
		warn_list_free(&w);
	}
	free(tar.p);
	free(gz.p);
}

/* An analyzer with a magic (ELF, like the Go and Rust binary readers) is
 * opened only for files that start with it; results do not change whatever
 * the read size, even when the first block is too short to tell. */
static int elf_opens;

struct elf_state {
	uint8_t head[4];
	uint64_t n;
};

static int elf_open(void **state, const char *path, int64_t size, customs_error *err)
{
	elf_opens++;
	*state = calloc(1, sizeof(struct elf_state));
	return 0;
}

static int elf_chunk(void *state, const uint8_t *data, size_t len, customs_error *err)
{
	struct elf_state *s = state;
	for (size_t i = 0; i < len && s->n + i < 4; i++)
		s->head[s->n + i] = data[i];
	s->n += len;
	return 0;
}

static int elf_close(void *state, struct file_result *out, struct warn_list *w, customs_error *err)
{
	struct elf_state *s = state;
	if (s->n >= 4 && memcmp(s->head,
	                        "\x7f"
	                        "ELF",
	                        4) == 0) {
		customs_package *p = package_list_add(&out->pkgs);
		char num[32];
		snprintf(num, sizeof(num), "%llu", (unsigned long long)s->n);
		p->name = strdup(num);
		p->version = strdup("1");
	}
	free(s);
	return 0;
}

static void elf_abort(void *state)
{
	free(state);
}

static const struct analyzer_stream_ops elf_ops = {elf_open, elf_chunk, elf_close, elf_abort, NULL};
static const struct path_rule bin_rules[] = {{PATH_SUFFIX, ".bin"}};
static const struct analyzer elf_analyzer = {.name = "elf",
                                             .rules = bin_rules,
                                             .n_rules = 1,
                                             .stream = &elf_ops,
                                             .magic = "\x7f"
                                                      "ELF",
                                             .magic_len = 4};
static const struct analyzer *const elf_only[] = {&elf_analyzer, NULL};

static void test_magic(void **state)
{
	struct bytes tar = {0};
	struct archive *a = tar_begin(&tar, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	static const char elf[] = "\x7f"
	                          "ELF and then the rest of a binary";
	tar_add(a, "a.bin", AE_IFREG, elf, sizeof(elf) - 1, NULL);
	tar_file(a, "b.bin", "#!/bin/sh\necho not a binary\n");
	tar_add(a, "c.bin", AE_IFREG, NULL, 0, NULL);
	tar_file(a, "d.bin",
	         "\x7f"
	         "EL");
	tar_end(a);
	static const size_t steps[] = {0, 1, 3, 512, 513};
	for (size_t s = 0; s < sizeof(steps) / sizeof(*steps); s++) {
		struct layer_result *r = NULL;
		customs_error err = {0};
		elf_opens = 0;
		assert_int_equal(read_layer_ex(&r, &tar, steps[s], NULL, elf_only, NULL, &err), 0);
		const struct file_result *f = find(r, "a.bin", "elf");
		assert_non_null(f);
		assert_int_equal(f->pkgs.n, 1);
		assert_string_equal(f->pkgs.items[0].name, "34");
		/* The others still have their (empty) results: they shadow. */
		for (const char *const *n = (const char *const[]){"b.bin", "c.bin", "d.bin", NULL};
		     *n; n++) {
			f = find(r, *n, "elf");
			assert_non_null(f);
			assert_int_equal(f->pkgs.n, 0);
		}
		/* Read whole, only a.bin was opened (d.bin is too short to be
		 * ELF but its 3 bytes are a block too short to tell). */
		if (steps[s] == 0)
			assert_int_equal(elf_opens, 2);
		layer_result_free(r);
	}
	free(tar.p);
}

static void test_merge_many(void **state)
{
	/* 200k paths over two layers with a whiteout of half of them: must be
	 * quick (hash map, one pass per whiteout layer). */
	enum { N = 200000 };
	struct layer_result *l[2];
	for (int k = 0; k < 2; k++) {
		l[k] = calloc(1, sizeof(*l[k]));
		l[k]->files = calloc(N, sizeof(struct file_result));
		l[k]->n_files = k == 0 ? N : N / 10;
		for (size_t i = 0; i < l[k]->n_files; i++) {
			char p[64];
			snprintf(p, sizeof(p), "d%zu/f%zu.txt", i % 2, i);
			l[k]->files[i].path = strdup(p);
			l[k]->files[i].analyzer = "lines";
		}
	}
	l[1]->whiteouts = calloc(1, sizeof(char *));
	l[1]->whiteouts[0] = strdup("d1");
	l[1]->n_whiteouts = 1;
	struct merged_fs fs = {0};
	customs_error err = {0};
	assert_int_equal(layer_merge(&fs, l, 2, &err), 0);
	/* d0: all N/2 survive; d1: only the ones layer 1 re-adds (N/20). */
	assert_int_equal(fs.n_files, N / 2 + N / 20);
	merged_fs_clear(&fs);
	free_layers(l, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_codecs),
	    cmocka_unit_test(test_trailing_padding),
	    cmocka_unit_test(test_digest_mismatch),
	    cmocka_unit_test(test_truncated_and_corrupt),
	    cmocka_unit_test(test_empty_layers),
	    cmocka_unit_test(test_gzip_bomb),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_pax_names),
	    cmocka_unit_test(test_streaming_sees_all_bytes),
	    cmocka_unit_test(test_huge_declared_size),
	    cmocka_unit_test(test_whiteouts),
	    cmocka_unit_test(test_path_normalise),
	    cmocka_unit_test(test_read_dir),
	    cmocka_unit_test(test_merge_whiteout_image),
	    cmocka_unit_test(test_merge_whiteout_dir),
	    cmocka_unit_test(test_merge_pkg_layer),
	    cmocka_unit_test(test_merge_many),
	    cmocka_unit_test(test_side_jobs),
	    cmocka_unit_test(test_magic),
	};
	/* LAYER_TEST_FILTER=test_names runs one test (a glob). */
	if (getenv("LAYER_TEST_FILTER"))
		cmocka_set_test_filter(getenv("LAYER_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
