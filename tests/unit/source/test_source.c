/* Unit tests for src/source: blobs, the tar index, transport dispatch and the
 * oci, oci-archive, docker-archive and rootfs transports on real fixtures,
 * plus hostile layouts built on the fly. */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
/* clang-format on */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image.h"
#include "source/source.h"
#include "source/source_internal.h"
#include "source/tar_index.h"
#include "util/limits.h"
#include "util/sha256.h"

#define TB "go-containerregistry/v1/tarball/testdata/"
#define LY "go-containerregistry/v1/layout/testdata/"
#define SO "stereoscope/oci/testdata/"

extern const struct source_ops source_docker_ops __attribute__((weak));

static char data_dir[PATH_MAX];

static const char *data(const char *rel)
{
	static __thread char p[PATH_MAX * 2];
	snprintf(p, sizeof(p), "%s/%s", data_dir, rel);
	return p;
}

static int setup(void **state)
{
	const char *root = getenv("CUSTOMS_SOURCE_ROOT");
	snprintf(data_dir, sizeof(data_dir), "%s/tests/data", root ? root : ".");
	return 0;
}

static void mktmp(char *out, size_t n)
{
	snprintf(out, n, "/tmp/customs-source-test-XXXXXX");
	assert_non_null(mkdtemp(out));
}

