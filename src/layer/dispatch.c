/* The dispatcher: hands one file to every analyzer that wants it, whole or
 * streamed, in a single pass over its bytes, and collects file_results. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "layer/layer_internal.h"
#include "util/bigbuf.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/radix.h"
#include "util/strutil.h"

/* MODE_DEFERRED: a streaming analyzer with a magic, opened (or not) once
 * the first block shows how the file starts. */
enum mode { MODE_NONE, MODE_WHOLE, MODE_STREAM, MODE_SKIPPED, MODE_DEFERRED };

static const uint8_t zeros[64 << 10];

int dispatch_init(struct dispatch *d, const struct analyzer *const *analyzers,
                  struct warn_list *warnings, customs_error *err)
{
	memset(d, 0, sizeof(*d));
	d->analyzers = analyzers;
	d->warnings = warnings;
	while (analyzers && analyzers[d->n_analyzers]) {
		d->every_file |= analyzer_reads_every_file(analyzers[d->n_analyzers]);
		d->n_analyzers++;
	}
	size_t n = d->n_analyzers ? d->n_analyzers : 1;
	d->want = calloc(n, sizeof(*d->want));
	d->states = calloc(n, sizeof(*d->states));
	d->modes = calloc(n, sizeof(*d->modes));
	d->res = calloc(1, sizeof(*d->res));
	if (!d->want || !d->states || !d->modes || !d->res) {
		dispatch_clear(d);
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	}
	return 0;
}

void dispatch_clear(struct dispatch *d)
{
	side_job_free(d->side);
	bigbuf_free(d->capture, d->capture_cap);
	bigbuf_free(d->spare, d->spare_cap);
	free(d->want);
	free(d->states);
	free(d->modes);
	layer_result_free(d->res);
	memset(d, 0, sizeof(*d));
}

static void warn_analyzer(struct dispatch *d, const char *path, const struct analyzer *a,
                          const customs_error *e)
{
	char *safe = str_sanitize(path, strlen(path));
	warn_add(d->warnings, "%s: %s: %s", safe ? safe : "?", a->name,
	         e->message[0] ? e->message : customs_strerror(e->code));
	free(safe);
}

/* Waits for the side job and puts its results in their placeholders. */
static void collect_side(struct dispatch *d)
{
	struct side_job *j = d->side;
	if (!j)
		return;
	side_job_wait(j);
	for (size_t k = 0; k < j->n; k++) {
		struct side_result *r = &j->results[k];
		const struct analyzer *a = d->analyzers[r->analyzer];
		if (r->rc < 0) {
			/* The empty placeholder still shadows the lower layers. */
			warn_analyzer(d, j->path, a, &r->err);
			continue;
		}
		struct file_result *dst = &d->res->files[r->slot];
		free(r->fr.path);
		r->fr.path = dst->path;
		r->fr.analyzer = dst->analyzer;
		*dst = r->fr;
		memset(&r->fr, 0, sizeof(r->fr));
	}
	if (!d->spare) {
		d->spare = j->data;
		d->spare_cap = j->cap;
		j->data = NULL;
	}
	side_job_free(j);
	d->side = NULL;
}

struct layer_result *dispatch_take(struct dispatch *d)
{
	collect_side(d);
	struct layer_result *r = d->res;
	if (r->n_path_hashes > 1)
		radix_sort_u64(r->path_hashes, r->n_path_hashes);
	d->res = NULL;
	return r;
}

/* Notes that the layer has a file entry at path (see path_hashes). */
static int note_path(struct dispatch *d, const char *path, customs_error *err)
{
	struct layer_result *r = d->res;
	if (!d->every_file)
		return 0;
	if (layer_grow(&r->path_hashes, &d->hashes_cap, r->n_path_hashes, sizeof(*r->path_hashes),
	               256) < 0)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	r->path_hashes[r->n_path_hashes++] = layer_path_hash(path, strlen(path));
	return 0;
}

/* 0 would make every file "too large"; like package_list, it means the default. */
static size_t whole_cap(const struct analyzer *a)
{
	return a->max_file_size ? a->max_file_size : LIMIT_CAPTURE_BYTES;
}

int dispatch_wanted(struct dispatch *d, const char *path)
{
	for (size_t i = 0; i < d->n_analyzers; i++)
		if (analyzer_wants(d->analyzers[i], path))
			return 1;
	return 0;
}

