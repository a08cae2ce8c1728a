/* libFuzzer target: the npm readers (package.json, package-lock.json, yarn.lock,
 * pnpm-lock.yaml, picked by the first byte) on arbitrary bytes: no crash, no leak. */
#include <stddef.h>
#include <stdint.h>

#include "analyze/lang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct package_list l = {0};
	customs_error err = {0};
	if (size < 1)
		return 0;
	static const lang_parse_fn fns[] = {npm_package_json_parse, npm_lock_parse, yarn_lock_parse,
	                                    pnpm_lock_parse};
	fns[data[0] & 3](&l, "node_modules/x/package.json", data + 1, size - 1, NULL, &err);
	package_list_free(&l);
	return 0;
}
