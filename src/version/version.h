/* Version comparison, one comparator per ecosystem (one file each):
 * dpkg, rpm, apk, SemVer 2 (npm, Go, crates.io), PEP 440, Maven, RubyGems. */
#ifndef VERSION_VERSION_H
#define VERSION_VERSION_H

#include <stdbool.h>
#include <stddef.h>

enum version_scheme {
	VERSION_DPKG,
	VERSION_RPM,
	VERSION_APK,
	VERSION_SEMVER, /* npm, crates.io, Go (accepts a leading "v" and +incompatible) */
	VERSION_PEP440,
	VERSION_MAVEN,
	VERSION_GEM,
	VERSION_NUGET,    /* NuGet: SemVer with 4 numeric parts allowed */
	VERSION_COMPOSER, /* Packagist */
};

/* Compares a and b under the scheme's rules: *out < 0, 0 or > 0. Returns 0
 * when both parse, CUSTOMS_EINVAL when either is invalid under the scheme; then
 * *out still holds the documented fallback order (see version.c), so callers
 * that must decide anyway get a stable, defined answer. Never crashes. */
int version_compare(int *out, enum version_scheme scheme, const char *a, const char *b);

/* version_compare on pointer+length strings (no NUL needed). The fallback for
 * invalid versions, in short: dpkg, rpm, apk, Maven and Composer keep the
 * tool's own order (defined on any string); the parsing schemes (SemVer,
 * NuGet, PEP 440, RubyGems) sort unparsable versions before all parsable
 * ones and compare them as byte strings among themselves. Defined on any
 * bytes, antisymmetric, never crashes; transitive too, except where Maven's
 * own ComparableVersion is not (1-M3 < 1 < 1.x, yet 1-M3 > 1.x). Only Maven
 * allocates, for versions over 48 bytes; if that fails it returns
 * CUSTOMS_ENOMEM with the byte-string order in *out. */
int version_compare_n(int *out, enum version_scheme scheme, const char *a, size_t alen,
                      const char *b, size_t blen);

/* True when v is a valid version under the scheme. */
bool version_is_valid(enum version_scheme scheme, const char *v);
bool version_is_valid_n(enum version_scheme scheme, const char *v, size_t len);

/* The scheme for an OSV ecosystem name ("Debian", "Alpine", "npm", "PyPI",
 * "Maven", "Go", "crates.io", "RubyGems", "Packagist", "NuGet", "Red Hat",
 * "Rocky Linux", "AlmaLinux", "SUSE", "openSUSE", "Ubuntu", "Wolfi", ...,
 * optionally followed by ":release"). Returns 0, or CUSTOMS_EUNSUPPORTED. */
int version_scheme_for_ecosystem(enum version_scheme *out, const char *ecosystem);

#endif
