/* Fuzz target for the --secret-config YAML parser: anything either parses
 * into a config whose rules compile, or fails with a message. */
#include <stdint.h>
#include <stdlib.h>

#include "analyze/secrets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct secret_config *c = NULL;
	customs_error err = {0};
	if (secret_config_parse(&c, (const char *)data, size, &err) == 0) {
		if (!c || !c->set)
			abort();
		struct secret_hit *h = NULL;
		size_t n = 0;
		if (secrets_scan_buffer(&h, &n, (const char *)data, size, c, &err) == 0)
			secret_hits_free(h, n);
		secret_config_free(c);
	} else if (!err.message[0]) {
		abort();
	}
	return 0;
}
