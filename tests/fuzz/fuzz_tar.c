/* libFuzzer target for the layer reader: the input is a layer blob (gzip,
 * zstd or plain tar, sniffed) read with analyzers that want every file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layer/layer.h"
#include "source/blob.h"

static int whole(struct file_result *out, const char *path, const uint8_t *data, size_t len,
                 struct warn_list *w, customs_error *err)
{
	/* Touch every byte so that a short buffer shows up under ASan. */
	unsigned sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += data[i];
	if (len && (sum & 7) == 0) {
		err->code = CUSTOMS_EINVAL;
		memcpy(err->message, "fuzz says no", 13);
		return CUSTOMS_EINVAL;
	}
	customs_package *p = package_list_add(&out->pkgs);
	if (p) {
		p->name = strdup(path);
		p->version = strdup(len & 1 ? "1" : "2");
	}
	return 0;
}

static int s_open(void **state, const char *path, int64_t size, customs_error *err)
{
	*state = calloc(1, sizeof(uint64_t));
	return *state ? 0 : CUSTOMS_ENOMEM;
}

static int s_chunk(void *state, const uint8_t *data, size_t len, customs_error *err)
{
	for (size_t i = 0; i < len; i++)
		*(uint64_t *)state += data[i];
	return 0;
}

static int s_close(void *state, struct file_result *out, struct warn_list *w, customs_error *err)
{
	free(state);
	return 0;
}

static void s_abort(void *state)
{
	free(state);
}

static const struct analyzer_stream_ops ops = {s_open, s_chunk, s_close, s_abort, NULL};
static const struct path_rule all[] = {{PATH_ALL_FILES, NULL}};
static const struct path_rule named[] = {{PATH_SUFFIX, "status"}, {PATH_GLOB, "etc/*"}};
static const struct analyzer whole_a = {
    .name = "whole", .rules = all, .n_rules = 1, .max_file_size = 4096, .analyze_file = whole};
static const struct analyzer stream_a = {
    .name = "stream", .rules = all, .n_rules = 1, .stream = &ops};
static const struct analyzer named_a = {
    .name = "named", .rules = named, .n_rules = 2, .max_file_size = 1 << 20, .analyze_file = whole};
/* Opened only for files starting with "#!" (the dispatcher's magic path). */
static const struct analyzer magic_a = {
    .name = "magic", .rules = named, .n_rules = 2, .stream = &ops, .magic = "#!", .magic_len = 2};
static const struct analyzer *const analyzers[] = {&whole_a, &stream_a, &named_a, &magic_a, NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blob *b = NULL;
	struct layer_result *r = NULL;
	struct warn_list w;
	customs_error err = {0};
	warn_list_init(&w);
	if (blob_from_memory(&b, data, size, &err) == 0 &&
	    layer_read(&r, b, NULL, analyzers, &w, &err) == 0) {
		struct layer_result *two[] = {r, r};
		struct merged_fs fs = {0};
		if (layer_merge(&fs, two, 2, &err) == 0)
			merged_fs_clear(&fs);
	}
	layer_result_free(r);
	blob_close(b);
	warn_list_free(&w);
	return 0;
}
