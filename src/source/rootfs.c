/* "rootfs:DIR": an unpacked root file system. No manifest, config or layer
 * blobs: the layer reader walks the folder itself. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image/image.h"
#include "source/source_internal.h"
#include "util/error.h"

struct rootfs_source {
	struct source base;
	char *spec, *dir;
};

static void rootfs_close(struct source *src)
{
	struct rootfs_source *s = (struct rootfs_source *)src;
	if (!s)
		return;
	free(s->spec);
	free(s->dir);
	free(s);
}

static int rootfs_open(struct source **out, const char *spec, const customs_scan_options *opts,
                       customs_error *err)
{
	struct rootfs_source *s = NULL;
	struct stat st;
	char *dir = realpath(spec, NULL);
	int rc = CUSTOMS_OK;
	if (!dir)
		return err_set(err, errno == ENOENT ? CUSTOMS_ENOTFOUND : CUSTOMS_EIO, "%s: %s",
		               spec, strerror(errno));
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		rc = err_set(err, CUSTOMS_EINVAL, "%s: not a folder", spec);
		goto out;
	}
	if (!(s = calloc(1, sizeof(*s))) || !(s->spec = strdup(spec))) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	s->base.ops = &source_rootfs_ops;
	s->dir = dir;
	dir = NULL;
	*out = &s->base;
	s = NULL;
out:
	free(dir);
	rootfs_close(s ? &s->base : NULL);
	return rc;
}

static int rootfs_resolve(struct source *src, struct image **out, customs_error *err)
{
	struct rootfs_source *s = (struct rootfs_source *)src;
	struct image *img = calloc(1, sizeof(*img));
	if (!img || !(img->transport = strdup("rootfs")) || !(img->rootfs_dir = strdup(s->dir)) ||
	    !(img->reference = malloc(strlen(s->spec) + sizeof("rootfs:"))) ||
	    platform_host(&img->config.platform)) {
		image_free(img);
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	}
	memcpy(img->reference, "rootfs:", 7);
	memcpy(img->reference + 7, s->spec, strlen(s->spec) + 1);
	*out = img;
	return CUSTOMS_OK;
}

static int rootfs_layer_open(struct source *src, const struct image *img, size_t i,
                             struct blob **out, customs_error *err)
{
	return err_set(err, CUSTOMS_EINVAL, "rootfs: has no layer blobs; read img->rootfs_dir");
}

const struct source_ops source_rootfs_ops = {
    .transport = "rootfs",
    .open = rootfs_open,
    .resolve = rootfs_resolve,
    .layer_open = rootfs_layer_open,
    .close = rootfs_close,
};
