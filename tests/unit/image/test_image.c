/* Unit tests for src/image: manifest, index and config parsers on real
 * fixtures (containers/image, stereoscope), boundaries, and platform choice. */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../fixture.h"
/* clang-format on */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "image/image.h"
#include "util/limits.h"

#define CI  "containers-image/manifest/fixtures/"
#define CII "containers-image/internal/manifest/testdata/"
#define CIC "containers-image/internal/image/fixtures/"

/* tests/data/REL, which must exist. */
static char *slurp(const char *rel, size_t *len)
{
	char *p = (char *)fixture_read(rel, len);
	assert_non_null(p);
	return p;
}

static int manifest_file(struct image_manifest *m, const char *rel, customs_error *err)
{
	size_t len;
	char *d = slurp(rel, &len);
	int rc = image_manifest_parse(m, d, len, err);
	free(d);
	return rc;
}

static int index_file(struct image_index *x, const char *rel, customs_error *err)
{
	size_t len;
	char *d = slurp(rel, &len);
	int rc = image_index_parse(x, d, len, err);
	free(d);
	return rc;
}

static int config_file(struct image_config *c, const char *rel, customs_error *err)
{
	size_t len;
	char *d = slurp(rel, &len);
	int rc = image_config_parse(c, d, len, err);
	free(d);
	return rc;
}

static void test_manifest_flavours(void **state)
{
	static const struct {
		const char *file, *media_type, *layer_mt;
		size_t layers;
	} ok[] = {
	    {CI "ociv1.manifest.json", MT_OCI_MANIFEST,
	     "application/vnd.oci.image.layer.v1.tar+gzip", 3},
	    {CI "ociv1nomime.manifest.json", MT_OCI_MANIFEST,
	     "application/vnd.oci.image.layer.v1.tar+gzip", 3},
	    {CI "ociv1.zstd.manifest.json", MT_OCI_MANIFEST,
	     "application/vnd.oci.image.layer.v1.tar+zstd", 3},
	    {CI "ociv1.uncompressed.manifest.json", MT_OCI_MANIFEST,
	     "application/vnd.oci.image.layer.v1.tar", 3},
	    {CI "ociv1.nondistributable.manifest.json", MT_OCI_MANIFEST,
	     "application/vnd.oci.image.layer.nondistributable.v1.tar", 1},
	    {CI "v2s2.manifest.json", MT_DOCKER_MANIFEST,
	     "application/vnd.docker.image.rootfs.diff.tar.gzip", 3},
	    {CI "v2s2.everything.json", MT_DOCKER_MANIFEST,
	     "application/vnd.docker.image.rootfs.diff.tar.gzip", 1},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct image_manifest m = {0};
		customs_error err = {0};
		int rc = manifest_file(&m, ok[i].file, &err);
		if (rc)
			fail_msg("%s: %s", ok[i].file, err.message);
		assert_string_equal(m.media_type, ok[i].media_type);
		assert_int_equal(m.n_layers, ok[i].layers);
		assert_string_equal(m.layers[0].media_type, ok[i].layer_mt);
		image_manifest_clear(&m);
	}
	struct image_manifest m = {0};
	assert_int_equal(manifest_file(&m, CI "ociv1.manifest.json", NULL), 0);
	assert_string_equal(
	    m.config.digest,
	    "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7");
	assert_int_equal(m.config.size, 7023);
	assert_string_equal(m.config.media_type, MT_OCI_CONFIG);
	assert_string_equal(
	    m.layers[2].digest,
	    "sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736");
	assert_int_equal(m.layers[2].size, 73109);
	image_manifest_clear(&m);
	/* No mediaType, Docker config, zero layers: a Docker schema2 manifest. */
	assert_int_equal(manifest_file(&m, CI "v2s2nomime.manifest.json", NULL), 0);
	assert_string_equal(m.media_type, MT_DOCKER_MANIFEST);
	assert_int_equal(m.n_layers, 0);
	image_manifest_clear(&m);
}

