/* customs' registries.json: mirrors and insecure registries, documented in
 * docs/registries.md. Strict: unknown value types are errors, not guesses. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/config.h"
#include "registry/reference.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/strutil.h"

/* Mirrors per registry: a handful in practice. */
#define MAX_MIRRORS 16

void registry_host_config_clear(struct registry_host_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_mirrors; i++)
		free(c->mirrors[i]);
	free(c->mirrors);
	memset(c, 0, sizeof(*c));
}

char *registries_config_path(void)
{
	const char *env = getenv("CUSTOMS_REGISTRIES_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	struct buf b;
	int rc;
	if (env && env[0])
		return xstrdup_or_null(env);
	buf_init(&b, LIMIT_PATH_BYTES);
	if (xdg && xdg[0])
		rc = buf_printf(&b, "%s/customs/registries.json", xdg);
	else if (home && home[0])
		rc = buf_printf(&b, "%s/.config/customs/registries.json", home);
	else
		rc = CUSTOMS_EINVAL;
	if (rc) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

int registries_config_parse(struct registry_host_config *out, const void *data, size_t len,
                            const char *domain, customs_error *err)
{
	struct registry_host_config c = {0};
	json_t *root = NULL, *entry, *v;
	int rc = json_parse(&root, data, len, LIMIT_DOCKER_CONFIG_BYTES, "registries config", err);
	if (rc)
		return rc;
	json_t *regs = json_object_get(root, "registries");
	if (!json_is_object(root) || (regs && !json_is_object(regs))) {
		rc = err_set(err, CUSTOMS_EINVAL,
		             "registries config: expected {\"registries\": {...}}");
		goto out;
	}
	entry = regs ? json_object_get(regs, domain) : NULL;
	if (!entry)
		goto done;
	if (!json_is_object(entry)) {
		rc = err_set(err, CUSTOMS_EINVAL, "registries config: %s: not an object", domain);
		goto out;
	}
	v = json_object_get(entry, "insecure");
	if (v && !json_is_boolean(v)) {
		rc = err_set(err, CUSTOMS_EINVAL,
		             "registries config: %s: insecure must be true or false", domain);
		goto out;
	}
	c.insecure = json_is_true(v);
	v = json_object_get(entry, "mirrors");
	if (v) {
		size_t i;
		json_t *m;
		if (!json_is_array(v) || json_array_size(v) > MAX_MIRRORS) {
			rc = err_set(
			    err, CUSTOMS_EINVAL,
			    "registries config: %s: mirrors must be a list of at most %d hosts",
			    domain, MAX_MIRRORS);
			goto out;
		}
		c.mirrors = calloc(json_array_size(v) + 1, sizeof(char *));
		if (!c.mirrors) {
			rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
			goto out;
		}
		json_array_foreach(v, i, m)
		{
			const char *s = json_string_value(m);
			if (!s || !registry_domain_valid(s, json_string_length(m))) {
				rc = err_set(
				    err, CUSTOMS_EINVAL,
				    "registries config: %s: mirror %zu is not a host[:port]",
				    domain, i);
				goto out;
			}
			if (!(c.mirrors[c.n_mirrors] = xstrdup_or_null(s))) {
				rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
				goto out;
			}
			c.n_mirrors++;
		}
	}
done:
	*out = c;
	memset(&c, 0, sizeof(c));
out:
	registry_host_config_clear(&c);
	json_decref(root);
	return rc;
}

int registries_config_load(struct registry_host_config *out, const char *domain, customs_error *err)
{
	char *path = registries_config_path();
	struct buf b;
	char chunk[8192];
	size_t n;
	int rc = CUSTOMS_OK;
	FILE *f;

	buf_init(&b, LIMIT_DOCKER_CONFIG_BYTES);
	memset(out, 0, sizeof(*out));
	if (!path)
		return CUSTOMS_OK;
	f = fopen(path, "re");
	if (!f) {
		if (errno != ENOENT)
			rc = err_set(err, CUSTOMS_EIO, "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(&b, chunk, n))
			rc = err_set(err, CUSTOMS_ETOOLARGE, "%s: over %u bytes", path,
			             LIMIT_DOCKER_CONFIG_BYTES);
	if (!rc && ferror(f))
		rc = err_set(err, CUSTOMS_EIO, "cannot read %s", path);
	fclose(f);
	if (!rc && (rc = registries_config_parse(out, b.data ? b.data : "", b.len, domain, err)))
		err_prefix(err, "%s: ", path);
out:
	buf_free(&b);
	free(path);
	return rc;
}
