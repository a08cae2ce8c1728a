/* Vulnerability report writers for `customs scan`: a table for people and
 * JSON for machines (documented in docs/scan-json.md). */
#ifndef REPORT_FINDINGS_H
#define REPORT_FINDINGS_H

#include <stdio.h>

#include "customs/customs.h"
#include "customs/vulndb.h"

enum findings_format { FINDINGS_TABLE, FINDINGS_JSON };

/* What to write: the inventory, its findings, and which severities to show. */
struct findings_view {
	const customs_inventory *inv;
	const customs_findings *findings;
	unsigned severities; /* bit (1 << customs_severity) per severity shown; 0: all */
	int color;           /* ANSI colours in the table */
};

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
