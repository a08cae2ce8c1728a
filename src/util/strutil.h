/* Bounded string and number helpers: whole-string number parsing with range
 * checks (no atoi/strtol pitfalls) and pointer+length string utilities. */
#ifndef UTIL_STRUTIL_H
#define UTIL_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses all of s[0..len) as a decimal unsigned number <= max. 0 or CUSTOMS_EINVAL. */
int parse_u64(uint64_t *out, const char *s, size_t len, uint64_t max);
/* The same for a NUL-terminated string. */
int parse_u64_str(uint64_t *out, const char *s, uint64_t max);
int parse_i64(int64_t *out, const char *s, size_t len, int64_t min, int64_t max);

/* strndup that never reads past n and returns NULL only on allocation failure. */
char *xstrndup(const char *s, size_t n);
/* strdup of NULL is NULL. */
char *xstrdup_or_null(const char *s);

bool str_has_prefix(const char *s, const char *prefix);
bool str_has_suffix(const char *s, const char *suffix);
bool mem_has_prefix(const char *s, size_t len, const char *prefix);

/* Trims ASCII spaces and tabs from both ends of [*s, *s+*len). */
void mem_trim(const char **s, size_t *len);

/* Replaces every byte that is not printable ASCII with '?', so that a hostile
 * name can be shown in a message or terminal safely. Returns a new string. */
char *str_sanitize(const char *s, size_t len);

/* Lowercase hex of n bytes into out (2n+1 bytes). */
void hex_encode(char *out, const unsigned char *in, size_t n);

#endif
