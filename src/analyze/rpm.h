/* The rpm database readers (SQLite, Berkeley DB hash, ndb) and the header
 * blob parser they share; internal to src/analyze, exposed for tests and fuzzers. */
#ifndef ANALYZE_RPM_H
#define ANALYZE_RPM_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/analyzer.h"
#include "analyze/package.h"
#include "customs/customs.h"
#include "util/warn.h"

/* The fields of one rpm header that make a package. Strings point into the
 * parsed blob (they are NUL-terminated inside it) and live as long as it;
 * NULL when the tag is absent. */
struct rpm_header {
	const char *name, *version, *release, *arch, *sourcerpm, *license, *vendor;
	int has_epoch;
	uint32_t epoch;
	int64_t size; /* LONGSIZE, else SIZE; -1 when neither */
};

/* Parses an rpm header blob (il, dl, index, data store; big-endian) of len
 * bytes. Fails with CUSTOMS_EINVAL on any inconsistency, CUSTOMS_ETOOLARGE
 * past rpm's own caps, and when NAME or VERSION is missing. */
int rpm_header_parse(struct rpm_header *out, const uint8_t *blob, size_t len, customs_error *err);

/* Fills a zeroed package (from package_list_add) with malloc'd copies of h's
 * fields: type "rpm", version "VERSION-RELEASE", epoch, source name and
 * version from SOURCERPM, license, maintainer = vendor, installed_size. On
 * failure the strings already set are freed and p is zeroed again. */
int rpm_header_to_package(customs_package *p, const struct rpm_header *h, customs_error *err);

/* Receives each header blob a reader finds; the blob is only valid during the
 * call. A negative return stops the reader, which returns that code. */
typedef int (*rpm_blob_fn)(void *ctx, const uint8_t *blob, size_t len, customs_error *err);

/* Each reader walks a whole database file held in memory (data, len), calls
 * fn for every package blob, and reports damaged records as warnings naming
 * path (skipping them). A file it cannot read at all fails with
 * CUSTOMS_EINVAL or CUSTOMS_EUNSUPPORTED. */
int rpmdb_bdb_read(const uint8_t *data, size_t len, const char *path, rpm_blob_fn fn, void *ctx,
                   struct warn_list *warnings, customs_error *err);
int rpmdb_ndb_read(const uint8_t *data, size_t len, const char *path, rpm_blob_fn fn, void *ctx,
                   struct warn_list *warnings, customs_error *err);
int rpmdb_sqlite_read(const uint8_t *data, size_t len, const char *path, rpm_blob_fn fn, void *ctx,
                      struct warn_list *warnings, customs_error *err);

/* Recognises the format from the content (not the file name) and appends the
 * packages found to out (gpg-pubkey pseudo packages skipped). On failure out
 * is unchanged. */
int rpmdb_parse(struct package_list *out, const uint8_t *data, size_t len, const char *path,
                struct warn_list *warnings, customs_error *err);

struct owned_list;
/* Appends the files one header lists (DIRNAMES[DIRINDEXES[i]] + BASENAMES[i],
 * or OLDFILENAMES) to out. On failure out is as it was. */
int rpm_header_files(struct owned_list *out, const uint8_t *blob, size_t len, customs_error *err);

/* rpmdb_parse that also lists every package's files in owned (may be NULL;
 * its old contents are replaced). On failure neither list changes. */
int rpmdb_parse_owned(struct package_list *out, struct owned_list *owned, const uint8_t *data,
                      size_t len, const char *path, struct warn_list *warnings, customs_error *err);

extern const struct analyzer analyzer_rpm;

#endif
