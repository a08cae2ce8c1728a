/* Language package analyzers (npm, PyPI, Maven, Go, Cargo, RubyGems, Composer,
 * NuGet): pure parsers on pointer+length, their analyzers, shared helpers. */
#ifndef ANALYZE_LANG_H
#define ANALYZE_LANG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/analyzer.h"
#include "analyze/package.h"
#include "customs/customs.h"
#include "util/json.h"
#include "util/warn.h"

/* Every parser below has this shape: it appends the packages that data (the
 * file at path, used as each package's path and in messages) declares to out,
 * each with type, name, version and path set; duplicates (same name and
 * version) within one file are reported once. On failure out is as it was and
 * err says why. data need not be NUL-terminated. */
typedef int (*lang_parse_fn)(struct package_list *out, const char *path, const uint8_t *data,
                             size_t len, struct warn_list *warnings, customs_error *err);

/* npm: one node_modules/.../package.json (nothing when path is not inside a
 * node_modules folder, or is a copy bundled inside npm itself). */
int npm_package_json_parse(struct package_list *out, const char *path, const uint8_t *data,
                           size_t len, struct warn_list *warnings, customs_error *err);
/* npm package-lock.json / npm-shrinkwrap.json, lockfileVersion 1, 2 and 3. */
int npm_lock_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                   struct warn_list *warnings, customs_error *err);
/* yarn.lock, classic (v1) and berry (v2+); workspace and patch entries skipped. */
int yarn_lock_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                    struct warn_list *warnings, customs_error *err);
/* pnpm-lock.yaml, lockfile versions 5 to 9. */
int pnpm_lock_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                    struct warn_list *warnings, customs_error *err);

/* Python core metadata (dist-info METADATA, egg-info PKG-INFO): Name,
 * Version, License; type "pypi", name normalised per PEP 503. */
int python_metadata_parse(struct package_list *out, const char *path, const uint8_t *data,
                          size_t len, struct warn_list *warnings, customs_error *err);

/* Java archives (jar, war, ear, par) read from memory, nested archives to
 * LIMIT_JAR_DEPTH: pom.properties, else MANIFEST.MF, else the file name. */
int java_archive_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                       struct warn_list *warnings, customs_error *err);

/* Go build info: data is the part of a binary that starts at the
 * "\xff Go buildinf:" header (at least up to the end of its strings). */
int go_buildinfo_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                       struct warn_list *warnings, customs_error *err);
/* The same on a whole binary image in memory: finds the header first (and
 * before Go 1.18, the version it points at through the ELF program headers).
 * CUSTOMS_ENOTFOUND when there is none (not a Go binary). */
int go_binary_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                    struct warn_list *warnings, customs_error *err);

/* Rust Cargo.lock (v1 to v4). */
int cargo_lock_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                     struct warn_list *warnings, customs_error *err);
/* cargo-auditable: the crate list of a whole ELF binary in memory (its
 * .dep-v0 section, zlib-compressed JSON inflated to at most
 * LIMIT_RUST_AUDIT_JSON_BYTES); build-only dependencies skipped.
 * CUSTOMS_ENOTFOUND when the file is not ELF or has no such section. */
int cargo_audit_binary_parse(struct package_list *out, const char *path, const uint8_t *data,
                             size_t len, struct warn_list *warnings, customs_error *err);
/* The same on the inflated JSON {"packages":[{"name","version","kind"}...]}. */
int cargo_audit_json_parse(struct package_list *out, const char *path, const uint8_t *data,
                           size_t len, struct warn_list *warnings, customs_error *err);
/* Ruby Gemfile.lock (the GEM specs section) and installed specifications/NAME.gemspec. */
int gemfile_lock_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                       struct warn_list *warnings, customs_error *err);
int gemspec_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                  struct warn_list *warnings, customs_error *err);
/* PHP vendor/composer/installed.json (v1 array, v2 {"packages": [...]}) and composer.lock. */
int composer_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                   struct warn_list *warnings, customs_error *err);
/* .NET *.deps.json: the "package" and "project" libraries. */
int dotnet_deps_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                      struct warn_list *warnings, customs_error *err);

/* --- helpers shared by the parsers (lang.c) --- */

/* Appends a package of the given type with name[0..nn) and version[0..vn),
 * path set. *rec (may be NULL) receives the record for more fields. Returns
 * 0, CUSTOMS_ENOMEM or CUSTOMS_ETOOLARGE (the list's cap), err set. */
int lang_add(customs_package **rec, struct package_list *l, const char *type, const char *name,
             size_t nn, const char *version, size_t vn, const char *path, customs_error *err);
/* Same with NUL-terminated strings. */
int lang_add_str(customs_package **rec, struct package_list *l, const char *type, const char *name,
                 const char *version, const char *path, customs_error *err);
/* True when s[0..n) can be a package name or version: non-empty, at most
 * LIMIT_LINE_BYTES, printable with no control bytes. */
bool lang_usable(const char *s, size_t n);
/* Ends a parse that started with l->n == n0: on failure drops what was
 * appended; on success removes duplicate name@version records appended.
 * Returns rc. */
int lang_finish(struct package_list *l, size_t n0, int rc);
/* Runs a parser into a file_result (the analyzers' common body). */
int lang_run(lang_parse_fn fn, struct file_result *out, const char *path, const uint8_t *data,
             size_t len, struct warn_list *warnings, customs_error *err);
/* Parses data as JSON (at most max bytes) and hands the root to fn; the
 * common frame of the JSON readers, lang_finish included. */
typedef int (*lang_json_fn)(struct package_list *out, const json_t *root, const char *path,
                            customs_error *err);
int lang_json_run(lang_json_fn fn, struct package_list *out, const char *path, const uint8_t *data,
                  size_t len, size_t max, customs_error *err);
/* Sets p->license to a copy of s (ignored when NULL or unusable). */
int lang_set_license(customs_package *p, const char *s, size_t n, const char *path,
                     customs_error *err);
/* The next line of [*p, end): [*line, *line + *n) without "\n" or "\r\n".
 * False at the end. */
bool lang_next_line(const char **p, const char *end, const char **line, size_t *n);
/* The last path component. */
const char *lang_basename(const char *path);

extern const struct analyzer analyzer_npm_package;
extern const struct analyzer analyzer_npm_lock;
extern const struct analyzer analyzer_python;
extern const struct analyzer analyzer_java;
extern const struct analyzer analyzer_golang;
extern const struct analyzer analyzer_rust;
extern const struct analyzer analyzer_rust_audit;
extern const struct analyzer analyzer_ruby;
extern const struct analyzer analyzer_php;
extern const struct analyzer analyzer_dotnet;

#endif
