/* PHP packages: Composer's vendor/composer/installed.json (the 1.x array and
 * the 2.x {"packages": [...]} forms) and composer.lock. */
#include <stdlib.h>
#include <string.h>

#include "analyze/lang.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"
#include "util/strutil.h"

static int add_list(struct package_list *out, const json_t *arr, const char *path,
                    customs_error *err)
{
	size_t i;
	json_t *v;
	int rc = 0;
	json_array_foreach((json_t *)arr, i, v)
	{
		const char *name = json_get_str(v, "name"), *ver = json_get_str(v, "version");
		if (!name || !ver || !lang_usable(name, strlen(name)) ||
		    !lang_usable(ver, strlen(ver)))
			continue;
		customs_package *p = NULL;
		if ((rc = lang_add_str(&p, out, "composer", name, ver, path, err)))
			break;
		json_t *lic = json_object_get(v, "license");
		json_t *l0 = json_is_array(lic) ? json_array_get(lic, 0) : lic;
		const char *ls = json_is_string(l0) ? json_string_value(l0) : NULL;
		if (ls && (rc = lang_set_license(p, ls, strlen(ls), path, err)))
			break;
	}
	return rc;
}

static int composer_root(struct package_list *out, const json_t *root, const char *path,
                         customs_error *err)
{
	int rc = 0;
	if (json_is_array(root)) {
		rc = add_list(out, root, path, err);
	} else if (json_is_object(root)) {
		json_t *a = json_object_get(root, "packages");
		json_t *dev = json_object_get(root, "packages-dev");
		if (json_is_array(a))
			rc = add_list(out, a, path, err);
		if (!rc && json_is_array(dev))
			rc = add_list(out, dev, path, err);
	} else {
		rc = err_set(err, CUSTOMS_EINVAL, "%s: not a Composer package list", path);
	}
	return rc;
}

int composer_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                   struct warn_list *warnings, customs_error *err)
{
	(void)warnings;
	return lang_json_run(composer_root, out, path, data, len, LIMIT_LOCKFILE_BYTES, err);
}

static int analyze_php(struct file_result *out, const char *path, const uint8_t *data, size_t len,
                       struct warn_list *warnings, customs_error *err)
{
	const char *base = lang_basename(path);
	bool installed = str_has_suffix(path, "vendor/composer/installed.json");
	if (!installed && strcmp(base, "composer.lock") != 0)
		return 0;
	return lang_run(composer_parse, out, path, data, len, warnings, err);
}

static const struct path_rule php_rules[] = {
    {PATH_SUFFIX, "vendor/composer/installed.json"},
    {PATH_SUFFIX, "composer.lock"},
};

const struct analyzer analyzer_php = {
    .name = "php",
    .rules = php_rules,
    .n_rules = sizeof(php_rules) / sizeof(php_rules[0]),
    .max_file_size = LIMIT_LOCKFILE_BYTES,
    .analyze_file = analyze_php,
};
