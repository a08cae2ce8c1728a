/* The inventory behind the public customs_inventory handle: image facts,
 * packages and warnings, with the builders the scan (and tests) use. */
#ifndef SCAN_INVENTORY_H
#define SCAN_INVENTORY_H

#include "analyze/package.h"
#include "customs/customs.h"
#include "customs/findings_extra.h"
#include "util/warn.h"

struct customs_inventory {
	customs_image_info info; /* strings below are owned through these pointers */
	char **layer_diff_ids;
	char **layer_digests;
	struct package_list pkgs;
	struct warn_list warnings;
	customs_secret *secrets; /* strings owned (scan/extra.c) */
	size_t n_secrets, cap_secrets;
	customs_misconfig *misconfigs;
	size_t n_misconfigs, cap_misconfigs;
	customs_malware *malware; /* strings owned (scan/malware.c) */
	size_t n_malware, cap_malware;
};

/* Appends deep copies (scan/extra.c). */
int inventory_add_secret(struct customs_inventory *inv, const customs_secret *s);
int inventory_add_misconfig(struct customs_inventory *inv, const customs_misconfig *m);
void inventory_extra_free(struct customs_inventory *inv);
int inventory_add_malware(struct customs_inventory *inv, const customs_malware *m);
void inventory_malware_free(struct customs_inventory *inv);

/* Makes room for item n of an array of elem-byte items (capacity *cap,
 * capped at LIMIT_PACKAGES): 0, CUSTOMS_ENOMEM or CUSTOMS_ETOOLARGE. */
int inventory_grow(void **items, size_t *cap, size_t n, size_t elem);
/* Replaces each string of *fields[0..n) with a copy of itself; on failure
 * frees the copies made and sets every field to NULL. */
int inventory_dup_fields(const char **fields[], size_t n);

/* A new empty inventory (packages capped at LIMIT_PACKAGES). */
int inventory_new(struct customs_inventory **out);

/* Sets one image string field (a pointer into inv->info) to a copy of value. */
int inventory_set(struct customs_inventory *inv, const char **field, const char *value);

/* Sets the layer lists (copied); either array may be NULL. */
int inventory_set_layers(struct customs_inventory *inv, const char *const *diff_ids,
                         const char *const *digests, size_t n);

/* Appends a deep copy of p. */
int inventory_add_package(struct customs_inventory *inv, const customs_package *p);

#endif
