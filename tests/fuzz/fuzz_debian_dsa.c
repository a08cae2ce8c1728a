/* libFuzzer target for the Debian DSA/DLA list importer. */
#include "fuzz_importer.h"

FUZZ_IMPORTER(vulndb_import_dsa)
