/* NVD importer: CVE API 2.0 JSON (one response page per file, as the API
 * returns them paginated), for CVSS v2/v3.x/v4 scores, severity and CWE. */
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "vulndb/vulndb.h"

/* The NVD's own ("Primary") metric when present, else the first one. */
static const json_t *pick_metric(const json_t *metrics, const char *key)
{
	const json_t *arr = json_object_get(metrics, key);
	size_t i;
	json_t *m;
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return NULL;
	json_array_foreach(arr, i, m)
	{
		const char *type = json_get_str(m, "type");
		if (type && strcmp(type, "Primary") == 0)
			return m;
	}
	return json_array_get(arr, 0);
}

static double score_of(const json_t *data)
{
	const json_t *s = json_object_get(data, "baseScore");
	double v = json_is_number(s) ? json_number_value(s) : -1;
	return v >= 0 && v <= 10 ? v : -1;
}

static const char *vector_of(const json_t *data)
{
	const char *v = json_get_str(data, "vectorString");
	return v && strlen(v) <= 256 ? v : NULL;
}

static bool import_cve(struct vulndb_writer *w, const json_t *cve)
{
	struct vulndb_advisory a = VULNDB_ADVISORY_INIT;
	struct buf cwe;
	bool ok = false;
	size_t i, j;
	json_t *x, *d;
	customs_severity sev = CUSTOMS_SEVERITY_UNKNOWN;
	buf_init(&cwe, 4096);
	a.id = json_get_str(cve, "id");
	if (!vulndb_id_ok(a.id) || strncmp(a.id, "CVE-", 4) != 0)
		goto out;
	a.source = SRC_NVD;
	a.published = json_get_str(cve, "published");
	a.modified = json_get_str(cve, "lastModified");
	const char *status = json_get_str(cve, "vulnStatus");
	if (status && strcmp(status, "Rejected") == 0)
		a.withdrawn = a.modified ? a.modified : "rejected";
	json_array_foreach(json_object_get(cve, "descriptions"), i, x)
	{
		const char *lang = json_get_str(x, "lang");
		if (lang && strcmp(lang, "en") == 0) {
			a.description = json_get_str(x, "value");
			break;
		}
	}
	const json_t *metrics = json_object_get(cve, "metrics");
	const char *v3keys[] = {"cvssMetricV31", "cvssMetricV30"};
	for (int k = 0; k < 2 && !a.cvss3_vector; k++) {
		const json_t *m = pick_metric(metrics, v3keys[k]);
		const json_t *data = json_object_get(m, "cvssData");
		if (!m || !vector_of(data))
			continue;
		a.cvss3_vector = vector_of(data);
		a.cvss3_score = score_of(data);
		if (a.cvss3_score < 0)
			cvss3_base_score(&a.cvss3_score, a.cvss3_vector, strlen(a.cvss3_vector));
		customs_severity_parse(&sev, json_get_str(data, "baseSeverity"));
	}
	const json_t *m4 = pick_metric(metrics, "cvssMetricV40");
	if (m4 && vector_of(json_object_get(m4, "cvssData"))) {
		const json_t *data = json_object_get(m4, "cvssData");
		a.cvss4_vector = vector_of(data);
		a.cvss4_score = score_of(data);
		if (sev == CUSTOMS_SEVERITY_UNKNOWN)
			customs_severity_parse(&sev, json_get_str(data, "baseSeverity"));
	}
	const json_t *m2 = pick_metric(metrics, "cvssMetricV2");
	if (m2 && vector_of(json_object_get(m2, "cvssData"))) {
		const json_t *data = json_object_get(m2, "cvssData");
		a.cvss2_vector = vector_of(data);
		a.cvss2_score = score_of(data);
		/* v2 keeps baseSeverity beside cvssData, not in it. */
		if (sev == CUSTOMS_SEVERITY_UNKNOWN)
			customs_severity_parse(&sev, json_get_str(m2, "baseSeverity"));
	}
	if (sev != CUSTOMS_SEVERITY_UNKNOWN)
		a.severity = customs_severity_name(sev);
	json_array_foreach(json_object_get(cve, "weaknesses"), i, x)
	{
		json_array_foreach(json_object_get(x, "description"), j, d)
		{
			const char *c = json_get_str(d, "value");
			if (!c || strncmp(c, "CWE-", 4) != 0 || !vulndb_id_ok(c) ||
			    (cwe.data && strstr(cwe.data, c)))
				continue;
			if ((cwe.len && buf_append(&cwe, ",", 1)) || buf_append_str(&cwe, c))
				goto out;
		}
	}
	a.cwe = cwe.data;
	if (vulndb_put_advisory(w, &a))
		goto out;
	json_array_foreach(json_object_get(cve, "references"), i, x)
	{
		const char *url = json_get_str(x, "url");
		if (url && strlen(url) < 4096 && vulndb_put_reference(w, a.id, "WEB", url))
			goto out;
	}
	ok = true;
out:
	buf_free(&cwe);
	return ok;
}

int vulndb_import_nvd(struct vulndb_writer *w, const char *data, size_t len, const char *what,
                      customs_error *err)
{
	return vulndb_import_json(w, data, len, what, vulndb_import_nvd_json, err);
}

int vulndb_import_nvd_json(struct vulndb_writer *w, json_t *root, const char *what,
                           customs_error *err)
{
	size_t i;
	json_t *v;
	int rc = CUSTOMS_OK;
	const json_t *vulns = json_object_get(root, "vulnerabilities");
	if (!json_is_array(vulns)) {
		rc = err_set(err, CUSTOMS_EINVAL, "%s: not an NVD CVE API 2.0 response", what);
		goto out;
	}
	vulndb_set_feed_date(w, SRC_NVD, json_get_str(root, "timestamp"));
	json_array_foreach(vulns, i, v)
	{
		bool ok = json_is_object(json_object_get(v, "cve")) &&
		          import_cve(w, json_object_get(v, "cve"));
		vulndb_count(w, SRC_NVD, ok, "%s: vulnerabilities[%zu]: malformed CVE skipped",
		             what, i);
	}
out:
	return rc;
}
