/* The analyzer interface's shared pieces: path rule matching (called for
 * every tar entry, so it stays cheap) and file_result cleanup. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/malware.h"
#include "analyze/owned.h"
#include "analyze/secrets.h"

int analyzer_wants(const struct analyzer *a, const char *path)
{
	size_t plen = strlen(path);
	for (size_t i = 0; i < a->n_rules; i++) {
		const struct path_rule *r = &a->rules[i];
		switch (r->kind) {
		case PATH_ALL_FILES:
			return 1;
		case PATH_EXACT:
			if (strcmp(path, r->pattern) == 0)
				return 1;
			break;
		case PATH_SUFFIX: {
			size_t n = strlen(r->pattern);
			if (plen >= n && memcmp(path + plen - n, r->pattern, n) == 0)
				return 1;
			break;
		}
		case PATH_GLOB:
			if (fnmatch(r->pattern, path, FNM_PATHNAME) == 0)
				return 1;
			break;
		}
	}
	return 0;
}

bool file_result_empty(const struct file_result *r)
{
	return !r->pkgs.n && !r->os && !r->n_secrets && !r->mode && !r->n_owned_files &&
	       !r->n_malware && !r->malware_skipped;
}

bool analyzer_reads_every_file(const struct analyzer *a)
{
	for (size_t i = 0; i < a->n_rules; i++)
		if (a->rules[i].kind == PATH_ALL_FILES)
			return true;
	return false;
}

int analyzer_analyze_file(const struct analyzer *a, struct file_result *out, const char *path,
                          const uint8_t *data, size_t len, struct warn_list *warnings,
                          customs_error *err)
{
	return a->analyze_file_ctx
	           ? a->analyze_file_ctx(out, a->ctx, path, data, len, warnings, err)
	           : a->analyze_file(out, path, data, len, warnings, err);
}

void file_result_clear(struct file_result *r)
{
	if (!r)
		return;
	free(r->path);
	package_list_free(&r->pkgs);
	os_info_free(r->os);
	secret_hits_free(r->secrets, r->n_secrets);
	owned_files_free(r->owned_files, r->n_owned_files);
	malware_hits_free(r->malware, r->n_malware);
	memset(r, 0, sizeof(*r));
}
