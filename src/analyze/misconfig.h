/* Misconfiguration facts from the filesystem: the analyzer that notes the
 * paths the checks care about, and the check ids they feed. */
#ifndef ANALYZE_MISCONFIG_H
#define ANALYZE_MISCONFIG_H

#include <stdint.h>

#include "analyze/analyzer.h"

/* Check ids (the full table with titles and fixes is in scan/config_checks.c). */
#define MISCONFIG_ROOT           "CUS-CFG-001"
#define MISCONFIG_HEALTHCHECK    "CUS-CFG-002"
#define MISCONFIG_ADD            "CUS-CFG-003"
#define MISCONFIG_SSH            "CUS-CFG-004"
#define MISCONFIG_SUDO           "CUS-CFG-005"
#define MISCONFIG_PKG_CACHE      "CUS-CFG-006"
#define MISCONFIG_ENV_SECRET     "CUS-CFG-007"
#define MISCONFIG_BASE_TAG       "CUS-CFG-008"
#define MISCONFIG_SETUID         "CUS-CFG-009"
#define MISCONFIG_WORLD_WRITABLE "CUS-CFG-010"

/* Which check a path recorded by analyzer_misconfig feeds, or NULL. */
const char *misconfig_fact_check(const char *path);

/* Which check an entry's mode fails (setuid/setgid file, world-writable
 * file or folder outside the scratch folders), or NULL. */
const char *misconfig_mode_check(const char *path, uint32_t mode);

extern const struct analyzer analyzer_misconfig;
/* Records the entries misconfig_mode_check flags, from their tar headers. */
extern const struct analyzer analyzer_fsmode;

#endif
