/* Shared checks for the text package-database parsers (dpkg, apk): both
 * have the same signature, so one set of helpers drives either. Include
 * after cmocka.h. */
#ifndef TESTS_UNIT_ANALYZE_PKGDB_TEST_H
#define TESTS_UNIT_ANALYZE_PKGDB_TEST_H

#include "../fixture.h"
#include "analyze/pkgdb.h"
#include "util/limits.h"
#include "util/warn.h"

typedef int (*pkgdb_parse_fn)(struct package_list *out, const char *path, const uint8_t *data,
                              size_t len, struct warn_list *warnings, size_t *skipped,
                              customs_error *err);

struct parsed {
	struct package_list l;
	struct warn_list w;
	size_t skipped;
	int rc;
};

static inline void parsed_run(struct parsed *r, pkgdb_parse_fn fn, const char *path, const void *d,
                              size_t len)
{
	customs_error err = {0};
	memset(r, 0, sizeof(*r));
	warn_list_init(&r->w);
	r->rc = fn(&r->l, path, d, len, &r->w, &r->skipped, &err);
	if (r->rc)
		assert_true(err.message[0] != '\0');
}

static inline void parsed_fixture(struct parsed *r, pkgdb_parse_fn fn, const char *rel)
{
	size_t len = 0;
	unsigned char *d = fixture_read(rel, &len);
	assert_non_null(d);
	parsed_run(r, fn, rel, d, len);
	free(d);
}

static inline void parsed_free(struct parsed *r)
{
	package_list_free(&r->l);
	warn_list_free(&r->w);
}

static inline const customs_package *find_pkg(const struct package_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return &l->items[i];
	return NULL;
}

/* head is one valid stanza ending in the start of a field ("X: "): that
 * field's line is filled to exactly LIMIT_LINE_BYTES (passes), then one more
 * byte (fails, nothing kept). */
static inline void check_line_limit(pkgdb_parse_fn fn, const char *head)
{
	size_t hl = strlen(head);
	size_t line_start = (size_t)(strrchr(head, '\n') - head) + 1;
	size_t total = line_start + LIMIT_LINE_BYTES + 1;
	char *big = malloc(total);
	assert_non_null(big);
	memcpy(big, head, hl);
	memset(big + hl, 'y', total - hl);
	struct parsed r;
	parsed_run(&r, fn, "t", big, total - 1);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.l.n, 1);
	parsed_free(&r);
	parsed_run(&r, fn, "t", big, total);
	assert_int_equal(r.rc, CUSTOMS_ETOOLARGE);
	assert_int_equal(r.l.n, 0);
	parsed_free(&r);
	free(big);
}

/* three holds three valid packages: a cap of 3 passes, a cap of 2 fails and
 * leaves the list empty. */
static inline void check_package_cap(pkgdb_parse_fn fn, const char *three)
{
	for (size_t max = 2; max <= 3; max++) {
		struct package_list l = {.max = max};
		customs_error err = {0};
		int rc = fn(&l, "t", (const uint8_t *)three, strlen(three), NULL, NULL, &err);
		assert_int_equal(rc, max == 3 ? 0 : CUSTOMS_ETOOLARGE);
		assert_int_equal(l.n, max == 3 ? 3 : 0);
		package_list_free(&l);
	}
}

/* The data parses to exactly one package, name at version, with `skipped`
 * stanzas skipped. */
static inline void check_one(pkgdb_parse_fn fn, const void *d, size_t len, const char *name,
                             const char *version, size_t skipped)
{
	struct parsed r;
	parsed_run(&r, fn, "t", d, len);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.l.n, 1);
	assert_string_equal(r.l.items[0].name, name);
	assert_string_equal(r.l.items[0].version, version);
	assert_int_equal(r.skipped, skipped);
	parsed_free(&r);
}

/* The same for the fixture tests/data/REL. */
static inline void check_one_fixture(pkgdb_parse_fn fn, const char *rel, const char *name,
                                     const char *version)
{
	size_t len = 0;
	unsigned char *d = fixture_read(rel, &len);
	assert_non_null(d);
	check_one(fn, d, len, name, version, 0);
	free(d);
}

#endif
