/* A blob is a readable byte stream (a layer from a file, an archive member,
 * an HTTP response body). The layer reader consumes blobs without knowing
 * where they come from. */
#ifndef SOURCE_BLOB_H
#define SOURCE_BLOB_H

#include <stdint.h>
#include <sys/types.h>

#include "customs/customs.h"

struct blob {
	/* Reads up to len bytes into buf. Returns the count (> 0), 0 at the end,
	 * or a negative CUSTOMS_E* code with err set. */
	ssize_t (*read)(struct blob *b, void *buf, size_t len, customs_error *err);
	/* Frees the blob; accepts NULL. */
	void (*close)(struct blob *b);
	int64_t size; /* declared size in bytes, -1 when unknown */
	/* "sha256:<hex>" when the blob checks its own bytes against this digest
	 * (its last read fails with CUSTOMS_EINTEGRITY otherwise), so that a
	 * reader need not hash them again; NULL for most blobs. */
	const char *verified_digest;
};

static inline void blob_close(struct blob *b)
{
	if (b)
		b->close(b);
}

/* A blob over bytes [offset, offset+length) of an open file descriptor,
 * read with pread so several blobs may share one fd. The fd stays owned by
 * the caller and must outlive the blob. */
int blob_from_fd_range(struct blob **out, int fd, int64_t offset, int64_t length,
                       customs_error *err);

/* A blob over a whole file, opened O_RDONLY|O_CLOEXEC; the blob owns the fd. */
int blob_from_file(struct blob **out, const char *path, customs_error *err);

/* A blob over a memory buffer the caller keeps alive (tests, fuzzers). */
int blob_from_memory(struct blob **out, const void *data, size_t len, customs_error *err);

#endif
