/* OCI image layouts ("oci:DIR[:TAG]"): oci-layout, index.json and
 * content-addressed blobs, read through a layout_fs (folder or tar). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/image.h"
#include "source/source_internal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/sha256.h"
#include "util/strutil.h"

#define MT_DOCKER_SCHEMA1        "application/vnd.docker.distribution.manifest.v1+json"
#define MT_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"
#define BLOB_PATH_MAX            (sizeof("blobs/sha256/") + 64)

/* --- layout files from a folder ------------------------------------------ */

struct dir_fs {
	struct layout_fs base;
	int dirfd;
};

/* Opens rel below the layout folder, refusing symlinks at every step so that
 * a hostile layout cannot make us read files outside it. */
static int dir_fs_open(struct layout_fs *fs, const char *rel, struct blob **out, customs_error *err)
{
	struct dir_fs *d = (struct dir_fs *)fs;
	char *copy = strdup(rel);
	int cur = d->dirfd, fd = -1, rc = CUSTOMS_OK;
	if (!copy)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	for (char *comp = copy, *slash;; comp = slash + 1) {
		slash = strchr(comp, '/');
		if (slash)
			*slash = '\0';
		int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (slash ? O_DIRECTORY : O_NONBLOCK);
		fd = openat(cur, comp, flags);
		if (cur != d->dirfd)
			close(cur);
		if (fd < 0) {
			int e = errno;
			rc = err_set(err,
			             e == ENOENT ? CUSTOMS_ENOTFOUND
			                         : (e == ELOOP ? CUSTOMS_EINVAL : CUSTOMS_EIO),
			             "%s: %s", rel,
			             e == ELOOP ? "is a symlink, refused" : strerror(e));
			goto out;
		}
		if (!slash)
			break;
		cur = fd;
	}
	rc = blob_from_owned_fd(out, fd, rel, err);
out:
	free(copy);
	return rc;
}

static void dir_fs_free(struct layout_fs *fs)
{
	struct dir_fs *d = (struct dir_fs *)fs;
	if (!d)
		return;
	if (d->dirfd >= 0)
		close(d->dirfd);
	free(d);
}

int layout_fs_dir_open(struct layout_fs **out, const char *dir, customs_error *err)
{
	struct dir_fs *d = calloc(1, sizeof(*d));
	if (!d)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	d->base.open = dir_fs_open;
	d->base.free = dir_fs_free;
	d->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->dirfd < 0) {
		int e = errno;
		free(d);
		return err_set(err, e == ENOENT ? CUSTOMS_ENOTFOUND : CUSTOMS_EIO, "%s: %s", dir,
		               e == ENOTDIR ? "not a folder" : strerror(e));
	}
	*out = &d->base;
	return CUSTOMS_OK;
}

/* --- layout files from a tar ---------------------------------------------- */

struct tar_fs {
	struct layout_fs base;
	const struct tar_index *t;
};

static int tar_fs_open(struct layout_fs *fs, const char *rel, struct blob **out, customs_error *err)
{
	return tar_index_open_member(((struct tar_fs *)fs)->t, rel, out, err);
}

static void tar_fs_free(struct layout_fs *fs)
{
	free(fs);
}

int layout_fs_tar_new(struct layout_fs **out, const struct tar_index *t, customs_error *err)
{
	struct tar_fs *f = calloc(1, sizeof(*f));
	if (!f)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	f->base.open = tar_fs_open;
	f->base.free = tar_fs_free;
	f->t = t;
	*out = &f->base;
	return CUSTOMS_OK;
}

/* --- the source ----------------------------------------------------------- */

struct oci_source {
	struct source base;
	struct layout_fs *fs;
	struct tar_index *tar;
	char *spec, *tag, *platform;
};

int oci_source_new(struct source **out, const struct source_ops *ops, struct layout_fs *fs,
                   struct tar_index *tar, const char *spec, const char *tag,
                   const customs_scan_options *opts, customs_error *err)
{
	struct oci_source *s = calloc(1, sizeof(*s));
	if (!s || !(s->spec = strdup(spec)) || (tag && !(s->tag = strdup(tag))) ||
	    (opts && opts->platform && !(s->platform = strdup(opts->platform)))) {
		if (s) {
			free(s->spec);
			free(s->tag);
			free(s);
		}
		if (fs)
			fs->free(fs);
		tar_index_free(tar);
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	}
	s->base.ops = ops;
	s->fs = fs;
	s->tar = tar;
	*out = &s->base;
	return CUSTOMS_OK;
}

void oci_source_close(struct source *src)
{
	struct oci_source *s = (struct oci_source *)src;
	if (!s)
		return;
	if (s->fs)
		s->fs->free(s->fs);
	tar_index_free(s->tar);
	free(s->spec);
	free(s->tag);
	free(s->platform);
	free(s);
}

