/* The resolved image: what every source produces and the layer reader and
 * reports consume. Also the parsers for OCI/Docker manifests, indexes and
 * image configs. */
#ifndef IMAGE_IMAGE_H
#define IMAGE_IMAGE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "customs/customs.h"

/* Media types we recognise. */
#define MT_OCI_INDEX       "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST    "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_CONFIG      "application/vnd.oci.image.config.v1+json"
#define MT_DOCKER_LIST     "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_CONFIG   "application/vnd.docker.container.image.v1+json"

struct platform {
	char *os, *architecture, *variant; /* variant may be NULL */
};

struct descriptor {
	char *media_type;
	char *digest; /* validated "sha256:..." */
	int64_t size;
	struct platform platform; /* fields NULL when the descriptor has none */
	char *ref_name;           /* annotation org.opencontainers.image.ref.name */
};

struct image_index {
	char *media_type;
	struct descriptor *manifests;
	size_t n_manifests;
};

struct image_manifest {
	char *media_type;
	struct descriptor config;
	struct descriptor *layers;
	size_t n_layers;
};

struct history_entry {
	char *created_by;
	char *comment;
	int empty_layer;
};

struct image_config {
	struct platform platform;
	char *user;
	char **env;
	size_t n_env;
	char **diff_ids; /* rootfs.diff_ids, validated */
	size_t n_diff_ids;
	struct history_entry *history;
	size_t n_history;
	json_t *raw; /* the whole config, for reports and later checks */
};

/* One layer of a resolved image. */
struct layer_ref {
	char *media_type;  /* may be NULL (docker-archive) */
	char *digest;      /* blob digest the bytes must match; NULL if the source has none */
	int64_t size;      /* -1 when unknown */
	char *diff_id;     /* from the config; the uncompressed tar must match */
	char *source_path; /* source-private locator (archive member, file) or NULL */
};

struct image {
	char *reference; /* as the caller wrote it */
	char *transport;
	char *manifest_digest; /* NULL when there is no manifest (docker-archive, rootfs) */
	char *config_digest;
	struct image_config config;
	struct layer_ref *layers;
	size_t n_layers;
	char *rootfs_dir; /* rootfs: transport only: the folder to walk */
};

void image_free(struct image *img);

/* Parsers. Each takes bytes and a length, validates media types, digests and
 * sizes, and fills *out only on success. */
int image_index_parse(struct image_index *out, const void *data, size_t len, customs_error *err);
int image_manifest_parse(struct image_manifest *out, const void *data, size_t len,
                         customs_error *err);
int image_config_parse(struct image_config *out, const void *data, size_t len, customs_error *err);
void image_index_clear(struct image_index *x);
void image_manifest_clear(struct image_manifest *x);
void image_config_clear(struct image_config *x);
void descriptor_clear(struct descriptor *d);
void platform_clear(struct platform *p);

/* True when the media type names an index / manifest list. */
int image_media_type_is_index(const char *mt);

/* Platforms: "os/arch[/variant]" parsing, the host's platform, and choosing
 * the matching entry of an index. When nothing matches, err lists what the
 * index offers. want may be NULL for the host. *out_index gets the position. */
int platform_parse(struct platform *out, const char *s, customs_error *err);
int platform_host(struct platform *out);
int platform_choose(size_t *out_index, const struct image_index *idx, const char *want,
                    customs_error *err);

#endif
