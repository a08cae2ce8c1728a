/* Files an image ships but does not show: a result in a lower layer that a
 * later layer deleted (whiteout, opaque folder) or replaced. Shared by the
 * scanners that report per file (secrets, malware). */
#ifndef SCAN_HIDDEN_H
#define SCAN_HIDDEN_H

#include <stddef.h>

#include "analyze/analyzer.h"
#include "image/image.h"
#include "layer/layer.h"

/* The diff_id of layer i: the one computed while reading, else the config's. */
const char *scan_layer_id(const struct image *img, struct layer_result *const *layers, size_t i);

/* One file result with something to report, where it is and whether it is
 * still visible. hidden_by is the index of the first layer above that
 * deletes or replaces the file (n when none was found). */
struct hidden_visit {
	const struct file_result *fr;
	size_t layer;
	int hidden;
	size_t hidden_by;
};

/* What the scanners that report per file (secrets, malware) hand their visit
 * function: where to add findings, and the image and layers the visit's
 * indexes refer to. */
struct customs_inventory;
struct hidden_report {
	struct customs_inventory *inv;
	const struct image *img;
	struct layer_result *const *layers;
	size_t n;
};

/* The diff_ids of v's layer and of the layer that hides it (NULL when it is
 * not hidden, or no layer was found to hide it). */
void scan_hidden_ids(const struct hidden_report *r, const struct hidden_visit *v,
                     const char **layer, const char **hidden_by);

/* Calls visit for every result of the analyzer named analyzer, in every
 * layer, for which wanted(fr) is true, in layer and tar order; stops at the
 * first nonzero return and returns it. CUSTOMS_ENOMEM when out of memory. */
int scan_hidden_walk(struct layer_result *const *layers, size_t n, const struct merged_fs *m,
                     const char *analyzer, int (*wanted)(const struct file_result *fr),
                     int (*visit)(void *ctx, const struct hidden_visit *v), void *ctx);

#endif
