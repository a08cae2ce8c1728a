/* libFuzzer target for the release-file parsers: the first byte picks which
 * file (os-release, lsb-release, redhat-release, ...) the rest is read as. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/os_release.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const struct analyzer *a = &analyzer_os_release;
	const char *path = a->rules[data[0] % a->n_rules].pattern;
	size--;
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data + 1, size);
	struct os_info *os = NULL;
	customs_error err = {0};
	if (os_release_file_parse(&os, path, copy, size, &err) == 0 && os) {
		if (!os->family || !*os->family)
			abort();
		for (const char *c = os->family; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				abort();
		const struct os_info *c[] = {os, NULL};
		if (os_info_best(c, 2) != os)
			abort();
	}
	os_info_free(os);
	free(copy);
	return 0;
}
