/* The feed configuration of `customs db update`: a text file of
 * `feed URL` lines and `max-age-hours N`, or the built-in defaults. */
#ifndef VULNDB_UPDATE_H
#define VULNDB_UPDATE_H

#include <stddef.h>

#include "customs/customs.h"

struct vulndb_config {
	char **feeds;
	size_t n_feeds;
	unsigned max_age_hours; /* `db status` warns past this age; default 168 */
};

/* $XDG_CONFIG_HOME/customs/feeds.conf or ~/.config/customs/feeds.conf. */
int vulndb_config_default_path(char **out);
/* Parses a config text; on failure c is empty. */
int vulndb_config_parse(struct vulndb_config *c, const char *data, size_t len, const char *what,
                        customs_error *err);
/* Loads path, or with path NULL the default file when it exists, else the
 * built-in defaults (the publishers' URLs). */
int vulndb_config_load(struct vulndb_config *c, const char *path, customs_error *err);
void vulndb_config_free(struct vulndb_config *c);

#endif
