/* Report writers: turn a scanned inventory into a human table, customs JSON,
 * CycloneDX 1.5 JSON or SPDX 2.3 JSON. One writer per format, one entry point. */
#ifndef REPORT_REPORT_H
#define REPORT_REPORT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "customs/customs.h"

enum report_format { REPORT_TABLE, REPORT_JSON, REPORT_CYCLONEDX, REPORT_SPDX };

/* Options for a report. Initialise with REPORT_OPTIONS_INIT so that fields
 * added later get their defaults. Passing NULL options means the defaults. */
struct report_options {
	unsigned int version;
	/* Document creation time in seconds since the epoch; negative: now. Tests and
	 * reproducible builds fix it (SOURCE_DATE_EPOCH style). */
	int64_t timestamp;
	/* When set, the CycloneDX serial number and the SPDX namespace UUID derive
	 * from this seed (same seed, same UUID) instead of RAND_bytes. */
	const char *uuid_seed;
	/* Table colour: -1 when f is a terminal, 0 never, 1 always. */
	int color;
};

#define REPORT_OPTIONS_VERSION 1
#define REPORT_OPTIONS_INIT                                                                        \
	{                                                                                          \
		REPORT_OPTIONS_VERSION, -1, NULL, -1                                               \
	}

/* Parses a format name: "table", "json", "cyclonedx" (or "cyclonedx-json"),
 * "spdx" (or "spdx-json"). CUSTOMS_EUSAGE for anything else, *out untouched. */
int report_format_parse(enum report_format *out, const char *name);

/* The canonical name of a format ("table", "json", "cyclonedx", "spdx"). */
const char *report_format_name(enum report_format fmt);

/* Writes inv to f in format fmt. o may be NULL (now, random UUID, colour on a
 * terminal). f stays open and owned by the caller. Every string from the image is
 * treated as hostile: invalid UTF-8 becomes U+FFFD, and the table also replaces
 * control characters. Returns 0, CUSTOMS_EIO when f failed, CUSTOMS_ENOMEM, or
 * CUSTOMS_EUSAGE for an unknown format; err says why. */
int report_inventory_write(FILE *f, const customs_inventory *inv, enum report_format fmt,
                           const struct report_options *o, customs_error *err);

/* One package as the customs JSON report writes it (documented in docs/sbom.md):
 * a new object the caller owns (json_decref), or NULL when memory ran out. Reused
 * by the vulnerability report so that a package looks the same in both. */
json_t *report_package_json(const customs_package *p);

/* The "artifact" object of the customs JSON report for an image; NULL on ENOMEM. */
json_t *report_artifact_json(const customs_image_info *img);

/* A JSON string for untrusted bytes: invalid UTF-8 sequences become U+FFFD, so
 * jansson never rejects it. s NULL gives JSON null. NULL only when memory ran out. */
json_t *report_json_string(const char *s);

#endif
