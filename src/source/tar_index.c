/* Indexes the members of an uncompressed tar (docker save, oci-archive) with
 * libarchive, recording where each member's data lies in the file. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/tar_index.h"
#include "util/archive_lazy.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"

enum member_kind { M_REG, M_HARDLINK, M_SYMLINK, M_OTHER };

struct member {
	char *name; /* cleaned: no "./", "//", "..", no leading or trailing '/' */
	char *link; /* link target as stored (M_HARDLINK, M_SYMLINK) */
	int64_t offset, size;
	enum member_kind kind;
	size_t seq;
};

struct tar_index {
	int fd;
	struct member *m;
	size_t n;
};

/* Cleans a path into archive-root-relative form. NULL when it would climb
 * above the root, is empty, or on allocation failure. */
static char *path_clean(const char *in)
{
	size_t len = strlen(in);
	char *out = malloc(len + 1);
	size_t o = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && in[j] != '/')
			j++;
		size_t n = j - i;
		if (n == 0 || (n == 1 && in[i] == '.')) {
			/* nothing */
		} else if (n == 2 && in[i] == '.' && in[i + 1] == '.') {
			if (o == 0) {
				free(out);
				return NULL;
			}
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			if (o)
				out[o++] = '/';
			memcpy(out + o, in + i, n);
			o += n;
		}
		i = j + 1;
	}
	if (o == 0) {
		free(out);
		return NULL;
	}
	out[o] = '\0';
	return out;
}

static int cmp_member(const void *x, const void *y)
{
	const struct member *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : (a->seq < b->seq ? -1 : a->seq > b->seq);
}

static void members_free(struct member *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].link);
	}
	free(m);
}

void tar_index_free(struct tar_index *t)
{
	if (!t)
		return;
	members_free(t->m, t->n);
	if (t->fd >= 0)
		close(t->fd);
	free(t);
}

size_t tar_index_count(const struct tar_index *t)
{
	return t->n;
}

const char *tar_index_name(const struct tar_index *t, size_t i)
{
	return i < t->n ? t->m[i].name : NULL;
}

static int sniff_compression(int fd, const char *path, customs_error *err)
{
	unsigned char h[6] = {0};
	ssize_t n = pread(fd, h, sizeof(h), 0);
	const char *what = NULL;
	if (n < 0)
		return err_set(err, CUSTOMS_EIO, "%s: %s", path, strerror(errno));
	if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
		what = "gzip";
	else if (n >= 4 && h[0] == 0x28 && h[1] == 0xb5 && h[2] == 0x2f && h[3] == 0xfd)
		what = "zstd";
	else if (n >= 6 && memcmp(h,
	                          "\xfd"
	                          "7zXZ\0",
	                          6) == 0)
		what = "xz";
	else if (n >= 3 && memcmp(h, "BZh", 3) == 0)
		what = "bzip2";
	if (what)
		return err_set(err, CUSTOMS_EUNSUPPORTED,
		               "%s: the archive is %s-compressed; decompress the archive first "
		               "(members are read in place, which needs a plain tar)",
		               path, what);
	return CUSTOMS_OK;
}

static int add_member(struct tar_index *t, size_t *cap, struct archive *a, struct archive_entry *e,
                      customs_error *err)
{
	const char *p = archive_entry_pathname(e);
	struct member m = {0};
	if (!p)
		return CUSTOMS_OK;
	if (t->n >= LIMIT_ARCHIVE_MEMBERS)
		return err_set(err, CUSTOMS_ETOOLARGE, "archive has more than %d members",
		               LIMIT_ARCHIVE_MEMBERS);
	if (!(m.name = path_clean(p)))
		return CUSTOMS_OK; /* "./", "" or climbing out: not addressable */
	m.seq = t->n;
	const char *hl = archive_entry_hardlink(e);
	mode_t type = archive_entry_filetype(e);
	if (hl) {
		m.kind = M_HARDLINK;
		m.link = strdup(hl);
	} else if (type == AE_IFLNK && archive_entry_symlink(e)) {
		m.kind = M_SYMLINK;
		m.link = strdup(archive_entry_symlink(e));
	} else if (type == AE_IFREG && archive_entry_sparse_count(e) == 0) {
		m.kind = M_REG;
		m.size = archive_entry_size(e);
		/* Bytes consumed so far = where this member's data starts. */
		m.offset = archive_filter_bytes(a, 0);
	} else {
		m.kind = M_OTHER;
	}
	if ((m.kind == M_HARDLINK || m.kind == M_SYMLINK) && !m.link) {
		free(m.name);
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	}
	if (t->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct member *nm = reallocarray(t->m, nc, sizeof(*nm));
		if (!nm) {
			free(m.name);
			free(m.link);
			return err_set(err, CUSTOMS_ENOMEM, "out of memory");
		}
		t->m = nm;
		*cap = nc;
	}
	t->m[t->n++] = m;
	return CUSTOMS_OK;
}

/* Checks that the recorded offsets agree with where libarchive found the
 * next header, so a reader quirk can never make us serve the wrong bytes. */