/* The only way a blob path is made: from a digest that passed validation. */
static int blob_path(char out[BLOB_PATH_MAX], const char *digest, customs_error *err)
{
	if (!digest_is_valid_sha256(digest))
		return err_set(err, CUSTOMS_EINVAL,
		               "refusing to open a blob with an invalid digest");
	memcpy(out, "blobs/sha256/", 13);
	memcpy(out + 13, digest + 7, 65);
	return CUSTOMS_OK;
}

/* Reads the blob a descriptor names and checks its size and sha256. */
static int read_verified(char **out, size_t *out_len, struct layout_fs *fs,
                         const struct descriptor *d, size_t max, customs_error *err)
{
	char path[BLOB_PATH_MAX], actual[SHA256_DIGEST_STRING_LEN + 1];
	struct blob *b = NULL;
	char *data = NULL;
	size_t len = 0;
	int rc;
	if ((uint64_t)d->size > max)
		return err_set(err, CUSTOMS_ETOOLARGE,
		               "blob %s: %lld bytes is over the %zu byte limit", d->digest,
		               (long long)d->size, max);
	if ((rc = blob_path(path, d->digest, err)) || (rc = fs->open(fs, path, &b, err)))
		goto out;
	/* One byte more than declared, so a longer blob shows as a size mismatch. */
	if ((rc = blob_read_all(&data, &len, b, (size_t)d->size + 1, path, err)))
		goto out;
	if (len != (size_t)d->size) {
		rc = err_set(err, CUSTOMS_EINTEGRITY,
		             "blob %s: has %s bytes than its descriptor's %lld", d->digest,
		             len > (size_t)d->size ? "more" : "fewer", (long long)d->size);
		goto out;
	}
	sha256_digest_of(actual, data, len);
	if (!digest_equal(actual, d->digest)) {
		rc = err_set(err, CUSTOMS_EINTEGRITY,
		             "blob content does not match: expected %s, got %s", d->digest, actual);
		goto out;
	}
	*out = data;
	*out_len = len;
	data = NULL;
out:
	free(data);
	blob_close(b);
	return rc;
}

static int read_small_file(char **out, size_t *len, struct layout_fs *fs, const char *rel,
                           size_t max, customs_error *err)
{
	struct blob *b = NULL;
	int rc = fs->open(fs, rel, &b, err);
	if (rc == CUSTOMS_ENOTFOUND)
		return err_set(err, rc, "not an OCI layout: %s is missing", rel);
	if (rc == 0)
		rc = blob_read_all(out, len, b, max, rel, err);
	blob_close(b);
	return rc;
}

static int check_layout_marker(struct layout_fs *fs, customs_error *err)
{
	char *data = NULL;
	size_t len;
	json_t *j = NULL;
	const char *v;
	int rc;
	if ((rc = read_small_file(&data, &len, fs, "oci-layout", LIMIT_OCI_LAYOUT_BYTES, err)) ||
	    (rc = json_parse(&j, data, len, LIMIT_OCI_LAYOUT_BYTES, "oci-layout", err)))
		goto out;
	v = json_get_str(j, "imageLayoutVersion");
	if (!v)
		rc = err_set(err, CUSTOMS_EINVAL,
		             "oci-layout: field \"imageLayoutVersion\" must be a string");
	else if (!str_has_prefix(v, "1."))
		rc = err_set(err, CUSTOMS_EUNSUPPORTED,
		             "oci-layout: imageLayoutVersion %.20s is not 1.x", v);
out:
	json_decref(j);
	free(data);
	return rc;
}

static void list_tags(struct buf *b, const struct image_index *idx)
{
	size_t untagged = 0;
	for (size_t i = 0; i < idx->n_manifests; i++) {
		const char *t = idx->manifests[i].ref_name;
		if (!t) {
			untagged++;
			continue;
		}
		char *safe = str_sanitize(t, strnlen(t, 100));
		if (b->len)
			buf_append_str(b, ", ");
		buf_append_str(b, safe ? safe : "?");
		free(safe);
	}
	if (untagged)
		buf_printf(b, "%s%zu untagged", b->len ? ", " : "", untagged);
}

/* Chooses the entry of index.json: by tag, then by identity, then by platform
 * when every candidate declares one. */
