/* libFuzzer target: the dpkg .list file reader and the apk file list on
 * arbitrary bytes; must never crash, leak or read out of bounds. */
#include <stddef.h>
#include <stdint.h>

#include "analyze/owned.h"
#include "analyze/pkgdb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct owned_list l = {0};
	struct apk_file_list a = {0};
	customs_error err = {0};
	dpkg_list_parse(&l, "var/lib/dpkg/info/x.list", data, size, &err);
	owned_list_clear(&l);
	apk_installed_files(&a, data, size, &err);
	apk_file_list_free(&a);
	return 0;
}
