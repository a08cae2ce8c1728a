/* Test helpers for the unit tests: read a fixture from tests/data/ and
 * pull one member out of a real tarball (the Alpine minirootfs). */
#ifndef TESTS_UNIT_FIXTURE_H
#define TESTS_UNIT_FIXTURE_H

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The absolute path of tests/data/REL; caller frees. */
static inline char *fixture_path(const char *rel)
{
	const char *root = getenv("CUSTOMS_SOURCE_ROOT");
	char *p = NULL;
	if (asprintf(&p, "%s/tests/data/%s", root ? root : ".", rel) < 0)
		return NULL;
	return p;
}

/* Reads a whole file (absolute path); NULL when missing. */
static inline unsigned char *file_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	unsigned char *data = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			unsigned char *d = realloc(data, cap + 1);
			if (!d) {
				free(data);
				fclose(f);
				return NULL;
			}
			data = d;
		}
		size_t r = fread(data + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	data[n] = 0;
	*len = n;
	return data;
}

/* Reads tests/data/REL; NULL when missing. */
static inline unsigned char *fixture_read(const char *rel, size_t *len)
{
	char *p = fixture_path(rel);
	unsigned char *d = p ? file_read(p, len) : NULL;
	free(p);
	return d;
}

/* The contents of member (without "./") of the tarball tests/data/REL. */
static inline unsigned char *tar_member_read(const char *rel, const char *member, size_t *len)
{
	char *p = fixture_path(rel);
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	unsigned char *out = NULL;
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	if (p && archive_read_open_filename(a, p, 65536) == ARCHIVE_OK) {
		while (!out && archive_read_next_header(a, &e) == ARCHIVE_OK) {
			const char *name = archive_entry_pathname(e);
			if (strncmp(name, "./", 2) == 0)
				name += 2;
			if (strcmp(name, member) != 0)
				continue;
			size_t n = (size_t)archive_entry_size(e);
			out = malloc(n + 1);
			if (out && archive_read_data(a, out, n) != (la_ssize_t)n) {
				free(out);
				out = NULL;
				break;
			}
			if (out) {
				out[n] = 0;
				*len = n;
			}
		}
	}
	archive_read_free(a);
	free(p);
	return out;
}

#endif
