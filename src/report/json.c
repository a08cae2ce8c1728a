/* The customs JSON report: the image ("artifact"), its packages and the scan
 * warnings, in a shape documented in docs/sbom.md and reused by later reports. */
#include <stdlib.h>

#include "report/report_int.h"
#include "util/error.h"

/* Unknown values are JSON null rather than absent, so consumers see one shape. */
static int set_str_or_null(json_t *obj, const char *key, const char *s)
{
	return json_object_set_new(obj, key, report_json_string(s));
}

json_t *report_package_json(const customs_package *p)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	int rc = 0;
	rc |= set_str_or_null(o, "type", p->type);
	rc |= set_str_or_null(o, "name", p->name);
	rc |= set_str_or_null(o, "epoch", p->epoch);
	rc |= set_str_or_null(o, "version", p->version);
	rc |= set_str_or_null(o, "arch", p->arch);
	rc |= set_str_or_null(o, "purl", p->purl);
	rc |= set_str_or_null(o, "src_name", p->src_name);
	rc |= set_str_or_null(o, "src_version", p->src_version);
	rc |= set_str_or_null(o, "license", p->license);
	rc |= set_str_or_null(o, "maintainer", p->maintainer);
	rc |= set_str_or_null(o, "path", p->path);
	rc |= set_str_or_null(o, "layer", p->layer);
	rc |= json_object_set_new(o, "installed_size",
	                          p->installed_size >= 0 ? json_integer(p->installed_size)
	                                                 : json_null());
	if (rc) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *report_artifact_json(const customs_image_info *img)
{
	json_t *a = json_object(), *os = json_object(), *layers = json_array(), *result = NULL;
	int rc = 0;
	if (!a || !os || !layers)
		goto out;
	rc |= set_str_or_null(a, "name", img->reference);
	rc |= set_str_or_null(a, "transport", img->transport);
	rc |= set_str_or_null(a, "manifest_digest", img->manifest_digest);
	rc |= set_str_or_null(a, "config_digest", img->config_digest);
	rc |= set_str_or_null(os, "family", img->os_family);
	rc |= set_str_or_null(os, "version", img->os_version);
	rc |= set_str_or_null(os, "codename", img->os_codename);
	rc |= set_str_or_null(os, "name", img->os_name);
	rc |= json_object_set(a, "os", os);
	rc |= set_str_or_null(a, "architecture", img->architecture);
	for (size_t i = 0; i < img->layer_count; i++) {
		const char *d = img->layer_diff_ids ? img->layer_diff_ids[i] : NULL;
		rc |= json_array_append_new(layers, report_json_string(d));
	}
	rc |= json_object_set(a, "layers", layers);
	if (!rc) {
		result = a;
		a = NULL;
	}
out:
	json_decref(a);
	json_decref(os);
	json_decref(layers);
	return result;
}

int report_json_write(FILE *f, const struct report_ctx *c, customs_error *err)
{
	struct rj_stream s;
	rj_stream_begin(&s, f);
	rj_stream_member(&s, "artifact", report_artifact_json(c->img));
	rj_stream_array_begin(&s, "packages");
	for (size_t i = 0; i < c->npkgs && !s.rc; i++)
		rj_stream_element(&s, report_package_json(customs_inventory_package(c->inv, i)));
	rj_stream_array_end(&s);
	rj_stream_array_begin(&s, "warnings");
	size_t nw = customs_inventory_warning_count(c->inv);
	for (size_t i = 0; i < nw && !s.rc; i++)
		rj_stream_element(&s, report_json_string(customs_inventory_warning(c->inv, i)));
	rj_stream_array_end(&s);
	return rj_stream_end(&s, "JSON report", err);
}
