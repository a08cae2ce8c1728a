/* Hidden files: which per-file results the merged filesystem no longer
 * shows, and the layer that hid each one. */
#include <stdlib.h>
#include <string.h>

#include "scan/hidden.h"

static int is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return n == 0 || (strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0'));
}

/* The first layer above k that deletes or replaces path, or n. */
static size_t hiding_layer(struct layer_result *const *layers, size_t n, size_t k, const char *path)
{
	for (size_t j = k + 1; j < n; j++) {
		const struct layer_result *l = layers[j];
		for (size_t w = 0; w < l->n_whiteouts; w++)
			if (is_under(path, l->whiteouts[w]))
				return j;
		for (size_t o = 0; o < l->n_opaque; o++)
			if (is_under(path, l->opaque_dirs[o]) && strcmp(path, l->opaque_dirs[o]))
				return j;
		if (layer_replaces(l, path))
			return j;
	}
	return n;
}

static int cmp_ptr(const void *a, const void *b)
{
	const void *x = *(const void *const *)a, *y = *(const void *const *)b;
	return x < y ? -1 : x > y;
}

const char *scan_layer_id(const struct image *img, struct layer_result *const *layers, size_t i)
{
	if (layers[i]->diff_id)
		return layers[i]->diff_id;
	return i < img->n_layers ? img->layers[i].diff_id : NULL;
}

void scan_hidden_ids(const struct hidden_report *r, const struct hidden_visit *v,
                     const char **layer, const char **hidden_by)
{
	*layer = scan_layer_id(r->img, r->layers, v->layer);
	*hidden_by = v->hidden && v->hidden_by < r->n
	                 ? scan_layer_id(r->img, r->layers, v->hidden_by)
	                 : NULL;
}

int scan_hidden_walk(struct layer_result *const *layers, size_t n, const struct merged_fs *m,
                     const char *analyzer, int (*wanted)(const struct file_result *fr),
                     int (*visit)(void *ctx, const struct hidden_visit *v), void *ctx)
{
	const void **live = calloc(m->n_files ? m->n_files : 1, sizeof(*live));
	size_t n_live = 0;
	int rc = 0;
	if (!live)
		return CUSTOMS_ENOMEM;
	for (size_t i = 0; i < m->n_files; i++)
		if (wanted(m->files[i].result))
			live[n_live++] = m->files[i].result;
	qsort(live, n_live, sizeof(*live), cmp_ptr);
	for (size_t k = 0; rc == 0 && k < n; k++) {
		for (size_t f = 0; rc == 0 && f < layers[k]->n_files; f++) {
			const struct file_result *fr = &layers[k]->files[f];
			if (!wanted(fr) || strcmp(fr->analyzer, analyzer) != 0)
				continue;
			struct hidden_visit v = {fr, k, 0, n};
			if (!bsearch(&fr, live, n_live, sizeof(*live), cmp_ptr)) {
				v.hidden = 1;
				v.hidden_by = hiding_layer(layers, n, k, fr->path);
			}
			rc = visit(ctx, &v);
		}
	}
	free(live);
	return rc;
}
