/* "docker-archive:FILE[:REF]": tarballs written by docker save (the old
 * <id>/layer.tar layout and Docker 25's blobs/sha256/ one), read in place. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/image.h"
#include "source/source_internal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/sha256.h"
#include "util/strutil.h"

struct docker_archive_source {
	struct source base;
	struct tar_index *tar;
	char *spec, *ref;
};

/* Docker Hub names in their familiar form, so that "alpine:3" matches the
 * "docker.io/library/alpine:3" that skopeo and podman write into RepoTags. */
static const char *familiar_name(const char *ref)
{
	static const char *const hub[] = {"docker.io/library/", "index.docker.io/library/",
	                                  "docker.io/", "index.docker.io/"};
	for (size_t i = 0; i < sizeof(hub) / sizeof(hub[0]); i++)
		if (str_has_prefix(ref, hub[i]))
			return ref + strlen(hub[i]);
	return ref;
}

char *docker_ref_normalise(const char *ref)
{
	ref = familiar_name(ref);
	const char *colon = strrchr(ref, ':'), *slash = strrchr(ref, '/');
	if (strchr(ref, '@') || (colon && (!slash || colon > slash)))
		return strdup(ref);
	size_t n = strlen(ref);
	char *out = malloc(n + sizeof(":latest"));
	if (out) {
		memcpy(out, ref, n);
		memcpy(out + n, ":latest", sizeof(":latest"));
	}
	return out;
}

void docker_archive_entries_free(struct docker_archive_entry *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++) {
		free(e[i].config);
		for (size_t k = 0; k < e[i].n_repo_tags; k++)
			free(e[i].repo_tags[k]);
		free(e[i].repo_tags);
		for (size_t k = 0; k < e[i].n_layers; k++)
			free(e[i].layers[k]);
		free(e[i].layers);
	}
	free(e);
}

/* Copies a JSON array of strings (null or missing allowed when optional). */
static int strings(char ***out, size_t *n_out, json_t *obj, const char *key, bool optional,
                   size_t max, bool tags, size_t entry, customs_error *err)
{
	json_t *arr = json_object_get(obj, key);
	if (!arr || json_is_null(arr)) {
		if (optional)
			return CUSTOMS_OK;
		return err_set(err, CUSTOMS_EINVAL, "manifest.json[%zu]: field \"%s\" is missing",
		               entry, key);
	}
	if (!json_is_array(arr))
		return err_set(err, CUSTOMS_EINVAL,
		               "manifest.json[%zu]: field \"%s\" must be an array", entry, key);
	size_t n = json_array_size(arr);
	if (n > max)
		return err_set(err, CUSTOMS_ETOOLARGE,
		               "manifest.json[%zu]: %zu %s, over the limit of %zu", entry, n, key,
		               max);
	char **v = n ? calloc(n, sizeof(*v)) : NULL;
	if (n && !v)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	*out = v;
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(arr, i);
		if (!json_is_string(s))
			return err_set(err, CUSTOMS_EINVAL,
			               "manifest.json[%zu]: %s[%zu] must be a string", entry, key,
			               i);
		v[i] = tags ? docker_ref_normalise(json_string_value(s))
		            : strdup(json_string_value(s));
		if (!v[i])
			return err_set(err, CUSTOMS_ENOMEM, "out of memory");
		*n_out = i + 1;
	}
	return CUSTOMS_OK;
}

int docker_archive_manifest_parse(struct docker_archive_entry **out, size_t *n_out,
                                  const void *data, size_t len, customs_error *err)
{
	json_t *root = NULL;
	struct docker_archive_entry *e = NULL;
	size_t n = 0;
	int rc;
	if ((rc = json_parse(&root, data, len, LIMIT_MANIFEST_BYTES, "manifest.json", err)))
		return rc;
	if (!json_is_array(root)) {
		rc = err_set(err, CUSTOMS_EINVAL, "manifest.json: must be a JSON array");
		goto out;
	}
	if (json_array_size(root) > LIMIT_INDEX_ENTRIES) {
		rc = err_set(err, CUSTOMS_ETOOLARGE, "manifest.json: more than %d images",
		             LIMIT_INDEX_ENTRIES);
		goto out;
	}
	if (json_array_size(root) && !(e = calloc(json_array_size(root), sizeof(*e)))) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < json_array_size(root); i++) {
		json_t *o = json_array_get(root, i);
		const char *config;
		n = i + 1;
		if (!json_is_object(o)) {
			rc =
			    err_set(err, CUSTOMS_EINVAL, "manifest.json[%zu] must be an object", i);
			goto out;
		}
		if (!(config = json_get_str(o, "Config"))) {
			rc = err_set(err, CUSTOMS_EINVAL,
			             "manifest.json[%zu]: field \"Config\" must be a string", i);
			goto out;
		}
		if (!(e[i].config = strdup(config))) {
			rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
			goto out;
		}
		if ((rc = strings(&e[i].repo_tags, &e[i].n_repo_tags, o, "RepoTags", true,
		                  LIMIT_INDEX_ENTRIES, true, i, err)) ||
		    (rc = strings(&e[i].layers, &e[i].n_layers, o, "Layers", false, LIMIT_LAYERS,
		                  false, i, err)))
			goto out;
	}
	*out = e;
	*n_out = n;
	e = NULL;
