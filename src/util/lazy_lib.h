/* Shared libraries loaded on first use (dlopen) instead of linked: the
 * loader behind util/curl_lazy.h, util/clamav_lazy.h, util/yara_lazy.h and
 * util/archive_lazy.h.
 * Each of those describes its library with a struct lazy_lib and a table of
 * function pointers built from an X-macro list of the functions it uses. */
#ifndef UTIL_LAZY_LIB_H
#define UTIL_LAZY_LIB_H

#include <pthread.h>
#include <stddef.h>

#include "customs/customs.h"

/* One function to resolve: its name in the library and the offset of its
 * pointer in the caller's table. */
struct lazy_sym {
	const char *name;
	size_t offset;
};

/* A library to load once per process. The caller fills the description
 * (LAZY_LIB_TABLE for the fields that follow from its table) and leaves the
 * state zero. */
struct lazy_lib {
	const char *name;       /* "libclamav": what the user knows it as */
	const char *soname;     /* "libclamav.so.12": the ABI the headers describe */
	const char *needed_for; /* "malware scanning needs the libclamav12 package" */
	const struct lazy_sym *syms;
	size_t n_syms;
	void *table;      /* the function pointers: all set on success, all NULL otherwise */
	size_t table_len; /* its size in bytes */
	/* Run once after every symbol resolved (curl_global_init, ...); a
	 * failure fails the load. NULL: nothing to run. */
	int (*init)(customs_error *err);

	pthread_mutex_t lock;
	int done; /* read without the lock: __atomic */
	int rc;
	customs_error err;
};

/* The fields of a struct lazy_lib initialiser that follow from its table
 * (an object) and its array of struct lazy_sym, and the lock's initialiser. */
#define LAZY_LIB_TABLE(tbl, sym_array)                                                             \
	.syms = (sym_array), .n_syms = sizeof(sym_array) / sizeof((sym_array)[0]),                 \
	.table = &(tbl), .table_len = sizeof(tbl), .lock = PTHREAD_MUTEX_INITIALIZER

/* Loads l on the first call: dlopen of its soname, dlsym of every symbol
 * into its table, then its init. Later calls return the first one's result
 * and message without trying again. CUSTOMS_EUNSUPPORTED when the library
 * is not installed or lacks a symbol. Thread-safe. */
int lazy_lib_load(struct lazy_lib *l, customs_error *err);

#endif
