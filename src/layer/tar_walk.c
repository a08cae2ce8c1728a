/* layer_read: one streaming pass over a layer blob; tar_read.c walks the
 * tar that decompress.c produces, the dispatcher feeds analyzers, whiteouts
 * and opaque dirs are recorded, and both digests are checked at the end. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "layer/layer_internal.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

struct walk {
	struct layer_stream *stream;
	struct tar_reader *tar;
	struct dispatch disp;
	size_t wh_cap, opq_cap;
	char path[LIMIT_PATH_BYTES + 1];
};

void layer_result_free(struct layer_result *r)
{
	if (!r)
		return;
	free(r->blob_digest);
	free(r->diff_id);
	for (size_t i = 0; i < r->n_files; i++)
		file_result_clear(&r->files[i]);
	free(r->files);
	for (size_t i = 0; i < r->n_whiteouts; i++)
		free(r->whiteouts[i]);
	free(r->whiteouts);
	for (size_t i = 0; i < r->n_opaque; i++)
		free(r->opaque_dirs[i]);
	free(r->opaque_dirs);
	free(r->path_hashes);
	free(r);
}

static int stream_source(void *ctx, const uint8_t **data, size_t *len, customs_error *err)
{
	return layer_stream_next(ctx, data, len, err);
}

static void warn_name(struct walk *w, const char *name, const char *why)
{
	char *safe = str_sanitize(name, strlen(name));
	warn_add(w->disp.warnings, "tar entry \"%s\" skipped: %s", safe ? safe : "?", why);
	free(safe);
}

static int record_whiteout(struct walk *w, size_t dir_len, const char *base, customs_error *err)
{
	struct layer_result *r = w->disp.res;
	int rc = 0;
	if (r->n_whiteouts + r->n_opaque >= LIMIT_WHITEOUTS)
		return err_set(err, CUSTOMS_ETOOLARGE, "more than %d whiteouts in one layer",
		               LIMIT_WHITEOUTS);
	if (strcmp(base, WH_OPAQUE) == 0) {
		/* dir_len includes the '/' before the name; the root is "". */
		rc = layer_strv_push(&r->opaque_dirs, &r->n_opaque, &w->opq_cap, w->path,
		                     dir_len ? dir_len - 1 : 0);
	} else if (str_has_prefix(base, WH_PREFIX WH_PREFIX)) {
		/* Other ".wh..wh." names are aufs metadata (hard link dirs), not
		 * deletions. */
		return 0;
	} else {
		const char *name = base + strlen(WH_PREFIX);
		if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
			warn_name(w, w->path, "whiteout of an invalid name");
			return 0;
		}
		/* "dir/.wh.name" -> "dir/name": drop the prefix in place. */
		size_t n = strlen(name);
		memmove(w->path + dir_len, name, n + 1);
		rc = layer_strv_push(&r->whiteouts, &r->n_whiteouts, &w->wh_cap, w->path,
		                     dir_len + n);
	}
	return rc < 0 ? err_set(err, rc, "out of memory") : 0;
}

static int walk_entry(struct walk *w, const struct tar_entry *e, customs_error *err)
{
	const char *name = e->name;
	size_t plen = 0;
	switch (layer_path_normalise(w->path, &plen, name, strlen(name))) {
	case PATH_OK:
		break;
	case PATH_EMPTY:
		/* The root itself ("./") is in most layers and says nothing. */
		if (e->kind != TAR_DIR)
			warn_name(w, name, "empty name");
		return 0;
	case PATH_DOTDOT:
		warn_name(w, name, "\"..\" component");
		return 0;
	case PATH_TOO_LONG:
		warn_name(w, name, "path too long");
		return 0;
	}
	const char *slash = strrchr(w->path, '/');
	size_t dir_len = slash ? (size_t)(slash - w->path) + 1 : 0;
	const char *base = w->path + dir_len;
	if (str_has_prefix(base, WH_PREFIX))
		return record_whiteout(w, dir_len, base, err);
	if (e->kind == TAR_FILE || e->kind == TAR_DIR) {
		int rc = dispatch_entry(&w->disp, w->path, e->mode, e->size, e->uid, e->gid, err);
		if (rc < 0)
			return rc;
	}
	/* Data nobody wants is skipped by the next tar_next. */
	if (e->kind == TAR_FILE)
		return dispatch_file(&w->disp, w->path, e->size, tar_read_data, w->tar, err);
	if (e->kind == TAR_DIR)
		return 0;
	/* Symlinks, hard links, devices: not followed, but they replace what a
	 * lower layer had at this path. */
	return dispatch_shadow(&w->disp, w->path, err);
}

