/* libFuzzer target: the Ruby readers (Gemfile.lock, installed gemspecs, picked by
 * the first byte) on arbitrary bytes: no crash, no leak. */
#include <stddef.h>
#include <stdint.h>

#include "analyze/lang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct package_list l = {0};
	customs_error err = {0};
	if (size < 1)
		return 0;
	if (data[0] & 1)
		gemfile_lock_parse(&l, "Gemfile.lock", data + 1, size - 1, NULL, &err);
	else
		gemspec_parse(&l, "specifications/x.gemspec", data + 1, size - 1, NULL, &err);
	package_list_free(&l);
	return 0;
}
