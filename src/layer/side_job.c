/* A big file's whole-file analyzers, run on a thread of their own while the
 * walk goes on. The dispatcher keeps at most one job per layer, so memory
 * stays at two capture buffers. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "layer/layer_internal.h"
#include "util/bigbuf.h"
#include "util/error.h"

static void *run(void *arg)
{
	struct side_job *j = arg;
	for (size_t k = 0; k < j->n; k++) {
		struct side_result *r = &j->results[k];
		r->rc = analyzer_analyze_file(j->analyzers[r->analyzer], &r->fr, j->path, j->data,
		                              j->size, j->warnings, &r->err);
	}
	atomic_store(&j->finished, true);
	return NULL;
}

int side_job_start(struct side_job **out, const struct analyzer *const *analyzers,
                   struct warn_list *warnings, const char *path, uint8_t *data, size_t size,
                   size_t cap, struct side_result *results, size_t n, customs_error *err)
{
	struct side_job *j = calloc(1, sizeof(*j));
	if (!j || !(j->path = strdup(path))) {
		free(j);
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	}
	j->analyzers = analyzers;
	j->warnings = warnings;
	j->data = data;
	j->size = size;
	j->cap = cap;
	j->results = results;
	j->n = n;
	j->threaded = pthread_create(&j->thread, NULL, run, j) == 0;
	if (!j->threaded)
		run(j);
	*out = j;
	return 0;
}

bool side_job_running(struct side_job *j)
{
	return j && j->threaded && !atomic_load(&j->finished);
}

void side_job_wait(struct side_job *j)
{
	if (j && j->threaded) {
		pthread_join(j->thread, NULL);
		j->threaded = false;
	}
}

void side_job_free(struct side_job *j)
{
	if (!j)
		return;
	side_job_wait(j);
	for (size_t k = 0; k < j->n; k++)
		file_result_clear(&j->results[k].fr);
	free(j->results);
	bigbuf_free(j->data, j->cap);
	free(j->path);
	free(j);
}
