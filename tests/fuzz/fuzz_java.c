/* libFuzzer target: the Java archive reader (jar/war/ear, nested archives)
 * on arbitrary bytes; must never crash, leak or read out of bounds. */
#include <stddef.h>
#include <stdint.h>

#include "analyze/lang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct package_list l = {0};
	customs_error err = {0};
	java_archive_parse(&l, "app.jar", data, size, NULL, &err);
	package_list_free(&l);
	return 0;
}
