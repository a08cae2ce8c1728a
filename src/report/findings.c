/* Vulnerability reports: the table groups findings by package, most severe
 * first (then by EPSS), with a count per severity; the JSON carries the
 * artifact, the packages and every shown finding. */
#include <stdlib.h>
#include <string.h>

#include "report/findings.h"
#include "report/report.h"
#include "util/error.h"

int findings_format_parse(enum findings_format *out, const char *name)
{
	if (strcmp(name, "table") == 0)
		*out = FINDINGS_TABLE;
	else if (strcmp(name, "json") == 0)
		*out = FINDINGS_JSON;
	else
		return CUSTOMS_EUSAGE;
	return CUSTOMS_OK;
}

int findings_view_shows(const struct findings_view *v, const customs_finding *f)
{
	return v->severities == 0 || (v->severities & (1u << f->severity));
}

size_t findings_count_at_or_above(const struct findings_view *v, customs_severity s)
{
	size_t n = findings_extra_count_at_or_above(v, s);
	size_t total = v->findings ? customs_findings_count(v->findings) : 0;
	for (size_t i = 0; i < total; i++) {
		const customs_finding *f = customs_findings_get(v->findings, i);
		if (findings_view_shows(v, f) && f->severity >= s)
			n++;
	}
	return n;
}

static json_t *number_or_null(double x)
{
	return x < 0 ? json_null() : json_real(x);
}

static json_t *finding_json(const customs_finding *f)
{
	json_t *o = json_object(), *aliases = json_array(), *cvss = json_object(), *epss;
	if (!o || !aliases || !cvss)
		goto fail;
	for (size_t i = 0; i < f->alias_count; i++)
		json_array_append_new(aliases, report_json_string(f->aliases[i]));
	json_object_set_new(cvss, "score", number_or_null(f->cvss_score));
	json_object_set_new(cvss, "vector", report_json_string(f->cvss_vector));
	epss = f->epss_score < 0 ? json_null()
	                         : json_pack("{s:f,s:f}", "score", f->epss_score, "percentile",
	                                     f->epss_percentile);
	json_object_set_new(o, "id", report_json_string(f->id));
	json_object_set_new(o, "aliases", aliases);
	json_object_set_new(o, "package", report_json_string(f->package));
	json_object_set_new(o, "package_type", report_json_string(f->package_type));
	json_object_set_new(o, "installed_version", report_json_string(f->installed_version));
	json_object_set_new(o, "fixed_version", report_json_string(f->fixed_version));
	json_object_set_new(o, "status", json_string(customs_vuln_status_name(f->status)));
	json_object_set_new(o, "status_note", report_json_string(f->status_note));
	json_object_set_new(o, "severity", json_string(customs_severity_name(f->severity)));
	json_object_set_new(o, "severity_source", report_json_string(f->severity_source));
	json_object_set_new(o, "cvss", cvss);
	json_object_set_new(o, "epss", epss ? epss : json_null());
	json_object_set_new(o, "kev", json_boolean(f->kev));
	json_object_set_new(o, "kev_date_added", report_json_string(f->kev_date_added));
	json_object_set_new(o, "title", report_json_string(f->title));
	json_object_set_new(o, "data_source", report_json_string(f->data_source));
	json_object_set_new(o, "purl", report_json_string(f->purl));
	json_object_set_new(o, "layer", report_json_string(f->layer));
	return o;
fail:
	json_decref(o);
	json_decref(aliases);
	json_decref(cvss);
	return NULL;
}

static int write_json(FILE *f, const struct findings_view *v, customs_error *err)
{
	json_t *root = json_object(), *pkgs = json_array(), *vulns = json_array(),
	       *counts = json_object();
	int rc = CUSTOMS_ENOMEM;
	if (!root || !pkgs || !vulns || !counts)
		goto out;
	json_object_set_new(root, "artifact",
	                    report_artifact_json(customs_inventory_image(v->inv)));
	for (size_t i = 0; i < customs_inventory_package_count(v->inv); i++)
		json_array_append_new(pkgs,
		                      report_package_json(customs_inventory_package(v->inv, i)));
	size_t per[CUSTOMS_SEVERITY_CRITICAL + 1] = {0};
	for (size_t i = 0; v->findings && i < customs_findings_count(v->findings); i++) {
		const customs_finding *fd = customs_findings_get(v->findings, i);
		if (!findings_view_shows(v, fd))
			continue;
		json_t *j = finding_json(fd);
		if (!j || json_array_append_new(vulns, j))
			goto out;
		per[fd->severity]++;
	}
	for (int s = CUSTOMS_SEVERITY_CRITICAL; s >= CUSTOMS_SEVERITY_UNKNOWN; s--)
		json_object_set_new(counts, customs_severity_name((customs_severity)s),
		                    json_integer((json_int_t)per[s]));
	json_object_set_new(root, "packages", pkgs);
	json_object_set_new(root, "vulnerabilities", vulns);
	json_object_set_new(root, "summary", counts);
	pkgs = vulns = counts = NULL;
	if (findings_extra_json(root, v))
		goto out;
	rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) || fputc('\n', f) == EOF
	         ? CUSTOMS_EIO
	         : CUSTOMS_OK;
