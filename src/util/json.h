/* JSON input helpers over jansson: load with a size cap and a clear error,
 * and typed field getters that treat wrong types as absent. */
#ifndef UTIL_JSON_H
#define UTIL_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "customs/customs.h"

/* Parses data[0..len) (no NUL needed) into *out; what names the input in the
 * message. Rejects input over max bytes and duplicate object keys. */
int json_parse(json_t **out, const void *data, size_t len, size_t max, const char *what,
               customs_error *err);

/* The string value of key, or NULL when missing or not a string. */
const char *json_get_str(const json_t *obj, const char *key);
/* The integer value of key into *out; CUSTOMS_EINVAL when missing or not an
 * integer, with *out untouched. */
int json_get_i64(const json_t *obj, const char *key, int64_t *out);

#endif
