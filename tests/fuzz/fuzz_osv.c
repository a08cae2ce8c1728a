/* libFuzzer target for the OSV JSON importer. */
#include "fuzz_importer.h"

FUZZ_IMPORTER(vulndb_import_osv)
