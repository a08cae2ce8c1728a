/* Language packages that an OS package ships are reported once, as the OS
 * package: the scan drops those whose declaring file an OS database owns. */
#ifndef SCAN_OWNERSHIP_H
#define SCAN_OWNERSHIP_H

#include <stddef.h>

#include "layer/layer.h"
#include "scan/inventory.h"

/* Removes from inv every package of a language ecosystem (not deb, apk or
 * rpm) whose path is listed as installed by an OS package database found in
 * the final filesystem m (dpkg .list files, the apk database, the rpmdb).
 * For a file inside a *.dist-info or *.egg-info folder, the folder being owned
 * is enough. *dropped (may be NULL) receives the count. Returns 0 or
 * CUSTOMS_ENOMEM (inv unchanged). */
int scan_drop_os_owned(struct customs_inventory *inv, const struct merged_fs *m, size_t *dropped);

#endif
