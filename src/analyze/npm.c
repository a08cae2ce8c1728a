/* npm packages: node_modules/.../package.json of installed packages, and the
 * lockfiles npm (package-lock.json v1-v3), yarn (v1, berry) and pnpm write. */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "analyze/lang.h"
#include "util/error.h"
#include "util/json.h"
#include "util/json_scan.h"
#include "util/limits.h"
#include "util/strutil.h"

/* The license of a lockfile entry: a string, or the old {"type": ...} form. */
static const char *json_license(const json_t *o)
{
	const json_t *l = json_object_get(o, "license");
	if (json_is_string(l))
		return json_string_value(l);
	if (json_is_object(l))
		return json_get_str(l, "type");
	return NULL;
}

static int add_json(struct package_list *out, const char *name, const json_t *o, const char *path,
                    customs_error *err)
{
	const char *version = json_get_str(o, "version");
	if (!name || !version || !lang_usable(name, strlen(name)) ||
	    !lang_usable(version, strlen(version)))
		return 0;
	customs_package *p = NULL;
	int rc = lang_add_str(&p, out, "npm", name, version, path, err);
	const char *lic = json_license(o);
	if (!rc && lic)
		rc = lang_set_license(p, lic, strlen(lic), path, err);
	return rc;
}

/* npm installs its own dependencies inside its folder; they belong to npm
 * (reported as the npm package itself), not to the application. */
static bool npm_bundled(const char *path)
{
	return strstr(path, "node_modules/npm/node_modules/") != NULL;
}

static bool in_node_modules(const char *path)
{
	return str_has_prefix(path, "node_modules/") || strstr(path, "/node_modules/");
}

/* The string a raw JSON value stands for, or NULL (not a string, or out of
 * memory: *oom). */
static char *want_string(const struct json_want *w, size_t *len, bool *oom)
{
	return w->value ? json_scan_string(w->value, w->value_len, len, oom) : NULL;
}

/* The license of a package.json: a string, or the old {"type": ...} form. */
static char *license_of(const struct json_want *w, size_t *len, bool *oom, const char *path,
                        customs_error *err)
{
	if (!w->value || w->value[0] != '{')
		return want_string(w, len, oom);
	struct json_want type = {.key = "type"};
	bool is_object;
	if (json_scan_top(w->value, w->value_len, &type, 1, &is_object, path, err))
		return NULL;
	return want_string(&type, len, oom);
}

/* Read as npm reads it (JSON.parse: the last of duplicate keys counts), and
 * only the three members we report: no tree of the whole file. */
int npm_package_json_parse(struct package_list *out, const char *path, const uint8_t *data,
                           size_t len, struct warn_list *warnings, customs_error *err)
{
	(void)warnings;
	if (!path || !in_node_modules(path) || npm_bundled(path))
		return 0;
	if (len > LIMIT_PKG_MANIFEST_BYTES)
		return err_set(err, CUSTOMS_ETOOLARGE, "%s: %zu bytes is over the %zu byte limit",
		               path, len, (size_t)LIMIT_PKG_MANIFEST_BYTES);
	struct json_want w[] = {{.key = "name"}, {.key = "version"}, {.key = "license"}};
	bool is_object, oom = false;
	int rc = json_scan_top(data, len, w, 3, &is_object, path, err);
	if (rc || !is_object)
		return rc;
	size_t nn = 0, vn = 0, ln = 0;
	char *name = want_string(&w[0], &nn, &oom), *version = want_string(&w[1], &vn, &oom);
	char *lic = NULL;
	customs_package *p = NULL;
	if (name && version && lang_usable(name, nn) && lang_usable(version, vn)) {
		rc = lang_add(&p, out, "npm", name, nn, version, vn, path, err);
		/* A license that is not JSON inside valid JSON cannot happen: the
		 * text was checked whole. */
		if (!rc && (lic = license_of(&w[2], &ln, &oom, path, err)))
			rc = lang_set_license(p, lic, ln, path, err);
	}
	free(name);
	free(version);
	free(lic);
	if (!rc && oom)
		rc = err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", path);
	return rc;
}

