/* A JSON text checked the way JavaScript's JSON.parse reads it, handing out
 * the raw values of a few members of its top-level object, without building
 * a tree. For files where npm is the reader to agree with (package.json):
 * jansson's tree cost more than the rest of their analysis, and its strict
 * reading (duplicate keys, a byte-order mark, invalid UTF-8) refused files
 * that npm uses, so a package could hide from the SBOM. */
#ifndef UTIL_JSON_SCAN_H
#define UTIL_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "customs/customs.h"

/* Containers nest at most this deep; deeper texts are refused. */
#define JSON_SCAN_MAX_DEPTH 512

/* A member the caller wants: key in, raw value text out (value NULL when
 * the key is absent; with duplicate keys the last one counts, as in
 * JSON.parse). */
struct json_want {
	const char *key;
	const uint8_t *value;
	size_t value_len;
};

/* Checks that data[0..len) is one JSON text (RFC 8259 grammar; a leading
 * UTF-8 byte-order mark is skipped and bytes that are not UTF-8 pass, as
 * they do for npm, which decodes the file before parsing). When the text is
 * an object, fills want[0..n) from its members and sets *is_object.
 * CUSTOMS_EINVAL with err naming what and the byte offset when it is not
 * JSON. */
int json_scan_top(const uint8_t *data, size_t len, struct json_want *want, size_t n,
                  bool *is_object, const char *what, customs_error *err);

/* The string a raw value (as json_scan_top hands out) stands for, escapes
 * decoded (a \u escape of a lone surrogate becomes U+FFFD), malloc'd and
 * NUL-terminated, its length in *out_len (it may hold NULs). NULL when the
 * value is not a string, or memory ran out (*oom then set). */
char *json_scan_string(const uint8_t *value, size_t len, size_t *out_len, bool *oom);

#endif
