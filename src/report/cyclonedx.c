/* CycloneDX 1.5 JSON SBOM: the image as the BOM's subject, the OS and every
 * package as components with purl, license and layer, and the dependency graph. */
#include <stdlib.h>
#include <string.h>

#include "customs_config.h"
#include "report/report_int.h"
#include "util/error.h"
#include "util/sha256.h"

#define IMAGE_REF "customs:image"
#define OS_REF    "customs:os"

/* CycloneDX allows either several license choices or one expression; a package
 * declares one string, so this is a one-element array, or nothing for none. */
static int add_licenses(json_t *comp, const char *license)
{
	const char *id = NULL;
	json_t *arr = NULL, *choice = NULL, *lic = NULL;
	int rc = -1;
	enum license_kind k = report_license_classify(license, true, &id);
	if (k == LICENSE_NONE)
		return 0;
	if (!(arr = json_array()) || !(choice = json_object()))
		goto out;
	if (k == LICENSE_EXPRESSION) {
		if (rj_set_str(choice, "expression", license))
			goto out;
	} else {
		if (!(lic = json_object()) ||
		    (k == LICENSE_ID ? json_object_set_new(lic, "id", json_string(id))
		                     : rj_set_str(lic, "name", license)) ||
		    json_object_set(choice, "license", lic))
			goto out;
	}
	if (json_array_append(arr, choice) || json_object_set(comp, "licenses", arr))
		goto out;
	rc = 0;
out:
	json_decref(arr);
	json_decref(choice);
	json_decref(lic);
	return rc;
}

static int add_supplier(json_t *comp, const char *maintainer)
{
	char *name = NULL, *email = NULL;
	json_t *sup = NULL, *contact = NULL, *person = NULL;
	int rc = -1;
	if (!maintainer)
		return 0;
	if (report_split_maintainer(maintainer, &name, &email))
		return -1;
	if (!(sup = json_object()) || rj_set_str(sup, "name", name))
		goto out;
	if (email) {
		if (!(contact = json_array()) || !(person = json_object()) ||
		    rj_set_str(person, "name", name) || rj_set_str(person, "email", email) ||
		    json_array_append(contact, person) || json_object_set(sup, "contact", contact))
			goto out;
	}
	if (json_object_set(comp, "supplier", sup) || rj_set_str(comp, "author", maintainer))
		goto out;
	rc = 0;
out:
	json_decref(sup);
	json_decref(contact);
	json_decref(person);
	free(name);
	free(email);
	return rc;
}

static json_t *package_component(const customs_package *p, const char *ref)
{
	json_t *comp = json_object(), *props = json_array(), *result = NULL;
	char *version = NULL;
	bool nomem = false;
	if (!comp || !props)
		goto out;
	version = report_full_version(p, &nomem);
	if (nomem)
		goto out;
	if (json_object_set_new(comp, "bom-ref", report_json_string(ref)) ||
	    json_object_set_new(comp, "type", json_string("library")) ||
	    add_supplier(comp, p->maintainer) ||
	    json_object_set_new(comp, "name", report_json_string(p->name ? p->name : "")) ||
	    rj_set_str(comp, "version", version) || add_licenses(comp, p->license) ||
	    rj_set_str(comp, "purl", p->purl))
		goto out;
	if (rj_add_property(props, "customs:package:type", p->type) ||
	    rj_add_property(props, "customs:package:arch", p->arch) ||
	    rj_add_property(props, "customs:package:src_name", p->src_name) ||
	    rj_add_property(props, "customs:package:src_version", p->src_version) ||
	    rj_add_property(props, "customs:package:path", p->path) ||
	    rj_add_property(props, "customs:layer:diff_id", p->layer))
		goto out;
	if (p->installed_size >= 0) {
		char size[24];
		snprintf(size, sizeof(size), "%lld", (long long)p->installed_size);
		if (rj_add_property(props, "customs:package:installed_size", size))
			goto out;
	}
	if (json_array_size(props) && json_object_set(comp, "properties", props))
		goto out;
	result = comp;
	comp = NULL;
out:
	json_decref(comp);
	json_decref(props);
	free(version);
	return result;
}

