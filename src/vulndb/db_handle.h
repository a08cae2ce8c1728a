/* The read-only DB handle behind customs_vulndb, shared with the matcher
 * which keeps its prepared lookup statements in it. */
#ifndef VULNDB_DB_HANDLE_H
#define VULNDB_DB_HANDLE_H

#include <sqlite3.h>
#include <stddef.h>

#include "customs/vulndb.h"

/* Indexes into customs_vulndb.stmts, prepared on first use by the matcher. */
enum {
	DBQ_AFFECTED,   /* rows for (ecosystem, package) */
	DBQ_ALIASES,    /* aliases of an id */
	DBQ_ADVISORIES, /* advisory rows of an id, any source */
	DBQ_EPSS,
	DBQ_KEV,
	DBQ_COUNT
};

struct customs_vulndb {
	sqlite3 *db;
	int schema_version;
	customs_vulndb_source *sources;
	size_t n_sources;
	sqlite3_stmt *stmts[DBQ_COUNT];
};

#endif
