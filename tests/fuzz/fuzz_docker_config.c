/* Fuzz target: the Docker config file (credentials, helpers), customs'
 * registries.json (mirrors, insecure) and base64. */
#include <stdint.h>
#include <stdlib.h>

#include "registry/auth.h"
#include "registry/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const domains[] = {"docker.io", "127.0.0.1:5000", "r.io"};
	customs_error err = {0};
	for (size_t i = 0; i < 3; i++) {
		struct registry_creds c = {0};
		char *helper = NULL;
		struct registry_host_config hc = {0};
		if (docker_config_parse_creds(&c, &helper, data, size, domains[i], &err) == 0) {
			registry_creds_clear(&c);
			free(helper);
		}
		if (registries_config_parse(&hc, data, size, domains[i], &err) == 0)
			registry_host_config_clear(&hc);
	}
	char *out = NULL;
	size_t n = 0;
	if (base64_decode(&out, &n, (const char *)data, size) == 0) {
		char *again = base64_encode(out, n);
		free(again);
		free(out);
	}
	return 0;
}
