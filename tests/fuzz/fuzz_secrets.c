/* Fuzz target for the secret scanner: the input is split in pieces at sizes
 * taken from its first byte, so chunk boundaries fall everywhere; every hit
 * must be masked and on a line that exists. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/secrets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t piece = (size_t)data[0] + 1;
	data++;
	size--;
	struct secret_scanner *s = NULL;
	customs_error err = {0};
	if (secret_scanner_new(&s, NULL, &err))
		return 0;
	for (size_t o = 0; o < size; o += piece) {
		size_t n = size - o < piece ? size - o : piece;
		if (secret_scanner_feed(s, data + o, n, &err)) {
			secret_scanner_free(s);
			return 0;
		}
	}
	struct secret_hit *h = NULL;
	size_t n = 0;
	if (secret_scanner_finish(s, &h, &n, &err))
		return 0;
	uint64_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	for (size_t i = 0; i < n; i++) {
		if (h[i].line < 1 || h[i].line > lines || strlen(h[i].masked) > 12)
			abort();
	}
	secret_hits_free(h, n);
	return 0;
}
