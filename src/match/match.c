/* The matcher: every package of an inventory against the vulnerability DB,
 * one indexed query per package, versions compared in C, alias groups merged. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/package.h"
#include "customs/vulndb.h"
#include "scan/inventory.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"
#include "util/warn.h"
#include "version/version.h"
#include "vulndb/db_handle.h"
#include "vulndb/vulndb.h"

struct customs_findings {
	customs_finding *items;
	size_t n, cap;
	struct warn_list warnings;
};

static const char *const queries[DBQ_COUNT] = {
    [DBQ_AFFECTED] = "SELECT advisory, source, status, events, versions, severity, note"
                     " FROM affected WHERE ecosystem=?1 AND package=?2",
    [DBQ_ALIASES] = "SELECT alias FROM aliases WHERE id=?1",
    [DBQ_ADVISORIES] = "SELECT source, title, description, severity, cvss3_vector, cvss3_score,"
                       " cvss4_vector, cvss4_score, cvss2_vector, cvss2_score"
                       " FROM advisories WHERE id=?1 AND withdrawn IS NULL",
    [DBQ_EPSS] = "SELECT score, percentile FROM epss WHERE cve=?1",
    [DBQ_KEV] = "SELECT date_added FROM kev WHERE cve=?1",
};

/* ---- small string sets ---- */

struct strv {
	char **v;
	size_t n, cap;
};

static bool strv_has(const struct strv *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], x) == 0)
			return true;
	return false;
}

static int strv_add(struct strv *s, const char *x)
{
	if (!x || strv_has(s, x))
		return CUSTOMS_OK;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		char **p = realloc(s->v, cap * sizeof(*p));
		if (!p)
			return CUSTOMS_ENOMEM;
		s->v = p;
		s->cap = cap;
	}
	if (!(s->v[s->n] = strdup(x)))
		return CUSTOMS_ENOMEM;
	s->n++;
	return CUSTOMS_OK;
}

static void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static bool is_cve(const char *id)
{
	return strncmp(id, "CVE-", 4) == 0;
}

/* ---- ecosystems ---- */

static int scheme_for(enum version_scheme *out, const char *eco)
{
	static const struct {
		const char *prefix;
		enum version_scheme scheme;
	} map[] = {
	    {"debian", VERSION_DPKG},       {"ubuntu", VERSION_DPKG},    {"alpine", VERSION_APK},
	    {"wolfi", VERSION_APK},         {"chainguard", VERSION_APK}, {"npm", VERSION_SEMVER},
	    {"cargo", VERSION_SEMVER},      {"golang", VERSION_SEMVER},  {"pypi", VERSION_PEP440},
	    {"maven", VERSION_MAVEN},       {"gem", VERSION_GEM},        {"nuget", VERSION_NUGET},
	    {"composer", VERSION_COMPOSER},
	};
	size_t base = strcspn(eco, ":");
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strlen(map[i].prefix) == base && strncmp(map[i].prefix, eco, base) == 0) {
			*out = map[i].scheme;
			return CUSTOMS_OK;
		}
	}
	/* Every other distro we know (rhel, rocky, almalinux, sles, ...) is rpm. */
	*out = VERSION_RPM;
	return CUSTOMS_OK;
}

/* Leading "digits(.digits){0,parts-1}" of v into out. */
static bool leading_release(char *out, size_t n, const char *v, int parts)
{
	size_t k = 0;
	int dots = 0;
	if (!v || !isdigit((unsigned char)v[0]))
		return false;
	while (v[k] && k + 1 < n) {
		if (v[k] == '.') {
			if (++dots >= parts || !isdigit((unsigned char)v[k + 1]))
				break;
		} else if (!isdigit((unsigned char)v[k]))
			break;
		k++;
	}
	memcpy(out, v, k);
	out[k] = 0;
	return k > 0;
}

/* The DB ecosystem of the image's OS ("debian:12", "alpine:3.12", ...) and
 * the package type that belongs to it. */