/* Takes fr's contents (on success as on failure). */
static int push_result(struct dispatch *d, const char *path, const struct analyzer *a,
                       struct file_result *fr, customs_error *err)
{
	struct layer_result *r = d->res;
	free(fr->path);
	fr->path = strdup(path);
	fr->analyzer = a->name;
	if (!fr->path)
		goto nomem;
	if (layer_grow(&r->files, &d->files_cap, r->n_files, sizeof(*r->files), 64) < 0)
		goto nomem;
	r->files[r->n_files++] = *fr;
	memset(fr, 0, sizeof(*fr));
	return 0;
nomem:
	file_result_clear(fr);
	return err_set(err, CUSTOMS_ENOMEM, "out of memory");
}

static int push_empty(struct dispatch *d, const char *path, const struct analyzer *a,
                      customs_error *err)
{
	struct file_result fr = {0};
	return push_result(d, path, a, &fr, err);
}

static void abort_streams(struct dispatch *d, size_t n_want)
{
	for (size_t k = 0; k < n_want; k++) {
		size_t i = d->want[k];
		if (d->modes[i] == MODE_STREAM) {
			d->analyzers[i]->stream->abort(d->states[i]);
			d->states[i] = NULL;
			d->modes[i] = MODE_SKIPPED;
		}
	}
}

/* Feeds one piece to every streaming analyzer; one that fails is dropped. */
static void feed_streams(struct dispatch *d, const char *path, size_t n_want, const uint8_t *p,
                         size_t len)
{
	for (size_t k = 0; k < n_want; k++) {
		size_t i = d->want[k];
		if (d->modes[i] != MODE_STREAM)
			continue;
		const struct analyzer *a = d->analyzers[i];
		customs_error e = {0};
		if (a->stream->chunk(d->states[i], p, len, &e) < 0) {
			warn_analyzer(d, path, a, &e);
			a->stream->abort(d->states[i]);
			d->states[i] = NULL;
			d->modes[i] = MODE_SKIPPED;
		}
	}
}

/* Writes a hole of n zero bytes at pos (sparse tar entries). A sparse entry
 * may declare exabytes; streams get at most LIMIT_SPARSE_HOLE_BYTES of zeros. */
static void fill_hole(struct dispatch *d, const char *path, size_t n_want, bool whole, uint64_t pos,
                      uint64_t n, uint64_t *holes)
{
	if (whole)
		memset(d->capture + pos, 0, n);
	*holes += n;
	if (*holes > LIMIT_SPARSE_HOLE_BYTES) {
		for (size_t k = 0; k < n_want; k++) {
			size_t i = d->want[k];
			if (d->modes[i] == MODE_STREAM) {
				customs_error e = {CUSTOMS_ETOOLARGE,
				                   "sparse holes too large to stream"};
				warn_analyzer(d, path, d->analyzers[i], &e);
			}
		}
		abort_streams(d, n_want);
		return;
	}
	while (n > 0) {
		size_t c = n < sizeof(zeros) ? n : sizeof(zeros);
		feed_streams(d, path, n_want, zeros, c);
		n -= c;
	}
}

/* The capture buffer, at least size bytes. Its old bytes are not kept, and
 * it at least doubles: every growth costs fresh pages. */
static int ensure_capture(struct dispatch *d, size_t size, customs_error *err)
{
	if (!d->capture && d->spare) {
		d->capture = d->spare;
		d->capture_cap = d->spare_cap;
		d->spare = NULL;
		d->spare_cap = 0;
	}
	if (size <= d->capture_cap && d->capture)
		return 0;
	size_t cap = d->capture_cap * 2;
	if (cap < size || cap > LIMIT_CAPTURE_BYTES)
		cap = size;
	bigbuf_free(d->capture, d->capture_cap);
	d->capture = bigbuf_alloc(cap);
	d->capture_cap = d->capture ? cap : 0;
	if (!d->capture)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory capturing a %zu-byte file",
		               size);
	return 0;
}

/* Opens analyzer i's stream for the file; a failure is a warning. */
static int open_stream(struct dispatch *d, const char *path, int64_t size, size_t i)
{
	const struct analyzer *a = d->analyzers[i];
	customs_error e = {0};
	int rc = a->stream->open_ctx ? a->stream->open_ctx(&d->states[i], a->ctx, path, size, &e)
	                             : a->stream->open(&d->states[i], path, size, &e);
	if (rc < 0) {
		warn_analyzer(d, path, a, &e);
		d->modes[i] = MODE_SKIPPED;
		return rc;
	}
	d->modes[i] = MODE_STREAM;
	return 0;
}

