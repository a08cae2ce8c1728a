/* Benchmark driver for the layer reader: runs layer_read over a layer blob
 * with an analyzer that wants nothing (the walk floor) or every file streamed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "layer/layer.h"
#include "source/blob.h"

struct count_state {
	uint64_t n;
};

static uint64_t total_bytes;

static int c_open(void **state, const char *path, int64_t size, customs_error *err)
{
	*state = calloc(1, sizeof(struct count_state));
	return *state ? 0 : CUSTOMS_ENOMEM;
}

static int c_chunk(void *state, const uint8_t *data, size_t len, customs_error *err)
{
	((struct count_state *)state)->n += len;
	return 0;
}

static int c_close(void *state, struct file_result *out, struct warn_list *w, customs_error *err)
{
	total_bytes += ((struct count_state *)state)->n;
	free(state);
	return 0;
}

static void c_abort(void *state)
{
	free(state);
}

static const struct analyzer_stream_ops count_ops = {c_open, c_chunk, c_close, c_abort, NULL};
static const struct path_rule all_rule = {PATH_ALL_FILES, NULL};
static const struct analyzer none_analyzer = {.name = "none"};
static const struct analyzer all_analyzer = {
    .name = "all", .rules = &all_rule, .n_rules = 1, .stream = &count_ops};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s LAYER [none|all]\n", argv[0]);
		return 2;
	}
	int all = argc > 2 && strcmp(argv[2], "all") == 0;
	const struct analyzer *list[] = {all ? &all_analyzer : &none_analyzer, NULL};
	customs_error err = {0};
	struct blob *b = NULL;
	struct layer_result *r = NULL;
	struct warn_list w;
	warn_list_init(&w);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (blob_from_file(&b, argv[1], &err) < 0 || layer_read(&r, b, NULL, list, &w, &err) < 0) {
		fprintf(stderr, "error: %s\n", err.message);
		blob_close(b);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf(
	    "entries %zu compressed %llu uncompressed %llu streamed %llu files %zu warnings %zu\n"
	    "blob %s\ndiff_id %s\nseconds %.3f (%.0f MB/s of tar)\n",
	    r->n_entries, (unsigned long long)r->compressed_bytes,
	    (unsigned long long)r->uncompressed_bytes, (unsigned long long)total_bytes, r->n_files,
	    w.n, r->blob_digest, r->diff_id, s, (double)r->uncompressed_bytes / s / 1e6);
	layer_result_free(r);
	blob_close(b);
	warn_list_free(&w);
	return 0;
}
