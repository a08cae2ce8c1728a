/* SPDX 2.3 JSON SBOM: the image as the described package, every package with
 * purl, declared license, supplier and layer, and the CONTAINS relationships. */
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/sha256.h"

#define IMAGE_ID    "SPDXRef-Image"
#define OS_ID       "SPDXRef-OperatingSystem"
#define NOASSERTION "NOASSERTION"
/* Bytes of a hostile name kept in an SPDXID or the namespace: enough to tell
 * packages apart for a reader; the counter suffix keeps ids unique anyway. */
#define ID_NAME_BYTES 96

struct spdx {
	const struct report_ctx *c;
	char creator[64];
	json_t *ids;       /* SPDXIDs in use */
	json_t *extracted; /* hasExtractedLicensingInfos, one per distinct string */
	json_t *extracted_ids;
};

/* SPDX ids allow letters, digits, '.' and '-' only. */
static int idify(struct buf *b, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	int rc = 0;
	if (!n)
		return buf_append_str(b, "unknown");
	for (size_t i = 0; i < n && i < max; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c >= '0' && c <= '9') || c == '.' || c == '-';
		rc |= buf_append(b, ok ? &c : "-", 1);
	}
	return rc;
}

static char *package_id(struct spdx *s, const customs_package *p)
{
	struct buf b;
	buf_init(&b, 1024);
	int rc = buf_append_str(&b, "SPDXRef-Package-") | idify(&b, p->type, 16) |
	         buf_append_str(&b, "-") | idify(&b, p->name, ID_NAME_BYTES);
	if (p->version) {
		rc |= buf_append_str(&b, "-");
		if (p->epoch && *p->epoch)
			rc |= idify(&b, p->epoch, 16) | buf_append_str(&b, "-");
		rc |= idify(&b, p->version, ID_NAME_BYTES);
	}
	char *id = rc ? NULL : report_unique_id(s->ids, b.data, "-");
	buf_free(&b);
	return id;
}

static json_t *relationship(const char *from, const char *type, const char *to)
{
	json_t *r = json_object();
	if (r && (json_object_set_new(r, "spdxElementId", json_string(from)) ||
	          json_object_set_new(r, "relationshipType", json_string(type)) ||
	          json_object_set_new(r, "relatedSpdxElement", json_string(to)))) {
		json_decref(r);
		r = NULL;
	}
	return r;
}

static int annotate(struct spdx *s, json_t *anns, const char *key, const char *value)
{
	if (!value)
		return 0;
	char *text = NULL;
	json_t *a = json_object();
	int rc = -1;
	if (!a || asprintf(&text, "%s=%s", key, value) < 0) {
		text = NULL;
		goto out;
	}
	if (json_object_set_new(a, "annotationDate", json_string(s->c->timestamp)) ||
	    json_object_set_new(a, "annotationType", json_string("OTHER")) ||
	    json_object_set_new(a, "annotator", json_string(s->creator)) ||
	    json_object_set_new(a, "comment", report_json_string(text)) ||
	    json_array_append(anns, a))
		goto out;
	rc = 0;
out:
	free(text);
	json_decref(a);
	return rc;
}

/* A license string that is no SPDX expression becomes a LicenseRef whose name
 * is a digest of the text, so the same text always gets the same id. */
static int declared_license(struct spdx *s, json_t *pkg, const char *license)
{
	const char *id = NULL;
	enum license_kind k = report_license_classify(license, false, &id);
	if (k == LICENSE_NONE)
		return json_object_set_new(pkg, "licenseDeclared", json_string(NOASSERTION));
	if (k == LICENSE_ID)
		return json_object_set_new(pkg, "licenseDeclared", json_string(id));
	if (k == LICENSE_EXPRESSION)
		return rj_set_str(pkg, "licenseDeclared", license);
	char d[SHA256_DIGEST_STRING_LEN + 1], ref[64];
	sha256_digest_of(d, license, strlen(license));
	snprintf(ref, sizeof(ref), "LicenseRef-customs-%.16s", d + 7);
	if (!json_object_get(s->extracted_ids, ref)) {
		json_t *e = json_object();
		if (!e || json_object_set_new(e, "licenseId", json_string(ref)) ||
		    rj_set_str(e, "extractedText", license) || rj_set_str(e, "name", license) ||
		    json_object_set_new(
		        e, "comment", json_string("license as declared by the package database")) ||
		    json_array_append(s->extracted, e) ||
		    json_object_set_new(s->extracted_ids, ref, json_true())) {
			json_decref(e);
			return -1;
		}
		json_decref(e);
	}
	return json_object_set_new(pkg, "licenseDeclared", json_string(ref));
}

static int supplier(json_t *pkg, const char *maintainer)
{
	char *name = NULL, *email = NULL, *text = NULL;
	int rc = -1;
	if (!maintainer)
		return 0;
	if (report_split_maintainer(maintainer, &name, &email))
		return -1;
	/* SPDX agent syntax: "Organization: name (email)". */
	int n = email ? asprintf(&text, "Organization: %s (%s)", name ? name : email, email)
	              : asprintf(&text, "Organization: %s", name);
	if (n < 0) {
		text = NULL;
		goto out;
	}
	rc = rj_set_str(pkg, "supplier", text);
out:
	free(name);
	free(email);
	free(text);
	return rc;
}

