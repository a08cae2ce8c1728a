/* libyara, loaded on first use: only a scan with YARA rules needs it, and
 * `customs version`. Include this instead of <yara.h> and call
 * yara_lazy_load() before the first yr_* call; the names below then go
 * through the loaded library. Constants, structs and the macros of <yara.h>
 * the code uses (yr_rules_foreach, YR_MAX_THREADS, ERROR_*, CALLBACK_*)
 * call no function and work unchanged. */
#ifndef UTIL_YARA_LAZY_H
#define UTIL_YARA_LAZY_H

#include <yara.h>

#include "customs/customs.h"

/* X(name without "yr_"): every libyara function the code calls. */
#define YARA_LAZY_FUNCTIONS(X)                                                                     \
	X(initialize)                                                                              \
	X(compiler_create)                                                                         \
	X(compiler_set_callback)                                                                   \
	X(compiler_add_file)                                                                       \
	X(compiler_get_rules)                                                                      \
	X(compiler_destroy)                                                                        \
	X(rules_scan_mem)                                                                          \
	X(rules_destroy)

/* Each pointer has the type of the function <yara.h> declares. */
#define YARA_LAZY_MEMBER(name) __typeof__(yr_##name) *name;
struct yara_lazy {
	YARA_LAZY_FUNCTIONS(YARA_LAZY_MEMBER)
};
#undef YARA_LAZY_MEMBER
extern struct yara_lazy yara_lazy;

/* Loads libyara and runs yr_initialize, once per process; later calls
 * return the first one's result. CUSTOMS_EUNSUPPORTED when the library is
 * not installed. Thread-safe. */
int yara_lazy_load(customs_error *err);

#define yr_initialize            (yara_lazy.initialize)
#define yr_compiler_create       (yara_lazy.compiler_create)
#define yr_compiler_set_callback (yara_lazy.compiler_set_callback)
#define yr_compiler_add_file     (yara_lazy.compiler_add_file)
#define yr_compiler_get_rules    (yara_lazy.compiler_get_rules)
#define yr_compiler_destroy      (yara_lazy.compiler_destroy)
#define yr_rules_scan_mem        (yara_lazy.rules_scan_mem)
#define yr_rules_destroy         (yara_lazy.rules_destroy)

#endif
