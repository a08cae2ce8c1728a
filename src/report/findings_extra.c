/* The malware, secrets and misconfiguration sections of `customs scan`: JSON
 * arrays and table sections after the vulnerabilities, honouring --skip-checks. */
#include <stdlib.h>
#include <string.h>

#include "customs/findings_extra.h"
#include "report/findings.h"
#include "report/report.h"

/* True when id is in the comma-separated list. */
static int listed(const char *list, const char *id)
{
	size_t n = strlen(id);
	for (const char *p = list; p && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && strncmp(p, id, n) == 0)
			return 1;
		p += len + (comma ? 1 : 0);
	}
	return 0;
}

int findings_extra_shows_misconfig(const struct findings_view *v, const customs_misconfig *m)
{
	return !listed(v->skip_checks, m->id);
}

size_t findings_extra_count_at_or_above(const struct findings_view *v, customs_severity s)
{
	size_t n = 0;
	for (size_t i = 0; i < customs_inventory_secret_count(v->inv); i++)
		n += customs_inventory_secret(v->inv, i)->severity >= s;
	for (size_t i = 0; i < customs_inventory_misconfig_count(v->inv); i++) {
		const customs_misconfig *m = customs_inventory_misconfig(v->inv, i);
		n += findings_extra_shows_misconfig(v, m) && m->severity >= s;
	}
	for (size_t i = 0; i < customs_inventory_malware_count(v->inv); i++)
		n += customs_inventory_malware(v->inv, i)->severity >= s;
	return n;
}

static json_t *secret_json(const customs_secret *s)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "rule_id", report_json_string(s->rule_id));
	json_object_set_new(o, "title", report_json_string(s->title));
	json_object_set_new(o, "severity", json_string(customs_severity_name(s->severity)));
	json_object_set_new(o, "source", report_json_string(s->source));
	json_object_set_new(o, "path", report_json_string(s->path));
	json_object_set_new(o, "line", json_integer((json_int_t)s->line));
	json_object_set_new(o, "match", report_json_string(s->match));
	json_object_set_new(o, "layer", report_json_string(s->layer));
	json_object_set_new(o, "hidden", json_boolean(s->hidden));
	json_object_set_new(o, "hidden_by", report_json_string(s->hidden_by));
	return o;
}

static json_t *malware_json(const customs_malware *m)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "signature", report_json_string(m->signature));
	json_object_set_new(o, "engine", report_json_string(m->engine));
	json_object_set_new(o, "severity", json_string(customs_severity_name(m->severity)));
	json_object_set_new(o, "path", report_json_string(m->path));
	json_object_set_new(o, "sha256", report_json_string(m->sha256));
	json_object_set_new(o, "layer", report_json_string(m->layer));
	json_object_set_new(o, "hidden", json_boolean(m->hidden));
	json_object_set_new(o, "hidden_by", report_json_string(m->hidden_by));
	return o;
}

static json_t *misconfig_json(const customs_misconfig *m)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "id", report_json_string(m->id));
	json_object_set_new(o, "title", report_json_string(m->title));
	json_object_set_new(o, "severity", json_string(customs_severity_name(m->severity)));
	json_object_set_new(o, "seen", report_json_string(m->seen));
	json_object_set_new(o, "fix", report_json_string(m->fix));
	json_object_set_new(o, "path", report_json_string(m->path));
	json_object_set_new(o, "layer", report_json_string(m->layer));
	return o;
}

