/* Secrets, misconfiguration and malware results for the inventory: which
 * extra analyzers a scan runs, and turning their layer results into findings. */
#ifndef SCAN_EXTRA_H
#define SCAN_EXTRA_H

#include "analyze/analyzer.h"
#include "image/image.h"
#include "layer/layer.h"
#include "scan/inventory.h"

/* What one scan runs beyond the package analyzers. */
struct scan_extra {
	unsigned int scanners;            /* CUSTOMS_SCAN_* */
	const struct analyzer **list;     /* built-in + extra analyzers, NULL-terminated */
	struct analyzer secrets;          /* analyzer_secrets with ctx = secret_cfg */
	struct secret_config *secret_cfg; /* from opts->secret_config, or NULL */
	struct analyzer malware;          /* analyzer_malware with ctx = engine */
	struct malware_engine *engine;    /* a reference, when malware scanning is on */
};

/* Loads the secret config (when opts->secret_config is set) and the malware
 * engine (CUSTOMS_SCAN_MALWARE), and builds the list. Options from before
 * version 2 get packages only. scan_extra_clear frees it all, also after a
 * failure. */
int scan_extra_init(struct scan_extra *x, const customs_scan_options *opts, customs_error *err);
void scan_extra_clear(struct scan_extra *x);

/* Adds the secrets (config and layers, hidden ones flagged), malware and
 * failed checks to inv. Call after the packages are in. */
int scan_extra_collect(struct customs_inventory *inv, const struct image *img,
                       struct layer_result *const *layers, size_t n, const struct merged_fs *m,
                       const struct scan_extra *x);

#endif
