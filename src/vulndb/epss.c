/* EPSS importer: the daily CSV ("#model_version:...,score_date:..." then
 * "cve,epss,percentile" rows), given decompressed. */
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"
#include "vulndb/vulndb.h"

/* A probability written as digits and one dot, 0 <= v <= 1. */
static bool parse_prob(double *out, const char *s, size_t len)
{
	char tmp[32];
	int dots = 0;
	if (len == 0 || len >= sizeof(tmp))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.')
			dots++;
		else if (s[i] < '0' || s[i] > '9')
			return false;
	}
	if (dots > 1 || s[0] == '.')
		return false;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	char *end = NULL;
	double v = strtod(tmp, &end);
	if (end != tmp + len || !(v >= 0 && v <= 1))
		return false;
	*out = v;
	return true;
}

static bool field(const char **p, const char *end, const char **f, size_t *flen)
{
	const char *c = memchr(*p, ',', (size_t)(end - *p));
	*f = *p;
	*flen = c ? (size_t)(c - *p) : (size_t)(end - *p);
	*p = c ? c + 1 : end;
	return c != NULL;
}

int vulndb_import_epss(struct vulndb_writer *w, const char *data, size_t len, const char *what,
                       customs_error *err)
{
	const char *p = data, *end = data + len;
	char date[64] = "";
	bool header = false;
	size_t lineno = 0;
	if (len > LIMIT_EPSS_BYTES)
		return err_set(err, CUSTOMS_ETOOLARGE, "%s: over %u bytes", what, LIMIT_EPSS_BYTES);
	if (!mem_has_prefix(data, len, "#model_version:") && !mem_has_prefix(data, len, "cve,epss"))
		return err_set(err, CUSTOMS_EINVAL, "%s: not an EPSS CSV", what);
	if (sqlite3_exec(w->db, "DELETE FROM epss", NULL, NULL, NULL) != SQLITE_OK)
		return err_set(err, CUSTOMS_EIO, "%s: %s", what, sqlite3_errmsg(w->db));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *line = p;
		size_t ll = (size_t)(le - p);
		p = nl ? nl + 1 : end;
		lineno++;
		if (ll && line[ll - 1] == '\r')
			ll--;
		if (ll == 0)
			continue;
		if (line[0] == '#') {
			/* "#model_version:v2023.03.01,score_date:2023-10-10T00:00:00+0000" */
			const char *k = memmem(line, ll, "score_date:", 11);
			if (k) {
				size_t n = (size_t)(line + ll - (k + 11));
				if (n >= sizeof(date))
					n = sizeof(date) - 1;
				memcpy(date, k + 11, n);
				date[n] = 0;
				vulndb_set_feed_date(w, SRC_EPSS, date);
			}
			continue;
		}
		if (!header) {
			if (ll < 8 || memcmp(line, "cve,epss", 8) != 0)
				return err_set(err, CUSTOMS_EINVAL,
				               "%s: line %zu: expected the cve,epss header", what,
				               lineno);
			header = true;
			continue;
		}
		const char *q = line, *le2 = line + ll, *f1, *f2, *f3;
		size_t l1, l2, l3;
		double score = 0, pct = 0;
		bool ok = field(&q, le2, &f1, &l1) && field(&q, le2, &f2, &l2);
		field(&q, le2, &f3, &l3);
		char cve[64];
		ok = ok && q == le2 && l1 > 4 && l1 < sizeof(cve) && memcmp(f1, "CVE-", 4) == 0 &&
		     parse_prob(&score, f2, l2) && parse_prob(&pct, f3, l3);
		if (ok) {
			memcpy(cve, f1, l1);
			cve[l1] = 0;
			ok = vulndb_id_ok(cve);
		}
		if (ok && vulndb_put_epss(w, cve, score, pct, date[0] ? date : NULL))
			return err_set(err, CUSTOMS_EIO, "%s: %s", what, sqlite3_errmsg(w->db));
		vulndb_count(w, SRC_EPSS, ok, "%s: line %zu: malformed EPSS row skipped", what,
		             lineno);
	}
	return CUSTOMS_OK;
}
