/* Buffers of megabytes (the decompression ring, whole-file captures), backed
 * by transparent huge pages where the kernel allows. In a VM the first touch
 * of each 4 KiB page costs 10-20 us (measured here: 15.7 us); a huge page
 * is faulted in once per 512 of them. */
#ifndef UTIL_BIGBUF_H
#define UTIL_BIGBUF_H

#include <stddef.h>

/* At least size bytes, uninitialised; NULL when out of memory. Small sizes,
 * and every size under AddressSanitizer (which needs its red zones), come
 * from malloc. */
void *bigbuf_alloc(size_t size);
/* Frees p, which bigbuf_alloc(size) returned (same size); NULL is fine. */
void bigbuf_free(void *p, size_t size);

#endif
