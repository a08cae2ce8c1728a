/* Rust crates: Cargo.lock files ([[package]] tables with name and version),
 * read line by line as Cargo writes them rather than as general TOML. */
#include <stdlib.h>
#include <string.h>

#include "analyze/lang.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"

/* `key = "value"` on one line; false for anything else. */
static bool kv(const char *s, size_t n, const char *key, const char **v, size_t *vn)
{
	size_t kn = strlen(key);
	if (n <= kn || memcmp(s, key, kn) != 0)
		return false;
	s += kn;
	n -= kn;
	mem_trim(&s, &n);
	if (!n || *s != '=')
		return false;
	s++;
	n--;
	mem_trim(&s, &n);
	/* TOML basic, multi-line basic and literal strings on one line. */
	size_t q = n >= 6 && mem_has_prefix(s, n, "\"\"\"") ? 3 : 1;
	if (n < 2 * q || (s[0] != '"' && s[0] != '\'') || s[n - 1] != s[0] ||
	    (q == 3 && memcmp(s + n - 3, "\"\"\"", 3) != 0))
		return false;
	*v = s + q;
	*vn = n - 2 * q;
	return true;
}

struct crate {
	const char *name, *version;
	size_t nn, vn;
	bool open;
};

static int crate_end(struct package_list *out, struct crate *c, const char *path,
                     customs_error *err)
{
	int rc = 0;
	if (c->open && lang_usable(c->name, c->nn) && lang_usable(c->version, c->vn))
		rc = lang_add(NULL, out, "cargo", c->name, c->nn, c->version, c->vn, path, err);
	memset(c, 0, sizeof(*c));
	return rc;
}

int cargo_lock_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                     struct warn_list *warnings, customs_error *err)
{
	(void)warnings;
	const char *p = (const char *)data, *end = p + len;
	struct crate c = {0};
	size_t n0 = out->n;
	int rc = 0;
	const char *s;
	size_t n;
	while (!rc && lang_next_line(&p, end, &s, &n)) {
		mem_trim(&s, &n);
		if (n && s[0] == '[') {
			/* Any table header ends the current package. */
			rc = crate_end(out, &c, path, err);
			c.open = n == 11 && memcmp(s, "[[package]]", 11) == 0;
			continue;
		}
		if (!c.open)
			continue;
		if (!c.name && kv(s, n, "name", &c.name, &c.nn))
			continue;
		if (!c.version)
			kv(s, n, "version", &c.version, &c.vn);
	}
	if (!rc)
		rc = crate_end(out, &c, path, err);
	return lang_finish(out, n0, rc);
}

static int analyze_rust(struct file_result *out, const char *path, const uint8_t *data, size_t len,
                        struct warn_list *warnings, customs_error *err)
{
	if (strcmp(lang_basename(path), "Cargo.lock") != 0)
		return 0;
	return lang_run(cargo_lock_parse, out, path, data, len, warnings, err);
}

static const struct path_rule rust_rules[] = {
    {PATH_SUFFIX, "Cargo.lock"},
};

const struct analyzer analyzer_rust = {
    .name = "rust",
    .rules = rust_rules,
    .n_rules = 1,
    .max_file_size = LIMIT_LOCKFILE_BYTES,
    .analyze_file = analyze_rust,
};