static bool os_ecosystem(char *eco, size_t n, const char **pkg_type, const customs_image_info *info)
{
	const char *fam = info ? info->os_family : NULL;
	char rel[32];
	*pkg_type = NULL;
	if (!fam)
		return false;
	if (strcmp(fam, "debian") == 0) {
		*pkg_type = "deb";
		const char *num = vulndb_debian_release(info->os_codename);
		if (leading_release(rel, sizeof(rel), info->os_version, 1))
			snprintf(eco, n, "debian:%s", rel);
		else if (num)
			snprintf(eco, n, "debian:%s", num);
		else if (info->os_codename)
			snprintf(eco, n, "debian:%s", info->os_codename);
		else
			return false;
		return true;
	}
	if (strcmp(fam, "ubuntu") == 0) {
		*pkg_type = "deb";
		if (!leading_release(rel, sizeof(rel), info->os_version, 2))
			return false;
		snprintf(eco, n, "ubuntu:%s", rel);
		return true;
	}
	if (strcmp(fam, "alpine") == 0) {
		*pkg_type = "apk";
		if (!leading_release(rel, sizeof(rel), info->os_version, 2))
			return false;
		snprintf(eco, n, "alpine:%s", rel);
		return true;
	}
	if (strcmp(fam, "wolfi") == 0 || strcmp(fam, "chainguard") == 0) {
		*pkg_type = "apk";
		snprintf(eco, n, "%s", fam);
		return true;
	}
	static const struct {
		const char *family, *eco;
	} rpm[] = {{"rhel", "rhel"},   {"centos", "rhel"},
	           {"rocky", "rocky"}, {"almalinux", "almalinux"},
	           {"ol", "ol"},       {"fedora", "fedora"},
	           {"amzn", "amzn"},   {"opensuse-leap", "opensuse"},
	           {"sles", "sles"}};
	for (size_t i = 0; i < sizeof(rpm) / sizeof(rpm[0]); i++) {
		if (strcmp(fam, rpm[i].family) != 0)
			continue;
		*pkg_type = "rpm";
		bool suse = strcmp(rpm[i].eco, "sles") == 0 || strcmp(rpm[i].eco, "opensuse") == 0;
		if (!leading_release(rel, sizeof(rel), info->os_version, suse ? 2 : 1))
			return false;
		snprintf(eco, n, "%s:%s", rpm[i].eco, rel);
		return true;
	}
	return false;
}

static bool is_language_type(const char *t)
{
	static const char *const types[] = {"npm",   "pypi", "maven",    "golang",
	                                    "cargo", "gem",  "composer", "nuget"};
	for (size_t i = 0; t && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(types[i], t) == 0)
			return true;
	return false;
}

/* Maven packages are looked up as "group:artifact"; take the group from the
 * purl (pkg:maven/GROUP/ARTIFACT@V) when the name lacks it. */
static char *maven_name(const customs_package *p)
{
	char *s = NULL;
	if (strchr(p->name, ':') || !p->purl || strncmp(p->purl, "pkg:maven/", 10) != 0)
		return strdup(p->name);
	const char *g = p->purl + 10;
	const char *slash = strchr(g, '/');
	if (!slash || slash == g)
		return strdup(p->name);
	if (asprintf(&s, "%.*s:%s", (int)(slash - g), g, p->name) < 0)
		return NULL;
	return s;
}

/* ---- range evaluation ---- */

struct event {
	char kind; /* i f l x */
	const char *v;
	size_t len;
};

static int cmp_versions(enum version_scheme sch, const char *a, const char *b)
{
	int c = 0;
	version_compare(&c, sch, a, b); /* invalid input: documented fallback order */
	return c;
}

/* OSV's evaluation: events sorted by version, walked in order. Returns true
 * when installed is affected; *fixed gets the first fix above it (or NULL). */
