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

/* Sets malloc up for a scan, at start-up: a scan allocates and frees blocks
 * of hundreds of KiB per file (jars nested in jars, libarchive's own) and
 * tens of megabytes of small ones, and in a VM every first touch of a 4 KiB
 * page costs 10-20 us. So blocks up to 32 MiB come from the heap and stay
 * there to be reused (a short-lived process can afford it); the heap grows
 * by reserve bytes at once, huge-page advised, so that first touches cost a
 * fault per 2 MiB; and every thread allocates from it (one arena: thread
 * arenas are mappings of their own). Address space only until used. The
 * reserve is skipped under AddressSanitizer. */
void bigbuf_heap_setup(size_t reserve);

#endif
