/* Alpine secdb importer (vX.Y/main.json, community.json; also the Wolfi and
 * Chainguard security.json in the same layout): secfixes become fixed ranges. */
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "vulndb/vulndb.h"

/* The ecosystem of a secdb file: Alpine files name their branch
 * ("distroversion": "v3.12"); Wolfi names only its URL prefix, Chainguard its
 * repository ("reponame": "chainguard"). */
static int secdb_ecosystem(char *eco, size_t n, const json_t *root)
{
	const char *dv = json_get_str(root, "distroversion");
	const char *url = json_get_str(root, "urlprefix");
	const char *repo = json_get_str(root, "reponame");
	if (dv) {
		char osv[80];
		int k = snprintf(osv, sizeof(osv), "Alpine:%s", dv);
		if (k < 0 || (size_t)k >= sizeof(osv))
			return CUSTOMS_EINVAL;
		return vulndb_ecosystem_from_osv(eco, n, osv);
	}
	const char *names[] = {"wolfi", "chainguard"};
	for (int i = 0; i < 2; i++) {
		if ((url && strstr(url, names[i])) || (repo && strcmp(repo, names[i]) == 0)) {
			snprintf(eco, n, "%s", names[i]);
			return CUSTOMS_OK;
		}
	}
	return CUSTOMS_EINVAL;
}

/* One secfixes entry "CVE-2021-1234" or "CVE-2021-1234 GHSA-xxxx ..." (the
 * extra words are further ids of the same issue, or free text we drop). */
static bool put_ids(struct vulndb_writer *w, const char *s, const char *eco, const char *pkg,
                    const char *version)
{
	char *copy = NULL;
	bool ok = false;
	size_t len = strlen(s);
	if (len == 0 || len > 4096 || !(copy = strdup(s)))
		return false;
	char *first = NULL;
	for (char *p = copy; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		char *tok = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = 0;
		if (!vulndb_id_ok(tok))
			continue;
		if (!first) {
			first = tok;
			continue;
		}
		/* Only id-shaped words are aliases; "(incomplete fix)" is not. */
		if (strchr(tok, '-') && tok[0] >= 'A' && tok[0] <= 'Z' &&
		    vulndb_put_alias(w, first, tok))
			goto out;
	}
	if (!first)
		goto out;
	bool never = strcmp(version, "0") == 0;
	char events[LIMIT_VULNDB_VERSION_BYTES + 16];
	snprintf(events, sizeof(events), "i\t0\nf\t%s", version);
	struct vulndb_affected row = {
	    .ecosystem = eco,
	    .package = pkg,
	    .advisory = first,
	    .source = SRC_SECDB,
	    .status = never ? CUSTOMS_STATUS_NOT_AFFECTED : CUSTOMS_STATUS_FIXED,
	    .events = never ? NULL : events,
	};
	ok = vulndb_put_affected(w, &row) == 0;
out:
	free(copy);
	return ok;
}

static bool import_package(struct vulndb_writer *w, const char *eco, const json_t *entry)
{
	const json_t *pkg = json_object_get(entry, "pkg");
	const char *name = json_get_str(pkg, "name");
	const json_t *fixes = json_object_get(pkg, "secfixes");
	const char *ver;
	json_t *ids;
	if (!name || !vulndb_id_ok(name) || (fixes && !json_is_object(fixes)))
		return false;
	if (vulndb_forget_package(w, eco, name, SRC_SECDB))
		return false;
	json_object_foreach((json_t *)fixes, ver, ids)
	{
		size_t i;
		json_t *id;
		if (!vulndb_version_ok(ver) || !json_is_array(ids))
			return false;
		json_array_foreach(ids, i, id)
		{
			if (!json_is_string(id) ||
			    !put_ids(w, json_string_value(id), eco, name, ver))
				return false;
		}
	}
	return true;
}

int vulndb_import_secdb(struct vulndb_writer *w, const char *data, size_t len, const char *what,
                        customs_error *err)
{
	return vulndb_import_json(w, data, len, what, vulndb_import_secdb_json, err);
}

int vulndb_import_secdb_json(struct vulndb_writer *w, json_t *root, const char *what,
                             customs_error *err)
{
	char eco[64];
	int rc = CUSTOMS_OK;
	size_t i;
	json_t *entry;
	const json_t *pkgs = json_object_get(root, "packages");
	if (!json_is_array(pkgs) || secdb_ecosystem(eco, sizeof(eco), root)) {
		rc = err_set(
		    err, CUSTOMS_EINVAL,
		    "%s: not a secdb file (needs packages[] and distroversion or urlprefix)", what);
		goto out;
	}
	json_array_foreach(pkgs, i, entry)
	{
		if (vulndb_record_begin(w)) {
			rc = err_set(err, CUSTOMS_EIO, "%s: %s", what, sqlite3_errmsg(w->db));
			goto out;
		}
		bool ok = import_package(w, eco, entry);
		if (vulndb_record_end(w, ok)) {
			rc = err_set(err, CUSTOMS_EIO, "%s: %s", what, sqlite3_errmsg(w->db));
			goto out;
		}
		vulndb_count(w, SRC_SECDB, ok, "%s: packages[%zu]: malformed secdb entry skipped",
		             what, i);
	}
out:
	return rc;
}
