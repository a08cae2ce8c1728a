/* Path normalisation for tar entry names (the one place that decides which
 * names analyzers and whiteouts see), and the growable arrays the walks share. */
#include <stdlib.h>
#include <string.h>

#include "layer/layer_internal.h"
#include "util/limits.h"

enum path_verdict layer_path_normalise(char *out, size_t *out_len, const char *name, size_t len)
{
	size_t o = 0, i = 0;
	while (i < len) {
		while (i < len && name[i] == '/')
			i++;
		size_t start = i;
		while (i < len && name[i] != '/')
			i++;
		size_t n = i - start;
		if (n == 0 || (n == 1 && name[start] == '.'))
			continue;
		if (n == 2 && name[start] == '.' && name[start + 1] == '.')
			return PATH_DOTDOT;
		size_t need = o + (o ? 1 : 0) + n;
		if (need > LIMIT_PATH_BYTES)
			return PATH_TOO_LONG;
		if (o)
			out[o++] = '/';
		memcpy(out + o, name + start, n);
		o += n;
	}
	out[o] = '\0';
	*out_len = o;
	return o ? PATH_OK : PATH_EMPTY;
}

int layer_grow(void *p, size_t *cap, size_t n, size_t elem, size_t first)
{
	void **arr = p;
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : first;
	void *q = reallocarray(*arr, c, elem);
	if (!q)
		return CUSTOMS_ENOMEM;
	*arr = q;
	*cap = c;
	return 0;
}

int layer_strv_push(char ***v, size_t *n, size_t *cap, const char *s, size_t len)
{
	if (layer_grow(v, cap, *n, sizeof(**v), 16) < 0)
		return CUSTOMS_ENOMEM;
	char *copy = malloc(len + 1);
	if (!copy)
		return CUSTOMS_ENOMEM;
	memcpy(copy, s, len);
	copy[len] = '\0';
	(*v)[(*n)++] = copy;
	return 0;
}

uint64_t layer_path_hash(const char *path, size_t len)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a, then a final mix */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)path[i]) * 1099511628211ull;
	return h ^ (h >> 29);
}

bool layer_replaces(const struct layer_result *l, const char *path)
{
	uint64_t h = layer_path_hash(path, strlen(path));
	size_t lo = 0, hi = l->n_path_hashes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->path_hashes[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->n_path_hashes && l->path_hashes[lo] == h;
}