static void test_manifest_refused(void **state)
{
	static const struct {
		const char *file;
		int rc;
		const char *msg;
	} bad[] = {
	    {CI "v2s1.manifest.json", CUSTOMS_EUNSUPPORTED, "schema1"},
	    {CI "v2s1-unsigned.manifest.json", CUSTOMS_EUNSUPPORTED, "schema1"},
	    {CI "v2s1.everything.json", CUSTOMS_EUNSUPPORTED, "schema1"},
	    {CI "v2s1-invalid-signatures.manifest.json", CUSTOMS_EUNSUPPORTED, "schema1"},
	    {CI "schema2-to-schema1-by-docker.json", CUSTOMS_EUNSUPPORTED, "schema1"},
	    {CI "non-json.manifest.json", CUSTOMS_EINVAL, "invalid JSON"},
	    {CI "unknown-version.manifest.json", CUSTOMS_EINVAL, "schemaVersion 99999"},
	    {CI "ociv1.everything.json", CUSTOMS_EUNSUPPORTED, "not a container image"},
	    {CI "ociv1.artifact.json", CUSTOMS_EINVAL, "invalid digest"},
	    {CI "ociv1nomime.artifact.json", CUSTOMS_EINVAL, "invalid digest"},
	    {CI "ociv1.encrypted.manifest.json", CUSTOMS_EUNSUPPORTED, "encrypted"},
	    {CI "ociv1.image.index.json", CUSTOMS_EINVAL, "index"},
	    {CI "ociv1nomime.image.index.json", CUSTOMS_EINVAL, "index"},
	    {CI "v2list.manifest.json", CUSTOMS_EINVAL, "index"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct image_manifest m = {0};
		customs_error err = {0};
		int rc = manifest_file(&m, bad[i].file, &err);
		if (rc != bad[i].rc || !strstr(err.message, bad[i].msg))
			fail_msg("%s: rc %d, message \"%s\"", bad[i].file, rc, err.message);
		assert_null(m.layers);
		assert_null(m.media_type);
	}
}

static void test_index_flavours(void **state)
{
	struct image_index x = {0};
	customs_error err = {0};
	assert_int_equal(index_file(&x, CI "ociv1.image.index.json", &err), 0);
	assert_int_equal(x.n_manifests, 2);
	assert_string_equal(x.media_type, MT_OCI_INDEX);
	assert_string_equal(x.manifests[0].platform.architecture, "ppc64le");
	assert_string_equal(x.manifests[1].platform.architecture, "amd64");
	assert_int_equal(x.manifests[1].size, 7682);
	image_index_clear(&x);
	assert_int_equal(index_file(&x, CI "ociv1nomime.image.index.json", &err), 0);
	assert_string_equal(x.media_type, MT_OCI_INDEX);
	image_index_clear(&x);
	/* A list of schema1 manifests parses; choosing one then is refused. */
	assert_int_equal(index_file(&x, CI "v2list.manifest.json", &err), 0);
	assert_int_equal(x.n_manifests, 5);
	assert_string_equal(x.media_type, MT_DOCKER_LIST);
	assert_string_equal(x.manifests[3].platform.variant, "armv7");
	image_index_clear(&x);
	assert_int_equal(index_file(&x, CII "schema2list.json", &err), 0);
	assert_int_equal(x.n_manifests, 7);
	image_index_clear(&x);
	/* stereoscope no_manifests: a manifest where an index should be. */
	assert_int_equal(index_file(&x, "stereoscope/oci/testdata/no_manifests/index.json", &err),
	                 CUSTOMS_EINVAL);
	assert_non_null(strstr(err.message, "is not an index"));
	assert_int_equal(index_file(&x, "stereoscope/oci/testdata/invalid_file/index.json", &err),
	                 CUSTOMS_EINVAL);
	assert_int_equal(index_file(&x, CI "v2s1.manifest.json", &err), CUSTOMS_EUNSUPPORTED);
	assert_null(x.manifests);
}

static void test_config_fixtures(void **state)
{
	static const struct {
		const char *file, *user;
		size_t env, diff_ids, history, empty;
	} ok[] = {
	    {CIC "oci1-config.json", "", 6, 5, 15, 10},
	    {CIC "schema2-config.json", "", 6, 5, 15, 10},
	    {CIC "schema1-to-oci1-config.json", "nova", 6, 6, 6, 0},
	    {CIC "oci1-all-media-types-config.json", "", 6, 6, 16, 10},
	    {CIC "oci1-config-extra-fields.json", "", 6, 5, 15, 10},
	    {"stereoscope/docker/testdata/engine-config.json", "anchore:anchore", 46, 7, 20, 13},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct image_config c = {0};
		customs_error err = {0};
		if (config_file(&c, ok[i].file, &err))
			fail_msg("%s: %s", ok[i].file, err.message);
		assert_string_equal(c.platform.os, "linux");
		assert_string_equal(c.platform.architecture, "amd64");
		assert_null(c.platform.variant);
		assert_string_equal(c.user, ok[i].user);
		assert_int_equal(c.n_env, ok[i].env);
		assert_int_equal(c.n_diff_ids, ok[i].diff_ids);
		assert_int_equal(c.n_history, ok[i].history);
		size_t empty = 0;
		for (size_t k = 0; k < c.n_history; k++)
			empty += c.history[k].empty_layer != 0;
		assert_int_equal(empty, ok[i].empty);
		assert_non_null(c.raw);
		image_config_clear(&c);
	}
	struct image_config c = {0};
	customs_error err = {0};
	assert_int_equal(config_file(&c, "stereoscope/docker/testdata/engine-config.json", &err),
	                 0);
	assert_string_equal(
	    c.diff_ids[0],
	    "sha256:226bfaae015f1d5712cfced3b5b628206618eaacf72f4a44d0e4084071996319");
	assert_true(strncmp(c.env[0], "PATH=", 5) == 0);
	image_config_clear(&c);
	/* Missing os / rootfs: a schema1-derived fragment, not a full config. */
	assert_int_equal(config_file(&c, CIC "schema1-for-oci-config.json", &err), CUSTOMS_EINVAL);
	assert_non_null(strstr(err.message, "\"os\""));
	assert_int_equal(config_file(&c, CIC "oci1-extra-config-fields.json", &err),
	                 CUSTOMS_EINVAL);
	assert_int_equal(config_file(&c, "stereoscope/docker/testdata/empty-file", &err),
	                 CUSTOMS_EINVAL);
	assert_null(c.raw);
}

/* Wraps one JSON value into a minimal valid config, manifest or index. */
static int config_with(const char *rootfs, const char *extra, customs_error *err)
{
	char buf[4096];
	struct image_config c = {0};
	snprintf(buf, sizeof(buf), "{\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":%s%s}",
	         rootfs, extra);
	int rc = image_config_parse(&c, buf, strlen(buf), err);
	image_config_clear(&c);
	return rc;
}

