/* Registry HTTP client over libcurl's multi interface: every request is
 * driven by hand so that redirects, auth challenges, retries and paused,
 * pull-based blob streaming stay under our control. */
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "customs_config.h"
#include "registry/client.h"
#include "registry/config.h"
#include "registry/reference.h"
#include "util/curl_lazy.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/sha256.h"
#include "util/strutil.h"

#define ACCEPT_ANY "*/*"
/* curl's receive buffer for streamed blobs (its default is 16 KiB). */
#define STREAM_READ_BYTES (64u << 10)
/* A blob reader waits for this much (or the end) before it wakes up. */
#define READ_BATCH (64u << 10)
#define USER_AGENT "customs/" CUSTOMS_VERSION_STRING

enum auth_kind { AUTH_NONE, AUTH_BASIC, AUTH_BEARER };

struct token {
	char *scope;
	char *value;
	long long expires_ms;
};

struct registry_client {
	char *domain, *api_host, *scheme;
	int tls_verify;
	char *ca_file, *cert_file, *key_file;
	long long deadline_ms;
	struct registry_creds creds;
	pthread_mutex_t lock; /* guards everything below */
	enum auth_kind kind;
	char *realm, *service;
	struct token *tokens;
	size_t n_tokens;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* ---- one transfer ---- */

enum body_mode { BODY_BUFFER, BODY_STREAM };

/* Where a streamed body goes: a bounded ring shared between the thread that
 * drives the transfer and the reader of the blob. */
struct sink {
	pthread_mutex_t lock;
	pthread_cond_t data, space;
	unsigned char *ring;
	size_t cap, head, len;
	uint64_t received; /* body bytes put in the ring over all attempts */
	uint64_t skip;     /* after a resume answered 200 instead of 206: bytes to drop */
	size_t want;       /* the waiting reader is woken once this many bytes are in */
	int bad_range;
};

struct xfer {
	CURL *easy;
	CURLM *multi;
	struct curl_slist *headers;
	enum body_mode mode;
	long status;
	int headers_done, done, paused, too_large;
	CURLcode result;
	char errbuf[CURL_ERROR_SIZE];
	/* headers of the final response */
	char *content_type, *docker_digest, *location, *www_auth, *retry_after, *link;
	char *content_range;
	struct buf body;   /* BODY_BUFFER, and error bodies */
	struct sink *sink; /* BODY_STREAM */
	int body_started;
};

static void headers_clear(struct xfer *x)
{
	char **slots[] = {&x->content_type, &x->docker_digest, &x->location,     &x->www_auth,
	                  &x->retry_after,  &x->link,          &x->content_range};
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		free(*slots[i]);
		*slots[i] = NULL;
	}
}

static void xfer_free(struct xfer *x)
{
	if (!x)
		return;
	if (x->multi && x->easy)
		curl_multi_remove_handle(x->multi, x->easy);
	curl_easy_cleanup(x->easy);
	curl_multi_cleanup(x->multi);
	curl_slist_free_all(x->headers);
	headers_clear(x);
	buf_free(&x->body);
	free(x);
}

static int is_2xx(long s)
{
	return s >= 200 && s < 300;
}

static void set_header(char **slot, const char *v, size_t n)
{
	free(*slot);
	*slot = xstrndup(v, n);
}

static size_t on_header(char *p, size_t size, size_t n, void *user)
{
	struct xfer *x = user;
	size_t len = size * n;
	const char *colon;
	if (len > LIMIT_HTTP_HEADER_BYTES)
		return 0;
	if (mem_has_prefix(p, len, "HTTP/")) {
		/* A new response (after 100 Continue): forget the previous headers. */
		headers_clear(x);
		return len;
	}
	if (len <= 2 && (len == 0 || p[0] == '\r' || p[0] == '\n')) {
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->status);
		if (x->status >= 200)
			x->headers_done = 1;
		return len;
	}
	colon = memchr(p, ':', len);
	if (!colon)
		return len;
	size_t nlen = (size_t)(colon - p);
	const char *v = colon + 1;
	size_t vlen = len - nlen - 1;
	mem_trim(&v, &vlen);
	while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n'))
		vlen--;
	static const struct {
		const char *name;
		size_t off;
	} wanted[] = {
	    {"content-type", offsetof(struct xfer, content_type)},
	    {"docker-content-digest", offsetof(struct xfer, docker_digest)},
	    {"location", offsetof(struct xfer, location)},
	    {"www-authenticate", offsetof(struct xfer, www_auth)},
	    {"retry-after", offsetof(struct xfer, retry_after)},
	    {"link", offsetof(struct xfer, link)},
	    {"content-range", offsetof(struct xfer, content_range)},
	};
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		if (strlen(wanted[i].name) == nlen && strncasecmp(p, wanted[i].name, nlen) == 0) {
			char **slot = (char **)((char *)x + wanted[i].off);
			/* Keep the first WWW-Authenticate: registries send one. */
			if (!*slot || i != 3)
				set_header(slot, v, vlen);
		}
	}
	return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
	struct xfer *x = user;
	size_t len = size * n;
	if (!x->headers_done) {
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->status);
		x->headers_done = 1;
	}
	if (!is_2xx(x->status)) {
		/* Error bodies are only quoted; past the cap they are cut. */
		if (x->body.len + len <= LIMIT_HTTP_ERROR_BODY)
			buf_append(&x->body, p, len);
		return len;
	}
	if (x->mode == BODY_BUFFER) {
		if (buf_append(&x->body, p, len)) {
			x->too_large = 1;
			return 0;
		}
		return len;
	}
	struct sink *k = x->sink;
	size_t drop = 0;
	pthread_mutex_lock(&k->lock);
	if (!x->body_started) {
		x->body_started = 1;
		if (x->status == 206) {
			/* The range must start where the previous attempt stopped. */
			char want[48];
			snprintf(want, sizeof(want), "bytes %llu-",
			         (unsigned long long)k->received);
			k->skip = 0;
			if (!x->content_range || !str_has_prefix(x->content_range, want)) {
				k->bad_range = 1;
				pthread_mutex_unlock(&k->lock);
				return 0;
			}
		}
	}
	if (k->skip > 0)
		drop = k->skip < len ? (size_t)k->skip : len;
	if (len - drop > k->cap - k->len) {
		pthread_mutex_unlock(&k->lock);
		x->paused = 1;
		return CURL_WRITEFUNC_PAUSE;
	}
	k->skip -= drop;
	p += drop;
	size_t keep = len - drop;
	size_t tail = (k->head + k->len) % k->cap;
	size_t first = k->cap - tail < keep ? k->cap - tail : keep;
	memcpy(k->ring + tail, p, first);
	memcpy(k->ring, p + first, keep - first);
	k->len += keep;
	k->received += keep;
	/* One wake-up per batch, not per network read: each one is a futex call
	 * and a context switch on both sides. */
	if (k->len >= k->want)
		pthread_cond_signal(&k->data);
	pthread_mutex_unlock(&k->lock);
	return len;
}

