/* Shared body of the fuzz_version_* targets: versions split from one input at
 * newlines or NULs, compared both ways; a crash, or an order that is not
 * reflexive, antisymmetric and (for a third version) transitive, aborts. */
#ifndef FUZZ_VERSION_H
#define FUZZ_VERSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "customs/customs.h"
#include "version/version.h"

/* transitive: false for Maven, whose ComparableVersion is itself not
 * transitive (1-M3 < 1 < 1.x, yet 1-M3 > 1.x), and we keep its order. */
static int fuzz_version_one(enum version_scheme scheme, bool transitive, const uint8_t *data,
                            size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size), *nul = memchr(data, '\0', size);
	const uint8_t *cut = nl && (!nul || nl < nul) ? nl : nul;
	size_t alen = cut ? (size_t)(cut - data) : size;
	size_t blen = cut ? size - alen - 1 : 0;
	/* Exact-size heap copies, so ASan catches any read past the length. */
	char *a = malloc(alen ? alen : 1), *b = malloc(blen ? blen : 1);
	int ab, ba, aa, rc1, rc2;

	if (!a || !b)
		abort();
	memcpy(a, data, alen);
	if (blen)
		memcpy(b, cut + 1, blen);
	rc1 = version_compare_n(&ab, scheme, a, alen, b, blen);
	rc2 = version_compare_n(&ba, scheme, b, blen, a, alen);
	version_compare_n(&aa, scheme, a, alen, a, alen);
	if (ab < -1 || ab > 1 || ab != -ba || aa != 0 || rc1 != rc2)
		abort();
	if ((rc1 == 0) !=
	    (version_is_valid_n(scheme, a, alen) && version_is_valid_n(scheme, b, blen)))
		abort();
	/* A third version, if any, checks transitivity: a <= b <= c => a <= c. */
	if (transitive && cut && blen) {
		const uint8_t *rest = cut + 1, *end = data + size;
		const uint8_t *c2 = NULL;
		for (const uint8_t *p = rest; p < end; p++)
			if (*p == '\n' || *p == '\0') {
				c2 = p;
				break;
			}
		if (c2) {
			size_t b2 = (size_t)(c2 - rest), clen = (size_t)(end - c2 - 1);
			int bc, ac, ab2;
			version_compare_n(&ab2, scheme, a, alen, (const char *)rest, b2);
			version_compare_n(&bc, scheme, (const char *)rest, b2, (const char *)c2 + 1,
			                  clen);
			version_compare_n(&ac, scheme, a, alen, (const char *)c2 + 1, clen);
			if (ab2 <= 0 && bc <= 0 && ac > 0)
				abort();
			if (ab2 == 0 && bc == 0 && ac != 0)
				abort();
		}
	}
	free(a);
	free(b);
	return 0;
}

#endif