static bool eval_events(char **fixed, const char *events, const char *inst, enum version_scheme sch)
{
	struct event ev[LIMIT_VULNDB_EVENTS];
	char *copy = strdup(events);
	size_t n = 0;
	bool affected = false;
	*fixed = NULL;
	if (!copy)
		return false;
	for (char *p = copy; *p && n < LIMIT_VULNDB_EVENTS;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		if (p[0] && p[1] == '\t')
			ev[n++] = (struct event){p[0], p + 2, 0};
		p = nl ? nl + 1 : p + strlen(p);
	}
	/* Insertion sort: real ranges have two to a dozen events. "0" as
	 * introduced means "from the beginning" and sorts first. */
	for (size_t i = 1; i < n; i++) {
		struct event e = ev[i];
		size_t j = i;
		while (j > 0) {
			bool e_zero = e.kind == 'i' && strcmp(e.v, "0") == 0;
			bool p_zero = ev[j - 1].kind == 'i' && strcmp(ev[j - 1].v, "0") == 0;
			if (e_zero && !p_zero) {
				ev[j] = ev[j - 1];
				j--;
				continue;
			}
			if (p_zero || cmp_versions(sch, ev[j - 1].v, e.v) <= 0)
				break;
			ev[j] = ev[j - 1];
			j--;
		}
		ev[j] = e;
	}
	bool has_limit = false, below_limit = false;
	for (size_t i = 0; i < n; i++) {
		const char *v = ev[i].v;
		switch (ev[i].kind) {
		case 'i':
			if (strcmp(v, "0") == 0 || cmp_versions(sch, inst, v) >= 0)
				affected = true;
			break;
		case 'f':
			if (cmp_versions(sch, inst, v) >= 0)
				affected = false;
			break;
		case 'l':
			if (cmp_versions(sch, inst, v) > 0)
				affected = false;
			break;
		case 'x':
			has_limit = true;
			if (cmp_versions(sch, inst, v) < 0)
				below_limit = true;
			break;
		}
	}
	if (has_limit && !below_limit)
		affected = false;
	if (affected) {
		for (size_t i = 0; i < n; i++) {
			if (ev[i].kind == 'f' && cmp_versions(sch, inst, ev[i].v) < 0) {
				*fixed = strdup(ev[i].v);
				break;
			}
		}
	}
	free(copy);
	return affected;
}

static bool in_versions(const char *versions, const char *inst, enum version_scheme sch)
{
	size_t ilen = strlen(inst);
	for (const char *p = versions; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len == ilen && memcmp(p, inst, len) == 0)
			return true;
		p += len + (nl ? 1 : 0);
	}
	return false;
}

/* ---- one package ---- */

struct hit {
	char *advisory, *source, *fixed, *severity, *note;
	customs_vuln_status status;
	struct strv ids; /* advisory + its aliases */
	struct strv cves;
	char *key;   /* the group: the one CVE, or the advisory id */
	bool folded; /* merged into another hit */
};

static void hit_free(struct hit *h)
{
	free(h->advisory);
	free(h->source);
	free(h->fixed);
	free(h->severity);
	free(h->note);
	free(h->key);
	strv_free(&h->ids);
	strv_free(&h->cves);
}

static int source_rank(const char *s)
{
	/* The distribution's own tracker knows its backports best. */
	if (strcmp(s, SRC_DEBIAN) == 0 || strcmp(s, SRC_SECDB) == 0 || strcmp(s, SRC_DSA) == 0)
		return 0;
	return 1;
}

static char *dup_col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? strdup(s) : NULL;
}

static int prepare(customs_vulndb *db, int q, customs_error *err)
{
	if (db->stmts[q])
		return CUSTOMS_OK;
	if (sqlite3_prepare_v3(db->db, queries[q], -1, SQLITE_PREPARE_PERSISTENT, &db->stmts[q],
	                       NULL) != SQLITE_OK)
		return err_set(err, CUSTOMS_EIO, "vulnerability DB: %s", sqlite3_errmsg(db->db));
	return CUSTOMS_OK;
}

