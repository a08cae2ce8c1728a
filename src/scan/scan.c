/* customs_inventory_scan: open the image source, read every layer in
 * parallel through the analyzers, merge the layers applying whiteouts, and
 * build the inventory (OS facts, packages with purls and their layers). */
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/os_release.h"
#include "analyze/purl.h"
#include "layer/layer.h"
#include "scan/extra.h"
#include "scan/inventory.h"
#include "scan/ownership.h"
#include "source/source.h"
#include "util/error.h"
#include "util/limits.h"
#include "util/pool.h"

struct scan_job {
	struct source *src;
	const struct image *img;
	struct layer_result **results;
	customs_error *errors; /* one per layer: worker threads never share one */
	struct warn_list *warnings;
	const struct analyzer *const *analyzers;
	const customs_scan_options *opts;
};

/* Counts the bytes a layer's blob hands out for the progress callback. It
 * wraps the blob so that every source reports the same way. */
struct progress_blob {
	struct blob b;
	struct blob *inner;
	const customs_scan_options *opts;
	size_t layer;
	uint64_t done, total;
};

static ssize_t progress_read(struct blob *b, void *buf, size_t len, customs_error *err)
{
	struct progress_blob *p = (struct progress_blob *)b;
	ssize_t n = p->inner->read(p->inner, buf, len, err);
	if (n > 0)
		p->done += (uint64_t)n;
	if (n >= 0)
		p->opts->progress(p->opts->progress_user, p->layer, p->done, p->total);
	return n;
}

static void progress_close(struct blob *b)
{
	struct progress_blob *p = (struct progress_blob *)b;
	blob_close(p->inner);
	free(p);
}

/* Takes *blob over: on success it is the counting wrapper, on failure it is
 * closed and NULL. */
static int progress_wrap(struct blob **blob, const customs_scan_options *opts, size_t layer,
                         int64_t size, customs_error *err)
{
	struct progress_blob *p = calloc(1, sizeof(*p));
	if (!p) {
		blob_close(*blob);
		*blob = NULL;
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	}
	p->inner = *blob;
	p->opts = opts;
	p->layer = layer;
	p->total = size > 0 ? (uint64_t)size : 0;
	p->b.read = progress_read;
	p->b.close = progress_close;
	p->b.size = p->inner->size;
	p->b.verified_digest = p->inner->verified_digest;
	*blob = &p->b;
	return 0;
}

static int read_one_layer(void *user, size_t i)
{
	struct scan_job *job = user;
	const customs_scan_options *o = job->opts;
	const struct layer_ref *ref = &job->img->layers[i];
	struct blob *blob = NULL;
	customs_error *err = &job->errors[i];
	int rc = job->src->ops->layer_open(job->src, job->img, i, &blob, err);
	if (rc == 0 && o->progress) {
		int64_t size = ref->size > 0 ? ref->size : blob->size;
		/* Options from before version 2 end before progress_layer. */
		if (o->version >= 2 && o->progress_layer)
			o->progress_layer(o->progress_user, i, job->img->n_layers, ref->digest,
			                  size);
		rc = progress_wrap(&blob, o, i, size, err);
	}
	if (rc == 0)
		rc = layer_read(&job->results[i], blob, ref, job->analyzers, job->warnings, err);
	blob_close(blob);
	if (rc) {
		const struct layer_ref *l = &job->img->layers[i];
		err_prefix(err, "layer %zu (%s)", i + 1,
		           l->digest    ? l->digest
		           : l->diff_id ? l->diff_id
		                        : "no digest");
	}
	return rc;
}

