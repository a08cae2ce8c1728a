/* Drops language packages whose files an OS package manager installed: an
 * open-addressing hash set of the owned paths, borrowed from the merged fs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/ownership.h"
#include "util/error.h"

struct path_set {
	const char **slots; /* borrowed; NULL = empty */
	size_t mask;
};

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
	return h;
}

static void set_put(struct path_set *s, const char *p)
{
	size_t i = (size_t)hash(p, strlen(p)) & s->mask;
	while (s->slots[i]) {
		if (strcmp(s->slots[i], p) == 0)
			return;
		i = (i + 1) & s->mask;
	}
	s->slots[i] = p;
}

static int set_has(const struct path_set *s, const char *p, size_t n)
{
	size_t i = (size_t)hash(p, n) & s->mask;
	while (s->slots[i]) {
		if (strncmp(s->slots[i], p, n) == 0 && s->slots[i][n] == '\0')
			return 1;
		i = (i + 1) & s->mask;
	}
	return 0;
}

/* Python metadata sits in a folder (NAME-VER.dist-info/METADATA) that dpkg
 * lists along with its files; a package may list only the folder. */
static int owned(const struct path_set *s, const char *path)
{
	size_t n = strlen(path);
	if (set_has(s, path, n))
		return 1;
	const char *slash = strrchr(path, '/');
	if (!slash)
		return 0;
	size_t dn = (size_t)(slash - path);
	static const char *const meta_dirs[] = {".dist-info", ".egg-info"};
	for (size_t k = 0; k < 2; k++) {
		size_t sn = strlen(meta_dirs[k]);
		if (dn > sn && memcmp(path + dn - sn, meta_dirs[k], sn) == 0)
			return set_has(s, path, dn);
	}
	return 0;
}

static int os_type(const char *type)
{
	return type &&
	       (strcmp(type, "deb") == 0 || strcmp(type, "apk") == 0 || strcmp(type, "rpm") == 0);
}

int scan_drop_os_owned(struct customs_inventory *inv, const struct merged_fs *m, size_t *dropped)
{
	size_t total = 0, size = 16, kept = 0;
	for (size_t f = 0; f < m->n_files; f++)
		total += m->files[f].result->n_owned_files;
	if (dropped)
		*dropped = 0;
	if (!total)
		return 0;
	/* Load at most one half keeps probe runs short. */
	while (size < total * 2) {
		if (size > SIZE_MAX / 4)
			return CUSTOMS_ENOMEM;
		size *= 2;
	}
	struct path_set set = {calloc(size, sizeof(*set.slots)), size - 1};
	if (!set.slots)
		return CUSTOMS_ENOMEM;
	for (size_t f = 0; f < m->n_files; f++) {
		const struct file_result *r = m->files[f].result;
		for (size_t i = 0; i < r->n_owned_files; i++)
			set_put(&set, r->owned_files[i]);
	}
	struct package_list *l = &inv->pkgs;
	for (size_t i = 0; i < l->n; i++) {
		customs_package *p = &l->items[i];
		if (!os_type(p->type) && p->path && owned(&set, p->path)) {
			package_clear(p);
			continue;
		}
		if (kept != i)
			l->items[kept] = *p;
		kept++;
	}
	if (dropped)
		*dropped = l->n - kept;
	l->n = kept;
	free(set.slots);
	return 0;
}