static int load_aliases(customs_vulndb *db, struct hit *h)
{
	sqlite3_stmt *st = db->stmts[DBQ_ALIASES];
	int rc = strv_add(&h->ids, h->advisory);
	sqlite3_bind_text(st, 1, h->advisory, -1, SQLITE_STATIC);
	while (!rc && sqlite3_step(st) == SQLITE_ROW)
		rc = strv_add(&h->ids, (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	for (size_t i = 0; !rc && i < h->ids.n; i++)
		if (is_cve(h->ids.v[i]))
			rc = strv_add(&h->cves, h->ids.v[i]);
	if (rc)
		return rc;
	h->key = strdup(h->cves.n == 1 ? h->cves.v[0] : h->advisory);
	return h->key ? CUSTOMS_OK : CUSTOMS_ENOMEM;
}

struct pkg_ctx {
	customs_vulndb *db;
	struct customs_findings *out;
	const customs_package *p;
	size_t index;
	const char *installed; /* the version compared (source version for deb) */
	const customs_match_options *opts;
};

/* The facts of the advisories of a group, first vendor then NVD. */
struct facts {
	customs_severity sev;
	char *sev_source;
	double score;
	char *vector;
	char *title;
	char *nvd_vector;
	double nvd_score;
	customs_severity nvd_sev;
	char *v4_vector, *v2_vector;
	double v4_score, v2_score;
};

static void read_advisories(customs_vulndb *db, const char *id, struct facts *f)
{
	sqlite3_stmt *st = db->stmts[DBQ_ADVISORIES];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *src = (const char *)sqlite3_column_text(st, 0);
		const char *title = (const char *)sqlite3_column_text(st, 1);
		const char *desc = (const char *)sqlite3_column_text(st, 2);
		const char *sev = (const char *)sqlite3_column_text(st, 3);
		const char *v3 = (const char *)sqlite3_column_text(st, 4);
		bool nvd = src && strcmp(src, SRC_NVD) == 0;
		customs_severity s = CUSTOMS_SEVERITY_UNKNOWN;
		if (sev)
			customs_severity_parse(&s, sev);
		if (!f->title && title)
			f->title = strdup(title);
		if (!f->title && desc) {
			/* No summary: the first line of the description, shortened. */
			size_t n = strcspn(desc, "\n");
			f->title = strndup(desc, n > 160 ? 160 : n);
		}
		if (nvd) {
			if (v3 && !f->nvd_vector) {
				f->nvd_vector = strdup(v3);
				f->nvd_score = sqlite3_column_double(st, 5);
			}
			if (s && !f->nvd_sev)
				f->nvd_sev = s;
			if (!f->v4_vector && sqlite3_column_text(st, 6)) {
				f->v4_vector = dup_col(st, 6);
				f->v4_score = sqlite3_column_double(st, 7);
			}
			if (!f->v2_vector && sqlite3_column_text(st, 8)) {
				f->v2_vector = dup_col(st, 8);
				f->v2_score = sqlite3_column_double(st, 9);
			}
		} else {
			if (s && !f->sev) {
				f->sev = s;
				f->sev_source = xstrdup_or_null(src);
			}
			if (v3 && !f->vector) {
				f->vector = strdup(v3);
				f->score = sqlite3_column_double(st, 5);
			}
		}
	}
	sqlite3_reset(st);
}

static void facts_free(struct facts *f)
{
	free(f->sev_source);
	free(f->vector);
	free(f->title);
	free(f->nvd_vector);
	free(f->v4_vector);
	free(f->v2_vector);
}

static customs_finding *new_finding(struct customs_findings *out)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 64;
		customs_finding *p = realloc(out->items, cap * sizeof(*p));
		if (!p)
			return NULL;
		out->items = p;
		out->cap = cap;
	}
	customs_finding *f = &out->items[out->n];
	memset(f, 0, sizeof(*f));
	f->cvss_score = f->epss_score = f->epss_percentile = -1;
	return f;
}

static void finding_clear(customs_finding *f)
{
	free((char *)f->id);
	for (size_t i = 0; i < f->alias_count; i++)
		free((char *)f->aliases[i]);
	free((void *)f->aliases);
	const char *strs[] = {f->package,
	                      f->installed_version,
	                      f->fixed_version,
	                      f->status_note,
	                      f->severity_source,
	                      f->cvss_vector,
	                      f->kev_date_added,
	                      f->title,
	                      f->data_source,
	                      f->layer,
	                      f->purl,
	                      f->package_type};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free((char *)strs[i]);
}

