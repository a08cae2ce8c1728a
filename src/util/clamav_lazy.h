/* libclamav, loaded on first use. libclamav and what only it links (pcre2,
 * json-c, libmagic, libmspack) were a quarter of the page faults of every
 * run's start, and only a malware scan or `customs version` uses it; libxml2
 * and ICU, which it links too, come with libarchive. Include this instead of
 * <clamav.h> and call clamav_lazy_load() before the first cl_* call; the
 * names below then go through the loaded library. Constants, enums and
 * structs (CL_SCAN_*, struct cl_scan_options) come from <clamav.h> unchanged. */
#ifndef UTIL_CLAMAV_LAZY_H
#define UTIL_CLAMAV_LAZY_H

#include <clamav.h>

#include "customs/customs.h"

/* X(name without "cl_"): every libclamav function the code calls. */
#define CLAMAV_LAZY_FUNCTIONS(X)                                                                   \
	X(init)                                                                                    \
	X(set_clcb_msg)                                                                            \
	X(retver)                                                                                  \
	X(retdbdir)                                                                                \
	X(strerror)                                                                                \
	X(engine_new)                                                                              \
	X(engine_set_num)                                                                          \
	X(engine_compile)                                                                          \
	X(engine_free)                                                                             \
	X(load)                                                                                    \
	X(fmap_open_memory)                                                                        \
	X(fmap_close)                                                                              \
	X(scanmap_callback)

/* Each pointer has the type of the function <clamav.h> declares. */
#define CLAMAV_LAZY_MEMBER(name) __typeof__(cl_##name) *name;
struct clamav_lazy {
	CLAMAV_LAZY_FUNCTIONS(CLAMAV_LAZY_MEMBER)
};
#undef CLAMAV_LAZY_MEMBER
extern struct clamav_lazy clamav_lazy;

/* Loads libclamav and runs cl_init, once per process; later calls return
 * the first one's result. CUSTOMS_EUNSUPPORTED when the library is not
 * installed. Its messages go nowhere until cl_set_clcb_msg names a callback
 * (the library never prints). Thread-safe. */
int clamav_lazy_load(customs_error *err);

#define cl_init             (clamav_lazy.init)
#define cl_set_clcb_msg     (clamav_lazy.set_clcb_msg)
#define cl_retver           (clamav_lazy.retver)
#define cl_retdbdir         (clamav_lazy.retdbdir)
#define cl_strerror         (clamav_lazy.strerror)
#define cl_engine_new       (clamav_lazy.engine_new)
#define cl_engine_set_num   (clamav_lazy.engine_set_num)
#define cl_engine_compile   (clamav_lazy.engine_compile)
#define cl_engine_free      (clamav_lazy.engine_free)
#define cl_load             (clamav_lazy.load)
#define cl_fmap_open_memory (clamav_lazy.fmap_open_memory)
#define cl_fmap_close       (clamav_lazy.fmap_close)
#define cl_scanmap_callback (clamav_lazy.scanmap_callback)

#endif