/* Reads every layer; on failure err holds the first failing layer's error. */
static int read_layers(struct layer_result ***out, size_t *n_out, struct source *src,
                       const struct image *img, const customs_scan_options *opts,
                       const struct analyzer *const *analyzers, struct warn_list *warnings,
                       customs_error *err)
{
	int rc = 0;
	size_t n = img->rootfs_dir ? 1 : img->n_layers;
	struct layer_result **results = calloc(n ? n : 1, sizeof(*results));
	customs_error *errors = calloc(n ? n : 1, sizeof(*errors));
	if (!results || !errors) {
		rc = err_set(err, CUSTOMS_ENOMEM, "out of memory");
		goto out;
	}
	if (img->rootfs_dir) {
		rc = layer_read_dir(&results[0], img->rootfs_dir, analyzers, warnings, err);
		goto out;
	}
	struct scan_job job = {src, img, results, errors, warnings, analyzers, opts};
	rc = pool_run(n, opts->parallel, read_one_layer, &job);
	if (rc) {
		for (size_t i = 0; i < n; i++) {
			if (errors[i].code) {
				err_copy(err, &errors[i]);
				rc = errors[i].code;
				break;
			}
		}
	}
out:
	free(errors);
	if (rc) {
		for (size_t i = 0; results && i < n; i++)
			layer_result_free(results[i]);
		free(results);
		return rc;
	}
	*out = results;
	*n_out = n;
	return 0;
}

static int set_image_facts(struct customs_inventory *inv, const char *ref, const struct image *img,
                           const struct merged_fs *m)
{
	int rc = 0;
	rc = rc ? rc : inventory_set(inv, &inv->info.reference, ref);
	rc = rc ? rc : inventory_set(inv, &inv->info.transport, img->transport);
	rc = rc ? rc : inventory_set(inv, &inv->info.manifest_digest, img->manifest_digest);
	rc = rc ? rc : inventory_set(inv, &inv->info.config_digest, img->config_digest);
	rc = rc ? rc : inventory_set(inv, &inv->info.os, img->config.platform.os);
	rc = rc ? rc
	        : inventory_set(inv, &inv->info.architecture, img->config.platform.architecture);
	rc = rc ? rc : inventory_set(inv, &inv->info.variant, img->config.platform.variant);
	if (rc)
		return rc;

	const struct os_info **cands = calloc(m->n_files ? m->n_files : 1, sizeof(*cands));
	if (!cands)
		return CUSTOMS_ENOMEM;
	size_t nc = 0;
	for (size_t i = 0; i < m->n_files; i++)
		if (m->files[i].result->os)
			cands[nc++] = m->files[i].result->os;
	const struct os_info *os = os_info_best(cands, nc);
	free(cands);
	if (os) {
		rc = rc ? rc : inventory_set(inv, &inv->info.os_family, os->family);
		rc = rc ? rc : inventory_set(inv, &inv->info.os_version, os->version);
		rc = rc ? rc : inventory_set(inv, &inv->info.os_codename, os->codename);
		rc = rc ? rc : inventory_set(inv, &inv->info.os_name, os->name);
	}
	if (rc)
		return rc;

	const char **diff_ids = calloc(img->n_layers + 1, sizeof(*diff_ids));
	const char **digests = calloc(img->n_layers + 1, sizeof(*digests));
	if (!diff_ids || !digests) {
		free(diff_ids);
		free(digests);
		return CUSTOMS_ENOMEM;
	}
	for (size_t i = 0; i < img->n_layers; i++) {
		diff_ids[i] = img->layers[i].diff_id;
		digests[i] = img->layers[i].digest;
	}
	rc = inventory_set_layers(inv, diff_ids, digests, img->n_layers);
	free(diff_ids);
	free(digests);
	return rc;
}

/* The OS the inventory names, as the purl builder wants it. */
static struct os_info inventory_os(const struct customs_inventory *inv)
{
	struct os_info os = {(char *)inv->info.os_family, (char *)inv->info.os_version,
	                     (char *)inv->info.os_codename, (char *)inv->info.os_name, 0};
	return os;
}

