/* Helpers shared by the language package parsers: validated record append,
 * per-file deduplication of name@version, and the analyzers' common body. */
#include <stdlib.h>
#include <string.h>

#include "analyze/lang.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/strutil.h"

bool lang_usable(const char *s, size_t n)
{
	if (!s || n == 0 || n > LIMIT_LINE_BYTES)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

int lang_add(customs_package **rec, struct package_list *l, const char *type, const char *name,
             size_t nn, const char *version, size_t vn, const char *path, customs_error *err)
{
	size_t max = l->max ? l->max : LIMIT_PACKAGES_PER_FILE;
	customs_package *p = package_list_add(l);
	if (!p) {
		if (l->n >= max)
			return err_set(err, CUSTOMS_ETOOLARGE, "%s: more than %zu packages", path,
			               max);
		return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", path);
	}
	p->type = strdup(type);
	p->name = xstrndup(name, nn);
	p->version = version ? xstrndup(version, vn) : strdup("");
	p->path = path ? strdup(path) : NULL;
	if (!p->type || !p->name || !p->version || (path && !p->path)) {
		package_list_pop(l);
		return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", path);
	}
	if (rec)
		*rec = p;
	return 0;
}

int lang_add_str(customs_package **rec, struct package_list *l, const char *type, const char *name,
                 const char *version, const char *path, customs_error *err)
{
	return lang_add(rec, l, type, name, strlen(name), version, version ? strlen(version) : 0,
	                path, err);
}

static int cmp_nv(const void *a, const void *b)
{
	const customs_package *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->version, y->version);
}

int lang_finish(struct package_list *l, size_t n0, int rc)
{
	if (rc) {
		while (l->n > n0)
			package_list_pop(l);
		return rc;
	}
	/* Lockfiles list one package at several places of the tree; sorting then
	 * keeping the first of each run is O(n log n) where a search per add
	 * would be quadratic on big lockfiles. */
	size_t n = l->n - n0;
	if (n < 2)
		return 0;
	customs_package *v = l->items + n0;
	qsort(v, n, sizeof(*v), cmp_nv);
	size_t w = 1;
	for (size_t i = 1; i < n; i++) {
		if (cmp_nv(&v[w - 1], &v[i]) == 0) {
			package_clear(&v[i]);
			continue;
		}
		if (w != i) {
			v[w] = v[i];
			memset(&v[i], 0, sizeof(v[i]));
		}
		w++;
	}
	l->n = n0 + w;
	return 0;
}

int lang_run(lang_parse_fn fn, struct file_result *out, const char *path, const uint8_t *data,
             size_t len, struct warn_list *warnings, customs_error *err)
{
	return fn(&out->pkgs, path, data, len, warnings, err);
}

const char *lang_basename(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int lang_json_run(lang_json_fn fn, struct package_list *out, const char *path, const uint8_t *data,
                  size_t len, size_t max, customs_error *err)
{
	json_t *root = NULL;
	size_t n0 = out->n;
	int rc = json_parse(&root, data, len, max, path, err);
	if (rc)
		return rc;
	rc = fn(out, root, path, err);
	json_decref(root);
	return lang_finish(out, n0, rc);
}

int lang_set_license(customs_package *p, const char *s, size_t n, const char *path,
                     customs_error *err)
{
	if (!lang_usable(s, n))
		return 0;
	free((char *)p->license);
	if (!(p->license = xstrndup(s, n)))
		return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", path);
	return 0;
}

bool lang_next_line(const char **p, const char *end, const char **line, size_t *n)
{
	if (*p >= end)
		return false;
	const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));
	const char *e = nl ? nl : end;
	*p = nl ? nl + 1 : end;
	if (e > s && e[-1] == '\r')
		e--;
	*line = s;
	*n = (size_t)(e - s);
	return true;
}
