/* The registry HTTP client: one per registry host, shared by the threads of a
 * scan. Speaks the Distribution API over libcurl with token/Basic auth,
 * manual redirects, retries and streamed, verified blobs. */
#ifndef REGISTRY_CLIENT_H
#define REGISTRY_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "customs/customs.h"
#include "registry/auth.h"
#include "source/blob.h"
#include "util/buf.h"

struct registry_client;

/* Creates a client for domain (normalised, e.g. "docker.io",
 * "127.0.0.1:5000") and pings /v2/ to learn the scheme and the auth
 * challenge. opts (may be NULL) gives TLS and credential settings; explicit
 * username/password win over the Docker config. The strings in opts are
 * copied. */
int registry_client_new(struct registry_client **out, const char *domain,
                        const customs_scan_options *opts, customs_error *err);
void registry_client_free(struct registry_client *c);

struct registry_response {
	long status;
	char *content_type;  /* without parameters, or NULL */
	char *docker_digest; /* Docker-Content-Digest, or NULL */
	char *link;          /* Link header (pagination), or NULL */
	struct buf body;
};

void registry_response_clear(struct registry_response *r);

/* GET (or HEAD when head is set) of path ("/v2/...") with auth for scope
 * ("repository:NAME:pull", or NULL for none) and body capped at max bytes.
 * Only 2xx succeed; 404 is CUSTOMS_ENOTFOUND, 401/403 CUSTOMS_EAUTH. */
int registry_get(struct registry_response *out, struct registry_client *c, const char *path,
                 const char *accept, const char *scope, size_t max, int head, customs_error *err);

/* Opens /v2/REPO/blobs/DIGEST as a stream. Reads verify size and sha256 at
 * the end (CUSTOMS_EINTEGRITY naming registry, repository and both digests),
 * and resume with Range after a broken connection. size may be -1.
 * Thread-safe; the blob must be closed before the client is freed. */
int registry_blob_open(struct blob **out, struct registry_client *c, const char *repo,
                       const char *digest, int64_t size, customs_error *err);

/* "https" or "http": what the ping settled on. */
const char *registry_client_scheme(const struct registry_client *c);
const char *registry_client_domain(const struct registry_client *c);

/* Checks that the credentials are accepted (for `registry login`): /v2/ with
 * Basic, or a token for no scope. */
int registry_client_check_login(struct registry_client *c, customs_error *err);

/* Resolves a Link header's rel="next" target against the registry: returns
 * a new path+query ("/v2/_catalog?n=2&last=b") or NULL when none. */
int registry_link_next(char **out, const char *link, size_t len, customs_error *err);

/* Lists the repositories of the registry (repo NULL: /v2/_catalog) or the
 * tags of repo (/v2/REPO/tags/list), following Link rel="next" pages (at most
 * LIMIT_REGISTRY_PAGES) with page_size entries asked per page (0: the
 * registry's default). *out is a new array of new strings the caller frees
 * with registry_list_free. */
int registry_list(char ***out, size_t *n_out, struct registry_client *c, const char *repo,
                  unsigned page_size, customs_error *err);
void registry_list_free(char **v, size_t n);

#endif
