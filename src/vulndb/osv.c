/* OSV importer: one OSV JSON record (osv.dev exports, GHSA, PYSEC, GO, DLA,
 * ALPINE, ...) into advisories, aliases and affected ranges. */
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "vulndb/vulndb.h"

/* Severity from a "severity" array ({type, score}): vectors into the
 * advisory, the Ubuntu word into *word. */
static void read_severity_array(struct vulndb_advisory *a, const json_t *arr, const char **word)
{
	size_t i;
	json_t *s;
	if (!json_is_array(arr))
		return;
	json_array_foreach(arr, i, s)
	{
		const char *type = json_get_str(s, "type");
		const char *score = json_get_str(s, "score");
		if (!type || !score || strlen(score) > 256)
			continue;
		if (strcmp(type, "CVSS_V3") == 0 && !a->cvss3_vector) {
			double v;
			if (cvss3_base_score(&v, score, strlen(score)) == 0) {
				a->cvss3_vector = score;
				a->cvss3_score = v;
			}
		} else if (strcmp(type, "CVSS_V2") == 0 && !a->cvss2_vector) {
			a->cvss2_vector = score;
		} else if (strcmp(type, "CVSS_V4") == 0 && !a->cvss4_vector) {
			a->cvss4_vector = score;
		} else if (strcmp(type, "Ubuntu") == 0 && word) {
			*word = score;
		}
	}
}

/* A severity word from database_specific / ecosystem_specific, normalised. */
static const char *severity_word(const json_t *obj)
{
	customs_severity s;
	const char *w = json_get_str(obj, "severity");
	if (!w)
		w = json_get_str(obj, "urgency");
	if (w && customs_severity_parse(&s, w) == 0)
		return customs_severity_name(s);
	return NULL;
}

static int append_line(struct buf *b, char tag, const char *v)
{
	if (b->len && buf_append(b, "\n", 1))
		return CUSTOMS_ENOMEM;
	if (tag) {
		char t[2] = {tag, '\t'};
		if (buf_append(b, t, 2))
			return CUSTOMS_ENOMEM;
	}
	return buf_append_str(b, v);
}

/* Encodes one ECOSYSTEM/SEMVER range's events; false when malformed. */
static bool encode_events(struct buf *b, const json_t *events, bool *has_fix)
{
	size_t i;
	json_t *e;
	if (!json_is_array(events) || json_array_size(events) == 0 ||
	    json_array_size(events) > LIMIT_VULNDB_EVENTS)
		return false;
	json_array_foreach(events, i, e)
	{
		static const struct {
			const char *key;
			char tag;
		} kinds[] = {
		    {"introduced", 'i'}, {"fixed", 'f'}, {"last_affected", 'l'}, {"limit", 'x'}};
		if (!json_is_object(e) || json_object_size(e) != 1)
			return false;
		bool found = false;
		for (size_t k = 0; k < 4 && !found; k++) {
			const char *v = json_get_str(e, kinds[k].key);
			if (!v)
				continue;
			if (!vulndb_version_ok(v) || append_line(b, kinds[k].tag, v))
				return false;
			if (kinds[k].tag == 'f')
				*has_fix = true;
			found = true;
		}
		if (!found)
			return false;
	}
	return true;
}

static bool import_affected(struct vulndb_writer *w, const char *id, const json_t *aff,
                            const char *adv_severity)
{
	const json_t *pkg = json_object_get(aff, "package");
	const char *eco_osv = json_get_str(pkg, "ecosystem");
	const char *name = json_get_str(pkg, "name");
	char eco[64];
	char *norm = NULL;
	struct buf ev, vers;
	bool ok = false;
	buf_init(&ev, (size_t)LIMIT_VULNDB_EVENTS * (LIMIT_VULNDB_VERSION_BYTES + 3));
	buf_init(&vers, (size_t)LIMIT_VULNDB_VERSIONS * (LIMIT_VULNDB_VERSION_BYTES + 1));
	if (!pkg)
		return true; /* GIT-only entries name a repository, not a package */
	if (!eco_osv || !name || !*name || strlen(name) > 1024)
		return false;
	int rc = vulndb_ecosystem_from_osv(eco, sizeof(eco), eco_osv);
	if (rc == CUSTOMS_EUNSUPPORTED)
		return true; /* an ecosystem we never match against */
	if (rc || !(norm = vulndb_normalize_name(eco, name)))
		goto out;
	const char *sev = severity_word(json_object_get(aff, "ecosystem_specific"));
	if (!sev)
		sev = severity_word(json_object_get(aff, "database_specific"));
	if (!sev)
		sev = adv_severity;
	struct vulndb_affected row = {
	    .ecosystem = eco, .package = norm, .advisory = id, .source = SRC_OSV, .severity = sev};
	const json_t *ranges = json_object_get(aff, "ranges");
	const json_t *versions = json_object_get(aff, "versions");
	size_t i;
	json_t *r;
	if (ranges && !json_is_array(ranges))
		goto out;
	json_array_foreach(ranges, i, r)
	{
		const char *type = json_get_str(r, "type");
		if (!type)
			goto out;
		if (strcmp(type, "ECOSYSTEM") != 0 && strcmp(type, "SEMVER") != 0)
			continue; /* GIT ranges are commits, not versions */
		bool has_fix = false;
		ev.len = 0;
		if (!encode_events(&ev, json_object_get(r, "events"), &has_fix))
			goto out;
		row.events = ev.data;
		row.versions = NULL;
		row.status = has_fix ? CUSTOMS_STATUS_FIXED : CUSTOMS_STATUS_AFFECTED;
		if (vulndb_put_affected(w, &row))
			goto out;
	}
	if (versions) {
		json_t *v;
		if (!json_is_array(versions) || json_array_size(versions) > LIMIT_VULNDB_VERSIONS)
			goto out;
		json_array_foreach(versions, i, v)
		{
			if (!json_is_string(v) || !vulndb_version_ok(json_string_value(v)) ||
			    append_line(&vers, 0, json_string_value(v)))
				goto out;
		}
		if (vers.len) {
			row.events = NULL;
			row.versions = vers.data;
			row.status = CUSTOMS_STATUS_AFFECTED;
			if (vulndb_put_affected(w, &row))
				goto out;
		}
	}
	ok = true;
out:
	free(norm);
	buf_free(&ev);
	buf_free(&vers);
	return ok;
}