static int manifest_with_layer(const char *digest, const char *size, customs_error *err)
{
	char buf[4096];
	struct image_manifest m = {0};
	snprintf(buf, sizeof(buf),
	         "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"size\":1,"
	         "\"digest\":\"sha256:%064d\"},\"layers\":[{\"mediaType\":\"x\",\"digest\":\"%s\","
	         "\"size\":%s}]}",
	         0, digest, size);
	int rc = image_manifest_parse(&m, buf, strlen(buf), err);
	if (rc == 0)
		assert_int_equal(m.n_layers, 1);
	image_manifest_clear(&m);
	return rc;
}

#define D0 "sha256:0000000000000000000000000000000000000000000000000000000000000000"

static void test_boundaries(void **state)
{
	customs_error err = {0};
	struct image_manifest m = {0};
	struct image_index x = {0};
	struct image_config c = {0};
	assert_int_equal(image_manifest_parse(&m, "", 0, &err), CUSTOMS_EINVAL);
	assert_int_equal(image_manifest_parse(&m, "{", 1, &err), CUSTOMS_EINVAL);
	assert_int_equal(image_index_parse(&x, "", 0, &err), CUSTOMS_EINVAL);
	assert_int_equal(image_index_parse(&x, "[", 1, &err), CUSTOMS_EINVAL);
	assert_int_equal(image_config_parse(&c, "", 0, &err), CUSTOMS_EINVAL);
	assert_int_equal(image_config_parse(&c, "1", 1, &err), CUSTOMS_EINVAL);
	assert_int_equal(image_manifest_parse(&m, "[]", 2, &err), CUSTOMS_EINVAL);

	/* Sizes: 0 and 2^63-1 are representable; 2^63, 2^64, negatives and
	 * non-integers are not sizes. */
	assert_int_equal(manifest_with_layer(D0, "0", &err), 0);
	assert_int_equal(manifest_with_layer(D0, "9223372036854775807", &err), 0);
	assert_int_equal(manifest_with_layer(D0, "9223372036854775808", &err), CUSTOMS_EINVAL);
	assert_int_equal(manifest_with_layer(D0, "18446744073709551616", &err), CUSTOMS_EINVAL);
	assert_int_equal(manifest_with_layer(D0, "-1", &err), CUSTOMS_EINVAL);
	assert_non_null(strstr(err.message, "negative"));
	assert_int_equal(manifest_with_layer(D0, "1.5", &err), CUSTOMS_EINVAL);
	assert_non_null(strstr(err.message, "\"size\" must be an integer"));
	assert_int_equal(manifest_with_layer(D0, "\"12\"", &err), CUSTOMS_EINVAL);
	assert_int_equal(manifest_with_layer(D0, "null", &err), CUSTOMS_EINVAL);

	/* Digests: other algorithms are unsupported, malformed ones invalid. */
	assert_int_equal(
	    manifest_with_layer("sha512:"
	                        "00000000000000000000000000000000000000000000000000"
	                        "000000000000000000000000000000000000000000000000000000"
	                        "000000000000000000000000",
	                        "1", &err),
	    CUSTOMS_EUNSUPPORTED);
	assert_non_null(strstr(err.message, "sha512"));
	assert_int_equal(manifest_with_layer("sha256:../../../../etc/passwd", "1", &err),
	                 CUSTOMS_EINVAL);
	assert_int_equal(manifest_with_layer("../../etc/passwd", "1", &err), CUSTOMS_EINVAL);
	assert_int_equal(
	    manifest_with_layer("sha256:ABCDEF0000000000000000000000000000000000000000000000"
	                        "000000000000",
	                        "1", &err),
	    CUSTOMS_EINVAL);
	assert_int_equal(manifest_with_layer("sha256:000", "1", &err), CUSTOMS_EINVAL);
	assert_int_equal(manifest_with_layer("", "1", &err), CUSTOMS_EINVAL);

	/* Wrong JSON types name the field. */
	assert_int_equal(config_with("{\"type\":\"layers\",\"diff_ids\":{}}", "", &err),
	                 CUSTOMS_EINVAL);
	assert_non_null(strstr(err.message, "diff_ids"));
	assert_int_equal(config_with("{\"type\":\"foo\",\"diff_ids\":[]}", "", &err),
	                 CUSTOMS_EINVAL);
	assert_non_null(strstr(err.message, "rootfs.type"));
	assert_int_equal(config_with("{\"type\":\"layers\",\"diff_ids\":[1]}", "", &err),
	                 CUSTOMS_EINVAL);
	assert_int_equal(config_with("{\"type\":\"layers\",\"diff_ids\":[]}",
	                             ",\"config\":{\"Env\":\"x\"}", &err),
	                 CUSTOMS_EINVAL);
	assert_non_null(strstr(err.message, "Env"));
	assert_int_equal(
	    config_with("{\"type\":\"layers\",\"diff_ids\":[]}", ",\"config\":{\"User\":0}", &err),
	    CUSTOMS_EINVAL);
	assert_non_null(strstr(err.message, "User"));
	assert_int_equal(
	    config_with("{\"type\":\"layers\",\"diff_ids\":[]}", ",\"history\":[1]", &err),
	    CUSTOMS_EINVAL);
	assert_int_equal(config_with("{\"type\":\"layers\",\"diff_ids\":[]}",
	                             ",\"history\":[{\"empty_layer\":\"yes\"}]", &err),
	                 CUSTOMS_EINVAL);
	assert_int_equal(config_with("{\"type\":\"layers\",\"diff_ids\":[\"md5:abc\"]}", "", &err),
	                 CUSTOMS_EUNSUPPORTED);
	assert_int_equal(
	    config_with("{\"type\":\"layers\",\"diff_ids\":null}", ",\"config\":null", &err),
	    CUSTOMS_EINVAL);
	assert_int_equal(
	    config_with("{\"type\":\"layers\",\"diff_ids\":[]}", ",\"config\":null", &err), 0);
	assert_int_equal(image_manifest_parse(&m, "{\"schemaVersion\":\"2\"}", 21, &err),
	                 CUSTOMS_EINVAL);
	assert_non_null(strstr(err.message, "schemaVersion"));
}

