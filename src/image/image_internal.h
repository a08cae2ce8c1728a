/* Helpers shared by the image parsers (manifest, index, config): typed JSON
 * field access that names the field in errors, and descriptor parsing. */
#ifndef IMAGE_IMAGE_INTERNAL_H
#define IMAGE_IMAGE_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "image/image.h"

/* *out gets the string at key, or NULL when the key is missing or null.
 * Any other type is CUSTOMS_EINVAL naming what.key. */
int json_opt_str(const char **out, const json_t *obj, const char *key, const char *what,
                 customs_error *err);
/* The same, but missing or null is CUSTOMS_EINVAL too. */
int json_req_str(const char **out, const json_t *obj, const char *key, const char *what,
                 customs_error *err);
/* *out gets the array at key, or NULL when missing or null; max caps its size
 * (CUSTOMS_ETOOLARGE). Any other type is CUSTOMS_EINVAL. */
int json_opt_array(json_t **out, const json_t *obj, const char *key, size_t max, const char *what,
                   customs_error *err);

/* Checks a digest string: CUSTOMS_EUNSUPPORTED for a well-formed digest of
 * another algorithm, CUSTOMS_EINVAL for anything else that is not sha256. */
int digest_check(const char *d, const char *what, customs_error *err);

/* schemaVersion must be 2; 1 (Docker schema1) is CUSTOMS_EUNSUPPORTED. */
int schema_version_check(const json_t *root, const char *what, customs_error *err);

/* Parses one descriptor object; what names it in messages ("layers[2]"). */
int descriptor_parse(struct descriptor *out, const json_t *j, const char *what, customs_error *err);

/* Parses the required array of descriptors at key (at most max entries);
 * what prefixes messages ("manifest" gives "manifest: layers[2]: ..."). */
int descriptor_array_parse(struct descriptor **out, size_t *n_out, const json_t *obj,
                           const char *key, size_t max, const char *what, customs_error *err);

/* Duplicates s (may be NULL) into *out; CUSTOMS_ENOMEM on failure. */
int dup_opt(char **out, const char *s, customs_error *err);

#endif
