/* Package URLs (https://github.com/package-url/purl-spec) for packages: the
 * identifier reports, SBOMs and vulnerability feeds use to name a package. */
#ifndef ANALYZE_PURL_H
#define ANALYZE_PURL_H

#include "analyze/package.h"
#include "customs/customs.h"

/* Builds the purl of p. os (may be NULL) gives the namespace and distro
 * qualifier of OS packages: deb -> pkg:deb/debian/NAME@VERSION?arch=A&distro=debian-12&epoch=1,
 * apk -> pkg:apk/alpine/NAME@VERSION?arch=A&distro=3.20.3, rpm -> pkg:rpm/redhat/...
 * Language types (npm, pypi, maven, golang, cargo, gem, composer, nuget) get
 * their namespace from the name ("@scope/x", "group:artifact", "vendor/x",
 * "host/path/x"). On success *out is a new string the caller frees; returns
 * CUSTOMS_EINVAL when p has no type or name, CUSTOMS_ENOMEM. */
int purl_for_package(char **out, const customs_package *p, const struct os_info *os);

#endif