/* A document padded with spaces to exactly n bytes. */
static char *padded(const char *json, size_t n)
{
	size_t len = strlen(json);
	char *p = malloc(n);
	assert_non_null(p);
	assert_true(n >= len);
	memcpy(p, json, len);
	memset(p + len, ' ', n - len);
	return p;
}

static void test_size_limits(void **state)
{
	const char *idx = "{\"schemaVersion\":2,\"manifests\":[]}";
	customs_error err = {0};
	struct image_index x = {0};
	size_t sizes[] = {LIMIT_MANIFEST_BYTES - 1, LIMIT_MANIFEST_BYTES, LIMIT_MANIFEST_BYTES + 1};
	int want[] = {0, 0, CUSTOMS_ETOOLARGE};
	for (int i = 0; i < 3; i++) {
		char *p = padded(idx, sizes[i]);
		assert_int_equal(image_index_parse(&x, p, sizes[i], &err), want[i]);
		image_index_clear(&x);
		free(p);
	}

	/* Layer count: LIMIT_LAYERS is accepted, one more is too many. */
	for (size_t n = LIMIT_LAYERS - 1; n <= LIMIT_LAYERS + 1; n++) {
		size_t cap = 200 + n * 120;
		char *p = malloc(cap);
		size_t o = (size_t)snprintf(
		    p, cap,
		    "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" MT_OCI_CONFIG
		    "\",\"size\":1,\"digest\":\"" D0 "\"},\"layers\":[");
		for (size_t i = 0; i < n; i++)
			o += (size_t)snprintf(p + o, cap - o,
			                      "%s{\"mediaType\":\"x\",\"size\":1,\"digest\":\"" D0
			                      "\"}",
			                      i ? "," : "");
		o += (size_t)snprintf(p + o, cap - o, "]}");
		struct image_manifest m = {0};
		int rc = image_manifest_parse(&m, p, o, &err);
		assert_int_equal(rc, n <= LIMIT_LAYERS ? 0 : CUSTOMS_ETOOLARGE);
		if (rc == 0)
			assert_int_equal(m.n_layers, n);
		image_manifest_clear(&m);
		free(p);
	}
}