/* One round of network work: waits up to wait_ms for activity. */
static void xfer_step(struct xfer *x, int wait_ms)
{
	int running = 0;
	CURLMsg *m;
	int left;
	curl_multi_perform(x->multi, &running);
	while ((m = curl_multi_info_read(x->multi, &left))) {
		if (m->msg == CURLMSG_DONE) {
			x->done = 1;
			x->result = m->data.result;
			if (!x->headers_done)
				curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &x->status);
		}
	}
	if (!x->done && running && !(x->paused && x->mode == BODY_STREAM))
		curl_multi_poll(x->multi, NULL, 0, wait_ms, NULL);
}

static int xfer_start(struct xfer **out, struct registry_client *c, const char *url,
                      const char *method, const char *accept, const char *authz,
                      uint64_t range_from, struct sink *sink, size_t max, customs_error *err)
{
	struct xfer *x = calloc(1, sizeof(*x));
	enum body_mode mode = sink ? BODY_STREAM : BODY_BUFFER;
	struct buf h;
	int rc = CUSTOMS_OK;

	buf_init(&h, LIMIT_TOKEN_RESPONSE_BYTES + 64);
	if (!x)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	x->mode = mode;
	buf_init(&x->body, mode == BODY_BUFFER ? max : LIMIT_HTTP_ERROR_BODY);
	x->sink = sink;
	x->easy = curl_easy_init();
	x->multi = curl_multi_init();
	if (!x->easy || !x->multi)
		goto nomem;
	if (accept) {
		if (buf_printf(&h, "Accept: %s", accept))
			goto nomem;
		struct curl_slist *l = curl_slist_append(x->headers, h.data);
		if (!l)
			goto nomem;
		x->headers = l;
		h.len = 0;
	}
	if (authz) {
		if (buf_printf(&h, "Authorization: %s", authz))
			goto nomem;
		struct curl_slist *l = curl_slist_append(x->headers, h.data);
		OPENSSL_cleanse(h.data, h.len);
		if (!l)
			goto nomem;
		x->headers = l;
		h.len = 0;
	}
	CURL *e = x->easy;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, c->tls_verify ? "https" : "http,https");
	curl_easy_setopt(e, CURLOPT_USERAGENT, USER_AGENT);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
	/* A stalled connection (under 1 byte/s for a minute) is a failure. */
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	if (!c->tls_verify) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (c->ca_file) {
		/* Added to the system CAs, not instead of them. */
		curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_file);
		curl_easy_setopt(e, CURLOPT_CAPATH, "/etc/ssl/certs");
	}
	if (c->cert_file)
		curl_easy_setopt(e, CURLOPT_SSLCERT, c->cert_file);
	if (c->key_file)
		curl_easy_setopt(e, CURLOPT_SSLKEY, c->key_file);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "POST") == 0)
		curl_easy_setopt(e, CURLOPT_POST, 1L);
	if (sink) {
		/* Bigger network reads: fewer callbacks, ring copies and wake-ups. */
		curl_easy_setopt(e, CURLOPT_BUFFERSIZE, (long)STREAM_READ_BYTES);
	}
	if (range_from > 0) {
		char r[48];
		snprintf(r, sizeof(r), "%llu-", (unsigned long long)range_from);
		curl_easy_setopt(e, CURLOPT_RANGE, r);
	}
	if (curl_multi_add_handle(x->multi, e) != CURLM_OK)
		goto nomem;
	*out = x;
	x = NULL;
	goto out;
nomem:
	rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
out:
	buf_free(&h);
	xfer_free(x);
	return rc;
}

/* Runs x until its headers are in (stream) or it is done (buffer, errors). */
static int xfer_wait(struct xfer *x, struct registry_client *c, int until_done, customs_error *err)
{
	while (!x->done && (until_done || !x->headers_done || !is_2xx(x->status))) {
		if (now_ms() > c->deadline_ms)
			return err_set(err, CUSTOMS_ENETWORK, "%s: timed out", c->domain);
		xfer_step(x, 200);
	}
	return CUSTOMS_OK;
}

/* ---- auth ---- */

static const char *token_lookup(struct registry_client *c, const char *scope)
{
	long long now = now_ms();
	for (size_t i = 0; i < c->n_tokens; i++)
		if (strcmp(c->tokens[i].scope, scope) == 0 && c->tokens[i].expires_ms > now + 5000)
			return c->tokens[i].value;
	return NULL;
}