static void rmtree(const char *dir)
{
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void run(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static void write_file(const char *dir, const char *rel, const void *d, size_t len)
{
	char p[PATH_MAX * 2];
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	FILE *f = fopen(p, "wbe");
	assert_non_null(f);
	assert_int_equal(fwrite(d, 1, len, f), len);
	fclose(f);
}

/* sha256 of everything a blob yields. */
static void blob_digest(struct blob *b, char out[SHA256_DIGEST_STRING_LEN + 1], int64_t *total)
{
	struct sha256 *h = sha256_new();
	char buf[4096];
	ssize_t n;
	customs_error err = {0};
	*total = 0;
	while ((n = b->read(b, buf, sizeof(buf), &err)) > 0) {
		sha256_update(h, buf, (size_t)n);
		*total += n;
	}
	assert_int_equal(n, 0);
	sha256_final_digest(h, out);
	sha256_free(h);
}

static int resolve(struct image **img, struct source **src, const char *ref, const char *platform,
                   customs_error *err)
{
	customs_scan_options o = CUSTOMS_SCAN_OPTIONS_INIT;
	o.platform = platform;
	*src = NULL;
	*img = NULL;
	int rc = source_open(src, ref, &o, err);
	if (rc == 0)
		rc = (*src)->ops->resolve(*src, img, err);
	return rc;
}

/* Resolves ref and closes everything; returns the code and keeps err. */
static int resolve_rc(const char *ref, const char *platform, customs_error *err)
{
	struct image *img;
	struct source *src;
	int rc = resolve(&img, &src, ref, platform, err);
	image_free(img);
	source_close(src);
	return rc;
}

static char *refs(const char *transport, const char *path, const char *tag)
{
	static __thread char r[PATH_MAX * 3];
	snprintf(r, sizeof(r), "%s:%s%s%s", transport, path, tag ? ":" : "", tag ? tag : "");
	return r;
}

/* --- blobs ------------------------------------------------------------- */

static void test_blobs(void **state)
{
	customs_error err = {0};
	struct blob *b = NULL;
	char buf[16];
	const char *text = "hello, blob";
	assert_int_equal(blob_from_memory(&b, text, strlen(text), &err), 0);
	assert_int_equal(b->size, 11);
	assert_int_equal(b->read(b, buf, 5, &err), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(b->read(b, buf, sizeof(buf), &err), 6);
	assert_int_equal(b->read(b, buf, sizeof(buf), &err), 0);
	blob_close(b);
	assert_int_equal(blob_from_memory(&b, NULL, 0, &err), 0);
	assert_int_equal(b->read(b, buf, sizeof(buf), &err), 0);
	blob_close(b);
	blob_close(NULL);

	char dir[64];
	mktmp(dir, sizeof(dir));
	write_file(dir, "f", "0123456789", 10);
	char p[128];
	snprintf(p, sizeof(p), "%s/f", dir);
	assert_int_equal(blob_from_file(&b, p, &err), 0);
	assert_int_equal(b->size, 10);
	char d[SHA256_DIGEST_STRING_LEN + 1], want[SHA256_DIGEST_STRING_LEN + 1];
	int64_t total;
	blob_digest(b, d, &total);
	sha256_digest_of(want, "0123456789", 10);
	assert_string_equal(d, want);
	blob_close(b);

	int fd = open(p, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	struct blob *x = NULL, *y = NULL;
	assert_int_equal(blob_from_fd_range(&x, fd, 2, 3, &err), 0);
	assert_int_equal(blob_from_fd_range(&y, fd, 7, 3, &err), 0);
	assert_int_equal(x->read(x, buf, 2, &err), 2);
	assert_int_equal(y->read(y, buf + 8, 16, &err), 3);
	assert_int_equal(x->read(x, buf + 2, 16, &err), 1);
	assert_memory_equal(buf, "234", 3);
	assert_memory_equal(buf + 8, "789", 3);
	blob_close(x);
	blob_close(y);
	/* A range past the end of the file is an I/O error, not a silent short read. */
	assert_int_equal(blob_from_fd_range(&x, fd, 8, 5, &err), 0);
	assert_int_equal(x->read(x, buf, 16, &err), 2);
	assert_int_equal(x->read(x, buf, 16, &err), CUSTOMS_EIO);
	blob_close(x);
	x = NULL;
	assert_int_equal(blob_from_fd_range(&x, fd, -1, 5, &err), CUSTOMS_EINVAL);
	assert_int_equal(blob_from_fd_range(&x, fd, 1, -5, &err), CUSTOMS_EINVAL);
	assert_int_equal(blob_from_fd_range(&x, fd, INT64_MAX, 1, &err), CUSTOMS_EINVAL);
	assert_null(x);
	close(fd);

	snprintf(p, sizeof(p), "%s/fifo", dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(blob_from_file(&b, p, &err), CUSTOMS_EINVAL);
	snprintf(p, sizeof(p), "%s/missing", dir);
	assert_int_equal(blob_from_file(&b, p, &err), CUSTOMS_ENOTFOUND);
	assert_int_equal(blob_from_file(&b, dir, &err), CUSTOMS_EINVAL);

	/* blob_read_all: cap at limit-1 / limit / limit+1 of a 10-byte file. */
	snprintf(p, sizeof(p), "%s/f", dir);
	size_t caps[] = {9, 10, 11};
	int want_rc[] = {CUSTOMS_ETOOLARGE, 0, 0};
	for (int i = 0; i < 3; i++) {
		char *all = NULL;
		size_t len = 0;
		assert_int_equal(blob_from_file(&b, p, &err), 0);
		assert_int_equal(blob_read_all(&all, &len, b, caps[i], "f", &err), want_rc[i]);
		if (want_rc[i] == 0)
			assert_int_equal(len, 10);
		free(all);
		blob_close(b);
	}
	rmtree(dir);
}

/* --- tar index ----------------------------------------------------------- */

/* Every regular member read in place equals what libarchive streams. */
static void check_tar_against_libarchive(const char *path, size_t *n_regular)
{
	struct tar_index *t = NULL;
	customs_error err = {0};
	if (tar_index_open(&t, path, &err))
		fail_msg("%s: %s", path, err.message);
	struct archive *a = archive_read_new();
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_filename(a, path, 10240), ARCHIVE_OK);
	struct archive_entry *e;
	*n_regular = 0;
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e))
			continue;
		struct sha256 *h = sha256_new();
		char buf[8192], want[SHA256_DIGEST_STRING_LEN + 1],
		    got[SHA256_DIGEST_STRING_LEN + 1];
		la_ssize_t n;
		int64_t total;
		while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
			sha256_update(h, buf, (size_t)n);
		sha256_final_digest(h, want);
		sha256_free(h);
		struct blob *b = NULL;
		if (tar_index_open_member(t, archive_entry_pathname(e), &b, &err))
			fail_msg("%s: %s: %s", path, archive_entry_pathname(e), err.message);
		assert_int_equal(b->size, archive_entry_size(e));
		blob_digest(b, got, &total);
		assert_string_equal(got, want);
		blob_close(b);
		(*n_regular)++;
	}
	archive_read_free(a);
	tar_index_free(t);
}

static void test_tar_index_offsets(void **state)
{
	static const struct {
		const char *file;
		size_t regular;
	} tars[] = {
	    {TB "hello-world-v25.tar", 7},
	    {TB "test_bundle.tar", 10},
	    {TB "test_link.tar", 12},
	    {TB "no_manifest.tar", 5},
	    {TB "content.tar", 2},
	    {SO "valid-oci.tar", 5},
	    {"go-containerregistry/v1/mutate/testdata/whiteout_dir.tar", 6},
	    {"containers-image/docker/archive/fixtures/almostempty.tar", 6},
	};
	for (size_t i = 0; i < sizeof(tars) / sizeof(tars[0]); i++) {
		size_t n;
		check_tar_against_libarchive(data(tars[i].file), &n);
		assert_int_equal(n, tars[i].regular);
	}
}

static void test_tar_index_links_and_errors(void **state)
{
	struct tar_index *t = NULL;
	customs_error err = {0};
	int64_t off, size, off2, size2;
	assert_int_equal(tar_index_open(&t, data(TB "test_link.tar"), &err), 0);
	/* A symlink member resolves to its target (relative, with ".."). */
	assert_int_equal(
	    tar_index_find(
	        t, "b159278ac0c8813245b6c3b22cbbe7abefe3b2ec3fac6c7e87138811e1ef2a88/layer.tar",
	        &off, &size, &err),
	    0);
	assert_int_equal(
	    tar_index_find(
	        t, "./6e77476643c3155b1e9ae07dd5a4c8288bdb6590c131c222b7a3f277dec1e266/layer.tar",
	        &off2, &size2, &err),
	    0);
	assert_int_equal(off, off2);
	assert_int_equal(size, 10240);
	assert_int_equal(tar_index_find(t, "manifest.json", &off, &size, &err), 0);
	assert_int_equal(size, 594);
	assert_int_equal(tar_index_find(t, "nope", &off, &size, &err), CUSTOMS_ENOTFOUND);
	/* Directories are not readable members; climbing out is never found. */
	assert_int_equal(
	    tar_index_find(t, "3fe17a762ab6ad87de78c88326e1667b3e6a8924a0eb92a34a2bfeb40f49824d",
	                   &off, &size, &err),
	    CUSTOMS_ENOTFOUND);
	assert_int_equal(tar_index_find(t, "../manifest.json", &off, &size, &err),
	                 CUSTOMS_ENOTFOUND);
	tar_index_free(t);
	tar_index_free(NULL);

	/* Hard links, symlink loops and escapes, built with GNU tar. */
	char dir[64];
	mktmp(dir, sizeof(dir));
	run("cd %s && mkdir d && printf abc > d/a && ln d/a d/hard && ln -s ../d/a d/soft && "
	    "ln -s loop1 d/loop2 && ln -s loop2 d/loop1 && ln -s ../../../etc/passwd d/escape && "
	    "tar -cf t.tar d && gzip -k t.tar && : > empty.tar && printf 'not a tar at all' > "
	    "junk.tar && "
	    "cd d && tar --no-recursion -cf ../dot.tar a . hard",
	    dir);
	char p[128];
	snprintf(p, sizeof(p), "%s/t.tar", dir);
	assert_int_equal(tar_index_open(&t, p, &err), 0);
	assert_int_equal(tar_index_find(t, "d/a", &off, &size, &err), 0);
	assert_int_equal(size, 3);
	assert_int_equal(tar_index_find(t, "d/hard", &off2, &size2, &err), 0);
	assert_int_equal(off2, off);
	assert_int_equal(size2, 3);
	assert_int_equal(tar_index_find(t, "d/soft", &off2, &size2, &err), 0);
	assert_int_equal(off2, off);
	assert_int_equal(tar_index_find(t, "d/loop1", &off, &size, &err), CUSTOMS_ENOTFOUND);
	assert_int_equal(tar_index_find(t, "d/escape", &off, &size, &err), CUSTOMS_ENOTFOUND);
	struct blob *b = NULL;
	assert_int_equal(tar_index_open_member(t, "d/hard", &b, &err), 0);
	char buf[8];
	assert_int_equal(b->read(b, buf, sizeof(buf), &err), 3);
	assert_memory_equal(buf, "abc", 3);
	blob_close(b);
	tar_index_free(t);
	t = NULL;

	/* A "./" entry (never addressable) between a file and a hard link to it. */
	size_t n;
	snprintf(p, sizeof(p), "%s/dot.tar", dir);
	check_tar_against_libarchive(p, &n);
	assert_int_equal(n, 1);

	snprintf(p, sizeof(p), "%s/t.tar.gz", dir);
	assert_int_equal(tar_index_open(&t, p, &err), CUSTOMS_EUNSUPPORTED);
	assert_non_null(strstr(err.message, "decompress the archive first"));
	snprintf(p, sizeof(p), "%s/empty.tar", dir);
	assert_int_equal(tar_index_open(&t, p, &err), CUSTOMS_EINVAL);
	snprintf(p, sizeof(p), "%s/junk.tar", dir);
	assert_int_equal(tar_index_open(&t, p, &err), CUSTOMS_EINVAL);
	snprintf(p, sizeof(p), "%s/none.tar", dir);
	assert_int_equal(tar_index_open(&t, p, &err), CUSTOMS_ENOTFOUND);
	assert_int_equal(tar_index_open(&t, dir, &err), CUSTOMS_EINVAL);
	assert_null(t);
	/* A truncated archive must not index members whose bytes are missing. */
	run("cd %s && head -c 1100 t.tar > cut.tar", dir);
	snprintf(p, sizeof(p), "%s/cut.tar", dir);
	if (tar_index_open(&t, p, &err) == 0) {
		assert_int_equal(
		    tar_index_find(t, "d/a", &off, &size, &err) == 0 ? off + size <= 1100 : 1, 1);
		tar_index_free(t);
	}
	rmtree(dir);
}

/* --- dispatch and reference splitting ------------------------------------ */

static void test_dispatch(void **state)
{
	customs_error err = {0};
	struct source *s = NULL;
	assert_int_equal(source_open(&s, "", NULL, &err), CUSTOMS_EUSAGE);
	assert_int_equal(source_open(&s, NULL, NULL, &err), CUSTOMS_EUSAGE);
	assert_int_equal(source_open(&s, "oci:", NULL, &err), CUSTOMS_EUSAGE);
	if (!&source_docker_ops) {
		assert_int_equal(source_open(&s, "alpine:3.20", NULL, &err), CUSTOMS_EUNSUPPORTED);
		assert_non_null(strstr(err.message, "registry references are not supported"));
		assert_int_equal(source_open(&s, "docker://alpine", NULL, &err),
		                 CUSTOMS_EUNSUPPORTED);
		assert_int_equal(source_open(&s, "localhost:5000/x", NULL, &err),
		                 CUSTOMS_EUNSUPPORTED);
	}
	assert_null(s);
	assert_int_equal(source_open(&s, "rootfs:/nonexistent-customs", NULL, &err),
	                 CUSTOMS_ENOTFOUND);
	assert_int_equal(source_open(&s, "oci:/nonexistent-customs", NULL, &err),
	                 CUSTOMS_ENOTFOUND);
	assert_int_equal(source_open(&s, "oci-archive:/nonexistent-customs", NULL, &err),
	                 CUSTOMS_ENOTFOUND);
	assert_int_equal(source_open(&s, "docker-archive:/nonexistent-customs", NULL, &err),
	                 CUSTOMS_ENOTFOUND);
	assert_null(s);
	source_close(NULL);
}

static void split_case(const char *spec, const char *want_path, const char *want_tag)
{
	char *p = NULL, *t = NULL;
	customs_error err = {0};
	assert_int_equal(source_split_tag(&p, &t, spec, &err), 0);
	assert_string_equal(p, want_path);
	if (want_tag)
		assert_string_equal(t, want_tag);
	else
		assert_null(t);
	free(p);
	free(t);
}

static void test_split_tag(void **state)
{
	char dir[64], buf[256], buf2[256];
	mktmp(dir, sizeof(dir));
	run("mkdir '%s/lay:out' '%s/plain' && touch '%s/f.tar'", dir, dir, dir);
	snprintf(buf, sizeof(buf), "%s/lay:out", dir);
	split_case(buf, buf, NULL); /* the whole spec exists: no tag */
	snprintf(buf, sizeof(buf), "%s/lay:out:v1", dir);
	snprintf(buf2, sizeof(buf2), "%s/lay:out", dir);
	split_case(buf, buf2, "v1");
	snprintf(buf, sizeof(buf), "%s/plain:latest", dir);
	snprintf(buf2, sizeof(buf2), "%s/plain", dir);
	split_case(buf, buf2, "latest");
	snprintf(buf, sizeof(buf), "%s/f.tar:localhost:5000/name:tag", dir);
	snprintf(buf2, sizeof(buf2), "%s/f.tar", dir);
	split_case(buf, buf2, "localhost:5000/name:tag");
	/* Nothing exists: the last ':' splits unless a '/' follows it. */
	split_case("/nonexistent/x:tag", "/nonexistent/x", "tag");
	split_case("/nonexistent/x:5000/y", "/nonexistent/x:5000/y", NULL);
	split_case("/nonexistent/x:", "/nonexistent/x:", NULL);
	split_case(":tag", ":tag", NULL);
	rmtree(dir);
}

/* --- oci ----------------------------------------------------------------- */

static void test_oci_layouts(void **state)
{
	struct image *img;
	struct source *src;
	customs_error err = {0};
	const char *valid_manifest =
	    "sha256:c1ed04a3da941a5dd09b58b16c37f065557863d382ef97995ddac885a8452ebb";

	/* Two entries (tags "latest" and "1.0") naming one image: no tag needed. */
	assert_int_equal(
	    resolve(&img, &src, refs("oci", data(SO "valid_oci_dir"), NULL), NULL, &err), 0);
	assert_string_equal(img->transport, "oci");
	assert_string_equal(img->manifest_digest, valid_manifest);
	assert_string_equal(
	    img->config_digest,
	    "sha256:61ee19e869a529075634f762c1eb191962777e0803598758cbf076edfadfb046");
	assert_int_equal(img->n_layers, 1);
	assert_string_equal(
	    img->layers[0].digest,
	    "sha256:00ffd085e9e7c06d20fdc61119a8d08e5c8bd3c1c320d10494ce6ed86691c06c");
	assert_string_equal(
	    img->layers[0].diff_id,
	    "sha256:7cec5b0994b7ef959705617ab9c8bbd495446c4a80afa28aba0490f16772c9b3");
	assert_string_equal(img->layers[0].media_type,
	                    "application/vnd.oci.image.layer.v1.tar+gzip");
	assert_int_equal(img->layers[0].size, 120);
	assert_string_equal(img->config.platform.architecture, "amd64");
	struct blob *b = NULL;
	char d[SHA256_DIGEST_STRING_LEN + 1];
	int64_t total;
	assert_int_equal(src->ops->layer_open(src, img, 0, &b, &err), 0);
	blob_digest(b, d, &total);
	assert_string_equal(d, img->layers[0].digest);
	assert_int_equal(total, 120);
	blob_close(b);
	assert_int_equal(src->ops->layer_open(src, img, 1, &b, &err), CUSTOMS_EINVAL);
	image_free(img);
	source_close(src);

	assert_int_equal(
	    resolve(&img, &src, refs("oci", data(SO "valid_oci_dir"), "1.0"), NULL, &err), 0);
	assert_string_equal(img->manifest_digest, valid_manifest);
	image_free(img);
	source_close(src);
	assert_int_equal(resolve_rc(refs("oci", data(SO "valid_oci_dir"), "2.0"), NULL, &err),
	                 CUSTOMS_ENOTFOUND);
	assert_non_null(strstr(err.message, "latest, 1.0"));

	/* go-containerregistry: four tags, nested index and manifest list. */
	assert_int_equal(resolve_rc(refs("oci", data(LY "test_index"), NULL), NULL, &err),
	                 CUSTOMS_EAMBIGUOUS);
	assert_non_null(strstr(err.message, "tags: 1, 2, 3, 4"));
	const char *tags[] = {"1", "3", "4"};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(
		    resolve(&img, &src, refs("oci", data(LY "test_index"), tags[i]), NULL, &err),
		    0);
		assert_string_equal(
		    img->manifest_digest,
		    "sha256:eebff607b1628d67459b0596643fc07de70d702eccf030f0bc7bb6fc2b278650");
		assert_string_equal(
		    img->layers[0].diff_id,
		    "sha256:8897395fd26dc44ad0e2a834335b33198cb41ac4d98dfddf58eced3853fa7b17");
		image_free(img);
		source_close(src);
	}
	assert_int_equal(resolve_rc(refs("oci", data(LY "test_index"), "2"), NULL, &err),
	                 CUSTOMS_EUNSUPPORTED);
	assert_non_null(strstr(err.message, "application/vnd.oci.descriptor.v1+json"));
	assert_int_equal(resolve_rc(refs("oci", data(LY "test_index"), "5"), NULL, &err),
	                 CUSTOMS_ENOTFOUND);
	assert_int_equal(
	    resolve_rc(refs("oci", data(LY "test_gc_image_unknown_mediatype"), NULL), NULL, &err),
	    CUSTOMS_EUNSUPPORTED);
	assert_int_equal(
	    resolve_rc(refs("oci", data(LY "test_index_media_type"), NULL), NULL, &err),
	    CUSTOMS_EUNSUPPORTED);
	assert_non_null(strstr(err.message, "helm"));
	assert_int_equal(
	    resolve(&img, &src, refs("oci", data(LY "test_index_one_image"), NULL), NULL, &err), 0);
	assert_string_equal(
	    img->config_digest,
	    "sha256:381d958b555884ba59574ab5c066e9f6116b5aec3567675aa13bec63331f0810");
	image_free(img);
	source_close(src);
	/* stereoscope's broken layouts have no oci-layout file at all. */
	assert_int_equal(resolve_rc(refs("oci", data(SO "no_manifests"), NULL), NULL, &err),
	                 CUSTOMS_ENOTFOUND);
	assert_non_null(strstr(err.message, "oci-layout"));
}

