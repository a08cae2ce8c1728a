/* Registry image references: the distribution reference grammar
 * (name[:tag][@digest], domain with port, IPv6, localhost) and docker.io rules. */
#ifndef REGISTRY_REFERENCE_H
#define REGISTRY_REFERENCE_H

#include <stddef.h>

#include "customs/customs.h"

struct registry_ref {
	char *domain;   /* normalised: "docker.io", "localhost:5000", "[::1]:5000" */
	char *path;     /* repository path: "library/alpine" */
	char *tag;      /* "latest" when neither tag nor digest was given; else NULL if absent */
	char *digest;   /* "sha256:<hex>" or NULL */
	char *api_host; /* host[:port] spoken to: "registry-1.docker.io" for docker.io */
};

/* Parses s[0..len) (no NUL needed) with docker.io normalisation: "alpine" gives
 * docker.io/library/alpine:latest. Fails with CUSTOMS_EUSAGE and a message
 * saying what is wrong; *out is filled only on success. */
int registry_ref_parse(struct registry_ref *out, const char *s, size_t len, customs_error *err);
void registry_ref_clear(struct registry_ref *r);

/* The normalised reference "domain/path[:tag][@digest]"; the caller frees it.
 * NULL on allocation failure. */
char *registry_ref_string(const struct registry_ref *r);

/* Parses "REGISTRY[/REPO]" as `customs registry ls/login` take it: a host that
 * contains '.' or ':' or is "localhost" (else docker.io), then an optional
 * repository path. *out_path is NULL when no repository was given. Both
 * outputs are the caller's. */
int registry_host_parse(char **out_domain, char **out_path, const char *s, size_t len,
                        customs_error *err);

/* The host to contact for a normalised domain (docker.io -> registry-1.docker.io). */
const char *registry_api_host(const char *domain);

/* True when s[0..len) is a valid domain (host[:port], IPv6 in brackets). */
int registry_domain_valid(const char *s, size_t len);

#endif
