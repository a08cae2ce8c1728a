/* Shared body of the package-database fuzz targets (dpkg, apk): parse a
 * private copy of the input, check the invariants every parser keeps, and
 * build each package's purl. */
#ifndef TESTS_FUZZ_PKGDB_H
#define TESTS_FUZZ_PKGDB_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/pkgdb.h"
#include "analyze/purl.h"

typedef int (*fuzz_parse_fn)(struct package_list *out, const char *path, const uint8_t *data,
                             size_t len, struct warn_list *warnings, size_t *skipped,
                             customs_error *err);

/* Called with the input and the parse's outcome for target-specific checks. */
typedef void (*fuzz_extra_fn)(const uint8_t *data, size_t size, int rc,
                              const struct package_list *l);

static inline int fuzz_pkgdb(fuzz_parse_fn parse, const char *path, const char *type,
                             const struct os_info *os, fuzz_extra_fn extra, const uint8_t *data,
                             size_t size)
{
	struct package_list l = {0};
	struct warn_list w;
	customs_error err = {0};
	size_t skipped = 0;
	/* A copy of exactly size bytes, so ASan catches reads past the end. */
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	warn_list_init(&w);
	int rc = parse(&l, path, copy, size, &w, &skipped, &err);
	if (rc && l.n != 0)
		abort();
	for (size_t i = 0; i < l.n; i++) {
		const customs_package *p = &l.items[i];
		if (!p->name || !*p->name || !p->version || !*p->version || !p->src_name ||
		    strcmp(p->type, type) != 0)
			abort();
		char *purl = NULL;
		if (purl_for_package(&purl, p, os) == 0)
			free(purl);
	}
	if (extra)
		extra(copy, size, rc, &l);
	package_list_free(&l);
	warn_list_free(&w);
	free(copy);
	return 0;
}

#endif
