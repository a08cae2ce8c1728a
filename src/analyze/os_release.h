/* OS detection: parsers for os-release(5) and the distro-specific release
 * files, their analyzers, and the choice of one OS among several candidates. */
#ifndef ANALYZE_OS_RELEASE_H
#define ANALYZE_OS_RELEASE_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/analyzer.h"
#include "analyze/package.h"

/* Priorities of the release files: os-release is the most precise, the
 * distro-specific files (often kept only for compatibility) come after it. */
enum {
	OS_PRIO_LSB = 20,    /* etc/lsb-release */
	OS_PRIO_COMPAT = 30, /* etc/redhat-release, etc/system-release, etc/debian_version */
	OS_PRIO_DISTRO = 40, /* etc/alpine-release, etc/centos-release, ... */
	OS_PRIO_USR_OS_RELEASE = 90,
	OS_PRIO_OS_RELEASE = 100,
};

/* Parses an os-release(5) file: KEY=value lines with shell-like quoting.
 * On success *out is a new os_info (caller frees with os_info_free), or NULL
 * when the file names no OS (no ID). data need not be NUL-terminated. */
int os_release_parse(struct os_info **out, const uint8_t *data, size_t len, int priority,
                     customs_error *err);

/* Parses the release file at path (normalised image path, e.g.
 * "etc/alpine-release", "etc/os-release") with the rules for that file.
 * *out as for os_release_parse; NULL for files that say nothing usable
 * (e.g. Ubuntu's etc/debian_version "bookworm/sid"). */
int os_release_file_parse(struct os_info **out, const char *path, const uint8_t *data, size_t len,
                          customs_error *err);

/* The Debian codename of a Debian major version ("12" -> "bookworm"), or NULL. */
const char *os_debian_codename(const char *version);

/* The candidate to report: highest priority; ties go to the one with the
 * longer (more precise) version, then to the smallest family/version/name in
 * byte order, so the result does not depend on the order of layers or files.
 * NULL entries are skipped; returns NULL when there is none. The result
 * points into candidates (borrowed). */
const struct os_info *os_info_best(const struct os_info *const *candidates, size_t n);

extern const struct analyzer analyzer_os_release;

#endif