static int choose_top(size_t *out, const struct image_index *idx, const char *tag,
                      const char *platform, customs_error *err)
{
	struct descriptor *sub = NULL;
	size_t *cand = NULL, nc = 0, pick;
	struct buf tags;
	int rc = CUSTOMS_OK;
	buf_init(&tags, 600);
	if (idx->n_manifests == 0)
		return err_set(err, CUSTOMS_ENOTFOUND, "index.json lists no images");
	cand = calloc(idx->n_manifests, sizeof(*cand));
	sub = calloc(idx->n_manifests, sizeof(*sub));
	if (!cand || !sub) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < idx->n_manifests; i++)
		if (!tag ||
		    (idx->manifests[i].ref_name && strcmp(idx->manifests[i].ref_name, tag) == 0))
			cand[nc++] = i;
	list_tags(&tags, idx);
	if (nc == 0) {
		char *safe = str_sanitize(tag, strnlen(tag, 100));
		rc = err_set(err, CUSTOMS_ENOTFOUND,
		             "tag \"%s\" not found in the layout; it has: %s", safe ? safe : "?",
		             tags.data ? tags.data : "(nothing)");
		free(safe);
		goto out;
	}
	bool same = true, platforms = true;
	for (size_t k = 0; k < nc; k++) {
		same = same &&
		       strcmp(idx->manifests[cand[k]].digest, idx->manifests[cand[0]].digest) == 0;
		platforms = platforms && idx->manifests[cand[k]].platform.os;
		sub[k] = idx->manifests[cand[k]]; /* shallow: sub never owns anything */
	}
	if (same) {
		*out = cand[0];
	} else if (platforms) {
		struct image_index view = {.manifests = sub, .n_manifests = nc};
		if ((rc = platform_choose(&pick, &view, platform, err)) == 0)
			*out = cand[pick];
	} else if (tag) {
		rc = err_set(err, CUSTOMS_EAMBIGUOUS, "tag \"%.100s\" names %zu different images",
		             tag, nc);
	} else {
		rc = err_set(err, CUSTOMS_EAMBIGUOUS,
		             "the layout holds %zu images and no tag was given (use oci:DIR:TAG); "
		             "tags: %s",
		             nc, tags.data ? tags.data : "(none)");
	}
out:
	buf_free(&tags);
	free(cand);
	free(sub);
	return rc;
}

static int descriptor_copy(struct descriptor *dst, const struct descriptor *src)
{
	struct descriptor d = {0};
	d.size = src->size;
	d.media_type = xstrdup_or_null(src->media_type);
	d.digest = xstrdup_or_null(src->digest);
	if (!d.media_type || !d.digest) {
		descriptor_clear(&d);
		return CUSTOMS_ENOMEM;
	}
	descriptor_clear(dst);
	*dst = d;
	return CUSTOMS_OK;
}

/* Follows nested indexes from d down to an image manifest. */
static int descend(struct image_manifest *m, char **manifest_digest, struct layout_fs *fs,
                   const struct descriptor *top, const char *platform, customs_error *err)
{
	struct descriptor cur = {0};
	char *data = NULL;
	size_t len, pick;
	int rc;
	if ((rc = descriptor_copy(&cur, top)))
		return err_set(err, rc, "out of memory");
	for (int depth = 0;; depth++) {
		const char *mt = cur.media_type;
		free(data);
		data = NULL;
		if (depth > LIMIT_INDEX_DEPTH) {
			rc = err_set(err, CUSTOMS_ETOOLARGE, "indexes nested more than %d deep",
			             LIMIT_INDEX_DEPTH);
			goto out;
		}
		if (image_media_type_is_index(mt)) {
			struct image_index idx = {0};
			if ((rc =
			         read_verified(&data, &len, fs, &cur, LIMIT_MANIFEST_BYTES, err)) ||
			    (rc = image_index_parse(&idx, data, len, err)))
				goto prefixed;
			if (idx.n_manifests == 0)
				rc = err_set(err, CUSTOMS_ENOTFOUND, "the index lists no images");
			else if ((rc = platform_choose(&pick, &idx, platform, err)) == 0 &&
			         (rc = descriptor_copy(&cur, &idx.manifests[pick])))
				err_set(err, rc, "out of memory");
			image_index_clear(&idx);
			if (rc)
				goto prefixed;
			continue;
		}
		if (strcmp(mt, MT_OCI_MANIFEST) == 0 || strcmp(mt, MT_DOCKER_MANIFEST) == 0) {
			if ((rc =
			         read_verified(&data, &len, fs, &cur, LIMIT_MANIFEST_BYTES, err)) ||
			    (rc = image_manifest_parse(m, data, len, err)))
				goto prefixed;
			*manifest_digest = cur.digest;
			cur.digest = NULL;
			goto out;
		}
		char *safe = str_sanitize(mt, strnlen(mt, 120));
		if (strcmp(mt, MT_DOCKER_SCHEMA1) == 0 || strcmp(mt, MT_DOCKER_SCHEMA1_SIGNED) == 0)
			rc = err_set(err, CUSTOMS_EUNSUPPORTED,
			             "Docker schema1 manifests are not supported");
		else
			rc = err_set(err, CUSTOMS_EUNSUPPORTED, "unsupported media type \"%s\"",
			             safe ? safe : "?");
		free(safe);
		goto prefixed;
	}
prefixed:
	err_prefix(err, "%s", cur.digest);
out:
	free(data);
	descriptor_clear(&cur);
	return rc;
}

