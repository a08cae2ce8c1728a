/* customs public API: the vulnerability database (import, update, status) and
 * the matcher that turns an inventory into findings. */
#ifndef CUSTOMS_VULNDB_H
#define CUSTOMS_VULNDB_H

#include <stddef.h>
#include <stdint.h>

#include "customs/customs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Severities in increasing order, so that callers can compare them. */
typedef enum customs_severity {
	CUSTOMS_SEVERITY_UNKNOWN = 0,
	CUSTOMS_SEVERITY_NEGLIGIBLE,
	CUSTOMS_SEVERITY_LOW,
	CUSTOMS_SEVERITY_MEDIUM,
	CUSTOMS_SEVERITY_HIGH,
	CUSTOMS_SEVERITY_CRITICAL,
} customs_severity;

/* "UNKNOWN", "NEGLIGIBLE", "LOW", "MEDIUM", "HIGH", "CRITICAL". */
const char *customs_severity_name(customs_severity s);
/* Parses a name (any case; "MODERATE" is MEDIUM). 0 or CUSTOMS_EINVAL. */
int customs_severity_parse(customs_severity *out, const char *name);

/* What the data source says about the installed version. */
typedef enum customs_vuln_status {
	CUSTOMS_STATUS_FIXED = 0,    /* vulnerable, a fixed version exists */
	CUSTOMS_STATUS_AFFECTED,     /* vulnerable, no fix published yet */
	CUSTOMS_STATUS_WILL_NOT_FIX, /* vendor decided not to fix (Debian no-dsa, ignored) */
	CUSTOMS_STATUS_NOT_AFFECTED, /* never reported as a finding; kept in the DB */
	CUSTOMS_STATUS_END_OF_LIFE,  /* the release is out of security support */
} customs_vuln_status;

/* "fixed", "affected", "will_not_fix", "not_affected", "end_of_life". */
const char *customs_vuln_status_name(customs_vuln_status s);

typedef struct customs_vulndb customs_vulndb;

/* The DB path to use: explicit (non-NULL) wins, then $CUSTOMS_DB, then
 * $XDG_CACHE_HOME/customs/db.sqlite, then ~/.cache/customs/db.sqlite.
 * On success *out is a new string the caller frees. */
int customs_vulndb_default_path(char **out, const char *explicit_path, customs_error *err);

/* Opens the DB read-only. Readers never block an update and keep working
 * while one runs (an update publishes a new file by rename). A handle is used
 * by one thread at a time: parallel scans open one each. *out is freed with
 * customs_vulndb_close. CUSTOMS_ENOTFOUND when the file is missing. */
int customs_vulndb_open(customs_vulndb **out, const char *path, customs_error *err);
void customs_vulndb_close(customs_vulndb *db);

/* One imported data source, as `customs db status` shows it. Strings are
 * owned by the DB handle. */
typedef struct customs_vulndb_source {
	const char *name;      /* "osv", "alpine-secdb", "debian-tracker", "nvd", "kev", "epss" */
	int64_t records;       /* records imported */
	int64_t skipped;       /* malformed records skipped (each one a warning at import) */
	int64_t imported_at;   /* Unix time of the import */
	const char *feed_date; /* the publisher's date of the data, when the feed says; or NULL */
} customs_vulndb_source;

size_t customs_vulndb_source_count(const customs_vulndb *db);
const customs_vulndb_source *customs_vulndb_source_get(const customs_vulndb *db, size_t i);
/* The schema version stored in the DB. */
int customs_vulndb_schema_version(const customs_vulndb *db);

/* Import and update report warnings (skipped records, unreachable feeds)
 * through this callback, which may be NULL. */
typedef void (*customs_vulndb_warn_fn)(void *user, const char *message);

typedef struct customs_vulndb_import_stats {
	size_t files;   /* feed files read */
	size_t records; /* records imported */
	size_t skipped; /* malformed records skipped, each with a warning */
} customs_vulndb_import_stats;

/* Imports feed files or folders into the DB at db_path (created when
 * missing). Each path's format is sniffed: a folder of OSV JSON records, an
 * OSV zip, Alpine secdb JSON, Debian security tracker JSON, the tracker's
 * DSA/DLA list, NVD CVE API 2.0 JSON, CISA KEV JSON, EPSS CSV (.csv or .csv.gz). The work happens
 * on a copy next to the DB that is renamed into place at the end: on failure the previous DB is
 * untouched. stats may be NULL. */
