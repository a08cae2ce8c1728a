/* libFuzzer target: cargo-auditable data, any bytes taken both as an ELF
 * binary (section table, zlib) and as the inflated .dep-v0 JSON. */
#include <stddef.h>
#include <stdint.h>

#include "analyze/lang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct package_list l = {0};
	customs_error err = {0};
	cargo_audit_binary_parse(&l, "usr/bin/app", data, size, NULL, &err);
	cargo_audit_json_parse(&l, "usr/bin/app", data, size, NULL, &err);
	package_list_free(&l);
	return 0;
}