static int token_store(struct registry_client *c, const char *scope, const char *value,
                       long long expires_ms)
{
	for (size_t i = 0; i < c->n_tokens; i++) {
		if (strcmp(c->tokens[i].scope, scope) == 0) {
			char *v = xstrdup_or_null(value);
			if (!v)
				return CUSTOMS_ENOMEM;
			OPENSSL_cleanse(c->tokens[i].value, strlen(c->tokens[i].value));
			free(c->tokens[i].value);
			c->tokens[i].value = v;
			c->tokens[i].expires_ms = expires_ms;
			return CUSTOMS_OK;
		}
	}
	struct token *t = realloc(c->tokens, (c->n_tokens + 1) * sizeof(*t));
	if (!t)
		return CUSTOMS_ENOMEM;
	c->tokens = t;
	t[c->n_tokens].scope = xstrdup_or_null(scope);
	t[c->n_tokens].value = xstrdup_or_null(value);
	t[c->n_tokens].expires_ms = expires_ms;
	if (!t[c->n_tokens].scope || !t[c->n_tokens].value) {
		free(t[c->n_tokens].scope);
		free(t[c->n_tokens].value);
		return CUSTOMS_ENOMEM;
	}
	c->n_tokens++;
	return CUSTOMS_OK;
}

static void quote_body(customs_error *err, const struct buf *b)
{
	if (b->len == 0)
		return;
	char *s = err ? str_sanitize(b->data, b->len > 300 ? 300 : b->len) : NULL;
	if (s && strlen(err->message) + strlen(s) + 4 < sizeof(err->message)) {
		size_t l = strlen(err->message);
		snprintf(err->message + l, sizeof(err->message) - l, " (%s)", s);
	}
	free(s);
}

static int append_query(struct buf *b, CURL *e, const char *name, const char *value, int *first)
{
	char *esc = curl_easy_escape(e, value, 0);
	int rc = esc ? buf_printf(b, "%s%s=%s", *first ? "" : "&", name, esc) : CUSTOMS_ENOMEM;
	curl_free(esc);
	*first = 0;
	return rc;
}

/* "PREFIX VALUE" as a new string, or NULL. */
static char *with_prefix(const char *prefix, const char *value)
{
	size_t a = strlen(prefix), b = strlen(value);
	char *s = malloc(a + b + 1);
	if (s) {
		memcpy(s, prefix, a);
		memcpy(s + a, value, b + 1);
	}
	return s;
}

/* The Basic Authorization value for the client's user and password. */
static char *basic_authz(const struct registry_creds *cr)
{
	struct buf up;
	char *b64 = NULL, *res = NULL;
	buf_init(&up, 16384);
	if (buf_printf(&up, "%s:%s", cr->username, cr->password) == 0)
		b64 = base64_encode(up.data, up.len);
	if (up.data)
		OPENSSL_cleanse(up.data, up.len);
	buf_free(&up);
	if (b64) {
		res = with_prefix("Basic ", b64);
		OPENSSL_cleanse(b64, strlen(b64));
		free(b64);
	}
	return res;
}

/* Asks the token server (the Bearer realm) for a token for scope. */
static int token_fetch(struct registry_client *c, const char *scope, customs_error *err)
{
	struct buf url, form;
	struct xfer *x = NULL;
	json_t *j = NULL;
	char *realm = NULL, *service = NULL, *authz = NULL;
	int first = 1, rc;
	CURL *esc = curl_easy_init();

	buf_init(&url, 8192);
	buf_init(&form, 1u << 20);
	pthread_mutex_lock(&c->lock);
	realm = xstrdup_or_null(c->realm);
	service = xstrdup_or_null(c->service);
	pthread_mutex_unlock(&c->lock);
	if (!esc || !realm) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	if (c->tls_verify && !str_has_prefix(realm, "https://")) {
		rc = err_set(err, CUSTOMS_EAUTH,
		             "%s: token realm %s is not https (use --tls-verify=false to allow it)",
		             c->domain, realm);
		goto out;
	}
	int use_refresh = c->creds.identity_token != NULL;
	if (buf_append_str(&form, ""))
		goto nomem;
	if (service && append_query(&form, esc, "service", service, &first))
		goto nomem;
	if (scope && scope[0] && append_query(&form, esc, "scope", scope, &first))
		goto nomem;
	if (use_refresh) {
		/* OAuth2 refresh-token grant, as docker does with an identity token. */
		if (append_query(&form, esc, "grant_type", "refresh_token", &first) ||
		    append_query(&form, esc, "client_id", "customs", &first) ||
		    append_query(&form, esc, "refresh_token", c->creds.identity_token, &first))
			goto nomem;
		if (buf_append_str(&url, realm))
			goto nomem;
	} else {
		if (buf_printf(&url, "%s%s%s", realm,
		               form.len ? (strchr(realm, '?') ? "&" : "?") : "", form.data))
			goto nomem;
		if (c->creds.username && c->creds.password && !(authz = basic_authz(&c->creds)))
			goto nomem;
	}
	rc = xfer_start(&x, c, url.data, use_refresh ? "POST" : "GET", "application/json", authz, 0,
	                NULL, LIMIT_TOKEN_RESPONSE_BYTES, err);
	if (rc)
		goto out;
	if (use_refresh) {
		curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, form.data);
		curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE, (long)form.len);
	}
	rc = xfer_wait(x, c, 1, err);
	if (rc)
		goto out;
	if (x->result != CURLE_OK && !x->too_large) {
		rc = err_set(err, CUSTOMS_ENETWORK, "%s: token request to %s failed: %s", c->domain,
		             realm, x->errbuf[0] ? x->errbuf : curl_easy_strerror(x->result));
		goto out;
	}
	if (x->too_large) {
		rc = err_set(err, CUSTOMS_ETOOLARGE, "%s: token answer over %u bytes", c->domain,
		             LIMIT_TOKEN_RESPONSE_BYTES);
		goto out;
	}
	if (!is_2xx(x->status)) {
		rc = err_set(err, CUSTOMS_EAUTH, "%s: the token server %s refused %s (HTTP %ld)",
		             c->domain, realm,
		             c->creds.username || use_refresh ? "the credentials"
		                                              : "anonymous access",
		             x->status);
		quote_body(err, &x->body);
		goto out;
	}
	rc = json_parse(&j, x->body.data ? x->body.data : "", x->body.len,
	                LIMIT_TOKEN_RESPONSE_BYTES, "token answer", err);
	if (rc)
		goto out;
	const char *tok = json_get_str(j, "token");
	if (!tok || !tok[0])
		tok = json_get_str(j, "access_token");
	if (!tok || !tok[0]) {
		rc = err_set(err, CUSTOMS_EAUTH, "%s: the token server's answer holds no token",
		             c->domain);
		goto out;
	}
	int64_t expires = 60;
	/* The spec's floor is 60 s; a huge value is capped to an hour. */
	if (json_get_i64(j, "expires_in", &expires) || expires < 60)
		expires = 60;
	if (expires > 3600)
		expires = 3600;
	pthread_mutex_lock(&c->lock);
	rc = token_store(c, scope ? scope : "", tok, now_ms() + expires * 1000);
	pthread_mutex_unlock(&c->lock);
	if (rc)
		goto nomem;
	goto out;