/* Turns the hits of one group (hits[idx[0..n)], best first) into a finding. */
static int emit(struct pkg_ctx *c, struct hit **g, size_t n)
{
	struct hit *h = g[0];
	struct strv ids = {0}, cves = {0};
	struct facts fa = {.score = -1, .nvd_score = -1};
	int rc = CUSTOMS_OK;
	customs_finding *f = NULL;
	const char *fixed = NULL, *note = NULL, *row_sev = NULL, *row_sev_src = NULL;
	customs_vuln_status status = h->status;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; !rc && k < g[i]->ids.n; k++)
			rc = strv_add(&ids, g[i]->ids.v[k]);
		for (size_t k = 0; !rc && k < g[i]->cves.n; k++)
			rc = strv_add(&cves, g[i]->cves.v[k]);
		if (!fixed && g[i]->fixed) {
			fixed = g[i]->fixed;
			status = CUSTOMS_STATUS_FIXED;
		}
		if (!note && g[i]->note)
			note = g[i]->note;
		if (!row_sev && g[i]->severity) {
			row_sev = g[i]->severity;
			row_sev_src = g[i]->source;
		}
	}
	if (rc)
		goto out;
	if (!fixed && status == CUSTOMS_STATUS_FIXED)
		status = CUSTOMS_STATUS_AFFECTED;
	if (c->opts->ignore_unfixed && !fixed)
		goto out;
	const char *primary = cves.n == 1 ? cves.v[0] : h->advisory;
	for (size_t i = 0; i < ids.n; i++)
		read_advisories(c->db, ids.v[i], &fa);
	customs_severity sev = CUSTOMS_SEVERITY_UNKNOWN;
	const char *sev_src = NULL;
	if (row_sev && customs_severity_parse(&sev, row_sev) == 0 && sev)
		sev_src = row_sev_src;
	else if (fa.sev) {
		sev = fa.sev;
		sev_src = fa.sev_source;
	} else if (fa.nvd_sev) {
		sev = fa.nvd_sev;
		sev_src = SRC_NVD;
	} else if (fa.vector && fa.score >= 0) {
		sev = cvss_score_severity(fa.score);
		sev_src = h->source;
	}
	if (sev < c->opts->min_severity)
		goto out;
	if (!(f = new_finding(c->out))) {
		rc = CUSTOMS_ENOMEM;
		goto out;
	}
	c->out->n++;
	f->id = strdup(primary);
	f->aliases = calloc(ids.n ? ids.n : 1, sizeof(char *));
	if (!f->id || !f->aliases) {
		rc = CUSTOMS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < ids.n; i++) {
		if (strcmp(ids.v[i], primary) == 0)
			continue;
		if (!(((char **)f->aliases)[f->alias_count++] = strdup(ids.v[i]))) {
			rc = CUSTOMS_ENOMEM;
			goto out;
		}
	}
	const customs_package *p = c->p;
	f->status = status;
	f->severity = sev;
	f->package_index = c->index;
	f->package = xstrdup_or_null(p->name);
	f->installed_version = package_full_version(p);
	f->fixed_version = xstrdup_or_null(fixed);
	f->status_note = xstrdup_or_null(note);
	f->severity_source = xstrdup_or_null(sev_src);
	f->title = xstrdup_or_null(fa.title);
	f->data_source = xstrdup_or_null(h->source);
	f->layer = xstrdup_or_null(p->layer);
	f->purl = xstrdup_or_null(p->purl);
	f->package_type = xstrdup_or_null(p->type);
	if (fa.vector) {
		f->cvss_vector = strdup(fa.vector);
		f->cvss_score = fa.score;
	} else if (fa.nvd_vector) {
		f->cvss_vector = strdup(fa.nvd_vector);
		f->cvss_score = fa.nvd_score;
	} else if (fa.v4_vector) {
		f->cvss_vector = strdup(fa.v4_vector);
		f->cvss_score = fa.v4_score;
	} else if (fa.v2_vector) {
		f->cvss_vector = strdup(fa.v2_vector);
		f->cvss_score = fa.v2_score;
	}
	const char *cve = is_cve(primary) ? primary : (cves.n ? cves.v[0] : NULL);
	if (cve) {
		sqlite3_stmt *st = c->db->stmts[DBQ_EPSS];
		sqlite3_bind_text(st, 1, cve, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			f->epss_score = sqlite3_column_double(st, 0);
			f->epss_percentile = sqlite3_column_double(st, 1);
		}
		sqlite3_reset(st);
		st = c->db->stmts[DBQ_KEV];
		sqlite3_bind_text(st, 1, cve, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			f->kev = 1;
			f->kev_date_added = dup_col(st, 0);
		}
		sqlite3_reset(st);
	}
	if (!f->package || !f->installed_version)
		rc = CUSTOMS_ENOMEM;
