/* OCI layouts inside a tar ("oci-archive:FILE[:TAG]"): the oci transport's
 * logic over a tar_index instead of a folder. */
#include <stdlib.h>

#include "source/source_internal.h"

static int oci_archive_open(struct source **out, const char *spec, const customs_scan_options *opts,
                            customs_error *err)
{
	char *file = NULL, *tag = NULL;
	struct tar_index *t = NULL;
	struct layout_fs *fs = NULL;
	int rc;
	if ((rc = source_split_tag(&file, &tag, spec, err)) || (rc = tar_index_open(&t, file, err)))
		goto out;
	if ((rc = layout_fs_tar_new(&fs, t, err))) {
		tar_index_free(t);
		goto out;
	}
	rc = oci_source_new(out, &source_oci_archive_ops, fs, t, spec, tag, opts, err);
out:
	free(file);
	free(tag);
	return rc;
}

const struct source_ops source_oci_archive_ops = {
    .transport = "oci-archive",
    .open = oci_archive_open,
    .resolve = oci_source_resolve,
    .layer_open = oci_source_layer_open,
    .close = oci_source_close,
};
