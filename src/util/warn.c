/* Thread-safe warning list. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/limits.h"
#include "util/warn.h"

void warn_list_init(struct warn_list *w)
{
	pthread_mutex_init(&w->lock, NULL);
	w->items = NULL;
	w->n = w->cap = w->dropped = 0;
}

void warn_list_free(struct warn_list *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		free(w->items[i]);
	free(w->items);
	w->items = NULL;
	w->n = w->cap = 0;
	pthread_mutex_destroy(&w->lock);
}

void warn_add(struct warn_list *w, const char *fmt, ...)
{
	if (!w)
		return;
	char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	pthread_mutex_lock(&w->lock);
	if (!msg || w->n >= LIMIT_WARNINGS) {
		w->dropped++;
		free(msg);
	} else {
		if (w->n == w->cap) {
			size_t cap = w->cap ? w->cap * 2 : 16;
			char **p = realloc(w->items, cap * sizeof(*p));
			if (!p) {
				w->dropped++;
				free(msg);
				pthread_mutex_unlock(&w->lock);
				return;
			}
			w->items = p;
			w->cap = cap;
		}
		w->items[w->n++] = msg;
	}
	pthread_mutex_unlock(&w->lock);
}
