/* A thread-safe list of warnings collected during a scan: library code never
 * prints; the CLI or server decides what to show. */
#ifndef UTIL_WARN_H
#define UTIL_WARN_H

#include <pthread.h>
#include <stddef.h>

struct warn_list {
	pthread_mutex_t lock;
	char **items;
	size_t n;
	size_t cap;
	size_t dropped; /* past LIMIT_WARNINGS, only counted */
};

void warn_list_init(struct warn_list *w);
void warn_list_free(struct warn_list *w);
/* Adds a formatted warning; w may be NULL (the warning is dropped). Never fails
 * visibly: out of memory only counts the warning as dropped. */
void warn_add(struct warn_list *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