static void test_oci_multiplatform(void **state)
{
	struct image *img;
	struct source *src;
	customs_error err = {0};
	const char *mp = data(SO "multiplatform_oci_dir");
	static const struct {
		const char *platform, *manifest, *arch;
	} cases[] = {
	    {"linux/amd64",
	     "sha256:e7c26a4b4d156fd9947ee82295b7b78acf7aa54b93b8f3e4b9f608179ffb20e8", "amd64"},
	    {"linux/arm64",
	     "sha256:5ed07065bcbc6c52e3ad28526557d7b6833613fc79257b1a786de85e37c03b05", "arm64"},
	    {"linux/arm64/v8",
	     "sha256:5ed07065bcbc6c52e3ad28526557d7b6833613fc79257b1a786de85e37c03b05", "arm64"},
	    {"linux/aarch64",
	     "sha256:5ed07065bcbc6c52e3ad28526557d7b6833613fc79257b1a786de85e37c03b05", "arm64"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(
		    resolve(&img, &src, refs("oci", mp, "latest"), cases[i].platform, &err), 0);
		assert_string_equal(img->manifest_digest, cases[i].manifest);
		assert_string_equal(img->config.platform.architecture, cases[i].arch);
		image_free(img);
		source_close(src);
	}
	assert_int_equal(resolve_rc(refs("oci", mp, NULL), "linux/s390x", &err), CUSTOMS_ENOTFOUND);
	assert_non_null(strstr(err.message, "linux/s390x"));
	assert_non_null(strstr(err.message, "the index has: linux/amd64, linux/arm64"));
	assert_int_equal(resolve_rc(refs("oci", mp, NULL), "linux/arm64/v7", &err),
	                 CUSTOMS_ENOTFOUND);
	assert_int_equal(resolve_rc(refs("oci", mp, NULL), "nonsense", &err), CUSTOMS_EUSAGE);
}

/* Copies a fixture layout into a fresh temporary folder. */
static void copy_layout(char *dir, size_t n, const char *fixture)
{
	mktmp(dir, n);
	run("cp -r '%s'/. '%s'/", data(fixture), dir);
}

static void test_oci_hostile(void **state)
{
	char dir[64];
	customs_error err = {0};
	const char *marker = "{\"imageLayoutVersion\":\"1.0.0\"}";

	/* stereoscope's layouts with their oci-layout added back. */
	copy_layout(dir, sizeof(dir), SO "valid_manifest");
	write_file(dir, "oci-layout", marker, strlen(marker));
	assert_int_equal(resolve_rc(refs("oci", dir, NULL), "linux/arm", &err), CUSTOMS_EINTEGRITY);
	rmtree(dir);
	copy_layout(dir, sizeof(dir), SO "no_manifests");
	write_file(dir, "oci-layout", marker, strlen(marker));
	assert_int_equal(resolve_rc(refs("oci", dir, NULL), NULL, &err), CUSTOMS_EINVAL);
	assert_non_null(strstr(err.message, "index.json"));
	rmtree(dir);
	copy_layout(dir, sizeof(dir), SO "invalid_file");
	write_file(dir, "oci-layout", marker, strlen(marker));
	assert_int_equal(resolve_rc(refs("oci", dir, NULL), NULL, &err), CUSTOMS_EINVAL);
	rmtree(dir);

	copy_layout(dir, sizeof(dir), SO "valid_oci_dir");
	const char *m =
	    "blobs/sha256/c1ed04a3da941a5dd09b58b16c37f065557863d382ef97995ddac885a8452ebb";
	const char *cfg =
	    "blobs/sha256/61ee19e869a529075634f762c1eb191962777e0803598758cbf076edfadfb046";
	/* The layout version must be 1.x. */
	write_file(dir, "oci-layout", "{\"imageLayoutVersion\":\"2.0.0\"}", 30);
	assert_int_equal(resolve_rc(refs("oci", dir, NULL), NULL, &err), CUSTOMS_EUNSUPPORTED);
	write_file(dir, "oci-layout", "{\"imageLayoutVersion\":1}", 24);
	assert_int_equal(resolve_rc(refs("oci", dir, NULL), NULL, &err), CUSTOMS_EINVAL);
	write_file(dir, "oci-layout", marker, strlen(marker));

	/* A config blob replaced by other bytes of the same size. */
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, cfg);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	char *junk = calloc(1, (size_t)st.st_size);
	memset(junk, ' ', (size_t)st.st_size);
	run("cp '%s' '%s.orig'", path, path);
	write_file(dir, cfg, junk, (size_t)st.st_size);
	free(junk);
	assert_int_equal(resolve_rc(refs("oci", dir, NULL), NULL, &err), CUSTOMS_EINTEGRITY);
	assert_non_null(strstr(err.message, "expected sha256:61ee19e869a5"));
	assert_non_null(strstr(err.message, "got sha256:"));
	/* One byte longer, and one byte shorter. */
	run("cp '%s.orig' '%s' && printf x >> '%s'", path, path, path);
	assert_int_equal(resolve_rc(refs("oci", dir, NULL), NULL, &err), CUSTOMS_EINTEGRITY);
	run("head -c %lld '%s.orig' > '%s'", (long long)st.st_size - 1, path, path);
	assert_int_equal(resolve_rc(refs("oci", dir, NULL), NULL, &err), CUSTOMS_EINTEGRITY);
	/* A symlinked blob is refused even when it points at the right bytes. */
	run("rm '%s' && ln -s '%s.orig' '%s'", path, path, path);
	assert_int_equal(resolve_rc(refs("oci", dir, NULL), NULL, &err), CUSTOMS_EINVAL);
	assert_non_null(strstr(err.message, "symlink"));
	run("rm '%s' && mv '%s.orig' '%s'", path, path, path);
	assert_int_equal(resolve_rc(refs("oci", dir, NULL), NULL, &err), 0);

	/* A manifest whose layer count disagrees with the config's diff_ids. */
	const char *two = "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST
	                  "\",\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"sha256:"
	                  "61ee19e869a529075634f762c1eb191962777e0803598758cbf076edfadfb046\","
	                  "\"size\":433},\"layers\":[]}";
	char dg[SHA256_DIGEST_STRING_LEN + 1], idx[1024], rel[128];
	sha256_digest_of(dg, two, strlen(two));
	snprintf(rel, sizeof(rel), "blobs/sha256/%s", dg + 7);
	write_file(dir, rel, two, strlen(two));
	snprintf(idx, sizeof(idx),
	         "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" MT_OCI_MANIFEST
	         "\",\"digest\":\"%s\",\"size\":%zu}]}",
	         dg, strlen(two));
	write_file(dir, "index.json", idx, strlen(idx));
	assert_int_equal(resolve_rc(refs("oci", dir, NULL), NULL, &err), CUSTOMS_EINVAL);
	assert_non_null(strstr(err.message, "0 layers but the config 1 diff_ids"));

	/* Digests in index.json that must never become paths. */
	const char *bad[] = {
	    "sha256:../../../../../../../../etc/passwd",
	    "sha256:../blobs/sha256/c1ed04a3da941a5dd09b58b16c37f065557863d382ef97995ddac8",
	    "../../etc/passwd"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(idx, sizeof(idx),
		         "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" MT_OCI_MANIFEST
		         "\",\"digest\":\"%s\",\"size\":401}]}",
		         bad[i]);
		write_file(dir, "index.json", idx, strlen(idx));
		assert_int_equal(resolve_rc(refs("oci", dir, NULL), NULL, &err), CUSTOMS_EINVAL);
		assert_non_null(strstr(err.message, "invalid digest"));
	}
	snprintf(idx, sizeof(idx),
	         "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" MT_OCI_MANIFEST
	         "\",\"digest\":\"sha512:%0128d\",\"size\":401}]}",
	         0);
	write_file(dir, "index.json", idx, strlen(idx));
	assert_int_equal(resolve_rc(refs("oci", dir, NULL), NULL, &err), CUSTOMS_EUNSUPPORTED);
	/* A size far over the manifest cap is refused before anything is read. */
	snprintf(idx, sizeof(idx),
	         "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" MT_OCI_MANIFEST
	         "\",\"digest\":\"sha256:%s\",\"size\":9223372036854775807}]}",
	         m + 13);
	write_file(dir, "index.json", idx, strlen(idx));
	assert_int_equal(resolve_rc(refs("oci", dir, NULL), NULL, &err), CUSTOMS_ETOOLARGE);
	write_file(dir, "index.json", "{\"schemaVersion\":2,\"manifests\":[]}", 34);
	assert_int_equal(resolve_rc(refs("oci", dir, NULL), NULL, &err), CUSTOMS_ENOTFOUND);
	rmtree(dir);
}

