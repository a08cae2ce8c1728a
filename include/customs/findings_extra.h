/* Secrets, misconfigurations and malware found by customs_inventory_scan when
 * opts->scanners asks for them: read from the inventory with these calls. */
#ifndef CUSTOMS_FINDINGS_EXTRA_H
#define CUSTOMS_FINDINGS_EXTRA_H

#include <stddef.h>
#include <stdint.h>

#include "customs/customs.h"
#include "customs/vulndb.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A leaked credential. The secret itself is never kept: match holds its
 * first and last few characters only. Strings are owned by the inventory. */
typedef struct customs_secret {
	const char *rule_id; /* "aws-access-key-id", ... */
	const char *title;
	customs_severity severity;
	const char *source; /* "file", "env", "label" or "history" */
	const char *path;   /* file path, or the config key ("Env", "Labels.NAME", "history[3]") */
	uint64_t line;      /* 1-based line in the file or value */
	const char *match;  /* masked */
	const char *layer;  /* diff_id of the layer holding the file; NULL for the config */
	int hidden;         /* a later layer deleted or replaced the file: still shipped */
	const char *hidden_by; /* diff_id of that layer, when hidden */
} customs_secret;

/* A failed misconfiguration check. Strings are owned by the inventory. */
typedef struct customs_misconfig {
	const char *id; /* "CUS-CFG-001", ... */
	const char *title;
	customs_severity severity;
	const char *seen;  /* what was found */
	const char *fix;   /* how to fix it */
	const char *path;  /* the file involved, or NULL */
	const char *layer; /* diff_id of the layer holding path, or NULL */
} customs_misconfig;

/* A file matching a malware signature or YARA rule. Strings are owned by
 * the inventory. */
typedef struct customs_malware {
	const char *signature;     /* the signature or rule name */
	const char *engine;        /* "clamav" or "yara" */
	customs_severity severity; /* always CRITICAL: any --fail-on counts it */
	const char *path;          /* the file's path in the image */
	const char *sha256;        /* of the whole file, 64 lowercase hex digits */
	const char *layer;         /* diff_id of the layer holding the file */
	int hidden;                /* a later layer deleted or replaced the file: still shipped */
	const char *hidden_by;     /* diff_id of that layer, when hidden */
} customs_malware;

size_t customs_inventory_malware_count(const customs_inventory *inv);
const customs_malware *customs_inventory_malware(const customs_inventory *inv, size_t i);

/* Loads the malware engine for opts (database folder, rule files, limits)
 * the way customs_inventory_scan would, so that a caller can learn before a
 * scan whether malware scanning is possible. The engine stays loaded for
 * the process and later scans with the same settings reuse it. Returns 0;
 * CUSTOMS_ENOTFOUND when there are no signatures at all; CUSTOMS_EUSAGE when
 * a rule file or the database does not load (err says which);
 * CUSTOMS_EUNSUPPORTED when libclamav, or libyara for YARA rules, is not
 * installed (they are loaded on first use, not linked). *n_signatures
 * (may be NULL) gets the number loaded. */
int customs_malware_load(const customs_scan_options *opts, uint64_t *n_signatures,
                         customs_error *err);

size_t customs_inventory_secret_count(const customs_inventory *inv);
const customs_secret *customs_inventory_secret(const customs_inventory *inv, size_t i);
size_t customs_inventory_misconfig_count(const customs_inventory *inv);
const customs_misconfig *customs_inventory_misconfig(const customs_inventory *inv, size_t i);

/* The misconfiguration check table: id, title and severity of check i, for
 * listings and --skip-checks validation. NULL past the end. */
const char *customs_misconfig_check_id(size_t i);

#ifdef __cplusplus
}
#endif

#endif
