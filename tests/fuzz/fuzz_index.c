/* libFuzzer target: image_index_parse (OCI index, Docker manifest list) and
 * platform_choose over whatever entries the input declares. */
#include <stddef.h>
#include <stdint.h>

#include "image/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const wants[] = {"linux/amd64", "linux/arm64", "linux/arm/v7", NULL};
	struct image_index x = {0};
	customs_error err;
	size_t pick;
	if (image_index_parse(&x, data, size, &err) != 0)
		return 0;
	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++)
		if (platform_choose(&pick, &x, wants[i], &err) == 0 && pick >= x.n_manifests)
			__builtin_trap();
	image_index_clear(&x);
	return 0;
}
