/* The apk installed database (lib/apk/db/installed): "K:value" stanzas
 * separated by blank lines, turned into "apk" packages with their origin. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/owned.h"
#include "analyze/pkgdb.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/strutil.h"

/* The fields of one stanza we use, pointing into the input. The file list
 * (F: folders, R: files) is read apart by apk_installed_files. */
struct apk_stanza {
	const char *v[128];
	size_t n[128];
	bool seen;
	size_t line;
};

static int dup_field(const char **dst, const struct apk_stanza *st, unsigned char key)
{
	if (!st->v[key] || st->n[key] == 0)
		return 0;
	char *p = xstrndup(st->v[key], st->n[key]);
	if (!p)
		return CUSTOMS_ENOMEM;
	*dst = p;
	return 0;
}

static int fill_apk(customs_package *p, const struct apk_stanza *st, const char *path)
{
	int rc = 0;
	rc = rc ? rc : ((p->type = strdup("apk")) ? 0 : CUSTOMS_ENOMEM);
	rc = rc ? rc : dup_field(&p->name, st, 'P');
	rc = rc ? rc : dup_field(&p->version, st, 'V');
	rc = rc ? rc : dup_field(&p->arch, st, 'A');
	/* The origin is the aport the package was built from, which is what the
	 * Alpine secdb names; a package without one is its own origin. */
	rc = rc ? rc : dup_field(&p->src_name, st, st->n['o'] ? 'o' : 'P');
	rc = rc ? rc : dup_field(&p->src_version, st, 'V');
	rc = rc ? rc : dup_field(&p->license, st, 'L');
	rc = rc ? rc : dup_field(&p->maintainer, st, 'm');
	if (!rc && path && !(p->path = strdup(path)))
		rc = CUSTOMS_ENOMEM;
	uint64_t size;
	if (!rc && st->v['I'] && parse_u64(&size, st->v['I'], st->n['I'], INT64_MAX) == 0)
		p->installed_size = (int64_t)size;
	return rc;
}

static int stanza_end(struct package_list *out, const struct apk_stanza *st, const char *path,
                      struct warn_list *warnings, size_t *skipped, customs_error *err)
{
	if (!st->seen)
		return 0;
	bool name_ok = pkgdb_usable(st->v['P'], st->n['P']);
	if (!name_ok || !pkgdb_usable(st->v['V'], st->n['V'])) {
		pkgdb_skip(warnings, skipped, path, st->line, st->v['P'], st->n['P'],
		           name_ok ? "version (V:)" : "name (P:)");
		return 0;
	}
	customs_package *p = NULL;
	int rc = pkgdb_add(&p, out, path, err);
	if (rc)
		return rc;
	rc = fill_apk(p, st, path);
	if (rc) {
		package_list_pop(out);
		return err_set(err, rc, "%s: out of memory", path);
	}
	return 0;
}

/* apk writes one ASCII letter (or digit) then ':'; anything else means
 * this is not an installed database. */
static bool is_apk_line(const char *line, size_t n)
{
	unsigned char key = (unsigned char)line[0];
	return n >= 2 && line[1] == ':' && key < 128 && key > ' ';
}

int apk_installed_parse(struct package_list *out, const char *path, const uint8_t *data, size_t len,
                        struct warn_list *warnings, size_t *skipped, customs_error *err)
{
	struct pkgdb_reader rd = {(const char *)data, (const char *)data + len,
	                          path ? path : "apk installed", 0};
	const char *line;
	size_t n, n0 = out->n, nskip = 0;
	int rc;
	struct apk_stanza *st = calloc(1, sizeof(*st));
	if (!st)
		return err_set(err, CUSTOMS_ENOMEM, "%s: out of memory", rd.where);
	st->line = 1;
	while ((rc = pkgdb_next_line(&rd, &line, &n, err)) == 1) {
		if (n == 0) {
			rc = stanza_end(out, st, rd.where, warnings, &nskip, err);
			if (rc)
				break;
			memset(st, 0, sizeof(*st));
			st->line = rd.lineno + 1;
			continue;
		}
		unsigned char key = (unsigned char)line[0];
		if (!is_apk_line(line, n)) {
			rc = err_set(err, CUSTOMS_EINVAL, "%s:%zu: not a \"K:value\" line",
			             rd.where, rd.lineno);
			break;
		}
		st->seen = true;
		st->v[key] = line + 2;
		st->n[key] = n - 2;
	}
	if (rc == 0)
		rc = stanza_end(out, st, rd.where, warnings, &nskip, err);
	free(st);
	return pkgdb_finish(out, n0, rc, skipped, nskip);
}

void apk_file_list_free(struct apk_file_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].path);
		free(l->items[i].pkg);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

