/* The "docker" transport: resolves a registry reference to an image (manifest
 * negotiation, platform choice, digest checks) and streams its layers. */
#include <stdlib.h>
#include <string.h>

#include "registry/client.h"
#include "registry/config.h"
#include "registry/reference.h"
#include "source/source.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/sha256.h"
#include "util/strutil.h"

#define MANIFEST_ACCEPT                                                                            \
	MT_OCI_INDEX ", " MT_OCI_MANIFEST ", " MT_DOCKER_LIST ", " MT_DOCKER_MANIFEST

extern const struct source_ops source_docker_ops;

struct docker_source {
	struct source base;
	struct registry_ref ref;
	char *spec, *platform, *scope;
	/* By value: the strings it points to belong to the caller of the scan,
	 * which lasts longer than this source. */
	customs_scan_options opts;
	int has_opts;
	struct registry_host_config hc; /* mirrors of ref.domain */
	struct registry_client *client; /* the mirror or registry the image came from */
};

static void docker_close(struct source *s)
{
	struct docker_source *d = (struct docker_source *)s;
	if (!d)
		return;
	registry_client_free(d->client);
	registry_host_config_clear(&d->hc);
	registry_ref_clear(&d->ref);
	free(d->spec);
	free(d->platform);
	free(d->scope);
	free(d);
}

static int docker_open(struct source **out, const char *spec, const customs_scan_options *opts,
                       customs_error *err)
{
	struct docker_source *d = calloc(1, sizeof(*d));
	struct buf scope;
	int rc;
	buf_init(&scope, LIMIT_PATH_BYTES);
	if (!d)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	d->base.ops = &source_docker_ops;
	rc = registry_ref_parse(&d->ref, spec, strlen(spec), err);
	if (rc)
		goto fail;
	d->spec = xstrdup_or_null(spec);
	d->platform = opts && opts->platform ? xstrdup_or_null(opts->platform) : NULL;
	if (!d->spec || (opts && opts->platform && !d->platform) ||
	    buf_printf(&scope, "repository:%s:pull", d->ref.path)) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto fail;
	}
	d->scope = buf_take(&scope);
	if (opts) {
		d->opts = *opts;
		d->has_opts = 1;
	}
	rc = registries_config_load(&d->hc, d->ref.domain, err);
	if (rc)
		goto fail;
	*out = &d->base;
	return CUSTOMS_OK;
fail:
	buf_free(&scope);
	docker_close(&d->base);
	return rc;
}

/* Fetches a manifest or index by tag or digest; checks the digest the caller
 * expects (if any) and the one the registry announces, and returns the one
 * computed from the bytes. */
static int fetch_manifest(struct registry_response *out, char *digest_out, struct docker_source *d,
                          const char *target, const char *expect, customs_error *err)
{
	struct buf path;
	struct registry_response r = {0};
	int rc;
	buf_init(&path, LIMIT_PATH_BYTES);
	if (buf_printf(&path, "/v2/%s/manifests/%s", d->ref.path, target)) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	rc = registry_get(&r, d->client, path.data, MANIFEST_ACCEPT, d->scope, LIMIT_MANIFEST_BYTES,
	                  0, err);
	if (rc) {
		if (rc == CUSTOMS_ENOTFOUND)
			err_set(err, rc, "%s/%s: manifest %s not found",
			        registry_client_domain(d->client), d->ref.path, target);
		goto out;
	}
	sha256_digest_of(digest_out, r.body.data, r.body.len);
	if (expect && !digest_equal(digest_out, expect)) {
		rc = err_set(
		    err, CUSTOMS_EINTEGRITY,
		    "integrity error: registry %s, repository %s: manifest %s has digest %s",
		    registry_client_domain(d->client), d->ref.path, expect, digest_out);
		goto out;
	}
	if (r.docker_digest && digest_is_valid_sha256(r.docker_digest) &&
	    !digest_equal(r.docker_digest, digest_out)) {
		rc = err_set(
		    err, CUSTOMS_EINTEGRITY,
		    "integrity error: registry %s, repository %s: manifest %s announced as %s "
		    "has digest %s",
		    registry_client_domain(d->client), d->ref.path, target, r.docker_digest,
		    digest_out);
		goto out;
	}
	*out = r;
	memset(&r, 0, sizeof(r));
out:
	registry_response_clear(&r);
	buf_free(&path);
	return rc;
}

