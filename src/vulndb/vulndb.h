/* Vulnerability DB internals shared by the schema, the importers (one file per
 * feed), the updater and the matcher. */
#ifndef VULNDB_VULNDB_H
#define VULNDB_VULNDB_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "customs/vulndb.h"

#define VULNDB_SCHEMA_VERSION 1

/* Source names as stored in the DB. */
#define SRC_OSV    "osv"
#define SRC_SECDB  "alpine-secdb"
#define SRC_DEBIAN "debian-tracker"
#define SRC_DSA    "debian-dsa"
#define SRC_NVD    "nvd"
#define SRC_KEV    "kev"
#define SRC_EPSS   "epss"

/* Per-source counters of one import run. */
struct import_count {
	const char *source;
	int64_t records, skipped;
	char *feed_date;
};

/* An open DB being written: prepared statements inside one transaction. */
struct vulndb_writer {
	sqlite3 *db;
	sqlite3_stmt *ins_adv, *ins_alias, *ins_aff, *ins_ref, *ins_epss, *ins_kev;
	sqlite3_stmt *del_aff_adv, *del_aff_pkg;
	struct import_count counts[8];
	size_t n_counts;
	customs_vulndb_warn_fn warn;
	void *warn_user;
	size_t records, skipped; /* totals of this run */
};

/* An advisory row; NULL fields are stored as NULL, scores < 0 as NULL. */
struct vulndb_advisory {
	const char *id, *source, *title, *description, *published, *modified, *withdrawn;
	const char
	    *severity; /* the source's own severity word, normalised (customs_severity_name) */
	const char *cvss2_vector, *cvss3_vector, *cvss4_vector;
	double cvss2_score, cvss3_score, cvss4_score;
	const char *cwe; /* comma-separated CWE ids */
};

#define VULNDB_ADVISORY_INIT                                                                       \
	{                                                                                          \
		.cvss2_score = -1, .cvss3_score = -1, .cvss4_score = -1                            \
	}

/* An affected row. events: lines "i\tV", "f\tV", "l\tV", "x\tV" (introduced, fixed,
 * last_affected, limit) of one range; versions: lines "V". */
struct vulndb_affected {
	const char *ecosystem, *package, *advisory, *source;
	customs_vuln_status status;
	const char *events, *versions;
	const char *severity; /* vendor severity for this package, normalised */
	const char *note;
};

/* Creates the schema when missing and prepares the writer on db (not owned). */
int vulndb_writer_init(struct vulndb_writer *w, sqlite3 *db, customs_error *err);
/* Writes the per-source counters to the sources table; then finalizes. */
int vulndb_writer_finish(struct vulndb_writer *w, customs_error *err);
void vulndb_writer_cleanup(struct vulndb_writer *w);

/* A writer on a new in-memory DB (fuzzers, tests); close with
 * vulndb_writer_close_memory. */
int vulndb_writer_open_memory(struct vulndb_writer *w, customs_error *err);
void vulndb_writer_close_memory(struct vulndb_writer *w);

int vulndb_put_advisory(struct vulndb_writer *w, const struct vulndb_advisory *a);
/* Records that a and b name the same vulnerability (stored both ways). */
int vulndb_put_alias(struct vulndb_writer *w, const char *a, const char *b);
int vulndb_put_affected(struct vulndb_writer *w, const struct vulndb_affected *a);
int vulndb_put_reference(struct vulndb_writer *w, const char *id, const char *type,
                         const char *url);
int vulndb_put_epss(struct vulndb_writer *w, const char *cve, double score, double pct,
                    const char *date);
int vulndb_put_kev(struct vulndb_writer *w, const char *cve, const char *added, const char *due,
                   const char *ransomware, const char *name);
/* Removes the affected rows of one advisory from one source (re-import). */
int vulndb_forget_advisory(struct vulndb_writer *w, const char *id, const char *source);
/* Removes the affected rows of one package in one ecosystem from one source. */
int vulndb_forget_package(struct vulndb_writer *w, const char *ecosystem, const char *package,
                          const char *source);

/* A savepoint around one record, so that a record found malformed halfway
 * leaves nothing behind: end with keep=false rolls it back. */
int vulndb_record_begin(struct vulndb_writer *w);
int vulndb_record_end(struct vulndb_writer *w, bool keep);
/* An identifier from a feed that is safe to store and print (printable,
 * no spaces, at most 256 bytes). */
bool vulndb_id_ok(const char *id);