static int file_add(struct apk_file_list *l, const char *dir, size_t dn, const char *name,
                    size_t nn)
{
	if (l->n >= LIMIT_DB_FILES)
		return CUSTOMS_ETOOLARGE;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct apk_file *p = reallocarray(l->items, cap, sizeof(*p));
		if (!p)
			return CUSTOMS_ENOMEM;
		l->items = p;
		l->cap = cap;
	}
	struct apk_file *f = &l->items[l->n];
	f->pkg = NULL;
	if (asprintf(&f->path, "%.*s%s%.*s", (int)dn, dir, dn ? "/" : "", (int)nn, name) < 0)
		return CUSTOMS_ENOMEM;
	l->n++;
	return 0;
}

/* Ends a stanza whose files are l->items[first..]: they go to the stanza's
 * package (its last P:, as for the package list), or are dropped when the
 * stanza yields no package. */
static int files_stanza_end(struct apk_file_list *l, size_t first, const char *pkg, size_t pn,
                            bool version)
{
	bool keep = pkgdb_usable(pkg, pn) && version;
	for (size_t i = first; keep && i < l->n; i++)
		if (!(l->items[i].pkg = xstrndup(pkg, pn)))
			return CUSTOMS_ENOMEM;
	while (!keep && l->n > first) {
		l->n--;
		free(l->items[l->n].path);
	}
	return 0;
}

int apk_installed_files(struct apk_file_list *out, const uint8_t *data, size_t len,
                        customs_error *err)
{
	struct pkgdb_reader rd = {(const char *)data, (const char *)data + len, "apk installed", 0};
	struct apk_file_list l = {0};
	const char *line, *pkg = NULL, *dir = NULL;
	size_t n, pn = 0, dn = 0, first = 0;
	bool version = false;
	int rc;
	while ((rc = pkgdb_next_line(&rd, &line, &n, err)) == 1) {
		if (n == 0) {
			if ((rc = files_stanza_end(&l, first, pkg, pn, version))) {
				err_set(err, rc, "%s: out of memory", rd.where);
				break;
			}
			first = l.n;
			pkg = dir = NULL;
			pn = dn = 0;
			version = false;
			continue;
		}
		if (!is_apk_line(line, n)) {
			rc = err_set(err, CUSTOMS_EINVAL, "%s:%zu: not a \"K:value\" line",
			             rd.where, rd.lineno);
			break;
		}
		if (line[0] == 'P') {
			pkg = line + 2;
			pn = n - 2;
		} else if (line[0] == 'V') {
			version = pkgdb_usable(line + 2, n - 2);
		} else if (line[0] == 'F') {
			dir = line + 2;
			dn = n - 2;
		} else if (line[0] == 'R' && n > 2 &&
		           (rc = file_add(&l, dir, dn, line + 2, n - 2))) {
			err_set(err, rc, "%s:%zu: cannot keep the file list", rd.where, rd.lineno);
			break;
		}
	}
	if (rc == 0 && (rc = files_stanza_end(&l, first, pkg, pn, version)))
		err_set(err, rc, "%s: out of memory", rd.where);
	if (rc) {
		apk_file_list_free(&l);
		return rc;
	}
	apk_file_list_free(out);
	*out = l;
	return 0;
}

const char *apk_file_owner(const struct apk_file_list *l, const char *path)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (strcmp(l->items[i].path, path) == 0)
			return l->items[i].pkg;
	return NULL;
}

static int analyze_apk(struct file_result *out, const char *path, const uint8_t *data, size_t len,
                       struct warn_list *warnings, customs_error *err)
{
	struct apk_file_list files = {0};
	struct owned_list owned = {0};
	int rc = apk_installed_parse(&out->pkgs, path, data, len, warnings, NULL, err);
	if (!rc)
		rc = apk_installed_files(&files, data, len, err);
	for (size_t i = 0; !rc && i < files.n; i++)
		if ((rc = owned_list_add(&owned, files.items[i].path, strlen(files.items[i].path))))
			err_set(err, rc, "%s: cannot keep the file list", path);
	if (!rc)
		owned_list_move(out, &owned);
	owned_list_clear(&owned);
	apk_file_list_free(&files);
	return rc;
}

static const struct path_rule apk_rules[] = {
    {PATH_EXACT, "lib/apk/db/installed"},
};

const struct analyzer analyzer_apk = {
    .name = "apk",
    .rules = apk_rules,
    .n_rules = sizeof(apk_rules) / sizeof(apk_rules[0]),
    .max_file_size = LIMIT_CAPTURE_BYTES,
    .analyze_file = analyze_apk,
    .stream = NULL,
};