static bool zeros_only(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The first block is in (at offset off; a hole before it reads as zeros):
 * opens the deferred streams whose magic the file starts with. A block too
 * short to tell opens them all. Returns whether any stream now reads. */
static bool open_deferred(struct dispatch *d, const char *path, int64_t size, size_t n_want,
                          const uint8_t *p, size_t len, int64_t off)
{
	bool streaming = false;
	for (size_t k = 0; k < n_want; k++) {
		size_t i = d->want[k];
		const struct analyzer *a = d->analyzers[i];
		if (d->modes[i] == MODE_DEFERRED) {
			bool starts =
			    off > 0 ? zeros_only(a->magic, a->magic_len)
			            : len < a->magic_len || memcmp(p, a->magic, a->magic_len) == 0;
			if (!starts)
				d->modes[i] = MODE_NONE;
			else
				open_stream(d, path, size, i);
		}
		streaming |= d->modes[i] == MODE_STREAM;
	}
	return streaming;
}

/* Picks each wanting analyzer's mode; returns whether anyone needs the bytes. */
static int choose_modes(struct dispatch *d, const char *path, int64_t size, size_t n_want,
                        bool *whole, customs_error *err)
{
	int need = 0;
	*whole = false;
	for (size_t k = 0; k < n_want; k++) {
		size_t i = d->want[k];
		const struct analyzer *a = d->analyzers[i];
		d->modes[i] = MODE_SKIPPED;
		d->states[i] = NULL;
		if ((a->analyze_file || a->analyze_file_ctx) && (uint64_t)size <= whole_cap(a)) {
			d->modes[i] = MODE_WHOLE;
			*whole = true;
			need = 1;
		} else if (a->stream && a->magic_len) {
			d->modes[i] = MODE_DEFERRED;
			need = 1;
		} else if (a->stream) {
			if (open_stream(d, path, size, i) == 0)
				need = 1;
		} else {
			char *safe = str_sanitize(path, strlen(path));
			warn_add(d->warnings,
			         "file %s (%lld bytes) is larger than the %s analyzer's limit %zu, "
			         "skipped",
			         safe ? safe : "?", (long long)size, a->name, whole_cap(a));
			free(safe);
		}
	}
	return need;
}

/* Whether analyzer i reads this big captured file on the side job. */
static bool on_side(const struct dispatch *d, size_t i, bool side)
{
	return side && d->modes[i] == MODE_WHOLE && !analyzer_reads_every_file(d->analyzers[i]);
}

/* Hands the capture to a side job for the analyzers marked on_side, whose
 * placeholders were pushed; waits for the last job first (one at a time). */
static int start_side(struct dispatch *d, const char *path, int64_t size, struct side_result *side,
                      size_t n_side, customs_error *err)
{
	collect_side(d);
	int rc = side_job_start(&d->side, d->analyzers, d->warnings, path, d->capture, (size_t)size,
	                        d->capture_cap, side, n_side, err);
	if (rc < 0) {
		free(side);
		return rc;
	}
	d->capture = NULL;
	d->capture_cap = 0;
	return 0;
}

/* Collects the results, in analyzer order, once the bytes are all in (at
 * whole, for whole-file analyzers; captured says whole is d->capture). */
static int finish(struct dispatch *d, const char *path, int64_t size, size_t n_want,
                  const uint8_t *whole, bool captured, customs_error *err)
{
	int rc = 0;
	/* With the side thread busy, the file is analyzed here: waiting for it
	 * would stop the walk, and the decompression behind it, meanwhile. */
	bool side = captured && (uint64_t)size >= SIDE_JOB_MIN_BYTES && !side_job_running(d->side);
	struct side_result *sides = NULL;
	size_t n_side = 0;
	if (side && !(sides = calloc(n_want, sizeof(*sides))))
		side = false; /* then all here, at once */
	for (size_t k = 0; k < n_want; k++) {
		size_t i = d->want[k];
		const struct analyzer *a = d->analyzers[i];
		struct file_result fr = {0};
		customs_error e = {0};
		int arc = 0;
		if (on_side(d, i, side)) {
			d->modes[i] = MODE_NONE;
			if (rc == 0 && (rc = push_empty(d, path, a, err)) == 0) {
				sides[n_side].analyzer = i;
				sides[n_side++].slot = d->res->n_files - 1;
			}
			continue;
		}
		if (d->modes[i] == MODE_WHOLE) {
			static const uint8_t empty[1];
			const uint8_t *data = size ? whole : empty;
			arc = analyzer_analyze_file(a, &fr, path, data, (size_t)size, d->warnings,
			                            &e);
		} else if (d->modes[i] == MODE_STREAM) {
			arc = a->stream->close(d->states[i], &fr, d->warnings, &e);
			d->states[i] = NULL;
		}
		d->modes[i] = MODE_NONE;
		if (arc < 0) {
			/* An empty result still shadows the lower layers' version. */
			warn_analyzer(d, path, a, &e);
			file_result_clear(&fr);
		}
		/* An analyzer of every file stores only what it found: the
		 * path hashes stand for the rest. */
		if (rc == 0 && !(analyzer_reads_every_file(a) && file_result_empty(&fr)))
			rc = push_result(d, path, a, &fr, err);
		else
			file_result_clear(&fr);
	}
	if (rc == 0 && n_side)
		return start_side(d, path, size, sides, n_side, err);
	free(sides);
	return rc;
}

int dispatch_file(struct dispatch *d, const char *path, int64_t size, dispatch_block_fn next,
                  void *ctx, customs_error *err)
{
	size_t n_want = 0;
	bool whole = false;
	int rc;
	if (size < 0)
		size = 0;
	if ((rc = note_path(d, path, err)) < 0)
		return rc;
	for (size_t i = 0; i < d->n_analyzers; i++)
		if (analyzer_wants(d->analyzers[i], path))
			d->want[n_want++] = i;
	if (n_want == 0)
		return 0;
	if ((rc = choose_modes(d, path, size, n_want, &whole, err)) < 0)
		return rc;
	/* A file that comes in one block is analyzed where it lies: the block
	 * stays valid through the call that says there is no more. */
	const uint8_t *in_place = NULL;
	bool captured = false;
	if (rc > 0) {
		uint64_t pos = 0, holes = 0;
		bool first = true, reading = true;
		for (;;) {
			const uint8_t *p = NULL;
			size_t len = 0;
			int64_t off = 0;
			rc = next(ctx, &p, &len, &off, err);
			if (rc < 0)
				goto fail;
			if (rc == 0)
				break;
			uint64_t end;
			if (off < 0 || (uint64_t)off < pos ||
			    __builtin_add_overflow((uint64_t)off, len, &end) ||
			    end > (uint64_t)size) {
				rc = err_set(
				    err, CUSTOMS_EINVAL,
				    "entry data at offset %lld runs outside its declared size %lld",
				    (long long)off, (long long)size);
				goto fail;
			}
			if (first) {
				first = false;
				/* Nobody left who wants the bytes: the rest is not read. */
				if (!open_deferred(d, path, size, n_want, p, len, off) && !whole) {
					reading = false;
					break;
				}
			}
			if (whole && !captured && off == 0 && end == (uint64_t)size) {
				in_place = p;
			} else if (whole && !captured) {
				if ((rc = ensure_capture(d, (size_t)size, err)) < 0)
					goto fail;
				captured = true;
			}
			if ((uint64_t)off > pos)
				fill_hole(d, path, n_want, captured, pos, (uint64_t)off - pos,
				          &holes);
			if (captured && len)
				memcpy(d->capture + off, p, len);
			if (len)
				feed_streams(d, path, n_want, p, len);
			pos = end;
		}
		if (reading && pos < (uint64_t)size) {
			if (whole && !captured) {
				if ((rc = ensure_capture(d, (size_t)size, err)) < 0)
					goto fail;
				captured = true;
			}
			fill_hole(d, path, n_want, captured, pos, (uint64_t)size - pos, &holes);
		}
	}
	return finish(d, path, size, n_want, captured ? d->capture : in_place, captured, err);
fail:
	abort_streams(d, n_want);
	for (size_t k = 0; k < n_want; k++)
		d->modes[d->want[k]] = MODE_NONE;
	return rc;
}

int dispatch_entry(struct dispatch *d, const char *path, uint32_t mode, int64_t size, int64_t uid,
                   int64_t gid, customs_error *err)
{
	for (size_t i = 0; i < d->n_analyzers; i++) {
		const struct analyzer *a = d->analyzers[i];
		struct file_result fr = {0};
		if (!a->on_entry || !a->on_entry(&fr, path, mode, size, uid, gid))
			continue;
		int rc = push_result(d, path, a, &fr, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int dispatch_shadow(struct dispatch *d, const char *path, customs_error *err)
{
	int rc = note_path(d, path, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < d->n_analyzers; i++) {
		const struct analyzer *a = d->analyzers[i];
		for (size_t r = 0; r < a->n_rules; r++) {
			/* "Every file" analyzers (malware, secrets) are shadowed by
			 * the path hash noted above; rules that name paths here. */
			if (a->rules[r].kind == PATH_ALL_FILES)
				continue;
			struct analyzer one = *a;
			one.rules = &a->rules[r];
			one.n_rules = 1;
			if (analyzer_wants(&one, path)) {
				rc = push_empty(d, path, a, err);
				if (rc < 0)
					return rc;
				break;
			}
		}
	}
	return 0;
}
