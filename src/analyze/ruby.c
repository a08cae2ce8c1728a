/* Ruby gems: Gemfile.lock (the specs of its GEM, GIT and PATH sections) and
 * the specifications/NAME-VERSION.gemspec files RubyGems writes on install. */
#include <stdlib.h>
#include <string.h>

#include "analyze/lang.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"

int gemfile_lock_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                       struct warn_list *warnings, customs_error *err)
{
	(void)warnings;
	const char *p = (const char *)data, *end = p + len;
	size_t n0 = out->n;
	bool in_specs = false;
	int rc = 0;
	const char *s;
	size_t n;
	while (!rc && lang_next_line(&p, end, &s, &n)) {
		if (n == 0 || s[0] != ' ') {
			in_specs = false; /* a section header (GEM, PLATFORMS, ...) */
			continue;
		}
		if (n == 8 && memcmp(s, "  specs:", 8) == 0) {
			in_specs = true;
			continue;
		}
		/* A gem is indented by four, its dependencies by six. */
		if (!in_specs || n < 5 || memcmp(s, "    ", 4) != 0 || s[4] == ' ')
			continue;
		s += 4;
		n -= 4;
		const char *open = memchr(s, '(', n);
		if (!open || s[n - 1] != ')' || open == s || open[-1] != ' ')
			continue;
		const char *v = open + 1;
		size_t nn = (size_t)(open - 1 - s), vn = (size_t)(s + n - 1 - v);
		if (lang_usable(s, nn) && lang_usable(v, vn))
			rc = lang_add(NULL, out, "gem", s, nn, v, vn, path, err);
	}
	return lang_finish(out, n0, rc);
}

/* `s.name = "x".freeze` -> x; the quoted string after "= ". */
static bool assigned(const char *s, size_t n, const char *field, const char **v, size_t *vn)
{
	size_t fn = strlen(field);
	mem_trim(&s, &n);
	const char *dot = memchr(s, '.', n);
	if (!dot)
		return false;
	size_t rest = n - (size_t)(dot + 1 - s);
	if (rest <= fn || memcmp(dot + 1, field, fn) != 0)
		return false;
	const char *q = dot + 1 + fn;
	size_t qn = rest - fn;
	mem_trim(&q, &qn);
	if (!qn || *q != '=')
		return false;
	q++;
	qn--;
	mem_trim(&q, &qn);
	if (qn < 2 || (*q != '"' && *q != '\''))
		return false;
	const char *close = memchr(q + 1, *q, qn - 1);
	if (!close)
		return false;
	*v = q + 1;
	*vn = (size_t)(close - q - 1);
	return true;
}

int gemspec_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                  struct warn_list *warnings, customs_error *err)
{
	const char *p = (const char *)data, *end = p + len;
	const char *name = NULL, *ver = NULL, *lic = NULL;
	size_t nn = 0, vn = 0, ln = 0, n0 = out->n;
	int rc = 0;
	const char *s;
	size_t n;
	while (lang_next_line(&p, end, &s, &n)) {
		if (!name)
			assigned(s, n, "name", &name, &nn);
		if (!ver)
			assigned(s, n, "version", &ver, &vn);
		if (!lic && !assigned(s, n, "license", &lic, &ln)) {
			/* `s.licenses = ["MIT".freeze]`: the first one. */
			const char *br = memchr(s, '[', n);
			const char *q = br ? memchr(br, '"', (size_t)(s + n - br)) : NULL;
			const char *qe = q ? memchr(q + 1, '"', (size_t)(s + n - q - 1)) : NULL;
			if (qe && memmem(s, (size_t)(br - s), ".licenses", 9)) {
				lic = q + 1;
				ln = (size_t)(qe - q - 1);
			}
		}
	}
	if (!lang_usable(name, nn) || !lang_usable(ver, vn)) {
		warn_add(warnings, "%s: no gem name or version: skipped", path);
		return 0;
	}
	customs_package *pkg = NULL;
	rc = lang_add(&pkg, out, "gem", name, nn, ver, vn, path, err);
	if (!rc && lic)
		rc = lang_set_license(pkg, lic, ln, path, err);
	return lang_finish(out, n0, rc);
}

static int analyze_ruby(struct file_result *out, const char *path, const uint8_t *data, size_t len,
                        struct warn_list *warnings, customs_error *err)
{
	const char *base = lang_basename(path);
	if (strcmp(base, "Gemfile.lock") == 0)
		return lang_run(gemfile_lock_parse, out, path, data, len, warnings, err);
	/* Only installed gems: RubyGems keeps their specs in specifications/. */
	if (str_has_suffix(base, ".gemspec") && strstr(path, "specifications/"))
		return lang_run(gemspec_parse, out, path, data, len, warnings, err);
	return 0;
}

static const struct path_rule ruby_rules[] = {
    {PATH_SUFFIX, "/Gemfile.lock"},
    {PATH_EXACT, "Gemfile.lock"},
    {PATH_SUFFIX, ".gemspec"},
};

const struct analyzer analyzer_ruby = {
    .name = "ruby",
    .rules = ruby_rules,
    .n_rules = sizeof(ruby_rules) / sizeof(ruby_rules[0]),
    .max_file_size = LIMIT_LOCKFILE_BYTES,
    .analyze_file = analyze_ruby,
};
