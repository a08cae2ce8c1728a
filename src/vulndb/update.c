/* `db update`: downloads the configured feeds with libcurl (conditional
 * requests, timeouts, retries) into a cache folder, then rebuilds the DB. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/curl_lazy.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/sha256.h"
#include "util/strutil.h"
#include "vulndb/update.h"
#include "vulndb/vulndb.h"

/* The publishers' own feed locations. OSV publishes one zip per ecosystem;
 * NVD's API is paginated and rate-limited, so it is left to the config. */
static const char *const default_feeds[] = {
    "https://security-tracker.debian.org/tracker/data/json",
    "https://secdb.alpinelinux.org/v3.18/main.json",
    "https://secdb.alpinelinux.org/v3.18/community.json",
    "https://secdb.alpinelinux.org/v3.19/main.json",
    "https://secdb.alpinelinux.org/v3.19/community.json",
    "https://secdb.alpinelinux.org/v3.20/main.json",
    "https://secdb.alpinelinux.org/v3.20/community.json",
    "https://secdb.alpinelinux.org/v3.21/main.json",
    "https://secdb.alpinelinux.org/v3.21/community.json",
    "https://osv-vulnerabilities.storage.googleapis.com/Debian/all.zip",
    "https://osv-vulnerabilities.storage.googleapis.com/Ubuntu/all.zip",
    "https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip",
    "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip",
    "https://osv-vulnerabilities.storage.googleapis.com/Go/all.zip",
    "https://osv-vulnerabilities.storage.googleapis.com/Maven/all.zip",
    "https://osv-vulnerabilities.storage.googleapis.com/crates.io/all.zip",
    "https://osv-vulnerabilities.storage.googleapis.com/RubyGems/all.zip",
    "https://osv-vulnerabilities.storage.googleapis.com/Packagist/all.zip",
    "https://osv-vulnerabilities.storage.googleapis.com/NuGet/all.zip",
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
    "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz",
};

void vulndb_config_free(struct vulndb_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_feeds; i++)
		free(c->feeds[i]);
	free(c->feeds);
	c->feeds = NULL;
	c->n_feeds = 0;
}

static int add_feed(struct vulndb_config *c, const char *url, size_t len, customs_error *err)
{
	if (c->n_feeds >= LIMIT_FEEDS)
		return err_set(err, CUSTOMS_ETOOLARGE, "more than %d feeds", LIMIT_FEEDS);
	char **p = realloc(c->feeds, (c->n_feeds + 1) * sizeof(*p));
	if (!p)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	c->feeds = p;
	if (!(c->feeds[c->n_feeds] = xstrndup(url, len)))
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	c->n_feeds++;
	return CUSTOMS_OK;
}

int vulndb_config_default_path(char **out)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *p = NULL;
	if (xdg && *xdg == '/') {
		if (asprintf(&p, "%s/customs/feeds.conf", xdg) < 0)
			return CUSTOMS_ENOMEM;
	} else if (home && *home) {
		if (asprintf(&p, "%s/.config/customs/feeds.conf", home) < 0)
			return CUSTOMS_ENOMEM;
	} else
		return CUSTOMS_ENOTFOUND;
	*out = p;
	return CUSTOMS_OK;
}

int vulndb_config_parse(struct vulndb_config *c, const char *data, size_t len, const char *what,
                        customs_error *err)
{
	const char *p = data, *end = data + len;
	size_t lineno = 0;
	int rc = CUSTOMS_OK;
	memset(c, 0, sizeof(*c));
	c->max_age_hours = 24 * 7;
	while (p < end && !rc) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line = p;
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		p = nl ? nl + 1 : end;
		lineno++;
		mem_trim(&line, &ll);
		if (ll == 0 || line[0] == '#')
			continue;
		const char *sp = memchr(line, ' ', ll);
		size_t klen = sp ? (size_t)(sp - line) : ll;
		const char *val = sp ? sp : line + ll;
		size_t vlen = (size_t)(line + ll - val);
		mem_trim(&val, &vlen);
		if (klen == 4 && memcmp(line, "feed", 4) == 0 && vlen > 0 && vlen < 4096) {
			rc = add_feed(c, val, vlen, err);
		} else if (klen == 13 && memcmp(line, "max-age-hours", 13) == 0) {
			uint64_t h;
			if (parse_u64(&h, val, vlen, 24 * 365 * 10))
				rc = err_set(err, CUSTOMS_EINVAL,
				             "%s:%zu: max-age-hours needs a number", what, lineno);
			else
				c->max_age_hours = (unsigned)h;
		} else {
			rc = err_set(err, CUSTOMS_EINVAL,
			             "%s:%zu: expected `feed URL` or `max-age-hours N`", what,
			             lineno);
		}
	}
	if (rc)
		vulndb_config_free(c);
	return rc;
}

