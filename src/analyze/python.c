/* Python packages: the core metadata of installed distributions
 * (*.dist-info/METADATA, *.egg-info/PKG-INFO, *.egg-info files). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/lang.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"

/* A license field can hold the whole license text; a report wants its
 * name, so longer first lines are dropped. */
#define LICENSE_MAX 256

/* PEP 503: lowercase, runs of '-', '_' and '.' become one '-'. */
static char *pep503(const char *s, size_t n)
{
	char *o = malloc(n + 1);
	size_t w = 0;
	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '-' || c == '_' || c == '.') {
			if (w == 0 || o[w - 1] != '-')
				o[w++] = '-';
			continue;
		}
		o[w++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	o[w] = 0;
	return o;
}

struct field {
	const char *v;
	size_t n;
};

int python_metadata_parse(struct package_list *out, const char *path, const uint8_t *data,
                          size_t len, struct warn_list *warnings, customs_error *err)
{
	const char *p = (const char *)data, *end = p + len;
	struct field name = {0}, version = {0}, lic = {0}, licx = {0};
	size_t n0 = out->n;
	int rc = 0;
	/* Headers end at the first blank line; the description follows. */
	const char *s;
	size_t n;
	while (lang_next_line(&p, end, &s, &n)) {
		if (n == 0)
			break;
		if (s[0] == ' ' || s[0] == '\t')
			continue; /* a continuation line */
		const char *colon = memchr(s, ':', n);
		if (!colon)
			continue;
		size_t kn = (size_t)(colon - s);
		const char *v = colon + 1;
		size_t vn = n - kn - 1;
		mem_trim(&v, &vn);
		struct field *f = NULL;
		if (kn == 4 && strncasecmp(s, "Name", 4) == 0)
			f = &name;
		else if (kn == 7 && strncasecmp(s, "Version", 7) == 0)
			f = &version;
		else if (kn == 7 && strncasecmp(s, "License", 7) == 0)
			f = &lic;
		else if (kn == 18 && strncasecmp(s, "License-Expression", 18) == 0)
			f = &licx;
		if (f && !f->v) {
			f->v = v;
			f->n = vn;
		}
	}
	if (!lang_usable(name.v, name.n)) {
		warn_add(warnings, "%s: no usable Name field: skipped", path);
		return 0;
	}
	if (version.n && !lang_usable(version.v, version.n)) {
		warn_add(warnings, "%s: unusable Version field: skipped", path);
		return 0;
	}
	customs_package *pkg = NULL;
	char *norm = pep503(name.v, name.n);
	if (!norm)
		return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", path);
	rc = lang_add(&pkg, out, "pypi", norm, strlen(norm), version.v, version.n, path, err);
	free(norm);
	struct field *l = licx.n ? &licx : &lic;
	if (!rc && l->n <= LICENSE_MAX && !(l->n == 7 && memcmp(l->v, "UNKNOWN", 7) == 0))
		rc = lang_set_license(pkg, l->v, l->n, path, err);
	return lang_finish(out, n0, rc);
}

/* The folder holding path ends with suffix, in any case ("DIST-INFO"). */
static bool parent_is(const char *path, const char *suffix)
{
	const char *slash = strrchr(path, '/');
	size_t n = strlen(suffix);
	if (!slash || (size_t)(slash - path) < n)
		return false;
	return strncasecmp(slash - n, suffix, n) == 0;
}

static int analyze_python(struct file_result *out, const char *path, const uint8_t *data,
                          size_t len, struct warn_list *warnings, customs_error *err)
{
	const char *base = lang_basename(path);
	bool ok = (strcmp(base, "METADATA") == 0 && parent_is(path, "dist-info")) ||
	          (strcmp(base, "PKG-INFO") == 0 && parent_is(path, "egg-info")) ||
	          str_has_suffix(base, ".egg-info");
	if (!ok)
		return 0;
	return lang_run(python_metadata_parse, out, path, data, len, warnings, err);
}

static const struct path_rule python_rules[] = {
    {PATH_SUFFIX, "/METADATA"},
    {PATH_SUFFIX, "/PKG-INFO"},
    {PATH_SUFFIX, ".egg-info"},
};

const struct analyzer analyzer_python = {
    .name = "python",
    .rules = python_rules,
    .n_rules = sizeof(python_rules) / sizeof(python_rules[0]),
    /* METADATA carries the long description (README) too: a few hundred
     * KiB at most in real packages. */
    .max_file_size = LIMIT_PKG_MANIFEST_BYTES,
    .analyze_file = analyze_python,
};
