/* Test helpers for the language analyzers: run a parser on a fixture and
 * compare the name@version set with a peer's expected TSV. */
#ifndef TESTS_UNIT_ANALYZE_LANG_TEST_H
#define TESTS_UNIT_ANALYZE_LANG_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../fixture.h"
#include "analyze/lang.h"
#include "analyze/purl.h"
#include "util/limits.h"
#include "util/strutil.h"
#include <unistd.h>

/* Parses tests/data/REL (reported under the image path `path`) into l. */
static inline int lang_parse_fixture(struct package_list *l, lang_parse_fn fn, const char *rel,
                                     const char *path)
{
	size_t len = 0;
	unsigned char *d = fixture_read(rel, &len);
	assert_non_null(d);
	customs_error err = {0};
	int rc = fn(l, path, d, len, NULL, &err);
	free(d);
	return rc;
}

static inline const customs_package *lang_find(const struct package_list *l, const char *name,
                                               const char *version)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].name, name) == 0 &&
		    (!version || strcmp(l->items[i].version, version) == 0))
			return &l->items[i];
	return NULL;
}

/* Asserts that l holds exactly the name@version pairs of the expected TSV
 * (tests/data/REL, a header line, then name and version in columns ncol and
 * ncol + 1, counted from 0). */
static inline void lang_expect_tsv(const struct package_list *l, const char *rel, int ncol)
{
	size_t len = 0;
	char *d = (char *)fixture_read(rel, &len);
	assert_non_null(d);
	size_t rows = 0;
	char *save = NULL;
	char *line = strtok_r(d, "\n", &save); /* the header */
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *col[8] = {0};
		int nc = 0;
		for (char *c = line; nc < 8;) {
			col[nc++] = c;
			char *t = strchr(c, '\t');
			if (!t)
				break;
			*t = 0;
			c = t + 1;
		}
		assert_true(nc > ncol + 1);
		if (!lang_find(l, col[ncol], col[ncol + 1]))
			fail_msg("%s: %s@%s missing", rel, col[ncol], col[ncol + 1]);
		rows++;
	}
	free(d);
	assert_int_equal(l->n, rows);
}

/* Parses a fixture as the image file `path` and checks it against a peer's
 * expected TSV (name, version in columns 0, 1): every package has type and
 * path; returns the count. */
static inline size_t lang_check_fixture(lang_parse_fn fn, const char *rel, const char *path,
                                        const char *exp, const char *type)
{
	struct package_list l = {0};
	assert_int_equal(lang_parse_fixture(&l, fn, rel, path), 0);
	lang_expect_tsv(&l, exp, 0);
	for (size_t i = 0; i < l.n; i++) {
		assert_string_equal(l.items[i].type, type);
		assert_string_equal(l.items[i].path, path);
	}
	size_t n = l.n;
	package_list_free(&l);
	return n;
}

static inline char *lang_purl(const customs_package *p)
{
	char *s = NULL;
	assert_int_equal(purl_for_package(&s, p, NULL), 0);
	return s;
}

static inline void lang_expect_purl(const struct package_list *l, const char *name,
                                    const char *version, const char *purl)
{
	const customs_package *p = lang_find(l, name, version);
	if (!p)
		fail_msg("%s@%s missing", name, version);
	char *s = lang_purl(p);
	assert_string_equal(s, purl);
	free(s);
}

#endif
