/* libFuzzer target: the Python core metadata reader (METADATA, PKG-INFO)
 * on arbitrary bytes; must never crash, leak or read out of bounds. */
#include <stddef.h>
#include <stdint.h>

#include "analyze/lang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct package_list l = {0};
	customs_error err = {0};
	python_metadata_parse(&l, "x.dist-info/METADATA", data, size, NULL, &err);
	package_list_free(&l);
	return 0;
}