nomem:
	rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
out:
	if (form.data)
		OPENSSL_cleanse(form.data, form.len);
	if (authz)
		OPENSSL_cleanse(authz, strlen(authz));
	free(authz);
	buf_free(&url);
	buf_free(&form);
	json_decref(j);
	xfer_free(x);
	free(realm);
	free(service);
	curl_easy_cleanup(esc);
	return rc;
}

/* The Authorization value to send for scope, fetching a token when the
 * registry wants one. *out is NULL for anonymous. */
static int authz_for(char **out, struct registry_client *c, const char *scope, int fresh,
                     customs_error *err)
{
	enum auth_kind kind;
	const char *sc = scope ? scope : "";
	int rc;
	*out = NULL;
	pthread_mutex_lock(&c->lock);
	kind = c->kind;
	pthread_mutex_unlock(&c->lock);
	if (kind == AUTH_BASIC) {
		if (!c->creds.username || !c->creds.password)
			return CUSTOMS_OK;
		*out = basic_authz(&c->creds);
		return *out ? CUSTOMS_OK : err_set(err, CUSTOMS_ENOMEM, "out of memory");
	}
	if (kind != AUTH_BEARER)
		return CUSTOMS_OK;
	pthread_mutex_lock(&c->lock);
	const char *t = fresh ? NULL : token_lookup(c, sc);
	char *copy = t ? xstrdup_or_null(t) : NULL;
	pthread_mutex_unlock(&c->lock);
	if (!copy) {
		rc = token_fetch(c, sc, err);
		if (rc)
			return rc;
		pthread_mutex_lock(&c->lock);
		t = token_lookup(c, sc);
		copy = t ? xstrdup_or_null(t) : NULL;
		pthread_mutex_unlock(&c->lock);
		if (!copy)
			return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	}
	*out = with_prefix("Bearer ", copy);
	OPENSSL_cleanse(copy, strlen(copy));
	free(copy);
	return *out ? CUSTOMS_OK : err_set(err, CUSTOMS_ENOMEM, "out of memory");
}

/* Learns the scheme from a 401's WWW-Authenticate header. */
static int learn_challenge(struct registry_client *c, const char *hdr, customs_error *err)
{
	struct auth_challenges ch = {0};
	int rc = auth_challenges_parse(&ch, hdr, strlen(hdr), err);
	if (rc)
		return err_prefix(err, "%s: ", c->domain);
	const struct auth_challenge *b = auth_challenge_find(&ch, "bearer");
	pthread_mutex_lock(&c->lock);
	if (b && auth_challenge_param(b, "realm")) {
		char *realm = xstrdup_or_null(auth_challenge_param(b, "realm"));
		char *service = xstrdup_or_null(auth_challenge_param(b, "service"));
		if (!realm || (auth_challenge_param(b, "service") && !service)) {
			free(realm);
			free(service);
			rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		} else {
			free(c->realm);
			free(c->service);
			c->realm = realm;
			c->service = service;
			c->kind = AUTH_BEARER;
		}
	} else if (auth_challenge_find(&ch, "basic")) {
		c->kind = AUTH_BASIC;
	} else {
		rc = err_set(err, CUSTOMS_EUNSUPPORTED,
		             "%s: no Bearer or Basic challenge in the 401", c->domain);
	}
	pthread_mutex_unlock(&c->lock);
	auth_challenges_clear(&ch);
	return rc;
}

/* ---- requests ---- */

/* scheme://host[:port] of a URL, lowercased host, for same-origin checks. */
static char *url_origin(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *res = NULL;
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT))
		goto out;
	struct buf b;
	buf_init(&b, 4096);
	if (buf_printf(&b, "%s://%s:%s", scheme, host, port) == 0)
		res = buf_take(&b);
	buf_free(&b);
	for (char *p = res; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return res;
}

/* Resolves a Location (maybe relative) against the URL it answered. */
static char *url_resolve(const char *base, const char *loc)
{
	CURLU *u = curl_url();
	char *s = NULL, *res = NULL;
	if (u && !curl_url_set(u, CURLUPART_URL, base, 0) &&
	    !curl_url_set(u, CURLUPART_URL, loc, 0) && !curl_url_get(u, CURLUPART_URL, &s, 0))
		res = xstrdup_or_null(s);
	curl_free(s);
	curl_url_cleanup(u);
	return res;
}

static long long retry_delay(const struct xfer *x, int attempt)
{
	long long ms = 500LL << (attempt < 6 ? attempt : 6);
	if (x && x->retry_after) {
		uint64_t s;
		time_t when, now = time(NULL);
		if (parse_u64_str(&s, x->retry_after, UINT32_MAX) == 0)
			when = now + (time_t)s;
		else
			when = curl_getdate(x->retry_after, NULL);
		/* A wait past our bound means giving up now rather than hanging. */
		if (when > now + LIMIT_RETRY_AFTER_SECONDS)
			return -1;
		if (when > now)
			ms = (long long)(when - now) * 1000;
		else if (when >= 0)
			ms = 0;
	}
	return ms;
}

/* Issues a request and follows redirects, auth challenges and retries until a
 * 2xx response's headers are in (*out) or a final error. */