/* The media type from the Content-Type, else from the document itself. */
static int manifest_is_index(const struct registry_response *r)
{
	if (r->content_type && (image_media_type_is_index(r->content_type)))
		return 1;
	if (r->content_type && (strcmp(r->content_type, MT_OCI_MANIFEST) == 0 ||
	                        strcmp(r->content_type, MT_DOCKER_MANIFEST) == 0))
		return 0;
	json_t *j = NULL;
	int idx = 0;
	if (json_parse(&j, r->body.data, r->body.len, LIMIT_MANIFEST_BYTES, "manifest", NULL) ==
	    0) {
		idx = image_media_type_is_index(json_get_str(j, "mediaType")) ||
		      (!json_get_str(j, "mediaType") &&
		       json_is_array(json_object_get(j, "manifests")));
	}
	json_decref(j);
	return idx;
}

static int fetch_config(struct image_config *out, struct docker_source *d, const char *digest,
                        customs_error *err)
{
	struct buf path;
	struct registry_response r = {0};
	char got[SHA256_DIGEST_STRING_LEN + 1];
	int rc;
	buf_init(&path, LIMIT_PATH_BYTES);
	if (buf_printf(&path, "/v2/%s/blobs/%s", d->ref.path, digest)) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	rc = registry_get(&r, d->client, path.data, "*/*", d->scope, LIMIT_CONFIG_BYTES, 0, err);
	if (rc)
		goto out;
	sha256_digest_of(got, r.body.data, r.body.len);
	if (!digest_equal(got, digest)) {
		rc = err_set(err, CUSTOMS_EINTEGRITY,
		             "integrity error: registry %s, repository %s: config %s has digest %s",
		             registry_client_domain(d->client), d->ref.path, digest, got);
		goto out;
	}
	rc = image_config_parse(out, r.body.data, r.body.len, err);
out:
	registry_response_clear(&r);
	buf_free(&path);
	return rc;
}

/* A single-platform image asked for with --platform must be that platform:
 * scanning another one silently would report the wrong packages. */
static int check_platform(struct docker_source *d, const struct platform *have, customs_error *err)
{
	struct platform want = {0};
	int rc = platform_parse(&want, d->platform, err);
	if (rc)
		return rc;
	if (!have->os || !have->architecture || strcmp(want.os, have->os) != 0 ||
	    strcmp(want.architecture, have->architecture) != 0)
		rc = err_set(err, CUSTOMS_ENOTFOUND, "%s/%s: the image is %s/%s, not %s",
		             registry_client_domain(d->client), d->ref.path,
		             have->os ? have->os : "?",
		             have->architecture ? have->architecture : "?", d->platform);
	platform_clear(&want);
	return rc;
}

