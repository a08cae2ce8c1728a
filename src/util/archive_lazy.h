/* libarchive, loaded on first use. libarchive and what it links (libxml2,
 * ICU, libstdc++, nettle, acl, lzma, lz4, bz2) were most of the dynamic
 * loader's work at every run's start, and layers are read by layer/tar_read.c:
 * only jars and zips, docker-archive tarballs, vulnerability DB bundles and
 * `customs version` use it. Include this instead of <archive.h> and
 * <archive_entry.h> and call archive_lazy_load() before the first archive_*
 * call; the names below then go through the loaded library. Constants and
 * types (ARCHIVE_OK, AE_IFREG, la_ssize_t, struct archive) come from the
 * headers unchanged. Files that include <archive.h> without this one (tests
 * writing fixtures) call the real library as before. */
#ifndef UTIL_ARCHIVE_LAZY_H
#define UTIL_ARCHIVE_LAZY_H

#include <archive.h>
#include <archive_entry.h>

#include "customs/customs.h"

/* X(name without "archive_"): every libarchive function the code calls. */
#define ARCHIVE_LAZY_FUNCTIONS(X)                                                                  \
	X(version_string)                                                                          \
	X(read_new)                                                                                \
	X(read_free)                                                                               \
	X(read_support_filter_gzip)                                                                \
	X(read_support_format_raw)                                                                 \
	X(read_support_format_tar)                                                                 \
	X(read_support_format_zip)                                                                 \
	X(read_open_fd)                                                                            \
	X(read_open_filename)                                                                      \
	X(read_open_memory)                                                                        \
	X(read_next_header)                                                                        \
	X(read_header_position)                                                                    \
	X(read_data)                                                                               \
	X(filter_bytes)                                                                            \
	X(error_string)                                                                            \
	X(entry_pathname)                                                                          \
	X(entry_filetype)                                                                          \
	X(entry_size)                                                                              \
	X(entry_hardlink)                                                                          \
	X(entry_symlink)                                                                           \
	X(entry_sparse_count)

/* Each pointer has the type of the function <archive.h> or
 * <archive_entry.h> declares. */
#define ARCHIVE_LAZY_MEMBER(name) __typeof__(archive_##name) *name;
struct archive_lazy {
	ARCHIVE_LAZY_FUNCTIONS(ARCHIVE_LAZY_MEMBER)
};
#undef ARCHIVE_LAZY_MEMBER
extern struct archive_lazy archive_lazy;

/* Loads libarchive, once per process; later calls return the first one's
 * result. CUSTOMS_EUNSUPPORTED when the library is not installed.
 * Thread-safe. */
int archive_lazy_load(customs_error *err);

#define archive_version_string           (archive_lazy.version_string)
#define archive_read_new                 (archive_lazy.read_new)
#define archive_read_free                (archive_lazy.read_free)
#define archive_read_support_filter_gzip (archive_lazy.read_support_filter_gzip)
#define archive_read_support_format_raw  (archive_lazy.read_support_format_raw)
#define archive_read_support_format_tar  (archive_lazy.read_support_format_tar)
#define archive_read_support_format_zip  (archive_lazy.read_support_format_zip)
#define archive_read_open_fd             (archive_lazy.read_open_fd)
#define archive_read_open_filename       (archive_lazy.read_open_filename)
#define archive_read_open_memory         (archive_lazy.read_open_memory)
#define archive_read_next_header         (archive_lazy.read_next_header)
#define archive_read_header_position     (archive_lazy.read_header_position)
#define archive_read_data                (archive_lazy.read_data)
#define archive_filter_bytes             (archive_lazy.filter_bytes)
#define archive_error_string             (archive_lazy.error_string)
#define archive_entry_pathname           (archive_lazy.entry_pathname)
#define archive_entry_filetype           (archive_lazy.entry_filetype)
#define archive_entry_size               (archive_lazy.entry_size)
#define archive_entry_hardlink           (archive_lazy.entry_hardlink)
#define archive_entry_symlink            (archive_lazy.entry_symlink)
#define archive_entry_sparse_count       (archive_lazy.entry_sparse_count)

#endif
