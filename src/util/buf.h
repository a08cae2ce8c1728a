/* Growable byte buffers with a hard cap: the only way to collect input of
 * unknown size without letting hostile input exhaust memory. */
#ifndef UTIL_BUF_H
#define UTIL_BUF_H

#include <stddef.h>

#include "customs/customs.h"

struct buf {
	char *data; /* always NUL-terminated after a successful append */
	size_t len;
	size_t cap;
	size_t max; /* appends past this fail with CUSTOMS_ETOOLARGE */
};

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
/* Appends n bytes; on failure the buffer is unchanged. */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_append_str(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Gives the data to the caller (who frees it) and resets the buffer. */
char *buf_take(struct buf *b);

#endif
