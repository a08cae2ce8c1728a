/* libFuzzer target for the NVD CVE API 2.0 JSON importer. */
#include "fuzz_importer.h"

FUZZ_IMPORTER(vulndb_import_nvd)
