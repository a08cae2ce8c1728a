/* Per-layer progress bars on stderr while an image is read: one line per
 * layer (short digest, bytes done/total, percentage), redrawn in place. */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include <stdbool.h>

#include "customs/customs.h"

struct progress;

/* Hooks bars into opts when stderr is a terminal and quiet is false; returns
 * NULL otherwise (and when out of memory: bars are never worth failing a
 * scan for), leaving opts untouched. opts must outlive the scan. */
struct progress *progress_start(customs_scan_options *opts, bool quiet);
/* Draws the final state and frees; accepts NULL. Call after the scan
 * returned, when no worker thread reports any more. */
void progress_end(struct progress *p);

#endif
