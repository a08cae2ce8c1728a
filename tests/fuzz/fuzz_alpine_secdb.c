/* libFuzzer target for the Alpine secdb JSON importer. */
#include "fuzz_importer.h"

FUZZ_IMPORTER(vulndb_import_secdb)
