/* libFuzzer target: image_manifest_parse (OCI and Docker schema2 manifests)
 * must reject or accept any bytes without crashing or leaking. */
#include <stddef.h>
#include <stdint.h>

#include "image/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_manifest m = {0};
	customs_error err;
	if (image_manifest_parse(&m, data, size, &err) == 0)
		image_manifest_clear(&m);
	return 0;
}
