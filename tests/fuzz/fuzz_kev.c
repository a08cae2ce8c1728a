/* libFuzzer target for the CISA KEV JSON importer. */
#include "fuzz_importer.h"

FUZZ_IMPORTER(vulndb_import_kev)
