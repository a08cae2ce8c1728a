/* Reads the SQLite rpm database (rpm >= 4.16: rpmdb.sqlite) from memory via
 * sqlite3_deserialize, in a private read-only connection that never touches files. */
#include <sqlite3.h>
#include <string.h>

#include "analyze/rpm.h"
#include "util/error.h"
#include "util/limits.h"

enum {
	/* Bytes 18 and 19 of the file header: write and read format versions;
	 * 2 means WAL mode, which an in-memory database cannot use. */
	HDR_WRITE_VERSION = 18,
	HDR_READ_VERSION = 19,
	PROGRESS_OPS = 1000,
};

static int progress(void *arg)
{
	unsigned long *calls = arg;
	return ++*calls > LIMIT_RPMDB_SQLITE_STEPS / PROGRESS_OPS;
}

static int db_error(customs_error *err, sqlite3 *db, const char *what)
{
	return err_set(err, CUSTOMS_EINVAL, "rpm sqlite database: %s: %s", what,
	               db ? sqlite3_errmsg(db) : "out of memory");
}

/* A database file is untrusted: no views or triggers (a view named Packages
 * could compute forever), no schema-defined functions, defensive mode. */
static int harden(sqlite3 *db)
{
	static const int off[] = {SQLITE_DBCONFIG_ENABLE_TRIGGER, SQLITE_DBCONFIG_ENABLE_VIEW,
	                          SQLITE_DBCONFIG_TRUSTED_SCHEMA,
	                          SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION};
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		if (sqlite3_db_config(db, off[i], 0, (int *)NULL) != SQLITE_OK)
			return -1;
	if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL) != SQLITE_OK)
		return -1;
	/* A blob is one rpm header: index plus data, never more than rpm allows. */
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH,
	              (int)(8 + 16 * LIMIT_RPM_HEADER_TAGS + LIMIT_RPM_HEADER_DATA));
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	return sqlite3_exec(db, "PRAGMA temp_store=MEMORY; PRAGMA cell_size_check=ON;", NULL, NULL,
	                    NULL) == SQLITE_OK
	           ? 0
	           : -1;
}

int rpmdb_sqlite_read(const uint8_t *data, size_t len, const char *path, rpm_blob_fn fn, void *ctx,
                      struct warn_list *warnings, customs_error *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	unsigned char *copy = NULL;
	unsigned long calls = 0;
	int rc = 0, s;

	if (len < 100 || memcmp(data, "SQLite format 3", 16) != 0)
		return err_set(err, CUSTOMS_EINVAL, "not an SQLite database");
	if (sqlite3_open_v2(":memory:", &db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		rc = db_error(err, db, "open");
		goto out;
	}
	if (harden(db)) {
		rc = db_error(err, db, "configure");
		goto out;
	}
	/* Our own copy: SQLite wants a writable buffer it may free, and the WAL
	 * flag must go (the WAL file, if any, is not in hand anyway). */
	copy = sqlite3_malloc64(len);
	if (!copy) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	memcpy(copy, data, len);
	if (copy[HDR_WRITE_VERSION] == 2)
		copy[HDR_WRITE_VERSION] = 1;
	if (copy[HDR_READ_VERSION] == 2)
		copy[HDR_READ_VERSION] = 1;
	s = sqlite3_deserialize(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
	                        SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
	copy = NULL; /* sqlite owns it now, even when deserialize fails */
	if (s != SQLITE_OK) {
		rc = db_error(err, db, "load");
		goto out;
	}
	sqlite3_progress_handler(db, PROGRESS_OPS, progress, &calls);
	if (sqlite3_prepare_v2(db, "SELECT blob FROM Packages", -1, &st, NULL) != SQLITE_OK) {
		rc = db_error(err, db, "query");
		goto out;
	}
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_BLOB) {
			warn_add(warnings, "%s: rpm sqlite row without a header blob", path);
			continue;
		}
		const uint8_t *blob = sqlite3_column_blob(st, 0);
		int n = sqlite3_column_bytes(st, 0);
		if (!blob || n <= 0) {
			warn_add(warnings, "%s: rpm sqlite row with an empty header blob", path);
			continue;
		}
		rc = fn(ctx, blob, (size_t)n, err);
		if (rc)
			goto out;
	}
	if (s != SQLITE_DONE)
		rc = db_error(err, db,
		              calls > LIMIT_RPMDB_SQLITE_STEPS / PROGRESS_OPS
		                  ? "too much work for its size"
		                  : "read");
out:
	sqlite3_free(copy);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