out:
	if (rc)
		docker_archive_entries_free(e, n);
	json_decref(root);
	return rc;
}

static void list_repo_tags(struct buf *b, const struct docker_archive_entry *e, size_t n)
{
	size_t untagged = 0;
	for (size_t i = 0; i < n; i++) {
		if (!e[i].n_repo_tags)
			untagged++;
		for (size_t k = 0; k < e[i].n_repo_tags; k++) {
			char *safe =
			    str_sanitize(e[i].repo_tags[k], strnlen(e[i].repo_tags[k], 100));
			buf_printf(b, "%s%s", b->len ? ", " : "", safe ? safe : "?");
			free(safe);
		}
	}
	if (untagged)
		buf_printf(b, "%s%zu untagged", b->len ? ", " : "", untagged);
}

static int choose(size_t *out, const struct docker_archive_entry *e, size_t n, const char *ref,
                  customs_error *err)
{
	struct buf tags;
	char *want = NULL;
	int rc = CUSTOMS_OK;
	buf_init(&tags, 600);
	list_repo_tags(&tags, e, n);
	if (n == 0) {
		rc = err_set(err, CUSTOMS_ENOTFOUND, "manifest.json lists no images");
	} else if (!ref) {
		if (n == 1)
			*out = 0;
		else
			rc = err_set(err, CUSTOMS_EAMBIGUOUS,
			             "the archive holds %zu images and no reference was given "
			             "(use docker-archive:FILE:REF); tags: %s",
			             n, tags.data);
	} else if (!(want = docker_ref_normalise(ref))) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
	} else {
		rc = CUSTOMS_ENOTFOUND;
		for (size_t i = 0; i < n && rc; i++)
			for (size_t k = 0; k < e[i].n_repo_tags && rc; k++)
				if (strcmp(e[i].repo_tags[k], want) == 0) {
					*out = i;
					rc = CUSTOMS_OK;
				}
		if (rc) {
			char *safe = str_sanitize(want, strnlen(want, 100));
			err_set(err, rc, "\"%s\" not found in the archive; it has: %s",
			        safe ? safe : "?", tags.data ? tags.data : "(no tags)");
			free(safe);
		}
	}
	free(want);
	buf_free(&tags);
	return rc;
}

/* The sha256 a member name promises: blobs/sha256/<hex>, <hex>.json or
 * sha256:<hex> (older tools). Writes "sha256:<hex>" or returns false. */
static bool digest_from_name(char out[SHA256_DIGEST_STRING_LEN + 1], const char *name)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (str_has_prefix(base, "sha256:"))
		base += 7;
	size_t n = strlen(base);
	if (n == 64 + 5 && str_has_suffix(base, ".json"))
		n = 64;
	if (n != 64)
		return false;
	memcpy(out, "sha256:", 7);
	memcpy(out + 7, base, 64);
	out[SHA256_DIGEST_STRING_LEN] = '\0';
	return digest_is_valid_sha256(out);
}

static bool is_blob_member(const char *name)
{
	if (str_has_prefix(name, "./"))
		name += 2;
	return str_has_prefix(name, "blobs/sha256/") && strlen(name) == 13 + 64;
}

static int read_member(char **out, size_t *len, const struct tar_index *t, const char *name,
                       size_t max, customs_error *err)
{
	struct blob *b = NULL;
	int rc = tar_index_open_member(t, name, &b, err);
	if (rc == 0)
		rc = blob_read_all(out, len, b, max, name, err);
	blob_close(b);
	return rc;
}