static void test_platform_parse_host(void **state)
{
	struct platform p = {0};
	customs_error err = {0};
	assert_int_equal(platform_parse(&p, "linux/amd64", &err), 0);
	assert_string_equal(p.os, "linux");
	assert_string_equal(p.architecture, "amd64");
	assert_null(p.variant);
	platform_clear(&p);
	assert_int_equal(platform_parse(&p, "linux/x86_64", &err), 0);
	assert_string_equal(p.architecture, "amd64");
	platform_clear(&p);
	assert_int_equal(platform_parse(&p, "linux/aarch64", &err), 0);
	assert_string_equal(p.architecture, "arm64");
	assert_string_equal(p.variant, "v8");
	platform_clear(&p);
	assert_int_equal(platform_parse(&p, "linux/arm/v7", &err), 0);
	assert_string_equal(p.variant, "v7");
	platform_clear(&p);
	const char *bad[] = {"", "linux", "linux/", "/amd64", "linux//v7", "a/b/c/d", "linux/arm/"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(platform_parse(&p, bad[i], &err), CUSTOMS_EUSAGE);
		assert_null(p.os);
	}

	struct utsname u;
	assert_int_equal(uname(&u), 0);
	assert_int_equal(platform_host(&p), 0);
	assert_string_equal(p.os, "linux");
	if (strcmp(u.machine, "x86_64") == 0)
		assert_string_equal(p.architecture, "amd64");
	else if (strcmp(u.machine, "aarch64") == 0)
		assert_string_equal(p.variant, "v8");
	platform_clear(&p);
}

