/* libarchive through dlopen: see archive_lazy.h for why. */
#include "util/archive_lazy.h"
#include "util/error.h"
#include "util/lazy_lib.h"

/* The soname below is the ABI of these headers: a build against another
 * libarchive must say which soname it has (dpkg -L libarchiveN). */
#if ARCHIVE_VERSION_NUMBER / 1000000 != 3
#error "libarchive headers are not version 3 (ABI 13): update the soname in archive_lazy.c"
#endif

struct archive_lazy archive_lazy;

#define ARCHIVE_LAZY_SYM(name) {"archive_" #name, offsetof(struct archive_lazy, name)},
static const struct lazy_sym syms[] = {ARCHIVE_LAZY_FUNCTIONS(ARCHIVE_LAZY_SYM)};
#undef ARCHIVE_LAZY_SYM

static struct lazy_lib lib = {
    .name = "libarchive",
    .soname = "libarchive.so.13",
    .needed_for = "jars, image archives and DB bundles need the libarchive13 package",
    LAZY_LIB_TABLE(archive_lazy, syms),
};

int archive_lazy_load(customs_error *err)
{
	return lazy_lib_load(&lib, err);
}
