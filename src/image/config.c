/* Image configs (OCI and Docker): platform, User, Env, rootfs.diff_ids and
 * history, with the whole document kept for later checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/image.h"
#include "image/image_internal.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"

/* Copies an array of strings (each checked by check when given). */
static int str_array(char ***out, size_t *n_out, json_t *arr, const char *what,
                     int (*check)(const char *, const char *, customs_error *), customs_error *err)
{
	size_t n = json_array_size(arr);
	char **v = NULL;
	int rc = CUSTOMS_OK;
	if (n && !(v = calloc(n, sizeof(*v))))
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(arr, i);
		if (!json_is_string(s)) {
			rc = err_set(err, CUSTOMS_EINVAL, "config: %s[%zu] must be a string", what,
			             i);
			goto fail;
		}
		if (check && (rc = check(json_string_value(s), what, err)))
			goto fail;
		if (!(v[i] = strdup(json_string_value(s)))) {
			rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
			goto fail;
		}
	}
	*out = v;
	*n_out = n;
	return CUSTOMS_OK;
fail:
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return rc;
}

static int opt_object(json_t **out, json_t *obj, const char *key, customs_error *err)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return CUSTOMS_OK;
	if (!json_is_object(v))
		return err_set(err, CUSTOMS_EINVAL, "config: field \"%s\" must be an object", key);
	*out = v;
	return CUSTOMS_OK;
}

static int parse_container_config(struct image_config *c, json_t *root, customs_error *err)
{
	json_t *cfg, *env;
	const char *user;
	int rc;
	if ((rc = opt_object(&cfg, root, "config", err)) || !cfg)
		return rc;
	if ((rc = json_opt_str(&user, cfg, "User", "config: config", err)) ||
	    (rc = dup_opt(&c->user, user, err)) ||
	    (rc = json_opt_array(&env, cfg, "Env", LIMIT_CONFIG_LIST_ENTRIES, "config: config",
	                         err)))
		return rc;
	return env ? str_array(&c->env, &c->n_env, env, "config.Env", NULL, err) : CUSTOMS_OK;
}

static int parse_rootfs(struct image_config *c, json_t *root, customs_error *err)
{
	json_t *rootfs, *ids;
	const char *type;
	int rc;
	if ((rc = opt_object(&rootfs, root, "rootfs", err)))
		return rc;
	if (!rootfs)
		return err_set(err, CUSTOMS_EINVAL, "config: field \"rootfs\" is missing");
	if ((rc = json_req_str(&type, rootfs, "type", "config: rootfs", err)))
		return rc;
	if (strcmp(type, "layers") != 0)
		return err_set(err, CUSTOMS_EINVAL, "config: rootfs.type must be \"layers\"");
	if ((rc = json_opt_array(&ids, rootfs, "diff_ids", LIMIT_LAYERS, "config: rootfs", err)))
		return rc;
	if (!ids)
		return err_set(err, CUSTOMS_EINVAL, "config: rootfs.diff_ids must be an array");
	return str_array(&c->diff_ids, &c->n_diff_ids, ids, "rootfs.diff_ids", digest_check, err);
}

static int parse_history(struct image_config *c, json_t *root, customs_error *err)
{
	json_t *h;
	int rc;
	if ((rc = json_opt_array(&h, root, "history", LIMIT_CONFIG_LIST_ENTRIES, "config", err)) ||
	    !h || json_array_size(h) == 0)
		return rc;
	size_t n = json_array_size(h);
	if (!(c->history = calloc(n, sizeof(*c->history))))
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(h, i), *empty;
		const char *by, *comment;
		char what[48];
		snprintf(what, sizeof(what), "config: history[%zu]", i);
		if (!json_is_object(e))
			return err_set(err, CUSTOMS_EINVAL, "%s must be an object", what);
		if ((rc = json_opt_str(&by, e, "created_by", what, err)) ||
		    (rc = json_opt_str(&comment, e, "comment", what, err)))
			return rc;
		empty = json_object_get(e, "empty_layer");
		if (empty && !json_is_null(empty) && !json_is_boolean(empty))
			return err_set(err, CUSTOMS_EINVAL,
			               "%s: field \"empty_layer\" must be a boolean", what);
		c->n_history = i + 1;
		c->history[i].empty_layer = json_is_true(empty);
		if ((rc = dup_opt(&c->history[i].created_by, by, err)) ||
		    (rc = dup_opt(&c->history[i].comment, comment, err)))
			return rc;
	}
	return CUSTOMS_OK;
}

int image_config_parse(struct image_config *out, const void *data, size_t len, customs_error *err)
{
	struct image_config c = {0};
	json_t *root = NULL;
	const char *os, *arch, *variant;
	int rc;

	if ((rc = json_parse(&root, data, len, LIMIT_CONFIG_BYTES, "config", err)))
		return rc;
	if (!json_is_object(root)) {
		rc = err_set(err, CUSTOMS_EINVAL, "config: not a JSON object");
		goto out;
	}
	if ((rc = json_req_str(&os, root, "os", "config", err)) ||
	    (rc = json_req_str(&arch, root, "architecture", "config", err)) ||
	    (rc = json_opt_str(&variant, root, "variant", "config", err)) ||
	    (rc = dup_opt(&c.platform.os, os, err)) ||
	    (rc = dup_opt(&c.platform.architecture, arch, err)) ||
	    (rc = dup_opt(&c.platform.variant, variant && *variant ? variant : NULL, err)) ||
	    (rc = parse_container_config(&c, root, err)) || (rc = parse_rootfs(&c, root, err)) ||
	    (rc = parse_history(&c, root, err)))
		goto out;
	c.raw = root;
	root = NULL;
	*out = c;
	memset(&c, 0, sizeof(c));
out:
	image_config_clear(&c);
	json_decref(root);
	return rc;
}
