/* Streaming SHA-256 (OpenSSL, SHA-NI where the CPU has it) and OCI digest
 * strings of the form "sha256:<64 hex>". */
#ifndef UTIL_SHA256_H
#define UTIL_SHA256_H

#include <stdbool.h>
#include <stddef.h>

#define SHA256_DIGEST_STRING_LEN (7 + 64) /* "sha256:" + hex, without NUL */

struct sha256;

struct sha256 *sha256_new(void);
void sha256_free(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *p, size_t n);
/* Writes "sha256:<hex>" into out (SHA256_DIGEST_STRING_LEN + 1 bytes). */
void sha256_final_digest(struct sha256 *h, char *out);
/* One-shot digest of a buffer. */
void sha256_digest_of(char *out, const void *p, size_t n);

/* True when s is exactly "sha256:" followed by 64 lowercase hex digits.
 * Other algorithms are not accepted: they would be unverifiable here. */
bool digest_is_valid_sha256(const char *s);

/* Constant-time comparison of two digest strings. */
bool digest_equal(const char *a, const char *b);

#endif