static int request(struct xfer **out, struct registry_client *c, const char *method,
                   const char *url0, const char *accept, const char *scope, struct sink *sink,
                   size_t max, uint64_t range_from, customs_error *err)
{
	char *url = xstrdup_or_null(url0), *origin = url_origin(url0), *authz = NULL;
	struct xfer *x = NULL;
	int hops = 0, attempt = 0, auth_retried = 0, fresh = 0, rc;

	if (!url || !origin) {
		rc = err_set(err, CUSTOMS_EINVAL, "%s: bad URL", c->domain);
		goto out;
	}
	for (;;) {
		char *here = url_origin(url);
		int same = here && strcmp(here, origin) == 0;
		free(here);
		free(authz);
		authz = NULL;
		/* Credentials and tokens go only to the registry itself, never to
		 * the storage a blob is redirected to. */
		if (same && (rc = authz_for(&authz, c, scope, fresh, err)))
			goto out;
		fresh = 0;
		rc = xfer_start(&x, c, url, method, accept, authz, range_from, sink, max, err);
		if (rc)
			goto out;
		rc = xfer_wait(x, c, 0, err);
		if (rc)
			goto out;
		if (x->done && x->result != CURLE_OK && !(x->too_large && is_2xx(x->status)) &&
		    !x->headers_done) {
			if (++attempt < LIMIT_HTTP_ATTEMPTS && x->result != CURLE_SSL_CACERT &&
			    x->result != CURLE_PEER_FAILED_VERIFICATION &&
			    now_ms() + retry_delay(NULL, attempt) < c->deadline_ms) {
				sleep_ms(retry_delay(NULL, attempt));
				xfer_free(x);
				x = NULL;
				continue;
			}
			rc = err_set(err, CUSTOMS_ENETWORK, "%s: %s", c->domain,
			             x->errbuf[0] ? x->errbuf : curl_easy_strerror(x->result));
			goto out;
		}
		if (is_2xx(x->status)) {
			*out = x;
			x = NULL;
			rc = CUSTOMS_OK;
			goto out;
		}
		if (x->status == 401 && same && !auth_retried && x->www_auth) {
			rc = learn_challenge(c, x->www_auth, err);
			if (rc)
				goto out;
			auth_retried = 1;
			fresh = 1;
			xfer_free(x);
			x = NULL;
			continue;
		}
		if ((x->status == 301 || x->status == 302 || x->status == 303 || x->status == 307 ||
		     x->status == 308) &&
		    x->location) {
			char *next = url_resolve(url, x->location);
			if (!next) {
				rc = err_set(err, CUSTOMS_EINVAL, "%s: bad redirect target",
				             c->domain);
				goto out;
			}
			if (++hops > LIMIT_HTTP_REDIRECTS) {
				free(next);
				rc = err_set(err, CUSTOMS_ENETWORK, "%s: more than %d redirects",
				             c->domain, LIMIT_HTTP_REDIRECTS);
				goto out;
			}
			if (c->tls_verify && !str_has_prefix(next, "https://")) {
				free(next);
				rc = err_set(err, CUSTOMS_ENETWORK,
				             "%s: refusing a redirect to plain HTTP "
				             "(--tls-verify=false allows it)",
				             c->domain);
				goto out;
			}
			free(url);
			url = next;
			xfer_free(x);
			x = NULL;
			continue;
		}
		if (x->status == 429 || x->status >= 500) {
			long long d = retry_delay(x, attempt + 1);
			if (++attempt < LIMIT_HTTP_ATTEMPTS && d >= 0 &&
			    now_ms() + d < c->deadline_ms) {
				sleep_ms(d);
				xfer_free(x);
				x = NULL;
				continue;
			}
		}
		/* A final error: let the body arrive for the message. */
		xfer_wait(x, c, 1, NULL);
		rc = x->status == 404                       ? CUSTOMS_ENOTFOUND
		     : x->status == 401 || x->status == 403 ? CUSTOMS_EAUTH
		     : x->status == 416                     ? CUSTOMS_EINVAL
		                                            : CUSTOMS_EIO;
		err_set(err, rc, "%s: %s %s: HTTP %ld%s", c->domain, method, url, x->status,
		        x->status == 401   ? " (authentication required or refused)"
		        : x->status == 403 ? " (access denied)"
		        : x->status == 404 ? " (not found)"
		                           : "");
		quote_body(err, &x->body);
		goto out;
	}
out:
	if (authz)
		OPENSSL_cleanse(authz, strlen(authz));
	free(authz);
	free(url);
	free(origin);
	xfer_free(x);
	return rc;
}

static int make_url(char **out, struct registry_client *c, const char *path)
{
	struct buf b;
	buf_init(&b, LIMIT_PATH_BYTES * 2);
	if (buf_printf(&b, "%s://%s%s", c->scheme, c->api_host, path)) {
		buf_free(&b);
		return CUSTOMS_ENOMEM;
	}
	*out = buf_take(&b);
	return CUSTOMS_OK;
}

void registry_response_clear(struct registry_response *r)
{
	if (!r)
		return;
	free(r->content_type);
	free(r->docker_digest);
	free(r->link);
	buf_free(&r->body);
	memset(r, 0, sizeof(*r));
}

