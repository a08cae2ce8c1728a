/* Repository catalog and tag lists of a registry, page by page through the
 * Link headers, for `customs registry ls` and registry watchers. */
#include <stdlib.h>
#include <string.h>

#include "registry/client.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/strutil.h"

void registry_list_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* Appends the strings of one page's array to *v. */
static int take_page(char ***v, size_t *n, size_t *cap, const json_t *arr, const char *what,
                     customs_error *err)
{
	size_t i;
	json_t *e;
	if (json_is_null(arr) || !arr)
		return CUSTOMS_OK; /* a registry answers "tags": null for a repository with none */
	if (!json_is_array(arr))
		return err_set(err, CUSTOMS_EINVAL, "%s: not a JSON array", what);
	json_array_foreach(arr, i, e)
	{
		if (!json_is_string(e))
			return err_set(err, CUSTOMS_EINVAL, "%s: an entry is not a string", what);
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 64;
			char **nv;
			if (nc > SIZE_MAX / sizeof(char *) ||
			    !(nv = realloc(*v, nc * sizeof(char *))))
				return err_set(err, CUSTOMS_ENOMEM, "out of memory");
			*v = nv;
			*cap = nc;
		}
		char *s = str_sanitize(json_string_value(e), json_string_length(e));
		if (!s)
			return err_set(err, CUSTOMS_ENOMEM, "out of memory");
		(*v)[(*n)++] = s;
	}
	return CUSTOMS_OK;
}

int registry_list(char ***out, size_t *n_out, struct registry_client *c, const char *repo,
                  unsigned page_size, customs_error *err)
{
	struct buf path, scope;
	char **v = NULL, *next = NULL;
	size_t n = 0, cap = 0;
	json_t *j = NULL;
	int rc = CUSTOMS_OK;

	buf_init(&path, LIMIT_PATH_BYTES * 2);
	buf_init(&scope, LIMIT_PATH_BYTES);
	if ((repo ? buf_printf(&path, "/v2/%s/tags/list", repo)
	          : buf_append_str(&path, "/v2/_catalog")) ||
	    (page_size && buf_printf(&path, "?n=%u", page_size)) ||
	    (repo ? buf_printf(&scope, "repository:%s:pull", repo)
	          : buf_append_str(&scope, "registry:catalog:*"))) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	for (unsigned page = 0;; page++) {
		struct registry_response r = {0};
		if (page >= LIMIT_REGISTRY_PAGES) {
			rc = err_set(err, CUSTOMS_ETOOLARGE, "%s: more than %d pages of results",
			             registry_client_domain(c), LIMIT_REGISTRY_PAGES);
			goto out;
		}
		rc = registry_get(&r, c, next ? next : path.data, "application/json", scope.data,
		                  LIMIT_REGISTRY_PAGE_BYTES, 0, err);
		if (rc)
			goto out;
		free(next);
		next = NULL;
		rc = json_parse(&j, r.body.data, r.body.len, LIMIT_REGISTRY_PAGE_BYTES,
		                repo ? "tag list" : "catalog", err);
		if (!rc)
			rc = take_page(&v, &n, &cap,
			               json_object_get(j, repo ? "tags" : "repositories"),
			               repo ? "tag list" : "catalog", err);
		if (!rc && r.link)
			rc = registry_link_next(&next, r.link, strlen(r.link), err);
		registry_response_clear(&r);
		json_decref(j);
		j = NULL;
		if (rc || !next)
			break;
	}
	if (rc)
		goto out;
	*out = v;
	*n_out = n;
	v = NULL;
	n = 0;
out:
	registry_list_free(v, n);
	free(next);
	json_decref(j);
	buf_free(&path);
	buf_free(&scope);
	return rc;
}
