/* Sorting of 64-bit keys by radix: for the per-layer path hashes (tens of
 * thousands per layer), where qsort's compare callback cost 1% of a scan. */
#ifndef UTIL_RADIX_H
#define UTIL_RADIX_H

#include <stddef.h>
#include <stdint.h>

/* Sorts v[0..n) ascending. Needs n more keys of scratch; when that cannot be
 * had, falls back to qsort. */
void radix_sort_u64(uint64_t *v, size_t n);

#endif
