/* Vulnerability report writers for `customs scan`: a table for people and
 * JSON for machines (documented in docs/scan-json.md). */
#ifndef REPORT_FINDINGS_H
#define REPORT_FINDINGS_H

#include <stdio.h>

#include <jansson.h>

#include "customs/customs.h"
#include "customs/findings_extra.h"
#include "customs/vulndb.h"

enum findings_format { FINDINGS_TABLE, FINDINGS_JSON };

/* What to write: the inventory, its findings, and which severities to show. */
struct findings_view {
	const customs_inventory *inv;
	const customs_findings *findings;
	unsigned severities;     /* bit (1 << customs_severity) per severity shown; 0: all */
	int color;               /* ANSI colours in the table */
	unsigned scanners;       /* CUSTOMS_SCAN_* sections to write; findings may be NULL */
	const char *skip_checks; /* comma-separated misconfiguration ids left out, or NULL */
};

/* Writes s (NULL: "-") padded to width, control characters as '?'. */
void findings_put_clean(FILE *f, const char *s, int width);

/* findings_extra.c: the secrets and misconfiguration sections. */
int findings_extra_json(json_t *root, const struct findings_view *v);
void findings_extra_table(FILE *f, const struct findings_view *v);
size_t findings_extra_count_at_or_above(const struct findings_view *v, customs_severity s);
int findings_extra_shows_misconfig(const struct findings_view *v, const customs_misconfig *m);

/* "table" or "json"; CUSTOMS_EUSAGE otherwise, *out untouched. */
int findings_format_parse(enum findings_format *out, const char *name);

/* True when finding i is shown under the view's severity filter. */
int findings_view_shows(const struct findings_view *v, const customs_finding *f);

/* Number of shown findings at or above severity s (the --fail-on gate). */
size_t findings_count_at_or_above(const struct findings_view *v, customs_severity s);

/* Writes the report; f stays owned by the caller. 0, or CUSTOMS_EIO/ENOMEM. */
int findings_write(FILE *f, const struct findings_view *v, enum findings_format fmt,
                   customs_error *err);

#endif