/* Counts a record or a skipped one (with a warning) for source. */
void vulndb_count(struct vulndb_writer *w, const char *source, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void vulndb_set_feed_date(struct vulndb_writer *w, const char *source, const char *date);
void vulndb_warn(struct vulndb_writer *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Importers: data[0..len) is one feed file exactly as the publisher ships it;
 * what names it in warnings. Malformed records are skipped and counted; the
 * return is an error only when the file as a whole is unusable. */
int vulndb_import_osv(struct vulndb_writer *w, const char *data, size_t len, const char *what,
                      customs_error *err);
int vulndb_import_secdb(struct vulndb_writer *w, const char *data, size_t len, const char *what,
                        customs_error *err);
int vulndb_import_debian(struct vulndb_writer *w, const char *data, size_t len, const char *what,
                         customs_error *err);
int vulndb_import_nvd(struct vulndb_writer *w, const char *data, size_t len, const char *what,
                      customs_error *err);
int vulndb_import_kev(struct vulndb_writer *w, const char *data, size_t len, const char *what,
                      customs_error *err);
/* The tracker's data/DSA/list or data/DLA/list text. */
int vulndb_import_dsa(struct vulndb_writer *w, const char *data, size_t len, const char *what,
                      customs_error *err);
bool vulndb_looks_like_dsa_list(const char *data, size_t len);
/* EPSS takes the decompressed CSV. */
int vulndb_import_epss(struct vulndb_writer *w, const char *data, size_t len, const char *what,
                       customs_error *err);

/* The same importers on an already parsed document (the sniffer parses once). */
int vulndb_import_osv_json(struct vulndb_writer *w, const json_t *rec, const char *what,
                           customs_error *err);
int vulndb_import_secdb_json(struct vulndb_writer *w, json_t *root, const char *what,
                             customs_error *err);
int vulndb_import_debian_json(struct vulndb_writer *w, json_t *root, const char *what,
                              customs_error *err);
int vulndb_import_nvd_json(struct vulndb_writer *w, json_t *root, const char *what,
                           customs_error *err);
int vulndb_import_kev_json(struct vulndb_writer *w, json_t *root, const char *what,
                           customs_error *err);

/* Parses data[0..len) (capped at LIMIT_FEED_JSON_BYTES) and runs fn on it. */
typedef int (*vulndb_json_importer)(struct vulndb_writer *w, json_t *root, const char *what,
                                    customs_error *err);
int vulndb_import_json(struct vulndb_writer *w, const char *data, size_t len, const char *what,
                       vulndb_json_importer fn, customs_error *err);

/* Imports one path (file or folder), sniffing its format. */
int vulndb_import_path(struct vulndb_writer *w, const char *path, customs_error *err);

/* Builds a DB: copies base (may be NULL or missing) to a new file next to
 * dest, runs fill on it, then renames it over dest. */
int vulndb_build(const char *dest, const char *base,
                 int (*fill)(struct vulndb_writer *w, void *user, customs_error *err), void *user,
                 customs_vulndb_warn_fn warn, void *warn_user, customs_vulndb_import_stats *stats,
                 customs_error *err);

/* CVSS v3.0/v3.1 base score of a vector ("CVSS:3.1/AV:N/..."), computed with
 * the specification's formulas. 0 or CUSTOMS_EINVAL. */
int cvss3_base_score(double *out, const char *vector, size_t len);
/* Severity of a CVSS v3/v4 score (NONE counts as UNKNOWN). */
customs_severity cvss_score_severity(double score);

/* OSV ecosystem ("Debian:12", "Alpine:v3.18", "PyPI", ...) to the DB's
 * ecosystem ("debian:12", "alpine:3.18", "pypi", ...) into out[0..n).
 * CUSTOMS_EUNSUPPORTED for ecosystems without package versions (GIT). */
int vulndb_ecosystem_from_osv(char *out, size_t n, const char *osv);
/* Normalised package name for an ecosystem (PEP 503 for pypi, lowercase for
 * case-insensitive registries). Caller frees; NULL on allocation failure. */
char *vulndb_normalize_name(const char *ecosystem, const char *name);
/* Debian codename to release number ("bookworm" -> "12"); NULL if unknown. */
const char *vulndb_debian_release(const char *codename);
/* True for a version string safe to store in the events/versions encoding. */
bool vulndb_version_ok(const char *v);

/* Creates the folders above path (not path itself). */
int vulndb_mkdirs(const char *path, customs_error *err);
/* fsync of a file by name; 0 or -1. */
int vulndb_fsync(const char *path);

/* Reads a whole file capped at max bytes. */
int vulndb_read_file(char **out, size_t *out_len, const char *path, size_t max, customs_error *err);

#endif