int vulndb_config_load(struct vulndb_config *c, const char *path, customs_error *err)
{
	char *data = NULL, *def = NULL;
	size_t len = 0;
	int rc;
	bool explicit = path != NULL;
	if (!path) {
		if (vulndb_config_default_path(&def) == 0)
			path = def;
	}
	rc = path ? vulndb_read_file(&data, &len, path, 1u << 20, err) : CUSTOMS_ENOTFOUND;
	if (rc == CUSTOMS_ENOTFOUND && !explicit) {
		memset(c, 0, sizeof(*c));
		c->max_age_hours = 24 * 7;
		rc = CUSTOMS_OK;
		for (size_t i = 0; i < sizeof(default_feeds) / sizeof(default_feeds[0]) && !rc; i++)
			rc = add_feed(c, default_feeds[i], strlen(default_feeds[i]), err);
		if (rc)
			vulndb_config_free(c);
	} else if (rc == CUSTOMS_OK) {
		rc = vulndb_config_parse(c, data, len, path, err);
	}
	free(data);
	free(def);
	return rc;
}

/* ---- downloads ---- */

/* Plain http only to loopback (tests, local mirrors); anything else needs TLS. */
static bool url_allowed(const char *url)
{
	if (str_has_prefix(url, "https://"))
		return true;
	const char *local[] = {"http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:",
	                       "http://localhost/", "http://[::1]:",     "http://[::1]/"};
	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (str_has_prefix(url, local[i]))
			return true;
	return false;
}

struct dl {
	FILE *f;
	uint64_t bytes;
	char etag[512];
	char last_modified[128];
	bool too_big;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *user)
{
	struct dl *d = user;
	size_t n = size * nmemb;
	if (d->bytes + n > LIMIT_FEED_DOWNLOAD_BYTES) {
		d->too_big = true;
		return 0;
	}
	d->bytes += n;
	return fwrite(ptr, 1, n, d->f) == n ? n : 0;
}

static void header_value(char *dst, size_t cap, const char *v, size_t n)
{
	while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
		n--;
	while (n && *v == ' ') {
		v++;
		n--;
	}
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = 0;
}

static size_t on_header(char *buffer, size_t size, size_t nitems, void *user)
{
	struct dl *d = user;
	size_t n = size * nitems;
	if (n > 5 && strncasecmp(buffer, "etag:", 5) == 0)
		header_value(d->etag, sizeof(d->etag), buffer + 5, n - 5);
	else if (n > 14 && strncasecmp(buffer, "last-modified:", 14) == 0)
		header_value(d->last_modified, sizeof(d->last_modified), buffer + 14, n - 14);
	return n;
}

static int read_meta(const char *meta, char *etag, size_t ecap, char *lm, size_t lcap)
{
	char *data = NULL;
	size_t len = 0;
	etag[0] = lm[0] = 0;
	if (vulndb_read_file(&data, &len, meta, 4096, NULL))
		return CUSTOMS_ENOTFOUND;
	const char *nl = memchr(data, '\n', len);
	size_t l1 = nl ? (size_t)(nl - data) : len;
	header_value(etag, ecap, data, l1);
	if (nl)
		header_value(lm, lcap, nl + 1, len - l1 - 1);
	free(data);
	return CUSTOMS_OK;
}

static int write_meta(const char *meta, const struct dl *d)
{
	char *tmp = NULL;
	int rc = CUSTOMS_EIO;
	if (asprintf(&tmp, "%s.tmp", meta) < 0)
		return CUSTOMS_ENOMEM;
	FILE *f = fopen(tmp, "we");
	if (f) {
		fprintf(f, "%s\n%s\n", d->etag, d->last_modified);
		if (fclose(f) == 0 && rename(tmp, meta) == 0)
			rc = CUSTOMS_OK;
	}
	free(tmp);
	return rc;
}

