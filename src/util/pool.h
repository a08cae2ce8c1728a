/* Runs n independent tasks on up to `threads` threads and waits for all:
 * enough for reading layers in parallel without a long-lived pool. */
#ifndef UTIL_POOL_H
#define UTIL_POOL_H

#include <stddef.h>

/* task(user, i) is called once for each i in [0, n). Returns the first
 * non-zero value a task returned (in index order), or 0. All tasks run even
 * when one fails; a task may check its own cancellation flag in user. */
int pool_run(size_t n, unsigned threads, int (*task)(void *user, size_t i), void *user);

/* Number of online cores, at least 1. */
unsigned pool_default_threads(void);

#endif