int registry_get(struct registry_response *out, struct registry_client *c, const char *path,
                 const char *accept, const char *scope, size_t max, int head, customs_error *err)
{
	struct xfer *x = NULL;
	char *url = NULL;
	int rc = make_url(&url, c, path);
	if (rc)
		return err_set(err, rc, "out of memory");
	rc = request(&x, c, head ? "HEAD" : "GET", url, accept, scope, NULL, max, 0, err);
	if (rc)
		goto out;
	rc = xfer_wait(x, c, 1, err);
	if (rc)
		goto out;
	if (x->too_large) {
		rc = err_set(err, CUSTOMS_ETOOLARGE, "%s: %s: answer over %zu bytes", c->domain,
		             path, max);
		goto out;
	}
	if (x->result != CURLE_OK) {
		rc = err_set(err, CUSTOMS_ENETWORK, "%s: %s: %s", c->domain, path,
		             x->errbuf[0] ? x->errbuf : curl_easy_strerror(x->result));
		goto out;
	}
	memset(out, 0, sizeof(*out));
	out->status = x->status;
	if (x->content_type) {
		size_t n = strcspn(x->content_type, ";");
		while (n > 0 && (x->content_type[n - 1] == ' ' || x->content_type[n - 1] == '\t'))
			n--;
		out->content_type = xstrndup(x->content_type, n);
	}
	out->docker_digest = x->docker_digest;
	out->link = x->link;
	out->body = x->body;
	x->docker_digest = x->link = NULL;
	buf_init(&x->body, 0);
	if (!out->body.data && buf_append(&out->body, "", 0) == 0)
		out->body.len = 0;
out:
	free(url);
	xfer_free(x);
	return rc;
}

/* ---- the client ---- */

void registry_client_free(struct registry_client *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_tokens; i++) {
		OPENSSL_cleanse(c->tokens[i].value, strlen(c->tokens[i].value));
		free(c->tokens[i].value);
		free(c->tokens[i].scope);
	}
	free(c->tokens);
	registry_creds_clear(&c->creds);
	free(c->domain);
	free(c->api_host);
	free(c->scheme);
	free(c->ca_file);
	free(c->cert_file);
	free(c->key_file);
	free(c->realm);
	free(c->service);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static int ping(struct registry_client *c, customs_error *err)
{
	struct xfer *x = NULL;
	char *url = NULL;
	int rc;
	for (int i = 0; i < 2; i++) {
		free(url);
		url = NULL;
		if (make_url(&url, c, "/v2/"))
			return err_set(err, CUSTOMS_ENOMEM, "out of memory");
		rc = xfer_start(&x, c, url, "GET", NULL, NULL, 0, NULL, LIMIT_HTTP_ERROR_BODY, err);
		if (rc)
			goto out;
		rc = xfer_wait(x, c, 1, err);
		if (rc)
			goto out;
		if (x->result == CURLE_OK || x->headers_done)
			break;
		/* As docker does for an insecure registry: https first, then plain http. */
		if (!c->tls_verify && strcmp(c->scheme, "https") == 0) {
			free(c->scheme);
			c->scheme = xstrdup_or_null("http");
			xfer_free(x);
			x = NULL;
			if (!c->scheme)
				return err_set(err, CUSTOMS_ENOMEM, "out of memory");
			continue;
		}
		break;
	}
	if (x->result != CURLE_OK && !x->headers_done) {
		rc = err_set(err, CUSTOMS_ENETWORK, "%s: cannot reach the registry: %s%s",
		             c->domain, x->errbuf[0] ? x->errbuf : curl_easy_strerror(x->result),
		             x->result == CURLE_SSL_CONNECT_ERROR && c->tls_verify
		                 ? " (if it speaks plain HTTP, --tls-verify=false allows that)"
		                 : "");
		goto out;
	}
	if (x->status == 401 && x->www_auth)
		rc = learn_challenge(c, x->www_auth, err);
	else if (x->status == 401)
		rc = err_set(err, CUSTOMS_EAUTH, "%s: 401 without a WWW-Authenticate challenge",
		             c->domain);
	/* Other answers (404 from a proxy, 200) leave the kind unknown until a 401. */
out:
	free(url);
	xfer_free(x);
	return rc;
}

int registry_client_new(struct registry_client **out, const char *domain,
                        const customs_scan_options *opts, customs_error *err)
{
	int rc = curl_lazy_load(err);
	if (rc)
		return rc;
	struct registry_client *c = calloc(1, sizeof(*c));
	if (!c)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	pthread_mutex_init(&c->lock, NULL);
	c->tls_verify = opts ? opts->tls_verify : 1;
	struct registry_host_config hc;
	rc = registries_config_load(&hc, domain, err);
	if (rc)
		goto fail;
	if (hc.insecure)
		c->tls_verify = 0;
	registry_host_config_clear(&hc);
	c->domain = xstrdup_or_null(domain);
	c->api_host = xstrdup_or_null(registry_api_host(domain));
	c->scheme = xstrdup_or_null("https");
	if (!c->domain || !c->api_host || !c->scheme)
		goto nomem;
	if (opts && ((opts->ca_file && !(c->ca_file = xstrdup_or_null(opts->ca_file))) ||
	             (opts->cert_file && !(c->cert_file = xstrdup_or_null(opts->cert_file))) ||
	             (opts->key_file && !(c->key_file = xstrdup_or_null(opts->key_file)))))
		goto nomem;
	unsigned secs =
	    opts && opts->timeout_seconds ? opts->timeout_seconds : LIMIT_REGISTRY_DEFAULT_SECONDS;
	c->deadline_ms = now_ms() + (long long)secs * 1000;
	if (opts && opts->username) {
		c->creds.username = xstrdup_or_null(opts->username);
		c->creds.password = xstrdup_or_null(opts->password ? opts->password : "");
		if (!c->creds.username || !c->creds.password)
			goto nomem;
	} else {
		rc = docker_config_creds(&c->creds, opts ? opts->auth_file : NULL, domain, err);
		if (rc)
			goto fail;
	}
	rc = ping(c, err);
	if (rc)
		goto fail;
	*out = c;
	return CUSTOMS_OK;
nomem:
	rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
fail:
	registry_client_free(c);
	return rc;
}

const char *registry_client_scheme(const struct registry_client *c)
{
	return c->scheme;
}

const char *registry_client_domain(const struct registry_client *c)
{
	return c->domain;
}

int registry_client_check_login(struct registry_client *c, customs_error *err)
{
	struct registry_response r = {0};
	if (c->kind == AUTH_BEARER) {
		/* Docker's login asks for a token with no scope. */
		return token_fetch(c, NULL, err);
	}
	int rc = registry_get(&r, c, "/v2/", NULL, NULL, LIMIT_HTTP_ERROR_BODY, 0, err);
	registry_response_clear(&r);
	return rc;
}

