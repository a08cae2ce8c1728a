/* Error objects: every failure carries a code and a human message to the
 * caller, including failures raised in worker threads. */
#ifndef UTIL_ERROR_H
#define UTIL_ERROR_H

#include "customs/customs.h"

/* Fills err (may be NULL) with code and a printf-style message; returns code
 * so callers can write `return err_set(err, CUSTOMS_EINVAL, "...")`. */
int err_set(customs_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the message already in err with more context ("layer 2: ..."). */
int err_prefix(customs_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Copies src into dst (both may be NULL). */
void err_copy(customs_error *dst, const customs_error *src);

#endif