/* lockfileVersion 1: "dependencies" nests the tree; jansson bounds the depth. */
static int lock_v1(struct package_list *out, const json_t *deps, const char *path,
                   customs_error *err)
{
	const char *key;
	json_t *v;
	int rc = 0;
	json_object_foreach((json_t *)deps, key, v)
	{
		if (!json_is_object(v))
			continue;
		const char *ver = json_get_str(v, "version");
		/* Local folders ("file:...") are not registry packages. */
		if (ver && !str_has_prefix(ver, "file:") && !str_has_prefix(ver, "link:"))
			rc = add_json(out, key, v, path, err);
		json_t *sub = json_object_get(v, "dependencies");
		if (!rc && json_is_object(sub))
			rc = lock_v1(out, sub, path, err);
		if (rc)
			break;
	}
	return rc;
}

/* lockfileVersion 2/3: "packages" is keyed by install path. */
static int lock_v2(struct package_list *out, const json_t *pkgs, const char *path,
                   customs_error *err)
{
	const char *key;
	json_t *v;
	int rc = 0;
	json_object_foreach((json_t *)pkgs, key, v)
	{
		const char *nm = strstr(key, "node_modules/");
		const char *last = nm;
		/* Workspace folders and the root project are not installed packages;
		 * links point at an entry listed on its own. */
		if (!nm || !json_is_object(v) || json_is_true(json_object_get(v, "link")))
			continue;
		while ((nm = strstr(last + 1, "node_modules/")))
			last = nm;
		const char *name = json_get_str(v, "name");
		rc = add_json(out, name ? name : last + strlen("node_modules/"), v, path, err);
		if (rc)
			break;
	}
	return rc;
}

static int package_lock(struct package_list *out, const json_t *root, const char *path,
                        customs_error *err)
{
	json_t *pkgs = json_object_get(root, "packages");
	json_t *deps = json_object_get(root, "dependencies");
	if (!json_is_object(root))
		return err_set(err, CUSTOMS_EINVAL, "%s: not a package-lock object", path);
	if (json_is_object(pkgs))
		return lock_v2(out, pkgs, path, err);
	if (json_is_object(deps))
		return lock_v1(out, deps, path, err);
	return 0;
}

int npm_lock_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                   struct warn_list *warnings, customs_error *err)
{
	(void)warnings;
	return lang_json_run(package_lock, out, path, data, len, LIMIT_LOCKFILE_BYTES, err);
}

/* --- yarn.lock --- */

static void unquote(const char **s, size_t *n)
{
	mem_trim(s, n);
	if (*n >= 2 && (*s)[0] == '"' && (*s)[*n - 1] == '"') {
		(*s)++;
		*n -= 2;
	}
}

/* The package name of the first descriptor of an entry header
 * ("@scope/name@^1.0.0, ..." or "name@npm:^1.0.0"); false for descriptors
 * yarn does not fetch from a registry (workspace, patch, link, file). */
static bool yarn_name(const char *s, size_t n, const char **name, size_t *nn)
{
	unquote(&s, &n);
	const char *comma = memchr(s, ',', n);
	if (comma)
		n = (size_t)(comma - s);
	unquote(&s, &n);
	if (n < 2)
		return false;
	const char *at = memchr(s + 1, '@', n - 1);
	if (!at)
		return false;
	const char *range = at + 1;
	size_t rn = n - (size_t)(range - s);
	static const char *const skip[] = {
	    "workspace:", "patch:", "link:", "file:", "portal:", "exec:"};
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (mem_has_prefix(range, rn, skip[i]))
			return false;
	*name = s;
	*nn = (size_t)(at - s);
	return true;
}

int yarn_lock_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                    struct warn_list *warnings, customs_error *err)
{
	(void)warnings;
	const char *p = (const char *)data, *end = p + len;
	const char *name = NULL;
	size_t nn = 0, n0 = out->n;
	int rc = 0;
	const char *s;
	size_t n;
	while (!rc && lang_next_line(&p, end, &s, &n)) {
		if (n == 0 || s[0] == '#')
			continue;
		if (s[0] != ' ') {
			/* An entry header: descriptors then ':'. */
			name = NULL;
			if (s[n - 1] == ':' && !mem_has_prefix(s, n, "__metadata"))
				if (!yarn_name(s, n - 1, &name, &nn))
					name = NULL;
			continue;
		}
		/* v1 writes `version "1.0.0"`, berry `version: 1.0.0`; only the
		 * entry's own version (indented by two) counts, not a dependency's. */
		if (!name || n < 3 || s[1] != ' ' || s[2] == ' ')
			continue;
		mem_trim(&s, &n);
		if (!mem_has_prefix(s, n, "version") || n < 8 || (s[7] != ' ' && s[7] != ':'))
			continue;
		const char *v = s + 7;
		size_t vn = n - 7;
		if (*v == ':') {
			v++;
			vn--;
		}
		unquote(&v, &vn);
		if (lang_usable(name, nn) && lang_usable(v, vn))
			rc = lang_add(NULL, out, "npm", name, nn, v, vn, path, err);
		name = NULL;
	}
	return lang_finish(out, n0, rc);
}

