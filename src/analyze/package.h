/* Packages as analyzers produce them: customs_package records whose strings
 * are heap-owned by a package_list, and the OS facts from release files. */
#ifndef ANALYZE_PACKAGE_H
#define ANALYZE_PACKAGE_H

#include <stddef.h>

#include "customs/customs.h"

struct package_list {
	customs_package *items;
	size_t n, cap;
	size_t max; /* 0: LIMIT_PACKAGES_PER_FILE */
};

/* Appends a zeroed record (installed_size = -1) and returns it for the caller
 * to fill with malloc'd strings, which the list then owns. NULL when the list
 * is at its cap or memory ran out. */
customs_package *package_list_add(struct package_list *l);
/* Makes room for n more records up front (a hint: adding still works on
 * failure). 0 or CUSTOMS_ENOMEM. */
int package_list_reserve(struct package_list *l, size_t n);
/* Drops the last record (an entry that turned out to be invalid). */
void package_list_pop(struct package_list *l);
void package_list_free(struct package_list *l);
/* Frees the strings of one record and zeroes it. */
void package_clear(customs_package *p);
/* Deep copy of src into dst (dst's old contents are not freed). */
int package_copy(customs_package *dst, const customs_package *src);
/* Full comparable version: "epoch:version" or "version". Caller frees. */
char *package_full_version(const customs_package *p);

/* The OS as one release file describes it. Higher priority wins when several
 * release files exist (os-release over distro-specific files). */
struct os_info {
	char *family;   /* os-release ID, lowercase: "debian", "alpine", "rhel", "wolfi" */
	char *version;  /* VERSION_ID or the release file's version: "12", "3.20.3" */
	char *codename; /* VERSION_CODENAME: "bookworm" */
	char *name;     /* PRETTY_NAME */
	int priority;
};

void os_info_free(struct os_info *os);

#endif
