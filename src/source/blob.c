/* Blobs over file ranges, whole files and memory: the byte streams the layer
 * reader consumes. File blobs use pread so one fd serves many threads. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/blob.h"
#include "source/source_internal.h"
#include "util/buf.h"
#include "util/error.h"

struct fd_blob {
	struct blob b;
	int fd;
	int owns_fd;
	int64_t pos, end;
};

static ssize_t fd_blob_read(struct blob *b, void *buf, size_t len, customs_error *err)
{
	struct fd_blob *f = (struct fd_blob *)b;
	if (f->pos >= f->end || len == 0)
		return 0;
	if ((uint64_t)len > (uint64_t)(f->end - f->pos))
		len = (size_t)(f->end - f->pos);
	for (;;) {
		ssize_t n = pread(f->fd, buf, len, (off_t)f->pos);
		if (n > 0) {
			f->pos += n;
			return n;
		}
		if (n == 0)
			return err_set(err, CUSTOMS_EIO,
			               "file ended at byte %lld, %lld bytes before the blob's end",
			               (long long)f->pos, (long long)(f->end - f->pos));
		if (errno != EINTR)
			return err_set(err, CUSTOMS_EIO, "reading at byte %lld: %s",
			               (long long)f->pos, strerror(errno));
	}
}

static void fd_blob_close(struct blob *b)
{
	struct fd_blob *f = (struct fd_blob *)b;
	if (!f)
		return;
	if (f->owns_fd)
		close(f->fd);
	free(f);
}

static int fd_blob_new(struct blob **out, int fd, int owns, int64_t offset, int64_t length,
                       customs_error *err)
{
	int64_t end;
	if (fd < 0 || offset < 0 || length < 0 || __builtin_add_overflow(offset, length, &end))
		return err_set(err, CUSTOMS_EINVAL, "invalid blob range %lld+%lld",
		               (long long)offset, (long long)length);
	struct fd_blob *f = calloc(1, sizeof(*f));
	if (!f)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	f->b.read = fd_blob_read;
	f->b.close = fd_blob_close;
	f->b.size = length;
	f->fd = fd;
	f->owns_fd = owns;
	f->pos = offset;
	f->end = end;
	*out = &f->b;
	return CUSTOMS_OK;
}

int blob_from_fd_range(struct blob **out, int fd, int64_t offset, int64_t length,
                       customs_error *err)
{
	return fd_blob_new(out, fd, 0, offset, length, err);
}

int blob_from_owned_fd(struct blob **out, int fd, const char *what, customs_error *err)
{
	struct stat st;
	int rc;
	if (fstat(fd, &st) != 0)
		rc = err_set(err, CUSTOMS_EIO, "%s: %s", what, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		rc = err_set(err, CUSTOMS_EINVAL, "%s: not a regular file", what);
	else
		rc = fd_blob_new(out, fd, 1, 0, (int64_t)st.st_size, err);
	if (rc)
		close(fd);
	return rc;
}

int blob_from_file(struct blob **out, const char *path, customs_error *err)
{
	/* O_NONBLOCK: opening a FIFO planted where a file should be must not hang. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return err_set(err, errno == ENOENT ? CUSTOMS_ENOTFOUND : CUSTOMS_EIO, "%s: %s",
		               path, strerror(errno));
	return blob_from_owned_fd(out, fd, path, err);
}

struct mem_blob {
	struct blob b;
	const unsigned char *data;
	size_t len, pos;
};

static ssize_t mem_blob_read(struct blob *b, void *buf, size_t len, customs_error *err)
{
	struct mem_blob *m = (struct mem_blob *)b;
	size_t n = m->len - m->pos;
	if (n > len)
		n = len;
	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	if (n)
		memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

static void mem_blob_close(struct blob *b)
{
	free(b);
}

int blob_from_memory(struct blob **out, const void *data, size_t len, customs_error *err)
{
	if (len > INT64_MAX || (!data && len))
		return err_set(err, CUSTOMS_EINVAL, "invalid memory blob");
	struct mem_blob *m = calloc(1, sizeof(*m));
	if (!m)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	m->b.read = mem_blob_read;
	m->b.close = mem_blob_close;
	m->b.size = (int64_t)len;
	m->data = data;
	m->len = len;
	*out = &m->b;
	return CUSTOMS_OK;
}

int blob_read_all(char **out, size_t *out_len, struct blob *b, size_t max, const char *what,
                  customs_error *err)
{
	struct buf buf;
	char chunk[16384];
	int rc = CUSTOMS_OK;
	buf_init(&buf, max);
	for (;;) {
		ssize_t n = b->read(b, chunk, sizeof(chunk), err);
		if (n == 0)
			break;
		if (n < 0) {
			rc = (int)n;
			err_prefix(err, "%s", what);
			goto out;
		}
		if ((rc = buf_append(&buf, chunk, (size_t)n))) {
			if (rc == CUSTOMS_ETOOLARGE)
				err_set(err, rc, "%s: larger than the %zu byte limit", what, max);
			else
				err_set(err, rc, "out of memory");
			goto out;
		}
	}
	if (!buf.data && buf_append(&buf, "", 0)) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	*out_len = buf.len;
	*out = buf_take(&buf);
out:
	buf_free(&buf);
	return rc;
}
