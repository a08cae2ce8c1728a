/* The streaming layer reader: one pass over a layer blob that decompresses
 * (gzip via ISA-L, zstd, or plain tar), hashes the blob and the tar (diff_id),
 * walks tar entries with libarchive and feeds matching files to analyzers.
 * Nothing is written to disk. Also reads an unpacked rootfs folder the same
 * way, and merges per-layer results applying whiteouts. */
#ifndef LAYER_LAYER_H
#define LAYER_LAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/analyzer.h"
#include "customs/customs.h"
#include "image/image.h"
#include "source/blob.h"
#include "util/warn.h"

struct layer_result {
	char *blob_digest;         /* sha256 of the bytes read, "sha256:..." */
	char *diff_id;             /* sha256 of the uncompressed tar */
	struct file_result *files; /* analyzer outputs, in tar order */
	size_t n_files;
	char **whiteouts; /* paths deleted from lower layers by ".wh.NAME" */
	size_t n_whiteouts;
	char **opaque_dirs; /* dirs whose lower-layer contents are hidden (".wh..wh..opq") */
	size_t n_opaque;
	uint64_t compressed_bytes, uncompressed_bytes;
	size_t n_entries;
	/* Hashes of the paths of the layer's file entries (regular files,
	 * links, devices), sorted. Kept when an analyzer reads every file: such
	 * an analyzer's empty results are not stored (most files yield nothing),
	 * so this is how a file it found something in is known to be replaced
	 * by a later layer. NULL otherwise. */
	uint64_t *path_hashes;
	size_t n_path_hashes;
};

void layer_result_free(struct layer_result *r);

/* The hash of path_hashes. */
uint64_t layer_path_hash(const char *path, size_t len);
/* True when l has a file entry at path (false when l kept no hashes). */
bool layer_replaces(const struct layer_result *l, const char *path);

/* Reads one layer blob. expect (may be NULL) gives the blob digest and the
 * diff_id the bytes must have: a mismatch fails with CUSTOMS_EINTEGRITY and a
 * message naming both digests. Compression is sniffed from the bytes. */
int layer_read(struct layer_result **out, struct blob *blob, const struct layer_ref *expect,
               const struct analyzer *const *analyzers, struct warn_list *warnings,
               customs_error *err);

/* Reads an unpacked root filesystem folder as if it were one layer, never
 * following symlinks out of it. */
int layer_read_dir(struct layer_result **out, const char *dir,
                   const struct analyzer *const *analyzers, struct warn_list *warnings,
                   customs_error *err);

/* The final filesystem's analyzer results after applying every layer's
 * whiteouts in order. Files borrow from the layer results, which must
 * outlive this. */
struct merged_file {
	const struct file_result *result;
	size_t layer; /* index of the layer the surviving file came from */
	/* For each package of result: index of the lowest layer from which the
	 * same path continuously held a package with the same name, version and
	 * arch. That is the layer that introduced it. */
	size_t *pkg_layer;
};

struct merged_fs {
	struct merged_file *files;
	size_t n_files;
};

int layer_merge(struct merged_fs *out, struct layer_result *const *layers, size_t n,
                customs_error *err);
void merged_fs_clear(struct merged_fs *m);

#endif
