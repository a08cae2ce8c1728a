/* Inventory handles: construction, public accessors and freeing. */
#include <stdlib.h>
#include <string.h>

#include "scan/inventory.h"
#include "util/limits.h"

int inventory_new(struct customs_inventory **out)
{
	struct customs_inventory *inv = calloc(1, sizeof(*inv));
	if (!inv)
		return CUSTOMS_ENOMEM;
	inv->pkgs.max = LIMIT_PACKAGES;
	warn_list_init(&inv->warnings);
	*out = inv;
	return CUSTOMS_OK;
}

int inventory_set(struct customs_inventory *inv, const char **field, const char *value)
{
	char *copy = NULL;
	if (value && !(copy = strdup(value)))
		return CUSTOMS_ENOMEM;
	free((char *)*field);
	*field = copy;
	return CUSTOMS_OK;
}

static void free_strv(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int copy_strv(char ***out, const char *const *src, size_t n)
{
	*out = NULL;
	if (!src)
		return CUSTOMS_OK;
	char **v = calloc(n + 1, sizeof(*v));
	if (!v)
		return CUSTOMS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (src[i] && !(v[i] = strdup(src[i]))) {
			free_strv(v, n);
			return CUSTOMS_ENOMEM;
		}
	}
	*out = v;
	return CUSTOMS_OK;
}

int inventory_set_layers(struct customs_inventory *inv, const char *const *diff_ids,
                         const char *const *digests, size_t n)
{
	char **d = NULL, **g = NULL;
	if (copy_strv(&d, diff_ids, n) || copy_strv(&g, digests, n)) {
		free_strv(d, n);
		free_strv(g, n);
		return CUSTOMS_ENOMEM;
	}
	free_strv(inv->layer_diff_ids, inv->info.layer_count);
	free_strv(inv->layer_digests, inv->info.layer_count);
	inv->layer_diff_ids = d;
	inv->layer_digests = g;
	inv->info.layer_count = n;
	inv->info.layer_diff_ids = (const char *const *)d;
	inv->info.layer_digests = (const char *const *)g;
	return CUSTOMS_OK;
}

int inventory_add_package(struct customs_inventory *inv, const customs_package *p)
{
	customs_package *slot = package_list_add(&inv->pkgs);
	if (!slot)
		return inv->pkgs.n >= LIMIT_PACKAGES ? CUSTOMS_ETOOLARGE : CUSTOMS_ENOMEM;
	if (package_copy(slot, p)) {
		inv->pkgs.n--;
		return CUSTOMS_ENOMEM;
	}
	return CUSTOMS_OK;
}

void customs_inventory_free(customs_inventory *inv)
{
	if (!inv)
		return;
	const char **fields[] = {
	    &inv->info.reference,     &inv->info.transport, &inv->info.manifest_digest,
	    &inv->info.config_digest, &inv->info.os,        &inv->info.architecture,
	    &inv->info.variant,       &inv->info.os_family, &inv->info.os_version,
	    &inv->info.os_codename,   &inv->info.os_name};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		free((char *)*fields[i]);
	free_strv(inv->layer_diff_ids, inv->info.layer_count);
	free_strv(inv->layer_digests, inv->info.layer_count);
	package_list_free(&inv->pkgs);
	warn_list_free(&inv->warnings);
	inventory_extra_free(inv);
	free(inv);
}

const customs_image_info *customs_inventory_image(const customs_inventory *inv)
{
	return &inv->info;
}

size_t customs_inventory_package_count(const customs_inventory *inv)
{
	return inv->pkgs.n;
}

const customs_package *customs_inventory_package(const customs_inventory *inv, size_t i)
{
	return i < inv->pkgs.n ? &inv->pkgs.items[i] : NULL;
}

size_t customs_inventory_warning_count(const customs_inventory *inv)
{
	return inv->warnings.n;
}

const char *customs_inventory_warning(const customs_inventory *inv, size_t i)
{
	return i < inv->warnings.n ? inv->warnings.items[i] : NULL;
}