int registry_link_next(char **out, const char *link, size_t len, customs_error *err)
{
	size_t i = 0;
	*out = NULL;
	while (i < len) {
		const char *lt = memchr(link + i, '<', len - i);
		if (!lt)
			break;
		const char *gt = memchr(lt, '>', len - (size_t)(lt - link));
		if (!gt)
			return err_set(err, CUSTOMS_EINVAL, "malformed Link header");
		size_t end = (size_t)(gt - link) + 1;
		const char *comma = memchr(link + end, ',', len - end);
		size_t pend = comma ? (size_t)(comma - link) : len;
		/* The parameters of this link, up to the next one. */
		const char *params = link + end;
		size_t plen = pend - end;
		int next = 0;
		for (size_t k = 0; k + 3 <= plen; k++) {
			if (strncasecmp(params + k, "rel", 3) == 0) {
				size_t m = k + 3;
				while (m < plen && (params[m] == ' ' || params[m] == '='))
					m++;
				if (m < plen && params[m] == '"')
					m++;
				if (m + 4 <= plen && strncasecmp(params + m, "next", 4) == 0)
					next = 1;
			}
		}
		if (next) {
			const char *u = lt + 1;
			size_t ulen = (size_t)(gt - lt) - 1;
			/* Absolute links: keep only the path and query; the host is ours. */
			if (mem_has_prefix(u, ulen, "http://") ||
			    mem_has_prefix(u, ulen, "https://")) {
				const char *p = memchr(u + 8 - (u[4] == ':'), '/', ulen - 7);
				if (!p)
					return err_set(err, CUSTOMS_EINVAL,
					               "malformed Link target");
				ulen -= (size_t)(p - u);
				u = p;
			}
			if (ulen == 0 || u[0] != '/')
				return err_set(err, CUSTOMS_EINVAL, "Link target is not a path");
			for (size_t k = 0; k < ulen; k++)
				if ((unsigned char)u[k] <= 0x20 || u[k] == 0x7f)
					return err_set(err, CUSTOMS_EINVAL,
					               "Link target has bad characters");
			*out = xstrndup(u, ulen);
			return *out ? CUSTOMS_OK : err_set(err, CUSTOMS_ENOMEM, "out of memory");
		}
		i = comma ? pend + 1 : len;
	}
	return CUSTOMS_OK;
}

/* ---- streamed blobs ---- */

/* A blob's transfer runs on its own thread, which fills a bounded ring while
 * the layer reader decompresses: network and CPU overlap, memory stays at
 * LIMIT_BLOB_BUFFER per open blob. */
struct registry_blob {
	struct blob base;
	struct registry_client *c;
	char *repo, *digest, *url, *scope;
	struct sink sink;
	int sink_ready;
	struct xfer *x; /* driven by the pump thread once it runs */
	struct sha256 *hash;
	uint64_t got; /* bytes handed to the reader */
	pthread_t thread;
	int thread_started;
	int resumes, finished;
	/* under sink.lock */
	int closing, eof, error;
	customs_error perr;
};

/* Space the ring needs before a paused transfer goes on: curl hands over up
 * to STREAM_READ_BYTES at once, a few of them keep the socket busy. */
#define RESUME_SPACE (2 * STREAM_READ_BYTES)

static void rblob_close(struct blob *b)
{
	struct registry_blob *r = (struct registry_blob *)b;
	if (!r)
		return;
	if (r->thread_started) {
		pthread_mutex_lock(&r->sink.lock);
		r->closing = 1;
		pthread_cond_broadcast(&r->sink.space);
		pthread_mutex_unlock(&r->sink.lock);
		pthread_join(r->thread, NULL);
	}
	xfer_free(r->x);
	if (r->sink_ready) {
		pthread_mutex_destroy(&r->sink.lock);
		pthread_cond_destroy(&r->sink.data);
		pthread_cond_destroy(&r->sink.space);
	}
	free(r->sink.ring);
	sha256_free(r->hash);
	free(r->repo);
	free(r->digest);
	free(r->url);
	free(r->scope);
	free(r);
}

static void pump_fail(struct registry_blob *r, int rc, const customs_error *e)
{
	pthread_mutex_lock(&r->sink.lock);
	r->error = rc;
	err_copy(&r->perr, e);
	pthread_cond_broadcast(&r->sink.data);
	pthread_mutex_unlock(&r->sink.lock);
}

/* Asks again from the first byte not yet received. */
static int rblob_resume(struct registry_blob *r, customs_error *err)
{
	uint64_t from;
	pthread_mutex_lock(&r->sink.lock);
	from = r->sink.received;
	/* Applied only if the registry ignores the Range and sends it all. */
	r->sink.skip = from;
	pthread_mutex_unlock(&r->sink.lock);
	xfer_free(r->x);
	r->x = NULL;
	return request(&r->x, r->c, "GET", r->url, ACCEPT_ANY, r->scope, &r->sink, 0, from, err);
}

