/* libFuzzer target: the docker-archive manifest.json parser
 * (docker_archive_manifest_parse) and RepoTags normalisation. */
#include <stddef.h>
#include <stdint.h>

#include "source/source_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct docker_archive_entry *e = NULL;
	size_t n = 0;
	customs_error err;
	if (docker_archive_manifest_parse(&e, &n, data, size, &err) == 0)
		docker_archive_entries_free(e, n);
	return 0;
}