static int resolve_here(struct docker_source *d, struct image **out, customs_error *err)
{
	struct registry_response r = {0};
	struct image_index idx = {0};
	struct image_manifest m = {0};
	struct image_config cfg = {0};
	struct image *img = NULL;
	struct buf ref;
	char digest[SHA256_DIGEST_STRING_LEN + 1];
	int rc;

	buf_init(&ref, LIMIT_PATH_BYTES);
	rc = fetch_manifest(&r, digest, d, d->ref.digest ? d->ref.digest : d->ref.tag,
	                    d->ref.digest, err);
	if (rc)
		goto out;
	int is_index = manifest_is_index(&r);
	if (is_index) {
		size_t pick;
		rc = image_index_parse(&idx, r.body.data, r.body.len, err);
		if (rc)
			goto out;
		rc = platform_choose(&pick, &idx, d->platform, err);
		if (rc)
			goto out;
		registry_response_clear(&r);
		const char *want = idx.manifests[pick].digest;
		rc = fetch_manifest(&r, digest, d, want, want, err);
		if (rc)
			goto out;
		if (manifest_is_index(&r)) {
			rc = err_set(err, CUSTOMS_EUNSUPPORTED, "%s/%s: nested index %s",
			             registry_client_domain(d->client), d->ref.path, want);
			goto out;
		}
	}
	rc = image_manifest_parse(&m, r.body.data, r.body.len, err);
	if (rc)
		goto out;
	rc = fetch_config(&cfg, d, m.config.digest, err);
	if (rc)
		goto out;
	if (!is_index && d->platform && (rc = check_platform(d, &cfg.platform, err)))
		goto out;
	if (cfg.n_diff_ids != m.n_layers) {
		rc = err_set(
		    err, CUSTOMS_EINVAL, "%s/%s: the manifest has %zu layers, the config %zu",
		    registry_client_domain(d->client), d->ref.path, m.n_layers, cfg.n_diff_ids);
		goto out;
	}
	img = calloc(1, sizeof(*img));
	if (!img || buf_printf(&ref, "docker://%s", d->spec))
		goto nomem;
	img->reference = buf_take(&ref);
	img->transport = xstrdup_or_null("docker");
	img->manifest_digest = xstrdup_or_null(digest);
	img->config_digest = xstrdup_or_null(m.config.digest);
	img->layers = calloc(m.n_layers ? m.n_layers : 1, sizeof(*img->layers));
	if (!img->reference || !img->transport || !img->manifest_digest || !img->config_digest ||
	    !img->layers)
		goto nomem;
	img->n_layers = m.n_layers;
	for (size_t i = 0; i < m.n_layers; i++) {
		struct layer_ref *l = &img->layers[i];
		l->media_type = xstrdup_or_null(m.layers[i].media_type);
		l->digest = xstrdup_or_null(m.layers[i].digest);
		l->diff_id = xstrdup_or_null(cfg.diff_ids[i]);
		l->size = m.layers[i].size;
		if ((m.layers[i].media_type && !l->media_type) || !l->digest || !l->diff_id)
			goto nomem;
	}
	img->config = cfg;
	memset(&cfg, 0, sizeof(cfg));
	*out = img;
	img = NULL;
	rc = CUSTOMS_OK;
	goto out;
nomem:
	rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
out:
	image_free(img);
	buf_free(&ref);
	image_config_clear(&cfg);
	image_manifest_clear(&m);
	image_index_clear(&idx);
	registry_response_clear(&r);
	return rc;
}

/* Mirrors first, in order; a mirror that is down, refuses us or lacks the
 * image is skipped. Content from a mirror is checked like any other, so a
 * mirror serving wrong bytes fails the scan rather than being skipped. */
static int docker_resolve(struct source *s, struct image **out, customs_error *err)
{
	struct docker_source *d = (struct docker_source *)s;
	int rc = CUSTOMS_ENOTFOUND;
	for (size_t i = 0; i <= d->hc.n_mirrors; i++) {
		const char *host = i < d->hc.n_mirrors ? d->hc.mirrors[i] : d->ref.domain;
		int last = i == d->hc.n_mirrors;
		registry_client_free(d->client);
		d->client = NULL;
		rc = registry_client_new(&d->client, host, d->has_opts ? &d->opts : NULL, err);
		if (!rc)
			rc = resolve_here(d, out, err);
		if (!rc || last ||
		    (rc != CUSTOMS_ENOTFOUND && rc != CUSTOMS_ENETWORK && rc != CUSTOMS_EAUTH))
			break;
	}
	return rc;
}

static int docker_layer_open(struct source *s, const struct image *img, size_t i, struct blob **out,
                             customs_error *err)
{
	struct docker_source *d = (struct docker_source *)s;
	if (i >= img->n_layers)
		return err_set(err, CUSTOMS_EINVAL, "layer %zu out of range", i);
	return registry_blob_open(out, d->client, d->ref.path, img->layers[i].digest,
	                          img->layers[i].size, err);
}

const struct source_ops source_docker_ops = {
    .transport = "docker",
    .open = docker_open,
    .resolve = docker_resolve,
    .layer_open = docker_layer_open,
    .close = docker_close,
};
