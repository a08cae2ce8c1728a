/* Per-registry settings from customs' own config file: mirrors to pull from
 * first and registries allowed over plain HTTP / unverified TLS. */
#ifndef REGISTRY_CONFIG_H
#define REGISTRY_CONFIG_H

#include <stddef.h>

#include "customs/customs.h"

struct registry_host_config {
	int insecure;   /* plain HTTP and unverified TLS allowed for this host */
	char **mirrors; /* domains tried in order before the registry itself */
	size_t n_mirrors;
};

/* $CUSTOMS_REGISTRIES_CONFIG, else $XDG_CONFIG_HOME/customs/registries.json,
 * else $HOME/.config/customs/registries.json. New string, or NULL. */
char *registries_config_path(void);

/* Finds domain's entry in the file's bytes:
 *   {"registries": {"DOMAIN": {"insecure": true, "mirrors": ["HOST[:PORT]", ...]}}}
 * A missing entry leaves *out empty. Fills *out only on success. */
int registries_config_parse(struct registry_host_config *out, const void *data, size_t len,
                            const char *domain, customs_error *err);

/* Reads the file (a missing file is an empty config) and looks domain up. */
int registries_config_load(struct registry_host_config *out, const char *domain,
                           customs_error *err);

void registry_host_config_clear(struct registry_host_config *c);

#endif