/* --- pnpm-lock.yaml --- */

/* A packages key: "/name@1.0.0(peer@2)" (v6+), "name@1.0.0" (v9),
 * "/name/1.0.0_peer@2" (v5), "name@https://host/x.tgz" or "name@file:dir"
 * (the version is then the entry's "version" field). False when the key
 * names no package. */
static bool pnpm_key(const char *k, size_t n, const char **name, size_t *nn, const char **ver,
                     size_t *vn)
{
	if (n && k[0] == '/') {
		k++;
		n--;
	}
	if (n < 2)
		return false;
	/* v5 separates name and version with '/': look past a scope's one. */
	const char *rest = k;
	if (k[0] == '@') {
		const char *sl = memchr(k, '/', n);
		rest = sl ? sl + 1 : k + n;
	}
	size_t rn = n - (size_t)(rest - k);
	const char *at = memchr(rest, '@', rn);
	const char *sl = memchr(rest, '/', rn);
	if (at == rest || (sl && (!at || sl < at)))
		at = NULL;
	if (at) {
		*nn = (size_t)(at - k);
		*ver = at + 1;
		*vn = n - *nn - 1;
		const char *paren = memchr(*ver, '(', *vn);
		if (paren)
			*vn = (size_t)(paren - *ver);
	} else {
		/* v5: the version is the last path segment, peers after '_'. */
		const char *slash = NULL;
		for (size_t i = n - 1; i > 0 && !slash; i--)
			if (k[i] == '/')
				slash = k + i;
		if (!slash)
			return false;
		*nn = (size_t)(slash - k);
		*ver = slash + 1;
		*vn = n - *nn - 1;
		const char *us = memchr(*ver, '_', *vn);
		if (us)
			*vn = (size_t)(us - *ver);
	}
	*name = k;
	return lang_usable(k, *nn);
}

/* A version read from a key is a registry version when it is not a URL or
 * a protocol ("file:", "link:"). */
static bool pnpm_plain(const char *v, size_t n)
{
	return lang_usable(v, n) && !memchr(v, ':', n) && !memchr(v, '/', n);
}

/* An entry whose key carries no plain version waits for its "version". */
struct pnpm_pending {
	char *name;
	char *version;
	bool want_version;
};

static int pnpm_flush(struct package_list *out, struct pnpm_pending *pd, const char *path,
                      customs_error *err)
{
	int rc = 0;
	if (pd->name)
		rc = lang_add_str(NULL, out, "npm", pd->name, pd->version ? pd->version : "", path,
		                  err);
	free(pd->name);
	free(pd->version);
	memset(pd, 0, sizeof(*pd));
	return rc;
}

static int pnpm_scalar(struct package_list *out, struct pnpm_pending *pd, const char *v, size_t n,
                       const char *path, customs_error *err)
{
	const char *name, *ver;
	size_t nn, vn;
	int rc = pnpm_flush(out, pd, path, err);
	if (rc || !pnpm_key(v, n, &name, &nn, &ver, &vn))
		return rc;
	if (pnpm_plain(ver, vn))
		return lang_add(NULL, out, "npm", name, nn, ver, vn, path, err);
	if (!(pd->name = xstrndup(name, nn)))
		return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", path);
	return 0;
}

/* One open mapping or sequence: in a mapping, scalars alternate key, value. */
struct yaml_level {
	bool is_map, key_next, is_pkgs;
};