out:
	strv_free(&ids);
	strv_free(&cves);
	facts_free(&fa);
	return rc;
}

static int cmp_hits(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	c = source_rank(x->source) - source_rank(y->source);
	return c ? c : strcmp(x->advisory, y->advisory);
}

static int match_package(struct pkg_ctx *c, const char *eco, const char *name)
{
	sqlite3_stmt *st = c->db->stmts[DBQ_AFFECTED];
	struct hit *hits = NULL;
	size_t n = 0, cap = 0;
	int rc = CUSTOMS_OK;
	enum version_scheme sch;
	scheme_for(&sch, eco);
	sqlite3_bind_text(st, 1, eco, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		customs_vuln_status row_status = (customs_vuln_status)sqlite3_column_int(st, 2);
		const char *events = (const char *)sqlite3_column_text(st, 3);
		const char *versions = (const char *)sqlite3_column_text(st, 4);
		char *fixed = NULL;
		bool hit = false;
		if (row_status == CUSTOMS_STATUS_NOT_AFFECTED)
			continue;
		if (events)
			hit = eval_events(&fixed, events, c->installed, sch);
		else if (versions)
			hit = in_versions(versions, c->installed, sch);
		if (!hit)
			continue;
		if (n == cap) {
			if (cap >= LIMIT_MATCH_ROWS_PER_PACKAGE) {
				free(fixed);
				break;
			}
			cap = cap ? cap * 2 : 16;
			struct hit *p = realloc(hits, cap * sizeof(*p));
			if (!p) {
				free(fixed);
				rc = CUSTOMS_ENOMEM;
				goto out;
			}
			hits = p;
		}
		struct hit *h = &hits[n++];
		memset(h, 0, sizeof(*h));
		h->fixed = fixed;
		h->advisory = dup_col(st, 0);
		h->source = dup_col(st, 1);
		h->severity = dup_col(st, 5);
		h->note = dup_col(st, 6);
		h->status =
		    row_status == CUSTOMS_STATUS_FIXED ? CUSTOMS_STATUS_AFFECTED : row_status;
		if (!h->advisory || !h->source) {
			rc = CUSTOMS_ENOMEM;
			goto out;
		}
	}
	sqlite3_reset(st);
	for (size_t i = 0; i < n && !rc; i++)
		rc = load_aliases(c->db, &hits[i]);
	if (rc)
		goto out;
	/* An advisory covering several CVEs (a DSA/DLA roll-up) folds into the
	 * per-CVE findings when every one of its CVEs already has one. */
	for (size_t i = 0; i < n; i++) {
		if (hits[i].cves.n < 2)
			continue;
		bool all = true;
		for (size_t k = 0; k < hits[i].cves.n && all; k++) {
			bool found = false;
			for (size_t j = 0; j < n && !found; j++)
				found = j != i && strcmp(hits[j].key, hits[i].cves.v[k]) == 0;
			all = found;
		}
		hits[i].folded = all;
	}
	qsort(hits, n, sizeof(*hits), cmp_hits);
	struct hit **group = n ? calloc(n, sizeof(*group)) : NULL;
	if (n && !group) {
		rc = CUSTOMS_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n && !rc;) {
		size_t j = i, k = 0;
		while (j < n && strcmp(hits[j].key, hits[i].key) == 0) {
			if (!hits[j].folded)
				group[k++] = &hits[j];
			j++;
		}
		if (k)
			rc = emit(c, group, k);
		i = j;
	}
	free(group);
out:
	sqlite3_reset(st);
	for (size_t i = 0; i < n; i++)
		hit_free(&hits[i]);
	free(hits);
	return rc;
}

