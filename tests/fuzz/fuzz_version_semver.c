/* libFuzzer target: the semver version comparator on two hostile versions
 * (input split at the first newline or NUL); checks antisymmetry. */
#include "fuzz_version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_version_one(VERSION_SEMVER, true, data, size);
}