static void *pump(void *arg)
{
	struct registry_blob *r = arg;
	customs_error e = {0};
	for (;;) {
		struct xfer *x = r->x;
		pthread_mutex_lock(&r->sink.lock);
		if (x->paused) {
			while (!r->closing && r->sink.cap - r->sink.len < RESUME_SPACE)
				pthread_cond_wait(&r->sink.space, &r->sink.lock);
		}
		int closing = r->closing, bad_range = r->sink.bad_range;
		pthread_mutex_unlock(&r->sink.lock);
		if (closing)
			break;
		if (bad_range) {
			pump_fail(r,
			          err_set(&e, CUSTOMS_ENETWORK,
			                  "%s: the resumed download of %s answered the wrong range",
			                  r->c->domain, r->digest),
			          &e);
			break;
		}
		if (x->paused) {
			x->paused = 0;
			curl_easy_pause(x->easy, CURLPAUSE_CONT);
			continue;
		}
		if (!x->done) {
			if (now_ms() > r->c->deadline_ms) {
				pump_fail(r,
				          err_set(&e, CUSTOMS_ENETWORK, "%s: timed out reading %s",
				                  r->c->domain, r->digest),
				          &e);
				break;
			}
			xfer_step(x, 200);
			continue;
		}
		if (x->result == CURLE_OK) {
			pthread_mutex_lock(&r->sink.lock);
			r->eof = 1;
			pthread_cond_broadcast(&r->sink.data);
			pthread_mutex_unlock(&r->sink.lock);
			break;
		}
		if (r->resumes++ >= LIMIT_BLOB_RESUMES || now_ms() > r->c->deadline_ms) {
			pump_fail(r,
			          err_set(&e, CUSTOMS_ENETWORK, "%s: download of %s broke: %s",
			                  r->c->domain, r->digest,
			                  x->errbuf[0] ? x->errbuf : curl_easy_strerror(x->result)),
			          &e);
			break;
		}
		int rc = rblob_resume(r, &e);
		if (rc) {
			pump_fail(r, rc, &e);
			break;
		}
	}
	return NULL;
}

static int rblob_finish(struct registry_blob *r, customs_error *err)
{
	char got[SHA256_DIGEST_STRING_LEN + 1];
	if (r->base.size >= 0 && r->got != (uint64_t)r->base.size)
		return err_set(err, CUSTOMS_EINTEGRITY,
		               "integrity error: registry %s, repository %s, layer %s: %llu bytes "
		               "received, the manifest says %lld",
		               r->c->domain, r->repo, r->digest, (unsigned long long)r->got,
		               (long long)r->base.size);
	sha256_final_digest(r->hash, got);
	if (!digest_equal(got, r->digest))
		return err_set(err, CUSTOMS_EINTEGRITY,
		               "integrity error: registry %s, repository %s, layer %s: the content "
		               "has digest %s",
		               r->c->domain, r->repo, r->digest, got);
	r->finished = 1;
	return CUSTOMS_OK;
}

static ssize_t rblob_read(struct blob *b, void *buf, size_t len, customs_error *err)
{
	struct registry_blob *r = (struct registry_blob *)b;
	struct sink *k = &r->sink;
	size_t n = 0;
	int failed = 0;
	if (r->finished || len == 0)
		return 0;
	pthread_mutex_lock(&k->lock);
	/* Never more than the ring holds, or the pump could wait for space
	 * while we wait for data. */
	k->want = len < READ_BATCH ? len : READ_BATCH;
	while (k->len < k->want && !r->eof && !r->error)
		pthread_cond_wait(&k->data, &k->lock);
	k->want = 1;
	if (k->len > 0) {
		n = k->len < len ? k->len : len;
		size_t first = k->cap - k->head < n ? k->cap - k->head : n;
		memcpy(buf, k->ring + k->head, first);
		memcpy((char *)buf + first, k->ring, n - first);
		k->head = (k->head + n) % k->cap;
		k->len -= n;
		pthread_cond_signal(&k->space);
	} else if (r->error) {
		failed = r->error;
		err_copy(err, &r->perr);
	}
	pthread_mutex_unlock(&k->lock);
	if (failed)
		return failed;
	if (n == 0) {
		int rc = rblob_finish(r, err);
		return rc ? rc : 0;
	}
	sha256_update(r->hash, buf, n);
	r->got += n;
	/* More than the manifest declared: stop now, not at the end of a flood. */
	if (r->base.size >= 0 && r->got > (uint64_t)r->base.size)
		return rblob_finish(r, err);
	return (ssize_t)n;
}

int registry_blob_open(struct blob **out, struct registry_client *c, const char *repo,
                       const char *digest, int64_t size, customs_error *err)
{
	struct registry_blob *r = calloc(1, sizeof(*r));
	struct buf b;
	int rc;
	buf_init(&b, LIMIT_PATH_BYTES * 2);
	if (!r)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	r->base.read = rblob_read;
	r->base.close = rblob_close;
	r->base.size = size;
	r->c = c;
	r->sink.want = 1;
	if (!digest_is_valid_sha256(digest)) {
		rc = err_set(err, CUSTOMS_EINVAL, "%s: bad blob digest", c->domain);
		goto fail;
	}
	r->sink.cap = LIMIT_BLOB_BUFFER;
	r->sink.ring = malloc(r->sink.cap);
	r->repo = xstrdup_or_null(repo);
	r->digest = xstrdup_or_null(digest);
	r->hash = sha256_new();
	if (!r->sink.ring || !r->repo || !r->digest || !r->hash ||
	    buf_printf(&b, "%s://%s/v2/%s/blobs/%s", c->scheme, c->api_host, repo, digest))
		goto nomem;
	pthread_mutex_init(&r->sink.lock, NULL);
	pthread_cond_init(&r->sink.data, NULL);
	pthread_cond_init(&r->sink.space, NULL);
	r->sink_ready = 1;
	r->url = buf_take(&b);
	buf_init(&b, LIMIT_PATH_BYTES);
	if (buf_printf(&b, "repository:%s:pull", repo))
		goto nomem;
	r->scope = buf_take(&b);
	/* rblob_finish checks it: readers need not hash the bytes again. */
	r->base.verified_digest = r->digest;
	/* Redirects, auth and retries happen here, so errors surface at open. */
	rc = request(&r->x, c, "GET", r->url, ACCEPT_ANY, r->scope, &r->sink, 0, 0, err);
	if (rc)
		goto fail;
	if (pthread_create(&r->thread, NULL, pump, r) != 0) {
		rc = err_set(err, CUSTOMS_ENOMEM, "cannot start a download thread");
		goto fail;
	}
	r->thread_started = 1;
	*out = &r->base;
	return CUSTOMS_OK;
nomem:
	rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
fail:
	buf_free(&b);
	rblob_close(&r->base);
	return rc;
}
