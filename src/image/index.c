/* Image indexes: OCI image index and Docker manifest list, the multi-platform
 * (or multi-tag, for an OCI layout's index.json) lists of manifests. */
#include <stdlib.h>
#include <string.h>

#include "image/image.h"
#include "image/image_internal.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/strutil.h"

int image_index_parse(struct image_index *out, const void *data, size_t len, customs_error *err)
{
	struct image_index x = {0};
	json_t *root = NULL;
	const char *mt;
	int rc;

	if ((rc = json_parse(&root, data, len, LIMIT_MANIFEST_BYTES, "index", err)))
		return rc;
	if (!json_is_object(root)) {
		rc = err_set(err, CUSTOMS_EINVAL, "index: not a JSON object");
		goto out;
	}
	if ((rc = schema_version_check(root, "index", err)) ||
	    (rc = json_opt_str(&mt, root, "mediaType", "index", err)))
		goto out;
	if (mt && !image_media_type_is_index(mt)) {
		char *safe = str_sanitize(mt, strnlen(mt, 200));
		rc = err_set(err, CUSTOMS_EINVAL, "index: media type \"%s\" is not an index",
		             safe ? safe : "?");
		free(safe);
		goto out;
	}
	if ((rc = descriptor_array_parse(&x.manifests, &x.n_manifests, root, "manifests",
	                                 LIMIT_INDEX_ENTRIES, "index", err)))
		goto out;
	if ((rc = dup_opt(&x.media_type, mt ? mt : MT_OCI_INDEX, err)))
		goto out;
	*out = x;
	memset(&x, 0, sizeof(x));
out:
	image_index_clear(&x);
	json_decref(root);
	return rc;
}