int pnpm_lock_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                    struct warn_list *warnings, customs_error *err)
{
	(void)warnings;
	yaml_parser_t parser;
	yaml_event_t ev;
	struct yaml_level st[LIMIT_YAML_DEPTH];
	size_t n0 = out->n, depth = 0;
	int rc = 0;
	bool done = false, top_pkgs = false;
	struct pnpm_pending pd = {0};
	if (len > LIMIT_LOCKFILE_BYTES)
		return err_set(err, CUSTOMS_ETOOLARGE, "%s: %zu bytes is over the limit", path,
		               len);
	if (!yaml_parser_initialize(&parser))
		return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", path);
	yaml_parser_set_input_string(&parser, data, len);
	while (!rc && !done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = err_set(err, CUSTOMS_EINVAL, "%s: invalid YAML at line %zu: %s", path,
			             parser.problem_mark.line + 1,
			             parser.problem ? parser.problem : "?");
			break;
		}
		struct yaml_level *up = depth ? &st[depth - 1] : NULL;
		bool node = ev.type == YAML_SCALAR_EVENT || ev.type == YAML_ALIAS_EVENT ||
		            ev.type == YAML_MAPPING_START_EVENT ||
		            ev.type == YAML_SEQUENCE_START_EVENT;
		bool is_key = node && up && up->is_map && up->key_next;
		if (node && up && up->is_map)
			up->key_next = !up->key_next;
		switch (ev.type) {
		case YAML_DOCUMENT_END_EVENT:
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_SCALAR_EVENT: {
			const char *v = (const char *)ev.data.scalar.value;
			size_t n = ev.data.scalar.length;
			if (is_key && depth == 1)
				top_pkgs = n == 8 && memcmp(v, "packages", 8) == 0;
			else if (is_key && up->is_pkgs)
				rc = pnpm_scalar(out, &pd, v, n, path, err);
			else if (depth >= 2 && st[depth - 2].is_pkgs && pd.name) {
				if (is_key)
					pd.want_version = n == 7 && memcmp(v, "version", 7) == 0;
				else if (pd.want_version && !pd.version && lang_usable(v, n) &&
				         !(pd.version = xstrndup(v, n)))
					rc =
					    err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", path);
			}
			break;
		}
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (depth == LIMIT_YAML_DEPTH) {
				rc = err_set(err, CUSTOMS_ETOOLARGE,
				             "%s: YAML nested deeper than %d", path,
				             LIMIT_YAML_DEPTH);
				break;
			}
			st[depth].is_map = ev.type == YAML_MAPPING_START_EVENT;
			st[depth].key_next = true;
			st[depth].is_pkgs = depth == 1 && !is_key && top_pkgs && st[depth].is_map;
			depth++;
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (depth)
				depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	if (!rc)
		rc = pnpm_flush(out, &pd, path, err);
	free(pd.name);
	free(pd.version);
	yaml_parser_delete(&parser);
	return lang_finish(out, n0, rc);
}

/* --- analyzers --- */

static int analyze_package(struct file_result *out, const char *path, const uint8_t *data,
                           size_t len, struct warn_list *warnings, customs_error *err)
{
	return lang_run(npm_package_json_parse, out, path, data, len, warnings, err);
}

static int analyze_lock(struct file_result *out, const char *path, const uint8_t *data, size_t len,
                        struct warn_list *warnings, customs_error *err)
{
	const char *base = lang_basename(path);
	lang_parse_fn fn = NULL;
	if (strcmp(base, "yarn.lock") == 0)
		fn = yarn_lock_parse;
	else if (strcmp(base, "pnpm-lock.yaml") == 0)
		fn = pnpm_lock_parse;
	else if (strcmp(base, "package-lock.json") == 0 || strcmp(base, "npm-shrinkwrap.json") == 0)
		fn = npm_lock_parse;
	/* npm writes a hidden copy of the lock inside node_modules; the packages
	 * themselves are read from their package.json files. */
	if (!fn || strstr(path, "node_modules/"))
		return 0;
	return lang_run(fn, out, path, data, len, warnings, err);
}

static const struct path_rule package_rules[] = {
    {PATH_SUFFIX, "/package.json"},
};

static const struct path_rule lock_rules[] = {
    {PATH_SUFFIX, "package-lock.json"},
    {PATH_SUFFIX, "npm-shrinkwrap.json"},
    {PATH_SUFFIX, "yarn.lock"},
    {PATH_SUFFIX, "pnpm-lock.yaml"},
};

const struct analyzer analyzer_npm_package = {
    .name = "npm",
    .rules = package_rules,
    .n_rules = sizeof(package_rules) / sizeof(package_rules[0]),
    .max_file_size = LIMIT_PKG_MANIFEST_BYTES,
    .analyze_file = analyze_package,
};

const struct analyzer analyzer_npm_lock = {
    .name = "npm-lock",
    .rules = lock_rules,
    .n_rules = sizeof(lock_rules) / sizeof(lock_rules[0]),
    .max_file_size = LIMIT_LOCKFILE_BYTES,
    .analyze_file = analyze_lock,
};
