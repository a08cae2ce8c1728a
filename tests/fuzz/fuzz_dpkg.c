/* libFuzzer target for the dpkg status parser (and the purls of what it
 * finds): hostile status files must never crash, leak or break invariants. */
#include "fuzz_pkgdb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct os_info os = {(char *)"debian", (char *)"12", NULL, NULL, 0};
	return fuzz_pkgdb(dpkg_status_parse, "var/lib/dpkg/status", "deb", &os, NULL, data, size);
}