/* The manifest digest doubles as the container's hash when it is a sha256. */
static int add_image_hash(json_t *comp, const char *digest)
{
	if (!digest || !digest_is_valid_sha256(digest))
		return 0;
	json_t *hashes = json_array(), *h = json_object();
	if (!hashes || !h || json_object_set_new(h, "alg", json_string("SHA-256")) ||
	    json_object_set_new(h, "content", json_string(digest + 7)) ||
	    json_array_append(hashes, h) || json_object_set(comp, "hashes", hashes)) {
		json_decref(hashes);
		json_decref(h);
		return -1;
	}
	json_decref(hashes);
	json_decref(h);
	return 0;
}

static json_t *image_component(const customs_image_info *img)
{
	json_t *comp = json_object(), *props = json_array(), *result = NULL;
	if (!comp || !props)
		goto out;
	if (json_object_set_new(comp, "bom-ref", json_string(IMAGE_REF)) ||
	    json_object_set_new(comp, "type", json_string("container")) ||
	    json_object_set_new(comp, "name",
	                        report_json_string(img->reference ? img->reference : "")) ||
	    rj_set_str(comp, "version", img->manifest_digest) ||
	    add_image_hash(comp, img->manifest_digest))
		goto out;
	if (rj_add_property(props, "customs:image:transport", img->transport) ||
	    rj_add_property(props, "customs:image:config_digest", img->config_digest) ||
	    rj_add_property(props, "customs:image:os", img->os) ||
	    rj_add_property(props, "customs:image:architecture", img->architecture) ||
	    rj_add_property(props, "customs:image:variant", img->variant) ||
	    rj_add_property(props, "customs:os:family", img->os_family) ||
	    rj_add_property(props, "customs:os:version", img->os_version) ||
	    rj_add_property(props, "customs:os:codename", img->os_codename))
		goto out;
	for (size_t i = 0; i < img->layer_count; i++)
		if (img->layer_diff_ids &&
		    rj_add_property(props, "customs:layer:diff_id", img->layer_diff_ids[i]))
			goto out;
	if (json_array_size(props) && json_object_set(comp, "properties", props))
		goto out;
	result = comp;
	comp = NULL;
out:
	json_decref(comp);
	json_decref(props);
	return result;
}

static json_t *os_component(const customs_image_info *img)
{
	json_t *comp = json_object(), *props = json_array();
	if (!comp || !props || json_object_set_new(comp, "bom-ref", json_string(OS_REF)) ||
	    json_object_set_new(comp, "type", json_string("operating-system")) ||
	    rj_set_str(comp, "name", img->os_family) ||
	    rj_set_str(comp, "version", img->os_version) ||
	    rj_set_str(comp, "description", img->os_name) ||
	    rj_add_property(props, "customs:os:codename", img->os_codename) ||
	    (json_array_size(props) && json_object_set(comp, "properties", props))) {
		json_decref(comp);
		json_decref(props);
		return NULL;
	}
	json_decref(props);
	return comp;
}

static json_t *metadata(const struct report_ctx *c)
{
	json_t *md = json_object(), *tools = json_object(), *tcomps = json_array();
	json_t *tool = json_object();
	if (!md || !tools || !tcomps || !tool ||
	    json_object_set_new(md, "timestamp", json_string(c->timestamp)) ||
	    json_object_set_new(tool, "type", json_string("application")) ||
	    json_object_set_new(tool, "name", json_string("customs")) ||
	    json_object_set_new(tool, "version", json_string(customs_version())) ||
	    json_array_append(tcomps, tool) || json_object_set(tools, "components", tcomps) ||
	    json_object_set(md, "tools", tools) ||
	    json_object_set_new(md, "component", image_component(c->img))) {
		json_decref(md);
		md = NULL;
	}
	json_decref(tools);
	json_decref(tcomps);
	json_decref(tool);
	return md;
}

