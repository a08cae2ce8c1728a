/* libFuzzer target: image_config_parse (platform, User, Env, diff_ids,
 * history) on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "image/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_config c = {0};
	customs_error err;
	if (image_config_parse(&c, data, size, &err) == 0)
		image_config_clear(&c);
	return 0;
}
