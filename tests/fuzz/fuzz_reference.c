/* Fuzz target: image references and registry host arguments. A reference
 * that parses must print to a normalised form that parses to the same parts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry/reference.h"

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct registry_ref r = {0}, r2 = {0};
	customs_error err = {0};
	char *d = NULL, *p = NULL;
	if (registry_ref_parse(&r, (const char *)data, size, &err) == 0) {
		char *s = registry_ref_string(&r);
		if (s) {
			if (registry_ref_parse(&r2, s, strlen(s), &err) != 0 ||
			    !same(r.domain, r2.domain) || !same(r.path, r2.path) ||
			    !same(r.tag, r2.tag) || !same(r.digest, r2.digest))
				abort();
			registry_ref_clear(&r2);
			free(s);
		}
		registry_ref_clear(&r);
	}
	if (registry_host_parse(&d, &p, (const char *)data, size, &err) == 0) {
		free(d);
		free(p);
	}
	return 0;
}
