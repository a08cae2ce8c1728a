/* layer_read_dir: walks an unpacked root filesystem with openat and
 * O_NOFOLLOW, so no symlink in it can lead the walk outside the folder. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layer/layer_internal.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"

#define READ_CHUNK (256u << 10)

struct dir_walk {
	struct dispatch disp;
	uint8_t *buf;
	char path[LIMIT_PATH_BYTES + 1];
};

struct file_src {
	int fd;
	uint8_t *buf;
	uint64_t left; /* bytes still expected: the size fstat saw */
	uint64_t pos;
};

static void warn_path(struct dir_walk *w, const char *path, const char *what, int e)
{
	char *safe = str_sanitize(path, strlen(path));
	warn_add(w->disp.warnings, "%s: %s: %s", safe ? safe : "?", what, strerror(e));
	free(safe);
}

static int file_block(void *ctx, const uint8_t **data, size_t *len, int64_t *offset,
                      customs_error *err)
{
	struct file_src *f = ctx;
	if (f->left == 0)
		return 0;
	size_t want = f->left < READ_CHUNK ? (size_t)f->left : READ_CHUNK;
	ssize_t n;
	do
		n = read(f->fd, f->buf, want);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_set(err, CUSTOMS_EIO, "read failed: %s", strerror(errno));
	if (n == 0)
		return err_set(err, CUSTOMS_EIO, "file shrank while being read");
	*data = f->buf;
	*len = (size_t)n;
	*offset = (int64_t)f->pos;
	f->pos += (uint64_t)n;
	f->left -= (uint64_t)n;
	return 1;
}

static int visit_file(struct dir_walk *w, int dfd, const char *name, customs_error *err)
{
	if (!dispatch_wanted(&w->disp, w->path))
		return 0;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		warn_path(w, w->path, "cannot open", errno);
		return 0;
	}
	struct stat st;
	int rc = 0;
	/* Re-check on the open fd: the entry may have changed since fstatat. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		warn_path(w, w->path, "not a regular file any more", EINVAL);
		goto out;
	}
	struct file_src src = {fd, w->buf, (uint64_t)st.st_size, 0};
	customs_error e = {0};
	rc = dispatch_file(&w->disp, w->path, st.st_size, file_block, &src, &e);
	if (rc < 0 && rc != CUSTOMS_ENOMEM) {
		/* The folder is the user's and may change under us: skip the file. */
		char *safe = str_sanitize(w->path, strlen(w->path));
		warn_add(w->disp.warnings, "%s: skipped: %s", safe ? safe : "?", e.message);
		free(safe);
		rc = 0;
	} else if (rc < 0) {
		err_copy(err, &e);
	}
out:
	close(fd);
	return rc;
}

static int walk_dir(struct dir_walk *w, int dfd, size_t plen, unsigned depth, customs_error *err)
{
	int rc = 0;
	DIR *d = fdopendir(dfd);
	if (!d) {
		warn_path(w, plen ? w->path : ".", "cannot list", errno);
		close(dfd);
		return 0;
	}
	struct dirent *de;
	for (;;) {
		errno = 0;
		if (!(de = readdir(d))) {
			if (errno)
				warn_path(w, plen ? w->path : ".", "cannot list", errno);
			break;
		}
		const char *name = de->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		size_t n = strlen(name);
		size_t need = plen + (plen ? 1 : 0) + n;
		if (need > LIMIT_PATH_BYTES) {
			w->path[plen] = '\0';
			warn_path(w, w->path, "path too long, entry skipped", ENAMETOOLONG);
			continue;
		}
		size_t np = plen;
		if (np)
			w->path[np++] = '/';
		memcpy(w->path + np, name, n + 1);
		if (++w->disp.res->n_entries > LIMIT_TAR_ENTRIES) {
			rc = err_set(err, CUSTOMS_ETOOLARGE, "more than %d files in the folder",
			             LIMIT_TAR_ENTRIES);
			break;
		}
		struct stat st;
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			warn_path(w, w->path, "cannot stat", errno);
			continue;
		}
		if ((S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) &&
		    (rc = dispatch_entry(&w->disp, w->path, (uint32_t)st.st_mode, st.st_size,
		                         st.st_uid, st.st_gid, err)) < 0)
			break;
		if (S_ISDIR(st.st_mode)) {
			if (depth + 1 > LIMIT_DIR_DEPTH) {
				warn_path(w, w->path, "too deep, not walked", ELOOP);
				continue;
			}
			int sub =
			    openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				warn_path(w, w->path, "cannot open", errno);
				continue;
			}
			rc = walk_dir(w, sub, need, depth + 1, err);
		} else if (S_ISREG(st.st_mode)) {
			rc = visit_file(w, dirfd(d), name, err);
		} else if (S_ISLNK(st.st_mode)) {
			rc = dispatch_shadow(&w->disp, w->path, err);
		}
		if (rc < 0)
			break;
	}
	closedir(d);
	w->path[plen] = '\0';
	return rc;
}

int layer_read_dir(struct layer_result **out, const char *dir,
                   const struct analyzer *const *analyzers, struct warn_list *warnings,
                   customs_error *err)
{
	int rc = 0;
	struct dir_walk *w = calloc(1, sizeof(*w));
	struct layer_result *res = NULL;
	if (!w || !(w->buf = malloc(READ_CHUNK))) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = dispatch_init(&w->disp, analyzers, warnings, err)) < 0)
		goto out;
	res = w->disp.res;
	/* The folder the user named may itself be a symlink; what is inside
	 * it is never followed. */
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		rc = err_set(err, errno == ENOENT ? CUSTOMS_ENOTFOUND : CUSTOMS_EIO,
		             "rootfs %s: %s", dir, strerror(errno));
		goto out;
	}
	rc = walk_dir(w, fd, 0, 0, err);
out:
	if (w) {
		if (rc == 0)
			dispatch_take(&w->disp);
		dispatch_clear(&w->disp);
		free(w->buf);
		free(w);
	}
	if (rc < 0)
		return rc;
	*out = res;
	return 0;
}
