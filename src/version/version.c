/* Version comparison entry points: dispatch to the per-ecosystem comparator,
 * the documented fallback for invalid versions, and OSV ecosystem names. */
#include "version/version.h"

#include <string.h>

#include "customs/customs.h"
#include "version/schemes.h"
#include "version/vutil.h"

/*
 * Invalid versions. Every comparator gives an answer for any bytes, so that
 * sorting and matching never misbehave, and returns CUSTOMS_EINVAL to say the
 * answer is a fallback:
 *  - dpkg, rpm, apk, Maven, Composer: the tool's own comparison, which is
 *    defined on any string (dpkg, rpm and PHP compare whatever they are
 *    given, Maven parses every string, apk orders an invalid tail below
 *    everything). One refinement for apk: where apk would call two versions
 *    equal because both turn invalid at the same token ("6.6.2p1" and
 *    "6.6.2p2"), their invalid tails are compared as bytes, the "string
 *    sort" its version.data mentions;
 *  - SemVer, NuGet, PEP 440, RubyGems: a version that does not parse
 *    sorts before every one that does (as packaging's LegacyVersion did, and
 *    so that a range "introduced 0, fixed X" still catches it), and
 *    unparsable ones compare as byte strings among themselves (shorter
 *    prefix first). SemVer and NuGet parse
 *    leniently first (npm "loose": "=1.2", "v 1.2.3", "1.2.3beta"), so only
 *    the truly unparsable fall back to bytes, but those lenient forms still
 *    return CUSTOMS_EINVAL.
 * A NULL version is treated as the empty string, which no scheme accepts.
 */
int version_fallback(int *out, bool va, bool vb, int cmp_valid, const char *a, size_t alen,
                     const char *b, size_t blen)
{
	if (va && vb)
		*out = v_sign(cmp_valid);
	else if (va != vb)
		*out = va ? 1 : -1;
	else
		*out = v_bytes_cmp(a, alen, b, blen);
	return va && vb ? 0 : CUSTOMS_EINVAL;
}

/* Indexed by enum version_scheme. */
static const struct {
	int (*compare)(int *out, const char *a, size_t alen, const char *b, size_t blen);
	bool (*valid)(const char *v, size_t len);
} schemes[] = {
    [VERSION_DPKG] = {version_dpkg_compare, version_dpkg_valid},
    [VERSION_RPM] = {version_rpm_compare, version_rpm_valid},
    [VERSION_APK] = {version_apk_compare, version_apk_valid},
    [VERSION_SEMVER] = {version_semver_compare, version_semver_valid},
    [VERSION_PEP440] = {version_pep440_compare, version_pep440_valid},
    [VERSION_MAVEN] = {version_maven_compare, version_maven_valid},
    [VERSION_GEM] = {version_gem_compare, version_gem_valid},
    [VERSION_NUGET] = {version_nuget_compare, version_nuget_valid},
    [VERSION_COMPOSER] = {version_composer_compare, version_composer_valid},
};

static bool known_scheme(enum version_scheme scheme)
{
	return (unsigned)scheme < sizeof(schemes) / sizeof(schemes[0]) && schemes[scheme].compare;
}

int version_compare_n(int *out, enum version_scheme scheme, const char *a, size_t alen,
                      const char *b, size_t blen)
{
	bool null = !a || !b;
	int r, rc;

	if (!a)
		a = "", alen = 0;
	if (!b)
		b = "", blen = 0;
	if (known_scheme(scheme)) {
		rc = schemes[scheme].compare(&r, a, alen, b, blen);
	} else {
		r = v_bytes_cmp(a, alen, b, blen);
		rc = CUSTOMS_EINVAL;
	}
	*out = v_sign(r);
	return null ? CUSTOMS_EINVAL : rc;
}

int version_compare(int *out, enum version_scheme scheme, const char *a, const char *b)
{
	return version_compare_n(out, scheme, a, a ? strlen(a) : 0, b, b ? strlen(b) : 0);
}

bool version_is_valid_n(enum version_scheme scheme, const char *v, size_t len)
{
	return v && known_scheme(scheme) && schemes[scheme].valid(v, len);
}

bool version_is_valid(enum version_scheme scheme, const char *v)
{
	return v && version_is_valid_n(scheme, v, strlen(v));
}

/* OSV ecosystem names (the part before the first ':'), matched ignoring case. */
static const struct {
	const char *name;
	enum version_scheme scheme;
} ecosystems[] = {
    {"Debian", VERSION_DPKG},        {"Ubuntu", VERSION_DPKG},
    {"Echo", VERSION_DPKG},          {"Alpine", VERSION_APK},
    {"Wolfi", VERSION_APK},          {"Chainguard", VERSION_APK},
    {"Alpaquita", VERSION_APK},      {"BellSoft Hardened Containers", VERSION_APK},
    {"MinimOS", VERSION_APK},        {"Red Hat", VERSION_RPM},
    {"Rocky Linux", VERSION_RPM},    {"AlmaLinux", VERSION_RPM},
    {"SUSE", VERSION_RPM},           {"openSUSE", VERSION_RPM},
    {"Photon OS", VERSION_RPM},      {"Mageia", VERSION_RPM},
    {"openEuler", VERSION_RPM},      {"Azure Linux", VERSION_RPM},
    {"Oracle Linux", VERSION_RPM},   {"Amazon Linux", VERSION_RPM},
    {"Fedora", VERSION_RPM},         {"CentOS", VERSION_RPM},
    {"npm", VERSION_SEMVER},         {"crates.io", VERSION_SEMVER},
    {"Go", VERSION_SEMVER},          {"Hex", VERSION_SEMVER},
    {"Bitnami", VERSION_SEMVER},     {"SwiftURL", VERSION_SEMVER},
    {"PyPI", VERSION_PEP440},        {"Maven", VERSION_MAVEN},
    {"RubyGems", VERSION_GEM},       {"NuGet", VERSION_NUGET},
    {"Packagist", VERSION_COMPOSER},
};

int version_scheme_for_ecosystem(enum version_scheme *out, const char *ecosystem)
{
	const char *colon;
	size_t len;

	if (!ecosystem)
		return CUSTOMS_EUNSUPPORTED;
	colon = strchr(ecosystem, ':');
	len = colon ? (size_t)(colon - ecosystem) : strlen(ecosystem);
	for (size_t i = 0; i < sizeof(ecosystems) / sizeof(ecosystems[0]); i++) {
		if (v_word_eq(ecosystem, len, ecosystems[i].name)) {
			*out = ecosystems[i].scheme;
			return 0;
		}
	}
	return CUSTOMS_EUNSUPPORTED;
}
