/* Internal contracts of the layer reader: the decompressing, hashing byte
 * stream, the analyzer dispatcher shared by tar and folder walks, paths. */
#ifndef LAYER_LAYER_INTERNAL_H
#define LAYER_LAYER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/analyzer.h"
#include "customs/customs.h"
#include "layer/layer.h"
#include "source/blob.h"
#include "util/sha256.h"
#include "util/warn.h"

/* ---- decompress.c: blob -> (sniffed) decompression -> tar bytes ---- */

struct layer_stream;

/* The stream borrows blob, which must outlive it. */
int layer_stream_open(struct layer_stream **out, struct blob *blob, customs_error *err);
/* Next piece of the decompressed tar, valid until the next call. Returns 1
 * with data, 0 at the clean end of the stream, or a negative code. */
int layer_stream_next(struct layer_stream *s, const uint8_t **data, size_t *len,
                      customs_error *err);
/* Reads whatever the tar reader left (zero blocks, padding) so that both
 * digests cover every byte, then writes them out ("sha256:<hex>"). */
int layer_stream_finish(struct layer_stream *s, char *blob_digest, char *diff_id,
                        uint64_t *compressed, uint64_t *uncompressed, customs_error *err);
void layer_stream_free(struct layer_stream *s);

/* ---- tar_read.c: the entries of the tar, as container runtimes read them ---- */

/* Where the reader gets its bytes; the contract of layer_stream_next. */
typedef int (*tar_source_fn)(void *ctx, const uint8_t **data, size_t *len, customs_error *err);

enum tar_kind {
	TAR_FILE,
	TAR_DIR,
	TAR_HARDLINK,
	TAR_SYMLINK,
	TAR_OTHER /* devices, fifos, volume labels */
};

struct tar_entry {
	const char *name; /* as stored, NUL-free; valid until the next tar_next */
	const char *linkname;
	enum tar_kind kind;
	uint32_t mode; /* permission bits, plus S_IFREG or S_IFDIR for files and folders */
	int64_t size;  /* the file's size (a sparse file's logical size); 0 for links */
	int64_t uid, gid;
};

struct tar_reader;

int tar_reader_new(struct tar_reader **out, tar_source_fn source, void *ctx, customs_error *err);
void tar_reader_free(struct tar_reader *t);
/* The next entry, skipping what is left of the last one: 1, 0 at the end of
 * the archive, or a negative code (CUSTOMS_EINVAL for a broken archive). */
int tar_next(struct tar_reader *t, struct tar_entry *e, customs_error *err);
/* The current entry's data, a dispatch_block_fn: pieces point into the
 * stream's buffers, valid until the next call; offsets skip sparse holes. */
int tar_read_data(void *reader, const uint8_t **data, size_t *len, int64_t *offset,
                  customs_error *err);

/* ---- path.c ---- */

enum path_verdict {
	PATH_OK = 0,
	PATH_EMPTY,   /* nothing left after normalising ("/", "./") */
	PATH_DOTDOT,  /* a ".." component */
	PATH_TOO_LONG /* longer than LIMIT_PATH_BYTES */
};

/* Normalises name[0..len) into out (LIMIT_PATH_BYTES + 1 bytes): no leading
 * "/" or "./", no empty or "." components, no trailing "/". */
enum path_verdict layer_path_normalise(char *out, size_t *out_len, const char *name, size_t len);

/* ---- dispatch.c: hands one file to every analyzer that wants it ---- */

/* Yields a file's data in order: 1 with a block at *offset (gaps are holes of
 * zeros), 0 at the end, a negative code with err set when the source broke.
 * A block stays valid until the next call, and through it when that call
 * returns 0: a file of one block is analyzed in place. */
typedef int (*dispatch_block_fn)(void *ctx, const uint8_t **data, size_t *len, int64_t *offset,
                                 customs_error *err);