static int walk_tar(struct walk *w, customs_error *err)
{
	struct tar_entry e;
	int rc;
	while ((rc = tar_next(w->tar, &e, err)) > 0) {
		if (++w->disp.res->n_entries > LIMIT_TAR_ENTRIES)
			return err_set(err, CUSTOMS_ETOOLARGE, "more than %d tar entries",
			               LIMIT_TAR_ENTRIES);
		if ((rc = walk_entry(w, &e, err)) < 0)
			return rc;
	}
	return rc;
}

static const char *layer_name(const struct layer_ref *expect, const char *digest)
{
	if (expect && expect->digest)
		return expect->digest;
	if (expect && expect->diff_id)
		return expect->diff_id;
	return digest;
}

static int check_digests(const struct layer_result *r, const struct layer_ref *expect,
                         customs_error *err)
{
	if (!expect)
		return 0;
	if (expect->digest && !digest_equal(expect->digest, r->blob_digest))
		return err_set(err, CUSTOMS_EINTEGRITY,
		               "layer %s: blob digest mismatch: expected %s, got %s",
		               layer_name(expect, r->blob_digest), expect->digest, r->blob_digest);
	if (expect->diff_id && !digest_equal(expect->diff_id, r->diff_id))
		return err_set(err, CUSTOMS_EINTEGRITY,
		               "layer %s: diff_id mismatch: expected %s, got %s",
		               layer_name(expect, r->blob_digest), expect->diff_id, r->diff_id);
	return 0;
}

int layer_read(struct layer_result **out, struct blob *blob, const struct layer_ref *expect,
               const struct analyzer *const *analyzers, struct warn_list *warnings,
               customs_error *err)
{
	int rc = 0;
	struct walk *w = calloc(1, sizeof(*w));
	struct layer_result *res = NULL;
	char blob_digest[SHA256_DIGEST_STRING_LEN + 1], diff_id[SHA256_DIGEST_STRING_LEN + 1];
	if (!w) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = dispatch_init(&w->disp, analyzers, warnings, err)) < 0)
		goto out;
	res = w->disp.res;
	if ((rc = layer_stream_open(&w->stream, blob, err)) < 0)
		goto out;
	if ((rc = tar_reader_new(&w->tar, stream_source, w->stream, err)) < 0)
		goto out;
	if ((rc = walk_tar(w, err)) < 0)
		goto out;
	/* The end marker is not the end of the bytes: the digests cover the
	 * zero blocks and padding too. */
	if ((rc = layer_stream_finish(w->stream, blob_digest, diff_id, &res->compressed_bytes,
	                              &res->uncompressed_bytes, err)) < 0)
		goto out;
	res->blob_digest = strdup(blob_digest);
	res->diff_id = strdup(diff_id);
	if (!res->blob_digest || !res->diff_id) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = check_digests(res, expect, err)) < 0)
		goto out;
out:
	if (rc < 0 && expect && rc != CUSTOMS_EINTEGRITY && rc != CUSTOMS_ENOMEM)
		err_prefix(err, "layer %s", layer_name(expect, "?"));
	if (w) {
		tar_reader_free(w->tar);
		layer_stream_free(w->stream);
		if (rc == 0)
			dispatch_take(&w->disp);
		dispatch_clear(&w->disp);
		free(w);
	}
	if (rc < 0)
		return rc;
	*out = res;
	return 0;
}
