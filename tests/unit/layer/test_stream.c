/* The layer stream's read-ahead paths on a real Alpine minirootfs layer: the
 * reader thread (big or unsized blobs, any read size) and a blob that checks
 * its own digest must give the digests and packages of the plain reading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the four above first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "../fixture.h"
#include "step_blob.h"

#include "analyze/analyzer.h"
#include "layer/layer.h"
#include "source/blob.h"
#include "util/sha256.h"

struct fixture {
	uint8_t *gz;
	size_t gz_len;
	char blob_digest[SHA256_DIGEST_STRING_LEN + 1];
	char diff_id[SHA256_DIGEST_STRING_LEN + 1];
};

/* tests/data/REL, which must exist. */
static uint8_t *slurp(const char *rel, size_t *len)
{
	uint8_t *p = (uint8_t *)fixture_read(rel, len);
	assert_non_null(p);
	return p;
}

/* The oracle: zlib inflates the layer and OpenSSL hashes both forms. */
static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	fx->gz = slurp("alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz", &fx->gz_len);
	sha256_digest_of(fx->blob_digest, fx->gz, fx->gz_len);
	struct sha256 *h = sha256_new();
	z_stream z = {0};
	uint8_t out[1 << 16];
	assert_int_equal(inflateInit2(&z, 16 + 15), Z_OK);
	z.next_in = fx->gz;
	z.avail_in = (uInt)fx->gz_len;
	int r;
	do {
		z.next_out = out;
		z.avail_out = sizeof(out);
		r = inflate(&z, Z_NO_FLUSH);
		assert_true(r == Z_OK || r == Z_STREAM_END);
		sha256_update(h, out, sizeof(out) - z.avail_out);
	} while (r != Z_STREAM_END);
	inflateEnd(&z);
	sha256_final_digest(h, fx->diff_id);
	sha256_free(h);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	free(fx->gz);
	free(fx);
	return 0;
}

static size_t apk_packages(const struct layer_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n_files; i++)
		if (strcmp(r->files[i].analyzer, "apk") == 0)
			n += r->files[i].pkgs.n;
	return n;
}

static void read_and_check(struct fixture *fx, int64_t size, size_t step, const char *verified)
{
	struct step_blob s = step_blob_make(fx->gz, fx->gz_len, step, size);
	s.b.verified_digest = verified;
	struct layer_ref expect = {.digest = fx->blob_digest, .diff_id = fx->diff_id, .size = size};
	struct layer_result *r = NULL;
	customs_error err = {0};
	int rc = layer_read(&r, &s.b, &expect, analyzer_table_get(), NULL, &err);
	if (rc)
		fail_msg("layer_read: %s", err.message);
	assert_string_equal(r->blob_digest, fx->blob_digest);
	assert_string_equal(r->diff_id, fx->diff_id);
	assert_int_equal(r->compressed_bytes, fx->gz_len);
	/* The minirootfs lists 14 packages in lib/apk/db/installed. */
	assert_int_equal(apk_packages(r), 14);
	assert_int_equal(s.pos, fx->gz_len);
	layer_result_free(r);
}

static void test_reader_thread_sized(void **state)
{
	/* Over SMALL_BLOB: the read-ahead thread reads it. */
	read_and_check(*state, (int64_t)((struct fixture *)*state)->gz_len, SIZE_MAX, NULL);
}

static void test_reader_thread_unsized_odd_reads(void **state)
{
	/* An HTTP body: no size, short reads of an odd length. */
	read_and_check(*state, -1, 4093, NULL);
	read_and_check(*state, -1, 1, NULL);
}

static void test_verified_blob(void **state)
{
	struct fixture *fx = *state;
	read_and_check(fx, (int64_t)fx->gz_len, 65536, fx->blob_digest);
}

static void test_verified_blob_wrong_digest_reported(void **state)
{
	/* A blob that claims to check a digest its bytes do not have is lying;
	 * its claim is what gets compared with the manifest, so a mismatch with
	 * the expected digest still fails as an integrity error. */
	struct fixture *fx = *state;
	char other[SHA256_DIGEST_STRING_LEN + 1];
	sha256_digest_of(other, "x", 1);
	struct step_blob s = step_blob_make(fx->gz, fx->gz_len, SIZE_MAX, -1);
	s.b.verified_digest = other;
	struct layer_ref expect = {.digest = fx->blob_digest, .diff_id = fx->diff_id, .size = -1};
	struct layer_result *r = NULL;
	customs_error err = {0};
	assert_int_equal(layer_read(&r, &s.b, &expect, analyzer_table_get(), NULL, &err),
	                 CUSTOMS_EINTEGRITY);
	assert_null(r);
	assert_non_null(strstr(err.message, "blob digest mismatch"));
	/* The claim was used instead of hashing the bytes again. */
	assert_non_null(strstr(err.message, other));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reader_thread_sized),
	    cmocka_unit_test(test_reader_thread_unsized_odd_reads),
	    cmocka_unit_test(test_verified_blob),
	    cmocka_unit_test(test_verified_blob_wrong_digest_reported),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
