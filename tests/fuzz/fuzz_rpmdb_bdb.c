/* libFuzzer target for the Berkeley DB hash reader of rpm's Packages file,
 * through the full analyzer path (format detection, header parsing). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "analyze/rpm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct package_list l;
	struct warn_list w;
	/* Keep the reader on the BDB path whatever the first bytes say. */
	if (size < 16 || memcmp(data, "SQLite format 3", 16) == 0 || memcmp(data, "RpmP", 4) == 0)
		return 0;
	memset(&l, 0, sizeof(l));
	warn_list_init(&w);
	rpmdb_parse(&l, data, size, "var/lib/rpm/Packages", &w, NULL);
	package_list_free(&l);
	warn_list_free(&w);
	return 0;
}