static int purl_ref(json_t *pkg, const char *purl)
{
	if (!purl || !*purl)
		return 0;
	json_t *refs = json_array(), *r = json_object();
	int rc = -1;
	if (refs && r &&
	    !json_object_set_new(r, "referenceCategory", json_string("PACKAGE-MANAGER")) &&
	    !json_object_set_new(r, "referenceType", json_string("purl")) &&
	    !rj_set_str(r, "referenceLocator", purl) && !json_array_append(refs, r) &&
	    !json_object_set(pkg, "externalRefs", refs))
		rc = 0;
	json_decref(refs);
	json_decref(r);
	return rc;
}

/* Fields every package of this document shares. */
static json_t *package_base(const char *id, const char *name, const char *version)
{
	json_t *pkg = json_object();
	if (!pkg || json_object_set_new(pkg, "SPDXID", json_string(id)) ||
	    json_object_set_new(pkg, "name", report_json_string(name ? name : "")) ||
	    rj_set_str(pkg, "versionInfo", version) ||
	    json_object_set_new(pkg, "downloadLocation", json_string(NOASSERTION)) ||
	    json_object_set_new(pkg, "filesAnalyzed", json_false()) ||
	    json_object_set_new(pkg, "licenseConcluded", json_string(NOASSERTION))) {
		json_decref(pkg);
		return NULL;
	}
	return pkg;
}

static json_t *package_json(struct spdx *s, const customs_package *p, const char *id)
{
	json_t *pkg = NULL, *anns = json_array(), *result = NULL;
	char *version = NULL, *source = NULL, *src = NULL;
	bool nomem = false;
	version = report_full_version(p, &nomem);
	if (nomem || !anns || !(pkg = package_base(id, p->name, version)))
		goto out;
	if (report_source_text(&src, p) ||
	    (src && asprintf(&source, "built package from: %s", src) < 0)) {
		source = NULL;
		goto out;
	}
	if (supplier(pkg, p->maintainer) || declared_license(s, pkg, p->license) ||
	    json_object_set_new(pkg, "copyrightText", json_string(NOASSERTION)) ||
	    rj_set_str(pkg, "sourceInfo", source) || purl_ref(pkg, p->purl))
		goto out;
	if (annotate(s, anns, "customs:layer:diff_id", p->layer) ||
	    annotate(s, anns, "customs:package:path", p->path) ||
	    annotate(s, anns, "customs:package:type", p->type) ||
	    annotate(s, anns, "customs:package:arch", p->arch) ||
	    (json_array_size(anns) && json_object_set(pkg, "annotations", anns)))
		goto out;
	result = pkg;
	pkg = NULL;
out:
	json_decref(pkg);
	json_decref(anns);
	free(version);
	free(source);
	free(src);
	return result;
}

static json_t *image_json(struct spdx *s)
{
	const customs_image_info *img = s->c->img;
	json_t *pkg = package_base(IMAGE_ID, img->reference, img->manifest_digest);
	json_t *anns = json_array(), *sums = NULL, *sum = NULL, *result = NULL;
	if (!pkg || !anns ||
	    json_object_set_new(pkg, "primaryPackagePurpose", json_string("CONTAINER")) ||
	    json_object_set_new(pkg, "licenseDeclared", json_string(NOASSERTION)) ||
	    json_object_set_new(pkg, "copyrightText", json_string(NOASSERTION)))
		goto out;
	if (img->manifest_digest && digest_is_valid_sha256(img->manifest_digest)) {
		if (!(sums = json_array()) || !(sum = json_object()) ||
		    json_object_set_new(sum, "algorithm", json_string("SHA256")) ||
		    json_object_set_new(sum, "checksumValue",
		                        json_string(img->manifest_digest + 7)) ||
		    json_array_append(sums, sum) || json_object_set(pkg, "checksums", sums))
			goto out;
	}
	if (annotate(s, anns, "customs:image:transport", img->transport) ||
	    annotate(s, anns, "customs:image:config_digest", img->config_digest) ||
	    annotate(s, anns, "customs:image:architecture", img->architecture))
		goto out;
	for (size_t i = 0; i < img->layer_count; i++)
		if (img->layer_diff_ids &&
		    annotate(s, anns, "customs:layer:diff_id", img->layer_diff_ids[i]))
			goto out;
	if (json_array_size(anns) && json_object_set(pkg, "annotations", anns))
		goto out;
	result = pkg;
	pkg = NULL;
out:
	json_decref(pkg);
	json_decref(anns);
	json_decref(sums);
	json_decref(sum);
	return result;
}

static json_t *os_json(const customs_image_info *img)
{
	json_t *pkg = package_base(OS_ID, img->os_family, img->os_version);
	if (!pkg || json_object_set_new(pkg, "licenseDeclared", json_string(NOASSERTION)) ||
	    rj_set_str(pkg, "description", img->os_name) ||
	    rj_set_str(pkg, "summary", img->os_codename)) {
		json_decref(pkg);
		return NULL;
	}
	return pkg;
}

