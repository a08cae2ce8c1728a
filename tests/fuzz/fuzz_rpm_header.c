/* libFuzzer target for the rpm header blob parser: any bytes as one header,
 * parsed and turned into a package record. */
#include <stddef.h>
#include <stdint.h>

#include "analyze/rpm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rpm_header h;
	if (rpm_header_parse(&h, data, size, NULL) == 0) {
		customs_package p = {0};
		if (rpm_header_to_package(&p, &h, NULL) == 0)
			package_clear(&p);
	}
	return 0;
}
