/* Vulnerability DB storage: the SQLite schema, the writer the importers use,
 * read-only opening for scans, and the names of severities and statuses. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"
#include "vulndb/db_handle.h"
#include "vulndb/vulndb.h"

/* Lookups are by (ecosystem, package) on affected, by id on the others; the
 * primary keys and the one extra index are all the matcher needs. */
static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS metadata(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS sources(name TEXT PRIMARY KEY, records INTEGER, skipped INTEGER,"
    " imported_at INTEGER, feed_date TEXT);"
    "CREATE TABLE IF NOT EXISTS advisories(id TEXT NOT NULL, source TEXT NOT NULL, title TEXT,"
    " description TEXT, published TEXT, modified TEXT, withdrawn TEXT, severity TEXT,"
    " cvss2_vector TEXT, cvss2_score REAL, cvss3_vector TEXT, cvss3_score REAL,"
    " cvss4_vector TEXT, cvss4_score REAL, cwe TEXT, PRIMARY KEY(id, source)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS aliases(id TEXT NOT NULL, alias TEXT NOT NULL,"
    " PRIMARY KEY(id, alias)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS affected(ecosystem TEXT NOT NULL, package TEXT NOT NULL,"
    " advisory TEXT NOT NULL, source TEXT NOT NULL, status INTEGER NOT NULL, events TEXT,"
    " versions TEXT, severity TEXT, note TEXT);"
    "CREATE INDEX IF NOT EXISTS affected_pkg ON affected(ecosystem, package);"
    "CREATE INDEX IF NOT EXISTS affected_adv ON affected(advisory, source);"
    "CREATE TABLE IF NOT EXISTS refs(id TEXT NOT NULL, type TEXT, url TEXT NOT NULL,"
    " PRIMARY KEY(id, url)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS epss(cve TEXT PRIMARY KEY, score REAL, percentile REAL,"
    " date TEXT) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS kev(cve TEXT PRIMARY KEY, date_added TEXT, due_date TEXT,"
    " ransomware TEXT, name TEXT) WITHOUT ROWID;";

static const char *const severity_names[] = {"UNKNOWN", "NEGLIGIBLE", "LOW",
                                             "MEDIUM",  "HIGH",       "CRITICAL"};

const char *customs_severity_name(customs_severity s)
{
	if ((unsigned)s >= sizeof(severity_names) / sizeof(severity_names[0]))
		return "UNKNOWN";
	return severity_names[s];
}

int customs_severity_parse(customs_severity *out, const char *name)
{
	if (!name)
		return CUSTOMS_EINVAL;
	for (size_t i = 0; i < sizeof(severity_names) / sizeof(severity_names[0]); i++) {
		if (strcasecmp(name, severity_names[i]) == 0) {
			*out = (customs_severity)i;
			return CUSTOMS_OK;
		}
	}
	/* GHSA says MODERATE, Red Hat IMPORTANT, Ubuntu/Debian "unimportant". */
	if (strcasecmp(name, "MODERATE") == 0) {
		*out = CUSTOMS_SEVERITY_MEDIUM;
		return CUSTOMS_OK;
	}
	if (strcasecmp(name, "IMPORTANT") == 0) {
		*out = CUSTOMS_SEVERITY_HIGH;
		return CUSTOMS_OK;
	}
	if (strcasecmp(name, "UNIMPORTANT") == 0) {
		*out = CUSTOMS_SEVERITY_NEGLIGIBLE;
		return CUSTOMS_OK;
	}
	return CUSTOMS_EINVAL;
}

static const char *const status_names[] = {"fixed", "affected", "will_not_fix", "not_affected",
                                           "end_of_life"};

const char *customs_vuln_status_name(customs_vuln_status s)
{
	if ((unsigned)s >= sizeof(status_names) / sizeof(status_names[0]))
		return "affected";
	return status_names[s];
}

static int sql_err(customs_error *err, sqlite3 *db, const char *what)
{
	return err_set(err, CUSTOMS_EIO, "vulnerability DB: %s: %s", what,
	               db ? sqlite3_errmsg(db) : "out of memory");
}

int vulndb_writer_init(struct vulndb_writer *w, sqlite3 *db, customs_error *err)
{
	memset(w, 0, sizeof(*w));
	w->db = db;
	char ver[16];
	if (sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK)
		return sql_err(err, db, "creating the schema");
	snprintf(ver, sizeof(ver), "%d", VULNDB_SCHEMA_VERSION);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO metadata VALUES('schema_version', ?1)",
	                       -1, &st, NULL) != SQLITE_OK)
		return sql_err(err, db, "metadata");
	sqlite3_bind_text(st, 1, ver, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sql_err(err, db, "metadata");
	struct {
		sqlite3_stmt **st;
		const char *sql;
	} stmts[] = {
	    {&w->ins_adv, "INSERT OR REPLACE INTO advisories VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,"
	                  "?11,?12,?13,?14,?15)"},
	    {&w->ins_alias, "INSERT OR IGNORE INTO aliases VALUES(?1,?2)"},
	    {&w->ins_aff, "INSERT INTO affected VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)"},
	    {&w->ins_ref, "INSERT OR IGNORE INTO refs VALUES(?1,?2,?3)"},
	    {&w->ins_epss, "INSERT OR REPLACE INTO epss VALUES(?1,?2,?3,?4)"},
	    {&w->ins_kev, "INSERT OR REPLACE INTO kev VALUES(?1,?2,?3,?4,?5)"},
	    {&w->del_aff_adv, "DELETE FROM affected WHERE advisory=?1 AND source=?2"},
	    {&w->del_aff_pkg,
	     "DELETE FROM affected WHERE ecosystem=?1 AND package=?2 AND source=?3"},
	};
	for (size_t i = 0; i < sizeof(stmts) / sizeof(stmts[0]); i++)
		if (sqlite3_prepare_v2(db, stmts[i].sql, -1, stmts[i].st, NULL) != SQLITE_OK)
			return sql_err(err, db, "preparing statements");
	return CUSTOMS_OK;
}

void vulndb_writer_cleanup(struct vulndb_writer *w)
{
	if (!w)
		return;
	sqlite3_stmt *all[] = {w->ins_adv,  w->ins_alias, w->ins_aff,     w->ins_ref,
	                       w->ins_epss, w->ins_kev,   w->del_aff_adv, w->del_aff_pkg};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		sqlite3_finalize(all[i]);
	for (size_t i = 0; i < w->n_counts; i++)
		free(w->counts[i].feed_date);
	w->n_counts = 0;
	w->ins_adv = w->ins_alias = w->ins_aff = w->ins_ref = NULL;
	w->ins_epss = w->ins_kev = w->del_aff_adv = w->del_aff_pkg = NULL;
}

int vulndb_writer_finish(struct vulndb_writer *w, customs_error *err)
{
	sqlite3_stmt *st = NULL, *total = NULL;
	int rc = CUSTOMS_OK;
	/* A source's records are what the DB holds from it after this import,
	 * not what the last file brought (imports add up, records replace). */
	if (sqlite3_prepare_v2(
	        w->db,
	        "INSERT INTO sources VALUES(?1,?2,?3,?4,?5) ON CONFLICT(name) DO UPDATE"
	        " SET records=excluded.records, skipped=excluded.skipped,"
	        " imported_at=excluded.imported_at,"
	        " feed_date=coalesce(excluded.feed_date, feed_date)",
	        -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(w->db,
	                       "UPDATE sources SET records = CASE name"
	                       " WHEN '" SRC_KEV "' THEN (SELECT count(*) FROM kev)"
	                       " WHEN '" SRC_EPSS "' THEN (SELECT count(*) FROM epss)"
	                       " ELSE (SELECT count(*) FROM advisories WHERE source = ?1)"
	                       " END WHERE name = ?1",
	                       -1, &total, NULL) != SQLITE_OK) {
		rc = sql_err(err, w->db, "sources");
		goto out;
	}
	for (size_t i = 0; i < w->n_counts; i++) {
		struct import_count *c = &w->counts[i];
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, c->source, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, c->records);
		sqlite3_bind_int64(st, 3, c->skipped);
		sqlite3_bind_int64(st, 4, (int64_t)time(NULL));
		if (c->feed_date)
			sqlite3_bind_text(st, 5, c->feed_date, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 5);
		sqlite3_reset(total);
		sqlite3_bind_text(total, 1, c->source, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE || sqlite3_step(total) != SQLITE_DONE) {
			rc = sql_err(err, w->db, "sources");
			break;
		}
	}
out:
	sqlite3_finalize(st);
	sqlite3_finalize(total);
	return rc;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_score(sqlite3_stmt *st, int i, double v)
{
	if (v >= 0)
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static int step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? CUSTOMS_OK : CUSTOMS_EIO;
}

int vulndb_put_advisory(struct vulndb_writer *w, const struct vulndb_advisory *a)
{
	sqlite3_stmt *st = w->ins_adv;
	const char *text[] = {a->id,        a->source,   a->title,     a->description,
	                      a->published, a->modified, a->withdrawn, a->severity};
	for (int i = 0; i < 8; i++)
		bind_opt(st, i + 1, text[i]);
	bind_opt(st, 9, a->cvss2_vector);
	bind_score(st, 10, a->cvss2_score);
	bind_opt(st, 11, a->cvss3_vector);
	bind_score(st, 12, a->cvss3_score);
	bind_opt(st, 13, a->cvss4_vector);
	bind_score(st, 14, a->cvss4_score);
	bind_opt(st, 15, a->cwe);
	return step(st);
}

int vulndb_put_alias(struct vulndb_writer *w, const char *a, const char *b)
{
	if (!a || !b || strcmp(a, b) == 0)
		return CUSTOMS_OK;
	for (int i = 0; i < 2; i++) {
		bind_opt(w->ins_alias, 1, i ? b : a);
		bind_opt(w->ins_alias, 2, i ? a : b);
		if (step(w->ins_alias))
			return CUSTOMS_EIO;
	}
	return CUSTOMS_OK;
}

int vulndb_put_affected(struct vulndb_writer *w, const struct vulndb_affected *a)
{
	sqlite3_stmt *st = w->ins_aff;
	bind_opt(st, 1, a->ecosystem);
	bind_opt(st, 2, a->package);
	bind_opt(st, 3, a->advisory);
	bind_opt(st, 4, a->source);
	sqlite3_bind_int(st, 5, (int)a->status);
	bind_opt(st, 6, a->events);
	bind_opt(st, 7, a->versions);
	bind_opt(st, 8, a->severity);
	bind_opt(st, 9, a->note);
	return step(st);
}

int vulndb_put_reference(struct vulndb_writer *w, const char *id, const char *type, const char *url)
{
	if (!url)
		return CUSTOMS_OK;
	bind_opt(w->ins_ref, 1, id);
	bind_opt(w->ins_ref, 2, type);
	bind_opt(w->ins_ref, 3, url);
	return step(w->ins_ref);
}

int vulndb_put_epss(struct vulndb_writer *w, const char *cve, double score, double pct,
                    const char *date)
{
	bind_opt(w->ins_epss, 1, cve);
	sqlite3_bind_double(w->ins_epss, 2, score);
	sqlite3_bind_double(w->ins_epss, 3, pct);
	bind_opt(w->ins_epss, 4, date);
	return step(w->ins_epss);
}

int vulndb_put_kev(struct vulndb_writer *w, const char *cve, const char *added, const char *due,
                   const char *ransomware, const char *name)
{
	bind_opt(w->ins_kev, 1, cve);
	bind_opt(w->ins_kev, 2, added);
	bind_opt(w->ins_kev, 3, due);
	bind_opt(w->ins_kev, 4, ransomware);
	bind_opt(w->ins_kev, 5, name);
	return step(w->ins_kev);
}

int vulndb_forget_advisory(struct vulndb_writer *w, const char *id, const char *source)
{
	bind_opt(w->del_aff_adv, 1, id);
	bind_opt(w->del_aff_adv, 2, source);
	return step(w->del_aff_adv);
}

int vulndb_forget_package(struct vulndb_writer *w, const char *ecosystem, const char *package,
                          const char *source)
{
	bind_opt(w->del_aff_pkg, 1, ecosystem);
	bind_opt(w->del_aff_pkg, 2, package);
	bind_opt(w->del_aff_pkg, 3, source);
	return step(w->del_aff_pkg);
}

static struct import_count *count_for(struct vulndb_writer *w, const char *source)
{
	for (size_t i = 0; i < w->n_counts; i++)
		if (strcmp(w->counts[i].source, source) == 0)
			return &w->counts[i];
	if (w->n_counts == sizeof(w->counts) / sizeof(w->counts[0]))
		return NULL;
	struct import_count *c = &w->counts[w->n_counts++];
	memset(c, 0, sizeof(*c));
	c->source = source; /* always one of the SRC_* literals */
	return c;
}

__attribute__((format(printf, 2, 0))) static void vwarn(struct vulndb_writer *w, const char *fmt,
                                                        va_list ap)
{
	if (!w->warn)
		return;
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	char *clean = str_sanitize(msg, strlen(msg));
	w->warn(w->warn_user, clean ? clean : msg);
	free(clean);
	free(msg);
}

void vulndb_warn(struct vulndb_writer *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(w, fmt, ap);
	va_end(ap);
}

void vulndb_count(struct vulndb_writer *w, const char *source, bool ok, const char *fmt, ...)
{
	struct import_count *c = count_for(w, source);
	if (ok) {
		w->records++;
		if (c)
			c->records++;
		return;
	}
	w->skipped++;
	if (c)
		c->skipped++;
	va_list ap;
	va_start(ap, fmt);
	vwarn(w, fmt, ap);
	va_end(ap);
}

void vulndb_set_feed_date(struct vulndb_writer *w, const char *source, const char *date)
{
	struct import_count *c = count_for(w, source);
	if (!c || !date)
		return;
	char *d = xstrndup(date, strnlen(date, 64));
	if (!d)
		return;
	free(c->feed_date);
	c->feed_date = d;
}

/* ---- read side ---- */

int customs_vulndb_default_path(char **out, const char *explicit_path, customs_error *err)
{
	char *p = NULL;
	const char *env = getenv("CUSTOMS_DB");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	if (explicit_path && *explicit_path)
		p = strdup(explicit_path);
	else if (env && *env)
		p = strdup(env);
	else if (xdg && *xdg == '/') {
		if (asprintf(&p, "%s/customs/db.sqlite", xdg) < 0)
			p = NULL;
	} else if (home && *home) {
		if (asprintf(&p, "%s/.cache/customs/db.sqlite", home) < 0)
			p = NULL;
	} else
		return err_set(err, CUSTOMS_EUSAGE,
		               "no DB path: give --db, or set CUSTOMS_DB, XDG_CACHE_HOME or HOME");
	if (!p)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	*out = p;
	return CUSTOMS_OK;
}

void customs_vulndb_close(customs_vulndb *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->n_sources; i++) {
		free((char *)db->sources[i].name);
		free((char *)db->sources[i].feed_date);
	}
	free(db->sources);
	for (size_t i = 0; i < sizeof(db->stmts) / sizeof(db->stmts[0]); i++)
		sqlite3_finalize(db->stmts[i]);
	sqlite3_close(db->db);
	free(db);
}

static int load_sources(customs_vulndb *db, customs_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = CUSTOMS_OK;
	if (sqlite3_prepare_v2(db->db,
	                       "SELECT name, records, skipped, imported_at, feed_date FROM sources"
	                       " ORDER BY name",
	                       -1, &st, NULL) != SQLITE_OK)
		return sql_err(err, db->db, "reading sources");
	while (sqlite3_step(st) == SQLITE_ROW && db->n_sources < 64) {
		customs_vulndb_source *p = realloc(db->sources, (db->n_sources + 1) * sizeof(*p));
		if (!p) {
			rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
			break;
		}
		db->sources = p;
		customs_vulndb_source *s = &db->sources[db->n_sources];
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *date = (const char *)sqlite3_column_text(st, 4);
		s->name = xstrdup_or_null(name ? name : "?");
		s->records = sqlite3_column_int64(st, 1);
		s->skipped = sqlite3_column_int64(st, 2);
		s->imported_at = sqlite3_column_int64(st, 3);
		s->feed_date = xstrdup_or_null(date);
		if (!s->name || (date && !s->feed_date)) {
			free((char *)s->name);
			free((char *)s->feed_date);
			rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
			break;
		}
		db->n_sources++;
	}
	sqlite3_finalize(st);
	return rc;
}

int customs_vulndb_open(customs_vulndb **out, const char *path, customs_error *err)
{
	struct stat sb;
	customs_vulndb *db = NULL;
	int rc;
	if (!path)
		return err_set(err, CUSTOMS_EUSAGE, "no DB path");
	if (stat(path, &sb) != 0)
		return err_set(
		    err, errno == ENOENT ? CUSTOMS_ENOTFOUND : CUSTOMS_EIO,
		    "vulnerability DB %s: %s (run `customs db update` or `customs db import`)",
		    path, strerror(errno));
	db = calloc(1, sizeof(*db));
	if (!db)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	/* Read-only and no mutex: each scan opens its own handle. The file is
	 * published in rollback mode and never rewritten in place, so readers
	 * take no lock an update could wait for. */
	if (sqlite3_open_v2(path, &db->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		rc = sql_err(err, db->db, path);
		goto fail;
	}
	sqlite3_busy_timeout(db->db, 5000);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db->db, "SELECT value FROM metadata WHERE key='schema_version'", -1,
	                       &st, NULL) != SQLITE_OK) {
		rc = err_set(err, CUSTOMS_EINVAL, "%s is not a customs vulnerability DB", path);
		goto fail;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		uint64_t v = 0;
		const char *s = (const char *)sqlite3_column_text(st, 0);
		if (s && parse_u64_str(&v, s, 1000) == 0)
			db->schema_version = (int)v;
	}
	sqlite3_finalize(st);
	if (db->schema_version != VULNDB_SCHEMA_VERSION) {
		rc = err_set(
		    err, CUSTOMS_EUNSUPPORTED,
		    "%s has schema version %d, this customs reads %d: run `customs db update`",
		    path, db->schema_version, VULNDB_SCHEMA_VERSION);
		goto fail;
	}
	if ((rc = load_sources(db, err)))
		goto fail;
	*out = db;
	return CUSTOMS_OK;
fail:
	customs_vulndb_close(db);
	return rc;
}