int findings_extra_json(json_t *root, const struct findings_view *v)
{
	json_t *sec = json_array(), *mis = json_array(), *mal = json_array();
	if (!sec || !mis || !mal)
		goto nomem;
	for (size_t i = 0; i < customs_inventory_malware_count(v->inv); i++) {
		json_t *j = malware_json(customs_inventory_malware(v->inv, i));
		if (!j || json_array_append_new(mal, j))
			goto nomem;
	}
	for (size_t i = 0; i < customs_inventory_secret_count(v->inv); i++) {
		json_t *j = secret_json(customs_inventory_secret(v->inv, i));
		if (!j || json_array_append_new(sec, j))
			goto nomem;
	}
	for (size_t i = 0; i < customs_inventory_misconfig_count(v->inv); i++) {
		const customs_misconfig *m = customs_inventory_misconfig(v->inv, i);
		if (!findings_extra_shows_misconfig(v, m))
			continue;
		json_t *j = misconfig_json(m);
		if (!j || json_array_append_new(mis, j))
			goto nomem;
	}
	if (v->scanners & CUSTOMS_SCAN_SECRETS)
		json_object_set(root, "secrets", sec);
	if (v->scanners & CUSTOMS_SCAN_CONFIG)
		json_object_set(root, "misconfigurations", mis);
	if (v->scanners & CUSTOMS_SCAN_MALWARE)
		json_object_set(root, "malware", mal);
	json_decref(sec);
	json_decref(mis);
	json_decref(mal);
	return 0;
nomem:
	json_decref(sec);
	json_decref(mis);
	json_decref(mal);
	return CUSTOMS_ENOMEM;
}

static void malware_table(FILE *f, const struct findings_view *v)
{
	size_t n = customs_inventory_malware_count(v->inv);
	fprintf(f, "\nMalware: %zu\n", n);
	if (n)
		fprintf(f, "%-34s %-7s %s\n", "SIGNATURE", "ENGINE", "PATH  SHA256  LAYER");
	for (size_t i = 0; i < n; i++) {
		const customs_malware *m = customs_inventory_malware(v->inv, i);
		findings_put_clean(f, m->signature, 34);
		fputc(' ', f);
		findings_put_clean(f, m->engine, 7);
		fputc(' ', f);
		findings_put_clean(f, m->path, 0);
		fputs("  ", f);
		findings_put_clean(f, m->sha256, 0);
		fputs("  ", f);
		findings_put_clean(f, m->layer, 0);
		if (m->hidden)
			fputs(" (hidden: deleted in a later layer)", f);
		fputc('\n', f);
	}
}

void findings_extra_table(FILE *f, const struct findings_view *v)
{
	if (v->scanners & CUSTOMS_SCAN_MALWARE)
		malware_table(f, v);
	if (v->scanners & CUSTOMS_SCAN_SECRETS) {
		size_t n = customs_inventory_secret_count(v->inv);
		fprintf(f, "\nSecrets: %zu\n", n);
		if (n)
			fprintf(f, "%-10s %-26s %s\n", "SEVERITY", "RULE",
			        "WHERE:LINE  MATCH  LAYER");
		for (size_t i = 0; i < n; i++) {
			const customs_secret *s = customs_inventory_secret(v->inv, i);
			fprintf(f, "%-10s ", customs_severity_name(s->severity));
			findings_put_clean(f, s->rule_id, 26);
			fputc(' ', f);
			findings_put_clean(f, s->path, 0);
			fprintf(f, ":%llu  ", (unsigned long long)s->line);
			findings_put_clean(f, s->match, 0);
			fputs("  ", f);
			findings_put_clean(f, s->layer ? s->layer : s->source, 0);
			if (s->hidden)
				fputs(" (hidden: deleted in a later layer)", f);
			fputc('\n', f);
		}
	}
	if (v->scanners & CUSTOMS_SCAN_CONFIG) {
		size_t n = 0;
		for (size_t i = 0; i < customs_inventory_misconfig_count(v->inv); i++)
			n += findings_extra_shows_misconfig(v,
			                                    customs_inventory_misconfig(v->inv, i));
		fprintf(f, "\nMisconfigurations: %zu\n", n);
		if (n)
			fprintf(f, "%-12s %-10s %-40s %s\n", "CHECK", "SEVERITY", "TITLE",
			        "SEEN / FIX");
		for (size_t i = 0; i < customs_inventory_misconfig_count(v->inv); i++) {
			const customs_misconfig *m = customs_inventory_misconfig(v->inv, i);
			if (!findings_extra_shows_misconfig(v, m))
				continue;
			findings_put_clean(f, m->id, 12);
			fprintf(f, " %-10s ", customs_severity_name(m->severity));
			findings_put_clean(f, m->title, 40);
			fputc(' ', f);
			findings_put_clean(f, m->seen, 0);
			fputs("\n             fix: ", f);
			findings_put_clean(f, m->fix, 0);
			fputc('\n', f);
		}
	}
}
