/* Internal interface of the per-ecosystem comparators (one file each) that
 * version.c dispatches to. All take pointer+length and never read past it. */
#ifndef VERSION_SCHEMES_H
#define VERSION_SCHEMES_H

#include <stdbool.h>
#include <stddef.h>

/* Every *_compare sets *out to <0, 0 or >0 and returns 0 when both versions
 * are valid, CUSTOMS_EINVAL when either is not (then *out is the fallback
 * order documented in version.h). None of dpkg, rpm, apk, semver allocates. */
int version_dpkg_compare(int *out, const char *a, size_t alen, const char *b, size_t blen);
bool version_dpkg_valid(const char *v, size_t len);

/* rpmvercmp() on two bare version (or release) strings, as rpm's own. */
int version_rpmvercmp(const char *a, size_t alen, const char *b, size_t blen);
int version_rpm_compare(int *out, const char *a, size_t alen, const char *b, size_t blen);
bool version_rpm_valid(const char *v, size_t len);

int version_apk_compare(int *out, const char *a, size_t alen, const char *b, size_t blen);
bool version_apk_valid(const char *v, size_t len);
/* apk's comparison, with fuzzy set: b being a prefix of a counts as equal
 * (the '~' dependency operator). Returns <0, 0, >0 for any bytes. */
int version_apk_cmp_fuzzy(const char *a, size_t alen, const char *b, size_t blen, bool fuzzy);

/* A version parsed leniently (npm loose, Go's "v", NuGet's 4 parts); the
 * pointers point into the caller's string. strict: also valid SemVer 2.0.0
 * (an optional leading "v" allowed, as Go writes it). */
struct semver {
	const char *part[4];
	size_t part_len[4];
	unsigned nparts; /* numeric parts seen; only the first max_parts are kept */
	const char *pre; /* pre-release identifiers without the '-', or NULL */
	size_t pre_len;
	size_t prefix_len; /* bytes of "v", "=" and blanks skipped before the number */
	bool pre_hyphen;   /* the pre-release was introduced by '-' */
	bool strict;
};
int version_semver_parse(struct semver *v, const char *s, size_t len, unsigned max_parts);
/* Compares the first nparts numbers (missing ones are 0), then pre-releases. */
int version_semver_cmp_parsed(const struct semver *a, const struct semver *b, unsigned nparts,
                              bool icase);
int version_prerelease_cmp(const char *a, size_t al, const char *b, size_t bl, bool icase);
int version_semver_compare(int *out, const char *a, size_t alen, const char *b, size_t blen);
bool version_semver_valid(const char *v, size_t len);

int version_pep440_compare(int *out, const char *a, size_t alen, const char *b, size_t blen);
bool version_pep440_valid(const char *v, size_t len);

int version_maven_compare(int *out, const char *a, size_t alen, const char *b, size_t blen);
bool version_maven_valid(const char *v, size_t len);

int version_gem_compare(int *out, const char *a, size_t alen, const char *b, size_t blen);
bool version_gem_valid(const char *v, size_t len);

int version_nuget_compare(int *out, const char *a, size_t alen, const char *b, size_t blen);
bool version_nuget_valid(const char *v, size_t len);

int version_composer_compare(int *out, const char *a, size_t alen, const char *b, size_t blen);
bool version_composer_valid(const char *v, size_t len);

/* The fallback shared by the parsing schemes: invalid versions first, in
 * byte order, then valid ones in the scheme's order (cmp_valid, used only
 * when both are valid). A total order, so sorting with it never misbehaves. */
int version_fallback(int *out, bool va, bool vb, int cmp_valid, const char *a, size_t alen,
                     const char *b, size_t blen);

#endif
