/* Debian security tracker importer: the tracker's JSON export
 * ({source package: {CVE: {releases: {codename: {status, fixed_version, ...}}}}}). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "vulndb/vulndb.h"

/* "high**" (the stars mark a guess) -> HIGH; "not yet assigned" -> NULL. */
static const char *urgency_severity(const char *u)
{
	char w[32];
	size_t n = 0;
	customs_severity s;
	if (!u)
		return NULL;
	while (u[n] && u[n] != '*' && n < sizeof(w) - 1) {
		w[n] = u[n];
		n++;
	}
	w[n] = 0;
	if (customs_severity_parse(&s, w))
		return NULL;
	return customs_severity_name(s);
}

static bool import_release(struct vulndb_writer *w, const char *pkg, const char *cve,
                           const char *codename, const json_t *rel)
{
	char eco[64], note[512];
	const char *status = json_get_str(rel, "status");
	const char *fixed = json_get_str(rel, "fixed_version");
	const char *urgency = json_get_str(rel, "urgency");
	const char *nodsa = json_get_str(rel, "nodsa");
	const char *nodsa_reason = json_get_str(rel, "nodsa_reason");
	const char *num = vulndb_debian_release(codename);
	if (nodsa_reason && !*nodsa_reason)
		nodsa_reason = NULL; /* the tracker writes "" for a plain no-dsa */
	char events[LIMIT_VULNDB_VERSION_BYTES + 16];
	if (!status || !vulndb_id_ok(codename))
		return false;
	snprintf(eco, sizeof(eco), "debian:%s", num ? num : codename);
	struct vulndb_affected row = {.ecosystem = eco,
	                              .package = pkg,
	                              .advisory = cve,
	                              .source = SRC_DEBIAN,
	                              .severity = urgency_severity(urgency)};
	note[0] = 0;
	if (strcmp(status, "resolved") == 0) {
		if (!fixed || strcmp(fixed, "0") == 0) {
			row.status = CUSTOMS_STATUS_NOT_AFFECTED;
		} else {
			if (!vulndb_version_ok(fixed))
				return false;
			snprintf(events, sizeof(events), "i\t0\nf\t%s", fixed);
			row.events = events;
			row.status = CUSTOMS_STATUS_FIXED;
		}
	} else if (strcmp(status, "open") == 0 || strcmp(status, "undetermined") == 0) {
		row.events = "i\t0";
		row.status = CUSTOMS_STATUS_AFFECTED;
		if (urgency && strcmp(urgency, "end-of-life") == 0) {
			row.status = CUSTOMS_STATUS_END_OF_LIFE;
			snprintf(note, sizeof(note), "end-of-life");
		} else if (nodsa || nodsa_reason) {
			/* no-dsa: the security team will not issue an advisory
			 * ("ignored", "postponed" or just minor); keep its words. */
			row.status = CUSTOMS_STATUS_WILL_NOT_FIX;
			snprintf(note, sizeof(note), "no-dsa%s%s%s%s", nodsa_reason ? ": " : "",
			         nodsa_reason ? nodsa_reason : "", nodsa && *nodsa ? ": " : "",
			         nodsa ? nodsa : "");
		} else if (strcmp(status, "undetermined") == 0) {
			snprintf(note, sizeof(note), "undetermined");
		}
	} else {
		return false;
	}
	if (note[0])
		row.note = note;
	return vulndb_put_affected(w, &row) == 0;
}

static bool import_cve(struct vulndb_writer *w, const char *pkg, const char *cve,
                       const json_t *info)
{
	const json_t *rels = json_object_get(info, "releases");
	const char *codename;
	json_t *rel;
	/* The tracker writes an empty "releases" as [] (real excerpt:
	 * chromium-browser): no release to record, not a malformed entry. */
	if (json_is_array(rels) && json_array_size(rels) == 0)
		rels = NULL;
	if (!vulndb_id_ok(cve) || !json_is_object(info) || (rels && !json_is_object(rels)))
		return false;
	struct vulndb_advisory a = VULNDB_ADVISORY_INIT;
	a.id = cve;
	a.source = SRC_DEBIAN;
	a.description = json_get_str(info, "description");
	if (vulndb_put_advisory(w, &a))
		return false;
	json_object_foreach((json_t *)rels, codename, rel)
	{
		if (!json_is_object(rel) || !import_release(w, pkg, cve, codename, rel))
			return false;
	}
	return true;
}

int vulndb_import_debian(struct vulndb_writer *w, const char *data, size_t len, const char *what,
                         customs_error *err)
{
	return vulndb_import_json(w, data, len, what, vulndb_import_debian_json, err);
}

int vulndb_import_debian_json(struct vulndb_writer *w, json_t *root, const char *what,
                              customs_error *err)
{
	sqlite3_stmt *del = NULL;
	const char *pkg, *cve;
	json_t *cves, *info;
	int rc = CUSTOMS_OK;
	if (!json_is_object(root)) {
		rc = err_set(err, CUSTOMS_EINVAL, "%s: not a Debian security tracker file", what);
		goto out;
	}
	/* A tracker file replaces what we had for each package it lists (the
	 * real export lists them all; excerpts only theirs): one pass over
	 * the table, not one per package. */
	if (sqlite3_exec(w->db,
	                 "CREATE TEMP TABLE IF NOT EXISTS tracker_pkgs(name TEXT PRIMARY KEY);"
	                 "DELETE FROM tracker_pkgs",
	                 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(w->db, "INSERT OR IGNORE INTO tracker_pkgs VALUES(?1)", -1, &del,
	                       NULL) != SQLITE_OK) {
		rc = err_set(err, CUSTOMS_EIO, "%s: %s", what, sqlite3_errmsg(w->db));
		goto out;
	}
	json_object_foreach(root, pkg, cves)
	{
		sqlite3_bind_text(del, 1, pkg, -1, SQLITE_STATIC);
		int drc = sqlite3_step(del);
		sqlite3_reset(del);
		if (drc != SQLITE_DONE) {
			rc = err_set(err, CUSTOMS_EIO, "%s: %s", what, sqlite3_errmsg(w->db));
			goto out;
		}
	}
	if (sqlite3_exec(w->db,
	                 "DELETE FROM affected WHERE source='" SRC_DEBIAN "' AND package IN"
	                 " (SELECT name FROM tracker_pkgs)",
	                 NULL, NULL, NULL) != SQLITE_OK) {
		rc = err_set(err, CUSTOMS_EIO, "%s: %s", what, sqlite3_errmsg(w->db));
		goto out;
	}
	json_object_foreach(root, pkg, cves)
	{
		bool pkg_ok = vulndb_id_ok(pkg) && json_is_object(cves);
		if (!pkg_ok) {
			vulndb_count(w, SRC_DEBIAN, false, "%s: malformed package entry skipped",
			             what);
			continue;
		}
		json_object_foreach(cves, cve, info)
		{
			if (vulndb_record_begin(w)) {
				rc = err_set(err, CUSTOMS_EIO, "%s: %s", what,
				             sqlite3_errmsg(w->db));
				goto out;
			}
			bool ok = import_cve(w, pkg, cve, info);
			if (vulndb_record_end(w, ok)) {
				rc = err_set(err, CUSTOMS_EIO, "%s: %s", what,
				             sqlite3_errmsg(w->db));
				goto out;
			}
			vulndb_count(w, SRC_DEBIAN, ok, "%s: %s: malformed tracker entry skipped",
			             what, pkg);
		}
	}
out:
	sqlite3_finalize(del);
	return rc;
}