static int fill_layers(struct image *img, const struct tar_index *t,
                       const struct docker_archive_entry *e, customs_error *err)
{
	if (e->n_layers && !(img->layers = calloc(e->n_layers, sizeof(*img->layers))))
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < e->n_layers; i++) {
		struct layer_ref *l = &img->layers[i];
		int64_t off;
		int rc;
		img->n_layers = i + 1;
		if ((rc = tar_index_find(t, e->layers[i], &off, &l->size, err)))
			return err_prefix(err, "layer %zu", i);
		if (!(l->source_path = strdup(e->layers[i])) ||
		    !(l->diff_id = strdup(img->config.diff_ids[i])))
			return err_set(err, CUSTOMS_ENOMEM, "out of memory");
		if (is_blob_member(e->layers[i])) {
			char d[SHA256_DIGEST_STRING_LEN + 1];
			if (digest_from_name(d, e->layers[i]) && !(l->digest = strdup(d)))
				return err_set(err, CUSTOMS_ENOMEM, "out of memory");
		}
	}
	return CUSTOMS_OK;
}

static int da_resolve(struct source *src, struct image **out, customs_error *err)
{
	struct docker_archive_source *s = (struct docker_archive_source *)src;
	struct docker_archive_entry *entries = NULL;
	struct image *img = NULL;
	char *data = NULL, digest[SHA256_DIGEST_STRING_LEN + 1],
	     named[SHA256_DIGEST_STRING_LEN + 1];
	size_t n = 0, len, pick = 0;
	int rc;

	rc = read_member(&data, &len, s->tar, "manifest.json", LIMIT_MANIFEST_BYTES, err);
	if (rc == CUSTOMS_ENOTFOUND)
		rc = err_set(err, rc, "not a docker-archive: manifest.json is missing");
	if (rc || (rc = docker_archive_manifest_parse(&entries, &n, data, len, err)) ||
	    (rc = choose(&pick, entries, n, s->ref, err)))
		goto out;
	const struct docker_archive_entry *e = &entries[pick];
	free(data);
	data = NULL;
	if ((rc = read_member(&data, &len, s->tar, e->config, LIMIT_CONFIG_BYTES, err)))
		goto out;
	sha256_digest_of(digest, data, len);
	if (digest_from_name(named, e->config) && !digest_equal(named, digest)) {
		rc = err_set(err, CUSTOMS_EINTEGRITY, "config: expected %s (its name), got %s",
		             named, digest);
		goto out;
	}
	if (!(img = calloc(1, sizeof(*img))) || !(img->transport = strdup("docker-archive")) ||
	    !(img->config_digest = strdup(digest)) ||
	    !(img->reference = malloc(strlen(s->spec) + sizeof("docker-archive:")))) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(img->reference, "docker-archive:", 15);
	memcpy(img->reference + 15, s->spec, strlen(s->spec) + 1);
	if ((rc = image_config_parse(&img->config, data, len, err))) {
		err_prefix(err, "config %s", digest);
		goto out;
	}
	if (img->config.n_diff_ids != e->n_layers) {
		rc = err_set(err, CUSTOMS_EINVAL,
		             "manifest.json lists %zu layers but the config has %zu diff_ids",
		             e->n_layers, img->config.n_diff_ids);
		goto out;
	}
	if ((rc = fill_layers(img, s->tar, e, err)))
		goto out;
	*out = img;
	img = NULL;
out:
	image_free(img);
	docker_archive_entries_free(entries, n);
	free(data);
	return rc;
}

static int da_layer_open(struct source *src, const struct image *img, size_t i, struct blob **out,
                         customs_error *err)
{
	struct docker_archive_source *s = (struct docker_archive_source *)src;
	if (i >= img->n_layers || !img->layers[i].source_path)
		return err_set(err, CUSTOMS_EINVAL, "layer %zu of %zu", i, img->n_layers);
	return tar_index_open_member(s->tar, img->layers[i].source_path, out, err);
}

static void da_close(struct source *src)
{
	struct docker_archive_source *s = (struct docker_archive_source *)src;
	if (!s)
		return;
	tar_index_free(s->tar);
	free(s->spec);
	free(s->ref);
	free(s);
}

static int da_open(struct source **out, const char *spec, const customs_scan_options *opts,
                   customs_error *err)
{
	struct docker_archive_source *s = calloc(1, sizeof(*s));
	char *file = NULL;
	int rc;
	if (!s || !(s->spec = strdup(spec))) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	s->base.ops = &source_docker_archive_ops;
	if ((rc = source_split_tag(&file, &s->ref, spec, err)) ||
	    (rc = tar_index_open(&s->tar, file, err)))
		goto out;
	*out = &s->base;
	s = NULL;
out:
	free(file);
	da_close(s ? &s->base : NULL);
	return rc;
}

const struct source_ops source_docker_archive_ops = {
    .transport = "docker-archive",
    .open = da_open,
    .resolve = da_resolve,
    .layer_open = da_layer_open,
    .close = da_close,
};
