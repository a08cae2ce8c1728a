/* Internals shared by the report writers: the per-report context, UTF-8 and
 * JSON helpers, SPDX license expression checks and unique identifier sets. */
#ifndef REPORT_REPORT_INT_H
#define REPORT_REPORT_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report/report.h"
#include "util/buf.h"

/* What every writer needs: the inventory plus the fixed or fresh time and UUID. */
struct report_ctx {
	const customs_inventory *inv;
	const customs_image_info *img;
	size_t npkgs;
	char timestamp[32]; /* RFC 3339 UTC, "2024-01-02T03:04:05Z" */
	char uuid[37];      /* RFC 4122 version 4 layout, lowercase */
	int color;          /* table only: resolved to 0 or 1 */
};

/* Copy of s[0..len) in which every invalid UTF-8 sequence (overlong, surrogate,
 * past U+10FFFF, truncated) is replaced by U+FFFD. *out_len gets the new length.
 * NULL when memory ran out. */
char *report_utf8_sanitize(const char *s, size_t len, size_t *out_len);

/* Sets obj[key] to report_json_string(s) unless s is NULL. 0 or -1 (ENOMEM). */
int rj_set_str(json_t *obj, const char *key, const char *s);
/* Appends {"name": name, "value": value} to a CycloneDX properties array
 * unless value is NULL. 0 or -1. */
int rj_add_property(json_t *props, const char *name, const char *value);
/* A JSON document written member by member, so that a report on a huge image
 * never holds every package's json_t at once: each value is built, dumped with
 * two-space indent at its depth, and freed. The output has the layout of
 * json_dumpf(JSON_INDENT(2)). The first failure sticks in rc; calls after it do
 * nothing, so writers check once at the end. */
struct rj_stream {
	FILE *f;
	int rc;            /* 0, CUSTOMS_ENOMEM or CUSTOMS_EIO */
	bool first_member; /* no member written yet */
	size_t elements;   /* written in the open array */
	struct buf out;    /* one value at a time: a single fwrite per value */
};

void rj_stream_begin(struct rj_stream *s, FILE *f);
/* Writes "key": v and releases v (NULL v: out of memory). */
void rj_stream_member(struct rj_stream *s, const char *key, json_t *v);
/* Opens "key": [ ... ], fills it with rj_stream_element, closes it. */
void rj_stream_array_begin(struct rj_stream *s, const char *key);
void rj_stream_element(struct rj_stream *s, json_t *v);
void rj_stream_array_end(struct rj_stream *s);
/* Closes the document and flushes f; returns s->rc with err filled, what naming
 * the document in an out-of-memory message. */
int rj_stream_end(struct rj_stream *s, const char *what, customs_error *err);

/* Appends v as json_dumps(JSON_INDENT(2)) writes it, each line after the first
 * indented by level more steps of two spaces. 0, CUSTOMS_ENOMEM, or
 * CUSTOMS_ETOOLARGE when o's cap is reached. */
int report_json_text(struct buf *o, const json_t *v, size_t level);

/* How a declared license string can be represented. */
enum license_kind {
	LICENSE_NONE,       /* empty, NONE or NOASSERTION */
	LICENSE_ID,         /* exactly one listed SPDX license id */
	LICENSE_EXPRESSION, /* a valid SPDX license expression */
	LICENSE_OTHER,      /* free text ("GPL2+ BSD", "Artistic") */
};

/* Classifies a license string. For LICENSE_ID, *canonical (may be NULL) gets the
 * id as the SPDX list spells it. allow_refs accepts LicenseRef-/DocumentRef-
 * operands (CycloneDX may carry them; an SPDX document would have to define them). */
enum license_kind report_license_classify(const char *s, bool allow_refs, const char **canonical);
/* The canonical spelling of a listed SPDX license or exception id matched
 * case-insensitively against s[0..len), or NULL. */
const char *report_spdx_id_lookup(const char *s, size_t len);
extern const char *const report_spdx_ids[];
extern const size_t report_spdx_ids_count;
extern const char report_spdx_list_version[];

/* Makes base unique within set (a JSON object used as a string set): returns a
 * malloc'd copy of base, or base + sep + N with the smallest free N >= 2. The
 * result is added to the set. NULL when memory ran out. */
char *report_unique_id(json_t *set, const char *base, const char *sep);

/* The package version as its ecosystem writes it: "epoch:version" or "version";
 * NULL when the package has no version or memory ran out (*nomem says which). */
char *report_full_version(const customs_package *p, bool *nomem);

/* "src_name src_version" (either part may be missing) into *out, or NULL when the
 * package names no source. 0 or CUSTOMS_ENOMEM. */
int report_source_text(char **out, const customs_package *p);

/* Splits a maintainer "Name <mail>" into a name and an e-mail (either may be
 * NULL; both malloc'd). 0 or CUSTOMS_ENOMEM. */
int report_split_maintainer(const char *m, char **name, char **email);

/* True for package types that belong to the operating system's package manager. */
bool report_is_os_package(const customs_package *p);

int report_table_write(FILE *f, const struct report_ctx *c, customs_error *err);
int report_json_write(FILE *f, const struct report_ctx *c, customs_error *err);
int report_cyclonedx_write(FILE *f, const struct report_ctx *c, customs_error *err);
int report_spdx_write(FILE *f, const struct report_ctx *c, customs_error *err);

#endif
