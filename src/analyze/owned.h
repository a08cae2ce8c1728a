/* Files that an OS package manager installed (dpkg .list files, apk F:/R:
 * lines, rpm file lists), kept so a language package found in one is not
 * reported a second time next to the OS package that ships it. */
#ifndef ANALYZE_OWNED_H
#define ANALYZE_OWNED_H

#include <stddef.h>
#include <stdint.h>

#include "analyze/analyzer.h"
#include "customs/customs.h"

/* A growable list of normalised image paths ("usr/bin/ls"), capped at
 * LIMIT_OWNED_FILES_PER_DB. */
struct owned_list {
	char **paths;
	size_t n, cap;
};

/* Appends path[0..n) normalised as analyzer paths are: leading "/" and "./"
 * removed, "" and "." (the root) skipped. Returns 0, CUSTOMS_ENOMEM or
 * CUSTOMS_ETOOLARGE. */
int owned_list_add(struct owned_list *l, const char *path, size_t n);
void owned_list_clear(struct owned_list *l);
/* Moves l into out->owned_files (l is left empty). */
void owned_list_move(struct file_result *out, struct owned_list *l);
/* Frees an owned_files array of n paths (file_result_clear). */
void owned_files_free(char **paths, size_t n);

/* Parses a dpkg file list (var/lib/dpkg/info/PKG.list: one absolute path per
 * line) into out. On failure out is as it was. */
int dpkg_list_parse(struct owned_list *out, const char *path, const uint8_t *data, size_t len,
                    customs_error *err);

/* var/lib/dpkg/info/ *.list: owned files only, no packages. */
extern const struct analyzer analyzer_dpkg_list;

#endif