/* A URI that is unique per document: SPDX asks for one, it need not resolve.
 * The .invalid domain (RFC 2606) can never belong to anyone. */
static char *namespace_uri(const char *name, const char *uuid)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b;
	buf_init(&b, 4096);
	buf_append_str(&b, "https://customs.invalid/spdx/");
	size_t n = name ? strlen(name) : 0;
	for (size_t i = 0; i < n && i < ID_NAME_BYTES; i++) {
		unsigned char c = (unsigned char)name[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			buf_append(&b, &c, 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_append(&b, e, 3);
		}
	}
	if (buf_printf(&b, "%s%s", n ? "-" : "", uuid)) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

static json_t *creation_info(const struct spdx *s)
{
	char list_version[16];
	json_t *ci = json_object(), *creators = json_array();
	/* The list version field is "major.minor". */
	snprintf(list_version, sizeof(list_version), "%s", report_spdx_list_version);
	char *second = strchr(list_version, '.');
	if (second && (second = strchr(second + 1, '.')))
		*second = '\0';
	if (!ci || !creators || json_object_set_new(ci, "created", json_string(s->c->timestamp)) ||
	    json_array_append_new(creators, json_string(s->creator)) ||
	    json_object_set(ci, "creators", creators) ||
	    json_object_set_new(ci, "licenseListVersion", json_string(list_version))) {
		json_decref(ci);
		ci = NULL;
	}
	json_decref(creators);
	return ci;
}

int report_spdx_write(FILE *f, const struct report_ctx *c, customs_error *err)
{
	struct rj_stream st;
	struct spdx s = {.c = c};
	char *ns = NULL, *id = NULL;
	json_t *pkg_ids = json_array(), *described = json_array();
	const customs_image_info *img = c->img;
	bool has_os = img->os_family && *img->os_family;
	rj_stream_begin(&st, f);
	s.ids = json_object();
	s.extracted = json_array();
	s.extracted_ids = json_object();
	snprintf(s.creator, sizeof(s.creator), "Tool: customs-%s", customs_version());
	if (!pkg_ids || !described || !s.ids || !s.extracted || !s.extracted_ids ||
	    !(ns = namespace_uri(img->reference, c->uuid)) ||
	    json_object_set_new(s.ids, IMAGE_ID, json_integer(2)) ||
	    json_object_set_new(s.ids, OS_ID, json_integer(2)) ||
	    json_object_set_new(s.ids, "SPDXRef-DOCUMENT", json_integer(2)) ||
	    json_array_append_new(described, json_string(IMAGE_ID))) {
		st.rc = CUSTOMS_ENOMEM;
		goto out;
	}
	rj_stream_member(&st, "spdxVersion", json_string("SPDX-2.3"));
	rj_stream_member(&st, "dataLicense", json_string("CC0-1.0"));
	rj_stream_member(&st, "SPDXID", json_string("SPDXRef-DOCUMENT"));
	rj_stream_member(&st, "name",
	                 report_json_string(img->reference ? img->reference : "image"));
	rj_stream_member(&st, "documentNamespace", report_json_string(ns));
	rj_stream_member(&st, "creationInfo", creation_info(&s));
	rj_stream_member(&st, "documentDescribes", described);
	described = NULL;
	rj_stream_array_begin(&st, "packages");
	rj_stream_element(&st, image_json(&s));
	if (has_os)
		rj_stream_element(&st, os_json(img));
	for (size_t i = 0; i < c->npkgs && !st.rc; i++) {
		const customs_package *p = customs_inventory_package(c->inv, i);
		if (!(id = package_id(&s, p))) {
			st.rc = CUSTOMS_ENOMEM;
			break;
		}
		rj_stream_element(&st, package_json(&s, p, id));
		if (json_array_append_new(pkg_ids, json_string(id)))
			st.rc = CUSTOMS_ENOMEM;
		free(id);
		id = NULL;
	}
	rj_stream_array_end(&st);
	if (json_array_size(s.extracted)) {
		rj_stream_member(&st, "hasExtractedLicensingInfos", s.extracted);
		s.extracted = NULL;
	}
	rj_stream_array_begin(&st, "relationships");
	rj_stream_element(&st, relationship("SPDXRef-DOCUMENT", "DESCRIBES", IMAGE_ID));
	if (has_os)
		rj_stream_element(&st, relationship(IMAGE_ID, "CONTAINS", OS_ID));
	for (size_t i = 0; i < json_array_size(pkg_ids) && !st.rc; i++)
		rj_stream_element(&st, relationship(IMAGE_ID, "CONTAINS",
		                                    json_string_value(json_array_get(pkg_ids, i))));
	rj_stream_array_end(&st);
out:
	free(ns);
	json_decref(pkg_ids);
	json_decref(described);
	json_decref(s.ids);
	json_decref(s.extracted);
	json_decref(s.extracted_ids);
	return rj_stream_end(&st, "SPDX document", err);
}
