/* NuGet version ordering: SemVer 2 with up to four numeric parts (missing
 * ones are 0, leading zeros allowed) and case-insensitive pre-release labels. */
#include "customs/customs.h"
#include "version/schemes.h"
#include "version/vutil.h"

static bool parse(struct semver *v, const char *s, size_t len)
{
	return version_semver_parse(v, s, len, 4) == 0 && v->nparts <= 4;
}

bool version_nuget_valid(const char *s, size_t len)
{
	struct semver v;
	return parse(&v, s, len) && v.prefix_len == 0 && (!v.pre || v.pre_hyphen);
}

int version_nuget_compare(int *out, const char *a, size_t alen, const char *b, size_t blen)
{
	struct semver x, y;
	bool va = parse(&x, a, alen), vb = parse(&y, b, blen);
	int rc =
	    version_fallback(out, va, vb, va && vb ? version_semver_cmp_parsed(&x, &y, 4, true) : 0,
	                     a, alen, b, blen);

	if (rc == 0 && !(version_nuget_valid(a, alen) && version_nuget_valid(b, blen)))
		rc = CUSTOMS_EINVAL;
	return rc;
}