/* Fetches url into cache (conditionally when cache exists). Sets *changed. */
static int fetch(const char *url, const char *cache, const char *meta,
                 const customs_vulndb_update_options *o, bool *changed, customs_error *err)
{
	char *part = NULL, etag[512], lm[128];
	struct curl_slist *hdrs = NULL;
	CURL *c = NULL;
	int rc = CUSTOMS_OK;
	struct stat sb;
	bool have_cache = stat(cache, &sb) == 0;
	*changed = false;
	if (!url_allowed(url))
		return err_set(err, CUSTOMS_EUSAGE, "feed %s: only https:// (or http to loopback)",
		               url);
	if (asprintf(&part, "%s.part", cache) < 0)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	if (have_cache && read_meta(meta, etag, sizeof(etag), lm, sizeof(lm)) == 0) {
		char *h = NULL;
		if (etag[0] && asprintf(&h, "If-None-Match: %s", etag) >= 0) {
			hdrs = curl_slist_append(hdrs, h);
			free(h);
		}
		h = NULL;
		if (lm[0] && asprintf(&h, "If-Modified-Since: %s", lm) >= 0) {
			hdrs = curl_slist_append(hdrs, h);
			free(h);
		}
	}
	unsigned attempts = o->retries + 1;
	for (unsigned attempt = 0; attempt < attempts; attempt++) {
		struct dl d = {0};
		long status = 0;
		if (attempt)
			sleep(attempt < 4 ? 1u << attempt : 16);
		if (!(d.f = fopen(part, "we"))) {
			rc = err_set(err, CUSTOMS_EIO, "%s: %s", part, strerror(errno));
			goto out;
		}
		if (!(c = curl_easy_init())) {
			fclose(d.f);
			rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
			goto out;
		}
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &d);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, &d);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
		curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT,
		                 (long)(o->timeout_seconds ? o->timeout_seconds : 600));
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_USERAGENT,
		                 "customs/"
		                 "vulndb");
		curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
		if (o->ca_file)
			curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
		CURLcode cr = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_cleanup(c);
		c = NULL;
		int closed = fclose(d.f);
		if (cr == CURLE_OK && status == 304 && have_cache) {
			unlink(part);
			rc = CUSTOMS_OK;
			goto out;
		}
		if (cr == CURLE_OK && status == 200 && closed == 0) {
			if (vulndb_fsync(part) != 0 || rename(part, cache) != 0) {
				rc = err_set(err, CUSTOMS_EIO, "%s: %s", cache, strerror(errno));
				goto out;
			}
			write_meta(meta, &d);
			*changed = true;
			rc = CUSTOMS_OK;
			goto out;
		}
		unlink(part);
		if (d.too_big) {
			rc = err_set(err, CUSTOMS_ETOOLARGE, "feed %s: over %llu bytes", url,
			             (unsigned long long)LIMIT_FEED_DOWNLOAD_BYTES);
			goto out;
		}
		if (cr != CURLE_OK)
			rc = err_set(err, CUSTOMS_ENETWORK, "feed %s: %s", url,
			             curl_easy_strerror(cr));
		else
			rc =
			    err_set(err, CUSTOMS_ENETWORK, "feed %s: HTTP status %ld", url, status);
		/* Client errors other than rate limiting will not go away. */
		if (cr == CURLE_OK && status >= 400 && status < 500 && status != 429)
			goto out;
	}
out:
	curl_slist_free_all(hdrs);
	free(part);
	return rc;
}

struct update_args {
	char **files;
	size_t n;
};

static int fill_cache(struct vulndb_writer *w, void *user, customs_error *err)
{
	struct update_args *a = user;
	for (size_t i = 0; i < a->n; i++) {
		int rc = vulndb_import_path(w, a->files[i], err);
		if (rc)
			return rc;
	}
	return CUSTOMS_OK;
}

int customs_vulndb_update(const char *db_path, const customs_vulndb_update_options *opts,
                          customs_vulndb_import_stats *stats, customs_error *err)
{
	customs_vulndb_update_options defaults = CUSTOMS_VULNDB_UPDATE_OPTIONS_INIT;
	struct vulndb_config cfg = {0};
	struct update_args a = {0};
	char *dir = NULL;
	int rc;
	if (!opts)
		opts = &defaults;
	if (!db_path)
		return err_set(err, CUSTOMS_EUSAGE, "update: no DB path");
	if ((rc = customs_init(err)) || (rc = curl_lazy_load(err)))
		return rc;
	if ((rc = vulndb_config_load(&cfg, opts->config_path, err)))
		return rc;
	if (asprintf(&dir, "%s.feeds", db_path) < 0) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = vulndb_mkdirs(dir, err)) || (mkdir(dir, 0755) != 0 && errno != EEXIST))
		goto out;
	if (!(a.files = calloc(cfg.n_feeds ? cfg.n_feeds : 1, sizeof(char *)))) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < cfg.n_feeds; i++) {
		/* Cache names are the URL's digest: stable, and never a path
		 * taken from the config. */
		char digest[SHA256_DIGEST_STRING_LEN + 1], hex[33], *meta = NULL;
		bool changed = false;
		sha256_digest_of(digest, cfg.feeds[i], strlen(cfg.feeds[i]));
		memcpy(hex, digest + 7, 32);
		hex[32] = 0;
		if (asprintf(&a.files[i], "%s/%s", dir, hex) < 0 ||
		    asprintf(&meta, "%s/%s.meta", dir, hex) < 0) {
			free(meta);
			rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
			goto out;
		}
		a.n++;
		rc = fetch(cfg.feeds[i], a.files[i], meta, opts, &changed, err);
		free(meta);
		if (rc)
			goto out;
		if (opts->warn && !changed) {
			char *m = NULL;
			if (asprintf(&m, "feed %s: not modified, using the cached copy",
			             cfg.feeds[i]) >= 0)
				opts->warn(opts->warn_user, m);
			free(m);
		}
	}
	/* A fresh DB from every feed: nothing stale from removed feeds survives. */
	rc = vulndb_build(db_path, NULL, fill_cache, &a, opts->warn, opts->warn_user, stats, err);
	if (rc == 0 && stats)
		stats->files = a.n;
out:
	for (size_t i = 0; i < a.n; i++)
		free(a.files[i]);
	free(a.files);
	free(dir);
	vulndb_config_free(&cfg);
	return rc;
}