struct dispatch {
	const struct analyzer *const *analyzers;
	size_t n_analyzers;
	struct warn_list *warnings;
	struct layer_result *res;
	size_t files_cap;
	bool every_file; /* an analyzer reads every file: keep res->path_hashes */
	size_t hashes_cap;
	uint8_t *capture; /* reused whole-file buffer, grows up to the analyzers' caps */
	size_t capture_cap;
	/* The last side job's buffer, the next capture: its pages are already
	 * faulted in, where a fresh one costs a fault and a zeroing per page. */
	uint8_t *spare;
	size_t spare_cap;
	size_t *want;          /* scratch: indexes of the analyzers wanting the current file */
	void **states;         /* scratch: streaming states */
	unsigned char *modes;  /* scratch: how each analyzer gets the file */
	struct side_job *side; /* a big file's analysis still running, or NULL */
};

/* ---- side_job.c: a big file's whole-file analyzers on a thread of their own ---- */

/* Files captured whole and at least this big are analyzed beside the walk:
 * reading a fat jar takes tens of milliseconds, during which the walk, and
 * the decompression ahead of it, would otherwise stand still. */
#define SIDE_JOB_MIN_BYTES (1u << 20)

struct side_result {
	size_t analyzer; /* index in the dispatcher's table */
	size_t slot;     /* index of its placeholder in res->files */
	struct file_result fr;
	int rc;
	customs_error err;
};

struct side_job {
	pthread_t thread;
	bool threaded; /* false: it ran at once, on the caller's thread */
	const struct analyzer *const *analyzers;
	struct warn_list *warnings;
	char *path;
	uint8_t *data; /* a bigbuf of cap bytes, owned by the job */
	size_t size, cap;
	struct side_result *results;
	size_t n;
	atomic_bool finished; /* set by the job's last step */
};

/* Runs the whole-file analyzers of results[0..n) (analyzer and slot set) on
 * data[0..size), which the job takes (a bigbuf of cap bytes), on a new
 * thread, or at once when none can be started. *out owns results too. */
int side_job_start(struct side_job **out, const struct analyzer *const *analyzers,
                   struct warn_list *warnings, const char *path, uint8_t *data, size_t size,
                   size_t cap, struct side_result *results, size_t n, customs_error *err);
/* Whether the job still runs on its thread (NULL: no). */
bool side_job_running(struct side_job *j);
/* Waits for the job to end; its results are then the caller's to take. */
void side_job_wait(struct side_job *j);
/* Frees the job (after side_job_wait), its data and the results left in it. */
void side_job_free(struct side_job *j);

/* Also makes the empty layer_result (d->res) the walk fills; the caller
 * takes it (setting d->res to NULL) on success, else dispatch_clear frees it. */
int dispatch_init(struct dispatch *d, const struct analyzer *const *analyzers,
                  struct warn_list *warnings, customs_error *err);
void dispatch_clear(struct dispatch *d);
/* Hands d->res over to the caller (d->res becomes NULL), finished. */
struct layer_result *dispatch_take(struct dispatch *d);
/* True when some analyzer wants the regular file at path. */
int dispatch_wanted(struct dispatch *d, const char *path);
/* Delivers a regular file of the declared size. Analyzer failures become
 * warnings; a negative return means the source itself broke (err set). */
int dispatch_file(struct dispatch *d, const char *path, int64_t size, dispatch_block_fn next,
                  void *ctx, customs_error *err);
/* Hands an entry's header (regular files and folders) to the analyzers
 * with an on_entry hook. Negative only when out of memory. */
int dispatch_entry(struct dispatch *d, const char *path, uint32_t mode, int64_t size, int64_t uid,
                   int64_t gid, customs_error *err);
/* A symlink, hard link or device at path replaces whatever a lower layer had
 * there: record empty results for the analyzers naming that path, so the
 * merge drops the lower layer's results. */
int dispatch_shadow(struct dispatch *d, const char *path, customs_error *err);

/* Makes room for one more element in the array *p of *cap elements holding n:
 * doubles the capacity (first when empty). Returns 0 or CUSTOMS_ENOMEM. */
int layer_grow(void *p, size_t *cap, size_t n, size_t elem, size_t first);
/* Appends a copy of s to the growable list *v (count *n, capacity *cap). */
int layer_strv_push(char ***v, size_t *n, size_t *cap, const char *s, size_t len);

#endif
