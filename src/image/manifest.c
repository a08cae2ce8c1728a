/* Image manifests: OCI image manifest v1 and Docker schema2, validated
 * strictly (schema1 is refused; artifacts and encrypted layers too). */
#include <stdlib.h>
#include <string.h>

#include "image/image.h"
#include "image/image_internal.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/strutil.h"

#define MT_DOCKER_SCHEMA1        "application/vnd.docker.distribution.manifest.v1+json"
#define MT_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

static int media_type_check(const char *mt, customs_error *err)
{
	if (strcmp(mt, MT_OCI_MANIFEST) == 0 || strcmp(mt, MT_DOCKER_MANIFEST) == 0)
		return CUSTOMS_OK;
	if (image_media_type_is_index(mt))
		return err_set(err, CUSTOMS_EINVAL,
		               "manifest: media type %s is an index, not a manifest", mt);
	if (strcmp(mt, MT_DOCKER_SCHEMA1) == 0 || strcmp(mt, MT_DOCKER_SCHEMA1_SIGNED) == 0)
		return err_set(err, CUSTOMS_EUNSUPPORTED,
		               "manifest: Docker schema1 manifests are not supported");
	char *safe = str_sanitize(mt, strnlen(mt, 200));
	err_set(err, CUSTOMS_EUNSUPPORTED, "manifest: unknown media type \"%s\"",
	        safe ? safe : "?");
	free(safe);
	return CUSTOMS_EUNSUPPORTED;
}

/* A scanner only reads container images: an artifact (Helm chart, signature,
 * SBOM) has no file system, and an encrypted layer cannot be read. */
static int image_check(const struct image_manifest *m, customs_error *err)
{
	const char *cmt = m->config.media_type;
	if (strcmp(cmt, MT_OCI_CONFIG) != 0 && strcmp(cmt, MT_DOCKER_CONFIG) != 0) {
		char *safe = str_sanitize(cmt, strnlen(cmt, 200));
		err_set(err, CUSTOMS_EUNSUPPORTED,
		        "manifest: not a container image (config media type \"%s\")",
		        safe ? safe : "?");
		free(safe);
		return CUSTOMS_EUNSUPPORTED;
	}
	for (size_t i = 0; i < m->n_layers; i++)
		if (strstr(m->layers[i].media_type, "+encrypted"))
			return err_set(
			    err, CUSTOMS_EUNSUPPORTED,
			    "manifest: layers[%zu] is encrypted; decrypt the image first", i);
	return CUSTOMS_OK;
}

int image_manifest_parse(struct image_manifest *out, const void *data, size_t len,
                         customs_error *err)
{
	struct image_manifest m = {0};
	json_t *root = NULL, *config;
	const char *mt;
	int rc;

	if ((rc = json_parse(&root, data, len, LIMIT_MANIFEST_BYTES, "manifest", err)))
		return rc;
	if (!json_is_object(root)) {
		rc = err_set(err, CUSTOMS_EINVAL, "manifest: not a JSON object");
		goto out;
	}
	if ((rc = schema_version_check(root, "manifest", err)) ||
	    (rc = json_opt_str(&mt, root, "mediaType", "manifest", err)))
		goto out;
	if (mt && (rc = media_type_check(mt, err)))
		goto out;
	if (!mt && json_object_get(root, "manifests")) {
		rc = err_set(err, CUSTOMS_EINVAL, "manifest: this is an index, not a manifest");
		goto out;
	}
	config = json_object_get(root, "config");
	if (!config || json_is_null(config)) {
		rc = err_set(err, CUSTOMS_EINVAL, "manifest: field \"config\" is missing");
		goto out;
	}
	if ((rc = descriptor_parse(&m.config, config, "manifest: config", err)))
		goto out;
	if ((rc = descriptor_array_parse(&m.layers, &m.n_layers, root, "layers", LIMIT_LAYERS,
	                                 "manifest", err)))
		goto out;
	if (!mt)
		mt = strcmp(m.config.media_type, MT_DOCKER_CONFIG) == 0 ? MT_DOCKER_MANIFEST
		                                                        : MT_OCI_MANIFEST;
	if ((rc = dup_opt(&m.media_type, mt, err)) || (rc = image_check(&m, err)))
		goto out;
	*out = m;
	memset(&m, 0, sizeof(m));
out:
	image_manifest_clear(&m);
	json_decref(root);
	return rc;
}
