/* Fuzz target: WWW-Authenticate challenges and Link pagination headers, both
 * taken from registry responses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry/auth.h"
#include "registry/client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth_challenges c = {0};
	customs_error err = {0};
	char *next = NULL;
	if (auth_challenges_parse(&c, (const char *)data, size, &err) == 0) {
		for (size_t i = 0; i < c.n; i++) {
			if (!c.items[i].scheme)
				abort();
			for (size_t k = 0; k < c.items[i].n_params; k++)
				if (!c.items[i].params[k].name || !c.items[i].params[k].value)
					abort();
		}
		const struct auth_challenge *b = auth_challenge_find(&c, "bearer");
		if (b)
			(void)auth_challenge_param(b, "realm");
		auth_challenges_clear(&c);
	}
	if (registry_link_next(&next, (const char *)data, size, &err) == 0 && next) {
		if (next[0] != '/')
			abort();
		free(next);
	}
	return 0;
}
