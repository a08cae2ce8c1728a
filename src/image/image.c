/* The resolved image and the pieces shared by the manifest, index and config
 * parsers: freeing, typed JSON field access and descriptor validation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/image.h"
#include "image/image_internal.h"
#include "util/error.h"
#include "util/sha256.h"
#include "util/strutil.h"

void platform_clear(struct platform *p)
{
	if (!p)
		return;
	free(p->os);
	free(p->architecture);
	free(p->variant);
	memset(p, 0, sizeof(*p));
}

void descriptor_clear(struct descriptor *d)
{
	if (!d)
		return;
	free(d->media_type);
	free(d->digest);
	platform_clear(&d->platform);
	free(d->ref_name);
	memset(d, 0, sizeof(*d));
}

void image_index_clear(struct image_index *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n_manifests; i++)
		descriptor_clear(&x->manifests[i]);
	free(x->manifests);
	free(x->media_type);
	memset(x, 0, sizeof(*x));
}

void image_manifest_clear(struct image_manifest *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n_layers; i++)
		descriptor_clear(&x->layers[i]);
	free(x->layers);
	descriptor_clear(&x->config);
	free(x->media_type);
	memset(x, 0, sizeof(*x));
}

void image_config_clear(struct image_config *x)
{
	if (!x)
		return;
	platform_clear(&x->platform);
	free(x->user);
	for (size_t i = 0; i < x->n_env; i++)
		free(x->env[i]);
	free(x->env);
	for (size_t i = 0; i < x->n_diff_ids; i++)
		free(x->diff_ids[i]);
	free(x->diff_ids);
	for (size_t i = 0; i < x->n_history; i++) {
		free(x->history[i].created_by);
		free(x->history[i].comment);
	}
	free(x->history);
	json_decref(x->raw);
	memset(x, 0, sizeof(*x));
}

void image_free(struct image *img)
{
	if (!img)
		return;
	free(img->reference);
	free(img->transport);
	free(img->manifest_digest);
	free(img->config_digest);
	image_config_clear(&img->config);
	for (size_t i = 0; i < img->n_layers; i++) {
		free(img->layers[i].media_type);
		free(img->layers[i].digest);
		free(img->layers[i].diff_id);
		free(img->layers[i].source_path);
	}
	free(img->layers);
	free(img->rootfs_dir);
	free(img);
}

int image_media_type_is_index(const char *mt)
{
	return mt && (strcmp(mt, MT_OCI_INDEX) == 0 || strcmp(mt, MT_DOCKER_LIST) == 0);
}

int dup_opt(char **out, const char *s, customs_error *err)
{
	*out = NULL;
	if (!s)
		return CUSTOMS_OK;
	*out = strdup(s);
	return *out ? CUSTOMS_OK : err_set(err, CUSTOMS_ENOMEM, "out of memory");
}

int json_opt_str(const char **out, const json_t *obj, const char *key, const char *what,
                 customs_error *err)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v)) {
		*out = NULL;
		return CUSTOMS_OK;
	}
	if (!json_is_string(v))
		return err_set(err, CUSTOMS_EINVAL, "%s: field \"%s\" must be a string", what, key);
	*out = json_string_value(v);
	return CUSTOMS_OK;
}

int json_req_str(const char **out, const json_t *obj, const char *key, const char *what,
                 customs_error *err)
{
	int rc = json_opt_str(out, obj, key, what, err);
	if (rc == 0 && !*out)
		return err_set(err, CUSTOMS_EINVAL, "%s: field \"%s\" is missing", what, key);
	return rc;
}

int json_opt_array(json_t **out, const json_t *obj, const char *key, size_t max, const char *what,
                   customs_error *err)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v)) {
		*out = NULL;
		return CUSTOMS_OK;
	}
	if (!json_is_array(v))
		return err_set(err, CUSTOMS_EINVAL, "%s: field \"%s\" must be an array", what, key);
	if (json_array_size(v) > max)
		return err_set(err, CUSTOMS_ETOOLARGE,
		               "%s: field \"%s\" has %zu entries, over the limit of %zu", what, key,
		               json_array_size(v), max);
	*out = v;
	return CUSTOMS_OK;
}

int digest_check(const char *d, const char *what, customs_error *err)
{
	if (digest_is_valid_sha256(d))
		return CUSTOMS_OK;
	const char *colon = strchr(d, ':');
	size_t alg_len = colon ? (size_t)(colon - d) : 0;
	bool alg_ok = alg_len > 0 && alg_len <= 32;
	for (size_t i = 0; alg_ok && i < alg_len; i++)
		alg_ok = (d[i] >= 'a' && d[i] <= 'z') || (d[i] >= '0' && d[i] <= '9') ||
		         d[i] == '+' || d[i] == '.' || d[i] == '_' || d[i] == '-';
	char *safe = str_sanitize(d, strnlen(d, 100));
	int rc;
	if (alg_ok && !(alg_len == 6 && memcmp(d, "sha256", 6) == 0))
		rc = err_set(
		    err, CUSTOMS_EUNSUPPORTED,
		    "%s: digest \"%s\" uses an unsupported algorithm (only sha256 is verifiable)",
		    what, safe ? safe : "?");
	else
		rc = err_set(err, CUSTOMS_EINVAL, "%s: invalid digest \"%s\"", what,
		             safe ? safe : "?");
	free(safe);
	return rc;
}

int schema_version_check(const json_t *root, const char *what, customs_error *err)
{
	json_t *v = json_object_get(root, "schemaVersion");
	if (!v)
		return err_set(err, CUSTOMS_EINVAL, "%s: field \"schemaVersion\" is missing", what);
	if (!json_is_integer(v))
		return err_set(err, CUSTOMS_EINVAL,
		               "%s: field \"schemaVersion\" must be an integer", what);
	json_int_t sv = json_integer_value(v);
	if (sv == 1)
		return err_set(
		    err, CUSTOMS_EUNSUPPORTED,
		    "%s: Docker schema1 manifests are not supported (deprecated format "
		    "without a verifiable config); pull or convert the image to schema2 or OCI",
		    what);
	if (sv != 2)
		return err_set(err, CUSTOMS_EINVAL, "%s: schemaVersion %lld is not 2", what,
		               (long long)sv);
	return CUSTOMS_OK;
}

static int platform_parse_json(struct platform *out, const json_t *j, const char *what,
                               customs_error *err)
{
	const char *os, *arch, *variant;
	int rc;
	if (!json_is_object(j))
		return err_set(err, CUSTOMS_EINVAL, "%s: field \"platform\" must be an object",
		               what);
	if ((rc = json_req_str(&os, j, "os", what, err)) ||
	    (rc = json_req_str(&arch, j, "architecture", what, err)) ||
	    (rc = json_opt_str(&variant, j, "variant", what, err)))
		return rc;
	struct platform p = {0};
	if ((rc = dup_opt(&p.os, os, err)) || (rc = dup_opt(&p.architecture, arch, err)) ||
	    (rc = dup_opt(&p.variant, variant && *variant ? variant : NULL, err))) {
		platform_clear(&p);
		return rc;
	}
	*out = p;
	return CUSTOMS_OK;
}

int descriptor_parse(struct descriptor *out, const json_t *j, const char *what, customs_error *err)
{
	struct descriptor d = {0};
	const char *mt, *digest, *ref_name = NULL;
	json_t *v;
	int rc;

	if (!json_is_object(j))
		return err_set(err, CUSTOMS_EINVAL, "%s must be an object", what);
	if ((rc = json_req_str(&mt, j, "mediaType", what, err)) ||
	    (rc = json_req_str(&digest, j, "digest", what, err)))
		return rc;
	if ((rc = digest_check(digest, what, err)))
		return rc;
	v = json_object_get(j, "size");
	if (!v)
		return err_set(err, CUSTOMS_EINVAL, "%s: field \"size\" is missing", what);
	if (!json_is_integer(v))
		return err_set(err, CUSTOMS_EINVAL, "%s: field \"size\" must be an integer", what);
	if (json_integer_value(v) < 0)
		return err_set(err, CUSTOMS_EINVAL, "%s: field \"size\" is negative", what);
	d.size = (int64_t)json_integer_value(v);

	v = json_object_get(j, "annotations");
	if (v && !json_is_null(v)) {
		if (!json_is_object(v))
			return err_set(err, CUSTOMS_EINVAL,
			               "%s: field \"annotations\" must be an object", what);
		if ((rc = json_opt_str(&ref_name, v, "org.opencontainers.image.ref.name", what,
		                       err)))
			return rc;
	}
	v = json_object_get(j, "platform");
	if (v && !json_is_null(v) && (rc = platform_parse_json(&d.platform, v, what, err)))
		return rc;
	if ((rc = dup_opt(&d.media_type, mt, err)) || (rc = dup_opt(&d.digest, digest, err)) ||
	    (rc = dup_opt(&d.ref_name, ref_name, err))) {
		descriptor_clear(&d);
		return rc;
	}
	*out = d;
	return CUSTOMS_OK;
}

int descriptor_array_parse(struct descriptor **out, size_t *n_out, const json_t *obj,
                           const char *key, size_t max, const char *what, customs_error *err)
{
	json_t *arr;
	struct descriptor *d = NULL;
	size_t n;
	int rc;
	if ((rc = json_opt_array(&arr, obj, key, max, what, err)))
		return rc;
	if (!arr)
		return err_set(err, CUSTOMS_EINVAL, "%s: field \"%s\" must be an array", what, key);
	n = json_array_size(arr);
	if (n && !(d = calloc(n, sizeof(*d))))
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		char name[64];
		snprintf(name, sizeof(name), "%s: %s[%zu]", what, key, i);
		if ((rc = descriptor_parse(&d[i], json_array_get(arr, i), name, err))) {
			for (size_t k = 0; k < i; k++)
				descriptor_clear(&d[k]);
			free(d);
			return rc;
		}
	}
	*out = d;
	*n_out = n;
	return CUSTOMS_OK;
}
