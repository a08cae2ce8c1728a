/* libFuzzer target for the Debian security tracker JSON importer. */
#include "fuzz_importer.h"

FUZZ_IMPORTER(vulndb_import_debian)