out:
	json_decref(root);
	json_decref(pkgs);
	json_decref(vulns);
	json_decref(counts);
	if (rc)
		err_set(err, rc, "writing the JSON report failed");
	return rc;
}

/* Table order: package (inventory order), then severity down, then EPSS down. */
static int cmp_rows(const void *x, const void *y)
{
	const customs_finding *a = *(const customs_finding *const *)x;
	const customs_finding *b = *(const customs_finding *const *)y;
	if (a->package_index != b->package_index)
		return a->package_index < b->package_index ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->epss_score != b->epss_score)
		return a->epss_score > b->epss_score ? -1 : 1;
	return strcmp(a->id ? a->id : "", b->id ? b->id : "");
}

static const char *severity_color(customs_severity s)
{
	switch (s) {
	case CUSTOMS_SEVERITY_CRITICAL:
		return "\033[1;31m";
	case CUSTOMS_SEVERITY_HIGH:
		return "\033[31m";
	case CUSTOMS_SEVERITY_MEDIUM:
		return "\033[33m";
	case CUSTOMS_SEVERITY_LOW:
		return "\033[34m";
	default:
		return "";
	}
}

/* Control characters from hostile feeds or images never reach the terminal. */
void findings_put_clean(FILE *f, const char *s, int width)
{
	int n = 0;
	for (s = s ? s : "-"; *s; s++, n++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
	for (; n < width; n++)
		fputc(' ', f);
}

static int write_table(FILE *f, const struct findings_view *v, customs_error *err)
{
	const customs_image_info *img = customs_inventory_image(v->inv);
	size_t total = v->findings ? customs_findings_count(v->findings) : 0, n = 0;
	const customs_finding **rows = calloc(total ? total : 1, sizeof(*rows));
	if (!rows)
		return err_set(err, CUSTOMS_ENOMEM, "out of memory");
	size_t per[CUSTOMS_SEVERITY_CRITICAL + 1] = {0};
	for (size_t i = 0; i < total; i++) {
		const customs_finding *fd = customs_findings_get(v->findings, i);
		if (findings_view_shows(v, fd)) {
			rows[n++] = fd;
			per[fd->severity]++;
		}
	}
	qsort(rows, n, sizeof(*rows), cmp_rows);

	fputs("Image: ", f);
	findings_put_clean(f, img->reference, 0);
	fputs("\nOS:    ", f);
	findings_put_clean(f, img->os_name ? img->os_name : img->os_family, 0);
	fprintf(f, "\nPackages: %zu\n\n", customs_inventory_package_count(v->inv));
	if (v->findings) {
		fprintf(f, "%-28s %-22s %-10s %-10s %-24s %-24s %s\n", "PACKAGE", "VULNERABILITY",
		        "SEVERITY", "STATUS", "INSTALLED", "FIXED", "TITLE");
		size_t last_pkg = (size_t)-1;
		for (size_t i = 0; i < n; i++) {
			const customs_finding *fd = rows[i];
			findings_put_clean(f, fd->package_index != last_pkg ? fd->package : "", 28);
			fputc(' ', f);
			last_pkg = fd->package_index;
			findings_put_clean(f, fd->id, 22);
			fputc(' ', f);
			if (v->color)
				fputs(severity_color(fd->severity), f);
			fprintf(f, "%-10s", customs_severity_name(fd->severity));
			if (v->color)
				fputs("\033[0m", f);
			fprintf(f, " %-10s ", customs_vuln_status_name(fd->status));
			findings_put_clean(f, fd->installed_version, 24);
			fputc(' ', f);
			findings_put_clean(f, fd->fixed_version, 24);
			fputc(' ', f);
			if (fd->kev)
				fputs("[KEV] ", f);
			findings_put_clean(f, fd->title, 0);
			fputc('\n', f);
		}
		fprintf(f,
		        "\nTotal: %zu (CRITICAL: %zu, HIGH: %zu, MEDIUM: %zu, LOW: %zu, "
		        "NEGLIGIBLE: %zu, "
		        "UNKNOWN: %zu)\n",
		        n, per[CUSTOMS_SEVERITY_CRITICAL], per[CUSTOMS_SEVERITY_HIGH],
		        per[CUSTOMS_SEVERITY_MEDIUM], per[CUSTOMS_SEVERITY_LOW],
		        per[CUSTOMS_SEVERITY_NEGLIGIBLE], per[CUSTOMS_SEVERITY_UNKNOWN]);
	}
	free(rows);
	findings_extra_table(f, v);
	if (ferror(f))
		return err_set(err, CUSTOMS_EIO, "writing the table failed");
	return CUSTOMS_OK;
}

int findings_write(FILE *f, const struct findings_view *v, enum findings_format fmt,
                   customs_error *err)
{
	return fmt == FINDINGS_JSON ? write_json(f, v, err) : write_table(f, v, err);
}
