/* Registry authentication inputs: WWW-Authenticate challenges, credentials
 * from the Docker config file and credential helpers, and `registry login`. */
#ifndef REGISTRY_AUTH_H
#define REGISTRY_AUTH_H

#include <stddef.h>

#include "customs/customs.h"

struct auth_param {
	char *name; /* lowercased; "" for a token68 value */
	char *value;
};

struct auth_challenge {
	char *scheme; /* lowercased: "bearer", "basic", ... */
	struct auth_param *params;
	size_t n_params;
};

struct auth_challenges {
	struct auth_challenge *items;
	size_t n;
};

/* Parses one WWW-Authenticate header value s[0..len) (RFC 7235: several
 * challenges, quoted strings with backslash escapes). Fills *out on success. */
int auth_challenges_parse(struct auth_challenges *out, const char *s, size_t len,
                          customs_error *err);
void auth_challenges_clear(struct auth_challenges *c);
/* The first challenge with this (lowercase) scheme, or NULL. */
const struct auth_challenge *auth_challenge_find(const struct auth_challenges *c,
                                                 const char *scheme);
/* The value of a (lowercase) parameter, or NULL. */
const char *auth_challenge_param(const struct auth_challenge *c, const char *name);

/* Credentials for one registry: a user and password, or an identity token
 * (refresh token) from docker login with an OAuth registry. Any may be NULL. */
struct registry_creds {
	char *username;
	char *password;
	char *identity_token;
};

void registry_creds_clear(struct registry_creds *c);

/* The Docker config file: path given, else $DOCKER_CONFIG/config.json, else
 * $HOME/.docker/config.json. Returns a new string or NULL when none can be
 * named (no HOME). */
char *docker_config_path(const char *given);

/* Looks up domain in a Docker config's bytes: auths (base64 "auth",
 * "identitytoken"), then credHelpers / credsStore. On success *out holds what
 * auths gave, and *out_helper (caller frees; may be NULL) names the helper to
 * run when one applies. */
int docker_config_parse_creds(struct registry_creds *out, char **out_helper, const void *data,
                              size_t len, const char *domain, customs_error *err);

/* Full lookup: reads the config file (missing file: no credentials), runs the
 * helper when configured. *out is empty when nothing is known. */
int docker_config_creds(struct registry_creds *out, const char *config_path, const char *domain,
                        customs_error *err);

/* Runs `docker-credential-NAME get` (found on PATH, no shell) with the server
 * URL on stdin and a bounded time and output. "credentials not found" gives
 * empty credentials, not an error. */
int cred_helper_get(struct registry_creds *out, const char *helper, const char *server_url,
                    customs_error *err);

/* The key docker uses for a registry in config.json and with helpers:
 * "https://index.docker.io/v1/" for docker.io, else the domain. Static or
 * borrowed from domain. */
const char *docker_config_server_key(const char *domain);

/* Writes an auths entry (base64 user:password) for domain into the config
 * file, keeping everything else in it. The file is created 0600 and replaced
 * atomically (temporary file in the same folder, fsync, rename). */
int docker_config_login(const char *config_path, const char *domain, const char *username,
                        const char *password, customs_error *err);

/* Base64 of s[0..len) as a new NUL-terminated string, or NULL. */
char *base64_encode(const void *s, size_t len);
/* Decodes standard base64 (padding optional); *out is a new NUL-terminated
 * buffer of *out_len bytes. CUSTOMS_EINVAL on bad input. */
int base64_decode(char **out, size_t *out_len, const char *s, size_t len);

#endif
