/* Pieces shared by the local transports (oci, oci-archive, docker-archive,
 * rootfs): reading whole blobs, the file access interface of OCI layouts,
 * and the transport tables. Not for use outside src/source/. */
#ifndef SOURCE_SOURCE_INTERNAL_H
#define SOURCE_SOURCE_INTERNAL_H

#include <stdbool.h>

#include "image/image.h"
#include "source/blob.h"
#include "source/source.h"
#include "source/tar_index.h"

/* Reads the rest of b into a new NUL-terminated buffer of at most max bytes
 * (CUSTOMS_ETOOLARGE past it). what names the input in messages. */
int blob_read_all(char **out, size_t *out_len, struct blob *b, size_t max, const char *what,
                  customs_error *err);

/* A blob over a whole open file it takes ownership of (closed on failure too).
 * The fd must be a regular file. */
int blob_from_owned_fd(struct blob **out, int fd, const char *what, customs_error *err);

/* How the OCI layout code reads files: from a folder or from a tar. rel is a
 * relative path the layout code built itself from fixed names and validated
 * digests, never from file contents. */
struct layout_fs {
	int (*open)(struct layout_fs *fs, const char *rel, struct blob **out, customs_error *err);
	void (*free)(struct layout_fs *fs);
};

int layout_fs_dir_open(struct layout_fs **out, const char *dir, customs_error *err);
/* Borrows t, which must outlive the layout_fs. */
int layout_fs_tar_new(struct layout_fs **out, const struct tar_index *t, customs_error *err);

/* The OCI layout source, shared by "oci" (a folder) and "oci-archive" (a tar).
 * Takes ownership of fs and tar (may be NULL) even on failure. spec is the
 * reference after the transport prefix, tag may be NULL. */
int oci_source_new(struct source **out, const struct source_ops *ops, struct layout_fs *fs,
                   struct tar_index *tar, const char *spec, const char *tag,
                   const customs_scan_options *opts, customs_error *err);
int oci_source_resolve(struct source *s, struct image **out, customs_error *err);
int oci_source_layer_open(struct source *s, const struct image *img, size_t i, struct blob **out,
                          customs_error *err);
void oci_source_close(struct source *s);

/* Splits "PATH[:TAG]" (oci, oci-archive, docker-archive). Rule: when the
 * whole spec names an existing file or folder, it is all path. Otherwise the
 * longest prefix before a ':' that exists is the path and the rest (non-empty)
 * the tag, so folders with ':' and references like "host:5000/name:tag" both
 * work. When nothing exists, the last ':' followed by a non-empty tag without
 * '/' splits, so the "not found" error names the path the user meant. */
int source_split_tag(char **path, char **tag, const char *spec, customs_error *err);

/* One entry of a docker-archive manifest.json. */
struct docker_archive_entry {
	char *config;     /* member name of the config */
	char **repo_tags; /* normalised with ":latest" when untagged */
	size_t n_repo_tags;
	char **layers; /* member names, lowest layer first */
	size_t n_layers;
};

/* Parses manifest.json bytes (a JSON array of {Config, RepoTags, Layers}). */
int docker_archive_manifest_parse(struct docker_archive_entry **out, size_t *n_out,
                                  const void *data, size_t len, customs_error *err);
void docker_archive_entries_free(struct docker_archive_entry *e, size_t n);
/* "name" without a tag gets ":latest"; a digest reference is kept as is. */
char *docker_ref_normalise(const char *ref);

extern const struct source_ops source_oci_ops;
extern const struct source_ops source_oci_archive_ops;
extern const struct source_ops source_docker_archive_ops;
extern const struct source_ops source_rootfs_ops;

#endif