/* Resolves ref and returns "manifest config layer-digests diff-ids" plus the
 * sha256 of each layer's bytes as read through the source. */
static void image_summary(char *out, size_t n, const char *ref, const char *platform)
{
	struct image *img;
	struct source *src;
	customs_error err = {0};
	if (resolve(&img, &src, ref, platform, &err))
		fail_msg("%s: %s", ref, err.message);
	size_t o = (size_t)snprintf(out, n, "%s %s", img->manifest_digest, img->config_digest);
	for (size_t i = 0; i < img->n_layers; i++) {
		struct blob *b = NULL;
		char d[SHA256_DIGEST_STRING_LEN + 1];
		int64_t total;
		assert_int_equal(src->ops->layer_open(src, img, i, &b, &err), 0);
		blob_digest(b, d, &total);
		blob_close(b);
		assert_string_equal(d, img->layers[i].digest);
		o += (size_t)snprintf(out + o, n - o, " %s %s %s %lld", img->layers[i].digest,
		                      img->layers[i].diff_id, d, (long long)total);
	}
	image_free(img);
	source_close(src);
}

static void test_oci_archive_matches_folder(void **state)
{
	char dir[64], a[1024], b[1024], ref[256];
	mktmp(dir, sizeof(dir));
	char valid[PATH_MAX * 2], multi[PATH_MAX * 2];
	snprintf(valid, sizeof(valid), "%s", data(SO "valid_oci_dir"));
	snprintf(multi, sizeof(multi), "%s", data(SO "multiplatform_oci_dir"));
	run("tar -C '%s' -cf '%s/valid.tar' . && tar -C '%s' -cf '%s/multi.tar' . && gzip -k "
	    "'%s/multi.tar'",
	    valid, dir, multi, dir, dir);
	image_summary(a, sizeof(a), refs("oci", data(SO "valid_oci_dir"), NULL), NULL);
	snprintf(ref, sizeof(ref), "oci-archive:%s/valid.tar", dir);
	image_summary(b, sizeof(b), ref, NULL);
	assert_string_equal(a, b);
	image_summary(a, sizeof(a), refs("oci", data(SO "multiplatform_oci_dir"), "latest"),
	              "linux/arm64");
	snprintf(ref, sizeof(ref), "oci-archive:%s/multi.tar:latest", dir);
	image_summary(b, sizeof(b), ref, "linux/arm64");
	assert_string_equal(a, b);
	/* stereoscope's own tarred layout (tagged "sample:latest") holds the same image. */
	image_summary(a, sizeof(a), refs("oci", data(SO "valid_oci_dir"), "latest"), NULL);
	image_summary(b, sizeof(b), refs("oci-archive", data(SO "valid-oci.tar"), "sample:latest"),
	              NULL);
	assert_string_equal(a, b);
	customs_error err = {0};
	snprintf(ref, sizeof(ref), "oci-archive:%s/multi.tar.gz", dir);
	assert_int_equal(resolve_rc(ref, NULL, &err), CUSTOMS_EUNSUPPORTED);
	assert_non_null(strstr(err.message, "decompress"));
	/* Docker 25's index.json says "manifests": null. */
	assert_int_equal(
	    resolve_rc(refs("oci-archive", data(TB "hello-world-v25.tar"), NULL), NULL, &err),
	    CUSTOMS_EINVAL);
	assert_non_null(strstr(err.message, "manifests"));
	rmtree(dir);
}