static int build_image(struct image **out, const char *transport, const char *spec,
                       struct image_manifest *m, char **manifest_digest, struct image_config *c,
                       customs_error *err)
{
	struct image *img = calloc(1, sizeof(*img));
	struct buf ref;
	int rc = CUSTOMS_ENOMEM;
	buf_init(&ref, SIZE_MAX / 2);
	if (!img || buf_printf(&ref, "%s:%s", transport, spec))
		goto out;
	img->reference = buf_take(&ref);
	img->transport = strdup(transport);
	img->config_digest = strdup(m->config.digest);
	if (!img->transport || !img->config_digest ||
	    (m->n_layers && !(img->layers = calloc(m->n_layers, sizeof(*img->layers)))))
		goto out;
	img->n_layers = m->n_layers;
	for (size_t i = 0; i < m->n_layers; i++) {
		struct layer_ref *l = &img->layers[i];
		char path[BLOB_PATH_MAX];
		if (blob_path(path, m->layers[i].digest, err))
			goto out;
		l->size = m->layers[i].size;
		l->media_type = xstrdup_or_null(m->layers[i].media_type);
		l->digest = xstrdup_or_null(m->layers[i].digest);
		l->diff_id = xstrdup_or_null(c->diff_ids[i]);
		l->source_path = strdup(path);
		if (!l->media_type || !l->digest || !l->diff_id || !l->source_path)
			goto out;
	}
	img->manifest_digest = *manifest_digest;
	*manifest_digest = NULL;
	img->config = *c;
	memset(c, 0, sizeof(*c));
	*out = img;
	img = NULL;
	rc = CUSTOMS_OK;
out:
	buf_free(&ref);
	image_free(img);
	return rc ? err_set(err, rc, "out of memory") : rc;
}

int oci_source_resolve(struct source *src, struct image **out, customs_error *err)
{
	struct oci_source *s = (struct oci_source *)src;
	struct image_index idx = {0};
	struct image_manifest m = {0};
	struct image_config c = {0};
	char *data = NULL, *manifest_digest = NULL;
	size_t len, top = 0;
	int rc;

	if ((rc = check_layout_marker(s->fs, err)) ||
	    (rc = read_small_file(&data, &len, s->fs, "index.json", LIMIT_MANIFEST_BYTES, err)))
		goto out;
	if ((rc = image_index_parse(&idx, data, len, err))) {
		err_prefix(err, "index.json");
		goto out;
	}
	if ((rc = choose_top(&top, &idx, s->tag, s->platform, err)) ||
	    (rc = descend(&m, &manifest_digest, s->fs, &idx.manifests[top], s->platform, err)))
		goto out;
	free(data);
	data = NULL;
	if ((rc = read_verified(&data, &len, s->fs, &m.config, LIMIT_CONFIG_BYTES, err)) ||
	    (rc = image_config_parse(&c, data, len, err))) {
		err_prefix(err, "config %s", m.config.digest);
		goto out;
	}
	if (c.n_diff_ids != m.n_layers) {
		rc = err_set(err, CUSTOMS_EINVAL,
		             "the manifest has %zu layers but the config %zu diff_ids", m.n_layers,
		             c.n_diff_ids);
		goto out;
	}
	rc = build_image(out, src->ops->transport, s->spec, &m, &manifest_digest, &c, err);
out:
	free(data);
	free(manifest_digest);
	image_index_clear(&idx);
	image_manifest_clear(&m);
	image_config_clear(&c);
	return rc;
}

int oci_source_layer_open(struct source *src, const struct image *img, size_t i, struct blob **out,
                          customs_error *err)
{
	struct oci_source *s = (struct oci_source *)src;
	char path[BLOB_PATH_MAX];
	int rc;
	if (i >= img->n_layers)
		return err_set(err, CUSTOMS_EINVAL, "layer %zu of %zu", i, img->n_layers);
	if ((rc = blob_path(path, img->layers[i].digest, err)))
		return rc;
	return s->fs->open(s->fs, path, out, err);
}

static int oci_open(struct source **out, const char *spec, const customs_scan_options *opts,
                    customs_error *err)
{
	char *dir = NULL, *tag = NULL;
	struct layout_fs *fs = NULL;
	int rc;
	if ((rc = source_split_tag(&dir, &tag, spec, err)) ||
	    (rc = layout_fs_dir_open(&fs, dir, err)))
		goto out;
	rc = oci_source_new(out, &source_oci_ops, fs, NULL, spec, tag, opts, err);
out:
	free(dir);
	free(tag);
	return rc;
}

const struct source_ops source_oci_ops = {
    .transport = "oci",
    .open = oci_open,
    .resolve = oci_source_resolve,
    .layer_open = oci_source_layer_open,
    .close = oci_source_close,
};