static void test_platform_choose(void **state)
{
	struct image_index x = {0};
	customs_error err = {0};
	size_t i = 99;
	assert_int_equal(index_file(&x, CII "schema2list.json", &err), 0);
	assert_int_equal(platform_choose(&i, &x, "linux/amd64", &err), 0);
	assert_int_equal(i, 0);
	assert_int_equal(platform_choose(&i, &x, "linux/arm64", &err), 0);
	assert_int_equal(i, 3);
	assert_int_equal(platform_choose(&i, &x, "linux/arm/v6", &err), 0);
	assert_int_equal(i, 2);
	assert_int_equal(platform_choose(&i, &x, "linux/arm", &err), 0);
	assert_int_equal(i, 1);
	assert_int_equal(platform_choose(&i, &x, "linux/i686", &err), 0);
	assert_int_equal(i, 4);
	i = 99;
	assert_int_equal(platform_choose(&i, &x, "linux/riscv64", &err), CUSTOMS_ENOTFOUND);
	assert_int_equal(i, 99);
	assert_non_null(strstr(err.message, "linux/riscv64"));
	assert_non_null(strstr(err.message,
	                       "linux/amd64, linux/arm/v5, linux/arm/v6, linux/arm64/v8, "
	                       "linux/386, linux/ppc64le, linux/s390x"));
	assert_int_equal(platform_choose(&i, &x, "linux/arm/v7", &err), CUSTOMS_ENOTFOUND);
	assert_int_equal(platform_choose(&i, &x, "bad", &err), CUSTOMS_EUSAGE);
	image_index_clear(&x);

	/* arm64 without a variant in the index is v8. */
	assert_int_equal(index_file(&x, CII "oci1index.json", &err), 0);
	assert_int_equal(platform_choose(&i, &x, "linux/arm64/v8", &err), 0);
	assert_int_equal(i, 2);
	assert_int_equal(platform_choose(&i, &x, "linux/arm64/v9", &err), CUSTOMS_ENOTFOUND);
	assert_int_equal(platform_choose(&i, &x, "linux/ppc64le", &err), 0);
	assert_int_equal(i, 0);
	image_index_clear(&x);

	assert_int_equal(index_file(&x, CII "ocilist-variants.json", &err), 0);
	assert_int_equal(platform_choose(&i, &x, "linux/arm/v7", &err), 0);
	assert_int_equal(i, 1);
	assert_int_equal(platform_choose(&i, &x, "windows/amd64", &err), CUSTOMS_ENOTFOUND);
	image_index_clear(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_manifest_flavours),   cmocka_unit_test(test_manifest_refused),
	    cmocka_unit_test(test_index_flavours),      cmocka_unit_test(test_config_fixtures),
	    cmocka_unit_test(test_boundaries),          cmocka_unit_test(test_size_limits),
	    cmocka_unit_test(test_platform_parse_host), cmocka_unit_test(test_platform_choose),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
