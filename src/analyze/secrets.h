/* Secret detection: a built-in rule set (secrets_rules.c) and a streaming
 * scanner that finds leaked credentials in text, masking every match. */
#ifndef ANALYZE_SECRETS_H
#define ANALYZE_SECRETS_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/analyzer.h"
#include "customs/customs.h"
#include "customs/vulndb.h"

/* One built-in rule. Keywords are exact byte strings: a line is only given
 * to the regex when one of them occurs in it, so most files never run one. */
struct secret_rule {
	const char *id;
	const char *title;
	customs_severity severity;
	const char *keywords[12]; /* NULL-terminated */
	const char *regex;        /* POSIX extended */
	int group;                /* the capture group holding the secret (0: whole match) */
	int icase;                /* compile with REG_ICASE */
	int multiline;            /* the match may run past the keyword's line (PEM bodies) */
	/* Returns nonzero when the captured value is an obvious placeholder
	 * ("password", "${PASS}") rather than a secret; NULL: never. */
	int (*placeholder)(const char *s, size_t len);
};

extern const struct secret_rule secret_rules[];
extern const size_t secret_rules_count;

/* Rules compiled for scanning (secrets.c). */
struct secret_ruleset;
void secret_ruleset_free(struct secret_ruleset *rs);

/* A user's secret settings (--secret-config FILE, YAML):
 *
 *   max-file-size: 4194304          # bytes; larger files are not scanned
 *   rules:                          # added to the built-in ones
 *     - id: acme-token
 *       title: ACME API token
 *       severity: HIGH
 *       keywords: [acme_]
 *       regex: 'acme_[a-z0-9]{32}'
 *       group: 0                    # capture group holding the secret
 *   allow:
 *     paths: ["usr/share/doc*"]     # fnmatch globs on the image path
 *     rules: [jwt]                  # rule ids never reported
 *     regexes: ['EXAMPLE']          # a secret matching one is not reported
 */
struct secret_config {
	struct secret_rule *rules; /* user rules; strings owned */
	size_t n_rules;
	char **allow_paths;
	size_t n_allow_paths;
	char **allow_rules;
	size_t n_allow_rules;
	regex_t *allow_re;
	size_t n_allow_re;
	uint64_t max_file_bytes;    /* 0: LIMIT_SECRET_FILE_BYTES */
	struct secret_ruleset *set; /* built-in + user rules */
};

/* Parses data[0..len) (YAML) into a new config with its ruleset compiled. */
int secret_config_parse(struct secret_config **out, const char *data, size_t len,
                        customs_error *err);
/* Reads and parses the file at path (at most LIMIT_SECRET_CONFIG_BYTES). */
int secret_config_load(struct secret_config **out, const char *path, customs_error *err);
void secret_config_free(struct secret_config *c);
/* Builds c->set from the built-in rules and c->rules (secrets.c). */
int secret_config_compile(struct secret_config *c, customs_error *err);
/* Whether a match of rule_id with value val is allowed (not reported). */
int secret_config_allows(const struct secret_config *c, const char *rule_id, const char *val,
                         size_t len);
/* Whether files at path are not to be scanned. */
int secret_config_allows_path(const struct secret_config *c, const char *path);

/* One match. The secret itself is never stored: only its masked form. */
struct secret_hit {
	const char *rule_id; /* static, from the rule table */
	const char *title;
	customs_severity severity;
	uint64_t line; /* 1-based */
	char *masked;  /* first and last characters, "****" between */
};

void secret_hits_free(struct secret_hit *hits, size_t n);

/* Masks a secret of len bytes into a new string: short ones entirely. NULL
 * on allocation failure. */
char *secret_mask(const char *s, size_t len);

/* A scanner for one stream of bytes (a file, an ENV value, a history line).
 * Binary content (a NUL byte in the first LIMIT_SECRET_SNIFF_BYTES) makes
 * it stop looking. */
struct secret_scanner;

/* cfg (may be NULL: built-in rules only) is borrowed and must outlive s. */
int secret_scanner_new(struct secret_scanner **out, const struct secret_config *cfg,
                       customs_error *err);
int secret_scanner_feed(struct secret_scanner *s, const uint8_t *data, size_t len,
                        customs_error *err);
/* Finishes the stream and moves the hits to *out (caller frees with
 * secret_hits_free); the scanner is then freed. */
int secret_scanner_finish(struct secret_scanner *s, struct secret_hit **out, size_t *n_out,
                          customs_error *err);
void secret_scanner_free(struct secret_scanner *s);
/* Whether the scanner decided the stream is binary. */
int secret_scanner_is_binary(const struct secret_scanner *s);

/* Scans one whole buffer (config strings): new + feed + finish. */
int secrets_scan_buffer(struct secret_hit **out, size_t *n_out, const char *data, size_t len,
                        const struct secret_config *cfg, customs_error *err);

/* The streaming analyzer for every regular file (scan/extra.c adds it only
 * when secret scanning is on; a copy with ctx = a secret_config applies it). */
extern const struct analyzer analyzer_secrets;

#endif