size_t customs_vulndb_source_count(const customs_vulndb *db)
{
	return db ? db->n_sources : 0;
}

const customs_vulndb_source *customs_vulndb_source_get(const customs_vulndb *db, size_t i)
{
	return db && i < db->n_sources ? &db->sources[i] : NULL;
}

int customs_vulndb_schema_version(const customs_vulndb *db)
{
	return db ? db->schema_version : 0;
}

int vulndb_record_begin(struct vulndb_writer *w)
{
	return sqlite3_exec(w->db, "SAVEPOINT rec", NULL, NULL, NULL) == SQLITE_OK ? CUSTOMS_OK
	                                                                           : CUSTOMS_EIO;
}

int vulndb_record_end(struct vulndb_writer *w, bool keep)
{
	if (!keep && sqlite3_exec(w->db, "ROLLBACK TO rec", NULL, NULL, NULL) != SQLITE_OK)
		return CUSTOMS_EIO;
	return sqlite3_exec(w->db, "RELEASE rec", NULL, NULL, NULL) == SQLITE_OK ? CUSTOMS_OK
	                                                                         : CUSTOMS_EIO;
}

bool vulndb_id_ok(const char *id)
{
	if (!id || !*id)
		return false;
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || ++n > 256)
			return false;
	return true;
}

int vulndb_writer_open_memory(struct vulndb_writer *w, customs_error *err)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return err_set(err, CUSTOMS_ENOMEM, "in-memory DB: out of memory");
	}
	int rc = vulndb_writer_init(w, db, err);
	if (rc) {
		vulndb_writer_cleanup(w);
		sqlite3_close(db);
	}
	return rc;
}

void vulndb_writer_close_memory(struct vulndb_writer *w)
{
	sqlite3 *db = w->db;
	vulndb_writer_cleanup(w);
	sqlite3_close(db);
	w->db = NULL;
}