static int check_layout(const struct member *m, int64_t next_header, int64_t file_size,
                        customs_error *err)
{
	int64_t padded, end;
	if (m->kind != M_REG)
		return CUSTOMS_OK;
	if (m->size < 0 || m->offset < 0 || __builtin_add_overflow(m->size, 511, &padded) ||
	    __builtin_add_overflow(m->offset, padded & ~(int64_t)511, &end) || end != next_header ||
	    m->offset + m->size > file_size)
		return err_set(err, CUSTOMS_EINVAL,
		               "archive member %.200s: inconsistent offsets "
		               "(truncated or unusual tar)",
		               m->name);
	return CUSTOMS_OK;
}

int tar_index_open(struct tar_index **out, const char *path, customs_error *err)
{
	struct tar_index *t = NULL;
	struct archive *a = NULL;
	struct stat st;
	size_t cap = 0;
	int rc = CUSTOMS_OK;

	if ((rc = archive_lazy_load(err)))
		return rc;
	if (!(t = calloc(1, sizeof(*t))))
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	t->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (t->fd < 0) {
		rc = err_set(err, errno == ENOENT ? CUSTOMS_ENOTFOUND : CUSTOMS_EIO, "%s: %s", path,
		             strerror(errno));
		goto out;
	}
	if (fstat(t->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = err_set(err, CUSTOMS_EINVAL, "%s: not a regular file", path);
		goto out;
	}
	if ((rc = sniff_compression(t->fd, path, err)))
		goto out;
	if (!(a = archive_read_new()) || archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_open_fd(a, t->fd, 65536) != ARCHIVE_OK) {
		rc = err_set(err, CUSTOMS_EINVAL, "%s: not a tar archive: %s", path,
		             a ? archive_error_string(a) : "out of memory");
		goto out;
	}
	/* The member added by the previous header, checked once the next header
	 * (or the end) shows where its data stopped. */
	size_t pending = SIZE_MAX;
	for (;;) {
		struct archive_entry *e;
		int r = archive_read_next_header(a, &e);
		if (pending != SIZE_MAX && r != ARCHIVE_FATAL &&
		    (rc = check_layout(&t->m[pending], archive_read_header_position(a),
		                       (int64_t)st.st_size, err)))
			goto out;
		pending = SIZE_MAX;
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			rc = err_set(err, CUSTOMS_EINVAL, "%s: not a valid tar archive: %s", path,
			             archive_error_string(a) ? archive_error_string(a) : "?");
			goto out;
		}
		size_t before = t->n;
		if ((rc = add_member(t, &cap, a, e, err)))
			goto out;
		if (t->n > before)
			pending = before;
	}
	if (t->n == 0) {
		rc = err_set(err, CUSTOMS_EINVAL, "%s: empty or not a tar archive", path);
		goto out;
	}
	qsort(t->m, t->n, sizeof(*t->m), cmp_member);
	/* A later member with the same name replaces the earlier one, as on extraction. */
	size_t w = 0;
	for (size_t i = 0; i < t->n; i++) {
		if (i + 1 < t->n && strcmp(t->m[i].name, t->m[i + 1].name) == 0) {
			free(t->m[i].name);
			free(t->m[i].link);
			continue;
		}
		t->m[w++] = t->m[i];
	}
	t->n = w;
	*out = t;
	t = NULL;
out:
	archive_read_free(a);
	tar_index_free(t);
	return rc;
}

static const struct member *lookup(const struct tar_index *t, const char *clean)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(clean, t->m[mid].name);
		if (c == 0)
			return &t->m[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The cleaned path a symlink member points to. */
static char *symlink_target(const struct member *m)
{
	const char *slash = strrchr(m->name, '/');
	size_t dir = slash && m->link[0] != '/' ? (size_t)(slash - m->name) : 0;
	size_t n = dir + 1 + strlen(m->link) + 1;
	char *joined = malloc(n);
	if (!joined)
		return NULL;
	memcpy(joined, m->name, dir);
	joined[dir] = '/';
	memcpy(joined + dir + 1, m->link, strlen(m->link) + 1);
	char *clean = path_clean(joined);
	free(joined);
	return clean;
}

int tar_index_find(const struct tar_index *t, const char *name, int64_t *offset, int64_t *size,
                   customs_error *err)
{
	char *clean = path_clean(name);
	const struct member *m = clean ? lookup(t, clean) : NULL;
	int rc = CUSTOMS_ENOTFOUND;
	for (int hops = 0; m && hops <= LIMIT_SYMLINK_HOPS; hops++) {
		free(clean);
		clean = NULL;
		if (m->kind == M_REG) {
			*offset = m->offset;
			*size = m->size;
			rc = CUSTOMS_OK;
			break;
		}
		if (m->kind == M_OTHER)
			break;
		clean = m->kind == M_HARDLINK ? path_clean(m->link) : symlink_target(m);
		m = clean ? lookup(t, clean) : NULL;
	}
	free(clean);
	if (rc) {
		char *safe = str_sanitize(name, strnlen(name, 200));
		err_set(err, rc, "archive member \"%s\" not found (or not a regular file)",
		        safe ? safe : "?");
		free(safe);
	}
	return rc;
}

int tar_index_open_member(const struct tar_index *t, const char *name, struct blob **out,
                          customs_error *err)
{
	int64_t off, size;
	int rc = tar_index_find(t, name, &off, &size, err);
	return rc ? rc : blob_from_fd_range(out, t->fd, off, size, err);
}
