/* OS-owned file lists: the capped path list the dpkg, apk and rpm analyzers
 * fill, and the dpkg .list analyzer (dpkg keeps file lists apart from status). */
#include <stdlib.h>
#include <string.h>

#include "analyze/owned.h"
#include "analyze/pkgdb.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"

int owned_list_add(struct owned_list *l, const char *path, size_t n)
{
	for (;;) {
		if (n && path[0] == '/') {
			path++;
			n--;
		} else if (n >= 2 && path[0] == '.' && path[1] == '/') {
			path += 2;
			n -= 2;
		} else {
			break;
		}
	}
	while (n && path[n - 1] == '/')
		n--;
	if (!n || (n == 1 && path[0] == '.'))
		return 0;
	/* A NUL inside would make the path compare as a shorter, other path. */
	if (memchr(path, 0, n) || n > LIMIT_PATH_BYTES)
		return 0;
	if (l->n == l->cap) {
		if (l->cap >= LIMIT_OWNED_FILES_PER_DB)
			return CUSTOMS_ETOOLARGE;
		size_t nc = l->cap ? l->cap * 2 : 64;
		if (nc > LIMIT_OWNED_FILES_PER_DB)
			nc = LIMIT_OWNED_FILES_PER_DB;
		char **p = reallocarray(l->paths, nc, sizeof(*p));
		if (!p)
			return CUSTOMS_ENOMEM;
		l->paths = p;
		l->cap = nc;
	}
	if (!(l->paths[l->n] = xstrndup(path, n)))
		return CUSTOMS_ENOMEM;
	l->n++;
	return 0;
}

void owned_files_free(char **paths, size_t n)
{
	for (size_t i = 0; paths && i < n; i++)
		free(paths[i]);
	free(paths);
}

void owned_list_clear(struct owned_list *l)
{
	owned_files_free(l->paths, l->n);
	memset(l, 0, sizeof(*l));
}

void owned_list_move(struct file_result *out, struct owned_list *l)
{
	owned_files_free(out->owned_files, out->n_owned_files);
	out->owned_files = l->paths;
	out->n_owned_files = l->n;
	memset(l, 0, sizeof(*l));
}

int dpkg_list_parse(struct owned_list *out, const char *path, const uint8_t *data, size_t len,
                    customs_error *err)
{
	struct pkgdb_reader rd = {(const char *)data, (const char *)data + len, path, 0};
	size_t n0 = out->n;
	const char *line;
	size_t n;
	int rc;
	while ((rc = pkgdb_next_line(&rd, &line, &n, err)) == 1) {
		if ((rc = owned_list_add(out, line, n))) {
			err_set(err, rc, "%s:%zu: cannot keep the file list", path, rd.lineno);
			break;
		}
	}
	while (rc && out->n > n0)
		free(out->paths[--out->n]);
	return rc;
}

static int analyze_dpkg_list(struct file_result *out, const char *path, const uint8_t *data,
                             size_t len, struct warn_list *warnings, customs_error *err)
{
	(void)warnings;
	struct owned_list l = {0};
	int rc = dpkg_list_parse(&l, path, data, len, err);
	if (!rc)
		owned_list_move(out, &l);
	return rc;
}

static const struct path_rule dpkg_list_rules[] = {
    {PATH_GLOB, "var/lib/dpkg/info/*.list"},
};

const struct analyzer analyzer_dpkg_list = {
    .name = "dpkg-list",
    .rules = dpkg_list_rules,
    .n_rules = 1,
    .max_file_size = LIMIT_DPKG_LIST_BYTES,
    .analyze_file = analyze_dpkg_list,
};
