/* OS package databases read as text: dpkg status files and the apk installed
 * database, as pure parsers on pointer+length plus their analyzers. */
#ifndef ANALYZE_PKGDB_H
#define ANALYZE_PKGDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/package.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"
#include "util/warn.h"

/* Parses a dpkg status file (var/lib/dpkg/status or one file of status.d/)
 * and appends its installed packages to out, each with type "deb" and path
 * set to path (may be NULL). Stanzas without Package or Version are skipped
 * with a warning; *skipped (may be NULL) receives their count. Returns
 * CUSTOMS_EINVAL for a file that is not a dpkg database (malformed lines, a
 * vcpkg status file); on failure out is as it was before the call. */
int dpkg_status_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                      struct warn_list *warnings, size_t *skipped, customs_error *err);

/* Parses an apk installed database (lib/apk/db/installed) the same way:
 * type "apk", origin as source name. Stanzas without a version are skipped
 * with a warning counted in *skipped. */
int apk_installed_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                        struct warn_list *warnings, size_t *skipped, customs_error *err);

/* The files the apk database says each package installed (F: folder, R:
 * file), kept apart from customs_package: they serve to tell which OS package
 * owns a file (e.g. a language package found on disk). */
struct apk_file {
	char *path; /* image path, "usr/bin/scanelf" */
	char *pkg;  /* the owning package's name */
};

struct apk_file_list {
	struct apk_file *items;
	size_t n, cap;
};

/* Lists the files of the packages apk_installed_parse would return from the
 * same data (stanzas it skips contribute none). Directories (F: alone) are
 * not listed. On success out holds the list (its previous contents freed;
 * free with apk_file_list_free); on failure out is untouched. */
int apk_installed_files(struct apk_file_list *out, const uint8_t *data, size_t len,
                        customs_error *err);
void apk_file_list_free(struct apk_file_list *l);
/* The name of the package owning path, or NULL. */
const char *apk_file_owner(const struct apk_file_list *l, const char *path);

extern const struct analyzer analyzer_dpkg;
extern const struct analyzer analyzer_apk;

/* Reads a text database line by line, keeping the line number for messages. */
struct pkgdb_reader {
	const char *p, *end;
	const char *where; /* the file's name in messages */
	size_t lineno;
};

/* The next line, [*line, *line + *len) without its "\n" or "\r\n". Returns 1
 * with a line, 0 at the end of the data, CUSTOMS_ETOOLARGE (err set) for a
 * line longer than LIMIT_LINE_BYTES. */
static inline int pkgdb_next_line(struct pkgdb_reader *r, const char **line, size_t *len,
                                  customs_error *err)
{
	if (r->p >= r->end)
		return 0;
	const char *s = r->p;
	const char *nl = memchr(s, '\n', (size_t)(r->end - s));
	const char *e = nl ? nl : r->end;
	r->p = nl ? nl + 1 : r->end;
	r->lineno++;
	if (e > s && e[-1] == '\r')
		e--;
	*line = s;
	*len = (size_t)(e - s);
	if (*len > LIMIT_LINE_BYTES)
		return err_set(err, CUSTOMS_ETOOLARGE, "%s:%zu: line of %zu bytes", r->where,
		               r->lineno, *len);
	return 1;
}

/* Appends a record to l, or says why it cannot (the list's cap, memory). */
static inline int pkgdb_add(customs_package **rec, struct package_list *l, const char *path,
                            customs_error *err)
{
	size_t max = l->max ? l->max : LIMIT_PACKAGES_PER_FILE;
	if ((*rec = package_list_add(l)))
		return 0;
	if (l->n >= max)
		return err_set(err, CUSTOMS_ETOOLARGE, "%s: more than %zu packages", path, max);
	return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", path);
}

/* Ends a parse: on failure drops what it appended (the caller's list is as
 * it was), on success reports the skipped count. Returns rc. */
static inline int pkgdb_finish(struct package_list *l, size_t n0, int rc, size_t *skipped,
                               size_t nskip)
{
	if (rc) {
		while (l->n > n0)
			package_list_pop(l);
		return rc;
	}
	if (skipped)
		*skipped = nskip;
	return 0;
}

/* A name or version field is usable when present and free of NUL bytes (a
 * NUL would silently cut it short). */
static inline bool pkgdb_usable(const char *s, size_t n)
{
	return s && n && !memchr(s, 0, n);
}

/* Warns that the stanza starting at `line`, for package name[0..n) (may be
 * NULL), is skipped for want of `what`, and counts it. */
static inline void pkgdb_skip(struct warn_list *w, size_t *skipped, const char *where, size_t line,
                              const char *name, size_t n, const char *what)
{
	char *safe = str_sanitize(name ? name : "", name ? n : 0);
	warn_add(w, "%s: stanza at line %zu (%s) has no usable %s: skipped", where, line,
	         safe ? safe : "?", what);
	free(safe);
	(*skipped)++;
}

#endif
