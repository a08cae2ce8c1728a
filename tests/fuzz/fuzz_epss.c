/* libFuzzer target for the EPSS CSV importer. */
#include "fuzz_importer.h"

FUZZ_IMPORTER(vulndb_import_epss)
