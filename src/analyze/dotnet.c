/* .NET packages: the "libraries" of *.deps.json files that dotnet publish
 * writes next to an application ("Name/Version": {"type": ...}). */
#include <stdlib.h>
#include <string.h>

#include "analyze/lang.h"
#include "util/error.h"
#include "util/json.h"
#include "util/limits.h"

static int deps_root(struct package_list *out, const json_t *root, const char *path,
                     customs_error *err)
{
	json_t *libs = json_object_get(root, "libraries");
	const char *key;
	json_t *v;
	int rc = 0;
	if (!json_is_object(libs))
		return err_set(err, CUSTOMS_EINVAL, "%s: no \"libraries\" object", path);
	json_object_foreach(libs, key, v)
	{
		const char *type = json_get_str(v, "type");
		const char *slash = strchr(key, '/');
		/* Packages from NuGet and the application's own projects; reference
		 * assemblies and runtime packs are not packages one can update. */
		if (!type || (strcmp(type, "package") != 0 && strcmp(type, "project") != 0) ||
		    !slash)
			continue;
		size_t nn = (size_t)(slash - key), vn = strlen(slash + 1);
		if (!lang_usable(key, nn) || !lang_usable(slash + 1, vn))
			continue;
		if ((rc = lang_add(NULL, out, "nuget", key, nn, slash + 1, vn, path, err)))
			break;
	}
	return rc;
}

int dotnet_deps_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                      struct warn_list *warnings, customs_error *err)
{
	(void)warnings;
	return lang_json_run(deps_root, out, path, data, len, LIMIT_LOCKFILE_BYTES, err);
}

static int analyze_dotnet(struct file_result *out, const char *path, const uint8_t *data,
                          size_t len, struct warn_list *warnings, customs_error *err)
{
	return lang_run(dotnet_deps_parse, out, path, data, len, warnings, err);
}

static const struct path_rule dotnet_rules[] = {
    {PATH_SUFFIX, ".deps.json"},
};

const struct analyzer analyzer_dotnet = {
    .name = "dotnet",
    .rules = dotnet_rules,
    .n_rules = 1,
    .max_file_size = LIMIT_LOCKFILE_BYTES,
    .analyze_file = analyze_dotnet,
};
