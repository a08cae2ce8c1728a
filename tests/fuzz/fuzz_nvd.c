/* libFuzzer target for the NVD CVE API 2.0 JSON importer: any input must be imported or
 * rejected without crashing, leaking or reading out of bounds. */
#include <stddef.h>
#include <stdint.h>

#include "vulndb/vulndb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* One in-memory DB for the whole run; each input is rolled back so the
	 * DB does not grow. */
	static struct vulndb_writer w;
	static int ready;
	customs_error err = {0};
	if (!ready) {
		if (vulndb_writer_open_memory(&w, &err))
			return 0;
		ready = 1;
	}
	sqlite3_exec(w.db, "BEGIN", NULL, NULL, NULL);
	vulndb_import_nvd(&w, (const char *)data, size, "fuzz", &err);
	sqlite3_exec(w.db, "ROLLBACK", NULL, NULL, NULL);
	return 0;
}
