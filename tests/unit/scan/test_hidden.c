/* Hidden-file tests: results of lower layers deleted by a whiteout, an
 * opaque folder or a replacement above, or still visible, with the layer
 * that hid each; only the named analyzer's results are visited. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scan/hidden.h"

struct seen {
	const char *path[16];
	int hidden[16];
	size_t layer[16], by[16];
	size_t n;
};

static int wanted(const struct file_result *fr)
{
	return fr->n_malware != 0;
}

static int visit(void *ctx, const struct hidden_visit *v)
{
	struct seen *s = ctx;
	if (s->n == 16)
		return -1;
	s->path[s->n] = v->fr->path;
	s->hidden[s->n] = v->hidden;
	s->layer[s->n] = v->layer;
	s->by[s->n] = v->hidden_by;
	s->n++;
	return 0;
}

static struct file_result fr(const char *path, const char *analyzer, size_t n_hits)
{
	struct file_result r = {0};
	r.path = (char *)path;
	r.analyzer = analyzer;
	r.n_malware = n_hits;
	return r;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static size_t find(const struct seen *s, const char *path, size_t layer)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->path[i], path) == 0 && s->layer[i] == layer)
			return i;
	fail_msg("%s in layer %zu not visited", path, layer);
	return 0;
}

static void test_hidden_walk(void **state)
{
	(void)state;
	/* Layer 0: five detections. Layer 1 deletes a, hides d/ (opaque),
	 * replaces b and g with clean files (the malware analyzer stores
	 * nothing for them: the layer's path hashes say they are there; g is
	 * also read by another analyzer), and adds its own detection f.
	 * Layer 2 deletes f. e stays. */
	struct file_result f0[] = {fr("a", "malware", 1),   fr("b", "malware", 1),
	                           fr("d/c", "malware", 1), fr("e", "malware", 1),
	                           fr("g", "malware", 1),   fr("h", "secrets", 0)};
	struct file_result f1[] = {fr("f", "malware", 2), fr("g", "dpkg", 0)};
	char *wh1[] = {"a"}, *op1[] = {"d"}, *wh2[] = {"f"};
	uint64_t h1[] = {layer_path_hash("b", 1), layer_path_hash("f", 1), layer_path_hash("g", 1)};
	qsort(h1, 3, sizeof(h1[0]), cmp_u64);
	struct layer_result l0 = {.files = f0, .n_files = 6};
	struct layer_result l1 = {.files = f1,
	                          .n_files = 2,
	                          .whiteouts = wh1,
	                          .n_whiteouts = 1,
	                          .opaque_dirs = op1,
	                          .n_opaque = 1,
	                          .path_hashes = h1,
	                          .n_path_hashes = 3};
	struct layer_result l2 = {.whiteouts = wh2, .n_whiteouts = 1};
	struct layer_result *layers[] = {&l0, &l1, &l2};
	struct merged_fs m = {0};
	customs_error err = {0};
	assert_int_equal(layer_merge(&m, layers, 3, &err), 0);

	struct seen s = {0};
	assert_int_equal(scan_hidden_walk(layers, 3, &m, "malware", wanted, visit, &s), 0);
	assert_int_equal(s.n, 6); /* a b d/c e g f; h is not wanted */
	/* hidden_by 3 (= the layer count): not hidden. */
	static const struct {
		const char *path;
		size_t layer;
		int hidden;
		size_t by;
	} want[] = {{"a", 0, 1, 1}, {"b", 0, 1, 1}, {"d/c", 0, 1, 1},
	            {"e", 0, 0, 3}, {"g", 0, 1, 1}, {"f", 1, 1, 2}};
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		size_t i = find(&s, want[k].path, want[k].layer);
		assert_int_equal(s.hidden[i], want[k].hidden);
		assert_int_equal(s.by[i], want[k].by);
	}
	/* Visits come in layer order, then tar order. */
	assert_string_equal(s.path[0], "a");
	assert_string_equal(s.path[5], "f");

	/* A visitor's failure stops the walk and is returned. */
	struct seen full = {.n = 16};
	assert_int_equal(scan_hidden_walk(layers, 3, &m, "malware", wanted, visit, &full), -1);
	merged_fs_clear(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_hidden_walk)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
