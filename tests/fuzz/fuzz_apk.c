/* libFuzzer target for the apk installed-database parsers (packages, their
 * files, their purls): hostile databases must never crash, leak or break invariants. */
#include "fuzz_pkgdb.h"

/* The file list comes from the same stanzas: it parses when the packages do,
 * and every owner is one of them. */
static void check_files(const uint8_t *data, size_t size, int rc, const struct package_list *l)
{
	struct apk_file_list files = {0};
	customs_error err = {0};
	int frc = apk_installed_files(&files, data, size, &err);
	if ((rc == 0) != (frc == 0))
		abort();
	for (size_t i = 0; i < files.n; i++) {
		size_t j = 0;
		while (j < l->n && strcmp(l->items[j].name, files.items[i].pkg) != 0)
			j++;
		if (j == l->n)
			abort();
	}
	apk_file_list_free(&files);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct os_info os = {(char *)"alpine", (char *)"3.20.3", NULL, NULL, 0};
	return fuzz_pkgdb(apk_installed_parse, "lib/apk/db/installed", "apk", &os, check_files,
	                  data, size);
}