static int add_packages(struct customs_inventory *inv, const struct image *img,
                        struct layer_result *const *layers, const struct merged_fs *m)
{
	struct os_info os = inventory_os(inv);
	size_t total = 0;
	for (size_t f = 0; f < m->n_files; f++)
		total += m->files[f].result->pkgs.n;
	/* One allocation instead of a chain of doubling copies. */
	if (total <= LIMIT_PACKAGES)
		(void)package_list_reserve(&inv->pkgs, total);
	for (size_t f = 0; f < m->n_files; f++) {
		const struct merged_file *mf = &m->files[f];
		for (size_t i = 0; i < mf->result->pkgs.n; i++) {
			customs_package p = mf->result->pkgs.items[i];
			char *purl = NULL;
			const char *layer = NULL;
			if (!img->rootfs_dir && mf->pkg_layer) {
				size_t li = mf->pkg_layer[i];
				/* Prefer the diff_id the tar really had, computed while reading. */
				layer = layers[li]->diff_id ? layers[li]->diff_id
				                            : img->layers[li].diff_id;
			}
			p.layer = layer;
			p.path = p.path ? p.path : mf->result->path;
			if (!p.purl && purl_for_package(&purl, &p, &os) == 0)
				p.purl = purl;
			int rc = inventory_add_package(inv, &p);
			free(purl);
			if (rc)
				return rc;
		}
	}
	return CUSTOMS_OK;
}

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_package(const void *x, const void *y)
{
	const customs_package *a = x, *b = y;
	int c = cmp_str(a->type, b->type);
	c = c ? c : cmp_str(a->name, b->name);
	c = c ? c : cmp_str(a->version, b->version);
	c = c ? c : cmp_str(a->arch, b->arch);
	c = c ? c : cmp_str(a->path, b->path);
	return c;
}

int customs_inventory_scan(customs_inventory **out, const char *ref,
                           const customs_scan_options *opts, customs_error *err)
{
	customs_scan_options defaults = CUSTOMS_SCAN_OPTIONS_INIT;
	struct source *src = NULL;
	struct image *img = NULL;
	struct layer_result **layers = NULL;
	size_t n_layers = 0;
	struct merged_fs merged = {0};
	struct customs_inventory *inv = NULL;
	struct scan_extra extra = {0};
	int rc;

	if (!opts)
		opts = &defaults;
	if (!ref || !*ref)
		return err_set(err, CUSTOMS_EUSAGE, "no image reference given");
	if ((rc = customs_init(err)))
		return rc;
	if ((rc = inventory_new(&inv)))
		return err_set(err, rc, "out of memory");
	if ((rc = source_open(&src, ref, opts, err)))
		goto out;
	if ((rc = src->ops->resolve(src, &img, err)))
		goto out;
	if ((rc = scan_extra_init(&extra, opts, err)))
		goto out;
	if ((rc = read_layers(&layers, &n_layers, src, img, opts, extra.list, &inv->warnings, err)))
		goto out;
	if ((rc = layer_merge(&merged, layers, n_layers, err)))
		goto out;
	if ((rc = set_image_facts(inv, ref, img, &merged)) ||
	    (rc = add_packages(inv, img, layers, &merged)) ||
	    (rc = scan_drop_os_owned(inv, &merged, NULL))) {
		err_set(err, rc, "building the inventory: %s", customs_strerror(rc));
		goto out;
	}
	qsort(inv->pkgs.items, inv->pkgs.n, sizeof(*inv->pkgs.items), cmp_package);
	if ((rc = scan_extra_collect(inv, img, layers, n_layers, &merged, &extra))) {
		err_set(err, rc, "collecting secrets, malware and misconfigurations: %s",
		        customs_strerror(rc));
		goto out;
	}
	*out = inv;
	inv = NULL;
out:
	merged_fs_clear(&merged);
	for (size_t i = 0; layers && i < n_layers; i++)
		layer_result_free(layers[i]);
	free(layers);
	scan_extra_clear(&extra);
	image_free(img);
	source_close(src);
	customs_inventory_free(inv);
	return rc;
}
