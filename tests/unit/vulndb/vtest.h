/* Helpers shared by the vulndb and match tests: temporary folders, feed
 * paths under tests/data and the build tree, and one-line imports. */
#ifndef TESTS_VTEST_H
#define TESTS_VTEST_H

#include <ftw.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "customs/vulndb.h"

static size_t vtest_warnings;

static inline void vtest_warn(void *user, const char *msg)
{
	(void)user;
	(void)msg;
	vtest_warnings++;
}

/* A path under the source tree (CUSTOMS_SOURCE_ROOT), or the build tree. */
static inline char *vtest_path(const char *root_env, const char *rel)
{
	const char *root = getenv(root_env);
	char *p = NULL;
	if (!root || asprintf(&p, "%s/%s", root, rel) < 0)
		return NULL;
	return p;
}

static inline char *vtest_src(const char *rel)
{
	return vtest_path("CUSTOMS_SOURCE_ROOT", rel);
}

static inline char *vtest_build(const char *rel)
{
	return vtest_path("CUSTOMS_BUILD_ROOT", rel);
}

static inline char *vtest_tmpdir(void)
{
	char tmpl[] = "/tmp/customs-vulndb-XXXXXX";
	char *d = mkdtemp(tmpl);
	return d ? strdup(d) : NULL;
}

static inline int vtest_rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static inline void vtest_rmtree(const char *dir)
{
	if (dir)
		nftw(dir, vtest_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Imports NULL-terminated relative paths (source tree unless they start with
 * '@', which means the build tree, or '/', absolute). Returns the rc. */
static inline int vtest_import(const char *db, customs_vulndb_import_stats *st, customs_error *err,
                               ...)
{
	const char *paths[32];
	char *owned[32];
	size_t n = 0;
	va_list ap;
	va_start(ap, err);
	for (const char *rel; n < 32 && (rel = va_arg(ap, const char *));) {
		owned[n] = rel[0] == '/'   ? strdup(rel)
		           : rel[0] == '@' ? vtest_build(rel + 1)
		                           : vtest_src(rel);
		paths[n] = owned[n];
		n++;
	}
	va_end(ap);
	int rc = customs_vulndb_import(db, paths, n, vtest_warn, NULL, st, err);
	for (size_t i = 0; i < n; i++)
		free(owned[i]);
	return rc;
}

/* One integer from a query on the DB file (read-only). */
static inline long long vtest_query_int(const char *db, const char *sql)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* One text value (caller frees), or NULL. */
static inline char *vtest_query_text(const char *db, const char *sql)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	char *v = NULL;
	if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static inline int vtest_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "we");
	if (!f)
		return -1;
	size_t w = fwrite(data, 1, len, f);
	return fclose(f) == 0 && w == len ? 0 : -1;
}

#endif
