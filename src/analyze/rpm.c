/* The rpm analyzer: finds rpm databases in an image, recognises their format
 * (SQLite, Berkeley DB hash, ndb) from the content and lists the packages. */
#include <stdlib.h>
#include <string.h>

#include "analyze/owned.h"
#include "analyze/rpm.h"
#include "util/error.h"
#include "util/limits.h"

struct collect {
	struct package_list *list;
	const char *path;
	struct warn_list *warnings;
	struct owned_list *owned; /* NULL: files not wanted */
};

static int add_blob(void *arg, const uint8_t *blob, size_t len, customs_error *err)
{
	struct collect *c = arg;
	struct rpm_header h;
	customs_error e2 = {0};

	int rc = rpm_header_parse(&h, blob, len, &e2);
	if (rc) {
		warn_add(c->warnings, "%s: skipped an rpm header: %s", c->path, e2.message);
		return 0;
	}
	/* Imported signing keys are stored as fake packages named gpg-pubkey. */
	if (strcmp(h.name, "gpg-pubkey") == 0)
		return 0;
	customs_package *p = package_list_add(c->list);
	if (!p)
		return c->list->n >= (c->list->max ? c->list->max : LIMIT_PACKAGES_PER_FILE)
		           ? err_set(err, CUSTOMS_ETOOLARGE, "more than %zu packages", c->list->n)
		           : err_set(err, CUSTOMS_ENOMEM, "out of memory");
	rc = rpm_header_to_package(p, &h, err);
	if (!rc && c->path && !(p->path = strdup(c->path)))
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
	if (rc) {
		package_list_pop(c->list);
		return rc;
	}
	if (c->owned && rpm_header_files(c->owned, blob, len, &e2) != 0) {
		if (e2.code == CUSTOMS_ENOMEM || e2.code == CUSTOMS_ETOOLARGE)
			return err_set(err, e2.code, "%s", e2.message);
		warn_add(c->warnings, "%s: %s: file list skipped: %s", c->path, h.name, e2.message);
	}
	return 0;
}

/* Berkeley DB keeps its magic at offset 12 in the writer's byte order. */
static int is_bdb(const uint8_t *data, size_t len)
{
	if (len < 16)
		return 0;
	uint32_t le = (uint32_t)data[15] << 24 | (uint32_t)data[14] << 16 |
	              (uint32_t)data[13] << 8 | data[12];
	uint32_t be = (uint32_t)data[12] << 24 | (uint32_t)data[13] << 16 |
	              (uint32_t)data[14] << 8 | data[15];
	return le == 0x061561 || be == 0x061561 || le == 0x053162 || be == 0x053162;
}

int rpmdb_parse(struct package_list *out, const uint8_t *data, size_t len, const char *path,
                struct warn_list *warnings, customs_error *err)
{
	return rpmdb_parse_owned(out, NULL, data, len, path, warnings, err);
}

int rpmdb_parse_owned(struct package_list *out, struct owned_list *owned, const uint8_t *data,
                      size_t len, const char *path, struct warn_list *warnings, customs_error *err)
{
	struct package_list found = {.max = out->max};
	struct owned_list files = {0};
	struct collect c = {&found, path, warnings, owned ? &files : NULL};
	int rc;

	if (len >= 16 && memcmp(data, "SQLite format 3", 16) == 0)
		rc = rpmdb_sqlite_read(data, len, path, add_blob, &c, warnings, err);
	else if (len >= 4 && memcmp(data, "RpmP", 4) == 0)
		rc = rpmdb_ndb_read(data, len, path, add_blob, &c, warnings, err);
	else if (is_bdb(data, len))
		rc = rpmdb_bdb_read(data, len, path, add_blob, &c, warnings, err);
	else
		rc = err_set(err, CUSTOMS_EUNSUPPORTED, "not a known rpm database format");
	if (rc)
		goto out;
	/* Move the records over; the strings change owner, not address. */
	for (size_t i = 0; i < found.n; i++) {
		customs_package *p = package_list_add(out);
		if (!p) {
			while (i-- > 0)
				memset(&out->items[--out->n], 0, sizeof(out->items[0]));
			rc = err_set(err, CUSTOMS_ETOOLARGE, "too many packages");
			goto out;
		}
		*p = found.items[i];
	}
	found.n = 0;
	if (owned) {
		owned_list_clear(owned);
		*owned = files;
		memset(&files, 0, sizeof(files));
	}
out:
	owned_list_clear(&files);
	package_list_free(&found);
	return rc;
}

static int analyze_rpmdb(struct file_result *out, const char *path, const uint8_t *data, size_t len,
                         struct warn_list *warnings, customs_error *err)
{
	struct owned_list owned = {0};
	int rc = rpmdb_parse_owned(&out->pkgs, &owned, data, len, path, warnings, err);
	if (!rc)
		owned_list_move(out, &owned);
	return rc;
}

static const struct path_rule rpm_rules[] = {
    {PATH_EXACT, "var/lib/rpm/Packages"},
    {PATH_EXACT, "var/lib/rpm/Packages.db"},
    {PATH_EXACT, "var/lib/rpm/rpmdb.sqlite"},
    {PATH_EXACT, "usr/lib/sysimage/rpm/Packages"},
    {PATH_EXACT, "usr/lib/sysimage/rpm/Packages.db"},
    {PATH_EXACT, "usr/lib/sysimage/rpm/rpmdb.sqlite"},
    {PATH_EXACT, "usr/share/rpm/Packages"},
    {PATH_EXACT, "usr/share/rpm/Packages.db"},
    {PATH_EXACT, "usr/share/rpm/rpmdb.sqlite"},
};

const struct analyzer analyzer_rpm = {
    .name = "rpm",
    .rules = rpm_rules,
    .n_rules = sizeof(rpm_rules) / sizeof(rpm_rules[0]),
    .max_file_size = LIMIT_RPMDB_BYTES,
    .analyze_file = analyze_rpmdb,
    .stream = NULL,
};