int customs_vulndb_import(const char *db_path, const char *const *paths, size_t n_paths,
                          customs_vulndb_warn_fn warn, void *warn_user,
                          customs_vulndb_import_stats *stats, customs_error *err);

typedef struct customs_vulndb_update_options {
	unsigned int version;
	const char *config_path;      /* feed list; NULL: $XDG_CONFIG_HOME/customs/feeds.conf
	                                 when it exists, else the built-in defaults */
	unsigned int timeout_seconds; /* per download; 0: 600 */
	unsigned int retries;         /* extra attempts after a transient failure */
	const char *ca_file;          /* extra CA bundle, or NULL */
	customs_vulndb_warn_fn warn;
	void *warn_user;
} customs_vulndb_update_options;

#define CUSTOMS_VULNDB_UPDATE_OPTIONS_VERSION 1
#define CUSTOMS_VULNDB_UPDATE_OPTIONS_INIT                                                         \
	{                                                                                          \
		CUSTOMS_VULNDB_UPDATE_OPTIONS_VERSION, NULL, 0, 2, NULL, NULL, NULL                \
	}

/* Downloads every configured feed (conditional requests: unchanged feeds are
 * reused from the cache folder DB_PATH.feeds/), imports them all into a new
 * file next to the DB and renames it into place. Any failure leaves the
 * previous DB untouched. */
int customs_vulndb_update(const char *db_path, const customs_vulndb_update_options *opts,
                          customs_vulndb_import_stats *stats, customs_error *err);

/* One vulnerability of one installed package. All strings are owned by the
 * findings handle; any may be NULL when unknown. */
typedef struct customs_finding {
	const char *id; /* the CVE id when the alias group has exactly one */
	size_t alias_count;
	const char *const *aliases; /* the other ids of the same vulnerability */
	const char *package;        /* installed (binary) package name */
	const char *installed_version;
	const char *fixed_version; /* NULL when no fix is known */
	customs_vuln_status status;
	const char *status_note; /* the source's own words (e.g. Debian "no-dsa: ignored") */
	customs_severity severity;
	const char *severity_source; /* "debian-tracker", "osv", "nvd", ... */
	double cvss_score;           /* < 0 when none */
	const char *cvss_vector;
	double epss_score; /* < 0 when none */
	double epss_percentile;
	int kev; /* 1 when in CISA's Known Exploited Vulnerabilities */
	const char *kev_date_added;
	const char *title;
	const char *data_source; /* source of the affected range that matched */
	const char *layer;       /* diff_id of the layer that added the package */
	const char *purl;
	const char *package_type;
	size_t package_index; /* index in the inventory */
} customs_finding;

typedef struct customs_match_options {
	unsigned int version;
	int ignore_unfixed;            /* drop findings without a fixed version */
	customs_severity min_severity; /* drop findings below (UNKNOWN keeps all) */
} customs_match_options;

#define CUSTOMS_MATCH_OPTIONS_VERSION 1
#define CUSTOMS_MATCH_OPTIONS_INIT                                                                 \
	{                                                                                          \
		CUSTOMS_MATCH_OPTIONS_VERSION, 0, CUSTOMS_SEVERITY_UNKNOWN                         \
	}

typedef struct customs_findings customs_findings;

/* Matches every package of inv against db. opts may be NULL. On success *out
 * owns the findings (ordered by package index, then id); free them with
 * customs_findings_free. Findings are deduplicated across alias groups. */
int customs_match(customs_findings **out, customs_vulndb *db, const customs_inventory *inv,
                  const customs_match_options *opts, customs_error *err);
void customs_findings_free(customs_findings *f);
size_t customs_findings_count(const customs_findings *f);
const customs_finding *customs_findings_get(const customs_findings *f, size_t i);
/* Non-fatal problems (e.g. an OS release the DB has no data for). */
size_t customs_findings_warning_count(const customs_findings *f);
const char *customs_findings_warning(const customs_findings *f, size_t i);

#ifdef __cplusplus
}
#endif

#endif
