/* LSD radix sort, 8 passes of 8 bits; a pass whose byte is the same in every
 * key is skipped. */
#include "util/radix.h"

#include <stdlib.h>
#include <string.h>

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void radix_sort_u64(uint64_t *v, size_t n)
{
	if (n < 2)
		return;
	uint64_t *tmp = n < 64 ? NULL : malloc(n * sizeof(*tmp));
	if (!tmp) {
		qsort(v, n, sizeof(*v), cmp_u64);
		return;
	}
	/* All eight histograms in one read of the keys. */
	size_t(*count)[256] = calloc(8, sizeof(*count));
	if (!count) {
		free(tmp);
		qsort(v, n, sizeof(*v), cmp_u64);
		return;
	}
	for (size_t i = 0; i < n; i++)
		for (unsigned b = 0; b < 8; b++)
			count[b][(v[i] >> (8 * b)) & 0xff]++;
	uint64_t *src = v, *dst = tmp;
	for (unsigned b = 0; b < 8; b++) {
		size_t *c = count[b], pos = 0;
		if (c[(src[0] >> (8 * b)) & 0xff] == n)
			continue;
		for (unsigned k = 0; k < 256; k++) {
			size_t m = c[k];
			c[k] = pos;
			pos += m;
		}
		for (size_t i = 0; i < n; i++)
			dst[c[(src[i] >> (8 * b)) & 0xff]++] = src[i];
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(count);
	free(tmp);
}
