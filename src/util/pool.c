/* Fixed-size worker threads pulling task indexes from a shared counter. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "customs/customs.h"
#include "util/limits.h"
#include "util/pool.h"

struct pool_run_state {
	pthread_mutex_t lock;
	size_t next, n;
	int *results;
	int (*task)(void *user, size_t i);
	void *user;
};

static void *worker(void *arg)
{
	struct pool_run_state *st = arg;
	for (;;) {
		pthread_mutex_lock(&st->lock);
		size_t i = st->next < st->n ? st->next++ : st->n;
		pthread_mutex_unlock(&st->lock);
		if (i >= st->n)
			return NULL;
		st->results[i] = st->task(st->user, i);
	}
}

unsigned pool_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : (unsigned)n;
}

int pool_run(size_t n, unsigned threads, int (*task)(void *user, size_t i), void *user)
{
	if (n == 0)
		return 0;
	struct pool_run_state st = {.next = 0, .n = n, .task = task, .user = user};
	st.results = calloc(n, sizeof(int));
	if (!st.results)
		return CUSTOMS_ENOMEM;
	pthread_mutex_init(&st.lock, NULL);
	if (threads == 0)
		threads = pool_default_threads();
	if (threads > LIMIT_PARALLEL)
		threads = LIMIT_PARALLEL;
	if (threads > n)
		threads = (unsigned)n;
	pthread_t *tids = calloc(threads, sizeof(*tids));
	unsigned started = 0;
	if (tids) {
		for (unsigned t = 1; t < threads; t++) {
			if (pthread_create(&tids[t], NULL, worker, &st) != 0)
				break;
			started = t;
		}
	}
	worker(&st); /* the calling thread works too; with no threads it does it all */
	for (unsigned t = 1; t <= started; t++)
		pthread_join(tids[t], NULL);
	free(tids);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = st.results[i];
	pthread_mutex_destroy(&st.lock);
	free(st.results);
	return rc;
}