/* --- docker-archive ------------------------------------------------------- */

static void test_docker_archive(void **state)
{
	struct image *img;
	struct source *src;
	customs_error err = {0};

	assert_int_equal(resolve(&img, &src,
	                         refs("docker-archive", data(TB "hello-world-v25.tar"), NULL), NULL,
	                         &err),
	                 0);
	assert_string_equal(img->transport, "docker-archive");
	assert_null(img->manifest_digest);
	assert_string_equal(
	    img->config_digest,
	    "sha256:ee301c921b8aadc002973b2e0c3da17d701dcd994b606769a7e6eaa100b81d44");
	assert_int_equal(img->n_layers, 1);
	assert_string_equal(
	    img->layers[0].digest,
	    "sha256:12660636fe55438cc3ae7424da7ac56e845cdb52493ff9cf949c47a7f57f8b43");
	assert_int_equal(img->layers[0].size, 10752);
	image_free(img);
	source_close(src);
	char a[1024];
	image_summary(a, sizeof(a), refs("docker-archive", data(TB "hello-world-v25.tar"), NULL),
	              NULL);

	assert_int_equal(
	    resolve_rc(refs("docker-archive", data(TB "test_bundle.tar"), NULL), NULL, &err),
	    CUSTOMS_EAMBIGUOUS);
	assert_non_null(strstr(err.message, "test_image_2:latest, test_image_1:latest"));
	static const struct {
		const char *tag, *config, *diff_id;
	} bundle[] = {
	    {"test_image_1",
	     "sha256:6e0b05049ed9c17d02e1a55e80d6599dbfcce7f4f4b022e3c673e685789c470e",
	     "sha256:8897395fd26dc44ad0e2a834335b33198cb41ac4d98dfddf58eced3853fa7b17"},
	    {"test_image_2:latest",
	     "sha256:930705ce23e3b6ed4c08746b6fe880089c864fbaf62482702ae3fdd66b8c7fe9",
	     "sha256:3610aa5267a210147ba6ca02cdd87610dfc08522de9c5f5015edd8ee14853fd8"},
	};
	for (int i = 0; i < 2; i++) {
		assert_int_equal(
		    resolve(&img, &src,
		            refs("docker-archive", data(TB "test_bundle.tar"), bundle[i].tag), NULL,
		            &err),
		    0);
		assert_string_equal(img->config_digest, bundle[i].config);
		assert_string_equal(img->layers[0].diff_id, bundle[i].diff_id);
		assert_null(img->layers[0].digest);
		assert_int_equal(img->layers[0].size, 10240);
		image_free(img);
		source_close(src);
	}
	assert_int_equal(
	    resolve_rc(refs("docker-archive", data(TB "test_bundle.tar"), "test_image_3"), NULL,
	               &err),
	    CUSTOMS_ENOTFOUND);
	assert_non_null(strstr(err.message, "test_image_3:latest"));

	/* test_link: the first layer of image 3 is a symlink to image 1's layer. */
	assert_int_equal(resolve(&img, &src,
	                         refs("docker-archive", data(TB "test_link.tar"),
	                              "bazel/v1/tarball:test_image_3"),
	                         NULL, &err),
	                 0);
	assert_int_equal(img->n_layers, 2);
	assert_int_equal(img->layers[0].size, 10240);
	assert_int_equal(img->layers[1].size, 2048);
	struct blob *b = NULL;
	char d1[SHA256_DIGEST_STRING_LEN + 1], d2[SHA256_DIGEST_STRING_LEN + 1];
	int64_t total;
	assert_int_equal(src->ops->layer_open(src, img, 0, &b, &err), 0);
	blob_digest(b, d1, &total);
	blob_close(b);
	image_free(img);
	source_close(src);
	assert_int_equal(resolve(&img, &src,
	                         refs("docker-archive", data(TB "test_link.tar"),
	                              "bazel/v1/tarball:test_image_1"),
	                         NULL, &err),
	                 0);
	assert_int_equal(src->ops->layer_open(src, img, 0, &b, &err), 0);
	blob_digest(b, d2, &total);
	blob_close(b);
	assert_string_equal(d1, d2);
	image_free(img);
	source_close(src);

	assert_int_equal(
	    resolve_rc(refs("docker-archive", data(TB "no_manifest.tar"), NULL), NULL, &err),
	    CUSTOMS_ENOTFOUND);
	assert_non_null(strstr(err.message, "manifest.json is missing"));
	assert_int_equal(
	    resolve_rc(refs("docker-archive", data(TB "null_manifest.tar"), NULL), NULL, &err),
	    CUSTOMS_EINVAL);
	/* That fixture's config was rewritten after being named by its digest. */
	assert_int_equal(resolve_rc(refs("docker-archive",
	                                 data("go-containerregistry/v1/mutate/testdata/"
	                                      "source_image_with_empty_layer_history.tar"),
	                                 NULL),
	                            NULL, &err),
	                 CUSTOMS_EINTEGRITY);
	assert_non_null(strstr(err.message, "expected sha256:6e0b05049ed9"));
	/* Config named "sha256:<hex>", gzip layers stored as .tar.gz members. */
	assert_int_equal(
	    resolve(&img, &src,
	            refs("docker-archive",
	                 data("go-containerregistry/v1/mutate/testdata/whiteout_dir.tar"),
	                 "localhost:5000/whiteout"),
	            NULL, &err),
	    0);
	assert_string_equal(
	    img->config_digest,
	    "sha256:92f1e3d53acdc7e137e73869abc4e87aba6614440a31723423790ca0d5db9111");
	assert_int_equal(img->n_layers, 4);
	image_free(img);
	source_close(src);
	assert_int_equal(
	    resolve(&img, &src,
	            refs("docker-archive",
	                 data("containers-image/docker/archive/fixtures/almostempty.tar"),
	                 "emptyimage"),
	            NULL, &err),
	    0);
	assert_string_equal(
	    img->layers[0].diff_id,
	    "sha256:0b916d257bd406111a3fced53f81b47de9a30f7c7d514a89769b3483aaddca7e");
	image_free(img);
	source_close(src);
	assert_int_equal(
	    resolve_rc(refs("docker-archive",
	                    data("alpine-minirootfs/alpine-minirootfs-3.20.3-x86_64.tar.gz"), NULL),
	               NULL, &err),
	    CUSTOMS_EUNSUPPORTED);
	assert_non_null(strstr(err.message, "decompress the archive first"));
}