/* {"ref": ref, "dependsOn": on}; takes on. NULL when memory ran out. */
static json_t *dependency(const char *ref, json_t *on)
{
	json_t *d = json_object();
	if (!d || !on || json_object_set_new(d, "ref", json_string(ref)) ||
	    json_object_set(d, "dependsOn", on)) {
		json_decref(d);
		d = NULL;
	}
	json_decref(on);
	return d;
}

/* The bom-ref of package i: its purl (valid UTF-8, it is also a set key), made
 * unique within refs. NULL when memory ran out. */
static char *package_ref(json_t *refs, const customs_package *p, size_t i)
{
	char base[64], *clean, *ref;
	const char *b = p->purl;
	size_t n;
	if (!b || !*b) {
		snprintf(base, sizeof(base), "customs:package:%zu", i);
		b = base;
	}
	if (!(clean = report_utf8_sanitize(b, strlen(b), &n)))
		return NULL;
	ref = report_unique_id(refs, clean, "|");
	free(clean);
	return ref;
}

int report_cyclonedx_write(FILE *f, const struct report_ctx *c, customs_error *err)
{
	struct rj_stream s;
	char serial[48], *ref = NULL;
	json_t *refs = json_object(), *image_on = json_array(), *os_on = json_array();
	bool has_os = c->img->os_family && *c->img->os_family;
	rj_stream_begin(&s, f);
	/* Reserve the fixed refs so that a package purl cannot take them. */
	if (!refs || !image_on || !os_on || !(ref = report_unique_id(refs, IMAGE_REF, "|"))) {
		s.rc = CUSTOMS_ENOMEM;
		goto out;
	}
	free(ref);
	if (!(ref = report_unique_id(refs, OS_REF, "|"))) {
		s.rc = CUSTOMS_ENOMEM;
		goto out;
	}
	free(ref);
	ref = NULL;
	snprintf(serial, sizeof(serial), "urn:uuid:%s", c->uuid);
	rj_stream_member(&s, "$schema",
	                 json_string("http://cyclonedx.org/schema/bom-1.5.schema.json"));
	rj_stream_member(&s, "bomFormat", json_string("CycloneDX"));
	rj_stream_member(&s, "specVersion", json_string("1.5"));
	rj_stream_member(&s, "serialNumber", json_string(serial));
	rj_stream_member(&s, "version", json_integer(1));
	rj_stream_member(&s, "metadata", metadata(c));
	rj_stream_array_begin(&s, "components");
	if (has_os) {
		rj_stream_element(&s, os_component(c->img));
		if (json_array_append_new(image_on, json_string(OS_REF)))
			s.rc = CUSTOMS_ENOMEM;
	}
	for (size_t i = 0; i < c->npkgs && !s.rc; i++) {
		const customs_package *p = customs_inventory_package(c->inv, i);
		if (!(ref = package_ref(refs, p, i))) {
			s.rc = CUSTOMS_ENOMEM;
			break;
		}
		rj_stream_element(&s, package_component(p, ref));
		if (json_array_append_new(image_on, json_string_nocheck(ref)) ||
		    (has_os && report_is_os_package(p) &&
		     json_array_append_new(os_on, json_string_nocheck(ref))))
			s.rc = CUSTOMS_ENOMEM;
		free(ref);
		ref = NULL;
	}
	rj_stream_array_end(&s);
	rj_stream_array_begin(&s, "dependencies");
	rj_stream_element(&s, dependency(IMAGE_REF, image_on));
	image_on = NULL;
	if (has_os) {
		rj_stream_element(&s, dependency(OS_REF, os_on));
		os_on = NULL;
	}
	rj_stream_array_end(&s);
out:
	free(ref);
	json_decref(refs);
	json_decref(image_on);
	json_decref(os_on);
	return rj_stream_end(&s, "CycloneDX document", err);
}
