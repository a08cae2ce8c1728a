/* A memory blob for the layer tests that hands out at most `step` bytes per
 * read, so that every boundary of the reader's buffers gets crossed. The
 * bytes are borrowed; closing it does nothing. */
#ifndef TESTS_UNIT_LAYER_STEP_BLOB_H
#define TESTS_UNIT_LAYER_STEP_BLOB_H

#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "source/blob.h"

struct step_blob {
	struct blob b;
	const uint8_t *p;
	size_t len, pos, step;
};

static ssize_t step_read(struct blob *b, void *buf, size_t len, customs_error *err)
{
	(void)err;
	struct step_blob *s = (struct step_blob *)b;
	size_t n = s->len - s->pos;
	if (n > len)
		n = len;
	if (n > s->step)
		n = s->step;
	memcpy(buf, s->p + s->pos, n);
	s->pos += n;
	return (ssize_t)n;
}

static void step_close(struct blob *b)
{
	(void)b;
}

/* A blob over p[0..len) announcing size (-1: unknown, as an HTTP body). */
static inline struct step_blob step_blob_make(const void *p, size_t len, size_t step, int64_t size)
{
	struct step_blob s = {.p = p, .len = len, .step = step};
	s.b.read = step_read;
	s.b.close = step_close;
	s.b.size = size;
	return s;
}

#endif
