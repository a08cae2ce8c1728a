/* An index of an uncompressed tar file's members (name -> offset, size), so
 * that members can be read in place with pread, from many threads. */
#ifndef SOURCE_TAR_INDEX_H
#define SOURCE_TAR_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "customs/customs.h"
#include "source/blob.h"

struct tar_index;

/* Reads every header of the tar file at path (data is skipped, not read).
 * Compressed archives are refused with CUSTOMS_EUNSUPPORTED. *out owns the
 * open file; free with tar_index_free. */
int tar_index_open(struct tar_index **out, const char *path, customs_error *err);
void tar_index_free(struct tar_index *t);

/* Finds the regular file named name ("./" prefixes ignored), following hard
 * links and symlinks between members. CUSTOMS_ENOTFOUND when absent or not a
 * regular file. Read-only: safe from several threads. */
int tar_index_find(const struct tar_index *t, const char *name, int64_t *offset, int64_t *size,
                   customs_error *err);

/* Opens member name as a blob (pread on the shared fd). */
int tar_index_open_member(const struct tar_index *t, const char *name, struct blob **out,
                          customs_error *err);

/* Number of members indexed (all types), and the cleaned name of member i
 * (sorted order; NULL past the end). */
size_t tar_index_count(const struct tar_index *t);
const char *tar_index_name(const struct tar_index *t, size_t i);

#endif