int customs_match(customs_findings **out, customs_vulndb *db, const customs_inventory *inv,
                  const customs_match_options *opts, customs_error *err)
{
	customs_match_options defaults = CUSTOMS_MATCH_OPTIONS_INIT;
	struct customs_findings *fs = NULL;
	char os_eco[64], *name = NULL, *full = NULL;
	const char *os_type = NULL;
	int rc = CUSTOMS_OK;
	if (!db || !inv)
		return err_set(err, CUSTOMS_EUSAGE, "match: no DB or no inventory");
	if (!opts)
		opts = &defaults;
	for (int q = 0; q < DBQ_COUNT; q++)
		if ((rc = prepare(db, q, err)))
			return rc;
	if (!(fs = calloc(1, sizeof(*fs))))
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	warn_list_init(&fs->warnings);
	/* One read transaction for the whole inventory: otherwise every query
	 * takes and drops the file lock and checks for a hot journal (three
	 * system calls each, 10x the cost of the lookup itself). */
	if (sqlite3_exec(db->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		customs_findings_free(fs);
		return err_set(err, CUSTOMS_EIO, "vulnerability DB: %s", sqlite3_errmsg(db->db));
	}
	const customs_image_info *info = customs_inventory_image(inv);
	bool have_os = os_ecosystem(os_eco, sizeof(os_eco), &os_type, info);
	if (!have_os && info && info->os_family)
		warn_add(&fs->warnings, "OS %s %s: no vulnerability data source for it",
		         info->os_family, info->os_version ? info->os_version : "");
	size_t count = customs_inventory_package_count(inv);
	for (size_t i = 0; i < count && !rc; i++) {
		const customs_package *p = customs_inventory_package(inv, i);
		struct pkg_ctx c = {db, fs, p, i, NULL, opts};
		const char *eco = NULL;
		if (!p->name || !p->version || !p->type)
			continue;
		if (have_os && strcmp(p->type, os_type) == 0) {
			eco = os_eco;
			/* Debian and Alpine publish fixes per source package; the rpm
			 * distros' advisories (RHSA, ALSA, RLSA, SUSE) list binary
			 * packages ("python3-requests", not "python-requests"). */
			bool by_source = strcmp(p->type, "rpm") != 0;
			name = strdup(by_source && p->src_name && *p->src_name ? p->src_name
			                                                       : p->name);
			if (strcmp(p->type, "deb") == 0 && p->src_version && *p->src_version)
				full = strdup(p->src_version);
			else
				full = package_full_version(p);
		} else if (is_language_type(p->type)) {
			eco = p->type;
			char *raw = strcmp(eco, "maven") == 0 ? maven_name(p) : strdup(p->name);
			name = raw ? vulndb_normalize_name(eco, raw) : NULL;
			free(raw);
			full = strdup(p->version);
		} else {
			continue;
		}
		if (!name || !full) {
			rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
			break;
		}
		c.installed = full;
		if ((rc = match_package(&c, eco, name)))
			err_set(err, rc, "matching %s: %s", p->name,
			        rc == CUSTOMS_ENOMEM ? "out of memory" : sqlite3_errmsg(db->db));
		free(name);
		free(full);
		name = full = NULL;
	}
	sqlite3_exec(db->db, "COMMIT", NULL, NULL, NULL);
	if (rc) {
		customs_findings_free(fs);
		return rc;
	}
	*out = fs;
	return CUSTOMS_OK;
}

void customs_findings_free(customs_findings *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		finding_clear(&f->items[i]);
	free(f->items);
	warn_list_free(&f->warnings);
	free(f);
}

size_t customs_findings_count(const customs_findings *f)
{
	return f ? f->n : 0;
}

const customs_finding *customs_findings_get(const customs_findings *f, size_t i)
{
	return f && i < f->n ? &f->items[i] : NULL;
}

size_t customs_findings_warning_count(const customs_findings *f)
{
	return f ? f->warnings.n : 0;
}

const char *customs_findings_warning(const customs_findings *f, size_t i)
{
	return f && i < f->warnings.n ? f->warnings.items[i] : NULL;
}
