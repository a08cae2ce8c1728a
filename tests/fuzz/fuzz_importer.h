/* The shared body of the feed-importer fuzz targets: any input must be
 * imported or rejected without crashing, leaking or reading out of bounds. */
#ifndef FUZZ_IMPORTER_H
#define FUZZ_IMPORTER_H

#include <stddef.h>
#include <stdint.h>

#include "vulndb/vulndb.h"

/* Defines LLVMFuzzerTestOneInput feeding each input to IMPORT (a
 * vulndb_import_* function) on one in-memory DB; each input is rolled back
 * so the DB does not grow. */
#define FUZZ_IMPORTER(IMPORT)                                                                      \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)                               \
	{                                                                                          \
		static struct vulndb_writer w;                                                     \
		static int ready;                                                                  \
		customs_error err = {0};                                                           \
		if (!ready) {                                                                      \
			if (vulndb_writer_open_memory(&w, &err))                                   \
				return 0;                                                          \
			ready = 1;                                                                 \
		}                                                                                  \
		sqlite3_exec(w.db, "BEGIN", NULL, NULL, NULL);                                     \
		IMPORT(&w, (const char *)data, size, "fuzz", &err);                                \
		sqlite3_exec(w.db, "ROLLBACK", NULL, NULL, NULL);                                  \
		return 0;                                                                          \
	}

#endif
