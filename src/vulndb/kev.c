/* CISA Known Exploited Vulnerabilities importer: the catalog JSON
 * (catalogVersion, dateReleased, vulnerabilities[].cveID, dateAdded, ...). */
#include <string.h>

#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "vulndb/vulndb.h"

int vulndb_import_kev(struct vulndb_writer *w, const char *data, size_t len, const char *what,
                      customs_error *err)
{
	return vulndb_import_json(w, data, len, what, vulndb_import_kev_json, err);
}

int vulndb_import_kev_json(struct vulndb_writer *w, json_t *root, const char *what,
                           customs_error *err)
{
	size_t i;
	json_t *v;
	int rc = CUSTOMS_OK;
	const json_t *vulns = json_object_get(root, "vulnerabilities");
	if (!json_is_array(vulns) || !json_get_str(root, "catalogVersion")) {
		rc = err_set(err, CUSTOMS_EINVAL, "%s: not a CISA KEV catalog", what);
		goto out;
	}
	/* The catalog is published whole: it replaces the previous one. */
	if (sqlite3_exec(w->db, "DELETE FROM kev", NULL, NULL, NULL) != SQLITE_OK) {
		rc = err_set(err, CUSTOMS_EIO, "%s: %s", what, sqlite3_errmsg(w->db));
		goto out;
	}
	const char *date = json_get_str(root, "dateReleased");
	vulndb_set_feed_date(w, SRC_KEV, date ? date : json_get_str(root, "catalogVersion"));
	json_array_foreach(vulns, i, v)
	{
		const char *cve = json_get_str(v, "cveID");
		const char *added = json_get_str(v, "dateAdded");
		bool ok = vulndb_id_ok(cve) && strncmp(cve, "CVE-", 4) == 0 && added &&
		          strlen(added) <= 64;
		if (ok && vulndb_put_kev(w, cve, added, json_get_str(v, "dueDate"),
		                         json_get_str(v, "knownRansomwareCampaignUse"),
		                         json_get_str(v, "vulnerabilityName"))) {
			rc = err_set(err, CUSTOMS_EIO, "%s: %s", what, sqlite3_errmsg(w->db));
			goto out;
		}
		vulndb_count(w, SRC_KEV, ok, "%s: vulnerabilities[%zu]: malformed entry skipped",
		             what, i);
	}
out:
	return rc;
}