static int join_cwes(struct buf *b, const json_t *arr)
{
	size_t i;
	json_t *c;
	json_array_foreach(arr, i, c)
	{
		const char *s = json_string_value(c);
		if (!s || !vulndb_id_ok(s))
			continue;
		if ((b->len && buf_append(b, ",", 1)) || buf_append_str(b, s))
			return CUSTOMS_ENOMEM;
	}
	return CUSTOMS_OK;
}

/* Imports one parsed record. false: malformed (the caller rolls back). */
static bool import_record(struct vulndb_writer *w, const json_t *rec)
{
	struct vulndb_advisory a = VULNDB_ADVISORY_INIT;
	const char *ubuntu_word = NULL;
	struct buf cwe;
	bool ok = false;
	size_t i;
	json_t *x;
	buf_init(&cwe, 4096);
	if (!json_is_object(rec))
		goto out;
	a.id = json_get_str(rec, "id");
	a.modified = json_get_str(rec, "modified");
	if (!vulndb_id_ok(a.id) || !a.modified)
		goto out;
	a.source = SRC_OSV;
	a.title = json_get_str(rec, "summary");
	a.description = json_get_str(rec, "details");
	a.published = json_get_str(rec, "published");
	a.withdrawn = json_get_str(rec, "withdrawn");
	read_severity_array(&a, json_object_get(rec, "severity"), &ubuntu_word);
	const json_t *dbs = json_object_get(rec, "database_specific");
	a.severity = severity_word(dbs);
	if (!a.severity && ubuntu_word) {
		customs_severity s;
		if (customs_severity_parse(&s, ubuntu_word) == 0)
			a.severity = customs_severity_name(s);
	}
	if (json_is_array(json_object_get(dbs, "cwe_ids"))) {
		if (join_cwes(&cwe, json_object_get(dbs, "cwe_ids")))
			goto out;
		a.cwe = cwe.data;
	}
	if (vulndb_put_advisory(w, &a) || vulndb_forget_advisory(w, a.id, SRC_OSV))
		goto out;
	/* "upstream" (schema 1.7) names the CVE a distro advisory is about:
	 * for grouping findings it is an alias. */
	const char *alias_keys[] = {"aliases", "upstream"};
	for (int k = 0; k < 2; k++) {
		const json_t *arr = json_object_get(rec, alias_keys[k]);
		if (arr && !json_is_array(arr))
			goto out;
		json_array_foreach(arr, i, x)
		{
			const char *al = json_string_value(x);
			if (!vulndb_id_ok(al))
				goto out;
			if (vulndb_put_alias(w, a.id, al))
				goto out;
		}
	}
	const json_t *refs = json_object_get(rec, "references");
	json_array_foreach(refs, i, x)
	{
		const char *url = json_get_str(x, "url");
		if (url && strlen(url) < 4096 &&
		    vulndb_put_reference(w, a.id, json_get_str(x, "type"), url))
			goto out;
	}
	/* A withdrawn advisory stays known but never matches. */
	if (!a.withdrawn) {
		const json_t *affected = json_object_get(rec, "affected");
		if (affected && !json_is_array(affected))
			goto out;
		json_array_foreach(affected, i, x)
		{
			if (!json_is_object(x) || !import_affected(w, a.id, x, a.severity))
				goto out;
		}
	}
	ok = true;
out:
	buf_free(&cwe);
	return ok;
}

int vulndb_import_osv(struct vulndb_writer *w, const char *data, size_t len, const char *what,
                      customs_error *err)
{
	json_t *rec = NULL;
	customs_error jerr = {0};
	if (json_parse(&rec, data, len, LIMIT_OSV_RECORD_BYTES, what, &jerr)) {
		vulndb_count(w, SRC_OSV, false, "%s", jerr.message);
		return CUSTOMS_OK;
	}
	int rc = vulndb_import_osv_json(w, rec, what, err);
	json_decref(rec);
	return rc;
}

int vulndb_import_osv_json(struct vulndb_writer *w, const json_t *rec, const char *what,
                           customs_error *err)
{
	if (vulndb_record_begin(w))
		return err_set(err, CUSTOMS_EIO, "%s: %s", what, sqlite3_errmsg(w->db));
	bool ok = import_record(w, rec);
	if (vulndb_record_end(w, ok))
		return err_set(err, CUSTOMS_EIO, "%s: %s", what, sqlite3_errmsg(w->db));
	vulndb_count(w, SRC_OSV, ok, "%s: malformed OSV record skipped", what);
	return CUSTOMS_OK;
}