static void test_docker_archive_manifest_parse(void **state)
{
	struct docker_archive_entry *e = NULL;
	size_t n = 99;
	customs_error err = {0};
	const char *ok =
	    "[{\"Config\":\"c.json\",\"RepoTags\":[\"a\",\"b:1\",\"h:5000/c\"],"
	    "\"Layers\":[\"l1/layer.tar\",\"l2/layer.tar\"]},{\"Config\":\"d\",\"Layers\":[]}]";
	assert_int_equal(docker_archive_manifest_parse(&e, &n, ok, strlen(ok), &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(e[0].config, "c.json");
	assert_int_equal(e[0].n_repo_tags, 3);
	assert_string_equal(e[0].repo_tags[0], "a:latest");
	assert_string_equal(e[0].repo_tags[1], "b:1");
	assert_string_equal(e[0].repo_tags[2], "h:5000/c:latest");
	assert_int_equal(e[0].n_layers, 2);
	assert_string_equal(e[0].layers[1], "l2/layer.tar");
	assert_int_equal(e[1].n_repo_tags, 0);
	docker_archive_entries_free(e, n);
	e = NULL;
	n = 99;
	assert_int_equal(docker_archive_manifest_parse(&e, &n, "[]", 2, &err), 0);
	assert_int_equal(n, 0);
	static const char *bad[] = {
	    "",
	    "[",
	    "null",
	    "{}",
	    "[1]",
	    "[{}]",
	    "[{\"Config\":1,\"Layers\":[]}]",
	    "[{\"Config\":\"c\"}]",
	    "[{\"Config\":\"c\",\"Layers\":\"x\"}]",
	    "[{\"Config\":\"c\",\"Layers\":[1]}]",
	    "[{\"Config\":\"c\",\"Layers\":[],\"RepoTags\":[null]}]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = NULL;
		if (docker_archive_manifest_parse(&e, &n, bad[i], strlen(bad[i]), &err) !=
		    CUSTOMS_EINVAL)
			fail_msg("accepted: %s", bad[i]);
		assert_null(e);
	}
	/* LIMIT_LAYERS layers are accepted, one more is not. */
	for (size_t count = LIMIT_LAYERS; count <= LIMIT_LAYERS + 1; count++) {
		size_t cap = 64 + count * 8;
		char *p = malloc(cap);
		size_t o = (size_t)snprintf(p, cap, "[{\"Config\":\"c\",\"Layers\":[");
		for (size_t i = 0; i < count; i++)
			o += (size_t)snprintf(p + o, cap - o, "%s\"l\"", i ? "," : "");
		o += (size_t)snprintf(p + o, cap - o, "]}]");
		e = NULL;
		int rc = docker_archive_manifest_parse(&e, &n, p, o, &err);
		assert_int_equal(rc, count <= LIMIT_LAYERS ? 0 : CUSTOMS_ETOOLARGE);
		if (!rc)
			docker_archive_entries_free(e, n);
		free(p);
	}
	char *r = docker_ref_normalise("name@sha256:abc");
	assert_string_equal(r, "name@sha256:abc");
	free(r);
}

/* --- rootfs ----------------------------------------------------------------- */

static void assert_normalised(const char *in, const char *want)
{
	char *got = docker_ref_normalise(in);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* RepoTags written by skopeo carry docker.io/library/; users write "alpine:3". */
static void test_docker_ref_normalise(void **state)
{
	assert_normalised("alpine", "alpine:latest");
	assert_normalised("alpine:3.12", "alpine:3.12");
	assert_normalised("docker.io/library/alpine:3.12", "alpine:3.12");
	assert_normalised("index.docker.io/library/alpine", "alpine:latest");
	assert_normalised("docker.io/foo/bar", "foo/bar:latest");
	assert_normalised("localhost:5000/x", "localhost:5000/x:latest");
	assert_normalised("localhost:5000/x:1", "localhost:5000/x:1");
	assert_normalised("quay.io/docker.io/library/x:1", "quay.io/docker.io/library/x:1");
}

static void test_rootfs(void **state)
{
	struct image *img;
	struct source *src;
	customs_error err = {0};
	char dir[64], real[PATH_MAX];
	mktmp(dir, sizeof(dir));
	run("mkdir -p '%s/root/etc' && touch '%s/file'", dir, dir);
	char ref[256];
	snprintf(ref, sizeof(ref), "rootfs:%s/root/etc/..", dir);
	assert_int_equal(resolve(&img, &src, ref, NULL, &err), 0);
	snprintf(ref, sizeof(ref), "%s/root", dir);
	assert_non_null(realpath(ref, real));
	assert_string_equal(img->rootfs_dir, real);
	assert_string_equal(img->transport, "rootfs");
	assert_int_equal(img->n_layers, 0);
	assert_null(img->manifest_digest);
	assert_string_equal(img->config.platform.os, "linux");
	struct blob *b = NULL;
	assert_int_equal(src->ops->layer_open(src, img, 0, &b, &err), CUSTOMS_EINVAL);
	image_free(img);
	source_close(src);
	snprintf(ref, sizeof(ref), "rootfs:%s/file", dir);
	assert_int_equal(resolve_rc(ref, NULL, &err), CUSTOMS_EINVAL);
	snprintf(ref, sizeof(ref), "rootfs:%s/none", dir);
	assert_int_equal(resolve_rc(ref, NULL, &err), CUSTOMS_ENOTFOUND);
	rmtree(dir);
}

/* --- layers opened from several threads ---------------------------------------- */

struct thread_arg {
	struct source *src;
	const struct image *img;
	char digest[4][SHA256_DIGEST_STRING_LEN + 1];
};

static void *read_layers(void *p)
{
	struct thread_arg *a = p;
	for (int round = 0; round < 20; round++)
		for (size_t i = 0; i < a->img->n_layers; i++) {
			struct blob *b = NULL;
			customs_error err = {0};
			int64_t total;
			if (a->src->ops->layer_open(a->src, a->img, i, &b, &err))
				return NULL;
			blob_digest(b, a->digest[i], &total);
			blob_close(b);
		}
	return p;
}

static void test_parallel_layer_reads(void **state)
{
	struct image *img;
	struct source *src;
	customs_error err = {0};
	assert_int_equal(
	    resolve(&img, &src,
	            refs("docker-archive",
	                 data("go-containerregistry/v1/mutate/testdata/whiteout_image.tar"), NULL),
	            NULL, &err),
	    0);
	assert_int_equal(img->n_layers, 3);
	struct thread_arg args[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		args[i].src = src;
		args[i].img = img;
		assert_int_equal(pthread_create(&th[i], NULL, read_layers, &args[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		void *r;
		assert_int_equal(pthread_join(th[i], &r), 0);
		assert_non_null(r);
	}
	for (int i = 1; i < 4; i++)
		for (size_t l = 0; l < 3; l++)
			assert_string_equal(args[i].digest[l], args[0].digest[l]);
	/* The layers are uncompressed tars: their sha256 is the config's diff_id. */
	for (size_t l = 0; l < 3; l++)
		assert_string_equal(args[0].digest[l], img->layers[l].diff_id);
	image_free(img);
	source_close(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_blobs),
	    cmocka_unit_test(test_tar_index_offsets),
	    cmocka_unit_test(test_tar_index_links_and_errors),
	    cmocka_unit_test(test_dispatch),
	    cmocka_unit_test(test_split_tag),
	    cmocka_unit_test(test_oci_layouts),
	    cmocka_unit_test(test_oci_multiplatform),
	    cmocka_unit_test(test_oci_hostile),
	    cmocka_unit_test(test_oci_archive_matches_folder),
	    cmocka_unit_test(test_docker_archive),
	    cmocka_unit_test(test_docker_archive_manifest_parse),
	    cmocka_unit_test(test_docker_ref_normalise),
	    cmocka_unit_test(test_rootfs),
	    cmocka_unit_test(test_parallel_layer_reads),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
