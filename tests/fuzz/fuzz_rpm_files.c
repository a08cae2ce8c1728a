/* libFuzzer target: the file list (BASENAMES, DIRNAMES, DIRINDEXES,
 * OLDFILENAMES) of any bytes taken as one rpm header blob. */
#include <stddef.h>
#include <stdint.h>

#include "analyze/owned.h"
#include "analyze/rpm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct owned_list l = {0};
	customs_error err = {0};
	rpm_header_files(&l, data, size, &err);
	owned_list_clear(&l);
	return 0;
}
